"""The command line: version, errors at the boundary, --json equal to the library's report, docs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import typer.main

import masthead
from conftest import REPO
from masthead.build import validate_corpus
from masthead.cli import app
from masthead.settings import load_settings


def test_version(run_cli: Callable[..., object]) -> None:
    result = run_cli("--version")
    assert result.stdout.strip() == f"masthead {masthead.__version__}"  # type: ignore[attr-defined]


def test_every_command_is_documented_in_the_readme_and_the_guides() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    guides = "".join(page.read_text(encoding="utf-8") for folder in ("tutorial", "how-to")
                     for page in sorted((REPO / "docs" / folder).glob("*.md")))
    commands = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"build", "validate", "init"} <= set(commands)
    undocumented = [c for c in commands if f"masthead {c}" not in readme]
    assert not undocumented, f"commands missing from README.md: {undocumented}"
    unguided = [c for c in commands if f"masthead {c}" not in guides]
    assert not unguided, f"commands missing from docs/tutorial and docs/how-to: {unguided}"


def test_outside_a_project_build_says_how_to_start(run_cli: Callable[..., object], tmp_path: Path) -> None:
    result = run_cli("build", cwd=tmp_path)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr.startswith("Error: no corpus project here")  # type: ignore[attr-defined]
    assert "masthead init" in result.stderr and "Traceback" not in result.stderr  # type: ignore[attr-defined]


def test_debug_shows_the_traceback(run_cli: Callable[..., object], tmp_path: Path) -> None:
    result = run_cli("--debug", "build", cwd=tmp_path)
    assert result.exit_code == 2 and "Traceback" in result.stderr  # type: ignore[attr-defined]


def test_missing_raw_folder_is_a_clear_error(run_cli: Callable[..., object], tmp_path: Path) -> None:
    result = run_cli("build", "--raw", tmp_path / "nowhere", "--dist", tmp_path / "dist", cwd=tmp_path)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert re.match(r"Error: the raw folder .*nowhere does not exist", result.stderr)  # type: ignore[attr-defined]


def test_validate_json_equals_the_library_report(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project({"a.jsonl": '{"id": "a", "text": "Fine."}\n{"id": "b", "text": "Fine.", "extra": 1}\n'})
    result = run_cli("validate", "--json", cwd=project)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    printed = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert printed == json.loads(json.dumps(validate_corpus(load_settings(project)).as_dict()))
    assert printed["counts"]["rejected"] == 1
    assert not (project / "dist").exists()
    strict = run_cli("validate", "--strict", cwd=project)
    assert strict.exit_code == 1 and "a.jsonl:2" in strict.stderr  # type: ignore[attr-defined]


def test_build_any_folder_without_a_project(run_cli: Callable[..., object], tmp_path: Path) -> None:
    raw = tmp_path / "My Documents"
    raw.mkdir()
    (raw / "a.txt").write_text("Some text.")
    result = run_cli("build", "--raw", raw, "--dist", tmp_path / "out", "--json", cwd=tmp_path)
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert report["corpus"] == "my-documents"
    assert Path(report["release"]) == tmp_path / "out" / "my-documents" / "1.0.0"


def test_init_then_build(run_cli: Callable[..., object], tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "new-corpus", cwd=tmp_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    project = tmp_path / "new-corpus"
    (project / "raw" / "a.txt").write_text("A first document.")
    built = run_cli("build", "--json", cwd=project)
    assert json.loads(built.stdout)["release"].endswith("new-corpus/1.0.0")  # type: ignore[attr-defined]
    again = run_cli("init", project, cwd=tmp_path)
    assert again.exit_code == 2 and "already exists" in again.stderr  # type: ignore[attr-defined]


def test_subprocess_smoke(tmp_path: Path) -> None:
    """The installed entry points work as a user runs them."""
    version = subprocess.run([sys.executable, "-m", "masthead", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"masthead {masthead.__version__}"
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.jsonl").write_text('{"id": "x", "text": "Hello."}\n{"broken\n')
    done = subprocess.run(
        ["masthead", "build", "--raw", str(raw), "--dist", str(tmp_path / "dist"), "--strict"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith("Error: 1 record(s) rejected") and "a.jsonl:2" in errors[0]
    assert "Traceback" not in done.stderr


def test_one_summary_line_per_stage_when_not_a_terminal(
    make_project: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    project = make_project(seeds=True)
    built = run_cli("build", cwd=project)
    stages = [line.split(":")[0] for line in built.stderr.splitlines()]  # type: ignore[attr-defined]
    assert stages == ["process", "merge", "write"]
    assert "process: 5 docs in " in built.stderr and " docs/s)" in built.stderr  # type: ignore[attr-defined]
    again = run_cli("validate", cwd=project)
    assert again.stderr.splitlines()[0].startswith("process: every shard from the cache (")  # type: ignore[attr-defined]
