"""Text normalisation and bad input: every odd file ends as a clean document or a clear reject."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from masthead.clean import clean_record
from masthead.clean.normalize_text import normalize_text
from masthead.errors import Reject
from masthead.pipeline.context import StepContext
from masthead.pipeline.process import Processed, process_record
from masthead.readers import read_all

ARTICLE = ("MOSCOW — The two leaders met on Monday in Helsinki for talks that lasted more than two hours, "
           "officials on both sides said.\n\nNeither side announced an agreement, but both described the "
           "conversation as “frank” and said their ministers would meet again next month.")
CTX = StepContext(build_date=dt.date(2026, 1, 1))


def test_mojibake_is_repaired_and_quotes_and_dashes_kept() -> None:
    broken = "Itâ€™s the Kremlinâ€™s view â€” â€œa victoryâ€\x9d, said CafÃ© owner."
    assert normalize_text(broken) == "It’s the Kremlin’s view — “a victory”, said Café owner."
    written = "He said \"yes\" -- and 'no' – then “maybe” — ﬁne, Ａ."
    assert normalize_text(written) == written


def test_spaces_zero_width_nfc_and_paragraphs() -> None:
    text = "Cafe\u0301\u00a0au\u2009lait\u200b here.\r\n\r\n\r\n\r\nNext\u00ad para.\n \nLast."
    assert normalize_text(text) == "Café au lait here.\n\nNext para.\n\nLast."


def test_all_boilerplate_is_rejected_with_that_reason() -> None:
    raw = "Accept Cookies\n\nThis website uses cookies to analyze traffic and personalise ads.\n\nBy Taboola\n"
    cleaned = clean_record({"text": raw})
    assert cleaned.reject is not None and cleaned.reject.code == "boilerplate-only"
    result = process_record(_record(raw), CTX)
    assert isinstance(result, Reject) and result.code == "boilerplate-only"


def test_short_text_is_kept_as_written() -> None:
    for text in ("A fine article.", "Some text.", "Putin and Trump meet"):
        cleaned = clean_record({"text": text})
        assert cleaned.text == text and cleaned.title is None


def test_body_furniture_is_removed_only_when_unmistakable() -> None:
    text = ARTICLE + "\n\nAdvertisement\n\nThe ministers said cookies and privacy were not discussed.\n\n" + ARTICLE
    cleaned = clean_record({"text": text})
    assert "Advertisement" not in cleaned.text
    assert "cookies and privacy were not discussed" in cleaned.text


def _record(text: str):  # type: ignore[no-untyped-def]
    from masthead.pipeline.records import RawRecord

    return RawRecord("a.txt", None, {"text": text}, {"text": "given"})


def test_bad_inputs_end_as_documents_or_clear_rejects(make_project: Callable[..., Path],
                                                      run_cli: Callable) -> None:
    project = make_project({
        "latin1.txt": ARTICLE.replace("—", "-").replace("“", '"').replace("”", '"').replace("Helsinki", "Hèlsinki")
        .encode("cp1252"),
        "invalid-utf8.txt": ARTICLE.encode("utf-8")[:60] + b"\xff\xfe\xfa" + ARTICLE.encode("utf-8")[60:],
        "binary.txt": bytes(range(256)) * 40,
        "empty.txt": "",
        "blank.txt": "\n \n\u200b\n",
        "furniture.txt": "Accept Cookies\n\nValidation message here\nValidation message here\n\nBy Taboola\n",
        "nobody.html": "<html><head><title>x</title></head><body><nav>Home | Login</nav></body></html>",
        "good.txt": ARTICLE,
    })
    result = run_cli("validate", "--json", cwd=project)
    report = json.loads(result.stdout)
    codes = {r["source"]: r["code"] for r in report["rejects"]}
    assert codes == {
        "binary.txt": "binary-content",
        "empty.txt": "empty-document",
        "blank.txt": "empty-document",
        "furniture.txt": "boilerplate-only",
        "nobody.html": "html-no-body",
    }
    assert report["counts"]["input_records"] == 8
    docs = {}
    for item in read_all(project / "raw", 10_000_000):
        processed = item if isinstance(item, Reject) else process_record(item, CTX)
        if isinstance(processed, Processed):
            docs[processed.doc["source"]] = processed.doc
    assert set(docs) == {"latin1.txt", "invalid-utf8.txt", "good.txt"}
    assert docs["latin1.txt"]["encoding"] != "utf-8"  # detected and recorded
    assert docs["latin1.txt"]["text"].startswith("MOSCOW - The two leaders met on Monday")
    assert docs["good.txt"]["encoding"] == "utf-8"


def test_a_short_line_closing_a_prose_paragraph_is_kept_but_a_loose_one_goes() -> None:
    glued = ARTICLE + "\nCafé Genève"
    assert clean_record({"text": glued}).text.endswith("next month.\nCafé Genève")
    loose = ARTICLE + "\n\nCafé Genève"
    cleaned = clean_record({"text": loose})
    assert cleaned.text.endswith("next month.")
    assert ("tail-fragment", "Café Genève") in cleaned.removed_lines
