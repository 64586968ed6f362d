"""What a document's own text says about who wrote and published it.

Credit lines ("This article was written by A and B from The Washington Post", "A reported from
Moscow, and B from New York.", "C contributed reporting.", "With assistance by D"), bylines at
the top ("By A and B"), author bios at the end ("Emily Tamkin is the U.S. editor of …"),
house sign-offs ("Before it's here, it's on the Bloomberg Terminal.", "… of the New York
edition with the headline: …", "More from Foreign Policy") and dated lines near the top
("Published July 14, 2018"). Outlet names found here count only when the registry knows them.
Lines are cut to ``MAX_LINE`` characters and only the head and tail of a text are scanned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from masthead.clean.rules import fold

MAX_LINE = 400
HEAD_LINES = 12
TAIL_LINES = 25

_NAME = r"[A-Z][\w'’.\-]{0,30}(?:\s{1,2}(?:[A-Z][\w'’.\-]{0,30}|de|la|del|van|von|der|da|di|le|bin|al)){1,4}"
_NAMES = _NAME + r"(?:(?:,\s{1,2}|\s{1,2}and\s{1,2}|,\s{1,2}and\s{1,2})" + _NAME + r"){0,6}"

WRITTEN_BY = re.compile(
    r"^This (?:article|story|piece|report) (?:was|is) (?:written|reported) by (?P<names>" + _NAMES + r")"
    r"(?:,? (?:from|of|for) (?P<outlet>(?:[Tt]he )?[A-Z][\w&'’.\- ]{1,60}?))?(?: and | was |,|\.|$)"
)
REPORTED_FROM = re.compile(
    r"^(?P<first>" + _NAMES + r") reported from [^,.;]{1,60}(?P<rest>(?:,? and (?:" + _NAME + r") from [^,.;]{1,60})*)\.?"
)
REST_FROM = re.compile(r"and (" + _NAME + r") from ")
CONTRIBUTED = re.compile(r"(?:^|\.\s{1,3})(?P<names>" + _NAMES + r") contributed (?:additional )?reporting\b")
ASSISTANCE = re.compile(
    r"^[—–-]?\s{0,2}(?:With|Additional) (?:assistance|reporting|contributions?) (?:by|from) (?P<names>.{3,300}?)\.?$",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:By|BY|Written by|Words by|Von|Par|Por)\s{1,3}(?P<names>.{3,200})$")
BIO = re.compile(
    r"^(?P<name>" + _NAME + r") (?:is|was|has been) (?:a|an|the)\s{1,2}(?:[\w.\-']{1,30}\s{1,2}){0,5}?"
    r"(?:editor|writer|reporter|correspondent|columnist|journalist|contributor|critic|producer|bureau chief)\b"
)
COVERS = re.compile(r"^(?P<name>" + _NAME + r") (?:covers|writes about|reports on) [^.]{3,120} for (?P<outlet>[A-Z][^.]{1,60})\.")
MORE_FROM = re.compile(r"^More from (?P<outlet>(?:[Tt]he )?[A-Z][\w&'’.\- ]{1,60}?)\s{0,3}$")
COPYRIGHT = re.compile(r"^(?:©|\(c\)|Copyright)\s{0,3}(?:©\s{0,2})?(?:\d{4}\s{0,2}[-–]?\s{0,2}){0,2}(?P<outlet>[A-Z][\w&'’.\- ]{1,60}?)"
                       r"(?:[.,]? All rights reserved\.?|\.)?$", re.IGNORECASE)
DATED = re.compile(r"^(?:Published|Posted|First published)(?:\s{1,3}on)?:?\s{1,3}(?P<date>.{6,80})$", re.IGNORECASE)

# Sign-offs that only one house writes.
HOUSE_SIGNATURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"it'?s on the Bloomberg Terminal", re.IGNORECASE), "Bloomberg"),
    (re.compile(r"appears in print on .{0,80}of the New York edition with the headline"), "The New York Times"),
    (re.compile(r"^\(Reporting by .{3,200}(?:Editing|Writing) by .{3,200}\)$"), "Reuters"),
    (re.compile(r"^Copyright \d{4} The Associated Press\. All rights reserved\."), "Associated Press"),
)
# Cheap tests that a house signature cannot match, so its pattern runs only when it might: a literal
# it holds (case-folded for Bloomberg's IGNORECASE pattern, see masthead.clean.rules.fold) or the
# literal its anchored pattern starts with.
_HOUSE_GATES: tuple[Callable[[str], bool], ...] = (
    lambda line: "bloomberg terminal" in fold(line),
    lambda line: "appears in print on " in line,
    lambda line: line.startswith("(Reporting by "),
    lambda line: line.startswith("Copyright "),
)
_HOUSE = tuple((pattern, outlet, gate) for (pattern, outlet), gate in zip(HOUSE_SIGNATURES, _HOUSE_GATES, strict=True))
# How a cut line (words split by single spaces) must start for ``_NAME`` there to be followed by the
# space or comma every name-led pattern needs next: a capital word of at most 31 characters, then a
# capital, or a particle that is a whole word.
_NAME_START = re.compile(r"[A-Z]\S{0,30} (?:[A-Z]|(?:de|la|del|van|von|der|da|di|le|bin|al)[ ,])")


@dataclass(frozen=True)
class Signatures:
    """Candidates found in the text, each a raw string for the normalisers to clean."""

    bylines: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


def _cut(line: str) -> str:
    return " ".join(line[: MAX_LINE * 2].split())[:MAX_LINE]


def _head_and_tail(text: str) -> tuple[list[str], list[str]]:
    """The first ``HEAD_LINES`` non-blank lines and the last ``TAIL_LINES`` after them (uncut)."""
    raw = text.split("\n")
    head: list[int] = []
    for index, line in enumerate(raw):
        if line.strip():
            head.append(index)
            if len(head) == HEAD_LINES:
                break
    start = head[-1] + 1 if len(head) == HEAD_LINES else len(raw)
    tail: list[int] = []
    for index in range(len(raw) - 1, start - 1, -1):
        if raw[index].strip():
            tail.append(index)
            if len(tail) == TAIL_LINES:
                break
    return [raw[i] for i in head], [raw[i] for i in reversed(tail)]


# How a line must start for any anchored pattern here to match it once cut: a house or credit opening
# ("(Reporting by", "Copyright", "This", "More from", "By", "With", "Published"…, case-insensitive
# where the pattern is) or a name of two words (``_NAME``: a capital word of at most 31 characters,
# then a capital or a whole-word particle, see ``_NAME_START``). Cutting turns runs of whitespace into
# one space, so ``\s+`` here.
_START_GATE = re.compile(
    r"\s*(?:[©(cC—–-]|This|More|By|BY|Written|Words|Von|Par|Por|(?i:with|additional|published|posted|first)"
    r"|[A-Z]\S{0,30}\s+(?:[A-Z]|(?:de|la|del|van|von|der|da|di|le|bin|al)[\s,]))"
)


def _may_hold_signature(line: str) -> bool:
    """False when no pattern here can match ``_cut(line)``: the anchored ones need ``_START_GATE``,
    the others a literal without spaces ("contributed", "appears", "Bloomberg")."""
    return _START_GATE.match(line) is not None or _holds_literal(line[: MAX_LINE * 2])


def _holds_literal(text: str) -> bool:
    """Whether ``text`` holds a literal the unanchored patterns need. Looked up once in a whole text, it
    answers for all its lines: a line's literal is the text's (``fold`` maps character by character)."""
    return "contributed" in text or "appears" in text or "bloomberg" in fold(text)


def _gated(lines: list[str], literal: bool) -> list[str]:
    """The lines that pass ``_may_hold_signature``, ``literal`` being ``_holds_literal`` of their text."""
    if literal:
        return [line for line in lines if _may_hold_signature(line)]
    return [line for line in lines if _START_GATE.match(line) is not None]


def _credit(line: str, bylines: list[str], contributors: list[str], outlets: list[str]) -> None:
    """Credits in one cut line. Patterns that would scan the whole line, or need a fixed start, run
    only when the line has what they need (most lines are prose)."""
    for pattern, outlet, gate in _HOUSE:
        if gate(line) and pattern.search(line):
            outlets.append(outlet)
    match = WRITTEN_BY.match(line) if line.startswith("This ") else None
    if match is not None:
        bylines.append(match["names"])
        if match["outlet"]:
            outlets.append(match["outlet"])
    named = _NAME_START.match(line) is not None
    match = REPORTED_FROM.match(line) if named else None
    if match is not None:
        bylines.append(", ".join([match["first"], *REST_FROM.findall(match["rest"] or "")]))
    if " contributed " in line:
        for found in CONTRIBUTED.finditer(line):
            contributors.append(found["names"])
    match = ASSISTANCE.match(line)
    if match is not None:
        contributors.append(match["names"])
    match = (BIO.match(line) or COVERS.match(line)) if named else None
    if match is not None:
        bylines.append(match["name"])
    match = MORE_FROM.match(line) if line.startswith("More from ") else None
    if match is None and line[:1] in "©(cC":
        match = COPYRIGHT.match(line)
    if match is not None:
        outlets.append(match["outlet"])


def find_signatures(texts: Iterable[str], removed_lines: Iterable[str] = ()) -> Signatures:
    """Scan the head and tail of each text, and every line the cleaner removed."""
    bylines: list[str] = []
    contributors: list[str] = []
    outlets: list[str] = []
    dates: list[str] = []
    seen: set[str] = set()
    candidates: list[tuple[str, bool]] = []
    for text in texts:
        head, tail = _head_and_tail(text)
        literal = _holds_literal(text)
        candidates.extend((_cut(line), True) for line in _gated(head, literal))
        candidates.extend((_cut(line), False) for line in _gated(tail, literal))
    candidates.extend((_cut(line), True) for text in removed_lines for line in text.split("\n")
                      if line.strip() and _may_hold_signature(line))
    for line, near_top in candidates:
        if line in seen:
            continue
        seen.add(line)
        if near_top:
            match = BYLINE.match(line)
            if match is not None:
                bylines.append(match["names"])
            dated = DATED.match(line)
            if dated is not None:
                dates.append(dated["date"])
        _credit(line, bylines, contributors, outlets)
    return Signatures(tuple(bylines), tuple(contributors), tuple(outlets), tuple(dates))
