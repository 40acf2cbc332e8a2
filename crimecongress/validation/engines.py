"""The validate stage's entry: the data loaded into a Store with the ontology beside it, checked by the
chosen engine (fast.py or pyshacl_engine.py, which give the same findings), each result located
(locate.py) and the findings sorted into a Report.

It knows RDF data only; declaration texts are parsed and emitted before they get here (drafts.py).
"""
from __future__ import annotations

import pyoxigraph as ox

from ..ids import DEFAULT_BASE
from .fast import run_fast
from .loading import Data, as_data
from .locate import Locator, located
from .pyshacl_engine import run_pyshacl
from .report import Finding, Report
from .shapes import ontology_text, prefixes

ENGINES = ("fast", "pyshacl")


def validate_data(data: Data, *, engine: str = "fast", base: str = DEFAULT_BASE) -> Report:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {ENGINES}")
    store, literals = data.store()
    triples = len(store)
    store.load(ontology_text(base).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    raw = run_fast(store, literals, base) if engine == "fast" else run_pyshacl(data, base)
    locator = Locator(store, base)
    names = prefixes(base)
    findings = sorted((located(r, locator, names) for r in raw), key=Finding.sort_key)
    return Report(tuple(findings), engine=engine, base=base, triples=triples)


def validate_graph(data, *, engine: str = "fast", base: str = DEFAULT_BASE, rdf_format: str | None = None) -> Report:
    """Validate RDF data against the shapes in shapes/ (with the ontology loaded beside it).

    `data`: an rdflib Graph, RDF file path(s) (format from the suffix, or `rdf_format`), N-Triples bytes, a
    pyoxigraph Store, or a list of these. `engine`: "fast" (SPARQL on pyoxigraph) or "pyshacl" (the
    reference); both give the same findings. Unreadable or unparseable files raise InputError."""
    return validate_data(as_data(data, rdf_format=rdf_format), engine=engine, base=base)
