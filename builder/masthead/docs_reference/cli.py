"""The command-line reference: every command and option of the Typer app, as its ``--help`` shows them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from masthead.docs_reference.markdown import GENERATED_NOTE, cell, code, paragraphs, table


@dataclass(frozen=True)
class CommandDoc:
    """One command of the app: its path (``masthead build``), its click command and its click context."""

    path: str
    command: Any
    context: Any

    @property
    def is_group(self) -> bool:
        return hasattr(self.command, "list_commands")

    def usage(self) -> str:
        return " ".join([self.path, *self.command.collect_usage_pieces(self.context)])

    def params(self) -> list[Any]:
        """Arguments and options, as ``--help`` lists them (the help option and hidden ones left out)."""
        help_option = self.command.get_help_option(self.context)
        return [param for param in self.command.get_params(self.context)
                if param is not help_option and not getattr(param, "hidden", False)]


def root_command() -> Any:
    """The app's click command (every command module registered)."""
    import typer.main

    from masthead.cli import app

    return typer.main.get_command(app)


def walk_commands(command: Any | None = None, path: str = "masthead", parent: Any = None) -> Iterator[CommandDoc]:
    """The app and every command and subcommand under it, depth first, in the order ``--help`` lists them."""
    command = command if command is not None else root_command()
    context = command.context_class(command, info_name=path.rsplit(" ", 1)[-1], parent=parent)
    doc = CommandDoc(path, command, context)
    yield doc
    if doc.is_group:
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from walk_commands(sub, f"{path} {name}", context)


def param_record(param: Any, context: Any) -> tuple[str, str]:
    """(``--opt TYPE`` or ``argument``, help with its default and constraints) as ``--help`` shows them."""
    record = param.get_help_record(context)
    if record is None:  # a plain click argument has no help record
        return param.human_readable_name, ""
    return record[0], record[1]


def _anchor(path: str) -> str:
    return path.replace(" ", "-")


def _command_section(doc: CommandDoc) -> str:
    parts = [f"## {doc.path}", paragraphs(doc.command.help or ""), f"```text\n{doc.usage()}\n```"]
    params = doc.params()
    if params:
        rows = [(code(name), cell(help_text)) for name, help_text in (param_record(p, doc.context) for p in params)]
        parts.append(table(("Argument or option", "What it does"), rows))
    return "\n\n".join(part for part in parts if part)


def cli_reference() -> str:
    """The command-line reference page, in Markdown."""
    docs = list(walk_commands())
    root, commands = docs[0], docs[1:]
    summary = table(("Command", "What it does"),
                    ((f"[{code(doc.path)}](#{_anchor(doc.path)})", cell(doc.command.get_short_help_str(limit=200)))
                     for doc in commands))
    return "\n\n".join([
        "# Command-line reference",
        GENERATED_NOTE.format(source="the command-line app (`masthead.cli`)"),
        paragraphs(root.command.help or ""),
        f"```text\n{root.usage()}\n```",
        "Every command also takes `--help`, which prints its part of this page.",
        "## Options of `masthead` itself",
        "Given before the command, e.g. `masthead --debug build`.",
        table(("Option", "What it does"), ((code(n), cell(h)) for n, h in (param_record(p, root.context) for p in root.params()))),
        "## Commands",
        summary,
        *(_command_section(doc) for doc in commands),
    ]) + "\n"
