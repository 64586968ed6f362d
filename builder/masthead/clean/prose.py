"""How long a line is in words, for scripts written with and without spaces between words.

Chinese and Japanese (Han, kana) and the scripts of Thai, Lao, Khmer and Myanmar do not put
spaces between words, so ``str.split()`` sees a whole sentence as one word and a page of them as
navigation. Their characters are counted instead and turned into words at the script's usual
word length: about two characters for Chinese and Japanese, about five for the Southeast Asian
abugidas (combining vowel and tone marks are characters too). Korean separates words by spaces
and is counted like English. Every other whitespace-separated token is one word.
"""

from __future__ import annotations

import re

# Han (with extension A and compatibility ideographs), Hiragana, Katakana (with phonetic extensions and
# half-width forms): about two characters a word.
_CJK = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
# Thai, Lao, Myanmar, Khmer: about five characters a word.
_SOUTHEAST = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_UNSPACED = re.compile(_CJK.pattern[:-1] + _SOUTHEAST.pattern[1:])
CJK_CHARS_PER_WORD = 2.0
SOUTHEAST_CHARS_PER_WORD = 5.0
# Terminal punctuation of sentences in these scripts (ideographic full stop, full-width ! ? and the
# Myanmar and Khmer sentence marks); Thai and Lao end sentences with a space, not a mark.
UNSPACED_TERMINALS = "。！？｡\u104b\u17d4"


def has_unspaced(text: str) -> bool:
    """Whether ``text`` holds characters of a script written without spaces between words."""
    return not text.isascii() and _UNSPACED.search(text) is not None


def word_units(text: str, limit: int = 4000) -> float:
    """Words in the first ``limit`` characters of ``text``: whitespace-separated tokens, except that
    characters of scripts without spaces count as words at their script's usual word length."""
    text = text[:limit]
    if not has_unspaced(text):
        return float(len(text.split()))
    cjk = len(_CJK.findall(text))
    southeast = len(_SOUTHEAST.findall(text))
    spaced = sum(1 for token in text.split() if not has_unspaced(token))
    return spaced + cjk / CJK_CHARS_PER_WORD + southeast / SOUTHEAST_CHARS_PER_WORD
