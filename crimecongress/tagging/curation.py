"""Curated overrides (mappings/curations.yaml): a tag added to or removed from one unit, with a justification.

Curations are the only per-paragraph rules; cues stay general. An addition names the exact words of the unit
that justify it, so that its annotation has evidence like any other tag; a removal drops the tag whatever
found it. Loading checks the schema, that the unit exists, that the value is in the vocabulary and that the
words occur in the unit's text.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidDocument

CURATIONS_FILE = "curations.yaml"


@dataclass(frozen=True)
class Curation:
    id: str
    unit: str            # path below {base}doc/
    action: str          # add | remove
    kind: str            # theme | instrument | actor
    value: str
    exact: str | None
    justification: str
    file: str
    line: int


def load_curations(mappings_dir: str | Path) -> tuple[Curation, ...]:
    from ..vocab.files import display, load_schema, read_mapping, schema_path, validate

    path = Path(mappings_dir) / CURATIONS_FILE
    if not path.exists():
        return ()
    mapping = read_mapping(path)
    schema_file = schema_path(path, Path(mappings_dir))
    validate(mapping, load_schema(schema_file), schema_file)
    out = []
    seen: set[str] = set()
    for index, raw in enumerate(mapping.data["curations"]):
        line = mapping.line(("curations", index)) or 0
        if raw["id"] in seen:
            raise InvalidDocument(f"curations entry {raw['id']!r}: the id is used twice", file=display(path),
                                  line=line, hint="give each curation its own id")
        seen.add(raw["id"])
        out.append(Curation(raw["id"], raw["unit"], raw["action"], raw["kind"], raw["value"], raw.get("exact"),
                            raw["justification"], display(path), line))
    return tuple(out)


def check_curations(curations, units: dict, known: dict, unit_iri) -> None:
    """Every curation names an existing unit and a known value; an addition's words occur in the unit.
    `unit_iri` turns a curation's unit path into the unit's IRI."""
    for curation in curations:
        iri = unit_iri(curation.unit)
        unit = units.get(iri)
        if unit is None:
            raise InvalidDocument(f"curations entry {curation.id!r}: no unit {curation.unit!r}", file=curation.file,
                                  line=curation.line, hint="give the unit's IRI below {base}doc/")
        if curation.value not in known[curation.kind]:
            raise InvalidDocument(f"curations entry {curation.id!r}: {curation.value!r} is not a {curation.kind} of "
                                  f"mappings/{curation.kind}s.yaml", file=curation.file, line=curation.line,
                                  hint="use a slug of the authority list")
        if curation.action == "add" and curation.exact not in unit.text:
            raise InvalidDocument(f"curations entry {curation.id!r}: the words {curation.exact!r} are not in the "
                                  f"text of {curation.unit}", file=curation.file, line=curation.line,
                                  hint="copy the words exactly as the unit prints them")
