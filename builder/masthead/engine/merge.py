"""Corpus-level merge stages over the shard outputs, without holding the documents in memory.

A first pass reads only the key columns of every shard (id, date, source, …) and
decides everything corpus-wide: which records repeat an id (rejected, naming the first),
which paragraphs are an outlet's repeated lines, which documents are exact or near duplicates
(``masthead.engine.evidence``), which are dropped, the split of each document and the global
order by id. Repeated lines are
decided here and stripped by the workers (:mod:`masthead.engine.strip_stage`), once, into each
shard's final file. The second pass (:meth:`DocumentSet.batches`) streams the documents in
order from those files: every shard file is sorted by id, so a k-way merge reads each shard
front to back with a small buffer.
"""

from __future__ import annotations

import ctypes
import json
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.engine.evidence import corpus_evidence, repeated_groups
from masthead.engine.shards import Shard
from masthead.engine.strip_stage import Runner, run_inline, run_strip_stage
from masthead.engine.task import COVERED, DOCS, read_meta, reject_from_dict
from masthead.errors import DUPLICATE_ID, Reject
from masthead.splits import split_of

# What the corpus-wide decisions read of every document, dictionary-encoded where values repeat
# (the text hashes are read later, by the duplicate search, as 64-bit prefixes)
KEY_COLUMNS = ["id", "date", "source", "language", "outlet", "_filled"]
DICTIONARY_COLUMNS = ["date", "source", "language", "outlet"]
SPLIT_CHUNK = 65_536
BATCH_ROWS = 4096  # documents per batch of the write pass (~20 MB of 5 KB articles)
OPEN_FILES = 16  # shard files a pass keeps open (ids in shard order use one or two at a time)


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


@dataclass
class MergeResult:
    docs: DocumentSet
    rejects: list[Reject]
    notes: dict[str, Counter[str]]
    input_records: int
    accepted: int
    duplicates: int
    dropped: int
    manifest_used: set[str] = field(default_factory=set)


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

    One row group at a time (bounded in bytes when written, ``task.WORK_GROUP_BYTES``), without
    the Parquet reader's read-ahead, so a k-way merge over many shards holds about one row
    group per shard; the file is opened through ``files`` (shared by a pass's cursors)."""

    def __init__(self, path: Path, columns: list[str], files: OpenFiles | None = None) -> None:
        self._path = path
        self._files = files or OpenFiles(1)
        self._columns = columns
        self._group = 0
        self._buffer: pa.Table | None = None
        self._offset = 0  # row number of the buffer's first row

    def take(self, rows: np.ndarray) -> pa.Table:
        last = int(rows[-1])
        parts = [] if self._buffer is None else [self._buffer]
        end = self._offset + (0 if self._buffer is None else len(self._buffer))
        while end <= last:
            group = self._files.get(self._path).read_row_group(self._group, columns=self._columns, use_threads=False)
            self._group += 1
            parts.append(group)
            end += group.num_rows
        buffer = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        gapless = last - int(rows[0]) + 1 == len(rows)  # the usual case: a zero-copy slice
        taken = buffer.slice(int(rows[0]) - self._offset, len(rows)) if gapless else buffer.take(pa.array(rows - self._offset))
        keep_from = last + 1 - self._offset
        self._buffer = buffer.slice(keep_from)
        self._offset = last + 1
        return taken


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

    def languages(self) -> list[str]:
        """Primary language subtags of the published documents, sorted (``und`` left out)."""
        return sorted({tag.split("-")[0] for tag in self.language_tags if tag != "und"})

    def batches(self, rows: int = BATCH_ROWS, columns: list[str] | None = None) -> Iterator[tuple[pa.Table, np.ndarray]]:
        """(table, split codes) in id order, ``rows`` at a time, ``duplicate_of`` filled in."""
        names = columns or self.schema.names
        cursors: dict[int, ShardCursor] = {}
        files = OpenFiles()
        left = np.bincount(self.order_shard, minlength=len(self.outputs)) if len(self) else np.zeros(0, np.int64)
        for start in range(0, len(self), rows):
            shards = self.order_shard[start : start + rows]
            wanted = self.order_row[start : start + rows]
            pieces, positions = [], []
            for shard in np.unique(shards):
                mask = shards == shard
                if int(shard) not in cursors:
                    cursors[int(shard)] = ShardCursor(self.outputs[int(shard)].final_path, names, files)
                pieces.append(cursors[int(shard)].take(wanted[mask]))
                positions.append(np.nonzero(mask)[0])
                left[shard] -= len(pieces[-1])
                if not left[shard]:  # the shard's last document: its buffer and file are done with
                    del cursors[int(shard)]
                    files.close(self.outputs[int(shard)].final_path)
            table = pa.concat_tables(pieces)
            inverse = np.empty(len(shards), dtype=np.int64)
            inverse[np.concatenate(positions)] = np.arange(len(shards))
            table = table.take(pa.array(inverse))
            if self.duplicate_of and "duplicate_of" in names:
                dups = [self.duplicate_of.get(i) for i in range(start, start + len(shards))]
                if any(d is not None for d in dups):
                    index = names.index("duplicate_of")
                    table = table.set_column(index, table.schema.field(index), pa.array(dups, pa.string()))
            yield table.combine_chunks(), self.split_codes[start : start + rows]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for table, _ in self.batches():
            yield from table.to_pylist()


class PositionMap(Mapping[int, str]):
    """Position -> string for some positions, held as a sorted ``int64`` array and an Arrow array
    (no Python object per entry: a corpus can have hundreds of thousands of duplicates)."""

    def __init__(self, positions: np.ndarray, values: pa.Array) -> None:
        self._positions = np.asarray(positions, dtype=np.int64)
        self._values = values

    def _index(self, key: object) -> int | None:
        if not isinstance(key, int | np.integer) or not len(self._positions):
            return None
        i = int(np.searchsorted(self._positions, key))
        return i if i < len(self._positions) and self._positions[i] == key else None

    def __getitem__(self, key: int) -> str:
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        return str(self._values[i].as_py())

    def get(self, key: int, default: Any = None) -> Any:
        i = self._index(key)
        return default if i is None else self._values[i].as_py()

    def __contains__(self, key: object) -> bool:
        return self._index(key) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self._positions.tolist())

    def __len__(self) -> int:
        return len(self._positions)


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


def _keys(outputs: list[ShardOutput]) -> pa.Table:
    """The key columns of every shard's documents, shard after shard in row order, with ``_shard``
    and ``_row`` (about 25 bytes a document plus its id)."""
    tables = []
    for index, output in enumerate(outputs):
        with pq.ParquetFile(output.docs_path, read_dictionary=DICTIONARY_COLUMNS) as file:
            # one chunk per column: a work file's row groups are small, and a chunk per row group
            # costs more memory in Arrow objects than the keys themselves
            table = file.read(columns=KEY_COLUMNS, use_threads=False).combine_chunks()
        table = table.append_column("_shard", pa.array(np.full(len(table), index, dtype=np.int32)))
        table = table.append_column("_row", pa.array(np.arange(len(table), dtype=np.int32)))
        tables.append(table)
    return pa.concat_tables(tables, promote_options="permissive") if tables else pa.table({})


def _where(row: dict[str, Any]) -> str:
    return row["source"] + (f":{row['source_record']}" if row["source_record"] is not None else "")


def _rows_of(outputs: list[ShardOutput], shards: np.ndarray, rows: np.ndarray, columns: list[str]) -> list[dict[str, Any]]:
    """``columns`` of the given (shard, row) documents, read from the work files, in the order given."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for shard in np.unique(shards).tolist():
        wanted = rows[shards == shard]
        table = pq.read_table(outputs[shard].docs_path, columns=columns).take(pa.array(wanted))
        found.update({(shard, row): values for row, values in zip(wanted.tolist(), table.to_pylist(), strict=True)})
    return [found[(shard, row)] for shard, row in zip(shards.tolist(), rows.tolist(), strict=True)]


def _duplicate_ids(keys: pa.Table, outputs: list[ShardOutput]) -> tuple[np.ndarray, list[tuple[int, int]],
                                                                          list[tuple[int, int, Reject]]]:
    """(rows of the accepted records in id order, (shard, row) of the records whose id an earlier
    record already has, their rejects naming that record).

    Input order is (shard, position in the shard): the key table's rows come shard after shard and
    each work file is sorted by (id, position), so a stable sort by id puts the records of an id
    in input order."""
    n = len(keys)
    order = pc.sort_indices(keys["id"]).to_numpy().astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    same = np.zeros(n, dtype=bool)
    if n > 1:
        ids = keys["id"].take(pa.array(order))
        same[1:] = pc.fill_null(pc.equal(ids.slice(1), ids.slice(0, n - 1)), False).to_numpy(zero_copy_only=False)
        del ids
    if not same.any():
        return order, [], []
    positions = np.flatnonzero(same)
    first = np.maximum.accumulate(np.where(~same, np.arange(n), 0))[positions]
    rows, heads = order[positions], order[first]
    shard = keys["_shard"].to_numpy(zero_copy_only=False)
    row = keys["_row"].to_numpy(zero_copy_only=False)
    columns = ["id", "source", "source_record", "_seq"]
    records = _rows_of(outputs, shard[rows], row[rows], columns)
    earlier = _rows_of(outputs, shard[heads], row[heads], columns)
    out = []
    for index, record, head in zip(rows.tolist(), records, earlier, strict=True):
        reject = Reject.of(DUPLICATE_ID, record["source"], record["source_record"], field="/id", id=record["id"],
                           other=_where(head))
        out.append((int(shard[index]), record["_seq"], reject))
    rejected = np.sort(rows)
    return order[~same], list(zip(shard[rejected].tolist(), row[rejected].tolist(), strict=True)), out


def _split_codes(ids: pa.Array | pa.ChunkedArray, splits: dict[str, float]) -> np.ndarray:
    """Each id's split (index into ``splits``), a chunk of ids at a time."""
    names = list(splits)
    if len(names) < 2:
        return np.zeros(len(ids), dtype=np.int8)
    code = {name: i for i, name in enumerate(names)}
    out = np.empty(len(ids), dtype=np.int8)
    for start in range(0, len(ids), SPLIT_CHUNK):
        chunk = ids.slice(start, SPLIT_CHUNK).to_pylist()
        out[start : start + len(chunk)] = [code[split_of(i, splits)] for i in chunk]
    return out


def _notes_of_rows(outputs: list[ShardOutput], rows: list[tuple[int, int]]) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    by_shard: dict[int, list[int]] = {}
    for shard, row in rows:
        by_shard.setdefault(shard, []).append(row)
    for shard, indices in by_shard.items():
        column = pq.read_table(outputs[shard].docs_path, columns=["_notes"])["_notes"].take(pa.array(indices))
        for value in column.to_pylist():
            for name, reason in json.loads(value) if value else []:
                found[(name, reason)] += 1
    return found


def _return_free_memory() -> None:
    """Give the memory the merge freed back to the system before the write pass: Arrow's and the C
    library's allocators keep freed pages for reuse (~100 MB at a million documents), and the
    write pass allocates other sizes, much of it in the other allocator."""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc; absent on musl
        except OSError:
            return
        if trim is not None:
            trim(0)


def merge(outputs: list[ShardOutput], schema: pa.Schema, splits: dict[str, float], drop_duplicates: bool,
          run: Runner = run_inline) -> MergeResult:
    """Run the corpus-level stages (the stripping on ``run``'s workers); the documents stay on disk."""
    metas = [read_meta(o.folder) for o in outputs]
    keys = _keys(outputs)
    accepted_rows, rejected_at, id_rejects = _duplicate_ids(keys, outputs)
    accepted = keys.take(pa.array(accepted_rows))  # in id order: position = rank of the id
    del keys, accepted_rows
    members = heads = np.zeros(0, dtype=np.int64)
    if len(accepted):
        docs_paths = [o.docs_path for o in outputs]
        read_paths = run_strip_stage(docs_paths, repeated_groups(docs_paths, accepted), run)
        for output, path in zip(outputs, read_paths, strict=True):
            output.read_path = path
        evidence = corpus_evidence(read_paths, accepted)
        members, heads = evidence.members, evidence.heads
    published: np.ndarray | None = None  # positions kept (None: all)
    if drop_duplicates and len(members):
        keep = np.ones(len(accepted), dtype=bool)
        keep[members] = False
        published = np.flatnonzero(keep)
    split_names = list(splits)
    count = len(accepted) if published is None else len(published)
    if count:
        table = accepted if published is None else accepted.select(
            ["id", "language", "_filled", "_shard", "_row"]).take(pa.array(published))
        duplicate_of: Mapping[int, str] = {}
        if len(members) and not drop_duplicates:  # positions in the published order are positions in id order
            duplicate_of = PositionMap(members, accepted["id"].take(pa.array(heads)).combine_chunks())
        filled = table["_filled"].to_numpy(zero_copy_only=False).astype(np.int64)
        coverage = {name: int(np.count_nonzero(filled & (1 << bit))) for bit, name in enumerate(COVERED)}
        del filled
        docs = DocumentSet(
            outputs, schema, table["_shard"].to_numpy(zero_copy_only=False),
            table["_row"].to_numpy(zero_copy_only=False), split_names, _split_codes(table["id"], splits),
            duplicate_of, coverage, [str(v) for v in pc.unique(table["language"].cast(pa.string())).to_pylist()],
        )
        del table
    else:
        empty = np.zeros(0, dtype=np.int64)
        docs = DocumentSet(outputs, schema, empty, empty, split_names, np.zeros(0, dtype=np.int8))
    total = len(accepted)
    del accepted, published
    ordered: list[tuple[int, int, Reject]] = list(id_rejects)
    notes: dict[str, Counter[str]] = {}
    for index, meta in enumerate(metas):
        ordered.extend((index, seq, reject_from_dict(data)) for seq, data in meta["rejects"])
        for name, reasons in meta["notes"].items():
            notes.setdefault(name, Counter()).update(reasons)
    if id_rejects:
        for (name, reason), found in _notes_of_rows(outputs, rejected_at).items():
            notes[name][reason] -= found
            if notes[name][reason] <= 0:
                del notes[name][reason]
    ordered.sort(key=lambda item: (item[0], item[1]))
    result = MergeResult(
        docs=docs,
        rejects=[r for _, _, r in ordered],
        notes={k: v for k, v in notes.items() if v},
        input_records=sum(m["records"] for m in metas),
        accepted=total,
        duplicates=len(members),
        dropped=total - count,
        manifest_used={path for m in metas for path in m["manifest_used"]},
    )
    del metas, ordered
    _return_free_memory()
    return result
