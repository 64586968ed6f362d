"""The report's tables as rows of strings, shared by report.html and the dataset card."""

from __future__ import annotations

from typing import Any

from masthead.insight.tally import PROVENANCE_FIELDS


def _share(n: int, total: int) -> str:
    return f"{n / total * 100:.1f}%" if total else "–"


def _origins(provenance: dict[str, int]) -> str:
    parts = [f"{origin} {n:,}" for origin, n in provenance.items() if origin != "none"]
    return ", ".join(parts) or "–"


def coverage_rows(stats: dict[str, Any]) -> list[list[str]]:
    """field | documents with a value | share | where the values came from."""
    total = stats["documents"]
    return [
        [name, f"{stats['coverage'][name]['filled']:,}", _share(stats["coverage"][name]["filled"], total),
         _origins(stats["coverage"][name]["provenance"])]
        for name in PROVENANCE_FIELDS
    ]


COVERAGE_HEADER = ["field", "documents with a value", "share", "where the values came from"]


def count_rows(stats: dict[str, Any]) -> list[list[str]]:
    counts = stats["counts"]
    rows = [[key.replace("_", " "), f"{value:,}"] for key, value in counts.items() if isinstance(value, int)]
    rows += [[f"documents in split {split}", f"{n:,}"] for split, n in stats["splits"].items()]
    return rows


def ranked_rows(stats: dict[str, Any], key: str, item: str) -> list[list[str]]:
    block = stats[key]
    total = stats["documents"]
    rows = [[str(row[item]), f"{row['documents']:,}", _share(row["documents"], total)] for row in block["top"]]
    if block["other"]["documents"]:
        rows.append([f"other ({block['other']['values']:,} {key})", f"{block['other']['documents']:,}",
                     _share(block["other"]["documents"], total)])
    if block["unknown"]:
        rows.append(["(unknown)", f"{block['unknown']:,}", _share(block["unknown"], total)])
    return rows


def length_rows(stats: dict[str, Any]) -> list[list[str]]:
    rows = []
    for unit in ("words", "characters"):
        block = stats["lengths"][unit]
        if not block["documents"]:
            continue
        rows.append([unit] + [f"{block[k]:,}" for k in ("min", "p10", "p25", "median", "p75", "p90", "max")])
    return rows


LENGTH_HEADER = ["per document", "min", "10%", "25%", "median", "75%", "90%", "max"]


def reject_rows(stats: dict[str, Any]) -> list[list[str]]:
    return [[code, f"{n:,}"] for code, n in stats["rejects"]["by_reason"].items()]


def duplicate_rows(stats: dict[str, Any]) -> list[list[str]]:
    return [[str(row["size"]), f"{row['clusters']:,}"] for row in stats["duplicates"]["cluster_sizes"]]


def headline(stats: dict[str, Any]) -> str:
    """One sentence: documents, outlets, date range, rejects, duplicates."""
    dates = stats["dates"]
    span = f", published {dates['first']} to {dates['last']}" if dates["first"] else ""
    return (
        f"{stats['documents']:,} documents"
        + (f" from {stats['outlets']['distinct']:,} outlets" if stats["outlets"]["distinct"] else ", outlets unknown")
        + f"{span}; "
        f"{stats['rejects']['total']:,} inputs rejected, {stats['duplicates']['marked']:,} duplicates marked"
        + (f", {stats['duplicates']['dropped']:,} dropped" if stats["duplicates"]["dropped"] else "")
        + "."
    )
