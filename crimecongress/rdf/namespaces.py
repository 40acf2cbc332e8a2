"""Namespaces of the vocabularies the dataset reuses, and the project's own (which depends on the base IRI)."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from ..ids import Minter

ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")

__all__ = ["DCAT", "DCTERMS", "ELI", "OA", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDG", "SDGO", "SKOS", "VANN", "VOID",
           "XSD", "uncc", "bind_prefixes"]


def uncc(minter: Minter) -> Namespace:
    """The project's ontology namespace under the minter's base."""
    return Namespace(minter.term(""))


def bind_prefixes(graph, minter: Minter) -> None:
    """Bind the prefixes every published file uses, so Turtle stays short and stable."""
    graph.namespace_manager.bind("uncc", uncc(minter), override=True, replace=True)
    for prefix, namespace in (("eli", ELI), ("oa", OA), ("prov", PROV), ("skos", SKOS), ("dcterms", DCTERMS),
                              ("org", ORG), ("owl", OWL), ("rdfs", RDFS), ("xsd", XSD), ("void", VOID),
                              ("dcat", DCAT), ("vann", VANN), ("sdg", SDG), ("sdgo", SDGO)):
        graph.namespace_manager.bind(prefix, namespace, override=True, replace=True)
    base = minter.base
    for prefix, path in (("doc", "doc/"), ("theme", "theme/"), ("instrument", "instrument/"),
                         ("actor", "actor/"), ("congress", "congress/")):
        graph.namespace_manager.bind(prefix, Namespace(base + path), override=True, replace=True)
