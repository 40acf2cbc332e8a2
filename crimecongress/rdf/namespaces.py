"""Namespaces of the vocabularies the dataset reuses, and the project's own (which depends on the base IRI), as
makers of pyoxigraph NamedNodes: `SKOS.prefLabel`, `SKOS["prefLabel"]` or `NS("skos").prefLabel`. Their names
and IRIs come from the one prefix table (crimecongress.prefixes); a term that is not a Python name (a hyphen, a
leading digit) is asked for with [].
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from ..ids import DEFAULT_BASE, Minter
from ..prefixes import table


class Namespace:
    """The IRIs under one namespace, each made once as a NamedNode (the stages name the same terms again and again)."""

    __slots__ = ("iri", "_nodes")

    def __init__(self, iri: str):
        self.iri = iri
        self._nodes: dict[str, ox.NamedNode] = {}

    def __getitem__(self, name: str) -> ox.NamedNode:
        node = self._nodes.get(name)
        if node is None:
            node = self._nodes[name] = ox.NamedNode(self.iri + name)
        return node

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):          # copy, pickle and the like look for special methods
            raise AttributeError(name)
        return self[name]

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


@lru_cache(maxsize=64)
def NS(prefix: str, base: str = DEFAULT_BASE) -> Namespace:  # noqa: N802 -- reads as the constant it gives
    """The namespace a prefix of the table names (for the base IRI, for the project's own namespaces)."""
    return Namespace(table(base)[prefix])


DCAT, DCTERMS, ELI, OA, ORG, OWL, PROV, RDF, RDFS, SDG, SDGO, SKOS, VANN, VOID, XSD = (NS(name) for name in (
    "dcat", "dcterms", "eli", "oa", "org", "owl", "prov", "rdf", "rdfs", "sdg", "sdgo", "skos", "vann", "void", "xsd"))

__all__ = ["DCAT", "DCTERMS", "ELI", "NS", "Namespace", "OA", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDG", "SDGO",
           "SKOS", "VANN", "VOID", "XSD", "uncc"]


@lru_cache(maxsize=8)
def _uncc(term_namespace: str) -> Namespace:
    return Namespace(term_namespace)


def uncc(minter: Minter) -> Namespace:
    """The project's ontology namespace under the minter's base."""
    return _uncc(minter.term(""))
