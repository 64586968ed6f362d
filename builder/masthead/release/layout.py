"""Where releases live: dist/<corpus>/<version>/, and finding them again."""

from __future__ import annotations

from pathlib import Path

from masthead.errors import ReleaseNotFoundError
from masthead.release.versions import Version, is_version

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
DATA = "data"
HF = "hf"
CARD = "README.md"
CITATION = "CITATION.cff"
REJECTS = "rejects.jsonl"
# Files the Hub keeps in every repository, in no release: a snapshot of a tag holds them beside the
# release's files, so verify tolerates them and publish never deletes them.
HUB_FILES = frozenset({".gitattributes"})


def corpus_dir(dist: Path, name: str) -> Path:
    return dist / name


def release_dir(dist: Path, name: str, version: Version | str) -> Path:
    return corpus_dir(dist, name) / str(version)


def list_releases(dist: Path, name: str) -> list[tuple[Version, Path]]:
    """Published releases of a corpus, oldest first. Only folders with a manifest count."""
    folder = corpus_dir(dist, name)
    if not folder.is_dir():
        return []
    found = [
        (Version.parse(child.name), child)
        for child in folder.iterdir()
        if child.is_dir() and is_version(child.name) and (child / CHECKSUMS).is_file()
    ]
    return sorted(found)


def newest_release(dist: Path, name: str) -> tuple[Version, Path] | None:
    releases = list_releases(dist, name)
    return releases[-1] if releases else None


def resolve_release(dist: Path, name: str, version_or_path: str | None) -> Path:
    """A release folder from a version number, a folder path, or None for the newest."""
    if version_or_path is not None and not is_version(version_or_path):
        path = Path(version_or_path)
        if (path / MANIFEST).is_file():
            return path
        raise ReleaseNotFoundError(f"{version_or_path} is neither a version number nor a release folder (no {MANIFEST})")
    releases = list_releases(dist, name)
    if not releases:
        raise ReleaseNotFoundError(
            f"no release of {name!r} under {corpus_dir(dist, name)}; run `masthead build` first"
        )
    if version_or_path is None:
        return releases[-1][1]
    wanted = Version.parse(version_or_path)
    for version, path in releases:
        if version == wanted:
            return path
    have = ", ".join(str(v) for v, _ in releases)
    raise ReleaseNotFoundError(f"{name} has no release {wanted}; releases: {have}")
