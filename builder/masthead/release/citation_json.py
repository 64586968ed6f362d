"""JSON citation records of one release: Zenodo's deposit metadata and CSL-JSON.

``zenodo``: the ``.zenodo.json`` Zenodo's GitHub integration reads from a repository's root
(its legacy deposit fields: upload_type, title, creators, description, version, ...). A DOI is
never set: Zenodo mints the version DOI and keeps the concept DOI itself. A corpus under no
SPDX licence (news articles are not) gets ``access_right: restricted`` with its terms as the
access conditions, since Zenodo would otherwise publish it open under its default licence.

``csl-json``: one CSL-JSON item of ``type: dataset``, as Zotero imports and pandoc's citeproc reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.project.corpusinfo import CorpusInfo, author_name
from masthead.release.citation import bibtex_key
from masthead.release.manifest import dump_json


def _family(author: dict[str, Any]) -> str:
    return " ".join(str(p) for p in (author.get("name-particle"), author.get("family-names")) if p)


def _zenodo_creator(author: dict[str, Any]) -> dict[str, str]:
    if "name" in author:
        creator = {"name": str(author["name"])}
    else:
        family, given = _family(author), str(author.get("given-names") or "")
        creator = {"name": f"{family}, {given}" if family and given else author_name(author)}
    if author.get("affiliation"):
        creator["affiliation"] = str(author["affiliation"])
    if author.get("orcid"):
        creator["orcid"] = str(author["orcid"]).rstrip("/").rsplit("/", 1)[-1]  # Zenodo takes the bare iD
    return creator


def zenodo_metadata(info: CorpusInfo, corpus: str, version: str, released: dt.date,
                    license_name: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "upload_type": "dataset",
        "title": info.title,
        "creators": [_zenodo_creator(a) for a in info.authors],
        "description": " ".join((info.abstract or info.title).split()),
        "version": version,
        "publication_date": released.isoformat(),
    }
    if info.license:
        meta["access_right"] = "open"
        meta["license"] = info.license.lower()  # Zenodo's licence ids are the SPDX ids in lower case
    else:
        meta["access_right"] = "restricted"
        meta["access_conditions"] = (f"{license_name}: " if license_name else "") + (
            "the corpus is under no open licence; see the Terms of use in the dataset card (README.md).")
    if info.keywords:
        meta["keywords"] = list(info.keywords)
    code = info.raw.get("repository-code")
    if code:
        meta["related_identifiers"] = [
            {"identifier": str(code), "relation": "isCompiledBy", "resource_type": "software", "scheme": "url"}]
    meta["notes"] = f"Release {version} of {corpus}, built with masthead."
    return meta


def _csl_author(author: dict[str, Any]) -> dict[str, str]:
    if "name" in author:
        return {"literal": str(author["name"])}
    name: dict[str, str] = {}
    if author.get("family-names"):
        name["family"] = str(author["family-names"])
    if author.get("given-names"):
        name["given"] = str(author["given-names"])
    if author.get("name-particle"):
        name["non-dropping-particle"] = str(author["name-particle"])
    if author.get("name-suffix"):
        name["suffix"] = str(author["name-suffix"])
    return name or {"literal": author_name(author)}


def csl_item(info: CorpusInfo, corpus: str, version: str, released: dt.date) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": bibtex_key(corpus, version),
        "type": "dataset",
        "title": info.title,
        "author": [_csl_author(a) for a in info.authors],
        "issued": {"date-parts": [[released.year, released.month, released.day]]},
        "version": version,
    }
    if info.cite_doi:
        item["DOI"] = info.cite_doi
    link = info.url or info.repository
    if link:
        item["URL"] = str(link)
    if info.abstract:
        item["abstract"] = " ".join(info.abstract.split())
    if info.keywords:
        item["keyword"] = ", ".join(info.keywords)
    item["note"] = f"Release {version} of {corpus}, {released.isoformat()}"
    return item


def zenodo_json(info: CorpusInfo, corpus: str, version: str, released: dt.date, license_name: str | None = None) -> str:
    return dump_json(zenodo_metadata(info, corpus, version, released, license_name))


def csl_json(info: CorpusInfo, corpus: str, version: str, released: dt.date) -> str:
    """A CSL-JSON file: an array of items, here the one release."""
    return dump_json([csl_item(info, corpus, version, released)])
