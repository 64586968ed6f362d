"""A URL taken apart for one request: scheme, ASCII host, port, request target, Host header.

Only ``http`` and ``https`` pass; a URL with credentials in it (``user:pass@host``) is
refused rather than stripped, since nothing of a user's should travel and a release that
carries such URLs deserves a look. The fragment is dropped (it never goes on the wire).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from masthead.fetch.result import Reason

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a path or query; anything else (spaces, non-ASCII) is %-encoded.
_SAFE = "/%:@!$&'()*+,;=-._~?"


class TargetError(ValueError):
    """The URL cannot be fetched at all; ``reason`` is the :class:`Reason` to report."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """One URL ready to request."""

    url: str  # normalised absolute URL (no fragment)
    scheme: str  # "http" or "https"
    host: str  # lower-case ASCII (IDNA) host name, or an IP address without brackets
    port: int
    request_target: str  # path and query, as sent on the request line

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: what a robots.txt applies to."""
        return f"{self.scheme}://{self.host_header}"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    def literal_ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The host as an IP address when the URL names one, else ``None``."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None


def _ascii_host(host: str) -> str:
    try:
        host.encode("ascii")
        return host.lower()
    except UnicodeEncodeError:
        pass
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise TargetError(Reason.BAD_URL, f"host {host!r} is not a valid international domain name") from exc


def parse_target(url: str) -> Target:
    """Take ``url`` apart, or raise :class:`TargetError` (``bad_scheme`` / ``bad_url``)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise TargetError(Reason.BAD_URL, "the URL contains control characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise TargetError(Reason.BAD_URL, f"cannot parse the URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise TargetError(Reason.BAD_SCHEME, f"only http and https are fetched, not {scheme or 'a URL without scheme'!r}")
    if parts.username is not None or parts.password is not None:
        raise TargetError(Reason.BAD_URL, "the URL carries credentials (user@host); they are never sent")
    if not parts.hostname:
        raise TargetError(Reason.BAD_URL, "the URL names no host")
    host = _ascii_host(parts.hostname)
    port = port if port is not None else _DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        raise TargetError(Reason.BAD_URL, f"port {port} is out of range")
    path = quote(parts.path or "/", safe=_SAFE)
    query = quote(parts.query, safe=_SAFE + "[]") if parts.query else ""
    request_target = path + (f"?{query}" if query else "")
    target = Target(url="", scheme=scheme, host=host, port=port, request_target=request_target)
    normalised = urlunsplit((scheme, target.host_header, path, query, ""))
    return Target(url=normalised, scheme=scheme, host=host, port=port, request_target=request_target)
