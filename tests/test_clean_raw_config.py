"""The `raw` dataset config: uncleaned text beside the cleaned release, so the cleaning can be checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import yaml

REPO = Path(__file__).resolve().parents[1]


def test_release_with_raw_config_round_trips(make_project: Callable[..., Path], run_cli: Callable) -> None:
    project = make_project(seeds=True)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("include_raw_text = true\n")
    result = run_cli("build", "--json", cwd=project)
    assert result.exit_code == 0, result.output
    release = Path(json.loads(result.stdout)["release"])
    raw_files = sorted((release / "raw").glob("*.parquet"))
    assert [p.name for p in raw_files] == ["train-00000-of-00001.parquet"]
    raw = pq.read_table(raw_files[0])
    assert raw.column_names == ["id", "text"]
    cleaned = pq.read_table(sorted((release / "data").glob("*.parquet"))[0])
    assert raw["id"].to_pylist() == cleaned["id"].to_pylist()
    by_source = dict(zip(cleaned["id"].to_pylist(), cleaned["source"].to_pylist(), strict=True))
    for doc_id, text in zip(raw["id"].to_pylist(), raw["text"].to_pylist(), strict=True):
        assert text == (REPO / "raw" / by_source[doc_id]).read_text(encoding="utf-8")
    assert "Validation message here" in "".join(raw["text"].to_pylist())
    assert "Validation message here" not in "".join(cleaned["text"].to_pylist())

    card = (release / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---")[1])
    configs = {c["config_name"]: c for c in front["configs"]}
    assert configs["raw"]["data_files"] == [{"split": "train", "path": "raw/train-*"}]
    infos = {i["config_name"]: i for i in front["dataset_info"]}
    assert [f["name"] for f in infos["raw"]["features"]] == ["id", "text"]

    import datasets

    loaded = datasets.load_dataset("parquet", data_files=str(release / "raw" / "train-*.parquet"), split="train")
    assert loaded.column_names == ["id", "text"] and len(loaded) == 5
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8")
    assert "raw/train-00000-of-00001.parquet" in sums
