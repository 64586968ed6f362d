"""The documents of a build, on disk: each shard's output and the k-way merge that streams them.

A :class:`DocumentSet` is the published documents in id order, read from the shards' final
files on demand (:meth:`DocumentSet.batches`): every shard file is sorted by id, so a k-way
merge reads each shard front to back with a small buffer (one row group per shard, the text's
from its own file of ~256 KiB row groups; at most ``OPEN_FILES`` files open at once). Nothing
here decides anything: :mod:`masthead.engine.merge` fills it in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.engine.position_map import values_at, values_between
from masthead.engine.shards import Shard
from masthead.engine.task import COVERED, DOCS

BATCH_ROWS = 4096  # documents per batch of the write pass (~20 MB of 5 KB articles)
# Shard files a pass keeps open: ids in file order use one or two at a time. Ids that interleave
# across files use every shard's two files in every batch, and a file closed and opened again costs
# its footer each time, but an open file holds more than its footer: at 1M documents with hashed
# ids, keeping all 654 open took the build from 602 to 571 s and its peak from 768 to 968 MB.
OPEN_FILES = 16


@dataclass
class ShardOutput:
    shard: Shard
    folder: Path
    read_path: Path | None = None  # the final documents (after the stripping stage)

    @property
    def docs_path(self) -> Path:
        return self.folder / DOCS

    @property
    def final_path(self) -> Path:
        return self.read_path or self.docs_path

    def close(self, files: OpenFiles) -> None:
        """Close this shard's files in ``files``."""
        from masthead.engine.strip_stage import text_path

        files.close(self.final_path)
        if self.read_path is not None:
            files.close(text_path(self.read_path))

    def cursor(self, columns: list[str], files: OpenFiles) -> ShardCursor | PairedCursor:
        """A cursor over this shard's final documents: the long columns (text) come from their own
        file once the stripping stage has run (:data:`masthead.engine.strip_stage.LONG_COLUMNS`)."""
        from masthead.engine.strip_stage import LONG_COLUMNS, text_path

        long = [name for name in columns if name in LONG_COLUMNS]
        if self.read_path is None or not long:
            return ShardCursor(self.final_path, columns, files)
        short = [name for name in columns if name not in LONG_COLUMNS]
        return PairedCursor(ShardCursor(self.read_path, short, files) if short else None,
                            ShardCursor(text_path(self.read_path), long, files), columns)


def read_columns(path: Path, columns: list[str]) -> pa.Table:
    """``columns`` of a whole work file (``ParquetFile`` directly: ``pq.read_table`` goes through the
    datasets layer, which costs an import and more per call)."""
    with pq.ParquetFile(path) as file:
        return file.read(columns=columns)


class OpenFiles:
    """The Parquet files a pass reads, at most ``size`` of them open (the least recently read closed).

    An open work file holds its parsed metadata, ~2 MB for its many small row groups: a pass
    over hundreds of shards cannot keep every one open (750 MB at a million documents)."""

    def __init__(self, size: int = OPEN_FILES) -> None:
        self._size = size
        self._files: OrderedDict[Path, pq.ParquetFile] = OrderedDict()

    def get(self, path: Path) -> pq.ParquetFile:
        file = self._files.pop(path, None)
        if file is None:
            file = pq.ParquetFile(path)
            while len(self._files) >= self._size:
                self._files.popitem(last=False)[1].close()
        self._files[path] = file
        return file

    def close(self, path: Path | None = None) -> None:
        """Close ``path`` (None: every file)."""
        for key in list(self._files) if path is None else [path]:
            file = self._files.pop(key, None)
            if file is not None:
                file.close()


class ShardCursor:
    """Reads one sorted shard file front to back; ``take`` wants ascending row numbers.

    Only the row groups a ``take`` needs (bounded in bytes when written, ``task.WORK_GROUP_BYTES``),
    read in one call, without the Parquet reader's read-ahead, so a k-way merge over many shards
    holds about one row group per shard beyond the batch being built; the file is opened through
    ``files`` (shared by a pass's cursors)."""

    def __init__(self, path: Path, columns: list[str], files: OpenFiles | None = None) -> None:
        self._path = path
        self._files = files or OpenFiles(1)
        self._columns = columns
        self._group = 0
        self._buffer: pa.Table | None = None
        self._offset = 0  # row number of the buffer's first row
        self._sizes: list[int] | None = None  # rows of each row group

    def take(self, rows: np.ndarray) -> pa.Table:
        last = int(rows[-1])
        parts = [] if self._buffer is None else [self._buffer]
        end = self._offset + (0 if self._buffer is None else len(self._buffer))
        if end <= last:  # the row groups up to ``last``, in one read (a call per group costs ~0.5 ms)
            file = self._files.get(self._path)
            if self._sizes is None:
                meta = file.metadata
                self._sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
            first = self._group
            while end <= last:
                end += self._sizes[self._group]
                self._group += 1
            parts.append(file.read_row_groups(range(first, self._group), columns=self._columns, use_threads=False))
        buffer = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        gapless = last - int(rows[0]) + 1 == len(rows)  # the usual case: a zero-copy slice
        taken = buffer.slice(int(rows[0]) - self._offset, len(rows)) if gapless else buffer.take(pa.array(rows - self._offset))
        keep_from = last + 1 - self._offset
        self._buffer = buffer.slice(keep_from)
        self._offset = last + 1
        return taken


class PairedCursor:
    """Two cursors over the same rows of two files, their columns joined in ``columns``' order."""

    def __init__(self, short: ShardCursor | None, long: ShardCursor, columns: list[str]) -> None:
        self._short, self._long, self._columns = short, long, columns

    def take(self, rows: np.ndarray) -> pa.Table:
        long = self._long.take(rows)
        if self._short is None:
            return long.select(self._columns)
        short = self._short.take(rows)
        arrays = [short[name] if name in short.column_names else long[name] for name in self._columns]
        fields = [short.schema.field(name) if name in short.column_names else long.schema.field(name)
                  for name in self._columns]
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


@dataclass
class DocumentSet:
    """The published documents, in id order, read from the shard outputs on demand."""

    outputs: list[ShardOutput]
    schema: pa.Schema
    order_shard: np.ndarray
    order_row: np.ndarray
    split_names: list[str]
    split_codes: np.ndarray
    duplicate_of: Mapping[int, str] = field(default_factory=dict)  # position in the order -> canonical id
    duplicate_ids: pa.Array | None = None  # the ids of ``duplicate_of``'s positions, ascending
    coverage_counts: dict[str, int] = field(default_factory=dict)
    language_tags: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.order_row)

    def split_rows(self) -> dict[str, int]:
        counts = np.bincount(self.split_codes, minlength=len(self.split_names)) if len(self) else [0] * len(self.split_names)
        return {name: int(counts[i]) for i, name in enumerate(self.split_names)}

    def coverage(self, fields: tuple[str, ...] = COVERED) -> dict[str, float]:
        if not len(self):
            return dict.fromkeys(fields, 0.0)
        return {name: round(self.coverage_counts.get(name, 0) / len(self), 4) for name in fields}

    def text_bytes(self) -> int:
        """The UTF-8 bytes of the published texts (the final texts', counted in the stripping stage)."""
        return sum(int(pc.sum(table["_bytes"]).as_py() or 0) for table, _ in self.batches(columns=["_bytes"]))

    def duplicates(self) -> dict[str, str]:
        """Id -> canonical id of every document marked a duplicate."""
        if not self.duplicate_of:
            return {}
        positions = np.fromiter(self.duplicate_of, dtype=np.int64, count=len(self.duplicate_of))
        heads = values_at(self.duplicate_of, positions)
        ids = self.duplicate_ids
        if ids is None:  # pragma: no cover - the merge sets both
            raise ValueError("duplicate_of without the ids of its documents")
        return dict(zip(ids.to_pylist(), heads.to_pylist() if heads is not None else [], strict=True))

    def languages(self) -> list[str]:
        """Primary language subtags of the published documents, sorted (``und`` left out)."""
        return sorted({tag.split("-")[0] for tag in self.language_tags if tag != "und"})

    def batches(self, rows: int | None = None, columns: list[str] | None = None,
                positions: np.ndarray | None = None,
                sources: Mapping[str, str] | None = None) -> Iterator[tuple[pa.Table, np.ndarray]]:
        """(table, split codes) in id order, ``rows`` at a time (default ``BATCH_ROWS``), ``duplicate_of``
        filled in. ``positions``: only these documents (ascending positions in id order; default: all).
        ``sources``: a column of the table -> the work file's column it is read from (a metadata-only
        release's verification fields, :data:`masthead.engine.columns.RELEASE_SOURCES`)."""
        if sources:
            wanted = columns or self.schema.names
            read = list(dict.fromkeys(sources.get(name, name) for name in wanted))
            for table, codes in self.batches(rows, read, positions):
                yield pa.Table.from_arrays([table[sources.get(name, name)] for name in wanted], names=wanted), codes
            return
        rows = rows or BATCH_ROWS
        names = columns or self.schema.names
        cursors: dict[int, ShardCursor | PairedCursor] = {}
        files = OpenFiles()
        total = len(self) if positions is None else len(positions)
        order_shard = self.order_shard if positions is None else self.order_shard[positions]
        left = np.bincount(order_shard, minlength=len(self.outputs)) if total else np.zeros(0, np.int64)
        for start in range(0, total, rows):
            if positions is None:
                shards = self.order_shard[start : start + rows]
                wanted = self.order_row[start : start + rows]
                codes = self.split_codes[start : start + rows]
            else:
                chosen = positions[start : start + rows]
                shards, wanted, codes = self.order_shard[chosen], self.order_row[chosen], self.split_codes[chosen]
            pieces, placed = [], []
            for shard in np.unique(shards):
                mask = shards == shard
                if int(shard) not in cursors:
                    cursors[int(shard)] = self.outputs[int(shard)].cursor(names, files)
                pieces.append(cursors[int(shard)].take(wanted[mask]))
                placed.append(np.nonzero(mask)[0])
                left[shard] -= len(pieces[-1])
                if not left[shard]:  # the shard's last document: its buffers and files are done with
                    del cursors[int(shard)]
                    self.outputs[int(shard)].close(files)
            table = pa.concat_tables(pieces)
            placed_order = np.concatenate(placed)
            if np.any(placed_order[1:] < placed_order[:-1]):  # shards interleave in this batch: reorder
                inverse = np.empty(len(shards), dtype=np.int64)
                inverse[placed_order] = np.arange(len(shards))
                table = table.take(pa.array(inverse))
            if self.duplicate_of and "duplicate_of" in names:
                dups = (values_between(self.duplicate_of, start, start + len(shards)) if positions is None
                        else values_at(self.duplicate_of, positions[start : start + rows]))
                if dups is not None:
                    index = names.index("duplicate_of")
                    table = table.set_column(index, table.schema.field(index), dups)
            yield table.combine_chunks(), codes

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for table, _ in self.batches():
            yield from table.to_pylist()


class RawTexts(Mapping[str, str]):
    """Raw text by document id (only when the build keeps it), read on first use."""

    def __init__(self, docs: DocumentSet | None) -> None:
        self._docs = docs
        self._loaded: dict[str, str] | None = None

    def _data(self) -> dict[str, str]:
        if self._loaded is None:
            self._loaded = {}
            if self._docs is not None and len(self._docs):
                for table, _ in self._docs.batches(columns=["id", "_raw_text"]):
                    self._loaded.update(zip(table["id"].to_pylist(), table["_raw_text"].to_pylist(), strict=True))
        return self._loaded

    def __getitem__(self, key: str) -> str:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())
