"""The lineage hand labels held out as a whole -- the third and fourth sets (tests/fixtures/lineage-labels-3.yaml,
-4.yaml) -- are well formed.

For each set: structure, that every unit named exists in the parsed corpus and may be a target of that kind of
link, that the labelled units are exactly the seeded random draws its LINEAGE-LABELS-N.md describes, that no unit
was already labelled in an earlier set, and the minimum counts. The whole set is held out. It does not measure
the linker.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

import lineage_label_rules as rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"

KYOTO = "kyoto-declaration-2021"
LATER = ["naples-declaration-1994", "vienna-declaration-2000", "bangkok-declaration-2005",
         "doha-declaration-2015", KYOTO]
REGIONS = ["rpm-report-ap", "rpm-report-lac", "rpm-report-wa", "rpm-report-a", "rpm-report-e"]
SOURCE_KINDS = {"preamble", "paragraph", "subparagraph"}
# per set, the seed and sample size of each draw (LINEAGE-LABELS-N.md); a draw takes the whole pool when it is smaller
DRAWS = {3: {"continues": (3201, 60), "taken_up": (3202, 60)},
         4: {"continues": (3301, 60), "taken_up": (3302, 60)}}
NAMES = ("continues", "taken_up")
MINIMUM = 60


def label_file(n: int) -> Path:
    return FIXTURES / ("lineage-labels.yaml" if n == 1 else f"lineage-labels-{n}.yaml")


def relative(document, unit) -> str:
    return document.slug + "/" + unit.iri[len(document.iri) + 1:]


def already_labelled(earlier: list[dict], name: str) -> set[str]:
    return {entry["source"] for labels in earlier for entry in labels[name]}


def draw(corpus, earlier: list[dict], seed: int, size: int, name: str) -> list[str]:
    """The sample of `name`, drawn exactly as the set's LINEAGE-LABELS-N.md says."""
    done = already_labelled(earlier, name)
    if name == "continues":
        pool = [relative(d, u) for slug in LATER for d in [corpus.document(slug)] for u in d.units
                if u.kind.value in SOURCE_KINDS and u.text.strip() and relative(d, u) not in done]
    else:
        pool = [relative(d, u) for slug in REGIONS for d in [corpus.document(slug)] for u in d.units
                if u.kind.value == "subparagraph" and relative(d, u) not in done]
    return random.Random(seed).sample(pool, min(size, len(pool)))


def problems(labels: dict, corpus, catalogue, earlier: list[dict]) -> list[str]:
    """Every way the label file breaks the rules, one message each (empty when it is sound)."""
    return rules.problems(labels, corpus, catalogue, halves=("heldout",),
                          done={name: already_labelled(earlier, name) for name in rules.NAMES})


@pytest.fixture(scope="module", params=sorted(DRAWS), ids=lambda n: f"set {n}")
def labelled(request) -> tuple[int, dict, list[dict]]:
    """(set number, its labels, the labels of every earlier set)."""
    n = request.param
    read = [yaml.safe_load(label_file(k).read_text(encoding="utf-8")) for k in range(1, n + 1)]
    return n, read[-1], read[:-1]


def test_every_label_names_real_units_of_the_right_kind(labelled, corpus, catalogue):
    _, labels, earlier = labelled
    assert problems(labels, corpus, catalogue, earlier) == []


@pytest.mark.parametrize("name", NAMES)
def test_the_labels_are_exactly_the_seeded_draw_in_draw_order(labelled, corpus, name):
    n, labels, earlier = labelled
    assert [entry["source"] for entry in labels[name]] == draw(corpus, earlier, *DRAWS[n][name], name)


@pytest.mark.parametrize("name", NAMES)
def test_no_unit_of_an_earlier_set_is_labelled_again(labelled, name):
    _, labels, earlier = labelled
    assert not {entry["source"] for entry in labels[name]} & already_labelled(earlier, name)


@pytest.mark.parametrize("name", NAMES)
def test_counts_meet_the_minimum_and_both_answers_occur(labelled, name):
    entries = labelled[1][name]
    assert len(entries) >= MINIMUM
    assert any(entry["targets"] for entry in entries)
    assert any(not entry["targets"] for entry in entries)


def test_the_whole_set_is_held_out(labelled):
    assert {entry["half"] for entries in labelled[1].values() for entry in entries} == {"heldout"}


def test_the_checks_catch_broken_labels(labelled, corpus, catalogue):
    """Each rule above rejects a label that breaks it, so a clean result means something."""
    _, labels, earlier = labelled
    rules.check_the_rules_catch_broken_labels(labels, lambda broken: problems(broken, corpus, catalogue, earlier),
                                              labelled_before=earlier[-1]["taken_up"][0]["source"],  # previous set
                                              bad_half="tune", half_message="'tune' is not heldout")
