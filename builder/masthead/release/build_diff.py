"""A build's documents against the newest release, compared while the merge searches for duplicates.

The comparison (:func:`compare_with_release`) reads every published field of both sides but the
text (``content_sha256`` differs exactly when the text does) and counts the new release's
numbers for the report on the way. It needs nothing the duplicate search decides but
``duplicate_of``, so the build starts it on a worker as soon as the stripping stage is done
(:func:`masthead.engine.collect.collect`'s ``beside``) and compares ``duplicate_of`` afterwards, here
(:func:`add_duplicate_changes`), from the duplicates the search found and the previous
release's: a few per cent of the documents. The result is the one comparing every field at once
would give, in the same order.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from masthead.release.diff import DocumentDiff, FieldChange, IdList

if TYPE_CHECKING:
    from masthead.engine import DocumentSet
    from masthead.insight.stats import ReleaseTally

DUPLICATE_OF = "duplicate_of"
APART = ("text", DUPLICATE_OF)  # what compare_with_release leaves out


def compare_with_release(docs: DocumentSet, previous: Path, version: str, published: list[str] | None = None,
                         sources: dict[str, str] | None = None) -> tuple[DocumentDiff, ReleaseTally]:
    """The changes from the release in ``previous`` (version ``version``) to ``docs``, but for
    ``duplicate_of``, and the new release's numbers but for its duplicate clusters.

    Both sides are in id order, so they are compared batch by batch (a merge-join): only the changes
    are held in memory, never the corpus. A pure function of its arguments and the files it reads,
    so it runs on a worker. ``published``: the columns the new release publishes (default: the
    document schema's); ``sources``: where its verification fields are read from (metadata-only)."""
    from masthead.insight.stats import ReleaseTally
    from masthead.release.diff_tables import diff_tables, release_batches
    from masthead.release.parquet import CHARS, WORDS, by_split, count_into

    columns = [name for name in published or docs.schema.names if name not in APART]
    counted: list[ReleaseTally] = []

    def new() -> Iterator[pa.Table]:
        tally = ReleaseTally()  # a count per pass: the diff reads the new side again if the old is out of order
        counted[:] = [tally]
        for table, codes in docs.batches(columns=[*columns, WORDS, CHARS], sources=sources):
            for split, part in zip(docs.split_names, by_split(table, codes, len(docs.split_names)), strict=True):
                count_into(tally, split, part)
            yield table.drop_columns([WORDS, CHARS])

    changes = diff_tables(lambda: release_batches(previous, skip=APART), new, previous=version)
    return changes, counted[0] if counted else ReleaseTally()


def add_duplicate_changes(changes: DocumentDiff, tally: ReleaseTally, docs: DocumentSet, previous: Path,
                          published: list[str] | None = None) -> None:
    """Complete what :func:`compare_with_release` left out: each document on both sides whose
    ``duplicate_of`` differs gets that change, in its place among the document's other changes, and
    ``tally`` the new release's duplicate clusters."""
    from masthead.release.diff_tables import release_duplicates

    new = docs.duplicates()
    tally.pointers.update(Counter(new.values()))
    old = release_duplicates(previous)
    suspects = sorted(doc_id for doc_id in old.keys() | new.keys() if old.get(doc_id) != new.get(doc_id))
    if not suspects:
        return
    # a document on one side only is added or removed, not changed
    one_side = _among(changes.added, [i for i in suspects if i not in old]) | _among(
        changes.removed, [i for i in suspects if i not in new])
    names = {name: index for index, name in enumerate(published or docs.schema.names)}
    place = names[DUPLICATE_OF]
    for doc_id in suspects:
        if doc_id in one_side:
            continue
        fields = changes.metadata_changed.get(doc_id, [])
        # changes come in the new schema's field order, then fields of the old release's only
        keys = [names.get(change.field.split(".")[0], len(names)) for change in fields]
        fields.insert(bisect_left(keys, place), FieldChange(DUPLICATE_OF, old.get(doc_id), new.get(doc_id)))
        changes.metadata_changed[doc_id] = fields
    changes.metadata_changed = dict(sorted(changes.metadata_changed.items()))


def _among(ids: IdList, wanted: list[str]) -> set[str]:
    """The ``wanted`` ids that are in ``ids`` (read chunk by chunk: ``ids`` can be every document)."""
    if not wanted or not len(ids):
        return set()
    value_set = pa.array(wanted, pa.string())
    found: set[str] = set()
    for array in ids.arrays():
        found.update(array.filter(pc.is_in(array, value_set=value_set)).to_pylist())
    return found
