"""`masthead init`: scaffold a new corpus project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from masthead.errors import ConfigError
from masthead.settings import NAME_PATTERN, slugify

PYPROJECT = """\
# A masthead corpus project. `masthead build` reads raw/ and writes releases under dist/.
[tool.masthead]
name = "{name}"
raw = "raw"
dist = "dist"
splits = {{ train = 1.0 }}
duplicates = "mark"        # "mark" keeps duplicates and sets duplicate_of; "drop" leaves them out
# date_order = "MDY"       # how to read ambiguous numeric dates such as 03/04/2018
# shard_rows = 100000      # documents a release shard holds at most
# shard_bytes = "500MB"    # or fewer: a shard's texts come to about this much
"""

CITATION = """\
cff-version: 1.2.0
message: "If you use this corpus, please cite it as below."
type: dataset
title: "{title}"
abstract: "Describe what the corpus holds, how it was collected and for what."
authors:
  - family-names: "Doe"
    given-names: "Jane"
version: 1.0.0
keywords:
  - news
"""

README = """\
# {title}

A news corpus built with [masthead](https://pypi.org/project/masthead/).

    masthead build          # writes dist/{name}/<version>/
    masthead validate       # checks raw/ without writing

Put documents in `raw/` (.txt with optional YAML front matter, .jsonl, .csv, .html; .gz too),
optionally with `raw/manifest.jsonl` giving metadata by `path`. Edit CITATION.cff before
the first release: it is the source of the corpus's title, authors and abstract.
"""


@dataclass(frozen=True)
class Created:
    name: str
    files: list[Path]


def init_project(directory: Path, name: str | None = None) -> Created:
    corpus = name or slugify(directory.resolve().name)
    if not NAME_PATTERN.fullmatch(corpus):
        raise ConfigError(f"corpus name {corpus!r} must be lower-case letters, digits, '.', '_' or '-'; pass --name")
    files = {
        directory / "pyproject.toml": PYPROJECT.format(name=corpus),
        directory / "CITATION.cff": CITATION.format(title=corpus.replace("-", " ").title()),
        directory / "README.md": README.format(title=corpus.replace("-", " ").title(), name=corpus),
        directory / ".gitignore": "dist/\n.masthead/\n",
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise ConfigError(f"{existing[0]} already exists; masthead init only starts new projects")
    try:
        (directory / "raw").mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot create the project in {directory}: {exc.strerror or exc}") from exc
    return Created(corpus, sorted(files))
