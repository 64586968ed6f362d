"""`masthead stats`: the numbers of a release, checked against an independent recount of its Parquet."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from masthead.insight import corpus_stats
from masthead.schema import document_schema
from synthetic_release import make_document, make_release, write_release

# every field that records provenance, as the document schema declares them (contributors, agencies, …)
FIELDS = tuple(document_schema()["properties"]["provenance"]["properties"])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_release(tmp_path_factory.mktemp("synthetic") / "1.0.0", 10_000)


def _rows(folder: Path) -> list[dict[str, Any]]:
    files = sorted((folder / "data").glob("*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files]).to_pylist()


def _nearest_rank(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ranked(counts: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def _filled(doc: dict[str, Any], name: str) -> bool:
    value = doc[name]
    return bool(value) and value != "und"


def test_stats_agree_with_a_recount_of_the_parquet(synthetic: Path) -> None:
    stats = corpus_stats(synthetic)
    rows = _rows(synthetic)
    n = len(rows)
    assert stats["documents"] == n == 10_000
    assert stats["splits"] == {"test": 1_000, "train": 9_000}

    outlets = Counter(d["outlet"] for d in rows)
    known = _ranked(Counter({k: v for k, v in outlets.items() if k is not None}))
    assert stats["outlets"]["top"] == [{"outlet": k, "documents": v} for k, v in known[:15]]
    assert stats["outlets"]["other"] == {"values": len(known) - 15, "documents": sum(v for _, v in known[15:])}
    assert stats["outlets"]["unknown"] == outlets[None] > 0
    assert stats["outlets"]["distinct"] == 40
    assert stats["outlets"]["registered"] == sum(d["outlet_registered"] for d in rows)

    monthly = Counter(d["date"][:7] for d in rows if d["date"] and d["date_precision"] != "year")
    assert stats["dates"]["by_month"] == [{"month": m, "documents": monthly[m]} for m in sorted(monthly)]
    assert stats["dates"]["undated"] == sum(d["date"] is None for d in rows) > 0
    assert stats["dates"]["year_only"] == sum(d["date_precision"] == "year" for d in rows) > 0
    assert sum(r["documents"] for r in stats["dates"]["by_month"]) + stats["dates"]["undated"] + \
        stats["dates"]["year_only"] == n

    for unit, length in (("characters", len), ("words", lambda t: len(t.split()))):
        values = [length(d["text"]) for d in rows]
        block = stats["lengths"][unit]
        assert (block["min"], block["max"], block["documents"]) == (min(values), max(values), n)
        assert block["median"] == _nearest_rank(values, 0.5)
        assert block["p10"] == _nearest_rank(values, 0.1)
        assert block["p90"] == _nearest_rank(values, 0.9)
        assert block["mean"] == round(sum(values) / n, 1)
        assert sum(b["documents"] for b in block["bins"]) == n
        for b in block["bins"]:
            assert b["documents"] == sum(b["from"] <= v < b["to"] for v in values)

    for name in FIELDS:
        filled = sum(_filled(d, name) for d in rows)
        cover = stats["coverage"][name]
        assert cover["filled"] == filled
        assert cover["share"] == round(filled / n, 4)
        origins = Counter(d["provenance"][name] or "none" for d in rows)
        assert cover["provenance"] == dict(_ranked(origins))

    languages = _ranked(Counter(d["language"] for d in rows))
    assert stats["languages"]["top"] == [{"language": k, "documents": v} for k, v in languages[:10]]

    codes = Counter(json.loads(line)["code"] for line in (synthetic / "rejects.jsonl").read_text().splitlines())
    assert stats["rejects"] == {"total": sum(codes.values()), "by_reason": dict(_ranked(codes))}
    assert stats["rejects"]["total"] == stats["counts"]["rejected"] == 137

    pointers = Counter(d["duplicate_of"] for d in rows if d["duplicate_of"])
    sizes = Counter(v + 1 for v in pointers.values())
    assert stats["duplicates"]["cluster_sizes"] == [{"size": s, "clusters": sizes[s]} for s in sorted(sizes)]
    assert stats["duplicates"]["marked"] == sum(pointers.values()) == stats["counts"]["duplicates"]
    assert stats["duplicates"]["largest_cluster"] == 150


def test_stats_json_prints_the_library_dict(synthetic: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("stats", str(synthetic), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == corpus_stats(synthetic)


def test_stats_text_output_names_the_numbers(synthetic: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("stats", str(synthetic))
    assert result.exit_code == 0, result.output
    assert "10,000 documents from 40 outlets" in result.stdout
    assert "The Washington Post" in result.stdout
    assert "schema-violation" in result.stdout


def test_words_are_split_on_unicode_whitespace_like_str_split(tmp_path: Path) -> None:
    texts = ["a\u00a0b  c\n\nd", "one", "é\u2003ü\u3000z"]
    docs = [make_document(i, text=t) for i, t in enumerate(texts)]
    stats = corpus_stats(write_release(tmp_path, {"train": docs}))
    assert stats["lengths"]["words"]["min"] == 1
    assert stats["lengths"]["words"]["max"] == 4
    assert stats["lengths"]["characters"]["max"] == len(texts[0])


def test_an_empty_release_has_zero_counts_and_no_lengths(tmp_path: Path) -> None:
    rejects = [{"source": "x.jsonl", "record": 1, "field": "/text", "code": "empty-document",
                "message": "the document has no text", "fix": "add text", "id": None}]
    stats = corpus_stats(write_release(tmp_path, {"train": []}, rejects))
    assert stats["documents"] == 0
    assert stats["lengths"]["words"] == {**stats["lengths"]["words"], "documents": 0, "median": None, "bins": []}
    assert stats["coverage"]["date"] == {"filled": 0, "share": 0.0, "provenance": {}}
    assert stats["rejects"] == {"total": 1, "by_reason": {"empty-document": 1}}
    assert stats["dates"]["first"] is None


def test_dropped_duplicates_are_counted_from_the_manifest(tmp_path: Path) -> None:
    docs = [make_document(i) for i in range(4)]
    stats = corpus_stats(write_release(tmp_path, {"train": docs}, duplicates_dropped=3))
    assert stats["duplicates"] == {"marked": 0, "dropped": 3, "clusters": 0, "largest_cluster": 0, "cluster_sizes": []}


def test_stats_of_a_folder_that_is_not_a_release_is_an_error(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.masthead]\nname = "nothing"\n', encoding="utf-8")
    result = run_cli("stats", "--json", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no release of 'nothing'" in result.stderr


@pytest.mark.parametrize("compact_at", [1, 50, 65_536])
def test_length_tally_summarises_like_the_sorted_lengths_and_keeps_only_distinct_ones(
        compact_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from masthead.insight.tally import LengthTally

    monkeypatch.setattr(LengthTally, "COMPACT_AT", compact_at)
    rng = random.Random(compact_at)
    tally, values = LengthTally(), []
    for _ in range(40):  # batches of lengths, with nulls (counted as 0) and heavy repeats
        batch = [rng.choice([None, rng.randint(0, 30), int(rng.lognormvariate(7, 1))]) for _ in range(rng.randint(0, 300))]
        tally.add(pa.array(batch, pa.int64()))
        values += [v or 0 for v in batch]
    summary = tally.summary()
    assert len(tally._values) == len(set(values)) < len(values)  # pairs, not one entry per document
    assert (summary["documents"], summary["min"], summary["max"]) == (len(values), min(values), max(values))
    assert summary["mean"] == round(sum(values) / len(values), 1)
    for name, q in (("p10", 0.1), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p90", 0.9)):
        assert summary[name] == _nearest_rank(values, q)
    assert [b["documents"] for b in summary["bins"]] == [sum(b["from"] <= v < b["to"] for v in values)
                                                          for b in summary["bins"]]
    assert tally.summary() == summary  # summarising twice changes nothing
