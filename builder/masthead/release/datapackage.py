"""The code of a data package (the ``__init__.py`` that ``masthead package`` puts into a corpus wheel).

This file is copied into the wheel as it is: it imports nothing of masthead, only the standard
library, ``datasets`` and ``pyarrow`` (which comes with it) and, for a wheel that points at the
Hub, ``huggingface_hub`` (which comes with ``datasets``). Beside it in the wheel:

- ``package.json``: corpus, version, and for a Hub wheel the repository and revision (the tag);
- ``release/``: the release's card (``README.md``), ``CITATION.cff``, ``manifest.json``,
  ``SHA256SUMS`` and, in a data wheel, the Parquet files under ``data/``;
- ``citations.json``: the release's citation in every format masthead writes.

``load()`` checks every file against SHA256SUMS and the rows against the manifest before it
hands the Parquet files to ``datasets``; a mismatch raises ``IntegrityError`` naming the file.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RELEASE = HERE / "release"
CARD = RELEASE / "README.md"
CITATION_CFF = RELEASE / "CITATION.cff"
_SHARD = re.compile(r"(?P<split>[a-z][a-z0-9_]*)-\d{5}-of-\d{5}\.parquet")


class IntegrityError(Exception):
    """A file of the release is missing, changed or unlisted, or the rows do not match the manifest."""


def _package() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / "package.json").read_text(encoding="utf-8"))
    return data


_PACKAGE = _package() if (HERE / "package.json").is_file() else {}
__version__: str = str(_PACKAGE.get("version", "0"))
CORPUS: str = str(_PACKAGE.get("corpus", ""))
HUB: dict[str, str] | None = _PACKAGE.get("hub")


def checksums() -> dict[str, str]:
    """SHA256SUMS of the release, as ``{path: sha256}``."""
    sums: dict[str, str] = {}
    for number, line in enumerate((RELEASE / "SHA256SUMS").read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise IntegrityError(f"SHA256SUMS line {number} is not a 'SHA256  path' line")
        sums[name] = digest
    return sums


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RELEASE / "manifest.json").read_text(encoding="utf-8"))
    return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(path: Path, name: str, sums: dict[str, str], where: str) -> None:
    if name not in sums:
        raise IntegrityError(f"{where}: {name} is not listed in SHA256SUMS")
    if not path.is_file():
        raise IntegrityError(f"{where}: {name} is listed in SHA256SUMS but missing")
    actual = _sha256(path)
    if actual != sums[name]:
        raise IntegrityError(
            f"{where}: {name} does not match SHA256SUMS (expected {sums[name][:12]}…, found {actual[:12]}…); "
            f"the {CORPUS} {__version__} files were changed after the release was built: reinstall the package"
            + (" or delete the Hub cache's copy and load again" if HUB else "")
        )


def shards() -> dict[str, str]:
    """The release's data files and their splits, ``{path: split}``: from the manifest's ``shards``, or
    else the Parquet files SHA256SUMS lists (``data/{split}-00000-of-00001.parquet``)."""
    listed = manifest().get("shards") or {}
    found = {str(shard["file"]): str(split) for split, items in listed.items() for shard in items}
    if found:
        return dict(sorted(found.items()))
    for name in sorted(checksums()):
        if name.startswith("data/") and name.endswith(".parquet"):
            match = _SHARD.fullmatch(Path(name).name)
            if match is None:
                raise IntegrityError(f"{name} is not a shard name masthead writes ({{split}}-00000-of-00001.parquet)")
            found[name] = match.group("split")
    return found


def _download(names: list[str]) -> Path:
    """The Hub revision's files in the Hub cache (downloaded once); only the files ``names``."""
    assert HUB is not None
    from huggingface_hub import snapshot_download

    folder = snapshot_download(HUB["repo_id"], repo_type="dataset", revision=HUB["revision"], allow_patterns=names)
    return Path(folder)


def data_folder(verify: bool = True) -> Path:
    """Where the release's Parquet files are: inside the package, or the Hub cache for a Hub package."""
    sums = checksums()
    layout = shards()
    names = list(layout)
    folder = _download(names) if HUB else RELEASE
    where = f"{HUB['repo_id']}@{HUB['revision']}" if HUB else f"{CORPUS} {__version__} package"
    if verify:
        shipped = sorted(p.relative_to(RELEASE).as_posix() for p in RELEASE.rglob("*") if p.is_file())
        for rel in shipped:
            if rel != "SHA256SUMS" and rel not in names:
                _check(RELEASE / rel, rel, sums, f"{CORPUS} {__version__} package")
        for name in names:
            _check(folder / name, name, sums, where)
        _check_rows(folder, layout)
    return folder


def _check_rows(folder: Path, layout: dict[str, str]) -> None:
    import pyarrow.parquet as pq

    rows: dict[str, int] = {}
    for name, split in layout.items():
        rows[split] = rows.get(split, 0) + pq.ParquetFile(folder / name).metadata.num_rows
    expected = {str(k): int(v) for k, v in (manifest().get("splits") or {}).items()}
    if expected and rows != expected:
        raise IntegrityError(f"the Parquet files hold {rows} rows per split but the manifest says {expected}")


def verify() -> dict[str, Any]:
    """Check every file against SHA256SUMS and the rows against the manifest; the figures checked."""
    folder = data_folder(verify=True)
    return {"corpus": CORPUS, "version": __version__, "files": len(checksums()), "data": str(folder),
            "rows": manifest().get("splits"), "status": "ok"}


def load(split: str | None = None, verify: bool = True) -> Any:
    """The release as a ``datasets.DatasetDict`` (a ``Dataset`` when ``split`` is given); files checked first."""
    import datasets

    folder = data_folder(verify=verify)
    files: dict[str, list[str]] = {}
    for name, shard_split in shards().items():
        files.setdefault(shard_split, []).append(str(folder / name))
    if split is not None and split not in files:
        raise KeyError(f"{CORPUS} {__version__} has no split {split!r}; splits: {', '.join(files)}")
    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        loaded = datasets.load_dataset("parquet", data_files=files)
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
    return loaded if split is None else loaded[split]


def citation(format: str = "bibtex") -> str:
    """The citation of this exact release in ``format`` (see ``CITATION_FORMATS``)."""
    texts: dict[str, str] = json.loads((HERE / "citations.json").read_text(encoding="utf-8"))
    if format not in texts:
        raise ValueError(f"unknown citation format {format!r}; choose one of {', '.join(texts)}")
    return texts[format]


cite = citation  # the name masthead.load's installed-corpus lookup calls


def card() -> str:
    """The dataset card (README.md) of the release."""
    return CARD.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m <package> verify|cite [--format F]``."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {HERE.name}", description=f"{CORPUS} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify", help="check every file against SHA256SUMS and the rows against the manifest")
    cite_parser = commands.add_parser("cite", help="print the citation of this release")
    cite_parser.add_argument("--format", default="bibtex")
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            checked = verify()
            sys.stdout.write(f"{CORPUS} {__version__}: OK, {checked['files']} files match SHA256SUMS; rows: {checked['rows']}\n")
        else:
            sys.stdout.write(citation(args.format))
    except (IntegrityError, ValueError, OSError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0
