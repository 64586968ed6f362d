"""Input files as the listing saw them: only regular files, opened without ever blocking, read as listed.

A raw folder in the wild holds more than documents: named pipes, sockets and device files
(opening a named pipe waits for a writer, forever), and files a crawler is still writing.

- :func:`special_kind` says what a non-regular file is, from ``stat`` alone (never opened).
- :func:`open_regular` opens with ``O_NONBLOCK`` and checks the open file, so a file replaced
  by a pipe after it was listed is refused, not waited on.
- :class:`Listed` is a file as the listing hashed it (its size and the SHA-256 of that many
  bytes); :func:`read_listed` reads exactly those bytes and checks their hash, so what a build
  publishes is what its manifest's hash names. A JSON Lines file that only grew since (a crawler
  appending) is read as listed; any other change is :data:`CHANGED_WHILE_READ`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO, NamedTuple

from masthead.errors import CHANGED_WHILE_READ, Reject
from masthead.readers.input_hashes import RACY_NS

_KINDS = {
    stat.S_IFIFO: "named pipe (FIFO)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFDIR: "folder",
}
# formats whose records are whole lines: a file that only grew since it was listed holds, in its
# listed bytes, the records it held then (a crawler appending lines); gzip is never read in part
APPENDABLE = (".jsonl", ".ndjson")
_BLOCK = 1 << 20


class NotRegularFile(OSError):
    """The path is a named pipe, socket, device or folder, not a regular file."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Listed(NamedTuple):
    """A file as the build's listing saw it: its size, the SHA-256 of its first ``size`` bytes, and
    the ``stat`` the size is from (times in ns, inode) and when it was taken (``time.time_ns``)."""

    size: int
    sha256: str
    mtime_ns: int = 0
    ctime_ns: int = 0
    inode: int = 0
    taken_ns: int = 0  # 0: no stat to go by, the bytes read are always hashed


def special_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file ("named pipe (FIFO)", ...);
    None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return _KINDS.get(stat.S_IFMT(mode), "special file")


def open_regular(path: Path) -> BinaryIO:
    """``path`` open for reading in binary; raises :class:`NotRegularFile` (checked on the open file,
    which ``O_NONBLOCK`` opens at once even when it is a pipe with no writer), or ``OSError``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = special_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(kind)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def prefix_sha256(path: Path, size: int) -> str:
    """SHA-256 of the first ``size`` bytes of ``path`` (all of them if it is shorter now): the hash
    of the file as it was when ``size`` was taken, even if it grows while it is hashed."""
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        left = size
        while left > 0:
            block = handle.read(min(_BLOCK, left))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def read_listed(handle: BinaryIO, source: str, listed: Listed) -> bytes | Reject:
    """The listed bytes of the open file ``handle``, or the reject that says it changed since.

    The bytes read are hashed unless the file is settled: the same ``stat`` before and after the
    read as when listed, and last changed well before it was listed (a write after the listing
    would have moved its change time; git's "racily clean" rule, :mod:`masthead.readers.input_hashes`)."""
    before = os.fstat(handle.fileno())
    now = before.st_size
    if now < listed.size:
        return Reject.of(CHANGED_WHILE_READ, source, detail=f"{listed.size} bytes when listed, {now} now")
    if now > listed.size and not source.lower().endswith(APPENDABLE):
        return Reject.of(CHANGED_WHILE_READ, source,
                         detail=f"it grew from {listed.size} to {now} bytes: it was still being written")
    data = handle.read(listed.size)
    if len(data) != listed.size:
        return Reject.of(CHANGED_WHILE_READ, source, detail=f"{listed.size} bytes when listed, {len(data)} read")
    if _settled(before, listed) and _signature(os.fstat(handle.fileno())) == _signature(before):
        return data
    if hashlib.sha256(data).hexdigest() != listed.sha256:
        return Reject.of(CHANGED_WHILE_READ, source,
                         detail=f"its first {listed.size} bytes are not those listed (SHA-256 {listed.sha256[:12]}…)")
    return data


def _signature(found: os.stat_result) -> tuple[int, int, int, int]:
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino


def _settled(found: os.stat_result, listed: Listed) -> bool:
    """The file's ``stat`` is the listing's, and it had not changed for ``RACY_NS`` when listed."""
    return (listed.taken_ns > 0 and _signature(found) == (listed.size, listed.mtime_ns, listed.ctime_ns, listed.inode)
            and listed.taken_ns - max(listed.mtime_ns, listed.ctime_ns) > RACY_NS)


def is_settled(handle: BinaryIO, listed: Listed) -> bool:
    """True when the open file is as the listing saw it and had settled then (:func:`read_listed`):
    its listed bytes need no hashing to be known."""
    return _settled(os.fstat(handle.fileno()), listed)
