"""The SPARQL result writers of the query workers: what they write parses back (with pyoxigraph's own parsers
and with csv) to exactly the terms the query produced, tricky literals included."""
from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from crimecongress import dumps

pytest_plugins = ["serve_support"]   # the build fixtures

QUERY = r'''SELECT ?iri ?plain ?lang ?typed ?blank ?missing WHERE {
  VALUES (?plain ?lang ?typed) {
    ("comma, \"quotes\" and\nnew line\ttab" "Corrupción"@es "5"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>)
    ("<script>alert(1)</script> & ampersand" "plain"@en "2015"^^<http://www.w3.org/2001/XMLSchema#gYear>)
  }
  BIND (IRI("https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d") AS ?iri)
  BIND (BNODE("b") AS ?blank)
} ORDER BY ?plain'''


@pytest.fixture(scope="module")
def engine(fixture_build):
    from crimecongress.serve.data import Dataset
    from crimecongress.serve.worker import Engine
    data = Dataset(fixture_build)
    return Engine({"nquads": str(dumps.find(fixture_build)), "extra": [], "context": data.context,
                   "prefixes": data.prefixes.mapping})


def run(engine, accept: str) -> dict:
    return engine.run({"query": QUERY, "accept": accept, "timeout": 10, "timeout_label": "10",
                       "max_results": 100})


def expected(engine):
    return [[None if s[v] is None else s[v] for v in ("iri", "plain", "lang", "typed")]
            for s in engine.store.query(QUERY)]


@pytest.mark.parametrize("accept, fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_results_parse_back_to_the_same_terms(engine, accept, fmt):
    answer = run(engine, accept)
    assert answer["status"] == 200 and answer["type"].startswith(accept)
    parsed = ox.parse_query_results(answer["body"], fmt)
    assert [v.value for v in parsed.variables] == ["iri", "plain", "lang", "typed", "blank", "missing"]
    rows = list(parsed)
    assert [[r[v] for v in ("iri", "plain", "lang", "typed")] for r in rows] == expected(engine)
    assert all(isinstance(r["blank"], ox.BlankNode) and r["missing"] is None for r in rows)


def test_csv_has_plain_values_and_quotes_what_needs_it(engine):
    answer = run(engine, "text/csv")
    assert answer["type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer["body"].decode(), newline="")))
    assert rows[0] == ["iri", "plain", "lang", "typed", "blank", "missing"]
    assert rows[1][:4] == ["https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d",
                           "<script>alert(1)</script> & ampersand", "plain", "2015"]
    assert rows[2][1] == 'comma, "quotes" and\nnew line\ttab' and rows[2][2] == "Corrupción"
    assert rows[1][4].startswith("_:") and rows[1][5] == ""


def test_ask_and_construct(engine):
    ask = engine.run({"query": "ASK { ?s ?p ?o }", "accept": "application/sparql-results+xml", "timeout": 10,
                      "timeout_label": "10", "max_results": 10})
    assert b"<boolean>true</boolean>" in ask["body"]
    graph = engine.run({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 25", "accept": "text/turtle",
                        "timeout": 10, "timeout_label": "10", "max_results": 25})
    assert graph["status"] == 200 and graph["headers"] == {}
    assert len(list(ox.parse(graph["body"], ox.RdfFormat.TURTLE))) == 25


@pytest.mark.parametrize("query, what", [
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 40", "triples"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 40", "rows"),
])
def test_an_answer_over_the_row_limit_is_refused_whole(engine, query, what):
    # a 200 is the whole answer: one cut short would be taken as complete
    refused = engine.run({"query": query, "accept": "text/turtle, application/sparql-results+json", "timeout": 10,
                          "timeout_label": "10", "max_results": 25})
    assert refused["status"] == 400 and refused["headers"] == {"X-SPARQL-MaxRows": "25"}
    assert f"more than 25 {what}".encode() in refused["body"] and b"LIMIT 25" in refused["body"]
