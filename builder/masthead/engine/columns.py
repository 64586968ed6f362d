"""The columns of a shard's work file: the document schema's, plus the engine's private ones."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from masthead.schema import arrow_schema, document_schema

PRIVATE = ("_seq", "_notes", "_filled", "_minhash", "_para", "_para_set", "_bands", "_sha64", "_words", "_chars",
           "_bytes", "_paras", "_stripped", "_raw_text")
# A metadata-only release's verification fields (``$defs/verification`` of the document schema) ->
# the work file's column holding each (``tests/test_text_policy.py`` checks it names every one)
RELEASE_SOURCES = {"text_chars": "_chars", "text_paragraphs": "_paras", "text_minhash": "_minhash",
                   "stripped_lines": "_stripped"}


@lru_cache(maxsize=8)
def work_schema(schema_dir: Path | None, keep_raw_text: bool) -> pa.Schema:
    schema = arrow_schema(document_schema(schema_dir))
    schema = schema.append(pa.field("_seq", pa.int64(), nullable=False))
    schema = schema.append(pa.field("_notes", pa.string()))
    schema = schema.append(pa.field("_filled", pa.int8(), nullable=False))
    schema = schema.append(pa.field("_minhash", pa.binary()))  # near-duplicate signature (masthead.duplicates.minhash)
    schema = schema.append(pa.field("_para", pa.binary()))  # paragraph hashes (masthead.clean.repeated_lines)
    # the merge's evidence, computed per document where the document is (workers), so the main process
    # only counts and searches: the distinct nonzero paragraph hashes, sorted (the repeated-line count);
    # of the final text (written by the stripping stage), the LSH band keys and the text hash's first 64 bits
    schema = schema.append(pa.field("_para_set", pa.binary()))
    schema = schema.append(pa.field("_bands", pa.binary()))
    schema = schema.append(pa.field("_sha64", pa.uint64()))
    schema = schema.append(pa.field("_words", pa.int64(), nullable=False))  # len(text.split()), for the report
    # len(text), for the report: a release shard reused from the previous release is counted without its text
    schema = schema.append(pa.field("_chars", pa.int64(), nullable=False))
    # the final text's UTF-8 bytes (written by the stripping stage): what a release shard of
    # ``shard_bytes`` holds (masthead.release.shard_size)
    schema = schema.append(pa.field("_bytes", pa.int64()))
    # of the final text too (the stripping stage): its paragraphs, and the hashes of the paragraphs
    # the stage removed (what a metadata-only release records for ``masthead hydrate``)
    schema = schema.append(pa.field("_paras", pa.int64()))
    schema = schema.append(pa.field("_stripped", pa.list_(pa.string())))
    if keep_raw_text:
        schema = schema.append(pa.field("_raw_text", pa.string()))
    return schema
