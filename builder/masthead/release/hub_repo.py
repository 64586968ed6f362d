"""What a Hub dataset repository holds now, and what a release would change in it.

Read through ``huggingface_hub``: the refs (branches, tags), the tree of a revision with each
file's git blob id (or LFS sha256), and the version of the release on ``main`` (its
``manifest.json``). A file counts as unchanged when its content is identical; that is decided
from the ids, without downloading it.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masthead.release.checksums import file_sha256
from masthead.release.layout import HUB_FILES, MANIFEST


@dataclass(frozen=True)
class RemoteFile:
    blob_id: str
    lfs_sha256: str | None


@dataclass
class RepoState:
    """A repository as it is: absent (``exists`` False), or its refs and main's files."""

    exists: bool
    head: str | None = None  # main's commit
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    files: dict[str, RemoteFile] = field(default_factory=dict)
    main_version: str | None = None


@dataclass(frozen=True)
class Changes:
    add: list[str]  # new or changed, in upload order
    delete: list[str]
    unchanged: list[str]


def git_blob_id(path: Path) -> str:
    """The git object id of a file's content, as the Hub reports it for a regular (non-LFS) file."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_repo(api: Any, repo_id: str) -> RepoState:
    """The refs and main's tree of ``repo_id``; a repository that does not exist is ``exists=False``."""
    from huggingface_hub import RepoFile
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        refs = api.list_repo_refs(repo_id, repo_type="dataset")
    except RepositoryNotFoundError:
        return RepoState(exists=False)
    branches = {ref.name: ref.target_commit for ref in refs.branches}
    tags = {ref.name: ref.target_commit for ref in refs.tags}
    head = branches.get("main")
    state = RepoState(exists=True, head=head, branches=branches, tags=tags)
    if head is None:
        return state
    for item in api.list_repo_tree(repo_id, recursive=True, revision=head, repo_type="dataset"):
        if isinstance(item, RepoFile):
            state.files[item.path] = RemoteFile(item.blob_id, item.lfs.sha256 if item.lfs is not None else None)
    if MANIFEST in state.files:
        with tempfile.TemporaryDirectory(prefix="masthead-hub-") as cache:
            path = api.hf_hub_download(repo_id, MANIFEST, repo_type="dataset", revision=head, cache_dir=cache)
            manifest = json.loads(Path(path).read_text(encoding="utf-8"))
        version = manifest.get("version") if isinstance(manifest, dict) else None
        state.main_version = str(version) if version is not None else None
    return state


def changes(folder: Path, files: list[str], remote: dict[str, RemoteFile]) -> Changes:
    """What turns ``remote`` into exactly the release's ``files``: additions (in ``files``' order) and deletions."""
    add: list[str] = []
    unchanged: list[str] = []
    for name in files:
        have = remote.get(name)
        path = folder / name
        same = have is not None and (
            have.lfs_sha256 == file_sha256(path) if have.lfs_sha256 is not None else have.blob_id == git_blob_id(path)
        )
        (unchanged if same else add).append(name)
    wanted = set(files) | HUB_FILES
    return Changes(add, sorted(name for name in remote if name not in wanted), unchanged)
