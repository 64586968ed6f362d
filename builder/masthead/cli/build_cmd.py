"""`masthead build`, `masthead validate` and `masthead init`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from masthead.cli.app import command, print_json
from masthead.cli.progress import progress_bar
from masthead.settings import load_settings

if TYPE_CHECKING:
    from masthead.release.report import BuildReport

# text, not Path: a folder may be an fsspec URL (s3://bucket/raw), which a Path would mangle (masthead.storage)
RawOption = Annotated[Optional[str], typer.Option(
    "--raw", help="Folder of raw documents, or a URL such as s3://bucket/raw (default: [tool.masthead] raw).")]
DistOption = Annotated[Optional[str], typer.Option(
    "--dist", help="Folder that holds releases, or a URL such as s3://bucket/dist (default: [tool.masthead] dist).")]
WorkOption = Annotated[Optional[str], typer.Option(
    "--work", help="Work folder for the shards in object storage, e.g. s3://bucket/work: shard tasks read their "
    "inputs from --raw (a URL too) and write their outputs there, so no node needs a shared disk "
    "(default: the local .masthead/; see docs/how-to/object-storage.md).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail (exit 1) if any record is rejected.")]
WorkersOption = Annotated[Optional[int], typer.Option(
    "--workers", min=1, help="Processes (local) or CPUs (local Ray) to use (default: all cores).")]
EngineOption = Annotated[str, typer.Option(
    "--engine", help="Where shards run: local (process pool) or ray (pip install 'masthead[ray]').")]
RayAddressOption = Annotated[Optional[str], typer.Option(
    "--ray-address", help="Ray cluster to join: its head's address, e.g. 10.0.0.5:6379 (default: start a local Ray; "
    "see docs/how-to/ray-cluster.md).")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Process every document again instead of reusing .masthead/cache/.")]
TextOption = Annotated[Optional[str], typer.Option(
    "--text", help="full: publish the texts; metadata: publish no text, only what `masthead hydrate` needs to "
                   "rebuild and verify them (default: [tool.masthead] text, else full).")]


def _print_report(report: BuildReport, limit: int = 10) -> None:
    typer.echo(report.message)
    if report.release:
        typer.echo(f"release: {report.release}")
    for reject in report.rejects[:limit]:
        typer.echo(f"  rejected {reject.location()}: {reject.message} (fix: {reject.fix})")
    if len(report.rejects) > limit:
        typer.echo(f"  … and {len(report.rejects) - limit} more; see rejects.jsonl in the release")


@command("build")
def build_command(
    raw: RawOption = None,
    dist: DistOption = None,
    version: Annotated[Optional[str], typer.Option("--version", help="Version of the new release, e.g. 1.1.0.")] = None,
    bump: Annotated[Optional[str], typer.Option(
        "--bump", help="Version from the changes since the newest release: auto, major, minor or patch.")] = None,
    strict: StrictOption = False,
    json_output: JsonOption = False,
    workers: WorkersOption = None,
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    no_cache: NoCacheOption = False,
    text: TextOption = None,
    work: WorkOption = None,
) -> None:
    """Build a release of the corpus from its raw documents."""
    settings = load_settings(raw=raw, dist=dist, version=version, bump=bump, strict=strict, workers=workers,
                             engine=engine, ray_address=ray_address, cache=not no_cache, text=text, work=work)
    from masthead.build import build  # imported here: `masthead --help` starts without pyarrow
    from masthead.engine.memory import use_returning_allocator

    with progress_bar(not json_output) as progress:
        use_returning_allocator()
        report = build(settings, progress)
    if json_output:
        print_json(report.as_dict())
    else:
        _print_report(report)


@command("validate")
def validate_command(
    raw: RawOption = None,
    strict: StrictOption = False,
    json_output: JsonOption = False,
    workers: WorkersOption = None,
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    no_cache: NoCacheOption = False,
    work: WorkOption = None,
) -> None:
    """Check every raw document as a build would, writing nothing."""
    settings = load_settings(raw=raw, strict=strict, workers=workers, engine=engine, ray_address=ray_address,
                             cache=not no_cache, work=work)
    from masthead.build import validate_corpus
    from masthead.engine.arrow_probe import skip_pandas_probe

    skip_pandas_probe()  # validate hands pyarrow no pandas objects: pandas is never imported
    with progress_bar(not json_output) as progress:
        report = validate_corpus(settings, progress)
    if json_output:
        print_json(report.as_dict())
    else:
        _print_report(report)


@command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Folder for the new corpus project.")],
    name: Annotated[Optional[str], typer.Option("--name", help="Corpus name (default: the folder's name).")] = None,
) -> None:
    """Start a new corpus project: pyproject.toml, CITATION.cff, raw/ and a README."""
    from masthead.project.scaffold import init_project

    created = init_project(directory, name)
    typer.echo(f"created corpus project {created.name!r} in {directory}")
    typer.echo(f"next: put documents in {directory / 'raw'}, then run `masthead build` there")
