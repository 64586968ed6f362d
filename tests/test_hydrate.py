"""`masthead hydrate`: a metadata-only release back to its texts, verified, from saved pages or the web
(a real HTTP server on loopback, fetched by masthead's real fetcher)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import brotli
import pyarrow.parquet as pq
import pytest

from loopback_pages import LoopbackWeb, Response, serve, synth_pages
from masthead.build import build
from masthead.errors import InputError
from masthead.hydrate.pages import MAX_PAGE_BYTES, Missing, Page, SavedPages, url_key
from masthead.settings import load_settings
from warc_cases import gz, record

DOCS = 16
# the page each document is served as, by document number (the rest: unchanged)
KINDS = {1: "furniture", 2: "edited", 3: "rewritten", 5: "furniture", 6: "edited"}
GONE = {4: 404, 7: 410}
PDF = 8


def _project(root: Path, name: str, host: str, docs: int, text: str | None = None) -> Path:
    project = root / name
    synth_pages().write_corpus(project, docs, 7, host)
    policy = f'text = "{text}"\n' if text else ""
    (project / "pyproject.toml").write_text(f'[tool.masthead]\nname = "{name}"\nlanguage = "en"\n{policy}', encoding="utf-8")
    return project


def built(root: Path, host: str, docs: int, workers: int = 1) -> tuple[Path, Path]:
    """The corpus of ``docs`` pages at ``host``, built full and metadata-only (one project: the second
    build reuses the first one's shard cache)."""
    project = _project(root, "news", host, docs)
    full = build(load_settings(project, workers=workers)).release
    meta = build(load_settings(project, workers=workers, text="metadata", dist=project / "meta")).release
    assert full is not None and meta is not None
    return Path(full), Path(meta)


def _rows(folder: Path) -> list[dict[str, Any]]:
    return pq.read_table(folder / "data").to_pylist()


def serve_corpus(web: LoopbackWeb, docs: int) -> None:
    """Every page as :data:`KINDS`, :data:`GONE` and :data:`PDF` say."""
    gen = synth_pages()
    for number in range(docs):
        doc = gen.article(7, number)
        path = "/" + doc.path()
        if number in GONE:
            web.pages[path] = Response(GONE[number], b"gone", "text/html")
        elif number == PDF:
            web.pages[path] = Response(200, b"%PDF-1.4\n%binary\n", "application/pdf")
        else:
            web.pages[path] = Response(body=gen.page(doc, web.host, KINDS.get(number, "same")).encode())


@pytest.fixture(scope="module")
def web() -> Iterator[LoopbackWeb]:
    with serve() as server:
        yield server


@pytest.fixture(scope="module")
def corpus(web: LoopbackWeb, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    full, meta = built(tmp_path_factory.mktemp("hydrate"), web.host, DOCS)
    serve_corpus(web, DOCS)
    return full, meta


def _hydrate(run_cli: Callable[..., Any], meta: Path, out: Path, *args: str) -> dict[str, Any]:
    result = run_cli("hydrate", str(meta), "--out", str(out), "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _by_number(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(row["url"].rsplit("/", 1)[1]): row for row in rows}


def test_pages_from_the_web_verify_exact_near_changed_or_missing(corpus: tuple[Path, Path], tmp_path: Path,
                                                                 run_cli: Callable[..., Any]) -> None:
    full, meta = corpus
    report = _hydrate(run_cli, meta, tmp_path / "out", "--allow-private", "--delay", "0", "--workers", "2")
    rows = _by_number(_rows(tmp_path / "out"))
    texts = _by_number(_rows(full))
    for number, row in rows.items():
        status = row["hydration"]["status"]
        kind = KINDS.get(number, "same")
        if number in GONE or number == PDF:
            assert status == "missing" and row["text"] is None, (number, row["hydration"])
        elif kind in ("same", "furniture"):  # other ads, menus, widgets and footer: the same text
            assert status == "exact" and row["text"] == texts[number]["text"], (number, row["hydration"])
            assert row["dek"] == texts[number]["dek"] and row["hydration"]["score"] == 1.0
        elif kind == "edited":
            assert status == "near" and 0.9 <= row["hydration"]["score"] < 1.0, (number, row["hydration"])
            assert row["text"] is not None and row["text"] != texts[number]["text"]
        else:
            assert status == "changed" and row["text"] is None and row["hydration"]["score"] < 0.5
    assert rows[4]["hydration"]["detail"].startswith("not_found") and rows[7]["hydration"]["detail"].startswith("gone")
    assert rows[PDF]["hydration"]["detail"].startswith("not_html")
    assert report["counts"] == {"exact": 10, "near": 2, "changed": 1, "missing": 3} and report["accepted"] == 12
    written = json.loads((tmp_path / "out" / "hydration.json").read_text())
    assert written["counts"] == report["counts"] and sum(sum(o.values()) for o in written["by_outlet"].values()) == DOCS
    # everything but the text fields and the hydration column is the full release's, as published
    full_rows = _by_number(_rows(full))
    for number, row in rows.items():
        assert {k: v for k, v in row.items() if k not in ("text", "dek", "hydration")} == \
               {k: v for k, v in full_rows[number].items() if k not in ("text", "dek")}


def test_accept_exact_leaves_near_texts_out(corpus: tuple[Path, Path], tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    _, meta = corpus
    report = _hydrate(run_cli, meta, tmp_path / "out", "--allow-private", "--delay", "0", "--accept", "exact")
    rows = _rows(tmp_path / "out")
    assert report["accepted"] == report["counts"]["exact"]
    assert all((row["text"] is not None) == (row["hydration"]["status"] == "exact") for row in rows)


def test_a_redirect_to_another_article_is_changed(web: LoopbackWeb, corpus: tuple[Path, Path], tmp_path: Path,
                                                  run_cli: Callable[..., Any]) -> None:
    _, meta = corpus
    doc, other = synth_pages().article(7, 0), synth_pages().article(7, 9)
    saved = web.pages["/" + doc.path()]
    web.pages["/" + doc.path()] = Response(301, b"", "text/html", {"Location": "/" + other.path()})
    try:
        _hydrate(run_cli, meta, tmp_path / "out", "--allow-private", "--delay", "0")
    finally:
        web.pages["/" + doc.path()] = saved
    row = _by_number(_rows(tmp_path / "out"))[0]
    assert row["hydration"]["status"] == "changed" and row["text"] is None
    assert "redirected to" in row["hydration"]["detail"] and other.path() in row["hydration"]["detail"]


def test_loopback_urls_are_refused_without_allow_private(corpus: tuple[Path, Path], tmp_path: Path,
                                                        run_cli: Callable[..., Any]) -> None:
    _, meta = corpus
    report = _hydrate(run_cli, meta, tmp_path / "out", "--delay", "0")
    assert report["counts"]["missing"] == DOCS
    assert all(row["hydration"]["detail"].startswith("refused_private") for row in _rows(tmp_path / "out"))


def test_saved_pages_are_matched_by_url(corpus: tuple[Path, Path], web: LoopbackWeb, tmp_path: Path,
                                        run_cli: Callable[..., Any]) -> None:
    full, meta = corpus
    gen = synth_pages()
    saved = tmp_path / "saved"
    saved.mkdir()
    for number in (0, 1, 2, 3):  # named anyhow: each page names its own URL (canonical link, og:url)
        doc = gen.article(7, number)
        (saved / f"page {number}.html").write_text(gen.page(doc, web.host, KINDS.get(number, "same")), encoding="utf-8")
    mirror = saved / web.host / gen.article(7, 10).outlet  # a wget -x mirror: host:port/path
    mirror.mkdir(parents=True)
    (mirror / "00010.html").write_text(gen.page(gen.article(7, 10), web.host).replace('rel="canonical"', 'rel="x"')
                                       .replace("og:url", "og:x"), encoding="utf-8")
    report = _hydrate(run_cli, meta, tmp_path / "out", "--from", str(saved))
    rows = _by_number(_rows(tmp_path / "out"))
    statuses = {n: rows[n]["hydration"]["status"] for n in (0, 1, 2, 3, 10)}
    assert statuses == {0: "exact", 1: "exact", 2: "near", 3: "changed", 10: "exact"}
    assert rows[10]["text"] == _by_number(_rows(full))[10]["text"]
    assert report["counts"]["missing"] == DOCS - 5 and report["source"] == "saved pages (saved)"


def test_the_web_archive_stands_in_for_pages_the_web_lost_or_changed(corpus: tuple[Path, Path], web: LoopbackWeb,
                                                                     tmp_path: Path) -> None:
    """An availability API stand-in on loopback answers with a capture of the page as it was built."""
    from masthead.hydrate import hydrate_release
    from masthead.hydrate.pages import page_source
    from masthead.hydrate.run import work_dir

    gen = synth_pages()
    asked: list[dict[str, str]] = []

    def available(query: dict[str, str]) -> Response:
        asked.append(query)
        number = int(query["url"].rsplit("/", 1)[1])
        if number in (3, 4):  # rewritten (changed) and not found (missing) on the live web
            capture = web.url(f"/web/20200101000000/{query['url']}")
            web.pages[f"/web/20200101000000id_/{query['url']}"] = Response(body=gen.page(gen.article(7, number), web.host).encode())
            return Response(body=json.dumps({"archived_snapshots": {"closest": {
                "available": True, "status": "200", "timestamp": "20200101000000", "url": capture}}}).encode(),
                content_type="application/json")
        return Response(body=b'{"archived_snapshots": {}}', content_type="application/json")

    web.handlers["/wayback/available"] = available
    _, meta = corpus
    out = tmp_path / "out"
    with page_source(None, work_dir(out) / "fetch-cache", allow_private=True, archive=True, delay=0.0,
                     archive_endpoint=web.url("/wayback/available")) as (source, name):
        report = hydrate_release(meta, out, source, name)
    rows = _by_number(_rows(out))
    assert {n: rows[n]["hydration"]["status"] for n in (3, 4, 7, 8)} == {3: "exact", 4: "exact", 7: "missing", 8: "missing"}
    assert "20200101000000id_" in rows[3]["hydration"]["detail"] and rows[4]["text"] is not None
    assert sorted(int(q["url"].rsplit("/", 1)[1]) for q in asked) == [3, 4, 7, 8]  # only what the web did not give
    assert all(q["timestamp"].startswith(rows[int(q["url"].rsplit("/", 1)[1])]["date"].replace("-", "")) for q in asked)
    assert report.source == "web and web archive"


def _warc_record(url: str, status: str, headers: list[tuple[str, str]], body: bytes, number: int) -> bytes:
    """A WARC/1.0 response record (gzipped on its own, as crawlers write them)."""
    import gzip

    http = f"HTTP/1.1 {status}\r\n".encode() + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers) + b"\r\n" + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
    return gzip.compress(head.encode() + http + b"\r\n\r\n")


def test_saved_pages_are_read_from_a_warc_file(corpus: tuple[Path, Path], web: LoopbackWeb, tmp_path: Path,
                                              run_cli: Callable[..., Any]) -> None:
    """Response records of a gzipped WARC (one body with a gzip Content-Encoding), read as the build reads WARC."""
    import gzip

    full, meta = corpus
    gen = synth_pages()
    records = []
    for number in (0, 1, 4):
        doc = gen.article(7, number)
        body = gen.page(doc, web.host, KINDS.get(number, "same")).encode()
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if number == 1:
            body, headers = gzip.compress(body), [*headers, ("Content-Encoding", "gzip")]
        headers.append(("Content-Length", str(len(body))))
        records.append(_warc_record(doc.url(web.host), "404 Not Found" if number == 4 else "200 OK", headers, body, number))
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(b"".join(records))
    report = _hydrate(run_cli, meta, tmp_path / "out", "--from", str(warc))
    rows = _by_number(_rows(tmp_path / "out"))
    assert {n: rows[n]["hydration"]["status"] for n in (0, 1, 4)} == {0: "exact", 1: "exact", 4: "missing"}
    assert rows[1]["text"] == _by_number(_rows(full))[1]["text"] and "HTTP 404" in rows[4]["hydration"]["detail"]
    assert report["counts"]["exact"] == 2
    (tmp_path / "cut.warc.gz").write_bytes(b"".join(records)[:-40])  # a WARC cut short: what it holds is still read
    report = _hydrate(run_cli, meta, tmp_path / "cut", "--from", str(tmp_path / "cut.warc.gz"))
    assert report["counts"]["exact"] == 2 and _by_number(_rows(tmp_path / "cut"))[4]["hydration"]["status"] == "missing"


def _response(url: str, status: str, headers: dict[str, str], body: bytes) -> bytes:
    block = f"HTTP/1.1 {status}\r\n".encode() + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items())
    return record("response", block + b"\r\n" + body, url)


def _chunked(body: bytes, size: int = 7) -> bytes:
    """``body`` in chunks as a server streams it (a chunk extension on the first, a trailer at the end)."""
    parts = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(f"{len(p):x}{';x=1' if not i else ''}\r\n".encode() + p + b"\r\n" for i, p in enumerate(parts)) + \
        b"0\r\nX-Trailer: t\r\n\r\n"


def test_a_warc_needs_no_extra_and_its_bodies_are_unchunked_and_decoded_in_any_gzip_layout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FastWARC and the build's framing read the records (warcio cannot be imported here): chunked and
    Content-Encoded bodies come out as the page, a 2xx is a page, a redirect or an error is not; the same
    answers from a plain ``.warc``, a gzip member per record, and a file gzipped whole."""
    monkeypatch.setitem(sys.modules, "warcio", None)
    html = b"<html><body><p>" + "Caf\u00e9 au lait, chunk by chunk. ".encode() * 40 + b"</p></body></html>"
    cases = {  # path: (status, headers, body as recorded)
        "plain": ("200 OK", {"Content-Type": "text/html"}, html),
        "chunked": ("200 OK", {"Transfer-Encoding": "chunked"}, _chunked(html)),
        "chunked-gzip": ("200 OK", {"Transfer-Encoding": "chunked", "Content-Encoding": "gzip"}, _chunked(gz(html), 100)),
        "deflate": ("200 OK", {"Content-Encoding": "deflate"}, zlib.compress(html)),
        "br": ("200 OK", {"Content-Encoding": "br"}, brotli.compress(html)),
        "unchunked-by-crawler": ("200 OK", {"Transfer-Encoding": "chunked"}, html),  # header kept, body decoded
        "non-authoritative": ("203 Non-Authoritative Information", {}, html),
        "moved": ("301 Moved Permanently", {"Location": "/plain"}, b"<p>moved</p>"),
        "error": ("500 Internal Server Error", {}, html),
    }
    records = [_response(f"https://news.example/{name}", *case) for name, case in cases.items()]
    for name, data in (("crawl.warc", b"".join(records)), ("members.warc.gz", b"".join(gz(r) for r in records)),
                       ("whole.warc.gz", gz(b"".join(records)))):
        (tmp_path / name).write_bytes(data)
        saved = SavedPages(tmp_path / name)
        answers = {case: saved.fetch(f"http://news.example/{case}") for case in cases}
        pages = {case: answer.body for case, answer in answers.items() if isinstance(answer, Page)}
        assert pages == dict.fromkeys(list(cases)[:7], html), name
        assert "HTTP 301" in answers["moved"].reason and "HTTP 500" in answers["error"].reason  # type: ignore[union-attr]
        assert answers["plain"].content_type == "text/html"  # type: ignore[union-attr]


def test_a_damaged_warc_record_is_missing_at_its_offset_and_a_file_that_is_no_warc_is_refused(tmp_path: Path) -> None:
    html = b"<html><body><p>A page.</p></body></html>"
    good = _response("https://news.example/a", "200 OK", {}, html)
    wrong = record("response", b"HTTP/1.1 200 OK\r\n\r\n" + html, "https://news.example/wrong", length=99)
    bomb = _response("https://news.example/bomb", "200 OK", {"Content-Encoding": "gzip"}, gz(b" " * (MAX_PAGE_BYTES + 1)))
    last = _response("https://news.example/c", "200 OK", {}, html)
    (tmp_path / "crawl.warc").write_bytes(good + wrong + bomb + last)
    saved = SavedPages(tmp_path / "crawl.warc")
    assert [saved.fetch(f"https://news.example/{n}").body for n in "ac"] == [html, html]  # type: ignore[union-attr]
    damaged = saved.fetch("https://news.example/wrong")
    assert isinstance(damaged, Missing) and f"crawl.warc: the record at offset {len(good)} cannot be read" in damaged.reason
    assert "Content-Length says 99 bytes" in damaged.reason
    assert saved.fetch("https://news.example/bomb").reason.startswith("too_large")  # type: ignore[union-attr]
    cut = gz(good) + gz(last)[:-30]  # the last gzip member cut short: its record is missing, the first is read
    (tmp_path / "cut.warc.gz").write_bytes(cut)
    saved = SavedPages(tmp_path / "cut.warc.gz")
    assert isinstance(saved.fetch("https://news.example/a"), Page)
    assert "gzip member is truncated" in saved.fetch("https://news.example/c").reason  # type: ignore[union-attr]
    (tmp_path / "notes.warc").write_bytes(b"these are my notes, not a web archive\n" * 10)
    with pytest.raises(InputError, match=r"notes.warc: not a readable WARC file \(byte offset 0: .*--from another"):
        SavedPages(tmp_path / "notes.warc").fetch("https://news.example/a")


def test_url_keys_match_copies_of_a_page() -> None:
    assert url_key("https://www.News.example/a/b/?x=1#top") == url_key("http://news.example/a/b?x=1")
    assert url_key("http://news.example:8080/a") != url_key("http://news.example/a")
    assert SavedPages(Path("/nonexistent")).fetch("http://x.example/").reason.startswith("no saved page")


def test_a_full_release_and_an_existing_out_are_refused(corpus: tuple[Path, Path], tmp_path: Path,
                                                       run_cli: Callable[..., Any]) -> None:
    full, meta = corpus
    result = run_cli("hydrate", str(full), "--out", str(tmp_path / "out"), "--from", str(tmp_path))
    assert result.exit_code != 0 and "full release" in result.output
    (tmp_path / "taken").mkdir()
    result = run_cli("hydrate", str(meta), "--out", str(tmp_path / "taken"), "--from", str(tmp_path))
    assert result.exit_code != 0 and "exists" in result.output


def _run(meta: Path, out: Path, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("MASTHEAD_FAULT_AT", None)
    if fault:
        env["MASTHEAD_FAULT_AT"] = fault
    return subprocess.run([sys.executable, "-m", "masthead", "hydrate", str(meta), "--out", str(out), "--allow-private",
                           "--delay", "0", "--workers", "2"], env=env, capture_output=True, text=True, timeout=300)


def _output(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fault", ["hydrate.page:7", "hydrate.rename-before"])
def test_a_killed_hydrate_leaves_no_output_and_its_rerun_equals_an_uninterrupted_one(
        corpus: tuple[Path, Path], web: LoopbackWeb, tmp_path: Path, fault: str) -> None:
    _, meta = corpus
    whole = _run(meta, tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    killed = _run(meta, tmp_path / "out", fault)
    assert killed.returncode == -9, killed.stderr
    assert not (tmp_path / "out").exists()  # never a half-written output
    before = len(web.requests)
    rerun = _run(meta, tmp_path / "out")
    assert rerun.returncode == 0, rerun.stderr
    assert _output(tmp_path / "out") == _output(tmp_path / "whole")
    fetched_again = [p for p in web.requests[before:] if p != "/robots.txt"]
    assert len(fetched_again) < DOCS - 4  # pages got before the kill came from the cache


SCALE_DOCS = 2000


@pytest.mark.slow
def test_a_metadata_release_of_thousands_hydrates_back_to_the_full_release(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Every unchanged page (and every page served with other furniture) gives back the full release's
    document exactly: the two Parquets compared; the pages the web lost are missing."""
    import pyarrow.compute as pc

    gen = synth_pages()
    with serve() as web:
        full, meta = built(tmp_path, web.host, SCALE_DOCS, workers=2)
        lost = set(range(17, SCALE_DOCS, 97))
        for number in range(SCALE_DOCS):
            doc = gen.article(7, number)
            kind = "furniture" if number % 3 == 0 else "same"
            web.pages["/" + doc.path()] = Response(404, b"", "text/html") if number in lost else \
                Response(body=gen.page(doc, web.host, kind).encode())
        report = _hydrate(run_cli, meta, tmp_path / "out", "--allow-private", "--delay", "0", "--per-host", "2",
                          "--workers", "2")
    assert report["counts"] == {"exact": SCALE_DOCS - len(lost), "near": 0, "changed": 0, "missing": len(lost)}
    hydrated = pq.read_table(tmp_path / "out" / "data")
    published = pq.read_table(full / "data")
    found = hydrated.filter(pc.equal(pc.struct_field(hydrated["hydration"], "status"), "exact"))
    kept = published.filter(pc.is_in(published["id"], value_set=found["id"]))
    assert found.num_rows == SCALE_DOCS - len(lost)
    assert found.select(published.schema.names).cast(published.schema).equals(kept)


def test_a_repeated_line_of_the_outlet_new_on_the_page_is_stripped_as_the_build_would(corpus: tuple[Path, Path],
                                                                                       web: LoopbackWeb) -> None:
    """The page now carries a line its outlet repeats (in the release, stripped from other documents)
    that this document did not have at build time: the outlet's lines are tried too, and it verifies exact."""
    from masthead.clean.repeated_lines import paragraph_hashes
    from masthead.hydrate.pages import Page
    from masthead.hydrate.rebuild import Target, verify

    full, meta = corpus
    gen = synth_pages()
    doc = gen.article(7, 0)
    row = _by_number(_rows(meta))[0]
    published = _by_number(_rows(full))[0]["text"]
    extra = "Listen to the Daily Ledger podcast every weekday morning on your way to work."
    page = gen.page(doc, web.host).replace("</article>", f"<p>{extra}</p></article>")
    own = tuple(row["stripped_lines"])
    target = Target(row["id"], row["content_sha256"], row["text_minhash"], own)
    assert verify(Page("u", page.encode()), target, 0.9).status == "near"  # the document's own lines only
    outlet = (*own, paragraph_hashes(extra)[0])
    verdict = verify(Page("u", page.encode()), Target(row["id"], row["content_sha256"], row["text_minhash"], own, outlet), 0.9)
    assert verdict.status == "exact" and verdict.text == published
