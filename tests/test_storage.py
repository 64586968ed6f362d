"""Raw and dist folders in object storage, against moto's S3 server on loopback driven by s3fs.

The server keeps real state and speaks the S3 protocol; the client is the real one (s3fs over
aiobotocore), configured only from the environment (AWS_ENDPOINT_URL and dummy keys). Every
connection the test makes is checked to go to 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

SECRET = "masthead-test-secret-d41d8cd98f00b204"
ACCESS_KEY = "AKIAMASTHEADTESTKEY1"
BUCKET = "corpus-bucket"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """A fresh bucket; the environment the client reads points at the loopback server only."""
    import s3fs

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254 for credentials
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    elsewhere: list[str] = []
    loopback: list[str] = []
    real_connect = socket.socket.connect

    def loopback_only(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not ipaddress.ip_address(host.split("%")[0]).is_loopback:
            elsewhere.append(str(address))
            raise OSError(f"connection to {address} refused by the test: loopback only")
        loopback.append(str(address))
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    s3fs.S3FileSystem.clear_instance_cache()
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    s3fs.S3FileSystem.clear_instance_cache()
    assert elsewhere == [], f"connections to other addresses than loopback: {elsewhere}"
    assert loopback, "the guard saw no connection: it would not see one elsewhere either"


def _upload(client: Any, folder: Path, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            client.put_object(Bucket=BUCKET, Key=f"{prefix}/{path.relative_to(folder).as_posix()}", Body=path.read_bytes())


def _objects(client: Any, prefix: str) -> dict[str, bytes]:
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            found[item["Key"][len(prefix) + 1:]] = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
    return found


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _remote_project(project: Path) -> Path:
    """The project's settings and corpus metadata with no raw, dist or state folder of its own."""
    other = project.parent / "remote-project"
    other.mkdir()
    for name in ("pyproject.toml", "CITATION.cff"):
        shutil.copyfile(project / name, other / name)
    if (project / "schema").is_dir():
        shutil.copytree(project / "schema", other / "schema")
    return other


def _no_secret(texts: dict[str, bytes], where: str) -> None:
    for name, data in texts.items():
        assert SECRET.encode() not in data, f"the secret key is in {where} {name}"
        assert ACCESS_KEY.encode() not in data, f"the access key id is in {where} {name}"


def test_s3_in_and_out_equals_the_local_release_byte_for_byte(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    project = make_project({"extra/b.jsonl": '{"id": "b", "url": "https://example.org/b", "text": "Another text."}\n'},
                           seeds=True)
    local = run_cli("build", "--workers", "1", "--json", cwd=project)
    assert local.exit_code == 0, local.output
    local_report = json.loads(local.output)
    local_release = Path(local_report["release"])
    _upload(s3, project / "raw", "news/raw")
    other = _remote_project(project)
    raw_url, dist_url = f"s3://{BUCKET}/news/raw", f"s3://{BUCKET}/news/dist"

    built = run_cli("build", "--workers", "1", "--json", "--raw", raw_url, "--dist", dist_url, cwd=other)
    assert built.exit_code == 0, built.output
    report = json.loads(built.output)
    assert report["status"] == "built" and report["version"] == local_report["version"]
    assert report["release"] == f"{dist_url}/test-corpus/{report['version']}"
    remote = _objects(s3, f"news/dist/test-corpus/{report['version']}")
    expected = _files(local_release)
    assert sorted(remote) == sorted(expected) and len(expected) > 5
    for name, data in expected.items():
        assert remote[name] == data, f"{name} differs between the s3 and the local release"

    again = run_cli("build", "--workers", "1", "--json", "--raw", raw_url, "--dist", dist_url, cwd=other)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["status"] == "up-to-date"

    s3.put_object(Bucket=BUCKET, Key="news/raw/extra/c.jsonl",
                  Body=b'{"id": "c", "url": "https://example.org/c", "text": "A third text, new."}\n')
    refused = run_cli("build", "--workers", "1", "--raw", raw_url, "--dist", dist_url, cwd=other)
    assert refused.exit_code != 0 and "--bump auto" in refused.output
    bumped = run_cli("build", "--workers", "1", "--json", "--bump", "auto", "--raw", raw_url, "--dist", dist_url, cwd=other)
    assert bumped.exit_code == 0, bumped.output
    second = json.loads(bumped.output)
    assert second["status"] == "built" and second["version"] != report["version"]
    assert second["counts"]["published"] == report["counts"]["published"] + 1
    # both releases committed in the store, the first one untouched
    assert _objects(s3, f"news/dist/test-corpus/{report['version']}") == remote
    assert "SHA256SUMS" in _objects(s3, f"news/dist/test-corpus/{second['version']}")

    outputs = {f"output of run {i}": r.output.encode() for i, r in enumerate((built, again, refused, bumped))}
    _no_secret(outputs, "")
    _no_secret(_objects(s3, "news/dist"), "the store's")
    _no_secret(_files(other), "the project's")


def test_an_unfinished_push_is_no_release_and_is_replaced(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    project = make_project({"a.jsonl": '{"id": "a", "url": "https://example.org/a", "text": "Text."}\n'})
    _upload(s3, project / "raw", "raw")
    s3.put_object(Bucket=BUCKET, Key="dist/test-corpus/1.0.0/manifest.json", Body=b"{half a push")
    result = run_cli("build", "--workers", "1", "--json", "--raw", f"s3://{BUCKET}/raw", "--dist", f"s3://{BUCKET}/dist",
                     cwd=_remote_project(project))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["version"] == "1.0.0"
    pushed = _objects(s3, "dist/test-corpus/1.0.0")
    assert json.loads(pushed["manifest.json"])["version"] == "1.0.0" and "SHA256SUMS" in pushed


def test_a_missing_bucket_is_a_clear_error_without_secrets(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    project = make_project({"a.txt": "Text."})
    result = run_cli("build", "--raw", "s3://no-such-bucket/raw", "--dist", str(project / "dist"), cwd=project)
    assert result.exit_code != 0
    assert "s3://no-such-bucket/raw" in result.output and "Traceback" not in result.output
    _no_secret({"output": result.output.encode()}, "the")


def test_a_key_that_leaves_the_raw_folder_is_refused(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    s3.put_object(Bucket=BUCKET, Key="raw/a.txt", Body=b"Text.")
    s3.put_object(Bucket=BUCKET, Key="raw/../escaped.txt", Body=b"Outside.")
    project = make_project({"a.txt": "Text."})
    result = run_cli("build", "--raw", f"s3://{BUCKET}/raw", cwd=project)
    assert result.exit_code != 0
    assert "outside the raw folder" in result.output
    assert not list(tmp_path.rglob("escaped.txt"))


def test_credentials_in_a_url_never_reach_a_message() -> None:
    from masthead.storage.location import is_url, local_path, redact

    assert redact("s3://user:pa55word@bucket/raw?X-Amz-Signature=abc") == "s3://bucket/raw"
    assert is_url("s3://bucket/raw") and is_url("gs://bucket/raw")
    assert not is_url("file:///tmp/raw") and local_path("file:///tmp/raw") == Path("/tmp/raw")


def test_the_mirror_downloads_only_what_changed_and_drops_what_is_gone(
    s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.storage.remote import RemoteFolder
    from masthead.storage.stage import mirror_inputs

    s3.put_object(Bucket=BUCKET, Key="raw/a.txt", Body=b"First.")
    s3.put_object(Bucket=BUCKET, Key="raw/sub/b.jsonl", Body=b'{"text": "B."}\n')
    downloads: list[str] = []
    real_get = RemoteFolder.get_file

    def counted(self: RemoteFolder, name: str, local: Path) -> None:
        downloads.append(name)
        real_get(self, name, local)

    monkeypatch.setattr(RemoteFolder, "get_file", counted)
    mirror, memo = tmp_path / "mirror" / "raw", tmp_path / "mirror" / "listing.json"
    listed = mirror_inputs(RemoteFolder(f"s3://{BUCKET}/raw"), mirror, memo)
    assert [(f.name, f.size) for f in listed] == [("a.txt", 6), ("sub/b.jsonl", 15)]
    assert all(f.etag and f.mtime for f in listed)
    assert sorted(downloads) == ["a.txt", "sub/b.jsonl"] and (mirror / "sub" / "b.jsonl").read_bytes() == b'{"text": "B."}\n'

    downloads.clear()
    mirror_inputs(RemoteFolder(f"s3://{BUCKET}/raw"), mirror, memo)
    assert downloads == []  # nothing changed in the store: nothing fetched, the local stat (and hash memo) kept

    s3.put_object(Bucket=BUCKET, Key="raw/a.txt", Body=b"Changed!")
    s3.delete_object(Bucket=BUCKET, Key="raw/sub/b.jsonl")
    mirror_inputs(RemoteFolder(f"s3://{BUCKET}/raw"), mirror, memo)
    assert downloads == ["a.txt"] and (mirror / "a.txt").read_bytes() == b"Changed!"
    assert sorted(p.relative_to(mirror).as_posix() for p in mirror.rglob("*")) == ["a.txt"]


def test_validate_reads_a_raw_folder_in_the_store(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    s3.put_object(Bucket=BUCKET, Key="raw/a.jsonl", Body=b'{"id": "a", "text": "Text."}\n{"id": "b"}\n')
    project = make_project({"unused.txt": "Not read."})
    result = run_cli("validate", "--json", "--raw", f"s3://{BUCKET}/raw", cwd=project)
    report = json.loads(result.output)
    assert report["counts"]["input_records"] == 2 and report["counts"]["rejected"] == 1


def test_folders_in_settings_may_be_urls(tmp_path: Path) -> None:
    from masthead.settings import load_settings

    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.masthead]\nname = "c"\nraw = "s3://bucket/news/raw"\n'
                                            f'dist = "file://{tmp_path}/out"\n', encoding="utf-8")
    settings = load_settings(project)
    assert settings.raw_url == "s3://bucket/news/raw" and settings.raw.name == "raw"
    assert settings.raw.is_relative_to(project / ".masthead" / "remote")
    assert settings.dist_url is None and settings.dist == tmp_path / "out"
    assert load_settings(project, dist="s3://bucket/dist").dist_url == "s3://bucket/dist"
    assert settings.work is None
    (project / "pyproject.toml").write_text('[tool.masthead]\nname = "c"\nraw = "s3://bucket/news/raw"\n'
                                            'work = "s3://bucket/news/work"\n', encoding="utf-8")
    assert load_settings(project).work == "s3://bucket/news/work"
    assert load_settings(project, work="gs://other/work").work == "gs://other/work"  # --work wins


def test_a_protocol_whose_package_is_missing_is_a_clear_error(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    import importlib.util

    if importlib.util.find_spec("gcsfs") is not None:
        pytest.skip("gcsfs is installed")
    project = make_project({"a.txt": "Text."})
    result = run_cli("build", "--dist", "gs://bucket/dist", cwd=project)
    assert result.exit_code != 0 and "gs://bucket/dist" in result.output and "gcsfs" in result.output
    assert "Traceback" not in result.output


def test_a_committed_remote_release_is_never_overwritten(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    project = make_project({"a.jsonl": '{"id": "a", "url": "https://example.org/a", "text": "Text."}\n'})
    _upload(s3, project / "raw", "raw")
    other = _remote_project(project)
    args = ("--workers", "1", "--raw", f"s3://{BUCKET}/raw", "--dist", f"s3://{BUCKET}/dist")
    assert run_cli("build", *args, cwd=other).exit_code == 0
    before = _objects(s3, "dist/test-corpus/1.0.0")
    s3.put_object(Bucket=BUCKET, Key="raw/b.jsonl", Body=b'{"id": "b", "url": "https://example.org/b", "text": "More."}\n')
    again = run_cli("build", *args, "--version", "1.0.0", cwd=other)
    assert again.exit_code != 0 and "never overwritten" in again.output
    assert f"s3://{BUCKET}/dist/test-corpus/1.0.0" in again.output and str(other) not in again.output
    assert _objects(s3, "dist/test-corpus/1.0.0") == before


def test_a_work_url_builds_from_the_store_without_a_local_mirror_and_shares_its_shards(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.engine import shards as shard_plan
    from masthead.engine import task
    from masthead.schema import default_schema_dir
    from masthead.storage import remote_inputs, remote_shards
    from masthead.storage.location import staging_dir

    monkeypatch.setattr(shard_plan, "TARGET_BYTES", 2000)  # several shards
    project = make_project({"extra/b.jsonl": '{"id": "b", "url": "https://example.org/b", "text": "Another text."}\n',
                            ".hidden/x.txt": "Never read.", "old/1.0.0/SHA256SUMS": "", "old/1.0.0/manifest.json": "{}"},
                           seeds=True)
    shutil.copytree(default_schema_dir(), project / "schema")  # a schema folder of the project's own
    local = run_cli("build", "--workers", "1", "--json", cwd=project)
    assert local.exit_code == 0, local.output
    local_report = json.loads(local.output)
    _upload(s3, project / "raw", "news/raw")
    other = _remote_project(project)
    seen_schemas: list[Path | None] = []
    real_run_shard = task.run_shard

    def run_shard(shard: Any, job: Any, folder: Path) -> int:
        seen_schemas.append(job.ctx.schema_dir)
        return real_run_shard(shard, job, folder)

    monkeypatch.setattr(task, "run_shard", run_shard)  # one worker: the tasks run in this process
    raw_url, work_url = f"s3://{BUCKET}/news/raw", f"s3://{BUCKET}/news/work"
    args = ("--workers", "1", "--json", "--raw", raw_url, "--work", work_url)

    built = run_cli("build", *args, "--dist", f"s3://{BUCKET}/news/dist", cwd=other)
    assert built.exit_code == 0, built.output
    report = json.loads(built.output)
    assert report["counts"] == local_report["counts"] and report["skipped"] == local_report["skipped"]
    assert _objects(s3, f"news/dist/test-corpus/{report['version']}") == _files(Path(local_report["release"]))
    # no document was ever on this machine's disk: the raw folder's stand-in is empty (no manifest here)
    # each task read the project's schemas from the copy that came with it, not from the driver's folder
    assert seen_schemas and all(found is not None and not found.is_relative_to(other) for found in seen_schemas)
    stand_in = staging_dir(other, raw_url) / "raw"
    assert stand_in.is_dir() and list(stand_in.rglob("*")) == []
    work = _objects(s3, "news/work")
    entries = {name.split("/")[1] for name in work if name.startswith("cache/")}
    local_entries = {p.name for p in (project / ".masthead" / "cache").iterdir()}
    assert entries == local_entries and len(entries) > 3  # the same shards, by the same keys
    assert all(f"cache/{key}/done" in work and f"cache/{key}/docs.parquet" in work for key in entries)
    hashes = json.loads(work["hashes.json"])
    assert {name: row[3] for name, row in hashes.items()} == {entry["path"]: entry["sha256"] for entry in
                                                              json.loads(_files(Path(local_report["release"]))
                                                                         ["manifest.json"])["inputs"]}

    # another machine (no local state) builds the same inputs from the work URL's shards: no task runs
    def no_task(*args: Any) -> int:
        raise AssertionError("a shard ran although the work URL holds it done")

    def no_hash(*args: Any) -> str:
        raise AssertionError("a file was hashed again although the work URL holds its hash")

    monkeypatch.setattr(remote_shards, "run_remote_shard", no_task)
    monkeypatch.setattr(remote_inputs, "sha256_of", no_hash)
    shutil.rmtree(other / ".masthead")
    again = run_cli("build", *args, "--dist", f"s3://{BUCKET}/news/dist2", cwd=other)
    assert again.exit_code == 0, again.output
    assert _objects(s3, f"news/dist2/test-corpus/{report['version']}") == _files(Path(local_report["release"]))

    checked = run_cli("validate", "--json", "--workers", "1", "--raw", raw_url, "--work", work_url, cwd=other)
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["counts"] == local_report["counts"]

    outputs = {f"output of run {i}": r.output.encode() for i, r in enumerate((built, again, checked))}
    _no_secret(outputs, "")
    _no_secret(_objects(s3, "news/work"), "the store's")
    _no_secret(_files(other), "the project's")


def test_a_work_url_needs_a_raw_folder_in_the_store(make_project: Callable[..., Path],
                                                    run_cli: Callable[..., Any]) -> None:
    project = make_project({"a.txt": "Text."})
    result = run_cli("build", "--work", f"s3://{BUCKET}/work", cwd=project)
    assert result.exit_code == 2 and "--work needs --raw in object storage" in result.output
    result = run_cli("build", "--work", str(project / "w"), cwd=project)
    assert result.exit_code == 2 and "is not an object-storage URL" in result.output


def test_a_task_the_store_refuses_fails_the_build_clearly_without_secrets(
    s3: Any, make_project: Callable[..., Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.storage.remote import RemoteFolder

    project = make_project({"a.jsonl": '{"id": "a", "url": "https://example.org/a", "text": "Text."}\n'})
    _upload(s3, project / "raw", "raw")

    def refused(self: RemoteFolder, local: Path, name: str) -> None:
        raise self._fail(f"cannot upload {name} to", PermissionError(f"AccessDenied for {ACCESS_KEY}:{SECRET}"))

    monkeypatch.setattr(RemoteFolder, "put_file", refused)  # one worker: the task runs in this process
    result = run_cli("build", "--workers", "1", "--raw", f"s3://{BUCKET}/raw", "--work", f"s3://{BUCKET}/work",
                     cwd=_remote_project(project))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert f"cannot write a shard's outputs to the work folder: cannot upload docs.parquet to s3://{BUCKET}/work/cache/" \
        in result.output
    _no_secret({"output": result.output.encode()}, "the")
    assert not [name for name in _objects(s3, "work") if name.startswith("cache/")]  # no shard entry


def test_the_listing_in_the_store_skips_what_the_local_walk_skips(tmp_path: Path) -> None:
    from masthead.readers.listing import scan_inputs
    from masthead.storage.remote import RemoteFile
    from masthead.storage.remote_inputs import _walk

    names = ["a.txt", "manifest.csv", "sub/manifest.csv", "sub/b.jsonl", ".hidden.txt", ".cache/c.txt",
             "sub/.d/e.txt", ".rel/SHA256SUMS", ".rel/manifest.json", "old/2.0.0/SHA256SUMS", "old/2.0.0/manifest.json",
             "old/2.0.0/x.txt", "old/keep.txt", "out/f.txt", "half/SHA256SUMS", "half/g.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    local = scan_inputs(tmp_path, [tmp_path / "out"])
    sources, manifest, skipped = _walk([RemoteFile(n, 1, "", "") for n in sorted(names)], {"out"})
    assert (sources, skipped) == (local.files, local.skipped)
    assert sources == ["a.txt", "half/SHA256SUMS", "half/g.txt", "old/keep.txt", "sub/b.jsonl", "sub/manifest.csv"]
    assert skipped == [".rel", "old/2.0.0", "out"] and manifest is not None and manifest.name == "manifest.csv"
