"""Where a finding is: for a focus node, the document it belongs to, its position there, how a person cites
it (rdfs:label) and the source file and line it was read from (its prov:wasDerivedFrom span, or that of
the unit it belongs to; a tag's unit through its IRI or its target). An engine's raw result becomes a
Finding here.

It looks these up in the Store that was validated; it knows nothing of the shapes or the engines.
"""
from __future__ import annotations

import pyoxigraph as ox

from ..ids import Minter, last_segment
from ..prefixes import compact
from ..shacl_sparql import SH, RawResult
from .report import Finding
from .shapes import NS


def read_predicates(minter: Minter) -> dict[str, str]:
    """The links a location follows, by name (validation in batches keeps the documents they join together)."""
    term = minter.term
    return {"document": term("document"), "position": term("position"), "manifestation": term("manifestation"),
            "sourceFile": term("sourceFile"), "firstLine": term("firstLine"),
            "derived": NS["prov"] + "wasDerivedFrom", "label": NS["rdfs"] + "label",
            "title": NS["dcterms"] + "title", "identifier": NS["dcterms"] + "identifier",
            "hasTarget": NS["oa"] + "hasTarget", "hasSource": NS["oa"] + "hasSource",
            "hasSelector": NS["oa"] + "hasSelector"}


class Locator:
    """Finds, for a focus node, its document, position, label and source line (one lookup per finding)."""

    def __init__(self, store: ox.Store, base: str):
        self.store = store
        self.minter = Minter(base)
        self.p = {name: ox.NamedNode(iri) for name, iri in read_predicates(self.minter).items()}
        self.cache: dict = {}

    def objects(self, subject, name: str) -> list:
        if not isinstance(subject, (ox.NamedNode, ox.BlankNode)):
            return []
        return sorted((q.object for q in self.store.quads_for_pattern(subject, self.p[name], None)), key=str)

    def subjects(self, name: str, obj) -> list:
        return sorted((q.subject for q in self.store.quads_for_pattern(None, self.p[name], obj)), key=str)

    def _int(self, values) -> int | None:
        numbers = []
        for v in values:
            try:
                numbers.append(int(v.value))
            except (AttributeError, ValueError):
                pass
        return min(numbers) if numbers else None

    def _span(self, spans) -> tuple[str, int | None]:
        located = []
        for span in spans:
            files = self.objects(span, "sourceFile")
            if not files:
                continue
            names = self.objects(files[0], "identifier")
            name = names[0].value if names else last_segment(files[0].value)
            located.append((name, self._int(self.objects(span, "firstLine")) or 0))
        if not located:
            return "", None
        name, line = min(located)
        return name, line or None

    def _label(self, node) -> str:
        labels = self.objects(node, "label")
        english = [l.value for l in labels if getattr(l, "language", None) == "en"]
        return (english or [l.value for l in labels] or [""])[0]

    def locate(self, focus) -> dict:
        if focus in self.cache:
            return self.cache[focus]
        unit = document = None
        spans = []
        if self.objects(focus, "document"):
            unit = focus
        elif self.objects(focus, "manifestation") or self.objects(focus, "title") or self.subjects("document", focus):
            document = focus
        elif self.subjects("derived", focus):
            unit, spans = self.subjects("derived", focus)[0], [focus]
        else:
            tag = focus if self.objects(focus, "hasTarget") else None
            targets = self.subjects("hasTarget", focus) or [
                t for s in self.subjects("hasSelector", focus) for t in self.subjects("hasTarget", s)]
            tag = tag or (targets[0] if targets else None)
            parts = self.minter.parse(tag.value) if isinstance(tag, ox.NamedNode) else None
            if parts is not None and parts.sub_resource == "tag":
                candidate = ox.NamedNode(parts.owner)
                unit = candidate if self.objects(candidate, "document") else None
            if unit is None and tag is not None:
                sources = [s for t in self.objects(tag, "hasTarget") for s in self.objects(t, "hasSource")]
                unit = sources[0] if sources else None
        position = None
        if unit is not None:
            documents = self.objects(unit, "document")
            document = documents[0] if documents else None
            position = self._int(self.objects(unit, "position"))
            spans = spans or self.objects(unit, "derived")
        elif document is not None:
            position = 0
            spans = self.objects(document, "manifestation")
        anchor = unit if unit is not None else document
        label = self._label(focus) or (self._label(anchor) if anchor is not None else "")
        file, line = self._span(spans)
        found = {"document": document.value if isinstance(document, ox.NamedNode) else "",
                 "position": position, "label": label or _term_text(focus), "file": file, "line": line}
        self.cache[focus] = found
        return found


def _term_text(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def located(result: RawResult, locator: Locator, names: dict[str, str]) -> Finding:
    shape = result.shape
    rule = shape.rsplit("#", 1)[-1] if "#" in shape else shape.rsplit("/", 1)[-1]
    severity = result.severity[len(SH):] if result.severity.startswith(SH) else result.severity
    return Finding(
        focus=_term_text(result.focus), rule=rule, severity=severity, message=result.message, path=result.path,
        value=str(result.value) if result.value is not None else "",
        component=compact(result.component, names), shape=shape, **locator.locate(result.focus))
