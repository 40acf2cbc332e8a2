"""The mapping files (mappings/): schemas, counts, facts, the theme taxonomy, cross-references, bad fixtures, lint."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from crimecongress.errors import InvalidDocument
from crimecongress.ids import Minter
from crimecongress.lint import canonical_text, lint_mappings, mapping_files
from crimecongress.rdf.namespaces import RDF, SKOS, XSD
from crimecongress.vocab import MAPPINGS_DIR, load_vocabulary
from crimecongress.vocab.files import MappingFile, load_schema, read_mapping, schema_path, validate
from triple_lookup import Lookup

ROOT = Path(__file__).resolve().parents[1]
DESIGN_THEMES = {
    "crime-prevention", "criminal-justice", "rule-of-law", "international-cooperation",  # the four top concepts
    "corruption", "terrorism", "cybercrime", "trafficking-in-persons", "smuggling-of-migrants", "firearms",
    "world-drug-problem", "money-laundering", "organized-crime", "environmental-crime", "cultural-property",
    "economic-and-financial-crime", "victims-and-witnesses", "access-to-justice", "prisons-and-reintegration",
    "children-and-juvenile-justice", "gender-and-women", "restorative-justice", "standards-and-norms",
    "technical-assistance", "extradition-and-mutual-legal-assistance", "data-and-research", "education-and-youth",
    "public-participation", "new-technologies", "human-rights",
    # added for SDG 16.1, 16.6 and 16.10 and for the Kyoto Declaration's "new, emerging and evolving forms of crime"
    "violence-and-homicide", "integrity-and-accountability", "law-enforcement-and-policing", "safety-of-journalists",
    "new-and-emerging-crime", "maritime-crime", "falsified-medical-products", "trafficking-in-organs", "hate-crime",
}
CRIME_TYPES = {  # themes that are kinds of crime, with the ICCS sections or divisions they cover
    "corruption": ["0703"], "cybercrime": ["0903"], "economic-and-financial-crime": ["0701"],
    "environmental-crime": ["10"], "firearms": ["09"], "money-laundering": ["07"], "organized-crime": ["09"],
    "smuggling-of-migrants": ["08"], "terrorism": ["09"], "trafficking-in-persons": ["0204"],
    "violence-and-homicide": ["0101", "0201"], "world-drug-problem": ["0601"],
}
TOPS = {"crime-prevention", "criminal-justice", "rule-of-law", "international-cooperation"}


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


@pytest.fixture(scope="module")
def graphs(vocab):
    from crimecongress.rdf.vocabulary import authorities_graph, taxonomy_graph
    minter = Minter()
    return Lookup(taxonomy_graph(vocab, minter)), Lookup(authorities_graph(vocab, minter))


# --- schemas and counts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", mapping_files(MAPPINGS_DIR), ids=lambda p: str(p.relative_to(MAPPINGS_DIR)))
def test_each_mapping_file_validates_against_its_schema(path):
    schema_file = schema_path(path, MAPPINGS_DIR)
    assert schema_file.exists(), f"{path} has no schema ({schema_file})"
    validate(read_mapping(path), load_schema(schema_file), schema_file)


def test_counts(vocab):
    assert len(vocab.themes) == 39 and {t.slug for t in vocab.top_themes()} == TOPS
    assert len(vocab.instruments) >= 70
    assert len(vocab.actors) >= 40
    assert [c.congress for c in vocab.congresses] == list(range(1, 15))
    assert [m.congress for m in vocab.meetings[:14]] == list(range(1, 15))      # the Congresses first, by number
    others = vocab.meetings[14:]
    assert len(others) == 7 and [m.slug for m in others] == sorted(m.slug for m in others)


def test_themes_are_the_design_themes(vocab):
    assert {t.slug for t in vocab.themes} == DESIGN_THEMES


# --- facts -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug,volume,number", [
    ("untoc", "2225", "39574"),
    ("trafficking-in-persons-protocol", "2237", "39574"),
    ("smuggling-of-migrants-protocol", "2241", "39574"),
    ("firearms-protocol", "2326", "39574"),
    ("uncac", "2349", "42146"),
    ("convention-on-the-rights-of-the-child", "1577", "27531"),
    ("cedaw", "1249", "20378"),
    ("cedaw-optional-protocol", "2131", "20378"),
    ("vienna-convention-on-consular-relations", "596", "8638"),
    ("unesco-convention-1970", "823", "11806"),
    ("cites", "993", "14537"),
    ("convention-on-biological-diversity", "1760", "30619"),
])
def test_treaty_series(vocab, slug, volume, number):
    instrument = vocab.instrument(slug)
    assert (instrument.unts.volume, instrument.unts.number) == (volume, number)
    assert vocab.by_treaty_series(volume, number) is instrument


@pytest.mark.parametrize("protocol,treaty", [
    ("trafficking-in-persons-protocol", "untoc"), ("smuggling-of-migrants-protocol", "untoc"),
    ("firearms-protocol", "untoc"), ("crc-optional-protocol-sale-of-children", "convention-on-the-rights-of-the-child"),
    ("crc-optional-protocol-armed-conflict", "convention-on-the-rights-of-the-child"),
    ("cedaw-optional-protocol", "cedaw"),
])
def test_protocols_supplement_their_treaty(vocab, protocol, treaty):
    assert vocab.instrument(protocol).kind == "protocol"
    assert vocab.instrument(protocol).supplements == treaty


@pytest.mark.parametrize("slug,number,symbol", [
    ("uncac", "58/4", "A/RES/58/4"), ("nelson-mandela-rules", "70/175", "A/RES/70/175"),
    ("tokyo-rules", "45/110", "A/RES/45/110"), ("beijing-rules", "40/33", "A/RES/40/33"),
    ("bangkok-rules", "65/229", "A/RES/65/229"), ("legal-aid-principles", "67/187", "A/RES/67/187"),
    ("victims-declaration", "40/34", "A/RES/40/34"), ("doha-declaration", "70/174", "A/RES/70/174"),
    ("agenda-2030", "70/1", "A/RES/70/1"), ("guidelines-for-the-prevention-of-crime", "2002/13", "E/RES/2002/13"),
    ("declaration-against-corruption-and-bribery", "51/191", "A/RES/51/191"),
    ("code-of-conduct-for-public-officials", "51/59", "A/RES/51/59"),
    ("global-plan-of-action-to-combat-trafficking-in-persons", "64/293", "A/RES/64/293"),
])
def test_resolutions(vocab, slug, number, symbol):
    assert (number, symbol) in [(r.number, r.symbol) for r in vocab.instrument(slug).resolutions]


def test_resolution_lookup_uses_the_annex(vocab):
    assert {i.slug for i in vocab.by_resolution("55/25")} == {
        "untoc", "trafficking-in-persons-protocol", "smuggling-of-migrants-protocol"}
    assert [i.slug for i in vocab.by_resolution("55/25", "III")] == ["smuggling-of-migrants-protocol"]


def test_nelson_mandela_rules_replace_the_standard_minimum_rules(vocab, graphs):
    old, new = "standard-minimum-rules-for-the-treatment-of-prisoners", "nelson-mandela-rules"
    assert vocab.instrument(new).replaces == (old,)
    assert vocab.instrument(old).replaced_by == (new,)
    minter, authorities = Minter(), graphs[1]
    term, instrument = minter.term, lambda slug: ox.NamedNode(minter.instrument(slug))
    assert (instrument(new), ox.NamedNode(term("replaces")), instrument(old)) in authorities
    assert (instrument(old), ox.NamedNode(term("replacedBy")), instrument(new)) in authorities


@pytest.mark.parametrize("collective,members", [
    ("untoc-protocols", {"trafficking-in-persons-protocol", "smuggling-of-migrants-protocol", "firearms-protocol"}),
    ("drug-control-conventions", {"single-convention-on-narcotic-drugs", "convention-on-psychotropic-substances",
                                  "convention-against-illicit-traffic-1988"}),
    ("crc-optional-protocols", {"crc-optional-protocol-sale-of-children", "crc-optional-protocol-armed-conflict"}),
])
def test_collective_references(vocab, collective, members):
    assert vocab.instrument(collective).kind == "collective"
    assert set(vocab.instrument(collective).members) == members


@pytest.mark.parametrize("slug,kind,parent,succeeded_by", [
    ("unodc", "UNEntity", "secretariat", None),
    ("odccp", "UNEntity", "secretariat", "unodc"),
    ("cicp", "UNEntity", "odccp", "unodc"),
    ("ccpcj", "UNBody", "ecosoc", None),
    ("committee-on-crime-prevention-and-control", "UNBody", "ecosoc", "ccpcj"),
    ("counter-terrorism-committee", "UNBody", "security-council", None),
    ("cicad", "IntergovernmentalOrganization", "organization-of-american-states", None),
    ("conference-of-the-parties-untoc", "ConferenceBody", None, None),
    ("programme-network-of-institutes", "Network", None, None),
    ("member-states", "StateGroup", None, None),
    ("japan", "State", None, None),
    ("civil-society", "CivilSociety", None, None),
])
def test_actors(vocab, slug, kind, parent, succeeded_by):
    actor = vocab.actor(slug)
    assert (actor.kind, actor.parent, actor.succeeded_by) == (kind, parent, succeeded_by)


def test_predecessors_are_derived(vocab):
    assert set(vocab.actor("unodc").predecessors) == {"odccp", "cicp"}
    assert vocab.actor("ccpcj").predecessors == ("committee-on-crime-prevention-and-control",)


@pytest.mark.parametrize("number,city,start,end", [
    (1, "Geneva", date(1955, 8, 22), date(1955, 9, 3)),
    (6, "Caracas", date(1980, 8, 25), date(1980, 9, 5)),
    (7, "Milan", date(1985, 8, 26), date(1985, 9, 6)),
    (8, "Havana", date(1990, 8, 27), date(1990, 9, 7)),
    (10, "Vienna", date(2000, 4, 10), date(2000, 4, 17)),
    (11, "Bangkok", date(2005, 4, 18), date(2005, 4, 25)),
    (12, "Salvador", date(2010, 4, 12), date(2010, 4, 19)),
    (13, "Doha", date(2015, 4, 12), date(2015, 4, 19)),
    (14, "Kyoto", date(2021, 3, 7), date(2021, 3, 12)),
])
def test_congresses(vocab, number, city, start, end):
    congress = vocab.congress(number)
    assert (congress.city, congress.start_date, congress.end_date) == (city, start, end)


def test_a_meeting_is_a_congress_or_has_a_slug():
    from crimecongress.vocab import Meeting
    held = dict(name="A meeting", city="Vienna", country="Austria", start_date=date(2020, 1, 1), source="x")
    assert Meeting(**held, congress=3).slug is None and Meeting(**held, slug="vienna-2020").congress is None
    for wrong in ({}, {"congress": 3, "slug": "vienna-2020"}):
        with pytest.raises(ValueError, match="a Congress"):
            Meeting(**held, **wrong)


def test_congresses_and_meetings_are_published_apart(vocab, graphs):
    minter, authorities, term = Minter(), graphs[1], lambda name: ox.NamedNode(Minter().term(name))
    kyoto = ox.NamedNode(minter.congress(14))
    bangkok = ox.NamedNode(minter.meeting("bangkok-regional-preparatory-meeting-2019"))
    assert set(authorities.objects(kyoto, RDF.type)) == {term("Congress")}
    assert authorities.value(kyoto, term("congressNumber")) == ox.Literal("14", datatype=XSD.positiveInteger)
    assert authorities.value(kyoto, term("prepares")) is None
    assert set(authorities.objects(bangkok, RDF.type)) == {term("Meeting")}
    assert authorities.value(bangkok, term("congressNumber")) is None
    assert authorities.value(bangkok, term("prepares")) == kyoto
    assert len(set(authorities.subjects(RDF.type, term("Congress")))) == 14
    assert len(set(authorities.subjects(RDF.type, term("Meeting")))) == 7
    prepared = {m.slug: m.prepares for m in vocab.meetings if m.prepares}
    assert prepared and {(s.value, o.value) for s, o in authorities.subject_objects(term("prepares"))} == \
        {(minter.meeting(slug), minter.congress(n)) for slug, n in prepared.items()}


def test_congress_names_change_with_the_eleventh(vocab):
    assert all("Prevention of Crime and the Treatment of Offenders" in c.name for c in vocab.congresses[:10])
    assert all("Crime Prevention and Criminal Justice" in c.name for c in vocab.congresses[10:])


# --- agreement with the source catalogue ------------------------------------------------------------------------

def test_catalogue_meetings_and_congresses_are_known(vocab, catalogue):
    for facts in catalogue.documents:
        if facts.meeting:
            vocab.meeting(facts.meeting)
        if facts.congress:
            vocab.congress(facts.congress)


def test_instrument_documents_are_catalogue_documents(vocab, catalogue):
    slugs = {d.slug for d in catalogue.documents}
    for instrument in vocab.instruments:
        assert instrument.document is None or instrument.document in slugs, instrument.slug


def test_endorsing_resolutions_agree_with_the_catalogue(vocab, catalogue):
    by_document = {i.document: i for i in vocab.instruments if i.document}
    for facts in catalogue.documents:
        if facts.endorsed_symbol and facts.slug in by_document:
            assert facts.endorsed_symbol in [r.symbol for r in by_document[facts.slug].resolutions], facts.slug


# --- the theme taxonomy as SKOS -----------------------------------------------------------------------------------

def test_every_theme_has_one_label_per_language_and_a_definition(graphs):
    taxonomy = graphs[0]
    for concept in taxonomy.subjects(RDF.type, SKOS.Concept):
        labels = list(taxonomy.objects(concept, SKOS.prefLabel))
        assert sorted(label.language for label in labels) == ["en", "es", "fr"], concept
        assert [d.language for d in taxonomy.objects(concept, SKOS.definition)] == ["en"], concept
        assert len([n for n in taxonomy.objects(concept, SKOS.notation) if n.datatype == XSD.string]) == 1, concept


def test_every_theme_reaches_a_top_concept(vocab):
    for theme in vocab.themes:
        assert theme.is_top or vocab.ancestors(theme.slug) & TOPS, theme.slug


def test_no_cycles_in_broader(graphs):
    ask = f"PREFIX skos: <{SKOS}> ASK {{ ?c skos:broader+ ?c }}"
    assert not bool(graphs[0].store().query(ask))


def test_scheme_structure(graphs):
    minter, taxonomy = Minter(), graphs[0]
    scheme = ox.NamedNode(minter.theme_scheme())
    tops = {ox.NamedNode(minter.theme(slug)) for slug in TOPS}
    assert set(taxonomy.objects(scheme, SKOS.hasTopConcept)) == tops
    assert set(taxonomy.subjects(SKOS.topConceptOf, scheme)) == tops
    for concept in taxonomy.subjects(RDF.type, SKOS.Concept):
        assert (concept, SKOS.inScheme, scheme) in taxonomy
    broader = {(s, o) for s, o in taxonomy.subject_objects(SKOS.broader)}
    narrower = {(o, s) for s, o in taxonomy.subject_objects(SKOS.narrower)}
    assert broader == narrower and broader


def test_notation_follows_the_first_broader_theme(vocab):
    notations = [t.notation for t in vocab.themes]
    assert len(set(notations)) == len(notations)
    for theme in vocab.themes:
        if theme.is_top:
            assert re.fullmatch(r"[A-Z]{2}", theme.notation), theme.slug
        else:   # one level below the first broader theme: CP.01 under CP, IC.14.01 under IC.14
            assert re.fullmatch(re.escape(vocab.theme(theme.broader[0]).notation) + r"\.[0-9]{2}", theme.notation), \
                (theme.slug, theme.notation)
    assert vocab.theme("maritime-crime").notation == "IC.14.01"


# --- ICCS ---------------------------------------------------------------------------------------------------------

def test_iccs_sections_and_divisions(vocab):
    codes = {c.code: c for c in vocab.iccs}
    assert [c for c in codes if len(c) == 2] == [f"{n:02d}" for n in range(1, 12)]
    for code in codes.values():
        assert (code.parent is None) == (len(code.code) == 2), code.code
        assert code.parent is None or code.code.startswith(code.parent) and code.parent in codes
        assert code.source.startswith("external:"), code.code
    assert codes["0101"].label == "Intentional homicide" and codes["0703"].label == "Corruption"


def test_crime_type_themes_name_their_iccs_codes(vocab):
    assert {t.slug: list(t.iccs) for t in vocab.themes if t.iccs} == CRIME_TYPES
    known = {c.code for c in vocab.iccs}
    assert all(set(codes) <= known for codes in CRIME_TYPES.values())


def test_iccs_codes_are_published_as_typed_notations(vocab):
    from crimecongress.rdf.vocabulary import taxonomy_graph
    minter = Minter()
    graph = Lookup(taxonomy_graph(vocab, minter))
    datatype = ox.NamedNode(minter.term("ICCSCode"))
    corruption = ox.NamedNode(minter.theme("corruption"))
    assert set(graph.objects(corruption, SKOS.notation)) == {ox.Literal("0703", datatype=datatype),
                                                          ox.Literal("RL.01")}
    typed = [o for o in graph.objects(None, SKOS.notation) if o.datatype == datatype]
    assert len(typed) == sum(len(codes) for codes in CRIME_TYPES.values())
    ontology = (ROOT / "ontology" / "crimecongress.ttl").read_text(encoding="utf-8")
    assert "uncc:ICCSCode\n    a rdfs:Datatype" in ontology


# --- authority graphs ---------------------------------------------------------------------------------------------

def test_authorities_are_concepts_of_their_scheme_and_instances_of_their_class(vocab, graphs):
    minter, authorities = Minter(), graphs[1]
    for instrument in vocab.instruments:
        node = ox.NamedNode(minter.instrument(instrument.slug))
        assert (node, RDF.type, ox.NamedNode(minter.term(instrument.ontology_class))) in authorities
        assert (node, RDF.type, SKOS.Concept) in authorities
        assert (node, SKOS.inScheme, ox.NamedNode(minter.instrument_scheme())) in authorities
        assert (node, SKOS.prefLabel, ox.Literal(instrument.title, language="en")) in authorities
    for actor in vocab.actors:
        node = ox.NamedNode(minter.actor(actor.slug))
        assert (node, RDF.type, ox.NamedNode(minter.term(actor.kind))) in authorities
        assert (node, SKOS.inScheme, ox.NamedNode(minter.actor_scheme())) in authorities
    congress = ox.NamedNode(minter.congress(14))
    assert (congress, RDF.type, ox.NamedNode(minter.term("Congress"))) in authorities


def test_vocabulary_graphs_have_no_blank_nodes_and_are_deterministic(vocab, graphs):
    from crimecongress.rdf.vocabulary import authorities_graph, taxonomy_graph
    for graph in graphs:
        assert len(graph) and not [t for t in graph if any(isinstance(x, ox.BlankNode) for x in t)]
    again = (taxonomy_graph(vocab, Minter()), authorities_graph(vocab, Minter()))
    for first, second in zip(graphs, again):
        assert first.triples == second
        assert len(set(second)) == len(second)     # each once: the Turtle writer does not merge repeats


def test_vocabulary_graphs_follow_the_base_iri(vocab):
    from crimecongress.rdf.vocabulary import authorities_graph
    minter = Minter("https://example.org/cc/")
    graph = authorities_graph(vocab, minter)
    assert graph and all(t.subject.value.startswith("https://example.org/cc/") for t in graph)


# --- bad mapping files --------------------------------------------------------------------------------------------

def _replace(name: str, old: str, new: str, count: int = 1):
    def mutate(directory: Path) -> None:
        path = directory / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture out of date: {old!r} not in {name}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return mutate


BAD = [
    ("unknown broader slug", _replace("themes.yaml", "restorative justice programmes.\n  broader: [criminal-justice]",
                                      "restorative justice programmes.\n  broader: [criminal-justise]"),
     ["themes.yaml", "'restorative-justice'", "broader 'criminal-justise' is not a known theme"]),
    ("missing label", _replace("themes.yaml", "fr: Cybercriminalité, ", ""),
     ["themes.yaml", "'cybercrime'", "label", "'fr' is a required property"]),
    ("label missing altogether", _replace("themes.yaml", "  label: {en: Terrorism, fr: Terrorisme, es: Terrorismo}\n",
                                          ""),
     ["themes.yaml", "'terrorism'", "'label' is a required property"]),
    ("duplicate theme slug", _replace("themes.yaml", "- slug: terrorism\n", "- slug: firearms\n"),
     ["themes.yaml", "'firearms'", "slug 'firearms' is used by 2 entries"]),
    ("notation not under its first broader theme", _replace("themes.yaml", "notation: IC.14.01", "notation: IC.15"),
     ["themes.yaml", "'maritime-crime'", "notation 'IC.15' does not start with the notation of its first broader",
      "'new-and-emerging-crime' (IC.14)"]),
    ("notation two levels down", _replace("themes.yaml", "notation: CP.03", "notation: CP.03.01"),
     ["themes.yaml", "'violence-and-homicide'", "notation 'CP.03.01'", "(CP)"]),
    ("unknown ICCS code", _replace("themes.yaml", "iccs: ['0703']", "iccs: ['0799']"),
     ["themes.yaml", "'corruption'", "iccs '0799' is not a section or division of mappings/iccs.yaml"]),
    ("malformed ICCS code", _replace("themes.yaml", "iccs: ['0703']", "iccs: ['7']"),
     ["themes.yaml", "'corruption'", "iccs"]),
    ("ICCS division under the wrong section",
     _replace("iccs.yaml", "- code: '0703'\n  label: Corruption\n  parent: '07'",
              "- code: '0703'\n  label: Corruption\n  parent: '06'"),
     ["iccs.yaml", "'0703'", "parent"]),
    ("duplicate instrument slug", _replace("instruments.yaml", "- slug: cites\n", "- slug: uncac\n"),
     ["instruments.yaml", "'uncac'", "used by 2 entries"]),
    ("unknown supplements", _replace("instruments.yaml", "supplements: untoc", "supplements: untok"),
     ["instruments.yaml", "'untok'", "supplements"]),
    ("unknown collective member", _replace("instruments.yaml", "members: [trafficking-in-persons-protocol, smuggling-of-migrants-protocol, firearms-protocol]",
                                           "members: [trafficking-in-persons-protocol, smuggling-of-migrants-protocol, firearm-protocol]"),
     ["instruments.yaml", "'untoc-protocols'", "'firearm-protocol'"]),
    ("unknown replaces", _replace("instruments.yaml", "replaces: [standard-minimum-rules-for-the-treatment-of-prisoners]",
                                  "replaces: [standard-minimum-rules]"),
     ["instruments.yaml", "'nelson-mandela-rules'", "'standard-minimum-rules'"]),
    ("unknown adopting actor", _replace("instruments.yaml", "adopted_by: unesco", "adopted_by: unesko"),
     ["instruments.yaml", "'unesco-convention-1970'", "'unesko'", "actors.yaml"]),
    ("protocol without treaty", _replace("instruments.yaml", "  supplements: cedaw\n", ""),
     ["instruments.yaml", "'cedaw-optional-protocol'", "protocol"]),
    ("unknown actor parent", _replace("actors.yaml", "parent: ecosoc", "parent: ecosok"),
     ["actors.yaml", "'ecosok'", "parent"]),
    ("duplicate congress number", _replace("congresses.yaml", "- number: 2\n", "- number: 1\n"),
     ["congresses.yaml", "congresses entry 1", "used by 2 entries"]),
    ("bad date", _replace("congresses.yaml", "start_date: '2021-03-07'", "start_date: '2021-13-07'"),
     ["congresses.yaml", "congresses entry 14", "start_date"]),
]


@pytest.fixture()
def mappings_copy(tmp_path) -> Path:
    target = tmp_path / "mappings"
    shutil.copytree(MAPPINGS_DIR, target)
    return target


@pytest.mark.parametrize("name,mutate,expected", BAD, ids=[case[0] for case in BAD])
def test_bad_mapping_files_are_reported_with_file_and_entry(mappings_copy, name, mutate, expected):
    mutate(mappings_copy)
    with pytest.raises(InvalidDocument) as caught:
        load_vocabulary(mappings_copy)
    message = str(caught.value)
    assert caught.value.exit_code == 1 and caught.value.line is not None
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_broader_cycle_is_reported(mappings_copy):
    path = mappings_copy / "themes.yaml"
    text = path.read_text(encoding="utf-8")
    # make the top concept crime-prevention narrower than economic-and-financial-crime (which is under it)
    start = text.index("- slug: crime-prevention\n")
    end = text.index("  broader: []\n", start)
    path.write_text(text[:end] + "  broader: [economic-and-financial-crime]\n"
                    + text[end + len("  broader: []\n"):], encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        load_vocabulary(mappings_copy)
    assert "cycle" in str(caught.value) and "themes.yaml" in str(caught.value)


# --- lint -----------------------------------------------------------------------------------------------------

def test_mapping_files_are_canonical():
    assert lint_mappings(MAPPINGS_DIR, write=False) == []


def test_lint_writes_the_canonical_form(mappings_copy):
    path = mappings_copy / "themes.yaml"
    mapping = read_mapping(path)
    shuffled = dict(mapping.data)
    shuffled["themes"] = list(reversed(shuffled["themes"]))
    shuffled["themes"][0] = dict(reversed(list(shuffled["themes"][0].items())))
    path.write_text(mapping.header + yaml.safe_dump(shuffled, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert str(path) in [line.split(":")[0] for line in lint_mappings(mappings_copy)]
    lint_mappings(mappings_copy, write=True)
    assert path.read_text(encoding="utf-8") == (MAPPINGS_DIR / "themes.yaml").read_text(encoding="utf-8")
    assert lint_mappings(mappings_copy) == []


def test_canonical_form_is_stable():
    """Reading the canonical text back and writing it again gives the same bytes."""
    for path in mapping_files(MAPPINGS_DIR):
        schema_file = schema_path(path, MAPPINGS_DIR)
        schema = load_schema(schema_file) if schema_file.exists() else None
        mapping = read_mapping(path)
        once = canonical_text(mapping, schema)
        again = canonical_text(MappingFile(path, yaml.safe_load(once), {}, mapping.header, once), schema)
        assert once == again, path
