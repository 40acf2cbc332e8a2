"""Writing the released files: each graph as it comes (its Turtle, N-Triples and JSON-LD), then the
whole-dataset dumps merged from the graphs' sorted N-Triples a part at a time, so that the build holds one
graph and the graphs' compressed lines, never the whole dataset as objects.
"""
from __future__ import annotations

import hashlib
import io
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from .corpus.catalogue import DocumentFacts
from .export import (GzipPieces, JsonLdParts, TurtleParts, deflated, gzipped, gzipped_lines, jsonld,
                     merged_lines, ntriples, ordered, parse_ntriples, quad_lines, subject_chunks, turtle)
from .ids import Minter
from .prefixes import load_context
from .model import Document
from .tagging.model import Tag
from .validation import Report


@dataclass(frozen=True)
class GraphDump:
    """One named graph, written once: its sorted N-Triples, gzipped, kept for the whole-dataset dumps."""
    name: str
    ntriples_gz: bytes
    triples: int

    def lines(self) -> Iterator[bytes]:
        return gzipped_lines(self.ntriples_gz)


class ReleasedFiles:
    """The released files as they are made: each goes to `tree` at once (or is written a part at a time
    with `parts`); only their sizes and SHA-256 stay, for the VoID description and the manifest.
    `tree` is a fileio.TreeWriter (the build's staging directory) or a MemoryTree."""

    def __init__(self, tree):
        self.tree = tree
        self.sizes: dict[str, int] = {}
        self.digests: dict[str, str] = {}
        # a gzipped file's content: path -> (size, SHA-256) of the plain bytes it unpacks to
        self.unpacked: dict[str, tuple[int, str]] = {}

    def __setitem__(self, path: str, data: bytes) -> None:
        self.tree.write(path, data)
        self.sizes[path], self.digests[path] = len(data), hashlib.sha256(data).hexdigest()

    def update(self, files: Mapping[str, bytes]) -> None:
        for path, data in files.items():
            self[path] = data

    @contextmanager
    def parts(self, path: str, *, compress: bool = False) -> Iterator[BinaryIO]:
        """A file written part by part; with `compress`, gzipped (`GzipPieces`: each part deflated at level 6 on its
        own, here or by a worker) with no time stamp and no name, so that the same parts give the same bytes (and
        the plain bytes are counted and hashed too)."""
        digest = hashlib.sha256()
        with self.tree.open(path) as handle:
            counted = _Counting(handle, digest)
            if compress:
                packed = GzipPieces(counted)
                yield packed
                packed.close()
                self.unpacked[path] = (packed.size, packed.digest.hexdigest())
            else:
                yield counted
        self.sizes[path], self.digests[path] = counted.size, digest.hexdigest()


class _Counting:
    """A binary file that hashes and counts what goes through it."""

    def __init__(self, handle: BinaryIO, digest):
        self.handle, self.digest, self.size = handle, digest, 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


class MemoryTree:
    """A tree of files kept in memory: {relative path: bytes} (what `release_files` returns)."""

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def write(self, relative: str, data: bytes) -> None:
        self.files[relative] = data

    @contextmanager
    def open(self, relative: str):
        buffer = io.BytesIO()
        yield buffer
        self.files[relative] = buffer.getvalue()


def document_statements(document: Document, facts: DocumentFacts, minter: Minter,
                        footnotes: Mapping[str, tuple[str, ...]] | None, tags: Sequence[Tag]) -> list[ox.Triple]:
    """A document's statements with its tags, without duplicates (two tags may share their plain triple)."""
    from .rdf.emit import document_graph
    from .rdf.tags import tag_statements
    unique = set(document_graph(document, facts, minter, footnotes))
    for tag in tags:
        unique.update(tag_statements(tag, minter))
    return list(unique)


@dataclass(frozen=True)
class WrittenGraph:
    """A graph's released files ({relative path: bytes}, in writing order) and its dump."""
    files: dict[str, bytes]
    dump: GraphDump


def graph_files(minter: Minter, context: dict, name: str, triples: Sequence[ox.Triple], stem: str | None, *,
                full: bool = False) -> WrittenGraph:
    """A graph's files under `stem` (Turtle; with `full`, also gzipped N-Triples and JSON-LD) and its dump."""
    lines = ntriples(triples)
    compressed = gzipped(lines)
    files: dict[str, bytes] = {}
    if stem is not None:
        in_order = ordered(triples)         # sorted once, for the Turtle and the JSON-LD
        files[f"{stem}.ttl"] = turtle(in_order, minter.base, in_order=True)
        if full:
            files[f"{stem}.nt.gz"] = compressed
            files[f"{stem}.jsonld"] = jsonld(in_order, context, in_order=True)
    return WrittenGraph(files, GraphDump(minter.graph(name), compressed, lines.count(b"\n")))


def document_files(document: Document, facts: DocumentFacts, base: str,
                   footnotes: Mapping[str, tuple[str, ...]] | None, tags: Sequence[Tag],
                   source_files: frozenset[ox.NamedNode]) -> tuple[WrittenGraph, list[ox.Triple]]:
    """One document's graph with its tags, written (`graph_files`), and apart the statements about its source
    files (for the "sources" graph): what each worker of `GraphWriter.documents` does."""
    minter = Minter(base)
    triples = document_statements(document, facts, minter, footnotes, tags)
    own = [t for t in triples if t.subject not in source_files]
    written = graph_files(minter, _context(base), document.slug, own,
                          minter.relative(minter.document(document.slug)), full=True)
    return written, [t for t in triples if t.subject in source_files]


@lru_cache(maxsize=4)
def _context(base: str) -> dict:
    return load_context(base)


@dataclass(frozen=True)
class WholePart:
    """A chunk of the whole dataset as each dump takes it: its plain bytes and their piece of gzip (`deflated`)."""
    ntriples_piece: bytes        # the chunk itself is the N-Triples part
    turtle: bytes
    turtle_piece: bytes
    jsonld: bytes                # made as if first: `JsonLdParts.separator` places it
    jsonld_piece: bytes


def serialised_part(chunk: bytes, base: str) -> WholePart:
    """A chunk of the whole dataset's sorted N-Triples as a part of its N-Triples, Turtle and JSON-LD dumps, each
    deflated: what each worker of `GraphWriter.write_whole` does."""
    triples = parse_ntriples(chunk)
    as_turtle, as_jsonld = _turtle_parts(base).part(triples), _jsonld_parts(base).standalone(triples)
    return WholePart(deflated(chunk), as_turtle, deflated(as_turtle), as_jsonld, deflated(as_jsonld))


@lru_cache(maxsize=4)
def _turtle_parts(base: str) -> TurtleParts:
    return TurtleParts(base)


@lru_cache(maxsize=4)
def _jsonld_parts(base: str) -> JsonLdParts:
    return JsonLdParts(_context(base))


def _footnotes_of(document: Document, footnotes: Mapping[str, tuple[str, ...]] | None):
    """The part of {footnote IRI: instruments} about this document's footnotes (what its worker needs)."""
    if footnotes is None:
        return None
    return {unit.iri: footnotes[unit.iri] for unit in document.units if unit.iri in footnotes}


class GraphWriter:
    """Writes each graph's files as the graph comes, and keeps only its sorted N-Triples, gzipped
    (`dumps`), from which `write_whole` writes the whole-dataset files a part at a time."""

    def __init__(self, minter: Minter, files: ReleasedFiles):
        self.minter, self.files = minter, files
        self.context = _context(minter.base)
        self.dumps: list[GraphDump] = []

    def graph(self, name: str, triples: Sequence[ox.Triple], stem: str | None, *, full: bool = False) -> None:
        """Write the graph's files under `stem` (Turtle; with `full`, also gzipped N-Triples and JSON-LD); then
        it can go."""
        self._keep(graph_files(self.minter, self.context, name, triples, stem, full=full))

    def _keep(self, written: WrittenGraph) -> None:
        self.files.update(written.files)
        self.dumps.append(written.dump)

    def documents(self, documents: Sequence[Document], facts: Callable[[str], DocumentFacts],
                  footnotes: Mapping[str, tuple[str, ...]] | None, tags: Sequence[Tag], *,
                  jobs: int | None = None, stop: threading.Event | None = None) -> None:
        """Each document's graph, with its tags, written and dropped in turn; then the "sources" graph. The
        documents are emitted and serialised over `jobs` worker processes (default: one per core; see
        crimecongress.workers) and written here in their order, so the files are the same bytes however many.
        Once `stop` is set (the build that runs this beside its other work failed), no more is written
        (workers.Stopped).

        A source file holds several documents (the compendium holds five), so its description (type, file name,
        sha256) goes into the "sources" graph once instead of into each document's graph: in the union of the
        graphs every statement then comes once, and COUNT(*) over it is the dataset's number of triples."""
        from .rdf.tags import tags_by_document
        from .workers import in_workers, jobs_for, until
        document_tags = tags_by_document(tags, {unit.iri: d.slug for d in documents for unit in d.units})
        source_files = frozenset(ox.NamedNode(self.minter.source_file(m.file))
                                 for d in documents for m in d.manifestations)
        tasks = ((document, facts(document.slug), self.minter.base, _footnotes_of(document, footnotes),
                  tuple(document_tags.get(document.slug, ())), source_files) for document in documents)
        described: set[ox.Triple] = set()
        emitted = in_workers(document_files, tasks, jobs_for(len(documents), jobs))
        for written, about_sources in until(stop, emitted):
            described.update(about_sources)
            self._keep(written)
        self.graph("sources", list(described), "sources")

    def count_statements(self, name: str, predicate: str) -> int:
        """How many statements of the named graph have this predicate (a linkset's size, for VoID)."""
        needle = f" <{predicate}> ".encode()
        return sum(sum(1 for line in d.lines() if needle in line)
                   for d in self.dumps if d.name == self.minter.graph(name))

    def whole(self) -> Iterator[bytes]:
        """The whole dataset as sorted N-Triples in chunks that end where a subject does (a statement in
        two graphs once), read from the graphs' dumps as it goes."""
        return subject_chunks(merged_lines(d.lines() for d in self.dumps))

    def validate(self, stop: threading.Event | None = None) -> Report:
        """The fast engine's SHACL report on the whole dataset, read from the dumps: a batch of documents at a
        time once it outgrows one batch (crimecongress.validation.batches), else whole. Once `stop` is set, it
        ends (workers.Stopped) at the next chunk or batch."""
        from .validation.batches import validate_in_batches
        return validate_in_batches(self.whole(), self.minter, at_most=sum(d.triples for d in self.dumps),
                                   stop=stop)

    def write_whole(self) -> int:
        """dataset.nt.gz, .ttl.gz, .jsonld.gz and .nq.gz, written a part at a time in one pass over the merged
        graphs; returns the number of triples. Gzipped: a plain dump of every text would outgrow a git host."""
        from .workers import jobs_for, with_results
        as_turtle, as_jsonld = TurtleParts(self.minter.base), JsonLdParts(self.context)
        lines = 0
        # the Turtle and JSON-LD of each chunk are made, and every part deflated, over the cores; the merge stays
        # here
        jobs = jobs_for(max(1, sum(d.triples for d in self.dumps) // 50_000))
        chunks = ((chunk, self.minter.base) for chunk in self.whole())
        with self.files.parts("dataset.nt.gz", compress=True) as nt, \
                self.files.parts("dataset.ttl.gz", compress=True) as ttl, \
                self.files.parts("dataset.jsonld.gz", compress=True) as js:
            ttl.write(as_turtle.head())
            js.write(as_jsonld.head())
            for (chunk, _), part in with_results(serialised_part, chunks, jobs):
                lines += chunk.count(b"\n")
                nt.add(chunk, part.ntriples_piece)
                ttl.add(part.turtle, part.turtle_piece)
                js.write(as_jsonld.separator(part.jsonld))
                js.add(part.jsonld, part.jsonld_piece)
            ttl.write(as_turtle.tail())
            js.write(as_jsonld.tail())
        runs = ((b"".join(run),) for run in batched(quad_lines((d.name, d.lines()) for d in self.dumps), 20_000))
        with self.files.parts("dataset.nq.gz", compress=True) as nq:
            for (run,), piece in with_results(deflated, runs, jobs):
                nq.add(run, piece)
        self.files["context.jsonld"] = (json.dumps(self.context, indent=2, ensure_ascii=False) + "\n").encode()
        return lines


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
