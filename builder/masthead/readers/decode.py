"""Bytes to text for untrusted files: bounded gzip, binary detection, encoding detection."""

from __future__ import annotations

import codecs
import zlib
from dataclasses import dataclass
from pathlib import Path

from masthead.errors import BINARY, TOO_LARGE, UNDECODABLE, UNREADABLE, Reject

_CHUNK = 1 << 20
_GZIP_FIX = "the gzip file is damaged or incomplete: compress the original again, or remove the file"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def read_bytes(path: Path, source: str, limit: int) -> bytes | Reject:
    """The file's bytes, gunzipped when it ends in .gz, never more than ``limit`` bytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            return Reject.of(TOO_LARGE, source, what="the file", size=size, limit=limit)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return Reject.of(UNREADABLE, source, detail=exc.strerror or str(exc))
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
    """Decode text: UTF-8 (with or without BOM), UTF-16/32 by BOM, else detected."""
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
    if "\x00" in text:
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
    if not utf8_lines or not legacy_lines or b"\x00" in data:
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
        return Reject.of(BINARY, source, detail=f"{sample.count(0)} NUL bytes in the first {len(sample)}")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return Reject.of(UNDECODABLE, source, detail="no encoding fits")
    text = str(best)
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
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > 0.05 * len(sample)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / len(sample)


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
