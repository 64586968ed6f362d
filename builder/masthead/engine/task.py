"""The shard function every engine runs: one shard's records through the per-document pipeline.

``run_shard`` reads the shard's input files, runs :func:`masthead.pipeline.process.process_record`
on each record and writes the results into the shard's output folder (or, for a shard that
should use several workers, ``process_sources`` runs on runs of its files, and ``write_shard``
writes the folder from their pieces: the same bytes):

- ``docs.parquet``: the documents, sorted by (id, position), plus private columns
  (``_seq`` position of the record in the shard, ``_notes``, ``_filled``, ``_para`` packed
  paragraph hashes, ``_raw_text``; ``_minhash`` stays empty: the stripping stage computes the
  signature once, of the final text, :mod:`masthead.engine.strip_stage`);
- ``meta.json``: record count, rejects (with their position), note counts, manifest rows used;
- ``done``: an empty completion marker, written last. A folder without it is redone (so is a shard
  that found a file changed since the build listed it: its next build reads the file as it is then).

It is a pure function of its arguments and the input files, so any engine can run it and
the outputs are the same bytes wherever it ran.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.clean.repeated_lines import distinct_hashes, packed_hashes
from masthead.engine.faults import checkpoint
from masthead.engine.memory import return_free_memory
from masthead.engine.processes import pid_alive
from masthead.engine.shards import Shard
from masthead.errors import Reject
from masthead.pipeline.context import StepContext
from masthead.pipeline.records import Skipped
from masthead.readers import read_input
from masthead.readers.manifest import Manifest
from masthead.release.atomic import fsync_path

if TYPE_CHECKING:  # the pipeline loads in the shard worker only: a build whose shards are cached never needs it
    from masthead.pipeline.process import Processed

DOCS = "docs.parquet"
META = "meta.json"
DONE = "done"
SEQ = "_seq"  # a document's position among its shard's input records
# Row groups bounded in bytes keep the k-way merge's read buffers (one row group per shard) small
# however many shards there are and however long the documents; no statistics: nothing filters.
# 2 MiB (~320 articles of 5 KB): every pass that reads a few small columns of every document (the
# merge's keys and hashes, the diff, the report's counts) pays per row group; measured at 100k
# documents against 256 KiB (~40 articles), a full build took 7% less time and a rebuild after 1%
# changed 25% less, with the same peak memory (8 MiB gained nothing more).
WORK_ROW_GROUP = 1024
WORK_GROUP_BYTES = 2 * 1024 * 1024
COVERED = ("title", "outlet", "date", "authors", "url", "language")
# A shard is cut into runs for several workers only from this size of input: starting a pool of two
# workers costs ~0.27 s, about the time of 1,000 articles split over them (~5 MB; measured).
MIN_SPLIT_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ShardJob:
    """What every shard of one build shares (picklable: it travels to workers and Ray tasks)."""

    raw: Path
    limit: int
    ctx: StepContext
    keep_raw_text: bool
    manifest_source: str | None


def is_done(folder: Path) -> bool:
    return (folder / DONE).is_file()


def filled_mask(doc: dict[str, Any]) -> int:
    """Bit i set when the i-th field of COVERED holds a value (for the coverage figures)."""
    mask = 0
    for bit, name in enumerate(COVERED):
        value = doc.get(name)
        if value and value != "und":
            mask |= 1 << bit
    return mask


@dataclass
class ShardPiece:
    """The per-document results of some of a shard's sources (positions counted from 0 in them)."""

    records: int
    table: Any  # the documents, a pyarrow Table of the work schema in input order: built where they are
    rejects: list[tuple[int, dict[str, Any]]]
    notes: dict[str, Counter[str]]
    manifest_used: set[str]
    changed: set[str] = field(default_factory=set)  # sources that changed since the build listed them
    skipped: Counter[str] = field(default_factory=Counter)  # records that are not documents (WARC requests...), by kind


def run_shard(shard: Shard, job: ShardJob, folder: Path) -> int:
    """Process ``shard`` into ``folder`` (marker last); returns the number of input records."""
    return write_shard(job, folder, [process_sources(shard, job, shard.sources)])


def process_sources(shard: Shard, job: ShardJob, sources: tuple[str, ...]) -> ShardPiece:
    """Every record of ``sources`` (some of ``shard``'s, in order) through the per-document pipeline."""
    import pyarrow as pa

    from masthead.engine.columns import work_schema
    from masthead.pipeline.process import process_record
    from masthead.pipeline.words import word_count

    manifest = Manifest(source=job.manifest_source, rows=dict(shard.manifest_rows))
    docs: list[dict[str, Any]] = []
    rejects: list[tuple[int, dict[str, Any]]] = []
    notes: dict[str, Counter[str]] = {}
    changed: set[str] = set()
    skipped: Counter[str] = Counter()
    seq = 0
    for source in sources:
        for item in read_input(job.raw, source, manifest, job.limit, shard.part, shard.listed.get(source), changed):
            if isinstance(item, Skipped):
                skipped[item.kind] += 1
                continue
            result: Processed | Reject = item if isinstance(item, Reject) else process_record(item, job.ctx)
            checkpoint("process.record")
            if isinstance(result, Reject):
                rejects.append((seq, result.as_dict()))
            else:
                doc = result.doc
                doc[SEQ] = seq
                doc["_notes"] = json.dumps(result.notes) if result.notes else None
                doc["_filled"] = filled_mask(doc)
                doc["_minhash"] = None  # of the final text, in the stripping stage
                doc["_para"] = packed_hashes(doc["text"])  # repeated-line evidence (merge stage)
                doc["_para_set"] = distinct_hashes(doc["_para"])
                # of the final text, in the stripping stage
                doc["_bands"] = doc["_sha64"] = doc["_bytes"] = doc["_paras"] = doc["_stripped"] = None
                doc["_words"] = word_count(doc["text"])  # the report's word count, counted where the text is
                doc["_chars"] = len(doc["text"])
                if job.keep_raw_text:
                    doc["_raw_text"] = result.raw_text
                for name, reason in result.notes:
                    notes.setdefault(name, Counter())[reason] += 1
                docs.append(doc)
            seq += 1
        checkpoint("read.file")
    # the table is built here, on the worker: the process that writes the shard only sorts and
    # writes it (and never builds arrays from Python values, which has pyarrow import pandas)
    table = pa.Table.from_pylist(docs, schema=work_schema(job.ctx.schema_dir, job.keep_raw_text))
    return ShardPiece(seq, table, rejects, notes, set(manifest.used), changed, skipped)


def write_shard(job: ShardJob, folder: Path, pieces: list[ShardPiece]) -> int:
    """Write a shard's outputs from its pieces (its sources in order; the marker last); returns the
    number of input records. The bytes are the same however the sources were cut into pieces."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables: list[pa.Table] = []
    rejects: list[tuple[int, dict[str, Any]]] = []
    notes: dict[str, Counter[str]] = {}
    used: set[str] = set()
    skipped: Counter[str] = Counter()
    seq = 0
    for piece in pieces:
        skipped.update(piece.skipped)
        table = piece.table
        if seq:  # positions count on from the pieces before
            column = table.schema.get_field_index(SEQ)
            table = table.set_column(column, table.schema.field(column), pc.add(table[SEQ], seq))
        tables.append(table)
        rejects.extend((seq + position, reject) for position, reject in piece.rejects)
        for name, counter in piece.notes.items():
            notes.setdefault(name, Counter()).update(counter)
        used |= piece.manifest_used
        seq += piece.records
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DONE).unlink(missing_ok=True)
    remove_dead_temps(folder)
    table = pa.concat_tables(tables).sort_by([("id", "ascending"), (SEQ, "ascending")]).combine_chunks()
    del tables
    write_work_file(table, folder / DOCS)
    checkpoint("shard.docs-written")
    meta = {
        "records": seq,
        "docs": table.num_rows,
        "rejects": rejects,
        "notes": {name: dict(sorted(counter.items())) for name, counter in sorted(notes.items())},
        "manifest_used": sorted(used),
        **({"skipped": dict(sorted(skipped.items()))} if skipped else {}),  # absent without WARC input
    }
    temp = folder / f"{META}.tmp-{os.getpid()}"
    temp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    fsync_path(temp)
    os.replace(temp, folder / META)
    checkpoint("shard.meta-written")
    # both files and their names durable before the marker: a power cut never leaves "done" beside
    # a truncated file (a marker that itself is lost only means the shard is redone)
    fsync_path(folder)
    checkpoint("shard.done-before")
    if not any(piece.changed for piece in pieces):
        (folder / DONE).touch()  # a shard that met a file mid-change is read again by the next build
    del table
    return_free_memory()  # a worker runs many shards: without this its memory keeps growing
    return seq


def source_groups(shard: Shard, raw: Path, count: int, min_bytes: int | None = None) -> list[tuple[str, ...]]:
    """``shard``'s sources cut into at most ``count`` runs of about equal bytes, in order, so one shard
    can use several workers; whole when it is part of one file, or under ``min_bytes`` of input
    (default ``MIN_SPLIT_BYTES``)."""
    from masthead.engine.shards import file_size

    sources = shard.sources
    if count < 2 or len(sources) < 2 or shard.part is not None:
        return [sources]
    sizes = list(accumulate(max(1, file_size(raw, source)) for source in sources))
    if sizes[-1] < (MIN_SPLIT_BYTES if min_bytes is None else min_bytes):
        return [sources]
    # each cut after the source whose running total of bytes is nearest to k/count of the whole
    cuts = sorted({1 + min(range(len(sources) - 1), key=lambda i: abs(sizes[i] - sizes[-1] * k / count))
                   for k in range(1, count)})
    return [sources[start:end] for start, end in zip([0, *cuts], [*cuts, len(sources)], strict=True)]


def write_work_file(table: Any, path: Path) -> None:
    """A work file, durably and atomically: a temporary file named after this process, renamed."""
    with work_file_writer(path, table.schema) as write:
        write(table)


@contextmanager
def work_file_writer(path: Path, schema: Any, group_bytes: int = WORK_GROUP_BYTES) -> Iterator[Callable[[Any], None]]:
    """``write(table)`` appends to the work file ``path`` (row groups of about ``group_bytes``), which
    appears (durably, by rename from a temporary file named after this process) when the block ends
    without an error."""
    import pyarrow.parquet as pq

    temp = path.parent / f"{path.name}.tmp-{os.getpid()}"
    # lz4 without dictionaries: measured on a 5,000-document shard, writing and reading take less
    # than half zstd's time, for files about 40% larger (work files are read soon, then pruned)
    writer = pq.ParquetWriter(temp, schema, compression="lz4", use_dictionary=False, write_statistics=False)
    try:
        yield lambda table: writer.write_table(table, row_group_size=work_row_group(table, group_bytes))
        writer.close()
    except BaseException:
        writer.close()
        temp.unlink(missing_ok=True)
        raise
    fsync_path(temp)
    os.replace(temp, path)


def remove_dead_temps(folder: Path) -> None:
    """Remove ``*.tmp-<pid>`` files of killed runs (never those of a live process, e.g. a validate)."""
    for temp in folder.glob("*.tmp-*"):
        pid = temp.name.rpartition(".tmp-")[2]
        if pid.isdigit() and not pid_alive(int(pid)):
            temp.unlink(missing_ok=True)


def work_row_group(table: Any, group_bytes: int = WORK_GROUP_BYTES) -> int:
    """Rows per row group of a work file: about ``group_bytes``, at most ``WORK_ROW_GROUP``."""
    per_row = table.nbytes / max(1, table.num_rows)
    return max(1, min(WORK_ROW_GROUP, int(group_bytes // max(1.0, per_row))))


def read_meta(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / META).read_text(encoding="utf-8"))
    return data

