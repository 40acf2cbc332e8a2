"""How right the published links are, measured on the blind hand labels, per half (tune / heldout): the tables the
README quotes (SDG targets, lineage, top themes, and the confidence bands beside their measured precision).

    python benchmarks/link_labels.py [--build build]

The measuring code is tests/link_scores.py (the test suite holds the bars: tests/test_link_labels.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import link_scores  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="a build directory (default: build)")
    args = parser.parse_args()
    print(link_scores.tables(link_scores.load(args.build)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
