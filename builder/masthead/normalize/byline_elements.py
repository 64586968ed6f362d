"""Bylines the HTML marks up: ``rel="author"`` links and elements whose class, itemprop or id says author/byline.

A bounded scan of the HTML string (no tree): the first ``MAX_HITS`` occurrences of the words
"author", "byline", "autor", "verfasser" after ``<body`` are looked up; where one sits in such an attribute of an
opening tag, the element's first text nodes (``MAX_NODES``, within ``MAX_SPAN`` characters, script
and style skipped) are one candidate. Each text node is one piece of the byline ("By", "Jane Doe",
"12 May 2024"), so that a date or a label beside the name does not spoil it; which pieces are
names is :func:`masthead.normalize.authors.parse_byline`'s call. Elements that hold comments,
quotes, pictures, biographies or social links are left out.
"""

from __future__ import annotations

import html as htmllib
import re

MAX_HITS = 300
MAX_ELEMENTS = 30
MAX_TAG = 2000
MAX_NODES = 8
MAX_SPAN = 3000
MAX_NODE = 120  # a longer text node is prose (an author's biography), not a byline

_KEYWORD = re.compile(r"author|byline|autor|verfasser", re.IGNORECASE)
# The same words for ``str.find``, which is far faster on a large page than a case-insensitive regex.
_LITERALS = ("author", "Author", "AUTHOR", "byline", "Byline", "autor", "Autor", "verfasser", "Verfasser")
# Each of _LITERALS by the rest of it after its first letter (a literal is a core with the letter before it).
_CORES = (("uthor", ("author", "Author")), ("UTHOR", ("AUTHOR",)), ("yline", ("byline", "Byline")),
          ("utor", ("autor", "Autor")), ("erfasser", ("verfasser", "Verfasser")))
_OPENING = re.compile(r"<([a-zA-Z][a-zA-Z0-9]{0,15})[\s/>]")
_ATTR = re.compile(r"""([\w:.-]{1,60})\s{0,3}=\s{0,3}(?:"([^"]{0,2000})"|'([^']{0,2000})'|([^\s"'>]{1,300}))""")
_MARKING = ("class", "itemprop", "rel", "id", "data-testid")
_NOT_BYLINE = ("comment", "quote", "avatar", "image", "img", "photo", "pic", "social", "desc", "bio", "follow", "share",
               "icon", "caption", "related", "function", "more")
_SKIPPED_TAGS = frozenset(["meta", "link", "script", "style", "img", "input", "svg", "source", "button", "form", "html",
                           "body", "head", "iframe", "noscript", "template"])
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})\b[^<>]{0,2000}?(/?)>|<!--.{0,5000}?-->", re.DOTALL)
_SPACE = re.compile(r"\s+")
# Text nodes that are not bylines: a picture's credit ("Foto: …"), or prose (a sentence ends inside; not the
# ordinal day of a date, "am 2. Mai 2024 von …").
_NOT_A_BYLINE_NODE = re.compile(r"^(?:fotos?|photos?|bild(?:er)?|image|credits?|crédito|kuva|zdjęcie)\s{0,3}:|[^\W\d][.!?]\s+\w",
                                re.IGNORECASE)


def _marking(tag: str) -> str:
    """The lower-cased values of the attributes that say what an element is."""
    values = []
    for match in _ATTR.finditer(tag):
        if match[1].lower() in _MARKING:
            values.append(next((g for g in match.groups()[1:] if g is not None), ""))
    return " ".join(values).lower()


def _text_nodes(page: str, start: int) -> list[str]:
    """The first text nodes inside the element whose opening tag ends at ``start``."""
    nodes: list[str] = []
    depth = 0
    pos = start
    stop = min(len(page), start + MAX_SPAN)
    while pos < stop and len(nodes) < MAX_NODES:
        tag = _TAG.search(page, pos, stop)
        text = page[pos:tag.start() if tag else stop]
        if text.strip():
            node = _SPACE.sub(" ", htmllib.unescape(text)).strip()
            if node and len(node) <= MAX_NODE and not _NOT_A_BYLINE_NODE.search(node):
                nodes.append(node)
        if tag is None or tag[2] is None:  # the end of the span, or a comment
            pos = tag.end() if tag else stop
            continue
        name = tag[2].lower()
        if tag[1]:
            depth -= 1
            if depth < 0:
                break
        elif name in ("script", "style"):
            close = page.find(f"</{name}", tag.end(), stop)
            pos = close if close >= 0 else stop
            continue
        elif name not in _VOID and not tag[3]:
            depth += 1
        pos = tag.end()
    return nodes


def _hits(page: str, end: int) -> list[int]:
    """Where the first ``MAX_HITS`` keywords start in ``page[:end]`` (after ``<body`` when it has one), in order: the
    first ``MAX_HITS`` occurrences of each of ``_LITERALS`` (none of which can overlap another or itself), found by
    what follows their first letter (``_CORES``: five searches of the page rather than nine)."""
    start = max(page.find("<body"), 0)
    found: list[int] = []
    for core, literals in _CORES:
        counts = dict.fromkeys(literals, 0)
        pos = page.find(core, start + 1, end)
        while pos >= 0:
            word = page[pos - 1:pos + len(core)]
            if word in counts and counts[word] < MAX_HITS:
                counts[word] += 1
                found.append(pos - 1)
            pos = page.find(core, pos + 1, end)
    return sorted(found)[:MAX_HITS]


def byline_elements(page: str, end: int | None = None) -> list[list[str]]:
    """The text nodes of each byline element of ``page`` that opens before ``end``, in document order (see the
    module). ``end``: where the article's text ends in the page, so that bylines of the articles listed after
    it ("Related", "More from") are not taken for its own."""
    out: list[list[str]] = []
    done: set[int] = set()
    for hit in _hits(page, len(page) if end is None else end):
        start = page.rfind("<", max(0, hit - MAX_TAG), hit)
        if start < 0 or start in done or page.find(">", start, hit) >= 0:
            continue
        done.add(start)
        opening = _OPENING.match(page, start)
        close = page.find(">", hit, hit + MAX_TAG)
        if opening is None or close < 0 or opening[1].lower() in _SKIPPED_TAGS:
            continue
        marking = _marking(page[start:close + 1])
        if not _KEYWORD.search(marking) or any(word in marking for word in _NOT_BYLINE):
            continue
        nodes = _text_nodes(page, close + 1)
        if nodes:
            out.append(nodes)
            if len(out) >= MAX_ELEMENTS:
                break
    return out
