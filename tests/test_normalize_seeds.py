"""The embedded corpus gets exactly the metadata its own text supports; bad metadata never stops a build."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from masthead.errors import Reject
from masthead.pipeline.context import StepContext
from masthead.pipeline.process import Processed, process_record
from masthead.pipeline.records import RawRecord
from masthead.readers import read_all

REPO = Path(__file__).resolve().parents[1]
CTX = StepContext(build_date=dt.date(2026, 1, 1), language="en")

# What each seed's own text supports, and nothing more (none states a date or a URL).
SEEDS = {
    # ends in a GEMG cookie wall; names no outlet or writer ("Sputnik via AP" is a photo credit)
    "000_b4e8cc68593588a2": (None, [], [], []),
    # "Emily Tamkin is the U.S. editor of the New Statesman …" (bio) + "More from Foreign Policy"
    "001_4976c00eddb88924": ("Foreign Policy", ["Emily Tamkin"], [], []),
    # "This article was written by David Filipov and Abby Phillip from The Washington Post …"
    "002_2b9140d787100152": ("The Washington Post", ["David Filipov", "Abby Phillip"], [], []),
    # "— With assistance by Margaret Talev, and Jennifer Jacobs" + the Bloomberg Terminal sign-off
    "003_6e7e735531950813": ("Bloomberg News", [], ["Margaret Talev", "Jennifer Jacobs"], []),
    # "Andrew Higgins reported from Moscow, and Neil MacFarquhar from New York. Lincoln Pigman
    # contributed reporting …" + "… on Page A1 of the New York edition with the headline: …"
    "004_2fde7dd89c83af88": ("The New York Times", ["Andrew Higgins", "Neil MacFarquhar"], ["Lincoln Pigman"], []),
}


def _process(raw: RawRecord) -> dict[str, Any]:
    result = process_record(raw, CTX)
    assert isinstance(result, Processed), result
    return result.doc


@pytest.fixture(scope="module")
def seed_docs() -> dict[str, dict[str, Any]]:
    docs = {}
    for raw in read_all(REPO / "raw", 10_000_000):
        assert isinstance(raw, RawRecord)
        doc = _process(raw)
        docs[doc["id"]] = doc
    return docs


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_metadata(seed_docs: dict[str, dict[str, Any]], seed: str) -> None:
    outlet, authors, contributors, agencies = SEEDS[seed]
    doc = seed_docs[seed]
    assert (doc["outlet"], doc["authors"], doc["contributors"], doc["agencies"]) == (outlet, authors, contributors, agencies)
    assert doc["outlet_registered"] is (outlet is not None)
    assert (doc["date"], doc["published_at"], doc["url"]) == (None, None, None)
    prov = doc["provenance"]
    assert prov["outlet"] == ("text" if outlet else None)
    assert prov["authors"] == ("text" if authors else None)
    assert prov["contributors"] == ("text" if contributors else None)
    assert prov["date"] is None and prov["url"] is None and prov["agencies"] is None


def _record(**fields: Any) -> RawRecord:
    return RawRecord("in.jsonl", 1, {"text": "Body of the article.\n\nSecond paragraph.", **fields},
                     {k: "given" for k in ("text", *fields)}, single=False)


def test_given_metadata_is_normalised_with_provenance() -> None:
    doc = _process(_record(outlet="nytimes.com", date="Jul 14, 2018 5:00 PM ET", authors="By DAVID FILIPOV and ABBY PHILLIP",
                           url="https://www.nytimes.com/2018/07/14/world/x.html", title="Putin and Trump - The New York Times"))
    assert doc["outlet"] == "The New York Times" and doc["outlet_registered"] is True
    assert (doc["date"], doc["published_at"], doc["date_precision"]) == ("2018-07-14", "2018-07-14T21:00:00Z", "day")
    assert doc["authors"] == ["David Filipov", "Abby Phillip"]
    assert doc["title"] == "Putin and Trump"
    assert {k: doc["provenance"][k] for k in ("outlet", "date", "authors", "url", "title")} == dict.fromkeys(
        ("outlet", "date", "authors", "url", "title"), "given")


def test_url_path_and_unregistered_outlet() -> None:
    result = process_record(_record(outlet="The Smalltown Gazette", url="https://gazette.example/2019/03/04/story"), CTX)
    assert isinstance(result, Processed)
    assert (result.doc["date"], result.doc["provenance"]["date"]) == ("2019-03-04", "url")
    assert (result.doc["outlet"], result.doc["outlet_registered"]) == ("The Smalltown Gazette", False)
    assert ("outlet", "unregistered: The Smalltown Gazette") in result.notes


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"date": "the day after the election"}, "date", "cannot read"),
        ({"date": "03/04/2018"}, "date", "date_order"),
        ({"date": "2 hours ago"}, "date", "crawl time"),
        ({"outlet": "x" * 5000}, "outlet", "not a name"),
        ({"authors": "!!! ... ;;; ---"}, "authors", "no name"),
        ({"url": "not a url"}, "url", "not an http(s) URL"),
    ],
)
def test_bad_metadata_leaves_the_field_empty_with_a_reason(fields: dict[str, Any], field: str, reason: str) -> None:
    result = process_record(_record(**fields), CTX)
    assert isinstance(result, Processed)
    assert not result.doc[field] and result.doc["provenance"][field] is None
    assert any(name == field and reason in text for name, text in result.notes), result.notes


def test_relative_date_with_crawl_time() -> None:
    result = process_record(_record(date="2 hours ago", crawled_at="2018-07-14T01:00:00Z"), CTX)
    assert isinstance(result, Processed) and result.doc["date"] == "2018-07-13"


@pytest.mark.parametrize(("value", "detail"), [("2031-05-01", "after the build date"), ("1776-07-04", "before 1800")])
def test_implausible_given_date_is_rejected(value: str, detail: str) -> None:
    result = process_record(_record(date=value), CTX)
    assert isinstance(result, Reject)
    assert (result.code, result.field) == ("implausible-date", "/date") and detail in result.message


def test_build_reports_the_reasons(make_project: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    lines = [{"id": "a", "text": "One body.", "date": "not a date"}, {"id": "b", "text": "Two body.", "url": "nope"},
             {"id": "c", "text": "Three body.", "outlet": "The Smalltown Gazette"}]
    project = make_project({"docs.jsonl": "".join(json.dumps(line) + "\n" for line in lines)})
    result = run_cli("validate", "--json", cwd=project)
    report = json.loads(result.stdout)
    assert report["counts"]["published"] == 3
    assert "unregistered: The Smalltown Gazette" in report["notes"]["outlet"]
    assert any("cannot read" in reason for reason in report["notes"]["date"])
    assert report["notes"]["url"]
