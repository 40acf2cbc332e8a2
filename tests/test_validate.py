"""SHACL validation: every shape has a passing and a failing fixture, both engines give the same findings,
drafts with one fault each give exactly that finding at the right line, and bad input exits 2 in one line."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import ROOT

from crimecongress.cli import main
from crimecongress.drafts import validate_paths
from crimecongress.validation import (Report, format_text, format_turtle, shape_files, shapes_texts,
                                      validate_graph, validation_files)

FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
DRAFTS = ROOT / "tests" / "fixtures" / "drafts"
DECLARATIONS = ROOT / "tests" / "fixtures" / "declarations"
BASE = "https://w3id.org/crime-congress/"
D = "doc/fixture-declaration-2030/"
V, W = "Violation", "Warning"
ENGINES = ("fast", "pyshacl")

# rule -> the findings its .bad.ttl fixture gives (rule, focus relative to the base IRI, severity). One
# finding each, except where one fault necessarily breaks two rules (commented).
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    # document.ttl
    "DocumentTitle": [("DocumentTitle", "doc/fixture-compilation-2031", V)],
    "DocumentTitleLanguage": [("DocumentTitleLanguage", "doc/fixture-compilation-2031", V)],
    "DocumentTitleUniqueLang": [("DocumentTitleUniqueLang", "doc/fixture-compilation-2031", V)],
    "DocumentKind": [("DocumentKind", "doc/kindless-2031", V)],
    "DocumentOperativeParagraph": [("DocumentOperativeParagraph", "doc/fixture-other-2031", V)],
    "ResolutionSymbolForm": [("ResolutionSymbolForm", "doc/fixture-declaration-2030", V)],
    "ResolutionDate": [("ResolutionDate", "doc/fixture-declaration-2030", V)],
    "YearForm": [("YearForm", "doc/fixture-declaration-2030", V)],
    "StartDateForm": [("StartDateForm", "meeting/fixture-meeting-2030", V)],
    "EndDateForm": [("EndDateForm", "meeting/fixture-meeting-2030", V)],
    "AdoptedInResolution": [("AdoptedInResolution", "doc/fixture-declaration-2030", V)],
    # unit-core.ttl
    "UnitDocument": [("UnitDocument", D + "para/2/c", V)],
    "UnitDocumentSingle": [("UnitDocumentSingle", D + "para/2/c", V),
                           ("UnitIriUnderDocument", D + "para/2/c", V)],   # its IRI cannot be under both
    "UnitDocumentClass": [("DocumentKind", "doc/kindless-2031", V),          # the same fault, seen from the document
                          ("UnitDocumentClass", "doc/kindless-2031/formula/1", V)],
    "UnitPartOf": [("UnitPartOf", D + "para/2/c", V)],
    "UnitPartOfSingle": [("UnitPartOfSingle", D + "para/2/a", V)],
    "UnitPartOfIri": [("UnitPartOfIri", D + "annex/item/1", V)],
    "UnitPosition": [("UnitPosition", D + "formula/2", V)],
    "UnitPositionDatatype": [("UnitPositionDatatype", D + "formula/2", V)],
    "UnitLabel": [("UnitLabel", D + "formula/2", V)],
    "UnitTextLanguage": [("UnitTextLanguage", D + "formula/2", V)],
    "UnitNumberDatatype": [("UnitNumberDatatype", D + "heading/2", V)],
    "UnitUnderHeading": [("UnitUnderHeading", D + "formula/2", V)],
    "UnitUnderHeadingSingle": [("UnitUnderHeadingSingle", D + "formula/2", V)],
    "TopLevelUnitParent": [("TopLevelUnitParent", D + "formula/2", V)] * 2,  # sh:equals: one per differing value
    "SubparagraphParentClass": [("SubparagraphParentClass", D + "preamble/1/a", V)],
    "FollowOnParagraphParent": [("FollowOnParagraphParent", D + "preamble/1/p/2", V)],
    "FollowOnParagraphUnnumbered": [("FollowOnParagraphUnnumbered", D + "para/1/p/2", V)],
    "FollowOnParagraphPosition": [("FollowOnParagraphPosition", D + "para/1/p/2", V)],
    "HeadingLevel": [("HeadingLevel", D + "heading/2", V)],
    "HeadingLevelSingle": [("HeadingLevelSingle", D + "heading/2", V)],
    "HeadingLevelDatatype": [("HeadingLevelDatatype", D + "heading/2", V)],
    "MappingEntryLists": [("MappingEntryLists", "doc/fixture-compilation-2031/entry/1", V)],
    "MappingEntryListsRecommendation": [("MappingEntryListsRecommendation", "doc/fixture-compilation-2031/entry/1", V)],
    "MappingEntryCode": [("MappingEntryCode", "doc/fixture-compilation-2031/entry/1", V)],
    # numbering.ttl
    "UnitNumberSingle": [("UnitNumberSingle", D + "heading/1", V)],
    "UnitTextSingle": [("UnitTextSingle", D + "para/3", V)],
    "ParagraphNumber": [("ParagraphNumber", D + "para/4", V)],
    "ParagraphNumberForm": [("ParagraphNumberForm", D + "para/4", V),
                            ("UnitIriNumber", D + "para/4", V)],             # "4." cannot end an IRI …/para/4
    "ParagraphNumberGap": [("ParagraphNumberGap", D + "para/5", V)],
    "SubparagraphLetter": [("SubparagraphLetter", D + "para/2/ii", V)],
    "SubparagraphLetterGap": [("SubparagraphLetterGap", D + "para/2/d", V)],
    "ItemNumbering": [("ItemNumbering", D + "para/2/x/i", V)],
    "ItemNumeral": [("ItemNumeral", D + "para/2/b/iiii", V)],
    "ItemNumberGap": [("ItemNumberGap", D + "para/2/b/iv", V)],
    # footnotes.ttl
    "FootnoteRefResolves": [("FootnoteRefResolves", D + "para/3", V)],
    "FootnoteReferenced": [("FootnoteReferenced", D + "footnote/2", V)],
    "FootnoteMark": [("FootnoteMark", D + "footnote/2", V)],
    "FootnoteMarkForm": [("FootnoteMarkForm", D + "footnote/2", V),
                         ("UnitIriNumber", D + "footnote/2", V)],           # "2a" cannot end …/footnote/2
    "FootnoteRefIri": [("FootnoteRefIri", D + "para/3", V)],
    # chapeau.ttl
    "ChapeauColon": [("ChapeauColon", D + "para/4", V)],
    # markup.ttl
    "TextPresent": [("TextPresent", D + "formula/2", V)],
    "TextNotEmpty": [("TextNotEmpty", D + "formula/2", V)],
    "MarkupHtmlTag": [("MarkupHtmlTag", D + "formula/2", V)],
    "MarkupEmphasis": [("MarkupEmphasis", D + "formula/2", V)],
    "MarkupLinkArtefact": [("MarkupLinkArtefact", D + "formula/2", V)],
    "MarkupSuperscriptDigit": [("MarkupSuperscriptDigit", D + "formula/2", V)],
    "TextWhitespace": [("TextWhitespace", D + "formula/2", W)],
    # provenance.ttl
    "UnitDerivedFrom": [("UnitDerivedFrom", D + "formula/2", V)],
    "UnitDerivedFromSpan": [("UnitDerivedFromSpan", D + "formula/2", V)],
    "SpanFile": [("SpanFile", D + "formula/2/source/fixture", V)],
    "SpanFileClass": [("SpanFileClass", D + "formula/2/source/fixture", V)],
    "SpanFirstLine": [("SpanFirstLine", D + "formula/2/source/fixture", V)],
    "SpanLastLine": [("SpanLastLine", D + "formula/2/source/fixture", V)],
    "SpanLineDatatype": [("SpanLineDatatype", D + "formula/2/source/fixture", V)],
    "SpanLastLineDatatype": [("SpanLastLineDatatype", D + "formula/2/source/fixture", V)],
    "SpanLineOrder": [("SpanLineOrder", D + "formula/2/source/fixture", V)],
    "DocumentManifestationPresent": [("DocumentManifestationPresent", "doc/fixture-compilation-2031", V)],
    # iri-patterns.ttl
    "FollowOnParagraphIri": [("FollowOnParagraphIri", D + "para/1/p/1", V)],
    "DocumentIri": [("DocumentIri", "doc/Fixture_Compilation", V)],
    "ParagraphIri": [("ParagraphIri", D + "paragraph/4", V)],
    "PreambleParagraphIri": [("PreambleParagraphIri", "doc/fixture-declaration-2030/preamble-2", V)],
    "SubparagraphIri": [("SubparagraphIri", D + "para/2/sub/c", V)],
    "ItemIri": [("ItemIri", D + "para/2/b/item/iii", V)],
    "HeadingIri": [("HeadingIri", D + "headings/2", V)],
    "FormulaIri": [("FormulaIri", D + "formulas/2", V)],
    "FootnoteIri": [("FootnoteIri", D + "notes/2", V)],
    "MappingEntryIri": [("MappingEntryIri", "doc/fixture-compilation-2031/entries/1", V)],
    "ManifestationIri": [("ManifestationIri", D + "copies/fixture2", V)],
    "SourceSpanIri": [("SourceSpanIri", D + "spans/formula-2", V)],
    "TagIri": [("TagIri", D + "para/3/annotation/rule-of-law", V)],
    "UnitIriUnderDocument": [("UnitIriUnderDocument", "doc/fixture-other-2031/formula/1", V)],
    "UnitIriNumber": [("UnitIriNumber", D + "footnote/2", V)],
    "InstrumentIri": [("InstrumentIri", "instruments/fixture-convention", V)],
    "ActorIri": [("ActorIri", "actors/fixture-office", V)],
    # taxonomy.ttl
    "ConceptPrefLabel": [("ConceptPrefLabel", "theme/victims", V)],
    "ConceptPrefLabelUniqueLang": [("ConceptPrefLabelUniqueLang", "theme/victims", V)],
    "ConceptLabelsDisjoint": [("ConceptLabelsDisjoint", "theme/victims", V)],
    "ConceptInScheme": [("ConceptInScheme", "theme/victims", V)],
    "ConceptInSchemeClass": [("ConceptInSchemeClass", "theme/victims", V)],
    "ConceptEnglishLabel": [("ConceptEnglishLabel", "theme/victims", V)],
    "ConceptBroaderCycle": [("ConceptBroaderCycle", "theme/victims", V),      # both concepts are in the cycle
                            ("ConceptBroaderCycle", "theme/witnesses", V)],
    # tags.ttl
    "ThemeKnown": [("ThemeKnown", D + "para/3", V)],
    "InferredThemeKnown": [("InferredThemeKnown", D + "para/3", V)],
    "InstrumentKnown": [("InstrumentKnown", D + "para/3", V)],
    "ActorKnown": [("ActorKnown", D + "para/3", V)],
    "SdgTargetIri": [("SdgTargetIri", D + "para/3", V)],
    "SdgTargetKnown": [("SdgTargetKnown", D + "para/3", V)],
    "TaggedWithEvidence": [("TaggedWithEvidence", D + "para/3", V)],
    "TagUnit": [("TagUnit", D + "para/3/tag/theme/rule-of-law", V)],
    "TagBody": [("TagBody", D + "para/3/tag/theme/rule-of-law", V)],
    "TagTarget": [("TagTarget", D + "para/3/tag/theme/rule-of-law", V)],
    "TagSource": [("TagSource", D + "para/3/tag/theme/rule-of-law", V)],
    "TagSelector": [("TagSelector", D + "para/3/tag/theme/rule-of-law", V)],
    "TagMethod": [("TagMethod", D + "para/3/tag/theme/rule-of-law", V)],
    "TagConfidence": [("TagConfidence", D + "para/3/tag/theme/rule-of-law", V)],
    "TextQuoteExact": [("TextQuoteExact", D + "para/3/tag/theme/rule-of-law/selector", V)],
    "TextQuoteContext": [("TextQuoteContext", D + "para/3/tag/theme/rule-of-law/selector", V)],
    "TagQuoteOccurs": [("TagQuoteOccurs", D + "para/3", V)],
    "TagAsserted": [("TagAsserted", D + "para/3", V)],
}


def _rules_in_shapes() -> set[str]:
    """Every shape that reports results: an IRI with a constraint of its own (not just sh:property)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH
    graph = Graph()
    for _, text in shapes_texts():
        graph.parse(data=text, format="turtle")
    constraints = {p for p in graph.predicates() if str(p).startswith(str(SH))} - {
        SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.severity,
        SH.message, SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.select, SH.path, SH.flags}
    targeted = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                for s in graph.subjects(p, None)}
    rules = set()
    for shape in targeted | {prop for s in targeted for prop in graph.objects(s, SH.property)}:
        if isinstance(shape, URIRef) and any((shape, c, None) in graph for c in constraints):
            rules.add(str(shape).rsplit("#", 1)[1])
    return rules


def _findings(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.focus.removeprefix(BASE), f.severity) for f in report.findings)


# ------------------------------------------------------------------------------------------- the shapes
def test_every_rule_has_a_passing_and_a_failing_fixture():
    rules = _rules_in_shapes()
    assert rules == set(EXPECTED), (sorted(rules - set(EXPECTED)), sorted(set(EXPECTED) - rules))
    for rule in rules:
        assert (FIXTURES / f"{rule}.ok.ttl").is_file() and (FIXTURES / f"{rule}.bad.ttl").is_file(), rule


def test_every_rule_has_one_message_a_deliberate_severity_and_a_name():
    from crimecongress.shacl_sparql import compiled
    from crimecongress.validation import prefixes
    checks = compiled(shapes_texts(), tuple(sorted(prefixes().items())))
    assert checks
    for check in checks:
        assert check.shape.startswith(BASE + "shapes#"), check.shape
        assert len(check.messages) == 1, (check.shape, check.messages)
    texts = "".join(text for _, text in shapes_texts())
    # every shape that carries a constraint states its severity (none left to the default by accident)
    rules = _rules_in_shapes()
    for rule in rules:
        block = texts[texts.index(f"shape:{rule}\n"):]
        block = block[:block.index("\n\n") if "\n\n" in block else len(block)]
        assert "sh:severity" in block, rule


def test_shape_files_are_one_concern_each():
    names = {p.name for p in shape_files()}
    assert names >= {"document.ttl", "unit-core.ttl", "iri-patterns.ttl", "provenance.ttl", "taxonomy.ttl",
                     "tags.ttl", "numbering.ttl", "footnotes.ttl", "chapeau.ttl", "markup.ttl"}
    for path in shape_files():
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name} explains its concern first"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_fixture_base_conforms(engine):
    report = validate_graph(FIXTURES / "base.ttl", engine=engine)
    assert report.findings == ()


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_fixture_pair(rule):
    """ok.ttl conforms and bad.ttl gives exactly the expected findings, the same with both engines."""
    for variant, expected in (("ok", []), ("bad", sorted(EXPECTED[rule]))):
        paths = [FIXTURES / "base.ttl", FIXTURES / f"{rule}.{variant}.ttl"]
        fast, reference = (validate_graph(paths, engine=engine) for engine in ENGINES)
        assert fast.keys() == reference.keys(), f"{rule}.{variant}: the engines disagree"
        assert _findings(fast) == expected, f"{rule}.{variant}"


def test_sparql_messages_name_the_fault():
    report = validate_graph([FIXTURES / "base.ttl", FIXTURES / "ParagraphNumberGap.bad.ttl"])
    (finding,) = report.findings
    assert finding.message == "numbering gap: paragraph 4 is missing (3 is followed by 5)"
    assert (finding.file, finding.line, finding.position) == ("fixture.txt", 22, 12)
    assert finding.label == "Fixture Declaration, para. 5"
    assert finding.document == BASE + "doc/fixture-declaration-2030"


def test_store_normalised_literals_do_not_hide_datatype_errors():
    """Oxigraph stores "0"^^xsd:positiveInteger as "0"^^xsd:integer (oxigraph#526); the fast engine must
    still see the literal as written, and report it as written."""
    (finding,) = validate_graph([FIXTURES / "base.ttl", FIXTURES / "UnitPositionDatatype.bad.ttl"]).findings
    assert finding.value == '"0"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>'
    (finding,) = validate_graph([FIXTURES / "base.ttl", FIXTURES / "TagConfidence.bad.ttl"]).findings
    assert finding.value == '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'


def test_an_unsupported_constraint_is_refused_not_skipped():
    from crimecongress.shacl_sparql import UnsupportedShape, compiled
    text = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( [ sh:class ex:A ] [ sh:class ex:B ] ) ;
        sh:message "one of A or B" ."""
    with pytest.raises(UnsupportedShape):
        compiled((("x.ttl", text),), ())


def test_the_project_shapes_compile_to_one_query_per_constraint():
    """Every shape in shapes/ compiles (a refusal would stop the build) into queries over the whole store: none
    runs once per focus node (a $this a join cannot bind) or needs the data's literals checked first."""
    from crimecongress.shacl_sparql import compiled
    from crimecongress.validation import prefixes
    checks = compiled(shapes_texts(), tuple(sorted(prefixes().items())))
    assert len({c.shape for c in checks}) > 50
    assert [c.shape for c in checks if c.prebound or c.datatypes] == []


def test_compiled_checks_are_kept_in_the_cache_and_an_edited_shape_is_compiled_anew(tmp_path):
    """A draft's check reads the compiled shapes back from the cache, keyed by the shapes' text: a changed
    message (or any other edit) is a new key, so the check can never run yesterday's shapes."""
    from crimecongress import cache
    from crimecongress.shacl_sparql import compiled
    from crimecongress.validation import prefixes
    from crimecongress.validation.fast import compiled_checks
    texts, names = shapes_texts(), tuple(sorted(prefixes().items()))
    old = "its chapeau must end with a colon"
    assert sum(old in text for _, text in texts) == 1
    edited = tuple((name, text.replace(old, "its chapeau must end with ':'")) for name, text in texts)
    with cache.using(cache.Cache(tmp_path)) as store:
        first = compiled_checks(texts, names)
        assert (store.hits, store.misses) == (0, 1)
        assert compiled_checks(texts, names) == first and store.hits == 1
        messages = {m for check in compiled_checks(edited, names) for m in check.messages}
        assert store.misses == 2
        assert any("end with ':'" in m for m in messages) and not any(old in m for m in messages)
    assert first == compiled(texts, names)


def test_shapes_the_fast_engine_refuses_stop_validate_in_one_line(tmp_path, monkeypatch):
    """A shape the fast engine does not compile is never skipped: `validate` exits 2 with one line naming the
    shapes file and line, the construct, and the engine that can run it."""
    import crimecongress.validation.shapes as validate
    for path in shape_files():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "document.ttl").open("a", encoding="utf-8") as out:
        out.write("\nshape:ClosedDocument\n    a sh:NodeShape ;\n    sh:targetClass uncc:Document ;\n"
                  "    sh:closed true .\n")
    line = len((tmp_path / "document.ttl").read_text(encoding="utf-8").splitlines()) - 3
    monkeypatch.setattr(validate, "SHAPES_DIR", tmp_path)
    result = _run(str(FIXTURES / "base.ttl"))
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
    assert f"document.ttl:{line}: " in result.stderr and "sh:closed" in result.stderr, result.stderr
    assert "ClosedDocument" in result.stderr and "--engine pyshacl" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _run("--engine", "pyshacl", str(FIXTURES / "base.ttl")).exit_code == 1    # sh:closed fails the base


def test_values_the_store_keeps_as_one_are_refused_not_counted_once():
    """"05" and "5"^^xsd:integer are two values in SHACL and one literal in the Store: a sh:maxCount 1 on them
    would pass on the Store, so the fast engine refuses rather than answers."""
    from crimecongress.shacl_sparql import UnsupportedShape, compile_shapes, run_checks
    from crimecongress.validation import Data
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property ex:One . ex:One sh:path ex:p ; sh:maxCount 1 ."""
    checks = compile_shapes(list(ox.parse(shapes.encode(), format=ox.RdfFormat.TURTLE)))
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    for forms, refused in ((("05", "5"), True), (("5", "6"), False)):
        data = "".join(f'<http://example.org/a> <http://example.org/p> "{f}"^^{integer} .\n' for f in forms)
        store, literals = Data(ntriples=[("d.nt", data.encode())]).store()
        if refused:
            with pytest.raises(UnsupportedShape, match="which the Store keeps as one"):
                run_checks(store, checks, literals)
        else:
            assert [r.component.rsplit("#")[-1] for r in run_checks(store, checks, literals)] == \
                ["MaxCountConstraintComponent"]


# Every construct the compiler turns into an anti-join (MINUS, or a flag: OPTIONAL + BOUND) instead of
# (NOT) EXISTS, on data with the cases where the two could differ: several values, a sequence path whose
# chain breaks halfway, variables the anti-join does not share, nested shapes, and paths that may have
# length zero (still compiled with EXISTS). Not covered, in either form: a sh:targetNode absent from the data
# with a path that may have length zero (Oxigraph 0.5 links such a node to nothing, pyshacl to itself).
_ANTI_JOIN_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property ex:Seq , ex:Inv , ex:AltValue , ex:Eq , ex:EqSeq , ex:Plus , ex:Star , ex:OrP , ex:NotP , ex:NodeP ,
        ex:Opt .
ex:Seq sh:path ( ex:p ex:q ) ; sh:minCount 1 .
ex:Inv sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 .
ex:AltValue sh:path [ sh:alternativePath ( ex:p ex:r ) ] ; sh:hasValue ex:v1 .
ex:Eq sh:path ex:p ; sh:equals ex:r .
ex:EqSeq sh:path ( ex:p ex:q ) ; sh:equals ex:r .
ex:Plus sh:path [ sh:oneOrMorePath ex:p ] ; sh:hasValue ex:v2 .
ex:Star sh:path [ sh:zeroOrMorePath ex:p ] ; sh:hasValue ex:v1 .
ex:Opt sh:path [ sh:zeroOrOnePath ex:q ] ; sh:minCount 1 .
ex:OrP sh:path ex:p ; sh:or ( [ sh:class ex:K ] [ sh:path ( ex:q ex:q ) ; sh:minCount 1 ; sh:class ex:K ] ) .
ex:NotP sh:path ex:p ; sh:not [ sh:path ex:q ; sh:hasValue ex:v1 ] .
ex:NodeP sh:path ex:r ; sh:node ex:N .
ex:N a sh:NodeShape ; sh:class ex:K ;
    sh:property [ sh:path ex:q ; sh:maxCount 1 ] , [ sh:path ex:r ; sh:maxCount 0 ] ,
        [ sh:path [ sh:inversePath ex:r ] ; sh:minCount 1 ; sh:nodeKind sh:IRI ] .
ex:T a sh:NodeShape ; sh:targetNode ex:a1 , ex:b3 , ex:c2 ;
    sh:or ( [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:hasValue ex:v2 ] [ sh:path ex:r ; sh:minCount 1 ] ) ;
    sh:property ex:TStar .
ex:TStar sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 .
ex:U a sh:NodeShape ; sh:targetClass ex:C ;
    sh:or ( [ sh:path ex:q ; sh:minCount 1 ] [ sh:class ex:K ; sh:property [ sh:path ex:r ; sh:class ex:K ] ] ) .
ex:K2 rdfs:subClassOf ex:K .
"""
_ANTI_JOIN_DATA = """
@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:K2 rdfs:subClassOf ex:K .
ex:a1 a ex:C ; ex:p ex:b1 , ex:b2 ; ex:r ex:b1 , ex:v1 .
ex:b1 a ex:K ; ex:q ex:c1 , ex:v1 ; ex:r ex:x .
ex:b2 a ex:K2 ; ex:q ex:c2 .
ex:c1 ex:q ex:d1 . ex:d1 a ex:K .
ex:a2 a ex:C ; ex:p ex:b3 ; ex:r ex:c1 .
ex:b3 ex:p ex:v2 ; ex:q ex:c1 .
ex:a3 a ex:C , ex:K2 ; ex:r ex:k1 .
ex:k1 a ex:K ; ex:q ex:e1 .
ex:a4 a ex:C ; ex:q ex:e2 ; ex:p ex:a4 ; ex:r ex:a4 .
ex:x ex:p ex:a1 , ex:a3 .
"""


def _engine_results(shapes: str, data: str) -> tuple[set, set]:
    """(fast, pyshacl) results of shapes on data, as (focus, shape, component, path, value) sets."""
    import pyshacl
    from rdflib import Graph, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import RDF, SH

    from crimecongress.shacl_sparql import compiled, render_path, run_checks
    from crimecongress.validation.pyshacl_engine import _to_ox
    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    names = {"ex": "http://example.org/"}
    fast = {(r.focus, r.shape, r.component, r.path, r.value)
            for r in run_checks(store, compiled((("s.ttl", shapes),), tuple(names.items())))}
    shapes_graph = Graph().parse(data=shapes, format="turtle")
    _, results, _ = pyshacl.validate(Graph().parse(data=data, format="turtle"), shacl_graph=shapes_graph,
                                     inference="none", allow_warnings=True, meta_shacl=False)

    def path(node) -> str:
        graph = results if isinstance(node, URIRef) or (node, None, None) in results else shapes_graph
        return render_path(node, lambda n, p: list(graph.objects(n, URIRef(p))),
                           lambda n: list(Collection(graph, n)), names) if node is not None else ""
    reference = {(_to_ox(results.value(r, SH.focusNode)), str(results.value(r, SH.sourceShape)),
                  str(results.value(r, SH.sourceConstraintComponent)), path(results.value(r, SH.resultPath)),
                  _to_ox(results.value(r, SH.value)))
                 for report in results.subjects(RDF.type, SH.ValidationReport)
                 for r in results.objects(report, SH.result)}
    return fast, reference


def test_anti_joins_give_the_same_results_as_pyshacl():
    fast, reference = _engine_results(_ANTI_JOIN_SHAPES, _ANTI_JOIN_DATA)
    assert fast == reference
    fired = {shape.rsplit("/", 1)[-1] for _, shape, *_ in fast}
    # the data makes every constraint both hold somewhere and fail somewhere
    assert fired >= {"Seq", "Inv", "AltValue", "Eq", "EqSeq", "Plus", "Star", "OrP", "NotP", "NodeP", "U", "T"}, fired
    focus = {(f.value.rsplit("/", 1)[-1], shape.rsplit("/", 1)[-1]) for f, shape, *_ in fast}
    assert ("a3", "Seq") in focus and ("a1", "Seq") not in focus and ("c2", "T") in focus and ("b3", "T") not in focus


def test_the_constructs_the_w3c_suite_found_missing_agree_with_pyshacl():
    """Each of these was silently skipped or checked wrong before: a shape that is also a class (implicit
    target), sh:property inside a property shape (on its value nodes), a deactivated nested shape, sh:hasValue
    on a node shape (no value), and SPARQL constraints whose $this sits in a nested group or OPTIONAL BIND (run
    once per focus node), with $currentShape and a selected ?path."""
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ex:C a rdfs:Class , sh:NodeShape ; sh:property ex:CP .
    ex:CP sh:path ex:p ; sh:property ex:Inner . ex:Inner sh:path ex:q ; sh:minCount 1 .
    ex:H a sh:NodeShape ; sh:targetNode ex:a1 , ex:a2 ; sh:hasValue ex:a1 ; sh:node ex:Off .
    ex:Off a sh:NodeShape ; sh:deactivated true ; sh:class ex:Nothing .
    ex:Q a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"\"\"
        SELECT $this ?path ?value WHERE { { $this ?path ?value . FILTER ($this = <http://example.org/a1>) }
            OPTIONAL { BIND ($currentShape AS ?shape) } FILTER (bound(?shape) && ?path = <http://example.org/p>) }
        \"\"\" ] ."""
    data = """@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ex:D rdfs:subClassOf ex:C .
    ex:a1 a ex:C ; ex:p ex:b1 , ex:b2 . ex:b1 ex:q ex:c . ex:a2 a ex:D ; ex:p ex:b3 ."""
    fast, reference = _engine_results(shapes, data)
    assert fast == reference
    found = {(f.value.rsplit("/", 1)[-1], s.rsplit("/", 1)[-1], c.rsplit("#", 1)[-1], v) for f, s, c, _, v in fast}
    assert found == {("b2", "Inner", "MinCountConstraintComponent", None),
                     ("b3", "Inner", "MinCountConstraintComponent", None),
                     ("a2", "H", "HasValueConstraintComponent", None),
                     ("a1", "Q", "SPARQLConstraintComponent", ox.NamedNode("http://example.org/b1")),
                     ("a1", "Q", "SPARQLConstraintComponent", ox.NamedNode("http://example.org/b2"))}, found


def test_the_compiled_core_constraints_use_no_exists():
    """(NOT) EXISTS has an unstable plan in Oxigraph 0.5 (benchmarks/README-scale.md): the core constraints
    compile to anti-joins, and the slow SHACL-SPARQL rules carry an anti-join shape:fastSelect."""
    from crimecongress.shacl_sparql import compiled
    from crimecongress.validation import prefixes
    checks = compiled(shapes_texts(), tuple(sorted(prefixes().items())))
    assert [c.shape for c in checks if not c.sparql and "EXISTS" in c.query.upper()] == []
    for rule in ("ItemNumberGap", "DocumentOperativeParagraph", "TaggedWithEvidence", "TagAsserted",
                 "ParagraphNumberGap", "SubparagraphLetterGap"):
        (check,) = [c for c in checks if c.shape == BASE + "shapes#" + rule]
        assert "EXISTS" not in check.query.upper() and "MINUS" in check.query, rule


# ------------------------------------------------------------------------------------------ real data
@pytest.fixture(scope="session")
def dataset_graph(corpus, catalogue):
    """The built dataset when there is one, else every document of the corpus emitted here."""
    for name in ("dataset.nt", "dataset.nt.gz"):
        if (ROOT / "build" / name).is_file():
            return ROOT / "build" / name
    from crimecongress.ids import Minter
    from crimecongress.rdf.emit import corpus_graphs
    return [t for document in corpus_graphs(corpus, catalogue, Minter(BASE)) for t in document.graph]


@pytest.fixture(scope="session")
def dataset_reports(dataset_graph):
    return {engine: validate_graph(dataset_graph, engine=engine) for engine in ENGINES}


def test_both_engines_give_the_same_findings_on_the_real_dataset(dataset_reports):
    fast, reference = dataset_reports["fast"], dataset_reports["pyshacl"]
    assert fast.triples > 20000
    assert fast.keys() == reference.keys()
    assert fast.findings == reference.findings


def test_the_real_dataset_conforms(dataset_reports):
    report = dataset_reports["fast"]
    assert report.conforms, format_text(report)


def test_validation_files_are_deterministic_and_standard(dataset_reports):
    report = validate_graph([FIXTURES / "base.ttl", FIXTURES / "ChapeauColon.bad.ttl",
                             FIXTURES / "TextWhitespace.bad.ttl"])
    files = validation_files(report)
    assert files == validation_files(validate_graph([FIXTURES / "base.ttl", FIXTURES / "TextWhitespace.bad.ttl",
                                                     FIXTURES / "ChapeauColon.bad.ttl"]))
    assert sorted(files) == ["validation-report.ttl", "validation-report.txt"]
    graph = ox.Store()
    graph.load(files["validation-report.ttl"], format=ox.RdfFormat.TURTLE)
    rows = list(graph.query("""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?conforms (COUNT(?r) AS ?n) WHERE { ?report a sh:ValidationReport ; sh:conforms ?conforms ;
        sh:result ?r . ?r a sh:ValidationResult ; sh:focusNode ?f ; sh:resultSeverity ?s ; sh:sourceShape ?shape ;
        sh:resultMessage ?m } GROUP BY ?conforms"""))
    assert [(r["conforms"].value, int(r["n"].value)) for r in rows] == [("false", 2)]
    text = files["validation-report.txt"].decode()
    assert text.splitlines()[-1] == "does not conform: 1 violation, 1 warning"
    clean = validation_files(dataset_reports["fast"])
    assert b"sh:conforms true" in clean["validation-report.ttl"]


def test_the_turtle_report_writes_complex_paths_as_shacl_paths():
    report = validate_graph([FIXTURES / "base.ttl", FIXTURES / "TagSource.bad.ttl"])
    (finding,) = report.findings
    assert finding.path == "oa:hasTarget/oa:hasSource"
    assert "sh:resultPath ( oa:hasTarget oa:hasSource ) ;" in format_turtle(report)


# --------------------------------------------------------------------------------------------- the CLI
DRAFT_FINDINGS = {  # draft -> (rule, line of the unit at fault)
    "missing-paragraph.md": ("ParagraphNumberGap", 31),
    "letter-i-after-g.md": ("SubparagraphLetterGap", 25),
    "footnote-not-given.md": ("FootnoteRefResolves", 13),
    "footnote-unreferenced.md": ("FootnoteReferenced", 17),
    "chapeau-without-colon.md": ("ChapeauColon", 9),
    "leftover-sup-markup.md": ("MarkupHtmlTag", 9),
    "tag-with-slash-attributes.md": ("MarkupHtmlTag", 9),
    "no-operative-paragraph.md": ("DocumentOperativeParagraph", 1),
    "roman-at-letter-level.md": ("SubparagraphLetter", 13),
}


def _run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


@pytest.mark.parametrize("draft", sorted(DRAFT_FINDINGS))
def test_a_draft_with_one_fault_gives_exactly_that_finding(draft):
    path = str(DRAFTS / draft)
    result = _run(path, "--format", "json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["file"], f["line"], f["severity"]) for f in findings] == [
        (DRAFT_FINDINGS[draft][0], path, DRAFT_FINDINGS[draft][1], "Violation")]


def test_the_drafts_name_the_missing_numbers():
    messages = {draft: json.loads(_run(str(DRAFTS / draft), "--format", "json").stdout)["findings"][0]["message"]
                for draft in ("missing-paragraph.md", "letter-i-after-g.md", "footnote-not-given.md")}
    assert messages["missing-paragraph.md"] == "numbering gap: paragraph 12 is missing (11 is followed by 13)"
    assert messages["letter-i-after-g.md"] == "lettering gap: subparagraph (h) is missing ((g) is followed by (i))"
    assert messages["footnote-not-given.md"].startswith("footnote 7 is cited here but its text is not given")


def test_a_text_report_line_names_file_line_paragraph_rule_and_fix():
    result = _run(str(DRAFTS / "missing-paragraph.md"))
    first, summary = result.stdout.splitlines()
    assert first == (f"{DRAFTS / 'missing-paragraph.md'}:31: Violation [ParagraphNumberGap] Draft Declaration on "
                     "Drafting Without Gaps, para. 13: numbering gap: paragraph 12 is missing (11 is followed by 13)")
    assert summary == "does not conform: 1 violation, 0 warnings"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_sources_conform(engine):
    sources = sorted(str(p) for p in (ROOT / "sources").glob("*.txt"))
    result = _run(*sources, "--engine", engine)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("conforms")


def test_a_draft_that_conforms_exits_0_and_warnings_do_not_fail(tmp_path):
    assert _run(str(DECLARATIONS / "new_declaration.md")).exit_code == 0
    result = _run(str(FIXTURES / "base.ttl"), str(FIXTURES / "TextWhitespace.bad.ttl"))
    assert result.exit_code == 0 and "Warning [TextWhitespace]" in result.stdout


def test_rdf_input_by_suffix_and_by_option(tmp_path):
    from rdflib import Graph
    data = (FIXTURES / "base.ttl").read_bytes()
    graph = Graph().parse(data=data, format="turtle")   # not through a pyoxigraph Store: it rewrites datatypes
    (tmp_path / "data.nt").write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    (tmp_path / "data.jsonld").write_bytes(graph.serialize(format="json-ld", encoding="utf-8"))
    (tmp_path / "data.rdf-text").write_bytes(data)
    (tmp_path / "data.ttl.gz").write_bytes(__import__("gzip").compress(data))
    for name, extra in (("data.nt", []), ("data.jsonld", []), ("data.rdf-text", ["--rdf-format", "turtle"]),
                        ("data.ttl.gz", [])):
        result = _run(str(tmp_path / name), *extra)
        assert result.exit_code == 0, (name, result.output)


def test_turtle_output_is_a_shacl_report():
    result = _run(str(DRAFTS / "chapeau-without-colon.md"), "--format", "turtle")
    assert result.exit_code == 1
    store = ox.Store()
    store.load(result.stdout.encode(), format=ox.RdfFormat.TURTLE)
    assert len(list(store.query("PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?r WHERE { ?x sh:result ?r }"))) == 1


BAD_INPUT = {  # file content (or None for a missing file) -> what the one-line reason must say
    "missing.ttl": (None, r"missing\.ttl: no such file"),
    "broken.ttl": (b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \"open .\n",
                   r"broken\.ttl:3:11: not valid RDF"),
    "broken.nt": (b"<http://example.org/a> <http://example.org/b> .\n", r"broken\.nt:1:\d+: not valid RDF"),
    "broken.jsonld": (b'{"@id": "http://example.org/a", "http://example.org/b": [}', r"broken\.jsonld:1:\d+: not valid RDF"),
    "binary.pdf": (b"%PDF-1.7\x00\x01", r"binary\.pdf: cannot read the PDF"),
    "binary.xlsx": (b"PK\x03\x04\x00\x01", r"binary\.xlsx: cannot tell the RDF format"),
    "latin1.txt": ("# Déclaration\n\n1. Texte.\n".encode("latin-1"), r"latin1\.txt:1: not UTF-8"),
    "binary.md": (b"# Title\n\x00\x01", r"binary\.md:2: this is a binary file"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_unreadable_or_malformed_input_exits_2_with_one_line(tmp_path, name):
    content, reason = BAD_INPUT[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = _run(str(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert re.search(reason, result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_validate_in_a_fresh_process():
    """The installed entry point: exit code 1 and the finding on stdout, nothing on stderr."""
    run = subprocess.run([sys.executable, "-m", "crimecongress", "validate", str(DRAFTS / "missing-paragraph.md")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert "[ParagraphNumberGap]" in run.stdout and run.stderr == ""


def test_another_base_iri_gives_the_same_findings():
    report, _ = validate_paths([DRAFTS / "missing-paragraph.md"], base="https://example.org/cc/")
    (finding,) = report.findings
    assert finding.rule == "ParagraphNumberGap"
    assert finding.focus == "https://example.org/cc/doc/draft-declaration-on-drafting-without-gaps/para/13"
    assert finding.shape == "https://example.org/cc/shapes#ParagraphNumberGap"


def _damaged(graph):
    """The corpus with every kind of fault a careless edit makes, at random but reproducibly: triples
    dropped, numbers changed, markup and stray spaces added, texts doubled, types lost."""
    import random

    from crimecongress.rdf.namespaces import ELI, RDF, XSD, NS
    rng = random.Random(20300101)
    text, number, position = NS("uncc").text, ELI.number, NS("uncc").position
    damaged: dict[ox.Triple, None] = {}
    for s, p, o in sorted(graph, key=lambda t: (t.subject.value, t.predicate.value, str(t.object))):
        roll = rng.random()
        if roll < 0.015:
            continue                                            # a triple lost
        if p == text and roll < 0.05:
            o = ox.Literal(o.value.replace(" ", "  ", 1) + rng.choice(["**", "<sup>3</sup", "¹", "", " [x](#)"]),
                           language="en")
        elif p == text and roll < 0.07:
            damaged[ox.Triple(s, p, ox.Literal(o.value + " (second copy)", language="en"))] = None
        elif p == number and roll < 0.06:
            o = ox.Literal(rng.choice(["7", "b", "iv", "12.", "xx", "q"]))
        elif p == position and roll < 0.06:
            o = ox.Literal(o.value, datatype=XSD.integer)
        elif p == RDF.type and roll < 0.04:
            continue
        damaged[ox.Triple(s, p, o)] = None
    return list(damaged)


def test_both_engines_agree_on_a_damaged_dataset(corpus, catalogue):
    from crimecongress.ids import Minter
    from crimecongress.rdf.emit import corpus_graphs
    damaged = _damaged(t for document in corpus_graphs(corpus, catalogue, Minter(BASE)) for t in document.graph)
    fast, reference = (validate_graph(damaged, engine=engine) for engine in ENGINES)
    assert fast.keys() == reference.keys()
    assert len(fast.findings) > 200 and len({f.rule for f in fast.findings}) >= 25, sorted({f.rule for f in fast.findings})


def test_a_regional_report_may_quote_paragraphs_without_text_and_letters_with_gaps():
    """The rpm-report-* documents hold only what the compilation quotes: paragraph 62 without words of its
    own, its recommendation (c) without (a) and (b). The numbering and text rules exempt them on purpose."""
    ok = FIXTURES / "MappingEntryLists.ok.ttl"
    assert "rpm-report-fixture/para/62/c" in ok.read_text() and "rpm-report-fixture/para/62/a" not in ok.read_text()
    assert validate_graph([FIXTURES / "base.ttl", ok]).findings == ()


def test_i_after_h_is_a_letter(tmp_path):
    letters = "abcdefghij"
    draft = tmp_path / "letters.md"
    draft.write_text("# Draft Declaration on the Letter i\n\nDeclare the following:\n\n1. We undertake:\n\n"
                     + "\n\n".join(f"({letter}) To act{';' if letter != 'j' else '.'}" for letter in letters)
                     + "\n\n2. We thank the host country.\n", encoding="utf-8")
    result = _run(str(draft), "--format", "json")
    assert result.exit_code == 0, result.stdout
    report, _ = validate_paths([draft])
    assert report.findings == ()


# ------------------------------------------------------------------------------ drafts: one fault, one finding
def _clean_draft() -> list[str]:
    """missing-paragraph.md renumbered 1-13 (it conforms): paragraphs 11, 12 and 13 on lines 29, 31 and 33."""
    lines = (DRAFTS / "missing-paragraph.md").read_text(encoding="utf-8").split("\n")
    assert lines[30].startswith("13. ") and lines[32].startswith("14. ")
    lines[30], lines[32] = "12." + lines[30][3:], "13." + lines[32][3:]
    return lines


def _write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_the_renumbered_draft_conforms(tmp_path):
    report, _ = validate_paths([_write(tmp_path, "clean.md", _clean_draft())])
    assert report.findings == ()


@pytest.mark.parametrize("fault, new, rule, message", [
    ("repeated", "11. We undertake to provide technical assistance;", "NumberRepeated",
     "the number 11 is printed again (Draft Declaration on Drafting Without Gaps, para. 11 is at line 29): "
     "this one should be 12"),
    ("empty", "12.", "TextPresent",
     "the unit has no text: its words are missing (an empty paragraph, or a number with nothing after it)"),
])
def test_a_repeated_number_or_an_empty_paragraph_is_one_finding_on_its_line(tmp_path, fault, new, rule, message):
    """Not a text printed twice plus a gap after it; not a gap after an empty paragraph."""
    lines = _clean_draft()
    lines[30] = new
    path = _write(tmp_path, f"{fault}.md", lines)
    result = _run(str(path), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["file"], f["line"], f["message"]) for f in findings] == [(rule, str(path), 31, message)]


def test_a_long_title_is_cited_briefly(tmp_path):
    lines = _clean_draft()
    lines[0] = "# Draft Declaration on " + "the Prevention of Crime and the Treatment of Offenders and " * 3 + "Justice"
    lines[32] = "14." + lines[32][3:]
    report, _ = validate_paths([_write(tmp_path, "long.md", lines)])
    (finding,) = report.findings
    assert finding.label == "Draft Declaration on the Prevention of Crime and the…, para. 14"


def test_drafts_with_the_same_title_are_each_their_own_document(tmp_path):
    """Two drafts of one declaration are not two copies that differ: the second is renamed, with an Info."""
    first = _write(tmp_path, "first.md", _clean_draft())
    lines = _clean_draft()
    lines[32] = "14." + lines[32][3:]
    second = _write(tmp_path, "second.md", lines)
    report, files = validate_paths([first, second])
    assert [(f.rule, f.severity, files[f.file], f.line, f.document.removeprefix(BASE)) for f in report.findings] == [
        ("DistinctDocument", "Info", str(second), 1, "doc/draft-declaration-on-drafting-without-gaps-2"),
        ("ParagraphNumberGap", "Violation", str(second), 33, "doc/draft-declaration-on-drafting-without-gaps-2")]
    assert report.summary() == "does not conform: 1 violation, 0 warnings, 1 info"


def test_a_file_that_cannot_be_read_does_not_hide_the_others(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(BAD_INPUT["broken.ttl"][0])
    draft = DRAFTS / "missing-paragraph.md"
    result = _run(str(broken), str(draft))
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines() == [
        f"{draft}:31: Violation [ParagraphNumberGap] Draft Declaration on Drafting Without Gaps, para. 13: "
        "numbering gap: paragraph 12 is missing (11 is followed by 13)",
        f"{broken}:3: Violation [InputError] {broken}: not valid RDF: " + result.stdout.split("not valid RDF: ")[1]
        .splitlines()[0],
        "does not conform: 2 violations, 0 warnings; 1 file could not be read"]
    assert "Traceback" not in result.output
