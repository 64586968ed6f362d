"""A build's one listing of its raw folder: every input file, hashed as listed.

The same listing gives the input fingerprint, the shards' cache keys, what the shards read
(each file as listed: :func:`masthead.readers.files.read_listed`) and the release manifest's
``inputs``. Folders masthead writes (dist, state, releases) are skipped, never read; hashes go
through the hash memo (:mod:`masthead.readers.input_hashes`) unless the build runs with ``--no-cache``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from masthead.readers import list_inputs, scan_inputs
from masthead.readers.files import Listed, prefix_sha256, special_kind
from masthead.readers.input_hashes import MEMO_FILE, HashMemo
from masthead.readers.manifest import find_manifest
from masthead.settings import Settings


@dataclass
class Inputs:
    """The build's one listing of its raw folder: what it fingerprints, reads and records."""

    files: list[dict[str, Any]]  # path, bytes, sha256 of every input, the manifest too (the release's "inputs")
    sources: list[str]  # the documents' files, sorted (the manifest is not one)
    skipped: list[str]  # folders masthead wrote (dist, state, releases) found under raw/: never read
    listed: dict[str, Listed]  # each file as listed, symlinks inside raw/ followed: what the shards read


@lru_cache(maxsize=65536)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of the file's first ``size`` bytes: the file as its ``stat`` saw it, even while it grows."""
    return prefix_sha256(Path(path), size)


def hash_memo(settings: Settings) -> HashMemo:
    """Where a build remembers its inputs' hashes (:mod:`masthead.readers.input_hashes`); none with ``--no-cache``."""
    from masthead.engine import state_dir

    return HashMemo(state_dir(settings) / MEMO_FILE if settings.cache else None)


def own_folders(settings: Settings) -> list[Path]:
    """The folders a build writes (its dist and state folders): never inputs, wherever they are."""
    from masthead.engine import state_dir

    return [settings.dist, state_dir(settings)]


def list_input_files(settings: Settings) -> Inputs:
    """The raw folder listed once for a build: its input files hashed (through the hash memo)."""
    if settings.work is not None:  # listed in the store, never mirrored (masthead.storage.remote_inputs)
        from masthead.storage.remote_inputs import list_remote_inputs

        return list_remote_inputs(settings)
    listing = scan_inputs(settings.raw, own_folders(settings))
    files, listed = _hash_inputs(settings.raw, hash_memo(settings), listing.files)
    return Inputs(files, listing.files, listing.skipped, listed)


def input_files(raw: Path, memo: HashMemo | None = None) -> list[dict[str, Any]]:
    """Path, size and SHA-256 of every input file (the manifest included), sorted by path."""
    return _hash_inputs(raw, memo, list_inputs(raw))[0]


def _hash_inputs(raw: Path, memo: HashMemo | None,
                 names: list[str]) -> tuple[list[dict[str, Any]], dict[str, Listed]]:
    """Path, size and SHA-256 of the input files ``names`` and the manifest, sorted by path (a
    symlink, a file that is not a regular file or is gone has none: its reader says why); and each
    file as listed (symlinks inside the raw folder followed): the shards' cache keys, and what they
    read (:func:`masthead.readers.files.read_listed`). Each hash is of the bytes the file had when
    its size was taken, even if it grows meanwhile."""
    manifest = find_manifest(raw)
    if manifest is not None:
        names = sorted([*names, manifest.name])
    files: list[dict[str, Any]] = []
    listed: dict[str, Listed] = {}
    root = raw.resolve()
    for name in names:
        path = raw / name
        files.append({"path": name, "bytes": None, "sha256": None})
        try:
            link = path.is_symlink()
            if link and not path.resolve().is_relative_to(root):  # never read: rejected as unsafe-path
                continue
            taken = time.time_ns()
            stat = path.stat()
            if special_kind(stat.st_mode) is not None:
                continue
            digest = (memo.sha256(path, stat, lambda p, s=stat: _sha256(str(p), s.st_size, s.st_mtime_ns))
                      if memo is not None and not link
                      else _sha256(str(path.resolve() if link else path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            continue
        if not link:
            files[-1].update(bytes=stat.st_size, sha256=digest)
        listed[name] = Listed(stat.st_size, digest, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, taken)
    if memo is not None:
        memo.save()
    return files, listed
