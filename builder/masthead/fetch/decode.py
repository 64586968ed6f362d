"""Undo a response's Content-Encoding while it streams in, with a cap on what comes out.

gzip, deflate (zlib-wrapped or raw, as servers send both) and br (when the ``brotli``
package is there) are decoded chunk by chunk; no step ever produces more than the cap
plus one byte, so a gzip bomb (a few MB that would expand to gigabytes) is refused after
reading only as much as it takes to exceed the cap. Stacked encodings (``gzip, br``) are
undone in reverse order, each step capped.
"""

from __future__ import annotations

import zlib
from typing import Any, Protocol

try:  # optional: servers send br only when the request says it is accepted
    import brotli as _brotli
except ImportError:  # pragma: no cover - brotli is a dependency, but decoding degrades cleanly without it
    _brotli = None

BROTLI: Any = _brotli


class DecodeLimitError(Exception):
    """The decoded body would exceed the cap (a decompression bomb)."""


class DecodeError(Exception):
    """The encoding is unknown or the data is corrupt."""


def accept_encoding() -> str:
    """The Accept-Encoding header: only what :class:`BodyDecoder` can undo."""
    return "gzip, deflate, br" if BROTLI is not None else "gzip, deflate"


class _Step(Protocol):
    def feed(self, data: bytes, room: int) -> bytes: ...
    def flush(self, room: int) -> bytes: ...


class _Zlib:
    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._wbits = wbits
        self._obj = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback  # deflate: retry as raw deflate if the zlib header is wrong
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        out = b""
        while data:
            try:
                part = self._obj.decompress(data, room + 1 - len(out))
            except zlib.error as exc:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._wbits = -zlib.MAX_WBITS
                    self._obj = zlib.decompressobj(self._wbits)
                    continue
                raise DecodeError(f"corrupt compressed data: {exc}") from exc
            self._started = True
            out += part
            if len(out) > room:
                raise DecodeLimitError
            if self._obj.unconsumed_tail:
                data = self._obj.unconsumed_tail
            elif self._obj.eof and self._obj.unused_data and self._wbits > 16:
                data = self._obj.unused_data  # the next member of a multi-member gzip
                self._obj = zlib.decompressobj(self._wbits)
            else:
                data = b""
        return out

    def flush(self, room: int) -> bytes:
        out = self._obj.flush(room + 1)
        if len(out) > room:
            raise DecodeLimitError
        return out


class _Brotli:
    def __init__(self) -> None:
        self._obj = BROTLI.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            out: bytes = self._obj.process(data, output_buffer_limit=room + 1)
        except BROTLI.error as exc:
            raise DecodeError(f"corrupt brotli data: {exc}") from exc
        if len(out) > room or not self._obj.can_accept_more_data():
            raise DecodeLimitError
        return out

    def flush(self, room: int) -> bytes:
        return b""


def _step(name: str) -> _Step:
    if name in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True)
    if name == "br" and BROTLI is not None:
        return _Brotli()
    raise DecodeError(f"unsupported Content-Encoding {name!r}")


class BodyDecoder:
    """Feed raw chunks, get the decoded body; raises :class:`DecodeLimitError` past ``limit``."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",")]
        self._steps = [_step(n) for n in reversed(names) if n and n != "identity"]
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        data = chunk
        for step in self._steps:
            data = step.feed(data, self._limit - self._size)
        self._take(data)

    def finish(self) -> bytes:
        tail = b""
        for step in self._steps:
            tail = step.feed(tail, self._limit - self._size) if tail else b""
            tail += step.flush(self._limit - self._size)
        self._take(tail)
        return b"".join(self._parts)

    def _take(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise DecodeLimitError
        if data:
            self._parts.append(data)
