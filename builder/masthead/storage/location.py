"""Telling a URL from a local path, and keeping credentials out of every message.

``s3://bucket/prefix`` (or any fsspec protocol) is a URL; ``file://`` is a local path; anything
else is a local path. Credentials come from the environment the object store's client reads
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_ENDPOINT_URL``, …),
never from the URL: :func:`redact` drops any ``user:password@`` and query string a URL was given
with, and :func:`scrub` removes the environment's secret values from a text before it is shown.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
# environment variables whose values are secrets, whichever client reads them
SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS",
                    "AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING", "AWS_ACCESS_KEY_ID")


def is_url(path: str | os.PathLike[str] | None) -> bool:
    """``path`` names a folder in object storage (a ``scheme://`` other than ``file://``)."""
    if path is None or isinstance(path, Path):
        return False
    match = _SCHEME.match(os.fspath(path))
    return match is not None and match.group(1).lower() != "file"


def local_path(path: str | os.PathLike[str]) -> Path:
    """A local path from a path or a ``file://`` URL."""
    text = os.fspath(path)
    if text.lower().startswith("file://"):
        return Path(unquote(urlsplit(text).path))
    return Path(text)


def redact(url: str) -> str:
    """``url`` without the user, password and query it may carry: what a message may show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def scrub(text: str) -> str:
    """``text`` with every secret value of the environment replaced by ``***``."""
    for name in SECRET_VARIABLES:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text


def last_segment(url: str) -> str:
    """The URL's last path segment (``s3://b/news/raw/`` → ``raw``), or its bucket."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return unquote(segments[-1]) if segments else (parts.hostname or "remote")


def staging_dir(project: Path | None, url: str) -> Path:
    """The local folder that stands in for the remote folder ``url``: under the project's
    ``.masthead/remote/``, or the user's cache for a build with no project; named by a hash of the
    redacted URL (never of a credential)."""
    import hashlib

    digest = hashlib.sha256(redact(url).rstrip("/").encode("utf-8")).hexdigest()[:16]
    if project is not None:
        return project / ".masthead" / "remote" / digest
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "masthead" / "remote"
    return base / digest
