"""Build settings: ``[tool.masthead]`` in the corpus project's pyproject.toml, overridden by the CLI.

A corpus project is a folder whose ``pyproject.toml`` has a ``[tool.masthead]`` table; it
may also hold ``CITATION.cff`` (corpus metadata) and ``schema/`` (overriding the schemas
shipped in the package). Settings are a frozen value so the per-document steps can be
handed them safely in another process.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from masthead.errors import ConfigError, ProjectNotFoundError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
DUPLICATE_POLICIES = ("mark", "drop")
DATE_ORDERS = ("MDY", "DMY", "YMD")
KNOWN_KEYS = {
    "name", "raw", "dist", "splits", "duplicates", "date_order", "language",
    "shard_rows", "shard_bytes", "max_file_bytes", "include_raw_text", "license_name", "license_note", "access", "text",
    "work",
}
# open: anyone may download the release from the Hub; gated: the Hub asks for the terms to be accepted first
ACCESS_LEVELS = ("open", "gated")
TEXT_POLICIES = ("full", "metadata")  # what [tool.masthead] text may be (masthead.schema.release_schema)
DEFAULT_LICENSE_NOTE = (
    "The articles remain the copyright of their publishers. The corpus is shared for "
    "non-commercial research and teaching (text and data mining); do not republish the texts."
)


def about(doc: str, *, choices: tuple[str, ...] = (), shown_default: str | None = None) -> dict[str, Any]:
    """A :class:`Settings` field's metadata: what it means, for users. ``doc`` (and ``choices``, and
    ``shown_default`` where the default is decided elsewhere) are rendered into the settings reference
    of the documentation (:mod:`masthead.docs_reference.settings`)."""
    return {"doc": doc, "choices": choices, "shown_default": shown_default}


@dataclass(frozen=True)
class Settings:
    """Everything that decides what a build produces."""

    name: str = field(metadata=about(
        "Corpus name: lower-case letters, digits, '.', '_' or '-'. It names the release folder (dist/NAME/VERSION) "
        "and the data package.", shown_default="the raw folder's name"))
    raw: Path = field(metadata=about(
        "Folder of raw documents, relative to the project, or an fsspec URL such as s3://bucket/raw.", shown_default="raw"))
    dist: Path = field(metadata=about(
        "Folder that holds the releases, relative to the project, or an fsspec URL such as s3://bucket/dist.",
        shown_default="dist"))
    project_dir: Path | None = field(default=None, metadata=about(
        "The corpus project: the nearest folder at or above the working directory whose pyproject.toml has a "
        "[tool.masthead] table; its schema/ folder and CITATION.cff are used when present."))
    splits: dict[str, float] = field(default_factory=lambda: {"train": 1.0}, metadata=about(
        "Named splits and their shares of the documents (positive, adding up to 1), e.g. { train = 0.9, test = 0.1 }."))
    duplicates: str = field(default="mark", metadata=about(
        "What happens to a duplicate: mark keeps it with duplicate_of set, drop leaves it out of the release.",
        choices=DUPLICATE_POLICIES))
    date_order: str | None = field(default=None, metadata=about(
        "How to read an ambiguous numeric date such as 03/04/2018 (day/month or month/day); unset: such a date is "
        "left unread, never guessed.", choices=DATE_ORDERS))
    language: str | None = field(default=None, metadata=about(
        "BCP-47 language tag for documents whose record gives none; unset: detected per document (und when unsure)."))
    shard_rows: int = field(default=100_000, metadata=about("Documents in one Parquet shard of a release, at most."))
    # a release shard's text, in bytes (masthead.release.shard_size)
    shard_bytes: int | None = field(default=None, metadata=about(
        "Text a release shard holds on average, as bytes or a size such as \"500MB\" or \"2 GiB\"; unset: shards are "
        "cut by shard_rows only."))
    max_file_bytes: int = field(default=200 * 1024 * 1024, metadata=about(
        "Largest input file read, in bytes; a larger file is rejected as too-large."))
    include_raw_text: bool = field(default=False, metadata=about(
        "Also publish each document's text as the reader found it, before cleaning (the raw config of the release)."))
    text: str = field(default="full", metadata=about(
        "full publishes the texts; metadata publishes no text, only what `masthead hydrate` needs to rebuild and "
        "verify them.", choices=TEXT_POLICIES))
    license_name: str = field(default="news-articles-research-use", metadata=about(
        "License name written into the dataset card."))
    license_note: str = field(default=DEFAULT_LICENSE_NOTE, metadata=about(
        "The terms of use written into the dataset card (and shown by the Hub before a gated download)."))
    access: str = field(default="open", metadata=about(
        "open: anyone may download the release from the Hub; gated: the Hub asks for the terms (license_note) to be "
        "accepted first.", choices=ACCESS_LEVELS))
    strict: bool = field(default=False, metadata=about("Fail (exit 1) when any record is rejected."))
    version: str | None = field(default=None, metadata=about(
        "Version of the new release; unset: the version in CITATION.cff, else 1.0.0 for a first release (later "
        "ones need a version or bump)."))
    bump: str | None = field(default=None, metadata=about(
        "The version from the changes since the newest release: auto (the smallest correct one), major, minor or patch."))
    # How to run a build; none of these change its output (not in the manifest).
    workers: int | None = field(default=None, metadata=about(
        "Local processes (or CPUs of a local Ray instance); unset: all cores."))
    engine: str = field(default="local", metadata=about("Where shards run: local (a process pool) or ray."))
    ray_address: str | None = field(default=None, metadata=about(
        "The Ray cluster to join (its head's address); unset: start a local Ray instance."))
    cache: bool = field(default=True, metadata=about("Reuse the results of unchanged shards from .masthead/cache/."))
    release_date: dt.date = field(default_factory=lambda: release_date_from_env(), metadata=about(
        "The release's date: from SOURCE_DATE_EPOCH when it is set (reproducible builds), else today in UTC.",
        shown_default="SOURCE_DATE_EPOCH, else today (UTC)"))
    # raw and dist in object storage (masthead.storage): the URLs; raw and dist are then their local stand-ins
    raw_url: str | None = field(default=None, metadata=about(
        "The raw folder's URL when it is in object storage; raw is then its local stand-in."))
    dist_url: str | None = field(default=None, metadata=about(
        "The releases folder's URL when it is in object storage; dist is then its local stand-in."))
    work: str | None = field(default=None, metadata=about(
        "The shards' work folder in object storage, e.g. s3://bucket/work (raw must be in object storage too): "
        "shard tasks read their inputs from the raw URL and write their outputs there, so no node needs a shared "
        "disk.", shown_default="the local .masthead/"))

    @property
    def schema_dir(self) -> Path | None:
        """The project's own schema/ folder, when it has one."""
        if self.project_dir is not None and (self.project_dir / "schema").is_dir():
            return self.project_dir / "schema"
        return None

    @property
    def citation_path(self) -> Path | None:
        if self.project_dir is not None and (self.project_dir / "CITATION.cff").is_file():
            return self.project_dir / "CITATION.cff"
        return None

    def document_settings(self) -> dict[str, Any]:
        """The settings that change what a single document becomes (cache keys, manifest)."""
        return {"date_order": self.date_order, "language": self.language}

    def as_manifest(self) -> dict[str, Any]:
        """Settings as recorded in a release manifest: no absolute paths, so builds compare."""
        return {
            "name": self.name,
            "splits": dict(self.splits),
            "duplicates": self.duplicates,
            "date_order": self.date_order,
            "language": self.language,
            "shard_rows": self.shard_rows,
            "shard_bytes": self.shard_bytes,
            "include_raw_text": self.include_raw_text,
            "license_name": self.license_name,
            "access": self.access,
            # only a metadata-only release records its policy: a full release's manifest (and input
            # fingerprint) stays what it was before the policy existed
            **({"text": self.text} if self.text != "full" else {}),
        }

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def release_date_from_env() -> dt.date:
    """The release date: SOURCE_DATE_EPOCH when set (reproducible builds), else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise ConfigError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp; unset it or give seconds since 1970"
            ) from exc
    return dt.datetime.now(dt.timezone.utc).date()


def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` whose pyproject.toml has [tool.masthead]."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "masthead" in _read_pyproject(pyproject).get("tool", {}):
            return folder
    return None


def _read_pyproject(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read pyproject.toml: {exc}") from exc


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100] or "corpus"


def load_settings(
    project_dir: Path | None = None,
    raw: Path | str | None = None,
    dist: Path | str | None = None,
    **overrides: Any,
) -> Settings:
    """Settings for a build: the project's [tool.masthead], then these overrides.

    With no project, ``raw`` is required and the corpus is named after its folder. ``raw`` and
    ``dist`` may be fsspec URLs (``s3://bucket/raw``; :mod:`masthead.storage`).
    """
    project = project_dir.resolve() if project_dir is not None else find_project()
    table: dict[str, Any] = {}
    if project is not None:
        table = _read_pyproject(project / "pyproject.toml").get("tool", {}).get("masthead", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{project / 'pyproject.toml'}: [tool.masthead] must be a table")
        unknown = sorted(set(table) - KNOWN_KEYS)
        if unknown:
            raise ConfigError(
                f"{project / 'pyproject.toml'}: unknown [tool.masthead] key(s) {', '.join(unknown)}; "
                f"known keys are {', '.join(sorted(KNOWN_KEYS))}"
            )
    elif raw is None:
        raise ProjectNotFoundError(
            "no corpus project here: no pyproject.toml with a [tool.masthead] table in this folder "
            "or above. Start one with `masthead init DIR`, or build any folder with "
            "`masthead build --raw DIR --dist DIR`"
        )
    base = project if project is not None else Path.cwd()
    raw_dir, raw_url = _folder(project, raw, None) if raw is not None else \
        _folder(project, str(table.get("raw", "raw")), base)
    dist_dir, dist_url = _folder(project, dist, None) if dist is not None else \
        _folder(project, str(table.get("dist", "dist")), base)
    name = str(table.get("name") or slugify(raw_dir.resolve().name))
    settings = Settings(
        name=name,
        raw=raw_dir,
        dist=dist_dir,
        raw_url=raw_url,
        dist_url=dist_url,
        work=str(table["work"]) if "work" in table else None,  # the shards' work folder as a URL (storage)
        project_dir=project,
        splits=_splits(table.get("splits", {"train": 1.0})),
        duplicates=str(table.get("duplicates", "mark")),
        date_order=table.get("date_order"),
        language=table.get("language"),
        shard_rows=int(table.get("shard_rows", 100_000)),
        shard_bytes=parse_size("shard_bytes", table["shard_bytes"]) if "shard_bytes" in table else None,
        max_file_bytes=int(table.get("max_file_bytes", 200 * 1024 * 1024)),
        include_raw_text=bool(table.get("include_raw_text", False)),
        text=str(table.get("text", "full")),
        license_name=str(table.get("license_name", "news-articles-research-use")),
        license_note=str(table.get("license_note", DEFAULT_LICENSE_NOTE)),
        access=str(table.get("access", "open")),
    ).with_overrides(**overrides)
    _check(settings)
    return settings


def _folder(project: Path | None, where: Path | str, base: Path | None) -> tuple[Path, str | None]:
    """A folder setting as (local path, URL): a URL's local path is its stand-in (staging) folder,
    named as the URL's last segment (the corpus is named after the raw folder's name)."""
    from masthead.storage.location import is_url, last_segment, local_path, staging_dir

    if is_url(where):
        url = str(where)
        return staging_dir(project, url) / last_segment(url), url
    path = local_path(where)
    return (base / path if base is not None else path), None


SIZE_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
              "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
_UNIT_BY_UPPER = {unit.upper(): factor for unit, factor in SIZE_UNITS.items()}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")


def parse_size(key: str, value: Any) -> int:
    """A size in bytes from an integer or a string such as ``"500MB"`` or ``"2 GiB"`` (KB, MB, GB are
    powers of 1000 and KiB, MiB, GiB powers of 1024, as in ``datasets``' ``max_shard_size``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        match = _SIZE.match(value) if isinstance(value, str) else None
        unit = match.group(2).upper() if match else ""
        if match is None or (unit and unit not in _UNIT_BY_UPPER):
            raise ConfigError(f"[tool.masthead] {key} = {value!r} is not a size; write a number of bytes or "
                              f"a number and a unit, e.g. {key} = \"500MB\" (units: {', '.join(SIZE_UNITS)})")
        size = int(float(match.group(1)) * _UNIT_BY_UPPER[unit or "B"])
    if size < 1:
        raise ConfigError(f"[tool.masthead] {key} = {value!r} must be at least 1 byte")
    return size


def _splits(value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise ConfigError("[tool.masthead] splits must be a table such as { train = 0.9, test = 0.1 }")
    splits = {str(k): float(v) for k, v in value.items()}
    if abs(sum(splits.values()) - 1.0) > 1e-9 or any(v <= 0 for v in splits.values()):
        raise ConfigError(f"[tool.masthead] splits {splits} must be positive shares that add up to 1")
    for name in splits:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ConfigError(f"[tool.masthead] split name {name!r} must be lower-case letters, digits, _")
    return splits


def _check(settings: Settings) -> None:
    if not NAME_PATTERN.fullmatch(settings.name):
        raise ConfigError(
            f"corpus name {settings.name!r} must be lower-case letters, digits, '.', '_' or '-' "
            "(set name in [tool.masthead])"
        )
    if settings.duplicates not in DUPLICATE_POLICIES:
        raise ConfigError(f"duplicates = {settings.duplicates!r}; choose one of {', '.join(DUPLICATE_POLICIES)}")
    if settings.date_order is not None and settings.date_order not in DATE_ORDERS:
        raise ConfigError(f"date_order = {settings.date_order!r}; choose one of {', '.join(DATE_ORDERS)}")
    if settings.access not in ACCESS_LEVELS:
        raise ConfigError(f"[tool.masthead] access = {settings.access!r}; choose one of {', '.join(ACCESS_LEVELS)}")
    if settings.text not in TEXT_POLICIES:
        raise ConfigError(f"text = {settings.text!r}; choose one of {', '.join(TEXT_POLICIES)} "
                          "(full publishes the texts, metadata only what `masthead hydrate` needs to rebuild them)")
    if settings.text == "metadata" and settings.include_raw_text:
        raise ConfigError("text = \"metadata\" publishes no text, but include_raw_text = true asks for the raw "
                          "texts: set include_raw_text = false, or build with --text full")
    if settings.shard_rows < 1:
        raise ConfigError("shard_rows must be at least 1")
