"""The per-document pipeline: one raw record in, one document or reject out (:mod:`masthead.pipeline.process`).

Beside the ``clean`` and ``normalize`` packages it calls, its steps live here: the record readers hand over,
the read-only context, metadata sanitising, ids, schema validation, language, word counts and split assignment.
"""
