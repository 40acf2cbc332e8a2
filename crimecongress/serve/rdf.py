"""Terms and deterministic serialisers for the RDF that `serve` and `site` hand out.

Terms are plain Python values so that pages, search and the resolver can use them without an RDF library:
an IRI is a `str`, a literal is a `Lit`, a blank node (possible only in CONSTRUCT results) is a `Blank`.
Every writer sorts its input, so the same triples always give the same bytes.

Imports nothing but pyoxigraph and the standard library: the SPARQL worker processes use it too and must
start fast.
"""
from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import Iterable, NamedTuple, Union

import pyoxigraph as ox

from ..export import inline_context
from ..prefixes import context_prefixes, table

RDF, XSD = table()["rdf"], table()["xsd"]
RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = RDF + "langString"


class Lit(NamedTuple):
    value: str
    lang: str | None = None
    datatype: str | None = None      # None for xsd:string and for language-tagged strings


class Blank(NamedTuple):
    id: str


Term = Union[str, Lit, Blank]
Triple = tuple[str, str, Term]


def from_ox(term) -> Term:
    """A pyoxigraph term as a plain value."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        if term.language:
            return Lit(term.value, term.language, None)
        datatype = term.datatype.value
        return Lit(term.value, None, None if datatype == XSD_STRING else datatype)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    return Lit(str(term))             # RDF-star triple terms: shown as text


def to_ox(term: Term):
    if isinstance(term, str):
        return ox.NamedNode(term)
    if isinstance(term, Blank):
        return ox.BlankNode(term.id)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


def sort_key(term: Term) -> tuple:
    if isinstance(term, str):
        return (0, term, "", "")
    if isinstance(term, Blank):
        return (1, term.id, "", "")
    return (2, term.value, term.lang or "", term.datatype or "")


def ordered(triples: Iterable[Triple], first: str | None = None) -> list[Triple]:
    """Subjects sorted (with `first` leading), rdf:type first within a subject, then predicates and objects."""
    unique = set(triples)
    return sorted(unique, key=lambda t: (t[0] != first, sort_key(t[0]), t[1] != RDF_TYPE, t[1], sort_key(t[2])))


# --- N-Triples ----------------------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _quote(value: str) -> str:
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), value)
    return f'"{value}"'


def nt_term(term: Term) -> str:
    if isinstance(term, str):
        return f"<{term}>"
    if isinstance(term, Blank):
        return f"_:{term.id}"
    if term.lang:
        return f"{_quote(term.value)}@{term.lang}"
    if term.datatype:
        return f"{_quote(term.value)}^^<{term.datatype}>"
    return _quote(term.value)


def ntriples(triples: Iterable[Triple]) -> bytes:
    lines = sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples})
    return "".join(lines).encode("utf-8")


# --- Turtle -------------------------------------------------------------------------------------------------------

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Prefixes:
    """Prefix map used to shorten IRIs in Turtle and to compact JSON-LD keys and values."""

    def __init__(self, mapping: dict[str, str]):
        # longest namespace first so that doc: beats the base when both match
        self.mapping = dict(sorted(mapping.items()))
        self._by_length = sorted(mapping.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._memo: dict[str, tuple[str, str] | None] = {}

    def shorten(self, iri: str) -> tuple[str, str] | None:
        if iri in self._memo:
            return self._memo[iri]
        found = None
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if local == "" or _LOCAL.match(local):
                    found = (prefix, local)
                    break
        if len(self._memo) < 200_000:
            self._memo[iri] = found
        return found

    def curie(self, iri: str) -> str:
        short = self.shorten(iri)
        return f"{short[0]}:{short[1]}" if short else iri


def turtle(triples: Iterable[Triple], prefixes: Prefixes, first: str | None = None) -> bytes:
    """Readable Turtle: one block per subject, `a` first, objects of a predicate on one line each."""
    used: set[str] = set()

    def iri(value: str) -> str:
        short = prefixes.shorten(value)
        if short is None:
            return f"<{value}>"
        used.add(short[0])
        return f"{short[0]}:{short[1]}"

    def term(value: Term) -> str:
        if isinstance(value, str):
            return iri(value)
        if isinstance(value, Blank):
            return f"_:{value.id}"
        text = _quote(value.value)
        if value.lang:
            return f"{text}@{value.lang}"
        if value.datatype:
            return f"{text}^^{iri(value.datatype)}"
        return text

    blocks = []
    rows = ordered(triples, first)
    i = 0
    while i < len(rows):
        subject = rows[i][0]
        by_predicate: list[tuple[str, list[Term]]] = []
        while i < len(rows) and rows[i][0] == subject:
            predicate, obj = rows[i][1], rows[i][2]
            if by_predicate and by_predicate[-1][0] == predicate:
                by_predicate[-1][1].append(obj)
            else:
                by_predicate.append((predicate, [obj]))
            i += 1
        lines = [term(subject)]
        for n, (predicate, objects) in enumerate(by_predicate):
            key = "a" if predicate == RDF_TYPE else iri(predicate)
            end = " ;" if n < len(by_predicate) - 1 else " ."
            values = [term(o) for o in objects]
            if len(values) == 1:
                lines.append(f"    {key} {values[0]}{end}")
            else:
                lines.append(f"    {key}")
                lines.extend(f"        {v}{',' if k < len(values) - 1 else end}" for k, v in enumerate(values))
        blocks.append("\n".join(lines) + "\n")
    header = "".join(f"@prefix {p}: <{prefixes.mapping[p]}> .\n" for p in sorted(used))
    return (header + ("\n" if header and blocks else "") + "\n".join(blocks)).encode("utf-8")


# --- JSON-LD ------------------------------------------------------------------------------------------------------

class Compactor:
    """Compacts triples against the published JSON-LD context (the rules of crimecongress.export, on plain terms):
    one short key per predicate with a term definition, values coerced where the definition says so."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.context = ctx
        self.prefixes = context_prefixes(context)
        self.terms: dict[str, tuple[str, dict]] = {}
        for key, value in ctx.items():
            if isinstance(value, dict) and "@id" in value:
                self.terms.setdefault(self.expand(value["@id"]), (key, value))
        self._compacted: dict[str, str] = {}

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else curie

    def compact_iri(self, iri: str) -> str:
        best = self._compacted.get(iri)
        if best is None:
            best = iri
            for prefix, namespace in self.prefixes.items():
                if iri.startswith(namespace) and len(iri) - len(namespace) + len(prefix) + 1 < len(best):
                    best = f"{prefix}:{iri[len(namespace):]}"
            if len(self._compacted) < 100_000:
                self._compacted[iri] = best
        return best

    def value(self, definition: dict | None, obj: Term):
        if isinstance(obj, str):
            return obj if definition and definition.get("@type") == "@id" else {"@id": obj}
        if isinstance(obj, Blank):
            return {"@id": f"_:{obj.id}"}
        if definition is not None:
            if obj.lang and definition.get("@language") == obj.lang:
                return obj.value
            if obj.datatype and "@type" in definition and self.expand(definition["@type"]) == obj.datatype:
                return obj.value
            if not obj.lang and not obj.datatype and "@type" not in definition and "@language" not in definition:
                return obj.value
        if obj.lang:
            return {"@value": obj.value, "@language": obj.lang}
        if obj.datatype:
            return {"@value": obj.value, "@type": self.compact_iri(obj.datatype)}
        return {"@value": obj.value}

    def node(self, subject: Term, pairs: list[tuple[str, Term]]) -> dict:
        node: dict = {"id": subject if isinstance(subject, str) else f"_:{subject.id}"}
        for predicate, obj in pairs:
            if predicate == RDF_TYPE and isinstance(obj, str):
                node.setdefault("type", []).append(self.compact_iri(obj))
                continue
            key, definition = self.terms.get(predicate, (self.compact_iri(predicate), None))
            if definition and definition.get("@container") == "@language" and isinstance(obj, Lit) and obj.lang:
                node.setdefault(key, {}).setdefault(obj.lang, []).append(obj.value)
                continue
            node.setdefault(key, []).append(self.value(definition, obj))
        return {key: _single(value) for key, value in node.items()}


def _json_key(value) -> str:
    """The sort key of crimecongress.export (a value's JSON text), computed fast for plain strings."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _single(value):
    if isinstance(value, dict):
        return {k: _single(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        return sorted(value, key=_json_key)
    return value


_CONTEXT_TEXT: dict[int, tuple[object, str]] = {}


def _context_text(context_ref) -> str:
    """The JSON text of the context, indented one level; computed once per context object."""
    cached = _CONTEXT_TEXT.get(id(context_ref))
    if cached is None or cached[0] is not context_ref:
        text = inline_context(context_ref)
        cached = (context_ref, text)
        _CONTEXT_TEXT[id(context_ref)] = cached
    return cached[1]


def jsonld(triples: Iterable[Triple], compactor: Compactor, context_ref) -> bytes:
    """{"@context": context_ref, "@graph": [nodes sorted by id]}, one node per line with sorted keys:
    deterministic bytes, written by the C JSON encoder.

    `context_ref` is the context itself, written inline so that the document reads offline."""
    by_subject: dict[Term, list] = {}
    for s, p, o in set(triples):
        by_subject.setdefault(s, []).append((p, o))
    nodes = [json.dumps(compactor.node(s, pairs), ensure_ascii=False, sort_keys=True)
             for s, pairs in sorted(by_subject.items(), key=lambda kv: sort_key(kv[0]))]
    text = '{\n "@context": ' + _context_text(context_ref) + ',\n "@graph": [\n  ' + ",\n  ".join(nodes) + "\n ]\n}\n"
    return text.encode("utf-8")


# --- RDF/XML ------------------------------------------------------------------------------------------------------

def rdfxml(triples: Iterable[Triple], prefixes: Prefixes) -> bytes:
    rows = ordered(triples)
    return ox.serialize([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in rows],
                        format=ox.RdfFormat.RDF_XML, prefixes=prefixes.mapping)


RDF_FORMATS = {
    # name: (media type, suffix)
    "ttl": ("text/turtle", ".ttl"),
    "jsonld": ("application/ld+json", ".jsonld"),
    "nt": ("application/n-triples", ".nt"),
    "rdf": ("application/rdf+xml", ".rdf"),
}


def serialise(fmt: str, triples: list[Triple], prefixes: Prefixes, compactor: Compactor, context_ref,
              first: str | None = None) -> bytes:
    if fmt == "ttl":
        return turtle(triples, prefixes, first)
    if fmt == "nt":
        return ntriples(triples)
    if fmt == "jsonld":
        return jsonld(triples, compactor, context_ref)
    if fmt == "rdf":
        return rdfxml(triples, prefixes)
    raise ValueError(f"unknown RDF format {fmt!r}")
