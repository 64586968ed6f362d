"""The record that flows from readers into the per-document pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Where a raw field's value came from, as recorded in a document's provenance.
GIVEN = "given"
FRONT_MATTER = "front-matter"
MANIFEST = "manifest"


@dataclass(frozen=True)
class RawRecord:
    """One input document as a reader found it, before any cleaning.

    ``source`` is the POSIX path under the raw folder; ``record`` the line (JSONL) or row
    (CSV) number, ``None`` for single-document files. ``origin`` maps each field to where
    it came from (``given``, ``front-matter``, ``manifest``).
    """

    source: str
    record: int | None
    fields: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    single: bool = True

    def location(self) -> str:
        return self.source if self.record is None else f"{self.source}:{self.record}"


@dataclass(frozen=True)
class Skipped:
    """An input record that is not a document by design (a WARC request, metadata or revisit record, a
    response that is not an HTML page): never published nor rejected, counted by ``kind``."""

    source: str
    record: int | None
    kind: str
