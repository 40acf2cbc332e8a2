"""Terms of the RDF that `serve` and `site` hand out.

Terms are plain Python values so that pages, search and the resolver can use them without an RDF library:
an IRI is a `str`, a literal is a `Lit`, a blank node (possible only in CONSTRUCT results) is a `Blank`.
They become pyoxigraph terms only where RDF is written (`ox_triples`), by the project's one set of writers
(crimecongress.export).

Imports nothing but pyoxigraph and the standard library: the SPARQL worker processes use it too and must
start fast.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple, Union

import pyoxigraph as ox

from ..prefixes import table

RDF, XSD = table()["rdf"], table()["xsd"]
RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"


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


def nt_term(term: Term) -> str:
    """A term in N-Triples syntax (as SPARQL's TSV results write it), by pyoxigraph."""
    return str(to_ox(term))


_NODES: dict[str, ox.NamedNode] = {}


def _node(iri: str) -> ox.NamedNode:
    """The NamedNode of an IRI, made once: descriptions name the same predicates, classes and resources again."""
    node = _NODES.get(iri)
    if node is None:
        node = ox.NamedNode(iri)
        if len(_NODES) < 200_000:
            _NODES[iri] = node
    return node


def ox_triples(triples: Iterable[Triple]) -> list[ox.Triple]:
    """Plain triples as the RDF writers take them (crimecongress.export), without duplicates."""
    known = _NODES.get

    def term(value: Term):
        if type(value) is str:
            return known(value) or _node(value)
        if isinstance(value, Blank):
            return ox.BlankNode(value.id)
        if value.lang:
            return ox.Literal(value.value, language=value.lang)
        if value.datatype:
            return ox.Literal(value.value, datatype=known(value.datatype) or _node(value.datatype))
        return ox.Literal(value.value)
    return [ox.Triple(term(s), known(p) or _node(p), term(o)) for s, p, o in set(triples)]
