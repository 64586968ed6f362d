"""raw/manifest.jsonl or raw/manifest.csv: metadata for documents, by path under the raw folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from masthead.errors import MANIFEST_BAD_PATH, MANIFEST_MISSING_FILE, SCHEMA_VIOLATION, Reject
from masthead.pipeline.records import RawRecord
from masthead.readers.csv import read_csv
from masthead.readers.decode import decode, read_bytes
from masthead.readers.files import Listed
from masthead.readers.jsonl import read_jsonl

MANIFEST_NAMES = ("manifest.jsonl", "manifest.csv", "manifest.jsonl.gz", "manifest.csv.gz")


@dataclass
class Manifest:
    """Rows by path; each row remembers its line so a problem can be pointed at."""

    source: str | None = None
    rows: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def lookup(self, path: str) -> tuple[int, dict[str, Any]] | None:
        found = self.rows.get(path)
        if found is not None:
            self.used.add(path)
        return found

    def unused(self) -> list[Reject]:
        """Rows that named no input file: reported, never silently dropped."""
        assert self.source is not None or not self.rows
        return [
            Reject.of(MANIFEST_MISSING_FILE, self.source or "", line, field="/path", path=path)
            for path, (line, _) in sorted(self.rows.items(), key=lambda item: item[1][0])
            if path not in self.used
        ]


def find_manifest(raw: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (raw / name).is_file():
            return raw / name
    return None


def read_manifest(raw: Path, limit: int, listed: dict[str, Listed] | None = None) -> Manifest:
    """The manifest's rows; with ``listed`` (the build's listing), read as listed (:func:`read_bytes`)."""
    path = find_manifest(raw)
    if path is None:
        return Manifest()
    source = path.name
    manifest = Manifest(source=source)
    data = read_bytes(path, source, limit, (listed or {}).get(source))
    if isinstance(data, Reject):
        manifest.rejects.append(data)
        return manifest
    decoded = decode(data, source)
    if isinstance(decoded, Reject):
        manifest.rejects.append(decoded)
        return manifest
    reader = read_csv if ".csv" in path.name else read_jsonl
    for item in reader(decoded, source):
        if isinstance(item, Reject):
            manifest.rejects.append(item)
            continue
        _add_row(manifest, item)
    return manifest


def _add_row(manifest: Manifest, row: RawRecord) -> None:
    source = manifest.source or ""
    line = row.record or 0
    fields = dict(row.fields)
    path = fields.pop("path", None)
    if not isinstance(path, str) or not path.strip():
        manifest.rejects.append(
            Reject.of(SCHEMA_VIOLATION, source, line, field="/path",
                      detail="a manifest row needs a 'path' naming a file under the raw folder",
                      fix="add the file's path relative to the raw folder")
        )
        return
    clean = safe_relative(path)
    if clean is None:
        manifest.rejects.append(Reject.of(MANIFEST_BAD_PATH, source, line, field="/path", path=path))
        return
    if clean in manifest.rows:
        first = manifest.rows[clean][0]
        manifest.rejects.append(
            Reject.of(SCHEMA_VIOLATION, source, line, field="/path",
                      detail=f"{clean!r} already has a manifest row (line {first})",
                      fix="merge the two rows into one")
        )
        return
    manifest.rows[clean] = (line, fields)


def safe_relative(path: str) -> str | None:
    """The normalised POSIX form of ``path`` if it stays inside the raw folder, else None."""
    if "\\" in path or "\x00" in path:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part == ".." for part in pure.parts) or not pure.parts:
        return None
    parts = [p for p in pure.parts if p != "."]
    return "/".join(parts) if parts else None
