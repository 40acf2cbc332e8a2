"""The second set of lineage hand labels (tests/fixtures/lineage-labels-2.yaml) is well formed.

Checks structure, that every unit named exists in the parsed corpus and may be a target of that kind of
link, the minimum counts, and the tune/held-out split. It does not measure the linker: the labels are
frozen first, and scored against the linker in a later step.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

import lineage_label_rules as rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LABELS = FIXTURES / "lineage-labels-2.yaml"
FIRST_LABELS = FIXTURES / "lineage-labels.yaml"

# minimum labels, and minimum "none" labels, per set (from the issue "Links a partner can trust")
MINIMUM = {"continues": (65, 15), "taken_up": (65, 12)}


def problems(labels: dict, corpus, catalogue, first: dict) -> list[str]:
    """Every way the label file breaks the rules, one message each (empty when it is sound)."""
    return rules.problems(labels, corpus, catalogue, halves=("tune", "heldout"),
                          done={name: {entry["source"] for entry in first[name]} for name in rules.NAMES})


def split_counts(entries: list[dict]) -> Counter:
    return Counter((entry["half"], bool(entry["targets"])) for entry in entries)


@pytest.fixture(scope="module")
def labels() -> dict:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def first() -> dict:
    return yaml.safe_load(FIRST_LABELS.read_text(encoding="utf-8"))


def test_every_label_names_real_units_of_the_right_kind(labels, corpus, catalogue, first):
    assert problems(labels, corpus, catalogue, first) == []


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_counts_meet_the_minimums(labels, name):
    entries = labels[name]
    least, least_none = MINIMUM[name]
    assert len(entries) >= least
    assert sum(1 for entry in entries if not entry["targets"]) >= least_none


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_halves_are_non_empty_and_balanced(labels, name):
    counts = split_counts(labels[name])
    for has_targets in (True, False):
        tune, heldout = counts[("tune", has_targets)], counts[("heldout", has_targets)]
        assert tune > 0 and heldout > 0
        assert abs(tune - heldout) <= 1, (name, has_targets, tune, heldout)


def test_the_checks_catch_broken_labels(labels, corpus, catalogue, first):
    """Each rule above rejects a label that breaks it, so a clean result means something."""
    rules.check_the_rules_catch_broken_labels(labels, lambda broken: problems(broken, corpus, catalogue, first),
                                              labelled_before=first["taken_up"][0]["source"], bad_half="both",
                                              half_message="'both' is not tune")
