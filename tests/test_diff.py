"""`masthead diff` and `masthead releases`: what changed between two releases, by document id."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from masthead.release.diff import diff_rows


def _row(doc_id: str, text: str = "t", **meta: object) -> dict[str, object]:
    return {"id": doc_id, "text": text, "content_sha256": f"sha-{text}", "outlet": None, "authors": [], **meta}


def test_diff_classifies_every_document_by_id() -> None:
    old = [_row("a"), _row("b"), _row("c", authors=["Jane Doe"])]
    new = [_row("a", text="edited"), _row("c", authors=["Jane Doe", "John Roe"], outlet="Reuters"), _row("d")]
    diff = diff_rows(old, new, "1.0.0", "2.0.0")
    assert (diff.added, diff.removed, diff.text_changed) == (["d"], ["b"], ["a"])
    assert {c.field: (c.old, c.new) for c in diff.metadata_changed["c"]} == {
        "outlet": (None, "Reuters"), "authors": (["Jane Doe"], ["Jane Doe", "John Roe"]),
    }
    assert "a" not in diff.metadata_changed  # the text change is reported once, as a text change
    assert diff.required_bump() == "major"
    assert diff.summary() == {"documents": 3, "added": 1, "removed": 1, "text_changed": 1,
                              "metadata_changed": 1, "unchanged": 0}


def test_first_release_diff_has_no_previous() -> None:
    diff = diff_rows(None, [_row("a")], current="1.0.0")
    assert diff.as_dict()["previous"] is None and diff.added == ["a"] and diff.as_dict()["bump"] is None


def test_diff_and_releases_commands(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    seed = sorted((project / "raw").glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA corrected closing paragraph.\n", encoding="utf-8")
    (project / "raw" / "zz_added.txt").write_text("A brand new article.\n\nWith text.\n", encoding="utf-8")
    assert run_cli("build", "--bump", "auto", cwd=project).exit_code == 0  # type: ignore[attr-defined]

    result = run_cli("diff", "1.0.0", "2.0.0", "--json", cwd=project)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert data["added"] == ["zz_added"] and data["text_changed"] == [seed.stem] and data["bump"] == "major"
    # The release's own changes.json says the same as `masthead diff` between the same releases.
    stored = json.loads((project / "dist" / "test-corpus" / "2.0.0" / "changes.json").read_text())
    assert {k: stored[k] for k in data if k != "version"} == {k: v for k, v in data.items() if k != "version"}

    text = run_cli("diff", str(project / "dist" / "test-corpus" / "1.0.0"), "2.0.0", cwd=project)
    assert "### Added (1)" in text.stdout and "`zz_added`" in text.stdout  # type: ignore[attr-defined]

    listed = run_cli("releases", "--json", "--dist", str(project / "dist"), cwd=project.parent)
    rows = json.loads(listed.stdout)["releases"]  # type: ignore[attr-defined]
    assert [(r["version"], r["documents"]) for r in rows] == [("1.0.0", 5), ("2.0.0", 6)]
