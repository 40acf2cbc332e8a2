"""A SPARQL worker process: opens the build's persistent store read-only (crimecongress.store; without one, loads
the dump into memory) and answers one query at a time.

Started by `crimecongress.serve.sparql.QueryPool` as `python -m crimecongress.serve.worker FD`, where FD is
its end of a socket pair. Protocol (pickled messages over multiprocessing.connection):
  parent -> {"load": config}            worker -> ("ready", triples, why unsandboxed or None) | ("failed", message)
  parent -> {"query": ..., ...}         worker -> {"status", "type", "body", "headers"}
The parent kills the process when a query outlives its time limit (pyoxigraph cannot cancel a running
query from Python), so this module keeps its imports small: a replacement must start fast.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from .. import dumps
from ..export import Compactor, serialise
from .negotiate import choose
from .rdf import Blank, from_ox, nt_term
from .sandbox import forbid_network

SELECT_FORMATS = [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                  ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("html", "text/html")]
SELECT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml", "text/plain": "tsv"}
GRAPH_FORMATS = [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                 ("rdf", "application/rdf+xml"), ("html", "text/html")]
GRAPH_ALIASES = {"application/x-turtle": "ttl", "application/json": "jsonld", "text/plain": "nt",
                 "application/xml": "rdf", "text/xml": "rdf"}
MEDIA = dict(SELECT_FORMATS + GRAPH_FORMATS)
CHECK_EVERY = 64          # rows between two looks at the clock


class Timeout(Exception):
    pass


def answer(status: int, body: bytes | str, media_type: str = "text/plain; charset=utf-8", **headers) -> dict:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return {"status": status, "type": media_type, "body": body, "headers": headers}


def too_many(limit: int, what: str) -> dict:
    """An answer over the row limit is refused whole, never cut short: a client that reads a 200 takes it as the
    whole answer."""
    return answer(400, f"The answer has more than {limit:,} {what}, the row limit of this endpoint, so it is not "
                       f"sent. Ask for fewer: add LIMIT {limit} and page with OFFSET, narrow the patterns, or count "
                       f"with COUNT. The dumps (/dataset/dataset.nq, /dataset/dataset.ttl) hold the whole dataset.\n",
                  **{"X-SPARQL-MaxRows": str(limit)})


def open_store(config: dict) -> ox.Store:
    """The build's persistent store, read-only, when the server has one (crimecongress.store: made by the server
    process, since the bulk loader needs more memory than a worker may have); else the dump loaded into memory."""
    if config.get("store"):
        try:
            return ox.Store.read_only(config["store"])
        except (OSError, RuntimeError):
            pass                  # removed or damaged since the server looked: load the dump instead
    store = ox.Store()
    dumps.load_quads(store, Path(config["nquads"]))
    for path, graph in config.get("extra", []):
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return store


# Bytes a quad takes in an in-memory store, with room to spare (measured: about 410), and the share of a worker's
# memory limit a copy may take; without a limit, the copy's ceiling.
MEMORY_PER_QUAD = 1024
MEMORY_SHARE = 0.5
UNLIMITED_COPY_MB = 1024


def fits_in_memory(quads: int, limit_mb: int | None) -> bool:
    """Whether a copy of `quads` quads fits in memory beside what the worker needs to answer queries."""
    ceiling = limit_mb * MEMORY_SHARE if limit_mb else UNLIMITED_COPY_MB
    return quads * MEMORY_PER_QUAD <= ceiling * (1 << 20)


class Engine:
    def __init__(self, config: dict, limit_mb: int | None = None):
        self.store = open_store(config)
        self.compactor = Compactor(config["context"])
        self.prefixes = config["prefixes"]
        self.in_memory = threading.Event()
        if config.get("store") and fits_in_memory(len(self.store), limit_mb):
            threading.Thread(target=self._hold_in_memory, name="copy", daemon=True).start()

    def _hold_in_memory(self) -> None:
        """Answer from a copy of the data in memory once it is made: the example queries run three to five times
        faster there than on the persistent store. Until then (about a second) the persistent store answers;
        pyoxigraph lets queries run while the copy is made."""
        try:
            # at the lowest priority (Linux sets it per thread): the copy is made while the server loads its pages.
            # The thread holds the interpreter's lock only between pyoxigraph's calls, so a query waiting for the
            # lock seldom waits on a thread the system runs last
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except (OSError, AttributeError):
            pass
        copy = ox.Store()
        try:
            # a graph at a time, through pyoxigraph's own dump and loader, which let go of the interpreter's lock
            # while they work: queries keep being answered meanwhile (a copy through a Python iterator held it)
            for graph in list(self.store.named_graphs()) + [ox.DefaultGraph()]:
                data = self.store.dump(format=ox.RdfFormat.N_QUADS, from_graph=graph)
                copy.bulk_load(data, format=ox.RdfFormat.N_QUADS, to_graph=graph)
        except (OSError, RuntimeError, MemoryError):
            return                # the persistent store goes on answering
        self.store = copy
        self.in_memory.set()

    def run(self, request: dict) -> dict:
        deadline = time.monotonic() + request["timeout"]
        limit = request["max_results"]
        options = {}
        if request.get("default_graphs"):
            options["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
        else:
            options["use_default_graph_as_union"] = True
        if request.get("named_graphs"):
            options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
        try:
            result = self.store.query(request["query"], base_iri=request.get("base_iri"), **options)
            if isinstance(result, ox.QueryBoolean):
                return self.boolean(bool(result), request["accept"])
            if isinstance(result, ox.QuerySolutions):
                return self.solutions(result, request["accept"], limit, deadline)
            return self.graph(result, request["accept"], limit, deadline)
        except SyntaxError as error:
            return answer(400, f"Malformed query: {error}\n")
        except Timeout:
            return answer(503, f"The query ran longer than the time limit of {request['timeout_label']} s and was "
                               f"stopped. Narrow it down (LIMIT, more specific patterns) and try again.\n")
        except (OSError, ValueError, TypeError, RuntimeError) as error:
            return answer(500, f"The query failed: {error}\n")

    # --- SELECT -----------------------------------------------------------------------------------------------------
    def solutions(self, solutions, accept: str, limit: int, deadline: float) -> dict:
        fmt = choose(accept, SELECT_FORMATS, SELECT_ALIASES)
        if fmt is None:
            return not_acceptable(SELECT_FORMATS)
        variables = [v.value for v in solutions.variables]
        rows = []
        for n, solution in enumerate(solutions):
            if n >= limit:
                return too_many(limit, "rows")
            rows.append([None if solution[i] is None else from_ox(solution[i]) for i in range(len(variables))])
            if n % CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise Timeout()
        writer = {"json": select_json, "html": select_json, "xml": select_xml, "csv": select_csv,
                  "tsv": select_tsv}[fmt]
        return answer(200, writer(variables, rows), media_type(fmt), **({"X-Format": "html"} if fmt == "html" else {}))

    def boolean(self, value: bool, accept: str) -> dict:
        fmt = choose(accept, SELECT_FORMATS, SELECT_ALIASES)
        if fmt is None:
            return not_acceptable(SELECT_FORMATS)
        if fmt in ("json", "html"):
            body = json.dumps({"head": {}, "boolean": value})
        elif fmt == "xml":
            body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                    f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n")
        else:
            body = "true\n" if value else "false\n"
        return answer(200, body, media_type(fmt), **({"X-Format": "html"} if fmt == "html" else {}))

    # --- CONSTRUCT / DESCRIBE ---------------------------------------------------------------------------------------
    def graph(self, triples, accept: str, limit: int, deadline: float) -> dict:
        fmt = choose(accept, GRAPH_FORMATS, GRAPH_ALIASES)
        if fmt is None:
            return not_acceptable(GRAPH_FORMATS)
        rows = {}
        for n, triple in enumerate(triples):
            if n >= limit:
                return too_many(limit, "triples")
            if type(triple.object) is ox.Triple:          # an RDF-star triple term: written as its text
                triple = ox.Triple(triple.subject, triple.predicate, ox.Literal(str(triple.object)))
            rows[triple] = None
            if n % CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise Timeout()
        if fmt == "html":
            fmt = "ttl"
        body = serialise(fmt, list(rows), self.prefixes, self.compactor)
        return answer(200, body, media_type(fmt))


def media_type(fmt: str) -> str:
    media = MEDIA[fmt]
    return media + "; charset=utf-8" if media.startswith("text/") else media


def not_acceptable(offers) -> dict:
    listed = ", ".join(m for _, m in offers if m != "text/html")
    return answer(406, f"None of the requested media types can be produced for this query. Available: {listed}\n")


# --- SPARQL results writers ----------------------------------------------------------------------------------------

def _json_term(term) -> dict:
    if isinstance(term, str):
        return {"type": "uri", "value": term}
    if isinstance(term, Blank):
        return {"type": "bnode", "value": term.id}
    out = {"type": "literal", "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def select_json(variables, rows) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


def select_xml(variables, rows) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f'<variable name="{xml_escape(v)}"/>' for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        for v, t in zip(variables, row):
            if t is None:
                continue
            if isinstance(t, str):
                inner = f"<uri>{xml_escape(t)}</uri>"
            elif isinstance(t, Blank):
                inner = f"<bnode>{xml_escape(t.id)}</bnode>"
            elif t.lang:
                inner = f'<literal xml:lang="{xml_escape(t.lang)}">{xml_escape(_xml_safe(t.value))}</literal>'
            elif t.datatype:
                inner = (f'<literal datatype="{xml_escape(t.datatype)}">'
                         f"{xml_escape(_xml_safe(t.value))}</literal>")
            else:
                inner = f"<literal>{xml_escape(_xml_safe(t.value))}</literal>"
            out.append(f'<binding name="{xml_escape(v)}">{inner}</binding>')
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _csv_field(term) -> str:
    if term is None:
        return ""
    value = term if isinstance(term, str) else f"_:{term.id}" if isinstance(term, Blank) else term.value
    if any(c in value for c in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def select_csv(variables, rows) -> bytes:
    lines = [",".join(_csv_field(v) for v in variables)]
    lines += [",".join(_csv_field(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def select_tsv(variables, rows) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else nt_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- the process ---------------------------------------------------------------------------------------------------

def _limit_memory() -> int | None:
    """Apply the memory limit the server set (in MB), and return it."""
    limit = os.environ.get("CRIMECONGRESS_WORKER_MEMORY_MB")
    if not limit:
        return None
    import resource
    size = int(limit) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    return int(limit)


def main(argv: list[str]) -> int:
    conn = Connection(int(argv[1]))
    try:
        config = conn.recv()["load"]
        # no SERVICE may leave the process: take the network away unless the operator allowed federation
        unsandboxed = "federation allowed" if config.get("federation") else forbid_network()
        limit_mb = _limit_memory()
        try:
            engine = Engine(config, limit_mb)
        except (OSError, SyntaxError, ValueError) as error:
            conn.send(("failed", str(error)))
            return 2
        conn.send(("ready", len(engine.store), unsandboxed))
        while True:
            request = conn.recv()
            conn.send(engine.run(request))
    except (EOFError, OSError, KeyboardInterrupt):
        return 0          # the server went away or stopped us


if __name__ == "__main__":
    sys.exit(main(sys.argv))
