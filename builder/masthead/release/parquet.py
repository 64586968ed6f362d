"""Parquet shards with Hub names, written with fixed pyarrow options so the bytes repeat."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from masthead.faults import checkpoint

# Every option that changes the bytes is fixed here; pyarrow itself is pinned in pyproject.
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "write_page_index": False,
    "store_schema": True,
    "data_page_size": 1 << 20,
}
ROW_GROUP_ROWS = 10_000


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def write_split(
    rows: Sequence[dict[str, Any]], schema: pa.Schema, folder: Path, split: str, shard_rows: int
) -> list[Path]:
    """Write ``rows`` as ``split-0000i-of-0000n.parquet`` shards of at most ``shard_rows`` rows."""
    folder.mkdir(parents=True, exist_ok=True)
    count = max(1, -(-len(rows) // shard_rows))
    paths = []
    for index in range(count):
        chunk = rows[index * shard_rows : (index + 1) * shard_rows]
        path = folder / shard_name(split, index, count)
        checkpoint("parquet.shard-before")
        pq.write_table(to_table(chunk, schema), path, row_group_size=ROW_GROUP_ROWS, **WRITE_OPTIONS)
        checkpoint("parquet.shard-after")
        paths.append(path)
    return paths


def read_split(paths: Sequence[Path]) -> pa.Table:
    return pa.concat_tables([pq.read_table(p) for p in paths]) if paths else pa.table({})
