"""What one fetch returned: :class:`FetchResult`, and the stable reason codes of a miss."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Literal


class Reason(str, Enum):
    """Why a fetch is ``missing``. The values are stable: hydrate reports and caches them."""

    NOT_FOUND = "not_found"  # HTTP 404
    GONE = "gone"  # HTTP 410
    HTTP_ERROR = "http_error"  # any other status that is not a page (403, 500 after retries, ...)
    TIMEOUT = "timeout"  # no answer within read_timeout, or the body took over total_timeout
    CONNECTION_ERROR = "connection_error"  # name not resolved, refused, reset, after retries
    TLS_ERROR = "tls_error"  # certificate or handshake failure
    NOT_HTML = "not_html"  # a PDF, an image, ...: a media type the caller did not accept
    TOO_LARGE = "too_large"  # body over max_bytes (cut off while streaming)
    DECOMPRESSION_BOMB = "decompression_bomb"  # decoded body over max_decoded_bytes
    BAD_ENCODING = "bad_encoding"  # a Content-Encoding masthead does not decode, or a corrupt one
    REFUSED_PRIVATE = "refused_private"  # the host is (or resolves to) a private/loopback/... address
    ROBOTS = "robots"  # robots.txt disallows it
    ROBOTS_UNREACHABLE = "robots_unreachable"  # robots.txt answered 5xx or not at all: RFC 9309 says stay away for now
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_SCHEME = "bad_scheme"  # not http or https
    BAD_URL = "bad_url"  # unparseable, no host, or credentials in the URL
    NOT_ARCHIVED = "not_archived"  # the web archive has no capture of the page
    ARCHIVE_ERROR = "archive_error"  # the archive's availability API could not be asked or answered nonsense


#: Misses that do not depend on the moment: a cached one is not fetched again.
_FINAL = frozenset({
    Reason.NOT_FOUND, Reason.GONE, Reason.NOT_HTML, Reason.TOO_LARGE, Reason.DECOMPRESSION_BOMB,
    Reason.BAD_ENCODING, Reason.REFUSED_PRIVATE, Reason.ROBOTS, Reason.REDIRECT_LOOP,
    Reason.TOO_MANY_REDIRECTS, Reason.BAD_SCHEME, Reason.BAD_URL, Reason.NOT_ARCHIVED,
})

Outcome = Literal["ok", "missing"]


@dataclass(frozen=True)
class Redirect:
    """One redirect followed: from ``url``, with ``status``, to ``location`` (made absolute)."""

    url: str
    status: int
    location: str


def now_iso() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class FetchResult:
    """The result of fetching one URL, following its redirects.

    ``content`` is the decoded body (Content-Encoding undone, charset not applied) when
    ``outcome == "ok"``, else ``None``. ``charset`` is the one the Content-Type header names
    (``None`` if it names none: the caller sniffs the page). ``reason`` is a :class:`Reason`
    value when ``outcome == "missing"``, and ``detail`` says it in words.
    """

    url: str
    final_url: str
    outcome: Outcome
    reason: str | None = None
    detail: str = ""
    status: int | None = None
    content: bytes | None = field(default=None, repr=False)
    content_type: str | None = None
    charset: str | None = None
    redirects: tuple[Redirect, ...] = ()
    fetched_at: str = field(default_factory=now_iso)
    attempts: int = 0  # HTTP requests sent for this URL (all hops and retries)
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def final(self) -> bool:
        """True when the result would be the same a minute later: it may be cached."""
        if self.ok:
            return True
        if self.reason == Reason.HTTP_ERROR.value:
            return self.status is not None and self.status < 500 and self.status != 429
        return self.reason in {r.value for r in _FINAL}

    def metadata(self) -> dict[str, Any]:
        """Everything but ``content``, as JSON-ready values (the cache stores this)."""
        return {
            "url": self.url, "final_url": self.final_url, "outcome": self.outcome, "reason": self.reason,
            "detail": self.detail, "status": self.status, "content_type": self.content_type,
            "charset": self.charset, "fetched_at": self.fetched_at, "attempts": self.attempts,
            "redirects": [[r.url, r.status, r.location] for r in self.redirects],
        }

    @classmethod
    def from_metadata(cls, data: dict[str, Any], content: bytes | None, *, from_cache: bool = True) -> FetchResult:
        return cls(
            url=str(data["url"]), final_url=str(data["final_url"]), outcome=data["outcome"],
            reason=data.get("reason"), detail=str(data.get("detail", "")), status=data.get("status"),
            content=content, content_type=data.get("content_type"), charset=data.get("charset"),
            redirects=tuple(Redirect(str(u), int(s), str(loc)) for u, s, loc in data.get("redirects", [])),
            fetched_at=str(data["fetched_at"]), attempts=int(data.get("attempts", 0)), from_cache=from_cache,
        )


def missing(url: str, final_url: str, reason: Reason, detail: str, **extra: Any) -> FetchResult:
    """A ``missing`` result with its reason code and words."""
    return FetchResult(url=url, final_url=final_url, outcome="missing", reason=reason.value, detail=detail, **extra)
