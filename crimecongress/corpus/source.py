"""Reading a source file safely: bytes to lines, with clear errors for what cannot be text."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, InvalidDocument
from ..limits import TEXT_BYTES, read_input
from .pdf import is_pdf, pdf_lines


@dataclass(frozen=True)
class SourceText:
    """A source file as read: its name, sha256 and lines (index 0 is line 1), without line ends."""

    file: str
    sha256: str
    lines: tuple[str, ...]

    def line(self, number: int) -> str:
        """The text of 1-based line `number`."""
        return self.lines[number - 1]

    def numbered(self, first: int = 1, last: int | None = None):
        """(line number, text) pairs for lines first..last inclusive."""
        last = len(self.lines) if last is None else last
        for number in range(first, last + 1):
            yield number, self.lines[number - 1]


def read_source(path: str | Path, *, name: str | None = None) -> SourceText:
    """Read a UTF-8 text file (or a PDF's text layer, see corpus.pdf); refuse missing, non-regular (a FIFO, a
    directory, a device), oversized (crimecongress.limits.TEXT_BYTES), empty, binary and non-UTF-8 files with a
    one-line reason."""
    return source_text(read_input(Path(path), TEXT_BYTES), Path(path), name=name)


def source_text(data: bytes, path: Path, *, name: str | None = None) -> SourceText:
    """A source file's bytes as read by `read_source` (errors name `path`; the text is named `name`, default
    the path's file name)."""
    label = name or path.name
    if not data.strip():
        raise InvalidDocument("the file is empty", file=str(path), line=1,
                              hint="give a declaration text in plain text or Markdown")
    if is_pdf(data):                # a UN PDF: its text layer, in the raw line layout the parser reads
        return SourceText(file=label, sha256=hashlib.sha256(data).hexdigest(),
                          lines=pdf_lines(data, file=str(path)))
    if path.suffix.lower() == ".pdf":
        raise InputError("this is not a PDF (it does not start with %PDF-)", file=str(path),
                         hint="give the PDF itself, or the text as a .txt or .md file")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("this is a binary file, not text", file=str(path), line=line,
                         hint="export the declaration as UTF-8 plain text or Markdown")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", file=str(path),
                         line=line, hint="save the file as UTF-8") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return SourceText(file=label, sha256=hashlib.sha256(data).hexdigest(), lines=tuple(lines))
