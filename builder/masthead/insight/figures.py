"""The report's figures, drawn from ``corpus_stats`` with matplotlib (Agg, no pyplot, no display).

Each figure is 800 px wide, titled, with labelled axes and units, in the Okabe–Ito palette, and
reads the same with 5 documents or a million (top N plus "other", counts formatted as 12.3k,
months grouped into years over long spans, a "no data" panel when there is nothing to show).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from masthead.insight.style import (
    BLUE,
    DPI,
    GREY,
    LIGHT_GREY,
    MISSING_COLOUR,
    ORIGIN_COLOURS,
    SKY_BLUE,
    VERMILLION,
    WIDTH_IN,
    count_label,
    length_label,
    shorten,
)
from masthead.insight.tally import PROVENANCE_FIELDS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FIGURES_DIR = "figures"
MAX_MONTH_BARS = 120
LABELS = {"und": "und (undetermined)"}
EMPTY_HEIGHT_IN = 2.0
MIN_BAR_ROWS = 4  # a single bar is drawn as thick as one of four, not as a slab


@dataclass(frozen=True)
class FigureFile:
    name: str  # file name under figures/
    title: str
    alt: str

    @property
    def path(self) -> str:
        return f"{FIGURES_DIR}/{self.name}"


def _figure(height_in: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, max(2.0, min(height_in, 11.0))), dpi=DPI, layout="constrained")


def _count_axis(ax: Axes, axis: Literal["x", "y"] = "x") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    if target.get_scale() == "linear":
        target.set_major_locator(MaxNLocator(nbins=6, integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: count_label(v)))
    ax.grid(True, axis=axis)


def _empty(title: str, message: str) -> Figure:
    """A short panel that says there is nothing to show, and why."""
    fig = _figure(EMPTY_HEIGHT_IN)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_axis_off()
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=11, color="#555555", transform=ax.transAxes)
    return fig


def _hbars(fig: Figure, title: str, labels: list[str], values: list[int], colours: list[str], xlabel: str) -> None:
    """Horizontal bars, largest first from the top, each labelled with its count."""
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.barh(positions, values, color=colours, height=0.7)
    ax.set_yticks(positions, [shorten(label) for label in labels])
    pad = max(0, MIN_BAR_ROWS - len(labels)) / 2  # few bars: keep them slim and centred
    ax.set_ylim(len(labels) - 0.5 + pad, -0.6 - pad)  # largest at the top
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    _count_axis(ax, "x")
    top = max(values) if values else 1
    ax.set_xlim(0, top * 1.15)
    for y, v in zip(positions, values, strict=True):
        ax.text(v + top * 0.01, y, count_label(v), va="center", fontsize=8.5, color="#333333")


def _ranked_figure(stats: dict[str, Any], key: str, item: str, title: str, empty: str, unknown_label: str) -> Figure:
    block = stats[key]
    rows = [(LABELS.get(row[item], row[item]), row["documents"], BLUE) for row in block["top"]]
    if block["other"]["documents"]:
        rows.append((f"other ({count_label(block['other']['values'])} {key})", block["other"]["documents"], GREY))
    if block["unknown"]:
        rows.append((unknown_label, block["unknown"], LIGHT_GREY))
    if not rows:
        return _empty(title, empty)
    fig = _figure(1.3 + 0.28 * max(len(rows), MIN_BAR_ROWS))
    noun = key if block["distinct"] != 1 else key[:-1]
    shown = f"top {len(block['top'])} of {count_label(block['distinct'])} {noun}" if block["other"]["documents"] \
        else f"{block['distinct']} {noun}"
    _hbars(fig, f"{title} ({shown})", [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], "documents")
    return fig


def outlets_figure(stats: dict[str, Any]) -> Figure:
    return _ranked_figure(stats, "outlets", "outlet", "Documents per outlet", "No documents", "outlet unknown")


def languages_figure(stats: dict[str, Any]) -> Figure:
    return _ranked_figure(stats, "languages", "language", "Documents per language", "No documents", "language unknown")


def _months(by_month: list[dict[str, Any]]) -> tuple[list[str], list[int], str]:
    """Every month from the first to the last (zeros included), or years when that is too many bars."""
    counts = {row["month"]: row["documents"] for row in by_month}
    first, last = min(counts), max(counts)
    y0, m0, y1, m1 = int(first[:4]), int(first[5:7]), int(last[:4]), int(last[5:7])
    span = (y1 - y0) * 12 + (m1 - m0) + 1
    if span > MAX_MONTH_BARS:
        years: dict[str, int] = {str(y): 0 for y in range(y0, y1 + 1)}
        for month, n in counts.items():
            years[month[:4]] += n
        return list(years), list(years.values()), "year"
    labels = [f"{y0 + (m0 - 1 + i) // 12:04d}-{(m0 - 1 + i) % 12 + 1:02d}" for i in range(span)]
    return labels, [counts.get(label, 0) for label in labels], "month"


def timeline_figure(stats: dict[str, Any]) -> Figure:
    dates = stats["dates"]
    title = "Documents per month of publication"
    left_out = [f"{count_label(dates['undated'])} undated"] if dates["undated"] else []
    if dates["year_only"]:
        left_out.append(f"{count_label(dates['year_only'])} with the year only")
    if not dates["by_month"]:
        return _empty(title, "No document has a publication month" + (f" ({', '.join(left_out)})" if left_out else ""))
    labels, values, unit = _months(dates["by_month"])
    fig = _figure(3.4)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.bar(positions, values, width=0.85 if len(labels) < 60 else 1.0, color=BLUE)
    if unit == "month" and len(labels) > 24:  # tick each January (every few years over long spans), label the year
        januaries = [i for i, label in enumerate(labels) if label.endswith("-01")]
        every = max(1, -(-len(januaries) // 10))
        ax.set_xticks(januaries[::every], [labels[i][:4] for i in januaries[::every]])
    elif unit == "month":
        step = max(1, -(-len(labels) // 12))
        ax.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
    else:
        step = max(1, -(-len(labels) // 12))
        ax.set_xticks(positions[::step], labels[::step])
    ax.set_xlim(-0.8, len(labels) - 0.2)
    ax.set_title(f"Documents per {unit} of publication")
    ax.set_xlabel(f"publication {unit}" + (f"  (not shown: {', '.join(left_out)})" if left_out else ""))
    ax.set_ylabel(f"documents per {unit}")
    _count_axis(ax, "y")
    return fig


def _length_panel(ax: Axes, block: dict[str, Any], unit: str, colour: str) -> None:
    bins = block["bins"]
    filled = [i for i, b in enumerate(bins) if b["documents"]]
    bins = bins[filled[0] : filled[-1] + 1]
    positions = list(range(len(bins)))
    ax.bar(positions, [b["documents"] for b in bins], width=0.85, color=colour)
    ax.set_xticks(positions, [f"{length_label(b['from'])}–{length_label(b['to'])}" for b in bins])
    ax.set_xlabel(f"{unit} per document (bins)")
    ax.set_ylabel("documents")
    _count_axis(ax, "y")
    ax.set_title(f"{unit.capitalize()}: median {count_label(block['median'])}, "
                 f"10–90% {count_label(block['p10'])}–{count_label(block['p90'])}", fontsize=10, fontweight="normal")


def lengths_figure(stats: dict[str, Any]) -> Figure:
    words, chars = stats["lengths"]["words"], stats["lengths"]["characters"]
    if not words["documents"]:
        return _empty("Text length per document", "No documents")
    fig = _figure(5.6)
    fig.suptitle("Text length per document", x=0.01, ha="left", fontsize=12, fontweight="bold")
    top, bottom = fig.subplots(2, 1)
    _length_panel(top, words, "words", BLUE)
    _length_panel(bottom, chars, "characters", SKY_BLUE)
    return fig


def coverage_figure(stats: dict[str, Any]) -> Figure:
    coverage = stats["coverage"]
    title = "Metadata coverage and provenance"
    if not stats["documents"]:
        return _empty(title, "No documents")
    fig = _figure(3.6)
    ax = fig.add_subplot()
    total = stats["documents"]
    used: dict[str, str] = {}
    for y, name in enumerate(PROVENANCE_FIELDS):
        left = 0.0
        origins = coverage[name]["provenance"]
        parts = [(o, origins.get(o, 0)) for o in ORIGIN_COLOURS] + [("none", origins.get("none", 0))]
        missing = total - coverage[name]["filled"]
        for origin, n in parts:
            share = (missing if origin == "none" else n) / total * 100
            if share <= 0:
                continue
            label = "missing" if origin == "none" else origin
            colour = ORIGIN_COLOURS.get(origin, MISSING_COLOUR)
            ax.barh(y, share, left=left, color=colour, height=0.65, edgecolor="white", linewidth=0.5)
            used[label] = colour
            left += share
        ax.text(101, y, f"{coverage[name]['share'] * 100:.0f}%", va="center", fontsize=9)
    ax.set_yticks(range(len(PROVENANCE_FIELDS)), list(PROVENANCE_FIELDS))
    ax.invert_yaxis()
    ax.set_xlim(0, 108)
    ax.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100"])
    ax.set_xlabel("share of documents (%), coloured by where the value came from")
    ax.set_title(title)
    ax.grid(True, axis="x")
    from matplotlib.patches import Patch

    order = [o for o in [*ORIGIN_COLOURS, "missing"] if o in used]  # origins in a fixed order, missing last
    fig.legend(handles=[Patch(color=used[label], label=label) for label in order], loc="outside lower center",
               ncols=min(len(used), 4), title=None)
    return fig


def rejects_figure(stats: dict[str, Any]) -> Figure:
    by_reason = stats["rejects"]["by_reason"]
    if not by_reason:
        return _empty("Rejected inputs", "No input was rejected")
    fig = _figure(1.3 + 0.28 * max(len(by_reason), MIN_BAR_ROWS))
    labels, values = list(by_reason), list(by_reason.values())
    _hbars(fig, f"Rejected inputs by reason ({count_label(sum(values))} in all)", labels, values,
           [VERMILLION] * len(values), "rejected records")
    return fig


def _size_groups(sizes: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Cluster sizes 2–10 one by one, larger sizes grouped 11–20, 21–50, 51–100, over 100."""
    groups: dict[str, int] = {}
    for row in sizes:
        size = row["size"]
        label = (str(size) if size <= 10 else "11–20" if size <= 20 else "21–50" if size <= 50
                 else "51–100" if size <= 100 else ">100")
        groups[label] = groups.get(label, 0) + row["clusters"]
    return list(groups.items())


def duplicates_figure(stats: dict[str, Any]) -> Figure:
    dup = stats["duplicates"]
    title = "Duplicate clusters by size"
    if not dup["clusters"]:
        message = "No duplicates are marked in this release"
        if dup["dropped"]:
            message = f"{count_label(dup['dropped'])} duplicates were dropped; the release keeps one document per cluster"
        return _empty(title, message)
    groups = _size_groups(dup["cluster_sizes"])
    fig = _figure(3.2)
    ax = fig.add_subplot()
    positions = list(range(len(groups)))
    values = [n for _, n in groups]
    ax.bar(positions, values, width=0.7, color=BLUE)
    ax.set_xticks(positions, [label for label, _ in groups])
    if max(values) / max(1, min(values)) > 100:
        ax.set_yscale("log")
        ax.set_ylim(0.5, max(values) * 3)
    else:
        ax.set_ylim(0, max(values) * 1.15)
    for x, v in zip(positions, values, strict=True):
        ax.text(x, v, count_label(v), ha="center", va="bottom", fontsize=8.5, color="#333333")
    ax.set_title(f"{title} ({count_label(dup['clusters'])} clusters, {count_label(dup['marked'])} duplicates marked)")
    ax.set_xlabel("documents in the cluster (canonical + duplicates)")
    ax.set_ylabel("clusters")
    _count_axis(ax, "y")
    return fig
