"""A folder in object storage, through fsspec: list, read, write, check, remove.

Keys are named relative to the folder's URL, as POSIX paths. Every failure of the store (no
bucket, no credentials, a refused request) becomes an ``OSError`` whose text names the folder
by its redacted URL and holds no secret (:func:`masthead.storage.location.scrub`); callers turn
it into the typed error of what they were doing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from masthead.storage.location import redact, scrub


class RemoteFile(NamedTuple):
    """A file as the store lists it: its key under the folder, size, modification time, ETag."""

    name: str
    size: int
    mtime: str  # ISO 8601, or "" when the store gives none
    etag: str  # the store's version tag (S3's ETag), or "" when it gives none


class StorageFailure(OSError):
    """The object store refused or failed a request (the text is redacted and scrubbed)."""


class RemoteFolder:
    """The folder at ``url`` (``s3://bucket/prefix``); fsspec picks the filesystem by protocol."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.shown = redact(self.url)
        try:
            from fsspec.core import url_to_fs  # type: ignore[import-untyped]

            self.fs, root = url_to_fs(self.url)
        except (ImportError, ValueError) as exc:  # an unknown protocol, or its package is not installed
            raise StorageFailure(f"cannot open {self.shown}: {scrub(str(exc))} (s3:// needs 'masthead[s3]'; "
                                 "another protocol its fsspec package, e.g. gcsfs for gs://)") from None
        self.root = str(root).rstrip("/")

    def key(self, name: str) -> str:
        return f"{self.root}/{name}" if name else self.root

    def child(self, name: str) -> RemoteFolder:
        return RemoteFolder(f"{self.url}/{name}")

    def _fail(self, doing: str, exc: BaseException) -> StorageFailure:
        return StorageFailure(f"{doing} {self.shown}: {scrub(type(exc).__name__ + ': ' + str(exc))}")

    def list_files(self) -> list[RemoteFile]:
        """Every file under the folder, sorted by key; an absent folder holds none."""
        try:
            self.fs.invalidate_cache()
            found: dict[str, dict[str, Any]] = self.fs.find(self.root, detail=True)
        except FileNotFoundError as exc:  # a missing prefix lists empty; this is a missing bucket
            raise StorageFailure(f"cannot list {self.shown}: its bucket does not exist ({scrub(str(exc))})") from None
        except Exception as exc:  # the store's client raises its own kinds
            raise self._fail("cannot list", exc) from None
        files = []
        for path, info in found.items():
            if info.get("type") == "directory":
                continue
            name = PurePosixPath(str(path)).relative_to(self.root).as_posix()
            files.append(RemoteFile(name, int(info.get("size") or 0), _mtime(info), _etag(info)))
        return sorted(files)

    def exists(self, name: str) -> bool:
        try:
            self.fs.invalidate_cache()
            return bool(self.fs.isfile(self.key(name)))
        except Exception as exc:
            raise self._fail(f"cannot look for {name} in", exc) from None

    def read_bytes(self, name: str) -> bytes:
        try:
            data: bytes = self.fs.cat_file(self.key(name))
            return data
        except Exception as exc:
            raise self._fail(f"cannot read {name} from", exc) from None

    def get_file(self, name: str, local: Path) -> None:
        """Download ``name`` to ``local`` (written aside, then renamed: never a partial file)."""
        temp = local.with_name(f".part-{local.name}")
        try:
            local.parent.mkdir(parents=True, exist_ok=True)
            self.fs.get_file(self.key(name), str(temp))
            temp.replace(local)
        except Exception as exc:
            temp.unlink(missing_ok=True)
            raise self._fail(f"cannot download {name} from", exc) from None

    def put_file(self, local: Path, name: str) -> None:
        """Upload ``local`` as ``name`` (one PUT: the object appears whole or not at all)."""
        try:
            self.fs.put_file(str(local), self.key(name))
        except Exception as exc:
            raise self._fail(f"cannot upload {name} to", exc) from None

    def write_bytes(self, name: str, data: bytes) -> None:
        """Store ``data`` as ``name`` (one PUT)."""
        try:
            self.fs.pipe_file(self.key(name), data)
        except Exception as exc:
            raise self._fail(f"cannot upload {name} to", exc) from None

    def remove(self, name: str) -> None:
        """Remove ``name`` and everything under it; nothing there is no error."""
        try:
            self.fs.invalidate_cache()
            if self.fs.exists(self.key(name)):
                self.fs.rm(self.key(name), recursive=True)
        except FileNotFoundError:
            return
        except Exception as exc:
            raise self._fail(f"cannot remove {name} from", exc) from None


def _mtime(info: dict[str, Any]) -> str:
    value = info.get("LastModified") or info.get("mtime") or info.get("updated") or ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).isoformat()
    return str(value)


def _etag(info: dict[str, Any]) -> str:
    return str(info.get("ETag") or info.get("etag") or info.get("md5Hash") or info.get("VersionId") or "").strip('"')
