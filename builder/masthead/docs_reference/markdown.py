"""Markdown for the generated reference: text from docstrings and help made safe for a page or a table cell."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# characters Markdown (or the HTML it becomes) would read as syntax outside a code span
_SPECIAL = re.compile(r"([\\*_|])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
GENERATED_NOTE = "_This page is generated from {source} each time the documentation is built; edit that, not this page._"


def _plain(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text(value: str) -> str:
    """``value`` as Markdown that shows it as written: code spans (`...`) kept, everything else escaped."""
    out: list[str] = []
    end = 0
    for match in _CODE_SPAN.finditer(value):
        out.append(_plain(value[end:match.start()]))
        out.append(match.group(0))
        end = match.end()
    out.append(_plain(value[end:]))
    return "".join(out)


def cell(value: str) -> str:
    """``value`` for one table cell: on one line, escaped (a ``|`` in a code span is left to the code span)."""
    return text(" ".join(value.split()))


def code(value: str) -> str:
    """``value`` as a code span, with enough backticks around it to hold any backticks it contains."""
    value = " ".join(value.split())
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{ticks}{pad}{value}{pad}{ticks}"


def paragraphs(value: str) -> str:
    """A docstring or help text as Markdown paragraphs (blank-line separated, lines within one joined)."""
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", value.strip())]
    return "\n\n".join(text(block) for block in blocks if block)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells are given already as Markdown (see :func:`cell` and :func:`code`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
