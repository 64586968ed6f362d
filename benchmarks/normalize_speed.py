"""Per-document cost of each metadata normaliser on realistic inputs.

Usage: python benchmarks/normalize_speed.py [--devset /path/to/devset] [--docs 2000]

Text records: the five embedded seeds and synthetic collector records (bylines, dates in many
written forms, outlet strings, URLs) cycled to ``--docs`` documents; each is normalised
end to end (``normalize_metadata``) and per normaliser. With ``--devset`` the HTML pages'
own-metadata scan (``page_meta``) is timed too (the extractor itself, trafilatura, is not
part of normalisation). Prints median and 95th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from masthead.clean import clean_record
from masthead.normalize import normalize_metadata
from masthead.normalize.authors import parse_byline
from masthead.normalize.dates import parse_date
from masthead.normalize.outlets import load_registry
from masthead.normalize.page_meta import page_meta
from masthead.normalize.signatures import find_signatures
from masthead.pipeline.context import StepContext

REPO = Path(__file__).resolve().parents[1]
BYLINES = ["By DAVID FILIPOV and ABBY PHILLIP", "Jane Doe, Associated Press", "By Jane Doe, Staff Writer",
           "Von Hans Müller und Eva Schmidt", "AMELIA THOMSON-DEVEAUX", "Reuters", "By Neil MacFarquhar"]
DATES = ["2018-07-14T17:00:00Z", "Jul 14, 2018 5:00 PM ET", "14.07.2018", "Saturday, July 14, 2018",
         "2024-04-27T15:56:35+0100", "Sept. 3, 2024", "14 July 2018 17:00 BST"]
OUTLETS = ["The New York Times", "nytimes.com", "NYT", "The Washington Post", "Reuters", "BBC", "The Smalltown Gazette"]
URLS = ["https://www.nytimes.com/2018/07/14/world/x.html", "https://www.bbc.co.uk/news/world-1", "https://example.org/a"]


def records(count: int) -> list[dict[str, Any]]:
    seeds = [{"text": p.read_text(encoding="utf-8")} for p in sorted((REPO / "raw").glob("*.txt"))]
    out: list[dict[str, Any]] = []
    body = seeds[0]["text"][:3000]
    for i in range(count):
        if i % 5 == 0:
            out.append(seeds[(i // 5) % len(seeds)])
        else:
            out.append({"text": body, "authors": BYLINES[i % len(BYLINES)], "date": DATES[i % len(DATES)],
                        "outlet": OUTLETS[i % len(OUTLETS)], "url": URLS[i % len(URLS)], "title": f"Headline {i}"})
    return out


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def show(name: str, costs: list[float]) -> None:
    costs = sorted(costs)
    p95 = costs[int(len(costs) * 0.95) - 1] if len(costs) > 1 else costs[0]
    print(f"{name:34} median {statistics.median(costs):7.3f} ms   p95 {p95:7.3f} ms   ({len(costs)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    ctx = StepContext(build_date=dt.date.today(), language="en")
    registry = load_registry()  # loaded and validated once per process, like a build
    docs = records(args.docs)
    cleaned = [clean_record(r) for r in docs]
    origin = {"text": "given", "authors": "given", "date": "given", "outlet": "given", "url": "given", "title": "given"}
    normalize_metadata(docs[0], origin, cleaned[0], ctx)  # warm the registry cache
    show("normalize_metadata (whole record)", [timed(lambda r=r, c=c: normalize_metadata(r, origin, c, ctx))
                                               for r, c in zip(docs, cleaned, strict=True)])
    show("  parse_date", [timed(lambda r=r: parse_date(r["date"])) for r in docs if "date" in r])
    show("  parse_byline", [timed(lambda r=r: parse_byline(r["authors"], registry.is_agency)) for r in docs if "authors" in r])
    show("  outlet by_name", [timed(lambda r=r: registry.by_name(r["outlet"])) for r in docs if "outlet" in r])
    show("  find_signatures (text)", [timed(lambda r=r: find_signatures([r["text"]])) for r in docs])
    uncached = [f"{d} " for d in DATES]  # distinct strings: the parser without its cache
    show("  parse_date, uncached", [timed(lambda v=v, i=i: parse_date(v + str(i % 28 + 1))) for i, v in
                                     enumerate(uncached * 50)])
    if args.devset is not None:
        pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted((args.devset / "pages").glob("*.gz"))]
        show("page_meta (HTML pages, devset)", [timed(lambda h=h: page_meta(h)) for h in pages])
        cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
        print(f"  ({len(pages)} pages, median {statistics.median(len(p) for p in pages) / 1000:.0f} kB; {len(cases)} cases)")


if __name__ == "__main__":
    main()
