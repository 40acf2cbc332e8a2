"""How right the published links are, measured on the blind hand labels (tests/fixtures/sdg-labels.yaml,
tests/fixtures/lineage-labels-2.yaml), per half (tune / heldout).

    python benchmarks/link_labels.py [--build build]

Reads the plain triples of the build (`uncc:sdgTarget`, `uncc:continues`, `uncc:takenUpIn`: what a partner takes
as a statement of fact) and reports, for each labelled unit:
  SDG       precision of the asserted targets (required or acceptable count as right), recall of the required ones
  lineage   precision of the asserted links, the share of labelled units with a target whose first-ranked link is
            one of them, and the share of "none" units that get no link
A report of where the links stand, not a test: the labels were made without looking at the links.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/crime-congress/"
UNCC = BASE + "ontology#"
SDG = "http://metadata.un.org/sdg/"


def links(store: ox.Store, predicate: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, ox.NamedNode(UNCC + predicate), None, None):
        out[quad.subject.value].add(quad.object.value)
    return out


def ranked_first(store: ox.Store, relation: str) -> dict[str, str]:
    """source -> its rank-1 target among the scored alignments of this relation."""
    query = f"""PREFIX uncc: <{UNCC}>
        SELECT ?source ?target WHERE {{ ?a a uncc:Alignment ; uncc:relation uncc:{relation} ; uncc:source ?source ;
                                        uncc:target ?target ; uncc:rank 1 }}"""
    return {row["source"].value: row["target"].value for row in store.query(query, use_default_graph_as_union=True)}


def ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.2f}" if b else "-"


def sdg_rows(store: ox.Store) -> list[str]:
    labels = yaml.safe_load((ROOT / "tests/fixtures/sdg-labels.yaml").read_text(encoding="utf-8"))["labels"]
    asserted = links(store, "sdgTarget")
    rows = []
    for half in ("tune", "heldout"):
        right = proposed = found = required = empty_right = empty = 0
        for label in (lab for lab in labels if lab["half"] == half):
            unit = BASE + "doc/" + label["unit"]
            got = {iri[len(SDG):] for iri in asserted.get(unit, ())}
            ok = set(label["required"]) | set(label["acceptable"])
            right += len(got & ok)
            proposed += len(got)
            found += len(got & set(label["required"]))
            required += len(label["required"])
            if not label["required"]:
                empty += 1
                empty_right += not (got - ok)
        rows.append(f"| SDG targets | {half} | {ratio(right, proposed)} | {ratio(found, required)} | "
                    f"{ratio(empty_right, empty)} |")
    return rows


def lineage_rows(store: ox.Store) -> list[str]:
    labels = yaml.safe_load((ROOT / "tests/fixtures/lineage-labels-2.yaml").read_text(encoding="utf-8"))
    rows = []
    for name, predicate, relation, prefix in (("continues", "continues", "continues", BASE + "doc/"),
                                              ("taken_up", "takenUpIn", "takenUpIn",
                                               BASE + "doc/kyoto-declaration-2021/")):
        asserted = links(store, predicate)
        first = ranked_first(store, relation)
        for half in ("tune", "heldout"):
            right = proposed = first_right = with_targets = none_right = none = 0
            for label in (lab for lab in labels[name] if lab["half"] == half):
                source = BASE + "doc/" + label["source"]
                targets = {prefix + t for t in label["targets"]}
                got = asserted.get(source, set())
                right += len(got & targets)
                proposed += len(got)
                if targets:
                    with_targets += 1
                    first_right += first.get(source) in targets
                else:
                    none += 1
                    none_right += not got
            rows.append(f"| {predicate} | {half} | {ratio(right, proposed)} | {ratio(first_right, with_targets)} "
                        f"(first-ranked) | {ratio(none_right, none)} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    store = ox.Store()
    store.bulk_load(path=str(args.build / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    print("| links | half | precision of the asserted links | recall (SDG: required targets) | 'none' units with no wrong link |")
    print("|---|---|---|---|---|")
    for row in sdg_rows(store) + lineage_rows(store):
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
