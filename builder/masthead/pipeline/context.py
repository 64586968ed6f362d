"""Read-only context handed to the per-document steps (picklable, so any engine can ship it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from masthead.settings import Settings


@dataclass(frozen=True)
class StepContext:
    build_date: dt.date
    date_order: str | None = None
    language: str | None = None
    schema_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> StepContext:
        return cls(
            build_date=settings.release_date,
            date_order=settings.date_order,
            language=settings.language,
            schema_dir=settings.schema_dir,
        )
