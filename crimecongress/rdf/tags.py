"""The tags as RDF: each tag twice, as a plain triple and as a Web Annotation that says why.

    ?unit uncc:theme ?concept .                         (uncc:inferredTheme, uncc:instrument + eli:cites, uncc:actor)
    <unit/tag/theme/corruption> a uncc:Tag, oa:Annotation ;
        oa:motivatedBy oa:classifying ;                 (oa:identifying for instruments and actors)
        oa:hasBody ?concept ;
        uncc:taggedUnit ?unit ;
        oa:hasTarget <…/target> ;
        uncc:method "match" ; uncc:rule "theme.corruption.terms" ;   (or uncc:curation "curation.…")
        uncc:confidence 0.85 .                          (xsd:decimal, canonical: "0.9", "1")
    <…/target> a oa:SpecificResource ; oa:hasSource ?unit-whose-words-triggered-it ;
        oa:hasSelector <…/selector> .
    <…/selector> a oa:TextQuoteSelector ; oa:exact "…" ; oa:prefix "…" ; oa:suffix "…" .

A theme read in the unit's own words (methods match, anaphora, chapeau, curation) is stated with uncc:theme; a theme
inferred for it (broader, heading, subparagraphs, document) with uncc:inferredTheme, so that a count of uncc:theme
counts what the texts say.

A derived tag points to the annotation of the tag it came from (prov:wasDerivedFrom): a top theme reached
through skos:broader to its narrower theme's, a paragraph's theme from its items to the item's, a theme of an
anaphor's instrument to that instrument's. Every node has an IRI (minted by ids.Minter.annotation); no blank
nodes. Pure: no I/O.
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from ..ids import Minter
from ..tagging.model import INFERRED, Tag, TagKind, Tags
from .literals import decimal_lexical
from .namespaces import ELI, OA, PROV, RDF, XSD, bind_prefixes, uncc

_PROPERTY = {TagKind.THEME: "theme", TagKind.INSTRUMENT: "instrument", TagKind.ACTOR: "actor"}
INFERRED_THEME = "inferredTheme"
_MOTIVATION = {TagKind.THEME: OA.classifying, TagKind.INSTRUMENT: OA.identifying, TagKind.ACTOR: OA.identifying}


def annotation_iri(tag: Tag, minter: Minter) -> str:
    return minter.annotation(tag.unit, tag.kind.value, tag.slug)


class _Terms:
    """The IRIs a tag's statements use, made once (pyoxigraph terms) for a minter's base."""

    def __init__(self, minter: Minter):
        term = uncc(minter)
        node = lambda iri: ox.NamedNode(str(iri))  # noqa: E731
        self.property = {kind: node(term[name]) for kind, name in _PROPERTY.items()}
        self.inferred_theme = node(term[INFERRED_THEME])
        self.motivation = {kind: node(iri) for kind, iri in _MOTIVATION.items()}
        self.cites, self.type = node(ELI.cites), node(RDF.type)
        self.tag, self.annotation = node(term.Tag), node(OA.Annotation)
        self.motivated_by, self.has_body, self.tagged_unit = node(OA.motivatedBy), node(OA.hasBody), node(term.taggedUnit)
        self.method, self.curation, self.rule = node(term.method), node(term.curation), node(term.rule)
        self.confidence, self.derived_from = node(term.confidence), node(PROV.wasDerivedFrom)
        self.has_target, self.specific_resource = node(OA.hasTarget), node(OA.SpecificResource)
        self.has_source, self.has_selector = node(OA.hasSource), node(OA.hasSelector)
        self.quote_selector, self.exact = node(OA.TextQuoteSelector), node(OA.exact)
        self.prefix, self.suffix = node(OA.prefix), node(OA.suffix)
        self.decimal = node(XSD.decimal)
        self._confidences: dict = {}

    def confidence_literal(self, value) -> ox.Literal:
        """The confidence as an xsd:decimal in its canonical form."""
        known = self._confidences.get(value)
        if known is None:
            known = self._confidences[value] = ox.Literal(decimal_lexical(value), datatype=self.decimal)
        return known


_TERMS: dict[str, _Terms] = {}


def tag_statements(tag: Tag, minter: Minter) -> list[ox.Triple]:
    """The statements of one tag (see the module docstring), as pyoxigraph triples."""
    terms = _TERMS.get(minter.base)
    if terms is None:
        terms = _TERMS[minter.base] = _Terms(minter)
    out: list[ox.Triple] = []
    add = out.append
    unit, value = ox.NamedNode(tag.unit), ox.NamedNode(tag.value)
    inferred = tag.kind is TagKind.THEME and tag.method in INFERRED
    add(ox.Triple(unit, terms.inferred_theme if inferred else terms.property[tag.kind], value))
    if tag.kind is TagKind.INSTRUMENT:
        add(ox.Triple(unit, terms.cites, value))
    note = ox.NamedNode(annotation_iri(tag, minter))
    add(ox.Triple(note, terms.type, terms.tag))
    add(ox.Triple(note, terms.type, terms.annotation))
    add(ox.Triple(note, terms.motivated_by, terms.motivation[tag.kind]))
    add(ox.Triple(note, terms.has_body, value))
    add(ox.Triple(note, terms.tagged_unit, unit))
    add(ox.Triple(note, terms.method, ox.Literal(tag.method.value)))
    if tag.curation:
        add(ox.Triple(note, terms.curation, ox.Literal(tag.curation)))
    elif tag.rule:
        add(ox.Triple(note, terms.rule, ox.Literal(tag.rule)))
    add(ox.Triple(note, terms.confidence, terms.confidence_literal(tag.confidence)))
    if tag.derived_from:
        add(ox.Triple(note, terms.derived_from, ox.NamedNode(tag.derived_from)))
    if tag.evidence is None:
        return out
    target = ox.NamedNode(minter.annotation_target(note.value))
    selector = ox.NamedNode(minter.annotation_selector(note.value))
    add(ox.Triple(note, terms.has_target, target))
    add(ox.Triple(target, terms.type, terms.specific_resource))
    add(ox.Triple(target, terms.has_source, ox.NamedNode(tag.evidence.source)))
    add(ox.Triple(target, terms.has_selector, selector))
    add(ox.Triple(selector, terms.type, terms.quote_selector))
    add(ox.Triple(selector, terms.exact, ox.Literal(tag.evidence.exact)))
    if tag.evidence.prefix:
        add(ox.Triple(selector, terms.prefix, ox.Literal(tag.evidence.prefix)))
    if tag.evidence.suffix:
        add(ox.Triple(selector, terms.suffix, ox.Literal(tag.evidence.suffix)))
    return out


def tags_graph(tags: Tags, minter: Minter) -> Graph:
    """Every tag as RDF, in one rdflib graph (for reading and tests; the build writes `tag_statements`)."""
    graph = Graph()
    bind_prefixes(graph, minter)
    statements = [triple for tag in tags for triple in tag_statements(tag, minter)]
    graph.parse(data=ox.serialize(statements, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def tags_by_document(tags: Tags, documents: dict[str, str]) -> dict[str, list[Tag]]:
    """The tags split by the document of the tagged unit: {document slug: tags}. `documents` maps each
    unit IRI to its document slug (so that a document's file carries its own tags)."""
    by_document: dict[str, list[Tag]] = {}
    for tag in tags:
        by_document.setdefault(documents[tag.unit], []).append(tag)
    return by_document
