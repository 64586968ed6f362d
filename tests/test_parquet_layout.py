"""Release Parquet laid out for the Hub: a page index, row groups within the viewer's limit, and pages
cut by content, so a release that adds a few documents repeats the other pages byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from masthead.release import parquet_layout
from masthead.release.parquet import SplitWriter

SCHEMA = pa.schema([("id", pa.string()), ("text", pa.string())])
WORDS = ["summit", "talks", "minister", "kremlin", "treaty", "sanctions", "press", "reporters", "statement",
         "election", "policy"]


def _texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(600, 900))) + f" ({i})" for i in range(n)]


def _write(folder: Path, texts: list[str]) -> Path:
    writer = SplitWriter(folder, "train", len(texts), len(texts), SCHEMA)
    for start in range(0, len(texts), 700):  # fed in batches unlike the row groups, as a build does
        part = texts[start : start + 700]
        writer.add(pa.table({"id": [f"d{start + i:05d}" for i in range(len(part))], "text": part}, schema=SCHEMA))
    (path,) = writer.close().paths
    return path


def _text_chunk(path: Path, group: int = 0) -> bytes:
    chunk = pq.ParquetFile(path).metadata.row_group(group).column(1)
    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    return path.read_bytes()[start : start + chunk.total_compressed_size]


def _common_suffix(a: bytes, b: bytes) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def test_pages_are_cut_by_content_so_one_new_document_leaves_the_pages_after_it_alone(tmp_path: Path) -> None:
    texts = _texts(3000)
    first = _write(tmp_path / "a", texts)
    again = _write(tmp_path / "b", texts)
    assert first.read_bytes() == again.read_bytes()  # the same documents, the same bytes
    added = [*texts[:1000], "A new article, added between two others.", *texts[1000:]]
    second = _write(tmp_path / "c", added)
    old, new = _text_chunk(first), _text_chunk(second)
    assert old != new and len(old) > 1024 * 1024  # many pages of text, zstd-compressed
    # the new document sits a third of the way in: with pages cut every so many values, every page
    # after it would hold other values; cut by content, the pages after the new one are the same bytes
    assert _common_suffix(old, new) > len(new) // 2
    assert pq.read_table(second).column("text").to_pylist() == added


def test_release_shards_carry_a_page_index_and_row_groups_within_the_byte_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_layout, "ROW_GROUP_BYTES", 1_000_000)
    texts = _texts(1200)
    path = _write(tmp_path, texts)
    meta = pq.ParquetFile(path).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == 1200 and meta.num_row_groups > 4  # 1,200 rows of ~6 KB: ~7 MB, cut to ~1 MB groups
    table = pq.read_table(path)
    start = 0
    for rows in sizes:
        assert table.slice(start, rows).nbytes <= 1.2 * 1_000_000
        start += rows
    # every page's place (offset index) for every column; min/max per page (column index) where the
    # values are short enough for statistics (the ids; a text's min/max is not kept)
    assert all(meta.row_group(g).column(i).has_offset_index
               for g in range(meta.num_row_groups) for i in range(meta.num_columns))
    assert meta.row_group(0).column(0).has_column_index
    assert table.column("text").to_pylist() == texts
