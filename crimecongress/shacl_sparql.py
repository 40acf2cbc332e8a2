"""The fast SHACL engine: the shapes under shapes/ compiled to SPARQL and run on a pyoxigraph Store.

pyshacl is the reference engine (crimecongress.validate runs both); this module gives the same results in
a fraction of the time by running one SPARQL query per constraint over the whole store instead of one
evaluation per focus node. It implements exactly the SHACL subset the project's shapes use, and refuses
anything else (UnsupportedShape), so a new shape cannot silently be skipped:

* targets: sh:targetClass (with rdfs:subClassOf*), sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf;
* paths: IRIs, sequences, sh:inversePath, sh:alternativePath, sh:zeroOrMorePath, sh:oneOrMorePath,
  sh:zeroOrOnePath;
* Core constraints: sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:nodeKind, sh:pattern (+ sh:flags),
  sh:in, sh:languageIn, sh:uniqueLang, sh:minLength, sh:maxLength, sh:minInclusive, sh:maxInclusive,
  sh:minExclusive, sh:maxExclusive, sh:hasValue, sh:equals, sh:disjoint, sh:lessThanOrEquals, sh:not,
  sh:or, sh:and, sh:node (nested shapes may use minCount/maxCount 0 or 1 and hasValue on their paths);
* anti-joins, not (NOT) EXISTS: Oxigraph 0.5 was measured to plan FILTER (NOT) EXISTS differently from
  process to process (one check 0.03 s in one process, 40 s in another: benchmarks/README-scale.md), so
  the core constraints test the graph with MINUS or with OPTIONAL { SELECT DISTINCT ... } + BOUND (see
  Compiler.flag and Compiler.joinable; paths that may have length zero keep EXISTS);
* SHACL-SPARQL: sh:sparql with sh:select on node shapes. The query is run once, with the shape's targets
  joined in at the start of its WHERE clause (the equivalent of pre-binding $this), so a query must project
  $this. Where a constraint also carries shape:fastSelect (the same solutions, written for a whole-dataset
  run, e.g. with MINUS, which SHACL forbids in sh:select), that query is run instead; tests prove the two
  engines agree.

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

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
SUBCLASS = RDFS + "subClassOf"
VIOLATION = SH + "Violation"
TARGET = "\u27eaTARGET\u27eb"     # placeholder for the focus nodes in a compiled query (see Check.runnable)

# lexical forms the fast engine accepts for sh:datatype, where pyshacl (rdflib) checks well-formedness
_LEXICAL = {
    XSD + "positiveInteger": r"^[+]?0*[1-9][0-9]*$",
    XSD + "nonNegativeInteger": r"^([+]?[0-9]+|-0+)$",
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}

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
    """The shapes use a SHACL feature this engine does not implement."""


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


def compact(iri: str, prefixes: dict[str, str]) -> str:
    best = f"<{iri}>"
    for prefix, namespace in prefixes.items():
        local = iri[len(namespace):]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", local or "-") and \
                len(prefix) + 1 + len(local) < len(best):
            best = f"{prefix}:{local}"
    return best


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
    def targets(self, shape) -> str | None:
        parts = []
        for cls in self.g.sh(shape, "targetClass"):
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
            check = f"(isLiteral({x}) && LANG({x}) = \"\" && DATATYPE({x}) = <{dt}>"
            if dt in _LEXICAL:
                check += f" && REGEX(STR({x}), {ox.Literal(_LEXICAL[dt])})"
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
        raise UnsupportedShape(f"unsupported constraint sh:{name} in {shape}")

    def parameters(self, shape) -> list[tuple[str, object]]:
        """(name, value) of every constraint parameter of a shape, in a stable order."""
        out = []
        for predicate in sorted(self.g.spo.get(shape, {})):
            if not predicate.startswith(SH):
                continue
            name = predicate[len(SH):]
            if name in _IGNORED:
                continue
            if name not in _VALUE_COMPONENTS and name not in _SET_COMPONENTS:
                raise UnsupportedShape(f"unsupported constraint sh:{name} in {shape}")
            for value in self.g.objects(shape, predicate):
                out.append((name, value))
        return out

    def conforms(self, shape, x: str, joins: list[str]) -> str:
        """A total SPARQL expression: does the node in variable x conform to the (nested) shape? Its tests
        of the graph are anti-join flags added to `joins` (see flag); through a path that may have length
        zero, EXISTS (see joinable)."""
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
        for shape in sorted(shapes, key=str):
            if self._deactivated(shape):
                continue
            focus = self.targets(shape)
            checks.extend(replace(check, target=self.current_target) for check in self.shape_checks(shape, focus))
        return checks

    def _deactivated(self, shape) -> bool:
        value = self.g.one(shape, SH + "deactivated")
        return value is not None and value.value == "true"

    def shape_checks(self, shape, focus: str, seen: frozenset = frozenset()) -> list[Check]:
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
                    query = (f"SELECT ?this ?value WHERE {{ {focus} {' '.join(joins)} FILTER (!{condition}) "
                             f"BIND (?this AS ?value) }}")
                checks.append(Check(iri, severity, component, messages, "", query))
            for constraint in self.g.sh(shape, "sparql"):
                checks.append(self.sparql_check(shape, constraint, focus, severity, messages))
        for prop in self.g.sh(shape, "property"):
            if self._deactivated(prop):
                continue
            checks.extend(self.shape_checks(prop, focus, seen | {shape}))
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
        select = fast if fast is not None else self.g.one(constraint, SH + "select")
        if select is None:
            raise UnsupportedShape(f"sh:sparql without sh:select in {shape}")
        text = select.value
        match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if match is None or not re.search(r"SELECT\b[^{]*\$this\b", text, re.IGNORECASE):
            raise UnsupportedShape(f"the SPARQL constraint of {shape} must SELECT $this ... WHERE {{ ... }}")
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.declared_prefixes(constraint))
        query = prologue + text[:match.end()] + f" {focus} " + text[match.end():]
        own = tuple(m.value for m in self.g.sh(constraint, "message"))
        return Check(shape.value, severity, SH + "SPARQLConstraintComponent", own + tuple(m for m in messages
                                                                                        if m not in own),
                     "", query, sparql=True)

    def declared_prefixes(self, constraint) -> list[tuple[str, str]]:
        out = []
        for holder in self.g.sh(constraint, "prefixes"):
            for declaration in self.g.sh(holder, "declare"):
                out.append((self.g.one(declaration, SH + "prefix").value,
                            self.g.one(declaration, SH + "namespace").value))
        return sorted(set(out))


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
    return pattern is None or re.match(pattern, term.value) is not None


def run_checks(store: ox.Store, checks: Iterable[Check], literals: dict | None = None,
               timings: list | None = None) -> list[RawResult]:
    """Run compiled checks. `literals` maps predicate IRI -> subject -> the typed literals as written in the
    data (the Store keeps them normalised): datatype checks and reported values use those. Without it
    (data given as a Store) the Store's literals are all there is. With `timings`, appends (check, seconds)
    for every check run (benchmarks/validate.py reports them)."""
    literals = literals or {}
    results = []
    for check in checks:
        start = time.perf_counter()
        results.extend(_run_check(store, check, literals))
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


def _run_check(store: ox.Store, check: Check, literals: dict) -> list[RawResult]:
    results = []
    message = "\n".join(sorted(check.messages))
    if check.datatype and literals:
        return _datatype_as_written(store, check, literals)
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
    seen = set()
    for solution in solutions:
        focus = solution["this"]
        value = solution["value"] if "value" in variables else None
        if check.sparql:
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
        else:
            text = message
        written = literals.get(check.predicate, {}).get(focus) if check.predicate else None
        if written and is_canonicalised(value):
            value = next((w for w in written if canonical(w) == value), value)
        results.append(RawResult(focus, check.shape, check.severity, check.component, text, check.path, value))
    return results


@lru_cache(maxsize=8)
def compiled(shapes_key: tuple[tuple[str, str], ...], prefixes_key: tuple[tuple[str, str], ...]) -> tuple[Check, ...]:
    """Checks for the given shapes texts ((name, turtle), ...), cached per process."""
    triples = []
    for name, text in shapes_key:
        triples.extend(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=None))
    return tuple(Compiler(ShapesIndex(triples), dict(prefixes_key)).compile())
