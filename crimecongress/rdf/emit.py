"""The emit stage: the paragraph model to RDF, as pyoxigraph triples. Pure: no I/O, no clock.

One graph per document (its tags come from rdf.tags); the ontology, taxonomy and authority lists are built
elsewhere (rdf.vocabulary).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pyoxigraph as ox

from ..corpus.catalogue import Catalogue, DocumentFacts
from ..ids import Minter, resolution_document, unit_segments
from ..model import Corpus, Document, Manifestation, SourceSpan, Unit, UnitKind
from .literals import en, typed
from .namespaces import DCTERMS, ELI, PROV, RDF, RDFS, XSD, uncc
from .triples import Triples

DOCUMENT_CLASS = {
    "declaration": "Declaration",
    "plan-of-action": "PlanOfAction",
    "congress-report": "CongressReport",
    "compilation": "Compilation",
    "rpm-report": "RegionalPreparatoryMeetingReport",
    "resolution": "ResolutionDocument",
}

UNIT_CLASS = {
    UnitKind.PREAMBLE: "PreambleParagraph",
    UnitKind.PARAGRAPH: "Paragraph",
    UnitKind.SUBPARAGRAPH: "Subparagraph",
    UnitKind.ITEM: "Item",
    UnitKind.HEADING: "Heading",
    UnitKind.FOOTNOTE: "Footnote",
    UnitKind.FORMULA: "Formula",
    UnitKind.ENTRY: "MappingEntry",
}
FOLLOW_ON_CLASS = "FollowOnParagraph"   # a paragraph whose parent is a numbered paragraph, not its document


@dataclass(frozen=True)
class DocumentGraph:
    slug: str
    graph: list[ox.Triple]


_PATH_WORDS = {"para": "para.", "preamble": "preamble", "heading": "heading", "footnote": "footnote",
               "formula": "formula", "entry": "entry", "annex": "annex,"}


def citation_label(short_title: str, document_iri: str, unit: Unit) -> str:
    """How a person cites the unit, read off its IRI path: "Doha Declaration, para. 5 (d)",
    "Kyoto Declaration, preamble 3", "Vienna plans of action, para. 35 (d) (ii)"."""
    kind, first, *rest = unit_segments(document_iri, unit.iri)
    words = [_PATH_WORDS.get(kind, kind), first] + [f"({part})" for part in rest]
    if kind == "annex":          # annex/item/3 -> "annex, item 3"
        words = ["annex,", first] + rest
    if kind == "para" and unit.kind is UnitKind.PARAGRAPH and rest[:1] == ["p"]:   # para/3/p/2 (not 3 (p))
        words = ["para.", f"{first},", "paragraph", *rest[1:]]
    label = f"{short_title}, {' '.join(words)}"
    if unit.printed_code:
        label += f" {unit.printed_code}"
    return label


def _source_span(graph: Triples, minter: Minter, unit_iri: str, span: SourceSpan) -> None:
    term = uncc(minter)
    node = ox.NamedNode(minter.source_span(unit_iri, span.file))
    graph.add(ox.NamedNode(unit_iri), PROV.wasDerivedFrom, node)
    graph.add(node, RDF.type, term.SourceSpan)
    graph.add(node, term.sourceFile, ox.NamedNode(minter.source_file(span.file)))
    graph.add(node, term.firstLine, typed(span.first, XSD.positiveInteger))
    graph.add(node, term.lastLine, typed(span.last, XSD.positiveInteger))


def _manifestation(graph: Triples, minter: Minter, slug: str, manifestation: Manifestation) -> None:
    term = uncc(minter)
    node = ox.NamedNode(minter.manifestation(slug, manifestation.file.rsplit(".", 1)[0]))
    source = ox.NamedNode(minter.source_file(manifestation.file))
    graph.add(ox.NamedNode(minter.document(slug)), term.manifestation, node)
    graph.add(node, RDF.type, term.Manifestation)
    graph.add(node, RDFS.label, en(manifestation.label))
    graph.add(node, term.sourceFile, source)
    graph.add(node, term.firstLine, typed(manifestation.first, XSD.positiveInteger))
    graph.add(node, term.lastLine, typed(manifestation.last, XSD.positiveInteger))
    graph.add(source, RDF.type, term.SourceFile)
    graph.add(source, DCTERMS.identifier, ox.Literal(manifestation.file))
    graph.add(source, term.sha256, ox.Literal(manifestation.sha256))


def _document_facts(graph: Triples, minter: Minter, document: Document, facts: DocumentFacts) -> None:
    term = uncc(minter)
    doc = ox.NamedNode(document.iri)
    graph.add(doc, RDF.type, term[DOCUMENT_CLASS[facts.kind]])
    graph.add(doc, DCTERMS.title, en(facts.title))
    graph.add(doc, RDFS.label, en(facts.short_title))
    graph.add(doc, term.shortTitle, en(facts.short_title))
    if facts.year is not None:
        graph.add(doc, term.year, typed(facts.year, XSD.gYear))
    if facts.issued is not None:
        graph.add(doc, DCTERMS.issued, typed(facts.issued, XSD.date))
    if facts.congress is not None:
        graph.add(doc, term.adoptedAt, ox.NamedNode(minter.congress(facts.congress)))
    if facts.meeting is not None:
        graph.add(doc, term.adoptedAt, ox.NamedNode(minter.meeting(facts.meeting)))
    if facts.implements is not None:
        graph.add(doc, term.implements, ox.NamedNode(minter.document(facts.implements)))
    if document.adopted_by is not None:
        graph.add(doc, term.adoptedIn, ox.NamedNode(document.adopted_by))
    elif document.symbol is not None:
        # the resolution itself: how it is cited and when it was adopted
        graph.add(doc, term.resolutionSymbol, ox.Literal(document.symbol))
        if document.date is not None:
            graph.add(doc, DCTERMS.date, typed(document.date, XSD.date))
    if facts.endorsed_symbol is not None:
        resolution = ox.NamedNode(resolution_document(facts.endorsed_symbol))
        graph.add(doc, term.endorsedBy, resolution)
        graph.add(resolution, RDF.type, term.Resolution)
        graph.add(resolution, term.resolutionSymbol, ox.Literal(facts.endorsed_symbol))
        graph.add(resolution, RDFS.label, en(f"General Assembly resolution {facts.endorsed_number}"))
        graph.add(resolution, DCTERMS.date, typed(facts.endorsed_date, XSD.date))


def _unit(graph: Triples, minter: Minter, document: Document, unit: Unit, label: str, is_recommendation: bool) -> None:
    term = uncc(minter)
    node = ox.NamedNode(unit.iri)
    follow_on = unit.kind is UnitKind.PARAGRAPH and unit.parent != document.iri
    graph.add(node, RDF.type, term[FOLLOW_ON_CLASS if follow_on else UNIT_CLASS[unit.kind]])
    if is_recommendation:
        graph.add(node, RDF.type, term.Recommendation)
    graph.add(node, RDFS.label, en(label))
    graph.add(node, term.document, ox.NamedNode(document.iri))
    graph.add(node, ELI.is_part_of, ox.NamedNode(unit.parent))
    graph.add(node, term.position, typed(unit.position, XSD.positiveInteger))
    if unit.number is not None:
        graph.add(node, ELI.number, ox.Literal(unit.number))
    if unit.text:
        graph.add(node, term.text, en(unit.text))
    for footnote in unit.footnotes:
        graph.add(node, term.footnoteRef, ox.NamedNode(footnote))
    if unit.heading is not None:
        graph.add(node, term.underHeading, ox.NamedNode(unit.heading))
    if unit.level is not None:
        graph.add(node, term.headingLevel, typed(unit.level, XSD.positiveInteger))
    if unit.lists is not None:
        graph.add(node, term.lists, ox.NamedNode(unit.lists))
        graph.add(node, term.printedCode, ox.Literal(unit.printed_code))
    for span in (unit.source, *unit.also):
        _source_span(graph, minter, unit.iri, span)


def document_graph(document: Document, facts: DocumentFacts, minter: Minter,
                   footnote_instruments: Mapping[str, tuple[str, ...]] | None = None) -> list[ox.Triple]:
    """Every triple about one document: its facts, manifestations, units and their provenance."""
    graph = Triples()
    _document_facts(graph, minter, document, facts)
    for manifestation in document.manifestations:
        _manifestation(graph, minter, document.slug, manifestation)
    is_report = facts.kind == "rpm-report"
    for unit in document.units:
        label = citation_label(facts.short_title, document.iri, unit)
        _unit(graph, minter, document, unit, label, is_report and unit.kind is UnitKind.SUBPARAGRAPH)
    term = uncc(minter)
    identified = footnote_instruments or {}
    for unit in document.units:
        if unit.kind is not UnitKind.FOOTNOTE:
            continue
        # the "*" source note is marked on the document's title, which is not a unit
        if unit.number == "*":
            graph.add(ox.NamedNode(document.iri), term.footnoteRef, ox.NamedNode(unit.iri))
        for instrument in identified.get(unit.iri, ()):
            graph.add(ox.NamedNode(unit.iri), term.identifies, ox.NamedNode(instrument))
    return graph.list()


def corpus_graphs(corpus: Corpus, catalogue: Catalogue, minter: Minter,
                  footnote_instruments: Mapping[str, tuple[str, ...]] | None = None) -> tuple[DocumentGraph, ...]:
    """One graph per document, in catalogue order."""
    return tuple(DocumentGraph(d.slug, document_graph(d, catalogue.facts(d.slug), minter, footnote_instruments))
                 for d in corpus.documents)
