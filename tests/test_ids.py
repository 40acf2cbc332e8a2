"""The IRI grammar both ways: each example of the README's identifier table is minted by `Minter`, read back by
`Minter.parse` into the same parts, and matches a pattern of shapes/iri-patterns.ttl."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from crimecongress.ids import SUB_RESOURCES, Minter

ROOT = Path(__file__).resolve().parents[1]
M = Minter()
SH_PATTERN = URIRef("http://www.w3.org/ns/shacl#pattern")

# (how it is minted, the path the README gives, kind, document, unit path, owner path)
EXAMPLES = [
    (M.document("doha-declaration-2015"), "doc/doha-declaration-2015", "document", "doha-declaration-2015", None, None),
    (M.preamble("kyoto-declaration-2021", 3), "doc/kyoto-declaration-2021/preamble/3", "unit",
     "kyoto-declaration-2021", "preamble/3", None),
    (M.paragraph("vienna-plans-of-action-2002", 35, "d", "ii"), "doc/vienna-plans-of-action-2002/para/35/d/ii",
     "unit", "vienna-plans-of-action-2002", "para/35/d/ii", None),
    (M.footnote("doha-declaration-2015", "3"), "doc/doha-declaration-2015/footnote/3", "unit",
     "doha-declaration-2015", "footnote/3", None),
    (M.paragraph("rpm-report-ap", 62, "a"), "doc/rpm-report-ap/para/62/a", "unit", "rpm-report-ap", "para/62/a", None),
    (M.formula("kyoto-declaration-2021", 1), "doc/kyoto-declaration-2021/formula/1", "unit", "kyoto-declaration-2021",
     "formula/1", None),
    (M.entry("kyoto-rpm-mapping", 12), "doc/kyoto-rpm-mapping/entry/12", "unit", "kyoto-rpm-mapping", "entry/12", None),
    (M.annex_item("kyoto-congress-report-2021", 4), "doc/kyoto-congress-report-2021/annex/item/4", "unit",
     "kyoto-congress-report-2021", "annex/item/4", None),
    (M.follow_on("kyoto-congress-report-2021", 3, 2), "doc/kyoto-congress-report-2021/para/3/p/2", "unit",
     "kyoto-congress-report-2021", "para/3/p/2", None),
    (M.instrument("uncac"), "instrument/uncac", "instrument", None, None, None),
    (M.theme("corruption"), "theme/corruption", "theme", None, None, None),
    (M.actor("unodc"), "actor/unodc", "actor", None, None, None),
    (M.annotation(M.paragraph("doha-declaration-2015", 5, "d"), "theme", "corruption"),
     "doc/doha-declaration-2015/para/5/d/tag/theme/corruption", "sub-resource", "doha-declaration-2015", "para/5/d",
     "doc/doha-declaration-2015/para/5/d"),
    (M.annotation_selector(M.annotation(M.paragraph("doha-declaration-2015", 5, "d"), "sdg", "16-5")),
     "doc/doha-declaration-2015/para/5/d/tag/sdg/16-5/selector", "sub-resource", "doha-declaration-2015", "para/5/d",
     "doc/doha-declaration-2015/para/5/d"),
    (M.source_span(M.paragraph("doha-declaration-2015", 5), "000.txt"), "doc/doha-declaration-2015/para/5/source/000",
     "sub-resource", "doha-declaration-2015", "para/5", "doc/doha-declaration-2015/para/5"),
    (M.alignment(M.paragraph("rpm-report-ap", 62, "a"), M.paragraph("kyoto-declaration-2021", 12)),
     "doc/rpm-report-ap/para/62/a/lineage/kyoto-declaration-2021/para/12", "sub-resource", "rpm-report-ap",
     "para/62/a", "doc/rpm-report-ap/para/62/a"),
    (M.manifestation("doha-declaration-2015", "000"), "doc/doha-declaration-2015/manifestation/000", "sub-resource",
     "doha-declaration-2015", None, "doc/doha-declaration-2015"),
    (M.sdg_mapping(M.theme("corruption"), "16.5"), "theme/corruption/sdg/16-5", "sub-resource", None, None,
     "theme/corruption"),
    (M.source_file("000.txt"), "source/000", "source file", None, None, None),
    (M.graph("lineage"), "graph/lineage", "graph", None, None, None),
    (M.theme_scheme(), "theme", "scheme", None, None, None),
    (M.catalog(), "catalog", "catalog", None, None, None),
]


@pytest.fixture(scope="module")
def patterns() -> list[re.Pattern]:
    shapes = Graph().parse(ROOT / "shapes" / "iri-patterns.ttl", format="turtle")
    return [re.compile(str(p)) for p in shapes.objects(None, SH_PATTERN)]


@pytest.mark.parametrize("iri, path, kind, document, unit_path, owner", EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_each_example_is_minted_and_parsed_back(iri, path, kind, document, unit_path, owner):
    assert iri == M.base + path
    parts = M.parse(iri)
    assert (parts.kind, parts.path, parts.document, parts.unit_path) == (kind, path, document, unit_path)
    assert parts.owner == (M.base + owner if owner else None)
    assert parts.sub_resource == (next(s for s in SUB_RESOURCES if f"/{s}/" in "/" + path[len(owner):] + "/")
                                  if owner else None)


@pytest.mark.parametrize("iri, path, kind, document, unit_path, owner",
                         # (a follow-on paragraph's IRI is checked against its parent's, by a SPARQL constraint)
                         [e for e in EXAMPLES if e[2] in ("document", "unit", "instrument", "actor") and "/p/" not in e[1]
                          or e[1].endswith(("/source/000", "/tag/theme/corruption", "manifestation/000"))],
                         ids=lambda value: value if isinstance(value, str) and "/" in value else None)
def test_the_shapes_accept_each_minted_iri(patterns, iri, path, kind, document, unit_path, owner):
    assert any(p.search(iri) for p in patterns), iri


def test_parse_gives_nothing_outside_the_base_and_any_base_reads_its_own():
    assert M.parse("http://metadata.un.org/sdg/16.5") is None
    other = Minter("http://example.org/cc/")
    assert other.parse(other.paragraph("doha-declaration-2015", 5, "d")).unit_path == "para/5/d"
    assert other.parse(M.paragraph("doha-declaration-2015", 5, "d")) is None
