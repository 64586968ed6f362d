"""Fetching web pages politely and safely, with the web archive as a second source.

This package is the library under ``masthead hydrate``; it prints nothing and raises only
:class:`~masthead.errors.ConfigError` (a bad policy) and
:class:`~masthead.errors.OutputError` (the cache folder cannot be written). Every per-URL
failure is a result, not an exception. One :class:`Fetcher` per process, shared by its
threads (it holds sockets and locks; per-host limits hold per Fetcher). Public interface (stable)::

    from masthead.fetch import Fetcher, FetchPolicy, FetchResult, Reason, WaybackArchive

    policy = FetchPolicy(per_host=2, per_host_interval=1.0, allow_private=False)
    with Fetcher(policy, cache_dir=work / "fetch-cache") as fetcher:   # thread-safe: share it
        result = fetcher.fetch("https://news.example/story")           # -> FetchResult
        if result.ok:
            html, charset = result.content, result.charset               # decoded bytes; header charset or None
        else:
            result.reason                                               # a Reason value, e.g. "not_found"
        archive = WaybackArchive(fetcher)                                # endpoint= for a stand-in
        capture_result, capture = archive.fetch(url, when=date(2024, 5, 1))

:class:`FetchPolicy` (frozen): ``connect_timeout``, ``read_timeout``, ``total_timeout``,
``retries``, ``backoff``, ``backoff_max``, ``retry_after_max``, ``per_host``,
``per_host_interval``, ``crawl_delay_max``, ``max_bytes``, ``max_decoded_bytes``,
``max_redirects``, ``robots`` (True), ``allow_private`` (False), ``allow_networks`` (CIDR
blocks opened even so), ``contact``, ``user_agent``
(``masthead/<version> (+<contact>; dataset hydration)``).

:class:`FetchResult` (frozen): ``url``, ``final_url``, ``outcome`` ("ok" | "missing"),
``reason``, ``detail``, ``status``, ``content`` (bytes | None), ``content_type``, ``charset``,
``redirects`` (tuple of :class:`Redirect` ``(url, status, location)``), ``fetched_at``
(ISO UTC), ``attempts``, ``from_cache``; ``.ok``; ``.final`` (True: cached, never re-fetched).

:class:`Reason` values: not_found, gone, http_error, timeout, connection_error, tls_error,
not_html, too_large, decompression_bomb, bad_encoding, refused_private, robots,
robots_unreachable, redirect_loop, too_many_redirects, bad_scheme, bad_url, not_archived,
archive_error. Transient ones (timeout, connection_error, tls_error, robots_unreachable,
archive_error, http_error for 429/5xx) are not cached: a resumed run asks again.

Guarantees: http and https only; every hop (the URL and each redirect) is checked for its
scheme, robots.txt (fetched once per origin, ``masthead`` token) and address (the name is
resolved by the fetcher, every answer must be public unless ``allow_private``, and the
connection is pinned to the checked IP, with Host and TLS SNI/verification for the name);
per-host concurrency and gap between requests; bounded retries with exponential backoff on
429/502/503/504 and connection errors, honouring Retry-After up to ``retry_after_max``;
bodies capped while streaming and Content-Encoding (gzip, deflate, br) decoded under a cap;
no cookies, credentials, netrc, proxies or tokens: the only headers sent are Host,
User-Agent, Accept and Accept-Encoding.

The HTTP client is urllib3 (see :mod:`masthead.fetch.transport` for why).
"""

from __future__ import annotations

from masthead.fetch.archive import ArchiveLookup, Capture, WaybackArchive, raw_capture_url
from masthead.fetch.cache import FetchCache
from masthead.fetch.fetcher import Fetcher
from masthead.fetch.policy import HTML_TYPES, FetchPolicy, user_agent
from masthead.fetch.result import FetchResult, Reason, Redirect

__all__ = [
    "HTML_TYPES",
    "ArchiveLookup",
    "Capture",
    "FetchCache",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "Reason",
    "Redirect",
    "WaybackArchive",
    "raw_capture_url",
    "user_agent",
]
