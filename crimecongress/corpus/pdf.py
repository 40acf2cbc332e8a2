"""Reading a PDF (a UN resolution as the UN publishes it) into the raw line layout the parser understands.

pypdf lays out each page's text layer as it stands on the page (its "layout" mode): one text line per printed
line, a blank line where the page leaves vertical space (between paragraphs, before a footnote block), and
columns on one baseline (a title on the left, "Distr.: General" on the right) kept apart by wide runs of spaces,
which are split into lines of their own here. The result is what a user gets by copying the text out of the PDF:
running heads, page numbers ("2/8"), job numbers and footnote blocks included; the parser skips them as page
furniture (crimecongress.corpus.unlayout).
"""
from __future__ import annotations

import io
import re

from ..errors import InputError

PDF_MAGIC = b"%PDF-"
_COLUMNS = re.compile(r" {6,}")          # a gap this wide on one baseline separates two printed columns
_HINT = "give the resolution's PDF as the UN publishes it, or its text copied out of the PDF"


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == PDF_MAGIC


def pdf_lines(data: bytes, *, file: str) -> tuple[str, ...]:
    """The text lines of every page, pages separated by a blank line. An encrypted PDF (one that needs a
    password), a damaged one, or one without a text layer (a scan) is an InputError (exit 2)."""
    import logging    # (here: a text's check, which reads no PDF, need not import it)

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)   # its warnings on odd but readable files are noise here
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("the PDF is encrypted with a password", file=file,
                             hint="give an unprotected copy of the PDF")
        lines: list[str] = []
        for page in reader.pages:
            text = page.extract_text(extraction_mode="layout")
            if lines:
                lines.append("")
            for line in text.splitlines():
                lines.extend(column.strip() for column in _COLUMNS.split(line.strip()))
    except InputError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"cannot read the PDF: {reason}", file=file, hint=_HINT) from None
    if not any(line for line in lines):
        raise InputError("the PDF has no text layer (a scan?)", file=file, hint=_HINT)
    return tuple(_blank_runs_collapsed(lines))


def _blank_runs_collapsed(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out
