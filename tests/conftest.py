"""Shared fixtures: a CLI runner, a copy of the embedded corpus, and small corpus projects."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from masthead.cli import app

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
CASES = Path(__file__).resolve().parent / "cases"

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _fixed_release_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Releases carry their date; tests pin it so artifacts compare byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `masthead ARGS...` in-process; pass cwd= to run inside a project folder."""

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return CliRunner().invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


PYPROJECT = """\
[tool.masthead]
name = "{name}"
raw = "raw"
dist = "dist"
language = "en"
"""

CITATION = """\
cff-version: 1.2.0
message: "Cite this corpus as below."
type: dataset
title: "Test Corpus"
authors:
  - family-names: Doe
    given-names: Jane
version: 1.0.0
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A corpus project in tmp_path: pyproject.toml, CITATION.cff and raw/ with the given files."""

    def make(files: dict[str, str | bytes] | None = None, name: str = "test-corpus", seeds: bool = False) -> Path:
        project = tmp_path / name
        raw = project / "raw"
        raw.mkdir(parents=True)
        (project / "pyproject.toml").write_text(PYPROJECT.format(name=name), encoding="utf-8")
        (project / "CITATION.cff").write_text(CITATION, encoding="utf-8")
        if seeds:
            for seed in sorted(RAW.iterdir()):
                shutil.copyfile(seed, raw / seed.name)
        for rel, content in (files or {}).items():
            path = raw / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return project

    return make
