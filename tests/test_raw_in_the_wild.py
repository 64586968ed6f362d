"""Raw folders as they are in the wild (issue 24): special files, masthead's own output inside the
raw folder, stray NUL bytes, and files that change while a build reads them.

Every build here ends with the accounting checked: published + rejected + duplicates dropped =
input records. Builds that could hang (a named pipe) run in a subprocess with a timeout, so a
regression fails in seconds instead of blocking the suite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from masthead.engine.collect import collect
from masthead.errors import CHANGED_WHILE_READ, NUL_BYTES, SPECIAL_FILE
from masthead.readers.decode import read_bytes
from masthead.readers.files import Listed
from masthead.readers.inputs import list_input_files
from masthead.settings import Settings

BUILDER = Path(__file__).resolve().parents[1] / "builder"
TIMEOUT = 120  # seconds: a build of a few files takes a few; a hang fails here instead of blocking


def article(n: int) -> str:
    return (f"Article number {n}. The harbour council met on Monday to vote on the new ferry timetable, "
            f"and the mayor said the works would start in spring.\n")


def masthead(*args: str, cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``masthead ARGS --json`` in a subprocess (killed after TIMEOUT seconds); its JSON report."""
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BUILDER), os.environ.get("PYTHONPATH", "")]),
               "XDG_CACHE_HOME": str(cwd.parent / "cache"), **(env or {})}
    result = subprocess.run([sys.executable, "-m", "masthead", *args, "--json", "--workers", "1"], cwd=cwd,
                            env=environ, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def assert_adds_up(counts: dict[str, int]) -> None:
    assert counts["input_records"] == counts["published"] + counts["rejected"] + counts["duplicates_dropped"], counts


# --- 1. only regular files are read -------------------------------------------------------------


def test_pipes_sockets_and_devices_are_rejected_without_being_opened(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(article(1), encoding="utf-8")
    (raw / "feed.jsonl").write_text(json.dumps({"id": "f-1", "text": article(2)}) + "\n", encoding="utf-8")
    os.mkfifo(raw / "pipe.txt")  # opened for reading, it would wait for a writer forever
    os.mkfifo(raw / "pipe")  # no suffix: still a special file first, not an unsupported one
    (raw / "link-to-pipe.txt").symlink_to("pipe.txt")
    monkeypatch.chdir(raw)  # a socket's path must be short: bind it by its relative name
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("sock.jsonl")
    expected = {"pipe.txt": "named pipe", "pipe": "named pipe", "link-to-pipe.txt": "link to a named pipe",
                "sock.jsonl": "socket"}
    try:
        os.mknod(raw / "null.txt", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's numbers
        expected["null.txt"] = "character device"
    except OSError:  # making a device needs CAP_MKNOD; the pipe and the socket show the rule
        pass
    started = time.monotonic()
    try:
        report = masthead("build", "--raw", str(raw), "--dist", str(tmp_path / "dist"), cwd=tmp_path)
    finally:
        listener.close()
    assert time.monotonic() - started < TIMEOUT
    rejects = {r["source"]: r for r in report["rejects"]}
    assert set(rejects) == set(expected)
    for source, kind in expected.items():
        assert rejects[source]["code"] == SPECIAL_FILE.code and kind in rejects[source]["message"]
        assert rejects[source]["record"] is None and rejects[source]["fix"]
    assert report["counts"]["published"] == 2
    assert_adds_up(report["counts"])
    manifest = json.loads((Path(report["release"]) / "manifest.json").read_text(encoding="utf-8"))
    hashed = {f["path"]: f["sha256"] for f in manifest["inputs"]}
    assert hashed["pipe.txt"] is None and hashed["good.txt"] is not None


def test_a_file_replaced_by_a_pipe_after_the_listing_is_refused_not_waited_on(tmp_path: Path) -> None:
    """The reader opens without blocking and checks what it opened (a file swapped for a pipe
    between the listing and the read); in a subprocess, so a hang fails the test."""
    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)
    code = ("import sys; from pathlib import Path; from masthead.readers.decode import read_bytes; "
            "print(read_bytes(Path(sys.argv[1]), 'swapped.txt', 1000, None).code)")
    result = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "PYTHONPATH": str(BUILDER)}, check=True)
    assert result.stdout.strip() == SPECIAL_FILE.code


# --- 2. masthead's own folders are never inputs -------------------------------------------------


def test_a_dist_inside_the_raw_folder_is_not_read_and_the_second_build_is_up_to_date(tmp_path: Path) -> None:
    """`masthead build --raw . --dist ./dist` twice in a folder of articles, its state folder
    inside it too (XDG_CACHE_HOME): the second build is up to date, and says once what it skipped."""
    news = tmp_path / "news"
    news.mkdir()
    for n in range(1, 4):
        (news / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    # masthead's state in the raw folder, not hidden (matplotlib's font cache, which would follow it, elsewhere)
    env = {"XDG_CACHE_HOME": str(news / "state"), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    first = masthead("build", "--raw", ".", "--dist", "./dist", cwd=news, env=env)
    assert first["status"] == "built" and first["counts"]["published"] == 3 and first["counts"]["rejected"] == 0
    assert_adds_up(first["counts"])
    second = masthead("build", "--raw", ".", "--dist", "./dist", cwd=news, env=env)
    assert second["status"] == "up-to-date" and second["version"] == "1.0.0"
    assert "up to date" in second["message"]
    state = [p.relative_to(news).as_posix() for p in (news / "state" / "masthead").iterdir()]
    assert second["skipped"] == sorted(["dist", *state])
    assert second["message"].count("not read as inputs") == 1 and "dist" in second["message"]
    assert [p.name for p in (news / "dist" / "news").iterdir() if not p.name.startswith(".")] == ["1.0.0"]
    manifest = json.loads((news / "dist" / "news" / "1.0.0" / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["inputs"]] == ["a1.txt", "a2.txt", "a3.txt"]


def test_a_release_copied_anywhere_under_raw_and_the_state_folder_are_skipped(tmp_path: Path,
                                                                              run_cli: Any) -> None:
    """A project whose raw folder is the project itself: its .masthead state, a dist nested two
    levels down and a release copied into an archive folder are all skipped, and said so once."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.masthead]\nname = "wild"\nraw = "."\ndist = "out/releases"\n'
                                            'language = "en"\n', encoding="utf-8")
    for n in range(1, 3):
        (project / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    old = tmp_path / "elsewhere"
    old.mkdir()
    (old / "b.txt").write_text(article(9), encoding="utf-8")
    other = run_cli("build", "--raw", str(old), "--dist", str(tmp_path / "other-dist"), "--json", cwd=old)
    assert other.exit_code == 0, other.output
    shutil.copytree(json.loads(other.stdout)["release"], project / "archive" / "old-release")
    result = run_cli("build", "--json", cwd=project)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["skipped"] == ["archive/old-release", "out/releases"]  # the state folder is made later
    assert report["message"].count("not read as inputs") == 1
    sources = {doc_source for doc_source in _published_sources(Path(report["release"]))}
    assert sources == {"a1.txt", "a2.txt"}
    assert {r["source"]: r["code"] for r in report["rejects"]} == {"pyproject.toml": "unsupported-file"}
    assert_adds_up(report["counts"])
    again = json.loads(run_cli("build", "--json", cwd=project).stdout)
    assert again["status"] == "up-to-date" and again["skipped"] == [".masthead", *report["skipped"]]
    assert again["message"].count("not read as inputs") == 1


def _published_sources(release: Path) -> list[str]:
    import pyarrow.parquet as pq

    table = pq.read_table(sorted((release / "data").glob("*.parquet")), columns=["source"])
    return [str(s) for s in table.column("source").to_pylist()]


# --- 3. binary is a property of a mostly-binary file --------------------------------------------


def test_a_stray_nul_costs_only_its_record_and_a_binary_file_stays_binary(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [f'{n},"{article(n).strip()}"' for n in range(1, 201)]
    rows[2] = rows[2].replace("harbour", "harb\x00our")  # the third record, near the top
    (raw / "table.csv").write_bytes(("id,text\n" + "\n".join(rows) + "\n").encode("utf-8"))
    (raw / "stray.txt").write_bytes(article(300).encode() + b"\x00 and the rest of it.\n")
    (raw / "image.txt").write_bytes(bytes(range(256)) * 8)  # an eighth of it control bytes: binary
    collected = collect(Settings(name="nul", raw=raw, dist=tmp_path / "dist", workers=1))
    rejects = {(r.source, r.record): r for r in collected.rejects}
    assert set(rejects) == {("table.csv", 3), ("stray.txt", None), ("image.txt", None)}
    assert rejects[("table.csv", 3)].code == NUL_BYTES.code and rejects[("table.csv", 3)].field == "/text"
    assert rejects[("stray.txt", None)].code == NUL_BYTES.code and rejects[("stray.txt", None)].field == "/text"
    assert rejects[("image.txt", None)].code == "binary-content"
    assert collected.counts.published == 199
    assert_adds_up(collected.counts.as_dict())


# --- 4. a file that changes while it is read is never published half-read -----------------------


def test_read_listed_bytes_or_say_the_file_changed(tmp_path: Path) -> None:
    def listed(path: Path) -> Listed:
        data = path.read_bytes()
        return Listed(len(data), hashlib.sha256(data).hexdigest())

    text = tmp_path / "a.txt"
    text.write_bytes(b"first version\n")
    seen = listed(text)
    text.write_bytes(b"other version\n")  # the same size, other bytes
    assert getattr(read_bytes(text, "a.txt", 1000, seen), "code", None) == CHANGED_WHILE_READ.code
    text.write_bytes(b"first version\n and more")  # grown: a single document half-written when listed
    assert "grew" in getattr(read_bytes(text, "a.txt", 1000, seen), "message", "")
    text.write_bytes(b"first")
    assert getattr(read_bytes(text, "a.txt", 1000, seen), "code", None) == CHANGED_WHILE_READ.code
    lines = tmp_path / "a.jsonl"
    lines.write_bytes(b'{"id": 1}\n')
    seen = listed(lines)
    with lines.open("ab") as handle:  # a crawler appending: the listed lines are read, as listed
        handle.write(b'{"id": 2}\n{"id"')
    assert read_bytes(lines, "a.jsonl", 1000, seen) == b'{"id": 1}\n'


def test_a_settled_file_is_trusted_by_its_stat_and_a_write_after_the_listing_still_caught(tmp_path: Path) -> None:
    """A file whose stat is the listing's, last changed well before it was listed, is read without
    hashing its bytes again (the hash below is wrong on purpose); a write after the listing moves
    its change time, so its bytes are hashed and the change found."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"first version\n")
    found = path.stat()
    listed = Listed(found.st_size, "0" * 64, found.st_mtime_ns, found.st_ctime_ns, found.st_ino,
                    taken_ns=max(found.st_mtime_ns, found.st_ctime_ns) + 3_000_000_000)
    assert read_bytes(path, "a.txt", 1000, listed) == b"first version\n"
    assert getattr(read_bytes(path, "a.txt", 1000, listed._replace(taken_ns=found.st_ctime_ns)), "code", None) \
        == CHANGED_WHILE_READ.code  # changed just before it was listed: hashed, and the hash differs
    time.sleep(0.05)  # past the file system's clock tick: here the listing is faked 3 s after the write
    path.write_bytes(b"other version\n")
    assert getattr(read_bytes(path, "a.txt", 1000, listed), "code", None) == CHANGED_WHILE_READ.code


def test_a_file_changed_after_the_listing_is_rejected_and_the_next_build_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "steady.txt").write_text(article(1), encoding="utf-8")
    (raw / "rewritten.txt").write_text(article(2), encoding="utf-8")
    (raw / "grown.txt").write_text(article(3), encoding="utf-8")
    (raw / "feed.jsonl").write_text(json.dumps({"id": "f-1", "text": article(4)}) + "\n", encoding="utf-8")
    settings = Settings(name="changing", raw=raw, dist=tmp_path / "dist", workers=1)
    inputs = list_input_files(settings)  # the build lists its inputs; then a crawler writes
    (raw / "rewritten.txt").write_text(article(2).upper(), encoding="utf-8")
    with (raw / "grown.txt").open("a", encoding="utf-8") as handle:
        handle.write("A paragraph the crawler was still writing.\n")
    with (raw / "feed.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "f-2", "text": article(5)}) + "\n")
    collected = collect(settings, inputs=inputs)
    assert {r.source: r.code for r in collected.rejects} == {"rewritten.txt": CHANGED_WHILE_READ.code,
                                                             "grown.txt": CHANGED_WHILE_READ.code}
    assert all("build again" in r.fix for r in collected.rejects)
    assert sorted(d["id"] for d in collected.docs) == ["f-1", "steady"]  # the feed as listed: its line 1
    assert_adds_up(collected.counts.as_dict())
    # as the reject says: build again, and every file is read as it is now
    again = collect(settings)
    assert not again.rejects and sorted(d["id"] for d in again.docs) == ["f-1", "f-2", "grown", "rewritten", "steady"]
    assert_adds_up(again.counts.as_dict())


def test_a_file_changed_and_changed_back_is_read_again_not_taken_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shard that met the change is not kept: a build whose listing is the same as that one's
    (the file is back as it was) reads the file again instead of reusing the reject."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(article(1), encoding="utf-8")
    settings = Settings(name="flip", raw=raw, dist=tmp_path / "dist", workers=1)
    inputs = list_input_files(settings)
    (raw / "a.txt").write_text(article(1).upper(), encoding="utf-8")
    assert [r.code for r in collect(settings, inputs=inputs).rejects] == [CHANGED_WHILE_READ.code]
    (raw / "a.txt").write_text(article(1), encoding="utf-8")
    back = collect(settings)
    assert not back.rejects and [d["id"] for d in back.docs] == ["a"]
    assert_adds_up(back.counts.as_dict())


def test_no_part_of_a_split_file_that_changed_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON Lines file big enough to be cut into parts changes after the listing: one reject for
    it, and none of its parts kept, so when it is back as listed every part is read again."""
    from masthead.engine import shards as shard_plan

    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)
    monkeypatch.setattr(shard_plan, "MIN_TARGET_BYTES", 2000)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    raw.mkdir()
    feed = raw / "feed.jsonl"
    original = "".join(json.dumps({"id": f"r-{n}", "text": article(n)}) + "\n" for n in range(60))
    feed.write_text(original, encoding="utf-8")
    settings = Settings(name="parts", raw=raw, dist=tmp_path / "dist", workers=1)
    inputs = list_input_files(settings)
    feed.write_text(original.replace("harbour", "HARBOUR"), encoding="utf-8")  # the same size, rewritten
    changed = collect(settings, inputs=inputs)
    assert [(r.source, r.code) for r in changed.rejects] == [("feed.jsonl", CHANGED_WHILE_READ.code)]
    assert changed.counts.published == 0
    assert_adds_up(changed.counts.as_dict())
    feed.write_text(original, encoding="utf-8")
    back = collect(settings)
    assert not back.rejects and back.counts.published == 60
    assert_adds_up(back.counts.as_dict())


def test_a_json_lines_file_appended_to_during_the_build_publishes_exactly_the_bytes_it_hashed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crawler appends to feed.jsonl from another thread while the build runs; when the build
    lists its inputs, the file ends in half a line. No torn record is published, and what is
    published is exactly the complete lines of the bytes whose hash the manifest records."""
    import pyarrow.parquet as pq

    import masthead.build as build_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    raw = tmp_path / "raw"
    raw.mkdir()
    feed = raw / "feed.jsonl"
    (raw / "other.txt").write_text(article(0), encoding="utf-8")

    def line(n: int) -> bytes:
        return (json.dumps({"id": f"r-{n:05d}", "text": article(n)}) + "\n").encode()

    with feed.open("wb") as handle:
        handle.write(b"".join(line(n) for n in range(1, 301)))
        handle.write(line(301)[:40])  # half a line: the crawler is in the middle of writing it
    listed = threading.Event()
    stop = threading.Event()
    appended = [0]

    def crawler() -> None:
        listed.wait(TIMEOUT)
        with feed.open("ab") as handle:
            handle.write(line(301)[40:])
            handle.flush()
            n = 302
            while not stop.is_set():
                record = line(n)
                handle.write(record[:25])  # each line in two writes: a reader may see either half
                handle.flush()
                handle.write(record[25:])
                handle.flush()
                appended[0] = n
                n += 1
                time.sleep(0.001)

    real_listing = build_module.list_input_files

    def listing_then_crawl(settings: Settings) -> Any:
        found = real_listing(settings)
        listed.set()
        time.sleep(0.05)  # the crawler writes while the shards read the file
        return found

    monkeypatch.setattr(build_module, "list_input_files", listing_then_crawl)
    thread = threading.Thread(target=crawler, daemon=True)
    thread.start()
    try:
        report = build_module.build(Settings(name="feed", raw=raw, dist=tmp_path / "dist", workers=1))
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert appended[0] > 301  # the file grew while the build ran
    release = Path(report.release or "")
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["inputs"] if f["path"] == "feed.jsonl")
    now = feed.read_bytes()
    read = now[: entry["bytes"]]
    assert len(now) > entry["bytes"] and hashlib.sha256(read).hexdigest() == entry["sha256"]
    *complete, torn = read.split(b"\n")
    assert torn == line(301)[:40]  # the listing saw the half line
    ids = sorted(pq.read_table(sorted((release / "data").glob("*.parquet")), columns=["id"]).column("id").to_pylist())
    assert ids == sorted([json.loads(raw_line)["id"] for raw_line in complete] + ["other"])
    rejects = [r for r in report.rejects if r.source == "feed.jsonl"]
    assert [(r.record, r.code) for r in rejects] == [(301, "malformed-json")]
    assert "cut off" in rejects[0].message
    assert report.counts["input_records"] == 300 + 1 + 1  # 300 lines and the torn one, and other.txt
    assert_adds_up(report.counts)
