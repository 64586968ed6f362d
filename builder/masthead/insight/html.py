"""report.html: one self-contained page (inline CSS, no scripts, no network) beside figures/*.png."""

from __future__ import annotations

from html import escape
from typing import Any

from masthead import __version__
from masthead.insight import tables
from masthead.insight.figures import FigureFile

CSS = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 840px; margin: 0 auto; padding: 1.5rem 1.2rem 3rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
nav a { margin-right: .8rem; color: #0072B2; }
figure { margin: .8rem 0; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .25rem .7rem .25rem 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #666; font-size: .9rem; }
"""

SECTIONS = [
    ("outlets.png", "outlets", "Outlets"),
    ("timeline.png", "timeline", "Publication dates"),
    ("lengths.png", "lengths", "Text length"),
    ("coverage.png", "coverage", "Metadata coverage and provenance"),
    ("languages.png", "languages", "Languages"),
    ("rejects.png", "rejects", "Rejected inputs"),
    ("duplicates.png", "duplicates", "Duplicates"),
]


def _is_number(cell: str) -> bool:
    return cell.replace(",", "").replace(".", "").replace("%", "").isdigit()


def table(header: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return ""  # the figure above already says there is nothing to show
    head = "".join(f'<th{" class=n" if i and _is_number(rows[0][i]) else ""}>{escape(h)}</th>' for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=n" if _is_number(c) else ""}>{escape(c)}</td>' for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section_table(anchor: str, stats: dict[str, Any]) -> str:
    if anchor == "outlets":
        return table(["outlet", "documents", "share"], tables.ranked_rows(stats, "outlets", "outlet"))
    if anchor == "languages":
        return table(["language", "documents", "share"], tables.ranked_rows(stats, "languages", "language"))
    if anchor == "lengths":
        return table(tables.LENGTH_HEADER, tables.length_rows(stats))
    if anchor == "coverage":
        return table(tables.COVERAGE_HEADER, tables.coverage_rows(stats))
    if anchor == "rejects":
        return (table(["reason", "records"], tables.reject_rows(stats))
                + '<p class="muted">Every rejected input, with file, record, field, reason and fix, is listed in '
                "<code>rejects.jsonl</code> in the release.</p>")
    if anchor == "duplicates":
        return table(["documents in cluster", "clusters"], tables.duplicate_rows(stats))
    dates = stats["dates"]
    return (f'<p class="muted">{dates["undated"]:,} documents are undated and {dates["year_only"]:,} give the year only; '
            "neither is shown by month.</p>")


def render_html(stats: dict[str, Any], figures: list[FigureFile], title: str | None = None) -> str:
    """The report page; image links are relative (``figures/x.png``), so the folder can move."""
    by_name = {f.name: f for f in figures}
    name = f"{stats['corpus']} {stats['version']}"
    heading = escape(title or name)
    nav = "".join(f'<a href="#{anchor}">{escape(label)}</a>' for _, anchor, label in SECTIONS)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{escape(name)}: corpus report</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{heading}</h1>",
        f'<p class="muted">Release {escape(str(stats["version"]))} of <code>{escape(str(stats["corpus"]))}</code>, '
        f"released {escape(str(stats['released']))}.</p>",
        f"<p>{escape(tables.headline(stats))}</p>",
        f"<nav>{nav}</nav>",
        '<h2 id="counts">Counts</h2>',
        table(["count", "value"], tables.count_rows(stats)),
    ]
    for png, anchor, label in SECTIONS:
        parts.append(f'<h2 id="{anchor}">{escape(label)}</h2>')
        spec = by_name.get(png)
        if spec is not None:
            parts.append(f'<figure><img src="{escape(spec.path)}" alt="{escape(spec.alt)}" width="800"></figure>')
        parts.append(_section_table(anchor, stats))
    parts += [
        f'<p class="muted">Computed by masthead {escape(__version__)} from the release\'s Parquet files, '
        "manifest.json and rejects.jsonl.</p>",
        "</main></body></html>",
        "",
    ]
    return "\n".join(parts)
