"""Seeded synthetic raw news corpora for the scale benchmarks: JSONL files of ~5 KB articles.

    python benchmarks/synth_corpus.py OUT_DIR --docs 100000 [--per-file 5000] [--seed 7]

Each record has realistic variety: outlet names (registry names, aliases, unknown outlets),
dates in several formats (ISO, "July 16, 2018", "16/07/2018", timestamps, garbage),
author bylines, URLs (sometimes missing), article bodies of lognormal length around 5 KB in
paragraphs, per-outlet boilerplate lines (newsletter prompts, cookie banners, share
widgets), and 5% near-duplicates (another article's text with a few words changed). The
same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path
from typing import Any

OUTLETS = ["Reuters", "The Associated Press", "AP", "The New York Times", "NYT", "The Washington Post",
           "BBC News", "The Guardian", "CNN", "Fox News", "Politico", "Bloomberg", "Agence France-Presse",
           "Der Spiegel", "Le Monde", "The Moscow Times", "Al Jazeera", "NPR", "Daily Ledger", "Valley Courier"]
DOMAINS = ["reuters.com", "apnews.com", "nytimes.com", "washingtonpost.com", "bbc.co.uk", "theguardian.com",
           "cnn.com", "foxnews.com", "politico.com", "bloomberg.com", "afp.com", "spiegel.de", "lemonde.fr",
           "themoscowtimes.com", "aljazeera.com", "npr.org", "dailyledger.example", "valleycourier.example"]
BOILERPLATE = ["Sign up for our morning newsletter.", "Follow us on Twitter and Facebook.",
               "This site uses cookies. Read our cookie policy.", "Share this article", "Advertisement",
               "Read more: the latest news from the summit", "Subscribe for unlimited access."]
FIRST = ["Anna", "John", "Maria", "David", "Olga", "Peter", "Sarah", "James", "Elena", "Michael", "Laura", "Ivan"]
LAST = ["Smith", "Ivanova", "Johnson", "Brown", "Petrov", "Garcia", "Miller", "Davis", "Wilson", "Taylor"]
WORDS = ("the of and to in a is that for on said with was as by at from it his an be has are have but were "  # noqa: SIM905
         "president summit meeting minister talks officials election sanctions moscow washington kremlin white "
         "house helsinki trade nuclear treaty intelligence reporters statement government security agreement "
         "foreign policy relations leaders press conference week year state department national council "
         "european union military defense spokesman interview committee investigation campaign vote senate").split()
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 24))
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, target: int) -> str:
    paragraphs, size = [], 0
    while size < target:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _date(rng: random.Random) -> str | None:
    year, month, day = rng.randint(2016, 2019), rng.randint(1, 12), rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.5:
        return f"{year}-{month:02d}-{day:02d}"
    if roll < 0.7:
        return f"{MONTHS[month - 1]} {day}, {year}"
    if roll < 0.8:
        return f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    if roll < 0.9:
        return f"{day:02d}/{month:02d}/{year}"
    return None if roll < 0.97 else "sometime last week"


def _authors(rng: random.Random) -> str | None:
    """A byline as collectors give it (always a string, so plain JSON readers can type the column)."""
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.choice([0, 1, 1, 1, 2, 3]))]
    roll = rng.random()
    if not names:
        return None
    if roll < 0.3:
        return ", ".join(names)
    if roll < 0.6:
        return " and ".join(names)
    return "By " + ", ".join(n.upper() if rng.random() < 0.2 else n for n in names)


def record(i: int, rng: random.Random, earlier: list[str], hashed_ids: bool = False) -> dict[str, Any]:
    outlet_index = rng.randrange(len(OUTLETS))
    if earlier and rng.random() < 0.05:  # near-duplicate: an earlier text with a few words changed
        words = rng.choice(earlier).split(" ")
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        text = " ".join(words)
    else:
        text = _body(rng, int(min(20000, max(800, rng.lognormvariate(8.4, 0.35)))))
        if len(earlier) < 2000:
            earlier.append(text)
        elif rng.random() < 0.01:
            earlier[rng.randrange(len(earlier))] = text
    lines = [rng.choice(BOILERPLATE[:3])] if rng.random() < 0.6 else []
    text = "\n\n".join([text, *lines, BOILERPLATE[outlet_index % len(BOILERPLATE)]])
    # ids in file order (as ids made from file and line are), or hashed: every file's ids interleave
    doc_id = f"syn-{hashlib.sha256(str(i).encode()).hexdigest()[:16]}" if hashed_ids else f"syn-{i:08d}"
    rec: dict[str, Any] = {"id": doc_id, "title": _sentence(rng)[:-1], "text": text}
    if rng.random() < 0.9:
        rec["outlet"] = OUTLETS[outlet_index]
    date = _date(rng)
    if date is not None:
        rec["date"] = date
    authors = _authors(rng)
    if authors:
        rec["authors"] = authors
    if rng.random() < 0.8:
        rec["url"] = f"https://www.{DOMAINS[outlet_index % len(DOMAINS)]}/{2016 + i % 4}/story-{i}"
    if rng.random() < 0.2:
        rec["language"] = "en"
    return rec


def generate(out: Path, docs: int, per_file: int = 5000, seed: int = 7, hashed_ids: bool = False) -> list[Path]:
    """Write ``docs`` records as ``part-00000.jsonl`` … of ``per_file`` records each (``hashed_ids``:
    ids that do not follow the files' order)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    earlier: list[str] = []
    paths = []
    for start in range(0, docs, per_file):
        path = out / f"part-{start // per_file:05d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for i in range(start, min(docs, start + per_file)):
                handle.write(json.dumps(record(i, rng, earlier, hashed_ids), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def change_share(raw: Path, share: float, seed: int = 11) -> int:
    """Edit ``share`` of the records in place (a correction appended to the text); returns how many.

    The edits go to the newest files first, as corrections to a news archive do.
    """
    files = sorted(raw.glob("*.jsonl"))
    total = sum(1 for f in files for _ in f.open(encoding="utf-8"))
    wanted = max(1, round(total * share))
    rng = random.Random(seed)
    changed = 0
    for path in reversed(files):
        lines = path.read_text(encoding="utf-8").splitlines()
        picks = sorted(rng.sample(range(len(lines)), min(len(lines), wanted - changed)))
        for index in picks:
            rec = json.loads(lines[index])
            rec["text"] += "\n\nCorrection: an earlier version of this article misstated a date."
            lines[index] = json.dumps(rec, ensure_ascii=False)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        changed += len(picks)
        if changed >= wanted:
            break
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--per-file", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hashed-ids", action="store_true", help="ids that do not follow the files' order")
    args = parser.parse_args()
    paths = generate(args.out, args.docs, args.per_file, args.seed, args.hashed_ids)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {args.docs} documents in {len(paths)} files, {size / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
