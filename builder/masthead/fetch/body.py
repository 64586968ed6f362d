"""Read a response body in chunks, never more than the caps, never longer than the deadline.

A body announced (Content-Length) or found while streaming to be over ``max_bytes`` is cut
off at once: of a 50 MB page only ``max_bytes`` plus one chunk is ever read, then the
connection is closed. The decoded size is capped separately (:mod:`masthead.fetch.decode`).
"""

from __future__ import annotations

import time
from email.message import Message

from urllib3.response import BaseHTTPResponse

from masthead.fetch.decode import BodyDecoder

CHUNK = 64 * 1024


class TooLargeError(Exception):
    """The body is over ``max_bytes`` as it comes over the wire."""


class SlowBodyError(Exception):
    """The body did not arrive within the total deadline (a trickling server)."""


def media_type(content_type: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset=UTF-8``; ``(None, None)`` when absent."""
    if not content_type:
        return None, None
    message = Message()
    message["content-type"] = content_type
    mime = message.get_content_type().lower() if "/" in content_type.split(";", 1)[0] else None
    charset = message.get_content_charset()
    return mime, (charset.lower() if charset else None)


def declared_length(response: BaseHTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def read_body(response: BaseHTTPResponse, *, max_bytes: int, max_decoded: int, deadline: float) -> bytes:
    """The decoded body, or raise :class:`TooLargeError`, :class:`SlowBodyError`,
    :class:`~masthead.fetch.decode.DecodeLimitError` or :class:`~masthead.fetch.decode.DecodeError`
    (urllib3's ``ReadTimeoutError`` / ``ProtocolError`` pass through)."""
    declared = declared_length(response)
    if declared is not None and declared > max_bytes:
        raise TooLargeError(f"Content-Length {declared} is over the {max_bytes}-byte cap")
    decoder = BodyDecoder(response.headers.get("Content-Encoding"), max_decoded)
    received = 0
    while True:
        if time.monotonic() > deadline:
            raise SlowBodyError("the body took longer than the total timeout")
        chunk = response.read1(CHUNK, decode_content=False)  # what has arrived, so the deadline is checked often
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise TooLargeError(f"the body is over the {max_bytes}-byte cap (cut off after {received} bytes)")
        decoder.feed(chunk)
    return decoder.finish()
