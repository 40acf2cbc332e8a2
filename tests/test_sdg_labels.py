"""The SDG hand labels (tests/fixtures/sdg-labels.yaml, see SDG-LABELS.md): their structure, that every unit and
target exists, that the random draw and the tuning / held-out split can be reproduced from the stated seeds, and
that the counts meet the minimums. Measures nothing about the linker: that is done against these labels, frozen.

Run: .venv/bin/python -m pytest tests/test_sdg_labels.py
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crimecongress.linking.sdg import load_catalogue
from graded_labels import (alternating_halves, assert_every_document_labelled, check_grades, labelled_units,
                           read_labels, seeded_draw, unit_iri, units_by_iri)

LABELS = Path(__file__).resolve().parent / "fixtures" / "sdg-labels.yaml"
DRAW_SEED, PER_DOCUMENT, SPLIT_SEED = 2030, 6, 2031
FRAME_KINDS = {"formula", "preamble", "paragraph", "subparagraph", "item", "entry"}
KEYS = {"unit", "sample", "required", "acceptable", "half", "note"}
HARD_CASES = {"violence", "institutions", "freedoms", "trafficking", "capacity", "environment", "children",
              "procedural"}
MIN_LABELS, MIN_NONE = 110, 15


@pytest.fixture(scope="module")
def labels():
    return read_labels(LABELS)


@pytest.fixture(scope="module")
def units(corpus):
    return units_by_iri(corpus)


def test_structure(labels):
    for label in labels:
        where = label.get("unit")
        purposive = label.get("sample") == "purposive"
        assert set(label) == KEYS | ({"case"} if purposive else set()), where
        assert label["sample"] in {"random", "purposive"}, where
        assert not purposive or label["case"] in HARD_CASES, where
        assert label["half"] in {"tune", "heldout"}, where
        check_grades(label, "target")
    assert len({l["unit"] for l in labels}) == len(labels), "a unit is labelled twice"


def test_units_exist(labels, units):
    # a unit with no words of its own (a lead-in paragraph) cannot serve a target
    for label, unit in zip(labels, labelled_units(labels, units)):
        if not unit.text.strip():
            assert not label["required"], label["unit"]


def test_targets_exist(labels):
    catalogue = load_catalogue()
    unknown = {t for l in labels for t in l["required"] + l["acceptable"] if not catalogue.has(t)}
    assert not unknown, f"not SDG targets of mappings/sdg.yaml: {sorted(unknown)}"


def test_random_sample_is_the_stated_draw(labels, corpus):
    drawn = seeded_draw(corpus, FRAME_KINDS, DRAW_SEED, PER_DOCUMENT)
    assert [unit_iri(l["unit"]) for l in labels if l["sample"] == "random"] == drawn


def test_counts(labels, corpus):
    assert len(labels) >= MIN_LABELS
    assert_every_document_labelled(labels, corpus)
    cases = Counter(l["case"] for l in labels if l["sample"] == "purposive")
    assert set(cases) == HARD_CASES and min(cases.values()) >= 3, cases
    assert sum(1 for l in labels if not l["required"]) >= MIN_NONE
    assert sum(1 for l in labels if l["required"]) >= MIN_LABELS // 2


def split(labels):
    """The halves as SDG-LABELS.md states them: strata (sample, has a required target) in file order, each shuffled
    with a fixed seed, concatenated, then alternately tune and heldout."""
    return alternating_halves(([l["unit"] for l in labels if l["sample"] == sample and bool(l["required"]) == positive]
                               for sample in ("random", "purposive") for positive in (True, False)), SPLIT_SEED)


def test_halves_are_the_stated_split_and_balanced(labels):
    assert {l["unit"]: l["half"] for l in labels} == split(labels)
    strata = Counter((l["sample"], bool(l["required"]), l["half"]) for l in labels)
    for sample in ("random", "purposive"):
        for positive in (True, False):
            tune, heldout = strata[(sample, positive, "tune")], strata[(sample, positive, "heldout")]
            assert tune and heldout and abs(tune - heldout) <= 1, (sample, positive, tune, heldout)
