"""A web of news pages on loopback for hydrate's tests and benchmark: a real HTTP server (the standard
library's, threaded) holding its pages in memory, changed while it runs (``pages[path] = ...``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoopbackWeb:
    host: str
    pages: dict[str, Response] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    # path -> the response to a request for it, from its query string (an API stand-in)
    handlers: dict[str, Callable[[dict[str, str]], Response]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"


def _handler(web: LoopbackWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: without it, each response waits for a delayed ACK

        def do_GET(self) -> None:
            web.requests.append(self.path)
            path, _, query = self.path.partition("?")
            if path in web.handlers:
                found = web.handlers[path](dict(parse_qsl(query)))
            else:
                found = web.pages.get(self.path) or Response(404, b"not found", "text/plain")
            self.send_response(found.status)
            self.send_header("Content-Type", found.content_type)
            self.send_header("Content-Length", str(len(found.body)))
            for name, value in found.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(found.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve() -> Iterator[LoopbackWeb]:
    """A server on 127.0.0.1 (a free port), stopped on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(LoopbackWeb("")))
    web = LoopbackWeb(f"127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(web)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        server.shutdown()
        server.server_close()


def synth_pages() -> Any:
    """``benchmarks/synth_pages.py`` (the page generator), imported from the repository."""
    import importlib.util
    import sys
    from pathlib import Path

    if "synth_pages" in sys.modules:
        return sys.modules["synth_pages"]
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "synth_pages.py"
    spec = importlib.util.spec_from_file_location("synth_pages", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth_pages"] = module
    spec.loader.exec_module(module)
    return module
