"""The ``hf/`` files are written with pyarrow alone, from what ``datasets`` derived of the schema
and the build kept: byte for byte what ``datasets``' own writer makes, without importing it."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.test_engine import build

from masthead.release import hf_schema as hf_schema_module
from masthead.release.hf import HfSplitWriter
from masthead.release.hf_schema import HfSchema, cached_path, derive, hf_schema
from masthead.release.parquet_layout import compact
from masthead.schema import arrow_schema, document_schema, features, load_schema


def _seed_table(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> pa.Table:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    return pq.read_table(project / "dist/test-corpus/1.0.0/data/train-00000-of-00001.parquet")


def _ours(table: pa.Table, schema: HfSchema, folder: Path) -> Path:
    writer = HfSplitWriter(folder, "train", schema)
    writer.open(0, 1)
    if table.num_rows:
        writer.add(compact(table))
    writer.close_file()
    writer.finish()
    return folder / "data-00000-of-00001.arrow"


def _theirs(table: pa.Table, doc_schema: dict[str, object], path: Path, batch_rows: int | None = None) -> Path:
    from datasets.arrow_writer import ArrowWriter

    writer = ArrowWriter(features=features(doc_schema), path=str(path), embed_local_files=True,
                         writer_batch_size=batch_rows)
    if table.num_rows:
        writer.write_table(compact(table))
    writer.finalize()
    writer.close()
    return path


@pytest.mark.parametrize(("rows", "batch_rows"), [(None, None), (None, 2), (0, None)])
def test_the_arrow_files_are_what_datasets_writes(make_project: Callable[..., Path], run_cli: Callable[..., object],
                                                  tmp_path: Path, rows: int | None, batch_rows: int | None) -> None:
    """The seeds (nulls, lists, structs), cut into record batches, and an empty split."""
    table = _seed_table(make_project, run_cli)
    table = table if rows is None else table.slice(0, rows)
    doc = document_schema()
    schema = derive(doc)
    if batch_rows is not None:
        schema = dataclasses.replace(schema, batch_rows=batch_rows)
    ours = _ours(table, schema, tmp_path / "ours")
    theirs = _theirs(table, doc, tmp_path / "theirs.arrow", batch_rows)
    assert ours.read_bytes() == theirs.read_bytes()
    with pa.ipc.open_stream(ours) as reader:
        batches = list(reader)
    assert sum(b.num_rows for b in batches) == table.num_rows
    assert all(b.num_rows <= schema.batch_rows for b in batches)
    import datasets

    info = dataclasses.asdict(datasets.DatasetInfo(features=features(doc)))
    assert json.loads((tmp_path / "ours" / "dataset_info.json").read_text()) == info


def test_the_raw_text_schema_too(tmp_path: Path) -> None:
    raw = load_schema("raw-text.schema.json")
    table = pa.Table.from_pylist([{"id": "a", "raw_text": "x\n\ny"}, {"id": "b", "raw_text": None}],
                                 schema=arrow_schema(raw))
    assert _ours(table, derive(raw), tmp_path / "ours").read_bytes() == _theirs(
        table, raw, tmp_path / "theirs.arrow").read_bytes()


def test_what_datasets_derived_is_kept_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = document_schema()
    first = hf_schema(doc, tmp_path)
    assert cached_path(doc, tmp_path).is_file()
    calls: list[int] = []
    monkeypatch.setattr(hf_schema_module, "derive", lambda schema: calls.append(1) or first)
    again = hf_schema(doc, tmp_path)
    assert calls == []
    assert again.arrow.equals(first.arrow, check_metadata=True)
    assert (again.dataset_info, again.card_features, again.batch_rows) == (
        first.dataset_info, first.card_features, first.batch_rows)
    cached_path(doc, tmp_path).write_text('{"arrow": "not base64!"}')  # damaged: derived again
    assert hf_schema(doc, tmp_path).batch_rows == first.batch_rows and calls == [1]
    before = cached_path(doc, tmp_path)
    monkeypatch.setattr(hf_schema_module.metadata, "version", lambda name: "0.0-other")
    assert cached_path(doc, tmp_path) != before
    hf_schema(doc, tmp_path)  # another datasets: another key, derived again
    assert calls == [1, 1]


def test_a_rebuild_with_the_derivation_kept_never_imports_datasets(make_project: Callable[..., Path],
                                                                   run_cli: Callable[..., object]) -> None:
    project = make_project(seeds=True, name="nods")
    build(run_cli, project, "--workers", "2")  # type: ignore[arg-type]
    seed = next(p for p in sorted((project / "raw").iterdir()) if p.suffix == ".txt")
    seed.write_text(seed.read_text() + "\n\nCorrection: an earlier version misstated a date.\n")
    code = ("import sys\nfrom masthead.cli import main\nsys.argv = ['masthead', 'build', '--bump', 'auto', '--workers', '2']\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('datasets' in sys.modules, 'pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("False")
    assert (project / "dist/nods/2.0.0/hf/train/data-00000-of-00001.arrow").is_file()
