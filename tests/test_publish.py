"""`masthead publish` and the Hub wheel, with the real clients against a stateful Hub stand-in on loopback.

Publishing runs in-process (``huggingface_hub.constants`` pointed at the stand-in, as ``HF_ENDPOINT``
would at import); ``datasets.load_dataset``, ``snapshot_download`` and the Hub wheel run in a new
interpreter with ``HF_ENDPOINT`` set and the offline switches CI sets removed, allowed loopback only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import PYPROJECT, RAW
from hub_client import client_env, point_this_process_at, run_client
from hub_standin import HubStandIn
from masthead.cli import app
from masthead.release.verify import verify_release

# huggingface_hub's LFS upload hands httpx2 a file as data=, which httpx2 deprecates (theirs to change, not ours)
TOKEN = "hf_standin_secret_token_0123456789"
REPO = "org/corpus"
NEW_DOC = '{"id": "extra-1", "url": "https://example.org/extra", "title": "A later article", "text": "%s"}\n' % (
    "The summit ended without a joint statement. " * 8)


def _cli(*args: str, cwd: Path | None = None) -> Any:
    import os

    here = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(here)


def _rows(folder: Path) -> list[dict[str, Any]]:
    return [row for path in sorted((folder / "data").glob("*.parquet")) for row in pq.read_table(path).to_pylist()]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """1.0.0 (one shard) and 1.1.0 (one more document, three shards with other names) of one corpus."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = tmp_path_factory.mktemp("publish") / "test-corpus"
    shutil.copytree(RAW, project / "raw")
    (project / "pyproject.toml").write_text(PYPROJECT.format(name="test-corpus"), encoding="utf-8")
    shutil.copyfile(Path(__file__).resolve().parents[1] / "CITATION.cff", project / "CITATION.cff")
    try:
        assert _cli("build", "--workers", "1", cwd=project).exit_code == 0
        (project / "raw" / "extra.jsonl").write_text(NEW_DOC, encoding="utf-8")
        (project / "pyproject.toml").write_text(PYPROJECT.format(name="test-corpus") + "shard_rows = 2\n", encoding="utf-8")
        result = _cli("build", "--workers", "1", "--version", "1.1.0", cwd=project)
        assert result.exit_code == 0, result.output
    finally:
        mp.undo()
    dist = project / "dist" / "test-corpus"
    return {"1.0.0": dist / "1.0.0", "1.1.0": dist / "1.1.0"}


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandIn]:
    """The stand-in, with this process's Hub client pointed at it and every other address refused."""
    with HubStandIn({TOKEN}) as standin:
        point_this_process_at(standin, monkeypatch, TOKEN)
        yield standin


def _publish(release: Path, *flags: str) -> Any:
    return _cli("publish", str(release), "--repo-id", REPO, "--json", *flags)


def test_releases_have_different_shards(releases: dict[str, Path]) -> None:
    names = {v: sorted(p.name for p in (f / "data").glob("*.parquet")) for v, f in releases.items()}
    assert names["1.0.0"] == ["train-00000-of-00001.parquet"] and len(names["1.1.0"]) == 3
    assert not set(names["1.0.0"]) & set(names["1.1.0"])


def test_dry_run_lists_adds_and_deletes_against_the_repo_as_it_is(releases: dict[str, Path], hub: HubStandIn) -> None:
    first = json.loads(_publish(releases["1.0.0"], "--dry-run").stdout)
    listed = {line.split("  ", 1)[1] for line in (releases["1.0.0"] / "SHA256SUMS").read_text().splitlines()}
    assert first["repo_exists"] is False and first["delete"] == [] and set(first["add"]) == listed | {"SHA256SUMS"}
    assert first["add"][0].startswith("data/") and first["add"][-1] == "README.md"
    assert hub.state.repos == {}  # a dry run writes nothing
    published = _publish(releases["1.0.0"])
    assert published.exit_code == 0, published.output
    second = json.loads(_publish(releases["1.1.0"], "--dry-run").stdout)
    files = {v: {p.relative_to(f).as_posix() for p in f.rglob("*") if p.is_file()} for v, f in releases.items()}
    assert second["main_version"] == "1.0.0" and second["delete"] == sorted(files["1.0.0"] - files["1.1.0"])
    assert "data/train-00000-of-00001.parquet" in second["delete"]
    new_shards = sorted(p.relative_to(releases["1.1.0"]).as_posix() for p in (releases["1.1.0"] / "data").glob("*"))
    assert new_shards == [name for name in second["add"] if name.startswith("data/")]
    same = {n for n in files["1.0.0"] & files["1.1.0"] if (releases["1.0.0"] / n).read_bytes() == (releases["1.1.0"] / n).read_bytes()}
    assert set(second["unchanged"]) == same and "rejects.jsonl" in same and "figures/rejects.png" in same  # not uploaded again
    assert hub.files(REPO).keys() == {*listed, "SHA256SUMS", ".gitattributes"}  # still 1.0.0


def test_publish_twice_mirrors_each_release_and_the_real_clients_read_them(
    releases: dict[str, Path], hub: HubStandIn, tmp_path: Path,
) -> None:
    for release in releases.values():
        result = _publish(release)
        assert result.exit_code == 0, result.output
        assert TOKEN not in result.output
    repo = hub.repo(REPO)
    for version, release in releases.items():  # each tag holds exactly its release, byte for byte
        on_tag = hub.files(REPO, f"v{version}")
        assert on_tag.keys() - {".gitattributes"} == {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
        assert all(content == (release / name).read_bytes() for name, content in on_tag.items() if name != ".gitattributes")
    assert hub.files(REPO) == hub.files(REPO, "v1.1.0") and repo.branches["main"] == repo.tags["v1.1.0"]
    head = repo.commits[repo.branches["main"]]
    assert head.parent == repo.tags["v1.0.0"] and head.title == "Release 1.1.0"  # one commit: adds and deletions

    script = f"""
import json
import datasets
from huggingface_hub import snapshot_download
out = {{}}
for revision in (None, "v1.0.0"):
    ds = datasets.load_dataset("{REPO}", revision=revision)
    out[str(revision)] = {{split: ds[split].to_list() for split in ds}}
out["snapshots"] = {{tag: snapshot_download("{REPO}", repo_type="dataset", revision=tag) for tag in ("v1.0.0", "v1.1.0")}}
print(json.dumps(out, default=str))
"""
    done = run_client(sys.executable, script, client_env(hub, tmp_path / "home", TOKEN), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded["None"] == {"train": _rows(releases["1.1.0"])}
    assert loaded["v1.0.0"] == {"train": _rows(releases["1.0.0"])}
    for tag, folder in loaded["snapshots"].items():
        verified = verify_release(Path(folder))  # what `masthead verify` checks
        assert verified.version == tag[1:]
        assert _cli("verify", folder).exit_code == 0
    assert [u for u in hub.state.unknown if "/agent-harnesses" not in u[1]] == []


def test_an_older_version_is_refused_unless_tag_only(releases: dict[str, Path], hub: HubStandIn) -> None:
    assert _publish(releases["1.1.0"]).exit_code == 0
    head = hub.repo(REPO).branches["main"]
    refused = _publish(releases["1.0.0"])
    assert refused.exit_code == 2 and "1.0.0 is older than 1.1.0" in refused.stderr and "--tag-only" in refused.stderr
    assert hub.repo(REPO).branches["main"] == head and "v1.0.0" not in hub.repo(REPO).tags
    tagged = _publish(releases["1.0.0"], "--tag-only")
    assert tagged.exit_code == 0, tagged.output
    repo = hub.repo(REPO)
    assert repo.branches["main"] == head  # main untouched
    assert repo.tags["v1.0.0"] == repo.branches["release-1.0.0"] != head
    assert hub.files(REPO, "v1.0.0")["data/train-00000-of-00001.parquet"] == (
        releases["1.0.0"] / "data" / "train-00000-of-00001.parquet").read_bytes()
    again = _publish(releases["1.1.0"])
    assert again.exit_code == 2 and "releases are immutable" in again.stderr


def test_a_commit_in_between_is_not_overwritten(releases: dict[str, Path], hub: HubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import CommitOperationAdd, HfApi

    import masthead.release.publish as publish

    assert _publish(releases["1.0.0"]).exit_code == 0
    read = publish.read_repo

    def read_then_someone_commits(api: Any, repo_id: str) -> Any:
        state = read(api, repo_id)
        HfApi().create_commit(repo_id, [CommitOperationAdd("NOTES.md", b"hand-written")], commit_message="notes", repo_type="dataset")
        return state

    monkeypatch.setattr(publish, "read_repo", read_then_someone_commits)
    result = _publish(releases["1.1.0"])
    assert result.exit_code == 2 and "changed while publishing" in result.stderr
    assert "v1.1.0" not in hub.repo(REPO).tags and "NOTES.md" in hub.files(REPO)


def test_gated_and_private_repositories(
    make_project: Callable[..., Path], run_cli: Callable[..., Any], hub: HubStandIn, tmp_path: Path,
) -> None:
    project = make_project(seeds=True)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('access = "gated"\n')
    assert run_cli("build", "--workers", "1", cwd=project).exit_code == 0
    release = project / "dist" / "test-corpus" / "1.0.0"
    result = _cli("publish", str(release), "--repo-id", "org/gated", "--private", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["gated"] is True
    repo = hub.repo("org/gated")
    assert repo.gated == "auto" and repo.private is True
    settings = next(i for i, r in enumerate(hub.state.requests) if r[0] == "PUT" and r[1].endswith("/settings"))
    first_data = next(i for i, r in enumerate(hub.state.requests) if "lfs-upload" in r[1] or "/commit/" in r[1])
    assert settings < first_data  # gated before any data reaches the repository
    anonymous = run_client(sys.executable, "import datasets; datasets.load_dataset('org/gated')",
                           client_env(hub, tmp_path / "anon", None), tmp_path)
    assert anonymous.returncode != 0 and "org/gated" in anonymous.stderr


def test_the_hub_wheel_downloads_the_tag_and_checks_it(
    releases: dict[str, Path], hub: HubStandIn, tmp_path: Path,
) -> None:
    for release in releases.values():
        assert _publish(release).exit_code == 0
    made = _cli("package", str(releases["1.0.0"]), "--hub", REPO, "--out", str(tmp_path / "wheels"), "--json")
    assert made.exit_code == 0, made.output
    wheel = Path(json.loads(made.stdout)["wheel"])
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    assert not list(target.rglob("*.parquet"))  # the Hub wheel carries no data
    env = {**client_env(hub, tmp_path / "home", TOKEN), "PYTHONPATH": str(target)}
    script = ("import json, sys, test_corpus\nds = test_corpus.load()\n"
              "print(json.dumps({'rows': ds['train'].to_list(), 'masthead': 'masthead' in sys.modules}, default=str))\n")
    done = run_client(sys.executable, script, env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded == {"rows": _rows(releases["1.0.0"]), "masthead": False}  # the tag's rows, not main's
    cached = list((tmp_path / "home" / "hub" / "datasets--org--corpus" / "snapshots").glob("*/data/*.parquet"))
    assert [p.name for p in cached] == ["train-00000-of-00001.parquet"]
    seen = len(hub.state.requests)  # loaded again offline: from the Hub cache, checked again, no request
    offline = run_client(sys.executable, script, {**env, "HF_HUB_OFFLINE": "1"}, tmp_path)
    assert offline.returncode == 0, offline.stderr[-3000:]
    assert json.loads(offline.stdout.splitlines()[-1]) == loaded and len(hub.state.requests) == seen

    # The Hub's copy changes (same size, one byte): the wheel refuses it, naming the file.
    entry = hub.repo(REPO).resolve("v1.0.0").files["data/train-00000-of-00001.parquet"]  # type: ignore[union-attr]
    data = bytearray(hub.state.lfs[entry.sha256])  # type: ignore[index]
    data[100] ^= 0x01
    hub.state.lfs[entry.sha256] = bytes(data)  # type: ignore[index]
    env = {**client_env(hub, tmp_path / "fresh-home", TOKEN), "PYTHONPATH": str(target)}
    failed = run_client(sys.executable, "import test_corpus; test_corpus.load()", env, tmp_path)
    assert failed.returncode != 0
    assert "data/train-00000-of-00001.parquet does not match SHA256SUMS" in failed.stderr
    verify = run_client(sys.executable, "import test_corpus; raise SystemExit(test_corpus.main(['verify']))", env, tmp_path)
    assert verify.returncode == 1 and "error: " in verify.stderr and "does not match SHA256SUMS" in verify.stderr


def test_a_wrong_token_is_a_clear_error_and_never_printed(
    releases: dict[str, Path], hub: HubStandIn, monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _publish(releases["1.0.0"]).exit_code == 0
    monkeypatch.setenv("HF_TOKEN", "hf_wrong_token_9876543210")
    result = _publish(releases["1.1.0"])
    assert result.exit_code == 2 and "publishing 1.1.0 to org/corpus failed" in result.stderr
    assert "is a token set?" in result.stderr and "hf_wrong_token" not in result.output and "Traceback" not in result.output
    assert "v1.1.0" not in hub.repo(REPO).tags and hub.repo(REPO).branches["main"] == hub.repo(REPO).tags["v1.0.0"]
