"""Corpus metadata from the project's ``CITATION.cff``: title, authors, abstract, licence, version.

CITATION.cff is the one place a corpus's descriptive metadata lives; the dataset card, the
release's own CITATION.cff and every citation format are written from what this reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from masthead.errors import ConfigError


@dataclass(frozen=True)
class CorpusInfo:
    """What CITATION.cff says about the corpus.

    ``license`` is an SPDX id only when the corpus really is under one; news articles are
    not, so the default project leaves it out and the terms come from [tool.masthead]
    ``license_name`` / ``license_note`` (CFF 1.2.0 allows no custom keys).

    ``doi`` is the DOI of one version (CFF ``doi``, or an ``identifiers`` DOI); ``concept_doi``
    the DOI of every version at once (an ``identifiers`` DOI whose description says "concept"),
    as Zenodo mints them. Neither is ever made up: without one in CITATION.cff both are None.
    """

    title: str
    authors: list[dict[str, Any]]
    abstract: str = ""
    license: str | None = None
    keywords: list[str] = field(default_factory=list)
    version: str | None = None
    doi: str | None = None
    concept_doi: str | None = None
    url: str | None = None
    repository: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def author_names(self) -> list[str]:
        return [author_name(a) for a in self.authors]

    @property
    def cite_doi(self) -> str | None:
        """The DOI a citation names: this version's, else the concept DOI (which resolves to the newest)."""
        return self.doi or self.concept_doi

    def for_release(self, version: str) -> CorpusInfo:
        """What applies to release ``version``: a version DOI names the version CITATION.cff names,
        so when that is another version, the release keeps only the concept DOI."""
        if self.doi is None or self.version in (None, version):
            return self
        return replace(self, doi=None)


def dois(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """(version DOI, concept DOI) recorded in CITATION.cff data.

    ``identifiers`` entries of type ``doi`` are the concept DOI when their description says
    "concept", else a version DOI; CFF ``doi`` is a version DOI unless it is the concept DOI.
    """
    version: str | None = None
    concept: str | None = None
    for entry in data.get("identifiers") or []:
        if not isinstance(entry, dict) or entry.get("type") != "doi" or not entry.get("value"):
            continue
        if "concept" in str(entry.get("description", "")).lower():
            concept = concept or str(entry["value"])
        else:
            version = version or str(entry["value"])
    top = str(data["doi"]) if data.get("doi") else None
    if top is not None and top != concept:
        version = version or top
    return version, concept


def author_name(author: dict[str, Any]) -> str:
    if "name" in author:
        return str(author["name"])
    parts = [author.get("given-names"), author.get("name-particle"), author.get("family-names")]
    name = " ".join(str(p) for p in parts if p)
    suffix = author.get("name-suffix")
    return f"{name}, {suffix}" if suffix else name


def read_corpus_info(path: Path | None, fallback_title: str) -> CorpusInfo:
    """Read CITATION.cff; with none, a minimal record that says so rather than inventing authors."""
    if path is None:
        return CorpusInfo(
            title=fallback_title,
            authors=[{"name": "Unknown (no CITATION.cff in the corpus project)"}],
            abstract="",
        )
    import yaml  # here: a command that never reads CITATION.cff starts without it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read CITATION.cff: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: CITATION.cff must be a YAML mapping")
    for key in ("title", "authors"):
        if not data.get(key):
            raise ConfigError(f"{path}: CITATION.cff needs '{key}' (see https://citation-file-format.github.io)")
    authors = data["authors"]
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        raise ConfigError(f"{path}: 'authors' must be a list of persons or entities")
    license_value = data.get("license")
    version_doi, concept_doi = dois(data)
    return CorpusInfo(
        title=str(data["title"]),
        authors=authors,
        abstract=str(data.get("abstract", "")).strip(),
        license=str(license_value) if isinstance(license_value, str) else None,
        keywords=[str(k) for k in data.get("keywords", []) or []],
        version=str(data["version"]) if data.get("version") is not None else None,
        doi=version_doi,
        concept_doi=concept_doi,
        url=str(data["url"]) if data.get("url") else None,
        repository=str(data.get("repository-code") or data.get("repository") or "") or None,
        raw=data,
    )
