"""The tag stage: themes, instruments and actors for every paragraph-level unit, each with its evidence.

    tags = tag_corpus(corpus, vocabulary, minter)      # Tags: one Tag per (unit, kind, value)
    identify_footnotes(corpus, vocabulary, minter)     # {footnote IRI: instrument IRIs}

Knows nothing of RDF (crimecongress.rdf.tags publishes the tags). The cues are data in mappings/cues/,
curated overrides in mappings/curations.yaml.
"""
from __future__ import annotations

from pathlib import Path

from .cues import CueSet, load_cues
from .curation import Curation, load_curations
from .model import Evidence, Method, Tag, TagKind, Tags

__all__ = ["CueSet", "Curation", "Evidence", "Method", "Tag", "TagKind", "Tags", "default_cues", "default_curations",
           "identify_footnotes", "load_cues", "load_curations", "tag_corpus"]


def _mappings_dir() -> Path:
    from ..vocab import MAPPINGS_DIR
    return MAPPINGS_DIR


def known_values(vocabulary) -> dict[str, set[str]]:
    return {"theme": {t.slug for t in vocabulary.themes}, "instrument": {i.slug for i in vocabulary.instruments},
            "actor": {a.slug for a in vocabulary.actors}}


def default_cues(vocabulary, mappings_dir: str | Path | None = None) -> CueSet:
    """The cues of mappings/cues/, checked against the vocabulary."""
    return load_cues(mappings_dir or _mappings_dir(), known=known_values(vocabulary))


def default_curations(mappings_dir: str | Path | None = None) -> tuple[Curation, ...]:
    return load_curations(mappings_dir or _mappings_dir())


def tag_corpus(corpus, vocabulary, minter, **kwargs) -> Tags:
    from .tagger import tag_corpus as run
    return run(corpus, vocabulary, minter, **kwargs)


def identify_footnotes(corpus, vocabulary, minter, **kwargs):
    from .footnotes import identify_footnotes as run
    return run(corpus, vocabulary, minter, **kwargs)
