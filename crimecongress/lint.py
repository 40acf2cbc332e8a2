"""`lint`: the canonical form of the mapping files, so that hand edits produce small, reviewable diffs.

Canonical form of mappings/X.yaml (or mappings/D/*.yaml):
- the leading comment block is kept verbatim; other comments are not kept;
- keys follow the order of "properties" in the file's JSON Schema (mappings/schema/X.schema.json or D.schema.json),
  unknown keys after them in their present order;
- the lists the schema names in "x-canonical" are sorted by the key it gives (slug, number, id);
- YAML written by a yaml.SafeDumper with allow_unicode and no line wrapping; each entry of a list in block style,
  and inside an entry, lists of scalars and mappings of scalars in flow style (`broader: [a, b]`,
  `label: {en: ..., fr: ..., es: ...}`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .fileio import write_atomic
from .vocab.files import MappingFile, display, load_schema, read_mapping, schema_path
from .vocab.load import MAPPINGS_DIR


def _resolve(node: dict, root: dict) -> dict:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node if isinstance(node, dict) else {}


def _properties(node: dict, root: dict) -> dict[str, dict]:
    """The properties a schema node declares, including those of its allOf/anyOf/oneOf branches, in order."""
    node = _resolve(node, root)
    found = dict(node.get("properties", {}))
    for combinator in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(combinator, ()):
            for key, value in _properties(branch, root).items():
                found.setdefault(key, value)
    return found


def _items(node: dict, root: dict) -> dict:
    node = _resolve(node, root)
    items = node.get("items", {})
    return items if isinstance(items, dict) else {}


def _order(value: Any, node: dict, root: dict) -> Any:
    if isinstance(value, dict):
        props = _properties(node, root)
        keys = [k for k in props if k in value] + [k for k in value if k not in props]
        return {k: _order(value[k], props.get(k, {}), root) for k in keys}
    if isinstance(value, list):
        item = _items(node, root)
        return [_order(v, item, root) for v in value]
    return value


def _sort_rules(schema: dict) -> dict[str, tuple[str, ...]]:
    """{list key: entry keys to sort by}, from "x-canonical": {"sort": {"themes": "slug", "x": ["slug", "target"]}}
    or {"list": "cues", "sort_key": "id"}."""
    rule = schema.get("x-canonical", {})
    rules = dict(rule.get("sort", {}))
    if "list" in rule and "sort_key" in rule:
        rules[rule["list"]] = rule["sort_key"]
    return {name: (keys,) if isinstance(keys, str) else tuple(keys) for name, keys in rules.items()}


def _sort_key(entry: dict, keys: tuple[str, ...]) -> tuple:
    # numbers before strings, each in natural order; a missing key sorts first
    return tuple((0, value, "") if isinstance(value, (int, float)) else (1, 0, "" if value is None else str(value))
                 for value in (entry.get(k) for k in keys))


class _FlowList(list):
    pass


class _FlowDict(dict):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _styled(value: Any, depth: int = 0, in_list: bool = False) -> Any:
    """Mark what is written in flow style: lists of scalars, and mappings of scalars that are not list entries of
    the top-level lists (those stay in block style, one key per line)."""
    if isinstance(value, list):
        if all(_scalar(v) for v in value):
            return _FlowList(value)
        return [_styled(v, depth + 1, True) for v in value]
    if isinstance(value, dict):
        if value and all(_scalar(v) for v in value.values()) and depth >= 2 and not (in_list and depth == 2):
            return _FlowDict(value)
        return {k: _styled(v, depth + 1) for k, v in value.items()}
    return value


def dump(data: Any) -> str:
    """Canonical YAML for mapping data."""
    return yaml.dump(_styled(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False, indent=2)


def canonical_text(mapping: MappingFile, schema: dict | None) -> str:
    """The file as `lint --write` would write it."""
    data = mapping.data
    if schema is not None:
        data = _order(data, schema, schema)
        if isinstance(data, dict):
            for list_key, keys in _sort_rules(schema).items():
                entries = data.get(list_key)
                if isinstance(entries, list) and all(isinstance(e, dict) for e in entries):
                    data[list_key] = sorted(entries, key=lambda e: _sort_key(e, keys))
    return mapping.header + dump(data)


def mapping_files(mappings_dir: Path) -> list[Path]:
    """Every YAML file under mappings/, in a stable order."""
    return sorted(p for p in mappings_dir.rglob("*.yaml") if "schema" not in p.relative_to(mappings_dir).parts)


def lint_mappings(mappings_dir: Path = MAPPINGS_DIR, write: bool = False) -> list[str]:
    """Report (or, with write, rewrite) every mapping file that is not in canonical form.

    Returns one line per such file; an empty list means every file is canonical.
    """
    mappings_dir = Path(mappings_dir)
    report = []
    for path in mapping_files(mappings_dir):
        mapping = read_mapping(path)
        schema_file = schema_path(path, mappings_dir)
        schema = load_schema(schema_file) if schema_file.exists() else None
        canonical = canonical_text(mapping, schema)
        if canonical == mapping.text:
            continue
        if write:
            write_atomic(path, canonical.encode("utf-8"))
            report.append(f"{display(path)}: rewritten in canonical form")
        else:
            report.append(f"{display(path)}: not in canonical form (run `crimecongress lint --write`)")
    return report
