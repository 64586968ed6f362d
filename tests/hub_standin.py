"""A stand-in for the Hugging Face Hub on loopback that keeps state, for the real clients.

It keeps repositories (private flag, gating), commits (each a full tree of files), branches and
tags, and answers the endpoints ``huggingface_hub`` and ``datasets`` really call, in the shapes
the installed clients parse: repo create and settings, repo info at a revision, preupload,
the Git LFS batch API with the basic transfer (upload + verify), the ndjson commit with
additions, LFS additions and deletions (``parentCommit`` checked), tree and paths-info
listings, refs, branch and tag creation, and ``resolve/<revision>/<path>`` downloads. Regular
files are served directly; LFS files are redirected to a second loopback port (the "CDN"), as
the Hub redirects to its storage host, so the client drops its token there as it does on the Hub.

Xet is not offered (the client must run with ``HF_HUB_DISABLE_XET``): the stand-in speaks the
regular and LFS protocols the client falls back to. Everything a client sends that the stand-in
does not know is answered 404 and kept in ``unknown`` so a test can assert there was none.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import yaml

from hub_client import client_env, loopback_only, run_client
from hub_reads import HubReads
from hub_state import PREFIXES, Commit, Entry, HubError, HubState, Repo, git_blob_oid, lfs_pointer

__all__ = ["HubStandIn", "client_env", "loopback_only", "run_client"]
LFS_THRESHOLD = 10 * 1024 * 1024  # the Hub sends larger files through LFS, and binary ones whatever their size


class HubStandIn:
    """Two loopback servers (API and LFS "CDN") over one HubState; use as a context manager."""

    def __init__(self, tokens: set[str]) -> None:
        self.state = HubState(tokens)
        self.api = ThreadingHTTPServer(("127.0.0.1", 0), type("Api", (_Handler,), {"hub": self}))
        self.cdn = ThreadingHTTPServer(("127.0.0.1", 0), type("Cdn", (_Handler,), {"hub": self}))
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (self.api, self.cdn)]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.api.server_address[1]}"

    @property
    def cdn_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.cdn.server_address[1]}"

    def __enter__(self) -> HubStandIn:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self.api, self.cdn):
            server.shutdown()
            server.server_close()

    # What a test asks of the state (read-only views).
    def repo(self, repo_id: str, repo_type: str = "dataset") -> Repo:
        return self.state.repos[(repo_type, repo_id)]

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "dataset") -> dict[str, bytes]:
        commit = self.repo(repo_id, repo_type).resolve(revision)
        assert commit is not None, f"{repo_id} has no revision {revision}"
        return {path: self.state.content(entry) for path, entry in sorted(commit.files.items())}


_REPO_API = re.compile(r"^/api/(?P<type>models|datasets|spaces)/(?P<ns>[^/]+)/(?P<name>[^/]+)(?:/(?P<rest>.*))?$")
_RESOLVE = re.compile(r"^/(?P<prefix>datasets/|spaces/)?(?P<ns>[^/]+)/(?P<name>[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
_TYPES = {"datasets/": "dataset", "spaces/": "space", "": "model"}
_LFS_BATCH = re.compile(r"^/(?P<prefix>datasets/|spaces/)?(?P<ns>[^/]+)/(?P<name>[^/]+)\.git/info/lfs/objects/batch$")


class _Handler(HubReads):
    """Routing, and the routes that change the state."""

    # -- routes ------------------------------------------------------------------------------
    def _route(self, path: str, query: dict[str, list[str]], body: bytes) -> bool:
        method = self.command
        if path.startswith("/lfs-objects/") and method in ("GET", "HEAD"):
            return self._serve_lfs(path.rsplit("/", 1)[1])
        if path.startswith("/lfs-upload/") and method == "PUT":
            oid = path.rsplit("/", 1)[1]
            if hashlib.sha256(body).hexdigest() != oid:
                raise HubError(400, "uploaded content does not match its oid")
            self.hub.state.lfs[oid] = body
            self._send(200)
            return True
        if path == "/lfs-verify" and method == "POST":
            obj = json.loads(body)
            stored = self.hub.state.lfs.get(obj["oid"])
            if stored is None or len(stored) != obj["size"]:
                raise HubError(404, f"object {obj['oid']} not stored")
            self._json(200, {"success": True})
            return True
        if path == "/api/repos/create" and method == "POST":
            return self._create_repo(json.loads(body))
        if path == "/api/validate-yaml" and method == "POST":
            return self._validate_yaml(json.loads(body))
        match = _LFS_BATCH.match(path)
        if match and method == "POST":
            repo_type = _TYPES[match.group("prefix") or ""]
            repo = self._repo(repo_type, match.group("ns"), match.group("name"), write=True)
            return self._lfs_batch(repo, json.loads(body))
        match = _RESOLVE.match(path)
        if match and method in ("GET", "HEAD"):
            repo_type = _TYPES[match.group("prefix") or ""]
            repo = self._repo(repo_type, match.group("ns"), match.group("name"))
            return self._resolve(repo, match.group("rev"), unquote(match.group("path")))
        match = _REPO_API.match(path)
        if match:
            repo_type = match.group("type")[:-1]
            return self._repo_api(repo_type, match.group("ns"), match.group("name"), match.group("rest") or "", query, body)
        return False

    def _repo_api(self, repo_type: str, ns: str, name: str, rest: str, query: dict[str, list[str]], body: bytes) -> bool:
        method, head, _, tail = self.command, *rest.partition("/")
        if method == "GET" and (rest == "" or head == "revision"):
            repo = self._repo(repo_type, ns, name)
            return self._info(repo, self._revision(repo, tail or "main"), query)
        if method == "PUT" and rest == "settings":
            return self._settings(self._repo(repo_type, ns, name, write=True), json.loads(body))
        if method == "POST" and head == "preupload":
            repo = self._repo(repo_type, ns, name, write=True)
            return self._preupload(repo, self._revision(repo, tail), json.loads(body))
        if method == "POST" and head == "commit":
            repo = self._repo(repo_type, ns, name, write=True)
            return self._commit(repo, unquote(tail), body)
        if method == "GET" and head == "tree":
            repo = self._repo(repo_type, ns, name)
            revision, _, sub = tail.partition("/")
            return self._tree(repo, self._revision(repo, revision), unquote(sub), query)
        if method == "POST" and head == "paths-info":
            repo = self._repo(repo_type, ns, name)
            return self._paths_info(repo, self._revision(repo, tail), parse_qs(body.decode()))
        if method == "GET" and rest == "refs":
            return self._refs(self._repo(repo_type, ns, name))
        if method == "POST" and head == "tag":
            repo = self._repo(repo_type, ns, name, write=True)
            return self._tag(repo, self._revision(repo, tail), json.loads(body))
        if method == "POST" and head == "branch":
            repo = self._repo(repo_type, ns, name, write=True)
            return self._branch(repo, unquote(tail), json.loads(body or b"{}"))
        return False

    def _create_repo(self, payload: dict[str, Any]) -> bool:
        self._require_write()
        repo_id = f"{payload['organization']}/{payload['name']}" if payload.get("organization") else f"user/{payload['name']}"
        repo_type = payload.get("type") or "model"
        repo = self.hub.state.create_repo(repo_type, repo_id, payload.get("visibility") == "private")
        self._json(200, {"url": f"{self.hub.endpoint}/{PREFIXES[repo_type]}{repo.repo_id}", "name": repo.repo_id})
        return True

    def _settings(self, repo: Repo, payload: dict[str, Any]) -> bool:
        if "gated" in payload:
            if payload["gated"] not in ("auto", "manual", False):
                raise HubError(400, f"invalid gated value {payload['gated']!r}")
            repo.gated = payload["gated"]
        if "visibility" in payload:
            repo.private = payload["visibility"] == "private"
        self._json(200, {})
        return True

    def _validate_yaml(self, payload: dict[str, Any]) -> bool:
        text = payload["content"]
        errors: list[dict[str, str]] = []
        if text.startswith("---"):
            try:
                meta = yaml.safe_load(text.split("---", 2)[1])
                if not isinstance(meta, dict):
                    errors.append({"message": "metadata must be a mapping"})
            except yaml.YAMLError as exc:
                errors.append({"message": f"invalid YAML: {exc}"})
        self._json(400 if errors else 200, {"errors": errors, "warnings": []})
        return True

    def _preupload(self, repo: Repo, commit: Commit, payload: dict[str, Any]) -> bool:
        files = []
        for item in payload["files"]:
            sample = base64.b64decode(item["sample"])
            lfs = item["size"] > LFS_THRESHOLD or b"\0" in sample
            existing = commit.files.get(item["path"])
            oid = None if existing is None else (existing.sha256 if existing.sha256 else existing.oid)
            files.append({"path": item["path"], "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False, "oid": oid})
        self._json(200, {"files": files, "commitOid": commit.oid})
        return True

    def _lfs_batch(self, repo: Repo, payload: dict[str, Any]) -> bool:
        if payload.get("operation") != "upload" or "basic" not in payload.get("transfers", ["basic"]):
            raise HubError(422, "only basic uploads are served here")
        objects = []
        for obj in payload["objects"]:
            entry: dict[str, Any] = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in self.hub.state.lfs:
                entry["actions"] = {
                    "upload": {"href": f"{self.hub.cdn_endpoint}/lfs-upload/{obj['oid']}", "header": {}},
                    "verify": {"href": f"{self.hub.endpoint}/lfs-verify", "header": {}},
                }
            objects.append(entry)
        body = json.dumps({"transfer": "basic", "objects": objects}).encode()
        self._send(200, body, content_type="application/vnd.git-lfs+json")
        return True

    def _commit(self, repo: Repo, branch: str, body: bytes) -> bool:
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        header = next(line["value"] for line in lines if line["key"] == "header")
        add: dict[str, bytes | Entry] = {}
        delete: list[tuple[str, bool]] = []
        for line in lines:
            key, value = line["key"], line["value"]
            if key == "file":
                add[value["path"]] = base64.b64decode(value["content"])
            elif key == "lfsFile":
                stored = self.hub.state.lfs.get(value["oid"])
                if stored is None:
                    raise HubError(422, f"LFS object {value['oid']} of {value['path']} was never uploaded")
                pointer = lfs_pointer(value["oid"], len(stored))
                add[value["path"]] = Entry(len(stored), git_blob_oid(pointer), sha256=value["oid"])
            elif key in ("deletedFile", "deletedFolder"):
                delete.append((value["path"], key == "deletedFolder"))
        commit = self.hub.state.commit(repo, branch, header["summary"], header.get("description", ""), add, delete,
                                       header.get("parentCommit"))
        url = f"{self.hub.endpoint}/{PREFIXES[repo.repo_type]}{repo.repo_id}/commit/{commit.oid}"
        self._json(200, {"success": True, "commitOid": commit.oid, "commitUrl": url, "pullRequestUrl": None})
        return True

    def _tag(self, repo: Repo, commit: Commit, payload: dict[str, Any]) -> bool:
        tag = payload["tag"]
        if tag in repo.tags or tag in repo.branches:
            raise HubError(409, f"Tag {tag} already exists")
        repo.tags[tag] = commit.oid
        self._json(200, {})
        return True

    def _branch(self, repo: Repo, branch: str, payload: dict[str, Any]) -> bool:
        if branch in repo.branches or branch in repo.tags:
            raise HubError(409, f"Reference {branch} already exists")
        start = self._revision(repo, payload.get("startingPoint") or "main")
        repo.branches[branch] = start.oid
        self._json(200, {})
        return True
