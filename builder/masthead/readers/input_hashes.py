"""SHA-256 of the input files, remembered between builds as git's index remembers them.

Hashing every raw file is the whole cost of a build whose inputs did not change (about 1 s per
500 MB), and a large part of a rebuild's. A file's hash is kept in ``.masthead/input-hashes.json``
with its size, modification and change times (nanoseconds) and inode; the next build trusts
it only when all four are unchanged and the file was last modified well before the hash was
taken (a file written in the same instant it was hashed could change again unseen:
git's "racily clean" entries). Anything else, a missing or unreadable memo included, is hashed
again. ``--no-cache`` builds use no memo at all.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

MEMO_FILE = "input-hashes.json"
RACY_NS = 2_000_000_000  # an entry taken within 2 s of the file's last change is not trusted
_FORMAT = 1


def _now() -> int:
    """Nanoseconds since the epoch, when a hash is taken (the clock the file times are on)."""
    return time.time_ns()


def _signature(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


class HashMemo:
    """File hashes by absolute path, with the file's stat signature when hashed."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, list[Any]] = {}
        self._seen: dict[str, list[Any]] = {}
        self._changed = False
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data.get("files"), dict):
                self._entries = data["files"]

    def sha256(self, path: Path, stat: os.stat_result, compute: Any) -> str:
        """``path``'s hash: remembered when its stat signature is unchanged, else ``compute(path)``."""
        key = str(path.absolute())
        signature = _signature(stat)
        entry = self._entries.get(key)
        if (isinstance(entry, list) and len(entry) == 3 and entry[0] == signature and isinstance(entry[1], str)
                and isinstance(entry[2], int) and entry[2] - max(stat.st_mtime_ns, stat.st_ctime_ns) > RACY_NS):
            self._seen[key] = entry
            return entry[1]
        taken = _now()
        digest: str = compute(path)
        self._seen[key] = [signature, digest, taken]
        self._changed = True
        return digest

    def save(self) -> None:
        """Write the hashes of the files seen (files gone from raw/ are forgotten); best effort."""
        if self.path is None or not (self._changed or len(self._seen) != len(self._entries)):
            return
        temp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_text(json.dumps({"format": _FORMAT, "files": self._seen}, sort_keys=True), encoding="utf-8")
            os.replace(temp, self.path)
        except OSError:  # a read-only project still builds; it only hashes its inputs every time
            temp.unlink(missing_ok=True)
