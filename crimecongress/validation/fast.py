"""The fast engine: the shapes compiled to SPARQL (crimecongress.shacl_sparql) and run on the pyoxigraph
Store, one query per constraint for the whole dataset. It imports neither rdflib nor pyshacl.

It returns raw results; where they are in the data is locate.py's business. A shape it cannot compile
stops the run with one line naming the shapes file and line (it is never skipped).
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .. import cache, shacl_sparql
from ..errors import CrimeCongressError
from ..shacl_sparql import Check, RawResult, UnsupportedShape, compiled, run_checks
from .shapes import prefixes, shape_source, shapes_texts


def run_fast(store: ox.Store, literals: dict, base: str, timings: list | None = None) -> list[RawResult]:
    names = prefixes(base)
    texts = shapes_texts(base)
    try:
        checks = compiled_checks(texts, tuple(sorted(names.items())))
        return run_checks(store, checks, literals, timings)
    except UnsupportedShape as error:
        file, line = shape_source(error.shape, texts, names)
        raise CrimeCongressError(f"the fast engine cannot validate with these shapes: {error}", file=file,
                                 line=line, hint="validate with --engine pyshacl") from None


def compiled_checks(texts: tuple[tuple[str, str], ...], names: tuple[tuple[str, str], ...]) -> tuple[Check, ...]:
    """The shapes' checks, kept in the run's cache (when it has one) under the shapes, the prefixes and the
    compiler's code: compiling takes some 20 ms, a tenth of a draft's whole check; reading them back 3 ms."""
    def entry() -> str:
        parts = [Path(shacl_sparql.__file__).read_bytes(), str(len(texts))]   # (where the shapes end)
        for name, text in texts + names:
            parts += [name, text]
        return cache.key(*parts)
    return cache.remembered("shacl-checks", entry, lambda: compiled(texts, names))
