"""Publication dates: candidates from every source, one decision, the day on the outlet's calendar.

Two case tables: ``tests/cases/dates/decisions.json`` drives the decision directly (candidates
in, date out), and each folder of ``tests/cases/dates/pages/`` is a whole HTML page run through
the real cleaning (trafilatura, so htmldate) and metadata normalisation.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from masthead.clean import clean_record
from masthead.normalize import normalize_metadata
from masthead.normalize.date_candidates import element_candidates, meta_candidates
from masthead.normalize.dates import ParsedDate, parse_date
from masthead.normalize.outlets import load_registry
from masthead.normalize.page_meta import page_meta
from masthead.normalize.publication_date import Candidate, decide, rank_of
from masthead.normalize.time_zones import outlet_zone
from masthead.normalize.urls import date_from_url
from masthead.pipeline.context import StepContext
from masthead.schema import schema_file

CASES = Path(__file__).parent / "cases" / "dates"
DECISIONS = json.loads((CASES / "decisions.json").read_text(encoding="utf-8"))["cases"]
PAGES = sorted(p for p in (CASES / "pages").iterdir() if p.is_dir())
BUILD = dt.date(2026, 1, 1)


def _candidate(source: str, kind: str, value: str) -> Candidate:
    if kind == "url":
        found = date_from_url("https://news.example.org" + value)
        assert found is not None, value
        return Candidate(source, kind, found, "url")
    return Candidate(source, kind, value, "text" if kind == "text" else "html-meta")


def _crawled(value: str | None) -> ParsedDate | None:
    if value is None:
        return None
    parsed = parse_date(value)
    assert isinstance(parsed, ParsedDate)
    return parsed


@pytest.mark.parametrize("case", DECISIONS, ids=[c["name"] for c in DECISIONS])
def test_decision_table(case: dict[str, Any]) -> None:
    candidates = [_candidate(*row) for row in case["candidates"]]
    zone = ZoneInfo(case["zone"]) if case.get("zone") else None
    decision = decide(candidates, zone=zone, crawled=_crawled(case.get("crawled")), build_date=BUILD)
    expect = case["expect"]
    if expect["date"] is None:
        assert decision.parsed is None
    else:
        assert decision.parsed is not None
        assert decision.parsed.date.isoformat() == expect["date"]
        assert decision.parsed.published_at == expect["published_at"]
        assert decision.source == expect["source"]
        assert decision.parsed.precision == expect.get("precision", "day")
    if "note" in expect:
        assert any(expect["note"] in note for note in decision.notes), decision.notes


def test_candidate_order_does_not_decide_within_different_ranks() -> None:
    """The same candidates in any page order give the same date (rank decides, not position)."""
    rows = [("time", "visible", "2024-05-02"), ("ld:dateModified", "modified", "2024-05-03T08:00:00Z"),
            ("htmldate", "estimate", "2024-05-02"), ("ld:datePublished", "published", "2024-05-01T08:00:00+02:00")]
    for shift in range(len(rows)):
        turned = rows[shift:] + rows[:shift]
        decision = decide([_candidate(*row) for row in turned], zone=None, crawled=None, build_date=BUILD)
        assert decision.parsed is not None and decision.parsed.date == dt.date(2024, 5, 1)


def test_rank_groups_meta_keys_and_itemprops() -> None:
    assert rank_of("ld:datePublished") < rank_of("meta:article:published_time") < rank_of("htmldate")
    assert rank_of("meta:og:article:published_time") == rank_of("meta:sailthru.date")
    assert rank_of("time:datepublished") == rank_of("microdata:datepublished") < rank_of("htmldate")
    assert rank_of("time:published") == rank_of("time:pubdate") < rank_of("htmldate") < rank_of("time")
    assert rank_of("htmldate") < rank_of("meta:date") < rank_of("url") < rank_of("text")


def test_page_candidates_are_labelled() -> None:
    page = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-01-02",'
        ' "dateModified": "2024-01-03"}</script>'
        '<meta property="article:modified_time" content="2024-01-03T10:00:00Z">'
        '<meta name="date" content="2024-01-02">'
        '<time class="updated" datetime="2024-01-03">3 Jan</time><time datetime="2024-01-02">2 Jan</time>'
        '<time pubdate datetime="2024-01-02T08:00">2 Jan</time>'
        '<span itemprop="datePublished" content="2024-01-02T08:00:00+01:00"></span>'
        '<time class="entry-date published updated" datetime="2024-01-02T09:00">2 Jan</time>'
        '<abbr class="published" itemprop="datePublished" title="2024-01-02T09:30:00-08:00">January 02, 2024</abbr>'
    )
    found = {(c.source, c.kind, c.value) for c in page_meta(page).date_candidates}
    assert found == {
        ("ld:datePublished", "published", "2024-01-02"), ("ld:dateModified", "modified", "2024-01-03"),
        ("meta:article:modified_time", "modified", "2024-01-03T10:00:00Z"), ("meta:date", "published", "2024-01-02"),
        ("time:updated", "modified", "2024-01-03"), ("time", "visible", "2024-01-02"),
        ("time:pubdate", "published", "2024-01-02T08:00"),
        ("microdata:datepublished", "published", "2024-01-02T08:00:00+01:00"),
        ("time:published", "published", "2024-01-02T09:00"),
        ("microdata:datepublished", "published", "2024-01-02T09:30:00-08:00"),
    }


def test_time_elements_nearest_the_headline_come_first() -> None:
    """A sidebar's date before the article, the dateline just under its headline, another post's date after."""
    page = ('<aside><time class="published" datetime="2021-09-04">4 Sep 2021</time></aside>' + "<p>menu</p>" * 200
            + '<h1 class="entry-title">Garden in March</h1><time class="published" datetime="2023-03-14">14 Mar</time>'
            + '<p>text</p>' * 50 + '<time datetime="2024-04-02">2 Apr 2024</time>')
    assert [c.value for c in element_candidates(page)] == ["2023-03-14", "2024-04-02", "2021-09-04"]
    assert [c.value for c in element_candidates(page.replace("<h1", "<h2"))] == ["2021-09-04", "2023-03-14", "2024-04-02"]


def test_candidate_scan_is_bounded() -> None:
    page = '<time datetime="2024-01-02">x</time>' * 10_000 + '<b itemprop="datePublished" content="2024-01-02">' * 1000
    assert len(element_candidates(page)) == 20 + 10
    assert meta_candidates({"date": ["x" * 10_000]})[0].value == "x" * 200


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_page_cases(folder: Path) -> None:
    case = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    fields: dict[str, Any] = {"html": (folder / "page.html").read_text(encoding="utf-8"), "url": case["url"]}
    if "crawled_at" in case:
        fields["crawled_at"] = case["crawled_at"]
    cleaned = clean_record(fields)
    assert cleaned.reject is None, cleaned.reject_params
    meta = normalize_metadata(fields, {}, cleaned, StepContext(build_date=BUILD))
    expect = case["expect"]
    assert meta.date == expect["date"]
    assert meta.published_at == expect["published_at"]
    if "provenance" in expect:
        assert meta.provenance["date"] == expect["provenance"]
    else:
        assert meta.provenance["date"] in ("html-meta", "text")
    if "note" in expect:
        assert any(key == "date" and expect["note"] in note for key, note in meta.notes), meta.notes


def test_given_timestamp_gets_the_outlets_day() -> None:
    """A collector's UTC timestamp for a New York outlet: the New York day, published_at unchanged."""
    fields = {"text": "The council voted to restore the harbour quay walls next spring.",
              "published_at": "2024-08-05T01:25:00Z", "outlet": "The New York Times"}
    meta = normalize_metadata(fields, {}, clean_record(fields), StepContext(build_date=BUILD))
    assert (meta.date, meta.published_at, meta.provenance["date"]) == ("2024-08-04", "2024-08-05T01:25:00Z", "given")


def test_registry_time_zones_are_real_and_sourced() -> None:
    """Every registry zone is an IANA zone of the outlet's country (tz database zone.tab), with its source."""
    import tzdata

    zone_tab = Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab"
    zones_of: dict[str, set[str]] = {}
    for line in zone_tab.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            zones_of.setdefault(country, set()).add(zone)
    outlets = json.loads(schema_file("outlets.json", None).read_text(encoding="utf-8"))["outlets"]
    zoned = [o for o in outlets if "time_zone" in o]
    assert len(zoned) > 500
    for outlet in zoned:
        assert outlet["time_zone"] in zones_of[outlet["country"]], outlet["name"]
        assert outlet["time_zone_source"].startswith(("IANA tz database zone.tab", "home city: ")), outlet["name"]
        assert outlet["kind"] != "agency", outlet["name"]
    registry = load_registry(None)
    outlet = registry.by_name("The New York Times")
    assert outlet is not None and outlet_zone(outlet) == ZoneInfo("America/New_York")
