"""Cleaning cost per document: plain text (5 KB articles) and HTML pages, reported separately.

    python benchmarks/clean_speed.py [--devset /work/shared/devset] [--repeat 200]

Plain text: each seed article of raw/ cut or repeated to 5,000 characters (furniture kept at
head and tail), cleaned ``--repeat`` times; the median and 95th percentile per document are
printed. HTML: every development-set page cleaned once (extraction included).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

from masthead.clean import clean_record

REPO = Path(__file__).resolve().parents[1]


def five_kb(text: str) -> str:
    head, tail = text[:600], text[-600:]
    body = text[600:-600] or text
    while len(body) < 3800:
        body += "\n\n" + body
    return head + body[:3800] + tail


def timings(fields: dict, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        clean_record(fields)
        out.append(time.perf_counter() - start)
    return out


def report(name: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"{name:<28} n={len(ms):>5}  median {statistics.median(ms):7.3f} ms  p95 {p95:7.3f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    texts = [five_kb(p.read_text(encoding="utf-8")) for p in sorted((REPO / "raw").glob("*.txt"))]
    clean_record({"text": texts[0]})  # warm caches and lazy imports
    plain = [t for text in texts for t in timings({"text": text}, args.repeat)]
    report("plain text, 5 KB", plain)
    mojibake = [t for text in texts for t in timings({"text": text.replace("’", "â€™")}, args.repeat // 4)]
    report("plain text, 5 KB, mojibake", mojibake)
    if args.devset is not None:
        cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text().splitlines() if line]
        pages = [gzip.decompress((args.devset / c["file"]).read_bytes()).decode("utf-8", "replace") for c in cases]
        clean_record({"html": pages[0]})
        report("HTML page (devset)", [t for page in pages for t in timings({"html": page}, 1)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
