"""Property tests: every reader and normaliser takes arbitrary input without an unexpected exception.

A reader may only yield raw records or rejects; the per-document steps may only return a
document or a reject. Each example must finish within the hypothesis deadline. Example counts
are set by ``CI`` (200 per test) so the suite stays quick.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.clean import clean_record
from masthead.errors import Reject
from masthead.pipeline.context import StepContext
from masthead.pipeline.process import Processed, process_record
from masthead.pipeline.records import GIVEN, RawRecord
from masthead.pipeline.sanitize import sanitize_fields, sanitize_text
from masthead.readers import READERS
from masthead.readers.decode import Decoded, decode, read_bytes

# 200 examples per test, each within 2 s (applied per test, not as a global profile)
CI = settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow,
              HealthCheck.function_scoped_fixture])

LIMIT = 1 << 20
CTX = StepContext(build_date=__import__("datetime").date(2026, 1, 1), language="en")
SUFFIXES = (".txt", ".jsonl", ".csv", ".html")
FIELDS = ("id", "title", "dek", "text", "html", "outlet", "date", "published_at", "authors", "url", "language",
          "crawled_at", "extra")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)
records = st.dictionaries(st.sampled_from(FIELDS), json_values | st.text(max_size=500), max_size=8)
hostile_text = st.lists(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20) | st.sampled_from(
        ["\u202e", "\u2066", "\u200b", "\u200d", "\x00", "\x07", "\ufeff", "---\n", "\n", "&amp;", "<b>", '"', ",", "\\u"]
    ),
    max_size=30,
).map("".join)


def _read(data: bytes, suffix: str, tmp: Path) -> list[RawRecord | Reject]:
    path = tmp / f"fuzz{suffix}"
    path.write_bytes(data)
    raw = read_bytes(path, path.name, LIMIT)
    if isinstance(raw, Reject):
        return [raw]
    decoded = decode(raw, path.name)
    if isinstance(decoded, Reject):
        return [decoded]
    reader = READERS[suffix.removesuffix(".gz") if suffix.endswith(".gz") else suffix]
    return list(reader(decoded, path.name))


def _check(items: list[RawRecord | Reject]) -> None:
    for item in items:
        assert isinstance(item, (RawRecord, Reject))
        if isinstance(item, Reject):
            assert item.message and item.fix
        else:
            json.dumps(item.fields, ensure_ascii=False, default=str).encode("utf-8")  # writable as UTF-8


@CI
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_readers_take_arbitrary_bytes(data: bytes, suffix: str, tmp_path_factory: Any) -> None:
    _check(_read(data, suffix, tmp_path_factory.mktemp("b")))


@CI
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_readers_take_arbitrary_gzip(data: bytes, suffix: str, tmp_path_factory: Any) -> None:
    tmp = tmp_path_factory.mktemp("g")
    _check(_read(gzip.compress(data, mtime=0), suffix + ".gz", tmp))
    _check(_read(gzip.compress(data, mtime=0)[: len(data) // 2], suffix + ".gz", tmp))  # truncated


@CI
@given(text=hostile_text, suffix=st.sampled_from(SUFFIXES))
def test_readers_take_arbitrary_text(text: str, suffix: str, tmp_path_factory: Any) -> None:
    for encoding in ("utf-8", "utf-16-le"):
        _check(_read(text.encode(encoding, "surrogatepass"), suffix, tmp_path_factory.mktemp("t")))


@CI
@given(lines=st.lists(records | json_values, max_size=5))
def test_jsonl_reader_takes_arbitrary_json(lines: list[Any]) -> None:
    text = "\n".join(json.dumps(line, allow_nan=True) for line in lines)
    _check(list(READERS[".jsonl"](Decoded(text, "utf-8"), "fuzz.jsonl")))


@CI
@given(meta=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6), body=hostile_text)
def test_front_matter_takes_arbitrary_yaml(meta: dict[str, Any], body: str) -> None:
    import yaml

    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    _check(list(READERS[".txt"](Decoded(text, "utf-8"), "fuzz.txt")))


@CI
@given(fields=records)
def test_the_per_document_steps_take_arbitrary_records(fields: dict[str, Any]) -> None:
    raw = RawRecord("fuzz.jsonl", 1, fields, dict.fromkeys(fields, GIVEN), "utf-8", single=False)
    result = process_record(raw, CTX)
    assert isinstance(result, (Processed, Reject))
    if isinstance(result, Processed):
        json.dumps(result.doc, ensure_ascii=False).encode("utf-8")


@CI
@given(fields=st.fixed_dictionaries(
    {"text": hostile_text.filter(str.strip)},
    optional={name: hostile_text for name in ("title", "dek", "outlet", "date", "url", "language")}
    | {"authors": st.lists(hostile_text, max_size=4) | hostile_text},
))
def test_normalisers_take_arbitrary_field_values(fields: dict[str, Any]) -> None:
    from masthead.normalize import normalize_metadata

    clean, _ = sanitize_fields(fields)
    cleaned = clean_record(clean)
    normalize_metadata(clean, dict.fromkeys(clean, GIVEN), cleaned, CTX)
    result = process_record(RawRecord("fuzz.txt", None, fields, dict.fromkeys(fields, GIVEN)), CTX)
    assert isinstance(result, (Processed, Reject))


@CI
@given(text=hostile_text)
def test_sanitize_is_idempotent_and_leaves_nothing_hidden(text: str) -> None:
    once = sanitize_text(text)
    assert sanitize_text(once) == once
    assert not any(ch in once for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff\x00\x07")
