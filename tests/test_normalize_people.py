"""Authors that are people and outlets named by the page: case tables under tests/cases/bylines and people.

``bylines.json``: one byline per row, in the languages of the development set, with the people and
the agencies (wires and desks) it must give. ``people/<case>/``: a page and the authors, agencies
and outlet the whole per-document pipeline must publish for it (``why`` says what the case shows).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from masthead.normalize.authors import parse_byline
from masthead.normalize.byline_elements import byline_elements
from masthead.normalize.outlets import load_registry
from masthead.normalize.page_meta import page_meta
from masthead.pipeline.context import StepContext
from masthead.pipeline.process import Processed, process_record
from masthead.pipeline.records import RawRecord

CASES = Path(__file__).resolve().parent / "cases"
BYLINES = json.loads((CASES / "bylines" / "bylines.json").read_text(encoding="utf-8"))
PAGES = sorted(p.name for p in (CASES / "people").iterdir() if p.is_dir())
REGISTRY = load_registry()
CTX = StepContext(build_date=dt.date(2026, 1, 1))


@pytest.mark.parametrize("case", BYLINES, ids=[f"{c['lang']}:{c['byline']}" for c in BYLINES])
def test_byline(case: dict[str, Any]) -> None:
    found = parse_byline(case["byline"], REGISTRY.is_agency, lambda name: REGISTRY.by_name(name) is not None)
    assert list(found.authors) == case["authors"]
    assert list(found.agencies) == case["agencies"]


def test_byline_table_covers_the_languages_and_both_outcomes() -> None:
    assert len({c["lang"] for c in BYLINES}) >= 15
    assert any(c["authors"] for c in BYLINES) and any(c["agencies"] and not c["authors"] for c in BYLINES)
    assert any(not c["authors"] and not c["agencies"] for c in BYLINES)


def _published(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    folder = CASES / "people" / name
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    html = (folder / "page.html").read_text(encoding="utf-8")
    fields = {"html": html, "url": expected["url"]}
    result = process_record(RawRecord("page.html", None, fields, dict.fromkeys(fields, "given")), CTX)
    assert isinstance(result, Processed), result
    return result.doc, expected


@pytest.mark.parametrize("name", PAGES)
def test_page_authors_agencies_and_outlet(name: str) -> None:
    doc, expected = _published(name)
    for field in ("authors", "agencies", "outlet"):
        if field in expected:
            assert doc[field] == expected[field], f"{field}: {expected['why']}"
    if expected.get("authors"):
        assert doc["provenance"]["authors"] in ("html-meta", "text")


def test_jsonld_person_and_organization_are_told_apart() -> None:
    html = (CASES / "people" / "jsonld-person-beside-organization" / "page.html").read_text(encoding="utf-8")
    meta = page_meta(html)
    assert meta.people == ["Jane Roe"]
    assert meta.organisations == ["Example Tribune"]


def test_byline_elements_give_text_nodes_and_skip_pictures_and_prose() -> None:
    page = ('<div class="byline">Von <a rel="author" href="/a">Anna Muster</a><time>12.05.2024</time></div>'
            '<figure><span class="image-author">Foto: Max Bild</span></figure>'
            '<div class="author-credit">Foto: Max Bild</div>'
            '<p class="author-note">Anna Muster schreibt über Verkehr. Sie lebt in Kiel.</p>'
            '<ul class="related"><li><span class="author">Ann Lee</span></li></ul>')
    own = [["Von", "Anna Muster", "12.05.2024"], ["Anna Muster"]]  # the div, then the rel=author link inside it
    assert byline_elements(page) == [*own, ["Ann Lee"]]
    assert byline_elements(page, end=page.index('<ul class="related">')) == own
