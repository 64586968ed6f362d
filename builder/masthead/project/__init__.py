"""A corpus project's own files: ``masthead init`` writes a new project (``scaffold``), and its CITATION.cff
gives the corpus's descriptive metadata (``corpusinfo``)."""
