"""What a validation run found: Finding (one result, located in its document and source file) and Report
(the findings of one run, sorted, and whether the data conforms).

Plain frozen dataclasses: they know nothing of RDF, the engines or how a report is printed (formats.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ids import DEFAULT_BASE

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    """One validation result, located: which unit, where in its document, which source line."""

    focus: str                      # IRI of the focus node
    rule: str                       # the shape's local name, e.g. "ParagraphNumberGap"
    severity: str                   # Violation | Warning | Info
    message: str
    path: str = ""                  # the result path (SPARQL property-path syntax, compact IRIs), "" for none
    value: str = ""                 # the offending value as an N-Triples term, "" for none
    component: str = ""             # the constraint component, e.g. "sh:MinCountConstraintComponent"
    shape: str = ""                 # the shape's IRI
    document: str = ""              # IRI of the document the focus node belongs to
    position: int | None = None     # the unit's uncc:position (0 for the document itself)
    label: str = ""                 # how a person cites the focus node (rdfs:label), or its IRI
    file: str = ""                  # source file the unit was read from
    line: int | None = None         # first line of the unit in that file

    @property
    def key(self) -> tuple:
        """What both engines must agree on."""
        return (self.focus, self.path, self.severity, self.rule, self.message, self.value, self.component)

    def sort_key(self) -> tuple:
        return (self.document == "", self.document, self.position is None, self.position or 0, self.focus,
                self.rule, self.path, self.message, self.value, self.component)

    def where(self) -> str:
        if self.file:
            return f"{self.file}:{self.line}" if self.line is not None else self.file
        return self.focus

    def as_json(self) -> dict:
        return {"file": self.file or None, "line": self.line, "document": self.document or None,
                "position": self.position, "focus": self.focus, "label": self.label, "severity": self.severity,
                "rule": self.rule, "message": self.message, "path": self.path or None,
                "value": self.value or None, "component": self.component, "shape": self.shape}


@dataclass(frozen=True)
class Report:
    """The findings of one validation run, sorted by document then position."""

    findings: tuple[Finding, ...]
    engine: str = "fast"
    base: str = DEFAULT_BASE
    triples: int = 0
    refused: tuple[str, ...] = ()   # files that could not be read or parsed (each is also one finding)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    def keys(self) -> list[tuple]:
        return sorted(f.key for f in self.findings)

    def summary(self) -> str:
        counts = ", ".join(_plural(self.count(s), s.lower()) for s in SEVERITIES if s != "Info" or self.count(s))
        unread = f"; {_plural(len(self.refused), 'file')} could not be read" if self.refused else ""
        return f"{'conforms' if self.conforms else 'does not conform'}: {counts}{unread}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
