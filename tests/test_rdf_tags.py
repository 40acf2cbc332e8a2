"""The tags as RDF (crimecongress.rdf.tags): each tag as a plain triple and as a Web Annotation with its evidence."""
from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
import rdflib.namespace as ns

from crimecongress.ids import DEFAULT as MINTER
from crimecongress.rdf.literals import decimal
from crimecongress.rdf.namespaces import ELI, OA, PROV, uncc
from crimecongress.tagging.model import INFERRED

TERM = uncc(MINTER)


@pytest.fixture(scope="module")
def tags(corpus):
    from crimecongress.tagging import tag_corpus
    from crimecongress.vocab import load_vocabulary
    return tag_corpus(corpus, load_vocabulary(), MINTER)


@pytest.fixture(scope="module")
def graph(tags):
    from crimecongress.rdf.tags import tags_graph
    return tags_graph(tags, MINTER)


@pytest.fixture(scope="module")
def texts(corpus):
    return {u.iri: u.text for d in corpus.documents for u in d.units}


def test_no_blank_nodes(graph):
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_each_tag_is_a_plain_triple_and_an_annotation(graph, tags):
    prop = {"theme": TERM.theme, "instrument": TERM.instrument, "actor": TERM.actor}
    motivation = {"theme": OA.classifying, "instrument": OA.identifying, "actor": OA.identifying}
    for tag in tags:
        unit, value = URIRef(tag.unit), URIRef(tag.value)
        inferred = tag.kind.value == "theme" and tag.method in INFERRED
        assert (unit, TERM.inferredTheme if inferred else prop[tag.kind.value], value) in graph
        assert (unit, prop[tag.kind.value] if inferred else TERM.inferredTheme, value) not in graph
        if tag.kind.value == "instrument":
            assert (unit, ELI.cites, value) in graph
        note = URIRef(MINTER.annotation(tag.unit, tag.kind.value, tag.slug))
        assert (note, ns.RDF.type, TERM.Tag) in graph and (note, ns.RDF.type, OA.Annotation) in graph
        assert (note, OA.motivatedBy, motivation[tag.kind.value]) in graph
        assert (note, OA.hasBody, value) in graph
        assert (note, TERM.taggedUnit, unit) in graph
        assert (note, TERM.method, Literal(tag.method.value)) in graph
        assert (note, TERM.confidence, decimal(tag.confidence)) in graph
        if tag.curation:
            assert (note, TERM.curation, Literal(tag.curation)) in graph
        else:
            assert (note, TERM.rule, Literal(tag.rule)) in graph


def test_the_selector_quotes_words_of_the_source(graph, texts):
    for note in graph.subjects(ns.RDF.type, TERM.Tag):
        target = graph.value(note, OA.hasTarget)
        assert graph.value(target, ns.RDF.type) == OA.SpecificResource
        source = str(graph.value(target, OA.hasSource))
        selector = graph.value(target, OA.hasSelector)
        assert graph.value(selector, ns.RDF.type) == OA.TextQuoteSelector
        exact = str(graph.value(selector, OA.exact))
        prefix = str(graph.value(selector, OA.prefix) or "")
        suffix = str(graph.value(selector, OA.suffix) or "")
        assert prefix + exact + suffix in texts[source], note
        assert len(prefix) <= 32 and len(suffix) <= 32


def test_derived_tags_point_to_the_annotation_they_come_from(graph):
    notes = set(graph.subjects(ns.RDF.type, TERM.Tag))
    derived = list(graph.subject_objects(PROV.wasDerivedFrom))
    assert derived
    for note, source in derived:
        assert source in notes, (note, source)


def test_the_graph_is_deterministic(tags, graph):
    from crimecongress.export import ntriples
    from crimecongress.rdf.tags import tags_graph
    assert ntriples(tags_graph(tags, MINTER)) == ntriples(graph)


def test_another_base_mints_every_iri_under_it(corpus):
    from crimecongress.corpus import load_corpus
    from crimecongress.ids import Minter
    from crimecongress.rdf.tags import tags_graph
    from crimecongress.tagging import tag_corpus
    from crimecongress.vocab import load_vocabulary
    minter = Minter("https://example.org/cc/")
    other = load_corpus(minter=minter)
    graph = tags_graph(tag_corpus(other, load_vocabulary(), minter), minter)
    for s, _, o in graph:
        assert str(s).startswith("https://example.org/cc/")
        assert not (isinstance(o, URIRef) and str(o).startswith("https://w3id.org/crime-congress/"))


@pytest.mark.parametrize("written, canonical", [("0.90", "0.9"), ("1.00", "1"), ("0.060", "0.06"), ("0.3", "0.3"),
                                                ("100.0", "100")])
def test_decimals_are_written_in_canonical_form(written, canonical):
    """Stores give decimals back canonical ("0.90" as "0.9"): the dumps say the same, so a check after
    publishing compares like with like."""
    from crimecongress.rdf.literals import decimal_lexical
    assert decimal_lexical(written) == canonical


def test_themes_read_in_the_words_and_inferred_themes_are_apart(graph, tags):
    # a heading, a broader concept, a paragraph's items and a document's field infer a theme; words read one
    methods = {tag.method for tag in tags if tag.kind.value == "theme"}
    assert INFERRED <= methods and methods - INFERRED
    read = {(URIRef(t.unit), URIRef(t.value)) for t in tags if t.kind.value == "theme" and t.method not in INFERRED}
    inferred = {(URIRef(t.unit), URIRef(t.value)) for t in tags if t.kind.value == "theme" and t.method in INFERRED}
    assert set(graph.subject_objects(TERM.theme)) == read
    assert set(graph.subject_objects(TERM.inferredTheme)) == inferred
