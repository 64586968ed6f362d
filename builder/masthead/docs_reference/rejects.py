"""The rejects and errors reference: every reject reason and every error of ``masthead.errors``."""

from __future__ import annotations

import inspect

from masthead import errors
from masthead.docs_reference.markdown import GENERATED_NOTE, cell, code, table


def error_classes() -> list[type[errors.MastheadError]]:
    """Every error ``masthead.errors`` declares, in the order it declares them."""
    return [value for value in vars(errors).values()
            if isinstance(value, type) and issubclass(value, errors.MastheadError)]


def rejects_reference() -> str:
    """The rejects and errors reference page, in Markdown."""
    from masthead.cli.app import INTERNAL_ERROR

    reasons = table(("Code", "Message", "How to fix it"),
                    ((code(r.code), code(r.template), cell(r.fix)) for r in errors.REASONS.values()))
    failures = table(("Code", "Exit code", "Error", "When"),
                     ((code(cls.code), str(cls.exit_code), code(cls.__name__), cell(inspect.getdoc(cls) or ""))
                      for cls in error_classes()))
    return "\n\n".join([
        "# Rejects and errors reference",
        GENERATED_NOTE.format(source="`masthead.errors`"),
        "## Reject reasons",
        "A record that cannot be published is rejected, and the build goes on: each reject is a line of the "
        "release's `rejects.jsonl` with the `source` file, the `record` in it, the `field`, and the reason's "
        "`code`, `message` and `fix`. Words in braces are filled in for the record. `masthead build --strict` "
        "fails when there is any reject.",
        reasons,
        "## Errors",
        "When a command cannot do its work it prints `Error: ...` on stderr and exits with the error's code "
        "(`--debug` adds the traceback). Anything else is a bug in masthead: it exits with code "
        f"{INTERNAL_ERROR} and asks for the traceback.",
        failures,
    ]) + "\n"
