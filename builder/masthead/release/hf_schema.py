"""What ``datasets`` makes of a document schema, derived by ``datasets`` and kept, so a build need
not import it.

The ``hf/`` form of a release is Arrow IPC streams written with ``datasets``' schema (the Arrow
types of its ``Features`` and, in the metadata, the features as ``datasets`` records them), in
record batches of ``datasets``' writer size, beside a ``dataset_info.json``; the card carries the
features as ``dataset_info``. All of it is a function of the JSON Schema and the versions of
``datasets`` and pyarrow, and importing ``datasets`` costs ~0.5 s of the main process (pandas,
``huggingface_hub``, …): a tenth of a rebuild after a small change. So ``datasets`` derives it
(:func:`derive`) once per schema and versions, and a build reads it back from the state folder
(:func:`hf_schema`); the files are then written with pyarrow alone (:mod:`masthead.release.hf`),
byte for byte what ``datasets``' ``ArrowWriter`` writes (``tests/test_hf_schema.py``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from masthead.settings import Settings

PREFIX = "hf-schema-"


@dataclass(frozen=True)
class HfSchema:
    arrow: pa.Schema  # what the hf/ Arrow files are written with, metadata included
    dataset_info: dict[str, Any]  # dataset_info.json, keys sorted
    card_features: list[dict[str, Any]]  # the card's dataset_info.features
    batch_rows: int  # rows per record batch, as datasets' ArrowWriter cuts a table


def kept_in(settings: Settings) -> Path:
    """Where a project keeps what ``datasets`` derived of its schemas, between builds."""
    from masthead.engine import state_dir

    return state_dir(settings) / "hf-schema"


def needs_datasets(settings: Settings) -> bool:
    """Whether a release of this project would import ``datasets``: some schema it writes with
    (the documents', and the raw texts' when they are published) not derived and kept yet."""
    from masthead.schema import document_schema, load_schema

    schemas = [document_schema(settings.schema_dir)]
    if settings.include_raw_text:
        schemas.append(load_schema("raw-text.schema.json", settings.schema_dir))
    return not all(cached_path(schema, kept_in(settings)).is_file() for schema in schemas)


def derive(doc_schema: dict[str, Any]) -> HfSchema:
    """Ask ``datasets`` (imported here) what it makes of ``doc_schema``."""
    import datasets
    from datasets.arrow_writer import ArrowWriter

    from masthead.schema import dataset_info_features, features

    feats = features(doc_schema)
    info = datasets.DatasetInfo(features=feats)
    as_dict = asdict(info)
    writer = ArrowWriter(features=feats, stream=pa.BufferOutputStream())
    return HfSchema(
        arrow=pa.schema(feats.type).with_metadata(ArrowWriter._build_metadata(info)),
        dataset_info={key: as_dict[key] for key in sorted(as_dict)},
        card_features=dataset_info_features(doc_schema),
        batch_rows=int(writer.writer_batch_size),
    )


def cache_key(doc_schema: dict[str, Any]) -> str:
    """The schema and the versions of what derives and writes it (masthead's code included)."""
    try:
        datasets_version = metadata.version("datasets")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of masthead
        datasets_version = None
    from masthead.engine import code_digest

    parts = [doc_schema, datasets_version, pa.__version__, code_digest()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:24]


def cached_path(doc_schema: dict[str, Any], cache_dir: Path) -> Path:
    return cache_dir / f"{PREFIX}{cache_key(doc_schema)}.json"


def hf_schema(doc_schema: dict[str, Any], cache_dir: Path | None = None) -> HfSchema:
    """:func:`derive`'s answer, read from ``cache_dir`` when an earlier build kept it (a file that
    cannot be read is derived again and replaced)."""
    if cache_dir is None:
        return derive(doc_schema)
    path = cached_path(doc_schema, cache_dir)
    try:
        return _load(path)
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        pass
    found = derive(doc_schema)
    _save(path, found)
    return found


def _load(path: Path) -> HfSchema:
    data = json.loads(path.read_text(encoding="utf-8"))
    arrow = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(data["arrow"], validate=True)))
    return HfSchema(arrow, dict(data["dataset_info"]), list(data["card_features"]), int(data["batch_rows"]))


def _save(path: Path, found: HfSchema) -> None:
    data = {
        "arrow": base64.b64encode(found.arrow.serialize().to_pybytes()).decode("ascii"),
        "dataset_info": found.dataset_info,
        "card_features": found.card_features,
        "batch_rows": found.batch_rows,
    }
    temp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:  # kept for the next build only: not worth failing this one
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
