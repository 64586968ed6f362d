"""WARC input: pages become documents, other records are skipped and counted, damaged ones are rejects
naming the file and the record's byte offset; a WARC cut into parts builds the same release."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import Result

from masthead.engine import shards as shard_plan
from masthead.errors import Reject
from masthead.pipeline.records import RawRecord, Skipped
from masthead.readers import read_input
from masthead.readers.manifest import Manifest
from warc_cases import gz, hostile_warc_gz, http, news_warc, page, record, split_gz

CAP = 300_000  # max_file_bytes of the test projects: the per-record cap of WARC input


def outcome(item: RawRecord | Reject | Skipped) -> str:
    if isinstance(item, Skipped):
        return f"skip:{item.kind}"
    if isinstance(item, Reject):
        return f"reject:{item.code}"
    return "doc"


def test_every_record_of_a_hostile_warc_is_a_page_a_skip_or_a_reject_at_its_offset(tmp_path: Path) -> None:
    expected = hostile_warc_gz(tmp_path / "crawl.warc.gz", CAP)
    items = list(read_input(tmp_path, "crawl.warc.gz", Manifest(), CAP))
    found = [(item.record, outcome(item)) for item in items]
    # the reader passes the pages (the deep one and the bomb too) to the HTML path, which decides them
    assert found == [(offset, "doc" if want in ("bomb", "reject:html-too-deep") else want) for offset, want in expected]
    rejects = [item for item in items if isinstance(item, Reject)]
    assert rejects and all(r.source == "crawl.warc.gz" and f"byte offset {r.record}" in r.message for r in rejects)
    messages = " | ".join(r.message for r in rejects)
    assert "truncated" in messages and "wrong Content-Length" in messages and "not an HTTP message" in messages
    docs = {item.fields["url"]: item for item in items if isinstance(item, RawRecord)}
    header, meta, none = (docs[f"https://news.example/{name}"] for name in ("header", "meta", "none"))
    assert "café owners cheer" in header.fields["html"] and header.encoding == "utf-8"
    assert "Café owners near the pier say naïve pricing" in meta.fields["html"] and meta.encoding == "cp1252"
    assert "Zürich and Genève" in none.fields["html"] and none.encoding == "utf-8"
    assert header.fields["crawled_at"] == "2024-03-01T10:00:00Z" and "date" not in header.fields
    assert header.origin == {"html": "given", "url": "given", "crawled_at": "given"}


def test_the_charset_of_the_header_wins_over_the_page_and_a_lying_label_falls_through() -> None:
    from masthead.readers.warc import decode_page

    text = "Crème brûlée à la carte".encode("cp1252")
    assert decode_page(b'<meta charset="utf-8">' + text, "windows-1252", "x")[1] == "cp1252"  # type: ignore[index]
    assert decode_page(b'<meta charset="iso-8859-1">' + text, None, "x")[0].endswith("Crème brûlée à la carte")  # type: ignore[union-attr]
    found = decode_page(b'<meta charset="windows-1252">' + text, "utf-8", "x")  # the header lies: the page says
    assert not isinstance(found, Reject) and found == ('<meta charset="windows-1252">Crème brûlée à la carte', "cp1252")
    found = decode_page(text * 20, "utf-8", "x")  # both unknown: detected, never a failure
    assert not isinstance(found, Reject) and found[1] not in ("utf-8", "ascii")


def test_a_plain_warc_with_a_wrong_length_reads_on_at_the_next_record(tmp_path: Path) -> None:
    good = record("response", http(page("header-charset.html")), "https://news.example/ok")
    bad = record("response", http(page("no-charset.html")), "https://news.example/bad", length=40)
    (tmp_path / "a.warc").write_bytes(bad + good)
    found = [(item.record, outcome(item)) for item in read_input(tmp_path, "a.warc", Manifest(), CAP)]
    assert found == [(0, "reject:malformed-warc-record"), (len(bad), "doc")]


def build(run_cli: Callable[..., Result], project: Path) -> dict[str, object]:
    result = run_cli("build", "--json", cwd=project)
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_a_build_of_a_hostile_warc_accounts_for_every_record(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    project = make_project({"notes.txt": "A short note on the harbour, kept beside the crawl."})
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + f"max_file_bytes = {CAP}\n")
    expected = hostile_warc_gz(project / "raw" / "crawl.warc.gz", CAP)
    report = build(run_cli, project)
    counts = report["counts"]
    assert isinstance(counts, dict)
    records = len(expected) + 1  # and the text file
    assert counts["input_records"] == records
    assert counts["published"] + counts["rejected"] + counts["duplicates_dropped"] + counts["skipped"] == records
    kinds = Counter(want.split(":", 1)[1] for _, want in expected if want.startswith("skip:"))
    assert counts["skipped_by_kind"] == dict(sorted(kinds.items())) and counts["skipped"] == sum(kinds.values())
    release = Path(str(report["release"]))
    rejects = [json.loads(line) for line in (release / "rejects.jsonl").read_text().splitlines()]
    by_offset = {r["record"]: r["code"] for r in rejects}
    for offset, want in expected:
        if want.startswith("reject:"):
            assert by_offset.pop(offset) == want.split(":", 1)[1]
        if want == "bomb":  # the repeated text: published or rejected, never lost
            assert offset in by_offset or offset in [d["source_record"] for d in _docs(release)]
            by_offset.pop(offset, None)
    assert by_offset == {}
    docs = _docs(release)
    pages = {d["url"]: d for d in docs if d["source"] == "crawl.warc.gz"}
    assert {"https://news.example/header", "https://news.example/meta", "https://news.example/none"} <= set(pages)
    meta = pages["https://news.example/meta"]
    assert "naïve pricing" in meta["text"] and meta["encoding"] == "cp1252"
    assert all(d["date"] is None or d["date"] <= "2024-03-01" for d in pages.values())  # the crawl is an upper bound
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["counts"] == counts
    assert run_cli("verify", str(release), cwd=project).exit_code == 0


def _docs(release: Path) -> list[dict[str, object]]:
    return pq.read_table(sorted((release / "data").glob("*.parquet"))).to_pylist()


def release_bytes(project: Path) -> dict[str, bytes]:
    root = project / "dist"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("compressed", [True, False])
def test_a_big_warc_cut_into_parts_builds_the_release_of_the_whole_file(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
    compressed: bool
) -> None:
    plain = news_warc(60)
    damaged = record("response", http(page("no-charset.html")), "https://news.example/bad", length=70)
    middle = plain.index(b"WARC/1.0\r\nWARC-Type: request", len(plain) // 2)  # a record's start
    plain = plain[:middle] + damaged + plain[middle:]
    name = "crawl.warc.gz" if compressed else "crawl.warc"
    data = split_gz(plain) if compressed else plain
    if compressed:  # and a member cut off in the middle of the file
        cut = gz(record("response", http(page("meta-charset.html")), "https://news.example/cut"))
        data = data + cut[: len(cut) // 2] + gz(record("response", http(page("header-charset.html")),
                                                         "https://news.example/after"))
    whole = make_project({name: data}, name="whole")
    split = make_project({name: data}, name="split")
    path = split / "pyproject.toml"
    path.write_text(path.read_text().replace('name = "split"', 'name = "whole"'))
    report = build(run_cli, whole)
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)
    monkeypatch.setattr(shard_plan, "MIN_TARGET_BYTES", 2000)
    cut_report = build(run_cli, split)
    assert len(list((split / ".masthead" / "cache").iterdir())) > 5  # the file ran as several parts
    assert cut_report["counts"] == report["counts"]
    counts = report["counts"]
    assert isinstance(counts, dict) and counts["skipped_by_kind"] == {"request": 60} and counts["rejected"] >= 1
    assert release_bytes(split) == release_bytes(whole)


def test_every_cut_of_a_warc_reads_each_record_once(tmp_path: Path) -> None:
    plain = news_warc(12)
    (tmp_path / "a.warc").write_bytes(plain)
    (tmp_path / "a.warc.gz").write_bytes(split_gz(plain))
    for name in ("a.warc", "a.warc.gz"):
        whole = [(i.record, outcome(i)) for i in read_input(tmp_path, name, Manifest(), CAP)]
        assert len(whole) == 24
        for count in (2, 3, 7, 40):
            parts = [(i.record, outcome(i)) for index in range(count)
                     for i in read_input(tmp_path, name, Manifest(), CAP, (index, count))]
            assert parts == whole, (name, count)


def test_a_warc_of_a_few_shards_bytes_is_cut_into_parts_where_json_lines_is_not(tmp_path: Path) -> None:
    # a WARC part reads only its own bytes: cut once over one shard's bytes, so a lone WARC uses every worker
    data = split_gz(news_warc(40))
    target = len(data) // 3 + 1  # under 4 shards' bytes, where a JSON Lines file is cut
    count = -(-len(data) // target)
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    (tmp_path / "crawl.jsonl").write_bytes(b"x" * len(data))
    for name in ("crawl.warc.gz", "crawl.jsonl"):
        shards = shard_plan.plan_shards(tmp_path, [name], {}, target_bytes=target)
        expected = [(i, count) for i in range(count)] if name.endswith(".warc.gz") else [None]
        assert [s.part for s in shards] == expected, name
    pieces = [[outcome(i) for i in read_input(tmp_path, "crawl.warc.gz", Manifest(), CAP, (index, count))]
              for index in range(count)]
    assert count == 3 and all(piece.count("doc") >= 10 for piece in pieces)  # every part has pages to work on
    assert sum(piece.count("doc") for piece in pieces) == 40


def test_a_chunked_response_is_read_as_the_page_not_as_its_chunks(tmp_path: Path) -> None:
    html = page("header-charset.html")
    chunks = b"".join(b"%x; ext=1\r\n%s\r\n" % (len(html[i:i + 700]), html[i:i + 700]) for i in range(0, len(html), 700))
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
    path = tmp_path / "chunked.warc.gz"
    path.write_bytes(gz(record("response", head + chunks + b"0\r\nX-Trailer: yes\r\n\r\n")))
    [item] = list(read_input(tmp_path, "chunked.warc.gz", Manifest(), CAP))
    assert isinstance(item, RawRecord)
    assert item.fields["html"] == html.decode("utf-8")
