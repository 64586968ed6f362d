"""Kill `masthead build` with SIGKILL at every checkpoint; nothing is lost or half-written.

For each checkpoint of ``masthead.engine.faults.CHECKPOINTS`` (plus a few N-th hits), a build of
release 1.1.0 runs in a child process armed to die there. Then: release 1.0.0 still
verifies and is unchanged, no partial release is visible, and the next build (which takes
over the stale lock, removes the leftovers and resumes from the cached shards) succeeds and
is byte for byte the release an undisturbed build makes, with no document lost.

The children are forked from this (warm) test process, so each build costs its work rather
than an interpreter start; ``SIGKILL`` ends them exactly as it ends ``masthead build``. The
kills inside pool workers (``--workers 2``) run the real command in a subprocess with
``MASTHEAD_FAULT_AT`` set, which the workers inherit. ``benchmarks/fault_injection.py`` is
the long variant: kills after random delays, from outside.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import CITATION, RAW
from masthead.cli import app
from masthead.engine import faults
from masthead.engine.shards import _is_cut
from masthead.release.layout import CHECKSUMS, DATA, list_releases
from masthead.release.lock import LOCK_NAME
from masthead.release.verify import verify_release

EPOCH = "1767225600"
NAME = "faults"
CORPUS = Path("dist") / NAME
AFTER_RENAME = {"release.rename-after", "release.committed", "build.unlock-before"}
# every named moment, the 3rd file read, the 4th record, the second shard's cache entry
KILLS = [*faults.CHECKPOINTS, "read.file:3", "process.record:4", "shard.docs-written:2", "shard.done-before:2"]
# moments inside a pool worker (--workers 2): the worker dies, the build fails cleanly
WORKER_KILLS = ["process.record:2", "shard.meta-written"]
# 1.1.0 adds two files; the first name is a shard cut, so 1.1.0 has two shards to run
ADDED = ("added-159.jsonl", "added-2.jsonl")
PACKAGE = Path(faults.__file__).resolve().parents[1]
PARALLEL = 2


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
    """What release 1.1.0 adds: two JSONL files of new articles, in two shards, all six with one
    repeated paragraph (so the stripping stage runs and can be killed too)."""
    assert _is_cut(ADDED[0]) and not _is_cut(ADDED[1])
    for n, name in enumerate(ADDED):
        rows = [{"id": f"added-{n}-{i}", "title": f"Added report {n}.{i}",
                 "text": f"Report {n}.{i} on the summit. The leaders met in room {10 * n + i}.\n\n"
                         "The delegations spoke behind closed doors."} for i in range(3)]
        (project / "raw" / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def sums(release: Path) -> str:
    return (release / CHECKSUMS).read_text(encoding="utf-8")


def ids(release: Path) -> set[str]:
    return {i for path in sorted((release / DATA).rglob("*.parquet")) for i in pq.read_table(path, columns=["id"])["id"].to_pylist()}


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
    return {
        "root": root,
        "project": project,
        "v1": sums(project / CORPUS / "1.0.0"),
        "v1_1": sums(reference / CORPUS / "1.1.0"),
        "ids": ids(reference / CORPUS / "1.1.0"),
    }


def fork_build(project: Path, args: list[str], fault: str | None, log: Path) -> int:
    """Run `masthead ARGS` in a forked child armed to die at ``fault``; returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 70  # the child: never returns
    try:
        os.chdir(project)
        faults.arm(fault)
        result = CliRunner().invoke(app, args)
        text = result.output + "".join(traceback.format_exception(result.exception) if result.exception else [])
        log.write_text(text, encoding="utf-8")
        code = result.exit_code
    except BaseException:
        log.write_text(traceback.format_exc(), encoding="utf-8")
    finally:
        os._exit(code)


def after_kill(fault: str, project: Path, base: dict[str, Any]) -> list[str]:
    """Right after the kill: earlier releases intact, nothing half-written visible; the args to recover."""
    visible = {str(v): path for v, path in list_releases(project / "dist", NAME)}
    assert sums(visible["1.0.0"]) == base["v1"], fault
    assert set(visible) == ({"1.0.0", "1.1.0"} if fault.split(":")[0] in AFTER_RENAME else {"1.0.0"}), fault
    for release in visible.values():
        verify_release(release)
    return ["build", "--workers", "1"] if "1.1.0" in visible else ["build", "--version", "1.1.0", "--workers", "1"]


def recovered(fault: str, project: Path, base: dict[str, Any]) -> int:
    """The next build succeeded: same bytes as undisturbed, nothing left over; returns documents lost."""
    release = project / CORPUS / "1.1.0"
    assert sums(release) == base["v1_1"], fault
    assert sums(project / CORPUS / "1.0.0") == base["v1"], fault
    verify_release(release)
    left = sorted(p.name for p in (project / CORPUS).iterdir() if p.name.startswith((".tmp-", LOCK_NAME)))
    assert left == [], (fault, left)
    temps = sorted(str(p) for p in (project / ".masthead").rglob("*.tmp-*"))
    assert temps == [], (fault, temps)
    return len(base["ids"] - ids(release))


def test_every_checkpoint_is_in_the_code() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    missing = [name for name in faults.CHECKPOINTS if f'checkpoint("{name}")' not in source]
    assert not missing
    assert len(faults.CHECKPOINTS) >= 20


def test_a_checkpoint_does_nothing_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    kills: list[int] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: kills.append(sig))
    monkeypatch.setattr(faults, "_target", "")
    faults.arm("hf.after:2")
    faults.checkpoint("hf.before")
    faults.checkpoint("hf.after")
    assert kills == []
    faults.checkpoint("hf.after")
    assert kills == [signal.SIGKILL]
    faults.arm(None)
    faults.checkpoint("hf.after")
    assert kills == [signal.SIGKILL]


@pytest.mark.slow
def test_a_build_killed_at_any_checkpoint_loses_nothing(base: dict[str, Any]) -> None:
    root = base["root"]
    queue = list(KILLS)
    running: dict[int, tuple[str, str, Path, float]] = {}  # pid -> (fault, phase, project, started)
    recover: dict[str, list[str]] = {}
    survived, lost = 0, 0

    def start(fault: str, phase: str) -> None:
        project = root / ("kill-" + fault.replace(":", "-"))
        if phase == "kill":
            shutil.copytree(base["project"], project)
            pid = fork_build(project, ["build", "--version", "1.1.0", "--workers", "1"], fault, project / "kill.log")
        else:
            pid = fork_build(project, recover[fault], None, project / "recover.log")
        running[pid] = (fault, phase, project, time.monotonic())

    while queue or running:
        while queue and len(running) < PARALLEL:
            start(queue.pop(0), "kill")
        pid, status = os.wait()
        fault, phase, project, started = running.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        log = (project / f"{phase}.log").read_text(encoding="utf-8") if (project / f"{phase}.log").exists() else ""
        assert time.monotonic() - started < 120, f"{fault} {phase}: too slow"
        if phase == "kill":
            assert code == -signal.SIGKILL, f"{fault}: not killed there (exit {code}): {log[-2000:]}"
            recover[fault] = after_kill(fault, project, base)
            start(fault, "recover")
        else:
            assert code == 0, f"{fault}: the next build failed (exit {code}): {log[-3000:]}"
            lost += recovered(fault, project, base)
            survived += 1
    sys.stdout.write(f"\nfault injection: {survived} named kills survived, {lost} documents lost\n")
    assert lost == 0
    assert survived == len(KILLS) >= 24


def subprocess_env(fault: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != faults.ENV}
    env.update(SOURCE_DATE_EPOCH=EPOCH, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", PYTHONHASHSEED="0")
    if fault is not None:
        env[faults.ENV] = fault
    return env


@pytest.mark.slow
def test_a_worker_killed_mid_shard_fails_the_build_cleanly_and_the_next_resumes(base: dict[str, Any]) -> None:
    projects = {}
    for fault in WORKER_KILLS:
        projects[fault] = base["root"] / ("worker-" + fault.replace(":", "-"))
        shutil.copytree(base["project"], projects[fault])

    def kill(fault: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "masthead", "build", "--version", "1.1.0", "--workers", "2"],
            cwd=projects[fault], env=subprocess_env(fault), capture_output=True, text=True, timeout=300, check=False,
        )

    with ThreadPoolExecutor(max_workers=len(WORKER_KILLS)) as pool:
        runs = dict(zip(WORKER_KILLS, pool.map(kill, WORKER_KILLS), strict=True))
    lost = 0
    for fault, run in runs.items():
        project = projects[fault]
        # the checkpoint fired in a worker, not in the build's own process: it exits with a clear error
        assert run.returncode == 2, f"{fault}: exit {run.returncode}: {run.stderr[-2000:]}"
        assert "worker process died" in run.stderr and "Traceback" not in run.stderr, run.stderr
        after_kill(fault, project, base)
        result = cli(project, "build", "--version", "1.1.0", "--workers", "2")
        assert result.exit_code == 0, f"{fault}: {result.output}"
        lost += recovered(fault, project, base)
    assert lost == 0
