"""The on-disk fetch cache: a killed run resumes without fetching anything twice.

Layout under the folder (the hydrate output's work folder)::

    entries/<k[:2]>/<k>.json    one per (URL, accepted types, policy fingerprint): the result's metadata
    bodies/<h[:2]>/<h>          page bodies, named by their SHA-256 (content-addressed)

Both are written to a temporary file in the same folder and renamed into place, the body
first, so an entry exists only when its body does, and a run killed at any moment leaves at
most a stray ``.tmp-*`` file (ignored, and cleared by :meth:`FetchCache.clear_temp`). An entry
whose body is missing or does not match its hash is treated as absent. Only final results
(:attr:`FetchResult.final`) are stored: a timeout or a 503 is asked again next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from masthead.fetch.result import FetchResult


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class FetchCache:
    """Results of final fetches, keyed by URL, accepted media types and the policy's fingerprint."""

    def __init__(self, folder: Path, fingerprint: str = "") -> None:
        self.folder = Path(folder)
        self._fingerprint = fingerprint

    def key(self, url: str, accept: tuple[str, ...] | None) -> str:
        material = json.dumps([url, list(accept) if accept is not None else None, self._fingerprint])
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / "entries" / key[:2] / f"{key}.json"

    def _body(self, digest: str) -> Path:
        return self.folder / "bodies" / digest[:2] / digest

    def get(self, url: str, accept: tuple[str, ...] | None) -> FetchResult | None:
        """The stored result for ``url``, marked ``from_cache``; ``None`` if none (or unreadable)."""
        try:
            data = json.loads(self._entry(self.key(url, accept)).read_bytes())
            digest = data.get("sha256")
            content = None
            if digest is not None:
                content = self._body(str(digest)).read_bytes()
                if hashlib.sha256(content).hexdigest() != digest:
                    return None
            return FetchResult.from_metadata(data, content, from_cache=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, result: FetchResult, accept: tuple[str, ...] | None) -> None:
        """Store ``result`` (body first, then the entry that points at it)."""
        data = result.metadata()
        if result.content is not None:
            digest = hashlib.sha256(result.content).hexdigest()
            body = self._body(digest)
            if not body.exists():
                _write_atomic(body, result.content)
            data["sha256"] = digest
        _write_atomic(self._entry(self.key(result.url, accept)), json.dumps(data, sort_keys=True).encode("utf-8"))

    def clear_temp(self) -> int:
        """Remove temporary files a killed run left; returns how many."""
        removed = 0
        for temp in self.folder.glob("*/*/.tmp-*"):
            temp.unlink(missing_ok=True)
            removed += 1
        return removed
