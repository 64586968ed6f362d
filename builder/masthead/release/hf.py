"""The ``save_to_disk`` form of a release (``hf/``), streamed row group by row group.

:class:`HfSplitWriter` writes what ``DatasetDict.save_to_disk`` writes —
``<split>/data-0000i-of-0000n.arrow`` as ``datasets``' own ``ArrowWriter`` writes them (Arrow IPC
streams with ``datasets``' schema, in its record batch size: :mod:`masthead.release.hf_schema`,
written with pyarrow alone, so a build need not import ``datasets``),
``<split>/state.json``, ``<split>/dataset_info.json`` and ``dataset_dict.json`` — but from
the same row groups as the Parquet shards, so it never needs the corpus in memory. The
fingerprint in ``state.json`` is a digest of the Arrow files' SHA-256 digests (the content), so
the bytes repeat, and a file reused from the previous release (:mod:`masthead.release.reuse`)
counts without being read again; the digests also go into SHA256SUMS.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from masthead.release.hf_schema import HfSchema

if TYPE_CHECKING:
    import datasets


AHEAD = 2  # row groups queued for the hf/ thread before the Parquet writer waits for it


class HfSplitWriter:
    """One split of the ``hf/`` folder: one Arrow file per Parquet shard.

    Its own thread writes (and hashes) the Arrow files while the caller's thread encodes the
    Parquet shards from the same row groups: the two take about 1:2 of the write's time, and
    both release the GIL. Calls run in the order made; :meth:`finish` waits for them all."""

    def __init__(self, folder: Path, split: str, schema: HfSchema) -> None:
        self.folder, self.split, self.schema = folder, split, schema
        self._files: list[str] = []
        self.digests: dict[Path, str] = {}  # SHA-256 of each Arrow file, by path
        self._sink: pa.NativeFile | None = None
        self._writer: Any = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hf-writer")
        self._queued: deque[Future[None]] = deque()
        folder.mkdir(parents=True, exist_ok=True)

    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        self._queued.append(self._thread.submit(fn, *args))
        while len(self._queued) > AHEAD:
            self._queued.popleft().result()  # its error, if any, surfaces here

    def _drain(self) -> None:
        while self._queued:
            self._queued.popleft().result()

    def open(self, index: int, count: int) -> None:
        self._submit(self._open, index, count)

    def add(self, table: pa.Table) -> None:
        self._submit(self._add, table)

    def close_file(self) -> None:
        self._submit(self._close_file)

    def reuse(self, index: int, count: int, source: Path, digest: str) -> None:
        """Shard ``index`` is ``source`` (the previous release's, its bytes checked to be ``digest``)."""
        self._submit(self._copy, index, count, source, digest)

    def abort(self) -> None:
        """Stop after the calls already queued (the release is being thrown away)."""
        self._thread.shutdown(wait=True, cancel_futures=True)

    def _name(self, index: int, count: int) -> str:
        name = f"data-{index:05d}-of-{count:05d}.arrow"
        self._files.append(name)
        return name

    def _open(self, index: int, count: int) -> None:
        self._sink = pa.OSFile(str(self.folder / self._name(index, count)), "wb")
        self._writer = pa.ipc.new_stream(self._sink, self.schema.arrow)

    def _add(self, table: pa.Table) -> None:
        # as ArrowWriter.write_table: one chunk, datasets' types (the same as the Parquet's, all
        # nullable), its metadata, cut into record batches of its size
        table = table.combine_chunks()
        if not table.schema.equals(self.schema.arrow, check_metadata=True):
            table = table.cast(self.schema.arrow)
        self._writer.write_table(table, max_chunksize=self.schema.batch_rows)

    def _close_file(self) -> None:
        from masthead.release.checksums import file_sha256

        assert self._sink is not None
        self._writer.close()
        self._sink.close()
        self._writer = self._sink = None
        path = self.folder / self._files[-1]
        self.digests[path] = file_sha256(path)  # read back from the page cache, on this thread

    def _copy(self, index: int, count: int, source: Path, digest: str) -> None:
        from masthead.release.reuse import link_or_copy

        path = self.folder / self._name(index, count)
        link_or_copy(source, path)
        self.digests[path] = digest

    def finish(self) -> None:
        try:
            self._drain()
        finally:
            self._thread.shutdown(wait=True, cancel_futures=True)

        state: dict[str, Any] = {
            "_data_files": [{"filename": name} for name in self._files],
            "_fingerprint": hashlib.sha256("".join(self.digests[self.folder / name] for name in self._files)
                                           .encode("ascii")).hexdigest()[:16],
            "_format_columns": None,
            "_format_kwargs": {},
            "_format_type": None,
            "_output_all_columns": False,
            "_split": self.split,
        }
        with (self.folder / "state.json").open("w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=2, sort_keys=True)
        with (self.folder / "dataset_info.json").open("w", encoding="utf-8") as handle:
            json.dump(self.schema.dataset_info, handle, indent=2)


def write_dataset_dict(folder: Path, splits: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "dataset_dict.json").open("w", encoding="utf-8") as handle:
        json.dump({"splits": list(splits)}, handle)


def to_dataset_dict(tables: dict[str, pa.Table], features: datasets.Features) -> datasets.DatasetDict:
    """In-memory ``DatasetDict`` of small tables (tests and tools; releases stream instead)."""
    import datasets
    from datasets.table import InMemoryTable

    parts = {}
    for split, table in tables.items():
        digest = hashlib.sha256()
        for batch in table.to_batches():
            for column in batch.columns:
                for buffer in column.buffers():
                    if buffer is not None:
                        digest.update(buffer)
        parts[split] = datasets.Dataset(
            InMemoryTable(table.cast(features.arrow_schema)),
            info=datasets.DatasetInfo(features=features),
            split=datasets.NamedSplit(split),
            fingerprint=digest.hexdigest()[:16],
        )
    return datasets.DatasetDict(parts)


def write_hf(tables: dict[str, pa.Table], features: datasets.Features, folder: Path) -> None:
    """``save_to_disk`` of small in-memory tables (the streaming path is :class:`HfSplitWriter`)."""
    import datasets

    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        to_dataset_dict(tables, features).save_to_disk(str(folder))
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
