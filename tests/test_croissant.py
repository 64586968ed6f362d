"""croissant.json: the real mlcroissant validator accepts it and reads back the Parquet rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from masthead.release.checksums import file_sha256
from masthead.schema import document_schema

mlc = pytest.importorskip("mlcroissant")


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {key.rsplit("/", 1)[-1]: _plain(v) for key, v in value.items()}
    return value


def rebuild(record: dict[str, Any]) -> dict[str, Any]:
    """A mlcroissant record (keys are field ids like documents/cleaning/removed) as a nested row."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        *parents, leaf = key.split("/")[1:]
        place = row
        for parent in parents:
            place = place.setdefault(parent, {})
        value = _plain(value)
        if isinstance(value, dict) and isinstance(place.get(leaf), dict):
            place[leaf].update(value)
        else:
            place[leaf] = value
    return row


# mlcroissant's own dependencies warn about their deprecated APIs (rdflib's ConjunctiveGraph,
# pandas' reset_index(inplace=...)); nothing of ours.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index is deprecated")
def test_croissant_validates_and_reads_back_the_rows(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    release = project / "dist" / "test-corpus" / "1.0.0"
    meta = json.loads((release / "croissant.json").read_text())

    shards = sorted((release / "data").glob("*.parquet"))
    objects = {d["contentUrl"]: d for d in meta["distribution"] if d["@type"] == "cr:FileObject"}
    assert {k: v["sha256"] for k, v in objects.items()} == {
        p.relative_to(release).as_posix(): file_sha256(p) for p in shards
    }
    (record_set,) = meta["recordSet"]
    assert [f["name"] for f in record_set["field"]] == list(document_schema()["properties"])
    assert meta["version"] == "1.0.0" and "version 1.0.0" in meta["citeAs"]

    dataset = mlc.Dataset(jsonld=release / "croissant.json")  # raises on validation errors
    assert not dataset.metadata.ctx.issues.errors
    assert not dataset.metadata.ctx.issues.warnings
    records = [rebuild(r) for r in dataset.records("documents")]
    rows = [row for shard in shards for row in pq.read_table(shard).to_pylist()]
    assert len(records) == len(rows) == 5
    assert any(row["cleaning"]["removed"] for row in rows)  # nested lists of structs are exercised
    assert records == rows
