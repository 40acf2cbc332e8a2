"""The `congress-report` layout: the Report of the Fourteenth Congress (file 004).

The file yields two documents. The report itself: numbered report paragraphs (1-212, continuous across
chapters), chapter / section / sub- headings, lettered subparagraphs, the speakers of the high-level
segment, resolution 2, footnotes and the rows of the annex list of documents. And the Kyoto Declaration,
printed as resolution 1, whose lines are handed to `declaration.parse_region` and left out of the report.

How the text is read (see tests/test_parse_report.py for the cases):
- A block is a run of non-blank lines; its lines are joined with one space (hard wraps, name + role).
- A block continues the previous paragraph or subparagraph when that one does not yet end in `.`, `;` or
  `:` (a page break split it). Footnote blocks in between are read as footnotes and do not interrupt.
- Quoted text after a paragraph's colon (the draft resolution in para 122) and a list restarting at "1."
  (the agenda in para 37) stay inside that paragraph's text: they are quotations, not parts of the report.
- A speaker entry (name line ending "(online)", "(in person)" or "(pre-recorded video)", then its role
  lines) is an unlettered subparagraph of the paragraph that introduces the list: `para/45/1`, `para/45/2`...
- Headings: "Chapter N" and its title line are one level-1 heading numbered N (chapter VI is printed on one
  line, "VI. Report ..."); "A." sections are level 2; "Resolution N" is a level-2 heading whose text is
  "Resolution N" (resolution 1's title line is the declaration's own); any other lone line without final
  punctuation is a subheading one level below the innermost chapter, section or resolution.
- Resolution 2: heading "Resolution 2", its title as a subheading, its opening line as a formula, the
  "Having examined ..." clause as a preamble paragraph and its single unnumbered operative clause as a
  formula (the report's `para/` numbers belong to the report paragraphs).
- The annex: heading "Annex", its title a level-2 heading (with the unnumbered footnote "*"), and one item
  per tab-separated row of the list of documents (`annex/item/N`). Its repeated column headers are
  skipped through the catalogue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..errors import InvalidDocument
from ..ids import Minter
from ..model import Document, Manifestation, ParsedSource, SkippedLine, SourceSpan, Unit, UnitKind
from .catalogue import Catalogue, FileEntry, Placement
from .source import SourceText
from .text import SUPERSCRIPT_DIGITS, clean, collapse, extract_markers, superscript_to_int

REPORT_KIND = "congress-report"

_PARAGRAPH = re.compile(r"^(\d+)\.\s+(.*)$")
_LIST_RESTART = re.compile(r"^1\.\s")
_LETTERED = re.compile(r"^\(([a-z])\)\s+(.*)$")
_FOOTNOTE_DEF = re.compile(f"^([{SUPERSCRIPT_DIGITS}]+)\\s*(.*)$")
_STAR_DEF = re.compile(r"^\*\s+(.*)$")
_STAR_MARK = re.compile(r"(?<=[^\s*])\*$")
_CHAPTER_LABEL = re.compile(r"^Chapter ([IVXLC]+)$")
_CHAPTER = re.compile(r"^([IVXLC]+)\.\s+(.+)$")
_SECTION = re.compile(r"^([A-Z])\.\s+(.+)$")
_RESOLUTION = re.compile(r"^Resolution (\d+)$")
_ANNEX = re.compile(r"^Annex$")
# a high-level speaker's name line ends with how the statement was delivered
_SPEAKER = re.compile(r"\((?:online|in person|pre-recorded video)\)$")
_BULLET = re.compile(r"^\s*-\s+")
_OPEN_QUOTE = "“"
_CLOSE_QUOTE = "”"
_TRAILING_CLOSERS = "”’\")] \t"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


# ---------------------------------------------------------------------------------------------------
# entry point


def parse_catalogued(source: SourceText, entry: FileEntry, catalogue: Catalogue, minter: Minter) -> ParsedSource:
    """Both documents of a congress report file: the report, and each document printed inside it."""
    from . import declaration

    report, inner = _placements(source, entry, catalogue)
    documents: dict[str, Document] = {}
    skipped: list[SkippedLine] = []
    document, lines = parse_report(source, entry, catalogue, minter)
    documents[report.slug] = document
    skipped.extend(lines)
    for placement in inner:
        facts = catalogue.facts(placement.slug)
        document, lines = declaration.parse_region(
            source, slug=placement.slug, kind=facts.kind, title=facts.title, first=placement.first,
            last=placement.last, minter=minter, manifestation=placement.manifestation,
            extra_footnote_lines=borrowed_footnote_lines(source, placement, report))
        documents[placement.slug] = document
        skipped.extend(lines)
    ordered = tuple(documents[p.slug] for p in entry.documents)
    return ParsedSource(file=source.file, sha256=source.sha256, documents=ordered,
                        skipped=tuple(sorted(skipped, key=lambda s: s.line)))


def parse_report(source: SourceText, entry: FileEntry, catalogue: Catalogue,
                 minter: Minter) -> tuple[Document, tuple[SkippedLine, ...]]:
    """The report document alone, without the lines of the documents printed inside it."""
    report, inner = _placements(source, entry, catalogue)
    excluded = _excluded_lines(source, report, inner)
    skipped = _skipped_lines(source, entry, report, excluded)
    claimed = excluded | {s.line for s in skipped}
    _check_nothing_dropped(source, report, claimed)
    region = [n for n in range(report.first, report.last + 1) if n not in claimed]
    parser = _ReportParser(source, report.slug, minter)
    for block in _blocks(source, region):
        parser.feed(block)
    facts = catalogue.facts(report.slug)
    document = Document(
        slug=report.slug, iri=minter.document(report.slug), title=facts.title, kind=facts.kind,
        units=parser.units(),
        manifestations=(Manifestation(source.file, source.sha256, report.first, report.last,
                                      report.manifestation),))
    return document, tuple(skipped)


def borrowed_footnote_lines(source: SourceText, inner: Placement, outer: Placement) -> tuple[int, ...]:
    """Footnote definitions printed outside `inner` (after it, in the report) for markers inside it.

    In 004 the declaration's footnote 17 is defined after resolution 2 begins; it belongs to the declaration."""
    referenced: set[str] = set()
    defined: set[str] = set()
    for _, text in source.numbered(inner.first, inner.last):
        definition = _FOOTNOTE_DEF.match(text)
        if definition:
            defined.add(str(superscript_to_int(definition.group(1))))
        else:
            referenced.update(extract_markers(text)[1])
    missing = referenced - defined
    return tuple(n for n, text in source.numbered(outer.first, outer.last)
                 if not inner.first <= n <= inner.last and (d := _FOOTNOTE_DEF.match(text))
                 and str(superscript_to_int(d.group(1))) in missing)


# ---------------------------------------------------------------------------------------------------
# which lines belong to the report


def _placements(source: SourceText, entry: FileEntry,
                catalogue: Catalogue) -> tuple[Placement, tuple[Placement, ...]]:
    reports = [p for p in entry.documents if catalogue.facts(p.slug).kind == REPORT_KIND]
    if len(reports) != 1:
        raise InvalidDocument(f"a congress-report file places {len(reports)} congress reports, not one",
                              file=source.file, line=1, hint="fix the file's documents in sources/catalogue.yaml")
    report = reports[0]
    inner = tuple(p for p in entry.documents if p is not report)
    for placement in inner:
        if not report.first <= placement.first <= placement.last <= report.last:
            raise InvalidDocument(f"{placement.slug} (lines {placement.first}-{placement.last}) is not inside "
                                  f"the report (lines {report.first}-{report.last})", file=source.file,
                                  line=placement.first, hint="fix the line ranges in sources/catalogue.yaml")
    return report, inner


def _excluded_lines(source: SourceText, report: Placement, inner: Iterable[Placement]) -> set[int]:
    """Lines that belong to the documents printed inside the report, with their borrowed footnotes."""
    excluded: set[int] = set()
    for placement in inner:
        excluded.update(range(placement.first, placement.last + 1))
        excluded.update(borrowed_footnote_lines(source, placement, report))
    return excluded


def _skipped_lines(source: SourceText, entry: FileEntry, report: Placement,
                   excluded: set[int]) -> list[SkippedLine]:
    skipped = []
    for skip in entry.skip:
        lines = range(skip.first, skip.last + 1)
        if excluded.intersection(lines):
            raise InvalidDocument(f"skip range {skip.first}-{skip.last} overlaps a document printed in the "
                                  f"report", file=source.file, line=skip.first,
                                  hint="fix the skip list in sources/catalogue.yaml")
        skipped.extend(SkippedLine(source.file, n, skip.reason, text)
                       for n, text in source.numbered(skip.first, skip.last) if text.strip())
    return skipped


def _check_nothing_dropped(source: SourceText, report: Placement, claimed: set[int]) -> None:
    """Text outside the report's range must be skipped explicitly, never lost silently."""
    for n, text in source.numbered():
        if text.strip() and not report.first <= n <= report.last and n not in claimed:
            raise InvalidDocument(f"line {n} lies outside the report (lines {report.first}-{report.last}) and "
                                  f"is not skipped", file=source.file, line=n,
                                  hint="extend the report's line range or add the line to the file's skip list")


# ---------------------------------------------------------------------------------------------------
# blocks of lines


@dataclass(frozen=True)
class _Block:
    """A run of consecutive non-blank lines (a footnote definition always starts its own block)."""

    lines: tuple[int, ...]
    texts: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.texts[0].strip()

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


def _blocks(source: SourceText, region: list[int]) -> list[_Block]:
    blocks: list[_Block] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            blocks.append(_Block(tuple(run), tuple(source.line(n) for n in run)))
            run.clear()

    for n in region:
        text = source.line(n)
        if not text.strip() or (run and n != run[-1] + 1) or _FOOTNOTE_DEF.match(text):
            flush()
        if text.strip():
            run.append(n)
    flush()
    return blocks


# ---------------------------------------------------------------------------------------------------
# text


def _clean_parts(parts: Iterable[str]) -> tuple[str, list[str]]:
    """Clean text of a unit's lines joined with one space, and its footnote marks in reading order."""
    texts: list[str] = []
    marks: list[str] = []
    for part in parts:
        part = _BULLET.sub("", part)
        star = _has_star_mark(part)
        if star:
            part = part.rstrip()[:-1]
        text, line_marks = clean(part)
        texts.append(text)
        marks.extend(line_marks + (["*"] if star else []))
    return collapse(" ".join(texts)), marks


def _has_star_mark(line: str) -> bool:
    """An unbalanced trailing "*" is the mark of an unnumbered footnote (the annex title's)."""
    return line.count("*") % 2 == 1 and _STAR_MARK.search(line.rstrip()) is not None


def _terminated(text: str) -> bool:
    """Whether a fragment ends a clause; one that does not was cut by a page break."""
    return text.rstrip(_TRAILING_CLOSERS)[-1:] in (".", ";", ":")


def _quote_open(text: str) -> bool:
    """UN style: every paragraph of a quotation opens with “, only the last one closes it."""
    return text.count(_OPEN_QUOTE) > text.count(_CLOSE_QUOTE)


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


# ---------------------------------------------------------------------------------------------------
# the parser


@dataclass
class _Draft:
    """A unit being built; frozen into a Unit once the footnotes are known."""

    kind: UnitKind
    iri: str
    number: str | None
    parent: str
    heading: str | None
    level: int | None = None
    lines: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def add(self, lines: Iterable[int], parts: Iterable[str]) -> None:
        self.lines.extend(lines)
        self.parts.extend(parts)

    @property
    def text(self) -> str:
        return _clean_parts(self.parts)[0]


@dataclass(frozen=True)
class _Heading:
    iri: str
    level: int
    kind: str            # chapter | annex | section | resolution | subheading


class _ReportParser:
    """Reads the report's blocks in order; each block is claimed by the first rule that recognises it."""

    def __init__(self, source: SourceText, slug: str, minter: Minter):
        self.file = source.file
        self.slug = slug
        self.minter = minter
        self.doc = minter.document(slug)
        self.drafts: list[_Draft] = []
        self.footnotes: dict[str, _Draft] = {}
        self.star_marked = False
        self.last_paragraph = 0
        self.paragraph: _Draft | None = None      # the numbered paragraph that owns subparagraphs
        self.open: _Draft | None = None           # the unit a page-break fragment may continue
        self.letter: str | None = None
        self.speakers = 0
        self.structure: list[_Heading] = []       # chapter (or annex), then section (or resolution)
        self.sub: _Heading | None = None
        self.headings = 0
        self.chapter = 0
        self.section: str | None = None
        self.resolution = 0
        self.formulas = 0
        self.preambles = 0
        self.clauses = 0                          # clauses read so far in the current resolution
        self.rows = 0
        self.pending: Callable[[_Block], None] | None = None
        self.rules: tuple[Callable[[_Block], bool], ...] = (
            self._footnote, self._pending, self._paragraph, self._lettered, self._continuation,
            self._quotation, self._speaker, self._table, self._chapter_label, self._section_heading,
            self._chapter_heading, self._resolution_heading, self._annex, self._resolution_clause,
            self._subheading)

    # -- driving --------------------------------------------------------------------------------------
    def feed(self, block: _Block) -> None:
        if not any(rule(block) for rule in self.rules):
            raise self._unrecognised(block)
        if any(_has_star_mark(text) for text in block.texts):
            self.star_marked = True   # from now on a line "* ..." defines that footnote

    def units(self) -> tuple[Unit, ...]:
        if self.pending is not None:
            raise InvalidDocument("the report ends in the middle of a heading or speaker entry",
                                  file=self.file, line=self.drafts[-1].lines[-1])
        referenced: set[str] = set()
        units = []
        for position, draft in enumerate(sorted(self.drafts, key=lambda d: d.lines[0]), start=1):
            text, marks = _clean_parts(draft.parts)
            referenced.update(marks)
            units.append(Unit(
                iri=draft.iri, kind=draft.kind, number=draft.number, text=text, parent=draft.parent,
                position=position, heading=draft.heading, level=draft.level,
                footnotes=tuple(self._footnote_iri(mark, draft) for mark in marks),
                source=SourceSpan(self.file, min(draft.lines), max(draft.lines), tuple(sorted(draft.lines)))))
        for mark, draft in self.footnotes.items():
            if mark not in referenced:
                raise InvalidDocument(f"footnote {mark} is never referenced", file=self.file, line=draft.lines[0],
                                      hint="add its marker to the text or remove the footnote")
        return tuple(units)

    def _footnote_iri(self, mark: str, draft: _Draft) -> str:
        if mark not in self.footnotes:
            raise InvalidDocument(f"footnote marker {mark} has no footnote in this document", file=self.file,
                                  line=draft.lines[0], hint="add the footnote text or fix the marker")
        return self.footnotes[mark].iri

    def _unrecognised(self, block: _Block) -> InvalidDocument:
        numbered = _PARAGRAPH.match(block.first)
        if numbered:
            return InvalidDocument(f"paragraph {numbered.group(1)} follows paragraph {self.last_paragraph}",
                                   file=self.file, line=block.lines[0],
                                   hint="report paragraphs are numbered 1, 2, 3 ... without gaps across chapters")
        lettered = _LETTERED.match(block.first)
        if lettered:
            return InvalidDocument(f"subparagraph ({lettered.group(1)}) is out of order", file=self.file,
                                   line=block.lines[0],
                                   hint="letters run (a), (b), (c) ... after a paragraph ending in ':'")
        return InvalidDocument(f"cannot tell what this text is: {block.first[:60]!r}", file=self.file,
                               line=block.lines[0],
                               hint="a paragraph starts 'N. ', a heading stands alone on its line without final "
                                    "punctuation; list furniture in the catalogue's skip list")

    # -- helpers ----------------------------------------------------------------------------------------
    def _new(self, kind: UnitKind, iri: str, number: str | None, block: _Block, parts: Iterable[str],
             parent: str | None = None, level: int | None = None, heading: str | None = None) -> _Draft:
        """A new unit; headings give their enclosing heading, every other unit stands under the innermost."""
        under = heading if kind is UnitKind.HEADING else self._innermost()
        draft = _Draft(kind, iri, number, parent or self.doc, under, level)
        draft.add(block.lines, parts)
        self.drafts.append(draft)
        return draft

    def _innermost(self) -> str | None:
        if self.sub is not None:
            return self.sub.iri
        return self.structure[-1].iri if self.structure else None

    def _heading(self, kind: str, number: str | None, block: _Block, parts: Iterable[str]) -> _Draft:
        """Open a heading: chapters and the annex start a new outline, sections and resolutions sit in a
        chapter, any other heading is a subheading of the innermost of those."""
        if kind in ("chapter", "annex"):
            above: list[_Heading] = []
        elif kind in ("section", "resolution"):
            above = self.structure[:1]
        else:
            above = self.structure
        if kind != "chapter" and kind != "annex" and not above:
            raise InvalidDocument(f"a {kind} heading before any chapter", file=self.file, line=block.lines[0])
        self.headings += 1
        iri = self.minter.heading(self.slug, self.headings)
        level = len(above) + 1
        draft = self._new(UnitKind.HEADING, iri, number, block, parts, level=level,
                          heading=above[-1].iri if above else None)
        entry = _Heading(iri, level, kind)
        if kind == "subheading":
            self.sub = entry
        else:
            self.structure, self.sub = above + [entry], None
        self.paragraph = self.open = None
        self.letter, self.speakers = None, 0
        return draft

    def _in_resolution(self) -> bool:
        return bool(self.structure) and self.structure[-1].kind == "resolution"

    # -- rules, in the order they are tried ------------------------------------------------------------
    def _footnote(self, block: _Block) -> bool:
        numbered = _FOOTNOTE_DEF.match(block.first)
        star = _STAR_DEF.match(block.first) if self.star_marked else None
        if not numbered and not star:
            return False
        mark = str(superscript_to_int(numbered.group(1))) if numbered else "*"
        if mark in self.footnotes:
            raise InvalidDocument(f"footnote {mark} is defined twice", file=self.file, line=block.lines[0],
                                  hint=f"the first definition is on line {self.footnotes[mark].lines[0]}")
        body = (numbered or star).group(2 if numbered else 1)
        self.footnotes[mark] = self._new(UnitKind.FOOTNOTE, self.minter.footnote(self.slug, mark), mark, block,
                                         (body, *block.texts[1:]))
        return True

    def _pending(self, block: _Block) -> bool:
        if self.pending is None:
            return False
        complete, self.pending = self.pending, None
        complete(block)
        return True

    def _paragraph(self, block: _Block) -> bool:
        match = _PARAGRAPH.match(block.first)
        if not match or int(match.group(1)) != self.last_paragraph + 1:
            return False
        self.last_paragraph += 1
        number = match.group(1)
        self.paragraph = self.open = self._new(UnitKind.PARAGRAPH, self.minter.paragraph(self.slug, number),
                                               number, block, (match.group(2), *block.texts[1:]))
        self.letter, self.speakers = None, 0
        return True

    def _lettered(self, block: _Block) -> bool:
        match = _LETTERED.match(block.first)
        if not match or self.paragraph is None:
            return False
        letter = match.group(1)
        expected = "a" if self.letter is None else chr(ord(self.letter) + 1)
        if letter != expected or (letter == "a" and not self.paragraph.text.endswith(":")):
            return False
        self.letter = letter
        paragraph = self.paragraph
        self.open = self._new(UnitKind.SUBPARAGRAPH,
                              self.minter.paragraph(self.slug, paragraph.number, letter), letter, block,
                              (match.group(2), *block.texts[1:]), parent=paragraph.iri)
        return True

    def _continuation(self, block: _Block) -> bool:
        if self.open is None or _terminated(self.open.text):
            return False
        self.open.add(block.lines, block.texts)
        return True

    def _quotation(self, block: _Block) -> bool:
        """Quoted text or a restarted numbered list after a paragraph's colon stays in the paragraph."""
        if self.open is None or self.open is not self.paragraph:
            return False
        text = self.open.text
        quoted = block.first.startswith(_OPEN_QUOTE) and (text.endswith(":") or _quote_open(text))
        listed = _LIST_RESTART.match(block.first) is not None and text.endswith(":")
        if not (quoted or listed):
            return False
        self.open.add(block.lines, block.texts)
        return True

    def _speaker(self, block: _Block) -> bool:
        paragraph = self.paragraph
        if not _SPEAKER.search(block.first) or paragraph is None:
            return False
        if self.speakers == 0 and not paragraph.text.endswith(":"):
            return False
        self.speakers += 1
        iri = self.minter.paragraph(self.slug, paragraph.number, str(self.speakers))
        entry = self._new(UnitKind.SUBPARAGRAPH, iri, None, block, block.texts, parent=paragraph.iri)
        self.open = None  # a role line never ends in punctuation: no page-break test for speakers
        if block.single:
            self.pending = lambda role: self._speaker_role(entry, role)
        return True

    def _speaker_role(self, entry: _Draft, block: _Block) -> None:
        if _SPEAKER.search(block.first) or _PARAGRAPH.match(block.first):
            raise InvalidDocument("a speaker's name line without the role line that should follow it",
                                  file=self.file, line=entry.lines[0], hint="give the role on the next line")
        entry.add(block.lines, block.texts)

    def _table(self, block: _Block) -> bool:
        if not all("\t" in text for text in block.texts):
            return False
        if not self.structure or self.structure[0].kind != "annex":
            raise InvalidDocument("a table row outside the annex", file=self.file, line=block.lines[0],
                                  hint="list table furniture in the catalogue's skip list")
        for line, text in zip(block.lines, block.texts):
            self.rows += 1
            self._new(UnitKind.ITEM, self.minter.annex_item(self.slug, self.rows), None,
                      _Block((line,), (text,)), (text,))
        self.open = None
        return True

    def _chapter_label(self, block: _Block) -> bool:
        match = _CHAPTER_LABEL.match(block.first)
        if not match or not block.single:
            return False
        numeral = match.group(1)
        self._check_chapter(numeral, block)
        heading = self._heading("chapter", numeral, block, ())
        self.pending = lambda title: self._chapter_title(heading, title)
        return True

    def _chapter_title(self, heading: _Draft, block: _Block) -> None:
        if not block.single:
            raise InvalidDocument("a chapter label must be followed by its one-line title", file=self.file,
                                  line=heading.lines[0])
        heading.add(block.lines, block.texts)

    def _chapter_heading(self, block: _Block) -> bool:
        match = _CHAPTER.match(block.first)
        if not match or not block.single or _roman(match.group(1)) != self.chapter + 1:
            return False
        self._check_chapter(match.group(1), block)
        self._heading("chapter", match.group(1), block, (match.group(2),))
        return True

    def _check_chapter(self, numeral: str, block: _Block) -> None:
        if _roman(numeral) != self.chapter + 1:
            raise InvalidDocument(f"chapter {numeral} comes after {self.chapter} chapters", file=self.file,
                                  line=block.lines[0], hint="chapters are numbered I, II, III ... in order")
        self.chapter += 1
        self.section = None

    def _section_heading(self, block: _Block) -> bool:
        match = _SECTION.match(block.first)
        expected = "A" if self.section is None else chr(ord(self.section) + 1)
        if not match or not block.single or match.group(1) != expected or not self.structure:
            return False
        self.section = expected
        self._heading("section", expected, block, (match.group(2),))
        return True

    def _resolution_heading(self, block: _Block) -> bool:
        match = _RESOLUTION.match(block.first)
        if not match or not block.single:
            return False
        if int(match.group(1)) != self.resolution + 1:
            raise InvalidDocument(f"resolution {match.group(1)} follows resolution {self.resolution}",
                                  file=self.file, line=block.lines[0])
        self.resolution += 1
        self.clauses = 0
        self._heading("resolution", match.group(1), block, block.texts)
        return True

    def _annex(self, block: _Block) -> bool:
        if not _ANNEX.match(block.first) or not block.single:
            return False
        self._heading("annex", None, block, block.texts)
        return True

    def _resolution_clause(self, block: _Block) -> bool:
        """In a resolution: its opening ("The ... Congress,") and an operative clause are formulas; a
        clause ending in a comma after the opening is a preamble paragraph."""
        if not self._in_resolution() or not block.single:
            return False
        text = _clean_parts(block.texts)[0]
        if not text.endswith((",", ".", ";")):
            return False
        if text.endswith(",") and self.clauses > 0:
            self.preambles += 1
            self._new(UnitKind.PREAMBLE, self.minter.preamble(self.slug, self.preambles), None, block, block.texts)
        else:
            self.formulas += 1
            self._new(UnitKind.FORMULA, self.minter.formula(self.slug, self.formulas), None, block, block.texts)
        self.clauses += 1
        self.open = None
        return True

    def _subheading(self, block: _Block) -> bool:
        text = _clean_parts(block.texts)[0]
        if not block.single or not text[:1].isupper() or text.endswith((".", ";", ":", ",")):
            return False
        self._heading("subheading", None, block, block.texts)
        return True
