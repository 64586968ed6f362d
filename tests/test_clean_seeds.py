"""The embedded corpus: each cleaned text runs from the article's first sentence to its last,
with headline and dek separated and none of the page furniture left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masthead.clean import clean_record

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases" / "clean" / "seeds"
SEEDS = sorted(p.stem for p in CASES.glob("*.json"))


def test_every_seed_file_has_expectations() -> None:
    assert sorted(p.stem for p in (REPO / "raw").glob("*.txt")) == SEEDS


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_is_cleaned_to_the_article(seed: str) -> None:
    expected = json.loads((CASES / f"{seed}.json").read_text(encoding="utf-8"))
    raw = (REPO / "raw" / f"{seed}.txt").read_text(encoding="utf-8")
    cleaned = clean_record({"text": raw})
    assert cleaned.reject is None
    assert cleaned.text.startswith(expected["first"])
    assert cleaned.text.endswith(expected["last"])
    assert cleaned.title == expected["title"]
    assert cleaned.title_origin == "text"
    assert cleaned.dek == expected["dek"]
    for snippet in expected["absent"]:
        assert snippet not in cleaned.text, snippet
    for snippet in expected.get("present", []):
        assert snippet in cleaned.text, snippet
    rules = {rule for rule, _ in cleaned.removed}
    assert set(expected["removed_rules"]) <= rules


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_is_silently_gone(seed: str) -> None:
    """Every removed line is recorded with its rule, and the per-rule counts add up to it."""
    raw = (REPO / "raw" / f"{seed}.txt").read_text(encoding="utf-8")
    cleaned = clean_record({"text": raw})
    per_rule: dict[str, int] = {}
    for rule, line in cleaned.removed_lines:
        assert line.strip() and line not in cleaned.text.split("\n")
        per_rule[rule] = per_rule.get(rule, 0) + len(line)
    for rule, chars in cleaned.removed:
        if rule != "whitespace":
            assert per_rule[rule] == chars
    assert cleaned.removed_chars == len(raw) - len(cleaned.text)
    # every non-blank raw line is either kept in the text or recorded as removed
    kept = set(cleaned.text.split("\n"))
    removed = {line for _, line in cleaned.removed_lines}
    for line in raw.splitlines():
        line = " ".join(line.split())
        if line:
            assert line in kept or line in removed, line


def test_sign_offs_and_bios_reach_the_metadata_step() -> None:
    raw = (REPO / "raw" / "002_2b9140d787100152.txt").read_text(encoding="utf-8")
    lines = dict(clean_record({"text": raw}).removed_lines)
    assert "from The Washington Post" in lines["syndication"]
    raw = (REPO / "raw" / "004_2fde7dd89c83af88.txt").read_text(encoding="utf-8")
    lines = dict(clean_record({"text": raw}).removed_lines)
    assert lines["sign-off-reported"].startswith("Andrew Higgins reported from Moscow")
