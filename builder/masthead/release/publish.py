"""Publishing a release to the Hugging Face Hub so the repository mirrors it exactly.

After a publish, ``main`` holds the release's files and nothing else (the Hub's own
``.gitattributes`` aside): files of an earlier release are deleted in the same commit that adds
the new ones, and the tag ``vX.Y.Z`` points at that commit, so ``load_dataset(repo)`` reads the
newest release and ``load_dataset(repo, revision="vX.Y.Z")`` any tagged one. Only files whose
content changed are uploaded. A version older than the one on ``main`` is refused unless
``tag_only``: then the release gets its own branch ``release-X.Y.Z`` and tag, and ``main`` is
untouched. A gated release (its card has ``extra_gated_prompt``) gates the repository before any
data reaches it.

The token comes from ``HF_TOKEN`` or the Hub client's own store (``huggingface_hub`` reads
both); masthead never prints or writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masthead.errors import PublishError
from masthead.release.checksums import release_files
from masthead.release.hub_repo import RepoState, changes, read_repo
from masthead.release.layout import CARD, CHECKSUMS, DATA
from masthead.release.manifest import read_manifest_json
from masthead.release.verify import verify_release
from masthead.release.versions import Version, is_version

# The HTTP clients huggingface_hub has used; their connection errors mean "cannot reach the Hub".
_TRANSPORT_MODULES = {"httpx", "httpx2", "httpcore", "httpcore2", "requests", "urllib3"}
GATING = "auto"  # the Hub grants access once the form is filled in; "manual" would wait for the owner


@dataclass
class Published:
    repo_id: str
    version: str
    tag: str
    files: list[str]
    dry_run: bool
    branch: str = "main"
    add: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    main_version: str | None = None
    repo_exists: bool = True
    gated: bool = False
    commit: str | None = None
    url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"repo_id": self.repo_id, "version": self.version, "tag": self.tag, "branch": self.branch,
                "files": self.files, "add": self.add, "delete": self.delete, "unchanged": self.unchanged,
                "main_version": self.main_version, "repo_exists": self.repo_exists, "gated": self.gated,
                "dry_run": self.dry_run, "commit": self.commit, "url": self.url}


def upload_plan(folder: Path) -> list[str]:
    """Every file of the release, data first, SHA256SUMS then the card last (the card names the rest)."""
    files = [*release_files(folder), CHECKSUMS]
    data = [name for name in files if name.startswith(f"{DATA}/")]
    rest = [name for name in files if not name.startswith(f"{DATA}/") and name not in (CHECKSUMS, CARD)]
    return [*data, *rest, CHECKSUMS, CARD]


def is_gated(folder: Path) -> bool:
    """Does the release's card ask for gated access (``extra_gated_prompt`` in its front matter)?"""
    import yaml

    text = (folder / CARD).read_text(encoding="utf-8") if (folder / CARD).is_file() else ""
    if not text.startswith("---\n"):
        return False
    meta = yaml.safe_load(text[4:].split("\n---", 1)[0])
    return isinstance(meta, dict) and bool(meta.get("extra_gated_prompt"))


def _check_version(state: RepoState, repo_id: str, version: str, tag: str, tag_only: bool) -> None:
    if tag in state.tags:
        raise PublishError(f"{repo_id} already has the tag {tag} (commit {state.tags[tag][:12]}); "
                           "releases are immutable: publish a new version")
    main = state.main_version
    if main is not None and is_version(main) and Version.parse(version) < Version.parse(main) and not tag_only:
        raise PublishError(f"{version} is older than {main} on {repo_id}'s main; publishing it would replace a newer "
                           f"release. Pass --tag-only to give {version} its own branch and tag {tag}, main untouched")


def publish_release(folder: Path, repo_id: str, dry_run: bool = False, private: bool = False, tag_only: bool = False,
                    api: Any = None) -> Published:
    """Make ``repo_id`` mirror the verified release in ``folder`` and tag it ``v<version>``."""
    verify_release(folder)
    version = str(read_manifest_json(folder)["version"])
    tag = f"v{version}"
    files = upload_plan(folder)
    result = Published(repo_id, version, tag, files, dry_run, gated=is_gated(folder))
    from huggingface_hub import HfApi

    hub = api if api is not None else HfApi()
    state = _hub_call(lambda: read_repo(hub, repo_id), repo_id, version)
    _check_version(state, repo_id, version, tag, tag_only)
    diff = changes(folder, files, state.files)
    result.add, result.delete, result.unchanged = diff.add, diff.delete, diff.unchanged
    result.main_version, result.repo_exists = state.main_version, state.exists
    result.branch = f"release-{version}" if tag_only else "main"
    if tag_only and result.branch in state.branches:
        raise PublishError(f"{repo_id} already has a branch {result.branch}; delete it or publish a new version")
    if not dry_run:
        _hub_call(lambda: _write(hub, folder, result, state, private), repo_id, version)
    return result


def _write(hub: Any, folder: Path, result: Published, state: RepoState, private: bool) -> None:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    repo_id = result.repo_id
    if not state.exists:
        hub.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=False)
        state = read_repo(hub, repo_id)  # the Hub's first commit (.gitattributes) is main's head now
    elif private:
        hub.update_repo_settings(repo_id, private=True, repo_type="dataset")
    if result.gated:  # before any data arrives
        hub.update_repo_settings(repo_id, gated=GATING, repo_type="dataset")
    if result.branch != "main":
        hub.create_branch(repo_id, branch=result.branch, revision=state.head, repo_type="dataset")
    operations: list[Any] = [CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in result.add]
    operations += [CommitOperationDelete(path_in_repo=name) for name in result.delete]
    commit_oid = state.head
    if operations:
        commit = hub.create_commit(
            repo_id, operations, revision=result.branch, parent_commit=state.head, repo_type="dataset",
            commit_message=f"Release {result.version}",
            commit_description=(f"masthead release {result.version}: {len(result.add)} files added or changed, "
                                f"{len(result.delete)} deleted, {len(result.unchanged)} unchanged; tagged {result.tag}."),
        )
        commit_oid, result.url = commit.oid, getattr(commit, "commit_url", None)
    hub.create_tag(repo_id, tag=result.tag, tag_message=f"Release {result.version}", revision=commit_oid, repo_type="dataset")
    result.commit = commit_oid


def _hub_call(call: Any, repo_id: str, version: str) -> Any:
    """Run a Hub call; its HTTP and connection errors become a PublishError that names the cause."""
    from huggingface_hub.errors import HfHubHTTPError

    try:
        return call()
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        hint = " (is a token set? `hf auth login` or HF_TOKEN)" if status in (401, 403) else ""
        hint = hint or (" (the repository changed while publishing: run it again)" if status == 412 else "")
        raise PublishError(f"publishing {version} to {repo_id} failed: {_first_line(exc)}{hint}") from None
    except Exception as exc:
        if isinstance(exc, PublishError) or (not isinstance(exc, OSError) and type(exc).__module__.split(".")[0] not in _TRANSPORT_MODULES):
            raise
        raise PublishError(f"publishing {version} to {repo_id} failed: cannot reach the Hub ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
