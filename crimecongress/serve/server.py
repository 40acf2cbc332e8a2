"""HTTP/1.1 on the standard library's ThreadingHTTPServer: one thread per connection, keep-alive, a limit on
request bodies (413), then the App does the rest.

Start-up order, so that SPARQL answers as soon as a worker has opened the store: bind the port, start the
SPARQL workers (they need only the BuildInfo), import the pages' modules while they start, then serve; the
pages' indexes load meanwhile in a thread, and a page asked for before they are there waits for them."""
from __future__ import annotations

import re
import select
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import CrimeCongressError
from .data import BuildInfo
from .sparql import QueryPool

if TYPE_CHECKING:
    from .app import App, Response

TEXT = "text/plain; charset=utf-8"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app: App | None, *, log: Callable[[str], None] | None = None,
                 trust_proxy: bool = False):
        self.app = app
        self.log = log
        self.trust_proxy = trust_proxy     # the client is the address a reverse proxy in front names
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "crimecongress"
    sys_version = ""
    timeout = 30                      # an idle keep-alive connection is closed after this many seconds
    disable_nagle_algorithm = True    # small responses go out at once (no 40 ms delayed-ACK stall)

    def version_string(self) -> str:
        return self.server_version

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":       # no headers, no status line: nothing safe to answer
            self.close_connection = True
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if getattr(self, "request_version", None) == "HTTP/0.9":
            self.close_connection = True               # a 0.9 client cannot read a status line; just hang up
            return
        super().send_error(code, message, explain)

    def _client(self) -> str:
        """Who asks: the peer's address, or behind a trusted reverse proxy the address it appended last to
        X-Forwarded-For (addresses before it are the client's own word and are not believed)."""
        forwarded = self.headers.get_all("X-Forwarded-For") if self.server.trust_proxy else None
        if forwarded:
            return forwarded[-1].split(",")[-1].strip()[:64] or self.client_address[0]
        return self.client_address[0]

    def _client_gone(self) -> bool:
        """True once the client has closed its side (readable with nothing to read); a pipelined next request
        is left where it is."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _serve(self) -> None:
        from .app import Request, Response      # loaded by run() before the first request is read
        app: App = self.server.app
        started = time.perf_counter()
        if self.headers.get("Transfer-Encoding") is not None:
            self.close_connection = True
            return self._send(Response(411, b"Send a Content-Length; chunked or other transfer-encoded request "
                                            b"bodies are not accepted.\n", [("Content-Type", TEXT)]), started)
        lengths = self.headers.get_all("Content-Length") or []
        # one Content-Length, digits only: a second one, a sign or a space could be read otherwise by a proxy in
        # front (request smuggling)
        if len(lengths) > 1 or (lengths and not re.fullmatch(r"[0-9]{1,15}", lengths[0].strip())):
            self.close_connection = True
            return self._send(Response(400, b"Bad request: send exactly one Content-Length, in digits.\n",
                                       [("Content-Type", TEXT)]), started)
        length = int(lengths[0]) if lengths else 0
        if length < 0 or length > app.max_body:
            self.close_connection = True     # the body stays unread: the connection cannot be reused
            return self._send(Response(413, f"The request body is larger than the limit of {app.max_body} "
                                            f"bytes.\n".encode(), [("Content-Type", TEXT)]), started)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            response = app.handle(Request(self.command, self.path, headers, body, client=self._client(),
                                          gone=self._client_gone))
        except Exception:                    # a bug: answer 500, keep serving, and say where on stderr
            traceback.print_exc()
            response = Response(500, b"Internal error: this request could not be answered. It has been logged.\n",
                                [("Content-Type", TEXT)])
        self._send(response, started)

    def _send(self, response: Response, started: float) -> None:
        self.send_response(response.status)
        for key, value in response.headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        # headers and body in one write (one packet for a small page)
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD" and response.status not in (204, 304):
            self._headers_buffer.append(response.body)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer = []
        log = self.server.log
        if log:
            log(f'{self.client_address[0]} "{self.command} {self.path[:200]}" {response.status} '
                f"{len(response.body)} {1000 * (time.perf_counter() - started):.1f}ms")

    do_GET = do_HEAD = do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args) -> None:   # errors from the base class (bad request lines)
        if self.server.log:
            self.server.log(format % args)


def run(build: Path, *, host: str = "127.0.0.1", port: int = 8080, base: str | None = None,
        query_timeout: float = 10.0, max_results: int = 10000, workers: int = 2, max_workers: int | None = None,
        per_client: int = 2, query_cache_mb: int = 64, worker_memory_mb: int | None = 2048,
        federation: frozenset[str] = frozenset(), trust_proxy: bool = False,
        log: Callable[[str], None] | None = None, announce: Callable[[str], None] = print) -> None:
    """Bind the port, start the query workers, load build/, and serve until interrupted (Ctrl-C, SIGTERM)."""
    started = time.perf_counter()
    try:
        server = Server((host, port), None, log=log, trust_proxy=trust_proxy)
    except OSError as error:
        raise CrimeCongressError(f"cannot listen on {host}:{port}: {error.strerror}",
                                 hint="choose another --port, or --port 0 for any free one") from None
    app = pool = None
    try:
        info = BuildInfo.read(build, base)
        pool = QueryPool(info.sparql_config(federation), workers=workers, max_workers=max_workers,
                         per_client=per_client, timeout=query_timeout, max_results=max_results,
                         memory_mb=worker_memory_mb)
        from .app import App                    # the pages' modules: imported while the workers start
        app = server.app = App(build, base=base, query_timeout=query_timeout, max_results=max_results,
                               workers=workers, max_workers=max_workers, per_client=per_client,
                               query_cache_bytes=query_cache_mb << 20, worker_memory_mb=worker_memory_mb,
                               federation=federation, info=info, pool=pool, background=True)
        said = threading.Event()                # the first two lines are out: the workers' line comes after them
        threading.Thread(target=_announce, args=(app, server, started, federation, announce, said),
                         daemon=True).start()
        threading.Thread(target=_announce_workers, args=(app, started, announce, said), daemon=True).start()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            pass
        if app.failure is not None:             # the pages could not be loaded: stopped, and why
            raise app.failure
    finally:
        server.server_close()
        if app is not None:
            app.close()
        elif pool is not None:
            pool.close()


def _announce(app: App, server: Server, started: float, federation: frozenset[str],
              announce: Callable[[str], None], said: threading.Event) -> None:
    """Say when the pages are ready, then (once the workers are ready too: they have the cores first) build the
    search and resolver indexes; stop the server when the pages cannot be loaded."""
    if not app.wait_loaded():
        said.set()
        server.shutdown()
        return
    announce(f"crimecongress serve: {app.data.triple_count} triples, {len(app.data.documents)} documents, "
             f"base {app.base} mapped onto {server.url} (ready in {time.perf_counter() - started:.2f} s; "
             f"SPARQL workers loading; federation {'to ' + ', '.join(sorted(federation)) if federation else 'off'})")
    announce(f"listening on {server.url}")
    sys.stdout.flush()
    said.set()
    if app.pool is not None:
        app.wait_workers()
    app.warm()


def _announce_workers(app: App, started: float, announce: Callable[[str], None], said: threading.Event) -> None:
    """Say when the SPARQL workers have loaded the store (queries before that wait for them)."""
    if app.wait_workers():
        ready = time.perf_counter() - started
        said.wait()
        if app.failure is None:
            unsandboxed = {w.unsandboxed for w in app.pool.ready_workers() if w.unsandboxed}
            note = f"; no network sandbox: {', '.join(sorted(unsandboxed))}" if unsandboxed else ""
            announce(f"SPARQL workers ready ({app.pool.min_workers}, in {ready:.2f} s{note})")


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt   # leave serve_forever and stop the query workers on the way out
