"""Duplicates: exact by text hash, near by MinHash LSH; canonical = earliest date, then smallest id."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

from masthead.clean import clean_record
from masthead.dedup import duplicate_clusters, mark_duplicates, near_pairs, shingles

REPO = Path(__file__).resolve().parents[1]
WIRE = Path(__file__).resolve().parent / "cases" / "clean" / "dedup" / "wire"


def _doc(doc_id: str, text: str, date: str | None = None) -> dict:
    return {"id": doc_id, "text": text, "date": date, "duplicate_of": None,
            "content_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _wire_docs() -> list[dict]:
    dates = {"ap": "2018-07-16", "outlet-a": "2018-07-16", "outlet-b": "2018-07-17", "outlet-c": None}
    return [_doc(p.stem, p.read_text(encoding="utf-8"), dates[p.stem]) for p in sorted(WIRE.glob("*.txt"))]


def _seed_docs() -> list[dict]:
    docs = []
    for path in sorted((REPO / "raw").glob("*.txt")):
        docs.append(_doc(path.stem, clean_record({"text": path.read_text(encoding="utf-8")}).text, "2018-01-01"))
    return docs


def test_shingles_are_word_five_grams_without_case_or_punctuation() -> None:
    assert shingles("The cat, the HAT; the bat sat.") == {b"the cat the hat the", b"cat the hat the bat",
                                                         b"the hat the bat sat"}
    assert shingles("Two words") == {b"two words"}
    assert shingles("…") == set()


def test_a_lightly_edited_wire_story_is_one_cluster() -> None:
    docs = _wire_docs()
    clusters = duplicate_clusters(docs)
    assert [[d["id"] for d in c] for c in clusters] == [["ap", "outlet-a", "outlet-b", "outlet-c"]]
    assert mark_duplicates(docs) == 3
    assert {d["id"]: d["duplicate_of"] for d in docs} == {
        "ap": None, "outlet-a": "ap", "outlet-b": "ap", "outlet-c": "ap"}


def test_unrelated_stories_on_the_same_topic_are_not_duplicates() -> None:
    docs = _seed_docs() + _wire_docs()[:1]
    assert near_pairs(docs) == []
    assert mark_duplicates(docs) == 0


def test_canonical_is_earliest_date_then_smallest_id() -> None:
    text = (WIRE / "ap.txt").read_text(encoding="utf-8")
    docs = [_doc("b", text, "2018-07-15"), _doc("a", text, None), _doc("c", text, "2018-07-15")]
    mark_duplicates(docs)
    assert [d["duplicate_of"] for d in docs] == [None, "b", "b"]


def test_exact_duplicates_are_found_without_near_detection() -> None:
    docs = [_doc("x", "Same text here."), _doc("y", "Same text here."), _doc("z", "Other text.")]
    assert mark_duplicates(docs, near=False) == 1
    assert docs[1]["duplicate_of"] == "x"


def test_result_does_not_depend_on_input_order() -> None:
    first = _wire_docs() + _seed_docs()
    second = list(reversed(_wire_docs() + _seed_docs()))
    random.Random(7).shuffle(second)
    mark_duplicates(first)
    mark_duplicates(second)
    assert sorted((d["id"], d["duplicate_of"]) for d in first) == sorted((d["id"], d["duplicate_of"]) for d in second)


def test_near_duplicate_search_is_not_quadratic() -> None:
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(5000)]
    docs = [_doc(f"d{i:05d}", " ".join(rng.choices(vocabulary, k=300))) for i in range(1500)]
    start = time.perf_counter()
    assert near_pairs(docs) == []
    assert time.perf_counter() - start < 15


def test_validate_counts_near_duplicates(make_project: Callable[..., Path], run_cli: Callable) -> None:
    project = make_project({p.name: p.read_text(encoding="utf-8") for p in WIRE.glob("*.txt")}, seeds=True)
    report = json.loads(run_cli("validate", "--json", cwd=project).stdout)
    assert report["counts"]["duplicates"] == 3
    assert report["counts"]["input_records"] == 9
