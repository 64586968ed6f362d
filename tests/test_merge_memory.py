"""The merge's compact forms give the same answers as the plain ones they replace."""

from __future__ import annotations

import io
import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from masthead.duplicates.detect import NEIGHBOURS, candidate_pairs
from masthead.engine.evidence import corpus_evidence
from masthead.engine.position_map import PositionMap
from masthead.release.changelog import _dump
from masthead.release.diff import DocumentDiff, FieldChange, IdList


def _plain_candidate_pairs(keys: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Every band's pairs concatenated, then made unique (what candidate_pairs did before)."""
    found = []
    for band in range(keys.shape[1] if len(keys) else 0):
        order = np.argsort(keys[:, band], kind="stable")
        column, members = keys[order, band], index[order]
        new = np.concatenate([[True], column[1:] != column[:-1]])
        shared = ~new | np.concatenate([~new[1:], [False]])
        column, members, new = column[shared], members[shared], new[shared]
        first = members[np.maximum.accumulate(np.where(new, np.arange(len(new)), 0))]
        found.append(np.stack([first[~new], members[~new]], axis=1))
        for step in range(1, NEIGHBOURS + 1):
            same = column[step:] == column[:-step]
            found.append(np.stack([members[:-step][same], members[step:][same]], axis=1))
    pairs = np.sort(np.concatenate(found).astype(np.int64), axis=1) if found else np.zeros((0, 2), np.int64)
    return np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)


def test_band_by_band_candidates_are_the_plain_ones() -> None:
    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(0, 300))
        keys = rng.integers(0, int(rng.integers(1, 40)), size=(n, 16)).astype(np.uint64)
        index = np.sort(rng.choice(5 * n + 1, size=n, replace=False)).astype(np.int64)
        assert np.array_equal(candidate_pairs(keys, index), _plain_candidate_pairs(keys, index).reshape(-1, 2))


def _evidence(tmp_path: Path, shas: list[str | None], dates: list[str | None]) -> dict[int, int]:
    """corpus_evidence over one shard file holding ``shas`` (no signatures): position -> head."""
    from masthead.engine.evidence_columns import hash_prefixes

    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"content_sha256": pa.array(shas, pa.string()),
                             "_sha64": hash_prefixes(pa.array(shas, pa.string())),
                             "_minhash": pa.array([b""] * len(shas), pa.binary()),
                             "_bands": pa.array([b""] * len(shas), pa.binary())}), path, row_group_size=3)
    accepted = pa.table({"_shard": np.zeros(len(shas), np.int32), "_row": np.arange(len(shas), dtype=np.int32),
                         "date": pa.array(dates, pa.string()).dictionary_encode()})
    found = corpus_evidence([path], accepted, spill_dir=tmp_path)
    return dict(zip(found.members.tolist(), found.heads.tolist(), strict=True))


def test_exact_duplicates_compare_whole_hashes_not_their_prefixes(tmp_path: Path) -> None:
    a, b = "0123456789abcdef" + "0" * 48, "0123456789abcdef" + "1" * 48  # same 64-bit prefix
    shas = [a, b, a, None, None, "short", "short", "shorT", "0123456789ABCDEF" + "0" * 48, b]
    dates = ["2018-01-02", None, "2018-01-01", None, None, None, None, None, None, "2017-05-05"]
    assert _evidence(tmp_path, shas, dates) == {0: 2, 1: 9, 6: 5}


def test_position_map_reads_like_the_dict_it_replaces() -> None:
    plain = {3: "a", 7: "b", 8: "c"}
    compact = PositionMap(np.array(sorted(plain)), pa.array([plain[k] for k in sorted(plain)]))
    assert dict(compact) == plain and len(compact) == 3 and 7 in compact and 4 not in compact
    assert [compact.get(i) for i in range(10)] == [plain.get(i) for i in range(10)]
    assert not PositionMap(np.zeros(0, np.int64), pa.array([], pa.string()))


def test_position_map_slices_are_the_lookups_of_each_position() -> None:
    rng = random.Random(3)
    for _ in range(300):
        positions = sorted(rng.sample(range(200), rng.randint(0, 50)))
        plain = {p: f"id{rng.randint(0, 9)}" for p in positions}
        compact = PositionMap(np.array(positions, dtype=np.int64), pa.array([plain[p] for p in positions]))
        start, stop = sorted((rng.randint(0, 210), rng.randint(0, 210)))
        sliced = compact.values_between(start, stop)
        expected = [plain.get(i) for i in range(start, stop)]
        assert (sliced.to_pylist() if sliced is not None else [None] * (stop - start)) == expected
        assert (sliced is None) == all(v is None for v in expected)


def test_changes_json_streams_the_same_bytes_as_json_dump() -> None:
    rng = random.Random(5)

    def some_id() -> str:
        return "".join(rng.choice('ab\u00e9\u4e2d"\\\n/ 0') for _ in range(rng.randint(1, 9)))

    for _ in range(100):
        diff = DocumentDiff(previous=rng.choice([None, "1.0.0"]), current="1.1.0", documents=rng.randint(0, 9))
        for _ in range(rng.randint(0, 3)):
            diff.added.extend(pa.array([some_id() for _ in range(rng.randint(0, 4))]))
        diff.removed.extend([some_id() for _ in range(rng.randint(0, 3))])
        diff.text_changed = [some_id() for _ in range(rng.randint(0, 2))]
        diff.metadata_changed = {some_id(): [FieldChange("title", some_id(), {"a": [1, 2.5, None]})]
                                 for _ in range(rng.randint(0, 2))}
        head = {"version": "1.1.0", "released": "2026-01-01"}
        plain, streamed = io.StringIO(), io.StringIO()
        json.dump({**head, **diff.as_dict()}, plain, indent=2, ensure_ascii=False)
        _dump({**head, **diff.as_dict(id_lists=False)}, streamed)
        assert streamed.getvalue() == plain.getvalue()
        assert diff.added == list(diff.added) == [diff.added[i] for i in range(len(diff.added))]
    assert IdList(["x", "y"])[-1] == "y" and IdList(["x", "y", "z"])[1:] == ["y", "z"]


def test_a_first_release_lists_every_id_without_holding_them() -> None:
    from masthead.release.diff_tables import diff_tables

    batches = [pa.table({"id": [f"d{i:04d}" for i in range(start, start + 7)]}) for start in range(0, 70, 7)]
    reads = []

    def new() -> Any:
        reads.append(1)
        return iter(batches)

    diff = diff_tables(None, new)
    ids = [f"d{i:04d}" for i in range(70)]
    assert (diff.documents, len(diff.added), diff.added._chunks, len(reads)) == (70, 70, [], 1)
    assert diff.added == ids and diff.added[0] == "d0000" and diff.added[-1] == "d0069"
    assert diff.added[3:12] == ids[3:12] and diff.added[::9] == ids[::9]
    plain, streamed = io.StringIO(), io.StringIO()
    json.dump(diff.as_dict(), plain, indent=2, ensure_ascii=False)
    _dump(diff.as_dict(id_lists=False), streamed)
    assert streamed.getvalue() == plain.getvalue() and len(reads) > 1
    with pytest.raises(TypeError):
        diff.added.extend(["d9999"])
    batches.pop()  # the source no longer gives what was counted: an error, never a short list
    with pytest.raises(RuntimeError, match="63, not 70"):
        list(diff.added)


def test_the_workers_evidence_columns_are_what_the_merge_would_compute_from_the_texts() -> None:
    import hashlib

    from masthead.clean.repeated_lines import distinct_hashes, packed_hashes
    from masthead.duplicates.detect import band_keys
    from masthead.duplicates.minhash import signature
    from masthead.engine.evidence_columns import band_column, hash_prefixes

    rng = random.Random(11)
    words = ["summit", "Helsinki", "press", "the", "Putin", "Trump", "talks", "a", "of", "sanctions"]
    texts = ["", "one", *(" ".join(rng.choice(words) for _ in range(rng.randint(2, 80))) for _ in range(40))]
    texts += ["\n\n".join([texts[5], texts[6], texts[5], "x"])]  # a paragraph twice, one too short to count
    signatures = [signature(text) for text in texts]
    for sig, packed in zip(signatures, band_column(signatures).to_pylist(), strict=True):
        expected = band_keys(np.frombuffer(sig, dtype="<u4").reshape(1, -1)).astype("<u8").tobytes() if sig else b""
        assert packed == expected
    shas = [hashlib.sha256(t.encode()).hexdigest() for t in texts] + [None]
    assert hash_prefixes(pa.array(shas, pa.string())).to_pylist() == [int(s[:16], 16) if s else None for s in shas]
    for text in texts:
        values = np.frombuffer(packed_hashes(text), dtype="<u8")
        assert np.frombuffer(distinct_hashes(packed_hashes(text)), dtype="<u8").tolist() == sorted(
            set(values.tolist()) - {0})


def test_a_build_uses_an_allocator_that_hands_freed_memory_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from masthead.engine.memory import use_returning_allocator

    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")  # the user's choice is kept
    before = pa.default_memory_pool().backend_name
    assert use_returning_allocator() == before
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow has no jemalloc")
    assert use_returning_allocator() == "jemalloc" == pa.default_memory_pool().backend_name


def _resident_anon_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no RssAnon in /proc/self/status")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads resident memory from /proc")
def test_the_allocator_hands_back_what_threads_built_and_freed() -> None:
    """As in the write pass: arrays concatenated from parts on threads, then freed. With jemalloc's
    default one-second delay most of those pages stayed resident after the free (in a larger run
    of this, 344-357 MB of 636-659 MB; 10 MB with no delay), and the next batches came on top."""
    import pyarrow.compute as pc

    from masthead.engine.memory import use_returning_allocator

    if use_returning_allocator() != "jemalloc":
        pytest.skip("this pyarrow has no jemalloc")
    base = pa.array(np.arange(50_000))

    def concatenated(parts: int) -> pa.Array:
        return pa.concat_arrays([pc.add(base, i) for i in range(parts)])  # ~400 KB a part

    before = _resident_anon_mb()
    with ThreadPoolExecutor(2) as pool:
        arrays = list(pool.map(concatenated, range(10, 40)))
    held = _resident_anon_mb() - before
    assert held > 100
    del arrays
    assert _resident_anon_mb() - before < held / 4
