"""Language: detected offline with a confidence threshold; a given language wins."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest

from masthead.pipeline.context import StepContext
from masthead.pipeline.language import UNDETERMINED, detect_language
from masthead.pipeline.process import Processed, process_record
from masthead.pipeline.records import RawRecord

REPO = Path(__file__).resolve().parents[1]

GERMAN = ("Der russische Präsident traf am Montag in Helsinki den amerikanischen Präsidenten. Beide Seiten "
          "sprachen nach dem Treffen von einem offenen Gespräch über Syrien und die Ukraine.")
FRENCH = ("Le président russe a rencontré lundi à Helsinki son homologue américain. Les deux parties ont "
          "évoqué après la réunion un échange franc sur la Syrie et l'Ukraine.")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("language detection tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_languages_are_detected_offline(no_network: None) -> None:
    english = (REPO / "raw" / "004_2fde7dd89c83af88.txt").read_text(encoding="utf-8")
    assert detect_language(english)[0] == "en"
    assert detect_language(GERMAN)[0] == "de"
    assert detect_language(FRENCH)[0] == "fr"
    _, confidence = detect_language(FRENCH)
    assert 0.5 <= confidence <= 1.0


@pytest.mark.parametrize("text", ["", "ok", "12345 67890 !!!", "Trump Putin", "https://example.com/a/b"])
def test_short_or_unsure_text_is_undetermined(text: str) -> None:
    assert detect_language(text)[0] == UNDETERMINED


def test_pipeline_uses_given_language_else_detected() -> None:
    ctx = StepContext(build_date=dt.date(2026, 1, 1))
    detected = process_record(RawRecord("a.txt", None, {"text": GERMAN}, {"text": "given"}), ctx)
    assert isinstance(detected, Processed)
    assert detected.doc["language"] == "de"
    assert detected.doc["provenance"]["language"] == "detected"
    given = process_record(RawRecord("b.txt", None, {"text": GERMAN, "language": "de-AT"},
                                     {"text": "given", "language": "front-matter"}), ctx)
    assert isinstance(given, Processed)
    assert given.doc["language"] == "de-AT"
    assert given.doc["provenance"]["language"] == "front-matter"
