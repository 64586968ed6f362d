"""How much of a new release's Parquet the Hub already stores: with and without content-defined pages.

    python benchmarks/parquet_dedup.py [--docs 100000] [--share 0.01] [--case changed --case inserted ...] [--work DIR]

The Hub stores files as content-defined chunks of ~64 KiB (Xet) and uploads only chunks it
does not hold. This builds two releases of a synthetic corpus (benchmarks/synth_corpus.py)
with masthead, in two cases:

- changed:  ``--share`` of the documents edited (a correction appended to the text; the newest
  files first, as corrections to an archive come), ids in file order;
- inserted: ``--share`` more documents in one new file whose ids sort together in the middle of
  the others' (a batch of articles from a period already covered);
- spread:   ``--share`` more documents whose ids (hashes) fall evenly between the others'.

Each release's rows are then written again by masthead's own release writer
(``masthead.release.parquet.SplitWriter``) with the Parquet options it ships and with the same
options but no content-defined chunking; the shipped ones must reproduce the release's bytes
exactly (checked). Every file is cut into content-defined chunks the way Xet cuts them (a gear
rolling hash over the last 64 bytes, a boundary where its top 16 bits are zero: ~64 KiB on
average, 8 KiB at least, 128 KiB at most; implemented here with numpy), and the share of the new
release's Parquet bytes that sit in chunks the old release's Parquet already has is printed for
both options, side by side, from the same two releases.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from masthead.release import parquet as release_parquet
from masthead.release.parquet_layout import WRITE_OPTIONS
from masthead.schema import arrow_schema, document_schema
from synth_corpus import change_share, generate

GEAR = np.random.default_rng(20240915).integers(0, 2**64, size=256, dtype=np.uint64)
MASK = np.uint64(0xFFFF << 48)  # 16 bits: a boundary every 64 KiB on average
MIN_CHUNK, MAX_CHUNK = 8 * 1024, 128 * 1024
BLOCK = 8 * 1024 * 1024
CDC = "use_content_defined_chunking"
CASES = ("changed", "inserted", "spread")


def gear_candidates(data: bytes) -> np.ndarray:
    """Positions where the gear hash of the 64 bytes ending there has its top 16 bits zero."""
    raw = np.frombuffer(data, dtype=np.uint8)
    found = []
    for start in range(0, len(raw), BLOCK):
        lead = min(63, start)
        h = GEAR[raw[start - lead : start + BLOCK]]
        step = 1
        while step < 64:  # h[i] = sum over k < 64 of gear[byte i-k] << k, by doubling the window
            shifted = np.zeros_like(h)
            shifted[step:] = h[:-step] << np.uint64(step)
            h += shifted
            step *= 2
        hits = np.flatnonzero((h[lead:] & MASK) == 0)
        found.append(hits + start + 1)  # a chunk ends after the byte whose hash matched
    return np.concatenate(found) if found else np.array([], dtype=np.int64)


def chunks(data: bytes) -> list[bytes]:
    """``data`` cut at the gear candidates, keeping every chunk within [MIN_CHUNK, MAX_CHUNK]."""
    out, last = [], 0
    for cut in gear_candidates(data).tolist():
        while cut - last > MAX_CHUNK:
            out.append(data[last : last + MAX_CHUNK])
            last += MAX_CHUNK
        if cut - last >= MIN_CHUNK:
            out.append(data[last:cut])
            last = cut
    while last < len(data):
        out.append(data[last : last + MAX_CHUNK])
        last += MAX_CHUNK
    return out


def chunk_digests(paths: list[Path]) -> list[tuple[bytes, int]]:
    return [(hashlib.sha256(c).digest(), len(c)) for path in paths for c in chunks(path.read_bytes())]


def already_stored(old: list[Path], new: list[Path]) -> tuple[float, int, int]:
    """(share of the new files' bytes in chunks the old files have, new bytes, bytes to upload)."""
    known = {digest for digest, _ in chunk_digests(old)}
    pieces = chunk_digests(new)
    total = sum(size for _, size in pieces)
    present = sum(size for digest, size in pieces if digest in known)
    return present / total, total, total - present


def build(project: Path, *args: str) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    done = subprocess.run([sys.executable, "-m", "masthead", "build", "--json", *args], cwd=project, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"masthead build failed:\n{done.stderr[-3000:]}")
    return Path(json.loads(done.stdout)["release"])


def rewrite(release: Path, out: Path, options: dict[str, Any]) -> list[Path]:
    """The release's rows written again by masthead's release writer with ``options``."""
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    saved = dict(release_parquet.WRITE_OPTIONS)
    release_parquet.WRITE_OPTIONS.clear()
    release_parquet.WRITE_OPTIONS.update(options)
    try:
        paths = []
        for split, rows in manifest["splits"].items():
            shards = sorted((release / "data").glob(f"{split}-*.parquet"))
            schema = arrow_schema(document_schema())  # as the build passes it (list items named "item")
            writer = release_parquet.SplitWriter(out, split, rows, manifest["rows_per_shard"], schema)
            for shard in shards:
                for batch in pq.ParquetFile(shard).iter_batches(batch_size=4096):
                    writer.add(pa.Table.from_batches([batch]).cast(schema))
            paths += writer.close().paths
        return paths
    finally:
        release_parquet.WRITE_OPTIONS.clear()
        release_parquet.WRITE_OPTIONS.update(saved)


def project(root: Path, name: str) -> Path:
    folder = root / name
    (folder / "raw").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        f'[tool.masthead]\nname = "{name}"\nraw = "raw"\ndist = "dist"\nlanguage = "en"\n', encoding="utf-8")
    return folder


def releases(root: Path, case: str, docs: int, share: float) -> tuple[Path, Path]:
    """The two releases of ``case``: (old, new)."""
    folder = project(root, case)
    raw = folder / "raw"
    if case == "changed":
        generate(raw, docs, per_file=1000)
        old = build(folder)
        print(f"  {case}: edited {change_share(raw, share)} documents", flush=True)
    else:
        extra = max(1, round(docs * share))
        # the new documents are one file of their own: the middle one (ids in file order), or the last
        # one with hashed ids, which fall evenly between the others'
        generate(raw, docs + extra, per_file=extra, hashed_ids=case == "spread")
        files = sorted(raw.glob("*.jsonl"))
        held_file = files[len(files) // 2] if case == "inserted" else files[-1]
        held = root / f"{case}-held.jsonl"
        shutil.move(held_file, held)
        old = build(folder)
        shutil.move(held, held_file)
        print(f"  {case}: added {extra} documents ({held_file.name})", flush=True)
    new = build(folder, "--bump", "auto")
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--case", action="append", choices=CASES, help="cases to run (default: all)")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="parquet-dedup-"))
    shipped = dict(WRITE_OPTIONS)
    plain = {k: v for k, v in shipped.items() if k != CDC}
    assert CDC in shipped, "the release writer ships without content-defined chunking"
    rows = []
    try:
        for case in args.case or CASES:
            started = time.perf_counter()
            old, new = releases(root, case, args.docs, args.share)
            files: dict[str, dict[str, list[Path]]] = {}
            for label, release in (("old", old), ("new", new)):
                with_cdc = rewrite(release, root / f"{case}-{label}-cdc", shipped)
                shipped_files = sorted((release / "data").glob("*.parquet"))
                assert [p.read_bytes() for p in with_cdc] == [p.read_bytes() for p in shipped_files], (
                    "the writer's rewrite differs from the release")
                files.setdefault("with CDC", {})[label] = with_cdc
                files.setdefault("without CDC", {})[label] = rewrite(release, root / f"{case}-{label}-plain", plain)
            for option, pair in files.items():
                share_present, total, upload = already_stored(pair["old"], pair["new"])
                rows.append((case, f"{old.name} -> {new.name}", option, total, share_present, upload))
                print(f"  {case}: {option}: {share_present:.1%} of {total / 1e6:.1f} MB already stored", flush=True)
            print(f"  {case}: {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"\n{args.docs:,} documents, {args.share:.0%} changed or added; chunks of ~64 KiB "
          f"({MIN_CHUNK // 1024}-{MAX_CHUNK // 1024} KiB); Parquet of the data/ shards only")
    print(f"{'case':<8} {'releases':<16} {'pages':<12} {'new Parquet':>12} {'already stored':>15} {'to upload':>12}")
    for case, versions, option, total, present, upload in rows:
        print(f"{case:<8} {versions:<16} {option:<12} {total / 1e6:>9.1f} MB {present:>14.1%} {upload / 1e6:>9.1f} MB")
    for case in args.case or CASES:
        cdc = next(r for r in rows if r[0] == case and r[2] == "with CDC")
        plain_row = next(r for r in rows if r[0] == case and r[2] == "without CDC")
        print(f"{case}: to upload with CDC / without: {cdc[5] / max(1, plain_row[5]):.2f}x")


if __name__ == "__main__":
    main()
