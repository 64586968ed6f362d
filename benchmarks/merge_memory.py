"""Main-process memory of a build's corpus-level stages, on shard outputs that already exist.

    python benchmarks/merge_memory.py PROJECT SHARDS [--dist DIR] [--merge-only] [--workers 2]

``PROJECT`` is a corpus project (pyproject.toml with [tool.masthead]); ``SHARDS`` a folder
holding its finished shard folders by name (``shard-00000/`` … with ``docs.parquet``,
``meta.json`` and ``done``), e.g. ``PROJECT/.masthead/work/<run>`` of a ``--no-cache`` build.
The build runs in this process exactly as ``masthead build`` does, except that the shards are
taken from ``SHARDS`` whatever the code digest (so the merge, diff and write stages can be
measured again after a code change without re-running the per-document pipeline for an hour).

Prints wall time and peak RSS of each stage (merge, diff, Parquet + hf/ write, report) and
overall, the peak also per published document above the start-up baseline. The release goes
to a temporary ``dist`` (removed afterwards) unless ``--dist`` names one.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _status(name: str) -> int:
    """A /proc/self/status field in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


class Peaks:
    """Peak RSS per stage: the kernel's high-water mark is reset (clear_refs) as each stage starts."""

    def __init__(self) -> None:
        self.overall = _status("VmHWM")
        self.rows: list[tuple[str, float, int, int]] = []  # stage, seconds, peak kB, RSS after kB

    def _reset(self) -> None:
        self.overall = max(self.overall, _status("VmHWM"))
        Path("/proc/self/clear_refs").write_text("5")

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            self._reset()
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                peak = _status("VmHWM")
                self.overall = max(self.overall, peak)
                self.rows.append((stage, time.perf_counter() - started, peak, _status("VmRSS")))

        return run

    def peak(self) -> int:
        return max(self.overall, _status("VmHWM"))


def shard_folders(shards: Path) -> Callable[..., list[Path]]:
    def folders(settings: Any, planned: list[Any], job: Any, hashes: Any) -> list[Path]:
        found = [shards / shard.name for shard in planned]
        missing = [f.name for f in found if not (f / "done").is_file()]
        if missing:
            raise SystemExit(f"{shards}: {len(missing)} planned shard(s) not finished there, e.g. {missing[0]}")
        return found

    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("shards", type=Path)
    parser.add_argument("--dist", type=Path, help="release folder root (default: a temporary one, removed)")
    parser.add_argument("--merge-only", action="store_true", help="stop after the merge (collect)")
    parser.add_argument("--workers", type=int, default=2, help="pool workers for the stages that use them")
    args = parser.parse_args()

    import masthead.build as build_module
    import masthead.engine.collect as collect_module
    import masthead.engine.merge as merge_module
    import masthead.insight as insight_module
    import masthead.release.writer as writer_module
    from masthead.engine.memory import use_returning_allocator
    from masthead.settings import load_settings

    use_returning_allocator()  # Arrow's allocator as `masthead build` sets it, so the peaks are a build's
    peaks = Peaks()
    collect_module._folders = shard_folders(args.shards.resolve())  # type: ignore[assignment]
    merge_module.merge = peaks.wrap("merge", merge_module.merge)  # type: ignore[assignment]
    build_module.document_changes = peaks.wrap("diff", build_module.document_changes)  # type: ignore[assignment]
    writer_module.write_data = peaks.wrap("write data + hf", writer_module.write_data)  # type: ignore[assignment]
    writer_module.write_changes = peaks.wrap("changes.json", writer_module.write_changes)  # type: ignore[assignment]
    insight_module.write_report = peaks.wrap("report", insight_module.write_report)  # type: ignore[assignment]
    baseline = _status("VmRSS")
    dist = args.dist or Path(tempfile.mkdtemp(prefix="merge-memory-"))
    settings = load_settings(args.project.resolve(), dist=dist, workers=args.workers)
    started = time.perf_counter()
    try:
        if args.merge_only:
            collected = collect_module.collect(settings)
            published = collected.counts.published
        else:
            report = build_module.build(settings)
            published = report.counts["published"]
    finally:
        if args.dist is None:
            shutil.rmtree(dist, ignore_errors=True)
    seconds = time.perf_counter() - started
    peak = peaks.peak()
    for stage, took, stage_peak, after in peaks.rows:
        print(f"{stage:<18} {took:8.1f} s   peak RSS {stage_peak / 1024:7.0f} MB   RSS after {after / 1024:7.0f} MB")
    per_doc = (peak - baseline) * 1024 / max(1, published)
    print(f"{'total':<18} {seconds:8.1f} s   peak RSS {peak / 1024:7.0f} MB   (baseline {baseline / 1024:.0f} MB, "
          f"{published} documents: {per_doc:.0f} bytes/doc above it; ru_maxrss "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
