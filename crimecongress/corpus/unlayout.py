"""The layout of a UN resolution around its units: header block, page furniture, footnotes, closing, annexes.

A resolution of the General Assembly, the Economic and Social Council or a Congress prints a header block
(symbol, distribution, date, session, agenda item, "Resolution adopted by ...") before its title line
"80/9. Title", and ends with "NNth plenary meeting" and the date. An annex ("Annex", then its title) is a
document of its own, numbered from 1 again. Text copied out of the PDF also carries running heads (symbol,
short title, job number "25-12345", page number "2/8") and each page's footnote block (after a rule
"_____"); the clean extraction carries Markdown footnotes "[^4]: text" at the end and, sometimes, a running
title left between two halves of a paragraph.

This module only sorts lines: it returns the body lines of each document (labels printed alone on a line
re-attached, footnote markers rewritten as <sup>N</sup>), the footnotes and the lines it left out, and
leaves the units to the declaration parser. Front matter (a YAML block between "---" lines at the top) is
skipped: the printed header is the authority for title, symbol and date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from .source import SourceText

_TITLE_LINE = re.compile(r"^\s*(\d{2,4}/\d{1,4})\.\s+(\S.*?)\s*$")
_HEADER_MARK = re.compile(r"United Nations|Resolution adopted by|Distr\.|\b[AE]/RES/", re.IGNORECASE)
_SYMBOL = re.compile(r"\b([AE](?:/[A-Z]+)?/RES/[0-9A-Za-z./-]*\d)")
_ADOPTED = re.compile(r"adopted by the (General Assembly|Economic and Social Council|[A-Z][\w ]*?) on "
                      r"(\d{1,2} [A-Z][a-z]+ \d{4})")
_DATE = re.compile(r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                   r"November|December) \d{4})\b")
_DATE_LINE = re.compile(r"^\s*" + _DATE.pattern + r"\s*$")
_PAGE_NO = re.compile(r"^\s*\d{1,3}/\d{1,3}\s*$")
_JOB_NO = re.compile(r"^\s*\d{2}-\d{5}\s*(?:\([A-Z]\))?\s*$")
_BARCODE = re.compile(r"^\s*\*\d{6,9}\*\s*$")
_RULE = re.compile(r"^\s*_{5,}\s*$")
_MD_RULE = re.compile(r"^\s*---\s*$")
_CLOSING = re.compile(r"^\s*\d{1,3}(?:st|nd|rd|th) plenary meeting\b(.*)$")
_ANNEX = re.compile(r"^\s*Annex(?:\s+([IVX]{1,5}|\d{1,2}))?\s*$")
_MD_NOTE = re.compile(r"^\[\^(\d{1,4})\]:\s*(.*)$")
_PDF_NOTE = re.compile(r"^\s*(\d{1,3}|\*)\s+(\S.*)$")
_ALONE_LABEL = re.compile(r"^\s*(?:\d{1,3}\.|\([a-z]{1,5}\)|[IVX]{1,7}\.|[A-Z]\.)\s*$")
_PARA_START = re.compile(r"^\s*(\d{1,3})\.\s")
# a paragraph number run into the line before: "... Development.<sup>2</sup> 2. We acknowledge"
_INLINE_PARA = re.compile(r"(?<=[.;:>])\s+(\d{1,3})\.\s+(?=[A-Z])")
_FM_TITLE = re.compile(r'^title:\s*"(.*)"\s*$')
_ORGAN_PREFIX = {"General Assembly": "A", "Economic and Social Council": "E"}

# footnote markers as a PDF's text layer gives them
_MD_MARKER = re.compile(r"\[\^(\d{1,3})\]")
_STUCK_MARKER = re.compile(r"(?:(?<=[a-z)\]’”\"])|(?<=[a-z)\]’”\"0-9][.,;:])|(?<=[A-Z],))(\d{1,3})(?=$|[\s,;:.)\]’”])")
# a marker printed after a year: "of 19881" is 1988 and note 1
_YEAR_MARKER = re.compile(r"(?<=(?<!\d)(?:19|20)\d\d)(\d{1,2})(?=$|[\s,;:.)\]’”])")
_SPACED_MARKER = re.compile(r"(?<=[A-Za-z0-9)’”\".,;:] )(\d{1,3})(?=$|\s|[,;.])")
# a marker run into the next word: "Nuclear Weapons 6and the"
_LEADING_MARKER = re.compile(r"(?<=[A-Za-z)’”\".,;:] )(\d{1,3})(?=[a-z]{2,})")
# words after which a spaced number is a quantity or a reference, never a footnote marker
_NOT_BEFORE = set("""paragraph paragraphs para paras resolution resolutions decision decisions article articles
annex annexes chapter chapters section sections part parts goal goals target targets no no. vol vol. volume and or
to of on from than at by in over under least some about nearly almost up with for phase protocol item items rule
rules principle principles session sessions page pages table figure appendix level levels group
amendment amendments step steps category categories schedule class type""".split())
_NOT_AFTER = re.compile(r"^\s*(?:January|February|March|April|May|June|July|August|September|October|November|"
                        r"December|per\b|percent|years?\b|months?\b|days?\b|weeks?\b|hours?\b|million|billion|"
                        r"[-–]\s*\d|/)")


@dataclass(frozen=True)
class Header:
    """What the header block and title line of a resolution say."""

    symbol: str | None
    title: str
    date: str | None                 # ISO 8601
    organ: str | None
    title_lines: tuple[int, ...]


@dataclass(frozen=True)
class BodyLine:
    """One line of a document's body: the physical lines it joins (a label printed alone + its text)."""

    numbers: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class Part:
    """One document of the file: the resolution, or an annex it adopts."""

    title: str | None                # None for the resolution (its title is the header's)
    label: str | None                # "I", "II" for "Annex I", "Annex II"; None otherwise
    title_lines: tuple[int, ...]
    lines: tuple[BodyLine, ...]
    first: int
    last: int


@dataclass(frozen=True)
class Note:
    mark: str
    text: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class UnLayout:
    header: Header
    parts: tuple[Part, ...]
    notes: tuple[Note, ...]
    skipped: tuple[tuple[int, str], ...]   # (line, reason)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _iso(date: str | None) -> str | None:
    if not date:
        return None
    try:
        return datetime.strptime(date, "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def _front_matter(lines: list[tuple[int, str]]) -> int:
    """How many lines a YAML front matter block takes at the top (0 if none)."""
    if not lines or lines[0][1].strip() != "---":
        return 0
    for index in range(1, min(len(lines), 60)):
        if lines[index][1].strip() == "---":
            return index + 1
    return 0


def read_un_layout(source: SourceText) -> UnLayout | None:
    """The layout of a UN resolution, or None when the text does not open with a UN header and title line."""
    lines = list(source.numbered())
    skipped: dict[int, str] = {}
    start = _front_matter(lines)
    for n, _ in lines[:start]:
        skipped[n] = "front matter"
    catalogued_title = next((m.group(1) for _, t in lines[:start] for m in [_FM_TITLE.match(t)] if m), None)
    title_at = None
    seen = 0
    for index in range(start, len(lines)):
        text = lines[index][1]
        if not text.strip():
            continue
        seen += 1
        if seen > 40:
            break
        if _TITLE_LINE.match(text):
            title_at = index
            break
    if title_at is None:
        return None
    header_text = " ".join(t for _, t in lines[start:title_at])
    if not _HEADER_MARK.search(header_text):
        return None
    for n, text in lines[start:title_at]:
        if text.strip():
            skipped[n] = "resolution header"
    header, body_from = _header(lines, title_at, header_text)
    if catalogued_title:
        # the clean extraction sometimes keeps only the first line of a long title; the front matter's
        # library title (ending " :") gives the rest when it starts with what is printed
        full = _collapse(catalogued_title.replace('\\"', '"')).rstrip(" :").replace(" : ", ": ")
        if len(full) > len(header.title) and full.startswith(header.title):
            header = replace(header, title=full)
    furniture = _furniture(lines[body_from:], header)
    notes, note_lines = _notes(lines[body_from:], furniture)
    skipped.update(furniture)
    skipped.update(note_lines)
    parts = _parts(lines, body_from, skipped)
    parts = tuple(_attach_labels(part) for part in parts)
    parts = _mark_footnotes(parts, notes)
    parts = tuple(_split_inline_paragraphs(part) for part in parts)
    return UnLayout(header, parts, tuple(notes), tuple(sorted(skipped.items())))


def _header(lines: list[tuple[int, str]], title_at: int, header_text: str) -> tuple[Header, int]:
    number, title = _TITLE_LINE.match(lines[title_at][1]).groups()
    title_lines = [lines[title_at][0]]
    index = title_at + 1
    # a long title wraps onto adjacent lines, up to the blank line before "The General Assembly,"
    while index < len(lines) and lines[index][1].strip() and not _PARA_START.match(lines[index][1]) \
            and not lines[index][1].strip().startswith("The ") and len(title_lines) < 4:
        title += " " + lines[index][1].strip()
        title_lines.append(lines[index][0])
        index += 1
    adopted = _ADOPTED.search(_collapse(header_text))
    organ = adopted.group(1) if adopted else next((o for o in _ORGAN_PREFIX if o in header_text), None)
    symbol_match = _SYMBOL.search(header_text)
    if symbol_match:
        symbol = symbol_match.group(1)
    elif organ in _ORGAN_PREFIX:
        symbol = f"{_ORGAN_PREFIX[organ]}/RES/{number}"
    else:
        symbol = None
    date = adopted.group(2) if adopted else (_DATE.search(header_text).group(1) if _DATE.search(header_text) else None)
    return Header(symbol, _collapse(title), _iso(date), organ, tuple(title_lines)), index


def _clusters(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines between blank lines."""
    out: list[list[tuple[int, str]]] = [[]]
    for n, text in lines:
        if text.strip():
            out[-1].append((n, text))
        elif out[-1]:
            out.append([])
    return [cluster for cluster in out if cluster]


def _is_title_piece(text: str, title: str, shortest: int = 15) -> bool:
    """A running title: the document title, or one line of it when it wraps."""
    piece = _collapse(text)
    return len(piece) >= shortest and (piece == title or title.startswith(piece) or title.endswith(piece))


def _furniture(lines: list[tuple[int, str]], header: Header) -> dict[int, str]:
    """Running heads, page numbers, job numbers and bar codes of a PDF copy; running titles of a clean one."""
    out: dict[int, str] = {}
    for cluster in _clusters(lines):
        anchors = [n for n, t in cluster if _PAGE_NO.match(t) or _JOB_NO.match(t) or _BARCODE.match(t)
                   or (header.symbol and t.strip() == header.symbol)]
        if anchors:
            # a running head: the anchors and the short title lines printed with them (the running title
            # may be a shortened title, so any short unlabelled line that ends no sentence is one of them)
            for n, text in cluster:
                if n in anchors or len(cluster) <= 6 and (_is_title_piece(text, header.title, 3) or (
                        len(text.strip()) <= 100 and not _ALONE_LABEL.match(text) and not _PARA_START.match(text)
                        and not re.match(r"^\s*\(", text) and text.rstrip()[-1:] not in ".;:,")):
                    out[n] = "page furniture"
        elif len(cluster) == 1 and _is_title_piece(cluster[0][1], header.title):
            out[cluster[0][0]] = "page furniture"
    return out


def _notes(lines: list[tuple[int, str]], furniture: dict[int, str]) -> tuple[list[Note], dict[int, str]]:
    """Footnotes: Markdown "[^N]: text" (indented lines continue it) and, in a PDF copy, the lines after a
    rule "_____" down to the page's running head, "N text" starting a note when N is the next number."""
    notes: list[dict] = []
    skipped: dict[int, str] = {}
    in_block = False
    expected = 1
    for n, text in lines:
        if n in furniture:
            in_block = False
            continue
        if _RULE.match(text):
            skipped[n] = "footnote separator"
            in_block = True
            continue
        md = _MD_NOTE.match(text)
        if md and notes and notes[-1]["md"] and int(md.group(1)) != expected and notes[-1]["lines"][-1] == n - 1:
            # "as from\n[^7]: February 1984.": a number at the start of a wrapped line read as a new note
            notes[-1]["parts"].append(f"{md.group(1)} {md.group(2)}")
            notes[-1]["lines"].append(n)
            skipped[n] = "footnote"
            continue
        if md:
            notes.append({"mark": md.group(1), "parts": [md.group(2)], "lines": [n], "md": True})
            skipped[n] = "footnote"
            expected = int(md.group(1)) + 1
            continue
        if not text.strip():
            continue
        last = notes[-1] if notes else None
        if last and last["md"] and last["lines"][-1] >= n - 2 and text[:1].isspace():
            last["parts"].append(text.strip())
            last["lines"].append(n)
            skipped[n] = "footnote"
            continue
        if in_block:
            pdf = _PDF_NOTE.match(text)
            if pdf and (pdf.group(1) == "*" or int(pdf.group(1)) == expected):
                notes.append({"mark": pdf.group(1), "parts": [pdf.group(2)], "lines": [n], "md": False})
                if pdf.group(1) != "*":
                    expected += 1
            elif last is not None:
                last["parts"].append(text.strip())
                last["lines"].append(n)
            skipped[n] = "footnote"
    return [Note(d["mark"], _collapse(" ".join(d["parts"])), tuple(d["lines"])) for d in notes], skipped


def _parts(lines: list[tuple[int, str]], body_from: int, skipped: dict[int, str]) -> tuple[Part, ...]:
    """The resolution's body and each annex, cut at "Annex" lines; closing lines and rules left out."""
    parts: list[dict] = [{"title": None, "label": None, "title_lines": [], "lines": [], "first": 1}]
    index = body_from
    after_closing = False
    while index < len(lines):
        n, text = lines[index]
        index += 1
        if n in skipped or not text.strip():
            continue
        closing = _CLOSING.match(text)
        if closing:
            skipped[n] = "closing"
            after_closing = True
            # the date of the meeting, on this line or the next
            following = [(m, t) for m, t in lines[index:index + 3] if t.strip()]
            if not _DATE.search(closing.group(1)) and following and _DATE_LINE.match(following[0][1]):
                skipped[following[0][0]] = "closing"
            continue
        if _MD_RULE.match(text):
            skipped[n] = "footnote separator"
            continue
        annex = _ANNEX.match(text)
        if annex and (after_closing or len(parts) > 1):
            skipped[n] = "annex heading"
            title_lines: list[tuple[int, str]] = []
            while index < len(lines) and not lines[index][1].strip():
                index += 1
            while index < len(lines) and lines[index][1].strip() and not _PARA_START.match(lines[index][1]) \
                    and len(title_lines) < 4:
                title_lines.append(lines[index])
                index += 1
            for m, _ in title_lines:
                skipped[m] = "document title"
            parts[-1]["last"] = n - 1
            parts.append({"title": _collapse(" ".join(t for _, t in title_lines)) or None,
                          "label": annex.group(1), "title_lines": [m for m, _ in title_lines], "lines": [],
                          "first": n})
            continue
        parts[-1]["lines"].append(BodyLine((n,), text))
    parts[-1]["last"] = lines[-1][0]
    return tuple(Part(p["title"], p["label"], tuple(p["title_lines"]), tuple(p["lines"]), p["first"],
                      p.get("last", lines[-1][0])) for p in parts)


def _attach_labels(part: Part) -> Part:
    """A paragraph number or letter printed alone on a line belongs to the text on the next line."""
    out: list[BodyLine] = []
    pending: BodyLine | None = None
    for line in part.lines:
        if pending is not None:
            line = BodyLine(pending.numbers + line.numbers, pending.text.strip() + " " + line.text.lstrip())
            pending = None
        if _ALONE_LABEL.match(line.text):
            pending = line
            continue
        out.append(line)
    if pending is not None:
        out.append(pending)
    return Part(part.title, part.label, part.title_lines, tuple(out), part.first, part.last)


def _mark_footnotes(parts: tuple[Part, ...], notes: list[Note]) -> tuple[Part, ...]:
    """Rewrite the real footnote markers as <sup>N</sup>. The notes are numbered in reading order, so a
    candidate ("Bodies,1", "Development 1 and", "[^4]") is a marker only when it is the next note's number;
    numbers in text ("resolution 79/1", "2030 Agenda", "on 4 February") are left alone."""
    marks = sorted(int(note.mark) for note in notes if note.mark.isdigit())
    if not marks:
        return parts
    state = {"next": 0}

    def expected() -> tuple[int, ...]:
        """The next note's number, then the one after it: a marker the text layer lost must not stop
        the rest from being found."""
        return tuple(marks[state["next"]:state["next"] + 2])

    def advance(value: int) -> None:
        while state["next"] < len(marks) and marks[state["next"]] <= value:
            state["next"] += 1

    def rewrite(text: str) -> str:
        out, pos = [], 0
        while True:
            found = _next_marker(text, pos, expected())
            if found is None:
                break
            begin, end, value = found
            out.append(text[pos:begin] + f"<sup>{value}</sup>")
            advance(value)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    result = []
    for part in parts:
        lines = tuple(BodyLine(line.numbers, rewrite(line.text)) for line in part.lines)
        result.append(Part(part.title, part.label, part.title_lines, lines, part.first, part.last))
    return tuple(result)


def _next_marker(text: str, pos: int, expected: tuple[int, ...]) -> tuple[int, int, int] | None:
    """(start, end, number) of the first marker at or after pos: an explicit "[^N]", or a bare number
    equal to the next note's (or, stuck to a word, the one after it when the next one was lost)."""
    best: tuple[int, int, int] | None = None
    md = _MD_MARKER.search(text, pos)
    if md:
        best = (md.start(), md.end(), int(md.group(1)))
    for pattern in (_STUCK_MARKER, _YEAR_MARKER, _SPACED_MARKER, _LEADING_MARKER):
        allowed = expected if pattern is _STUCK_MARKER else expected[:1]
        for match in pattern.finditer(text, pos):
            if best is not None and match.start() > best[0]:
                break
            value = int(match.group(1))
            if value not in allowed or not _plausible(text, match, pattern is _SPACED_MARKER):
                continue
            best = (match.start(), match.end(), value)
            break
    return best


def _plausible(text: str, match: re.Match, spaced: bool) -> bool:
    before = text[:match.start()].rstrip().split()
    word = before[-1].lower() if before else ""
    if _NOT_AFTER.match(text[match.end():]):
        return False
    if text[match.end():match.end() + 1].isalpha():
        return True                              # "6and": no quantity is written stuck to a word
    if not spaced:
        # "Nations1", "Bodies,1", "2020,10", "19881": not "G20" or "A/80/225" (excluded by the patterns)
        return True
    if text[match.end():match.end() + 2] == "  ":
        return True                              # the text layer sets a marker off by two spaces
    if word.endswith(";"):
        return True                              # "its 1993 session; 1": a clause ends, no reference follows
    if len(before) > 1 and before[-1][:1].isupper() and re.fullmatch(r"(?:19|20)\d\d", before[-2]):
        return True                              # "the 2022 Group 6": a year names a body, not a numbered one
    if word.rstrip(",;.") in _NOT_BEFORE or re.search(r"\d", word.rstrip(",;.")) and not word.endswith(","):
        return False
    return True


def _split_inline_paragraphs(part: Part) -> Part:
    """A paragraph number run into the previous paragraph ("... Agenda.2 2. We acknowledge") starts a line."""
    out: list[BodyLine] = []
    last = 0
    for line in part.lines:
        pieces = [line.text]
        while True:
            start = _PARA_START.match(pieces[-1])
            if start:
                last = int(start.group(1))
            found = next((m for m in _INLINE_PARA.finditer(pieces[-1]) if int(m.group(1)) == last + 1), None)
            if found is None:
                break
            head, tail = pieces[-1][:found.start()], pieces[-1][found.start():].lstrip()
            pieces[-1:] = [head, tail]
        out.extend(BodyLine(line.numbers, piece) for piece in pieces)
    return Part(part.title, part.label, part.title_lines, tuple(out), part.first, part.last)
