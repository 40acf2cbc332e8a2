"""The top-theme hand labels (tests/fixtures/top-theme-labels.yaml, see TOP-THEME-LABELS.md): their structure, that
every unit exists, that the slugs are the four top concepts of the theme scheme, that the random draw and the
tuning / held-out split can be reproduced from the stated seeds, and that the counts meet the minimums. Measures
nothing about the tagger: that is done against these labels, frozen.

Run: .venv/bin/python -m pytest tests/test_top_theme_labels.py
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from graded_labels import (alternating_halves, assert_every_document_labelled, check_grades, labelled_units,
                           read_labels, seeded_draw, unit_iri, units_by_iri)

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "fixtures" / "top-theme-labels.yaml"
THEMES = ROOT / "mappings" / "themes.yaml"
DRAW_SEED, PER_DOCUMENT, SPLIT_SEED = 4040, 8, 4041
FRAME_KINDS = {"formula", "preamble", "paragraph", "subparagraph", "item", "entry"}
KEYS = {"unit", "required", "acceptable", "half", "note"}
TOP_CONCEPTS = {"crime-prevention", "criminal-justice", "rule-of-law", "international-cooperation"}
MIN_LABELS, MIN_NONE = 100, 15


@pytest.fixture(scope="module")
def labels():
    return read_labels(LABELS)


@pytest.fixture(scope="module")
def units(corpus):
    return units_by_iri(corpus)


def test_structure(labels):
    for label in labels:
        where = label.get("unit")
        assert set(label) == KEYS, where
        assert label["half"] in {"tune", "heldout"}, where
        check_grades(label, "concept")
    assert len({l["unit"] for l in labels}) == len(labels), "a unit is labelled twice"


def test_units_exist(labels, units):
    for label, unit in zip(labels, labelled_units(labels, units)):
        assert unit.kind.value in FRAME_KINDS, label["unit"]
        # a unit with no words of its own (a lead-in paragraph) is about nothing
        if not unit.text.strip():
            assert not label["required"] and not label["acceptable"], label["unit"]


def test_slugs_are_the_four_top_concepts(labels):
    themes = yaml.safe_load(THEMES.read_text(encoding="utf-8"))["themes"]
    top = {t["slug"] for t in themes if not t.get("broader")}
    assert top == TOP_CONCEPTS, "the top concepts of mappings/themes.yaml are not the four labelled here"
    used = {t for l in labels for t in l["required"] + l["acceptable"]}
    assert used <= TOP_CONCEPTS, f"not top concepts: {sorted(used - TOP_CONCEPTS)}"


def test_sample_is_the_stated_draw(labels, corpus):
    assert [unit_iri(l["unit"]) for l in labels] == seeded_draw(corpus, FRAME_KINDS, DRAW_SEED, PER_DOCUMENT)


def test_counts(labels, corpus):
    assert len(labels) >= MIN_LABELS
    assert_every_document_labelled(labels, corpus)
    assert sum(1 for l in labels if not l["required"]) >= MIN_NONE
    assert sum(1 for l in labels if l["required"]) >= len(labels) // 2
    required = Counter(t for l in labels for t in l["required"])
    assert set(required) == TOP_CONCEPTS, f"every top concept is required somewhere: {required}"


def split(labels):
    """The halves as TOP-THEME-LABELS.md states them: strata (has a required concept or not) in file order, each
    shuffled with a fixed seed, concatenated positive then none, then alternately tune and heldout."""
    return alternating_halves(([l["unit"] for l in labels if bool(l["required"]) == positive]
                               for positive in (True, False)), SPLIT_SEED)


def test_halves_are_the_stated_split_and_balanced(labels):
    assert {l["unit"]: l["half"] for l in labels} == split(labels)
    halves = Counter(l["half"] for l in labels)
    assert halves["tune"] and halves["heldout"], halves
    strata = Counter((bool(l["required"]), l["half"]) for l in labels)
    for positive in (True, False):
        tune, heldout = strata[(positive, "tune")], strata[(positive, "heldout")]
        assert tune and heldout and abs(tune - heldout) <= 1, (positive, tune, heldout)
