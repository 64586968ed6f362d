"""The schema is the single source of truth.

Loads ``schema/*.json`` (the corpus project's own folder first, else the defaults shipped
in the package) and derives from ``document.schema.json`` the Arrow schema, the
``datasets.Features`` and the dataset card's ``dataset_info`` features. Nothing else in
masthead lists the document's fields.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from masthead.errors import SchemaError
from masthead.settings import TEXT_POLICIES

if TYPE_CHECKING:
    import datasets

DOCUMENT = "document.schema.json"
RAW_RECORD = "raw-record.schema.json"

_SCALARS = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


def default_schema_dir() -> Path:
    """The schemas shipped inside the installed package."""
    return Path(str(resources.files("masthead") / "schemas"))


def schema_file(name: str, schema_dir: Path | None = None) -> Path:
    """``name`` from the project's schema folder when it has one, else the packaged default."""
    if schema_dir is not None and (schema_dir / name).is_file():
        return schema_dir / name
    path = default_schema_dir() / name
    if not path.is_file():
        raise SchemaError(f"schema {name} is missing from the masthead package ({path})")
    return path


def file_stamp(path: str) -> tuple[int, ...]:
    """What tells a file's versions apart without reading it (inode, size, modification time): a
    cache keyed by path and stamp reads a schema or registry again once it was edited, even in a
    long-running process."""
    try:
        stat = Path(path).stat()
    except OSError:
        return ()
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _load(path: str, stamp: tuple[int, ...] = ()) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path}: cannot read the schema: {exc}") from exc
    if not isinstance(data, dict) or "$id" not in data:
        raise SchemaError(f"{path}: a masthead schema is a JSON object with a versioned $id")
    return data


def load_schema(name: str, schema_dir: Path | None = None) -> dict[str, Any]:
    path = str(schema_file(name, schema_dir))
    return _load(path, file_stamp(path))


def document_schema(schema_dir: Path | None = None) -> dict[str, Any]:
    return load_schema(DOCUMENT, schema_dir)


def raw_record_schema(schema_dir: Path | None = None) -> dict[str, Any]:
    return load_schema(RAW_RECORD, schema_dir)


def _resolve(prop: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref")
    if ref is None:
        return prop
    if not ref.startswith("#/$defs/"):
        raise SchemaError(f"only local '#/$defs/...' references can be mapped to Arrow, got {ref!r}")
    target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
    if target is None:
        raise SchemaError(f"reference {ref!r} points at nothing")
    return _resolve(target, root)


def resolve_property(prop: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """A property with its local ``$ref`` followed (for derivations outside this module)."""
    return _resolve(prop, root)


def _types(prop: dict[str, Any]) -> tuple[str, bool]:
    declared = prop.get("type")
    names = [declared] if isinstance(declared, str) else list(declared or [])
    concrete = [t for t in names if t != "null"]
    if len(concrete) != 1:
        raise SchemaError(f"each field needs exactly one non-null JSON type to map to Arrow, got {declared!r}")
    return concrete[0], "null" in names


def _arrow_type(prop: dict[str, Any], root: dict[str, Any]) -> pa.DataType:
    prop = _resolve(prop, root)
    kind, _ = _types(prop)
    if kind == "string" and prop.get("contentEncoding") == "base64":
        return pa.binary()  # bytes in Arrow, base64 where the document is JSON
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "array":
        return pa.list_(_arrow_type(prop.get("items", {}), root))
    if kind == "object":
        return pa.struct(_arrow_fields(prop, root))
    raise SchemaError(f"JSON type {kind!r} has no Arrow mapping")


def _arrow_fields(obj: dict[str, Any], root: dict[str, Any]) -> list[pa.Field]:
    required = set(obj.get("required", []))
    fields = []
    for name, prop in obj.get("properties", {}).items():
        _, nullable = _types(_resolve(prop, root))
        fields.append(pa.field(name, _arrow_type(prop, root), nullable=nullable or name not in required))
    return fields


def arrow_schema(doc_schema: dict[str, Any]) -> pa.Schema:
    """The Arrow schema of a release's Parquet files, in the JSON Schema's property order."""
    return pa.schema(_arrow_fields(doc_schema, doc_schema))


def field_names(doc_schema: dict[str, Any]) -> list[str]:
    return list(doc_schema.get("properties", {}))


def features(doc_schema: dict[str, Any]) -> datasets.Features:
    """The ``datasets.Features`` of the release, derived from the Arrow schema."""
    import datasets

    return datasets.Features.from_arrow_schema(arrow_schema(doc_schema))


def dataset_info_features(doc_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``features`` list of the card's ``dataset_info``, as ``datasets`` writes it."""
    import datasets

    info = datasets.DatasetInfo(features=features(doc_schema))
    return list(info._to_yaml_dict()["features"])


def field_table(doc_schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, type, description) rows for the card's field table."""
    rows = []
    for name, prop in doc_schema.get("properties", {}).items():
        resolved = _resolve(prop, doc_schema)
        rows.append((name, str(_arrow_type(prop, doc_schema)), str(resolved.get("description", prop.get("description", "")))))
    return rows


def schema_id(doc_schema: dict[str, Any]) -> str:
    return str(doc_schema["$id"])


# The text policy: a full release publishes the document schema as it is; a metadata-only release
# publishes it without the fields marked ``x-masthead-text`` and with ``$defs/verification``'s fields.
TEXT_MARK = "x-masthead-text"
VERIFICATION = "verification"


def text_fields(doc_schema: dict[str, Any]) -> list[str]:
    """The fields that carry (a part of) the text, marked ``x-masthead-text`` in the schema."""
    return [name for name, prop in doc_schema.get("properties", {}).items() if prop.get(TEXT_MARK)]


def verification_fields(doc_schema: dict[str, Any]) -> list[str]:
    """The fields a metadata-only release holds in place of the text (``$defs/verification``)."""
    return list(doc_schema.get("$defs", {}).get(VERIFICATION, {}).get("properties", {}))


def metadata_schema(doc_schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a metadata-only release's documents, derived from the document schema: every
    property but the text fields, then the verification fields; ``$id`` gets ``/metadata``."""
    verification = doc_schema.get("$defs", {}).get(VERIFICATION)
    if not isinstance(verification, dict) or not verification.get("properties"):
        raise SchemaError(f"{schema_id(doc_schema)}: a metadata-only release needs $defs/{VERIFICATION} "
                          "(the fields that replace the text); add it to document.schema.json")
    dropped = set(text_fields(doc_schema))
    properties = {name: prop for name, prop in doc_schema["properties"].items() if name not in dropped}
    properties.update(verification["properties"])
    required = [name for name in doc_schema.get("required", []) if name not in dropped]
    required += [name for name in verification.get("required", []) if name not in required]
    return {**doc_schema, "$id": f"{schema_id(doc_schema)}/metadata",
            "title": f"{doc_schema.get('title', 'document')} (metadata only)",
            "description": str(verification.get("description", doc_schema.get("description", ""))),
            "required": required, "properties": properties}


def release_schema(doc_schema: dict[str, Any], text: str = "full") -> dict[str, Any]:
    """The schema a release of text policy ``text`` publishes (Arrow, Features, card and Croissant
    all derive from it)."""
    if text not in TEXT_POLICIES:
        raise SchemaError(f"text = {text!r}; choose one of {', '.join(TEXT_POLICIES)}")
    return doc_schema if text == "full" else metadata_schema(doc_schema)



HYDRATION = "hydration"


def hydrated_schema(doc_schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of ``masthead hydrate``'s output: the full document schema, its text fields
    nullable (filled only for the documents accepted), and a ``hydration`` column (``$defs/hydration``)."""
    if HYDRATION not in doc_schema.get("$defs", {}):
        raise SchemaError(f"{schema_id(doc_schema)}: hydrate's output needs $defs/{HYDRATION}; add it to document.schema.json")
    dropped = set(text_fields(doc_schema))
    properties = {name: ({**prop, "type": _nullable(prop.get("type"))} if name in dropped else prop)
                  for name, prop in doc_schema["properties"].items()}
    properties[HYDRATION] = {"$ref": f"#/$defs/{HYDRATION}"}
    return {**doc_schema, "$id": f"{schema_id(doc_schema)}/hydrated",
            "required": [*(name for name in doc_schema.get("required", []) if name not in dropped), HYDRATION],
            "properties": properties}


def _nullable(declared: Any) -> list[str]:
    names = [declared] if isinstance(declared, str) else list(declared or [])
    return names if "null" in names else [*names, "null"]
