"""The schema is the single source of truth: everything derived from it agrees with it."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow as pa
import pytest
from jsonschema import Draft202012Validator

from conftest import REPO
from masthead.errors import SchemaError
from masthead.schema import (
    arrow_schema,
    dataset_info_features,
    default_schema_dir,
    document_schema,
    features,
    load_schema,
    raw_record_schema,
)

SCHEMA_FILES = sorted((REPO / "schema").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_each_schema_is_valid_and_versioned(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    if schema.get("$schema", "").endswith("draft-07/schema#") or "cff" in path.name:
        return  # third-party schema kept as published
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].rsplit("/", 1)[-1].count(".") == 2  # ends in a semantic version


def test_package_ships_the_same_schemas_as_the_repository() -> None:
    packaged = {p.name: p.read_bytes() for p in default_schema_dir().glob("*.json")}
    in_repo = {p.name: p.read_bytes() for p in (REPO / "schema").glob("*.json")}
    assert packaged == in_repo


def test_arrow_schema_follows_the_json_schema() -> None:
    doc = document_schema()
    schema = arrow_schema(doc)
    assert schema.names == list(doc["properties"])
    required = set(doc["required"])
    for field in schema:
        declared = doc["properties"][field.name].get("type")
        nullable = isinstance(declared, list) and "null" in declared
        assert field.nullable == (nullable or field.name not in required), field.name
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("source_record").type == pa.int64()
    assert pa.types.is_struct(schema.field("provenance").type)
    assert [f.name for f in schema.field("provenance").type] == list(doc["properties"]["provenance"]["properties"])


def test_features_and_card_dataset_info_agree_with_the_arrow_schema() -> None:
    doc = document_schema()
    feats = features(doc)
    assert feats.arrow_schema.names == arrow_schema(doc).names
    assert isinstance(feats["authors"], datasets.List)
    info = dataset_info_features(doc)
    assert [f["name"] for f in info] == list(doc["properties"])
    # what datasets itself reads back from the card's YAML is the same Features
    assert datasets.Features._from_yaml_list(info) == feats


def test_project_schema_overrides_the_packaged_one(tmp_path: Path) -> None:
    custom = dict(raw_record_schema())
    custom["$id"] = "https://example.org/raw/9.9.9"
    (tmp_path / "raw-record.schema.json").write_text(json.dumps(custom))
    assert load_schema("raw-record.schema.json", tmp_path)["$id"] == "https://example.org/raw/9.9.9"
    assert load_schema("document.schema.json", tmp_path)["$id"] == document_schema()["$id"]


def test_unmappable_schema_is_a_clear_error() -> None:
    with pytest.raises(SchemaError, match="exactly one non-null JSON type"):
        arrow_schema({"$id": "x/1.0.0", "properties": {"a": {"type": ["string", "integer"]}}})
