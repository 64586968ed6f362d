"""Input hashes remembered between builds: trusted only while a file's stat signature is unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from masthead.readers import input_hashes
from masthead.readers.input_hashes import MEMO_FILE, HashMemo
from masthead.readers.inputs import input_files


class Counting:
    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> str:
        self.paths.append(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()


def later(monkeypatch: pytest.MonkeyPatch, seconds: int = 10) -> None:
    """Hashes taken ``seconds`` after now: the files' last changes are no longer racy."""
    now = time.time_ns()
    monkeypatch.setattr(input_hashes, "_now", lambda: now + seconds * 1_000_000_000)


def remember(memo_path: Path, file: Path) -> str:
    memo = HashMemo(memo_path)
    digest = memo.sha256(file, file.stat(), Counting())
    memo.save()
    return digest


def test_an_unchanged_file_is_not_hashed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file, memo_path = tmp_path / "a.txt", tmp_path / "memo.json"
    file.write_text("first text", encoding="utf-8")
    later(monkeypatch)
    digest = remember(memo_path, file)
    counting = Counting()
    assert HashMemo(memo_path).sha256(file, file.stat(), counting) == digest
    assert counting.paths == []


def test_a_changed_file_is_hashed_again_even_with_its_old_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file, memo_path = tmp_path / "a.txt", tmp_path / "memo.json"
    file.write_text("first text", encoding="utf-8")
    before = file.stat()
    later(monkeypatch)
    remember(memo_path, file)
    file.write_text("other text", encoding="utf-8")  # same size
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old mtime back: the ctime still moves
    counting = Counting()
    assert HashMemo(memo_path).sha256(file, file.stat(), counting) == hashlib.sha256(b"other text").hexdigest()
    assert counting.paths == [file]


def test_a_hash_taken_just_after_the_last_change_is_not_trusted(tmp_path: Path) -> None:
    file, memo_path = tmp_path / "a.txt", tmp_path / "memo.json"
    file.write_text("first text", encoding="utf-8")
    remember(memo_path, file)  # within RACY_NS of the write: the file could change again unseen
    counting = Counting()
    HashMemo(memo_path).sha256(file, file.stat(), counting)
    assert counting.paths == [file]


@pytest.mark.parametrize("content", ["not json", "[]", '{"format": 1, "files": {"x": 3}}', '{"format": 99, "files": {}}'])
def test_an_unreadable_memo_means_hashing_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str) -> None:
    file, memo_path = tmp_path / "a.txt", tmp_path / "memo.json"
    file.write_text("first text", encoding="utf-8")
    memo_path.write_text(content, encoding="utf-8")
    later(monkeypatch)
    counting = Counting()
    assert HashMemo(memo_path).sha256(file, file.stat(), counting) == hashlib.sha256(b"first text").hexdigest()
    assert counting.paths == [file]


def test_input_files_forget_files_gone_from_raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (raw / "b.txt").write_text("Beta text.", encoding="utf-8")
    memo_path = tmp_path / MEMO_FILE
    later(monkeypatch)
    first = input_files(raw, HashMemo(memo_path))
    assert [f["sha256"] for f in first] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(raw.iterdir())]
    (raw / "b.txt").unlink()
    input_files(raw, HashMemo(memo_path))
    remembered = json.loads(memo_path.read_text(encoding="utf-8"))["files"]
    assert list(remembered) == [str((raw / "a.txt").absolute())]


def test_a_build_remembers_its_inputs_and_a_no_cache_build_does_not(run_cli, make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project(seeds=True)
    memo = project / ".masthead" / MEMO_FILE
    assert run_cli("build", "--no-cache", cwd=project).exit_code == 0
    assert not memo.exists()
    shutil.rmtree(project / "dist")
    assert run_cli("build", cwd=project).exit_code == 0
    names = {Path(name).name for name in json.loads(memo.read_text(encoding="utf-8"))["files"]}
    assert names == {p.name for p in (project / "raw").iterdir() if p.is_file()}
