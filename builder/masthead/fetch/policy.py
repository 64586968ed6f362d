"""How politely and how safely a :class:`~masthead.fetch.fetcher.Fetcher` fetches: one frozen value.

Every limit the fetcher applies is a field here, so a run's behaviour is stated in one place
(and the fields that change what a fetch *returns* make up :meth:`FetchPolicy.fingerprint`,
which keys the on-disk cache: a cached ``too_large`` under a 10 MB cap is not reused under a
50 MB one).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field

from masthead import __version__
from masthead.errors import ConfigError

#: Where the default user agent points a site operator who wants to know who is fetching.
DEFAULT_CONTACT = "https://pypi.org/project/masthead/"

#: The media types a page fetch accepts by default; anything else is ``not_html``.
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")

#: The robots.txt product token masthead matches in ``User-agent:`` lines.
ROBOTS_TOKEN = "masthead"


def user_agent(contact: str = DEFAULT_CONTACT) -> str:
    """``masthead/<version> (+<contact>)``: names the tool, its version and whom to ask."""
    return f"{ROBOTS_TOKEN}/{__version__} (+{contact}; dataset hydration)"


@dataclass(frozen=True)
class FetchPolicy:
    """Timeouts, retries, per-host politeness, size caps and safety switches of a fetcher.

    Times are seconds, sizes bytes. ``allow_private`` lets the fetcher reach private,
    loopback and link-local addresses (never multicast or unspecified ones); it is off by
    default because the URLs in a release are untrusted input. ``allow_networks`` opens
    only the CIDR blocks it names.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence while waiting for headers or body bytes
    total_timeout: float = 60.0  # longest time one response's body may take to arrive
    retries: int = 3  # extra attempts after a 429/502/503/504 or a connection error
    backoff: float = 1.0  # first wait before a retry; doubles each time
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # a longer Retry-After gives up now (not cached: a later run retries)
    per_host: int = 2  # requests in flight to one host at a time
    per_host_interval: float = 1.0  # at least this long between two request starts to one host
    crawl_delay_max: float = 30.0  # a robots.txt Crawl-delay is honoured up to this
    max_bytes: int = 10 * 2**20  # body as it comes over the wire
    max_decoded_bytes: int = 20 * 2**20  # body after Content-Encoding; more is a decompression bomb
    max_redirects: int = 10
    robots: bool = True
    allow_private: bool = False
    allow_networks: tuple[str, ...] = ()  # CIDR blocks allowed even when allow_private is off ("127.0.0.1/32")
    contact: str = DEFAULT_CONTACT
    user_agent: str = field(default="")  # empty: built from ``contact`` by :func:`user_agent`

    def __post_init__(self) -> None:
        if not self.user_agent:
            object.__setattr__(self, "user_agent", user_agent(self.contact))
        positive = {
            "connect_timeout": self.connect_timeout, "read_timeout": self.read_timeout,
            "total_timeout": self.total_timeout, "per_host": self.per_host,
            "max_bytes": self.max_bytes, "max_decoded_bytes": self.max_decoded_bytes,
        }
        for name, value in positive.items():
            if not value > 0:
                raise ConfigError(f"fetch policy: {name} must be above 0, not {value!r}")
        not_negative = {
            "retries": self.retries, "backoff": self.backoff, "backoff_max": self.backoff_max,
            "retry_after_max": self.retry_after_max, "per_host_interval": self.per_host_interval,
            "crawl_delay_max": self.crawl_delay_max, "max_redirects": self.max_redirects,
        }
        for name, value in not_negative.items():
            if value < 0:
                raise ConfigError(f"fetch policy: {name} must be 0 or more, not {value!r}")
        if not self.user_agent.lower().startswith(ROBOTS_TOKEN):
            raise ConfigError(f"fetch policy: the user agent must start with {ROBOTS_TOKEN!r} (robots.txt rules match it)")
        try:
            self.networks()
        except ValueError as exc:
            raise ConfigError(f"fetch policy: allow_networks: {exc}") from exc
        if any(c in self.user_agent for c in "\r\n"):
            raise ConfigError("fetch policy: the user agent must be one line")

    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """``allow_networks`` parsed."""
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.allow_networks)

    def retry_wait(self, attempt: int) -> float:
        """Backoff before retry number ``attempt`` (0-based): ``backoff * 2**attempt``, capped."""
        return float(min(self.backoff_max, self.backoff * (2**attempt)))

    def fingerprint(self) -> str:
        """Hash of the fields that decide a fetch's result (the cache's key includes it)."""
        decisive = {
            "max_bytes": self.max_bytes, "max_decoded_bytes": self.max_decoded_bytes,
            "max_redirects": self.max_redirects, "robots": self.robots, "allow_private": self.allow_private,
            "allow_networks": sorted(str(n) for n in self.networks()),
        }
        return hashlib.sha256(json.dumps(decisive, sort_keys=True).encode()).hexdigest()[:16]
