"""The fast engine: the shapes compiled to SPARQL (crimecongress.shacl_sparql) and run on the pyoxigraph
Store, one query per constraint for the whole dataset. It imports neither rdflib nor pyshacl.

It returns raw results; where they are in the data is locate.py's business. A shape it cannot compile
stops the run with one line naming the shapes file and line (it is never skipped).
"""
from __future__ import annotations

import pyoxigraph as ox

from ..errors import CrimeCongressError
from ..shacl_sparql import RawResult, UnsupportedShape, compiled, run_checks
from .shapes import prefixes, shape_source, shapes_texts


def run_fast(store: ox.Store, literals: dict, base: str, timings: list | None = None) -> list[RawResult]:
    names = prefixes(base)
    texts = shapes_texts(base)
    try:
        checks = compiled(texts, tuple(sorted(names.items())))
        return run_checks(store, checks, literals, timings)
    except UnsupportedShape as error:
        file, line = shape_source(error.shape, texts, names)
        raise CrimeCongressError(f"the fast engine cannot validate with these shapes: {error}", file=file,
                                 line=line, hint="validate with --engine pyshacl") from None
