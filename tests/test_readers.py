"""Readers on case folders: tests/cases/readers/{valid,invalid}/<case>/raw + expected.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES
from masthead.engine.collect import collect
from masthead.errors import InputError
from masthead.settings import Settings

READER_CASES = sorted((CASES / "readers").glob("*/*/expected.json"))


def _settings(raw: Path, tmp_path: Path) -> Settings:
    return Settings(name="case", raw=raw, dist=tmp_path / "dist")


def _matches(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if key == "text_contains":
            assert want in actual["text"]
        elif key == "message_contains":
            assert want in actual["message"]
        else:
            assert actual[key] == want, f"{key}: {actual[key]!r} != {want!r}"


@pytest.mark.parametrize("expected_file", READER_CASES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_reader_case(expected_file: Path, tmp_path: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    collected = collect(_settings(expected_file.parent / "raw", tmp_path))
    docs = sorted(collected.docs, key=lambda d: d["id"])
    rejects = sorted((r.as_dict() for r in collected.rejects), key=lambda r: (r["source"], r["record"] or 0))
    assert len(docs) == len(expected["documents"]), [d["id"] for d in docs]
    assert len(rejects) == len(expected["rejects"]), rejects
    for doc, want in zip(docs, expected["documents"], strict=True):
        _matches(doc, want)
    for reject, want in zip(rejects, expected["rejects"], strict=True):
        _matches(reject, want)
        assert reject["message"] and reject["fix"]
    assert collected.counts.input_records == len(docs) + len(rejects)


def test_valid_and_invalid_cases_are_both_present() -> None:
    kinds = {p.parent.parent.name for p in READER_CASES}
    assert kinds == {"valid", "invalid"} and len(READER_CASES) >= 20


def test_missing_raw_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        collect(_settings(tmp_path / "nope", tmp_path))


def test_empty_raw_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / ".hidden").write_text("x")
    with pytest.raises(InputError, match="holds no documents"):
        collect(_settings(tmp_path / "raw", tmp_path))


def test_unreadable_file_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "ok.txt").write_text("Body.")
    (raw / "dir.txt").mkdir()  # a folder with a reader's suffix is skipped by the walk, not read
    (raw / "link.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("Secret outside raw.")
    collected = collect(_settings(raw, tmp_path))
    codes = {r.source: r.code for r in collected.rejects}
    assert codes == {"link.txt": "unsafe-path"}
    assert [d["id"] for d in collected.docs] == ["ok"]
