"""Serialisers for the released files, each deterministic: the same graph always gives the same bytes.

Turtle comes from rdflib's `longturtle` (byte-stable); N-Triples and N-Quads are sorted lines written by
pyoxigraph; JSON-LD is compacted here against the published context, with nodes and values sorted.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

CONTEXT_FILE = Path(__file__).resolve().parents[1] / "ontology" / "context.jsonld"
DEFAULT_BASE = "https://w3id.org/crime-congress/"


# Prefixes for Turtle output: those whose local names are plain words (document IRIs, with slashes, stay whole).
TURTLE_PREFIXES = {
    "uncc": "ontology#", "theme": "theme/", "instrument": "instrument/", "actor": "actor/",
    "eli": "http://data.europa.eu/eli/ontology#", "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#", "vann": "http://purl.org/vocab/vann/",
    "sdg": "http://metadata.un.org/sdg/", "sdgo": "http://metadata.un.org/sdg/ontology#",
}


def turtle(graph: Graph, base: str = DEFAULT_BASE) -> bytes:
    """Turtle with the statements sorted by subject, predicate and object, one blank line between subjects.

    Written by pyoxigraph: two orders of magnitude faster than rdflib's longturtle at this size, and as stable."""
    _check_no_blank_nodes(graph)
    triples = sorted((ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph),
                     key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    prefixes = {name: (base + iri if not iri.startswith("http") else iri) for name, iri in TURTLE_PREFIXES.items()}
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).split(b"\n")
    # our own header, sorted (not the writer's order), then a blank line before each new subject
    out = [f"@prefix {name}: <{iri}> .".encode() for name, iri in sorted(prefixes.items())]
    for line in body:
        if line.startswith(b"@prefix"):
            continue
        if line and not line.startswith(b"\t"):
            out.append(b"")
        out.append(line)
    return b"\n".join(out)


def _check_no_blank_nodes(graph: Graph) -> None:
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            raise ValueError(f"blank node in published data: {triple}")


def _ox_term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot publish term {term!r}")


def _sorted_lines(quads: Iterable[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """One statement per line, sorted and without duplicates (the order of a set is not stable)."""
    lines = set(ox.serialize(list(quads), format=fmt).splitlines(keepends=True))
    return b"".join(sorted(lines))


def ntriples(graph: Graph) -> bytes:
    _check_no_blank_nodes(graph)
    return _sorted_lines((ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph), ox.RdfFormat.N_TRIPLES)


def nquads(named_graphs: Iterable[tuple[str, Graph]]) -> bytes:
    """One N-Quads dump with each graph under its name."""
    quads = []
    for name, graph in named_graphs:
        _check_no_blank_nodes(graph)
        g = ox.NamedNode(name)
        quads.extend(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), g) for s, p, o in graph)
    return _sorted_lines(quads, ox.RdfFormat.N_QUADS)


def gzipped(data: bytes) -> bytes:
    """gzip with no timestamp and no file name, so that the same data always gives the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def load_context(base: str = DEFAULT_BASE) -> dict:
    """The published JSON-LD context, rewritten for another base IRI when one is configured."""
    text = CONTEXT_FILE.read_text(encoding="utf-8")
    return json.loads(text.replace(DEFAULT_BASE, base))


class _Compactor:
    """Compacts triples with the published context: a short key per predicate, coerced values."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")
                         and v.endswith(("#", "/"))}
        self.terms: dict[str, tuple[str, dict]] = {}
        for key, value in ctx.items():
            if isinstance(value, dict) and "@id" in value:
                self.terms.setdefault(self.expand(value["@id"]), (key, value))

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else curie

    def compact_iri(self, iri: str) -> str:
        best = iri
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) - len(namespace) + len(prefix) + 1 < len(best):
                best = f"{prefix}:{iri[len(namespace):]}"
        return best

    def value(self, definition: dict | None, obj):
        if isinstance(obj, URIRef):
            if definition and definition.get("@type") == "@id":
                return str(obj)
            return {"@id": str(obj)}
        if definition is not None:
            if obj.language and definition.get("@language") == obj.language:
                return str(obj)
            if obj.datatype and "@type" in definition and self.expand(definition["@type"]) == str(obj.datatype):
                return str(obj)
            if not obj.language and not obj.datatype and "@type" not in definition and "@language" not in definition:
                return str(obj)
        if obj.language:
            return {"@value": str(obj), "@language": obj.language}
        if obj.datatype and obj.datatype != XSD.string:
            return {"@value": str(obj), "@type": self.compact_iri(str(obj.datatype))}
        return {"@value": str(obj)}

    def node(self, subject: URIRef, pairs: list) -> dict:
        node: dict = {"id": str(subject)}
        for predicate, obj in pairs:
            if predicate == RDF.type:
                node.setdefault("type", []).append(self.compact_iri(str(obj)))
                continue
            key, definition = self.terms.get(str(predicate), (self.compact_iri(str(predicate)), None))
            if definition and definition.get("@container") == "@language" and isinstance(obj, Literal) and obj.language:
                node.setdefault(key, {}).setdefault(obj.language, []).append(str(obj))
                continue
            node.setdefault(key, []).append(self.value(definition, obj))
        return {key: _single(value) for key, value in node.items()}


def _single(value):
    """Sort multi-valued entries for stable output; unwrap single values."""
    if isinstance(value, dict):
        return {k: _single(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return value[0] if len(value) == 1 else value
    return value


def jsonld(graph: Graph, context_url: str, context: dict) -> bytes:
    """Compact JSON-LD: {"@context": URL, "@graph": [nodes sorted by id]}."""
    _check_no_blank_nodes(graph)
    compactor = _Compactor(context)
    by_subject: dict[URIRef, list] = {}
    for s, p, o in graph:
        by_subject.setdefault(s, []).append((p, o))
    nodes = [compactor.node(s, pairs) for s, pairs in sorted(by_subject.items())]
    document = {"@context": context_url, "@graph": nodes}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
