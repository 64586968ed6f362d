"""Repeated lines in the engine: an outlet's recurring paragraph is stripped before duplicates are found."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import Result

from masthead.clean.repeated_lines import RULE, count_repeated, find_repeated, packed_hashes
from masthead.engine import shards as shard_plan

FURNITURE = "The Harbour Gazette thanks every reader in the valley for supporting local reporting this season."
PAIR = "A paragraph two stories happen to share, which is no evidence of anything at all."
WORDS = ["harbour", "council", "ferry", "budget", "vote", "mayor", "river", "bridge", "school", "market", "storm", "festival", "road"]


def _story(rng: random.Random) -> str:
    return "\n\n".join(" ".join(rng.choices(WORDS, k=40)).capitalize() + "." for _ in range(3))


def _corpus() -> dict[str, str | bytes]:
    rng = random.Random(11)
    gazette = []
    for i in range(6):
        paragraphs = [_story(rng), FURNITURE] + ([PAIR] if i < 2 else [])
        gazette.append({"id": f"g{i}", "title": f"Gazette {i}", "outlet": "Harbour Gazette", "date": "2018-07-16",
                        "text": "\n\n".join(paragraphs)})
    # g5's story again without the furniture: an exact duplicate once the furniture is gone
    gazette.append({"id": "h0", "title": "Gazette again", "outlet": "Harbour Gazette", "date": "2018-07-17",
                    "text": gazette[5]["text"].replace(f"\n\n{FURNITURE}", "")})
    others = [{"id": f"o{i}", "title": f"Other {i}", "outlet": "Valley Courier", "date": "2018-07-16",
               "text": _story(rng) + (f"\n\n{FURNITURE}" if i < 2 else "")} for i in range(8)]
    return {"gazette.jsonl": "".join(json.dumps(r) + "\n" for r in gazette[:4]),
            "gazette-2.jsonl": "".join(json.dumps(r) + "\n" for r in gazette[4:]),
            "others.jsonl": "".join(json.dumps(r) + "\n" for r in others)}


def _build(run_cli: Callable[..., Result], project: Path, *args: str) -> dict[str, bytes]:
    result = run_cli("build", "--json", *args, cwd=project)
    assert result.exit_code == 0, result.output
    root = project / "dist"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_outlets_repeated_paragraph_is_stripped_in_the_build(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)  # several shards
    files = _corpus()
    projects = [make_project(files, name=name) for name in ("one", "two", "off")]
    for path in [p / "pyproject.toml" for p in projects[1:]]:
        path.write_text(path.read_text().replace('name = "two"', 'name = "one"').replace('name = "off"', 'name = "one"'))
    reference = _build(run_cli, projects[0], "--workers", "1")
    assert _build(run_cli, projects[1], "--workers", "2") == reference
    assert _build(run_cli, projects[2], "--no-cache") == reference
    import masthead

    docs = {d["id"]: d for d in masthead.load(split="train", dist=str(projects[0] / "dist"))}
    for i in range(6):
        doc = docs[f"g{i}"]
        assert FURNITURE not in doc["text"]
        assert {"rule": RULE, "chars": len(FURNITURE) + 2} in doc["cleaning"]["removed"]
        assert doc["content_sha256"] == hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
        assert (PAIR in doc["text"]) == (i < 2)  # two documents are no evidence
    for i in range(8):  # the other outlet has the paragraph twice in 8 documents: kept
        assert (FURNITURE in docs[f"o{i}"]["text"]) == (i < 2)
        assert RULE not in [item["rule"] for item in docs[f"o{i}"]["cleaning"]["removed"]]
    assert docs["h0"]["duplicate_of"] == "g5"  # the exact duplicate is found on the stripped text
    assert docs["g5"]["text"] == docs["h0"]["text"]


def test_the_builds_report_equals_a_recount_of_its_release(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The build counts the report's numbers as it writes (words counted by the workers, after the
    stripping); the report recomputed from the release's own files is the same, byte for byte."""
    from masthead.insight import corpus_stats, write_report

    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)
    project = make_project(_corpus(), name="counted")
    toml = project / "pyproject.toml"
    toml.write_text(toml.read_text() + 'splits = {train = 0.7, test = 0.3}\n')
    _build(run_cli, project, "--workers", "2")
    release = project / "dist" / "counted" / "1.0.0"
    again = write_report(release, out=tmp_path / "again")
    assert again.stats == corpus_stats(release)
    assert set(again.stats["splits"]) == {"train", "test"}
    assert again.html.read_bytes() == (release / "report.html").read_bytes()
    for figure in again.figure_paths:
        assert figure.read_bytes() == (release / figure.relative_to(again.html.parent)).read_bytes()


def test_packed_counting_agrees_with_find_repeated() -> None:
    rng = random.Random(5)
    lines = [f"Boilerplate line number {n} with enough characters" for n in "abcdefgh"]
    docs = []
    for i in range(300):
        paragraphs = [" ".join(rng.choices(WORDS, k=12)) for _ in range(3)] + rng.sample(lines, rng.randint(0, 3))
        rng.shuffle(paragraphs)
        docs.append({"id": f"d{i}", "outlet": f"outlet {i % 3}" if i % 7 else None, "source": f"f{i % 2}/x.txt",
                     "text": "\n\n".join(paragraphs)})
    expected = find_repeated(docs, min_docs=5, min_share=0.12)
    names = sorted({key for key in (_group(d) for d in docs)})
    codes = np.array([names.index(_group(d)) for d in docs], dtype=np.int64)
    packed = [np.frombuffer(packed_hashes(d["text"]), dtype="<u8") for d in docs]

    def passes():  # two batches, like two shards
        for part in (range(0, 150), range(150, 300)):
            index = np.concatenate([np.full(len(packed[i]), i) for i in part]).astype(np.int64)
            yield index, codes[index], np.concatenate([packed[i] for i in part]).astype(np.uint64)

    _, groups, hashes = count_repeated(passes, np.bincount(codes), min_docs=5, min_share=0.12)
    found: dict[str, set[str]] = {}
    for group, value in zip(groups.tolist(), hashes.tolist(), strict=True):
        found.setdefault(names[group], set()).add(f"{value:016x}")
    assert found == expected and expected


def _group(doc: dict) -> str:
    from masthead.clean.repeated_lines import group_of

    return group_of(doc)
