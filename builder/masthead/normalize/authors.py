"""Bylines into people, contributors and agencies, with names in their right case.

``parse_byline`` strips prefixes (By, Von, Par, Por, Di, Av, Door…), splits on separators and on
"and" in the devset's languages (:mod:`masthead.normalize.byline_words`), drops e-mail addresses,
@handles, URLs, web domains, user accounts ("admin") and job titles, repairs the case of all-caps
or all-lower names (MacFarquhar, McDonald, O'Brien, hyphens, particles such as "de la Cruz"),
de-duplicates, and sorts wire agencies and desks ("Staff", "AP", "Redaktion") away from people.
Names in CJK scripts are people when they look like a name and not like an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from masthead.clean.rules import fold
from masthead.normalize.byline_words import (
    ACCOUNT_WORDS,
    ACRONYM,
    DOMAIN,
    FOREIGN_ROLE_NOUNS,
    PREFIX,
    SPLIT,
    desk_token,
    is_cjk_name,
    without_cjk_role,
)

MAX_BYLINE = 1000
MAX_NAME = 100

_EMAIL = re.compile(r"\S{1,64}@\S{1,255}\.[a-z]{2,24}\b", re.IGNORECASE)
_URL = re.compile(r"\bhttps?://[^\s()\[\]]{0,2000}|\bwww\.[^\s()\[\]]{1,2000}", re.IGNORECASE)  # not a bracket around it
_HANDLE = re.compile(r"(?<!\w)@\w{1,50}")
# "Euronews with Agencies", "AFP und Agenturen": wires credited without a name beside a named credit; the
# named credit is what the byline says (the unnamed wires name no one).
_UNNAMED_WIRES = re.compile(
    r"\s{1,3}(?:with|and|&|\+|mit|und|avec|et|con|y)\s{1,3}(?:agencies|wires|agenturen|agences|agencias|agenzie)\s{0,3}$",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"[(\[]([^()\[\]]{0,100})[)\]]")
_PREFIX = PREFIX
_CONTRIB = re.compile(
    r"[,;.]?\s{0,3}\b(?:with\s{1,3})?(?:additional\s{1,3}reporting|assistance|contributions?|reporting)\s{1,3}"
    r"(?:by|from)\s{1,3}(.{1,500})$",
    re.IGNORECASE,
)
_SPLIT = SPLIT
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


ROLE_NOUNS = _set("""
editor editors writer writers reporter reporters correspondent correspondents columnist columnists
contributor contributors journalist journalists producer producers photographer photographers critic
analyst anchor host presenter intern fellow blogger author chief head director researcher
""") | FOREIGN_ROLE_NOUNS
ROLE_WORDS = ROLE_NOUNS | _set("""
senior chief deputy associate assistant contributing special staff political foreign national white
house washington us uk eu europe european business sports science health technology tech global
economics economic investigative investigations digital news managing executive breaking weather
opinion culture entertainment features food travel lifestyle world local city metro legal court
education climate environment markets market finance financial money data visual video audio
correspondent's bureau at large of the for and editor-at-large editor-in-chief
""") | FOREIGN_ROLE_NOUNS
PARTICLES = _set("""
de del della der den di da das dos du la le van von ter ten bin ibn al el y zu
""")
# "Mac" is a capitalised prefix only in these names; elsewhere (Machado, Mack) it is not.
MAC_NAMES = _set("""
macarthur macaulay macbride macdonald macdougall macfarlane macfarquhar macgregor macinnes macintosh
macintyre mackay mackenzie mackinnon maclean macleod macmillan macnamara macneil macpherson macrae
macaskill macdonell maclachlan maclennan macnab macquarie mackintosh macneill
""")
SUFFIXES = _set("""
jr jr. sr sr. ii iii iv phd md
""")


@dataclass(frozen=True)
class Byline:
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    dropped: tuple[str, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.authors or self.agencies)


def _cap_word(word: str) -> str:
    """One name word in proper case: o'brien → O'Brien, mcdonald → McDonald, thomson-deveaux → Thomson-Deveaux."""
    if "-" in word:
        return "-".join(_cap_word(part) for part in word.split("-"))
    lower = word.lower()
    if not lower:
        return word
    if lower in SUFFIXES:
        return lower.upper() if lower.rstrip(".") in ("ii", "iii", "iv", "phd", "md") else lower.capitalize()
    if len(lower) > 2 and lower[1] in "'’" and lower[0] in "od":
        return lower[0].upper() + lower[1] + lower[2:].capitalize()
    if lower.startswith("mc") and len(lower) > 3:
        return "Mc" + lower[2:].capitalize()
    if lower in MAC_NAMES:
        return "Mac" + lower[3:].capitalize()
    if re.fullmatch(r"(?:[a-z]\.){1,3}", lower):  # initials "j.k."
        return lower.upper()
    return lower[:1].upper() + lower[1:]


def repair_case(name: str) -> str:
    """Proper case for names written in all capitals or all lower case; others are kept as written."""
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or not (all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)):
        return name
    if len(letters) <= 3 and all(ch.isupper() for ch in letters):  # "AP", "AFP"
        return name
    words = name.split()
    out = []
    for index, word in enumerate(words):
        if index > 0 and word.lower() in PARTICLES and index < len(words) - 1:
            out.append(word.lower())
        else:
            out.append(_cap_word(word))
    return " ".join(out)


def _clean(part: str) -> str:
    part = _INVISIBLE.sub("", part)
    part = part.strip(" \t\"'“”‘’«»·•*:;,-–—|")
    words = part.split()
    if words and words[-1].endswith(".") and len(words[-1].strip(".")) > 3:  # keep "Jr.", "J."
        words[-1] = words[-1].rstrip(".")
    return " ".join(words).lstrip(".").strip()


def _tokens(part: str) -> list[str]:
    return [t.strip(",").replace(".", "").lower() for t in part.split()]


def is_title(part: str) -> bool:
    """A job title without a name: "Staff Writer", "U.S. Editor", "Senior Correspondent"."""
    tokens = _tokens(part)
    return bool(tokens) and all(t in ROLE_WORDS for t in tokens) and any(t in ROLE_NOUNS for t in tokens)


def is_desk(part: str) -> bool:
    """A desk or wire credit rather than a person: "Staff", "Guardian staff reporter", "Gear Team",
    "Redaktion", "MM-Redaktion", "la rédaction"."""
    return any(desk_token(t) for t in _tokens(part))


def is_account(part: str) -> bool:
    """A site's user account rather than a person: "admin", "Site Administrator", "Gastautor"."""
    return any(t in ACCOUNT_WORDS for t in _tokens(part))


def strip_title(part: str) -> str:
    """"Jane Doe Staff Writer" → "Jane Doe" (a trailing title after a name)."""
    words = part.split()
    end = len(words)
    while end > 0 and words[end - 1].strip(",").replace(".", "").lower() in ROLE_WORDS:
        end -= 1
    tail = [w.strip(",").replace(".", "").lower() for w in words[end:]]
    if end >= 2 and tail and any(t in ROLE_NOUNS for t in tail):
        return " ".join(words[:end])
    return part


def looks_like_name(part: str) -> bool:
    """Two to six words, letters, no digits, not a sentence; or a name in CJK script (``is_cjk_name``)."""
    if is_cjk_name(part):
        return True
    words = part.split()
    if not 2 <= len(words) <= 6 or len(part) > MAX_NAME:
        return False
    if any(ch.isdigit() for ch in part) or not _LETTER.search(part) or ":" in part:
        return False  # digits, no letter, or a label ("Bron: BELGA", "Source: Reuters")
    if any(not (w[:1].isupper() or w.lower() in PARTICLES or not w[:1].isalpha()) for w in words):
        return False
    return all(_LETTER.search(w) or w in ("-",) for w in words)


AgencyTest = Callable[[str], bool]


def _no_agency(name: str) -> bool:
    return False


def parse_byline(value: str | Iterable[str], is_agency: AgencyTest = _no_agency,
                 is_outlet: AgencyTest = _no_agency,
                 classify: Callable[[str], tuple[str, str] | None] | None = None) -> Byline:
    """Split and clean one byline (a string or a list of names). ``classify``: ``classify_piece`` with
    these two tests, when the caller keeps one (cached)."""
    parts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    authors: list[str] = []
    contributors: list[str] = []
    agencies: list[str] = []
    dropped: list[str] = []
    for raw in parts[:100]:
        # each whole-byline pattern runs only when the byline holds a literal it needs
        text = raw[:MAX_BYLINE]
        if "@" in text:
            text = _EMAIL.sub(" ", text)
        if "://" in text or "www." in text.lower():
            text = _URL.sub(" ", text)
        if "@" in text:
            text = _HANDLE.sub(" ", text)
        folded = fold(text)
        contrib = (_CONTRIB.search(text) if "reporting" in folded or "assistance" in folded or "contribution" in folded
                   else None)
        if contrib is not None:
            contributors.extend(_people(contrib[1], dropped))
            text = text[: contrib.start()]
        text = _UNNAMED_WIRES.sub("", text) if "agen" in folded or "wire" in folded else text
        if "(" in text or "[" in text:
            # "(AP)", "[Reuters]" inside a byline name an agency
            for inner in _BRACKETS.findall(text):
                if is_agency(inner.strip()):
                    agencies.append(_clean(inner))
            text = _BRACKETS.sub(" ", text)
        for piece in _SPLIT.split(text):
            found = classify(piece) if classify is not None else classify_piece(piece, is_agency, is_outlet)
            if found is not None:
                (authors if found[0] == AUTHOR else agencies if found[0] == AGENCY else dropped).append(found[1])
    return Byline(_unique(authors), _unique(c for c in contributors if c not in authors), _unique(agencies),
                  tuple(dropped))


AUTHOR, AGENCY, DROPPED = "author", "agency", "dropped"
OUTLET_TEST = "outlet-test"


class Verdict(NamedTuple):
    """What a byline piece is, as far as it does not depend on the outlet: ``kind`` AUTHOR, AGENCY or
    DROPPED with ``value``; or OUTLET_TEST: (AGENCY, ``value``) when ``name`` names an outlet, else ``otherwise``."""

    kind: str
    value: str
    name: str = ""
    otherwise: tuple[str, str] | None = None


def piece_verdict(piece: str, is_agency: AgencyTest = _no_agency) -> Verdict | None:
    """``classify_piece`` up to the outlet test (None: nothing there). A function of the piece and
    ``is_agency`` only, so a caller may cache it by piece whatever the outlet."""
    piece = _PREFIX.sub("", _clean(piece))
    piece = _clean(without_cjk_role(piece))
    if not piece or not _LETTER.search(piece):
        return Verdict(DROPPED, piece) if piece else None
    name = repair_case(strip_title(piece))
    if is_agency(piece):  # an agency's own lower case ("dpa") is kept; capitals are repaired ("REUTERS")
        return Verdict(AGENCY, piece if piece.islower() else repair_case(piece))
    if is_account(piece) or is_title(piece):
        return Verdict(DROPPED, piece)
    if name != repair_case(piece) and looks_like_name(name):  # "Jane Doe Staff Writer"
        return Verdict(AUTHOR, name)
    if ACRONYM.match(piece):  # "SID", "APA": kept as written
        return Verdict(AGENCY, piece)
    if is_desk(piece):
        return Verdict(AGENCY, repair_case(piece))
    if "." in piece and DOMAIN.search(piece):  # "mdr.de": the site itself, or some other site; never a person
        return Verdict(OUTLET_TEST, repair_case(piece), piece, (DROPPED, piece))
    otherwise = (AUTHOR, name) if looks_like_name(name) else (DROPPED, piece)
    return Verdict(OUTLET_TEST, repair_case(piece), piece, otherwise)


def decide(verdict: Verdict | None, names_outlet: bool) -> tuple[str, str] | None:
    """The piece's answer, given whether it names the outlet (consulted for OUTLET_TEST only)."""
    if verdict is None:
        return None
    if verdict.kind != OUTLET_TEST:
        return verdict.kind, verdict.value
    return (AGENCY, verdict.value) if names_outlet else verdict.otherwise


def classify_piece(piece: str, is_agency: AgencyTest = _no_agency,
                   is_outlet: AgencyTest = _no_agency) -> tuple[str, str] | None:
    """One piece of a split byline: (AUTHOR, name), (AGENCY, name), (DROPPED, text) or None (nothing)."""
    verdict = piece_verdict(piece, is_agency)
    return decide(verdict, verdict is not None and verdict.kind == OUTLET_TEST and is_outlet(verdict.name))


def _people(text: str, dropped: list[str]) -> list[str]:
    out = []
    for piece in _SPLIT.split(text):
        name = repair_case(strip_title(_clean(_PREFIX.sub("", _clean(piece)))))
        if looks_like_name(name) and not is_account(name):
            out.append(name)
        elif name:
            dropped.append(name)
    return out


def name_key(name: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold()).split())


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name_key(name), name)
    return tuple(seen.values())
