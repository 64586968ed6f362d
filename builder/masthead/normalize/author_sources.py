"""Where a record names its authors, best first, and the one byline chosen from them.

Sources, in order: the record's own ``authors``; the page's JSON-LD ``Person`` authors; its author
``<meta>`` tags; JSON-LD ``Organization`` authors; the extractor's author; credit lines of the text
(:mod:`masthead.normalize.signatures`); then, read only when none of these named a person,
``rel="author"`` links and byline elements of the HTML (:mod:`masthead.normalize.byline_elements`)
and a byline line at the top of the text ("Von Anna Muster", or a line that is nothing but names).

The first source that names a person wins. A source naming only agencies or desks is kept in
case none does; one that credits a wire service or desk beats one that only credits the site
itself ("Stuttgarter Zeitung" beside "dpa"), and a later stated one that credits the same and more
beats it too ("dpa, MM-Redaktion" in the author tags after "MM-Redaktion" in JSON-LD). The site is known by its keys (:func:`site_keys`):
a piece with one of them is the site crediting itself, never a person.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from masthead.normalize.authors import Byline, is_account, looks_like_name, name_key, parse_byline
from masthead.normalize.byline_elements import byline_elements
from masthead.normalize.byline_words import PREFIX
from masthead.normalize.outlets import Registry, compact_key, host_of
from masthead.normalize.registry_bylines import byline_of
from masthead.normalize.sources import Sources

HTML_META = "html-meta"
TEXT = "text"
MAX_SITE_NAME_WORDS = 6
TOP_LINES = 6  # a byline line is looked for among the first lines of the text
MAX_BYLINE_LINE = 120
END_SNIPPET = 40  # characters of a line of the text looked up in the page
END_PROBES = 3
MIN_PARAGRAPH = 120  # the line after a bare line of names must be this long: a paragraph, not a headline


def site_keys(src: Sources, outlet: str | None, url: str | None) -> frozenset[str]:
    """``compact_key`` of the outlet's name, of each name the page gives its site, and of the host."""
    names = [outlet or "", *(n for n in (src.page.site_names if src.page else []) if len(n.split()) <= MAX_SITE_NAME_WORDS)]
    sitename = src.cleaned.meta.get("sitename")
    if isinstance(sitename, str):
        names.append(sitename)
    host = host_of(url) if url else None
    if host:
        names.append(host)
    return frozenset(key for key in map(compact_key, names) if key)


def _cjk_letter(char: str) -> bool:
    """A letter of a script written without spaces (kana, CJK ideographs, hangul), not its punctuation (。」)."""
    return char > "\u2e7f" and unicodedata.category(char).startswith("L")


def _text_bylines(text: str) -> Iterator[str]:
    """Lines near the top of the text that are a byline: "Von Anna Muster", "Di Mario Rossi"; or a line of
    nothing but names followed by a paragraph (a kicker naming a person is followed by a headline)."""
    lines = [line.strip() for line in text[:20_000].split("\n") if line.strip()][:TOP_LINES + 1]
    for index, line in enumerate(lines[:TOP_LINES]):
        if len(line) > MAX_BYLINE_LINE or line[-1:] in ".!?:":
            continue
        if PREFIX.match(line):
            yield line
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if len(following) < MIN_PARAGRAPH:
            continue
        if line.isupper() or line.islower():  # a kicker in capitals ("JETSETTER TO CONVICT"), not names as written
            continue
        if index and _cjk_letter(line[-1]) and _cjk_letter(lines[index - 1][-1]):
            continue  # CJK text broken at a link or ruby around a name ("韓国の" / "尹錫悦" / "大統領は…"), not a byline
        pieces = parse_byline(line)
        if pieces.authors and not pieces.dropped and not pieces.agencies and all(
                looks_like_name(a) and not is_account(a) for a in pieces.authors):
            yield line


def _article_end(page: str, text: str) -> int | None:
    """Where the article's last lines are found in the page (the end of the first of the last
    ``END_PROBES`` lines that is found), or None."""
    lines = [line.strip() for line in text[-20_000:].split("\n") if len(line.strip()) >= END_SNIPPET]
    for line in reversed(lines[-END_PROBES:]):
        found = page.find(line[:END_SNIPPET])
        if found >= 0:
            return found + END_SNIPPET
    return None


def bylines(src: Sources) -> Iterator[tuple[object, str, bool]]:
    """(byline, origin, stated) candidates, best first; ``stated``: the record or the page's metadata states
    it (not a guess from markup or layout). The costlier ones are found only when asked for."""
    value, origin = src.given("authors")
    if value:
        yield value, origin, True
    if src.page is not None:
        yield src.page.people, HTML_META, True
        yield src.page.meta_authors, HTML_META, True
        yield src.page.organisations, HTML_META, True
    author = src.cleaned.meta.get("author")
    if isinstance(author, str):
        yield author.split(";"), HTML_META, True
    for line in src.signatures.bylines:
        yield line, TEXT, True
    yield None, TEXT, False  # the guesses follow: a reader of the stated candidates stops here, before they are sought
    html = src.fields.get("html")
    text = str(src.cleaned.text or "")
    if isinstance(html, str):
        for nodes in byline_elements(html, _article_end(html, text)):
            yield nodes, HTML_META, False
    head = [line for rule, line in getattr(src.cleaned, "removed_lines", ()) if rule == "head-fragment"]
    for line in _text_bylines("\n".join([*head, text])):  # a byline the cleaner took for head furniture too
        yield line, TEXT, False


def _credits_site_only(byline: Byline, keys: frozenset[str]) -> bool:
    """Every agency of ``byline`` is the site itself ("Lesotho Times"; not "Guardian staff reporter")."""
    return all(compact_key(a) in keys for a in byline.agencies)


def _credits_more(byline: Byline, held: Byline) -> bool:
    """``byline`` credits every agency or desk ``held`` does, and more ("dpa, MM-Redaktion" after "MM-Redaktion")."""
    ours = {name_key(a) for a in byline.agencies}
    return ours > {name_key(a) for a in held.agencies}


def _with_agencies_beside(byline: Byline, rest: Iterator[tuple[object, str, bool]], registry: Registry,
                          keys: frozenset[str]) -> Byline:
    """``byline`` with the agencies and desks that a later stated source credits beside the same people
    ("Engin Haupt" in JSON-LD, "Engin Haupt, MDR SACHSEN-ANHALT" in the author tag); never the bare site."""
    people = {name_key(a) for a in byline.authors}
    extra: list[str] = []
    for value, _, stated in rest:
        if not stated:
            break
        if not value or not isinstance(value, (str, list)):
            continue
        other = byline_of(registry, value, keys)
        if other.agencies and {name_key(a) for a in other.authors} == people:
            extra.extend(a for a in other.agencies if compact_key(a) not in keys)
    if not extra:
        return byline
    merged: dict[str, str] = {}
    for agency in (*byline.agencies, *extra):
        merged.setdefault(name_key(agency), agency)  # the first spelling of each
    return replace(byline, agencies=tuple(merged.values()))


def choose_byline(src: Sources, keys: frozenset[str]) -> tuple[Byline, str | None]:
    """The first candidate naming a person; else the best one naming agencies or desks (see the module).
    Guessed candidates (``stated`` False) are read only when no stated one credits more than the site
    itself, and they never replace a stated credit that names no person."""
    registry = src.registry
    agencies: tuple[Byline, str] | None = None
    candidates = bylines(src)
    for index, (value, origin, stated) in enumerate(candidates):
        if not stated and agencies is not None and not _credits_site_only(agencies[0], keys):
            break
        if not value or not isinstance(value, (str, list)):
            continue
        byline = byline_of(registry, value, keys)
        if index == 0 and origin not in (HTML_META, TEXT) and not byline:
            shown = str(value) if len(str(value)) <= 60 else str(value)[:60] + "…"
            src.notes.append(("authors", f"no name in the {origin} byline {shown!r}"))
        if byline.authors:
            return _with_agencies_beside(byline, candidates, registry, keys) if stated else byline, origin
        if byline.agencies and (agencies is None or (stated and _credits_site_only(agencies[0], keys)
                                                     and not _credits_site_only(byline, keys))
                                or (stated and _credits_more(byline, agencies[0]))):
            agencies = (byline, origin)
    if agencies is None:
        return Byline(), None
    byline, origin = agencies
    if not _credits_site_only(byline, keys):  # "Stuttgarter Zeitung, dpa": the wire, not the site's self-credit
        byline = replace(byline, agencies=tuple(a for a in byline.agencies if compact_key(a) not in keys))
    return byline, origin
