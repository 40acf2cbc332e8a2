"""`crimecongress build`: every released file, from the sources, in one deterministic run.

parse -> tag -> link -> emit and write each graph -> validate (SHACL) -> check (OWL consistency) -> write the
whole-dataset dumps -> write build/ atomically.
"""
from __future__ import annotations

import gc
import gzip
import hashlib
import io
import json
import time
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from . import __version__
from .corpus import SOURCES_DIR, CATALOGUE_FILE, load_corpus
from .corpus.catalogue import DocumentFacts, load_catalogue
from .errors import InvalidDocument
from .fileio import atomic_tree
from .export import (JsonLdParts, Statements, TurtleParts, converted, gzipped, gzipped_lines, jsonld,
                     load_context, merged_lines, ntriples, parse_ntriples, quad_lines, statements, subject_chunks,
                     turtle)
from .ids import Minter
from .model import Document
from .rdf.emit import new_graph
from .tagging.model import Tag
from .validate import Data, format_text, validate_graph, validation_files
from .rdf.namespaces import DCAT, DCTERMS, RDF, RDFS, VOID, XSD, uncc

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "crimecongress.ttl"
MAPPINGS_DIR = ROOT / "mappings"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: tuple[str, ...]
    triples: int
    timings: tuple[tuple[str, float], ...] = field(default=())


class _Steps:
    """Times each step and reports it through `progress` ("[2/7] emitting RDF ... 0.41 s")."""

    def __init__(self, total: int, progress: Progress):
        self.total, self.progress, self.n, self.timings = total, progress, 0, []

    def run(self, label: str, action):
        self.n += 1
        start = time.perf_counter()
        self.progress(f"[{self.n}/{self.total}] {label} ...")
        result = action()
        elapsed = time.perf_counter() - start
        self.timings.append((label, elapsed))
        self.progress(f"[{self.n}/{self.total}] {label} done in {elapsed:.2f} s")
        return result


def _ontology_text(minter: Minter) -> str:
    """The hand-edited ontology, as published: the same text, under the configured base."""
    return ONTOLOGY_FILE.read_text(encoding="utf-8").replace("https://w3id.org/crime-congress/", minter.base)


def _ontology_graph(minter: Minter) -> Graph:
    graph = new_graph(minter)
    graph.parse(data=_ontology_text(minter), format="turtle")
    return graph


def _dataset_description(minter: Minter, named: list[tuple[str, int]], files: ReleasedFiles,
                         total: int) -> Graph:
    """VoID and DCAT: what the dataset holds, its dumps, counts, vocabularies, licence and version."""
    term = uncc(minter)
    graph = new_graph(minter)
    dataset = URIRef(minter.dataset())
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("Declarations of the UN Congresses on Crime Prevention and Criminal "
                                               "Justice, paragraph by paragraph", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        "Every paragraph of the declarations of the United Nations Congresses on Crime Prevention and Criminal "
        "Justice (1991-2021), the Kyoto Congress report and the recommendations of its regional preparatory "
        "meetings, with exact text, place in the document and source lines.", lang="en")))
    graph.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((dataset, DCTERMS.hasVersion, Literal(__version__)))
    graph.add((dataset, VOID.triples, Literal(total, datatype=XSD.integer)))
    graph.add((dataset, VOID.uriSpace, Literal(minter.base)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(minter.base + "sparql")))
    for vocabulary in ("http://data.europa.eu/eli/ontology#", "http://www.w3.org/2004/02/skos/core#",
                       "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/oa#", "http://purl.org/dc/terms/",
                       "http://www.w3.org/ns/org#", minter.term("")):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for name, triples in named:
        part = URIRef(name)
        graph.add((dataset, VOID.subset, part))
        graph.add((part, RDF.type, VOID.Dataset))
        graph.add((part, VOID.triples, Literal(triples, datatype=XSD.integer)))
    media = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
             ".nq": "application/n-quads"}
    gzip_type = URIRef("http://www.iana.org/assignments/media-types/application/gzip")
    for path in sorted(files.sizes):
        if not path.startswith("dataset."):
            continue
        dump = URIRef(minter.dump(path))
        graph.add((dataset, VOID.dataDump, dump))
        graph.add((dataset, DCAT.distribution, dump))
        graph.add((dump, RDF.type, DCAT.Distribution))
        graph.add((dump, DCAT.downloadURL, dump))
        compressed = path.endswith(".gz")
        graph.add((dump, DCAT.mediaType, Literal(media[Path(path.removesuffix(".gz")).suffix])))
        if compressed:
            graph.add((dump, DCAT.compressFormat, gzip_type))
        graph.add((dump, DCAT.byteSize, Literal(files.sizes[path], datatype=XSD.integer)))
        graph.add((dump, term.sha256, Literal(files.digests[path])))
    graph.add((dataset, RDFS.label, Literal("crimecongress dataset", lang="en")))
    return graph


@dataclass(frozen=True)
class GraphDump:
    """One named graph, written once: its sorted N-Triples, gzipped, kept for the whole-dataset dumps."""
    name: str
    ntriples_gz: bytes
    triples: int

    def lines(self) -> Iterator[bytes]:
        return gzipped_lines(self.ntriples_gz)


class ReleasedFiles:
    """The released files as they are made: each goes to `tree` at once (or is written in parts with
    `open`); only their sizes and SHA-256 stay, for the VoID description and the manifest."""

    def __init__(self, tree):
        self.tree = tree
        self.sizes: dict[str, int] = {}
        self.digests: dict[str, str] = {}

    def __setitem__(self, path: str, data: bytes) -> None:
        self.tree.write(path, data)
        self.sizes[path], self.digests[path] = len(data), hashlib.sha256(data).hexdigest()

    def update(self, files: Mapping[str, bytes]) -> None:
        for path, data in files.items():
            self[path] = data

    @contextmanager
    def parts(self, path: str, *, compress: bool = False) -> Iterator[BinaryIO]:
        """A file written part by part (gzipped as `export.gzipped` does when `compress`)."""
        digest = hashlib.sha256()
        with self.tree.open(path) as handle:
            counted = _Counting(handle, digest)
            if compress:
                with gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=counted, mtime=0) as packed:
                    yield packed
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


class _MemoryTree:
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
    unique = set(converted(document_graph(document, facts, minter, footnotes)))
    for tag in tags:
        unique.update(tag_statements(tag, minter))
    return list(unique)


class GraphWriter:
    """Writes each graph's files as the graph comes, and keeps only its sorted N-Triples, gzipped
    (`dumps`), from which `write_whole` writes the whole-dataset files a part at a time."""

    def __init__(self, minter: Minter, files: ReleasedFiles):
        self.minter, self.files = minter, files
        self.context = load_context(minter.base)
        self.context_url = minter.base + "context.jsonld"
        self.dumps: list[GraphDump] = []

    def graph(self, name: str, graph: Statements, stem: str | None, *, full: bool = False) -> None:
        """Convert the graph once and write its files under `stem` (Turtle; with `full`, also gzipped
        N-Triples and JSON-LD); then it can go."""
        triples = statements(graph)
        lines = ntriples(triples)
        compressed = gzipped(lines)
        if stem is not None:
            self.files[f"{stem}.ttl"] = turtle(triples, self.minter.base)
            if full:
                self.files[f"{stem}.nt.gz"] = compressed
                self.files[f"{stem}.jsonld"] = jsonld(triples, self.context_url, self.context)
        self.dumps.append(GraphDump(self.minter.graph(name), compressed, lines.count(b"\n")))

    def documents(self, documents: Sequence[Document], facts: Callable[[str], DocumentFacts],
                  footnotes: Mapping[str, tuple[str, ...]] | None, tags: Sequence[Tag]) -> None:
        """Each document's graph, with its tags, written and dropped in turn."""
        from .rdf.tags import tags_by_document
        document_tags = tags_by_document(tags, {unit.iri: d.slug for d in documents for unit in d.units})
        for document in documents:
            triples = document_statements(document, facts(document.slug), self.minter, footnotes,
                                          document_tags.get(document.slug, ()))
            self.graph(document.slug, triples, f"doc/{document.slug}", full=True)

    def whole(self) -> Iterator[bytes]:
        """The whole dataset as sorted N-Triples in chunks that end where a subject does (a statement in
        two graphs once), read from the graphs' dumps as it goes."""
        return subject_chunks(merged_lines(d.lines() for d in self.dumps))

    def as_data(self) -> Data:
        """The whole dataset for validation, read from the dumps a chunk at a time as it is loaded."""
        return Data(ntriples=_Reread(lambda: (("the built dataset", chunk) for chunk in self.whole())))

    def write_whole(self) -> int:
        """dataset.nt.gz, .ttl, .jsonld and .nq, written a part at a time in one pass over the merged
        graphs; returns the number of triples."""
        as_turtle, as_jsonld = TurtleParts(self.minter.base), JsonLdParts(self.context_url, self.context)
        lines = 0
        with self.files.parts("dataset.nt.gz", compress=True) as nt, self.files.parts("dataset.ttl") as ttl, \
                self.files.parts("dataset.jsonld") as js:
            ttl.write(as_turtle.head())
            js.write(as_jsonld.head())
            for chunk in self.whole():
                lines += chunk.count(b"\n")
                nt.write(chunk)
                triples = parse_ntriples(chunk)
                ttl.write(as_turtle.part(triples))
                js.write(as_jsonld.part(triples))
            ttl.write(as_turtle.tail())
            js.write(as_jsonld.tail())
        with self.files.parts("dataset.nq") as nq:
            for run in batched(quad_lines((d.name, d.lines()) for d in self.dumps), 20_000):
                nq.write(b"".join(run))
        self.files["context.jsonld"] = (json.dumps(self.context, indent=2, ensure_ascii=False) + "\n").encode()
        return lines


class _Reread:
    """An iterable made anew each time it is iterated."""

    def __init__(self, make: Callable[[], Iterable]):
        self.make = make

    def __iter__(self):
        return iter(self.make())


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def release(minter: Minter, progress: Progress, files: ReleasedFiles, *, check_owl: bool = True
            ) -> tuple[int, list]:
    """Make every released file into `files`; returns the number of triples and the steps' timings.

    Each graph is emitted, written and dropped in turn (a document's graph with its tags); the
    validation, the consistency check and the whole-dataset files read the graphs' merged N-Triples."""
    from .figures import figures
    from .linking import link_corpus
    from .rdf.vocabulary import authorities_graph, taxonomy_graph
    from .tagging import identify_footnotes, tag_corpus
    from .vocab import load_vocabulary

    steps = _Steps(9 if check_owl else 8, progress)
    catalogue = load_catalogue(SOURCES_DIR / CATALOGUE_FILE)
    corpus = steps.run("parsing the sources", lambda: load_corpus(SOURCES_DIR, minter=minter))
    vocabulary = load_vocabulary(MAPPINGS_DIR)
    footnotes = identify_footnotes(corpus, vocabulary, minter)
    tags = steps.run("tagging themes, instruments and actors", lambda: tag_corpus(corpus, vocabulary, minter))
    linked = steps.run("linking SDG targets and lineage", lambda: link_corpus(corpus, tags, vocabulary, minter))
    files["ontology.ttl"] = _ontology_text(minter).encode("utf-8")
    writer = GraphWriter(minter, files)

    def emit_and_write() -> None:
        writer.graph("ontology", _ontology_graph(minter), None)
        writer.graph("taxonomy", taxonomy_graph(vocabulary, minter), "taxonomy")
        writer.graph("authorities", authorities_graph(vocabulary, minter), "authorities")
        for name, graph in linked.graphs:
            writer.graph(name, graph, name)
        writer.documents(corpus.documents, catalogue.facts, footnotes, tags)

    steps.run("emitting RDF and writing each graph", emit_and_write)
    report = steps.run("validating with the SHACL shapes", lambda: validate_graph(writer.as_data(), base=minter.base))
    if not report.conforms:
        raise InvalidDocument(f"the dataset does not conform to the shapes:\n{format_text(report)}",
                              hint="fix the source or the mapping named above; nothing was written")
    if check_owl:
        from .reasoning import check_consistency_ntriples
        steps.run("checking OWL consistency (HermiT)",
                  lambda: check_consistency_ntriples(b"".join(writer.whole())))
    total = steps.run("writing the whole-dataset Turtle, N-Triples, JSON-LD and N-Quads", writer.write_whole)
    files.update(validation_files(report))
    files.update(steps.run("drawing the figures", lambda: figures(corpus, tags, linked.sdg_links,
                                                                   vocabulary=vocabulary,
                                                                   catalogue=linked.catalogue)))
    void = _dataset_description(minter, [(d.name, d.triples) for d in writer.dumps], files, total)
    files["void.ttl"] = turtle(void, minter.base)
    files["MANIFEST.sha256"] = "".join(f"{files.digests[p]}  {p}\n" for p in sorted(files.digests)).encode()
    return total, steps.timings


def release_files(minter: Minter, progress: Progress, *, check_owl: bool = True) -> tuple[dict[str, bytes], int, list]:
    """Every released file, in memory: ({relative path: bytes}, triples, timings)."""
    tree = _MemoryTree()
    total, timings = release(minter, progress, ReleasedFiles(tree), check_owl=check_owl)
    return tree.files, total, timings


def build(out_dir: Path, minter: Minter, progress: Progress, *, check_owl: bool = True) -> BuildResult:
    # Millions of long-lived objects and no reference cycles worth collecting: the cyclic garbage
    # collector only costs time here (measured by benchmarks/scale.py).
    gc.disable()
    try:
        with atomic_tree(out_dir, what="build") as tree:
            files = ReleasedFiles(tree)
            total, timings = release(minter, progress, files, check_owl=check_owl)
    finally:
        gc.enable()
    return BuildResult(Path(out_dir).resolve(), tuple(sorted(files.digests)), total, tuple(timings))
