"""A bounded load test of `crimecongress serve` on loopback: requests per second and latency percentiles.

    python benchmarks/serve_load.py [--build build] [--requests 2000] [--concurrency 8] [--cap 60]

Starts the server itself (a subprocess, like production), then runs each workload with CONCURRENCY client
threads on keep-alive connections, until REQUESTS requests are done or CAP seconds have passed:

    paragraph pages, first visit    HTML of paragraphs never asked for before (rendered on the spot)
    paragraph pages, again          the same pages again (served from the page cache)
    paragraph Turtle, first visit   the RDF of other paragraphs (description + serialisation on the spot)
    example queries (cached)        the queries/*.rq files, answered from the query cache after the first
    example queries (uncached)      the same against a second server started with --query-cache 0:
                                    every request is evaluated by a SPARQL worker process

The client runs on the same machine (and competes for the same cores), so figures are a lower bound.
Goals on 2 cores: >= 500 paragraph pages/s; p95 <= 50 ms for the example queries.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from crimecongress import dumps  # noqa: E402 -- after the path is set


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    def row(self) -> list[str]:
        lat = sorted(self.latencies) or [0.0]

        def pct(p: float) -> float:
            return 1000 * lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))]

        return [self.name, str(self.requests), str(self.errors), f"{self.seconds:.2f}",
                f"{self.requests / self.seconds:.0f}" if self.seconds else "-",
                f"{pct(0.50):.1f}", f"{pct(0.95):.1f}", f"{pct(0.99):.1f}", f"{1000 * lat[-1]:.1f}"]


def run(name: str, host: str, port: int, requests: list[tuple[str, dict]], total: int, concurrency: int,
        cap: float) -> Result:
    """Send `total` requests (cycling through `requests`) with `concurrency` threads; stop at `cap` seconds."""
    source = itertools.islice(itertools.cycle(requests), total)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + cap

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                item = next(source, None)
            if item is None:
                break
            path, headers = item
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Result(name, len(latencies), errors[0], time.perf_counter() - started, latencies)


def _cpu_seconds(roots: list[int]) -> float:
    """CPU time used so far by the processes `roots` and their descendants (Linux /proc)."""
    parents, times = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    def ours(pid: int) -> bool:
        while pid > 1:
            if pid in roots:
                return True
            pid = parents.get(pid, 0)
        return False
    return sum(t for pid, t in times.items() if ours(pid))


def wait_until_idle(roots: list[int], limit: float = 120.0) -> float:
    """Wait until the processes use under a tenth of a core for a second; the seconds waited."""
    started = time.monotonic()
    if not Path("/proc/self/stat").exists():
        time.sleep(15)
        return time.monotonic() - started
    before = _cpu_seconds(roots)
    while time.monotonic() - started < limit:
        time.sleep(1.0)
        now = _cpu_seconds(roots)
        if now - before < 0.1:
            break
        before = now
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cap", type=float, default=60.0, help="hard cap in seconds per workload")
    args = parser.parse_args()

    from serve_support import Server
    from crimecongress.serve.app import load_examples, QUERIES_DIR
    from crimecongress.serve.data import Dataset

    if dumps.find(args.build) is None:
        print(f"no dataset.nq.gz in {args.build}: run `crimecongress build` first", file=sys.stderr)
        return 2
    data = Dataset(args.build)
    paragraphs = [u for units in data.units_of.values() for u in units
                  if data.unit_kind(u) in ("Paragraph", "Subparagraph", "PreambleParagraph")]
    half = len(paragraphs) // 2
    page_paths = [("/" + u[len(data.base):], {"Accept": "text/html"}) for u in paragraphs[:half]]
    turtle_paths = [("/" + u[len(data.base):], {"Accept": "text/turtle"}) for u in paragraphs[half:]]
    examples = load_examples(QUERIES_DIR)
    queries = [("/sparql?" + urlencode({"query": ex.query}), {"Accept": "application/sparql-results+json"})
               for ex in examples]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before the run: {load:.2f} on {os.cpu_count()} cores", file=sys.stderr)
    print(f"{len(data.documents)} documents, {data.triple_count} triples, {len(paragraphs)} paragraph-level units, "
          f"{len(examples)} example queries; {args.requests} requests per workload, concurrency "
          f"{args.concurrency}, cap {args.cap:.0f} s", file=sys.stderr)

    results = []
    server = Server(args.build)
    plain = Server(args.build, "--query-cache", "0")
    try:
        for s in (server, plain):                   # wait for the SPARQL workers, untimed
            s.get("/sparql?" + urlencode({"query": "ASK {}"}), timeout=120)
        # and until both servers have done what they do after start-up (the workers' copy of the data into
        # memory, the statements for the RDF writers, the search index): it would compete for the cores
        quiet = wait_until_idle([server.process.pid, plain.process.pid])
        print(f"servers idle after {quiet:.1f} s", file=sys.stderr)
        n = min(args.requests, len(page_paths))
        results.append(run("paragraph pages, first visit", server.host, server.port, page_paths[:n], n,
                           args.concurrency, args.cap))
        results.append(run("paragraph pages, again", server.host, server.port, page_paths[:n], args.requests,
                           args.concurrency, args.cap))
        n = min(args.requests, len(turtle_paths))
        results.append(run("paragraph Turtle, first visit", server.host, server.port, turtle_paths[:n], n,
                           args.concurrency, args.cap))
        if queries:
            results.append(run("example queries (cached)", server.host, server.port, queries, args.requests,
                               args.concurrency, args.cap))
            results.append(run("example queries (uncached)", plain.host, plain.port, queries, args.requests,
                               args.concurrency, args.cap))
            for ex, query in zip(examples, queries):
                results.append(run(f"  {ex.name} (uncached)", plain.host, plain.port, [query],
                                   max(20, args.requests // (4 * len(queries))), 2, args.cap))
    finally:
        server.stop()
        plain.stop()

    header = ["workload", "requests", "errors", "seconds", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for k, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    pages = [r for r in results if r.name.startswith("paragraph pages")]
    uncached = [r for r in results if r.name == "example queries (uncached)"]
    verdict = []
    if pages:
        rate = min(r.requests / r.seconds for r in pages)
        verdict.append(f"paragraph pages: {rate:.0f}/s at worst ({'meets' if rate >= 500 else 'MISSES'} >= 500/s)")
    def p95(result: Result) -> float:
        lat = sorted(result.latencies) or [0.0]
        return 1000 * lat[int(round(0.95 * (len(lat) - 1)))]

    cached = [r for r in results if r.name == "example queries (cached)"]
    if cached:
        verdict.append(f"example queries as served (query cache on): p95 {p95(cached[0]):.1f} ms "
                       f"({'meets' if p95(cached[0]) <= 50 else 'MISSES'} <= 50 ms)")
    if uncached:
        verdict.append(f"example queries, every one evaluated (mixed, concurrency {args.concurrency}): p95 "
                       f"{p95(uncached[0]):.1f} ms ({'meets' if p95(uncached[0]) <= 50 else 'MISSES'} <= 50 ms)")
        slow = [r.name.strip().replace(" (uncached)", "") for r in results
                if r.name.startswith("  ") and p95(r) > 50]
        verdict.append("queries over 50 ms at p95 on their own: " + (", ".join(slow) if slow else "none"))
    print("\n".join(verdict))
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
