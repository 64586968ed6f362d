"""The stripping stage: each shard's repeated lines removed by a worker, once, and kept on disk.

The merge decides which paragraphs are an outlet's repeated lines (a corpus-wide count,
:func:`masthead.engine.evidence.repeated_groups`); this stage applies that decision shard by
shard on the engine's workers: every document of a group with repeated lines loses them, and
gets a new ``cleaning`` record, ``content_sha256`` and word count. Every document gets its
MinHash signature here, of its final text: computed once, never for a text that is then
stripped; and its paragraph count and the hashes of the lines it lost (``_paras``, ``_stripped``:
what a metadata-only release records for ``masthead hydrate`` to strip them again). The result
is the shard's final file, ``stripped-<digest>.parquet``, beside its work file, named after the
repeated lines it applied, so a rebuild whose decision for a shard is unchanged reuses the file
(it lives in the shard's cache entry). Its long columns (the text) are in
``stripped-<digest>.text.parquet``, in small row groups, written first.

Everything after this stage (duplicates, the release, the diff) reads the final files:
the text is stripped and signed exactly once per build, in parallel.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from masthead.engine.faults import checkpoint
from masthead.engine.parts import PartsOf
from masthead.errors import MastheadError

PREFIX = "stripped-"
DONE_SUFFIX = ".parquet"
TEXT_SUFFIX = ".text.parquet"  # the long columns, beside the final file (written first)
STRIP_READS = ["text", "cleaning", "content_sha256", "_para"]
READ_GROUPS = 1  # row groups (~2 MiB, ~320 articles each, task.WORK_GROUP_BYTES) read and stripped at a time
# The long columns go to their own file, in row groups of ~256 KiB (~50 articles of 5 KB): the
# write pass's k-way merge holds one row group of every shard it reads from, and when the ids of
# the shards interleave (ids not in file order) that is every shard at once. Measured at 100k
# documents with hashed ids: 812 MB peak with the text in the 2 MiB row groups, against 664 MB with
# ids in file order; at a million documents (327 shards) the 2 MiB groups alone would be ~650 MB.
LONG_COLUMNS = ("text", "_raw_text")
TEXT_GROUP_BYTES = 256 * 1024

Call = tuple[Any, Callable[..., Any], tuple[Any, ...]]  # (key, picklable function, arguments)
Done = Callable[[Any, Any], None]  # done(key, result)
Runner = Callable[[Sequence[Call], Done], None]


def run_inline(calls: Sequence[Call], done: Done) -> None:
    """A :data:`Runner` that runs every call in this process."""
    for key, fn, args in calls:
        done(key, fn(*args))


def group_names(table: Any) -> Any:
    """Each document's group for repeated lines: ``outlet:<name>``, else ``folder:<source folder>``
    (as :func:`masthead.clean.repeated_lines.group_of`), as a string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    source = table["source"].cast(pa.string())
    folder = pc.replace_substring_regex(pc.replace_substring_regex(source, "^[^/]*$", ""), "/[^/]*$", "")
    outlet = table["outlet"].cast(pa.string())
    has_outlet = pc.fill_null(pc.not_equal(outlet, ""), False)
    return pc.if_else(has_outlet, pc.binary_join_element_wise("outlet:", outlet, ""),
                      pc.binary_join_element_wise("folder:", folder, ""))


def digest(repeated: dict[str, frozenset[str]]) -> str:
    """Names the decision applied to a shard: its groups and their repeated-line hashes."""
    data = json.dumps({group: sorted(hashes) for group, hashes in sorted(repeated.items())}, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]


def stripped_path(folder: Path, repeated: dict[str, frozenset[str]] | None) -> Path:
    return folder / f"{PREFIX}{digest(repeated or {})}{DONE_SUFFIX}"


def text_path(final: Path) -> Path:
    """The file holding the long columns (``LONG_COLUMNS``) of the final file ``final``."""
    return final.with_name(final.name.removesuffix(DONE_SUFFIX) + TEXT_SUFFIX)


def read_path(docs_path: Path, repeated: dict[str, frozenset[str]] | None) -> Path | None:
    """The file to read the shard's final documents from, or None when the stage has not run yet
    (the final file is written after its text file: with it, both are complete)."""
    path = stripped_path(docs_path.parent, repeated)
    return path if path.is_file() and text_path(path).is_file() else None


def strip_shard(docs_path: str, out_path: str, repeated: dict[str, frozenset[str]]) -> int:
    """Write ``out_path``: the work file ``docs_path`` with the repeated lines of ``repeated``'s
    groups removed and every document's MinHash signature. Returns the documents changed.

    Streamed, ``READ_GROUPS`` row groups at a time, so a worker holds a few hundred documents
    however large the shard. A pure function of its arguments and the file, so any engine can run it."""
    import pyarrow.parquet as pq

    from masthead.engine.memory import return_free_memory

    with pq.ParquetFile(docs_path) as source:
        changed = write_final(Path(out_path), source.schema_arrow,
                              _stripped(source, range(source.num_row_groups), repeated))
    return_free_memory()  # as after a shard: the worker's memory stays that of one shard
    return changed


def strip_groups(docs_path: str, first: int, stop: int, repeated: dict[str, frozenset[str]]) -> list[tuple[Any, int]]:
    """Row groups ``first`` to ``stop`` of the work file ``docs_path``, stripped and signed (a table
    and the documents changed, per row group): a part of :func:`strip_shard`'s work, for a shard
    stripped on several workers and written by :func:`write_final`."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(docs_path) as source:
        return list(_stripped(source, range(first, stop), repeated))


def _stripped(source: Any, groups: range, repeated: dict[str, frozenset[str]]) -> Iterator[tuple[Any, int]]:
    for first in range(groups.start, groups.stop, READ_GROUPS):
        read = range(first, min(first + READ_GROUPS, groups.stop))
        yield _strip_table(source.read_row_groups(read, use_threads=False), repeated)


def write_final(target: Path, schema: Any, tables: Iterable[tuple[Any, int]]) -> int:
    """Write the final file ``target`` and its text file from stripped ``tables`` (with the documents
    each changed), the text file first; returns the documents changed."""
    import pyarrow as pa

    from masthead.engine.task import remove_dead_temps, work_file_writer

    texts = text_path(target)
    remove_dead_temps(target.parent)  # of a stripping killed part-way
    for stale in target.parent.glob(f"{PREFIX}*"):  # another decision's files: never read again
        if stale.name not in (target.name, texts.name) and ".tmp-" not in stale.name:
            stale.unlink(missing_ok=True)
    target.unlink(missing_ok=True)  # the final file last: never beside an older text file
    long = [name for name in schema.names if name in LONG_COLUMNS]
    short = [name for name in schema.names if name not in LONG_COLUMNS]
    changed = 0
    # the text file is complete (renamed into place) before the final file is: inner block first
    with (work_file_writer(target, pa.schema([schema.field(name) for name in short])) as write,
          work_file_writer(texts, pa.schema([schema.field(name) for name in long]), TEXT_GROUP_BYTES) as write_text):
        for table, count in tables:
            write_text(table.select(long))
            write(table.select(short))
            changed += count
        checkpoint("strip.shard")
    return changed


def _strip_table(table: Any, repeated: dict[str, frozenset[str]]) -> tuple[Any, int]:
    """``table`` with its documents' repeated lines removed and every signature filled in."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from masthead.clean.repeated_lines import removed_hashes, strip_repeated
    from masthead.duplicates.minhash import paragraph_count, signature
    from masthead.engine.evidence_columns import band_column, hash_prefixes
    from masthead.pipeline.words import word_count

    groups = group_names(table).to_pylist()
    rows = [i for i, group in enumerate(groups) if group in repeated]
    changed: dict[int, dict[str, Any]] = {}
    stripped: list[list[str]] = [[] for _ in range(table.num_rows)]
    if rows:
        subset = table.select(STRIP_READS).take(pa.array(rows, pa.int64())).to_pylist()
        for row, doc in zip(rows, subset, strict=True):
            result = strip_repeated(doc, repeated[groups[row]], doc["_para"])
            if result is not doc:
                changed[row] = result
                stripped[row] = removed_hashes(doc, repeated[groups[row]], doc["_para"])
    for name in ("text", "cleaning", "content_sha256", "_words", "_chars") if changed else ():
        values = table[name].to_pylist()
        for row, doc in changed.items():
            values[row] = word_count(doc["text"]) if name == "_words" else len(doc["text"]) if name == "_chars" else doc[name]
        table = _replace(table, name, values)
    texts = table["text"].to_pylist()
    signatures = [signature(text) for text in texts]
    table = _replace(table, "_minhash", signatures)
    table = _replace(table, "_paras", [paragraph_count(text) for text in texts])
    table = _replace(table, "_stripped", stripped)
    table = _set(table, "_bands", band_column(signatures))
    table = _set(table, "_bytes", pc.binary_length(table["text"]).cast(pa.int64()))
    return _set(table, "_sha64", hash_prefixes(table["content_sha256"])), len(changed)


def _group_runs(docs_path: Path, count: int) -> list[tuple[int, int]]:
    """The work file's row groups cut into ``count`` runs (first, stop) of about equal rows; none for a
    file under ``MIN_SPLIT_BYTES`` (cheaper stripped whole than a worker's share)."""
    import pyarrow.parquet as pq

    from masthead.engine.task import MIN_SPLIT_BYTES

    if count < 2 or docs_path.stat().st_size < MIN_SPLIT_BYTES:
        return []
    groups = pq.ParquetFile(docs_path).metadata.num_row_groups
    cuts = sorted({groups * k // count for k in range(count + 1)})
    return [(first, stop) for first, stop in pairwise(cuts) if stop > first]


def _set(table: Any, name: str, column: Any) -> Any:
    index = table.schema.get_field_index(name)
    return table.set_column(index, table.schema.field(index), column)


def _replace(table: Any, name: str, values: list[Any]) -> Any:
    import pyarrow as pa

    return _set(table, name, pa.array(values, table.schema.field(name).type))


def run_strip_stage(docs_paths: list[Path], repeated: dict[int, dict[str, frozenset[str]]], run: Runner,
                    spread: int = 1) -> list[Path]:
    """Every shard's final file (stripping those not done yet on ``run``'s workers), by shard index.

    Fewer shards to strip than ``spread`` workers (a rebuild after a few files changed): a shard's
    row groups are cut into runs stripped on several workers, and the shard written here."""
    paths: list[Path | None] = [read_path(path, repeated.get(index)) for index, path in enumerate(docs_paths)]
    todo = [index for index, path in enumerate(paths) if path is None]
    calls: list[Call] = []

    def write(index: Any, parts: list[Any]) -> None:
        import pyarrow.parquet as pq

        docs = docs_paths[index]
        write_final(stripped_path(docs.parent, repeated.get(index)), pq.read_schema(docs),
                    (item for part in parts for item in part))

    pieces = PartsOf(write)
    for index in todo:
        docs, decision = docs_paths[index], repeated.get(index) or {}
        target = stripped_path(docs.parent, repeated.get(index))
        runs = _group_runs(docs, spread // len(todo)) if len(todo) < spread else []
        if len(runs) < 2:
            calls.append((index, strip_shard, (str(docs), str(target), decision)))
            continue
        pieces.expect(index, len(runs))
        calls.extend(((index, i), strip_groups, (str(docs), first, stop, decision))
                     for i, (first, stop) in enumerate(runs))

    def finished(key: Any, result: Any) -> None:
        if isinstance(key, tuple):
            whole, part = key
            pieces.add(whole, part, result)

    if calls:
        run(calls, finished)
        checkpoint("strip.done")
    out = []
    for index, docs_path in enumerate(docs_paths):
        found = read_path(docs_path, repeated.get(index))
        if found is None:  # pragma: no cover - the stage just wrote it
            raise MastheadError(f"{docs_path.parent}: the stripping stage left no output; run the build again")
        out.append(found)
    return out
