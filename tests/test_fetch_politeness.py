"""Per-host concurrency and rate, thread safety, robots Crawl-delay, and the resumable on-disk cache."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest

from fetch_site import Site, open_site
from masthead.errors import ConfigError
from masthead.fetch import Fetcher, FetchPolicy, Reason, user_agent
from masthead.fetch.fetcher import retry_after
from test_fetch_pages import PAGE, fast


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    yield from open_site(monkeypatch)


def test_requests_in_flight_to_one_host_stay_under_the_limit(site: Site) -> None:
    for i in range(12):
        site.page(f"/slow/{i}", PAGE, delay=0.15)
    with Fetcher(fast(per_host=3)) as fetcher, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetcher.fetch, [site.url(f"/slow/{i}") for i in range(12)]))
    assert all(r.ok for r in results)
    assert site.max_in_flight == 3  # reached (the threads did overlap) and never passed


def test_request_starts_to_one_host_are_spaced(site: Site) -> None:
    for i in range(5):
        site.page(f"/p/{i}", PAGE)
    with Fetcher(fast(per_host=4, per_host_interval=0.12)) as fetcher, ThreadPoolExecutor(5) as pool:
        results = list(pool.map(fetcher.fetch, [site.url(f"/p/{i}") for i in range(5)]))
    assert all(r.ok for r in results)
    starts = sorted(s.started for s in site.requests)  # robots.txt and the five pages
    gaps = [b - a for a, b in pairwise(starts)]
    assert len(starts) == 6 and min(gaps) >= 0.1, gaps


def test_robots_crawl_delay_widens_the_gap(site: Site) -> None:
    # robotparser reads whole seconds; a delay over crawl_delay_max (here 0.3 s) is cut to it
    site.page("/robots.txt", "User-agent: masthead\nCrawl-delay: 5\nAllow: /\n", content_type="text/plain")
    site.page("/a", PAGE)
    site.page("/b", PAGE)
    with Fetcher(fast(crawl_delay_max=0.3)) as fetcher:
        assert fetcher.fetch(site.url("/a")).ok and fetcher.fetch(site.url("/b")).ok
    starts = [s.started for s in site.requests]  # robots.txt, /a, /b
    assert len(starts) == 3 and all(0.25 <= b - a < 2.0 for a, b in pairwise(starts))  # 5 s was cut to 0.3 s


def test_one_fetcher_serves_many_threads(site: Site) -> None:
    for i in range(60):
        site.page(f"/doc/{i}", f"<p>document {i}</p>")
    urls = [site.url(f"/doc/{i % 60}") for i in range(120)]
    with Fetcher(fast(per_host=4)) as fetcher, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetcher.fetch, urls))
    assert [r.content for r in results] == [f"<p>document {i % 60}</p>".encode() for i in range(120)]
    assert site.count("/robots.txt") == 1 and site.max_in_flight <= 4


def test_a_killed_run_resumes_from_the_cache(site: Site, tmp_path: Path) -> None:
    site.page("/a", PAGE)
    site.page("/gone", "x", status=410)
    site.page("/busy", "x", status=503)
    site.page("/slow", PAGE, delay=1.0)
    urls = [site.url(p) for p in ("/a", "/gone", "/busy", "/slow")]
    cache = tmp_path / "work" / "fetch"
    with Fetcher(fast(retries=0, read_timeout=0.3), cache_dir=cache) as fetcher:
        first = [fetcher.fetch(u) for u in urls]
    assert [r.reason for r in first] == [None, "gone", "http_error", "timeout"]
    assert not any(r.from_cache for r in first)
    with Fetcher(fast(retries=0, read_timeout=0.3), cache_dir=cache) as fetcher:  # a new process, the same folder
        second = [fetcher.fetch(u) for u in urls]
    assert [r.from_cache for r in second] == [True, True, False, False]  # only final results were kept
    assert second[0].content == PAGE.encode() and second[0].fetched_at == first[0].fetched_at
    assert second[1].status == 410 and second[1].reason == Reason.GONE.value
    assert (site.count("/a"), site.count("/gone"), site.count("/busy"), site.count("/slow")) == (1, 1, 2, 2)
    assert not list(cache.rglob(".tmp-*"))


def test_a_damaged_cache_entry_is_fetched_again(site: Site, tmp_path: Path) -> None:
    site.page("/a", PAGE)
    with Fetcher(fast(), cache_dir=tmp_path) as fetcher:
        fetcher.fetch(site.url("/a"))
    bodies = [p for p in (tmp_path / "bodies").rglob("*") if p.is_file()]
    assert len(bodies) == 1
    bodies[0].write_bytes(b"tampered")
    with Fetcher(fast(), cache_dir=tmp_path) as fetcher:
        again = fetcher.fetch(site.url("/a"))
    assert again.ok and not again.from_cache and again.content == PAGE.encode() and site.count("/a") == 2
    entry = next(p for p in (tmp_path / "entries").rglob("*.json"))
    assert json.loads(entry.read_text(encoding="utf-8"))["final_url"] == site.url("/a")


def test_a_policy_that_changes_the_result_does_not_reuse_the_cache(site: Site, tmp_path: Path) -> None:
    site.page("/big", "<p>" + "x" * 5000 + "</p>")
    with Fetcher(fast(max_bytes=1000), cache_dir=tmp_path) as fetcher:
        assert fetcher.fetch(site.url("/big")).reason == Reason.TOO_LARGE.value
    with Fetcher(fast(max_bytes=10_000), cache_dir=tmp_path) as fetcher:
        assert fetcher.fetch(site.url("/big")).ok
    with Fetcher(fast(max_bytes=1000, per_host_interval=0.01), cache_dir=tmp_path) as fetcher:  # politeness only
        assert fetcher.fetch(site.url("/big")).from_cache
    assert site.count("/big") == 2


def test_the_policy_is_checked_and_names_masthead() -> None:
    agent = FetchPolicy().user_agent
    assert agent.startswith("masthead/") and "+https://" in agent
    assert user_agent("mailto:team@example.org").endswith("(+mailto:team@example.org; dataset hydration)")
    for bad in ({"per_host": 0}, {"retries": -1}, {"max_bytes": 0}, {"user_agent": "curl/8"},
                {"allow_networks": ("not-a-network",)}, {"user_agent": "masthead/1\r\nCookie: x"}):
        with pytest.raises(ConfigError):
            FetchPolicy(**bad)  # type: ignore[arg-type]
    policy = FetchPolicy(backoff=0.5, backoff_max=3.0)
    assert [policy.retry_wait(i) for i in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None
    in_a_minute = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    wait = retry_after(in_a_minute)
    assert wait is not None and 55 <= wait <= 61
    assert retry_after("Mon, 01 Jan 2001 00:00:00 GMT") == 0.0
