"""Scale benchmark: masthead build vs the floor (pyarrow) vs a peer (datasets), measured in one run.

    python benchmarks/throughput.py --docs 10000 [--workers 2] [--no-peer] [--incremental] [--scaling]

Every case runs as a subprocess on the same synthetic corpus (benchmarks/synth_corpus.py):

- masthead: ``masthead build --no-cache`` (all steps on);
- floor:    pyarrow ``read_json`` + ``write_table`` (zstd), no processing at all;
- peer:     ``datasets``: ``load_dataset("json")`` → ``map`` (whitespace normalisation, SHA-256,
            word count, a regex over the text; ``num_proc`` = workers) → exact dedup → ``to_parquet``.

For each: wall time, documents/s, MB/s of raw input, peak RSS (the largest process, from
wait4, and the whole process tree, sampled from /proc). Then the ratios side by side.
``--incremental``: full build with the cache, 1% of documents changed, rebuild.
``--scaling``: --workers 1 against --workers 2, and the machine's own ceiling beside it: the
same CPU-bound Python loop run once, then as ``workers`` copies at the same time (on shared or
virtual cores, that is the most any parallel program can gain there).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_corpus import change_share, generate

PYPROJECT = '[tool.masthead]\nname = "bench"\nraw = "raw"\ndist = "dist"\nlanguage = "en"\nshard_rows = 100000\n'

FLOOR = """
import sys, pyarrow.json as pj, pyarrow.parquet as pq, pyarrow as pa, pathlib
tables = [pj.read_json(p) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.jsonl'))]
pq.write_table(pa.concat_tables(tables, promote_options='permissive'), sys.argv[2], compression='zstd')
"""

PEER = """
import sys, re, hashlib, datasets
datasets.disable_progress_bars()
SPACE = re.compile(r'[ \\t]+')
def work(doc):
    text = '\\n'.join(SPACE.sub(' ', line).strip() for line in doc['text'].split('\\n'))
    return {'text': text, 'sha': hashlib.sha256(text.encode()).hexdigest(), 'words': len(text.split()),
            'title': (doc.get('title') or '').strip() or None, 'boiler': bool(re.search(r'cookie|newsletter', text))}
ds = datasets.load_dataset('json', data_dir=sys.argv[1], split='train', cache_dir=sys.argv[3])
ds = ds.map(work, num_proc=int(sys.argv[4]) if int(sys.argv[4]) > 1 else None)
seen = set()
ds = ds.filter(lambda d: not (d['sha'] in seen or seen.add(d['sha'])))
ds.sort('id').to_parquet(sys.argv[2])
"""


@dataclass
class Run:
    name: str
    seconds: float
    peak_rss_mb: float
    tree_rss_mb: float


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(name: str, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}):\n{err[-3000:]}")
    return Run(name, seconds, usage.ru_maxrss / 1024, peak[0] / 1024)


LOOP = "import time; t = time.perf_counter(); sum(i * i for i in range(30_000_000)); print(time.perf_counter() - t)"


def cpu_ceiling(copies: int) -> float:
    """How much faster ``copies`` CPU-bound processes get through the work of one, run together."""
    alone = float(subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, check=True).stdout)
    procs = [subprocess.Popen([sys.executable, "-c", LOOP], stdout=subprocess.PIPE, text=True) for _ in range(copies)]
    together = max(float(p.communicate()[0]) for p in procs)
    return copies * alone / together


def masthead_exe() -> str:
    return str(Path(sys.executable).with_name("masthead"))


def project(root: Path, corpus: Path, name: str) -> Path:
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT)
    shutil.copytree(corpus, folder / "raw")
    return folder


def line(run: Run, docs: int, megabytes: float) -> str:
    return (f"{run.name:<34} {run.seconds:8.1f} s {docs / run.seconds:9.0f} docs/s {megabytes / run.seconds:7.1f} MB/s"
            f"   peak RSS {run.peak_rss_mb:6.0f} MB (tree {run.tree_rss_mb:6.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/masthead-bench"))
    parser.add_argument("--per-file", type=int, default=1000, help="documents per JSONL file (a file is a shard unit)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--incremental", action="store_true")
    parser.add_argument("--scaling", action="store_true")
    args = parser.parse_args()
    ceiling = 1.0
    env = {"SOURCE_DATE_EPOCH": "1767225600", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    corpus = args.work / f"corpus-{args.docs}-{args.per_file}"
    if not corpus.is_dir():
        generate(corpus, args.docs, args.per_file)
    megabytes = sum(p.stat().st_size for p in corpus.glob("*.jsonl")) / 1e6
    print(f"corpus: {args.docs} documents, {megabytes:.0f} MB, {args.workers} workers, {os.cpu_count()} cores")
    runs: dict[str, Run] = {}
    build = project(args.work, corpus, "build")
    runs["masthead"] = measure(f"masthead build (workers={args.workers})",
                               [masthead_exe(), "build", "--no-cache", "--workers", str(args.workers)], build, env)
    print(line(runs["masthead"], args.docs, megabytes), flush=True)
    if not args.no_floor:
        runs["floor"] = measure("floor: pyarrow read_json+write", [sys.executable, "-c", FLOOR, str(corpus),
                                str(args.work / "floor.parquet")], args.work, env)
        print(line(runs["floor"], args.docs, megabytes), flush=True)
    if not args.no_peer:
        cache = args.work / "hf-cache"
        shutil.rmtree(cache, ignore_errors=True)
        runs["peer"] = measure(f"peer: datasets map (num_proc={args.workers})", [sys.executable, "-c", PEER,
                               str(corpus), str(args.work / "peer.parquet"), str(cache), str(args.workers)],
                               args.work, env)
        print(line(runs["peer"], args.docs, megabytes), flush=True)
    if args.scaling:
        ceiling = cpu_ceiling(args.workers)
        print(f"machine ceiling: {args.workers} copies of a CPU loop at once run {ceiling:.2f}x the work of one "
              "in the same time", flush=True)
        one = project(args.work, corpus, "one")
        runs["one"] = measure("masthead build (workers=1)", [masthead_exe(), "build", "--no-cache", "--workers", "1"],
                              one, env)
        print(line(runs["one"], args.docs, megabytes), flush=True)
    if args.incremental:
        inc = project(args.work, corpus, "incremental")
        runs["full"] = measure("incremental: full build (cache)", [masthead_exe(), "build"], inc, env)
        print(line(runs["full"], args.docs, megabytes), flush=True)
        changed = change_share(inc / "raw", 0.01)
        started = time.time()
        runs["rebuild"] = measure(f"incremental: rebuild ({changed} changed)",
                                  [masthead_exe(), "build", "--bump", "auto"], inc, env)
        print(line(runs["rebuild"], args.docs, megabytes), flush=True)
        # a shard that ran again is a cache entry written during the rebuild (all of them if the code changed)
        entries = [e for e in (inc / ".masthead" / "cache").iterdir() if e.is_dir()]
        rerun = sum(1 for e in entries if (e / "done").stat().st_mtime >= started)
        print(f"  rebuild re-ran {rerun} of {len(entries)} shards", flush=True)
    base = runs["masthead"].seconds
    print("\nratios (same run):")
    if "floor" in runs:
        print(f"  masthead / floor time: {base / runs['floor'].seconds:.1f}x")
    if "peer" in runs:
        print(f"  peer / masthead time:  {runs['peer'].seconds / base:.2f}x (> 1: masthead faster)")
    if "one" in runs:
        print(f"  speed-up 1 -> {args.workers} workers: {runs['one'].seconds / base:.2f}x "
              f"(machine ceiling {ceiling:.2f}x)")
    if "rebuild" in runs:
        print(f"  rebuild / full build:  {runs['rebuild'].seconds / runs['full'].seconds:.1%}")
    per_core = args.docs / base / max(1, min(args.workers, os.cpu_count() or 1))
    print(f"  masthead docs/s per core: {per_core:.0f}")
    print(json.dumps({k: vars(v) for k, v in runs.items()}))


if __name__ == "__main__":
    main()
