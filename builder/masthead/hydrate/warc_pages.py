"""Saved pages in WARC files (``--from crawl.warc.gz``), read as ``masthead build`` reads WARC input.

The file is cut into records by :mod:`masthead.readers.warc_frames` (a gzip member per record,
a damaged or truncated record is one problem at its offset, the next record is found again) and
each record is parsed by FastWARC, a core dependency: no extra is needed.

:func:`warc_responses` lists the HTTP response records by their ``WARC-Target-URI``, each with
its :data:`Spot` (byte offset, and rank within a gzip member that holds several records, as in a
file gzipped whole). A record that cannot be framed is still listed when its header names its URL,
so the document gets the record's problem, not "no saved page". :func:`warc_page` reads one
record's page: an HTTP 2xx response (as the build's reader takes it), its body unchunked
(``Transfer-Encoding: chunked``) and decoded (``Content-Encoding`` gzip, deflate, br, with the
fetcher's capped decoder), capped at :data:`~masthead.hydrate.pages.MAX_PAGE_BYTES`.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

from masthead.hydrate.pages import MAX_PAGE_BYTES, Answer, Missing, Page
from masthead.readers.warc_frames import MAX_HEADER, Frame, frames, is_gzip

Spot = tuple[int, int]  # a record's byte offset in its file, and its rank among the records at that offset
RECORD_CAP = MAX_PAGE_BYTES + 2 * MAX_HEADER  # a record's bytes: a page at the cap and its WARC and HTTP headers
_HEADER_FIELD = re.compile(rb"\r\n(WARC-Type|WARC-Target-URI|Content-Type):[ \t]*([^\r\n]*)", re.IGNORECASE)


class _From:
    """The bytes of a file from ``base`` on, as a file of its own (a record framed where it starts)."""

    def __init__(self, handle: BinaryIO, base: int) -> None:
        self._handle, self._base = handle, base

    def seek(self, pos: int, whence: int = 0) -> int:
        return self._handle.seek(self._base + pos) - self._base

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size)


def _frames_at(handle: BinaryIO, path: Path, size: int, offset: int = 0) -> Iterator[tuple[Spot, Frame]]:
    """The frames of the file from ``offset`` on (``offset`` a record's start), each with its spot."""
    view = cast(BinaryIO, _From(handle, offset))
    last, rank = -1, 0
    for frame in frames(view, path.name, size - offset, RECORD_CAP):
        rank = rank + 1 if frame.offset == last else 0
        last = frame.offset
        yield (offset + frame.offset, rank), frame


def warc_responses(path: Path) -> Iterator[tuple[str, Spot]]:
    """(target URL, spot) of each HTTP response record of the WARC file ``path``. A file none of
    whose records can be read is an :class:`~masthead.errors.InputError` (an empty one lists nothing)."""
    from masthead.errors import InputError

    read, first_problem = 0, None
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            for spot, frame in _frames_at(handle, path, size):
                if frame.data is not None:
                    read += 1
                    url = _response_url(frame.data)
                elif spot[1] == 0:  # too large or unreadable: its header may still say whose page it holds
                    read += frame.too_large is not None
                    if frame.problem is not None and first_problem is None:
                        first_problem = spot[0], frame.problem
                    url = _response_url(_head(handle, spot[0], size, is_gzip(path.name)), parse=False)
                else:
                    url = None
                if url:
                    yield url, spot
    except OSError as exc:
        raise InputError(f"{path}: the WARC file cannot be read ({exc.strerror or exc}); "
                         "check its permissions or give --from another folder") from exc
    if read == 0 and first_problem is not None:
        at, problem = first_problem
        raise InputError(f"{path}: not a readable WARC file (byte offset {at}: {problem}); "
                         "remove it or give --from another folder")


def _response_url(data: bytes, *, parse: bool = True) -> str | None:
    """The ``WARC-Target-URI`` of an HTTP response record's bytes (of its header only: ``parse=False``)."""
    if parse:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        try:
            record = next(iter(ArchiveIterator(io.BytesIO(data), parse_http=False, stream_detect=False)), None)
        except (OSError, ValueError):
            return None
        if record is None or record.record_type != WarcRecordType.response:
            return None
        fields = {"content-type": record.headers.get("Content-Type") or "",
                  "warc-target-uri": record.headers.get("WARC-Target-URI") or ""}
    else:
        block = data[: data.find(b"\r\n\r\n") + 2] if b"\r\n\r\n" in data else data
        found = {m[1].decode("ascii").lower(): m[2].decode("utf-8", "replace") for m in _HEADER_FIELD.finditer(block)}
        if found.get("warc-type", "").strip().lower() != "response":
            return None
        fields = {"content-type": found.get("content-type", ""), "warc-target-uri": found.get("warc-target-uri", "")}
    if not fields["content-type"].strip().lower().startswith("application/http"):
        return None
    return fields["warc-target-uri"].strip().strip("<>") or None


def _head(handle: BinaryIO, at: int, size: int, gz: bool) -> bytes:
    """The first bytes of the record at ``at`` (inflated, in a ``.warc.gz``): where its header is."""
    handle.seek(at)
    data = handle.read(min(MAX_HEADER, size - at))
    if not gz:
        return data
    try:
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data, MAX_HEADER)
    except zlib.error:
        return b""


def warc_page(url: str, path: Path, spot: Spot) -> Answer:
    """The page recorded at ``spot`` of the WARC file ``path``: an HTTP 2xx response's body, as served."""
    offset, rank = spot
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            frame = None
            for (at, r), found in _frames_at(handle, path, size, offset):
                if at != offset or r == rank:
                    frame = found if at == offset else None
                    break
    except OSError as exc:
        return Missing(url, f"{path.name}: the record at offset {offset} cannot be read ({exc.strerror or exc})")
    if frame is None or frame.too_large is not None:
        if frame is not None:
            return Missing(url, f"too_large: the recorded page is over {MAX_PAGE_BYTES} bytes")
        return Missing(url, f"{path.name}: no record at offset {offset} (the file changed since it was indexed)")
    if frame.data is None:
        return Missing(url, f"{path.name}: the record at offset {offset} cannot be read ({frame.problem})")
    return _page(url, frame.data, path.name, offset)


def _page(url: str, data: bytes, name: str, offset: int) -> Answer:
    from fastwarc.warc import ArchiveIterator

    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data), parse_http=False, stream_detect=False)), None)
        if record is None:
            raise ValueError("the WARC header cannot be parsed")
        record.parse_http(strict_mode=False)
        status_line = record.http_headers.status_line or ""
        if not record.is_http_parsed or not status_line.startswith("HTTP/"):
            raise ValueError("its payload is not an HTTP response")
        headers = record.http_headers
        status = (status_line.split(" ", 2)[1:2] or [""])[0]
        content_type = headers.get("Content-Type")
        transfer, encoding = headers.get("Transfer-Encoding") or "", headers.get("Content-Encoding") or ""
        body = record.reader.read()
    except (OSError, ValueError) as exc:
        return Missing(url, f"{name}: the record at offset {offset} cannot be read ({exc})")
    if not status.startswith("2"):  # a redirect, an error page: not the article (as the build's reader says)
        return Missing(url, f"{name}: the recorded response is HTTP {status or '(no status)'}")
    if "chunked" in transfer.lower():
        from masthead.readers.chunked import dechunk

        body = dechunk(body)
    decoded = _undo_encoding(body, encoding)
    if decoded is None or len(decoded) > MAX_PAGE_BYTES:
        return Missing(url, f"too_large: the recorded page is over {MAX_PAGE_BYTES} bytes")
    return Page(url, decoded, content_type)


def _undo_encoding(body: bytes, encoding: str) -> bytes | None:
    """The body with its ``Content-Encoding`` undone (None: over the cap once decoded). A body the
    crawler already decoded while keeping the header (it does not decode) is taken as it is."""
    if encoding.strip().lower() in ("", "identity"):
        return body
    from masthead.fetch.decode import BodyDecoder, DecodeError, DecodeLimitError

    try:
        decoder = BodyDecoder(encoding, MAX_PAGE_BYTES)
        decoder.feed(body)
        return decoder.finish()
    except DecodeLimitError:
        return None
    except DecodeError:
        return body
