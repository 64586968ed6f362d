"""Settings from [tool.masthead], CLI overrides, ids and splits."""

from __future__ import annotations

from pathlib import Path

import pytest

from masthead.errors import ConfigError, ProjectNotFoundError
from masthead.pipeline.ids import canonical_url, document_id
from masthead.pipeline.splits import split_of
from masthead.settings import find_project, load_settings


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.masthead]\n{table}\n")
    return tmp_path


def test_settings_come_from_pyproject_and_cli_overrides_win(tmp_path: Path) -> None:
    project = _project(tmp_path, 'name = "my-news"\nraw = "incoming"\nsplits = { train = 0.8, test = 0.2 }')
    settings = load_settings(project)
    assert (settings.name, settings.raw, settings.splits) == ("my-news", project / "incoming", {"train": 0.8, "test": 0.2})
    overridden = load_settings(project, raw=tmp_path / "other", version="2.0.0", strict=True)
    assert overridden.raw == tmp_path / "other" and overridden.version == "2.0.0" and overridden.strict


def test_project_is_found_from_a_subfolder(tmp_path: Path) -> None:
    project = _project(tmp_path, 'name = "x"')
    (project / "raw" / "deep").mkdir(parents=True)
    assert find_project(project / "raw" / "deep") == project.resolve()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('name = "Bad Name"', "must be lower-case"),
        ('name = "x"\nsplits = { train = 0.5 }', "add up to 1"),
        ('name = "x"\nduplicates = "delete"', "choose one of mark, drop"),
        ('name = "x"\ndate_order = "XYZ"', "choose one of MDY, DMY, YMD"),
        ('name = "x"\ncolour = "red"', "unknown [tool.masthead] key(s) colour"),
    ],
)
def test_bad_settings_say_what_to_fix(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_settings(_project(tmp_path, table))


def test_no_project_and_no_raw_says_how_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectNotFoundError, match="masthead init"):
        load_settings()


@pytest.mark.parametrize(
    ("fields", "source", "single", "expected"),
    [
        ({"id": "given-1", "url": "https://x.org/a"}, "a.txt", True, "given-1"),
        ({"url": "https://www.Example.org/a/#top"}, "a.txt", True, "url-" + "?"),
        ({}, "2018/07/helsinki.txt.gz", True, "2018/07/helsinki"),
        ({"url": "not a url"}, "notes.txt", True, "notes"),
    ],
)
def test_ids_prefer_given_then_url_then_path(fields: dict[str, str], source: str, single: bool, expected: str) -> None:
    doc_id = document_id(fields, source, single)
    if expected.endswith("?"):
        assert doc_id.startswith("url-") and len(doc_id) == 20
        assert doc_id == document_id({"url": "https://example.org/a"}, "other.txt", True)  # same canonical URL
    else:
        assert doc_id == expected


def test_record_ids_in_multi_record_files_do_not_depend_on_position() -> None:
    record = {"title": "T", "text": "Body"}
    assert document_id(record, "batch.jsonl", False) == document_id(dict(record), "batch.jsonl", False)
    assert document_id(record, "batch.jsonl", False) != document_id({"title": "T", "text": "Other"}, "batch.jsonl", False)


def test_canonical_url_rejects_non_http() -> None:
    assert canonical_url("ftp://example.org/x") is None
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("HTTPS://WWW.Example.org/A/") == "https://example.org/A"


def test_split_assignment_depends_only_on_the_id() -> None:
    shares = {"train": 0.8, "test": 0.2}
    ids = [f"doc-{i}" for i in range(2000)]
    assigned = [split_of(i, shares) for i in ids]
    assert assigned == [split_of(i, dict(shares)) for i in ids]
    assert 0.75 < assigned.count("train") / len(ids) < 0.85
