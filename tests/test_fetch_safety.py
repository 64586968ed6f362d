"""masthead.fetch refuses what a hostile release could ask for, and sends nothing of the user's.

Only 127.0.0.1 is ever contacted. Private addresses are refused *before* any lookup or
connection: the tests make every socket call raise and record, then check nothing was tried.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fetch_site import Site, _Handler, loopback_only, serve
from masthead.fetch import Fetcher, FetchPolicy, Reason
from masthead.fetch.addresses import refusal
from masthead.fetch.target import TargetError, parse_target
from test_fetch_pages import PAGE, fast


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    loopback_only(monkeypatch)
    with serve(Site()) as running:
        yield running


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name lookup and connection raises and is recorded."""
    calls: list[str] = []

    def refuse(what: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(f"{what}{args}")
            raise OSError(f"test: no {what} allowed here")
        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return calls


PRIVATE_URLS = [
    "http://10.0.0.1/", "http://192.168.1.1/admin", "http://172.16.5.4:8080/x", "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1/", "http://127.8.9.10/", "http://[::1]/", "http://[::ffff:10.0.0.1]/", "http://[fe80::1]/",
    "http://[fd00::1]/", "http://100.64.0.1/", "http://0.0.0.0/", "http://224.0.0.1/", "http://240.0.0.1/",
    "https://10.1.2.3/story", "http://[2002:c0a8:101::1]/",  # 6to4 around 192.168.1.1
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_a_private_literal_address_is_refused_without_a_packet(url: str, no_sockets: list[str]) -> None:
    with Fetcher(FetchPolicy()) as fetcher:
        result = fetcher.fetch(url)
    assert (result.outcome, result.reason, result.attempts) == ("missing", Reason.REFUSED_PRIVATE.value, 0)
    assert no_sockets == []


@pytest.mark.parametrize("url", ["http://0.0.0.0/", "http://224.0.0.1/", "http://[::]/", "http://[ff02::1]/"])
def test_multicast_and_unspecified_are_refused_even_when_private_is_allowed(url: str, no_sockets: list[str]) -> None:
    with Fetcher(FetchPolicy(allow_private=True)) as fetcher:
        assert fetcher.fetch(url).reason == Reason.REFUSED_PRIVATE.value
    assert no_sockets == []


def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(no_sockets: list[str]) -> None:
    answers = {"intranet.test": ["10.0.0.7"], "mixed.test": ["93.184.216.34", "192.168.0.10"]}
    looked_up: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return answers[host]

    with Fetcher(FetchPolicy(), resolver=resolver) as fetcher:
        intranet = fetcher.fetch("http://intranet.test/wiki")
        mixed = fetcher.fetch("https://mixed.test/story")
    assert intranet.reason == mixed.reason == Reason.REFUSED_PRIVATE.value
    assert "10.0.0.7" in intranet.detail and "192.168.0.10" in mixed.detail
    assert looked_up == ["intranet.test", "mixed.test"] and no_sockets == []


def test_loopback_is_refused_by_default_and_fetched_when_allowed(site: Site) -> None:
    site.page("/story", PAGE)
    with Fetcher(FetchPolicy()) as fetcher:
        refused = fetcher.fetch(site.url("/story"))
    assert refused.reason == Reason.REFUSED_PRIVATE.value and "loopback" in refused.detail
    assert site.requests == []  # not even robots.txt was asked
    with Fetcher(fast(allow_private=True)) as fetcher:
        assert fetcher.fetch(site.url("/story")).ok


def test_ipv6_loopback_is_refused_by_default_and_reached_when_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_only(monkeypatch)
    try:
        server = serve(Site(), ipv6=True)
        site = server.__enter__()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        site.page("/story", PAGE)
        url = site.url("/story", host="[::1]")
        with Fetcher(fast(allow_networks=())) as fetcher:
            assert fetcher.fetch(url).reason == Reason.REFUSED_PRIVATE.value
        with Fetcher(fast(allow_networks=("::1/128",))) as fetcher:
            result = fetcher.fetch(url)
        assert result.ok and result.content == PAGE.encode()
        assert site.requests[-1].headers["Host"] == f"[::1]:{site.port}"
    finally:
        server.__exit__(None, None, None)


def test_every_redirect_hop_is_checked_again(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
    site.redirect("/to-intranet", "http://intranet.test/")
    site.redirect("/to-loopback-name", "http://localhost.test:1/")
    site.redirect("/to-file", "file:///etc/passwd")
    looked_up: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return {"intranet.test": ["10.0.0.7"], "localhost.test": ["127.0.0.2"]}[host]

    connects = loopback_only(monkeypatch)
    # Only the test server's own address is opened; every other non-public address stays shut.
    with Fetcher(fast(allow_networks=("127.0.0.1/32",)), resolver=resolver) as fetcher:
        metadata = fetcher.fetch(site.url("/to-metadata"))
        intranet = fetcher.fetch(site.url("/to-intranet"))
        loopback_name = fetcher.fetch(site.url("/to-loopback-name"))
        local_file = fetcher.fetch(site.url("/to-file"))
    for result, where in ((metadata, "169.254.169.254"), (intranet, "10.0.0.7"), (loopback_name, "127.0.0.2")):
        assert result.reason == Reason.REFUSED_PRIVATE.value and where in result.detail
        assert len(result.redirects) == 1 and result.redirects[0].status == 302 and result.attempts == 1
    assert metadata.final_url == "http://169.254.169.254/latest/meta-data/"
    assert local_file.reason == Reason.BAD_SCHEME.value and len(local_file.redirects) == 1
    assert looked_up == ["intranet.test", "localhost.test"] and connects == []


def test_the_connection_is_pinned_to_the_checked_address(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """news.test exists only in the fetcher's resolver: reaching the server proves the socket went to the
    address the fetcher checked, not to a second (system) lookup that could answer differently."""
    site.page("/story", PAGE)
    site.page("/robots.txt", "", content_type="text/plain")
    system_lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        system_lookups.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # A rebinding resolver: public-looking (here: the opened 127.0.0.1) for robots.txt and two fetches, then private.
    answers = iter([["127.0.0.1"], ["127.0.0.1"], ["127.0.0.1"], ["10.6.6.6"]])

    def resolver(host: str, port: int) -> list[str]:
        assert host == "news.test"
        return next(answers)

    with Fetcher(fast(), resolver=resolver) as fetcher:
        first = fetcher.fetch(site.url("/story", host="news.test"))
        second = fetcher.fetch(site.url("/story", host="news.test"))  # robots is cached: one lookup per hop
        rebound = fetcher.fetch(site.url("/story?again", host="news.test"))
    assert first.ok and second.ok and rebound.reason == Reason.REFUSED_PRIVATE.value
    assert {s.headers["Host"] for s in site.requests} == {f"news.test:{site.port}"}
    assert "news.test" not in system_lookups  # urllib3 only ever saw the numeric address
    assert site.count("/story") == 2


def test_nothing_of_the_user_is_sent(site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No cookie (even one the server set), no netrc login, no token from the environment, no proxy."""
    def with_cookie(handler: _Handler) -> None:
        body = PAGE.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Set-Cookie", "session=s3cret; Path=/")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.send(body)

    site.route("/story", with_cookie)
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login alice password hunter2\n", encoding="utf-8")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GITHUB_TOKEN"):
        monkeypatch.setenv(name, "tok-should-never-travel")
    with serve(Site()) as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.setenv(name, proxy.url("/"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with Fetcher(fast()) as fetcher:
            assert fetcher.fetch(site.url("/story")).ok
            assert fetcher.fetch(site.url("/story")).ok
        assert proxy.requests == []
    assert len(site.requests) == 3  # robots.txt, then the story twice
    for seen in site.requests:
        assert set(seen.headers) == {"Host", "User-Agent", "Accept", "Accept-Encoding"}, seen.headers
        assert "tok-should" not in repr(seen.headers) and "hunter2" not in repr(seen.headers)


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://example.org/file", Reason.BAD_SCHEME), ("file:///etc/passwd", Reason.BAD_SCHEME),
    ("javascript:alert(1)", Reason.BAD_SCHEME), ("example.org/story", Reason.BAD_SCHEME),
    ("http://alice:pw@example.org/", Reason.BAD_URL), ("http:///nohost", Reason.BAD_URL),
    ("http://example.org:99999/", Reason.BAD_URL), ("http://exa mple.org\r\nX: y/", Reason.BAD_URL),
])
def test_urls_that_cannot_be_fetched_are_refused_before_any_lookup(url: str, reason: Reason, no_sockets: list[str]) -> None:
    with Fetcher(FetchPolicy()) as fetcher:
        result = fetcher.fetch(url)
    assert result.reason == reason.value and result.final
    assert no_sockets == []


def test_targets_are_normalised() -> None:
    target = parse_target("HTTP://News.Example:80/a b/ü?q=1 2#frag")
    assert (target.scheme, target.host, target.port) == ("http", "news.example", 80)
    assert target.request_target == "/a%20b/%C3%BC?q=1%202" and target.url == "http://news.example/a%20b/%C3%BC?q=1%202"
    assert parse_target("https://bücher.example/").host == "xn--bcher-kva.example"
    assert parse_target("http://[::1]:8080/").host_header == "[::1]:8080"
    with pytest.raises(TargetError):
        parse_target("gopher://x/")


@pytest.mark.parametrize(("address", "refused_by_default"), [
    ("93.184.216.34", False), ("2606:4700::1111", False), ("10.0.0.1", True), ("172.31.255.255", True),
    ("192.168.1.1", True), ("127.0.0.1", True), ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True),
    ("224.0.0.1", True), ("255.255.255.255", True), ("::1", True), ("fe80::1", True), ("fc00::1", True),
    ("::ffff:192.168.1.1", True), ("::ffff:8.8.8.8", False), ("2002:0a00:0001::1", True), ("198.18.0.1", True),
])
def test_which_addresses_are_refused(address: str, refused_by_default: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert (refusal(ip, allow_private=False) is not None) is refused_by_default
    always = ip.is_multicast or ip.is_unspecified or address == "255.255.255.255"
    assert (refusal(ip, allow_private=True) is not None) is (always and refused_by_default)


def test_https_is_pinned_with_sni_and_verified_for_the_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.test",
                    "-addext", "subjectAltName=DNS:news.test"], check=True, capture_output=True)
    loopback_only(monkeypatch)
    with serve(Site(), tls=(str(cert), str(key))) as secure:
        secure.page("/story", PAGE)
        with Fetcher(fast(robots=False), resolver=lambda host, port: ["127.0.0.1"], ca_certs=str(cert)) as fetcher:
            good = fetcher.fetch(secure.url("/story", host="news.test"))
            wrong_name = fetcher.fetch(secure.url("/story", host="other.test"))
        with Fetcher(fast(robots=False, retries=0), resolver=lambda host, port: ["127.0.0.1"]) as fetcher:
            untrusted = fetcher.fetch(secure.url("/story", host="news.test"))
    assert good.ok and good.content == PAGE.encode()
    assert "news.test" in secure.sni and secure.requests[0].headers["Host"] == f"news.test:{secure.port}"
    assert wrong_name.reason == Reason.TLS_ERROR.value and untrusted.reason == Reason.TLS_ERROR.value
    assert not wrong_name.final  # a certificate can be fixed: asked again next run
