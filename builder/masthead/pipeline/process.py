"""The per-document pipeline: raw record in, document or reject out.

``process_record`` is a pure function of one record and a read-only context, so the same
code runs in a process pool or as a cluster task. Order: validate the raw record → clean
→ normalise metadata → assemble → validate the document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from masthead.clean import clean_record
from masthead.errors import BAD_DATE, EMPTY, Reject
from masthead.normalize import normalize_metadata
from masthead.pipeline.context import StepContext
from masthead.pipeline.ids import document_id
from masthead.pipeline.language import UNDETERMINED, detect_language
from masthead.pipeline.records import RawRecord
from masthead.pipeline.sanitize import sanitize_fields
from masthead.pipeline.validate import validate_document, validate_raw


@dataclass(frozen=True)
class Processed:
    """A finished document, with the notes normalisation left for the build report."""

    doc: dict[str, Any]
    notes: tuple[tuple[str, str], ...] = ()
    raw_text: str = ""


def process_record(raw: RawRecord, ctx: StepContext) -> Processed | Reject:
    fields, sanitized = sanitize_fields(raw.fields)  # hidden characters out of metadata first
    if fields is not raw.fields:
        raw = replace(raw, fields=fields)
    doc_id = document_id(raw.fields, raw.source, raw.single)
    invalid = validate_raw(raw.fields, raw.source, raw.record, ctx.schema_dir, doc_id)  # named by its id
    if invalid is not None:
        return invalid
    cleaned = clean_record(raw.fields)
    if cleaned.reject is not None:
        return Reject.of(cleaned.reject, raw.source, raw.record, field=cleaned.reject_field, id=doc_id,
                         **cleaned.reject_params)
    if not cleaned.text:
        return Reject.of(EMPTY, raw.source, raw.record, field="/text", id=doc_id)
    meta = normalize_metadata(raw.fields, raw.origin, cleaned, ctx)
    if meta.rejection is not None:  # a given date that cannot be a publication date
        pointer, value, detail = meta.rejection
        return Reject.of(BAD_DATE, raw.source, raw.record, field=pointer, id=doc_id, value=value, detail=detail)
    provenance = dict(meta.provenance)  # title: chosen among given, page and cleaner candidates
    language = meta.language
    if not raw.fields.get("language"):  # a given language wins; else the text's, when the model is sure
        detected, _ = detect_language(cleaned.text)
        if detected != UNDETERMINED:
            language, provenance["language"] = detected, "detected"
    doc: dict[str, Any] = {
        "id": doc_id,
        "title": meta.title,
        "dek": cleaned.dek,
        "text": cleaned.text,
        "outlet": meta.outlet,
        "outlet_registered": meta.outlet_registered,
        "date": meta.date,
        "published_at": meta.published_at,
        "date_precision": meta.date_precision,
        "authors": list(meta.authors),
        "contributors": list(meta.contributors),
        "agencies": list(meta.agencies),
        "url": meta.url,
        "language": language,
        "source": raw.source,
        "source_record": raw.record,
        "encoding": raw.encoding,
        "content_sha256": hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest(),
        "duplicate_of": None,
        "cleaning": {
            "removed_chars": cleaned.removed_chars,
            "removed": [{"rule": rule, "chars": chars} for rule, chars in cleaned.removed],
        },
        "provenance": provenance,
    }
    invalid = validate_document(doc, raw.source, raw.record, ctx.schema_dir)
    if invalid is not None:
        return invalid
    raw_text = str(raw.fields.get("text") or raw.fields.get("html") or "")
    return Processed(doc, meta.notes + sanitized, raw_text)
