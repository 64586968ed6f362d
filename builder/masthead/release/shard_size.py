"""How many documents a release shard holds: ``shard_rows``, or fewer, to keep a shard's text near ``shard_bytes``.

Every shard of a split but its last holds the same number of documents, a run of them in id
order, so a rebuild that changes a few documents leaves the other shards' bytes alone (and
copies them from the previous release, :mod:`masthead.release.reuse`). ``shard_bytes`` sets
that number from the published texts' average size (their UTF-8 bytes, counted by the workers):
``shard_bytes`` over the average, rounded down to a preferred number (1, 1.2, 1.5, 2, 2.5, 3, 4,
5, 6 or 8 times a power of ten), so that the few changed documents of a rebuild, which move the
average a little, leave the number as it was. A shard's text is then at most ``shard_bytes`` on
average; a shard of longer articles than the corpus's holds more, as with ``datasets``'
``max_shard_size``, which also cuts equal numbers of rows. The metadata (a few hundred bytes a
document) comes on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from masthead.engine import DocumentSet
    from masthead.settings import Settings

PREFERRED = (10, 12, 15, 20, 25, 30, 40, 50, 60, 80)  # tenths of the preferred numbers 1, 1.2, … 8


def preferred_floor(value: float) -> int:
    """The largest preferred number (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, …) not above ``value``; 1 below 1."""
    best, power = 1, 1
    while power <= value:
        for tenths in PREFERRED:
            candidate = tenths * power // 10
            if candidate > value:
                return best
            best = max(best, candidate)
        power *= 10
    return best


def rows_per_shard(shard_rows: int, shard_bytes: int | None, documents: int, text_bytes: int) -> int:
    """The documents of a release shard: ``shard_rows``, or fewer when ``shard_bytes`` of text, at the
    average text size of the ``documents`` (``text_bytes`` in all), come to fewer."""
    if shard_bytes is None or documents == 0:
        return shard_rows
    average = max(1.0, text_bytes / documents)
    return max(1, min(shard_rows, preferred_floor(shard_bytes / average)))


def release_rows_per_shard(settings: Settings, docs: DocumentSet) -> int:
    """:func:`rows_per_shard` of a build's published documents (their text sizes read only when
    ``shard_bytes`` is set)."""
    if settings.shard_bytes is None:
        return settings.shard_rows
    return rows_per_shard(settings.shard_rows, settings.shard_bytes, len(docs), docs.text_bytes())
