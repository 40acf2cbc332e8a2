"""The five regional preparatory meetings for the Fourteenth Congress: their entries in mappings/congresses.yaml
agree with the corpus lines they cite, their reports (rpm-report-*) name them as the adopting meeting with the
year of adoption, and the dataset publishes both as it does for the Statement of principles (adopted at a
meeting, not a Congress), so that queries/regional-reports.rq answers."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from crimecongress.ids import Minter
from crimecongress.rdf.emit import document_graph
from crimecongress.rdf.namespaces import RDF, XSD
from crimecongress.rdf.vocabulary import authorities_graph
from crimecongress.vocab import load_vocabulary
from triple_lookup import Lookup

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
CONGRESSES = ROOT / "mappings" / "congresses.yaml"
QUERY = ROOT / "queries" / "regional-reports.rq"
MINTER = Minter()
UNCC = MINTER.term("")

# report slug -> (meeting slug, region as printed, city); the dates are checked against the corpus below
REPORTS = {
    "rpm-report-ap": ("bangkok-regional-preparatory-meeting-2019", "Asia and Pacific", "Bangkok"),
    "rpm-report-lac": ("santiago-regional-preparatory-meeting-2019", "Latin American and Caribbean", "Santiago"),
    "rpm-report-wa": ("beirut-regional-preparatory-meeting-2019", "Western Asia", "Beirut"),
    "rpm-report-a": ("addis-ababa-regional-preparatory-meeting-2019", "African", "Addis Ababa"),
    "rpm-report-e": ("vienna-regional-preparatory-meeting-2019", "European", "Vienna"),
}
CONGRESS_REPORT = "004_7a05ab54536c615f.txt"
ACCOUNT_LINE = 395          # chapter II, para. 5: the five meetings, where and when
LIST_LINES = {"rpm-report-ap": 1661, "rpm-report-wa": 1662, "rpm-report-lac": 1663, "rpm-report-a": 1664,
              "rpm-report-e": 1665}   # annex: the list of documents before the Congress


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


@pytest.fixture(scope="module")
def raw_meetings():
    """The meetings as written in the mapping file."""
    return {m["slug"]: m for m in yaml.safe_load(CONGRESSES.read_text(encoding="utf-8"))["meetings"]}


def _line(number: int) -> str:
    return (SOURCES / CONGRESS_REPORT).read_text(encoding="utf-8").splitlines()[number - 1]


def _held(city: str, start, end) -> str:
    """How the Congress report prints a meeting's place and dates: "held in Bangkok from 22 to 24 January 2019"."""
    assert (start.year, start.month) == (end.year, end.month), "a meeting over two months is printed otherwise"
    return f"held in {city} from {start.day} to {end.day} {start:%B} {start.year}"


@pytest.mark.parametrize("report", REPORTS)
def test_report_is_adopted_at_its_meeting_in_2019(catalogue, vocab, report):
    facts = catalogue.facts(report)
    slug, _, _ = REPORTS[report]
    assert facts.meeting == slug
    assert facts.congress is None, "`congress` names the adopting Congress: a regional report has a meeting instead"
    meeting = vocab.meeting(slug)
    assert facts.year == meeting.end_date.year == 2019, "the year of a report is the year its meeting adopted it"


@pytest.mark.parametrize("report", REPORTS)
def test_meeting_agrees_with_the_corpus_lines_it_cites(vocab, raw_meetings, report):
    slug, region, city = REPORTS[report]
    meeting = vocab.meeting(slug)
    assert meeting.name == f"{region} Regional Preparatory Meeting for the Fourteenth United Nations Congress on " \
                           f"Crime Prevention and Criminal Justice"
    assert meeting.city == city
    held = _held(city, meeting.start_date, meeting.end_date)
    assert f"{region} Regional Preparatory Meeting, {held}" in _line(ACCOUNT_LINE)
    assert held in _line(LIST_LINES[report])
    for number in (ACCOUNT_LINE, LIST_LINES[report]):
        assert f"004 line {number}" in meeting.source
    assert raw_meetings[slug]["prepares"] == meeting.prepares == 14


def test_every_adopting_meeting_and_prepared_congress_is_known(catalogue, vocab, raw_meetings):
    meetings = {m.slug for m in vocab.meetings if m.slug is not None}
    congresses = {c.congress for c in vocab.congresses}
    for facts in catalogue.documents:
        assert facts.congress is None or facts.meeting is None, f"{facts.slug}: adopted at a Congress or a meeting"
        assert facts.meeting is None or facts.meeting in meetings, f"{facts.slug}: unknown meeting {facts.meeting}"
    for slug, entry in raw_meetings.items():
        assert entry.get("prepares") is None or entry["prepares"] in congresses, slug


def _published(corpus, catalogue, vocab, slugs) -> Lookup:
    graph = authorities_graph(vocab, MINTER)
    for document in corpus.documents:
        if document.slug in slugs:
            graph += document_graph(document, catalogue.facts(document.slug), MINTER)
    return Lookup(graph)


def test_year_and_meeting_are_published_as_for_the_statement_of_principles(corpus, catalogue, vocab):
    graph = _published(corpus, catalogue, vocab, {*REPORTS, "statement-of-principles-1991"})
    adopted_at, year = ox.NamedNode(UNCC + "adoptedAt"), ox.NamedNode(UNCC + "year")
    for slug, adopted in [("statement-of-principles-1991", ("paris-ministerial-meeting-1991", 1991))] + \
                         [(r, (m, 2019)) for r, (m, _, _) in REPORTS.items()]:
        document = ox.NamedNode(MINTER.document(slug))
        meeting, when = adopted
        assert set(graph.objects(document, adopted_at)) == {ox.NamedNode(MINTER.meeting(meeting))}, slug
        assert set(graph.objects(document, year)) == {ox.Literal(str(when), datatype=XSD.gYear)}, slug
        assert (ox.NamedNode(MINTER.meeting(meeting)), RDF.type, ox.NamedNode(UNCC + "Meeting")) in graph


def test_regional_reports_query_answers(corpus, catalogue, vocab):
    store = _published(corpus, catalogue, vocab, set(REPORTS)).store()
    solutions = store.query(QUERY.read_text(encoding="utf-8"))
    names = [v.value for v in solutions.variables]
    rows = [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]
    assert [r["report"] for r in rows] == [MINTER.document(r) for r in
                                           ("rpm-report-ap", "rpm-report-lac", "rpm-report-wa", "rpm-report-a",
                                            "rpm-report-e")]     # in the order the meetings were held
    for row in rows:
        slug = row["report"].rsplit("/", 1)[1]
        assert row["year"] == "2019"
        assert row["meeting"] == MINTER.meeting(REPORTS[slug][0])
        assert row["congress"] == MINTER.congress(14)         # the Congress the meeting prepared for
        assert row["city"] == REPORTS[slug][2]
        assert row["startDate"] and row["endDate"] and row["country"]
