"""Corpus-level merge stages over the shard outputs, without holding the documents in memory.

A first pass reads only the key columns of every shard (id, date, source, …) and
decides everything corpus-wide: which records repeat an id (rejected, naming the first),
which paragraphs are an outlet's repeated lines, which documents are exact or near duplicates
(``masthead.engine.evidence``), which are dropped, the split of each document and the global
order by id. Repeated lines are
decided here and stripped by the workers (:mod:`masthead.engine.strip_stage`), once, into each
shard's final file. The second pass (:meth:`DocumentSet.batches`) streams the documents in
order from those files: every shard file is sorted by id, so a k-way merge reads each shard
front to back with a small buffer (:mod:`masthead.engine.documents`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.engine.documents import DocumentSet, ShardOutput, read_columns
from masthead.engine.evidence import corpus_evidence, repeated_groups
from masthead.engine.memory import return_free_memory
from masthead.engine.position_map import PositionMap
from masthead.engine.speculative_strip import Speculation, load_decision, save_decision
from masthead.engine.strip_stage import Runner, run_inline, run_strip_stage
from masthead.engine.task import COVERED, read_meta
from masthead.errors import DUPLICATE_ID, Reject
from masthead.pipeline.splits import split_of

# What the corpus-wide decisions read of every document, dictionary-encoded where values repeat
# (the text hashes are read later, by the duplicate search, as 64-bit prefixes)
KEY_COLUMNS = ["id", "date", "source", "language", "outlet", "_filled"]
DICTIONARY_COLUMNS = ["date", "source", "language", "outlet"]
SPLIT_CHUNK = 65_536
Beside = Callable[["DocumentSet"], Callable[[], Any]]  # see ``merge``


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
    skipped: Counter[str] = field(default_factory=Counter)  # input records that are not documents, by kind
    beside: Any = None  # the result of the work ``merge(beside=...)`` started


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
        table = read_columns(outputs[shard].docs_path, columns).take(pa.array(wanted))
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
        column = read_columns(outputs[shard].docs_path, ["_notes"])["_notes"].take(pa.array(indices))
        for value in column.to_pylist():
            for name, reason in json.loads(value) if value else []:
                found[(name, reason)] += 1
    return found


def merge(outputs: list[ShardOutput], schema: pa.Schema, splits: dict[str, float], drop_duplicates: bool,
          run: Runner = run_inline, workers: int = 1, fresh: Sequence[int] = (),
          decision_file: Path | None = None, beside: Beside | None = None) -> MergeResult:
    """Run the corpus-level stages (the stripping on ``run``'s ``workers``); the documents stay on disk.

    ``decision_file``: where the repeated lines decided are kept for the next build, which strips
    the shards it processed again (``fresh``, by index) with them ahead of its own count
    (:mod:`masthead.engine.speculative_strip`). ``beside``: called with the published documents
    as soon as they are final but for ``duplicate_of`` (before the duplicate search, unless
    duplicates are dropped: then after it), it starts work that runs while the search does and
    returns what waits for its result (kept as ``MergeResult.beside``)."""
    metas = [read_meta(o.folder) for o in outputs]
    docs_paths = [o.docs_path for o in outputs]
    # the shards just processed are stripped with the last decision while this process counts
    speculation = Speculation(docs_paths, fresh, load_decision(decision_file) if decision_file else {}, run, workers)
    docs: DocumentSet | None = None
    waiting: Callable[[], Any] | None = None
    try:
        keys = _keys(outputs)
        accepted_rows, rejected_at, id_rejects = _duplicate_ids(keys, outputs)
        accepted = keys.take(pa.array(accepted_rows))  # in id order: position = rank of the id
        del keys, accepted_rows
        members = heads = np.zeros(0, dtype=np.int64)
        if len(accepted):
            repeated = repeated_groups(docs_paths, accepted)
            speculation.join()  # the stage finds the final files it guessed right
            if decision_file is not None:
                save_decision(decision_file, repeated)
            read_paths = run_strip_stage(docs_paths, repeated, run, workers)
            for output, path in zip(outputs, read_paths, strict=True):
                output.read_path = path
            if not drop_duplicates:  # every accepted document is published: final now, but for duplicate_of
                docs = _document_set(outputs, schema, accepted, None, splits)
                waiting = beside(docs) if beside is not None else None
            evidence = corpus_evidence(read_paths, accepted)
            members, heads = evidence.members, evidence.heads
    finally:
        speculation.join()
    published: np.ndarray | None = None  # positions kept (None: all)
    if drop_duplicates and len(members):
        keep = np.ones(len(accepted), dtype=bool)
        keep[members] = False
        published = np.flatnonzero(keep)
    if docs is None:
        docs = _document_set(outputs, schema, accepted, published, splits)
        waiting = beside(docs) if beside is not None else None
    elif len(members):  # positions in the published order are positions in id order
        docs.duplicate_of = PositionMap(members, accepted["id"].take(pa.array(heads)).combine_chunks())
        docs.duplicate_ids = accepted["id"].take(pa.array(members)).combine_chunks()
    count = len(docs)
    total = len(accepted)
    del accepted, published
    ordered: list[tuple[int, int, Reject]] = list(id_rejects)
    notes: dict[str, Counter[str]] = {}
    for index, meta in enumerate(metas):
        ordered.extend((index, seq, Reject.from_dict(data)) for seq, data in meta["rejects"])
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
        skipped=sum((Counter(m.get("skipped", {})) for m in metas), Counter()),
    )
    del metas, ordered
    if waiting is not None:
        result.beside = waiting()
    return_free_memory()
    return result


def _document_set(outputs: list[ShardOutput], schema: pa.Schema, accepted: pa.Table, published: np.ndarray | None,
                  splits: dict[str, float]) -> DocumentSet:
    """The published documents (``published``: their positions in ``accepted``; None: all), without
    ``duplicate_of``."""
    split_names = list(splits)
    if not len(accepted) or (published is not None and not len(published)):
        empty = np.zeros(0, dtype=np.int64)
        return DocumentSet(outputs, schema, empty, empty, split_names, np.zeros(0, dtype=np.int8))
    table = accepted if published is None else accepted.select(
        ["id", "language", "_filled", "_shard", "_row"]).take(pa.array(published))
    filled = table["_filled"].to_numpy(zero_copy_only=False).astype(np.int64)
    coverage = {name: int(np.count_nonzero(filled & (1 << bit))) for bit, name in enumerate(COVERED)}
    return DocumentSet(
        outputs, schema, table["_shard"].to_numpy(zero_copy_only=False),
        table["_row"].to_numpy(zero_copy_only=False), split_names, _split_codes(table["id"], splits),
        coverage_counts=coverage,
        language_tags=[str(v) for v in pc.unique(table["language"].cast(pa.string())).to_pylist()],
    )
