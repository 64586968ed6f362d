"""HTML throughput: masthead's build on news pages beside trafilatura's ``extract`` alone, in one run.

    python benchmarks/html_throughput.py ../shared/devset [--pages 570] [--workers 1 2]
                                         [--base-pythonpath /tmp/f2_base/builder]

Writes a raw folder of ``--pages`` HTML pages (the devset's pages repeated, each copy under a
distinct URL given by a ``manifest.jsonl``), then runs, each as a subprocess on the same pages:

- ``masthead build --no-cache --workers W`` for every W in ``--workers`` (every step on: read,
  clean, normalise, validate, dedupe, write);
- the same build with ``PYTHONPATH`` set to ``--base-pythonpath`` (another checkout's ``builder``
  folder, e.g. the code before a change: ``git archive <rev> builder schema | tar -x -C /tmp/base``),
  so before and after are measured side by side;
- trafilatura's ``extract`` alone (defaults, one process) over the same pages, read from the same files.

For each: wall time, CPU time (all its processes), pages/s, pages/s per core (pages/s ÷ workers), pages per
CPU-second (what a core does when the machine is shared), peak RSS of the process tree
(sampled from /proc) and of the largest process (wait4). Then the ratios. The datatrove WARC peer of
issue 22 is not run here (it needs the peer venv of benchmarks/peer-requirements.txt).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import PYPROJECT, Run, masthead_exe, measure

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


def write_pages(devset: Path, raw: Path, pages: int) -> int:
    """``pages`` HTML files cycling through the devset's pages, each with its own URL in the manifest; their bytes."""
    cases = [json.loads(line) for line in (devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    shutil.rmtree(raw, ignore_errors=True)
    (raw / "pages").mkdir(parents=True)
    size = 0
    with (raw / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for index in range(pages):
            case = cases[index % len(cases)]
            data = gzip.decompress((devset / case["file"]).read_bytes())
            path = f"pages/{index:06d}.html"
            (raw / path).write_bytes(data)
            size += len(data)
            copy = index // len(cases)
            url = case["url"] if copy == 0 else f"{case['url']}{'&' if '?' in case['url'] else '?'}copy={copy}"
            manifest.write(json.dumps({"path": path, "url": url}) + "\n")
    return size


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


def _tree_cpu(root: int, seen: dict[int, float]) -> None:
    """Record the CPU seconds (user + system) of ``root`` and its descendants so far, by process id."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in cpu:
            seen[pid] = max(seen.get(pid, 0.0), cpu[pid])
        stack.extend(children.get(pid, []))


def timed(name: str, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[Run, float]:
    """``measure`` plus the CPU time of the whole process tree: what wait4 reports for the processes that
    were waited for, or the sum sampled from /proc every 0.1 s (pool workers of a forkserver are not the
    build's children), whichever is larger."""
    seen: dict[int, float] = {}
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
        run = measure(name, argv, cwd, env)
    finally:
        stop.set()
        sampler.join()
    return run, max(cpu_seconds() - before, sum(seen.values()))


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


def report(run: Run, cpu: float, pages: int, cores: int) -> float:
    """Print the figures; return pages per CPU-second (the machine is shared: wall time alone would count
    other people's work), which equals pages/s per core when the workers keep their cores busy."""
    rate = pages / run.seconds
    print(f"{run.name:40s} {run.seconds:7.2f} s wall {cpu:7.2f} s CPU  {rate:6.1f} pages/s  "
          f"{rate / cores:6.1f} pages/s/core (wall)  {pages / cpu:6.1f} pages/CPU-s  "
          f"peak RSS tree {run.tree_rss_mb:6.0f} MB, largest process {run.peak_rss_mb:6.0f} MB",
          flush=True)
    return pages / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path, help="folder with cases.jsonl and pages/ (../shared/devset)")
    parser.add_argument("--pages", type=int, default=570)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--base-pythonpath", help="a builder folder to measure beside this one (the code before)")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip trafilatura's extract alone")
    parser.add_argument("--work", type=Path, default=Path("/tmp/masthead-html-bench"))
    args = parser.parse_args()
    raw = args.work / "corpus"
    megabytes = write_pages(args.devset, raw, args.pages) / 1e6
    print(f"{args.pages} HTML pages ({megabytes:.1f} MB), {os.cpu_count()} cores", flush=True)
    time.sleep(2.1)  # an input hash taken within 2 s of a file's change is never trusted (masthead.readers.input_hashes)
    per_core: dict[str, float] = {}
    here = os.environ.get("PYTHONPATH", "")
    cases = [("masthead", here, workers) for workers in args.workers]
    if args.base_pythonpath:
        cases += [("base", args.base_pythonpath, workers) for workers in args.workers]
    for label, pythonpath, workers in cases:
        folder = project(args.work, raw, f"{label}-{workers}")
        time.sleep(2.1)
        run, cpu = timed(f"{label} build (workers={workers})",
                         [masthead_exe(), "build", "--no-cache", "--workers", str(workers)], folder, {"PYTHONPATH": pythonpath})
        per_core[f"{label}-{workers}"] = report(run, cpu, args.pages, workers)
    if not args.no_trafilatura:
        run, cpu = timed("trafilatura extract alone (1 process)", [sys.executable, "-c", TRAFILATURA_ALONE, str(raw)],
                         args.work)
        per_core["trafilatura"] = report(run, cpu, args.pages, 1)
    print("ratios (pages per CPU-second):", flush=True)
    names = list(per_core)
    for name in names:
        for other in names:
            if name != other and (name.startswith("masthead") or (name.startswith("base") and other == "trafilatura")):
                print(f"  {name} / {other}: {per_core[name] / per_core[other]:.2f}x")
    for label in ("masthead", "base"):
        if f"{label}-1" in per_core and f"{label}-2" in per_core:
            print(f"  {label} 2 workers / 1 worker: see the wall-clock pages/s above (CPU-s ratio "
                  f"{per_core[f'{label}-2'] / per_core[f'{label}-1']:.2f}x)")


if __name__ == "__main__":
    main()
