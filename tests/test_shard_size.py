"""``shard_bytes``: release shards sized by their documents' text, as well as (or instead of) by rows."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.test_engine import build
from tests.test_release_reuse import assert_same_as_scratch, corpus, edit, project
from typer.testing import Result

from masthead.errors import ConfigError
from masthead.release.shard_size import preferred_floor, rows_per_shard
from masthead.settings import parse_size


@pytest.mark.parametrize(("value", "expected"), [
    (0.2, 1), (1, 1), (1.9, 1), (2, 2), (7, 6), (9.99, 8), (10, 10), (11.9, 10), (12, 12), (14, 12), (15, 15),
    (24, 20), (25, 25), (99, 80), (149, 120), (150, 150), (94_339.6, 80_000), (10**6, 10**6),
])
def test_preferred_floor_is_the_largest_preferred_number_not_above(value: float, expected: int) -> None:
    assert preferred_floor(value) == expected


def test_rows_per_shard_follows_the_average_text_and_never_exceeds_shard_rows() -> None:
    assert rows_per_shard(100_000, None, 5, 10**9) == 100_000  # no shard_bytes: shard_rows
    assert rows_per_shard(100_000, 500_000_000, 0, 0) == 100_000  # nothing published
    assert rows_per_shard(100_000, 500_000_000, 1000, 5_300_000) == 80_000  # 94,339 articles of 5.3 KB
    assert rows_per_shard(50_000, 500_000_000, 1000, 5_300_000) == 50_000
    assert rows_per_shard(100_000, 1000, 10, 1_000_000) == 1  # one article is already over
    # a few changed documents move the average a little, not the number
    assert rows_per_shard(10**6, 10**6, 1000, 5_300_000) == rows_per_shard(10**6, 10**6, 1000, 5_330_000) == 150


@pytest.mark.parametrize(("value", "expected"), [
    (1, 1), (500_000_000, 500_000_000), ("500MB", 500_000_000), ("2 GiB", 2 * 2**30), ("1.5gb", 1_500_000_000),
    ("750 kB", 750_000), ("12345", 12345),
])
def test_sizes_are_bytes_or_a_number_and_a_unit(value: int | str, expected: int) -> None:
    assert parse_size("shard_bytes", value) == expected


@pytest.mark.parametrize("value", ["5XB", "MB", "", "-1MB", 0, -5, True, 1.5, "0.1B"])
def test_a_size_that_is_not_one_names_the_key_and_the_form(value: object) -> None:
    with pytest.raises(ConfigError, match=r"\[tool.masthead\] shard_bytes = .* (e.g. shard_bytes = \"500MB\"|at least 1)"):
        parse_size("shard_bytes", value)


def test_a_bad_shard_bytes_in_the_project_is_a_clean_error(make_project: Callable[..., Path],
                                                           run_cli: Callable[..., Result]) -> None:
    folder = project(make_project, corpus(), "bad", 'shard_bytes = "lots"\n')
    result = run_cli("build", cwd=folder)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert 'shard_bytes = \'lots\' is not a size' in result.stderr


def _texts_bytes(folder: Path, version: str) -> tuple[int, list[int], list[int]]:
    files = sorted((folder / f"dist/reuse/{version}/data").glob("*.parquet"))
    tables = [pq.read_table(f, columns=["text"]) for f in files]
    sizes = [sum(len(t.encode("utf-8")) for t in table["text"].to_pylist()) for table in tables]
    return sum(sizes), [table.num_rows for table in tables], sizes


def test_shards_hold_the_rows_their_bytes_allow_and_a_rebuild_keeps_and_copies_them(
        make_project: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    settings = 'shard_bytes = "3kB"\n'  # ~520-byte texts: 5.7 to a shard, so 5 documents a shard
    folder = project(make_project, corpus(), "bytes", settings)
    first = build(run_cli, folder, "--workers", "1")
    total, rows, sizes = _texts_bytes(folder, "1.0.0")
    expected = rows_per_shard(100_000, 3000, 40, total)  # from the published texts, read back independently
    assert expected == 5 and rows == [5] * 8 and first["shards"] == math.ceil(40 / 5)
    assert sum(sizes) / len(sizes) <= 3000
    manifest = json.loads((folder / "dist/reuse/1.0.0/manifest.json").read_text())
    assert manifest["rows_per_shard"] == 5 and manifest["settings"]["shard_bytes"] == 3000
    assert [entry["rows"] for entry in manifest["shards"]["train"]] == rows

    edit(folder, "part-03.jsonl", "Article number 39 reports", "Article number 39 now reports")
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert (second["shards"], second["reused_shards"]) == (8, 7)  # only doc-039's shard written again
    assert json.loads((folder / "dist/reuse/2.0.0/manifest.json").read_text())["rows_per_shard"] == 5
    assert_same_as_scratch(make_project, run_cli, folder, "2.0.0", settings)


def test_shard_rows_still_caps_a_shard_sized_by_bytes(make_project: Callable[..., Path],
                                                      run_cli: Callable[..., Result]) -> None:
    folder = project(make_project, corpus(), "both", 'shard_bytes = "1MB"\nshard_rows = 15\n')
    report = build(run_cli, folder, "--workers", "1")
    assert _texts_bytes(folder, "1.0.0")[1] == [15, 15, 10] and report["shards"] == 3
