"""The validate stage: the dataset (or a draft declaration) checked against the SHACL shapes in shapes/.

Two engines give the same findings:

* ``pyshacl`` - the reference: pyshacl 0.40, inference none, the ontology merged into (a copy of) the data
  graph so that sh:targetClass and sh:class follow rdfs:subClassOf;
* ``fast`` - the same shapes compiled to SPARQL and run on a pyoxigraph Store (crimecongress.shacl_sparql),
  one query per constraint for the whole dataset. It imports neither rdflib nor pyshacl.

Findings are pyshacl's validation results made readable: each names its focus node, the document it
belongs to, its position there and the source file and line it was read from (the focus node's
prov:wasDerivedFrom span, or the span of the unit it belongs to), and the rule (the shape's local name).
A report conforms when it has no Violation; Warnings and Infos are shown but do not fail.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pyoxigraph as ox

from . import limits
from .errors import CrimeCongressError, InputError
from .ids import DEFAULT_BASE, Minter
from .shacl_sparql import SH, RawResult, UnsupportedShape, compact, compiled, run_checks

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_FILE = ROOT / "ontology" / "crimecongress.ttl"
ENGINES = ("fast", "pyshacl")
SEVERITIES = ("Violation", "Warning", "Info")

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}
FORMAT_NAMES = {"turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS, "nq": ox.RdfFormat.N_QUADS,
                "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
                "xml": ox.RdfFormat.RDF_XML, "rdfxml": ox.RdfFormat.RDF_XML}

_UNCC = "ontology#"
_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "sh": SH, "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#", "dcterms": "http://purl.org/dc/terms/",
}


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes used to show paths and to write the Turtle report."""
    return {**_NS, "uncc": base + _UNCC, "shape": base + "shapes#"}


def _rebased(text: str, base: str) -> str:
    return text if base == DEFAULT_BASE else text.replace(DEFAULT_BASE, base)


def shape_files() -> list[Path]:
    return sorted(SHAPES_DIR.glob("*.ttl"))


def shapes_texts(base: str = DEFAULT_BASE) -> tuple[tuple[str, str], ...]:
    """(file name, Turtle text) of every shapes file, rewritten for the base IRI."""
    return tuple((path.name, _rebased(path.read_text(encoding="utf-8"), base)) for path in shape_files())


def ontology_text(base: str = DEFAULT_BASE) -> str:
    return _rebased(ONTOLOGY_FILE.read_text(encoding="utf-8"), base)


# ---------------------------------------------------------------------------------------------------- report
@dataclass(frozen=True)
class Finding:
    """One validation result, located: which unit, where in its document, which source line."""

    focus: str                      # IRI of the focus node
    rule: str                       # the shape's local name, e.g. "ParagraphNumberGap"
    severity: str                   # Violation | Warning | Info
    message: str
    path: str = ""                  # the result path (SPARQL property-path syntax, compact IRIs), "" for none
    value: str = ""                 # the offending value as an N-Triples term, "" for none
    component: str = ""             # the constraint component, e.g. "sh:MinCountConstraintComponent"
    shape: str = ""                 # the shape's IRI
    document: str = ""              # IRI of the document the focus node belongs to
    position: int | None = None     # the unit's uncc:position (0 for the document itself)
    label: str = ""                 # how a person cites the focus node (rdfs:label), or its IRI
    file: str = ""                  # source file the unit was read from
    line: int | None = None         # first line of the unit in that file

    @property
    def key(self) -> tuple:
        """What both engines must agree on."""
        return (self.focus, self.path, self.severity, self.rule, self.message, self.value, self.component)

    def sort_key(self) -> tuple:
        return (self.document == "", self.document, self.position is None, self.position or 0, self.focus,
                self.rule, self.path, self.message, self.value, self.component)

    def where(self) -> str:
        if self.file:
            return f"{self.file}:{self.line}" if self.line is not None else self.file
        return self.focus

    def as_json(self) -> dict:
        return {"file": self.file or None, "line": self.line, "document": self.document or None,
                "position": self.position, "focus": self.focus, "label": self.label, "severity": self.severity,
                "rule": self.rule, "message": self.message, "path": self.path or None,
                "value": self.value or None, "component": self.component, "shape": self.shape}


@dataclass(frozen=True)
class Report:
    """The findings of one validation run, sorted by document then position."""

    findings: tuple[Finding, ...]
    engine: str = "fast"
    base: str = DEFAULT_BASE
    triples: int = 0
    refused: tuple[str, ...] = ()   # files that could not be read or parsed (each is also one finding)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    def keys(self) -> list[tuple]:
        return sorted(f.key for f in self.findings)

    def summary(self) -> str:
        counts = ", ".join(_plural(self.count(s), s.lower()) for s in SEVERITIES if s != "Info" or self.count(s))
        unread = f"; {_plural(len(self.refused), 'file')} could not be read" if self.refused else ""
        return f"{'conforms' if self.conforms else 'does not conform'}: {counts}{unread}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------------------------------------ formats
def format_text(report: Report, files: Mapping[str, str] | None = None) -> str:
    """One line per finding: `file:line: Severity [Rule] label: message`, then a summary line.

    `files` maps a source file name to the path to show (the path a user gave on the command line)."""
    files = files or {}
    lines = []
    for f in report.findings:
        where = f"{files.get(f.file, f.file)}:{f.line}" if f.file and f.line is not None else f.where()
        lines.append(f"{where}: {f.severity} [{f.rule}] {f.label or f.focus}: {f.message}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def format_json(report: Report, files: Mapping[str, str] | None = None) -> str:
    files = files or {}
    findings = []
    for f in report.findings:
        record = f.as_json()
        if f.file in files:
            record["file"] = files[f.file]
        findings.append(record)
    document = {"conforms": report.conforms, "violations": report.count("Violation"),
                "warnings": report.count("Warning"), "infos": report.count("Info"), "findings": findings,
                "refused": [files.get(name, name) for name in report.refused]}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _turtle_string(text: str) -> str:
    return str(ox.Literal(text))


def _path_turtle(path: str) -> str:
    """A SPARQL property path (as Finding.path writes it) as a SHACL path in Turtle."""
    tokens = re.findall(r"<[^>]*>|[A-Za-z][\w-]*:[\w-]*|[()/|^*+?]", path)
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def alternative():
        items = [sequence()]
        while peek() == "|":
            take()
            items.append(sequence())
        return items[0] if len(items) == 1 else f"[ sh:alternativePath ( {' '.join(items)} ) ]"

    def sequence():
        items = [unary()]
        while peek() == "/":
            take()
            items.append(unary())
        return items[0] if len(items) == 1 else f"( {' '.join(items)} )"

    def unary():
        inverse = peek() == "^"
        if inverse:
            take()
        if peek() == "(":
            take()
            node = alternative()
            take()
        else:
            node = take()
        modifier = {"*": "sh:zeroOrMorePath", "+": "sh:oneOrMorePath", "?": "sh:zeroOrOnePath"}.get(peek() or "")
        if modifier:
            take()
            node = f"[ {modifier} {node} ]"
        return f"[ sh:inversePath {node} ]" if inverse else node

    return alternative()


def format_turtle(report: Report) -> str:
    """The findings as a standard sh:ValidationReport (deterministic text: same report, same bytes).

    sh:conforms follows the SHACL specification: false as soon as there is any result, warnings included
    (the command's exit code, like Report.conforms, only fails on Violations)."""
    names = prefixes(report.base)
    out = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(names.items())]
    out.append("")
    out.append("[] a sh:ValidationReport ;")
    out.append(f"    sh:conforms {'false' if report.findings else 'true'}" + (" ;" if report.findings else " ."))
    for index, f in enumerate(report.findings):
        focus = f.focus if f.focus.startswith("_:") else f"<{f.focus}>"
        body = ["        a sh:ValidationResult ;", f"        sh:focusNode {focus} ;"]
        if f.path:
            body.append(f"        sh:resultPath {_path_turtle(f.path)} ;")
        if f.value:
            body.append(f"        sh:value {f.value} ;")
        body.append(f"        sh:resultSeverity sh:{f.severity} ;")
        if f.component:
            body.append(f"        sh:sourceConstraintComponent {f.component} ;")
        body.append(f"        sh:sourceShape {compact(f.shape, names)} ;")
        body.append(f"        sh:resultMessage {_turtle_string(f.message)} ;")
        end = " ." if index == len(report.findings) - 1 else " ;"
        out.append("    sh:result [\n" + "\n".join(body) + "\n    ]" + end)
    return "\n".join(out) + "\n"


def validation_files(report: Report) -> dict[str, bytes]:
    """The files the build writes next to the dataset (deterministic bytes): the standard SHACL report in
    Turtle and the same findings as text, one line each with source file and line."""
    return {"validation-report.ttl": format_turtle(report).encode("utf-8"),
            "validation-report.txt": format_text(report).encode("utf-8")}


# ----------------------------------------------------------------------------------------------- loading
def rdf_format_for(path: Path, override: str | None = None) -> ox.RdfFormat:
    if override:
        try:
            return FORMAT_NAMES[override.lower()]
        except KeyError:
            raise InputError(f"unknown RDF format {override!r}", hint=f"use one of {', '.join(sorted(FORMAT_NAMES))}") from None
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the RDF format from the suffix {path.suffix!r}", file=str(path),
                         hint="give a declaration text (.txt, .md) or RDF (.ttl, .nt, .nq, .jsonld), "
                              "or name the RDF format with --rdf-format")
    return fmt


def _syntax_error(error: SyntaxError, path: str) -> InputError:
    message = re.sub(r"^Parser error (at|between) line[^:]*: ", "", str(error.msg or error)).strip()
    return InputError(f"not valid RDF: {message.splitlines()[0] if message else 'syntax error'}", file=path,
                      line=error.lineno, column=error.offset)


_TYPED = re.compile(rb'"\^\^<(?!http://www\.w3\.org/2001/XMLSchema#string>)')


def _typed_lines(chunk: bytes) -> bytes:
    """The N-Triples lines whose object is a typed literal other than xsd:string (the ones a Store rewrites)."""
    lines, end = [], -1
    for match in _TYPED.finditer(chunk):
        if match.start() < end:
            continue
        start = chunk.rfind(b"\n", 0, match.start()) + 1
        end = chunk.find(b"\n", match.start())
        end = len(chunk) if end < 0 else end
        lines.append(chunk[start:end])
    return b"\n".join(lines)


@dataclass
class Data:
    """The data to validate, as written: N-Triples chunks (what pyshacl reads, and what the Store is loaded
    from) or rdflib graphs, plus any pyoxigraph Store given as is."""

    # (file name for errors, N-Triples): a list, or any iterable that can be iterated again (chunks of a dataset
    # too large to hold twice are then read as they are loaded)
    ntriples: Iterable[tuple[str, bytes]] = field(default_factory=list)
    graphs: list = field(default_factory=list)
    stores: list = field(default_factory=list)

    def store(self) -> tuple[ox.Store, dict]:
        """A Store with all the data, and the typed literals as written (predicate -> subject -> literals):
        the Store normalises them (oxigraph/oxigraph#526), the checks must see them as written. A syntax
        error in N-Triples raises InputError with the file, line and column."""
        store = ox.Store()
        literals: dict = {}
        chunks = chain(self.ntriples, (("(graph)", _graph_ntriples(g)) for g in self.graphs))
        for name, chunk in chunks:
            try:
                store.load(chunk, format=ox.RdfFormat.N_TRIPLES)
            except SyntaxError as error:
                raise _syntax_error(error, name) from None
            except (ValueError, UnicodeDecodeError) as error:
                raise InputError(f"not valid RDF: {error}", file=name) from None
            except MemoryError as error:
                raise _too_large(error, name) from None
            typed = _typed_lines(chunk)
            for triple in ox.parse(typed, format=ox.RdfFormat.N_TRIPLES):
                obj = triple.object
                if obj.language is None and obj.datatype.value != _NS["xsd"] + "string":
                    literals.setdefault(triple.predicate.value, {}).setdefault(triple.subject, []).append(obj)
        for given in self.stores:
            store.extend(given.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return store, literals

    def rdflib_graph(self):
        """One rdflib Graph with all the data as written (for pyshacl)."""
        from rdflib import Graph
        graph = Graph()
        for _, chunk in self.ntriples:
            graph.parse(data=chunk, format="nt")
        for given in self.graphs:
            graph += given
        for given in self.stores:
            graph.parse(data=given.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
        return graph


def _graph_ntriples(graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def read_rdf_file(path: str | Path, rdf_format: str | None = None) -> bytes:
    """An RDF file (gzipped when it ends in .gz) as N-Triples bytes (named graphs merged); unreadable files
    and syntax errors raise InputError naming the file, line and column. The input is bounded before any
    parser sees it (crimecongress.limits): its size, decompressed size, nesting depth and XML entities."""
    path = Path(path)
    name = str(path)
    limits.check_input(path, "an RDF file")
    compressed = path.suffix.lower() == ".gz"
    fmt = rdf_format_for(path.with_suffix("") if compressed else path, rdf_format)
    data = limits.read_input(path, limits.RDF_BYTES)
    if compressed:
        data = limits.gunzip(data, name)
    if fmt == ox.RdfFormat.N_TRIPLES:
        return data                                # checked when loaded (Data.store), with the file name
    if fmt == ox.RdfFormat.JSON_LD:
        limits.check_depth(data, "json", name)
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3):
        limits.check_depth(data, "turtle", name)
    elif fmt == ox.RdfFormat.RDF_XML:
        limits.check_xml_entities(data, name)
        limits.check_depth(data, "xml", name)
    try:
        # a generator, not a list: the parsed triples are never all held as Python objects at once
        triples = (ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q
                   for q in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    except SyntaxError as error:
        raise _syntax_error(error, name) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"not valid RDF: {error}", file=name) from None
    except MemoryError as error:
        raise _too_large(error, name) from None


def _too_large(error: MemoryError, name: str) -> InputError:
    """The parser's own bound (one term or line of at most 16 MiB) or the process's memory, as one line."""
    return InputError(f"too large to parse: {error or 'out of memory'}", file=name,
                      hint="split long literals or lines, or give the process more memory")


def as_data(data, *, rdf_format: str | None = None) -> Data:
    """Data from an rdflib Graph, a pyoxigraph Store, RDF file path(s), N-Triples bytes, or a list of these."""
    if isinstance(data, Data):
        return data
    out = Data()
    items = data if isinstance(data, (list, tuple)) else [data]
    for item in items:
        if isinstance(item, ox.Store):
            out.stores.append(item)
        elif isinstance(item, (str, Path)):
            out.ntriples.append((str(item), read_rdf_file(item, rdf_format)))
        elif isinstance(item, bytes):
            out.ntriples.append(("(N-Triples)", item))
        elif hasattr(item, "serialize") and hasattr(item, "triples"):
            out.graphs.append(item)
        else:
            raise TypeError(f"cannot validate {type(item).__name__}: give an rdflib Graph, a pyoxigraph Store, "
                            f"N-Triples bytes or RDF file paths")
    return out


# ------------------------------------------------------------------------------------------------ engines
def _fast(store: ox.Store, literals: dict, base: str, timings: list | None = None) -> list[RawResult]:
    names = prefixes(base)
    texts = shapes_texts(base)
    try:
        checks = compiled(texts, tuple(sorted(names.items())))
        return run_checks(store, checks, literals, timings)
    except UnsupportedShape as error:
        file, line = _shape_source(error.shape, texts, names)
        raise CrimeCongressError(f"the fast engine cannot validate with these shapes: {error}", file=file,
                                 line=line, hint="validate with --engine pyshacl") from None


def _shape_source(shape: str, texts: tuple[tuple[str, str], ...], names: dict[str, str]) -> tuple[str | None,
                                                                                                   int | None]:
    """The shapes file and line where a shape is described (its name at the start of a line), if found."""
    if not shape:
        return None, None
    written = {f"<{shape}>", compact(shape, names)}
    for name, text in texts:
        for number, line in enumerate(text.splitlines(), 1):
            first = line.split(maxsplit=1)
            if first and first[0] in written:
                return str(SHAPES_DIR / name), number
    return None, None


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


def _pyshacl(data: Data, base: str) -> list[RawResult]:
    import logging

    import pyshacl
    from rdflib import URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import RDF

    from .shacl_sparql import render_path

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


# --------------------------------------------------------------------------------------------- locating
class _Locator:
    """Finds, for a focus node, its document, position, label and source line (one lookup per finding)."""

    def __init__(self, store: ox.Store, base: str):
        self.store = store
        self.minter = Minter(base)
        uncc = base + _UNCC
        self.p = {name: ox.NamedNode(iri) for name, iri in {
            "document": uncc + "document", "position": uncc + "position", "manifestation": uncc + "manifestation",
            "sourceFile": uncc + "sourceFile", "firstLine": uncc + "firstLine",
            "derived": _NS["prov"] + "wasDerivedFrom", "label": _NS["rdfs"] + "label",
            "title": _NS["dcterms"] + "title", "identifier": _NS["dcterms"] + "identifier",
            "hasTarget": _NS["oa"] + "hasTarget", "hasSource": _NS["oa"] + "hasSource",
            "hasSelector": _NS["oa"] + "hasSelector"}.items()}
        self.cache: dict = {}

    def objects(self, subject, name: str) -> list:
        if not isinstance(subject, (ox.NamedNode, ox.BlankNode)):
            return []
        return sorted((q.object for q in self.store.quads_for_pattern(subject, self.p[name], None)), key=str)

    def subjects(self, name: str, obj) -> list:
        return sorted((q.subject for q in self.store.quads_for_pattern(None, self.p[name], obj)), key=str)

    def _int(self, values) -> int | None:
        numbers = []
        for v in values:
            try:
                numbers.append(int(v.value))
            except (AttributeError, ValueError):
                pass
        return min(numbers) if numbers else None

    def _span(self, spans) -> tuple[str, int | None]:
        located = []
        for span in spans:
            files = self.objects(span, "sourceFile")
            if not files:
                continue
            names = self.objects(files[0], "identifier")
            name = names[0].value if names else files[0].value.rsplit("/", 1)[-1]
            located.append((name, self._int(self.objects(span, "firstLine")) or 0))
        if not located:
            return "", None
        name, line = min(located)
        return name, line or None

    def _label(self, node) -> str:
        labels = self.objects(node, "label")
        english = [l.value for l in labels if getattr(l, "language", None) == "en"]
        return (english or [l.value for l in labels] or [""])[0]

    def locate(self, focus) -> dict:
        if focus in self.cache:
            return self.cache[focus]
        unit = document = None
        spans = []
        if self.objects(focus, "document"):
            unit = focus
        elif self.objects(focus, "manifestation") or self.objects(focus, "title") or self.subjects("document", focus):
            document = focus
        elif self.subjects("derived", focus):
            unit, spans = self.subjects("derived", focus)[0], [focus]
        else:
            tag = focus if self.objects(focus, "hasTarget") else None
            targets = self.subjects("hasTarget", focus) or [
                t for s in self.subjects("hasSelector", focus) for t in self.subjects("hasTarget", s)]
            tag = tag or (targets[0] if targets else None)
            parts = self.minter.parse(tag.value) if isinstance(tag, ox.NamedNode) else None
            if parts is not None and parts.sub_resource == "tag":
                candidate = ox.NamedNode(parts.owner)
                unit = candidate if self.objects(candidate, "document") else None
            if unit is None and tag is not None:
                sources = [s for t in self.objects(tag, "hasTarget") for s in self.objects(t, "hasSource")]
                unit = sources[0] if sources else None
        position = None
        if unit is not None:
            documents = self.objects(unit, "document")
            document = documents[0] if documents else None
            position = self._int(self.objects(unit, "position"))
            spans = spans or self.objects(unit, "derived")
        elif document is not None:
            position = 0
            spans = self.objects(document, "manifestation")
        anchor = unit if unit is not None else document
        label = self._label(focus) or (self._label(anchor) if anchor is not None else "")
        file, line = self._span(spans)
        found = {"document": document.value if isinstance(document, ox.NamedNode) else "",
                 "position": position, "label": label or _term_text(focus), "file": file, "line": line}
        self.cache[focus] = found
        return found


def _term_text(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _finding(result: RawResult, locator: _Locator, names: dict[str, str]) -> Finding:
    shape = result.shape
    rule = shape.rsplit("#", 1)[-1] if "#" in shape else shape.rsplit("/", 1)[-1]
    severity = result.severity[len(SH):] if result.severity.startswith(SH) else result.severity
    return Finding(
        focus=_term_text(result.focus), rule=rule, severity=severity, message=result.message, path=result.path,
        value=str(result.value) if result.value is not None else "",
        component=compact(result.component, names), shape=shape, **locator.locate(result.focus))


# -------------------------------------------------------------------------------------------------- entry
def validate_data(data: Data, *, engine: str = "fast", base: str = DEFAULT_BASE) -> Report:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {ENGINES}")
    store, literals = data.store()
    triples = len(store)
    store.load(ontology_text(base).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    raw = _fast(store, literals, base) if engine == "fast" else _pyshacl(data, base)
    locator = _Locator(store, base)
    names = prefixes(base)
    findings = sorted((_finding(r, locator, names) for r in raw), key=Finding.sort_key)
    return Report(tuple(findings), engine=engine, base=base, triples=triples)


def validate_graph(data, *, engine: str = "fast", base: str = DEFAULT_BASE, rdf_format: str | None = None) -> Report:
    """Validate RDF data against the shapes in shapes/ (with the ontology loaded beside it).

    `data`: an rdflib Graph, RDF file path(s) (format from the suffix, or `rdf_format`), N-Triples bytes, a
    pyoxigraph Store, or a list of these. `engine`: "fast" (SPARQL on pyoxigraph) or "pyshacl" (the
    reference); both give the same findings. Unreadable or unparseable files raise InputError."""
    return validate_data(as_data(data, rdf_format=rdf_format), engine=engine, base=base)


# ------------------------------------------------------------------------------------------- command line
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".pdf")


def _safe_name(path: Path) -> str:
    """The file name under which a new text is published (the IRI of a source file needs a plain stem)."""
    from .ids import slugify
    stem = slugify(path.stem) or "draft"
    return f"{stem}{path.suffix.lower()}"


def _parse_new(source, *, minter, title, slug):
    """Parse a text that is not in the catalogue leniently: a drafter wants every finding, not the first
    numbering error."""
    from .corpus.declaration import parse_new_declaration
    return parse_new_declaration(source, minter=minter, title=title, slug=slug, strict=False)


def read_draft(path: Path, *, minter, title: str | None, slug: str | None, name: str | None = None):
    """A text that is not in the catalogue, read and parsed leniently; errors name the file as the user gave
    it. `name` is the published file name (default: the path's, made plain)."""
    from .corpus.source import read_source
    source = read_source(path, name=name or _safe_name(path))
    try:
        return _parse_new(source, minter=minter, title=title, slug=slug)
    except CrimeCongressError as error:
        if error.file == source.file:
            error.file = str(path)
        raise


def new_text_documents(parsed, minter) -> tuple[tuple, tuple[Finding, ...]]:
    """A new text's documents with each repeated number read as the one it should be, and one finding per
    repeat (where it repeats, naming the first)."""
    documents, findings = [], []
    for document in parsed.documents:
        document, repeats = _repeated(document, minter)
        documents.append(document)
        findings.extend(repeats)
    return tuple(documents), tuple(findings)


@dataclass(frozen=True)
class TextGraphs:
    """Declaration texts as RDF: one graph per document, {published file name: path as given}, and the
    findings made while reading (a file that could not be read, a draft renamed to keep it apart)."""

    graphs: tuple
    files: Mapping[str, str]
    findings: tuple[Finding, ...] = ()
    refused: tuple[str, ...] = ()   # the paths that could not be read or parsed


def _refused(path: Path, error: CrimeCongressError) -> Finding:
    """A file that could not be read, as one finding on that file (the other files are still checked)."""
    message = error.message + (f" ({error.hint})" if error.hint else "")
    return Finding(focus=str(path), rule=type(error).__name__, severity="Violation", message=message,
                   label=str(path), file=str(path), line=error.line)


_WHAT = {"paragraph": "the number", "subparagraph": "the letter", "item": "the numeral"}


def _printed(unit, number: str) -> str:
    """A number as the text prints it at the unit's level: "12", "(b)", "(ii)"."""
    return number if unit.kind.value == "paragraph" else f"({number})"


def _successor(number: str | None) -> str | None:
    """The number or letter printed after `number` ("11" -> "12", "b" -> "c"), None when there is no rule."""
    if number is None:
        return None
    if number.isdigit():
        return str(int(number) + 1)
    if len(number) == 1 and "a" <= number < "z":
        return chr(ord(number) + 1)
    return None


def _repeated(document, minter) -> tuple:
    """A lenient parse gives a number printed twice the IRI of its first occurrence: one finding for each
    repeat, on its own line, naming the first occurrence's line, and a document the shapes can check
    without seeing the same fault again. A repeat that stands where the next number belongs (11, 11, 13,
    or a list's last) is read as that number (12), so that no gap is reported after it; any other repeat
    (11, 11, 12) is left out. Its subparagraphs, items and follow-on paragraphs go with it."""
    from .corpus.catalogue import short_title
    from .rdf.emit import citation_label
    short = short_title(document)
    first: dict[str, object] = {}
    moved: dict[str, str] = {}              # renumbered units and everything below them: old IRI -> new IRI
    dropped: set[str] = set()
    last: dict[tuple, str] = {}             # (parent, kind) -> the number of the last unit kept there
    kept, findings = [], []
    for index, unit in enumerate(document.units):
        if unit.parent in dropped:
            dropped.add(unit.iri)
            continue
        if unit.parent in moved:
            new = minter.moved(unit.iri, unit.parent, moved[unit.parent])
            moved[unit.iri] = new
            unit = replace(unit, iri=new, parent=moved[unit.parent])
        elif unit.iri in first and unit.number is not None:
            original = first[unit.iri]
            expected = _successor(last.get((unit.parent, unit.kind)))
            following = next((u.number for u in document.units[index + 1:]
                              if u.parent == unit.parent and u.kind is unit.kind and u.number), None)
            renumbered = expected is not None and following in (None, _successor(expected)) \
                and minter.renumbered(unit.iri, expected) not in first
            label = citation_label(short, document.iri, original)
            fix = f"this one should be {_printed(unit, expected)}" if renumbered \
                else "renumber this one and the ones after it"
            findings.append(Finding(
                focus=unit.iri, rule="NumberRepeated", severity="Violation",
                message=f"{_WHAT.get(unit.kind.value, 'the number')} {_printed(unit, unit.number)} is printed again "
                        f"({label} is at line {original.source.first}): {fix}",
                document=document.iri, position=unit.position, label=label, file=unit.source.file,
                line=unit.source.first))
            if not renumbered:
                dropped.add(unit.iri)
                continue
            new = minter.renumbered(unit.iri, expected)
            moved[unit.iri] = new
            unit = replace(unit, iri=new, number=expected)
        first[unit.iri] = unit
        kept.append(unit)
        if unit.number is not None:
            last[(unit.parent, unit.kind)] = unit.number
    return (replace(document, units=tuple(kept)) if findings else document), findings


def text_graphs(paths: Sequence[Path], *, base: str = DEFAULT_BASE, title: str | None = None,
                slug: str | None = None, keep_going: bool = False) -> TextGraphs:
    """Declaration texts as RDF, each file read on its own: the catalogued sources (matched by name and
    sha256) with their catalogue facts, any other text as a new document titled by `title`/`slug` (or its
    first line). Copies of one catalogued document in several files are merged; two new texts that get the
    same slug are two documents: the later one is renamed ("-2") and an Info finding says so.

    keep_going: a file that cannot be read or parsed becomes one finding (TextGraphs.refused) instead of
    raising, so that the other files are still checked."""
    from .corpus import CATALOGUE_FILE, SOURCES_DIR, merge_manifestations, parse_file
    from .corpus.catalogue import DocumentFacts, load_catalogue, new_text_facts
    from .corpus.source import read_source
    from .ids import Minter
    from .rdf.emit import document_graph

    minter = Minter(base)
    catalogue = load_catalogue(SOURCES_DIR / CATALOGUE_FILE)
    copies: dict[str, list] = {}
    facts: dict[str, DocumentFacts] = {}
    files: dict[str, str] = {}
    first_seen: dict[str, str] = {}          # slug of a new text -> the path it was read from
    findings: list[Finding] = []
    refused: list[str] = []
    for path in map(Path, paths):
        source = None
        try:
            source = read_source(path)
            entry = catalogue.file(source.file)
            if entry is not None and entry.sha256 == source.sha256:
                parsed = parse_file(path, catalogue=catalogue, minter=minter)
                for document in parsed.documents:
                    facts[document.slug] = catalogue.facts(document.slug)
            else:
                source = replace(source, file=_free_file_name(_safe_name(path), files))   # read once
                parsed = _parse_new(source, minter=minter, title=title, slug=slug)
                original, n = parsed.documents[0].slug, 1
                while any(document.slug in copies for document in parsed.documents):
                    # the same title (or --slug) as a text read before: a document of its own
                    n += 1
                    parsed = _parse_new(source, minter=minter, title=title, slug=f"{original}-{n}")
                if n > 1:
                    renamed = parsed.documents[0].slug
                    findings.append(Finding(
                        focus=parsed.documents[0].iri, rule="DistinctDocument", severity="Info",
                        message=f"{original} already names {first_seen[original]}: "
                                f"this text is checked on its own as {renamed} (give it its own --title or --slug)",
                        document=parsed.documents[0].iri, position=0, label=str(path), file=source.file,
                        line=parsed.documents[0].manifestations[0].first))
                unique, repeats = new_text_documents(parsed, minter)
                findings.extend(repeats)
                parsed = replace(parsed, documents=unique)
                for document in parsed.documents:
                    first_seen.setdefault(document.slug, str(path))
                    facts[document.slug] = new_text_facts(document)
        except CrimeCongressError as error:
            if error.file is None or (source is not None and error.file == source.file):
                error.file = str(path)           # name the file as the user gave it
            if not keep_going:
                raise
            findings.append(_refused(path, error))
            refused.append(str(path))
            continue
        files[source.file] = str(path)
        for document in parsed.documents:
            copies.setdefault(document.slug, []).append(document)
    graphs = []
    for name, found in copies.items():
        try:
            graphs.append(document_graph(merge_manifestations(found), facts[name], minter))
        except CrimeCongressError as error:     # catalogued copies that differ
            if not keep_going:
                raise
            findings.append(_refused(Path(files.get(error.file, error.file or name)), error))
            refused.append(files.get(error.file, error.file or name))
    return TextGraphs(tuple(graphs), files, tuple(findings), tuple(refused))


def _free_file_name(name: str, files: Mapping[str, str]) -> str:
    """A published file name whose stem no other text of this run has (the stem names the source's IRI):
    `a-res-80-5.txt` after `a-res-80-5.md` is `a-res-80-5-2.txt`."""
    stem, _, suffix = name.rpartition(".")
    stems = {f.rpartition(".")[0] for f in files}
    candidate, n = stem, 1
    while candidate in stems:
        n += 1
        candidate = f"{stem}-{n}"
    return f"{candidate}.{suffix}"


def _read_rdf(path: Path, rdf_format: str | None, check: bool) -> bytes:
    """An RDF file as N-Triples; `check`: parse N-Triples now, so that a syntax error is this file's."""
    data = read_rdf_file(path, rdf_format)
    written = path.with_suffix("") if path.suffix.lower() == ".gz" else path
    if check and rdf_format_for(written, rdf_format) == ox.RdfFormat.N_TRIPLES:
        try:
            for _ in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                pass
        except SyntaxError as error:
            raise _syntax_error(error, str(path)) from None
        except (ValueError, UnicodeDecodeError) as error:
            raise InputError(f"not valid RDF: {error}", file=str(path)) from None
    return data


def validate_paths(paths: Sequence[str | Path], *, engine: str = "fast", base: str = DEFAULT_BASE,
                   rdf_format: str | None = None, title: str | None = None,
                   slug: str | None = None) -> tuple[Report, dict[str, str]]:
    """What `crimecongress validate` checks: declaration texts (.txt, .md: parsed and emitted first) and RDF
    files (by suffix, or all as `rdf_format`). Each text is its own document; the findings of all files make
    one report. Returns the report and {source file name in the report: path as given} for showing findings
    against the user's own paths.

    One file: a file that cannot be read raises InputError (one line, exit code 2). Several files: it becomes
    one finding on that file, the others are still checked, and Report.refused names it (exit code 2)."""
    paths = [Path(p) for p in paths]
    several = len(paths) > 1
    texts = [p for p in paths if rdf_format is None and p.suffix.lower() in TEXT_SUFFIXES]
    data = Data()
    findings: list[Finding] = []
    refused: list[str] = []
    for path in (p for p in paths if p not in texts):
        try:
            data.ntriples.append((str(path), _read_rdf(path, rdf_format, several)))
        except CrimeCongressError as error:
            if not several:
                raise
            findings.append(_refused(path, error))
            refused.append(str(path))
    files: dict[str, str] = {}
    if texts:
        read = text_graphs(texts, base=base, title=title, slug=slug, keep_going=several)
        data.graphs.extend(read.graphs)
        files = dict(read.files)
        findings.extend(read.findings)
        refused.extend(read.refused)
    report = validate_data(data, engine=engine, base=base)
    if findings:
        report = replace(report, findings=tuple(sorted(report.findings + tuple(findings), key=Finding.sort_key)),
                         refused=tuple(refused))
    return report, files
