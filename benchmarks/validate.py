"""How long validation takes: the whole dataset with both engines, one new declaration end to end, and a
synthetic dataset N times the size.

    python benchmarks/validate.py [--dataset build/dataset.nt] [--runs 5] [--pyshacl-runs 1] [--scale 100]
                                  [--skip-pyshacl] [--skip-scale] [--processes 5]

Measured (wall clock, median of RUNS unless said otherwise):

    dataset, fast        crimecongress.validation.validate_graph(dataset.nt, engine="fast"): read, load the
                         Store, run every check, locate the findings (what the build calls)
    dataset, fast checks the same with the data already in a Store (the checks alone)
    dataset, pyshacl     the reference engine on the same file (PYSHACL_RUNS runs)
    corpus only, fast    the units without tags, SDG links and vocabularies (what the first release held)
    draft end to end     `python -m crimecongress validate draft.md` in a fresh process, start-up included:
                         the Doha Declaration saved as a new, uncatalogued text (parse, emit, validate, print);
                         unless --skip-pyshacl, the same with --engine pyshacl, the runs interleaved, and the
                         ratio of the two medians (goal: the fast engine at least 10 times faster)
    SCALEx, fast         the dataset's (or, with --scale-of corpus, the corpus's) triples repeated SCALE
                         times under renamed document IRIs (doc/{slug} -> doc/{slug}-copy-{k};
                         vocabularies once), one run
    per check            the fast checks on the dataset once in each of PROCESSES fresh processes, each
                         check timed (run_checks(timings=...)): the total per process, and the slowest
                         checks' fastest and slowest process. A query plan that varies from process to
                         process (Oxigraph's (NOT) EXISTS did: benchmarks/README-scale.md) shows here.

Goals on the project's 2-core machine: whole dataset < 0.5 s with the fast engine; a declaration end to end
< 1.5 s. Writes the table to stdout and (unless --no-save) to benchmarks/results/validate.md.
"""
from __future__ import annotations

import argparse
import gc
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DOC = b"<https://w3id.org/crime-congress/doc/"


def timed(action, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def corpus_ntriples() -> bytes:
    """The units of every catalogued document, without tags or vocabularies (emitted here)."""
    from crimecongress.corpus import CATALOGUE_FILE, SOURCES_DIR, load_corpus
    from crimecongress.corpus.catalogue import load_catalogue
    from crimecongress.ids import Minter
    import pyoxigraph as ox

    from crimecongress.rdf.emit import corpus_graphs
    minter = Minter()
    documents = corpus_graphs(load_corpus(SOURCES_DIR, minter=minter), load_catalogue(SOURCES_DIR / CATALOGUE_FILE),
                              minter)
    return ox.serialize([t for document in documents for t in document.graph], format=ox.RdfFormat.N_TRIPLES)


def scaled(data: bytes, factor: int) -> bytes:
    """The dataset with every line that mentions a document repeated under renamed document IRIs."""
    lines = data.splitlines(keepends=True)
    documents = [line for line in lines if DOC in line]
    shared = [line for line in lines if DOC not in line]
    rename = re.compile(rb"(<https://w3id\.org/crime-congress/doc/[a-z0-9-]+)")
    out = shared + documents
    for k in range(1, factor):
        suffix = b"-copy-%d" % k
        out.extend(rename.sub(lambda m: m.group(1) + suffix, line) for line in documents)
    return b"".join(out)


def doha_draft(directory: Path) -> Path:
    """The Doha Declaration as a drafter would hand it in: a new file, not the catalogued source."""
    lines = (ROOT / "sources" / "000_db17beb4dd61dc1a.txt").read_text(encoding="utf-8").splitlines()
    path = directory / "draft-doha.md"
    path.write_text("\n".join(lines[78:303]) + "\n", encoding="utf-8")
    return path


def draft_end_to_end(path: Path, runs: int, engines: tuple[str, ...] = ("fast",)) -> dict[str, tuple[list, int]]:
    """Each engine's wall times for `crimecongress validate --engine E draft`, fresh processes, the engines'
    runs interleaved (so that the machine's other work weighs on both alike), and the exit code."""
    times: dict[str, list[float]] = {engine: [] for engine in engines}
    codes: dict[str, int] = {}
    for _ in range(runs):
        for engine in engines:
            start = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "crimecongress", "validate", "--engine", engine, str(path)],
                                 cwd=ROOT, capture_output=True, text=True)
            times[engine].append(time.perf_counter() - start)
            codes[engine] = run.returncode
            if run.returncode not in (0, 1):
                raise SystemExit(f"validate failed: {run.stderr.strip()}")
    return {engine: (times[engine], codes[engine]) for engine in engines}


def per_check_child(path: Path) -> None:
    """In a fresh process: the fast checks on the dataset once, each timed; prints JSON."""
    import json

    import pyoxigraph as ox

    from crimecongress.ids import DEFAULT_BASE
    from crimecongress.validation import as_data, ontology_text
    from crimecongress.validation.fast import run_fast as _fast
    store, literals = as_data(path).store()
    store.load(ontology_text().encode(), format=ox.RdfFormat.TURTLE)
    timings: list = []
    start = time.perf_counter()
    findings = len(_fast(store, literals, DEFAULT_BASE, timings))
    total = time.perf_counter() - start
    checks: dict[str, float] = {}
    for check, seconds in timings:
        component = check.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        name = f"{check.shape.rsplit('#', 1)[-1]} ({component})"
        key, k = name, 1
        while key in checks:
            k += 1
            key = f"{name} #{k}"
        checks[key] = seconds
    print(json.dumps({"total": total, "findings": findings, "checks": checks}))


def per_check_processes(path: Path, processes: int, top: int = 6) -> str:
    """The per-check times of `processes` fresh processes, as two Markdown tables."""
    import json
    runs = []
    for _ in range(processes):
        run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--per-check-child", str(path)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(run.stdout.strip().splitlines()[-1]))
    totals = " / ".join(f"{r['total']:.2f}" for r in runs)
    spread = sorted(((max(r["checks"][k] for r in runs), min(r["checks"][k] for r in runs), k)
                     for k in runs[0]["checks"]), reverse=True)
    lines = [f"Checks alone (data in a Store), {processes} fresh processes: {totals} s "
             f"(findings: {', '.join(str(r['findings']) for r in runs)}).", "",
             "| check | fastest process | slowest process |", "|---|---:|---:|"]
    lines += [f"| {k} | {lo:.3f} s | {hi:.3f} s |" for hi, lo, k in spread[:top]]
    return "\n".join(lines)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=None,
                        help="N-Triples, optionally gzipped (default: build/dataset.nt or build/dataset.nt.gz)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pyshacl-runs", type=int, default=1)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--scale-of", choices=("dataset", "corpus"), default="dataset",
                        help="what to repeat SCALE times (100x the full dataset needs about 18 GB of memory)")
    parser.add_argument("--skip-pyshacl", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--processes", type=int, default=5,
                        help="fresh processes that time each check (0: skip)")
    parser.add_argument("--no-save", action="store_true",
                        help="print the table only; leave benchmarks/results/validate.md as it is")
    parser.add_argument("--per-check-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.per_check_child:
        per_check_child(args.per_check_child)
        return

    from crimecongress.validation import as_data, validate_graph

    rows: list[tuple[str, str, str, str]] = []   # what, triples, time, note
    corpus = corpus_ntriples()
    candidates = [args.dataset] if args.dataset else [ROOT / "build" / "dataset.nt", ROOT / "build" / "dataset.nt.gz"]
    found = next((p for p in candidates if p.is_file()), None)
    if found is not None:
        data = found.read_bytes()
        if found.suffix == ".gz":
            import gzip
            data = gzip.decompress(data)
        source = str(found.relative_to(ROOT)) if found.is_relative_to(ROOT) else str(found)
    else:
        data, source = corpus, "corpus only (no build/dataset.nt)"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dataset = tmp / "dataset.nt"
        dataset.write_bytes(data)
        seconds, report = timed(lambda: validate_graph(dataset, engine="fast"), args.runs)
        triples = report.triples
        rows.append(("dataset, fast", f"{triples:,}", f"{seconds:.3f} s",
                     f"{source}; {len(report.findings)} findings; goal < 0.5 s"))

        prepared = as_data(dataset)
        store, literals = prepared.store()

        def checks_only():
            from crimecongress.validation import ontology_text
            from crimecongress.validation.fast import run_fast as _fast
            import pyoxigraph as ox
            copy = ox.Store()
            copy.extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            copy.load(ontology_text().encode(), format=ox.RdfFormat.TURTLE)
            start = time.perf_counter()
            _fast(copy, literals, "https://w3id.org/crime-congress/")
            return time.perf_counter() - start

        check_times = [checks_only() for _ in range(args.runs)]
        rows.append(("dataset, fast checks", f"{triples:,}", f"{statistics.median(check_times):.3f} s",
                     "data already in a Store: the SPARQL checks alone"))

        corpus_file = tmp / "corpus.nt"
        corpus_file.write_bytes(corpus)
        seconds, corpus_report = timed(lambda: validate_graph(corpus_file, engine="fast"), args.runs)
        rows.append(("corpus only, fast", f"{corpus_report.triples:,}", f"{seconds:.3f} s",
                     "units and provenance, no tags/SDG/vocabularies"))

        if not args.skip_pyshacl:
            seconds, reference = timed(lambda: validate_graph(dataset, engine="pyshacl"), args.pyshacl_runs)
            same = reference.keys() == report.keys()
            rows.append(("dataset, pyshacl", f"{triples:,}", f"{seconds:.1f} s",
                         f"{args.pyshacl_runs} run(s); same findings as fast: {same}"))
            seconds, _ = timed(lambda: validate_graph(corpus_file, engine="pyshacl"), args.pyshacl_runs)
            rows.append(("corpus only, pyshacl", f"{corpus_report.triples:,}", f"{seconds:.1f} s",
                         f"{args.pyshacl_runs} run(s)"))

        stability = per_check_processes(dataset, args.processes) if args.processes > 0 else ""

        draft = doha_draft(tmp)
        engines = ("fast",) if args.skip_pyshacl else ("fast", "pyshacl")
        draft_end_to_end(draft, 1, engines)              # warm the file cache, the bytecode and the user's cache
        drafts = draft_end_to_end(draft, args.runs, engines)
        fast_times, code = drafts["fast"]
        seconds = statistics.median(fast_times)
        rows.append(("draft end to end", "", f"{seconds:.3f} s",
                     f"`crimecongress validate` on the Doha text as a new draft, fresh process "
                     f"({min(fast_times):.3f}-{max(fast_times):.3f} s); exit {code}; goal < 1.5 s"))
        if "pyshacl" in drafts:
            reference_times, _ = drafts["pyshacl"]
            reference = statistics.median(reference_times)
            rows.append(("draft end to end, pyshacl", "", f"{reference:.3f} s",
                         f"the same with --engine pyshacl, runs interleaved with the fast engine's "
                         f"({min(reference_times):.3f}-{max(reference_times):.3f} s): fast is "
                         f"{reference / seconds:.1f}x faster; goal >= 10x"))

        if not args.skip_scale:
            big = tmp / f"{args.scale_of}-x{args.scale}.nt"
            big.write_bytes(scaled(data if args.scale_of == "dataset" else corpus, args.scale))
            del data
            gc.collect()
            start = time.perf_counter()
            big_report = validate_graph(big, engine="fast")
            seconds = time.perf_counter() - start
            rows.append((f"{args.scale}x {args.scale_of}, fast", f"{big_report.triples:,}", f"{seconds:.1f} s",
                         f"1 run; {len(big_report.findings)} findings; peak RSS {peak_mb():,.0f} MB"))

    header = ("| measurement | triples | time | note |", "|---|---:|---:|---|")
    table = "\n".join(header + tuple(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows))
    machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, " \
              f"{len(__import__('os').sched_getaffinity(0))} cores"
    text = (f"# Validation timings\n\nMedian of {args.runs} runs unless noted; {machine}.\n"
            f"Produced by `python benchmarks/validate.py`.\n\n{table}\n" + (f"\n{stability}\n" if stability else ""))
    print(text)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "validate.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
