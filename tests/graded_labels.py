"""What the graded hand-label files (sdg-labels.yaml, top-theme-labels.yaml) share: reading them, a label's unit
and its place in the corpus, a label's `required` and `acceptable` lists, the seeded draw of units per document,
and the stratified, alternating tune / held-out split. Used by tests/test_sdg_labels.py and
tests/test_top_theme_labels.py."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Iterable

import yaml

from crimecongress.ids import DEFAULT as MINTER


def read_labels(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["labels"]


def unit_iri(unit: str) -> str:
    """A label's unit (`doha-declaration-2015/para/5/d`) as its IRI."""
    return f"{MINTER.base}doc/{unit}"


def units_by_iri(corpus) -> dict:
    return {u.iri: u for d in corpus.documents for u in d.units}


def labelled_units(labels: list[dict], units: dict) -> list:
    """The parsed unit of each label, in label order; every labelled unit must be in the corpus."""
    missing = [l["unit"] for l in labels if unit_iri(l["unit"]) not in units]
    assert not missing, f"not in the parsed corpus: {missing}"
    return [units[unit_iri(l["unit"])] for l in labels]


def assert_every_document_labelled(labels: list[dict], corpus) -> None:
    labelled_documents = {l["unit"].split("/")[0] for l in labels}
    assert labelled_documents == {d.slug for d in corpus.documents}, "every document of the corpus has labels"


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
