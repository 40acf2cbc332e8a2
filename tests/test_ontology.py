"""The OWL ontology (ontology/crimecongress.ttl): metadata, labels, the terms the emitter relies on, alignments,
disjointness, and consistency under HermiT (with the taxonomy and authority lists, and with bad fixtures)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from crimecongress.errors import CrimeCongressError, InvalidDocument
from crimecongress.ids import Minter

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "crimecongress.ttl"
FIXTURES = ROOT / "tests" / "fixtures" / "ontology"
ONT = URIRef("https://w3id.org/crime-congress/ontology")
UNCC = Namespace("https://w3id.org/crime-congress/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")

CLASSES = """Document Declaration PlanOfAction CongressReport Compilation RegionalPreparatoryMeetingReport Unit
PreambleParagraph Paragraph Subparagraph Item Heading Footnote Formula MappingEntry Recommendation Manifestation
SourceSpan SourceFile Congress Meeting Instrument Treaty Protocol StandardOrNorm Resolution PolicyFramework
CollectiveReference Tool Programme Actor UNBody UNEntity IntergovernmentalOrganization StateGroup State CivilSociety
PrivateSector Academia Media Network ConferenceBody Tag Alignment""".split()
OBJECT_PROPERTIES = """document footnoteRef underHeading manifestation sourceFile adoptedAt endorsedBy implements lists
takenUpIn continues source target relation
theme instrument actor sdgTarget identifies supplements replaces replacedBy member adoptedBy corpusDocument
succeededBy predecessor congress""".split()
DATATYPE_PROPERTIES = """text position headingLevel firstLine lastLine sha256 printedCode shortTitle shortName
treatySeriesVolume treatySeriesNumber resolutionSymbol resolutionNumber year confidence congressNumber city country
startDate endDate matchedText rule method score rank evidence""".split()

SUBCLASSES = [  # (class, a superclass it must have)
    ("Document", ELI.LegalResource), ("Unit", ELI.LegalResourceSubdivision),
    *[(c, UNCC.Document) for c in ("Declaration", "PlanOfAction", "CongressReport", "Compilation",
                                   "RegionalPreparatoryMeetingReport")],
    *[(c, UNCC.Unit) for c in ("PreambleParagraph", "Paragraph", "Subparagraph", "Item", "Heading", "Footnote",
                               "Formula", "MappingEntry")],
    ("Recommendation", UNCC.Subparagraph),
    ("Manifestation", PROV.Entity), ("SourceSpan", PROV.Entity), ("SourceFile", PROV.Entity),
    ("Congress", PROV.Activity), ("Meeting", PROV.Activity), ("Instrument", PROV.Entity),
    *[(c, UNCC.Instrument) for c in ("Treaty", "StandardOrNorm", "Resolution", "PolicyFramework",
                                     "CollectiveReference", "Tool", "Programme")],
    ("Protocol", UNCC.Treaty), ("Actor", PROV.Agent),
    *[(c, UNCC.Actor) for c in ("UNBody", "UNEntity", "IntergovernmentalOrganization", "StateGroup", "State",
                                "CivilSociety", "PrivateSector", "Academia", "Media", "Network", "ConferenceBody")],
    ("UNBody", ORG.Organization), ("UNEntity", ORG.Organization), ("IntergovernmentalOrganization", ORG.Organization),
    ("Tag", OA.Annotation),
]
SUBPROPERTIES = [("theme", ELI.is_about), ("instrument", ELI.cites), ("identifies", ELI.cites),
                 ("adoptedAt", PROV.wasGeneratedBy), ("implements", ELI.implements), ("adoptedBy", PROV.wasAttributedTo)]
DISJOINT = [  # pairs that must be disjoint (asserted on them or on their superclasses)
    ("Document", "Unit"), ("Instrument", "Actor"), ("Document", "Instrument"), ("Document", "Actor"),
    ("Unit", "Instrument"), ("Unit", "Actor"), ("Paragraph", "Subparagraph"), ("PreambleParagraph", "Paragraph"),
    ("Heading", "Footnote"), ("Formula", "MappingEntry"), ("Item", "Subparagraph"), ("Recommendation", "Paragraph"),
    ("Declaration", "PlanOfAction"), ("Treaty", "Resolution"), ("Protocol", "StandardOrNorm"),
    ("Congress", "Meeting"), ("Tag", "Unit"), ("UNBody", "UNEntity"), ("State", "StateGroup"), ("Alignment", "Unit"),
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle")
    return graph


def _superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    return set(graph.transitive_objects(cls, RDFS.subClassOf))


def _disjoint(graph: Graph, a: URIRef, b: URIRef) -> bool:
    return any((x, OWL.disjointWith, y) in graph or (y, OWL.disjointWith, x) in graph
               for x in _superclasses(graph, a) for y in _superclasses(graph, b))


def test_ontology_header(ontology):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (ONT, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONT, OWL.versionInfo) == Literal(version)
    assert ontology.value(ONT, OWL.versionIRI) == URIRef(f"{ONT}/{version}")
    assert ontology.value(ONT, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert ontology.value(ONT, DCTERMS.creator) == Literal("crimecongress contributors")
    assert ontology.value(ONT, VANN.preferredNamespacePrefix) == Literal("uncc")
    assert {o.language for o in ontology.objects(ONT, DCTERMS.title)} >= {"en"}
    assert ontology.value(ONT, DCTERMS.description) is not None
    assert str(ONT) == Minter().ontology and str(UNCC) == Minter().term("")


def test_no_blank_nodes(ontology):
    assert not [t for t in ontology if any(isinstance(x, BNode) for x in t)]


def test_every_own_term_is_labelled_and_defined(ontology):
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith(str(UNCC))}
    assert len(terms) >= len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    problems = []
    for term in sorted(terms):
        labels = [o for o in ontology.objects(term, RDFS.label) if isinstance(o, Literal)]
        for lang in ("en", "fr", "es"):
            if sum(1 for label in labels if label.language == lang) != 1:
                problems.append(f"{term}: needs exactly one rdfs:label @{lang}")
        if not any(d.language == "en" for d in ontology.objects(term, SKOS.definition)):
            problems.append(f"{term}: no skos:definition @en")
        if (term, RDFS.isDefinedBy, ONT) not in ontology:
            problems.append(f"{term}: no rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("names,kind", [(CLASSES, OWL.Class), (OBJECT_PROPERTIES, OWL.ObjectProperty),
                                        (DATATYPE_PROPERTIES, OWL.DatatypeProperty)])
def test_terms_exist(ontology, names, kind):
    missing = [n for n in names if (UNCC[n], RDF.type, kind) not in ontology]
    assert not missing, f"not declared as {kind}: {missing}"


@pytest.mark.parametrize("cls,parent", SUBCLASSES, ids=[f"{c}<{p.split('#')[-1]}" for c, p in SUBCLASSES])
def test_alignment_by_subclass(ontology, cls, parent):
    assert parent in _superclasses(ontology, UNCC[cls])


@pytest.mark.parametrize("prop,parent", SUBPROPERTIES, ids=[p for p, _ in SUBPROPERTIES])
def test_alignment_by_subproperty(ontology, prop, parent):
    assert parent in set(ontology.transitive_objects(UNCC[prop], RDFS.subPropertyOf))


@pytest.mark.parametrize("a,b", DISJOINT, ids=[f"{a}-{b}" for a, b in DISJOINT])
def test_disjointness(ontology, a, b):
    assert _disjoint(ontology, UNCC[a], UNCC[b])


def test_recommendation_is_a_subparagraph_not_disjoint_with_it(ontology):
    assert not _disjoint(ontology, UNCC.Recommendation, UNCC.Subparagraph)


def test_every_predicate_used_is_declared(ontology):
    """OWL 2 DL wants every entity declared; owlready2 also guesses badly about undeclared ones."""
    builtin = (str(RDF), str(RDFS), str(OWL))
    declared = {s for kind in (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)
                for s in ontology.subjects(RDF.type, kind)}
    used = {p for p in ontology.predicates() if not str(p).startswith(builtin)}
    assert used <= declared, sorted(used - declared)
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    referenced = set(ontology.objects(None, RDFS.subClassOf)) | set(ontology.objects(None, RDFS.domain)) \
        | {o for o in ontology.objects(None, RDFS.range) if not str(o).startswith(("http://www.w3.org/2001/XMLSchema#",
                                                                                   str(RDF)))}
    assert referenced <= classes, sorted(referenced - classes)


def test_emitter_terms_are_declared(ontology):
    """Every uncc: term the lead's emitter writes exists in the ontology (a rename would break partners)."""
    from crimecongress.rdf import emit
    source = Path(emit.__file__).read_text()
    names = set(re.findall(r"\bterm\.([A-Za-z]+)\b", source)) | set(emit.DOCUMENT_CLASS.values()) \
        | set(emit.UNIT_CLASS.values())
    missing = sorted(n for n in names if not set(ontology.triples((UNCC[n], RDF.type, None))))
    assert not missing, missing


def test_vocabulary_graph_terms_are_declared(ontology):
    from crimecongress.rdf.vocabulary import authorities_graph, taxonomy_graph
    from crimecongress.vocab import load_vocabulary
    minter, vocab = Minter(), load_vocabulary()
    triples = taxonomy_graph(vocab, minter) + authorities_graph(vocab, minter)
    used = {URIRef(t.predicate.value) for t in triples} \
        | {URIRef(t.object.value) for t in triples if t.predicate.value == str(RDF.type)}
    used = {term for term in used if term.startswith(str(UNCC))}
    assert used
    missing = sorted(t for t in used if not set(ontology.triples((t, RDF.type, None))))
    assert not missing, missing


# --- HermiT ---------------------------------------------------------------------------------------------------

def test_hermit_finds_the_ontology_consistent():
    from crimecongress.reasoning import check_consistency
    result = check_consistency(ONTOLOGY)
    assert result.consistent and result.triples > 500


# the datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4) that the ontology may name
OWL2_DATATYPES = {"rdfs:Literal", "rdf:PlainLiteral", "rdf:XMLLiteral", "rdf:langString", "owl:real", "owl:rational",
                  "xsd:decimal", "xsd:integer", "xsd:nonNegativeInteger", "xsd:nonPositiveInteger",
                  "xsd:positiveInteger", "xsd:negativeInteger", "xsd:long", "xsd:int", "xsd:short", "xsd:byte",
                  "xsd:unsignedLong", "xsd:unsignedInt", "xsd:unsignedShort", "xsd:unsignedByte", "xsd:double",
                  "xsd:float", "xsd:string", "xsd:normalizedString", "xsd:token", "xsd:language", "xsd:Name",
                  "xsd:NCName", "xsd:NMTOKEN", "xsd:boolean", "xsd:hexBinary", "xsd:base64Binary", "xsd:anyURI",
                  "xsd:dateTime", "xsd:dateTimeStamp"}


def test_the_ontology_names_only_owl2_datatypes(ontology):
    # OWL 2 DL: a range outside the datatype map must be declared, and HermiT refuses it by default
    names = {ontology.namespace_manager.normalizeUri(o) for s, o in ontology.subject_objects(RDFS.range)
             if (s, RDF.type, OWL.DatatypeProperty) in ontology}
    assert names and names <= OWL2_DATATYPES, names - OWL2_DATATYPES


def owl_api_profile_check(path: Path) -> list[str]:
    """The OWL API's own OWL 2 DL profile check (Debian's libowlapi-java, run by the JDK's source launcher):
    the violations it finds and its verdict, one a line."""
    import os
    import shutil
    import subprocess
    jars = Path("/usr/share/java/owlapi-distribution.jar")
    if not (jars.is_file() and shutil.which("javac")):
        if not shutil.which("apt-get") or os.geteuid() != 0:
            pytest.skip("the OWL API (libowlapi-java) and a JDK are missing and cannot be installed here")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        install = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libowlapi-java",
                                  "default-jdk-headless"], env=env, capture_output=True, text=True, timeout=900)
        if install.returncode != 0:
            pytest.skip(f"could not install the OWL API: {install.stderr.strip()[-300:]}")
    run = subprocess.run(["java", "-cp", "/usr/share/java/*", str(ROOT / "tests" / "java" / "OwlProfileCheck.java"),
                          str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.splitlines()


def test_the_ontology_is_in_the_owl2_dl_profile_by_the_owl_api(tmp_path):
    lines = owl_api_profile_check(ROOT / "build" / "ontology.ttl")
    assert lines == ["in profile"], "\n".join(lines)
    # and the check can fail: a range outside the OWL 2 datatype map is a violation
    broken = tmp_path / "broken.ttl"
    broken.write_text(ONTOLOGY.read_text(encoding="utf-8") + "\nuncc:year rdfs:range xsd:gYear .\n", encoding="utf-8")
    lines = owl_api_profile_check(broken)
    assert lines[-1] == "not in profile" and any("xsd:gYear" in line for line in lines)


def test_hermit_reads_the_ontology_with_its_default_settings():
    from crimecongress.reasoning import check_consistency
    assert check_consistency(ONTOLOGY, strict_datatypes=True).consistent


def test_hermit_finds_ontology_taxonomy_and_authorities_consistent(tmp_path):
    from crimecongress.reasoning import check_consistency
    from crimecongress.rdf.vocabulary import authorities_graph, taxonomy_graph
    from crimecongress.vocab import load_vocabulary
    minter, vocab = Minter(), load_vocabulary()
    data = tmp_path / "vocabulary.nt"
    data.write_bytes(ox.serialize(taxonomy_graph(vocab, minter) + authorities_graph(vocab, minter),
                                  format=ox.RdfFormat.N_TRIPLES))
    assert check_consistency(ONTOLOGY, data).consistent


def test_hermit_on_a_graph_with_consistent_data():
    from crimecongress.reasoning import check_consistency_graph
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle")
    graph.parse(FIXTURES / "consistent.nt", format="nt")
    assert check_consistency_graph(graph).triples == len(graph)


@pytest.mark.parametrize("fixture,expected", [
    ("document-and-unit.nt", ["doc/example/para/1", "uncc:Declaration", "uncc:Paragraph", "uncc:Document",
                              "uncc:Unit", "disjoint"]),
    # uncc:document's range makes para/1 a Document, yet it is typed Paragraph
    ("range-clash.nt", ["doc/example/para/1", "uncc:Document", "uncc:Paragraph", "disjoint"]),
])
def test_hermit_reports_an_inconsistency_clearly(fixture, expected):
    from crimecongress.reasoning import check_consistency
    with pytest.raises(InvalidDocument) as caught:
        check_consistency(ONTOLOGY, FIXTURES / fixture)
    message = str(caught.value)
    assert caught.value.exit_code == 1
    assert fixture in message and "OWL inconsistency" in message
    for part in expected:
        assert part in message


def test_missing_java_is_an_error_not_a_skip(monkeypatch):
    import owlready2
    from crimecongress.reasoning import check_consistency
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(CrimeCongressError) as caught:
        check_consistency(ONTOLOGY)
    assert caught.value.exit_code == 2
    assert "Java is needed for the HermiT reasoner" in str(caught.value)
    assert "apt-get install default-jre-headless" in str(caught.value)


# Terms of reused vocabularies that rdflib's term lists predate: DCAT 3 added dcat:version.
NEWER_THAN_RDFLIB = {"http://www.w3.org/ns/dcat#version"}


def test_every_term_of_a_reused_vocabulary_in_the_release_exists_in_it():
    """The stages make their terms from namespaces that accept any name (pyoxigraph NamedNodes), so a misspelt
    skos:prefLable would be published silently; rdflib's closed term lists of the W3C vocabularies catch it."""
    from rdflib.namespace import DCAT, FOAF, ORG, PROV, VANN, VOID

    from crimecongress import dumps
    vocabularies = (SKOS, DCTERMS, PROV, DCAT, VOID, ORG, RDFS, OWL, FOAF, VANN)
    build = ROOT / "build"
    used: set[str] = set()
    with dumps.open_plain(dumps.find(build)) as handle:
        quads = list(ox.parse(handle, format=ox.RdfFormat.N_QUADS))
    void = list(ox.parse(path=str(build / "void.ttl"), format=ox.RdfFormat.TURTLE))
    for statement in quads + void:
        used.add(statement.predicate.value)
        if statement.predicate.value == str(RDF.type) and isinstance(statement.object, ox.NamedNode):
            used.add(statement.object.value)
    unknown = sorted(term for term in used - NEWER_THAN_RDFLIB for vocabulary in vocabularies
                     if term.startswith(str(vocabulary._NS))
                     and term[len(str(vocabulary._NS)):] not in vocabulary.__annotations__)
    assert unknown == []
    assert any(term.startswith(str(SKOS._NS)) for term in used)     # the check saw the vocabularies at all
