"""The ``save_to_disk`` form of a release, built from the same Arrow tables as the Parquet files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import datasets


def to_dataset_dict(tables: dict[str, pa.Table], features: datasets.Features) -> datasets.DatasetDict:
    import datasets
    from datasets.table import InMemoryTable

    parts = {}
    for split, table in tables.items():
        # A fingerprint from the content (not a random one) keeps state.json byte-stable.
        digest = hashlib.sha256()
        for batch in table.to_batches():
            for column in batch.columns:
                for buffer in column.buffers():
                    if buffer is not None:
                        digest.update(buffer)
        parts[split] = datasets.Dataset(
            InMemoryTable(table.cast(features.arrow_schema)),
            info=datasets.DatasetInfo(features=features),
            split=datasets.NamedSplit(split),
            fingerprint=digest.hexdigest()[:16],
        )
    return datasets.DatasetDict(parts)


def write_hf(tables: dict[str, pa.Table], features: datasets.Features, folder: Path) -> None:
    import datasets

    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        to_dataset_dict(tables, features).save_to_disk(str(folder))
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
