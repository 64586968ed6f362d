"""What a release holds, in numbers: computed from its Parquet, manifest.json and rejects.jsonl.

``corpus_stats`` streams the Parquet shards batch by batch (pyarrow only), so it works on a
million documents in bounded memory. The result is plain JSON data: ``masthead stats --json``
prints exactly this dict, and the report's figures and tables are drawn from it.

Words are what ``str.split()`` yields. Quantiles are nearest-rank: the value at position
``floor(q * n)`` of the sorted lengths.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.errors import IntegrityError
from masthead.insight.tally import (
    PROVENANCE_FIELDS,
    CoverageTally,
    LengthTally,
    MonthTally,
    ranked,
    top_with_other,
    value_counts,
)
from masthead.pipeline.words import word_count
from masthead.release.layout import DATA, REJECTS
from masthead.release.manifest import read_manifest_json

TOP_OUTLETS = 15
TOP_LANGUAGES = 10
BATCH_ROWS = 10_000
# the columns read: every field with provenance (from the schema) and what the other tallies need
COLUMNS = tuple(dict.fromkeys((*PROVENANCE_FIELDS, "outlet_registered", "date_precision", "text", "duplicate_of",
                               "provenance", "text_chars")))  # text_chars: a metadata-only release's lengths


def parquet_files(folder: Path) -> list[Path]:
    """The release's Parquet shards in name order (split, then shard index)."""
    return sorted((folder / DATA).glob("*.parquet"))


def split_of_file(path: Path) -> str:
    return path.name.split("-")[0]


def iter_batches(folder: Path) -> Any:
    """(split, record batch) for every batch of every shard, reading only the columns used here."""
    for path in parquet_files(folder):
        try:
            shard = pq.ParquetFile(path)
        except (OSError, pa.ArrowInvalid) as exc:
            raise IntegrityError(f"{path}: cannot read the Parquet file ({exc})") from exc
        columns = [c for c in COLUMNS if c in shard.schema_arrow.names]
        for batch in shard.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            yield split_of_file(path), batch


def word_counts(texts: pa.Array) -> pa.Array:
    """:func:`word_count` of each text (null stays null); measured on 100k releases, Python's
    str.split is 2.5x faster than a regex over the column."""
    return pa.array([None if text is None else word_count(text) for text in texts.to_pylist()], pa.int64())


def reject_counts(folder: Path) -> Counter[str]:
    """Rejected inputs by reason code, from rejects.jsonl (one JSON object a line)."""
    counts: Counter[str] = Counter()
    path = folder / REJECTS
    if not path.is_file():
        return counts
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                counts[str(json.loads(line).get("code", "unknown"))] += 1
            except (ValueError, AttributeError) as exc:
                raise IntegrityError(f"{path}:{number}: not a JSON object ({exc})") from exc
    return counts


def duplicate_summary(pointers: Counter[str], dropped: int) -> dict[str, Any]:
    """Clusters of exact or near duplicates by size (canonical document plus its duplicates)."""
    sizes = Counter(n + 1 for n in pointers.values())
    return {
        "marked": sum(pointers.values()),
        "dropped": dropped,
        "clusters": len(pointers),
        "largest_cluster": max(sizes) if sizes else 0,
        "cluster_sizes": [{"size": size, "clusters": sizes[size]} for size in sorted(sizes)],
    }


class ReleaseTally:
    """The release's numbers, accumulated batch by batch: from its Parquet (:func:`corpus_stats`),
    or from the batches a build writes, with the words already counted per document."""

    def __init__(self) -> None:
        self.splits: Counter[str] = Counter()
        self.outlets: Counter[Any] = Counter()
        self.languages: Counter[Any] = Counter()
        self.pointers: Counter[str] = Counter()
        self.registered = 0
        self.chars, self.words = LengthTally(), LengthTally()
        self.coverage, self.months = CoverageTally(), MonthTally()

    def add(self, split: str, batch: pa.RecordBatch, words: pa.Array | None = None, chars: pa.Array | None = None) -> None:
        """Count ``batch``; ``words`` and ``chars``: its texts' :func:`word_counts` and lengths, when
        already known (then the batch needs no ``text``)."""
        self.splits[split] += batch.num_rows
        names = batch.schema.names
        if chars is None and "text" not in names and "text_chars" in names:  # a metadata-only release
            chars = batch.column("text_chars")
        self.outlets.update(value_counts(batch.column("outlet")) if "outlet" in names else {None: batch.num_rows})
        self.languages.update(value_counts(batch.column("language")) if "language" in names else {None: batch.num_rows})
        if "outlet_registered" in names:
            flags = pc.cast(pc.fill_null(batch.column("outlet_registered"), False), pa.int64())
            self.registered += int(pc.sum(flags).as_py() or 0)
        if chars is not None or "text" in names:
            self.chars.add(chars if chars is not None else pc.utf8_length(batch.column("text")))
        if words is not None or "text" in names:
            self.words.add(words if words is not None else word_counts(batch.column("text")))
        if "duplicate_of" in names:
            self.pointers.update({k: v for k, v in value_counts(batch.column("duplicate_of")).items() if k is not None})
        self.coverage.add(batch)
        self.months.add(batch)

    def stats(self, folder: Path, top_outlets: int = TOP_OUTLETS, top_languages: int = TOP_LANGUAGES) -> dict[str, Any]:
        """The stats dict, with the counts and notes of ``folder``'s manifest.json and rejects.jsonl."""
        manifest = read_manifest_json(folder)
        counts = dict(manifest.get("counts", {}))
        rejects = reject_counts(folder)
        outlet_summary = top_with_other(self.outlets, "outlet", top_outlets)
        outlet_summary["registered"] = self.registered
        return {
            "corpus": manifest.get("corpus"),
            "version": manifest.get("version"),
            "released": manifest.get("released"),
            "documents": sum(self.splits.values()),
            "splits": dict(sorted(self.splits.items())),
            "counts": counts,
            "outlets": outlet_summary,
            "dates": self.months.summary(),
            "lengths": {"characters": self.chars.summary(), "words": self.words.summary()},
            "coverage": self.coverage.summary(),
            "languages": top_with_other(self.languages, "language", top_languages),
            "rejects": {"total": sum(rejects.values()), "by_reason": dict(ranked(rejects))},
            "duplicates": duplicate_summary(self.pointers, int(counts.get("duplicates_dropped", 0) or 0)),
            "notes": manifest.get("notes", {}),
        }


def corpus_stats(folder: Path, top_outlets: int = TOP_OUTLETS, top_languages: int = TOP_LANGUAGES) -> dict[str, Any]:
    """Documents per outlet, month and language, text lengths, metadata coverage and provenance,
    rejects by reason and duplicate clusters of the release in ``folder``, recounted from its files."""
    tally = ReleaseTally()
    for split, batch in iter_batches(folder):
        tally.add(split, batch)
    return tally.stats(folder, top_outlets, top_languages)
