"""masthead.fetch against a real HTTP server on loopback: statuses, retries, caps, redirects, robots."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator

import brotli
import pytest

from fetch_site import Site, _Handler, loopback_only, serve
from masthead.fetch import Fetcher, FetchPolicy, Reason

PAGE = "<html><head><title>Story</title></head><body><p>Der Bürgermeister sprach.</p></body></html>"


def fast(**overrides: object) -> FetchPolicy:
    """A policy for loopback tests: 127.0.0.1 (only) allowed, short timeouts, no politeness waits."""
    values: dict[str, object] = {"allow_networks": ("127.0.0.1/32",), "connect_timeout": 2.0, "read_timeout": 2.0, "total_timeout": 5.0,
                                 "backoff": 0.01, "per_host_interval": 0.0, "retries": 2}
    values.update(overrides)
    return FetchPolicy(**values)  # type: ignore[arg-type]


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    loopback_only(monkeypatch)
    with serve(Site()) as running:
        yield running


def test_a_page_comes_back_with_its_bytes_type_and_charset(site: Site) -> None:
    site.page("/story", PAGE.encode("utf-8"), content_type="text/html; charset=UTF-8")
    with Fetcher(fast()) as fetcher:
        result = fetcher.fetch(site.url("/story"))
    assert result.ok and result.reason is None
    assert (result.status, result.content, result.content_type, result.charset) == (200, PAGE.encode(), "text/html", "utf-8")
    assert result.final_url == site.url("/story") and result.redirects == () and result.attempts == 1
    assert result.fetched_at.endswith("Z")


@pytest.mark.parametrize(("status", "reason"), [(404, Reason.NOT_FOUND), (410, Reason.GONE), (403, Reason.HTTP_ERROR)])
def test_missing_pages_have_stable_reasons(site: Site, status: int, reason: Reason) -> None:
    site.page("/p", "<p>error page</p>", status=status)
    with Fetcher(fast()) as fetcher:
        result = fetcher.fetch(site.url("/p"))
    assert (result.outcome, result.reason, result.status, result.content) == ("missing", reason.value, status, None)
    assert result.final and site.count("/p") == 1  # not retried


def test_a_503_then_a_200_is_retried(site: Site) -> None:
    answers = iter([503, 200])

    def flaky(handler: _Handler) -> None:
        status = next(answers)
        body = PAGE.encode() if status == 200 else b"busy"
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.send(body)

    site.route("/flaky", flaky)
    with Fetcher(fast()) as fetcher:
        result = fetcher.fetch(site.url("/flaky"))
    assert result.ok and result.content == PAGE.encode() and result.attempts == 2 and site.count("/flaky") == 2


def test_retries_are_bounded_and_the_miss_is_not_final(site: Site) -> None:
    site.page("/down", "busy", status=503)
    with Fetcher(fast(retries=3)) as fetcher:
        result = fetcher.fetch(site.url("/down"))
    assert (result.reason, result.status, result.attempts) == (Reason.HTTP_ERROR.value, 503, 4)
    assert site.count("/down") == 4 and not result.final  # a later run asks again


def test_retry_after_is_honoured_and_a_long_one_gives_up_at_once(site: Site) -> None:
    answers = iter([429, 200])

    def limited(handler: _Handler) -> None:
        status = next(answers)
        handler.send_response(status)
        if status == 429:
            handler.send_header("Retry-After", "1")
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.send(b"ok")

    site.route("/limited", limited)
    site.page("/later", "come back tomorrow", status=503, headers={"Retry-After": "86400"})
    with Fetcher(fast(retry_after_max=5.0)) as fetcher:
        started = time.monotonic()
        assert fetcher.fetch(site.url("/limited")).ok
        waited = time.monotonic() - started
        started = time.monotonic()
        later = fetcher.fetch(site.url("/later"))
        gave_up = time.monotonic() - started
    assert waited >= 0.95  # the server asked for 1 s; the backoff alone is 0.01 s
    assert later.reason == Reason.HTTP_ERROR.value and "Retry-After" in later.detail and site.count("/later") == 1
    assert gave_up < 1.0 and not later.final  # did not sit out the 86400 s


def test_a_server_too_slow_to_answer_times_out(site: Site) -> None:
    site.page("/slow", PAGE, delay=3.0)
    with Fetcher(fast(read_timeout=0.3)) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(site.url("/slow"))
    assert result.reason == Reason.TIMEOUT.value and time.monotonic() - started < 1.5
    assert site.count("/slow") == 1 and not result.final  # a timeout is neither retried now nor cached


def test_a_body_trickling_past_the_total_timeout_is_cut_off(site: Site) -> None:
    def trickle(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):
            handler.send(b"x")
            handler.wfile.flush()
            time.sleep(0.05)

    site.route("/trickle", trickle)
    with Fetcher(fast(total_timeout=0.5, read_timeout=1.0)) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(site.url("/trickle"))
    assert result.reason == Reason.TIMEOUT.value and time.monotonic() - started < 1.5


FIFTY_MB = 50 * 2**20


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_a_50_mb_page_is_capped_without_reading_it(site: Site, declared: bool) -> None:
    block = b"<p>" + b"x" * 65530 + b"</p>"

    def huge(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        if declared:
            handler.send_header("Content-Length", str(FIFTY_MB))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        for _ in range(FIFTY_MB // len(block)):
            handler.send(block)

    site.route("/huge", huge)
    with Fetcher(fast(max_bytes=2**20)) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(site.url("/huge"))
        elapsed = time.monotonic() - started
    assert (result.reason, result.content, result.status) == (Reason.TOO_LARGE.value, None, 200)
    assert elapsed < 2.0 and result.final
    time.sleep(0.2)  # let the server notice the closed connection
    assert site.bytes_sent < FIFTY_MB / 4  # the client hung up long before the end


def test_a_gzip_bomb_is_refused_and_real_encodings_are_decoded(site: Site) -> None:
    bomb = gzip.compress(b"\0" * (32 * 2**20), compresslevel=9)  # 32 MB of zeros in ~32 KB
    assert len(bomb) < 2**20
    site.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    site.page("/gzip", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    site.page("/deflate", zlib.compress(PAGE.encode()), headers={"Content-Encoding": "deflate"})
    site.page("/raw-deflate", raw.compress(PAGE.encode()) + raw.flush(), headers={"Content-Encoding": "deflate"})
    site.page("/br", brotli.compress(PAGE.encode()), headers={"Content-Encoding": "br"})
    site.page("/stacked", brotli.compress(gzip.compress(PAGE.encode())), headers={"Content-Encoding": "gzip, br"})
    site.page("/zstd", b"\x28\xb5\x2f\xfd", headers={"Content-Encoding": "zstd"})
    site.page("/corrupt", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with Fetcher(fast(max_bytes=2**20, max_decoded_bytes=4 * 2**20)) as fetcher:
        started = time.monotonic()
        bombed = fetcher.fetch(site.url("/bomb"))
        assert bombed.reason == Reason.DECOMPRESSION_BOMB.value and time.monotonic() - started < 2.0
        for path in ("/gzip", "/deflate", "/raw-deflate", "/br", "/stacked"):
            decoded = fetcher.fetch(site.url(path))
            assert decoded.ok and decoded.content == PAGE.encode(), path
        assert fetcher.fetch(site.url("/zstd")).reason == Reason.BAD_ENCODING.value
        assert fetcher.fetch(site.url("/corrupt")).reason == Reason.BAD_ENCODING.value
    assert "br" in site.requests[0].headers["Accept-Encoding"]


def test_a_pdf_is_not_html_and_its_body_is_not_read(site: Site) -> None:
    site.page("/paper.pdf", b"%PDF-1.7\n" + b"\0" * 2**20, content_type="application/pdf")
    site.page("/untyped.pdf", b"%PDF-1.7\n%binary", content_type=None)
    site.page("/untyped.html", PAGE, content_type=None)
    with Fetcher(fast()) as fetcher:
        pdf = fetcher.fetch(site.url("/paper.pdf"))
        untyped = fetcher.fetch(site.url("/untyped.pdf"))
        html = fetcher.fetch(site.url("/untyped.html"))
        anything = fetcher.fetch(site.url("/paper.pdf"), accept=None)
    assert (pdf.reason, pdf.status, pdf.content) == (Reason.NOT_HTML.value, 200, None) and "application/pdf" in pdf.detail
    assert untyped.reason == Reason.NOT_HTML.value
    assert html.ok and html.content_type is None and html.charset is None
    assert anything.ok and anything.content is not None and anything.content.startswith(b"%PDF")


def test_a_redirect_to_another_page_is_followed_and_recorded(site: Site) -> None:
    site.redirect("/old", "/moved", status=301)
    site.redirect("/moved", site.url("/new") + "#top", status=307)
    site.page("/new", PAGE)
    with Fetcher(fast()) as fetcher:
        result = fetcher.fetch(site.url("/old"))
    assert result.ok and result.url == site.url("/old") and result.final_url == site.url("/new")
    assert [(r.url, r.status, r.location) for r in result.redirects] == [
        (site.url("/old"), 301, site.url("/moved")), (site.url("/moved"), 307, site.url("/new"))]
    assert result.attempts == 3


def test_redirect_loops_and_long_chains_stop(site: Site) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    for i in range(10):
        site.redirect(f"/chain/{i}", f"/chain/{i + 1}")
    site.redirect("/ftp", "ftp://127.0.0.1/file")
    with Fetcher(fast(max_redirects=3)) as fetcher:
        loop = fetcher.fetch(site.url("/a"))
        chain = fetcher.fetch(site.url("/chain/0"))
        ftp = fetcher.fetch(site.url("/ftp"))
    assert loop.reason == Reason.REDIRECT_LOOP.value and len(loop.redirects) == 2 and site.count("/a") == 1
    assert chain.reason == Reason.TOO_MANY_REDIRECTS.value and len(chain.redirects) == 4 and site.count("/chain/4") == 0
    assert (ftp.reason, ftp.final_url) == (Reason.BAD_SCHEME.value, "ftp://127.0.0.1/file") and len(ftp.redirects) == 1


ROBOTS = "User-agent: *\nDisallow: /\n\nUser-agent: masthead\nDisallow: /private/\nAllow: /\n"


def test_robots_txt_is_fetched_once_and_honoured(site: Site) -> None:
    site.page("/robots.txt", ROBOTS, content_type="text/plain")
    site.page("/private/memo", PAGE)
    site.page("/public/story", PAGE)
    with Fetcher(fast()) as fetcher:
        refused = fetcher.fetch(site.url("/private/memo"))
        allowed = [fetcher.fetch(site.url("/public/story")) for _ in range(3)]
    assert refused.reason == Reason.ROBOTS.value and refused.final
    assert all(r.ok for r in allowed)
    assert site.count("/robots.txt") == 1 and site.count("/private/memo") == 0
    robots_request = next(s for s in site.requests if s.path == "/robots.txt")
    assert robots_request.headers["User-Agent"].startswith("masthead/")


def test_robots_can_be_switched_off(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    site.page("/story", PAGE)
    with Fetcher(fast(robots=False)) as fetcher:
        assert fetcher.fetch(site.url("/story")).ok
    assert site.count("/robots.txt") == 0


def test_an_unreachable_robots_txt_keeps_the_fetcher_away_for_now(site: Site) -> None:
    site.page("/robots.txt", "down", status=500)
    site.page("/story", PAGE)
    with Fetcher(fast(retries=0)) as fetcher:
        result = fetcher.fetch(site.url("/story"))
    assert result.reason == Reason.ROBOTS_UNREACHABLE.value and not result.final and site.count("/story") == 0


def test_a_missing_robots_txt_allows_everything(site: Site) -> None:
    site.page("/story", PAGE)  # /robots.txt answers 404
    with Fetcher(fast()) as fetcher:
        assert fetcher.fetch(site.url("/story")).ok
    assert site.count("/robots.txt") == 1
