"""Read every input, run the per-document pipeline, and apply the corpus-level steps.

The result is data (documents, rejects, counts), ready for a release writer or a
validation report. The accounting invariant is checked here: every input record ends up
published, rejected, or dropped as a duplicate.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masthead.context import StepContext
from masthead.dedup import mark_duplicates
from masthead.errors import DUPLICATE_ID, MastheadError, Reject
from masthead.faults import checkpoint
from masthead.pipeline import Processed, process_record
from masthead.readers import list_inputs, read_all
from masthead.readers.manifest import find_manifest
from masthead.release.checksums import file_sha256
from masthead.settings import Settings

ProgressFn = Callable[[str, int, "int | None"], None]


@dataclass
class Counts:
    input_records: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    duplicates_dropped: int = 0

    @property
    def published(self) -> int:
        return self.accepted - self.duplicates_dropped

    def as_dict(self) -> dict[str, int]:
        return {
            "input_records": self.input_records,
            "published": self.published,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "duplicates_dropped": self.duplicates_dropped,
        }

    def check(self) -> None:
        if self.input_records != self.published + self.rejected + self.duplicates_dropped:
            raise MastheadError(
                f"accounting error: {self.input_records} input records but {self.published} published + "
                f"{self.rejected} rejected + {self.duplicates_dropped} duplicates dropped; nothing was written"
            )


@dataclass
class Collected:
    docs: list[dict[str, Any]]
    rejects: list[Reject]
    counts: Counts
    inputs: list[dict[str, Any]]
    notes: dict[str, Counter[str]] = field(default_factory=dict)
    raw_texts: dict[str, str] = field(default_factory=dict)


def input_files(raw: Path) -> list[dict[str, Any]]:
    """Path, size and SHA-256 of every input file (the manifest included), sorted by path."""
    names = list_inputs(raw)
    manifest = find_manifest(raw)
    if manifest is not None:
        names = sorted([*names, manifest.name])
    files = []
    for name in names:
        path = raw / name
        if path.is_file() and not path.is_symlink():
            files.append({"path": name, "bytes": path.stat().st_size, "sha256": file_sha256(path)})
        else:
            files.append({"path": name, "bytes": None, "sha256": None})
    return files


def collect(settings: Settings, progress: ProgressFn | None = None, keep_raw_text: bool = False) -> Collected:
    ctx = StepContext.from_settings(settings)
    inputs = input_files(settings.raw)
    counts = Counts()
    rejects: list[Reject] = []
    docs: list[dict[str, Any]] = []
    notes: dict[str, Counter[str]] = {}
    raw_texts: dict[str, str] = {}
    seen: dict[str, str] = {}
    for item in read_all(settings.raw, settings.max_file_bytes):
        counts.input_records += 1
        result: Processed | Reject = item if isinstance(item, Reject) else process_record(item, ctx)
        if isinstance(result, Processed):
            doc = result.doc
            where = doc["source"] + (f":{doc['source_record']}" if doc["source_record"] is not None else "")
            if doc["id"] in seen:
                result = Reject.of(DUPLICATE_ID, doc["source"], doc["source_record"], field="/id",
                                   id=doc["id"], other=seen[doc["id"]])
            else:
                seen[doc["id"]] = where
                docs.append(doc)
                for name, reason in result.notes:
                    notes.setdefault(name, Counter())[reason] += 1
                if keep_raw_text:
                    raw_texts[doc["id"]] = result.raw_text
        if isinstance(result, Reject):
            rejects.append(result)
        checkpoint("process.record")
        if progress is not None:
            progress("process", counts.input_records, None)
    counts.rejected = len(rejects)
    counts.accepted = len(docs)
    counts.duplicates = mark_duplicates(docs)
    if settings.duplicates == "drop":
        kept = [d for d in docs if d["duplicate_of"] is None]
        counts.duplicates_dropped = len(docs) - len(kept)
        docs = kept
    docs.sort(key=lambda d: d["id"])
    counts.check()
    checkpoint("collect.done")
    return Collected(docs, rejects, counts, inputs, notes, raw_texts)


def fingerprint(parts: dict[str, Any]) -> str:
    import json

    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
