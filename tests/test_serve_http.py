"""`crimecongress serve` through HTTP with real clients: the SPARQL protocol (SPARQLWrapper), dereferencing
with content negotiation (rdflib parses every RDF answer), the citation resolver, the downloads and the
refusals (updates, oversize bodies, path traversal, slow queries)."""
from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from urllib.error import HTTPError
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from crimecongress import dumps

pytest_plugins = ["serve_support"]   # the server and build fixtures

BASE = "https://w3id.org/crime-congress/"
UNCC = BASE + "ontology#"
PARA = BASE + "doc/doha-declaration-2015/para/5/d"
PARA_PATH = "/doc/doha-declaration-2015/para/5/d"
PREFIX = f"PREFIX uncc: <{UNCC}>\n"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DOCS_QUERY = PREFIX + "SELECT ?doc ?title WHERE { ?doc uncc:shortTitle ?title } ORDER BY ?title"


def text_in_build(build, iri: str) -> str:
    store = ox.Store()
    dumps.load_quads(store, dumps.find(build))
    rows = list(store.query(f"SELECT ?t WHERE {{ <{iri}> <{UNCC}text> ?t }}", use_default_graph_as_union=True))
    return rows[0]["t"].value


def wrapper(server, fmt, query=DOCS_QUERY) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


# --- SPARQL: result formats ----------------------------------------------------------------------------------------

def test_select_as_json(server):
    result = wrapper(server, JSON).queryAndConvert()
    titles = {row["title"]["value"] for row in result["results"]["bindings"]}
    assert "Doha Declaration" in titles and "Kyoto Declaration" in titles
    assert result["head"]["vars"] == ["doc", "title"]


def test_select_as_xml(server):
    document = wrapper(server, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert "Doha Declaration" in literals


def test_select_as_csv(server):
    body = wrapper(server, CSV).queryAndConvert().decode()
    lines = body.split("\r\n")
    assert lines[0] == "doc,title"
    assert f"{BASE}doc/doha-declaration-2015,Doha Declaration" in lines


def test_select_as_tsv(server):
    body = wrapper(server, TSV).queryAndConvert().decode()
    lines = body.splitlines()
    assert lines[0] == "?doc\t?title"
    assert f'<{BASE}doc/doha-declaration-2015>\t"Doha Declaration"@en' in lines


def test_select_by_post_form_and_post_direct(server):
    for method in (POST, POSTDIRECTLY):
        sparql = wrapper(server, JSON)
        sparql.setMethod(POST)
        if method == POSTDIRECTLY:
            sparql.setRequestMethod(POSTDIRECTLY)
        result = sparql.queryAndConvert()
        assert any(r["title"]["value"] == "Doha Declaration" for r in result["results"]["bindings"])


def test_ask_as_json_and_xml(server):
    query = PREFIX + f"ASK {{ <{PARA}> uncc:text ?t }}"
    assert wrapper(server, JSON, query).queryAndConvert()["boolean"] is True
    document = wrapper(server, XML, query).queryAndConvert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


CONSTRUCT = PREFIX + f"CONSTRUCT {{ ?u uncc:text ?t }} WHERE {{ ?u uncc:document <{BASE}doc/doha-declaration-2015> ; uncc:text ?t }}"


@pytest.mark.parametrize("fmt, accept, rdflib_format", [
    (TURTLE, None, "turtle"),
    (JSONLD, None, "json-ld"),
    (N3, "application/n-triples", "nt"),
])
def test_construct_formats_parse_to_the_same_graph(server, served_build, fmt, accept, rdflib_format):
    sparql = wrapper(server, fmt, CONSTRUCT)
    if accept:
        sparql.addCustomHttpHeader("Accept", accept)
    response = sparql.query()
    body = response.response.read()
    media = response.info()["content-type"]
    expected = {TURTLE: "text/turtle", JSONLD: "application/ld+json", N3: "application/n-triples"}[fmt]
    assert media.startswith(expected)
    graph = Graph().parse(data=body, format=rdflib_format)
    assert (URIRef(PARA), URIRef(UNCC + "text"), Literal(text_in_build(served_build, PARA), lang="en")) in graph
    assert len(graph) > 10


def test_construct_in_a_format_only_for_select_is_406(server):
    status, _, body = server.get("/sparql?" + urlencode({"query": CONSTRUCT}), accept="text/csv")
    assert status == 406 and b"text/turtle" in body


def test_browser_gets_results_as_an_html_table(server):
    status, headers, body = server.get("/sparql?" + urlencode({"query": DOCS_QUERY}),
                                       accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<table id='results-table'>" in body and b"Doha Declaration" in body


def test_default_graph_uri_restricts_the_dataset(server):
    query = PREFIX + "SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE { ?u uncc:document ?doc }"
    one = f"{BASE}graph/doha-declaration-2015"
    status, _, body = server.get("/sparql?" + urlencode({"query": query, "default-graph-uri": one}),
                                 accept="application/sparql-results+json")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"


def test_an_answer_over_max_results_is_refused_not_cut(server):
    # the session server runs with --max-results 500: a 200 is always the whole answer
    status, headers, body = server.get("/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}),
                                       accept="application/sparql-results+json")
    assert status == 400 and headers["x-sparql-maxrows"] == "500"
    assert b"more than 500 rows" in body and b"OFFSET" in body
    status, headers, body = server.get("/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"}),
                                       accept="application/sparql-results+json")
    assert status == 200 and "x-sparql-maxrows" not in headers
    assert len(json.loads(body)["results"]["bindings"]) == 500


# --- SPARQL: refusals ----------------------------------------------------------------------------------------------

UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"


def test_updates_are_refused_with_403(server):
    attempts = [
        ("GET", "/sparql?" + urlencode({"update": UPDATE}), {}, None),
        ("GET", "/sparql?" + urlencode({"query": UPDATE}), {}, None),
        ("GET", "/sparql?" + urlencode({"query": "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }"}), {}, None),
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, urlencode({"update": UPDATE}).encode()),
        ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, UPDATE.encode()),
        ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"CLEAR ALL"),
    ]
    for method, path, headers, body in attempts:
        status, _, answer = server.request(method, path, headers=headers, body=body)
        assert status == 403, (method, path, body)
        assert b"read-only" in answer
    # and nothing changed
    status, _, body = server.get("/sparql?" + urlencode({"query": "ASK { <http://example.org/a> ?p ?o }"}),
                                 accept="application/sparql-results+json")
    assert json.loads(body)["boolean"] is False


def test_sparqlwrapper_update_gets_403(server):
    sparql = SPARQLWrapper(server.url + "sparql")
    sparql.setQuery(UPDATE)
    sparql.setMethod(POST)
    with pytest.raises(HTTPError) as error:
        sparql.query()
    assert error.value.code == 403


def test_malformed_query_is_400_with_the_parsers_message(server):
    status, _, body = server.get("/sparql?" + urlencode({"query": "SELECT ?x WHERE { ?x ?y }"}))
    assert status == 400
    assert body.startswith(b"Malformed query:") and b"error at" in body


def test_oversize_body_is_refused_without_being_read(server):
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 5000000\r\n\r\nSELECT")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
        reply = reply.decode()
    assert reply.startswith("HTTP/1.1 413")
    assert "larger than the limit" in reply


def test_post_with_an_unknown_content_type_is_415(server):
    status, _, _ = server.request("POST", "/sparql", headers={"Content-Type": "text/plain"}, body=b"SELECT * {}")
    assert status == 415


# --- dereferencing -------------------------------------------------------------------------------------------------

RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
             "application/rdf+xml": "xml"}


def test_paragraph_in_every_rdf_format_parses_to_the_same_graph(server, served_build):
    graphs = {}
    for media, fmt in RDF_TYPES.items():
        status, headers, body = server.get(PARA_PATH, accept=media)
        assert status == 200, media
        assert headers["content-type"].split(";")[0] == media
        assert headers["vary"] == "Accept"
        graphs[media] = Graph().parse(data=body, format=fmt)
    triples = [set(g) for g in graphs.values()]
    assert all(t == triples[0] for t in triples)
    text = Literal(text_in_build(served_build, PARA), lang="en")
    assert (URIRef(PARA), URIRef(UNCC + "text"), text) in triples[0]
    # the source span minted below the paragraph is part of its description
    spans = [o for o in graphs["text/turtle"].objects(URIRef(PARA), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))]
    assert spans and all(set(graphs["text/turtle"].predicate_objects(span)) for span in spans)


def test_suffixes_give_the_same_bytes_as_negotiation(server):
    for media, suffix in (("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
                          ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf")):
        _, _, negotiated = server.get(PARA_PATH, accept=media)
        status, headers, by_suffix = server.get(PARA_PATH + suffix)
        assert status == 200 and by_suffix == negotiated, suffix
        assert headers["content-type"].split(";")[0] == media


def test_link_header_lists_the_alternates(server):
    status, headers, body = server.get(PARA_PATH, accept="text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    link = headers["link"]
    for media, suffix in (("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
                          ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf")):
        assert f'<{PARA_PATH}{suffix}>; rel="alternate"; type="{media}"' in link
    assert f'<{PARA}>; rel="canonical"' in link
    assert b"Doha Declaration, para. 5 (d)" in body


def test_negotiation_honours_q_values(server):
    _, headers, _ = server.get(PARA_PATH, accept="text/html;q=0.5, text/turtle")
    assert headers["content-type"].startswith("text/turtle")
    assert headers["content-location"] == PARA_PATH + ".ttl"
    _, headers, _ = server.get(PARA_PATH, accept="application/rdf+xml;q=0.9, */*;q=0.1")
    assert headers["content-type"].startswith("application/rdf+xml")
    status, _, _ = server.get(PARA_PATH, accept="image/png")
    assert status == 406


def test_jsonld_reads_offline(server):
    """The context is inline, so a client with no network parses the JSON-LD."""
    _, _, body = server.get(PARA_PATH, accept="application/ld+json")
    document = json.loads(body)
    assert isinstance(document["@context"], dict)


def test_document_and_ontology_dereference(server):
    status, _, body = server.get("/doc/doha-declaration-2015", accept="text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    # a document's description links down to its top-level units
    assert status == 200 and (URIRef(BASE + "doc/doha-declaration-2015/para/5"),
                              URIRef("http://data.europa.eu/eli/ontology#is_part_of"),
                              URIRef(BASE + "doc/doha-declaration-2015")) in graph
    status, _, body = server.get("/ontology", accept="text/turtle")
    assert status == 200
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef(UNCC + "Paragraph"), None, None) in graph
    status, _, body = server.get("/ontology", accept="text/html")
    assert status == 200 and b"id='Paragraph'" in body


def test_unknown_iri_is_404_in_html_and_in_plain_text(server):
    status, headers, body = server.get("/doc/doha-declaration-2015/para/999", accept="text/html")
    assert status == 404 and headers["content-type"].startswith("text/html") and b"<h1>" in body
    status, headers, body = server.get("/doc/doha-declaration-2015/para/999", accept="text/turtle")
    assert status == 404 and headers["content-type"].startswith("text/plain")
    assert BASE.encode() + b"doc/doha-declaration-2015/para/999" in body


def test_etag_gives_304(server):
    _, headers, _ = server.get(PARA_PATH, accept="text/turtle")
    status, _, body = server.request("GET", PARA_PATH, headers={"Accept": "text/turtle",
                                                               "If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def test_gzip_when_asked(server):
    import gzip
    _, plain_headers, plain = server.get(PARA_PATH, accept="text/turtle")
    status, headers, body = server.request("GET", PARA_PATH, headers={"Accept": "text/turtle",
                                                                     "Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain and len(body) < len(plain)
    assert headers["vary"] == "Accept, Accept-Encoding" and headers["etag"] != plain_headers["etag"]
    status, _, _ = server.request("GET", PARA_PATH, headers={"Accept": "text/turtle", "Accept-Encoding": "gzip",
                                                            "If-None-Match": headers["etag"]})
    assert status == 304
    status, headers, body = server.request("GET", "/dataset.nq", headers={"Accept-Encoding": "gzip"})
    assert headers["content-type"] == "application/n-quads" and len(gzip.decompress(body)) > len(body)
    assert headers["content-encoding"] == "gzip"
    status, headers, plain = server.request("GET", "/dataset.nq")
    assert status == 200 and "content-encoding" not in headers and plain == gzip.decompress(body)


def test_head_has_headers_and_no_body(server):
    status, headers, body = server.request("HEAD", PARA_PATH, headers={"Accept": "text/turtle"})
    assert status == 200 and body == b"" and int(headers["content-length"]) > 100


# --- downloads and traversal ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, name, media", [
    ("/dataset.ttl", "dataset.ttl", "text/turtle"), ("/dataset.nq", "dataset.nq", "application/n-quads"),
    ("/dataset.nt.gz", "dataset.nt.gz", "application/gzip"), ("/dataset.jsonld", "dataset.jsonld", "application/ld+json"),
    ("/dataset.nt", "dataset.nt", "application/n-triples"), ("/dataset/dataset.nq.gz", "dataset.nq.gz", "application/gzip"),
    ("/void.ttl", "void.ttl", "text/turtle"), ("/.well-known/void", "void.ttl", "text/turtle"),
    ("/context.jsonld", "context.jsonld", "application/ld+json"),
    ("/dataset/dataset.ttl", "dataset.ttl", "text/turtle"),
    ("/dataset/doc/doha-declaration-2015.ttl", "doc/doha-declaration-2015.ttl", "text/turtle"),
])
def test_downloads_come_straight_from_the_build(server, served_build, path, name, media):
    status, headers, body = server.get(path)
    assert status == 200
    assert headers["content-type"].split(";")[0] == media
    # a plain dump's address is answered from the gzipped file the build holds, unpacked for a client that asks
    # for no Content-Encoding
    file = served_build / name
    assert body == (file.read_bytes() if file.exists() else gzip.decompress((served_build / f"{name}.gz").read_bytes()))


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/%2E%2E%2Fpyproject.toml", "/dataset/../../pyproject.toml",
    "/dataset/%2e%2e/%2e%2e/pyproject.toml", "/_static/../../pyproject.toml", "//etc/passwd", "/%2Fetc%2Fpasswd",
    "/dataset//etc/passwd", "/dataset/..%2f..%2fpyproject.toml", "/..\\pyproject.toml", "/dataset/site/index.html",
])
def test_no_file_outside_the_build_can_be_read(server, path):
    status, _, body = server.get(path)
    assert status in (400, 403, 404), path
    assert b"[build-system]" not in body and b"root:" not in body


def test_absolute_form_request_target_cannot_escape_either(server):
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(f"GET http://{server.host}:{server.port}/../pyproject.toml HTTP/1.1\r\nHost: x\r\n"
                     f"Connection: close\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 404") and b"[build-system]" not in reply


# --- the resolver --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cite, path", [
    ("Doha Declaration, para. 5 (i)", "/doc/doha-declaration-2015/para/5/i"),
    ("Doha Declaration, para. 5(d)", "/doc/doha-declaration-2015/para/5/d"),
    ("A/RES/70/174, annex, para. 10(c)", "/doc/doha-declaration-2015/para/10/c"),
    ("Kyoto Declaration paragraph 49", "/doc/kyoto-declaration-2021/para/49"),
    ("[AP 62(a)]", "/doc/rpm-report-ap/para/62/a"),
    ("Bangkok Declaration, para. 4", "/doc/bangkok-declaration-2005/para/4"),
    ("Vienna Declaration", "/doc/vienna-declaration-2000"),
    ("doha declaration 2015 para 5 (d)", "/doc/doha-declaration-2015/para/5/d"),
])
def test_resolver_redirects_with_303(server, cite, path):
    status, headers, _ = server.get("/resolve?" + urlencode({"cite": cite}))
    assert status == 303, cite
    assert headers["location"] == path


@pytest.mark.parametrize("cite, expected", [
    ("para. 5", "/doc/doha-declaration-2015/para/5"),
    ("Vienna", "/doc/vienna-plans-of-action-2002"),
])
def test_resolver_lists_candidates_when_ambiguous(server, cite, expected):
    status, headers, body = server.get("/resolve?" + urlencode({"cite": cite}))
    assert status == 300
    assert headers["content-type"].startswith("text/html")
    assert f'href="{expected}"'.encode() in body
    assert body.count(b"<li>") >= 2


def test_resolver_says_why_nothing_matches(server):
    status, _, body = server.get("/resolve?" + urlencode({"cite": "Doha Declaration, para. 999"}))
    assert status == 404 and b"has no paragraph 999" in body
    status, _, body = server.get("/resolve?" + urlencode({"cite": "Geneva Convention, para. 1"}),
                                 accept="text/plain")
    assert status == 404 and body.startswith("No document matches “Geneva Convention”".encode())


# --- staying up ----------------------------------------------------------------------------------------------------

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_slow_query_is_cut_off_and_the_server_keeps_answering(served_build):
    from serve_support import Server
    server = Server(served_build, "--query-timeout", "1.5", "--workers", "2", "--query-cache", "0")
    try:
        server.wait_workers()
        slow = {}

        def run_slow():
            started = time.monotonic()
            slow["answer"] = server.get("/sparql?" + urlencode({"query": SLOW}))
            slow["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.3)
        # while the slow query runs: a page, a fast query and a search are answered at once
        for path, accept in ((PARA_PATH, "text/html"), ("/search?q=corruption", None),
                             ("/sparql?" + urlencode({"query": DOCS_QUERY}), "application/sparql-results+json")):
            started = time.monotonic()
            status, _, _ = server.get(path, accept=accept)
            assert status == 200 and time.monotonic() - started < 1.0, path
        assert thread.is_alive()
        thread.join(15)
        status, headers, body = slow["answer"]
        assert status == 503
        assert b"time limit of 1.5 s" in body
        assert 1.4 < slow["seconds"] < 5
        # the killed worker is replaced: queries still work, twice over (both workers)
        for _ in range(3):
            status, _, _ = server.get("/sparql?" + urlencode({"query": DOCS_QUERY}),
                                      accept="application/sparql-results+json")
            assert status == 200
    finally:
        server.stop()


def test_a_query_that_needs_too_much_memory_fails_alone(fixture_build):
    from serve_support import Server
    server = Server(fixture_build, "--worker-memory", "600", "--query-timeout", "30", "--workers", "1",
                    "--query-cache", "0")
    try:
        status, _, body = server.get("/sparql?" + urlencode(
            {"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"}), timeout=60)
        assert status == 500 and b"more memory than a worker has" in body
        status, _, body = server.get("/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"}),
                                     accept="application/sparql-results+json")
        assert status == 200 and json.loads(body)["boolean"] is True, body   # the reason, when it is not
    finally:
        server.stop()


def test_every_example_query_runs(server):
    from crimecongress.serve.app import QUERIES_DIR, load_examples
    examples = load_examples(QUERIES_DIR)
    assert examples, "queries/ holds no .rq file"
    status, _, page = server.get("/query", accept="text/html")
    for example in examples:
        assert example.title and html_escape(example.title).encode() in page
        status, _, body = server.get("/sparql?" + urlencode({"query": example.query}),
                                     accept="application/sparql-results+json, text/turtle;q=0.9")
        assert status == 200, (example.name, body[:300])


def test_every_example_query_runs_through_the_common_python_clients(server):
    """SPARQLWrapper (which guesses the query type from the text: a comment saying "add" once made it send an
    update) and rdflib's SPARQLStore both get an answer to every file of queries/, equal to the plain HTTP one."""
    from rdflib import Graph as RdfGraph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    from crimecongress.serve.app import QUERIES_DIR, load_examples
    store = RdfGraph(SPARQLStore(server.url + "sparql", returnFormat="json"))
    for example in load_examples(QUERIES_DIR):
        client = wrapper(server, JSON, example.query)
        assert not client.isSparqlUpdateRequest(), example.name
        answer = client.query().convert()
        status, _, body = server.get("/sparql?" + urlencode({"query": example.query}),
                                     accept="application/sparql-results+json")
        assert status == 200 and answer == json.loads(body), example.name
        rows = list(store.query(example.query))
        assert len(rows) == len(answer["results"]["bindings"]), example.name


def html_escape(text: str) -> str:
    import html
    return html.escape(text, quote=True)


def test_service_description_and_query_page(server):
    status, headers, body = server.get("/sparql", accept="text/turtle")
    assert status == 200 and b"sd:Service" in body


def test_the_service_description_follows_the_w3c_vocabulary_in_turtle_and_rdf_xml(server, served_build):
    """SPARQL 1.1 Service Description: the endpoint, its features and the dataset it serves -- the union default
    graph and every named graph, each with its number of triples -- in whichever RDF format the client asks for."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    graphs = {}
    for accept, fmt, media in (("text/turtle", "turtle", "text/turtle"),
                               ("application/rdf+xml", "xml", "application/rdf+xml"),
                               ("application/ld+json", "json-ld", "application/ld+json"),
                               (None, "turtle", "text/turtle"), ("*/*", "turtle", "text/turtle")):
        status, headers, body = server.request("GET", "/sparql", headers={"Accept": accept} if accept else {})
        assert status == 200 and headers["content-type"].split(";")[0] == media, accept
        assert "Accept" in headers["vary"]
        graphs[accept] = Graph().parse(data=body, format=fmt, publicID=server.url)
    from rdflib.compare import isomorphic
    assert isomorphic(graphs["text/turtle"], graphs["application/rdf+xml"])
    assert isomorphic(graphs["text/turtle"], graphs["application/ld+json"])
    g = graphs["text/turtle"]
    endpoint = URIRef(BASE + "sparql")
    assert (endpoint, URIRef(RDF_TYPE), URIRef(sd + "Service")) in g
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert (endpoint, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    dataset = g.value(endpoint, URIRef(sd + "defaultDataset"))
    void = Graph().parse(served_build / "void.ttl")
    void_triples = URIRef("http://rdfs.org/ns/void#triples")
    assert g.value(g.value(dataset, URIRef(sd + "defaultGraph")), void_triples) == \
        void.value(URIRef(BASE + "dataset"), void_triples)
    named = {g.value(n, URIRef(sd + "name")): g.value(g.value(n, URIRef(sd + "graph")), void_triples)
             for n in g.objects(dataset, URIRef(sd + "namedGraph"))}
    subsets = {s for s in void.objects(URIRef(BASE + "dataset"), URIRef("http://rdfs.org/ns/void#subset"))
               if str(s).startswith(BASE + "graph/")}
    assert set(named) == subsets | {URIRef(BASE + "graph/void")}
    assert all(named[s] == void.value(s, void_triples) for s in subsets)
    status, headers, _ = server.request("GET", "/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    status, _, _ = server.request("GET", "/sparql", headers={"Accept": "image/png"})
    assert status == 406
    status, headers, body = server.get("/query", accept="text/html")
    assert status == 200 and b"<textarea id='query'" in body


def test_serve_command_line_errors_name_the_problem(server, tmp_path):
    import subprocess
    import sys
    from conftest import ROOT
    run = subprocess.run([sys.executable, "-m", "crimecongress", "serve", "--build", str(tmp_path / "none"),
                          "--port", "0"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "no dataset.nq.gz" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "crimecongress", "serve", "--build", str(server.build),
                          "--port", str(server.port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and f"cannot listen on 127.0.0.1:{server.port}" in run.stderr
