"""The SPARQL 1.1 Protocol, read-only, with a time limit and a row limit per query.

How the time limit works: pyoxigraph releases the GIL while it evaluates, but a running query cannot be
cancelled from Python, and a thread that runs it can never be stopped. So queries run in worker *processes*
(`crimecongress.serve.worker`), each opening the build's persistent store read-only (`crimecongress.store`: made
once per build, then opened in milliseconds; a worker that cannot use the cache loads the dump into memory
instead). A request thread borrows an idle worker, sends the query and waits on
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
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait as wait_for
from pathlib import Path
from typing import Callable

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
STARTUP_LIMIT = 60.0      # seconds a new worker may take to load the store
GRACE = 0.5               # seconds past the limit before the server kills a worker (it may stop itself first)
POLL = 0.05              # seconds between two looks at a waiting query's client and clock
HEAVY_NICE = 10          # CPU priority of a worker running a long query
SUSPECT_FOR = 30.0       # seconds a client that sent a long query stays behind the others for the last worker
SPARE = 2                # idle workers kept beyond the minimum while the pool shrinks back
TEXT = "text/plain; charset=utf-8"


@dataclass
class Outcome:
    status: int
    media_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


class Worker:
    def __init__(self, config: dict, memory_mb: int | None = None):
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(PACKAGE_ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))}
        if memory_mb:
            env["CRIMECONGRESS_WORKER_MEMORY_MB"] = str(memory_mb)
            # the limit is on address space, and glibc reserves 64 MB of it per malloc arena (one per thread the
            # store's engine starts): opening the store alone reached 590 MB of a 600 MB limit, so that a worker
            # sometimes died before its first query. Two arenas: 260 MB.
            env.setdefault("MALLOC_ARENA_MAX", "2")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crimecongress.serve.worker", str(child.fileno())],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env, close_fds=True)
        child.close()
        self.conn = Connection(parent.detach())
        self.conn.send({"load": config})
        self.ready = False
        self.failed: str | None = None
        self.unsandboxed: str | None = None      # why the network could not be taken away from it, if so
        self._lock = threading.Lock()

    def wait_ready(self, timeout: float) -> bool:
        """True once the worker has loaded the store. Waits outside the lock, so that the dispatcher's quick
        look (timeout 0) never queues behind a long wait."""
        if not (self.ready or self.failed) and timeout > 0:
            try:
                wait_for([self.conn], timeout)
            except (OSError, ValueError):
                return False                          # killed meanwhile
        with self._lock:
            if self.ready or self.failed:
                return self.ready
            try:
                if self.conn.poll(0):
                    message = self.conn.recv()
                    if message[0] == "ready":
                        self.ready = True
                        self.unsandboxed = message[2]
                    else:
                        self.failed = message[1]
            except (EOFError, OSError):
                self.failed = "the worker process ended while loading the store"
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


def default_max_workers() -> int:
    """Room for a few long queries beside the quick ones: twice the cores, plus two."""
    return 2 * (os.cpu_count() or 1) + 2


@dataclass(eq=False)
class _Ticket:
    """One query waiting for a worker; the dispatcher hands it one and sets `given`."""
    client: str
    given: threading.Event = field(default_factory=threading.Event)
    worker: Worker | None = None


def _busy(message: str, retry: int = 5) -> Outcome:
    return Outcome(503, TEXT, message.encode(), {"Retry-After": str(retry)})


class QueryPool:
    """Worker processes shared fairly between clients.

    - Each client (the caller names it: the peer address) has at most `per_client` queries running and
      `queue_per_client` waiting; waiting queries are handed workers round-robin between clients, so one
      client's burst does not push everyone else back.
    - The pool keeps `workers` processes warm and grows to `max_workers` so that one stays idle for the next
      query; it shrinks back when they idle.
    - A query still running after `heavy_after` seconds is heavy: its worker's CPU priority is lowered (nice
      +10), so quick queries keep the cores, and at most `max_workers - 1` heavy queries run at once: one more is
      stopped with 503 at once rather than taking the last worker from everyone else.
    - A query whose client has hung up (`gone()` true) is cancelled: its worker is killed and replaced.
    """

    def __init__(self, config: dict, *, workers: int = 2, max_workers: int | None = None, per_client: int = 2,
                 queue_per_client: int = 8, timeout: float = 10.0, max_results: int = 10000,
                 memory_mb: int | None = 2048, heavy_after: float = 0.5):
        self.config = config
        self.memory_mb = memory_mb
        self.timeout = timeout
        self.max_results = max_results
        self.min_workers = max(1, workers)
        self.max_workers = max(self.min_workers, max_workers or default_max_workers())
        self.per_client = max(1, per_client)
        self.queue_per_client = max(1, queue_per_client)
        self.heavy_after = heavy_after
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._workers: set[Worker] = set()
        self._waiting: "OrderedDict[str, deque[_Ticket]]" = OrderedDict()
        self._running: Counter = Counter()
        self._heavy: set[Worker] = set()
        self._suspects: dict[str, float] = {}          # client -> until when it counts as sending long queries
        self.killed = 0
        self.closed = False
        with self._lock:
            for _ in range(self.min_workers):
                self._idle.append(self._start())

    # --- workers (called with the lock held) -------------------------------------------------------------------
    def _start(self) -> Worker:
        worker = Worker(self.config, self.memory_mb)
        self._workers.add(worker)
        return worker

    def _keep_one_idle(self) -> None:
        if not self.closed and not self._idle and len(self._workers) < self.max_workers:
            self._idle.append(self._start())

    def _dispatch(self) -> None:
        """Hand idle workers to waiting queries, one client after another. While several clients send long
        queries, they wait whenever only one loaded worker is idle: that one is kept for everyone else."""
        now = time.monotonic()
        for client in [c for c, until in self._suspects.items() if until < now]:
            del self._suspects[client]
        while self._idle and self._waiting:
            loaded = [w for w in self._idle if w.wait_ready(0)]
            # a worker that has loaded the store (or failed to: the query then gets the reason); none: wait
            worker = loaded[-1] if loaded else next((w for w in self._idle if w.failed), None)
            hold_back = self._suspects if len(self._suspects) > 1 and len(loaded) <= 1 else {}
            client = next((c for c in self._waiting if self._running[c] < self.per_client
                           and c not in hold_back), None)
            if worker is None or client is None:
                break
            line = self._waiting.pop(client)
            ticket = line.popleft()
            if line:
                self._waiting[client] = line           # to the back of the round
            self._idle.remove(worker)
            ticket.worker = worker
            self._running[client] += 1
            ticket.given.set()
        self._keep_one_idle()

    def _withdraw(self, ticket: _Ticket) -> None:
        line = self._waiting.get(ticket.client)
        if line and ticket in line:
            line.remove(ticket)
            if not line:
                del self._waiting[ticket.client]

    def _release(self, ticket: _Ticket, healthy: bool) -> None:
        worker = ticket.worker
        with self._lock:
            self._running[ticket.client] -= 1
            if self._running[ticket.client] <= 0:
                del self._running[ticket.client]
            was_heavy = worker in self._heavy
            self._heavy.discard(worker)
        if healthy and was_heavy:
            healthy = _renice(worker, 0)               # back to normal priority, where the system allows it
        with self._lock:
            if healthy and not self.closed:
                self._idle.append(worker)
            else:
                self._workers.discard(worker)
                worker.kill()
            # shrink back, slowly: up to SPARE idle workers stay (one for the next query, one for the one
            # after: trimming to one would start a worker for nearly every query under load)
            while len(self._idle) > SPARE and len(self._workers) > self.min_workers:
                retired = self._idle.pop(0)
                self._workers.discard(retired)
                retired.kill()
            while len(self._workers) < self.min_workers and not self.closed:
                self._idle.append(self._start())
            self._dispatch()

    # --- the public side ---------------------------------------------------------------------------------------
    def wait_ready(self, timeout: float = STARTUP_LIMIT) -> bool:
        """Block until every worker has loaded the store (used at start-up and by tests)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            workers = list(self._idle)
        return all(w.wait_ready(max(0.0, deadline - time.monotonic())) for w in workers)

    def ready_workers(self) -> list[Worker]:
        with self._lock:
            return [w for w in self._workers if w.ready]

    def execute(self, query: str, accept: str, *, client: str = "", gone: Callable[[], bool] | None = None,
                default_graphs=(), named_graphs=(), base_iri=None) -> Outcome:
        limit_label = f"{self.timeout:g}"
        started = time.monotonic()
        deadline = started + self.timeout
        ticket = _Ticket(client)
        with self._lock:
            line = self._waiting.setdefault(client, deque())
            if len(line) >= self.queue_per_client:
                if not line:
                    del self._waiting[client]
                return Outcome(429, TEXT, f"Too many queries from {client or 'this client'} at once: at most "
                                          f"{self.per_client} run and {self.queue_per_client} wait. Send the next "
                                          f"one when an answer has come back.\n".encode(), {"Retry-After": "2"})
            line.append(ticket)
            self._dispatch()
        while not ticket.given.wait(POLL):
            with self._lock:
                self._dispatch()                       # a worker may have finished loading meanwhile
            if ticket.given.is_set():
                break
            if (gone and gone()) or time.monotonic() > deadline:
                with self._lock:
                    if not ticket.given.is_set():
                        self._withdraw(ticket)
                        if gone and gone():
                            return Outcome(499, TEXT, b"The client closed the connection.\n")
                        return _busy(f"Every query worker is busy; no worker came free within {limit_label} s. "
                                     f"Try again shortly.\n")
        return self._run(ticket, query, accept, deadline, limit_label, gone,
                         {"default_graphs": list(default_graphs), "named_graphs": list(named_graphs),
                          "base_iri": base_iri})

    def _run(self, ticket: _Ticket, query: str, accept: str, deadline: float, limit_label: str,
             gone: Callable[[], bool] | None, graphs: dict) -> Outcome:
        worker = ticket.worker
        healthy = False
        try:
            if not worker.wait_ready(STARTUP_LIMIT):
                reason = worker.failed or "it did not load the dataset in time"
                return Outcome(500, TEXT, f"A query worker failed: {reason}\n".encode())
            sent = time.monotonic()
            worker.conn.send({"query": query, "accept": accept, "timeout": max(0.1, deadline - sent),
                              "timeout_label": limit_label, "max_results": self.max_results, **graphs})
            while not worker.conn.poll(POLL):
                now = time.monotonic()
                if now > deadline + GRACE:
                    self.killed += 1
                    return Outcome(503, TEXT, f"The query ran longer than the time limit of {limit_label} s and "
                                              f"was stopped. Narrow it down (LIMIT, more specific patterns) and try "
                                              f"again.\n".encode())
                if gone and gone():
                    return Outcome(499, TEXT, b"The client closed the connection; the query was stopped.\n")
                if now - sent > self.heavy_after and worker not in self._heavy:
                    with self._lock:
                        too_many = len(self._heavy) >= self.max_workers - 1
                        self._suspects[ticket.client] = now + SUSPECT_FOR
                        if not too_many:
                            self._heavy.add(worker)
                            self._keep_one_idle()
                    if too_many:
                        return _busy(f"The endpoint is busy with {len(self._heavy)} long queries; yours ran "
                                     f"{now - sent:.1f} s and was stopped so that quick queries still get an "
                                     f"answer. Try again later, or narrow it down.\n", retry=10)
                    _renice(worker, HEAVY_NICE)
            reply = worker.conn.recv()
            healthy = True
            return Outcome(reply["status"], reply["type"], reply["body"], reply["headers"])
        except (EOFError, OSError) as error:
            return Outcome(500, TEXT, f"The query worker stopped while answering ({error.__class__.__name__}); the "
                                      f"query may need more memory than a worker has. A new worker has been "
                                      f"started.\n".encode())
        finally:
            self._release(ticket, healthy)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            workers = list(self._workers)
            self._workers.clear()
            self._idle.clear()
        for worker in workers:
            worker.kill()


def _renice(worker: Worker, niceness: int) -> bool:
    """Set a worker's CPU priority; False when the system does not allow it (raising it back needs privilege)."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, niceness)
        return True
    except OSError:
        return False
