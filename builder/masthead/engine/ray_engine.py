"""The Ray engine: the same shard function as Ray Core tasks (``pip install masthead[ray]``).

Ray Core tasks over shards, not Ray Data: each task runs :func:`run_shard` and writes its
shard's outputs to the work folder, exactly as a local worker would, so the merge and the
release are the same code and the same bytes. The work folder must be reachable by every
node (a local path on one machine, a shared file system on a cluster).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from masthead.engine.local import Done
from masthead.engine.shards import Shard
from masthead.engine.task import ShardJob, run_shard
from masthead.errors import ConfigError


def _run(shard: Shard, job: ShardJob, folder: str) -> tuple[int, int]:
    return shard.index, run_shard(shard, job, Path(folder))


def run_ray(todo: Sequence[tuple[Shard, Path]], job: ShardJob, workers: int | None, address: str | None,
            done: Done) -> None:
    """Run every shard as a Ray task on the cluster at ``address`` (None: a local Ray instance)."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'masthead[ray]'") from exc
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            options["address"] = address
        elif workers:
            options["num_cpus"] = workers
        ray.init(**options)
        started = True
    try:
        task = ray.remote(_run)
        job_ref = ray.put(job)
        by_index = {shard.index: shard for shard, _ in todo}
        pending = [task.remote(shard, job_ref, str(folder)) for shard, folder in todo]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            index, records = ray.get(ready[0])
            done(by_index[index], records)
    finally:
        if started:
            ray.shutdown()
