"""`publish --timeout S` limits each request as a whole (connect, send, every read), not each read: a server
on loopback that trickles its answer a byte every half second is cut off after S seconds. And every mistake
in an endpoint URL is one line that names the option."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import publishing as pub
from crimecongress.ids import Minter
from crimecongress.publishing import Transport, TransportError

ROOT = Path(__file__).resolve().parents[1]
TRICKLE = 0.5          # seconds between two bytes
DEADLINE = 1.5         # --timeout
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()


class Trickler:
    """An HTTP server on 127.0.0.1 that sends its answer one byte every TRICKLE seconds (for at most 30 s);
    `quick` paths are answered at once. Records how long each trickled connection lasted."""

    def __init__(self, *, length: bool = True, head: bool = False, quick: tuple[str, ...] = ()):
        self.lasted: list[float] = []
        trickler, trickle_head = self, head

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                size = int(self.headers.get("Content-Length") or 0)
                if size:
                    self.rfile.read(size)
                body = ASK_TRUE
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                head += (f"Content-Length: {len(body)}\r\n".encode() if length else b"") + b"Connection: close\r\n\r\n"
                if any(self.path.startswith(path) for path in quick):
                    self.wfile.write(head + body)
                    return
                start = time.monotonic()
                try:
                    if not trickle_head:          # the head at once, then the body byte by byte
                        self.wfile.write(head)
                        head = b""
                    for byte in (head + body * 10)[:60]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(TRICKLE)
                except OSError:
                    pass
                trickler.lasted.append(time.monotonic() - start)
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def connections(self, count: int) -> list[float]:
        """How long the first `count` trickled connections lasted (the server sees a closed connection at
        its next writes, up to a second after the client closed it)."""
        pub.wait_until(lambda: len(self.lasted) >= count, 10, "the trickled connections to be closed")
        return self.lasted

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def trickler(request):
    server = Trickler(**getattr(request, "param", {}))
    yield server
    server.stop()


def run_publish(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CRIMECONGRESS_")}
    environment["NETRC"] = "/nonexistent/netrc"
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "crimecongress", "publish", *args], cwd=ROOT, env=environment,
                         capture_output=True, text=True, timeout=60)
    return run, time.monotonic() - start


@pytest.mark.parametrize("trickler", [{"head": True}, {"length": True}, {"length": False}], indirect=True,
                         ids=["head", "body-with-length", "body-read-until-close"])
def test_a_trickled_answer_is_cut_off_at_the_deadline(trickler):
    """The answer keeps coming (a byte every 0.5 s: no single read ever waits 1.5 s), yet the request ends
    after 1.5 s, whether its head or its body trickles; a body without a length, cut there, is not taken for
    a whole one."""
    transport = Transport(DEADLINE)
    start = time.monotonic()
    with pytest.raises(TransportError) as caught:
        transport.request("POST", trickler.url + "/query", b"query=ASK%20%7B%7D",
                          {"Content-Type": "application/x-www-form-urlencoded"})
    elapsed = time.monotonic() - start
    assert caught.value.kind == "timeout"
    assert "within 1.5 s" in caught.value.message
    assert DEADLINE - 0.1 <= elapsed < DEADLINE + 1.0, elapsed


@pytest.mark.parametrize("trickler", [{"quick": ("/",)}], indirect=True)
def test_a_quick_answer_is_not_affected_by_the_deadline(trickler):
    transport = Transport(DEADLINE)
    for _ in range(3):
        response = transport.request("POST", trickler.url + "/query", b"query=ASK%20%7B%7D",
                                     {"Content-Type": "application/x-www-form-urlencoded"})
        assert json.loads(response.body) == {"head": {}, "boolean": True}
    time.sleep(DEADLINE + 0.2)        # the deadlines of the finished requests fire into nothing
    assert transport.request("GET", trickler.url + "/query").status == 200
    assert trickler.lasted == [] and transport.requests == 4


def test_publish_to_a_trickling_endpoint_ends_at_the_deadline_with_one_line(trickler, tmp_path):
    build = pub.make_build(tmp_path / "build", Minter("http://publish.test/deadline/"), {"alpha-declaration": 3})
    run, elapsed = run_publish("--endpoint", trickler.url + "/query", "--build", str(build),
                               "--timeout", str(DEADLINE))
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: the SPARQL endpoint does not answer: no complete answer from "
                               f"{trickler.url}/query within 1.5 s")
    assert max(trickler.connections(1)) < DEADLINE + 2.0, trickler.lasted
    assert elapsed < 20, elapsed


@pytest.mark.parametrize("trickler", [{"quick": ("/query",)}], indirect=True)
def test_a_graph_whose_upload_is_answered_too_slowly_is_unknown_and_the_run_ends(trickler, tmp_path):
    """The endpoint answers, the graph store trickles: the first graph is reported 'unknown' after 1.5 s, the
    others 'not loaded', exit 2 (a re-run finishes)."""
    build = pub.make_build(tmp_path / "build", Minter("http://publish.test/deadline/"),
                           {"alpha-declaration": 3, "beta-declaration": 4})
    run, elapsed = run_publish("--endpoint", trickler.url + "/query", "--graph-store", trickler.url + "/store",
                               "--build", str(build), "--timeout", str(DEADLINE))
    assert run.returncode == 2, run.stderr
    states = [line.split()[0] for line in run.stderr.splitlines() if line.startswith("  ") and " triple" in line]
    assert states[0] == "unknown" and set(states[1:]) == {"not"}, run.stderr
    assert "within 1.5 s" in run.stderr and "Traceback" not in run.stderr
    assert len(trickler.connections(1)) == 1 and trickler.lasted[0] < DEADLINE + 2.0, trickler.lasted
    assert elapsed < 20, elapsed


@pytest.mark.parametrize("option, url, says", [
    ("--endpoint", "http://[::1", "is not a valid URL"),
    ("--endpoint", "ftp://x", "must be an http(s) URL"),
    ("--endpoint", "localhost:8080", "add the scheme: http://localhost:8080"),
    ("--endpoint", "http://", "has no host name"),
    ("--endpoint", "http://localhost:123456/query", "is not a valid URL"),
    ("--graph-store", "http://[::1", "is not a valid URL"),
    ("--update", "localhost:8080", "add the scheme"),
])
def test_a_bad_url_is_one_line_naming_the_option(tmp_path, option, url, says):
    build = pub.make_build(tmp_path / "build", Minter("http://publish.test/urls/"), {"alpha-declaration": 1})
    endpoint = url if option == "--endpoint" else f"http://127.0.0.1:{pub.free_port()}/query"
    args = ["--endpoint", endpoint] + ([option, url] if option != "--endpoint" else [])
    run, _ = run_publish(*args, "--build", str(build))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith(f"error: {option} ") and says in run.stderr, run.stderr


@pytest.mark.parametrize("trickler", [{"quick": ("/query",)}], indirect=True)
def test_sigterm_while_a_graph_is_sent_ends_the_run_at_once_with_one_line(trickler, tmp_path):
    """SIGTERM is Ctrl-C: the request in flight is cut (not left to its 60 s deadline), 'interrupted', exit 2."""
    build = pub.make_build(tmp_path / "build", Minter("http://publish.test/deadline/"), {"alpha-declaration": 3})
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CRIMECONGRESS_")}
    environment["NETRC"] = "/nonexistent/netrc"
    process = subprocess.Popen([sys.executable, "-m", "crimecongress", "publish", "--endpoint",
                                trickler.url + "/query", "--graph-store", trickler.url + "/store", "--build",
                                str(build), "--timeout", "60"], cwd=ROOT, env=environment, text=True,
                               stderr=subprocess.PIPE)
    assert process.stderr.readline().startswith("publishing ")
    time.sleep(1.0)                                   # the first graph is being trickled back
    stopped = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=30)
    assert process.returncode == 2
    assert rest.strip().splitlines()[-1] == "interrupted" and "Traceback" not in rest, rest
    assert time.monotonic() - stopped < 5
