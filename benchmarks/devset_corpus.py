"""The devset's pages repeated under distinct URLs, as a benchmark's raw input (benchmarks/html_throughput.py).

- :func:`write_pages`: a folder of ``.html`` files and a ``manifest.jsonl`` giving each its URL;
- :func:`write_warcs`: ``.warc.gz`` files as Common Crawl writes them: a gzip member per record, a warcinfo
  record, then per page a request record and a response record (HTTP headers with the charset,
  ``WARC-Target-URI``, ``WARC-Date``, ``WARC-Identified-Payload-Type``). The same pages give the same bytes.

The first copy of a page keeps its URL; copy ``k`` adds ``copy=k`` to its query.
"""

from __future__ import annotations

import gzip
import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

CRAWLED = datetime(2026, 12, 1, 10, 0, 0, tzinfo=timezone.utc)


def devset_pages(devset: Path, pages: int) -> Iterator[tuple[int, str, bytes]]:
    """``pages`` (index, URL, HTML bytes) cycling through the devset's pages, each copy under its own URL."""
    cases = [json.loads(line) for line in (devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    bodies: dict[str, bytes] = {}
    for index in range(pages):
        case = cases[index % len(cases)]
        if case["file"] not in bodies:
            bodies[case["file"]] = gzip.decompress((devset / case["file"]).read_bytes())
        copy = index // len(cases)
        url = case["url"] if copy == 0 else f"{case['url']}{'&' if '?' in case['url'] else '?'}copy={copy}"
        yield index, url, bodies[case["file"]]


def write_pages(devset: Path, raw: Path, pages: int) -> int:
    """``pages`` HTML files, each with its own URL in the manifest; their bytes."""
    shutil.rmtree(raw, ignore_errors=True)
    (raw / "pages").mkdir(parents=True)
    size = 0
    with (raw / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for index, url, data in devset_pages(devset, pages):
            path = f"pages/{index:06d}.html"
            (raw / path).write_bytes(data)
            size += len(data)
            manifest.write(json.dumps({"path": path, "url": url}) + "\n")
    return size


def warc_record(kind: str, block: bytes, content_type: str, when: datetime, url: str | None = None,
                extra: str = "") -> bytes:
    """One WARC record in its own gzip member (Common Crawl's layout), its record id drawn from its content."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{kind} {url} {stamp}")
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: {stamp}\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
            + (f"WARC-Target-URI: {url}\r\n" if url else "") + extra
            + f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n")
    return gzip.compress(head.encode() + block + b"\r\n\r\n", compresslevel=6, mtime=0)


def write_warcs(devset: Path, raw: Path, pages: int, files: int) -> int:
    """``pages`` pages as request + response records in ``files`` ``.warc.gz`` files (consecutive runs of
    pages); the bytes of the HTML pages."""
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    size = 0
    outs = [(raw / f"crawl-{k:02d}.warc.gz").open("wb") for k in range(files)]
    try:
        for k, out in enumerate(outs):
            info = b"software: masthead benchmarks/html_throughput.py\r\nformat: WARC File Format 1.0\r\n"
            out.write(warc_record("warcinfo", info, "application/warc-fields", CRAWLED,
                                  extra=f"WARC-Filename: crawl-{k:02d}.warc.gz\r\n"))
        for index, url, body in devset_pages(devset, pages):
            out = outs[index * files // pages]
            when = CRAWLED + timedelta(seconds=index)
            host = url.split("/")[2]
            path = url.split(host, 1)[1] or "/"
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: bench\r\nAccept: text/html\r\n\r\n"
            out.write(warc_record("request", request.encode(), "application/http; msgtype=request", when, url))
            try:
                body.decode("utf-8")
                charset = "; charset=utf-8"
            except UnicodeDecodeError:
                charset = ""  # say nothing rather than something false: readers detect it
            http = (f"HTTP/1.1 200 OK\r\nDate: {when.strftime('%a, %d %b %Y %H:%M:%S GMT')}\r\n"
                    f"Content-Type: text/html{charset}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
            out.write(warc_record("response", http, "application/http; msgtype=response", when, url,
                                  extra="WARC-Identified-Payload-Type: text/html\r\n"))
            size += len(body)
    finally:
        for out in outs:
            out.close()
    return size
