"""Outlet resolution from names, aliases, domains and URLs; titles without site suffixes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.normalize.outlets import load_registry, loose_keys
from masthead.normalize.titles import clean_title

REGISTRY = load_registry()


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("The New York Times", "The New York Times"),
        ("new york times", "The New York Times"),
        ("NYT", "The New York Times"),
        ("The New York Times Co.", "The New York Times"),
        ("nytimes.com", "The New York Times"),
        ("https://www.nytimes.com/2018/07/14/world/europe/putin.html", "The New York Times"),
        ("THE WASHINGTON POST", "The Washington Post"),
        ("Washington Post", "The Washington Post"),
        ("washingtonpost.com", "The Washington Post"),
        ("AP", "Associated Press"),
        ("The Associated Press", "Associated Press"),
        ("apnews.com", "Associated Press"),
        ("Reuters", "Reuters"),
        ("Reuters.com", "Reuters"),
        ("Bloomberg", "Bloomberg News"),
        ("BBC", "BBC News"),
        ("bbc.co.uk", "BBC News"),
        ("https://www.bbc.co.uk/news/world-123", "BBC News"),
        ("The Guardian", "The Guardian"),
        ("Guardian News & Media", "The Guardian"),
        ("foreign policy", "Foreign Policy"),
        ("AFP", "Agence France-Presse"),
        ("Agence France Presse", "Agence France-Presse"),
    ],
)
def test_resolves(value: str, name: str) -> None:
    found = REGISTRY.by_name(value)
    assert found is not None and found.name == name


@pytest.mark.parametrize(
    ("host", "name"),
    [("edition.cnn.com", "CNN"), ("www.theguardian.com", "The Guardian"), ("abcnews.go.com", "ABC News"),
     ("timesofindia.indiatimes.com", "The Times of India")],
)
def test_resolves_subdomains(host: str, name: str) -> None:
    found = REGISTRY.by_host(host)
    assert found is not None and found.name == name


@pytest.mark.parametrize("value", ["My Local Blog", "x" * 5000, "!!!", "", "go.com", "co.uk", "com", "The"])
def test_unknown_outlets_do_not_resolve(value: str) -> None:
    assert REGISTRY.by_name(value) is None


def test_agencies() -> None:
    assert REGISTRY.is_agency("AP") and REGISTRY.is_agency("Reuters") and not REGISTRY.is_agency("The Guardian")


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Strong tornadoes possible - The Washington Post", "Strong tornadoes possible"),
        ("Starmer defiant over gifts | The Telegraph", "Starmer defiant over gifts"),
        ("Prince Harry LIVE | Royal | News | Express.co.uk", "Prince Harry LIVE"),
        ("Office for Budget Responsibility: What is it?", "Office for Budget Responsibility: What is it?"),
        ("Peace talks - what comes next", "Peace talks - what comes next"),
        ("  Spaced   out\n title ", "Spaced out title"),
    ],
)
def test_clean_title(title: str, clean: str) -> None:
    sites = {"washington post", "telegraph", "express co uk", "royal", "news"}
    assert clean_title(title, lambda tail: tail.casefold().removeprefix("the ").replace(".", " ") in sites) == clean


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_resolution_never_crashes_and_is_idempotent(text: str) -> None:
    found = REGISTRY.by_name(text)
    if found is not None:
        assert REGISTRY.by_name(found.name) == found
    title = clean_title(text, lambda tail: REGISTRY.by_name(tail) is not None)
    assert clean_title(title, lambda tail: REGISTRY.by_name(tail) is not None) == title


def test_adversarial_outlets_are_fast() -> None:
    start = time.perf_counter()
    for value in ["a." * 2500, "The " * 1250, "-" * 5000, "x" * 5000 + ".com", "a | " * 1000]:
        REGISTRY.by_name(value)
        clean_title(value, lambda tail: False)
    assert time.perf_counter() - start < 1.0


def test_a_registry_that_breaks_its_schema_is_refused_naming_the_place(tmp_path: Path) -> None:
    import json

    from masthead.errors import SchemaError
    from masthead.normalize.outlets import _registry_at

    bad = {"version": "1.0.0", "outlets": [{"name": "Good Outlet", "domains": ["good.example"]},
                                           {"name": "Bad Outlet", "domains": "bad.example"}]}
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"outlets\.json: the outlet registry does not match its schema at /outlets/1/domains"):
        _registry_at(str(path))
    good = {"version": "1.0.0", "outlets": [{"name": "Good Outlet", "domains": ["good.example"]}]}
    path.write_text(json.dumps(good), encoding="utf-8")
    _registry_at.cache_clear()
    assert _registry_at(str(path)) is not None


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Börsen-Zeitung", {"borsenzeitung", "boersenzeitung"}),
        ("boersen-zeitung", {"boersenzeitung"}),
        ("The Gateway Pundit", {"gatewaypundit"}),
        ("thegatewaypundit", {"thegatewaypundit", "gatewaypundit"}),
        ("thesun", {"thesun"}),  # too short to lose its "the"
        ("Seznam Zprávy", {"seznamzpravy"}),
        ("HARBOUR & BUGLE", {"harbourandbugle"}),
        ("中日新聞Web", {"中日新聞web"}),
        (" - | ", set()),
    ],
)
def test_loose_keys_compare_site_names_titles_and_domain_labels(text: str, keys: set[str]) -> None:
    assert loose_keys(text) == keys
