"""Duplicate detection: each text's MinHash signature (``minhash``) and the corpus-level search for exact and
near duplicates over a build's documents (``detect``)."""
