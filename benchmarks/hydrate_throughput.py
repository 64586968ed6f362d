"""Hydrate throughput from a loopback web: documents per second, with --workers 1 and 2 side by side.

    python benchmarks/hydrate_throughput.py [--docs 2000] [--workers 1 2] [--keep DIR]

Generates ``--docs`` article pages (``benchmarks/synth_pages.py``), builds them as a metadata-only
release, serves them from a local HTTP server on 127.0.0.1 and runs ``masthead hydrate`` (a fresh
process, as a user would: the fetcher's cache starts empty) once per ``--workers`` value, with no
gap between requests (``--delay 0``; the default policy waits 1 s between two requests to a host)
and ``--per-host`` equal to the workers. Prints wall time, documents per second and the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import synth_pages  # noqa: E402
from loopback_pages import Response, serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temporary one")
    args = parser.parse_args()
    from masthead.build import build
    from masthead.settings import load_settings

    root = args.keep or Path(tempfile.mkdtemp(prefix="hydrate-bench-"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "SOURCE_DATE_EPOCH": "1767225600"}
    with serve() as web:
        project = root / "news"
        articles = synth_pages.write_corpus(project, args.docs, 7, web.host)
        (project / "pyproject.toml").write_text('[tool.masthead]\nname = "news"\nlanguage = "en"\ntext = "metadata"\n')
        for doc in articles:
            web.pages["/" + doc.path()] = Response(body=synth_pages.page(doc, web.host).encode())
        started = time.perf_counter()
        release = build(load_settings(project, workers=2)).release
        print(f"built a metadata-only release of {args.docs} pages in {time.perf_counter() - started:.1f} s: {release}")
        for workers in args.workers:
            out = root / f"hydrated-{workers}"
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "masthead", "hydrate", str(release), "--out", str(out), "--json",
                                   "--allow-private", "--delay", "0", "--per-host", str(workers), "--workers", str(workers)],
                                  env=env, capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            report = json.loads(done.stdout)
            print(f"--workers {workers}: {report['documents']} documents in {seconds:.1f} s = "
                  f"{report['documents'] / seconds:.1f} documents/s; {report['counts']}")


if __name__ == "__main__":
    main()
