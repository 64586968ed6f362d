"""The dataset card (README.md of a release): Hub YAML front matter plus a readable body.

The YAML keeps what the Hub viewer needs (``configs`` pointing at the Parquet files and
``dataset_info`` derived from the schema). The citation lives in the body, as the Hub's
card spec has no citation key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass(frozen=True)
class SplitInfo:
    name: str
    num_examples: int
    num_bytes: int
    files: list[str]


@dataclass(frozen=True)
class ConfigInfo:
    name: str
    features: list[dict[str, Any]]
    splits: list[SplitInfo]
    download_size: int

    @property
    def dataset_size(self) -> int:
        return sum(s.num_bytes for s in self.splits)


@dataclass(frozen=True)
class CardContent:
    corpus: str
    version: str
    pretty_name: str
    abstract: str
    license_name: str
    license_note: str
    languages: list[str]
    task_categories: list[str]
    keywords: list[str]
    configs: list[ConfigInfo]
    field_rows: list[tuple[str, str, str]]
    counts: dict[str, Any]
    bibtex: str
    released: str
    sections: list[str] = field(default_factory=list)
    gated: bool = False  # the Hub asks for license_note to be accepted before any download
    doi: str | None = None  # this version's DOI
    concept_doi: str | None = None  # the DOI of every version


# What the Hub's access form asks when a corpus is gated (keys are the form's labels).
GATED_FIELDS: dict[str, Any] = {
    "Name": "text",
    "Affiliation": "text",
    "Intended use": {"type": "select", "options": ["Research", "Teaching", "Other non-commercial use"]},
    "I agree to use the corpus only as its terms of use say and not to republish the texts": "checkbox",
}


def gated_prompt(card: CardContent) -> str:
    return (f"{card.pretty_name} is shared under these terms of use. {' '.join(card.license_note.split())} "
            "Accept them to download the corpus.")


def doi_line(card: CardContent) -> list[str]:
    """The card's DOI line (and a blank line after it); none when CITATION.cff records no DOI."""
    parts = [f"DOI of this version: [{card.doi}](https://doi.org/{card.doi})"] if card.doi else []
    if card.concept_doi and card.concept_doi != card.doi:
        parts.append(f"DOI of every version: [{card.concept_doi}](https://doi.org/{card.concept_doi})")
    return ["; ".join(parts) + ".", ""] if parts else []


def size_category(n: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")]
    for bound, label in bounds:
        if n < bound:
            return label
    return "n>1T" if n > 10**12 else "100M<n<1B"


def _data_glob(config: str, split: str) -> str:
    return f"data/{split}-*" if config == "default" else f"{config}/{split}-*"


def front_matter(card: CardContent) -> dict[str, Any]:
    total = sum(s.num_examples for s in card.configs[0].splits) if card.configs else 0
    meta: dict[str, Any] = {"pretty_name": card.pretty_name}
    if card.languages:
        meta["language"] = card.languages
    meta["license"] = "other"
    meta["license_name"] = card.license_name
    meta["size_categories"] = [size_category(total)]
    meta["task_categories"] = card.task_categories
    if card.keywords:
        meta["tags"] = card.keywords
    if card.gated:
        meta["extra_gated_prompt"] = gated_prompt(card)
        meta["extra_gated_fields"] = GATED_FIELDS
        meta["extra_gated_button_content"] = "Accept the terms and request access"
    meta["configs"] = [
        {
            "config_name": c.name,
            "data_files": [{"split": s.name, "path": _data_glob(c.name, s.name)} for s in c.splits],
            **({"default": True} if c.name == "default" and len(card.configs) > 1 else {}),
        }
        for c in card.configs
    ]
    infos = [
        {
            **({"config_name": c.name} if len(card.configs) > 1 else {}),
            "features": c.features,
            "splits": [{"name": s.name, "num_bytes": s.num_bytes, "num_examples": s.num_examples} for s in c.splits],
            "download_size": c.download_size,
            "dataset_size": c.dataset_size,
        }
        for c in card.configs
    ]
    meta["dataset_info"] = infos[0] if len(infos) == 1 else infos
    return meta


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_card(card: CardContent) -> str:
    yaml_text = yaml.safe_dump(front_matter(card), sort_keys=False, allow_unicode=True, width=1000)
    splits = card.configs[0].splits if card.configs else []
    body = [
        f"# {card.pretty_name}",
        "",
        f"Release **{card.version}** of `{card.corpus}`, released {card.released}, built with masthead.",
        "",
        *doi_line(card),
        card.abstract or "_No abstract: add one to the project's CITATION.cff._",
        "",
        "## Terms of use",
        "",
        card.license_note,
        "",
        *(["Downloads from the Hub are gated: the Hub asks you to accept these terms first.", ""] if card.gated else []),
        "## Contents",
        "",
        _table(["split", "documents", "files"], [[s.name, str(s.num_examples), ", ".join(f"`{f}`" for f in s.files)] for s in splits]),
        "",
        _table(["count", "value"], [[k.replace("_", " "), _count(v)] for k, v in card.counts.items()]),
        "",
        "Rejected inputs are listed with file, record, field and reason in `rejects.jsonl`; every input and",
        "file checksum is in `manifest.json` and `SHA256SUMS`.",
        "",
        "## Fields",
        "",
        _table(["field", "type", "description"], [[f"`{n}`", f"`{t}`", d] for n, t, d in card.field_rows]),
        "",
        *[part for section in card.sections for part in (section, "")],
        "## How to load",
        "",
        "```python",
        "import masthead",
        f'ds = masthead.load(version="{card.version}")  # verifies SHA256SUMS first',
        "",
        "import datasets",
        "ds = datasets.load_dataset(\"parquet\", data_files={"
        + ", ".join(f'"{s.name}": "data/{s.name}-*.parquet"' for s in splits) + "})",
        'ds = datasets.load_from_disk("hf")',
        "```",
        "",
        "## Citation",
        "",
        "```bibtex",
        card.bibtex.rstrip("\n"),
        "```",
        "",
    ]
    return f"---\n{yaml_text}---\n\n" + "\n".join(body)


def _count(value: Any) -> str:
    """A count as the card shows it; counts by kind (WARC records skipped) as ``kind: n`` pairs."""
    if isinstance(value, dict):
        return ", ".join(f"{kind}: {n}" for kind, n in value.items())
    return str(value)
