"""SHA256SUMS over every file of a release, in the format `sha256sum -c` reads."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from masthead.errors import IntegrityError
from masthead.release.layout import CHECKSUMS, HUB_FILES

_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(folder: Path) -> list[str]:
    """Every file of the release but SHA256SUMS itself, as sorted POSIX paths."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() != CHECKSUMS
    )


def sha256_of_files(paths: list[Path]) -> list[str]:
    """The files' SHA-256 digests, in order, hashed on every core (hashlib releases the GIL)."""
    if len(paths) < 2:
        return [file_sha256(path) for path in paths]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        return list(pool.map(file_sha256, paths))


def write_checksums(folder: Path, known: Mapping[Path, str] | None = None) -> Path:
    """SHA256SUMS of every file; ``known``: digests already taken as files were written or checked
    (the ``hf/`` Arrow files, shards reused from the previous release), by path, not read again."""
    files = release_files(folder)
    given = {Path(path).relative_to(folder).as_posix(): digest for path, digest in (known or {}).items()}
    todo = [rel for rel in files if rel not in given]
    hashed = dict(zip(todo, sha256_of_files([folder / rel for rel in todo]), strict=True))
    digests = [given.get(rel) or hashed[rel] for rel in files]
    lines = [f"{digest}  {rel}\n" for digest, rel in zip(digests, files, strict=True)]
    target = folder / CHECKSUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def read_checksums(folder: Path) -> dict[str, str]:
    path = folder / CHECKSUMS
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IntegrityError(f"{path}: cannot read the checksums ({exc.strerror or exc})") from exc
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            raise IntegrityError(f"{path}:{number}: not a 'SHA256  path' line")
        sums[rel] = digest
    return sums


def verify_checksums(folder: Path) -> list[str]:
    """Check every file; raise IntegrityError naming the first mismatch. Returns files checked."""
    sums = read_checksums(folder)
    present = set(release_files(folder))
    for rel, digest in sums.items():
        path = folder / rel
        if rel not in present:
            raise IntegrityError(f"{folder.name}: {rel} is listed in {CHECKSUMS} but missing")
        actual = file_sha256(path)
        if actual != digest:
            raise IntegrityError(
                f"{folder.name}: {rel} does not match {CHECKSUMS} (expected {digest[:12]}…, found {actual[:12]}…); "
                "the release was changed after it was built: rebuild it or fetch it again"
            )
    extra = sorted(present - set(sums) - HUB_FILES)
    if extra:
        raise IntegrityError(f"{folder.name}: {extra[0]} is not listed in {CHECKSUMS}")
    return sorted(sums)
