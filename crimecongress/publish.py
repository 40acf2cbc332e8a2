"""`crimecongress publish`: push build/dataset.nq.gz to a SPARQL 1.1 store, then check what the store holds.

Every named graph of the dump (one per document, plus ontology, taxonomy and authorities) is replaced
whole on the server, so publishing again leaves nothing stale and a re-run after a failure finishes the
job. Two ways to write, chosen by `--protocol`:

* **gsp** — the SPARQL 1.1 Graph Store HTTP Protocol: one `PUT {store}?graph={iri}` per graph, with the
  graph's N-Triples as the body. PUT means "replace", so it is idempotent and, on the servers tried
  (Oxigraph, Virtuoso), atomic per graph.
* **update** — SPARQL 1.1 Update, for servers without a graph store: `DROP SILENT GRAPH <g>` and the
  first `INSERT DATA` in one request, then further `INSERT DATA` requests of at most `chunk` triples.
  Chunks, because servers cap the size of an update (Virtuoso's SPARQL compiler fails at about 5,000
  triples in one INSERT DATA: "SP030 ... memory exhausted"). `LOAD <url>` was not chosen: it makes the
  *server* fetch the data, so the dump would first have to be on a web server that the store can reach,
  and many stores refuse LOAD to ordinary accounts. A reader may see a half-loaded graph while its chunks
  arrive; after a failure the report names such a graph "partial" and a re-run drops and reloads it.

`auto` takes gsp where a graph store is known (given with --graph-store, or the usual place for the
server that answers: Oxigraph, Virtuoso, Fuseki, RDF4J/GraphDB, recognised by its `Server` header),
and update otherwise (at --update, or at the query endpoint, which SPARQL 1.1 allows to take updates).

Credentials come from the environment (CRIMECONGRESS_USER, CRIMECONGRESS_PASSWORD) or from a netrc file
(~/.netrc, or the file named by $NETRC), never from the command line. They are sent only after the
server asks for them (HTTP Basic or Digest, answered here without a library): with Digest, the first
request to a protected URL is a body-less HEAD, so a large PUT is never sent only to be refused (Virtuoso
closes the connection on a 401 while the client is still sending).

After loading, one `SELECT ?g (COUNT(*) AS ?n) ... GROUP BY ?g` over the build's graph namespace checks
every graph's triple count against the build; a graph that differs is fetched back and diffed, triple by
triple (with `verify="triples"` every graph is). Graphs left on the server under the build's graph
namespace ({base}graph/) that the build no longer has are reported, and dropped with `prune=True`.

`timeout` is a deadline for each request as a whole (connecting, sending the body, reading all the answer),
not for each read: a server that trickles its answer cannot make a scheduled run hang.

`jobs` sends several graphs at a time (the server, not the client, is the bottleneck); `bulk` asks
Oxigraph for `no_transaction` loads. Measured on 2 cores, 206,763 triples into an empty Oxigraph: 12k
triples/s one graph at a time, 18k with 2 jobs, 26k with no_transaction, 70k with both; replacing graphs
that exist costs 9-16k triples/s whatever the settings (Oxigraph deletes the old triples one by one).

Only the standard library speaks HTTP (urllib); pyoxigraph parses the dump and the server's answers.
"""
from __future__ import annotations

import base64
import hashlib
import json
import mmap
import netrc
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from enum import Enum
from http.client import HTTPException
from pathlib import Path
from threading import Lock
from typing import BinaryIO, Callable, Iterable, Mapping

import pyoxigraph as ox

from . import dumps
from .errors import EXIT_INVALID, CrimeCongressError, InputError

ENV_USER = "CRIMECONGRESS_USER"
ENV_PASSWORD = "CRIMECONGRESS_PASSWORD"
DEFAULT_TIMEOUT = 120.0
DEFAULT_CHUNK = 1000            # triples per INSERT DATA request (update protocol)
MAX_CHUNK_BYTES = 4_000_000     # and at most this many bytes of N-Triples per request
VOCABULARY_GRAPHS = ("ontology", "taxonomy", "authorities")
NTRIPLES = "application/n-triples"
USER_AGENT = "crimecongress-publish"

Progress = Callable[[str], None]


# --------------------------------------------------------------------------------------------------------
# The build side: what should be on the server
# --------------------------------------------------------------------------------------------------------

class GraphData:
    """One named graph of the build: its IRI, how many triples it has, and its triples as N-Triples.

    Read from the dump on demand (`ntriples`), so publishing holds one graph in memory at a time."""

    def __init__(self, iri: str, ntriples: bytes | None = None, triples: int = 0, *,
                 loader: Callable[[], bytes] | None = None):
        if ntriples is None and loader is None:
            raise ValueError("a graph needs its N-Triples or a loader")
        self.iri, self.triples, self._ntriples, self._loader = iri, triples, ntriples, loader

    @property
    def ntriples(self) -> bytes:
        return self._ntriples if self._ntriples is not None else self._loader()

    def triple_set(self) -> set[ox.Triple]:
        return {quad.triple for quad in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)}

    def __repr__(self) -> str:
        return f"GraphData({self.iri!r}, {self.triples} triples)"


def _check_manifest(build_dir: Path, dump: Path) -> None:
    """If the build has a checksum manifest, the dump must match it: never publish a half-written build."""
    manifest = build_dir / "MANIFEST.sha256"
    if not manifest.is_file():
        return
    listed = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name.strip()] = digest.strip()
    if dump.name not in listed:
        return
    sha = hashlib.sha256()
    with dump.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    if sha.hexdigest() != listed[dump.name]:
        raise InputError(f"{dump.name} does not match its checksum in MANIFEST.sha256", file=str(dump),
                         hint="the build is incomplete or was edited: run `crimecongress build` again")


def _graph_order(iri: str) -> tuple[int, str]:
    """Ontology, taxonomy and authorities first (what the documents' terms are defined by), then the rest."""
    for rank, name in enumerate(VOCABULARY_GRAPHS):
        if iri.endswith("/graph/" + name):
            return rank, iri
    return len(VOCABULARY_GRAPHS), iri


def _split_quad(line: bytes) -> tuple[bytes, bytes] | None:
    """(graph IRI, the line as an N-Triples line) for an N-Quads line `S P O <G> .`; None for a line that
    is blank or a comment. A line without a graph name comes out as a triple that is not valid N-Triples,
    which the count that follows (a real parse) rejects."""
    body = line.strip()
    if not body or body.startswith(b"#"):
        return None
    if not body.endswith(b"."):
        raise ValueError("a statement that does not end with ' .'")
    body = body[:-1].rstrip()
    if not body.endswith(b">"):
        raise ValueError("no graph name: every triple of the build is in a named graph")
    start = body.rfind(b" <")
    tab = body.rfind(b"\t<")
    start = max(start, tab)
    if start < 0:
        raise ValueError("no graph name")
    return body[start + 2:-1], body[:start] + b" .\n"


def read_dataset(build_dir: str | Path) -> tuple[GraphData, ...]:
    try:
        return _read_dataset(Path(build_dir))
    except OSError as exc:
        raise InputError(f"cannot read the build: {exc.strerror or exc}", file=exc.filename or str(build_dir),
                         hint="check the build directory given with --build") from None
    except EOFError:
        raise InputError("the gzipped dump ends too soon (cut off while it was written or copied)",
                         file=dumps.display_name(Path(build_dir)), hint="run `crimecongress build` again") from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(Path(build_dir) / "MANIFEST.sha256"),
                         hint="run `crimecongress build` again") from None


def _read_dataset(build_dir: Path) -> tuple[GraphData, ...]:
    """The named graphs of build_dir/dataset.nq.gz, vocabulary graphs first, each counted and checked.

    One pass over the dump records where each graph's lines are, as runs of consecutive lines (the build's
    dump is sorted, so a document's lines mostly follow each other); a graph's N-Triples are read back
    when it is sent, a run at a time (one bytes.replace strips the graph name from a whole run).
    Memory: a few numbers per run, and one graph at a time (a gzipped dump is unpacked once into an anonymous
    temporary file, which the graphs' loaders map)."""
    dump = dumps.find(build_dir)
    if dump is None:
        raise InputError("no dataset.nq.gz here", file=str(build_dir),
                         hint="run `crimecongress build` first, or give the build directory with --build")
    _check_manifest(build_dir, dump)
    unpacked = _plain_copy(dump)
    runs: dict[bytes, list[list[int]]] = {}        # graph -> [[start, end, lines], ...]
    counts: dict[bytes, int] = {}
    with open(unpacked.fileno(), "rb", closefd=False) as handle:
        position, suffix, current = 0, None, None
        for number, line in enumerate(handle, 1):
            end = position + len(line)
            if suffix is not None and line.endswith(suffix):        # the same graph as the line before
                current[1] = end
                current[2] += 1
                position = end
                continue
            try:
                split = _split_quad(line)
            except ValueError as exc:
                raise InputError(f"not valid N-Quads: {exc}", file=str(dump), line=number) from None
            if split is None:                                        # blank line or comment
                suffix, current, position = None, None, end
                continue
            graph = split[0]
            suffix = b" <" + graph + b"> .\n"
            current = [position, end, 1]
            if not line.endswith(suffix):      # another layout (tabs, no final newline): this line alone
                current.append(0)
                suffix = None
            runs.setdefault(graph, []).append(current)
            position = end
    if not runs:
        raise InputError(f"{dump.name} holds no triples", file=str(dump), hint="run `crimecongress build`")

    def loader(graph: bytes, where: list[list[int]]) -> Callable[[], bytes]:
        plain = b" <" + graph + b"> .\n"

        def load() -> bytes:
            with mmap.mmap(unpacked.fileno(), 0, access=mmap.ACCESS_READ) as data:
                parts = []
                for run in where:
                    chunk = data[run[0]:run[1]]
                    if len(run) == 3 and chunk.count(plain) == run[2]:
                        parts.append(chunk.replace(plain, b" .\n"))
                    else:
                        parts.extend(_split_quad(line)[1] for line in chunk.splitlines(keepends=True)
                                     if _split_quad(line) is not None)
                return b"".join(parts)
        return load

    graphs = []
    for raw, where in runs.items():
        try:
            iri = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("a graph name that is not UTF-8", file=str(dump)) from None
        graphs.append(GraphData(iri, None, sum(run[2] for run in where), loader=loader(raw, where)))
    graphs.sort(key=lambda g: _graph_order(g.iri))
    return tuple(graphs)


def _plain_copy(dump: Path) -> BinaryIO:
    """The dump's plain bytes as an open file that can be mapped: the dump itself, or for a gzipped one an
    anonymous temporary file (gone when it is closed or the process ends)."""
    if dump.suffix != ".gz":
        return dump.open("rb")
    copy = tempfile.TemporaryFile(prefix="crimecongress-publish-")
    with dumps.open_plain(dump) as source:
        shutil.copyfileobj(source, copy, 1 << 20)
    copy.flush()
    copy.seek(0)
    return copy


def _checked(data: GraphData, dump_name: str = "dataset.nq") -> bytes:
    """The graph's N-Triples, parsed once to prove they are N-Triples and as many as counted."""
    text = data.ntriples
    try:
        count = sum(1 for _ in ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise InputError(f"not valid N-Quads in graph {data.iri}: {exc}", file=dump_name) from None
    if count != data.triples:
        raise InputError(f"graph {data.iri}: {count} triples parsed, {data.triples} lines", file=dump_name)
    return text


def graph_namespace(iris: Iterable[str]) -> str:
    """The namespace the build's graph names share, up to its last '/' ("{base}graph/")."""
    prefix = os.path.commonprefix(list(iris))
    return prefix[: prefix.rfind("/") + 1]


def owns_namespace(namespace: str) -> bool:
    """Whether every graph under `namespace` is the build's to replace or drop: the build's graphs are
    named {base}graph/{name} (ids.Minter.graph), so a namespace ending in /graph/ is the dataset's own."""
    return namespace.endswith("/graph/")


# --------------------------------------------------------------------------------------------------------
# Credentials
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    source: str          # where they came from, for messages (never the password itself)

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, source={self.source!r})"


def netrc_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"


def find_credentials(url: str, env: Mapping[str, str] = os.environ) -> Credentials | None:
    """Credentials for the host of `url`: the environment first, then the netrc file's entry for the host."""
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise InputError(f"{missing} is not set", hint=f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return Credentials(user, password, f"${ENV_USER}")
    path = netrc_path(env)
    if not path.is_file():
        return None
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:
        raise InputError(f"cannot read the netrc file: {exc.msg}", file=str(path), line=exc.lineno) from None
    except OSError as exc:
        raise InputError(f"cannot read the netrc file: {exc.strerror}", file=str(path)) from None
    if entry is None:
        return None
    login, _account, password = entry
    if not login or password is None:
        return None
    return Credentials(login, password, str(path))


# --------------------------------------------------------------------------------------------------------
# HTTP: urllib, with Basic and Digest answered here
# --------------------------------------------------------------------------------------------------------

class TransportError(Exception):
    """A request that did not get a 2xx answer. `kind`: unreachable | timeout | http."""

    def __init__(self, kind: str, message: str, *, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.kind, self.message, self.status, self.url = kind, message, status, url


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib's signature
        return None     # a redirect is reported, never followed with our body or credentials


_CHALLENGE_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _parse_challenges(header: str) -> dict[str, dict[str, str]]:
    """{'digest': {...}, 'basic': {...}} from a WWW-Authenticate header (one scheme per header is usual)."""
    challenges: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"(?i)\b(basic|digest)\b((?:\s*,?\s*\w+\s*=\s*(?:\"(?:[^\"\\]|\\.)*\"|[^\s,]+))*)",
                             header):
        params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                  for m in _CHALLENGE_PARAM.finditer(match.group(2))}
        challenges[match.group(1).lower()] = params
    return challenges


class _Auth:
    """The answer to one protection space's challenge, reused for every request to it."""

    def __init__(self, scheme: str, params: dict[str, str], credentials: Credentials):
        self.scheme, self.params, self.credentials, self.count = scheme, params, credentials, 0

    def header(self, method: str, url: str) -> str:
        user, password = self.credentials.user, self.credentials.password
        if self.scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        params = self.params
        algorithm = params.get("algorithm", "MD5")
        name = algorithm.upper().removesuffix("-SESS")
        hash_name = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}.get(name)
        if hash_name is None:
            raise TransportError("http", f"the server asks for Digest with {algorithm}, which is not supported",
                                 url=url)

        def h(text: str) -> str:
            return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        self.count += 1
        nc, cnonce = f"{self.count:08x}", os.urandom(8).hex()
        ha1 = h(f"{user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
                  f"algorithm={algorithm}"]
        if "auth" in qops:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += [f'response="{response}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        elif not qops:
            fields.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
        else:
            raise TransportError("http", f"the server asks for Digest qop={params['qop']}, which is not supported",
                                 url=url)
        if "opaque" in params:
            fields.append(f'opaque="{params["opaque"]}"')
        return "Digest " + ", ".join(fields)


def _detail(body: bytes, limit: int = 240) -> str:
    """The first meaningful line of an error body (tags stripped), for a one-line message."""
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


_HINTS = {
    401: "the server wants credentials: set CRIMECONGRESS_USER and CRIMECONGRESS_PASSWORD, or add the host to "
         "~/.netrc",
    403: "the account may not write here (Virtuoso: use the -auth endpoints, or grant SPARQL_UPDATE)",
    404: "check the URL",
    405: "this URL does not take that method: check --graph-store / --update, or try --protocol update",
    413: "the server refuses bodies this large: try --protocol update, which sends small chunks",
    415: "the server does not take N-Triples here",
}


class _Deadline:
    """One request's time limit, for all of it: connecting, sending and every read. A socket timeout alone
    limits each read, so a server that sends a byte now and then could hold a request for ever; here a
    timer shuts the connection's socket down when the time is up, which ends any read or write waiting
    on it."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.end - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        """End the request now (the time is up, or the run is interrupted)."""
        with self._lock:
            if self._done:
                return
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def finish(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass          # already closed


def _watched(http_class, deadline: _Deadline):
    """http_class (http.client's connection) connecting within what is left of the deadline, its socket
    watched by it."""
    def connection(host, **kwargs):
        kwargs["timeout"] = deadline.remaining()
        made = http_class(host, **kwargs)
        connect = made.connect

        def watched_connect() -> None:
            connect()
            deadline.watch(made.sock)
        made.connect = watched_connect
        return made
    return connection


class _Deadlined:
    """A urllib handler whose connections keep the deadline of their request (`request.deadline`)."""

    def do_open(self, http_class, req, **kwargs):
        deadline = getattr(req, "deadline", None)
        if deadline is not None:
            http_class = _watched(http_class, deadline)
        return super().do_open(http_class, req, **kwargs)


class _HTTPHandler(_Deadlined, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Deadlined, urllib.request.HTTPSHandler):
    pass


def check_url(option: str, url: str) -> None:
    """An http(s) URL with a host, or an InputError that names the option."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port            # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError as exc:
        raise InputError(f"{option} is not a valid URL: {url!r} ({exc})",
                         hint="e.g. http://localhost:7878/query") from None
    if parts.scheme not in ("http", "https"):
        hint = f"add the scheme: http://{url}" if "://" not in url else "give an http:// or https:// URL"
        raise InputError(f"{option} must be an http(s) URL, not {url!r}", hint=hint)
    if not parts.hostname:
        raise InputError(f"{option} has no host name: {url!r}", hint="e.g. http://localhost:7878/query")


class Transport:
    """Sends requests with urllib; answers Basic and Digest challenges with the credentials found for each
    host; turns every failure into a TransportError with one line to show."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, env: Mapping[str, str] = os.environ):
        self.timeout = timeout
        self.env = env
        self._opener = urllib.request.build_opener(_NoRedirect, _HTTPHandler, _HTTPSHandler)
        self._pending: set[_Deadline] = set()
        self._aborted = False
        self._auth: dict[str, _Auth] = {}                  # protection space (URL without query) -> answer
        self._credentials: dict[str, Credentials | None] = {}
        self._probed: set[str] = set()
        self._lock = Lock()
        self.requests = 0

    def credentials(self, url: str) -> Credentials | None:
        host = urllib.parse.urlsplit(url).netloc
        with self._lock:
            if host not in self._credentials:
                self._credentials[host] = find_credentials(url, self.env)
            return self._credentials[host]

    @staticmethod
    def _space(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def abort(self) -> None:
        """End every request in flight now (the run is interrupted: do not wait for their deadlines)."""
        with self._lock:
            self._aborted = True
            pending = list(self._pending)
        for deadline in pending:
            deadline.expire()

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Response:
        """One request, answered within `timeout` seconds in all (see _Deadline)."""
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"User-Agent": USER_AGENT, **headers})
        with self._lock:
            if self._aborted:
                raise TransportError("unreachable", "not sent: the run was interrupted", url=url)
            request.deadline = deadline = _Deadline(self.timeout)
            self.requests += 1
            self._pending.add(deadline)
        try:
            response = self._exchange(request, url)
        except TransportError:
            if not deadline.expired:
                raise
            response = None
        finally:
            deadline.finish()
            with self._lock:
                self._pending.discard(deadline)
        if deadline.expired:       # even a whole-looking answer: one without a length ends where it was cut
            raise TransportError("timeout", f"no complete answer from {url} within {self.timeout:g} s",
                                 url=url)
        return response

    def _exchange(self, request: urllib.request.Request, url: str) -> Response:
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            try:
                data = error.read()
            except (OSError, HTTPException):
                data = b""
            return Response(error.code, error.headers, data)
        except (socket.timeout, TimeoutError):
            raise TransportError("timeout", f"no answer from {url} within {self.timeout:g} s", url=url) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise TransportError("timeout", f"no answer from {url} within {self.timeout:g} s",
                                     url=url) from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise TransportError("unreachable", f"cannot reach {url}: {text.lower()}", url=url) from None
        except (ConnectionError, HTTPException, OSError) as error:
            text = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise TransportError("unreachable", f"lost the connection to {url}: {text}", url=url) from None

    def _learn(self, url: str, response: Response) -> bool:
        """Remember how to answer a 401's challenge; False when it cannot be answered."""
        credentials = self.credentials(url)
        if credentials is None:
            return False
        challenges = _parse_challenges(", ".join(response.headers.get_all("WWW-Authenticate") or [])
                                       if hasattr(response.headers, "get_all")
                                       else response.headers.get("WWW-Authenticate", ""))
        for scheme in ("digest", "basic"):
            if scheme in challenges:
                self._auth[self._space(url)] = _Auth(scheme, challenges[scheme], credentials)
                return True
        return False

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                *, ok: tuple[int, ...] = ()) -> Response:
        """Send one request; a 2xx (or a status in `ok`) is returned, anything else raises TransportError."""
        headers = dict(headers or {})
        space = self._space(url)
        with self._lock:
            probe = body and space not in self._auth and space not in self._probed
            self._probed.add(space)
        if probe and self.credentials(url) is not None:
            # Learn the challenge with a body-less request first: some servers close the connection on a
            # 401 while a large body is still being sent, and then there is no answer to read at all.
            probe = self._send("HEAD", url, None, {})
            if probe.status == 401:
                self._learn(url, probe)
        response = None
        for _attempt in range(3):
            auth = self._auth.get(space)
            sent = dict(headers)
            if auth is not None:
                with self._lock:                      # the nonce count must not be used twice
                    sent["Authorization"] = auth.header(method, url)
            response = self._send(method, url, body, sent)
            if response.status != 401:
                break
            challenges = _parse_challenges(response.headers.get("WWW-Authenticate", ""))
            stale = challenges.get("digest", {}).get("stale", "").lower() == "true"
            if auth is not None and not stale:
                break           # our credentials were refused
            if not self._learn(url, response):
                break
        assert response is not None
        if 200 <= response.status < 300 or response.status in ok:
            return response
        raise self._refusal(method, url, response)

    def _refusal(self, method: str, url: str, response: Response) -> TransportError:
        status = response.status
        detail = _detail(response.body)
        message = f"HTTP {status} from {method} {url.split('?', 1)[0]}"
        if detail:
            message += f": {detail}"
        if status in (301, 302, 303, 307, 308):
            message += f" (redirected to {response.headers.get('Location', '?')}: give that URL instead)"
        elif status == 401 and self._auth.get(self._space(url)) is not None:
            credentials = self._auth[self._space(url)].credentials
            message += f" (the server refused the credentials of user {credentials.user!r} from {credentials.source})"
        elif status in _HINTS:
            message += f" ({_HINTS[status]})"
        return TransportError("http", message, status=status, url=url)


# --------------------------------------------------------------------------------------------------------
# Where to write: the protocol and its URLs
# --------------------------------------------------------------------------------------------------------

class Protocol(str, Enum):
    GSP = "gsp"
    UPDATE = "update"


@dataclass(frozen=True)
class Target:
    endpoint: str               # SPARQL query endpoint (verification)
    protocol: Protocol
    write_url: str              # graph store or update endpoint
    how: str                    # why this protocol and URL, for the progress display
    server: str = ""            # the Server header, if any


def _sibling(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    base = parts.path.rsplit("/", 1)[0]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{base}/{path}", "", ""))


def _known_graph_store(endpoint: str, server: str, credentials: bool) -> tuple[str, str] | None:
    """The usual graph store and update URLs of a recognised server, from its query endpoint."""
    name = server.lower()
    path = urllib.parse.urlsplit(endpoint).path
    if name.startswith("oxigraph"):
        return _sibling(endpoint, "store"), "Oxigraph"
    if name.startswith("virtuoso"):
        return _sibling(endpoint, "sparql-graph-crud-auth"), "Virtuoso"   # writes need an account
    if "fuseki" in name:
        return _sibling(endpoint, "data"), "Fuseki"
    match = re.search(r"^(.*/repositories/[^/]+)$", path)
    if match:                  # RDF4J and GraphDB
        return endpoint.rstrip("/") + "/rdf-graphs/service", "RDF4J/GraphDB"
    return None


def _known_update(endpoint: str, server: str) -> str:
    name = server.lower()
    if name.startswith("oxigraph"):
        return _sibling(endpoint, "update")
    if name.startswith("virtuoso"):
        return _sibling(endpoint, "sparql-auth")
    if re.search(r"/repositories/[^/]+$", urllib.parse.urlsplit(endpoint).path):
        return endpoint.rstrip("/") + "/statements"
    return endpoint


def _ask(transport: Transport, endpoint: str) -> Response:
    return transport.request("POST", endpoint, urllib.parse.urlencode({"query": "ASK {}"}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded",
                              "Accept": "application/sparql-results+json"})


def resolve_target(transport: Transport, endpoint: str, *, graph_store: str | None = None,
                   update: str | None = None, protocol: str = "auto") -> Target:
    """Check that the query endpoint answers, and choose the protocol and URL to write with."""
    for name, url in (("--endpoint", endpoint), ("--graph-store", graph_store), ("--update", update)):
        if url is not None:
            check_url(name, url)
    answer = _ask(transport, endpoint)     # a dead or wrong endpoint stops us before anything is written
    server = (answer.headers.get("Server", "") or "").strip()
    has_credentials = transport.credentials(endpoint) is not None
    if protocol in ("auto", "gsp") and graph_store:
        return Target(endpoint, Protocol.GSP, graph_store, "Graph Store Protocol at --graph-store", server)
    if protocol == "update" or (protocol == "auto" and update):
        url = update or _known_update(endpoint, server)
        how = "SPARQL Update at " + ("--update" if update else "the endpoint's update URL")
        return Target(endpoint, Protocol.UPDATE, url, how, server)
    known = _known_graph_store(endpoint, server, has_credentials)
    if known is not None:
        url, product = known
        return Target(endpoint, Protocol.GSP, url, f"Graph Store Protocol, {product}'s usual place", server)
    if protocol == "gsp":
        raise InputError("no graph store known for this server",
                         hint="give its URL with --graph-store, or use --protocol update")
    return Target(endpoint, Protocol.UPDATE, _known_update(endpoint, server),
                  "SPARQL Update at the endpoint (no graph store known for this server)", server)


# --------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------

class State(str, Enum):
    LOADED = "loaded"
    PARTIAL = "partial"          # some update chunks were applied: the server holds an incomplete graph
    FAILED = "failed"            # refused or unreachable: the server keeps what it had before (or nothing)
    UNKNOWN = "unknown"          # no answer in time: the server may or may not have applied it
    PENDING = "not loaded"
    DROPPED = "dropped"          # a stale graph removed with prune


@dataclass(frozen=True)
class GraphState:
    iri: str
    triples: int
    state: State
    detail: str = ""
    seconds: float = 0.0


def _gsp_url(store: str, graph: str) -> str:
    joiner = "&" if "?" in store else "?"
    return f"{store}{joiner}graph={urllib.parse.quote(graph, safe='')}"


def _chunks(ntriples: bytes, size: int) -> list[bytes]:
    lines = ntriples.splitlines(keepends=True)
    chunks, current, length = [], [], 0
    for line in lines:
        if current and (len(current) >= size or length + len(line) > MAX_CHUNK_BYTES):
            chunks.append(b"".join(current))
            current, length = [], 0
        current.append(line)
        length += len(line)
    if current or not chunks:
        chunks.append(b"".join(current))
    return chunks


class _Loader:
    def __init__(self, transport: Transport, target: Target, chunk: int, *, bulk: bool = False):
        self.transport, self.target, self.chunk = transport, target, chunk
        self.media_type = NTRIPLES
        self.bulk = bulk and target.protocol is Protocol.GSP and target.server.lower().startswith("oxigraph")

    def load(self, data: GraphData) -> None:
        """Replace one graph on the server. Raises _LoadError with the state the graph is left in."""
        try:
            text = _checked(data)
        except InputError as error:
            raise _LoadError(State.FAILED, f"not sent: {error}") from None
        except OSError as error:
            raise _LoadError(State.FAILED, f"not sent: cannot read the dump: {error.strerror or error}") from None
        if self.target.protocol is Protocol.GSP:
            self._put(data, text)
        else:
            self._update(data, text)

    def _put(self, data: GraphData, text: bytes) -> None:
        url = _gsp_url(self.target.write_url, data.iri) + ("&no_transaction" if self.bulk else "")
        try:
            try:
                self.transport.request("PUT", url, text, {"Content-Type": self.media_type})
            except TransportError as error:
                if error.status != 415 or self.media_type != NTRIPLES:
                    raise
                self.media_type = "text/turtle"      # N-Triples is Turtle; some stores only know the latter
                self.transport.request("PUT", url, text, {"Content-Type": self.media_type})
        except TransportError as error:
            state = State.UNKNOWN if error.kind == "timeout" or self.bulk else State.FAILED
            raise _LoadError(state, error.message) from None

    def _update(self, data: GraphData, text: bytes) -> None:
        chunks = _chunks(text, self.chunk)
        done = 0
        for index, chunk in enumerate(chunks):
            graph = f"<{data.iri}>"
            text = f"INSERT DATA {{ GRAPH {graph} {{\n{chunk.decode('utf-8')}}} }}"
            if index == 0:
                text = f"DROP SILENT GRAPH {graph} ;\n" + text
            try:
                self.transport.request("POST", self.target.write_url, text.encode("utf-8"),
                                       {"Content-Type": "application/sparql-update",
                                        "Accept": "application/sparql-results+json, */*;q=0.1"})
            except TransportError as error:
                if index == 0:
                    state = State.UNKNOWN if error.kind == "timeout" else State.FAILED
                else:
                    state = State.PARTIAL
                detail = error.message
                if index > 0:
                    detail = f"{index} of {len(chunks)} chunks ({done} of {data.triples} triples) applied; " + detail
                raise _LoadError(state, detail) from None
            done += chunk.count(b"\n")


class _LoadError(Exception):
    def __init__(self, state: State, detail: str):
        super().__init__(detail)
        self.state, self.detail = state, detail


# --------------------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------------------

def _select(transport: Transport, endpoint: str, query: str) -> list[dict]:
    response = transport.request("POST", endpoint, urllib.parse.urlencode({"query": query}).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded",
                                  "Accept": "application/sparql-results+json"})
    try:
        return json.loads(response.body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise TransportError("http", f"the endpoint {endpoint} did not answer with SPARQL JSON results: "
                                     f"{_detail(response.body)}", url=endpoint) from None


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def server_counts(transport: Transport, endpoint: str, namespace: str) -> dict[str, int]:
    """{graph IRI: triples} for every graph on the server whose IRI starts with `namespace`."""
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f"FILTER(STRSTARTS(STR(?g), {_sparql_string(namespace)})) }} GROUP BY ?g")
    counts = {}
    for row in _select(transport, endpoint, query):
        counts[row["g"]["value"]] = int(row["n"]["value"])
    return counts


def _parse_rdf(response: Response, url: str) -> list[ox.Triple]:
    media = (response.headers.get("Content-Type") or NTRIPLES).split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    try:
        return [quad.triple for quad in ox.parse(response.body, format=fmt)]
    except SyntaxError as exc:
        raise TransportError("http", f"cannot read the RDF that {url} sent back ({media}): {exc}", url=url) from None


_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"


def server_triples(transport: Transport, target: Target, graph: str, expected: int) -> tuple[set[ox.Triple], bool]:
    """The triples the server holds in `graph`, and whether all `expected` of them could be read back.

    Servers cut long answers silently (Virtuoso: ResultSetMaxRows, 10,000 rows by default, for the graph
    store's GET as for CONSTRUCT), and refuse deep OFFSETs under ORDER BY (Virtuoso: "SR353 Sorted TOP
    clause ... Only 10000 are allowed"). So a short answer is completed by subject ranges instead:
    ORDER BY STR(?s), LIMIT one page, the next page starting at the last subject seen (no OFFSET)."""
    triples: set[ox.Triple] = set()
    if target.protocol is Protocol.GSP:
        url = _gsp_url(target.write_url, graph)
        triples = set(_parse_rdf(transport.request("GET", url, headers={"Accept": _RDF_ACCEPT}), url))
        if len(triples) >= expected:
            return triples, True
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    first = set(_parse_rdf(_construct(transport, target.endpoint, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}"),
                           target.endpoint))
    if len(first) >= expected or not first:
        return first, len(first) >= expected
    page, after, paged = len(first), None, set()
    try:
        while True:
            where = pattern + (f" FILTER(STR(?s) >= {_sparql_string(after)})" if after is not None else "")
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }} ORDER BY STR(?s) LIMIT {page}"
            got = _parse_rdf(_construct(transport, target.endpoint, query), target.endpoint)
            new = set(got) - paged
            paged.update(got)
            if len(got) < page:
                break
            subjects = {t.subject.value for t in got}
            if not new or len(subjects) == 1:
                break           # one subject fills a page: cannot get further this way
            after = max(subjects)
    except TransportError:
        pass
    best = max((triples, first, paged), key=len)
    return best, len(best) >= expected


def _construct(transport: Transport, endpoint: str, query: str) -> Response:
    return transport.request("POST", endpoint, urllib.parse.urlencode({"query": query}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded", "Accept": _RDF_ACCEPT})


@dataclass(frozen=True)
class GraphCheck:
    iri: str
    expected: int
    found: int
    missing: tuple[str, ...] = ()     # in the build, not on the server (N-Triples lines)
    extra: tuple[str, ...] = ()       # on the server, not in the build
    incomplete: bool = False          # the server would not send back all its triples: `missing` is unknown
    widened: int = 0                  # literals the server keeps in another form of the same value

    @property
    def ok(self) -> bool:
        return self.expected == self.found and not self.missing and not self.extra


_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_INTEGER = ox.NamedNode(_XSD + "integer")
_DERIVED_INTEGERS = frozenset(_XSD + name for name in (
    "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger"))


def _widen(triple: ox.Triple) -> ox.Triple:
    """The triple with its literal in the form a store may keep instead of the one written: the same value,
    canonical lexical form, and xsd:integer for every derived integer type. Stores do this: Oxigraph 0.5
    returns "5"^^xsd:positiveInteger as "5"^^xsd:integer, Virtuoso "0.90"^^xsd:decimal as "0.9"."""
    from decimal import Decimal, InvalidOperation
    value = triple.object
    if not isinstance(value, ox.Literal) or value.language is not None:
        return triple
    datatype = value.datatype.value
    try:
        if datatype in _DERIVED_INTEGERS or datatype == _XSD + "integer":
            literal = ox.Literal(str(int(value.value)), datatype=_XSD_INTEGER)
        elif datatype == _XSD + "decimal":
            number = Decimal(value.value)
            text = format(number.normalize(), "f") if number != 0 else "0"
            literal = ox.Literal(text, datatype=value.datatype)
        elif datatype in (_XSD + "double", _XSD + "float"):
            literal = ox.Literal(repr(float(value.value)), datatype=value.datatype)
        elif datatype == _XSD + "boolean":
            literal = ox.Literal("true" if value.value in ("true", "1") else "false", datatype=value.datatype)
        else:
            return triple
    except (ValueError, InvalidOperation):
        return triple
    return ox.Triple(triple.subject, triple.predicate, literal)


def _diff(data: GraphData, on_server: set[ox.Triple], found: int, complete: bool) -> GraphCheck:
    built = data.triple_set()
    missing, extra = built - on_server, on_server - built
    # the same values in the store's own form (see _widen) are not differences
    stored = {_widen(t): t for t in extra}
    widened = {stored[_widen(t)] for t in missing if _widen(t) in stored}
    missing = {t for t in missing if _widen(t) not in stored}
    extra -= widened
    return GraphCheck(data.iri, data.triples, found,
                      tuple(sorted(f"{t} ." for t in missing)) if complete else (),
                      tuple(sorted(f"{t} ." for t in extra)), incomplete=not complete, widened=len(widened))


def verify(transport: Transport, target: Target, graphs: Iterable[GraphData], *, full: bool = False,
           progress: Progress = lambda message: None) -> tuple[list[GraphCheck], list[str]]:
    """Compare the server with the build: (a check per build graph, stale graph IRIs under the namespace)."""
    graphs = list(graphs)
    namespace = graph_namespace(g.iri for g in graphs)
    built = {g.iri for g in graphs}
    counts = server_counts(transport, target.endpoint, namespace)
    if not owns_namespace(namespace):        # not the build's own "{base}graph/": other graphs are not ours
        counts = {iri: n for iri, n in counts.items() if iri in built}
    checks = []
    for data in graphs:
        found = counts.get(data.iri, 0)
        if found != data.triples or full:
            if found != data.triples:
                progress(f"  {data.iri}: {found:,} triples on the server, {data.triples:,} in the build; "
                         "fetching it back to compare")
            on_server, complete = server_triples(transport, target, data.iri, found) if found else (set(), True)
            checks.append(_diff(data, on_server, found, complete))
        else:
            checks.append(GraphCheck(data.iri, data.triples, found))
    stale = sorted(iri for iri in counts if iri not in built)
    return checks, stale


# --------------------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublishResult:
    target: Target
    states: tuple[GraphState, ...]
    checks: tuple[GraphCheck, ...]
    stale: tuple[str, ...]
    seconds: float
    requests: int

    @property
    def triples(self) -> int:
        return sum(s.triples for s in self.states if s.state is State.LOADED)


def _state_lines(states: Iterable[GraphState]) -> list[str]:
    states = list(states)
    width = max((len(s.state.value) for s in states), default=0)
    lines = []
    for s in states:
        line = f"  {s.state.value:<{width}}  {s.iri}  ({_count(s.triples)})"
        if s.detail:
            line += f": {s.detail}"
        lines.append(line)
    return lines


class PublishFailed(CrimeCongressError):
    """Loading stopped half-way (exit 2). `lines()` has one line per graph and its state."""

    def __init__(self, message: str, states: tuple[GraphState, ...], namespace: str):
        super().__init__(message, hint="run the same command again to finish: each graph is replaced whole, "
                                       "so a re-run is safe")
        self.states, self.namespace = states, namespace

    def lines(self) -> list[str]:
        return _state_lines(self.states)


class PublishMismatch(CrimeCongressError):
    """Everything was sent, but the server does not hold exactly the build (exit 1)."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, result: PublishResult, samples: int = 5):
        super().__init__(message)
        self.result, self.samples = result, samples

    def lines(self) -> list[str]:
        lines = []
        for check in self.result.checks:
            if check.ok:
                continue
            lines.append(f"  differs  {check.iri}: the server holds {_count(check.found)}, "
                         f"the build {check.expected:,}")
            if check.incomplete:
                lines.append("    (the server would not send all its triples back: the list of missing ones "
                             "is unknown)")
            for label, triples in (("missing on the server", check.missing), ("not in the build", check.extra)):
                if triples:
                    lines.append(f"    {len(triples):,} {label}:")
                    lines += [f"      {t}" for t in triples[: self.samples]]
                    if len(triples) > self.samples:
                        lines.append(f"      … and {len(triples) - self.samples:,} more")
        for iri in self.result.stale:
            lines.append(f"  stale    {iri}: on the server, not in the build (drop it with --prune)")
        return lines


def _count(n: int) -> str:
    return f"{n:,} triple" + ("" if n == 1 else "s")


def _short(iri: str, namespace: str) -> str:
    return iri[len(namespace):] if namespace and iri.startswith(namespace) and iri != namespace else iri


def publish(build_dir: str | Path, endpoint: str, *, graph_store: str | None = None, update: str | None = None,
            protocol: str = "auto", timeout: float = DEFAULT_TIMEOUT, verify_triples: bool = False,
            prune: bool = False, chunk: int = DEFAULT_CHUNK, progress: Progress = lambda message: None,
            on_graph: Callable[[GraphState], None] | None = None, jobs: int = 1, bulk: bool = False,
            env: Mapping[str, str] = os.environ) -> PublishResult:
    """Replace every named graph of build_dir/dataset.nq.gz on the server, then check the server holds them.

    Raises PublishFailed (exit 2) when loading stops half-way, PublishMismatch (exit 1) when the server's
    graphs differ from the build after loading, CrimeCongressError for anything else that stops the run.
    `on_graph` is called after each graph is loaded (tests use it to stop a server half-way). `jobs` graphs
    are sent at a time; after a failure no new graph is started. `bulk` asks Oxigraph to load each graph
    without a transaction (`no_transaction`): about twice as fast into an empty store, but a graph whose
    request fails may be left half-loaded (reported as "unknown"); a re-run replaces it."""
    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    if protocol not in ("auto", "gsp", "update"):
        raise InputError(f"unknown protocol {protocol!r}", hint="auto, gsp or update")
    if chunk < 1:
        raise InputError("the chunk size must be at least 1 triple")
    for name, url in (("--endpoint", endpoint), ("--graph-store", graph_store), ("--update", update)):
        if url is not None:
            check_url(name, url)
    start = time.perf_counter()
    graphs = read_dataset(build_dir)
    namespace = graph_namespace(g.iri for g in graphs)
    if prune and not owns_namespace(namespace):
        raise InputError(f"--prune drops graphs under the build's graph namespace, but the build's graphs share "
                         f"only {namespace!r}", hint="prune works on builds whose graphs are named {base}graph/…")
    total = sum(g.triples for g in graphs)
    transport = Transport(timeout, env)
    try:
        target = resolve_target(transport, endpoint, graph_store=graph_store, update=update, protocol=protocol)
    except TransportError as error:
        what = "refused a first query" if error.kind == "http" else "does not answer"
        raise CrimeCongressError(f"the SPARQL endpoint {what}: {error.message}", hint="nothing was loaded") from None
    progress(f"publishing {len(graphs)} graphs, {_count(total)}, under {namespace}")
    progress(f"  to {target.write_url} ({target.how}{', server ' + target.server if target.server else ''})")
    states = [GraphState(g.iri, g.triples, State.PENDING) for g in graphs]
    loader = _Loader(transport, target, chunk, bulk=bulk)
    width = len(str(len(graphs)))
    names = max(len(_short(g.iri, namespace)) for g in graphs)

    def load_one(index: int, data: GraphData) -> GraphState:
        began = time.perf_counter()
        try:
            loader.load(data)
        except _LoadError as error:
            return replace(states[index], state=error.state, detail=error.detail)
        return replace(states[index], state=State.LOADED, seconds=time.perf_counter() - began)

    failed = None
    queue = iter(enumerate(graphs))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running: dict = {}

        def submit() -> None:
            for index, data in queue:
                running[pool.submit(load_one, index, data)] = index
                return

        try:
            for _ in range(jobs):
                submit()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: running[f]):
                    index = running.pop(future)
                    state = states[index] = future.result()
                    data = graphs[index]
                    if state.state is State.LOADED:
                        progress(f"[{index + 1:>{width}}/{len(graphs)}] {_short(data.iri, namespace):<{names}}  "
                                 f"{data.triples:>9,} {'triple ' if data.triples == 1 else 'triples'}  "
                                 f"{state.seconds:6.2f} s")
                        if on_graph is not None:
                            on_graph(state)
                    else:
                        progress(f"[{index + 1:>{width}}/{len(graphs)}] {_short(data.iri, namespace):<{names}}  "
                                 f"{state.state.value}")
                        failed = index if failed is None else min(failed, index)
                if failed is None:
                    while len(running) < jobs and len(running) < len(graphs):
                        before = len(running)
                        submit()
                        if len(running) == before:
                            break
        except BaseException:
            transport.abort()          # interrupted: the requests in flight end now, not at their deadline
            pool.shutdown(cancel_futures=True)
            raise
    if failed is not None:
        loaded = sum(1 for s in states if s.state is State.LOADED)
        raise PublishFailed(
            f"publishing stopped at graph {failed + 1} of {len(graphs)} ({graphs[failed].iri}): "
            f"{states[failed].detail}; {loaded} loaded, {len(graphs) - loaded} not (listed above)",
            tuple(states), namespace)
    progress("checking what the server holds" + (" (every triple)" if verify_triples else " (triple counts)"))
    try:
        checks, stale = verify(transport, target, graphs, full=verify_triples, progress=progress)
        if stale and prune:
            for iri in stale:
                _drop(transport, target, iri)
                progress(f"  dropped stale graph {iri}")
                states.append(GraphState(iri, 0, State.DROPPED))
            stale = []
    except TransportError as error:
        raise PublishFailed(f"every graph was sent, but checking the server failed: {error.message}",
                            tuple(states), namespace) from None
    result = PublishResult(target, tuple(states), tuple(checks), tuple(stale), time.perf_counter() - start,
                           transport.requests)
    bad = [c for c in checks if not c.ok]
    if bad or stale:
        parts = []
        if bad:
            parts.append(f"{len(bad)} of {len(checks)} graphs differ from the build")
        if stale:
            parts.append(f"{len(stale)} stale graphs on the server")
        raise PublishMismatch("after publishing, " + " and ".join(parts) + " (listed above)", result)
    return result


def _drop(transport: Transport, target: Target, iri: str) -> None:
    if target.protocol is Protocol.GSP:
        transport.request("DELETE", _gsp_url(target.write_url, iri), ok=(404,))
    else:
        transport.request("POST", target.write_url, f"DROP SILENT GRAPH <{iri}>".encode("utf-8"),
                          {"Content-Type": "application/sparql-update"})


def summary(result: PublishResult) -> str:
    loaded = sum(1 for s in result.states if s.state is State.LOADED)
    dropped = sum(1 for s in result.states if s.state is State.DROPPED)
    text = (f"published {loaded} graphs, {result.triples:,} triples, to {result.target.write_url} "
            f"in {result.seconds:.1f} s ({result.requests} requests); the server holds exactly the build")
    if dropped:
        text += f"; dropped {dropped} stale graphs"
    widened = sum(c.widened for c in result.checks)
    if widened:
        text += (f" (the server keeps {widened:,} literals as other forms of the same values, e.g. "
                 "xsd:positiveInteger as xsd:integer or \"0.90\" as \"0.9\")")
    return text
