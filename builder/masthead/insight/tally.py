"""Streaming tallies over Arrow record batches: each one sees every batch once, then summarises.

They keep counters and length arrays, never whole columns, so a corpus of a million documents
is summarised batch by batch. Every summary is plain JSON data (string keys, ints, floats).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

UNKNOWN = "(unknown)"


def provenance_fields() -> tuple[str, ...]:
    """The metadata fields that carry provenance, as the document schema declares them."""
    from masthead.schema import document_schema

    return tuple(document_schema()["properties"]["provenance"]["properties"])


PROVENANCE_FIELDS = provenance_fields()
QUANTILES = {"p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}


def value_counts(column: pa.Array | pa.ChunkedArray) -> Counter[Any]:
    """Counts of each value, nulls under the key None."""
    counts: Counter[Any] = Counter()
    for item in pc.value_counts(column).to_pylist():
        counts[item["values"]] += item["counts"]
    return counts


def ranked(counts: Counter[Any]) -> list[tuple[Any, int]]:
    """Most frequent first; ties by value, so the order never depends on batch order."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def bin_edges(largest: int) -> list[int]:
    """0 then a 1-2-5 series (10, 20, 50, 100, …) up to the first edge above ``largest``."""
    edges = [0]
    step = 10
    while edges[-1] <= largest:
        for factor in (1, 2, 5):
            edges.append(step * factor)
            if edges[-1] > largest:
                break
        step *= 10
    return edges


class LengthTally:
    """Length of each document (characters or words): quantiles and a 1-2-5 histogram.

    Kept as (distinct length, documents) pairs, so its memory is bounded by the distinct lengths
    (a few thousand), not the corpus: a million documents' lengths summarise exactly as a list would."""

    COMPACT_AT = 65_536  # pairs pending before they are merged

    def __init__(self) -> None:
        self._values = np.zeros(0, dtype=np.int64)  # distinct lengths, ascending
        self._counts = np.zeros(0, dtype=np.int64)  # documents of each
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_size = 0

    def add(self, lengths: pa.Array | pa.ChunkedArray) -> None:
        values = np.asarray(pc.fill_null(lengths, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        if not values.size:
            return
        self._pending.append(np.unique(values, return_counts=True))
        self._pending_size += len(self._pending[-1][0])
        if self._pending_size >= self.COMPACT_AT:
            self._compact()

    def _compact(self) -> None:
        if not self._pending:
            return
        values = np.concatenate([self._values, *(v for v, _ in self._pending)])
        counts = np.concatenate([self._counts, *(c for _, c in self._pending)])
        self._values, inverse = np.unique(values, return_inverse=True)
        self._counts = np.bincount(inverse, weights=counts, minlength=len(self._values)).astype(np.int64)
        self._pending, self._pending_size = [], 0

    def summary(self) -> dict[str, Any]:
        self._compact()
        values, counts = self._values, self._counts
        total = int(counts.sum())
        if not total:
            return {"documents": 0, "min": None, "max": None, "mean": None, **dict.fromkeys(QUANTILES), "bins": []}
        edges = bin_edges(int(values[-1]))
        bins = np.bincount(np.searchsorted(edges, values, side="right") - 1, weights=counts,
                           minlength=len(edges) - 1).astype(np.int64)
        ends = np.cumsum(counts)  # the rank after each distinct length's last document
        quantiles = {name: int(values[np.searchsorted(ends, min(total - 1, int(q * total)), side="right")])
                     for name, q in QUANTILES.items()}
        return {
            "documents": total,
            "min": int(values[0]),
            "max": int(values[-1]),
            "mean": round(int((values * counts).sum()) / total, 1),
            **quantiles,
            "bins": [{"from": edges[i], "to": edges[i + 1], "documents": int(bins[i])} for i in range(len(edges) - 1)],
        }


class CoverageTally:
    """How many documents have each metadata field, and where each value came from."""

    def __init__(self) -> None:
        self.filled: Counter[str] = Counter()
        self.origins: dict[str, Counter[str]] = {name: Counter() for name in PROVENANCE_FIELDS}
        self.documents = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.documents += batch.num_rows
        names = batch.schema.names
        for name in PROVENANCE_FIELDS:
            if name not in names:
                continue
            column = batch.column(name)
            if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
                present = pc.greater(pc.fill_null(pc.list_value_length(column), 0), 0)
            elif name == "language":
                present = pc.and_(pc.is_valid(column), pc.not_equal(pc.fill_null(column, "und"), "und"))
            else:
                present = pc.and_(pc.is_valid(column), pc.greater(pc.fill_null(pc.utf8_length(column), 0), 0))
            self.filled[name] += int(pc.sum(pc.cast(present, pa.int64())).as_py() or 0)
        if "provenance" in names:
            provenance = batch.column("provenance")
            for name in PROVENANCE_FIELDS:
                if provenance.type.get_field_index(name) >= 0:
                    for origin, n in value_counts(pc.struct_field(provenance, name)).items():
                        self.origins[name][origin if origin is not None else "none"] += n

    def summary(self) -> dict[str, Any]:
        total = self.documents
        return {
            name: {
                "filled": self.filled[name],
                "share": round(self.filled[name] / total, 4) if total else 0.0,
                "provenance": dict(ranked(self.origins[name])),
            }
            for name in PROVENANCE_FIELDS
        }


class MonthTally:
    """Documents per calendar month; year-only dates and undated documents are counted apart."""

    def __init__(self) -> None:
        self.months: Counter[str] = Counter()
        self.year_only = 0
        self.undated = 0

    def add(self, batch: pa.RecordBatch) -> None:
        names = batch.schema.names
        if "date" not in names:
            self.undated += batch.num_rows
            return
        dates = batch.column("date")
        precision = batch.column("date_precision") if "date_precision" in names else pa.nulls(batch.num_rows, pa.string())
        self.undated += dates.null_count
        year_only = pc.and_(pc.is_valid(dates), pc.equal(pc.fill_null(precision, ""), "year"))
        self.year_only += int(pc.sum(pc.cast(year_only, pa.int64())).as_py() or 0)
        monthly = pc.filter(dates, pc.and_(pc.is_valid(dates), pc.invert(year_only)))
        for month, n in value_counts(pc.utf8_slice_codeunits(monthly, 0, 7)).items():
            self.months[month] += n

    def summary(self) -> dict[str, Any]:
        months = sorted(self.months)
        return {
            "by_month": [{"month": m, "documents": self.months[m]} for m in months],
            "first": months[0] if months else None,
            "last": months[-1] if months else None,
            "year_only": self.year_only,
            "undated": self.undated,
        }


def top_with_other(counts: Counter[Any], key: str, top: int) -> dict[str, Any]:
    """The ``top`` most frequent known values, the rest grouped, nulls counted as unknown."""
    known = Counter({k: v for k, v in counts.items() if k is not None})
    order = ranked(known)
    rest = order[top:]
    return {
        "distinct": len(order),
        "top": [{key: value, "documents": n} for value, n in order[:top]],
        "other": {"values": len(rest), "documents": sum(n for _, n in rest)},
        "unknown": counts.get(None, 0),
    }
