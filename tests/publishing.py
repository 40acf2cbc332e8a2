"""Helpers for the publish tests: small builds made with the real emitter, and real servers on loopback.

Not a test module (no test_ prefix): tests/test_publish.py imports it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from crimecongress import dumps

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------------------------------------

TEXTS = [
    "We reaffirm our commitment to effective, fair, humane and accountable criminal justice systems.",
    "To adopt comprehensive “crime prevention” policies, taking into account the \"root causes\" of crime;",
    "To strengthen international cooperation, including extradition and mutual legal assistance — ü, é, ß;",
    "A line with a backslash \\ and a tab\tinside, which N-Triples and SPARQL must both escape.",
]


def document(minter, slug: str, paragraphs: int, *, variant: int = 0):
    """A Document of `paragraphs` numbered paragraphs (each with one lettered subparagraph)."""
    from crimecongress.model import Document, Manifestation, SourceSpan, Unit, UnitKind
    doc_iri = minter.document(slug)
    units, position = [], 0
    for n in range(1, paragraphs + 1):
        position += 1
        para = minter.paragraph(slug, n)
        text = f"{TEXTS[(n + variant) % len(TEXTS)]} ({slug} {n}{' v%d' % variant if variant else ''})"
        units.append(Unit(para, UnitKind.PARAGRAPH, str(n), text, doc_iri, position,
                          SourceSpan(f"{slug}.txt", 2 * n, 2 * n)))
        position += 1
        units.append(Unit(minter.paragraph(slug, n, "a"), UnitKind.SUBPARAGRAPH, "a",
                          f"To act on paragraph {n};", para, position,
                          SourceSpan(f"{slug}.txt", 2 * n + 1, 2 * n + 1)))
    manifestation = Manifestation(f"{slug}.txt", "0" * 64, 1, 2 * paragraphs + 1, "test copy")
    return Document(slug, doc_iri, f"Test declaration {slug}", "declaration", tuple(units), (manifestation,))


def facts(slug: str):
    from crimecongress.corpus.catalogue import DocumentFacts
    return DocumentFacts(slug=slug, kind="declaration", title=f"Test declaration {slug}",
                         short_title=f"Test {slug}", year=2015, congress=13,
                         endorsed_symbol="A/RES/70/174", endorsed_number="70/174", endorsed_date=date(2015, 12, 17))


def vocabulary_graphs(minter) -> list[tuple[str, list[ox.Triple]]]:
    from crimecongress.rdf.namespaces import OWL, RDF, SKOS, XSD
    ontology = [ox.Triple(ox.NamedNode(minter.ontology), RDF.type, OWL.Ontology)]
    taxonomy = []
    for slug, label in (("corruption", "Corruption"), ("rule-of-law", "Rule of law")):
        taxonomy.append(ox.Triple(ox.NamedNode(minter.theme(slug)), RDF.type, SKOS.Concept))
        taxonomy.append(ox.Triple(ox.NamedNode(minter.theme(slug)), SKOS.prefLabel, ox.Literal(label, language="en")))
    unodc = ox.NamedNode(minter.actor("unodc"))
    authorities = [ox.Triple(unodc, SKOS.prefLabel, ox.Literal("UNODC", language="en")),
                   # a non-canonical decimal, as the tags' confidences are written: Virtuoso keeps it as "0.9"
                   ox.Triple(unodc, ox.NamedNode(minter.term("confidence")), ox.Literal("0.90", datatype=XSD.decimal))]
    return [(minter.graph("ontology"), ontology), (minter.graph("taxonomy"), taxonomy),
            (minter.graph("authorities"), authorities)]


def make_build(out: Path, minter, docs: dict[str, int], *, variant: dict[str, int] | None = None) -> Path:
    """Write out/dataset.nq (+ MANIFEST.sha256) for documents {slug: paragraphs}, as the build lays it out."""
    from crimecongress.export import nquads
    from crimecongress.rdf.emit import document_graph
    named = vocabulary_graphs(minter)
    for slug, paragraphs in docs.items():
        doc = document(minter, slug, paragraphs, variant=(variant or {}).get(slug, 0))
        named.append((minter.graph(slug), document_graph(doc, facts(slug), minter)))
    out.mkdir(parents=True, exist_ok=True)
    data = nquads(named)
    (out / "dataset.nq").write_bytes(data)
    (out / "MANIFEST.sha256").write_text(f"{hashlib.sha256(data).hexdigest()}  dataset.nq\n")
    return out


def build_counts(build: Path) -> dict[str, int]:
    import pyoxigraph as ox
    counts: dict[str, int] = {}
    with dumps.open_plain(dumps.find(build)) as dump:
        quads = list(ox.parse(dump, format=ox.RdfFormat.N_QUADS))
    for quad in quads:
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


XSD = "http://www.w3.org/2001/XMLSchema#"


def as_stored(triple):
    """Oxigraph stores every derived integer type (xsd:positiveInteger...) as xsd:integer, and decimals in
    their canonical form ("0.90" as "0.9"), keeping the value."""
    from decimal import Decimal
    import pyoxigraph as ox
    value = triple.object
    if isinstance(value, ox.Literal) and value.datatype.value in (XSD + "positiveInteger", XSD + "nonNegativeInteger"):
        value = ox.Literal(value.value, datatype=ox.NamedNode(XSD + "integer"))
    elif isinstance(value, ox.Literal) and value.datatype.value == XSD + "decimal":
        value = ox.Literal(format(Decimal(value.value).normalize(), "f"), datatype=value.datatype)
    return ox.Triple(triple.subject, triple.predicate, value)


def build_graph(build: Path, graph: str, *, widen: bool = True) -> set:
    import pyoxigraph as ox
    return {as_stored(q.triple) if widen else q.triple
            for q in ox.parse(dumps.plain_bytes(dumps.find(build)), format=ox.RdfFormat.N_QUADS)
            if q.graph_name.value == graph}


# ---------------------------------------------------------------------------------------------------------
# Talking to a server directly (independent of crimecongress.publishing)
# ---------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sparql_select(endpoint: str, query: str) -> list[dict]:
    import json
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["results"]["bindings"]


def server_counts(endpoint: str, namespace: str) -> dict[str, int]:
    rows = sparql_select(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                   f'FILTER(STRSTARTS(STR(?g), "{namespace}")) }} GROUP BY ?g')
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def server_graph(endpoint: str, graph: str) -> set:
    import pyoxigraph as ox
    body = urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    request = urllib.request.Request(endpoint, data=body.encode(), headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return {as_stored(quad.triple) for quad in ox.parse(answer.read(), format=ox.RdfFormat.N_TRIPLES)}


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {seconds:g} s (last error: {last})")


def _answers(endpoint: str) -> bool:
    sparql_select(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    return True


# ---------------------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------------------

def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@dataclass
class Oxigraph:
    """`oxigraph serve` on a free loopback port, storing in `location`."""

    location: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query(self) -> str:
        return self.url + "/query"

    def start(self) -> "Oxigraph":
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is missing: pip install oxigraph")
        self.process = subprocess.Popen([binary, "serve", "--location", str(self.location),
                                         "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self.process.poll() is None and _answers(self.query), 30, "oxigraph")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {dir}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 200000000
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
Charset = UTF-8

[SPARQL]
; small on purpose: answers longer than this are cut, which the publish check must page around
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@dataclass
class Virtuoso:
    """virtuoso-t on free loopback ports with a fresh database in `location` (user dba, password dba)."""

    location: Path
    max_rows: int = 1000
    http_port: int = field(default_factory=free_port)
    sql_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query(self) -> str:
        return self.url + "/sparql"

    def start(self) -> "Virtuoso":
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.location, sql_port=self.sql_port, http_port=self.http_port,
                                           max_rows=self.max_rows))
        self.log = open(self.location / "stdout.log", "wb")
        self.process = subprocess.Popen([virtuoso_binary(), "+configfile", str(ini), "+foreground"],
                                        cwd=self.location, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.process.poll() is None and _answers(self.query), 120, "virtuoso")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if getattr(self, "log", None):
            self.log.close()


def ensure_virtuoso() -> tuple[str | None, str]:
    """The virtuoso-t binary, installing Debian's package where that is possible; (None, why) where not."""
    binary = virtuoso_binary()
    if binary:
        return binary, ""
    if os.environ.get("CRIMECONGRESS_NO_APT"):
        return None, "virtuoso-t is not installed and CRIMECONGRESS_NO_APT forbids installing it"
    if not shutil.which("apt-get"):
        return None, "virtuoso-t is not installed and this machine has no apt-get to install it with"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        return None, "virtuoso-t is not installed and only root can apt-get install virtuoso-opensource"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
        run = subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], env=env,
                             capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"virtuoso-t is not installed and apt-get failed: {exc}"
    binary = virtuoso_binary()
    if binary is None:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"virtuoso-t is not installed and apt-get install virtuoso-opensource failed: {tail[0]}"
    return binary, ""


# ---------------------------------------------------------------------------------------------------------
# A misbehaving proxy in front of a real server
# ---------------------------------------------------------------------------------------------------------

class Proxy:
    """Forwards to `upstream`, but can demand HTTP Basic credentials, answer 500 after `fail_after` writes,
    or stall a write for `stall` seconds after `stall_after` writes. Runs in a thread on a loopback port."""

    def __init__(self, upstream: str, *, user: str | None = None, password: str | None = None,
                 fail_after: int | None = None, stall_after: int | None = None, stall: float = 0.0):
        self.upstream = upstream.rstrip("/")
        self.user, self.password = user, password
        self.fail_after, self.stall_after, self.stall = fail_after, stall_after, stall
        self.writes = 0
        self.lock = threading.Lock()
        self.seen_authorization: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response_only(status)         # a transparent proxy: the upstream's Server header
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if proxy.user is not None:
                    import base64
                    expected = "Basic " + base64.b64encode(f"{proxy.user}:{proxy.password}".encode()).decode()
                    given = self.headers.get("Authorization")
                    if given:
                        proxy.seen_authorization.append(given)
                    if given != expected:
                        return self._reply(401, b"authentication required",
                                           {"WWW-Authenticate": 'Basic realm="publish test"',
                                            "Content-Type": "text/plain"})
                if self.command in ("PUT", "POST", "DELETE") and not self.path.startswith("/query"):
                    with proxy.lock:
                        proxy.writes += 1
                        writes = proxy.writes
                    if proxy.fail_after is not None and writes > proxy.fail_after:
                        return self._reply(500, b"<html><body><h1>500 Internal Server Error</h1>"
                                                b"<p>proxy: the backend is down</p></body></html>",
                                           {"Content-Type": "text/html"})
                    if proxy.stall_after is not None and writes > proxy.stall_after:
                        time.sleep(proxy.stall)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "authorization", "content-length", "connection")}
                request = urllib.request.Request(proxy.upstream + self.path, data=body, method=self.command,
                                                 headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, data, reply = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as error:
                    status, data, reply = error.code, error.read(), error.headers
                keep = {k: v for k, v in reply.items() if k.lower() in ("content-type", "server")}
                self._reply(status, data, keep)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "Proxy":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
