"""Replacing one graph on the server: a PUT of its N-Triples (Graph Store Protocol; Oxigraph's
no_transaction with `bulk`), or DROP and INSERT DATA in chunks (SPARQL Update; servers cap an update's
size), and the state a graph is left in when that fails (failed, partial, unknown).

It loads the graph it is given; the order, the jobs and what a failure stops are run.py's.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..errors import InputError
from .dump import GraphData, checked_ntriples
from .target import Protocol, Target, gsp_url
from .transport import NTRIPLES, Transport, TransportError

DEFAULT_CHUNK = 1000            # triples per INSERT DATA request (update protocol)
MAX_CHUNK_BYTES = 4_000_000     # and at most this many bytes of N-Triples per request


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


class Loader:
    def __init__(self, transport: Transport, target: Target, chunk: int, *, bulk: bool = False):
        self.transport, self.target, self.chunk = transport, target, chunk
        self.media_type = NTRIPLES
        self.bulk = bulk and target.protocol is Protocol.GSP and target.server.lower().startswith("oxigraph")

    def load(self, data: GraphData) -> None:
        """Replace one graph on the server. Raises LoadError with the state the graph is left in."""
        try:
            text = checked_ntriples(data)
        except InputError as error:
            raise LoadError(State.FAILED, f"not sent: {error}") from None
        except OSError as error:
            raise LoadError(State.FAILED, f"not sent: cannot read the dump: {error.strerror or error}") from None
        if self.target.protocol is Protocol.GSP:
            self._put(data, text)
        else:
            self._update(data, text)

    def _put(self, data: GraphData, text: bytes) -> None:
        url = gsp_url(self.target.write_url, data.iri) + ("&no_transaction" if self.bulk else "")
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
            raise LoadError(state, error.message) from None

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
                raise LoadError(state, detail) from None
            done += chunk.count(b"\n")


class LoadError(Exception):
    def __init__(self, state: State, detail: str):
        super().__init__(detail)
        self.state, self.detail = state, detail
