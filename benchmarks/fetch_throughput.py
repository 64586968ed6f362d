"""Pages per second through masthead.fetch from a loopback server, by thread count, and from its cache.

    python benchmarks/fetch_throughput.py [--pages 2000] [--threads 1,2,4]

A threaded HTTP/1.1 server on 127.0.0.1 serves ``--pages`` distinct 5 KB HTML pages; one
Fetcher (per-host gap 0, per-host concurrency = threads, robots honoured) fetches them all
with each thread count, side by side in one run; then the same pages again from a fresh
Fetcher on the filled cache. Loopback only: this measures the fetcher's own cost, not a network.
"""

from __future__ import annotations

import argparse
import http.server
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from masthead.fetch import Fetcher, FetchPolicy

PAGE = "<html><body>" + ("<p>" + "word " * 200 + "</p>") * 5 + "</body></html>"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        body = b"" if self.path == "/robots.txt" else f"{PAGE}<!-- {self.path} -->".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def run(fetcher: Fetcher, urls: list[str], threads: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(fetcher.fetch, urls))
    elapsed = time.perf_counter() - started
    assert all(r.ok for r in results), [r.reason for r in results if not r.ok][:3]
    return len(urls) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--threads", default="1,2,4")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    urls = [f"http://127.0.0.1:{port}/story/{i}" for i in range(args.pages)]
    print(f"{args.pages} pages of {len(PAGE) / 1000:.1f} KB from 127.0.0.1")
    for threads in (int(t) for t in args.threads.split(",")):
        policy = FetchPolicy(allow_networks=("127.0.0.1/32",), per_host=threads, per_host_interval=0.0)
        with Fetcher(policy) as fetcher:
            print(f"  {threads} thread(s), no cache: {run(fetcher, urls, threads):8.0f} pages/s")
    with tempfile.TemporaryDirectory() as work:
        policy = FetchPolicy(allow_networks=("127.0.0.1/32",), per_host=2, per_host_interval=0.0)
        with Fetcher(policy, cache_dir=Path(work)) as fetcher:
            filling = run(fetcher, urls, 2)
        with Fetcher(policy, cache_dir=Path(work)) as fetcher:
            cached = run(fetcher, urls, 2)
        print(f"  2 threads, filling the cache: {filling:8.0f} pages/s; from the cache: {cached:8.0f} pages/s")
    server.shutdown()


if __name__ == "__main__":
    main()
