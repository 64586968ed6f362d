"""Authors and outlet on the development set, per fold of outlets, beside trafilatura in the same run.

Usage: python benchmarks/devset_people.py /path/to/devset [--folds 5] [--show-misses FOLD]

Each page is cleaned and normalised in process (``clean_record`` then ``normalize_metadata``, with
the page's URL as the collector gives it); a page the cleaner rejects is still normalised, with
no text, so that its metadata counts. Outlets are split into ``--folds`` groups by a hash of the
outlet's folder name (the part of the page's file name before the first "_"), so every page of
an outlet is in one fold: a rule written from some folds is judged by the others.
Scoring is that of ``devset_metadata.py``: authors as a set of case-folded names (people, or
people plus agencies); outlet case-folded without punctuation or a leading "The", one name
holding the other passing. ``outlet*`` also maps both names through the registry's aliases and
compares them without spaces or diacritics, as the devset's README asks ("SeznamZpravy" is
"Seznam Zprávy", "Times Live" an alias of "TimesLIVE").
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import zlib
from pathlib import Path
from typing import Any

from masthead.clean import Cleaned, clean_record
from masthead.normalize import normalize_metadata
from masthead.normalize.outlets import compact_key, load_registry
from masthead.pipeline.context import StepContext

_NON_WORD = re.compile(r"[\W_]+")
REGISTRY = load_registry()


def key(text: str | None) -> str:
    words = _NON_WORD.sub(" ", (text or "").casefold()).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def authors_ok(got: list[str], agencies: list[str], case: dict[str, Any]) -> bool:
    expected = {a.casefold().strip() for a in case.get("authors") or []}
    people = {a.casefold().strip() for a in got}
    return people == expected or people | {a.casefold().strip() for a in agencies} == expected


def outlet_ok(got: str | None, case: dict[str, Any]) -> bool:
    expected, found = key(case["outlet"]), key(got)
    return bool(found) and (found == expected or found in expected or expected in found)


def outlet_alias_ok(got: str | None, case: dict[str, Any]) -> bool:
    if not got:
        return False
    ours, theirs = REGISTRY.by_name(got), REGISTRY.by_name(case["outlet"])
    if ours is not None and ours == theirs:
        return True
    found, expected = compact_key(got), compact_key(case["outlet"])
    return bool(found) and (found in expected or expected in found)


def trafilatura_fields(html: str, url: str) -> tuple[list[str], str | None]:
    from trafilatura import extract_metadata

    meta = extract_metadata(html, default_url=url)
    if meta is None:
        return [], None
    return [a.strip() for a in (meta.author or "").split(";") if a.strip()], meta.sitename


def fold_of(case: dict[str, Any], folds: int) -> int:
    return zlib.crc32(Path(case["file"]).name.split("_")[0].encode()) % folds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--show-misses", type=int, default=None, metavar="FOLD")
    args = parser.parse_args()
    cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    ctx = StepContext(build_date=dt.date.today())
    fields = ("authors", "outlet", "outlet*")
    tally: dict[tuple[str, int], list[int]] = {}
    for case in cases:
        html = gzip.decompress((args.devset / case["file"]).read_bytes()).decode("utf-8", "replace")
        record = {"html": html, "url": case["url"]}
        cleaned = clean_record(record)
        if cleaned.reject is not None or not cleaned.text:
            cleaned = Cleaned(None, None, "", meta=cleaned.meta)
        meta = normalize_metadata(record, dict.fromkeys(record, "given"), cleaned, ctx)
        their_authors, their_outlet = trafilatura_fields(html, case["url"])
        fold = fold_of(case, args.folds)
        results = {
            "authors": (authors_ok(list(meta.authors), list(meta.agencies), case), authors_ok(their_authors, [], case)),
            "outlet": (outlet_ok(meta.outlet, case), outlet_ok(their_outlet, case)),
            "outlet*": (outlet_alias_ok(meta.outlet, case), outlet_alias_ok(their_outlet, case)),
        }
        for field, (ours, theirs) in results.items():
            row = tally.setdefault((field, fold), [0, 0, 0])
            row[0] += ours
            row[1] += theirs
            row[2] += 1
            if args.show_misses == fold and not ours and field != "outlet*":
                got = (list(meta.authors), list(meta.agencies)) if field == "authors" else meta.outlet
                print(f"miss {field:8} {case['file']}: got {got!r} expected {case.get(field)!r}")
    print(f"{'field':8} {'fold':>5} {'pages':>5} {'masthead':>9} {'trafilatura':>12}")
    for field in fields:
        for fold in [*range(args.folds), None]:
            rows = [tally[(field, f)] for f in range(args.folds)] if fold is None else [tally[(field, fold)]]
            ours, theirs, total = (sum(r[i] for r in rows) for i in range(3))
            print(f"{field:8} {'all' if fold is None else fold:>5} {total:5} {ours / total:9.1%} {theirs / total:12.1%}")


if __name__ == "__main__":
    main()
