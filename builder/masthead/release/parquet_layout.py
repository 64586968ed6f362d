"""How release Parquet is laid out: the writer's options, row groups sized for the Hub, and
Arrow data laid out by its values alone, so the same documents always give the same bytes.

The Hub's dataset viewer reads whole row groups and gives up on one over ~286 MiB of Arrow data
(it recommends 100-300 MB): a row group holds ``ROW_GROUP_ROWS`` documents, fewer where those
hold more than ``ROW_GROUP_BYTES``. The page index is written, so a reader that pages through a
file (the viewer does) reads only the pages it shows. Pages are cut by content (pyarrow's
content-defined chunking: a rolling hash over the values picks page boundaries), so a release
that changes a few documents repeats the other pages byte for byte, and the Hub's storage (Xet,
itself content-defined chunks of ~64 KiB) stores and uploads only what changed
(``benchmarks/parquet_dedup.py`` measures it). The chunking is a pure function of the values, so
same inputs still give the same bytes.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

# Every option that changes the bytes is fixed here; pyarrow itself is pinned in pyproject.
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,  # zstd 3: a quarter of level 9's time for files about 4% larger (measured)
    "use_dictionary": True,
    "write_statistics": True,
    "write_page_index": True,
    "store_schema": True,
    "data_page_size": 1 << 20,
    # pyarrow's defaults (pages of 256 KiB-1 MiB before encoding), spelt out: they change the bytes
    "use_content_defined_chunking": {"min_chunk_size": 256 * 1024, "max_chunk_size": 1024 * 1024, "norm_level": 0},
}
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 100_000_000  # Arrow bytes a row group holds at most (when a document fits)


def row_group_rows(table: pa.Table) -> int:
    """Rows per row group for ``table`` (one group's rows, laid out by :func:`compact`): all of them,
    or as many as keep a row group within ``ROW_GROUP_BYTES`` on average."""
    if table.nbytes <= ROW_GROUP_BYTES or table.num_rows <= 1:
        return max(1, min(ROW_GROUP_ROWS, table.num_rows))
    return max(1, table.num_rows * ROW_GROUP_BYTES // table.nbytes)


def compact(table: pa.Table) -> pa.Table:
    """``table`` in one chunk laid out by its values alone: offset 0, buffers holding exactly its
    values, no validity bitmap where nothing is null. The ``hf/`` Arrow files and the Arrow byte
    counts (the card's ``num_bytes``) follow the layout, which otherwise depends on how the rows
    were batched: a shard written whole and the same shard written beside reused ones must agree."""
    return pa.Table.from_arrays([_canonical(pa.concat_arrays(column.chunks)) if column.num_chunks else
                                 pa.array([], column.type) for column in table.columns], schema=table.schema)


def _canonical(array: pa.Array) -> pa.Array:
    kind = array.type
    children = None
    if pa.types.is_struct(kind):
        children = [_canonical(array.field(i)) for i in range(kind.num_fields)]
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        children = [_canonical(array.values)]
    buffers = list(array.buffers()[: kind.num_buffers])
    if array.null_count == 0:
        buffers[0] = None
    return pa.Array.from_buffers(kind, len(array), buffers, null_count=array.null_count, offset=array.offset,
                                 children=children)
