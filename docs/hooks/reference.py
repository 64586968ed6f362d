"""MkDocs hook: the reference pages (CLI, fields, settings, rejects) rendered from the code at build time.

The pages are generated files of the build (``mkdocs.structure.files.File.generated``), never committed,
so they cannot drift from the code; :mod:`masthead.docs_reference` renders them.
"""

from __future__ import annotations

from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from masthead.docs_reference import render_pages


def on_files(files: Files, config: Any) -> Files:
    for path, markdown in render_pages().items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} is generated from the code at build time: delete the committed copy")
        files.append(File.generated(config, path, content=markdown))
    return files
