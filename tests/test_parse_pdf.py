"""Reading a UN resolution from its PDF (crimecongress.corpus.pdf): the text layer in the raw line layout.

No UN PDF is at hand offline, so the tests lay PDFs out the UN's way from the shared texts copied out of the UN's
PDFs (`ga-res-80-pdf-layout/*.txt`): each page with its running head (the symbol top right, the short title),
page number "2/8" and job number, the text, and its footnotes at the foot below a rule. Parsing such a PDF must
give the units of the clean copy (`ga-res-80/*.md`), as the copied-out text does.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4                  # noqa: E402
from reportlab.pdfbase import pdfmetrics                 # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont             # noqa: E402
from reportlab.pdfgen import canvas                      # noqa: E402

from crimecongress.corpus.declaration import parse_new_declaration   # noqa: E402
from crimecongress.corpus.source import read_source     # noqa: E402
from crimecongress.errors import InputError             # noqa: E402
from crimecongress.ids import DEFAULT                   # noqa: E402

TEXTS = Path(__file__).resolve().parents[2] / "shared" / "un-texts"
CLEAN = TEXTS / "ga-res-80"
LAYOUT = TEXTS / "ga-res-80-pdf-layout"
PAGE_NUMBER = re.compile(r"^\s*(\d+)/(\d+)\s*$")
JOB_NUMBER = re.compile(r"^\s*\d\d-\d{5}\s*$")
WORD = re.compile(r"\w+")


def _body(path: Path) -> list[str]:
    """The copied-out lines, without the extraction's front matter."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1:]
    return lines


def _pages(lines: list[str]) -> list[list[str]]:
    """Split the copied-out text into its pages: each page after the first starts with its running-head block
    (symbol, short title, job number, page number, blank lines) ending at the page number."""
    symbol = next(line.strip() for line in lines if line.strip().startswith("A/RES/"))
    start = next(i for i, line in enumerate(lines) if re.match(r"^\d+/\d+\.\s", line.strip()))
    title_words = set(WORD.findall(" ".join(lines[start:start + 4]).lower()))   # the title, over its lines

    def furniture(line: str) -> bool:
        text = line.strip()
        return (not text or text == symbol or JOB_NUMBER.match(text) is not None
                or PAGE_NUMBER.match(text) is not None or set(WORD.findall(text.lower())) <= title_words)

    starts = [0]
    for index, line in enumerate(lines):
        match = PAGE_NUMBER.match(line)
        if match and int(match.group(1)) > 1:
            start = index
            while start - 1 > starts[-1] and furniture(lines[start - 1]) and index - start < 7:
                start -= 1
            starts.append(start)
    return [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]


def _font() -> str:
    """An embedded TrueType font (so that the text layer maps every glyph back to its character), with the
    non-breaking hyphen the UN prints drawn as a hyphen (the font that ships with reportlab lacks it)."""
    if "UNText" not in pdfmetrics.getRegisteredFontNames():
        font = TTFont("UNText", "Vera.ttf")
        font.face.charToGlyph[0x2011] = font.face.charToGlyph[ord("-")]
        pdfmetrics.registerFont(font)
    return "UNText"


def lay_out(text_path: Path, pdf_path: Path) -> Path:
    """A PDF of the copied-out text, page by page: the symbol drawn at the right margin, every other line at
    the left, one printed line per text line, a blank line as vertical space."""
    lines = _body(text_path)
    symbol = next(line.strip() for line in lines if line.strip().startswith("A/RES/"))
    sheet = canvas.Canvas(str(pdf_path), pagesize=A4)
    for page in _pages(lines):
        height = max(A4[1], 60 + 12 * len(page))
        sheet.setPageSize((A4[0], height))
        sheet.setFont(_font(), 9)
        y = height - 40
        for line in page:
            text = line.rstrip()
            if text.strip() == symbol:
                sheet.drawRightString(A4[0] - 50, y, text.strip())
            elif text.strip():
                sheet.drawString(50, y, text.strip())
            y -= 12
        sheet.showPage()
    sheet.save()
    return pdf_path


def comparable(result) -> list[tuple]:
    return [(d.slug, d.title, u.iri, u.kind, u.number, u.text, u.parent, u.footnotes, u.heading)
            for d in result.documents for u in d.units]


def parse(path: Path):
    return parse_new_declaration(read_source(path), minter=DEFAULT, title=None, slug=None)


@pytest.mark.parametrize("n", [1, 2, 4, 7, 8, 10])
def test_a_un_pdf_gives_the_units_of_the_clean_copy(n, tmp_path):
    pdf = lay_out(LAYOUT / f"A_RES_80_{n}.txt", tmp_path / f"A_RES_80_{n}-EN.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    expected = comparable(parse(CLEAN / f"A_RES_80_{n}.md"))
    assert expected and comparable(parse(pdf)) == expected


def test_the_annexed_declaration_of_80_5_reads_from_its_pdf_as_from_its_copied_text(tmp_path):
    """A/RES/80/5: 28 pages, a resolution adopting a declaration with headings and long lists."""
    pdf = lay_out(LAYOUT / "A_RES_80_5.txt", tmp_path / "A_RES_80_5-EN.pdf")
    resolution, declaration = parse(pdf).documents
    assert comparable(parse(pdf)) == comparable(parse(LAYOUT / "A_RES_80_5.txt"))
    assert resolution.symbol == "A/RES/80/5" and declaration.adopted_by == resolution.iri
    assert len(declaration.units) > 150


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crimecongress", *args], capture_output=True, text=True,
                          timeout=120)


def test_parse_reads_a_pdf_from_the_command_line(tmp_path):
    pdf = lay_out(LAYOUT / "A_RES_80_10.txt", tmp_path / "A_RES_80_10-EN.pdf")
    result = run("parse", str(pdf), "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "a-res-80-10" in result.stdout and "A_RES_80_10-EN.pdf" in result.stdout


def _one_line_exit_2(path: Path, words: str) -> None:
    result = run("parse", str(path))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"error: {path}") and words in lines[0], lines[0]


def test_an_encrypted_pdf_is_refused_in_one_line(tmp_path):
    path = tmp_path / "locked.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4, encrypt="a password")
    sheet.drawString(50, 800, "1. Decides to remain seized of the matter.")
    sheet.save()
    with pytest.raises(InputError, match="encrypted"):
        read_source(path)
    _one_line_exit_2(path, "encrypted with a password")


def test_a_damaged_pdf_is_refused_in_one_line(tmp_path):
    whole = lay_out(LAYOUT / "A_RES_80_1.txt", tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "damaged.pdf"
    path.write_bytes(whole[:9] + b"\x00" * (len(whole) - 9))      # the header survives, the body is gone
    _one_line_exit_2(path, "cannot read the PDF")


def test_a_file_named_pdf_that_is_not_one_is_refused_in_one_line(tmp_path):
    path = tmp_path / "A_RES_80_1-EN.pdf"
    path.write_text("1. Decides to remain seized of the matter.\n", encoding="utf-8")
    _one_line_exit_2(path, "not a PDF")
    binary = tmp_path / "image.pdf"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _one_line_exit_2(binary, "not a PDF")


def test_a_pdf_without_text_is_refused_in_one_line(tmp_path):
    path = tmp_path / "scan.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4)
    sheet.rect(50, 50, 400, 700, fill=1)        # a page with a picture and no text layer, as a scan has
    sheet.save()
    _one_line_exit_2(path, "no text layer")


def test_analyse_reads_a_pdf_as_its_clean_copy(tmp_path):
    from crimecongress.analyse import analyse

    pdf = lay_out(LAYOUT / "A_RES_80_10.txt", tmp_path / "A_RES_80_10-EN.pdf")
    from_pdf = analyse(pdf, cache_dir=tmp_path / "cache")
    clean = analyse(CLEAN / "A_RES_80_10.md", cache_dir=tmp_path / "cache")
    assert from_pdf.slug == clean.slug == "a-res-80-10"
    assert [(p.label, p.text, p.themes, p.instruments, p.sdgs, p.continues) for p in from_pdf.paragraphs] == \
        [(p.label, p.text, p.themes, p.instruments, p.sdgs, p.continues) for p in clean.paragraphs]
    assert "cedaw" in {t.slug for p in from_pdf.paragraphs for t in p.instruments}
