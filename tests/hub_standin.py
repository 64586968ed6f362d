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
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import yaml

LFS_THRESHOLD = 10 * 1024 * 1024  # the Hub sends larger files through LFS, and binary ones whatever their size
GITATTRIBUTES = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n*.arrow filter=lfs diff=lfs merge=lfs -text\n"
PREFIXES = {"dataset": "datasets/", "space": "spaces/", "model": ""}


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass(frozen=True)
class Entry:
    """A file in a commit's tree: regular (content kept) or LFS (content in the LFS store)."""

    size: int
    oid: str  # git blob oid (of the pointer file, for LFS)
    sha256: str | None = None  # LFS only
    content: bytes | None = None  # regular only

    def as_json(self, path: str) -> dict[str, Any]:
        info: dict[str, Any] = {"type": "file", "oid": self.oid, "size": self.size, "path": path}
        if self.sha256 is not None:
            info["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": len(lfs_pointer(self.sha256, self.size))}
        return info


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    description: str
    date: str
    files: dict[str, Entry]


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    private: bool = False
    gated: str | bool = False
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> Commit | None:
        revision = unquote(revision)
        for prefix, refs in (("refs/heads/", self.branches), ("refs/tags/", self.tags)):
            if revision.startswith(prefix):
                revision = revision[len(prefix):]
                return self.commits[refs[revision]] if revision in refs else None
        oid = self.branches.get(revision) or self.tags.get(revision)
        if oid is None and re.fullmatch(r"[0-9a-f]{40}", revision):
            oid = revision if revision in self.commits else None
        return self.commits[oid] if oid is not None else None


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class HubState:
    """Everything the stand-in was told: repos, commits, refs, LFS objects; and the requests it saw."""

    def __init__(self, tokens: set[str]) -> None:
        self.tokens = tokens
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.unknown: list[tuple[str, str]] = []
        self.lock = threading.RLock()
        self._clock = 0

    def now(self) -> str:
        self._clock += 1
        return (dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=self._clock)).isoformat().replace("+00:00", ".000Z")

    def create_repo(self, repo_type: str, repo_id: str, private: bool) -> Repo:
        if (repo_type, repo_id) in self.repos:
            raise HubError(409, f"You already created this {repo_type} repo", None)
        repo = Repo(repo_type, repo_id, private=private)
        self.repos[(repo_type, repo_id)] = repo
        self.commit(repo, "main", "initial commit", "", {".gitattributes": GITATTRIBUTES}, [], None)
        return repo

    def commit(self, repo: Repo, branch: str, title: str, description: str, add: dict[str, bytes | Entry],
               delete: list[tuple[str, bool]], parent: str | None) -> Commit:
        head = repo.branches.get(branch)
        if repo.commits and head is None:
            raise HubError(404, f"Invalid rev id: {branch}", "RevisionNotFound")
        if parent is not None and head is not None and not head.startswith(parent):
            raise HubError(412, f"A commit has happened since. Please refresh and try again. (parent {parent} is not {head})")
        files = dict(repo.commits[head].files) if head is not None else {}
        for path, is_folder in delete:
            gone = [p for p in files if p.startswith(path.rstrip("/") + "/")] if is_folder else [p for p in files if p == path]
            if not gone:
                raise HubError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
            for name in gone:
                del files[name]
        for path, value in add.items():
            files[path] = value if isinstance(value, Entry) else Entry(len(value), git_blob_oid(value), content=value)
        tree = json.dumps({p: e.oid for p, e in sorted(files.items())}).encode()
        oid = hashlib.sha1(b"%s\0%s\0%s\0%d" % (tree, (head or "").encode(), title.encode(), len(repo.commits))).hexdigest()
        commit = Commit(oid, head, title, description, self.now(), files)
        repo.commits[oid] = commit
        repo.branches[branch] = oid
        return commit

    def content(self, entry: Entry) -> bytes:
        if entry.content is not None:
            return entry.content
        assert entry.sha256 is not None
        return self.lfs[entry.sha256]


LOOPBACK_ONLY = """
import ipaddress as _ip, socket as _socket
_getaddrinfo, _connect = _socket.getaddrinfo, _socket.socket.connect
def _loopback(host):
    name = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return _ip.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return name == "localhost"
def _getaddrinfo_guard(host, *args, **kwargs):
    if host is not None and not _loopback(host):
        raise OSError(f"this test allows loopback traffic only, not {host!r}")
    return _getaddrinfo(host, *args, **kwargs)
def _connect_guard(self, address):
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise OSError(f"this test allows loopback traffic only, not {address!r}")
    return _connect(self, address)
_socket.getaddrinfo, _socket.socket.connect = _getaddrinfo_guard, _connect_guard
"""


def loopback_only(monkeypatch: Any) -> None:
    """In this process (for a test's duration): name lookups and connections to anything but loopback fail."""
    import socket

    namespace: dict[str, Any] = {}
    exec(LOOPBACK_ONLY.replace("_socket.getaddrinfo, _socket.socket.connect = _getaddrinfo_guard, _connect_guard", ""), namespace)
    monkeypatch.setattr(socket, "getaddrinfo", namespace["_getaddrinfo_guard"])
    monkeypatch.setattr(socket.socket, "connect", namespace["_connect_guard"])


def client_env(hub: HubStandIn, home: Path, token: str | None) -> dict[str, str]:
    """The environment a client process needs to talk to the stand-in, online, and only to it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE"))}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HOME=str(home), HF_HUB_DISABLE_XET="1", HF_HUB_DISABLE_TELEMETRY="1",
               HF_HUB_DISABLE_PROGRESS_BARS="1", HF_DATASETS_CACHE=str(home / "datasets"))
    if token is not None:
        env["HF_TOKEN"] = token
    return env


def run_client(python: str | Path, script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a new interpreter that may only open loopback connections."""
    return subprocess.run([str(python), "-c", LOOPBACK_ONLY + script], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=300, check=False)


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


class _Handler(BaseHTTPRequestHandler):
    hub: HubStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    # -- plumbing ----------------------------------------------------------------------------
    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), headers)

    def _error(self, error: HubError, headers: dict[str, str] | None = None) -> None:
        extra = {"X-Error-Message": error.message, **({"X-Error-Code": error.code} if error.code else {}), **(headers or {})}
        self._json(error.status, {"error": error.message}, extra)

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization") or ""
        return auth.startswith("Bearer ") and auth[len("Bearer "):] in self.hub.state.tokens

    def _require_write(self) -> None:
        if not self._authorized():
            raise HubError(401, "Invalid credentials in Authorization header" if self.headers.get("Authorization") else
                           "You must be authenticated to write", None)

    def _repo(self, repo_type: str, ns: str, name: str, write: bool = False) -> Repo:
        repo = self.hub.state.repos.get((repo_type, f"{ns}/{name}"))
        if write:
            self._require_write()
        if repo is None or (repo.private and not self._authorized()):
            raise HubError(404 if self._authorized() else 401, "Repository not found", "RepoNotFound")
        if repo.gated and not self._authorized():
            raise HubError(401, f"Access to dataset {repo.repo_id} is restricted. You must be authenticated to access it.",
                           "GatedRepo")
        return repo

    def _revision(self, repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {unquote(revision)}", "RevisionNotFound")
        return commit

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        body = self._body() if self.command in ("POST", "PUT") else b""
        with self.hub.state.lock:
            self.hub.state.requests.append((self.command, self.path))
            try:
                if not self._route(path, query, body):
                    self.hub.state.unknown.append((self.command, self.path))
                    self._json(404, {"error": f"the stand-in does not serve {self.command} {path}"})
            except HubError as error:
                self._error(error)

    do_GET = do_HEAD = do_POST = do_PUT = _dispatch

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

    def _info(self, repo: Repo, commit: Commit, query: dict[str, list[str]]) -> bool:
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        siblings = []
        for path, entry in sorted(commit.files.items()):
            sibling: dict[str, Any] = {"rfilename": path}
            if blobs:
                sibling.update(size=entry.size, blobId=entry.oid)
                if entry.sha256:
                    sibling["lfs"] = {"sha256": entry.sha256, "size": entry.size, "pointerSize": len(lfs_pointer(entry.sha256, entry.size))}
            siblings.append(sibling)
        card: dict[str, Any] | None = None
        readme = commit.files.get("README.md")
        if readme is not None and readme.content is not None and readme.content.startswith(b"---"):
            card = yaml.safe_load(readme.content.decode().split("---", 2)[1])
        self._json(200, {
            "_id": hashlib.sha1(repo.repo_id.encode()).hexdigest()[:24], "id": repo.repo_id, "author": repo.repo_id.split("/")[0],
            "sha": commit.oid, "lastModified": commit.date, "createdAt": repo.commits[next(iter(repo.commits))].date,
            "private": repo.private, "gated": repo.gated, "disabled": False, "tags": [], "downloads": 0, "likes": 0,
            "siblings": siblings, **({"cardData": card} if card else {}),
        })
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

    def _entries(self, commit: Commit, under: str, recursive: bool) -> Iterator[dict[str, Any]]:
        prefix = under.rstrip("/") + "/" if under else ""
        folders: set[str] = set()
        for path, entry in sorted(commit.files.items()):
            if not path.startswith(prefix):
                continue
            parts = path[len(prefix):].split("/")
            for depth in range(1, len(parts)):
                folder = prefix + "/".join(parts[:depth])
                if folder not in folders and (recursive or depth == 1):
                    folders.add(folder)
                    yield {"type": "directory", "oid": hashlib.sha1(f"{commit.oid}:{folder}".encode()).hexdigest(), "size": 0, "path": folder}
            if recursive or len(parts) == 1:
                yield entry.as_json(path)

    def _with_commit(self, item: dict[str, Any], commit: Commit) -> dict[str, Any]:
        return {**item, "lastCommit": {"id": commit.oid, "title": commit.title, "date": commit.date}}

    def _tree(self, repo: Repo, commit: Commit, under: str, query: dict[str, list[str]]) -> bool:
        recursive = query.get("recursive", ["false"])[0].lower() == "true"
        expand = query.get("expand", ["false"])[0].lower() == "true"
        if under and under not in commit.files and not any(p.startswith(under.rstrip("/") + "/") for p in commit.files):
            raise HubError(404, f"{under} does not exist on {commit.oid}", "EntryNotFound")
        items = list(self._entries(commit, under, recursive))
        self._json(200, [self._with_commit(i, commit) if expand else i for i in items])
        return True

    def _paths_info(self, repo: Repo, commit: Commit, form: dict[str, list[str]]) -> bool:
        expand = form.get("expand", ["False"])[0].lower() == "true"
        out = []
        for path in form.get("paths", []):
            path = path.strip("/")
            if path in commit.files:
                item = commit.files[path].as_json(path)
            elif any(p.startswith(path + "/") for p in commit.files):
                item = {"type": "directory", "oid": hashlib.sha1(f"{commit.oid}:{path}".encode()).hexdigest(), "size": 0, "path": path}
            else:
                continue
            out.append(self._with_commit(item, commit) if expand else item)
        self._json(200, out)
        return True

    def _refs(self, repo: Repo) -> bool:
        def refs(kind: str, items: dict[str, str]) -> list[dict[str, str]]:
            return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": oid} for n, oid in sorted(items.items())]

        self._json(200, {"branches": refs("heads", repo.branches), "converts": [], "tags": refs("tags", repo.tags), "pullRequests": []})
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

    def _resolve(self, repo: Repo, revision: str, path: str) -> bool:
        commit = self._revision(repo, revision)
        entry = commit.files.get(path)
        if entry is None:
            raise HubError(404, f"Entry not found: {path}", "EntryNotFound")
        headers = {"X-Repo-Commit": commit.oid, "Accept-Ranges": "bytes"}
        if entry.sha256 is None:
            assert entry.content is not None
            self._send(200, entry.content, {**headers, "ETag": f'"{entry.oid}"'}, "application/octet-stream")
            return True
        location = f"{self.hub.cdn_endpoint}/lfs-objects/{entry.sha256}?path={quote(path)}"
        self.send_response(302)
        for key, value in {**headers, "ETag": f'"{entry.oid}"', "X-Linked-Etag": f'"{entry.sha256}"',
                           "X-Linked-Size": str(entry.size), "Location": location, "Content-Length": "0"}.items():
            self.send_header(key, value)
        self.end_headers()
        return True

    def _serve_lfs(self, sha256: str) -> bool:
        data = self.hub.state.lfs.get(sha256)
        if data is None:
            raise HubError(404, "no such object")
        if self.headers.get("Authorization"):
            raise HubError(400, "the storage host must not receive the Hub token")
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match:
            start, end = int(match.group(1)), int(match.group(2) or len(data) - 1)
            part = data[start:end + 1]
            self._send(206, part, {"Content-Range": f"bytes {start}-{start + len(part) - 1}/{len(data)}", "ETag": f'"{sha256}"'},
                       "application/octet-stream")
        else:
            self._send(200, data, {"ETag": f'"{sha256}"'}, "application/octet-stream")
        return True
