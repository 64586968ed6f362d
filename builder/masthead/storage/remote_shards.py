"""Shard tasks that read their inputs from the store and write their outputs to the work URL.

With ``--work s3://bucket/work`` (and a raw folder in the store), no node needs a file system
shared with the build's driver:

- each shard task (:func:`run_remote_shard`, on a Ray node or a local worker) downloads its
  shard's input files from the raw URL into a temporary folder of its own, runs the same shard
  function as any engine (:func:`masthead.engine.task.run_shard`: the files are hashed and read
  exactly as listed), and uploads the shard's outputs to its entry under the work URL,
  ``docs.parquet`` and ``meta.json`` first and the ``done`` marker last (object storage has no
  rename: an entry without ``done`` is redone);
- the driver (:class:`RemoteWork`) takes a shard whose entry in the store is done as done (its
  files are fetched, not computed: the work URL is a shard cache every driver shares), fetches
  each finished task's entry into its local state folder, and merges from there as always;
- entries sit where the local ones would (``<work>/cache/<key>/``, or ``<work>/work/<run>/…``
  with ``--no-cache``) and are pruned as the local cache is.

Credentials come from each process's environment (the store's client reads them); no message
holds them (:func:`masthead.storage.location.scrub`).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.errors import ConfigError, InputError, OutputError
from masthead.storage.location import is_url
from masthead.storage.remote import RemoteFolder, StorageFailure

if TYPE_CHECKING:
    from masthead.engine.shards import Shard
    from masthead.engine.task import ShardJob
    from masthead.settings import Settings

OUTPUTS = ("docs.parquet", "meta.json")  # task.DOCS, task.META: uploaded in this order, then task.DONE
DONE = "done"


def check_work(settings: Settings) -> None:
    """A work URL needs a raw folder in the store: the tasks read their inputs there."""
    if settings.work is None:
        return
    if not is_url(settings.work):
        raise ConfigError(f"--work {settings.work!r} is not an object-storage URL (s3://bucket/work, gs://…); "
                          "without --work the shards' work folder is the local .masthead/")
    if settings.raw_url is None:
        raise ConfigError("--work needs --raw in object storage too (s3://bucket/raw): the shard tasks read their "
                          "inputs from the store, never from this machine's disk")


def run_remote_shard(shard: Shard, job: ShardJob, raw_url: str, entry_url: str, schemas: dict[str, bytes]) -> int:
    """The shard's inputs from ``raw_url``, its outputs to ``entry_url`` (marker last); its record count.
    ``schemas``: the project's own schema folder's files (none: the packaged schemas), written beside.
    A failure of the store is the build's typed error (it travels back from the node; its text is
    redacted and holds no secret)."""
    from masthead.engine.task import run_shard
    from masthead.readers.listing import display_name

    raw, entry = RemoteFolder(raw_url), RemoteFolder(entry_url)
    with tempfile.TemporaryDirectory(prefix="masthead-shard-") as temp:
        inputs, outputs = Path(temp) / "raw", Path(temp) / "out"
        inputs.mkdir()
        if schemas:  # the driver's schema folder is not on this node: its files came with the call
            (Path(temp) / "schema").mkdir()
            for name, data in schemas.items():
                (Path(temp) / "schema" / name).write_bytes(data)
            job = replace(job, ctx=replace(job.ctx, schema_dir=Path(temp) / "schema"))
        try:
            for source in shard.sources:
                if source in shard.listed and display_name(source) == source:  # what the listing could hash
                    raw.get_file(source, inputs / source)
        except StorageFailure as exc:
            raise InputError(f"cannot read a shard's input files: {exc}") from None
        records = run_shard(shard, replace(job, raw=inputs), outputs)
        try:
            entry.remove(DONE)
            for name in OUTPUTS:
                entry.put_file(outputs / name, name)
            if (outputs / DONE).is_file():
                entry.put_file(outputs / DONE, DONE)
        except StorageFailure as exc:
            raise OutputError(f"cannot write a shard's outputs to the work folder: {exc}") from None
    return records


class RemoteWork:
    """The driver's side: which shards the store holds done, and their entries fetched here."""

    def __init__(self, settings: Settings, state: Path) -> None:
        assert settings.work is not None and settings.raw_url is not None
        self.raw_url, self.state = settings.raw_url, state
        self.root = RemoteFolder(settings.work)
        self.cache = settings.cache
        self._schemas: dict[str, bytes] | None = None  # the project's schema folder, read once

    def entry(self, folder: Path) -> RemoteFolder:
        """The entry in the store of the local shard folder ``folder`` (under the state folder)."""
        return self.root.child(folder.relative_to(self.state).as_posix())

    def call(self, shard: Shard, job: ShardJob, folder: Path) -> tuple[Any, ...]:
        """The task that runs ``shard`` into the store's entry of ``folder``, and its arguments."""
        if self._schemas is None:
            found = job.ctx.schema_dir
            self._schemas = {p.name: p.read_bytes() for p in sorted(found.iterdir()) if p.is_file()} if found else {}
        return run_remote_shard, (shard, job, self.raw_url, self.entry(folder).url, self._schemas)

    def not_done(self, todo: list[tuple[Shard, Path]]) -> list[tuple[Shard, Path]]:
        """Of ``todo`` (shards not done here), those not done in the store either; the others fetched."""
        try:
            if not self.cache:
                self.root.remove("work")  # --no-cache: every shard again, the store's earlier runs go first
                return todo
            done = {f.name.split("/", 1)[0] for f in self.root.child("cache").list_files()
                    if f.name.endswith("/" + DONE) and f.name.count("/") == 1}
            left = []
            for shard, folder in todo:
                if folder.name in done:
                    self.fetch(folder)
                else:
                    left.append((shard, folder))
            return left
        except StorageFailure as exc:
            raise InputError(f"cannot read the work folder: {exc}") from None

    def fetch(self, folder: Path) -> None:
        """Copy the store's entry of ``folder`` here (its marker last, when it has one)."""
        entry = self.entry(folder)
        try:
            for name in OUTPUTS:
                entry.get_file(name, folder / name)
            if entry.exists(DONE):
                (folder / DONE).touch()
        except StorageFailure as exc:
            raise InputError(f"cannot read a shard's outputs in the work folder: {exc}") from None

    def prune(self, keep: set[str]) -> None:
        """Remove the store's cache entries this build did not use, as the local cache is pruned (what
        cannot be removed now is left to the next build's pruning, as a local entry would be)."""
        try:
            names = {f.name.split("/", 1)[0] for f in self.root.child("cache").list_files()}
            for name in sorted(names - keep):
                self.root.child("cache").remove(name)
        except StorageFailure:
            return
