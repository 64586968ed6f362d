"""WARC files cut into their records' bytes, each with its byte offset, before any record is parsed.

A WARC library iterating a damaged file goes wrong quietly: a record whose ``Content-Length`` is
too large swallows the records after it, a truncated gzip member reads on into the next one as
garbage. So the framing is done here, and the library (:mod:`masthead.readers.warc`) parses one
record's bytes at a time:

- ``.warc.gz`` (a gzip member per record, as Common Crawl writes): each member is inflated on
  its own, so a truncated or corrupt member is one problem at its offset, and the next member is
  found by scanning for a gzip header whose member inflates whole to a WARC record
  (:func:`member_start`);
- ``.warc``: records are framed by their ``Content-Length``, checked against the ``\\r\\n\\r\\n``
  that must end the record and the ``WARC/`` that must follow; on a mismatch the next record is
  the next ``WARC/1.`` line (:func:`_next_plain`).

A part of a big file (``(index, count)``, :func:`part_range`) holds the records that start in its
share of the bytes; its start is found from the bytes alone, so the parts tile the file and read
together the records the whole file reads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

zlib: Any
try:  # zlib-ng inflates these members 2-3 times faster than zlib (measured: benchmarks/warc_read.py)
    from zlib_ng import zlib_ng as zlib
except ImportError:  # pragma: no cover (a dependency; zlib reads the same bytes)
    import zlib

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_START = b"WARC/1."
_CHUNK = 1 << 20
_READ = 64 * 1024  # compressed bytes read at a time: a Common Crawl member is ~20 KB
MAX_HEADER = 64 * 1024  # a WARC header block longer than this is not a header
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d{1,18})[ \t]*\r\n", re.IGNORECASE)


@dataclass(frozen=True)
class Frame:
    """The bytes of one record (``data``) at byte ``offset`` of the file, or why there are none."""

    offset: int
    data: bytes | None
    problem: str | None = None
    too_large: int | None = None  # the record's size when it is over the cap (its bytes are not kept)


def is_gzip(source: str) -> bool:
    return source.lower().endswith(".gz")


def part_range(size: int, part: tuple[int, int] | None) -> tuple[int, int]:
    """The bytes ``[lo, hi)`` of ``part`` = (index, count) of a file of ``size`` bytes."""
    if part is None:
        return 0, size
    index, count = part
    return size * index // count, size * (index + 1) // count


def frames(handle: BinaryIO, source: str, size: int, cap: int, part: tuple[int, int] | None = None) -> Iterator[Frame]:
    """The records of the file (its first ``size`` bytes), or of ``part`` of them."""
    lo, hi = part_range(size, part)
    gz = is_gzip(source)
    start = 0 if lo == 0 else (member_start(handle, lo, size, cap) if gz else plain_start(handle, lo, size, cap))
    end = size if hi >= size else (member_start(handle, hi, size, cap) if gz else plain_start(handle, hi, size, cap))
    yield from (_members(handle, start, end, size, cap) if gz else _plain(handle, start, end, size, cap))


# --- .warc.gz: one gzip member per record ---------------------------------------------------------


def _inflate(handle: BinaryIO, at: int, size: int, cap: int) -> tuple[bytes | None, int, str | None, int | None]:
    """The member at ``at``: (its inflated bytes, its compressed length, a problem, the inflated size
    when over ``cap``). Over the cap, the member is inflated to its end without keeping the bytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    total = 0
    pos = at
    handle.seek(at)
    try:
        while pos < size:
            chunk = handle.read(min(_READ, size - pos))
            if not chunk:
                break
            pos += len(chunk)
            pending = chunk
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, _CHUNK)
                total += len(piece)
                if total <= cap:
                    out += piece
                else:
                    out.clear()
                pending = inflater.unconsumed_tail
            if inflater.eof:
                used = pos - at - len(inflater.unused_data)
                if total > cap:
                    return None, used, None, total
                return bytes(out), used, None, None
    except zlib.error as exc:
        return None, pos - at, f"the gzip member is truncated or corrupt ({exc})", None
    return None, pos - at, "the gzip member is truncated: it does not end before the next member or the end of the file", None


def _is_member(handle: BinaryIO, at: int, size: int, cap: int) -> bool:
    """True when a whole gzip member starts at ``at`` and inflates to a WARC record (or is over the cap)."""
    handle.seek(at)
    if handle.read(3) != GZIP_MAGIC:
        return False
    data, _, problem, over = _inflate(handle, at, size, cap)
    return problem is None and (over is not None or (data is not None and data.startswith(WARC_START)))


def member_start(handle: BinaryIO, at: int, size: int, cap: int) -> int:
    """The first offset at or after ``at`` where a whole member holding a WARC record starts (``size`` if none)."""
    pos = at
    while pos < size:
        handle.seek(pos)
        block = handle.read(min(_CHUNK, size - pos) + 2)
        found = block.find(GZIP_MAGIC)
        while found >= 0:
            if _is_member(handle, pos + found, size, cap):
                return pos + found
            found = block.find(GZIP_MAGIC, found + 1)
        pos += _CHUNK
    return size


def _members(handle: BinaryIO, start: int, end: int, size: int, cap: int) -> Iterator[Frame]:
    pos = start
    while pos < end:
        data, used, problem, over = _inflate(handle, pos, size, cap)
        if problem is not None:
            yield Frame(pos, None, problem)
            pos = member_start(handle, pos + 1, size, cap)
            continue
        if over is not None:
            yield Frame(pos, None, too_large=over)
        elif data is not None:
            wrong = _member_problem(data)
            if wrong is not None:
                yield Frame(pos, None, wrong)
            elif _single(data):
                yield Frame(pos, data)
            else:  # a member of several records (a file gzipped whole): each, at the member's offset
                inner = io.BytesIO(data)
                yield from (Frame(pos, f.data, f.problem, f.too_large) for f in _plain(inner, 0, len(data), len(data), cap))
        pos += used
        handle.seek(pos)
        if pos < end and handle.read(3) != GZIP_MAGIC:
            handle.seek(pos)
            if size - pos <= _CHUNK and not handle.read(size - pos).strip(b"\0\r\n \t"):
                return  # padding at the end of the file
            nxt = member_start(handle, pos, size, cap)
            yield Frame(pos, None, f"{nxt - pos} bytes after a gzip member are not a gzip member")
            pos = nxt


def _single(data: bytes) -> bool:
    end = data.find(b"\r\n\r\n")
    match = _LENGTH.search(data, 0, end + 2)
    return match is not None and len(data) == end + 8 + int(match[1])


def _member_problem(data: bytes) -> str | None:
    """What is wrong with the framing of the one record a gzip member holds, or None."""
    if not data.startswith(WARC_START):
        return "the gzip member does not hold a WARC record (no WARC/1.x version line)"
    end = data.find(b"\r\n\r\n")
    match = _LENGTH.search(data, 0, end + 2) if 0 <= end < MAX_HEADER else None
    if match is None:
        return "the WARC header has no end or no Content-Length"
    length = int(match[1])
    held = len(data) - end - 4
    if held == length + 4 and data.endswith(b"\r\n\r\n"):
        return None
    if held > length + 4 and data[end + 4 + length:].startswith(b"\r\n\r\n" + WARC_START):
        return None  # a member holding several records (not per-record gzip): the first is framed; see warc.py
    return f"Content-Length says {length} bytes, but the gzip member holds {max(0, held - 4)} (wrong Content-Length?)"


# --- .warc: records framed by their Content-Length ---------------------------------------------


def _header(handle: BinaryIO, at: int, size: int) -> tuple[int, int] | str:
    """(header length, Content-Length) of the record at ``at``, or what is wrong with it."""
    handle.seek(at)
    head = handle.read(min(8192, size - at))  # a header is a few hundred bytes: read more only when needed
    if not head.startswith(WARC_START):
        return "the record does not start with a WARC/1.x version line"
    end = head.find(b"\r\n\r\n")
    if end < 0 and len(head) < size - at:
        head += handle.read(min(MAX_HEADER, size - at) - len(head))
        end = head.find(b"\r\n\r\n")
    if end < 0:
        return f"the WARC header does not end within {MAX_HEADER} bytes" if len(head) >= MAX_HEADER else \
            "the file ends inside the WARC header"
    match = _LENGTH.search(head, 0, end + 2)
    if match is None:
        return "the WARC header has no Content-Length"
    return end + 4, int(match[1])


def _frame_end(handle: BinaryIO, at: int, size: int) -> tuple[int, int] | str:
    """(end of the record at ``at``, its block length) when its Content-Length frames it, else the problem."""
    header = _header(handle, at, size)
    if isinstance(header, str):
        return header
    head_len, length = header
    end = at + head_len + length
    handle.seek(end)
    tail = handle.read(4 + len(WARC_START))
    if end + 4 > size:
        return f"Content-Length says {length} bytes, but the file ends {size - at - head_len} bytes after the header"
    if tail[:4] != b"\r\n\r\n" or (end + 4 < size and not tail[4:].startswith(WARC_START[: size - end - 4])):
        return f"Content-Length says {length} bytes, but the record does not end there (wrong Content-Length?)"
    return end + 4, length


def _next_plain(handle: BinaryIO, at: int, size: int) -> int:
    """The next offset after ``at`` where a line starts with ``WARC/1.`` (``size`` if none)."""
    pos = at
    while pos < size:
        handle.seek(pos)
        block = handle.read(min(_CHUNK, size - pos) + len(WARC_START) + 2)
        found = block.find(b"\n" + WARC_START)
        if found >= 0:
            return pos + found + 1
        pos += _CHUNK
    return size


def plain_start(handle: BinaryIO, at: int, size: int, cap: int) -> int:
    """The offset of the first record at or after ``at`` that the walk from the file's start meets,
    so a part starts where the whole file's reading passes (headers only are read)."""
    pos = 0
    while pos < at:
        framed = _frame_end(handle, pos, size)
        pos = framed[0] if not isinstance(framed, str) else _next_plain(handle, pos, size)
    return min(pos, size)


def _plain(handle: BinaryIO, start: int, end: int, size: int, cap: int) -> Iterator[Frame]:
    pos = start
    while pos < end:
        framed = _frame_end(handle, pos, size)
        if isinstance(framed, str):
            yield Frame(pos, None, framed)
            pos = _next_plain(handle, pos, size)
            continue
        stop, _ = framed
        if stop - pos > cap:
            yield Frame(pos, None, too_large=stop - pos)
        else:
            handle.seek(pos)
            yield Frame(pos, handle.read(stop - pos))
        pos = stop
