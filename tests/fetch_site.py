"""A web site on loopback for fetch and hydrate tests: a real threaded HTTP/1.1 server.

Tests register what each path answers (:meth:`Site.page`, :meth:`Site.route`) and read
back what the server saw: every request with its headers and start time, per-path hit
counts, the most requests ever in flight at once, and bytes sent. It binds 127.0.0.1 only.
:func:`loopback_only` is a guard that makes any connection to another address raise, so a
test that goes wrong cannot send a packet anywhere else.
"""

from __future__ import annotations

import http.server
import socket
import ssl
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

Handler = Callable[["_Handler"], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    started: float


@dataclass
class Site:
    """What the server answers and what it saw."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    bytes_sent: int = 0
    sni: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    scheme: str = "http"

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        """Answer ``path`` with ``handler``; a path ending in ``*`` answers every path it begins."""
        self.routes[path] = handler

    def prefix_route(self, path: str) -> Handler | None:
        prefixes = [p for p in self.routes if p.endswith("*") and path.startswith(p[:-1])]
        return self.routes[max(prefixes, key=len)] if prefixes else None

    def page(self, path: str, body: bytes | str = b"<html><body><p>A page.</p></body></html>", *, status: int = 200,
             content_type: str | None = "text/html; charset=utf-8", headers: dict[str, str] | None = None,
             delay: float = 0.0) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body

        def answer(handler: _Handler) -> None:
            if delay:
                time.sleep(delay)
            handler.send_response(status)
            if content_type:
                handler.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.send(data)

        self.route(path, answer)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.page(path, b"", status=status, content_type=None, headers={"Location": location})

    def count(self, path: str) -> int:
        with self.lock:
            return self.hits[path]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: without this, 40 ms stalls (delayed ACK)
    site: Site

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, data: bytes) -> None:
        self.wfile.write(data)
        with self.site.lock:
            self.site.bytes_sent += len(data)

    def do_GET(self) -> None:
        site = self.site
        path = self.path.split("?", 1)[0]
        with site.lock:
            site.requests.append(Seen(self.path, dict(self.headers.items()), time.monotonic()))
            site.hits[path] += 1
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
        try:
            handler = site.routes.get(path) or site.prefix_route(path)
            if handler is None:
                body = b"no such page"
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.send(body)
            else:
                handler(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with site.lock:
                site.in_flight -= 1


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (the fetcher cutting a body off) is expected, not an error to print."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


@contextmanager
def serve(site: Site, tls: tuple[str, str] | None = None, *, ipv6: bool = False) -> Iterator[Site]:
    """Run ``site`` on 127.0.0.1 (or ``::1``) on a free port for the ``with`` block; ``tls=(cert, key)`` serves https."""
    handler = type("Handler", (_Handler,), {"site": site})
    server = _Server6(("::1", 0), handler) if ipv6 else _Server(("127.0.0.1", 0), handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)

        def remember(_sock: Any, name: str | None, _ctx: Any) -> None:
            site.sni.append(name)

        context.sni_callback = remember
        server.socket = context.wrap_socket(server.socket, server_side=True)
        site.scheme = "https"
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make every connection to an address outside 127.0.0.0/8 and ::1 raise; returns the list of attempts."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not (str(host).startswith("127.") or host == "::1"):
            attempts.append(address)
            raise OSError(f"test guard: connection to {address!r} refused (loopback only)")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def open_site(monkeypatch: Any) -> Iterator[Site]:
    """A loopback site (everything else refused) whose robots.txt allows every path: the fixture
    of tests that count a site's requests and would not want robots.txt rules in the way."""
    loopback_only(monkeypatch)
    with serve(Site()) as running:
        running.page("/robots.txt", "", content_type="text/plain")
        yield running
