"""croissant.json: the release described in Croissant 1.1 (JSON-LD), as ``mlcroissant`` reads it.

One ``cr:FileObject`` per Parquet shard (with its SHA-256), one ``cr:FileSet`` over them, and
one ``cr:RecordSet`` whose fields are derived from ``schema/document.schema.json``: JSON
scalars map to schema.org types, arrays of scalars to repeated fields, objects and arrays of
objects to ``subField``s read from the struct column with ``jsonPath`` transforms. The
Responsible-AI fields (``rai:``) come from :mod:`masthead.release.croissant_rai`. Only JSON is
written here; ``mlcroissant`` is needed to read it, not to build it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from masthead.errors import SchemaError
from masthead.project.corpusinfo import CorpusInfo
from masthead.release.checksums import file_sha256
from masthead.release.citation import bibtex
from masthead.release.layout import DATA
from masthead.release.manifest import dump_json
from masthead.schema import resolve_property

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
# The version of the description masthead writes (cr:sdVersion, not the dataset's): 1.0.0 was the
# Croissant 1.0 one; 2.0.0 is Croissant 1.1 with the RAI fields.
SD_VERSION = "2.0.0"
RECORD_SET = "documents"
FILE_SET = "parquet-files"
PARQUET = "application/x-parquet"

# Croissant 1.1's @context (as mlcroissant's make_context gives it for 1.1), plus sdVersion.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean"}


def _kind(prop: dict[str, Any]) -> str:
    declared = prop.get("type")
    names = [declared] if isinstance(declared, str) else [t for t in declared or [] if t != "null"]
    if len(names) != 1:
        raise SchemaError(f"cannot map JSON type {declared!r} to a Croissant field")
    return str(names[0])


def _source(column: str, path: list[str]) -> dict[str, Any]:
    source: dict[str, Any] = {"fileSet": {"@id": FILE_SET}, "extract": {"column": column}}
    if path:
        source["transform"] = [{"jsonPath": step} for step in path]
    return source


def _field(field_id: str, name: str, prop: dict[str, Any], root: dict[str, Any], column: str, path: list[str]) -> dict[str, Any]:
    prop = resolve_property(prop, root)
    kind = _kind(prop)
    out: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": name}
    if prop.get("description"):
        out["description"] = str(prop["description"])
    item = prop
    if kind == "array":
        out["repeated"] = True
        item = resolve_property(prop.get("items", {}), root)
        kind = _kind(item)
    if kind == "object":
        out["subField"] = [
            _field(f"{field_id}/{sub}", sub, sub_prop, root, column, [*path, sub])
            for sub, sub_prop in item.get("properties", {}).items()
        ]
        return out
    if kind not in _DATA_TYPES:
        raise SchemaError(f"JSON type {kind!r} of field {field_id} has no Croissant data type")
    out["dataType"] = _DATA_TYPES[kind]
    out["source"] = _source(column, path)
    return out


def record_set_fields(doc_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The record set's fields, one per document property, in the schema's order."""
    return [
        _field(f"{RECORD_SET}/{name}", name, prop, doc_schema, name, [])
        for name, prop in doc_schema.get("properties", {}).items()
    ]


def _creator(author: dict[str, Any]) -> dict[str, Any]:
    if "name" in author:
        return {"@type": "Organization", "name": str(author["name"])}
    given, family = author.get("given-names"), author.get("family-names")
    person: dict[str, Any] = {"@type": "Person", "name": " ".join(str(p) for p in (given, family) if p)}
    if author.get("orcid"):
        person["sameAs"] = str(author["orcid"])
    return person


def croissant_metadata(
    folder: Path,
    corpus: str,
    info: CorpusInfo,
    version: str,
    released: dt.date,
    doc_schema: dict[str, Any],
    license_name: str | None = None,
    digests: dict[Path, str] | None = None,
    rai: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``digests``: SHA-256 of files already known, by path (reused shards); the ones hashed here are
    added, for SHA256SUMS to take. ``rai``: the Responsible-AI properties (croissant_rai.rai_fields)."""
    shards = sorted((folder / DATA).glob("*.parquet"))
    known = digests if digests is not None else {}
    for path in shards:
        if path not in known:
            known[path] = file_sha256(path)
    distribution: list[dict[str, Any]] = [
        {
            "@type": "cr:FileObject",
            "@id": path.relative_to(folder).as_posix(),
            "name": path.relative_to(folder).as_posix(),
            "contentUrl": path.relative_to(folder).as_posix(),
            "contentSize": f"{path.stat().st_size} B",
            "encodingFormat": PARQUET,
            "sha256": known[path],
        }
        for path in shards
    ]
    distribution.append({
        "@type": "cr:FileSet",
        "@id": FILE_SET,
        "name": FILE_SET,
        "description": "The Parquet shards of every split.",
        "encodingFormat": PARQUET,
        "includes": f"{DATA}/*.parquet",
    })
    meta: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": corpus,
        "description": info.abstract or info.title,
        "conformsTo": CONFORMS_TO,
        "sdVersion": SD_VERSION,
        "citeAs": bibtex(info, corpus, version, released),
        "creator": [_creator(a) for a in info.authors],
        "datePublished": released.isoformat(),
        "version": version,
        "keywords": info.keywords,
        "distribution": distribution,
        "recordSet": [
            {
                "@type": "cr:RecordSet",
                "@id": RECORD_SET,
                "name": RECORD_SET,
                "description": str(doc_schema.get("description", "The documents of the release.")),
                "key": {"@id": f"{RECORD_SET}/id"},
                "field": record_set_fields(doc_schema),
            }
        ],
    }
    url = info.url or info.repository or (f"https://doi.org/{info.cite_doi}" if info.cite_doi else None)
    if url:
        meta["url"] = url
    if info.license:
        meta["license"] = f"https://spdx.org/licenses/{info.license}.html"
    elif license_name:
        meta["license"] = license_name
    if info.cite_doi:
        meta["identifier"] = f"https://doi.org/{info.cite_doi}"
    meta.update(rai or {})
    return meta


def write_croissant(
    folder: Path,
    corpus: str,
    info: CorpusInfo,
    version: str,
    released: dt.date,
    doc_schema: dict[str, Any],
    license_name: str | None = None,
    digests: dict[Path, str] | None = None,
    stats: dict[str, Any] | None = None,
) -> Path:
    """croissant.json of the release in ``folder`` (``digests`` as :func:`croissant_metadata`; ``stats``:
    the report's numbers, from which, with the manifest and the shards, the RAI fields are written)."""
    from masthead.release.croissant_rai import rai_fields
    from masthead.release.manifest import read_manifest_json

    target = folder / CROISSANT
    rai = rai_fields(folder, read_manifest_json(folder), stats) if stats is not None else None
    meta = croissant_metadata(folder, corpus, info, version, released, doc_schema, license_name, digests, rai)
    target.write_text(dump_json(meta), encoding="utf-8")
    return target
