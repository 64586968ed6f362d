"""A build on a real two-node Ray cluster (`ray start`, on loopback) gives the local release byte for
byte, with shards run on both nodes; a cluster address nothing Ray answers at, or a driver without
the cluster's token, is a clear error, soon."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.ray_nodes import HEAD_IP, NODE_IP, free_port, two_nodes
from tests.test_engine import build, corpus_files, release_bytes
from typer.testing import Result

import masthead
from masthead.engine import ray_engine
from masthead.engine import shards as shard_plan

pytest.importorskip("ray")

BUILDER = str(Path(masthead.__file__).resolve().parents[1])  # the masthead the test runs: the nodes import it too

# the driver: `masthead build` in a process of its own, with the test's small shards (the shard plan is the driver's)
DRIVER = ("import sys; import masthead.engine.shards as shards; shards.TARGET_BYTES = int(sys.argv.pop(1)); "
          "from masthead.cli import main; main()")


SENTENCE = ("the minister said talks between both governments would resume after the summit in june while "
         "officials in the capital denied reports that an agreement on trade tariffs energy prices and border "
         "security had been reached late on tuesday analysts expect markets to react strongly as investors weigh "
         "new figures on inflation growth and jobs published by the central bank this week")
WORDS = SENTENCE.split()
TARGET = 400_000  # bytes a shard: each file of articles below (~1 MB, split only past 1.6 MB) is one shard


def articles(files: int = 8, per_file: int = 400) -> dict[str, str | bytes]:
    """``corpus_files()`` (rejects and duplicates across files) and ``files`` files of ``per_file``
    articles of ~2.5 KB of shuffled words: shards that take a worker about half a second, against
    the tenths (up to a second, measured) by which one node's first worker may start before the
    other's and take the shards waiting."""
    rng = random.Random(22)
    out = corpus_files()
    for f in range(files):
        rows = [{"id": f"a{f}-{i}", "title": f"Report {f} {i}", "outlet": "Reuters", "date": "2018-07-16",
                 "text": "\n\n".join(" ".join(rng.choices(WORDS, k=80)).capitalize() + "." for _ in range(5))}
                for i in range(per_file)]
        out[f"news-{f:02d}.jsonl"] = "".join(json.dumps(row) + "\n" for row in rows)
    return out


@pytest.mark.slow
def test_a_two_node_cluster_runs_shards_on_both_nodes_and_gives_the_local_release(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", TARGET)
    files = articles()
    local = make_project(files, name="same")
    on_cluster = make_project(files, name="other")
    toml = on_cluster / "pyproject.toml"
    toml.write_text(toml.read_text().replace('name = "other"', 'name = "same"'))
    expected = build(run_cli, local, "--workers", "2")
    with two_nodes(BUILDER) as nodes:
        # a driver without the cluster's token: a clear error, after Ray's retries (cut to 2 here)
        wrong = nodes.temp / "wrong_token"
        wrong.write_text("0" * 64)
        refused = subprocess.run([sys.executable, "-m", "masthead", "build", "--engine", "ray", "--ray-address", nodes.address],
                                 cwd=on_cluster, env={**nodes.env, "RAY_AUTH_TOKEN_PATH": str(wrong),
                                                      "RAY_gcs_server_port_wait_time_s": "2"},
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr[-3000:]
        assert f"Error: cannot connect to the Ray cluster at {nodes.address}: " in refused.stderr
        assert "InvalidAuthToken" in refused.stderr and "RAY_AUTH_TOKEN_PATH=FILE" in refused.stderr
        done = subprocess.run([sys.executable, "-c", DRIVER, str(TARGET), "build", "--json", "--engine", "ray",
                               "--ray-address", nodes.address], cwd=on_cluster, env=nodes.env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:] + nodes.log("head") + nodes.log("node")
    # stopped without `ray stop`: each node's `ray start --block` ended what it started, and nothing was left
    assert all(p.returncode is not None for p in nodes.processes) and not nodes.temp.exists()
    assert nodes.leftovers == []
    report = json.loads(done.stdout)
    assert report["counts"] == expected["counts"] and report["counts"]["published"] == 49 + 8 * 400
    assert release_bytes(on_cluster) == release_bytes(local)
    # every shard ran once, and both nodes ran some
    by_address = {node["address"]: node["shards"] for node in report["nodes"]}
    assert sorted(by_address) == [HEAD_IP, NODE_IP], report["nodes"]
    assert all(by_address.values()), report["nodes"]
    ran = [name for names in by_address.values() for name in names]
    planned = len([p for p in (on_cluster / ".masthead" / "cache").iterdir() if p.is_dir()])  # a folder a shard
    assert len(ran) == len(set(ran)) == planned >= 8, (ran, planned)
    assert len({node["node_id"] for node in report["nodes"]}) == 2


def test_a_local_build_reports_no_nodes(make_project: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    report = build(run_cli, make_project(corpus_files(2, 2)), "--workers", "1")
    assert report["nodes"] == []


def _refuses(run_cli: Callable[..., Result], project: Path, address: str) -> str:
    started = time.monotonic()
    result = run_cli("build", "--engine", "ray", "--ray-address", address, cwd=project)
    assert time.monotonic() - started < ray_engine.CONNECT_TIMEOUT + 5
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.output.startswith("Error: ")
    assert [p for p in (project / "dist").rglob("*") if p.is_file()] == []  # no release, no leftovers
    return result.output


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word (not a Ray head)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def http_port() -> Iterator[int]:
    """A loopback port where an HTTP/1.1 server answers every connection with a 400 (as a dashboard would)."""
    server = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join(timeout=5)


def test_an_address_nothing_listens_at_is_refused_at_once(make_project: Callable[..., Path],
                                                          run_cli: Callable[..., Result]) -> None:
    port = free_port()
    output = _refuses(run_cli, make_project(corpus_files(1, 1)), f"127.0.0.1:{port}")
    assert f"cannot reach the Ray cluster at 127.0.0.1:{port} (Connection refused)" in output
    assert "ray start --head" in output


def test_a_head_that_never_answers_is_refused_after_the_timeout(
    make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, silent_port: int
) -> None:
    monkeypatch.setattr(ray_engine, "CONNECT_TIMEOUT", 0.5)
    started = time.monotonic()
    output = _refuses(run_cli, make_project(corpus_files(1, 1)), f"127.0.0.1:{silent_port}")
    assert time.monotonic() - started >= 0.5
    assert f"cannot reach the Ray cluster at 127.0.0.1:{silent_port} (no answer within 0.5 s)" in output


def test_a_port_that_is_not_a_ray_head_is_refused(make_project: Callable[..., Path], run_cli: Callable[..., Result],
                                                 http_port: int) -> None:
    output = _refuses(run_cli, make_project(corpus_files(1, 1)), f"127.0.0.1:{http_port}")
    assert f"127.0.0.1:{http_port} answers, but not as a Ray cluster's head" in output


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.1:port", "127.0.0.1:70000", ":6379"])
def test_an_address_without_a_port_is_refused(make_project: Callable[..., Path], run_cli: Callable[..., Result],
                                              address: str) -> None:
    output = _refuses(run_cli, make_project(corpus_files(1, 1)), address)
    assert f"--ray-address {address!r} is not host:port" in output
