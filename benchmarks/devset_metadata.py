"""Metadata accuracy on the development set, beside trafilatura on the same pages in the same run.

Usage: python benchmarks/devset_metadata.py /path/to/devset [--show-misses]

Builds a raw folder of the devset's pages plus a ``manifest.jsonl`` that gives only each
page's ``url``, runs ``masthead build --raw … --dist …`` into a temporary folder, reads the
release's Parquet and scores per field as the metadata issue defines:
authors as a set of case-folded names (also passing when authors plus agencies equal the
expected set); date at day precision in the page's own zone; title and outlet case-folded
with punctuation and a leading "The" ignored (outlet also passing when one name contains
the other). ``trafilatura.extract_metadata`` is scored the same way on the same pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

FIELDS = ("authors", "date", "outlet", "title")
_NON_WORD = re.compile(r"[\W_]+")


def key(text: str | None) -> str:
    words = _NON_WORD.sub(" ", (text or "").casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def score(field: str, got: Any, case: dict[str, Any], agencies: list[str] | None = None) -> bool:
    if field == "authors":
        expected = {a.casefold().strip() for a in case.get("authors") or []}
        people = {a.casefold().strip() for a in got or []}
        return people == expected or people | {a.casefold().strip() for a in agencies or []} == expected
    if field == "date":
        return bool(got) and str(got)[:10] == str(case["published_at"])[:10]
    if field == "title":
        return bool(got) and key(got) == key(case["title"])
    expected, found = key(case["outlet"]), key(got)
    return bool(found) and (found == expected or found in expected or expected in found)


def build_release(devset: Path, cases: list[dict[str, Any]], work: Path) -> dict[str, dict[str, Any]]:
    raw = work / "raw"
    raw.mkdir()
    with (raw / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for case in cases:
            name = Path(case["file"]).name
            shutil.copyfile(devset / case["file"], raw / name)
            manifest.write(json.dumps({"path": name, "url": case["url"]}) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "masthead", "build", "--raw", str(raw), "--dist", str(work / "dist"), "--json"],
        cwd=work, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        sys.exit(f"masthead build failed ({done.returncode}):\n{done.stderr}")
    import pyarrow.parquet as pq

    docs = pq.read_table(sorted((work / "dist").glob("*/*/data/*.parquet"))).to_pylist()
    report = json.loads(done.stdout)
    if report["counts"]["rejected"]:
        print(f"note: {report['counts']['rejected']} page(s) rejected:", [r["source"] for r in report["rejects"]])
    return {doc["source"]: doc for doc in docs}


def trafilatura_fields(html: str, url: str) -> dict[str, Any]:
    from trafilatura import extract_metadata

    meta = extract_metadata(html, default_url=url)
    if meta is None:
        return dict.fromkeys(FIELDS)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    return {"authors": authors, "date": meta.date, "outlet": meta.sitename, "title": meta.title}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        docs = build_release(args.devset, cases, Path(tmp))
    ours = dict.fromkeys(FIELDS, 0)
    theirs = dict.fromkeys(FIELDS, 0)
    for case in cases:
        doc = docs.get(Path(case["file"]).name) or {}
        html = gzip.decompress((args.devset / case["file"]).read_bytes()).decode("utf-8", "replace")
        other = trafilatura_fields(html, case["url"])
        for field in FIELDS:
            ok = score(field, doc.get(field), case, doc.get("agencies"))
            ours[field] += ok
            theirs[field] += score(field, other[field], case)
            if args.show_misses and not ok:
                print(f"miss {field:8} {case['file']}: got {doc.get(field)!r} {doc.get('agencies') if field == 'authors' else ''}"
                      f" expected {case.get('published_at' if field == 'date' else field)!r}")
    total = len(cases)
    print(f"{'field':8} {'masthead':>9} {'trafilatura':>12}   ({total} pages)")
    for field in FIELDS:
        print(f"{field:8} {ours[field] / total:9.1%} {theirs[field] / total:12.1%}")


if __name__ == "__main__":
    main()
