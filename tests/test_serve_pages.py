"""The pages, search, resolver and serialisers of `serve`, and the static site of `site`, on the fixture build
(the real build of the sources plus a hostile declaration: tests/serve_fixture.py), whatever the committed build
holds."""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from serve_fixture import HOSTILE, HOSTILE_PARAGRAPH, HOSTILE_SLUG

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


def words_of(fragment: str) -> str:
    """text_of, with no space before a comma (where a tag ended)."""
    return text_of(fragment).replace(" ,", ",")


# --- escaping ------------------------------------------------------------------------------------------------------

ESCAPED = html.escape(HOSTILE)
MARKUP = "<svg/onload=alert(1)>"           # refused in the data by shape:MarkupHtmlTag: sent in query strings


@pytest.mark.parametrize("path", [
    "/" + HOSTILE_PARAGRAPH,                      # the paragraph itself
    "/doc/" + HOSTILE_SLUG,                       # the document in reading order
    "/actor/ccpcj",                               # a page listing it
    "/search?q=onmouseover",                      # a search hit, highlighted
    "/doc/" + HOSTILE_SLUG + "/para/3",           # its neighbour's "previous" link label is not its text
])
def test_hostile_paragraph_text_shows_as_text(app, path):
    status, _, body = get(app, path)
    assert status == 200
    assert HOSTILE not in body and 'onmouseover="' not in body
    if path != "/doc/" + HOSTILE_SLUG + "/para/3":
        assert ESCAPED in body or "<mark>onmouseover</mark>=&quot;alert(1)&quot;" in body


@pytest.mark.parametrize("path", [
    "/search?" + urlencode({"q": MARKUP}),
    "/resolve?" + urlencode({"cite": MARKUP}),
    "/resolve?" + urlencode({"cite": MARKUP + ", para. 5"}),
    "/search?" + urlencode({"q": HOSTILE}),
    "/doc/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/search?" + urlencode({"q": '"><img src=x onerror=alert(1)>', "doc": '"><b>', "theme": "'><i>"}),
])
def test_query_strings_are_escaped(app, path):
    _, _, body = get(app, path)
    assert MARKUP not in body and HOSTILE not in body and 'onmouseover="' not in body
    assert "<img src=x" not in body and '"><b>' not in body and "'><i>" not in body


def test_sparql_results_page_escapes_values_and_the_query(fixture_server):
    query = f'SELECT ?x WHERE {{ BIND("{MARKUP}" AS ?x) }}'
    status, headers, body = fixture_server.get("/sparql?" + urlencode({"query": query}), accept="text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert MARKUP.encode() not in body
    assert html.escape(MARKUP).encode() in body
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
    assert re.search(r'<a href="/theme/corruption">Corruption</a> <span class=\'why\'>read in the word '
                     r"<q title='…y effort to prevent and counter \[corruption\], and to implement measures aime…'>"
                     r"corruption</q></span> <small class='small detail'>rule "
                     r"<code>theme.corruption.terms</code> · method match · confidence 0.85 · ", body)
    # a tag read in the chapeau that introduces it
    assert re.search(r'<a href="/theme/crime-prevention">Crime prevention</a> <span class=\'why\'>read in the words '
                     r"<q title='[^']*'>prevent and counter crime</q> in "
                     r'<a href="/doc/doha-declaration-2015/para/5">para. 5</a>, which introduces it', body)
    assert '<a href="/instrument/uncac">United Nations Convention against Corruption</a>' in body
    assert 'href="http://metadata.un.org/sdg/16.5"' in body
    assert "Substantially reduce corruption and bribery" in visible
    # lineage, footnotes, provenance, formats
    assert "Continues" in visible and '<a href="/doc/bangkok-declaration-2005/para/24">' in body
    assert "United Nations, Treaty Series, vol. 2349" in visible
    assert "000_db17beb4dd61dc1a.txt" in visible and re.search(
        r"Doha Declaration on Integrating Crime Prevention and Criminal Justice into the Wider United Nations Agenda"
        r".*, as printed in the UNODC booklet \(2015\): line \d+", visible)
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f'href="/doc/doha-declaration-2015/para/5/d{suffix}"' in body


def test_a_derived_tag_shows_the_words_of_the_tag_it_came_from(app):
    _, _, body = get(app, "/doc/doha-declaration-2015/para/5")
    assert re.search(r'<a href="/theme/international-cooperation">International cooperation and technical '
                     r"assistance</a> <span class='why'>read in the words "
                     r"<q title='…To intensify our national and \[international efforts\] to eliminate[^']*'>"
                     r"international efforts</q> in <a href=\"/doc/doha-declaration-2015/para/5/r\">\(r\)</a></span>"
                     r" <small class='small detail'>rule <code>theme.international-cooperation.field</code> · "
                     r"method subparagraphs · ", body)


def test_breadcrumbs_run_document_heading_paragraph(app):
    _, _, body = get(app, "/doc/vienna-plans-of-action-2002/para/35/d/ii")
    crumbs = text_of(re.search(r'<nav class="crumbs".*?</nav>', body, re.S).group())
    assert crumbs == ("Home › Vienna plans of action › ACTION AGAINST HIGH-TECHNOLOGY AND COMPUTER-RELATED CRIME › "
                      "National actions › para. 35 › (d) › (ii)")


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
    assert re.search(r'<h2 class="unit hl-1" id="heading-1">ACTION AGAINST TRANSNATIONAL ORGANIZED CRIME', plans)
    assert re.search(r'<h3 class="unit hl-2" id="heading-2">National actions', plans)
    assert 'class="unit para depth-2" id="para-35-d-ii"' in plans


def test_footnote_page_links_back_to_its_referrers(app):
    _, _, body = get(app, "/doc/doha-declaration-2015/footnote/3")
    assert "Referenced by" in body and '<a href="/doc/doha-declaration-2015/para/5/d">' in body
    assert '<a href="/instrument/uncac">' in body           # the instrument it identifies


# --- themes, instruments, actors, home -----------------------------------------------------------------------------

def test_theme_page_has_its_place_in_the_hierarchy_and_units_by_congress(app):
    _, _, body = get(app, "/theme/corruption")
    crumbs = text_of(re.search(r'<nav class="crumbs".*?</nav>', body, re.S).group())
    assert crumbs == "Home › Themes › International cooperation and technical assistance › Corruption"
    assert "Corrupción" in body and 'lang=\'fr\'' in body
    groups = [text_of(g) for g in re.findall(r"<section class='group'><h3>(.*?)</h3>", body)]
    congresses = [g.split()[0] for g in groups if re.match(r"\w+ United Nations Congress on ", g)]
    assert congresses == ["Tenth", "Eleventh", "Thirteenth", "Fourteenth"]      # in the order they met
    assert groups[-1] == "Other documents"      # the hostile declaration, adopted at no Congress
    assert body.index("/doc/doha-declaration-2015/para/5/d") < body.index("/doc/doha-declaration-2015/para/5/l")
    assert re.search(r"read in the word <q title='[^']*'>corruption</q>", body)
    _, _, top = get(app, "/theme/crime-prevention")
    assert "Narrower" in top and '<a href="/theme/children-and-juvenile-justice">' in top


def test_theme_tree_nests_narrower_under_broader(app):
    _, _, body = get(app, "/theme")
    tree = re.search(r"<ul class='tree root'>.*</ul>", body, re.S).group()
    def branch(slug: str) -> str:       # a top theme and the list of its narrower ones
        return re.search(rf'<li><a href="/theme/{slug}">.*?</ul></li>', tree, re.S).group()

    assert 'href="/theme/corruption"' in branch("international-cooperation")
    assert 'href="/theme/corruption"' not in branch("crime-prevention")
    # counts include the narrower themes' units
    counts = re.search(r'href="/theme/crime-prevention">Crime prevention</a><span class=\'count\' title=\'(\d+) units '
                       r"with this theme or a narrower one; (\d+) with this theme itself'>(\d+)<", tree)
    assert int(counts[1]) == int(counts[3]) > int(counts[2]) > 0


def test_instrument_and_actor_pages_list_the_units_that_name_them(app):
    _, _, body = get(app, "/instrument/uncac")
    assert '<a href="/doc/doha-declaration-2015/para/5/d">' in body
    assert '<a href="/doc/bangkok-declaration-2005/para/4">' in body
    assert "Footnotes that identify it" in body
    named = int(re.search(r"Named in (\d+) paragraphs", text_of(body))[1])
    _, _, listing = get(app, "/instrument")
    row = re.search(r"United Nations Convention against Corruption</a> <span class='count'>[^<]*UNCAC</span></td>"
                    r"<td>(\d+)</td><td>(\d+)</td>", listing)
    assert int(row[1]) == named > 1 and int(row[2]) >= 1      # the units naming it, the footnotes identifying it


def test_home_lists_documents_and_themes(app):
    _, _, body = get(app, "/")
    for slug in ("vienna-declaration-2000", "doha-declaration-2015", "kyoto-declaration-2021", "rpm-report-ap"):
        assert f'href="/doc/{slug}"' in body
    assert "<ul class='tree root'>" in body


# --- search --------------------------------------------------------------------------------------------------------

def test_search_ranks_and_highlights(app):
    _, _, body = get(app, "/search?q=legal+aid")
    hits = re.findall(r"<li><a href=\"(/doc/[^\"]+)\"", body)
    # three uses of "legal aid" in a short recommendation before one in Doha 5 (c)
    assert hits[:2] == ["/doc/rpm-report-a/para/45/g", "/doc/doha-declaration-2015/para/5/c"]
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
    _, _, body = get(app, "/search?q=justice&theme=gender-and-women&doc=doha-declaration-2015")
    hits = re.findall(r"<li><a href=\"(/doc/[^\"]+)\"", body)
    assert sorted(hits) == [f"/doc/doha-declaration-2015/para/5/{letter}" for letter in "fghin"]


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
    assert iri in subjects and iri + "/tag/theme/international-cooperation" in subjects     # derived from (r)
    assert any(s.startswith(iri + "/source/") for s in subjects)
    assert (URIRef(iri + "/d"), URIRef("http://data.europa.eu/eli/ontology#is_part_of"), URIRef(iri)) in nt
    assert not list(nt.triples((URIRef(iri + "/d"), URIRef(UNCC + "text"), None)))
    assert all(s == iri or s.startswith(iri + "/tag/") or s.startswith(iri + "/source/")
               or s.startswith(iri + "/") and (URIRef(s), None, URIRef(iri)) in nt for s in subjects)
    # readable Turtle: prefixes, no escaped slashes
    turtle = app.rdf(iri, "ttl").decode()
    assert turtle.startswith("@prefix ") and "\\/" not in turtle and turtle.index(f"<{iri}>") < turtle.index(f"<{iri}/")


def test_jsonld_matches_the_published_compaction(app, fixture_build):
    """Our compactor follows crimecongress.export: a unit, its spans and its tags (from its document, the lineage
    and the SDG links) compact to the same nodes as in the published whole-dataset JSON-LD."""
    published = json.loads(gzip.decompress((fixture_build / "dataset.jsonld.gz").read_bytes()))
    published_nodes = {n["id"]: n for n in published["@graph"]}
    ours = json.loads(app.rdf(DOHA + "/para/5/d", "jsonld"))
    assert len(ours["@graph"]) > 10
    for node in ours["@graph"]:
        assert node == published_nodes[node["id"]]


def test_object_only_iris_are_described_by_what_points_at_them(app):
    status, _, body = get(app, "/ontology/0.1.0", accept="application/n-triples")    # only the ontology's versionIRI
    assert status == 200
    graph = Graph().parse(data=body, format="nt")
    assert (URIRef(BASE + "ontology"), URIRef("http://www.w3.org/2002/07/owl#versionIRI"),
            URIRef(BASE + "ontology/0.1.0")) in graph


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
    www = first.web_root
    assert www == out / "www"
    para = www / "doc/doha-declaration-2015/para/5/d"
    for name in ("index.html", "index.ttl", "index.jsonld", "index.nt", "index.rdf"):
        assert (para / name).stat().st_size > 0
    # the context inline, as the published context.jsonld holds it: the page's JSON-LD reads offline
    published = json.loads((www / "context.jsonld").read_text())["@context"]
    assert json.loads((para / "index.jsonld").read_text())["@context"] == published
    graph = Graph().parse(para / "index.ttl", format="turtle")
    assert (URIRef(DOHA + "/para/5/d"), URIRef(UNCC + "text"), None) in graph
    assert (URIRef(DOHA + "/para/5/d"), URIRef(UNCC + "text"), None) in Graph().parse(para / "index.rdf",
                                                                                      format="xml")
    for name in ("index.html", "404.html", "theme/index.html", "doc/index.html", "query/index.html",
                 "_static/style.css", "context.jsonld", "robots.txt", "sitemap.xml", "favicon.ico", "favicon.svg",
                 "dataset/dataset.nq", "dataset/dataset.nq.gz", "dataset/void.ttl"):
        assert (www / name).is_file(), name
    # what only `serve` answers has no file: sub-resources, and /ontology (its alternates are ?format= addresses)
    assert not (para / "tag").exists() and not (www / "ontology" / "index.html").exists()
    # the configs sit beside the web root, never in it
    assert sorted(p.name for p in out.iterdir()) == ["apache.conf", "nginx.conf", "w3id", "www"]
    assert not [p for p in www.rglob("*") if p.name in (".htaccess", "nginx.conf", "apache.conf")]
    # what crawlers and browsers ask for, the same bytes as the server answers
    assert _sitemap_locs((www / "sitemap.xml").read_bytes()) >= {DOHA + "/para/5/d", BASE + "instrument/uncac"}
    assert "Sitemap: " + BASE + "sitemap.xml" in (www / "robots.txt").read_text()
    assert (www / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"
    page = (para / "index.html").read_text()
    assert '<link rel="icon" href="/favicon.svg"' in page
    assert 'href="/doc/doha-declaration-2015/para/5/d.ttl"' in page           # the addresses `serve` gives
    assert 'role="search"' in page                                            # search is there, upstream
    nginx = (out / "nginx.conf").read_text()
    assert "map $http_accept $crimecongress_format" in nginx and f"root {www};" in nginx
    assert "proxy_pass http://127.0.0.1:8080;" in nginx and "server_name localhost;" in nginx
    apache = (out / "apache.conf").read_text()
    assert "<VirtualHost *:80>" in apache and f'DocumentRoot "{www}"' in apache
    # nginx's own types {} block would replace mime.types: the configs only add to it, location by location
    for line in ("application/xml xml;", "image/x-icon ico;", "image/svg+xml svg;", "text/turtle ttl;"):
        assert line in nginx and f"AddType {line.split()[0]} .{line.split()[1][:-1]}" in apache
    w3id = (out / "w3id/crime-congress/.htaccess").read_text()
    assert "RewriteRule ^(.*)$ http://localhost/$1 [R=303,L]" in w3id


def test_site_parameters_and_refusals(fixture_build, tmp_path):
    from crimecongress.errors import CrimeCongressError
    from crimecongress.serve.site import write_site
    out = tmp_path / "deploy"
    write_site(fixture_build, out, dumps=False, public_url="https://cc.example.org", listen="127.0.0.1:8081",
               root=Path("/srv/crime-congress/www"), upstream="http://127.0.0.1:9000/",
               sparql_upstream="http://127.0.0.1:7878/query", maintainers=("A. Maintainer <a@example.org>",))
    nginx = (out / "nginx.conf").read_text()
    for line in ("listen 127.0.0.1:8081;", "server_name cc.example.org;", "root /srv/crime-congress/www;",
                 "proxy_pass http://127.0.0.1:9000;", "proxy_pass http://127.0.0.1:7878/query;"):
        assert line in nginx, line
    assert "RewriteRule ^/sparql$ http://127.0.0.1:7878/query [P,L,E=CC_PROXY:1]" in (out / "apache.conf").read_text()
    assert "- A. Maintainer <a@example.org>" in (out / "w3id/crime-congress/README.md").read_text()
    assert "https://cc.example.org/$1 [R=303,L]" in (out / "w3id/crime-congress/.htaccess").read_text()
    assert not (out / "www/dataset/dataset.nq").exists()
    # a folder it did not write is never emptied; bad parameters are refused before anything is written
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(CrimeCongressError, match="not written by `crimecongress site`"):
        write_site(fixture_build, other)
    assert (other / "notes.txt").read_text() == "keep me"
    for bad in ({"public_url": "https://cc.example.org/sub/"}, {"public_url": "ftp://x"},
                {"listen": "80; include /etc/passwd"}, {"upstream": "http://127.0.0.1:9000/path"},
                {"root": Path("relative/www")}, {"root": Path("/srv/a b")}):
        with pytest.raises(CrimeCongressError):
            write_site(fixture_build, tmp_path / "never", **bad)
        assert not (tmp_path / "never").exists()


def test_site_command_line(fixture_build, tmp_path):
    import subprocess
    import sys
    from conftest import ROOT
    run = subprocess.run([sys.executable, "-m", "crimecongress", "site", "--build", str(fixture_build), "--out",
                          str(tmp_path / "out"), "--no-dumps", "--quiet", "--public-url", "https://cc.example.org/",
                          "--listen", "8081", "--maintainer", "B. Maintainer"], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "www" / "index.html").is_file()
    assert "server_name cc.example.org;" in (tmp_path / "out" / "nginx.conf").read_text()
    run = subprocess.run([sys.executable, "-m", "crimecongress", "site", "--build", str(tmp_path / "nothing")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("error: ") and "dataset.nq" in run.stderr
    run = subprocess.run([sys.executable, "-m", "crimecongress", "site", "--build", str(fixture_build), "--out",
                          str(tmp_path / "bad"), "--public-url", "https://cc.example.org/sub/"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "--public-url" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "bad").exists()


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


# --- pages for people: evidence in words, instruments and actors --------------------------------------------------

DETAIL = re.compile(r"<small class='small detail'>.*?</small>", re.S)


def section(body: str, heading: str) -> str:
    """The HTML from an <h2> with this text to the next <h2>."""
    match = re.search(rf"<h2[^>]*>{heading}</h2>(.*?)(?=<h2|</main>)", body, re.S)
    assert match, heading
    return match.group(1)


@pytest.mark.parametrize("path", ["/doc/doha-declaration-2015/para/5/d", "/doc/doha-declaration-2015/para/5",
                                  "/doc/doha-declaration-2015/para/6"])
def test_evidence_reads_as_prose_and_keeps_machine_names_to_the_detail_line(app, path):
    d = app.data
    unit = BASE + path[1:]
    _, _, body = get(app, path)
    evidence = [ev for p in d.tag_predicates.values() for v in d.values(unit, p) if isinstance(v, str)
                for ev in d.evidence(unit, v)]
    rules = {ev.rule for ev in evidence if ev.rule}
    assert evidence and rules
    tags, read = section(body, "What it is about"), section(body, "Where it was read")
    details = "".join(DETAIL.findall(tags + read))
    prose = DETAIL.sub("", tags + read)
    machine = rules | {"/tag/", "db17beb4dd61dc1a", "confidence", "method"}
    for name in machine:
        assert name not in prose, name            # not in the text a reader reads...
    assert all(rule in details for rule in rules) and "/tag/" in details and "db17beb4dd61dc1a" in details
    assert "read in the word" in text_of(prose)   # ...which says why in words
    assert re.search(r"Doha Declaration on Integrating .*, as printed in the UNODC booklet \(2015\): lines? \d",
                     words_of(prose))


def test_a_tag_derived_through_the_crosswalk_names_what_serves_the_target(app):
    """An SDG tag derived from an instrument tag and a theme tag (the shape the SDG linker publishes) reads as
    "names the Convention and is about Corruption, which serve target 16.5"; the crosswalk only in the detail."""
    from crimecongress.serve.data import Evidence, Origin, Quote
    unit = DOHA + "/para/5/d"
    origins = (Origin(unit + "/tag/instrument/uncac", unit, BASE + "instrument/uncac"),
               Origin(unit + "/tag/theme/corruption", unit, BASE + "theme/corruption"))
    evidence = [Evidence(unit + "/tag/sdg/16-5", (Quote("corruption", "prevent and counter ", ", and"),), "0.96",
                         None, "sdg.16-5.corruption", "words and crosswalk", tuple(o.annotation for o in origins),
                         origins)]
    html_text = app.pages.why(evidence, "http://metadata.un.org/sdg/16.5")
    prose = words_of(DETAIL.sub("", html_text))
    assert prose == ("names the United Nations Convention against Corruption and is about Corruption, which serve "
                     "target 16.5 · read in the word corruption")
    assert "sdg.16-5.corruption" in DETAIL.search(html_text).group()
    one = app.pages.why([Evidence(unit + "/tag/sdg/16-5", (), None, None, "r", "words and crosswalk",
                                  (origins[0].annotation,), origins[:1])], "http://metadata.un.org/sdg/16.5")
    assert words_of(DETAIL.sub("", one)) == ("names the United Nations Convention against Corruption, which serves "
                                             "target 16.5")


def test_instrument_page_is_written_for_people(app):
    _, _, body = get(app, "/instrument/uncac")
    assert "<h1>United Nations Convention against Corruption</h1>" in body
    facts = text_of(re.search(r"<dl class='meta'>.*?</dl>", body, re.S).group())
    assert "Abbreviation UNCAC" in facts and "What it is Treaty" in facts
    # grouped by document, the newest Congress first, each paragraph a link with its document and number
    groups = re.findall(r"<section class='doc-group'><h3>(.*?)</h3>(.*?)</section>", body, re.S)
    assert [text_of(g).split(" ")[0] for g, _ in groups[:5]] == ["Kyoto", "Report", "Doha", "Bangkok", "Plans"]
    assert text_of(groups[1][0]).startswith("Report of the Fourteenth United Nations Congress")
    paragraphs = {a for _, listed in groups for a in re.findall(r'<a href="(/doc/[^"]+/[^"]+)">', listed)}
    assert f"<h2 id='named-in'>Named in {len(paragraphs)} paragraphs of {len(groups)} documents</h2>" in body
    assert '<a href="/doc/doha-declaration-2015/para/5/d">Doha Declaration, para. 5 (d)</a>' in body
    assert '<a href="/doc/bangkok-declaration-2005/para/4">Bangkok Declaration, para. 4</a>' in body
    assert "<mark>United Nations Convention against Corruption</mark>" in body      # the snippet shows where
    # every statement is still there, folded away
    statements = re.search(r"<details class='statements'>(.*?)</details>", body, re.S).group(1)
    assert "<summary>All statements</summary>" in statements and "<table class='props'>" in statements
    assert "<table class='props'>" not in body.replace(statements, "")


def test_actor_page_is_written_for_people(app):
    _, _, body = get(app, "/actor/ccpcj")
    assert "<h1>Commission on Crime Prevention and Criminal Justice</h1>" in body
    groups = re.findall(r"<section class='doc-group'><h3>(.*?)</h3>(.*?)</section>", body, re.S)
    paragraphs = {a for _, listed in groups for a in re.findall(r'<a href="(/doc/[^"]+/[^"]+)">', listed)}
    assert f"Named in {len(paragraphs)} paragraphs of {len(groups)} documents" in body and len(groups) > 1
    assert re.search(r"<section class='doc-group'><h3><a href=\"/doc/kyoto-declaration-2021\">", body)
    assert '<a href="/doc/kyoto-declaration-2021/para/11">Kyoto Declaration, para. 11</a>' in body
    assert f'<a href="/{HOSTILE_PARAGRAPH}">Hostile Declaration on Markup in Texts, para. 2</a>' in body
    _, _, nobody = get(app, "/actor/conference-of-the-states-parties-uncac")    # named by no paragraph
    assert "Named in 0 paragraphs of 0 documents" in nobody


# --- what browsers, crawlers and dataset search engines ask for ---------------------------------------------------

def _sitemap_locs(data: bytes) -> set[str]:
    from xml.etree import ElementTree
    root = ElementTree.fromstring(data)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(set(locs)) == len(list(root)) <= 50_000
    return set(locs)


def test_favicon_robots_and_sitemap_over_http(fixture_server):
    status, headers, ico = fixture_server.get("/favicon.ico")
    assert status == 200 and headers["content-type"] == "image/x-icon"
    assert ico[:6] == b"\0\0\1\0\1\0" and len(ico) == int.from_bytes(ico[14:18], "little") + 22
    status, headers, svg = fixture_server.get("/favicon.svg")
    assert status == 200 and headers["content-type"] == "image/svg+xml" and svg.startswith(b"<svg ")
    status, headers, robots = fixture_server.get("/robots.txt")
    assert status == 200 and headers["content-type"] == "text/plain; charset=utf-8"
    lines = robots.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /sparql" in lines and "Allow: /" in lines
    assert "Sitemap: " + BASE + "sitemap.xml" in lines
    status, headers, sitemap = fixture_server.get("/sitemap.xml")
    assert status == 200 and headers["content-type"] == "application/xml"
    locs = _sitemap_locs(sitemap)
    for iri in (DOHA + "/para/5/d", DOHA, BASE + "theme/corruption", BASE + "instrument/uncac",
                BASE + "actor/ccpcj", BASE + "dataset", BASE):
        assert iri in locs, iri
    assert all(loc.startswith(BASE) and "/tag/" not in loc and "#" not in loc for loc in locs)


def test_a_large_sitemap_becomes_an_index(app):
    from xml.etree import ElementTree
    from crimecongress.serve import discovery
    files = discovery.sitemap_files(app.data, per_file=40)
    index = ElementTree.fromstring(files.pop("sitemap.xml"))
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    children = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert children == [BASE + name for name in files] and len(children) > 2
    seen = [loc for name in files for loc in sorted(_sitemap_locs(files[name]))]
    assert all(len(_sitemap_locs(data)) <= 40 for data in files.values())
    assert sorted(seen) == sorted(discovery.page_iris(app.data))


@pytest.mark.parametrize("path", ["/", "/doc/doha-declaration-2015/para/5/d", "/instrument/uncac", "/dataset",
                                  "/query", "/search?q=aid", "/nothing", "/theme"])
def test_every_page_links_the_icon(app, path):
    _, _, body = get(app, path)
    head = body.split("</head>", 1)[0]
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in head


def _schema_markup(body: str) -> tuple[str, dict]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert len(scripts) == 1
    return scripts[0], json.loads(scripts[0])


RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_dataset_page_carries_schema_org_dataset_markup(app):
    from pyld import jsonld
    _, _, body = get(app, "/dataset")
    raw, markup = _schema_markup(body)
    assert "</" not in raw and "<" not in raw
    quads = jsonld.to_rdf(markup, {"format": "application/n-quads"})
    graph = Graph().parse(data=quads, format="nt")
    schema = "https://schema.org/"
    dataset = URIRef(BASE + "dataset")
    assert (dataset, RDF_TYPE, URIRef(schema + "Dataset")) in graph
    title = app.data.text(BASE + "dataset", "http://purl.org/dc/terms/title")
    assert title and str(graph.value(dataset, URIRef(schema + "name"))) == title
    assert graph.value(dataset, URIRef(schema + "license")) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert re.fullmatch(r"\d{4}(-\d\d-\d\d)?/\d{4}(-\d\d-\d\d)?",
                        str(graph.value(dataset, URIRef(schema + "temporalCoverage"))))
    assert graph.value(dataset, URIRef(schema + "version")) is not None
    assert str(graph.value(dataset, URIRef(schema + "isAccessibleForFree"))).lower() == "true"
    downloads = list(graph.objects(dataset, URIRef(schema + "distribution")))
    assert len(downloads) >= 4
    urls = set()
    for item in downloads:
        assert (item, RDF_TYPE, URIRef(schema + "DataDownload")) in graph
        urls.add(str(graph.value(item, URIRef(schema + "contentUrl"))))
        assert graph.value(item, URIRef(schema + "encodingFormat")) is not None
        assert re.fullmatch(r"[\d.]+ (B|kB|MB|GB)", str(graph.value(item, URIRef(schema + "contentSize"))))
    assert BASE + "dataset/dataset.ttl" in urls
    action = graph.value(dataset, URIRef(schema + "potentialAction"))
    target = graph.value(action, URIRef(schema + "target"))
    assert str(graph.value(target, URIRef(schema + "urlTemplate"))).startswith(BASE + "sparql?query=")


def test_schema_org_markup_falls_back_when_the_description_is_thin(app):
    """Another build's description may lack most properties: what is missing is left out or taken from the data."""
    import copy
    from crimecongress.serve import discovery
    from crimecongress.serve.rdf import RDF_TYPE
    thin = copy.copy(app.data)
    iri = BASE + "dataset"
    thin.out = {**app.data.out, iri: [(p, o) for p, o in app.data.out[iri]
                                      if p in (RDF_TYPE, "http://purl.org/dc/terms/title")]}
    node = discovery.schema_dataset(thin, iri)
    # the documents' years: the Statement of principles (1991) to the hostile declaration (2026)
    assert node["temporalCoverage"] == "1991/2026"
    assert node["keywords"] == ["Crime prevention", "Criminal justice",
                                "International cooperation and technical assistance", "Rule of law"]
    assert "distribution" not in node and "license" not in node and node["isAccessibleForFree"] is False
    assert node["name"] == app.data.text(iri, "http://purl.org/dc/terms/title")


def test_json_in_a_script_element_cannot_end_it():
    from crimecongress.serve import discovery
    value = {"name": "</script><script>alert(1)</script><!-- & more"}
    text = discovery.script_json(value)
    assert "</" not in text and "<!--" not in text and json.loads(text) == value


DCAT_AP = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{base}dataset> dcterms:publisher <{base}dataset/publisher> ; dcat:keyword "rule of law"@en, "état de droit"@fr ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/ENG> ;
    dcterms:temporal <{base}dataset/temporal> ; dcterms:issued "2026-11-23"^^xsd:date ;
    dcterms:modified "2026-12-07"^^xsd:date ; dcat:version "9.9.9" ;
    dcterms:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> .
<{base}dataset/publisher> a foaf:Agent ; foaf:name "The </script> project"@en ; foaf:homepage <{base}> .
<{base}dataset/temporal> a dcterms:PeriodOfTime ; dcat:startDate "1991-01-01"^^xsd:date ;
    dcat:endDate "2021-03-12"^^xsd:date .
<{base}dataset/dataset.ttl> dcat:mediaType <http://www.iana.org/assignments/media-types/text/turtle> ;
    dcterms:title "The whole dataset in Turtle"@en .
"""


def test_schema_org_markup_reads_a_dcat_ap_description(fixture_build, tmp_path):
    """The richer DCAT-AP description (publisher, keywords, period, EU language and IANA media type IRIs) comes
    through as schema.org values; a '</script>' in a value cannot end the script element."""
    import shutil
    from crimecongress.serve.app import App
    build = tmp_path / "build"
    shutil.copytree(fixture_build, build)
    with (build / "void.ttl").open("a", encoding="utf-8") as void:
        void.write(DCAT_AP.replace("{base}", BASE))
    application = App(build, sparql=False)
    try:
        _, _, body = get(application, "/dataset")
    finally:
        application.close()
    raw, node = _schema_markup(body)
    publishers = node["publisher"] if isinstance(node["publisher"], list) else [node["publisher"]]
    ours = next(p for p in publishers if p["@id"] == BASE + "dataset/publisher")
    assert "</script>" not in raw and ours == {"@type": "Organization", "@id": BASE + "dataset/publisher",
                                               "name": "The </script> project", "url": BASE}
    assert "rule of law" in node["keywords"] and "état de droit" not in node["keywords"]     # English ones
    assert node["inLanguage"] == "en" and re.fullmatch(r"1991-01-01/20\d\d-\d\d-\d\d", node["temporalCoverage"])
    assert node["version"] and node["dateModified"] == "2026-12-07" and node["isAccessibleForFree"] is True
    turtle = next(x for x in node["distribution"] if x["contentUrl"] == BASE + "dataset/dataset.ttl")
    assert turtle["encodingFormat"] == "text/turtle" and turtle["name"] == "The whole dataset in Turtle"
    downloads = section(body, "Downloads")
    assert "<td>text/turtle</td>" in downloads and "iana.org" not in downloads
    rows = re.findall(r"<tr><td>.*?</tr>", downloads)
    assert rows and all(re.search(r"<td class='mono'>[0-9a-f]{64}</td>", row) for row in rows[:4])   # SHA-256


@pytest.mark.parametrize("path", ["/", "/doc/doha-declaration-2015", "/doc/doha-declaration-2015/para/5/d",
                                  "/instrument", "/instrument/uncac", "/actor", "/theme", "/dataset", "/query"])
def test_pages_carry_no_inline_style_that_the_policy_would_block(app, path):
    # the Content-Security-Policy allows styles from 'self' only: a style attribute would be dropped
    status, _, page = get(app, path)
    assert status == 200 and " style=" not in page, path


def test_the_instrument_list_lists_instruments_not_the_records_below_them():
    # the real build: its crosswalk records are minted below the instruments (instrument/cites/sdg/15-7)
    from crimecongress.serve.app import App
    from serve_support import BUILD, real_build_available
    if not real_build_available():
        pytest.skip("no build: run `make build`")
    real = App(BUILD, sparql=False)
    _, _, page = get(real, "/instrument")
    real.close()
    links = re.findall(r"href=['\"]([^'\"]+)['\"]", page)
    listed = [link for link in links if "/instrument/" in link]
    assert any(link.endswith("/instrument/uncac") for link in listed)
    assert not [link for link in listed if "/sdg/" in link]
