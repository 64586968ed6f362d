"""Article text and metadata from one HTML page, parsed defensively.

Hostile markup is bounded before the extractor sees it: the page is refused above
``MAX_HTML_CHARS``; lxml parses with ``no_network=True`` and ``huge_tree=False`` (libxml2 then
stops at 256 levels of nesting, which we turn into a reject rather than a silently truncated
page); comments and processing instructions are dropped, and the HTML parser never expands
external entities. The extractor is trafilatura without comments; its metadata comes back as
plain strings. ``favor_precision`` was measured and left off: on the development set it lost
the first or last paragraph of three more pages (body 87.5% against 91.7%), while the furniture
it would drop is removed afterwards by the line rules (``benchmarks/devset_text.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_HTML_CHARS = 5_000_000
# A page whose extracted lines all have fewer words than this holds menus, not an article.
MIN_PROSE_WORDS = 6
META_KEYS = ("title", "author", "date", "sitename", "url", "description", "hostname")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\n+")


@dataclass(frozen=True)
class HtmlText:
    """The extractor's body text (paragraphs split by a blank line) and metadata."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HtmlProblem:
    """Why a page yields no article: ``code`` is a reject code of masthead.errors."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


def parse_html(html: str) -> Any:
    """An lxml tree of the page, or an HtmlProblem (too large, too deep, no document)."""
    import lxml.etree
    import lxml.html

    if len(html) > MAX_HTML_CHARS:
        return HtmlProblem("too-large", {"what": "the HTML", "size": len(html), "limit": MAX_HTML_CHARS})
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return HtmlProblem("html-no-body", {"detail": "the page is empty"})
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        return HtmlProblem("html-no-body", {"detail": f"the page cannot be parsed ({exc})"})
    if any(err.type_name == "ERR_RESOURCE_LIMIT" for err in parser.error_log):
        return HtmlProblem("html-too-deep", {"limit": 255})
    return tree


def extract_html(html: str) -> HtmlText | HtmlProblem:
    """Body text and metadata of an article page; a problem when there is no article."""
    tree = parse_html(html)
    if isinstance(tree, HtmlProblem):
        return tree
    import trafilatura

    doc = trafilatura.bare_extraction(
        tree,
        favor_precision=False,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        deduplicate=False,
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not any(len(line.split()) >= MIN_PROSE_WORDS for line in text.splitlines()):
        detail = "the extractor found no article text" if not text else f"only navigation-like text ({text[:80]!r})"
        return HtmlProblem("html-no-body", {"detail": detail})
    meta = {key: str(value).strip() for key in META_KEYS if (value := getattr(doc, key, None))}
    return HtmlText(_LINE_BREAKS.sub("\n\n", text), {k: v for k, v in meta.items() if v})
