"""The rules to validate against: the SHACL shapes in shapes/ and the ontology, as text rewritten for the
base IRI, the prefixes a report is written with, and where in the shapes files a shape is described.

It reads the shapes and ontology files only; it knows nothing of the data, the engines or the findings.
"""
from __future__ import annotations

from pathlib import Path

from ..ids import DEFAULT_BASE
from ..prefixes import compact, pick, rebased

ROOT = Path(__file__).resolve().parents[2]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_FILE = ROOT / "ontology" / "crimecongress.ttl"

# The prefixes of the reports, in this order; the project's own (uncc:, shape:) follow the base.
NAMES = ("rdf", "rdfs", "xsd", "sh", "eli", "prov", "skos", "oa", "dcterms")
NS = pick(NAMES)


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes used to show paths and to write the Turtle report."""
    return pick((*NAMES, "uncc", "shape"), base)


def shape_files() -> list[Path]:
    return sorted(SHAPES_DIR.glob("*.ttl"))


def shapes_texts(base: str = DEFAULT_BASE) -> tuple[tuple[str, str], ...]:
    """(file name, Turtle text) of every shapes file, rewritten for the base IRI."""
    return tuple((path.name, rebased(path.read_text(encoding="utf-8"), base)) for path in shape_files())


def ontology_text(base: str = DEFAULT_BASE) -> str:
    return rebased(ONTOLOGY_FILE.read_text(encoding="utf-8"), base)


def shape_source(shape: str, texts: tuple[tuple[str, str], ...],
                 names: dict[str, str]) -> tuple[str | None, int | None]:
    """The shapes file and line where a shape is described (its name at the start of a line), if found."""
    if not shape:
        return None, None
    written = {f"<{shape}>", compact(shape, names)}
    for name, text in texts:
        for number, line in enumerate(text.splitlines(), 1):
            first = line.split(maxsplit=1)
            if first and first[0] in written:
                return str(SHAPES_DIR / name), number
    return None, None
