"""Commands that read releases: releases, diff, verify, cite, package, publish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from masthead.cli.app import command, print_json
from masthead.errors import ReleaseNotFoundError
from masthead.release.layout import MANIFEST, list_releases, resolve_release
from masthead.release.versions import is_version
from masthead.settings import find_project, load_settings

DistOption = Annotated[Optional[Path], typer.Option("--dist", help="Folder that holds releases (default: [tool.masthead] dist).")]
CorpusOption = Annotated[Optional[str], typer.Option("--corpus", help="Corpus name under --dist (default: the project's).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
ReleaseArg = Annotated[Optional[str], typer.Argument(help="Version number or release folder (default: the newest).")]


def _dist_and_corpus(dist: Path | None, corpus: str | None) -> tuple[Path, str]:
    """The dist folder and corpus name: from the project, or --dist alone when it holds one corpus."""
    if find_project() is not None:
        settings = load_settings(dist=dist)
        return settings.dist, corpus or settings.name
    if dist is None:
        raise ReleaseNotFoundError("no corpus project here: pass --dist DIR (and --corpus NAME), or a release folder")
    if corpus is not None:
        return dist, corpus
    names = sorted(p.name for p in dist.iterdir() if p.is_dir()) if dist.is_dir() else []
    if len(names) != 1:
        raise ReleaseNotFoundError(f"{dist} holds {len(names)} corpora ({', '.join(names) or 'none'}); pass --corpus NAME")
    return dist, names[0]


def release_folder(release: str | None, dist: Path | None, corpus: str | None) -> Path:
    if release is not None and not is_version(release) and (Path(release) / MANIFEST).is_file():
        return Path(release)
    where, name = _dist_and_corpus(dist, corpus)
    return resolve_release(where, name, release)


@command("releases")
def releases_command(dist: DistOption = None, corpus: CorpusOption = None, json_output: JsonOption = False) -> None:
    """List the releases of the corpus: version, date, documents, path."""
    from masthead.release.manifest import read_manifest_json

    where, name = _dist_and_corpus(dist, corpus)
    rows = []
    for version, path in list_releases(where, name):
        manifest = read_manifest_json(path)
        rows.append({"version": str(version), "released": manifest.get("released"),
                     "documents": manifest.get("counts", {}).get("published"), "path": str(path)})
    if json_output:
        print_json({"corpus": name, "releases": rows})
        return
    if not rows:
        typer.echo(f"no releases of {name} under {where}")
    for row in rows:
        typer.echo(f"{row['version']:<10} {row['released']}  {row['documents']:>8} documents  {row['path']}")


@command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="The earlier release: version number or folder.")],
    new: Annotated[str, typer.Argument(help="The later release: version number or folder.")],
    dist: DistOption = None,
    corpus: CorpusOption = None,
    json_output: JsonOption = False,
) -> None:
    """What changed between two releases: documents added, removed, text and metadata changed."""
    from masthead.release.changelog import render_section
    from masthead.release.diff_tables import diff_releases
    from masthead.release.manifest import read_manifest_json

    old_dir, new_dir = release_folder(old, dist, corpus), release_folder(new, dist, corpus)
    old_version, new_version = str(read_manifest_json(old_dir)["version"]), str(read_manifest_json(new_dir)["version"])
    changes = diff_releases(old_dir, new_dir, old_version, new_version)
    if json_output:
        print_json(changes.as_dict())
    else:
        typer.echo(render_section(changes, new_version, None), nl=False)


@command("verify")
def verify_command(
    release: ReleaseArg = None, dist: DistOption = None, corpus: CorpusOption = None, json_output: JsonOption = False
) -> None:
    """Check every file against SHA256SUMS and the manifest's counts; exit 1 naming the first mismatch."""
    from masthead.release.verify import verify_release

    verified = verify_release(release_folder(release, dist, corpus))
    if json_output:
        print_json(verified.as_dict())
    else:
        rows = ", ".join(f"{split} {n}" for split, n in verified.rows.items())
        typer.echo(f"{verified.corpus} {verified.version}: OK, {verified.files} files match SHA256SUMS; rows: {rows}")


@command("cite")
def cite_command(
    release: ReleaseArg = None,
    format: Annotated[str, typer.Option(
        "--format", help="bibtex, apa, ris, cff, datacite (XML), zenodo (.zenodo.json) or csl-json.")] = "bibtex",
    dist: DistOption = None,
    corpus: CorpusOption = None,
) -> None:
    """Print the citation of that exact release."""
    from masthead.release.citation_formats import format_citation

    typer.echo(format_citation(release_folder(release, dist, corpus), format), nl=False)


@command("package")
def package_command(
    release: ReleaseArg = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for the wheel (default: the corpus's dist folder).")] = None,
    hub: Annotated[Optional[str], typer.Option(
        "--hub", help="A wheel without the data: it downloads tag vX.Y.Z of this Hub dataset repository (ORG/NAME) on first load().",
    )] = None,
    dist: DistOption = None,
    corpus: CorpusOption = None,
    json_output: JsonOption = False,
) -> None:
    """Build a pip-installable data package (wheel) of the release; it needs only `datasets`."""
    from masthead.release.package import build_wheel

    folder = release_folder(release, dist, corpus)
    package = build_wheel(folder, out if out is not None else folder.parent, hub=hub)
    if json_output:
        print_json(package.as_dict())
    else:
        typer.echo(f"wrote {package.wheel}")
        typer.echo(f"install it with `pip install {package.wheel}`, then `import {package.module}; {package.module}.load()`")


@command("publish")
def publish_command(
    release: Annotated[str, typer.Argument(help="Version number or release folder to publish.")],
    repo_id: Annotated[str, typer.Option("--repo-id", help="Hub dataset repository, ORG/NAME.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the files it would add and delete; change nothing.")] = False,
    private: Annotated[bool, typer.Option("--private", help="Make the repository private (created so, or switched).")] = False,
    tag_only: Annotated[bool, typer.Option(
        "--tag-only", help="Leave main untouched: the release gets its own branch release-X.Y.Z and tag (for an older version).",
    )] = False,
    dist: DistOption = None,
    corpus: CorpusOption = None,
    json_output: JsonOption = False,
) -> None:
    """Make the Hub repository mirror the release (earlier files deleted) and tag the commit vX.Y.Z."""
    from masthead.release.publish import publish_release

    result = publish_release(release_folder(release, dist, corpus), repo_id, dry_run=dry_run, private=private, tag_only=tag_only)
    if json_output:
        print_json(result.as_dict())
        return
    on_main = result.main_version or "no release"
    where = f"{repo_id} ({'a new repository' if not result.repo_exists else f'main had {on_main}'})"
    verb = "would commit" if dry_run else "committed"
    typer.echo(f"{verb} {result.version} to {where} on {result.branch}, tag {result.tag}"
               f"{', gated' if result.gated else ''}: {len(result.add)} to add, {len(result.delete)} to delete, "
               f"{len(result.unchanged)} unchanged")
    for name in result.add:
        typer.echo(f"  + {name}")
    for name in result.delete:
        typer.echo(f"  - {name}")
    if not dry_run:
        typer.echo(f"published {result.version} to {repo_id} as {result.tag} (commit {result.commit})")
