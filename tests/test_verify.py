"""`masthead verify` and `masthead.load(verify=True)`: a changed release is refused, naming the file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import masthead
from masthead.errors import IntegrityError
from masthead.release.checksums import write_checksums

PARQUET = "data/train-00000-of-00001.parquet"


@pytest.fixture
def release(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> Path:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    return project / "dist" / "test-corpus" / "1.0.0"


def _flip_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_intact_release_verifies(release: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("verify", "1.0.0", "--json", cwd=release.parents[2])
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert json.loads(result.stdout)["rows"] == {"train": 5}  # type: ignore[attr-defined]


def test_one_flipped_byte_fails_verify_and_load_naming_the_file(release: Path, run_cli: Callable[..., object]) -> None:
    _flip_byte(release / PARQUET)
    result = run_cli("verify", str(release))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"{PARQUET} does not match SHA256SUMS" in result.stderr  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError, match=PARQUET) as caught:
        masthead.load(str(release))
    assert str(caught.value) in result.stderr  # type: ignore[attr-defined]  # the same message


def test_counts_that_do_not_match_the_rows_are_named(release: Path, run_cli: Callable[..., object]) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["splits"]["train"] = 6
    manifest["counts"]["published"] = 6
    manifest["counts"]["input_records"] = 6
    (release / "manifest.json").write_text(json.dumps(manifest))
    write_checksums(release)  # a consistent SHA256SUMS: only the counts can catch it
    result = run_cli("verify", str(release))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "split train has 5 rows but the manifest says 6" in result.stderr  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError, match="split train has 5 rows"):
        masthead.load(str(release))
