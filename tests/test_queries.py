"""The partners' example queries (queries/*.rq) against the committed build: each parses, runs on
build/dataset.nq (loaded into pyoxigraph, named graphs as the default union) and gives the expected answer."""
from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
DATASET = ROOT / "build" / "dataset.nq.gz"
BASE = "https://w3id.org/crime-congress/"
LINKING_QUERIES = ("paragraphs-for-sdg-target.rq", "theme-share-by-year.rq", "instruments-most-cited.rq",
                   "region-recommendations-in-kyoto.rq", "continuations-of-paragraph.rq")


def doc(path: str) -> str:
    return f"{BASE}doc/{path}"


@pytest.fixture(scope="module")
def store():
    import pyoxigraph as ox
    if not DATASET.exists():
        pytest.skip("no build/dataset.nq.gz: run `make build` (the build is committed)")
    store = ox.Store()
    with gzip.open(DATASET, "rb") as data:
        store.bulk_load(data, ox.RdfFormat.N_QUADS)
    graphs = {g.value for g in store.named_graphs()}
    missing = [name for name in ("sdg", "sdg-links", "lineage") if f"{BASE}graph/{name}" not in graphs]
    if missing:
        pytest.fail(f"build/dataset.nq has no {', '.join(missing)} graph: the build must publish "
                    f"crimecongress.linking.link_corpus(...).graphs (then `make build`)")
    return store


def run(store, name: str) -> list[dict[str, object]]:
    text = (QUERIES / name).read_text(encoding="utf-8")
    solutions = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        rows.append({n: (solution[n].value if solution[n] is not None else None) for n in names})
    return rows


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_every_query_says_what_it_asks(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and len(lines[0]) > 10, "the first line is the query's title"
    assert lines[1].startswith("# "), "a description follows the title"


@pytest.mark.parametrize("name", LINKING_QUERIES)
def test_linking_queries_run(store, name):
    assert run(store, name), f"{name} has no answer"


def test_paragraphs_for_sdg_target_16_5(store):
    rows = run(store, "paragraphs-for-sdg-target.rq")
    units = {r["unit"]: r for r in rows}
    mention = units[doc("rpm-report-lac/para/19/j")]
    assert mention["method"] == "mention" and mention["evidence"] == "sustainable development target 16.5"
    assert Decimal(mention["confidence"]) == Decimal("1")
    for path in ("vienna-declaration-2000/para/16", "bangkok-declaration-2005/para/23", "kyoto-declaration-2021/para/53",
                 "kyoto-declaration-2021/para/54", "kyoto-declaration-2021/para/56", "kyoto-declaration-2021/para/58"):
        assert units[doc(path)]["method"] in ("words and crosswalk", "words"), path
    # across the Congresses, oldest first; every text has its year (the regional reports: 2019, their meetings')
    years = [int(r["year"]) for r in rows]
    assert years == sorted(years) and years[0] == 1994 and years[-1] == 2021
    assert 2019 in years
    assert all(0 < Decimal(r["confidence"]) <= 1 for r in rows)


def test_theme_share_by_year(store):
    rows = run(store, "theme-share-by-year.rq")
    assert [int(r["year"]) for r in rows] == [1991, 1994, 2000, 2002, 2005, 2015, 2021]
    # paragraph units per text (the corpus notes count the same)
    assert [int(r["units"]) for r in rows] == [99, 60, 39, 204, 45, 75, 101]
    corruption = {r["title"]: int(r["aboutTheme"]) for r in rows}
    assert corruption["Statement of principles"] == 0
    assert corruption["Kyoto Declaration"] >= 6          # the six paragraphs under "Effective anti-corruption efforts"
    for r in rows:
        assert float(r["percent"]) == round(1000 * int(r["aboutTheme"]) / int(r["units"])) / 10


def test_instruments_most_cited(store):
    rows = run(store, "instruments-most-cited.rq")
    assert rows[0]["instrument"] == f"{BASE}instrument/untoc"
    untoc = {r["title"]: int(r["units"]) for r in rows if r["instrument"] == f"{BASE}instrument/untoc"}
    # the units the corpus notes list: Doha 5(m), 5(n), 8, 8(k), 8(m), 9(a); Kyoto 20, 53, 60, 62, 68, 79, 82, 89
    assert untoc["Doha Declaration"] == 6 and untoc["Kyoto Declaration"] == 8
    totals = [int(r["total"]) for r in rows]
    assert totals == sorted(totals, reverse=True)


def test_region_recommendations_in_kyoto(store):
    rows = run(store, "region-recommendations-in-kyoto.rq")
    assert all(r["recommendation"].startswith(doc("rpm-report-a/")) for r in rows)
    terrorism = [r for r in rows if r["recommendation"] == doc("rpm-report-a/para/57/d")]
    assert [int(r["rank"]) for r in terrorism] == [1, 2, 3]
    assert terrorism[0]["kyoto"] == doc("kyoto-declaration-2021/para/76")        # foreign terrorist fighters
    assert terrorism[0]["heading"] == "Terrorism in all its forms and manifestations"
    assert {r["kyoto"] for r in terrorism} <= {doc(f"kyoto-declaration-2021/para/{n}") for n in range(73, 79)}


def test_continuations_of_bangkok_25(store):
    rows = run(store, "continuations-of-paragraph.rq")
    direct = {r["later"] for r in rows if r["direct"] in (True, "true")}
    assert doc("doha-declaration-2015/para/8/e") in direct
    assert all(int(r["year"]) > 2005 for r in rows)
    assert all(Decimal(r["confidence"]) >= Decimal("0.9") for r in rows if r["later"] in direct)
    assert all(r["method"] for r in rows if r["later"] in direct)
    indirect = [r for r in rows if r["later"] not in direct]
    assert all(r["score"] is None for r in indirect)


def test_regional_reports_with_year_and_meeting(store):
    rows = run(store, "regional-reports.rq")
    assert [r["report"] for r in rows] == [doc(f"rpm-report-{r}") for r in ("ap", "lac", "wa", "a", "e")]
    assert all(r["year"] == "2019" and r["meeting"] and r["congress"] == f"{BASE}congress/14" for r in rows)


def test_theme_share_read_and_inferred(store):
    rows = {r["title"]: r for r in run(store, "theme-share-read-and-inferred.rq")}
    doha = rows["Doha Declaration"]
    # the rule of law as the Doha Declaration's words say it, and with the tags inferred from headings and themes
    assert 0 < int(doha["readInWords"]) < int(doha["withInferred"]) <= int(doha["units"])
    assert float(doha["percentRead"]) < 30 < float(doha["percentWithInferred"])
