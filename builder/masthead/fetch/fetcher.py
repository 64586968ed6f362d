"""The fetcher: one URL in, one :class:`~masthead.fetch.result.FetchResult` out, safely and politely.

For each hop (the URL, then each redirect's target, up to ``max_redirects``): parse it
(http/https only), ask robots.txt, resolve the host and refuse private addresses, then send
one request pinned to the checked address, through the host's gate (concurrency and rate),
retrying 429/502/503/504 and connection failures with exponential backoff (and the server's
Retry-After, within a cap). A redirect is recorded and followed by hand; a page is read
under the size caps. Results that would not change a minute later (a page, a 404, a PDF,
a refusal) go to the on-disk cache when there is one, so a killed run resumes.

Thread-safe: one :class:`Fetcher` serves any number of threads.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from urllib3 import exceptions as u3
from urllib3.response import BaseHTTPResponse

from masthead.errors import OutputError
from masthead.fetch import body as bodies
from masthead.fetch.addresses import Resolver, checked_addresses, system_resolver
from masthead.fetch.cache import FetchCache
from masthead.fetch.decode import DecodeError, DecodeLimitError
from masthead.fetch.gate import HostGates
from masthead.fetch.policy import HTML_TYPES, FetchPolicy
from masthead.fetch.result import FetchResult, Reason, Redirect, missing
from masthead.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules, rules_from
from masthead.fetch.target import Target, TargetError, parse_target
from masthead.fetch.transport import Transport, abandon, discard

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2


class _Miss(Exception):
    """A hop ended without a page: carries the reason, and the HTTP status if there was one."""

    def __init__(self, reason: Reason, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.status = reason, detail, status


class _Hop:
    """What one hop's (possibly retried) request returned."""

    def __init__(self, status: int, content: bytes | None = None, content_type: str | None = None,
                 charset: str | None = None, location: str | None = None) -> None:
        self.status, self.content, self.content_type, self.charset, self.location = status, content, content_type, charset, location


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); ``None`` if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Fetcher:
    """Fetch pages under a :class:`FetchPolicy`; cache final results under ``cache_dir`` if given.

    ``resolver`` replaces DNS (tests map names to loopback); ``ca_certs`` names a CA bundle
    for HTTPS (default: the system's). Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, policy: FetchPolicy | None = None, *, cache_dir: Path | None = None,
                 resolver: Resolver | None = None, ca_certs: str | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._resolver = resolver or system_resolver
        self._networks = self.policy.networks()
        self._transport = Transport(self.policy, ca_certs=ca_certs)
        self._gates = HostGates(self.policy.per_host, self.policy.per_host_interval)
        self._robots = RobotsCache(self._fetch_robots)
        self.cache = FetchCache(cache_dir, self.policy.fingerprint()) if cache_dir is not None else None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    # -- public -------------------------------------------------------------------------------

    def fetch(self, url: str, *, accept: Sequence[str] | None = HTML_TYPES) -> FetchResult:
        """Fetch ``url`` (following redirects); ``accept`` lists the media types wanted (``None``: any)."""
        accepted = tuple(accept) if accept is not None else None
        if self.cache is not None:
            cached = self.cache.get(url, accepted)
            if cached is not None:
                return cached
        result = self._follow(url, accepted, robots=self.policy.robots, max_bytes=self.policy.max_bytes,
                              max_redirects=self.policy.max_redirects)
        if self.cache is not None and result.final:
            try:
                self.cache.put(result, accepted)
            except OSError as exc:
                raise OutputError(f"cannot write the fetch cache under {self.cache.folder}: {exc}; "
                                  "free some space or choose another work folder") from exc
        return result

    def robots_rules(self, url: str) -> RobotsRules:
        """The robots.txt rules that apply to ``url`` (fetched once per origin); ``ValueError`` for a bad URL."""
        return self._robots.rules(parse_target(url).origin)

    # -- one URL, its redirects ------------------------------------------------------------------

    def _follow(self, url: str, accept: tuple[str, ...] | None, *, robots: bool, max_bytes: int,
                max_redirects: int) -> FetchResult:
        chain: list[Redirect] = []
        seen: set[str] = set()
        current = url
        attempts = [0]

        def miss(final_url: str, reason: Reason, detail: str, status: int | None = None) -> FetchResult:
            return missing(url, final_url, reason, detail, status=status, redirects=tuple(chain), attempts=attempts[0])

        while True:
            try:
                target = parse_target(current)
            except TargetError as exc:
                return miss(current, exc.reason, exc.detail)
            seen.add(target.url)
            try:
                hop = self._hop(target, accept, robots=robots, max_bytes=max_bytes, attempts=attempts)
            except _Miss as exc:
                return miss(target.url, exc.reason, exc.detail, exc.status)
            if hop.location is None:
                return FetchResult(url=url, final_url=target.url, outcome="ok", status=hop.status, content=hop.content,
                                   content_type=hop.content_type, charset=hop.charset, redirects=tuple(chain),
                                   attempts=attempts[0])
            location = urldefrag(urljoin(target.url, hop.location))[0]
            chain.append(Redirect(target.url, hop.status, location))
            try:
                next_url = parse_target(location).url
            except TargetError:
                next_url = location  # reported by the next round
            if next_url in seen:
                return miss(location, Reason.REDIRECT_LOOP, f"{target.url} redirects back to {location}", hop.status)
            if len(chain) > max_redirects:
                return miss(location, Reason.TOO_MANY_REDIRECTS, f"more than {max_redirects} redirects", hop.status)
            current = location

    # -- one hop: checks, then the request with retries ----------------------------------------------

    def _hop(self, target: Target, accept: tuple[str, ...] | None, *, robots: bool, max_bytes: int,
             attempts: list[int]) -> _Hop:
        try:
            addresses, refused = checked_addresses(target.host, target.port, self.policy.allow_private, self._resolver,
                                                   self._networks)
        except OSError as exc:
            raise _Miss(Reason.CONNECTION_ERROR, f"cannot resolve {target.host}: {exc}") from exc
        if refused is not None:
            raise _Miss(Reason.REFUSED_PRIVATE, f"refused: {refused} (allow_private is off)")
        if robots:
            rules = self._robots.rules(target.origin)
            if not rules.allowed(target.url):
                if rules.parser is None and not rules.allow_all:
                    raise _Miss(Reason.ROBOTS_UNREACHABLE, rules.why)
                raise _Miss(Reason.ROBOTS, f"robots.txt of {target.origin} disallows {target.request_target} for masthead")
            delay = rules.crawl_delay()
            if delay:
                self._gates.widen(target.host, min(delay, self.policy.crawl_delay_max))
        ip = str(addresses[0])
        policy = self.policy
        for attempt in range(policy.retries + 1):
            last = attempt == policy.retries
            attempts[0] += 1
            with self._gates.slot(target.host):
                try:
                    response = self._transport.open(target, ip)
                except (u3.ConnectTimeoutError, u3.NewConnectionError, u3.ProtocolError, ConnectionError) as exc:
                    # ConnectTimeoutError is a TimeoutError too: it is retried like a refused connection.
                    if last:
                        raise _Miss(Reason.CONNECTION_ERROR, f"{target.host}: {exc}") from exc
                    self._gates.defer(target.host, policy.retry_wait(attempt))
                    continue
                except u3.ReadTimeoutError as exc:
                    raise _Miss(Reason.TIMEOUT, f"no answer from {target.host} within {policy.read_timeout} s") from exc
                except u3.SSLError as exc:
                    raise _Miss(Reason.TLS_ERROR, f"{target.host}: {exc}") from exc
                except (u3.HTTPError, OSError) as exc:
                    raise _Miss(Reason.CONNECTION_ERROR, f"{target.host}: {exc}") from exc
                status = response.status
                if status in RETRY_STATUSES:
                    discard(response)
                    wait = retry_after(response.headers.get("Retry-After"))
                    if wait is not None and wait > policy.retry_after_max:
                        raise _Miss(Reason.HTTP_ERROR, f"HTTP {status}, Retry-After {wait:.0f} s is over the "
                                    f"{policy.retry_after_max:.0f} s cap", status)
                    if last:
                        raise _Miss(Reason.HTTP_ERROR, f"HTTP {status} after {policy.retries + 1} attempts", status)
                    self._gates.defer(target.host, max(policy.retry_wait(attempt), wait or 0.0))
                    continue
                try:
                    return self._answer(target, response, accept, max_bytes)
                except (u3.ProtocolError, u3.ReadTimeoutError) as exc:
                    abandon(response)
                    if isinstance(exc, u3.ReadTimeoutError):
                        raise _Miss(Reason.TIMEOUT, f"{target.host} stopped sending within {policy.read_timeout} s",
                                    status) from exc
                    if last:
                        raise _Miss(Reason.CONNECTION_ERROR, f"{target.host}: the body broke off: {exc}", status) from exc
                    self._gates.defer(target.host, policy.retry_wait(attempt))
                except (u3.HTTPError, OSError) as exc:  # a TLS or socket failure mid-body: not retried
                    abandon(response)
                    raise _Miss(Reason.CONNECTION_ERROR, f"{target.host}: the body broke off: {exc}", status) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _answer(self, target: Target, response: BaseHTTPResponse, accept: tuple[str, ...] | None,
                max_bytes: int) -> _Hop:
        """Classify a non-retried response; read its body only when it is a wanted page."""
        status = response.status
        if status in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            discard(response)
            if not location:
                raise _Miss(Reason.HTTP_ERROR, f"HTTP {status} without a Location header", status)
            return _Hop(status, location=location.strip())
        if status == 404:
            discard(response)
            raise _Miss(Reason.NOT_FOUND, "HTTP 404 Not Found", status)
        if status == 410:
            discard(response)
            raise _Miss(Reason.GONE, "HTTP 410 Gone", status)
        if not 200 <= status < 300:
            discard(response)
            raise _Miss(Reason.HTTP_ERROR, f"HTTP {status}", status)
        mime, charset = bodies.media_type(response.headers.get("Content-Type"))
        if accept is not None and mime is not None and mime not in accept:
            abandon(response)
            raise _Miss(Reason.NOT_HTML, f"the content type is {mime}, not one of {', '.join(accept)}", status)
        deadline = time.monotonic() + self.policy.total_timeout
        try:
            content = bodies.read_body(response, max_bytes=max_bytes, max_decoded=self.policy.max_decoded_bytes,
                                       deadline=deadline)
        except bodies.TooLargeError as exc:
            abandon(response)
            raise _Miss(Reason.TOO_LARGE, str(exc), status) from exc
        except bodies.SlowBodyError as exc:
            abandon(response)
            raise _Miss(Reason.TIMEOUT, str(exc), status) from exc
        except DecodeLimitError as exc:
            abandon(response)
            raise _Miss(Reason.DECOMPRESSION_BOMB, f"the decoded body is over the {self.policy.max_decoded_bytes}-byte "
                        "cap (a decompression bomb?)", status) from exc
        except DecodeError as exc:
            abandon(response)
            raise _Miss(Reason.BAD_ENCODING, str(exc), status) from exc
        response.release_conn()
        if accept is not None and mime is None and _looks_binary(content):
            raise _Miss(Reason.NOT_HTML, "no content type, and the body is not text", status)
        return _Hop(status, content=content, content_type=mime, charset=charset)

    def _fetch_robots(self, origin: str) -> RobotsRules:
        result = self._follow(f"{origin}/robots.txt", None, robots=False, max_bytes=ROBOTS_MAX_BYTES,
                              max_redirects=ROBOTS_MAX_REDIRECTS)
        if result.reason == Reason.TOO_LARGE.value:  # masthead does not guess from a cut-off file
            return RobotsRules(origin, None, allow_all=False, why="robots.txt is over 500 KiB; not read, so nothing is fetched")
        return rules_from(origin, result)


def _looks_binary(content: bytes) -> bool:
    head = content[:1024]
    return head.startswith(b"%PDF-") or b"\x00" in head
