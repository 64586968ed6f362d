"""One HTTP exchange, connected to an address that was checked, with nothing of the user's sent.

The client is **urllib3** (2.x; already installed, as trafilatura and requests depend on it).
httpx is not installed (only huggingface_hub's fork ``httpx2`` is), and httpx's default
``trust_env=True`` reads proxy variables and ``~/.netrc``; requests reads both too and keeps
cookies in sessions. urllib3 does none of this, and its pools can be aimed at an IP. It is
used at its lowest level: a connection pool per ``(scheme, checked IP, port, host name)``, so
the socket goes to the IP the fetcher judged (no second DNS lookup that could answer differently), while the
request says ``Host: <name>`` and TLS sends SNI and verifies the certificate for the *name*
(``server_hostname`` / ``assert_hostname``). urllib3 reads no ``~/.netrc``, no proxy or token
environment variables and keeps no cookies; its own retries, redirects and decoding are off
(the fetcher does them, checking each hop). The only headers sent are the ones built here.

Connections are kept alive per pool (at most ``per_host`` each), so a Fetcher shared by N
threads reuses them; a Fetcher holds locks and sockets, so each worker *process* makes its own
(and the per-host limits then hold per process).
"""

from __future__ import annotations

import threading
from typing import Any

import urllib3
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse

from masthead.fetch.decode import accept_encoding
from masthead.fetch.policy import FetchPolicy
from masthead.fetch.target import Target

_DISCARD_BYTES = 64 * 1024  # read at most this much of an unwanted body to keep the connection


class Transport:
    """Thread-safe pools of keep-alive connections, one per checked address and host name."""

    def __init__(self, policy: FetchPolicy, *, ca_certs: str | None = None) -> None:
        self._policy = policy
        self._ca_certs = ca_certs
        self._pools: dict[tuple[str, str, int, str], HTTPConnectionPool] = {}
        self._lock = threading.Lock()
        self._timeout = urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout)

    def _pool(self, target: Target, ip: str) -> HTTPConnectionPool:
        key = (target.scheme, ip, target.port, target.host)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                common: dict[str, Any] = {"port": target.port, "maxsize": self._policy.per_host, "block": False,
                                          "timeout": self._timeout, "retries": False}
                if target.scheme == "https":
                    tls: dict[str, Any] = {"server_hostname": target.host, "assert_hostname": target.host,
                                           "cert_reqs": "CERT_REQUIRED"}
                    if self._ca_certs is not None:
                        tls["ca_certs"] = self._ca_certs
                    pool = HTTPSConnectionPool(ip, **common, **tls)
                else:
                    pool = HTTPConnectionPool(ip, **common)
                self._pools[key] = pool
            return pool

    def headers(self, target: Target) -> dict[str, str]:
        """Every header the request carries: no cookie, no authorization, nothing inherited."""
        return {
            "Host": target.host_header,
            "User-Agent": self._policy.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": accept_encoding(),
        }

    def open(self, target: Target, ip: str) -> BaseHTTPResponse:
        """Send ``GET`` to ``ip`` for ``target``; the body is left unread (stream it, then :func:`finish`).

        Raises urllib3's errors as they are (``NewConnectionError``, ``ConnectTimeoutError``,
        ``ReadTimeoutError``, ``ProtocolError``, ``SSLError``).
        """
        return self._pool(target, ip).urlopen(
            "GET", target.request_target, headers=self.headers(target), retries=False, redirect=False,
            assert_same_host=False, preload_content=False, decode_content=False, release_conn=False,
        )

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


def discard(response: BaseHTTPResponse) -> None:
    """Drop a body not wanted (an error page, a redirect): keep the connection if it is short."""
    try:
        data = response.read(_DISCARD_BYTES, decode_content=False)
        if len(data) < _DISCARD_BYTES and response.read(1, decode_content=False) == b"":
            response.release_conn()
            return
    except Exception:  # any failure here only means the connection is not reused
        pass
    abandon(response)


def abandon(response: BaseHTTPResponse) -> None:
    """Close the connection mid-body (a body cut off at the cap is never read to its end)."""
    response.close()
    response.release_conn()
