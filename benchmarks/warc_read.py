"""WARC reading, side by side in one run: FastWARC, warcio and masthead's WARC reader, in records/s.

    python benchmarks/warc_read.py [--pages 2000] [--repeat 3]

Writes a ``.warc.gz`` (a gzip member per record, as Common Crawl writes) of ``--pages`` HTML
responses, each with its request record: the devset's pages (``../shared/devset/pages``)
repeated under distinct URLs, else synthetic pages. Then, over the same file, times reading
every record and, for each HTML response, its WARC headers, HTTP headers and payload bytes:

- FastWARC's ``ArchiveIterator`` (resiliparse), over the whole file;
- warcio's ``ArchiveIterator``, over the whole file;
- masthead's reader (``masthead.readers.warc.read_warc``): its own framing of each gzip member
  (so a damaged member is one reject, not a derailed stream), FastWARC parsing each record,
  the page decoded to text (charset: header, ``<meta>``, detection).

Prints records/s (all records, requests included) for each, the best of ``--repeat`` runs, and
the ratios. FastWARC and warcio read the payload as bytes only; masthead's figure includes decoding.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset" / "pages"


def pages(count: int) -> list[bytes]:
    found = sorted(DEVSET.glob("*.html.gz")) if DEVSET.is_dir() else []
    bodies = [gzip.decompress(p.read_bytes()) for p in found]
    if not bodies:
        para = "<p>" + "The council met on Tuesday to discuss the budget for the coming year. " * 8 + "</p>"
        bodies = [f"<html><head><title>Page {i}</title></head><body><article><h1>Story {i}</h1>{para * 6}"
                  f"</article></body></html>".encode() for i in range(50)]
    return [bodies[i % len(bodies)] for i in range(count)]


def record(kind: str, url: str, block: bytes, content_type: str) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2026-12-01T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, url))):032x}>\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return gzip.compress(head + block + b"\r\n\r\n", compresslevel=6)


def write_warc(path: Path, bodies: list[bytes]) -> int:
    with path.open("wb") as out:
        for i, body in enumerate(bodies):
            url = f"https://news.example/{i:07d}/story"
            request = f"GET /{i:07d}/story HTTP/1.1\r\nHost: news.example\r\n\r\n".encode()
            out.write(record("request", url, request, "application/http; msgtype=request"))
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            out.write(record("response", url, http, "application/http; msgtype=response"))
    return 2 * len(bodies)


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    count = 0
    with path.open("rb") as handle:
        for rec in ArchiveIterator(handle, parse_http=True):
            count += 1
            if rec.record_type == WarcRecordType.response and (rec.http_content_type or "").startswith("text/html"):
                rec.headers.get("WARC-Target-URI")
                rec.reader.read()
    return count


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as handle:
        for rec in ArchiveIterator(handle):
            count += 1
            if rec.rec_type == "response" and rec.http_headers is not None and \
                    (rec.http_headers.get_header("Content-Type") or "").startswith("text/html"):
                rec.rec_headers.get_header("WARC-Target-URI")
                rec.content_stream().read()
    return count


def read_masthead(path: Path) -> int:
    from masthead.readers.warc import read_warc

    return sum(1 for _ in read_warc(path, path.name, 1 << 40))


def best(fn: Callable[[Path], int], path: Path, repeat: int) -> tuple[int, float]:
    times = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn(path)
        times.append(time.perf_counter() - start)
    return count, min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        records = write_warc(path, pages(args.pages))
        print(f"{path.name}: {records} records ({args.pages} HTML responses + their requests), "
              f"{path.stat().st_size / 1e6:.1f} MB, pages from {'the devset' if DEVSET.is_dir() else 'synthetic'}")
        rates = {}
        for name, fn in (("fastwarc", read_fastwarc), ("warcio", read_warcio), ("masthead", read_masthead)):
            count, seconds = best(fn, path, args.repeat)
            assert count == records, (name, count, records)
            rates[name] = count / seconds
            print(f"{name:10s} {rates[name]:10,.0f} records/s  ({seconds:.3f} s, best of {args.repeat})")
        print(f"fastwarc / warcio: {rates['fastwarc'] / rates['warcio']:.2f}x;  "
              f"masthead / fastwarc: {rates['masthead'] / rates['fastwarc']:.2f}x;  "
              f"masthead / warcio: {rates['masthead'] / rates['warcio']:.2f}x")


if __name__ == "__main__":
    main()
