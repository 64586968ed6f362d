"""Plain-text documents, with optional YAML front matter between two '---' lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from masthead.errors import BAD_FRONT_MATTER, Reject
from masthead.pipeline.records import FRONT_MATTER, GIVEN, RawRecord
from masthead.readers.decode import Decoded, lone_surrogate, nul_bytes

MAX_VALUES = 10_000  # values in one front matter block, aliases counted each time they are used


@lru_cache(maxsize=1)
def _plain_loader() -> Any:
    """The safe loader without implicit timestamps: ``date: 2018-07-16`` stays the text written,
    so an impossible date such as 0000-00-00 reaches the date normaliser instead of failing here.
    (yaml is imported by the first front matter read, not by every command that lists inputs.)"""
    import yaml

    class _PlainLoader(yaml.SafeLoader):
        pass

    _PlainLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _PlainLoader


def _load_plain(block: str) -> Any:
    loader = _plain_loader()(block)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_text(decoded: Decoded, source: str) -> Iterator[RawRecord | Reject]:
    text = decoded.text
    if (nul := nul_bytes(text, source, None, "/text", "the file")) is not None:
        yield nul
        return
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
    import yaml

    try:
        # a SafeLoader builds only plain data: a !!python/... tag is an error, never code.
        meta = _load_plain(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Reject.of(BAD_FRONT_MATTER, source, detail=f"{problem}{line}")
    except (ValueError, OverflowError) as exc:  # e.g. !!timestamp 0000-00-00, a date that cannot exist
        return Reject.of(BAD_FRONT_MATTER, source, detail=f"a value cannot be read ({exc}); quote it to keep it as text")
    except RecursionError:
        return Reject.of(BAD_FRONT_MATTER, source, detail="the values are nested too deeply")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return Reject.of(BAD_FRONT_MATTER, source, detail=f"expected key: value pairs, got a {type(meta).__name__}")
    budget = [MAX_VALUES]
    try:
        plain = {str(k): _plain(v, budget) for k, v in meta.items()}
    except (_TooManyValues, RecursionError):
        return Reject.of(BAD_FRONT_MATTER, source,
                         detail=f"it expands to more than {MAX_VALUES} values (YAML aliases repeating a list?)")
    found = lone_surrogate(plain)
    if found is not None:
        return Reject.of(BAD_FRONT_MATTER, source, field=found, detail="a lone surrogate escape is not text")
    return plain, body


class _TooManyValues(Exception):
    pass


def _plain(value: Any, budget: list[int]) -> Any:
    """YAML turns 2018-07-16 into a date object; keep what the author wrote, as text.

    ``budget`` counts the values built: an alias bomb (a list of aliases of a list of aliases
    ...) is refused instead of being expanded into millions of values.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooManyValues
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v, budget) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, budget) for k, v in value.items()}
    return value
