"""Release shards whose documents did not change are copied from the previous release, byte for byte.

Each case builds a first release, edits the inputs, builds again (reusing what it can), and
compares the new release with the same inputs built from scratch in a fresh project.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.test_engine import build, release_bytes
from typer.testing import Result

SETTINGS = 'shard_rows = 8\n'
TWO_SPLITS = 'shard_rows = 6\nsplits = { train = 0.7, test = 0.3 }\n'
# the files that describe the change from the previous release, which a scratch build has none of
ABOUT_THE_CHANGE = ("CHANGELOG.md", "changes.json", "SHA256SUMS")


def _jsonl(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def corpus(docs: int = 40, per_file: int = 10) -> dict[str, str | bytes]:
    """Documents with ids in file order, each with its own text (no duplicates, no repeated lines)."""
    files: dict[str, str | bytes] = {}
    for start in range(0, docs, per_file):
        files[f"part-{start // per_file:02d}.jsonl"] = _jsonl([
            {"id": f"doc-{i:03d}", "title": f"Story {i}", "outlet": "Reuters", "date": f"2018-07-{1 + i % 28:02d}",
             "text": f"Article number {i} reports on topic {i * 7919 % 101}. " + " ".join(
                 f"word{(i * 31 + k * 17) % 997}" for k in range(60))}
            for i in range(start, min(docs, start + per_file))])
    # doc-033 repeats doc-005's text: its duplicate_of is filled in whichever way its shard is written
    files["part-00.jsonl"] = str(files["part-00.jsonl"]).replace("Article number 5 reports", "Repeated story reports")
    files["part-03.jsonl"] = str(files["part-03.jsonl"]).replace(
        json.loads(str(files["part-03.jsonl"]).splitlines()[3])["text"],
        json.loads(str(files["part-00.jsonl"]).splitlines()[5])["text"])
    return files


def project(make_project: Callable[..., Path], files: dict[str, str | bytes], name: str, settings: str) -> Path:
    folder = make_project(files, name=name)
    toml = folder / "pyproject.toml"
    toml.write_text(toml.read_text().replace(f'name = "{name}"', 'name = "reuse"') + settings)
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / "raw" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def assert_same_as_scratch(make_project: Callable[..., Path], run_cli: Callable[..., Result], folder: Path,
                           version: str, settings: str) -> None:
    """The release ``version`` of ``folder`` equals the same inputs built from scratch, file for file."""
    files = {p.relative_to(folder / "raw").as_posix(): p.read_text() for p in sorted((folder / "raw").iterdir())}
    fresh = project(make_project, files, "fresh", settings)
    build(run_cli, fresh, "--no-cache", "--workers", "1", "--version", version)
    prefix = f"reuse/{version}/"
    ours = {k[len(prefix):]: v for k, v in release_bytes(folder).items() if k.startswith(prefix)}
    theirs = {k[len(prefix):]: v for k, v in release_bytes(fresh).items() if k.startswith(prefix)}
    assert any(k.startswith("data/") for k in ours) and any(k.startswith("hf/") for k in ours)
    assert sorted(set(ours) - set(ABOUT_THE_CHANGE)) == sorted(set(theirs) - set(ABOUT_THE_CHANGE))
    different = [k for k in ours if k not in ABOUT_THE_CHANGE and ours[k] != theirs[k]]
    assert different == []

    def sums(data: bytes) -> set[str]:
        return {line for line in data.decode().splitlines() if not line.endswith(ABOUT_THE_CHANGE)}

    assert sums(ours["SHA256SUMS"]) == sums(theirs["SHA256SUMS"])


def released_then_edited(make_project: Callable[..., Path], run_cli: Callable[..., Result], name: str) -> Path:
    """A project released once (1.0.0), then one text of its last shard edited."""
    folder = project(make_project, corpus(), name, SETTINGS)
    build(run_cli, folder, "--workers", "1")
    edit(folder, "part-03.jsonl", "Article number 39 reports", "Article number 39 now reports")
    return folder


def test_unchanged_shards_are_copied_and_the_release_is_the_same_as_from_scratch(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.engine import documents

    monkeypatch.setattr(documents, "BATCH_ROWS", 7)  # batches that cut across shards
    folder = project(make_project, corpus(), "inc", SETTINGS)
    first = build(run_cli, folder, "--workers", "1")
    assert (first["shards"], first["reused_shards"]) == (5, 0)
    assert first["counts"]["duplicates"] == 1  # type: ignore[index]
    edit(folder, "part-03.jsonl", "Article number 39 reports", "Article number 39 now reports")
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert second["version"] == "2.0.0"
    assert (second["shards"], second["reused_shards"]) == (5, 4)  # doc-039 is in the last shard of 8
    assert "4 of 5 shards unchanged, copied from 1.0.0" in str(second["message"])
    # taken as hard links: two releases share the unchanged files
    assert (folder / "dist/reuse/2.0.0/data/train-00000-of-00005.parquet").samefile(
        folder / "dist/reuse/1.0.0/data/train-00000-of-00005.parquet")
    assert (folder / "dist/reuse/2.0.0/hf/train/data-00003-of-00005.arrow").samefile(
        folder / "dist/reuse/1.0.0/hf/train/data-00003-of-00005.arrow")
    assert not (folder / "dist/reuse/2.0.0/data/train-00004-of-00005.parquet").samefile(
        folder / "dist/reuse/1.0.0/data/train-00004-of-00005.parquet")
    manifest = json.loads((folder / "dist/reuse/2.0.0/manifest.json").read_text())
    assert [entry["rows"] for entry in manifest["shards"]["train"]] == [8, 8, 8, 8, 8]
    assert_same_as_scratch(make_project, run_cli, folder, "2.0.0", SETTINGS)
    import pyarrow.parquet as pq

    last = pq.read_table(folder / "dist/reuse/2.0.0/data/train-00004-of-00005.parquet").to_pylist()
    assert [(d["id"], d["duplicate_of"]) for d in last if d["duplicate_of"]] == [("doc-033", "doc-005")]
    # the report counted the copied shards' documents too (read without their text): same as from scratch
    assert second["counts"]["published"] == 40  # type: ignore[index]


def test_the_checksums_read_only_the_parquet_file_written_anew_once(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hf/ Arrow files are hashed as they are written or copied and the reused shards were checked
    against their release: neither croissant.json nor SHA256SUMS reads them again, the one shard
    written anew is read once for both, and every file is still listed correctly."""
    from masthead.release import checksums, croissant

    hashed: list[str] = []

    def counted(path: Path) -> bool:  # the previous release's files are hashed too, to check them before reuse
        return path.suffix in (".parquet", ".arrow") and "1.0.0" not in path.parts

    def recording(paths: list[Path]) -> list[str]:
        hashed.extend(path.name for path in paths if counted(path))
        return [checksums.file_sha256(path) for path in paths]

    def recording_one(path: Path) -> str:
        hashed.extend([path.name] if counted(path) else [])
        return checksums.file_sha256(path)

    folder = released_then_edited(make_project, run_cli, "sums")
    monkeypatch.setattr(checksums, "sha256_of_files", recording)
    monkeypatch.setattr(croissant, "file_sha256", recording_one)
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert second["reused_shards"] == 4
    assert hashed == ["train-00004-of-00005.parquet"]  # the one shard written anew
    assert run_cli("verify", str(folder / "dist/reuse/2.0.0")).exit_code == 0


def test_of_the_previous_release_only_the_files_of_shards_reused_are_hashed(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan checks the files it would copy against their release's digests, and no others: a
    rebuild that copies nothing reads none of the previous release's files."""
    from masthead.release import checksums

    real = checksums.sha256_of_files
    hashed: list[str] = []

    def recording(paths: list[Path]) -> list[str]:
        hashed.extend(path.relative_to(path.parents[1]).as_posix() for path in paths if "1.0.0" in path.parts)
        return real(paths)

    folder = released_then_edited(make_project, run_cli, "sums")
    monkeypatch.setattr(checksums, "sha256_of_files", recording)
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    copied = sorted(f"data/train-{i:05d}-of-00005.parquet" for i in range(4))
    assert second["reused_shards"] == 4 and sorted(p for p in hashed if p.startswith("data/")) == copied
    assert len([p for p in hashed if p.endswith(".arrow")]) == 4  # and their hf/ Arrow files

    hashed.clear()
    other = project(make_project, corpus(), "none", SETTINGS)
    build(run_cli, other, "--workers", "1")
    (other / "raw" / "early.jsonl").write_text(_jsonl([{"id": "doc-000a", "title": "Early", "outlet": "Reuters",
                                                        "text": "A new early story. " + "filler words " * 30}]))
    third = build(run_cli, other, "--workers", "1", "--bump", "auto")
    assert third["reused_shards"] == 0 and hashed == []


def test_a_document_added_first_shifts_every_shard_and_nothing_is_reused(
    make_project: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    folder = project(make_project, corpus(), "inc", SETTINGS)
    build(run_cli, folder, "--workers", "1")
    (folder / "raw" / "early.jsonl").write_text(_jsonl([{"id": "doc-000a", "title": "Early", "outlet": "Reuters",
                                                         "text": "A new early story. " + "filler words " * 30}]))
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert (second["shards"], second["reused_shards"]) == (6, 0)
    assert_same_as_scratch(make_project, run_cli, folder, "1.1.0", SETTINGS)


def test_metadata_change_in_one_shard_and_two_splits(
    make_project: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    folder = project(make_project, corpus(60), "inc", TWO_SPLITS)
    build(run_cli, folder, "--workers", "1")
    edit(folder, "part-05.jsonl", '"title": "Story 55"', '"title": "Story fifty-five"')
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert second["version"] == "1.0.1"
    assert 0 < int(str(second["reused_shards"])) < int(str(second["shards"]))
    assert_same_as_scratch(make_project, run_cli, folder, "1.0.1", TWO_SPLITS)


def test_a_previous_file_changed_after_its_release_is_written_anew(
    make_project: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    folder = project(make_project, corpus(), "inc", SETTINGS)
    build(run_cli, folder, "--workers", "1")
    import pyarrow.parquet as pq

    shard = folder / "dist/reuse/1.0.0/data/train-00001-of-00005.parquet"
    chunk = pq.ParquetFile(shard).metadata.row_group(0).column(pq.read_schema(shard).names.index("text"))
    data = bytearray(shard.read_bytes())  # a byte of the texts (which the diff never reads) changed
    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    data[start + chunk.total_compressed_size // 2] ^= 0xFF  # the middle of the text column's chunk
    shard.write_bytes(bytes(data))
    edit(folder, "part-03.jsonl", "Article number 39 reports", "Article number 39 now reports")
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert second["reused_shards"] == 3
    assert_same_as_scratch(make_project, run_cli, folder, "2.0.0", SETTINGS)


@pytest.mark.parametrize("change", ["--no-cache", "shard_rows", "code"])
def test_nothing_is_reused_without_the_cache_with_other_shards_or_other_code(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.engine import cache

    folder = project(make_project, corpus(), "inc", SETTINGS)
    build(run_cli, folder, "--workers", "1")
    edit(folder, "part-03.jsonl", "Article number 39 reports", "Article number 39 now reports")
    args = ["--no-cache"] if change == "--no-cache" else []
    if change == "code":  # masthead's code changed (its version string need not have)
        monkeypatch.setattr(cache, "code_digest", lambda: "0" * 64)
    if change == "shard_rows":
        toml = folder / "pyproject.toml"
        toml.write_text(toml.read_text().replace("shard_rows = 8", "shard_rows = 10"))
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto", *args)
    assert second["reused_shards"] == 0
    settings = "shard_rows = 10\n" if change == "shard_rows" else SETTINGS
    assert_same_as_scratch(make_project, run_cli, folder, "2.0.0", settings)


def test_where_hard_links_fail_the_files_are_copied(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.release import reuse

    folder = project(make_project, corpus(), "inc", SETTINGS)
    build(run_cli, folder, "--workers", "1")
    edit(folder, "part-03.jsonl", "Article number 39 reports", "Article number 39 now reports")

    def no_links(source: object, target: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(reuse, "hard_link", no_links)
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert second["reused_shards"] == 4
    assert not (folder / "dist/reuse/2.0.0/data/train-00000-of-00005.parquet").samefile(
        folder / "dist/reuse/1.0.0/data/train-00000-of-00005.parquet")
    assert_same_as_scratch(make_project, run_cli, folder, "2.0.0", SETTINGS)


def test_the_numbers_counted_during_the_diff_are_counted_once_when_it_reads_twice(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A previous release out of id order makes the diff read the new documents a second time; the
    report's numbers, counted from those reads, are still those of a release built from scratch."""
    from masthead.release import diff_tables

    folder = released_then_edited(make_project, run_cli, "twice")
    real = diff_tables.release_batches
    reads: list[int] = []

    def reversed_batches(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        reads.append(1)
        return reversed(list(real(*args, **kwargs)))  # type: ignore[arg-type]

    monkeypatch.setattr(diff_tables, "release_batches", reversed_batches)
    second = build(run_cli, folder, "--workers", "1", "--bump", "auto")
    assert len(reads) == 2 and second["version"] == "2.0.0"  # the old side was read again, in memory
    assert second["counts"]["published"] == 40  # type: ignore[index]
    assert_same_as_scratch(make_project, run_cli, folder, "2.0.0", SETTINGS)


def test_the_write_progress_counts_the_copied_documents_too(
    make_project: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    folder = released_then_edited(make_project, run_cli, "progress")
    result = run_cli("build", "--workers", "1", "--bump", "auto", cwd=folder)
    assert result.exit_code == 0, result.output
    assert "4 of 5 shards unchanged" in result.output
    assert "write: 40 docs" in result.output  # 8 written, 32 copied: the stage ends at the release's size
