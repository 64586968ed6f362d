"""Citation formats of a published release, read back from its own CITATION.cff.

BibTeX (the same text the dataset card shows), APA (plain text), RIS, the CFF file itself,
DataCite XML, Zenodo's ``.zenodo.json`` and CSL-JSON. Every format names the exact release: its
version and release date, and the DOI CITATION.cff records for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from masthead.errors import ConfigError
from masthead.project.corpusinfo import CorpusInfo, read_corpus_info
from masthead.release.citation import bibtex
from masthead.release.layout import CITATION
from masthead.release.manifest import read_manifest_json

FORMATS = ("bibtex", "apa", "ris", "cff", "datacite", "zenodo", "csl-json")


def _initials(given: str) -> str:
    parts = [p for chunk in given.split() for p in chunk.split("-") if p]
    return " ".join(f"{p[0]}." for p in parts)


def _apa_author(author: dict[str, Any]) -> str:
    if "name" in author:
        return str(author["name"])
    family = " ".join(str(p) for p in (author.get("name-particle"), author.get("family-names")) if p)
    given = str(author.get("given-names") or "")
    name = f"{family}, {_initials(given)}" if family and given else family or given
    return f"{name}, {author['name-suffix']}" if author.get("name-suffix") else name


def _apa_authors(authors: list[dict[str, Any]]) -> str:
    names = [_apa_author(a) for a in authors]
    if len(names) == 1:
        return names[0]
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:19]) + ", … " + names[-1]


def _link(info: CorpusInfo) -> str | None:
    if info.cite_doi:
        return f"https://doi.org/{info.cite_doi}"
    return info.url or info.repository


def apa(info: CorpusInfo, version: str, released: dt.date) -> str:
    """APA 7 reference for a data set: Authors. (Year). Title (Version x) [Data set]. Link"""
    authors = _apa_authors(info.authors)
    text = f"{authors}{'' if authors.endswith('.') else '.'} ({released.year}). {info.title} (Version {version}) [Data set]."
    link = _link(info)
    return f"{text} {link}\n" if link else f"{text}\n"


def ris(info: CorpusInfo, name: str, version: str, released: dt.date) -> str:
    """RIS record (TY DATA) for reference managers."""
    lines = [("TY", "DATA"), ("TI", info.title)]
    for author in info.authors:
        if "name" in author:
            lines.append(("AU", str(author["name"])))
        else:
            family = " ".join(str(p) for p in (author.get("name-particle"), author.get("family-names")) if p)
            given = author.get("given-names")
            lines.append(("AU", f"{family}, {given}" if family and given else family or str(given or "")))
    lines += [("PY", str(released.year)), ("DA", released.strftime("%Y/%m/%d/")), ("ET", version)]
    if info.cite_doi:
        lines.append(("DO", info.cite_doi))
    link = info.url or info.repository
    if link:
        lines.append(("UR", str(link)))
    if info.abstract:
        lines.append(("AB", " ".join(info.abstract.split())))
    lines += [("KW", k) for k in info.keywords]
    lines += [("N1", f"Release {version} of {name}, {released.isoformat()}"), ("ER", "")]
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


def available_citations(folder: Path) -> dict[str, str]:
    """Every format this release can be cited in: a format whose facts the release lacks (DataCite
    without a DOI in CITATION.cff) is left out rather than invented."""
    texts: dict[str, str] = {}
    for fmt in FORMATS:
        try:
            texts[fmt] = format_citation(folder, fmt)
        except ConfigError:
            continue
    return texts


def format_citation(folder: Path, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown citation format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = folder / CITATION
    if fmt == "cff":
        return path.read_text(encoding="utf-8")
    manifest = read_manifest_json(folder)
    info = read_corpus_info(path, manifest["corpus"])
    released = dt.date.fromisoformat(str(info.raw.get("date-released", manifest["released"])))
    version = str(manifest["version"])
    settings = manifest.get("settings", {})
    if fmt == "datacite":
        from masthead.release.datacite import datacite_xml

        return datacite_xml(info, manifest["corpus"], version, released, manifest.get("counts", {}).get("published"),
                            settings.get("license_name"), settings.get("language"))
    if fmt == "zenodo":
        from masthead.release.citation_json import zenodo_json

        return zenodo_json(info, manifest["corpus"], version, released, settings.get("license_name"))
    if fmt == "csl-json":
        from masthead.release.citation_json import csl_json

        return csl_json(info, manifest["corpus"], version, released)
    if fmt == "apa":
        return apa(info, version, released)
    if fmt == "ris":
        return ris(info, manifest["corpus"], version, released)
    return bibtex(info, manifest["corpus"], version, released)
