"""The documentation's reference pages are rendered from the code: nothing the code declares is missing from them.

The checks walk the code on their own (the Typer app's click tree, the schemas' properties, the
Settings fields, masthead.errors) and look for each name on its page; the site itself is built
with ``mkdocs build --strict`` when MkDocs is installed (the ``docs`` extra; .ci/run builds it too).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from masthead import errors, settings
from masthead.cli import app
from masthead.docs_reference import PAGES, render_pages
from masthead.docs_reference.markdown import cell, code, text
from masthead.schema import default_schema_dir, load_schema

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages()


def sections(page: str) -> dict[str, str]:
    """A page's ``## heading`` sections, by heading."""
    found = {}
    for block in re.split(r"^## ", page, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        found[heading.strip()] = body
    return found


def commands(command: Any = None, path: str = "masthead", parent: Any = None) -> Iterator[tuple[str, Any, Any]]:
    """(``masthead build``, click command, context) for the app and every command under it."""
    command = command or typer.main.get_command(app)
    context = command.context_class(command, info_name=path.rsplit(" ", 1)[-1], parent=parent)
    yield path, command, context
    for name in getattr(command, "list_commands", lambda _: [])(context):
        yield from commands(command.get_command(context, name), f"{path} {name}", context)


def test_every_cli_command_and_option_is_in_the_cli_reference(pages: dict[str, str]) -> None:
    page = pages["reference/cli.md"]
    by_heading = sections(page)
    seen = 0
    for path, command, context in commands():
        help_option = command.get_help_option(context)
        params = [p for p in command.get_params(context) if p is not help_option]
        if path == "masthead":
            body = by_heading["Options of `masthead` itself"]
        else:
            assert path in by_heading, f"{path} has no section in the CLI reference"
            body = by_heading[path]
            assert " ".join((command.help or "").split())[:60] in " ".join(body.split()), f"{path}: its help is missing"
            assert f"[`{path}`](#{path.replace(' ', '-')})" in page, f"{path} is not in the command summary"
            seen += 1
        for param in params:
            name = param.opts[0] if param.param_type_name == "option" else param.name
            assert f"`{name}" in body, f"{path} {name} is not in its section of the CLI reference"
            if getattr(param, "help", None):
                assert cell(param.help).split("(")[0][:40] in body, f"{path} {name}: its help text is missing"
    assert seen >= 12  # build, validate, init, releases, diff, verify, cite, package, publish, hydrate, report, stats


def schema_paths(node: dict[str, Any], root: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Every property path of a schema, arrays of objects as ``name[].field``; local $refs followed."""
    def resolve(sub: dict[str, Any]) -> dict[str, Any]:
        ref = sub.get("$ref", "")
        return resolve(root["$defs"][ref.split("/")[-1]]) if ref.startswith("#/$defs/") else sub

    for name, sub in node.get("properties", {}).items():
        sub = resolve(sub)
        yield prefix + name
        yield from schema_paths(sub, root, f"{prefix}{name}.")
        if isinstance(sub.get("items"), dict):
            yield from schema_paths(resolve(sub["items"]), root, f"{prefix}{name}[].")


def test_every_schema_field_is_in_the_fields_reference(pages: dict[str, str]) -> None:
    page = pages["reference/fields.md"]
    document = load_schema("document.schema.json")
    fields = list(schema_paths(document, document))
    assert {"id", "text", "cleaning.removed[].rule", "provenance.title"} <= set(fields)
    for definition in ("verification", "hydration"):  # the columns of metadata-only releases and of hydrate's output
        fields += schema_paths(document["$defs"][definition], document)
    for name in ("raw-record.schema.json", "raw-text.schema.json", "outlets.schema.json"):
        schema = load_schema(name)
        fields += schema_paths(schema, schema)
    missing = [field for field in fields if f"| `{field}` |" not in page]
    assert not missing, f"fields missing from the fields reference: {missing}"
    for path in default_schema_dir().glob("*.schema.json"):
        assert f"`schema/{path.name}`" in page
    # type, nullability and enums come from the schema, not from a list of their own
    assert re.search(r"\| `date_precision` \| string \| yes \| yes \| .*`\"day\"`, `\"month\"`, `\"year\"`", page)
    assert "| `outlet_registered` | boolean | no | yes |" in page


def test_every_setting_is_in_the_settings_reference(pages: dict[str, str]) -> None:
    page = pages["reference/settings.md"]
    in_table = sections(page)["In `[tool.masthead]`"]
    for field in dataclasses.fields(settings.Settings):
        assert field.metadata.get("doc"), f"Settings.{field.name} says nothing about itself (setting(doc=...))"
        assert f"| `{field.name}` |" in page, f"setting {field.name} is missing from the settings reference"
    for key in settings.KNOWN_KEYS:
        assert f"| `{key}` |" in in_table, f"[tool.masthead] {key} is not in the [tool.masthead] table"
    assert "| `duplicates` | `str` | `\"mark\"` |" in in_table
    assert "`--no-cache` (build, validate)" in page  # the options come from the app


def test_every_reject_reason_and_error_code_is_in_the_rejects_reference(pages: dict[str, str]) -> None:
    page = pages["reference/rejects.md"]
    for reason in errors.REASONS.values():
        assert f"| `{reason.code}` |" in page and cell(reason.fix) in page, reason.code
    declared = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, errors.MastheadError)]
    assert len(declared) >= 14
    for error in declared:
        assert f"| `{error.code}` | {error.exit_code} | `{error.__name__}` |" in page, error.code


def table_cells(row: str) -> int:
    """Cells of a Markdown table row: ``|`` escaped or inside a code span does not separate cells."""
    row = re.sub(r"(`+).+?\1", "", row.replace("\\|", ""))
    return row.strip().strip("|").count("|") + 1


def test_every_table_row_has_the_header_s_cells(pages: dict[str, str]) -> None:
    for path, page in pages.items():
        for table in re.findall(r"(?:^\|.*\n)+", page, flags=re.MULTILINE):
            rows = table.splitlines()
            assert {table_cells(row) for row in rows if not row.startswith("|---")} == {table_cells(rows[0])}, path


def test_help_text_is_shown_as_written() -> None:
    assert text("a_b *c* | <d> & `x|y_z`") == r"a\_b \*c\* \| &lt;d&gt; &amp; `x|y_z`"
    assert cell("two\n  lines") == "two lines"
    assert code("say `hi`") == "`` say `hi` ``"


def test_the_pages_are_the_ones_the_site_links() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for path in PAGES:
        assert f"- {path}\n" in config, f"{path} is not in the site's nav"
        assert not (ROOT / "docs" / path).exists(), f"docs/{path} is generated: it must not be committed"


needs_mkdocs = pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                                  reason="MkDocs is not installed (pip install -e '.[docs]'); .ci/run installs it")


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=300)


@needs_mkdocs
@pytest.mark.slow
def test_the_site_builds_strictly_with_the_generated_reference(tmp_path: Path) -> None:
    done = mkdocs_build(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    cli = (tmp_path / "site" / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert 'id="masthead-build"' in cli and "<code>--no-cache</code>" in cli


@needs_mkdocs
@pytest.mark.slow
def test_a_committed_copy_of_a_generated_page_fails_the_build(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "docs" / "reference").mkdir(exist_ok=True)
    (project / "docs" / "reference" / "cli.md").write_text("# stale\n", encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "docs/reference/cli.md is generated from the code" in done.stderr
