"""Where hydrate gets a document's page: a :class:`PageSource`.

A source answers a URL with a :class:`Page` (the bytes as served) or a :class:`Missing` (why
there is none). :class:`SavedPages` is the offline source (``--from DIR_OR_WARC``): the user's own
saved pages, each matched to its URL by what the file says of itself (a browser's ``saved from
url=`` mark, SingleFile's ``url:`` line, ``<link rel=canonical>``, ``og:url``) or, for a mirror
made with ``wget -x``, by its path (``host/path``); and the response records of WARC files, by
their ``WARC-Target-URI`` (:mod:`masthead.hydrate.warc_pages`: read as ``masthead build`` reads WARC
input, no extra needed). :class:`WebPages` is the web, through
:class:`masthead.fetch.Fetcher`, whose cache under the output's work folder keeps every page
it got: a killed hydrate fetches nothing twice (a transient miss, a timeout, is asked again).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
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


WARC_SUFFIXES = (".warc", ".warc.gz")
# a saved HTML file, or a WARC file and where a response record is in it (masthead.hydrate.warc_pages.Spot)
Saved = Path | tuple[Path, tuple[int, int]]


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


class SavedPages:
    """Pages saved by the user under ``root`` (any depth: HTML files and WARC files; or ``root`` is one
    WARC file), found by URL (:func:`url_key`). The first in path order wins when two name one URL."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[str, Saved] | None = None

    def _files(self) -> Iterator[Path]:
        if self.root.is_file():
            yield self.root
            return
        for path in sorted(self.root.rglob("*")):
            name = path.name.lower().removesuffix(".gz")
            if path.is_file() and not path.is_symlink() and (name.endswith(HTML_SUFFIXES) or is_warc(path)):
                yield path

    def index(self) -> dict[str, Saved]:
        if self._index is None:
            index: dict[str, Saved] = {}
            for path in self._files():
                if is_warc(path):
                    from masthead.hydrate.warc_pages import warc_responses

                    for url, spot in warc_responses(path):
                        index.setdefault(url_key(url), (path, spot))
                    continue
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
        found = self.index().get(url_key(url))
        if found is None:
            return Missing(url, f"no saved page for this URL in {self.root}")
        if isinstance(found, tuple):
            from masthead.hydrate.warc_pages import warc_page

            return warc_page(url, *found)
        from masthead.readers.decode import read_bytes

        data = read_bytes(found, found.name, MAX_PAGE_BYTES)
        if not isinstance(data, bytes):
            return Missing(url, f"{found.name}: {data.message}")
        return Page(url, data)


def _gunzip_head(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data, HEAD_BYTES)
    except zlib.error:
        return b""


class WebPages:
    """Pages from the web through :class:`masthead.fetch.Fetcher` (polite, safe, cached under the
    work folder: its own :class:`~masthead.fetch.FetchCache`), and, with ``archive``, the web
    archive's capture closest to the document's date for a page the web no longer has."""

    def __init__(self, fetcher: Any, archive: Any | None = None) -> None:
        self.fetcher, self.archive = fetcher, archive

    def fetch(self, url: str) -> Answer:
        return _answer(url, self.fetcher.fetch(url))

    def fetch_archived(self, url: str, when: str | None) -> Answer:
        """The archive's capture of ``url`` nearest ``when`` (a date), or why there is none."""
        if self.archive is None:
            return Missing(url, "no archive asked")
        result, capture = self.archive.fetch(url, when=when)
        answer = _answer(url, result)
        if isinstance(answer, Page) and capture is not None:
            return Page(url, answer.body, answer.content_type, getattr(capture, "url", None) or answer.final_url)
        return answer


def _answer(url: str, result: Any) -> Answer:
    """A :class:`masthead.fetch.FetchResult` as a page or a miss."""
    if not result.ok or result.content is None:
        reason = str(getattr(result.reason, "value", result.reason))
        return Missing(url, f"{reason}: {result.detail}" if result.detail else reason)
    final = result.final_url if result.final_url and result.final_url != url else None
    return Page(url, result.content, result.content_type, final)


@contextmanager
def page_source(saved: Path | None, cache_dir: Path, *, allow_private: bool = False, archive: bool = False,
                robots: bool = True, archive_endpoint: str | None = None, delay: float | None = None,
                per_host: int | None = None) -> Iterator[tuple[PageSource, str]]:
    """The source hydrate reads (the user's saved pages, else the web) and how the report names it.
    ``delay`` and ``per_host``: the fetcher's gap between two requests to a host, and requests to a
    host at once (default: :class:`masthead.fetch.FetchPolicy`'s)."""
    if saved is not None:
        if not (saved.is_dir() or (saved.is_file() and is_warc(saved))):
            from masthead.errors import InputError

            raise InputError(f"--from {saved}: not a folder of saved pages (.html, .htm, optionally .gz; "
                             ".warc, .warc.gz) nor a WARC file")
        yield SavedPages(saved), f"saved pages ({saved.name})"
        return
    from masthead.fetch import Fetcher, FetchPolicy, WaybackArchive

    limits: dict[str, Any] = {}
    if delay is not None:
        limits["per_host_interval"] = delay
    if per_host is not None:
        limits["per_host"] = per_host
    with Fetcher(FetchPolicy(allow_private=allow_private, robots=robots, **limits), cache_dir=cache_dir) as fetcher:
        wayback = None
        if archive:
            wayback = WaybackArchive(fetcher, archive_endpoint) if archive_endpoint else WaybackArchive(fetcher)
        yield WebPages(fetcher, wayback), "web" + (" and web archive" if archive else "")
