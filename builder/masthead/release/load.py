"""Loading a release back: verify first, then hand it to ``datasets``.

A release is found under ``dist/`` (a version number or a release folder), or as an installed
data package (a wheel from ``masthead package``, see ``datapackage.py``) registered under the
``masthead.corpora`` entry-point group.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from masthead.errors import ConfigError
from masthead.release.layout import HF, resolve_release
from masthead.release.verify import verify_release
from masthead.release.versions import is_version
from masthead.settings import load_settings

if TYPE_CHECKING:
    import datasets

ENTRY_POINT_GROUP = "masthead.corpora"


def installed_corpus(name: str) -> ModuleType | None:
    """The module of an installed data package for corpus ``name``, if there is one."""
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            module = entry.load()
            if not isinstance(module, ModuleType):
                raise ConfigError(f"entry point {name!r} in {ENTRY_POINT_GROUP} does not name a module")
            return module
    return None


def find_release(version: str | None, dist: str | None, corpus: str | None = None) -> Path:
    if version is not None and not is_version(version) and (Path(version) / "manifest.json").is_file():
        return Path(version)
    settings = load_settings(dist=Path(dist) if dist else None)
    name = corpus or settings.name
    return resolve_release(settings.dist, name, version)


def _pick(loaded: datasets.DatasetDict, split: str | None) -> datasets.DatasetDict | datasets.Dataset:
    if split is None:
        return loaded
    if split not in loaded:
        raise ConfigError(f"the release has no split {split!r}; splits: {', '.join(loaded)}")
    return loaded[split]


def load_path(folder: Path, split: str | None = None, verify: bool = True) -> datasets.DatasetDict | datasets.Dataset:
    import datasets

    if verify:
        verify_release(folder)
    return _pick(datasets.load_from_disk(str(folder / HF)), split)


def load_release(
    version: str | None = None,
    split: str | None = None,
    corpus: str | None = None,
    dist: str | None = None,
    verify: bool = True,
) -> datasets.DatasetDict | datasets.Dataset:
    if corpus is None and version is not None and not is_version(version) and not Path(version).exists():
        corpus, version = version, None  # masthead.load("<corpus>")
    if corpus is not None and dist is None:
        module = installed_corpus(corpus)
        if module is not None and (version is None or version == getattr(module, "__version__", None)):
            loaded: datasets.DatasetDict | datasets.Dataset = module.load(split=split, verify=verify)
            return loaded
    return load_path(find_release(version, dist, corpus), split, verify)


def cite_release(version: str | None = None, fmt: str = "bibtex", dist: str | None = None, corpus: str | None = None) -> str:
    from masthead.release.citation_formats import format_citation

    if corpus is not None and dist is None:
        module = installed_corpus(corpus)
        if module is not None and (version is None or version == getattr(module, "__version__", None)):
            return str(module.cite(format=fmt))
    folder = find_release(version, dist, corpus)
    return format_citation(folder, fmt)
