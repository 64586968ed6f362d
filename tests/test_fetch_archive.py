"""The web archive as a second source, against a Wayback stand-in on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from fetch_site import Site, loopback_only, serve
from masthead.fetch import Fetcher, Reason, WaybackArchive, raw_capture_url
from masthead.fetch.archive import parse_availability, wayback_timestamp
from test_fetch_pages import fast
from wayback_standin import TOOLBAR, WaybackStandIn

ORIGINAL = "https://news.example/2024/05/summit?ref=rss"
EARLY = "<html><body><p>The summit opens on Monday.</p></body></html>"
LATE = "<html><body><p>The summit opened on Monday; talks went on late.</p></body></html>"


@pytest.fixture
def wayback(monkeypatch: pytest.MonkeyPatch) -> Iterator[WaybackStandIn]:
    loopback_only(monkeypatch)
    with serve(Site()) as site:
        archive = WaybackStandIn(site)
        archive.capture(ORIGINAL, "20240501093000", EARLY)
        archive.capture(ORIGINAL, "20240620120000", LATE)
        yield archive


def test_the_capture_closest_to_the_date_comes_back_raw(wayback: WaybackStandIn) -> None:
    with Fetcher(fast()) as fetcher:
        archive = WaybackArchive(fetcher, endpoint=wayback.endpoint)
        early, early_capture = archive.fetch(ORIGINAL, when=date(2024, 5, 2))
        late, late_capture = archive.fetch(ORIGINAL, when=datetime(2024, 6, 30, 8, 0))
    assert early.ok and early.content == EARLY.encode() and TOOLBAR not in early.content
    assert late.ok and late.content == LATE.encode()
    assert early_capture is not None and early_capture.timestamp == "20240501093000" and early_capture.status == 200
    assert early_capture.url == wayback.site.url(f"/web/20240501093000id_/{ORIGINAL}")
    assert late_capture is not None and late_capture.timestamp == "20240620120000"
    assert wayback.asked == [{"url": ORIGINAL, "timestamp": "20240502"}, {"url": ORIGINAL, "timestamp": "20240630080000"}]


def test_a_page_never_archived_is_not_archived(wayback: WaybackStandIn) -> None:
    with Fetcher(fast()) as fetcher:
        result, capture = WaybackArchive(fetcher, endpoint=wayback.endpoint).fetch("https://news.example/never")
    assert (result.outcome, result.reason, capture) == ("missing", Reason.NOT_ARCHIVED.value, None)
    assert result.final


def test_an_archive_that_answers_nonsense_or_nothing_is_an_archive_error(wayback: WaybackStandIn) -> None:
    wayback.site.page("/broken/available", "{\"oops\": true}", content_type="application/json")
    wayback.site.page("/down/available", "busy", status=503)
    with Fetcher(fast(retries=0)) as fetcher:
        broken, _ = WaybackArchive(fetcher, endpoint=wayback.site.url("/broken/available")).fetch(ORIGINAL)
        down, _ = WaybackArchive(fetcher, endpoint=wayback.site.url("/down/available")).fetch(ORIGINAL)
    assert broken.reason == down.reason == Reason.ARCHIVE_ERROR.value
    assert "archived_snapshots" in broken.detail and "http_error" in down.detail and not down.final


def test_the_archive_endpoint_is_fetched_under_the_same_safety_rules(wayback: WaybackStandIn) -> None:
    with Fetcher(fast(allow_networks=())) as fetcher:  # loopback not opened: the stand-in is refused
        result, _ = WaybackArchive(fetcher, endpoint=wayback.endpoint).fetch(ORIGINAL)
    assert result.reason == Reason.ARCHIVE_ERROR.value and "refused_private" in result.detail
    assert wayback.site.requests == []


def test_raw_capture_urls() -> None:
    assert raw_capture_url("http://web.archive.org/web/20130919044612/http://example.com/") == \
        "https://web.archive.org/web/20130919044612id_/http://example.com/"
    assert raw_capture_url("https://web.archive.org/web/20130919044612im_/https://example.com/a?b=1") == \
        "https://web.archive.org/web/20130919044612id_/https://example.com/a?b=1"
    assert raw_capture_url("http://127.0.0.1:8080/web/2013/http://example.com/") == \
        "http://127.0.0.1:8080/web/2013id_/http://example.com/"
    with pytest.raises(ValueError):
        raw_capture_url("https://example.com/not/a/capture")
    assert wayback_timestamp("2024-05-01T10:20:30Z") == "20240501102030" and wayback_timestamp(None) is None
    assert parse_availability("u", b'{"archived_snapshots": {}}') is None
    assert parse_availability("u", b'{"archived_snapshots": {"closest": {"available": false, "url": "x"}}}') is None
