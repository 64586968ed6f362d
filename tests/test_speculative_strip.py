"""A rebuild's new shards are stripped with the previous decision while the main process counts.

A right guess leaves the stage nothing to do; a wrong one is never read (the stage strips that
shard again); the release is the same either way."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.test_engine import build, release_bytes
from typer.testing import Result

from masthead.clean.repeated_lines import find_repeated
from masthead.engine import merge as merge_module
from masthead.engine import task
from masthead.engine.documents import read_columns
from masthead.engine.local import LocalPool
from masthead.engine.shards import Shard
from masthead.engine.speculative_strip import (
    DECISION_FILE,
    Speculation,
    guess_for,
    load_decision,
    save_decision,
)
from masthead.engine.strip_stage import Call, Done, read_path, run_inline, run_strip_stage, text_path
from masthead.pipeline.context import StepContext

BOILERPLATE = "The summit coverage continues on the outlet's live page throughout the evening."


def _records(count: int, outlet: str, start: int = 0) -> str:
    return "".join(json.dumps({
        "id": f"{outlet[:3].lower()}-{i:03d}", "title": f"Story {i}", "outlet": outlet, "date": "2018-07-16",
        "text": f"Article {i} reports on summit topic {i * 7919 % 101} in detail.\n\n"
                + " ".join(f"word{(i * 31 + k * 17) % 997}" for k in range(40)) + f"\n\n{BOILERPLATE}",
    }) + "\n" for i in range(start, start + count))


def _work_file(tmp_path: Path, name: str = "shard") -> Path:
    raw = tmp_path / "raw"
    if not raw.is_dir():
        raw.mkdir()
        (raw / "reuters.jsonl").write_text(_records(12, "Reuters"))
        (raw / "bbc.jsonl").write_text(_records(3, "BBC News"))
    job = task.ShardJob(raw, 1 << 30, StepContext(build_date=dt.date(2026, 1, 1)), False, None)
    task.run_shard(Shard(0, ("bbc.jsonl", "reuters.jsonl")), job, tmp_path / name)
    return tmp_path / name / task.DOCS


def _decision(docs: Path) -> dict[str, frozenset[str]]:
    """The repeated lines of the shard's documents, counted the simple way (one shard is the corpus)."""
    rows = read_columns(docs, ["text", "outlet", "source"]).to_pylist()
    return {group: frozenset(hashes) for group, hashes in find_repeated(rows).items()}


class Recording:
    """A runner that counts the calls it runs (in this process)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, calls: Sequence[Call], done: Done) -> None:
        self.calls += len(calls)
        run_inline(calls, done)


def test_the_decision_is_kept_and_a_missing_or_damaged_one_is_no_guess(tmp_path: Path) -> None:
    path = tmp_path / "state" / DECISION_FILE
    assert load_decision(path) == {}
    save_decision(path, {0: {"outlet:Reuters": frozenset({"b", "a"})}, 3: {"folder:": frozenset({"c"})}})
    assert load_decision(path) == {"outlet:Reuters": frozenset({"a", "b"}), "folder:": frozenset({"c"})}
    for damaged in ("{", "[]", '{"groups": 3}', '{"other": {}}'):
        path.write_text(damaged)
        assert load_decision(path) == {}


def test_the_guess_is_the_decision_for_the_groups_of_the_shard(tmp_path: Path) -> None:
    docs = _work_file(tmp_path)
    decision = {"outlet:Reuters": frozenset({"x"}), "outlet:CNN": frozenset({"y"})}
    assert guess_for(docs, decision) == {"outlet:Reuters": frozenset({"x"})}  # no BBC lines, no CNN documents


def test_a_right_guess_leaves_the_stage_nothing_to_do_and_the_same_files(tmp_path: Path) -> None:
    docs = _work_file(tmp_path)
    reference = _work_file(tmp_path, "reference")
    decision = _decision(docs)
    assert list(decision) == ["outlet:Reuters"]  # the BBC's three documents are too few to count
    with LocalPool(2) as pool:
        speculation = Speculation([docs], [0], decision, pool.run, 2)
        assert speculation.started
        speculation.join()
    assert read_path(docs, decision) is not None
    stage = Recording()
    [final] = run_strip_stage([docs], {0: decision}, stage, 2)
    assert stage.calls == 0
    [expected] = run_strip_stage([reference], {0: decision}, run_inline)
    assert final.read_bytes() == expected.read_bytes()
    assert text_path(final).read_bytes() == text_path(expected).read_bytes()


def test_a_wrong_guess_is_stripped_again_and_never_read(tmp_path: Path) -> None:
    docs = _work_file(tmp_path)
    reference = _work_file(tmp_path, "reference")
    wrong = {"outlet:Reuters": frozenset({"0123456789abcdef"})}
    right = _decision(docs)
    with LocalPool(2) as pool:
        Speculation([docs], [0], wrong, pool.run, 2).join()
    assert read_path(docs, wrong) is not None and read_path(docs, right) is None
    stage = Recording()
    [final] = run_strip_stage([docs], {0: right}, stage, 2)
    assert stage.calls == 1
    [expected] = run_strip_stage([reference], {0: right}, run_inline)
    assert final.read_bytes() == expected.read_bytes()
    assert read_path(docs, wrong) is None  # the guessed file is gone


@pytest.mark.parametrize(("fresh", "workers", "decision"), [
    ([0], 1, {"outlet:Reuters": frozenset({"a"})}),  # one process: nothing to overlap with
    ([0, 1, 2], 2, {"outlet:Reuters": frozenset({"a"})}),  # more shards than workers: a full build
    ([0], 2, {}),  # no previous decision
    ([], 2, {"outlet:Reuters": frozenset({"a"})}),  # nothing processed
])
def test_no_guess_where_it_cannot_pay(tmp_path: Path, fresh: list[int], workers: int,
                                      decision: dict[str, frozenset[str]]) -> None:
    stage = Recording()
    speculation = Speculation([tmp_path / "a", tmp_path / "b", tmp_path / "c"], fresh, decision, stage, workers)
    assert not speculation.started
    speculation.join()
    assert stage.calls == 0


def test_a_rebuild_guesses_from_the_last_build_and_releases_what_a_scratch_build_does(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[bool] = []

    class Spied(Speculation):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            started.append(self.started)

    monkeypatch.setattr(merge_module, "Speculation", Spied)
    files: dict[str, str | bytes] = {"reuters.jsonl": _records(12, "Reuters"), "bbc.jsonl": _records(3, "BBC News")}
    folder = make_project(files, name="spec")
    build(run_cli, folder, "--workers", "2")
    assert started == [False]  # no decision yet
    [entry] = (folder / ".masthead" / "cache").iterdir()
    assert load_decision(folder / ".masthead" / DECISION_FILE) == _decision(entry / task.DOCS)
    path = folder / "raw" / "reuters.jsonl"
    path.write_text(path.read_text().replace("Article 4 reports", "Article 4 now reports"))
    second = build(run_cli, folder, "--workers", "2", "--bump", "auto")
    assert started == [False, True]
    fresh = make_project({name: (folder / "raw" / name).read_text() for name in files}, name="fresh")
    shutil.copy(folder / "pyproject.toml", fresh / "pyproject.toml")
    build(run_cli, fresh, "--no-cache", "--workers", "1", "--version", str(second["version"]))
    prefix = f"spec/{second['version']}/"
    ours = {k: v for k, v in release_bytes(folder).items() if k.startswith(prefix)}
    theirs = {k: v for k, v in release_bytes(fresh).items() if k.startswith(prefix)}
    about_the_change = ("CHANGELOG.md", "changes.json", "SHA256SUMS")
    assert {k: v for k, v in ours.items() if not k.endswith(about_the_change)} == {
        k: v for k, v in theirs.items() if not k.endswith(about_the_change)}
