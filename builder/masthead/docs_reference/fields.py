"""The fields reference: every field of masthead's schemas (schema/*.json), with type, nullability and meaning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from masthead.docs_reference.markdown import GENERATED_NOTE, cell, code, paragraphs, table

MASTHEAD_IDS = "https://masthead.dev/schema/"  # schemas of masthead's own; others (CITATION.cff) are only named
FIRST = ("document.schema.json", "raw-record.schema.json")  # the published document, then what a collector gives
TEXT_MARK = "x-masthead-text"  # a field a metadata-only release leaves out (masthead.schema.release_schema)

# constraints shown after a field's description: keyword -> how to say it
_CONSTRAINTS = {
    "const": "always {}", "format": "format {}", "pattern": "pattern {}", "contentEncoding": "encoded {}",
    "minLength": "min length {}", "maxLength": "max length {}",
    "minimum": "minimum {}", "maximum": "maximum {}", "minItems": "min items {}", "maxItems": "max items {}",
    "uniqueItems": "items unique", "default": "default {}",
}


@dataclass(frozen=True)
class FieldDoc:
    """One field of a schema: its dotted path (``cleaning.removed[].rule``) and its resolved subschema."""

    path: str
    schema: dict[str, Any]
    required: bool


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """``node`` with a local ``$ref`` followed; the node's own keys (a description) win over the target's."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return node
    target = _resolve(root["$defs"][ref.removeprefix("#/$defs/")], root)
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _items(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    items = node.get("items")
    return _resolve(items, root) if isinstance(items, dict) else None


def walk_fields(node: dict[str, Any], root: dict[str, Any], prefix: str = "") -> Iterator[FieldDoc]:
    """Every property under ``node``, depth first; an array of objects continues as ``name[].field``."""
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        sub = _resolve(sub, root)
        path = f"{prefix}{name}"
        yield FieldDoc(path, sub, name in required)
        yield from walk_fields(sub, root, f"{path}.")
        items = _items(sub, root)
        if items is not None:
            yield from walk_fields(items, root, f"{path}[].")


def type_name(node: dict[str, Any], root: dict[str, Any]) -> str:
    """The field's type in words: ``string``, ``array of string``, ``string or array of string``."""
    node = _resolve(node, root)
    alternatives = node.get("oneOf") or node.get("anyOf")
    if isinstance(alternatives, list) and "type" not in node:
        names = [type_name(alt, root) for alt in alternatives]
        return " or ".join(dict.fromkeys(name for name in names if name != "null")) or "null"
    types = node.get("type", "any")
    types = [types] if isinstance(types, str) else list(types)
    names = []
    for kind in types:
        items = _items(node, root)
        if kind == "null":
            continue
        names.append(f"array of {type_name(items, root)}" if kind == "array" and items is not None else kind)
    return " or ".join(names) or "null"


def nullable(node: dict[str, Any]) -> bool:
    types = node.get("type")
    alternatives = node.get("oneOf") or node.get("anyOf") or []
    return (types == "null" or (isinstance(types, list) and "null" in types)
            or any(isinstance(alt, dict) and alt.get("type") == "null" for alt in alternatives))


def _description(field: FieldDoc) -> str:
    node = field.schema
    parts = [cell(node.get("description", ""))]
    enum = [value for value in node.get("enum", ()) if value is not None]
    if enum:
        parts.append("One of: " + ", ".join(code(json.dumps(value)) for value in enum) + ".")
    quoted = ("const", "pattern", "default", "format", "contentEncoding")
    limits = "; ".join(template.format(code(json.dumps(node[key])) if key in quoted else node[key])
                       for key, template in _CONSTRAINTS.items() if key in node and node[key] is not False)
    if limits:
        parts.append(cell(limits[0].upper() + limits[1:]) + ".")
    if node.get(TEXT_MARK):
        parts.append("Left out of metadata-only releases (`text = \"metadata\"`).")
    return " ".join(part for part in parts if part)


def fields_table(fields: list[FieldDoc], root: dict[str, Any]) -> str:
    rows = [(code(f.path), cell(type_name(f.schema, root)), "yes" if nullable(f.schema) else "no",
             "yes" if f.required else "no", _description(f)) for f in fields]
    return table(("Field", "Type", "Nullable", "Required", "Description"), rows)


def _referenced(schema: dict[str, Any]) -> set[str]:
    return {ref.removeprefix("#/$defs/") for ref in _refs(schema)}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def schema_section(path: Path, schema: dict[str, Any]) -> str:
    """One schema: its title, file, $id and description, its fields, then any object it defines apart."""
    parts = [f"## {schema.get('title', path.name)}",
             f"File {code('schema/' + path.name)}, {code(schema['$id'])}.",
             paragraphs(schema.get("description", "")),
             fields_table(list(walk_fields(schema, schema)), schema)]
    used = _referenced(schema)
    for name, definition in schema.get("$defs", {}).items():
        if name in used or "properties" not in definition:
            continue  # shown where it is used, or not an object of fields
        parts += [f"### {code('$defs/' + name)}", paragraphs(definition.get("description", "")),
                  fields_table(list(walk_fields(definition, schema)), schema)]
    return "\n\n".join(part for part in parts if part)


def schema_files() -> list[tuple[Path, dict[str, Any]]]:
    """The packaged schemas (what ``schema/`` holds), masthead's own first: the document, the raw record."""
    from masthead.schema import default_schema_dir, load_schema

    paths = sorted(default_schema_dir().glob("*.schema.json"),
                   key=lambda p: (FIRST.index(p.name) if p.name in FIRST else len(FIRST), p.name))
    return [(path, load_schema(path.name)) for path in paths]


def fields_reference() -> str:
    """The fields reference page, in Markdown."""
    own = [(path, schema) for path, schema in schema_files() if str(schema.get("$id", "")).startswith(MASTHEAD_IDS)]
    others = [(path, schema) for path, schema in schema_files() if (path, schema) not in own]
    parts = [
        "# Fields reference",
        GENERATED_NOTE.format(source="the JSON schemas (`schema/*.json`)"),
        "A corpus project may override any of these schemas with its own `schema/` folder.",
        *(schema_section(path, schema) for path, schema in own),
    ]
    if others:
        parts += ["## Other schemas", "Shipped with masthead to check files in standard formats; their fields are "
                  "those of the standard.", "\n".join(
                      f"- {code('schema/' + path.name)}: {cell(schema.get('title', ''))} ({code(schema.get('$id', ''))})"
                      for path, schema in others)]
    return "\n\n".join(parts) + "\n"
