"""The state of the Hub stand-in (tests/hub_standin.py): repositories, commits, branches, tags, LFS objects.

Every commit holds the full tree of its files, as git does, so any revision can be read back
exactly as it was; a commit names its parent and can be refused when the branch moved since
(``parentCommit``). The Hub's first commit of a repository adds ``.gitattributes``, as the Hub does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

GITATTRIBUTES = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n*.arrow filter=lfs diff=lfs merge=lfs -text\n"
PREFIXES = {"dataset": "datasets/", "space": "spaces/", "model": ""}


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass(frozen=True)
class Entry:
    """A file in a commit's tree: regular (content kept) or LFS (content in the LFS store)."""

    size: int
    oid: str  # git blob oid (of the pointer file, for LFS)
    sha256: str | None = None  # LFS only
    content: bytes | None = None  # regular only

    def as_json(self, path: str) -> dict[str, Any]:
        info: dict[str, Any] = {"type": "file", "oid": self.oid, "size": self.size, "path": path}
        if self.sha256 is not None:
            info["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": len(lfs_pointer(self.sha256, self.size))}
        return info


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    description: str
    date: str
    files: dict[str, Entry]


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    private: bool = False
    gated: str | bool = False
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> Commit | None:
        revision = unquote(revision)
        for prefix, refs in (("refs/heads/", self.branches), ("refs/tags/", self.tags)):
            if revision.startswith(prefix):
                revision = revision[len(prefix):]
                return self.commits[refs[revision]] if revision in refs else None
        oid = self.branches.get(revision) or self.tags.get(revision)
        if oid is None and re.fullmatch(r"[0-9a-f]{40}", revision):
            oid = revision if revision in self.commits else None
        return self.commits[oid] if oid is not None else None


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class HubState:
    """Everything the stand-in was told: repos, commits, refs, LFS objects; and the requests it saw."""

    def __init__(self, tokens: set[str]) -> None:
        self.tokens = tokens
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.unknown: list[tuple[str, str]] = []
        self.lock = threading.RLock()
        self._clock = 0

    def now(self) -> str:
        self._clock += 1
        return (dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=self._clock)).isoformat().replace("+00:00", ".000Z")

    def create_repo(self, repo_type: str, repo_id: str, private: bool) -> Repo:
        if (repo_type, repo_id) in self.repos:
            raise HubError(409, f"You already created this {repo_type} repo", None)
        repo = Repo(repo_type, repo_id, private=private)
        self.repos[(repo_type, repo_id)] = repo
        self.commit(repo, "main", "initial commit", "", {".gitattributes": GITATTRIBUTES}, [], None)
        return repo

    def commit(self, repo: Repo, branch: str, title: str, description: str, add: dict[str, bytes | Entry],
               delete: list[tuple[str, bool]], parent: str | None) -> Commit:
        head = repo.branches.get(branch)
        if repo.commits and head is None:
            raise HubError(404, f"Invalid rev id: {branch}", "RevisionNotFound")
        if parent is not None and head is not None and not head.startswith(parent):
            raise HubError(412, f"A commit has happened since. Please refresh and try again. (parent {parent} is not {head})")
        files = dict(repo.commits[head].files) if head is not None else {}
        for path, is_folder in delete:
            gone = [p for p in files if p.startswith(path.rstrip("/") + "/")] if is_folder else [p for p in files if p == path]
            if not gone:
                raise HubError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
            for name in gone:
                del files[name]
        for path, value in add.items():
            files[path] = value if isinstance(value, Entry) else Entry(len(value), git_blob_oid(value), content=value)
        tree = json.dumps({p: e.oid for p, e in sorted(files.items())}).encode()
        oid = hashlib.sha1(b"%s\0%s\0%s\0%d" % (tree, (head or "").encode(), title.encode(), len(repo.commits))).hexdigest()
        commit = Commit(oid, head, title, description, self.now(), files)
        repo.commits[oid] = commit
        repo.branches[branch] = oid
        return commit

    def content(self, entry: Entry) -> bytes:
        if entry.content is not None:
            return entry.content
        assert entry.sha256 is not None
        return self.lfs[entry.sha256]
