"""changes.json and CHANGELOG.md: what a release changed against the previous one.

``changes.json`` is the machine-readable diff; ``CHANGELOG.md`` holds a human section for
this release above the previous release's sections (cumulative, newest first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from masthead.release.diff import DocumentDiff, IdList

CHANGES = "changes.json"
CHANGELOG = "CHANGELOG.md"
TITLE = "# Changelog"
LIST_LIMIT = 100


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"


def _ids(title: str, ids: Sequence[str], lines: list[str]) -> None:
    if not ids:
        return
    lines += ["", f"### {title} ({len(ids)})", ""]
    lines += [f"- `{doc_id}`" for doc_id in ids[:LIST_LIMIT]]
    if len(ids) > LIST_LIMIT:
        lines.append(f"- … and {len(ids) - LIST_LIMIT} more (see `{CHANGES}`)")


def render_section(diff: DocumentDiff, version: str, released: str | None) -> str:
    """The Markdown section of one release (also what `masthead diff` prints)."""
    heading = f"## {version}" + (f" ({released})" if released else "")
    lines = [heading, ""]
    if diff.previous is None:
        lines.append(f"First release: {diff.documents} documents.")
        return "\n".join(lines) + "\n"
    summary = diff.summary()
    lines.append(
        f"Against {diff.previous}: {summary['added']} added, {summary['removed']} removed, "
        f"{summary['text_changed']} with changed text, {summary['metadata_changed']} with changed metadata, "
        f"{summary['unchanged']} unchanged ({diff.documents} documents). "
        f"Semantic version change: {diff.required_bump().upper()}."
    )
    _ids("Added", diff.added, lines)
    _ids("Removed", diff.removed, lines)
    _ids("Text changed", diff.text_changed, lines)
    if diff.metadata_changed:
        items = sorted(diff.metadata_changed.items())
        lines += ["", f"### Metadata changed ({len(items)})", ""]
        for doc_id, changes in items[:LIST_LIMIT]:
            fields = "; ".join(f"{c.field}: {_value(c.old)} → {_value(c.new)}" for c in changes)
            lines.append(f"- `{doc_id}`: {fields}")
        if len(items) > LIST_LIMIT:
            lines.append(f"- … and {len(items) - LIST_LIMIT} more (see `{CHANGES}`)")
    return "\n".join(lines) + "\n"


def _previous_sections(previous_dir: Path | None) -> str:
    if previous_dir is None or not (previous_dir / CHANGELOG).is_file():
        return ""
    text = previous_dir / CHANGELOG
    body = text.read_text(encoding="utf-8")
    return body.removeprefix(TITLE).lstrip("\n")


def write_changes(folder: Path, diff: DocumentDiff, version: str, released: str) -> None:
    """Write changes.json and the cumulative CHANGELOG.md into a release folder being built."""
    data = {"version": version, "released": released,
            **{k: v for k, v in diff.as_dict(id_lists=False).items() if k != "version"}}
    with (folder / CHANGES).open("w", encoding="utf-8") as handle:  # streamed: a first release lists every id
        _dump(data, handle)
        handle.write("\n")
    section = render_section(diff, version, released)
    older = _previous_sections(diff.previous_dir)
    text = f"{TITLE}\n\n{section}" + (f"\n{older}" if older else "")
    (folder / CHANGELOG).write_text(text, encoding="utf-8")


def _dump(data: dict[str, Any], handle: TextIO) -> None:
    """``json.dump(data, handle, indent=2, ensure_ascii=False)`` (the bytes of dump_json), with the
    :class:`IdList` values written a chunk of ids at a time, never as one list of strings."""
    if not data:
        handle.write("{}")
        return
    handle.write("{")
    for index, (key, value) in enumerate(data.items()):
        handle.write(("," if index else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": ")
        if not isinstance(value, IdList):
            handle.write(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  "))
        elif not len(value):
            handle.write("[]")
        else:
            separator = "["
            for ids in value.lists():
                handle.write(separator + ",".join("\n    " + json.dumps(i, ensure_ascii=False) for i in ids))
                separator = ","
            handle.write("\n  ]")
    handle.write("\n}")
