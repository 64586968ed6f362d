"""The Responsible-AI fields of a release's croissant.json (Croissant RAI vocabulary, ``rai:``).

Every statement is counted from the release itself: its manifest (inputs, counts, rejects,
settings), the report's numbers (outlets, dates, metadata coverage, duplicates) and the
``cleaning`` column of its Parquet shards (what each cleaning rule removed). Nothing is
asserted that the build did not measure: fields masthead cannot know (annotation, biases,
intended uses) are left out rather than guessed.
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Any

from masthead.release.bump import VERSIONING_RULES
from masthead.release.layout import DATA

PERSON_FIELDS = ("authors", "contributors")  # document fields that hold people's names


def cleaning_counts(folder: Path) -> list[tuple[str, int, int]]:
    """(rule, documents it removed text from, characters removed) for every rule, sorted by rule id."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    totals: dict[str, list[int]] = {}
    for shard in sorted((folder / DATA).glob("*.parquet")):
        column = pq.read_table(shard, columns=["cleaning"]).column("cleaning")
        removed = pc.list_flatten(pc.struct_field(column, "removed"))
        if not len(removed):
            continue
        table = pa.table({"rule": pc.struct_field(removed, "rule"), "chars": pc.struct_field(removed, "chars")})
        for row in table.group_by("rule").aggregate([("chars", "count"), ("chars", "sum")]).to_pylist():
            entry = totals.setdefault(str(row["rule"]), [0, 0])
            entry[0] += int(row["chars_count"])
            entry[1] += int(row["chars_sum"] or 0)
    return [(rule, docs, chars) for rule, (docs, chars) in sorted(totals.items())]


def _count(value: Any) -> int:
    """A count from the manifest; an input that could not be read records no size."""
    return int(value) if isinstance(value, (int, float)) else 0


def _share(filled: int, total: int) -> str:
    return f"{filled} of {total} documents ({filled / total:.0%})" if total else "none of 0 documents"


def time_frame(dates: dict[str, Any]) -> list[str] | None:
    """The first day of the first month and the last day of the last month that documents are dated in."""
    first, last = (re.fullmatch(r"(\d{4})-(\d{2})", str(dates.get(end) or "")) for end in ("first", "last"))
    if first is None or last is None:
        return None
    year, month = int(last.group(1)), int(last.group(2))
    return [f"{first.group(0)}-01", f"{last.group(0)}-{calendar.monthrange(year, month)[1]:02d}"]


def _collection(manifest: dict[str, Any], stats: dict[str, Any]) -> str:
    counts, inputs = manifest.get("counts", {}), manifest.get("inputs", [])
    outlets, dates = stats.get("outlets", {}), stats.get("dates", {})
    text = (f"{counts.get('input_records', 0)} records read from {len(inputs)} input files "
            f"({sum(_count(i.get('bytes')) for i in inputs)} bytes) of the corpus project; "
            f"{counts.get('published', 0)} documents published. ")
    text += (f"They come from {outlets.get('distinct', 0)} news outlets; the outlet is unknown for "
             f"{outlets.get('unknown', 0)} of them. ")
    if dates.get("first"):
        text += f"They were published from {dates['first']} to {dates['last']} (months); "
    text += f"the date is unknown for {dates.get('undated', 0)} of them."
    return text


def _preprocessing(manifest: dict[str, Any], stats: dict[str, Any], rules: list[tuple[str, int, int]]) -> list[str]:
    counts, published = manifest.get("counts", {}), int(manifest.get("counts", {}).get("published", 0))
    steps = ["Each input is read, cleaned, normalised, validated against the document schema and deduplicated, "
             "in that order; each document's `cleaning` field records what cleaning removed from it, and its "
             "`provenance` field where each metadata value came from."]
    steps += [f"Cleaning rule `{rule}` removed {chars} characters, from {_share(docs, published)}."
              for rule, docs, chars in rules]
    rejects = manifest.get("rejects_by_code", {})
    steps.append(f"Validation rejected {counts.get('rejected', 0)} input records"
                 + (" (" + ", ".join(f"{code}: {n}" for code, n in sorted(rejects.items())) + ")" if rejects else "")
                 + "; each is listed with file, record, field, reason and fix in rejects.jsonl.")
    duplicates = stats.get("duplicates", {})
    policy = manifest.get("settings", {}).get("duplicates")
    steps.append(f"Deduplication (policy: {policy}) marked {duplicates.get('marked', 0)} documents as duplicates "
                 f"of another (`duplicate_of`) and dropped {duplicates.get('dropped', 0)}.")
    return steps


def _personal(stats: dict[str, Any], published: int) -> list[str]:
    coverage = stats.get("coverage", {})
    found = [f"`{name}`, filled in {_share(int(coverage[name]['filled']), published)}"
             for name in PERSON_FIELDS if name in coverage]
    return [("Names of the people the articles credit (" + "; ".join(found) + ")." if found else
             "No field holds people's names."),
            "The texts are news reports and name the people they report on."]


def _limitations(manifest: dict[str, Any], stats: dict[str, Any]) -> list[str]:
    published = int(manifest.get("counts", {}).get("published", 0))
    coverage = stats.get("coverage", {})
    filled = "; ".join(f"{name}: {_share(int(entry['filled']), published)}" for name, entry in coverage.items())
    return [
        f"Metadata is filled only where the text supports it, never guessed; filled per field: {filled}.",
        "Cleaning is rule-based: page furniture no rule describes can remain, and text a rule matches is "
        "removed even where it was part of the article (each document's `cleaning` field says how much).",
        "Dates are months or days of publication as the texts state them; the collection covers only the "
        "outlets and periods of its inputs, not the news coverage of those events as a whole.",
    ]


def rai_fields(folder: Path, manifest: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """The ``rai:`` properties of the release in ``folder`` (``stats``: the report's numbers)."""
    published = int(manifest.get("counts", {}).get("published", 0))
    fields: dict[str, Any] = {"rai:dataCollection": _collection(manifest, stats)}
    frame = time_frame(stats.get("dates", {}))
    if frame is not None:
        fields["rai:dataCollectionTimeFrame"] = frame
    fields["rai:dataCollectionRawData"] = (
        "The raw inputs are not part of the release; manifest.json lists each input file with its size and "
        "SHA-256" + (", and the `raw` config holds each document's uncleaned text." if
                     manifest.get("settings", {}).get("include_raw_text") else "."))
    fields["rai:dataPreprocessingProtocol"] = _preprocessing(manifest, stats, cleaning_counts(folder))
    fields["rai:personalSensitiveInformation"] = _personal(stats, published)
    fields["rai:dataLimitations"] = _limitations(manifest, stats)
    fields["rai:dataReleaseMaintenancePlan"] = (
        f"Releases are immutable and versioned by semantic versions that the build enforces from what changed: "
        f"{VERSIONING_RULES} Each release lists its changes against the previous one in CHANGELOG.md and "
        "changes.json, and every file's checksum in SHA256SUMS; earlier releases are never rewritten.")
    return fields
