"""Unicode and whitespace normalisation of text; quotes and dashes are kept as written.

Mojibake (UTF-8 read as cp1252: ``â€™``, ``Ã©``) is repaired with ftfy, configured to change
nothing else: curly quotes, full-width characters, ligatures and HTML entities stay as
written. ftfy runs only when a text holds a character mojibake is made of, which keeps clean
text cheap.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUN = re.compile(r"\n{3,}")
# Characters that mojibake of UTF-8 text is made of (Latin-1/cp1252 lead bytes and C1 controls).
_SUSPECT = re.compile("[\u00c2-\u00f4\u0080-\u009f\u20ac\u2122\u0153\u0161\u017e\u0192\ufffd]")


@lru_cache(maxsize=1)
def _ftfy_config() -> Any:
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=True,
        normalization="NFC",
        explain=False,
    )


def repair_mojibake(text: str) -> str:
    if _SUSPECT.search(text) is None:
        return text
    import ftfy

    return str(ftfy.fix_text(text, _ftfy_config()))


def normalize_text(text: str) -> str:
    """Mojibake repaired, NFC, one kind of space, no zero-width characters, paragraphs split by one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", repair_mojibake(text))
    text = _ZERO_WIDTH.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()
