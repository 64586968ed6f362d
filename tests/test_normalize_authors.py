"""Byline parsing: prefixes, separators, titles, case repair, roles; property tests."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.normalize.authors import parse_byline, repair_case
from masthead.normalize.outlets import load_registry

REGISTRY = load_registry()


def parse(value: str | list[str]):  # type: ignore[no-untyped-def]
    return parse_byline(value, REGISTRY.is_agency, lambda name: REGISTRY.by_name(name) is not None)


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By DAVID FILIPOV and ABBY PHILLIP", ["David Filipov", "Abby Phillip"], []),
        ("Jane Doe, Associated Press", ["Jane Doe"], ["Associated Press"]),
        ("By NEIL MACFARQUHAR", ["Neil MacFarquhar"], []),
        ("MARY MCDONALD", ["Mary McDonald"], []),
        ("PAUL O'BRIEN & SEAN O’NEILL", ["Paul O'Brien", "Sean O’Neill"], []),
        ("AMELIA THOMSON-DEVEAUX", ["Amelia Thomson-Deveaux"], []),
        ("JUAN DE LA CRUZ", ["Juan de la Cruz"], []),
        ("MARIA MACHADO", ["Maria Machado"], []),
        ("By Jane Doe, Staff Writer", ["Jane Doe"], []),
        ("Emily Tamkin, U.S. Editor", ["Emily Tamkin"], []),
        ("Jane Doe Senior Correspondent", ["Jane Doe"], []),
        ("Written by John Smith; Jane Roe", ["John Smith", "Jane Roe"], []),
        ("By: John Smith | Jane Roe", ["John Smith", "Jane Roe"], []),
        ("Von Hans Müller und Eva Schmidt", ["Hans Müller", "Eva Schmidt"], []),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"], []),
        ("Por Juan Pérez y María López", ["Juan Pérez", "María López"], []),
        ("By Jane Doe jane.doe@example.com @janedoe", ["Jane Doe"], []),
        ("Jane Doe https://example.com/jane", ["Jane Doe"], []),
        ("Jane Doe (https://example.com/jane)", ["Jane Doe"], []),  # the link goes, and its brackets with it
        ("Deutsche Welle (www.dw.com)", [], ["Deutsche Welle"]),
        ("By Jane Doe (AP)", ["Jane Doe"], ["AP"]),
        ("John Smith and AFP", ["John Smith"], ["AFP"]),
        ("By The Associated Press", [], ["The Associated Press"]),
        ("Reuters", [], ["Reuters"]),
        ("Staff", [], ["Staff"]),
        ("Guardian staff reporter", [], ["Guardian staff reporter"]),
        ("BBC News", [], ["BBC News"]),
        ("John Smith, John Smith, JOHN SMITH", ["John Smith"], []),
        ("Margaret Talev, and Jennifer Jacobs", ["Margaret Talev", "Jennifer Jacobs"], []),
        ("J.K. Rowling", ["J.K. Rowling"], []),
        ("MARTIN LUTHER KING JR.", ["Martin Luther King Jr."], []),
        ("danah boyd", ["Danah Boyd"], []),
        ("Eddie", [], []),  # a single word is a username, not a byline
        # a guest post's byline, and a blog's post line with the date before the author
        ("Ein Gastbeitrag von Lisa Schmidt", ["Lisa Schmidt"], []),
        ("Ein Beitrag von Lisa Schmidt", ["Lisa Schmidt"], []),
        ("Gastautorin: Lisa Schmidt", ["Lisa Schmidt"], []),
        ("A guest post by Jane Roe", ["Jane Roe"], []),
        ("Veröffentlicht am 14. März 2023 von Jana Beispiel", ["Jana Beispiel"], []),
        ("14.03.2023 von Jana Beispiel", ["Jana Beispiel"], []),
        ("Posted on March 14, 2023 by Jane Roe", ["Jane Roe"], []),
        ("Posted on 14/03/2023 by Jane Roe", ["Jane Roe"], []),
        ("Publicado el 14 de marzo de 2023 por Ana Torres", ["Ana Torres"], []),
        ("Publié le 14 mars 2023 par Jean Dupont", ["Jean Dupont"], []),
        ("Copyright 2023 by Penguin Books", [], []),  # a year before "by" is a post line only at the start
        ("Bis 2023 von Angela Merkel geführt", [], []),
        ("!!! ... ---", [], []),
        ("", [], []),
        (["STEVE PEOPLES", "THOMAS BEAUMONT", "sophie-foster"], ["Steve Peoples", "Thomas Beaumont"], []),
    ],
)
def test_byline(byline: str | list[str], authors: list[str], agencies: list[str]) -> None:
    result = parse(byline)
    assert list(result.authors) == authors
    assert list(result.agencies) == agencies


def test_contributors_are_separated() -> None:
    result = parse("Jane Doe; with additional reporting by John Smith and Ann Lee")
    assert result.authors == ("Jane Doe",)
    assert result.contributors == ("John Smith", "Ann Lee")


@pytest.mark.parametrize(("raw", "fixed"), [("DAVID FILIPOV", "David Filipov"), ("David Filipov", "David Filipov"),
                                            ("McKenzie", "McKenzie"), ("LUDWIG VAN BEETHOVEN", "Ludwig van Beethoven")])
def test_repair_case(raw: str, fixed: str) -> None:
    assert repair_case(raw) == fixed


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_and_is_idempotent(text: str) -> None:
    first = parse(text)
    again = parse(", ".join(first.authors))
    assert again.authors == first.authors


def test_adversarial_byline_is_fast() -> None:
    bad = ["By " + "A" * 5000, "a, " * 2000, "Jane " * 1000 + "@", ("Mc" * 2000), "(" * 3000 + "AP" + ")" * 3000]
    start = time.perf_counter()
    for value in bad:
        parse(value)
    assert time.perf_counter() - start < 1.0


BODY_JA = "大統領は３日夜、緊急談話を出し、野党が国政をまひさせているとして非常戒厳を宣言した。" * 4


def test_a_cjk_name_line_is_a_byline_unless_it_breaks_a_sentence() -> None:
    """A bare name line before a paragraph is a byline; in CJK text a line ending in a letter before it
    ("韓国の") means the extractor broke the sentence at a link around the name (the article's subject)."""
    from masthead.normalize.author_sources import _text_bylines

    assert list(_text_bylines(f"松岡大地\n{BODY_JA}")) == ["松岡大地"]
    assert list(_text_bylines(f"韓国で非常戒厳。\n松岡大地\n{BODY_JA}")) == ["松岡大地"]
    assert list(_text_bylines(f"【ソウル＝小池和樹】韓国の\n尹錫悦\n{BODY_JA}")) == []
