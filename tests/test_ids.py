"""The IRI grammar both ways: each example of the README's identifier table is minted by `Minter`, read back by
`Minter.parse` into the same parts, and matches a pattern of shapes/iri-patterns.ttl."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from crimecongress.ids import SUB_RESOURCES, Minter, graph_name, is_graph_namespace, is_sdg, last_segment, sdg

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


def test_relative_paths_and_unit_paths_go_both_ways():
    unit = M.paragraph("doha-declaration-2015", 5, "d")
    assert M.is_own(unit) and M.is_own(M.base) and not M.is_own("http://metadata.un.org/sdg/16.5")
    assert M.relative(unit) == "doc/doha-declaration-2015/para/5/d" and M.relative(M.base) == ""
    assert M.from_relative(M.relative(unit)) == unit == M.from_relative("/" + M.relative(unit))
    assert M.unit_at("doha-declaration-2015/para/5/d") == unit == M.unit_at("/doha-declaration-2015/para/5/d/")
    assert M.unit_at("doha-declaration-2015") == M.document("doha-declaration-2015")
    with pytest.raises(ValueError):
        M.relative("http://example.org/cc/doc/x")
    with pytest.raises(ValueError):
        M.unit_at(unit)                # a whole IRI is not a path below doc/


def test_members_names_and_fragments_are_read_back():
    assert M.is_member(M.theme("corruption"), "theme") and M.is_member(M.congress(14), "congress")
    assert not M.is_member(M.sdg_mapping(M.theme("corruption"), "16.5"), "theme")    # a record below it
    assert not M.is_member(M.theme_scheme(), "theme") and not M.is_member(M.actor("unodc"), "theme")
    assert not M.is_member(Minter("http://example.org/cc/").theme("corruption"), "theme")
    with pytest.raises(ValueError):
        M.is_member(M.theme("corruption"), "themes")
    assert M.parse(M.congress(14)).name == "14" and M.parse(M.paragraph("rpm-report-ap", 62, "a")).name == "a"
    assert M.parse(M.source_file("000.txt")).name == "000" and M.parse(M.term("Tag")).name == "Tag"
    part = M.parse(M.dataset_part("publisher"))
    assert (part.fragment, part.segments) == ("publisher", ("dataset",))
    assert M.parse(M.dataset()).fragment is None and M.without_fragment(M.dataset_part("publisher")) == M.dataset()
    assert M.below_prefixes(M.dataset()) == (M.dataset() + "#", M.dataset() + "/")


def test_parents_walk_up_the_path_and_stop_at_the_base():
    assert M.parent(M.paragraph("doha-declaration-2015", 5, "d")) == M.paragraph("doha-declaration-2015", 5)
    span = M.source_span(M.paragraph("doha-declaration-2015", 5), "000.txt")
    assert M.parent(M.parent(span)) == M.paragraph("doha-declaration-2015", 5)
    assert M.parent(M.document("doha-declaration-2015")) == M.from_relative("doc")
    assert M.parent(M.from_relative("doc")) is None and M.parent(M.dataset_part("publisher")) is None
    assert M.parent("http://example.org/a/b") is None and M.parent(M.base) is None


def test_sdg_iris_are_told_from_others():
    assert is_sdg(sdg("16.5")) and is_sdg(sdg("C160301"))
    assert not is_sdg(M.theme("corruption")) and not is_sdg("http://metadata.un.org/sdg/")

def test_a_documents_own_file_is_a_dump_of_the_dataset():
    assert M.document_dump("doha-declaration-2015", ".ttl") == M.base + "dataset/doc/doha-declaration-2015.ttl"
    assert M.parse(M.document_dump("doha-declaration-2015", ".nt")).kind == "dataset"
    with pytest.raises(ValueError):
        M.document_dump("doha-declaration-2015", "ttl")


def test_graph_names_are_read_whatever_the_base():
    other = Minter("http://example.org/cc/")
    assert graph_name(M.graph("lineage")) == "lineage" == graph_name(other.graph("lineage"))
    assert graph_name(M.theme("corruption")) is None and graph_name(M.graph("")) is None
    assert is_graph_namespace(other.graph("")) and not is_graph_namespace(M.base)
    assert last_segment(M.annotation_selector(M.annotation(M.document("x"), "sdg", "16-5"))) == "selector"


# --- no module but ids builds or reads an IRI of the grammar by hand --------------------------------------------

PACKAGE = ROOT / "crimecongress"
# A string literal (docstrings, prose and other sites' IRIs aside) holding a path segment of the grammar: `"doc/"`,
# `f"{base}theme/{slug}"`, `unit + "/tag/"`, `iri.startswith(base + "congress/")`...
GRAMMAR_LITERAL = re.compile(r"(?:^|[/}])(?:doc|theme|instrument|actor|congress|meeting|graph)/"
                             rf"|/(?:para|preamble|footnote|formula|heading|entry|annex|{'|'.join(SUB_RESOURCES)})/")
# The modules whose business is the grammar: ids mints and reads it, prefixes names its namespaces (BELOW_BASE).
GRAMMAR_MODULES = {"ids.py", "prefixes.py"}
# Literals that look like the grammar and are not IRIs: (module, literal) -> why.
NOT_IRIS = {
    ("serve/site.py", "doc/index.html"): "the file of the documents list in the static site's web root",
    ("serve/site.py", "theme/index.html"): "the file of the themes list in the static site's web root",
}


def _literals(tree: ast.AST):
    """The string constants of a module that are not docstrings, with their line."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and not re.search(r"\s", node.value) and not _elsewhere(node.value):
            yield node.lineno, node.value


def _elsewhere(text: str) -> bool:
    """An absolute IRI of another vocabulary (the SDG's own "http://metadata.un.org/sdg/"...)."""
    return re.match(r"https?://", text) is not None and not text.startswith(M.base)


def _is_base(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "base" or isinstance(node, ast.Attribute) and node.attr == "base"


def _base_arithmetic(tree: ast.AST):
    """An IRI built from the base or read against it by hand, with its line: `base + "..."`, `f"{base}..."`,
    `iri[len(self.base):]`, `iri.startswith(base ...)`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and _is_base(node.left):
            yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.FormattedValue) \
                and _is_base(node.values[0].value) and len(node.values) > 1:
            yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.Call) and node.args and (
                isinstance(node.func, ast.Name) and node.func.id == "len" and _is_base(node.args[0])
                or isinstance(node.func, ast.Attribute) and node.func.attr in ("startswith", "removeprefix")
                and any(_is_base(n) for n in ast.walk(node.args[0]))):
            yield node.lineno, ast.unparse(node)


def _hand_built_iris() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module in GRAMMAR_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hits = [f"{module}:{line}: {text!r}" for line, text in _literals(tree)
                if GRAMMAR_LITERAL.search(text) and (module, text) not in NOT_IRIS]
        hits += [f"{module}:{line}: {text}" for line, text in _base_arithmetic(tree)]
        if hits:
            found[module] = hits
    return found


def test_no_module_but_ids_builds_an_iri_of_the_grammar_by_hand():
    found = _hand_built_iris()
    assert not found, "build or read these IRIs with ids.Minter (mint, parse, relative...):\n" + \
        "\n".join(hit for hits in found.values() for hit in hits)


def test_the_guard_sees_a_hand_built_iri():
    tree = ast.parse('def f(base, unit, slug, iri):\n    """{base}doc/x: a docstring is prose"""\n'
                     '    print("give an IRI below {base}doc/", "http://metadata.un.org/sdg/16")\n'
                     '    iri.startswith(self.base + "x") and iri[len(base):]\n'
                     '    return (f"{base}theme/{slug}", unit + "/tag/", base + "sparql",\n'
                     '            "https://w3id.org/crime-congress/doc/")\n')
    assert sorted(text for _, text in _literals(tree) if GRAMMAR_LITERAL.search(text)) == \
        ["/tag/", M.base + "doc/", "theme/"]
    assert len(list(_base_arithmetic(tree))) == 5


@pytest.mark.parametrize("iri, path, kind, document, unit_path, owner", EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_the_document_an_iri_lies_in_is_read_back(iri, path, kind, document, unit_path, owner):
    assert M.document_of(iri) == document


def test_an_iri_off_the_grammar_still_lies_in_the_document_its_path_names():
    # validation in batches places every statement by this, whether or not the IRI is well formed
    assert M.document_of(M.base + "doc/Fixture_Compilation") == "Fixture_Compilation"
    assert M.document_of(M.base + "doc/x#frag") == "x"
    assert M.document_of(M.base + "doc/") is None and M.document_of("http://example.org/doc/x") is None
