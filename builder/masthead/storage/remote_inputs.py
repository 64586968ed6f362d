"""A raw folder in object storage listed where it is: no local mirror (a build with a work URL).

The listing follows the walk of a local raw folder (:func:`masthead.readers.listing.scan_inputs`)
key by key: hidden files and folders skipped, the manifest at the top kept apart, a release
folder (its ``SHA256SUMS`` and ``manifest.json``) and the build's own folders (dist, work) inside
the raw folder skipped and named. Each file is hashed as a stream from the store (never written
to disk); the hash is kept in the work folder (``hashes.json``, shared by every driver) beside
the store's size, time and ETag of the file, so an unchanged file is not read again. The files are listed with no ``stat``
(:class:`masthead.readers.files.Listed` with ``taken_ns=0``): the shard task that downloads one
hashes what it got, and a file that changed since it was listed is a ``changed-while-read``
reject, as on a local disk. Only the manifest (when there is one) is downloaded, into the
otherwise empty local stand-in of the raw folder, where the build reads it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path, PurePosixPath

from masthead.errors import InputError
from masthead.readers.files import Listed
from masthead.readers.inputs import Inputs
from masthead.readers.listing import display_name
from masthead.readers.manifest import MANIFEST_NAMES
from masthead.release.layout import CHECKSUMS
from masthead.release.layout import MANIFEST as RELEASE_MANIFEST
from masthead.settings import Settings
from masthead.storage.remote import RemoteFile, RemoteFolder, StorageFailure
from masthead.storage.stage import UnsafeKey, _safe

HASHES_FILE = "hashes.json"
_BLOCK = 8 * 1024 * 1024


def list_remote_inputs(settings: Settings) -> Inputs:
    """The build's listing of ``settings.raw_url`` (see the module's text)."""
    assert settings.raw_url is not None
    try:
        remote = RemoteFolder(settings.raw_url)
        files = remote.list_files()
        for file in files:
            if not _safe(file.name):
                raise UnsafeKey(f"{remote.shown}: the key {file.name!r} names a path outside the raw folder "
                                "('..', '.' or an empty segment); rename the object")
        sources, manifest, skipped = _walk(files, _own_prefixes(settings))
        if not sources:
            raise InputError(f"the raw folder {remote.shown} holds no documents (.txt, .jsonl, .csv, .html, .warc, "
                             "optionally .gz)" + (f"; skipped the folders masthead wrote: {', '.join(skipped)}"
                                                  if skipped else ""))
        stage_manifest(remote, settings.raw, manifest)
        memo = RemoteFolder(settings.work) if settings.work is not None and settings.cache else None
        wanted = {*sources, *([manifest.name] if manifest else [])}
        # a name that is not printable text is listed escaped, and read by no one (a bad-file-name reject)
        listed = _hash(remote, [f for f in files if f.name in wanted], memo)
    except StorageFailure as exc:
        raise InputError(f"cannot read the raw folder: {exc}") from None
    names = sorted([*sources, *([manifest.name] if manifest else [])])
    entries = [{"path": name, "bytes": listed[name].size, "sha256": listed[name].sha256} if name in listed
               else {"path": name, "bytes": None, "sha256": None} for name in names]
    return Inputs(entries, sources, skipped, listed)


def _own_prefixes(settings: Settings) -> set[str]:
    """The build's own remote folders (dist, work) inside the raw folder, as keys relative to it."""
    assert settings.raw_url is not None
    raw = settings.raw_url.rstrip("/") + "/"
    inside = set()
    for url in (settings.dist_url, settings.work):
        if url is not None and url.rstrip("/").startswith(raw):
            inside.add(url.rstrip("/")[len(raw):])
    return inside


def _walk(files: list[RemoteFile], own: set[str]) -> tuple[list[str], RemoteFile | None, list[str]]:
    """The inputs among ``files`` (sorted display names), the manifest, the folders skipped as masthead's."""
    keys = {f.name for f in files}
    releases = {str(PurePosixPath(k).parent) for k in keys if PurePosixPath(k).name == CHECKSUMS
                and f"{PurePosixPath(k).parent}/{RELEASE_MANIFEST}" in keys and "/" in k}
    ours = own | releases
    sources: list[str] = []
    skipped: set[str] = set()
    for file in files:
        parts = PurePosixPath(file.name).parts
        # as the walk goes down: a folder of masthead's is named and not entered, a hidden one not entered
        entered = True
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in ours:
                skipped.add(display_name(folder))
            if folder in ours or parts[depth - 1].startswith("."):
                entered = False
                break
        if not entered or parts[-1].startswith("."):
            continue
        if file.name in MANIFEST_NAMES:
            continue
        sources.append(display_name(file.name))
    return sorted(sources), _first_manifest(files), sorted(skipped)


def _first_manifest(files: list[RemoteFile]) -> RemoteFile | None:
    """The manifest :func:`masthead.readers.manifest.find_manifest` would read, by its order of names."""
    by_name = {f.name: f for f in files if f.name in MANIFEST_NAMES}
    return next((by_name[name] for name in MANIFEST_NAMES if name in by_name), None)


def stage_manifest(remote: RemoteFolder, local: Path, manifest: RemoteFile | None) -> None:
    """Make ``local`` hold the manifest alone (what an earlier mirror left there goes)."""
    if local.exists():
        shutil.rmtree(local)
    local.mkdir(parents=True)
    if manifest is not None:
        remote.get_file(manifest.name, local / manifest.name)


def _hash(remote: RemoteFolder, files: list[RemoteFile], memo: RemoteFolder | None) -> dict[str, Listed]:
    """Each file's SHA-256, read as a stream, or from the memo in the work folder (``memo``; shared by
    every driver) when the store gives the file the same size, time and ETag as when it was hashed."""
    try:
        before = json.loads(memo.read_bytes(HASHES_FILE)) if memo is not None and memo.exists(HASHES_FILE) else {}
    except ValueError:
        before = {}
    kept: dict[str, list[object]] = {}
    listed: dict[str, Listed] = {}
    for file in files:
        seen = [file.size, file.mtime, file.etag]
        known = before.get(file.name) if isinstance(before, dict) else None
        digest = known[3] if isinstance(known, list) and len(known) == 4 and known[:3] == seen and file.etag \
            else sha256_of(remote, file.name)
        kept[file.name] = [*seen, digest]
        listed[display_name(file.name)] = Listed(file.size, digest)
    if memo is not None and kept != before:
        memo.write_bytes(HASHES_FILE, json.dumps(kept, sort_keys=True).encode("utf-8"))
    return listed


def sha256_of(remote: RemoteFolder, name: str) -> str:
    """SHA-256 of the object ``name``, read in blocks (never whole in memory, never on disk)."""
    digest = hashlib.sha256()
    try:
        with remote.fs.open(remote.key(name), "rb", block_size=_BLOCK) as handle:
            while block := handle.read(_BLOCK):
                digest.update(block)
    except Exception as exc:
        raise remote._fail(f"cannot read {name} from", exc) from None
    return digest.hexdigest()
