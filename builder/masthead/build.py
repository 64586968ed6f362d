"""One build: settings → inputs → documents → an immutable release under dist/.

Owns the decisions around a release: which version it gets, whether the newest release
is already up to date, and the accounting invariant (checked before anything is
committed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from masthead import __version__
from masthead.engine.cache import schema_digests
from masthead.engine.collect import (
    BesideWork,
    Collected,
    ProgressFn,
    collect,
    fingerprint,
    prepare_engine,
)
from masthead.engine.faults import checkpoint
from masthead.errors import OutputError, Reject, ReleaseExistsError, StrictModeError
from masthead.project.corpusinfo import read_corpus_info
from masthead.readers.inputs import Inputs, list_input_files
from masthead.release.atomic import remove_leftovers
from masthead.release.layout import corpus_dir, newest_release, release_dir
from masthead.release.lock import corpus_lock
from masthead.release.manifest import read_manifest_json
from masthead.release.report import BuildReport
from masthead.release.versions import Version
from masthead.schema import document_schema
from masthead.settings import Settings

if TYPE_CHECKING:  # the diff and the writers (pyarrow.compute, datasets, matplotlib) load only when a build runs
    from masthead.insight.stats import ReleaseTally
    from masthead.release.diff import DocumentDiff

COVERED = ("title", "outlet", "date", "authors", "url", "language")


def coverage(collected: Collected) -> dict[str, float]:
    """Share of published documents with each metadata field filled."""
    return collected.docs.coverage(COVERED)  # counted in the merge stage, without reading the texts


def _report(settings: Settings, collected: Collected, status: str) -> BuildReport:
    return BuildReport(
        status=status,
        corpus=settings.name,
        counts=collected.counts.as_dict(),
        rejects=collected.rejects,
        notes={k: dict(sorted(v.items())) for k, v in sorted(collected.notes.items())},
        coverage=coverage(collected),
        skipped=collected.skipped,
        nodes=collected.nodes,
    )


def skipped_note(skipped: list[str]) -> str:
    """What a build says, once, of the folders masthead wrote that it found under raw/ and did not read."""
    if not skipped:
        return ""
    return f" (not read as inputs: {', '.join(skipped)}, written by masthead)"


def validate_corpus(settings: Settings, progress: ProgressFn | None = None) -> BuildReport:
    """Check the raw folder exactly as a build would, writing nothing (a remote raw folder is mirrored)."""
    if settings.raw_url is not None or settings.work is not None:
        from masthead.storage.staged import remote_names, stage_inputs

        with remote_names(settings):
            stage_inputs(settings)
            return _validate_here(settings, progress)
    return _validate_here(settings, progress)


def _validate_here(settings: Settings, progress: ProgressFn | None = None) -> BuildReport:
    collected = collect(settings, progress)
    report = _report(settings, collected, "validated")
    report.message = (
        f"{collected.counts.input_records} records: {collected.counts.published} valid, "
        f"{collected.counts.rejected} rejected"
        + (f", {sum(collected.counts.skipped.values())} skipped (not pages)" if collected.counts.skipped else "")
    ) + skipped_note(collected.skipped)
    if settings.strict and collected.rejects:
        raise StrictModeError(f"{collected.counts.rejected} record(s) rejected (--strict); first: "
                              f"{collected.rejects[0].location()}: {collected.rejects[0].message}")
    return report


def input_fingerprint(settings: Settings, inputs: Inputs | None = None) -> str:
    """What decides a release's content: inputs (``inputs``, the build's listing, else listed
    now), settings, schemas and outlet registries, corpus metadata, masthead."""
    info_file = settings.citation_path
    return fingerprint({
        "masthead": __version__,
        "inputs": (inputs or list_input_files(settings)).files,
        "settings": settings.as_manifest(),
        "schemas": schema_digests(settings),  # the JSON Schemas and the outlet registry, masthead's and the project's
        "citation": info_file.read_text(encoding="utf-8") if info_file else None,
    })


def choose_version(
    settings: Settings, newest: Version | None, cff_version: str | None, diff: DocumentDiff | None = None
) -> Version:
    """The new release's version: explicit (checked against the diff), bumped, or from CITATION.cff."""
    from masthead.release.bump import bumped_version, check_version, smallest_allowed

    if newest is None:
        if settings.version is not None:
            return Version.parse(settings.version)
        return Version.parse(cff_version) if cff_version else Version(1, 0, 0)
    if settings.version is not None:
        requested = Version.parse(settings.version)
        if diff is not None:
            check_version(newest, requested, diff)
        return requested
    if settings.bump is not None and diff is not None:
        return bumped_version(newest, diff, settings.bump)
    cff = Version.parse(cff_version) if cff_version else None
    if cff is not None and cff > newest:
        if diff is not None:
            check_version(newest, cff, diff)
        return cff
    suggestion = f" ({diff.reason()}: {smallest_allowed(newest, diff)})" if diff is not None else ""
    raise ReleaseExistsError(
        f"the inputs changed since release {newest}, and releases are immutable: run "
        f"`masthead build --bump auto` to get the version the changes need{suggestion}, or pass one, "
        f"e.g. --version {newest.bump('patch')} (metadata only), "
        f"{newest.bump('minor')} (documents added) or {newest.bump('major')} (documents removed or changed)"
    )


def build(settings: Settings, progress: ProgressFn | None = None) -> BuildReport:
    """Build under the corpus lock; leftovers of killed builds are removed first. A raw or dist
    folder in object storage is staged in and the release pushed out (:mod:`masthead.storage.staged`)."""
    if settings.raw_url is not None or settings.dist_url is not None or settings.work is not None:
        from masthead.storage.staged import build_with_storage

        return build_with_storage(settings, lambda staged: _build_here(staged, progress))
    return _build_here(settings, progress)


def _build_here(settings: Settings, progress: ProgressFn | None = None) -> BuildReport:
    prepare_engine(settings)  # the workers' forkserver imports their modules while this process reads its inputs
    with corpus_lock(corpus_dir(settings.dist, settings.name)) as held:
        checkpoint("build.locked")
        try:
            removed = remove_leftovers(held.path.parent)
        except OSError as exc:
            raise OutputError(f"cannot remove leftovers of a killed build in {held.path.parent}: {exc}") from exc
        checkpoint("build.leftovers-removed")
        report = _build_locked(settings, progress)
        if held.took_over is not None:
            report.message += f" (took over the stale lock of {held.took_over.describe()}, no longer running)"
        if removed:
            report.message += f" (removed {len(removed)} unfinished release folder(s) of killed builds)"
        checkpoint("build.unlock-before")
        return report


def _build_locked(settings: Settings, progress: ProgressFn | None = None) -> BuildReport:
    info = read_corpus_info(settings.citation_path, settings.name)
    found = newest_release(settings.dist, settings.name)
    inputs = list_input_files(settings)  # the one listing: fingerprinted, read and recorded as it is
    fp = input_fingerprint(settings, inputs)
    if found is not None and settings.version is None:
        newest_version, newest_path = found
        if read_manifest_json(newest_path).get("input_fingerprint") == fp:
            if settings.strict:
                _refuse_rejects(newest_version, newest_path)
            return BuildReport(
                status="up-to-date", corpus=settings.name, version=str(newest_version), release=str(newest_path),
                message=f"release {newest_version} is up to date with the inputs; nothing to build"
                + skipped_note(inputs.skipped),
                skipped=inputs.skipped,
            )
    if settings.version is not None:
        _refuse_existing(settings, found, Version.parse(settings.version))
    collected = collect(settings, progress, keep_raw_text=settings.include_raw_text, for_release=True,
                        beside=diff_beside_search(found, settings), inputs=inputs)
    if settings.strict and collected.rejects:
        first = collected.rejects[0]
        raise StrictModeError(
            f"{collected.counts.rejected} record(s) rejected (--strict), no release written; "
            f"first: {first.location()}: {first.message}"
        )
    from masthead.release.writer import write_release

    changes, tally = document_changes(settings, collected, found)
    version = choose_version(settings, found[0] if found else None, info.version, changes)
    changes.current = str(version)
    target = _refuse_existing(settings, found, version)
    report = _report(settings, collected, "built")
    splits = write_release(target, settings, info, str(version), collected, report, fp, progress, changes, tally)
    report.version = str(version)
    report.release = str(target)
    report.splits = splits
    report.message = (
        f"built {settings.name} {version}: {collected.counts.published} documents, "
        f"{collected.counts.rejected} rejected, {collected.counts.duplicates} duplicates"
        + (f", {sum(collected.counts.skipped.values())} records skipped (not pages)" if collected.counts.skipped else "")
        + (f" ({report.reused_shards} of {report.shards} shards unchanged, copied from {changes.previous})"
           if report.reused_shards else "")
        + skipped_note(collected.skipped)
    )
    return report


def _refuse_rejects(version: Version, folder: Path) -> None:
    """``--strict`` with an up-to-date release: its inputs are the same, so are its rejects."""
    import json

    from masthead.release.layout import REJECTS

    lines = (folder / REJECTS).read_text(encoding="utf-8").splitlines() if (folder / REJECTS).is_file() else []
    if lines:
        first = Reject.from_dict(json.loads(lines[0]))
        raise StrictModeError(
            f"release {version} is up to date with the inputs, but {len(lines)} record(s) of them are rejected "
            f"(--strict; see {folder / REJECTS}); first: {first.location()}: {first.message}"
        )


def _refuse_existing(settings: Settings, found: tuple[Version, Path] | None, version: Version) -> Path:
    target = release_dir(settings.dist, settings.name, version)
    if target.exists():
        newer = found[0] if found else version
        raise ReleaseExistsError(
            f"release {version} already exists at {target} and releases are never overwritten; "
            f"build a new version, e.g. --version {max(newer, version).bump('patch')}"
        )
    return target


def document_changes(settings: Settings, collected: Collected,
                     found: tuple[Version, Path] | None) -> tuple[DocumentDiff, ReleaseTally | None]:
    """The new documents against the newest release's Parquet (all ids added when there is none),
    and, when a release was compared, the new release's numbers counted from the same read
    (:mod:`masthead.release.build_diff`; compared beside the duplicate search when ``collected``
    brings that comparison, else here)."""
    from masthead.release.build_diff import add_duplicate_changes, compare_with_release
    from masthead.release.diff_tables import diff_tables

    docs = collected.docs
    if found is None:
        return diff_tables(None, lambda: (table for table, _ in docs.batches(columns=["id"]))), None
    newest_version, newest_path = found
    published, sources = published_columns(settings)
    changes, tally = collected.beside or compare_with_release(docs, newest_path, str(newest_version), published, sources)
    add_duplicate_changes(changes, tally, docs, newest_path, published)
    changes.previous_dir = newest_path
    return changes, tally


def published_columns(settings: Settings) -> tuple[list[str], dict[str, str] | None]:
    """The columns a release of ``settings`` publishes (by its text policy), and where the work files
    hold those that are not the document schema's (a metadata-only release's verification fields)."""
    from masthead.release.text_policy import release_sources
    from masthead.schema import field_names, release_schema

    return field_names(release_schema(document_schema(settings.schema_dir), settings.text)), release_sources(settings)


def diff_beside_search(found: tuple[Version, Path] | None, settings: Settings) -> BesideWork | None:
    """What ``collect`` starts beside the duplicate search: the comparison with the newest release."""
    if found is None:
        return None
    from masthead.release.build_diff import compare_with_release

    version, path = found
    published, sources = published_columns(settings)
    return lambda docs, start: start(compare_with_release, docs, path, str(version), published, sources)


def release_path(settings: Settings, version: str) -> Path:
    return release_dir(settings.dist, settings.name, Version.parse(version))
