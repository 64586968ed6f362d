"""Stable document ids: the collector's id, else the URL, else the path under raw/.

Never the position of a record, so ids survive reordering and rebuilding.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

_SUFFIXES = re.compile(r"(\.(txt|jsonl|ndjson|csv|html?|md|warc))?(\.gz)?$", re.IGNORECASE)


def canonical_url(url: str) -> str | None:
    """Lower-case scheme and host, no fragment, no trailing slash; None if not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", host, path, parts.query, ""))


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def document_id(fields: dict[str, Any], source: str, single: bool) -> str:
    given = fields.get("id")
    if isinstance(given, str) and given.strip():
        return given.strip()
    url = fields.get("url")
    if isinstance(url, str):
        canonical = canonical_url(url)
        if canonical is not None:
            return "url-" + _digest(canonical)
    stem = _SUFFIXES.sub("", source)
    if single:
        return stem
    # A record of a multi-record file with neither id nor URL: name it by its content, so
    # the id does not depend on the record's position in the file.
    text = str(fields.get("text") or fields.get("html") or "")
    return f"{stem}#{_digest(str(fields.get('title') or '') + chr(0) + text, 12)}"
