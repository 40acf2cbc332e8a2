"""Cues: the curated words, patterns and context rules in mappings/cues/*.yaml, checked and compiled.

The files are data with a schema (mappings/schema/cues.schema.json). Loading checks the schema, that every
id is unique, that every regular expression compiles and that every value names a concept of the
vocabulary; an error names the file, the line and the fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import InvalidDocument

CUE_FILES = ("themes.yaml", "instruments.yaml", "actors.yaml", "anaphora.yaml", "footnotes.yaml")
SCHEMA_FILE = "cues.schema.json"
DEFAULT_CONFIDENCE = {"theme": Decimal("0.85"), "instrument": Decimal("0.95"), "actor": Decimal("0.9"),
                      "anaphora": Decimal("0.8"), "footnote": Decimal("0.95")}


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str                                  # theme | instrument | actor | anaphora | footnote
    value: str | None
    note: str
    terms: tuple[str, ...] = ()
    exact_terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    case_sensitive: bool = False
    exclude: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    swallows: tuple[str, ...] = ()
    refers_to: str | None = None
    antecedents: tuple[str, ...] = ()
    yields: tuple[tuple[str, str], ...] = ()
    max_units_back: int | None = None
    citation: tuple[tuple[str, str], ...] = ()
    confidence: Decimal = Decimal("0.9")
    file: str = ""
    line: int = 0

    @property
    def target_kind(self) -> str:
        """The kind of value the cue tags: its file's kind, or for an anaphor what it refers to."""
        if self.kind == "anaphora":
            return self.refers_to or ""
        if self.kind == "footnote":
            return "instrument"
        return self.kind

    def values(self) -> tuple[str, ...]:
        """Every value slug the cue can produce."""
        if self.kind == "anaphora":
            mapped = dict(self.yields)
            return tuple(sorted({mapped.get(a, a) for a in self.antecedents}))
        return (self.value,) if self.value else ()


@dataclass(frozen=True)
class Propagation:
    themes: str                 # top | all | none
    confidence: Decimal
    levels: tuple[int, ...] = ()
    max_narrow: int | None = None   # a heading naming more narrow themes than this passes down only top themes
    top_only_if: tuple[str, ...] = ()  # regular expressions: a heading matching one passes down only top themes


@dataclass(frozen=True)
class Fallback:
    themes: tuple[str, ...]
    pattern: str
    confidence: Decimal
    note: str


@dataclass(frozen=True)
class CueFile:
    kind: str
    path: str
    description: str
    cues: tuple[Cue, ...]
    masked_by: tuple[str, ...] = ()
    not_masked_by: tuple[str, ...] = ()
    masks: tuple[str, ...] = ()
    name_patterns: tuple[str, ...] = ()
    context: Mapping[str, Propagation] = field(default_factory=dict)
    fallback: Fallback | None = None


@dataclass(frozen=True)
class CueSet:
    files: tuple[CueFile, ...]

    def file(self, kind: str) -> CueFile | None:
        for cue_file in self.files:
            if cue_file.kind == kind:
                return cue_file
        return None

    def of_kind(self, kind: str) -> tuple[Cue, ...]:
        cue_file = self.file(kind)
        return cue_file.cues if cue_file else ()

    def all(self) -> tuple[Cue, ...]:
        return tuple(cue for cue_file in self.files for cue in cue_file.cues)

    def by_id(self, cue_id: str) -> Cue:
        for cue in self.all():
            if cue.id == cue_id:
                return cue
        raise KeyError(cue_id)


def _check_regex(pattern: str, where: str, path: str, line: int | None, flags: int = re.IGNORECASE) -> None:
    try:
        re.compile(pattern, flags)
    except re.error as error:
        raise InvalidDocument(f"cues entry {where!r}: the regular expression {pattern!r} does not compile: {error}",
                              file=path, line=line, hint="fix the pattern (Python re syntax)") from None


@dataclass(frozen=True)
class _FastMapping:
    """A cue file read with the C YAML loader; the line of an entry is found by its id (errors only)."""

    path: Path
    data: dict
    text: str

    def line(self, where: tuple) -> int | None:
        if len(where) >= 2 and where[0] in ("cues",) and isinstance(where[1], int):
            entry = self.data[where[0]][where[1]]
            if isinstance(entry, dict) and "id" in entry:
                index = self.text.find(f"id: {entry['id']}")
                if index >= 0:
                    return self.text.count("\n", 0, index) + 1
        if len(where) == 1:
            index = self.text.find(f"{where[0]}:")
            return self.text.count("\n", 0, index) + 1 if index >= 0 else None
        return None


def _read_fast(path: Path) -> _FastMapping:
    import yaml

    from ..errors import InputError
    from ..vocab.files import display
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the cue file: {exc}", file=display(path)) from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=display(path),
                         line=mark.line + 1 if mark else None) from None
    return _FastMapping(path, data, text)


_VALIDATORS: dict[str, object] = {}


def _schema(schema_file: Path) -> dict:
    from ..vocab.files import load_schema
    key = str(schema_file)
    if key not in _VALIDATORS:
        import jsonschema
        schema = load_schema(schema_file)
        _VALIDATORS[key] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return _VALIDATORS[key]


def _valid(data, validator) -> bool:
    return validator.is_valid(data)


def _fallback(raw: dict | None, shown: str, mapping) -> Fallback | None:
    if not raw:
        return None
    _check_regex(raw["pattern"], "fallback", shown, mapping.line(("fallback",)), 0)
    return Fallback(tuple(raw["themes"]), raw["pattern"], Decimal(str(raw["confidence"])), raw["note"])


def load_cue_file(path: Path, mappings_dir: Path) -> CueFile:
    """One cue file, validated by mappings/schema/cues.schema.json; errors name the file, line and entry."""
    from ..vocab.files import display, load_schema, schema_path, validate

    mapping = _read_fast(path)
    schema_file = schema_path(path, mappings_dir)
    schema = _schema(schema_file)
    if not _valid(mapping.data, schema):
        from ..vocab.files import read_mapping
        validate(read_mapping(path), load_schema(schema_file), schema_file)   # raises, naming the line
    data = mapping.data
    kind = data["kind"]
    shown = display(path)
    cues = []
    for index, raw in enumerate(data["cues"]):
        line = mapping.line(("cues", index))
        sensitive = raw.get("case_sensitive", False)
        for pattern in raw.get("patterns", ()):
            _check_regex(pattern, raw["id"], shown, line, 0 if sensitive else re.IGNORECASE)
        for pattern in (*raw.get("exclude", ()), *raw.get("requires", ())):
            _check_regex(pattern, raw["id"], shown, line)

        def fail(message: str, hint: str) -> None:
            raise InvalidDocument(f"cues entry {raw['id']!r}: {message}", file=shown, line=line, hint=hint)

        if kind in ("theme", "instrument", "actor", "footnote") and "value" not in raw:
            fail(f"a {kind} cue needs a value", "add `value:` with the slug it tags")
        if kind == "anaphora" and ("antecedents" not in raw or "refers_to" not in raw):
            fail("an anaphora cue needs refers_to and antecedents", "list the slugs it may stand for")
        if kind == "footnote" and "citation" not in raw:
            fail("a footnote cue needs a citation", "give the sales number, document symbol or resolution")
        if kind != "footnote" and not (raw.get("terms") or raw.get("exact_terms") or raw.get("patterns")):
            fail("the cue has no terms, exact_terms or patterns", "give it words to match")
        cues.append(Cue(
            id=raw["id"], kind=kind, value=raw.get("value"), note=raw["note"],
            terms=tuple(raw.get("terms", ())), exact_terms=tuple(raw.get("exact_terms", ())),
            patterns=tuple(raw.get("patterns", ())), case_sensitive=sensitive,
            exclude=tuple(raw.get("exclude", ())), requires=tuple(raw.get("requires", ())),
            documents=tuple(raw.get("documents", ())), swallows=tuple(raw.get("swallows", ())),
            refers_to=raw.get("refers_to"), antecedents=tuple(raw.get("antecedents", ())),
            yields=tuple(sorted(raw.get("yields", {}).items())), max_units_back=raw.get("max_units_back"),
            citation=tuple(sorted(raw.get("citation", {}).items())),
            confidence=Decimal(str(raw.get("confidence", DEFAULT_CONFIDENCE[kind]))),
            file=shown, line=line or 0))
    context = {name: Propagation(themes=rule["themes"], confidence=Decimal(str(rule["confidence"])),
                                 levels=tuple(rule.get("levels", ())), max_narrow=rule.get("max_narrow"),
                                 top_only_if=tuple(rule.get("top_only_if", ())))
               for name, rule in (data.get("context") or {}).items()}
    for index, pattern in enumerate((*data.get("masks", ()), *data.get("name_patterns", ()))):
        _check_regex(pattern, "masks", shown, mapping.line(("masks",)) or mapping.line(("name_patterns",)), 0)
    return CueFile(kind=kind, path=shown, description=data["description"], cues=tuple(cues),
                   masked_by=tuple(data.get("masked_by", ())), not_masked_by=tuple(data.get("not_masked_by", ())),
                   masks=tuple(data.get("masks", ())),
                   name_patterns=tuple(data.get("name_patterns", ())), context=context,
                   fallback=_fallback(data.get("fallback"), shown, mapping))


def load_cues(mappings_dir: str | Path, *, known: Mapping[str, Iterable[str]] | None = None) -> CueSet:
    """Every cue file under mappings/cues/, checked. `known` maps a kind (theme, instrument, actor) to the
    slugs of the vocabulary; when given, a cue naming an unknown slug is an error."""
    mappings_dir = Path(mappings_dir)
    files = []
    for name in CUE_FILES:
        path = mappings_dir / "cues" / name
        if path.exists():
            files.append(load_cue_file(path, mappings_dir))
    seen: dict[str, Cue] = {}
    for cue_file in files:
        for cue in cue_file.cues:
            if cue.id in seen:
                raise InvalidDocument(f"the cue id {cue.id} is used twice (also in {seen[cue.id].file}:"
                                      f"{seen[cue.id].line})", file=cue.file, line=cue.line,
                                      hint="give each cue its own id")
            seen[cue.id] = cue
    cue_set = CueSet(tuple(files))
    if known is not None:
        check_values(cue_set, known)
    return cue_set


def check_values(cue_set: CueSet, known: Mapping[str, Iterable[str]]) -> None:
    slugs = {kind: set(values) for kind, values in known.items()}
    theme_file = cue_set.file("theme")
    if theme_file is not None:
        for slug in (*theme_file.not_masked_by,):
            if slug not in slugs.get("actor", ()):
                raise InvalidDocument(f"not_masked_by: {slug!r} is not an actor of mappings/actors.yaml",
                                      file=theme_file.path, hint="use an actor slug")
        for slug in (theme_file.fallback.themes if theme_file.fallback else ()):
            if slug not in slugs.get("theme", ()):
                raise InvalidDocument(f"fallback: {slug!r} is not a theme of mappings/themes.yaml",
                                      file=theme_file.path, hint="use a theme slug")
    for cue in cue_set.all():
        kind = cue.target_kind
        named = set(cue.values()) | set(cue.antecedents) | set(cue.swallows)
        for slug in sorted(named):
            if slug not in slugs.get(kind, ()):
                raise InvalidDocument(f"{cue.id}: {slug!r} is not a {kind} of mappings/{kind}s.yaml",
                                      file=cue.file, line=cue.line,
                                      hint=f"use one of the {kind} slugs, or add the {kind} to the authority list")
