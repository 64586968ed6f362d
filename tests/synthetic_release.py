"""A release-like folder of N generated documents (data/*.parquet, manifest.json, rejects.jsonl).

Written straight from the document schema with the release's own Parquet writer, so the report
and stats can be exercised on 10k (or 1M) documents without running a full build.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

from masthead.release.parquet import write_split
from masthead.schema import arrow_schema, document_schema

ORIGINS = ["given", "manifest", "front-matter", "html-meta", "url", "text", "detected"]
LANGUAGES = [("en", 80), ("de", 6), ("fr", 5), ("es", 3), ("und", 3), ("it", 1), ("pt", 1), ("nl", 1)]
REJECT_CODES = [("schema-violation", 61), ("empty-document", 40), ("malformed-json", 21), ("duplicate-id", 9),
                ("implausible-date", 5), ("boilerplate-only", 1)]
VOCAB = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "said", "with", "was", "as", "by",
         "at", "from", "it", "his", "an", "be", "has", "are", "have", "but", "were", "president", "summit",
         "meeting", "minister", "talks", "officials", "election", "sanctions", "moscow", "washington",
         "kremlin", "white", "house", "helsinki", "trade", "nuclear", "treaty", "intelligence", "reporters",
         "statement"]


def _outlets(n: int) -> list[str]:
    names = ["The Washington Post", "Reuters", "Associated Press", "The New York Times", "BBC News", "CNN",
             "The Guardian", "Fox News", "Politico", "Agence France-Presse", "Der Spiegel", "Le Monde", "El País",
             "A Very Long Regional Outlet Name Gazette and Evening Courier"]
    return names + [f"Outlet {i:03d}" for i in range(n - len(names))]


def _document(i: int, rng: random.Random, outlets: list[str], weights: list[float]) -> dict[str, Any]:
    words = max(1, int(rng.lognormvariate(5.6, 0.8)))
    text = " ".join(rng.choices(VOCAB, k=words))
    outlet = None if rng.random() < 0.08 else rng.choices(outlets, weights)[0]
    roll = rng.random()
    if roll < 0.05:
        date, precision = None, None
    elif roll < 0.08:
        date, precision = f"{rng.randint(2015, 2019)}-01-01", "year"
    else:
        date, precision = f"{rng.randint(2015, 2019)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "day"
    authors = [f"Author {rng.randint(1, 500)}" for _ in range(rng.choice([0, 1, 1, 1, 2, 3]))]
    contributors = [f"Reporter {rng.randint(1, 200)}" for _ in range(rng.choice([0, 0, 0, 1, 2]))]
    agencies = rng.choice([[], [], [], [], ["Reuters"], ["AP", "AFP"]])
    title = None if rng.random() < 0.1 else f"Headline {i}"
    url = None if rng.random() < 0.3 else f"https://news.example/{i}"
    language = rng.choices([lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]

    def origin(value: Any) -> str | None:
        return rng.choice(ORIGINS) if value else None

    return {
        "id": f"doc-{i:07d}", "title": title, "dek": None, "text": text, "outlet": outlet,
        "outlet_registered": outlet is not None and not outlet.startswith("Outlet 1"),
        "date": date, "published_at": None, "date_precision": precision, "authors": authors,
        "contributors": contributors, "agencies": agencies, "url": url, "language": language,
        "source": f"batch-{i // 1000:03d}.jsonl", "source_record": i % 1000 + 1, "encoding": "utf-8",
        "content_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "duplicate_of": None,
        "cleaning": {"removed_chars": 0, "removed": []},
        "provenance": {"title": origin(title), "outlet": origin(outlet), "date": origin(date),
                       "authors": origin(authors), "contributors": origin(contributors),
                       "agencies": origin(agencies), "url": origin(url),
                       "language": "detected" if language != "und" else None},
    }


def _mark_duplicates(docs: list[dict[str, Any]], rng: random.Random) -> int:
    """Clusters of size 2–6, and one of 150, pointing at a canonical document (texts copied)."""
    marked = 0
    order = list(range(len(docs)))
    rng.shuffle(order)
    sizes = [150] + [rng.choice([2, 2, 2, 3, 3, 4, 6]) for _ in range(len(docs) // 40)]
    position = 0
    for size in sizes:
        members = order[position : position + size]
        position += size
        if len(members) < 2:
            break
        head = docs[members[0]]
        for index in members[1:]:
            docs[index]["text"] = head["text"]
            docs[index]["content_sha256"] = head["content_sha256"]
            docs[index]["duplicate_of"] = head["id"]
            marked += 1
    return marked


def write_release(folder: Path, splits: dict[str, list[dict[str, Any]]], rejects: list[dict[str, Any]] | None = None,
                  duplicates_dropped: int = 0, shard_rows: int = 100_000) -> Path:
    """A release-like folder holding exactly these documents and rejects."""
    rejects = rejects or []
    schema = arrow_schema(document_schema(None))
    for split, rows in splits.items():
        write_split(rows, schema, folder / "data", split, shard_rows=shard_rows)
    (folder / "rejects.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rejects), encoding="utf-8")
    published = sum(len(rows) for rows in splits.values())
    marked = sum(1 for rows in splits.values() for d in rows if d["duplicate_of"] is not None)
    manifest = {
        "corpus": "synthetic", "version": "1.0.0", "released": "2026-01-01",
        "counts": {"input_records": published + len(rejects) + duplicates_dropped, "published": published,
                   "rejected": len(rejects), "duplicates": marked + duplicates_dropped,
                   "duplicates_dropped": duplicates_dropped},
        "splits": {k: len(v) for k, v in splits.items()},
        "notes": {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def make_document(i: int, seed: int = 0, **fields: Any) -> dict[str, Any]:
    """One generated document, with ``fields`` overriding what was generated."""
    doc = _document(i, random.Random(seed * 1_000_003 + i), _outlets(20), [1.0] * 20)
    doc.update(fields)
    if "text" in fields:
        doc["content_sha256"] = hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
    return doc


def make_release(folder: Path, n: int, seed: int = 8, outlets: int = 40) -> Path:
    """n documents: Zipf-distributed outlets, 2015–2019 dates (some undated or year-only), lognormal
    lengths, eight languages, duplicate clusters (one of 150), two splits, and rejects in proportion."""
    rng = random.Random(seed)
    names = _outlets(outlets)
    weights = [1 / (rank + 1) for rank in range(len(names))]
    docs = [_document(i, rng, names, weights) for i in range(n)]
    if n >= 200:
        _mark_duplicates(docs, rng)
    cut = n * 9 // 10
    rejects = [{"source": f"bad-{code}.jsonl", "record": k + 1, "field": "/text", "code": code,
                "message": "synthetic", "fix": "none", "id": None}
               for code, count in REJECT_CODES for k in range(count * n // 10_000)]
    return write_release(folder, {"train": docs[:cut], "test": docs[cut:]}, rejects, shard_rows=max(1, n // 3))
