"""Article text and metadata from one HTML page, parsed defensively, the fast way first.

Hostile markup is bounded before an extractor sees it: the page is refused above
``MAX_HTML_CHARS``. The fast path (``masthead.clean.fast_extract``) parses the page once with
resiliparse's Lexbor parser, refuses one nested deeper than libxml2's 255 levels, takes
resiliparse's main-content text and the title and site name the page states (JSON-LD headline,
``og:title``…) from the same tree. When that text does not look like an article (too little prose,
or missing the start of the page's JSON-LD ``articleBody``), trafilatura's chain referees: lxml
parses with ``no_network=True`` and ``huge_tree=False`` (libxml2 then stops at 256 levels of
nesting, which we turn into a reject rather than a silently truncated page); comments and
processing instructions are dropped, and the HTML parser never expands external entities. That
chain is trafilatura without comments, then the fallbacks ``masthead.clean.extractors`` documents
(recall mode, the JSON-LD ``articleBody``, trafilatura's baseline); a page none of them passes is
rejected naming every way tried. ``favor_precision`` was measured and left off: on the development
set it lost the first or last paragraph of three more pages, while the furniture it would drop is
removed afterwards by the line rules (``benchmarks/devset_text.py``).

On the fast path trafilatura's metadata is not read: ``meta["extractor"]`` is ``FAST`` and the
date decision asks :func:`date_estimate` (htmldate) only where its estimate can change the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_HTML_CHARS = 5_000_000
FAST = "resiliparse"  # meta["extractor"] of a page the fast path took: trafilatura's metadata not read yet
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

    checked = _checked(html)
    if isinstance(checked, HtmlProblem):
        return checked
    html = checked
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        return HtmlProblem("html-no-body", {"detail": f"the page cannot be parsed ({exc})"})
    if any(err.type_name == "ERR_RESOURCE_LIMIT" for err in parser.error_log):
        return HtmlProblem("html-too-deep", {"limit": 255})
    return tree


def _checked(html: str) -> str | HtmlProblem:
    """The page without an XML declaration, or why it cannot be read (too large, empty)."""
    if len(html) > MAX_HTML_CHARS:
        return HtmlProblem("too-large", {"what": "the HTML", "size": len(html), "limit": MAX_HTML_CHARS})
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return HtmlProblem("html-no-body", {"detail": "the page is empty"})
    return html


def extract_html(html: str) -> HtmlText | HtmlProblem:
    """Body text and metadata of an article page; a problem (naming every way tried) when there is no article.

    resiliparse's text first (``masthead.clean.fast_extract``); trafilatura's chain only when that text
    does not look like an article (then the metadata comes from trafilatura too)."""
    from masthead.clean.fast_extract import fast_text, looks_like_article

    checked = _checked(html)
    if isinstance(checked, HtmlProblem):
        return checked
    fast = fast_text(checked)
    if fast.too_deep:
        return HtmlProblem("html-too-deep", {"limit": 255})
    if looks_like_article(fast):
        return HtmlText(_LINE_BREAKS.sub("\n\n", fast.text), {**fast.meta, "extractor": FAST})
    return _trafilatura_chain(checked)


def _trafilatura_chain(html: str) -> HtmlText | HtmlProblem:
    tree = parse_html(html)
    if isinstance(tree, HtmlProblem):
        return tree
    from masthead.clean.extractors import extract_article

    found = extract_article(tree)
    if found.text is None:
        tried = ", ".join(("resiliparse", *found.tried))
        first = found.first_text
        detail = (f"no extractor found article text (tried {tried})" if not first
                  else f"only navigation-like text ({first[:80]!r}; tried {tried})")
        return HtmlProblem("html-no-body", {"detail": detail})
    meta = {key: str(value).strip() for key, value in found.meta.items() if key in META_KEYS and value}
    if found.method is not None and found.method != found.tried[0]:
        meta["extractor"] = found.method  # which fallback found the text
    return HtmlText(_LINE_BREAKS.sub("\n\n", found.text), {k: v for k, v in meta.items() if v})


def date_estimate(html: str, url: str | None) -> str | None:
    """htmldate's publication date of the page, as trafilatura's metadata runs it (``original_date``,
    ``extensive_search``), or None. For pages the fast path took, the date decision asks for it only
    where it can change what is decided."""
    tree = parse_html(html)
    if isinstance(tree, HtmlProblem):
        return None
    from htmldate import find_date

    found = find_date(tree, original_date=True, extensive_search=True, url=url)
    return found if isinstance(found, str) else None
