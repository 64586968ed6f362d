"""JSON Lines: one JSON object per line; blank lines are skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator

from masthead.errors import BAD_JSON, NOT_OBJECT, Reject
from masthead.pipeline.records import GIVEN, RawRecord
from masthead.readers.decode import Decoded, lone_surrogate, nul_bytes

CUT_FIX = "build again once the file is complete (the next build reads the whole line), or finish the line"


def read_jsonl(decoded: Decoded, source: str, part: tuple[int, int] | None = None) -> Iterator[RawRecord | Reject]:
    """The records of the file, or of its ``part`` (``engine.shards.part_of``), numbered by file line."""
    first, lines, cut = _part_lines(decoded.text, part)
    for number, line in enumerate(lines, start=first + 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            if (nul := nul_bytes(line, source, number, "", "the line")) is not None:
                yield nul
            elif cut and number == first + len(lines):
                yield Reject.of(BAD_JSON, source, number, detail=f"{_short(str(exc))}; the file ends in this line "
                                "without a line break: cut off, perhaps still being written", fix=CUT_FIX)
            else:
                yield Reject.of(BAD_JSON, source, number, detail=_short(str(exc)))
            continue
        except RecursionError:
            yield Reject.of(BAD_JSON, source, number, detail="the values are nested too deeply")
            continue
        if not isinstance(value, dict):
            yield Reject.of(NOT_OBJECT, source, number, detail=type(value).__name__)
            continue
        if not _ascii_only(value) and "\\u" in line and (found := lone_surrogate(value)) is not None:
            yield Reject.of(BAD_JSON, source, number, field=found,
                            detail="a \\ud800-\\udfff escape without its pair is not text")
            continue
        fields = {str(k): v for k, v in value.items()}
        yield RawRecord(source, number, fields, {k: GIVEN for k in fields}, decoded.encoding, single=False)


def _part_lines(text: str, part: tuple[int, int] | None) -> tuple[int, list[str], bool]:
    """(index of the first line, the lines, whether the last is the file's unfinished end: no line
    break after it) of ``part`` of the text's lines; only those lines are made into strings (a
    part of a 200 MB file is a fraction of it)."""
    cut = bool(text) and not text.endswith("\n")
    if part is None:
        return 0, text.split("\n"), cut
    from masthead.engine.shards import part_of

    total = text.count("\n") + 1
    wanted = part_of(total, part)
    start = 0
    for _ in range(wanted.start):
        start = text.index("\n", start) + 1
    stop = start
    for _ in range(len(wanted)):
        found = text.find("\n", stop)
        if found < 0:  # the last line, with no newline after it
            stop = len(text)
            break
        stop = found + 1
    return wanted.start, text[start:stop].split("\n")[: len(wanted)], cut and wanted.stop == total


def _ascii_only(value: dict[str, object]) -> bool:
    """True when every key and every string value is ASCII (nested values are not looked into: False).

    A lone surrogate is not ASCII, so such a record needs no search for one; ``str.isascii`` costs
    nothing, while looking for ``\\u`` in a 5 KB line costs about as much as parsing it."""
    for key, item in value.items():
        if not key.isascii() or (isinstance(item, str) and not item.isascii()) or isinstance(item, (dict, list)):
            return False
    return True


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:200] + "…"
