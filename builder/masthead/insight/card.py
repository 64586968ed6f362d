"""The dataset card's "corpus at a glance" section: a headline, the coverage table and the figures.

Image and report links are relative to the release root (where the card, README.md, lives),
so they resolve on the Hugging Face Hub and in a local copy alike.
"""

from __future__ import annotations

from typing import Any

from masthead.insight import tables
from masthead.insight.figures import FigureFile

REPORT_HTML = "report.html"


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def card_section(stats: dict[str, Any], figures: list[FigureFile]) -> str:
    """Markdown for CardContent.sections."""
    images = "\n\n".join(f"![{f.alt}]({f.path})" for f in figures)
    return "\n".join([
        "## The corpus at a glance",
        "",
        tables.headline(stats),
        "",
        _markdown_table(tables.COVERAGE_HEADER, tables.coverage_rows(stats)),
        "",
        images,
        "",
        f"The same figures with their tables are in [`{REPORT_HTML}`]({REPORT_HTML}); "
        "`masthead stats --json` prints the numbers.",
    ])
