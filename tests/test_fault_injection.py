"""Kill `masthead build` with SIGKILL at every checkpoint; nothing is lost or half-written.

For each checkpoint of ``masthead.faults.CHECKPOINTS`` (plus a few N-th hits), a build of
release 1.1.0 runs in a subprocess with ``MASTHEAD_FAULT_AT`` set and dies there. Then:
release 1.0.0 still verifies and is unchanged, no partial release is visible, and the next
build (which takes over the stale lock and removes the leftovers) succeeds and is byte for
byte the release an undisturbed build makes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import CITATION, RAW
from masthead import faults
from masthead.cli import app
from masthead.release.layout import CHECKSUMS, list_releases
from masthead.release.lock import LOCK_NAME
from masthead.release.verify import verify_release

EPOCH = "1767225600"
NAME = "faults"
AFTER_RENAME = {"release.rename-after", "release.committed", "build.unlock-before"}
KILLS = [*faults.CHECKPOINTS, "read.file:3", "process.record:4", "parquet.shard-after:1"]
PACKAGE = Path(faults.__file__).resolve().parent


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def cli(project: Path, *args: str) -> Any:
    with inside(project):
        return CliRunner().invoke(app, list(args), catch_exceptions=False)


def subprocess_env(fault: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != faults.ENV}
    env.update(SOURCE_DATE_EPOCH=EPOCH, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", PYTHONHASHSEED="0")
    if fault is not None:
        env[faults.ENV] = fault
    return env


def new_project(folder: Path) -> Path:
    (folder / "raw").mkdir(parents=True)
    for seed in sorted(RAW.iterdir()):
        shutil.copyfile(seed, folder / "raw" / seed.name)
    (folder / "pyproject.toml").write_text(
        f'[tool.masthead]\nname = "{NAME}"\nraw = "raw"\ndist = "dist"\nlanguage = "en"\n', encoding="utf-8"
    )
    (folder / "CITATION.cff").write_text(CITATION, encoding="utf-8")
    return folder


def add_documents(project: Path) -> None:
    """What release 1.1.0 adds: a JSONL file of three new articles."""
    rows = [{"id": f"added-{i}", "title": f"Added report {i}", "text": f"Report {i} on the summit. The leaders met."}
            for i in range(3)]
    (project / "raw" / "added.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def sums(release: Path) -> str:
    return (release / CHECKSUMS).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A project with release 1.0.0 and new inputs, and the undisturbed 1.1.0 built from them."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    root = tmp_path_factory.mktemp("faults")
    project = new_project(root / "base")
    result = cli(project, "build", "--workers", "1")
    assert result.exit_code == 0, result.output
    add_documents(project)
    reference = root / "reference"
    shutil.copytree(project, reference)
    result = cli(reference, "build", "--version", "1.1.0", "--workers", "1")
    assert result.exit_code == 0, result.output
    corpus = Path("dist") / NAME
    return {
        "root": root,
        "project": project,
        "v1": sums(project / corpus / "1.0.0"),
        "v1_1": sums(reference / corpus / "1.1.0"),
    }


def kill_at(fault: str, project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masthead", "build", "--version", "1.1.0", "--workers", "1"],
        cwd=project, env=subprocess_env(fault), capture_output=True, text=True, timeout=300, check=False,
    )


def test_every_checkpoint_is_in_the_code() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    missing = [name for name in faults.CHECKPOINTS if f'checkpoint("{name}")' not in source]
    assert not missing
    assert len(faults.CHECKPOINTS) >= 20


def test_a_checkpoint_does_nothing_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    kills: list[int] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: kills.append(sig))
    monkeypatch.setattr(faults, "_target", "hf.after")
    monkeypatch.setattr(faults, "_wanted", 2)
    monkeypatch.setattr(faults, "_hits", 0)
    faults.checkpoint("hf.before")
    faults.checkpoint("hf.after")
    assert kills == []
    faults.checkpoint("hf.after")
    assert kills == [signal.SIGKILL]


@pytest.mark.slow
def test_a_build_killed_at_any_checkpoint_loses_nothing(base: dict[str, Any]) -> None:
    root, corpus = base["root"], Path("dist") / NAME
    projects = {}
    for fault in KILLS:
        projects[fault] = root / ("kill-" + fault.replace(":", "-"))
        shutil.copytree(base["project"], projects[fault])
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(KILLS, pool.map(lambda f: kill_at(f, projects[f]), KILLS), strict=True))
    survived = 0
    for fault, run in runs.items():
        project = projects[fault]
        assert run.returncode == -signal.SIGKILL, f"{fault}: not killed there (exit {run.returncode}): {run.stderr[-2000:]}"
        # right after the kill: earlier releases intact, nothing half-written visible
        visible = {str(v): path for v, path in list_releases(project / "dist", NAME)}
        assert sums(visible["1.0.0"]) == base["v1"], fault
        assert set(visible) == ({"1.0.0", "1.1.0"} if fault.split(":")[0] in AFTER_RENAME else {"1.0.0"}), fault
        for release in visible.values():
            verify_release(release)
        # the next build recovers: stale lock taken over, leftovers removed, same bytes
        args = ["build", "--workers", "1"] if "1.1.0" in visible else ["build", "--version", "1.1.0", "--workers", "1"]
        result = cli(project, *args)
        assert result.exit_code == 0, f"{fault}: {result.output}"
        assert sums(project / corpus / "1.1.0") == base["v1_1"], fault
        assert sums(project / corpus / "1.0.0") == base["v1"], fault
        verify_release(project / corpus / "1.1.0")
        left = sorted(p.name for p in (project / corpus).iterdir() if p.name.startswith((".tmp-", LOCK_NAME)))
        assert left == [], (fault, left)
        survived += 1
    assert survived == len(KILLS) >= 20
