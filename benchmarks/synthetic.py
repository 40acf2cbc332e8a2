"""Synthetic corpora N times the size of the sources, in the sources' own text layout, for the scale benchmark.

Each synthetic file is a new declaration as a user would submit it (Markdown, like
tests/fixtures/declarations/new_declaration.md): a title, the opening formula, preamble clauses,
"Declare the following:", numbered headings, numbered paragraphs "1.", lettered subparagraphs "(a)",
third-level items "- (i)", footnote markers <sup>n</sup> and footnote definitions after the block that
cites them. Every text is a real unit of the sources (read through crimecongress.corpus.load_corpus),
recombined at random with a fixed seed, so that parsing, tagging, emitting and validating run on
realistic text; the result is the same bytes for the same size and seed.

Size: "1x" has as many units (paragraphs, subparagraphs, items, headings, preamble clauses, formulae,
footnotes) as the parsed sources have; "10x" ten times as many, and so on. A document holds about 130
units, like an average source document, so the number of documents (and of named graphs) grows with the
size too.

    python benchmarks/synthetic.py OUT_DIR --size 10 [--seed 1]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
UPPER_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
OPENING = "We, Heads of State and Government, Ministers and Representatives of Member States,"
CLOSING = "Declare the following:"


@dataclass(frozen=True)
class Pools:
    """Real unit texts by kind, the material the synthetic declarations are made of."""

    preambles: tuple[str, ...]
    paragraphs: tuple[str, ...]
    subparagraphs: tuple[str, ...]
    items: tuple[str, ...]
    headings: tuple[str, ...]
    footnotes: tuple[str, ...]
    source_units: int                # how many units the sources hold (the "1x" size)

    def as_json(self) -> dict:
        return {k: len(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}


_LABEL_START = re.compile(r"^(\(?[0-9ivxlcdmIVXLCDM]+[.)]|\([a-z]{1,3}\)|[-*#>]|<sup>|\d)")


def _usable(text: str) -> bool:
    """A text that reads as prose when placed after a label (no label or list marker of its own)."""
    text = text.strip()
    return bool(text) and "\n" not in text and not _LABEL_START.match(text) and not text.startswith("We, ")


def load_pools() -> Pools:
    """Read the real units once: declarations, plans of action and the regional recommendations."""
    from crimecongress.corpus import load_corpus
    from crimecongress.model import UnitKind

    corpus = load_corpus()
    kinds: dict[UnitKind, list[str]] = {kind: [] for kind in UnitKind}
    units = 0
    for document in corpus.documents:
        units += len(document.units)
        for unit in document.units:
            if unit.kind is UnitKind.SUBPARAGRAPH and unit.number is None:
                continue        # the report's lists of participants: not declaration text
            if unit.kind is UnitKind.ITEM and unit.number not in ROMAN:
                continue
            if _usable(unit.text):
                kinds[unit.kind].append(unit.text.strip())
    paragraphs = kinds[UnitKind.PARAGRAPH] + kinds[UnitKind.ENTRY]
    headings = [h for h in kinds[UnitKind.HEADING] if len(h) < 120]
    return Pools(tuple(kinds[UnitKind.PREAMBLE]), tuple(paragraphs), tuple(kinds[UnitKind.SUBPARAGRAPH]),
                 tuple(kinds[UnitKind.ITEM]), tuple(headings), tuple(kinds[UnitKind.FOOTNOTE]), units)


def _sentence(text: str, end: str) -> str:
    """The text with its final punctuation replaced by `end` (";", ":" or ".")."""
    return re.sub(r"[\s.;:,]*$", "", text) + end


class _Writer:
    def __init__(self, rng: random.Random, pools: Pools):
        self.rng, self.pools = rng, pools
        self.lines: list[str] = []
        self.units = 0
        self.footnote = 0
        self.pending: list[str] = []

    def block(self, text: str) -> None:
        self.lines += [text, ""]

    def marked(self, text: str) -> str:
        """Text, with a footnote marker at its end one time in eight (its definition follows the block)."""
        if self.rng.random() < 0.125:
            self.footnote += 1
            self.units += 1
            self.pending.append(f"<sup>{self.footnote}</sup> {self.rng.choice(self.pools.footnotes)}")
            return text + f"<sup>{self.footnote}</sup>"
        return text

    def flush_footnotes(self) -> None:
        for definition in self.pending:
            self.block(definition)
        self.pending = []


def declaration(number: int, rng: random.Random, pools: Pools) -> tuple[str, int]:
    """One synthetic declaration: (its text, how many units a parser should find in it)."""
    w = _Writer(rng, pools)
    subject = rng.choice(pools.headings)
    w.block(f"# Synthetic Declaration {number:05d} on {subject}")
    w.block(OPENING)
    w.units += 1
    for _ in range(rng.randint(2, 6)):
        w.block(w.marked(_sentence(rng.choice(pools.preambles), ",")))
        w.units += 1
    w.block(CLOSING)
    w.units += 1
    paragraph = 0
    for part in range(rng.randint(2, 4)):
        w.block(f"## {UPPER_ROMAN[part]}. {rng.choice(pools.headings)}")
        w.units += 1
        for _ in range(rng.randint(6, 16)):
            paragraph += 1
            letters = rng.randint(2, 9) if rng.random() < 0.3 else 0
            text = rng.choice(pools.paragraphs)
            w.block(f"{paragraph}. {w.marked(_sentence(text, ':' if letters else '.'))}")
            w.units += 1
            for index in range(letters):
                items = rng.randint(2, 3) if rng.random() < 0.08 else 0
                end = ":" if items else (";" if index < letters - 1 else ".")
                w.block(f"({LETTERS[index]}) {w.marked(_sentence(rng.choice(pools.subparagraphs), end))}")
                w.units += 1
                for item in range(items):
                    end = ";" if item < items - 1 else (";" if index < letters - 1 else ".")
                    w.lines += [f"- ({ROMAN[item]}) {_sentence(rng.choice(pools.items), end)}"]
                    w.units += 1
                if items:
                    w.lines.append("")
            w.flush_footnotes()
    w.flush_footnotes()
    return "\n".join(w.lines).rstrip() + "\n", w.units


def generate(out_dir: str | Path, size: float, *, seed: int = 1, pools: Pools | None = None) -> dict:
    """Write declarations until they hold `size` times the sources' units; returns a manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pools = pools or load_pools()
    rng = random.Random(f"crimecongress-synthetic-{seed}")
    target = round(pools.source_units * size)
    files, units, number = [], 0, 0
    while units < target:
        number += 1
        text, count = declaration(number, rng, pools)
        name = f"synthetic-{number:05d}.md"
        (out_dir / name).write_text(text, encoding="utf-8")
        files.append({"file": name, "slug": f"synthetic-{number:05d}", "units": count})
        units += count
    manifest = {"size": size, "seed": seed, "source_units": pools.source_units, "units": units,
                "documents": len(files), "bytes": sum((out_dir / f["file"]).stat().st_size for f in files),
                "pools": pools.as_json(), "files": files}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--size", type=float, default=1.0, help="times the sources' number of units")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    manifest = generate(args.out_dir, args.size, seed=args.seed)
    print(f"wrote {manifest['documents']} declarations, {manifest['units']:,} units, "
          f"{manifest['bytes']:,} bytes, into {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
