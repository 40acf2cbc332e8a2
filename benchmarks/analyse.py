"""How long `crimecongress analyse` and reading a PDF take, each in a fresh process (start-up included).

    python benchmarks/analyse.py [--runs 5] [--no-save]

Measured (wall clock; median, min and max of RUNS):

    analyse, warm cache   `python -m crimecongress analyse A_RES_80_5.md` with the corpus side in the cache: the
                          Doha Political Declaration of the World Social Summit (A/RES/80/5 and its annexed
                          declaration, 170 paragraph-level units): parse, validate, tag, SDG links, lineage, text
    analyse, cold cache   the same into an empty cache directory: the corpus side parsed and tagged, then stored
    analyse, no cache     --no-cache (the corpus side computed, nothing written)
    parse PDF             `python -m crimecongress parse A_RES_80_5-EN.pdf` of that resolution laid out as a
                          UN PDF (tests/test_parse_pdf.py; needs reportlab, the `test` extra)
    read PDF              crimecongress.corpus.source.read_source on that PDF, in-process (pypdf alone)
    import                `python -c "import crimecongress.analyse"` (the interpreter and the package)

Goals on the project's 2-core machine: analyse of a 100-paragraph text < 3 s with the cache warm; parse of a PDF
< 2 s. Writes the table to stdout and (unless --no-save) to benchmarks/results/analyse.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT.parent / "shared" / "un-texts"
DRAFT = TEXTS / "ga-res-80" / "A_RES_80_5.md"
LAYOUT = TEXTS / "ga-res-80-pdf-layout" / "A_RES_80_5.txt"


def timed(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def row(label: str, times: list[float]) -> str:
    return f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | {len(times)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from test_parse_pdf import lay_out                 # the UN page layout the tests use

    from crimecongress.drafts import read_draft as parse_draft
    from crimecongress.corpus.source import read_source
    from crimecongress.ids import DEFAULT

    units = sum(1 for d in parse_draft(DRAFT, minter=DEFAULT, title=None, slug=None).documents for u in d.units
                if u.kind.value in ("preamble", "paragraph", "subparagraph", "item"))
    python = [sys.executable, "-m", "crimecongress"]
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        cache = work / "cache"
        env = dict(os.environ, CRIMECONGRESS_CACHE=str(cache))
        analyse = python + ["analyse", str(DRAFT)]
        rows.append(row("analyse, cold cache", [
            timed(analyse, dict(env, CRIMECONGRESS_CACHE=str(work / f"cold{i}")), 1)[0] for i in range(args.runs)]))
        rows.append(row("analyse, warm cache", timed(analyse, env, args.runs)))
        rows.append(row("analyse, no cache", timed(analyse + ["--no-cache"], env, args.runs)))
        pdf = lay_out(LAYOUT, work / "A_RES_80_5-EN.pdf")
        rows.append(row("parse PDF", timed(python + ["parse", str(pdf)], env, args.runs)))
        reads = []
        for _ in range(args.runs):
            start = time.perf_counter()
            read_source(pdf)
            reads.append(time.perf_counter() - start)
        rows.append(row("read PDF (in process)", reads))
        rows.append(row("import", timed([sys.executable, "-c", "import crimecongress.analyse"], env, args.runs)))
        from pypdf import PdfReader
        pages = len(PdfReader(pdf).pages)
    table = "\n".join([
        f"# analyse and PDF benchmark\n",
        f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; draft {DRAFT.name}: "
        f"{units} paragraph-level units; PDF: {pages} pages\n",
        "| what | median s | min s | max s | runs |", "| --- | --- | --- | --- | --- |", *rows]) + "\n"
    print(table)
    if not args.no_save:
        (ROOT / "benchmarks" / "results" / "analyse.md").write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
