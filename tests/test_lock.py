"""The corpus lock: one build at a time, the holder named, a dead holder's lock taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from masthead.errors import LockedError, OutputError
from masthead.release import lock as locks


def test_a_second_build_is_refused_naming_the_holder(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / locks.LOCK_NAME).write_text(json.dumps(
            {"pid": holder.pid, "hostname": locks.current_holder().hostname, "started": "2026-01-01T00:00:00+00:00"}
        ), encoding="utf-8")
        with pytest.raises(LockedError, match=f"pid {holder.pid}"):
            locks.acquire(tmp_path)
    finally:
        holder.kill()
        holder.wait()
    held = locks.acquire(tmp_path)  # the holder is dead now: its lock is stale
    assert held.took_over is not None and held.took_over.pid == holder.pid
    locks.release(held)
    assert not (tmp_path / locks.LOCK_NAME).exists()


def test_the_lock_file_names_this_process_and_goes_away(tmp_path: Path) -> None:
    with locks.corpus_lock(tmp_path / "corpus") as held:
        data = json.loads((tmp_path / "corpus" / locks.LOCK_NAME).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid() and data["hostname"] and data["started"]
        with pytest.raises(LockedError, match="another build"):
            locks.acquire(tmp_path / "corpus")  # not re-entrant, even in the same process
        assert held.took_over is None
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == []


def test_a_lock_from_another_machine_is_never_taken_over(tmp_path: Path) -> None:
    (tmp_path / locks.LOCK_NAME).write_text(json.dumps(
        {"pid": 1, "hostname": "some-other-host", "started": "2026-01-01T00:00:00+00:00"}), encoding="utf-8")
    with pytest.raises(LockedError, match="some-other-host"):
        locks.acquire(tmp_path)


def test_a_reused_pid_is_not_mistaken_for_the_holder(tmp_path: Path) -> None:
    me = locks.current_holder()
    if me.start_tick is None:
        pytest.skip("needs /proc")
    # pid 1 is alive, but its start tick differs from the one recorded: the holder is gone
    (tmp_path / locks.LOCK_NAME).write_text(json.dumps(
        {"pid": 1, "hostname": me.hostname, "started": "x", "boot_id": me.boot_id, "start_tick": "-1"}), encoding="utf-8")
    held = locks.acquire(tmp_path)
    assert held.took_over is not None and held.took_over.pid == 1
    locks.release(held)


def test_an_unwritable_dist_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(OutputError, match=str(tmp_path / "corpus")):
        locks.acquire(tmp_path / "corpus")
