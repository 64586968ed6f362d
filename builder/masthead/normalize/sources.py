"""What one record offers the metadata normalisation, read once (:func:`masthead.normalize.normalize_metadata`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from masthead.clean import Cleaned
from masthead.normalize.outlets import Registry
from masthead.normalize.page_meta import PageMeta
from masthead.normalize.signatures import Signatures
from masthead.pipeline.records import GIVEN


@dataclass
class Sources:
    """Everything one record offers, read once."""

    fields: dict[str, Any]
    origin: dict[str, str]
    cleaned: Cleaned
    registry: Registry
    page: PageMeta | None
    signatures: Signatures
    notes: list[tuple[str, str]]

    def given(self, key: str) -> tuple[Any, str]:
        return self.fields.get(key), self.origin.get(key, GIVEN)
