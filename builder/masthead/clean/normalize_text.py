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

_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
# Spaces other than U+0020 (tab, no-break, en/em/thin…, narrow no-break, medium mathematical, ideographic).
_OTHER_SPACES = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Characters that mojibake of UTF-8 text is made of (Latin-1/cp1252 lead bytes and C1 controls).
_SUSPECT_CHARS = ("".join(map(chr, range(0x00C2, 0x00F5))) + "".join(map(chr, range(0x0080, 0x00A0)))
                  + "\u20ac\u2122\u0153\u0161\u017e\u0192\ufffd")
# Substring checks (``ch in text``) run at memory speed, a regular-expression class scan does not.


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


# What ftfy leaves as it is (with the configuration above): printable ASCII, tab and line feed.
_FTFY_IDLE = re.compile(r"[^\t\n\x20-\x7e]")


def repair_mojibake(text: str) -> str:
    """``ftfy.fix_text(text, _ftfy_config())``. ftfy fixes a text line by line (each segment up to and with its
    ``\n``); the lines it would leave as they are (printable ASCII, or those ``masthead.clean.ftfy_idle`` shows
    ftfy would only put in NFC) are not handed to it, which spares a text with accents most of ftfy's cost."""
    if text.isascii() or not any(ch in text for ch in _SUSPECT_CHARS):
        return text
    import ftfy

    from masthead.clean.ftfy_idle import ftfy_outcome

    config = _ftfy_config()
    out: list[str] = []
    pos = 0
    while pos < len(text):  # the segments of ftfy.fix_text
        end = text.find("\n", pos) + 1 or len(text)
        end = min(end, pos + config.max_decode_length)
        segment = text[pos:end]
        fixed = segment if segment.isascii() and _FTFY_IDLE.search(segment) is None else ftfy_outcome(segment)
        out.append(ftfy.fix_and_explain(segment, config).text if fixed is None else fixed)
        pos = end
    return "".join(out)


_NUMPY_FROM = 1024  # ASCII texts at least this long are searched in numpy


def _has_double_space(text: str) -> bool:
    """``"  " in text``. In a long ASCII text, numpy finds two adjacent spaces in half the time the
    substring search takes (a two-character needle whose first character is every sixth one)."""
    if len(text) < _NUMPY_FROM or not text.isascii():
        return "  " in text
    import numpy as np

    space = np.frombuffer(text.encode("ascii"), dtype=np.uint8) == 32
    return bool((space[1:] & space[:-1]).any())


def normalize_text(text: str) -> str:
    """Mojibake repaired, NFC, one kind of space, no zero-width characters, paragraphs split by one blank line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():  # ASCII has no mojibake, is NFC and has none of the special spaces
        text = unicodedata.normalize("NFC", repair_mojibake(text))
        if any(ch in text for ch in _ZERO_WIDTH_CHARS):
            text = _ZERO_WIDTH.sub("", text)
    # every run of spaces (of any kind; never a newline) becomes one space
    for ch in _OTHER_SPACES:
        if ch in text:
            text = text.replace(ch, " ")
    while _has_double_space(text):
        text = text.replace("  ", " ")
    text = "\n".join([line.strip() for line in text.split("\n")])
    while "\n\n\n" in text:  # every run of blank lines becomes one (a run shrinks by a third a pass)
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
