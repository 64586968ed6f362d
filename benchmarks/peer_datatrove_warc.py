"""The datatrove peer of the HTML benchmark: WARC reader → Trafilatura extractor → Parquet writer.

    python -m venv /tmp/peer && /tmp/peer/bin/pip install -r benchmarks/peer-requirements.txt
    /tmp/peer/bin/python benchmarks/peer_datatrove_warc.py WARC_DIR OUT_DIR [--workers 1] [--timeout 30]

Run by ``benchmarks/html_throughput.py --peer-python /tmp/peer/bin/python`` on the same ``*.warc.gz`` as
masthead's build. datatrove's own blocks with their defaults, as its README's extraction example (and
FineWeb's first step) runs them, with the local executor (tasks = workers = ``--workers``):

- ``WarcReader`` (warcio; each response record whose ``WARC-Identified-Payload-Type`` is HTML, decoded as
  UTF-8, else as cchardet guesses);
- ``Trafilatura`` (``favour_precision=True``, ``deduplicate=True``: datatrove's defaults; trafilatura<1.12,
  datatrove's pin). Each page is extracted in a sandbox subprocess that is killed after ``timeout`` seconds;
  datatrove's default (1 s) would drop the slowest pages on a busy machine, and a dropped page is work not
  done, so the default here is 30 s and the timeouts are counted;
- ``ParquetWriter`` (one file per task, datatrove's default compression).

datatrove hands whole files to tasks: one WARC file is one task's work, so more workers than files do not help.
Prints one JSON line: the records read, pages extracted, pages dropped (empty extraction), timeouts, rows
written, seconds. Exits non-zero when the rows written are not the pages extracted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import ParquetWriter


def _counts(stats: Any) -> dict[str, dict[str, int]]:
    """Per block: its counters (total/forwarded/dropped/timeout/…) summed over the tasks."""
    out: dict[str, dict[str, int]] = {}
    for block in stats.stats:
        name = block.name.encode("ascii", "ignore").decode().strip(" -")
        out[name] = {k: int(v if isinstance(v, (int, float)) else v.get("total", 0))
                     for k, v in block.stats.to_dict().items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warcs", type=Path, help="a folder of *.warc.gz")
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per page (datatrove's default: 1)")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    logs = Path(tempfile.mkdtemp(prefix="datatrove-warc-peer-"))
    pipeline = [
        WarcReader(str(args.warcs), glob_pattern="*.warc.gz"),
        Trafilatura(timeout=args.timeout),
        ParquetWriter(str(args.out), output_filename="${rank}.parquet"),
    ]
    started = time.perf_counter()
    try:
        stats = LocalPipelineExecutor(pipeline, tasks=args.workers, workers=args.workers, logging_dir=str(logs)).run()
    finally:
        shutil.rmtree(logs, ignore_errors=True)
    seconds = round(time.perf_counter() - started, 2)
    counts = _counts(stats)

    import pyarrow.parquet as pq

    written = sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(args.out.glob("*.parquet")))
    reader = next((v for k, v in counts.items() if "Warc" in k), {})
    extractor = next((v for k, v in counts.items() if "Trafilatura" in k), {})
    result = {"read": reader.get("documents", 0), "extracted": extractor.get("forwarded", 0),
              "empty": extractor.get("dropped", 0), "timeouts": extractor.get("timeout", 0),
              "errors": extractor.get("clean_error", 0) + extractor.get("broken_process", 0),
              "written": written, "seconds": seconds, "workers": args.workers}
    print(json.dumps(result))
    if written != result["extracted"] or result["read"] == 0:
        sys.exit(f"row count mismatch: {result}")


if __name__ == "__main__":
    main()
