"""Parser for declarations in the usual UN layout.

A declaration is read as a sequence of *blocks*: numbered paragraphs ("5."), lettered subparagraphs
("(a)", "- (a)"), roman third-level items ("(i)" under a chapeau ending ":"), unnumbered text (opening and
transition formulae, preamble clauses), headings and footnote definitions. PDF conversion breaks
paragraphs across pages, sometimes with footnote text in between. A text line continues the open unit when
that unit's last fragment does not end it (operative units end with ". ; :", a comma meaning the page broke
mid-sentence; preamble clauses end with "," too) or when the line starts in lower case; footnote lines in
between do not interrupt it; a line carrying the expected number or letter always starts a new unit.

Decisions every caller can rely on:

* **Title.** A region starts with the printed document title (its first block of adjacent lines); it is
  not a unit but a skipped line ("document title").
* **Formulae.** In the preamble (everything before the first numbered paragraph) the first unnumbered
  block that starts with "We" is the opening formula, and the last one is the transition formula unless it
  ends with "," (a preamble clause) or carries lettered items; the others are preamble clauses. After the
  first numbered paragraph an unnumbered block that is a sentence ("...:" or "...") is a formula. A formula
  closes the open headings: what it introduces stands under no heading until the next one.
* **Headings.** An unnumbered block that does not end a sentence is a heading; so are labelled part
  ("IV."), section ("B.") and out-of-sequence numbered chapter ("2. Committee on ...") lines without closing
  punctuation, and Markdown "#" lines. Levels follow the order in which heading styles first appear in the
  document (e.g. parts 1, sections 2, numbered chapters 3, plain run-in headings 4); among plain headings,
  one directly followed by another plain heading is the outer one.
* **Footnotes.** Footnote units come after all other units, "*" first, then in numeric order, so that two
  printings with different page breaks give identical positions. Their text is scoped to the document.
* **Errors.** Numbering gaps, duplicates, letter gaps, footnote markers without a footnote and a text
  without any numbered paragraph raise InvalidDocument naming the file and line.
* **UN resolutions.** A text that opens with a UN header and a title line "80/9. Title" is sorted by
  `unlayout` (header, page furniture, footnotes, closing, annexes) and each of its documents read here
  with three more rules: "The General Assembly," opens it as a formula; an unnumbered paragraph inside
  a numbered one is a follow-on paragraph of it (`para/{n}/p/{k}`), whose lettered list goes on after
  it; a letter past the expected one is taken when the extraction dropped the labels before it (an
  unlabelled paragraph stands in between). A resolution with a single operative paragraph prints
  it unnumbered; it is `para/1`, with no number.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..errors import InputError, InvalidDocument
from ..ids import Minter, slugify
from ..model import Document, Manifestation, ParsedSource, SkippedLine, SourceSpan, Unit, UnitKind
from .catalogue import Catalogue, FileEntry
from .source import SourceText
from .unlayout import Note, UnLayout, read_un_layout
from .text import SUPERSCRIPT_DIGITS, clean, extract_markers, strip_markup, superscript_to_int

# --- line patterns ---------------------------------------------------------------------------------------
_PARA_LABEL = re.compile(r"^\s*(?:\*\*)?(\d{1,3})\\?\.(?:\*\*)?[ \t]+(?=\S)")
_EMPTY_PARA = re.compile(r"^\s*(?:\*\*)?(\d{1,3})\\?\.(?:\*\*)?\s*$")   # "12." and nothing after it
_SUB_LABEL = re.compile(r"^\s*(?:[-–•*][ \t]*)?\(([a-z]{1,5})\)[ \t]+(?=\S)")
_PART_LABEL = re.compile(r"^\s*([IVXLC]{1,7})\.[ \t]+(?=\S)")
_SECTION_LABEL = re.compile(r"^\s*([A-Z])\.[ \t]+(?=\S)")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_SEPARATOR = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_FN_SUP = re.compile(r"^\s*<sup>\s*(\d+)\s*</sup>\s*(.*)$", re.IGNORECASE)
_FN_UNI = re.compile(f"^\\s*([{SUPERSCRIPT_DIGITS}]+)\\s*(.*)$")
_FN_STAR = re.compile(r"^\s*\*(?=[^\s*])(.*)$")
_PAGE_NUMBER = re.compile(
    r"^\s*[-–—]?\s*(?:(?i:page)\s+)?(?:\d{1,4}|[ivx]{1,5})(?:\s*(?:/|(?i:of))\s*\d{1,4})?\s*[-–—]?\s*$")
_WE = re.compile(r"^We\b")
_ORGAN = re.compile(r"^The (?:General Assembly|Economic and Social Council|Security Council|Human Rights Council|"
                    r"Commission\b[^,.;]*|[^,.;]*Congress\b[^,.;]*)\s*[,:]?$")
_ROMANS = ("i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx "
           "xxi xxii xxiii xxiv xxv xxvi xxvii xxviii xxix xxx").split()
_CLOSERS = "\"”’')]*_ "        # closing quotes, brackets and markup that may follow the final punctuation
_SENTENCE_END = ".;:!?"
_PAGE_MIN_LINES = 5             # non-blank lines between two running headers, at the least
_HEADING_MAX = 200              # characters: the longest heading in the corpus has about 120
_RESOLUTION_HEADING_MAX = 120   # a resolution's headings are short; a longer unended line is a clause cut by a page

PREAMBLE, OPERATIVE = "preamble", "operative"


# --- small text predicates ------------------------------------------------------------------------------
def _plain(text: str) -> str:
    """Text as a reader sees it: markers and markup out, whitespace trimmed."""
    return strip_markup(extract_markers(text)[0]).strip()


def _tail(text: str) -> str:
    """The text without trailing closing quotes, brackets and markup: its last character is punctuation
    or a word."""
    return _plain(text).rstrip(_CLOSERS)


def _ends_unit(text: str, zone: str) -> bool:
    """Whether a fragment closes its unit. Operative units end with ". ; :" (a comma means the page broke
    mid-sentence); preamble clauses end with "," as well."""
    tail = _tail(text)
    if not tail:
        return False
    if re.search(r";\s+(?:and|or)$", tail):      # "...; and" closes an item of a list
        return True
    return tail[-1] in _SENTENCE_END or (zone == PREAMBLE and tail[-1] == ",")


def _is_sentence(text: str) -> bool:
    """Whether a line ends with any sentence punctuation: headings never do."""
    tail = _tail(text)
    return bool(tail) and tail[-1] in _SENTENCE_END + ","


def _starts_lower(text: str) -> bool:
    plain = _plain(text)
    return bool(plain) and plain[0].islower()


def _next_letter(letter: str | None) -> str:
    """'a' first, then 'b'...'z', 'aa'... (the letter i follows h: it is never a roman numeral here)."""
    if letter is None:
        return "a"
    if letter[-1] != "z":
        return letter[:-1] + chr(ord(letter[-1]) + 1)
    return "a" * (len(letter) + 1)


def _next_roman(roman: str | None) -> str | None:
    if roman is None:
        return "i"
    index = _ROMANS.index(roman) + 1 if roman in _ROMANS else len(_ROMANS)
    return _ROMANS[index] if index < len(_ROMANS) else None


def _roman_value(label: str) -> int | None:
    label = label.lower()
    return _ROMANS.index(label) + 1 if label in _ROMANS else None


# --- logical lines --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    """One logical line: usually one physical line; several when a hard-wrapped text was unwrapped."""

    text: str
    numbers: tuple[int, ...]

    @property
    def first(self) -> int:
        return self.numbers[0]


@dataclass
class _Footnote:
    mark: str
    text: str
    lines: list[int]
    after: int = 0                 # how many blocks precede the definition


def _footnote_definition(text: str) -> tuple[str, str] | None:
    """(mark, text) when the line defines a footnote: '<sup>3</sup>Text', '³Text' or '*Text'."""
    for pattern in (_FN_SUP, _FN_UNI):
        match = pattern.match(text)
        if match:
            mark = match.group(1)
            number = superscript_to_int(mark) if pattern is _FN_UNI else int(mark)
            return str(number), match.group(2)
    match = _FN_STAR.match(text)
    # "*Text" with no closing star is a source note; "*Having assembled* at" is italics
    if match and strip_markup(text).lstrip().startswith("*"):
        return "*", match.group(1)
    return None


def _is_labelled(text: str) -> bool:
    return bool(_PARA_LABEL.match(text) or _SUB_LABEL.match(text) or _MD_HEADING.match(text))


# --- blocks -----------------------------------------------------------------------------------------------
@dataclass
class _Block:
    """A unit in the making: what it is, where it was read and its raw text fragments (label removed)."""

    kind: str                      # para | sub | text | heading
    lines: list[int]               # every physical line read into the block
    parts: list[str]               # one raw fragment per logical line
    starts: list[int]              # the line each fragment starts on (to report markers by line)
    label: str | None = None       # printed label without punctuation
    zone: str = OPERATIVE
    roman: bool = False            # sub only: a third-level item
    owner: _Block | None = None    # sub only: the paragraph, preamble clause or lettered item it belongs to
    style: str | None = None       # heading only
    subs: list[_Block] = field(default_factory=list)
    role: str | None = None        # assigned later: preamble | formula | paragraph | subparagraph | item | heading
    #                                | follow-on (an unnumbered paragraph inside a numbered one)
    ordinal: int | None = None     # preamble clauses: 1-based number in the preamble
    iri: str | None = None

    @property
    def raw(self) -> str:
        return " ".join(self.parts)


@dataclass
class _ListState:
    """The lettered list of one paragraph or preamble clause, and the roman list of its current letter."""

    owner: _Block
    letter: _Block | None = None
    roman: _Block | None = None
    loose: int = 0                 # unnumbered follow-on paragraphs since the last letter


class _Segmenter:
    """Cuts the body of one document into blocks and footnotes, checking the numbering as it goes."""

    def __init__(self, file: str, lines: list[_Line], *, strict: bool = True, resolution: bool = False):
        self.file = file
        self.lines = lines
        self.strict = strict                     # False: keep numbering faults in the text (for `validate`)
        self.resolution = resolution             # a UN resolution's layout: follow-on paragraphs, lost labels
        self.blocks: list[_Block] = []
        self.footnotes: list[_Footnote] = []
        self.separators: list[int] = []
        self.zone = PREAMBLE
        self.open: _Block | None = None          # the block the next fragment may continue
        self.last_para: int = 0
        self.list: _ListState | None = None
        self.open_footnote: _Footnote | None = None
        self.last_part: str | None = None
        self.last_section: str | None = None

    # entry point -----------------------------------------------------------------------------------------
    def run(self) -> None:
        previous: int | None = None
        for index, line in enumerate(self.lines):
            adjacent = previous is not None and line.first == previous + 1
            previous = line.numbers[-1]
            self._line(index, line, adjacent)

    def _line(self, index: int, line: _Line, adjacent: bool) -> None:
        text = line.text
        if _SEPARATOR.match(text):
            self.separators.extend(line.numbers)
            self.open_footnote = None
            return
        definition = _footnote_definition(text)
        if definition:
            self.open_footnote = _Footnote(definition[0], definition[1], list(line.numbers), len(self.blocks))
            self.footnotes.append(self.open_footnote)
            return
        if (self.open_footnote and adjacent and not _is_labelled(text)
                and not _ends_unit(self.open_footnote.text, OPERATIVE)):
            # a hard-wrapped footnote: the next adjacent line carries on its sentence
            self.open_footnote.text += " " + text
            self.open_footnote.lines.extend(line.numbers)
            return
        self.open_footnote = None
        heading = _MD_HEADING.match(text)
        if heading:
            self._heading(line, heading.group(2), markdown=len(heading.group(1)))
        elif _PARA_LABEL.match(text):
            self._numbered(index, line, _PARA_LABEL.match(text))
        elif not self.strict and self._empty_paragraph(text):
            self._new_paragraph(line, self.last_para + 1, "")   # lenient: the shapes report it as empty
            self.open = None                     # the next line is not its text
        elif _SUB_LABEL.match(text):
            self._lettered(line, _SUB_LABEL.match(text))
        elif self._continues(text):
            self._continue(line, text)
        elif self._section_heading(text):
            self._heading(line, text)
        else:
            self._unnumbered(index, line, text)

    def _empty_paragraph(self, text: str) -> bool:
        """Whether the line is the next paragraph's number with nothing after it ("12.")."""
        match = _EMPTY_PARA.match(text)
        return bool(match) and int(match.group(1)) == self.last_para + 1

    # continuation ----------------------------------------------------------------------------------------
    def _continues(self, text: str) -> bool:
        if self.open is None:
            return False
        return not _ends_unit(self.open.parts[-1], self.zone) or _starts_lower(text)

    def _continue(self, line: _Line, text: str) -> None:
        assert self.open is not None
        self.open.parts.append(text)
        self.open.starts.append(line.first)
        self.open.lines.extend(line.numbers)

    # numbered paragraphs and numbered chapter headings --------------------------------------------------
    def _numbered(self, index: int, line: _Line, match: re.Match) -> None:
        number = int(match.group(1))
        body = line.text[match.end():]
        expected = self.last_para + 1
        title_like = not _is_sentence(body)
        # "1. Introduction" followed by "1. We ..." is a chapter heading, not paragraph 1
        if number == expected and not (title_like and self._next_number(index) == number):
            self._new_paragraph(line, number, body)
        elif self.open is not None and not _ends_unit(self.open.parts[-1], self.zone):
            self._continue(line, line.text)      # "1990. ..." after a page break mid-sentence
        elif title_like:
            self._heading(line, line.text)       # "2. Committee on Crime Prevention and Control"
        elif self.resolution and number > expected and self._lost_numbers(number - expected):
            self._new_paragraph(line, number, body)
        elif not self.strict:
            self._new_paragraph(line, number, body)  # lenient: the paragraph keeps its printed number
        else:
            raise self._numbering_error(line, number)

    def _lost_numbers(self, missing: int) -> bool:
        """When the extraction dropped paragraph numbers, the paragraphs stand as follow-ons of the one
        before: exactly as many of them as numbers are missing, with no lettered item after them, are the
        missing paragraphs (numbered in order); any other gap stays an error."""
        if self.list is None or self.list.owner.kind != "para":
            return False
        owner = self.list.owner
        tail = self.blocks[self.blocks.index(owner) + 1:]
        loose = [b for b in tail if b.role == "follow-on" and b.owner is owner]
        if len(loose) != missing:
            return False
        if owner.subs and self.blocks.index(owner.subs[-1]) > self.blocks.index(loose[0]):
            return False                         # a letter after them: they belong to this paragraph
        for block in loose:
            self.last_para += 1
            block.kind, block.role, block.owner, block.label = "para", None, None, str(self.last_para)
        return True

    def _next_number(self, index: int) -> int | None:
        """The number of the next numbered line, skipping footnotes and separators (None if text comes first)."""
        for line in self.lines[index + 1:]:
            if _footnote_definition(line.text) or _SEPARATOR.match(line.text):
                continue
            match = _PARA_LABEL.match(line.text)
            return int(match.group(1)) if match else None
        return None

    def _next_is_number(self, index: int) -> bool:
        """Whether the next text line starts with a figure that is not a label ("1996, 52/10 of ...")."""
        for line in self.lines[index + 1:]:
            if not (_footnote_definition(line.text) or _SEPARATOR.match(line.text)):
                return _plain(line.text)[:1].isdigit() and not _is_labelled(line.text)
        return False

    def _next_is_lower(self, index: int) -> bool:
        for line in self.lines[index + 1:]:
            if not (_footnote_definition(line.text) or _SEPARATOR.match(line.text)):
                return _starts_lower(line.text) and not _is_labelled(line.text)
        return False

    def _numbering_error(self, line: _Line, number: int) -> InvalidDocument:
        last = self.last_para
        hint = "number the paragraphs 1, 2, 3 ... without gaps or repeats"
        if number > last + 1:
            before = f"{last} is followed by {number}" if last else f"the first numbered paragraph is {number}"
            message = f"paragraph {last + 1} is missing: {before}"
        elif number == last:
            message = f"paragraph {number} appears twice: {number} is followed by {number}"
        else:
            message = f"paragraph {number} is out of order: {last} is followed by {number}"
        return InvalidDocument(message, file=self.file, line=line.first, hint=hint)

    def _new_paragraph(self, line: _Line, number: int, body: str) -> None:
        block = _Block("para", list(line.numbers), [body], [line.first], label=str(number))
        self.zone = OPERATIVE
        self.last_para = number
        self._add(block, owns_list=True)

    # lettered subparagraphs and roman items -------------------------------------------------------------
    def _lettered(self, line: _Line, match: re.Match) -> None:
        label = match.group(1)
        body = line.text[match.end():]
        state = self.list
        kind = self._sub_kind(label, state)
        if kind is None:
            if self.open is not None and not _ends_unit(self.open.parts[-1], self.zone):
                self._continue(line, line.text)  # "(c) above" carried over a page break
                return
            if self.resolution and state is not None and self._lost_letters(label, state):
                kind = "letter"                  # the letters before it were lost by the extraction
            elif self.resolution and state is not None and state.owner.kind == "para" \
                    and (self.strict or not self._misplaced_letter(label, state)):
                self._follow_on(line, line.text)  # a label that fits nowhere stays in the text
                return
            elif self.strict or state is None:
                raise self._letter_error(line, label, state)
            kind = "letter"                      # lenient: a lettered subparagraph with its printed label
        assert state is not None
        owner = state.letter if kind == "roman" else state.owner
        block = _Block("sub", list(line.numbers), [body], [line.first], label=label, zone=self.zone,
                       roman=kind == "roman", owner=owner)
        owner.subs.append(block)
        if kind == "roman":
            state.roman = block
        else:
            state.letter, state.roman, state.loose = block, None, 0
        self._add(block, owns_list=False)

    @staticmethod
    def _misplaced_letter(label: str, state: _ListState) -> bool:
        """Whether a single letter out of sequence stands in a lettered list under way ((a), (b), (d) or
        (a), (b), (b)): lenient, it keeps its printed label so that the fault is reported, not hidden in
        the text of a follow-on paragraph."""
        return len(label) == 1 and state.letter is not None and state.roman is None \
            and len(state.letter.label or "") == 1

    @staticmethod
    def _lost_letters(label: str, state: _ListState) -> bool:
        """Whether a letter past the expected one is explained by unlabelled follow-on paragraphs before it
        (a text extraction that dropped the labels "(a)", "(b)" but kept "(c)")."""
        if len(label) != 1 or state.roman is not None:
            return False
        previous = state.letter.label if state.letter else None
        expected = _next_letter(previous)
        if len(expected) != 1 or label <= expected:
            return False
        # a label lost at a page break may leave two items joined: allow for one such join or two
        return state.loose > 0 and 0 < ord(label) - ord(expected) <= state.loose + 2

    @staticmethod
    def _sub_kind(label: str, state: _ListState | None) -> str | None:
        """'letter', 'roman' or None (out of sequence). (i) after (h) is a letter; (i) after a lettered
        chapeau ending ':' opens a roman list."""
        if state is None:
            return None
        if state.roman is not None and label == _next_roman(state.roman.label):
            return "roman"
        if (label == "i" and state.letter is not None and state.roman is None
                and _tail(state.letter.raw).endswith(":")):
            return "roman"
        if label == _next_letter(state.letter.label if state.letter else None):
            return "letter"
        return None

    def _letter_error(self, line: _Line, label: str, state: _ListState | None) -> InvalidDocument:
        hint = "letter the subparagraphs (a), (b), (c) ... in order under their paragraph"
        if state is None:
            return InvalidDocument(f"subparagraph ({label}) does not follow a numbered paragraph or a "
                                   f"preamble clause", file=self.file, line=line.first, hint=hint)
        previous = state.letter.label if state.letter else None
        expected = _next_letter(previous)
        if previous is None:
            message = f"subparagraph {_sub_name(state.owner, expected)} is missing: the list starts at ({label})"
        elif (len(label), label) <= (len(previous), previous):
            message = f"subparagraph {_sub_name(state.owner, label)} appears twice: ({previous}) is followed by ({label})"
        else:
            message = f"subparagraph {_sub_name(state.owner, expected)} is missing: ({previous}) is followed by ({label})"
        return InvalidDocument(message, file=self.file, line=line.first, hint=hint)

    # headings and unnumbered text -----------------------------------------------------------------------
    def _section_heading(self, text: str) -> bool:
        """'IV. ACTION ON ...' or 'B. International actions' without closing punctuation."""
        return bool(_PART_LABEL.match(text) or _SECTION_LABEL.match(text)) and not _is_sentence(text)

    def _heading(self, line: _Line, text: str, markdown: int | None = None) -> None:
        label, body, style = self._heading_label(text)
        if style == "plain" and markdown:
            style = f"markdown-{markdown}"
        block = _Block("heading", list(line.numbers), [body], [line.first], label=label, style=style)
        self.blocks.append(block)
        self.open = None
        self.list = None                         # a heading ends the lettered list of the paragraph before it

    def _heading_label(self, text: str) -> tuple[str | None, str, str]:
        """(label, text without label, style). A single I, V, X, L or C continues the section letters when
        the previous section was the letter before it ("C. Scope" after "B. Goals"), else it is a part."""
        text = text.strip()
        section, part = _SECTION_LABEL.match(text), _PART_LABEL.match(text)
        if part and (section is None or self._is_part(part.group(1))):
            self.last_part = part.group(1)
            return part.group(1), text[part.end():], "part"
        if section:
            self.last_section = section.group(1)
            return section.group(1), text[section.end():], "section"
        number = _PARA_LABEL.match(text)
        if number:
            return number.group(1), text[number.end():], "chapter"
        return None, text, "plain"

    def _is_part(self, label: str) -> bool:
        """Whether a one-letter roman label (I, V, X, L, C) numbers a part rather than a section."""
        if self.last_section is not None and ord(label) == ord(self.last_section) + 1:
            return False
        value = _roman_value(self.last_part) if self.last_part else 0
        following = _ROMANS[value].upper() if value is not None and value < len(_ROMANS) else None
        return label == following

    def _unnumbered(self, index: int, line: _Line, text: str) -> None:
        """Unnumbered text that continues nothing: a heading when it is not a sentence, else a formula or
        a preamble clause (decided once the whole preamble is known). A long fragment, or one whose next
        text line starts in lower case, is the first half of a clause broken by a page, not a heading."""
        if self.resolution and self.zone == PREAMBLE and _ORGAN.match(_plain(text)):
            # "The General Assembly" opens the resolution, with or without its comma, and ends there
            self._add(_Block("text", list(line.numbers), [text], [line.first], zone=self.zone), owns_list=False)
            self.open = None
            return
        longest = _RESOLUTION_HEADING_MAX if self.resolution else _HEADING_MAX
        if not _is_sentence(text) and len(_plain(text)) <= longest and not self._next_is_lower(index) \
                and not (self.resolution and self._next_is_number(index)):
            self._heading(line, text)
            return
        if self.resolution and self.zone == OPERATIVE and self.list is not None and self.list.owner.kind == "para":
            self._follow_on(line, text)
            return
        block = _Block("text", list(line.numbers), [text], [line.first], zone=self.zone)
        # only a preamble clause can own lettered items; an operative formula cannot
        self._add(block, owns_list=self.zone == PREAMBLE)

    def _follow_on(self, line: _Line, text: str) -> None:
        """An unnumbered paragraph inside a numbered one: it belongs to that paragraph, whose lettered list
        goes on after it."""
        assert self.list is not None
        block = _Block("text", list(line.numbers), [text], [line.first], zone=self.zone, owner=self.list.owner)
        block.role = "follow-on"
        self.list.loose += 1
        self.blocks.append(block)
        self.open = block

    def _add(self, block: _Block, *, owns_list: bool) -> None:
        self.blocks.append(block)
        self.open = block
        if owns_list:
            self.list = _ListState(block)
        elif block.kind != "sub":
            self.list = None


def _sub_name(owner: _Block, letter: str) -> str:
    """How an error names a subparagraph: '5(c)', or '(c) of the preamble clause at line 39'."""
    if owner.kind == "para":
        return f"{owner.label}({letter})"
    return f"({letter}) of the preamble clause at line {owner.lines[0]}"


# --- from blocks to units -------------------------------------------------------------------------------
def _assign_roles(blocks: list[_Block], resolution: bool = False) -> None:
    """Preamble text blocks become the opening formula, preamble clauses or the transition formula;
    operative text blocks are formulae (in a resolution, follow-on paragraphs are marked already).

    A resolution opens with its organ ("The General Assembly,"): a formula. One with a single operative
    paragraph prints it unnumbered ("Adopts the Declaration ... annexed."): after the opening formula, the
    unnumbered text that does not end with "," is then the operative paragraph."""
    preamble = [b for b in blocks if b.kind == "text" and b.zone == PREAMBLE]
    for block in blocks:
        if block.role == "follow-on":
            continue
        if block.kind == "para":
            block.role = "paragraph"
        elif block.kind == "heading":
            block.role = "heading"
        elif block.kind == "sub":
            block.role = "item" if block.roman else "subparagraph"
        elif block.zone == OPERATIVE:
            block.role = "formula"
    for block in preamble:
        block.role = "preamble"
    if resolution and preamble and _ORGAN.match(_plain(preamble[0].raw)):
        preamble[0].role = "formula"
        if not any(block.kind == "para" for block in blocks):
            for block in preamble[1:]:
                if not _tail(block.raw).endswith(","):
                    block.role = "paragraph"
        return
    if preamble and _WE.match(_plain(preamble[0].raw)) and not preamble[0].subs:
        preamble[0].role = "formula"
    last = preamble[-1] if preamble else None
    if last is not None and last.role == "preamble" and not last.subs \
            and not _tail(last.raw).endswith(","):
        last.role = "formula"


def _heading_levels(blocks: list[_Block]) -> dict[int, int]:
    """Level of each heading block (by id): styles ranked by first appearance; a plain heading directly
    followed by another plain heading is an outer one."""
    headings = [b for b in blocks if b.kind == "heading"]
    styles: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        style = block.style or "plain"
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if style == "plain" and following is not None and following.kind == "heading" \
                and following.style == "plain":
            style = "plain-outer"
        styles[id(block)] = style
    order: list[str] = []
    for block in headings:
        if styles[id(block)] not in order:
            order.append(styles[id(block)])
    return {id(b): order.index(styles[id(b)]) + 1 for b in headings}


def _is_notes_heading(blocks: list[_Block], index: int, footnotes: dict[str, _Footnote]) -> bool:
    """A heading with nothing but footnotes after it ("Notes") titles the footnotes, not the text."""
    return all(b.kind == "heading" for b in blocks[index:]) and any(
        note.after > index for note in footnotes.values())


@dataclass
class _Context:
    file: str
    slug: str
    minter: Minter
    doc_iri: str
    strict: bool = True


def _mint(block: _Block, ctx: _Context, counters: Counter) -> str:
    m, slug = ctx.minter, ctx.slug
    if block.role == "paragraph" and block.label is None:
        counters["unnumbered"] += 1              # a resolution's single unnumbered operative paragraph
        return m.paragraph(slug, counters["unnumbered"])
    if block.role == "paragraph":
        return m.paragraph(slug, block.label)
    if block.role == "follow-on":
        assert block.owner is not None and block.owner.label is not None
        counters[("follow-on", block.owner.label)] += 1
        # the numbered text is the paragraph's first printed paragraph; follow-ons count from 2
        return m.follow_on(slug, block.owner.label, counters[("follow-on", block.owner.label)] + 1)
    if block.role == "preamble":
        counters["preamble"] += 1
        block.ordinal = counters["preamble"]
        return m.preamble(slug, block.ordinal)
    if block.role == "formula":
        counters["formula"] += 1
        return m.formula(slug, counters["formula"])
    if block.role == "heading":
        counters["heading"] += 1
        return m.heading(slug, counters["heading"])
    owner = block.owner
    assert owner is not None and owner.iri is not None
    if block.role == "item":
        paragraph = owner.owner
        if paragraph is None or paragraph.role != "paragraph":
            raise InvalidDocument(f"item ({block.label}) stands under a lettered preamble item: only numbered "
                                  f"paragraphs have a third level", file=ctx.file, line=block.lines[0],
                                  hint="letter it as a preamble item of its own")
        return m.paragraph(slug, paragraph.label, owner.label, block.label)
    if owner.role == "preamble":
        assert owner.ordinal is not None
        return m.preamble(slug, owner.ordinal, block.label)
    if owner.role == "paragraph":
        return m.paragraph(slug, owner.label, block.label)
    raise InvalidDocument(f"subparagraph ({block.label}) belongs to no paragraph: the text before it is a "
                          f"formula, not a paragraph", file=ctx.file, line=block.lines[0],
                          hint="number the paragraph that introduces the list")


_KINDS = {"preamble": UnitKind.PREAMBLE, "paragraph": UnitKind.PARAGRAPH, "follow-on": UnitKind.PARAGRAPH,
          "subparagraph": UnitKind.SUBPARAGRAPH,
          "item": UnitKind.ITEM, "heading": UnitKind.HEADING, "formula": UnitKind.FORMULA}


def _build_units(blocks: list[_Block], footnotes: dict[str, _Footnote], ctx: _Context,
                 ) -> tuple[list[Unit], list[int]]:
    """Units in reading order, footnotes last; also the lines of headings that only title the footnotes."""
    levels = _heading_levels(blocks)
    counters: Counter = Counter()
    stack: list[tuple[int, str]] = []            # open headings: (level, iri)
    units: list[Unit] = []
    notes_lines: list[int] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading" and _is_notes_heading(blocks, index, footnotes):
            notes_lines.extend(block.lines)
            continue
        block.iri = _mint(block, ctx, counters)
        level = levels.get(id(block))
        if block.role == "formula":
            stack.clear()
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
        text, _ = clean(block.raw)
        units.append(Unit(
            iri=block.iri, kind=_KINDS[block.role], number=block.label, text=text,
            parent=_parent(block, ctx), position=len(units) + 1,
            source=SourceSpan(ctx.file, min(block.lines), max(block.lines), tuple(block.lines)),
            footnotes=_references(block, footnotes, ctx),
            heading=stack[-1][1] if stack else None, level=level))
        if level is not None:
            stack.append((level, block.iri))
    for mark in sorted(footnotes, key=lambda m: (m != "*", int(m) if m.isdigit() else 0)):
        note = footnotes[mark]
        units.append(Unit(
            iri=ctx.minter.footnote(ctx.slug, mark), kind=UnitKind.FOOTNOTE, number=mark,
            text=clean(note.text)[0], parent=ctx.doc_iri, position=len(units) + 1,
            source=SourceSpan(ctx.file, min(note.lines), max(note.lines), tuple(note.lines))))
    return units, notes_lines


def _parent(block: _Block, ctx: _Context) -> str:
    if block.kind == "sub" or block.role == "follow-on":
        assert block.owner is not None and block.owner.iri is not None
        return block.owner.iri
    return ctx.doc_iri


def _references(block: _Block, footnotes: dict[str, _Footnote], ctx: _Context) -> tuple[str, ...]:
    """IRIs of the footnotes the block's markers point to, in order, each once."""
    iris: list[str] = []
    marks = [(mark, line) for part, line in zip(block.parts, block.starts) for mark in extract_markers(part)[1]]
    for mark, line in marks:
        if mark not in footnotes and ctx.strict:
            raise InvalidDocument(
                f"footnote marker {mark} has no footnote text in this document", file=ctx.file, line=line,
                hint=f"add the footnote text (a line starting with the marker {mark}) or remove the marker")
        iri = ctx.minter.footnote(ctx.slug, mark)
        if iri not in iris:
            iris.append(iri)
    return tuple(iris)


# --- unwrapping hard-wrapped text --------------------------------------------------------------------------
def _unwrap(lines: list[_Line]) -> list[_Line]:
    """Join the physical lines of a hard-wrapped text (every line cut near one width) into logical lines.

    A line was wrapped when the next word would not have fitted on it: len(line) + 1 + len(next word) > width.
    Texts whose lines are whole paragraphs (the catalogued sources) are left alone."""
    lengths = [len(line.text.rstrip()) for line in lines if len(line.text.strip()) >= 40]
    if len(lengths) < 5 or max(lengths) > 110:
        return lines
    width = max(lengths)
    out: list[_Line] = []
    for line in lines:
        previous = out[-1] if out else None
        adjacent = previous is not None and line.first == previous.numbers[-1] + 1
        if previous is not None and adjacent and _wrapped(previous.text, line.text, width):
            out[-1] = _Line(previous.text.rstrip() + " " + line.text.strip(), previous.numbers + line.numbers)
        else:
            out.append(line)
    return out


def _wrapped(text: str, following: str, width: int) -> bool:
    if _is_labelled(following) or _footnote_definition(following) or _SEPARATOR.match(following):
        return False
    words = following.split()
    return bool(words) and len(text.rstrip()) + 1 + len(words[0]) > width


# --- page furniture ----------------------------------------------------------------------------------------
def detect_furniture(source: SourceText) -> set[int]:
    """Lines that are page furniture of a PDF extraction: bare page numbers ("12", "- 3 -", "Page 3 of 9")
    and running headers or footers (an unlabelled short line repeated on several pages, next to a page
    number, or carrying a page number of its own). Catalogued sources declare theirs in the catalogue."""
    content = [(n, t) for n, t in source.numbered() if t.strip()]
    numbers = {n for n, t in content if _PAGE_NUMBER.match(_plain(t))}
    order = {n: i for i, (n, _) in enumerate(content)}
    near_number = {content[j][0] for n in numbers for j in range(order[n] - 2, order[n] + 3)
                   if 0 <= j < len(content)}
    groups: dict[str, list[int]] = {}
    for n, text in content:
        if n in numbers or _is_labelled(text) or _PART_LABEL.match(text) or _SECTION_LABEL.match(text) \
                or _footnote_definition(text) or len(text.strip()) > 100:
            continue
        key = re.sub(r"\d+", "#", " ".join(_plain(text).lower().split()))
        groups.setdefault(key, []).append(n)
    furniture = set(numbers)
    for key, occurrences in groups.items():
        # a running header comes once a page, so its occurrences are far apart (unlike rows of a table)
        gaps = [order[b] - order[a] for a, b in zip(occurrences, occurrences[1:])]
        if not gaps or min(gaps) < _PAGE_MIN_LINES:
            continue
        close = sum(n in near_number for n in occurrences)
        if 2 * close >= len(occurrences) or (len(occurrences) >= 3 and "#" in key):
            furniture.update(occurrences)
    return furniture


# --- documents ---------------------------------------------------------------------------------------------
def _leading_block(lines: list[_Line]) -> int:
    """How many logical lines make up the first block (adjacent lines, or one Markdown heading line)."""
    if not lines:
        return 0
    if _MD_HEADING.match(lines[0].text):
        return 1
    count = 1
    while count < len(lines) and lines[count].first == lines[count - 1].numbers[-1] + 1 \
            and not _is_labelled(lines[count].text):
        count += 1
    return count


def _parse_body(source: SourceText, *, slug: str, kind: str, title: str, first: int, last: int,
                minter: Minter, manifestation: str, body: list[_Line], title_lines: list[int],
                extra_footnote_lines: tuple[int, ...], furniture: set[int], strict: bool = True,
                resolution: bool = False, notes: tuple[Note, ...] = (), annex: bool = False,
                ) -> tuple[Document, tuple[SkippedLine, ...]]:
    segmenter = _Segmenter(source.file, body, strict=strict, resolution=resolution)
    segmenter.run()
    segmenter.footnotes.extend(_Footnote(note.mark, note.text, list(note.lines)) for note in notes)
    for number in extra_footnote_lines:
        definition = _footnote_definition(source.line(number))
        if definition is None:
            raise InvalidDocument("this line was given as a footnote of the document but is not a footnote",
                                  file=source.file, line=number, hint="check the footnote line numbers")
        segmenter.footnotes.append(_Footnote(definition[0], definition[1], [number]))
    if strict and not resolution and not any(block.kind == "para" for block in segmenter.blocks):
        line = body[0].first if body else first
        raise InvalidDocument("no numbered paragraph found: this does not read as a declaration",
                              file=source.file, line=line,
                              hint='number the operative paragraphs "1.", "2.", ... at the start of a line')
    footnotes = _footnote_table(segmenter.footnotes, source.file)
    _assign_roles(segmenter.blocks, resolution)
    if strict and resolution and not annex and not any(b.role == "paragraph" for b in segmenter.blocks):
        line = body[0].first if body else first
        raise InvalidDocument("no operative paragraph found: this does not read as a resolution",
                              file=source.file, line=line,
                              hint='number the operative paragraphs "1.", "2.", ... at the start of a line')
    doc_iri = minter.document(slug)
    ctx = _Context(source.file, slug, minter, doc_iri, strict)
    units, notes_lines = _build_units(segmenter.blocks, footnotes, ctx)
    skipped = [SkippedLine(source.file, n, "document title", source.line(n)) for n in title_lines]
    skipped += [SkippedLine(source.file, n, "footnote separator", source.line(n)) for n in segmenter.separators]
    skipped += [SkippedLine(source.file, n, "footnotes heading", source.line(n)) for n in notes_lines]
    skipped += [SkippedLine(source.file, n, "page furniture", source.line(n)) for n in sorted(furniture)
                if first <= n <= last]
    document = Document(
        slug=slug, iri=doc_iri, title=title, kind=kind, units=tuple(units),
        manifestations=(Manifestation(source.file, source.sha256, first, last, manifestation),))
    return document, tuple(sorted(skipped, key=lambda s: s.line))


def _footnote_table(notes: list[_Footnote], file: str) -> dict[str, _Footnote]:
    table: dict[str, _Footnote] = {}
    for note in notes:
        if note.mark in table:
            raise InvalidDocument(f"footnote {note.mark} is defined twice (also at line {table[note.mark].lines[0]})",
                                  file=file, line=note.lines[0], hint="number the footnotes of a document once each")
        table[note.mark] = note
    return table


def _physical_lines(source: SourceText, first: int, last: int, exclude: set[int]) -> list[_Line]:
    return [_Line(text, (n,)) for n, text in source.numbered(first, last) if text.strip() and n not in exclude]


def parse_region(source: SourceText, *, slug: str, kind: str, title: str, first: int, last: int,
                 minter: Minter, manifestation: str, extra_footnote_lines: tuple[int, ...] = (),
                 ) -> tuple[Document, tuple[SkippedLine, ...]]:
    """Parse one document printed on lines first..last of a source, starting with its printed title.

    `extra_footnote_lines` are footnote definitions printed outside the region that belong to it."""
    if not 1 <= first <= last <= len(source.lines):
        raise InputError(f"document lines {first}-{last} are outside the file ({len(source.lines)} lines)",
                         file=source.file, hint="check the line range in sources/catalogue.yaml")
    lines = _physical_lines(source, first, last, set())
    head = _leading_block(lines)
    title_lines = [n for line in lines[:head] for n in line.numbers]
    body = _unwrap(lines[head:])
    return _parse_body(source, slug=slug, kind=kind, title=title, first=first, last=last, minter=minter,
                       manifestation=manifestation, body=body, title_lines=title_lines,
                       extra_footnote_lines=extra_footnote_lines, furniture=set())


def parse_catalogued(source: SourceText, entry: FileEntry, catalogue: Catalogue, minter: Minter) -> ParsedSource:
    """Parse a catalogued file of layout `declaration`: one document per placement; every other non-blank
    line must lie in one of the entry's skip ranges."""
    _check_coverage(source, entry)
    documents, skipped = [], []
    for placement in entry.documents:
        facts = catalogue.facts(placement.slug)
        document, dropped = parse_region(source, slug=placement.slug, kind=facts.kind, title=facts.title,
                                         first=placement.first, last=placement.last, minter=minter,
                                         manifestation=placement.manifestation)
        documents.append(document)
        skipped.extend(dropped)
    for skip in entry.skip:
        skipped.extend(SkippedLine(source.file, n, skip.reason, text)
                       for n, text in source.numbered(skip.first, min(skip.last, len(source.lines)))
                       if text.strip())
    return ParsedSource(source.file, source.sha256, tuple(documents),
                        tuple(sorted(skipped, key=lambda s: s.line)))


def _check_coverage(source: SourceText, entry: FileEntry) -> None:
    """Each non-blank line lies in exactly one document region or skip range: nothing is dropped silently."""
    owners: dict[int, str] = {}
    ranges = [(p.first, p.last, f"document {p.slug}") for p in entry.documents]
    ranges += [(s.first, s.last, f"skip range '{s.reason}'") for s in entry.skip]
    for first, last, name in ranges:
        for n in range(first, min(last, len(source.lines)) + 1):
            if n in owners and source.line(n).strip():
                raise InputError(f"line is in both {owners[n]} and {name}", file=source.file, line=n,
                                 hint="make the ranges in sources/catalogue.yaml disjoint")
            owners[n] = name
    for n, text in source.numbered():
        if text.strip() and n not in owners:
            raise InputError("line is outside every document and every skip range of the catalogue",
                             file=source.file, line=n,
                             hint="add it to a document's lines or to a skip range in sources/catalogue.yaml")


def parse_new_declaration(source: SourceText, *, minter: Minter, title: str | None, slug: str | None,
                          strict: bool = True) -> ParsedSource:
    """Parse a declaration that is not in the catalogue: plain text or Markdown in the usual UN layout,
    possibly extracted from a PDF (page numbers and running headers are skipped as page furniture).

    strict=False (for `crimecongress validate`) keeps the faults a drafter wants listed all at once instead
    of stopping at the first: a paragraph number out of sequence keeps its printed number, a letter out of
    sequence its printed label, a footnote marker without footnote text its reference, and a text without
    any numbered paragraph is still read; the SHACL shapes then report each fault with its line.

    A UN resolution (header block, then a title line "80/9. Title") is read by `_parse_resolution`."""
    layout = read_un_layout(source)
    if layout is not None:
        return _parse_resolution(source, layout, minter=minter, title=title, slug=slug, strict=strict)
    furniture = detect_furniture(source)
    lines = _physical_lines(source, 1, len(source.lines), furniture)
    if not lines:
        raise InvalidDocument("the file holds nothing but page numbers and running headers",
                              file=source.file, line=1, hint="give a declaration text")
    head = _title_block(lines)
    title = title or _title_text(lines[:head])
    if not title:
        raise InvalidDocument("no title: the text does not start with a title line", file=source.file,
                              line=lines[0].first, hint="give one with --title")
    slug = _checked_slug(slug or slugify(title), source.file, minter)
    title_lines = [n for line in lines[:head] for n in line.numbers]
    document, skipped = _parse_body(source, slug=slug, kind="declaration", title=title, first=1,
                                    last=len(source.lines), minter=minter, manifestation="submitted text",
                                    body=_unwrap(lines[head:]), title_lines=title_lines,
                                    extra_footnote_lines=(), furniture=furniture, strict=strict)
    return ParsedSource(source.file, source.sha256, (document,), skipped)


def _title_block(lines: list[_Line]) -> int:
    """Logical lines of the printed title of a new declaration: its first block, when that reads as a
    title (a Markdown heading, or unnumbered text that is not a sentence and not the opening "We, ...")."""
    head = _leading_block(lines)
    text = " ".join(line.text for line in lines[:head])
    if _MD_HEADING.match(lines[0].text):
        return head
    if _is_labelled(text) or _footnote_definition(text) or _WE.match(_plain(text)) or _is_sentence(text):
        return 0
    return head


def _checked_slug(slug: str, file: str, minter: Minter) -> str:
    """A slug is part of public IRIs: lower-case ASCII words joined by '-'."""
    try:
        minter.document(slug)
    except ValueError:
        raise InputError(f"cannot use {slug!r} as a document slug", file=file,
                         hint="give --slug as lower-case words joined by '-', e.g. lisbon-declaration-2026") from None
    return slug


def _title_text(lines: list[_Line]) -> str | None:
    """The clean title text of the title lines (None when there are none)."""
    if not lines:
        return None
    text = " ".join(_MD_HEADING.sub(r"\2", line.text) for line in lines)
    cleaned = clean(text)[0].rstrip("*").strip()   # a trailing "*" is the source-note marker
    return cleaned or None


# --- UN resolutions ------------------------------------------------------------------------------------------
def _parse_resolution(source: SourceText, layout: UnLayout, *, minter: Minter, title: str | None,
                      slug: str | None, strict: bool) -> ParsedSource:
    """A resolution and each declaration it adopts in an annex: one document each, numbered on its own;
    an annexed document records the resolution that adopts it. --title/--slug name the resolution; an
    annex is named after it ("{slug}-annex", "{slug}-annex-ii")."""
    header = layout.header
    title = title or header.title
    base_slug = slug or slugify(header.symbol or header.title)
    base_slug = _checked_slug(base_slug, source.file, minter)
    resolution_iri = minter.document(base_slug)
    owners = _note_owners(layout)
    documents, skipped = [], []
    for index, part in enumerate(layout.parts):
        if index == 0:
            part_slug, part_title, title_lines = base_slug, title, header.title_lines
        else:
            suffix = "annex" + (f"-{part.label.lower()}" if part.label else "")
            part_slug = _checked_slug(f"{base_slug}-{suffix}", source.file, minter)
            part_title, title_lines = part.title or f"Annex to {title}", part.title_lines
        body = _join_lines([_Line(line.text, line.numbers) for line in part.lines])
        notes = tuple(note for note in layout.notes if owners.get(note.mark) == index)
        document, dropped = _parse_body(
            source, slug=part_slug, kind="declaration" if index else "resolution", title=part_title,
            first=part.first, last=part.last,
            minter=minter, manifestation="submitted text", body=body, title_lines=list(title_lines),
            extra_footnote_lines=(), furniture=set(), strict=strict, resolution=True, notes=notes,
            annex=index > 0)
        documents.append(replace(document, symbol=header.symbol, date=header.date,
                                 adopted_by=resolution_iri if index else None))
        skipped.extend(dropped)
    skipped.extend(SkippedLine(source.file, n, reason, source.line(n)) for n, reason in layout.skipped
                   if source.line(n).strip())
    unique: dict[int, SkippedLine] = {}
    for line in skipped:
        unique.setdefault(line.line, line)      # an annex's title is reported once, as its document title
    return ParsedSource(source.file, source.sha256, tuple(documents),
                        tuple(sorted(unique.values(), key=lambda s: s.line)))


def _note_owners(layout: UnLayout) -> dict[str, int]:
    """Which part each footnote belongs to: the one whose text cites it, else the last."""
    owners: dict[str, int] = {}
    for index, part in enumerate(layout.parts):
        for line in part.lines:
            for mark in extract_markers(line.text)[1]:
                owners.setdefault(mark, index)
    for note in layout.notes:
        owners.setdefault(note.mark, len(layout.parts) - 1)
    return owners


def _join_lines(lines: list[_Line]) -> list[_Line]:
    """Join the lines of one paragraph. A resolution sets its paragraphs apart by a blank line or a label,
    so a line runs on into the next adjacent one unless it ends a sentence with "."; a line that does
    and is followed at once by unlabelled text starts a follow-on paragraph, as in the clean copy (the
    text layer does not say more: a justified line ending a sentence looks the same either way)."""
    out: list[_Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if previous is not None and line.first == previous.numbers[-1] + 1 and line.text.strip() \
                and not _starts_labelled(line.text) and not _footnote_definition(line.text) \
                and not _tail(previous.text).endswith("."):
            out[-1] = _Line(previous.text.rstrip() + " " + line.text.strip(), previous.numbers + line.numbers)
        else:
            out.append(line)
    return out


def _starts_labelled(text: str) -> bool:
    return _is_labelled(text) or bool(_PART_LABEL.match(text) or _SECTION_LABEL.match(text))
