"""What each HTML page shows, looked up in the data: one frozen view per page kind, for the templates of
templates/pages/ to lay out (pages.py pairs them). No markup is made here: text stays text (the templates escape
it), links are `Link`s, and the few inline elements inside running prose are `Tag`s.

Links are root-relative under `mount` ("/" for the server): an IRI under the base IRI links to its path on this
site; any other IRI (SDG targets, UN documents) links out as it is.
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple, Union
from urllib.parse import unquote, urlencode, urlsplit

from markupsafe import Markup

from .. import ids
from . import discovery
from .data import DCAT, DCTERMS, ELI, OA, OWL, PROV, RDFS, SKOS, VOID, Dataset
from .rdf import RDF_TYPE, Blank, Lit, Term
from .resolver import Ambiguous, Unresolved
from .search import SearchIndex

LINKABLE = ("http://", "https://")       # the IRIs a page makes into links
LINEAGE = [  # predicate local name, label forwards, label backwards
    ("takenUpIn", "Taken up in", "Takes up"),
    ("continues", "Continues", "Continued by"),
    ("implements", "Implements", "Implemented by"),
]
PREDICATE_LABELS = {SKOS + "exactMatch": "exact match", SKOS + "closeMatch": "close match",
                    SKOS + "relatedMatch": "related match", SKOS + "broadMatch": "broader match",
                    SKOS + "narrowMatch": "narrower match", SKOS + "prefLabel": "preferred label",
                    SKOS + "altLabel": "also called", SKOS + "definition": "definition", SKOS + "broader": "broader",
                    SKOS + "narrower": "narrower", SKOS + "inScheme": "in scheme", SKOS + "notation": "notation",
                    RDFS + "label": "label", RDFS + "comment": "comment", RDFS + "subClassOf": "subclass of",
                    RDFS + "subPropertyOf": "subproperty of", RDFS + "domain": "domain", RDFS + "range": "range"}
MATCHES = tuple(SKOS + m for m in ("exactMatch", "closeMatch", "relatedMatch", "broadMatch", "narrowMatch"))
STRUCTURAL = {"document", "underHeading", "footnoteRef", "lists"}
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SPDX = "http://spdx.org/rdf/terms#"
ALSO = ("void.ttl", "context.jsonld", "ontology.ttl", "taxonomy.ttl", "authorities.ttl", "MANIFEST.sha256")


# --- the pieces of running text -------------------------------------------------------------------------------------
class Link(NamedTuple):
    """A link to a resource; `href` None: shown as text (an IRI of a scheme a page never links, e.g. javascript:).
    A named tuple, not a dataclass: a page makes hundreds."""
    href: str | None
    text: str
    cls: str | None = None
    title: str | None = None
    rel: str | None = None


class Tag(NamedTuple):
    """An inline element inside running text (a quote with its context, a <code>, a small note)."""
    name: str                 # one of TAGS (never from the data)
    content: tuple            # Inline
    cls: str | None = None
    title: str | None = None
    id: str | None = None


TAGS = {"span", "small", "code", "q", "mark", "strong", "ul", "li", "div", "sup"}
Piece = Union[str, Link, Tag]
Inline = tuple  # of Piece: text (escaped when laid out), links and tags


def joined(items, sep: str = ", ") -> Inline:
    """Pieces (or runs of pieces) with `sep` between them."""
    out: list = []
    for n, item in enumerate(items):
        if n:
            out.append(sep)
        out.extend(item if type(item) is tuple else (item,))     # a run (a plain tuple), or one piece
    return tuple(out)


def plural(word: str, n: int) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


# --- the frame and the pieces every page shares --------------------------------------------------------------------
@dataclass(frozen=True)
class Alternate:
    name: str
    media_type: str
    href: str


@dataclass(frozen=True)
class Frame:
    title: str
    crumbs: tuple[tuple[str | None, str], ...] = ()      # (href or None for the current page, text)
    alternates: tuple[Alternate, ...] = ()
    wide: bool = False
    script: bool = False                                   # the query page's query.js
    stylesheets: tuple[str, ...] = ()                      # more, before the scripts
    scripts: tuple[str, ...] = ()                          # more deferred scripts, before query.js
    json_ld: Markup | None = None                          # made safe for a <script> by discovery.script_json
    data: tuple[tuple[str, str], ...] = ()                 # data-* attributes of <body>


@dataclass(frozen=True)
class Formats:
    iri: str
    alternates: tuple[Alternate, ...]


@dataclass(frozen=True)
class PropertyRow:
    predicate: Inline
    values: tuple[Inline, ...]


@dataclass(frozen=True)
class Referrers:
    items: tuple[tuple[Link, str], ...]      # (the resource, the predicate's label)
    more: int                                # beyond those shown


@dataclass(frozen=True)
class Why:
    """Why a unit carries a tag: prose, then the machinery in a detail line."""
    text: tuple[Inline, ...]
    detail: tuple[Inline, ...]


@dataclass(frozen=True)
class Listed:
    """A unit in a list: its link, why it is there, and a snippet of its text."""
    link: Link
    why: Why | None
    snippet: str


@dataclass(frozen=True)
class DocGroup:
    link: Link | None                 # None: units without a document
    year: str | None
    units: tuple[Listed, ...]


@dataclass(frozen=True)
class CongressGroup:
    link: Link | None                 # None: "Other documents"
    documents: tuple[DocGroup, ...]


# --- page views ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    href: str
    name: str


@dataclass(frozen=True)
class TreeNode:
    link: Link
    every: int            # units with this theme or a narrower one
    own: int
    children: tuple["TreeNode", ...] | None


@dataclass(frozen=True)
class HomeRow:
    doc: Link
    title: str
    year: str
    congress: Link | None
    paragraphs: int
    units: int


@dataclass(frozen=True)
class HomeView:
    frame: Frame
    live: bool
    rows: tuple[HomeRow, ...]
    tree: tuple[TreeNode, ...] | None
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class DocumentsView:
    frame: Frame
    items: tuple[tuple[Link, str, str], ...]     # (document, year, title)


@dataclass(frozen=True)
class ThemeSchemeView:
    frame: Frame
    title: str
    tree: tuple[TreeNode, ...] | None
    formats: Formats | None


@dataclass(frozen=True)
class AuthorityRow:
    link: Link
    alt: str
    units: int
    footnotes: int | None             # instruments only


@dataclass(frozen=True)
class AuthorityListView:
    frame: Frame
    title: str
    what: str
    footnotes: bool
    rows: tuple[AuthorityRow, ...]
    formats: Formats | None


@dataclass(frozen=True)
class FootnoteMark:
    anchor: str           # the footnote's id on the page
    id: str | None        # the mark's own id, for the way back
    text: str


@dataclass(frozen=True)
class HeadingBlock:
    level: int
    anchor: str
    text: str
    href: str


@dataclass(frozen=True)
class UnitBlock:
    cls: str
    depth: int
    anchor: str
    number: Link | None
    text: str
    marks: tuple[FootnoteMark, ...]
    listed: Link | None
    href: str
    title: str
    chips: tuple[Link, ...]


@dataclass(frozen=True)
class Note:
    anchor: str
    link: Link
    text: str
    backs: tuple[tuple[str, str, str], ...]     # (href, title, text)


@dataclass(frozen=True)
class DocumentView:
    frame: Frame
    kind: str
    title: str
    iri: str
    meta: tuple[tuple[str, Inline], ...]
    toc: tuple[tuple[int, str, str], ...]       # (level, anchor, text), shown when more than two
    flow: tuple[HeadingBlock | UnitBlock, ...]
    notes: tuple[Note, ...]
    formats: Formats


@dataclass(frozen=True)
class UnitFootnote:
    id: str
    link: Link
    text: str
    identifies: tuple[Link, ...]


@dataclass(frozen=True)
class TagBlock:
    title: str
    items: tuple[tuple[Link, Why | None], ...]


@dataclass(frozen=True)
class LineageBlock:
    label: str
    items: tuple[tuple[Link, Inline, str], ...]     # (the other unit, score line, snippet)


@dataclass(frozen=True)
class Provenance:
    where: Inline
    lines: str
    detail: tuple[Link, ...]
    file: Link | None


@dataclass(frozen=True)
class UnitView:
    frame: Frame
    kind: str
    doc: Link | None
    year: str | None
    in_context: str | None
    title: str
    iri: str
    context: tuple[str, str, str] | None        # the enclosing unit: (href, label, text)
    number: str
    text: str
    marks: tuple[FootnoteMark, ...]
    subdivisions: tuple[tuple[str, str, str], ...]   # (href, label, text)
    footnotes: tuple[UnitFootnote, ...]
    referenced_by_units: tuple[tuple[Link, str], ...]   # a footnote's referrers, with a snippet
    identifies: tuple[Link, ...]
    lists: tuple[Link, str] | None
    listings: tuple[Link, ...]
    tags: tuple[TagBlock, ...]
    lineage: tuple[LineageBlock, ...]
    neighbours: tuple[Link | None, Link | None] | None
    provenance: tuple[Provenance, ...]
    referrers: Referrers | None
    formats: Formats


@dataclass(frozen=True)
class ThemeView:
    frame: Frame
    title: str
    iri: str
    other_labels: tuple[tuple[str, str], ...]       # (language, label)
    meta: tuple[tuple[str, Inline], ...]
    count: int
    groups: tuple[CongressGroup, ...]
    formats: Formats


@dataclass(frozen=True)
class Mention:
    link: Link
    before: str
    words: str | None     # None: no words found; `why` and the beginning of the text instead
    after: str
    why: Why | None
    ellipsis_before: bool
    ellipsis_after: bool


@dataclass(frozen=True)
class AuthorityDocGroup:
    link: Link | None
    title: str
    note: Inline
    units: tuple[Mention, ...]


@dataclass(frozen=True)
class AuthorityView:
    frame: Frame
    chip: str
    name: str
    iri: str
    facts: tuple[tuple[str, Inline], ...]
    count: str
    groups: tuple[AuthorityDocGroup, ...]
    footnotes: tuple[tuple[Link, str], ...]
    properties: tuple[PropertyRow, ...]
    referrers: Referrers | None
    formats: Formats


@dataclass(frozen=True)
class OntologyTerm:
    name: str
    label: str
    iri: str
    properties: tuple[PropertyRow, ...]


@dataclass(frozen=True)
class OntologyView:
    frame: Frame
    title: str
    iri: str
    properties: tuple[PropertyRow, ...]
    groups: tuple[tuple[str, tuple[OntologyTerm, ...]], ...]
    formats: Formats


@dataclass(frozen=True)
class Dump:
    href: str
    name: str
    media: str
    size: str
    digest: str


@dataclass(frozen=True)
class DatasetView:
    frame: Frame
    title: str
    iri: str
    description: str
    dumps: tuple[Dump, ...]
    also: tuple[tuple[str, str], ...]                   # (href, name)
    per_document: tuple[tuple[Link, tuple[tuple[str, str], ...]], ...]   # (document, ((href, format name), ...))
    properties: tuple[PropertyRow, ...]
    formats: Formats


@dataclass(frozen=True)
class Part:
    id: str
    link: Link
    properties: tuple[PropertyRow, ...]


@dataclass(frozen=True)
class GenericView:
    frame: Frame
    kind: str
    title: str
    iri: str
    properties: tuple[PropertyRow, ...]
    parts: tuple[Part, ...]
    referrers: Referrers | None
    formats: Formats


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Hit:
    link: Link
    year: str | None
    marked: Markup            # the search index's snippet: escaped text, the matched words in <mark>


@dataclass(frozen=True)
class SearchView:
    frame: Frame
    q: str
    documents: tuple[Option, ...]
    themes: tuple[Option, ...]
    searched: bool
    total: int
    partial: bool
    hits: tuple[Hit, ...]
    page: int
    pages: int
    previous: str | None
    next: str | None


@dataclass(frozen=True)
class ChoicesView:
    frame: Frame
    cite: str
    reason: str
    candidates: tuple[tuple[Link, str, str], ...]     # (link, IRI, snippet)


@dataclass(frozen=True)
class UnresolvedView:
    frame: Frame
    cite: str
    message: str
    suggestions: tuple[Link, ...]


@dataclass(frozen=True)
class Example:
    name: str          # file stem
    title: str         # first comment line
    description: str   # the other leading comment lines
    query: str


@dataclass(frozen=True)
class QueryExample:
    n: int
    example: Example
    results: str           # the endpoint's results page for it


@dataclass(frozen=True)
class QueryView:
    frame: Frame
    endpoint: str
    editor: bool           # YASGUI is there
    first: str
    examples: tuple[QueryExample, ...]


@dataclass(frozen=True)
class ResultCell:
    link: Link | None      # an IRI, as a prefixed name
    text: str
    lang: str | None


@dataclass(frozen=True)
class SparqlResultsView:
    frame: Frame
    query: str
    endpoint: str
    answer: bool | None            # ASK
    variables: tuple[str, ...]
    rows: tuple[tuple[ResultCell | None, ...], ...]


@dataclass(frozen=True)
class ErrorView:
    frame: Frame
    title: str
    message: str


@dataclass(frozen=True)
class ResolveView:
    frame: Frame


# --- the lookups -----------------------------------------------------------------------------------------------------
@dataclass
class Views:
    """The lookups of every page, one method a page kind. Not frozen: the app sets what it learns after loading
    the data (the build's files, the figures' titles) and the static site turns `live` off."""
    d: Dataset
    search_index: SearchIndex
    examples: list[Example]
    mount: str
    endpoint: str
    yasgui: object = None                       # assets.yasgui(): the query page's editor, when fetched
    downloads: set[str] = field(default_factory=set)     # URL paths of the build's files (set by the app)
    live: bool = True                           # False: no search, no resolver, no annotation links
    figure_titles: dict[str, str] = field(default_factory=dict)   # figure URL path -> its <title>

    # links ------------------------------------------------------------------------------------------------------
    def href(self, iri: str) -> str:
        m = self.d.minter
        return self.mount + m.relative(iri) if m.is_own(iri) else iri

    def a(self, iri: Term, text: str | None = None, cls: str | None = None) -> Link | str:
        """A link to `iri` (a blank node or a literal: its text alone)."""
        text = text if text is not None else self.d.label(iri)
        if not isinstance(iri, str):
            return text or self.d.label(iri)
        if not iri.lower().startswith(LINKABLE) and not self.d.minter.is_own(iri):
            # javascript:, data: and the like (a query can return any IRI) are shown, never made links
            return Link(None, text, cls)
        return Link(self.href(iri), text, cls)

    def anchor(self, doc: str, unit: str) -> str:
        """The id of a unit's block on its document's page: "para-5-d"."""
        slug = self.d.minter.parse(doc).document
        parts = self.d.minter.parse(unit)
        if parts and parts.kind == "unit" and parts.document == slug:
            return parts.unit_path.replace("/", "-")
        return "u"

    def frame(self, title: str, crumbs=(), alternates=(), **more) -> Frame:
        return Frame(title, ((self.mount, "Home"),) + tuple(crumbs), alternates_of(alternates), **more)

    def formats(self, iri: str, alternates) -> Formats:
        return Formats(iri, alternates_of(alternates))

    def snippet(self, unit: str, length: int = 160) -> str:
        text = self.d.text(unit, self.d.term("text")) or ""
        return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"

    # home and lists ---------------------------------------------------------------------------------------------
    def home(self) -> HomeView:
        d = self.d
        rows = []
        for doc in d.documents:
            units = d.units_of.get(doc, [])
            paras = sum(1 for u in units if d.unit_kind(u) in ("Paragraph", "PreambleParagraph"))
            congress = d.congress_of(doc)
            rows.append(HomeRow(self.a(doc), d.text(doc, DCTERMS + "title") or "", d.year(doc) or "",
                                self.a(congress) if congress else None, paras, len(units)))
        return HomeView(Frame("Home"), self.live, tuple(rows), self.theme_tree(), self.figures())

    def figures(self) -> tuple[Figure, ...]:
        """The build's figures (figures/*.svg), shown as images: an SVG in <img> runs no script."""
        shown = []
        for path in sorted(p for p in self.downloads if p.startswith("/dataset/figures/") and p.endswith(".svg")):
            name = self.figure_titles.get(path) or path.rsplit("/", 1)[-1][:-4].replace("-", " ").capitalize()
            shown.append(Figure(self.mount + path[1:], name))
        return tuple(shown)

    def documents_page(self) -> DocumentsView:
        d = self.d
        items = tuple((self.a(doc), d.year(doc) or "", d.text(doc, DCTERMS + "title") or "") for doc in d.documents)
        return DocumentsView(self.frame("Documents", [(None, "Documents")]), items)

    def theme_counts(self) -> dict[str, tuple[int, int]]:
        """Theme -> (units tagged with it, units tagged with it or with a theme below it)."""
        p = self.d.term("theme")
        direct = {t: {s for s in self.d.subjects_with(p, t)} for t in self.d.themes}
        totals: dict[str, set] = {}

        def total(theme: str, seen: frozenset) -> set:
            if theme in totals:
                return totals[theme]
            found = set(direct.get(theme, ()))
            for n in self.d.narrower(theme):
                if n not in seen:
                    found |= total(n, seen | {theme})
            totals[theme] = found
            return found

        return {t: (len(direct[t]), len(total(t, frozenset()))) for t in self.d.themes}

    def theme_tree(self) -> tuple[TreeNode, ...] | None:
        """The top themes, each with its narrower ones; None when the build has no themes."""
        if not self.d.themes:
            return None
        counts = self.theme_counts()

        def branch(concepts: list[str], seen: frozenset) -> tuple[TreeNode, ...]:
            nodes = []
            for c in concepts:
                if c in seen:
                    continue
                kids = self.d.narrower(c)
                own, every = counts.get(c, (0, 0))
                nodes.append(TreeNode(self.a(c), every, own, branch(kids, seen | {c}) if kids else None))
            return tuple(nodes)

        return branch(self.d.top_themes, frozenset())

    def theme_scheme(self, iri: str | None, alternates) -> ThemeSchemeView:
        d = self.d
        title = d.label(iri) if iri and d.knows(iri) else "Themes"
        if title == "theme":
            title = "Themes"
        formats = self.formats(iri, alternates) if iri and alternates else None
        return ThemeSchemeView(self.frame(title, [(None, "Themes")], alternates), title, self.theme_tree(), formats)

    def authority_list(self, kind: str, iri: str | None, alternates) -> AuthorityListView:
        d = self.d
        predicate = d.term(kind)
        title = {"instrument": "Instruments", "actor": "Actors"}[kind]
        rows = []
        for item in d.authority(kind):
            if item == iri:
                continue
            alt = ", ".join(o.value for o in d.values(item, SKOS + "altLabel") if isinstance(o, Lit))
            notes = len(d.subjects_with(d.term("identifies"), item)) if kind == "instrument" else None
            rows.append(AuthorityRow(self.a(item), alt, len(d.subjects_with(predicate, item)), notes))
        what = "Instruments the texts cite" if kind == "instrument" else "Actors the texts name"
        formats = self.formats(iri, alternates) if iri and alternates else None
        return AuthorityListView(self.frame(title, [(None, title)], alternates), title, what, kind == "instrument",
                                 tuple(rows), formats)

    # a document in reading order --------------------------------------------------------------------------------
    def document(self, doc: str, alternates) -> DocumentView:
        d = self.d
        t = d.term
        title = d.text(doc, DCTERMS + "title") or d.label(doc)
        units = d.units_of.get(doc, [])
        footnotes = [u for u in units if d.unit_kind(u) == "Footnote"]
        anchors = {u: self.anchor(doc, u) for u in units}
        referrers: dict[str, list[str]] = {}
        for u in units:
            for fn in d.values(u, t("footnoteRef")):
                referrers.setdefault(fn, []).append(u)
        theme_p = t("theme")
        flow, toc = [], []
        for u in units:
            kind = d.unit_kind(u)
            if kind == "Footnote":
                continue
            anchor = anchors[u]
            text = d.text(u, t("text")) or ""
            href = self.href(u)
            if kind == "Heading":
                level = int(d.text(u, t("headingLevel")) or 1)
                flow.append(HeadingBlock(level, anchor, text, href))
                toc.append((level, anchor, text))
                continue
            depth = {"Subparagraph": 1, "Item": 2}.get(kind or "", 0)
            if kind == "Subparagraph" and d.unit_kind(d.value(u, ELI + "is_part_of") or "") == "Subparagraph":
                depth = 2
            number = d.text(u, ELI + "number")
            label = None
            if kind == "Paragraph" and number:
                label = Link(href, f"{number}.", "num")
            elif kind in ("Subparagraph", "Item") and number:
                label = Link(href, f"({number})", "num")
            elif kind == "MappingEntry":
                label = Link(href, d.text(u, t("printedCode")) or "", "num")
            marks = []
            for fn in sorted((x for x in d.values(u, t("footnoteRef")) if isinstance(x, str)), key=d.position):
                fa = anchors.get(fn) or self.anchor(doc, fn)
                marks.append(FootnoteMark(fa, f"ref-{anchor}-{fa}", d.text(fn, ELI + "number") or ids.last_segment(fn)))
            listed = d.value(u, t("lists"))
            chips = tuple(Link(self.href(th), d.label(th), "chip") for th in d.values(u, theme_p) if isinstance(th, str))
            cls = {"Formula": "formula", "PreambleParagraph": "preamble"}.get(kind or "", "para")
            flow.append(UnitBlock(cls, depth, anchor, label, text, tuple(marks),
                                  self.a(listed) if isinstance(listed, str) else None, href, d.label(u), chips))
        notes = []
        for fn in footnotes:
            anchor = anchors[fn]
            backs = tuple((f"#ref-{anchors[r]}-{anchor}", f"Back to {d.label(r)}", f"↩ {d.short_label(r)}")
                          for r in referrers.get(fn, []))
            notes.append(Note(anchor, Link(self.href(fn), d.text(fn, ELI + "number") or "", "num"),
                              d.text(fn, t("text")) or "", backs))
        return DocumentView(
            self.frame(d.label(doc), [(self.mount + "doc", "Documents"), (None, d.label(doc))], alternates),
            class_label(d.document_kind(doc) or "Document"), title, doc, self.document_meta(doc),
            tuple(toc) if len(toc) > 2 else (), tuple(flow), tuple(notes), self.formats(doc, alternates))

    def document_meta(self, doc: str) -> tuple[tuple[str, Inline], ...]:
        d = self.d
        t = d.term
        rows: list[tuple[str, Inline]] = [("Short title", (d.text(doc, t("shortTitle")) or d.label(doc),))]
        if d.year(doc):
            rows.append(("Year", (d.year(doc),)))
        for place in d.values(doc, t("adoptedAt")):
            rows.append(("Adopted at", (self.a(place),)))
        for resolution, symbol in d.endorsements(doc):
            date = d.text(resolution, DCTERMS + "date") or ""
            rows.append(("Endorsed by", (Link(resolution, d.label(resolution)), " ",
                                         Tag("span", (f"({symbol}{', ' + date if date else ''})",), "small"))))
        for target in d.values(doc, t("implements")):
            rows.append(("Implements", (self.a(target),)))
        for source in d.subjects_with(t("implements"), doc):
            if isinstance(source, str) and d.document_kind(source):
                rows.append(("Implemented by", (self.a(source),)))
        for man in sorted(x for x in d.values(doc, t("manifestation")) if isinstance(x, str)):
            src = d.value(man, t("sourceFile"))
            lines = f"lines {d.text(man, t('firstLine'))}–{d.text(man, t('lastLine'))}"
            rows.append(("Printed in", (d.label(man), " ", Tag("span", (
                "(", self.a(src) if src else "", f", {lines})"), "small"))))
        kinds: dict[str, int] = {}
        for u in d.units_of.get(doc, []):
            kinds[d.unit_kind(u) or "?"] = kinds.get(d.unit_kind(u) or "?", 0) + 1
        rows.append(("Units", (", ".join(f"{n} {plural(class_label(k).lower(), n)}" for k, n in sorted(kinds.items())),)))
        return tuple(rows)

    # a paragraph (or any unit) ----------------------------------------------------------------------------------
    def unit(self, u: str, alternates) -> UnitView:
        d = self.d
        t = d.term
        doc = d.document_of(u)
        kind = d.unit_kind(u) or "Unit"
        crumbs: list[tuple[str | None, str]] = []
        if doc:
            crumbs.append((self.href(doc), d.label(doc)))
        for h in d.heading_chain(u):
            if h != u:
                crumbs.append((self.href(h), d.short_label(h)))
        for p in d.parent_chain(u):
            crumbs.append((self.href(p), d.short_label(p)))
        crumbs.append((None, d.short_label(u)))
        number = d.text(u, ELI + "number")
        num = ""
        if kind == "Paragraph" and number:
            num = f"{number}."
        elif kind in ("Subparagraph", "Item") and number:
            num = f"({number})"
        fn_refs = sorted((fn for fn in d.values(u, t("footnoteRef")) if isinstance(fn, str)), key=d.position)
        marks = tuple(FootnoteMark(f"fn-{ids.last_segment(fn)}", None,
                                   d.text(fn, ELI + "number") or ids.last_segment(fn)) for fn in fn_refs)
        context = None
        chain = d.parent_chain(u)
        if chain:
            parent = chain[-1]
            pnum = d.text(parent, ELI + "number")
            plabel = f"{pnum}." if d.unit_kind(parent) == "Paragraph" and pnum else (
                f"({pnum})" if pnum else d.short_label(parent))
            context = (self.href(parent), plabel, d.text(parent, t("text")) or "")
        subdivisions = tuple((self.href(k), d.short_label(k), d.text(k, t("text")) or "")
                             for k in d.children.get(u, []))
        footnotes = tuple(UnitFootnote(f"fn-{ids.last_segment(fn)}", Link(self.href(fn), d.text(fn, ELI + "number") or "",
                                                                          "num"),
                                       d.text(fn, t("text")) or "", self.identified(fn)) for fn in fn_refs)
        referenced, identifies = (), ()
        if kind == "Footnote":
            referenced = tuple((self.a(r), self.snippet(r)) for r in d.subjects_with(t("footnoteRef"), u)
                               if isinstance(r, str))
            identifies = self.identified(u)
        listed = d.value(u, t("lists"))
        lists = (self.a(listed), self.snippet(listed, 400)) if isinstance(listed, str) else None
        listings = tuple(self.a(s) for s in d.subjects_with(t("lists"), u) if isinstance(s, str))
        skip = {t(n) for n in STRUCTURAL} | {ELI + "is_part_of"} | {t(n) for n, _, _ in LINEAGE} | set(
            d.tag_predicates.values())
        return UnitView(
            self.frame(d.label(u), crumbs, alternates), class_label(kind), self.a(doc) if doc else None,
            d.year(doc) if doc else None, f"{self.href(doc)}#{self.anchor(doc, u)}" if doc else None,
            d.label(u), u, context, num, d.text(u, t("text")) or "", marks, subdivisions, footnotes, referenced,
            identifies, lists, listings, self.tags(u), self.lineage(u), self.neighbours(u), self.provenance(u),
            self.referenced_by(u, skip), self.formats(u, alternates))

    def identified(self, footnote: str) -> tuple[Link, ...]:
        return tuple(self.a(i) for i in self.d.values(footnote, self.d.term("identifies")) if isinstance(i, str))

    def tags(self, u: str) -> tuple[TagBlock, ...]:
        d = self.d
        titles = {"theme": "Themes", "inferred": "Themes inferred (from a heading, a narrower theme, its items or its "
                  "document)", "instrument": "Instruments", "actor": "Actors", "sdg": "SDG targets"}
        blocks = []
        for kind, predicate in d.tag_predicates.items():
            values = [v for v in d.values(u, predicate) if isinstance(v, str)]
            if not values:
                continue
            items = []
            for v in sorted(values, key=lambda x: d.label(x).lower()):
                if kind == "sdg":
                    label = d.label(v)
                    text = f"{ids.last_segment(v)} {label}" if not label.startswith("SDG") else label
                    link = Link(v, text, rel="external")
                else:
                    link = self.a(v)
                items.append((link, self.why(d.evidence(u, v), v)))
            blocks.append(TagBlock(titles[kind], tuple(items)))
        return tuple(blocks)

    # evidence in words ------------------------------------------------------------------------------------------
    def quoted(self, quotes, limit: int = 6) -> Inline:
        """ "‘corruption’, ‘bribery’", each with its context as a tooltip."""
        shown = [Tag("q", (q.exact,), title=f"…{q.prefix}[{q.exact}]{q.suffix}…" if q.prefix or q.suffix else q.exact)
                 for q in quotes[:limit]]
        return joined(shown) + ((" …",) if len(quotes) > limit else ())

    def read_in(self, quotes) -> Inline:
        """ "read in the words ‘x’, ‘y’ in (d)": the words grouped by the unit they were read in."""
        by_source: "OrderedDict[str | None, list]" = OrderedDict()
        for q in quotes:
            by_source.setdefault(q.source, []).append(q)
        parts = []
        for source, group in by_source.items():
            where = (" in ", self.a(source, self.d.short_label(source))) if source else ()
            parts.append(self.quoted(group) + where)
        if not parts:
            return ()
        noun = "word" if len(quotes) == 1 and " " not in quotes[0].exact else "words"
        return (f"read in the {noun} ",) + joined(parts, "; ")

    def what_it_says(self, iri: str | None) -> Inline:
        """An origin tag's body as a clause: "names the Convention", "is about Corruption"."""
        if not iri:
            return ()
        m = self.d.minter
        if m.is_member(iri, "instrument") or m.is_member(iri, "actor"):
            label = self.d.label(iri)
            return (f"names {'' if label.lower().startswith('the ') else 'the '}", self.a(iri))
        if m.is_member(iri, "theme"):
            return ("is about ", self.a(iri))
        return ("concerns ", self.a(iri))

    def why(self, evidence, value: str | None = None) -> Why | None:
        """Why a unit carries a tag, in words a reader follows ("read in the words ‘corruption’"; "names the United
        Nations Convention against Corruption, which serves target 16.5"), then the machinery (rule, method,
        confidence, crosswalk, annotation) in a small detail line."""
        if not evidence:
            return None
        d = self.d
        ev = evidence[0]
        method = (ev.method or "").lower()
        quotes = list(dict.fromkeys(q for x in evidence for q in x.quotes))
        own = [q for q in quotes if q.source is None]
        sources = list(dict.fromkeys(q.source for q in quotes if q.source))
        origins = [o for x in evidence for o in x.origins]
        sdg = bool(value) and ids.is_sdg(value)
        parts: list[Inline] = []
        if method == "anaphora" and quotes:
            parts.append(("refers to it as ",) + self.quoted(quotes))
        elif method == "footnote" and sources:
            marks = joined(self.a(s, d.short_label(s).removeprefix("footnote ")) for s in sources)
            parts.append(("its footnote ",) + marks + (" identifies it: ",) + self.quoted(quotes))
        elif method == "heading" and sources:
            parts.append(("stands under the heading ",) + joined(Tag("q", (self.a(s, d.short_label(s)),))
                                                                  for s in sources))
        elif method == "chapeau" and sources:
            parts.append(self.read_in(quotes) + (", which introduces it",))
        elif method == "document" and quotes:
            parts.append(("said of the whole document: ",) + self.read_in(quotes))
        elif method == "mention" and quotes:
            parts.append(("names ",) + self.quoted(quotes))
        elif origins and sdg:
            clauses = list(dict.fromkeys(self.what_it_says(o.body) for o in origins if o.body))
            if clauses:
                verb = "serves" if len(clauses) == 1 else "serve"
                parts.append(joined(clauses, " and ") + (f", which {verb} {target_name(value)}",))
            if quotes:
                parts.append(self.read_in(quotes))
        elif origins and method == "broader":
            narrower = list(dict.fromkeys(o.body for o in origins if o.body))
            parts.append(("it is about ",) + joined((self.a(b) for b in narrower), " and ")
                         + (", a narrower theme" if len(narrower) == 1 else ", narrower themes",))
            if quotes:
                parts.append(self.read_in(quotes))
        elif origins and not own:
            units = list(dict.fromkeys(o.unit for o in origins if o.unit))
            if quotes:
                parts.append(self.read_in(quotes))      # says in which unit below the words were read
            elif units:
                parts.append(("carried up from ",) + joined(self.a(x, d.short_label(x)) for x in units[:3]))
        elif quotes:
            parts.append(self.read_in(quotes))
        if (method.startswith("curat") or not parts) and ev.agent:
            parts.append((f"curated by {ev.agent}",))
        return Why(tuple(p for p in parts if p), self.evidence_detail(evidence, value))

    def evidence_detail(self, evidence, value: str | None) -> tuple[Inline, ...]:
        """The machine names behind a tag, for whoever checks: rule id, method, confidence, crosswalk, annotation."""
        d = self.d
        items: list[Inline] = []
        for ev in evidence[:2]:
            if ev.rule:
                items.append((f"{'curation' if (ev.method or '').startswith('curat') else 'rule'} ",
                              Tag("code", (ev.rule,))))
            if ev.method:
                items.append((f"method {ev.method}",))
            if ev.confidence:
                items.append((f"confidence {ev.confidence}",))
            for origin in ev.origins[:3]:
                if value and origin.body:
                    for p in MATCHES:
                        if value in d.values(origin.body, p):
                            items.append(("crosswalk ", Tag("code", (
                                f"{self.short_iri(origin.body)} {self.curie(p)} {ids.last_segment(value)}",))))
            if self.live:
                items.append((Link(self.href(ev.annotation), "annotation"),))
        return tuple(dict.fromkeys(items))

    def short_iri(self, iri: str) -> str:
        m = self.d.minter
        return m.relative(iri) if m.is_own(iri) else self.curie(iri)

    def why_short(self, evidence) -> Why | None:
        quotes = list(dict.fromkeys(q for ev in evidence for q in ev.quotes))
        return Why((self.read_in(quotes),), ()) if quotes else None

    def lineage(self, u: str) -> tuple[LineageBlock, ...]:
        """Links across documents (uncc:takenUpIn, uncc:continues, uncc:implements), both ways, each with the
        score and shared words of its uncc:Alignment when the data has one; best first."""
        d = self.d
        blocks = []
        for name, forwards, backwards in LINEAGE:
            p = d.term(name)
            for label, pairs in ((forwards, [(u, t) for t in d.values(u, p) if isinstance(t, str)]),
                                 (backwards, [(s, u) for s in d.subjects_with(p, u) if isinstance(s, str)])):
                if not pairs:
                    continue
                rows = []
                for source, target in pairs:
                    other = target if source == u else source
                    info = d.alignment(source, target, p)
                    score = info.get("score")
                    detail: list[Inline] = []
                    if score:
                        detail.append((f"score {score}",))
                    if info.get("evidence"):
                        detail.append(("shared ", Tag("q", (info["evidence"],))))
                    if info.get("method"):
                        detail.append((info["method"],))
                    rows.append((-(float(score) if score else 0.0), d.reading_key(other),
                                 (self.a(other), joined(detail, " · "), self.snippet(other))))
                rows.sort(key=lambda r: (r[0], r[1]))
                blocks.append(LineageBlock(label, tuple(r[2] for r in rows)))
        return tuple(blocks)

    def neighbours(self, u: str) -> tuple[Link | None, Link | None] | None:
        before, after = self.d.neighbours(u)
        if before is None and after is None:
            return None
        return (self.a(before) if before else None, self.a(after) if after else None)

    def provenance(self, u: str) -> tuple[Provenance, ...]:
        """Where the text was read: the document as printed (its manifestation) and the lines, in words; the
        source file's name (a hash) and the span's address only in the detail line."""
        d = self.d
        t = d.term
        doc = d.document_of(u)
        rows = []
        for span in sorted(x for x in d.values(u, PROV + "wasDerivedFrom") if isinstance(x, str)):
            source = d.value(span, t("sourceFile"))
            first, last = d.text(span, t("firstLine")), d.text(span, t("lastLine"))
            lines = f"line {first}" if first == last else f"lines {first}–{last}"
            printed = d.manifestation_in(doc, source) if doc and isinstance(source, str) else None
            title = d.text(doc, DCTERMS + "title") or d.label(doc) if doc else "the source text"
            where: Inline = (self.a(doc, title) if doc else title,)
            if printed:
                label = d.label(printed)
                where += (f", as printed in {'' if label.lower().startswith(('the ', 'a ')) else 'the '}{label}",)
            file = self.a(source) if isinstance(source, str) else None
            detail = (Link(self.href(span), "span"),) if self.live else ()
            rows.append(Provenance(where, lines, detail, file))
        return tuple(rows)

    def referenced_by(self, iri: str, skip: set[str] = frozenset(), limit: int = 200) -> Referrers | None:
        """Other resources that point at this one, except through the machinery of tags and alignments
        (their annotations, targets and provenance are shown where they belong)."""
        d = self.d
        internal = {OA + "hasSource", OA + "hasBody", OA + "hasTarget", PROV + "wasDerivedFrom",
                    d.term("taggedUnit"), d.term("source"), d.term("target"), d.term("relation")}
        below = d.minter.below_prefixes(iri)[1]
        refs = [(s, p) for s, p in d.inc.get(iri, ()) if p not in skip and p not in internal
                and isinstance(s, str) and not s.startswith(below)]
        if not refs:
            return None
        return Referrers(tuple((self.a(s), self.predicate_label(p)) for s, p in refs[:limit]), max(0, len(refs) - limit))

    # properties -------------------------------------------------------------------------------------------------
    def property_table(self, iri: str, skip: set[str] = frozenset()) -> tuple[PropertyRow, ...]:
        d = self.d
        rows: "OrderedDict[str, list[Inline]]" = OrderedDict()
        if RDF_TYPE not in skip and d.types(iri):
            rows[RDF_TYPE] = []                      # the type first
        for p, o in d.out.get(iri, ()):
            if p in skip:
                continue
            rows.setdefault(p, []).append(self.value(o))
        return tuple(PropertyRow((self.a(p, self.predicate_label(p)) if d.minter.is_own(p) else self.predicate_label(p),),
                                 tuple(v)) for p, v in rows.items())

    def value(self, o: Term) -> Inline:
        if isinstance(o, str):
            label = self.d.label(o)
            if label == o:
                label = self.d.prefixes.curie(o)
            if self.d.minter.is_own(o):
                return (self.a(o, label),)
            return (Link(o, label, title=o),)
        if isinstance(o, Blank):
            return (f"_:{o.id}",)
        if o.lang:
            return (o.value, " ", Tag("span", (f"@{o.lang}",), "count"))
        if o.datatype and not o.datatype.endswith(("integer", "Integer")):
            return (o.value, " ", Tag("span", (self.d.prefixes.curie(o.datatype),), "count"))
        return (o.value,)

    def curie(self, iri: str) -> str:
        """A short name for display: prefix:path under one of the published prefixes (slashes allowed)."""
        best = iri
        for prefix, namespace in self.d.prefixes.mapping.items():
            local = iri[len(namespace):]
            if iri.startswith(namespace) and len(prefix) + 1 + len(local) < len(best) and \
                    all(c.isalnum() or c in "_/.-" for c in local):
                best = f"{prefix}:{local}"
        return best

    def term_label(self, term: str) -> str:
        label = self.d.text(term, RDFS + "label") or ""
        local = self.d.minter.parse(term).name
        return "" if label.replace(" ", "").lower() == local.lower() else label

    def predicate_label(self, p: str) -> str:
        if p == RDF_TYPE:
            return "type"
        if p in PREDICATE_LABELS:
            return PREDICATE_LABELS[p]
        label = self.d.text(p, RDFS + "label")
        return label or self.d.prefixes.curie(p)

    def class_name(self, cls: str) -> str:
        """A class's English label from the ontology, else its local name made readable."""
        label = self.d.text(cls, RDFS + "label")
        return label[:1].upper() + label[1:] if label else class_label(local_name(cls))

    # themes, instruments, actors --------------------------------------------------------------------------------
    def grouped_units(self, units: list[str], why_for: str | None = None) -> tuple[CongressGroup, ...]:
        """Units grouped by Congress (or other adopting meeting), then by document, in reading order."""
        d = self.d
        groups: "OrderedDict[str, OrderedDict[str, list[str]]]" = OrderedDict()
        for u in sorted(units, key=d.reading_key):
            doc = d.document_of(u) or ""
            congress = d.congress_of(doc) if doc else None
            groups.setdefault(congress or "", OrderedDict()).setdefault(doc, []).append(u)
        return tuple(CongressGroup(self.a(congress) if congress else None, tuple(
            DocGroup(self.a(doc) if doc else None, d.year(doc) if doc else None, tuple(
                Listed(self.a(u), self.why_short(d.evidence(u, why_for)) if why_for else None, self.snippet(u, 240))
                for u in items)) for doc, items in docs.items())) for congress, docs in groups.items())

    def theme(self, iri: str, alternates) -> ThemeView:
        d = self.d
        chain, node, seen = [], iri, {iri}
        while True:
            up = [b for b in d.broader(node) if b not in seen]
            if not up:
                break
            node = up[0]
            seen.add(node)
            chain.append(node)
        crumbs = [(self.mount + "theme", "Themes")] + [(self.href(c), d.label(c)) for c in reversed(chain)] + [
            (None, d.label(iri))]
        labels = [o for o in d.values(iri, SKOS + "prefLabel") if isinstance(o, Lit) and o.lang != "en"]
        other = tuple((o.lang, o.value) for o in sorted(labels, key=lambda o: o.lang or ""))
        rows: list[tuple[str, Inline]] = []
        definition = d.text(iri, SKOS + "definition")
        if definition:
            rows.append(("Definition", (definition,)))
        alts = [o.value for o in d.values(iri, SKOS + "altLabel") if isinstance(o, Lit)]
        if alts:
            rows.append(("Also called", (", ".join(alts),)))
        broader = d.broader(iri)
        if broader:
            rows.append(("Broader", joined(self.a(b) for b in broader)))
        theme_p = d.term("theme")
        narrower = d.narrower(iri)
        if narrower:
            rows.append(("Narrower", joined((self.a(n), Tag("span", (str(len(d.subjects_with(theme_p, n))),), "count"))
                                            for n in narrower)))
        related = [o for o in d.values(iri, SKOS + "related") if isinstance(o, str)]
        if related:
            rows.append(("Related", joined(self.a(r) for r in related)))
        for p in MATCHES:
            matches = [o for o in d.values(iri, p) if isinstance(o, str)]
            if matches:
                rows.append((self.predicate_label(p), joined(self.a(m) for m in matches)))
        units = d.tagged(theme_p, iri)
        return ThemeView(self.frame(d.label(iri), crumbs, alternates), d.label(iri), iri, other, tuple(rows),
                         len(units), self.grouped_units(units, why_for=iri) if units else (),
                         self.formats(iri, alternates))

    def authority(self, kind: str, iri: str, alternates) -> AuthorityView:
        """An instrument or an actor, for a reader: its names, what it is, its links to outside authorities and
        the SDG targets it serves, then the paragraphs that name it by document, newest Congress first; every
        statement about it last."""
        d = self.d
        title = {"instrument": "Instruments", "actor": "Actors"}[kind]
        name = d.label(iri)
        units = d.tagged(d.term(kind), iri)
        footnotes = [s for s in d.subjects_with(d.term("identifies"), iri) if isinstance(s, str)]
        kinds = [x for x in d.types(iri) if x != SKOS + "Concept"]
        chip = ", ".join(dict.fromkeys(self.class_name(x) for x in kinds)) or kind.capitalize()
        docs: "OrderedDict[str, list[str]]" = OrderedDict()
        for u in units:
            docs.setdefault(d.document_of(u) or "", []).append(u)
        count = (f"Named in {len(units)} {plural('paragraph', len(units))} of {len(docs)} "
                 f"{plural('document', len(docs))}")
        return AuthorityView(
            self.frame(name, [(self.mount + kind, title), (None, name)], alternates), chip, name, iri,
            self.authority_facts(iri, kinds), count, self.units_by_document(docs, iri) if units else (),
            tuple((self.a(f), self.snippet(f)) for f in footnotes), self.property_table(iri),
            self.referenced_by(iri, skip={d.term(kind), d.term("identifies")}), self.formats(iri, alternates))

    def authority_facts(self, iri: str, kinds: list[str]) -> tuple[tuple[str, Inline], ...]:
        d = self.d
        t = d.term
        rows: list[tuple[str, Inline]] = []
        full = d.text(iri, DCTERMS + "title")
        if full and full != d.label(iri):
            rows.append(("Full title", (full,)))
        names = [o.value for p in (SKOS + "altLabel", t("shortName")) for o in d.values(iri, p)
                 if isinstance(o, Lit) and o.lang in (None, "en")]
        names = [n for n in dict.fromkeys(names) if n != d.label(iri)]
        abbreviations = [n for n in names if re.fullmatch(r"[A-Z][A-Z0-9&-]{1,11}", n)]
        others = [n for n in names if n not in abbreviations]
        if others:
            rows.append(("Also called", (", ".join(others),)))
        if abbreviations:
            rows.append(("Abbreviation", (", ".join(abbreviations),)))
        for cls in kinds:
            definition = d.text(cls, SKOS + "definition") or d.text(cls, RDFS + "comment")
            rows.append(("What it is", (self.class_name(cls),) + (
                (" ", Tag("span", (f"— {definition}",), "small")) if definition else ())))
        for o in d.values(iri, SKOS + "definition"):
            if isinstance(o, Lit) and o.lang in (None, "en"):
                rows.append(("Definition", (o.value,)))
        year = d.text(iri, t("year"))
        if year:
            rows.append(("Year", (year[:4],)))
        for label, p in (("Adopted by", t("adoptedAt")), ("Adopted by", t("adoptedBy")),
                         ("Adopted at", PROV + "wasGeneratedBy"), ("Part of", ORG + "subOrganizationOf"),
                         ("Member of", ORG + "memberOf"), ("Supplements", t("supplements")),
                         ("Replaces", t("replaces")), ("Replaced by", t("replacedBy")),
                         ("Predecessors", t("predecessor")), ("Succeeded by", t("succeededBy")),
                         ("Members", t("member")), ("Related", SKOS + "related")):
            values = [o for o in d.values(iri, p) if isinstance(o, str)]
            if values:
                rows.append((label, joined(self.a(v) for v in values)))
        for label, p in (("Parts", ORG + "subOrganizationOf"), ("Supplemented by", t("supplements"))):
            values = [x for x in d.subjects_with(p, iri) if isinstance(x, str)]
            if values:
                rows.append((label, joined(self.a(v) for v in values)))
        symbol = d.text(iri, t("resolutionSymbol"))
        if symbol:
            rows.append(("Resolution", (symbol,)))
        volume, number = d.text(iri, t("treatySeriesVolume")), d.text(iri, t("treatySeriesNumber"))
        if volume or number:
            rows.append(("Treaty Series", (", ".join(x for x in (volume and f"vol. {volume}",
                                                                  number and f"No. {number}") if x),)))
        place = ", ".join(x for x in (d.text(iri, t("city")), d.text(iri, t("country"))) if x)
        if place:
            rows.append(("Place", (place,)))
        dates = "–".join(x for x in (d.text(iri, t("startDate")), d.text(iri, t("endDate"))) if x)
        if dates:
            rows.append(("Dates", (dates,)))
        for o in d.values(iri, SKOS + "note"):
            if isinstance(o, Lit):
                rows.append(("Note", (o.value,)))
        links = self.outside_links(iri)
        if links:
            rows.append(("Elsewhere", joined(links, " · ")))
        targets = self.served_targets(iri)
        if targets:
            rows.append(("SDG targets it serves", (Tag("ul", targets, "plain"),)))
        return tuple(rows)

    def outside_links(self, iri: str) -> list[Link]:
        """Links to authorities outside the dataset (UN documents, Wikidata, treaty collections...), by name."""
        d = self.d
        found = []
        for p in (OWL + "sameAs", SKOS + "exactMatch", SKOS + "closeMatch", RDFS + "seeAlso", FOAF + "page",
                  FOAF + "homepage", SCHEMA + "sameAs", SCHEMA + "url"):
            for o in d.values(iri, p):
                if isinstance(o, str) and o.lower().startswith(LINKABLE) and not d.minter.is_own(o) \
                        and not ids.is_sdg(o):
                    found.append(o)
        return [Link(o, self.outside_name(o), rel="external") for o in dict.fromkeys(found)]

    def outside_name(self, iri: str) -> str:
        label = self.d.label(iri)
        if label != iri:
            return label
        parts = urlsplit(iri)
        host = (parts.hostname or "").removeprefix("www.")
        path = unquote(parts.path).strip("/")
        if host == "undocs.org" or host.endswith(".un.org") and path.startswith(("A/", "E/")):
            return f"UN document {path.removeprefix('en/')}"
        if host == "wikidata.org":
            return f"Wikidata {path.rsplit('/', 1)[-1]}"
        if host == "treaties.un.org":
            return "United Nations Treaty Collection"
        return f"{host}/{path}" if path else host

    def served_targets(self, iri: str) -> tuple[Tag, ...]:
        """The SDG targets the data maps this to (skos:*Match), each with the curated reason when there is one."""
        d = self.d
        items = []
        for p in MATCHES:
            for target in sorted(o for o in d.values(iri, p) if isinstance(o, str) and ids.is_sdg(o)):
                label = d.label(target)
                text = label if label.startswith("SDG") else f"{target_name(target).capitalize()}: {label}"
                reason = d.alignment(iri, target, p).get("evidence")
                items.append(Tag("li", (Link(target, text, rel="external"),)
                                 + ((" ", Tag("span", (f"— {reason}",), "small")) if reason else ())
                                 + (" ", Tag("small", (f"{self.predicate_label(p)} {ids.last_segment(target)}",),
                                             "small detail"))))
        return tuple(items)

    def mention(self, u: str, evidence, width: int = 100) -> Mention:
        """A short snippet of the unit around the words that name it, marked; else its beginning, and why."""
        text = self.d.text(u, self.d.term("text")) or ""
        link = self.a(u, self.d.label(u))
        for q in (q for ev in evidence for q in ev.quotes if q.source is None):
            at = text.find(q.exact)
            if at < 0:
                continue
            end = at + len(q.exact)
            start = 0 if at <= width else text.rfind(" ", 0, at - width) + 1
            stop = text.find(" ", end + width) if len(text) - end > width else -1
            stop = len(text) if stop < 0 else stop
            return Mention(link, text[start:at], q.exact, text[end:stop], None, bool(start), stop < len(text))
        return Mention(link, self.snippet(u, 200), None, "", self.why_short(evidence), False, False)

    def units_by_document(self, docs: "OrderedDict[str, list[str]]", iri: str) -> tuple[AuthorityDocGroup, ...]:
        """The units that name `iri`, under their documents, the newest Congress first."""
        d = self.d

        def newest(doc: str) -> tuple:
            congress = d.congress_of(doc) if doc else None
            number = ids.last_segment(congress) if congress else ""
            return (int(number) if number.isdigit() else 0, d.year(doc) or "" if doc else "", doc)

        out = []
        for doc in sorted(docs, key=newest, reverse=True):
            year = d.year(doc) if doc else None
            congress = d.congress_of(doc) if doc else None
            title = d.text(doc, DCTERMS + "title") or d.label(doc) if doc else "Other texts"
            n = len(docs[doc])
            note = [(year,) if year else (), (self.a(congress),) if congress else (), (f"{n} {plural('paragraph', n)}",)]
            out.append(AuthorityDocGroup(self.a(doc, title) if doc else None, title, joined((x for x in note if x), " · "),
                                         tuple(self.mention(u, d.evidence(u, iri)) for u in docs[doc])))
        return tuple(out)

    # ontology, dataset, anything else ---------------------------------------------------------------------------
    def ontology(self, iri: str, alternates) -> OntologyView:
        d = self.d
        groups: dict[str, list[str]] = {"Classes": [], "Properties": [], "Other terms": []}
        for term in d.below(iri):
            types = d.types(term)
            if OWL + "Class" in types or RDFS + "Class" in types:
                groups["Classes"].append(term)
            elif any(x.endswith("Property") for x in types):
                groups["Properties"].append(term)
            else:
                groups["Other terms"].append(term)
        shown = tuple((name, tuple(OntologyTerm(d.minter.parse(x).name, self.term_label(x), x,
                                                self.property_table(x, skip={RDFS + "isDefinedBy"})) for x in items))
                      for name, items in groups.items() if items)
        title = d.text(iri, DCTERMS + "title") or d.label(iri)
        return OntologyView(self.frame(title, [(None, "Ontology")], alternates), title, iri, self.property_table(iri),
                            shown, self.formats(iri, alternates))

    def dataset_page(self, iri: str, alternates) -> DatasetView:
        d = self.d
        dumps = []
        for dump in sorted(x for x in d.values(iri, VOID + "dataDump") if isinstance(x, str)):
            size = d.text(dump, DCAT + "byteSize") or ""
            checksum = d.value(dump, SPDX + "checksum")      # DCAT-AP's spdx:Checksum, or the older uncc:sha256
            digest = d.text(checksum, SPDX + "checksumValue") if checksum is not None else d.text(dump, d.term("sha256"))
            dumps.append(Dump(self.href(dump), ids.last_segment(dump),
                              discovery.media_name(d.value(dump, DCAT + "mediaType")) or "",
                              f"{int(size):,}" if size.isdigit() else size, digest or ""))
        # schema.org Dataset markup, what dataset search engines read
        markup = Markup(discovery.script_json(discovery.schema_dataset(d, iri)))
        return DatasetView(
            self.frame("Dataset", [(None, "Dataset")], alternates, json_ld=markup),
            d.text(iri, DCTERMS + "title") or d.label(iri), iri, d.text(iri, DCTERMS + "description") or "",
            tuple(dumps), tuple((self.mount + name, name) for name in ALSO), self.per_document_files(),
            self.property_table(iri, skip={VOID + "dataDump", DCAT + "distribution"}), self.formats(iri, alternates))

    def per_document_files(self):
        """The build's files of each document's named graph (at its IRI's path), as the server offers them."""
        rows = []
        for doc in self.d.documents:
            path = self.d.minter.relative(doc)
            links = tuple((f"{self.mount}dataset/{path}{suffix}", name)
                          for suffix, name in ((".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"))
                          if f"/dataset/{path}{suffix}" in self.downloads)
            if links:
                rows.append((self.a(doc), links))
        return tuple(rows)

    def generic(self, iri: str, alternates) -> GenericView:
        d = self.d
        m = d.minter
        kind = ", ".join(class_label(local_name(x)) for x in d.types(iri)) or "Resource"
        own = m.relative(iri) if m.is_own(iri) else iri
        parts = []
        for s in d.parts(iri)[:300]:
            below = (m.relative(s) if m.is_own(s) else s)[len(own):]     # what a part adds to this IRI's path
            parts.append(Part(below.lstrip("/#").replace("/", "-"), self.a(s, below), self.property_table(s)))
        crumbs = []
        owner = self.owner(iri)
        if owner:
            crumbs.append((self.href(owner), d.label(owner)))
        crumbs.append((None, d.label(iri)))
        return GenericView(self.frame(d.label(iri), crumbs, alternates), kind, d.label(iri), iri,
                           self.property_table(iri), tuple(parts), self.referenced_by(iri), self.formats(iri, alternates))

    def owner(self, iri: str) -> str | None:
        """The nearest described resource above `iri` (the unit a source span or an annotation belongs to)."""
        up = self.d.minter.parent(iri)
        while up is not None:
            if up in self.d.out and up != iri:
                return up
            up = self.d.minter.parent(up)
        return None

    # search, resolver, query, errors ----------------------------------------------------------------------------
    def search(self, q: str, doc_filter: str, theme_filter: str, page: int) -> SearchView:
        d = self.d
        m = d.minter
        per = 20
        within = None
        if doc_filter:
            within = set(d.units_of.get(minted(m.document, doc_filter), []))
        if theme_filter:
            tagged = {s for s in d.subjects_with(d.term("theme"), minted(m.theme, theme_filter)) if isinstance(s, str)}
            within = tagged if within is None else within & tagged
        results = self.search_index.search(q, limit=per, offset=(page - 1) * per, within=within) if q.strip() else None
        documents = tuple(Option(s, d.label(x), s == doc_filter) for x in d.documents for s in [m.parse(x).name])
        themes = tuple(Option(s, d.label(x), s == theme_filter) for x in d.themes for s in [m.parse(x).name])
        hits, pages, previous, nxt = (), 0, None, None
        if results is not None and results.total:
            hits = tuple(Hit(self.a(hit.unit), d.year(doc) or "" if doc else None, Markup(hit.marked))
                         for hit in results.hits for doc in [d.document_of(hit.unit)])
            pages = (results.total + per - 1) // per

            def link(n: int) -> str:
                return self.mount + "search?" + urlencode(
                    {k: v for k, v in (("q", q), ("doc", doc_filter), ("theme", theme_filter), ("page", n)) if v})
            previous = link(page - 1) if page > 1 else None
            nxt = link(page + 1) if page < pages else None
        return SearchView(self.frame(f"Search: {q}" if q else "Search", [(None, "Search")]), q, documents, themes,
                          results is not None, results.total if results else 0, bool(results and results.partial),
                          hits, page, pages, previous, nxt)

    def choices(self, cite: str, outcome: Ambiguous) -> ChoicesView:
        return ChoicesView(self.frame("Multiple choices", [(None, "Resolve")]), cite, outcome.reason,
                           tuple((self.a(iri, label), iri, self.snippet(iri)) for iri, label in outcome.candidates))

    def unresolved(self, cite: str, outcome: Unresolved) -> UnresolvedView:
        return UnresolvedView(self.frame("No match", [(None, "Resolve")]), cite, outcome.message,
                              tuple(self.a(iri, label) for iri, label in outcome.suggestions))

    def query_page(self) -> QueryView:
        examples = tuple(QueryExample(n, ex, f"{self.endpoint}?{urlencode({'query': ex.query})}")
                         for n, ex in enumerate(self.examples))
        first = self.examples[0].query if self.examples else "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10\n"
        # with YASGUI fetched, the script puts its editor in #yasgui and hides the form; without it (or without
        # JavaScript) the form and query.js's own table do the work
        more = {}
        if self.yasgui:
            more = {"stylesheets": (self.mount + self.yasgui.stylesheet.url,),
                    "scripts": (self.mount + self.yasgui.script.url,)}
        prefixes = json.dumps(self.d.prefixes.mapping, sort_keys=True)
        frame = self.frame("SPARQL", [(None, "SPARQL")], wide=True, script=True, **more,
                           data=(("base", self.d.base), ("mount", self.mount), ("prefixes", prefixes)))
        return QueryView(frame, self.endpoint, bool(self.yasgui), first, examples)

    def sparql_results(self, query: str, payload: bytes) -> SparqlResultsView:
        data = json.loads(payload)
        frame = self.frame("Query results", [(self.mount + "query", "SPARQL"), (None, "Results")], wide=True)
        if "boolean" in data:
            return SparqlResultsView(frame, query, self.endpoint, bool(data["boolean"]), (), ())
        variables = tuple(data["head"]["vars"])
        rows = []
        for row in data["results"]["bindings"]:
            cells = []
            for v in variables:
                term = row.get(v)
                if term is None:
                    cells.append(None)
                elif term["type"] == "uri":
                    cells.append(ResultCell(self.a(term["value"], self.curie(term["value"])), "", None))
                else:
                    cells.append(ResultCell(None, term["value"], term.get("xml:lang")))
            rows.append(tuple(cells))
        return SparqlResultsView(frame, query, self.endpoint, None, variables, tuple(rows))

    def error(self, status: int, title: str, message: str) -> ErrorView:
        return ErrorView(self.frame(f"{status} {title}", [(None, str(status))]), title, message)

    def resolve_form(self) -> ResolveView:
        return ResolveView(self.frame("Resolve a citation", [(None, "Resolve")]))


def alternates_of(alternates) -> tuple[Alternate, ...]:
    return tuple(Alternate(n, t, h) for n, t, h in alternates or ())


def minted(make, slug: str) -> str | None:
    """The IRI `make` mints from a slug a reader typed; None for one that is no slug (it matches nothing)."""
    try:
        return make(slug)
    except ValueError:
        return None


def local_name(iri: str) -> str:
    """The local name of a class of any vocabulary (after its last '#' or '/'), for display."""
    return re.split(r"[#/]", iri)[-1]


def class_label(name: str) -> str:
    words = {"PreambleParagraph": "Preamble paragraph", "MappingEntry": "Compilation entry",
             "PlanOfAction": "Plan of action", "CongressReport": "Congress report",
             "RegionalPreparatoryMeetingReport": "Regional preparatory meeting report"}
    return words.get(name, name[:1].upper() + name[1:])


def target_name(iri: str) -> str:
    code = ids.last_segment(iri)
    return f"{'target' if '.' in code else 'goal'} {code}"
