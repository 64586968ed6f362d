"""Stress variant of the fault-injection test: SIGKILL real builds after random delays, N times.

    python benchmarks/fault_injection.py 30 [--corpus RAW_DIR] [--docs 2000] [--seed 7] [--keep DIR]

Set-up: a corpus project (the files of RAW_DIR, or a seeded synthetic corpus of ``--docs``
articles from benchmarks/synth_corpus.py) with release 1.0.0 built from all files but the
last; the next release adds the last file (``--bump auto`` picks its version: the new file
can change earlier documents through corpus-level cleaning). The undisturbed next release is
built four ways (1 and 2 workers, with the cache of 1.0.0 and without): all four must give
the same SHA256SUMS, the reference. Then each iteration, on a fresh copy of the project:

1. start ``masthead build --bump auto`` (workers 1 or 2, cache warm or removed, all
   drawn from the seed) and SIGKILL it after a random delay within the undisturbed build
   time of the same kind (a build that wins the race is checked all the same): the whole
   process group (a killed job), or for a 2-worker build sometimes only the main process
   (its pool workers must then exit by themselves);
2. check: release 1.0.0 unchanged and ``verify`` passes; nothing but complete releases is
   visible (a visible new release must verify and match the reference);
3. rerun the build (again 1 or 2 workers): it must succeed and give the reference
   SHA256SUMS; documents lost = reference ids missing from it; no leftovers (``.tmp-*``,
   ``.lock``, ``*.tmp-*`` in the cache).

Prints kills survived, where the kills landed and documents lost; exits 1 on any failure.
Not run in CI (it takes ~15 s an iteration); tests/test_fault_injection.py is the CI form.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from masthead.engine.shards import _is_cut
from masthead.release.layout import CHECKSUMS, DATA, list_releases
from masthead.release.lock import LOCK_NAME
from masthead.release.verify import verify_release
from synth_corpus import generate

NAME = "stress"
PYPROJECT = f'[tool.masthead]\nname = "{NAME}"\nraw = "raw"\ndist = "dist"\nlanguage = "en"\n'
CITATION = ('cff-version: 1.2.0\nmessage: "Cite this corpus as below."\ntype: dataset\ntitle: "Stress Corpus"\n'
            "authors:\n  - family-names: Doe\n    given-names: Jane\nversion: 1.0.0\n")
ENV = {"SOURCE_DATE_EPOCH": "1767225600", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "PYTHONHASHSEED": "0"}


@dataclass
class Tally:
    iterations: int = 0
    killed: int = 0
    finished_first: int = 0
    survived: int = 0
    kills_survived: int = 0
    lost: int = 0
    modes: Counter[str] = field(default_factory=Counter)
    moments: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "MASTHEAD_FAULT_AT"}
    return {**base, **ENV}


def build_args(workers: int) -> list[str]:
    """The version comes from the changes (adding files can change earlier documents' cleaning)."""
    return [sys.executable, "-m", "masthead", "build", "--workers", str(workers), "--bump", "auto"]


def run_build(project: Path, workers: int) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    run = subprocess.run(build_args(workers), cwd=project, env=env(), capture_output=True, text=True,
                         timeout=1800, check=False)
    return run, time.perf_counter() - started


def sums(release: Path) -> str:
    return (release / CHECKSUMS).read_text(encoding="utf-8")


def ids(release: Path) -> set[str]:
    return {i for p in sorted((release / DATA).rglob("*.parquet")) for i in pq.read_table(p, columns=["id"])["id"].to_pylist()}


def cut_names(count: int, every: int) -> list[str]:
    """``count`` sorted file names where every ``every``-th closes a shard (as a big corpus's sizes would)."""
    names = []
    for i in range(count):
        want = (i + 1) % every == 0
        tag = 0
        while _is_cut(f"part-{i:05d}-{tag}.jsonl") != want:
            tag += 1
        names.append(f"part-{i:05d}-{tag}.jsonl")
    return names


def make_corpus(raw: Path, corpus: Path | None, docs: int, seed: int) -> list[str]:
    """Fill ``raw``; returns its files in sorted order (the last one is held back for the next release)."""
    if corpus is not None:
        shutil.copytree(corpus, raw, symlinks=True)
        files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
        if len(files) < 2:
            generate(raw / "zz-added", 50, 50, seed)
            files.append("zz-added/part-00000.jsonl")
        return files
    per_file = max(1, docs // 8)
    paths = generate(raw, docs, per_file, seed)
    names = cut_names(len(paths), 2)
    for path, name in zip(paths, names, strict=True):
        path.rename(raw / name)
    return names


def setup(work: Path, corpus: Path | None, docs: int, seed: int) -> tuple[Path, list[str]]:
    """The project with 1.0.0 built and the held-back file back in place; returns it and its files."""
    project = work / "base"
    files = make_corpus(project / "raw", corpus, docs, seed)
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (project / "CITATION.cff").write_text(CITATION, encoding="utf-8")
    held = work / "held-back"
    shutil.move(project / "raw" / files[-1], held)
    run, seconds = run_build(project, 2)
    if run.returncode != 0:
        raise SystemExit(f"release 1.0.0 failed: {run.stderr[-3000:]}")
    print(f"release 1.0.0: {len(files) - 1} files, {seconds:.1f} s")
    shutil.move(held, project / "raw" / files[-1])
    return project, files


@dataclass(frozen=True)
class Reference:
    v1: str  # SHA256SUMS of release 1.0.0
    version: str  # the new release's version (--bump auto)
    sums: str  # its SHA256SUMS, undisturbed
    ids: frozenset[str]
    seconds: dict[tuple[int, str], float]  # undisturbed build time by (workers, cache)


def references(work: Path, project: Path) -> Reference:
    """The undisturbed new release built four ways: same bytes required."""
    found: dict[str, str] = {}
    seconds: dict[tuple[int, str], float] = {}
    version, ref_ids = "", frozenset[str]()
    for workers in (1, 2):
        for cache in ("warm", "cold"):
            copy = work / f"reference-{workers}-{cache}"
            shutil.copytree(project, copy, symlinks=True)
            if cache == "cold":
                shutil.rmtree(copy / ".masthead", ignore_errors=True)
            run, took = run_build(copy, workers)
            if run.returncode != 0:
                raise SystemExit(f"reference build failed: {run.stderr[-3000:]}")
            newest, release = list_releases(copy / "dist", NAME)[-1]
            version = str(newest)
            found[f"{workers} workers, {cache} cache"] = sums(release)
            ref_ids = frozenset(ids(release))
            seconds[workers, cache] = took
            print(f"reference {version}, {workers} workers, {cache} cache: {took:.1f} s, {len(ref_ids)} documents")
            shutil.rmtree(copy)
    if len(set(found.values())) != 1:
        raise SystemExit(f"the undisturbed builds differ: {found}")
    return Reference(sums(project / "dist" / NAME / "1.0.0"), version, next(iter(found.values())), ref_ids, seconds)


def moment(project: Path, ref: Reference) -> str:
    """Where the kill landed, from what it left behind."""
    corpus = project / "dist" / NAME
    if (corpus / ref.version).is_dir():
        return "after the rename"
    if any(p.name.startswith(f".tmp-{ref.version}") for p in corpus.iterdir()):
        return "writing the release"
    if (corpus / LOCK_NAME).exists():
        return "reading/processing/merging"
    return "starting up"


def check_after_kill(project: Path, ref: Reference) -> list[str]:
    problems = []
    corpus = project / "dist" / NAME
    visible = {str(v): path for v, path in list_releases(project / "dist", NAME)}
    if "1.0.0" not in visible or sums(visible["1.0.0"]) != ref.v1:
        problems.append("release 1.0.0 changed or vanished")
    for version, path in visible.items():
        try:
            verify_release(path)
        except Exception as exc:
            problems.append(f"release {version} does not verify: {exc}")
    if ref.version in visible and sums(visible[ref.version]) != ref.sums:
        problems.append(f"a visible {ref.version} differs from the reference")
    if set(visible) - {"1.0.0", ref.version}:
        problems.append(f"unexpected releases: {sorted(visible)}")
    strays = [p.name for p in corpus.iterdir() if not p.name.startswith(".") and p.name not in visible]
    if strays:
        problems.append(f"partial release folders visible: {strays}")
    return problems


def check_recovered(project: Path, ref: Reference) -> tuple[list[str], int]:
    problems = []
    corpus = project / "dist" / NAME
    release = corpus / ref.version
    if not release.is_dir():
        return [f"no release {ref.version} after the rerun"], len(ref.ids)
    got = ids(release)
    if sums(release) != ref.sums:
        problems.append(f"the rebuilt {ref.version} differs from the reference")
    if sums(corpus / "1.0.0") != ref.v1:
        problems.append("release 1.0.0 changed")
    try:
        verify_release(release)
    except Exception as exc:
        problems.append(f"the rebuilt {ref.version} does not verify: {exc}")
    left = [p.name for p in corpus.iterdir() if p.name.startswith((".tmp-", LOCK_NAME))]
    temps = [str(p.relative_to(project)) for p in (project / ".masthead").rglob("*.tmp-*")]
    if left or temps:
        problems.append(f"leftovers: {left + temps}")
    return problems, len(ref.ids - got)


def reap_group(pgid: int) -> int:
    """SIGKILL, one by one, what is left of the killed build's session (orphaned pool workers)."""
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii").rpartition(")")[2].split()
            ours = int(fields[2]) == pgid and int(fields[3]) == pgid  # its process group and session
            if ours and sys.executable.encode() in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
        except (OSError, ValueError, IndexError):
            continue
    return killed


def iteration(n: int, rng: random.Random, work: Path, base: Path, ref: Reference, tally: Tally) -> None:
    project = work / f"iter-{n:03d}"
    shutil.copytree(base, project, symlinks=True)
    workers, cache = rng.choice((1, 2)), rng.choice(("warm", "cold"))
    mode = "main process only" if workers == 2 and rng.random() < 0.3 else "process group"
    delay = rng.uniform(0.0, ref.seconds[workers, cache])  # within an undisturbed build of the same kind
    rerun_workers = rng.choice((1, 2))
    if cache == "cold":
        shutil.rmtree(project / ".masthead", ignore_errors=True)
    log = work / f"iter-{n:03d}.log"  # a file, not a pipe: orphaned workers must not keep us waiting
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(build_args(workers), cwd=project, env=env(), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=out)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        if mode == "process group":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.send_signal(signal.SIGKILL)
    proc.wait()
    stderr = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    label = f"#{n} {workers}w {cache} cache, {mode}, kill at {delay:.2f} s"
    tally.iterations += 1
    try:
        if proc.returncode == -signal.SIGKILL:
            tally.killed += 1
            tally.modes[mode] += 1
            tally.moments[moment(project, ref)] += 1
        elif proc.returncode == 0:
            tally.finished_first += 1
        else:
            tally.failures.append(f"{label}: exit {proc.returncode}: {stderr[-500:]}")
            return
        problems = check_after_kill(project, ref)
        run, _ = run_build(project, rerun_workers)
        if run.returncode != 0:
            problems.append(f"the next build failed (exit {run.returncode}): {run.stderr[-800:]}")
        else:
            orphans = reap_group(proc.pid)  # none expected: pool workers exit with their build
            if orphans:
                problems.append(f"{orphans} process(es) of the killed build still running after the rerun")
            more, lost = check_recovered(project, ref)
            problems += more
            tally.lost += lost
        if problems:
            tally.failures.append(f"{label}: {'; '.join(problems)}")
        else:
            tally.survived += 1
            tally.kills_survived += proc.returncode == -signal.SIGKILL
    finally:
        reap_group(proc.pid)
        print(f"{label}: exit {proc.returncode}, {'FAILED' if tally.failures and tally.failures[-1].startswith(label) else 'ok'}",
              flush=True)
        shutil.rmtree(project, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("iterations", type=int)
    parser.add_argument("--corpus", type=Path, help="raw folder to build (default: a synthetic corpus)")
    parser.add_argument("--docs", type=int, default=800, help="size of the synthetic corpus")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="masthead-faults-") as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        base, files = setup(work, args.corpus, args.docs, args.seed)
        ref = references(work, base)
        tally = Tally()
        for n in range(args.iterations):
            iteration(n, rng, work, base, ref, tally)
    print(f"\nfault injection stress: {tally.iterations} iterations (seed {args.seed}), corpus of {len(files)} files, "
          f"{len(ref.ids)} documents in {ref.version}, {time.perf_counter() - started:.0f} s")
    print(f"SIGKILLed: {tally.killed} ({', '.join(f'{k}: {v}' for k, v in sorted(tally.modes.items()))}); "
          f"finished before the kill: {tally.finished_first}")
    print(f"kills landed: {', '.join(f'{k}: {v}' for k, v in tally.moments.most_common())}")
    print(f"kills survived: {tally.kills_survived}/{tally.killed}; iterations passed: {tally.survived}/{tally.iterations} "
          "(earlier release verified, no partial release visible, rerun byte-identical to the reference)")
    print(f"documents lost: {tally.lost}")
    for failure in tally.failures:
        print(f"FAILED {failure}")
    sys.exit(1 if tally.failures or tally.lost else 0)


if __name__ == "__main__":
    main()
