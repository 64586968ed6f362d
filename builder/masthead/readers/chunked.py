"""HTTP's chunked transfer coding undone: a WARC records a response's body as it came over the wire,
``Transfer-Encoding: chunked`` included (FastWARC's payload reader gives it so), and the page is the
chunks' content."""

from __future__ import annotations

import re

_CHUNK_SIZE = re.compile(rb"[ \t]*([0-9a-fA-F]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")


def dechunk(body: bytes) -> bytes:
    """A ``Transfer-Encoding: chunked`` body's content (chunk extensions and trailers dropped). A body
    that does not start as chunks (a crawler that unchunked it and kept the header) is taken as it is;
    one cut short gives the chunks it holds, as a reader of the stream would have got them."""
    out: list[bytes] = []
    pos = 0
    while pos < len(body):
        match = _CHUNK_SIZE.match(body, pos)
        if match is None:
            return body if pos == 0 else b"".join(out)
        length = int(match[1], 16)
        if length == 0:
            break
        start = match.end()
        out.append(body[start:start + length])
        pos = start + length
        pos += 2 if body.startswith(b"\r\n", pos) else 1 if body.startswith(b"\n", pos) else 0
    return b"".join(out)
