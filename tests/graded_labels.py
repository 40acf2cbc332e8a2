"""What the graded hand-label files (sdg-labels.yaml, top-theme-labels.yaml) share: a label's `required` and
`acceptable` lists, the seeded draw of units per document, and the stratified, alternating tune / held-out split.
Used by tests/test_sdg_labels.py and tests/test_top_theme_labels.py."""
from __future__ import annotations

import random
from typing import Iterable


def check_grades(label: dict, what: str) -> None:
    """`required` and `acceptable` are lists of distinct strings, none in both; `note` is one non-empty line."""
    where = label.get("unit")
    required, acceptable = label["required"], label["acceptable"]
    assert isinstance(required, list) and isinstance(acceptable, list), where
    assert all(isinstance(t, str) for t in required + acceptable), where
    assert len(set(required)) == len(required) and len(set(acceptable)) == len(acceptable), where
    assert not set(required) & set(acceptable), f"{where}: a {what} is both required and acceptable"
    assert isinstance(label["note"], str) and label["note"].strip() and "\n" not in label["note"], where


def seeded_draw(corpus, kinds: set[str], seed: int, per_document: int) -> list[str]:
    """For each document in corpus order, `random.Random(seed).sample(frame, per_document)` over its units of
    `kinds` in document order (a new generator per document): the IRIs drawn."""
    drawn = []
    for document in corpus.documents:
        frame = [u.iri for u in document.units if u.kind.value in kinds]
        drawn += random.Random(seed).sample(frame, per_document)
    return drawn


def alternating_halves(strata: Iterable[list[str]], seed: int) -> dict[str, str]:
    """Each stratum (units in file order) shuffled with `random.Random(seed)` (a new generator per stratum), the
    strata concatenated in the order given, then alternately tune and heldout: unit -> half."""
    order: list[str] = []
    for stratum in strata:
        stratum = list(stratum)
        random.Random(seed).shuffle(stratum)
        order += stratum
    return {unit: "tune" if i % 2 == 0 else "heldout" for i, unit in enumerate(order)}
