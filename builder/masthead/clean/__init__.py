"""Text cleaning: turn a raw record's text (or HTML) into the published body text.

``clean_record`` is a pure function of one record. It returns the headline, dek and
body, plus what was removed, by rule and line by line, so nothing is silently gone.
A record that cannot yield a document carries ``reject`` (a reason of masthead.errors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from masthead.clean.headline import drop_repeated_title
from masthead.clean.normalize_text import normalize_text
from masthead.errors import REASONS, RejectReason


@dataclass(frozen=True)
class Cleaned:
    title: str | None
    dek: str | None
    text: str
    removed: tuple[tuple[str, int], ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    removed_lines: tuple[tuple[str, str], ...] = ()
    title_origin: str | None = None
    reject: RejectReason | None = None
    reject_field: str = "/text"
    reject_params: dict[str, Any] = field(default_factory=dict)

    @property
    def removed_chars(self) -> int:
        return sum(chars for _, chars in self.removed)


def _given(fields: dict[str, Any], key: str) -> str | None:
    value = fields.get(key)
    return normalize_text(value) or None if isinstance(value, str) else None


def clean_record(fields: dict[str, Any]) -> Cleaned:
    meta: dict[str, Any] = {}
    if not fields.get("text") and isinstance(fields.get("html"), str):
        from masthead.clean.html import HtmlProblem, extract_html

        extracted = extract_html(fields["html"])
        if isinstance(extracted, HtmlProblem):
            return Cleaned(None, None, "", reject=REASONS[extracted.code], reject_field="/html",
                           reject_params=extracted.params)
        raw_text, meta = extracted.text, dict(extracted.meta)
    else:
        raw_text = str(fields.get("text") or "")
    text = normalize_text(raw_text)
    removed = len(raw_text) - len(text)
    # title_origin is set only when the headline did not come from a given field
    title, title_origin = _given(fields, "title"), None
    if title is None and meta.get("title"):
        title, title_origin = normalize_text(meta["title"]), "html-meta"
    kept, dropped = drop_repeated_title(text.split("\n\n") if text else [], title)
    text = "\n\n".join(kept)
    removed_by_rule = [("whitespace", removed)] if removed > 0 else []
    if dropped:
        removed_by_rule.append(("headline", sum(len(p) + 2 for p in dropped)))
    return Cleaned(
        title=title,
        dek=_given(fields, "dek"),
        text=text,
        removed=tuple(removed_by_rule),
        removed_lines=tuple(("headline", p) for p in dropped),
        meta=meta,
        title_origin=title_origin,
    )
