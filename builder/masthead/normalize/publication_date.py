"""The publication date of a page: every source proposes candidates, one rule decides.

Candidates come from the page's JSON-LD, ``<meta>`` tags, ``<time>`` elements and microdata
(:mod:`masthead.normalize.date_candidates`), from htmldate (run by the extractor with
``original_date=True``), from the URL's path and from dated lines of the visible text. Each
candidate says what it is (``published``, ``modified``, ``visible``, ``estimate``, ``url``,
``text``).

The rule, in order:

1. A candidate that cannot be read, or that is impossible, is dropped: before 1800, after
   the crawl time (when known; a date without a time of day may be one day later, as its
   zone is unknown), or after the build date.
2. A ``modified`` candidate is never chosen (an update is not a publication), nor is a
   ``published`` one that is the very instant of a modified one when the page also states
   an earlier published instant (a live page whose "published" field follows its updates).
3. Of the rest, the first candidate of the best-ranked source wins; ``RANK`` lists the
   sources by their precision on the development set (``benchmarks/date_sources.py``):
   JSON-LD ``datePublished``, published ``<meta>`` tags, an element's ``itemprop=datePublished``
   (or ``dateCreated``), ``<time pubdate>`` (or ``class="published"``),
   then htmldate's estimate, a ``<time>`` element, a generic ``<meta name=date>``,
   JSON-LD ``dateCreated``, the URL, and last a dated line of the text.
4. A winner that names only a month or a year gives way to the best-ranked day inside it.
5. A day-precise date in the URL's path overrules a winner more than ``URL_TOLERANCE`` away
   from it: the URL is written once, at publication, while page dates drift (a re-dated
   page, a date of a related story).

The day published is the day **on the outlet's calendar**: the UTC instant converted to
the registry's ``time_zone`` for the outlet; else the day in the offset the page wrote
(the first non-UTC offset any of its candidates states, when the winner itself is in
UTC); else the UTC day, which a note records. ``published_at`` stays UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from masthead.normalize.date_candidates import MODIFIED, PUBLISHED
from masthead.normalize.dates import DAY, YEAR, ParsedDate, Unparsed, parse_date
from masthead.normalize.page_meta import PageMeta
from masthead.normalize.urls import date_from_url

ESTIMATE, URL_KIND, TEXT_KIND = "estimate", "url", "text"
URL_TOLERANCE = dt.timedelta(days=2)
# Sources by measured precision, best first (benchmarks/date_sources.py on the devset).
RANK = (
    "ld:datePublished", "meta:published", "itemprop:published", "time:pubdate", "htmldate", "time",
    "meta:date", "ld:dateCreated", "url", "text",
)
_GENERIC_META = frozenset(("meta:date", "meta:dc.date", "meta:dcterms.date", "meta:pdate", "meta:displaydate"))
_ZERO = dt.timedelta(0)


@dataclass(frozen=True)
class Candidate:
    """One proposed date: ``source`` names where it was found, ``kind`` what it claims to be."""

    source: str
    kind: str
    value: str | ParsedDate
    origin: str  # the provenance value when this candidate wins (html-meta, url, text)


@dataclass(frozen=True)
class Decision:
    parsed: ParsedDate | None = None
    source: str | None = None
    origin: str | None = None
    notes: tuple[str, ...] = ()


def page_candidates(page: PageMeta | None, estimate: object, url: str | None, text_dates: tuple[str, ...] | list[str],
                    html_meta: str, url_origin: str, text_origin: str) -> list[Candidate]:
    """Every date a page offers, labelled: its own statements, htmldate's estimate, the URL, the text."""
    out = [Candidate(c.source, c.kind, c.value, html_meta) for c in (page.date_candidates if page else ())]
    if isinstance(estimate, str) and estimate.strip():
        out.append(Candidate("htmldate", ESTIMATE, estimate, html_meta))
    from_url = date_from_url(url) if url else None
    if from_url is not None:
        out.append(Candidate("url", URL_KIND, from_url, url_origin))
    out.extend(Candidate("text", TEXT_KIND, value, text_origin) for value in text_dates)
    return out


def estimate_could_win(decision: Decision) -> bool:
    """Whether htmldate's estimate, had it been a candidate, could have changed ``decision``: no date, a
    winner ranked below ``htmldate``, or one coarser than a day (rule 4). Otherwise it need not run."""
    if decision.parsed is None or decision.source is None or decision.parsed.precision != DAY:
        return True
    return rank_of(decision.source) > rank_of("htmldate")


def rank_group(source: str) -> str:
    """The ``RANK`` entry a source belongs to (meta keys grouped as published or generic, itemprops together)."""
    if source.startswith("meta:"):
        source = "meta:date" if source in _GENERIC_META else "meta:published"
    elif source.endswith((":datepublished", ":datecreated")):  # itemprop on a <time> or another element
        source = "itemprop:published"
    elif source == "time:published":  # <time class="published">: a publication date, as <time pubdate> says it
        source = "time:pubdate"
    return source


def rank_of(source: str, rank: tuple[str, ...] = RANK) -> int:
    """The position of a source's group in ``rank``; unknown sources come last."""
    group = rank_group(source)
    return rank.index(group) if group in rank else len(rank)


def impossible(parsed: ParsedDate, crawled: ParsedDate | None, build_date: dt.date) -> str | None:
    """Why a date cannot be when the page was published, or None (``crawled``: the crawl time, when known)."""
    if parsed.date.year < 1800:
        return "before 1800"
    if crawled is not None:
        if parsed.moment is not None and crawled.moment is not None:
            if parsed.moment > crawled.moment:
                return "after the crawl time"
        elif parsed.date > crawled.date + dt.timedelta(days=1):  # a day without a zone may run one day ahead
            return "after the crawl date"
    if parsed.date > build_date + dt.timedelta(days=1):
        return f"after the build date {build_date.isoformat()}"
    return None


def _read(candidate: Candidate, date_order: str | None, anchor: dt.datetime | None) -> ParsedDate | None:
    if isinstance(candidate.value, ParsedDate):
        return candidate.value
    parsed = parse_date(candidate.value, date_order, anchor)
    if isinstance(parsed, Unparsed):
        return None
    if candidate.kind == TEXT_KIND and parsed.precision != DAY:
        return None
    return parsed


def _page_offset(readable: list[tuple[Candidate, ParsedDate]]) -> dt.timedelta | None:
    for _, parsed in readable:
        if parsed.offset is not None and parsed.offset != _ZERO:
            return parsed.offset
    return None


def on_calendar(parsed: ParsedDate, zone: dt.tzinfo | None, page_offset: dt.timedelta | None) -> tuple[ParsedDate, str | None]:
    """The date as the day on the outlet's calendar, and a note when that day is the UTC one."""
    if parsed.moment is None:
        return parsed, None
    if zone is not None:
        return replace(parsed, date=parsed.moment.astimezone(zone).date()), None
    if parsed.offset is not None and parsed.offset != _ZERO:
        return parsed, None
    if page_offset is not None:
        return replace(parsed, date=(parsed.moment + page_offset).date()), None
    return replace(parsed, date=parsed.moment.date()), "the day is the UTC day: neither the registry nor the page gives a zone"


def _within(day: dt.date, coarse: ParsedDate) -> bool:
    return day.year == coarse.date.year and (coarse.precision == YEAR or day.month == coarse.date.month)


def _without_echoes(usable: list[tuple[Candidate, ParsedDate]],
                    readable: list[tuple[Candidate, ParsedDate]]) -> list[tuple[Candidate, ParsedDate]]:
    """Drop published dates that are the very instant of a modified date when the page states an earlier published one."""
    updated = {p.moment for c, p in readable if c.kind == MODIFIED and p.moment is not None}
    echoes = [(c, p) for c, p in usable if c.kind == PUBLISHED and p.moment in updated]
    if not echoes:
        return usable
    latest = max(p.moment for _, p in echoes if p.moment is not None)
    if not any(c.kind == PUBLISHED and p.moment is not None and p.moment < latest and p.moment not in updated
               for c, p in usable):
        return usable
    return [(c, p) for c, p in usable if (c, p) not in echoes]


def decide(candidates: list[Candidate], *, zone: dt.tzinfo | None, crawled: ParsedDate | None,
           build_date: dt.date, date_order: str | None = None, anchor: dt.datetime | None = None,
           rank: tuple[str, ...] = RANK) -> Decision:
    """The publication date among ``candidates`` by the rule in this module's docstring."""
    notes: list[str] = []
    readable: list[tuple[Candidate, ParsedDate]] = []
    for candidate in candidates:
        parsed = _read(candidate, date_order, anchor)
        if parsed is None:
            continue
        problem = impossible(parsed, crawled, build_date)
        if problem is not None:
            notes.append(f"ignored a {candidate.origin} date {problem}")
            continue
        readable.append((candidate, parsed))
    usable = _without_echoes([(c, p) for c, p in readable if c.kind != MODIFIED], readable)
    if not usable:
        return Decision(notes=tuple(notes))
    winner, parsed = min(usable, key=lambda item: rank_of(item[0].source, rank))  # min keeps the first of a rank
    if parsed.precision != DAY:  # a month or year: the best-ranked day inside it, if a source gives one
        inside = [(c, p) for c, p in usable if p.precision == DAY and _within(p.date, parsed)]
        if inside:
            winner, parsed = min(inside, key=lambda item: rank_of(item[0].source, rank))
    url = next((p for c, p in usable if c.kind == URL_KIND and p.precision == DAY), None)
    if url is not None and winner.kind != URL_KIND and parsed.precision == DAY and abs(parsed.date - url.date) > URL_TOLERANCE:
        notes.append(f"the {winner.source} date is far from the URL's; the URL's day is used")
        winner, parsed = next((c, p) for c, p in usable if c.kind == URL_KIND and p.precision == DAY)
    day, note = on_calendar(parsed, zone, _page_offset(readable))
    if note:
        notes.append(note)
    return Decision(day, winner.source, winner.origin, tuple(notes))
