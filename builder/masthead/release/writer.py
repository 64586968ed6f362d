"""Write a release into a temporary folder beside its destination, then rename it into place."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead import __version__
from masthead.engine import checkpoint
from masthead.errors import OutputError
from masthead.project.corpusinfo import CorpusInfo
from masthead.release import card as cards
from masthead.release.atomic import commit, temp_dir_for
from masthead.release.changelog import write_changes
from masthead.release.checksums import write_checksums
from masthead.release.citation import bibtex, dump_cff, release_cff
from masthead.release.croissant import write_croissant
from masthead.release.diff import DocumentDiff
from masthead.release.hf_schema import hf_schema, kept_in
from masthead.release.layout import CARD, CITATION, DATA, HF, MANIFEST, REJECTS
from masthead.release.manifest import dump_json
from masthead.release.parquet import write_data
from masthead.release.report import BuildReport
from masthead.release.text_policy import hydrate_section, release_sources
from masthead.schema import (
    arrow_schema,
    document_schema,
    field_table,
    load_schema,
    raw_record_schema,
    release_schema,
    schema_id,
)
from masthead.settings import Settings

if TYPE_CHECKING:
    from masthead.engine import Collected, ProgressFn
    from masthead.insight.stats import ReleaseTally

TASK_CATEGORIES = ["text-classification", "text-generation"]


def write_release(
    target: Path,
    settings: Settings,
    info: CorpusInfo,
    version: str,
    collected: Collected,
    report: BuildReport,
    input_fp: str,
    progress: ProgressFn | None = None,
    changes: DocumentDiff | None = None,
    tally: ReleaseTally | None = None,
) -> dict[str, int]:
    """Write every file of the release; returns rows per split. Nothing is visible until the rename.
    ``tally``: the report's numbers, when counted already (else counted as the data is written)."""
    temp = temp_dir_for(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if temp.exists():
            shutil.rmtree(temp)
        temp.mkdir()
        checkpoint("release.temp-created")
        rows = _write_files(temp, settings, info, version, collected, report, input_fp, progress, changes, tally)
        commit(temp, target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise OutputError(f"cannot write the release to {target.parent}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return rows


def _write_files(
    folder: Path,
    settings: Settings,
    info: CorpusInfo,
    version: str,
    collected: Collected,
    report: BuildReport,
    input_fp: str,
    progress: ProgressFn | None,
    changes: DocumentDiff | None = None,
    counted: ReleaseTally | None = None,
) -> dict[str, int]:
    info = info.for_release(version)  # the DOIs that name this release
    doc_schema = release_schema(document_schema(settings.schema_dir), settings.text)  # what this release publishes
    schema = arrow_schema(doc_schema)
    # streamed: Parquet shards and the hf/ form from the same row groups, never the whole corpus in memory
    from masthead.insight.stats import ReleaseTally
    from masthead.release.reuse import SHARDS, plan_reuse, tool_versions
    from masthead.release.shard_size import release_rows_per_shard

    tally = counted if counted is not None else ReleaseTally()
    shard_rows = release_rows_per_shard(settings, collected.docs)
    reuse = plan_reuse(changes.previous_dir if changes is not None and settings.cache else None, collected.docs,
                       changes, shard_rows, schema_id(doc_schema), with_hf=True)
    hf = hf_schema(doc_schema, kept_in(settings))
    written = write_data(folder, collected.docs, schema, hf, shard_rows, progress, DATA, HF,
                         tally if counted is None else None, reuse, release_sources(settings))
    report.shards, report.reused_shards = sum(len(w.paths) for w in written), len(reuse.shards)
    known = {path: digest for w in written for path, digest in w.digests.items()}
    split_infos = [cards.SplitInfo(w.name, w.rows, w.nbytes, [p.relative_to(folder).as_posix() for p in w.paths])
                   for w in written]
    (folder / REJECTS).write_text(_jsonl([r.as_dict() for r in collected.rejects]), encoding="utf-8")
    checkpoint("rejects.written")
    released = settings.release_date
    (folder / CITATION).write_text(dump_cff(release_cff(info, version, released)), encoding="utf-8")
    checkpoint("citation.written")
    counts = collected.counts.as_dict()
    languages = collected.docs.languages()
    if not languages and settings.language:
        languages = [settings.language]
    card = cards.CardContent(
        corpus=settings.name,
        version=version,
        pretty_name=info.title,
        abstract=info.abstract,
        license_name=settings.license_name,
        license_note=settings.license_note,
        languages=languages,
        task_categories=TASK_CATEGORIES,
        keywords=info.keywords,
        configs=[cards.ConfigInfo("default", hf.card_features, split_infos,
                                  sum((folder / f).stat().st_size for s in split_infos for f in s.files)),
                 *([_write_raw_config(folder, settings, collected, shard_rows)] if settings.include_raw_text else [])],
        field_rows=field_table(doc_schema),
        counts=counts,
        bibtex=bibtex(info, settings.name, version, released),
        released=released.isoformat(),
        gated=settings.access == "gated",
        sections=[hydrate_section(settings.name, version, doc_schema)] if settings.text == "metadata" else [],
        doi=info.doi,
        concept_doi=info.concept_doi,
    )
    (folder / CARD).write_text(cards.render_card(card), encoding="utf-8")
    checkpoint("card.written")
    manifest = {
        "corpus": settings.name,
        "version": version,
        "released": released.isoformat(),
        "masthead_version": __version__,
        "tools": tool_versions(),
        "schemas": {
            "document": schema_id(doc_schema),
            "raw_record": schema_id(raw_record_schema(settings.schema_dir)),
        },
        "input_fingerprint": input_fp,
        "inputs": collected.inputs,
        "counts": counts,
        "splits": {s.name: s.num_examples for s in split_infos},
        "rows_per_shard": shard_rows,
        SHARDS: {w.name: [{"file": path.relative_to(folder).as_posix(), "rows": rows, "arrow_bytes": nbytes}
                          for path, (rows, nbytes) in zip(w.paths, w.sizes, strict=True)] for w in written},
        "rejects_by_code": report.rejects_by_code(),
        "coverage": report.coverage,
        "notes": report.notes,
        "settings": settings.as_manifest(),
    }
    (folder / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")
    checkpoint("manifest.written")
    # report.html + figures/ are computed from the Parquet and manifest just written; the card then
    # gets the figures and the coverage table (rewritten here, before the checksums cover both).
    from masthead.engine import state_dir
    from masthead.insight import card_section, write_report

    insight = write_report(folder, title=info.title, stats=tally.stats(folder),  # counted as the data was written
                           figure_cache=state_dir(settings) / "figures")
    # provenance per field (where each value came from), counted from the Parquet just written
    report.provenance = {name: dict(entry["provenance"]) for name, entry in insight.stats["coverage"].items()}
    manifest["provenance"] = report.provenance
    (folder / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")
    card = replace(card, sections=[*card.sections, card_section(insight.stats, insight.figures)])
    (folder / CARD).write_text(cards.render_card(card), encoding="utf-8")
    if changes is not None:
        write_changes(folder, changes, version, released.isoformat())
    write_croissant(folder, settings.name, info, version, released, doc_schema, settings.license_name, known,
                    insight.stats)
    checkpoint("checksums.before")
    write_checksums(folder, known)
    checkpoint("checksums.written")
    return {s.name: s.num_examples for s in split_infos}


def _write_raw_config(folder: Path, settings: Settings, collected: Collected, shard_rows: int) -> cards.ConfigInfo:
    """The ``raw`` config: id and uncleaned text of every published document, under ``raw/``."""
    import pyarrow as pa

    from masthead.release.parquet import SplitWriter

    raw_schema = load_schema("raw-text.schema.json", settings.schema_dir)
    schema = arrow_schema(raw_schema)
    docs = collected.docs
    counts = docs.split_rows()
    writers = [SplitWriter(folder / "raw", name, counts[name], shard_rows, schema) for name in docs.split_names]
    for table, codes in docs.batches(columns=["id", "_raw_text"]):
        table = pa.Table.from_arrays([table["id"], table["_raw_text"]], schema=schema)
        for code, writer in enumerate(writers):
            writer.add(table.filter(pa.array(codes == code)))
    splits = [cards.SplitInfo(w.name, w.rows, w.nbytes, [p.relative_to(folder).as_posix() for p in w.paths])
              for w in (writer.close() for writer in writers)]
    size = sum((folder / f).stat().st_size for s in splits for f in s.files)
    return cards.ConfigInfo("raw", hf_schema(raw_schema, kept_in(settings)).card_features, splits, size)


def _jsonl(rows: list[dict[str, Any]]) -> str:
    import json

    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n" for row in rows)
