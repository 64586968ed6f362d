"""The command line: thin Typer commands over the library. Only this package prints or exits."""

from __future__ import annotations

from masthead.cli import build_cmd as build_cmd
from masthead.cli import release_cmd as release_cmd
from masthead.cli import report_cmd as report_cmd
from masthead.cli.app import app


def main() -> None:
    app(prog_name="masthead")


__all__ = ["app", "build_cmd", "main", "release_cmd", "report_cmd"]
