"""WARC records written by hand for the tests: the bytes a crawler writes, and the damaged ones it should not."""

from __future__ import annotations

import gzip
from pathlib import Path

from conftest import CASES

PAGES = CASES / "warc" / "pages"


def record(kind: str, block: bytes, url: str = "https://news.example/a", content_type: str | None = None,
           length: int | None = None, date: str = "2024-03-01T10:00:00Z") -> bytes:
    """One WARC/1.0 record; ``length`` overrides the true Content-Length (a damaged record)."""
    if content_type is None:
        content_type = {"response": "application/http; msgtype=response", "request": "application/http; msgtype=request",
                        "warcinfo": "application/warc-fields", "metadata": "application/warc-fields",
                        "revisit": "application/http; msgtype=response"}[kind]
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, url, block))) % 10**12:012d}-0000-0000-0000-000000000000>\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block) if length is None else length}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def http(body: bytes, content_type: str = "text/html", status: str = "200 OK", encoding: str | None = None) -> bytes:
    coded = f"Content-Encoding: {encoding}\r\n" if encoding else ""
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{coded}Content-Length: {len(body)}\r\n\r\n").encode() + body


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def hostile_records(cap: int) -> list[tuple[str, bytes]]:
    """(expected outcome, uncompressed record) in file order: ``doc``, ``skip:<kind>``, ``reject:<code>``,
    or ``bomb`` (a page whose fate the HTML path decides: a document or a reject, never lost)."""
    deep = b"<html><body>" + b"<div>" * 20_000 + b"deep" + b"</div>" * 20_000 + b"</body></html>"
    repeated = b"<html><body><article><p>" + b"spam " * 50_000 + b"</p></article></body></html>"
    return [
        ("skip:warcinfo", record("warcinfo", b"software: test\r\nformat: WARC File Format 1.0\r\n", url="")),
        ("skip:request", record("request", b"GET /header HTTP/1.1\r\nHost: news.example\r\n\r\n",
                                "https://news.example/header")),
        ("doc", record("response", http(page("header-charset.html"), "text/html; charset=utf-8"),
                       "https://news.example/header")),
        ("doc", record("response", http(page("meta-charset.html")), "https://news.example/meta")),
        ("doc", record("response", http(page("no-charset.html")), "https://news.example/none")),
        ("doc", record("response", http(gz(page("header-charset.html").replace(b"</body>", b"<p>Sent gzip-encoded.</p></body>")),
                                           "text/html; charset=utf-8", encoding="gzip"), "https://news.example/encoded")),
        ("reject:too-large", record("response", http(gz(b"<html><body><p>" + b"a" * (cap * 2) + b"</p></body></html>"),
                                                     encoding="gzip"), "https://news.example/gzip-bomb")),
        ("skip:metadata", record("metadata", b"fetchTimeMs: 120\r\n", "https://news.example/header")),
        ("skip:revisit", record("revisit", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
                                "https://news.example/header")),
        ("skip:response not HTML", record("response", http(b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png"),
                                          "https://news.example/logo.png")),
        ("skip:response not HTML", record("response", http(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "application/pdf"),
                                          "https://news.example/report.pdf")),
        ("skip:response not OK", record("response", http(b"<html><body><p>Moved.</p></body></html>", status="301 Moved Permanently"),
                                        "https://news.example/old-address")),
        ("skip:response not OK", record("response", http(page("no-charset.html"), status="404 Not Found"),
                                        "https://news.example/gone")),
        ("skip:response not HTTP", record("response", b"news.example. 300 IN A 127.0.0.1\n", "dns:news.example",
                                          content_type="text/dns")),
        ("reject:malformed-warc-record", record("response", b"this is no HTTP message at all\r\n\r\n<p>x</p>",
                                                "https://news.example/not-http")),
        ("reject:too-large", record("response", http(b"<html><body><p>" + b"big " * (cap // 4 + 10) + b"</p></body></html>"),
                                    "https://news.example/big")),
        ("reject:html-too-deep", record("response", http(deep), "https://news.example/deep")),
        ("bomb", record("response", http(repeated), "https://news.example/repeated")),
    ]


def hostile_warc_gz(path: Path, cap: int) -> list[tuple[int, str]]:
    """A ``.warc.gz`` of :func:`hostile_records` plus a wrong Content-Length and a truncated gzip member,
    a member per record; returns (byte offset, expected outcome) of every record."""
    expected: list[tuple[int, str]] = []
    out = bytearray()
    records = hostile_records(cap)
    wrong = record("response", http(page("header-charset.html")), "https://news.example/wrong-length", length=99999)
    cut = gz(record("response", http(page("no-charset.html")), "https://news.example/cut"))
    records[5:5] = [("reject:malformed-warc-record", wrong)]
    for index, (outcome, data) in enumerate(records):
        expected.append((len(out), outcome))
        out += gz(data)
        if index == 2:  # after the first page: a member cut off in its middle, and the file goes on
            expected.append((len(out), "reject:malformed-warc-record"))
            out += cut[: len(cut) // 2]
    path.write_bytes(bytes(out))
    return expected


def news_warc(pages: int, seed: str = "story") -> bytes:
    """An uncompressed WARC of ``pages`` distinct article pages (each with its request record)."""
    out = bytearray()
    words = ("harbour", "council", "budget", "ferry", "school", "market", "bridge", "library", "festival", "railway")
    for i in range(pages):
        topic = words[i % len(words)]
        body = (f"<html><head><title>The {topic} plan, part {i}</title></head><body><article><h1>The {topic} plan, "
                f"part {i}</h1>" + "".join(f"<p>Report {i}.{n}: the {topic} committee met again on day {i * 7 + n} and "
                                            f"agreed on measure {i * 31 + n * 17} after a long debate about {words[n]}.</p>"
                                            for n in range(8)) + "</article></body></html>").encode()
        url = f"https://news.example/{seed}/{i}"
        out += record("request", b"GET / HTTP/1.1\r\n\r\n", url)
        out += record("response", http(body, "text/html; charset=utf-8"), url)
    return bytes(out)


def split_gz(plain: bytes) -> bytes:
    """A plain WARC's records, a gzip member each (records found by their WARC/1.0 lines)."""
    starts = [i for i in range(len(plain)) if plain.startswith(b"WARC/1.0\r\n", i) and (i == 0 or plain[i - 4:i] == b"\r\n\r\n")]
    return b"".join(gz(plain[a:b]) for a, b in zip(starts, [*starts[1:], len(plain)], strict=True))
