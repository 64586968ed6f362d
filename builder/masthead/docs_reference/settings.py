"""The settings reference: every field of ``masthead.settings.Settings``, where it is set, its type and default."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from masthead import settings as settings_module
from masthead.docs_reference.cli import walk_commands
from masthead.docs_reference.markdown import GENERATED_NOTE, cell, code, table


def setting_fields() -> list[dataclasses.Field[Any]]:
    """Every field of :class:`masthead.settings.Settings`, in declaration order."""
    return list(dataclasses.fields(settings_module.Settings))


def toml_value(value: Any) -> str:
    """A default as it would be written in ``[tool.masthead]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, (str, Path)):
        return json.dumps(str(value), ensure_ascii=False)
    return str(value)


def default_text(field: dataclasses.Field[Any]) -> str:
    """The default as Markdown: the field's own note when its default is decided elsewhere, else the value."""
    shown = field.metadata.get("shown_default")
    if shown:
        return cell(shown)
    if field.default_factory is not dataclasses.MISSING:
        return code(toml_value(field.default_factory()))
    if field.default is None:
        return "not set"
    return code(toml_value(field.default))


def options_by_setting() -> dict[str, list[str]]:
    """Setting name -> the command options that set it (``--name``, or ``--no-name`` for a true default),
    each as ``--option`` (commands); the app's own options are not settings."""
    names = {field.name for field in setting_fields()}
    found: dict[str, dict[str, list[str]]] = {}
    for doc in list(walk_commands())[1:]:
        for param in doc.params():
            name = param.name.removeprefix("no_") if param.name not in names else param.name
            if name in names and getattr(param, "opts", None) and param.opts[0].startswith("--"):
                found.setdefault(name, {}).setdefault(param.opts[0], []).append(doc.path.removeprefix("masthead "))
    return {name: [f"{code(opt)} ({', '.join(commands)})" for opt, commands in by_option.items()]
            for name, by_option in found.items()}


def _rows(fields: list[dataclasses.Field[Any]], options: dict[str, list[str]]) -> Iterator[tuple[str, ...]]:
    for field in fields:
        about = [cell(field.metadata.get("doc", ""))]
        choices = field.metadata.get("choices") or ()
        if choices:
            about.append("One of: " + ", ".join(code(toml_value(choice)) for choice in choices) + ".")
        if field.name in options:
            about.append("Command line: " + "; ".join(options[field.name]) + ".")
        yield code(field.name), code(str(field.type)), default_text(field), " ".join(about)


def settings_reference() -> str:
    """The settings reference page, in Markdown."""
    options = options_by_setting()
    fields = setting_fields()
    in_project = [f for f in fields if f.name in settings_module.KNOWN_KEYS]
    missing = settings_module.KNOWN_KEYS - {f.name for f in in_project}
    if missing:
        raise ValueError(f"[tool.masthead] keys that are not Settings fields: {sorted(missing)}")
    on_command_line = [f for f in fields if f not in in_project and f.name in options]
    derived = [f for f in fields if f not in in_project and f not in on_command_line]
    header = ("Setting", "Type", "Default", "What it does")
    return "\n\n".join([
        "# Settings reference",
        GENERATED_NOTE.format(source="`masthead.settings.Settings`"),
        "A build's settings come from the `[tool.masthead]` table of the corpus project's `pyproject.toml`; "
        "a command-line option overrides the table for one run. An unknown key in the table is an error, "
        "so a typo never goes unnoticed.",
        "## In `[tool.masthead]`",
        "```toml\n[tool.masthead]\nname = \"my-corpus\"\nsplits = { train = 0.9, test = 0.1 }\n```",
        table(header, _rows(in_project, options)),
        "## On the command line only",
        "Given for one run by the options named; `[tool.masthead]` does not take them.",
        table(header, _rows(on_command_line, options)),
        "## Decided by masthead",
        "Found or worked out for each run, not set directly.",
        table(header, _rows(derived, options)),
    ]) + "\n"
