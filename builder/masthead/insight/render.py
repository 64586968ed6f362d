"""Every figure of the report, drawn (or copied from the figure cache) into a release folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.insight.figures import (
    FIGURES_DIR,
    FigureFile,
    coverage_figure,
    duplicates_figure,
    languages_figure,
    lengths_figure,
    outlets_figure,
    rejects_figure,
    timeline_figure,
)
from masthead.insight.style import DPI, PNG_METADATA, STYLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# each figure, the stats it reads (all it is given: a cached figure is valid while they are the same)
FIGURES: list[tuple[FigureFile, tuple[str, ...], Callable[[dict[str, Any]], Figure]]] = [
    (FigureFile("outlets.png", "Documents per outlet", "Bar chart of documents per outlet"), ("outlets",), outlets_figure),
    (FigureFile("timeline.png", "Documents over time", "Bar chart of documents per month of publication"), ("dates",),
     timeline_figure),
    (FigureFile("lengths.png", "Text length", "Histograms of words and characters per document"), ("lengths",),
     lengths_figure),
    (FigureFile("coverage.png", "Metadata coverage", "Stacked bars of metadata coverage and provenance per field"),
     ("coverage", "documents"), coverage_figure),
    (FigureFile("languages.png", "Languages", "Bar chart of documents per language"), ("languages",), languages_figure),
    (FigureFile("rejects.png", "Rejected inputs", "Bar chart of rejected inputs by reason"), ("rejects",), rejects_figure),
    (FigureFile("duplicates.png", "Duplicates", "Bar chart of duplicate clusters by size"), ("duplicates",),
     duplicates_figure),
]


def render_figures(stats: dict[str, Any], folder: Path, cache: Path | None = None) -> list[FigureFile]:
    """Write every figure as ``folder/figures/<name>.png``; same stats, same bytes. With ``cache``
    (a folder), a figure whose stats are unchanged since the last build is copied from there."""
    from masthead.insight.figure_cache import FigureCache

    out = folder / FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    store = FigureCache(cache)
    written = []
    for spec, keys, draw in FIGURES:
        given = {key: stats[key] for key in keys}
        if not store.fetch(spec.name, given, out / spec.name):
            _draw(draw, given, out / spec.name)
            store.keep(spec.name, given, out / spec.name)
        written.append(spec)
    store.prune()
    return written


def _draw(draw: Callable[[dict[str, Any]], Figure], stats: dict[str, Any], path: Path) -> None:
    import matplotlib
    import matplotlib.style

    style: Any = STYLE  # matplotlib types rc keys as a Literal of every known name
    with matplotlib.style.context("default"), matplotlib.rc_context(style):
        draw(stats).savefig(path, dpi=DPI, format="png", metadata=PNG_METADATA)
