"""Body text and headline on the development set, masthead's cleaning beside plain trafilatura.

    python benchmarks/devset_text.py /work/shared/devset

For each page, a text "has the body" when it contains both the page's first and last paragraph
(compared after whitespace and quote normalisation), and the headline "matches" when it equals
the expected title the same way. Prints the shares for masthead (clean_record: safe parse,
precision-oriented trafilatura, furniture rules and position) and for trafilatura's defaults
(``extract`` with metadata), and lists masthead's misses.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from pathlib import Path

from masthead.clean import clean_record

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_SPACE = re.compile(r"\s+")


def norm(text: str | None) -> str:
    return _SPACE.sub(" ", (text or "").translate(_QUOTES)).strip().casefold()


def score(text: str, title: str | None, case: dict) -> tuple[bool, bool, bool, bool]:
    body = norm(text)
    first = norm(case["first_paragraph"]) in body
    last = norm(case["last_paragraph"]) in body
    return first, last, first and last, norm(title) == norm(case["title"])


def plain_trafilatura(html: str) -> tuple[str, str | None]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return "", None
    return doc.text or "", doc.title


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path, help="folder with cases.jsonl and pages/")
    parser.add_argument("--misses", action="store_true", help="list masthead's misses")
    args = parser.parse_args()
    cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    totals = {"masthead": [0, 0, 0, 0], "trafilatura defaults": [0, 0, 0, 0]}
    seconds = {"masthead": 0.0, "trafilatura defaults": 0.0}
    misses = []
    for case in cases:
        html = gzip.decompress((args.devset / case["file"]).read_bytes()).decode("utf-8", errors="replace")
        start = time.perf_counter()
        cleaned = clean_record({"html": html})
        seconds["masthead"] += time.perf_counter() - start
        ours = score(cleaned.text, cleaned.title, case)
        start = time.perf_counter()
        text, title = plain_trafilatura(html)
        seconds["trafilatura defaults"] += time.perf_counter() - start
        theirs = score(text, title, case)
        for name, result in (("masthead", ours), ("trafilatura defaults", theirs)):
            for i, ok in enumerate(result):
                totals[name][i] += ok
        if not all(ours):
            misses.append((case["file"], ours, cleaned.reject.code if cleaned.reject else "", cleaned.title))
    n = len(cases)
    print(f"devset: {n} pages")
    print(f"{'extractor':<22} {'first para':>10} {'last para':>10} {'body (both)':>12} {'headline':>9} {'ms/page':>8}")
    for name, (first, last, both, head) in totals.items():
        print(f"{name:<22} {first / n:>10.1%} {last / n:>10.1%} {both / n:>12.1%} {head / n:>9.1%} "
              f"{1000 * seconds[name] / n:>8.1f}")
    if args.misses:
        for file, (first, last, _, head), reject, title in misses:
            print(f"  miss {file}: first={first} last={last} headline={head} {reject} title={title!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
