"""Text cleaning: turn a raw record's text (or HTML) into the published body text.

``clean_record`` is a pure function of one record. It returns the headline, dek and
body, plus what was removed, by rule and line by line, so nothing is silently gone.
A record that cannot yield a document carries ``reject`` (a reason of masthead.errors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from masthead.clean.headline import same_text, strip_site_name
from masthead.clean.layout import join_lines, lay_out
from masthead.clean.normalize_text import normalize_text
from masthead.errors import BOILERPLATE_ONLY, REASONS, RejectReason


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


def _reject(reason: RejectReason, field_: str, **params: Any) -> Cleaned:
    return Cleaned(None, None, "", reject=reason, reject_field=field_, reject_params=params)


def clean_record(fields: dict[str, Any]) -> Cleaned:
    """Headline, dek and body of one record, with every removed line named by its rule."""
    meta: dict[str, Any] = {}
    source_field = "/text"
    if not fields.get("text") and isinstance(fields.get("html"), str):
        from masthead.clean.html import HtmlProblem, extract_html

        extracted = extract_html(fields["html"])
        if isinstance(extracted, HtmlProblem):
            return _reject(REASONS[extracted.code], "/html", **extracted.params)
        raw_text, meta, source_field = extracted.text, dict(extracted.meta), "/html"
    else:
        raw_text = str(fields.get("text") or "")
    title, title_origin = _given(fields, "title"), None
    if title is None and meta.get("title"):
        site = (str(meta.get("sitename") or ""), str(meta.get("hostname") or ""))
        title, title_origin = strip_site_name(normalize_text(meta["title"]), site) or None, "html-meta"
    layout = lay_out(normalize_text(raw_text), title, dek_in_body=source_field == "/text")
    kept = [line for line in layout.lines if line.rule is None]
    text = join_lines(kept)
    removed_lines = tuple((line.rule, line.text) for line in layout.lines if line.rule is not None)
    by_rule: dict[str, int] = {}
    for rule, line_text in removed_lines:
        by_rule[rule] = by_rule.get(rule, 0) + len(line_text)
    rest = len(raw_text) - len(text) - sum(by_rule.values())
    if rest > 0:
        by_rule["whitespace"] = rest
    removed = tuple(sorted(by_rule.items()))
    if not text and removed_lines:
        return _reject(BOILERPLATE_ONLY, source_field, removed=len(raw_text))
    if layout.headline and (title is None or (title_origin == "html-meta" and not same_text(title, layout.headline))):
        title, title_origin = layout.headline, "text"  # the page's own headline beats its <title>
    return Cleaned(
        title=title,
        dek=_given(fields, "dek") or layout.dek,
        text=text,
        removed=removed,
        meta=meta,
        removed_lines=removed_lines,
        title_origin=title_origin,
    )
