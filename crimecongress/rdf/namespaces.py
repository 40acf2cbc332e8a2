"""Namespaces of the vocabularies the dataset reuses, and the project's own (which depends on the base IRI),
as rdflib terms. Their names and IRIs come from the one prefix table (crimecongress.prefixes); the ones rdflib
defines are rdflib's own (closed: a misspelt term fails), checked against the table by tests/test_prefixes.py."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from ..ids import Minter
from ..prefixes import pick, table

ELI = Namespace(table()["eli"])
OA = Namespace(table()["oa"])
VANN = Namespace(table()["vann"])
SDG = Namespace(table()["sdg"])
SDGO = Namespace(table()["sdgo"])

# The prefixes bound in the rdflib graphs the stages build.
BOUND = ("uncc", "eli", "oa", "prov", "skos", "dcterms", "org", "owl", "rdfs", "xsd", "void", "dcat", "vann", "sdg",
         "sdgo", "doc", "theme", "instrument", "actor", "congress")

__all__ = ["DCAT", "DCTERMS", "ELI", "OA", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDG", "SDGO", "SKOS", "VANN", "VOID",
           "XSD", "uncc", "bind_prefixes"]


def uncc(minter: Minter) -> Namespace:
    """The project's ontology namespace under the minter's base."""
    return Namespace(minter.term(""))


def bind_prefixes(graph, minter: Minter) -> None:
    """Bind the project's prefixes, so that a graph reads as the published files do (which take theirs from
    crimecongress.export.TURTLE_PREFIXES)."""
    for prefix, namespace in pick(BOUND, minter.base).items():
        graph.namespace_manager.bind(prefix, Namespace(namespace), override=True, replace=True)
