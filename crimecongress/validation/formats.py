"""A Report written out: one line per finding (text), JSON, and the standard sh:ValidationReport in Turtle,
and the two report files the build writes beside the dataset.

Deterministic text from a Report alone: it does not validate, read the data or locate anything. The Turtle
report is made as statements and written by the project's one Turtle writer (crimecongress.export).
"""
from __future__ import annotations

import json
import re
from typing import Mapping

import pyoxigraph as ox

from ..export import turtle
from ..prefixes import table
from .report import Report
from .shapes import prefixes

SH, RDF, XSD = table()["sh"], table()["rdf"], table()["xsd"]


def format_text(report: Report, files: Mapping[str, str] | None = None) -> str:
    """One line per finding: `file:line: Severity [Rule] label: message`, then a summary line.

    `files` maps a source file name to the path to show (the path a user gave on the command line)."""
    files = files or {}
    lines = []
    for f in report.findings:
        where = f"{files.get(f.file, f.file)}:{f.line}" if f.file and f.line is not None else f.where()
        lines.append(f"{where}: {f.severity} [{f.rule}] {f.label or f.focus}: {f.message}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def format_json(report: Report, files: Mapping[str, str] | None = None) -> str:
    files = files or {}
    findings = []
    for f in report.findings:
        record = f.as_json()
        if f.file in files:
            record["file"] = files[f.file]
        findings.append(record)
    document = {"conforms": report.conforms, "violations": report.count("Violation"),
                "warnings": report.count("Warning"), "infos": report.count("Info"), "findings": findings,
                "refused": [files.get(name, name) for name in report.refused]}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


class _Terms:
    """Terms of the report read from a finding's text (compact IRIs, N-Triples values) and the statements made so
    far; each list, path and result is a blank node, nested in place by the Turtle writer."""

    def __init__(self, names: dict[str, str]):
        self.names = names
        self.triples: list[ox.Triple] = []
        self.count = 0

    def term(self, text: str):
        """A term written as Turtle (<IRI>, prefix:name, a literal, _:label), read by pyoxigraph's parser."""
        declared = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.names.items())
        (triple,) = ox.parse(f"{declared}<urn:x:s> <urn:x:p> {text} .".encode("utf-8"), format=ox.RdfFormat.TURTLE)
        return triple.object

    def blank(self, kind: str) -> ox.BlankNode:
        self.count += 1
        return ox.BlankNode(f"{kind}{self.count:06d}")        # labels in the order made: the writer sorts by them

    def add(self, subject, predicate: str, obj) -> None:
        self.triples.append(ox.Triple(subject, ox.NamedNode(predicate), obj))

    def list(self, items: list):
        head = rest = ox.NamedNode(RDF + "nil")
        for item in reversed(items):
            head = self.blank("list")
            self.add(head, RDF + "first", item)
            self.add(head, RDF + "rest", rest)
            rest = head
        return head

    def path(self, path: str):
        """A SPARQL property path (as Finding.path writes it) as a SHACL path."""
        tokens = re.findall(r"<[^>]*>|[A-Za-z][\w-]*:[\w-]*|[()/|^*+?]", path)
        position = 0

        def peek():
            return tokens[position] if position < len(tokens) else None

        def take():
            nonlocal position
            position += 1
            return tokens[position - 1]

        def wrapped(predicate: str, node):
            holder = self.blank("path")
            self.add(holder, SH + predicate, node)
            return holder

        def alternative():
            items = [sequence()]
            while peek() == "|":
                take()
                items.append(sequence())
            return items[0] if len(items) == 1 else wrapped("alternativePath", self.list(items))

        def sequence():
            items = [unary()]
            while peek() == "/":
                take()
                items.append(unary())
            return items[0] if len(items) == 1 else self.list(items)

        def unary():
            inverse = peek() == "^"
            if inverse:
                take()
            if peek() == "(":
                take()
                node = alternative()
                take()
            else:
                node = self.term(take())
            modifier = {"*": "zeroOrMorePath", "+": "oneOrMorePath", "?": "zeroOrOnePath"}.get(peek() or "")
            if modifier:
                take()
                node = wrapped(modifier, node)
            return wrapped("inversePath", node) if inverse else node

        return alternative()


def report_triples(report: Report, names: dict[str, str]) -> list[ox.Triple]:
    """The findings as the statements of a standard sh:ValidationReport.

    sh:conforms follows the SHACL specification: false as soon as there is any result, warnings included
    (the command's exit code, like Report.conforms, only fails on Violations)."""
    terms = _Terms(names)
    root = ox.BlankNode("report")
    terms.add(root, RDF + "type", ox.NamedNode(SH + "ValidationReport"))
    terms.add(root, SH + "conforms", ox.Literal("false" if report.findings else "true", datatype=ox.NamedNode(
        XSD + "boolean")))
    for f in report.findings:
        result = terms.blank("result")
        terms.add(root, SH + "result", result)
        terms.add(result, RDF + "type", ox.NamedNode(SH + "ValidationResult"))
        terms.add(result, SH + "focusNode", ox.BlankNode(f.focus[2:]) if f.focus.startswith("_:")
                  else ox.NamedNode(f.focus))
        if f.path:
            terms.add(result, SH + "resultPath", terms.path(f.path))
        if f.value:
            terms.add(result, SH + "value", terms.term(f.value))
        terms.add(result, SH + "resultSeverity", ox.NamedNode(SH + f.severity))
        if f.component:
            terms.add(result, SH + "sourceConstraintComponent", terms.term(f.component))
        terms.add(result, SH + "sourceShape", ox.NamedNode(f.shape))
        terms.add(result, SH + "resultMessage", ox.Literal(f.message))
    return terms.triples


def format_turtle(report: Report) -> str:
    """The findings as a standard sh:ValidationReport (deterministic text: same report, same bytes), written by
    the project's Turtle writer with the results, their paths and lists nested in place."""
    names = prefixes(report.base)
    return turtle(report_triples(report, names), prefixes=names, nested=True).decode("utf-8")


def validation_files(report: Report) -> dict[str, bytes]:
    """The files the build writes next to the dataset (deterministic bytes): the standard SHACL report in
    Turtle and the same findings as text, one line each with source file and line."""
    return {"validation-report.ttl": format_turtle(report).encode("utf-8"),
            "validation-report.txt": format_text(report).encode("utf-8")}
