"""Text cleaning: turn a raw record's text into the published body text.

``clean_record`` is a pure function of one record. It returns the headline, dek and
body, plus what was removed, by rule, so nothing is silently gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from masthead.clean.normalize_text import normalize_text


@dataclass(frozen=True)
class Cleaned:
    title: str | None
    dek: str | None
    text: str
    removed: tuple[tuple[str, int], ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def removed_chars(self) -> int:
        return sum(chars for _, chars in self.removed)


def clean_record(fields: dict[str, Any]) -> Cleaned:
    raw_text = str(fields.get("text") or "")
    text = normalize_text(raw_text)
    removed = len(raw_text) - len(text)
    title = fields.get("title")
    return Cleaned(
        title=normalize_text(title) or None if isinstance(title, str) else None,
        dek=normalize_text(fields["dek"]) or None if isinstance(fields.get("dek"), str) else None,
        text=text,
        removed=(("whitespace", removed),) if removed > 0 else (),
    )
