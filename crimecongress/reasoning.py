"""OWL consistency with HermiT (through owlready2): the ontology alone, or with data.

owlready2 does not read Turtle, so everything is handed to it as N-Triples (pyoxigraph converts). HermiT runs in
Java; a missing JVM is an error (exit 2), never a skipped check. An inconsistency is an InvalidDocument (exit 1)
whose message names the individuals typed with disjoint classes, when that is the cause. When the run has a cache
(`crimecongress.cache`), HermiT's verdict is kept under the SHA-256 of exactly what it read and of the reasoner.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph
from rdflib import Graph

from . import cache
from .errors import CrimeCongressError, InputError, InvalidDocument
from .prefixes import compact

JAVA_HINT = "Java is needed for the HermiT reasoner: install it with `apt-get install default-jre-headless`"
ONTOLOGY_NS = "https://w3id.org/crime-congress/ontology#"


@dataclass(frozen=True)
class ReasonerResult:
    """A consistent ontology (+ data): how much was checked and how long HermiT took (JVM start included)."""

    consistent: bool
    triples: int
    seconds: float
    reasoner: str = "HermiT"
    cached: bool = False      # the verdict HermiT gave before on the same bytes (it did not run: `seconds` is 0)


def _java() -> str:
    import owlready2
    java = shutil.which(owlready2.JAVA_EXE) or (owlready2.JAVA_EXE if os.path.isfile(owlready2.JAVA_EXE) else None)
    if java is None:
        raise CrimeCongressError(JAVA_HINT)
    return java


def _ntriples(path: Path, fmt: pyoxigraph.RdfFormat) -> bytes:
    """Parse a file (Turtle or N-Triples) and return it as N-Triples; a syntax error is an InputError."""
    try:
        quads = list(pyoxigraph.parse(path=str(path), format=fmt))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except SyntaxError as exc:
        raise InputError(f"not valid {fmt.name}: {exc}", file=str(path)) from None
    return pyoxigraph.serialize([pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads],
                                format=pyoxigraph.RdfFormat.N_TRIPLES)


def _short(iri: str) -> str:
    return compact(iri, {"uncc": ONTOLOGY_NS})


_DISJOINT_TYPES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?t1 ?t2 ?c1 ?c2 WHERE {
  ?c1 owl:disjointWith ?c2 .
  ?t1 rdfs:subClassOf* ?c1 .
  ?t2 rdfs:subClassOf* ?c2 .
  { ?x a ?t1 } UNION { ?x ?p1 ?o1 . ?p1 rdfs:subPropertyOf*/rdfs:domain ?t1 }
    UNION { ?s1 ?q1 ?x . ?q1 rdfs:subPropertyOf*/rdfs:range ?t1 }
  { ?x a ?t2 } UNION { ?x ?p2 ?o2 . ?p2 rdfs:subPropertyOf*/rdfs:domain ?t2 }
    UNION { ?s2 ?q2 ?x . ?q2 rdfs:subPropertyOf*/rdfs:range ?t2 }
  FILTER(isIRI(?x))
}
ORDER BY ?x ?c1 ?c2 ?t1 ?t2 LIMIT 50
"""


def explain_inconsistency(ntriples: bytes) -> str:
    """A human explanation of the usual cause of an inconsistency: a resource that falls under two disjoint classes
    (by its rdf:type, or by the domain or range of a property it is used with)."""
    store = pyoxigraph.Store()
    store.load(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    reasons, seen = [], set()
    for row in store.query(_DISJOINT_TYPES):
        x, t1, t2, c1, c2 = (row[i].value for i in range(5))
        if (x, c1, c2) in seen:
            continue
        seen.add((x, c1, c2))
        if (t1, t2) == (c1, c2):
            reasons.append(f"<{x}> is both a {_short(t1)} and a {_short(t2)}, which are disjoint")
        else:
            reasons.append(f"<{x}> is both a {_short(t1)} and a {_short(t2)}, and {_short(c1)} and {_short(c2)} "
                           "are disjoint")
    if not reasons:
        return ("HermiT found the ontology and data inconsistent, but no resource typed with two disjoint classes; "
                "look for an ill-typed literal (e.g. a value that is not an xsd:positiveInteger) or for a property "
                "value that contradicts its range")
    return "; ".join(reasons)


_PR_SET_PDEATHSIG = 1


@contextmanager
def _java_dies_with_us() -> Iterator[None]:
    """Start HermiT's JVM so that the kernel kills it when this process ends, however it ends (kill -9
    included). owlready2 runs it with subprocess and passes its module's `_subprocess_kargs` along; on
    Ctrl-C or SIGTERM (made a KeyboardInterrupt by the CLI) subprocess kills it itself."""
    from owlready2 import reasoning
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
    except (OSError, AttributeError):
        prctl = None
    if prctl is None:
        yield
        return
    parent = os.getpid()

    def die_with_parent() -> None:        # runs in the child, between fork and exec
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:         # the parent was already gone before the line above
            os._exit(1)

    saved = reasoning._subprocess_kargs
    reasoning._subprocess_kargs = {**saved, "preexec_fn": die_with_parent}
    try:
        yield
    finally:
        reasoning._subprocess_kargs = saved


def reasoner_version() -> str:
    """owlready2's version and the SHA-256 of the HermiT it ships: what a cached verdict was reached with."""
    from importlib.util import find_spec
    spec = find_spec("owlready2")
    if spec is None or spec.origin is None:
        return "owlready2 missing"
    jar = Path(spec.origin).parent / "hermit" / "HermiT.jar"
    try:
        return cache.key(_owlready2_version(), jar.read_bytes())
    except OSError:
        return cache.key(_owlready2_version(), "no HermiT.jar")


def _owlready2_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("owlready2")
    except PackageNotFoundError:
        return "unknown"


def _hermit(ntriples: bytes, triples: int, where: str, *, strict_datatypes: bool = False) -> ReasonerResult:
    """HermiT's verdict on exactly these N-Triples: from the run's cache when it holds one reached by the same
    reasoner on the same bytes (Java is not started), else HermiT's own, which is then kept (an inconsistency
    too, reported as HermiT reported it; a failure to run is not a verdict and is not kept)."""
    store = cache.current()
    if store is None:
        return _run_hermit(ntriples, triples, where, strict_datatypes=strict_datatypes)
    entry = cache.key(reasoner_version(), "strict" if strict_datatypes else "lenient", ntriples)
    kept = store.get("hermit", entry)
    try:
        verdict = json.loads(kept) if kept is not None else None
    except ValueError:
        verdict = None
    if isinstance(verdict, dict) and verdict.get("consistent") is True:
        return ReasonerResult(True, triples, 0.0, cached=True)
    if isinstance(verdict, dict) and verdict.get("consistent") is False and isinstance(verdict.get("message"), str):
        raise InvalidDocument(verdict["message"], file=where, hint=verdict.get("hint"))
    try:
        result = _run_hermit(ntriples, triples, where, strict_datatypes=strict_datatypes)
    except InvalidDocument as inconsistent:
        store.put("hermit", entry, json.dumps({"consistent": False, "message": inconsistent.message,
                                               "hint": inconsistent.hint}).encode())
        raise
    store.put("hermit", entry, json.dumps({"consistent": True}).encode())
    return result


def _run_hermit(ntriples: bytes, triples: int, where: str, *, strict_datatypes: bool = False) -> ReasonerResult:
    # The data carries xsd:date and xsd:gYear literals, which are not in the OWL 2 datatype map, so HermiT is told to
    # set them aside; the ontology alone uses only the map's datatypes and is checked with `strict_datatypes`.
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError

    _java()
    with tempfile.TemporaryDirectory(prefix="crimecongress-hermit-") as tmp:
        source = Path(tmp) / "input.nt"
        source.write_bytes(ntriples)
        world = owlready2.World()
        previous_tmp = tempfile.tempdir
        tempfile.tempdir = tmp  # owlready2 writes HermiT's input here, and leaves it behind on errors
        try:
            with source.open("rb") as handle:
                world.get_ontology(source.as_uri()).load(fileobj=handle, format="ntriples")
            start = time.perf_counter()
            try:
                with _java_dies_with_us():
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                                   ignore_unsupported_datatypes=not strict_datatypes)
            except OwlReadyInconsistentOntologyError:
                raise InvalidDocument(f"OWL inconsistency: {explain_inconsistency(ntriples)}", file=where,
                                      hint="an individual cannot belong to two disjoint classes; fix its types "
                                           "or the property that implies one of them") from None
            except OwlReadyJavaError as exc:
                message = str(exc).strip().splitlines()
                raise CrimeCongressError(f"HermiT failed: {' '.join(message[-3:])[:500]}", file=where,
                                         hint=JAVA_HINT) from None
            except FileNotFoundError:
                raise CrimeCongressError(JAVA_HINT) from None
            seconds = time.perf_counter() - start
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != owlready2.Nothing.iri)
        finally:
            tempfile.tempdir = previous_tmp
            world.close()
    if unsatisfiable:
        raise InvalidDocument(f"unsatisfiable classes (no individual can belong to them): "
                              f"{', '.join(_short(c) for c in unsatisfiable)}", file=where,
                              hint="a class is a subclass of two disjoint classes; remove one of the axioms")
    return ReasonerResult(True, triples, seconds)


def _count(ntriples: bytes) -> int:
    return sum(1 for line in ntriples.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))


def check_consistency(ontology_ttl: Path, data_nt: Path | None = None, *,
                      strict_datatypes: bool = False) -> ReasonerResult:
    """HermiT on the ontology (Turtle) and, when given, data (N-Triples). Raises InvalidDocument when inconsistent,
    CrimeCongressError when Java is missing or HermiT fails (with `strict_datatypes`, also on a datatype outside the
    OWL 2 datatype map: HermiT's default)."""
    ontology_ttl = Path(ontology_ttl)
    ntriples = _ntriples(ontology_ttl, pyoxigraph.RdfFormat.TURTLE)
    where = str(ontology_ttl)
    if data_nt is not None:
        ntriples += _ntriples(Path(data_nt), pyoxigraph.RdfFormat.N_TRIPLES)
        where = str(data_nt)
    return _hermit(ntriples, _count(ntriples), where, strict_datatypes=strict_datatypes)


def check_consistency_graph(graph: Graph, where: str = "the built graph") -> ReasonerResult:
    """HermiT on an rdflib graph that holds the ontology and the data together."""
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    return _hermit(ntriples, len(graph), where)


def check_consistency_ntriples(ntriples: bytes, where: str = "the built dataset") -> ReasonerResult:
    """HermiT on N-Triples that hold the ontology and the data together (as the build has them)."""
    return _hermit(ntriples, _count(ntriples), where)
