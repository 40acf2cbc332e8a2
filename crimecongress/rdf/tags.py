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

from ..ids import Minter
from ..tagging.model import INFERRED, Evidence, Tag, TagKind, Tags
from .literals import decimal_lexical
from .namespaces import ELI, OA, PROV, RDF, XSD, uncc
from .triples import unique

_PROPERTY = {TagKind.THEME: "theme", TagKind.INSTRUMENT: "instrument", TagKind.ACTOR: "actor"}
INFERRED_THEME = "inferredTheme"
_MOTIVATION = {TagKind.THEME: OA.classifying, TagKind.INSTRUMENT: OA.identifying, TagKind.ACTOR: OA.identifying}


def annotation_iri(tag: Tag, minter: Minter) -> str:
    return minter.annotation(tag.unit, tag.kind.value, tag.slug)


class _Terms:
    """The terms a tag's statements use, looked up once for a minter's base."""

    def __init__(self, minter: Minter):
        term = uncc(minter)
        self.property = {kind: term[name] for kind, name in _PROPERTY.items()}
        self.inferred_theme = term[INFERRED_THEME]
        self.motivation = dict(_MOTIVATION)
        self.cites, self.type = ELI.cites, RDF.type
        self.tag, self.annotation = term.Tag, OA.Annotation
        self.motivated_by, self.has_body, self.tagged_unit = OA.motivatedBy, OA.hasBody, term.taggedUnit
        self.method, self.curation, self.rule = term.method, term.curation, term.rule
        self.confidence, self.derived_from = term.confidence, PROV.wasDerivedFrom
        self.decimal = XSD.decimal
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
    if tag.evidence is not None:
        out += evidence_statements(note, tag.evidence, minter)
    return out


def evidence_statements(note: ox.NamedNode, evidence: Evidence, minter: Minter) -> list[ox.Triple]:
    """Where the words that made an annotation stand (a tag's, or an SDG link's): its target, the source unit and
    a text-quote selector, each node with the IRI `Minter` gives it below the annotation."""
    target = ox.NamedNode(minter.annotation_target(note.value))
    selector = ox.NamedNode(minter.annotation_selector(note.value))
    out = [ox.Triple(note, OA.hasTarget, target),
           ox.Triple(target, RDF.type, OA.SpecificResource),
           ox.Triple(target, OA.hasSource, ox.NamedNode(evidence.source)),
           ox.Triple(target, OA.hasSelector, selector),
           ox.Triple(selector, RDF.type, OA.TextQuoteSelector),
           ox.Triple(selector, OA.exact, ox.Literal(evidence.exact))]
    if evidence.prefix:
        out.append(ox.Triple(selector, OA.prefix, ox.Literal(evidence.prefix)))
    if evidence.suffix:
        out.append(ox.Triple(selector, OA.suffix, ox.Literal(evidence.suffix)))
    return out


def tags_graph(tags: Tags, minter: Minter) -> list[ox.Triple]:
    """Every tag as RDF, each triple once (two tags may share their plain triple)."""
    return unique(*(tag_statements(tag, minter) for tag in tags))


def tags_by_document(tags: Tags, documents: dict[str, str]) -> dict[str, list[Tag]]:
    """The tags split by the document of the tagged unit: {document slug: tags}. `documents` maps each
    unit IRI to its document slug (so that a document's file carries its own tags)."""
    by_document: dict[str, list[Tag]] = {}
    for tag in tags:
        by_document.setdefault(documents[tag.unit], []).append(tag)
    return by_document
