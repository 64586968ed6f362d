"""DataCite Metadata Schema 4.6 XML of one release, for registering or updating its DOI.

Written from the release's own CITATION.cff and manifest. The release's DOI is the record's
``identifier``; a concept DOI (every version) is a ``relatedIdentifier`` with ``IsVersionOf``.
DataCite requires an identifier and a publisher: a release without a DOI is refused (nothing
here invents one), and the publisher, which masthead cannot know (it is the repository that
holds the files, e.g. Zenodo), is DataCite's standard code for a value unavailable, ``(:unav)``.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from masthead.errors import ConfigError
from masthead.project.corpusinfo import CorpusInfo, author_name

NAMESPACE = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = f"{NAMESPACE} https://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
UNAVAILABLE = "(:unav)"  # DataCite's standard value for "value unavailable, possibly unknown"
PARQUET = "application/vnd.apache.parquet"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _creator(parent: ET.Element, author: dict[str, Any]) -> None:
    creator = _sub(parent, "creator")
    if "name" in author:
        _sub(creator, "creatorName", str(author["name"]), nameType="Organizational")
    else:
        family = " ".join(str(p) for p in (author.get("name-particle"), author.get("family-names")) if p)
        given = str(author.get("given-names") or "")
        name = f"{family}, {given}" if family and given else author_name(author)
        _sub(creator, "creatorName", name, nameType="Personal")
        if given:
            _sub(creator, "givenName", given)
        if family:
            _sub(creator, "familyName", family)
    if author.get("orcid"):
        _sub(creator, "nameIdentifier", str(author["orcid"]), nameIdentifierScheme="ORCID", schemeURI="https://orcid.org")
    if author.get("ror"):
        _sub(creator, "nameIdentifier", str(author["ror"]), nameIdentifierScheme="ROR", schemeURI="https://ror.org")
    if author.get("affiliation"):
        _sub(creator, "affiliation", str(author["affiliation"]))


def datacite_xml(
    info: CorpusInfo,
    corpus: str,
    version: str,
    released: dt.date,
    documents: int | None = None,
    license_name: str | None = None,
    language: str | None = None,
) -> str:
    """The release as a DataCite 4.6 ``<resource>``; ConfigError when CITATION.cff records no DOI of it."""
    if info.doi is None:
        detail = (f"only the concept DOI {info.concept_doi}, which names every version" if info.concept_doi
                  else "no DOI")
        raise ConfigError(
            f"{corpus} {version}: DataCite metadata identifies a release by its DOI, and its CITATION.cff records "
            f"{detail}; once the DOI is reserved (e.g. on Zenodo), add it to the project's CITATION.cff as "
            "`doi:` or under `identifiers` (type doi), rebuild, and cite again"
        )
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NAMESPACE}}}resource", {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    _sub(root, "identifier", info.doi, identifierType="DOI")
    creators = _sub(root, "creators")
    for author in info.authors:
        _creator(creators, author)
    titles = _sub(root, "titles")
    _sub(titles, "title", info.title)
    _sub(root, "publisher", UNAVAILABLE)
    _sub(root, "publicationYear", str(released.year))
    _sub(root, "resourceType", "Text corpus", resourceTypeGeneral="Dataset")
    if info.keywords:
        subjects = _sub(root, "subjects")
        for keyword in info.keywords:
            _sub(subjects, "subject", keyword)
    dates = _sub(root, "dates")
    _sub(dates, "date", released.isoformat(), dateType="Issued")
    if language:
        _sub(root, "language", language)
    # this release is a version of the concept DOI's work; the code that built it compiles it
    related = [(info.concept_doi, "DOI", "IsVersionOf", "Dataset")] if info.concept_doi and info.concept_doi != info.doi else []
    code = info.raw.get("repository-code")
    related += [(str(code), "URL", "IsCompiledBy", "Software")] if code else []
    if related:
        relations = _sub(root, "relatedIdentifiers")
        for value, kind, relation, general in related:
            _sub(relations, "relatedIdentifier", value, relatedIdentifierType=kind, relationType=relation,
                 resourceTypeGeneral=general)
    if documents is not None:
        _sub(_sub(root, "sizes"), "size", f"{documents} documents")
    _sub(_sub(root, "formats"), "format", PARQUET)
    _sub(root, "version", version)
    rights = _sub(root, "rightsList")
    if info.license:
        _sub(rights, "rights", info.license, rightsURI=f"https://spdx.org/licenses/{info.license}.html",
             rightsIdentifier=info.license, rightsIdentifierScheme="SPDX", schemeURI="https://spdx.org/licenses/")
    else:
        _sub(rights, "rights", license_name or UNAVAILABLE)
    if info.abstract:
        _sub(_sub(root, "descriptions"), "description", " ".join(info.abstract.split()), descriptionType="Abstract")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
