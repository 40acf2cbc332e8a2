"""The paragraph model: what `parse` produces and every later stage reads.

Frozen dataclasses only; nothing here knows about RDF or files on disk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class UnitKind(str, Enum):
    """The kinds of addressable unit a document is made of."""

    PREAMBLE = "preamble"            # unnumbered preamble clause
    PARAGRAPH = "paragraph"          # numbered paragraph "5."
    SUBPARAGRAPH = "subparagraph"    # lettered "(a)", under a paragraph or a preamble clause
    ITEM = "item"                    # third level "(i)", under a subparagraph
    HEADING = "heading"              # part, section, chapter or thematic-group heading
    FORMULA = "formula"              # opening or transition formula ("We, Heads of State ...", "Declare as follows:")
    FOOTNOTE = "footnote"            # footnote text, addressed by its printed mark
    ENTRY = "entry"                  # one printed placement of a recommendation in the compilation


@dataclass(frozen=True)
class SourceSpan:
    """Where a unit was read: a file under sources/ and the 1-based lines that make it up."""

    file: str
    first: int
    last: int
    lines: tuple[int, ...] = ()      # every non-blank line the unit was built from (for accounting)

    def as_json(self) -> dict:
        return {"file": self.file, "lines": [self.first, self.last]}


@dataclass(frozen=True)
class Unit:
    """One paragraph-level unit of a document, with its exact clean text."""

    iri: str
    kind: UnitKind
    number: str | None               # printed label without punctuation: "5", "d", "ii", "3", "*", "IV"
    text: str                        # exact clean text (label, markers and markup removed)
    parent: str                      # IRI of the enclosing unit, or of the document for top-level units
    position: int                    # 1-based order of the unit within its document
    source: SourceSpan
    footnotes: tuple[str, ...] = ()  # IRIs of the footnotes this unit's markers reference, in order
    heading: str | None = None       # IRI of the innermost heading the unit stands under
    level: int | None = None         # heading level (1 = top); None for other kinds
    also: tuple[SourceSpan, ...] = ()  # the same unit in other manifestations of the document
    lists: str | None = None         # ENTRY only: IRI of the recommendation it prints
    printed_code: str | None = None  # ENTRY only: the code exactly as printed, e.g. "[LAC 80 (b)]"

    def as_json(self) -> dict:
        record = {
            "iri": self.iri,
            "kind": self.kind.value,
            "number": self.number,
            "text": self.text,
            "parent": self.parent,
            "position": self.position,
            "footnotes": list(self.footnotes),
            "heading": self.heading,
            "source": self.source.as_json(),
        }
        if self.level is not None:
            record["level"] = self.level
        if self.also:
            record["also"] = [span.as_json() for span in self.also]
        if self.lists is not None:
            record["lists"] = self.lists
            record["printed_code"] = self.printed_code
        return record


@dataclass(frozen=True)
class Manifestation:
    """One printed copy of a document: the file and the lines it occupies there."""

    file: str
    sha256: str
    first: int
    last: int
    label: str                       # e.g. "UNODC booklet", "Report of the Fourteenth Congress, resolution 1"


@dataclass(frozen=True)
class Document:
    """A document (the work) with all its units in document order."""

    slug: str
    iri: str
    title: str
    kind: str                        # declaration | plan-of-action | congress-report | compilation | rpm-report
    units: tuple[Unit, ...]
    manifestations: tuple[Manifestation, ...]
    symbol: str | None = None        # UN document symbol printed in the header, e.g. "A/RES/80/5"
    date: str | None = None          # adoption date from the header (ISO 8601)
    adopted_by: str | None = None    # an annexed declaration: IRI of the resolution that adopts it

    def unit(self, iri: str) -> Unit:
        for unit in self.units:
            if unit.iri == iri:
                return unit
        raise KeyError(iri)


@dataclass(frozen=True)
class SkippedLine:
    """A non-blank source line that belongs to no unit, and why (cover, foreword, page furniture...)."""

    file: str
    line: int
    reason: str
    text: str


@dataclass(frozen=True)
class ParsedSource:
    """Everything one source file yields: its documents and the lines deliberately left out."""

    file: str
    sha256: str
    documents: tuple[Document, ...]
    skipped: tuple[SkippedLine, ...] = field(default=())


@dataclass(frozen=True)
class Corpus:
    """All documents of all sources, one Document per work (manifestations merged)."""

    documents: tuple[Document, ...]
    sources: tuple[ParsedSource, ...]

    def document(self, slug: str) -> Document:
        for document in self.documents:
            if document.slug == slug:
                return document
        raise KeyError(slug)
