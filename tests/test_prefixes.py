"""The one prefix table (crimecongress.prefixes): every module's prefixes are taken from it, so no name stands for
two namespaces and no namespace has two names, for the default base and for another."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from crimecongress import describe, export, prefixes, query
from crimecongress.ids import DEFAULT_BASE, Minter
from crimecongress.prefixes import load_context, rebased, table
from crimecongress.rdf import namespaces
from crimecongress.serve import app, data, discovery, pages
from crimecongress.validation import shapes

ROOT = Path(__file__).resolve().parents[1]
OTHER_BASE = "http://example.org/cc/"
PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]+)>", re.MULTILINE | re.IGNORECASE)


def _tables(base: str) -> dict[str, dict[str, str]]:
    """Every prefix table a module writes or reads with, for a base."""
    tables = {
        "export.turtle_prefixes": export.turtle_prefixes(base),
        "validation.shapes.prefixes": shapes.prefixes(base),
        "export JSON-LD compactor": export.Compactor(load_context(base)).prefixes,
        "serve.data prefixes": {**data.EXTRA_PREFIXES, **export.Compactor(load_context(base)).prefixes},
    }
    if base == DEFAULT_BASE:        # these are for the default base only
        tables["query.PREFIXES"] = query.PREFIXES
        tables["validation.shapes.NS"] = shapes.NS
    return tables


def test_the_table_gives_each_namespace_one_name():
    for base in (DEFAULT_BASE, OTHER_BASE):
        names = table(base)
        by_namespace: dict[str, list[str]] = {}
        for name, namespace in names.items():
            by_namespace.setdefault(namespace, []).append(name)
        assert {ns: n for ns, n in by_namespace.items() if len(n) > 1} == {}
        assert all(namespace.endswith(("#", "/")) for namespace in names.values())


@pytest.mark.parametrize("base", [DEFAULT_BASE, OTHER_BASE])
def test_every_module_table_agrees_with_the_one_table(base):
    names = table(base)
    for module, mapping in _tables(base).items():
        assert mapping, module
        wrong = {name: ns for name, ns in mapping.items() if names.get(name) != ns}
        assert wrong == {}, f"{module} binds names otherwise than crimecongress.prefixes"


def test_the_table_holds_the_published_context_and_the_base():
    context = load_context(OTHER_BASE)
    assert DEFAULT_BASE not in json.dumps(context)
    assert prefixes.context_prefixes(context).items() <= table(OTHER_BASE).items()
    assert table(OTHER_BASE)["uncc"] == Minter(OTHER_BASE).term("") == OTHER_BASE + "ontology#"
    assert table(OTHER_BASE)["theme"] == OTHER_BASE + "theme/"
    assert table()["uncc"] == str(namespaces.uncc(Minter())) == Minter().term("")


def test_namespace_constants_agree_with_the_table():
    names = table()
    constants = {
        (namespaces.DCAT, "dcat"), (namespaces.DCTERMS, "dcterms"), (namespaces.ELI, "eli"), (namespaces.OA, "oa"),
        (namespaces.ORG, "org"), (namespaces.OWL, "owl"), (namespaces.PROV, "prov"), (namespaces.RDF, "rdf"),
        (namespaces.RDFS, "rdfs"), (namespaces.SDG, "sdg"), (namespaces.SDGO, "sdgo"), (namespaces.SKOS, "skos"),
        (namespaces.VANN, "vann"), (namespaces.VOID, "void"), (namespaces.XSD, "xsd"),
        (describe.FOAF, "foaf"), (describe.VCARD, "vcard"), (describe.SPDX, "spdx"),
        (data.RDFS, "rdfs"), (data.SKOS, "skos"), (data.DCTERMS, "dcterms"), (data.ELI, "eli"), (data.OA, "oa"),
        (data.PROV, "prov"), (data.OWL, "owl"), (data.VOID, "void"), (data.DCAT, "dcat"), (data.XSD, "xsd"),
        (discovery.FOAF, "foaf"), (discovery.SCHEMA, "schema"), (app.SD, "sd"), (app.XSD, "xsd"),
    }
    # the pages' own names, wherever the page code keeps them (pages.py, or the views it lays out)
    for module in (pages, sys.modules.get("crimecongress.serve.views")):
        constants |= {(getattr(module, name), prefix) for name, prefix in (("FOAF", "foaf"), ("ORG", "org"),
                                                                         ("SDG", "sdg")) if hasattr(module, name)}
    assert {(str(value), name) for value, name in constants if str(value) != names[name]} == set()


def _prefix_lines(paths) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        for name, namespace in PREFIX_LINE.findall(path.read_text(encoding="utf-8")):
            found.setdefault((name, namespace), []).append(path.name)
    return found


def test_written_prefixes_agree_with_the_table():
    """The prefixes declared in the hand-written Turtle (shapes, ontology), the example queries, and the
    committed build's Turtle files: each name with the table's namespace."""
    files = [*ROOT.glob("shapes/*.ttl"), *ROOT.glob("ontology/*.ttl"), *ROOT.glob("queries/*.rq"),
             *ROOT.glob("build/*.ttl")]
    found = _prefix_lines(files)
    assert len(found) >= 15          # the files are there, and declare prefixes
    names = table()
    assert {pair: where for pair, where in found.items() if names.get(pair[0]) != pair[1]} == {}


def test_no_module_keeps_a_table_of_its_own():
    """Outside crimecongress/prefixes.py no source pairs a short name with a namespace IRI by hand."""
    # "name": "namespace" or ("name", "namespace") (not a namespace + a local name), or an rdflib Namespace
    pair = re.compile(r"""["'][a-z][a-z0-9]*["']\s*[:,]\s*["']https?://[^"']+[#/]["'](?!\s*\+)"""
                      r"""|Namespace\(\s*["']http""")
    own = ROOT / "crimecongress" / "prefixes.py"
    hits = [f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}"
            for path in sorted((ROOT / "crimecongress").rglob("*.py")) if path != own
            for text in [path.read_text(encoding="utf-8")] for m in pair.finditer(text)]
    assert hits == []


def test_turtle_header_follows_the_base():
    header = export.turtle([], OTHER_BASE).decode()
    assert f"@prefix uncc: <{OTHER_BASE}ontology#> ." in header
    assert f"@prefix actor: <{OTHER_BASE}actor/> ." in header
    assert DEFAULT_BASE not in header
    assert "@prefix doc:" not in header           # document IRIs stay whole


def test_rebased_is_the_one_base_swap():
    from crimecongress.build import _ontology_text
    text = shapes.ontology_text(OTHER_BASE)
    assert text == _ontology_text(Minter(OTHER_BASE)) == rebased(shapes.ONTOLOGY_FILE.read_text(encoding="utf-8"),
                                                                   OTHER_BASE)
    assert DEFAULT_BASE not in text and f"<{OTHER_BASE}ontology#>" in text
    assert rebased("x " + DEFAULT_BASE + "doc/a", DEFAULT_BASE) == "x " + DEFAULT_BASE + "doc/a"


def test_a_name_the_context_gives_otherwise_is_refused(monkeypatch):
    monkeypatch.setitem(prefixes.NOT_IN_CONTEXT, "xsd", "http://example.org/xsd#")
    prefixes.table.cache_clear()
    try:
        with pytest.raises(ValueError, match="prefix xsd"):
            prefixes.table("http://example.org/refused/")
    finally:
        prefixes.table.cache_clear()
