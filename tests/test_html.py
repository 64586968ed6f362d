"""HTML input: .html/.htm files and `html` fields are extracted safely, or rejected clearly."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from masthead.clean import clean_record
from masthead.clean.html import MAX_HTML_CHARS, extract_html
from masthead.context import StepContext
from masthead.errors import Reject
from masthead.pipeline import Processed, process_record
from masthead.records import RawRecord

CASES = Path(__file__).resolve().parent / "cases" / "clean" / "html"
CTX = StepContext(build_date=dt.date(2026, 1, 1), language="en")


def _case(kind: str, name: str) -> tuple[str, dict]:
    folder = CASES / kind / name
    return (folder / "page.html").read_text(encoding="utf-8"), json.loads((folder / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(p.name for p in (CASES / "valid").iterdir()))
def test_valid_page_gives_body_and_metadata(name: str) -> None:
    html, expected = _case("valid", name)
    cleaned = clean_record({"html": html})
    assert cleaned.reject is None
    assert cleaned.text.startswith(expected["first"])
    assert cleaned.text.endswith(expected["last"])
    for snippet in expected["absent"]:
        assert snippet not in cleaned.text
    assert cleaned.title == expected["title"]
    assert cleaned.title_origin == "html-meta"
    for key, value in expected["meta"].items():
        assert cleaned.meta[key] == value
    assert all(isinstance(v, str) for v in cleaned.meta.values())


@pytest.mark.parametrize("name", sorted(p.name for p in (CASES / "invalid").iterdir()))
def test_page_without_article_is_rejected(name: str) -> None:
    html, expected = _case("invalid", name)
    result = process_record(RawRecord("page.html", None, {"html": html}, {"html": "given"}), CTX)
    assert isinstance(result, Reject)
    assert result.code == expected["code"]
    assert result.field == "/html"


def test_given_title_wins_over_page_title() -> None:
    html, _ = _case("valid", "article")
    cleaned = clean_record({"html": html, "title": "The collector's headline"})
    assert cleaned.title == "The collector's headline"
    assert cleaned.title_origin is None  # provenance comes from the record's own origin


def test_absurdly_deep_markup_is_rejected_not_truncated() -> None:
    depth = 5000
    html = "<html><body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body></html>"
    result = extract_html(html)
    assert getattr(result, "code", None) == "html-too-deep"


def test_oversized_page_is_rejected() -> None:
    result = extract_html("<p>" + "a" * (MAX_HTML_CHARS + 1))
    assert getattr(result, "code", None) == "too-large"


def test_external_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    html, _ = _case("valid", "article")
    hostile = (f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
               + html.replace("officials said,", "officials said &xxe;,"))
    cleaned = clean_record({"html": hostile})
    assert cleaned.reject is None
    assert "TOP-SECRET-VALUE" not in cleaned.text
    assert "GENEVA" in cleaned.text


def test_html_files_and_jsonl_html_fields_build(make_project: Callable[..., Path], run_cli: Callable) -> None:
    html, _ = _case("valid", "article")
    project = make_project({
        "a.html": html,
        "b.htm.gz": gzip.compress(html.replace("Geneva", "Vienna").encode("utf-8"), mtime=0),
        "c.jsonl": json.dumps({"id": "c1", "html": html.replace("Geneva", "Oslo")}) + "\n",
        "empty.html": "<html><body><nav>Home</nav></body></html>",
    })
    result = run_cli("validate", "--json", cwd=project)
    report = json.loads(result.stdout)
    assert report["counts"]["input_records"] == 4
    assert report["counts"]["published"] == 3
    assert [r["code"] for r in report["rejects"]] == ["html-no-body"]


def test_extraction_is_deterministic() -> None:
    html, _ = _case("valid", "article")
    first = process_record(RawRecord("a.html", None, {"html": html}, {"html": "given"}), CTX)
    second = process_record(RawRecord("a.html", None, {"html": html}, {"html": "given"}), CTX)
    assert isinstance(first, Processed) and isinstance(second, Processed)
    assert first.doc == second.doc
    assert first.doc["provenance"]["title"] == "html-meta"
