"""The walk of a raw folder: which files are inputs, and which folders are masthead's own output.

A raw folder in the wild holds what masthead itself wrote: ``masthead build --raw . --dist
./dist`` puts the dist folder inside the raw folder, a project built from its own root has its
state folder (``.masthead/``) there, and a release may be copied anywhere. None of it is ever
an input; the build says once which folders it skipped (:class:`Listing`).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from masthead.errors import InputError
from masthead.readers.manifest import MANIFEST_NAMES
from masthead.release.layout import CHECKSUMS
from masthead.release.layout import MANIFEST as RELEASE_MANIFEST


@dataclass(frozen=True)
class Listing:
    """What the walk of a raw folder found: the input files, and the folders masthead wrote."""

    files: list[str]  # sorted POSIX paths under raw/
    skipped: list[str]  # folders masthead wrote (dist, state, releases), never read as inputs


def list_inputs(raw: Path, own: Iterable[Path] = ()) -> list[str]:
    """Every input file under ``raw`` as a sorted POSIX path (:func:`scan_inputs`)."""
    return scan_inputs(raw, own).files


def scan_inputs(raw: Path, own: Iterable[Path] = ()) -> Listing:
    """Every input file under ``raw``: hidden files and the manifest skipped, and so are the folders
    masthead writes, wherever they are put: ``own`` (the dist and state folders) and any release
    (a folder with a release's checksums and manifest), so a build never reads its own output.
    Files are listed whatever they are (a named pipe too): :func:`read_input` rejects what is not a
    regular file without opening it."""
    if not raw.exists():
        raise InputError(f"the raw folder {raw} does not exist; create it and put documents in it, or pass --raw DIR")
    if not raw.is_dir():
        raise InputError(f"{raw} is not a folder; --raw takes the folder that holds the documents")
    found: list[str] = []
    skipped: list[str] = []
    own_paths = _relative_to(raw, own)
    for folder, dirs, files in os.walk(raw, followlinks=False):
        rel_folder = Path(folder).relative_to(raw)
        ours = {d for d in dirs if (rel_folder / d).as_posix() in own_paths or _is_release(Path(folder) / d)}
        skipped.extend(display_name((rel_folder / d).as_posix()) for d in ours)
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ours]
        for name in files:
            if name.startswith("."):
                continue
            rel = (rel_folder / name).as_posix()
            if rel in MANIFEST_NAMES and (raw / rel).is_file():
                continue
            found.append(display_name(rel))
        for name in dirs:
            if (Path(folder) / name).is_symlink():
                found.append(display_name((rel_folder / name).as_posix()))
    if not found:
        raise InputError(f"the raw folder {raw} holds no documents (.txt, .jsonl, .csv, .html, .warc, optionally .gz)"
                         + (f"; skipped the folders masthead wrote: {', '.join(sorted(skipped))}" if skipped else ""))
    return Listing(sorted(found), sorted(skipped))


def _relative_to(raw: Path, folders: Iterable[Path]) -> set[str]:
    """The POSIX paths under ``raw`` of those of ``folders`` inside it (``raw`` itself never)."""
    root = raw.resolve()
    inside = set()
    for folder in folders:
        try:
            rel = folder.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
        if rel != ".":
            inside.add(rel)
    return inside


def _is_release(folder: Path) -> bool:
    """A masthead release (its checksums and manifest), wherever it was copied: never an input."""
    return (folder / CHECKSUMS).is_file() and (folder / RELEASE_MANIFEST).is_file() and not folder.is_symlink()


def display_name(name: str) -> str:
    """``name`` as safe text: undecodable bytes as \\xNN, control characters escaped."""
    if name.isprintable():
        return name
    raw = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Zs" else repr(ch)[1:-1] for ch in raw)
