"""The source catalogue (sources/catalogue.yaml): which file holds which documents, and their facts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import cache
from ..errors import InputError

_DATE = {"type": "string", "format": "date"}
_SCHEMA = {
    "type": "object",
    "required": ["documents", "files"],
    "additionalProperties": False,
    "properties": {
        "documents": {"type": "array", "items": {
            "type": "object",
            "required": ["slug", "kind", "title", "short_title"],
            "additionalProperties": False,
            "properties": {
                "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                "kind": {"enum": ["declaration", "plan-of-action", "congress-report", "compilation", "rpm-report",
                                  "resolution"]},
                "title": {"type": "string", "minLength": 1},
                "short_title": {"type": "string", "minLength": 1},
                "year": {"type": "integer"},
                "congress": {"type": "integer", "minimum": 1},
                "code": {"type": "string"},
                "implements": {"type": "string"},
                "issued": {},
                "meeting": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                "endorsed_by": {"type": "object", "required": ["symbol", "number", "date"],
                                "additionalProperties": False,
                                "properties": {"symbol": {"type": "string", "pattern": "^A/RES/\\d+/\\d+$"},
                                               "number": {"type": "string", "pattern": "^\\d+/\\d+$"},
                                               "date": {}}},
            }}},
        "files": {"type": "array", "items": {
            "type": "object",
            "required": ["file", "sha256", "description", "layout", "documents"],
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string"},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "description": {"type": "string"},
                "layout": {"enum": ["declaration", "congress-report", "rpm-mapping", "un-resolution"]},
                "documents": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["slug", "lines", "manifestation"],
                    "additionalProperties": False,
                    "properties": {"slug": {"type": "string"},
                                   "lines": {"type": "array", "items": {"type": "integer"},
                                             "minItems": 2, "maxItems": 2},
                                   "manifestation": {"type": "string"}}}},
                "skip": {"type": "array", "items": {
                    "type": "object", "required": ["lines", "reason"], "additionalProperties": False,
                    "properties": {"lines": {"type": "array", "items": {"type": "integer"},
                                             "minItems": 2, "maxItems": 2},
                                   "reason": {"type": "string"}}}},
            }}},
    },
}


@dataclass(frozen=True)
class DocumentFacts:
    slug: str
    kind: str
    title: str
    short_title: str
    year: int | None = None
    congress: int | None = None
    code: str | None = None                 # region code of a regional preparatory meeting report
    implements: str | None = None           # slug of the document a plan of action implements
    issued: date | None = None
    meeting: str | None = None              # slug of the adopting meeting where it was not a Congress
    endorsed_symbol: str | None = None      # "A/RES/70/174"
    endorsed_number: str | None = None      # "70/174"
    endorsed_date: date | None = None


SHORT_TITLE_MAX = 60      # characters: a citation label names the document, it does not quote its title


def short_title(document) -> str:
    """How a text outside the catalogue is cited: a resolution by its symbol ("A/RES/80/11"), a declaration it
    annexes as the UN cites it ("A/RES/80/5, annex", "A/RES/80/5, annex II"), any other text by its title up to
    the first colon, cut at a word before 60 characters."""
    if document.symbol and document.kind == "resolution":
        return document.symbol
    if document.symbol and document.adopted_by:
        label = document.slug.rpartition("-annex")[2].lstrip("-").upper()
        return f"{document.symbol}, annex {label}".rstrip()
    title = document.title.split(":", 1)[0].strip() or document.title
    if len(title) <= SHORT_TITLE_MAX:
        return title
    return title[:SHORT_TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;") + "…"


def new_text_facts(document) -> DocumentFacts:
    """The facts of a document that is not in the catalogue (a draft, a text being validated or analysed):
    what its text says of itself."""
    return DocumentFacts(slug=document.slug, kind=document.kind, title=document.title,
                         short_title=short_title(document))


@dataclass(frozen=True)
class Placement:
    """A document's place in a file."""

    slug: str
    first: int
    last: int
    manifestation: str


@dataclass(frozen=True)
class SkipRange:
    first: int
    last: int
    reason: str


@dataclass(frozen=True)
class FileEntry:
    file: str
    sha256: str
    description: str
    layout: str
    documents: tuple[Placement, ...]
    skip: tuple[SkipRange, ...]


@dataclass(frozen=True)
class Catalogue:
    documents: tuple[DocumentFacts, ...]
    files: tuple[FileEntry, ...]

    def facts(self, slug: str) -> DocumentFacts:
        for facts in self.documents:
            if facts.slug == slug:
                return facts
        raise KeyError(slug)

    def file(self, name: str) -> FileEntry | None:
        for entry in self.files:
            if entry.file == name:
                return entry
        return None


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _read(text: str, path: Path):
    """The catalogue's YAML as Python values, checked against its schema. With a cache in use, a text read and
    found valid once is read back from the cache, keyed by the text and this module's code (schema included):
    importing YAML and jsonschema alone takes longer than a draft takes to validate."""
    return cache.remembered("catalogue", lambda: cache.key(Path(__file__).read_bytes(), text),
                            lambda: _parsed(text, path))


def _parsed(text: str, path: Path):
    import yaml
    try:
        # libyaml's reader where PyYAML was built with it: ten times faster
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:       # one line: the problem and where, not the YAML library's excerpt
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"cannot read the source catalogue: {getattr(exc, 'problem', None) or exc}",
                         file=str(path), line=mark.line + 1 if mark else None) from None
    import jsonschema
    errors = sorted(jsonschema.Draft202012Validator(_SCHEMA).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path)
        raise InputError(f"catalogue entry {where or '(top)'}: {first.message}", file=str(path))
    return raw


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and check the catalogue; a malformed one is an InputError naming the entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the source catalogue: {exc}", file=str(path)) from None
    raw = _read(text, path)
    documents = []
    for d in raw["documents"]:
        endorsed = d.get("endorsed_by") or {}
        documents.append(DocumentFacts(
            slug=d["slug"], kind=d["kind"], title=d["title"], short_title=d["short_title"],
            year=d.get("year"), congress=d.get("congress"), code=d.get("code"), implements=d.get("implements"),
            issued=_date(d.get("issued")),
            meeting=d.get("meeting"),
            endorsed_symbol=endorsed.get("symbol"), endorsed_number=endorsed.get("number"),
            endorsed_date=_date(endorsed.get("date")),
        ))
    slugs = {d.slug for d in documents}
    files = []
    for f in raw["files"]:
        placements = []
        for p in f["documents"]:
            if p["slug"] not in slugs:
                raise InputError(f"file {f['file']} places unknown document {p['slug']!r}", file=str(path),
                                 hint="add it under documents:")
            placements.append(Placement(p["slug"], p["lines"][0], p["lines"][1], p["manifestation"]))
        skips = tuple(SkipRange(s["lines"][0], s["lines"][1], s["reason"]) for s in f.get("skip", []))
        files.append(FileEntry(f["file"], f["sha256"], f["description"], f["layout"], tuple(placements), skips))
    return Catalogue(tuple(documents), tuple(files))
