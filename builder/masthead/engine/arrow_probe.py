"""pyarrow without its pandas probe, for commands that never hand pandas objects to pyarrow.

The first time pyarrow converts Python objects it imports pandas, if installed (``datasets``
installs it), only to check whether they are pandas objects: about 0.3 s, more than the rest
of ``masthead validate`` on a few documents. :func:`skip_pandas_probe` lets that probe find no
pandas; pandas itself stays importable, and pyarrow still converts lists, numpy arrays and
Arrow data as before. Only for a process that gives pyarrow no pandas objects (validate; a
build writes the ``hf/`` form with ``datasets``, which does, so it never calls this).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _NoPandas:
    """A meta path finder that says pandas is not installed (while pyarrow probes)."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not probed by this masthead command")
        return None


def skip_pandas_probe() -> None:
    """Run pyarrow's one-time pandas probe now, with pandas hidden (a no-op once pandas is loaded)."""
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        import pyarrow as pa

        pa.array([0])  # the probe runs once per process, on the first conversion
    finally:
        sys.meta_path.remove(_NoPandas)
