"""Same inputs, same tool versions: byte-identical releases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from masthead.release.checksums import release_files


def test_two_builds_into_different_folders_are_byte_identical(
    make_project: Callable[..., Path], run_cli: Callable[..., object], tmp_path: Path
) -> None:
    project = make_project(
        {"extra.jsonl": '{"id": "x1", "text": "Extra story.", "authors": ["Jane Doe"]}\n{"id": "x2", "text": 5}\n'},
        seeds=True,
    )
    first = json.loads(run_cli("build", "--dist", tmp_path / "one", "--json", cwd=project).stdout)  # type: ignore[attr-defined]
    second = json.loads(run_cli("build", "--dist", tmp_path / "two", "--json", cwd=project).stdout)  # type: ignore[attr-defined]
    a, b = Path(first["release"]), Path(second["release"])
    assert (a / "SHA256SUMS").read_bytes() == (b / "SHA256SUMS").read_bytes()
    assert release_files(a) == release_files(b)
    for rel in release_files(a):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert str(tmp_path) not in (a / "manifest.json").read_text()  # no absolute paths leak into a release
