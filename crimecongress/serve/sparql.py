"""The SPARQL 1.1 Protocol, read-only, with a time limit and a row limit per query.

How the time limit works: pyoxigraph releases the GIL while it evaluates, but a running query cannot be
cancelled from Python, and a thread that runs it can never be stopped. So queries run in worker *processes*
(`crimecongress.serve.worker`), each with its own in-memory copy of the store (bulk-loaded from
dataset.nq in a fraction of a second). A request thread borrows an idle worker, sends the query and waits on
the pipe for at most the time limit. The worker itself reads results lazily and looks at the clock every few
rows, so a query that streams too long stops itself and the worker stays; a query stuck inside one step
(a huge join, ORDER BY, COUNT over a cross product) is cut off by the server: the worker is killed
(SIGKILL), a fresh one starts in the background, and the client gets 503 with the reason. Pages, search
and other queries go on meanwhile: they are served by other threads and other workers. When every worker is
busy, a query waits for one until its own time limit and then gets 503 ("busy"). Each worker also has a cap
on its address space (RLIMIT_AS, --worker-memory): a query that would eat the machine's memory before its
time is up makes its worker fail instead; the client gets 500 with the reason and a new worker starts.
"""
from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_KEYWORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
STARTUP_LIMIT = 60.0      # seconds a new worker may take to load the store
GRACE = 0.5               # seconds past the limit before the server kills a worker (it may stop itself first)


@dataclass
class Outcome:
    status: int
    media_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


def first_keyword(query: str) -> str | None:
    """The first keyword after the prologue (PREFIX/BASE), ignoring comments, strings and IRIs."""
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', " ", query)
    text = re.sub(r"<[^<>\s]*>", " ", text)
    text = re.sub(r"#[^\n]*", " ", text)
    tokens = re.findall(r"[A-Za-z_][\w.-]*:?|:", text)
    i = 0
    while i < len(tokens):
        upper = tokens[i].upper()
        if upper == "PREFIX":
            i += 2          # the keyword and the prefix name ("uncc:")
            continue
        if upper == "BASE":
            i += 1
            continue
        return upper if upper in UPDATE_KEYWORDS or upper in QUERY_KEYWORDS else None
    return None


def is_update(query: str) -> bool:
    return first_keyword(query) in UPDATE_KEYWORDS


class Worker:
    def __init__(self, config: dict, memory_mb: int | None = None):
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(PACKAGE_ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))}
        if memory_mb:
            env["CRIMECONGRESS_WORKER_MEMORY_MB"] = str(memory_mb)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crimecongress.serve.worker", str(child.fileno())],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env, close_fds=True)
        child.close()
        self.conn = Connection(parent.detach())
        self.conn.send({"load": config})
        self.ready = False
        self.failed: str | None = None

    def wait_ready(self, timeout: float) -> bool:
        if self.ready:
            return True
        if self.conn.poll(timeout):
            message = self.conn.recv()
            if message[0] == "ready":
                self.ready = True
            else:
                self.failed = message[1]
        return self.ready

    def kill(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        try:
            self.conn.close()
        except OSError:
            pass
        threading.Thread(target=self.process.wait, daemon=True).start()


class QueryPool:
    """A fixed number of worker processes; a worker that overruns is killed and replaced."""

    def __init__(self, config: dict, *, workers: int = 2, timeout: float = 10.0, max_results: int = 10000,
                 memory_mb: int | None = 2048):
        self.config = config
        self.memory_mb = memory_mb
        self.timeout = timeout
        self.max_results = max_results
        self.size = max(1, workers)
        self._idle: "queue.Queue[Worker]" = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self.killed = 0
        self.closed = False
        for _ in range(self.size):
            self._idle.put(self._start())

    def _start(self) -> Worker:
        worker = Worker(self.config, self.memory_mb)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
        if not self.closed:
            self._idle.put(self._start())

    def wait_ready(self, timeout: float = STARTUP_LIMIT) -> bool:
        """Block until every worker has loaded the store (used at start-up and by tests)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            workers = list(self._workers)
        return all(w.wait_ready(max(0.0, deadline - time.monotonic())) for w in workers)

    def execute(self, query: str, accept: str, *, default_graphs=(), named_graphs=(), base_iri=None) -> Outcome:
        limit_label = f"{self.timeout:g}"
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Outcome(503, "text/plain; charset=utf-8",
                           f"Every query worker is busy; no worker came free within {limit_label} s. "
                           f"Try again shortly.\n".encode(), {"Retry-After": "5"})
        healthy = False
        try:
            if not worker.wait_ready(STARTUP_LIMIT):
                reason = worker.failed or "it did not load the dataset in time"
                return Outcome(500, "text/plain; charset=utf-8", f"A query worker failed: {reason}\n".encode())
            deadline = time.monotonic() + self.timeout
            worker.conn.send({"query": query, "accept": accept, "timeout": self.timeout,
                              "timeout_label": limit_label, "max_results": self.max_results,
                              "default_graphs": list(default_graphs), "named_graphs": list(named_graphs),
                              "base_iri": base_iri})
            if worker.conn.poll(max(0.0, deadline - time.monotonic()) + GRACE):
                reply = worker.conn.recv()
                healthy = True
                return Outcome(reply["status"], reply["type"], reply["body"], reply["headers"])
            self.killed += 1
            return Outcome(503, "text/plain; charset=utf-8",
                           f"The query ran longer than the time limit of {limit_label} s and was stopped. "
                           f"Narrow it down (LIMIT, more specific patterns) and try again.\n".encode())
        except (EOFError, OSError) as error:
            return Outcome(500, "text/plain; charset=utf-8",
                           f"The query worker stopped while answering ({error.__class__.__name__}); the query may "
                           f"need more memory than a worker has. A new worker has been started.\n".encode())
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._retire(worker)

    def close(self) -> None:
        self.closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
