"""`crimecongress build`: every released file, from the sources, in one deterministic run.

parse -> tag -> link -> emit and write each graph -> validate (SHACL) -> check (OWL consistency) -> write the
whole-dataset dumps -> write build/ atomically.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph

from .corpus import SOURCES_DIR, CATALOGUE_FILE, load_corpus
from .corpus.catalogue import load_catalogue
from .describe import Counts, describe, load_record
from .errors import CrimeCongressError, InvalidDocument
from .fileio import atomic_tree, check_out_dir
from .export import turtle
from .ids import Minter
from .rdf.emit import new_graph
from .release import GraphWriter, MemoryTree, ReleasedFiles, long_lived_frozen
from .validation import format_text, validate_graph, validation_files

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

    # parse, tag, link, emit, validate, HermiT (when checked), whole dataset, figures
    steps = _Steps(8 if check_owl else 7, progress)
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

    with long_lived_frozen():
        steps.run("emitting RDF and writing each graph", emit_and_write)
        report = steps.run("validating with the SHACL shapes",
                           lambda: validate_graph(writer.as_data(), base=minter.base))
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
        counts = Counts(total, tuple((d.name, d.triples) for d in writer.dumps),
                        writer.count_statements("sdg-links", minter.term("sdgTarget")))
        files["void.ttl"] = turtle(describe(minter, counts, files, load_record(MAPPINGS_DIR), vocabulary),
                                   minter.base)
        files["MANIFEST.sha256"] = "".join(f"{files.digests[p]}  {p}\n" for p in sorted(files.digests)).encode()
    return total, steps.timings


def release_files(minter: Minter, progress: Progress, *, check_owl: bool = True) -> tuple[dict[str, bytes], int, list]:
    """Every released file, in memory: ({relative path: bytes}, triples, timings)."""
    tree = MemoryTree()
    total, timings = release(minter, progress, ReleasedFiles(tree), check_owl=check_owl)
    return tree.files, total, timings


def build(out_dir: Path, minter: Minter, progress: Progress, *, check_owl: bool = True,
          force: bool = False) -> BuildResult:
    """Write every released file into out_dir, replacing it whole. A non-empty out_dir that is not an earlier
    build (no MANIFEST.sha256) is refused, since the swap would delete what it holds, unless `force`."""
    target = check_out_dir(out_dir, what="build")
    if not force and target.is_dir() and any(target.iterdir()) and not (target / "MANIFEST.sha256").is_file():
        raise CrimeCongressError("this directory is not empty and holds no earlier build (no MANIFEST.sha256): "
                                 "building here would delete what it holds", file=str(out_dir),
                                 hint="give another --out, or --force to replace it")
    with atomic_tree(out_dir, what="build") as tree:
        files = ReleasedFiles(tree)
        total, timings = release(minter, progress, files, check_owl=check_owl)
    return BuildResult(Path(out_dir).resolve(), tuple(sorted(files.digests)), total, tuple(timings))
