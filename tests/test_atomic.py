"""Atomic release commit, leftovers of killed builds, and a disk that is full or read-only."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from masthead.release import atomic
from masthead.release.layout import list_releases

FORBIDDEN = re.compile(r"\bpickle\b|\beval\(|\bexec\(|yaml\.load\(|yaml\.unsafe_load|marshal\.loads|shelve\.")
PACKAGE = Path(atomic.__file__).resolve().parents[1]


def test_commit_renames_a_complete_folder_and_refuses_to_overwrite(tmp_path: Path) -> None:
    temp = tmp_path / ".tmp-1.0.0-1"
    (temp / "data").mkdir(parents=True)
    (temp / "data" / "a.parquet").write_bytes(b"x")
    (temp / "SHA256SUMS").write_text("", encoding="utf-8")
    assert atomic.fsync_tree(temp) == 2
    atomic.commit(temp, tmp_path / "1.0.0")
    assert (tmp_path / "1.0.0" / "data" / "a.parquet").read_bytes() == b"x" and not temp.exists()
    other = tmp_path / ".tmp-1.0.0-2"
    other.mkdir()
    with pytest.raises(FileExistsError):
        atomic.commit(other, tmp_path / "1.0.0")


def test_leftovers_are_never_releases_and_are_removed(tmp_path: Path) -> None:
    corpus = tmp_path / "dist" / "c"
    for name in (".tmp-1.1.0-123", "1.0.0"):
        (corpus / name).mkdir(parents=True)
        (corpus / name / "SHA256SUMS").write_text("", encoding="utf-8")
    assert [str(v) for v, _ in list_releases(tmp_path / "dist", "c")] == ["1.0.0"]
    assert atomic.remove_leftovers(corpus) == [".tmp-1.1.0-123"]
    assert sorted(p.name for p in corpus.iterdir()) == ["1.0.0"]


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EROFS])
def test_a_build_that_cannot_write_says_so_and_leaves_nothing(
    failure: int, make_project: Callable[..., Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({"a.txt": "An article about the summit."})
    real_rename = os.rename

    def full(src: Any, dst: Any) -> None:
        if Path(src).name.startswith(".tmp-"):
            raise OSError(failure, os.strerror(failure), str(src))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", full)
    result = run_cli("build", "--workers", "1", cwd=project)
    assert result.exit_code != 0
    corpus = project / "dist" / "test-corpus"
    assert f"Error: cannot write the release to {corpus}" in result.output
    assert os.strerror(failure) in result.output
    assert sorted(p.name for p in corpus.iterdir()) == []  # no partial release, no temp folder, no lock


def test_a_full_disk_while_writing_files_leaves_nothing(
    make_project: Callable[..., Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({"a.txt": "An article about the summit."})
    real_write_text = Path.write_text

    def full(self: Path, *args: Any, **kwargs: Any) -> int:
        if self.name == "CITATION.cff" and ".tmp-" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    result = run_cli("build", "--workers", "1", cwd=project)
    assert result.exit_code != 0 and "No space left on device" in result.output
    assert sorted(p.name for p in (project / "dist" / "test-corpus").iterdir()) == []


def test_a_full_disk_in_the_hf_writer_thread_fails_the_build_and_leaves_nothing(
    make_project: Callable[..., Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.release.hf import HfSplitWriter

    project = make_project({f"a{i}.txt": f"Article {i} about the summit." for i in range(3)})

    def full(self: HfSplitWriter, table: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.folder))

    monkeypatch.setattr(HfSplitWriter, "_add", full)
    result = run_cli("build", "--workers", "1", cwd=project)
    assert result.exit_code != 0 and "No space left on device" in result.output
    assert sorted(p.name for p in (project / "dist" / "test-corpus").iterdir()) == []


def test_the_package_never_unpickles_or_evaluates() -> None:
    hits = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN.search(line.split("#")[0])
    ]
    assert hits == []
