"""SDG links (crimecongress.linking.sdg): the catalogue of goals, targets and indicators with the UN's IRIs, the
theme/instrument crosswalk, paragraph -> target links with evidence, and their RDF."""
from __future__ import annotations

import shutil
from decimal import Decimal

import pyoxigraph as ox
import pytest

from crimecongress.errors import InvalidDocument
from crimecongress.ids import DEFAULT as MINTER, sdg
from crimecongress.linking import sdg as S
from crimecongress.rdf.namespaces import OA, PROV, RDF, SKOS, XSD, uncc
from linking_support import ROOT, doc, linked, tags, vocabulary
from triple_lookup import Lookup

TERM = uncc(MINTER)
SDGO = S.SDGO
U = ox.NamedNode


@pytest.fixture(scope="module")
def catalogue():
    return S.load_catalogue()


@pytest.fixture(scope="module")
def graph(catalogue):
    return Lookup(S.sdg_graph(catalogue, MINTER))


# --- the minter ---------------------------------------------------------------------------------------------

def test_sdg_accepts_permanent_code_with_target_letter():
    # regression: sdg() refused "C160a01" (16.a.1), a real permanent code, because it allowed digits only
    assert sdg("C160a01") == "http://metadata.un.org/sdg/C160a01"


@pytest.mark.parametrize("code", ["16.A", "016", "C16301", "16.3.1", "sdg16", ""])
def test_sdg_refuses_what_is_not_a_code(code):
    with pytest.raises(ValueError):
        sdg(code)


# --- the catalogue ------------------------------------------------------------------------------------------

def test_goal_16_has_its_twelve_targets(catalogue):
    codes = [t.code for t in catalogue.goal("16").targets]
    assert codes == [f"16.{n}" for n in range(1, 11)] + ["16.a", "16.b"]


def test_other_goals_hold_the_crime_and_justice_targets(catalogue):
    codes = {t.code for t in catalogue.targets()}
    assert {"3.5", "4.7", "5.2", "5.3", "8.7", "11.7", "15.7", "15.c", "17.9", "17.18", "17.19"} <= codes
    assert [g.code for g in catalogue.goals] == ["3", "4", "5", "8", "11", "15", "16", "17"]


@pytest.mark.parametrize("code, permanent", [
    ("16.3.1", "C160301"), ("16.a.1", "C160a01"),
    ("15.7.1", "C200206"), ("15.c.1", "C200206"),    # one indicator shared by two targets
    ("16.8.1", "C200205"), ("16.b.1", "C200204"),    # repeated from Goal 10
    ("17.6.1", None),                                # not in the catalogue at all (Goal 17: 9, 18, 19 only)
])
def test_indicators_use_permanent_codes_not_printed_numbers(catalogue, code, permanent):
    found = [i for t in catalogue.targets() for i in t.indicators if i.code == code]
    if permanent is None:
        assert not found
        return
    assert found[0].permanent_code == permanent
    assert found[0].iri == f"http://metadata.un.org/sdg/{permanent}"


def test_indicators_without_a_verified_code_have_no_iri_and_say_why(catalogue):
    missing = {i.code: i for t in catalogue.targets() for i in t.indicators if i.iri is None}
    assert set(missing) == {"16.3.3", "17.18.1"}
    assert all(i.note for i in missing.values())


def test_goal_16_indicator_count(catalogue):
    assert sum(len(t.indicators) for t in catalogue.goal("16").targets) == 24


def test_official_wording(catalogue):
    assert catalogue.target("16.5").text == "Substantially reduce corruption and bribery in all their forms"
    assert catalogue.goal("16").short_title == "Peace, justice and strong institutions"
    assert "after dark" in [i for i in catalogue.target("16.1").indicators if i.code == "16.1.4"][0].text


def test_a_wrong_iri_is_refused_with_file_and_line(tmp_path):
    (tmp_path / "schema").mkdir()
    for name in ("sdg.yaml", "schema/sdg.schema.json"):
        shutil.copy(ROOT / "mappings" / name, tmp_path / name)
    path = tmp_path / "sdg.yaml"
    text = path.read_text(encoding="utf-8")
    wrong = text.replace("iri: 'http://metadata.un.org/sdg/C160301'", "iri: 'http://metadata.un.org/sdg/C160302'", 1)
    assert wrong != text
    path.write_text(wrong, encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        S.load_catalogue(tmp_path)
    assert caught.value.line is not None and "sdg.yaml" in str(caught.value)
    assert "C160301" in str(caught.value)


# --- the SDG graph ------------------------------------------------------------------------------------------

def test_concepts_are_typed_with_the_un_classes(graph):
    assert (U(sdg("16")), RDF.type, SDGO.Goal) in graph
    assert (U(sdg("16.3")), RDF.type, SDGO.Target) in graph
    assert (U(sdg("C160301")), RDF.type, SDGO.Indicator) in graph
    for code in ("16", "16.3", "C160301"):
        assert (U(sdg(code)), RDF.type, SKOS.Concept) in graph
        assert (U(sdg(code)), SKOS.inScheme, S.SCHEME) in graph


def test_hierarchy_and_notation(graph):
    assert (U(sdg("16.3")), SKOS.broader, U(sdg("16"))) in graph
    assert (U(sdg("C160301")), SKOS.broader, U(sdg("16.3"))) in graph
    assert (U(sdg("16")), SDGO.hasTarget, U(sdg("16.3"))) in graph
    assert (U(sdg("16.a")), SKOS.notation, ox.Literal("16.a", datatype=SDGO.SDGCodeCompact)) in graph
    assert (U(sdg("C160a01")), SKOS.notation, ox.Literal("C160a01", datatype=SDGO.SDGCodePerm)) in graph


def test_shared_indicator_is_one_concept_under_two_targets(graph):
    node = U(sdg("C200206"))
    assert set(graph.objects(node, SKOS.broader)) == {U(sdg("15.7")), U(sdg("15.c"))}
    assert len(set(graph.objects(node, SKOS.prefLabel))) == 1
    assert {n.value for n in graph.objects(node, SKOS.notation)} == {"15.7.1", "15.c.1", "C200206"}


def test_official_text_is_the_label(graph):
    assert (U(sdg("16.5")), SKOS.prefLabel,
            ox.Literal("Substantially reduce corruption and bribery in all their forms", language="en")) in graph


def test_unverified_indicator_is_not_published_but_noted(graph):
    assert not any("C160303" in s.value for s in graph.subjects())
    notes = [n.value for n in graph.objects(U(sdg("16.3")), SKOS.note)]
    assert any("16.3.3" in n for n in notes)


def test_no_blank_nodes_and_only_un_iris(graph):
    for triple in graph:
        assert not any(isinstance(term, ox.BlankNode) for term in triple)
    assert all(s.value.startswith("http://metadata.un.org/sdg") for s in graph.subjects())


# --- the crosswalk ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def crosswalk(catalogue):
    v = vocabulary()
    return S.load_crosswalk(catalogue=catalogue, themes=[t.slug for t in v.themes],
                            instruments=[i.slug for i in v.instruments])


@pytest.mark.parametrize("slug, target, relation", [
    ("corruption", "16.5", "closeMatch"), ("access-to-justice", "16.3", "closeMatch"),
    ("organized-crime", "16.4", "closeMatch"), ("firearms", "16.4", "closeMatch"),
    ("money-laundering", "16.4", "relatedMatch"), ("trafficking-in-persons", "16.2", "closeMatch"),
    ("trafficking-in-persons", "8.7", "closeMatch"), ("trafficking-in-persons", "5.2", "relatedMatch"),
    ("children-and-juvenile-justice", "16.2", "relatedMatch"), ("terrorism", "16.a", "relatedMatch"),
    ("technical-assistance", "16.a", "closeMatch"), ("technical-assistance", "17.9", "relatedMatch"),
    ("data-and-research", "17.18", "relatedMatch"), ("environmental-crime", "15.7", "relatedMatch"),
    ("world-drug-problem", "3.5", "relatedMatch"), ("education-and-youth", "4.7", "relatedMatch"),
    ("gender-and-women", "5.2", "relatedMatch"), ("human-rights", "16.10", "relatedMatch"),
    ("public-participation", "16.7", "relatedMatch"), ("rule-of-law", "16.3", "closeMatch"),
    ("victims-and-witnesses", "16.3", "relatedMatch"),
])
def test_theme_mappings(crosswalk, slug, target, relation):
    found = {(m.target, m.relation) for m in crosswalk.for_concept(S.TagKind.THEME, slug)}
    assert (target, relation) in found


def test_every_theme_is_mapped_or_says_why_not(crosswalk):
    mapped = {m.slug for m in crosswalk.mappings if m.kind is S.TagKind.THEME}
    unmapped = {slug for slug, _ in crosswalk.unmapped}
    assert mapped | unmapped == {t.slug for t in vocabulary().themes}
    assert not mapped & unmapped
    assert all(m.justification for m in crosswalk.mappings)


def test_the_2030_agenda_is_not_mapped(crosswalk):
    assert not crosswalk.for_concept(S.TagKind.INSTRUMENT, "agenda-2030")
    assert crosswalk.for_concept(S.TagKind.INSTRUMENT, "uncac")[-1].target == "16.5"


def test_an_unknown_theme_is_refused(catalogue):
    with pytest.raises(InvalidDocument, match="unknown theme"):
        S.load_crosswalk(catalogue=catalogue, themes=["corruption"], instruments=None)


def test_crosswalk_graph(crosswalk, catalogue):
    g = Lookup(S.crosswalk_graph(crosswalk, catalogue, MINTER))
    theme = U(MINTER.theme("corruption"))
    assert (theme, SKOS.closeMatch, U(sdg("16.5"))) in g
    record = U(MINTER.sdg_mapping(theme.value, "16.5"))
    assert record.value == "https://w3id.org/crime-congress/theme/corruption/sdg/16-5"
    assert (record, RDF.type, TERM.Alignment) in g
    assert (record, TERM.relation, SKOS.closeMatch) in g
    assert (record, TERM.target, U(sdg("16.5"))) in g
    assert any(True for _ in g.objects(record, TERM.evidence))


# --- explicit mentions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, codes", [
    ("in view of the importance of target 16.a for the achievement of Sustainable Development Goal 16", ["16.a", "16"]),
    ("Consider addressing all forms of corruption (sustainable development target 16.5) as a key", ["16.5"]),
    ("towards targets 16.3 and 16.a of the Agenda", ["16.3", "16.a"]),
    ("in particular Goal 16, which was noted as being foundational", ["16"]),
    ("in line with Goal 17, as no Government", ["17"]),
    ("SDG 16 and Goals 5 and 10", ["16", "5", "10"]),
    ("the implementation of the 2030 Agenda for Sustainable Development", []),
    ("to achieve the Sustainable Development Goals", []),
    ("we establish 2005 as the target year", []),
    ("Goal 16.5", []),
])
def test_mentions(text, codes):
    assert [code for code, _, _ in S.mentions(text)] == codes


# --- paragraph -> target links ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def links():
    return linked().sdg_links


def link(links, path, code):
    found = [l for l in links.for_unit(doc(path)) if l.code == code]
    return found[0] if found else None


@pytest.mark.parametrize("path, code, words", [
    ("rpm-report-lac/para/19/j", "16.5", "sustainable development target 16.5"),
    ("rpm-report-lac/para/19/g", "16.a", "target 16.a"),
    ("rpm-report-lac/para/19/g", "16", "Sustainable Development Goal 16"),
    ("rpm-report-lac/para/19/i", "16", "Sustainable Development Goal 16"),
    ("rpm-report-a/para/17/a", "16", "Sustainable Development Goal 16"),
])
def test_explicit_mentions_are_links_with_full_confidence(links, path, code, words):
    found = link(links, path, code)
    assert found is not None and found.method == "mention"
    assert found.confidence == Decimal("1.00") and found.evidence.exact == words


def test_the_2030_agenda_alone_gives_no_goal_16_link(links):
    # Kyoto 3 commits to the 2030 Agenda: a citation of the Agenda, not a Goal 16 link
    assert link(links, "kyoto-declaration-2021/para/3", "16") is None
    assert not any(l.code == "16" and "kyoto-declaration-2021/" in l.unit for l in links)


def test_links_in_the_words_name_the_tags_that_agree(links):
    found = link(links, "kyoto-declaration-2021/para/53", "16.5")
    assert found is not None and found.method == "words and crosswalk"
    assert Decimal("0") < found.confidence < Decimal("1")
    assert found.via and all("/tag/" in iri for iri in found.via)
    assert "corrupt" in found.evidence.exact.lower()


def test_a_crosswalk_mapping_alone_links_nothing(links):
    # the Congress report's list of observers names CITES (a body), and the Vienna plans' introduction cites the
    # Trafficking in Persons Protocol in a footnote: neither commits to the targets those instruments serve
    assert link(links, "kyoto-congress-report-2021/para/13", "15.7") is None
    assert not [l for l in links if l.unit.endswith("vienna-plans-of-action-2002/para/1") and l.code in ("8.7", "5.2")]


def test_every_link_is_in_the_units_words(links):
    texts = {u.iri: u.text for d in linked_corpus().documents for u in d.units}
    for l in links:
        assert l.method in ("mention", "words and crosswalk", "words"), l
        assert l.evidence.source == l.unit and l.evidence.exact in texts[l.unit], l


def linked_corpus():
    from linking_support import corpus
    return corpus()


def test_evidence_words_are_in_the_source_unit(links):
    texts = {u.iri: u.text for d in linked_corpus().documents for u in d.units}
    for l in links:
        assert l.evidence.exact and l.evidence.exact in texts[l.evidence.source], l


def test_one_link_per_unit_and_code_and_only_catalogued_codes(links, catalogue):
    keys = [(l.unit, l.code) for l in links]
    assert len(keys) == len(set(keys))
    assert all(catalogue.has(l.code) for l in links)


def test_broader_only_top_themes_give_no_link(links):
    assert not any("/tag/theme/" in iri and iri.endswith(("/crime-prevention", "/criminal-justice",
                                                          "/international-cooperation")) for l in links for iri in l.via)


def test_corruption_paragraphs_of_kyoto_serve_16_5(links):
    kyoto = {l.unit.rsplit("/", 1)[1] for l in links if l.code == "16.5" and "/kyoto-declaration-2021/para/" in l.unit}
    assert {"53", "54", "56", "58"} <= kyoto


# --- RDF of the links ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def links_graph(links):
    return Lookup(S.sdg_links_graph(links, MINTER))


def test_links_are_triples_and_annotations(links_graph, links):
    found = link(links, "rpm-report-lac/para/19/j", "16.5")
    unit = U(found.unit)
    note = U(MINTER.annotation(found.unit, "sdg", "16-5"))
    assert note.value.endswith("/rpm-report-lac/para/19/j/tag/sdg/16-5")
    assert (unit, TERM.sdgTarget, U(sdg("16.5"))) in links_graph
    for cls in (TERM.Tag, OA.Annotation):
        assert (note, RDF.type, cls) in links_graph
    assert (note, OA.hasBody, U(sdg("16.5"))) in links_graph
    assert (note, TERM.method, ox.Literal("mention")) in links_graph
    target = links_graph.value(note, OA.hasTarget)
    assert (target, RDF.type, OA.SpecificResource) in links_graph
    assert links_graph.value(target, OA.hasSource) == unit
    selector = links_graph.value(target, OA.hasSelector)
    assert (selector, RDF.type, OA.TextQuoteSelector) in links_graph
    assert links_graph.value(selector, OA.exact).value == "sustainable development target 16.5"


def test_crosswalk_annotations_say_where_they_come_from(links_graph, links):
    found = link(links, "kyoto-declaration-2021/para/53", "16.5")
    note = U(MINTER.annotation(found.unit, "sdg", "16-5"))
    assert set(links_graph.objects(note, PROV.wasDerivedFrom)) == {U(i) for i in found.via}
    assert links_graph.value(note, TERM.confidence).datatype == XSD.decimal


def test_no_blank_nodes_in_links(links_graph):
    assert len(links_graph)
    for triple in links_graph:
        assert not any(isinstance(term, ox.BlankNode) for term in triple)


def test_links_are_deterministic():
    from crimecongress.linking import link_corpus
    from linking_support import corpus
    again = link_corpus(corpus(), tags(), vocabulary(), MINTER)
    assert again.sdg_links == linked().sdg_links
