"""Write report.html and figures/*.png for a release, into the release or another folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from masthead.errors import OutputError
from masthead.insight.card import REPORT_HTML
from masthead.insight.figures import FigureFile
from masthead.insight.html import render_html
from masthead.insight.render import render_figures
from masthead.insight.stats import corpus_stats
from masthead.release.layout import CITATION


@dataclass(frozen=True)
class WrittenReport:
    stats: dict[str, Any]
    html: Path
    figures: list[FigureFile]

    @property
    def figure_paths(self) -> list[Path]:
        return [self.html.parent / f.path for f in self.figures]


def release_title(release: Path) -> str | None:
    """The corpus title from the release's own CITATION.cff, if it has one."""
    import yaml

    try:
        data = yaml.safe_load((release / CITATION).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return str(title) if title else None


def write_report(release: Path, out: Path | None = None, title: str | None = None,
                 stats: dict[str, Any] | None = None, figure_cache: Path | None = None) -> WrittenReport:
    """Compute the release's stats (unless given: a build counts them as it writes) and write
    ``report.html`` + ``figures/`` into ``out`` (default: the release folder itself, which the
    release writer does before the checksums). The page is headed by ``title``, else the title
    in the release's CITATION.cff. ``figure_cache``: a folder of figures kept between builds."""
    stats = stats if stats is not None else corpus_stats(release)
    title = title or release_title(release)
    target = out if out is not None else release
    try:
        target.mkdir(parents=True, exist_ok=True)
        figures = render_figures(stats, target, figure_cache)
        html = target / REPORT_HTML
        html.write_text(render_html(stats, figures, title), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write the report to {target}: {exc.strerror or exc}") from exc
    return WrittenReport(stats, html, figures)
