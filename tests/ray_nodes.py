"""A real two-node Ray cluster on loopback, started with `ray start` the way a cluster's nodes are.

Each node is a `ray start --block` process of its own, with its own temp dir, and its own
loopback address: the head at 127.0.0.2, the second node at 127.0.0.3 (Ray replaces 127.0.0.1
and `localhost` by the machine's outward address, and no traffic may leave loopback; any
127.x address is kept as given). Every port Ray would otherwise take at a fixed default (the
GCS's 6379, the dashboard's 8265, the dashboard agents' 52365) is a free one, and workers take
ports the system picks, so the cluster runs beside other Ray instances on the machine. The
cluster uses token authentication with a token of its own (``RAY_AUTH_TOKEN_PATH``, in its
temp dir), never the user's ``~/.ray/auth_token``.

Stopping never runs `ray stop` (which ends every Ray process on the machine): each `ray start
--block` process is sent SIGTERM, which makes it stop the processes it started; whatever is
left of them after that (a process whose command line names this cluster's temp dir) is killed
by its pid.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HEAD_IP, NODE_IP = "127.0.0.2", "127.0.0.3"
START_TIMEOUT = 60.0  # seconds for both nodes to be up and registered


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class RayNodes:
    """The running cluster: its address, the environment a driver needs to join it, its processes."""

    address: str
    env: dict[str, str]
    temp: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # processes still running after the nodes stopped, killed

    def log(self, name: str) -> str:
        path = self.temp / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _ray_command() -> str:
    ray = Path(sys.executable).with_name("ray")
    return str(ray) if ray.exists() else shutil.which("ray") or "ray"


def _start(nodes: RayNodes, name: str, args: list[str]) -> None:
    log = (nodes.temp / f"{name}.log").open("wb")
    common = ["--block", "--num-cpus=1", "--disable-usage-stats", f"--temp-dir={nodes.temp / name}",
              f"--dashboard-agent-listen-port={free_port()}", "--min-worker-port=0", "--max-worker-port=0",
              f"--object-store-memory={100 * 1024 * 1024}"]
    # a session of its own: the node's processes are this process's children, never the test's
    nodes.processes.append(subprocess.Popen([_ray_command(), "start", *args, *common], env=nodes.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True))
    log.close()


def _wait_for_port(nodes: RayNodes, host: str, port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in nodes.processes):
            raise RuntimeError(f"a Ray node exited while starting:\n{nodes.log('head')}")
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the Ray head did not open {host}:{port}:\n{nodes.log('head')}")


_COUNT_NODES = """
import sys, time, ray
ray.init(address=sys.argv[1], include_dashboard=False, log_to_driver=False)
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    alive = sorted(n["NodeManagerAddress"] for n in ray.nodes() if n["Alive"])
    if len(alive) >= 2:
        break
    time.sleep(0.3)
print(" ".join(alive))
"""


def _wait_for_nodes(nodes: RayNodes, deadline: float) -> list[str]:
    """The alive nodes' addresses, asked of the cluster by a driver of its own (the test process never joins)."""
    left = max(1.0, deadline - time.monotonic())
    done = subprocess.run([sys.executable, "-c", _COUNT_NODES, nodes.address, str(left)], env=nodes.env,
                          capture_output=True, text=True, timeout=left + 30)
    if done.returncode != 0:
        raise RuntimeError(f"cannot ask the cluster for its nodes:\n{done.stderr[-3000:]}")
    return done.stdout.split()


def stop(nodes: RayNodes) -> None:
    """SIGTERM each `ray start --block` (it stops its own processes), then kill by pid what remains."""
    for process in reversed(nodes.processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in nodes.processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only the processes it started
            process.wait(timeout=10)
    nodes.leftovers = _kill_leftovers(str(nodes.temp))
    shutil.rmtree(nodes.temp, ignore_errors=True)


def _kill_leftovers(marker: str) -> list[str]:
    """Kill (by pid) every process whose command line names ``marker``; their command lines."""
    import psutil  # Ray's own dependency

    killed = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            if marker in cmdline:
                proc.kill()
                killed.append(f"{proc.pid}: {cmdline[:200]}")
        except psutil.Error:
            pass
    return killed


@contextmanager
def two_nodes(pythonpath: str) -> Iterator[RayNodes]:
    """A head and a second node, each with one CPU, whose workers import masthead from ``pythonpath``."""
    temp = Path(tempfile.mkdtemp(prefix="mh-ray-", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    token = temp / "auth_token"
    token.write_text(secrets.token_hex(32))
    token.chmod(0o600)
    port = free_port(HEAD_IP)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (pythonpath, os.environ.get("PYTHONPATH")) if p),
           "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token), "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_ENABLE_UV_RUN_RUNTIME_ENV": "0",
           # a worker started ahead on each node as it starts, not on the head alone when the driver joins
           # (Ray's default): otherwise the head's warm worker takes nearly every task of a small build
           "RAY_num_prestart_python_workers": "1", "RAY_prestart_worker_first_driver": "0"}
    env.pop("RAY_ADDRESS", None)
    nodes = RayNodes(f"{HEAD_IP}:{port}", env, temp)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        _start(nodes, "head", ["--head", f"--node-ip-address={HEAD_IP}", f"--port={port}", "--include-dashboard=false",
                               f"--dashboard-port={free_port()}"])
        _wait_for_port(nodes, HEAD_IP, port, deadline)
        _start(nodes, "node", [f"--address={nodes.address}", f"--node-ip-address={NODE_IP}"])
        alive = _wait_for_nodes(nodes, deadline)
        if alive != [HEAD_IP, NODE_IP]:
            raise RuntimeError(f"expected the nodes {HEAD_IP} and {NODE_IP} alive, found {alive}:\n{nodes.log('node')}")
        yield nodes
    finally:
        stop(nodes)
