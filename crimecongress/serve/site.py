"""`crimecongress site`: the same pages and RDF as `serve`, written out as a static site.

Layout: one folder per IRI path ({base}doc/x/para/5 -> doc/x/para/5/) holding index.html, index.ttl,
index.jsonld (its @context is the published context's URL, {base}context.jsonld) and index.nt; the home
page, the lists and the query page; context.jsonld; the build's files under dataset/ (the dump IRIs of the
VoID description); the stylesheet and script under _static/; and the rewrite rules a static host needs for
content negotiation: .htaccess (Apache) and nginx.conf (nginx). Sub-resources (tag evidence, source spans...)
get no folder: the rewrite rules answer them with 303 to the resource they describe.

Deterministic (same build, same bytes) and atomic: everything is written into a sibling temporary folder,
which then replaces the old site in one rename.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..fileio import write_tree_atomically
from . import assets
from .app import App
from .data import SUB_RESOURCES
from .negotiate import RESOURCE_FORMATS

RDF_NAMES = ("ttl", "jsonld", "nt")      # RDF/XML only from the server: it would add a quarter to the site
SAFE_PATH = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/-]*$")
RESERVED = {"sparql", "query", "search", "resolve", "_static"}   # the server's own routes
# Sub-resources (data.SUB_RESOURCES: tag evidence with its target and selector, source spans, lineage
# alignments, manifestations, SDG mapping records) are described in the RDF and page of the resource they are
# minted below. The static site gives them no folder of their own (they are four fifths of all IRIs); its
# rewrite rules answer them with 303 to that resource.
_SUB = re.compile(r"^(.+?)/(?:" + "|".join(SUB_RESOURCES) + r")/")
TOP_LEVEL = ("dataset.ttl", "dataset.nt.gz", "dataset.jsonld", "dataset.nq", "void.ttl", "ontology.ttl",
             "taxonomy.ttl", "authorities.ttl", "MANIFEST.sha256")


@dataclass(frozen=True)
class SiteResult:
    out_dir: Path
    resources: int
    files: int
    seconds: float


def site_files(app: App, *, dumps: bool = True):
    """Yield (relative path, bytes) for every file of the site, in a fixed order."""
    pages = app.pages
    data = app.data
    yield "index.html", pages.home()
    yield "_static/style.css", assets.CSS.encode("utf-8")
    yield "_static/query.js", assets.QUERY_JS.encode("utf-8")
    yield "query/index.html", pages.query_page()
    yield "doc/index.html", pages.documents_page()
    for name in ("instrument", "actor"):
        if not data.knows(app.base + name):
            yield f"{name}/index.html", pages.authority_list(name, None, [])
    if not data.knows(data.minter.theme_scheme()):
        yield "theme/index.html", pages.theme_scheme(None, [])
    downloads = {path[1:] for path in app.downloads}
    for iri in resources(app):
        path = iri[len(app.base):]
        alternates = app.alternates("/" + path)
        if path in ("instrument", "actor"):
            html = pages.authority_list(path, iri, alternates)
        elif path == "theme":
            html = pages.theme_scheme(iri, alternates)
        else:
            html = pages.resource(iri, alternates)
        yield f"{path}/index.html", html
        for fmt in RDF_NAMES:
            yield f"{path}/index.{fmt}", app.rdf(iri, fmt)
    if "/context.jsonld" in app.downloads:       # the @context of every index.jsonld
        yield "context.jsonld", app.downloads["/context.jsonld"].read_bytes()
    if dumps:
        for url_path in sorted(p for p in downloads if p.startswith("dataset/")):
            yield url_path, app.downloads["/" + url_path].read_bytes()
    yield ".htaccess", htaccess(app).encode("utf-8")
    yield "nginx.conf", nginx(app).encode("utf-8")


def resources(app: App) -> list[str]:
    """Every IRI under the base that the data mentions (as subject or object), except hash IRIs (part of
    their document's page), the base itself (the home page), IRIs whose path is a downloadable file, and the
    sub-resources of units (SUB_RESOURCES)."""
    base = app.base
    downloads = {path[1:] for path in app.downloads}
    found = set()
    for iri in list(app.data.subjects) + [o for o in app.data.inc if isinstance(o, str)]:
        if not iri.startswith(base) or "#" in iri or iri == base:
            continue
        path = iri[len(base):]
        if path in downloads or path.split("/", 1)[0] in RESERVED or path.endswith("/") or _SUB.match(path) or \
                not SAFE_PATH.match(path) or \
                any(seg in ("", ".", "..") for seg in path.split("/")):
            continue
        found.add(iri)
    return sorted(found)


def write_site(build_dir: Path, out_dir: Path, *, base: str | None = None, dumps: bool = True,
               progress: Callable[[str], None] | None = None) -> SiteResult:
    started = time.perf_counter()
    app = App(Path(build_dir), base=base, sparql=False, cache_bytes=1 << 20,
              endpoint=None)
    app.pages.endpoint = app.base + "sparql"
    app.pages.live = False
    app.static_links = True
    app.context_ref = app.base + "context.jsonld"     # served at the top level (and under dataset/)
    out_dir = Path(out_dir).resolve()
    count = write_tree_atomically(out_dir, site_files(app, dumps=dumps), what="site", progress=progress)
    return SiteResult(out_dir, len(resources(app)), count, time.perf_counter() - started)


# --- rewrite rules -------------------------------------------------------------------------------------------------

def _top_level_pattern(app: App) -> str:
    names = [n for n in TOP_LEVEL if f"/{n}" in app.downloads]
    return "|".join(re.escape(n) for n in names) or "(?!)"


def htaccess(app: App) -> str:
    accept = [("ttl", r"text/turtle"), ("jsonld", r"application/(ld\+)?json"), ("nt", r"application/n-triples")]
    rules = "".join(f"""RewriteCond %{{HTTP_ACCEPT}} !text/html
RewriteCond %{{HTTP_ACCEPT}} {pattern}
RewriteCond %{{REQUEST_FILENAME}}/index.{ext} -f
RewriteRule ^(.*?)/?$ $1/index.{ext} [END]
""" for ext, pattern in accept)
    types = "".join(f"AddType {media}{';charset=utf-8' if media.startswith('text/') else ''} {suffix}\n"
                    for name, (media, suffix) in RESOURCE_FORMATS.items() if name == "html" or name in RDF_NAMES)
    return f"""# Generated by `crimecongress site`: content negotiation for the static copy of {app.base}
# Apache 2.4 with mod_rewrite, mod_mime and mod_headers; this folder is the document root of the host the
# base IRI redirects to. A browser (Accept: text/html) gets index.html; an RDF client gets the format it asks
# for (Turtle, JSON-LD or N-Triples; RDF/XML only from `crimecongress serve`); a suffix (.ttl .jsonld .nt)
# picks one explicitly.
Options -MultiViews -Indexes
DirectorySlash Off
DirectoryIndex index.html
{types}AddType application/n-quads .nq
AddType text/plain;charset=utf-8 .sha256
AddType text/css;charset=utf-8 .css
AddType text/javascript;charset=utf-8 .js

RewriteEngine On
RewriteBase /

# the dumps also answer at the top level: /dataset.ttl -> /dataset/dataset.ttl
RewriteRule ^({_top_level_pattern(app)})$ dataset/$1 [END]

# sub-resources (tag evidence, source spans, lineage alignments, manifestations, SDG mappings) are described
# by what they are minted below: /doc/x/para/5/tag/theme/corruption -> 303 /doc/x/para/5 (a suffix is kept)
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteRule ^(.+?)/(?:{"|".join(SUB_RESOURCES)})/.+?(\\.(?:ttl|jsonld|nt))?$ /$1$2 [R=303,L]

# a suffix picks the representation: /doc/x/para/5.ttl -> /doc/x/para/5/index.ttl
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteRule ^(.*)\\.(ttl|jsonld|nt)$ $1/index.$2 [END]

# otherwise the Accept header does
{rules}RewriteCond %{{REQUEST_FILENAME}}/index.html -f
RewriteRule ^(.*?)/?$ $1/index.html [END]

<IfModule mod_headers.c>
Header merge Vary Accept
Header set Access-Control-Allow-Origin "*"
</IfModule>
ErrorDocument 404 "404 Not found: no resource has this identifier."
"""


def nginx(app: App) -> str:
    types = "".join(f"        {media} {suffix[1:]};\n" for name, (media, suffix) in RESOURCE_FORMATS.items()
                    if name == "html" or name in RDF_NAMES)
    return f"""# Generated by `crimecongress site`: content negotiation for the static copy of {app.base}
# Include this file in the http {{}} block of nginx.conf and set `root` to this folder. A browser
# (Accept: text/html) gets index.html; an RDF client gets the format it asks for (Turtle, JSON-LD or
# N-Triples); a suffix (.ttl .jsonld .nt) picks one explicitly.
map $http_accept $crimecongress_format {{
    default                      html;
    "~*text/html"                html;
    "~*text/turtle"              ttl;
    "~*application/ld\\+json"     jsonld;
    "~*application/json"         jsonld;
    "~*application/n-triples"    nt;
}}

server {{
    listen 8080;
    root /srv/crimecongress/site;           # this folder
    charset utf-8;
    charset_types text/turtle text/plain text/css text/javascript;
    types {{
{types}        application/n-quads nq;
        text/plain sha256;
        text/css css;
        text/javascript js;
    }}
    default_type application/octet-stream;
    add_header Vary Accept always;
    add_header Access-Control-Allow-Origin * always;

    # the dumps also answer at the top level: /dataset.ttl -> /dataset/dataset.ttl
    location ~ ^/({_top_level_pattern(app)})$ {{
        try_files /dataset/$1 =404;
    }}
    # sub-resources (tag evidence, source spans, lineage alignments, manifestations, SDG mappings) are
    # described by what they are minted below: /doc/x/para/5/tag/theme/corruption -> 303 /doc/x/para/5
    location ~ ^(?<unit>/.+?)/(?:{"|".join(SUB_RESOURCES)})/.+?(?<suffix>\\.(?:ttl|jsonld|nt))?$ {{
        return 303 $unit$suffix;
    }}
    # a suffix picks the representation: /doc/x/para/5.ttl -> /doc/x/para/5/index.ttl
    location ~ ^(?<stem>/.+)\\.(?<ext>ttl|jsonld|nt)$ {{
        try_files $uri $stem/index.$ext =404;
    }}
    location = / {{
        try_files /index.$crimecongress_format /index.html =404;
    }}
    # otherwise the Accept header does
    location / {{
        try_files $uri/index.$crimecongress_format $uri/index.html $uri =404;
    }}
}}
"""
