"""Is a release exactly what was built? Every file against SHA256SUMS, then the manifest's counts
against the rows actually in the Parquet files. The first mismatch is named (IntegrityError)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from masthead.errors import IntegrityError
from masthead.release.checksums import verify_checksums
from masthead.release.layout import DATA
from masthead.release.manifest import check_counts, read_manifest_json

# Shard names as release/parquet.py writes them (the Hub's): {split}-00000-of-00001.parquet
SHARD_PATTERN = re.compile(r"(?P<split>[a-z][a-z0-9_]*)-\d{5}-of-\d{5}\.parquet")


@dataclass(frozen=True)
class Verified:
    release: str
    corpus: str
    version: str
    files: int
    rows: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"status": "ok", "release": self.release, "corpus": self.corpus, "version": self.version,
                "files": self.files, "rows": self.rows}


def parquet_rows(folder: Path) -> dict[str, int]:
    """Rows per split, from the Parquet footers (no data is read)."""
    rows: dict[str, int] = {}
    for path in sorted((folder / DATA).glob("*.parquet")):
        match = SHARD_PATTERN.fullmatch(path.name)
        if match is None:
            raise IntegrityError(f"{folder.name}: {DATA}/{path.name} is not a shard name masthead writes")
        try:
            count = pq.ParquetFile(path).metadata.num_rows
        except Exception as exc:  # pyarrow raises several types for damaged footers
            raise IntegrityError(f"{folder.name}: {DATA}/{path.name} is not a readable Parquet file ({exc})") from exc
        rows[match.group("split")] = rows.get(match.group("split"), 0) + count
    return rows


def verify_release(folder: Path) -> Verified:
    """Check checksums, then counts; raise IntegrityError naming the first mismatch."""
    files = verify_checksums(folder)
    manifest = read_manifest_json(folder)
    rows = parquet_rows(folder)
    try:
        check_counts(manifest, rows)
    except IntegrityError as exc:
        raise IntegrityError(f"{folder.name}: {exc}") from exc
    return Verified(str(folder), str(manifest.get("corpus")), str(manifest.get("version")), len(files), rows)
