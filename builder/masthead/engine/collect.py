"""Read every input, run the per-document pipeline shard by shard, and merge the shards.

The flow: inputs listed in sorted order → shards (``engine.shards``) → each shard through
the per-document pipeline on the chosen engine, its results written to disk with a
completion marker (``engine.task``; cached between builds, resumable) → the corpus-level
merge stages (``engine.merge``: duplicate ids, exact duplicates, global order by id).
The documents stay on disk: ``Collected.docs`` streams them in order to the writers.
The accounting invariant is checked here: every input record ends up published,
rejected, or dropped as a duplicate.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.engine.faults import checkpoint
from masthead.errors import ConfigError, MastheadError, Reject
from masthead.readers.inputs import Inputs, list_input_files
from masthead.settings import Settings

if TYPE_CHECKING:  # the engine (pyarrow, the pipeline) is imported when a build runs, not at start-up
    from masthead.engine.documents import DocumentSet
    from masthead.engine.shards import Shard
    from masthead.engine.task import ShardJob
    from masthead.storage.remote_shards import RemoteWork

ProgressFn = Callable[[str, int, "int | None"], None]
ENGINES = ("local", "ray")


@dataclass
class Counts:
    input_records: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    duplicates_dropped: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # input records that are not documents, by kind

    @property
    def published(self) -> int:
        return self.accepted - self.duplicates_dropped

    def as_dict(self) -> dict[str, Any]:
        # ``skipped`` only when some record was (WARC input): other releases' manifests are unchanged
        skipped = {"skipped": sum(self.skipped.values()), "skipped_by_kind": dict(sorted(self.skipped.items()))}
        return {
            "input_records": self.input_records,
            "published": self.published,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "duplicates_dropped": self.duplicates_dropped,
            **(skipped if self.skipped else {}),
        }

    def check(self) -> None:
        skipped = sum(self.skipped.values())
        if self.input_records != self.published + self.rejected + self.duplicates_dropped + skipped:
            raise MastheadError(
                f"accounting error: {self.input_records} input records but {self.published} published + "
                f"{self.rejected} rejected + {self.duplicates_dropped} duplicates dropped + {skipped} skipped; "
                "nothing was written"
            )


@dataclass
class Collected:
    docs: DocumentSet
    rejects: list[Reject]
    counts: Counts
    inputs: list[dict[str, Any]]
    notes: dict[str, Counter[str]] = field(default_factory=dict)
    raw_texts: Mapping[str, str] = field(default_factory=dict)
    beside: Any = None  # what ``collect(beside=...)`` computed beside the duplicate search
    skipped: list[str] = field(default_factory=list)  # folders masthead wrote, found under raw/ and not read
    nodes: list[dict[str, Any]] = field(default_factory=list)  # on Ray: the node that ran each shard (shard_nodes)


def _folders(settings: Settings, shards: list[Shard], job: ShardJob, hashes: dict[str, str | None]) -> list[Path]:
    """Each shard's output folder: its cache entry, or a folder of this run under work/."""
    from masthead.engine import cache as shard_cache

    common = shard_cache.build_key_parts(settings, job)
    keys = [shard_cache.shard_key(shard, hashes, common) for shard in shards]
    state = shard_cache.state_dir(settings)
    if settings.cache:
        return [state / "cache" / key for key in keys]
    # --no-cache processes every document again: the outputs of earlier runs (this one's too) go first
    run = hashlib.sha256("".join(keys).encode()).hexdigest()[:16]
    work = state / "work"
    if work.is_dir():
        for old in work.iterdir():
            shutil.rmtree(old, ignore_errors=True)
    return [work / run / shard.name for shard in shards]


def remote_work(settings: Settings) -> RemoteWork | None:
    """With a work URL, the shards' tasks read and write the store (:mod:`masthead.storage.remote_shards`)."""
    if settings.work is None:
        return None
    from masthead.engine.cache import state_dir
    from masthead.storage.remote_shards import RemoteWork

    return RemoteWork(settings, state_dir(settings))


def prepare_engine(settings: Settings) -> None:
    """Start what the engine's workers are started from, ahead of the work: the local pool's
    forkserver, when the build will run on more than one worker (:func:`engine.local.start_forkserver`)."""
    if settings.engine != "local":
        return
    from masthead.engine.local import default_workers, start_forkserver

    if (settings.workers or default_workers()) > 1:
        start_forkserver()


def open_engine(settings: Settings) -> Any:
    """The build's engine (a context manager with ``run(calls, done)``): a local pool or Ray."""
    if settings.engine == "ray":
        from masthead.engine.ray_engine import RayPool

        return RayPool(settings.workers, settings.ray_address)
    if settings.engine == "local":
        from masthead.engine.local import LocalPool, default_workers

        return LocalPool(settings.workers or default_workers())
    raise ConfigError(f"engine {settings.engine!r} is not known; choose one of {', '.join(ENGINES)}")


def _run_shards(settings: Settings, todo: list[tuple[Shard, Path]], job: ShardJob, total_bytes: int,
                progress: ProgressFn | None, engine: Any, preload: bool = False, remote: RemoteWork | None = None) -> None:
    from masthead.engine import task
    from masthead.engine.parts import PartsOf

    if progress is not None:
        progress("process", 0, None)
    if not todo:
        return
    state = {"records": 0, "bytes": 0}

    def done(shard: Shard, records: int) -> None:
        if remote is not None:  # the task wrote the shard's outputs to the work URL
            remote.fetch(folders[shard.index][1])
        state["records"] += records
        state["bytes"] += sum(_size(settings.raw / s) for s in shard.sources) // (shard.part[1] if shard.part else 1)
        if progress is not None:  # the total is an estimate from the bytes read so far
            estimate = round(state["records"] * total_bytes / state["bytes"]) if state["bytes"] else None
            progress("process", state["records"], max(estimate or 0, state["records"]) if estimate else None)

    # fewer shards than workers (a rebuild after a few files changed): a shard's files are cut into
    # runs processed on several workers, and the shard is written here from their pieces
    spare = max(1, (getattr(engine, "workers", None) or 1) // len(todo)) if remote is None else 1
    calls: list[tuple[Any, Any, tuple[Any, ...]]] = []
    folders: dict[Any, tuple[Shard, Path]] = {shard.index: (shard, folder) for shard, folder in todo}
    pieces = PartsOf(lambda index, parts: done(folders[index][0], task.write_shard(job, folders[index][1], parts)))
    for shard, folder in todo:
        groups = task.source_groups(shard, settings.raw, spare)
        if remote is not None:
            calls.append((shard, *remote.call(shard, job, folder)))
            continue
        if len(groups) == 1:
            calls.append((shard, task.run_shard, (shard, job, folder)))
            continue
        pieces.expect(shard.index, len(groups))
        calls.extend(((shard.index, i), task.process_sources, (shard, job, sources)) for i, sources in enumerate(groups))

    def finished(key: Any, result: Any) -> None:
        if isinstance(key, tuple):
            whole, part = key
            pieces.add(whole, part, result)
        else:
            done(key, result)

    import pyarrow.compute  # noqa: F401 - write_shard's, imported before the preload thread starts

    from masthead.engine.preload import importing_in_background, release_modules
    from masthead.release.hf_schema import needs_datasets

    enabled = preload and len(calls) > 1 and getattr(engine, "workers", None) != 1
    with importing_in_background(release_modules(enabled and needs_datasets(settings)), enabled=enabled):
        engine.run(calls, finished)
    if progress is not None:
        progress("process", state["records"], state["records"])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# work started beside the duplicate search: called with the published documents (all but their
# duplicate_of final) and the engine's ``start(fn, *args)``, it returns what waits for its result
BesideWork = Callable[[Any, Callable[..., Callable[[], Any]]], Callable[[], Any]]


def collect(settings: Settings, progress: ProgressFn | None = None, keep_raw_text: bool = False,
            for_release: bool = False, beside: BesideWork | None = None, inputs: Inputs | None = None) -> Collected:
    """Every input through the pipeline and the merge. ``for_release``: a release will be written
    (its libraries are imported while the workers run, :mod:`masthead.engine.preload`). ``beside``: work
    on the documents run on the engine while the merge searches for duplicates (its result is
    ``Collected.beside``). ``inputs``: the build's listing (:func:`list_input_files`, taken here
    when not given); every file is read as it lists it."""
    from masthead.engine import cache as shard_cache
    from masthead.engine.documents import RawTexts, ShardOutput
    from masthead.engine.merge import merge
    from masthead.engine.shards import plan_shards
    from masthead.engine.speculative_strip import DECISION_FILE
    from masthead.engine.task import ShardJob, is_done
    from masthead.pipeline.context import StepContext
    from masthead.readers.manifest import read_manifest
    from masthead.schema import arrow_schema, document_schema

    inputs = inputs or list_input_files(settings)
    listed = inputs.listed
    manifest = read_manifest(settings.raw, settings.max_file_bytes, listed)
    sources = inputs.sources
    job = ShardJob(settings.raw, settings.max_file_bytes, StepContext.from_settings(settings), keep_raw_text,
                   manifest.source)
    shards = plan_shards(settings.raw, sources, manifest.rows, listed=listed)
    folders = _folders(settings, shards, job, {source: seen.sha256 for source, seen in listed.items()})
    todo = [(shard, folder) for shard, folder in zip(shards, folders, strict=True) if not is_done(folder)]
    remote = remote_work(settings)
    if remote is not None:
        todo = remote.not_done(todo)  # a shard done in the work URL is fetched, not run
    outputs = [ShardOutput(shard, folder) for shard, folder in zip(shards, folders, strict=True)]
    schema = arrow_schema(document_schema(settings.schema_dir))
    with open_engine(settings) as engine:  # one pool (or Ray session) for the shards and the stripping
        _run_shards(settings, todo, job, sum(_size(settings.raw / s) for s in sources), progress, engine, for_release,
                    remote)
        nodes = shard_nodes(todo, getattr(engine, "ran_on", []))
        if progress is not None:
            progress("merge", 0, None)
        fresh = [shard.index for shard, _ in todo]
        # with a work URL, the merge's files are on this machine only: its stripping runs on a local pool
        # here, not on Ray's nodes
        with (open_engine(replace(settings, engine="local", workers=None)) if remote is not None
              and settings.engine != "local" else nullcontext(engine)) as here:
            merged = merge(outputs, schema, settings.splits, settings.duplicates == "drop", here.run,
                           getattr(here, "workers", None) or 1, fresh, shard_cache.state_dir(settings) / DECISION_FILE,
                           (lambda docs: beside(docs, engine.start)) if beside is not None else None)
    if settings.cache:
        shard_cache.prune(shard_cache.state_dir(settings) / "cache", {f.name for f in folders})
        if remote is not None:
            remote.prune({f.name for f in folders})
    manifest.used.update(merged.manifest_used)
    extra = [*manifest.rejects, *manifest.unused()]
    counts = Counts(
        input_records=merged.input_records + len(extra) + sum(merged.skipped.values()),
        accepted=merged.accepted,
        rejected=len(merged.rejects) + len(extra),
        duplicates=merged.duplicates,
        duplicates_dropped=merged.dropped,
        skipped=dict(merged.skipped),
    )
    counts.check()
    if progress is not None:
        progress("merge", counts.input_records, counts.input_records)
    checkpoint("collect.done")
    raw_texts: Mapping[str, str] = RawTexts(merged.docs) if keep_raw_text else {}
    return Collected(merged.docs, [*merged.rejects, *extra], counts, inputs.files, merged.notes, raw_texts,
                     merged.beside, inputs.skipped, nodes)


def shard_nodes(todo: list[tuple[Shard, Path]], ran_on: Sequence[tuple[Any, tuple[str, str]]]) -> list[dict[str, Any]]:
    """Which node ran each shard this build processed, from the engine's ``ran_on`` (each call's key
    with the id and address of its node; a shard run in pieces is keyed ``(index, piece)``): one
    entry a node, sorted by address and id. Empty for the local engine (and when every shard came
    from the cache)."""
    names = {shard.index: shard.name for shard, _ in todo}
    shards: dict[tuple[str, str], set[str]] = {}
    for key, node in ran_on:
        index = key[0] if isinstance(key, tuple) else getattr(key, "index", None)
        if index in names:
            shards.setdefault(node, set()).add(names[index])
    return [{"node_id": node_id, "address": address, "shards": sorted(found)}
            for (node_id, address), found in sorted(shards.items(), key=lambda item: (item[0][1], item[0][0]))]


def fingerprint(parts: dict[str, Any]) -> str:
    import json

    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
