"""Metadata accuracy on the development set, beside trafilatura on the same pages in the same run.

Usage: python benchmarks/devset_metadata.py /path/to/devset [--show-misses] [--folds 5] [--no-cost]

Builds a raw folder of the devset's pages plus a ``manifest.jsonl`` that gives only each
page's ``url``, runs ``masthead build --raw … --dist …`` into a temporary folder, reads the
release's Parquet and scores per field as the metadata issue defines:
authors as a set of case-folded names (also passing when authors plus agencies equal the
expected set); date at day precision in the page's own zone; title case-folded with
punctuation and a leading "The" ignored. ``trafilatura.extract_metadata`` is scored the same
way on the same pages. A date miss whose ``published_at`` is the labelled instant itself is counted apart
(the devset writes the page's own offset, often UTC; masthead's date is the day on the outlet's calendar).

Outlet, as the devset's README asks (its names are the crawler's; masthead's registry decides
its own canonical name): a release's outlet passes when the expected name is that outlet's
canonical name or one of its aliases in the registry (``schema/outlets.json`` beside the code
that made the release), or the name itself, compared ignoring case, spaces, hyphens,
punctuation and diacritics ("SeznamZpravy" = "Seznam Zprávy"); as before, also when one name
contains the other, as whole words ("i" in "The i Paper") or, for a contained name of 3 letters
or more, as letters ("ZDF" in "ZDFheute"; not "i" inside any word with an i); a name written as
a host ("Merkur.de") is compared by its domain label too. The old strict score (word strings,
one inside the other as letters, no registry, diacritics kept) is printed beside it as
``outlet-strict`` so the two are never confused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

FIELDS = ("authors", "date", "outlet", "title")
STRICT = "outlet-strict"  # the old outlet score: word strings only, no registry aliases, diacritics kept
COLUMNS = (*FIELDS, STRICT)
REGISTRY = Path("schema") / "outlets.json"
MIN_HELD = 3  # letters of the shorter outlet name for containment to count
_NON_WORD = re.compile(r"[\W_]+")
_HOST = re.compile(r"^(?:[a-z0-9-]{1,63}\.){1,4}[a-z]{2,24}$", re.IGNORECASE)
# Letters NFKD does not split into a base letter and a mark.
_PLAIN = str.maketrans({"ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE",
                        "œ": "oe", "Œ": "OE", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"})
_HTML_LANG = re.compile(r"<html\b[^>]{0,500}?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def key(text: str | None) -> str:
    words = _NON_WORD.sub(" ", (text or "").casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def loose(text: str) -> str:
    """Words of a name without diacritics, case, punctuation (``key`` after dropping accents)."""
    plain = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return key("".join(ch for ch in plain if not unicodedata.combining(ch)))


def outlet_names(path: Path) -> dict[str, list[str]]:
    """Each registered outlet's canonical name and aliases, by the ``loose`` key of the canonical name."""
    if not path.is_file():
        return {}
    outlets = json.loads(path.read_text(encoding="utf-8"))["outlets"]
    return {loose(o["name"]): [o["name"], *o.get("aliases", [])] for o in outlets}


def outlet_matches(got: str | None, expected: str, registry: dict[str, list[str]]) -> bool:
    """The outlet rule of the module's docstring."""
    if not got or not got.strip():
        return False
    names = list(registry.get(loose(got), [got]))
    if _HOST.match(got.strip()):
        labels = got.strip().lower().split(".")[:-1]
        while len(labels) > 1 and labels[-1] in {"co", "com", "org", "net", "ne", "or"}:
            labels = labels[:-1]
        names.append(labels[-1])
    want = loose(expected)
    for name in names:
        found = loose(name)
        if found and (found.replace(" ", "") == want.replace(" ", "") or _holds(found, want) or _holds(want, found)):
            return True
    return False


def _holds(longer: str, shorter: str) -> bool:
    """One name inside the other: as whole words ("i" in "i paper"), or as letters for a name of ``MIN_HELD``
    letters or more ("zdf" in "zdfheute"; "i" is inside too many names)."""
    return f" {shorter} " in f" {longer} " or (
        len(shorter.replace(" ", "")) >= MIN_HELD and shorter.replace(" ", "") in longer.replace(" ", ""))


def score(field: str, got: Any, case: dict[str, Any], agencies: list[str] | None = None,
          registry: dict[str, list[str]] | None = None) -> bool:
    if field == "authors":
        expected = {a.casefold().strip() for a in case.get("authors") or []}
        people = {a.casefold().strip() for a in got or []}
        return people == expected or people | {a.casefold().strip() for a in agencies or []} == expected
    if field == "date":
        return bool(got) and str(got)[:10] == str(case["published_at"])[:10]
    if field == "title":
        return bool(got) and key(got) == key(case["title"])
    if registry is not None:
        return outlet_matches(got, case["outlet"], registry)
    want, found = key(case["outlet"]), key(got)
    return bool(found) and (found == want or found in want or want in found)


def same_instant(got: Any, expected: Any) -> bool:
    """Whether the release's ``published_at`` is the labelled timestamp's instant (both with a zone): a date miss
    that is then only a calendar convention (the label's offset against the outlet's zone)."""
    try:
        ours, theirs = dt.datetime.fromisoformat(str(got).replace("Z", "+00:00")), dt.datetime.fromisoformat(str(expected))
    except ValueError:
        return False
    return ours.tzinfo is not None and theirs.tzinfo is not None and ours == theirs


def build_release(devset: Path, cases: list[dict[str, Any]], work: Path,
                  code: Path | None = None) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The devset's documents and rejects as ``masthead build`` makes them (with ``code`` first on the path)."""
    raw = work / "raw"
    raw.mkdir()
    with (raw / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for case in cases:
            name = Path(case["file"]).name
            shutil.copyfile(devset / case["file"], raw / name)
            manifest.write(json.dumps({"path": name, "url": case["url"]}) + "\n")
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    done = subprocess.run(
        [sys.executable, "-m", "masthead", "build", "--raw", str(raw), "--dist", str(work / "dist"), "--json"],
        cwd=work, capture_output=True, text=True, check=False, env=env,
    )
    if done.returncode != 0:
        sys.exit(f"masthead build failed ({done.returncode}):\n{done.stderr}")
    import pyarrow.parquet as pq

    docs = pq.read_table(sorted((work / "dist").glob("*/*/data/*.parquet"))).to_pylist()
    report = json.loads(done.stdout)
    return {doc["source"]: doc for doc in docs}, list(report["rejects"])


def trafilatura_fields(html: str, url: str) -> dict[str, Any]:
    from trafilatura import extract_metadata

    meta = extract_metadata(html, default_url=url)
    if meta is None:
        return dict.fromkeys(FIELDS)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    return {"authors": authors, "date": meta.date, "outlet": meta.sitename, "title": meta.title}


def fold_of(outlet: str, folds: int) -> int:
    """A stable fold for an outlet: every page of one outlet lands in the same fold."""
    return int(hashlib.sha1(key(outlet).encode("utf-8")).hexdigest(), 16) % folds


def language_of(doc: dict[str, Any], html: str) -> str:
    detected = str(doc.get("language") or "und")
    if detected != "und":
        return detected.split("-")[0].lower()
    found = _HTML_LANG.search(html[:20_000])
    return found[1].lower() if found else "und"


def table(title: str, groups: dict[str, list[dict[str, Any]]]) -> None:
    print(f"\n{title:20} {'pages':>5}  " + "  ".join(f"{f:>13}" for f in COLUMNS) + "   (masthead / trafilatura)")
    for name, rows in groups.items():
        cells = "  ".join(f"{share(rows, 'ours', f):>6.1f}/{share(rows, 'theirs', f):<6.1f}" for f in COLUMNS)
        print(f"{name:20} {len(rows):>5}  {cells}")


def share(rows: list[dict[str, Any]], who: str, field: str) -> float:
    return 100 * sum(row[who][field] for row in rows) / len(rows) if rows else 0.0


def cost(devset: Path, cases: list[dict[str, Any]]) -> None:
    """Milliseconds per HTML page of metadata (``normalize_metadata``) beside the clean step, in-process."""
    from masthead.clean import clean_record
    from masthead.normalize import normalize_metadata
    from masthead.pipeline.context import StepContext

    ctx = StepContext(build_date=dt.date.today(), language=None)
    meta_ms: list[float] = []
    clean_ms: list[float] = []
    for case in cases:
        html = gzip.decompress((devset / case["file"]).read_bytes()).decode("utf-8", "replace")
        fields, origin = {"html": html, "url": case["url"]}, {"html": "given", "url": "manifest"}
        start = time.process_time()
        cleaned = clean_record(fields)
        clean_ms.append(1000 * (time.process_time() - start))
        if cleaned.reject is not None:
            continue
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            normalize_metadata(fields, origin, cleaned, ctx)
            best = min(best, time.process_time() - start)
        meta_ms.append(1000 * best)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    print(f"\nCPU cost per HTML page, in-process ({len(meta_ms)} pages): metadata (normalize_metadata) median "
          f"{statistics.median(meta_ms):.2f} ms, p95 {p95(meta_ms):.2f} ms; clean step (extraction) median "
          f"{statistics.median(clean_ms):.1f} ms, p95 {p95(clean_ms):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--folds", type=int, default=5, help="folds of outlets (grouped by a stable hash)")
    parser.add_argument("--no-cost", action="store_true", help="skip timing the metadata step per page")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout's builder/ folder: print this code's gain over it per outlet fold")
    args = parser.parse_args()
    cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        docs, rejects = build_release(args.devset, cases, Path(tmp))
    before: dict[str, dict[str, Any]] = {}
    if args.against is not None:
        with tempfile.TemporaryDirectory() as tmp:
            before, _ = build_release(args.devset, cases, Path(tmp), args.against)
    registry = outlet_names(Path(__file__).resolve().parents[1] / REGISTRY)
    registry_before = outlet_names(args.against.resolve().parent / REGISTRY) if args.against is not None else registry
    rows: list[dict[str, Any]] = []
    for case in cases:
        doc = docs.get(Path(case["file"]).name) or {}
        html = gzip.decompress((args.devset / case["file"]).read_bytes()).decode("utf-8", "replace")
        other = trafilatura_fields(html, case["url"])
        row: dict[str, Any] = {"ours": {}, "theirs": {}, "language": language_of(doc, html),
                               "fold": fold_of(case["outlet"], args.folds), "outlet": key(case["outlet"])}
        old = before.get(Path(case["file"]).name) or {}
        row["before"] = {field: score(field, old.get(field), case, old.get("agencies"), registry_before)
                         for field in FIELDS}
        row["before"][STRICT] = score("outlet", old.get("outlet"), case)
        row["ours"][STRICT] = score("outlet", doc.get("outlet"), case)
        row["theirs"][STRICT] = score("outlet", other["outlet"], case)
        for field in FIELDS:
            ok = score(field, doc.get(field), case, doc.get("agencies"), registry)
            row["ours"][field] = ok
            row["theirs"][field] = score(field, other[field], case, None, registry)
            if args.show_misses and field == "outlet" and ok and not row["ours"][STRICT]:
                print(f"pass outlet   {case['file']}: got {doc.get(field)!r} expected {case['outlet']!r}"
                      " (only through registry aliases or the loose comparison)")
            if field == "date" and not ok and same_instant(doc.get("published_at"), case["published_at"]):
                row["same_instant"] = True
            if args.show_misses and not ok:
                print(f"miss {field:8} {case['file']}: got {doc.get(field)!r} {doc.get('agencies') if field == 'authors' else ''}"
                      f" expected {case.get('published_at' if field == 'date' else field)!r}"
                      + (" (the same instant: masthead's day is the outlet's calendar day, the label's is its own offset's)"
                         if field == "date" and row.get("same_instant") else ""))
        rows.append(row)
    total = len(cases)
    print(f"pages lost: {len(rejects)} of {total}")
    for reject in rejects:
        print(f"  lost {reject['source']}: {reject.get('code')}: {reject.get('message') or reject.get('reason') or ''}")
    print(f"{'field':13} {'masthead':>9} {'trafilatura':>12}   ({total} pages)")
    for field in COLUMNS:
        print(f"{field:13} {share(rows, 'ours', field) / 100:9.1%} {share(rows, 'theirs', field) / 100:12.1%}")
    print(f"date misses that are the expected instant itself, on another calendar day: "
          f"{sum(bool(row.get('same_instant')) for row in rows)}")
    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_language[row["language"]].append(row)
    table("language", dict(sorted(by_language.items(), key=lambda item: (-len(item[1]), item[0]))))
    by_fold = {f"fold {n} ({len({r['outlet'] for r in rows if r['fold'] == n})} outlets)": [r for r in rows if r["fold"] == n]
               for n in range(args.folds)}
    table("outlet fold", by_fold)
    print(f"{'fold min':20} {'':>5}  " + "  ".join(
        f"{min(share(r, 'ours', f) for r in by_fold.values()):>6.1f}/{min(share(r, 'theirs', f) for r in by_fold.values()):<6.1f}"
        for f in COLUMNS))
    print(f"{'fold mean':20} {'':>5}  " + "  ".join(
        f"{statistics.mean(share(r, 'ours', f) for r in by_fold.values()):>6.1f}/"
        f"{statistics.mean(share(r, 'theirs', f) for r in by_fold.values()):<6.1f}" for f in COLUMNS))
    print(f"{'whole devset':20} {total:>5}  " + "  ".join(
        f"{share(rows, 'ours', f):>6.1f}/{share(rows, 'theirs', f):<6.1f}" for f in COLUMNS))
    if args.against is not None:
        print(f"\ngain over {args.against} in points (pages fixed - pages broken, as a share of the group)")
        print(f"{'':20} {'pages':>5}  " + "  ".join(f"{f:>13}" for f in COLUMNS))
        for name, group in [*by_fold.items(), ("whole devset", rows)]:
            print(f"{name:20} {len(group):>5}  " + "  ".join(
                f"{share(group, 'ours', f) - share(group, 'before', f):>+13.1f}" for f in COLUMNS))
    if not args.no_cost:
        cost(args.devset, cases)


if __name__ == "__main__":
    main()
