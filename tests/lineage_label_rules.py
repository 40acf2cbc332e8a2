"""The rules every lineage label file obeys (tests/fixtures/lineage-labels-2.yaml, -3.yaml, -4.yaml), checked one message per
fault: fields, halves, one-line notes, no unit labelled twice or already labelled in an earlier set, sources and
targets that exist and are of the right kind, `continues` targets in an earlier declaration. Used by
tests/test_lineage_labels_2.py and tests/test_lineage_labels_held_out.py."""
from __future__ import annotations

import copy
from typing import Callable

from crimecongress.ids import DEFAULT_BASE

DOC = DEFAULT_BASE + "doc/"
KYOTO = "kyoto-declaration-2021"
LATER = ("naples-declaration-1994", "vienna-declaration-2000", "bangkok-declaration-2005", "doha-declaration-2015",
         KYOTO)
SOURCE_KINDS = {"preamble", "paragraph", "subparagraph"}
TARGET_KINDS = SOURCE_KINDS | {"item"}
FIELDS = {"source", "targets", "half", "note"}
NAMES = ("continues", "taken_up")


def problems(labels: dict, corpus, catalogue, *, done: dict[str, set[str]], halves: tuple[str, ...]) -> list[str]:
    """Every way the label file breaks the rules, one message each (empty when it is sound). `done`: the sources
    labelled in earlier sets, per relation; `halves`: the values `half` may take."""
    if set(labels) != set(NAMES):
        return [f"top-level keys are {sorted(labels)}, expected {sorted(NAMES)}"]
    found: list[str] = []
    units = {u.iri: (document.slug, u) for document in corpus.documents for u in document.units}
    facts = {d.slug: d for d in catalogue.documents}
    for name, entries in labels.items():
        seen: set[str] = set()
        for n, entry in enumerate(entries):
            if not isinstance(entry, dict) or set(entry) != FIELDS:
                found.append(f"{name}[{n}]: fields must be exactly {sorted(FIELDS)}")
                continue
            source, targets = entry["source"], entry["targets"]
            where = f"{name} {source}"
            if entry["half"] not in halves:
                found.append(f"{where}: half {entry['half']!r} is not {' or '.join(halves)}")
            if not isinstance(entry["note"], str) or not entry["note"].strip() or "\n" in entry["note"]:
                found.append(f"{where}: note must be one non-empty line")
            if source in seen:
                found.append(f"{where}: labelled twice")
            if source in done.get(name, ()):
                found.append(f"{where}: already labelled in an earlier set")
            seen.add(source)
            if not isinstance(targets, list) or len(set(targets)) != len(targets):
                found.append(f"{where}: targets must be a list without repeats")
                continue
            if DOC + source not in units:
                found.append(f"{where}: no such unit in the corpus")
                continue
            found += _target_problems(name, where, source, targets, units, facts)
    return found


def _target_problems(name, where, source, targets, units, facts) -> list[str]:
    found = []
    source_slug, source_unit = units[DOC + source]
    if name == "taken_up":
        if facts[source_slug].kind != "rpm-report" or source_unit.kind.value != "subparagraph":
            found.append(f"{where}: not a regional recommendation")
        full = [f"{KYOTO}/{t}" for t in targets]
    else:
        if source_slug not in LATER or source_unit.kind.value not in SOURCE_KINDS:
            found.append(f"{where}: not a preamble paragraph, paragraph or subparagraph of a later declaration")
        full = list(targets)
    for target in full:
        if DOC + target not in units:
            found.append(f"{where}: target {target} is no unit in the corpus")
            continue
        target_slug, target_unit = units[DOC + target]
        if target_unit.kind.value not in TARGET_KINDS:
            found.append(f"{where}: target {target} is a {target_unit.kind.value}")
        if name == "continues":
            earlier = facts[target_slug]
            if earlier.kind != "declaration" or earlier.year >= facts[source_slug].year:
                found.append(f"{where}: target {target} is not in an earlier declaration")
    return found


def check_the_rules_catch_broken_labels(labels: dict, check: Callable[[dict], list[str]], *, labelled_before: str,
                                        bad_half: str, half_message: str) -> None:
    """Each rule rejects a label that breaks it, so a clean result means something: `check` is the file's
    `problems`; `labelled_before` a source of an earlier set; `bad_half` a half the file does not allow."""
    broken = copy.deepcopy(labels)
    broken["continues"][0]["targets"] = ["vienna-declaration-2000/para/999"]
    broken["continues"][1]["targets"] = ["kyoto-declaration-2021/para/1"]        # later, not earlier
    broken["continues"][2]["targets"] = ["vienna-plans-of-action-2002/para/1"]   # not a declaration
    broken["taken_up"][0]["source"] = labelled_before                            # already labelled
    broken["taken_up"][1]["half"] = bad_half
    broken["taken_up"][2]["source"] = "kyoto-declaration-2021/para/5"            # not a recommendation
    found = check(broken)
    assert len(found) >= 6, found
    for fragment in ("para/999 is no unit", "kyoto-declaration-2021/para/1 is not in an earlier",
                     "vienna-plans-of-action-2002/para/1 is not in an earlier", "already labelled",
                     half_message, "not a regional recommendation"):
        assert any(fragment in message for message in found), (fragment, found)
    assert check({"continues": []})
