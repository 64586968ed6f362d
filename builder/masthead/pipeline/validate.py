"""Validation at both ends: raw records against the raw schema, documents against the document schema.

Failures become rejects that name the field (a JSON pointer), say what is wrong and how
to fix it.

Two validators per schema: ``fastjsonschema`` compiled from the schema decides (about 20×
faster), and ``jsonschema`` runs only when it says no, to explain the failure — and to have
the last word, so a record is rejected only when ``jsonschema`` agrees.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.errors import SCHEMA_VIOLATION, Reject, SchemaError
from masthead.schema import DOCUMENT, RAW_RECORD, load_schema

if TYPE_CHECKING:
    import jsonschema
    from jsonschema import Draft202012Validator


@lru_cache(maxsize=8)
def _validator(name: str, schema_dir: Path | None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = load_schema(name, schema_dir)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@lru_cache(maxsize=8)
def _fast(name: str, schema_dir: Path | None) -> Callable[[Any], Any]:
    import fastjsonschema

    try:
        # a deep copy: compile() rewrites the "$ref"s of the dict it is given, and load_schema's is shared
        return fastjsonschema.compile(copy.deepcopy(load_schema(name, schema_dir)))
    except fastjsonschema.JsonSchemaDefinitionException as exc:
        raise SchemaError(f"{name}: not a valid JSON Schema: {exc}") from exc


def is_valid(instance: dict[str, Any], name: str, schema_dir: Path | None) -> bool:
    """The fast check alone (no explanation)."""
    import fastjsonschema

    try:
        _fast(name, schema_dir)(instance)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def pointer(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = set(schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            path.append(extra[0])
    elif error.validator == "required":
        missing = str(error.message).split("'")
        if len(missing) > 1:
            path.append(missing[1])
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path) if path else ""


def _fix(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties":
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return f"remove or rename the field; known fields are: {allowed}"
    if kind == "type":
        return f"give a value of type {error.validator_value}"
    if kind == "maxLength":
        return f"shorten the value to at most {error.validator_value} characters"
    if kind == "minLength":
        return "give a non-empty value"
    if kind in ("required", "anyOf") and error.absolute_path == error.absolute_path.__class__():
        return "give the record a 'text' (or 'html') field"
    if kind == "pattern":
        return f"make the value match {error.validator_value}"
    if kind == "maxItems":
        return f"give at most {error.validator_value} items"
    return "correct the value so it matches the schema"


def _shorten(message: str) -> str:
    return message if len(message) <= 300 else message[:300] + "…"


def _reject(error: jsonschema.ValidationError, source: str, record: int | None, id: str | None) -> Reject:
    import jsonschema

    best = jsonschema.exceptions.best_match([error]) or error
    return Reject.of(
        SCHEMA_VIOLATION, source, record, field=pointer(best), id=id,
        detail=_shorten(best.message), fix=_fix(best),
    )


def first_error(instance: dict[str, Any], name: str, schema_dir: Path | None) -> jsonschema.ValidationError | None:
    if is_valid(instance, name, schema_dir):
        return None
    import jsonschema

    errors = list(_validator(name, schema_dir).iter_errors(instance))
    if not errors:
        return None
    return jsonschema.exceptions.best_match(errors)


def validate_raw(fields: dict[str, Any], source: str, record: int | None, schema_dir: Path | None,
                 id: str | None = None) -> Reject | None:
    """The record's first raw-schema violation, named by ``id`` unless a given id is itself invalid."""
    error = first_error(fields, RAW_RECORD, schema_dir)
    if error is None:
        return None
    if "id" in fields and not is_valid({"id": fields["id"], "text": "-"}, RAW_RECORD, schema_dir):
        id = None  # an id the schema refuses names nothing
    return _reject(error, source, record, id)


def validate_document(doc: dict[str, Any], source: str, record: int | None, schema_dir: Path | None) -> Reject | None:
    error = first_error(doc, DOCUMENT, schema_dir)
    return None if error is None else _reject(error, source, record, doc.get("id"))
