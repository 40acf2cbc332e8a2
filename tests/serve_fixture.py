"""A small, realistic build/ for the serve tests, made the way the real build makes it.

Units are model objects run through `crimecongress.rdf.emit.document_graph` and written with the
`crimecongress.export` serialisers; the taxonomy, authority lists, tags (plain triples plus `oa:Annotation`
evidence) and lineage links follow the shapes the tagging stage publishes. One paragraph carries
`<script>alert(1)</script>` so that the escaping tests have something hostile to show.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef

from crimecongress.corpus.catalogue import DocumentFacts
from crimecongress.export import gzipped, jsonld, nquads, ntriples, turtle
from crimecongress.prefixes import load_context
from crimecongress.ids import Minter, sdg
from crimecongress.model import Document, Manifestation, SourceSpan, Unit, UnitKind
from crimecongress.rdf.emit import document_graph, new_graph
from crimecongress.rdf.namespaces import OA, ORG, PROV, RDF, RDFS, SKOS, XSD, uncc

HOSTILE = "<script>alert(1)</script>"

FACTS = [
    DocumentFacts("vienna-declaration-2000", "declaration",
                  "Vienna Declaration on Crime and Justice: Meeting the Challenges of the Twenty-first Century",
                  "Vienna Declaration", 2000, 10, endorsed_symbol="A/RES/55/59", endorsed_number="55/59",
                  endorsed_date=date(2000, 12, 4)),
    DocumentFacts("vienna-plans-of-action-2002", "plan-of-action",
                  "Plans of action for the implementation of the Vienna Declaration on Crime and Justice",
                  "Vienna plans of action", 2002, 10, implements="vienna-declaration-2000",
                  endorsed_symbol="A/RES/56/261", endorsed_number="56/261", endorsed_date=date(2002, 1, 31)),
    DocumentFacts("bangkok-declaration-2005", "declaration",
                  "Bangkok Declaration on Synergies and Responses: Strategic Alliances in Crime Prevention and "
                  "Criminal Justice", "Bangkok Declaration", 2005, 11, endorsed_symbol="A/RES/60/177",
                  endorsed_number="60/177", endorsed_date=date(2005, 12, 16)),
    DocumentFacts("doha-declaration-2015", "declaration",
                  "Doha Declaration on Integrating Crime Prevention and Criminal Justice into the Wider United "
                  "Nations Agenda", "Doha Declaration", 2015, 13, endorsed_symbol="A/RES/70/174",
                  endorsed_number="70/174", endorsed_date=date(2015, 12, 17)),
    DocumentFacts("kyoto-declaration-2021", "declaration",
                  "Kyoto Declaration on Advancing Crime Prevention, Criminal Justice and the Rule of Law",
                  "Kyoto Declaration", 2021, 14, endorsed_symbol="A/RES/76/181", endorsed_number="76/181",
                  endorsed_date=date(2021, 12, 16)),
    DocumentFacts("rpm-report-ap", "rpm-report",
                  "Report of the Asia and Pacific Regional Preparatory Meeting for the Fourteenth United Nations "
                  "Congress", "Asia and Pacific regional preparatory meeting", None, 14, code="AP"),
    DocumentFacts("kyoto-rpm-mapping", "compilation",
                  "“A mapping exercise”: compilation of the recommendations of the regional preparatory meetings",
                  "Mapping of the regional recommendations", 2020, 14),
]

DOHA_5 = {
    "a": "To adopt comprehensive and inclusive national crime prevention and criminal justice policies and "
         "programmes that fully take into account evidence and the root causes of crime;",
    "b": "To ensure the right of everyone to a fair trial without undue delay by a competent, independent and "
         "impartial tribunal, and to equal access to justice with due process safeguards;",
    "c": "To review and reform legal aid policies for expansion of access to effective legal aid in criminal "
         "proceedings for those without sufficient means;",
    "d": "To make every effort to prevent and counter corruption, and to implement measures aimed at enhancing "
         "transparency in public administration and promoting the integrity and accountability of our criminal "
         "justice systems, in accordance with the United Nations Convention against Corruption;",
    "e": "To integrate child- and youth-related issues into our criminal justice reform efforts, recognizing the "
         "importance of protecting children from all forms of violence, exploitation and abuse;",
    "f": "To mainstream a gender perspective into our criminal justice systems by developing national strategies "
         "to promote the full protection of women and girls from all acts of violence;",
    "g": "To promote gender-specific measures as an integral part of our policies on crime prevention, criminal "
         "justice and the treatment of offenders, taking into consideration the Bangkok Rules;",
    "h": "To develop and implement appropriate and effective national strategies for the advancement of women in "
         "criminal justice systems and institutions;",
    "i": "To enhance equality for all persons before the law, including gender equality, for individuals "
         "belonging to minority groups and for indigenous people;",
    "j": "To implement and enhance policies for prison inmates that focus on education, work, medical care, "
         "rehabilitation, social reintegration and the prevention of recidivism;",
    "k": "To intensify our efforts to address the challenge of prison overcrowding through appropriate criminal "
         "justice reforms;",
    "l": "To adopt effective measures for the recognition, protection and provision of support for and "
         "assistance to victims and witnesses in the framework of criminal justice responses to all crimes, "
         "including corruption and terrorism;",
}


class _Doc:
    """Collects the units of one document in order, minting their IRIs with the Minter."""

    def __init__(self, minter: Minter, slug: str, file: str):
        self.minter, self.slug, self.file = minter, slug, file
        self.iri = minter.document(slug)
        self.units: list[Unit] = []
        self.line = 10
        self.heading: str | None = None
        self.stack: list[tuple[int, str]] = []     # open headings (level, IRI)
        self.headings = 0
        self.formulas = 0
        self.preambles = 0

    def add(self, iri, kind, number, text, parent=None, **extra) -> str:
        self.line += 2
        span = SourceSpan(self.file, self.line, self.line + (1 if len(text) > 200 else 0))
        heading = extra.pop("heading", self.heading if kind is not UnitKind.FOOTNOTE else None)
        self.units.append(Unit(iri, kind, number, text, parent or self.iri, len(self.units) + 1, span,
                               heading=heading, **extra))
        return iri

    def head(self, text: str, level: int, number: str | None = None) -> str:
        self.headings += 1
        iri = self.minter.heading(self.slug, self.headings)
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        parent_heading = self.stack[-1][1] if self.stack else None
        self.add(iri, UnitKind.HEADING, number, text, heading=parent_heading, level=level)
        self.stack.append((level, iri))
        self.heading = iri
        return iri

    def formula(self, text: str) -> str:
        self.formulas += 1
        return self.add(self.minter.formula(self.slug, self.formulas), UnitKind.FORMULA, None, text)

    def preamble(self, text: str) -> str:
        self.preambles += 1
        return self.add(self.minter.preamble(self.slug, self.preambles), UnitKind.PREAMBLE, None, text)

    def para(self, n, text, **extra) -> str:
        return self.add(self.minter.paragraph(self.slug, n), UnitKind.PARAGRAPH, str(n), text, **extra)

    def sub(self, n, letter, text, **extra) -> str:
        return self.add(self.minter.paragraph(self.slug, n, letter), UnitKind.SUBPARAGRAPH, letter, text,
                        parent=self.minter.paragraph(self.slug, n), **extra)

    def item(self, n, letter, roman, text) -> str:
        return self.add(self.minter.paragraph(self.slug, n, letter, roman), UnitKind.ITEM, roman, text,
                        parent=self.minter.paragraph(self.slug, n, letter))

    def footnote(self, mark: str, text: str) -> str:
        return self.add(self.minter.footnote(self.slug, mark), UnitKind.FOOTNOTE, mark, text)

    def document(self, title: str) -> Document:
        manifestation = Manifestation(self.file, hashlib.sha256(self.file.encode()).hexdigest(), 1,
                                      self.line + 2, f"Fixture copy of the {title}")
        return Document(self.slug, self.iri, title, "declaration", tuple(self.units), (manifestation,))


def _documents(m: Minter) -> list[Document]:
    docs = []

    d = _Doc(m, "vienna-declaration-2000", "003_cdad1b6ede30b35f.txt")
    d.formula("We, the Member States of the United Nations,")
    d.preamble("Concerned about the impact on our societies of the commission of serious crimes of a global nature,")
    for n in range(1, 31):
        d.para(n, f"We note paragraph {n} of the Vienna Declaration about international cooperation against "
                  "transnational organized crime and corruption.")
    docs.append(d.document("Vienna Declaration"))

    d = _Doc(m, "vienna-plans-of-action-2002", "003_cdad1b6ede30b35f.txt")
    d.head("Plans of action for the implementation of the Vienna Declaration", 1)
    d.head("I. Action against transnational organized crime", 2, "I")
    for n in range(1, 35):
        d.para(n, f"Action {n}: States should consider measures against transnational organized crime.")
    d.head("II. Action against corruption", 2, "II")
    d.para(35, "In order to implement and follow up on the commitments undertaken in paragraphs 16 and 17 of "
               "the Vienna Declaration:")
    d.sub(35, "d", "States intend to take the following measures:")
    d.item(35, "d", "i", "To strengthen the capacity of their institutions to prevent corruption;")
    d.item(35, "d", "ii", "To support the negotiation of a convention against corruption.")
    docs.append(d.document("Vienna plans of action"))

    d = _Doc(m, "bangkok-declaration-2005", "003_cdad1b6ede30b35f.txt")
    d.formula("We, the States Members of the United Nations,")
    d.preamble("Having assembled at the Eleventh United Nations Congress on Crime Prevention and Criminal Justice "
               "in Bangkok from 18 to 25 April 2005,")
    for n in range(1, 36):
        text = (f"We recognize the importance of the rule of law and of crime prevention ({n}).")
        if n == 4:
            text = ("We reaffirm that the United Nations Convention against Corruption provides a comprehensive "
                    "framework for preventing and combating corruption.")
        d.para(n, text)
    docs.append(d.document("Bangkok Declaration"))

    d = _Doc(m, "doha-declaration-2015", "000_db17beb4dd61dc1a.txt")
    d.formula("We, Heads of State and Government, Ministers and Representatives of Member States,")
    d.preamble("Having assembled at the Thirteenth United Nations Congress on Crime Prevention and Criminal "
               "Justice in Doha, from 12 to 19 April 2015, to reaffirm our shared commitment to uphold the rule "
               "of law,")
    d.formula("To that end, declare the following:")
    for n in range(1, 5):
        d.para(n, f"We acknowledge the role of the congresses on crime prevention and criminal justice ({n}).")
    d.para(5, "We reaffirm our commitment and strong political will in support of effective, fair, humane and "
              "accountable criminal justice systems, and therefore we endeavour:")
    footnotes = {"b": (m.footnote("doha-declaration-2015", "1"), m.footnote("doha-declaration-2015", "2")),
                 "d": (m.footnote("doha-declaration-2015", "3"),)}
    for letter, text in DOHA_5.items():
        d.sub(5, letter, text, footnotes=footnotes.get(letter, ()))
    d.para(6, "We welcome the work of the Commission on Crime Prevention and Criminal Justice. We note the "
              f"string {HOSTILE} & \"quotes\" as data, never as markup.")
    for n in range(7, 12):
        d.para(n, f"We call upon Member States to strengthen international cooperation in criminal matters ({n}).")
        if n == 10:
            for letter in "abc":
                d.sub(10, letter, f"To strengthen extradition and mutual legal assistance, measure ({letter});")
    d.footnote("1", "United Nations, Treaty Series, vol. 596, No. 8638.")
    d.footnote("2", "General Assembly resolution 67/187, annex.")
    d.footnote("3", "United Nations, Treaty Series, vol. 2349, No. 42146.")
    docs.append(d.document("Doha Declaration"))

    d = _Doc(m, "kyoto-declaration-2021", "002_340393668e72e7f2.txt")
    d.formula("We, the Heads of State and Government, ministers and representatives of Member States,")
    d.preamble("Having assembled in Kyoto, Japan, from 7 to 12 March 2021, at the Fourteenth United Nations "
               "Congress on Crime Prevention and Criminal Justice,")
    d.preamble("Recognizing that the rule of law and sustainable development are interrelated,")
    d.head("Advancing crime prevention", 1)
    for n in range(1, 25):
        d.para(n, f"We commit to advancing crime prevention, paragraph {n}, through evidence-based strategies.")
    d.head("Advancing the criminal justice system", 1)
    d.head("Trafficking in persons and smuggling of migrants", 2)
    for n in range(25, 49):
        d.para(n, f"We commit to preventing and countering trafficking in persons, paragraph {n}.")
    d.para(49, "We resolve to take effective measures to prevent and combat cybercrime and the criminal misuse of "
               "information and communications technologies.")
    d.para(50, "We welcome the offer of the Government of Japan to follow up on this Declaration.")
    docs.append(d.document("Kyoto Declaration"))

    d = _Doc(m, "rpm-report-ap", "005_rpm_ap.txt")
    d.head("Recommendations", 1)
    for n in range(60, 64):
        d.para(n, f"The Meeting recommended the following ({n}):")
    d.sub(62, "a", "Member States should consider developing national cybercrime legislation consistent with "
                   "international human rights standards;")
    d.sub(62, "b", "Member States should strengthen the capacity of law enforcement to investigate cybercrime.")
    docs.append(d.document("Asia and Pacific regional preparatory meeting"))

    d = _Doc(m, "kyoto-rpm-mapping", "001_8c3c0a644e4dd5d6.txt")
    d.head("Cybercrime", 1)
    d.add(m.entry("kyoto-rpm-mapping", 1), UnitKind.ENTRY, None,
          "Member States should consider developing national cybercrime legislation.",
          lists=m.paragraph("rpm-report-ap", 62, "a"), printed_code="[AP 62 (a)]")
    docs.append(d.document("Mapping"))
    return docs


THEMES = {  # slug: (broader, en, fr, es)
    "crime-prevention": (None, "Crime prevention", "Prévention du crime", "Prevención del delito"),
    "criminal-justice": (None, "Criminal justice", "Justice pénale", "Justicia penal"),
    "rule-of-law": (None, "Rule of law", "État de droit", "Estado de derecho"),
    "international-cooperation": (None, "International cooperation and technical assistance",
                                  "Coopération internationale et assistance technique",
                                  "Cooperación internacional y asistencia técnica"),
    "corruption": ("crime-prevention", "Corruption", "Corruption", "Corrupción"),
    "cybercrime": ("crime-prevention", "Cybercrime", "Cybercriminalité", "Ciberdelincuencia"),
    "trafficking-in-persons": ("crime-prevention", "Trafficking in persons", "Traite des personnes",
                               "Trata de personas"),
    "access-to-justice-and-legal-aid": ("criminal-justice", "Access to justice and legal aid",
                                        "Accès à la justice et aide juridique",
                                        "Acceso a la justicia y asistencia jurídica"),
    "gender-and-women": ("criminal-justice", "Gender and women", "Genre et femmes", "Género y mujeres"),
    "prisons-and-reintegration": ("criminal-justice", "Prisons and reintegration", "Prisons et réinsertion",
                                  "Prisiones y reinserción"),
    "victims-and-witnesses": ("criminal-justice", "Victims and witnesses", "Victimes et témoins",
                              "Víctimas y testigos"),
    "extradition-and-mutual-legal-assistance": ("international-cooperation",
                                                "Extradition and mutual legal assistance",
                                                "Extradition et entraide judiciaire",
                                                "Extradición y asistencia judicial recíproca"),
}

INSTRUMENTS = {"uncac": ("United Nations Convention against Corruption", "UNCAC"),
               "untoc": ("United Nations Convention against Transnational Organized Crime", "UNTOC"),
               "bangkok-rules": ("United Nations Rules for the Treatment of Women Prisoners and Non-custodial "
                                 "Measures for Women Offenders", "Bangkok Rules")}
ACTORS = {"unodc": "United Nations Office on Drugs and Crime",
          "ccpcj": "Commission on Crime Prevention and Criminal Justice",
          "member-states": "Member States"}

# unit (doc slug, path) -> [(kind, value, words)]
TAGS = {
    ("doha-declaration-2015", "para/5/d"): [("theme", "corruption", ["corruption", "integrity"]),
                                            ("theme", "rule-of-law", ["accountability"]),
                                            ("instrument", "uncac", ["United Nations Convention against Corruption"]),
                                            ("sdg", "16.5", ["corruption"])],
    ("doha-declaration-2015", "para/5/c"): [("theme", "access-to-justice-and-legal-aid", ["legal aid"]),
                                            ("sdg", "16.3", ["legal aid"])],
    ("doha-declaration-2015", "para/5/f"): [("theme", "gender-and-women", ["gender perspective", "women"])],
    ("doha-declaration-2015", "para/5/g"): [("theme", "gender-and-women", ["gender-specific"]),
                                            ("instrument", "bangkok-rules", ["Bangkok Rules"])],
    ("doha-declaration-2015", "para/5/j"): [("theme", "prisons-and-reintegration", ["prison", "reintegration"])],
    ("doha-declaration-2015", "para/5/l"): [("theme", "victims-and-witnesses", ["victims", "witnesses"]),
                                            ("theme", "corruption", ["corruption"])],
    ("doha-declaration-2015", "para/6"): [("actor", "ccpcj", ["Commission on Crime Prevention and Criminal Justice"])],
    ("bangkok-declaration-2005", "para/4"): [("theme", "corruption", ["corruption"]),
                                             ("instrument", "uncac", ["United Nations Convention against Corruption"])],
    ("vienna-declaration-2000", "para/16"): [("theme", "corruption", ["corruption"]),
                                             ("instrument", "untoc", ["transnational organized crime"])],
    ("vienna-plans-of-action-2002", "para/35/d/ii"): [("theme", "corruption", ["corruption"])],
    ("kyoto-declaration-2021", "para/49"): [("theme", "cybercrime", ["cybercrime"]),
                                            ("actor", "member-states", ["information"])],
    ("kyoto-declaration-2021", "para/30"): [("theme", "trafficking-in-persons", ["trafficking in persons"])],
    ("rpm-report-ap", "para/62/a"): [("theme", "cybercrime", ["cybercrime"])],
}

LINEAGE = [  # (subject, predicate, object), as paths "slug/path"
    ("rpm-report-ap/para/62/a", "takenUpIn", "kyoto-declaration-2021/para/49"),
    ("doha-declaration-2015/para/5/d", "continues", "bangkok-declaration-2005/para/4"),
    ("vienna-plans-of-action-2002/para/35/d/ii", "implements", "vienna-declaration-2000/para/16"),
]

ONTOLOGY = """
@prefix uncc: <{base}ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<{base}ontology> a owl:Ontology ; dcterms:title "Crime Congress ontology"@en ;
  rdfs:label "Crime Congress ontology"@en ; owl:versionInfo "0.1.0" .
uncc:Paragraph a owl:Class ; rdfs:label "paragraph"@en ; rdfs:subClassOf eli:LegalResourceSubdivision ;
  rdfs:comment "A numbered operative paragraph."@en ; rdfs:isDefinedBy <{base}ontology> .
uncc:Subparagraph a owl:Class ; rdfs:label "subparagraph"@en ; rdfs:subClassOf eli:LegalResourceSubdivision ;
  rdfs:comment "A lettered subparagraph."@en ; rdfs:isDefinedBy <{base}ontology> .
uncc:Declaration a owl:Class ; rdfs:label "declaration"@en ; rdfs:subClassOf eli:LegalResource ;
  rdfs:isDefinedBy <{base}ontology> .
uncc:text a owl:DatatypeProperty ; rdfs:label "text"@en ; rdfs:comment "The exact clean text."@en ;
  rdfs:isDefinedBy <{base}ontology> .
uncc:theme a owl:ObjectProperty ; rdfs:label "theme"@en ; rdfs:subPropertyOf eli:is_about ;
  rdfs:isDefinedBy <{base}ontology> .
uncc:continues a owl:ObjectProperty ; rdfs:label "continues"@en ; rdfs:isDefinedBy <{base}ontology> .
uncc:takenUpIn a owl:ObjectProperty ; rdfs:label "taken up in"@en ; rdfs:isDefinedBy <{base}ontology> .
"""


def _taxonomy(m: Minter):
    g = new_graph(m)
    scheme = URIRef(m.theme_scheme())
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("Themes of the Crime Congresses", lang="en")))
    for slug, (broader, en, fr, es) in THEMES.items():
        c = URIRef(m.theme(slug))
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, scheme))
        for text, lang in ((en, "en"), (fr, "fr"), (es, "es")):
            g.add((c, SKOS.prefLabel, Literal(text, lang=lang)))
        g.add((c, SKOS.definition, Literal(f"Paragraphs about {en.lower()}.", lang="en")))
        if broader is None:
            g.add((c, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, c))
        else:
            g.add((c, SKOS.broader, URIRef(m.theme(broader))))
            g.add((URIRef(m.theme(broader)), SKOS.narrower, c))
    return g


def _authorities(m: Minter):
    g = new_graph(m)
    term = uncc(m)
    for slug, (label, short) in INSTRUMENTS.items():
        i = URIRef(m.instrument(slug))
        g.add((i, RDF.type, term.Instrument))
        g.add((i, RDFS.label, Literal(label, lang="en")))
        g.add((i, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((i, SKOS.altLabel, Literal(short, lang="en")))
    for slug, label in ACTORS.items():
        a = URIRef(m.actor(slug))
        g.add((a, RDF.type, ORG.Organization))
        g.add((a, RDFS.label, Literal(label, lang="en")))
        g.add((a, SKOS.prefLabel, Literal(label, lang="en")))
    for code, label in (("16.3", "Promote the rule of law and ensure equal access to justice for all"),
                        ("16.5", "Substantially reduce corruption and bribery in all their forms")):
        g.add((URIRef(sdg(code)), SKOS.prefLabel, Literal(label, lang="en")))
    return g


def _tags(graph, m: Minter, slug: str, texts: dict[str, str]) -> None:
    """Tags in the shape crimecongress.rdf.tags publishes: the plain triple, and an annotation (uncc:Tag,
    oa:Annotation) with its target and one TextQuoteSelector per tag (the first listed word, with its context);
    a paragraph's tag derived from its subparagraph's, and an SDG link derived from a theme tag, have no
    words of their own but prov:wasDerivedFrom."""
    term = uncc(m)
    made: dict[tuple[str, str], URIRef] = {}

    def annotation(unit: URIRef, kind: str, value: str, body: URIRef) -> URIRef:
        ann = URIRef(m.annotation(str(unit), kind, value.replace(".", "-")))
        predicate = {"theme": term.theme, "instrument": term.instrument, "actor": term.actor,
                     "sdg": term.sdgTarget}[kind]
        graph.add((unit, predicate, body))
        graph.add((ann, RDF.type, term.Tag))
        graph.add((ann, RDF.type, OA.Annotation))
        graph.add((ann, OA.motivatedBy, OA.classifying))
        graph.add((ann, OA.hasBody, body))
        graph.add((ann, term.taggedUnit, unit))
        graph.add((ann, term.confidence, Literal("0.85", datatype=XSD.decimal)))
        made[(str(unit), str(body))] = ann
        return ann

    for (doc_slug, path), tags in TAGS.items():
        if doc_slug != slug:
            continue
        unit = URIRef(m.document(doc_slug) + "/" + path)
        for kind, value, words in tags:
            body = URIRef({"theme": m.theme, "instrument": m.instrument, "actor": m.actor}.get(kind, sdg)(value))
            ann = annotation(unit, kind, value, body)
            graph.add((ann, term.method, Literal("match")))
            graph.add((ann, term.rule, Literal(f"{kind}.{value}.terms")))
            for n, word in enumerate(words):
                target = URIRef(f"{ann}/target" if n == 0 else f"{ann}/target/{n + 1}")
                selector = URIRef(f"{ann}/selector" if n == 0 else f"{ann}/selector/{n + 1}")
                graph.add((ann, OA.hasTarget, target))
                graph.add((target, RDF.type, OA.SpecificResource))
                graph.add((target, OA.hasSource, unit))
                graph.add((target, OA.hasSelector, selector))
                graph.add((selector, RDF.type, OA.TextQuoteSelector))
                graph.add((selector, OA.exact, Literal(word)))
                text = texts.get(str(unit), "")
                at = text.find(word)
                if at > 0:
                    graph.add((selector, OA.prefix, Literal(text[max(0, at - 20):at])))
                if at >= 0 and at + len(word) < len(text):
                    graph.add((selector, OA.suffix, Literal(text[at + len(word):at + len(word) + 20])))
    if slug == "doha-declaration-2015":
        # paragraph 5 carries the theme of its subparagraph (d): derived, no words of its own
        sub = m.paragraph(slug, 5, "d")
        origin = made[(sub, m.theme("corruption"))]
        ann = annotation(URIRef(m.paragraph(slug, 5)), "theme", "corruption", URIRef(m.theme("corruption")))
        graph.add((ann, term.method, Literal("derived")))
        graph.add((ann, PROV.wasDerivedFrom, origin))
    for source, predicate, target in LINEAGE:
        if source.split("/", 1)[0] == slug:
            graph.add((URIRef(m.base + "doc/" + source), term[predicate], URIRef(m.base + "doc/" + target)))


def make_fixture_build(out: Path, base: str = "https://w3id.org/crime-congress/") -> Path:
    """Write a complete build/ (same file names and formats as `crimecongress build`) into OUT."""
    from crimecongress.build import MAPPINGS_DIR as MAPPINGS
    from crimecongress.describe import Counts, describe, load_record
    from crimecongress.release import MemoryTree, ReleasedFiles
    from crimecongress.vocab import load_vocabulary

    m = Minter(base)
    facts = {f.slug: f for f in FACTS}
    named = []
    ontology = new_graph(m)
    ontology.parse(data=ONTOLOGY.replace("{base}", base), format="turtle")
    named.append((m.graph("ontology"), ontology))
    named.append((m.graph("taxonomy"), _taxonomy(m)))
    named.append((m.graph("authorities"), _authorities(m)))
    documents = []
    for document in _documents(m):
        graph = document_graph(document, facts[document.slug], m,
                               {m.footnote("doha-declaration-2015", "3"): (m.instrument("uncac"),)})
        _tags(graph, m, document.slug, {u.iri: u.text for u in document.units})
        documents.append((document.slug, graph))
        named.append((m.graph(document.slug), graph))
    whole = new_graph(m)
    for _, graph in named:
        whole += graph
    context = load_context(base)
    files: dict[str, bytes] = {"ontology.ttl": turtle(named[0][1]), "taxonomy.ttl": turtle(named[1][1]),
                               "authorities.ttl": turtle(named[2][1])}
    for slug, graph in documents:
        files[f"doc/{slug}.ttl"] = turtle(graph)
        files[f"doc/{slug}.nt.gz"] = gzipped(ntriples(graph))
        files[f"doc/{slug}.jsonld"] = jsonld(graph, context)
    files["context.jsonld"] = (json.dumps(context, indent=2, ensure_ascii=False) + "\n").encode()
    released = ReleasedFiles(MemoryTree())
    released.update(files)
    for name, data in (("dataset.ttl", turtle(whole)), ("dataset.nt", ntriples(whole)),
                       ("dataset.jsonld", jsonld(whole, context)), ("dataset.nq", nquads(named))):
        with released.parts(name + ".gz", compress=True) as packed:     # gzipped, as the build writes them
            packed.write(data)
    files.update(released.tree.files)
    counts = Counts(len(whole), tuple((name, len(graph)) for name, graph in named), 0)
    files["void.ttl"] = turtle(describe(m, counts, released, load_record(MAPPINGS), load_vocabulary(MAPPINGS)))
    files["MANIFEST.sha256"] = "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n"
                                       for p in sorted(files)).encode()
    out.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    return out


if __name__ == "__main__":  # python tests/serve_fixture.py /tmp/fixture-build
    import sys
    print(make_fixture_build(Path(sys.argv[1])))
