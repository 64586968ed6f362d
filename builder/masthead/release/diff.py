"""What changed between two sets of documents (two releases, or a release and a new build).

Documents are matched by ``id``. A document is *added* or *removed* when its id appears on
one side only, *text changed* when its ``content_sha256`` differs, and *metadata changed*
when any other field differs (each field with its old and new value). These decide the
semantic version a new release needs (see ``release/bump.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from masthead.errors import IntegrityError
from masthead.release.layout import DATA

MAJOR, MINOR, PATCH = "major", "minor", "patch"
# Fields that never count as metadata: the key, and the text (reported as a text change).
_NOT_METADATA = {"id", "text", "content_sha256"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new}


@dataclass
class DocumentDiff:
    """The document-level changes from ``previous`` (None: no earlier release) to ``current``."""

    previous: str | None
    current: str | None
    documents: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text_changed: list[str] = field(default_factory=list)
    metadata_changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    previous_dir: Path | None = None  # the earlier release's folder (for the cumulative changelog)

    @property
    def unchanged(self) -> int:
        touched = set(self.added) | set(self.text_changed) | set(self.metadata_changed)
        return self.documents - len(touched)

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

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "version": self.current,
            "bump": self.required_bump() if self.previous is not None else None,
            "summary": self.summary(),
            "added": self.added,
            "removed": self.removed,
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
        return DocumentDiff(previous=None, current=current, documents=len(new_by_id), added=sorted(new_by_id))
    old_by_id = {row["id"]: row for row in old}
    result = DocumentDiff(previous=previous, current=current, documents=len(new_by_id))
    result.added = sorted(new_by_id.keys() - old_by_id.keys())
    result.removed = sorted(old_by_id.keys() - new_by_id.keys())
    for doc_id in sorted(new_by_id.keys() & old_by_id.keys()):
        before, after = old_by_id[doc_id], new_by_id[doc_id]
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
    return result


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
    paths = sorted((folder / DATA).glob("*.parquet"))
    if not paths:
        raise IntegrityError(f"{folder}: the release has no Parquet files under {DATA}/")
    rows: list[dict[str, Any]] = []
    for path in paths:
        try:
            rows.extend(pq.read_table(path).to_pylist())
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise IntegrityError(f"{folder.name}: {path.relative_to(folder).as_posix()} cannot be read ({exc})") from exc
    return rows


def diff_releases(old_folder: Path, new_folder: Path, previous: str | None, current: str | None) -> DocumentDiff:
    return diff_rows(release_rows(old_folder), release_rows(new_folder), previous, current)
