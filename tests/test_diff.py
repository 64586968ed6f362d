"""`masthead diff` and `masthead releases`: what changed between two releases, by document id."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

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


def _release(folder: Path, rows: list[dict[str, object]], splits: int = 2, per_file: int = 7) -> Path:
    """A release folder whose data/ holds ``rows`` split by a hash of the id, each split in id order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = folder / "data"
    data.mkdir(parents=True)
    schema = pa.schema([
        ("id", pa.string()), ("text", pa.string()), ("content_sha256", pa.string()), ("outlet", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("cleaning", pa.struct([("removed_chars", pa.int64()),
                                ("removed", pa.list_(pa.struct([("rule", pa.string()), ("chars", pa.int64())])))])),
        ("provenance", pa.struct([("outlet", pa.string()), ("date", pa.string())])),
    ])
    for split in range(splits):
        mine = sorted((r for r in rows if sum(map(ord, str(r["id"]))) % splits == split), key=lambda r: str(r["id"]))
        chunks = [mine[i : i + per_file] for i in range(0, len(mine), per_file)] or [[]]
        for index, chunk in enumerate(chunks):
            name = f"split{split}-{index:05d}-of-{len(chunks):05d}.parquet"
            pq.write_table(pa.Table.from_pylist(chunk, schema=schema), data / name)
    return folder


def _random_rows(rng: random.Random, ids: list[str]) -> list[dict[str, object]]:
    rows = []
    for doc_id in ids:
        text = rng.choice(["a", "b", "c"])
        removed = [{"rule": rng.choice(["x", "y"]), "chars": rng.randint(0, 2)} for _ in range(rng.randint(0, 2))]
        rows.append({
            "id": doc_id, "text": text, "content_sha256": f"sha-{text}",
            "outlet": rng.choice([None, "Reuters", "AP"]),
            "authors": rng.choice([[], ["Jane Doe"], ["Jane Doe", "John Roe"], ["John Roe"]]),
            "cleaning": rng.choice([None, {"removed_chars": rng.randint(0, 1), "removed": removed}]),
            "provenance": {"outlet": rng.choice([None, "manifest"]), "date": rng.choice([None, "meta"])},
        })
    return rows


def test_streamed_diff_of_releases_equals_the_in_memory_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from masthead.release import diff_tables as diff_module
    from masthead.release.diff_tables import diff_releases, release_rows

    monkeypatch.setattr(diff_module, "BATCH_ROWS", 3)  # many batches: buffers carried across them
    rng = random.Random(5)
    for case in range(25):
        old_ids = sorted(rng.sample([f"doc-{i:03d}" for i in range(120)], rng.randint(0, 60)))
        new_ids = sorted(set(rng.sample(old_ids, len(old_ids) * 2 // 3)) | set(rng.sample(
            [f"doc-{i:03d}" for i in range(120)], rng.randint(0, 30))))
        old_rows = _random_rows(rng, old_ids)
        new_rows = _random_rows(rng, new_ids)
        keep = {doc_id: row for doc_id, row in zip(old_ids, old_rows, strict=True) if rng.random() < 0.6}
        new_rows = [keep.get(row["id"], row) for row in new_rows]  # type: ignore[call-overload]
        old = _release(tmp_path / f"old-{case}", old_rows or _random_rows(rng, ["doc-x"]), rng.randint(1, 3))
        new = _release(tmp_path / f"new-{case}", new_rows or _random_rows(rng, ["doc-y"]), rng.randint(1, 3))
        streamed = diff_releases(old, new, "1.0.0", "2.0.0")
        expected = diff_rows(release_rows(old), release_rows(new), "1.0.0", "2.0.0")
        assert streamed.as_dict() == expected.as_dict()
        assert streamed.summary() == expected.summary()


def test_streamed_diff_falls_back_when_a_side_is_not_in_id_order() -> None:
    import pyarrow as pa

    from masthead.release.diff_tables import diff_tables

    old = [_row("b"), _row("a"), _row("c", authors=["Jane Doe"])]
    new = [_row("a", text="edited"), _row("c", authors=["Jane Doe", "John Roe"]), _row("d")]
    tables = [pa.Table.from_pylist(old[:2]), pa.Table.from_pylist(old[2:])]
    streamed = diff_tables(lambda: tables, lambda: [pa.Table.from_pylist(new)], "1.0.0", "2.0.0")
    assert streamed.as_dict() == diff_rows(old, new, "1.0.0", "2.0.0").as_dict()
    first = diff_tables(None, lambda: [pa.Table.from_pylist(new[1:]), pa.Table.from_pylist(new[:1])])
    assert first.added == ["a", "c", "d"] and first.documents == 3 and first.previous is None
