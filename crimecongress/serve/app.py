"""The application: one request in, one response out. No sockets here (see server.py), so the static site
writer and the tests can call it directly.

Routes, in order:
  /                      home: documents and the theme tree
  /_static/*             the stylesheet and the query page's script
  /favicon.ico /favicon.svg /robots.txt /sitemap.xml (and /sitemap-N.xml past 50,000 pages): see discovery.py
  /assets/vendor/*       YASGUI's script and stylesheet (when fetched by `make setup`), versioned: cached a year
  /sparql                SPARQL 1.1 Protocol (GET, POST form, POST direct), read-only
  /query                 the query page with the example queries from queries/*.rq
  /search?q=             full-text search over the units' texts
  /resolve?cite=         citation -> 303 to the IRI, 300 with candidates, or 404 with the reason
  /doc /theme /instrument /actor    lists (and the IRIs of that name, if the data has them)
  download files         /dataset/{file} for every file of build/ (the VoID dump IRIs), and the top-level
                         files at /{file} (/dataset.ttl, /dataset.nq, /void.ttl, /context.jsonld, ...)
  anything else          an IRI of the dataset: {base}{path} <-> /{path}, negotiated by Accept or by a suffix
                         (.ttl .jsonld .nt .rdf) or by ?format=
"""
from __future__ import annotations

import gc
import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from .. import collector, dumps
from ..errors import InputError
from . import assets, discovery
from .data import BuildInfo, Dataset
from .negotiate import ALIASES, RESOURCE_FORMATS, choose, choose_resource_format, split_suffix
from .pages import Example, Pages, compile_templates
from ..export import serialise
from .rdf import Blank, Lit, ox_triples
from .resolver import Ambiguous, Resolved, Resolver
from .search import SearchIndex
from ..sparqltext import is_update, service_refusal
from .sparql import QueryPool

ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = ROOT / "queries"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
DOWNLOAD_TYPES = {".ttl": "text/turtle; charset=utf-8", ".nt": "application/n-triples",
                  ".nq": "application/n-quads", ".jsonld": "application/ld+json", ".sha256": TEXT,
                  ".rdf": "application/rdf+xml", ".trig": "application/trig", ".txt": TEXT, ".json": "application/json",
                  ".html": HTML, ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
                  ".md": "text/markdown; charset=utf-8", ".gz": "application/gzip"}
SECURITY_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")]
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
LIST_PAGES = ("doc", "theme", "instrument", "actor")
# the service description's formats, Turtle first: a client that names none (or */*) reads Turtle, a browser HTML
XSD = "http://www.w3.org/2001/XMLSchema#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SERVICE_DESCRIPTION_FORMATS = [(name, RESOURCE_FORMATS[name][0]) for name in ("ttl", "rdf", "jsonld", "nt", "html")]
# what a script on another site may read of an answer (CORS exposes only a few headers unless told)
EXPOSED_HEADERS = "X-SPARQL-MaxRows, Link, Content-Location, ETag, Retry-After"


@dataclass
class Request:
    method: str
    target: str                                    # the request target as sent: path and query string
    headers: dict[str, str] = field(default_factory=dict)   # names in lower case
    body: bytes = b""
    client: str = ""                               # who asks (the peer address): SPARQL is shared fairly by it
    gone: Callable[[], bool] | None = None         # true once the client has hung up (its query is then stopped)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class SizedCache:
    """A thread-safe LRU bounded by the total size of what it holds (bytes, as the caller counts them); an item
    larger than a quarter of the budget is never kept."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self._items: "OrderedDict[object, tuple[object, int]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value, size: int) -> None:
        if size > self.budget // 4:
            return
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self.used += size
                while self.used > self.budget and self._items:
                    _, (_, old) = self._items.popitem(last=False)
                    self.used -= old


class ByteCache(SizedCache):
    """Rendered bodies with their ETags, bounded by the bodies' total size."""

    def put(self, key, body: bytes) -> tuple[bytes, str]:
        etag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        super().put(key, (body, etag), len(body))
        return body, etag


def load_examples(folder: Path) -> list[Example]:
    """Every queries/*.rq file: its leading `#` lines are its title (the first) and description (the rest)."""
    examples = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            if line.startswith("#"):
                comments.append(line.lstrip("#").strip())
            elif line.strip():
                break
        title = comments[0] if comments else path.stem.replace("-", " ").capitalize()
        examples.append(Example(path.stem, title, " ".join(c for c in comments[1:] if c), text))
    return examples


@dataclass(frozen=True)
class Site:
    """What the pages are made from: the dataset's indexes, the search index over them, the pages and the
    build's files."""

    data: Dataset
    search_index: SearchIndex
    pages: Pages
    downloads: dict[str, Path]


class App:
    """With `background`, the pages' indexes load in a thread of their own once the SPARQL workers are ready (they
    need only the BuildInfo, and have the cores to themselves meanwhile), or at once when a request needs the
    pages: it waits until they are there. `pool` is a QueryPool started already (by the server, before this
    module's imports)."""

    def __init__(self, build_dir: Path, *, base: str | None = None, query_timeout: float = 10.0,
                 max_results: int = 10000, workers: int = 2, max_body: int = 1 << 20,
                 queries_dir: Path = QUERIES_DIR, cache_bytes: int = 256 << 20, query_cache_bytes: int = 64 << 20,
                 mount: str = "/", sparql: bool = True, endpoint: str | None = None,
                 worker_memory_mb: int | None = 2048, max_workers: int | None = None, per_client: int = 2,
                 federation: frozenset[str] = frozenset(), info: BuildInfo | None = None,
                 pool: QueryPool | None = None, background: bool = False):
        self.build_dir = Path(build_dir)
        self.info = info or BuildInfo.read(self.build_dir, base)
        self.base = self.info.base
        self.mount = mount
        self.max_body = max_body
        self.endpoint = endpoint
        self.examples = load_examples(Path(queries_dir))
        self.cache = ByteCache(cache_bytes)
        self.query_cache = SizedCache(query_cache_bytes)
        self.federation = frozenset(federation)   # SERVICE endpoints the operator allows (none: federation off)
        self.static_links = False       # True when writing the static site: link to the files themselves
        self._site: Site | None = None
        self.failure: BaseException | None = None     # why the pages could not be loaded
        self._loaded = threading.Event()
        self._wanted = threading.Event()              # a request waits for the pages: load them now
        self._workers_ready = threading.Event()
        self._workers_ok = False
        self._resolver: Resolver | None = None
        self._resolver_lock = threading.Lock()
        if not background:
            self._load()
            if self.failure is not None:
                raise self.failure
        self.pool = pool
        if sparql and pool is None:
            self.pool = QueryPool(self.sparql_config(), workers=workers, max_workers=max_workers,
                                  per_client=per_client, timeout=query_timeout, max_results=max_results,
                                  memory_mb=worker_memory_mb)
        if background:
            threading.Thread(target=self._load_when_wanted, name="pages", daemon=True).start()

    def sparql_config(self) -> dict:
        return self.info.sparql_config(self.federation)

    def _load(self) -> None:
        try:
            # the indexes live as long as the server: out of the collector's sight, so that its full collections
            # (which every few thousand new objects would walk millions of them) stall neither the loading nor
            # the requests
            with collector.paused():
                data = Dataset(self.build_dir, info=self.info)
                search_index = SearchIndex(data)
                pages = Pages(data, search_index, self.examples, self.mount, self.endpoint)
                compile_templates()
                downloads = self._downloads()
                pages.downloads = set(downloads)
                pages.figure_titles = _figure_titles(downloads)
                data.documents             # what the home page and the lists start from
                self._site = Site(data, search_index, pages, downloads)
                gc.freeze()
        except BaseException as error:   # handed to whoever waits for the pages
            self.failure = error
        finally:
            self._loaded.set()

    def _load_when_wanted(self) -> None:
        if self.pool is not None:
            threading.Thread(target=self._wait_workers, name="workers", daemon=True).start()
            self._wanted.wait()
        self._load()

    def _wait_workers(self) -> None:
        # the one caller of pool.wait_ready: of two threads waiting on a worker's pipe, the one that does not read
        # its message would wait out the whole time limit
        self._workers_ok = self.pool.wait_ready()
        self._workers_ready.set()
        self._wanted.set()

    def wait_workers(self, timeout: float | None = None) -> bool:
        """(With `background`) True once the SPARQL workers have loaded the store; False when they failed."""
        return self._workers_ready.wait(timeout) and self._workers_ok

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """True once the pages are ready; False when they failed (see `failure`) or the time ran out."""
        return self._loaded.wait(timeout) and self.failure is None

    def warm(self) -> None:
        """Build what is otherwise built by the first request that needs it: the search and resolver indexes, the
        sitemap (every request's path is looked up among the site's files), then the statements for the RDF
        writers (the longest: descriptions are converted until they are there)."""
        if self.wait_loaded():
            self.search_index.warm()
            self.resolver
            self.site_files
            self.data.read_statements()
            gc.freeze()             # these live as long as the server too (see _load)

    def site(self) -> Site:
        if not self._loaded.is_set():
            self._wanted.set()
            self._loaded.wait()
        if self.failure is not None:
            raise self.failure
        return self._site

    @property
    def data(self) -> Dataset:
        return self.site().data

    @property
    def pages(self) -> Pages:
        return self.site().pages

    @property
    def search_index(self) -> SearchIndex:
        return self.site().search_index

    @property
    def downloads(self) -> dict[str, Path]:
        return self.site().downloads

    @property
    def resolver(self) -> Resolver:
        with self._resolver_lock:           # made once, by the first request (or warm) that needs it
            if self._resolver is None:
                self._resolver = Resolver(self.data)
            return self._resolver

    def close(self) -> None:
        if self.pool:
            self.pool.close()

    def _downloads(self) -> dict[str, Path]:
        """URL path -> file, for every file of the build (never anything else: no path from a request ever
        reaches the file system)."""
        root = self.build_dir.resolve()
        listed = dumps.listed_digests(root)
        if listed is not None:
            files = [*listed, dumps.MANIFEST]
        else:
            files = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
                     and not any(part.startswith(".") or part == "site" for part in p.relative_to(root).parts)]
        out = {}
        for name in sorted(files):
            path = (root / name).resolve()
            if not path.is_file() or root not in path.parents:
                continue
            out["/dataset/" + name] = path
            if "/" not in name:
                out["/" + name] = path
            plain = name.removesuffix(".gz")
            if plain in dumps.WHOLE:          # the plain dump's address too: answered from the gzipped file
                out.setdefault("/dataset/" + plain, path)
                out.setdefault("/" + plain, path)
        if "/void.ttl" in out:
            # the well-known address of a dataset's VoID description (VoID, section 7.2; RFC 8615)
            out["/.well-known/void"] = out["/void.ttl"]
        return out

    # --- entry point ------------------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        try:
            response = self._route(request)
        except InputError as error:
            response = self.error(request, 500, "Server error", str(error))
        if "gzip" in (request.header("accept-encoding") or "").lower():
            response = self.compress(response)
        if request.method == "GET" or request.method == "HEAD":
            etag = response.header("ETag")
            if etag and response.status == 200 and request.header("if-none-match") == etag:
                response = Response(304, b"", [(k, v) for k, v in response.headers
                                              if k in ("ETag", "Vary", "Link", "Cache-Control")])
        response.headers.extend(SECURITY_HEADERS)
        if response.header("Access-Control-Allow-Origin") is None:
            response.headers.append(("Access-Control-Allow-Origin", "*"))
            response.headers.append(("Access-Control-Expose-Headers", EXPOSED_HEADERS))
        return response

    def compress(self, response: Response) -> Response:
        """gzip a text answer of some size (cached per ETag: a page is compressed once). Deterministic bytes."""
        media = (response.header("Content-Type") or "").split(";")[0]
        if response.status != 200 or len(response.body) < 1024 or response.header("Content-Encoding") or not (
                media.startswith("text/") or media.endswith(("json", "xml", "triples", "quads"))):
            return response
        etag = response.header("ETag")
        item = self.cache.get(("gzip", etag)) if etag else None
        if item is None:
            body = gzip.compress(response.body, compresslevel=6, mtime=0)
            item = self.cache.put(("gzip", etag), body) if etag else (body, None)
        headers = [(k, v) for k, v in response.headers if k not in ("ETag", "Vary")]
        vary = ", ".join(v for k, v in response.headers if k == "Vary")
        headers.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
        headers.append(("Content-Encoding", "gzip"))
        if etag:
            headers.append(("ETag", etag[:-1] + '-gzip"'))
        return Response(200, item[0], headers)

    def _route(self, request: Request) -> Response:
        method = request.method
        if method == "OPTIONS":
            return Response(204, b"", [("Allow", "GET, HEAD, POST, OPTIONS"),
                                       ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                                       ("Access-Control-Allow-Headers", "Accept, Content-Type")])
        parts = urlsplit(request.target)
        raw_path = parts.path or "/"
        params = parse_qs(parts.query, keep_blank_values=True)
        path = unquote(raw_path)
        if not raw_path.startswith("/") or _unsafe(path):
            return self.error(request, 404, "Not found", "There is nothing at this address.")
        if path == "/sparql":
            if method not in ("GET", "HEAD", "POST"):
                return self._not_allowed("GET, HEAD, POST")
            return self.sparql(request, params)
        if method == "POST":
            return self._not_allowed("GET, HEAD")
        if method not in ("GET", "HEAD"):
            return self._not_allowed("GET, HEAD, POST, OPTIONS")
        if path == "/":
            return self.cached_html(("home",), self.pages.home)
        if path.startswith("/_static/"):
            return self.static(path)
        if path in self.site_files:
            return self.site_file(path)
        if path.startswith("/assets/vendor/"):
            return self.vendor(path)
        if path == "/query":
            return self.cached_html(("query",), self.pages.query_page, self.query_csp())
        if path == "/search":
            return self.search(params)
        if path == "/resolve":
            return self.resolve(request, params)
        if path in self.downloads:
            return self.download(path, request)
        return self.resource(request, path, params)

    # --- resources --------------------------------------------------------------------------------------------------
    def iri_of(self, path: str) -> str:
        return self.data.minter.from_relative(path)

    def alternates(self, path: str) -> list[tuple[str, str, str]]:
        out = []
        for name in ("ttl", "jsonld", "nt") if self.static_links else ("ttl", "jsonld", "nt", "rdf"):
            media, suffix = RESOURCE_FORMATS[name]
            href = path + suffix
            if self.static_links:
                href = f"{path.rstrip('/')}/index{suffix}"
            elif href in self.downloads or path == "/":
                href = f"{path}?format={name}"
            out.append((_FORMAT_NAMES[name], media, self.mount + href[1:]))
        return out

    def resource(self, request: Request, path: str, params: dict) -> Response:
        stem, suffix_format = split_suffix(path)
        iri = self.iri_of(stem)
        known = self.data.knows(iri)
        list_page = stem[1:] if stem[1:] in LIST_PAGES else None
        if not known and not list_page and stem.endswith("/") and len(stem) > 1 and \
                self.data.knows(self.iri_of(stem.rstrip("/"))):
            return Response(301, b"", [("Location", self.mount + stem.rstrip("/")[1:])])
        if not known and not list_page:
            return self.error(request, 404, "Not found",
                              f"No resource has the identifier {iri}.")
        fmt = suffix_format or (params.get("format") or [None])[0]
        negotiated = fmt is None
        if negotiated:
            fmt = choose_resource_format(request.header("accept"))
            if fmt is None:
                return Response(406, b"Not acceptable. This resource is available as: " +
                                ", ".join(m for m, _ in RESOURCE_FORMATS.values()).encode() + b"\n",
                                [("Content-Type", TEXT), ("Vary", "Accept")])
        if fmt not in RESOURCE_FORMATS:
            return self.error(request, 404, "Not found", f"Unknown format {fmt!r}: use ttl, jsonld, nt or rdf.")
        if not known and fmt != "html":
            return self.error(request, 404, "Not found", f"{iri} is a list page, not a resource; it has no RDF.")
        alternates = self.alternates(stem) if known else []
        if fmt == "html":
            if list_page:
                body, etag = self.render(("list", list_page), lambda: self._list_page(list_page, iri, alternates))
            else:
                body, etag = self.render((iri, "html"), lambda: self.pages.resource(iri, alternates))
            media = HTML
        else:
            body, etag = self.render((iri, fmt), lambda: self.rdf(iri, fmt))
            media = RESOURCE_FORMATS[fmt][0] + ("; charset=utf-8" if fmt == "ttl" else "")
        headers = [("Content-Type", media), ("ETag", etag), ("Cache-Control", "public, max-age=3600")]
        if fmt == "html":
            headers.append(("Content-Security-Policy", CSP))
        if negotiated:
            headers.append(("Vary", "Accept"))
            if fmt != "html" and known:
                headers.append(("Content-Location", self.mount + stem[1:] + RESOURCE_FORMATS[fmt][1]
                                if (stem + RESOURCE_FORMATS[fmt][1]) not in self.downloads
                                else f"{self.mount}{stem[1:]}?format={fmt}"))
        if known:
            links = [f'<{h}>; rel="alternate"; type="{t}"' for _, t, h in alternates]
            links.append(f'<{iri}>; rel="canonical"')
            headers.append(("Link", ", ".join(links)))
        return Response(200, body, headers)

    def _list_page(self, name: str, iri: str, alternates) -> bytes:
        known = self.data.knows(iri)
        if name == "doc":
            return self.pages.documents_page()
        if name == "theme":
            return self.pages.theme_scheme(iri if known else None, alternates)
        return self.pages.authority_list(name, iri if known else None, alternates)

    def rdf(self, iri: str, fmt: str) -> bytes:
        data = self.data
        statements = data.statements(iri)
        if statements is None:        # not read yet (see warm): the description's terms are converted
            return serialise(fmt, ox_triples(data.description(iri)), data.prefixes.mapping, data.compactor,
                             first=iri)
        return serialise(fmt, statements, data.prefixes.mapping, data.compactor, first=iri, in_order=True)

    def render(self, key, make) -> tuple[bytes, str]:
        item = self.cache.get(key)
        if item is None:
            item = self.cache.put(key, make())
        return item

    def cached_html(self, key, make, csp: str = CSP) -> Response:
        body, etag = self.render(key, make)
        return Response(200, body, [("Content-Type", HTML), ("ETag", etag), ("Cache-Control", "public, max-age=600"),
                                    ("Content-Security-Policy", csp)])

    def query_csp(self) -> str:
        """CSP for the query page: YASGUI's one inserted <style> is allowed by its hash, nothing else inline."""
        hashes = self.pages.yasgui.style_hashes if self.pages.yasgui else ()
        return CSP.replace("style-src 'self'", " ".join(("style-src 'self'",) + hashes))

    # --- files ------------------------------------------------------------------------------------------------------
    def static(self, path: str) -> Response:
        files = {"/_static/style.css": (assets.CSS, "text/css; charset=utf-8"),
                 "/_static/query.js": (assets.QUERY_JS, "text/javascript; charset=utf-8")}
        if path not in files:
            return Response(404, b"Not found\n", [("Content-Type", TEXT)])
        text, media = files[path]
        body, etag = self.render(("static", path), lambda: text.encode("utf-8"))
        return Response(200, body, [("Content-Type", media), ("ETag", etag), ("Cache-Control", "public, max-age=86400")])

    def vendor(self, path: str) -> Response:
        yasgui = self.pages.yasgui
        files = {"/" + f.url: f for f in (yasgui.script, yasgui.stylesheet)} if yasgui else {}
        if path not in files:
            return Response(404, b"Not found\n", [("Content-Type", TEXT)])
        item = files[path]
        body, etag = self.render(("vendor", path), item.file.read_bytes)
        return Response(200, body, [("Content-Type", item.media), ("ETag", etag),
                                    ("Cache-Control", "public, max-age=31536000, immutable")])

    @cached_property
    def site_files(self) -> dict[str, tuple[bytes, str]]:
        """What browsers and crawlers ask a site for: URL path -> (bytes, media type)."""
        files = {"/favicon.svg": (discovery.FAVICON_SVG.encode("utf-8"), "image/svg+xml"),
                 "/favicon.ico": (discovery.favicon_ico(), "image/x-icon"),
                 "/robots.txt": (discovery.robots_txt(self.mount, self.base).encode("utf-8"), TEXT)}
        for name, body in discovery.sitemap_files(self.data).items():
            files["/" + name] = (body, "application/xml")
        return files

    def site_file(self, path: str) -> Response:
        body, media = self.site_files[path]
        etag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        return Response(200, body, [("Content-Type", media), ("ETag", etag),
                                    ("Cache-Control", "public, max-age=86400")])

    def download(self, path: str, request: Request) -> Response:
        file = self.downloads[path]
        if file.suffix == ".gz" and not path.endswith(".gz"):
            return self.unpacked_download(path, file, request)
        media = DOWNLOAD_TYPES.get(file.suffix, "application/octet-stream")
        body, etag = self.render(("file", path), file.read_bytes)
        name = file.name
        return Response(200, body, [("Content-Type", media), ("ETag", etag), ("Cache-Control", "public, max-age=3600"),
                                    ("Content-Disposition", f'inline; filename="{name}"')])

    def unpacked_download(self, path: str, file: Path, request: Request) -> Response:
        """A plain dump (/dataset/dataset.nq) from its gzipped file: sent as it is, with Content-Encoding: gzip,
        to a client that takes gzip; unpacked for one that does not."""
        name = path.rsplit("/", 1)[-1]
        headers = [("Content-Type", DOWNLOAD_TYPES.get(Path(name).suffix, "application/octet-stream")),
                   ("Cache-Control", "public, max-age=3600"), ("Content-Disposition", f'inline; filename="{name}"'),
                   ("Vary", "Accept-Encoding")]
        if "gzip" in (request.header("accept-encoding") or "").lower():
            body, etag = self.render(("file", str(file)), file.read_bytes)
            return Response(200, body, headers + [("ETag", etag[:-1] + '-gzip"'), ("Content-Encoding", "gzip")])
        body, etag = self.render(("unpacked", str(file)), lambda: dumps.plain_bytes(file))
        return Response(200, body, headers + [("ETag", etag)])

    # --- search and the resolver ------------------------------------------------------------------------------------
    def search(self, params: dict) -> Response:
        q = (params.get("q") or [""])[0][:500]
        doc = (params.get("doc") or [""])[0][:100]
        theme = (params.get("theme") or [""])[0][:100]
        try:
            page = max(1, min(1000, int((params.get("page") or ["1"])[0])))
        except ValueError:
            page = 1
        body = self.pages.search(q, doc, theme, page)
        return Response(200, body, [("Content-Type", HTML), ("Content-Security-Policy", CSP),
                                    ("Cache-Control", "public, max-age=600")])

    def resolve(self, request: Request, params: dict) -> Response:
        cite = ((params.get("cite") or params.get("q") or [""])[0])[:500]
        if not cite.strip():
            body = self.pages.resolve_page()
            return Response(200, body, [("Content-Type", HTML), ("Content-Security-Policy", CSP)])
        outcome = self.resolver.resolve(cite)
        if isinstance(outcome, Resolved):
            location = self.pages.href(outcome.iri)
            body = (f"<!DOCTYPE html><title>See other</title><p>{_esc(cite)} is "
                    f"<a href=\"{_esc(location)}\">{_esc(outcome.label)}</a>: {_esc(outcome.iri)}</p>\n").encode()
            return Response(303, body, [("Location", location), ("Content-Type", HTML),
                                        ("Link", f'<{outcome.iri}>; rel="canonical"')])
        if isinstance(outcome, Ambiguous):
            links = ", ".join(f'<{self.pages.href(iri)}>; rel="alternate"; title="{label}"'
                              for iri, label in outcome.candidates[:20] if '"' not in label)
            headers = [("Content-Type", HTML), ("Content-Security-Policy", CSP)]
            if links:
                headers.append(("Link", links))
            return Response(300, self.pages.choices(cite, outcome), headers)
        if choose(request.header("accept"), [("html", "text/html"), ("text", "text/plain")]) == "text":
            return Response(404, (outcome.message + "\n").encode(), [("Content-Type", TEXT)])
        return Response(404, self.pages.unresolved(cite, outcome),
                        [("Content-Type", HTML), ("Content-Security-Policy", CSP)])

    # --- SPARQL -----------------------------------------------------------------------------------------------------
    def sparql(self, request: Request, params: dict) -> Response:
        if self.pool is None:
            return Response(503, b"This site has no SPARQL endpoint running.\n", [("Content-Type", TEXT)])
        refuse = Response(403, b"This SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, CREATE, "
                               b"DROP, ...) are refused. Load the dumps (/dataset.nq) into a store of your own to "
                               b"change the data.\n", [("Content-Type", TEXT)])
        default_graphs = params.get("default-graph-uri", [])
        named_graphs = params.get("named-graph-uri", [])
        if request.method in ("GET", "HEAD"):
            if "update" in params:
                return refuse
            queries = params.get("query", [])
            if not queries:
                return self.service_description(request)
        else:
            media = (request.header("content-type") or "").split(";")[0].strip().lower()
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError:
                return Response(400, b"The request body is not UTF-8.\n", [("Content-Type", TEXT)])
            if media == "application/x-www-form-urlencoded":
                form = parse_qs(text, keep_blank_values=True)
                if "update" in form:
                    return refuse
                queries = form.get("query", []) + params.get("query", [])
                default_graphs = default_graphs + form.get("default-graph-uri", [])
                named_graphs = named_graphs + form.get("named-graph-uri", [])
            elif media == "application/sparql-query":
                queries = [text]
            elif media == "application/sparql-update":
                return refuse
            else:
                return Response(415, b"POST a query as application/sparql-query, or as the form field query= in "
                                     b"application/x-www-form-urlencoded.\n", [("Content-Type", TEXT)])
        if len(queries) != 1:
            return Response(400, b"Send exactly one query (the query parameter was missing or repeated).\n",
                            [("Content-Type", TEXT)])
        query = queries[0]
        if is_update(query):
            return refuse
        refusal = service_refusal(query, self.federation)
        if refusal:
            return Response(400, (refusal + "\n").encode(), [("Content-Type", TEXT)])
        accept = request.header("accept") or "*/*"
        key = (query, accept, tuple(default_graphs), tuple(named_graphs))
        outcome = self.query_cache.get(key)
        if outcome is None:
            outcome = self.pool.execute(query, accept, client=request.client, gone=request.gone,
                                        default_graphs=default_graphs, named_graphs=named_graphs)
            if outcome.status == 200:
                size = len(outcome.body) + sum(map(len, key[:2])) + sum(len(g) for g in key[2] + key[3])
                self.query_cache.put(key, outcome, size)
        headers = [(k, v) for k, v in outcome.headers.items() if k != "X-Format"]
        headers.append(("Vary", "Accept"))
        if outcome.headers.get("X-Format") == "html" and outcome.status == 200:
            body = self.pages.sparql_results(query, outcome.body)
            return Response(200, body, headers + [("Content-Type", HTML), ("Content-Security-Policy", CSP)])
        return Response(outcome.status, outcome.body, headers + [("Content-Type", outcome.media_type)])

    def service_description(self, request: Request) -> Response:
        """The SPARQL 1.1 Service Description (W3C) of the endpoint, in the RDF format the client asks for
        (Turtle when it names none); a browser gets the query page."""
        fmt = choose(request.header("accept"), SERVICE_DESCRIPTION_FORMATS, ALIASES)
        if fmt == "html":
            return self.cached_html(("query",), self.pages.query_page, self.query_csp())
        if fmt is None:
            return self.error(request, 406, "Not acceptable", "The service description is available as Turtle, "
                              "RDF/XML, JSON-LD, N-Triples and HTML.")
        prefixes = {**self.data.prefixes.mapping, "sd": SD}
        body, etag = self.render(("service-description", fmt), lambda: serialise(
            fmt, ox_triples(self.service_triples()), prefixes, self.data.compactor,
            first=self.data.minter.sparql_service()))
        media = RESOURCE_FORMATS[fmt][0] + ("; charset=utf-8" if fmt == "ttl" else "")
        return Response(200, body, [("Content-Type", media), ("ETag", etag), ("Vary", "Accept"),
                                    ("Cache-Control", "public, max-age=3600")])

    def service_triples(self) -> list:
        """The endpoint, what it speaks and the dataset it serves: the union default graph and each named graph
        with its number of triples (from the build's VoID description)."""
        sd, void = SD, "http://rdfs.org/ns/void#"
        rdf_type, triples_of = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", void + "triples"
        endpoint, dataset = self.data.minter.sparql_service(), self.data.minter.dataset()
        described = dict(self.data.out.get(dataset, ()))
        out = [(endpoint, rdf_type, sd + "Service"), (endpoint, sd + "endpoint", endpoint),
               (endpoint, sd + "supportedLanguage", sd + "SPARQL11Query"),
               (endpoint, sd + "feature", sd + "UnionDefaultGraph"),
               (endpoint, sd + "defaultEntailmentRegime", "http://www.w3.org/ns/entailment/Simple"),
               (endpoint, sd + "defaultDataset", dataset), (dataset, rdf_type, sd + "Dataset")]
        out += [(endpoint, sd + "resultFormat", "http://www.w3.org/ns/formats/" + name) for name in (
            "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "JSON-LD", "N-Triples", "RDF_XML")]
        default = Blank("default-graph")
        out += [(dataset, sd + "defaultGraph", default), (default, rdf_type, sd + "Graph")]
        if triples_of in described:
            out.append((default, triples_of, described[triples_of]))
        graphs = sorted(o for p, o in self.data.out.get(dataset, ()) if p == void + "subset" and isinstance(o, str)
                        and self.data.minter.is_member(o, "graph"))
        counted = [(graph, dict(self.data.out.get(graph, ())).get(triples_of)) for graph in graphs]
        void_file = self.build_dir / "void.ttl"
        if void_file.is_file():      # the endpoint also holds the description itself, in a graph of its own
            size = sum(1 for _ in ox.parse(path=str(void_file), format=ox.RdfFormat.TURTLE))
            counted.append((self.data.minter.graph("void"), Lit(str(size), None, XSD + "integer")))
        for number, (graph, count) in enumerate(counted, 1):
            named, held = Blank(f"named-graph-{number}"), Blank(f"graph-{number}")
            out += [(dataset, sd + "namedGraph", named), (named, rdf_type, sd + "NamedGraph"),
                    (named, sd + "name", graph), (named, sd + "graph", held), (held, rdf_type, sd + "Graph")]
            if count is not None:
                out.append((held, triples_of, count))
        return out

    # --- errors -----------------------------------------------------------------------------------------------------
    def error(self, request: Request, status: int, title: str, message: str) -> Response:
        if choose_resource_format(request.header("accept")) != "html":    # an RDF client: plain text
            return Response(status, f"{status} {title}: {message}\n".encode(), [("Content-Type", TEXT)])
        return Response(status, self.pages.error(status, title, message),
                        [("Content-Type", HTML), ("Content-Security-Policy", CSP)])

    @staticmethod
    def _not_allowed(allowed: str) -> Response:
        return Response(405, b"Method not allowed.\n", [("Content-Type", TEXT), ("Allow", allowed)])


_FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}


def _figure_titles(downloads: dict[str, Path]) -> dict[str, str]:
    """The <title> of each SVG figure of the build, for its caption."""
    import html
    import re
    titles = {}
    for path, file in downloads.items():
        if path.startswith("/dataset/figures/") and file.suffix == ".svg":
            head = file.read_bytes()[:4096].decode("utf-8", "replace")
            match = re.search(r"<title[^>]*>([^<]{1,200})</title>", head)
            if match:
                titles[path] = html.unescape(match.group(1)).strip()
    return titles


def _esc(text: str) -> str:
    import html
    return html.escape(text, quote=True)


def _unsafe(path: str) -> bool:
    """A decoded path that must never be looked up: dot segments, back-slashes, NUL, control characters."""
    if "\x00" in path or "\\" in path or any(ord(c) < 0x20 for c in path):
        return True
    return any(segment in (".", "..") for segment in path.split("/"))
