"""Article text from HTML: words counted for scripts without spaces, and the extractors tried in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masthead.clean.extractors import baseline_prose, extract_article, has_article_text, jsonld_article_body
from masthead.clean.html import HtmlProblem, extract_html, parse_html
from masthead.clean.prose import has_unspaced, word_units

CASES = Path(__file__).resolve().parent / "cases" / "clean" / "html"
NAV = "<nav><ul>" + "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30)) + "</ul></nav>"
PARAGRAPHS = [
    "The harbour authority approved the new ferry timetable on Tuesday after a long public consultation that drew "
    "more than four thousand written responses from residents, businesses and the two unions of the crews.",
    "Commuters will see boats every fifteen minutes during the morning and evening peaks from next month.",
    "The authority said the change would cost about two million a year and be paid for by higher parking fees.",
]
ALL_METHODS = ("trafilatura", "trafilatura-recall", "jsonld-articleBody", "trafilatura-baseline")


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>Ferry timetable</title>{head}</head><body>{NAV}{body}<footer>Contact</footer></body></html>"


@pytest.mark.parametrize(
    ("line", "at_least", "below"),
    [
        ("気象庁は13日、午後9時19分ごろ、日向灘で震度5弱の地震があったと発表した。", 6, None),  # Japanese sentence
        ("据市交通部门介绍，新线路连接江北新区和老城区。", 6, None),  # Chinese sentence
        ("กรุงเทพมหานครประกาศปิดถนนสายหลักสามสายในวันเสาร์นี้เพื่อจัดงานวิ่งการกุศล", 6, None),  # Thai sentence
        ("ニュース一覧", None, 6),  # a Japanese menu item
        ("首页", None, 6),
        ("서울시는 다음 달부터 심야 버스 노선을 늘린다고 밝혔다", 6, None),  # Korean: spaced words
        ("Home | News | Sport", None, 6),
        ("The council approved the budget on Monday evening.", 6, None),
    ],
)
def test_word_units_count_characters_where_words_have_no_spaces(line: str, at_least: int | None, below: int | None) -> None:
    units = word_units(line)
    if at_least is not None:
        assert units >= at_least
    if below is not None:
        assert units < below


def test_spaced_text_is_counted_as_before() -> None:
    text = "Residents say they live in fear of the next flood"
    assert not has_unspaced(text) and word_units(text) == len(text.split())
    assert has_unspaced("東京") and not has_unspaced("Zürich café")


def test_a_japanese_article_has_article_text_and_its_menu_does_not() -> None:
    assert has_article_text("トップ\nニュース\nみなと市の中心部に建設が進められていた市立中央図書館が二日、開館した。")
    assert not has_article_text("トップ\nニュース\n政治\n経済\nスポーツ\n会員登録")


def test_recall_mode_is_tried_when_the_first_extraction_is_navigation() -> None:
    html = (CASES / "valid" / "recall-fallback" / "page.html").read_text(encoding="utf-8")
    found = extract_article(parse_html(html))
    assert found.tried == ("trafilatura", "trafilatura-recall")
    assert found.method == "trafilatura-recall"
    assert found.first_text.startswith("Start")  # the default found only the menu
    assert found.text is not None and "Hamnstyrelsen beslutade" in found.text


def test_the_baseline_is_the_last_resort_and_keeps_only_prose() -> None:
    html = page("<div class='comments'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>")
    found = extract_article(parse_html(html))
    assert found.tried == ALL_METHODS and found.method == "trafilatura-baseline"
    assert found.text is not None
    assert found.text.splitlines() == PARAGRAPHS  # the menu's "Section n" lines are gone


def test_a_navigation_page_is_rejected_naming_every_extractor_tried() -> None:
    result = extract_html(page(""))
    assert isinstance(result, HtmlProblem) and result.code == "html-no-body"
    assert "only navigation-like text" in result.params["detail"]
    assert "tried " + ", ".join(("resiliparse", *ALL_METHODS)) in result.params["detail"]


def test_a_copyright_line_does_not_make_the_baseline_take_a_navigation_page() -> None:
    tree = parse_html(page("<p>Copyright 2024 Harbour Gazette Media Group. All rights reserved worldwide.</p>"))
    assert baseline_prose(tree) == ""


def test_jsonld_article_body_is_read_as_plain_lines() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Harbour Gazette"},
        {"@type": "NewsArticle", "headline": "Ferries", "articleBody": "<p>" + "</p><p>".join(PARAGRAPHS[:2]) + "</p>"},
    ]}
    escaped = {"@type": "NewsArticle", "articleBody": "&lt;p&gt;Short teaser only.&lt;/p&gt;"}
    head = (f'<script type="application/ld+json">{json.dumps(graph)}</script>'
            f'<script type="application/ld+json">{json.dumps(escaped)}</script>'
            '<script type="application/ld+json">{"articleBody": "broken</script>')
    assert jsonld_article_body(parse_html(page("", head))) == "\n".join(PARAGRAPHS[:2])  # the longest, markup gone
    teaser_only = f'<script type="application/ld+json">{json.dumps(escaped)}</script>'
    assert jsonld_article_body(parse_html(page("", teaser_only))) == "Short teaser only."
    assert jsonld_article_body(parse_html(page(""))) == ""
