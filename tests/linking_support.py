"""Shared, computed-once inputs of the linking tests (test_sdg, test_lineage, test_figures): the corpus, the
vocabulary, the tags and the linked result. Cached per test session (the module is imported once)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from crimecongress.ids import DEFAULT as MINTER

ROOT = Path(__file__).resolve().parents[1]


def doc(path: str) -> str:
    return f"{MINTER.base}doc/{path}"


@lru_cache(maxsize=None)
def corpus():
    from crimecongress.corpus import load_corpus
    return load_corpus(ROOT / "sources")


@lru_cache(maxsize=None)
def vocabulary():
    from crimecongress.vocab import load_vocabulary
    return load_vocabulary()


@lru_cache(maxsize=None)
def tags():
    from crimecongress.tagging import tag_corpus
    return tag_corpus(corpus(), vocabulary(), MINTER)


@lru_cache(maxsize=None)
def linked():
    from crimecongress.linking import link_corpus
    return link_corpus(corpus(), tags(), vocabulary(), MINTER)
