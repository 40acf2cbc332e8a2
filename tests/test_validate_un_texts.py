"""`crimecongress validate` on real UN texts (../shared/un-texts, read in place): the adopted resolutions
conform, a copy with one drafting fault gives exactly one finding on the fault's line, and several files
are checked each on its own."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crimecongress.cli import main
from crimecongress.drafts import validate_paths

SHARED = Path(__file__).resolve().parents[2] / "shared" / "un-texts"
ADOPTED = sorted((SHARED / "ga-res-80").glob("A_RES_80_*.md"))
PDF_LAYOUT = sorted((SHARED / "ga-res-80-pdf-layout").glob("A_RES_80_*.txt"))
BASE = "https://w3id.org/crime-congress/"

pytestmark = pytest.mark.skipif(not ADOPTED, reason="../shared/un-texts is not available")


def test_the_shared_texts_are_all_there():
    assert len(ADOPTED) == 51 and len(PDF_LAYOUT) == 7


@pytest.mark.parametrize("path", ADOPTED + PDF_LAYOUT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_adopted_resolution_has_no_violation(path):
    report, _ = validate_paths([path])
    assert report.violations == (), [f"{f.line}: {f.rule} {f.message}" for f in report.violations]


def _types(report, iri: str) -> set[str]:
    return {f.rule for f in report.findings if f.focus == iri}


def test_a_resolution_is_a_resolution_and_its_annex_names_it(tmp_path):
    """A/RES/80/5 adopts the Doha Political Declaration in an annex: two documents, the annex adopted in
    the resolution, which carries its symbol and date; follow-on paragraphs are units of their own kind."""
    import pyoxigraph as ox

    from crimecongress.drafts import text_graphs
    read = text_graphs([SHARED / "ga-res-80" / "A_RES_80_5.md"])
    store = ox.Store()
    for graph in read.graphs:
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph)
    rows = list(store.query(f"""
        PREFIX uncc: <{BASE}ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?annex ?symbol ?date WHERE {{
            ?annex a uncc:Declaration ; uncc:adoptedIn ?resolution .
            ?resolution a uncc:ResolutionDocument ; uncc:resolutionSymbol ?symbol ; dcterms:date ?date .
        }}"""))
    assert [(r["annex"].value, r["symbol"].value, r["date"].value) for r in rows] == [
        (BASE + "doc/a-res-80-5-annex", "A/RES/80/5", "2025-11-04")]
    follow_ons = [r["unit"].value for r in store.query(f"""
        PREFIX uncc: <{BASE}ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?unit WHERE {{
            ?unit a uncc:FollowOnParagraph ; eli:is_part_of ?parent . ?parent a uncc:Paragraph .
        }}""")]
    assert follow_ons and all("/para/" in iri and "/p/" in iri for iri in follow_ons)
    labels = {r["label"].value for r in store.query(f"""
        PREFIX uncc: <{BASE}ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE {{ ?unit uncc:document ?doc ; rdfs:label ?label . }}""")}
    assert "A/RES/80/5, para. 1" in labels and "A/RES/80/5, annex, para. 8" in labels
    assert any(label.startswith("A/RES/80/5, annex, para. ") and ", paragraph 2" in label for label in labels)
    assert max(len(label) for label in labels) < 60


def test_a_subparagraph_lettered_p_is_not_taken_for_a_follow_on_paragraph():
    """para/5/p is subparagraph (p); para/5/p/2 would be a follow-on paragraph: the label tells them apart."""
    from crimecongress.corpus import SOURCES_DIR, load_corpus
    from crimecongress.rdf.emit import citation_label

    document = load_corpus(SOURCES_DIR).document("doha-declaration-2015")
    unit = document.unit(BASE + "doc/doha-declaration-2015/para/5/p")
    assert citation_label("Doha Declaration", document.iri, unit) == "Doha Declaration, para. 5 (p)"


# --------------------------------------------------------------------------------------- broken drafts
# A/RES/80/1 (as adopted): formula, five preambular paragraphs (footnote 1 on the first), paragraph 1 with
# (a)-(c) on lines 38, 44, 46, paragraphs 2 and 3 on lines 48 and 50, footnote 1 on line 56.
PALESTINE = SHARED / "ga-res-80" / "A_RES_80_1.md"


def _draft(tmp_path: Path, name: str, line: int, old: str, new: str) -> Path:
    """A copy of A/RES/80/1 with line `line` starting `new` instead of `old` (`new` ending in "$": the
    whole line becomes `new`)."""
    lines = PALESTINE.read_text(encoding="utf-8").split("\n")
    assert lines[line - 1].startswith(old), lines[line - 1][:40]
    lines[line - 1] = new[:-1] if new.endswith("$") else new + lines[line - 1][len(old):]
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_the_draft_source_conforms():
    report, _ = validate_paths([PALESTINE])
    assert report.findings == ()


@pytest.mark.parametrize("fault, line, old, new, rule, words", [
    ("repeated", 48, "2.", "1.", "NumberRepeated",
     "the number 1 is printed again (A/RES/80/1, para. 1 is at line 36): this one should be 2"),
    ("repeated-last", 50, "3.", "2.", "NumberRepeated",
     "the number 2 is printed again (A/RES/80/1, para. 2 is at line 48): this one should be 3"),
    ("repeated-letter", 44, "(b)", "(a)", "NumberRepeated",
     "the letter (a) is printed again (A/RES/80/1, para. 1 (a) is at line 38): this one should be (b)"),
    ("gap", 50, "3.", "4.", "ParagraphNumberGap", "numbering gap: paragraph 3 is missing (2 is followed by 4)"),
    ("empty", 48, "2. Also decides", "2.$", "TextPresent", "the unit has no text"),
    ("letter", 46, "(c)", "(d)", "SubparagraphLetterGap",
     "lettering gap: subparagraph (c) is missing ((b) is followed by (d))"),
    ("marker", 30, "Taking note", "Taking[^2] note", "FootnoteRefResolves", "footnote 2 is cited here"),
])
def test_a_draft_with_one_fault_gives_one_finding_on_its_line(tmp_path, fault, line, old, new, rule, words):
    path = _draft(tmp_path, f"{fault}.md", line, old, new)
    report, files = validate_paths([path])
    assert [(f.rule, f.line, f.severity) for f in report.findings] == [(rule, line, "Violation")]
    finding = report.findings[0]
    assert words in finding.message
    assert finding.label.startswith("A/RES/80/1, ")
    assert files[finding.file] == str(path)


def test_a_repeated_number_is_one_line_on_the_repeat(tmp_path):
    """The repeat is one finding: not also a text printed twice, nor a gap after it."""
    path = _draft(tmp_path, "repeated.md", 48, "2.", "1.")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:48: Violation [NumberRepeated] A/RES/80/1, para. 1: the number 1 is printed again "
        "(A/RES/80/1, para. 1 is at line 36): this one should be 2",
        "does not conform: 1 violation, 0 warnings"]


def test_a_repeat_before_the_next_number_is_left_out(tmp_path):
    """1, 2, 2, 3: the second 2 is printed twice, the numbering goes on from it; nothing else is reported."""
    lines = PALESTINE.read_text(encoding="utf-8").split("\n")
    lines.insert(49, lines[47].replace("Also decides", "Decides again") + "\n")
    path = tmp_path / "twice.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    report, _ = validate_paths([path])
    assert [(f.rule, f.line) for f in report.findings] == [("NumberRepeated", 50)]
    assert report.findings[0].message.endswith("(A/RES/80/1, para. 2 is at line 48): renumber this one and the "
                                               "ones after it")


def test_both_engines_agree_on_resolutions_with_follow_on_paragraphs_and_lost_labels(tmp_path):
    """A/RES/80/11 prints follow-on paragraphs inside paragraphs 1 and 2 and lost the labels (a) to (d)
    before (e); the draft with (d) for (c) has a real gap. pyshacl, the reference, agrees with the fast engine."""
    drafts = [SHARED / "ga-res-80" / "A_RES_80_11.md", _draft(tmp_path, "letter.md", 46, "(c)", "(d)")]
    for path in drafts:
        fast, reference = (validate_paths([path], engine=engine)[0] for engine in ("fast", "pyshacl"))
        assert fast.keys() == reference.keys(), path.name
    assert [f.rule for f in fast.findings] == ["SubparagraphLetterGap"]


# --------------------------------------------------------------------------------------- several files
def test_several_texts_are_each_checked_on_their_own(tmp_path):
    """The clean copy and the PDF layout of A/RES/80/5 have the same title: two documents, the second
    renamed (an Info says so), not "two copies that differ"; a broken draft beside them keeps its finding."""
    gap = _draft(tmp_path, "gap.md", 50, "3.", "4.")
    paths = [SHARED / "ga-res-80" / "A_RES_80_5.md", SHARED / "ga-res-80-pdf-layout" / "A_RES_80_5.txt", gap]
    report, files = validate_paths(paths)
    assert [(f.rule, f.severity, files.get(f.file, f.file), f.line) for f in report.findings] == [
        ("ParagraphNumberGap", "Violation", str(gap), 50),
        ("DistinctDocument", "Info", str(paths[1]), 1)]
    info = report.findings[1]
    assert info.document == BASE + "doc/a-res-80-5-2"
    assert "a-res-80-5 already names" in info.message and str(paths[0]) in info.message
    assert report.refused == ()


def test_a_file_that_cannot_be_read_is_one_finding_and_exit_2(tmp_path):
    gap = _draft(tmp_path, "gap.md", 50, "3.", "4.")
    missing = tmp_path / "missing.md"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\xff\xfe" * 50)
    report, _ = validate_paths([missing, gap, binary])
    assert sorted((f.rule, f.file) for f in report.findings) == [
        ("InputError", str(binary)), ("InputError", str(missing)), ("ParagraphNumberGap", "gap.md")]
    assert report.refused == (str(missing), str(binary))
    result = CliRunner().invoke(main, ["validate", str(missing), str(gap), str(binary)])
    assert result.exit_code == 2
    out = result.output.splitlines()
    assert any(line.startswith(f"{gap}:50: Violation [ParagraphNumberGap]") for line in out)
    assert any(line.startswith(f"{missing}: Violation [InputError]") for line in out)
    assert out[-1] == "does not conform: 3 violations, 0 warnings; 2 files could not be read"
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(missing), str(gap), str(binary)])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["refused"] == [str(missing), str(binary)]


def test_one_unreadable_file_alone_is_still_one_line_on_stderr(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "missing.md")])
    assert result.exit_code == 2 and "Traceback" not in result.output


# --------------------------------------------------------------------------------------------- ontology
def test_the_new_terms_are_defined_in_three_languages():
    from rdflib import Graph, Namespace
    from rdflib.namespace import OWL, RDF, RDFS, SKOS
    from crimecongress.validation import ONTOLOGY_FILE
    uncc = Namespace(BASE + "ontology#")
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    for term, kind in ((uncc.FollowOnParagraph, OWL.Class), (uncc.ResolutionDocument, OWL.Class),
                       (uncc.adoptedIn, OWL.ObjectProperty)):
        assert (term, RDF.type, kind) in ontology
        for predicate in (RDFS.label, SKOS.definition):
            assert {v.language for v in ontology.objects(term, predicate)} == {"en", "fr", "es"}, (term, predicate)
    assert (uncc.FollowOnParagraph, RDFS.subClassOf, uncc.Unit) in ontology
    assert (uncc.ResolutionDocument, RDFS.subClassOf, uncc.Document) in ontology
    # a resolution's text is not the instrument uncc:Resolution, which is disjoint with every document
    assert (uncc.Resolution, RDFS.subClassOf, uncc.Document) not in ontology
    assert (uncc.Paragraph, OWL.disjointWith, uncc.FollowOnParagraph) in ontology


def test_hermit_finds_a_resolution_and_its_annex_consistent():
    import pyoxigraph as ox
    from rdflib import Graph

    from crimecongress.reasoning import check_consistency_graph
    from crimecongress.drafts import text_graphs
    from crimecongress.validation import ONTOLOGY_FILE
    graph = Graph().parse(ONTOLOGY_FILE, format="turtle")
    texts = [SHARED / "ga-res-80" / "A_RES_80_5.md", SHARED / "ga-res-80" / "A_RES_80_11.md"]
    for document in text_graphs(texts).graphs:
        graph.parse(data=ox.serialize(document, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert check_consistency_graph(graph).consistent
