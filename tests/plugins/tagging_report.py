"""Scores of the tagger against the hand labels (tests/fixtures/hand-labels.yaml), and the pytest hook that
prints them at the end of every run (whatever -s says).

tests/test_tagging.py computes the scores, stores them in the run's stash and writes the Markdown table to
tests/fixtures/tagging-scores.md; `pytest_terminal_summary` prints the same table to the terminal.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "hand-labels.yaml"
HELD_OUT = Path(__file__).resolve().parents[1] / "fixtures" / "hand-labels-heldout.yaml"
SCORES_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "tagging-scores.md"
SCORES: pytest.StashKey["Scores"] = pytest.StashKey()
HELD_OUT_SCORES: pytest.StashKey["Scores"] = pytest.StashKey()
KINDS = ("theme", "instrument", "actor")


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, want: set, have: set) -> None:
        self.tp += len(want & have)
        self.fp += len(have - want)
        self.fn += len(want - have)


@dataclass
class Scores:
    """Counts per scope ("all" or a document slug) and kind, plus the theme variants over all units."""

    counts: dict = field(default_factory=lambda: defaultdict(Count))
    units: dict = field(default_factory=lambda: defaultdict(int))
    errors: list = field(default_factory=list)     # (unit, kind, false positives, false negatives)

    def get(self, scope: str, kind: str) -> Count:
        return self.counts[(scope, kind)]


def load_labels(path: Path = LABELS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["labels"]


def score(labels: list[dict], tags, vocabulary, base: str) -> Scores:
    """Micro-averaged precision and recall per kind. Themes are compared after closing both the labels and
    the tags under skos:broader (a label "corruption" implies its top themes, as a tag does); the variant
    "theme (narrow)" compares the narrow themes alone and "theme (no fallback)" leaves out the tags of the
    document fallback."""
    top = {t.slug for t in vocabulary.themes if t.is_top}

    def close(slugs: set[str]) -> set[str]:
        out = set(slugs)
        for slug in slugs:
            out |= vocabulary.ancestors(slug)
        return out

    scores = Scores()
    for label in labels:
        unit = f"{base}doc/{label['unit']}"
        document = label["unit"].split("/")[0]
        have: dict[str, set[str]] = defaultdict(set)
        no_fallback: set[str] = set()
        for tag in tags.for_unit(unit):
            have[tag.kind.value].add(tag.slug)
            if tag.kind.value == "theme" and tag.method.value != "document":
                no_fallback.add(tag.slug)
        scores.units["all"] += 1
        scores.units[document] += 1
        for kind in KINDS:
            want, got = set(label[f"{kind}s"]), have[kind]
            if kind == "theme":
                variants = {"theme (narrow)": (want - top, got - top),
                            "theme (no fallback)": (close(want), close(no_fallback))}
                want, got = close(want), close(got)
                for name, (w, g) in variants.items():
                    scores.get("all", name).add(w, g)
            scores.get("all", kind).add(want, got)
            scores.get(document, kind).add(want, got)
            if want != got:
                scores.errors.append((label["unit"], kind, sorted(got - want), sorted(want - got)))
    return scores


def markdown(scores: Scores, held_out: "Scores | None" = None) -> str:
    """The score table for the README: overall, the theme variants, then each document."""
    def cells(scope: str, kind: str) -> str:
        count = scores.get(scope, kind)
        return f"{count.precision:.2f} | {count.recall:.2f}"

    lines = ["# Tagging scores",
             "",
             "Precision (P) and recall (R) of the tagger against the hand labels of "
             "`tests/fixtures/hand-labels.yaml` (how they were decided: `tests/fixtures/HAND-LABELS.md`). "
             "Micro-averaged over labelled units; themes compared after closing labels and tags under "
             "`skos:broader`. Written by `tests/test_tagging.py`; bars: instruments and actors P ≥ 0.90, "
             "R ≥ 0.85; themes P ≥ 0.85, R ≥ 0.80.",
             "",
             "| Scope | Units | Themes P | Themes R | Instruments P | Instruments R | Actors P | Actors R |",
             "|---|---:|---:|---:|---:|---:|---:|---:|",
             f"| **all documents** | {scores.units['all']} | {cells('all', 'theme')} | "
             f"{cells('all', 'instrument')} | {cells('all', 'actor')} |"]
    for scope in sorted(s for s in scores.units if s != "all"):
        lines.append(f"| {scope} | {scores.units[scope]} | {cells(scope, 'theme')} | "
                     f"{cells(scope, 'instrument')} | {cells(scope, 'actor')} |")
    lines += ["",
              "| Themes, all documents | P | R | true pos. | false pos. | false neg. |",
              "|---|---:|---:|---:|---:|---:|"]
    for kind in ("theme", "theme (narrow)", "theme (no fallback)"):
        count = scores.get("all", kind)
        lines.append(f"| {kind} | {count.precision:.2f} | {count.recall:.2f} | {count.tp} | {count.fp} | "
                     f"{count.fn} |")
    lines += ["",
              "*theme (narrow)*: the narrow themes alone, without top themes. *theme (no fallback)*: without the "
              "low-confidence document fallback that gives a procedural numbered paragraph the field of its "
              "document (method `document`).",
              ""]
    if held_out is not None:
        lines += ["## Held-out sample",
                  "",
                  "`tests/fixtures/hand-labels-heldout.yaml`: a second seeded draw labelled after the cues were "
                  "tuned, without looking at the tagger's output (no bars; it shows whether the cues generalise).",
                  "",
                  "| Scope | Units | Themes P | Themes R | Instruments P | Instruments R | Actors P | Actors R |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|",
                  f"| held-out, all documents | {held_out.units['all']} | "
                  + " | ".join(f"{held_out.get('all', k).precision:.2f} | {held_out.get('all', k).recall:.2f}"
                               for k in KINDS) + " |",
                  ""]
    return "\n".join(lines)


def text_table(scores: Scores) -> list[str]:
    out = [f"{'scope':<32} {'units':>5}  {'themes P/R':>11}  {'instruments P/R':>15}  {'actors P/R':>11}"]
    for scope in ["all"] + sorted(s for s in scores.units if s != "all"):
        row = [f"{scores.get(scope, k).precision:.2f}/{scores.get(scope, k).recall:.2f}" for k in KINDS]
        out.append(f"{scope:<32} {scores.units[scope]:>5}  {row[0]:>11}  {row[1]:>15}  {row[2]:>11}")
    for kind in ("theme (narrow)", "theme (no fallback)"):
        count = scores.get("all", kind)
        out.append(f"{kind:<32} {'':>5}  {count.precision:.2f}/{count.recall:.2f}")
    return out


def held_out_line(scores: Scores) -> str:
    row = [f"{scores.get('all', k).precision:.2f}/{scores.get('all', k).recall:.2f}" for k in KINDS]
    return f"{'held-out sample (no bars)':<32} {scores.units['all']:>5}  {row[0]:>11}  {row[1]:>15}  {row[2]:>11}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    scores = config.stash.get(SCORES, None)
    if scores is None:
        return
    terminalreporter.write_sep("=", "tagging scores against tests/fixtures/hand-labels.yaml")
    for line in text_table(scores):
        terminalreporter.write_line(line)
    held_out = config.stash.get(HELD_OUT_SCORES, None)
    if held_out is not None:
        terminalreporter.write_line(held_out_line(held_out))
