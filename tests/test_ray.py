"""The Ray engine runs the same shard tasks on a local Ray instance and gives the same release bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.test_engine import build, corpus_files, release_bytes, small_shards  # noqa: F401 (fixture)
from typer.testing import Result

pytest.importorskip("ray")


@pytest.mark.slow
@pytest.mark.usefixtures("small_shards")
def test_ray_engine_gives_the_local_release(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    files = corpus_files()
    local = make_project(files, name="same")
    on_ray = make_project(files, name="other")
    toml = on_ray / "pyproject.toml"
    toml.write_text(toml.read_text().replace('name = "other"', 'name = "same"'))
    build(run_cli, local, "--workers", "2")
    report = build(run_cli, on_ray, "--engine", "ray", "--workers", "2")
    assert report["counts"]["published"] == 49  # type: ignore[index]
    assert release_bytes(on_ray) == release_bytes(local)
    # a rebuild compares with the previous release (on a local worker beside the duplicate search;
    # on Ray in the driver, after it): the same second release either way
    for project in (local, on_ray):
        changed = project / "raw" / "part-02.jsonl"
        changed.write_text(changed.read_text().replace("Body of document 2 3.", "Corrected body 2 3."))
    build(run_cli, local, "--workers", "2", "--bump", "auto")
    second = build(run_cli, on_ray, "--engine", "ray", "--workers", "2", "--bump", "auto")
    assert second["version"] == "2.0.0"
    assert release_bytes(on_ray) == release_bytes(local)
