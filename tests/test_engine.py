"""Sharded execution: the same release bytes for any number of workers, with or without the cache."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from masthead.engine import shards as shard_plan
from masthead.engine.shards import plan_shards


def _jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def corpus_files(files: int = 6, per_file: int = 8) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    for f in range(files):
        rows = [{"id": f"d{f}-{i}", "title": f"Title {f} {i}", "outlet": "Reuters", "date": "2018-07-16",
                 "text": f"Body of document {f} {i}. " * 20} for i in range(per_file)]
        out[f"part-{f:02d}.jsonl"] = _jsonl(rows)
    # an exact duplicate text across files, and an id used twice across files
    out["part-90.jsonl"] = _jsonl([{"id": "dup-text", "text": "Body of document 0 0. " * 20},
                                   {"id": "d0-1", "text": "a second record with the id d0-1"}])
    out["part-91.jsonl"] = "not json\n"
    return out


def release_bytes(project: Path) -> dict[str, bytes]:
    root = project / "dist"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)  # several shards from a small corpus


def build(run_cli: Callable[..., Result], project: Path, *args: str) -> dict[str, object]:
    result = run_cli("build", "--json", *args, cwd=project)
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_plan_is_stable_and_cuts_by_size(tmp_path: Path) -> None:
    for name, size in [("a.txt", 10), ("b.txt", 3000), ("c.txt", 10), ("d.txt", 10)]:
        (tmp_path / name).write_text("x" * size)
    shards = plan_shards(tmp_path, ["a.txt", "b.txt", "c.txt", "d.txt"], {}, target_bytes=1000)
    assert [s.sources for s in shards] == [("a.txt", "b.txt"), ("c.txt", "d.txt")]
    assert [s.name for s in shards] == ["shard-00000", "shard-00001"]
    assert plan_shards(tmp_path, ["a.txt", "b.txt", "c.txt", "d.txt"], {}, target_bytes=1000) == shards


def test_a_changed_file_moves_only_the_cuts_next_to_it(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    names = [f"f-{i:04d}.jsonl" for i in range(400)]
    for name in names:
        (tmp_path / name).write_text("x" * rng.randint(100, 3000))
    before = plan_shards(tmp_path, names, {}, target_bytes=8000)
    assert 30 < len(before) < 150  # about 8000 bytes a shard
    for changed in (names[7], names[200], names[399]):
        (tmp_path / changed).write_text("x" * rng.randint(100, 3000))
        after = plan_shards(tmp_path, names, {}, target_bytes=8000)
        lost = {s.sources for s in before} - {s.sources for s in after}
        assert len(lost) <= 2 and all(changed in sources or len(lost) == 2 for sources in lost)
        before = after


def test_work_row_groups_are_bounded_in_bytes_and_read_one_at_a_time(tmp_path: Path) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from masthead.engine.documents import ShardCursor
    from masthead.engine.task import WORK_GROUP_BYTES, WORK_ROW_GROUP, work_row_group

    long = pa.table({"id": [f"{i:04d}" for i in range(2000)], "text": ["x" * 10_000] * 2000})
    assert work_row_group(long) * 10_000 <= WORK_GROUP_BYTES < (work_row_group(long) + 1) * 10_010
    assert work_row_group(pa.table({"id": ["a"] * 5000})) == WORK_ROW_GROUP
    path = tmp_path / "docs.parquet"
    pq.write_table(long, path, row_group_size=work_row_group(long))
    cursor = ShardCursor(path, ["id"])
    assert cursor.take(np.array([0, 3])).column("id").to_pylist() == ["0000", "0003"]
    assert pq.ParquetFile(path).metadata.num_row_groups > 5
    assert cursor.take(np.array([70, 1999])).column("id").to_pylist() == ["0070", "1999"]


def test_shard_target_gives_small_corpora_many_shards_and_large_ones_few() -> None:
    from masthead.engine.shards import MIN_TARGET_BYTES, TARGET_BYTES, shard_target

    mb = 1024 * 1024
    assert shard_target(50 * mb) == MIN_TARGET_BYTES  # 10k news articles: 25 shards or more (files allowing)
    assert shard_target(530 * mb) == 16 * mb
    assert shard_target(10**12) == TARGET_BYTES
    assert shard_target(530 * mb) == shard_target(531 * mb)  # a growing corpus keeps its cuts


@pytest.mark.usefixtures("small_shards")
def test_workers_and_cache_give_identical_releases(
    make_project: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    files = corpus_files()
    one = make_project(files, name="one")
    two = make_project(files, name="two")
    off = make_project(files, name="off")
    pyprojects = [p / "pyproject.toml" for p in (two, off)]
    for path in pyprojects:  # same corpus name, so the releases compare byte for byte
        path.write_text(path.read_text().replace('name = "two"', 'name = "one"').replace('name = "off"', 'name = "one"'))
    report = build(run_cli, one, "--workers", "1")
    build(run_cli, two, "--workers", "2")
    build(run_cli, off, "--no-cache")
    assert report["counts"] == {"input_records": 51, "published": 49, "rejected": 2, "duplicates": 1,
                                "duplicates_dropped": 0}
    reference = release_bytes(one)
    assert release_bytes(two) == reference
    assert release_bytes(off) == reference
    assert len(list((one / ".masthead" / "cache").iterdir())) > 2  # several shards ran
    assert not (off / ".masthead" / "cache").exists()


@pytest.mark.usefixtures("small_shards")
def test_duplicate_ids_and_rejects_keep_input_order(
    make_project: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    project = make_project(corpus_files())
    report = build(run_cli, project)
    rejects = report["rejects"]
    assert isinstance(rejects, list)
    assert [(r["source"], r["record"], r["code"]) for r in rejects] == [
        ("part-90.jsonl", 2, "duplicate-id"), ("part-91.jsonl", 1, "malformed-json")]
    assert "part-00.jsonl:2" in rejects[0]["message"]
    import masthead

    train = masthead.load(split="train", dist=str(project / "dist"))
    ids = train["id"]
    assert ids == sorted(ids) and len(ids) == 49
    dup = train.filter(lambda d: d["id"] == "dup-text")[0]
    assert dup["duplicate_of"] == "d0-0"


def test_a_big_json_lines_file_is_split_into_parts_and_gzip_is_not(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x" * 10)
    (tmp_path / "big.jsonl").write_text("y" * 4500)
    (tmp_path / "big2.jsonl.gz").write_bytes(b"z" * 4500)
    (tmp_path / "c.txt").write_text("x" * 10)
    shards = plan_shards(tmp_path, ["a.txt", "big.jsonl", "big2.jsonl.gz", "c.txt"], {}, target_bytes=1000)
    parts = [s for s in shards if s.sources == ("big.jsonl",)]
    assert [s.part for s in parts] == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5)]
    assert all(s.part is None for s in shards if s.sources != ("big.jsonl",))
    assert [s.index for s in shards] == list(range(len(shards)))
    assert [i for p in parts for i in shard_plan.part_of(13, p.part)] == list(range(13))


def test_a_split_file_gives_the_release_of_the_whole_file(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": f"doc-{i:03d}", "text": f"Article {i} on the summit in Helsinki. " * 8} for i in range(40)]
    lines = [json.dumps(r) for r in rows]
    lines[29] = "not json"  # a reject in a later part keeps its line number in the file
    files: dict[str, str | bytes] = {"big.jsonl": "\n".join(lines) + "\n", "small.txt": "A short note on the summit."}
    whole = make_project(files, name="whole")
    split = make_project(files, name="split")
    path = split / "pyproject.toml"
    path.write_text(path.read_text().replace('name = "split"', 'name = "whole"'))
    report = build(run_cli, whole)
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)
    monkeypatch.setattr(shard_plan, "MIN_TARGET_BYTES", 2000)
    assert build(run_cli, split)["counts"] == report["counts"]
    assert len(list((split / ".masthead" / "cache").iterdir())) > 5  # the file ran as several shards
    assert release_bytes(split) == release_bytes(whole)
    rejects = [json.loads(line) for line in next((split / "dist").rglob("rejects.jsonl")).read_text().splitlines()]
    assert [(r["source"], r["record"]) for r in rejects] == [("big.jsonl", 30)]


def test_a_split_file_that_is_too_large_is_rejected_once(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({"big.jsonl": "".join(json.dumps({"id": f"d{i}", "text": "x " * 200}) + "\n"
                                                 for i in range(30)), "ok.txt": "A short note on the summit."})
    path = project / "pyproject.toml"
    path.write_text(path.read_text() + "max_file_bytes = 5000\n")
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)
    monkeypatch.setattr(shard_plan, "MIN_TARGET_BYTES", 2000)
    report = build(run_cli, project)
    assert report["counts"]["rejected"] == 1 and report["counts"]["published"] == 1  # type: ignore[index]
    assert [r["source"] for r in report["rejects"]] == ["big.jsonl"]  # type: ignore[union-attr]


def test_the_parts_of_a_text_are_its_lines_in_order() -> None:
    import random

    from masthead.readers.jsonl import _part_lines

    rng = random.Random(1)
    for _ in range(2000):
        text = "".join(rng.choice(["a", "b", "\n", "\n\n", "xyz"]) for _ in range(rng.randint(0, 30)))
        count = rng.randint(1, 6)
        lines: list[str] = []
        for index in range(count):
            first, part, cut = _part_lines(text, (index, count))
            assert first == len(lines)
            assert cut == (index == count - 1 and text != "" and not text.endswith("\n"))
            lines.extend(part)
        assert lines == text.split("\n")


def test_the_final_text_is_kept_apart_in_small_row_groups_and_read_back_beside_the_rest(tmp_path: Path) -> None:
    """The write pass holds a row group of every shard whose ids interleave with the others': the
    long columns are in their own file, in row groups of ~TEXT_GROUP_BYTES, read in step with the rest."""
    import datetime as dt

    import numpy as np
    import pyarrow.parquet as pq

    from masthead.engine.documents import OpenFiles, ShardOutput
    from masthead.engine.strip_stage import TEXT_GROUP_BYTES, read_path, strip_shard, stripped_path, text_path
    from masthead.engine.task import DOCS, ShardJob, run_shard
    from masthead.pipeline.context import StepContext

    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [{"id": f"k{i:04d}", "title": f"T {i}", "text": f"Paragraph {i} of a long story. " * 120}
            for i in range(300)]
    (raw / "a.jsonl").write_text(_jsonl(rows))
    folder = tmp_path / "shard"
    shard = shard_plan.Shard(0, ("a.jsonl",))
    run_shard(shard, ShardJob(raw, 1 << 30, StepContext(build_date=dt.date(2026, 1, 1)), False, None), folder)
    assert read_path(folder / DOCS, {}) is None  # not stripped yet
    final = stripped_path(folder, {})
    strip_shard(str(folder / DOCS), str(final), {})
    assert read_path(folder / DOCS, {}) == final
    assert "text" not in pq.ParquetFile(final).schema_arrow.names
    texts = pq.ParquetFile(text_path(final))
    assert texts.schema_arrow.names == ["text"] and texts.metadata.num_row_groups >= 4
    sizes = [texts.metadata.row_group(i).total_byte_size for i in range(texts.metadata.num_row_groups)]
    assert max(sizes) <= 1.2 * TEXT_GROUP_BYTES
    # read back through the cursor, in steps, the columns in the order asked: the stripped rows
    output = ShardOutput(shard, folder, final)
    cursor = output.cursor(["text", "id", "_words"], OpenFiles())
    whole = pq.read_table(folder / DOCS, columns=["text", "id", "_words"])
    got = [cursor.take(np.arange(start, min(start + 70, 300))) for start in range(0, 300, 70)]
    assert [t.column_names for t in got[:1]] == [["text", "id", "_words"]]
    assert [row for t in got for row in t.to_pylist()] == whole.to_pylist()
    text_path(final).unlink()
    assert read_path(folder / DOCS, {}) is None  # a final file without its text file is not done


@pytest.mark.parametrize("rows", [1, 3, 7, 50])
def test_batches_come_in_id_order_whether_shards_interleave_or_follow_each_other(tmp_path: Path, rows: int) -> None:
    """A batch drawing on several shards is put back in id order (and one from a single shard, already
    in order, is left as it is): every document once, with its own columns and split code."""
    import datetime as dt

    import numpy as np
    import pyarrow.parquet as pq

    from masthead.engine.documents import DocumentSet, ShardOutput
    from masthead.engine.strip_stage import strip_shard, stripped_path
    from masthead.engine.task import DOCS, ShardJob, run_shard
    from masthead.pipeline.context import StepContext

    raw = tmp_path / "raw"
    raw.mkdir()
    ids = {"even.jsonl": range(0, 40, 2), "odd.jsonl": range(1, 40, 2), "later.jsonl": range(40, 52)}
    outputs = []
    for index, (name, numbers) in enumerate(ids.items()):
        (raw / name).write_text(_jsonl([{"id": f"n{i:03d}", "title": f"T {i}", "text": f"Story {i} " * (5 + i)}
                                        for i in numbers]))
        folder = tmp_path / f"shard-{index}"
        shard = shard_plan.Shard(index, (name,))
        run_shard(shard, ShardJob(raw, 1 << 30, StepContext(build_date=dt.date(2026, 1, 1)), False, None), folder)
        strip_shard(str(folder / DOCS), str(stripped_path(folder, {})), {})
        outputs.append(ShardOutput(shard, folder, stripped_path(folder, {})))
    located = sorted((doc_id, shard, row) for shard, output in enumerate(outputs)
                     for row, doc_id in enumerate(pq.read_table(output.final_path, columns=["id"])["id"].to_pylist()))
    schema = pq.read_schema(outputs[0].docs_path)
    codes = np.array([i % 2 for i in range(len(located))], dtype=np.int8)
    docs = DocumentSet(outputs, schema, np.array([s for _, s, _ in located]), np.array([r for _, _, r in located]),
                       ["train", "test"], codes)
    got, got_codes = [], []
    for table, batch_codes in docs.batches(rows=rows, columns=["id", "text", "_words"]):
        got += table.to_pylist()
        got_codes += batch_codes.tolist()
    assert [d["id"] for d in got] == [f"n{i:03d}" for i in range(52)]
    assert all(d["text"].startswith(f"Story {int(d['id'][1:])} ") for d in got)
    assert all(d["_words"] == 2 * (5 + int(d["id"][1:])) for d in got)
    assert got_codes == codes.tolist()


@pytest.mark.parametrize(("started", "imported"), [(True, "[True, True]"), (False, "[False, False]")])
def test_a_build_starts_the_forkserver_early_and_workers_fork_with_their_modules(started: bool, imported: str) -> None:
    """``start_forkserver`` (called as a build starts) has the forkserver import the workers' modules,
    so each worker starts with them loaded; a pool whose forkserver starts later imports them per worker."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from masthead.engine.local import LocalPool, start_forkserver\n"
        "if sys.argv[1] == 'early':\n"
        "    start_forkserver()\n"
        "found = {}\n"
        "with LocalPool(2) as pool:\n"
        "    pool.run([(i, eval, (\"'masthead.pipeline.process' in __import__('sys').modules\",)) for i in range(2)],\n"
        "             found.__setitem__)\n"
        "print(sorted(found.values()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "early" if started else "late"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == imported


def test_a_call_started_on_a_worker_gives_its_result_or_a_clean_error_when_the_worker_dies() -> None:
    """``LocalPool.start`` (the diff beside the duplicate search) runs the call in a worker process;
    a worker that dies is a WorkerError, not a traceback from the pool; one worker runs it here."""
    import os

    from masthead.engine.local import LocalPool
    from masthead.errors import WorkerError

    with LocalPool(2) as pool:
        assert pool.start(os.getpid)() != os.getpid()
        dying = pool.start(os._exit, 1)
        with pytest.raises(WorkerError, match="worker process died"):
            dying()
    with LocalPool(1) as pool:
        assert pool.start(os.getpid)() == os.getpid()
