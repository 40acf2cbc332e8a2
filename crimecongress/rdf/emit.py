"""The emit stage: the paragraph model (plus tags) to RDF graphs. Pure: no I/O, no clock.

One graph per document; the ontology, taxonomy and authority lists are built elsewhere (rdf.vocabulary).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from rdflib import Graph, Literal, URIRef

from ..corpus.catalogue import Catalogue, DocumentFacts
from ..ids import Minter, resolution_document
from ..model import Corpus, Document, Manifestation, SourceSpan, Unit, UnitKind
from .namespaces import DCTERMS, ELI, PROV, RDF, RDFS, XSD, bind_prefixes, uncc

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
    graph: Graph


def new_graph(minter: Minter) -> Graph:
    graph = Graph()
    bind_prefixes(graph, minter)
    return graph


_PATH_WORDS = {"para": "para.", "preamble": "preamble", "heading": "heading", "footnote": "footnote",
               "formula": "formula", "entry": "entry", "annex": "annex,"}


def citation_label(short_title: str, document_iri: str, unit: Unit) -> str:
    """How a person cites the unit, read off its IRI path: "Doha Declaration, para. 5 (d)",
    "Kyoto Declaration, preamble 3", "Vienna plans of action, para. 35 (d) (ii)"."""
    kind, first, *rest = unit.iri[len(document_iri) + 1:].split("/")
    words = [_PATH_WORDS.get(kind, kind), first] + [f"({part})" for part in rest]
    if kind == "annex":          # annex/item/3 -> "annex, item 3"
        words = ["annex,", first] + rest
    if kind == "para" and unit.kind is UnitKind.PARAGRAPH and rest[:1] == ["p"]:   # para/3/p/2 (not 3 (p))
        words = ["para.", f"{first},", "paragraph", *rest[1:]]
    label = f"{short_title}, {' '.join(words)}"
    if unit.printed_code:
        label += f" {unit.printed_code}"
    return label


def _source_span(graph: Graph, minter: Minter, unit_iri: str, span: SourceSpan) -> None:
    term = uncc(minter)
    node = URIRef(minter.source_span(unit_iri, span.file))
    graph.add((URIRef(unit_iri), PROV.wasDerivedFrom, node))
    graph.add((node, RDF.type, term.SourceSpan))
    graph.add((node, term.sourceFile, URIRef(minter.source_file(span.file))))
    graph.add((node, term.firstLine, Literal(span.first, datatype=XSD.positiveInteger)))
    graph.add((node, term.lastLine, Literal(span.last, datatype=XSD.positiveInteger)))


def _manifestation(graph: Graph, minter: Minter, slug: str, manifestation: Manifestation) -> None:
    term = uncc(minter)
    node = URIRef(minter.manifestation(slug, manifestation.file.rsplit(".", 1)[0]))
    source = URIRef(minter.source_file(manifestation.file))
    graph.add((URIRef(minter.document(slug)), term.manifestation, node))
    graph.add((node, RDF.type, term.Manifestation))
    graph.add((node, RDFS.label, Literal(manifestation.label, lang="en")))
    graph.add((node, term.sourceFile, source))
    graph.add((node, term.firstLine, Literal(manifestation.first, datatype=XSD.positiveInteger)))
    graph.add((node, term.lastLine, Literal(manifestation.last, datatype=XSD.positiveInteger)))
    graph.add((source, RDF.type, term.SourceFile))
    graph.add((source, DCTERMS.identifier, Literal(manifestation.file)))
    graph.add((source, term.sha256, Literal(manifestation.sha256)))


def _document_facts(graph: Graph, minter: Minter, document: Document, facts: DocumentFacts) -> None:
    term = uncc(minter)
    doc = URIRef(document.iri)
    graph.add((doc, RDF.type, term[DOCUMENT_CLASS[facts.kind]]))
    graph.add((doc, DCTERMS.title, Literal(facts.title, lang="en")))
    graph.add((doc, RDFS.label, Literal(facts.short_title, lang="en")))
    graph.add((doc, term.shortTitle, Literal(facts.short_title, lang="en")))
    if facts.year is not None:
        graph.add((doc, term.year, Literal(str(facts.year), datatype=XSD.gYear)))
    if facts.issued is not None:
        graph.add((doc, DCTERMS.issued, Literal(facts.issued, datatype=XSD.date)))
    if facts.congress is not None:
        graph.add((doc, term.adoptedAt, URIRef(minter.congress(facts.congress))))
    if facts.meeting is not None:
        graph.add((doc, term.adoptedAt, URIRef(minter.meeting(facts.meeting))))
    if facts.implements is not None:
        graph.add((doc, term.implements, URIRef(minter.document(facts.implements))))
    if document.adopted_by is not None:
        graph.add((doc, term.adoptedIn, URIRef(document.adopted_by)))
    elif document.symbol is not None:
        # the resolution itself: how it is cited and when it was adopted
        graph.add((doc, term.resolutionSymbol, Literal(document.symbol)))
        if document.date is not None:
            graph.add((doc, DCTERMS.date, Literal(document.date, datatype=XSD.date)))
    if facts.endorsed_symbol is not None:
        resolution = URIRef(resolution_document(facts.endorsed_symbol))
        graph.add((doc, term.endorsedBy, resolution))
        graph.add((resolution, RDF.type, term.Resolution))
        graph.add((resolution, term.resolutionSymbol, Literal(facts.endorsed_symbol)))
        graph.add((resolution, RDFS.label, Literal(f"General Assembly resolution {facts.endorsed_number}", lang="en")))
        graph.add((resolution, DCTERMS.date, Literal(facts.endorsed_date, datatype=XSD.date)))


def _unit(graph: Graph, minter: Minter, document: Document, unit: Unit, label: str, is_recommendation: bool) -> None:
    term = uncc(minter)
    node = URIRef(unit.iri)
    follow_on = unit.kind is UnitKind.PARAGRAPH and unit.parent != document.iri
    graph.add((node, RDF.type, term[FOLLOW_ON_CLASS if follow_on else UNIT_CLASS[unit.kind]]))
    if is_recommendation:
        graph.add((node, RDF.type, term.Recommendation))
    graph.add((node, RDFS.label, Literal(label, lang="en")))
    graph.add((node, term.document, URIRef(document.iri)))
    graph.add((node, ELI.is_part_of, URIRef(unit.parent)))
    graph.add((node, term.position, Literal(unit.position, datatype=XSD.positiveInteger)))
    if unit.number is not None:
        graph.add((node, ELI.number, Literal(unit.number)))
    if unit.text:
        graph.add((node, term.text, Literal(unit.text, lang="en")))
    for footnote in unit.footnotes:
        graph.add((node, term.footnoteRef, URIRef(footnote)))
    if unit.heading is not None:
        graph.add((node, term.underHeading, URIRef(unit.heading)))
    if unit.level is not None:
        graph.add((node, term.headingLevel, Literal(unit.level, datatype=XSD.positiveInteger)))
    if unit.lists is not None:
        graph.add((node, term.lists, URIRef(unit.lists)))
        graph.add((node, term.printedCode, Literal(unit.printed_code)))
    for span in (unit.source, *unit.also):
        _source_span(graph, minter, unit.iri, span)


def document_graph(document: Document, facts: DocumentFacts, minter: Minter,
                   footnote_instruments: Mapping[str, tuple[str, ...]] | None = None) -> Graph:
    """Every triple about one document: its facts, manifestations, units and their provenance."""
    graph = new_graph(minter)
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
            graph.add((URIRef(document.iri), term.footnoteRef, URIRef(unit.iri)))
        for instrument in identified.get(unit.iri, ()):
            graph.add((URIRef(unit.iri), term.identifies, URIRef(instrument)))
    return graph


def corpus_graphs(corpus: Corpus, catalogue: Catalogue, minter: Minter,
                  footnote_instruments: Mapping[str, tuple[str, ...]] | None = None) -> tuple[DocumentGraph, ...]:
    """One graph per document, in catalogue order."""
    return tuple(DocumentGraph(d.slug, document_graph(d, catalogue.facts(d.slug), minter, footnote_instruments))
                 for d in corpus.documents)
