"""Whether ftfy would hand a segment back as it is, decided without running ftfy's heuristic over all of it.

``ftfy.fix_and_explain(segment, config)`` (the configuration of ``masthead.clean.normalize_text``) returns
the segment unchanged when every step of its first pass changes nothing, which holds when the segment

- is not "bad" (``ftfy.badness.is_bad``, a search of ``BADNESS_RE``): then ``fix_encoding`` leaves it;
- holds no C1 control (``fix_c1_controls``), no ``\\r``, U+2028, U+2029 or U+0085 (``fix_line_breaks``), no
  surrogate (``fix_surrogates``), no ESC (``remove_terminal_escapes``) and none of ``CONTROL_CHARS``
  (``remove_control_chars``);
- is NFC already (the ``normalization`` step). A segment that passes all but this one is returned in NFC when
  that form passes all of them (ftfy's second pass then changes nothing).

Searching ``BADNESS_RE`` costs, in a non-English text, most of ftfy's time: its alternation is tried at every
character. Every match of it holds a *trigger*: a character of one of the classes listed here (each of the
pattern's branches requires one of them), and is at most ``BADNESS_REACH`` characters long. So the pattern
is searched only in windows of that reach around the triggers (merged where they overlap); a match inside
one is a match of the whole segment, and a match of the whole segment lies inside one. A segment without a
trigger is not bad at all. ``tests/test_fast_paths.py`` checks both facts on ftfy's own pattern.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Every branch of BADNESS_RE requires a character of one of these categories of ftfy.badness.MOJIBAKE_CATEGORIES
# or one of TRIGGER_CHARS (the single characters the remaining branches are anchored by). Not among them: quotes, dashes, the ellipsis,
# the no-break space, Greek and most Cyrillic letters (ftfy's "common", punctuation and "*_common" classes).
TRIGGER_CATEGORIES = ("c1", "bad", "upper_accented", "lower_accented", "currency", "numeric", "box", "law")
TRIGGER_CHARS = "ŒœÂÃÎÐ×ØÙà√≈‚вВГРСβΒΓΞΟā°"
BADNESS_REACH = 8  # at least the length of BADNESS_RE's longest match
# What the other steps of ftfy's pass change: \r, line and paragraph separators, ESC, surrogates, CONTROL_CHARS
# (C1 controls, among them U+0085, are triggers).
_OTHER_FIXES = re.compile("[\r\u2028\u2029\x1b\ud800-\udfff\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]")


def _class(chars: str) -> str:
    return "".join("\\" + ch if ch in "\\]^-[" else ch for ch in chars)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], Any]:
    from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

    # the categories are written as class bodies (with ranges such as "\x80-\x9f"): kept as they are
    body = "".join(MOJIBAKE_CATEGORIES[name] for name in TRIGGER_CATEGORIES) + _class(TRIGGER_CHARS)
    return re.compile(f"[{body}]"), BADNESS_RE.search


def is_bad(segment: str) -> bool:
    """``ftfy.badness.is_bad(segment)``, searching only around the characters a match must hold."""
    triggers, search = _patterns()
    start: int | None = None  # the window being grown: [start, end)
    end = 0
    for match in triggers.finditer(segment):
        at = match.start()
        if start is None or at - BADNESS_REACH > end:  # a new window: the one before is searched first
            if start is not None and search(segment, start, end) is not None:
                return True
            start = max(0, at - BADNESS_REACH)
        end = at + BADNESS_REACH + 1
    return start is not None and search(segment, start, end) is not None


def ftfy_leaves(segment: str) -> bool:
    """Whether ftfy (as ``masthead.clean.normalize_text`` configures it) returns ``segment`` unchanged; when
    False it may or may not change it."""
    return (_OTHER_FIXES.search(segment) is None and unicodedata.is_normalized("NFC", segment)
            and not is_bad(segment))


def ftfy_outcome(segment: str) -> str | None:
    """What ftfy returns for ``segment`` when only its normalisation can change it (the segment as it is, or its
    NFC form: ftfy's second pass then changes nothing), None when ftfy itself must tell."""
    if _OTHER_FIXES.search(segment) is not None or is_bad(segment):
        return None
    if unicodedata.is_normalized("NFC", segment):
        return segment
    composed = unicodedata.normalize("NFC", segment)
    return composed if ftfy_leaves(composed) else None
