"""Reading mapping files: YAML with the line of every value, the JSON Schema that governs each file, validation.

Shared by the vocabulary loader and by `lint`. Nothing here knows what a theme or an instrument is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ..errors import InputError, InvalidDocument

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class MappingFile:
    """One mapping file: its data (dates as ISO strings), the line of each value, and its leading comment."""

    path: Path
    data: Any
    lines: dict[Where, int]
    header: str
    text: str

    def line(self, where: Where) -> int | None:
        """The line of the value at `where`, or of its nearest enclosing value."""
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return self.lines.get(())


def display(path: Path) -> str:
    """A path as a user would type it: relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _plain(value: Any) -> Any:
    # YAML reads 2021-03-07 as a date; mapping files hold ISO strings so that the schema and lint see one form
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _index(node: yaml.Node, where: Where, lines: dict[Where, int], path: Path) -> None:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                raise InvalidDocument(f"key {name!r} appears twice in the same entry", file=display(path),
                                      line=key.start_mark.line + 1, hint="keep one of them")
            seen.add(name)
            _index(value, where + (name,), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, where + (i,), lines, path)


def leading_comment(text: str) -> str:
    """The comment block at the top of a file (kept verbatim by lint)."""
    kept = []
    for line in text.splitlines():
        if line.startswith("#"):
            kept.append(line.rstrip())
        elif line.strip():
            break
    return "".join(f"{line}\n" for line in kept)


def read_mapping(path: Path) -> MappingFile:
    """Read a YAML mapping file with the line number of every value; unreadable YAML is an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the mapping file: {exc}", file=display(path)) from None
    try:
        # libyaml's loader when PyYAML has it (some ten times faster): the same nodes, with the same line marks
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=display(path),
                         line=mark.line + 1 if mark else None) from None
    lines: dict[Where, int] = {}
    if node is not None:
        _index(node, (), lines, path)
    return MappingFile(path, _plain(data), lines, leading_comment(text), text)


def schema_path(path: Path, mappings_dir: Path) -> Path:
    """mappings/X.yaml is governed by schema/X.schema.json; mappings/D/*.yaml by schema/D.schema.json."""
    name = path.stem if path.parent.resolve() == mappings_dir.resolve() else path.parent.name
    return mappings_dir / "schema" / f"{name}.schema.json"


def load_schema(path: Path) -> dict:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as exc:
        raise InputError(f"cannot use the JSON Schema: {exc}", file=display(path)) from None
    return schema


def entry_name(mapping: MappingFile, where: Where) -> str:
    """How an error names the entry at `where`: "themes entry 'cybercrime'" or "congresses entry 14"."""
    if len(where) >= 2 and isinstance(where[1], int):
        entries = mapping.data.get(where[0]) if isinstance(mapping.data, dict) else None
        entry = entries[where[1]] if isinstance(entries, list) and where[1] < len(entries) else None
        if isinstance(entry, dict):
            for key in ("slug", "id", "number", "code"):
                if key in entry:
                    return f"{where[0]} entry {entry[key]!r}"
        return f"{where[0]} entry #{where[1] + 1}"
    return "top level" if not where else f"'{where[0]}'"


def validate(mapping: MappingFile, schema: dict, schema_file: Path) -> None:
    """Check a mapping file against its schema; the first error (in file order) is raised, naming its entry."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(mapping.data))
    if not errors:
        return
    errors.sort(key=lambda e: (mapping.line(tuple(e.absolute_path)) or 0, list(map(str, e.absolute_path))))
    first = errors[0]
    where = tuple(first.absolute_path)
    field = ".".join(str(p) for p in where[2:])
    more = f" ({len(errors) - 1} more error(s) after this one)" if len(errors) > 1 else ""
    raise InvalidDocument(f"{entry_name(mapping, where)}{': ' + field if field else ''}: {first.message}{more}",
                          file=display(mapping.path), line=mapping.line(where),
                          hint=f"{display(schema_file)} says what each entry needs")
