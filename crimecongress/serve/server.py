"""HTTP/1.1 on the standard library's ThreadingHTTPServer: one thread per connection, keep-alive, a limit on
request bodies (413), then the App does the rest."""
from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from ..errors import CrimeCongressError
from .app import App, Request, Response

TEXT = "text/plain; charset=utf-8"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app: App | None, *, log: Callable[[str], None] | None = None):
        self.app = app
        self.log = log
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

    def _serve(self) -> None:
        app: App = self.server.app
        started = time.perf_counter()
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            return self._send(Response(411, b"Send a Content-Length; chunked request bodies are not accepted.\n",
                                       [("Content-Type", TEXT)]), started)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return self._send(Response(400, b"Bad Content-Length.\n", [("Content-Type", TEXT)]), started)
        if length < 0 or length > app.max_body:
            self.close_connection = True     # the body stays unread: the connection cannot be reused
            return self._send(Response(413, f"The request body is larger than the limit of {app.max_body} "
                                            f"bytes.\n".encode(), [("Content-Type", TEXT)]), started)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            response = app.handle(Request(self.command, self.path, headers, body))
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
        query_timeout: float = 10.0, max_results: int = 10000, workers: int = 2, query_cache: int = 256,
        worker_memory_mb: int | None = 2048, log: Callable[[str], None] | None = None,
        announce: Callable[[str], None] = print) -> None:
    """Bind the port, load build/, start the query workers, and serve until interrupted (Ctrl-C, SIGTERM)."""
    started = time.perf_counter()
    try:
        server = Server((host, port), None, log=log)
    except OSError as error:
        raise CrimeCongressError(f"cannot listen on {host}:{port}: {error.strerror}",
                                 hint="choose another --port, or --port 0 for any free one") from None
    app = None
    try:
        app = server.app = App(build, base=base, query_timeout=query_timeout, max_results=max_results,
                               workers=workers, query_cache=query_cache, worker_memory_mb=worker_memory_mb)
        announce(f"crimecongress serve: {app.data.triple_count} triples, {len(app.data.documents)} documents, "
                 f"base {app.base} mapped onto {server.url} (ready in {time.perf_counter() - started:.2f} s; "
                 f"SPARQL workers loading)")
        announce(f"listening on {server.url}")
        sys.stdout.flush()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            pass
    finally:
        server.server_close()
        if app is not None:
            app.close()


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt   # leave serve_forever and stop the query workers on the way out
