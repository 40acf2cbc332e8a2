"""Shared fixtures: the corpus is parsed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

# tests/plugins/tagging_report.py prints the tagging scores at the end of the run (tests/test_tagging.py)
pytest_plugins = ["plugins.tagging_report"]

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"


@pytest.fixture(scope="session")
def catalogue():
    from crimecongress.corpus.catalogue import load_catalogue
    return load_catalogue(SOURCES / "catalogue.yaml")


@pytest.fixture(scope="session")
def corpus():
    from crimecongress.corpus import load_corpus
    return load_corpus(SOURCES)
