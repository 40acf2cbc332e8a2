"""The emit and export stages streamed per document, with the garbage collector frozen: what the build
would cost if it wrote each document's files and dropped its graph before the next (see README-scale.md).

    python benchmarks/streamed_build.py WORK_DIR [--gc on|frozen|off]

WORK_DIR is a size's working directory of `scale.py --keep` (it reads documents.pickle and tags.pickle).
Writes nothing but one JSON line: seconds, units, triples, peak RSS. The whole-dataset N-Quads are the
per-document ones merged (each document's lines are sorted; heapq.merge keeps the dump sorted).
"""
from __future__ import annotations

import argparse
import gc
import heapq
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("work", type=Path)
    parser.add_argument("--gc", choices=["on", "frozen", "off"], default="off")
    args = parser.parse_args()
    from crimecongress.export import jsonld, load_context, nquads, ntriples, turtle
    from crimecongress.rdf.emit import document_graph
    from crimecongress.rdf.tags import tags_graphs_by_document

    documents = scale._load_documents(args.work)
    tags, footnotes = scale._load_tags(args.work)
    minter = scale._minter()
    context, url = load_context(minter.base), minter.base + "context.jsonld"
    slug_of = {u.iri: d.slug for d in documents for u in d.units}
    by_document: dict[str, list] = {}
    for tag in tags:
        by_document.setdefault(slug_of[tag.unit], []).append(tag)
    if args.gc == "frozen":
        gc.collect()
        gc.freeze()
    elif args.gc == "off":
        gc.disable()
    began = time.perf_counter()
    triples, sizes, dumps = 0, 0, []
    for document in documents:
        graph = document_graph(document, scale._facts(document), minter, footnotes)
        for extra in tags_graphs_by_document(by_document.get(document.slug, []), minter, slug_of).values():
            graph += extra
        triples += len(graph)
        sizes += len(turtle(graph)) + len(ntriples(graph)) + len(jsonld(graph, url, context))
        dumps.append(nquads([(minter.graph(document.slug), graph)]).splitlines(keepends=True))
        del graph
    dump = b"".join(heapq.merge(*dumps))
    seconds = time.perf_counter() - began
    print(json.dumps({"stage": "emit + export, streamed per document", "gc": args.gc, "seconds": seconds,
                      "units": sum(len(d.units) for d in documents), "triples": triples,
                      "bytes": sizes + len(dump), "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
