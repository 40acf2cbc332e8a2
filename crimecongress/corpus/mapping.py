"""The `rpm-mapping` layout: “A mapping exercise”, the UNODC compilation of the recommendations of the five
regional preparatory meetings (RPMs) for the Fourteenth Congress, grouped by theme.

The source is a pdftotext dump of a two-column table per theme (bullet column | text column):

- the text column holds the recommendations, each ending with its citation code `[AP 62(a)]`;
- the bullet column comes out as bare "•" lines that do not line up with the text beside them, but
  there is exactly one per recommendation in each table, so they are reliable as a *count per table*;
- the roman numerals of the thematic groups come out as lines of their own, often far from (always
  before) the heading text they number, so they are queued and paired with the next heading in order;
- section headings (the Congress agenda items) carry no numeral: a heading met while no numeral waits
  is a section heading;
- the title's footnote is the code legend, printed inside the first table.

One file yields six documents: the compilation (`kyoto-rpm-mapping`: headings, the legend footnote and
one ENTRY per printed placement), and one document per RPM report holding the report paragraphs and
recommendations the compilation quotes. The reports themselves are not among our sources, so a cited
paragraph (e.g. AP 62) has no text of its own ("") and claims no source lines; a recommendation's text
is that of its first placement in the compilation, whose lines are accounted to the entry.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field, replace

from ..errors import InvalidDocument
from ..ids import Minter
from ..model import Document, Manifestation, ParsedSource, SkippedLine, SourceSpan, Unit, UnitKind
from .catalogue import Catalogue, DocumentFacts, FileEntry, Placement
from .source import SourceText
from .text import collapse

BULLET = "•"
_NUMERAL = re.compile(r"[IVXLC]+\.")
_PAGE_NUMBER = re.compile(r"\d{1,4}")
# After collapsing whitespace; the optional space before "(" is printed once ("[LAC 80 (b)]").
_CODE = re.compile(r"\[(?P<prefix>[A-Z]+) (?P<number>\d+) ?\((?P<letter>[a-z])\)\]$")
_CODE_START = re.compile(r"\[[A-Z]+ ?\d")          # anything that begins like a code, well-formed or not
_OPEN_CODE = re.compile(r"\[[A-Z]+\s*$")             # the first half of a code split over two lines
_LEGEND_CODE = re.compile(r"“\[(?P<prefix>[A-Z]+)…\]” stands for")   # the legend writes codes as “[AP…]”

TITLE = "document title"
BULLET_REASON = "table bullet"
NUMERAL_REASON = "detached group numeral (kept as the heading's number)"
PAGE_NUMBER = "page number"
PAGE_MARKER = "page marker"
OUTSIDE = "outside the catalogued documents"


# ---------------------------------------------------------------------------------------------- records
@dataclass(frozen=True)
class _Run:
    """Consecutive text lines read as one piece (a heading, the legend or a recommendation)."""

    lines: tuple[int, ...]
    text: str                        # the lines joined with one space, whitespace collapsed

    def span(self, file: str) -> SourceSpan:
        return SourceSpan(file, self.lines[0], self.lines[-1], self.lines)


@dataclass(frozen=True)
class _Heading:
    run: _Run
    level: int                       # 1 = section (agenda item), 2 = roman-numbered thematic group
    number: str | None               # "IV" for groups, None for sections
    section: int                     # index (in self.headings) of the section it belongs to


@dataclass(frozen=True)
class _Occurrence:
    """One printed recommendation: its text without the code, and the code as printed."""

    run: _Run
    text: str
    printed_code: str
    prefix: str
    number: int
    letter: str

    @property
    def key(self) -> tuple[str, int, str]:
        return self.prefix, self.number, self.letter


@dataclass
class _Table:
    heading: int                     # index of the heading that opens the table
    bullets: int = 0


@dataclass
class _Layout:
    """What the scan of the table finds, in text order."""

    headings: list[_Heading] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    occurrences: list[_Occurrence] = field(default_factory=list)
    footnote: _Run | None = None
    skipped: list[SkippedLine] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- scanning
def _roman(n: int) -> str:
    values = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in values:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _continues(buffer: list[tuple[int, str]], text: str) -> bool:
    """After bullets or numerals, does `text` carry on the open buffer? Yes when it starts in lower case
    (a sentence broken by a page: LAC 79(h)) or when the buffer ends inside a code ("[LAC" / "80(e)]")."""
    stripped = text.lstrip()
    return (bool(stripped) and stripped[0].islower()) or bool(_OPEN_CODE.search(buffer[-1][1]))


class _TableReader:
    """Reads the lines of the compilation one by one and collects headings, bullets and recommendations.

    Text lines accumulate until the buffer ends with a code. Bullets and numerals met while a code-free
    buffer is open are held back: the next text line decides whether the buffer was a heading (their
    table starts after it) or a recommendation broken by a page (lower-case continuation).
    """

    def __init__(self, file: str, prefixes: frozenset[str], footnote_mark: str | None):
        self.file = file
        self.prefixes = prefixes
        self.footnote_mark = footnote_mark
        self.found = _Layout()
        self.buffer: list[tuple[int, str]] = []
        self.held: list[tuple[int, str]] = []                 # (line, "bullet" | numeral label)
        self.numerals: deque[tuple[int, str]] = deque()       # numerals waiting for their heading text
        self.numerals_in_section = 0
        self.section = -1

    def error(self, message: str, line: int, hint: str | None = None) -> InvalidDocument:
        return InvalidDocument(message, file=self.file, line=line, hint=hint)

    def skip(self, line: int, reason: str, text: str) -> None:
        self.found.skipped.append(SkippedLine(self.file, line, reason, text))

    # one line ------------------------------------------------------------------------------------
    def feed(self, line: int, text: str) -> None:
        stripped = text.strip()
        if not stripped:
            if text:
                self.skip(line, PAGE_MARKER, text)            # a lone space: pdftotext's page start
        elif stripped == BULLET:
            self.skip(line, BULLET_REASON, text)
            self._furniture(line, "bullet")
        elif _NUMERAL.fullmatch(stripped):
            self.skip(line, NUMERAL_REASON, text)
            self._furniture(line, stripped[:-1])
        elif _PAGE_NUMBER.fullmatch(stripped):
            self.skip(line, PAGE_NUMBER, text)
        else:
            self._text(line, text)

    def _furniture(self, line: int, what: str) -> None:
        if self.buffer:
            self.held.append((line, what))
        else:
            self._apply(line, what)

    def _apply(self, line: int, what: str) -> None:
        if what == "bullet":
            if not self.found.tables:
                raise self.error("a bullet before any heading", line, "a heading opens each table")
            self.found.tables[-1].bullets += 1
            return
        if self.section < 0:
            raise self.error(f"group numeral {what}. before any section heading", line,
                             "a section (agenda item) heading opens the numbered groups")
        expected = _roman(self.numerals_in_section + 1)
        if what != expected:
            raise self.error(f"group numeral {what}. out of sequence", line, f"expected {expected}.")
        self.numerals_in_section += 1
        self.numerals.append((line, what))

    def _text(self, line: int, text: str) -> None:
        if self.held:
            if not _continues(self.buffer, text):
                self._flush_run()                             # the held-back buffer was a heading or the legend
            for held_line, what in self.held:
                self._apply(held_line, what)
            self.held.clear()
        self.buffer.append((line, text))
        if text.rstrip().endswith("]"):
            self._close(line)

    def finish(self) -> _Layout:
        if self.buffer:
            raise self.error("text without a code at the end of the file", self.buffer[0][0],
                             "every recommendation ends with its code, e.g. [AP 62(a)]")
        if self.numerals:
            line, label = self.numerals[0]
            raise self.error(f"group numeral {label}. has no heading", line, "give the group its heading text")
        return self.found

    # runs ------------------------------------------------------------------------------------------
    def _take_run(self) -> _Run:
        run = _Run(tuple(n for n, _ in self.buffer), collapse(" ".join(t for _, t in self.buffer)))
        self.buffer.clear()
        return run

    def _line_at(self, position: int) -> int:
        """The buffered line that holds character `position` of the collapsed buffer (for error messages)."""
        texts = [t for _, t in self.buffer]
        for index, (line, _) in enumerate(self.buffer):
            if len(collapse(" ".join(texts[: index + 1]))) > position:
                return line
        return self.buffer[-1][0]

    def _close(self, line: int) -> None:
        """The line ends with "]": if the buffer now ends with a code, it is one recommendation."""
        joined = collapse(" ".join(t for _, t in self.buffer))
        match = _CODE.search(joined)
        if match is None:
            tail = joined[joined.rfind("["):]
            if _CODE_START.match(tail):
                raise self.error(f"malformed code {tail!r}", line, "write it as [AP 62(a)]")
            return                                            # an ordinary bracket inside the text
        if match.group("prefix") not in self.prefixes:
            raise self.error(f"unknown region prefix {match.group('prefix')!r} in {match.group(0)}", line,
                             f"the catalogue knows {', '.join(sorted(self.prefixes))}")
        body = joined[: match.start()].rstrip()
        stray = _CODE_START.search(body)
        if stray:
            raise self.error("two codes in one recommendation", self._line_at(stray.start()),
                             "each recommendation ends with exactly one code, at the end of a line")
        run = self._take_run()
        self.found.occurrences.append(_Occurrence(
            run=run, text=body, printed_code=match.group(0), prefix=match.group("prefix"),
            number=int(match.group("number")), letter=match.group("letter")))

    def _flush_run(self) -> None:
        """A code-free run followed by table furniture: the code legend, or a heading that opens a table."""
        joined = collapse(" ".join(t for _, t in self.buffer))
        stray = _CODE_START.search(joined)
        if stray:
            raise self.error("a code that does not end its recommendation", self._line_at(stray.start()),
                             "a code closes a recommendation at the end of a line")
        run = self._take_run()
        if _LEGEND_CODE.search(run.text):
            self._legend(run)
        else:
            self._heading(run)

    def _legend(self, run: _Run) -> None:
        if self.footnote_mark is None or self.found.footnote is not None:
            raise self.error("a code legend with no footnote marker in the title to hang from", run.lines[0],
                             "the legend is the title's only footnote")
        defined = frozenset(m.group("prefix") for m in _LEGEND_CODE.finditer(run.text))
        if defined != self.prefixes:
            raise self.error(f"the legend defines {sorted(defined)}, the catalogue {sorted(self.prefixes)}",
                             run.lines[0], "give each RPM report a `code` in sources/catalogue.yaml")
        self.found.footnote = run

    def _heading(self, run: _Run) -> None:
        """A numbered group heading takes the oldest waiting numeral; with none waiting, it is a section."""
        headings = self.found.headings
        if self.numerals:
            _, label = self.numerals.popleft()
            headings.append(_Heading(run, 2, label, self.section))
        else:                                                 # no numeral waits: an agenda-item section
            self.section = len(headings)
            self.numerals_in_section = 0
            headings.append(_Heading(run, 1, None, self.section))
        self.found.tables.append(_Table(len(headings) - 1))


# ---------------------------------------------------------------------------------------------- title
def _read_title(source: SourceText, first: int, title: str) -> tuple[int, str | None, list[SkippedLine]]:
    """The opening lines that spell the catalogued title; returns the next line, the footnote mark, skips."""
    skipped: list[SkippedLine] = []
    read: list[str] = []
    for number, text in source.numbered(first):
        if not text.strip():
            if text:
                skipped.append(SkippedLine(source.file, number, PAGE_MARKER, text))
            continue
        read.append(text)
        skipped.append(SkippedLine(source.file, number, TITLE, text))
        so_far = collapse(" ".join(read))
        if so_far.startswith(title):
            mark = so_far[len(title):]
            if not re.fullmatch(r"\d*", mark):
                break
            return number + 1, mark or None, skipped
        if not title.startswith(so_far):
            break
    raise InvalidDocument("the file does not open with the catalogued title", file=source.file, line=first,
                          hint=f"expected {title!r}")


# ---------------------------------------------------------------------------------------------- groups
def _groups(found: _Layout, file: str) -> list[_Table]:
    """The thematic groups: every table with bullets. A section heading directly followed by its first
    sub-heading opens an empty table and is no group; a sub-heading without bullets is an error."""
    for table in found.tables:
        heading = found.headings[table.heading]
        if table.bullets == 0 and heading.level == 2:
            raise InvalidDocument(f"group {heading.number}. has no bullets in its table", file=file,
                                  line=heading.run.lines[0], hint="each recommendation has one “•” in its table")
    return [table for table in found.tables if table.bullets]


def _assign(found: _Layout, groups: list[_Table], file: str) -> list[int]:
    """The heading index of each occurrence, by the bullet count of each table.

    The bullets, not the text order, say which table a recommendation belongs to: pdftotext sometimes
    prints a recommendation after the next table's heading (E 28(a) under "Community-based crime
    prevention" while its bullet is counted in "Addressing root causes ...").
    """
    slots = [group.heading for group in groups for _ in range(group.bullets)]
    if len(slots) != len(found.occurrences):
        last = found.occurrences[-1].run.lines[-1] if found.occurrences else 1
        raise InvalidDocument(f"{len(slots)} bullets against {len(found.occurrences)} recommendations",
                              file=file, line=last, hint="each recommendation has exactly one “•” in its table")
    return slots


# ---------------------------------------------------------------------------------------------- units
class _Builder:
    """Turns the scan into units, minting every IRI through the Minter."""

    def __init__(self, source: SourceText, slug: str, minter: Minter, reports: dict[str, str]):
        self.file = source.file
        self.slug = slug
        self.minter = minter
        self.doc_iri = minter.document(slug)
        self.reports = reports                               # region prefix -> report slug

    def heading_iri(self, index: int) -> str:
        return self.minter.heading(self.slug, index + 1)

    def recommendation_iri(self, occurrence: _Occurrence) -> str:
        return self.minter.paragraph(self.reports[occurrence.prefix], occurrence.number, occurrence.letter)

    def headings(self, found: _Layout) -> list[Unit]:
        units = []
        for index, heading in enumerate(found.headings):
            under = self.heading_iri(heading.section) if heading.level == 2 else None
            units.append(Unit(iri=self.heading_iri(index), kind=UnitKind.HEADING, number=heading.number,
                              text=heading.run.text, parent=self.doc_iri, position=0,
                              source=heading.run.span(self.file), heading=under, level=heading.level))
        return units

    def footnote(self, run: _Run, mark: str) -> Unit:
        return Unit(iri=self.minter.footnote(self.slug, mark), kind=UnitKind.FOOTNOTE, number=mark, text=run.text,
                    parent=self.doc_iri, position=0, source=run.span(self.file))

    def entries(self, found: _Layout, groups_of: list[int]) -> list[Unit]:
        return [Unit(iri=self.minter.entry(self.slug, n), kind=UnitKind.ENTRY, number=None, text=occ.text,
                     parent=self.doc_iri, position=0, source=occ.run.span(self.file),
                     heading=self.heading_iri(group), lists=self.recommendation_iri(occ),
                     printed_code=occ.printed_code)
                for n, (occ, group) in enumerate(zip(found.occurrences, groups_of), start=1)]


def _in_order(units: list[Unit]) -> tuple[Unit, ...]:
    ordered = sorted(units, key=lambda unit: unit.source.first)
    return tuple(replace(unit, position=n) for n, unit in enumerate(ordered, start=1))


def _unclaimed(span: SourceSpan) -> SourceSpan:
    """The same place, claiming no lines: they are accounted to the entry that prints them."""
    return SourceSpan(span.file, span.first, span.last)


def _report(facts: DocumentFacts, occurrences: list[_Occurrence], source: SourceText, minter: Minter,
            label: str) -> Document:
    """One RPM report as far as the compilation quotes it: its cited paragraphs and their recommendations."""
    first: dict[tuple[str, int, str], _Occurrence] = {}
    for occurrence in occurrences:
        first.setdefault(occurrence.key, occurrence)
    doc_iri = minter.document(facts.slug)
    units: list[Unit] = []
    for number in sorted({key[1] for key in first}):
        cited = [first[key] for key in sorted(k for k in first if k[1] == number)]
        para_iri = minter.paragraph(facts.slug, number)
        start = min(occ.run.lines[0] for occ in cited)
        end = max(occ.run.lines[-1] for occ in cited)
        # The paragraph's own words are in the report, which is not among our sources: no text.
        units.append(Unit(iri=para_iri, kind=UnitKind.PARAGRAPH, number=str(number), text="", parent=doc_iri,
                          position=len(units) + 1, source=SourceSpan(source.file, start, end)))
        for occ in cited:
            units.append(Unit(iri=minter.paragraph(facts.slug, number, occ.letter), kind=UnitKind.SUBPARAGRAPH,
                              number=occ.letter, text=occ.text, parent=para_iri, position=len(units) + 1,
                              source=_unclaimed(occ.run.span(source.file))))
    manifestation = Manifestation(source.file, source.sha256, min(u.source.first for u in units),
                                  max(u.source.last for u in units), label)
    return Document(slug=facts.slug, iri=doc_iri, title=facts.title, kind=facts.kind, units=tuple(units),
                    manifestations=(manifestation,))


def _quoted_label(compilation: DocumentFacts, placement: Placement) -> str:
    """'quoted in “A mapping exercise” (UNODC compilation)': the short title and the copy, without notes."""
    short = compilation.title.split(":")[0]
    copy = re.sub(r"\s*\([^)]*\)$", "", placement.manifestation)
    return f"quoted in {short} ({copy})"


# ---------------------------------------------------------------------------------------------- entry point
def _compilation(entry: FileEntry, catalogue: Catalogue) -> tuple[Placement, DocumentFacts]:
    for placement in entry.documents:
        facts = catalogue.facts(placement.slug)
        if facts.kind == "compilation":
            return placement, facts
    raise InvalidDocument("the catalogue places no compilation in this file", file=entry.file, line=1,
                          hint="give the rpm-mapping file a document of kind: compilation")


def _scan(source: SourceText, entry: FileEntry, placement: Placement, title: str,
          prefixes: frozenset[str]) -> tuple[_Layout, str | None]:
    catalogue_skips = {n: skip.reason for skip in entry.skip for n in range(skip.first, skip.last + 1)}
    start, mark, title_lines = _read_title(source, placement.first, title)
    reader = _TableReader(source.file, prefixes, mark)
    reader.found.skipped.extend(title_lines)
    for number, text in source.numbered(start):
        if number in catalogue_skips:
            if text:
                reader.skip(number, catalogue_skips[number], text)
        elif number > placement.last:
            if text:
                reader.skip(number, PAGE_MARKER if not text.strip() else OUTSIDE, text)
        else:
            reader.feed(number, text)
    found = reader.finish()
    if mark is not None and found.footnote is None:
        raise InvalidDocument(f"footnote marker {mark} in the title has no footnote text", file=source.file,
                              line=title_lines[-1].line, hint="the code legend is the title's footnote")
    return found, mark


def parse_catalogued(source: SourceText, entry: FileEntry, catalogue: Catalogue, minter: Minter) -> ParsedSource:
    """Parse the compilation file: the compilation itself and the five RPM reports it quotes."""
    placement, facts = _compilation(entry, catalogue)
    regions = [d for d in catalogue.documents if d.kind == "rpm-report" and d.code]
    prefixes = frozenset(d.code for d in regions)
    found, mark = _scan(source, entry, placement, facts.title, prefixes)
    groups_of = _assign(found, _groups(found, source.file), source.file)

    builder = _Builder(source, facts.slug, minter, {d.code: d.slug for d in regions})
    units = builder.headings(found) + builder.entries(found, groups_of)
    if found.footnote is not None and mark is not None:
        units.append(builder.footnote(found.footnote, mark))
    compilation = Document(
        slug=facts.slug, iri=builder.doc_iri, title=facts.title, kind=facts.kind, units=_in_order(units),
        manifestations=(Manifestation(source.file, source.sha256, placement.first, placement.last,
                                      placement.manifestation),))

    label = _quoted_label(facts, placement)
    reports = tuple(_report(d, [o for o in found.occurrences if o.prefix == d.code], source, minter, label)
                    for d in regions if any(o.prefix == d.code for o in found.occurrences))
    skipped = tuple(sorted(found.skipped, key=lambda s: s.line))
    return ParsedSource(file=source.file, sha256=source.sha256, documents=(compilation, *reports), skipped=skipped)
