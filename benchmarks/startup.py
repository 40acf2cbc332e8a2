"""Start-up of the commands that open the dataset, against Oxigraph's own CLI on a store of the same data.

    python benchmarks/startup.py [--build build] [--runs 7]

Medians of RUNS runs, interleaved, every process started afresh (all on loopback, in a temporary cache dir):

    query, before       `crimecongress query` with no usable cache: the dump is loaded into memory each run
    query, cold         the persistent store is made first (it is removed before each run)
    query, warm         the persistent store is there: opened read-only
    oxigraph query      `oxigraph query --union-default-graph` on a copy of that store
    serve, before       `crimecongress serve` with no usable cache: time to the first page (/), and in a start of
                        its own to the first SPARQL answer (ASK {}), from the moment the process is started (a
                        page asked for first would make the SPARQL answer wait for it: the server loads the
                        pages' indexes at once when a page is wanted, else once its SPARQL workers are ready)
    serve, warm         the same with the store (and the page indexes) already in the cache
    oxigraph serve      `oxigraph serve-read-only` on the copy: time to its first SPARQL answer

With --describe SECONDS it then measures a DESCRIBE of that paragraph (Turtle) with 8 client threads on
keep-alive connections for SECONDS each, against `crimecongress serve --query-cache 0` (every request is
evaluated by a worker) and `oxigraph serve-read-only --union-default-graph` on the same store.

One paragraph's text is the query. "before" points CRIMECONGRESS_CACHE at a path that cannot be a directory,
which is exactly the fallback a read-only cache takes.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crimecongress import store  # noqa: E402 -- after the path is set

BIN = Path(sys.executable).parent
UNIT = "https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d"
QUERY = f"SELECT ?text WHERE {{ <{UNIT}> <https://w3id.org/crime-congress/ontology#text> ?text }}"
NO_CACHE = "/dev/null/no-cache"          # not a directory, and cannot become one


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, deadline: float) -> float:
    """Seconds until URL answers 200 (connection refused or 503 while starting: ask again)."""
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    response.read()
                    return time.perf_counter()
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.005)
    raise RuntimeError(f"no answer from {url}")


def first_answer(command: list[str], env: dict, url: str) -> float:
    """Seconds from starting COMMAND to its first 200 for URL."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return wait_for(url, started + 60) - started
    finally:
        process.terminate()
        process.wait(10)


def describe_load(port: int, path: str, seconds: float, clients: int = 8) -> tuple[float, float]:
    """Requests per second and p95 latency (s) of GET PATH (Accept: Turtle) from CLIENTS threads."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "text/turtle"})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or not body:
                raise RuntimeError(f"DESCRIBE answered {response.status}")
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return len(latencies) / seconds, latencies[int(len(latencies) * 0.95)]


def describe(build: Path, copy: Path, env: dict, seconds: float) -> None:
    query = "?query=" + quote(f"DESCRIBE <{UNIT}>")
    ours, theirs = free_port(), free_port()
    servers = [subprocess.Popen([str(BIN / "crimecongress"), "serve", "--build", str(build), "--port", str(ours),
                                 "--query-cache", "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
               subprocess.Popen([str(BIN / "oxigraph"), "serve-read-only", "--location", str(copy), "--bind",
                                 f"127.0.0.1:{theirs}", "--union-default-graph"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]
    try:
        wait_for(f"http://127.0.0.1:{ours}/sparql{query}", time.perf_counter() + 60)
        wait_for(f"http://127.0.0.1:{theirs}/query{query}", time.perf_counter() + 60)
        for name, port, path in (("crimecongress serve", ours, "/sparql" + query),
                                 ("oxigraph serve", theirs, "/query" + query)):
            rate, p95 = describe_load(port, path, seconds)
            print(f"  DESCRIBE, 8 clients, {name:20} {rate:7.0f} req/s, p95 {p95 * 1000:.1f} ms")
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--describe", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args()
    build = args.build.resolve()
    times: dict[str, list[float]] = {}

    def note(name: str, value: float | None) -> None:
        if value is not None:
            times.setdefault(name, []).append(value)

    def serve(environment: dict, path: str) -> float:
        port = free_port()
        return first_answer([str(BIN / "crimecongress"), "serve", "--build", str(build), "--port", str(port)],
                            environment, f"http://127.0.0.1:{port}{path}")

    with tempfile.TemporaryDirectory(prefix="crimecongress-startup-") as folder:
        cache = Path(folder) / "cache"
        env = {**os.environ, "CRIMECONGRESS_CACHE": str(cache)}
        before = {**os.environ, "CRIMECONGRESS_CACHE": NO_CACHE}
        query = [str(BIN / "crimecongress"), "query", "--build", str(build), QUERY]
        timed(query, env)                                        # makes the store
        src = store.source(build)
        copy = Path(folder) / "oxigraph"
        shutil.copytree(store.stores_dir(cache) / src.key / "db", copy)
        oxigraph = [str(BIN / "oxigraph"), "query", "--location", str(copy), "--union-default-graph",
                    "--query", QUERY, "--results-format", "csv"]
        serve(env, "/")                                          # makes the page indexes
        for _ in range(args.runs):
            note("query, before", timed(query, before))
            shutil.rmtree(store.stores_dir(cache) / src.key)
            note("query, cold", timed(query, env))
            note("query, warm", timed(query, env))
            note("oxigraph query", timed(oxigraph, env))
            for name, environment in (("before", before), ("warm", env)):
                note(f"serve, {name}: first page", serve(environment, "/"))
                note(f"serve, {name}: first SPARQL answer", serve(environment, "/sparql?query=" + quote("ASK {}")))
            port = free_port()
            note("oxigraph serve: first SPARQL answer",
                 first_answer([str(BIN / "oxigraph"), "serve-read-only", "--location", str(copy), "--bind",
                               f"127.0.0.1:{port}"], env, f"http://127.0.0.1:{port}/query?query=" + quote("ASK {}")))
        print(f"medians of {args.runs} runs, {os.cpu_count()} cores")
        for name, values in times.items():
            print(f"  {name:42} {statistics.median(values):7.3f} s")
        if args.describe:
            describe(build, copy, env, args.describe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
