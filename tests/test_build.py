"""`masthead build` end to end: the release layout, its contents, and loading it back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml

import masthead
from masthead.release.checksums import read_checksums, release_files
from masthead.schema import arrow_schema, document_schema, features


@pytest.fixture
def seed_release(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> Path:
    project = make_project(seeds=True)
    result = run_cli("build", cwd=project)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return project / "dist" / "test-corpus" / "1.0.0"


def test_release_has_every_artifact(seed_release: Path) -> None:
    names = set(release_files(seed_release))
    for required in ("README.md", "CITATION.cff", "manifest.json", "rejects.jsonl",
                     "data/train-00000-of-00001.parquet", "hf/dataset_dict.json"):
        assert required in names
    assert (seed_release / "SHA256SUMS").is_file()
    assert set(read_checksums(seed_release)) == names


def test_manifest_counts_add_up_and_list_every_input(seed_release: Path) -> None:
    manifest = json.loads((seed_release / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["input_records"] == 5
    assert counts["published"] + counts["rejected"] + counts["duplicates_dropped"] == counts["input_records"]
    assert [i["path"] for i in manifest["inputs"]] == sorted(i["path"] for i in manifest["inputs"])
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["schemas"]["document"] == document_schema()["$id"]
    assert manifest["masthead_version"] == masthead.__version__
    # provenance per field: every published document counted once per field, by origin
    for name in document_schema()["properties"]["provenance"]["properties"]:
        assert sum(manifest["provenance"][name].values()) == counts["published"], name
    assert manifest["provenance"]["language"] == {"detected": 5}


def test_parquet_rows_are_sorted_by_id_and_match_the_schema(seed_release: Path) -> None:
    table = pq.read_table(seed_release / "data" / "train-00000-of-00001.parquet")
    assert table.schema.remove_metadata() == arrow_schema(document_schema())
    ids = table.column("id").to_pylist()
    assert ids == sorted(ids) and len(ids) == 5
    assert pq.ParquetFile(seed_release / "data" / "train-00000-of-00001.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_three_ways_of_loading_give_the_same_rows_and_features(seed_release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(seed_release.parents[2])
    via_masthead = masthead.load()
    via_parquet = datasets.load_dataset(
        "parquet", data_files={"train": str(seed_release / "data" / "train-*.parquet")},
        cache_dir=str(seed_release.parents[3] / "hf-cache"),
    )
    via_disk = datasets.load_from_disk(str(seed_release / "hf"))
    assert isinstance(via_masthead, datasets.DatasetDict)
    assert via_masthead["train"].num_rows == 5
    expected = features(document_schema())
    for loaded in (via_masthead, via_parquet, via_disk):
        assert loaded["train"].features == expected
    assert via_parquet["train"].to_list() == via_disk["train"].to_list() == via_masthead["train"].to_list()
    one = masthead.load("1.0.0", split="train")
    assert isinstance(one, datasets.Dataset) and one.num_rows == 5


def test_card_front_matter_points_at_the_parquet_files(seed_release: Path) -> None:
    text = (seed_release / "README.md").read_text()
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["license"] == "other" and meta["license_name"]
    assert meta["configs"][0]["data_files"][0] == {"split": "train", "path": "data/train-*"}
    assert meta["dataset_info"]["splits"][0]["num_examples"] == 5
    names = [f["name"] for f in meta["dataset_info"]["features"]]
    assert names == list(document_schema()["properties"])
    assert meta["size_categories"] == ["n<1K"]
    assert "```bibtex" in text and "1.0.0" in text


def test_release_citation_names_the_version_and_date(seed_release: Path) -> None:
    cff = yaml.safe_load((seed_release / "CITATION.cff").read_text())
    assert cff["type"] == "dataset"
    assert cff["version"] == "1.0.0"
    assert cff["date-released"] == "2026-01-01"
    assert "license" not in cff  # news articles are not under an open licence


def test_building_unchanged_inputs_again_is_a_no_op(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project({"a.txt": "Some text."})
    first = run_cli("build", "--json", cwd=project)
    again = run_cli("build", "--json", cwd=project)
    assert json.loads(first.stdout)["status"] == "built"  # type: ignore[attr-defined]
    report = json.loads(again.stdout)  # type: ignore[attr-defined]
    assert report["status"] == "up-to-date" and report["version"] == "1.0.0"
    assert [p.name for p in (project / "dist" / "test-corpus").iterdir() if not p.name.startswith(".")] == ["1.0.0"]


def test_changed_inputs_need_a_new_version(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project({"a.txt": "Some text."})
    run_cli("build", cwd=project)
    (project / "raw" / "b.txt").write_text("Another document.")
    refused = run_cli("build", cwd=project)
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert "Error:" in refused.stderr and "--version" in refused.stderr  # type: ignore[attr-defined]
    built = run_cli("build", "--version", "1.1.0", "--json", cwd=project)
    assert json.loads(built.stdout)["counts"]["published"] == 2  # type: ignore[attr-defined]
    again = run_cli("build", "--version", "1.1.0", cwd=project)
    assert again.exit_code == 2 and "never overwritten" in again.stderr  # type: ignore[attr-defined]


def test_one_good_and_one_bad_record(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project({"docs.jsonl": '{"id": "good", "text": "A fine article."}\n{"id": "bad", "text": 42}\n'})
    result = run_cli("build", "--json", cwd=project)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert report["counts"]["published"] == 1 and report["counts"]["rejected"] == 1
    reject = report["rejects"][0]
    assert (reject["source"], reject["record"], reject["field"]) == ("docs.jsonl", 2, "/text")
    release = Path(report["release"])
    lines = (release / "rejects.jsonl").read_text().splitlines()
    assert [json.loads(line)["record"] for line in lines] == [2]


def test_strict_fails_on_any_reject_and_writes_nothing(make_project: Callable[..., Path], run_cli: Callable[..., object]) -> None:
    project = make_project({"docs.jsonl": '{"id": "good", "text": "A fine article."}\n{"id": "bad", "text": 42}\n'})
    result = run_cli("build", "--strict", cwd=project)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "docs.jsonl:2" in result.stderr  # type: ignore[attr-defined]
    assert not (project / "dist" / "test-corpus" / "1.0.0").exists()


def test_strict_fails_when_the_up_to_date_release_has_rejects(
    make_project: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    project = make_project({"docs.jsonl": '{"id": "good", "text": "A fine article."}\n{"id": "bad", "text": 42}\n'})
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    result = run_cli("build", "--strict", cwd=project)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "up to date" in result.stderr and "docs.jsonl:2 /text" in result.stderr  # type: ignore[attr-defined]
    assert "1 record(s)" in result.stderr  # type: ignore[attr-defined]
    clean = make_project({"docs.jsonl": '{"id": "good", "text": "A fine article."}\n'}, name="clean")
    assert run_cli("build", cwd=clean).exit_code == 0  # type: ignore[attr-defined]
    assert run_cli("build", "--strict", cwd=clean).exit_code == 0  # type: ignore[attr-defined]


def test_a_change_to_the_projects_outlet_registry_alone_is_not_up_to_date(
    make_project: Callable[..., Path], run_cli: Callable[..., object]
) -> None:
    record = {"id": "hg-1", "outlet": "The Gazette (Harbour Town)", "text": "The harbour master retired after thirty years.",
              "date": "2024-04-03"}
    project = make_project({"docs.jsonl": json.dumps(record) + "\n"})
    registry_file = project / "schema" / "outlets.json"
    registry_file.parent.mkdir()
    registry_file.write_bytes((Path(masthead.__file__).parent / "schemas" / "outlets.json").read_bytes())
    assert run_cli("build", cwd=project).exit_code == 0  # type: ignore[attr-defined]
    again = run_cli("build", "--bump", "auto", cwd=project)
    assert "up to date" in again.stderr + again.stdout  # type: ignore[attr-defined]

    registry = json.loads(registry_file.read_text(encoding="utf-8"))
    registry["outlets"].append({"name": "Harbour Gazette", "aliases": ["The Gazette (Harbour Town)"],
                                "domains": ["harbourgazette.example"], "country": "GB", "language": "en",
                                "kind": "newspaper"})
    registry_file.write_text(json.dumps(registry, ensure_ascii=False, indent=2), encoding="utf-8")
    result = run_cli("build", "--bump", "auto", cwd=project)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = pq.read_table(project / "dist" / "test-corpus" / "1.0.1" / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert [(row["outlet"], row["outlet_registered"]) for row in rows] == [("Harbour Gazette", True)]
