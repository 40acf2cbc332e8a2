"""Text cleaning shared by every layout: markup out, markers out (kept as references), whitespace collapsed.

Everything else (curly quotes, dashes, suspended hyphens, typos) is kept exactly as printed.
"""
from __future__ import annotations

import re

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")

_SUPERSCRIPT_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_SUP_TAG = re.compile(r"<sup>\s*(\d+)\s*</sup>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?(?:i|b|em|strong|sup|sub|u|span|br)\b[^>]*>", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]*)\]\(#?[^)]*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)([^*]+?)(?<!\s)\*(?![*\w])")
_HEADING_HASHES = re.compile(r"^\s{0,3}#{1,6}\s+")
_SPACES = re.compile(r"\s+")


def superscript_to_int(run: str) -> int:
    """'¹⁰' -> 10."""
    return int(run.translate(_TO_ASCII))


def collapse(text: str) -> str:
    """Collapse every run of whitespace (tabs, hard breaks) to one space and trim."""
    return _SPACES.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Remove Markdown emphasis, heading hashes, link artefacts `[x](#)` and inline HTML tags."""
    text = _HEADING_HASHES.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return text


def extract_markers(text: str) -> tuple[str, list[str]]:
    """Remove footnote markers (`<sup>N</sup>` and Unicode superscript runs) from text.

    Returns the text without markers and the marker numbers in reading order, as strings.
    """
    marks: list[str] = []

    def _sup(match: re.Match) -> str:
        marks.append(str(int(match.group(1))))
        return ""

    def _uni(match: re.Match) -> str:
        marks.append(str(superscript_to_int(match.group(0))))
        return ""

    # both kinds in reading order: replace with a placeholder pass over a combined pattern
    combined = re.compile(f"{_SUP_TAG.pattern}|[{SUPERSCRIPT_DIGITS}]+", re.IGNORECASE)

    def _any(match: re.Match) -> str:
        return _sup(match) if match.group(1) is not None else _uni(match)

    return combined.sub(_any, text), marks


def clean(text: str) -> tuple[str, list[str]]:
    """Clean text for publication: markers out (returned), markup out, whitespace collapsed."""
    without_markers, marks = extract_markers(text)
    return collapse(strip_markup(without_markers)), marks
