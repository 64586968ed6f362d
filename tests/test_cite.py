"""Citations of an exact release: CITATION.cff valid against CFF 1.2.0, and the same BibTeX everywhere."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
import yaml
from jsonschema import Draft7Validator

import masthead
from masthead.release.citation import cff_problems
from masthead.schema import default_schema_dir

DOI = "10.5281/zenodo.1234567"


@pytest.fixture
def release(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> Path:
    project = make_project(seeds=True)
    cff = project / "CITATION.cff"
    cff.write_text(cff.read_text() + f"doi: {DOI}\nurl: https://example.org/corpus\n", encoding="utf-8")
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    return project / "dist" / "test-corpus" / "1.0.0"


def test_release_citation_cff_validates_against_the_official_schema(release: Path) -> None:
    schema = json.loads((default_schema_dir() / "cff-1.2.0.schema.json").read_text())
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    data = yaml.safe_load((release / "CITATION.cff").read_text())
    Draft7Validator(schema).validate({k: str(v) if k == "date-released" else v for k, v in data.items()})
    assert (data["version"], str(data["date-released"]), data["doi"]) == ("1.0.0", "2026-01-01", DOI)
    # The validator is real: a CFF file without authors, or with a malformed DOI, is reported.
    assert any("authors" in p for p in cff_problems({k: v for k, v in data.items() if k != "authors"}))
    assert cff_problems({**data, "doi": "doi:nope"})[0].startswith("/doi:")


def test_card_api_and_cli_give_the_same_bibtex_and_it_parses(release: Path, run_cli: Callable[..., object]) -> None:
    card = (release / "README.md").read_text()
    card_bibtex = re.search(r"```bibtex\n(.*?)```", card, re.S).group(1)  # type: ignore[union-attr]
    api_bibtex = masthead.cite(str(release))
    cli_bibtex = run_cli("cite", str(release)).stdout  # type: ignore[attr-defined]
    assert card_bibtex == api_bibtex == cli_bibtex
    library = bibtexparser.parse_string(api_bibtex)
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "test_corpus_1_0_0"
    assert entry["version"] == "1.0.0" and entry["doi"] == DOI and "version 1.0.0" in entry["title"]


FORMATS = {
    "apa": "Doe, J. (2026). Test Corpus (Version 1.0.0) [Data set]. https://doi.org/10.5281/zenodo.1234567\n",
    "ris": "TY  - DATA\nTI  - Test Corpus\nAU  - Doe, Jane\nPY  - 2026\nDA  - 2026/01/01/\nET  - 1.0.0\n",
    "cff": "cff-version: 1.2.0\n",
}


def test_other_formats_name_the_release_and_unknown_ones_are_refused(release: Path, run_cli: Callable[..., object]) -> None:
    for fmt, expected in FORMATS.items():
        result = run_cli("cite", str(release), "--format", fmt)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert result.stdout.startswith(expected)  # type: ignore[attr-defined]
    assert result.stdout.count("version: 1.0.0") == 1  # type: ignore[attr-defined]  # cff: this release's version
    ris = run_cli("cite", str(release), "--format", "ris").stdout  # type: ignore[attr-defined]
    assert ris.rstrip().endswith("ER  -")
    refused = run_cli("cite", str(release), "--format", "mla")
    assert refused.exit_code == 2 and "bibtex, apa, ris, cff" in refused.stderr  # type: ignore[attr-defined]


def test_a_project_citation_that_breaks_cff_is_refused(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project({"a.txt": "Some text.\n"})
    cff = project / "CITATION.cff"
    cff.write_text(cff.read_text() + "doi: not-a-doi\n", encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "not be valid CFF 1.2.0: /doi:" in result.stderr  # type: ignore[attr-defined]
