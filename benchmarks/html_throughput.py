"""HTML throughput: masthead's build on news pages beside trafilatura's ``extract`` alone and datatrove, in one run.

    python benchmarks/html_throughput.py ../shared/devset [--input warc|html] [--pages 1140] [--warc-files 1]
                                         [--workers 1 2] [--peer-python /tmp/peer/bin/python] [--peer-workers 1]
                                         [--base-pythonpath /tmp/f2_base/builder]

Writes ``--pages`` news pages (the devset's pages repeated, each copy under a distinct URL) as the raw
input, then runs, each as a subprocess on the same input:

- ``masthead build --no-cache --workers W`` for every W in ``--workers`` (every step on: read,
  clean, normalise, validate, dedupe, write);
- the same build with ``PYTHONPATH`` set to ``--base-pythonpath`` (another checkout's ``builder``
  folder, e.g. the code before a change: ``git archive <rev> builder schema | tar -x -C /tmp/base``),
  so before and after are measured side by side;
- trafilatura's ``extract`` alone (defaults, one process) over the same pages;
- with ``--input warc`` and ``--peer-python`` (a venv made from benchmarks/peer-requirements.txt: datatrove
  pins trafilatura<1.12, so it never shares masthead's), datatrove's WARC reader → Trafilatura extractor →
  Parquet writer (benchmarks/peer_datatrove_warc.py) with every W in ``--peer-workers``.

``--input warc`` (the default): ``--warc-files`` ``.warc.gz`` files written as Common Crawl writes them (a
gzip member per record; a warcinfo record, then a request and a response record per page, the response with
its HTTP headers, charset included, ``WARC-Target-URI``, ``WARC-Date`` and ``WARC-Identified-Payload-Type``).
``--input html``: a folder of ``.html`` files with a ``manifest.jsonl`` giving each its URL.

For each: wall time, CPU time (all its processes), pages/s, pages/s per core (pages/s ÷ workers), pages per
CPU-second (what a core does when the machine is shared), peak RSS of the process tree
(sampled from /proc) and of the largest process (wait4). Then the ratios, and for 2 workers against 1 the
wall-clock speedup beside what the machine allows at that moment (the same CPU-bound loop run once, then
twice at the same time: on a shared machine the ceiling is under 2).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devset_corpus import write_pages, write_warcs
from throughput import PYPROJECT, Run, cpu_ceiling, masthead_exe, measure, process_tree

TRAFILATURA_ALONE = """
import json, sys, pathlib, trafilatura
raw = pathlib.Path(sys.argv[1])
rows = [json.loads(line) for line in (raw / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if line]
found = 0
for row in rows:
    html = (raw / row["path"]).read_bytes().decode("utf-8", errors="replace")
    found += bool(trafilatura.extract(html, url=row["url"]))
print(found)
"""

# the same over the WARC files, read with FastWARC (what masthead reads them with)
TRAFILATURA_ALONE_WARC = """
import sys, pathlib, trafilatura
from fastwarc.warc import ArchiveIterator, WarcRecordType
found = 0
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.warc.gz")):
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
            html = record.reader.read().decode(record.http_charset or "utf-8", errors="replace")
            found += bool(trafilatura.extract(html, url=record.headers.get("WARC-Target-URI")))
print(found)
"""
def project(root: Path, raw: Path, name: str) -> Path:
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT.format(rows=100_000))
    shutil.copytree(raw, folder / "raw")
    return folder


def cpu_seconds() -> float:
    """User + system CPU time of every finished child process so far (``measure`` waits for each)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Cpu:
    """CPU seconds of a run's process tree: in all, and split into the build's own processes (the one started
    and its direct children: the forkserver, the resource tracker) and the pool's workers (their children)."""

    total: float
    serial: float
    workers: list[float]
    helpers: float = 0.0  # of ``serial``: the direct children (forkserver, resource tracker)

    @property
    def critical_path(self) -> float:
        """The run's wall time on an idle machine, at most: its own processes' CPU (counted as if nothing ran
        beside them) plus the busiest worker's (I/O waits not counted)."""
        return self.serial + max(self.workers, default=0.0)


def _tree_cpu(root: int, seen: dict[int, tuple[float, int]]) -> None:
    """Record (CPU seconds, depth below ``root``) of ``root`` and its descendants so far, by process id."""
    tick = os.sysconf("SC_CLK_TCK")
    for pid, depth, fields in process_tree(root):
        cpu = (int(fields[11]) + int(fields[12])) / tick
        seen[pid] = (max(seen.get(pid, (0.0, 0))[0], cpu), depth)


def timed(name: str, argv: list[str], cwd: Path, env: dict[str, str] | None = None,
          stdout: Path | None = None) -> tuple[Run, Cpu]:
    """``measure`` plus the CPU time of the whole process tree: what wait4 reports for the processes that
    were waited for, or the sum sampled from /proc every 0.1 s (pool workers of a forkserver are not the
    build's children), whichever is larger; and the sampled CPU by process."""
    seen: dict[int, tuple[float, int]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in _own_children():
                _tree_cpu(pid, seen)
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = cpu_seconds()
    try:
        run = measure(name, argv, cwd, env, stdout)
    finally:
        stop.set()
        sampler.join()
    total = max(cpu_seconds() - before, sum(cpu for cpu, _ in seen.values()))
    workers = sorted((cpu for cpu, depth in seen.values() if depth >= 2), reverse=True)
    return run, Cpu(total, total - sum(workers), workers, sum(cpu for cpu, depth in seen.values() if depth == 1))


def _own_children() -> list[int]:
    me = str(os.getpid())
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
                    out.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return out


def report(run: Run, cpu: Cpu, pages: int, cores: int, build: bool = False) -> float:
    """Print the figures; return pages per CPU-second (the machine is shared: wall time alone would count
    other people's work), which equals pages/s per core when the workers keep their cores busy."""
    rate = pages / run.seconds
    print(f"{run.name:40s} {run.seconds:7.2f} s wall {cpu.total:7.2f} s CPU  {rate:6.1f} pages/s  "
          f"{rate / cores:6.1f} pages/s/core (wall)  {pages / cpu.total:6.1f} pages/CPU-s  "
          f"peak RSS tree {run.tree_rss_mb:6.0f} MB, largest process {run.peak_rss_mb:6.0f} MB",
          flush=True)
    if build and cpu.workers:
        print(f"{'':40s} CPU: {cpu.serial:.2f} s in the build's own processes ({cpu.helpers:.2f} s of it in the "
              f"forkserver and resource tracker), "
              f"{' + '.join(f'{w:.2f}' for w in cpu.workers)} s in its workers", flush=True)
    return pages / cpu.total


def peer_python_ok(python: str | None) -> str | None:
    """Why the datatrove WARC peer cannot run with ``python``, or None when it can."""
    if not python:
        return "no --peer-python given"
    try:
        probe = subprocess.run([python, "-c", "import datatrove, warcio, cchardet, magic, trafilatura, pyarrow"],
                               capture_output=True, text=True, timeout=120)
    except OSError as exc:
        return f"{python}: {exc}"
    if probe.returncode != 0:
        return f"{python} cannot import the peer's packages: {probe.stderr.strip().splitlines()[-1:]}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path, help="folder with cases.jsonl and pages/ (../shared/devset)")
    parser.add_argument("--input", choices=["warc", "html"], default="warc")
    parser.add_argument("--pages", type=int, default=1140)
    parser.add_argument("--warc-files", type=int, default=1, help="the .warc.gz files the pages are written to")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--base-pythonpath", help="a builder folder to measure beside this one (the code before)")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip trafilatura's extract alone")
    parser.add_argument("--peer-python", help="a python with benchmarks/peer-requirements.txt (datatrove)")
    parser.add_argument("--peer-workers", type=int, nargs="+", default=[1])
    parser.add_argument("--peer-timeout", type=float, default=30.0, help="datatrove's per-page extraction timeout")
    parser.add_argument("--work", type=Path, default=Path("/tmp/masthead-html-bench"))
    args = parser.parse_args()
    raw = args.work / "corpus"
    if args.input == "warc":
        megabytes = write_warcs(args.devset, raw, args.pages, args.warc_files) / 1e6
        stored = sum(p.stat().st_size for p in raw.glob("*.warc.gz")) / 1e6
        print(f"{args.pages} HTML pages ({megabytes:.1f} MB) in {args.warc_files} .warc.gz ({stored:.1f} MB), "
              f"{os.cpu_count()} cores", flush=True)
    else:
        megabytes = write_pages(args.devset, raw, args.pages) / 1e6
        print(f"{args.pages} HTML pages ({megabytes:.1f} MB), {os.cpu_count()} cores", flush=True)
    time.sleep(2.1)  # an input hash taken within 2 s of a file's change is never trusted (masthead.readers.input_hashes)
    per_cpu: dict[str, float] = {}
    wall: dict[str, float] = {}
    cpus: dict[str, Cpu] = {}
    here = os.environ.get("PYTHONPATH", "")
    cases = [("masthead", here, workers) for workers in args.workers]
    if args.base_pythonpath:
        cases += [("base", args.base_pythonpath, workers) for workers in args.workers]
    for label, pythonpath, workers in cases:
        folder = project(args.work, raw, f"{label}-{workers}")
        time.sleep(2.1)
        run, cpu = timed(f"{label} build (workers={workers})",
                         [masthead_exe(), "build", "--no-cache", "--workers", str(workers)], folder, {"PYTHONPATH": pythonpath})
        per_cpu[f"{label}-{workers}"] = report(run, cpu, args.pages, workers, build=True)
        wall[f"{label}-{workers}"] = run.seconds
        cpus[f"{label}-{workers}"] = cpu
    if not args.no_trafilatura:
        script = TRAFILATURA_ALONE_WARC if args.input == "warc" else TRAFILATURA_ALONE
        run, cpu = timed("trafilatura extract alone (1 process)", [sys.executable, "-c", script, str(raw)], args.work)
        per_cpu["trafilatura"] = report(run, cpu, args.pages, 1)
        wall["trafilatura"] = run.seconds
    if args.input == "warc" and (why := peer_python_ok(args.peer_python)):
        print(f"datatrove WARC peer skipped: {why} (see benchmarks/peer-requirements.txt)", flush=True)
    elif args.input == "warc":
        for workers in args.peer_workers:
            if workers > args.warc_files:
                print(f"  note: datatrove gives whole files to tasks; {workers} workers share {args.warc_files} "
                      f"file(s), so {workers - args.warc_files} of them idle", flush=True)
            out = args.work / f"datatrove-{workers}.json"
            run, cpu = timed(f"datatrove WARC->Trafilatura->Parquet (workers={workers})",
                             [str(args.peer_python), str(Path(__file__).with_name("peer_datatrove_warc.py")), str(raw),
                              str(args.work / f"datatrove-{workers}"), "--workers", str(workers),
                              "--timeout", str(args.peer_timeout)], args.work, {"PYTHONPATH": ""}, stdout=out)
            per_cpu[f"datatrove-{workers}"] = report(run, cpu, args.pages, workers)
            wall[f"datatrove-{workers}"] = run.seconds
            print(f"    datatrove counts: {out.read_text().strip()}", flush=True)
    print_ratios(per_cpu, wall, cpus)


def print_ratios(per_cpu: dict[str, float], wall: dict[str, float], cpus: dict[str, Cpu]) -> None:
    print("ratios, pages per CPU-second (and wall-clock pages/s at the same workers):", flush=True)
    names = list(per_cpu)
    for name in names:
        for other in names:
            if name == other or not (name.startswith("masthead") or (name.startswith("base") and other == "trafilatura")):
                continue
            if other.startswith(("masthead", "base")) and other.split("-")[0] == name.split("-")[0]:
                continue  # 2 workers against 1: below
            same = name.split("-")[-1] == other.split("-")[-1] or other == "trafilatura"
            walls = f"   (wall {wall[other] / wall[name]:.2f}x)" if same else ""
            print(f"  {name} / {other}: {per_cpu[name] / per_cpu[other]:.2f}x{walls}")
    scaled = [label for label in ("masthead", "base", "datatrove") if f"{label}-1" in wall and f"{label}-2" in wall]
    if scaled:
        ceiling = cpu_ceiling(2)
        for label in scaled:
            print(f"  {label} 2 workers / 1 worker: wall-clock speedup {wall[f'{label}-1'] / wall[f'{label}-2']:.2f}x "
                  f"(the machine allows {ceiling:.2f}x now: the same CPU loop twice at once), "
                  f"pages per CPU-second {per_cpu[f'{label}-2'] / per_cpu[f'{label}-1']:.2f}x", flush=True)
            one, two = cpus.get(f"{label}-1"), cpus.get(f"{label}-2")
            if one and two and two.workers:
                print(f"  {label} 2 workers / 1 worker on an idle machine, at least: {one.total / two.critical_path:.2f}x "
                      f"(1 worker's CPU {one.total:.2f} s / 2 workers' CPU critical path {two.critical_path:.2f} s: "
                      f"the build's own processes {two.serial:.2f} s + the busiest worker {two.workers[0]:.2f} s)",
                      flush=True)


if __name__ == "__main__":
    main()
