"""Shard results kept between builds, keyed by everything that decides them.

A shard's key is the SHA-256 of: the masthead version and a digest of its code, the
settings that change a document (``Settings.document_settings``), the build date the
date checks compare against, every schema and registry file, the shard's input files
(path and content hash), their manifest rows, and the reader options. Same key, same
results: a rebuild re-runs only the shards whose inputs (or anything else) changed.

With the cache on, a shard's output folder *is* its cache entry
(``.masthead/cache/<key>/``), so an interrupted build resumes for free; with it off, the
outputs go to ``.masthead/work/<run>/shard-NNNNN/`` and are removed by the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from masthead import __version__
from masthead.engine.shards import Shard
from masthead.engine.task import ShardJob
from masthead.schema import default_schema_dir
from masthead.settings import Settings

STATE_DIR = ".masthead"


def state_dir(settings: Settings) -> Path:
    """``<project>/.masthead`` (git-ignored); for a folder built without a project, a user cache folder."""
    if settings.project_dir is not None:
        return Path(settings.project_dir) / STATE_DIR
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "masthead"
    return base / hashlib.sha256(str(settings.raw.resolve()).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over masthead's own source files, so a changed step never reuses stale results."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _folder_digest(folder: Path | None) -> str | None:
    if folder is None or not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def schema_digests(settings: Settings) -> list[str | None]:
    """Digests of masthead's schema folder and the project's (schemas and the outlet registry):
    a change to any of them changes what a build makes."""
    return [_folder_digest(default_schema_dir()), _folder_digest(settings.schema_dir)]


def build_key_parts(settings: Settings, job: ShardJob) -> dict[str, Any]:
    """What every shard key of a build shares."""
    return {
        "masthead": __version__,
        "code": code_digest(),
        "document_settings": settings.document_settings(),
        "build_date": job.ctx.build_date.isoformat(),
        "schemas": schema_digests(settings),
        "limit": job.limit,
        "keep_raw_text": job.keep_raw_text,
        "manifest_source": job.manifest_source,
    }


def shard_key(shard: Shard, hashes: dict[str, str | None], common: dict[str, Any]) -> str:
    parts = {
        **common,
        "files": [[s, hashes.get(s)] for s in shard.sources],
        "manifest_rows": {s: shard.manifest_rows[s] for s in sorted(shard.manifest_rows)},
        **({"part": list(shard.part)} if shard.part is not None else {}),  # a whole file's key is unchanged
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prune(cache_root: Path, keep: set[str]) -> int:
    """Remove cache entries this build did not use; the cache holds one build's shards."""
    if not cache_root.is_dir():
        return 0
    removed = 0
    for entry in cache_root.iterdir():
        if entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
