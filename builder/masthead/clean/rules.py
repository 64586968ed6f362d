"""Named line rules for page furniture, one per kind, each a bounded regular expression.

A rule looks at one line of text. ``where`` says how far it may be trusted:
``anywhere`` rules name furniture so specific that it is removed wherever it stands
(``Validation message here``); ``edge`` rules are removed only in the furniture clusters
before the headline and after the last body paragraph, because a body sentence can look like
them (a bio, a privacy sentence). ``end`` rules are ``edge`` rules that also mark the end of
the article: a sign-off or syndication note is followed only by page furniture.

Regexes are linear: no nested quantifiers, no unbounded ``.*`` between two literals (bounded
repeats such as ``[^\\n]{0,200}`` instead), so a 100 KB hostile line costs milliseconds.
No rule matches an outlet's name alone: "More from X" matches, "X" does not.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

ANYWHERE = "anywhere"
EDGE = "edge"
END = "end"

# Lines longer than this are body text or a wall of consent prose; rules that describe
# short furniture (labels, prompts, credits) skip them.
SHORT = 200


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # the furniture kind, as recorded in cleaning.removed
    where: str
    pattern: re.Pattern[str]
    also: re.Pattern[str] | None = None  # a second pattern the line must match too
    max_len: int | None = SHORT
    # A cheap prefilter: the pattern can only match a line holding one of these strings (case-folded,
    # see ``fold``, for an IGNORECASE pattern; as written for a case-sensitive one). Each alternative
    # of the pattern must contain one of them literally; empty means no prefilter.
    needles: tuple[str, ...] = ()
    folds: bool = field(init=False, repr=False, compare=False)  # needles are looked up in the folded line

    def __post_init__(self) -> None:
        object.__setattr__(self, "folds", bool(self.needles) and bool(self.pattern.flags & re.IGNORECASE))

    def matches(self, line: str, folded: str | None = None) -> bool:
        if self.max_len is not None and len(line) > self.max_len:
            return False
        if self.needles:
            hay = (fold(line) if folded is None else folded) if self.folds else line
            if not any(needle in hay for needle in self.needles):
                return False
        if self.pattern.search(line) is None:
            return False
        return self.also is None or self.also.search(line) is not None


def fold(text: str) -> str:
    """Lower case in which every match of an IGNORECASE ASCII literal reads as that literal lowercased.

    ``str.lower`` does so except for the three letters Python's ``re`` also folds to ASCII:
    dotless ı (→ i), long ſ (→ s) and dotted İ (lowered to i plus U+0307, which is dropped)."""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = lowered.replace("\u0131", "i").replace("\u017f", "s").replace("\u0307", "")
    return lowered


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _cs(pattern: str) -> re.Pattern[str]:
    """Case-sensitive: for rules that rely on capitals (names, glued credits)."""
    return re.compile(pattern)


_AGENCY = r"(?:AP|AFP|Reuters|Getty Images|EPA|EPA-EFE|Shutterstock|Sputnik|TASS|Xinhua|Pool|Bloomberg|AAP|PA|Alamy)"

RULES: tuple[Rule, ...] = (
    # consent and privacy banners
    Rule("consent-cookies", "consent", EDGE,
         _re(r"\bcookies?\b"),
         _re(r"\b(?:website|browser|device|our site|consent|opt[- ]?out|preferences|settings|advertis\w*|"
             r"partners|personal (?:information|data)|third[- ]part\w*|tracking|accept|analytics)\b"),
         max_len=None, needles=("cookie",)),
    Rule("consent-privacy", "consent", EDGE,
         _re(r"\b(?:do not sell my personal information|do not sell page|california consumer privacy act|"
             r"privacy controls on your browser|manage consent preferences|consent preferences|"
             r"we value your privacy|privacy request|exercise my rights|"
             r"sale of (?:your )?personal (?:data|information)|personal data, targeting|"
             r"strictly necessary cookies|cookies? - always active)\b"),
         max_len=None,
         needles=("privacy", "do not sell", "consent preferences", "exercise my rights", "personal ", "cookie")),
    Rule("consent-button", "consent", EDGE,
         _re(r"^(?:accept(?: all)?(?: cookies)?|allow all(?: cookies)?|reject all|save settings|manage settings|"
             r"cookie (?:list|preferences|settings|policy)|i agree|got it|learn more)$")),
    # ads and sponsored links
    Rule("ads-sponsored", "ads", ANYWHERE,
         _re(r"\b(?:by taboola|by outbrain|sponsored (?:links|content|stories)|promoted (?:links|stories|content)|"
             r"paid content|recommended by)\b"),
         max_len=120),
    Rule("ads-label", "ads", ANYWHERE,
         _re(r"^(?:advertisement|ad|sponsored|story continues below(?: this)? advertisement|skip advertisement|"
             r"continue reading (?:the main story|below)|scroll to continue(?: with content)?)$")),
    Rule("ads-block-notice", "ads", ANYWHERE,
         _re(r"^let[’']s block ads!|^please (?:disable|turn off) your ad ?blocker\b")),
    # sign-up and lead-generation forms
    Rule("form-validation", "lead-form", ANYWHERE, _re(r"^validation message here$")),
    Rule("form-prompt", "lead-form", ANYWHERE,
         _re(r"^(?:request information|please complete this form\b|all fields (?:except [\w ]{1,30} )?are required\b|"
             r"required fields are marked\b|by submitting this form\b|ready to apply\? start your application\b|"
             r"you may withdraw your consent at any time\b)"),
         max_len=600),
    # share and subscribe prompts
    Rule("share-subscribe", "share-prompt", ANYWHERE,
         _re(r"^(?:share(?: this(?: article| story)?)?(?: on (?:facebook|twitter|x|linkedin|whatsapp))?|tweet|email|"
             r"print|copy link|link copied|comments?|subscribe(?: now| today)?|sign up|log ?in|sign in|"
             r"follow us on [\w ,]{1,60}|sign up for (?:our|the) [^\n]{0,80}newsletter[^\n]{0,80}|"
             r"(?:get|subscribe to) (?:our|the) [^\n]{0,60}newsletter[^\n]{0,60}|click here to subscribe\b[^\n]{0,80})"
             r"[.!]?$")),
    # photo credits and captions
    Rule("photo-credit-label", "photo-credit", ANYWHERE,
         _re(r"^(?:photo(?:graph)?(?: credit)?|photographer|credit|image(?: credit)?|picture|illustration|"
             r"source|video)\s?:\s?\S")),
    Rule("photo-credit-glued", "photo-credit", ANYWHERE,
         _cs(r"[a-z0-9.)”\"’]Credit(?:[A-Z][a-z]|[A-Z]\.)"), max_len=1000, needles=("Credit",)),
    Rule("photo-credit-agency", "photo-credit", ANYWHERE,
         _cs(r"^[A-Z][^\n/]{1,80}/(?:[^\n/]{1,60}/){0,4}[^\n/.!?]{1,60}$"),
         _cs(r"(?:\bvia |/)" + _AGENCY + r"\b|\bvia [A-Z]"),
         max_len=140),
    # reprint and print-edition notes
    Rule("print-edition", "print-edition", END,
         _re(r"^a version of this article appears in print\b|\border reprints \| today[’']s paper\b|"
             r"^this article appeared in (?:the )?print edition\b"),
         needles=("appears in print", "order reprints", "print edition")),
    # syndication and sign-offs (end markers; the metadata step reads them from removed_lines)
    Rule("syndication", "syndication", END,
         _re(r"^this (?:article|story|report) (?:was (?:written|produced|reported) by|originally appeared|"
             r"first appeared|was originally published)\b|\bwas legally licensed through\b"),
         max_len=600, needles=("this article ", "this story ", "this report ", "legally licensed")),
    Rule("sign-off-reported", "sign-off", END,
         _cs(r"^(?:[—–-]\s?)?(?:[A-Z][\w.'’-]{0,30} ){1,4}(?:reported from|contributed (?:reporting|to this report))\b"),
         max_len=400),
    Rule("sign-off-assistance", "sign-off", END,
         _re(r"^(?:[—–-]\s?)?with (?:assistance|additional reporting) (?:by|from)\b|"
             r"^(?:additional reporting|editing|reporting) by [A-Z]"),
         max_len=400),
    Rule("author-bio", "author-bio", END,
         _cs(r"^(?:[A-Z][\w.'’-]{0,30} ){1,4}(?:is|was) (?:a|an|the) [^\n]{0,160}\b(?:editor|correspondent|reporter|"
             r"writer|columnist|contributor|journalist|fellow|producer|analyst|author|director)\b"),
         max_len=500),
    Rule("author-handle", "author-bio", END, _re(r"\b(?:twitter|x|instagram)\s?:\s?@\w{1,30}\s?$"), needles=("@",)),
    # related links and promotions
    Rule("more-from", "related", EDGE,
         _cs(r"^(?:More (?:from|on|in|stories from)|Read more(?: from| on)?|Related(?: Coverage| Stories| Articles)?|"
             r"Recommended|Trending(?: Now)?|Most (?:Read|Popular|Viewed)|Latest (?:News|Stories)|"
             r"You (?:may|might) also like|Also read|READ MORE)(?: [^\n.!?]{1,80})?:?$")),
    Rule("terminal-promo", "promo", ANYWHERE, _re(r"\bit[’']s on the bloomberg terminal\b"),
         needles=("bloomberg terminal",)),
    # section labels, breadcrumbs and timestamps at the head
    Rule("breadcrumb", "breadcrumb", EDGE,
         _cs(r"^Home(?:\s?[>›»|/]\s?| )[A-Z]|^[A-Z][\w&'’ ]{1,30}(?:\s[>›»]\s[A-Z][\w&'’ ]{1,30}){1,5}$")),
    Rule("section-label", "section-label", EDGE,
         _re(r"^(?:news analysis|analysis|opinion|op-ed|commentary|exclusive|breaking(?: news)?|live(?: updates)?|"
             r"explainer|editorial|interview|fact check|world news|politics|argument|dispatch)$")),
    Rule("byline", "byline", EDGE,
         _cs(r"^By (?:[A-Z][\w.'’-]{0,30},? (?:and |& )?){0,8}[A-Z][\w.'’-]{0,30}$"), max_len=120),
    Rule("timestamp", "timestamp", EDGE,
         _re(r"^(?:updated|published|last updated|posted|first published)(?: on| at)?(?:\s[^\n.]{0,60})?$")),
)

RULE_BY_ID = {rule.id: rule for rule in RULES}
# What ``EDGE`` finds for a line no ``ANYWHERE`` rule matches (one ``label_anywhere`` left unlabelled).
AFTER_ANYWHERE = "after-anywhere"
_RULES_FOR = {
    EDGE: RULES,
    ANYWHERE: tuple(rule for rule in RULES if rule.where == ANYWHERE),
    END: tuple(rule for rule in RULES if rule.where == END),
    AFTER_ANYWHERE: tuple(rule for rule in RULES if rule.where != ANYWHERE),
}


_Entry = tuple[Rule, re.Pattern[str], re.Pattern[str] | None, tuple[str, ...], bool]


def _by_length(rules: tuple[Rule, ...]) -> tuple[list[int], list[tuple[tuple[_Entry, ...], bool]]]:
    """Length cut-offs and, per interval, the rules a line of that length may match (in order, as
    (rule, pattern, second pattern, needles, folds) so that ``match_rule`` does what
    ``Rule.matches`` does without a call per rule), with whether any of them needs the folded line.
    A line of length n uses ``tables[bisect_left(cuts, n)]``."""
    cuts = sorted({rule.max_len for rule in rules if rule.max_len is not None})
    tables = []
    for cut in [*cuts, None]:
        kept = tuple(rule for rule in rules if rule.max_len is None or (cut is not None and rule.max_len >= cut))
        entries = tuple((rule, rule.pattern, rule.also, rule.needles, rule.folds) for rule in kept)
        tables.append((entries, any(rule.folds for rule in kept)))
    return cuts, tables


_TABLES = {where: _by_length(rules) for where, rules in _RULES_FOR.items()}


def match_rule(line: str, where: str = EDGE) -> Rule | None:
    """The first rule that matches ``line``: ``EDGE`` tries every rule, ``ANYWHERE`` only those
    trusted mid-body, ``END`` only the end-of-article markers, ``AFTER_ANYWHERE`` what ``EDGE`` would
    find for a line that no ``ANYWHERE`` rule matches."""
    cuts, tables = _TABLES[where]
    entries, needs_fold = tables[bisect_left(cuts, len(line))]
    folded = fold(line) if needs_fold else line
    for rule, pattern, also, needles, folds in entries:
        if needles:
            hay = folded if folds else line
            for needle in needles:
                if needle in hay:
                    break
            else:
                continue
        if pattern.search(line) is not None and (also is None or also.search(line) is not None):
            return rule
    return None
