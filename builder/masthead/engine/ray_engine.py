"""The Ray engine: the same shard function as Ray Core tasks (``pip install masthead[ray]``).

Ray Core tasks over shards, not Ray Data: each task runs the same function a local worker
would (:func:`masthead.engine.task.run_shard`, then the stripping stage) and writes its
shard's outputs to the work folder, so the merge and the
release are the same code and the same bytes. The work folder must be reachable by every
node (a local path on one machine, a shared file system on a cluster).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from masthead.engine.strip_stage import Call, Done
from masthead.errors import ConfigError


class RayPool:
    """Runs calls as Ray tasks on the cluster at ``address`` (None: a local Ray instance).

    Ray is started once for the whole build (every stage) and stopped at the end if this
    build started it."""

    def __init__(self, workers: int | None, address: str | None) -> None:
        self.workers, self.address = workers, address
        self._started = False

    def __enter__(self) -> RayPool:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("--engine ray needs Ray: pip install 'masthead[ray]'") from exc
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                options["address"] = self.address
            elif self.workers:
                options["num_cpus"] = self.workers
            ray.init(**options)
            self._started = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def start(self, fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """``fn(*args)`` run in this process when its result is asked for: what a build starts this way
        (the diff against the previous release) reads ``dist/``, which the cluster's nodes need not reach."""
        return lambda: fn(*args)

    def run(self, calls: Sequence[Call], done: Done) -> None:
        import ray

        remote: dict[Callable[..., Any], Any] = {}
        keys: dict[Any, Any] = {}
        pending = []
        for key, fn, args in calls:
            if fn not in remote:
                remote[fn] = ray.remote(fn)
            ref = remote[fn].remote(*args)
            keys[ref] = key
            pending.append(ref)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            done(keys[ready[0]], ray.get(ready[0]))
