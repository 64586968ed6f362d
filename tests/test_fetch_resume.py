"""A fetching process killed mid-way (SIGKILL) leaves a cache the next run resumes from."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import masthead
from fetch_site import Site, open_site
from masthead.fetch import HTML_TYPES, Fetcher
from test_fetch_pages import fast

FETCH_ALL = """
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from masthead.fetch import Fetcher, FetchPolicy
policy = FetchPolicy(allow_networks=("127.0.0.1/32",), per_host=4, per_host_interval=0.0, backoff=0.01)
urls = sys.argv[2:]
with Fetcher(policy, cache_dir=Path(sys.argv[1])) as fetcher, ThreadPoolExecutor(4) as pool:
    list(pool.map(fetcher.fetch, urls))
"""


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    yield from open_site(monkeypatch)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_fetch_run_resumes_without_fetching_twice(site: Site, tmp_path: Path) -> None:
    pages = {f"/doc/{i}": f"<html><body><p>document {i}</p></body></html>" for i in range(200)}
    for path, body in pages.items():
        site.page(path, body, delay=0.01)
    for i in range(0, 200, 10):
        site.page(f"/doc/{i}", "gone", status=410, delay=0.01)  # final misses are kept too
    urls = [site.url(p) for p in pages]
    cache = tmp_path / "work" / "fetch"
    builder = str(Path(masthead.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": builder}
    child = subprocess.Popen([sys.executable, "-c", FETCH_ALL, str(cache), *urls], env=env)
    deadline = time.monotonic() + 30
    while sum(site.count(p) for p in pages) < 60 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    first = {p: site.count(p) for p in pages}
    fetched_before = sum(1 for n in first.values() if n)
    assert 60 <= fetched_before < 200, "the kill came too late (or too early) to test a resume"
    entries = list((cache / "entries").rglob("*.json"))
    assert all(json.loads(e.read_text(encoding="utf-8"))["outcome"] in ("ok", "missing") for e in entries)

    with Fetcher(fast(per_host=4), cache_dir=cache) as fetcher:
        assert fetcher.cache is not None
        stored = {p for p, u in zip(pages, urls, strict=True) if fetcher.cache.get(u, HTML_TYPES)}
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(fetcher.fetch, urls))
    assert len(stored) == len(entries) >= 50  # every entry on disk is whole and readable
    for path, result in zip(pages, results, strict=True):
        i = int(path.rsplit("/", 1)[1])
        if i % 10 == 0:
            assert result.reason == "gone"
        else:
            assert result.ok and result.content == pages[path].encode()
        assert result.from_cache is (path in stored)
        # stored: never asked again; in flight when killed, or not reached: asked once more
        assert site.count(path) == first[path] + (0 if path in stored else 1)
