"""The article text of a parsed page: extractors tried in a fixed order until one finds prose.

An extraction holds article text when at least one of its lines is prose: ``MIN_PROSE_WORDS`` words
or more, counted by ``masthead.clean.prose.word_units`` (characters, for scripts without spaces), so
a page whose lines are all menu items, buttons and short links is navigation. The order:

1. ``trafilatura`` — ``bare_extraction`` as the clean step has always run it (no comments, tables
   kept, ``favor_precision`` off; it already compares its result with its own readability and
   jusText fallbacks);
2. ``trafilatura-recall`` — the same with ``favor_recall=True``, which keeps more of the page where
   the default judged the text too thin;
3. ``jsonld-articleBody`` — the ``articleBody`` the page states in its JSON-LD (markup stripped);
4. ``trafilatura-baseline`` — trafilatura's ``baseline``, the last resort: it can fall back to the
   whole body's text, so only its prose lines are kept, and only when they hold a body-length
   paragraph (``MIN_BASELINE_PARAGRAPH`` words) and ``MIN_BASELINE_WORDS`` words in all; a
   navigation page's copyright line or two cannot pass.

Each step runs only when the ones before found no prose; a page none of them passes is rejected
with every step named. Each extractor works on its own copy of the tree.
"""

from __future__ import annotations

import copy
import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any

from masthead.clean.jsonld import json_objects, parse_block
from masthead.clean.prose import word_units

MIN_PROSE_WORDS = 6
MIN_BASELINE_PARAGRAPH = 25
MIN_BASELINE_WORDS = 50
_METHODS = ("trafilatura", "trafilatura-recall", "jsonld-articleBody", "trafilatura-baseline")
_META_KEYS = ("title", "author", "date", "sitename", "url", "description", "hostname")
_BREAKS = re.compile(r"<\s{0,3}(?:br|/p|/div|/h[1-6]|/li|/blockquote)\b[^<>]{0,200}>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_BLANKS = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass(frozen=True)
class Extraction:
    """The text found (None: no article), by which ``method``, every method ``tried`` and the page's metadata."""

    text: str | None
    method: str | None
    tried: tuple[str, ...]
    meta: dict[str, str] = field(default_factory=dict)
    first_text: str = ""  # what the first extractor returned, for the reject's message


def is_prose(line: str) -> bool:
    return word_units(line) >= MIN_PROSE_WORDS


def has_article_text(text: str) -> bool:
    """Whether any line of ``text`` is prose rather than a menu item, button or short link."""
    return any(is_prose(line) for line in text.splitlines())


def _trafilatura(tree: Any, recall: bool) -> tuple[str, dict[str, str]]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        tree,
        favor_precision=False,
        favor_recall=recall,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        deduplicate=False,
    )
    if doc is None:
        return "", {}
    meta = {key: str(value) for key in _META_KEYS if (value := getattr(doc, key, None))}
    return (getattr(doc, "text", None) or "").strip(), meta


def _plain(body: str) -> str:
    """An ``articleBody`` as lines of text: HTML markup (escaped or not) becomes line breaks and is dropped."""
    text = htmllib.unescape(body)
    if "<" in text:
        text = _TAG.sub(" ", _BREAKS.sub("\n", text))
        text = htmllib.unescape(text)
    lines = (_BLANKS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def jsonld_article_body(tree: Any) -> str:
    """The longest ``articleBody`` stated in the page's JSON-LD blocks, as plain text ('' if none)."""
    return jsonld_bodies([script.text or "" for script in tree.iterfind('.//script[@type="application/ld+json"]')])


def jsonld_bodies(scripts: list[str]) -> str:
    """The longest ``articleBody`` stated in these JSON-LD blocks, as plain text ('' if none)."""
    bodies: list[str] = []
    for raw in scripts:
        data = parse_block(raw) if "articleBody" in raw else None
        bodies.extend(obj["articleBody"] for obj in json_objects(data) if isinstance(obj.get("articleBody"), str))
    return max((_plain(body) for body in bodies), key=len, default="")


def baseline_prose(tree: Any) -> str:
    """The prose lines of trafilatura's ``baseline``, when they amount to an article ('' otherwise)."""
    import trafilatura

    _, text, _ = trafilatura.baseline(tree)
    lines = [line.strip() for line in (text or "").splitlines() if is_prose(line)]
    sizes = [word_units(line) for line in lines]
    if not sizes or max(sizes) < MIN_BASELINE_PARAGRAPH or sum(sizes) < MIN_BASELINE_WORDS:
        return ""
    return "\n".join(lines)


def metadata_of(tree: Any) -> dict[str, str]:
    import trafilatura

    doc = trafilatura.extract_metadata(copy.deepcopy(tree))
    return {key: str(value) for key in _META_KEYS if (value := getattr(doc, key, None))}


def extract_article(tree: Any) -> Extraction:
    """The first extraction, in the documented order, that holds article text."""
    tried: list[str] = []
    meta: dict[str, str] = {}
    first_text = ""
    for method in _METHODS:
        tried.append(method)
        if method in ("trafilatura", "trafilatura-recall"):
            text, found_meta = _trafilatura(tree, recall=method == "trafilatura-recall")
            meta = meta or found_meta
            first_text = first_text or text
        elif method == "jsonld-articleBody":
            text = jsonld_article_body(tree)
        else:
            text = baseline_prose(tree)
        if text and has_article_text(text):
            if not meta:
                meta = metadata_of(tree)
            return Extraction(text, method, tuple(tried), meta, first_text)
    return Extraction(None, None, tuple(tried), meta, first_text)
