"""Shared fixtures: where the corpus and the fixtures live."""

from __future__ import annotations

import os
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests that need the live Go module proxy unless GOALIGN_LIVE=1."""
    if os.environ.get("GOALIGN_LIVE") == "1":
        return
    skip = pytest.mark.skip(reason="uses the live Go module proxy; set GOALIGN_LIVE=1")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
