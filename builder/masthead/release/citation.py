"""Citations of one release: its CITATION.cff and the formats derived from it (BibTeX, ...)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from masthead.errors import ConfigError
from masthead.project.corpusinfo import CorpusInfo, author_name, dois


def release_cff(info: CorpusInfo, version: str, released: dt.date) -> dict[str, Any]:
    """The release's CITATION.cff: the project's, with this version and date, and the DOIs that
    name this release (``doi``: the version DOI, else the concept DOI; see CorpusInfo.for_release)."""
    data: dict[str, Any] = {"cff-version": "1.2.0"}
    data.update({k: v for k, v in info.raw.items() if k != "cff-version"})
    dropped = dois(info.raw)[0] if info.version not in (None, version) else None
    info = info.for_release(version)
    if dropped is not None:
        data.pop("doi", None)
        kept = [e for e in data.get("identifiers") or [] if not (isinstance(e, dict) and e.get("value") == dropped)]
        if kept:
            data["identifiers"] = kept
        else:
            data.pop("identifiers", None)
    if not info.raw:
        data.update({
            "message": "If you use this dataset, please cite it as below.",
            "title": info.title,
            "authors": info.authors,
        })
    data.setdefault("message", "If you use this dataset, please cite it as below.")
    data["type"] = "dataset"
    data["version"] = version
    data["date-released"] = released.isoformat()
    if info.cite_doi:
        data["doi"] = info.cite_doi
    check_cff(data, "CITATION.cff")
    return data


CFF_SCHEMA = "cff-1.2.0.schema.json"


def _as_json(value: Any) -> Any:
    """YAML dates as strings, as the CFF schema asks tools to do before validating."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def cff_problems(data: dict[str, Any]) -> list[str]:
    """Where ``data`` breaks the official CFF 1.2.0 JSON Schema ('path: message'), empty when valid."""
    import json

    from jsonschema import Draft7Validator

    from masthead.schema import default_schema_dir

    schema = json.loads((default_schema_dir() / CFF_SCHEMA).read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema).iter_errors(_as_json(data)), key=lambda e: list(e.absolute_path))
    return [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors]


def check_cff(data: dict[str, Any], source: str) -> None:
    problems = cff_problems(data)
    if problems:
        raise ConfigError(
            f"{source}: the release's CITATION.cff would not be valid CFF 1.2.0: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            + "; correct the project's CITATION.cff (see https://citation-file-format.github.io)"
        )


def dump_cff(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def bibtex_key(name: str, version: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{name}_{version}").strip("_")


def bibtex(info: CorpusInfo, name: str, version: str, released: dt.date) -> str:
    """A BibTeX @misc entry naming this exact release (version in the title, key and fields)."""
    authors = " and ".join(_bib_author(a) for a in info.authors)
    fields = [
        ("title", f"{{{_bibtex_escape(info.title)} (version {version})}}"),
        ("author", authors),
        ("year", str(released.year)),
        ("month", released.strftime("%b").lower()),
        ("version", version),
        ("howpublished", "Dataset"),
    ]
    if info.cite_doi:
        fields.append(("doi", info.cite_doi))
    if info.url or info.repository:
        fields.append(("url", str(info.url or info.repository)))
    fields.append(("note", f"Release {version} of {name}, {released.isoformat()}"))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@misc{{{bibtex_key(name, version)},\n{body}\n}}\n"


def _bib_author(author: dict[str, Any]) -> str:
    """Persons as 'Family, Given'; entities in braces so BibTeX keeps them whole."""
    if "name" in author:
        return "{" + _bibtex_escape(str(author["name"])) + "}"
    return _bibtex_escape(_bib_person(author))


def _bib_person(author: dict[str, Any]) -> str:
    family = " ".join(str(p) for p in (author.get("name-particle"), author.get("family-names")) if p)
    given = author.get("given-names")
    return f"{family}, {given}" if given and family else author_name(author)
