"""The links a partner takes as fact, measured on blind hand labels (tests/link_scores.py says how), with bars on the
held-out halves -- the labels no rule or threshold was tuned on. The tables are printed whatever -s says and are the
ones the README quotes. Reads the committed build (build/dataset.nq.gz), which test_dataset keeps fresh."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import link_scores as S

BUILD = Path(__file__).resolve().parents[1] / "build"
BARS = {"precision": 0.9, "sdg_recall": 0.8, "first": 0.8, "none": 0.8, "top_themes": 0.85}
# Where a held-out figure is still below its bar, the level it was measured at: the test fails if the figure drops
# below it, and is an expected failure (xfail) between it and the bar.
FLOORS = {("continues", "precision"): 0.88, ("continues", "first"): 0.69, ("takenUpIn", "first"): 0.73}


@pytest.fixture(scope="module")
def store():
    if not (BUILD / "dataset.nq.gz").exists():
        pytest.skip("no build/dataset.nq.gz: run `make build` (the build is committed)")
    return S.load(BUILD)


@pytest.fixture(scope="module")
def sdg(store):
    return S.sdg_scores(store)


@pytest.fixture(scope="module")
def lineage(store):
    return S.lineage_scores(store)


def held_out(scores, name):
    return next(s for s in scores if s.name == name and s.half == "heldout")


def test_print_the_tables(store, capsys):
    with capsys.disabled():
        print("\n" + S.tables(store))


def test_sdg_links_are_right_and_found(sdg):
    scores = held_out(sdg[0], "SDG targets")
    assert scores.precision.value >= BARS["precision"], scores
    assert scores.recall.value >= BARS["sdg_recall"], scores
    assert scores.none_kept.value >= BARS["none"], scores


def test_sdg_confidence_is_the_measured_precision(sdg):
    # each band's published confidence is its precision on the tuning half (Laplace-smoothed); on the held-out
    # half the band must not fall more than 0.1 below what it claims
    for band in sdg[1]:
        assert band.heldout.total == 0 or band.heldout.value >= float(band.confidence) - 0.1, band


@pytest.mark.parametrize("relation", ["continues", "takenUpIn"])
def test_no_predecessor_is_an_answer(lineage, relation):
    scores = held_out(lineage[0], relation)
    assert scores.none_kept.value >= BARS["none"], scores


def meets_bar(relation: str, figure: str, ratio: S.Ratio, bar: float) -> None:
    floor = FLOORS.get((relation, figure), bar)
    assert ratio.value >= floor - 1e-9, f"{relation} {figure}: {ratio}, below the level measured ({floor})"
    if ratio.value < bar:
        pytest.xfail(f"{relation} {figure} on the held-out labels: {ratio}, under the bar {bar} (README, 'How "
                     f"right the tags and links are')")


@pytest.mark.parametrize("relation", ["continues", "takenUpIn"])
def test_asserted_lineage_links_are_right(lineage, relation):
    meets_bar(relation, "precision", held_out(lineage[0], relation).precision, BARS["precision"])


@pytest.mark.parametrize("relation", ["continues", "takenUpIn"])
def test_first_candidate_is_a_labelled_target(lineage, relation):
    meets_bar(relation, "first", held_out(lineage[0], relation).recall, BARS["first"])


def test_lineage_candidates_claim_no_more_than_they_are(lineage):
    for band in lineage[1]:
        if band.band == "candidate":
            assert Decimal(band.confidence) < Decimal("0.9"), band


def test_top_themes_read_in_the_words_are_right(store):
    rows = {(what, half): (p, r) for what, half, p, r in S.top_theme_scores(store)}
    precision, _ = rows[("uncc:theme (read in the words)", "heldout")]
    assert precision.value >= BARS["top_themes"], precision
    # the inferred tags are what made the top themes unreliable: keeping them apart is what the bar is about
    with_inferred, _ = rows[("uncc:theme + uncc:inferredTheme", "heldout")]
    assert with_inferred.value < precision.value
