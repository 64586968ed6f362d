"""`masthead hydrate`: a metadata-only release back to its texts, each verified."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from masthead.cli.app import command, print_json
from masthead.cli.progress import progress_bar
from masthead.cli.release_cmd import CorpusOption, DistOption, JsonOption, ReleaseArg, release_folder


@command("hydrate")
def hydrate_command(
    out: Annotated[Path, typer.Option("--out", help="New folder for the hydrated copy (Parquet with the texts, hydration.json).")],
    release: ReleaseArg = None,
    from_: Annotated[Optional[Path], typer.Option(
        "--from", help="Read the pages from this folder of saved pages (HTML, WARC) or WARC file, matched by URL, "
                       "instead of the web.")] = None,
    accept: Annotated[str, typer.Option("--accept", help="Texts to fill in: exact, or near (exact and near).")] = "near",
    near: Annotated[float, typer.Option("--near", help="Similarity (0-1) at which a rebuilt text counts as near.")] = 0.9,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes rebuilding texts (and pages fetched at once).")] = 1,
    archive: Annotated[bool, typer.Option(
        "--archive", help="Ask the Internet Archive for pages the web no longer has, or has changed.")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch URLs that point at private or loopback addresses (refused by default).")] = False,
    ignore_robots: Annotated[bool, typer.Option("--ignore-robots", help="Fetch pages robots.txt disallows.")] = False,
    delay: Annotated[Optional[float], typer.Option(
        "--delay", min=0.0, help="Seconds between two requests to one host (default: 1).")] = None,
    per_host: Annotated[Optional[int], typer.Option(
        "--per-host", min=1, help="Requests to one host at a time (default: 2).")] = None,
    dist: DistOption = None,
    corpus: CorpusOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rebuild the texts of a metadata-only release from the web (or saved pages) and verify each one."""
    from masthead.hydrate import hydrate_release
    from masthead.hydrate.pages import page_source
    from masthead.hydrate.run import work_dir

    folder = release_folder(release, dist, corpus)
    with page_source(from_, work_dir(out) / "fetch-cache", allow_private=allow_private, archive=archive,
                     robots=not ignore_robots, delay=delay, per_host=per_host) as (source, name), progress_bar(not json_output) as progress:
        result = hydrate_release(folder, out, source, name, accept=accept, near=near, workers=workers, progress=progress)
    if json_output:
        print_json(result.as_dict())
        return
    if result.built_with != result.hydrated_with:
        typer.echo(f"note: the release was built with masthead {result.built_with}, hydrated with {result.hydrated_with}: "
                   "where their cleaning differs, texts verify near or changed instead of exact", err=True)
    counts = ", ".join(f"{n} {status}" for status, n in result.counts.items())
    typer.echo(f"hydrated {result.corpus} {result.version} from {result.source}: {result.documents} documents: {counts}")
    typer.echo(f"{result.accepted} texts filled in (--accept {result.accept}); wrote {result.out}")
