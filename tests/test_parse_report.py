"""The `congress-report` layout: the Report of the Fourteenth Congress (sources/004) into the report and the
Kyoto Declaration (its resolution 1)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crimecongress.corpus import report
from crimecongress.corpus.catalogue import Catalogue, DocumentFacts, FileEntry, Placement, SkipRange
from crimecongress.corpus.source import SourceText, read_source
from crimecongress.errors import InvalidDocument
from crimecongress.ids import DEFAULT
from crimecongress.model import UnitKind

SOURCES = Path(__file__).resolve().parents[1] / "sources"
FILE = "004_7a05ab54536c615f.txt"
SLUG = "kyoto-congress-report-2021"
DECLARATION = "kyoto-declaration-2021"
DOC = DEFAULT.document(SLUG)


def iri(tail: str) -> str:
    return f"{DOC}/{tail}"


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def source() -> SourceText:
    return read_source(SOURCES / FILE)


@pytest.fixture(scope="module")
def parsed(source, catalogue):
    return report.parse_catalogued(source, catalogue.file(FILE), catalogue, DEFAULT)


@pytest.fixture(scope="module")
def doc(parsed):
    return parsed.documents[0]


def of_kind(document, kind: UnitKind):
    return [u for u in document.units if u.kind is kind]


def top_paragraph(unit) -> int:
    return int(unit.parent.rsplit("/", 1)[1])


# ------------------------------------------------------------------------------------------------ shape
def test_the_file_yields_the_report_then_the_declaration(parsed):
    assert [d.slug for d in parsed.documents] == [SLUG, DECLARATION]
    assert [d.kind for d in parsed.documents] == ["congress-report", "declaration"]
    assert parsed.documents[0].manifestations[0].first == 1
    assert parsed.documents[0].manifestations[0].last == 1687


def test_report_paragraphs_are_numbered_1_to_212_without_gap(doc):
    paragraphs = of_kind(doc, UnitKind.PARAGRAPH)
    assert [p.number for p in paragraphs] == [str(n) for n in range(1, 213)]
    assert [p.iri for p in paragraphs] == [iri(f"para/{n}") for n in range(1, 213)]
    assert all(p.parent == DOC for p in paragraphs)


def test_chapters_are_i_to_ix_then_the_annex(doc):
    level_one = [u for u in of_kind(doc, UnitKind.HEADING) if u.level == 1]
    assert [h.number for h in level_one] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", None]
    assert level_one[-1].text == "Annex"


@pytest.mark.parametrize("chapter, sections", [
    ("III", "ABCDEFGHIJKL"), ("IV", "AB"), ("V", "ABCD"), ("VII", "ABCD"),
    ("I", "12"),  # the two resolutions
])
def test_sections_of_each_chapter(doc, chapter, sections):
    headings = of_kind(doc, UnitKind.HEADING)
    chapter_iri = next(h.iri for h in headings if h.level == 1 and h.number == chapter)
    assert "".join(h.number for h in headings if h.level == 2 and h.heading == chapter_iri) == sections


def test_headings_are_numbered_in_document_order(doc):
    headings = of_kind(doc, UnitKind.HEADING)
    assert [h.iri for h in headings] == [iri(f"heading/{n}") for n in range(1, len(headings) + 1)]
    assert len(headings) == 55


@pytest.mark.parametrize("section_heading_line, subheadings", [
    (1026, ["Proceedings", "General discussion"]),
    (1076, ["Proceedings", "General discussion"]),
    (1118, ["Proceedings", "General discussion"]),
    (1166, ["Proceedings", "General discussion"]),
    (1264, ["Proceedings", "Chair's summary"]),
    (1336, ["Proceedings", "Chair’s summary"]),   # curly apostrophe, as printed
    (1406, ["Proceedings", "Chair's summary"]),
    (1482, ["Proceedings", "Chair's summary"]),
])
def test_subheadings_of_the_agenda_items_and_workshops(doc, section_heading_line, subheadings):
    headings = of_kind(doc, UnitKind.HEADING)
    section = next(h for h in headings if h.source.first == section_heading_line)
    assert [(h.text, h.level) for h in headings if h.heading == section.iri] == [(t, 3) for t in subheadings]


@pytest.mark.parametrize("paragraph, letters", [
    # chapter V: the documents before the Congress for each agenda item (20)
    (60, "abcdefg"), (75, "abc"), (88, "abcdefg"), (100, "abc"),
    # chapter VII: documents before each workshop and the Chair's recommendations (64)
    (129, "abcdef"), (144, "abcdefgh"), (146, "abcd"), (158, "abcdefghijkl"),
    (159, "abcdefgh"), (171, "abcdefghijk"), (172, "abcd"), (192, "abcdefghijk"),
])
def test_lettered_subparagraphs(doc, paragraph, letters):
    lettered = [u for u in of_kind(doc, UnitKind.SUBPARAGRAPH) if u.number and top_paragraph(u) == paragraph]
    assert "".join(u.number for u in lettered) == letters
    assert [u.iri for u in lettered] == [iri(f"para/{paragraph}/{letter}") for letter in letters]


def test_lettered_line_counts_match_the_notes(doc):
    lettered = [u for u in of_kind(doc, UnitKind.SUBPARAGRAPH) if u.number]
    assert sum(1 for u in lettered if 128 <= top_paragraph(u) <= 192) == 64   # chapter VII
    assert sum(1 for u in lettered if 60 <= top_paragraph(u) <= 114) == 20    # chapter V
    assert len(lettered) == 84


@pytest.mark.parametrize("paragraph, speakers", [
    (45, 24), (46, 24), (48, 25), (49, 21), (51, 20), (53, 23), (55, 4), (57, 1),
])
def test_speaker_entries_belong_to_the_paragraph_that_lists_them(doc, paragraph, speakers):
    entries = [u for u in of_kind(doc, UnitKind.SUBPARAGRAPH) if u.number is None and top_paragraph(u) == paragraph]
    assert [u.iri for u in entries] == [iri(f"para/{paragraph}/{k}") for k in range(1, speakers + 1)]


def test_speaker_entries_all_kept_with_how_they_spoke(doc):
    entries = [u for u in of_kind(doc, UnitKind.SUBPARAGRAPH) if u.number is None]
    assert len(entries) == 142   # paragraph 43 says 141 officials; 142 entries are printed
    delivery = Counter(next(way for way in ("(pre-recorded video)", "(online)", "(in person)") if way in u.text)
                       for u in entries)
    assert delivery == {"(pre-recorded video)": 110, "(online)": 19, "(in person)": 13}
    assert all(len(u.source.lines) >= 2 for u in entries)   # a name line and at least one role line


def test_footnotes_of_the_report_and_of_the_declaration_cover_1_to_22_once(parsed):
    report_doc, declaration_doc = parsed.documents
    report_marks = [u.number for u in of_kind(report_doc, UnitKind.FOOTNOTE)]
    declaration_marks = [u.number for u in of_kind(declaration_doc, UnitKind.FOOTNOTE)]
    assert report_marks == ["18", "19", "20", "21", "22", "*"]
    assert sorted(declaration_marks, key=int) == [str(n) for n in range(1, 18)]
    assert sorted(map(int, (m for m in report_marks + declaration_marks if m != "*"))) == list(range(1, 23))
    assert DEFAULT.footnote(SLUG, "*") == iri("footnote/star")


def test_footnote_17_after_resolution_2_belongs_to_the_declaration(parsed):
    report_doc, declaration_doc = parsed.documents
    note = declaration_doc.unit(DEFAULT.footnote(DECLARATION, "17"))
    assert note.source.lines == (381,)
    assert all(381 not in u.source.lines for u in report_doc.units)


def test_line_411_references_footnotes_19_to_21_92_times(doc):
    paragraph = doc.unit(iri("para/8"))
    assert paragraph.source.lines == (411,)
    assert Counter(paragraph.footnotes) == {iri("footnote/19"): 55, iri("footnote/20"): 15, iri("footnote/21"): 22}
    assert paragraph.text.endswith("Viet Nam, Yemen, Zambia and Zimbabwe.")
    assert "Algeria, Andorra, Angola, Argentina" in paragraph.text


def test_every_footnote_is_referenced_from_the_report(doc):
    referenced = {f for u in doc.units for f in u.footnotes}
    assert referenced == {u.iri for u in of_kind(doc, UnitKind.FOOTNOTE)}


def test_resolution_2_is_a_heading_a_title_a_formula_a_preamble_and_an_operative(doc):
    units = [u for u in doc.units if 371 <= u.source.first <= 379]
    assert [(u.kind, u.iri.removeprefix(DOC + "/"), u.level) for u in units] == [
        (UnitKind.HEADING, "heading/3", 2),
        (UnitKind.HEADING, "heading/4", 3),
        (UnitKind.FORMULA, "formula/1", None),
        (UnitKind.PREAMBLE, "preamble/1", None),
        (UnitKind.FORMULA, "formula/2", None),
    ]
    assert [u.text for u in units] == [
        "Resolution 2",
        "Credentials of representatives to the Fourteenth United Nations Congress on Crime Prevention and "
        "Criminal Justice",
        "The Fourteenth United Nations Congress on Crime Prevention and Criminal Justice,",
        "Having examined the report of the Credentials Committee,",
        "Approves the report of the Credentials Committee.",
    ]
    assert units[3].footnotes == (iri("footnote/18"),)
    assert all(u.heading == iri("heading/4") for u in units[2:])


def test_resolution_1_is_a_heading_of_the_report_and_paragraph_1_introduces_it(doc):
    assert doc.unit(iri("heading/2")).text == "Resolution 1"
    assert doc.unit(iri("heading/2")).source.lines == (68,)
    assert doc.unit(iri("para/1")).text == (
        "The Fourteenth United Nations Congress on Crime Prevention and Criminal Justice adopted the following "
        "resolutions:")


def test_the_annex_lists_55_documents(doc):
    rows = of_kind(doc, UnitKind.ITEM)
    assert [r.iri for r in rows] == [DEFAULT.annex_item(SLUG, n) for n in range(1, 56)]
    assert all(r.heading == iri("heading/55") and r.parent == DOC for r in rows)
    assert rows[0].text == "A/CONF.234/1/Rev.1 1 Annotated provisional agenda"


def test_annex_last_row_on_a_line_without_newline_is_kept(doc):
    """Regression: the file's last line has no line end; the catalogue range once stopped a line short."""
    last = of_kind(doc, UnitKind.ITEM)[-1]
    assert last.source.lines == (1687,)
    assert last.text == "A/CONF.234/INF/1/Rev.1 Information for participants"


def test_positions_follow_reading_order(doc):
    assert [u.position for u in doc.units] == list(range(1, len(doc.units) + 1))
    firsts = [u.source.first for u in doc.units]
    assert firsts == sorted(firsts)


def test_headings_of_units_and_parents(doc):
    assert doc.unit(iri("para/60")).heading == iri("heading/24")        # V.A Proceedings
    assert doc.unit(iri("para/60/a")).parent == iri("para/60")
    assert doc.unit(iri("para/45/1")).parent == iri("para/45")
    assert doc.unit(iri("heading/24")).heading == iri("heading/23")     # Proceedings under V.A
    assert doc.unit(iri("heading/23")).heading == iri("heading/22")     # V.A under chapter V
    assert doc.unit(iri("heading/22")).heading is None


# ------------------------------------------------------------------------------------------------ exact text
HARD_TEXTS = [
    # a paragraph broken by a page break (continuation starts with a capital)
    ("para/115", (1214, 1216),
     "At its 1st plenary meeting, on 7 March 2021, the Fourteenth Congress, in accordance with rule 4 of the rules "
     "of procedure of the Congress, appointed a Credentials Committee composed of representatives of the following "
     "States: Cameroon, Ecuador, Italy, Japan, Mongolia, Russian Federation, United Republic of Tanzania, United "
     "States and Uruguay. At its 7th plenary meeting, on 9 March 2021, as proposed by the President, the Congress "
     "decided that Angola should be appointed as a member of the Credentials Committee to replace Cameroon, which "
     "was no longer in a position to participate in the Committee."),
    ("para/21", (447, 449),
     "The President of the Fourteenth Congress addressed the Congress, highlighting the significance of holding the "
     "Congress during the COVID-19 period and the importance of advancing crime prevention and criminal justice "
     "with a view to leaving no one behind, as well as the role of youth as torchbearers for the future."),
    # hard-wrapped paragraphs (834-1016)
    ("para/54", (982, 983, 984),
     "During the 7th meeting, the representative of the State of Palestine made a statement in exercise of the "
     "right of reply, in accordance with rule 22 of the rules of procedure."),
    ("para/58", (1013, 1014, 1015, 1016),
     "During the 16th plenary meeting, reference was made to a statement by Etilda Gjonaj (Saliu), Minister of "
     "Justice of Albania, and to a statement by Anisul Huq, Minister for Law, Justice and Parliamentary Affairs of "
     "Bangladesh, which have been published on the UNODC website."),
    # speaker entries: name line + role line(s); one split by footnote 22, one hard-wrapped over 4 lines
    ("para/45/3", (548, 552),
     "Ylva Johansson (pre-recorded video) Commissioner for Home Affairs of the European Commission (on behalf of "
     "the European Union and its member States)"),
    ("para/53/18", (960, 961, 962, 963),
     "Hanne Juncher (pre-recorded video) Executive Secretary of the Group of States against Corruption and Head of "
     "the Action against Crime Department of the Directorate General of Human Rights and Rule of Law of the "
     "Council of Europe"),
    ("para/49/21", (832, 833, 834),
     "Juan Carlos Ojeda Viglione (online) Ambassador and Permanent Representative of Uruguay to the United Nations "
     "(Vienna)"),
    # workshop recommendations, one broken by a page break
    ("para/144/f", (1330,),
     "Member States are invited to develop indicators on organized crime, analyse case studies and evaluate "
     "existing prevention policies;"),
    ("para/171/c", (1462, 1464),
     "To undertake a whole-of-society approach to promoting the rule of law, Member States are also encouraged to "
     "establish and, where appropriate, increase cooperation between the education sector and governmental "
     "authorities responsible for crime prevention and criminal justice, including with the aim of mainstreaming "
     "gender and human rights;"),
    # a document-list item with link artefacts
    ("para/60/g", (1044,),
     "Reports of the regional preparatory meetings for the Fourteenth Congress (A/CONF.234/RPM.1/1, "
     "A/CONF.234/RPM.2/1, A/CONF.234/RPM.3/1, A/CONF.234/RPM.4/1 and A/CONF.234/RPM.5/1)."),
    # footnotes with a link artefact
    ("footnote/19", (417,),
     "The Credentials Committee accepted the provisional participation of these States, pending the receipt of the "
     "original of their credentials (see A/CONF.234/L.5 and para. 120 below)."),
    ("footnote/22", (550,),
     "Statements are available at www.unodc.org/congress/en/statements-high-level-segment.html."),
    # para 122 keeps its quoted draft resolution; italics out, quotes as printed
    ("para/122", (1230, 1232, 1234, 1236, 1238, 1240, 1242, 1244),
     "The Chair proposed that the Committee adopt the following draft resolution: “The Credentials Committee, "
     "“Having examined the credentials of the representatives to the Fourteenth United Nations Congress on Crime "
     "Prevention and Criminal Justice, referred to in paragraphs 5, 6 and 7 of the present report, “1. Accepts the "
     "credentials of the representatives of the States referred to in paragraph 5; “2. Also accepts the "
     "provisional participation of the representatives of the States referred to in paragraph 6, pending the "
     "receipt of the original of their credentials; “3. Further accepts the provisional participation of the "
     "representatives of the States referred to in paragraph 7, pending the receipt of their credentials; “4. "
     "Decides to defer its decision on the credentials of the representatives of Myanmar; “5. Recommends that the "
     "Congress approve the report of the Credentials Committee.”"),
    # para 37 keeps the agenda it quotes; list bullets out
    ("para/37", (489, *range(491, 507)),
     "At its 1st plenary meeting, on 7 March 2021, the Congress adopted the provisional agenda (A/CONF.234/1/Rev.1) "
     "as approved by the General Assembly in its resolution 72/192. The agenda was as follows: 1. Opening of the "
     "Congress. 2. Organizational matters: (a) Election of the President and of other officers; (b) Adoption of "
     "the rules of procedure; (c) Adoption of the agenda; (d) Organization of work; (e) Credentials of "
     "representatives to the Congress: (i) Appointment of members of the Credentials Committee; (ii) Report of "
     "the Credentials Committee. 3. Comprehensive strategies for crime prevention towards social and economic "
     "development. 4. Integrated approaches to challenges facing the criminal justice system. 5. Multidimensional "
     "approaches by Governments to promoting the rule of law by, inter alia, providing access to justice for all; "
     "building effective, accountable, impartial and inclusive institutions; and considering social, educational "
     "and other relevant measures, including fostering a culture of lawfulness while respecting cultural "
     "identities, in line with the Doha Declaration. 6. International cooperation and technical assistance to "
     "prevent and address all forms of crime: (a) Terrorism in all its forms and manifestations; (b) New and "
     "emerging forms of crime. 7. Adoption of the report of the Congress."),
    # italics removed, everything else as printed
    ("para/20", (445,),
     "After her election, the President of the Fourteenth Congress, Kamikawa Yoko, Minister of Justice of Japan, "
     "was ceremonially presented with a statue entitled Boat Symbolizing Journey by Sultan Salmeen Almansouri "
     "(Qatar)."),
    ("para/2", (389,),
     "The Fourteenth United Nations Congress on Crime Prevention and Criminal Justice was convened in accordance "
     "with paragraph (d) of the annex to General Assembly resolution 415 (V), which provided for the convening "
     "every five years of an international congress in the field of crime prevention and criminal justice, as well "
     "as in pursuance of Assembly resolutions 46/152, annex, 56/119, 70/174, 71/206, 72/192, 73/184 and 74/171 and "
     "Assembly decisions 74/550 A and B."),
    # headings: a chapter printed on one line; the annex title with the unnumbered footnote "*"
    ("heading/35", (1212,), "Report of the Credentials Committee"),
    ("heading/5", (385, 387), "Background and preparations for the Congress"),
    ("heading/55", (1622,),
     "List of documents before the Fourteenth United Nations Congress on Crime Prevention and Criminal Justice"),
    ("footnote/star", (1637,),
     "In addition, the website of the Fourteenth United Nations Congress on Crime Prevention and Criminal Justice "
     "contains position papers and written statements, as well as background documents by individual experts."),
    # an annex row with an empty agenda-item column (tabs collapsed)
    ("annex/item/16", (1644,),
     "A/CONF.234/L.1 Report of the pre-Congress consultations held at the Kyoto International Conference Center in "
     "Kyoto, Japan, on 6 March 2021"),
]


@pytest.mark.parametrize("tail, lines, text", HARD_TEXTS, ids=[t[0] for t in HARD_TEXTS])
def test_exact_clean_text(doc, tail, lines, text):
    unit = doc.unit(iri(tail))
    assert unit.text == text
    assert unit.source.lines == lines
    assert (unit.source.first, unit.source.last) == (lines[0], lines[-1])


@pytest.mark.parametrize("tail, footnotes", [
    ("para/43", ("22",)), ("preamble/1", ("18",)), ("heading/55", ("star",)), ("para/45/3", ()),
])
def test_footnote_references(doc, tail, footnotes):
    assert doc.unit(iri(tail)).footnotes == tuple(iri(f"footnote/{m}") for m in footnotes)


# ------------------------------------------------------------------------------------------------ accounting
def test_every_non_blank_line_is_accounted_for_exactly_once(parsed, source):
    claims = Counter(n for d in parsed.documents for u in d.units for n in u.source.lines)
    claims.update(s.line for s in parsed.skipped)
    non_blank = {n for n, text in source.numbered() if text.strip()}
    assert {n for n, c in claims.items() if c > 1} == set()
    assert set(claims) == non_blank


def test_skipped_lines_are_header_contents_and_table_furniture_only(parsed):
    reasons = Counter(s.reason for s in parsed.skipped if not 70 <= s.line <= 369)
    assert reasons == {
        "report header": 7, "table of contents": 37, "annex table column header": 1,
        "page furniture: annex table column header repeated after a page break": 3}


def test_the_report_claims_no_line_of_the_declaration(parsed):
    report_doc, declaration_doc = parsed.documents
    declaration_lines = {n for u in declaration_doc.units for n in u.source.lines}
    assert not declaration_lines & {n for u in report_doc.units for n in u.source.lines}
    assert min(declaration_lines) >= 70 and max(declaration_lines) == 381


def test_declaration_copy_in_004_is_merged_with_the_booklet(corpus):
    kyoto = corpus.document(DECLARATION)
    assert [m.file for m in kyoto.manifestations] == ["002_340393668e72e7f2.txt", FILE]
    assert all(len(u.also) == 1 and u.also[0].file == FILE for u in kyoto.units)
    assert corpus.document(SLUG).manifestations[0].file == FILE


# ------------------------------------------------------------------------------------------------ errors
def _mini(lines: list[str], skip: tuple[SkipRange, ...] = (), last: int | None = None):
    source = SourceText("mini.txt", "0" * 64, tuple(lines))
    entry = FileEntry("mini.txt", "0" * 64, "test", "congress-report",
                      (Placement(SLUG, 1, last or len(lines), "test"),), skip)
    catalogue = Catalogue((DocumentFacts(SLUG, "congress-report", "Report", "Report"),), (entry,))
    return source, entry, catalogue


GOOD = ["Chapter I", "", "Title", "", "1. First:", "", "(a) one;", "", "(b) two.", "", "2. Second.¹", "",
        "¹ A note."]


def test_a_minimal_report_parses():
    document, skipped = report.parse_report(*_mini(GOOD), DEFAULT)
    assert [u.iri.removeprefix(DOC + "/") for u in document.units] == [
        "heading/1", "para/1", "para/1/a", "para/1/b", "para/2", "footnote/1"]
    assert skipped == ()


@pytest.mark.parametrize("change, line, message", [
    ((10, "3. Second.¹"), 11, "paragraph 3 follows paragraph 1"),
    ((8, "(c) two."), 9, "subparagraph (c) is out of order"),
    ((12, "² A note."), 11, "footnote marker 1 has no footnote"),
    ((0, "Chapter II"), 1, "chapter II comes after 0 chapters"),
    ((4, "1. first:"), 5, None),   # still fine: not a problem
    ((4, "and then some text"), 5, "cannot tell what this text is"),
])
def test_structural_impossibilities_raise_invalid_document(change, line, message):
    lines = list(GOOD)
    index, text = change
    lines[index] = text
    if message is None:
        report.parse_report(*_mini(lines), DEFAULT)
        return
    with pytest.raises(InvalidDocument) as error:
        report.parse_report(*_mini(lines), DEFAULT)
    assert error.value.file == "mini.txt"
    assert error.value.line == line
    assert message in error.value.message


def test_an_unreferenced_footnote_is_invalid():
    lines = GOOD[:-3] + ["2. Second.", "", "¹ A note."]
    with pytest.raises(InvalidDocument, match="never referenced"):
        report.parse_report(*_mini(lines), DEFAULT)


def test_text_outside_the_report_range_must_be_skipped():
    with pytest.raises(InvalidDocument, match="outside the report") as error:
        report.parse_report(*_mini(GOOD, last=len(GOOD) - 1), DEFAULT)
    assert error.value.line == len(GOOD)
    lines = GOOD + ["", "stray"]
    source, entry, catalogue = _mini(lines, skip=(SkipRange(15, 15, "stray"),), last=len(GOOD))
    _, skipped = report.parse_report(source, entry, catalogue, DEFAULT)   # the skip list accounts for it
    assert [(s.line, s.reason) for s in skipped] == [(15, "stray")]


def test_a_speaker_name_without_role_is_invalid():
    lines = ["Chapter I", "", "Title", "", "1. These spoke:", "", "Jane Doe (online)", "", "2. Next."]
    with pytest.raises(InvalidDocument, match="without the role line") as error:
        report.parse_report(*_mini(lines), DEFAULT)
    assert error.value.line == 7
