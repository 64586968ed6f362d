"""The local engine: shards in a process pool (or in this process for one worker)."""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from masthead.engine.shards import Shard
from masthead.engine.task import ShardJob, run_shard
from masthead.errors import WorkerError
from masthead.processes import pid_alive

Done = Callable[[Shard, int], None]


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def exit_with(build_pid: int) -> None:
    """Pool initializer: the worker exits as soon as the build that started it is gone.

    A build killed with SIGKILL cannot stop its pool, and a worker (whose parent is the
    forkserver) would otherwise wait for work forever, or finish its shard behind the back of
    the next build. A pidfd turns readable when the process ends; without one, poll.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(build_pid)
        except (AttributeError, OSError):
            while pid_alive(build_pid):
                time.sleep(0.5)
        else:
            select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-build", daemon=True).start()


def run_local(todo: Sequence[tuple[Shard, Path]], job: ShardJob, workers: int, done: Done) -> None:
    """Run every (shard, output folder) in ``todo``; ``done(shard, records)`` as each finishes."""
    workers = max(1, min(workers, len(todo)))
    if workers == 1:
        for shard, folder in todo:
            done(shard, run_shard(shard, job, folder))
        return
    # forkserver: workers start from a clean interpreter, never a copy of a threaded parent
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=exit_with, initargs=(os.getpid(),)) as pool:
        pending: dict[Future[int], Shard] = {}
        queue = list(todo)
        # keep the pool busy but the queue short: a failure stops the build early
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                shard, folder = queue.pop(0)
                pending[pool.submit(run_shard, shard, job, folder)] = shard
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                shard = pending.pop(future)
                try:
                    done(shard, future.result())
                except BrokenProcessPool as exc:
                    for other in pending:
                        other.cancel()
                    raise WorkerError(
                        "a worker process died (killed, or out of memory?) while shards were running; nothing "
                        "was released and the shards that finished are kept: run the build again to resume"
                    ) from exc
                except BaseException:
                    for other in pending:
                        other.cancel()
                    raise
