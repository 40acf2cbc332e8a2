"""A Report written out: one line per finding (text), JSON, and the standard sh:ValidationReport in Turtle,
and the two report files the build writes beside the dataset.

Deterministic text from a Report alone: it does not validate, read RDF or locate anything.
"""
from __future__ import annotations

import json
import re
from typing import Mapping

import pyoxigraph as ox

from ..shacl_sparql import compact
from .report import Report
from .shapes import prefixes


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


def _turtle_string(text: str) -> str:
    return str(ox.Literal(text))


def _path_turtle(path: str) -> str:
    """A SPARQL property path (as Finding.path writes it) as a SHACL path in Turtle."""
    tokens = re.findall(r"<[^>]*>|[A-Za-z][\w-]*:[\w-]*|[()/|^*+?]", path)
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def alternative():
        items = [sequence()]
        while peek() == "|":
            take()
            items.append(sequence())
        return items[0] if len(items) == 1 else f"[ sh:alternativePath ( {' '.join(items)} ) ]"

    def sequence():
        items = [unary()]
        while peek() == "/":
            take()
            items.append(unary())
        return items[0] if len(items) == 1 else f"( {' '.join(items)} )"

    def unary():
        inverse = peek() == "^"
        if inverse:
            take()
        if peek() == "(":
            take()
            node = alternative()
            take()
        else:
            node = take()
        modifier = {"*": "sh:zeroOrMorePath", "+": "sh:oneOrMorePath", "?": "sh:zeroOrOnePath"}.get(peek() or "")
        if modifier:
            take()
            node = f"[ {modifier} {node} ]"
        return f"[ sh:inversePath {node} ]" if inverse else node

    return alternative()


def format_turtle(report: Report) -> str:
    """The findings as a standard sh:ValidationReport (deterministic text: same report, same bytes).

    sh:conforms follows the SHACL specification: false as soon as there is any result, warnings included
    (the command's exit code, like Report.conforms, only fails on Violations)."""
    names = prefixes(report.base)
    out = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(names.items())]
    out.append("")
    out.append("[] a sh:ValidationReport ;")
    out.append(f"    sh:conforms {'false' if report.findings else 'true'}" + (" ;" if report.findings else " ."))
    for index, f in enumerate(report.findings):
        focus = f.focus if f.focus.startswith("_:") else f"<{f.focus}>"
        body = ["        a sh:ValidationResult ;", f"        sh:focusNode {focus} ;"]
        if f.path:
            body.append(f"        sh:resultPath {_path_turtle(f.path)} ;")
        if f.value:
            body.append(f"        sh:value {f.value} ;")
        body.append(f"        sh:resultSeverity sh:{f.severity} ;")
        if f.component:
            body.append(f"        sh:sourceConstraintComponent {f.component} ;")
        body.append(f"        sh:sourceShape {compact(f.shape, names)} ;")
        body.append(f"        sh:resultMessage {_turtle_string(f.message)} ;")
        end = " ." if index == len(report.findings) - 1 else " ;"
        out.append("    sh:result [\n" + "\n".join(body) + "\n    ]" + end)
    return "\n".join(out) + "\n"


def validation_files(report: Report) -> dict[str, bytes]:
    """The files the build writes next to the dataset (deterministic bytes): the standard SHACL report in
    Turtle and the same findings as text, one line each with source file and line."""
    return {"validation-report.ttl": format_turtle(report).encode("utf-8"),
            "validation-report.txt": format_text(report).encode("utf-8")}
