"""The Ray engine: the same shard function as Ray Core tasks (``pip install masthead[ray]``).

Ray Core tasks over shards, not Ray Data: each task runs the same function a local worker
would (:func:`masthead.engine.task.run_shard`, then the stripping stage) and writes its
shard's outputs to the work folder, so the merge and the
release are the same code and the same bytes. The work folder must be reachable by every
node: a local path on one machine, a shared file system on a cluster, or a URL in object
storage (``--work s3://…``: each task then reads its inputs from the bucket and writes its
outputs there, :mod:`masthead.storage.remote_shards`). A task that fails with the build's own
error (a refused upload, say) fails the build with that error, as it would locally.

Tasks are spread over the cluster's nodes, and each reports the node it ran on
(``RayPool.ran_on``): the build report lists which node ran each shard. A cluster address
nothing answers at is refused within ``CONNECT_TIMEOUT`` seconds, before Ray is asked: Ray's
own connection retries last minutes (docs/how-to/ray-cluster.md has the recipe for a cluster).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from masthead.engine.strip_stage import Call, Done
from masthead.errors import ConfigError, MastheadError

CONNECT_TIMEOUT = 10.0  # seconds to wait for the cluster's head to accept a connection
NO_CHECK = ("auto", "local")  # addresses Ray resolves itself (a cluster started on this machine)
_FIX = ("start the cluster's head with `ray start --head --port=6379` and give its address, "
        "e.g. --ray-address 10.0.0.5:6379 (see docs/how-to/ray-cluster.md)")
_TOKEN_FIX = ("the cluster authenticates with a token: give this process the token its nodes have "
              "(RAY_AUTH_MODE=token and RAY_AUTH_TOKEN_PATH=FILE, see docs/how-to/ray-cluster.md)")


def split_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port``, an optional ``ray://``) of a Ray address, or a ConfigError."""
    rest = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = rest.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--ray-address {address!r} is not host:port; {_FIX}")
    return host, int(port)


# A head's GCS is a gRPC server: to the HTTP/2 client preface and an empty SETTINGS frame it
# answers with its own SETTINGS frame (RFC 9113, 3.4); a port that is not one never does
_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
_SETTINGS = 4


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Refuse a cluster address where no gRPC server (a head's GCS) answers within ``timeout`` seconds.

    ``ray.init`` retries such an address for minutes before it fails with a traceback (measured on
    this machine: still retrying after 200 s at a closed port, and after 50 s at a port another
    server listens at, when stopped); one connection tells sooner."""
    if address in NO_CHECK:
        return
    import socket
    import time

    host, port = split_address(address)
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(_PREFACE)
            head = b""
            while len(head) < 9:
                conn.settimeout(max(0.001, deadline - time.monotonic()))  # the whole check within ``timeout``
                chunk = conn.recv(9 - len(head))
                if not chunk:
                    break
                head += chunk
    except OSError as exc:
        reason = f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise ConfigError(f"cannot reach the Ray cluster at {address} ({reason}); {_FIX}") from exc
    if len(head) < 9 or head[3] != _SETTINGS:
        raise ConfigError(f"{address} answers, but not as a Ray cluster's head (its GCS port, 6379 unless "
                          f"`ray start --head --port` chose another); {_FIX}")


def what_ray_said(exc: BaseException | None) -> str:
    """What a Ray error and its cause say (where Ray puts why: a wrong token, say), a line each.

    Ray words some of its errors as a formatted traceback ("Last connection error: Traceback
    …"): of those, the line naming the exception at its end, never the traceback itself."""
    import re

    said: list[str] = []
    while exc is not None and len(said) < 2:
        text = str(exc).strip()
        if "Traceback (most recent call last)" in text:
            named = [line for line in text.splitlines() if re.match(r"[A-Za-z_][\w.]*(Error|Exception)\b", line)]
            text = named[-1] if named else text.split("Traceback", 1)[0]
        said.append(text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__)
        exc = exc.__cause__
    return ": ".join(said)


def on_node(fn: Callable[..., Any], *args: Any) -> tuple[tuple[str, str], Any]:
    """``fn(*args)`` in a Ray task, with the id and address of the node that ran it."""
    import ray

    return (ray.get_runtime_context().get_node_id(), ray.util.get_node_ip_address()), fn(*args)


class RayPool:
    """Runs calls as Ray tasks on the cluster at ``address`` (None: a local Ray instance).

    Ray is started once for the whole build (every stage) and stopped at the end if this
    build started it."""

    def __init__(self, workers: int | None, address: str | None) -> None:
        self.workers, self.address = workers, address
        self._started = False
        self.ran_on: list[tuple[Any, tuple[str, str]]] = []  # (call's key, (node id, node address) that ran it)

    def __enter__(self) -> RayPool:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("--engine ray needs Ray: pip install 'masthead[ray]'") from exc
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                check_reachable(self.address, CONNECT_TIMEOUT)
                options["address"] = self.address
            elif self.workers:
                options["num_cpus"] = self.workers
            try:
                ray.init(**options)
            except (ConnectionError, RuntimeError, ValueError, ray.exceptions.RayError) as exc:
                said = what_ray_said(exc)
                if self.address:
                    fix = _TOKEN_FIX if "token" in said.lower() else _FIX
                    raise ConfigError(f"cannot connect to the Ray cluster at {self.address}: {said}; {fix}") from exc
                raise ConfigError(f"cannot start a local Ray instance: {said}; run without --engine ray, "
                                  "or give a running cluster's --ray-address") from exc
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

        # SPREAD: a build's tasks go to every node of the cluster, not first to the one beside the driver
        task = ray.remote(on_node).options(scheduling_strategy="SPREAD")
        keys: dict[Any, Any] = {}
        pending = []
        for key, fn, args in calls:
            ref = task.remote(fn, *args)
            keys[ref] = key
            pending.append(ref)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            try:
                node, result = ray.get(ready[0])
            except ray.exceptions.RayTaskError as exc:  # the build's own error, as it was raised on the node
                if isinstance(exc.cause, MastheadError):
                    for ref in pending:
                        ray.cancel(ref)
                    raise exc.cause from None
                raise
            self.ran_on.append((keys[ready[0]], node))
            done(keys[ready[0]], result)
