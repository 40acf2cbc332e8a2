"""The `rpm-mapping` layout: “A mapping exercise” (sources/001) into the compilation and the five RPM reports."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from crimecongress.corpus import mapping
from crimecongress.corpus.catalogue import Placement
from crimecongress.corpus.source import SourceText, read_source
from crimecongress.errors import InvalidDocument
from crimecongress.ids import DEFAULT
from crimecongress.model import UnitKind

SOURCES = Path(__file__).resolve().parents[1] / "sources"
FILE = "001_8c3c0a644e4dd5d6.txt"
SLUG = "kyoto-rpm-mapping"
REGIONS = ("AP", "LAC", "WA", "A", "E")
REPORT = {"AP": "rpm-report-ap", "LAC": "rpm-report-lac", "WA": "rpm-report-wa", "A": "rpm-report-a",
          "E": "rpm-report-e"}


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def source() -> SourceText:
    return read_source(SOURCES / FILE)


@pytest.fixture(scope="module")
def parsed(source, catalogue):
    return mapping.parse_catalogued(source, catalogue.file(FILE), catalogue, DEFAULT)


@pytest.fixture(scope="module")
def compilation(parsed):
    return parsed.documents[0]


@pytest.fixture(scope="module")
def entries(compilation):
    return [u for u in compilation.units if u.kind is UnitKind.ENTRY]


@pytest.fixture(scope="module")
def headings(compilation):
    return [u for u in compilation.units if u.kind is UnitKind.HEADING]


@pytest.fixture(scope="module")
def groups(entries, headings):
    """The 39 thematic groups in document order: the headings that entries stand under."""
    used = {e.heading for e in entries}
    return [h for h in headings if h.iri in used]


@pytest.fixture(scope="module")
def reports(parsed):
    return {d.slug: d for d in parsed.documents[1:]}


def region(entry) -> str:
    return entry.printed_code[1:].split()[0]


def entry_at(entries, code: str, first: int):
    matches = [e for e in entries if e.printed_code == code and e.source.first == first]
    assert len(matches) == 1, (code, first)
    return matches[0]


# ------------------------------------------------------------------------------------------------ documents
def test_six_documents_in_catalogue_order(parsed):
    assert [d.slug for d in parsed.documents] == [SLUG, *REPORT.values()]
    assert parsed.file == FILE
    assert [d.kind for d in parsed.documents] == ["compilation"] + ["rpm-report"] * 5


def test_compilation_title_is_the_catalogue_title_without_the_marker(compilation, catalogue):
    assert compilation.title == catalogue.facts(SLUG).title
    assert not compilation.title.endswith("2")
    assert compilation.manifestations[0].label == "UNODC compilation (text from PDF)"


def test_iri_of_a_recommendation_follows_the_design(entries):
    first = entries[0]
    assert first.printed_code == "[AP 62(a)]"
    assert first.lists == "https://w3id.org/crime-congress/doc/rpm-report-ap/para/62/a"
    assert first.iri == "https://w3id.org/crime-congress/doc/kyoto-rpm-mapping/entry/1"
    assert first.parent == "https://w3id.org/crime-congress/doc/kyoto-rpm-mapping"


# ------------------------------------------------------------------------------------------------ counts
def test_279_entries_numbered_in_document_order(entries):
    assert len(entries) == 279
    assert [e.iri for e in entries] == [DEFAULT.entry(SLUG, n) for n in range(1, 280)]
    assert [e.source.first for e in entries] == sorted(e.source.first for e in entries)


def test_249_distinct_recommendations(entries, reports):
    recommendations = [u for d in reports.values() for u in d.units if u.kind is UnitKind.SUBPARAGRAPH]
    assert len(recommendations) == 249
    assert {e.lists for e in entries} == {u.iri for u in recommendations}


@pytest.mark.parametrize("prefix, occurrences, distinct", [
    ("AP", 51, 46), ("LAC", 77, 69), ("WA", 50, 46), ("A", 49, 46), ("E", 52, 42)])
def test_counts_per_region(entries, reports, prefix, occurrences, distinct):
    assert sum(region(e) == prefix for e in entries) == occurrences
    report = reports[REPORT[prefix]]
    assert sum(u.kind is UnitKind.SUBPARAGRAPH for u in report.units) == distinct


# number, numeral, first line of the heading text, recommendations, then AP LAC WA A E (NOTES §1.3)
GROUPS = [
    (1, None, 4, 23, 4, 8, 1, 2, 8), (2, "I", 185, 8, 2, 3, 1, 2, 0), (3, "II", 246, 9, 1, 2, 1, 3, 2),
    (4, "III", 311, 7, 1, 4, 1, 1, 0), (5, "IV", 354, 3, 0, 2, 0, 1, 0), (6, "V", 378, 6, 2, 1, 1, 1, 1),
    (7, "VI", 434, 4, 3, 0, 0, 0, 1), (8, "I", 478, 3, 1, 1, 0, 1, 0), (9, "II", 501, 4, 0, 1, 1, 1, 1),
    (10, "III", 533, 4, 0, 1, 0, 2, 1), (11, "IV", 555, 4, 0, 0, 3, 0, 1), (12, "V", 590, 3, 0, 1, 1, 1, 0),
    (13, "VI", 609, 10, 1, 2, 5, 1, 1), (14, "VII", 676, 3, 0, 0, 1, 1, 1), (15, "VIII", 695, 3, 1, 0, 0, 1, 1),
    (16, "IX", 714, 5, 1, 0, 2, 1, 1), (17, "X", 750, 6, 2, 0, 0, 2, 2), (18, "XI", 781, 19, 3, 3, 5, 4, 4),
    (19, "XII", 898, 3, 1, 0, 0, 0, 2), (20, "I", 927, 6, 1, 2, 1, 1, 1), (21, "II", 967, 5, 0, 2, 0, 2, 1),
    (22, "III", 996, 11, 1, 4, 1, 1, 4), (23, "IV", 1067, 4, 0, 3, 0, 1, 0), (24, "V", 1100, 4, 0, 2, 2, 0, 0),
    (25, "VI", 1130, 5, 1, 2, 0, 2, 0), (26, "VII", 1162, 2, 0, 1, 0, 0, 1), (27, "VIII", 1174, 11, 3, 4, 2, 1, 1),
    (28, "IX", 1249, 4, 1, 0, 1, 1, 1), (29, "X", 1286, 1, 0, 0, 0, 0, 1), (30, "I", 1302, 15, 3, 5, 3, 3, 1),
    (31, "II", 1383, 9, 2, 3, 0, 2, 2), (32, "III", 1428, 14, 3, 4, 3, 2, 2), (33, "IV", 1513, 3, 1, 0, 1, 0, 1),
    (34, "V", 1542, 6, 2, 1, 2, 0, 1), (35, "I", 1585, 24, 8, 4, 5, 2, 5), (36, "II", 1732, 6, 0, 1, 4, 1, 0),
    (37, "III", 1769, 11, 1, 4, 1, 4, 1), (38, "IV", 1838, 3, 0, 2, 0, 0, 1), (39, "V", 1857, 8, 1, 4, 1, 1, 1),
]


def test_39_groups(groups):
    assert len(groups) == 39
    assert sum(g[3] for g in GROUPS) == 279


@pytest.mark.parametrize("number, numeral, line, count, ap, lac, wa, a, e", GROUPS)
def test_group(groups, entries, number, numeral, line, count, ap, lac, wa, a, e):
    group = groups[number - 1]
    assert (group.number, group.source.first) == (numeral, line)
    members = [x for x in entries if x.heading == group.iri]
    assert len(members) == count
    per_region = Counter(region(x) for x in members)
    assert [per_region[r] for r in REGIONS] == [ap, lac, wa, a, e]


def test_regions_run_ap_lac_wa_a_e_inside_every_group(groups, entries):
    for group in groups:
        order = [REGIONS.index(region(x)) for x in entries if x.heading == group.iri]
        assert order == sorted(order), group.text


def test_no_code_twice_within_one_group(groups, entries):
    for group in groups:
        codes = [x.lists for x in entries if x.heading == group.iri]
        assert len(codes) == len(set(codes)), group.text


def test_six_sections_and_their_counts(headings, entries):
    sections = [h for h in headings if h.level == 1]
    assert len(sections) == 6
    assert all(h.number is None and h.heading is None for h in sections)
    section_of = {h.iri: (h.heading or h.iri) for h in headings}
    per_section = Counter(section_of[e.heading] for e in entries)
    assert [per_section[s.iri] for s in sections] == [23, 37, 67, 53, 47, 52]
    assert [s.source.first for s in sections] == [4, 180, 470, 922, 1293, 1578]
    assert [s.source.last for s in sections] == [5, 181, 472, 923, 1298, 1581]


def test_38_numbered_group_headings_under_their_section(headings):
    groups = [h for h in headings if h.level == 2]
    assert len(groups) == 38
    sections = [h.iri for h in headings if h.level == 1]
    assert {g.heading for g in groups} == set(sections[1:])
    assert all(g.parent == DEFAULT.document(SLUG) for g in headings)
    assert [h.iri for h in headings] == [DEFAULT.heading(SLUG, n) for n in range(1, 45)]


def test_29_cited_report_paragraphs(reports):
    cited = {slug: [u.number for u in d.units if u.kind is UnitKind.PARAGRAPH] for slug, d in reports.items()}
    assert cited == {
        "rpm-report-ap": ["13", "26", "34", "44", "61", "62"],
        "rpm-report-lac": ["19", "28", "40", "59", "79", "80"],
        "rpm-report-wa": ["14", "24", "33", "42", "56"],
        "rpm-report-a": ["17", "29", "37", "45", "57", "60"],
        "rpm-report-e": ["16", "28", "36", "43", "56", "57"],
    }
    assert sum(map(len, cited.values())) == 29


def test_e_56_letters_skip_f(reports):
    e56 = DEFAULT.paragraph("rpm-report-e", 56)
    letters = [u.number for u in reports["rpm-report-e"].units if u.parent == e56]
    assert letters == ["a", "b", "c", "d", "e", "g", "h"]


def test_26_codes_printed_more_than_once(entries):
    printed = Counter(e.lists for e in entries)
    repeated = {iri for iri, n in printed.items() if n > 1}
    assert len(repeated) == 26
    assert sum(printed[iri] - 1 for iri in repeated) == 30
    thrice = {iri for iri, n in printed.items() if n == 3}
    assert thrice == {DEFAULT.paragraph(REPORT[p], n, x) for p, n, x in
                      [("LAC", 80, "e"), ("E", 28, "b"), ("E", 36, "j"), ("E", 56, "h")]}


def test_five_repeats_differ_and_the_recommendation_keeps_the_first(entries, reports):
    texts: dict[str, list[str]] = {}
    for e in entries:
        texts.setdefault(e.lists, []).append(e.text)
    differing = {iri for iri, variants in texts.items() if len(set(variants)) > 1}
    assert differing == {DEFAULT.paragraph(REPORT[p], n, x) for p, n, x in
                         [("LAC", 80, "e"), ("AP", 61, "i"), ("AP", 13, "d"), ("E", 28, "g"), ("E", 56, "h")]}
    for report in reports.values():
        for unit in report.units:
            if unit.kind is UnitKind.SUBPARAGRAPH:
                assert unit.text == texts[unit.iri][0]


# ------------------------------------------------------------------------------------------------ texts
AP_62_A = ("Building on the successful experience of the Thirteenth Congress, the preparatory process for the "
           "formulation of the future Kyoto declaration should be inclusive and open and relevant deliberations "
           "should be carried out in a timely manner, following the good practice of the deliberations on the "
           "Doha Declaration, with a view to facilitating the negotiation and adoption of the future Kyoto "
           "declaration at the opening of the Fourteenth Congress, during the high-level segment.")
LAC_80_E = ("The Kyoto declaration should highlight public-private partnerships and the role of citizens in the "
            "effort of crime prevention and criminal justice and in enhancing the rule of law, and should encourage "
            "Member States to take measures to foster a culture of lawfulness among the general public to achieve "
            "the Sustainable Development Goals")

HARD_ENTRIES = [
    # a six-line wrap
    ("[AP 62(a)]", 19, 24, AP_62_A),
    # code split over two lines, "[LAC" / "80(e)]"
    ("[LAC 80(e)]", 80, 84, LAC_80_E + "."),
    # the same, printed without its full stop
    ("[LAC 80(e)]", 259, 263, LAC_80_E),
    ("[AP 13(e)]", 392, 397,
     "Strengthen the role of the Commission on Crime Prevention and Criminal Justice in continuing to advance "
     "discussions on the relationship between the rule of law, crime prevention and criminal justice and the "
     "2030 Agenda, including by continuing its substantive contributions to the thematic review of the "
     "implementation of the Sustainable Development Goals by the high-level political forum on sustainable "
     "development."),
    # code alone on its line
    ("[E 57(g)]", 175, 179,
     "Continue the good practice of organizing regional preparatory meetings for future crime congresses for "
     "States members of the Economic Commission for Europe in order to ensure a balanced regional perspective "
     "in the preparatory process, and consider reflecting the requirements for conference management services "
     "in the budgets of future crime congresses."),
    ("[AP 61(j)]", 1860, 1864,
     "Explore ways and means, including technical assistance, of enabling criminal justice and law enforcement "
     "practitioners to share information and experience and utilize evolving technologies, such as artificial "
     "intelligence and information and telecommunications technologies, with a view to addressing "
     "sophisticated and complex criminal activities."),
    # the one code printed with a space before the parenthesis
    ("[LAC 80 (b)]", 69, 72,
     "The Fourteenth Congress, through the Kyoto declaration, should build on the achievements of the "
     "Thirteenth Congress and the Doha Declaration and support the implementation of the 2030 Agenda for "
     "Sustainable Development for the years 2020–2025, up until five years before its intended maturity."),
    # split by a page break with 11 bullets inside
    ("[LAC 79(h)]", 1643, 1667,
     "Enhance the role of national, regional and international cooperation among practitioners and policymakers "
     "through mechanisms for the exchange of experiences, lessons learned, good practices and practical "
     "solutions to overcome challenges that undermine effective cooperation."),
    # printed after the next heading, counted in group 10
    ("[E 28(a)]", 565, 569,
     "Develop comprehensive crime prevention strategies based on an understanding of the root causes of crime "
     "and associated risk factors, such as age, lack of education and the family and financial background of "
     "offenders, and address such factors in a holistic manner, in close cooperation with all relevant "
     "stakeholders, including the local community and civil society."),
    # an over-long merged line: the lost hyphen stays lost
    ("[E 16(b)]", 298, 302,
     "Strengthen coordination and cooperation between governments, as well as among governmental authorities, "
     "the United Nations and other intergovernmental organizations, and other stakeholders including the "
     "private sector and civil society to ensure a multistakeholder approach to crime prevention and criminal "
     "justice, including in the implementation of the relevant goals and targets under the Sustainable "
     "Development Agenda."),
    ("[LAC 28(d)]", 593, 594,
     "In order to ensure comprehensive approaches, include in crime prevention policies or strategies measures "
     "to promote the rule of law, including youth education and awarenessraising measures that contribute to "
     "fostering a culture of lawfulness."),
    # page break 1495 -> 1496 (the continuation starts with a space)
    ("[A 45(b)]", 1493, 1497,
     "Promote and raise awareness on a culture of lawfulness among children and youth to enhance their "
     "understanding of the rule of law, and to reduce conflicts with the law, including introducing a "
     "curriculum in education settings, and consider organizing youth fora on crime prevention, criminal "
     "justice and the rule of law at global, regional or national levels."),
    # internal (i)...(iv) enumeration is text, not items
    ("[E 57(e)]", 160, 167,
     "Reflect in the future Kyoto declaration elements such as the need to: (i) reinforce that each Member State "
     "has the sovereign responsibility to protect its own citizens, to define and enforce criminal laws, to "
     "protect and promote human rights and to provide access to justice; (ii) strengthen international "
     "cooperation across borders; (iii) focus on public-private partnerships in the context of crime prevention "
     "and encourage Member States to take measures to foster a culture of lawfulness; and (iv) highlight the "
     "role of national law enforcement authorities and criminal justice practitioners in helping to inform "
     "global policy on crime prevention and criminal justice."),
    # the only single-line recommendation
    ("[A 37(b)]", 985, 985, "Revise laws and policies that are discriminatory against women."),
    # no full stop before the code
    ("[E 43(d)]", 1504, 1507,
     "Promote the exchange of good practices and experiences in preventing the victimization of children and "
     "youth, as well as in preventing their involvement in crime, including by promoting programmes that "
     "facilitate early contact between local law enforcement officials and youth"),
]


@pytest.mark.parametrize("code, first, last, text", HARD_ENTRIES)
def test_entry_text_exactly(entries, code, first, last, text):
    entry = entry_at(entries, code, first)
    assert entry.text == text
    assert entry.source.last == last


def test_lac_79_h_lines_skip_the_bullets_inside_it(entries):
    entry = entry_at(entries, "[LAC 79(h)]", 1643)
    assert entry.source.lines == (1643, 1644, 1666, 1667)


def test_e_28_a_is_in_the_root_causes_group(entries, groups):
    entry = entry_at(entries, "[E 28(a)]", 565)
    assert entry.heading == groups[9].iri
    assert groups[9].text == "Addressing root causes and risk factors of crime"


def test_entry_texts_are_clean(entries):
    for e in entries:
        assert e.text and "  " not in e.text and "•" not in e.text and e.text == e.text.strip()
        assert "[" not in e.text and not e.text.endswith("]")


@pytest.mark.parametrize("split_line", [83, 262, 364, 369, 396, 805, 809, 815, 876, 1036, 1122, 1193, 1475, 1484,
                                        1521, 1690, 1705, 1724, 1737, 1789, 1831])
def test_code_split_over_two_lines(entries, source, split_line):
    entry = next(e for e in entries if e.source.last == split_line + 1)
    prefix = source.line(split_line).rsplit("[", 1)[1]
    assert entry.printed_code == f"[{prefix} {source.line(split_line + 1).strip()}"


@pytest.mark.parametrize("line", [179, 411, 600, 772, 1128, 1135, 1332, 1338, 1785, 1864])
def test_code_alone_on_its_line(entries, source, line):
    entry = next(e for e in entries if e.source.last == line)
    assert entry.printed_code == source.line(line).strip()
    assert entry.source.first < line


def test_printed_codes_are_kept_as_printed(entries):
    assert sum(e.printed_code == "[LAC 80 (b)]" for e in entries) == 1
    assert sum(" (" in e.printed_code for e in entries) == 1


HEADING_TEXTS = [
    (4, 1, "General issues: Political message and thematic orientation of the Congress - \"Other issues\" as "
        "reflected in the reports of the RPMs"),
    (180, 1, "Main theme of the Congress: “Advancing crime prevention, criminal justice and the rule of law: "
             "towards the achievement of the 2030 Agenda.\""),
    (185, 2, "Enhancing capacity of crime prevention and criminal justice institutions and practitioners and "
             "strengthening international cooperation"),
    (354, 2, "People-centred aspect of the 2030 Agenda"),
    (501, 2, "Multi-stakeholder approach, public-private partnerships and inter-agency cooperaion"),
    (996, 2, "Multi-stakeholder approach, public-private partnerships and inter-agency cooperation"),
    (1249, 2, "Implementation of UN standards and norms and the role of UNODC in implementing policies to reduce "
              "recidivism and foster rehabilitation of offenders"),
    (1542, 2, "Collaboration and coordination for crime prevention and rule of law purposes, participation of "
              "academic and non-governmental experts, international cooperation to combat specific crimes"),
    (1578, 1, "International cooperation and technical assistance to prevent and address all forms of crime: (a) "
              "terrorism in all its forms and manifestations; and (b) new and emerging forms of crime (agenda item "
              "6); and current crime trends, recent developments and emerging solutions, in particular new "
              "technologies as means for and tools against crime (workshop 4)"),
]


@pytest.mark.parametrize("line, level, text", HEADING_TEXTS)
def test_heading_text(headings, line, level, text):
    heading = next(h for h in headings if h.source.first == line)
    assert (heading.level, heading.text) == (level, text)


@pytest.mark.parametrize("numeral, heading_line", [("IV", 354), ("XI", 781), ("X", 1286), ("II", 501),
                                                   ("IX", 714), ("VIII", 1174)])
def test_numerals_far_from_their_heading_are_paired_in_order(headings, numeral, heading_line):
    assert next(h for h in headings if h.source.first == heading_line).number == numeral


def test_the_legend_is_the_title_footnote(compilation):
    footnotes = [u for u in compilation.units if u.kind is UnitKind.FOOTNOTE]
    assert len(footnotes) == 1
    note = footnotes[0]
    assert note.iri == DEFAULT.footnote(SLUG, "2")
    assert (note.number, note.source.lines) == ("2", (55, 56, 57, 58, 59))
    assert note.text.startswith("Throughout this document, “[AP…]” stands for the Report of the Asia and Pacific")
    assert note.text.endswith("The numbers following each of the symbols refer to the respective paragraphs in "
                              "the reports.")


def test_positions_follow_the_lines(compilation):
    assert [u.position for u in compilation.units] == list(range(1, len(compilation.units) + 1))
    assert [u.source.first for u in compilation.units] == sorted(u.source.first for u in compilation.units)


# ------------------------------------------------------------------------------------------------ reports
def test_report_paragraphs_claim_no_lines_and_have_no_text(reports, entries):
    for report in reports.values():
        for unit in report.units:
            assert unit.source.lines == ()
            if unit.kind is UnitKind.PARAGRAPH:
                assert unit.text == "" and unit.parent == report.iri
                children = [u for u in report.units if u.parent == unit.iri]
                first_seen = [next(e for e in entries if e.lists == c.iri) for c in children]
                assert unit.source.first == min(e.source.first for e in first_seen)
                assert unit.source.last == max(e.source.last for e in first_seen)


def test_report_units_ordered_by_paragraph_then_letter(reports):
    for report in reports.values():
        keys = [(int(u.iri.split("/para/")[1].split("/")[0]), u.number if u.kind is UnitKind.SUBPARAGRAPH else "")
                for u in report.units]
        assert keys == sorted(keys)
        assert [u.position for u in report.units] == list(range(1, len(report.units) + 1))


def test_recommendation_points_at_its_first_placement(reports, entries):
    ap62a = reports["rpm-report-ap"].unit(DEFAULT.paragraph("rpm-report-ap", 62, "a"))
    assert (ap62a.kind, ap62a.number, ap62a.parent) == (UnitKind.SUBPARAGRAPH, "a",
                                                         DEFAULT.paragraph("rpm-report-ap", 62))
    assert (ap62a.source.first, ap62a.source.last, ap62a.text) == (19, 24, AP_62_A)


def test_reports_are_manifested_as_quoted_in_the_compilation(reports, catalogue):
    for slug, report in reports.items():
        assert report.title == catalogue.facts(slug).title
        (manifestation,) = report.manifestations
        assert manifestation.file == FILE
        assert manifestation.label == "quoted in “A mapping exercise” (UNODC compilation)"


# ------------------------------------------------------------------------------------------------ accounting
def test_every_non_blank_line_is_accounted_for_once(parsed, source):
    claimed = Counter(n for d in parsed.documents for u in d.units for n in u.source.lines)
    claimed.update(s.line for s in parsed.skipped)
    assert max(claimed.values()) == 1
    assert set(claimed) == {n for n, text in source.numbered() if text}


@pytest.mark.parametrize("line, reason", [
    (1, "document title"), (3, "document title"), (6, "table bullet"), (60, "table bullet"),
    (1645, "table bullet"), (183, "detached group numeral (kept as the heading's number)"),
    (309, "detached group numeral (kept as the heading's number)"), (242, "page number"), (746, "page number"),
    (1834, "page number"), (1903, "page marker")])
def test_skipped_line_reasons(parsed, line, reason):
    assert {s.line: s.reason for s in parsed.skipped}[line] == reason


def test_skipped_counts(parsed):
    assert Counter(s.reason for s in parsed.skipped) == {
        "table bullet": 279, "detached group numeral (kept as the heading's number)": 38, "document title": 3,
        "page number": 3, "page marker": 1}


# ------------------------------------------------------------------------------------------------ the rules
TITLE = ("“A mapping exercise”: compilation of the recommendations -grouped thematically- of the five regional "
         "preparatory meetings for the Fourteenth United Nations Congress on Crime Prevention and Criminal Justice")


def parse_lines(catalogue, *lines: str):
    entry = catalogue.file(FILE)
    entry = replace(entry, file="test.txt", skip=(), documents=(Placement(SLUG, 1, len(lines) + 1, "test"),))
    source = SourceText("test.txt", "0" * 64, (TITLE, *lines))
    return mapping.parse_catalogued(source, entry, catalogue, DEFAULT)


def test_bullets_not_text_order_decide_the_group(catalogue):
    parsed = parse_lines(catalogue, "Section", "I.", "Group one", "•", "•", "Alpha. [AP 1(a)]", "II.", "Group two",
                         "•", "Beta. [AP 1(b)]", "Gamma. [AP 1(c)]")
    units = parsed.documents[0].units
    entries = [u for u in units if u.kind is UnitKind.ENTRY]
    heading_text = {u.iri: u.text for u in units if u.kind is UnitKind.HEADING}
    assert [heading_text[e.heading] for e in entries] == ["Group one", "Group one", "Group two"]


def test_lower_case_text_after_bullets_continues_the_recommendation(catalogue):
    parsed = parse_lines(catalogue, "Section", "•", "Alpha and", "•", "beta. [AP 1(a)]", "Gamma. [AP 1(b)]")
    units = parsed.documents[0].units
    assert [u.text for u in units if u.kind is UnitKind.HEADING] == ["Section"]
    assert [(u.text, u.source.lines) for u in units if u.kind is UnitKind.ENTRY] == [
        ("Alpha and beta.", (4, 6)), ("Gamma.", (7,))]


def test_a_code_split_around_bullets_stays_one_code(catalogue):
    parsed = parse_lines(catalogue, "Section", "•", "Alpha. [LAC", "•", "80(e)]", "Beta. [AP 1(a)]")
    entries = [u for u in parsed.documents[0].units if u.kind is UnitKind.ENTRY]
    assert [(e.text, e.printed_code) for e in entries] == [("Alpha.", "[LAC 80(e)]"), ("Beta.", "[AP 1(a)]")]


@pytest.mark.parametrize("lines, line, message", [
    (("Section", "•", "•", "Alpha. [AP 1(a)] and", "beta. [AP 1(b)]"), 5, "two codes in one recommendation"),
    (("Section", "•", "Alpha. [AP 1(a)]", "Text that never ends"), 5, "text without a code at the end of the file"),
    (("Section", "•", "Alpha. [AP 1a]"), 4, "malformed code"),
    (("Section", "•", "Alpha. [XY 1(a)]"), 4, "unknown region prefix"),
    (("Section", "•", "•", "Alpha. [AP 1(a)]"), 5, "2 bullets against 1 recommendations"),
    (("Section", "II.", "Group", "•", "Alpha. [AP 1(a)]"), 3, "group numeral II. out of sequence"),
    (("Section", "•", "Alpha. [AP 1(a)]", "I."), 5, "group numeral I. has no heading"),
    (("•", "Alpha. [AP 1(a)]"), 2, "a bullet before any heading"),
    (("I.", "Group", "•", "Alpha. [AP 1(a)]"), 2, "group numeral I. before any section heading"),
    (("Section", "•", "Alpha [AP 1(a)] and", "•", "Beta. [AP 1(b)]"), 4, "a code that does not end"),
])
def test_bad_structure_is_an_invalid_document(catalogue, lines, line, message):
    with pytest.raises(InvalidDocument) as raised:
        parse_lines(catalogue, *lines)
    assert raised.value.file == "test.txt"
    assert raised.value.line == line
    assert message in raised.value.message
    assert str(raised.value).startswith(f"test.txt:{line}: ")


def test_a_file_without_the_catalogued_title_is_refused(catalogue):
    entry = replace(catalogue.file(FILE), file="test.txt", documents=(Placement(SLUG, 1, 3, "test"),))
    source = SourceText("test.txt", "0" * 64, ("Some other title", "Section", "•"))
    with pytest.raises(InvalidDocument, match="catalogued title"):
        mapping.parse_catalogued(source, entry, catalogue, DEFAULT)


def test_a_title_marker_without_its_legend_is_refused(catalogue):
    entry = replace(catalogue.file(FILE), file="test.txt", documents=(Placement(SLUG, 1, 4, "test"),))
    source = SourceText("test.txt", "0" * 64, (TITLE + "2", "Section", "•", "Alpha. [AP 1(a)]"))
    with pytest.raises(InvalidDocument, match="footnote marker 2"):
        mapping.parse_catalogued(source, entry, catalogue, DEFAULT)
