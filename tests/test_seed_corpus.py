"""The embedded corpus: raw/ holds the five seed documents byte for byte, and builds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import RAW

# SHA-256 of the five files of the shared seeds folder, recorded when they were copied in.
SEED_SHA256 = {
    "000_b4e8cc68593588a2.txt": "c1a82401e3f4b9a5462ba88143ba6ab8ac7e0b051be17fb0a2b0eb593aa91527",
    "001_4976c00eddb88924.txt": "7fb63badeeddabe47fc182b55c8d4d8900c1ab1fa199f071406c7cdc2e3ef35a",
    "002_2b9140d787100152.txt": "cc9afc969bf734e59f9048990fecc8dd74ec3c9cf429241512d776f0e0a4e41b",
    "003_6e7e735531950813.txt": "2503c3273b41253eb75b2501056a811f54e7f339844e6dd568ccf091c5e28dd7",
    "004_2fde7dd89c83af88.txt": "db0b34277f708250e2eabe9b81791dabd1fef6d80687bb03c2c16acdb8962277",
}
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_raw_holds_exactly_the_five_seed_files() -> None:
    assert sorted(p.name for p in RAW.iterdir()) == sorted(SEED_SHA256)


@pytest.mark.parametrize("name", sorted(SEED_SHA256))
def test_seed_file_is_byte_identical(name: str) -> None:
    assert sha256(RAW / name) == SEED_SHA256[name]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds beside this clone")
@pytest.mark.parametrize("name", sorted(SEED_SHA256))
def test_seed_file_matches_shared_seeds(name: str) -> None:
    assert sha256(RAW / name) == sha256(SHARED_SEEDS / name)
