"""`masthead publish`: the real huggingface_hub client against a stand-in for the Hub API on loopback."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

TOKEN = "hf_standin_secret_token_0123456789"
COMMIT = "c0ffee" + "0" * 34


class StandIn(BaseHTTPRequestHandler):
    """Answers the few Hub endpoints a commit + tag needs, and records every request."""

    calls: list[dict[str, Any]]

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = raw.decode("utf-8") if raw else ""
        body: Any = [json.loads(line) for line in text.splitlines() if line] if "ndjson" in str(
            self.headers.get("Content-Type")) else (json.loads(text) if text else None)
        self.calls.append({"method": "POST", "path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        if self.path == "/api/repos/create":
            self._reply(200, {"url": f"{base}/datasets/{body['organization']}/{body['name']}"})
        elif "/preupload/" in self.path:
            files = [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in body["files"]]
            self._reply(200, {"files": files, "commitOid": "0" * 40})
        elif "/commit/" in self.path:
            self._reply(200, {"commitUrl": f"{base}/datasets/org/corpus/commit/{COMMIT}", "commitOid": COMMIT,
                              "success": True, "pullRequestUrl": None})
        elif self.path == "/api/validate-yaml":
            self._reply(200, {"errors": [], "warnings": []})
        elif "/tag/" in self.path and "/taken/" in self.path:
            self._reply(409, {"error": "Tag v1.0.0 already exists"})
        elif "/tag/" in self.path:
            self._reply(200, {})
        else:
            self._reply(404, {"error": f"stand-in does not know {self.path}"})

    def do_GET(self) -> None:
        self.calls.append({"method": "GET", "path": self.path, "body": None, "auth": self.headers.get("Authorization")})
        self._reply(404, {"error": f"stand-in does not know {self.path}"})


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    from huggingface_hub import constants

    calls: list[dict[str, Any]] = []
    handler = type("Handler", (StandIn,), {"calls": calls})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    try:
        yield calls
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def release(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> Path:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    return project / "dist" / "test-corpus" / "1.0.0"


def test_dry_run_lists_the_upload_and_calls_nothing(release: Path, hub: list, run_cli: Callable[..., object]) -> None:
    result = run_cli("publish", str(release), "--repo-id", "org/corpus", "--dry-run", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    plan = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert plan["files"][0] == "data/train-00000-of-00001.parquet" and plan["files"][-1] == "README.md"
    assert {"CITATION.cff", "croissant.json", "manifest.json", "SHA256SUMS"} <= set(plan["files"])
    # everything SHA256SUMS lists goes up, so the Hub snapshot verifies; the card's figures resolve there
    listed = {line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text().splitlines()}
    assert listed | {"SHA256SUMS"} == set(plan["files"]) and len(plan["files"]) == len(set(plan["files"]))
    assert any(name.startswith("figures/") for name in plan["files"])
    assert plan["tag"] == "v1.0.0" and hub == []


def test_publish_commits_the_release_card_last_and_tags_it(release: Path, hub: list, run_cli: Callable[..., object]) -> None:
    result = run_cli("publish", str(release), "--repo-id", "org/corpus")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "v1.0.0" in result.stdout and TOKEN not in result.output  # type: ignore[attr-defined]
    calls = [c for c in hub if c["path"].startswith(("/api/repos/", "/api/datasets/"))]
    assert calls[0]["path"] == "/api/repos/create" and calls[0]["body"]["type"] == "dataset"
    assert [c["path"].split("/")[5] for c in calls[1:]] == ["preupload", "commit", "tag"]
    commit = next(c for c in hub if "/commit/" in c["path"])
    assert commit["path"].startswith("/api/datasets/org/corpus/commit/main")
    files = {line["value"]["path"]: base64.b64decode(line["value"]["content"])
             for line in commit["body"] if line["key"] == "file"}
    order = [line["value"]["path"] for line in commit["body"] if line["key"] == "file"]
    assert order[-1] == "README.md"
    for name, content in files.items():
        assert content == (release / name).read_bytes(), name
    assert "configs:" in files["README.md"].decode() and "dataset_info:" in files["README.md"].decode()
    (tag,) = [c for c in hub if "/tag/" in c["path"]]
    assert tag["path"] == f"/api/datasets/org/corpus/tag/{COMMIT}" and tag["body"]["tag"] == "v1.0.0"
    assert all(c["auth"] == f"Bearer {TOKEN}" for c in calls)  # the token is sent, never printed


def test_an_existing_tag_is_a_clear_error(release: Path, hub: list, run_cli: Callable[..., object]) -> None:
    result = run_cli("publish", str(release), "--repo-id", "org/taken")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "publishing 1.0.0 to org/taken failed" in result.stderr  # type: ignore[attr-defined]
    assert "releases are immutable" in result.stderr and TOKEN not in result.output  # type: ignore[attr-defined]


def test_the_uploaded_card_parses_locally_with_huggingface_hub(release: Path) -> None:
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(release / "README.md")  # local parse only; validate() would post it to the Hub
    data = card.data.to_dict()
    assert data["configs"][0]["data_files"][0] == {"split": "train", "path": "data/train-*"}
    assert data["dataset_info"]["splits"][0]["num_examples"] == 5
    assert "```bibtex" in card.text
