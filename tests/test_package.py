"""`masthead package`: a deterministic wheel that needs only `datasets`, installed where masthead is not.

The slow tests share one brand-new venv (``python -m venv`` without system site packages) into
which pip installs the wheel and its dependencies from the package index pip is configured with:
the venv never sees this venv's packages. ``MASTHEAD_WHEELHOUSE=DIR`` installs from a folder of
wheels instead (``--no-index --find-links DIR``), for machines without an index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import PYPROJECT, RAW
from masthead.cli import app
from masthead.release.citation_formats import FORMATS, available_citations, format_citation
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
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert names == sorted(names[:-4]) + names[-4:]  # sorted payload, dist-info last
    for required in ("test_corpus/__init__.py", "test_corpus/__main__.py", "test_corpus/citations.json",
                     "test_corpus/release/SHA256SUMS", "test_corpus/release/CITATION.cff", "test_corpus/release/README.md",
                     "test_corpus/release/data/train-00000-of-00001.parquet", "test_corpus-1.0.0.dist-info/RECORD"):
        assert required in names
    assert not any(name.startswith("test_corpus/release/hf/") for name in names)  # the Parquet is the data
    metadata = archive.read("test_corpus-1.0.0.dist-info/METADATA").decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert requires == ["Requires-Dist: datasets"]  # never masthead: no package index has it
    source = archive.read("test_corpus/__init__.py").decode()
    assert "import masthead" not in source and "from masthead" not in source
    compile(source, "test_corpus/__init__.py", "exec")
    entry_points = archive.read("test_corpus-1.0.0.dist-info/entry_points.txt").decode()
    assert entry_points == "[masthead.corpora]\ntest-corpus = test_corpus\n"
    assert json.loads(archive.read("test_corpus/package.json"))["hub"] is None


def test_hub_wheel_holds_no_data_and_needs_a_repo_id(release: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    wheel = build_wheel(release, tmp_path, hub="org/corpus").wheel
    archive = zipfile.ZipFile(wheel)
    assert not [n for n in archive.namelist() if n.endswith(".parquet")]
    assert json.loads(archive.read("test_corpus/package.json"))["hub"] == {"repo_id": "org/corpus", "revision": "v1.0.0"}
    assert archive.read("test_corpus/release/SHA256SUMS") == (release / "SHA256SUMS").read_bytes()
    bad = run_cli("package", str(release), "--hub", "not a repo", "--out", str(tmp_path))
    assert bad.exit_code == 2 and "is not a Hub repository id" in bad.stderr


# ---------------------------------------------------------------------------------------------
# One brand-new venv for the module: only the package index (or MASTHEAD_WHEELHOUSE) behind it.

@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The embedded corpus's seeds built as test-corpus 1.0.0, its wheel installed into a new venv."""
    root = tmp_path_factory.mktemp("wheel")
    project = root / "test-corpus"
    shutil.copytree(RAW, project / "raw")
    (project / "pyproject.toml").write_text(PYPROJECT.format(name="test-corpus"), encoding="utf-8")
    shutil.copyfile(Path(__file__).resolve().parents[1] / "CITATION.cff", project / "CITATION.cff")
    here = Path.cwd()
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
    try:
        os.chdir(project)
        assert CliRunner().invoke(app, ["build", "--workers", "1"]).exit_code == 0
    finally:
        os.chdir(here)
        mp.undo()
    release = project / "dist" / "test-corpus" / "1.0.0"
    wheel = build_wheel(release, root / "wheels").wheel
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    source = ["--no-index", "--find-links", os.environ["MASTHEAD_WHEELHOUSE"]] if os.environ.get("MASTHEAD_WHEELHOUSE") else []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run([python, "-m", "pip", "install", "-q", *source, str(wheel)], capture_output=True, text=True, env=env,
                          timeout=900, check=False)
    assert done.returncode == 0, f"pip could not install the wheel and its dependencies:\n{done.stderr[-3000:]}"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True, env=env).stdout.strip())
    env.update(HF_DATASETS_CACHE=str(root / "hf-cache"), HF_HOME=str(root / "hf-home"), HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1")
    return {"python": python, "site": site, "release": release, "env": env, "cwd": root}


def _run(installed: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(installed["python"]), *args], capture_output=True, text=True, env=installed["env"],
                          cwd=installed["cwd"], timeout=300, check=False)


@pytest.mark.slow
def test_the_wheel_installs_where_masthead_is_not_and_loads_the_rows(installed: dict[str, Any]) -> None:
    release = installed["release"]
    citable = available_citations(release)  # every format but DataCite: this CITATION.cff records no DOI
    assert set(citable) == set(FORMATS) - {"datacite"}
    script = (
        "import importlib.util, json, sys, test_corpus\n"
        "ds = test_corpus.load()\n"
        "print(json.dumps({'module': test_corpus.__file__, 'version': test_corpus.__version__,"
        " 'splits': list(ds), 'rows': ds['train'].to_list(), 'train': test_corpus.load(split='train').num_rows,"
        " 'masthead': importlib.util.find_spec('masthead') is not None or 'masthead' in sys.modules,"
        f" 'citations': {{f: test_corpus.citation(f) for f in {list(citable)!r}}},"
        " 'card': test_corpus.CARD.read_text(encoding='utf-8'), 'cff': test_corpus.CITATION_CFF.read_text(encoding='utf-8')},"
        " default=str))\n"
    )
    done = _run(installed, "-c", script)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded["module"].startswith(str(installed["site"]))
    assert loaded["masthead"] is False  # nothing of masthead in the new venv
    assert loaded["version"] == "1.0.0" and loaded["splits"] == ["train"] and loaded["train"] == 5
    expected = pq.read_table(release / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert loaded["rows"] == json.loads(json.dumps(expected, default=str))
    assert loaded["citations"] == citable
    assert loaded["card"] == (release / "README.md").read_text(encoding="utf-8")
    assert loaded["cff"] == (release / "CITATION.cff").read_text(encoding="utf-8")

    verified = _run(installed, "-m", "test_corpus", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("test-corpus 1.0.0: OK,"), verified.stderr
    cited = _run(installed, "-m", "test_corpus", "cite", "--format", "apa")
    assert cited.returncode == 0 and cited.stdout == format_citation(release, "apa")
    unknown = _run(installed, "-m", "test_corpus", "cite", "--format", "nonsense")
    assert unknown.returncode == 1 and "unknown citation format 'nonsense'" in unknown.stderr


@pytest.mark.slow
def test_a_flipped_byte_in_the_installed_data_is_refused(installed: dict[str, Any]) -> None:
    shard = installed["site"] / "test_corpus" / "release" / "data" / "train-00000-of-00001.parquet"
    original = shard.read_bytes()
    data = bytearray(original)
    data[200] ^= 0x01
    shard.write_bytes(bytes(data))
    try:
        failed = _run(installed, "-c", "import test_corpus; test_corpus.load()")
        assert failed.returncode != 0
        assert "IntegrityError" in failed.stderr
        assert "data/train-00000-of-00001.parquet does not match SHA256SUMS" in failed.stderr
        assert "reinstall the package" in failed.stderr
        verify = _run(installed, "-m", "test_corpus", "verify")
        assert verify.returncode == 1 and verify.stderr.startswith("error: ") and "Traceback" not in verify.stderr
    finally:
        shard.write_bytes(original)
    assert _run(installed, "-m", "test_corpus", "verify").returncode == 0


def test_masthead_load_finds_an_installed_package(release: Path, tmp_path: Path) -> None:
    """Here, with masthead importable: masthead.load(corpus=...) goes through the package's own load()."""
    wheel = build_wheel(release, tmp_path / "wheels").wheel
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")]),
           "HF_DATASETS_CACHE": str(tmp_path / "hf-cache")}
    script = ("import json, masthead, test_corpus\n"
              "found = masthead.load(corpus='test-corpus', split='train')\n"
              "print(json.dumps({'same': found.to_list() == test_corpus.load()['train'].to_list(),"
              " 'features': found.features == masthead.load(version=str(__import__('sys').argv[1]), split='train').features}))\n")
    done = subprocess.run([sys.executable, "-c", script, str(release)], capture_output=True, text=True, env=env, cwd=tmp_path,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"same": True, "features": True}
