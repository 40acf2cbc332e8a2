"""The fast SHACL engine: the shapes under shapes/ compiled to SPARQL and run on a pyoxigraph Store.

pyshacl is the reference engine (crimecongress.validation runs both); this module gives the same results in
a fraction of the time by running one SPARQL query per constraint over the whole store instead of one
evaluation per focus node. It implements a subset of SHACL and refuses anything else (UnsupportedShape,
naming the shape and the construct), so a shape is never silently skipped; tests/test_shacl_suite.py runs
the W3C SHACL test suite, where every test is either right or refused:

* targets: sh:targetClass (with rdfs:subClassOf*), sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf,
  and the implicit class target of a shape that is also an rdfs:Class (sh:target is refused);
* paths: IRIs, sequences, sh:inversePath, sh:alternativePath, sh:zeroOrMorePath, sh:oneOrMorePath,
  sh:zeroOrOnePath;
* Core constraints: sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:nodeKind, sh:pattern (+ sh:flags),
  sh:in, sh:languageIn, sh:uniqueLang, sh:minLength, sh:maxLength, sh:minInclusive, sh:maxInclusive,
  sh:minExclusive, sh:maxExclusive, sh:hasValue, sh:equals, sh:disjoint, sh:lessThanOrEquals, sh:not,
  sh:or, sh:and, sh:node (nested shapes may use minCount/maxCount 0 or 1 and hasValue on their paths),
  sh:property (in a property shape, on its value nodes); sh:closed, sh:xone, sh:lessThan, qualified value
  shapes, custom constraint components and blank-node shapes are refused;
* sh:datatype checks lexical forms (XML Schema 1.1: integer types with their ranges, decimal, float,
  double, boolean, date/time types, durations, binary types, language). On a property shape with an IRI
  path it is checked in Python on the literals as written; elsewhere in SPARQL on the Store's literals,
  which is refused at run time when the Store has merged or rewritten the data's literals (_check_datatypes);
* anti-joins, not (NOT) EXISTS: Oxigraph 0.5 was measured to plan FILTER (NOT) EXISTS differently from
  process to process (one check 0.03 s in one process, 40 s in another: benchmarks/README-scale.md), so
  the core constraints test the graph with MINUS or with OPTIONAL { SELECT DISTINCT ... } + BOUND (see
  Compiler.flag and Compiler.joinable; paths that may have length zero keep EXISTS);
* SHACL-SPARQL: sh:sparql with sh:select on node shapes, following SHACL's rules (MINUS, VALUES, SERVICE,
  AS on $this and subqueries that do not project $this are refused; so is $shapesGraph). Where joining the
  focus nodes in at the start of the WHERE clause binds $this as pre-binding does (prebinding_is_a_join),
  the query runs once for the whole store; otherwise once per focus node with $this substituted
  (Oxigraph's substitutions). $currentShape is the shape's IRI; a ?path the query selects is the result path.
  Where a constraint also carries shape:fastSelect (the same solutions, written for a whole-dataset
  run, e.g. with MINUS, which SHACL forbids in sh:select), that query is run instead, joined; tests prove
  the two engines agree.

Results carry what pyshacl puts in a validation result: focus node, path, value, severity, source shape,
constraint component and message (SPARQL messages get {?var}/{$var} substituted exactly as pyshacl does).
No rdflib import here: the command line validates a file without loading rdflib or pyshacl.
"""
from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox

from .prefixes import compact  # the one rule for writing an IRI short (messages, paths)

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
SUBCLASS = RDFS + "subClassOf"
VIOLATION = SH + "Violation"
TARGET = "\u27eaTARGET\u27eb"     # placeholder for the focus nodes in a compiled query (see Check.runnable)

# lexical forms the fast engine accepts for sh:datatype (XML Schema 1.1), where pyshacl (rdflib) checks
# well-formedness; a datatype not listed accepts any lexical form
_TZ = r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)?"
_YEAR, _MONTH, _DAY = r"-?([1-9][0-9]{3,}|0[0-9]{3})", r"(0[1-9]|1[0-2])", r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_INTEGER = r"^[+-]?[0-9]+$"
_FLOAT = r"^([+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$"
_LEXICAL = {
    XSD + "positiveInteger": r"^[+]?0*[1-9][0-9]*$",
    XSD + "nonNegativeInteger": r"^([+]?[0-9]+|-0+)$",
    XSD + "negativeInteger": r"^-0*[1-9][0-9]*$",
    XSD + "nonPositiveInteger": r"^(-[0-9]+|[+]?0+)$",
    XSD + "integer": _INTEGER,
    XSD + "decimal": r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD + "float": _FLOAT, XSD + "double": _FLOAT,
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "date": f"^{_YEAR}-{_MONTH}-{_DAY}{_TZ}$",
    XSD + "dateTime": f"^{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}$",
    XSD + "dateTimeStamp": f"^{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ[:-1]}$",
    XSD + "time": f"^{_TIME}{_TZ}$",
    XSD + "gYear": f"^{_YEAR}{_TZ}$", XSD + "gYearMonth": f"^{_YEAR}-{_MONTH}{_TZ}$",
    XSD + "gMonth": f"^--{_MONTH}{_TZ}$", XSD + "gDay": f"^---{_DAY}{_TZ}$",
    XSD + "gMonthDay": f"^--{_MONTH}-{_DAY}{_TZ}$",
    # "P" alone and a trailing "T" are excluded in _well_formed (no look-ahead in SPARQL's REGEX)
    XSD + "duration": r"^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+([.][0-9]+)?S)?)?$",
    XSD + "dayTimeDuration": r"^-?P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+([.][0-9]+)?S)?)?$",
    XSD + "yearMonthDuration": r"^-?P([0-9]+Y)?([0-9]+M)?$",
    XSD + "hexBinary": r"^([0-9a-fA-F]{2})*$",
    XSD + "base64Binary": r"^(([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]|([A-Za-z0-9+/] ?){2}"
                          r"[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?$",
    XSD + "language": r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$",
}
_DURATIONS = {XSD + "duration", XSD + "dayTimeDuration", XSD + "yearMonthDuration"}
_RANGES = {  # the bounded integer types: regex _INTEGER and these inclusive bounds
    XSD + "byte": (-2 ** 7, 2 ** 7 - 1), XSD + "short": (-2 ** 15, 2 ** 15 - 1),
    XSD + "int": (-2 ** 31, 2 ** 31 - 1), XSD + "long": (-2 ** 63, 2 ** 63 - 1),
    XSD + "unsignedByte": (0, 2 ** 8 - 1), XSD + "unsignedShort": (0, 2 ** 16 - 1),
    XSD + "unsignedInt": (0, 2 ** 32 - 1), XSD + "unsignedLong": (0, 2 ** 64 - 1),
}
_LEXICAL.update({dt: _INTEGER for dt in _RANGES})
# datatypes a Store does not keep: it stores every integer subtype as xsd:integer (unless the value is too
# large for it) and xsd:dateTimeStamp as xsd:dateTime, so DATATYPE() in a query cannot tell them apart (see
# _check_datatypes; on a property shape with an IRI path sh:datatype is checked on the literals as written)
_INTEGERS = {XSD + "integer", *_RANGES, *(XSD + t for t in ("positiveInteger", "nonNegativeInteger",
                                                               "negativeInteger", "nonPositiveInteger"))}
_STORE_MERGED = {**{dt: XSD + "integer" for dt in _INTEGERS},       # datatype -> what the Store keeps
                 XSD + "dateTime": XSD + "dateTime", XSD + "dateTimeStamp": XSD + "dateTime"}

_VALUE_COMPONENTS = {  # parameter -> constraint component (one value node at a time)
    "class": "ClassConstraintComponent", "datatype": "DatatypeConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent", "pattern": "PatternConstraintComponent",
    "in": "InConstraintComponent", "languageIn": "LanguageInConstraintComponent",
    "minLength": "MinLengthConstraintComponent", "maxLength": "MaxLengthConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent", "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent", "maxExclusive": "MaxExclusiveConstraintComponent",
    "not": "NotConstraintComponent", "or": "OrConstraintComponent", "and": "AndConstraintComponent",
    "node": "NodeConstraintComponent",
}
_SET_COMPONENTS = {
    "minCount": "MinCountConstraintComponent", "maxCount": "MaxCountConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent", "hasValue": "HasValueConstraintComponent",
    "equals": "EqualsConstraintComponent", "disjoint": "DisjointConstraintComponent",
    "lessThanOrEquals": "LessThanOrEqualsConstraintComponent",
}
_IGNORED = {"path", "property", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "severity",
            "message", "flags", "sparql", "deactivated", "name", "description", "order", "group",
            "defaultValue", "declare", "prefixes"}


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this engine does not implement. `shape`: the IRI of the targeted shape
    being compiled (or run) when it was found, to point at where the shapes say it."""

    def __init__(self, message: str, shape: str = ""):
        super().__init__(message)
        self.shape = shape


@dataclass(frozen=True)
class RawResult:
    """One validation result, as an engine reports it (terms as pyoxigraph terms)."""

    focus: object
    shape: str
    severity: str
    component: str
    message: str
    path: str                       # the result path in SPARQL property-path syntax, compacted; "" for none
    value: object | None


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SPARQL query whose solutions are the violations."""

    shape: str
    severity: str
    component: str
    messages: tuple[str, ...]
    path: str
    query: str
    sparql: bool = False            # a SHACL-SPARQL constraint: substitute message variables, value defaults
    predicate: str = ""             # the path when it is a single IRI (to recover literals as written)
    datatype: str = ""              # sh:datatype checked in Python on the literals as written (see below)
    target: str = ""                # the graph pattern that binds ?this to the shape's focus nodes
    literal_targets: tuple = ()     # literals among its sh:targetNode, as written (the Store rewrites them)
    prebound: bool = False          # a SPARQL constraint run once per focus node, $this substituted
    namespaces: tuple = ()          # (prefix, namespace) to show a path a SPARQL constraint selects as ?path
    datatypes: tuple = ()           # sh:datatype values its shape tests in SPARQL (see _check_datatypes)

    def runnable(self) -> str:
        """The query with the focus nodes of its shape computed in a subquery."""
        return self.query.replace(TARGET, f"{{ SELECT DISTINCT ?this WHERE {{ {self.target} }} }}")


# --------------------------------------------------------------------------------------------------- graph
class ShapesIndex:
    """A read-only index of the shapes graph (pyoxigraph terms)."""

    def __init__(self, triples: Iterable):
        self.spo: dict = defaultdict(lambda: defaultdict(list))
        for triple in triples:
            self.spo[triple.subject][triple.predicate.value].append(triple.object)
        for entry in self.spo.values():
            for values in entry.values():
                values.sort(key=str)

    def objects(self, subject, predicate: str) -> list:
        entry = self.spo.get(subject)
        return list(entry.get(predicate, ())) if entry else []

    def one(self, subject, predicate: str):
        values = self.objects(subject, predicate)
        if len(values) > 1:
            raise UnsupportedShape(f"{subject} has {len(values)} values for {predicate}; expected one")
        return values[0] if values else None

    def sh(self, subject, name: str) -> list:
        return self.objects(subject, SH + name)

    def items(self, node) -> list:
        out = []
        while not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
            first = self.one(node, RDF + "first")
            if first is None:
                raise UnsupportedShape(f"broken RDF list at {node}")
            out.append(first)
            node = self.one(node, RDF + "rest")
        return out

    def subjects_with(self, predicate: str) -> list:
        return sorted((s for s, entry in self.spo.items() if predicate in entry), key=str)


def term_sparql(term) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise UnsupportedShape(f"a blank node cannot be a constraint value: {term}")


def render_path(node, objects, items, prefixes: dict[str, str]) -> str:
    """A SHACL path as a SPARQL property path with compact IRIs; `objects(node, iri)` and `items(list)` read
    the graph that holds it (pyshacl's results graph or the shapes graph), so both engines agree."""
    def render(n, top=False) -> str:
        if isinstance_iri(n):
            return compact(iri_of(n), prefixes)
        if objects(n, RDF + "first"):
            inner = "/".join(render(i) for i in items(n))
            return inner if top else f"({inner})"
        for name, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"),
                          ("zeroOrOnePath", "{}?")):
            found = objects(n, SH + name)
            if found:
                return fmt.format(render(found[0]))
        found = objects(n, SH + "alternativePath")
        if found:
            inner = "|".join(render(i) for i in items(found[0]))
            return inner if top else f"({inner})"
        raise UnsupportedShape(f"unsupported path {n}")
    return render(node, top=True)


def isinstance_iri(node) -> bool:
    return isinstance(node, ox.NamedNode) or type(node).__name__ == "URIRef"


def iri_of(node) -> str:
    return node.value if isinstance(node, ox.NamedNode) else str(node)


# ------------------------------------------------------------------------------------------------ compiler
class Compiler:
    """Compiles a shapes graph into Checks."""

    def __init__(self, index: ShapesIndex, prefixes: dict[str, str]):
        self.g = index
        self.prefixes = prefixes
        self.counter = 0
        self.datatypes: set[str] = set()    # sh:datatype values tested in SPARQL by the current shape
        # parameters of constraint components declared in the shapes graph (SHACL-SPARQL custom components):
        # not compiled, so a shape using one is refused rather than checked without it
        self.custom: dict[str, object] = {}
        for component in self.g.subjects_with(SH + "parameter"):
            for parameter in self.g.sh(component, "parameter"):
                for path in self.g.sh(parameter, "path"):
                    if isinstance(path, ox.NamedNode):
                        self.custom[path.value] = component

    def var(self) -> str:
        self.counter += 1
        return f"?_v{self.counter}"

    # paths -------------------------------------------------------------------------------------------------
    def path(self, node) -> str:
        if isinstance(node, ox.NamedNode):
            return f"<{node.value}>"
        if self.g.objects(node, RDF + "first"):
            return "(" + "/".join(self.path(i) for i in self.g.items(node)) + ")"
        for name, fmt in (("inversePath", "^({})"), ("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"),
                          ("zeroOrOnePath", "({})?")):
            found = self.g.sh(node, name)
            if found:
                return fmt.format(self.path(found[0]))
        found = self.g.sh(node, "alternativePath")
        if found:
            return "(" + "|".join(self.path(i) for i in self.g.items(found[0])) + ")"
        raise UnsupportedShape(f"unsupported path {node}")

    def pattern(self, subject: str, node, obj: str) -> str:
        """A graph pattern linking subject to obj through the path. Sequences become chains of triple
        patterns (Oxigraph evaluates a sequence property path inside EXISTS slowly); other paths stay
        property paths. Solutions may repeat: callers use DISTINCT or EXISTS."""
        if isinstance(node, ox.NamedNode):
            return f"{subject} <{node.value}> {obj} ."
        if self.g.objects(node, RDF + "first"):
            steps = self.g.items(node)
            if all(isinstance(s, ox.NamedNode) for s in steps):
                names = [subject] + [self.var() for _ in steps[:-1]] + [obj]
                return " ".join(f"{names[i]} <{s.value}> {names[i + 1]} ." for i, s in enumerate(steps))
        return f"{subject} {self.path(node)} {obj} ."

    def exists_pattern(self, subject: str, node, obj: str, tail: str = "") -> str:
        """The body of an EXISTS / NOT EXISTS through the path, `tail` (a FILTER on obj) innermost (used only
        where an anti-join would not be the same: see joinable). A sequence
        becomes nested EXISTS, one triple pattern each: Oxigraph plans a multi-pattern EXISTS without using
        the bound subject (2.6 ms a row over the tags), a single bound pattern costs microseconds."""
        if self.g.objects(node, RDF + "first") and all(isinstance(s, ox.NamedNode) for s in self.g.items(node)):
            steps = self.g.items(node)
            if len(steps) > 1:
                step = self.var()
                return (f"{subject} <{steps[0].value}> {step} . FILTER EXISTS {{ "
                        f"{self._exists_chain(step, steps[1:], obj, tail)} }}")
        return f"{self.pattern(subject, node, obj)} {tail}".strip()

    def _exists_chain(self, subject: str, steps: list, obj: str, tail: str) -> str:
        if len(steps) == 1:
            return f"{subject} <{steps[0].value}> {obj} . {tail}".strip()
        step = self.var()
        return (f"{subject} <{steps[0].value}> {step} . FILTER EXISTS {{ "
                f"{self._exists_chain(step, steps[1:], obj, tail)} }}")

    def display_path(self, node) -> str:
        return render_path(node, self.g.objects, self.g.items, self.prefixes)

    # targets -----------------------------------------------------------------------------------------------
    def implicit_class(self, shape) -> bool:
        """A shape that is also a class targets its instances (SHACL 2.1.3.3)."""
        types = {t.value for t in self.g.objects(shape, RDF_TYPE) if isinstance(t, ox.NamedNode)}
        if not types & {SH + "NodeShape", SH + "PropertyShape"}:
            return False
        seen, todo = set(), list(self.g.objects(shape, RDF_TYPE))
        while todo:
            cls = todo.pop()
            if cls in seen:
                continue
            seen.add(cls)
            if isinstance(cls, ox.NamedNode) and cls.value == RDFS + "Class":
                return True
            todo.extend(self.g.objects(cls, SUBCLASS))
        return False

    def targets(self, shape) -> str | None:
        parts = []
        classes = self.g.sh(shape, "targetClass") + ([shape] if self.implicit_class(shape) else [])
        for cls in classes:
            parts.append(f"?this <{RDF_TYPE}>/<{SUBCLASS}>* {term_sparql(cls)} .")
        for node in self.g.sh(shape, "targetNode"):
            parts.append(f"VALUES ?this {{ {term_sparql(node)} }}")
        for prop in self.g.sh(shape, "targetSubjectsOf"):
            parts.append(f"?this {term_sparql(prop)} ?_target .")
        for prop in self.g.sh(shape, "targetObjectsOf"):
            parts.append(f"?_target {term_sparql(prop)} ?this .")
        if not parts:
            return None
        self.current_target = " UNION ".join("{ " + p + " }" for p in parts)
        return TARGET

    # conformance of a value to a constraint (expressions are total: never a SPARQL error) -------------
    def value_condition(self, shape, name: str, value, x: str, joins: list[str]) -> str:
        """A total SPARQL expression: does the value in variable x satisfy the constraint? Tests that need
        the graph (sh:class, nested shapes) add anti-join flags to `joins` (see flag), which the caller
        writes into its group after the patterns that bind x."""
        g = self.g
        if name == "class":
            return self.flag(x, f"{x} <{RDF_TYPE}>/<{SUBCLASS}>* {term_sparql(value)} .", joins)
        if name == "datatype":
            dt = value.value
            if dt == RDF + "langString":
                return f"(isLiteral({x}) && LANG({x}) != \"\")"
            if dt == XSD + "string":
                return f"(isLiteral({x}) && LANG({x}) = \"\" && DATATYPE({x}) = <{dt}>)"
            # tested on the literals as the Store keeps them: exact unless the data writes another datatype the
            # Store merges with this one, or an ill-formed literal the Store rewrites (run_checks verifies)
            stored = _STORE_MERGED.get(dt, dt)
            self.datatypes.add(dt)
            # (a value too large for the Store's integers keeps its datatype)
            kinds = f"DATATYPE({x}) = <{stored}>" + (f" || DATATYPE({x}) = <{dt}>" if stored != dt else "")
            check = f"(isLiteral({x}) && LANG({x}) = \"\" && ({kinds})"
            if dt in _LEXICAL:
                check += f" && REGEX(STR({x}), {ox.Literal(_LEXICAL[dt])})"
            if dt in _DURATIONS:
                check += f" && !REGEX(STR({x}), \"^-?P$|T$\")"
            if dt in _RANGES:
                low, high = _RANGES[dt]
                number = f"<{XSD}decimal>(STR({x}))"
                check += f" && COALESCE({number} >= {low}.0 && {number} <= {high}.0, false)"
            return check + ")"
        if name == "nodeKind":
            kind = value.value[len(SH):]
            tests = {"IRI": "isIRI({x})", "BlankNode": "isBlank({x})", "Literal": "isLiteral({x})",
                     "BlankNodeOrIRI": "(isBlank({x}) || isIRI({x}))",
                     "BlankNodeOrLiteral": "(isBlank({x}) || isLiteral({x}))",
                     "IRIOrLiteral": "(isIRI({x}) || isLiteral({x}))"}
            return tests[kind].format(x=x)
        if name == "pattern":
            flags = g.sh(shape, "flags")
            flag = f", {ox.Literal(flags[0].value)}" if flags else ""
            return f"(!isBlank({x}) && REGEX(STR({x}), {ox.Literal(value.value)}{flag}))"
        if name == "in":
            members = g.items(value)
            return "(" + " || ".join(f"sameTerm({x}, {term_sparql(m)})" for m in members) + ")" if members else "false"
        if name == "languageIn":
            tags = g.items(value)
            tests = " || ".join(f"LANGMATCHES(LANG({x}), {ox.Literal(t.value)})" for t in tags)
            return f"(isLiteral({x}) && ({tests or 'false'}))"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"(!isBlank({x}) && STRLEN(STR({x})) {op} {int(value.value)})"
        if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
            return f"COALESCE((isLiteral({x}) && {x} {op} {term_sparql(value)}), false)"
        if name == "hasValue":
            return f"sameTerm({x}, {term_sparql(value)})"
        if name == "not":
            return f"!{self.conforms(value, x, joins)}"
        if name in ("or", "and"):
            parts = [self.conforms(member, x, joins) for member in g.items(value)]
            joiner = " || " if name == "or" else " && "
            return "(" + joiner.join(parts) + ")" if parts else ("false" if name == "or" else "true")
        if name == "node":
            return self.conforms(value, x, joins)
        raise UnsupportedShape(f"{shape} uses sh:{name}, which the fast engine does not compile")

    def parameters(self, shape) -> list[tuple[str, object]]:
        """(name, value) of every constraint parameter of a shape, in a stable order."""
        out = []
        for predicate in sorted(self.g.spo.get(shape, {})):
            if predicate in self.custom:
                raise UnsupportedShape(f"{shape} uses the constraint component {self.custom[predicate]} "
                                       f"(parameter <{predicate}>): custom constraint components are not supported")
            if not predicate.startswith(SH):
                continue
            name = predicate[len(SH):]
            if name in _IGNORED:
                continue
            if name not in _VALUE_COMPONENTS and name not in _SET_COMPONENTS:
                raise UnsupportedShape(f"{shape} uses sh:{name}, which the fast engine does not compile")
            for value in self.g.objects(shape, predicate):
                out.append((name, value))
        return out

    def conforms(self, shape, x: str, joins: list[str]) -> str:
        """A total SPARQL expression: does the node in variable x conform to the (nested) shape? Its tests
        of the graph are anti-join flags added to `joins` (see flag); through a path that may have length
        zero, EXISTS (see joinable)."""
        if self._deactivated(shape):
            return "true"               # every node conforms to a deactivated shape
        if self.g.sh(shape, "sparql"):
            raise UnsupportedShape(f"sh:sparql in a nested shape {shape}")
        path = self.g.sh(shape, "path")
        conditions = []
        if path:
            joinable = self.joinable(path[0])

            def some(v: str, tail: str = "") -> str:
                """x has a value v through the path for which `tail` (patterns and a FILTER on v) holds."""
                if joinable:
                    return self.flag(x, f"{self.pattern(x, path[0], v)} {tail}", joins)
                return f"EXISTS {{ {self.exists_pattern(x, path[0], v, tail)} }}"
            for name, value in self.parameters(shape):
                if name == "minCount":
                    n = int(value.value)
                    if n > 1:
                        raise UnsupportedShape(f"nested sh:minCount {n} in {shape}")
                    if n == 1:
                        conditions.append(some(self.var()))
                elif name == "maxCount":
                    n = int(value.value)
                    a, b = self.var(), self.var()
                    if n == 0:
                        conditions.append(f"!{some(a)}")
                    elif n == 1:
                        if not isinstance(path[0], ox.NamedNode):
                            raise UnsupportedShape(f"nested sh:maxCount 1 needs a single-IRI path in {shape}")
                        conditions.append(f"!{some(a, f'{x} <{path[0].value}> {b} . FILTER (!sameTerm({a}, {b}))')}")
                    else:
                        raise UnsupportedShape(f"nested sh:maxCount {n} in {shape}")
                elif name == "hasValue":
                    v = self.var()
                    conditions.append(some(v, f"FILTER (sameTerm({v}, {term_sparql(value)}))"))
                elif name in _SET_COMPONENTS:
                    raise UnsupportedShape(f"nested sh:{name} in {shape}")
                else:
                    v, inner = self.var(), []
                    condition = self.value_condition(shape, name, value, v, inner)
                    conditions.append(f"!{some(v, ' '.join(inner + [f'FILTER (!{condition})']))}")
        else:
            for name, value in self.parameters(shape):
                if name in _SET_COMPONENTS and name != "hasValue":
                    raise UnsupportedShape(f"sh:{name} on a node shape {shape}")
                conditions.append(self.value_condition(shape, name, value, x, joins))
        for prop in self.g.sh(shape, "property"):
            if path:
                raise UnsupportedShape(f"sh:property inside a nested property shape {shape}")
            conditions.append(self.conforms(prop, x, joins))
        return "(" + " && ".join(conditions) + ")" if conditions else "true"

    def flag(self, x: str, body: str, joins: list[str]) -> str:
        """`EXISTS { body }` (body binds x) as an anti-join: a left join with the DISTINCT x for which body
        has a solution, evaluated once for the whole store, binding a fresh variable; the expression is
        BOUND of it. Oxigraph 0.5 was measured to plan (NOT) EXISTS differently from process to process
        (0.03 s in one, 40 s in another, for the same check over 10k tags; benchmarks/README-scale.md); an
        anti-join does not depend on that plan. Equivalent to EXISTS when the body's solutions do not depend
        on x being bound first: true of triple patterns and of paths that cannot have length zero (see
        joinable)."""
        f = self.var()
        joins.append(f"OPTIONAL {{ SELECT DISTINCT {x} (true AS {f}) WHERE {{ {body} }} }}")
        return f"BOUND({f})"

    def joinable(self, node) -> bool:
        """Whether the path links the same pairs whether or not its subject is bound first, so that an
        anti-join (MINUS, or a flag) over it equals NOT EXISTS: every path but one that may have length zero
        (sh:zeroOrMorePath, sh:zeroOrOnePath): SPARQL links a bound subject to itself through it even when
        the subject is absent from the data, an unbound one only to the nodes of the data. Those keep
        EXISTS."""
        if isinstance(node, ox.NamedNode):
            return True
        if self.g.objects(node, RDF + "first"):
            return all(self.joinable(i) for i in self.g.items(node))
        if self.g.sh(node, "zeroOrMorePath") or self.g.sh(node, "zeroOrOnePath"):
            return False
        for name in ("inversePath", "oneOrMorePath"):
            found = self.g.sh(node, name)
            if found:
                return self.joinable(found[0])
        found = self.g.sh(node, "alternativePath")
        if found:
            return all(self.joinable(i) for i in self.g.items(found[0]))
        raise UnsupportedShape(f"unsupported path {node}")

    # top-level checks --------------------------------------------------------------------------------------
    def shape_meta(self, shape) -> tuple[str, tuple[str, ...]]:
        severity = self.g.one(shape, SH + "severity")
        messages = tuple(m.value for m in self.g.sh(shape, "message"))
        return (severity.value if severity is not None else VIOLATION), messages

    def compile(self) -> list[Check]:
        checks: list[Check] = []
        shapes = set()
        for predicate in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            shapes.update(self.g.subjects_with(SH + predicate))
        shapes.update(s for s in self.g.spo if self.implicit_class(s))
        for shape in self.g.subjects_with(SH + "target"):
            raise UnsupportedShape(f"{shape}: SPARQL-based targets (sh:target) are not supported", str(shape.value)
                                   if isinstance(shape, ox.NamedNode) else str(shape))
        for shape in sorted(shapes, key=str):
            if self._deactivated(shape):
                continue
            literals = tuple(n for n in self.g.sh(shape, "targetNode") if isinstance(n, ox.Literal))
            self.datatypes = set()
            try:
                focus = self.targets(shape)
                shape_checks = self.shape_checks(shape, focus)
            except UnsupportedShape as error:
                error.shape = error.shape or (shape.value if isinstance(shape, ox.NamedNode) else str(shape))
                raise
            checks.extend(replace(check, target=check.target or self.current_target, literal_targets=literals,
                                  datatypes=tuple(sorted(self.datatypes))) for check in shape_checks)
        return checks

    def _deactivated(self, shape) -> bool:
        value = self.g.one(shape, SH + "deactivated")
        return value is not None and value.value == "true"

    def shape_checks(self, shape, focus: str, seen: frozenset = frozenset(), target: str = "") -> list[Check]:
        """The checks of a shape whose focus nodes `target` binds to ?this ("": the targets of the shape being
        compiled, self.current_target)."""
        if shape in seen:
            raise UnsupportedShape(f"recursive shape {shape}")
        if not isinstance(shape, ox.NamedNode):
            raise UnsupportedShape(f"a targeted or sh:property shape must be an IRI (it names the rule): {shape}")
        checks = []
        severity, messages = self.shape_meta(shape)
        iri = shape.value
        path_nodes = self.g.sh(shape, "path")
        if path_nodes:
            checks.extend(self.property_checks(shape, focus, path_nodes[0], severity, messages))
        else:
            for name, value in self.parameters(shape):
                component = SH + (_VALUE_COMPONENTS.get(name) or _SET_COMPONENTS[name])
                if name == "class":
                    query = (f"SELECT ?this ?value WHERE {{ {focus} "
                             f"MINUS {{ ?this <{RDF_TYPE}>/<{SUBCLASS}>* {term_sparql(value)} . }} BIND (?this AS ?value) }}")
                else:
                    joins: list[str] = []
                    condition = self.value_condition(shape, name, value, "?this", joins)
                    # sh:hasValue reports no value (SHACL 4.8.1); the value constraints the focus node itself
                    bind = "" if name == "hasValue" else "BIND (?this AS ?value)"
                    query = f"SELECT ?this ?value WHERE {{ {focus} {' '.join(joins)} FILTER (!{condition}) {bind} }}"
                checks.append(Check(iri, severity, component, messages, "", query))
            for constraint in self.g.sh(shape, "sparql"):
                checks.append(self.sparql_check(shape, constraint, focus, severity, messages))
        inner = target
        if path_nodes and self.g.sh(shape, "property"):
            if not self.joinable(path_nodes[0]):
                raise UnsupportedShape(f"sh:property inside the property shape {shape}, whose path may have "
                                       f"length zero")
            # the focus nodes of a property shape's own sh:property are its value nodes
            outer = self.var()
            bound = re.sub(r"\?this\b", outer, target or self.current_target)
            inner = (f"{{ SELECT DISTINCT {outer} WHERE {{ {bound} }} }} "
                     f"{self.pattern(outer, path_nodes[0], '?this')}")
        for prop in self.g.sh(shape, "property"):
            if self._deactivated(prop):
                continue
            checks.extend(replace(check, target=check.target or inner)
                          for check in self.shape_checks(prop, focus, seen | {shape}, inner))
        return checks

    def property_checks(self, shape, focus: str, path_node, severity: str, messages) -> list[Check]:
        iri, display = shape.value, self.display_path(path_node)

        def through(subject: str, obj: str) -> str:
            return self.pattern(subject, path_node, obj)

        def exists(subject: str, obj: str, tail: str = "") -> str:
            return self.exists_pattern(subject, path_node, obj, tail)

        def without(obj: str, tail: str = "") -> str:
            """Keeps the solutions whose ?this has no value obj through the path for which `tail` holds: an
            anti-join (MINUS; see flag for why not NOT EXISTS) where that is the same (see joinable)."""
            if joinable:
                return f"MINUS {{ {through('?this', obj)} {tail} }}"
            return f"FILTER NOT EXISTS {{ {exists('?this', obj, tail)} }}"
        joinable = self.joinable(path_node)
        if self.g.sh(shape, "sparql"):
            raise UnsupportedShape(f"sh:sparql on a property shape {shape}")
        checks = []
        for name, value in self.parameters(shape):
            component = SH + (_VALUE_COMPONENTS.get(name) or _SET_COMPONENTS[name])
            if name == "minCount":
                n = int(value.value)
                if n == 0:
                    continue
                if n == 1:
                    query = f"SELECT ?this WHERE {{ {focus} {without('?_value')} }}"
                else:
                    query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {through('?this', '?_value')} }} }} "
                             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_value) < {n})")
            elif name == "maxCount" and int(value.value) == 1:
                # two different values: a self-join, cheaper than counting every focus node's values
                query = (f"SELECT DISTINCT ?this WHERE {{ {focus} {through('?this', '?_a')} {through('?this', '?_b')} "
                         f"FILTER (!sameTerm(?_a, ?_b)) }}")
            elif name == "maxCount":
                query = (f"SELECT ?this WHERE {{ {focus} {through('?this', '?_value')} }} "
                         f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_value) > {int(value.value)})")
            elif name == "uniqueLang":
                if value.value != "true":
                    continue
                query = (f"SELECT DISTINCT ?this ?_lang WHERE {{ {focus} {through('?this', '?_a')} {through('?this', '?_b')} "
                         f"FILTER (isLiteral(?_a) && isLiteral(?_b) && !sameTerm(?_a, ?_b) && LANG(?_a) != \"\" "
                         f"&& LCASE(LANG(?_a)) = LCASE(LANG(?_b))) BIND (LCASE(LANG(?_a)) AS ?_lang) }}")
            elif name == "hasValue":
                query = (f"SELECT ?this WHERE {{ {focus} "
                         f"{without('?_value', f'FILTER (sameTerm(?_value, {term_sparql(value)}))')} }}")
            elif name == "equals":
                q = term_sparql(value)
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} "
                         f"{{ {through('?this', '?value')} MINUS {{ ?this {q} ?value . }} }} UNION "
                         f"{{ ?this {q} ?value . {without('?value')} }} }}")
            elif name == "disjoint":
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {through('?this', '?value')} "
                         f"?this {term_sparql(value)} ?value . }}")
            elif name == "lessThanOrEquals":
                query = (f"SELECT ?this ?value WHERE {{ {{ SELECT DISTINCT ?this ?value WHERE {{ {focus} "
                         f"{through('?this', '?value')} }} }} ?this {term_sparql(value)} ?_other . "
                         f"FILTER (!COALESCE(?value <= ?_other, false)) }}")
            elif name == "datatype" and value.value not in (XSD + "string", RDF + "langString"):
                if not isinstance(path_node, ox.NamedNode):
                    raise UnsupportedShape(f"sh:datatype {value.value} needs a single-IRI path in {shape}")
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {through('?this', '?value')} }}"
                checks.append(Check(iri, severity, component, messages, display, query,
                                    predicate=path_node.value, datatype=value.value))
                continue
            elif name == "class":
                # an anti-join: the class's instances are found once, not tested row by row
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {through('?this', '?value')} "
                         f"MINUS {{ ?value <{RDF_TYPE}>/<{SUBCLASS}>* {term_sparql(value)} . }} }}")
            else:
                joins: list[str] = []
                condition = self.value_condition(shape, name, value, "?value", joins)
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {through('?this', '?value')} "
                         f"{' '.join(joins)} FILTER (!{condition}) }}")
            predicate = path_node.value if isinstance(path_node, ox.NamedNode) else ""
            checks.append(Check(iri, severity, component, messages, display, query, predicate=predicate))
        return checks

    def sparql_check(self, shape, constraint, focus: str, severity: str, messages) -> Check:
        # A hand-compiled whole-dataset version kept next to the standard query wins: sh:select must follow
        # SHACL's pre-binding rules (no MINUS, no VALUES), which make some anti-joins slow on Oxigraph.
        fast = self.g.one(constraint, self.prefixes.get("shape", "") + "fastSelect")
        standard = self.g.one(constraint, SH + "select")
        if standard is None:
            raise UnsupportedShape(f"sh:sparql without sh:select in {shape} (sh:ask and sh:construct are not "
                                   f"supported)")
        problem = sparql_problem(standard.value)
        if problem:
            raise UnsupportedShape(f"the SPARQL constraint of {shape} {problem}")
        text = (fast if fast is not None else standard).value
        match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if match is None or not re.search(r"SELECT\b[^{]*\$this\b", text, re.IGNORECASE):
            raise UnsupportedShape(f"the SPARQL constraint of {shape} must SELECT $this ... WHERE {{ ... }}")
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.declared_prefixes(constraint))
        try:
            ox.Store().query(prologue + text)        # a syntax error is the shape's fault: say so at compile time
        except SyntaxError as error:
            raise UnsupportedShape(f"the SPARQL constraint of {shape} does not parse: {error}") from None
        # $this is pre-bound (SHACL 5.3.1). Where joining the focus nodes in at the start of the WHERE clause
        # is the same (prebinding_is_a_join), one query runs for the whole store; otherwise one per focus node
        # with $this substituted
        prebound = fast is None and not prebinding_is_a_join(text[match.end():])
        query = prologue + text if prebound else prologue + text[:match.end()] + f" {focus} " + text[match.end():]
        # pre-bound variables are bound: Oxigraph evaluates BOUND() of a substituted variable to false
        query = re.sub(r"\bBOUND\s*\(\s*[?$](this|currentShape)\s*\)", "(true)", query, flags=re.IGNORECASE)
        query = with_current_shape(query, shape.value)
        own = tuple(m.value for m in self.g.sh(constraint, "message"))
        return Check(shape.value, severity, SH + "SPARQLConstraintComponent", own + tuple(m for m in messages
                                                                                        if m not in own),
                     "", query, sparql=True, prebound=prebound, namespaces=tuple(sorted(self.prefixes.items())))

    def declared_prefixes(self, constraint) -> list[tuple[str, str]]:
        """The sh:declare of the sh:prefixes nodes and of the ontologies they owl:imports."""
        out, seen = [], set()
        holders = list(self.g.sh(constraint, "prefixes"))
        while holders:
            holder = holders.pop()
            if holder in seen:
                continue
            seen.add(holder)
            holders.extend(self.g.objects(holder, OWL_IMPORTS))
            for declaration in self.g.sh(holder, "declare"):
                out.append((self.g.one(declaration, SH + "prefix").value,
                            self.g.one(declaration, SH + "namespace").value))
        return sorted(set(out))


_STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                      r"'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*")
_TOKENS = re.compile(r"[{}()*]|[?$][A-Za-z_][A-Za-z0-9_]*|[A-Za-z_]+", re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    """The braces, variables and words of a query, strings, IRIs and comments removed."""
    return _TOKENS.findall(_STRINGS.sub(" ", text))


def sparql_problem(text: str) -> str:
    """What SHACL 5.3.1 forbids in an sh:select (MINUS, VALUES, SERVICE, AS on a pre-bound variable, a
    subquery that does not project $this), or "" when there is nothing; $shapesGraph needs a shapes graph
    the Store does not hold."""
    tokens = _tokens(text)
    upper = [t.upper() for t in tokens]
    for word in ("MINUS", "VALUES", "SERVICE"):
        if word in upper:
            return f"uses {word}, which SHACL-SPARQL forbids"
    for i, token in enumerate(upper[:-1]):
        if token == "AS" and tokens[i + 1][1:] in ("this", "shapesGraph", "currentShape"):
            return f"assigns the pre-bound variable {tokens[i + 1]} with AS, which SHACL-SPARQL forbids"
    if any(t[1:] == "shapesGraph" for t in tokens if t[0] in "?$"):
        return "uses $shapesGraph, which the fast engine does not support"
    selects = [i for i, t in enumerate(upper) if t == "SELECT"]
    for start in selects[1:]:
        projection = []
        for token in tokens[start + 1:]:
            if token == "{" or token.upper() == "WHERE":
                break
            projection.append(token)
        if not any(t[1:] == "this" for t in projection):    # SELECT * does not count: its variables are not named
            return "has a subquery that does not project $this, which SHACL-SPARQL forbids"
    return ""


def with_current_shape(query: str, shape: str) -> str:
    """$currentShape written as the shape's IRI (Oxigraph substitutes only projected variables): in a
    projection as (<shape> AS ?currentShape), elsewhere as <shape>."""
    if "currentShape" not in query:
        return query
    marker = "\u27eacurrentShape\u27eb"

    def projection(match: re.Match) -> str:
        return re.sub(r"[?$]currentShape\b", f"(<{shape}> AS {marker})", match.group(0))
    query = re.sub(r"\bSELECT\b.*?(?=\bWHERE\b|\{)", projection, query, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"[?$]currentShape\b", f"<{shape}>", query).replace(marker, "?currentShape")


def prebinding_is_a_join(body: str) -> bool:
    """Whether joining the focus nodes in at the start of a WHERE clause binds $this as pre-binding does,
    given the clause's body (after its "{"): when every $this is in that top group, under a FILTER (NOT)
    EXISTS of it (EXISTS substitutes the solution) without a subquery, or in a triple pattern or FILTER of an
    OPTIONAL of it (a left join's filter sees both sides). Elsewhere (a nested group, UNION, a subquery, a
    BIND in an OPTIONAL) the group is evaluated before the join, with $this unbound."""
    stack: list[str] = []
    previous, parens, bind_at = "", 0, None
    for token in _tokens(body):
        upper = token.upper()
        if token == "{":
            stack.append({"EXISTS": "exists", "OPTIONAL": "optional"}.get(previous, "group"))
        elif token == "}":
            if not stack:
                return True                 # the end of the WHERE clause
            stack.pop()
        elif token == "(":
            if previous == "BIND":
                bind_at = parens
            parens += 1
        elif token == ")":
            parens -= 1
            bind_at = None if bind_at == parens else bind_at
        elif upper == "SELECT" and stack:
            stack[-1] = "select"
        elif token[0] in "?$" and token[1:] == "this" and stack:
            exists = stack[0] == "exists" and "select" not in stack
            optional = stack == ["optional"] and bind_at is None
            if not (exists or optional):
                return False
        previous = upper
    return True


# --------------------------------------------------------------------------------------------------- running
def _value_string(term) -> str:
    """What pyshacl substitutes for a term in a message: str() of the rdflib term."""
    return term.value


def format_message(message: str, bound: list[tuple[str, object]]) -> str:
    """pyshacl's message substitution ({?var} and {$var}), reproduced exactly."""
    for name, value in bound:
        message = re.sub("{{[?$]{}}}".format(name), _value_string(value), message)
    return message


def is_canonicalised(term) -> bool:
    """Whether the Store may have rewritten this literal (typed, other than xsd:string): Oxigraph
    normalises numeric, boolean and date literals on load ("05"^^xsd:positiveInteger is stored as
    "5"^^xsd:integer; oxigraph/oxigraph#526), so such values are taken from the data as written."""
    return isinstance(term, ox.Literal) and term.language is None and term.datatype.value != XSD + "string"


_SCRATCH = ox.Store()
_PROBE = (ox.NamedNode("urn:x-crimecongress:probe"), ox.NamedNode("urn:x-crimecongress:probe"))


def canonical(term):
    """The literal as the Store keeps it."""
    if not is_canonicalised(term):
        return term
    quad = ox.Quad(*_PROBE, term)
    _SCRATCH.add(quad)
    stored = next(iter(_SCRATCH)).object
    _SCRATCH.clear()
    return stored


def _well_typed(term, datatype: str) -> bool:
    if not isinstance(term, ox.Literal) or term.language is not None or term.datatype.value != datatype:
        return False
    pattern = _LEXICAL.get(datatype)
    if pattern is not None and re.match(pattern, term.value) is None:
        return False
    if datatype in _DURATIONS and re.search(r"^-?P$|T$", term.value):
        return False
    if datatype in _RANGES:
        low, high = _RANGES[datatype]
        return low <= int(term.value) <= high
    return True


def _check_datatypes(checks: tuple[Check, ...], literals: dict | None) -> None:
    """Refuses a shape whose sh:datatype is a SPARQL test on the Store's literals when those are not the
    literals as written: the data writes another datatype the Store keeps as the same one (xsd:byte and
    xsd:int are both kept as xsd:integer), or an ill-formed literal the Store rewrites into a well-formed one
    ("inf"^^xsd:float is kept as "INF"). Without the literals as written (data given as a Store) it cannot
    know."""
    written = [] if literals is None else [literal for by_subject in literals.values()
                                           for values in by_subject.values() for literal in values]
    rewritten: dict[tuple, tuple] = {}      # shape's literal targets -> (merged, repaired) datatypes
    for check in checks:
        if not check.datatypes:
            continue
        key = check.literal_targets
        if key not in rewritten:
            merged, repaired = set(), set()
            for literal in written + list(key):
                kept = canonical(literal)
                if literal.datatype.value in _STORE_MERGED:
                    merged.add(literal.datatype.value)
                if kept.value != literal.value and not _well_typed(literal, literal.datatype.value):
                    repaired.add(literal.datatype.value)
            rewritten[key] = (merged, repaired)
        merged, repaired = rewritten[key]
        for datatype in check.datatypes:
            stored = _STORE_MERGED.get(datatype, datatype)
            clash = sorted(d for d in merged | repaired if _STORE_MERGED.get(d, d) == stored and
                           (d in repaired or d != datatype))
            if literals is None or clash:
                raise UnsupportedShape(
                    f"{check.shape}: sh:datatype <{datatype}> on a node shape or in sh:not/sh:and/sh:or/sh:node "
                    f"cannot be checked on " + (f"data with <{clash[0]}> literals (the Store keeps them as "
                                                 f"<{stored}> or rewrites them)" if clash
                                                 else "data not read from a file") + "; use a property shape",
                    check.shape)


def _check_collapsed(checks: tuple[Check, ...], literals: dict) -> None:
    """Refuses data where a subject has two values of a property that the Store keeps as one literal ("05" and
    "5"^^xsd:integer; "1"^^xsd:byte and "1"^^xsd:integer) when a check reads that property: counts, sh:in,
    sh:equals... would see one value where SHACL sees two."""
    for predicate, by_subject in literals.items():
        for subject, values in by_subject.items():
            if len(values) < 2:
                continue
            kept: dict = {}
            for literal in values:
                other = kept.setdefault(canonical(literal), literal)
                if other == literal:
                    continue
                for check in checks:
                    if check.sparql or f"<{predicate}>" in check.query or f"<{predicate}>" in check.target:
                        raise UnsupportedShape(
                            f"{check.shape}: {subject} has the values {other} and {literal} of <{predicate}>, "
                            f"which the Store keeps as one", check.shape)


def run_checks(store: ox.Store, checks: Iterable[Check], literals: dict | None = None,
               timings: list | None = None) -> list[RawResult]:
    """Run compiled checks. `literals` maps predicate IRI -> subject -> the typed literals as written in the
    data (the Store keeps them normalised): datatype checks and reported values use those. Without it
    (data given as a Store) the Store's literals are all there is. With `timings`, appends (check, seconds)
    for every check run (benchmarks/validate.py reports them)."""
    checks = tuple(checks)
    if any(check.datatypes for check in checks):
        _check_datatypes(checks, literals)
    if literals:
        _check_collapsed(checks, literals)
    literals = literals or {}
    written = _Written(literals)
    results = []
    for check in checks:
        start = time.perf_counter()
        results.extend(_run_check(store, check, literals, written))
        if timings is not None:
            timings.append((check, time.perf_counter() - start))
    return results


def _datatype_as_written(store: ox.Store, check: Check, literals: dict) -> list[RawResult]:
    """sh:datatype for a datatype the Store normalises, from the literals as written: values that are not
    such literals at all are found in the Store; typed literals are tested as written, and only the
    ill-typed ones are then looked up among the shape's focus nodes."""
    message = "\n".join(sorted(check.messages))
    untyped = (f"FILTER (!isLiteral(?value) || LANG(?value) != \"\" || DATATYPE(?value) = <{XSD}string>)")
    query = check.runnable()
    query = query[:query.rindex("}")] + untyped + " }"        # the query ends with its WHERE group
    results = [RawResult(s["this"], check.shape, check.severity, check.component, message, check.path, s["value"])
               for s in store.query(query)]
    written = literals.get(check.predicate, {})
    suspects = [(subject, value) for subject, values in written.items() for value in values
                if not _well_typed(value, check.datatype)]
    if suspects:
        focus = {s["this"] for s in store.query(
            f"SELECT DISTINCT ?this WHERE {{ {check.target} VALUES ?this {{ "
            + " ".join(str(subject) for subject in {s for s, _ in suspects}) + " } }")}
        results.extend(RawResult(subject, check.shape, check.severity, check.component, message, check.path, value)
                       for subject, value in suspects if subject in focus)
    return results


def _run_check(store: ox.Store, check: Check, literals: dict, as_written: _Written) -> list[RawResult]:
    results = []
    message = "\n".join(sorted(check.messages))
    if check.datatype and literals:
        return _datatype_as_written(store, check, literals)
    if check.sparql:
        return _run_sparql(store, check, as_written)
    solutions = store.query(check.runnable())
    variables = [v.value for v in solutions.variables]
    if check.datatype:
        by_focus: dict = {}
        for solution in solutions:
            by_focus.setdefault(solution["this"], []).append(solution["value"])
        for focus, values in by_focus.items():
            written = [v for v in values if not is_canonicalised(v)]
            written += [v for v in values if is_canonicalised(v)]
            results.extend(RawResult(focus, check.shape, check.severity, check.component, message, check.path, v)
                           for v in written if not _well_typed(v, check.datatype))
        return results
    for solution in solutions:
        focus = solution["this"]
        value = solution["value"] if "value" in variables else None
        focus, value = _as_written(check, focus, value, as_written)
        written = literals.get(check.predicate, {}).get(focus) if check.predicate else None
        if written and is_canonicalised(value):
            value = next((w for w in written if canonical(w) == value), value)
        results.append(RawResult(focus, check.shape, check.severity, check.component, message, check.path, value))
    return results


class _Written:
    """Typed literals as the data writes them, by the form the Store keeps (built on first use: only when a
    literal is a focus node, e.g. through sh:targetObjectsOf)."""

    def __init__(self, literals: dict):
        self.literals = literals
        self.index: dict | None = None

    def get(self, term):
        if self.index is None:
            self.index = {}
            for by_subject in self.literals.values():
                for values in by_subject.values():
                    for literal in values:
                        self.index.setdefault(canonical(literal), literal)
        return self.index.get(term)


def _as_written(check: Check, focus, value, written: _Written):
    """A literal focus node as the shapes (sh:targetNode) or the data write it, not as the Store keeps it."""
    if not is_canonicalised(focus):
        return focus, value
    found = next((w for w in check.literal_targets if canonical(w) == focus), None) or written.get(focus)
    if found is None:
        return focus, value
    return found, (found if value == focus else value)      # a node shape's value is its focus node


def _sparql_solutions(store: ox.Store, check: Check):
    """(variables, solution, focus node) of a SPARQL constraint: one query joined with the focus nodes, or
    one per focus node with $this substituted (see Compiler.sparql_check)."""
    if not check.prebound:
        solutions = store.query(check.runnable())
        variables = [v.value for v in solutions.variables]
        for solution in solutions:
            yield variables, solution, solution["this"]
        return
    for row in store.query(f"SELECT DISTINCT ?this WHERE {{ {check.target} }}"):
        focus = row["this"]
        solutions = store.query(check.query, substitutions={ox.Variable("this"): focus})
        variables = [v.value for v in solutions.variables]
        for solution in solutions:
            yield variables, solution, focus


def _run_sparql(store: ox.Store, check: Check, written: _Written) -> list[RawResult]:
    results = []
    seen = set()
    namespaces = dict(check.namespaces)
    for variables, solution, focus in _sparql_solutions(store, check):
        value = solution["value"] if "value" in variables else None
        focus, value = _as_written(check, focus, value, written)
        extra = [(name, solution[name]) for name in variables
                 if name not in ("this", "path", "value") and solution[name] is not None]
        key = (focus, value, tuple(extra))
        if key in seen:                # pyshacl drops repeated rows of a SPARQL constraint
            continue
        seen.add(key)
        if value is None:
            value = focus              # pyshacl: a node shape's result value defaults to the focus node
        bound = extra + [("this", focus), ("value", value)]
        text = "\n".join(sorted(format_message(m, bound) for m in check.messages))
        selected = solution["path"] if "path" in variables else None
        path = compact(selected.value, namespaces) if isinstance(selected, ox.NamedNode) else check.path
        results.append(RawResult(focus, check.shape, check.severity, check.component, text, path, value))
    return results


@lru_cache(maxsize=8)
def compiled(shapes_key: tuple[tuple[str, str], ...], prefixes_key: tuple[tuple[str, str], ...]) -> tuple[Check, ...]:
    """Checks for the given shapes texts ((name, turtle), ...), cached per process."""
    triples = []
    for name, text in shapes_key:
        triples.extend(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=None))
    return compile_shapes(triples, dict(prefixes_key))


def compile_shapes(triples: Iterable, prefixes: dict[str, str] | None = None) -> tuple[Check, ...]:
    """Checks for a shapes graph given as pyoxigraph triples; UnsupportedShape names what is not compiled."""
    return tuple(Compiler(ShapesIndex(triples), prefixes or {}).compile())
