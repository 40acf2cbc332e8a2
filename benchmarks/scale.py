"""How cost grows with the corpus: every stage at 1x, 10x and 100x the sources, measured one stage at a time.

    python benchmarks/scale.py [--sizes 1,10,100] [--work DIR] [--keep] [--timeout S]

For each size, benchmarks/synthetic.py writes a corpus of new declarations made of the real units, then
each stage runs **in a fresh Python process** (so one stage's memory is not another's):

    parse     crimecongress.corpus.parse_file on every synthetic file
    tag       crimecongress.tagging's tagger, where the package has one (skipped, and said so, where not)
    emit      each document's graph with its tags, emitted and written (Turtle, N-Triples, JSON-LD) in
              turn, as the build does (crimecongress.release.GraphWriter.documents)
    validate  crimecongress.validation.batches.validate_in_batches on the dataset's N-Triples, as the build does
              (a batch of documents at a time)
    export    the whole-dataset Turtle, N-Triples, JSON-LD and N-Quads, from the per-graph dumps
    pipeline  parse, tag, emit, validate and export in one process: the build's real time and memory (as in
              the build, the SHACL checks run on a thread while the whole-dataset files are written)
    load      pyoxigraph Store.bulk_load of dataset.nq into an on-disk store
    queries   partner queries (the .rq files under queries/, else three of our own) on that store
    publish   crimecongress.publishing to an Oxigraph server started on loopback for the purpose

Time is wall-clock time of the stage's own work (time.perf_counter around it); what a stage needs first
(the previous stage's output, read back from disk or recomputed) is set-up, not timed. Memory is the peak
resident set size of the stage's process, from getrusage(RUSAGE_SELF).ru_maxrss: it covers everything
the process touched, Python objects and the Rust heap of pyoxigraph alike, which tracemalloc would miss
(it sees only Python's allocator, and slows the run down); the set-up's share is reported as the peak
before the stage began ("base"). A stage that starts worker processes (crimecongress.workers) is measured with
them: the resident memory of its whole process tree is sampled every 0.25 s over the process's life (which
includes saving its output for the next stage), and the larger of that and its own peak is reported. The Oxigraph server's peak comes from RUSAGE_CHILDREN once it is stopped.

Writes benchmarks/results/scale.md (tables), scale.json (raw figures) and scale.svg (plot).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date as _date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crimecongress import dumps  # noqa: E402 -- after the path is set

STAGES = ("parse", "tag", "emit", "validate", "export", "pipeline", "load", "queries", "publish", "publish-bulk")
BUILD_STAGES = ("parse", "tag", "emit", "validate", "export")
BASE = "https://w3id.org/crime-congress/"

QUERIES = {
    "units per document": """
        PREFIX uncc: <https://w3id.org/crime-congress/ontology#>
        SELECT ?document (COUNT(?unit) AS ?units) WHERE { ?unit uncc:document ?document }
        GROUP BY ?document ORDER BY DESC(?units)""",
    "paragraphs that mention corruption": """
        PREFIX uncc: <https://w3id.org/crime-congress/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?unit ?label WHERE { ?unit uncc:text ?text ; rdfs:label ?label
          FILTER(CONTAINS(LCASE(STR(?text)), "corruption")) }""",
    "footnotes cited, with their text": """
        PREFIX uncc: <https://w3id.org/crime-congress/ontology#>
        SELECT ?unit ?footnote ?note WHERE { ?unit uncc:footnoteRef ?footnote . ?footnote uncc:text ?note }""",
}


# ------------------------------------------------------------------------------------------------------
# Stage bodies (run in the child process)
# ------------------------------------------------------------------------------------------------------

def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Stage:
    """What a stage reports: seconds of its own work, the peak memory before and after, and details."""

    def __init__(self, name: str, work: Path):
        self.name, self.work = name, work
        self.result: dict = {"stage": name, "status": "ok", "parts": {}}
        self._began = None

    def begin(self) -> None:
        gc.collect()
        self.result["base_kb"] = _peak_kb()
        self._began = time.perf_counter()

    def end(self, **details) -> dict:
        self.result["seconds"] = time.perf_counter() - self._began
        self.result["peak_kb"] = _peak_kb()
        self.result["children_peak_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.result.update(details)
        return self.result

    def part(self, label: str, action):
        start = time.perf_counter()
        value = action()
        self.result["parts"][label] = self.result["parts"].get(label, 0.0) + time.perf_counter() - start
        self.save()
        return value

    def save(self) -> None:
        """What is known so far, for the parent to read if the stage is stopped (time-out, memory cap)."""
        partial = dict(self.result, peak_kb=_peak_kb())
        if self._began is not None:
            partial["seconds_so_far"] = time.perf_counter() - self._began
        (self.work / f"stage-{self.name}.json").write_text(json.dumps(partial))

    def skip(self, why: str) -> dict:
        self.result.update(status="skipped", note=why)
        return self.result


def _manifest(work: Path) -> dict:
    return json.loads((work / "corpus" / "manifest.json").read_text())


def _minter():
    from crimecongress.ids import Minter
    return Minter(BASE)


def _parse_all(work: Path, stage: Stage | None = None):
    from crimecongress.corpus import parse_file
    minter = _minter()
    documents = []
    for entry in _manifest(work)["files"]:
        parsed = parse_file(work / "corpus" / entry["file"], minter=minter, slug=entry["slug"])
        documents.extend(parsed.documents)
    return tuple(documents)


def _tagger():
    """The package's tagger, if it has one: a callable (documents) -> (tags, footnote instruments), and its name."""
    try:
        from crimecongress.tagging import identify_footnotes, tag_corpus
        from crimecongress.vocab import load_vocabulary
    except ImportError as error:
        return None, f"crimecongress.tagging has no tagger yet ({error})"

    def tag(documents, stage: Stage | None = None):
        from crimecongress.model import Corpus
        minter = _minter()
        corpus = Corpus(documents=documents, sources=())
        part = stage.part if stage is not None else (lambda _label, action: action())
        vocabulary = part("tag: load the vocabulary and cues", lambda: load_vocabulary(ROOT / "mappings"))
        tags = part("tag: tag_corpus", lambda: tag_corpus(corpus, vocabulary, minter))
        footnotes = part("tag: identify_footnotes", lambda: identify_footnotes(corpus, vocabulary, minter))
        return tags, footnotes
    return tag, "crimecongress.tagging.tag_corpus + identify_footnotes"


def _facts(document):
    from crimecongress.corpus.catalogue import DocumentFacts
    return DocumentFacts(slug=document.slug, kind="declaration", title=document.title, short_title=document.title[:60],
                         year=2030, congress=16)


def _files(out: Path):
    """Where a stage writes its files: a directory, as the build writes into its staging directory."""
    from crimecongress.release import ReleasedFiles
    from crimecongress.fileio import TreeWriter
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return ReleasedFiles(TreeWriter(out))


def _write_all(documents, tagged, out: Path, stage: Stage | None = None):
    """Emit each document's graph with its tags and write its files into `out`, one document at a time, as
    the build does (crimecongress.release.GraphWriter). Returns the writer (its per-graph dumps)."""
    from crimecongress.release import GraphWriter
    tags, footnotes = tagged if tagged is not None else ((), None)
    facts = {d.slug: _facts(d) for d in documents}
    writer = GraphWriter(_minter(), _files(out))
    part = stage.part if stage is not None else (lambda _label, action: action())
    part("emit and write each document", lambda: writer.documents(documents, facts.__getitem__, footnotes, tags))
    return writer


def _save_dumps(work: Path, writer) -> None:
    (work / "dumps.pickle").write_bytes(pickle.dumps(writer.dumps, protocol=pickle.HIGHEST_PROTOCOL))


def _load_writer(work: Path, out: Path):
    from crimecongress.release import GraphWriter
    writer = GraphWriter(_minter(), _files(out))
    writer.dumps = pickle.loads((work / "dumps.pickle").read_bytes())
    return writer


def _validator():
    """What the build runs on its dataset (build._validated): the fast engine a batch of documents at a time
    (crimecongress.validation.batches) once the dataset outgrows a batch, else on the whole, from the dumps."""
    from crimecongress.release import GraphWriter
    return GraphWriter.validate, "crimecongress.release.GraphWriter.validate"


def _load_documents(work: Path):
    return pickle.loads((work / "documents.pickle").read_bytes())


def _load_tags(work: Path):
    path = work / "tags.pickle"
    return pickle.loads(path.read_bytes()) if path.exists() else None


def _export(stage: Stage, writer, out: Path) -> int:
    """The whole-dataset files as the build writes them (from the per-graph dumps, a part at a time) into
    `out`, with a manifest of dataset.nq.gz for the next stages."""
    triples = stage.part("whole-dataset Turtle, N-Triples, JSON-LD, N-Quads", writer.write_whole)
    (out / "MANIFEST.sha256").write_text(f"{writer.files.digests['dataset.nq.gz']}  dataset.nq.gz\n")
    stage.result["bytes"] = {name: size for name, size in writer.files.sizes.items() if name.startswith("dataset.")}
    return triples


def run_stage(name: str, work: Path) -> dict:
    stage = Stage(name, work)
    units = _manifest(work)["units"]
    stage.result["units"] = units

    if name == "parse":
        from crimecongress import collector
        stage.begin()
        with collector.paused():                     # as crimecongress build does
            documents = _parse_all(work)
        result = stage.end(documents=len(documents), parsed_units=sum(len(d.units) for d in documents))
        (work / "documents.pickle").write_bytes(pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL))
        return result

    if name == "tag":
        tagger, label = _tagger()
        (work / "tags.pickle").unlink(missing_ok=True)
        if tagger is None:
            return stage.skip(label)
        documents = _load_documents(work)
        from crimecongress import collector
        stage.begin()
        with collector.paused():                     # as crimecongress build does
            tags, footnotes = tagger(documents, stage)
        result = stage.end(tagger=label, tags=len(tags), footnotes_identified=len(footnotes))
        (work / "tags.pickle").write_bytes(pickle.dumps((tags, footnotes), protocol=pickle.HIGHEST_PROTOCOL))
        return result

    if name == "emit":
        from crimecongress import collector
        documents, tags = _load_documents(work), _load_tags(work)
        stage.begin()
        with collector.long_lived_frozen():          # as crimecongress build does
            writer = _write_all(documents, tags, work / "emit-files", stage)
        triples = sum(d.triples for d in writer.dumps)
        result = stage.end(triples=triples, graphs=len(writer.dumps), bytes=sum(writer.files.sizes.values()))
        _save_dumps(work, writer)
        shutil.rmtree(work / "emit-files", ignore_errors=True)
        (work / "triples.json").write_text(json.dumps({"triples": triples, "graphs": len(writer.dumps)}))
        return result

    if name == "validate":
        validator, label = _validator()
        if validator is None:
            return stage.skip(label)
        writer = _load_writer(work, work / "validate-files")
        shutil.rmtree(work / "validate-files", ignore_errors=True)
        stage.begin()
        report = validator(writer)
        return stage.end(validator=label, conforms=getattr(report, "conforms", None))

    if name == "export":
        writer = _load_writer(work, work / "build")
        stage.begin()
        triples = _export(stage, writer, work / "build")
        return stage.end(triples=triples)

    if name == "pipeline":
        from crimecongress import collector
        stage.begin()
        with collector.paused():                     # as crimecongress build does
            documents = stage.part("parse", lambda: _parse_all(work))
            tagger, _label = _tagger()
            tags = stage.part("tag", lambda: tagger(documents)) if tagger else None
        validator, _label = _validator()
        with collector.long_lived_frozen():          # as crimecongress build does
            writer = stage.part("emit and write each document",
                                lambda: _write_all(documents, tags, work / "pipeline-build"))
            # as the build does, the SHACL checks run on a thread while the whole-dataset files are written
            with ThreadPoolExecutor(max_workers=1) as beside:
                checking = beside.submit(validator, writer) if validator is not None else None
                triples = stage.part("whole-dataset files (validated meanwhile)", writer.write_whole)
                if checking is not None:
                    stage.part("validate (what is left of it)", checking.result)
        shutil.rmtree(work / "pipeline-build", ignore_errors=True)
        return stage.end(triples=triples, tagged=tagger is not None, validated=validator is not None)

    if name == "load":
        import pyoxigraph as ox
        store_dir = work / "store"
        shutil.rmtree(store_dir, ignore_errors=True)
        stage.begin()
        store = ox.Store(str(store_dir))
        dumps.load_quads(store, dumps.find(work / "build"))
        store.flush()
        triples = len(store)
        return stage.end(triples=triples)

    if name == "queries":
        import pyoxigraph as ox
        queries = dict(QUERIES)
        query_dir = ROOT / "queries"
        if query_dir.is_dir() and list(query_dir.glob("*.rq")):
            queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted(query_dir.glob("*.rq"))}
            stage.result["note"] = f"the {len(queries)} .rq files under queries/"
        else:
            stage.result["note"] = "no queries/ yet: three partner queries of the benchmark's own"
        store = ox.Store.read_only(str(work / "store"))
        rows = {}
        stage.begin()
        for label, text in queries.items():
            def run(text=text):
                answer = store.query(text, use_default_graph_as_union=True)
                return answer if isinstance(answer, bool) else sum(1 for _ in answer)
            rows[label] = stage.part(label, run)
        return stage.end(rows=rows, triples=json.loads((work / "triples.json").read_text())["triples"])

    if name in ("publish", "publish-bulk"):
        sys.path.insert(0, str(ROOT / "tests"))
        import publishing
        from crimecongress.publishing import publish
        server = publishing.Oxigraph(work / "server-store")
        shutil.rmtree(server.location, ignore_errors=True)
        server.start()
        try:
            stage.begin()
            options = {"jobs": 2, "bulk": True} if name == "publish-bulk" else {}
            result = publish(work / "build", server.query, env={"NETRC": "/nonexistent", "PATH": ""}, **options)
            stage.end(triples=result.triples, graphs=len(result.states), requests=result.requests)
            if options:
                stage.result["note"] = "--jobs 2 --no-transaction"
        finally:
            server.stop()
        stage.result["children_peak_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        shutil.rmtree(server.location, ignore_errors=True)
        return stage.result

    raise SystemExit(f"unknown stage {name}")


# ------------------------------------------------------------------------------------------------------
# The parent: sizes, child processes, tables and plot
# ------------------------------------------------------------------------------------------------------

def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (from /proc), in KB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():   # a child started by any thread of it
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def _child(stage: str, work: Path, timeout: float, memory_cap_gb: float) -> dict:
    """Run one stage in a fresh process; stop it past `timeout` seconds or `memory_cap_gb` of RSS."""
    command = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--work", str(work)]
    partial_file = work / f"stage-{stage}.json"
    partial_file.unlink(missing_ok=True)
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=ROOT)
        stopped, peak_tree = None, 0
        while process.poll() is None:
            time.sleep(0.25)
            rss = _tree_rss_kb(process.pid)
            peak_tree = max(peak_tree, rss)
            if rss > memory_cap_gb * 2**20:
                stopped = f"stopped at {rss / 2**20:.1f} GB of memory (cap {memory_cap_gb:g} GB)"
            elif time.perf_counter() - began > timeout:
                stopped = f"did not finish within {timeout:g} s"
            if stopped:
                for child in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split() \
                        if Path(f"/proc/{process.pid}").exists() else []:
                    try:
                        os.kill(int(child), 9)
                    except (OSError, ValueError):
                        pass
                process.kill()
                process.wait()
                break
        elapsed = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if stopped:
        result = {"stage": stage, "status": "stopped", "note": stopped, "process_seconds": elapsed}
        if partial_file.exists():
            partial = json.loads(partial_file.read_text())
            result.update(parts=partial.get("parts", {}), peak_kb=partial.get("peak_kb"),
                          seconds_so_far=partial.get("seconds_so_far"))
        return result
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        return {"stage": stage, "status": "failed", "note": tail[:300], "process_seconds": elapsed}
    result = json.loads(lines[-1])
    result["process_seconds"] = elapsed
    result["tree_peak_kb"] = peak_tree
    return result


def replicate_dump(source: Path, target: Path, copies: int) -> int:
    """A dump `copies` times as large: the source's document graphs again under new slugs
    (synthetic-NNNNN becomes synthetic-rK-NNNNN in every IRI), shared graphs once. Returns its quads."""
    target.parent.mkdir(parents=True, exist_ok=True)
    quads = 0
    with dumps.open_plain(source) as handle:       # the build's gzipped dump, or a plain one
        lines = handle.readlines()
    with target.open("wb") as out:
        for line in lines:
            out.write(line)
            quads += 1
        for copy in range(1, copies):
            marker = b"/synthetic-r%d-" % copy
            for line in lines:
                if b"/synthetic-" in line:
                    out.write(line.replace(b"/synthetic-", marker))
                    quads += 1
    import hashlib
    sha = hashlib.sha256()
    with target.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            sha.update(block)
    (target.parent / "MANIFEST.sha256").write_text(f"{sha.hexdigest()}  dataset.nq\n")
    return quads


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    import pyoxigraph
    import rdflib
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory / 2**30, 1),
            "python": platform.python_version(), "rdflib": rdflib.__version__,
            "pyoxigraph": getattr(pyoxigraph, "__version__", "0.5"), "date": _date.today().isoformat()}


def _mb(kb: int | None) -> str:
    return "" if not kb else f"{kb / 1024:,.0f}"


def _rate(n: float, seconds: float) -> str:
    if not n or not seconds:
        return ""
    return f"{n / seconds:,.0f}"


def _peak(result: dict) -> int | None:
    """A stage's peak memory in KB: its own process's, or its process tree's (with the workers it started)."""
    return max(result.get("peak_kb") or 0, result.get("tree_peak_kb") or 0) or None


def write_report(results: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scale.json").write_text(json.dumps(results, indent=1) + "\n")
    (out_dir / "scale.md").write_text(markdown(results))
    (out_dir / "scale.svg").write_text(svg(results))


DUMP_STAGES = ("load", "queries", "publish")


def _units(run: dict, stage: str) -> int:
    """Units a stage's figures are per: the replicated dump's for the stages that read it."""
    if stage in DUMP_STAGES and "dump" in run:
        return run["dump"]["units"]
    return run["corpus"]["units"]


def _triples(size_result: dict, stage: str = "") -> int:
    if stage in DUMP_STAGES and "dump" in size_result:
        return size_result["dump"]["triples"]
    for stage in ("emit", "export", "load"):
        r = size_result["stages"].get(stage, {})
        if r.get("triples"):
            return r["triples"]
    return 0


def markdown(results: dict) -> str:
    m = results["machine"]
    sizes = [s for s in results["sizes"] if str(s) in results["runs"]]
    first = results["runs"][str(sizes[0])]
    lines = [
        "# Scale: cost per stage at " + ", ".join(f"{s:g}x" for s in sizes) + " the sources",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB; Python {m['python']}, "
        f"rdflib {m['rdflib']}, pyoxigraph {m['pyoxigraph']}; {m['date']}. Made by `python benchmarks/scale.py "
        f"--sizes {','.join(f'{s:g}' for s in sizes)}`.",
        "",
        "| size | documents | units | triples | synthetic text |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        run = results["runs"][str(size)]
        lines.append(f"| {size:g}x | {run['corpus']['documents']:,} | {run['corpus']['units']:,} | "
                     f"{_triples(run):,} | {run['corpus']['bytes'] / 2**20:,.1f} MB |")
    for size in sizes:
        dump = results["runs"][str(size)].get("dump")
        if dump:
            lines.append(f"\nAt {size:g}x the rdflib stages were not run; load, queries and publish read the "
                         f"{dump['replicated_from']} dump replicated {dump['copies']} times under new document IRIs "
                         f"({dump['triples']:,} quads, standing for {dump['units']:,} units).")
    lines += ["", "Each stage ran in a fresh process. *time*: wall-clock seconds of the stage's own work. "
              "*units/s*, *triples/s*: throughput. *peak MB*: peak RSS of the stage's process and the worker "
              "processes it starts (the larger of its own peak and the process tree's, sampled every 0.25 s over "
              "the process's life, so also while it saves its output for the next stage: an upper bound; "
              "*base*: its peak before the stage began, i.e. Python, imports and the input). "
              "*per unit vs 1x*: seconds per unit at this size over seconds per unit at 1x "
              "(1.0 = linear; the goal is at most 1.5).", "",
              "| stage | size | time s | units/s | triples/s | peak MB | base MB | per unit vs 1x | note |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    extra = sorted({name for run in results["runs"].values() for name in run["stages"]} - set(STAGES))
    for stage in (*STAGES, *extra):
        for size in sizes:
            run = results["runs"][str(size)]
            r = run["stages"].get(stage)
            if r is None:
                continue
            if r.get("status") != "ok":
                shown = f"≥ {r['seconds_so_far']:.0f}" if r.get("seconds_so_far") else ""
                done = ""
                if r.get("parts"):
                    done = f" (parts done: {', '.join(r['parts'])}; {sum(r['parts'].values()):.0f} s)"
                limit = "; the limit counts the set-up too" if r.get("status") == "stopped" else ""
                lines.append(f"| {stage} | {size:g}x | {shown} | | | {_mb(_peak(r))} | | | "
                             f"{r.get('status')}: {r.get('note', '')}{limit}{done} |")
                continue
            units, triples = _units(run, stage), _triples(run, stage)
            base = first["stages"].get(stage, {})
            ratio = ""
            if base.get("status") == "ok" and base.get("seconds"):
                ratio = f"{(r['seconds'] / units) / (base['seconds'] / _units(first, stage)):.2f}"
            note = r.get("note", "")
            if stage == "publish" and r.get("children_peak_kb"):
                note = (note + "; " if note else "") + f"server peak {_mb(r['children_peak_kb'])} MB"
            lines.append(f"| {stage} | {size:g}x | {r['seconds']:.2f} | {_rate(units, r['seconds'])} | "
                         f"{_rate(triples, r['seconds'])} | {_mb(_peak(r))} | {_mb(r.get('base_kb'))} | "
                         f"{ratio} | {note} |")
    lines += ["", "## The build at each size", "",
              "The build is parse + tag + emit + validate + export (stages that the package does not have yet "
              "are left out and named). *sum of stages* adds the separate stages; *one process* is the "
              "`pipeline` row, all of them in one process as `crimecongress build` runs them, with its real "
              "peak memory. Goal at 100x: under 120 s and under 4 GB.", "",
              "| size | sum of stages s | one process s | one process peak MB | largest stage peak MB | not measured |",
              "|---:|---:|---:|---:|---:|---|"]
    for size in sizes:
        run = results["runs"][str(size)]
        done = [s for s in BUILD_STAGES if run["stages"].get(s, {}).get("status") == "ok"]
        cut = [s for s in BUILD_STAGES if run["stages"].get(s, {}).get("seconds_so_far")]
        missing = [s for s in BUILD_STAGES if s not in done and s not in cut]
        total = sum(run["stages"][s]["seconds"] for s in done) + sum(run["stages"][s]["seconds_so_far"] for s in cut)
        pipe = run["stages"].get("pipeline", {})
        shown = (">= " if cut else "") + f"{total:.1f}" + (" (incomplete)" if missing else "")
        peak = max([_peak(run["stages"][s]) or 0 for s in done + cut] or [0])
        one = f"{pipe['seconds']:.1f}" if pipe.get("status") == "ok" else ""
        lines.append(f"| {size:g}x | {shown} | {one} | {_mb(_peak(pipe))} | "
                     f"{_mb(peak)} | {', '.join(missing) or '—'} |")
    parts_rows = []
    for stage in ("export", "queries", "pipeline", *[e for e in extra if e.startswith(("emit", "export"))]):
        for size in sizes:
            r = results["runs"][str(size)]["stages"].get(stage, {})
            for label, seconds in (r.get("parts") or {}).items():
                parts_rows.append((stage, label, size, seconds))
    for stage in ("tag", "emit"):
        for size in sizes:
            r = results["runs"][str(size)]["stages"].get(stage, {})
            for label, seconds in (r.get("parts") or {}).items():
                parts_rows.append((stage, label, size, seconds))
    if parts_rows:
        lines += ["", "## Inside the stages", "", "Seconds per part, and per unit against 1x.", "",
                  "| stage | part | size | time s | per unit vs 1x |", "|---|---|---:|---:|---:|"]
        for stage, label, size, seconds in parts_rows:
            base = (first["stages"].get(stage, {}).get("parts") or {}).get(label)
            ratio = ""
            if base:
                run = results["runs"][str(size)]
                ratio = f"{(seconds / _units(run, stage)) / (base / _units(first, stage)):.2f}"
            lines.append(f"| {stage} | {label} | {size:g}x | {seconds:.2f} | {ratio} |")
    return "\n".join(lines) + "\n"


COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf", "#bcbd22"]


def svg(results: dict) -> str:
    """Two panels, drawn by hand: seconds against size (log-log, dotted = linear from 1x), and the cost per
    unit against 1x (1.0 = linear; the shaded band is the goal, up to 1.5)."""
    import math
    sizes = [s for s in results["sizes"] if str(s) in results["runs"]]
    series = []
    for index, stage in enumerate(STAGES):
        points = []
        for size in sizes:
            run = results["runs"][str(size)]
            r = run["stages"].get(stage, {})
            if r.get("status") == "ok" and r.get("seconds"):
                points.append((size, r["seconds"], _units(run, stage)))
        if points:
            series.append((stage, COLOURS[index % len(COLOURS)], points))
    width, height, pad = 940, 440, 60
    panel = (width - 3 * pad) / 2
    x0s = (pad, 2 * pad + panel)
    top, bottom = 40, height - 90
    lo_s, hi_s = min(sizes), max(sizes)
    all_secs = [p[1] for _s, _c, pts in series for p in pts] or [1]
    lo_t = 10 ** math.floor(math.log10(max(min(all_secs), 1e-3)))
    hi_t = max(10 ** math.ceil(math.log10(max(all_secs))), lo_t * 10)   # (one decade at least)

    def sx(i, size):
        if hi_s == lo_s:
            return x0s[i] + panel / 2
        return x0s[i] + (math.log10(size) - math.log10(lo_s)) / (math.log10(hi_s) - math.log10(lo_s)) * panel

    def sy_time(t):
        return bottom - (math.log10(max(t, lo_t)) - math.log10(lo_t)) / (math.log10(hi_t) - math.log10(lo_t)) * (bottom - top)

    ratios = []
    for _stage, _colour, pts in series:
        base = pts[0][1] / pts[0][2] if pts[0][0] == sizes[0] else None
        ratios.append([(p[0], (p[1] / p[2]) / base) for p in pts] if base else [])
    hi_r = max([2.0] + [r for rs in ratios for _s, r in rs])
    hi_r = math.ceil(hi_r * 2) / 2

    def sy_ratio(r):
        return bottom - r / hi_r * (bottom - top)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<clipPath id="time-panel"><rect x="{x0s[0]}" y="{top}" width="{panel}" height="{bottom - top}"/></clipPath>',
           f'<text x="{x0s[0]}" y="22" font-size="13" font-weight="bold">Wall time per stage (s, log-log; dotted: linear from 1x)</text>',
           f'<text x="{x0s[1]}" y="22" font-size="13" font-weight="bold">Cost per unit against 1x (1 = linear; band: goal ≤ 1.5)</text>']
    for i in (0, 1):
        out.append(f'<line x1="{x0s[i]}" y1="{bottom}" x2="{x0s[i] + panel}" y2="{bottom}" stroke="black"/>')
        out.append(f'<line x1="{x0s[i]}" y1="{top}" x2="{x0s[i]}" y2="{bottom}" stroke="black"/>')
        for size in sizes:
            x = sx(i, size)
            out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="black"/>')
            out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{size:g}x</text>')
    decade = lo_t
    while decade <= hi_t * 1.001:
        y = sy_time(decade)
        out.append(f'<line x1="{x0s[0]}" y1="{y:.1f}" x2="{x0s[0] + panel}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0s[0] - 6}" y="{y + 4:.1f}" text-anchor="end">{decade:g}</text>')
        decade *= 10
    out.append(f'<rect x="{x0s[1]}" y="{sy_ratio(1.5):.1f}" width="{panel}" height="{sy_ratio(0) - sy_ratio(1.5):.1f}" '
               'fill="#2ca02c" fill-opacity="0.08"/>')
    step = 0.5
    r = 0.0
    while r <= hi_r + 1e-9:
        y = sy_ratio(r)
        out.append(f'<line x1="{x0s[1]}" y1="{y:.1f}" x2="{x0s[1] + panel}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0s[1] - 6}" y="{y + 4:.1f}" text-anchor="end">{r:g}</text>')
        r += step
    for (stage, colour, pts), rs in zip(series, ratios):
        path = " ".join(f"{sx(0, s):.1f},{sy_time(t):.1f}" for s, t, _u in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        s0, t0, u0 = pts[0]
        if s0 == sizes[0] and len(sizes) > 1:
            last = sizes[-1]
            unit_last = _units(results["runs"][str(last)], stage)
            out.append(f'<line x1="{sx(0, s0):.1f}" y1="{sy_time(t0):.1f}" x2="{sx(0, last):.1f}" '
                       f'y2="{sy_time(t0 * unit_last / u0):.1f}" stroke="{colour}" stroke-dasharray="2,3" '
                       'clip-path="url(#time-panel)"/>')
        for s, t, _u in pts:
            out.append(f'<circle cx="{sx(0, s):.1f}" cy="{sy_time(t):.1f}" r="3" fill="{colour}"/>')
        if rs:
            out.append(f'<polyline points="{" ".join(f"{sx(1, s):.1f},{sy_ratio(v):.1f}" for s, v in rs)}" '
                       f'fill="none" stroke="{colour}" stroke-width="2"/>')
            for s, v in rs:
                out.append(f'<circle cx="{sx(1, s):.1f}" cy="{sy_ratio(v):.1f}" r="3" fill="{colour}"/>')
    per_row = 8
    for index, (stage, colour, _pts) in enumerate(series):
        x = pad + (index % per_row) * 105
        legend_y = height - 34 + (index // per_row) * 16
        out.append(f'<rect x="{x}" y="{legend_y - 9}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{legend_y + 1}">{stage}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


HEAVY = ("emit", "validate", "export")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scale benchmark: every stage at several corpus sizes.")
    parser.add_argument("--sizes", default="1,10,100", help="comma-separated multiples of the sources")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed to each stage")
    parser.add_argument("--memory-cap", type=float, default=16, help="GB of RSS at which a stage is stopped")
    parser.add_argument("--heavy-max", type=float, default=100,
                        help="largest size at which the build stages (emit, validate, export) run; above it the "
                             "dump for load, queries and publish is the largest export's, replicated")
    parser.add_argument("--pipeline-max", type=float, default=100, help="largest size for the one-process build")
    parser.add_argument("--publish-max", type=float, default=10,
                        help="largest size for `publish` with one job (at 100x it takes over 20 minutes; "
                             "publish-bulk runs at every size)")
    parser.add_argument("--stages", default=",".join(STAGES), help="which stages to run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--render", type=Path, metavar="SCALE.JSON",
                        help="only write the tables and plot again from the figures of an earlier run")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stage:                                   # child process: one stage, one JSON line
        print(json.dumps(run_stage(args.stage, args.work)))
        return 0
    if args.render:
        write_report(json.loads(args.render.read_text()), args.out)
        return 0

    from synthetic import generate, load_pools
    sizes = [float(s) if "." in s else int(s) for s in args.sizes.split(",")]
    stages = [s for s in args.stages.split(",") if s]
    work_root = args.work or Path(tempfile.mkdtemp(prefix="crimecongress-scale-"))
    pools = load_pools()
    results = {"machine": machine(), "sizes": sizes, "runs": {},
               "settings": {"timeout": args.timeout, "memory_cap_gb": args.memory_cap, "heavy_max": args.heavy_max,
                            "pipeline_max": args.pipeline_max, "publish_max": args.publish_max}}
    exported: tuple[float, Path] | None = None     # the largest size whose export wrote a dump
    try:
        for size in sizes:
            work = work_root / f"x{size:g}"
            shutil.rmtree(work, ignore_errors=True)
            began = time.perf_counter()
            manifest = generate(work / "corpus", size, pools=pools)
            corpus = {k: manifest[k] for k in ("documents", "units", "bytes")}
            corpus["generate_seconds"] = time.perf_counter() - began
            run = {"corpus": corpus, "stages": {}}
            results["runs"][str(size)] = run
            print(f"{size:g}x: {corpus['documents']:,} documents, {corpus['units']:,} units", file=sys.stderr)
            for stage in stages:
                if stage in HEAVY and size > args.heavy_max:
                    run["stages"][stage] = {"stage": stage, "status": "not run",
                                            "note": f"build stage, run up to {args.heavy_max:g}x only"}
                    continue
                if stage == "pipeline" and size > args.pipeline_max:
                    run["stages"][stage] = {"stage": stage, "status": "not run",
                                            "note": f"run at {args.pipeline_max:g}x only"}
                    continue
                if stage == "publish" and size > args.publish_max:
                    run["stages"][stage] = {"stage": stage, "status": "not run",
                                            "note": f"run up to {args.publish_max:g}x only"}
                    continue
                if stage == "load" and dumps.find(work / "build") is None:
                    if exported is None:
                        run["stages"][stage] = {"stage": stage, "status": "not run", "note": "no dump"}
                        continue
                    from_size, dump = exported
                    copies = max(1, round(size / from_size))
                    quads = replicate_dump(dump, work / "build" / "dataset.nq", copies)
                    (work / "triples.json").write_text(json.dumps({"triples": quads}))
                    run["dump"] = {"replicated_from": f"{from_size:g}x", "copies": copies, "triples": quads,
                                   "units": copies * results["runs"][str(from_size)]["corpus"]["units"]}
                    print(f"  dump      the {from_size:g}x dump x{copies}: {quads:,} quads", file=sys.stderr)
                result = _child(stage, work, args.timeout, args.memory_cap)
                run["stages"][stage] = result
                if stage == "export" and dumps.find(work / "build") is not None:
                    exported = (size, dumps.find(work / "build"))
                shown = (f"{result['seconds']:.2f} s, peak {_mb(_peak(result))} MB"
                         if result.get("status") == "ok" else f"{result.get('status')}: {result.get('note')}")
                print(f"  {stage:<9} {shown}", file=sys.stderr)
                write_report(results, args.out)
            for leftover in ("store", "server-store", "pipeline-build"):
                shutil.rmtree(work / leftover, ignore_errors=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work_root, ignore_errors=True)
    write_report(results, args.out)
    print(f"wrote {args.out / 'scale.md'}, scale.json and scale.svg", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
