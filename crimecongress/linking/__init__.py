"""Links that go beyond one paragraph: paragraph -> SDG targets (sdg) and paragraph -> paragraph lineage (lineage).

The build calls `link_corpus` once, after tagging, and publishes `Linked.graphs` as named graphs:

    linked = link_corpus(corpus, tags, vocabulary, minter)
    for name, triples in linked.graphs:
        writer.graph(name, triples, name)
    files.update(figures(corpus, tags, linked.sdg_links, vocabulary=vocabulary, catalogue=linked.catalogue))

Pure apart from reading mappings/ (sdg.yaml, sdg-crosswalk.yaml, sdg-words.yaml, rpm-kyoto-headings.yaml,
lineage-bands.yaml) and the sentence-embedding model that an installed package ships (`embeddings`; loaded
offline): no clock, no network. The sentence vectors may come from the build's cache on disk
(crimecongress.cache, keyed by model and text), which gives the very bytes the model would.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..ids import Minter
from ..model import Corpus

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"


@dataclass(frozen=True)
class Linked:
    catalogue: object            # sdg.SdgCatalogue
    crosswalk: object            # sdg.Crosswalk
    sdg_links: object            # sdg.SdgLinks
    alignments: tuple            # lineage.Alignment, sorted
    graphs: tuple[tuple[str, list[ox.Triple]], ...]   # (graph name for Minter.graph, its triples)


def link_corpus(corpus: Corpus, tags, vocabulary, minter: Minter, mappings_dir: Path = MAPPINGS_DIR,
                ahead=None) -> Linked:
    """SDG catalogue, crosswalk, paragraph -> SDG links and lineage, with their RDF graphs:
    "sdg" (the SDG goals, targets and indicators), "sdg-crosswalk" (themes/instruments -> targets),
    "sdg-links" (units -> targets, with annotations) and "lineage" (takenUpIn, implements, continues).
    `ahead`: the lineage's sentence vectors, being computed since `embed_ahead` was called."""
    from .lineage import lineage, lineage_graph, load_bands, load_heading_map
    from .sdg import (crosswalk_graph, link_sdgs, load_catalogue, load_crosswalk, load_words, sdg_graph,
                      sdg_links_graph)

    catalogue = load_catalogue(mappings_dir)
    crosswalk = load_crosswalk(mappings_dir, catalogue, themes=[t.slug for t in vocabulary.themes],
                               instruments=[i.slug for i in vocabulary.instruments])
    sdg_links = link_sdgs(corpus, tags, catalogue, crosswalk, minter, load_words(mappings_dir, catalogue, crosswalk))
    alignments = lineage(corpus, tags, minter, load_heading_map(mappings_dir, corpus), load_bands(mappings_dir),
                         ahead)
    graphs = (("sdg", sdg_graph(catalogue, minter)),
              ("sdg-crosswalk", crosswalk_graph(crosswalk, catalogue, minter)),
              ("sdg-links", sdg_links_graph(sdg_links, minter)),
              ("lineage", lineage_graph(alignments, minter)))
    return Linked(catalogue, crosswalk, sdg_links, alignments, graphs)


def embed_ahead(corpus: Corpus):
    """Start computing the sentence vectors `link_corpus` will need, on a thread (and the worker processes it
    starts), so that tagging and the SDG links are done meanwhile: an embeddings.Ahead to pass to link_corpus."""
    from .embeddings import Ahead
    from .lineage import embedded_texts
    return Ahead(embedded_texts(corpus))
