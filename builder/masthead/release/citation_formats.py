"""Citation formats of a published release, read back from its own CITATION.cff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from masthead.corpusinfo import read_corpus_info
from masthead.errors import ConfigError
from masthead.release.citation import bibtex
from masthead.release.layout import CITATION
from masthead.release.manifest import read_manifest_json

FORMATS = ("bibtex", "cff")


def format_citation(folder: Path, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown citation format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = folder / CITATION
    if fmt == "cff":
        return path.read_text(encoding="utf-8")
    manifest = read_manifest_json(folder)
    info = read_corpus_info(path, manifest["corpus"])
    released = dt.date.fromisoformat(str(info.raw.get("date-released", manifest["released"])))
    return bibtex(info, manifest["corpus"], str(manifest["version"]), released)
