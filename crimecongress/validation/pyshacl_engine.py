"""The reference engine: pyshacl 0.40, inference none, on an rdflib copy of the data with the ontology merged
in (so that sh:targetClass and sh:class follow rdfs:subClassOf), its results read back as raw results with
pyoxigraph terms.

rdflib and pyshacl are imported only when this engine runs. While it runs, rdflib's SPARQL processor is
patched to parse each query text once (_PreparedQueries); the patch is undone on exit.
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from ..shacl_sparql import SH, RawResult, render_path
from .loading import Data
from .shapes import ontology_text, prefixes, shapes_texts


def _to_ox(term):
    from rdflib import BNode, Literal, URIRef
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(term)


_PREPARED: dict = {}       # SPARQL text (+ base, namespaces) -> rdflib's prepared query, for the process


class _PreparedQueries:
    """While pyshacl runs, parse each SPARQL query text once.

    pyshacl evaluates a SHACL-SPARQL constraint once per focus node, passing the same query text with $this
    pre-bound through initBindings, and rdflib parses and translates that text again every time (about
    30 ms for our larger queries, which made the reference run take minutes). Parsing is a pure function of
    the text, so caching the prepared query changes nothing but the time; the patch is undone on exit."""

    def __enter__(self):
        from rdflib.plugins.sparql import processor

        self.processor = processor.SPARQLProcessor
        self.original = original = self.processor.query
        cache = _PREPARED

        def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
            if isinstance(strOrQuery, str):
                key = (strOrQuery, base, frozenset((initNs or {}).items()))
                prepared = cache.get(key)
                if prepared is None:
                    if len(cache) > 512:
                        cache.clear()
                    prepared = cache[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
                strOrQuery = prepared
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

        self.processor.query = query
        return self

    def __exit__(self, *exc):
        self.processor.query = self.original
        return False


@lru_cache(maxsize=4)
def _shapes_graph(texts: tuple[tuple[str, str], ...]):
    """The shapes as one rdflib Graph, parsed once per process (pyshacl only reads it)."""
    from rdflib import Graph
    graph = Graph()
    for _, text in texts:
        graph.parse(data=text, format="turtle")
    return graph


def run_pyshacl(data: Data, base: str) -> list[RawResult]:
    import logging

    import pyshacl
    from rdflib import URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import RDF

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)   # ill-typed literals are findings, not noise
    graph = data.rdflib_graph()
    graph.parse(data=ontology_text(base), format="turtle")
    shapes = _shapes_graph(shapes_texts(base))
    with _PreparedQueries():
        _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", inplace=True, advanced=False,
                                         allow_warnings=True, allow_infos=True, meta_shacl=False, js=False)
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    names = prefixes(base)

    def path_of(node) -> str:
        if node is None:
            return ""
        graph = results if isinstance(node, URIRef) or (node, None, None) in results else shapes
        return render_path(node, lambda n, p: list(graph.objects(n, URIRef(p))),
                           lambda n: list(Collection(graph, n)), names)

    out = []
    # top-level results only: those nested under sh:detail (from sh:node) are explanations, not findings
    for result in (r for report in results.subjects(RDF.type, sh("ValidationReport"))
                   for r in results.objects(report, sh("result"))):
        messages = sorted(str(m) for m in results.objects(result, sh("resultMessage")))
        out.append(RawResult(
            focus=_to_ox(results.value(result, sh("focusNode"))),
            shape=str(results.value(result, sh("sourceShape"))),
            severity=str(results.value(result, sh("resultSeverity"))),
            component=str(results.value(result, sh("sourceConstraintComponent"))),
            message="\n".join(messages),
            path=path_of(results.value(result, sh("resultPath"))),
            value=_to_ox(results.value(result, sh("value")))))
    return out
