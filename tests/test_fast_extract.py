"""The fast HTML path: resiliparse's text when it looks like an article, trafilatura's chain as referee otherwise."""

from __future__ import annotations

import datetime as dt
import json

from masthead.clean.fast_extract import MIN_FAST_WORDS, fast_text, looks_like_article
from masthead.clean.html import FAST, HtmlProblem, HtmlText, date_estimate, extract_html
from masthead.normalize.authors import looks_like_name, parse_byline
from masthead.normalize.dates import DAY, MONTH, ParsedDate
from masthead.normalize.publication_date import Decision, estimate_could_win

NAV = "<nav><ul>" + "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(20)) + "</ul></nav>"
SENTENCE = ("The harbour authority approved the new ferry timetable on Tuesday after a consultation that drew "
            "thousands of written responses from residents, businesses and the crews' two unions.")


def article(paragraphs: list[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Ferry timetable | Harbour Gazette</title>{head}</head><body>{NAV}"
            f"<article><h1>Ferries every fifteen minutes</h1>{body}</article><footer>Contact us</footer></body></html>")


def long_article() -> list[str]:
    return [f"{SENTENCE} Paragraph {i} adds that the boats will run until midnight." for i in range(12)]


def test_a_long_article_takes_the_fast_path_with_the_page_title() -> None:
    paragraphs = long_article()
    result = extract_html(article(paragraphs, '<meta property="og:title" content="Ferries every 15 minutes &amp; more">'
                                              '<meta property="og:site_name" content="Harbour Gazette">'))
    assert isinstance(result, HtmlText)
    assert result.meta["extractor"] == FAST
    assert result.meta["title"] == "Ferries every 15 minutes & more" and result.meta["sitename"] == "Harbour Gazette"
    assert paragraphs[0] in result.text and paragraphs[-1] in result.text
    assert "Section 3" not in result.text and "Contact us" not in result.text


def test_a_short_page_goes_to_trafilatura() -> None:
    fast = fast_text(article([SENTENCE, "It starts next month."]))
    assert fast.text and not looks_like_article(fast)  # fewer than MIN_FAST_WORDS words of prose
    result = extract_html(article([SENTENCE, "It starts next month."]))
    assert isinstance(result, HtmlText) and result.meta.get("extractor") != FAST
    assert SENTENCE in result.text


def test_a_text_that_misses_the_jsonld_article_body_goes_to_trafilatura() -> None:
    paragraphs = long_article()
    unseen = ("A lede resiliparse never saw: the ministry had warned in January that the crews would strike over "
              "pay, and the unions said the new timetable was drawn up without them, so talks resume on Monday. "
              "Neither side would say how far apart they were, but both expect a deal before the summer season.")
    body = {"@type": "NewsArticle", "headline": "Ferries", "articleBody": unseen + " " + SENTENCE}
    fast = fast_text(article(paragraphs, f'<script type="application/ld+json">{json.dumps(body)}</script>'))
    assert fast.article_body.startswith("A lede") and not looks_like_article(fast)
    agreeing = {**body, "articleBody": "<p>Watch the video</p>" + paragraphs[0]}  # a notice before the body
    fast = fast_text(article(paragraphs, f'<script type="application/ld+json">{json.dumps(agreeing)}</script>'))
    assert looks_like_article(fast) and fast.meta["title"] == "Ferries"  # the JSON-LD headline comes first
    assert sum(len(p.split()) for p in paragraphs) >= MIN_FAST_WORDS


def test_deep_markup_is_refused_on_the_fast_path_too() -> None:
    html = "<html><body>" + "<div>" * 300 + "<p>deep text</p>" + "</div>" * 300 + "</body></html>"
    assert fast_text(html).too_deep
    assert getattr(extract_html(html), "code", None) == "html-too-deep"
    shallow = "<html><body>" + "<div>" * 100 + "<p>text</p>" + "</div>" * 100 + "</body></html>"
    assert not fast_text(shallow).too_deep
    assert isinstance(extract_html(shallow), HtmlProblem)  # not deep, but no article either


def test_htmldate_is_asked_only_where_its_estimate_can_change_the_date() -> None:
    day = ParsedDate(dt.date(2024, 3, 5), DAY, None, None)
    month = ParsedDate(dt.date(2024, 3, 1), MONTH, None, None)
    assert not estimate_could_win(Decision(day, "ld:datePublished"))
    assert not estimate_could_win(Decision(day, "meta:article:published_time"))
    assert estimate_could_win(Decision(day, "url"))  # ranked below htmldate
    assert estimate_could_win(Decision(month, "ld:datePublished"))  # a month gives way to a day inside it
    assert estimate_could_win(Decision())
    html = article(long_article(), '<meta name="date" content="2024-03-05">')
    assert date_estimate(html, "https://example.org/ferries") == "2024-03-05"


def test_labels_and_unnamed_wires_are_not_names() -> None:
    assert not looks_like_name("Bron: BELGA") and looks_like_name("Mohloai Mpesi")
    assert parse_byline("AFP und Agenturen").agencies == ("AFP",)  # the unnamed "Agenturen" credit nobody
    assert parse_byline("Euronews with Agencies", is_agency=lambda name: name == "Euronews").agencies == ("Euronews",)
    assert parse_byline("Agencies").agencies == ("Agencies",)  # alone, it is still the credit given
    assert parse_byline("Jane Doe and John Roe").authors == ("Jane Doe", "John Roe")
