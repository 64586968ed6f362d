"""See the corpus: numbers, figures, report.html and the card section of a release."""

from __future__ import annotations

from masthead.insight.card import REPORT_HTML, card_section
from masthead.insight.stats import corpus_stats
from masthead.insight.write import WrittenReport, write_report

__all__ = ["REPORT_HTML", "WrittenReport", "card_section", "corpus_stats", "write_report"]
