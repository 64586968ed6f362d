"""Seeded synthetic news pages (HTML) for hydrate's tests and benchmark: a corpus and its web.

    python benchmarks/synth_pages.py OUT_DIR --docs 2000 [--seed 7]

Writes ``OUT_DIR/raw/<outlet>/<n>.html``: one article page each, with page furniture around the
article (a menu, an advertisement, a share bar, a footer) and per-outlet repeated lines inside
the article (a newsletter prompt), which the build's corpus-level stage strips. Each page names
its URL (``<link rel=canonical>``, ``og:url``) under ``http://HOST/<outlet>/<n>``.

:func:`variant` gives the page the web would serve later: ``same`` (the page as built),
``furniture`` (the same article, other advertisements, menus and footer, other widgets),
``edited`` (two words corrected: a light edit), ``rewritten`` (another article at that URL).
The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass
from pathlib import Path

OUTLETS = ["daily-ledger", "valley-courier", "harbor-times", "summit-post"]
NAMES = {"daily-ledger": "Daily Ledger", "valley-courier": "Valley Courier", "harbor-times": "Harbor Times",
         "summit-post": "Summit Post"}
PROMPTS = {"daily-ledger": "Sign up for the Daily Ledger morning briefing in your inbox every day.",
           "valley-courier": "Support local journalism and subscribe to the Valley Courier today.",
           "harbor-times": "Get the Harbor Times newsletter with the stories that matter most.",
           "summit-post": "Read more stories like this one with a Summit Post digital subscription."}
WORDS = [
    "council", "budget", "harbor", "bridge", "school", "water", "river", "election", "mayor", "vote", "plan", "city",
    "county", "road", "tax", "residents", "officials", "meeting", "report", "project", "park", "police", "court", "state",
    "funding", "housing", "energy", "market", "festival", "museum", "library", "hospital", "station", "airport", "farmers",
    "weather", "storm", "season", "rail", "transit", "union"
]
FILLER = [
    "the", "of", "and", "to", "in", "a", "that", "for", "on", "said", "with", "was", "as", "by", "at", "from", "it", "an",
    "be", "has", "are", "have", "but", "were"
]
FIRST = ["Anna", "John", "Maria", "David", "Olga", "Peter", "Sarah", "James", "Elena", "Michael"]
LAST = ["Smith", "Ivanova", "Johnson", "Brown", "Petrov", "Garcia", "Miller", "Davis", "Wilson", "Taylor"]
ADS = ["Advertisement", "Shop the winter sale now", "Sponsored: compare insurance quotes", "Promoted content"]
MENUS = [["Home", "News", "Sports", "Opinion", "Weather"], ["Local", "Business", "Arts", "Obituaries", "Contact"]]


@dataclass(frozen=True)
class Article:
    outlet: str
    number: int
    title: str
    author: str
    date: str
    paragraphs: tuple[str, ...]

    def path(self) -> str:
        return f"{self.outlet}/{self.number:05d}"

    def url(self, host: str) -> str:
        return f"http://{host}/{self.path()}"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.5 else rng.choice(FILLER) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def article(seed: int, number: int) -> Article:
    rng = random.Random(f"{seed}:{number}")
    outlet = OUTLETS[number % len(OUTLETS)]
    paragraphs = tuple(" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 8)))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8))).capitalize() + f" ({number})"
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    date = f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return Article(outlet, number, title, author, date, paragraphs)


def page(doc: Article, host: str, kind: str = "same", seed: int = 0) -> str:
    """The article's page as served: ``kind`` is same, furniture, edited or rewritten (see the module)."""
    paragraphs = list(doc.paragraphs)
    title = doc.title
    furniture = random.Random(f"furniture:{seed}:{doc.number}:{kind}") if kind != "same" else random.Random(0)
    if kind == "edited":  # two words of the longest paragraph corrected: nearly the same text
        longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
        words = paragraphs[longest].split(" ")
        words[3], words[-3] = "corrected", "amended"
        paragraphs[longest] = " ".join(words)
    elif kind == "rewritten":
        other = article(seed + 1, doc.number + 100_000)
        paragraphs, title = list(other.paragraphs), other.title
    url = doc.url(host)
    menu = MENUS[furniture.randrange(len(MENUS))] if kind != "same" else MENUS[0]
    ad = furniture.choice(ADS) if kind != "same" else ADS[0]
    body = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    body.insert(min(2, len(body)), f"<p>{html.escape(PROMPTS[doc.outlet])}</p>")
    widget = '<div class="share">Share on Facebook · Share on X · Email</div>' if kind == "same" else \
        '<div class="related"><a href="/">More from this section</a></div>'
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)} | {NAMES[doc.outlet]}</title>",
        f'<link rel="canonical" href="{url}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:site_name" content="{NAMES[doc.outlet]}">',
        f'<meta name="author" content="{doc.author}">',
        f'<meta property="article:published_time" content="{doc.date}T09:00:00Z">',
        "</head><body>",
        "<nav><ul>" + "".join(f'<li><a href="/{m.lower()}">{m}</a></li>' for m in menu) + "</ul></nav>",
        f'<aside class="ad">{html.escape(ad)}</aside>',
        "<main><article>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="byline">By {doc.author}</p>',
        *body,
        "</article>",
        widget,
        "</main>",
        f"<footer><p>© {NAMES[doc.outlet]}. All rights reserved.</p></footer>",
        "</body></html>",
        "",
    ])


def write_corpus(out: Path, docs: int, seed: int, host: str) -> list[Article]:
    """The build's input: ``out/raw/<outlet>/<n>.html``, every page as it was when the corpus was built."""
    articles = [article(seed, n) for n in range(docs)]
    for doc in articles:
        path = out / "raw" / f"{doc.path()}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(doc, host), encoding="utf-8")
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1:8000")
    args = parser.parse_args()
    write_corpus(args.out, args.docs, args.seed, args.host)
    print(f"wrote {args.docs} pages under {args.out / 'raw'}")


if __name__ == "__main__":
    main()
