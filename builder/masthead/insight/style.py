"""The look of every figure: Okabe–Ito colours, DejaVu Sans, fixed sizes, and number formats.

Everything that changes PNG bytes is fixed here (size, dpi, font, hinting, metadata), so a
release rebuilt from the same inputs gets the same figures byte for byte.
"""

from __future__ import annotations

from typing import Any

DPI = 100
WIDTH_IN = 8.0  # 800 px: the width of a dataset card on the Hub

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#999999"
LIGHT_GREY = "#DDDDDD"

ORIGIN_COLOURS = {
    "given": BLUE,
    "manifest": SKY_BLUE,
    "front-matter": GREEN,
    "html-meta": ORANGE,
    "url": PURPLE,
    "text": VERMILLION,
    "detected": YELLOW,
}
MISSING_COLOUR = LIGHT_GREY

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.edgecolor": "#444444",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.grid": False,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "text.hinting": "default",
    "text.antialiased": True,
    "path.simplify": True,
}

PNG_METADATA = {"Software": None}


def count_label(n: float) -> str:
    """1234 → '1,234'; 12345 → '12.3k'; 1234567 → '1.23M' (short enough for a bar label)."""
    n = float(n)
    if abs(n) >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    if abs(n) >= 10_000:
        return f"{n / 1_000:.3g}k"
    return f"{n:,.0f}"


def length_label(n: int) -> str:
    """Bin edges: 500 → '500', 2000 → '2k', 1000000 → '1M'."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def shorten(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
