"""How right the published links are, measured on the blind hand labels, per half (tune / heldout).

Reads what a partner reads -- the released dataset (`build/dataset.nq.gz`) -- and scores:
  SDG targets  the plain `uncc:sdgTarget` triples against tests/fixtures/sdg-labels.yaml: precision (required or
               acceptable targets are right), recall of the required targets, and the share of units that serve no
               target and get no wrong link; per band (the annotation's uncc:method) the precision beside the
               published confidence. A compilation entry is scored through the recommendation it reprints
               (uncc:lists): the entry carries no links of its own, so that nothing is counted twice.
  lineage      the plain `uncc:continues` / `uncc:takenUpIn` triples against tests/fixtures/lineage-labels-2.yaml
               (its tune and held-out halves), lineage-labels-3.yaml and lineage-labels-4.yaml (each held out as a
               whole):
               precision, the share of labelled units with a target whose first-ranked candidate is one of them,
               the share of "none" units with no asserted link; per band (the alignments' uncc:confidence and
               uncc:asserted) the precision of the candidates.
  top themes   the four top concepts stated with uncc:theme (read in the unit's words) against
               tests/fixtures/top-theme-labels.yaml: precision and recall, and the same with uncc:inferredTheme
               added, to show what inference costs.
Used by tests/test_link_labels.py (which holds the bars) and benchmarks/link_labels.py (which prints the tables).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import yaml

from crimecongress import dumps

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BASE = "https://w3id.org/crime-congress/"
UNCC = BASE + "ontology#"
SDG = "http://metadata.un.org/sdg/"
TOP_CONCEPTS = ("crime-prevention", "criminal-justice", "international-cooperation", "rule-of-law")
HALVES = ("tune", "heldout")


@dataclass(frozen=True)
class Ratio:
    right: int
    total: int

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total} = {self.value:.2f}" if self.total else "-"


@dataclass(frozen=True)
class LinkScores:
    name: str
    half: str
    precision: Ratio      # asserted links that are right
    recall: Ratio         # SDG: required targets found; lineage: labelled units whose first candidate is right
    none_kept: Ratio      # units labelled "none" that get no wrong (SDG) / no asserted (lineage) link


@dataclass(frozen=True)
class BandScore:
    name: str
    band: str
    confidence: str
    tune: Ratio
    heldout: Ratio


def load(build: Path) -> ox.Store:
    store = ox.Store()
    dumps.load_quads(store, dumps.find(build))
    return store


def _rows(store: ox.Store, query: str):
    return store.query(f"PREFIX uncc: <{UNCC}> PREFIX oa: <http://www.w3.org/ns/oa#> {query}",
                       use_default_graph_as_union=True)


def _objects(store: ox.Store, predicate: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, ox.NamedNode(UNCC + predicate), None, None):
        out[quad.subject.value].add(quad.object.value)
    return out


def _labels(name: str):
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------------------
# SDG targets

def sdg_scores(store: ox.Store) -> tuple[list[LinkScores], list[BandScore]]:
    labels = _labels("sdg-labels.yaml")["labels"]
    asserted = _objects(store, "sdgTarget")
    reprints = {s: next(iter(o)) for s, o in _objects(store, "lists").items()}
    bands: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: {h: [0, 0] for h in HALVES})
    band_of = {}
    for row in _rows(store, "SELECT ?unit ?body ?method ?confidence WHERE { ?tag a uncc:Tag ; uncc:taggedUnit ?unit ; "
                            "oa:hasBody ?body ; uncc:method ?method ; uncc:confidence ?confidence . "
                            f"FILTER STRSTARTS(STR(?body), '{SDG}') }}"):
        band_of[(row["unit"].value, row["body"].value)] = (row["method"].value, row["confidence"].value)
    scores = []
    for half in HALVES:
        right = proposed = found = required = empty_right = empty = 0
        for label in (lab for lab in labels if lab["half"] == half):
            unit = BASE + "doc/" + label["unit"]
            unit = reprints.get(unit, unit)
            got = {iri[len(SDG):] for iri in asserted.get(unit, ())}
            ok = set(label["required"]) | set(label["acceptable"])
            right += len(got & ok)
            proposed += len(got)
            found += len(got & set(label["required"]))
            required += len(label["required"])
            if not label["required"]:
                empty += 1
                empty_right += not (got - ok)
            for code in got:
                counts = bands[band_of[(unit, SDG + code)]][half]
                counts[0] += code in ok
                counts[1] += 1
        scores.append(LinkScores("SDG targets", half, Ratio(right, proposed), Ratio(found, required),
                                 Ratio(empty_right, empty)))
    band_scores = [BandScore("SDG targets", method, confidence, Ratio(*c["tune"]), Ratio(*c["heldout"]))
                   for (method, confidence), c in sorted(bands.items(), key=lambda kv: -float(kv[0][1]))]
    return scores, band_scores


# ------------------------------------------------------------------------------------------------------------
# Lineage

LINEAGE = (("continues", "continues", BASE + "doc/"), ("taken_up", "takenUpIn", BASE + "doc/kyoto-declaration-2021/"))


def _hits(target: str, targets: set[str]) -> bool:
    """Whether a link's target is labelled. An explicit reference to a whole declaration ("Recalling the Doha
    Declaration") targets the document; it is right when the labels name a unit of that declaration."""
    return target in targets or any(t.startswith(target + "/") for t in targets)


def lineage_labels() -> dict[str, list[dict]]:
    """The second label set (tune and held-out halves), the third and the fourth (each held out as a whole)."""
    sets = [_labels(f"lineage-labels-{n}.yaml") for n in (2, 3, 4)]
    return {key: [label for labels in sets for label in labels[key]] for key in ("continues", "taken_up")}


def lineage_scores(store: ox.Store) -> tuple[list[LinkScores], list[BandScore]]:
    labels = lineage_labels()
    scores, band_scores = [], []
    for key, relation, prefix in LINEAGE:
        asserted = _objects(store, relation)
        candidates: dict[str, list[tuple[int, str, str, bool]]] = defaultdict(list)
        for row in _rows(store, f"SELECT ?source ?target ?rank ?confidence ?asserted WHERE {{ ?a a uncc:Alignment ; "
                                f"uncc:relation uncc:{relation} ; uncc:source ?source ; uncc:target ?target ; "
                                f"uncc:rank ?rank ; uncc:confidence ?confidence ; uncc:asserted ?asserted }}"):
            candidates[row["source"].value].append((int(row["rank"].value), row["target"].value,
                                                    row["confidence"].value, row["asserted"].value == "true"))
        bands: dict[tuple[str, bool], dict[str, list[int]]] = defaultdict(lambda: {h: [0, 0] for h in HALVES})
        for half in HALVES:
            right = proposed = first_right = with_targets = none_right = none = 0
            for label in (lab for lab in labels[key] if lab["half"] == half):
                source = BASE + "doc/" + label["source"]
                targets = {prefix + t for t in label["targets"]}
                got = asserted.get(source, set())
                right += sum(1 for target in got if _hits(target, targets))
                proposed += len(got)
                if targets:
                    with_targets += 1
                    first_right += any(rank == 1 and _hits(target, targets)
                                       for rank, target, _, _ in candidates.get(source, ()))
                else:
                    none += 1
                    none_right += not got
                for _, target, confidence, is_asserted in candidates.get(source, ()):
                    counts = bands[(confidence, is_asserted)][half]
                    counts[0] += _hits(target, targets)
                    counts[1] += 1
            scores.append(LinkScores(relation, half, Ratio(right, proposed), Ratio(first_right, with_targets),
                                     Ratio(none_right, none)))
        band_scores += [BandScore(relation, "asserted" if is_asserted else "candidate", confidence,
                                  Ratio(*c["tune"]), Ratio(*c["heldout"]))
                        for (confidence, is_asserted), c in sorted(bands.items(), key=lambda kv: -float(kv[0][0]))]
    return scores, band_scores


# ------------------------------------------------------------------------------------------------------------
# Top themes

def top_theme_scores(store: ox.Store) -> list[tuple[str, str, Ratio, Ratio]]:
    """(what, half, precision, recall) of the top concepts, direct only and with the inferred ones."""
    labels = _labels("top-theme-labels.yaml")["labels"]
    direct = _objects(store, "theme")
    inferred = _objects(store, "inferredTheme")
    top = {BASE + "theme/" + slug: slug for slug in TOP_CONCEPTS}
    out = []
    for what, sources in (("uncc:theme (read in the words)", (direct,)),
                          ("uncc:theme + uncc:inferredTheme", (direct, inferred))):
        for half in HALVES:
            right = proposed = found = required = 0
            for label in (lab for lab in labels if lab["half"] == half):
                unit = BASE + "doc/" + label["unit"]
                got = {top[iri] for source in sources for iri in source.get(unit, ()) if iri in top}
                ok = set(label["required"]) | set(label["acceptable"])
                right += len(got & ok)
                proposed += len(got)
                found += len(got & set(label["required"]))
                required += len(label["required"])
            out.append((what, half, Ratio(right, proposed), Ratio(found, required)))
    return out


def tables(store: ox.Store) -> str:
    """The figures as Markdown tables (printed by the test and the benchmark; quoted in the README)."""
    sdg, sdg_bands = sdg_scores(store)
    lineage, lineage_bands = lineage_scores(store)
    lines = ["| links | half | precision of the asserted links | recall (SDG: required targets; lineage: first "
             "candidate right) | 'none' units kept clean |", "|---|---|---|---|---|"]
    lines += [f"| {s.name} | {s.half} | {s.precision} | {s.recall} | {s.none_kept} |" for s in sdg + lineage]
    lines += ["", "| links | band | confidence published | precision, tune | precision, held out |",
              "|---|---|---:|---:|---:|"]
    lines += [f"| {b.name} | {b.band} | {b.confidence} | {b.tune} | {b.heldout} |" for b in sdg_bands + lineage_bands]
    lines += ["", "| top themes | half | precision | recall |", "|---|---|---|---|"]
    lines += [f"| {what} | {half} | {p} | {r} |" for what, half, p, r in top_theme_scores(store)]
    return "\n".join(lines)
