"""`masthead report` and `masthead stats`: see what a release holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from masthead.cli.app import command, print_json
from masthead.release.layout import MANIFEST, resolve_release
from masthead.release.manifest import read_manifest_json
from masthead.settings import load_settings

VersionArgument = Annotated[
    Optional[str], typer.Argument(help="Release version (e.g. 1.0.0) or a release folder; default: the newest.")
]
DistOption = Annotated[Optional[Path], typer.Option("--dist", help="Folder that holds releases (default: [tool.masthead] dist).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def release_folder(version: str | None, dist: Path | None) -> Path:
    """A release folder given directly, else the project's release of that version (newest if None)."""
    if version is not None and (Path(version) / MANIFEST).is_file():
        return Path(version)
    settings = load_settings(dist=dist)
    return resolve_release(settings.dist, settings.name, version)


@command("report")
def report_command(
    version: VersionArgument = None,
    dist: DistOption = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Folder for report.html and figures/ (default: ./report-CORPUS-VERSION).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Render report.html and figures for a release into a folder of its own (the release is not touched).

    Every release already carries the same report, written at build time.
    """
    from masthead.insight import write_report

    folder = release_folder(version, dist)
    manifest = read_manifest_json(folder)
    target = out if out is not None else Path(f"report-{manifest.get('corpus', 'corpus')}-{manifest.get('version', 'unknown')}")
    written = write_report(folder, out=target)
    if json_output:
        print_json({"release": str(folder), "report": str(written.html), "figures": [str(p) for p in written.figure_paths]})
        return
    typer.echo(f"wrote {written.html} and {len(written.figures)} figures in {written.html.parent / 'figures'}")
    typer.echo(f"open it with a browser: {written.html.resolve().as_uri()}")


def _print_stats(stats: dict[str, Any]) -> None:
    from masthead.insight import tables

    def show(title: str, header: list[str], rows: list[list[str]]) -> None:
        typer.echo(f"\n{title}")
        if not rows:
            typer.echo("  none")
            return
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            typer.echo("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    typer.echo(f"{stats['corpus']} {stats['version']} (released {stats['released']})")
    typer.echo(tables.headline(stats))
    show("counts", ["count", "value"], tables.count_rows(stats))
    show("outlets", ["outlet", "documents", "share"], tables.ranked_rows(stats, "outlets", "outlet"))
    show("metadata coverage", tables.COVERAGE_HEADER, tables.coverage_rows(stats))
    show("text length", tables.LENGTH_HEADER, tables.length_rows(stats))
    show("languages", ["language", "documents", "share"], tables.ranked_rows(stats, "languages", "language"))
    show("rejected inputs", ["reason", "records"], tables.reject_rows(stats))
    show("duplicate clusters", ["documents in cluster", "clusters"], tables.duplicate_rows(stats))
    dates = stats["dates"]
    typer.echo(f"\ndates: {dates['first'] or '–'} to {dates['last'] or '–'} by month; "
               f"{dates['year_only']:,} with the year only, {dates['undated']:,} undated (--json has every month)")


@command("stats")
def stats_command(version: VersionArgument = None, dist: DistOption = None, json_output: JsonOption = False) -> None:
    """Print a release's numbers: outlets, months, lengths, coverage, languages, rejects, duplicates."""
    from masthead.insight import corpus_stats

    stats = corpus_stats(release_folder(version, dist))
    if json_output:
        print_json(stats)
    else:
        _print_stats(stats)
