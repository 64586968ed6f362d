"""Local stand-ins for remote folders: a raw folder mirrored in, a release pulled in and pushed out.

- :func:`mirror_inputs`: the remote raw folder copied into a local folder that then is the
  build's raw folder, so the readers' guarantees hold unchanged (listed, hashed, read exactly as
  listed). A file is downloaded again only when the store's size, modification time or ETag of
  it changed since the last mirror (kept beside the mirror), so an unchanged input keeps its local
  ``stat`` and the hash memo; a file gone from the store is removed from the mirror. A key that
  would leave the folder (``..``, an absolute or empty segment) is refused, never written.
- :func:`pull_newest_release`: the remote corpus's newest committed release copied into the
  local dist folder, so versioning, the diff and shard reuse read it as they read a local one.
- :func:`push_release`: a release written locally (its bytes exactly a local build's) uploaded.
  Object storage has no rename: the release's files are uploaded first and ``SHA256SUMS`` last,
  and a remote release exists only once its ``SHA256SUMS`` does (the rule
  :func:`masthead.release.layout.list_releases` applies to local folders too). A push that
  stopped half-way leaves a folder with no ``SHA256SUMS``: never read as a release, removed by
  the next push of that version. A committed release is never overwritten.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePosixPath

from masthead.release.layout import CHECKSUMS
from masthead.release.versions import Version, is_version
from masthead.storage.remote import RemoteFile, RemoteFolder, StorageFailure

LISTING_FILE = "remote-listing.json"


class UnsafeKey(StorageFailure):
    """A key in the store that would name a file outside the folder it is mirrored into."""


def _safe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and all(p not in ("", ".", "..") for p in parts) \
        and "\0" not in name


def mirror_inputs(remote: RemoteFolder, local: Path, listing_file: Path) -> list[RemoteFile]:
    """Make ``local`` hold exactly the files of ``remote`` (see the module's text); returns the
    store's listing. ``listing_file`` keeps what the store said of each file when it was copied."""
    files = remote.list_files()
    for file in files:
        if not _safe(file.name):
            raise UnsafeKey(f"{remote.shown}: the key {file.name!r} names a path outside the raw folder "
                            "('..', '.' or an empty segment); rename the object")
    try:
        before = json.loads(listing_file.read_text(encoding="utf-8")) if listing_file.is_file() else {}
    except (OSError, ValueError):
        before = {}
    local.mkdir(parents=True, exist_ok=True)
    wanted = {f.name for f in files}
    for path in sorted(local.rglob("*"), reverse=True):  # files no longer in the store, then empty folders
        rel = path.relative_to(local).as_posix()
        if path.is_file() or path.is_symlink():
            if rel not in wanted:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    kept = {}
    for file in files:
        target = local / file.name
        seen = [file.size, file.mtime, file.etag]
        if not (before.get(file.name) == seen and target.is_file() and target.stat().st_size == file.size):
            if target.is_dir():
                shutil.rmtree(target)
            remote.get_file(file.name, target)
        kept[file.name] = seen
    listing_file.parent.mkdir(parents=True, exist_ok=True)
    listing_file.write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")
    return files


def remote_releases(corpus: RemoteFolder) -> list[Version]:
    """The committed releases of the corpus folder in the store (a version with ``SHA256SUMS``), oldest first."""
    versions = {f.name.split("/", 1)[0] for f in corpus.list_files() if f.name.endswith("/" + CHECKSUMS)
                and f.name.count("/") == 1}
    return sorted(Version.parse(v) for v in versions if is_version(v))


def pull_newest_release(corpus: RemoteFolder, local_corpus: Path) -> Version | None:
    """Copy the newest committed release of ``corpus`` into ``local_corpus/<version>`` (only when the
    local copy's ``SHA256SUMS`` differs), and drop any other release folder there (a release built
    here and never uploaded included: the store says which releases exist)."""
    releases = remote_releases(corpus)
    newest = releases[-1] if releases else None
    if local_corpus.is_dir():
        for child in local_corpus.iterdir():
            if child.is_dir() and is_version(child.name) and (newest is None or child.name != str(newest)):
                shutil.rmtree(child)
    if newest is None:
        return None
    folder = local_corpus / str(newest)
    checksums = corpus.read_bytes(f"{newest}/{CHECKSUMS}")
    if (folder / CHECKSUMS).is_file() and (folder / CHECKSUMS).read_bytes() == checksums:
        return newest
    if folder.exists():
        shutil.rmtree(folder)
    temp = local_corpus / f".pull-{newest}"
    shutil.rmtree(temp, ignore_errors=True)
    release = corpus.child(str(newest))
    for file in release.list_files():
        if not _safe(file.name):
            raise UnsafeKey(f"{release.shown}: the key {file.name!r} is not a file of a release")
        release.get_file(file.name, temp / file.name)
    (temp / CHECKSUMS).write_bytes(checksums)  # the one the listing committed
    temp.rename(folder)
    return newest


def push_release(local_release: Path, corpus: RemoteFolder) -> RemoteFolder:
    """Upload the release folder ``local_release`` as ``<corpus>/<its name>``, ``SHA256SUMS`` last."""
    target = corpus.child(local_release.name)
    if target.exists(CHECKSUMS):
        raise FileExistsError(f"release {local_release.name} already exists at {target.shown}")
    target.remove("")  # what a push that stopped half-way left
    files = sorted(p.relative_to(local_release).as_posix() for p in local_release.rglob("*") if p.is_file())
    for name in files:
        if name != CHECKSUMS:
            target.put_file(local_release / name, name)
    target.put_file(local_release / CHECKSUMS, CHECKSUMS)
    return target
