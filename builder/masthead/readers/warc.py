"""WARC archives (``.warc``, ``.warc.gz``): each response record that holds an HTML page is a document.

The record takes the path of an HTML file (``readers.html``): a raw record whose ``html`` field is
the decoded page, with ``url`` from ``WARC-Target-URI`` and ``crawled_at`` from ``WARC-Date``
(when the page was fetched: the date decision's upper bound, never the publication date). The
record number is the record's byte offset in the file (a gzip member's, for ``.warc.gz``), the
address a WARC index gives.

What is not a page is skipped and counted by kind (:class:`masthead.pipeline.records.Skipped`): warcinfo,
request, metadata, revisit, resource... records, and responses that are not HTML, not HTTP, or not
HTTP 2xx ("response not OK": a redirect or an error page is not the article).
A payload kept as sent (``Transfer-Encoding: chunked`` is unchunked; ``Content-Encoding: gzip``,
``deflate``, ``br`` is decoded with a cap), so a
decompression bomb is a ``too-large`` reject (:mod:`masthead.fetch.decode`, the fetcher's decoder).
A record that cannot be read (a truncated gzip member, a wrong Content-Length, a response whose
payload is not an HTTP message, a record over the size cap) is a reject naming its offset.

The framing is :mod:`masthead.readers.warc_frames`; FastWARC (resiliparse's) parses each record's
headers and HTTP message: measured against warcio by ``benchmarks/warc_read.py``.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from masthead.errors import BAD_WARC, CHANGED_WHILE_READ, SPECIAL_FILE, TOO_LARGE, UNREADABLE, Reject
from masthead.pipeline.records import GIVEN, RawRecord, Skipped
from masthead.readers.chunked import dechunk
from masthead.readers.decode import decode, nul_bytes
from masthead.readers.files import Listed, NotRegularFile, is_settled, open_regular, prefix_sha256
from masthead.readers.warc_frames import Frame, frames

# the largest record read: the raw record schema's bound on a page's HTML (20 million characters)
RECORD_CAP = 20_000_000
HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 on the web
_WEB_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def record_cap(limit: int) -> int:
    return min(limit, RECORD_CAP)


def read_warc(path: Path, source: str, limit: int, part: tuple[int, int] | None = None,
              listed: Listed | None = None) -> Iterator[RawRecord | Reject | Skipped]:
    """The records of the WARC file at ``path`` (or of ``part`` of its bytes), read as ``listed``: a file
    that grew since is read to its listed size (a crawler appending records), any other change is a
    reject of the whole file (with its first part)."""
    try:
        with open_regular(path) as handle:
            size = listed.size if listed is not None else path.stat().st_size
            if listed is not None and (changed := _changed(handle, path, source, listed)) is not None:
                if part is None or part[0] == 0:
                    yield changed
                return
            for frame in frames(handle, source, size, record_cap(limit), part):
                yield from _record(frame, source, limit)
    except NotRegularFile as exc:
        yield Reject.of(SPECIAL_FILE, source, path=source, kind=exc.kind)
    except OSError as exc:
        yield Reject.of(UNREADABLE, source, detail=exc.strerror or str(exc))


def _changed(handle: BinaryIO, path: Path, source: str, listed: Listed) -> Reject | None:
    """The reject of a file that is not as listed (shorter now, or other bytes), else None: a file that
    only grew is read to its listed size, and a settled one is not hashed again (``readers.files``)."""
    now = os.fstat(handle.fileno()).st_size
    if now < listed.size:
        return Reject.of(CHANGED_WHILE_READ, source, detail=f"{listed.size} bytes when listed, {now} now")
    if is_settled(handle, listed) or prefix_sha256(path, listed.size) == listed.sha256:
        return None
    return Reject.of(CHANGED_WHILE_READ, source,
                     detail=f"its first {listed.size} bytes are not those listed (SHA-256 {listed.sha256[:12]}…)")


def _record(frame: Frame, source: str, limit: int) -> Iterator[RawRecord | Reject | Skipped]:
    at = frame.offset
    if frame.too_large is not None:
        yield Reject.of(TOO_LARGE, source, at, what=f"the WARC record at byte offset {at}", size=frame.too_large,
                        limit=record_cap(limit))
        return
    if frame.data is None:
        yield Reject.of(BAD_WARC, source, at, offset=at, detail=frame.problem)
        return
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    try:
        record = next(iter(ArchiveIterator(io.BytesIO(frame.data), parse_http=False, stream_detect=False)), None)
        if record is None:
            yield Reject.of(BAD_WARC, source, at, offset=at, detail="the WARC header cannot be parsed")
            return
        kind = record.record_type
        if kind != WarcRecordType.response:
            yield Skipped(source, at, str(kind))
            return
        content_type = (record.headers.get("Content-Type") or "").lower()
        if not content_type.startswith("application/http"):
            yield Skipped(source, at, "response not HTTP")
            return
        record.parse_http(strict_mode=False)
        status = record.http_headers.status_line or ""
        if not record.is_http_parsed or not status.startswith("HTTP/"):
            yield Reject.of(BAD_WARC, source, at, offset=at,
                            detail="the response record says application/http, but its payload is not an HTTP message")
            return
        if not status.split(" ", 2)[1:2] or not status.split(" ", 2)[1].startswith("2"):
            yield Skipped(source, at, "response not OK")  # a redirect, an error page: not the article
            return
        mime = (record.http_content_type or "").lower().strip()
        if mime not in HTML_TYPES:
            yield Skipped(source, at, "response not HTML")
            return
        body = record.reader.read()
        if "chunked" in (record.http_headers.get("Transfer-Encoding") or "").lower():
            body = dechunk(body)  # recorded as it came over the wire (FastWARC gives the chunks as they are)
        encoding = record.http_headers.get("Content-Encoding")
        url = record.headers.get("WARC-Target-URI") or ""
        date = record.headers.get("WARC-Date") or ""
        charset = record.http_charset
    except (OSError, ValueError) as exc:
        yield Reject.of(BAD_WARC, source, at, offset=at, detail=f"the record cannot be parsed ({exc})")
        return
    if encoding and encoding.strip().lower() not in ("", "identity"):
        body_or_reject = _undo_encoding(body, encoding, source, at, limit)
        if isinstance(body_or_reject, Reject):
            yield body_or_reject
            return
        body = body_or_reject
    text = decode_page(body, charset, source)
    if isinstance(text, Reject):
        yield Reject(text.source, at, "/html", text.code, text.message, text.fix)
        return
    html, encoding = text
    if (nul := nul_bytes(html, source, at, "/html", "the page")) is not None:
        yield nul
        return
    fields: dict[str, object] = {"html": html}
    if url.strip():
        fields["url"] = url.strip().strip("<>")
    if date.strip():
        fields["crawled_at"] = date.strip()
    yield RawRecord(source, at, fields, {k: GIVEN for k in fields}, encoding, single=False)


def _undo_encoding(body: bytes, encoding: str, source: str, at: int, limit: int) -> bytes | Reject:
    """The payload as the page was, where the crawler kept it as sent (``Content-Encoding: gzip``),
    decoded with a cap (a decompression bomb is a ``too-large`` reject). A payload the crawler
    already decoded while keeping the header (it does not decode) is taken as it is."""
    from masthead.fetch.decode import BodyDecoder, DecodeError, DecodeLimitError

    cap = record_cap(limit)
    try:
        decoder = BodyDecoder(encoding, cap)
        decoder.feed(body)
        return decoder.finish()
    except DecodeLimitError:
        return Reject.of(TOO_LARGE, source, at, what=f"the page of the WARC record at byte offset {at} once decoded "
                         f"({encoding.strip()})", size=f"more than {cap}", limit=cap)
    except DecodeError:
        return body


def decode_page(body: bytes, charset: str | None, source: str) -> tuple[str, str] | Reject:
    """The page's text: by its byte-order mark, else the HTTP header's charset, else the page's own
    ``<meta charset>``, else detected (:func:`masthead.readers.decode.decode`)."""
    if not body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        for label in (charset, _meta_charset(body)):
            name = _codec(label)
            if name is None:
                continue
            try:
                return body.decode(name), codecs.lookup(name).name
            except UnicodeDecodeError:
                continue  # the label lies: the next way of knowing
    decoded = decode(body, source)
    return decoded if isinstance(decoded, Reject) else (decoded.text, decoded.encoding)


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body, 0, 4096)
    return match[1].decode("ascii") if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _WEB_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # a page never says it is UTF-16 in ASCII bytes truthfully (a BOM would say it): ignore such a label
    return None if info.name.startswith(("utf-16", "utf-32")) else info.name
