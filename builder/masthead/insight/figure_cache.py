"""Figures kept between builds: a figure whose stats are unchanged is copied, not drawn again.

Drawing the seven figures takes about two seconds, a large part of a rebuild after a small
change, where most figures (outlets, months, languages, rejects, duplicates) come out the same.
A figure is named by the SHA-256 of its name, the stats it reads, the figure code and style
(their source) and the matplotlib version, so a cached file is the bytes drawing it would give.
The cache keeps the files of the last build only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(metadata.version("matplotlib").encode())
    for name in ("figures.py", "style.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class FigureCache:
    """PNG files under ``folder`` (None: no cache), named by what decides their bytes."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _file(self, name: str, stats: dict[str, Any]) -> Path | None:
        if self.folder is None:
            return None
        data = json.dumps([name, stats, _code_digest()], sort_keys=True, ensure_ascii=False, default=str)
        key = f"{hashlib.sha256(data.encode('utf-8')).hexdigest()[:32]}.png"
        self.used.add(key)
        return self.folder / key

    def fetch(self, name: str, stats: dict[str, Any], target: Path) -> bool:
        """Copy the cached figure to ``target``; False when there is none."""
        cached = self._file(name, stats)
        if cached is None or not cached.is_file():
            return False
        shutil.copyfile(cached, target)
        return True

    def keep(self, name: str, stats: dict[str, Any], drawn: Path) -> None:
        """Store a figure just drawn (a copy renamed into place; a failure only loses the cache entry)."""
        cached = self._file(name, stats)
        if cached is None:
            return
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            temp = cached.with_name(f"{cached.name}.tmp-{os.getpid()}")
            shutil.copyfile(drawn, temp)
            os.replace(temp, cached)
        except OSError:
            return

    def prune(self) -> None:
        """Remove the figures (and temporary files) this build did not use."""
        if self.folder is None or not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.name not in self.used:
                entry.unlink(missing_ok=True)
