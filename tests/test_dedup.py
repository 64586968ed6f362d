"""Duplicates: exact by text hash, near by MinHash LSH; canonical = earliest date, then smallest id."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from masthead.clean import clean_record
from masthead.duplicates.detect import duplicate_clusters, mark_duplicates, near_pairs
from masthead.duplicates.minhash import NUM_PERM, shingles, signature

REPO = Path(__file__).resolve().parents[1]
WIRE = Path(__file__).resolve().parent / "cases" / "clean" / "dedup" / "wire"
PINNED = "41318bd2370004c4"  # a signature's hash, pinned: the same on every platform and release


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


def test_signature_is_the_same_in_another_process() -> None:
    import subprocess
    import sys

    text = (WIRE / "ap.txt").read_text(encoding="utf-8") + " Ünïcode wörds, çà et là — and digits 2018."
    code = "import sys; from masthead.duplicates.minhash import signature; sys.stdout.write(signature(sys.stdin.read()).hex())"
    env = {"PYTHONHASHSEED": "123", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
                         env=env, encoding="utf-8").stdout
    assert out == signature(text).hex()
    assert len(signature(text)) == NUM_PERM * 4 and signature("…") == b""
    assert hashlib.sha256(signature("The cat sat on the mat today.")).hexdigest()[:16] == PINNED


def test_words_are_split_as_the_shingle_definition_says() -> None:
    for text in ["The cat, the HAT; the bat sat.", "a_b c", "Ünïcode wörds — çà et là", "x" * 3 + " 42 ", ""]:
        assert signature(text) == signature(" ".join(_words(text))), text
    assert signature("one two three four five six") != signature("one two three four five seven")


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[^\W_]+", text.casefold())


def test_estimated_jaccard_is_unbiased() -> None:
    rng = random.Random(2)
    vocabulary = [f"w{i}" for i in range(100000)]
    estimates = []
    for _ in range(60):
        words = rng.sample(vocabulary, 400)
        edited = words[:]
        for i in rng.sample(range(400), 6):  # 6 substitutions: 30 of 396 shingles differ on each side
            edited[i] = rng.choice(vocabulary)
        a, b = shingles(" ".join(words)), shingles(" ".join(edited))
        truth = len(a & b) / len(a | b)
        sa = np.frombuffer(signature(" ".join(words)), "<u4")
        sb = np.frombuffer(signature(" ".join(edited)), "<u4")
        estimates.append(float(np.mean(sa == sb)) - truth)
    assert abs(float(np.mean(estimates))) < 0.02 and float(np.std(estimates)) < 0.06


def test_a_crowded_bucket_costs_linear_time() -> None:
    text = (WIRE / "ap.txt").read_text(encoding="utf-8")
    docs = [_doc(f"c{i:05d}", text + f" variant {i}") for i in range(3000)]  # all near duplicates
    start = time.perf_counter()
    clusters = duplicate_clusters(docs)
    assert time.perf_counter() - start < 15
    assert [len(c) for c in clusters] == [3000]
