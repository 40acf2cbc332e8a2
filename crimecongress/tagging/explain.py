"""`crimecongress explain IRI`: the tags of one unit with the evidence for each, as lines of text.

Pure formatting: given the corpus and the tags, it returns lines; the CLI prints them.
"""
from __future__ import annotations

from typing import Callable

from ..ids import Minter
from ..model import Corpus, Unit
from .model import Tag, TagKind, Tags

Highlight = Callable[[str], str]


def find_unit(corpus: Corpus, reference: str, base: str) -> Unit | None:
    """A unit by its IRI, or by its path below {base}doc/ ("doha-declaration-2015/para/5/d")."""
    candidates = [reference]
    try:
        candidates.append(Minter(base).unit_at(reference))
    except ValueError:          # not a path below doc/ (an IRI, or no document slug): the reference alone
        pass
    for document in corpus.documents:
        for unit in document.units:
            if unit.iri in candidates:
                return unit
    return None


def _where(tag: Tag, units: dict[str, Unit]) -> str:
    if tag.evidence is None:
        return ""
    source = units.get(tag.evidence.source)
    if tag.evidence.source == tag.unit:
        return "in the unit"
    kind = source.kind.value if source else "unit"
    return f"in its {kind} {tag.evidence.source}"


def explain(corpus: Corpus, tags: Tags, unit: Unit, highlight: Highlight = lambda s: f"[{s}]",
            width: int = 100) -> list[str]:
    """Lines describing every tag of `unit`: value, method, rule or curation, confidence, the words in
    context with the match highlighted, and where the words come from."""
    units = {u.iri: u for d in corpus.documents for u in d.units}
    lines = [unit.iri, f"  {unit.kind.value}: {unit.text[:width]}{'…' if len(unit.text) > width else ''}"]
    own = tags.for_unit(unit.iri)
    for kind in TagKind:
        chosen = [t for t in own if t.kind is kind]
        lines.append(f"{kind.value}s ({len(chosen)})")
        if not chosen:
            lines.append("  (none)")
        for tag in sorted(chosen, key=lambda t: t.slug):
            rule = f"curation {tag.curation}" if tag.curation else (tag.rule or "")
            if tag.via:
                rule += f" (via {tag.via})"
            lines.append(f"  {tag.slug:<40} {tag.method.value:<13} {tag.confidence}  {rule}")
            if tag.evidence is not None:
                e = tag.evidence
                quote = f"…{e.prefix}{highlight(e.exact)}{e.suffix}…"
                lines.append(f"      {quote}")
                lines.append(f"      {_where(tag, units)}")
    return lines
