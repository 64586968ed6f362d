"""The Internet Archive as a second source: the capture of a page closest to a date.

The Wayback Machine's availability API (``https://archive.org/wayback/available?url=U&timestamp=T``)
answers with the capture closest to ``T`` (``YYYYMMDDhhmmss``, a prefix will do)::

    {"archived_snapshots": {"closest": {"available": true, "status": "200", "timestamp": "20130919044612",
     "url": "http://web.archive.org/web/20130919044612/http://example.com/"}}}

or ``{"archived_snapshots": {}}`` when it has none. The capture URL it gives replays the page
rewritten for the browser (links pointed into the archive, a toolbar added). Putting ``id_``
after the timestamp (``/web/20130919044612id_/http://example.com/``) asks for the capture
as it was recorded, which is what re-extraction and verification need. Captures on
``web.archive.org`` are fetched over https. Both the API call and the capture go through the
same :class:`~masthead.fetch.fetcher.Fetcher` (robots, caps, address checks, cache). The
endpoint is a parameter, so tests point it at a stand-in on loopback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from masthead.fetch.fetcher import Fetcher
from masthead.fetch.policy import HTML_TYPES
from masthead.fetch.result import FetchResult, Reason, missing

AVAILABILITY_API = "https://archive.org/wayback/available"
_JSON_TYPES = ("application/json", "text/json", "text/javascript", "text/plain")
_CAPTURE = re.compile(r"^(?P<base>.*?/web/)(?P<ts>\d{1,14})(?P<flags>[a-z_]*)/(?P<original>.+)$")
_WAYBACK_HOST = "web.archive.org"


@dataclass(frozen=True)
class Capture:
    """One archived capture of ``original_url``, taken at ``timestamp`` (``YYYYMMDDhhmmss``)."""

    original_url: str
    timestamp: str
    url: str  # the raw-capture (``id_``) URL to fetch
    status: int | None  # the HTTP status the archive recorded when it captured the page


def wayback_timestamp(when: date | datetime | str | None) -> str | None:
    """``YYYYMMDDhhmmss`` (or a shorter prefix) for the API's ``timestamp`` parameter."""
    if when is None:
        return None
    if isinstance(when, datetime):
        return when.strftime("%Y%m%d%H%M%S")
    if isinstance(when, date):
        return when.strftime("%Y%m%d")
    digits = re.sub(r"\D", "", when)[:14]
    return digits or None


def raw_capture_url(capture_url: str) -> str:
    """The ``id_`` form of a Wayback capture URL (no toolbar, no rewriting); https on web.archive.org.

    >>> raw_capture_url("http://web.archive.org/web/20130919044612/http://example.com/")
    'https://web.archive.org/web/20130919044612id_/http://example.com/'
    """
    match = _CAPTURE.match(capture_url)
    if match is None:
        raise ValueError(f"not a Wayback capture URL: {capture_url!r}")
    url = f"{match['base']}{match['ts']}id_/{match['original']}"
    parts = urlsplit(url)
    if parts.hostname == _WAYBACK_HOST and parts.scheme == "http":
        url = urlunsplit(("https", parts.netloc, parts.path, parts.query, parts.fragment))
    return url


def parse_availability(original_url: str, payload: bytes) -> Capture | None:
    """The closest available capture in an availability API answer; ``None`` if there is none.

    Raises ``ValueError`` when the answer is not the API's JSON.
    """
    data = json.loads(payload.decode("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("archived_snapshots"), dict):
        raise ValueError("the answer has no archived_snapshots object")
    closest = data["archived_snapshots"].get("closest")
    if not closest:
        return None
    if not isinstance(closest, dict) or not isinstance(closest.get("url"), str):
        raise ValueError("archived_snapshots.closest has no url")
    if closest.get("available") is False:
        return None
    status = str(closest.get("status", ""))
    timestamp = str(closest.get("timestamp", ""))
    match = _CAPTURE.match(closest["url"])
    return Capture(original_url=original_url, timestamp=timestamp or (match["ts"] if match else ""),
                   url=raw_capture_url(closest["url"]), status=int(status) if status.isdigit() else None)


@dataclass(frozen=True)
class ArchiveLookup:
    """What the availability API said: a capture, or why there is none (a :class:`Reason` value)."""

    capture: Capture | None
    reason: str | None = None
    detail: str = ""


class WaybackArchive:
    """Find and fetch the capture of a page closest to a date, through ``fetcher``."""

    def __init__(self, fetcher: Fetcher, endpoint: str = AVAILABILITY_API) -> None:
        self.fetcher = fetcher
        self.endpoint = endpoint

    def lookup(self, url: str, when: date | datetime | str | None = None) -> ArchiveLookup:
        """Ask the availability API for the capture of ``url`` closest to ``when``."""
        params = {"url": url}
        timestamp = wayback_timestamp(when)
        if timestamp:
            params["timestamp"] = timestamp
        answer = self.fetcher.fetch(f"{self.endpoint}?{urlencode(params)}", accept=_JSON_TYPES)
        if not answer.ok:
            return ArchiveLookup(None, Reason.ARCHIVE_ERROR.value,
                                 f"the availability API did not answer: {answer.reason} ({answer.detail})")
        try:
            capture = parse_availability(url, answer.content or b"")
        except ValueError as exc:
            return ArchiveLookup(None, Reason.ARCHIVE_ERROR.value, f"the availability API answered nonsense: {exc}")
        if capture is None:
            return ArchiveLookup(None, Reason.NOT_ARCHIVED.value, f"the web archive has no capture of {url}")
        return ArchiveLookup(capture)

    def fetch(self, url: str, when: date | datetime | str | None = None) -> tuple[FetchResult, Capture | None]:
        """The raw capture closest to ``when`` as a fetch result (``missing`` with the lookup's reason if none)."""
        found = self.lookup(url, when)
        if found.capture is None:
            reason = Reason(found.reason or Reason.NOT_ARCHIVED.value)
            return missing(url, url, reason, found.detail), None
        return self.fetcher.fetch(found.capture.url, accept=HTML_TYPES), found.capture
