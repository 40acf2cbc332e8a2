"""Shared fixtures: the corpus is parsed once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# tests/plugins/tagging_report.py prints the tagging scores at the end of the run (tests/test_tagging.py)
pytest_plugins = ["plugins.tagging_report"]

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """The stores and indexes the commands keep (crimecongress.store) go into a folder of the test session's
    own, never the user's cache; processes the tests start inherit it."""
    previous = os.environ.get("CRIMECONGRESS_CACHE")
    os.environ["CRIMECONGRESS_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("CRIMECONGRESS_CACHE", None)
    else:
        os.environ["CRIMECONGRESS_CACHE"] = previous


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory, private_cache) -> Path:
    """The real build of the sources plus one hostile declaration (tests/serve_fixture.py), made once per session;
    read it only: a test that changes a build copies it first."""
    from serve_fixture import make_fixture_build
    return make_fixture_build(tmp_path_factory.mktemp("serve") / "build")


@pytest.fixture(scope="session")
def catalogue():
    from crimecongress.corpus.catalogue import load_catalogue
    return load_catalogue(SOURCES / "catalogue.yaml")


@pytest.fixture(scope="session")
def corpus():
    from crimecongress.corpus import load_corpus
    return load_corpus(SOURCES)


# What a test needs beyond Python, told by the fixtures it uses, so that a quick run can leave it out:
# `pytest -m "not browser and not virtuoso and not webserver"` (the markers are listed in pyproject.toml).
NEEDS = {"browser": "browser", "virtuoso": "virtuoso", "deployed": "webserver"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
