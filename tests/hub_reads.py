"""The stand-in's request plumbing and its read routes: repo info, tree, paths-info, refs, resolve, LFS objects."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import yaml

from hub_state import Commit, HubError, Repo, lfs_pointer

if TYPE_CHECKING:
    from hub_standin import HubStandIn


def _folder(commit: Commit, path: str) -> dict[str, Any]:
    return {"type": "directory", "oid": hashlib.sha1(f"{commit.oid}:{path}".encode()).hexdigest(), "size": 0, "path": path}


class HubReads(BaseHTTPRequestHandler):
    """Plumbing (bodies, replies, errors, auth) and the routes that only read the state."""

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

    def _route(self, path: str, query: dict[str, list[str]], body: bytes) -> bool:
        raise NotImplementedError

    # -- read routes --------------------------------------------------------------------------
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
                    yield _folder(commit, folder)
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
                item = _folder(commit, path)
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
