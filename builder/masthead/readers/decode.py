"""Bytes to text for untrusted files: bounded gzip, binary detection, encoding detection."""

from __future__ import annotations

import codecs
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from masthead.errors import BINARY, NUL_BYTES, SPECIAL_FILE, TOO_LARGE, UNDECODABLE, UNREADABLE, Reject
from masthead.readers.files import Listed, NotRegularFile, open_regular, read_listed

_CHUNK = 1 << 20
_GZIP_FIX = "the gzip file is damaged or incomplete: compress the original again, or remove the file"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def read_bytes(path: Path, source: str, limit: int, listed: Listed | None = None) -> bytes | Reject:
    """The file's bytes, gunzipped when it ends in .gz, never more than ``limit`` bytes; with
    ``listed``, exactly the bytes the build's listing hashed (:func:`masthead.readers.files.read_listed`).
    Only a regular file is read, and opening one never blocks."""
    try:
        with open_regular(path) as handle:
            size = listed.size if listed is not None else os.fstat(handle.fileno()).st_size
            if size > limit:
                return Reject.of(TOO_LARGE, source, what="the file", size=size, limit=limit)
            data = read_listed(handle, source, listed) if listed is not None else handle.read(limit + 1)
    except NotRegularFile as exc:
        return Reject.of(SPECIAL_FILE, source, path=source, kind=exc.kind)
    except OSError as exc:
        return Reject.of(UNREADABLE, source, detail=exc.strerror or str(exc))
    if isinstance(data, Reject):
        return data
    if path.name.lower().endswith(".gz"):
        return _gunzip(data, source, limit)
    return data


def _gunzip(data: bytes, source: str, limit: int) -> bytes | Reject:
    """Decompress at most ``limit`` bytes: a gzip bomb is a reject, not an out-of-memory."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        pending = data
        while pending:
            out += inflater.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                return Reject.of(TOO_LARGE, source, what="the decompressed file", size=f"more than {limit}", limit=limit)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending = inflater.unused_data
                if not pending.strip(b"\0"):
                    break
                # concatenated gzip members: the next one, under the same limit
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        if not inflater.eof:
            return Reject.of(UNREADABLE, source, detail="the gzip stream is truncated", fix=_GZIP_FIX)
    except (zlib.error, OSError, EOFError) as exc:
        return Reject.of(UNREADABLE, source, detail=f"not a valid gzip file ({exc})", fix=_GZIP_FIX)
    return bytes(out)


def decode(data: bytes, source: str) -> Decoded | Reject:
    """Decode text: UTF-8 (with or without BOM), UTF-16/32 by BOM, else detected.

    "Binary" is a property of a file that is mostly not text (:func:`_looks_binary`), not of a
    stray byte: a text with a few NUL bytes is decoded with them, and the readers reject the
    records that hold one (``nul-bytes``), publishing the rest."""
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                return Reject.of(UNDECODABLE, source, detail=f"{name} with a byte-order mark, but {exc.reason}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _mixed_utf8(data) or _detect(data, source)
    if "\x00" in text and _utf16_without_bom(data[: 64 * 1024]):
        return _detect(data, source)
    if _control_share(text) > 0.05:
        return Reject.of(BINARY, source, detail="valid UTF-8, but mostly control characters")
    return Decoded(text, "utf-8")


def _mixed_utf8(data: bytes) -> Decoded | None:
    """UTF-8 lines mixed with lines in a legacy encoding (files glued from two sources), line by line.

    Used only when some lines hold real multi-byte UTF-8, so decoding the whole file as one
    legacy encoding would garble them; the other lines are read as cp1252 (latin-1 where
    cp1252 has no character). None when the file is not such a mix.
    """
    lines = data.split(b"\n")
    out: list[str] = []
    utf8_lines = legacy_lines = 0
    for line in lines:
        try:
            text = line.decode("utf-8")
            utf8_lines += not text.isascii()
        except UnicodeDecodeError:
            legacy_lines += 1
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
        out.append(text)
    if not utf8_lines or not legacy_lines or _utf16_without_bom(data[: 64 * 1024]):
        return None
    text = "\n".join(out)
    return None if _control_share(text) > 0.05 else Decoded(text, "utf-8+cp1252")


def _detect(data: bytes, source: str) -> Decoded | Reject:
    sample = data[: 64 * 1024]
    utf16 = _utf16_without_bom(sample)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if _looks_binary(sample):
        return Reject.of(BINARY, source, detail=f"{_controls(sample)} control bytes ({sample.count(0)} NUL) "
                                               f"in the first {len(sample)}")
    from charset_normalizer import from_bytes

    # a few stray NUL bytes say nothing of the encoding: it is found without them, and the
    # text decoded with them (the readers reject the records that hold one)
    best = from_bytes(data.replace(b"\x00", b"") if b"\x00" in data else data).best()
    if best is None:
        return Reject.of(UNDECODABLE, source, detail="no encoding fits")
    try:
        text = data.decode(best.encoding) if b"\x00" in data else str(best)
    except (UnicodeDecodeError, LookupError) as exc:
        return Reject.of(UNDECODABLE, source, detail=f"{best.encoding}, but {exc}")
    if _control_share(text) > 0.05:
        return Reject.of(BINARY, source, detail=f"decoded as {best.encoding}, it is mostly control characters")
    return Decoded(text, best.encoding)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte for Latin text."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(sample: bytes) -> bool:
    """More than 5% control bytes (NUL among them): compressed or random data has about 10%,
    images and executables more; a text with a stray NUL or two stays text."""
    return _controls(sample) > 0.05 * len(sample)


def _controls(sample: bytes) -> int:
    return len(sample) - len(sample.translate(None, _CONTROL_BYTES))


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


# Control characters of a text: below U+0020, except tab, line feed, form feed and carriage return.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _control_share(text: str) -> float:
    """The share of control characters in the first 64 Ki characters (a regular-expression scan in C:
    a character-by-character loop in Python cost more than the rest of reading a page)."""
    if not text:
        return 0.0
    end = min(len(text), 65536)
    if _CONTROL_CHARS.search(text, 0, end) is None:
        return 0.0
    return len(_CONTROL_CHARS.findall(text, 0, end)) / end


def nul_bytes(text: str, source: str, record: int | None, field: str, what: str) -> Reject | None:
    """The reject of a record whose ``text`` holds raw NUL bytes (a damaged or binary-written
    spot in a text file), else None."""
    at = text.find("\x00")
    if at < 0:
        return None
    return Reject.of(NUL_BYTES, source, record, field=field, what=what, count=text.count("\x00"), at=at + 1)


def lone_surrogate(value: object) -> str | None:
    """Where a parsed value holds a lone UTF-16 surrogate (from a ``\\ud800`` escape), else None.

    Such a string is not text: it cannot be written as UTF-8, so it must be refused where it is
    read rather than crash a writer later. Walks nested lists and dicts without recursion.
    """
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where or "/"
        elif isinstance(item, dict):
            stack.extend((f"{where}/{k}", v) for k, v in item.items())
            stack.extend((f"{where}/{k}", k) for k in item if isinstance(k, str))
        elif isinstance(item, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(item))
    return None
