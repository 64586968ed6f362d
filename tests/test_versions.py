"""Semantic versions, enforced: `masthead build --bump` and `--version` against the diff."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from masthead.errors import VersionError
from masthead.release.bump import bumped_version, check_version
from masthead.release.diff import diff_rows
from masthead.release.versions import Version

NEW_DOC = "A new article about the Helsinki summit.\n\nIt has two paragraphs of text.\n"


def _row(doc_id: str, text: str = "t", **meta: object) -> dict[str, object]:
    return {"id": doc_id, "text": text, "content_sha256": f"sha-{text}", "outlet": None, **meta}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ([_row("a")], [_row("a")], "1.0.1"),
        ([_row("a")], [_row("a", outlet="Reuters")], "1.0.1"),
        ([_row("a")], [_row("a"), _row("b")], "1.1.0"),
        ([_row("a"), _row("b")], [_row("a")], "2.0.0"),
        ([_row("a")], [_row("a", text="changed")], "2.0.0"),
        ([_row("a")], [_row("a", text="changed"), _row("b")], "2.0.0"),
    ],
)
def test_auto_bump_is_the_smallest_correct_part(old: list[dict], new: list[dict], expected: str) -> None:
    assert str(bumped_version(Version(1, 0, 0), diff_rows(old, new, "1.0.0"), "auto")) == expected


def test_a_bump_smaller_than_the_changes_need_is_refused_with_the_reason() -> None:
    diff = diff_rows([_row("a")], [_row("a"), _row("b")], "1.0.0")
    with pytest.raises(VersionError, match=r"--bump patch is too small.*1 document\(s\) added \(e.g. b\).*1\.1\.0"):
        bumped_version(Version(1, 0, 0), diff, "patch")
    assert str(bumped_version(Version(1, 0, 0), diff, "major")) == "2.0.0"


def test_an_explicit_version_smaller_than_the_changes_need_is_refused() -> None:
    diff = diff_rows([_row("a")], [_row("a", text="new text")], "1.2.3")
    with pytest.raises(VersionError, match=r"1\.3\.0 is too small.*changed text \(e.g. a\).*MAJOR.*2\.0\.0"):
        check_version(Version(1, 2, 3), Version(1, 3, 0), diff)
    with pytest.raises(VersionError, match="not newer"):
        check_version(Version(1, 2, 3), Version(1, 0, 0), diff)
    check_version(Version(1, 2, 3), Version(3, 0, 0), diff)


def _build(run_cli: Callable[..., object], project: Path, *args: str) -> dict:
    result = run_cli("build", "--json", *args, cwd=project)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_build_bump_auto_follows_the_documents(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project(seeds=True)
    assert _build(run_cli, project)["version"] == "1.0.0"
    # Unchanged inputs: no new release, whatever --bump says.
    assert _build(run_cli, project, "--bump", "auto")["status"] == "up-to-date"

    (project / "raw" / "zz_new.txt").write_text(NEW_DOC, encoding="utf-8")
    report = _build(run_cli, project, "--bump", "auto")
    assert report["version"] == "1.1.0"
    changes = json.loads((project / "dist" / "test-corpus" / "1.1.0" / "changes.json").read_text())
    assert changes["previous"] == "1.0.0"
    assert changes["added"] == ["zz_new"]
    assert changes["removed"] == changes["text_changed"] == changes["metadata_changed"] == []
    assert "`zz_new`" in (project / "dist" / "test-corpus" / "1.1.0" / "CHANGELOG.md").read_text()

    edited = project / "raw" / "zz_new.txt"
    edited.write_text(NEW_DOC.replace("two paragraphs", "three paragraphs"), encoding="utf-8")
    refused = run_cli("build", "--version", "1.2.0", cwd=project)
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert "changed text (e.g. zz_new)" in refused.stderr  # type: ignore[attr-defined]
    assert _build(run_cli, project, "--bump", "auto")["version"] == "2.0.0"

    (project / "raw" / "manifest.jsonl").write_text(
        json.dumps({"path": "zz_new.txt", "outlet": "Reuters"}) + "\n", encoding="utf-8"
    )
    assert _build(run_cli, project, "--bump", "auto")["version"] == "2.0.1"
    changes = json.loads((project / "dist" / "test-corpus" / "2.0.1" / "changes.json").read_text())
    assert changes["bump"] == "patch"
    assert [c["id"] for c in changes["metadata_changed"]] == ["zz_new"]
    assert changes["metadata_changed"][0]["fields"]["outlet"]["old"] is None
    changelog = (project / "dist" / "test-corpus" / "2.0.1" / "CHANGELOG.md").read_text()
    assert [line for line in changelog.splitlines() if line.startswith("## ")] == [
        "## 2.0.1 (2026-01-01)", "## 2.0.0 (2026-01-01)", "## 1.1.0 (2026-01-01)", "## 1.0.0 (2026-01-01)",
    ]


def test_a_changed_build_without_version_or_bump_suggests_bump_auto(
    make_project: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    project = make_project({"a.txt": NEW_DOC})
    _build(run_cli, project)
    (project / "raw" / "b.txt").write_text(NEW_DOC.replace("new", "second"), encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "--bump auto" in result.stderr and "1.1.0" in result.stderr  # type: ignore[attr-defined]
