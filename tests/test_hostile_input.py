"""The bad-input corpus: hostile and broken files, built in one go.

``tests/cases/hostile/raw/`` holds the committed files (made by ``make_corpus.py``); files too
big to commit (a 100 MB line, gzip bombs, deep HTML), symlinks out of raw/ and unsafe file
names are made here. ``expected.json`` gives every file's outcome: documents accepted and
reject codes. The build must not crash, every bad record must be a clear reject, every good
record must be published, and the counts must add up, in the manifest too.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import struct
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from conftest import CASES
from masthead.errors import REASONS
from masthead.release.layout import list_releases
from masthead.release.verify import verify_release

HOSTILE = CASES / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
FILE_LIMIT = 16 * 1024 * 1024
MULTI_RECORD = (".jsonl", ".jsonl.gz", ".csv")
METADATA = ("title", "dek", "outlet", "url", "date")
# What must never reach a published metadata field (joiners between letters are allowed).
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff\U000e0000-\U000e007f]")


def gzip_bomb(size: int) -> bytes:
    """A valid gzip file of ``size`` zero bytes (1 GiB becomes about 1 MB), made in a fraction of a second.

    Each MiB of zeros is deflated once and ended with a full flush, which resets the
    compressor, so the same block repeats; header, final block, CRC-32 and length make it a
    gzip file any decompressor accepts.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(1 << 20)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * (size >> 20) + packer.flush() + struct.pack("<II", crc, size & 0xFFFFFFFF)


def add_generated(raw: Path, outside: Path) -> None:
    """The hostile inputs that are made, not committed."""
    with (raw / "huge-line.txt").open("wb") as handle:  # 100 MB on one line, no newline
        block = b"A" * (1 << 20)
        for _ in range(100):
            handle.write(block)
    bomb = gzip_bomb(1 << 30)
    (raw / "gz-bomb.txt.gz").write_bytes(bomb)
    (raw / "gz-bomb-second-member.txt.gz").write_bytes(gzip.compress(b"harmless first member", mtime=0) + bomb)
    (raw / "html-deep-nesting.html").write_text(
        "<html><body>" + "<div>" * 20_000 + "deep" + "</div>" * 20_000 + "</body></html>", encoding="utf-8"
    )
    secret = outside / "secret.txt"
    secret.write_text("a file outside the raw folder\n", encoding="utf-8")
    (raw / "link-outside.txt").symlink_to(secret)
    (raw / "link-dir-outside").symlink_to(outside, target_is_directory=True)
    (raw / "link-inside.txt").symlink_to("good-plain.txt")
    for name in (b"bad-name-\xff.txt", b"new\nline.txt"):
        fd = os.open(os.fsencode(raw) + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"A perfectly good article with a hostile file name.\n")
        os.close(fd)


def outcomes(release: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Per source file: documents published and reject codes, read back from the release."""
    docs = pq.read_table(sorted((release / "data").glob("*.parquet"))).to_pylist()
    rejects = [json.loads(line) for line in (release / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    seen: dict[str, dict[str, Any]] = defaultdict(lambda: {"accepted": 0, "rejects": []})
    for doc in docs:
        seen[doc["source"]]["accepted"] += 1
    for reject in rejects:
        seen[reject["source"]]["rejects"].append(reject["code"])
    for found in seen.values():
        found["rejects"].sort()
    return dict(seen), docs, rejects


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from typer.testing import CliRunner

    from masthead.cli import app

    base = tmp_path_factory.mktemp("hostile")
    project = base / "project"
    outside = base / "outside"
    outside.mkdir()
    shutil.copytree(HOSTILE / "raw", project / "raw")
    add_generated(project / "raw", outside)
    (project / "pyproject.toml").write_text(
        f'[tool.masthead]\nname = "hostile"\nraw = "raw"\ndist = "dist"\nlanguage = "en"\nmax_file_bytes = {FILE_LIMIT}\n',
        encoding="utf-8",
    )
    started = time.perf_counter()
    old = Path.cwd()
    os.chdir(project)
    try:
        os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
        result = CliRunner().invoke(app, ["build", "--json"], catch_exceptions=False)
    finally:
        os.chdir(old)
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    release = Path(report["release"])
    return {"project": project, "release": release, "report": report, "seconds": seconds}


def test_the_corpus_is_big_enough() -> None:
    committed = [p for p in (HOSTILE / "raw").iterdir()]
    assert len(committed) >= 40
    assert {p.name for p in committed} <= set(EXPECTED["files"])


def test_every_file_has_its_expected_outcome(hostile_build: dict[str, Any]) -> None:
    seen, _, _ = outcomes(hostile_build["release"])
    expected = {name: {"accepted": want["accepted"], "rejects": sorted(want["rejects"])}
                for name, want in EXPECTED["files"].items()}
    wrong = {name: (seen.get(name), want) for name, want in expected.items() if seen.get(name) != want}
    assert not wrong, json.dumps(wrong, indent=1, ensure_ascii=False)
    assert set(seen) == set(expected), set(seen) ^ set(expected)


def test_every_reject_says_where_what_and_how_to_fix(hostile_build: dict[str, Any]) -> None:
    _, _, rejects = outcomes(hostile_build["release"])
    assert rejects
    for reject in rejects:
        assert reject["code"] in REASONS, reject
        assert reject["source"] in EXPECTED["files"], reject
        assert reject["message"] and reject["fix"], reject
        if reject["source"].endswith(MULTI_RECORD) and reject["code"] not in ("unreadable-file", "too-large"):
            assert isinstance(reject["record"], int), reject  # the line or row
        if reject["code"] in ("schema-violation", "duplicate-id", "implausible-date", "manifest-bad-path"):
            # a JSON pointer to the field; "" only for a record with neither text nor html (the whole record)
            assert reject["field"].startswith("/") or "text" in reject["fix"], reject


def test_counts_add_up_and_nothing_is_lost(hostile_build: dict[str, Any]) -> None:
    manifest = json.loads((hostile_build["release"] / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    assert counts["input_records"] == counts["published"] + counts["rejected"] + counts["duplicates_dropped"]
    want_docs = sum(f["accepted"] for f in EXPECTED["files"].values())
    want_rejects = sum(len(f["rejects"]) for f in EXPECTED["files"].values())
    assert (counts["published"], counts["rejected"]) == (want_docs, want_rejects)
    assert counts["input_records"] == want_docs + want_rejects
    assert hostile_build["report"]["counts"] == counts
    verify_release(hostile_build["release"])  # checksums and the manifest's counts against the data


def test_published_metadata_holds_no_hidden_characters(hostile_build: dict[str, Any]) -> None:
    _, docs, _ = outcomes(hostile_build["release"])
    by_source = {d["source"]: d for d in docs}
    for doc in docs:
        for name in METADATA:
            assert not HIDDEN.search(doc[name] or ""), (doc["source"], name, doc[name])
        for name in doc["authors"]:
            assert not HIDDEN.search(name), (doc["source"], name)
    bidi = by_source["fm-bidi-title.txt"]
    assert bidi["title"] == "Putin evah ot smialc meets Trump!"
    assert bidi["outlet"] == "The Daily Planet"
    assert by_source["jsonl-bidi-metadata.jsonl"]["date"] == "2018-07-16"
    assert by_source["good-plain.txt"]["outlet"] == "The Times"  # from the manifest, override removed


def test_untrusted_data_stays_data(hostile_build: dict[str, Any]) -> None:
    _, docs, _ = outcomes(hostile_build["release"])
    assert not Path("/tmp/masthead-pwned").exists()  # the !!python tag never ran
    texts = "\n".join(d["text"] for d in docs)
    assert "root:" not in texts and "outside the raw folder" not in texts  # no XXE, no symlink escape
    assert "aaaaaaaaaa" * 10 not in texts  # the entity bomb was not expanded
    mixed = next(d for d in docs if d["source"] == "mixed-encodings.txt")
    assert mixed["text"].startswith("Zürich") and mixed["text"].endswith("Café Genève")


def test_the_hostile_build_is_quick(hostile_build: dict[str, Any]) -> None:
    # limits reject the 100 MB line and the 1 GB gzip bomb without reading them in full
    assert hostile_build["seconds"] < 30, hostile_build["seconds"]
    assert [str(v) for v, _ in list_releases(hostile_build["project"] / "dist", "hostile")] == ["1.0.0"]


@pytest.mark.slow
def test_a_100_mb_line_under_the_default_limit_is_rejected_by_the_field_limit(
    tmp_path: Path, make_project: Callable[..., Path]
) -> None:
    from masthead.engine.collect import collect
    from masthead.settings import Settings

    raw = tmp_path / "raw"
    raw.mkdir()
    with (raw / "huge.jsonl").open("wb") as handle:
        handle.write(b'{"id": "huge", "text": "')
        block = b"word " * (1 << 18)
        for _ in range(80):
            handle.write(block)
        handle.write(b'"}\n{"id": "small", "text": "A small and fine article."}\n')
    assert (raw / "huge.jsonl").stat().st_size > 100_000_000
    started = time.perf_counter()
    collected = collect(Settings(name="huge", raw=raw, dist=tmp_path / "dist", workers=1))
    assert time.perf_counter() - started < 60
    assert [d["id"] for d in collected.docs] == ["small"]
    [reject] = collected.rejects
    assert (reject.source, reject.record, reject.field, reject.code) == ("huge.jsonl", 1, "/text", "schema-violation")
    assert "shorten" in reject.fix
