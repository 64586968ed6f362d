"""`masthead report`, and the report + figures + card section every release carries."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from masthead.insight import corpus_stats, write_report
from masthead.insight.render import FIGURES, render_figures
from masthead.release.checksums import verify_checksums
from synthetic_release import make_release, write_release

FIGURE_NAMES = sorted(spec.name for spec, _, _ in FIGURES)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR, after checking the signature and every chunk's CRC."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    offset, chunks = 8, []
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path}: bad CRC in chunk {kind!r}"
        chunks.append(kind)
        offset += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks
    assert b"tEXt" not in chunks or b"Software" not in data, f"{path} names the software that wrote it"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_figures(folder: Path) -> None:
    from PIL import Image

    assert sorted(p.name for p in (folder / "figures").iterdir()) == FIGURE_NAMES
    for path in sorted((folder / "figures").glob("*.png")):
        width, height = png_size(path)
        assert width == 800, f"{path.name} is {width} px wide, not card width"
        assert 180 <= height <= 1100, f"{path.name} is {height} px high"
        assert 3_000 < path.stat().st_size < 400_000, f"{path.name} is {path.stat().st_size} bytes"
        with Image.open(path) as image:  # the real consumer decodes every pixel
            image.load()
            assert image.size == (width, height)
            assert len(image.getcolors(maxcolors=1 << 20) or []) > 2, f"{path.name} is blank"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.links += [v for k, v in attrs if k in ("href", "src") and v]


def html_links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.scripts == 0, "report.html must not run scripts"
    return parser.links


def markdown_links(card: Path) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", card.read_text(encoding="utf-8"))


def check_links_resolve(folder: Path, links: list[str]) -> None:
    root = folder.resolve()
    for link in links:
        if link.startswith("#"):
            continue
        if link.startswith("data:"):
            continue
        assert not re.match(r"^[a-z]+:", link), f"{link} leaves the release"
        target = (folder / link).resolve()
        assert target.is_relative_to(root), f"{link} points outside the release"
        assert target.is_file(), f"{link} does not resolve inside the release"


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = make_release(tmp_path_factory.mktemp("synthetic") / "1.0.0", 10_000)
    write_report(folder)
    return folder


def test_every_release_carries_the_report_figures_and_card_section(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    project = make_project(seeds=True)
    result = run_cli("build", cwd=project)
    assert result.exit_code == 0, result.output
    release = project / "dist" / "test-corpus" / "1.0.0"
    check_figures(release)
    html_page = release / "report.html"
    figure_links = [link for link in html_links(html_page) if link.startswith("figures/")]
    assert sorted(Path(link).name for link in figure_links) == FIGURE_NAMES
    check_links_resolve(release, html_links(html_page))
    card = release / "README.md"
    card_links = markdown_links(card)
    assert sorted(Path(link).name for link in card_links if link.startswith("figures/")) == FIGURE_NAMES
    assert "report.html" in card_links
    check_links_resolve(release, card_links)
    text = card.read_text(encoding="utf-8")
    assert "## The corpus at a glance" in text
    assert "| language | 5 | 100.0% |" in text
    verify_checksums(release)  # the report and figures are covered by SHA256SUMS
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8")
    assert "report.html" in sums and "figures/outlets.png" in sums

    stats = run_cli("stats", "--json", cwd=project)
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout) == corpus_stats(release)
    assert json.loads(stats.stdout)["documents"] == 5 == pq.read_metadata(release / "data/train-00000-of-00001.parquet").num_rows


def test_report_renders_an_existing_release_elsewhere_with_the_same_bytes(
    make_project: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    project = make_project(seeds=True)
    assert run_cli("build", cwd=project).exit_code == 0
    release = project / "dist" / "test-corpus" / "1.0.0"
    result = run_cli("report", "1.0.0", cwd=project)
    assert result.exit_code == 0, result.output
    out = project / "report-test-corpus-1.0.0"
    assert "report.html" in result.stdout and str(out.name) in result.stdout
    for name in ["report.html", *(f"figures/{n}" for n in FIGURE_NAMES)]:
        assert (out / name).read_bytes() == (release / name).read_bytes(), name
    verify_checksums(release)  # untouched


def test_report_json_names_what_it_wrote(synthetic_report: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("report", str(synthetic_report), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written["report"] == str(tmp_path / "out" / "report.html")
    assert sorted(Path(p).name for p in written["figures"]) == FIGURE_NAMES
    assert all(Path(p).is_file() for p in written["figures"])


def test_report_of_10k_documents(synthetic_report: Path) -> None:
    check_figures(synthetic_report)
    check_links_resolve(synthetic_report, html_links(synthetic_report / "report.html"))
    page = (synthetic_report / "report.html").read_text(encoding="utf-8")
    stats = corpus_stats(synthetic_report)
    top = stats["outlets"]["top"][0]
    assert f"<td>{top['outlet']}</td><td class=n>{top['documents']:,}</td>" in page
    assert f"other ({stats['outlets']['other']['values']} outlets)" in page
    assert f"<td>schema-violation</td><td class=n>{stats['rejects']['by_reason']['schema-violation']}</td>" in page
    assert "10,000 documents from 40 outlets, published 2015-01 to 2019-12" in page


def test_figures_are_byte_reproducible(synthetic_report: Path, tmp_path: Path) -> None:
    stats = corpus_stats(synthetic_report)
    render_figures(stats, tmp_path)
    for name in FIGURE_NAMES:
        assert (tmp_path / "figures" / name).read_bytes() == (synthetic_report / "figures" / name).read_bytes(), name


def test_cached_figures_are_copied_only_while_their_stats_are_unchanged(
    synthetic_report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masthead.insight import render

    stats = corpus_stats(synthetic_report)
    drawn: list[str] = []
    real = render._draw
    monkeypatch.setattr(render, "_draw", lambda draw, given, path: (drawn.append(path.name), real(draw, given, path)))
    cache = tmp_path / "cache"
    render_figures(stats, tmp_path / "first", cache)
    assert sorted(drawn) == FIGURE_NAMES and len(list(cache.iterdir())) == len(FIGURE_NAMES)
    drawn.clear()
    changed = {**stats, "lengths": {**stats["lengths"], "words": {**stats["lengths"]["words"], "max": 1}}}
    render_figures(changed, tmp_path / "second", cache)
    assert drawn == ["lengths.png"]  # only the figure whose stats changed is drawn again
    for name in FIGURE_NAMES:  # and every file is what drawing it gives
        assert (tmp_path / "second" / "figures" / name).read_bytes() == (
            (tmp_path / "first" if name != "lengths.png" else tmp_path / "second") / "figures" / name).read_bytes()
    render_figures(changed, tmp_path / "fresh")
    assert (tmp_path / "fresh" / "figures" / "lengths.png").read_bytes() == (
        tmp_path / "second" / "figures" / "lengths.png").read_bytes()
    assert len(list(cache.iterdir())) == len(FIGURE_NAMES)  # the old lengths figure was pruned


def test_an_empty_release_gets_no_data_figures(tmp_path: Path) -> None:
    release = write_release(tmp_path / "empty", {"train": []})
    written = write_report(release)
    check_figures(release)
    assert written.stats["documents"] == 0
    for name in FIGURE_NAMES:  # every figure is the short "nothing to show" panel
        assert png_size(release / "figures" / name) == (800, 200), name
    assert "<table><thead><tr><th>outlet</th>" not in written.html.read_text(encoding="utf-8")


def test_figures_use_the_dejavu_font_shipped_with_matplotlib() -> None:
    import matplotlib
    from matplotlib import font_manager

    found = Path(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans")))
    assert found.is_relative_to(Path(matplotlib.get_data_path())), f"{found} is not matplotlib's own font"
