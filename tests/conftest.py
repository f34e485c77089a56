"""Shared fixtures: where the corpus and the fixtures live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus of real host and plugin go.mod files (skip when absent)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


pytest_plugins = ["oracle"]
