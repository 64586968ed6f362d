"""Per-document cost: readers + ``process_record`` over synthetic ~5 KB articles, in one process.

    python benchmarks/per_document.py [--docs 2000] [--seed 7] [--profile cprofile.out]

Writes ``--docs`` synthetic records (benchmarks/synth_corpus.py: JSONL, lognormal ~5 KB
plain-text articles with furniture, bylines, dates, outlets, URLs) to a temporary folder,
reads them back with masthead's readers, then times ``process_record`` per document and,
on a second pass, each of its stages (the same calls in the same order), printing the median
and 95th percentile per stage and the documents per second. MinHash (computed in the shard
task, not here) is not included. ``--profile FILE`` also writes a cProfile of the whole pass
and prints its top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from masthead.clean import clean_record
from masthead.clean.layout import lay_out
from masthead.clean.normalize_text import normalize_text
from masthead.normalize import normalize_metadata
from masthead.pipeline.context import StepContext
from masthead.pipeline.ids import document_id
from masthead.pipeline.language import detect_language
from masthead.pipeline.process import process_record
from masthead.pipeline.records import RawRecord
from masthead.pipeline.sanitize import sanitize_fields
from masthead.pipeline.validate import validate_document, validate_raw
from masthead.readers import read_input
from masthead.readers.manifest import Manifest
from synth_corpus import generate


def read_records(raw: Path) -> tuple[list[RawRecord], float]:
    manifest = Manifest(source=None, rows={})
    start = time.perf_counter()
    records = [r for p in sorted(raw.glob("*.jsonl")) for r in read_input(raw, p.name, manifest, 1 << 31)
               if isinstance(r, RawRecord)]
    return records, time.perf_counter() - start


def stage_costs(raw: RawRecord, ctx: StepContext, costs: dict[str, list[float]]) -> None:
    """``process_record``'s steps, each timed (same calls, same order)."""

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = fn()
        costs.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return value

    fields, _ = timed("sanitize", lambda: sanitize_fields(raw.fields))
    timed("validate_raw", lambda: validate_raw(fields, raw.source, raw.record, ctx.schema_dir))
    doc_id = timed("document_id", lambda: document_id(fields, raw.source, raw.single))
    text = str(fields.get("text") or "")
    normalized = timed("  clean: normalize_text", lambda: normalize_text(text))
    title = fields.get("title")
    timed("  clean: lay_out", lambda: lay_out(normalized, normalize_text(title) if isinstance(title, str) else None))
    cleaned = timed("clean_record (whole)", lambda: clean_record(fields))
    if cleaned.reject is not None or not cleaned.text:
        return
    meta = timed("normalize_metadata", lambda: normalize_metadata(fields, raw.origin, cleaned, ctx))
    if not fields.get("language"):
        timed("detect_language", lambda: detect_language(cleaned.text))
    timed("content_sha256", lambda: hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest())
    doc = {"id": doc_id, "title": meta.title, "dek": cleaned.dek, "text": cleaned.text, "outlet": meta.outlet,
           "outlet_registered": meta.outlet_registered, "date": meta.date, "published_at": meta.published_at,
           "date_precision": meta.date_precision, "authors": list(meta.authors),
           "contributors": list(meta.contributors), "agencies": list(meta.agencies), "url": meta.url,
           "language": "en", "source": raw.source, "source_record": raw.record, "encoding": raw.encoding,
           "content_sha256": "0" * 64, "duplicate_of": None,
           "cleaning": {"removed_chars": cleaned.removed_chars,
                        "removed": [{"rule": r, "chars": c} for r, c in cleaned.removed]},
           "provenance": dict(meta.provenance)}
    timed("validate_document", lambda: validate_document(doc, raw.source, raw.record, ctx.schema_dir))


def show(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"{name:<26} n={len(ms):>6}  median {statistics.median(ms):7.4f} ms  p95 {p95:7.4f} ms"
          f"  mean {statistics.fmean(ms):7.4f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    ctx = StepContext(build_date=dt.date(2026, 1, 1))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        generate(raw, args.docs, per_file=1000, seed=args.seed)
        records, read_s = read_records(raw)
    size = statistics.median(len(str(r.fields.get("text", ""))) for r in records)
    print(f"{len(records)} records, median text {size:.0f} chars; read (decode + JSONL) "
          f"{read_s * 1000 / len(records):.4f} ms/doc")
    for r in records[:50]:  # warm lazy imports, the registry, the language model, the validators
        process_record(r, ctx)
    total: list[float] = []
    start_all = time.perf_counter()
    for r in records:
        start = time.perf_counter()
        process_record(r, ctx)
        total.append((time.perf_counter() - start) * 1000)
    wall = time.perf_counter() - start_all
    costs: dict[str, list[float]] = {}
    for r in records:
        stage_costs(r, ctx, costs)
    for name, ms in costs.items():
        show(name, ms)
    show("process_record", total)
    print(f"process_record: {len(records) / wall:,.0f} docs/s on one core "
          f"(reading included: {len(records) / (wall + read_s):,.0f} docs/s)")
    if args.profile is not None:
        profiler = cProfile.Profile()
        profiler.enable()
        for r in records:
            process_record(r, ctx)
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
