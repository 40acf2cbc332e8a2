"""The one set of RDF writers (crimecongress.export): the build's files, the server's answers and the SHACL report
are written by the same code, so what `serve` hands out for a resource is what the build writes for the same
statements, byte for byte."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from crimecongress import export
from crimecongress.prefixes import Prefixes, compact, load_context, table
from crimecongress.serve.rdf import ox_triples

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DOHA = "https://w3id.org/crime-congress/doc/doha-declaration-2015"
PARA = DOHA + "/para/5"
N, B, L = ox.NamedNode, ox.BlankNode, ox.Literal
EX = "http://example.org/"
RDF = table()["rdf"]


def _parse(data: bytes, fmt: ox.RdfFormat) -> set:
    return {q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(data, format=fmt)}


@pytest.fixture(scope="module")
def app():
    """The server's application on the committed build, called in-process (no SPARQL workers)."""
    from crimecongress.serve.app import App
    application = App(BUILD, sparql=False)
    yield application
    application.close()


def _nodes(document: bytes) -> dict[str, bytes]:
    """The node lines of one of our JSON-LD documents (a node per line), by id."""
    lines = [line.strip().rstrip(b",") for line in document.splitlines() if line.startswith(b"  {")]
    return {json.loads(line)["id"]: line for line in lines}


def test_the_build_writers_rewrite_the_committed_files_byte_for_byte():
    """The committed document files are what the writers give for their statements (the build's bytes hold)."""
    doc = BUILD / "doc" / "doha-declaration-2015"
    triples = list(_parse(gzip.decompress(doc.with_suffix(".nt.gz").read_bytes()), ox.RdfFormat.N_TRIPLES))
    assert len(triples) > 1000
    assert export.turtle(triples) == doc.with_suffix(".ttl").read_bytes()
    assert export.ntriples(triples) == gzip.decompress(doc.with_suffix(".nt.gz").read_bytes())
    assert export.jsonld(triples, load_context()) == doc.with_suffix(".jsonld").read_bytes()


def test_a_description_is_written_alike_from_the_statements_read_and_from_its_terms():
    """Once the server has read the build's statements, it writes a description from them as they are (in the
    writers' order, no term converted); the bytes are those its terms give converted and sorted, for every
    kind of resource: documents, units, their tags and source spans, themes, authorities, ontology terms, the
    dataset, an IRI that is only ever an object and one the data does not know."""
    from crimecongress.serve.app import App
    application = App(BUILD, sparql=False)          # its own: the statements are not read yet
    data = application.data
    iris = [*data.documents, *data.units_of[DOHA], *data.themes, *data.authority("instrument"),
            *data.authority("actor"), *data.subjects[::40], *sorted(data.inc)[::40], data.minter.dataset(),
            data.minter.ontology, data.base, data.base + "no/such/thing", "http://metadata.un.org/sdg/16.5"]
    assert data.statements(PARA) is None
    converted = {(iri, fmt): application.rdf(iri, fmt) for iri in iris for fmt in ("ttl", "nt", "jsonld", "rdf")}
    data.read_statements()
    assert data.statements(PARA) is not None and len(iris) > 1500
    assert {key: application.rdf(*key) for key in converted} == converted
    application.close()


def test_sorted_lines_are_taken_for_the_writers_order_only_where_they_agree():
    """A subject's sorted N-Triples lines are in the writers' order unless a predicate IRI starts another and goes on
    with a character that sorts before ">"; then the server sorts the statements it read."""
    s, p, p2 = N(EX + "s"), N(EX + "p"), N(EX + "p-2")
    triples = [ox.Triple(s, p2, L("a")), ox.Triple(s, p, L("b"))]
    first_line = sorted(export.ntriples(triples).splitlines())[0]
    assert [t.predicate for t in export.ordered(triples)] == [p, p2] and f"<{p2.value}>".encode() in first_line
    assert not export.lines_in_statement_order({p.value, p2.value})
    assert export.lines_in_statement_order({p.value, EX + "pq", EX + "a"})     # "q" sorts after ">"


def test_the_served_paragraph_is_the_build_writers_output(app):
    triples = ox_triples(app.data.description(PARA))
    context = load_context(app.base)
    # N-Triples: the build's writer, and every line as the build's dump holds it
    nt = app.rdf(PARA, "nt")
    assert nt == export.ntriples(triples)
    dump = {line[:line.rindex(b" <", 0, -3)] + b" .\n"
            for line in gzip.decompress((BUILD / "dataset.nq.gz").read_bytes()).splitlines(keepends=True)}
    assert set(nt.splitlines(keepends=True)) <= dump
    # JSON-LD: the build's document head (the context inline) and compaction, with a compactor made afresh
    served = app.rdf(PARA, "jsonld")
    assert served == export.jsonld(triples, context)
    published = (BUILD / "doc" / "doha-declaration-2015.jsonld").read_bytes()
    assert served[:served.index(b'"@graph": [')] == published[:published.index(b'"@graph": [')]
    ours, theirs = _nodes(served), _nodes(published)
    spans = [node for node in ours if node.startswith(PARA + "/source/")]
    assert spans and all(ours[node] == theirs[node] for node in spans)
    # Turtle: the build's layout, the paragraph first, only the prefixes it can use
    turtle = app.rdf(PARA, "ttl")
    declared = dict(line.decode()[len("@prefix "):-2].split(": ", 1) for line in turtle.splitlines()
                    if line.startswith(b"@prefix "))
    declared = {name: iri.strip("<>") for name, iri in declared.items()}
    assert turtle == export.turtle(_parse(turtle, ox.RdfFormat.TURTLE), prefixes=declared, first=PARA)
    assert _parse(turtle, ox.RdfFormat.TURTLE) == _parse(nt, ox.RdfFormat.N_TRIPLES) == set(triples)
    body = turtle.decode().split("\n\n", 1)[1]
    assert body.startswith(f"<{PARA}> ") and "\\/" not in turtle.decode()
    assert "doc" not in declared             # paragraph IRIs are not plain words under doc:


def test_served_turtle_declares_only_prefixes_it_uses(app):
    turtle = app.rdf(PARA, "ttl").decode()
    body = turtle.split("\n\n", 1)[1]
    names = [line.split()[1][:-1] for line in turtle.splitlines() if line.startswith("@prefix ")]
    assert names == sorted(names) and names
    assert all(f"{name}:" in body for name in names)
    assert "rdf" not in names                # rdf:type is written `a`


def test_blank_nodes_are_written_by_every_writer():
    triples = [ox.Triple(N(EX + "s"), N(EX + "p"), B("x")), ox.Triple(B("x"), N(EX + "q"), L("v", language="en")),
               ox.Triple(B("x"), N(RDF + "type"), N(EX + "C"))]
    context = load_context()
    reference = Graph().parse(data=export.ntriples(triples), format="nt")
    assert len(reference) == 3
    for data, fmt in ((export.turtle(triples), "turtle"), (export.jsonld(triples, context), "json-ld"),
                      (export.rdfxml(triples, {}), "xml")):
        assert isomorphic(Graph().parse(data=data, format=fmt), reference), fmt
    node = json.loads(export.jsonld(triples, context))["@graph"][1]
    assert node["id"] == "_:x" and node["type"] == "http://example.org/C"


def test_nested_turtle_writes_blank_nodes_in_place_and_reads_back_the_same():
    s, p = N(EX + "s"), N(EX + "p")
    first, rest, nil = N(RDF + "first"), N(RDF + "rest"), N(RDF + "nil")
    triples = [ox.Triple(s, p, B("list1")), ox.Triple(B("list1"), first, N(EX + "a")),
               ox.Triple(B("list1"), rest, B("list2")), ox.Triple(B("list2"), first, B("inner")),
               ox.Triple(B("list2"), rest, nil), ox.Triple(B("inner"), N(EX + "q"), L("1", datatype=N(EX + "t"))),
               ox.Triple(s, p, B("shared")), ox.Triple(N(EX + "o"), p, B("shared")),       # twice: keeps a label
               ox.Triple(B("loop1"), p, B("loop2")), ox.Triple(B("loop2"), p, B("loop1")),  # a cycle: labels
               ox.Triple(B("root"), p, L("r"))]                                              # no reference: []
    text = export.turtle(triples, prefixes={"ex": EX}, nested=True).decode()
    assert "ex:p ( ex:a [\n        ex:q " in text and "_:shared" in text and "_:loop1" in text and "\n[] ex:p \"r\" .\n" in text
    assert "_:list" not in text and "_:inner" not in text
    written = Graph().parse(data=text, format="turtle")
    assert isomorphic(written, Graph().parse(data=export.ntriples(triples), format="nt"))
    assert export.turtle(list(reversed(triples)), prefixes={"ex": EX}, nested=True).decode() == text


def test_the_validation_report_is_written_by_the_turtle_writer():
    from crimecongress.validation import Report, format_turtle
    from crimecongress.validation.report import Finding
    finding = Finding(focus=PARA, rule="R", severity="Violation", message='say "no"\nthen stop',
                      path="^(oa:hasTarget|oa:hasBody)*/oa:hasSource", value='"x"@en',
                      component="sh:SPARQLConstraintComponent", shape=table()["shape"] + "R")
    text = format_turtle(Report(findings=(finding,)))
    assert text.startswith("@prefix ") and "\n[] a sh:ValidationReport ;\n    sh:conforms false ;\n" in text
    assert "sh:alternativePath ( oa:hasTarget oa:hasBody )" in text and "_:" not in text
    graph = Graph().parse(data=text, format="turtle")
    rows = list(graph.query(f"PREFIX sh: <{table()['sh']}> PREFIX oa: <{table()['oa']}> PREFIX rdf: <{RDF}> "
                            f"SELECT ?m ?v WHERE {{ ?r sh:resultPath/rdf:first/sh:inversePath/sh:zeroOrMorePath"
                            f"/sh:alternativePath/rdf:rest/rdf:first oa:hasBody ; sh:resultMessage ?m ; sh:value ?v ;"
                            f" sh:focusNode <{PARA}> }}"))
    assert [(str(m), str(v)) for m, v in rows] == [('say "no"\nthen stop', "x")]
    # the build's report, of a dataset that conforms, is the committed one
    assert format_turtle(Report(findings=())) == (BUILD / "validation-report.ttl").read_text(encoding="utf-8")


def test_one_rule_shortens_iris_for_pages_turtle_and_messages():
    names = dict(table())
    shorten = Prefixes(names)
    assert compact(DOHA, names) == shorten.curie(DOHA) == "doc:doha-declaration-2015"     # doc: beats the base
    assert compact(PARA, names) == f"<{PARA}>" and shorten.curie(PARA) == PARA
    assert compact(names["uncc"] + "Paragraph", names) == "uncc:Paragraph"
    from crimecongress.reasoning import _short
    assert _short(names["uncc"] + "Paragraph") == "uncc:Paragraph"
    assert _short(EX + "x") == f"<{EX}x>"


def test_the_writers_and_the_query_workers_start_without_rdflib():
    code = ("import sys, crimecongress.export, crimecongress.serve.worker; "
            "sys.exit('rdflib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_json_ld_writes_each_kind_of_value_as_its_term_definition_says_and_reads_back_the_same():
    xsd = table()["xsd"]
    context = {"@context": {"id": "@id", "type": "@type", "ex": EX, "xsd": xsd,
                            "label": {"@id": "ex:label", "@container": "@language"},
                            "link": {"@id": "ex:link", "@type": "@id"},
                            "date": {"@id": "ex:date", "@type": "xsd:date"},
                            "title": {"@id": "ex:title", "@language": "en"},
                            "note": {"@id": "ex:note"}}}
    s, blank = N(EX + "s"), B("b1")
    triples = [ox.Triple(s, N(RDF + "type"), N(EX + "C")),
               ox.Triple(s, N(EX + "link"), N(EX + "o")),
               ox.Triple(s, N(EX + "note"), N(EX + "o")),
               ox.Triple(s, N(EX + "note"), L("plain")),
               ox.Triple(s, N(EX + "label"), L("x", language="en")),
               ox.Triple(s, N(EX + "label"), L("y", language="fr")),
               ox.Triple(s, N(EX + "date"), L("2020-01-01", datatype=N(xsd + "date"))),
               ox.Triple(s, N(EX + "date"), L("5", datatype=N(xsd + "integer"))),
               ox.Triple(s, N(EX + "title"), L("t", language="en")),
               ox.Triple(s, N(EX + "title"), L("u", language="de")),
               ox.Triple(s, N(EX + "other"), L("s")),
               ox.Triple(s, N(EX + "other"), blank),
               ox.Triple(blank, N(EX + "link"), s)]
    written = export.jsonld(triples, context)
    node, blank_node = json.loads(written)["@graph"]
    assert node == {"id": EX + "s", "type": "ex:C", "link": EX + "o", "note": ["plain", {"@id": EX + "o"}],
                    "label": {"en": "x", "fr": "y"},
                    "date": ["2020-01-01", {"@type": "xsd:integer", "@value": "5"}],
                    "title": ["t", {"@language": "de", "@value": "u"}],
                    "ex:other": [{"@id": "_:b1"}, {"@value": "s"}]}
    assert blank_node == {"id": "_:b1", "link": EX + "s"}
    read = {(q.subject.value if type(q.subject) is N else "_", q.predicate, q.object if type(q.object) is not B
             else "_") for q in ox.parse(written, format=ox.RdfFormat.JSON_LD)}
    assert read == {(t.subject.value if type(t.subject) is N else "_", t.predicate,
                     t.object if type(t.object) is not B else "_") for t in triples}


def test_json_ld_parts_made_apart_are_placed_as_the_parts_made_in_turn():
    """The whole-dataset JSON-LD is made a chunk at a time in worker processes, each part as if it came first;
    placed in order they give the bytes of the parts made in turn (including chunks with no statement)."""
    data = gzip.decompress((ROOT / "build" / "dataset.nt.gz").read_bytes())
    chunks = list(export.subject_chunks(data.splitlines(keepends=True), size=20_000))
    chunks.insert(1, b"")
    context = load_context()
    in_turn, placed = export.JsonLdParts(context), export.JsonLdParts(context)
    made_in_turn = [in_turn.part(export.parse_ntriples(c)) for c in chunks]
    apart = [placed.standalone(export.parse_ntriples(c)) for c in chunks]
    made_apart = [placed.separator(part) + part for part in apart]
    assert made_apart == made_in_turn and in_turn.tail() == placed.tail()
    whole = placed.head() + b"".join(made_apart) + placed.tail()
    assert len(json.loads(whole)["@graph"]) == len({line.split(b" ", 1)[0] for line in data.splitlines()})


def test_gzip_pieces_deflated_apart_read_back_as_one_file_by_every_reader(tmp_path):
    """The whole-dataset dumps are gzipped a piece at a time, most pieces in worker processes: the pieces joined
    are one gzip file that Python's gzip, the zlib stream the dumps' merge reads and the gzip command read whole,
    and the same pieces give the same bytes."""
    import io
    import shutil
    import zlib
    plain = gzip.decompress((BUILD / "dataset.nt.gz").read_bytes())
    pieces = [plain[:1], b"", plain[1:300_000], plain[300_000:]]

    def packed() -> bytes:
        out = io.BytesIO()
        writer = export.GzipPieces(out)
        writer.write(pieces[0])
        for piece in pieces[1:]:
            writer.add(piece, export.deflated(piece))
        writer.close()
        return out.getvalue()

    data = packed()
    assert data == packed() and data[:10] == export.GZIP_HEADER
    assert gzip.decompress(data) == plain
    assert b"".join(export.gzipped_lines(data)) == plain
    if shutil.which("gzip"):
        (tmp_path / "dump.nt.gz").write_bytes(data)
        assert subprocess.run(["gzip", "-t", str(tmp_path / "dump.nt.gz")]).returncode == 0
        assert subprocess.run(["gzip", "-dc", str(tmp_path / "dump.nt.gz")], capture_output=True).stdout == plain
    # one piece is not much larger than the stream gzip makes of it whole
    assert len(data) < 1.01 * len(zlib.compress(plain, 6))


def test_the_whole_dataset_dumps_are_the_same_bytes_made_here_or_over_workers(monkeypatch):
    """write_whole deflates every part in its worker processes; with none (CRIMECONGRESS_JOBS=1) the same parts
    are deflated here, and the files are the same bytes: the committed ones."""
    from crimecongress.ids import Minter
    from crimecongress.release import GraphDump, GraphWriter, MemoryTree, ReleasedFiles
    by_graph: dict[str, list[bytes]] = {}
    for line in gzip.decompress((BUILD / "dataset.nq.gz").read_bytes()).splitlines(keepends=True):
        body, graph = line[:-3].rsplit(b" ", 1)
        by_graph.setdefault(graph[1:-1].decode(), []).append(body + b" .\n")
    made = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("CRIMECONGRESS_JOBS", jobs)
        files = ReleasedFiles(MemoryTree())
        writer = GraphWriter(Minter(), files)
        writer.dumps = [GraphDump(name, export.gzipped(b"".join(sorted(lines))), len(lines))
                        for name, lines in by_graph.items()]
        writer.write_whole()
        made[jobs] = files.tree.files
    assert made["1"] == made["2"]
    for name in ("dataset.nt.gz", "dataset.ttl.gz", "dataset.jsonld.gz", "dataset.nq.gz"):
        assert made["2"][name] == (BUILD / name).read_bytes(), name
