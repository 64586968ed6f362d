"""The local engine: a build's tasks in a process pool (or in this process for one worker)."""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from masthead.engine.processes import pid_alive
from masthead.engine.strip_stage import Call, Done
from masthead.errors import WorkerError

if TYPE_CHECKING:  # the pool's modules load when a pool starts: one shard runs in this process without them
    from concurrent.futures import Future, ProcessPoolExecutor


# What a worker imports for its first call (~0.3 s): imported once by the forkserver, which then
# forks every worker with them loaded ("__main__" is what the forkserver preloads by default)
WORKER_MODULES = ("__main__", "masthead.engine.task", "masthead.pipeline.process", "masthead.engine.strip_stage")


_DIED = ("a worker process died (killed, or out of memory?) while the build ran; nothing "
         "was released and the shards that finished are kept: run the build again to resume")


def _start_method() -> str:
    import multiprocessing

    # forkserver: workers start from a clean interpreter, never a copy of a threaded parent
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def start_forkserver() -> None:
    """Start the forkserver the pool's workers are forked from, with the workers' modules, now.

    Called as a build starts: the forkserver imports them on another core while this process
    reads its settings and inputs, instead of each worker importing them once the shards are
    ready to run (measured on a rebuild of one changed shard at 100k documents: 0.37 s from the
    first call submitted to a worker starting it, ~0.2 s of the rebuild saved)."""
    import multiprocessing

    if _start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_MODULES))
    forkserver.ensure_running()


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


class LocalPool:
    """Runs calls in a process pool kept for the whole build, or in this process for one worker.

    One pool serves every stage (the shards, then the repeated-line stripping), so workers
    start once. ``run`` calls ``done(key, result)`` as each call finishes, in any order."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context(_start_method()),
                                             initializer=exit_with, initargs=(os.getpid(),))
        return self._pool

    def start(self, fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Start ``fn(*args)`` on a worker while this process goes on; the function returned waits
        for its result. With one worker it runs then, in this process (nothing runs beside it)."""
        if self.workers == 1:
            return lambda: fn(*args)
        from concurrent.futures.process import BrokenProcessPool

        future = self._executor().submit(fn, *args)

        def result() -> Any:
            try:
                return future.result()
            except BrokenProcessPool as exc:
                raise WorkerError(_DIED) from exc

        return result

    def run(self, calls: Sequence[Call], done: Done) -> None:
        if self.workers == 1 or len(calls) == 1:
            for key, fn, args in calls:
                done(key, fn(*args))
            return
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pool = self._executor()
        pending: dict[Future[Any], Any] = {}
        queue = list(calls)
        # keep the pool busy but the queue short: a failure stops the build early
        while queue or pending:
            while queue and len(pending) < 2 * self.workers:
                key, fn, args = queue.pop(0)
                pending[pool.submit(fn, *args)] = key
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                key = pending.pop(future)
                try:
                    done(key, future.result())
                except BrokenProcessPool as exc:
                    for other in pending:
                        other.cancel()
                    raise WorkerError(_DIED) from exc
                except BaseException:
                    for other in pending:
                        other.cancel()
                    raise
