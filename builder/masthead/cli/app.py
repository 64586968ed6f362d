"""The Typer app and the one boundary where library errors become messages and exit codes."""

from __future__ import annotations

import functools
import json
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from masthead import __version__
from masthead.errors import MastheadError

F = TypeVar("F", bound=Callable[..., Any])


class _Defaults:
    """Typer's coercion of one parameter, built (a pydantic ``TypeAdapter``) only for a value that needs it.

    Typer converts every parameter through a pydantic adapter, omitted options included, and
    pydantic alone takes about 70 ms to import, a sixth of `masthead validate` on a few documents.
    An omitted option (None) and a plain string given to a ``str`` parameter come out of that
    adapter unchanged, so they are returned as they are; any other value goes to Typer's own
    coercion, built then as before (same values, same error messages). ``tests/test_startup.py``
    checks both shortcuts against Typer's answer for every parameter of every command.
    """

    def __init__(self) -> None:
        self.typer_coercion: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if not (param.multiple or param.nargs == -1):
            if value is None:
                return None
            descriptor = param.type_descriptor
            if (type(value) is str and descriptor.annotation is str and descriptor.file_annotation is None
                    and descriptor.parameter_info.parser is None):
                return value
        if self.typer_coercion is None:
            from typer._coercion import build_runtime_param

            self.typer_coercion = build_runtime_param(param.type_descriptor)
        return self.typer_coercion.coerce(value, param=param, ctx=ctx)


# The Typer releases whose private coercion hook (``_runtime_param``, ``typer._coercion``) the
# shortcut was checked against; with any other, Typer's own coercion runs untouched (only slower).
SHORTCUT_TYPER = ("0.29.",)


class _DeferredCoercion:
    """For a Typer command or group: its parameters (the help option too) coerce through :class:`_Defaults`."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        if not typer.__version__.startswith(SHORTCUT_TYPER):
            return params
        for param in params:
            # a Typer without the pydantic coercion (no _runtime_param) is left as it is
            if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
                param._runtime_param = _Defaults()
        return params


class _Group(_DeferredCoercion, TyperGroup):
    pass


class _Command(_DeferredCoercion, TyperCommand):
    pass


app = typer.Typer(
    name="masthead",
    help="Turn a folder of raw news documents into citable, versioned dataset releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=_Group,
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

        app.command(*args, cls=_Command, **kwargs)(guarded)
        return guarded  # type: ignore[return-value]

    return decorate


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
