"""Parquet shards with Hub names, written with fixed pyarrow options so the bytes repeat.

:func:`write_data` streams a build's documents into every split's shards (and the
``hf/`` form beside them) one row group at a time: memory stays flat however large the
corpus. Row groups are cut every ``ROW_GROUP_ROWS`` rows from the start of each file (and
smaller where those rows hold more than ``ROW_GROUP_BYTES``) and a file holds ``shard_rows``
rows, so the bytes depend on the documents only, never on how the build was run. The writer's
options and the row groups' layout are in :mod:`masthead.release.parquet_layout`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from masthead.engine import checkpoint
from masthead.release.parquet_layout import ROW_GROUP_ROWS, WRITE_OPTIONS, compact, row_group_rows

if TYPE_CHECKING:

    from masthead.engine import DocumentSet, ProgressFn
    from masthead.insight.stats import ReleaseTally
    from masthead.release.hf import HfSplitWriter
    from masthead.release.hf_schema import HfSchema
    from masthead.release.reuse import ReusedShard, ReusePlan

WORDS = "_words"  # the work files' word count per document (masthead.engine.columns)
CHARS = "_chars"  # and characters
WRITE_AHEAD = 2  # batches read ahead of the writer thread


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def write_split(
    rows: Sequence[dict[str, Any]], schema: pa.Schema, folder: Path, split: str, shard_rows: int
) -> list[Path]:
    """Write ``rows`` as ``split-0000i-of-0000n.parquet`` shards of at most ``shard_rows`` rows."""
    writer = SplitWriter(folder, split, len(rows), shard_rows, schema)
    for start in range(0, len(rows), ROW_GROUP_ROWS):
        writer.add(to_table(rows[start : start + ROW_GROUP_ROWS], schema))
    return writer.close().paths


def read_split(paths: Sequence[Path]) -> pa.Table:
    return pa.concat_tables([pq.read_table(p) for p in paths]) if paths else pa.table({})


@dataclass
class WrittenSplit:
    name: str
    rows: int
    nbytes: int = 0
    paths: list[Path] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)  # (rows, Arrow bytes) of each file
    # SHA-256 of the files already known: reused shards' (checked against their release) and the hf/
    # Arrow files' (hashed as they were written), so SHA256SUMS never reads them again
    digests: dict[Path, str] = field(default_factory=dict)


class SplitWriter:
    """One split's Parquet shards, fed tables of any size, cut into fixed row groups and files."""

    def __init__(self, folder: Path, split: str, total: int, shard_rows: int, schema: pa.Schema,
                 hf: HfSplitWriter | None = None, reused: dict[int, ReusedShard] | None = None) -> None:
        """``reused``: shards copied from the previous release; their rows are never added."""
        self.folder, self.split, self.schema, self.shard_rows, self.hf = folder, split, schema, shard_rows, hf
        self.count = max(1, -(-total // shard_rows))
        self.result = WrittenSplit(split, total)
        self.reused = reused or {}
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._in_file = 0
        self._file_bytes = 0
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self._pending.append(table)
            self._pending_rows += table.num_rows
        while self._pending_rows and self._pending_rows >= self._next_group_rows():
            self._flush(self._next_group_rows())

    def _next_group_rows(self) -> int:
        return min(ROW_GROUP_ROWS, self.shard_rows - self._in_file)

    def _flush(self, rows: int) -> None:
        table = pa.concat_tables(self._pending)
        group, rest = compact(table.slice(0, rows)), table.slice(rows)
        self._pending, self._pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        if self._writer is None:
            self._copy_reused()
            self._open()
        assert self._writer is not None
        self._writer.write_table(group, row_group_size=row_group_rows(group))
        self.result.nbytes += group.nbytes
        self._file_bytes += group.nbytes
        if self.hf is not None:
            self.hf.add(group)
        self._in_file += rows
        if self._in_file == self.shard_rows:
            self._close_file()

    def _open(self) -> None:
        index = len(self.result.paths)
        path = self.folder / shard_name(self.split, index, self.count)
        checkpoint("parquet.shard-before")
        self._writer = pq.ParquetWriter(path, self.schema, **WRITE_OPTIONS)
        self.result.paths.append(path)
        if self.hf is not None:
            self.hf.open(index, self.count)

    def _copy_reused(self) -> None:
        """Copy the reused shards that come next (the rows added next belong to the shard after them)."""
        from masthead.release.reuse import link_or_copy

        while (index := len(self.result.paths)) in self.reused:
            shard = self.reused[index]
            path = self.folder / shard_name(self.split, index, self.count)
            checkpoint("parquet.shard-before")
            link_or_copy(shard.parquet, path)
            self.result.paths.append(path)
            self.result.digests[path] = shard.parquet_sha256
            self.result.nbytes += shard.arrow_bytes
            self.result.sizes.append((min(self.shard_rows, self.result.rows - index * self.shard_rows), shard.arrow_bytes))
            if self.hf is not None:
                assert shard.hf is not None and shard.hf_sha256 is not None
                self.hf.reuse(index, self.count, shard.hf, shard.hf_sha256)
            checkpoint("parquet.shard-after")

    def _close_file(self) -> None:
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        self.result.sizes.append((self._in_file, self._file_bytes))
        self._in_file = self._file_bytes = 0
        if self.hf is not None:
            self.hf.close_file()
        checkpoint("parquet.shard-after")

    def close(self) -> WrittenSplit:
        if self._pending_rows:
            self._flush(self._pending_rows)
        if self._writer is None:
            self._copy_reused()
        if self._writer is None and len(self.result.paths) < self.count:
            self._open()  # an empty split is still one (empty) file
        if self._writer is not None:
            self._close_file()
        if self.hf is not None:
            self.hf.finish()
            self.result.digests.update(self.hf.digests)  # taken as the Arrow files were written or copied
        return self.result


@contextmanager
def _abort_on_error(writers: list[SplitWriter]) -> Iterator[None]:
    """On an error, stop the ``hf/`` threads too (the release folder is then removed)."""
    try:
        yield
    except BaseException:
        for writer in writers:
            if writer.hf is not None:
                writer.hf.abort()
        raise


def write_data(
    folder: Path,
    docs: DocumentSet,
    schema: pa.Schema,
    hf: HfSchema | None,
    shard_rows: int,
    progress: ProgressFn | None = None,
    data_dir: str = "data",
    hf_dir: str = "hf",
    tally: ReleaseTally | None = None,
    reuse: ReusePlan | None = None,
    sources: dict[str, str] | None = None,
) -> list[WrittenSplit]:
    """Every split's Parquet shards under ``data_dir`` (and, with ``hf``, the ``hf/`` form).

    ``tally``: counts the report's numbers from the same batches (the words and characters from
    the work files' ``_words`` and ``_chars``, counted by the workers), so the report needs no
    second read of the release; None when they are counted already. ``reuse``: shards copied from
    the previous release; their documents are not read (so a ``tally`` cannot count them: with
    reused shards, count before, as the build does while it diffs). ``sources``: a column of ``schema``
    -> the work files' column it is read from (a metadata-only release's verification fields)."""
    from masthead.release.hf import HfSplitWriter, write_dataset_dict

    counts = docs.split_rows()
    hf_root = folder / hf_dir
    if hf is not None:
        checkpoint("hf.before")
    writers = [
        SplitWriter(folder / data_dir, name, counts[name], shard_rows, schema,
                    HfSplitWriter(hf_root / name, name, hf) if hf is not None else None,
                    reuse.for_split(name) if reuse is not None else None)
        for name in docs.split_names
    ]
    reused = reuse.reused_positions(docs, shard_rows) if reuse is not None else None
    if reused is not None and tally is not None:
        raise ValueError("the documents of reused shards are not read: count them before writing")
    done = 0
    if progress is not None:
        progress("write", 0, len(docs))
    names = schema.names
    extra = [WORDS, CHARS] if tally is not None else []

    def add(parts: list[pa.Table]) -> None:
        for writer, part in zip(writers, parts, strict=True):
            writer.add(part)

    def count(parts: list[pa.Table]) -> None:
        if tally is not None:
            for writer, part in zip(writers, parts, strict=True):
                count_into(tally, writer.split, part)

    # One writer thread encodes, compresses and writes (pyarrow releases the GIL) while this thread
    # reads the next documents and counts them: in order, a few batches ahead, so the bytes and
    # the memory bound are those of a single thread.
    with ThreadPoolExecutor(max_workers=1) as writing, _abort_on_error(writers):
        queued: deque[Future[None]] = deque()
        written = None if reused is None else np.flatnonzero(~reused)
        for table, codes in docs.batches(columns=[*names, *extra], positions=written, sources=sources):
            parts = by_split(table, codes, len(writers))
            queued.append(writing.submit(add, [_as_schema(part, schema) for part in parts]))
            count(parts)
            while len(queued) > WRITE_AHEAD:
                queued.popleft().result()
            done += table.num_rows
            if progress is not None:
                progress("write", done, len(docs))
        if reused is not None and progress is not None:  # the reused shards' documents: copied, done
            progress("write", done + int(np.count_nonzero(reused)), len(docs))
        while queued:
            queued.popleft().result()
    results = [writer.close() for writer in writers]
    if hf is not None:
        write_dataset_dict(hf_root, docs.split_names)
        checkpoint("hf.after")
    return results


def _as_schema(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table``'s columns of ``schema``, typed as ``schema`` says (nullability included: a work
    column read for a required field is declared nullable in the work files)."""
    selected = table.select(schema.names)
    return selected if selected.schema.equals(schema) else pa.Table.from_arrays(selected.columns, schema=schema)


def count_into(tally: ReleaseTally, split: str, table: pa.Table) -> None:
    """Count ``table``'s documents of ``split`` into ``tally``, their words and characters from the
    work files' ``_words`` and ``_chars`` (the table needs no text)."""
    for batch in table.combine_chunks().to_batches():
        tally.add(split, batch.drop_columns([WORDS, CHARS]), batch.column(WORDS), batch.column(CHARS))


def by_split(table: pa.Table, codes: np.ndarray, splits: int) -> list[pa.Table]:
    """``table``'s rows of each split (``codes``: each row's split)."""
    return [table if splits == 1 else table.filter(pa.array(codes == code)) for code in range(splits)]
