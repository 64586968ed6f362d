"""`[tool.masthead] access`: a gated corpus's card asks the Hub to gate downloads behind its terms.

Every card is parsed by huggingface_hub's DatasetCard locally (``DatasetCard.load``; ``validate()``
would post it to the Hub).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import RAW, REPO
from masthead.settings import DEFAULT_LICENSE_NOTE, load_settings


def _card(release: Path) -> tuple[dict[str, Any], Any]:
    from huggingface_hub import DatasetCard

    text = (release / "README.md").read_text(encoding="utf-8")
    card = DatasetCard.load(release / "README.md")
    return yaml.safe_load(text.split("---\n", 2)[1]), card


def test_the_embedded_corpus_is_gated(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    assert load_settings(REPO).access == "gated"
    project = tmp_path / "embedded"
    shutil.copytree(RAW, project / "raw")
    for name in ("pyproject.toml", "CITATION.cff"):
        shutil.copyfile(REPO / name, project / name)
    assert run_cli("build", "--workers", "1", cwd=project).exit_code == 0
    meta, card = _card(project / "dist" / "trump-putin-meetings" / "1.0.0")
    data = card.data.to_dict()
    assert data == meta  # what the Hub reads is what masthead wrote
    assert " ".join(DEFAULT_LICENSE_NOTE.split()) in data["extra_gated_prompt"]
    assert "do not republish the texts" in data["extra_gated_prompt"]
    fields = data["extra_gated_fields"]
    assert [kind for kind in fields.values() if kind == "checkbox"] and fields["Affiliation"] == "text"
    kinds = {"text", "checkbox", "date_picker", "country"}
    assert all(v in kinds if isinstance(v, str) else v.get("type") == "select" for v in fields.values())
    assert "Downloads from the Hub are gated" in card.text


@pytest.mark.parametrize("extra", ["", 'splits = { train = 0.8, test = 0.2 }\n', "include_raw_text = true\n"])
def test_an_open_corpus_has_no_gate_and_every_card_parses(
    extra: str, make_project: Callable[..., Path], run_cli: Callable[..., Any],
) -> None:
    project = make_project(seeds=True)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(extra)
    assert run_cli("build", "--workers", "1", cwd=project).exit_code == 0
    meta, card = _card(project / "dist" / "test-corpus" / "1.0.0")
    assert card.data.to_dict() == meta
    assert not [key for key in meta if key.startswith("extra_gated")]
    assert card.data.configs and card.data.dataset_info and "```bibtex" in card.text


def test_an_unknown_access_level_is_a_clear_error(make_project: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    project = make_project(seeds=True)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write('access = "members"\n')
    result = run_cli("build", cwd=project)
    assert result.exit_code == 2 and "access = 'members'" in result.stderr and "open, gated" in result.stderr
