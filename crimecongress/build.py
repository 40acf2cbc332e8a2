"""`crimecongress build`: every released file, from the sources, in one deterministic run.

parse -> tag -> link (the documents' graphs emitted and written meanwhile) -> emit and write the other graphs ->
write the whole-dataset dumps (validating with SHACL meanwhile) -> check (OWL consistency) -> figures, VoID ->
write build/ atomically.

With a cache (`crimecongress.cache`, on unless --no-cache), a build whose inputs are all unchanged -- the sources,
mappings, ontology, shapes, the package's code, the embedding model, the Python and library versions, the base
IRI and whether HermiT runs -- reuses the files the last such build released; otherwise the stages run, and the
embeddings, the SHACL report and HermiT's verdict come from the cache wherever their own inputs are unchanged.
Cached or not, the files are the same bytes.
"""
from __future__ import annotations

import pickle
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from . import cache, collector
from .corpus import SOURCES_DIR, CATALOGUE_FILE, load_corpus
from .corpus.catalogue import load_catalogue
from .describe import Counts, describe, load_record
from .errors import CrimeCongressError, InvalidDocument
from .fileio import atomic_tree, check_out_dir
from .export import turtle
from .ids import Minter
from .prefixes import rebased
from .release import GraphWriter, MemoryTree, ReleasedFiles
from .validation import format_text, validation_files

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "crimecongress.ttl"
MAPPINGS_DIR = ROOT / "mappings"
# everything the released files are made from besides the sources, the model and the libraries (see `release_key`)
INPUTS = (MAPPINGS_DIR, ROOT / "ontology", ROOT / "shapes", Path(__file__).resolve().parent,
          ROOT / "pyproject.toml")

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
    return rebased(ONTOLOGY_FILE.read_text(encoding="utf-8"), minter.base)


def _ontology_graph(minter: Minter) -> list[ox.Triple]:
    return list(ox.parse(_ontology_text(minter), format=ox.RdfFormat.TURTLE))


def release_key(base: str, check_owl: bool, inputs: tuple[Path, ...] = INPUTS, *,
                sources: Path = SOURCES_DIR) -> str:
    """The SHA-256 of everything a build's files depend on (see the module's description)."""
    from .linking.embeddings import model_key
    parts = ["release", base, "owl" if check_owl else "no owl", cache.environment_key(),
             cache.tree_key(Path(sources), *inputs), model_key()]
    if check_owl:
        from .reasoning import reasoner_version
        parts.append(reasoner_version())
    return cache.key(*parts)


class _Recording:
    """A tree that keeps a copy of what is written through it (to store a release in the cache)."""

    def __init__(self, tree):
        self.tree, self.files = tree, []

    def write(self, relative: str, data: bytes) -> None:
        self.tree.write(relative, data)
        self.files.append((relative, bytes(data)))

    @contextmanager
    def open(self, relative: str):
        parts: list[bytes] = []
        with self.tree.open(relative) as handle:
            yield _Tee(handle, parts)
        self.files.append((relative, b"".join(parts)))


class _Tee:
    def __init__(self, handle, parts: list[bytes]):
        self.handle, self.parts = handle, parts

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def _kept_release(data: bytes | None) -> tuple[int, list[tuple[str, bytes]]] | None:
    """A release stored by an earlier build, when `data` is a whole one."""
    if data is None:
        return None
    try:
        triples, kept = pickle.loads(data)
    except Exception:  # noqa: BLE001 -- an entry from other code, or damaged: made again
        return None
    if not (isinstance(triples, int) and isinstance(kept, list) and kept and all(
            isinstance(p, str) and isinstance(b, bytes) for p, b in kept)):
        return None
    return triples, kept


def release(minter: Minter, progress: Progress, files: ReleasedFiles, *, check_owl: bool = True,
            sources: Path = SOURCES_DIR) -> tuple[int, list]:
    """Make every released file into `files`; returns the number of triples and the steps' timings.

    Each graph is emitted, written and dropped in turn (a document's graph with its tags); the
    validation, the consistency check and the whole-dataset files read the graphs' merged N-Triples.
    With a cache in use, the files of an earlier build from the same inputs are reused, or these are kept.
    `sources` is the folder of source texts with its catalogue.yaml."""
    store = cache.current()
    if store is None:
        return _release(minter, progress, files, check_owl=check_owl, sources=Path(sources))
    entry = release_key(minter.base, check_owl, sources=Path(sources))
    kept = _kept_release(store.get("release", entry))
    if kept is not None:
        triples, released = kept
        steps = _Steps(1, progress)
        steps.run("reusing the files of the last build from the same inputs (cache)",
                  lambda: files.update(dict(released)))
        return triples, steps.timings
    recording = _Recording(files.tree)
    files.tree = recording
    try:
        total, timings = _release(minter, progress, files, check_owl=check_owl, sources=Path(sources))
    finally:
        files.tree = recording.tree
    store.put("release", entry, pickle.dumps((total, recording.files), protocol=pickle.HIGHEST_PROTOCOL))
    store.keep_only("release", entry)      # some 30 MB each: only the latest is worth its space
    return total, timings


def _release(minter: Minter, progress: Progress, files: ReleasedFiles, *, check_owl: bool,
             sources: Path) -> tuple[int, list]:
    from .figures import figures
    from .linking import embed_ahead, link_corpus
    from .rdf.vocabulary import authorities_graph, taxonomy_graph
    from .tagging import identify_footnotes, tag_corpus
    from .vocab import load_vocabulary

    # parse, tag, link, emit, whole dataset and validation, HermiT (when checked), figures
    steps = _Steps(8 if check_owl else 7, progress)
    with collector.paused():
        catalogue = load_catalogue(sources / CATALOGUE_FILE)
        corpus = steps.run("parsing the sources", lambda: load_corpus(sources, minter=minter))
        ahead = embed_ahead(corpus)     # the cold cache's sentence vectors take seconds: meanwhile, tag
        vocabulary = load_vocabulary(MAPPINGS_DIR)
        footnotes = identify_footnotes(corpus, vocabulary, minter)
        tags = steps.run("tagging themes, instruments and actors", lambda: tag_corpus(corpus, vocabulary, minter))
    writer, documents = GraphWriter(minter, files), GraphWriter(minter, files)

    def emit_and_write() -> None:
        writer.graph("ontology", _ontology_graph(minter), None)
        writer.graph("taxonomy", taxonomy_graph(vocabulary, minter), "taxonomy")
        writer.graph("authorities", authorities_graph(vocabulary, minter), "authorities")
        for name, graph in linked.graphs:
            writer.graph(name, graph, name)
        emitting.result()
        writer.dumps.extend(documents.dumps)         # in the order of a build that writes them one by one

    # the documents' graphs need only the tags: they are emitted (over the cores, written as they come) while the
    # links are made
    with _beside(lambda stop: documents.documents(corpus.documents, catalogue.facts, footnotes, tags,
                                                  stop=stop)) as emitting:
        with collector.paused():
            linked = steps.run("linking SDG targets and lineage",
                               lambda: link_corpus(corpus, tags, vocabulary, minter, ahead=ahead))
        files["ontology.ttl"] = _ontology_text(minter).encode("utf-8")
        with collector.long_lived_frozen():
            steps.run("emitting RDF and writing each graph", emit_and_write)
            # the SHACL checks run on a thread while the whole-dataset files are written: a dataset that fails
            # them is still published nowhere, since every file goes to the build's staging
            with _beside(lambda stop: _validated(writer, minter, stop)) as validating:
                total = steps.run("writing the whole-dataset Turtle, N-Triples, JSON-LD and N-Quads",
                                  writer.write_whole)
                report = steps.run("validating with the SHACL shapes", validating.result)
            if not report.conforms:
                raise InvalidDocument(f"the dataset does not conform to the shapes:\n{format_text(report)}",
                                      hint="fix the source or the mapping named above; nothing was written")
            if check_owl:
                from .reasoning import check_consistency_ntriples
                steps.run("checking OWL consistency (HermiT)",
                          lambda: check_consistency_ntriples(b"".join(writer.whole())))
            files.update(validation_files(report))
            files.update(steps.run("drawing the figures", lambda: figures(corpus, tags, linked.sdg_links,
                                                                           vocabulary=vocabulary,
                                                                           catalogue=linked.catalogue)))
            counts = Counts(total, tuple((d.name, d.triples) for d in writer.dumps),
                            writer.count_statements("sdg-links", minter.term("sdgTarget")))
            files["void.ttl"] = turtle(describe(minter, counts, files, load_record(MAPPINGS_DIR), vocabulary),
                                       minter.base)
            files["MANIFEST.sha256"] = "".join(f"{files.digests[p]}  {p}\n"
                                               for p in sorted(files.digests)).encode()
    return total, steps.timings


@contextmanager
def _beside(work: Callable[[threading.Event], None]) -> Iterator[Future]:
    """`work(stop)` on a thread of its own while the block runs; the future's `result()` waits for it and raises its
    error. When the block fails (or is interrupted), `stop` is set, and the block is left only once the thread has
    ended: nothing it does outlives the build it served."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside") as executor:
        future = executor.submit(work, stop)
        try:
            yield future
        except BaseException:
            stop.set()
            raise


def _validated(writer: GraphWriter, minter: Minter, stop: threading.Event | None = None):
    """The SHACL report on the dataset (`GraphWriter.validate`: a batch of documents at a time, so that a large
    corpus need not fit in one in-memory store), from the cache when the shapes, the ontology and the data are
    unchanged. Once `stop` is set, it ends at the next batch (workers.Stopped)."""
    from .validation.shapes import ONTOLOGY_FILE as VALIDATION_ONTOLOGY, SHAPES_DIR
    # keyed by the graphs' dumps as written (deterministic bytes): the same data gives the same key without
    # merging and unpacking them first
    return cache.remembered(
        "shacl", lambda: cache.key("shacl", minter.base,
                                   cache.tree_key(SHAPES_DIR, VALIDATION_ONTOLOGY, Path(__file__).parent),
                                   cache.environment_key(), *(d.ntriples_gz for d in writer.dumps)),
        lambda: writer.validate(stop))


def release_files(minter: Minter, progress: Progress, *, check_owl: bool = True,
                  use_cache: bool = False, sources: Path = SOURCES_DIR) -> tuple[dict[str, bytes], int, list]:
    """Every released file, in memory: ({relative path: bytes}, triples, timings); with `use_cache`, through the
    user's cache (see `cache.default`)."""
    tree = MemoryTree()
    with cache.using(cache.default() if use_cache else None):
        total, timings = release(minter, progress, ReleasedFiles(tree), check_owl=check_owl, sources=sources)
    return tree.files, total, timings


def build(out_dir: Path, minter: Minter, progress: Progress, *, check_owl: bool = True,
          force: bool = False, use_cache: bool = True, sources: Path = SOURCES_DIR) -> BuildResult:
    """Write every released file into out_dir, replacing it whole. A non-empty out_dir that is not an earlier
    build (no MANIFEST.sha256) is refused, since the swap would delete what it holds, unless `force`.
    With `use_cache`, through the user's cache (see `cache.default`; the files are the same bytes). `sources` is
    the folder of source texts read (with its catalogue.yaml)."""
    target = check_out_dir(out_dir, what="build")
    if not force and target.is_dir() and any(target.iterdir()) and not (target / "MANIFEST.sha256").is_file():
        raise CrimeCongressError("this directory is not empty and holds no earlier build (no MANIFEST.sha256): "
                                 "building here would delete what it holds", file=str(out_dir),
                                 hint="give another --out, or --force to replace it")
    with atomic_tree(out_dir, what="build") as tree:
        files = ReleasedFiles(tree)
        with cache.using(cache.default() if use_cache else None):
            total, timings = release(minter, progress, files, check_owl=check_owl, sources=sources)
    return BuildResult(Path(out_dir).resolve(), tuple(sorted(files.digests)), total, tuple(timings))
