"""Two sets of documents compared as streams of Arrow tables in ascending id order (a merge-join).

Only the changes (ids and changed fields, a :class:`~masthead.release.diff.DocumentDiff`) are
kept in memory, and only rows whose columns differ are turned into Python values. A side that
turns out not to be in strictly ascending id order is matched in memory instead
(:func:`~masthead.release.diff.diff_rows`). Releases are read back from their Parquet files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.errors import IntegrityError
from masthead.release.diff import DocumentDiff, IdList, compare_rows, diff_rows
from masthead.release.layout import DATA

BATCH_ROWS = 4096
_SHARD_NAME = re.compile(r"^(.*)-\d{5}-of-\d{5}\.parquet$")
Tables = Callable[[], Iterable[pa.Table]]  # called again for the in-memory fallback


def release_rows(folder: Path) -> list[dict[str, Any]]:
    """Every document of a release, read back from its Parquet files (all splits)."""
    return [row for table in _release_files(folder) for row in table.to_pylist()]


def release_batches(folder: Path, rows: int | None = None, skip: tuple[str, ...] = ()) -> Iterator[pa.Table]:
    """A release's documents in ascending id order (its splits merged), ``rows`` at a time,
    without the columns in ``skip``."""
    rows = rows or BATCH_ROWS
    splits: dict[str, list[Path]] = {}
    for path in _parquet_paths(folder):
        match = _SHARD_NAME.match(path.name)
        splits.setdefault(match.group(1) if match else path.name, []).append(path)
    yield from _merge_sorted([_release_files(folder, paths, rows, skip) for paths in splits.values()])


def release_duplicates(folder: Path) -> dict[str, str]:
    """Id -> ``duplicate_of`` of a release's documents marked as duplicates (a release without the
    column has none)."""
    found: dict[str, str] = {}
    for table in _release_files(folder, rows=BATCH_ROWS, keep=("id", "duplicate_of")):
        if "duplicate_of" in table.column_names:
            marked = table.filter(pc.is_valid(table["duplicate_of"]))
            found.update(zip(marked["id"].to_pylist(), marked["duplicate_of"].to_pylist(), strict=True))
    return found


def _parquet_paths(folder: Path) -> list[Path]:
    paths = sorted((folder / DATA).glob("*.parquet"))
    if not paths:
        raise IntegrityError(f"{folder}: the release has no Parquet files under {DATA}/")
    return paths


def _release_files(folder: Path, paths: list[Path] | None = None, rows: int | None = None,
                   skip: tuple[str, ...] = (), keep: tuple[str, ...] | None = None) -> Iterator[pa.Table]:
    """The tables of a release's Parquet files (``rows`` at a time; None: a file at a time), without
    the columns in ``skip`` and, with ``keep``, only those of its columns a file has."""
    for path in paths if paths is not None else _parquet_paths(folder):
        try:
            if rows is None:
                yield pq.read_table(path)
                continue
            file = pq.ParquetFile(path)
            columns = [name for name in file.schema_arrow.names if name not in skip and (keep is None or name in keep)]
            for batch in file.iter_batches(batch_size=rows, columns=columns):
                yield pa.Table.from_batches([batch])
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise IntegrityError(f"{folder.name}: {path.relative_to(folder).as_posix()} cannot be read ({exc})") from exc


def diff_releases(old_folder: Path, new_folder: Path, previous: str | None, current: str | None) -> DocumentDiff:
    return diff_tables(lambda: release_batches(old_folder), lambda: release_batches(new_folder), previous, current)


class _NotAscending(Exception):
    """A side's ids are not strictly ascending: it is matched in memory instead."""


def diff_tables(old: Tables | None, new: Tables, previous: str | None = None, current: str | None = None) -> DocumentDiff:
    """:func:`diff_rows` over tables in ascending id order, as a merge-join holding only the changes."""
    result = DocumentDiff(previous=previous if old is not None else None, current=current, documents=0)
    try:
        if old is None:  # every id added: counted (and checked in order) here, read again when listed
            result.documents = sum(table.num_rows for table in _ascending(new()))
            result.added = IdList.reread(result.documents, lambda: (table["id"] for table in new()))
            return result
        _join(_Side(_ascending(old())), _Side(_ascending(new())), result)
        return result
    except _NotAscending:
        rows = (row for table in new() for row in table.to_pylist())
        if old is None:
            return diff_rows(None, rows, current=current)
        return diff_rows([row for table in old() for row in table.to_pylist()], rows, previous, current)


def _ascending(tables: Iterable[pa.Table]) -> Iterator[pa.Table]:
    last: str | None = None
    for table in tables:
        if not table.num_rows:
            continue
        ids = table["id"]
        n = len(ids)
        if ids.null_count or (n > 1 and not pc.all(pc.less(ids.slice(0, n - 1), ids.slice(1))).as_py()):
            raise _NotAscending
        if last is not None and not last < ids[0].as_py():
            raise _NotAscending
        last = ids[n - 1].as_py()
        yield table


class _Side:
    """A stream of id-ordered tables with a buffer that is consumed up to a bound id."""

    def __init__(self, tables: Iterable[pa.Table]) -> None:
        self._tables = iter(tables)
        self.buffer: pa.Table | None = None

    def fill(self) -> bool:
        while self.buffer is None or not self.buffer.num_rows:
            self.buffer = next(self._tables, None)
            if self.buffer is None:
                return False
        return True

    def last(self) -> str:
        assert self.buffer is not None
        return str(self.buffer["id"][-1].as_py())

    def take_upto(self, bound: str | None) -> pa.Table:
        assert self.buffer is not None
        count = self.buffer.num_rows if bound is None else pc.sum(pc.less_equal(self.buffer["id"], bound)).as_py()
        head, self.buffer = self.buffer.slice(0, count), self.buffer.slice(count)
        return head


def _merge_sorted(streams: list[Iterator[pa.Table]]) -> Iterator[pa.Table]:
    """One id-ordered stream from several (a release's splits); out-of-order input is left to the caller."""
    if len(streams) == 1:
        yield from streams[0]
        return
    sides = [_Side(stream) for stream in streams]
    while live := [side for side in sides if side.fill()]:
        bound = min(side.last() for side in live)
        table = pa.concat_tables([side.take_upto(bound) for side in live])
        yield table.take(pc.sort_indices(table["id"])) if len(live) > 1 else table


def _join(old: _Side, new: _Side, result: DocumentDiff) -> None:
    while True:
        has_old, has_new = old.fill(), new.fill()
        if not (has_old or has_new):
            return
        bound = min(old.last(), new.last()) if has_old and has_new else None
        before = old.take_upto(bound) if has_old else None
        after = new.take_upto(bound) if has_new else None
        if after is None:
            assert before is not None
            result.removed.extend(before["id"])
            continue
        result.documents += after.num_rows
        if before is None:
            result.added.extend(after["id"])
            continue
        old_ids, new_ids = before["id"].combine_chunks(), after["id"].combine_chunks()
        if old_ids.equals(new_ids):  # the usual case: the same documents, most of them unchanged
            if before.equals(after):
                continue
            _compare(before, after, result)
            continue
        found = pc.index_in(new_ids, value_set=old_ids)
        matched = pc.is_valid(found)
        result.added.extend(new_ids.filter(pc.invert(matched)))
        result.removed.extend(old_ids.filter(pc.invert(pc.is_in(old_ids, value_set=new_ids))))
        if not pc.any(matched).as_py():
            continue
        _compare(before.take(found.filter(matched)), after.take(pc.indices_nonzero(matched)), result)


def _compare(before: pa.Table, after: pa.Table, result: DocumentDiff) -> None:
    """The changes of rows with the same ids in the same order."""
    suspects = pa.array(np.nonzero(_rows_differ(before, after))[0], pa.int64())
    for old_row, new_row in zip(before.take(suspects).to_pylist(), after.take(suspects).to_pylist(), strict=True):
        compare_rows(old_row, new_row, result)


def _rows_differ(before: pa.Table, after: pa.Table) -> np.ndarray:
    """Rows (same ids, same order) where any column differs; every row when the schemas differ."""
    if not before.schema.equals(after.schema):
        return np.ones(after.num_rows, dtype=bool)
    mask = np.zeros(after.num_rows, dtype=bool)
    for name in after.schema.names:
        mask |= _differ(before[name].combine_chunks(), after[name].combine_chunks())
    return mask


def _differ(a: pa.Array, b: pa.Array) -> np.ndarray:
    """Element-wise ``a != b`` as Python would compare the values (None, lists and dicts included)."""
    nulls = np.asarray(pc.is_null(a)) != np.asarray(pc.is_null(b))
    kind = a.type
    if pa.types.is_struct(kind):
        out, valid = nulls, np.asarray(pc.is_valid(a))
        for field_a, field_b in zip(a.flatten(), b.flatten(), strict=True):
            out |= _differ(field_a, field_b) & valid
        return out
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        lengths_a = np.asarray(pc.fill_null(pc.list_value_length(a), -1))
        lengths_b = np.asarray(pc.fill_null(pc.list_value_length(b), -1))
        out = lengths_a != lengths_b
        same = pa.array(np.nonzero(~out)[0], pa.int64())
        a_same, b_same = a.take(same), b.take(same)
        values = _differ(a_same.flatten(), b_same.flatten())
        if values.any():
            parents = np.asarray(pc.list_parent_indices(a_same))[values]
            out[np.asarray(same)[parents]] = True
        return out
    try:
        unequal = np.asarray(pc.fill_null(pc.not_equal(a, b), False))
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return np.array([x != y for x, y in zip(a.to_pylist(), b.to_pylist(), strict=True)], dtype=bool)
    return nulls | unequal
