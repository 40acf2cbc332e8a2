"""Serialisers for the released files, each deterministic: the same graph always gives the same bytes.

Every writer takes a graph's statements as pyoxigraph triples (an rdflib Graph is converted first), so
that the build converts each graph once and writes its Turtle, N-Triples and JSON-LD from the same list.
Turtle is written by pyoxigraph with the statements sorted; N-Triples and N-Quads are sorted lines;
JSON-LD is compacted here against the published context, with nodes and values sorted, a node per line.
The whole-dataset dumps are merged from the graphs' sorted lines (`merged_lines`, `quad_lines`) and written
a chunk at a time (`TurtleParts`, `JsonLdParts`), so that the build never holds the whole dataset as
Python objects.
"""
from __future__ import annotations

import gzip
import heapq
import json
import zlib
from typing import Iterable, Iterator, Sequence, Union

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .ids import DEFAULT_BASE
from .prefixes import context_prefixes, pick, table

_RDF_TYPE = table()["rdf"] + "type"
_XSD_STRING = table()["xsd"] + "string"

# What the writers accept: an rdflib Graph, or statements already converted by `statements`.
Statements = Union[Graph, Sequence[ox.Triple]]


# Prefixes for Turtle output, in this order: those whose local names are plain words (document IRIs, with
# slashes, stay whole, so doc: is not among them).
TURTLE_PREFIXES = ("uncc", "theme", "instrument", "actor", "eli", "oa", "prov", "skos", "dcterms", "org", "owl", "rdf",
                   "rdfs", "xsd", "void", "dcat", "vann", "sdg", "sdgo")


def statements(graph: Statements) -> Sequence[ox.Triple]:
    """The statements as pyoxigraph triples; a blank node is an error (published data has none)."""
    return converted(graph) if isinstance(graph, Graph) else graph


def converted(triples: Iterable[tuple]) -> list[ox.Triple]:
    """rdflib triples as pyoxigraph triples (each IRI converted once: they repeat)."""
    nodes: dict[str, ox.NamedNode] = {}

    def term(value, triple):
        if isinstance(value, URIRef):
            node = nodes.get(value)
            if node is None:
                node = nodes[value] = ox.NamedNode(str(value))
            return node
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                datatype = nodes.get(value.datatype)
                if datatype is None:
                    datatype = nodes[value.datatype] = ox.NamedNode(str(value.datatype))
                return ox.Literal(str(value), datatype=datatype)
            return ox.Literal(str(value))
        if isinstance(value, BNode):
            raise ValueError(f"blank node in published data: {triple}")
        raise ValueError(f"cannot publish term {value!r}")

    return [ox.Triple(term(triple[0], triple), term(triple[1], triple), term(triple[2], triple))
            for triple in triples]


def turtle_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    return pick(TURTLE_PREFIXES, base)


def _turtle_header(prefixes: dict[str, str]) -> list[bytes]:
    """Our own header, sorted (not the writer's order)."""
    return [f"@prefix {name}: <{iri}> .".encode() for name, iri in sorted(prefixes.items())]


def _turtle_body(triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> list[bytes]:
    """The statements' lines without the prefixes, a blank line before each new subject."""
    out: list[bytes] = []
    for line in ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).split(b"\n"):
        if not line or line.startswith(b"@prefix"):
            continue
        if not line.startswith(b"\t"):
            out.append(b"")
        out.append(line)
    return out


def turtle(graph: Statements, base: str = DEFAULT_BASE) -> bytes:
    """Turtle with the statements sorted by subject, predicate and object, one blank line between subjects.

    Written by pyoxigraph: two orders of magnitude faster than rdflib's longturtle at this size, and as stable."""
    triples = sorted(statements(graph), key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    prefixes = turtle_prefixes(base)
    return b"\n".join(_turtle_header(prefixes) + _turtle_body(triples, prefixes) + [b""])


class TurtleParts:
    """Turtle for data too large to hold, written a part at a time: `head`, then `part` for each chunk of
    statements (whole subjects, see `subject_chunks`), then `tail`. The statements keep their order."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.prefixes = turtle_prefixes(base)

    def head(self) -> bytes:
        return b"\n".join(_turtle_header(self.prefixes))

    def part(self, triples: Sequence[ox.Triple]) -> bytes:
        body = _turtle_body(triples, self.prefixes)
        return b"\n" + b"\n".join(body) if body else b""

    def tail(self) -> bytes:
        return b"\n"


def ntriples(graph: Statements) -> bytes:
    """One statement per line, sorted and without duplicates (the order of a set is not stable)."""
    lines = set(ox.serialize(list(statements(graph)), format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True))
    return b"".join(sorted(lines))


def parse_ntriples(data: bytes) -> list[ox.Triple]:
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def merged_lines(sorted_lines: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """Sorted runs of lines merged into one sorted run without duplicates (a statement may be in two graphs)."""
    last = None
    for line in heapq.merge(*sorted_lines):
        if line != last:
            yield line
            last = line


def gzipped_lines(dump: bytes, block: int = 1 << 14) -> Iterator[bytes]:
    """The lines of a gzipped dump, decompressed a block at a time as they are needed (small blocks: the
    whole-dataset dumps merge one such reader per graph, thousands at once at scale)."""
    decompressor = zlib.decompressobj(wbits=31)
    tail = b""
    for start in range(0, len(dump), block):
        lines = (tail + decompressor.decompress(dump[start:start + block])).splitlines(keepends=True)
        tail = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
    rest = tail + decompressor.flush()
    if rest:
        yield from rest.splitlines(keepends=True)


def subject_chunks(lines: Iterable[bytes], size: int = 50_000) -> Iterator[bytes]:
    """Sorted N-Triples lines in chunks of about `size` lines, each ending where a subject does (in sorted
    lines a subject's statements are next to each other)."""
    chunk: list[bytes] = []
    subject = b""
    for line in lines:
        if len(chunk) >= size and not line.startswith(subject):
            yield b"".join(chunk)
            chunk = []
        if not chunk or not line.startswith(subject):
            subject = line[:line.index(b" ") + 1]
        chunk.append(line)
    if chunk:
        yield b"".join(chunk)


def quad_lines(named_lines: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """Sorted N-Quads lines from sorted N-Triples lines, each graph under its name.

    Appending the graph name keeps each run's order (a line is never a prefix of another: each ends in
    " .\\n"), so merging the rewritten runs sorts the whole."""
    def quads(name: str, lines: Iterable[bytes]) -> Iterator[bytes]:
        suffix = f" <{name}> .\n".encode()
        return (line[:-3] + suffix for line in lines)
    return heapq.merge(*(quads(name, lines) for name, lines in named_lines))


def nquads(named_graphs: Iterable[tuple[str, Statements]]) -> bytes:
    """One N-Quads dump with each graph under its name."""
    return b"".join(quad_lines((name, ntriples(graph).splitlines(keepends=True)) for name, graph in named_graphs))


def gzipped(data: bytes) -> bytes:
    """gzip with no timestamp and no file name, so that the same data always gives the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


class _Compactor:
    """Compacts triples with the published context: a short key per predicate, coerced values."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.prefixes = context_prefixes(context)
        self.terms: dict[str, tuple[str, dict]] = {}
        self._compacted: dict[str, str] = {}          # compact_iri is called for every statement
        for key, value in ctx.items():
            if isinstance(value, dict) and "@id" in value:
                self.terms.setdefault(self.expand(value["@id"]), (key, value))

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else curie

    def compact_iri(self, iri: str) -> str:
        known = self._compacted.get(iri)
        if known is None:
            known = self._compacted[iri] = self._compact(iri)
        return known

    def _compact(self, iri: str) -> str:
        best = iri
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) - len(namespace) + len(prefix) + 1 < len(best):
                best = f"{prefix}:{iri[len(namespace):]}"
        return best

    def value(self, definition: dict | None, obj):
        if isinstance(obj, ox.NamedNode):
            if definition and definition.get("@type") == "@id":
                return obj.value
            return {"@id": obj.value}
        language = obj.language
        datatype = None if language or obj.datatype.value == _XSD_STRING else obj.datatype.value
        if definition is not None:
            if language and definition.get("@language") == language:
                return obj.value
            if datatype and "@type" in definition and self.expand(definition["@type"]) == datatype:
                return obj.value
            if not language and not datatype and "@type" not in definition and "@language" not in definition:
                return obj.value
        if language:
            return {"@value": obj.value, "@language": language}
        if datatype:
            return {"@value": obj.value, "@type": self.compact_iri(datatype)}
        return {"@value": obj.value}

    def node(self, subject: str, pairs: list) -> dict:
        node: dict = {"id": subject}
        for predicate, obj in pairs:
            if predicate == _RDF_TYPE:
                node.setdefault("type", []).append(self.compact_iri(obj.value))
                continue
            key, definition = self.terms.get(predicate) or (self.compact_iri(predicate), None)
            if definition and definition.get("@container") == "@language" and isinstance(obj, ox.Literal) \
                    and obj.language:
                node.setdefault(key, {}).setdefault(obj.language, []).append(obj.value)
                continue
            node.setdefault(key, []).append(self.value(definition, obj))
        return {key: _single(value) for key, value in node.items()}


def _single(value):
    """Sort multi-valued entries for stable output; unwrap single values."""
    if isinstance(value, dict):
        return {k: _single(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        return sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def inline_context(context: dict) -> str:
    """The text of a context object as every JSON-LD document of the project carries it inline (keys sorted,
    indented one level below "@context"): the document reads offline, in any JSON-LD 1.0 or 1.1 processor."""
    return json.dumps(context, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n ")


def jsonld(graph: Statements, context: dict) -> bytes:
    """Compact JSON-LD: {"@context": {the context, inline}, "@graph": [nodes sorted by id]}."""
    triples = sorted(statements(graph), key=lambda t: t.subject.value)
    parts = JsonLdParts(context)
    return parts.head() + parts.part(triples) + parts.tail()


class JsonLdParts:
    """Compact JSON-LD written a part at a time (`head`, `part` for each chunk of statements whose subjects
    are whole and in order, `tail`): {"@context": {...}, "@graph": [...]} with the context inline and one node per
    line, keys sorted, as the server writes it. The C JSON encoder writes each node (the indenting one is ten times
    slower and leaves reference cycles behind each call)."""

    def __init__(self, context: dict):
        self.context, self.compactor, self.first = context["@context"], _Compactor(context), True

    def head(self) -> bytes:
        return b'{\n "@context": ' + inline_context(self.context).encode() + b',\n "@graph": ['

    def part(self, triples: Sequence[ox.Triple]) -> bytes:
        by_subject: dict[str, list] = {}
        for triple in triples:
            by_subject.setdefault(triple.subject.value, []).append((triple.predicate.value, triple.object))
        out = []
        for subject, pairs in by_subject.items():
            text = json.dumps(self.compactor.node(subject, pairs), ensure_ascii=False, sort_keys=True)
            out.append((b"\n  " if self.first else b",\n  ") + text.encode("utf-8"))
            self.first = False
        return b"".join(out)

    def tail(self) -> bytes:
        return b"]\n}\n" if self.first else b"\n ]\n}\n"
