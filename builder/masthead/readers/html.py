"""HTML pages (``.html``, ``.htm``): one record whose ``html`` field is the decoded page.

Extraction happens in the per-document clean step (``masthead.clean.html``), so an
``html`` field in JSONL and an HTML file take the same path.
"""

from __future__ import annotations

from collections.abc import Iterator

from masthead.errors import Reject
from masthead.pipeline.records import GIVEN, RawRecord
from masthead.readers.decode import Decoded, nul_bytes


def read_html(decoded: Decoded, source: str) -> Iterator[RawRecord | Reject]:
    if (nul := nul_bytes(decoded.text, source, None, "/html", "the page")) is not None:
        yield nul
        return
    yield RawRecord(source, None, {"html": decoded.text}, {"html": GIVEN}, decoded.encoding, single=True)
