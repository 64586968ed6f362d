"""One shard on several workers: its files cut into runs, processed apart, written as one shard.

Also the two ways a rebuild's main process uses its waiting time: importing the release's
libraries while the workers run, and hashing the previous release's files while it diffs."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.test_engine import build, corpus_files, release_bytes
from typer.testing import Result

from masthead.engine import task
from masthead.engine.preload import importing_in_background
from masthead.engine.shards import Shard
from masthead.pipeline.context import StepContext


def _job(raw: Path) -> task.ShardJob:
    return task.ShardJob(raw, 1 << 30, StepContext(build_date=dt.date(2026, 1, 1)), False, None)


def test_a_shard_written_from_pieces_is_the_shard_run_whole(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, content in corpus_files().items():  # duplicate ids, a duplicate text and a malformed line
        (raw / name).write_text(content if isinstance(content, str) else content.decode())
    shard = Shard(0, tuple(sorted(p.name for p in raw.iterdir())))
    job = _job(raw)
    whole_records = task.run_shard(shard, job, tmp_path / "whole")
    assert task.source_groups(shard, raw, 3) == [shard.sources]  # too small to be worth a pool
    groups = task.source_groups(shard, raw, 3, min_bytes=0)
    assert len(groups) == 3 and sum(groups, ()) == shard.sources
    pieces = [task.process_sources(shard, job, sources) for sources in groups]
    assert task.write_shard(job, tmp_path / "pieces", pieces) == whole_records == 51
    for name in (task.DOCS, task.META, task.DONE):
        assert (tmp_path / "pieces" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert '"malformed-json"' in (tmp_path / "pieces" / task.META).read_text()  # its position counted across pieces


def test_source_groups_cut_by_bytes_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = {"a": 30, "b": 5, "c": 5, "d": 10, "e": 10}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    monkeypatch.setattr(task, "MIN_SPLIT_BYTES", 0)
    assert task.source_groups(Shard(0, ("a", "b", "c")), tmp_path, 2) == [("a",), ("b", "c")]
    assert task.source_groups(Shard(0, ("b", "c", "d", "e")), tmp_path, 2) == [("b", "c"), ("d", "e")]
    assert task.source_groups(Shard(0, ("b", "c", "d", "e")), tmp_path, 9) == [("b",), ("c",), ("d",), ("e",)]
    assert task.source_groups(Shard(0, ("a", "b")), tmp_path, 1) == [("a", "b")]
    assert task.source_groups(Shard(0, ("a",)), tmp_path, 2) == [("a",)]
    assert task.source_groups(Shard(0, ("a",), part=(0, 2)), tmp_path, 2) == [("a",)]  # a part stays whole


def test_one_shard_on_two_workers_gives_the_release_of_one_worker(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = corpus_files()
    one = make_project(files, name="one")
    two = make_project(files, name="two")
    toml = two / "pyproject.toml"
    toml.write_text(toml.read_text().replace('name = "two"', 'name = "one"'))
    written: list[int] = []
    real = task.write_shard

    def spy(job: task.ShardJob, folder: Path, pieces: list[task.ShardPiece]) -> int:
        written.append(len(pieces))
        return real(job, folder, pieces)

    monkeypatch.setattr(task, "write_shard", spy)
    build(run_cli, one, "--workers", "1")
    assert written == [1]  # run whole, in this process
    written.clear()
    build(run_cli, make_project(files, name="small"), "--workers", "2")
    assert written == [1]  # too small to be worth starting a pool
    written.clear()
    monkeypatch.setattr(task, "MIN_SPLIT_BYTES", 0)
    report = build(run_cli, two, "--workers", "2")
    assert written == [2]  # the corpus is one shard: two pieces, one per worker, written here
    assert report["counts"] == {"input_records": 51, "published": 49, "rejected": 2, "duplicates": 1,
                                "duplicates_dropped": 0}
    assert release_bytes(two) == release_bytes(one)


def test_modules_are_imported_in_the_background_until_the_block_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "preload_good.py").write_text("import time\ntime.sleep(0.2)\nVALUE = 1\n")
    (tmp_path / "preload_bad.py").write_text("raise RuntimeError('broken')\n")
    (tmp_path / "preload_skipped.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("preload_good", "preload_bad", "preload_skipped"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with importing_in_background(["preload_skipped"], enabled=False):
        pass
    assert "preload_skipped" not in sys.modules
    with importing_in_background(["preload_bad", "preload_good"]):
        assert "preload_good" not in sys.modules or not hasattr(sys.modules["preload_good"], "VALUE")
    assert sys.modules["preload_good"].VALUE == 1  # a failed import does not stop the next one
    with pytest.raises(RuntimeError, match="broken"):  # and fails again, with its error, where it is used
        __import__("preload_bad")


def test_a_shard_stripped_in_runs_is_the_shard_stripped_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from masthead.engine import strip_stage

    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [{"id": f"s{i:04d}", "outlet": "Reuters", "title": f"T {i}",
             "text": f"Story {i} reports at length on the summit. " * 60 + "\n\nSubscribe to our newsletter."}
            for i in range(1500)]
    (raw / "a.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    shard = Shard(0, ("a.jsonl",))
    job = _job(raw)
    for name in ("whole", "runs"):
        task.run_shard(shard, job, tmp_path / name)
    decision = {"outlet:Reuters": frozenset({_subscribe_hash()})}
    monkeypatch.setattr(task, "MIN_SPLIT_BYTES", 0)
    assert len(strip_stage._group_runs(tmp_path / "runs" / task.DOCS, 3)) == 3
    whole = strip_stage.run_strip_stage([tmp_path / "whole" / task.DOCS], {0: decision}, strip_stage.run_inline)
    calls: list[object] = []

    def runner(todo: list[strip_stage.Call], done: strip_stage.Done) -> None:  # results pickled, as from a worker
        for key, fn, args in todo:
            calls.append(fn)
            done(key, pickle.loads(pickle.dumps(fn(*args))))

    runs = strip_stage.run_strip_stage([tmp_path / "runs" / task.DOCS], {0: decision}, runner, spread=3)
    assert calls == [strip_stage.strip_groups] * 3
    for made, expected in ((runs[0], whole[0]), (strip_stage.text_path(runs[0]), strip_stage.text_path(whole[0]))):
        assert made.name == expected.name and made.read_bytes() == expected.read_bytes()
    import pyarrow.parquet as pq

    assert "Subscribe" not in pq.read_table(strip_stage.text_path(runs[0]))["text"][0].as_py()  # stripped


def _subscribe_hash() -> str:
    from masthead.clean.repeated_lines import paragraph_hashes

    return paragraph_hashes("Subscribe to our newsletter.")[0]
