"""Incremental builds: only changed shards run again, an interrupted build resumes, bytes unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.test_engine import build, corpus_files, release_bytes
from typer.testing import Result

from masthead.engine import shards as shard_plan
from masthead.engine import task


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The sources of every shard actually processed (one worker runs in-process)."""
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)
    calls: list[tuple[str, ...]] = []
    real = task.run_shard

    def spy(shard: shard_plan.Shard, job: object, folder: Path) -> int:
        calls.append(shard.sources)
        return real(shard, job, folder)  # type: ignore[arg-type]

    monkeypatch.setattr(task, "run_shard", spy)
    return calls


def test_rebuild_runs_only_changed_shards_and_matches_a_full_build(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], ran: list[tuple[str, ...]]
) -> None:
    files = corpus_files()
    project = make_project(files, name="inc")
    build(run_cli, project, "--workers", "1")
    first = len(ran)
    assert first > 2
    changed = project / "raw" / "part-03.jsonl"
    changed.write_text(changed.read_text().replace("Body of document 3 5.", "Corrected body 3 5."))
    ran.clear()
    report = build(run_cli, project, "--workers", "1", "--version", "2.0.0")
    # only the changed file's shard runs again (with small shards it is split into parts: all of them)
    assert ran and all(sources == ("part-03.jsonl",) for sources in ran) and len(ran) < first
    assert report["counts"] == {"input_records": 51, "published": 49, "rejected": 2, "duplicates": 1,
                                "duplicates_dropped": 0}
    # the same inputs built from scratch give the same bytes
    fresh = make_project({**files, "part-03.jsonl": changed.read_text()}, name="fresh")
    toml = fresh / "pyproject.toml"
    toml.write_text(toml.read_text().replace('name = "fresh"', 'name = "inc"'))
    build(run_cli, fresh, "--no-cache", "--workers", "1", "--version", "2.0.0")
    ours = {k: v for k, v in release_bytes(project).items() if k.startswith("inc/2.0.0/")}
    theirs = {k: v for k, v in release_bytes(fresh).items() if k.startswith("inc/2.0.0/")}
    for name in ("CHANGELOG.md", "changes.json"):  # these describe the change from 1.0.0, which fresh lacks
        ours.pop(f"inc/2.0.0/{name}", None)
        theirs.pop(f"inc/2.0.0/{name}", None)
    assert {k for k in ours if "data/" in k or "hf/" in k} and all(
        ours[k] == theirs[k] for k in ours if "data/" in k or "hf/" in k or k.endswith("rejects.jsonl"))


def test_interrupted_build_resumes_from_finished_shards(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], ran: list[tuple[str, ...]]
) -> None:
    project = make_project(corpus_files(), name="resume")
    build(run_cli, project, "--workers", "1")
    total = len(ran)
    cache = project / ".masthead" / "cache"
    unfinished = sorted(cache.iterdir())[:2]
    for entry in unfinished:  # as if the build was killed before these shards wrote their marker
        (entry / "done").unlink()
        (entry / "docs.parquet").write_bytes(b"partial")
    ran.clear()
    result = run_cli("validate", "--json", "--workers", "1", cwd=project)
    assert result.exit_code == 0, result.output
    assert len(ran) == 2 < total
    assert json.loads(result.stdout)["counts"]["input_records"] == 51


def test_no_cache_processes_every_shard_again_each_time(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], ran: list[tuple[str, ...]]
) -> None:
    project = make_project(corpus_files(), name="nocache")
    first = run_cli("validate", "--json", "--workers", "1", "--no-cache", cwd=project)
    assert first.exit_code == 0, first.output
    total = len(ran)
    assert total > 2
    ran.clear()
    second = run_cli("validate", "--json", "--workers", "1", "--no-cache", cwd=project)
    assert second.exit_code == 0, second.output
    assert len(ran) == total  # nothing reused from the first run's work folder
    assert json.loads(second.stdout)["counts"] == json.loads(first.stdout)["counts"]
