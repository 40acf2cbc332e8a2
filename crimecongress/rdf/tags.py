"""The tags as RDF: each tag twice, as a plain triple and as a Web Annotation that says why.

    ?unit uncc:theme ?concept .                         (uncc:instrument + eli:cites, uncc:actor)
    <unit/tag/theme/corruption> a uncc:Tag, oa:Annotation ;
        oa:motivatedBy oa:classifying ;                 (oa:identifying for instruments and actors)
        oa:hasBody ?concept ;
        uncc:taggedUnit ?unit ;
        oa:hasTarget <…/target> ;
        uncc:method "match" ; uncc:rule "theme.corruption.terms" ;   (or uncc:curation "curation.…")
        uncc:confidence 0.85 .
    <…/target> a oa:SpecificResource ; oa:hasSource ?unit-whose-words-triggered-it ;
        oa:hasSelector <…/selector> .
    <…/selector> a oa:TextQuoteSelector ; oa:exact "…" ; oa:prefix "…" ; oa:suffix "…" .

A derived tag points to the annotation of the tag it came from (prov:wasDerivedFrom): a top theme reached
through skos:broader to its narrower theme's, a paragraph's theme from its items to the item's, a theme of an
anaphor's instrument to that instrument's. Every node has an IRI (minted by ids.Minter.annotation); no blank
nodes. Pure: no I/O.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..ids import Minter
from ..tagging.model import Tag, TagKind, Tags
from .namespaces import ELI, OA, PROV, RDF, XSD, bind_prefixes, uncc

_PROPERTY = {TagKind.THEME: "theme", TagKind.INSTRUMENT: "instrument", TagKind.ACTOR: "actor"}
_MOTIVATION = {TagKind.THEME: OA.classifying, TagKind.INSTRUMENT: OA.identifying, TagKind.ACTOR: OA.identifying}


def annotation_iri(tag: Tag, minter: Minter) -> str:
    return minter.annotation(tag.unit, tag.kind.value, tag.slug)


def add_tag(graph: Graph, tag: Tag, minter: Minter) -> None:
    """The plain triple and the annotation of one tag."""
    graph.addN((s, p, o, graph) for s, p, o in tag_triples(tag, minter, uncc(minter)))


def tag_triples(tag: Tag, minter: Minter, term) -> list[tuple]:
    """The triples of one tag (see the module docstring)."""
    triples: list[tuple] = []
    graph = _Collector(triples)
    unit, value = URIRef(tag.unit), URIRef(tag.value)
    graph.add((unit, term[_PROPERTY[tag.kind]], value))
    if tag.kind is TagKind.INSTRUMENT:
        graph.add((unit, ELI.cites, value))
    note = URIRef(annotation_iri(tag, minter))
    graph.add((note, RDF.type, term.Tag))
    graph.add((note, RDF.type, OA.Annotation))
    graph.add((note, OA.motivatedBy, _MOTIVATION[tag.kind]))
    graph.add((note, OA.hasBody, value))
    graph.add((note, term.taggedUnit, unit))
    graph.add((note, term.method, Literal(tag.method.value)))
    if tag.curation:
        graph.add((note, term.curation, Literal(tag.curation)))
    elif tag.rule:
        graph.add((note, term.rule, Literal(tag.rule)))
    graph.add((note, term.confidence, Literal(tag.confidence, datatype=XSD.decimal)))
    if tag.derived_from:
        graph.add((note, PROV.wasDerivedFrom, URIRef(tag.derived_from)))
    if tag.evidence is None:
        return triples
    target = URIRef(f"{note}/target")
    selector = URIRef(f"{note}/selector")
    graph.add((note, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, URIRef(tag.evidence.source)))
    graph.add((target, OA.hasSelector, selector))
    graph.add((selector, RDF.type, OA.TextQuoteSelector))
    graph.add((selector, OA.exact, Literal(tag.evidence.exact)))
    if tag.evidence.prefix:
        graph.add((selector, OA.prefix, Literal(tag.evidence.prefix)))
    if tag.evidence.suffix:
        graph.add((selector, OA.suffix, Literal(tag.evidence.suffix)))
    return triples


class _Collector:
    def __init__(self, triples: list):
        self.add = triples.append


def tags_graph(tags: Tags, minter: Minter) -> Graph:
    """Every tag as RDF, in one graph (deterministic: the same tags give the same triples)."""
    graph = Graph()
    bind_prefixes(graph, minter)
    term = uncc(minter)
    graph.addN((s, p, o, graph) for tag in tags for s, p, o in tag_triples(tag, minter, term))
    return graph


def tags_by_document(tags: Tags, documents: dict[str, str]) -> dict[str, list[Tag]]:
    """The tags split by the document of the tagged unit: {document slug: tags}. `documents` maps each
    unit IRI to its document slug (so that a document's file carries its own tags)."""
    by_document: dict[str, list[Tag]] = {}
    for tag in tags:
        by_document.setdefault(documents[tag.unit], []).append(tag)
    return by_document
