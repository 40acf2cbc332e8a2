"""The fourth set of lineage hand labels (tests/fixtures/lineage-labels-4.yaml) is well formed.

Checks structure, that every unit named exists in the parsed corpus and may be a target of that kind of
link, that the labelled units are exactly the seeded random draws described in LINEAGE-LABELS-4.md, that
no unit was already labelled in the first three sets, and the minimum counts. The whole set is held out.
It does not measure the linker.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

import lineage_label_rules as rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LABELS = FIXTURES / "lineage-labels-4.yaml"
EARLIER_SETS = (FIXTURES / "lineage-labels.yaml", FIXTURES / "lineage-labels-2.yaml",
                FIXTURES / "lineage-labels-3.yaml")

KYOTO = "kyoto-declaration-2021"
LATER = ["naples-declaration-1994", "vienna-declaration-2000", "bangkok-declaration-2005",
         "doha-declaration-2015", KYOTO]
REGIONS = ["rpm-report-ap", "rpm-report-lac", "rpm-report-wa", "rpm-report-a", "rpm-report-e"]
SOURCE_KINDS = {"preamble", "paragraph", "subparagraph"}
# seed and sample size of each draw (LINEAGE-LABELS-4.md); taken_up takes the whole pool when it is smaller
DRAWS = {"continues": (3301, 60), "taken_up": (3302, 60)}
MINIMUM = 60


def relative(document, unit) -> str:
    return document.slug + "/" + unit.iri[len(document.iri) + 1:]


def already_labelled(earlier: list[dict], name: str) -> set[str]:
    return {entry["source"] for labels in earlier for entry in labels[name]}


def draw(corpus, earlier: list[dict], name: str) -> list[str]:
    """The sample of `name`, drawn exactly as LINEAGE-LABELS-4.md says."""
    done = already_labelled(earlier, name)
    if name == "continues":
        pool = [relative(d, u) for slug in LATER for d in [corpus.document(slug)] for u in d.units
                if u.kind.value in SOURCE_KINDS and u.text.strip() and relative(d, u) not in done]
    else:
        pool = [relative(d, u) for slug in REGIONS for d in [corpus.document(slug)] for u in d.units
                if u.kind.value == "subparagraph" and relative(d, u) not in done]
    seed, size = DRAWS[name]
    return random.Random(seed).sample(pool, min(size, len(pool)))


def problems(labels: dict, corpus, catalogue, earlier: list[dict]) -> list[str]:
    """Every way the label file breaks the rules, one message each (empty when it is sound)."""
    return rules.problems(labels, corpus, catalogue, halves=("heldout",),
                          done={name: already_labelled(earlier, name) for name in rules.NAMES})


@pytest.fixture(scope="module")
def labels() -> dict:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def earlier() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in EARLIER_SETS]


def test_every_label_names_real_units_of_the_right_kind(labels, corpus, catalogue, earlier):
    assert problems(labels, corpus, catalogue, earlier) == []


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_the_labels_are_exactly_the_seeded_draw_in_draw_order(labels, corpus, earlier, name):
    assert [entry["source"] for entry in labels[name]] == draw(corpus, earlier, name)


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_no_unit_of_the_first_three_sets_is_labelled_again(labels, earlier, name):
    assert not {entry["source"] for entry in labels[name]} & already_labelled(earlier, name)


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_counts_meet_the_minimum_and_both_answers_occur(labels, name):
    entries = labels[name]
    assert len(entries) >= MINIMUM
    assert any(entry["targets"] for entry in entries)
    assert any(not entry["targets"] for entry in entries)


def test_the_whole_set_is_held_out(labels):
    assert {entry["half"] for entries in labels.values() for entry in entries} == {"heldout"}


def test_the_checks_catch_broken_labels(labels, corpus, catalogue, earlier):
    """Each rule above rejects a label that breaks it, so a clean result means something."""
    rules.check_the_rules_catch_broken_labels(labels, lambda broken: problems(broken, corpus, catalogue, earlier),
                                              labelled_before=earlier[2]["taken_up"][0]["source"],   # in set 3
                                              bad_half="tune", half_message="'tune' is not heldout")
