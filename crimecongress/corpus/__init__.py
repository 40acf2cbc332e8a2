"""The parse stage: source texts to the paragraph model (crimecongress.model). Knows nothing of RDF."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import InvalidDocument
from ..ids import DEFAULT, Minter
from ..model import Corpus, Document, ParsedSource
from .catalogue import Catalogue, FileEntry, load_catalogue
from .source import SourceText, read_source

SOURCES_DIR = Path(__file__).resolve().parents[2] / "sources"
CATALOGUE_FILE = "catalogue.yaml"


def parse_file(path: str | Path, *, catalogue: Catalogue | None = None, minter: Minter = DEFAULT,
               title: str | None = None, slug: str | None = None) -> ParsedSource:
    """Parse one source file. A catalogued file (matched by name and sha256) uses its catalogue entry;
    any other file is read as a new declaration in the usual UN layout, titled by `title`/`slug`."""
    from . import declaration, mapping, report

    source = read_source(path)
    entry = catalogue.file(source.file) if catalogue else None
    if entry is not None and entry.sha256 != source.sha256:
        entry = None  # same name, other bytes: not the catalogued text, so read it as a new declaration
    if entry is None:
        return declaration.parse_new_declaration(source, minter=minter, title=title, slug=slug)
    if entry.layout == "un-resolution":
        return _parse_un_resolution(source, entry, catalogue, minter)
    layout = {"declaration": declaration.parse_catalogued,
              "congress-report": report.parse_catalogued,
              "rpm-mapping": mapping.parse_catalogued}[entry.layout]
    return layout(source, entry, catalogue, minter)


def _parse_un_resolution(source: SourceText, entry: FileEntry, catalogue: Catalogue, minter: Minter) -> ParsedSource:
    """A catalogued UN resolution (header block, title line "80/5. Title"), read as `add` read it: by the
    new-text parser, strict, named by its first placement. The text must give exactly the documents the entry
    places, in order (the resolution, then each annex), at the lines it gives; each keeps its catalogue title
    and manifestation label."""
    from .declaration import parse_new_declaration

    first = entry.documents[0]
    parsed = parse_new_declaration(source, minter=minter, title=catalogue.facts(first.slug).title,
                                   slug=first.slug)
    listed = [(p.slug, p.first, p.last) for p in entry.documents]
    found = [(d.slug, d.manifestations[0].first, d.manifestations[0].last) for d in parsed.documents]
    if parsed.documents[0].kind != "resolution" or found != listed:
        what = _placed(found) if parsed.documents[0].kind == "resolution" else \
            "no UN resolution (no header block with a \"NN/NN. Title\" line)"
        raise InvalidDocument(f"the catalogue places {_placed(listed)} in this file of layout un-resolution, "
                              f"but the text gives {what}", file=source.file,
                              hint="list in sources/catalogue.yaml the documents and lines the text gives "
                                   "(`crimecongress add` writes them)")
    documents = tuple(replace(d, title=catalogue.facts(p.slug).title,
                              manifestations=(replace(d.manifestations[0], label=p.manifestation),))
                      for d, p in zip(parsed.documents, entry.documents))
    return replace(parsed, documents=documents)


def _placed(documents: list[tuple[str, int, int]]) -> str:
    return ", ".join(f"{slug} (lines {first}-{last})" for slug, first, last in documents)


def load_corpus(sources_dir: str | Path = SOURCES_DIR, *, minter: Minter = DEFAULT) -> Corpus:
    """Parse every catalogued source and merge the manifestations of each document into one Document."""
    sources_dir = Path(sources_dir)
    catalogue = load_catalogue(sources_dir / CATALOGUE_FILE)
    parsed = tuple(parse_file(sources_dir / entry.file, catalogue=catalogue, minter=minter)
                   for entry in catalogue.files)
    by_slug: dict[str, list[Document]] = {}
    for source in parsed:
        for document in source.documents:
            by_slug.setdefault(document.slug, []).append(document)
    order = [facts.slug for facts in catalogue.documents]
    merged = tuple(merge_manifestations(by_slug[slug]) for slug in order if slug in by_slug)
    return Corpus(documents=merged, sources=parsed)


def manifestation_differences(first: Document, other: Document) -> list[str]:
    """Unit-by-unit differences between two copies of one document (empty when identical)."""
    differences = []
    left = {u.iri: u for u in first.units}
    right = {u.iri: u for u in other.units}
    for iri in sorted(left.keys() - right.keys()):
        differences.append(f"{iri}: only in {first.manifestations[0].file}")
    for iri in sorted(right.keys() - left.keys()):
        differences.append(f"{iri}: only in {other.manifestations[0].file}")
    for iri in [u.iri for u in first.units if u.iri in right]:
        a, b = left[iri], right[iri]
        for name in ("kind", "number", "text", "parent", "position", "footnotes", "heading", "level"):
            if getattr(a, name) != getattr(b, name):
                differences.append(f"{iri}: {name} differs: {getattr(a, name)!r} against {getattr(b, name)!r}")
    return differences


def merge_manifestations(copies: list[Document]) -> Document:
    """One document from its copies: the first copy's units, each carrying the other copies' source spans.

    The copies must be identical unit by unit; any difference is an error that lists them."""
    primary = copies[0]
    if len(copies) == 1:
        return primary
    units = list(primary.units)
    manifestations = list(primary.manifestations)
    for other in copies[1:]:
        differences = manifestation_differences(primary, other)
        if differences:
            raise InvalidDocument(
                f"the copies of {primary.slug} differ in {len(differences)} places; first: {differences[0]}",
                file=other.manifestations[0].file, line=other.manifestations[0].first)
        spans = {u.iri: u.source for u in other.units}
        units = [replace(u, also=u.also + (spans[u.iri],)) for u in units]
        manifestations.extend(other.manifestations)
    return replace(primary, units=tuple(units), manifestations=tuple(manifestations))
