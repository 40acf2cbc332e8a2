"""The publish command's run: read the dump, choose where to write, load the graphs (`jobs` at a time, no new
one started after a failure, the requests in flight ended at once when interrupted), verify, prune, and
the one-line summary. Loading that stops half-way raises PublishFailed (exit 2), a server that does not
hold exactly the build PublishMismatch (exit 1), each with one line per graph to show.

It ties the other modules together; it speaks HTTP only through transport.py.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..errors import EXIT_INVALID, CrimeCongressError, InputError
from .dump import GraphData, graph_namespace, owns_namespace, read_dataset
from .loading import DEFAULT_CHUNK, GraphState, Loader, LoadError, State
from .target import Protocol, Target, gsp_url, resolve_target
from .transport import DEFAULT_TIMEOUT, Transport, TransportError, check_url
from .verification import GraphCheck, Progress, verify


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
    loader = Loader(transport, target, chunk, bulk=bulk)
    width = len(str(len(graphs)))
    names = max(len(_short(g.iri, namespace)) for g in graphs)

    def load_one(index: int, data: GraphData) -> GraphState:
        began = time.perf_counter()
        try:
            loader.load(data)
        except LoadError as error:
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
        transport.request("DELETE", gsp_url(target.write_url, iri), ok=(404,))
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
