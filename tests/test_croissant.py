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


DATED = (
    '{"id": "d1", "text": "A dated story about a summit. It has two sentences.", "date": "2018-07-16", '
    '"authors": ["Jane Doe"]}\n'
    '{"id": "d2", "text": "An older story about a phone call, also with a date.", "date": "2017-02-03"}\n'
)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index is deprecated")
def test_croissant_1_1_carries_responsible_ai_fields_counted_from_the_build(
    make_project: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    import subprocess
    import sys

    project = make_project({"dated.jsonl": DATED}, seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    release = project / "dist" / "test-corpus" / "1.0.0"
    path = release / "croissant.json"
    meta = json.loads(path.read_text())
    assert meta["conformsTo"] == "http://mlcommons.org/croissant/1.1" and meta["sdVersion"] == "2.0.0"

    # the real validator's command line, as a user runs it
    validator = Path(sys.executable).with_name("mlcroissant")
    done = subprocess.run([str(validator), "validate", "--jsonld", str(path)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]

    # counted independently here, from the rows: documents and characters each cleaning rule removed
    rows = [row for shard in sorted((release / "data").glob("*.parquet")) for row in pq.read_table(shard).to_pylist()]
    by_rule: dict[str, list[int]] = {}
    for row in rows:
        for item in row["cleaning"]["removed"]:
            by_rule.setdefault(item["rule"], [0, 0])
            by_rule[item["rule"]][0] += 1
            by_rule[item["rule"]][1] += item["chars"]
    steps = meta["rai:dataPreprocessingProtocol"]
    for rule, (docs, chars) in by_rule.items():
        assert f"Cleaning rule `{rule}` removed {chars} characters, from {docs} of {len(rows)} documents" in " ".join(steps)
    assert sum("Cleaning rule" in step for step in steps) == len(by_rule) > 3

    authors = sum(bool(row["authors"]) for row in rows)
    assert f"`authors`, filled in {authors} of {len(rows)} documents" in meta["rai:personalSensitiveInformation"][0]
    assert f"{len(rows)} documents published" in meta["rai:dataCollection"]
    assert "published from 2017-02 to 2018-07" in meta["rai:dataCollection"]
    assert "PATCH" in meta["rai:dataReleaseMaintenancePlan"] and "MAJOR" in meta["rai:dataReleaseMaintenancePlan"]

    # mlcroissant reads the RAI fields back, and the records still
    dataset = mlc.Dataset(jsonld=path)
    assert not dataset.metadata.ctx.issues.errors and not dataset.metadata.ctx.issues.warnings
    md = dataset.metadata
    assert [d.date().isoformat() for d in md.data_collection_timeframe] == ["2017-02-01", "2018-07-31"]
    assert md.data_preprocessing_protocol == steps
    assert md.personal_sensitive_information == meta["rai:personalSensitiveInformation"]
    assert md.data_limitations == meta["rai:dataLimitations"]
    assert md.data_release_maintenance_plan == meta["rai:dataReleaseMaintenancePlan"]
    assert md.sd_version == "2.0.0"
    assert len(list(dataset.records("documents"))) == len(rows) == 7
