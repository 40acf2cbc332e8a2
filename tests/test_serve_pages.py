"""The pages, search, resolver and serialisers of `serve`, and the static site of `site`, on the fixture build
(which carries tags, annotations, lineage and a hostile paragraph, whatever the committed build holds)."""
from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from serve_fixture import HOSTILE

pytest_plugins = ["serve_support"]   # the server and build fixtures

BASE = "https://w3id.org/crime-congress/"
UNCC = BASE + "ontology#"
DOHA = BASE + "doc/doha-declaration-2015"


@pytest.fixture(scope="module")
def app(fixture_build):
    from crimecongress.serve.app import App
    application = App(fixture_build, sparql=False)
    yield application
    application.close()


def get(app, path: str, accept: str = "text/html"):
    from crimecongress.serve.app import Request
    response = app.handle(Request("GET", path, {"accept": accept}))
    return response.status, response, response.body.decode("utf-8")


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


# --- escaping ------------------------------------------------------------------------------------------------------

ESCAPED = html.escape(HOSTILE)


@pytest.mark.parametrize("path", [
    "/doc/doha-declaration-2015/para/6",          # the paragraph itself
    "/doc/doha-declaration-2015",                 # the document in reading order
    "/actor/ccpcj",                               # a page listing it
    "/search?q=script+alert",                     # a search hit, highlighted
    "/doc/doha-declaration-2015/para/5/l",        # its neighbour's "next" link label is not its text, but the page
])
def test_hostile_paragraph_text_shows_as_text(app, path):
    status, _, body = get(app, path)
    assert status == 200
    assert HOSTILE not in body
    if path != "/doc/doha-declaration-2015/para/5/l":
        assert ESCAPED in body or "&lt;<mark>script</mark>&gt;" in body


@pytest.mark.parametrize("path", [
    "/search?" + urlencode({"q": HOSTILE}),
    "/resolve?" + urlencode({"cite": HOSTILE}),
    "/resolve?" + urlencode({"cite": HOSTILE + ", para. 5"}),
    "/doc/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/search?" + urlencode({"q": '"><img src=x onerror=alert(1)>', "doc": '"><b>', "theme": "'><i>"}),
])
def test_query_strings_are_escaped(app, path):
    _, _, body = get(app, path)
    assert HOSTILE not in body and "<img src=x" not in body and '"><b>' not in body and "'><i>" not in body


def test_sparql_results_page_escapes_values_and_the_query(fixture_server):
    query = f'SELECT ?x WHERE {{ BIND("{HOSTILE}" AS ?x) }}'
    status, headers, body = fixture_server.get("/sparql?" + urlencode({"query": query}), accept="text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert HOSTILE.encode() not in body
    assert ESCAPED.encode() in body
    assert "script-src 'self'" in headers["content-security-policy"]


# --- what a paragraph page shows -----------------------------------------------------------------------------------

def test_paragraph_page_shows_text_tags_words_lineage_source_and_formats(app):
    status, response, body = get(app, "/doc/doha-declaration-2015/para/5/d")
    assert status == 200
    visible = text_of(body)
    assert "Doha Declaration, para. 5 (d)" in visible
    assert "To make every effort to prevent and counter corruption" in visible
    # the chapeau of paragraph 5 gives the context
    assert "We reaffirm our commitment and strong political will" in visible
    # tags, each with the words that triggered it
    assert re.search(r'<a href="/theme/corruption">Corruption</a> <span class=\'why\'>matched '
                     r"<q title='…prevent and counter \[corruption\], and to implement m…'>corruption</q>, "
                     r"<q title='[^']*'>integrity</q> · rule <span class='mono'>theme.corruption.terms</span>"
                     r" · confidence 0.85</span>", body)
    assert '<a href="/instrument/uncac">United Nations Convention against Corruption</a>' in body
    assert "href='http://metadata.un.org/sdg/16.5'" in body
    assert "Substantially reduce corruption and bribery" in visible
    # lineage, footnotes, provenance, formats
    assert "Continues" in visible and '<a href="/doc/bangkok-declaration-2005/para/4">' in body
    assert "United Nations, Treaty Series, vol. 2349" in visible
    assert "000_db17beb4dd61dc1a.txt" in visible and re.search(r"lines \d+–\d+", visible)
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f'href="/doc/doha-declaration-2015/para/5/d{suffix}"' in body


def test_a_derived_tag_shows_the_words_of_the_tag_it_came_from(app):
    _, _, body = get(app, "/doc/doha-declaration-2015/para/5")
    assert re.search(r'<a href="/theme/corruption">Corruption</a> <span class=\'why\'>matched '
                     r"<q title='[^']*'>corruption</q> in <a href=\"/doc/doha-declaration-2015/para/5/d\">\(d\)</a>",
                     body)


def test_breadcrumbs_run_document_heading_paragraph(app):
    _, _, body = get(app, "/doc/vienna-plans-of-action-2002/para/35/d/ii")
    crumbs = text_of(re.search(r'<nav class="crumbs".*?</nav>', body, re.S).group())
    assert crumbs == ("Home › Vienna plans of action › Plans of action for the implementation of the Vienna "
                      "Decl… › II. Action against corruption › para. 35 › (d) › (ii)")


def test_subparagraphs_are_listed_on_their_paragraph(app):
    _, _, body = get(app, "/doc/doha-declaration-2015/para/5")
    for letter in "abcdefghijkl":
        assert f"href='/doc/doha-declaration-2015/para/5/{letter}'" in body


def test_document_in_reading_order_with_headings_by_level_and_footnotes_both_ways(app):
    _, _, body = get(app, "/doc/doha-declaration-2015")
    visible = text_of(body)
    assert visible.index("We, Heads of State") < visible.index("Having assembled") < visible.index(
        "To that end") < visible.index("1. We acknowledge") < visible.index("(l) To adopt effective")
    # marker -> footnote, footnote -> back to the marker
    assert 'href="#footnote-3" id="ref-para-5-d-footnote-3"' in body
    assert '<li id="footnote-3">' in body and 'href="#ref-para-5-d-footnote-3"' in body
    _, _, plans = get(app, "/doc/vienna-plans-of-action-2002")
    assert re.search(r'<h2 class="unit hl-1" id="heading-1">', plans)
    assert re.search(r'<h3 class="unit hl-2" id="heading-2">I\. Action against transnational organized crime', plans)
    assert 'class="unit para depth-2" id="para-35-d-ii"' in plans


def test_footnote_page_links_back_to_its_referrers(app):
    _, _, body = get(app, "/doc/doha-declaration-2015/footnote/3")
    assert "Referenced by" in body and '<a href="/doc/doha-declaration-2015/para/5/d">' in body
    assert '<a href="/instrument/uncac">' in body           # the instrument it identifies


# --- themes, instruments, actors, home -----------------------------------------------------------------------------

def test_theme_page_has_its_place_in_the_hierarchy_and_units_by_congress(app):
    _, _, body = get(app, "/theme/corruption")
    crumbs = text_of(re.search(r'<nav class="crumbs".*?</nav>', body, re.S).group())
    assert crumbs == "Home › Themes › Crime prevention › Corruption"
    assert "Corrupción" in body and 'lang=\'fr\'' in body
    groups = re.findall(r"<section class='group'><h3>(.*?)</h3>", body)
    assert [text_of(g) for g in groups] == ["Tenth Congress", "Eleventh Congress", "Thirteenth Congress"]
    assert body.index("/doc/doha-declaration-2015/para/5/d") < body.index("/doc/doha-declaration-2015/para/5/l")
    assert "matched <q>corruption</q>" in body
    _, _, top = get(app, "/theme/crime-prevention")
    assert "Narrower" in top and '<a href="/theme/cybercrime">' in top


def test_theme_tree_nests_narrower_under_broader(app):
    _, _, body = get(app, "/theme")
    tree = re.search(r"<ul class='tree root'>.*</ul>", body, re.S).group()
    top = tree.index('href="/theme/crime-prevention"')
    assert top < tree.index('href="/theme/corruption"') < tree.index('href="/theme/criminal-justice"')
    # counts include the narrower themes' units
    assert re.search(r'href="/theme/crime-prevention">Crime prevention</a><span class=\'count\' title=\'[^\']*\'>9<', tree)


def test_instrument_and_actor_pages_list_the_units_that_name_them(app):
    _, _, body = get(app, "/instrument/uncac")
    assert '<a href="/doc/doha-declaration-2015/para/5/d">' in body
    assert '<a href="/doc/bangkok-declaration-2005/para/4">' in body
    assert "Footnotes that identify it" in body
    _, _, listing = get(app, "/instrument")
    assert re.search(r"United Nations Convention against Corruption</a> <span class=count>UNCAC</span></td><td>2</td>",
                     listing)


def test_home_lists_documents_and_themes(app):
    _, _, body = get(app, "/")
    for slug in ("vienna-declaration-2000", "doha-declaration-2015", "kyoto-declaration-2021", "rpm-report-ap"):
        assert f'href="/doc/{slug}"' in body
    assert "<ul class='tree root'>" in body


# --- search --------------------------------------------------------------------------------------------------------

def test_search_ranks_and_highlights(app):
    _, _, body = get(app, "/search?q=legal+aid")
    hits = re.findall(r"<li><a href=\"(/doc/[^\"]+)\"", body)
    assert hits[0] == "/doc/doha-declaration-2015/para/5/c"
    assert "<mark>legal</mark> <mark>aid</mark>" in body


def test_search_finds_word_beginnings_and_inflections(app):
    _, _, body = get(app, "/search?q=corrupt&doc=doha-declaration-2015")
    assert "/doc/doha-declaration-2015/para/5/d" in body and "<mark>corruption</mark>" in body
    _, _, body = get(app, "/search?q=victim")
    assert "<mark>victims</mark>" in body


def test_search_phrase_and_filters(app):
    _, _, body = get(app, '/search?q="transnational+organized+crime"&doc=vienna-plans-of-action-2002')
    hits = re.findall(r"<li><a href=\"(/doc/[^\"]+)\"", body)
    assert hits and all(h.startswith("/doc/vienna-plans-of-action-2002/") for h in hits)
    _, _, body = get(app, "/search?q=justice&theme=gender-and-women")
    hits = re.findall(r"<li><a href=\"(/doc/[^\"]+)\"", body)
    assert sorted(hits) == ["/doc/doha-declaration-2015/para/5/f", "/doc/doha-declaration-2015/para/5/g"]


def test_search_with_nothing_found_says_so(app):
    _, _, body = get(app, "/search?q=zzzyzzx")
    assert "Nothing matches" in body


# --- the resolver, in process --------------------------------------------------------------------------------------

@pytest.mark.parametrize("cite, iri", [
    ("Doha Declaration, para. 5 (i)", DOHA + "/para/5/i"),
    ("doha declaration para 5(i)", DOHA + "/para/5/i"),
    ("Doha Declaration, paragraph 5, subparagraph (d)", None),
    ("A/RES/70/174, annex, para. 10(c)", DOHA + "/para/10/c"),
    ("General Assembly resolution 70/174, para 10 (c)", DOHA + "/para/10/c"),
    ("Kyoto Declaration paragraph 49", BASE + "doc/kyoto-declaration-2021/para/49"),
    ("Kyoto Declaration, preamble 2", BASE + "doc/kyoto-declaration-2021/preamble/2"),
    ("Doha Declaration, footnote 3", DOHA + "/footnote/3"),
    ("[AP 62(a)]", BASE + "doc/rpm-report-ap/para/62/a"),
    ("AP 62 (b)", BASE + "doc/rpm-report-ap/para/62/b"),
    ("Bangkok Declaration, para. 4", BASE + "doc/bangkok-declaration-2005/para/4"),
    ("Vienna plans of action, para. 35 (d) (ii)", BASE + "doc/vienna-plans-of-action-2002/para/35/d/ii"),
    ("para. 35 (d) (ii)", BASE + "doc/vienna-plans-of-action-2002/para/35/d/ii"),
    ("Vienna Declaration", BASE + "doc/vienna-declaration-2000"),
    ("Vienna Declaration, para. 16", BASE + "doc/vienna-declaration-2000/para/16"),
    (DOHA + "/para/5", DOHA + "/para/5"),
    ("doc/doha-declaration-2015/para/5", DOHA + "/para/5"),
])
def test_resolver_table(app, cite, iri):
    from crimecongress.serve.resolver import Resolved
    outcome = app.resolver.resolve(cite)
    if iri is None:
        assert not isinstance(outcome, Resolved)
    else:
        assert isinstance(outcome, Resolved), (cite, outcome)
        assert outcome.iri == iri


def test_resolver_candidates(app):
    from crimecongress.serve.resolver import Ambiguous
    outcome = app.resolver.resolve("Vienna, para. 5")
    assert isinstance(outcome, Ambiguous)
    assert [iri for iri, _ in outcome.candidates] == [BASE + "doc/vienna-declaration-2000/para/5",
                                                      BASE + "doc/vienna-plans-of-action-2002/para/5"]
    outcome = app.resolver.resolve("para. 1")
    assert isinstance(outcome, Ambiguous) and len(outcome.candidates) >= 4


def test_resolver_explains_a_miss_and_suggests_the_enclosing_paragraph(app):
    from crimecongress.serve.resolver import Unresolved
    outcome = app.resolver.resolve("Doha Declaration, para. 5 (z)")
    assert isinstance(outcome, Unresolved)
    assert outcome.message == "Doha Declaration (2015) has no paragraph 5 (z)."
    assert outcome.suggestions[0][0] == DOHA + "/para/5"


# --- negotiation and serialisers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, expected", [
    (None, "html"), ("*/*", "html"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"), ("application/n-triples", "nt"), ("application/rdf+xml", "rdf"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("text/turtle;q=0.9, application/ld+json", "jsonld"), ("text/*", "html"), ("application/*", "jsonld"),
    ("image/png", None), ("text/turtle;q=0", None), ("application/rdf+xml, text/turtle", "ttl"),
])
def test_accept_negotiation(accept, expected):
    from crimecongress.serve.negotiate import choose_resource_format
    assert choose_resource_format(accept) == expected


def test_descriptions_are_deterministic_and_agree_across_formats(app):
    iri = DOHA + "/para/5"
    triples = app.data.description(iri)
    for fmt in ("ttl", "jsonld", "nt", "rdf"):
        assert app.rdf(iri, fmt) == app.rdf(iri, fmt)
    nt = Graph().parse(data=app.rdf(iri, "nt"), format="nt")
    for fmt, name in (("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")):
        assert isomorphic(Graph().parse(data=app.rdf(iri, fmt), format=name), nt), fmt
    assert len(nt) == len(set(triples))
    # the description holds the paragraph and what is minted below it to describe it (source spans, tag
    # annotations with their targets and selectors), and the links up from its subparagraphs -- not their texts
    subjects = {str(s) for s in nt.subjects()}
    assert iri in subjects and iri + "/tag/theme/corruption" in subjects
    assert any(s.startswith(iri + "/source/") for s in subjects)
    assert (URIRef(iri + "/d"), URIRef("http://data.europa.eu/eli/ontology#is_part_of"), URIRef(iri)) in nt
    assert not list(nt.triples((URIRef(iri + "/d"), URIRef(UNCC + "text"), None)))
    assert all(s == iri or s.startswith(iri + "/tag/") or s.startswith(iri + "/source/")
               or s.startswith(iri + "/") and (URIRef(s), None, URIRef(iri)) in nt for s in subjects)
    # readable Turtle: prefixes, no escaped slashes
    turtle = app.rdf(iri, "ttl").decode()
    assert turtle.startswith("@prefix ") and "\\/" not in turtle and turtle.index(f"<{iri}>") < turtle.index(f"<{iri}/")


def test_jsonld_matches_the_published_compaction(app, fixture_build):
    """Our compactor follows crimecongress.export: a unit, its spans and its tags compact to the same nodes as in
    the published document file."""
    published = json.loads((fixture_build / "doc" / "doha-declaration-2015.jsonld").read_text())
    published_nodes = {n["id"]: n for n in published["@graph"]}
    ours = json.loads(app.rdf(DOHA + "/para/5/d", "jsonld"))
    assert len(ours["@graph"]) > 10
    for node in ours["@graph"]:
        assert node == published_nodes[node["id"]]


def test_object_only_iris_are_described_by_what_points_at_them(app):
    status, _, body = get(app, "/congress/13", accept="application/n-triples")
    assert status == 200
    graph = Graph().parse(data=body, format="nt")
    assert (URIRef(DOHA), URIRef(UNCC + "adoptedAt"), URIRef(BASE + "congress/13")) in graph


def test_another_base_iri_maps_onto_the_server_root(tmp_path):
    from crimecongress.serve.app import App
    from serve_fixture import make_fixture_build
    other = "http://example.org/cc/"
    build = make_fixture_build(tmp_path / "build", base=other)
    application = App(build, sparql=False)          # the base comes from the build's void:uriSpace
    try:
        assert application.base == other
        status, response, body = get(application, "/doc/doha-declaration-2015/para/5/d", accept="text/turtle")
        assert status == 200 and f"<{other}doc/doha-declaration-2015/para/5/d>" in body
        assert f'<{other}doc/doha-declaration-2015/para/5/d>; rel="canonical"' in response.header("Link")
        _, _, page = get(application, "/doc/doha-declaration-2015/para/5/d")
        assert 'href="/doc/doha-declaration-2015/para/5"' in page and "w3id.org" not in page
    finally:
        application.close()


# --- the static site -----------------------------------------------------------------------------------------------

def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_site_is_complete_deterministic_and_written_atomically(fixture_build, tmp_path):
    from crimecongress.serve.site import write_site
    out = tmp_path / "site"
    first = write_site(fixture_build, out)
    files = _digest(out)
    (out / "stale.txt").write_text("from an older site")
    second = write_site(fixture_build, out)
    assert _digest(out) == files                       # same bytes, and the stale file is gone
    assert first.files == second.files == len(files)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]   # no staging left behind
    para = out / "doc/doha-declaration-2015/para/5/d"
    for name in ("index.html", "index.ttl", "index.jsonld", "index.nt"):
        assert (para / name).stat().st_size > 0
    # the context inline, as the published context.jsonld holds it: the page's JSON-LD reads offline
    published = json.loads((out / "context.jsonld").read_text())["@context"]
    assert json.loads((para / "index.jsonld").read_text())["@context"] == published
    graph = Graph().parse(para / "index.ttl", format="turtle")
    assert (URIRef(DOHA + "/para/5/d"), URIRef(UNCC + "text"), None) in graph
    for name in ("index.html", "theme/index.html", "doc/index.html", "query/index.html", "_static/style.css",
                 "context.jsonld",
                 "dataset/dataset.nq", "dataset/void.ttl", "ontology/index.html", ".htaccess", "nginx.conf"):
        assert (out / name).is_file(), name
    page = (para / "index.html").read_text()
    assert 'href="/doc/doha-declaration-2015/para/5/d/index.ttl"' in page     # links a static host can follow
    assert 'role="search"' not in page                                         # no search without a server
    htaccess = (out / ".htaccess").read_text()
    assert "RewriteRule ^(.*)\\.(ttl|jsonld|nt)$ $1/index.$2 [END]" in htaccess
    assert "RewriteCond %{HTTP_ACCEPT} text/turtle" in htaccess and "Header merge Vary Accept" in htaccess
    nginx = (out / "nginx.conf").read_text()
    assert "map $http_accept $crimecongress_format" in nginx and "try_files $uri $stem/index.$ext =404;" in nginx


def test_site_command_line(fixture_build, tmp_path):
    import subprocess
    import sys
    from conftest import ROOT
    run = subprocess.run([sys.executable, "-m", "crimecongress", "site", "--build", str(fixture_build), "--out",
                          str(tmp_path / "out"), "--no-dumps", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    run = subprocess.run([sys.executable, "-m", "crimecongress", "site", "--build", str(tmp_path / "nothing")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("error: ") and "dataset.nq" in run.stderr


@pytest.mark.parametrize("path", [
    "/", "/doc", "/doc/doha-declaration-2015", "/doc/doha-declaration-2015/para/5/d", "/theme", "/theme/corruption",
    "/instrument", "/instrument/uncac", "/actor/ccpcj", "/ontology", "/dataset", "/search?q=legal+aid", "/query",
    "/resolve?cite=para.+5", "/resolve?cite=nothing+at+all", "/nothing", "/congress/13",
    "/doc/doha-declaration-2015/para/5/d/tag/theme/corruption", "/doc/kyoto-rpm-mapping/entry/1",
])
def test_pages_are_well_formed_html(app, path):
    import html5rdf
    _, _, body = get(app, path)
    html5rdf.HTMLParser(strict=True).parse(body)        # raises on the first parse error


def test_a_trailing_slash_redirects_to_the_iri(app):
    status, response, _ = get(app, "/doc/doha-declaration-2015/para/5/")
    assert status == 301 and response.header("Location") == "/doc/doha-declaration-2015/para/5"
