"""Checking what the server holds: one SELECT of the triple count of every graph under the build's graph
namespace; a graph whose count differs (or, with `full`, every graph) is fetched back -- completed by
subject ranges where the server cuts long answers -- and diffed triple by triple, literals the store keeps
in another form of the same value not counting as differences; graphs the build no longer has are stale.

It reads the server and compares; it writes nothing (pruning stale graphs is run.py's).
"""
from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Callable, Iterable

import pyoxigraph as ox

from .dump import GraphData, graph_namespace, owns_namespace
from .target import Protocol, Target, gsp_url
from .transport import NTRIPLES, Response, Transport, TransportError, error_line

Progress = Callable[[str], None]


def _select(transport: Transport, endpoint: str, query: str) -> list[dict]:
    response = transport.request("POST", endpoint, urllib.parse.urlencode({"query": query}).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded",
                                  "Accept": "application/sparql-results+json"})
    try:
        return json.loads(response.body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise TransportError("http", f"the endpoint {endpoint} did not answer with SPARQL JSON results: "
                                     f"{error_line(response.body)}", url=endpoint) from None


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def server_counts(transport: Transport, endpoint: str, namespace: str) -> dict[str, int]:
    """{graph IRI: triples} for every graph on the server whose IRI starts with `namespace`."""
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f"FILTER(STRSTARTS(STR(?g), {_sparql_string(namespace)})) }} GROUP BY ?g")
    counts = {}
    for row in _select(transport, endpoint, query):
        counts[row["g"]["value"]] = int(row["n"]["value"])
    return counts


def _parse_rdf(response: Response, url: str) -> list[ox.Triple]:
    media = (response.headers.get("Content-Type") or NTRIPLES).split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    try:
        return [quad.triple for quad in ox.parse(response.body, format=fmt)]
    except SyntaxError as exc:
        raise TransportError("http", f"cannot read the RDF that {url} sent back ({media}): {exc}", url=url) from None


_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"


def server_triples(transport: Transport, target: Target, graph: str, expected: int) -> tuple[set[ox.Triple], bool]:
    """The triples the server holds in `graph`, and whether all `expected` of them could be read back.

    Servers cut long answers silently (Virtuoso: ResultSetMaxRows, 10,000 rows by default, for the graph
    store's GET as for CONSTRUCT), and refuse deep OFFSETs under ORDER BY (Virtuoso: "SR353 Sorted TOP
    clause ... Only 10000 are allowed"). So a short answer is completed by subject ranges instead:
    ORDER BY STR(?s), LIMIT one page, the next page starting at the last subject seen (no OFFSET)."""
    triples: set[ox.Triple] = set()
    if target.protocol is Protocol.GSP:
        url = gsp_url(target.write_url, graph)
        triples = set(_parse_rdf(transport.request("GET", url, headers={"Accept": _RDF_ACCEPT}), url))
        if len(triples) >= expected:
            return triples, True
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    first = set(_parse_rdf(_construct(transport, target.endpoint, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}"),
                           target.endpoint))
    if len(first) >= expected or not first:
        return first, len(first) >= expected
    page, after, paged = len(first), None, set()
    try:
        while True:
            where = pattern + (f" FILTER(STR(?s) >= {_sparql_string(after)})" if after is not None else "")
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }} ORDER BY STR(?s) LIMIT {page}"
            got = _parse_rdf(_construct(transport, target.endpoint, query), target.endpoint)
            new = set(got) - paged
            paged.update(got)
            if len(got) < page:
                break
            subjects = {t.subject.value for t in got}
            if not new or len(subjects) == 1:
                break           # one subject fills a page: cannot get further this way
            after = max(subjects)
    except TransportError:
        pass
    best = max((triples, first, paged), key=len)
    return best, len(best) >= expected


def _construct(transport: Transport, endpoint: str, query: str) -> Response:
    return transport.request("POST", endpoint, urllib.parse.urlencode({"query": query}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded", "Accept": _RDF_ACCEPT})


@dataclass(frozen=True)
class GraphCheck:
    iri: str
    expected: int
    found: int
    missing: tuple[str, ...] = ()     # in the build, not on the server (N-Triples lines)
    extra: tuple[str, ...] = ()       # on the server, not in the build
    incomplete: bool = False          # the server would not send back all its triples: `missing` is unknown
    widened: int = 0                  # literals the server keeps in another form of the same value

    @property
    def ok(self) -> bool:
        return self.expected == self.found and not self.missing and not self.extra


_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_INTEGER = ox.NamedNode(_XSD + "integer")
_DERIVED_INTEGERS = frozenset(_XSD + name for name in (
    "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger"))


def _widen(triple: ox.Triple) -> ox.Triple:
    """The triple with its literal in the form a store may keep instead of the one written: the same value,
    canonical lexical form, and xsd:integer for every derived integer type. Stores do this: Oxigraph 0.5
    returns "5"^^xsd:positiveInteger as "5"^^xsd:integer, Virtuoso "0.90"^^xsd:decimal as "0.9"."""
    from decimal import Decimal, InvalidOperation
    value = triple.object
    if not isinstance(value, ox.Literal) or value.language is not None:
        return triple
    datatype = value.datatype.value
    try:
        if datatype in _DERIVED_INTEGERS or datatype == _XSD + "integer":
            literal = ox.Literal(str(int(value.value)), datatype=_XSD_INTEGER)
        elif datatype == _XSD + "decimal":
            number = Decimal(value.value)
            text = format(number.normalize(), "f") if number != 0 else "0"
            literal = ox.Literal(text, datatype=value.datatype)
        elif datatype in (_XSD + "double", _XSD + "float"):
            literal = ox.Literal(repr(float(value.value)), datatype=value.datatype)
        elif datatype == _XSD + "boolean":
            literal = ox.Literal("true" if value.value in ("true", "1") else "false", datatype=value.datatype)
        else:
            return triple
    except (ValueError, InvalidOperation):
        return triple
    return ox.Triple(triple.subject, triple.predicate, literal)


def _diff(data: GraphData, on_server: set[ox.Triple], found: int, complete: bool) -> GraphCheck:
    built = data.triple_set()
    missing, extra = built - on_server, on_server - built
    # the same values in the store's own form (see _widen) are not differences
    stored = {_widen(t): t for t in extra}
    widened = {stored[_widen(t)] for t in missing if _widen(t) in stored}
    missing = {t for t in missing if _widen(t) not in stored}
    extra -= widened
    return GraphCheck(data.iri, data.triples, found,
                      tuple(sorted(f"{t} ." for t in missing)) if complete else (),
                      tuple(sorted(f"{t} ." for t in extra)), incomplete=not complete, widened=len(widened))


def verify(transport: Transport, target: Target, graphs: Iterable[GraphData], *, full: bool = False,
           progress: Progress = lambda message: None) -> tuple[list[GraphCheck], list[str]]:
    """Compare the server with the build: (a check per build graph, stale graph IRIs under the namespace)."""
    graphs = list(graphs)
    namespace = graph_namespace(g.iri for g in graphs)
    built = {g.iri for g in graphs}
    counts = server_counts(transport, target.endpoint, namespace)
    if not owns_namespace(namespace):        # not the build's own "{base}graph/": other graphs are not ours
        counts = {iri: n for iri, n in counts.items() if iri in built}
    checks = []
    for data in graphs:
        found = counts.get(data.iri, 0)
        if found != data.triples or full:
            if found != data.triples:
                progress(f"  {data.iri}: {found:,} triples on the server, {data.triples:,} in the build; "
                         "fetching it back to compare")
            on_server, complete = server_triples(transport, target, data.iri, found) if found else (set(), True)
            checks.append(_diff(data, on_server, found, complete))
        else:
            checks.append(GraphCheck(data.iri, data.triples, found))
    stale = sorted(iri for iri in counts if iri not in built)
    return checks, stale
