"""Date parsing: forms, zones, ambiguity, relative phrases, URL paths; property tests."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.normalize.dates import ParsedDate, Unparsed, anchor_of, implausible, parse_date
from masthead.normalize.urls import clean_url, date_from_url


@pytest.mark.parametrize(
    ("value", "date", "precision", "published_at"),
    [
        ("2018-07-14", "2018-07-14", "day", None),
        ("2018-07-14T17:00:00Z", "2018-07-14", "day", "2018-07-14T17:00:00Z"),
        ("2018-07-14T17:00:00.123+02:00", "2018-07-14", "day", "2018-07-14T15:00:00Z"),
        ("2024-09-04T16:20:35+05:30", "2024-09-04", "day", "2024-09-04T10:50:35Z"),
        ("2024-04-27T15:56:35+0100", "2024-04-27", "day", "2024-04-27T14:56:35Z"),
        ("2024-04-30 16:38:37 +02:00", "2024-04-30", "day", "2024-04-30T14:38:37Z"),
        ("2024-04-25 04:21:02", "2024-04-25", "day", None),  # no zone: no UTC instant
        ("Jul 14, 2018 5:00 PM ET", "2018-07-14", "day", "2018-07-14T21:00:00Z"),  # ET in July is UTC-4
        ("Jan 14, 2018 5:00 PM ET", "2018-01-14", "day", "2018-01-14T22:00:00Z"),  # ET in January is UTC-5
        ("Jul 14, 2018 5:00 PM EST", "2018-07-14", "day", "2018-07-14T22:00:00Z"),  # EST means UTC-5
        ("July 14, 2018 11:30 p.m. PT", "2018-07-14", "day", "2018-07-15T06:30:00Z"),
        ("Updated: 8:14 AM EDT, Tue September 3, 2024", "2024-09-03", "day", "2024-09-03T12:14:00Z"),
        ("Sat, 14 Jul 2018 17:00:00 +0000", "2018-07-14", "day", "2018-07-14T17:00:00Z"),
        ("14 July 2018 17:00 BST", "2018-07-14", "day", "2018-07-14T16:00:00Z"),
        ("Nov. 3, 2025, 00:00 GMT+5:30", "2025-11-03", "day", "2025-11-02T18:30:00Z"),
        ("Saturday, July 14, 2018", "2018-07-14", "day", None),
        ("July 14th, 2018", "2018-07-14", "day", None),
        ("Sept. 3, 2024", "2024-09-03", "day", None),
        ("14.07.2018", "2018-07-14", "day", None),
        ("2018/07/14", "2018-07-14", "day", None),
        ("07/14/2018", "2018-07-14", "day", None),  # 14 cannot be a month
        ("14 juillet 2018", "2018-07-14", "day", None),
        ("14. Juli 2018", "2018-07-14", "day", None),
        ("14 de julio de 2018", "2018-07-14", "day", None),
        ("July 2018", "2018-07-01", "month", None),
        ("2018-07", "2018-07-01", "month", None),
        ("2018", "2018-01-01", "year", None),
    ],
)
def test_parses(value: str, date: str, precision: str, published_at: str | None) -> None:
    parsed = parse_date(value)
    assert isinstance(parsed, ParsedDate), parsed
    assert (parsed.date.isoformat(), parsed.precision, parsed.published_at) == (date, precision, published_at)


@pytest.mark.parametrize(
    "value",
    ["03/04/2018", "not a date", "2 hours ago", "yesterday", "Tuesday afternoon", "2018-13-45", "Feb 30, 2018",
     "12:30", "", "!!!", "9" * 500],
)
def test_never_guessed(value: str) -> None:
    assert isinstance(parse_date(value), Unparsed)


def test_ambiguous_numeric_date_follows_the_corpus_setting() -> None:
    assert parse_date("03/04/2018", "DMY") == ParsedDate(dt.date(2018, 4, 3), "day")
    assert parse_date("03/04/2018", "MDY") == ParsedDate(dt.date(2018, 3, 4), "day")
    assert "date_order" in parse_date("03/04/2018").reason  # type: ignore[union-attr]


def test_relative_dates_need_a_crawl_time() -> None:
    anchor = anchor_of("2018-07-14T01:00:00Z")
    assert parse_date("2 hours ago", anchor=anchor) == ParsedDate(dt.date(2018, 7, 13), "day")
    assert parse_date("yesterday", anchor=anchor) == ParsedDate(dt.date(2018, 7, 13), "day")
    assert "crawl time" in parse_date("2 hours ago").reason  # type: ignore[union-attr]


def test_implausible_dates() -> None:
    build = dt.date(2026, 1, 1)
    assert implausible(ParsedDate(dt.date(1799, 12, 31), "day"), build) == "before 1800"
    assert "after the build date" in (implausible(ParsedDate(dt.date(2027, 1, 1), "day"), build) or "")
    assert implausible(ParsedDate(dt.date(2025, 12, 31), "day"), build) is None


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://www.cnbc.com/2023/04/28/many-new-bitcoin.html", "2023-04-28"),
        ("https://www.washingtontimes.com/news/2023/apr/28/indiana-governor/", "2023-04-28"),
        ("https://www.euronews.com/2024/04/30/swedish-police", "2024-04-30"),
        ("https://www.nine.com.au/world/x-20260701-p60bhj.html", "2026-07-01"),
        ("https://www.thegatewaypundit.com/2023/04/new-plot-twist/", "2023-04-01"),
        ("https://example.com/article/12345", None),
        ("https://example.com/2023/13/45/x", None),
    ],
)
def test_date_from_url(url: str, date: str | None) -> None:
    found = date_from_url(url)
    assert (found.date.isoformat() if found else None) == date


@pytest.mark.parametrize(("value", "ok"), [("https://example.com/a", True), ("not a url", False), ("ftp://x.org/a", False),
                                          ("http://", False), ("https://exa mple.com", False), (None, False)])
def test_clean_url(value: object, ok: bool) -> None:
    assert (clean_url(value) is not None) == ok


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=150))
def test_never_crashes_and_is_idempotent(text: str) -> None:
    parsed = parse_date(text)
    if isinstance(parsed, ParsedDate):
        again = parse_date(parsed.date.isoformat())
        assert isinstance(again, ParsedDate) and again.date == parsed.date


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(2100, 1, 1),
                    timezones=st.just(dt.timezone.utc)))
def test_rfc3339_round_trip(moment: dt.datetime) -> None:
    parsed = parse_date(moment.isoformat())
    assert isinstance(parsed, ParsedDate) and parsed.moment == moment.replace(microsecond=0)


def test_adversarial_dates_are_fast() -> None:
    bad = ["1" * 119, "July " * 23, "2018-" * 23, "a.m. " * 23, "(" * 119, "14 " * 39 + "2018"]
    start = time.perf_counter()
    for value in bad:
        parse_date(value)
    assert time.perf_counter() - start < 1.0
