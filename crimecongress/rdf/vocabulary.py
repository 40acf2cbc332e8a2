"""The vocabulary as RDF: the theme taxonomy (SKOS) and the authority lists (instruments, actors, Congresses,
meetings). Pure functions of (Vocabulary, Minter): no I/O, no clock, no blank nodes.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..ids import Minter, resolution_document
from ..vocab import Actor, CongressEvent, Instrument, Meeting, Theme, Vocabulary
from .namespaces import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD, bind_prefixes, uncc


def _graph(minter: Minter) -> Graph:
    graph = Graph()
    bind_prefixes(graph, minter)
    return graph


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _notes(graph: Graph, node: URIRef, note: str | None, source: str | None) -> None:
    if note:
        graph.add((node, SKOS.note, _en(note)))
    if source:
        graph.add((node, DCTERMS.source, _en(source)))


def _flat_scheme(graph: Graph, scheme: URIRef, node: URIRef) -> None:
    # authority lists are flat: every entry is a top concept of its scheme
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.topConceptOf, scheme))
    graph.add((scheme, SKOS.hasTopConcept, node))


# --- themes -----------------------------------------------------------------------------------------------

ICCS_DATATYPE = "ICCSCode"   # uncc:ICCSCode, declared in the ontology


def _theme(graph: Graph, minter: Minter, scheme: URIRef, theme: Theme, narrower: tuple[Theme, ...]) -> None:
    node = URIRef(minter.theme(theme.slug))
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.notation, Literal(theme.notation)))
    # ICCS publishes no IRIs for its sections and divisions: a crime-type theme names them as typed notations
    for code in theme.iccs:
        graph.add((node, SKOS.notation, Literal(code, datatype=URIRef(minter.term(ICCS_DATATYPE)))))
    for lang, label in theme.label.items():
        graph.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
    for alt in theme.alt_labels:
        graph.add((node, SKOS.altLabel, _en(alt)))
    graph.add((node, SKOS.definition, _en(theme.definition)))
    if theme.is_top:
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, node))
    for broader in theme.broader:
        graph.add((node, SKOS.broader, URIRef(minter.theme(broader))))
    for child in narrower:
        graph.add((node, SKOS.narrower, URIRef(minter.theme(child.slug))))
    _notes(graph, node, theme.note, None)


def taxonomy_graph(vocab: Vocabulary, minter: Minter) -> Graph:
    """The theme taxonomy as a SKOS concept scheme at minter.theme_scheme()."""
    graph = _graph(minter)
    scheme = URIRef(minter.theme_scheme())
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.isDefinedBy, URIRef(minter.ontology)))
    for lang, label in vocab.scheme.label.items():
        graph.add((scheme, SKOS.prefLabel, Literal(label, lang=lang)))
        graph.add((scheme, DCTERMS.title, Literal(label, lang=lang)))
    graph.add((scheme, SKOS.definition, _en(vocab.scheme.definition)))
    for theme in vocab.themes:
        _theme(graph, minter, scheme, theme, vocab.narrower(theme.slug))
    return graph


# --- authority lists --------------------------------------------------------------------------------------

def _instrument(graph: Graph, minter: Minter, scheme: URIRef, item: Instrument) -> None:
    term = uncc(minter)
    node = URIRef(minter.instrument(item.slug))
    graph.add((node, RDF.type, term[item.ontology_class]))
    _flat_scheme(graph, scheme, node)
    graph.add((node, SKOS.prefLabel, _en(item.title)))
    for name in item.short_names:
        graph.add((node, SKOS.altLabel, _en(name)))
        graph.add((node, term.shortName, Literal(name)))
    if item.year is not None:
        graph.add((node, term.year, Literal(f"{item.year:04d}", datatype=XSD.gYear)))
    if item.unts is not None:
        graph.add((node, term.treatySeriesVolume, Literal(item.unts.volume)))
        graph.add((node, term.treatySeriesNumber, Literal(item.unts.number)))
    for resolution in item.resolutions:
        graph.add((node, term.resolutionNumber, Literal(resolution.number)))
        if resolution.symbol:
            graph.add((node, term.resolutionSymbol, Literal(resolution.symbol)))
            if resolution.symbol.startswith("A/RES/"):
                graph.add((node, RDFS.seeAlso, URIRef(resolution_document(resolution.symbol))))
    if item.adopted_by:
        graph.add((node, term.adoptedBy, URIRef(minter.actor(item.adopted_by))))
    if item.adopted_at_congress is not None:
        graph.add((node, PROV.wasGeneratedBy, URIRef(minter.congress(item.adopted_at_congress))))
    if item.adopted_at_meeting:
        graph.add((node, PROV.wasGeneratedBy, URIRef(minter.meeting(item.adopted_at_meeting))))
    if item.supplements:
        graph.add((node, term.supplements, URIRef(minter.instrument(item.supplements))))
    for old in item.replaces:
        graph.add((node, term.replaces, URIRef(minter.instrument(old))))
    for new in item.replaced_by:
        graph.add((node, term.replacedBy, URIRef(minter.instrument(new))))
    for member in item.members:
        graph.add((node, term.member, URIRef(minter.instrument(member))))
    for other in item.related:
        # skos:related is symmetric: state it both ways so that either end finds the other
        graph.add((node, SKOS.related, URIRef(minter.instrument(other))))
        graph.add((URIRef(minter.instrument(other)), SKOS.related, node))
    if item.document:
        graph.add((node, term.corpusDocument, URIRef(minter.document(item.document))))
    _notes(graph, node, item.note, item.source)


def _actor(graph: Graph, minter: Minter, scheme: URIRef, actor: Actor) -> None:
    term = uncc(minter)
    node = URIRef(minter.actor(actor.slug))
    graph.add((node, RDF.type, term[actor.kind]))
    _flat_scheme(graph, scheme, node)
    graph.add((node, SKOS.prefLabel, _en(actor.name)))
    for name in actor.short_names:
        graph.add((node, SKOS.altLabel, _en(name)))
        graph.add((node, term.shortName, Literal(name)))
    for name in actor.former_names:
        graph.add((node, SKOS.hiddenLabel, _en(name)))
    if actor.parent:
        graph.add((node, ORG.subOrganizationOf, URIRef(minter.actor(actor.parent))))
    for group in actor.member_of:
        graph.add((node, ORG.memberOf, URIRef(minter.actor(group))))
    if actor.succeeded_by:
        graph.add((node, term.succeededBy, URIRef(minter.actor(actor.succeeded_by))))
    for predecessor in actor.predecessors:
        graph.add((node, term.predecessor, URIRef(minter.actor(predecessor))))
    _notes(graph, node, actor.note, actor.source)


def _event(graph: Graph, minter: Minter, node: URIRef, event: CongressEvent | Meeting) -> None:
    term = uncc(minter)
    graph.add((node, RDFS.label, _en(event.name)))
    graph.add((node, term.city, Literal(event.city)))
    graph.add((node, term.country, Literal(event.country)))
    graph.add((node, term.startDate, Literal(event.start_date.isoformat(), datatype=XSD.date)))
    if event.end_date is not None:
        graph.add((node, term.endDate, Literal(event.end_date.isoformat(), datatype=XSD.date)))
    _notes(graph, node, event.note, event.source)


def _scheme(graph: Graph, minter: Minter, iri: str, label: str) -> URIRef:
    scheme = URIRef(iri)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, _en(label)))
    graph.add((scheme, DCTERMS.title, _en(label)))
    graph.add((scheme, RDFS.isDefinedBy, URIRef(minter.ontology)))
    return scheme


def authorities_graph(vocab: Vocabulary, minter: Minter) -> Graph:
    """Instruments and actors (each also a skos:Concept of its scheme), the Congresses and the other meetings."""
    graph = _graph(minter)
    term = uncc(minter)
    instruments = _scheme(graph, minter, minter.instrument_scheme(),
                          "Instruments named in the texts of the United Nations Crime Congresses")
    for item in vocab.instruments:
        _instrument(graph, minter, instruments, item)
    actors = _scheme(graph, minter, minter.actor_scheme(),
                     "Actors named in the texts of the United Nations Crime Congresses")
    for actor in vocab.actors:
        _actor(graph, minter, actors, actor)
    for congress in vocab.congresses:
        node = URIRef(minter.congress(congress.number))
        graph.add((node, RDF.type, term.Congress))
        graph.add((node, term.congressNumber, Literal(congress.number, datatype=XSD.positiveInteger)))
        _event(graph, minter, node, congress)
    for meeting in vocab.meetings:
        node = URIRef(minter.meeting(meeting.slug))
        graph.add((node, RDF.type, term.Meeting))
        _event(graph, minter, node, meeting)
        if meeting.prepares is not None:
            graph.add((node, term.prepares, URIRef(minter.congress(meeting.prepares))))
    return graph
