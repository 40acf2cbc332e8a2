"""Simple queries beside heavy ones: how long a quick SPARQL question waits while other clients run queries
that go to the time limit.

    python benchmarks/serve_fairness.py [--build build] [--heavy 4] [--seconds 30] [--timeout 10]

Starts `crimecongress serve` (a subprocess, with --query-cache 0), then HEAVY clients, each on its own loopback
address (127.0.0.2, 127.0.0.3, ...), repeat a cross-product COUNT that runs into --query-timeout, while one
client on 127.0.0.1 asks for one paragraph's text every 50 ms (each query text distinct, so nothing is cached).
Prints the simple queries' latency percentiles and the heavy queries' outcomes. Goal: every simple query
under 1 s while four heavy queries run. Loopback only; bounded by --seconds.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import Server  # noqa: E402
from test_serve_hardening import HEAVY, SIMPLE, timed_query  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--heavy", type=int, default=4, help="heavy clients (at most 250)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the heavy clients run")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's --query-timeout")
    args = parser.parse_args()
    server = Server(args.build, "--query-timeout", f"{args.timeout:g}", "--query-cache", "0")
    try:
        timed_query(server, SIMPLE, "127.0.0.1")
        stop = time.monotonic() + args.seconds
        heavy: list[tuple[int, float]] = []

        def hammer(source: str) -> None:
            n = 0
            while time.monotonic() < stop:
                n += 1
                heavy.append(timed_query(server, f"{HEAVY} # {source} {n}", source, timeout=args.timeout + 30))

        threads = [threading.Thread(target=hammer, args=(f"127.0.0.{i + 2}",)) for i in range(args.heavy)]
        for thread in threads:
            thread.start()
        warm = time.monotonic() + 20
        while time.monotonic() < warm and timed_query(server, SIMPLE + " # warm", "127.0.0.1")[1] > 0.2:
            time.sleep(0.2)
        simple: list[tuple[int, float]] = []
        n = 0
        while time.monotonic() < stop - 0.5:
            n += 1
            simple.append(timed_query(server, f"{SIMPLE} # {n}", "127.0.0.1"))
            time.sleep(0.05)
        for thread in threads:
            thread.join(args.timeout + 60)
    finally:
        server.stop()
    latencies = sorted(seconds for _, seconds in simple)

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(round(p * (len(latencies) - 1))))]

    print(f"{len(simple)} simple queries beside {args.heavy} heavy clients "
          f"(statuses {dict(Counter(s for s, _ in simple))}): "
          f"median {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, max {1000 * latencies[-1]:.1f} ms")
    print(f"{len(heavy)} heavy queries: statuses {dict(Counter(s for s, _ in heavy))}")
    return 0 if latencies and latencies[-1] < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
