"""The reference pages of the documentation, rendered from the code and the schemas so they cannot drift.

Each page is a function returning Markdown; ``docs/hooks/reference.py`` adds them to the MkDocs
build as generated files (nothing generated is committed), and ``tests/test_docs_reference.py``
checks that every command, option, field, setting and error code is on its page.
"""

from __future__ import annotations

from collections.abc import Callable

from masthead.docs_reference.cli import cli_reference
from masthead.docs_reference.fields import fields_reference
from masthead.docs_reference.rejects import rejects_reference
from masthead.docs_reference.settings import settings_reference

# where each page sits in the documentation (relative to docs/), and what renders it
PAGES: dict[str, Callable[[], str]] = {
    "reference/cli.md": cli_reference,
    "reference/fields.md": fields_reference,
    "reference/settings.md": settings_reference,
    "reference/rejects.md": rejects_reference,
}


def render_pages() -> dict[str, str]:
    """Every reference page: its path under docs/ and its Markdown."""
    return {path: render() for path, render in PAGES.items()}


__all__ = ["PAGES", "cli_reference", "fields_reference", "rejects_reference", "render_pages", "settings_reference"]
