"""The W3C SHACL test suite (core and SHACL-SPARQL) through both engines.

Every test of ../shared/reference/shacl-test-suite is one case per engine. The fast engine must give the expected
report or refuse the shapes (UnsupportedShape): never a different report. pyshacl must give the expected report
except for the documented exceptions below, marked strict xfail so that a fix upstream fails the run. Reports are
compared as the suite's README says: sh:conforms and the set of results (focus node, path, severity, constraint
component, source shape, value), blank nodes by their structure. A summary is printed at the end of the module.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from crimecongress.shacl_sparql import SH, UnsupportedShape, canonical, compile_shapes, render_path, run_checks
from crimecongress.validation import Data
from crimecongress.validation.pyshacl_engine import _to_ox

SUITE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "shacl-test-suite"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"

# pyshacl 0.40 results that differ from the suite's expected reports, each with the reason
PYSHACL_KNOWN = {
    "core/property/uniqueLang-002": "pyshacl reads sh:uniqueLang \"1\"^^xsd:boolean as true; the suite expects a "
                                    "failure (its value must be the literal true)",
    "sparql/pre-binding/shapesGraph-001": "pyshacl does not support $shapesGraph (NotImplementedError)",
}


@dataclass(frozen=True)
class SuiteTest:
    name: str                   # e.g. core/node/class-001
    part: str                   # core | sparql
    file: Path                  # the manifest file that describes it
    node: str                   # the test's IRI
    data: Path
    shapes: Path


@lru_cache(maxsize=None)
def _parsed(path: Path):
    import rdflib
    # literals as written: rdflib would otherwise rewrite ill-typed ones ("none"^^xsd:boolean as "false")
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        graph = rdflib.Graph()
        graph.parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return graph


def _file_of(iri) -> Path:
    return Path(str(iri).removeprefix("file://").split("#")[0])


def suite_tests() -> list[SuiteTest]:
    """Every test of the suite's manifests, followed through mf:include."""
    from rdflib import URIRef
    from rdflib.collection import Collection

    if not SUITE.is_dir():
        return []
    out, todo, seen = [], [SUITE / "manifest.ttl"], set()
    while todo:
        manifest = todo.pop(0).resolve()
        if manifest in seen:
            continue
        seen.add(manifest)
        graph = _parsed(manifest)
        for included in graph.objects(None, URIRef(MF + "include")):
            todo.append(_file_of(included))
        for entries in graph.objects(None, URIRef(MF + "entries")):
            for test in Collection(graph, entries):
                action = graph.value(test, URIRef(MF + "action"))
                data = graph.value(action, URIRef(SHT + "dataGraph"))
                shapes = graph.value(action, URIRef(SHT + "shapesGraph"))
                relative = manifest.relative_to(SUITE.resolve()).parent / str(test).rsplit("/", 1)[-1]
                out.append(SuiteTest(str(relative), relative.parts[0], manifest, str(test), _file_of(data),
                                     _file_of(shapes)))
    return sorted(out, key=lambda t: t.name)


# ------------------------------------------------------------------------------------------- comparison
class Structure:
    """Keys for terms: IRIs and literals as N-Triples (literals as written), blank nodes by what they say
    (their outgoing triples, a few levels deep)."""

    def __init__(self, triples):
        self.out: dict = {}
        for s, p, o in set(triples):
            self.out.setdefault(s, []).append((p, o))

    def key(self, term, depth: int = 4):
        if term is None:
            return None
        if isinstance(term, ox.BlankNode):
            if depth == 0:
                return "_:"
            return ("_:", tuple(sorted((str(p), repr(self.key(o, depth - 1))) for p, o in self.out.get(term, ()))))
        return str(term)


def _ox_triples(graph) -> list:
    return [(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in graph]


def _report_results(graph, report, structure: Structure, shapes_graph=None) -> set:
    """The results of a sh:ValidationReport in an rdflib graph (top level only, not sh:detail)."""
    from rdflib import URIRef
    from rdflib.collection import Collection

    sh = lambda name: URIRef(SH + name)  # noqa: E731
    out = set()
    for result in graph.objects(report, sh("result")):
        path = graph.value(result, sh("resultPath"))
        holder = graph if path is None or (path, None, None) in graph else shapes_graph
        rendered = "" if path is None else render_path(
            path, lambda n, p, g=holder: list(g.objects(n, URIRef(p))), lambda n, g=holder: list(Collection(g, n)), {})
        out.add((structure.key(_to_ox(graph.value(result, sh("focusNode")))), rendered,
                 str(graph.value(result, sh("resultSeverity"))),
                 str(graph.value(result, sh("sourceConstraintComponent"))),
                 structure.key(_to_ox(graph.value(result, sh("sourceShape")))),
                 structure.key(_to_ox(graph.value(result, sh("value"))))))
    return out


@dataclass(frozen=True)
class Outcome:
    conforms: bool | None       # None: the engine refused or failed
    results: frozenset = frozenset()
    error: str = ""


def expected(test: SuiteTest) -> Outcome:
    """The expected report; conforms None when the test expects the validator to fail (sht:Failure)."""
    from rdflib import URIRef
    graph = _parsed(test.file)
    result = graph.value(URIRef(test.node), URIRef(MF + "result"))
    if str(result) == SHT + "Failure":
        return Outcome(None, error="sht:Failure")
    structure = Structure(_ox_triples(graph) + _ox_triples(_parsed(test.data)) + _ox_triples(_parsed(test.shapes)))
    conforms = graph.value(result, URIRef(SH + "conforms"))
    return Outcome(conforms.toPython() is True, frozenset(_report_results(graph, result, structure,
                                                                         _parsed(test.shapes))))


def run_fast(test: SuiteTest) -> Outcome:
    def triples(path: Path) -> list:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    data, shapes = triples(test.data), triples(test.shapes)
    try:
        checks = compile_shapes(shapes)
    except UnsupportedShape as error:
        return Outcome(None, error=str(error))
    store, literals = Data(ntriples=[(test.data.name, ox.serialize(data, format=ox.RdfFormat.N_TRIPLES))]).store()
    raw = run_checks(store, checks, literals)
    # the Store names blank nodes afresh: describe them by the Store's triples
    structure = Structure([(q.subject, q.predicate, q.object) for q in store] +
                          [(t.subject, t.predicate, t.object) for t in shapes])
    results = frozenset((structure.key(r.focus), r.path, r.severity, r.component, structure.key(ox.NamedNode(r.shape)),
                         structure.key(r.value)) for r in raw)
    return Outcome(not raw, results)


def run_pyshacl(test: SuiteTest) -> Outcome:
    import logging

    import pyshacl
    from rdflib import RDF, URIRef

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    data, shapes = _parsed(test.data.resolve()), _parsed(test.shapes.resolve())
    try:
        conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                                meta_shacl=False, js=False)
    except Exception as error:  # noqa: BLE001 - any failure to validate is pyshacl's answer here
        return Outcome(None, error=f"{type(error).__name__}: {error}")
    if not hasattr(results, "subjects"):        # a ValidationFailure: pyshacl refused the shapes
        return Outcome(None, error=str(results))
    structure = Structure(_ox_triples(data) + _ox_triples(shapes))
    reports = list(results.subjects(RDF.type, URIRef(SH + "ValidationReport")))
    found = set()
    for report in reports:
        found |= _report_results(results, report, structure, shapes)
    return Outcome(bool(conforms), frozenset(found))


# ------------------------------------------------------------------------------------------------ tests
TESTS = suite_tests()
TALLY: Counter = Counter()          # (engine, part, verdict) -> count, printed at the end of the module


def _verdict(want: Outcome, have: Outcome) -> str:
    if have.conforms is None:
        return "right" if want.conforms is None else "refused"
    if want.conforms is None:
        return "wrong"
    return "right" if (want.conforms, want.results) == (have.conforms, have.results) else "wrong"


def _explain(want: Outcome, have: Outcome) -> str:
    lines = [f"expected conforms={want.conforms} {want.error}", f"got conforms={have.conforms} {have.error}"]
    lines += [f"  missing {str(r)[:400]}" for r in sorted(want.results - have.results, key=repr)]
    lines += [f"  extra   {str(r)[:400]}" for r in sorted(have.results - want.results, key=repr)]
    return "\n".join(lines)


class _Summary:
    """Prints the tally at the end of the run (a plugin registered by the fixture below), whatever -s says."""

    def pytest_terminal_summary(self, terminalreporter):
        if not TALLY:
            return
        terminalreporter.section("W3C SHACL test suite")
        for engine in ("fast", "pyshacl"):
            for part in ("core", "sparql"):
                kinds = ("right", "refused", "wrong") if engine == "fast" else ("right", "known exception", "wrong")
                counts = {v: TALLY[(engine, part, v)] for v in kinds}
                if any(counts.values()):
                    terminalreporter.write_line(f"{engine:8} {part:7} " + ", ".join(f"{n} {v}" for v, n in counts.items()))


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    if not request.config.pluginmanager.has_plugin("shacl-suite-summary"):
        request.config.pluginmanager.register(_Summary(), "shacl-suite-summary")


def test_suite_is_there():
    assert len(TESTS) >= 100, f"the W3C SHACL test suite should be at {SUITE}"


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_fast_engine(test: SuiteTest):
    """The fast engine gives the expected report or refuses with a message that names what it refuses."""
    want, have = expected(test), run_fast(test)
    verdict = _verdict(want, have)
    TALLY[("fast", test.part, verdict)] += 1
    if have.conforms is None:
        assert have.error.strip(), "a refusal must say what is not supported"
    assert verdict != "wrong", _explain(want, have)


@pytest.mark.parametrize("test", [
    pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=PYSHACL_KNOWN[t.name])) if t.name in PYSHACL_KNOWN
    else t for t in TESTS], ids=[t.name for t in TESTS])
def test_pyshacl(test: SuiteTest):
    want, have = expected(test), run_pyshacl(test)
    verdict = _verdict(want, have)
    TALLY[("pyshacl", test.part, "right" if verdict == "right" else
           "known exception" if test.name in PYSHACL_KNOWN else "wrong")] += 1
    assert verdict == "right", _explain(want, have)


# ------------------------------------------------------------------------------------ lexical forms
# (datatype, well-formed lexical forms, ill-formed ones) after XML Schema 1.1 Part 2. pyshacl (rdflib) accepts
# some of the ill-formed ones ("P1.5D"^^xsd:duration, "--13"^^xsd:gMonth, "1e3"^^xsd:decimal...): the fast
# engine follows the specification there.
LEXICAL_FORMS = [
    ("byte", ["127", "-128", "+5", "05"], ["128", "300", "c", "1.0", ""]),
    ("short", ["32767"], ["32768", "-32769"]),
    ("int", ["2147483647"], ["2147483648"]),
    ("long", ["9223372036854775807"], ["9223372036854775808"]),
    ("unsignedByte", ["255", "-0"], ["256", "-1"]),
    ("unsignedShort", ["65535"], ["65536"]),
    ("unsignedInt", ["4294967295"], ["4294967296"]),
    ("unsignedLong", ["18446744073709551615"], ["18446744073709551616", "-1"]),
    ("positiveInteger", ["1", "+01"], ["0", "-1"]),
    ("nonNegativeInteger", ["0", "-0"], ["-1"]),
    ("negativeInteger", ["-1"], ["0", "-0"]),
    ("nonPositiveInteger", ["0", "-5", "+0"], ["1"]),
    ("integer", ["12", "-0"], ["1.2", "1e3"]),
    ("decimal", ["1.5", "1.", ".5", "+.5"], ["1e3", "abc"]),
    ("float", ["1.5", "1e3", "INF", "-INF", "+INF", "NaN"], ["inf", "1.5f"]),
    ("double", ["1.5E-3", ".5e1"], ["x"]),
    ("boolean", ["true", "false", "1", "0"], ["yes", "TRUE"]),
    ("date", ["2011-01-01", "2011-01-01Z", "-0044-03-15"], ["2011-13-01", "yesterday", "2011-01-01T00:00:00"]),
    ("dateTime", ["2011-01-01T00:00:00", "2011-01-01T00:00:00.5Z", "2011-01-01T00:00:00+01:00"],
     ["2011-01-01", "yesterday", "2011-01-01T25:00:00"]),
    ("dateTimeStamp", ["2011-01-01T00:00:00Z"], ["2011-01-01T00:00:00"]),
    ("time", ["10:00:00"], ["25:00:00", "10:00"]),
    ("gYear", ["2011", "2011Z"], ["11"]),
    ("gYearMonth", ["2011-01"], ["2011-13"]),
    ("gMonth", ["--01"], ["--13", "01"]),
    ("gDay", ["---01"], ["---32"]),
    ("gMonthDay", ["--01-01"], ["--13-01"]),
    ("duration", ["P1D", "PT1H", "-P1Y2M", "PT1.5S"], ["P", "PT", "P1DT", "P1.5D"]),
    ("dayTimeDuration", ["P1D"], ["P1Y"]),
    ("yearMonthDuration", ["P1Y"], ["P1D"]),
    ("hexBinary", ["0a", "0A0b", ""], ["0", "zz"]),
    ("base64Binary", ["AA==", "AAAA"], ["A", "A==="]),
    ("language", ["en", "en-GB"], ["e n", "toolongtag"]),
]


@pytest.mark.parametrize("datatype, good, bad", LEXICAL_FORMS, ids=[d for d, *_ in LEXICAL_FORMS])
def test_the_fast_engine_checks_lexical_forms(datatype, good, bad):
    """sh:datatype fails ill-formed literals ("300"^^xsd:byte, "yesterday"^^xsd:dateTime) where it is checked
    in Python on the literals as written (a property shape); where it is a SPARQL test on the Store's literals
    (a node shape, here over the same literals as focus nodes) it gives the same verdicts, or is refused when
    the Store has rewritten an ill-formed literal ("inf"^^xsd:float is kept as "INF")."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    data = "".join(f'<http://example.org/s{i}> <http://example.org/p> "{form}"^^<{xsd}{datatype}> .\n'
                   for i, form in enumerate(good + bad)).encode()
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
    property_shape = f"""ex:Subjects a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property ex:P .
    ex:P sh:path ex:p ; sh:datatype <{xsd}{datatype}> ."""
    node_shape = f"ex:Values a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:datatype <{xsd}{datatype}> ."

    def failing(shapes: str) -> set:
        store, literals = Data(ntriples=[("data.nt", data)]).store()
        checks = compile_shapes(list(ox.parse((prefixes + shapes).encode(), format=ox.RdfFormat.TURTLE)))
        return {result.value for result in run_checks(store, checks, literals)}

    ill_formed = {ox.Literal(form, datatype=ox.NamedNode(xsd + datatype)) for form in bad}
    assert failing(property_shape) == ill_formed
    try:
        values = failing(node_shape)
    except UnsupportedShape as error:
        assert "the Store keeps them as" in str(error)
        assert any(canonical(value).value != value.value for value in ill_formed), error
    else:
        # literals the Store keeps as one node ("0" and "-0") are one focus node: one result
        assert {canonical(v) for v in values} == {canonical(v) for v in ill_formed}
