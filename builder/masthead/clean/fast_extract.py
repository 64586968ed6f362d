"""The fast path: resiliparse's main-content text on a Lexbor tree, and when to distrust it.

resiliparse (``extract_plain_text(main_content=True)`` on ``HTMLTree.parse``, C code) takes a
few milliseconds a page where trafilatura takes tens. Its result is used when it *looks like an
article* (:func:`looks_like_article`); otherwise the page goes down trafilatura's chain
(``masthead.clean.extractors``), which is then the referee. The thresholds were chosen on the
development set (``benchmarks/devset_text.py``): the pages they send to trafilatura are those
where resiliparse's text misses the body.

The Lexbor parser does not stop at a nesting depth the way libxml2 does, so the depth is checked
here with one CSS selector (a chain of ``MAX_DEPTH`` child combinators, matched in C): a page
nested deeper is refused, as the lxml path refuses it.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from masthead.clean.jsonld import json_objects, parse_block

MAX_DEPTH = 255
_TOO_DEEP = "*" + " > *" * (MAX_DEPTH - 1)


MIN_FAST_WORDS = 250  # prose words below which a page goes to trafilatura (short pages are where resiliparse misses)
JSONLD_WINDOW = 60  # letters and digits of a JSON-LD articleBody window that resiliparse's text must contain
JSONLD_WINDOWS = 4  # of the body's first windows, one found is enough (a body may start with a video notice)
_FOLD_PIECE = 2048  # characters of resiliparse's text folded at a time while looking for the articleBody's windows
_SPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class FastText:
    """resiliparse's main-content text ('' when it found none), the page's title and site name as its tags
    state them, the JSON-LD ``articleBody`` (''), and whether the page is nested too deep."""

    text: str
    too_deep: bool = False
    meta: dict[str, str] = field(default_factory=dict)
    article_body: str = ""


def parse(html: str) -> Any:
    from resiliparse.parse.html import HTMLTree

    return HTMLTree.parse(html)


def fast_text(html: str) -> FastText:
    """The page's main-content text by resiliparse, one line per block (no image alt texts, links or forms)."""
    from resiliparse.extract.html2text import extract_plain_text

    tree = parse(html)
    if tree.document is not None and tree.document.query_selector(_TOO_DEEP) is not None:
        return FastText("", too_deep=True)
    text = extract_plain_text(tree, preserve_formatting=True, main_content=True, list_bullets=True,
                              alt_texts=False, links=False, form_fields=False, noscript=False, comments=False)
    scripts = [node.text for node in tree.document.query_selector_all('script[type="application/ld+json"]')]
    return FastText(text.strip(), meta=_meta(tree, scripts), article_body=_article_body(scripts))


def _content(tree: Any, selector: str) -> str:
    node = tree.document.query_selector(selector)
    return _SPACE.sub(" ", htmllib.unescape(node.getattr("content") or "")).strip() if node is not None else ""


def _headline(scripts: list[str]) -> str:
    for raw in scripts:
        data = parse_block(raw) if "headline" in raw else None
        for obj in json_objects(data):
            if isinstance(obj.get("headline"), str) and obj["headline"].strip():
                return _SPACE.sub(" ", obj["headline"]).strip()
    return ""


def _meta(tree: Any, scripts: list[str]) -> dict[str, str]:
    """Title and site name as trafilatura's metadata would find them first: JSON-LD headline, ``og:title``,
    ``twitter:title``, the page's only ``<h1>``, its ``<title>``; ``og:site_name``."""
    title = (_headline(scripts) or _content(tree, 'meta[property="og:title"]')
             or _content(tree, 'meta[name="twitter:title"]'))
    if not title:
        h1 = tree.document.query_selector_all("h1")
        node = h1[0] if len(h1) == 1 else tree.document.query_selector("title")
        title = _SPACE.sub(" ", node.text).strip() if node is not None else ""
    canonical = tree.document.query_selector('link[rel="canonical"]')
    url = (canonical.getattr("href") if canonical is not None else None) or _content(tree, 'meta[property="og:url"]')
    host = urlsplit(url.strip()).hostname if url and "://" in url else None
    meta = {"title": title, "sitename": _content(tree, 'meta[property="og:site_name"]'),
            "hostname": (host or "").removeprefix("www.")}
    return {key: value for key, value in meta.items() if value}


def _article_body(scripts: list[str]) -> str:
    from masthead.clean.extractors import jsonld_bodies

    return jsonld_bodies(scripts)


def _folded(text: str) -> str:
    """Letters and digits only, case-folded: markup, spacing and punctuation differences do not count."""
    return _NOT_ALNUM.sub("", text.casefold())


def looks_like_article(fast: FastText) -> bool:
    """Whether resiliparse's text can be trusted as the article (else trafilatura referees): it holds
    ``MIN_FAST_WORDS`` words of prose lines, and (when the page states a JSON-LD ``articleBody``) one of that
    body's first ``JSONLD_WINDOWS`` windows of ``JSONLD_WINDOW`` letters, compared without case, spaces or
    punctuation. A text that holds none of them missed the article's start, or is not the article."""
    from masthead.clean.extractors import is_prose
    from masthead.clean.prose import word_units

    if not fast.text:
        return False
    prose_words = 0
    for line in fast.text.splitlines():
        if is_prose(line):
            prose_words += int(word_units(line))
            if prose_words >= MIN_FAST_WORDS:
                break
    if prose_words < MIN_FAST_WORDS:
        return False
    body = _folded(fast.article_body[:JSONLD_WINDOW * JSONLD_WINDOWS * 4])
    windows = [body[i:i + JSONLD_WINDOW] for i in range(0, min(len(body), JSONLD_WINDOW * JSONLD_WINDOWS), JSONLD_WINDOW)]
    windows = [window for window in windows if len(window) >= JSONLD_WINDOW // 2]
    if not windows:
        return True
    return _holds_any(fast.text, windows)


def _holds_any(text: str, windows: list[str]) -> bool:
    """``any(window in _folded(text) for window in windows)``, folding ``text`` a piece at a time and stopping at
    the first window found (folding is character by character, so the pieces' foldings make the whole's; the
    last ``len(window) - 1`` folded characters are kept for a window across two pieces)."""
    keep = max(map(len, windows)) - 1
    tail = ""
    for start in range(0, len(text), _FOLD_PIECE):
        tail = tail[len(tail) - keep:] + _folded(text[start:start + _FOLD_PIECE])
        if any(window in tail for window in windows):
            return True
    return False


