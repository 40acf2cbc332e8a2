"""The vocabulary as RDF: the theme taxonomy (SKOS) and the authority lists (instruments, actors, Congresses,
meetings). Pure functions of (Vocabulary, Minter): no I/O, no clock, no blank nodes.
"""
from __future__ import annotations

import pyoxigraph as ox

from ..ids import Minter, resolution_document
from ..vocab import Actor, Instrument, Meeting, Theme, Vocabulary
from .literals import en, typed
from .namespaces import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD, uncc
from .triples import Triples


def _notes(graph: Triples, node: ox.NamedNode, note: str | None, source: str | None) -> None:
    if note:
        graph.add(node, SKOS.note, en(note))
    if source:
        graph.add(node, DCTERMS.source, en(source))


def _flat_scheme(graph: Triples, scheme: ox.NamedNode, node: ox.NamedNode) -> None:
    # authority lists are flat: every entry is a top concept of its scheme
    graph.add(node, RDF.type, SKOS.Concept)
    graph.add(node, SKOS.inScheme, scheme)
    graph.add(node, SKOS.topConceptOf, scheme)
    graph.add(scheme, SKOS.hasTopConcept, node)


# --- themes -----------------------------------------------------------------------------------------------

ICCS_DATATYPE = "ICCSCode"   # uncc:ICCSCode, declared in the ontology


def _theme(graph: Triples, minter: Minter, scheme: ox.NamedNode, theme: Theme, narrower: tuple[Theme, ...]) -> None:
    node = ox.NamedNode(minter.theme(theme.slug))
    graph.add(node, RDF.type, SKOS.Concept)
    graph.add(node, SKOS.inScheme, scheme)
    graph.add(node, SKOS.notation, ox.Literal(theme.notation))
    # ICCS publishes no IRIs for its sections and divisions: a crime-type theme names them as typed notations
    for code in theme.iccs:
        graph.add(node, SKOS.notation, ox.Literal(code, datatype=ox.NamedNode(minter.term(ICCS_DATATYPE))))
    for lang, label in theme.label.items():
        graph.add(node, SKOS.prefLabel, ox.Literal(label, language=lang))
    for alt in theme.alt_labels:
        graph.add(node, SKOS.altLabel, en(alt))
    graph.add(node, SKOS.definition, en(theme.definition))
    if theme.is_top:
        graph.add(node, SKOS.topConceptOf, scheme)
        graph.add(scheme, SKOS.hasTopConcept, node)
    for broader in theme.broader:
        graph.add(node, SKOS.broader, ox.NamedNode(minter.theme(broader)))
    for child in narrower:
        graph.add(node, SKOS.narrower, ox.NamedNode(minter.theme(child.slug)))
    _notes(graph, node, theme.note, None)


def taxonomy_graph(vocab: Vocabulary, minter: Minter) -> list[ox.Triple]:
    """The theme taxonomy as a SKOS concept scheme at minter.theme_scheme()."""
    graph = Triples()
    scheme = ox.NamedNode(minter.theme_scheme())
    graph.add(scheme, RDF.type, SKOS.ConceptScheme)
    graph.add(scheme, RDFS.isDefinedBy, ox.NamedNode(minter.ontology))
    for lang, label in vocab.scheme.label.items():
        graph.add(scheme, SKOS.prefLabel, ox.Literal(label, language=lang))
        graph.add(scheme, DCTERMS.title, ox.Literal(label, language=lang))
    graph.add(scheme, SKOS.definition, en(vocab.scheme.definition))
    for theme in vocab.themes:
        _theme(graph, minter, scheme, theme, vocab.narrower(theme.slug))
    return graph.list()


# --- authority lists --------------------------------------------------------------------------------------

def _instrument(graph: Triples, minter: Minter, scheme: ox.NamedNode, item: Instrument) -> None:
    term = uncc(minter)
    node = ox.NamedNode(minter.instrument(item.slug))
    graph.add(node, RDF.type, term[item.ontology_class])
    _flat_scheme(graph, scheme, node)
    graph.add(node, SKOS.prefLabel, en(item.title))
    for name in item.short_names:
        graph.add(node, SKOS.altLabel, en(name))
        graph.add(node, term.shortName, ox.Literal(name))
    if item.year is not None:
        graph.add(node, term.year, typed(f"{item.year:04d}", XSD.gYear))
    if item.unts is not None:
        graph.add(node, term.treatySeriesVolume, ox.Literal(item.unts.volume))
        graph.add(node, term.treatySeriesNumber, ox.Literal(item.unts.number))
    for resolution in item.resolutions:
        graph.add(node, term.resolutionNumber, ox.Literal(resolution.number))
        if resolution.symbol:
            graph.add(node, term.resolutionSymbol, ox.Literal(resolution.symbol))
            if resolution.symbol.startswith("A/RES/"):
                graph.add(node, RDFS.seeAlso, ox.NamedNode(resolution_document(resolution.symbol)))
    if item.adopted_by:
        graph.add(node, term.adoptedBy, ox.NamedNode(minter.actor(item.adopted_by)))
    if item.adopted_at_congress is not None:
        graph.add(node, PROV.wasGeneratedBy, ox.NamedNode(minter.congress(item.adopted_at_congress)))
    if item.adopted_at_meeting:
        graph.add(node, PROV.wasGeneratedBy, ox.NamedNode(minter.meeting(item.adopted_at_meeting)))
    if item.supplements:
        graph.add(node, term.supplements, ox.NamedNode(minter.instrument(item.supplements)))
    for old in item.replaces:
        graph.add(node, term.replaces, ox.NamedNode(minter.instrument(old)))
    for new in item.replaced_by:
        graph.add(node, term.replacedBy, ox.NamedNode(minter.instrument(new)))
    for member in item.members:
        graph.add(node, term.member, ox.NamedNode(minter.instrument(member)))
    for other in item.related:
        # skos:related is symmetric: state it both ways so that either end finds the other
        graph.add(node, SKOS.related, ox.NamedNode(minter.instrument(other)))
        graph.add(ox.NamedNode(minter.instrument(other)), SKOS.related, node)
    if item.document:
        graph.add(node, term.corpusDocument, ox.NamedNode(minter.document(item.document)))
    _notes(graph, node, item.note, item.source)


def _actor(graph: Triples, minter: Minter, scheme: ox.NamedNode, actor: Actor) -> None:
    term = uncc(minter)
    node = ox.NamedNode(minter.actor(actor.slug))
    graph.add(node, RDF.type, term[actor.kind])
    _flat_scheme(graph, scheme, node)
    graph.add(node, SKOS.prefLabel, en(actor.name))
    for name in actor.short_names:
        graph.add(node, SKOS.altLabel, en(name))
        graph.add(node, term.shortName, ox.Literal(name))
    for name in actor.former_names:
        graph.add(node, SKOS.hiddenLabel, en(name))
    if actor.parent:
        graph.add(node, ORG.subOrganizationOf, ox.NamedNode(minter.actor(actor.parent)))
    for group in actor.member_of:
        graph.add(node, ORG.memberOf, ox.NamedNode(minter.actor(group)))
    if actor.succeeded_by:
        graph.add(node, term.succeededBy, ox.NamedNode(minter.actor(actor.succeeded_by)))
    for predecessor in actor.predecessors:
        graph.add(node, term.predecessor, ox.NamedNode(minter.actor(predecessor)))
    _notes(graph, node, actor.note, actor.source)


def _meeting(graph: Triples, minter: Minter, meeting: Meeting) -> None:
    """A Congress (uncc:Congress at congress/{n}, with its number) or another meeting (uncc:Meeting at
    meeting/{slug}, with the Congress it prepared for)."""
    term = uncc(minter)
    if meeting.congress is not None:
        node = ox.NamedNode(minter.congress(meeting.congress))
        graph.add(node, RDF.type, term.Congress)
        graph.add(node, term.congressNumber, typed(meeting.congress, XSD.positiveInteger))
    else:
        node = ox.NamedNode(minter.meeting(meeting.slug))
        graph.add(node, RDF.type, term.Meeting)
    graph.add(node, RDFS.label, en(meeting.name))
    graph.add(node, term.city, ox.Literal(meeting.city))
    graph.add(node, term.country, ox.Literal(meeting.country))
    graph.add(node, term.startDate, typed(meeting.start_date, XSD.date))
    if meeting.end_date is not None:
        graph.add(node, term.endDate, typed(meeting.end_date, XSD.date))
    if meeting.prepares is not None:
        graph.add(node, term.prepares, ox.NamedNode(minter.congress(meeting.prepares)))
    _notes(graph, node, meeting.note, meeting.source)


def _scheme(graph: Triples, minter: Minter, iri: str, label: str) -> ox.NamedNode:
    scheme = ox.NamedNode(iri)
    graph.add(scheme, RDF.type, SKOS.ConceptScheme)
    graph.add(scheme, SKOS.prefLabel, en(label))
    graph.add(scheme, DCTERMS.title, en(label))
    graph.add(scheme, RDFS.isDefinedBy, ox.NamedNode(minter.ontology))
    return scheme


def authorities_graph(vocab: Vocabulary, minter: Minter) -> list[ox.Triple]:
    """Instruments and actors (each also a skos:Concept of its scheme), the Congresses and the other meetings."""
    graph = Triples()
    instruments = _scheme(graph, minter, minter.instrument_scheme(),
                          "Instruments named in the texts of the United Nations Crime Congresses")
    for item in vocab.instruments:
        _instrument(graph, minter, instruments, item)
    actors = _scheme(graph, minter, minter.actor_scheme(),
                     "Actors named in the texts of the United Nations Crime Congresses")
    for actor in vocab.actors:
        _actor(graph, minter, actors, actor)
    for meeting in vocab.meetings:
        _meeting(graph, minter, meeting)
    return graph.list()
