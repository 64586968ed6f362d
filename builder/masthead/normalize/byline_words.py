"""The words of bylines in the languages masthead meets: conjunctions, "by" prefixes, desks, accounts, CJK names.

Vocabulary only (no site is named here): :mod:`masthead.normalize.authors` splits and classifies
byline pieces with it. Desk words ("Redaktion", "rédaction", "newsroom") credit a desk, which
is recorded beside the agencies; account words ("admin", "webmaster", "guest") are a login and
are dropped; neither is ever a person.
"""

from __future__ import annotations

import re


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# "and" in the devset's languages. One-letter ones (y, e, i, a, и) only in lower case, so that an
# initial ("Robert E Lee", "John A Smith") is not taken for a conjunction.
_AND_WORDS = r"and|&|und|sowie|et|og|en|och|ve|ja|és|oraz|(?-i:y|e|i|a|и)"
# CJK enumeration commas, and と between two kanji ("松岡大地と山田太郎").
_CJK_SEPARATORS = r"[、，]|(?<=[\u4e00-\u9fff])と(?=[\u4e00-\u9fff])"
SPLIT = re.compile(
    rf"\s{{0,3}}(?:[,;]\s{{0,3}}(?:{_AND_WORDS})\s|[,;|/\n]|\s(?:{_AND_WORDS})\s|{_CJK_SEPARATORS})\s{{0,3}}",
    re.IGNORECASE,
)

# A blog's post line: "Veröffentlicht am 14. März 2023 von", "Posted on March 14, 2023 by" (split at its comma, the
# piece "2023 by"), "14.03.2023 von", "Publicado el 14 de marzo de 2023 por": a date ending in a year, then "by".
_DATED = (r"(?:(?:veröffentlicht|geschrieben|erstellt|gepostet|posted|published|written|publicado|publié|pubblicato)"
          r"\s{1,3}(?:am|on|le|el|il)\s{1,3}[^|;]{0,30}?|\d{1,2}\.\s{0,2}\d{1,2}\.\s{0,2})?"
          r"(?:19|20)\d{2}\s{1,3}(?:von|by|por|par|da|door)")
# "By" before a byline, in the devset's languages; "di" (Italian) only in lower case ("Di Maio" is a name).
# Also a guest post's ("Ein Gastbeitrag von", "Gastautorin:", "A guest post by") and the dated post line above.
PREFIX = re.compile(
    r"^(?:(?:written|words|story|text|reporting|reported|compiled|posted|edited|photos?|interview|analysis)\s{1,3}by"
    r"|(?:an?\s{1,3})?(?:guest\s{1,3})?(?:post|article)\s{1,3}by|(?:ein\s{1,3})?(?:gast)?beitrag\s{1,3}von"
    r"|gastautor(?:in)?(?=\s{0,3}:)|" + _DATED +
    r"|(?:geschrieben|verfasst|gepostet|veröffentlicht)\s{1,3}von|(?:escrito|publicado|redactado)\s{1,3}por"
    r"|(?:écrit|rédigé|publié)\s{1,3}par|(?:scritto|pubblicato)\s{1,3}da|(?:geschreven|gepost)\s{1,3}door"
    r"|by|von|par|por|door|av|af|(?-i:di)|skrevet\s{1,3}av|skrivet\s{1,3}av|yazan|napsal[a]?|napisa[łl][a]?"
    r"|autor(?:in|en|es|a|e|ka)?|auteurs?|autrice|tekst|text[eo]?)\s{0,3}[:\-–—]?\s{1,3}",
    re.IGNORECASE,
)

# A desk or wire credit rather than a person (a token of the piece, case-folded).
DESK_WORDS = _set("""
staff desk team newsroom wire wires bureau services service reports agencies editors editorial
redaktion redaktionen agenturen redacción redaccion agencias rédaction redaction agences redazione agenzie
redactie redação redacção redacao agências redakce redakcia redakcja redaksjon redaksjonen redaksi
merkezi редакция редакції 編集部 编辑部 편집부 편집국
""")
# German compounds name a desk by their last part: "Sportredaktion", "Online-Redaktion", "MM-Redaktion".
DESK_SUFFIXES = ("redaktion", "redaktionen", "redaktör")
# A site's user account rather than a person: dropped whatever else the piece says.
ACCOUNT_WORDS = _set("""
admin administrator administrador administrateur amministratore webmaster webredaktion sysop
guest gast gastautor gastautorin gastbeitrag invitado anonymous anonym anonyme anónimo anonimo unknown
user utilisateur benutzer moderator developer developers entwickler desarrollador
""")
# A lone acronym in capitals ("SID", "APA", "KNA") credits an agency or desk, not a person.
ACRONYM = re.compile(r"^[A-Z]{2,5}$")
# Job titles in other languages (the English ones are in authors.ROLE_NOUNS).
FOREIGN_ROLE_NOUNS = _set("""
redakteur redakteurin autor autorin journalist journalistin reporterin korrespondent korrespondentin
rédacteur rédactrice journaliste correspondant correspondante periodista corresponsal redactor redactora
giornalista corrispondente redattore redattrice redacteur verslaggever correspondent jornalista
novinář novinářka redaktor redaktorka dziennikarz dziennikarka journalisti toimittaja muhabir
""")

# A web domain inside a piece ("mdr.de", "mediaindonesia.com developer"): a site, not a person. Only
# common top-level domains, so that initials run together ("jr.ed") are not taken for one.
_TLDS = (
    "com|net|org|info|news|online|media|blog|tv|io|eu|de|at|ch|fr|it|es|pt|nl|be|lu|pl|cz|sk|hu|ro|bg|gr|tr|ru|ua|"
    "se|no|dk|fi|is|ie|uk|us|ca|mx|br|ar|cl|co|pe|ve|au|nz|za|ng|ke|tz|gh|jp|cn|kr|tw|hk|in|id|my|sg|ph|th|vn|pk|il"
)
DOMAIN = re.compile(rf"(?<![\w.])[a-z0-9][a-z0-9-]{{0,62}}(?:\.[a-z0-9-]{{1,63}}){{0,3}}\.(?:{_TLDS})(?![\w.])", re.IGNORECASE)

# Names in scripts without spaces or case: 2-4 Hangul syllables; kanji/hanzi surname and given name
# (2-6 characters, a space between them allowed, a given name in hiragana allowed).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
CJK_NAME = re.compile(rf"^(?:[\uac00-\ud7a3]{{2,4}}|[{_HAN}]{{1,3}}[ \u3000]?[{_HAN}\u3041-\u309f]{{1,4}})$")
# Endings that make a CJK piece an organisation, not a person (newspaper, company, desk, broadcaster, news…).
CJK_ORGANISATION = re.compile(
    r"(?:新聞|新闻|社|部|局|網|网|報|报|台|電視|电视|通信|編集|编辑|日报|日報|센터|뉴스|신문|일보|방송|경제|닷컴)$"
)
# Job words written before or after a CJK name: 기자 (reporter), 特派員, 記者, 责任编辑…
CJK_ROLE = re.compile(
    r"^(?:记者|記者|责任编辑|責任編集|编辑|文[・/])[:：\s]{0,2}|\s{0,2}(?:기자|특파원|선임기자|記者|记者|特派員|編集委員|论说员)$"
)


def is_cjk_name(piece: str) -> bool:
    """A person's name in Chinese, Japanese or Korean script (not an organisation's)."""
    return CJK_NAME.match(piece) is not None and CJK_ORGANISATION.search(piece) is None


def desk_token(token: str) -> bool:
    """A token that credits a desk: a desk word, or a compound ending in one ("Sportredaktion")."""
    return token in DESK_WORDS or token.endswith(DESK_SUFFIXES) or token.rsplit("-", 1)[-1] in DESK_WORDS


def without_cjk_role(piece: str) -> str:
    """"배윤경 기자" → "배윤경", "记者 牛镛" → "牛镛" (only pieces with a CJK character at either end are tried)."""
    if piece and (ord(piece[-1]) > 0x2E7F or ord(piece[0]) > 0x2E7F):
        return CJK_ROLE.sub("", piece)
    return piece
