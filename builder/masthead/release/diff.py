"""What changed between two sets of documents (two releases, or a release and a new build).

Documents are matched by ``id``. A document is *added* or *removed* when its id appears on
one side only, *text changed* when its ``content_sha256`` differs, and *metadata changed*
when any other field differs (each field with its old and new value). These decide the
semantic version a new release needs (see ``release/bump.py``).

Releases and builds are compared as streams of Arrow tables in ascending id order
(:func:`diff_tables`, a merge-join): only the changes (ids and changed fields) are kept in
memory, and only rows whose columns differ are turned into Python values. A side that turns
out not to be in strictly ascending id order is matched in memory instead (:func:`diff_rows`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.errors import IntegrityError
from masthead.release.layout import DATA

MAJOR, MINOR, PATCH = "major", "minor", "patch"
# Fields that never count as metadata: the key, and the text (reported as a text change).
_NOT_METADATA = {"id", "text", "content_sha256"}
BATCH_ROWS = 4096
_SHARD_NAME = re.compile(r"^(.*)-\d{5}-of-\d{5}\.parquet$")
Tables = Callable[[], Iterable[pa.Table]]  # called again for the in-memory fallback


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new}


class IdList(Sequence[str]):
    """Document ids, read like a list of ``str`` but held as Arrow string arrays: a first release
    adds every document, and a Python string per id would be the largest thing a build keeps."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._chunks: list[pa.Array] = []
        self._ends: list[int] = []  # cumulative length after each chunk
        self.extend(ids)

    def extend(self, ids: pa.Array | pa.ChunkedArray | Iterable[str]) -> None:
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        # own buffers (a concatenation copies), not a slice holding on to a whole batch's
        ids = pa.concat_arrays([ids.cast(pa.string())]) if isinstance(ids, pa.Array) else pa.array(list(ids), pa.string())
        if len(ids):
            self._chunks.append(ids)
            self._ends.append(len(self) + len(ids))

    def append(self, doc_id: str) -> None:
        self.extend([doc_id])

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("IdList index out of range")
        chunk = bisect_right(self._ends, index)
        return self._chunks[chunk][index - (self._ends[chunk - 1] if chunk else 0)].as_py()

    def __iter__(self) -> Iterator[str]:
        for ids in self.lists():
            yield from ids

    def lists(self) -> Iterator[list[str]]:
        """The ids as a few lists of ``str``, one after another (one per array appended)."""
        for chunk in self._chunks:
            yield chunk.to_pylist()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdList({list(self)!r})"


@dataclass
class DocumentDiff:
    """The document-level changes from ``previous`` (None: no earlier release) to ``current``."""

    previous: str | None
    current: str | None
    documents: int
    added: IdList = field(default_factory=IdList)
    removed: IdList = field(default_factory=IdList)
    text_changed: list[str] = field(default_factory=list)
    metadata_changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    previous_dir: Path | None = None  # the earlier release's folder (for the cumulative changelog)

    @property
    def unchanged(self) -> int:
        # added ids are never among the changed ones (those are on both sides): no set of every added id
        return self.documents - len(self.added) - len(set(self.text_changed) | set(self.metadata_changed))

    def required_bump(self) -> str:
        """The smallest semantic-version part these changes need."""
        if self.removed or self.text_changed:
            return MAJOR
        if self.added:
            return MINOR
        return PATCH

    def reason(self) -> str:
        """Why ``required_bump()`` is what it is, naming an example document."""
        if self.removed:
            return f"{len(self.removed)} document(s) removed (e.g. {self.removed[0]})"
        if self.text_changed:
            return f"{len(self.text_changed)} document(s) with changed text (e.g. {self.text_changed[0]})"
        if self.added:
            return f"{len(self.added)} document(s) added (e.g. {self.added[0]})"
        if self.metadata_changed:
            return f"metadata of {len(self.metadata_changed)} document(s) changed, same documents and text"
        return "same documents, same text and metadata"

    def summary(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "added": len(self.added),
            "removed": len(self.removed),
            "text_changed": len(self.text_changed),
            "metadata_changed": len(self.metadata_changed),
            "unchanged": self.unchanged,
        }

    def as_dict(self, id_lists: bool = True) -> dict[str, Any]:
        """The diff as JSON data; ``id_lists=False`` leaves ``added`` and ``removed`` as :class:`IdList`
        (for a streamed dump)."""
        return {
            "previous": self.previous,
            "version": self.current,
            "bump": self.required_bump() if self.previous is not None else None,
            "summary": self.summary(),
            "added": list(self.added) if id_lists else self.added,
            "removed": list(self.removed) if id_lists else self.removed,
            "text_changed": self.text_changed,
            "metadata_changed": [
                {"id": doc_id, "fields": {c.field: c.as_dict() for c in changes}}
                for doc_id, changes in sorted(self.metadata_changed.items())
            ],
        }


def diff_rows(
    old: Iterable[dict[str, Any]] | None,
    new: Iterable[dict[str, Any]],
    previous: str | None = None,
    current: str | None = None,
) -> DocumentDiff:
    """Compare documents by id. ``old=None`` means there is no earlier release."""
    new_by_id = {row["id"]: row for row in new}
    if old is None:
        return DocumentDiff(previous=None, current=current, documents=len(new_by_id), added=IdList(sorted(new_by_id)))
    old_by_id = {row["id"]: row for row in old}
    result = DocumentDiff(previous=previous, current=current, documents=len(new_by_id))
    result.added = IdList(sorted(new_by_id.keys() - old_by_id.keys()))
    result.removed = IdList(sorted(old_by_id.keys() - new_by_id.keys()))
    for doc_id in sorted(new_by_id.keys() & old_by_id.keys()):
        _compare_rows(old_by_id[doc_id], new_by_id[doc_id], result)
    return result


def _compare_rows(before: dict[str, Any], after: dict[str, Any], result: DocumentDiff) -> None:
    doc_id = after["id"]
    if before.get("content_sha256") != after.get("content_sha256") or before.get("text") != after.get("text"):
        result.text_changed.append(doc_id)
    changes = [
        change
        for name in _field_order(before, after)
        if name not in _NOT_METADATA
        for change in _changes(name, before.get(name), after.get(name))
    ]
    if changes:
        result.metadata_changed[doc_id] = changes


def _changes(name: str, old: Any, new: Any) -> list[FieldChange]:
    """The changed values of one field; structs are compared member by member (``provenance.outlet``)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return [change for key in _field_order(old, new) for change in _changes(f"{name}.{key}", old.get(key), new.get(key))]
    return [FieldChange(name, old, new)]


def _field_order(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [*after, *(name for name in before if name not in after)]


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


def _parquet_paths(folder: Path) -> list[Path]:
    paths = sorted((folder / DATA).glob("*.parquet"))
    if not paths:
        raise IntegrityError(f"{folder}: the release has no Parquet files under {DATA}/")
    return paths


def _release_files(folder: Path, paths: list[Path] | None = None, rows: int | None = None,
                   skip: tuple[str, ...] = ()) -> Iterator[pa.Table]:
    for path in paths if paths is not None else _parquet_paths(folder):
        try:
            if rows is None:
                yield pq.read_table(path)
                continue
            file = pq.ParquetFile(path)
            columns = [name for name in file.schema_arrow.names if name not in skip]
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
        if old is None:
            for table in _ascending(new()):
                result.added.extend(table["id"])
            result.documents = len(result.added)
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
        found = pc.index_in(new_ids, value_set=old_ids)
        matched = pc.is_valid(found)
        result.added.extend(new_ids.filter(pc.invert(matched)))
        result.removed.extend(old_ids.filter(pc.invert(pc.is_in(old_ids, value_set=new_ids))))
        if not pc.any(matched).as_py():
            continue
        before = before.take(found.filter(matched))
        after = after.take(pc.indices_nonzero(matched))
        suspects = pa.array(np.nonzero(_rows_differ(before, after))[0], pa.int64())
        for old_row, new_row in zip(before.take(suspects).to_pylist(), after.take(suspects).to_pylist(), strict=True):
            _compare_rows(old_row, new_row, result)


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
