"""The build report: what a build or validation did, as data (the CLI's --json prints it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from masthead.errors import Reject


@dataclass
class BuildReport:
    status: str
    corpus: str
    version: str | None = None
    release: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    splits: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    notes: dict[str, dict[str, int]] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, dict[str, int]] = field(default_factory=dict)
    message: str = ""
    shards: int = 0  # Parquet shards in the release
    reused_shards: int = 0  # of them, copied from the previous release (masthead.release.reuse)
    skipped: list[str] = field(default_factory=list)  # folders masthead wrote, found under raw/ and not read
    nodes: list[dict[str, Any]] = field(default_factory=list)  # on Ray: node id, address and shards it ran

    def rejects_by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(r.code for r in self.rejects).items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "corpus": self.corpus,
            "version": self.version,
            "release": self.release,
            "message": self.message,
            "counts": self.counts,
            "splits": self.splits,
            "rejects_by_code": self.rejects_by_code(),
            "rejects": [r.as_dict() for r in self.rejects],
            "notes": self.notes,
            "coverage": self.coverage,
            "provenance": self.provenance,
            "shards": self.shards,
            "reused_shards": self.reused_shards,
            "skipped": self.skipped,
            "nodes": self.nodes,
        }
