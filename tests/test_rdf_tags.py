"""The tags as RDF (crimecongress.rdf.tags): each tag as a plain triple and as a Web Annotation with its evidence."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from crimecongress.ids import DEFAULT as MINTER
from crimecongress.rdf.literals import decimal
from crimecongress.rdf.namespaces import ELI, OA, PROV, RDF, uncc
from crimecongress.tagging.model import INFERRED
from triple_lookup import Lookup

TERM = uncc(MINTER)


@pytest.fixture(scope="module")
def tags(corpus):
    from crimecongress.tagging import tag_corpus
    from crimecongress.vocab import load_vocabulary
    return tag_corpus(corpus, load_vocabulary(), MINTER)


@pytest.fixture(scope="module")
def graph(tags):
    from crimecongress.rdf.tags import tags_graph
    return Lookup(tags_graph(tags, MINTER))


@pytest.fixture(scope="module")
def texts(corpus):
    return {u.iri: u.text for d in corpus.documents for u in d.units}


def test_no_blank_nodes(graph):
    assert not any(isinstance(term, ox.BlankNode) for triple in graph for term in triple)


def test_each_tag_is_a_plain_triple_and_an_annotation(graph, tags):
    prop = {"theme": TERM.theme, "instrument": TERM.instrument, "actor": TERM.actor}
    motivation = {"theme": OA.classifying, "instrument": OA.identifying, "actor": OA.identifying}
    for tag in tags:
        unit, value = ox.NamedNode(tag.unit), ox.NamedNode(tag.value)
        inferred = tag.kind.value == "theme" and tag.method in INFERRED
        assert (unit, TERM.inferredTheme if inferred else prop[tag.kind.value], value) in graph
        assert (unit, prop[tag.kind.value] if inferred else TERM.inferredTheme, value) not in graph
        if tag.kind.value == "instrument":
            assert (unit, ELI.cites, value) in graph
        note = ox.NamedNode(MINTER.annotation(tag.unit, tag.kind.value, tag.slug))
        assert (note, RDF.type, TERM.Tag) in graph and (note, RDF.type, OA.Annotation) in graph
        assert (note, OA.motivatedBy, motivation[tag.kind.value]) in graph
        assert (note, OA.hasBody, value) in graph
        assert (note, TERM.taggedUnit, unit) in graph
        assert (note, TERM.method, ox.Literal(tag.method.value)) in graph
        assert (note, TERM.confidence, decimal(tag.confidence)) in graph
        if tag.curation:
            assert (note, TERM.curation, ox.Literal(tag.curation)) in graph
        else:
            assert (note, TERM.rule, ox.Literal(tag.rule)) in graph


def test_the_selector_quotes_words_of_the_source(graph, texts):
    for note in graph.subjects(RDF.type, TERM.Tag):
        target = graph.value(note, OA.hasTarget)
        assert graph.value(target, RDF.type) == OA.SpecificResource
        source = graph.value(target, OA.hasSource).value
        selector = graph.value(target, OA.hasSelector)
        assert graph.value(selector, RDF.type) == OA.TextQuoteSelector
        exact = graph.value(selector, OA.exact).value
        prefix, suffix = (getattr(graph.value(selector, end), "value", "") for end in (OA.prefix, OA.suffix))
        assert prefix + exact + suffix in texts[source], note
        assert len(prefix) <= 32 and len(suffix) <= 32


def test_derived_tags_point_to_the_annotation_they_come_from(graph):
    notes = set(graph.subjects(RDF.type, TERM.Tag))
    derived = list(graph.subject_objects(PROV.wasDerivedFrom))
    assert derived
    for note, source in derived:
        assert source in notes, (note, source)


def test_the_graph_is_deterministic(tags, graph):
    from crimecongress.export import ntriples
    from crimecongress.rdf.tags import tags_graph
    assert ntriples(tags_graph(tags, MINTER)) == ntriples(graph.triples)


def test_another_base_mints_every_iri_under_it(corpus):
    from crimecongress.corpus import load_corpus
    from crimecongress.ids import Minter
    from crimecongress.rdf.tags import tags_graph
    from crimecongress.tagging import tag_corpus
    from crimecongress.vocab import load_vocabulary
    minter = Minter("https://example.org/cc/")
    other = load_corpus(minter=minter)
    graph = tags_graph(tag_corpus(other, load_vocabulary(), minter), minter)
    assert graph
    for s, _, o in graph:
        assert s.value.startswith("https://example.org/cc/")
        assert not (isinstance(o, ox.NamedNode) and o.value.startswith("https://w3id.org/crime-congress/"))


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
    themes = [(t, (ox.NamedNode(t.unit), ox.NamedNode(t.value))) for t in tags if t.kind.value == "theme"]
    read = {pair for t, pair in themes if t.method not in INFERRED}
    inferred = {pair for t, pair in themes if t.method in INFERRED}
    assert set(graph.subject_objects(TERM.theme)) == read
    assert set(graph.subject_objects(TERM.inferredTheme)) == inferred


def test_namespaces_make_the_terms_of_the_one_prefix_table():
    from crimecongress.prefixes import table
    from crimecongress.rdf.namespaces import NS, SKOS
    assert SKOS.prefLabel == SKOS["prefLabel"] == NS("skos").prefLabel == ox.NamedNode(table()["skos"] + "prefLabel")
    assert SKOS.prefLabel is SKOS.prefLabel                   # made once
    assert TERM.Tag.value == MINTER.term("Tag")
    assert NS("theme", "https://example.org/cc/")["rule-of-law"].value == "https://example.org/cc/theme/rule-of-law"
    with pytest.raises(KeyError):
        NS("nonesuch")


def test_a_tags_graph_states_each_triple_once(tags, graph):
    from crimecongress.rdf.tags import tags_graph
    assert len(graph.triples) == len(set(graph.triples))
    assert tags_graph([*tags, *tags.tags[:50]], MINTER) == graph.triples     # a repeated statement is stated once
