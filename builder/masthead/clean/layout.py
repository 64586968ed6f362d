"""Position: find the article inside a page's lines, and label every other line with a rule.

Furniture clusters before the headline and after the last body paragraph, so the head and
the tail are trimmed as runs; inside the body only ``anywhere`` rules remove a line.

- Head: lines before the first body line. Edge rules label furniture; of what is left, the
  first headline-like line is the headline (short lines before it are section labels or
  breadcrumbs), bullets or one sentence right after it are the dek, and short title-like
  lines between the dek and the body are fragments (video titles, image alt text).
- Tail: from the end backwards, lines that match a rule or are fragments (``X``, ``By
  Taboola``) go until a prose line. An end marker in the second half (sign-off, syndication
  or print-edition note, author bio) ends the article: the few prose lines between it and
  trailing furniture are an advertisement, not the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from masthead.clean.headline import contains_text, same_text
from masthead.clean.prose import has_unspaced, word_units
from masthead.clean.rules import AFTER_ANYWHERE, ANYWHERE, END, RULE_BY_ID, match_rule

_WORD = re.compile(r"[^\W_][\w'’.-]*")
# Sentence ends include the ideographic full stop and full-width marks, closed by CJK quotes and brackets too.
_TERMINAL = re.compile(r"[.!?…。！？][\"”’')\]」』）]*$")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]?\s{1,5}[A-Z“\"‘]|[。！？][」』）]?\s{0,3}(?=\S)")
_DATELINE = re.compile(r"^[A-Z]{2,}[A-Za-z.,'’ ]{0,40}(?:\([^)\n]{1,20}\))?\s?[—–-]{1,2}\s")
_BULLET = re.compile(r"^[•·▪*–-]\s")

MAX_AFTER_END_PROSE = 3  # prose lines an end marker may cut before trailing furniture
MAX_DEK_WORDS = 40
MAX_HEADLINE_WORDS = 30


@dataclass
class Line:
    text: str
    para: int
    rule: str | None = None


@dataclass
class Layout:
    lines: list[Line]
    headline: str | None = None
    dek: str | None = None


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    for para, block in enumerate(text.split("\n\n")):
        if "\n" not in block:  # most paragraphs are one line
            if block.strip():
                lines.append(Line(block, para))
        else:
            lines.extend(Line(line, para) for line in block.split("\n") if line.strip())
    return lines


def join_lines(lines: list[Line]) -> str:
    out: list[str] = []
    previous: int | None = None
    for line in lines:
        if previous is not None:
            out.append("\n" if line.para == previous else "\n\n")
        out.append(line.text)
        previous = line.para
    return "".join(out)


def words(text: str) -> int:
    """Words in the first 2000 characters; in scripts without spaces, characters at the script's word length."""
    if has_unspaced(text[:2000]):
        return int(word_units(text, 2000))
    return len(_WORD.findall(text[:2000]))


@lru_cache(maxsize=8)
def _at_least(count: int) -> re.Pattern[str]:
    """Matches where ``_WORD.findall`` finds at least ``count`` words: what ``findall`` skips between
    words (``[\\W_]``, which cannot start one) then a word, ``count`` times; possessive, so a word is
    never split to find more, and it stops at the ``count``-th word without building a list."""
    return re.compile(r"(?:[\W_]*+[^\W_][\w'’.-]*+)" + f"{{{count}}}")


def _words_at_least(text: str, count: int, prefix: int) -> int:
    """``words(text)``, or a number of at least ``count`` when the first ``prefix`` characters already
    hold that many words (a prefix never holds more words than the whole: long body lines stop early)."""
    if has_unspaced(text[:prefix]):
        return words(text)
    if _at_least(count).match(text, 0, prefix) is not None:
        return count
    return len(_WORD.findall(text[:prefix])) if len(text) <= prefix else words(text)


def is_fragment(text: str) -> bool:
    """Too short to be prose: a menu word, a button, a lone letter."""
    return not any(ch.isalpha() for ch in text) or (_words_at_least(text, 5, 100) <= 4 and not _TERMINAL.search(text))


def is_title_like(text: str) -> bool:
    long_words = [w for w in _WORD.findall(text[:400]) if len(w) >= 4 and w[0].isalpha()]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.7 * len(long_words)


def is_body(text: str) -> bool:
    count = _words_at_least(text, 25, 400)
    if count >= 25:
        return True
    return count >= 8 and _TERMINAL.search(text) is not None and not is_title_like(text)


def is_single_sentence(text: str) -> bool:
    return _SENTENCE_BREAK.search(text) is None and _TERMINAL.search(text) is not None


def label_anywhere(lines: list[Line]) -> None:
    for index, line in enumerate(lines):
        rule = match_rule(line.text, ANYWHERE)
        if rule is None:
            continue
        line.rule = rule.id
        # a caption is the line just above a credit line in the same paragraph
        if rule.kind == "photo-credit" and rule.id != "photo-credit-glued" and index > 0:
            above = lines[index - 1]
            if above.para == line.para and above.rule is None and not _BULLET.match(above.text):
                above.rule = "photo-caption"


def label_head(lines: list[Line], given_title: str | None, dek_in_body: bool = True) -> tuple[str | None, str | None, int]:
    """Label head furniture; return (headline, dek, index of the first body line).

    ``dek_in_body`` allows the first body-like line under the headline to be the dek: right for
    plain text, where nothing else marks a dek; off for HTML, whose extractor keeps deks apart."""
    head: list[int] = []
    body = len(lines)
    for index, line in enumerate(lines):
        if line.rule is not None:
            continue
        rule = match_rule(line.text, AFTER_ANYWHERE)  # label_anywhere has run: no anywhere rule matches
        if rule is not None:
            line.rule = rule.id
        elif is_body(line.text):
            body = index
            break
        else:
            head.append(index)
    if body == len(lines):
        return None, None, body  # no body at all: leave a short text alone
    headline_at = _find_headline(lines, head, given_title)
    if headline_at is None:
        return None, None, body
    headline = lines[headline_at].text
    for index in head:
        if index < headline_at:
            lines[index].rule = "breadcrumb" if lines[index].text.endswith(headline) else "section-label"
    lines[headline_at].rule = "headline"
    after = [i for i in head if i > headline_at]
    dek_lines = _find_dek(lines, after, body, dek_in_body)
    for index in dek_lines:
        lines[index].rule = "dek"
    if dek_lines and dek_lines[-1] == body:
        body = next((i for i in range(body + 1, len(lines)) if lines[i].rule is None), len(lines))
    for index in after:
        if lines[index].rule is None and words(lines[index].text) <= 15 and not _TERMINAL.search(lines[index].text):
            lines[index].rule = "head-fragment"
    dek = "\n".join(lines[i].text for i in dek_lines) or None
    return headline, dek, body


def _find_headline(lines: list[Line], head: list[int], given_title: str | None) -> int | None:
    if given_title:  # a known title: only a line that repeats it is the headline
        for index in head:
            if same_text(lines[index].text, given_title) or (
                    words(lines[index].text) >= 4 and contains_text(given_title, lines[index].text)):
                return index
        return None
    for index in head:
        text = lines[index].text
        if words(text) > MAX_HEADLINE_WORDS or text.endswith("."):
            return None
        if words(text) >= 4:
            return index
    candidates = [i for i in head if not lines[i].text.endswith(".")]
    return candidates[0] if len(candidates) == 1 and given_title is None else None


def _find_dek(lines: list[Line], after: list[int], body: int, dek_in_body: bool) -> list[int]:
    bullets = [i for i in after if _BULLET.match(lines[i].text)]
    if bullets:
        return bullets
    if after:
        first = lines[after[0]].text
        if is_single_sentence(first) and words(first) <= MAX_DEK_WORDS and not _DATELINE.match(first):
            return [after[0]]
        return []
    # nothing but furniture between headline and body: the first body-like line is a dek
    # when it is one sentence and more body follows (a dateline always starts the body)
    text = lines[body].text if body < len(lines) and dek_in_body else ""
    more = any(lines[i].rule is None for i in range(body + 1, len(lines)))
    if text and more and is_single_sentence(text) and words(text) <= MAX_DEK_WORDS and not _DATELINE.match(text):
        return [body]
    return []


def label_tail(lines: list[Line], body_start: int) -> None:
    _trim_tail(lines, len(lines) - 1, body_start)
    marker = next((i for i in range(max(body_start + 1, len(lines) // 2), len(lines)) if _is_end(lines[i])), None)
    if marker is None:
        return
    prose_after = [i for i in range(marker + 1, len(lines)) if lines[i].rule is None]
    if len(prose_after) > MAX_AFTER_END_PROSE:
        return
    if prose_after and all(lines[i].rule is None for i in range(prose_after[-1], len(lines))):
        return  # prose runs to the end: the marker was a body sentence
    for index in range(marker, len(lines)):
        if lines[index].rule is None:
            lines[index].rule = _end_rule(lines[index].text) or "after-article-end"
    _trim_tail(lines, marker - 1, body_start)


def _is_end(line: Line) -> bool:
    if line.rule is None:
        return _end_rule(line.text) is not None
    rule = RULE_BY_ID.get(line.rule)
    return rule is not None and rule.where == END


def _end_rule(text: str) -> str | None:
    rule = match_rule(text, END)
    return rule.id if rule is not None else None


def _trim_tail(lines: list[Line], start: int, body_start: int) -> int:
    """Label furniture and fragments from ``start`` backwards; return the last body line."""
    index = start
    while index > body_start:
        line = lines[index]
        if line.rule is None:
            rule = match_rule(line.text, AFTER_ANYWHERE)  # label_anywhere has run
            if rule is not None:
                line.rule = rule.id
            elif is_fragment(line.text) and not _glued_to_prose(lines, index):
                line.rule = "tail-fragment"
            else:
                return index
        index -= 1
    return index


def _glued_to_prose(lines: list[Line], index: int) -> bool:
    """A short line with no blank line between it and the prose above ends that paragraph."""
    above = lines[index - 1] if index > 0 else None
    return (above is not None and above.para == lines[index].para and above.rule is None
            and match_rule(above.text, AFTER_ANYWHERE) is None and not is_fragment(above.text))


def lay_out(text: str, given_title: str | None, dek_in_body: bool = True) -> Layout:
    lines = split_lines(text)
    label_anywhere(lines)
    headline, dek, body_start = label_head(lines, given_title, dek_in_body)
    label_tail(lines, min(body_start, len(lines) - 1))
    return Layout(lines, headline, dek)
