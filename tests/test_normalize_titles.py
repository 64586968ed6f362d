"""Headline choice: microdata headlines, agreement between a page's statements, live-blog labels."""

from __future__ import annotations

import pytest

from masthead.normalize.page_meta import PageMeta, page_meta
from masthead.normalize.titles import clean_title, is_live_label, preferred_title, site_matcher, statement_keys, title_key

SITES = {"the harbour gazette", "harbour gazette", "gazette"}


def is_site(tail: str) -> bool:
    return tail.casefold() in SITES


def meta(*titles: tuple[str, str], h1: str | None = None) -> PageMeta:
    return PageMeta(titles=list(titles), h1=h1)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Council ‘delays’ bridge vote", "Council 'delays' bridge vote"),
        ("Rates rise — again", "rates rise again"),
        ("  Flood   warnings  issued ", "Flood warnings issued"),
        ("What's next for the port?", "What’s next for the port"),
    ],
)
def test_title_key_ignores_case_punctuation_and_quote_styles(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_title_key_keeps_words() -> None:
    assert title_key("Council delays bridge vote") != title_key("Council delays new bridge vote")


@pytest.mark.parametrize(
    "title",
    [
        "Storm Edna LIVE: power cuts across the coast as winds reach 90mph",
        "LIVE: Budget statement as it happens",
        "Election night LIVE UPDATES: counts under way in every ward",
        "Live updates: wildfire reaches the northern suburbs",
        "Harbour strike day two – live",
        "Cup final - live updates",
        "LIVE | Transfer deadline day",
    ],
)
def test_live_labels(title: str) -> None:
    assert is_live_label(title)


@pytest.mark.parametrize(
    "title",
    [
        "Residents say they live in fear of the next flood",
        "How to live well on a pension",
        "Olivera signs for the club: 'I want to win everything'",
        "Deliverance: the band's comeback tour reviewed",
        "Live music venues face closure as rents rise",
    ],
)
def test_not_live_labels(title: str) -> None:
    assert not is_live_label(title)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # The JSON-LD headline is the search variant; og:title and the visible microdata headline agree.
        (meta(("ld", "Mayor says she will keep accepting donor gifts"),
              ("og:title", "Mayor defiant over donor gifts"),
              ("title", "Mayor says she will keep accepting donor gifts | Harbour Gazette"),
              ("microdata", "Mayor defiant over donor gifts"), h1="Mayor defiant over donor gifts"),
         "Mayor defiant over donor gifts"),
        # Agreement survives a site suffix on og:title and typographic quotes on the page.
        (meta(("ld", "Port workers vote to strike next month"),
              ("og:title", "Port workers 'ready to walk out' | The Harbour Gazette"),
              ("microdata", "Port workers ‘ready to walk out’")),
         "Port workers ‘ready to walk out’"),
        # A live blog's standing title gives way to the first metadata title without the label.
        (meta(("ld", "Storm Edna LIVE: 'Worst winds in decades' batter coastal towns"),
              ("og:title", "'Worst winds in decades' batter coastal towns as thousands lose power"),
              ("title", "Storm Edna LIVE: winds batter coast | News | Harbour Gazette")),
         "'Worst winds in decades' batter coastal towns as thousands lose power"),
        (meta(("og:title", "LIVE: Council budget vote"), ("twitter:title", "Council votes on a £40m budget")),
         "Council votes on a £40m budget"),
        # A blog theme's logo is the first <h1>, and the page states no headline in its metadata: the <title> it is.
        (meta(("title", "Raised beds in autumn | Harbour Gazette"), h1="Harbour Gazette"), "Raised beds in autumn"),
        # The page names its site with its headline (a JSON-LD WebSite called by the headline): the other statement.
        (meta(("ld", "Gazette"), ("og:title", "Ferry fares rise")), "Ferry fares rise"),
        # One headline, a kicker in front of one statement of it: the visible headline says whether it belongs.
        (meta(("ld", "«Harbour murder»: Skipper jailed for life"), ("og:title", "Skipper jailed for life"),
              h1="Skipper jailed for life"),
         "Skipper jailed for life"),
        (meta(("ld", "Strike looms: Port workers vote to walk out"), ("twitter:title", "Port workers vote to walk out"),
              ("microdata", "Port workers vote to walk out"), h1="Harbour Gazette"),
         "Port workers vote to walk out"),
        # The <h1> runs kicker and headline together without the separator.
        (meta(("ld", "Port workers vote to walk out"), ("og:title", "National strike / Port workers vote to walk out"),
              h1="National strike Port workers vote to walk out"),
         "National strike / Port workers vote to walk out"),
    ],
)
def test_preferred_title_overrules_the_usual_order(page: PageMeta, expected: str) -> None:
    assert preferred_title(page, is_site) == expected


@pytest.mark.parametrize(
    "page",
    [
        # Only og:title disagrees with JSON-LD: one statement against one, the usual order stands.
        meta(("ld", "Mayor says she will keep accepting donor gifts"), ("og:title", "Mayor defiant over donor gifts")),
        # The microdata headline sides with JSON-LD.
        meta(("ld", "Mayor says she will keep accepting donor gifts"), ("og:title", "Mayor defiant over donor gifts"),
             ("microdata", "Mayor says she will keep accepting donor gifts")),
        # og:title and microdata disagree with each other as well.
        meta(("ld", "Ferry fares to rise in spring"), ("og:title", "Ferry fares going up"),
             ("microdata", "Ferry fares to rise by 8% from April")),
        # No JSON-LD headline to overrule; og:title already comes first.
        meta(("og:title", "Ferry fares going up"), ("microdata", "Ferry fares to rise by 8% from April")),
        # An unlabelled <h1> agreeing with og:title is not enough (first <h1>s are often logos or promos).
        meta(("ld", "Ferry fares to rise in spring"), ("og:title", "Ferry fares going up"), h1="Ferry fares going up"),
        # A kicker on og:title only, and the visible headline has none: JSON-LD stands.
        meta(("ld", "Port workers vote to walk out"), ("og:title", "National strike / Port workers vote to walk out"),
             h1="Port workers vote to walk out"),
        # The visible headline agrees with neither statement, or there is none.
        meta(("ld", "Port workers vote to walk out"), ("og:title", "Strike looms: Port workers vote to walk out"),
             h1="Harbour Gazette"),
        meta(("ld", "Port workers vote to walk out"), ("og:title", "Strike looms: Port workers vote to walk out")),
        # Not a kicker: the part before the colon is too long to be a label.
        meta(("ld", "The council said on Monday after a long meeting that it would: delay the vote"),
             ("og:title", "delay the vote"), h1="delay the vote"),
        # Nothing but the site's name: nothing better to offer.
        meta(("title", "Harbour Gazette"), h1="Harbour Gazette"),
        # Live everywhere: nothing better to offer.
        meta(("ld", "Election LIVE: results"), ("og:title", "Election LIVE: results as they come in")),
        # The first candidate has no live label, even if a later one does.
        meta(("og:title", "Far-right marchers clash with police - updates"), ("title", "Riots LIVE: clashes in city centre")),
        # Agreement everywhere.
        meta(("ld", "Ferry fares to rise"), ("og:title", "Ferry fares to rise"), ("microdata", "Ferry fares to rise")),
        meta(),
    ],
)
def test_preferred_title_keeps_the_usual_order(page: PageMeta) -> None:
    assert preferred_title(page, is_site) is None


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<h1 class="headline" itemprop="headline">Bridge &amp; tunnel <em>tolls</em> frozen</h1>', "Bridge & tunnel tolls frozen"),
        ("<div><span itemprop='headline name'>Ferry fares to rise</span></div>", "Ferry fares to rise"),
        ('<h2 data-x="1" itemprop=headline>\n  Council delays vote\n</h2>', "Council delays vote"),
        ('<h1 itemprop="headline"></h1><h2 itemprop="headline">Second</h2>', "Second"),
    ],
)
def test_microdata_headline(html: str, expected: str) -> None:
    found = [t for source, t in page_meta(f"<html><body>{html}</body></html>").titles if source == "microdata"]
    assert found == [expected]


@pytest.mark.parametrize(
    "html",
    [
        '<h1 itemprop="headlineText">Not the headline property</h1>',
        '<div itemprop="headline">block elements are not read</div>',
        '<h1 class="headline">No microdata</h1>',
        '<meta itemprop="headline" content="A meta tag is read as a tag">',
    ],
)
def test_no_microdata_headline(html: str) -> None:
    assert all(source != "microdata" for source, _ in page_meta(html).titles)


def test_meta_itemprop_headline_stays_a_tag() -> None:
    assert ("headline", "A meta tag") in page_meta('<meta itemprop="headline" content="A meta tag">').titles


GAZETTE = site_matcher(["Harbour Gazette", "harbour-gazette.co.uk"], ["harbour-gazette"], lambda part: False)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ferry fares rise | Harbour Gazette", "Ferry fares rise"),
        ("Ferry fares rise › Harbour Gazette", "Ferry fares rise"),
        ("Ferry fares rise - Harbour Gazette", "Ferry fares rise"),
        ("Ferry fares rise – The Harbour Gazette", "Ferry fares rise"),
        ("Ferry fares rise — HARBOUR GAZETTE", "Ferry fares rise"),
        ("Ferry fares rise | harbour-gazette.co.uk", "Ferry fares rise"),
        ("Ferry fares rise|Harbour Gazette", "Ferry fares rise"),
        ("Harbour Gazette - Ferry fares rise", "Ferry fares rise"),
        ("Harbour Gazette: Ferry fares rise", "Ferry fares rise"),
        ("Harbour Gazette | Ferry fares rise", "Ferry fares rise"),
        # a date after the site name goes with it; a section name that names no site stays
        ("Ferry fares rise | Harbour Gazette | 28.04.2023", "Ferry fares rise"),
        ("Ferry fares rise | Transport | Harbour Gazette", "Ferry fares rise | Transport"),
        # a longer name ending in the domain's label; the domain label compared without diacritics
        ("Ferry fares rise - Die Neue Harbour Gazette", "Ferry fares rise"),
        ("Ferry fares rise - Härbour Gazette", "Ferry fares rise"),
        # scripts without spaces: full-width separators need none
        ("みなと市に新図書館が開館：Harbour Gazette", "みなと市に新図書館が開館"),
        ("海港市开通首条跨江轮渡线路｜Harbour Gazette", "海港市开通首条跨江轮渡线路"),
        # never cut a part that names no site
        ("Peace talks - what comes next", "Peace talks - what comes next"),
        ("Harbour strike: what we know – and what we don't", "Harbour strike: what we know – and what we don't"),
        ("Ferry fares rise | 2024", "Ferry fares rise | 2024"),
        ("Ferry fares rise | 28.04.2023", "Ferry fares rise | 28.04.2023"),
        ("Gazette readers on the ferry - a letter from the harbour", "Gazette readers on the ferry - a letter from the harbour"),
        ("Kate Moss on the Harbour Gazette cover: 'I never wanted to be ordinary'",
         "Kate Moss on the Harbour Gazette cover: 'I never wanted to be ordinary'"),
        ("Harbour Gazette", "Harbour Gazette"),
    ],
)
def test_site_names_leave_headlines(title: str, expected: str) -> None:
    assert clean_title(title, GAZETTE) == expected


def test_a_domain_label_names_the_site_only_at_the_end_or_with_a_short_suffix() -> None:
    is_site = site_matcher([], ["gazette"], lambda part: False)
    assert clean_title("Ferry fares rise - Gazette Online", is_site) == "Ferry fares rise"
    assert clean_title("Ferry fares rise | The Evening Gazette", is_site) == "Ferry fares rise"
    assert clean_title("Ferry fares rise - Gazette readers respond", is_site) == "Ferry fares rise - Gazette readers respond"
    assert clean_title("Ferry fares rise - Gaz", is_site) == "Ferry fares rise - Gaz"


def test_a_trailing_part_another_statement_leaves_off_goes() -> None:
    page = meta(("ld", "Ferry fares rise | Transport"), ("og:title", "Ferry fares rise"))
    statements = statement_keys(page)
    assert clean_title("Ferry fares rise | Transport", GAZETTE, statements) == "Ferry fares rise"
    assert clean_title("Ferry fares rise | Transport", GAZETTE) == "Ferry fares rise | Transport"
    # the <h1> is not such a statement (a first <h1> is often a logo or a promo)
    assert statement_keys(meta(("ld", "Ferry fares rise | Transport"), h1="Ferry fares rise")) == {
        title_key("Ferry fares rise | Transport")}
