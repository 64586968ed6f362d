"""manifest.json: what went into a release and what came out, with counts that add up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from masthead.errors import IntegrityError, ReleaseNotFoundError
from masthead.release.layout import MANIFEST


def dump_json(data: Any) -> str:
    """JSON as masthead writes it into releases: stable, readable, UTF-8."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def read_manifest_json(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReleaseNotFoundError(f"{folder} is not a release: it has no {MANIFEST}") from exc
    except (OSError, ValueError) as exc:
        raise IntegrityError(f"{path}: cannot read the manifest ({exc})") from exc
    if not isinstance(data, dict):
        raise IntegrityError(f"{path}: the manifest is not a JSON object")
    return data


def check_counts(manifest: dict[str, Any], rows_by_split: dict[str, int]) -> None:
    """The manifest's counts must add up and match the rows actually in the release."""
    counts = manifest.get("counts", {})
    total = (counts.get("published", 0) + counts.get("rejected", 0) + counts.get("duplicates_dropped", 0)
             + counts.get("skipped", 0))
    if counts.get("input_records") != total:
        raise IntegrityError(
            f"manifest counts do not add up: {counts.get('input_records')} input records but {total} accounted for"
        )
    expected = manifest.get("splits", {})
    for split, rows in rows_by_split.items():
        if expected.get(split) != rows:
            raise IntegrityError(f"split {split} has {rows} rows but the manifest says {expected.get(split)}")
    if sum(rows_by_split.values()) != counts.get("published"):
        raise IntegrityError(
            f"the release holds {sum(rows_by_split.values())} documents but the manifest says {counts.get('published')}"
        )
