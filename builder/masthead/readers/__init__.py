"""Readers: turn each input file into raw records (or rejects), by file type.

The registry maps a file suffix to a reader function ``(Decoded, source) -> records``;
``.gz`` is stripped first, so every reader also reads its gzip-compressed variant. Adding
a format is one function and one ``register`` call. The build's one listing of its raw folder
(``inputs``, every file hashed as listed, with the hash memo of ``input_hashes``) lives here too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from masthead.engine.faults import checkpoint
from masthead.errors import (
    BAD_FILE_NAME,
    CHANGED_WHILE_READ,
    SPECIAL_FILE,
    UNREADABLE,
    UNSAFE_PATH,
    UNSUPPORTED_FILE,
    Reject,
)
from masthead.pipeline.records import MANIFEST, RawRecord, Skipped
from masthead.readers.csv import read_csv
from masthead.readers.decode import Decoded, decode, read_bytes
from masthead.readers.files import Listed, special_kind
from masthead.readers.html import read_html
from masthead.readers.jsonl import read_jsonl
from masthead.readers.listing import Listing, display_name, list_inputs, scan_inputs
from masthead.readers.manifest import Manifest, read_manifest
from masthead.readers.text import read_text
from masthead.readers.warc import read_warc

__all__ = ["READERS", "Listing", "display_name", "file_suffix", "list_inputs", "read_all", "read_input", "register",
           "scan_inputs"]

Reader = Callable[[Decoded, str], Iterable["RawRecord | Reject"]]

READERS: dict[str, Reader] = {}


def register(suffix: str, reader: Reader) -> None:
    READERS[suffix.lower()] = reader


register(".txt", read_text)
register(".jsonl", read_jsonl)
register(".ndjson", read_jsonl)
register(".csv", read_csv)
register(".html", read_html)
register(".htm", read_html)
# read as a stream of records, never whole (:func:`read_input`): the registry only marks the suffix as known
WARC = ".warc"
register(WARC, lambda decoded, source: iter(()))  # pragma: no cover (never called)


def file_suffix(name: str) -> str:
    """The suffix that picks a reader: ``a.jsonl.gz`` -> ``.jsonl``."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return PurePosixPath(lower).suffix


def read_input(raw: Path, source: str, manifest: Manifest, limit: int,
               part: tuple[int, int] | None = None, listed: Listed | None = None,
               changed: set[str] | None = None) -> Iterator[RawRecord | Reject | Skipped]:
    """Records of one input file (or of a ``part`` of a JSON Lines file's lines), with its manifest
    row merged in (the manifest wins). A file's own rejects come with its first part only. With
    ``listed`` (the file as the build's listing hashed it), exactly the listed bytes are read; a
    file that changed since is added to ``changed`` (by every part: none of them is to be kept).
    A WARC file is streamed record by record (:mod:`masthead.readers.warc`), cut into parts by bytes."""
    records: Iterable[RawRecord | Reject | Skipped]
    if file_suffix(source) == WARC:
        problem = _file_problem(raw, source)
        if problem is not None:
            if isinstance(problem, Reject) and (part is None or part[0] == 0):
                yield problem
            return
        records = _noting_change(read_warc(raw / source, source, limit, part, listed), source, changed)
        yield from _with_manifest(records, manifest.lookup(source))
        return
    decoded = _read_file(raw, source, limit, listed)
    if isinstance(decoded, Reject) and decoded.code == CHANGED_WHILE_READ.code and changed is not None:
        changed.add(source)
    if not isinstance(decoded, Decoded):  # the file's own reject (once: with its first part), or a link to a folder
        if decoded is not None and (part is None or part[0] == 0):
            yield decoded
        return
    # only JSON Lines and WARC files are split into parts (engine.shards.plan_shards)
    records = read_jsonl(decoded, source, part) if part is not None else READERS[file_suffix(source)](decoded, source)
    yield from _with_manifest(records, manifest.lookup(source))


def _noting_change(records: Iterable[RawRecord | Reject | Skipped], source: str,
                   changed: set[str] | None) -> Iterator[RawRecord | Reject | Skipped]:
    for item in records:
        if isinstance(item, Reject) and item.code == CHANGED_WHILE_READ.code and changed is not None:
            changed.add(source)
        yield item


def _with_manifest(records: Iterable[RawRecord | Reject | Skipped],
                   row: tuple[int, dict[str, Any]] | None) -> Iterator[RawRecord | Reject | Skipped]:
    """The records with the file's manifest row merged in (the manifest wins)."""
    for item in records:
        if not isinstance(item, RawRecord) or row is None:
            yield item
            continue
        _, extra = row
        if not item.single:
            extra = {k: v for k, v in extra.items() if k != "id" and k not in item.fields}
        yield RawRecord(
            item.source,
            item.record,
            {**item.fields, **extra},
            {**item.origin, **{k: MANIFEST for k in extra}},
            item.encoding,
            item.single,
        )


def _read_file(raw: Path, source: str, limit: int, listed: Listed | None = None) -> Decoded | Reject | None:
    """The decoded text of an input file, the reject that says why there is none, or None for a
    symlink to a folder inside raw/ (its files are listed on their own). What is not a regular
    file (a named pipe, socket, device, or a link to one) is found from ``stat``, never opened."""
    problem = _file_problem(raw, source)
    if problem is not None:
        return problem or None
    data = read_bytes(raw / source, source, limit, listed)
    if isinstance(data, Reject):
        return data
    return decode(data, source)


def _file_problem(raw: Path, source: str) -> Reject | Literal[False] | None:
    """Why the input file is not to be read: a reject, False for a symlink to a folder inside raw/,
    None when it is a regular file of a known kind."""
    path = raw / source
    if "\\" in source and not os.path.lexists(path):  # list_inputs escaped an unsafe name
        return Reject.of(BAD_FILE_NAME, source, path=source, detail="is not UTF-8 text or holds control characters")
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(raw.resolve()):
            return Reject.of(UNSAFE_PATH, source, path=source)
        if target.is_dir():
            return False
    try:
        kind = special_kind(path.stat().st_mode)
    except OSError as exc:
        return Reject.of(UNREADABLE, source, detail=exc.strerror or str(exc))
    if kind is not None:
        return Reject.of(SPECIAL_FILE, source, path=source, kind=f"link to a {kind}" if path.is_symlink() else kind)
    if READERS.get(file_suffix(source)) is None:
        return Reject.of(UNSUPPORTED_FILE, source, suffix=file_suffix(source) or path.name)
    return None


def read_all(raw: Path, limit: int) -> Iterator[RawRecord | Reject | Skipped]:
    """Every record of the raw folder in a stable order, then the manifest's own rejects."""
    manifest = read_manifest(raw, limit)
    for source in list_inputs(raw):
        yield from read_input(raw, source, manifest, limit)
        checkpoint("read.file")
    yield from manifest.rejects
    yield from manifest.unused()
