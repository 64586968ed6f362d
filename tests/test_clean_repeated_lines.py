"""Corpus-level evidence: a paragraph repeated across an outlet's documents is removed, and recorded."""

from __future__ import annotations

import hashlib

from masthead.clean.repeated_lines import RULE, find_repeated, normalize_line, paragraph_hashes, strip_repeated

WIDGET = "Get the Morning Brief sent directly to your inbox every weekday, free."


def _doc(i: int, outlet: str | None, widget: str | None = WIDGET) -> dict:
    town = "".join(chr(ord("a") + int(d)) for d in f"{i:03d}")  # digits are normalised away; letters are not
    body = f"Story number {i} reports that the council of {town} voted on the budget measure this week."
    text = body + (f"\n\n{widget}" if widget else "")
    return {"id": f"d{i}", "outlet": outlet, "source": f"{outlet or 'misc'}/d{i}.txt", "text": text,
            "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "cleaning": {"removed_chars": 3, "removed": [{"rule": "whitespace", "chars": 3}]}}


def test_lines_are_compared_after_normalisation() -> None:
    assert normalize_line("SUBSCRIBE to our newsletter — 2024 edition!") == normalize_line(
        "Subscribe to our newsletter 1999 edition")
    assert paragraph_hashes("A long enough paragraph.\n\nX\n\nA LONG enough paragraph!")[1] == ""
    first, _, third = paragraph_hashes("A long enough paragraph.\n\nX\n\nA LONG enough paragraph!")
    assert first == third


def test_widget_repeated_across_an_outlet_is_stripped_and_recorded() -> None:
    docs = [_doc(i, "The Daily Example", WIDGET.replace("weekday", "WEEKDAY") if i % 2 else WIDGET) for i in range(8)]
    repeated = find_repeated(docs)
    assert list(repeated) == ["outlet:The Daily Example"]
    stripped = strip_repeated(docs[0], repeated["outlet:The Daily Example"])
    assert WIDGET not in stripped["text"] and stripped["text"].startswith("Story number 0")
    assert stripped["content_sha256"] == hashlib.sha256(stripped["text"].encode()).hexdigest()
    assert {"rule": RULE, "chars": len(WIDGET) + 2} in stripped["cleaning"]["removed"]
    assert stripped["cleaning"]["removed_chars"] == 3 + len(WIDGET) + 2
    assert docs[0]["text"].endswith(WIDGET)  # the input is not modified


def test_rare_lines_and_other_outlets_are_left_alone() -> None:
    docs = [_doc(i, "The Daily Example") for i in range(3)] + [_doc(i, "Other Times", None) for i in range(3, 30)]
    assert find_repeated(docs) == {}  # three documents are not evidence
    docs = [_doc(i, "Other Times", WIDGET if i < 5 else None) for i in range(40)]
    assert find_repeated(docs) == {}  # five of forty is under the 20% share


def test_a_document_of_only_repeated_paragraphs_is_unchanged() -> None:
    doc = _doc(1, "X", None)
    hashes = set(paragraph_hashes(doc["text"]))
    assert strip_repeated(doc, hashes) is doc
