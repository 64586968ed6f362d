"""A build on a real two-node Ray cluster (on loopback) from and to object storage (moto's S3 server on
loopback), with no file system shared between the driver and the nodes' tasks: the raw folder, the
shards' work folder and the dist folder are s3:// URLs; the release equals the local build's byte for
byte, shards ran on both nodes, and no document was ever on the driver's disk."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests import test_storage
from tests.ray_nodes import HEAD_IP, NODE_IP, two_nodes
from tests.test_engine import build
from tests.test_ray_cluster import BUILDER, DRIVER, TARGET, articles
from typer.testing import Result

from masthead.engine import shards as shard_plan
from masthead.storage.location import staging_dir

pytest.importorskip("ray")

# the loopback S3 server and a fresh bucket, with the environment its client reads (test_storage's)
s3_server = test_storage.s3_server
s3 = test_storage.s3
BUCKET = test_storage.BUCKET


def _release_files(project: Path) -> dict[str, bytes]:
    root = project / "dist"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_two_node_cluster_builds_from_object_storage_with_no_shared_disk(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shard_plan, "TARGET_BYTES", TARGET)
    files = articles()
    local = make_project(files, name="same")
    expected = build(run_cli, local, "--workers", "2")
    test_storage._upload(s3, local / "raw", "raw")
    driver = local.parent / "driver"  # the corpus's settings only: no raw, dist or state folder
    driver.mkdir()
    for name in ("pyproject.toml", "CITATION.cff"):
        shutil.copyfile(local / name, driver / name)
    raw_url = f"s3://{BUCKET}/raw"
    with two_nodes(BUILDER) as nodes:  # started after the s3 fixture: each node's environment has the store's
        done = subprocess.run([sys.executable, "-c", DRIVER, str(TARGET), "build", "--json", "--engine", "ray",
                               "--ray-address", nodes.address, "--raw", raw_url, "--work", f"s3://{BUCKET}/work",
                               "--dist", f"s3://{BUCKET}/dist"], cwd=driver, env=nodes.env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:] + nodes.log("head") + nodes.log("node")
        logs = {str(p): p.read_bytes() for p in nodes.temp.rglob("*") if p.is_file() and not p.is_symlink()}
    assert nodes.leftovers == []
    report = json.loads(done.stdout)
    assert report["counts"] == expected["counts"] and report["counts"]["published"] == 49 + 8 * 400
    remote = test_storage._objects(s3, "dist")
    assert remote == _release_files(local) and len(remote) > 5
    # both nodes ran shards, each shard once, and each wrote its outputs to the work URL
    by_address = {node["address"]: node["shards"] for node in report["nodes"]}
    assert sorted(by_address) == [HEAD_IP, NODE_IP] and all(by_address.values()), report["nodes"]
    ran = [name for names in by_address.values() for name in names]
    work = test_storage._objects(s3, "work")
    entries = {name.split("/")[1] for name in work if name.startswith("cache/") and name.endswith("/done")}
    assert len(ran) == len(set(ran)) == len(entries) >= 8, (ran, entries)
    # the driver never had a document: its raw folder's stand-in is empty, nothing else of raw/ is here
    stand_in = staging_dir(driver, raw_url) / "raw"
    assert stand_in.is_dir() and list(stand_in.iterdir()) == []
    assert not [p for p in driver.rglob("*") if p.name in {Path(name).name for name in files}]
    # no credential in the driver's output, the nodes' logs, the store or the driver's files
    test_storage._no_secret({"stdout": done.stdout.encode(), "stderr": done.stderr.encode()}, "the driver's")
    test_storage._no_secret(logs, "the Ray nodes'")
    test_storage._no_secret(work, "the work folder's")
    test_storage._no_secret({str(p): p.read_bytes() for p in driver.rglob("*") if p.is_file()}, "the driver's")
