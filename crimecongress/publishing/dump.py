"""The build side: the named graphs of build/dataset.nq.gz, what should be on the server. The dump is
checked against MANIFEST.sha256, read in one pass that records where each graph's lines are, and each
graph's N-Triples are read back only when it is sent (GraphData), vocabulary graphs first.

It knows the dump and the build's graph names ({base}graph/...); it knows nothing of servers or HTTP.
"""
from __future__ import annotations

import hashlib
import mmap
import os
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from .. import dumps
from ..errors import InputError
from ..ids import graph_name, is_graph_namespace

VOCABULARY_GRAPHS = ("ontology", "taxonomy", "authorities")


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
    listed = dumps.listed_digests(build_dir)
    if not listed or dump.name not in listed:
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
    name = graph_name(iri)
    rank = VOCABULARY_GRAPHS.index(name) if name in VOCABULARY_GRAPHS else len(VOCABULARY_GRAPHS)
    return rank, iri


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
    unpacked = dumps.mappable(dump)
    runs: dict[bytes, list[list[int]]] = {}        # graph -> [[start, end, lines], ...]
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


def checked_ntriples(data: GraphData, dump_name: str = "dataset.nq") -> bytes:
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
    return is_graph_namespace(namespace)
