"""One hydrate: a metadata-only release in, a verified full copy out, atomically and resumably.

The release is checked first (SHA256SUMS and counts: it is untrusted input). Its Parquet shards
are read in order, ``CHUNK_ROWS`` documents at a time: each chunk's pages are got from the source
through the page cache (``workers`` threads), rebuilt and verified on ``workers`` processes
(:func:`masthead.hydrate.rebuild.verify`), and written, in the release's order, to the same shard
names under a temporary folder in the work folder. Only when every shard and ``hydration.json``
are written and fsynced is the folder renamed to ``out``: a killed hydrate leaves no ``out``, and
its rerun takes every page it had got from the cache, so it writes the same bytes an
uninterrupted run does.

The work folder (``.<out>.hydrate/`` beside ``out``) keeps the fetcher's page cache after a
successful run, so hydrating again (another ``--near``, another ``--accept``) fetches nothing;
delete it to fetch again.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from masthead.engine.faults import checkpoint
from masthead.errors import InputError, OutputError
from masthead.hydrate.pages import Answer, Missing, Page, PageSource
from masthead.hydrate.rebuild import CHANGED, EXACT, MISSING, NEAR, STATUSES, Target, Verdict, verify
from masthead.release.layout import DATA

CHUNK_ROWS = 500
ACCEPT = {EXACT: (EXACT,), NEAR: (EXACT, NEAR)}
REPORT = "hydration.json"
WORK_SUFFIX = ".hydrate"
ProgressFn = Callable[[str, int, int], None]


@dataclass
class Hydrated:
    """What a hydrate did: counts by status (and by outlet), and where the output is."""

    release: str
    corpus: str
    version: str
    out: str
    accept: str
    near: float
    source: str
    counts: dict[str, int] = field(default_factory=dict)
    by_outlet: dict[str, dict[str, int]] = field(default_factory=dict)
    accepted: int = 0
    documents: int = 0
    built_with: str | None = None
    hydrated_with: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"corpus": self.corpus, "version": self.version, "release": self.release, "out": self.out,
                "source": self.source, "accept": self.accept, "near": self.near, "documents": self.documents,
                "accepted": self.accepted, "counts": self.counts, "by_outlet": self.by_outlet,
                "built_with": self.built_with, "hydrated_with": self.hydrated_with}

    def file_dict(self) -> dict[str, Any]:
        """``hydration.json``: the result without the paths (the same bytes wherever the output is)."""
        data = self.as_dict()
        del data["release"], data["out"]
        return data


def work_dir(out: Path) -> Path:
    return out.parent / f".{out.name}{WORK_SUFFIX}"


def check_release(release: Path) -> dict[str, Any]:
    """The manifest of ``release`` once its files are verified; refuses a release that has its texts."""
    from masthead.release.manifest import read_manifest_json
    from masthead.release.text_policy import text_policy
    from masthead.release.verify import verify_release

    verify_release(release)
    manifest = read_manifest_json(release)
    if text_policy(manifest) != "metadata":
        raise InputError(f"{release}: release {manifest.get('version')} is a full release (text = "
                         f"\"{text_policy(manifest)}\"); it holds its texts already: nothing to hydrate")
    return manifest


def release_shards(release: Path) -> list[Path]:
    return sorted((release / DATA).glob("*.parquet"))


def group_lines(shards: list[Path]) -> dict[str, tuple[str, ...]]:
    """Each repeated-line group's stripped line hashes, as far as the release shows them (the union of
    its documents' ``stripped_lines``)."""
    from masthead.clean.repeated_lines import group_of

    found: dict[str, set[str]] = defaultdict(set)
    for path in shards:
        for batch in pq.ParquetFile(path).iter_batches(columns=["outlet", "source", "stripped_lines"]):
            for row in batch.to_pylist():
                if row["stripped_lines"]:
                    found[group_of(row)].update(row["stripped_lines"])
    return {group: tuple(sorted(lines)) for group, lines in found.items()}


def _target(row: dict[str, Any], groups: dict[str, tuple[str, ...]]) -> Target:
    from masthead.clean.repeated_lines import group_of

    given = (row.get("provenance") or {}).get("title") in ("given", "manifest")
    return Target(row["id"], row["content_sha256"], row["text_minhash"] or b"", tuple(row["stripped_lines"] or ()),
                  groups.get(group_of(row), ()), row["title"] if given else None)


def _verify_chunk(answers: list[Answer], targets: list[Target], near: float) -> list[Verdict]:
    return [verify(answer, target, near) for answer, target in zip(answers, targets, strict=True)]


def _pages(source: PageSource, urls: list[str | None], threads: int) -> list[Answer]:
    def get(url: str | None) -> Answer:
        if not url:
            return Missing("", "the release has no URL for this document")
        answer = source.fetch(url)
        checkpoint("hydrate.page")
        return answer

    if threads <= 1:
        return [get(url) for url in urls]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(get, urls))


def _output_rows(rows: list[dict[str, Any]], verdicts: list[Verdict], accepted: tuple[str, ...],
                 names: list[str]) -> list[dict[str, Any]]:
    out = []
    for row, verdict in zip(rows, verdicts, strict=True):
        keep = verdict.status in accepted
        doc = {name: row.get(name) for name in names}
        doc["text"] = verdict.text if keep else None
        doc["dek"] = verdict.dek if keep else None
        doc["hydration"] = {"status": verdict.status, "score": None if verdict.score is None else round(verdict.score, 4),
                            "detail": verdict.detail}
        out.append(doc)
    return out


def hydrate_release(release: Path, out: Path, source: PageSource, source_name: str, accept: str = NEAR,
                    near: float = 0.9, workers: int = 1, progress: ProgressFn | None = None) -> Hydrated:
    """Hydrate ``release`` into ``out`` from ``source`` (see the module's docstring)."""
    from masthead import __version__
    from masthead.engine.local import LocalPool
    from masthead.release.parquet import WRITE_OPTIONS
    from masthead.schema import arrow_schema, document_schema, field_names, hydrated_schema

    if accept not in ACCEPT:
        raise InputError(f"--accept {accept!r}: choose exact or near (changed texts are never accepted)")
    if not 0.0 < near <= 1.0:
        raise InputError(f"--near {near}: the similarity threshold is a number in (0, 1], e.g. 0.9")
    if out.exists():
        raise OutputError(f"{out} exists: hydrate writes a new folder; remove it or choose another --out")
    manifest = check_release(release)
    published = hydrated_schema(document_schema())
    schema = arrow_schema(published)
    names = field_names(published)
    shards = release_shards(release)
    groups = group_lines(shards)
    work = work_dir(out)
    temp = work / "output.tmp"
    result = Hydrated(str(release), str(manifest.get("corpus")), str(manifest.get("version")), str(out), accept, near,
                      source_name, built_with=str(manifest.get("masthead_version")), hydrated_with=__version__)
    counts: Counter[str] = Counter()
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    try:
        shutil.rmtree(temp, ignore_errors=True)
        (temp / DATA).mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"cannot write hydrate's work folder {work}: {exc.strerror or exc}") from exc
    total = sum(pq.ParquetFile(path).metadata.num_rows for path in shards)
    done = 0
    if progress is not None:
        progress("hydrate", 0, total)
    with LocalPool(workers) as pool, ThreadPoolExecutor(max_workers=1) as ahead:
        for path in shards:
            with pq.ParquetWriter(temp / DATA / path.name, schema, **WRITE_OPTIONS) as writer:
                # the next chunk's pages are got while the workers rebuild this chunk's texts
                for rows, pages in _prefetched(_chunks(path), lambda rows: _pages(source, [r.get("url") for r in rows], workers), ahead):
                    targets = [_target(row, groups) for row in rows]
                    answers = pages.result()
                    verdicts = _verdicts(pool, answers, targets, near, workers)
                    if getattr(source, "archive", None) is not None:
                        _from_archive(source, pool, rows, targets, verdicts, near, workers)
                    for row, verdict in zip(rows, verdicts, strict=True):
                        counts[verdict.status] += 1
                        by_outlet[str(row.get("outlet") or "")][verdict.status] += 1
                    writer.write_table(pa.Table.from_pylist(_output_rows(rows, verdicts, ACCEPT[accept], names), schema))
                    done += len(rows)
                    if progress is not None:
                        progress("hydrate", done, total)
    result.documents = done
    result.counts = {status: counts[status] for status in STATUSES}
    result.by_outlet = {outlet: {s: n[s] for s in STATUSES if n[s]} for outlet, n in sorted(by_outlet.items())}
    result.accepted = sum(counts[status] for status in ACCEPT[accept])
    _commit(temp, out, result)
    return result


def _prefetched(chunks: Iterator[list[dict[str, Any]]], get: Callable[[list[dict[str, Any]]], list[Answer]],
                ahead: ThreadPoolExecutor) -> Iterator[tuple[list[dict[str, Any]], Future[list[Answer]]]]:
    """Each chunk with its pages being got, the next chunk's started before this one is handed out."""
    pending: tuple[list[dict[str, Any]], Future[list[Answer]]] | None = None
    for rows in chunks:
        started = (rows, ahead.submit(get, rows))
        if pending is not None:
            yield pending
        pending = started
    if pending is not None:
        yield pending


def _chunks(path: Path) -> Iterator[list[dict[str, Any]]]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK_ROWS):
        yield batch.to_pylist()


def _verdicts(pool: Any, answers: list[Answer], targets: list[Target], near: float, workers: int) -> list[Verdict]:
    """The chunk's verdicts, cut into ``workers`` parts run on the pool, in order."""
    size = max(1, -(-len(targets) // max(1, workers)))
    parts: dict[int, list[Verdict]] = {}
    calls = [(start, _verify_chunk, (answers[start : start + size], targets[start : start + size], near))
             for start in range(0, len(targets), size)]
    pool.run(calls, lambda key, found: parts.__setitem__(key, found))
    return [verdict for start in sorted(parts) for verdict in parts[start]]


RANK = {EXACT: 0, NEAR: 1, CHANGED: 2, MISSING: 3}


def _from_archive(source: Any, pool: Any, rows: list[dict[str, Any]], targets: list[Target], verdicts: list[Verdict],
                  near: float, workers: int) -> None:
    """Ask the web archive for the documents the web gave no page for, or another text: its capture
    closest to the document's date replaces the verdict when it verifies better."""
    redo = [i for i, verdict in enumerate(verdicts) if verdict.status in (CHANGED, MISSING) and rows[i].get("url")]
    if not redo:
        return

    def get(i: int) -> Answer:
        answer = source.fetch_archived(rows[i]["url"], rows[i].get("date"))
        checkpoint("hydrate.page")
        return answer

    with ThreadPoolExecutor(max_workers=max(1, workers)) as threads:
        answers = list(threads.map(get, redo))
    again = _verdicts(pool, answers, [targets[i] for i in redo], near, workers)
    for i, answer, verdict in zip(redo, answers, again, strict=True):
        old = verdicts[i]
        if RANK[verdict.status] < RANK[old.status] or (verdict.status == old.status == CHANGED
                                                       and (verdict.score or 0) > (old.score or 0)):
            where = answer.final_url if isinstance(answer, Page) and answer.final_url else "the web archive"
            verdicts[i] = Verdict(verdict.status, verdict.score, f"from {where}", verdict.text, verdict.dek)


def _commit(temp: Path, out: Path, result: Hydrated) -> None:
    from masthead.release.atomic import commit

    try:
        (temp / REPORT).write_text(json.dumps(result.file_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        checkpoint("hydrate.rename-before")
        out.parent.mkdir(parents=True, exist_ok=True)
        commit(temp, out)
    except OSError as exc:
        raise OutputError(f"cannot write the hydrated copy to {out}: {exc.strerror or exc}") from exc
