"""`crimecongress add`: a new declaration text, or a UN resolution with its header block, into sources/ and
sources/catalogue.yaml, so that the next `crimecongress build` publishes it like the others.

The text is parsed as a new declaration first; a UN resolution gives one document for itself and one for each
declaration it annexes, catalogued together with the layout `un-resolution` (read again by the same parser). It is
refused when it is already catalogued (same bytes), when a document slug it would get is taken, or when it does
not parse. Before anything is written, the corpus is loaded from a staged copy (the sources as they are, plus the
new file and catalogue) and the catalogued reading of each new document must give the units the new-text parser
gave: what `add` accepts, `build` reads the same way. Then the file and the catalogue are each written
atomically, the file first (a stop between the two leaves an unused file, never a catalogue that names a missing
one).
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .corpus import CATALOGUE_FILE, SOURCES_DIR, load_corpus
from .corpus.catalogue import load_catalogue, short_title
from .corpus.declaration import parse_new_declaration
from .corpus.pdf import is_pdf
from .corpus.source import SourceText, source_text
from .errors import CrimeCongressError, InputError, InvalidDocument
from .fileio import write_atomic
from .ids import DEFAULT, Minter, slug_year
from .limits import TEXT_BYTES, read_input
from .model import Document

_GA_SYMBOL = re.compile(r"^A/RES/(\d+/\d+)$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Added:
    file: str                   # its name under sources/
    sha256: str
    slug: str
    title: str
    units: int                  # of all its documents
    catalogue: Path
    slugs: tuple[str, ...]      # every document it holds: a resolution, then each annex


def _facts(document: Document, *, title: str | None, year: int | None, symbol: str | None,
           adopted_by: str | None, file: str) -> dict:
    title = title or document.title
    entry: dict = {"slug": document.slug, "kind": "declaration", "title": title,
                   "short_title": short_title(replace(document, title=title))}
    year = year or (int(document.date[:4]) if document.date else None)
    year = year or slug_year(document.slug)
    if year is None:
        raise InvalidDocument("no year: the text's header gives no date and its slug ends in no year", file=file,
                              hint="give --year")
    entry["year"] = year
    if adopted_by:
        if adopted_by.isdigit():
            entry["congress"] = int(adopted_by)
        elif _SLUG.match(adopted_by):
            entry["meeting"] = adopted_by
        else:
            raise InvalidDocument(f"--adopted-by {adopted_by!r} is neither a Congress number nor a meeting slug",
                                  file=file, hint="give e.g. --adopted-by 15, or a meeting slug of "
                                                  "mappings/congresses.yaml")
    symbol = symbol or document.symbol
    if symbol:
        match = _GA_SYMBOL.match(symbol)
        if match is None:
            raise InvalidDocument(f"the catalogue records the General Assembly resolution that endorsed a text "
                                  f"(A/RES/NN/NN), not {symbol!r}", file=file, hint="give --symbol A/RES/NN/NN")
        if not document.date:
            raise InvalidDocument("--symbol needs the resolution's date, and the text's header gives none",
                                  file=file, hint="add the text with its header, or without --symbol")
        entry["endorsed_by"] = {"symbol": symbol, "number": match.group(1), "date": document.date}
    return entry


def _resolution_facts(document: Document, *, year: int | None, file: str) -> dict:
    """The catalogue facts of a resolution or of a declaration it annexes, cited as the UN cites them
    ("A/RES/80/5", "A/RES/80/5, annex"); the year is the one of the header's date."""
    entry: dict = {"slug": document.slug, "kind": document.kind, "title": document.title,
                   "short_title": short_title(document)}
    year = year or (int(document.date[:4]) if document.date else None)
    if year is None:
        raise InvalidDocument("no year: the resolution's header gives no date", file=file, hint="give --year")
    entry["year"] = year
    return entry


def _entry_yaml(entry: dict) -> str:
    """One list item of the catalogue, in its style: two-space indent, nested lists and mappings inline."""
    text = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100000, default_flow_style=None)
    return "".join(f"  {line}\n" for line in text.splitlines())


def _catalogue_with(text: str, documents: list[dict], file_entry: dict) -> str:
    """The catalogue's text with the documents appended to `documents:` and the file to `files:`."""
    marker = "\nfiles:\n"
    if text.count(marker) != 1:
        raise InputError("cannot find where the catalogue's files list starts", file=CATALOGUE_FILE,
                         hint="keep the top-level keys `documents:` then `files:`")
    head, tail = text.split(marker)
    return head.rstrip("\n") + "\n" + "".join(map(_entry_yaml, documents)) + marker + tail.rstrip("\n") + \
        "\n" + _entry_yaml(file_entry)


def _skip_ranges(source: SourceText, first: int, last: int) -> list[dict]:
    """The non-blank lines outside the document's lines (a header before its title, a note after it)."""
    ranges: list[list[int]] = []
    for number, text in source.numbered():
        if text.strip() and not first <= number <= last:
            if ranges and ranges[-1][1] == number - 1:
                ranges[-1][1] = number
            else:
                ranges.append([number, number])
    return [{"lines": r, "reason": "outside the declaration"} for r in ranges]


def _first_difference(parsed: Document, catalogued: Document) -> str | None:
    ours = [(u.iri, u.kind, u.number, u.text) for u in parsed.units]
    theirs = [(u.iri, u.kind, u.number, u.text) for u in catalogued.units]
    for a, b in zip(ours, theirs):
        if a != b:
            return f"{a[0]} is read as {b[1].value} {b[2]!r}" if a[0] == b[0] else f"{a[0]} against {b[0]}"
    if len(ours) != len(theirs):
        return f"{len(ours)} units against {len(theirs)}"
    return None


def add_source(path: str | Path, *, sources_dir: str | Path = SOURCES_DIR, title: str | None = None,
               slug: str | None = None, year: int | None = None, symbol: str | None = None,
               adopted_by: str | None = None, minter: Minter = DEFAULT) -> Added:
    path, sources_dir = Path(path), Path(sources_dir)
    catalogue_path = sources_dir / CATALOGUE_FILE
    catalogue = load_catalogue(catalogue_path)
    given = read_input(path, TEXT_BYTES)
    source = source_text(given, path)
    # what is stored under sources/: the file's own bytes, or for a PDF its text layer as read
    data = ("\n".join(source.lines) + "\n").encode("utf-8") if is_pdf(given) else given
    sha = hashlib.sha256(data).hexdigest()
    for entry in catalogue.files:
        if entry.sha256 == sha:
            raise InvalidDocument(f"this text is already in the catalogue as {entry.file}", file=str(path),
                                  hint="nothing to add")
    name = f"{len(catalogue.files):03d}_{sha[:16]}.txt"
    try:
        stored = source_text(data, Path(name))          # as the build will read it
        parsed = parse_new_declaration(stored, minter=minter, title=title, slug=slug)
    except CrimeCongressError as error:
        if error.file == name:              # name the file as the user gave it
            error.file = str(path)
        raise
    documents = parsed.documents
    used = {facts.slug for facts in catalogue.documents}
    for document in documents:
        if document.slug in used:
            raise InvalidDocument(f"the slug {document.slug!r} is already used in the catalogue", file=str(path),
                                  hint="give another --slug")
    manifestation = f"submitted text ({path.name})"
    if documents[0].kind == "resolution":
        if symbol or adopted_by:
            raise InvalidDocument("a UN resolution's symbol and adoption are read from its header block",
                                  file=str(path), hint="add it without --symbol and --adopted-by")
        facts = [_resolution_facts(document, year=year, file=str(path)) for document in documents]
        # the parser reads the header block and the whole text; the catalogue places each document where it did
        file_entry = {"file": name, "sha256": sha, "description": f"{facts[0]['title']} (added from {path.name})",
                      "layout": "un-resolution",
                      "documents": [{"slug": d.slug, "lines": [d.manifestations[0].first, d.manifestations[0].last],
                                     "manifestation": manifestation} for d in documents]}
    else:
        document = documents[0]
        facts = [_facts(document, title=title, year=year, symbol=symbol, adopted_by=adopted_by, file=str(path))]
        # the catalogued reading starts at the printed title; lines before it (a symbol) are skipped
        starts = [s.line for s in parsed.skipped if s.reason == "document title"] or \
            [u.source.first for u in document.units]
        first, last = min(starts), document.manifestations[0].last
        file_entry = {"file": name, "sha256": sha, "description": f"{facts[0]['title']} (added from {path.name})",
                      "layout": "declaration",
                      "documents": [{"slug": document.slug, "lines": [first, last], "manifestation": manifestation}]}
        skip = _skip_ranges(stored, first, last)
        if skip:
            file_entry["skip"] = skip
    text = _catalogue_with(catalogue_path.read_text(encoding="utf-8"), facts, file_entry)
    _check_staged(sources_dir, name, data, text, documents, minter, str(path))
    write_atomic(sources_dir / name, data)
    write_atomic(catalogue_path, text.encode("utf-8"))
    return Added(name, sha, documents[0].slug, facts[0]["title"], sum(len(d.units) for d in documents),
                 catalogue_path, tuple(d.slug for d in documents))


def _check_staged(sources_dir: Path, name: str, data: bytes, catalogue_text: str, documents: tuple[Document, ...],
                  minter: Minter, shown: str) -> None:
    """Load the corpus from a staged copy with the new file and catalogue; each new document must read the same."""
    staging = Path(tempfile.mkdtemp(prefix="crimecongress-add-"))
    try:
        for entry in sources_dir.iterdir():
            if entry.is_file() and entry.name != CATALOGUE_FILE:
                (staging / entry.name).symlink_to(entry.resolve())
        (staging / name).write_bytes(data)
        (staging / CATALOGUE_FILE).write_text(catalogue_text, encoding="utf-8")
        try:
            corpus = load_corpus(staging, minter=minter)
        except CrimeCongressError as error:
            raise InvalidDocument(f"the catalogue could not read the added text: {error.message}", file=shown,
                                  line=error.line if error.file == name else None,
                                  hint="nothing was written") from None
        for document in documents:
            difference = _first_difference(document, corpus.document(document.slug))
            if difference is not None:
                raise InvalidDocument(f"the catalogue reads {document.slug} in this text differently ({difference})",
                                      file=shown, hint="nothing was written")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
