"""Plain-text documents, with optional YAML front matter between two '---' lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import yaml

from masthead.errors import BAD_FRONT_MATTER, Reject
from masthead.readers.decode import Decoded
from masthead.records import FRONT_MATTER, GIVEN, RawRecord


def read_text(decoded: Decoded, source: str) -> Iterator[RawRecord | Reject]:
    text = decoded.text
    meta: dict[str, Any] = {}
    if text.startswith("---\n") or text.startswith("---\r\n"):
        parsed = _front_matter(text, source)
        if isinstance(parsed, Reject):
            yield parsed
            return
        meta, text = parsed
    origin = {key: FRONT_MATTER for key in meta}
    origin["text"] = GIVEN
    yield RawRecord(source, None, {**meta, "text": text}, origin, decoded.encoding, single=True)


def _front_matter(text: str, source: str) -> tuple[dict[str, Any], str] | Reject:
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            block = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            break
    else:
        return Reject.of(BAD_FRONT_MATTER, source, detail="the opening '---' has no closing '---'")
    try:
        # safe_load builds only plain data: a !!python/... tag is an error, never code.
        meta = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Reject.of(BAD_FRONT_MATTER, source, detail=f"{problem}{line}")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return Reject.of(BAD_FRONT_MATTER, source, detail=f"expected key: value pairs, got a {type(meta).__name__}")
    return {str(k): _plain(v) for k, v in meta.items()}, body


def _plain(value: Any) -> Any:
    """YAML turns 2018-07-16 into a date object; keep what the author wrote, as text."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
