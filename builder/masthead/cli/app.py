"""The Typer app and the one boundary where library errors become messages and exit codes."""

from __future__ import annotations

import functools
import json
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from masthead import __version__
from masthead.errors import MastheadError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="masthead",
    help="Turn a folder of raw news documents into citable, versioned dataset releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_state = {"debug": False}

INTERNAL_ERROR = 3


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"masthead {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback when something fails.")] = False,
) -> None:
    """Turn a folder of raw news documents into citable, versioned dataset releases."""
    _state["debug"] = debug


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``app.command`` plus the error boundary: MastheadError → 'Error: …' on stderr, exit code."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*a: Any, **k: Any) -> Any:
            try:
                return fn(*a, **k)
            except (typer.Exit, typer.Abort):
                raise
            except MastheadError as exc:
                if _state["debug"]:
                    traceback.print_exc()
                typer.echo(f"Error: {exc}", err=True)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                typer.echo("Error: interrupted", err=True)
                raise typer.Exit(130) from None
            except Exception as exc:
                if _state["debug"]:
                    traceback.print_exc()
                typer.echo(
                    f"Error: internal error ({type(exc).__name__}: {exc}). This is a bug in masthead; "
                    "run again with --debug and report the traceback.",
                    err=True,
                )
                raise typer.Exit(INTERNAL_ERROR) from None

        app.command(*args, **kwargs)(guarded)
        return guarded  # type: ignore[return-value]

    return decorate


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
