"""How long `crimecongress build` takes with a cold cache, a warm one and none, with and without HermiT.

    python benchmarks/build_speed.py [--runs 3]

Each build runs in a fresh process on a snapshot of the repository's inputs and code (copied once into a
temporary folder, so that edits made meanwhile do not change what is measured), into a temporary --out:

    cold      an empty cache folder (a clean checkout's first build: it fills the cache)
    warm      the cache a cold build left, nothing changed (the files of that build are reused)
    edited    the warm cache after a cue changed (mappings/cues/actors.yaml): every stage runs, the
              embeddings, and HermiT's verdict where the data is unchanged, come from the cache
    no cache  `--no-cache`

"with HermiT" is the command (`crimecongress build`); "without" is build.build(check_owl=False) in a fresh
process (the command has no switch for it; the files are the same). The runs are interleaved (one of each
kind in turn) and the table gives the median wall clock of RUNS, start-up included, and the steps' own
timings (median) of the cold and no-cache builds. Writes the table to stdout and (unless --no-save) to
benchmarks/results/build_speed.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from test_build_cache import copy_repository  # noqa: E402 -- after the path is set
RESULTS = ROOT / "benchmarks" / "results"
WITHOUT_OWL = """
import sys
from pathlib import Path
from crimecongress.build import build
from crimecongress.ids import Minter
build(Path(sys.argv[1]), Minter(), lambda message: print(message, file=sys.stderr), check_owl=False,
      use_cache=sys.argv[2] == "cache", force=True)
"""
STEP = re.compile(r"^\[\d+/\d+\] (.+) done in ([\d.]+) s$")


def build(repository: Path, out: Path, cache_dir: Path | None, owl: bool) -> tuple[float, dict[str, float]]:
    """One build in a fresh process: (wall clock, {step: seconds})."""
    env = {**os.environ, "PYTHONPATH": str(repository), "CRIMECONGRESS_CACHE": str(cache_dir or out / "no-cache")}
    if owl:
        command = [sys.executable, "-m", "crimecongress", "build", "--force", "--out", str(out)]
        command += [] if cache_dir else ["--no-cache"]
    else:
        command = [sys.executable, "-c", WITHOUT_OWL, str(out), "cache" if cache_dir else "no-cache"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=repository, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"the build failed:\n{done.stderr}")
    steps = {m.group(1): float(m.group(2)) for m in map(STEP.match, done.stderr.splitlines()) if m}
    return seconds, steps


def edit_cue(repository: Path, undo: bool = False) -> None:
    cues = repository / "mappings" / "cues" / "actors.yaml"
    before, after = ("terms: [academia, academic institutions, academic community]",
                     "terms: [academic institutions, academic community]")
    text = cues.read_text(encoding="utf-8")
    cues.write_text(text.replace(after, before) if undo else text.replace(before, after), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()

    kinds = ("cold", "warm", "edited", "no cache")
    times = {(kind, owl): [] for kind in kinds for owl in (True, False)}
    steps = {(kind, owl): [] for kind in ("cold", "no cache") for owl in (True, False)}
    with tempfile.TemporaryDirectory(prefix="build-speed-") as tmp:
        work = Path(tmp)
        repository = copy_repository(work / "repository")   # what a build reads, as tests/test_build_cache.py copies it
        for run in range(args.runs):
            for owl in (True, False):
                cache_dir = work / f"cache-{run}-{owl}"
                for kind in kinds:
                    out = work / f"out-{kind.replace(' ', '-')}"
                    if kind == "edited":
                        edit_cue(repository)
                    try:
                        seconds, timed = build(repository, out, None if kind == "no cache" else cache_dir, owl)
                    finally:
                        if kind == "edited":
                            edit_cue(repository, undo=True)
                    times[kind, owl].append(seconds)
                    if (kind, owl) in steps:
                        steps[kind, owl].append(timed)
                    print(f"run {run + 1}: {kind}, {'with' if owl else 'without'} HermiT: {seconds:.2f} s",
                          file=sys.stderr)
                shutil.rmtree(cache_dir)

    cores = os.cpu_count()
    lines = [f"# Build speed ({platform.python_implementation()} {platform.python_version()}, {cores} cores, "
             f"median of {args.runs}, wall clock with start-up)", "",
             "| cache | with HermiT | without HermiT |", "|---|---|---|"]
    for kind in kinds:
        lines.append(f"| {kind} | {statistics.median(times[kind, True]):.2f} s "
                     f"| {statistics.median(times[kind, False]):.2f} s |")
    lines += ["", "Steps (median s): " + ", ".join(f"{k[0]} {'with' if k[1] else 'without'} HermiT" for k in steps),
              "", "| step | " + " | ".join(f"{k[0]}, {'HermiT' if k[1] else 'no HermiT'}" for k in steps) + " |",
              "|---|" + "---|" * len(steps)]
    names = list(dict.fromkeys(name for runs in steps.values() for timed in runs for name in timed))
    for name in names:
        cells = []
        for runs in steps.values():
            values = [timed[name] for timed in runs if name in timed]
            cells.append(f"{statistics.median(values):.2f}" if values else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "build_speed.md").write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
