"""Article text and metadata from one HTML page, parsed defensively.

Hostile markup is bounded before the extractor sees it: the page is refused above
``MAX_HTML_CHARS``; lxml parses with ``no_network=True`` and ``huge_tree=False`` (libxml2 then
stops at 256 levels of nesting, which we turn into a reject rather than a silently truncated
page); comments and processing instructions are dropped, and the HTML parser never expands
external entities. The extractor is trafilatura without comments; its metadata comes back as
plain strings. ``favor_precision`` was measured and left off: on the development set it lost
the first or last paragraph of three more pages (body 87.5% against 91.7%), while the furniture
it would drop is removed afterwards by the line rules (``benchmarks/devset_text.py``).
When that extractor finds no prose, others are tried in the order ``masthead.clean.extractors``
documents (recall mode, the JSON-LD ``articleBody``, trafilatura's baseline) before the page is
rejected; the reject names every one tried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_HTML_CHARS = 5_000_000
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
    """Body text and metadata of an article page; a problem (naming every way tried) when there is no article."""
    tree = parse_html(html)
    if isinstance(tree, HtmlProblem):
        return tree
    from masthead.clean.extractors import extract_article

    found = extract_article(tree)
    if found.text is None:
        tried = ", ".join(found.tried)
        first = found.first_text
        detail = (f"no extractor found article text (tried {tried})" if not first
                  else f"only navigation-like text ({first[:80]!r}; tried {tried})")
        return HtmlProblem("html-no-body", {"detail": detail})
    meta = {key: str(value).strip() for key, value in found.meta.items() if key in META_KEYS and value}
    if found.method is not None and found.method != found.tried[0]:
        meta["extractor"] = found.method  # which fallback found the text
    return HtmlText(_LINE_BREAKS.sub("\n\n", found.text), {k: v for k, v in meta.items() if v})
