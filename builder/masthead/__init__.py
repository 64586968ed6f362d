"""masthead: turn a folder of raw news documents into citable, versioned dataset releases.

>>> import masthead
>>> ds = masthead.load()          # newest release of the corpus project here, verified
>>> print(masthead.cite())        # BibTeX of that release
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import datasets

__all__ = ["__version__", "cite", "load"]


def load(
    version: str | None = None,
    split: str | None = None,
    *,
    corpus: str | None = None,
    dist: str | None = None,
    verify: bool = True,
) -> datasets.DatasetDict | datasets.Dataset:
    """The newest (or named) release as a ``DatasetDict`` (a ``Dataset`` when ``split`` is given).

    The release's files are checked against its SHA256SUMS first (``verify=False`` skips it).
    """
    from masthead.release.load import load_release

    return load_release(version=version, split=split, corpus=corpus, dist=dist, verify=verify)


def cite(version: str | None = None, format: str = "bibtex", *, dist: str | None = None) -> str:
    """The citation of the newest (or named) release."""
    from masthead.release.load import cite_release

    return cite_release(version=version, fmt=format, dist=dist)


def __getattr__(name: str) -> Any:  # pragma: no cover - helpful error for typos
    raise AttributeError(f"module 'masthead' has no attribute {name!r}")
