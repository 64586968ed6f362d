"""Publishing a release to the Hugging Face Hub: one commit with the release files, the card last,
and the tag ``vX.Y.Z`` on that commit, so ``load_dataset(repo, revision="vX.Y.Z")`` returns it.

The token comes from ``HF_TOKEN`` or the Hub client's own store (``huggingface_hub`` reads
both); masthead never prints or writes it. Every file of the release is uploaded (the card's
figures and report, rejects, the ``hf/`` form), so a snapshot of the tag passes ``masthead verify``
against the release's own SHA256SUMS; the card's ``configs`` point the Hub viewer at the Parquet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masthead.errors import PublishError
from masthead.release.checksums import release_files
from masthead.release.layout import CARD, CHECKSUMS, DATA
from masthead.release.manifest import read_manifest_json
from masthead.release.verify import verify_release

# The HTTP clients huggingface_hub has used; their connection errors mean "cannot reach the Hub".
_TRANSPORT_MODULES = {"httpx", "httpx2", "httpcore", "requests", "urllib3"}


@dataclass
class Published:
    repo_id: str
    version: str
    tag: str
    files: list[str]
    dry_run: bool
    commit: str | None = None
    url: str | None = None
    calls: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"repo_id": self.repo_id, "version": self.version, "tag": self.tag, "files": self.files,
                "dry_run": self.dry_run, "commit": self.commit, "url": self.url}


def upload_plan(folder: Path) -> list[str]:
    """Every file of the release, data first, SHA256SUMS then the card last (the card names the rest)."""
    files = [*release_files(folder), CHECKSUMS]
    data = [name for name in files if name.startswith(f"{DATA}/")]
    rest = [name for name in files if not name.startswith(f"{DATA}/") and name not in (CHECKSUMS, CARD)]
    return [*data, *rest, CHECKSUMS, CARD]


def publish_release(folder: Path, repo_id: str, dry_run: bool = False, private: bool = False, api: Any = None) -> Published:
    """Upload a verified release to a dataset repository and tag it ``v<version>``."""
    verify_release(folder)
    version = str(read_manifest_json(folder)["version"])
    tag = f"v{version}"
    files = upload_plan(folder)
    result = Published(repo_id, version, tag, files, dry_run)
    if dry_run:
        return result
    from huggingface_hub import CommitOperationAdd, HfApi
    from huggingface_hub.errors import HfHubHTTPError

    hub = api if api is not None else HfApi()
    try:
        hub.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = hub.create_commit(
            repo_id,
            [CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in files],
            commit_message=f"Release {version}",
            commit_description=f"masthead release {version} ({len(files)} files); tagged {tag}.",
            repo_type="dataset",
        )
        hub.create_tag(repo_id, tag=tag, tag_message=f"Release {version}", revision=commit.oid, repo_type="dataset")
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        hint = " (is a token set? `hf auth login` or HF_TOKEN)" if status in (401, 403) else ""
        hint = hint or (f" (tag {tag} already exists? releases are immutable: publish a new version)" if status == 409 else "")
        raise PublishError(f"publishing {version} to {repo_id} failed: {_first_line(exc)}{hint}") from None
    except Exception as exc:
        if not isinstance(exc, OSError) and type(exc).__module__.split(".")[0] not in _TRANSPORT_MODULES:
            raise
        raise PublishError(f"publishing {version} to {repo_id} failed: cannot reach the Hub ({_first_line(exc)})") from None
    result.commit = commit.oid
    result.url = getattr(commit, "commit_url", None)
    return result


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
