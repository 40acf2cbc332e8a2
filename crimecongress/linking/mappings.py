"""Reading a hand-curated mapping file of the linking stage, with the project's shared reader (vocab.files):
YAML with the line of every value, checked against mappings/schema/X.schema.json, errors with file and line."""
from __future__ import annotations

from pathlib import Path

from ..vocab.files import MappingFile, load_schema, read_mapping, schema_path, validate


def load_checked(path: Path, mappings_dir: Path) -> MappingFile:
    """The mapping file at `path`, validated against its schema (errors name the file, line and entry)."""
    mapping = read_mapping(path)
    schema_file = schema_path(path, mappings_dir)
    validate(mapping, load_schema(schema_file), schema_file)
    return mapping
