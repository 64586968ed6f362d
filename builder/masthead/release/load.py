"""Loading a release back: verify first, then hand it to ``datasets``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from masthead.errors import ConfigError
from masthead.release.checksums import verify_checksums
from masthead.release.layout import HF, resolve_release
from masthead.settings import load_settings

if TYPE_CHECKING:
    import datasets


def find_release(version: str | None, dist: str | None, corpus: str | None = None) -> Path:
    settings = load_settings(dist=Path(dist) if dist else None)
    name = corpus or settings.name
    return resolve_release(settings.dist, name, version)


def load_path(folder: Path, split: str | None = None, verify: bool = True) -> datasets.DatasetDict | datasets.Dataset:
    import datasets

    if verify:
        verify_checksums(folder)
    loaded = datasets.load_from_disk(str(folder / HF))
    if split is None:
        return loaded
    if split not in loaded:
        raise ConfigError(f"the release has no split {split!r}; splits: {', '.join(loaded)}")
    return loaded[split]


def load_release(
    version: str | None = None,
    split: str | None = None,
    corpus: str | None = None,
    dist: str | None = None,
    verify: bool = True,
) -> datasets.DatasetDict | datasets.Dataset:
    return load_path(find_release(version, dist, corpus), split, verify)


def cite_release(version: str | None = None, fmt: str = "bibtex", dist: str | None = None) -> str:
    from masthead.release.citation_formats import format_citation

    folder = find_release(version, dist)
    return format_citation(folder, fmt)
