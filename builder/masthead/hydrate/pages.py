"""Where hydrate gets a document's page: a :class:`PageSource`, and the cache in front of it.

A source answers a URL with a :class:`Page` (the bytes as served) or a :class:`Missing` (why
there is none). :class:`SavedPages` is the offline source (``--from DIR``): the user's own saved
pages, each matched to its URL by what the file says of itself (a browser's ``saved from url=``
mark, SingleFile's ``url:`` line, ``<link rel=canonical>``, ``og:url``) or, for a mirror made
with ``wget -x``, by its path (``host/path``). :class:`PageCache` keeps every answer under the
output's work folder, written atomically one URL at a time, so a killed hydrate fetches nothing
twice and a rerun sees exactly the answers the first run got.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
MAX_PAGE_BYTES = 20 * 1024 * 1024  # a saved page larger than this is "too large", as a fetched one is
HEAD_BYTES = 256 * 1024  # where a saved page's own URL is looked for


@dataclass(frozen=True)
class Page:
    """A page as its source gave it: the requested URL, the bytes, and what the response said."""

    url: str
    body: bytes
    content_type: str | None = None  # the response's Content-Type; None for a saved file
    final_url: str | None = None  # where redirects led, when they did


@dataclass(frozen=True)
class Missing:
    """No page for ``url``: ``reason`` says why (not found, gone, timeout, refused, not HTML, …)."""

    url: str
    reason: str


Answer = Page | Missing


class PageSource(Protocol):
    def fetch(self, url: str) -> Answer:  # pragma: no cover - a protocol
        ...


def url_key(url: str) -> str:
    """A URL as pages are matched by: host without ``www.`` and port 80/443, path without a trailing
    slash, query kept, scheme and fragment dropped (``http``/``https`` copies of a page are one page)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    host = host.removeprefix("www.")
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


_OWN_URL = [
    re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I),  # browsers' "mark of the web"
    re.compile(rb"<!--\s*Page saved with SingleFile\s*\n\s*url:\s*(\S+)", re.I),
    re.compile(rb"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*\bhref=[\"']([^\"'>\s]+)", re.I),
    re.compile(rb"<link\b[^>]*\bhref=[\"']([^\"'>\s]+)[\"'][^>]*\brel=[\"']?canonical", re.I),
    re.compile(rb"<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*\bcontent=[\"']([^\"'>\s]+)", re.I),
    re.compile(rb"<meta\b[^>]*\bcontent=[\"']([^\"'>\s]+)[\"'][^>]*\bproperty=[\"']og:url", re.I),
]


def own_urls(head: bytes) -> list[str]:
    """The URLs a saved page names itself by, in the order above (HTML entities ``&amp;`` undone)."""
    found = []
    for pattern in _OWN_URL:
        for match in pattern.finditer(head):
            url = match.group(1).decode("utf-8", "replace").replace("&amp;", "&")
            if url.lower().startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return found


def _path_keys(relative: str) -> list[str]:
    """The URL keys a file of a ``wget -x`` mirror stands for (``host/path[.html]``, ``host/dir/index.html``)."""
    keys = [relative.rstrip("/")]
    for suffix in HTML_SUFFIXES:
        if relative.endswith(suffix):
            stem = relative.removesuffix(suffix)
            keys.append(stem.removesuffix("/index"))
    return [url_key(f"http://{key}") for key in keys]


class SavedPages:
    """Pages saved by the user under ``root`` (any depth), found by URL (:func:`url_key`).

    The first file in path order wins when two name the same URL."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[str, Path] | None = None

    def _files(self) -> Iterator[Path]:
        for path in sorted(self.root.rglob("*")):
            name = path.name.lower().removesuffix(".gz")
            if path.is_file() and not path.is_symlink() and name.endswith(HTML_SUFFIXES):
                yield path

    def index(self) -> dict[str, Path]:
        if self._index is None:
            index: dict[str, Path] = {}
            for path in self._files():
                try:
                    with path.open("rb") as handle:
                        head = handle.read(HEAD_BYTES)
                except OSError:
                    continue
                if path.name.lower().endswith(".gz"):
                    head = _gunzip_head(head)
                relative = path.relative_to(self.root).as_posix().removesuffix(".gz")
                for key in [url_key(url) for url in own_urls(head)] + _path_keys(relative):
                    index.setdefault(key, path)
            self._index = index
        return self._index

    def fetch(self, url: str) -> Answer:
        path = self.index().get(url_key(url))
        if path is None:
            return Missing(url, f"no saved page for this URL under {self.root}")
        from masthead.readers.decode import read_bytes

        data = read_bytes(path, path.name, MAX_PAGE_BYTES)
        if not isinstance(data, bytes):
            return Missing(url, f"{path.relative_to(self.root).as_posix()}: {data.message}")
        return Page(url, data)


def _gunzip_head(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data, HEAD_BYTES)
    except zlib.error:
        return b""


class PageCache:
    """Every answer a source gave, one pair of files per URL under ``folder`` (the body, then the JSON
    that describes it, each written aside and renamed: the JSON is the completion mark)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        base = self.folder / key[:2] / key
        return base.with_suffix(".json"), base.with_suffix(".body")

    def get(self, url: str) -> Answer | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("url") != url:
                return None
            if meta.get("missing") is not None:
                return Missing(url, str(meta["missing"]))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None  # a body that is not what was written: fetched again
        return Page(url, body, meta.get("content_type"), meta.get("final_url"))

    def put(self, answer: Answer) -> None:
        meta_path, body_path = self._paths(answer.url)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(answer, Missing):
            meta = {"url": answer.url, "missing": answer.reason}
        else:
            _write_atomic(body_path, answer.body)
            meta = {"url": answer.url, "sha256": hashlib.sha256(answer.body).hexdigest(),
                    "content_type": answer.content_type, "final_url": answer.final_url}
        _write_atomic(meta_path, json.dumps(meta, sort_keys=True).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{id(data)}")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


class CachedSource:
    """``source`` behind ``cache``: a URL answered once is never asked again (in this run or the next)."""

    def __init__(self, source: PageSource, cache: PageCache) -> None:
        self.source, self.cache = source, cache

    def fetch(self, url: str) -> Answer:
        found = self.cache.get(url)
        if found is not None:
            return found
        answer = self.source.fetch(url)
        self.cache.put(answer)
        return answer
