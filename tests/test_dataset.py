"""The published dataset: build/ is fresh and deterministic, the exports agree, and the data answers queries."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT

BUILD = ROOT / "build"
BASE = "https://w3id.org/crime-congress/"


@pytest.fixture(scope="session")
def fresh_build(tmp_path_factory) -> Path:
    """A build made now, in a separate process with a fixed hash seed."""
    out = tmp_path_factory.mktemp("build") / "build"
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    run = subprocess.run([sys.executable, "-m", "crimecongress", "build", "--quiet", "--out", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and "site" not in p.relative_to(root).parts}


def test_committed_build_is_fresh(fresh_build):
    """build/ is committed; this fails when it is stale: run `make build` and commit build/."""
    committed, fresh = _files(BUILD), _files(fresh_build)
    assert sorted(committed) == sorted(fresh)
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"stale files in build/: {stale[:5]} — run `make build` and commit build/"


def test_two_builds_are_byte_identical(fresh_build, tmp_path):
    from crimecongress.build import release_files
    from crimecongress.ids import Minter
    again, _, _ = release_files(Minter(BASE), lambda message: None, check_owl=False)
    assert _files(fresh_build).keys() == again.keys()
    for name, data in again.items():
        assert _files(fresh_build)[name] == data, name


def test_manifest_lists_every_file_with_its_checksum(fresh_build):
    import hashlib
    lines = (fresh_build / "MANIFEST.sha256").read_text().splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    files = _files(fresh_build)
    assert set(listed) == set(files) - {"MANIFEST.sha256"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _triples_rdflib(path: Path, fmt: str) -> set:
    graph = Graph()
    graph.parse(data=_read(path), format=fmt)
    return {(str(s), str(p), o.n3()) for s, p, o in graph}


def _ox_object(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if term.language:
        return Literal(term.value, lang=term.language).n3()
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value).n3()
    return Literal(term.value, datatype=term.datatype.value).n3()


def _triples_oxigraph(path: Path, fmt) -> set:
    return {(t.subject.value, t.predicate.value, _ox_object(t.object)) for t in ox.parse(_read(path), format=fmt)}


def _triples_pyld(path: Path) -> set:
    from pyld import jsonld

    def offline(url, options=None):
        raise AssertionError(f"the document asked for {url}: a JSON-LD file must read offline")

    nquads = jsonld.to_rdf(json.loads(_read(path)), {"format": "application/n-quads", "documentLoader": offline})
    graph = Graph()
    graph.parse(data=nquads, format="nt")
    return {(str(s), str(p), o.n3()) for s, p, o in graph}


@pytest.mark.parametrize("name", ["dataset", "doc/doha-declaration-2015", "doc/kyoto-declaration-2021"])
def test_exports_are_the_same_graph(fresh_build, name):
    """Turtle (rdflib and oxigraph), N-Triples and JSON-LD (pyld, rdflib and oxigraph, each offline: the context is
    inline) hold the same triples."""
    gz = ".gz" if name == "dataset" else ""     # the whole-dataset dumps are released gzipped
    reference = _triples_rdflib(fresh_build / f"{name}.nt.gz", "nt")
    assert reference
    assert _triples_rdflib(fresh_build / f"{name}.ttl{gz}", "turtle") == reference
    assert _triples_oxigraph(fresh_build / f"{name}.ttl{gz}", ox.RdfFormat.TURTLE) == reference
    assert _triples_pyld(fresh_build / f"{name}.jsonld{gz}") == reference
    assert _triples_rdflib(fresh_build / f"{name}.jsonld{gz}", "json-ld") == reference
    assert _triples_oxigraph(fresh_build / f"{name}.jsonld{gz}", ox.RdfFormat.JSON_LD) == reference


def test_json_ld_files_carry_their_context_and_need_no_json_ld_1_1(fresh_build):
    published = json.loads((fresh_build / "context.jsonld").read_text())["@context"]
    assert "@version" not in published           # no JSON-LD 1.1 feature is used, so 1.0 processors read it too
    files = sorted(fresh_build.rglob("*.jsonld")) + [fresh_build / "dataset.jsonld.gz"]
    for path in files:
        if path.name != "context.jsonld":
            assert json.loads(_read(path))["@context"] == published, path


def test_nquads_holds_one_graph_per_document_and_the_vocabularies(fresh_build, corpus):
    names = {q.graph_name.value for q in ox.parse(_read(fresh_build / "dataset.nq.gz"), format=ox.RdfFormat.N_QUADS)}
    expected = {BASE + "graph/" + d.slug for d in corpus.documents}
    expected |= {BASE + "graph/" + name for name in ("ontology", "taxonomy", "authorities", "sources", "sdg",
                                                      "sdg-crosswalk", "sdg-links", "lineage")}
    assert names == expected


def test_the_union_of_the_graphs_has_each_statement_once(fresh_build):
    # SPARQL over the union default graph counts a statement once per graph that holds it: no statement is in two
    # graphs, so COUNT(*) over a full scan is the number of triples the VoID description gives
    quads = [q for q in ox.parse(_read(fresh_build / "dataset.nq.gz"), format=ox.RdfFormat.N_QUADS)]
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert len(quads) == len(triples)
    void = Graph().parse(fresh_build / "void.ttl", format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert int(void.value(dataset, URIRef("http://rdfs.org/ns/void#triples"))) == len(triples)


def _ox_triples(path: Path) -> set:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(_read(path), format=ox.RdfFormat.N_TRIPLES)}


def test_whole_dataset_dumps_are_the_graphs_merged(fresh_build):
    """The build writes each graph, then merges the whole-dataset dumps from them: sorted lines, each
    statement once (once per graph in N-Quads), each document's graph exactly its own file, nothing else."""
    nt = _read(fresh_build / "dataset.nt.gz").splitlines()
    assert nt == sorted(set(nt))
    nq = _read(fresh_build / "dataset.nq.gz").splitlines()
    assert nq == sorted(set(nq))
    by_graph: dict[str, set] = {}
    for quad in ox.parse(_read(fresh_build / "dataset.nq.gz"), format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(quad.graph_name.value, set()).add(ox.Triple(quad.subject, quad.predicate, quad.object))
    for path in sorted((fresh_build / "doc").glob("*.nt.gz")):
        assert by_graph[BASE + "graph/" + path.name.removesuffix(".nt.gz")] == _ox_triples(path), path.name
    whole = _ox_triples(fresh_build / "dataset.nt.gz")
    assert whole == set().union(*by_graph.values())
    assert len(whole) == len(nt)


def test_no_blank_nodes_in_published_data(fresh_build):
    for path in fresh_build.rglob("*.nt.gz"):
        assert b"_:" not in _read(path), path


@pytest.fixture(scope="session")
def store(fresh_build):
    store = ox.Store()
    store.bulk_load(input=_read(fresh_build / "dataset.nt.gz"), format=ox.RdfFormat.N_TRIPLES)
    return store


def test_every_unit_is_published_with_its_text(store, corpus):
    published = {s.value: o.value for s, o in
                 ((r["s"], r["t"]) for r in store.query(
                     "SELECT ?s ?t WHERE { ?s <https://w3id.org/crime-congress/ontology#text> ?t }"))}
    for document in corpus.documents:
        for unit in document.units:
            if unit.text:
                assert published.get(unit.iri) == unit.text, unit.iri


PREFIXES = """PREFIX uncc: <https://w3id.org/crime-congress/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX instrument: <https://w3id.org/crime-congress/instrument/>
"""


def test_query_text_of_doha_paragraph_5d(store, corpus):
    rows = list(store.query(PREFIXES + """SELECT ?text WHERE {
        <https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d> uncc:text ?text }"""))
    expected = corpus.document("doha-declaration-2015").unit(BASE + "doc/doha-declaration-2015/para/5/d").text
    assert [r["text"].value for r in rows] == [expected]
    assert expected.startswith("To make every effort to prevent and counter corruption")


def test_query_every_paragraph_citing_uncac(store):
    rows = {r["p"].value for r in store.query(PREFIXES + """SELECT DISTINCT ?p WHERE {
        { ?p uncc:footnoteRef/uncc:identifies instrument:uncac } UNION { ?p eli:cites instrument:uncac } }""")}
    assert BASE + "doc/doha-declaration-2015/para/5/d" in rows
    assert BASE + "doc/kyoto-declaration-2021/para/20" in rows
    assert BASE + "doc/bangkok-declaration-2005/para/4" in rows
