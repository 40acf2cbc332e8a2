"""The draft pipeline, beside the build: declaration texts that are not in the corpus read, parsed leniently
and emitted as RDF (text_graphs), so that `crimecongress validate` (validate_paths) and `analyse` check a
draft with the same shapes as the dataset. Nothing is written.

The one place that crosses the stages: it calls corpus/ (parse), rdf/emit.py (emit) and validation/
(check). A repeated number becomes one finding on its line (NumberRepeated); a file that cannot be read
becomes one finding when several are checked. It does not tag, link or write a build.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

import pyoxigraph as ox

from .errors import CrimeCongressError
from .ids import DEFAULT_BASE
from .validation import Data, Finding, Report, validate_data
from .validation.loading import read_checked_rdf


TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".pdf")


def _safe_name(path: Path) -> str:
    """The file name under which a new text is published (the IRI of a source file needs a plain stem)."""
    from .ids import slugify
    stem = slugify(path.stem) or "draft"
    return f"{stem}{path.suffix.lower()}"


def _parse_new(source, *, minter, title, slug):
    """Parse a text that is not in the catalogue leniently: a drafter wants every finding, not the first
    numbering error."""
    from .corpus.declaration import parse_new_declaration
    return parse_new_declaration(source, minter=minter, title=title, slug=slug, strict=False)


def read_draft(path: Path, *, minter, title: str | None, slug: str | None, name: str | None = None):
    """A text that is not in the catalogue, read and parsed leniently; errors name the file as the user gave
    it. `name` is the published file name (default: the path's, made plain)."""
    from .corpus.source import read_source
    source = read_source(path, name=name or _safe_name(path))
    try:
        return _parse_new(source, minter=minter, title=title, slug=slug)
    except CrimeCongressError as error:
        if error.file == source.file:
            error.file = str(path)
        raise


def new_text_documents(parsed, minter) -> tuple[tuple, tuple[Finding, ...]]:
    """A new text's documents with each repeated number read as the one it should be, and one finding per
    repeat (where it repeats, naming the first)."""
    documents, findings = [], []
    for document in parsed.documents:
        document, repeats = _repeated(document, minter)
        documents.append(document)
        findings.extend(repeats)
    return tuple(documents), tuple(findings)


@dataclass(frozen=True)
class TextGraphs:
    """Declaration texts as RDF: one graph (a list of pyoxigraph Triples) per document, {published file name:
    path as given}, and the findings made while reading (a file that could not be read, a draft renamed to
    keep it apart)."""

    graphs: tuple[list[ox.Triple], ...]
    files: Mapping[str, str]
    findings: tuple[Finding, ...] = ()
    refused: tuple[str, ...] = ()   # the paths that could not be read or parsed


def _refused(path: Path, error: CrimeCongressError) -> Finding:
    """A file that could not be read, as one finding on that file (the other files are still checked)."""
    message = error.message + (f" ({error.hint})" if error.hint else "")
    return Finding(focus=str(path), rule=type(error).__name__, severity="Violation", message=message,
                   label=str(path), file=str(path), line=error.line)


_WHAT = {"paragraph": "the number", "subparagraph": "the letter", "item": "the numeral"}


def _printed(unit, number: str) -> str:
    """A number as the text prints it at the unit's level: "12", "(b)", "(ii)"."""
    return number if unit.kind.value == "paragraph" else f"({number})"


def _successor(number: str | None) -> str | None:
    """The number or letter printed after `number` ("11" -> "12", "b" -> "c"), None when there is no rule."""
    if number is None:
        return None
    if number.isdigit():
        return str(int(number) + 1)
    if len(number) == 1 and "a" <= number < "z":
        return chr(ord(number) + 1)
    return None


def _repeated(document, minter) -> tuple:
    """A lenient parse gives a number printed twice the IRI of its first occurrence: one finding for each
    repeat, on its own line, naming the first occurrence's line, and a document the shapes can check
    without seeing the same fault again. A repeat that stands where the next number belongs (11, 11, 13,
    or a list's last) is read as that number (12), so that no gap is reported after it; any other repeat
    (11, 11, 12) is left out. Its subparagraphs, items and follow-on paragraphs go with it."""
    from .corpus.catalogue import short_title
    from .rdf.emit import citation_label
    short = short_title(document)
    first: dict[str, object] = {}
    moved: dict[str, str] = {}              # renumbered units and everything below them: old IRI -> new IRI
    dropped: set[str] = set()
    last: dict[tuple, str] = {}             # (parent, kind) -> the number of the last unit kept there
    kept, findings = [], []
    for index, unit in enumerate(document.units):
        if unit.parent in dropped:
            dropped.add(unit.iri)
            continue
        if unit.parent in moved:
            new = minter.moved(unit.iri, unit.parent, moved[unit.parent])
            moved[unit.iri] = new
            unit = replace(unit, iri=new, parent=moved[unit.parent])
        elif unit.iri in first and unit.number is not None:
            original = first[unit.iri]
            expected = _successor(last.get((unit.parent, unit.kind)))
            following = next((u.number for u in document.units[index + 1:]
                              if u.parent == unit.parent and u.kind is unit.kind and u.number), None)
            renumbered = expected is not None and following in (None, _successor(expected)) \
                and minter.renumbered(unit.iri, expected) not in first
            label = citation_label(short, document.iri, original)
            fix = f"this one should be {_printed(unit, expected)}" if renumbered \
                else "renumber this one and the ones after it"
            findings.append(Finding(
                focus=unit.iri, rule="NumberRepeated", severity="Violation",
                message=f"{_WHAT.get(unit.kind.value, 'the number')} {_printed(unit, unit.number)} is printed again "
                        f"({label} is at line {original.source.first}): {fix}",
                document=document.iri, position=unit.position, label=label, file=unit.source.file,
                line=unit.source.first))
            if not renumbered:
                dropped.add(unit.iri)
                continue
            new = minter.renumbered(unit.iri, expected)
            moved[unit.iri] = new
            unit = replace(unit, iri=new, number=expected)
        first[unit.iri] = unit
        kept.append(unit)
        if unit.number is not None:
            last[(unit.parent, unit.kind)] = unit.number
    return (replace(document, units=tuple(kept)) if findings else document), findings


def text_graphs(paths: Sequence[Path], *, base: str = DEFAULT_BASE, title: str | None = None,
                slug: str | None = None, keep_going: bool = False) -> TextGraphs:
    """Declaration texts as RDF, each file read on its own: the catalogued sources (matched by name and
    sha256) with their catalogue facts, any other text as a new document titled by `title`/`slug` (or its
    first line). Copies of one catalogued document in several files are merged; two new texts that get the
    same slug are two documents: the later one is renamed ("-2") and an Info finding says so.

    keep_going: a file that cannot be read or parsed becomes one finding (TextGraphs.refused) instead of
    raising, so that the other files are still checked."""
    from .corpus import CATALOGUE_FILE, SOURCES_DIR, merge_manifestations, parse_file
    from .corpus.catalogue import DocumentFacts, load_catalogue, new_text_facts
    from .corpus.source import read_source
    from .ids import Minter
    from .rdf.emit import document_graph

    minter = Minter(base)
    catalogue = load_catalogue(SOURCES_DIR / CATALOGUE_FILE)
    copies: dict[str, list] = {}
    facts: dict[str, DocumentFacts] = {}
    files: dict[str, str] = {}
    first_seen: dict[str, str] = {}          # slug of a new text -> the path it was read from
    findings: list[Finding] = []
    refused: list[str] = []
    for path in map(Path, paths):
        source = None
        try:
            source = read_source(path)
            entry = catalogue.file(source.file)
            if entry is not None and entry.sha256 == source.sha256:
                parsed = parse_file(path, catalogue=catalogue, minter=minter)
                for document in parsed.documents:
                    facts[document.slug] = catalogue.facts(document.slug)
            else:
                source = replace(source, file=_free_file_name(_safe_name(path), files))   # read once
                parsed = _parse_new(source, minter=minter, title=title, slug=slug)
                original, n = parsed.documents[0].slug, 1
                while any(document.slug in copies for document in parsed.documents):
                    # the same title (or --slug) as a text read before: a document of its own
                    n += 1
                    parsed = _parse_new(source, minter=minter, title=title, slug=f"{original}-{n}")
                if n > 1:
                    renamed = parsed.documents[0].slug
                    findings.append(Finding(
                        focus=parsed.documents[0].iri, rule="DistinctDocument", severity="Info",
                        message=f"{original} already names {first_seen[original]}: "
                                f"this text is checked on its own as {renamed} (give it its own --title or --slug)",
                        document=parsed.documents[0].iri, position=0, label=str(path), file=source.file,
                        line=parsed.documents[0].manifestations[0].first))
                unique, repeats = new_text_documents(parsed, minter)
                findings.extend(repeats)
                parsed = replace(parsed, documents=unique)
                for document in parsed.documents:
                    first_seen.setdefault(document.slug, str(path))
                    facts[document.slug] = new_text_facts(document)
        except CrimeCongressError as error:
            if error.file is None or (source is not None and error.file == source.file):
                error.file = str(path)           # name the file as the user gave it
            if not keep_going:
                raise
            findings.append(_refused(path, error))
            refused.append(str(path))
            continue
        files[source.file] = str(path)
        for document in parsed.documents:
            copies.setdefault(document.slug, []).append(document)
    graphs = []
    for name, found in copies.items():
        try:
            graphs.append(document_graph(merge_manifestations(found), facts[name], minter))
        except CrimeCongressError as error:     # catalogued copies that differ
            if not keep_going:
                raise
            findings.append(_refused(Path(files.get(error.file, error.file or name)), error))
            refused.append(files.get(error.file, error.file or name))
    return TextGraphs(tuple(graphs), files, tuple(findings), tuple(refused))


def _free_file_name(name: str, files: Mapping[str, str]) -> str:
    """A published file name whose stem no other text of this run has (the stem names the source's IRI):
    `a-res-80-5.txt` after `a-res-80-5.md` is `a-res-80-5-2.txt`."""
    stem, _, suffix = name.rpartition(".")
    stems = {f.rpartition(".")[0] for f in files}
    candidate, n = stem, 1
    while candidate in stems:
        n += 1
        candidate = f"{stem}-{n}"
    return f"{candidate}.{suffix}"


def validate_paths(paths: Sequence[str | Path], *, engine: str = "fast", base: str = DEFAULT_BASE,
                   rdf_format: str | None = None, title: str | None = None,
                   slug: str | None = None) -> tuple[Report, dict[str, str]]:
    """What `crimecongress validate` checks: declaration texts (.txt, .md: parsed and emitted first) and RDF
    files (by suffix, or all as `rdf_format`). Each text is its own document; the findings of all files make
    one report. Returns the report and {source file name in the report: path as given} for showing findings
    against the user's own paths.

    One file: a file that cannot be read raises InputError (one line, exit code 2). Several files: it becomes
    one finding on that file, the others are still checked, and Report.refused names it (exit code 2)."""
    paths = [Path(p) for p in paths]
    several = len(paths) > 1
    texts = [p for p in paths if rdf_format is None and p.suffix.lower() in TEXT_SUFFIXES]
    data = Data()
    findings: list[Finding] = []
    refused: list[str] = []
    for path in (p for p in paths if p not in texts):
        try:
            data.ntriples.append((str(path), read_checked_rdf(path, rdf_format, several)))
        except CrimeCongressError as error:
            if not several:
                raise
            findings.append(_refused(path, error))
            refused.append(str(path))
    files: dict[str, str] = {}
    if texts:
        read = text_graphs(texts, base=base, title=title, slug=slug, keep_going=several)
        data.graphs.extend(read.graphs)
        files = dict(read.files)
        findings.extend(read.findings)
        refused.extend(read.refused)
    report = validate_data(data, engine=engine, base=base)
    if findings:
        report = replace(report, findings=tuple(sorted(report.findings + tuple(findings), key=Finding.sort_key)),
                         refused=tuple(refused))
    return report, files


def validation_answer(paths: Sequence[str | Path], *, fmt: str = "text", engine: str = "fast",
                      base: str = DEFAULT_BASE, rdf_format: str | None = None, title: str | None = None,
                      slug: str | None = None) -> tuple[str, int]:
    """What `crimecongress validate` prints (the report as text, json or turtle) and its exit code: 0 conforms,
    1 does not conform, 2 a file was refused. The checks reuse what the cache holds (content-keyed)."""
    from . import cache
    from .errors import EXIT_ERROR, EXIT_INVALID, EXIT_OK
    from .validation import format_json, format_text, format_turtle

    with cache.using(cache.default()):
        report, files = validate_paths(paths, engine=engine, base=base, rdf_format=rdf_format, title=title,
                                       slug=slug)
    text = (format_json(report, files) if fmt == "json" else format_turtle(report) if fmt == "turtle"
            else format_text(report, files))
    return text, EXIT_ERROR if report.refused else EXIT_OK if report.conforms else EXIT_INVALID
