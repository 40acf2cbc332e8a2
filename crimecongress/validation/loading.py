"""The data to validate, read: RDF files (any syntax, gzipped or not, bounded by crimecongress.limits) as
N-Triples, graphs (lists of pyoxigraph Triples) and pyoxigraph Stores gathered into Data, which loads them into
one Store (or one rdflib Graph, for pyshacl). Syntax errors become one InputError naming the file, line and column.

It knows nothing of the shapes, the engines or the findings, nor of declaration texts (see drafts.py).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from .. import limits
from ..errors import InputError
from .shapes import NS

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}
FORMAT_NAMES = {"turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS, "nq": ox.RdfFormat.N_QUADS,
                "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
                "xml": ox.RdfFormat.RDF_XML, "rdfxml": ox.RdfFormat.RDF_XML}


def rdf_format_for(path: Path, override: str | None = None) -> ox.RdfFormat:
    if override:
        try:
            return FORMAT_NAMES[override.lower()]
        except KeyError:
            raise InputError(f"unknown RDF format {override!r}", hint=f"use one of {', '.join(sorted(FORMAT_NAMES))}") from None
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the RDF format from the suffix {path.suffix!r}", file=str(path),
                         hint="give a declaration text (.txt, .md) or RDF (.ttl, .nt, .nq, .jsonld), "
                              "or name the RDF format with --rdf-format")
    return fmt


def _syntax_error(error: SyntaxError, path: str) -> InputError:
    message = re.sub(r"^Parser error (at|between) line[^:]*: ", "", str(error.msg or error)).strip()
    return InputError(f"not valid RDF: {message.splitlines()[0] if message else 'syntax error'}", file=path,
                      line=error.lineno, column=error.offset)


_TYPED = re.compile(rb'"\^\^<(?!http://www\.w3\.org/2001/XMLSchema#string>)')


def _typed_lines(chunk: bytes) -> bytes:
    """The N-Triples lines whose object is a typed literal other than xsd:string (the ones a Store rewrites)."""
    lines, end = [], -1
    for match in _TYPED.finditer(chunk):
        if match.start() < end:
            continue
        start = chunk.rfind(b"\n", 0, match.start()) + 1
        end = chunk.find(b"\n", match.start())
        end = len(chunk) if end < 0 else end
        lines.append(chunk[start:end])
    return b"\n".join(lines)


@dataclass
class Data:
    """The data to validate, as written: N-Triples chunks (what pyshacl reads, and what the Store is loaded
    from) or graphs (sequences of pyoxigraph Triples, as the emit stage gives them), plus any pyoxigraph Store
    given as is."""

    # (file name for errors, N-Triples): a list, or any iterable that can be iterated again (chunks of a dataset
    # too large to hold twice are then read as they are loaded)
    ntriples: Iterable[tuple[str, bytes]] = field(default_factory=list)
    graphs: list = field(default_factory=list)
    stores: list = field(default_factory=list)

    def store(self) -> tuple[ox.Store, dict]:
        """A Store with all the data, and the typed literals as written (predicate -> subject -> literals):
        the Store normalises them (oxigraph/oxigraph#526), the checks must see them as written. A syntax
        error in N-Triples raises InputError with the file, line and column."""
        store = ox.Store()
        literals: dict = {}
        chunks = chain(self.ntriples, (("(graph)", _graph_ntriples(g)) for g in self.graphs))
        for name, chunk in chunks:
            with _parsing(name):
                store.load(chunk, format=ox.RdfFormat.N_TRIPLES)
            typed = _typed_lines(chunk)
            for triple in ox.parse(typed, format=ox.RdfFormat.N_TRIPLES):
                obj = triple.object
                if obj.language is None and obj.datatype.value != NS["xsd"] + "string":
                    literals.setdefault(triple.predicate.value, {}).setdefault(triple.subject, []).append(obj)
        for given in self.stores:
            store.extend(given.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return store, literals

    def rdflib_graph(self):
        """One rdflib Graph with all the data as written (for pyshacl)."""
        from rdflib import Graph
        graph = Graph()
        for _, chunk in self.ntriples:
            graph.parse(data=chunk, format="nt")
        for given in self.graphs:
            graph.parse(data=_graph_ntriples(given), format="nt")
        for given in self.stores:
            graph.parse(data=given.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
        return graph


def _graph_ntriples(triples) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def read_rdf_file(path: str | Path, rdf_format: str | None = None) -> bytes:
    """An RDF file (gzipped when it ends in .gz) as N-Triples bytes (named graphs merged); unreadable files
    and syntax errors raise InputError naming the file, line and column. The input is bounded before any
    parser sees it (crimecongress.limits): its size, decompressed size, nesting depth and XML entities."""
    path = Path(path)
    name = str(path)
    limits.check_input(path, "an RDF file")
    compressed = path.suffix.lower() == ".gz"
    fmt = rdf_format_for(path.with_suffix("") if compressed else path, rdf_format)
    data = limits.read_input(path, limits.RDF_BYTES)
    if compressed:
        data = limits.gunzip(data, name)
    if fmt == ox.RdfFormat.N_TRIPLES:
        return data                                # checked when loaded (Data.store), with the file name
    if fmt == ox.RdfFormat.JSON_LD:
        limits.check_depth(data, "json", name)
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3):
        limits.check_depth(data, "turtle", name)
    elif fmt == ox.RdfFormat.RDF_XML:
        limits.check_xml_entities(data, name)
        limits.check_depth(data, "xml", name)
    with _parsing(name):
        # a generator, not a list: the parsed triples are never all held as Python objects at once
        triples = (ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q
                   for q in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _too_large(error: MemoryError, name: str) -> InputError:
    """The parser's own bound (one term or line of at most 16 MiB) or the process's memory, as one line."""
    return InputError(f"too large to parse: {error or 'out of memory'}", file=name,
                      hint="split long literals or lines, or give the process more memory")


@contextmanager
def _parsing(name: str) -> Iterator[None]:
    """What a parser raises on the file `name`, as one InputError naming it."""
    try:
        yield
    except SyntaxError as error:
        raise _syntax_error(error, name) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"not valid RDF: {error}", file=name) from None
    except MemoryError as error:
        raise _too_large(error, name) from None


def as_data(data, *, rdf_format: str | None = None) -> Data:
    """Data from a graph (a list or tuple of pyoxigraph Triples), a pyoxigraph Store, RDF file path(s), N-Triples
    bytes, an rdflib Graph, or a list of these."""
    if isinstance(data, Data):
        return data
    out = Data()
    if _is_graph(data):
        out.graphs.append(data)
        return out
    items = data if isinstance(data, (list, tuple)) else [data]
    for item in items:
        if _is_graph(item):
            out.graphs.append(item)
        elif isinstance(item, ox.Store):
            out.stores.append(item)
        elif isinstance(item, (str, Path)):
            out.ntriples.append((str(item), read_rdf_file(item, rdf_format)))
        elif isinstance(item, bytes):
            out.ntriples.append(("(N-Triples)", item))
        elif hasattr(item, "serialize") and hasattr(item, "triples"):      # an rdflib Graph
            out.ntriples.append(("(graph)", item.serialize(format="nt", encoding="utf-8")))
        else:
            raise TypeError(f"cannot validate {type(item).__name__}: give pyoxigraph Triples, a pyoxigraph Store, "
                            f"N-Triples bytes, an rdflib Graph or RDF file paths")
    return out


def _is_graph(item) -> bool:
    """A list or tuple of pyoxigraph Triples (an empty one is no graph: `as_data([])` is no data)."""
    return isinstance(item, (list, tuple)) and bool(item) and all(isinstance(t, ox.Triple) for t in item)


def read_checked_rdf(path: Path, rdf_format: str | None, check: bool) -> bytes:
    """An RDF file as N-Triples; `check`: parse N-Triples now, so that a syntax error is this file's."""
    data = read_rdf_file(path, rdf_format)
    written = path.with_suffix("") if path.suffix.lower() == ".gz" else path
    if check and rdf_format_for(written, rdf_format) == ox.RdfFormat.N_TRIPLES:
        try:
            for _ in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                pass
        except SyntaxError as error:
            raise _syntax_error(error, str(path)) from None
        except (ValueError, UnicodeDecodeError) as error:
            raise InputError(f"not valid RDF: {error}", file=str(path)) from None
    return data
