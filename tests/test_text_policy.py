"""The text policy: a metadata-only release holds no text, and every release feature works on it."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hub_client import point_this_process_at
from hub_standin import HubStandIn
from loopback_pages import synth_pages
from masthead.duplicates.minhash import paragraph_count, signature
from masthead.engine.columns import RELEASE_SOURCES
from masthead.errors import ConfigError
from masthead.release.package import build_wheel
from masthead.schema import (
    arrow_schema,
    document_schema,
    features,
    field_names,
    hydrated_schema,
    metadata_schema,
    release_schema,
    text_fields,
    verification_fields,
)
from masthead.settings import load_settings

DOCS = 24
HOST = "news.example"


def _project(tmp_path: Path, name: str, text: str | None = None, docs: int = DOCS) -> Path:
    project = tmp_path / name
    synth_pages().write_corpus(project, docs, 7, HOST)
    policy = f'text = "{text}"\n' if text else ""
    (project / "pyproject.toml").write_text(f'[tool.masthead]\nname = "{name}"\nlanguage = "en"\n{policy}', encoding="utf-8")
    return project


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _readable(name: str, data: bytes) -> list[str]:
    """What a file of a release (or a wheel) says, decoded as its reader would: the values of a
    Parquet or Arrow file, the members of a zip, the text of anything else (gunzipped)."""
    if name.endswith(".parquet"):
        return [*_strings(pq.read_table(io.BytesIO(data)).to_pylist()), data.decode("latin-1")]
    if name.endswith(".arrow"):
        return [*_strings(pa.ipc.open_stream(data).read_all().to_pylist()), data.decode("latin-1")]
    if name.endswith((".whl", ".zip")):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return [s for member in archive.namelist() for s in _readable(member, archive.read(member))]
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return [data.decode("utf-8", "replace")]


def _holding(files: dict[str, bytes], sentence: str) -> list[str]:
    return sorted(name for name, data in files.items() if any(sentence in text for text in _readable(name, data)))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sentences() -> list[str]:
    """A sentence of the body of a few articles of the corpus (the first of a paragraph each)."""
    return [synth_pages().article(7, n).paragraphs[1].split(". ")[0] for n in (0, 5, 11)]


def test_the_metadata_schema_is_derived_from_the_document_schema() -> None:
    doc = document_schema()
    meta = metadata_schema(doc)
    assert text_fields(doc) == ["dek", "text"]
    assert set(verification_fields(doc)) == set(RELEASE_SOURCES)  # the engine holds every verification field
    assert field_names(meta) == [n for n in field_names(doc) if n not in ("dek", "text")] + verification_fields(doc)
    assert meta["$id"] != doc["$id"] and not set(meta["required"]) & {"text", "dek"}
    schema = arrow_schema(meta)
    assert schema.field("text_minhash").type == pa.binary() and not schema.field("text_chars").nullable
    assert "text" not in features(meta) and features(meta)["text_minhash"].dtype == "binary"
    assert release_schema(doc, "full") is doc
    hydrated = arrow_schema(hydrated_schema(doc))
    assert hydrated.field("text").nullable and hydrated.names[-1] == "hydration"


def test_the_policy_is_a_setting_and_contradictions_are_refused(tmp_path: Path) -> None:
    project = _project(tmp_path, "policy", text="metadata", docs=1)
    assert load_settings(project).text == "metadata"
    assert load_settings(project, text="full").text == "full"
    assert load_settings(project).as_manifest()["text"] == "metadata"
    assert "text" not in load_settings(project, text="full").as_manifest()  # full manifests unchanged
    with pytest.raises(ConfigError, match="choose one of full, metadata"):
        load_settings(project, text="summary")
    with pytest.raises(ConfigError, match="include_raw_text"):
        load_settings(project, include_raw_text=True)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same corpus built as a full and as a metadata-only release."""
    from masthead.build import build

    tmp = tmp_path_factory.mktemp("policy")
    full = build(load_settings(_project(tmp, "full-corpus"), workers=1)).release
    meta = build(load_settings(_project(tmp, "meta-corpus", text="metadata"), workers=1)).release
    assert full is not None and meta is not None
    return Path(full), Path(meta)


def test_no_sentence_of_the_corpus_reaches_a_metadata_release_or_its_wheel(releases: tuple[Path, Path], tmp_path: Path) -> None:
    full, meta = releases
    for sentence in _sentences():
        assert _holding(_files(full), sentence)  # the search finds the text where it is
        assert _holding(_files(meta), sentence) == []
    assert not (meta / "raw").exists()
    full_wheel, meta_wheel = build_wheel(full, tmp_path / "full").wheel, build_wheel(meta, tmp_path / "meta").wheel
    for sentence in _sentences():
        assert _holding({full_wheel.name: full_wheel.read_bytes()}, sentence)
        assert _holding({meta_wheel.name: meta_wheel.read_bytes()}, sentence) == []


def test_publishing_a_metadata_release_uploads_no_text(
    releases: tuple[Path, Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything the Hub stand-in holds after `masthead publish` (every file of main and of the tag,
    LFS objects included) is searched for sentences of the corpus; the full release, published the
    same way to another repository, shows the search finds them."""
    full, meta = releases
    with HubStandIn({"hf_policy_token_0123456789"}) as hub:
        point_this_process_at(hub, monkeypatch, "hf_policy_token_0123456789")
        for repo, release in (("org/full", full), ("org/meta", meta)):
            result = run_cli("publish", str(release), "--repo-id", repo)
            assert result.exit_code == 0, result.output
        tag = "v" + json.loads((meta / "manifest.json").read_text(encoding="utf-8"))["version"]
        published = {**hub.files("org/meta"), **{f"{tag}/{k}": v for k, v in hub.files("org/meta", tag).items()}}
        assert "manifest.json" in published and any(name.endswith(".parquet") for name in published)
        for sentence in _sentences():
            assert _holding(hub.files("org/full"), sentence)
            assert _holding(published, sentence) == []
            assert not any(sentence.encode() in blob for blob in hub.state.lfs.values() if blob not in hub.files("org/full").values())


def test_a_metadata_release_holds_what_verification_needs(releases: tuple[Path, Path]) -> None:
    full, meta = releases
    texts = {row["id"]: row for row in pq.read_table(full / "data").to_pylist()}
    rows = pq.read_table(meta / "data").to_pylist()
    assert len(rows) == DOCS and set(rows[0]) == set(field_names(metadata_schema(document_schema())))
    stripped = 0
    for row in rows:
        text = texts[row["id"]]["text"]
        assert row["content_sha256"] == texts[row["id"]]["content_sha256"] and row["url"].startswith(f"http://{HOST}/")
        assert (row["text_chars"], row["text_paragraphs"]) == (len(text), paragraph_count(text))
        assert row["text_minhash"] == signature(text)
        stripped += bool(row["stripped_lines"])
    assert stripped >= DOCS // 2  # the outlets' prompts (those the line rules leave), stripped by the corpus-level stage
    manifest = json.loads((meta / "manifest.json").read_text())
    assert manifest["settings"]["text"] == "metadata" and manifest["schemas"]["document"].endswith("/metadata")
    card = (meta / "README.md").read_text()
    assert "masthead hydrate" in card and "`text_minhash`" in card and "| `text` |" not in card
    croissant = json.loads((meta / "croissant.json").read_text())
    names = [f["name"] for f in croissant["recordSet"][0]["field"]]
    assert names == field_names(metadata_schema(document_schema()))


def test_the_hf_form_of_a_metadata_release_loads_with_datasets(releases: tuple[Path, Path]) -> None:
    import datasets

    _, meta = releases
    loaded = datasets.load_from_disk(str(meta / "hf"))
    assert loaded["train"].features == features(metadata_schema(document_schema()))
    assert loaded["train"].num_rows == DOCS and isinstance(loaded["train"][0]["text_minhash"], bytes)


def test_versions_diff_verify_and_cite_work_on_metadata_releases(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    project = _project(tmp_path, "meta-versions", text="metadata", docs=8)
    assert run_cli("build", "--workers", "1", cwd=project).exit_code == 0
    page = project / "raw" / "daily-ledger" / "00004.html"
    page.write_text(page.read_text().replace("<p>", "<p>Updated at noon with new figures from the council. ", 1))
    (project / "raw" / "harbor-times").joinpath("00002.html").unlink()
    result = run_cli("build", "--workers", "1", "--bump", "auto", "--json", cwd=project)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["version"] == "2.0.0"  # a text changed, a document removed: major
    diff = run_cli("diff", "1.0.0", "2.0.0", "--json", cwd=project)
    changes = json.loads(diff.stdout)
    assert len(changes["removed"]) == 1 and len(changes["text_changed"]) == 1
    assert not changes["metadata_changed"]  # the verification fields changed with the text: not metadata
    for version in ("1.0.0", "2.0.0"):
        verified = run_cli("verify", version, "--json", cwd=project)
        assert verified.exit_code == 0 and json.loads(verified.stdout)["status"] == "ok"
    cited = run_cli("cite", "2.0.0", cwd=project)
    assert cited.exit_code == 0 and "2.0.0" in cited.stdout
    listed = json.loads(run_cli("releases", "--json", cwd=project).stdout)
    assert [r["version"] for r in listed["releases"]] == ["1.0.0", "2.0.0"]
    stats = json.loads(run_cli("stats", "2.0.0", "--json", cwd=project).stdout)
    assert stats["documents"] == 7 and stats["lengths"]["characters"]
