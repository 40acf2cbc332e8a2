"""The parser on real UN resolutions it was not written for: the General Assembly's 2025 resolutions in
../shared/un-texts (see its README), as the clean extraction (`ga-res-80/*.md`) and, for seven of them, as
text copied out of the PDF (`ga-res-80-pdf-layout/*.txt`: running heads, page numbers, footnote blocks).

The structures asserted here were established by reading the texts themselves. The .md front matter is
skipped (reported as skipped lines); the printed header gives title, symbol and date, and the front
matter's library title only completes a printed title that the extraction cut after its first line.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crimecongress.corpus.declaration import parse_new_declaration
from crimecongress.corpus.source import read_source
from crimecongress.errors import InvalidDocument
from crimecongress.ids import DEFAULT
from crimecongress.model import Document, ParsedSource, UnitKind

TEXTS = Path(__file__).resolve().parents[2] / "shared" / "un-texts"
CLEAN = TEXTS / "ga-res-80"
PDF = TEXTS / "ga-res-80-pdf-layout"


def parse(path: Path, **names) -> ParsedSource:
    return parse_new_declaration(read_source(path), minter=DEFAULT, title=names.get("title"),
                                 slug=names.get("slug"))


def clean(n: int) -> ParsedSource:
    return parse(CLEAN / f"A_RES_80_{n}.md")


def pdf(n: int) -> ParsedSource:
    return parse(PDF / f"A_RES_80_{n}.txt")


def counts(document: Document) -> Counter:
    """Units by kind; unnumbered follow-on paragraphs counted apart from numbered paragraphs."""
    return Counter("follow-on" if "/p/" in u.iri else u.kind.value for u in document.units)


def unit(document: Document, path: str):
    return document.unit(f"{document.iri}/{path}")


def cited_by(document: Document) -> dict[str, str]:
    """footnote number -> the path of the unit that cites it."""
    return {note.rsplit("/", 1)[1]: u.iri[len(document.iri) + 1:] for u in document.units for note in u.footnotes}


# --- every text ------------------------------------------------------------------------------------------
ALL = sorted(CLEAN.glob("A_RES_80_*.md"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def test_the_sample_is_there():
    assert len(ALL) == 51 and len(list(PDF.glob("*.txt"))) == 7


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_every_resolution_parses_with_paragraphs_numbered_without_gaps(path):
    number = path.stem.rsplit("_", 1)[1]
    result = parse(path)
    resolution = result.documents[0]
    assert resolution.slug == f"a-res-80-{number}"
    assert resolution.symbol == f"A/RES/80/{number}"
    assert re.fullmatch(r"2025-\d\d-\d\d", resolution.date)
    assert "Distr" not in resolution.title and not resolution.title.startswith("80/")
    opening = resolution.units[0]
    assert opening.kind is UnitKind.FORMULA and opening.text.startswith("The General Assembly")
    assert not any(u.kind is UnitKind.PREAMBLE and u.text.startswith("The General Assembly") for u in resolution.units)
    for document in result.documents:
        numbers = [int(u.number) for u in document.units if u.kind is UnitKind.PARAGRAPH and u.number]
        assert numbers == list(range(1, len(numbers) + 1))
        for u in document.units:
            # markers and page furniture never stay in the text; the closing is no paragraph
            assert "<sup>" not in u.text and "[^" not in u.text and not re.search(r"plenary meeting$", u.text)
            assert u.text != resolution.title
    reasons = {s.reason for s in result.skipped}
    assert {"front matter", "resolution header", "closing"} <= reasons


# --- structures read by hand -----------------------------------------------------------------------------
# resolution: (preamble clauses, numbered paragraphs, subparagraphs, follow-ons, headings, footnotes)
STRUCTURES = {
    1: (5, 3, 3, 0, 0, 1),
    7: (4, 5, 0, 0, 0, 3),
    11: (16, 30, 4, 11, 3, 4),
    12: (14, 10, 7, 4, 0, 5),
    51: (12, 6, 9, 0, 0, 10),
}


@pytest.mark.parametrize("n", sorted(STRUCTURES))
def test_structure_read_by_hand(n):
    document = clean(n).documents[0]
    got = counts(document)
    assert (got["preamble"], got["paragraph"], got["subparagraph"], got["follow-on"], got["heading"],
            got["footnote"]) == STRUCTURES[n]
    assert got["formula"] == 1


def test_header_title_symbol_date_and_slug():
    document = clean(1).documents[0]
    assert (document.title, document.symbol, document.date, document.slug) == (
        "Participation by the State of Palestine during the eightieth session", "A/RES/80/1", "2025-09-19",
        "a-res-80-1")
    # the extraction kept only the first line of this title; the front matter completes it
    assert clean(4).documents[0].title == ("Necessity of ending the economic, commercial and financial embargo "
                                          "imposed by the United States of America against Cuba")
    assert pdf(4).documents[0].title == clean(4).documents[0].title
    named = parse(CLEAN / "A_RES_80_5.md", title="Doha", slug="doha-2025")
    assert [(d.slug, d.title) for d in named.documents] == [
        ("doha-2025", "Doha"),
        ("doha-2025-annex", "Doha Political Declaration of the “World Social Summit” under the title “the Second "
                            "World Summit for Social Development”")]


def test_80_1_subparagraphs_footnote_and_a_running_title_in_mid_paragraph():
    document = clean(1).documents[0]
    assert unit(document, "formula/1").text == "The General Assembly,"
    assert cited_by(document) == {"1": "preamble/1"}
    assert [u.number for u in document.units if u.kind is UnitKind.SUBPARAGRAPH] == ["a", "b", "c"]
    # the running title printed between the two halves of (a) is gone
    assert unit(document, "para/1/a").text == (
        "The State of Palestine may submit a pre‑recorded statement of its President, which will be played in "
        "the General Assembly Hall during the general debate of the Assembly at its eightieth session after "
        "introduction by its representative who is physically present in the Assembly Hall;")
    assert unit(document, "para/3").text == (
        "Further decides that these procedures shall apply only during the eightieth session.")


def test_80_5_adopts_an_annexed_declaration_numbered_on_its_own():
    resolution, declaration = clean(5).documents
    assert [u.kind for u in resolution.units] == [UnitKind.FORMULA, UnitKind.PARAGRAPH]
    adopts = resolution.units[1]
    assert adopts.iri == f"{resolution.iri}/para/1" and adopts.number is None
    assert adopts.text.startswith("Adopts the Doha Political Declaration") and adopts.text.endswith(
        "as contained in the annex to the present resolution.")
    assert declaration.slug == "a-res-80-5-annex" and declaration.adopted_by == resolution.iri
    assert resolution.adopted_by is None
    got = counts(declaration)
    assert (got["paragraph"], got["heading"], got["footnote"], got["formula"], got["preamble"]) == (44, 2, 15, 0, 0)
    assert [u.text for u in declaration.units if u.kind is UnitKind.HEADING] == ["A call to action", "Follow-up"]
    assert unit(declaration, "para/1").text.startswith("We, Heads of State and Government")
    # "2." was run into paragraph 1's last line after a footnote marker
    assert unit(declaration, "para/2").text.startswith("We acknowledge the urgent need")
    notes = cited_by(declaration)
    assert (notes["1"], notes["2"], notes["6"], notes["7"], notes["12"], notes["13"]) == (
        "para/1", "para/1", "para/9", "para/10", "para/20", "para/20")


def test_80_5_follow_on_paragraphs_belong_to_their_paragraph_and_keep_the_heading():
    declaration = clean(5).documents[1]
    follow_on = unit(declaration, "para/9/p/2")
    assert follow_on.kind is UnitKind.PARAGRAPH and follow_on.number is None
    assert follow_on.parent == f"{declaration.iri}/para/9"
    assert follow_on.text == ("We are committed to its full implementation, which is critical for the realization "
                              "of the Sustainable Development Goals and their targets.")
    assert unit(declaration, "para/9").text.endswith("as an integral part of the 2030 Agenda.")
    assert unit(declaration, "para/10").number == "10"
    # the clean extraction lost most letters of paragraph 29's list; (m) survived and keeps its letter
    assert unit(declaration, "para/29/m").text.startswith("Strengthening investment in social development")
    heading = f"{declaration.iri}/heading/1"
    under = [u for u in declaration.units if u.iri.startswith(f"{declaration.iri}/para/29")]
    assert len(under) > 5 and all(u.heading == heading for u in under)


def test_80_11_headings_follow_ons_and_lost_labels():
    document = clean(11).documents[0]
    headings = [u for u in document.units if u.kind is UnitKind.HEADING]
    assert [h.text for h in headings] == [
        "Peacebuilding Commission", "Peacebuilding financing",
        "Department of Political and Peacebuilding Affairs/Peacebuilding Support Office"]
    for first, last, heading in ((1, 12, headings[0]), (13, 23, headings[1]), (24, 30, headings[2])):
        for n in range(first, last + 1):
            assert unit(document, f"para/{n}").heading == heading.iri
    assert [u.number for u in document.units if u.parent == f"{document.iri}/para/1"
            and u.kind is UnitKind.SUBPARAGRAPH] == ["e", "f", "g", "h"]
    assert sum(u.parent == f"{document.iri}/para/1" and "/p/" in u.iri for u in document.units) == 7
    assert sum(u.parent == f"{document.iri}/para/2" and "/p/" in u.iri for u in document.units) == 4
    # "(ii)" with no "(i)" or letter before it fits nowhere: it stays in the text of a follow-on
    assert unit(document, "para/1/p/5").text.startswith("(ii) Inviting international financial institutions")
    # (f) runs on over a page break
    assert "participation of women, and promoting the full" in unit(document, "para/1/f").text
    assert unit(document, "para/1/p/8").text.startswith("Requesting the Department of Global Communications")
    assert unit(document, "para/1/p/8").heading == headings[0].iri
    assert cited_by(document) == {"1": "preamble/2", "2": "preamble/15", "3": "preamble/15", "4": "preamble/15"}


def test_80_12_letters_lost_before_c_and_i_after_h_is_a_letter():
    document = clean(12).documents[0]
    subs = [u.number for u in document.units if u.kind is UnitKind.SUBPARAGRAPH]
    assert subs == ["c", "d", "e", "f", "g", "h", "i"]
    assert unit(document, "para/7/i").text.startswith("To provide, upon request, technical assistance")
    assert unit(document, "para/7/p/2").text.startswith("To continue the practice of sending an annual note verbale")
    assert unit(document, "para/8/p/3").text.startswith("To continue to provide the Secretary-General")
    assert cited_by(document)["5"] == "para/6"
    assert unit(document, "para/6").text == "Takes note of the annual report of the Secretary-General;"


def test_footnote_markers_decided_by_the_notes_present():
    # "Weapons 6and": a marker run into the next word; "resolution 75/73", "2030" are no markers
    notes = cited_by(clean(51).documents[0])
    assert notes == {"1": "preamble/5", "2": "preamble/5", "3": "preamble/5", "4": "preamble/5",
                     "5": "preamble/5", "6": "preamble/6", "7": "preamble/6", "8": "preamble/7",
                     "9": "preamble/11", "10": "para/3/g"}
    # "of 19881": the year 1988 and note 1
    document = clean(26).documents[0]
    assert cited_by(document)["1"] == "preamble/1" and cited_by(document)["2"] == "preamble/1"
    assert "CM/Res.1153 (XLVIII) of 1988 and CM/Res.1225 (L) of 1989, adopted" in " ".join(
        u.text for u in document.units)
    # "2025;2" is a marker, "GC(69)/RES/9 A.2" is not
    document = clean(7).documents[0]
    assert cited_by(document)["1"] == "preamble/1" and cited_by(document)["2"] == "para/2"
    assert "GC(69)/RES/9 A.2, entitled" in unit(document, "para/2").text


def test_80_51_subparagraph_i_after_h_is_a_letter():
    document = clean(51).documents[0]
    assert [u.number for u in document.units if u.kind is UnitKind.SUBPARAGRAPH] == list("abcdefghi")
    assert unit(document, "para/3").text == "Declares that:"


# --- the same texts copied out of the PDF ------------------------------------------------------------------
def comparable(result: ParsedSource) -> list[tuple]:
    return [(d.slug, d.title, u.iri, u.kind, u.number, u.text, u.parent, u.footnotes, u.heading)
            for d in result.documents for u in d.units]


@pytest.mark.parametrize("n", [1, 2, 4, 7, 8, 10])
def test_pdf_layout_gives_the_units_of_the_clean_copy(n):
    assert comparable(pdf(n)) == comparable(clean(n))


def test_pdf_layout_furniture_is_skipped_not_read():
    result = pdf(1)
    by_line = {s.line: s.reason for s in result.skipped}
    source = read_source(PDF / "A_RES_80_1.txt")
    for number, text in enumerate(source.lines, 1):
        if text.strip() in ("A/RES/80/1", "25-15106", "2/2", "_______________"):
            assert number in by_line, (number, text)
    assert {"page furniture", "footnote", "footnote separator"} <= set(by_line.values())


def test_pdf_layout_of_80_5_has_the_letters_the_clean_copy_lost():
    resolution, declaration = pdf(5).documents
    got = counts(declaration)
    # 122 lettered lines "(a)" ... in the PDF copy, each a subparagraph; 44 paragraphs, 2 headings, 15 notes
    assert (got["paragraph"], got["subparagraph"], got["item"], got["heading"], got["footnote"]) == (44, 122, 0, 2, 15)
    assert [u.number for u in declaration.units if u.parent == f"{declaration.iri}/para/18"
            and u.kind is UnitKind.SUBPARAGRAPH] == list("abcdefghi")
    assert len([u for u in declaration.units if u.parent == f"{declaration.iri}/para/30"
                and u.kind is UnitKind.SUBPARAGRAPH]) == 20
    assert declaration.adopted_by == resolution.iri
    notes = cited_by(declaration)
    # "Decade 2024–203412": the year 2034 and note 12
    assert (notes["12"], notes["13"], notes["14"], notes["15"]) == ("para/20", "para/20", "para/31/f", "para/37/b")
    md = clean(5).documents[1]
    # what both copies print alike: the numbered paragraphs' numbers, the headings and the footnotes
    def shared(document):
        return [(u.iri, u.text if u.kind is not UnitKind.PARAGRAPH else None) for u in document.units
                if u.kind in (UnitKind.HEADING, UnitKind.FOOTNOTE) or (u.kind is UnitKind.PARAGRAPH and u.number)]
    assert shared(declaration) == shared(md)
    assert unit(declaration, "para/29/m").text == unit(md, "para/29/m").text
    assert unit(declaration, "para/9/p/2").text == unit(md, "para/9/p/2").text


# --- what cannot be read ---------------------------------------------------------------------------------
HEADER = """United Nations

General Assembly Distr.: General

Resolution adopted by the General Assembly on 2 December 2025

80/90. A test of numbering

The General Assembly,

Recalling its resolutions,

"""


def test_a_numbering_gap_in_a_resolution_names_its_line(tmp_path):
    path = tmp_path / "gap.txt"
    path.write_text(HEADER + "1. Decides one thing;\n\n3. Decides another.\n\n12th plenary meeting\n", encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        parse(path)
    assert caught.value.line == 15 and "paragraph 2 is missing: 1 is followed by 3" in str(caught.value)


def test_a_resolution_without_operative_paragraph_is_refused(tmp_path):
    path = tmp_path / "none.txt"
    path.write_text(HEADER + "Recalling also its decisions,\n", encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        parse(path)
    assert "no operative paragraph" in str(caught.value)


ECOSOC = """United Nations

Economic and Social Council Distr.: General

Resolution adopted by the Economic and Social Council on 24 July 2025

2025/17. Strengthening cooperation against trafficking in persons

The Economic and Social Council,

Recalling its resolutions,

I. Prevention

A. Awareness

1. Encourages Member States to raise awareness;

B. Cooperation

2. Calls for cooperation:

In this regard, the Council stresses the role of regional bodies.

(a) Through the exchange of information;

(b) Through joint investigations;

It also invites donors to contribute.

3. Requests a report.

II. Follow-up

4. Decides to remain seized of the matter.

45th plenary meeting
24 July 2025
"""


def test_headings_nest_and_a_follow_on_may_precede_the_subparagraphs(tmp_path):
    path = tmp_path / "ecosoc.txt"
    path.write_text(ECOSOC, encoding="utf-8")
    document = parse(path).documents[0]
    assert (document.symbol, document.slug, document.date) == ("E/RES/2025/17", "e-res-2025-17", "2025-07-24")
    assert document.units[0].kind is UnitKind.FORMULA
    headings = {u.text: u for u in document.units if u.kind is UnitKind.HEADING}
    assert {text: (h.number, h.level) for text, h in headings.items()} == {
        "Prevention": ("I", 1), "Awareness": ("A", 2), "Cooperation": ("B", 2), "Follow-up": ("II", 1)}
    assert headings["Awareness"].heading == headings["Prevention"].iri
    assert headings["Cooperation"].heading == headings["Prevention"].iri
    assert unit(document, "para/2").heading == headings["Cooperation"].iri
    # the unnumbered paragraph before the list belongs to paragraph 2, and so do the letters after it
    before, after = unit(document, "para/2/p/2"), unit(document, "para/2/p/3")
    assert before.text == "In this regard, the Council stresses the role of regional bodies."
    assert after.text == "It also invites donors to contribute." and after.heading == headings["Cooperation"].iri
    assert unit(document, "para/2/a").parent == unit(document, "para/2/b").parent == f"{document.iri}/para/2"
    assert unit(document, "para/3").heading == headings["Cooperation"].iri
    assert unit(document, "para/4").heading == headings["Follow-up"].iri
    assert [u.number for u in document.units if u.kind is UnitKind.PARAGRAPH] == ["1", "2", None, None, "3", "4"]


def test_a_paragraph_number_the_extraction_lost_is_recovered_when_the_gap_explains_it(tmp_path):
    text = (CLEAN / "A_RES_80_1.md").read_text(encoding="utf-8")
    path = tmp_path / "A_RES_80_1.md"
    path.write_text(text.replace("\n2. Also decides that", "\nAlso decides that"), encoding="utf-8")
    assert comparable(parse(path)) == comparable(clean(1))
    # two numbers lost but one unnumbered paragraph in the gap: still an error, with its line
    path.write_text(text.replace("\n2. Also decides that", "\nAlso decides that").replace(
        "\n3. Further decides", "\n4. Further decides"), encoding="utf-8")
    with pytest.raises(InvalidDocument, match="paragraph 2 is missing: 1 is followed by 4"):
        parse(path)


def test_a_shortened_running_title_in_the_pdf_copy_is_furniture_too(tmp_path):
    text = (PDF / "A_RES_80_1.txt").read_text(encoding="utf-8")
    path = tmp_path / "A_RES_80_1.txt"
    shortened = text.replace("\nParticipation by the State of Palestine during the eightieth session\n",
                             "\nPalestine: participation\n")
    assert shortened != text
    path.write_text(shortened, encoding="utf-8")
    assert comparable(parse(path)) == comparable(clean(1))
