"""What changed between two sets of documents (two releases, or a release and a new build).

Documents are matched by ``id``. A document is *added* or *removed* when its id appears on
one side only, *text changed* when its ``content_sha256`` differs, and *metadata changed*
when any other field differs (each field with its old and new value). These decide the
semantic version a new release needs (see ``release/bump.py``).

This module holds the result (:class:`DocumentDiff`) and the row-by-row comparison
(:func:`diff_rows`); releases and builds are compared as streams of Arrow tables by
:mod:`masthead.release.diff_tables`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa

MAJOR, MINOR, PATCH = "major", "minor", "patch"
# Fields that never count as metadata: the key, and the text (reported as a text change), with what a
# metadata-only release holds in its place (the schema's verification fields change with the text).
_NOT_METADATA = {"id", "text", "content_sha256"}


def _not_metadata() -> set[str]:
    from masthead.schema import document_schema, verification_fields

    return _NOT_METADATA | set(verification_fields(document_schema()))


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
        self._source: Callable[[], Iterable[pa.Array | pa.ChunkedArray]] | None = None
        self.extend(ids)

    @classmethod
    def reread(cls, count: int, source: Callable[[], Iterable[pa.Array | pa.ChunkedArray]]) -> IdList:
        """``count`` ids held nowhere: ``source()`` reads them again, in order, each time they are
        used (a first release's every id, read from the build's files when changes.json is written,
        instead of ~25 bytes a document kept through the write pass)."""
        ids = cls()
        ids._source = source
        ids._ends = [count]
        return ids

    def arrays(self) -> Iterator[pa.Array]:
        """The ids as Arrow string arrays, one after another."""
        if self._source is None:
            yield from self._chunks
            return
        seen = 0
        for ids in self._source():
            array = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
            seen += len(array)
            yield array
        if seen != len(self):
            raise RuntimeError(f"the ids were read again and are {seen}, not {len(self)}")

    def extend(self, ids: pa.Array | pa.ChunkedArray | Iterable[str]) -> None:
        if self._source is not None:
            raise TypeError("an IdList read again from its source cannot be extended")
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
            wanted = range(*index.indices(len(self)))
            if self._source is not None and wanted.step == 1:  # one read for a run of ids
                return list(islice(self, wanted.start, wanted.stop))
            return [self[i] for i in wanted]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("IdList index out of range")
        if self._source is not None:  # read up to the id wanted (a changelog names the first few)
            for array in self.arrays():
                if index < len(array):
                    return array[index].as_py()
                index -= len(array)
        chunk = bisect_right(self._ends, index)
        return self._chunks[chunk][index - (self._ends[chunk - 1] if chunk else 0)].as_py()

    def __iter__(self) -> Iterator[str]:
        for ids in self.lists():
            yield from ids

    def lists(self) -> Iterator[list[str]]:
        """The ids as a few lists of ``str``, one after another (one per array appended or read)."""
        for chunk in self.arrays():
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
        compare_rows(old_by_id[doc_id], new_by_id[doc_id], result)
    return result


def compare_rows(before: dict[str, Any], after: dict[str, Any], result: DocumentDiff) -> None:
    doc_id = after["id"]
    if before.get("content_sha256") != after.get("content_sha256") or before.get("text") != after.get("text"):
        result.text_changed.append(doc_id)
    apart = _not_metadata()
    changes = [
        change
        for name in _field_order(before, after)
        if name not in apart
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
