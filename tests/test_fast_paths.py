"""Fast paths give what the plain definitions give: each faster algorithm against the one it replaced.

The reference implementations below are the code as it was before the fast path (kept here, not in the
package): random and edge-case strings (ASCII and not, every ASCII whitespace, runs of blank lines,
separators, digits, casefolding oddities) must give the same values, byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from masthead.clean.repeated_lines import _ASCII_KEY, packed_hashes, paragraph_hashes
from masthead.duplicates.minhash import signature, word_hashes
from masthead.normalize.signatures import _head_and_tail, _may_hold_signature, find_signatures
from masthead.pipeline.words import word_count

# Characters that exercise the edges: every ASCII whitespace (str.split's and bytes.split's differ), the
# letters Python's re and str.lower fold specially, punctuation, digits, quotes and accents.
EDGE_CHARS = (
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000"
    "aAzZ09_-.'’,;:!?()/|@©"
    "ıİſKßÉéΣς\u0307"
    "\0"
)
EDGE_TEXT = st.text(alphabet=st.sampled_from(EDGE_CHARS) | st.characters(codec="utf-8"), max_size=300)
ASCII_TEXT = st.text(alphabet=st.characters(max_codepoint=127), max_size=600)
PROSE = st.lists(
    st.sampled_from(["Moscow", "said", "the", "2018", "U.S.", "talks", "Credit", "—", "\n", "\n\n", "\n\n\n", "  ",
                     "Bloomberg", "contributed", "reporting.", "By", "Jane Doe", "appears", "This", "article"]),
    max_size=80,
).map(" ".join)
ANY_TEXT = EDGE_TEXT | ASCII_TEXT | PROSE


# -- reference implementations (before the fast paths) ------------------------------------------------


def reference_word_count(text: str) -> int:
    return len(text.split())


_DIGIT = re.compile(r"\d")
_NOT_WORD = re.compile(r"[\W_]+")


def _reference_key(paragraph: str) -> bytes:
    if paragraph.isascii():
        return b" ".join(paragraph.encode("ascii").translate(_ASCII_KEY).split())
    text = unicodedata.normalize("NFKC", paragraph).casefold()
    return _NOT_WORD.sub(" ", _DIGIT.sub("0", text)).strip().encode("utf-8")


def reference_paragraph_hashes(text: str) -> list[str]:
    out = []
    for paragraph in text.split("\n\n"):
        key = _reference_key(paragraph)
        long_enough = len(key) >= 10 and (key.isascii() or len(key.decode("utf-8")) >= 10)
        out.append(hashlib.sha1(key).hexdigest()[:16] if long_enough else "")
    return out


def reference_packed_hashes(text: str) -> bytes:
    return np.array([int(h, 16) if h else 0 for h in reference_paragraph_hashes(text)], dtype="<u8").tobytes()


# -- tables of edge cases --------------------------------------------------------------------------------

CASES = [
    "", " ", "\n", "\n\n", "\n\n\n", "a", "a b", " a ", "a\n\nb", "a\n\n\nb", "x\x1cy", "x\x1fy\x0bz",
    "word\tword\rword\x0cword", "Hello, World! 2024\nnext line here\n\nÜber alles 12345 ok",
    "  lots   of  spaces here ok  \n\n\n\n  and  more  ", "İstanbul ıı ſs K", "a" * 300, "ab " * 120,
    "Subscribe to our newsletter\n\nSUBSCRIBE to our newsletter!\n\nsubscribe  to our NEWSLETTER...",
    "é" * 20 + "\n\n" + "0123456789" + "\n\n" + "a_b_c_d_e_f_g",
    "First paragraph of some length.\nSecond line of it.\n\nAnother paragraph, 42 words long.",
]


@pytest.mark.parametrize("text", CASES)
def test_table_word_count(text: str) -> None:
    assert word_count(text) == reference_word_count(text)
    long = (text + " ") * 40  # past the length where the numpy count takes over
    assert word_count(long) == reference_word_count(long)


def test_word_count_every_ascii_character() -> None:
    for code in range(128):
        text = f"ab{chr(code)}cd " * 60
        assert word_count(text) == reference_word_count(text), code
        text = chr(code) * 300
        assert word_count(text) == reference_word_count(text), code


@pytest.mark.parametrize("text", CASES)
def test_table_paragraph_hashes(text: str) -> None:
    assert paragraph_hashes(text) == reference_paragraph_hashes(text)
    assert packed_hashes(text) == reference_packed_hashes(text)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_word_count_matches_split(text: str) -> None:
    assert word_count(text) == reference_word_count(text)
    assert word_count(text * 20) == reference_word_count(text * 20)


LINE_TEXT = st.text(alphabet="aZ1 .,\n\t\x0b\x1c-'", max_size=200)  # dense in newlines, spaces, separators


@settings(max_examples=600, deadline=None)
@given(ANY_TEXT | LINE_TEXT)
def test_paragraph_hashes_match_reference(text: str) -> None:
    assert paragraph_hashes(text) == reference_paragraph_hashes(text)
    assert packed_hashes(text) == reference_packed_hashes(text)


# -- credit lines: the whole-text literal gate ---------------------------------------------------------


def reference_find_signatures(text: str, removed: list[str]) -> tuple[tuple[str, ...], ...]:
    """find_signatures with every line gated on its own (``_may_hold_signature``)."""
    from masthead.normalize import signatures as sig

    head, tail = _head_and_tail(text)
    candidates = [(sig._cut(line), True) for line in head if _may_hold_signature(line)]
    candidates += [(sig._cut(line), False) for line in tail if _may_hold_signature(line)]
    candidates += [(sig._cut(line), True) for r in removed for line in r.split("\n") if line.strip() and _may_hold_signature(line)]
    bylines: list[str] = []
    contributors: list[str] = []
    outlets: list[str] = []
    dates: list[str] = []
    seen: set[str] = set()
    for line, near_top in candidates:
        if line in seen:
            continue
        seen.add(line)
        if near_top:
            if (match := sig.BYLINE.match(line)) is not None:
                bylines.append(match["names"])
            if (dated := sig.DATED.match(line)) is not None:
                dates.append(dated["date"])
        sig._credit(line, bylines, contributors, outlets)
    return tuple(bylines), tuple(contributors), tuple(outlets), tuple(dates)


SIGNATURE_LINES = [
    "This article was written by Jane Doe and John Roe from The Washington Post.",
    "Jane Doe reported from Moscow, and John Roe from New York.",
    "Ann Lee contributed reporting.", "Before it's here, it's on the BLOOMBERG Terminal.",
    "A version of this article appears in print on July 17, 2018, of the New York edition with the headline: X",
    "By Jane Doe", "Published July 14, 2018", "Copyright 2018 The Associated Press. All rights reserved.",
    "More from Foreign Policy", "plain prose without any credit in it at all.",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SIGNATURE_LINES) | PROSE | EDGE_TEXT, max_size=40), st.lists(PROSE, max_size=3))
def test_find_signatures_matches_line_by_line_gate(lines: list[str], removed: list[str]) -> None:
    text = "\n".join(lines)
    found = find_signatures([text], removed)
    assert (found.bylines, found.contributors, found.outlets, found.dates) == reference_find_signatures(text, removed)


# -- MinHash -------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_word_hashes_of_words(text: str) -> None:
    """word_hashes hashes exactly the ``[^\\W_]+`` words of the casefolded text (equal words, equal hashes)."""
    words = re.findall(r"[^\W_]+", text.casefold())
    hashes = word_hashes(text)
    assert len(hashes) == len(words)
    by_word: dict[str, int] = {}
    for word, value in zip(words, hashes.tolist(), strict=True):
        assert by_word.setdefault(word, value) == value
    assert signature(text) == (signature(" ".join(words)) if words else b"")


# -- layout: counting words only as far as needed, splitting lines --------------------------------------


def reference_words_at_least(text: str, count: int, prefix: int) -> int:
    from masthead.clean.prose import has_unspaced, word_units

    if has_unspaced(text[:prefix]):  # Chinese, Japanese, Thai…: words from characters (masthead.clean.prose)
        return int(word_units(text, 2000))
    word = re.compile(r"[^\W_][\w'’.-]*")
    found = len(word.findall(text[:prefix]))
    return found if found >= count or len(text) <= prefix else len(word.findall(text[:2000]))


WORDY = st.lists(st.sampled_from(["word", "U.S.", "it's", "Moscow’s", "-", "--", "_", "__x", "x_", "...", "a-b",
                                  "'", "’", "1,000", "é", "ß", " ", "  ", "\n", ".", "!"]), max_size=400).map("".join)


@settings(max_examples=500, deadline=None)
@given(WORDY | EDGE_TEXT, st.sampled_from([(5, 100), (25, 400), (8, 50), (1, 3)]))
def test_words_at_least_matches_findall(text: str, count_prefix: tuple[int, int]) -> None:
    from masthead.clean.layout import _words_at_least

    count, prefix = count_prefix
    reference = reference_words_at_least(text, count, prefix)
    fast = _words_at_least(text, count, prefix)
    assert (fast >= count) == (reference >= count)
    if reference < count:
        assert fast == reference


def reference_split_lines(text: str) -> list[tuple[str, int]]:
    return [(line, para) for para, block in enumerate(text.split("\n\n")) for line in block.split("\n") if line.strip()]


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_split_lines_matches_reference(text: str) -> None:
    from masthead.clean.layout import split_lines

    assert [(line.text, line.para) for line in split_lines(text)] == reference_split_lines(text)


# -- line rules: the needles only skip lines their pattern cannot match -------------------------------


def reference_match_rule(line: str, where: str) -> str | None:
    """``match_rule`` without any prefilter: each rule's length limit and patterns, in order."""
    from masthead.clean import rules

    for rule in rules._RULES_FOR[where]:
        if rule.max_len is not None and len(line) > rule.max_len:
            continue
        if rule.pattern.search(line) is not None and (rule.also is None or rule.also.search(line) is not None):
            return rule.id
    return None


RULE_FRAGMENTS = [
    "This article", "this story", "THIS REPORT", "This ", "was written by", "originally appeared", "first appeared",
    "was originally published", "was produced by", "was legally licensed through", "Legally Licensed", "article",
    "Privacy", "personal data", "cookies", "Credit", "Bloomberg Terminal", "it's on the bloomberg terminal", "@handle",
    "Twitter: @x", "Jane Doe", " is a reporter", "reported from", "contributed reporting", "With assistance by",
    " ", "  ", ".", "İ", "ı", "ſ", "Story", "REPORT", "in", "the", "news",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(RULE_FRAGMENTS), max_size=12).map("".join) | EDGE_TEXT,
       st.sampled_from(["edge", "anywhere", "end", "after-anywhere"]))
def test_match_rule_matches_unfiltered(line: str, where: str) -> None:
    from masthead.clean.rules import ANYWHERE, match_rule

    found = match_rule(line, where)
    if where == "after-anywhere" and reference_match_rule(line, ANYWHERE) is not None:
        return  # defined only for lines no anywhere rule matches
    assert (found.id if found else None) == reference_match_rule(line, where)


# -- bylines: pieces classified once per name (cached), as the whole byline did ------------------------


def reference_parse_byline(value: str, is_agency, is_outlet):  # type: ignore[no-untyped-def]
    """parse_byline's piece loop as it was written inline (before ``classify_piece``), with the later rules
    (accounts, acronyms, domains, CJK job words) in the same order."""
    from masthead.normalize import authors as A

    authors: list[str] = []
    agencies: list[str] = []
    dropped: list[str] = []
    text = value[: A.MAX_BYLINE]
    for piece in A._SPLIT.split(text):
        piece = A._PREFIX.sub("", A._clean(piece))
        piece = A._clean(A.without_cjk_role(piece))
        if not piece or not A._LETTER.search(piece):
            if piece:
                dropped.append(piece)
            continue
        name = A.repair_case(A.strip_title(piece))
        if is_agency(piece):
            agencies.append(piece if piece.islower() else A.repair_case(piece))
        elif A.is_account(piece) or A.is_title(piece):
            dropped.append(piece)
        elif name != A.repair_case(piece) and A.looks_like_name(name):
            authors.append(name)
        elif A.ACRONYM.match(piece):
            agencies.append(piece)
        elif A.is_desk(piece) or is_outlet(piece):
            agencies.append(A.repair_case(piece))
        elif "." in piece and A.DOMAIN.search(piece):
            dropped.append(piece)
        elif A.looks_like_name(name):
            authors.append(name)
        else:
            dropped.append(piece)
    return A._unique(authors), A._unique(agencies), tuple(dropped)


BYLINE_PIECES = ["By ", "Jane Doe", "JOHN ROE", "mary o'neil", "Staff Writer", "AP", "Reuters", "The Washington Post",
                 " and ", ", ", " & ", "; ", "Associated Press", "Washington Post Staff", "Dr. Ann Lee", "ed smith jr.",
                 "İlker Ağca", "1234", "—", " ", "Gear Team", "Moscow Bureau", "APA", "admin", "mdr.de", " und ",
                 "Redaktion", "배윤경 기자", "、", "dpa"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BYLINE_PIECES), min_size=1, max_size=8).map("".join),
       st.sampled_from([None, "washingtonpost", "janedoe"]))
def test_bylines_cached_by_piece_match_reference(value: str, outlet_key: str | None) -> None:
    from masthead.normalize.authors import parse_byline
    from masthead.normalize.outlets import load_registry
    from masthead.normalize.registry_bylines import byline_of
    from masthead.normalize.registry_bylines import is_outlet as registry_is_outlet

    registry = load_registry(None)

    def is_outlet(name: str) -> bool:
        return registry_is_outlet(registry, name, outlet_key)

    found = byline_of(registry, value, outlet_key)
    plain = parse_byline(value, registry.is_agency, is_outlet)
    assert found == plain
    if not any(literal in value.casefold() for literal in ("reporting", "assistance", "contribution", "(", "[", "@", "://", "www.")):
        assert (found.authors, found.agencies, found.dropped) == reference_parse_byline(value, registry.is_agency, is_outlet)


# -- JSON Lines: the lone-surrogate search skipped for all-ASCII records ------------------------------


JSON_STRINGS = st.lists(st.sampled_from(["a", "Z", " ", "é", "\ud800", "\udfff", "\ud83d\ude00", "\\", "u", "’"]),
                        max_size=6).map("".join)
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | JSON_STRINGS,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_STRINGS, inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(JSON_STRINGS, JSON_VALUES, min_size=1, max_size=5), st.booleans())
def test_jsonl_surrogate_check_matches_reference(record: dict[str, object], ensure_ascii: bool) -> None:
    import json

    from masthead.errors import Reject
    from masthead.readers.decode import Decoded, lone_surrogate
    from masthead.readers.jsonl import read_jsonl

    try:
        line = json.dumps(record, ensure_ascii=ensure_ascii)
        line.encode("utf-8")
    except UnicodeEncodeError:  # a raw lone surrogate cannot be in a decoded file
        return
    (item,) = list(read_jsonl(Decoded(line, "utf-8"), "x.jsonl"))
    value = json.loads(line)
    reference = lone_surrogate(value) if "\\u" in line else None
    if reference is None:
        assert not isinstance(item, Reject)
    else:
        assert isinstance(item, Reject) and item.field == reference


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT | LINE_TEXT)
def test_double_space_search_matches_substring_search(text: str) -> None:
    from masthead.clean.normalize_text import _has_double_space

    for sample in (text, text * 40, "x" * 1100 + text, text + "y" * 1100):
        assert _has_double_space(sample) == ("  " in sample)


def reference_control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:65536]
    return sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f") / len(sample)


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT | st.text(alphabet=st.characters(max_codepoint=40), max_size=200))
def test_control_share_matches_reference(text: str) -> None:
    from masthead.readers.decode import _control_share

    assert _control_share(text) == reference_control_share(text)


HEADLINE_PAGES = st.lists(st.sampled_from([
    "<a ", "<p class='x' ", "<span ", "<h2 ", "<div ", 'itemprop="headline"', "itemprop = 'headline' ",
    "itemprop=headlineX ", "ITEMPROP=Headline", "ıtemprop=headline", "İtemprop=headline", ">", "<", "x" * 600,
    " y ", "</a>", "</span>", "</h2>", "Title", "é", "’", "日本", "\U0001f600",
]), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(HEADLINE_PAGES | EDGE_TEXT)
@example("<a ıtemprop=headline>T</a>")
@example("<ſpan x='y' İTEMPROP = 'HEADLİNE'>T</span> <p itemprop=headline itemprop=headline>")
def test_headline_openings_match_finditer(page: str) -> None:
    import importlib

    page_meta = importlib.import_module("masthead.normalize.page_meta")
    expected = [(m.start(), m.end()) for m in page_meta._ITEMPROP_HEADLINE.finditer(page)]
    assert [(m.start(), m.end()) for m in page_meta._headline_openings(page)] == expected


MOJIBAKE = st.lists(st.sampled_from([
    "plain words ", "\n", "\t", "\r", "é", "Ã©", "â€™", "Ã ", "Â ", "\x85", "\u2028", "\x00", "\x1b[0m", "\x7f", "\ufeff",
    "’", "Ð¿Ñ€Ð¸", "\x0c", "\x0b", "ﬁ", "e\u0301", "\u206a", "Œ", "×²",
]), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(MOJIBAKE | EDGE_TEXT)
def test_repair_mojibake_matches_ftfy(text: str) -> None:
    import ftfy

    from masthead.clean.normalize_text import _SUSPECT_CHARS, _ftfy_config, repair_mojibake

    suspect = not text.isascii() and any(ch in text for ch in _SUSPECT_CHARS)
    assert repair_mojibake(text) == (ftfy.fix_text(text, _ftfy_config()) if suspect else text)


def _char_set(op: object, arg: object) -> set[int] | None:
    """The code points one item of a parsed pattern takes (LITERAL or a positive class), None for any other."""
    from re import _constants as c  # type: ignore[attr-defined]

    if op == c.LITERAL:
        return {arg}  # type: ignore[arg-type]
    if op != c.IN:
        return None
    chars: set[int] = set()
    for kind, value in arg:  # type: ignore[attr-defined]
        if kind == c.LITERAL:
            chars.add(value)
        elif kind == c.RANGE:
            chars.update(range(value[0], value[1] + 1))
        else:  # a negated class, a category (\s, \w): not a set of triggers
            return None
    return chars


def test_every_badness_match_holds_a_trigger_within_reach() -> None:
    """ftfy_idle's two facts on ftfy's own pattern: each branch of BADNESS_RE requires a character of the trigger
    class (one of its items takes only triggers), and no match is longer than BADNESS_REACH."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    from ftfy.badness import BADNESS_RE

    from masthead.clean.ftfy_idle import BADNESS_REACH, _patterns

    triggers = _patterns()[0]
    parsed = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    assert parsed.getwidth()[1] <= BADNESS_REACH
    (op, (_, branches)), = parsed.data
    assert op == c.BRANCH
    for branch in branches:
        for item_op, item_arg in branch.data:  # nothing that looks outside the match but ^ (the real start)
            assert item_op in (c.LITERAL, c.IN, c.ANY, c.MAX_REPEAT) or (item_op, item_arg) == (c.AT, c.AT_BEGINNING)
        sets = [_char_set(item_op, item_arg) for item_op, item_arg in branch.data]
        assert any(chars and all(triggers.match(chr(ch)) for ch in chars) for chars in sets), branch


FTFY_SEGMENTS = MOJIBAKE | EDGE_TEXT | st.text(alphabet=st.sampled_from(
    "ab Z.,’“”–—…\u00a0éüäßÃÂâ€™\u0301\u0303\u0308AaeEou©®°×²Œœ™ÐØÙà√≈‚вВГРСβΒΓΞΟā¢£¤¦§¨¬¯µ¶·¸¹º»¼½¾¿ÀÈÌÒ÷ƒˆ˜‰\ufffd\n"), max_size=60)


@settings(max_examples=1000, deadline=None)
@given(FTFY_SEGMENTS)
@example("Ã©")
@example("ü¦")
@example("x" * 30 + "Ã\u00a0")
@example("Geba\u0308ude\n")
@example("A\u0303\u00a9 composes into mojibake")
def test_ftfy_idle_matches_ftfy(segment: str) -> None:
    """The windowed badness search is ftfy's; a segment ftfy_leaves is one ftfy hands back unchanged."""
    import ftfy
    from ftfy.badness import is_bad

    from masthead.clean import ftfy_idle
    from masthead.clean.normalize_text import _ftfy_config

    assert ftfy_idle.is_bad(segment) == is_bad(segment)
    fixed = ftfy.fix_and_explain(segment, _ftfy_config()).text
    if ftfy_idle.ftfy_leaves(segment):
        assert fixed == segment
    assert ftfy_idle.ftfy_outcome(segment) in (None, fixed)


def reference_nearest_the_headline(page: str, times: list[re.Match[str]]) -> list[re.Match[str]]:
    found = [pos for pos in (page.find("<h1"), page.find("<H1")) if pos >= 0]
    if not found or len(times) < 2:
        return times
    headline = min(found)
    return sorted(times, key=lambda match: abs(match.start() - headline))


@given(st.lists(st.sampled_from(["<h1>", "<H1 class=x>", "<time>1 May</time>", "<TIME datetime=2024>", "<h", "1",
                                 "<H", "text ", "é"]), max_size=30).map("".join))
@example("<H1><time>a</time><h1><time>b</time>")
@example("<h1><time>a</time><H1><time>b</time>")
def test_nearest_the_headline_matches_reference(page: str) -> None:
    from masthead.normalize.date_candidates import _TIME, _nearest_the_headline

    times = list(_TIME.finditer(page))
    assert ([m.span() for m in _nearest_the_headline(page, times)]
            == [m.span() for m in reference_nearest_the_headline(page, times)])


def reference_hits(page: str, end: int) -> list[int]:
    from masthead.normalize.byline_elements import _LITERALS, MAX_HITS

    start = max(page.find("<body"), 0)
    found: list[int] = []
    for literal in _LITERALS:
        pos = page.find(literal, start, end)
        count = 0
        while pos >= 0 and count < MAX_HITS:
            found.append(pos)
            count += 1
            pos = page.find(literal, pos + len(literal), end)
    return sorted(found)[:MAX_HITS]


BYLINE_PAGES = st.lists(st.sampled_from(["author", "Author", "AUTHOR", "AuThor", "uthor", "UTHOR", "byline", "Byline",
                                          "BYLINE", "yline", "autor", "Autor", "utor", "verfasser", "Verfasser",
                                          "erfasser", "<body>", "<body", "x", "é ", "a", "v"]), max_size=40).map("".join)


@given(BYLINE_PAGES, st.integers(min_value=0, max_value=400))
@example("author" * 400, 10_000)
@example("Verfasserfasser verfasserfasser", 100)
def test_byline_hits_match_reference(page: str, end: int) -> None:
    from masthead.normalize.byline_elements import _CORES, _LITERALS, _hits

    assert sorted(literal for _, literals in _CORES for literal in literals) == sorted(_LITERALS)
    assert _hits(page, end) == reference_hits(page, end)


@given(st.lists(st.sampled_from(["itemprop", "itemprop=", "itemprop = 'datePublished'", 'itemprop="DATEMODIFIED"',
                                 "itemprop=datecreated", "itempropitemprop=dateCreatedx", " ", "é", "<span "]),
                max_size=20).map("".join))
@example("itemprop=datePublished itemprop='dateModified'")
def test_itemprop_dates_match_finditer(page: str) -> None:
    from masthead.normalize.date_candidates import _ITEMPROP, _itemprop_dates

    assert [m.span() for m in _itemprop_dates(page)] == [m.span() for m in _ITEMPROP.finditer(page)]


@given(st.lists(st.sampled_from(["The ", "quick", " brown", "—", "Fox", "\n", "ǅ", "ß", "İ", "ﬁ", "-", "_", "Σ", "42", " ",
                                 "x" * 50]), max_size=300).map("".join),
       st.lists(st.sampled_from(["thequickbrownfox", "brownfox42", "ssfi", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                                 "σ42thequick", "x" * 60 + "the"]), min_size=1, max_size=4))
def test_holds_any_matches_folding_the_whole(text: str, windows: list[str]) -> None:
    from masthead.clean import fast_extract

    for whole in (text, text * 40, "." * 2040 + text):  # and across pieces
        expected = any(window in fast_extract._folded(whole) for window in windows)
        assert fast_extract._holds_any(whole, windows) == expected
