"""The build's diff against the newest release, compared beside the duplicate search (duplicate_of apart)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.test_engine import build
from typer.testing import Result

from masthead.release.diff_tables import diff_releases


def _text(topic: str) -> str:
    return f"A report on {topic} with enough words to be an article of its own. " * 12


def _jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def _row(doc_id: str, text: str, date: str = "2018-07-16", title: str | None = None) -> dict[str, object]:
    return {"id": doc_id, "title": title or f"Title {doc_id}", "outlet": "Reuters", "date": date, "text": text}


FIRST = [
    _row("a", _text("alpha")), _row("a-copy", _text("alpha"), "2018-07-17"),  # a-copy: a duplicate of a
    _row("b", _text("bravo")), _row("c", _text("charlie")), _row("c-copy", _text("charlie"), "2018-07-18"),
    _row("e", _text("echo")),
    _row("x", _text("xray")), _row("y", _text("xray"), "2018-07-19"),  # y: a duplicate of x
]
SECOND = [
    _row("a", _text("alpha")), _row("a-copy", _text("another alpha"), "2018-07-17"),  # no longer a duplicate
    _row("b", _text("bravo")), _row("c", _text("charlie")),  # c-copy removed
    _row("e", _text("bravo"), title="Echo, retitled"),  # now a duplicate of b, and a new title
    _row("n", _text("bravo"), "2018-07-20"),  # added, a duplicate of b
    _row("w", _text("xray"), "2018-07-01"),  # added, earlier: x and y now point to w
    _row("x", _text("xray")), _row("y", _text("xray"), "2018-07-19"),
]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_rebuilds_changes_equal_the_whole_comparison_of_the_two_releases(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], workers: str
) -> None:
    project = make_project({"news.jsonl": _jsonl(FIRST)}, name="dups")
    build(run_cli, project, "--workers", workers)
    (project / "raw" / "news.jsonl").write_text(_jsonl(SECOND), encoding="utf-8")
    build(run_cli, project, "--workers", workers, "--bump", "auto")
    releases = project / "dist" / "dups"
    whole = diff_releases(releases / "1.0.0", releases / "2.0.0", "1.0.0", "2.0.0").as_dict()
    stored = json.loads((releases / "2.0.0" / "changes.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in stored.items() if k != "released"} == whole
    # and in the same order (a document's changes in the schema's field order)
    assert json.dumps(stored["metadata_changed"]) == json.dumps(whole["metadata_changed"])
    # the case covers every way duplicate_of changes, beside other changes of the same document
    changed = {item["id"]: item["fields"] for item in whole["metadata_changed"]}
    pointers = {doc_id: fields["duplicate_of"] for doc_id, fields in changed.items() if "duplicate_of" in fields}
    assert pointers["a-copy"] == {"old": "a", "new": None}
    assert pointers["e"] == {"old": None, "new": "b"}
    assert pointers["y"] == {"old": "x", "new": "w"}
    assert pointers["x"] == {"old": None, "new": "w"}
    assert list(changed["e"]).index("title") < list(changed["e"]).index("duplicate_of")
    assert whole["added"] == ["n", "w"] and whole["removed"] == ["c-copy"] and "n" not in pointers
    # the report counts the new release's duplicate clusters as a build of the same inputs from scratch does
    fresh = make_project({"news.jsonl": _jsonl(SECOND)}, name="fresh")
    toml = fresh / "pyproject.toml"
    toml.write_text(toml.read_text().replace('name = "fresh"', 'name = "dups"'))
    build(run_cli, fresh, "--workers", workers, "--version", "2.0.0")
    theirs = fresh / "dist" / "dups" / "2.0.0"
    assert (releases / "2.0.0" / "report.html").read_bytes() == (theirs / "report.html").read_bytes()
