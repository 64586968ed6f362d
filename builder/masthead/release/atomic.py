"""Atomic commit of a release folder: write aside, fsync, rename into place, fsync the parent.

A release is written into ``.tmp-<version>-<pid>`` beside its destination. Only when every
file and SHA256SUMS are written and fsynced is the folder renamed to ``<version>``; the
parent folder is then fsynced so the rename itself survives a power cut. A build killed at
any moment leaves at most a ``.tmp-*`` folder, which is never listed as a release
(``layout.list_releases`` wants a version-named folder with SHA256SUMS) and which the next
build removes (:func:`remove_leftovers`, called while holding the corpus lock).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from masthead.engine import checkpoint

TEMP_PREFIX = ".tmp-"


def temp_dir_for(target: Path) -> Path:
    """Where the release bound for ``target`` is written before the rename."""
    return target.parent / f"{TEMP_PREFIX}{target.name}-{os.getpid()}"


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's data and metadata to disk."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a folder; the data is what matters
        if not (path.is_dir() and exc.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF)):
            raise
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> int:
    """fsync every file, then every folder bottom-up (so each entry is durable); returns files synced."""
    files = 0
    for current, _dirs, names in os.walk(folder, topdown=False):
        for name in sorted(names):
            fsync_path(Path(current) / name)
            files += 1
        fsync_path(Path(current))
    return files


def commit(temp: Path, target: Path) -> None:
    """Make ``temp`` (fully written) the release at ``target``, durably, or raise OSError.

    ``os.rename`` onto an existing empty folder would succeed on POSIX, so a ``target``
    that exists is refused (the corpus lock keeps two builds from racing here).
    """
    fsync_tree(temp)
    checkpoint("release.fsynced")
    if target.exists():
        raise FileExistsError(errno.EEXIST, "the release folder appeared during the build", str(target))
    checkpoint("release.rename-before")
    os.rename(temp, target)
    checkpoint("release.rename-after")
    fsync_path(target.parent)
    checkpoint("release.committed")


def remove_leftovers(corpus_folder: Path) -> list[str]:
    """Remove ``.tmp-*`` folders left by killed builds; call only while holding the corpus lock."""
    if not corpus_folder.is_dir():
        return []
    removed = []
    for child in sorted(corpus_folder.iterdir()):
        if child.name.startswith(TEMP_PREFIX) and child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
            removed.append(child.name)
    if removed:
        fsync_path(corpus_folder)
    return removed
