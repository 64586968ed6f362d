"""The date of one record: the collector's own date field first, else the page's candidates decided.

A date the collector gave (``date``, then ``published_at``) wins; one that cannot be a
publication date (before 1800, after the build) makes the record a reject. Otherwise every
source the record offers proposes candidates and :func:`masthead.normalize.publication_date.decide`
picks one. Either way the day is the one on the outlet's calendar (the registry's
``time_zone``), and ``published_at`` stays the UTC instant.

The coarse provenance (``html-meta``, ``url``, ``text``, ``given``…) is the document's; which
HTML source won (``ld:datePublished``, ``htmldate``…) and why a candidate lost go into the
notes of the build report.
"""

from __future__ import annotations

import datetime as dt

from masthead.clean.html import FAST, date_estimate
from masthead.normalize.dates import DAY, ParsedDate, Unparsed, anchor_of, implausible, parse_date
from masthead.normalize.publication_date import Decision, decide, estimate_could_win, on_calendar, page_candidates
from masthead.normalize.sources import Sources
from masthead.pipeline.context import StepContext

HTML_META = "html-meta"
URL = "url"
TEXT = "text"
MAX_SHOWN = 60


def _short(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"


def crawl_time(value: object) -> ParsedDate | None:
    """The crawl time the record states (``crawled_at``) at day precision, or None."""
    if not isinstance(value, str):
        return None
    parsed = parse_date(value)
    return parsed if isinstance(parsed, ParsedDate) and parsed.precision == DAY else None


def record_date(src: Sources, url: str | None, ctx: StepContext, zone: dt.tzinfo | None
                ) -> tuple[ParsedDate | None, str | None, tuple[str, str, str] | None]:
    """(date, provenance, rejection): rejection is (JSON pointer, value, why) for an impossible given date."""
    anchor = anchor_of(src.fields.get("crawled_at"))
    for key in ("date", "published_at"):
        value, origin = src.given(key)
        if value is None or value == "":
            continue
        parsed = value if isinstance(value, ParsedDate) else parse_date(str(value), ctx.date_order, anchor)
        if isinstance(parsed, Unparsed):
            src.notes.append(("date", f"cannot read the {origin} date {_short(str(value))!r}: {parsed.reason}"))
            continue
        problem = implausible(parsed, ctx.build_date)
        if problem is not None:
            return None, None, (f"/{key}", str(value), problem)
        day, note = on_calendar(parsed, zone, None)
        if note:
            src.notes.append(("date", note))
        return day, origin, None
    def decided(estimate: object) -> Decision:
        candidates = page_candidates(src.page, estimate, url, src.signatures.dates, HTML_META, URL, TEXT)
        return decide(candidates, zone=zone, crawled=crawl_time(src.fields.get("crawled_at")),
                      build_date=ctx.build_date, date_order=ctx.date_order, anchor=anchor)

    estimate = src.cleaned.meta.get("date")
    decision = decided(estimate)
    html = src.fields.get("html")
    if src.cleaned.meta.get("extractor") == FAST and isinstance(html, str) and estimate_could_win(decision):
        # the fast path read no htmldate date: read it only where it can change the decision
        estimate = date_estimate(html, url)
        if estimate:
            decision = decided(estimate)
    src.notes.extend(("date", note) for note in decision.notes)
    if decision.origin == HTML_META:
        src.notes.append(("date", f"from {decision.source}"))
    return decision.parsed, decision.origin, None
