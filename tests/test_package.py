"""`masthead package`: a deterministic wheel that installs into a fresh venv and loads the rows there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from masthead.release.package import build_wheel


@pytest.fixture
def release(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> Path:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    return project / "dist" / "test-corpus" / "1.0.0"


def test_wheel_is_deterministic_and_complete(release: Path, tmp_path: Path, run_cli: Callable[..., object]) -> None:
    result = run_cli("package", str(release), "--out", str(tmp_path / "a"), "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    wheel = Path(json.loads(result.stdout)["wheel"])  # type: ignore[attr-defined]
    assert wheel.name == "test_corpus-1.0.0-py3-none-any.whl"
    again = build_wheel(release, tmp_path / "b").wheel
    assert wheel.read_bytes() == again.read_bytes()
    names = zipfile.ZipFile(wheel).namelist()
    assert names == sorted(names[:-4]) + names[-4:]  # sorted payload, dist-info last
    for required in ("test_corpus/__init__.py", "test_corpus/release/SHA256SUMS", "test_corpus/release/CITATION.cff",
                     "test_corpus/release/data/train-00000-of-00001.parquet", "test_corpus-1.0.0.dist-info/RECORD"):
        assert required in names
    entry_points = zipfile.ZipFile(wheel).read("test_corpus-1.0.0.dist-info/entry_points.txt").decode()
    assert entry_points == "[masthead.corpora]\ntest-corpus = test_corpus\n"


@pytest.mark.slow
def test_wheel_installs_in_a_new_venv_and_loads_the_rows(release: Path, tmp_path: Path) -> None:
    wheel = build_wheel(release, tmp_path / "wheels").wheel
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    target_site = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    # The new venv sees this venv's packages (masthead, datasets) through a .pth file: no downloads.
    (target_site / "_masthead_test_parent.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n", encoding="utf-8"
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, text=True,
    )
    script = (
        "import json, masthead, test_corpus\n"
        "ds = test_corpus.load()\n"
        "found = masthead.load(corpus='test-corpus', split='train')\n"
        "print(json.dumps({'module': test_corpus.__file__, 'rows': ds['train'].to_list(),"
        " 'same': found.to_list() == ds['train'].to_list(), 'cite': test_corpus.cite()}))\n"
    )
    env = {**os.environ, "HF_DATASETS_CACHE": str(tmp_path / "hf-cache"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([python, "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path, env=env)
    loaded = json.loads(out.stdout.splitlines()[-1])
    assert loaded["module"].startswith(str(target_site))
    assert loaded["rows"] == pq.read_table(release / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert loaded["same"] is True
    assert "version = {1.0.0}" in loaded["cite"]

    # A tampered installed file is refused with the file named.
    shard = target_site / "test_corpus" / "release" / "data" / "train-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[200] ^= 0x01
    shard.write_bytes(bytes(data))
    failed = subprocess.run([python, "-c", "import test_corpus; test_corpus.load()"],
                            capture_output=True, text=True, cwd=tmp_path, env=env)
    assert failed.returncode != 0
    assert "data/train-00000-of-00001.parquet does not match SHA256SUMS" in failed.stderr
