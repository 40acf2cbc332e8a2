"""Server-rendered HTML pages. Every piece of data and every query string goes through `e()` (html.escape).

Links are root-relative under `mount` ("/" for the server): an IRI under the base IRI links to its path on this
site; any other IRI (SDG targets, UN documents) links out as it is.
"""
from __future__ import annotations

import html
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import unquote, urlencode, urlsplit

from . import assets, discovery
from .data import DCAT, DCTERMS, ELI, OA, OWL, PROV, RDFS, SKOS, VOID, Dataset
from .rdf import RDF_TYPE, Blank, Lit, Term
from .resolver import Ambiguous, Unresolved
from .search import SearchIndex

SITE_NAME = "UN Crime Congress declarations"
LINKABLE = ("http://", "https://")       # the IRIs a page makes into links
FORMAT_LABELS = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}
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
STRUCTURAL = {"document", "underHeading", "footnoteRef", "lists"}
SDG = "http://metadata.un.org/sdg/"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
SPDX = "http://spdx.org/rdf/terms#"


def plural(word: str, n: int) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def e(value) -> str:
    return html.escape(str(value), quote=True)


def boxed_tables(body: str) -> str:
    """Each table in a box of its own, which scrolls sideways when the table is wider than a phone's screen
    (the page itself never does). Data never reaches here unescaped, so "<table" is always markup."""
    return re.sub(r"<table\b", "<div class='table-box'><table", body).replace("</table>", "</table></div>")


@dataclass(frozen=True)
class Example:
    name: str          # file stem
    title: str         # first comment line
    description: str   # the other leading comment lines
    query: str


class Pages:
    def __init__(self, data: Dataset, search: SearchIndex, examples: list[Example], mount: str = "/",
                 endpoint: str | None = None):
        self.d = data
        self.search_index = search
        self.examples = examples
        self.mount = mount if mount.endswith("/") else mount + "/"
        self.endpoint = endpoint or self.mount + "sparql"
        self.downloads: set[str] = set()   # URL paths of the build's files (set by the app)
        self.live = True                     # False in the static site: no search, no resolver
        self.figure_titles: dict[str, str] = {}   # figure URL path -> its <title> (set by the app)
        self.yasgui = assets.yasgui()        # the query page's editor, when `make setup` fetched it

    # --- links ------------------------------------------------------------------------------------------------------
    def href(self, iri: str) -> str:
        if iri.startswith(self.d.base):
            return self.mount + iri[len(self.d.base):]
        return iri

    def path_of(self, iri: str) -> str:
        """The site path of an IRI under the base (no mount): "doc/x/para/5"."""
        return iri[len(self.d.base):]

    def a(self, iri: Term, text: str | None = None, cls: str | None = None) -> str:
        if not isinstance(iri, str):
            return e(text or self.d.label(iri))
        c = f' class="{cls}"' if cls else ""
        if not iri.lower().startswith(LINKABLE) and not iri.startswith(self.d.base):
            # javascript:, data: and the like (a query can return any IRI) are shown, never made links
            return f"<span{c}>{e(text if text is not None else self.d.label(iri))}</span>"
        return f'<a href="{e(self.href(iri))}"{c}>{e(text if text is not None else self.d.label(iri))}</a>'

    def anchor(self, doc: str, unit: str) -> str:
        """The id of a unit's block on its document's page: "para-5-d"."""
        return unit[len(doc) + 1:].replace("/", "-") if unit.startswith(doc + "/") else "u"

    # --- the frame --------------------------------------------------------------------------------------------------
    def frame(self, title: str, body: str, *, crumbs: list[tuple[str | None, str]] | None = None,
              alternates: list[tuple[str, str, str]] | None = None, wide: bool = False, script: bool = False,
              body_attrs: str = "", head: str = "") -> bytes:
        links = "".join(f'<link rel="alternate" type="{e(t)}" href="{e(h)}" title="{e(n)}">\n'
                        for n, t, h in alternates or [])
        crumb_html = ""
        if crumbs:
            parts = [f'<a href="{e(h)}">{e(t)}</a>' if h else f'<span aria-current="page">{e(t)}</span>'
                     for h, t in crumbs]
            crumb_html = '<nav class="crumbs" aria-label="Breadcrumb">' + \
                '<span class="sep">›</span>'.join(parts) + "</nav>\n"
        m = self.mount
        js = f'<script src="{m}_static/query.js" defer></script>\n' if script else ""
        search = (f'<form action="{m}search" role="search"><input type="search" name="q" placeholder="Search the '
                  f'texts" aria-label="Search the texts"><button type="submit">Search</button></form>\n'
                  if self.live else "")
        return (f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {SITE_NAME}</title>
<link rel="stylesheet" href="{m}_static/style.css">
<link rel="icon" href="{m}favicon.svg" type="image/svg+xml">
{links}{head}{js}</head>
<body{body_attrs}>
<header class="site">
<a class="brand" href="{m}">UN Crime Congress <span>declarations</span></a>
<nav aria-label="Site"><a href="{m}doc">Documents</a><a href="{m}theme">Themes</a><a href="{m}instrument">Instruments</a>\
<a href="{m}actor">Actors</a><a href="{m}query">SPARQL</a><a href="{m}dataset">Data</a></nav>
{search}</header>
<main{' class="wide"' if wide else ''}>
{crumb_html}{boxed_tables(body)}
</main>
<footer class="site">Declarations of the United Nations Congresses on Crime Prevention and Criminal Justice, paragraph by paragraph ·
data under <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a> ·
identifiers under <span class="mono">{e(self.d.base)}</span> · <a href="{m}dataset">downloads and VoID</a></footer>
</body>
</html>
""").encode("utf-8")

    def formats(self, iri: str, alternates: list[tuple[str, str, str]]) -> str:
        links = " ".join(f'<a href="{e(h)}" type="{e(t)}">{e(n)}</a>' for n, t, h in alternates)
        return (f'<section class="formats small"><h2>This resource as data</h2><p>Identifier '
                f'<span class="mono">{e(iri)}</span></p><p>{links}</p></section>')

    # --- home and lists ---------------------------------------------------------------------------------------------
    def home(self) -> bytes:
        d = self.d
        rows = []
        for doc in d.documents:
            units = d.units_of.get(doc, [])
            paras = sum(1 for u in units if d.unit_kind(u) in ("Paragraph", "PreambleParagraph"))
            congress = d.congress_of(doc)
            rows.append(f"<tr><td>{self.a(doc)}<div class='small'>{e(d.text(doc, DCTERMS + 'title') or '')}</div></td>"
                        f"<td>{e(d.year(doc) or '')}</td><td>{self.a(congress) if congress else ''}</td>"
                        f"<td>{paras}</td><td>{len(units)}</td></tr>")
        m = self.mount
        forms = f"""<div class="cols">
<form action="{m}search"><h3>Search the texts</h3><p><input type="search" name="q" placeholder="e.g. legal aid" aria-label="Search"> <button>Search</button></p></form>
<form action="{m}resolve"><h3>Go to a citation</h3><p><input type="text" name="cite" placeholder="Doha Declaration, para. 5 (d)" aria-label="Citation"> <button>Go</button></p></form>
</div>""" if self.live else ""
        body = f"""<h1>The declarations of the UN Crime Congresses, paragraph by paragraph</h1>
<p class="lead">Every paragraph of the declarations of the United Nations Congresses on Crime Prevention and Criminal
Justice has its own address, its exact text, its place in the document and the lines it was read from, with the themes,
instruments, actors and SDG targets it concerns, and why. Every address answers in HTML, Turtle, JSON-LD and N-Triples.</p>
{forms}
<h2>Documents</h2>
<table><thead><tr><th>Document</th><th>Year</th><th>Adopted at</th><th>Paragraphs</th><th>Units</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<h2>Themes</h2>
{self.theme_tree_html()}
{self.figures()}<h2>Data</h2>
<p><a href="{m}query">Query with SPARQL</a> · <a href="{m}dataset">Downloads and dataset description</a> ·
<a href="{m}ontology">Ontology</a> · <a href="{m}instrument">Instruments</a> · <a href="{m}actor">Actors</a></p>"""
        return self.frame("Home", body)

    def figures(self) -> str:
        """The build's figures (figures/*.svg), shown as images: an SVG in <img> runs no script."""
        shown = []
        for path in sorted(p for p in self.downloads if p.startswith("/dataset/figures/") and p.endswith(".svg")):
            name = self.figure_titles.get(path) or path.rsplit("/", 1)[-1][:-4].replace("-", " ").capitalize()
            shown.append(f"<figure><a href='{e(self.mount + path[1:])}'><img src='{e(self.mount + path[1:])}' "
                         f"alt='{e(name)}'></a><figcaption class='small'>{e(name)}</figcaption></figure>")
        return f"<h2 id='figures'>Figures</h2><div class='figures'>{''.join(shown)}</div>\n" if shown else ""

    def documents_page(self) -> bytes:
        d = self.d
        items = []
        for doc in d.documents:
            items.append(f"<li>{self.a(doc)} <span class='count'>{e(d.year(doc) or '')}</span>"
                         f"<div class='small'>{e(d.text(doc, DCTERMS + 'title') or '')}</div></li>")
        body = f"<h1>Documents</h1><ul class='plain'>{''.join(items)}</ul>"
        return self.frame("Documents", body, crumbs=[(self.mount, "Home"), (None, "Documents")])

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

    def theme_tree_html(self) -> str:
        counts = self.theme_counts()
        if not self.d.themes:
            return "<p class='small'>No themes in this build yet.</p>"

        def branch(concepts: list[str], seen: frozenset) -> str:
            items = []
            for c in concepts:
                if c in seen:
                    continue
                kids = self.d.narrower(c)
                sub = branch(kids, seen | {c}) if kids else ""
                own, every = counts.get(c, (0, 0))
                title = f"{every} units with this theme or a narrower one; {own} with this theme itself"
                items.append(f"<li>{self.a(c)}<span class='count' title='{e(title)}'>{every}</span>{sub}</li>")
            return f"<ul class='tree'>{''.join(items)}</ul>"

        tree = branch(self.d.top_themes, frozenset())
        return tree.replace("<ul class='tree'>", "<ul class='tree root'>", 1)

    def theme_scheme(self, iri: str | None, alternates) -> bytes:
        d = self.d
        title = d.label(iri) if iri and d.knows(iri) else "Themes"
        if title == "theme":
            title = "Themes"
        body = (f"<h1>{e(title)}</h1><p class='lead'>The thematic taxonomy: the four substantive agenda items of the "
                f"Congresses and the subjects the texts return to. The number after a theme counts the units tagged "
                f"with it or with a theme below it.</p>{self.theme_tree_html()}")
        if iri and alternates:
            body += self.formats(iri, alternates)
        return self.frame(title, body, crumbs=[(self.mount, "Home"), (None, "Themes")], alternates=alternates)

    def authority_list(self, kind: str, iri: str | None, alternates) -> bytes:
        d = self.d
        predicate = d.term(kind)
        title = {"instrument": "Instruments", "actor": "Actors"}[kind]
        rows = []
        for item in d.authority(kind):
            if item == iri:
                continue
            n = len(d.subjects_with(predicate, item))
            notes = len(d.subjects_with(d.term("identifies"), item))
            alt = ", ".join(o.value for o in d.values(item, SKOS + "altLabel") if isinstance(o, Lit))
            rows.append(f"<tr><td>{self.a(item)}{f' <span class=count>{e(alt)}</span>' if alt else ''}</td>"
                        f"<td>{n}</td>{f'<td>{notes}</td>' if kind == 'instrument' else ''}</tr>")
        what = "Instruments the texts cite" if kind == "instrument" else "Actors the texts name"
        body = (f"<h1>{title}</h1><p class='lead'>{what}"
                f", with the number of units that name each.</p>"
                f"<table><thead><tr><th>Name</th><th>Units</th>"
                f"{'<th>Footnotes</th>' if kind == 'instrument' else ''}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
        if iri and alternates:
            body += self.formats(iri, alternates)
        return self.frame(title, body, crumbs=[(self.mount, "Home"), (None, title)], alternates=alternates)

    # --- dispatch for a resource ------------------------------------------------------------------------------------
    def resource(self, iri: str, alternates: list[tuple[str, str, str]]) -> bytes:
        d = self.d
        if d.document_kind(iri) or iri in d.units_of:
            return self.document(iri, alternates)
        if d.unit_kind(iri):
            return self.unit(iri, alternates)
        parts = d.minter.parse(iri)
        kind = parts.kind if parts else None
        if iri == d.minter.theme_scheme() or kind == "theme" and SKOS + "ConceptScheme" in d.types(iri):
            return self.theme_scheme(iri, alternates)
        if kind == "theme":
            return self.theme(iri, alternates)
        if kind == "scheme":                       # the instrument or actor list
            return self.authority_list(parts.path, iri, alternates)
        if kind in ("instrument", "actor"):
            return self.authority(kind, iri, alternates)
        if iri == d.minter.ontology:
            return self.ontology(iri, alternates)
        if iri == d.minter.dataset():
            return self.dataset_page(iri, alternates)
        return self.generic(iri, alternates)

    # --- a document in reading order --------------------------------------------------------------------------------
    def document(self, doc: str, alternates) -> bytes:
        d = self.d
        t = d.term
        title = d.text(doc, DCTERMS + "title") or d.label(doc)
        units = d.units_of.get(doc, [])
        footnotes = [u for u in units if d.unit_kind(u) == "Footnote"]
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
            anchor = self.anchor(doc, u)
            text = d.text(u, t("text")) or ""
            if kind == "Heading":
                level = int(d.text(u, t("headingLevel")) or 1)
                tag = f"h{min(level + 1, 5)}"
                flow.append(f'<{tag} class="unit hl-{min(level, 5)}" id="{e(anchor)}">{e(text)}'
                            f'<a class="self" href="{e(self.href(u))}" title="This heading">¶</a></{tag}>')
                toc.append((level, anchor, text))
                continue
            depth = {"Subparagraph": 1, "Item": 2}.get(kind or "", 0)
            if kind == "Subparagraph" and d.unit_kind(d.value(u, ELI + "is_part_of") or "") == "Subparagraph":
                depth = 2
            number = d.text(u, ELI + "number")
            label = ""
            if kind == "Paragraph" and number:
                label = f'<a class="num" href="{e(self.href(u))}">{e(number)}.</a>'
            elif kind in ("Subparagraph", "Item") and number:
                label = f'<a class="num" href="{e(self.href(u))}">({e(number)})</a>'
            elif kind == "MappingEntry":
                code = d.text(u, t("printedCode")) or ""
                label = f'<a class="num" href="{e(self.href(u))}">{e(code)}</a>'
            marks = "".join(
                f'<sup class="fn"><a href="#{e(self.anchor(doc, fn))}" id="ref-{e(anchor)}-{e(self.anchor(doc, fn))}">'
                f'{e(d.text(fn, ELI + "number") or fn.rsplit("/", 1)[-1])}</a></sup>'
                for fn in sorted((x for x in d.values(u, t("footnoteRef")) if isinstance(x, str)), key=d.position))
            extra = ""
            listed = d.value(u, t("lists"))
            if isinstance(listed, str):
                extra = f' <span class="small">→ {self.a(listed)}</span>'
            chips = "".join(f'<a class="chip" href="{e(self.href(th))}">{e(d.label(th))}</a>'
                            for th in d.values(u, theme_p) if isinstance(th, str))
            cls = {"Formula": "formula", "PreambleParagraph": "preamble"}.get(kind or "", "para")
            flow.append(f'<div class="unit {cls} depth-{depth}" id="{e(anchor)}">{label}{e(text)}{marks}{extra}'
                        f'<a class="self" href="{e(self.href(u))}" title="{e(d.label(u))}">¶</a>'
                        f'{f"<span class=chips>{chips}</span>" if chips else ""}</div>')
        notes = []
        for fn in footnotes:
            anchor = self.anchor(doc, fn)
            backs = " ".join(f'<a href="#ref-{e(self.anchor(doc, r))}-{e(anchor)}" title="Back to {e(d.label(r))}">'
                             f'↩ {e(d.short_label(r))}</a>' for r in referrers.get(fn, []))
            notes.append(f'<li id="{e(anchor)}"><a class="num" href="{e(self.href(fn))}">'
                         f'{e(d.text(fn, ELI + "number") or "")}</a>{e(d.text(fn, t("text")) or "")} {backs}</li>')
        meta = self.document_meta(doc)
        toc_html = ""
        if len(toc) > 2:
            toc_html = "<details class='toc'><summary>Contents</summary><ul>" + "".join(
                f"<li class='level-{min(lvl, 4)}'><a href='#{e(a)}'>{e(txt)}</a></li>"
                for lvl, a, txt in toc) + "</ul></details>"
        body = (f"<p><span class='kind'>{e(self.class_label(d.document_kind(doc) or 'Document'))}</span></p>"
                f"<h1>{e(title)}</h1><p class='iri'>{e(doc)}</p>{meta}{toc_html}"
                f"<h2>Text</h2><div class='reading'>{''.join(flow)}</div>"
                + (f"<ol class='footnotes plain'>{''.join(notes)}</ol>" if notes else "")
                + self.formats(doc, alternates))
        return self.frame(d.label(doc), body, crumbs=[(self.mount, "Home"), (self.mount + "doc", "Documents"),
                                                      (None, d.label(doc))], alternates=alternates)

    def document_meta(self, doc: str) -> str:
        d = self.d
        t = d.term
        rows = [("Short title", e(d.text(doc, t("shortTitle")) or d.label(doc)))]
        if d.year(doc):
            rows.append(("Year", e(d.year(doc))))
        for place in d.values(doc, t("adoptedAt")):
            rows.append(("Adopted at", self.a(place)))
        for resolution, symbol in d.endorsements(doc):
            date = d.text(resolution, DCTERMS + "date") or ""
            rows.append(("Endorsed by", f'<a href="{e(resolution)}">{e(d.label(resolution))}</a> '
                                        f'<span class="small">({e(symbol)}{", " + e(date) if date else ""})</span>'))
        for target in d.values(doc, t("implements")):
            rows.append(("Implements", self.a(target)))
        for source in d.subjects_with(t("implements"), doc):
            if isinstance(source, str) and d.document_kind(source):
                rows.append(("Implemented by", self.a(source)))
        for man in sorted(x for x in d.values(doc, t("manifestation")) if isinstance(x, str)):
            if isinstance(man, str):
                src = d.value(man, t("sourceFile"))
                lines = f"lines {d.text(man, t('firstLine'))}–{d.text(man, t('lastLine'))}"
                rows.append(("Printed in", f"{e(d.label(man))} <span class='small'>"
                                           f"({self.a(src) if src else ''}, {e(lines)})</span>"))
        units = d.units_of.get(doc, [])
        kinds: dict[str, int] = {}
        for u in units:
            kinds[d.unit_kind(u) or "?"] = kinds.get(d.unit_kind(u) or "?", 0) + 1
        rows.append(("Units", e(", ".join(f"{n} {plural(self.class_label(k).lower(), n)}"
                                           for k, n in sorted(kinds.items())))))
        return "<dl class='meta'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"

    # --- a paragraph (or any unit) ----------------------------------------------------------------------------------
    def unit(self, u: str, alternates) -> bytes:
        d = self.d
        t = d.term
        doc = d.document_of(u)
        kind = d.unit_kind(u) or "Unit"
        crumbs: list[tuple[str | None, str]] = [(self.mount, "Home")]
        if doc:
            crumbs.append((self.href(doc), d.label(doc)))
        for h in d.heading_chain(u):
            if h != u:
                crumbs.append((self.href(h), d.short_label(h)))
        for p in d.parent_chain(u):
            crumbs.append((self.href(p), d.short_label(p)))
        crumbs.append((None, d.short_label(u)))
        text = d.text(u, t("text")) or ""
        number = d.text(u, ELI + "number")
        num = ""
        if kind == "Paragraph" and number:
            num = f"<span class='num'>{e(number)}.</span>"
        elif kind in ("Subparagraph", "Item") and number:
            num = f"<span class='num'>({e(number)})</span>"
        fn_refs = sorted((fn for fn in d.values(u, t("footnoteRef")) if isinstance(fn, str)), key=d.position)
        marks = "".join(f"<sup class='fn'><a href='#fn-{e(fn.rsplit('/', 1)[-1])}'>"
                        f"{e(d.text(fn, ELI + 'number') or fn.rsplit('/', 1)[-1])}</a></sup>" for fn in fn_refs)
        context = ""
        chain = d.parent_chain(u)
        if chain:
            parent = chain[-1]
            ptext = d.text(parent, t("text")) or ""
            pnum = d.text(parent, ELI + "number")
            plabel = f"{pnum}." if d.unit_kind(parent) == "Paragraph" and pnum else (
                f"({pnum})" if pnum else d.short_label(parent))
            context = (f"<div class='context'><a href='{e(self.href(parent))}' class='num'>{e(plabel)}</a>"
                       f"{e(ptext)}</div>")
        sections = []
        kids = d.children.get(u, [])
        if kids:
            items = "".join(
                f"<li><a class='num' href='{e(self.href(k))}'>{e(d.short_label(k))}</a>"
                f"<span class='snippet'>{e(d.text(k, t('text')) or '')}</span></li>" for k in kids)
            sections.append(f"<h2>Subdivisions</h2><ul class='plain'>{items}</ul>")
        if fn_refs:
            items = "".join(f"<li id='fn-{e(fn.rsplit('/', 1)[-1])}'><a class='num' href='{e(self.href(fn))}'>"
                            f"{e(d.text(fn, ELI + 'number') or '')}</a>{e(d.text(fn, t('text')) or '')}"
                            + self.identified(fn) + "</li>" for fn in fn_refs)
            sections.append(f"<h2>Footnotes</h2><ul class='plain'>{items}</ul>")
        if kind == "Footnote":
            refs = [s for s in d.subjects_with(t("footnoteRef"), u) if isinstance(s, str)]
            if refs:
                sections.append("<h2>Referenced by</h2><ul class='plain'>" + "".join(
                    f"<li>{self.a(r)} <span class='small'>{e(self.snippet(r))}</span></li>" for r in refs) + "</ul>")
            ident = self.identified(u)
            if ident:
                sections.append(f"<h2>Identifies</h2><p>{ident}</p>")
        listed = d.value(u, t("lists"))
        if isinstance(listed, str):
            sections.append(f"<h2>Lists the recommendation</h2><p>{self.a(listed)}</p>"
                            f"<p class='snippet'>{e(self.snippet(listed, 400))}</p>")
        listings = [s for s in d.subjects_with(t("lists"), u) if isinstance(s, str)]
        if listings:
            sections.append("<h2>Listed in the compilation</h2><ul class='plain'>" + "".join(
                f"<li>{self.a(s)}</li>" for s in listings) + "</ul>")
        sections.append(self.tags_section(u))
        sections.append(self.lineage_section(u))
        sections.append(self.neighbours(u, doc))
        sections.append(self.provenance(u))
        sections.append(self.referenced_by(u, skip={t(n) for n in STRUCTURAL} | {ELI + "is_part_of"} | {
            t(n) for n, _, _ in LINEAGE} | set(d.tag_predicates.values())))
        sections.append(self.formats(u, alternates))
        in_context = f" · <a href='{e(self.href(doc))}#{e(self.anchor(doc, u))}'>in context</a>" if doc else ""
        body = (f"<p><span class='kind'>{e(self.class_label(kind))}</span>"
                f"{self.a(doc) if doc else ''}{(' (' + e(d.year(doc)) + ')') if doc and d.year(doc) else ''}"
                f"{in_context}</p>"
                f"<h1>{e(d.label(u))}</h1><p class='iri'>{e(u)}</p>{context}"
                f"<div class='text'>{num}{e(text)}{marks}</div>" + "".join(s for s in sections if s))
        return self.frame(d.label(u), body, crumbs=crumbs, alternates=alternates)

    def identified(self, footnote: str) -> str:
        items = [self.a(i) for i in self.d.values(footnote, self.d.term("identifies")) if isinstance(i, str)]
        return f" <span class='small'>({', '.join(items)})</span>" if items else ""

    def snippet(self, unit: str, length: int = 160) -> str:
        text = self.d.text(unit, self.d.term("text")) or ""
        return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"

    def tags_section(self, u: str) -> str:
        d = self.d
        blocks = []
        titles = {"theme": "Themes", "inferred": "Themes inferred (from a heading, a narrower theme, its items or its "
                  "document)", "instrument": "Instruments", "actor": "Actors", "sdg": "SDG targets"}
        for kind, predicate in d.tag_predicates.items():
            values = [v for v in d.values(u, predicate) if isinstance(v, str)]
            if not values:
                continue
            items = []
            for v in sorted(values, key=lambda x: d.label(x).lower()):
                evidence = d.evidence(u, v)
                if kind == "sdg":
                    code = v.rsplit("/", 1)[-1]
                    label = d.label(v)
                    text = f"{code} {label}" if not label.startswith("SDG") else label
                    link = f"<a href='{e(v)}' rel='external'>{e(text)}</a>"
                else:
                    link = self.a(v)
                items.append(f"<li>{link}{self.why(evidence, v)}</li>")
            blocks.append(f"<h3>{titles[kind]}</h3><ul class='plain'>{''.join(items)}</ul>")
        if not blocks:
            return ""
        return "<h2>What it is about</h2>" + "".join(blocks)

    # --- evidence in words ------------------------------------------------------------------------------------------
    def quoted(self, quotes, limit: int = 6) -> str:
        """ "‘corruption’, ‘bribery’", each with its context as a tooltip."""
        shown = []
        for q in quotes[:limit]:
            context = f"…{q.prefix}[{q.exact}]{q.suffix}…" if q.prefix or q.suffix else q.exact
            shown.append(f"<q title='{e(context)}'>{e(q.exact)}</q>")
        return ", ".join(shown) + (" …" if len(quotes) > limit else "")

    def read_in(self, quotes) -> str:
        """ "read in the words ‘x’, ‘y’ in (d)": the words grouped by the unit they were read in."""
        by_source: "OrderedDict[str | None, list]" = OrderedDict()
        for q in quotes:
            by_source.setdefault(q.source, []).append(q)
        parts = []
        for source, group in by_source.items():
            where = f" in {self.a(source, self.d.short_label(source))}" if source else ""
            parts.append(f"{self.quoted(group)}{where}")
        noun = "word" if len(quotes) == 1 and " " not in quotes[0].exact else "words"
        return f"read in the {noun} " + "; ".join(parts) if parts else ""

    def what_it_says(self, iri: str | None) -> str:
        """An origin tag's body as a clause: "names the Convention", "is about Corruption"."""
        if not iri:
            return ""
        base = self.d.base
        if iri.startswith((base + "instrument/", base + "actor/")):
            label = self.d.label(iri)
            return f"names {'' if label.lower().startswith('the ') else 'the '}{self.a(iri)}"
        if iri.startswith(base + "theme/"):
            return f"is about {self.a(iri)}"
        return f"concerns {self.a(iri)}"

    def target_name(self, iri: str) -> str:
        code = iri.rsplit("/", 1)[-1]
        return f"{'target' if '.' in code else 'goal'} {code}"

    def why(self, evidence, value: str | None = None) -> str:
        """Why a unit carries a tag, in words a reader follows ("read in the words ‘corruption’"; "names the United
        Nations Convention against Corruption, which serves target 16.5"), then the machinery (rule, method,
        confidence, crosswalk, annotation) in a small detail line."""
        if not evidence:
            return ""
        d = self.d
        ev = evidence[0]
        method = (ev.method or "").lower()
        quotes = list(dict.fromkeys(q for x in evidence for q in x.quotes))
        own = [q for q in quotes if q.source is None]
        sources = list(dict.fromkeys(q.source for q in quotes if q.source))
        origins = [o for x in evidence for o in x.origins]
        sdg = bool(value) and value.startswith("http://metadata.un.org/sdg/")
        parts: list[str] = []
        if method == "anaphora" and quotes:
            parts.append(f"refers to it as {self.quoted(quotes)}")
        elif method == "footnote" and sources:
            marks = ", ".join(self.a(s, d.short_label(s).removeprefix("footnote ")) for s in sources)
            parts.append(f"its footnote {marks} identifies it: {self.quoted(quotes)}")
        elif method == "heading" and sources:
            parts.append("stands under the heading " + ", ".join(
                f"<q>{self.a(s, d.short_label(s))}</q>" for s in sources))
        elif method == "chapeau" and sources:
            parts.append(f"{self.read_in(quotes)}, which introduces it")
        elif method == "document" and quotes:
            parts.append(f"said of the whole document: {self.read_in(quotes)}")
        elif method == "mention" and quotes:
            parts.append(f"names {self.quoted(quotes)}")
        elif origins and sdg:
            clauses = list(dict.fromkeys(self.what_it_says(o.body) for o in origins if o.body))
            if clauses:
                verb = "serves" if len(clauses) == 1 else "serve"
                parts.append(f"{' and '.join(clauses)}, which {verb} {self.target_name(value)}")
            if quotes:
                parts.append(self.read_in(quotes))
        elif origins and method == "broader":
            narrower = list(dict.fromkeys(o.body for o in origins if o.body))
            parts.append("it is about " + " and ".join(self.a(b) for b in narrower)
                         + (", a narrower theme" if len(narrower) == 1 else ", narrower themes"))
            if quotes:
                parts.append(self.read_in(quotes))
        elif origins and not own:
            units = list(dict.fromkeys(o.unit for o in origins if o.unit))
            if quotes:
                parts.append(self.read_in(quotes))      # says in which unit below the words were read
            elif units:
                parts.append("carried up from " + ", ".join(self.a(x, d.short_label(x)) for x in units[:3]))
        elif quotes:
            parts.append(self.read_in(quotes))
        if (method.startswith("curat") or not parts) and ev.agent:
            parts.append(f"curated by {e(ev.agent)}")
        detail = self.evidence_detail(evidence, value)
        text = " · ".join(p for p in parts if p)
        return (f" <span class='why'>{text}</span>" if text else "") + detail

    def evidence_detail(self, evidence, value: str | None) -> str:
        """The machine names behind a tag, for whoever checks: rule id, method, confidence, crosswalk, annotation."""
        d = self.d
        items = []
        for ev in evidence[:2]:
            if ev.rule:
                items.append(f"{'curation' if (ev.method or '').startswith('curat') else 'rule'} "
                             f"<code>{e(ev.rule)}</code>")
            if ev.method:
                items.append(f"method {e(ev.method)}")
            if ev.confidence:
                items.append(f"confidence {e(ev.confidence)}")
            for origin in ev.origins[:3]:
                if value and origin.body:
                    for p in (SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "relatedMatch", SKOS + "broadMatch",
                              SKOS + "narrowMatch"):
                        if value in d.values(origin.body, p):
                            items.append(f"crosswalk <code>{e(self.short_iri(origin.body))} "
                                         f"{e(self.curie(p))} {e(value.rsplit('/', 1)[-1])}</code>")
            if self.live:
                items.append(f"<a href='{e(self.href(ev.annotation))}'>annotation</a>")
        if not items:
            return ""
        return " <small class='small detail'>" + " · ".join(dict.fromkeys(items)) + "</small>"

    def short_iri(self, iri: str) -> str:
        return self.path_of(iri) if iri.startswith(self.d.base) else self.curie(iri)

    def why_short(self, evidence) -> str:
        quotes = list(dict.fromkeys(q for ev in evidence for q in ev.quotes))
        if not quotes:
            return ""
        return f" <span class='why'>{self.read_in(quotes)}</span>"

    def lineage_section(self, u: str) -> str:
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
                    detail = []
                    if score:
                        detail.append(f"score {e(score)}")
                    if info.get("evidence"):
                        detail.append(f"shared <q>{e(info['evidence'])}</q>")
                    if info.get("method"):
                        detail.append(e(info["method"]))
                    rows.append((-(float(score) if score else 0.0), d.reading_key(other),
                                 f"<li>{self.a(other)}<span class='score'>{' · '.join(detail)}</span>"
                                 f"<div class='snippet'>{e(self.snippet(other))}</div></li>"))
                rows.sort(key=lambda r: (r[0], r[1]))
                blocks.append(f"<h3>{label} <span class='count'>{len(rows)}</span></h3>"
                              f"<ul class='plain lineage'>{''.join(r[2] for r in rows)}</ul>")
        return "<h2>Lineage</h2>" + "".join(blocks) if blocks else ""

    def neighbours(self, u: str, doc: str | None) -> str:
        before, after = self.d.neighbours(u)
        if before is None and after is None:
            return ""
        prev = f"<span>← {self.a(before)}</span>" if before else "<span></span>"
        nxt = f"<span>{self.a(after)} →</span>" if after else "<span></span>"
        return f"<nav class='pager' aria-label='Neighbouring units'>{prev}{nxt}</nav>"

    def provenance(self, u: str) -> str:
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
            where = f"{self.a(doc, title) if doc else e(title)}"
            if printed:
                label = d.label(printed)
                where += f", as printed in {'' if label.lower().startswith(('the ', 'a ')) else 'the '}{e(label)}"
            detail = [f"file {self.a(source)}"] if isinstance(source, str) else []
            if self.live:
                detail.append(f"<a href='{e(self.href(span))}'>span</a>")
            rows.append(f"<li>{where}: {e(lines)}"
                        + (f" <small class='small detail'>{' · '.join(detail)}</small>" if detail else "") + "</li>")
        if not rows:
            return ""
        return f"<h2>Where it was read</h2><ul class='plain'>{''.join(rows)}</ul>"

    def referenced_by(self, iri: str, skip: set[str] = frozenset(), limit: int = 200) -> str:
        """Other resources that point at this one, except through the machinery of tags and alignments
        (their annotations, targets and provenance are shown where they belong)."""
        d = self.d
        internal = {OA + "hasSource", OA + "hasBody", OA + "hasTarget", PROV + "wasDerivedFrom",
                    d.term("taggedUnit"), d.term("source"), d.term("target"), d.term("relation")}
        refs = [(s, p) for s, p in d.inc.get(iri, ()) if p not in skip and p not in internal
                and isinstance(s, str) and not s.startswith(iri + "/")]
        if not refs:
            return ""
        items = "".join(f"<li>{self.a(s)} <span class='small'>{e(self.predicate_label(p))}</span></li>"
                        for s, p in refs[:limit])
        more = f"<p class='small'>… and {len(refs) - limit} more (use SPARQL)</p>" if len(refs) > limit else ""
        return f"<h2>Referenced by</h2><ul class='plain'>{items}</ul>{more}"

    # --- themes, instruments, actors --------------------------------------------------------------------------------
    def grouped_units(self, units: list[str], why_for: str | None = None) -> str:
        """Units grouped by Congress (or other adopting meeting), then by document, in reading order."""
        d = self.d
        groups: "OrderedDict[str, OrderedDict[str, list[str]]]" = OrderedDict()
        for u in sorted(units, key=d.reading_key):
            doc = d.document_of(u) or ""
            congress = d.congress_of(doc) if doc else None
            groups.setdefault(congress or "", OrderedDict()).setdefault(doc, []).append(u)
        out = []
        for congress, docs in groups.items():
            heading = self.a(congress) if congress else "Other documents"
            parts = []
            for doc, items in docs.items():
                lis = []
                for u in items:
                    why = self.why_short(d.evidence(u, why_for)) if why_for else ""
                    lis.append(f"<li>{self.a(u)}{why}<div class='snippet'>{e(self.snippet(u, 240))}</div></li>")
                year = d.year(doc) if doc else None
                parts.append(f"<h4>{self.a(doc) if doc else 'No document'}"
                             f"{' <span class=count>' + e(year) + '</span>' if year else ''}"
                             f"<span class='count'>· {len(items)}</span></h4><ul class='plain'>{''.join(lis)}</ul>")
            out.append(f"<section class='group'><h3>{heading}</h3>{''.join(parts)}</section>")
        return "".join(out)

    def theme(self, iri: str, alternates) -> bytes:
        d = self.d
        crumbs: list[tuple[str | None, str]] = [(self.mount, "Home"), (self.mount + "theme", "Themes")]
        chain, node, seen = [], iri, {iri}
        while True:
            up = [b for b in d.broader(node) if b not in seen]
            if not up:
                break
            node = up[0]
            seen.add(node)
            chain.append(node)
        crumbs += [(self.href(c), d.label(c)) for c in reversed(chain)] + [(None, d.label(iri))]
        labels = [o for o in d.values(iri, SKOS + "prefLabel") if isinstance(o, Lit) and o.lang != "en"]
        other = " · ".join(f"<span lang='{e(o.lang)}'>{e(o.value)}</span> <span class='count'>{e(o.lang)}</span>"
                           for o in sorted(labels, key=lambda o: o.lang or ""))
        rows = []
        definition = d.text(iri, SKOS + "definition")
        if definition:
            rows.append(("Definition", e(definition)))
        alts = [o.value for o in d.values(iri, SKOS + "altLabel") if isinstance(o, Lit)]
        if alts:
            rows.append(("Also called", e(", ".join(alts))))
        broader = d.broader(iri)
        if broader:
            rows.append(("Broader", ", ".join(self.a(b) for b in broader)))
        theme_p = d.term("theme")
        narrower = d.narrower(iri)
        if narrower:
            rows.append(("Narrower", ", ".join(
                f"{self.a(n)}<span class='count'>{len(d.subjects_with(theme_p, n))}</span>" for n in narrower)))
        related = [o for o in d.values(iri, SKOS + "related") if isinstance(o, str)]
        if related:
            rows.append(("Related", ", ".join(self.a(r) for r in related)))
        for p in (SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "relatedMatch", SKOS + "broadMatch",
                  SKOS + "narrowMatch"):
            matches = [o for o in d.values(iri, p) if isinstance(o, str)]
            if matches:
                rows.append((self.predicate_label(p), ", ".join(self.a(m) for m in matches)))
        units = d.tagged(theme_p, iri)
        meta = "<dl class='meta'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"
        listing = self.grouped_units(units, why_for=iri) if units else "<p class='small'>No unit carries this theme.</p>"
        body = (f"<p><span class='kind'>Theme</span></p><h1>{e(d.label(iri))}</h1>"
                f"{f'<p class=lead>{other}</p>' if other else ''}<p class='iri'>{e(iri)}</p>{meta}"
                f"<h2>Units on this theme <span class='count'>{len(units)}</span></h2>{listing}"
                + self.formats(iri, alternates))
        return self.frame(d.label(iri), body, crumbs=crumbs, alternates=alternates)

    def authority(self, kind: str, iri: str, alternates) -> bytes:
        """An instrument or an actor, for a reader: its names, what it is, its links to outside authorities and
        the SDG targets it serves, then the paragraphs that name it by document, newest Congress first; every
        statement about it last, in a closed <details>."""
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
        body = (f"<p><span class='kind'>{e(chip)}</span></p><h1>{e(name)}</h1>{self.authority_facts(iri, kinds)}"
                f"<h2 id='named-in'>{e(count)}</h2>" + (self.units_by_document(docs, iri) if units else ""))
        if footnotes:
            body += ("<h2>Footnotes that identify it</h2><ul class='plain'>" + "".join(
                f"<li>{self.a(f)} <span class='small'>{e(self.snippet(f))}</span></li>" for f in footnotes) + "</ul>")
        body += (f"<details class='statements'><summary>All statements</summary><p class='iri'>{e(iri)}</p>"
                 f"{self.property_table(iri)}{self.referenced_by(iri, skip={d.term(kind), d.term('identifies')})}"
                 f"</details>" + self.formats(iri, alternates))
        return self.frame(name, body, crumbs=[(self.mount, "Home"), (self.mount + kind, title), (None, name)],
                          alternates=alternates)

    def class_name(self, cls: str) -> str:
        """A class's English label from the ontology, else its local name made readable."""
        label = self.d.text(cls, RDFS + "label")
        return label[:1].upper() + label[1:] if label else self.class_label(re.split(r"[#/]", cls)[-1])

    def authority_facts(self, iri: str, kinds: list[str]) -> str:
        d = self.d
        t = d.term
        rows = []
        full = d.text(iri, DCTERMS + "title")
        if full and full != d.label(iri):
            rows.append(("Full title", e(full)))
        names = [o.value for p in (SKOS + "altLabel", t("shortName")) for o in d.values(iri, p)
                 if isinstance(o, Lit) and o.lang in (None, "en")]
        names = [n for n in dict.fromkeys(names) if n != d.label(iri)]
        abbreviations = [n for n in names if re.fullmatch(r"[A-Z][A-Z0-9&-]{1,11}", n)]
        others = [n for n in names if n not in abbreviations]
        if others:
            rows.append(("Also called", e(", ".join(others))))
        if abbreviations:
            rows.append(("Abbreviation", e(", ".join(abbreviations))))
        for cls in kinds:
            definition = d.text(cls, SKOS + "definition") or d.text(cls, RDFS + "comment")
            rows.append(("What it is", f"{e(self.class_name(cls))}" + (
                f" <span class='small'>— {e(definition)}</span>" if definition else "")))
        for o in d.values(iri, SKOS + "definition"):
            if isinstance(o, Lit) and o.lang in (None, "en"):
                rows.append(("Definition", e(o.value)))
        year = d.text(iri, t("year"))
        if year:
            rows.append(("Year", e(year[:4])))
        for label, p in (("Adopted by", t("adoptedAt")), ("Adopted by", t("adoptedBy")),
                         ("Adopted at", PROV + "wasGeneratedBy"), ("Part of", ORG + "subOrganizationOf"),
                         ("Member of", ORG + "memberOf"), ("Supplements", t("supplements")),
                         ("Replaces", t("replaces")), ("Replaced by", t("replacedBy")),
                         ("Predecessors", t("predecessor")), ("Succeeded by", t("succeededBy")),
                         ("Members", t("member")), ("Related", SKOS + "related")):
            values = [o for o in d.values(iri, p) if isinstance(o, str)]
            if values:
                rows.append((label, ", ".join(self.a(v) for v in values)))
        for label, p in (("Parts", ORG + "subOrganizationOf"), ("Supplemented by", t("supplements"))):
            values = [x for x in d.subjects_with(p, iri) if isinstance(x, str)]
            if values:
                rows.append((label, ", ".join(self.a(v) for v in values)))
        symbol = d.text(iri, t("resolutionSymbol"))
        if symbol:
            rows.append(("Resolution", e(symbol)))
        volume, number = d.text(iri, t("treatySeriesVolume")), d.text(iri, t("treatySeriesNumber"))
        if volume or number:
            rows.append(("Treaty Series", e(", ".join(x for x in (volume and f"vol. {volume}",
                                                                   number and f"No. {number}") if x))))
        place = ", ".join(x for x in (d.text(iri, t("city")), d.text(iri, t("country"))) if x)
        if place:
            rows.append(("Place", e(place)))
        dates = "–".join(x for x in (d.text(iri, t("startDate")), d.text(iri, t("endDate"))) if x)
        if dates:
            rows.append(("Dates", e(dates)))
        for o in d.values(iri, SKOS + "note"):
            if isinstance(o, Lit):
                rows.append(("Note", e(o.value)))
        links = self.outside_links(iri)
        if links:
            rows.append(("Elsewhere", " · ".join(links)))
        targets = self.served_targets(iri)
        if targets:
            rows.append(("SDG targets it serves", "<ul class='plain'>" + "".join(targets) + "</ul>"))
        return "<dl class='meta'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>" if rows else ""

    def outside_links(self, iri: str) -> list[str]:
        """Links to authorities outside the dataset (UN documents, Wikidata, treaty collections...), by name."""
        d = self.d
        found = []
        for p in (OWL + "sameAs", SKOS + "exactMatch", SKOS + "closeMatch", RDFS + "seeAlso", FOAF + "page",
                  FOAF + "homepage", SCHEMA + "sameAs", SCHEMA + "url"):
            for o in d.values(iri, p):
                if isinstance(o, str) and o.lower().startswith(LINKABLE) and not o.startswith(d.base) \
                        and not o.startswith(SDG):
                    found.append(o)
        return [f"<a href='{e(o)}' rel='external'>{e(self.outside_name(o))}</a>" for o in dict.fromkeys(found)]

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

    def served_targets(self, iri: str) -> list[str]:
        """The SDG targets the data maps this to (skos:*Match), each with the curated reason when there is one."""
        d = self.d
        items = []
        for p in (SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "relatedMatch", SKOS + "broadMatch",
                  SKOS + "narrowMatch"):
            for target in sorted(o for o in d.values(iri, p) if isinstance(o, str) and o.startswith(SDG)):
                label = d.label(target)
                code = target.rsplit("/", 1)[-1]
                text = label if label.startswith("SDG") else f"{self.target_name(target).capitalize()}: {label}"
                reason = d.alignment(iri, target, p).get("evidence")
                items.append(f"<li><a href='{e(target)}' rel='external'>{e(text)}</a>"
                             + (f" <span class='small'>— {e(reason)}</span>" if reason else "")
                             + f" <small class='small detail'>{e(self.predicate_label(p))} {e(code)}</small></li>")
        return items

    def mention(self, u: str, evidence, width: int = 100) -> str:
        """A short snippet of the unit around the words that name it, marked; else its beginning, and why."""
        text = self.d.text(u, self.d.term("text")) or ""
        for q in (q for ev in evidence for q in ev.quotes if q.source is None):
            at = text.find(q.exact)
            if at < 0:
                continue
            end = at + len(q.exact)
            start = 0 if at <= width else text.rfind(" ", 0, at - width) + 1
            stop = text.find(" ", end + width) if len(text) - end > width else -1
            stop = len(text) if stop < 0 else stop
            return (f"<div class='snippet'>{'…' if start else ''}{e(text[start:at])}<mark>{e(q.exact)}</mark>"
                    f"{e(text[end:stop])}{'…' if stop < len(text) else ''}</div>")
        return f"{self.why_short(evidence)}<div class='snippet'>{e(self.snippet(u, 200))}</div>"

    def units_by_document(self, docs: "OrderedDict[str, list[str]]", iri: str) -> str:
        """The units that name `iri`, under their documents, the newest Congress first."""
        d = self.d

        def newest(doc: str) -> tuple:
            congress = d.congress_of(doc) if doc else None
            number = congress.rsplit("/", 1)[-1] if congress else ""
            return (int(number) if number.isdigit() else 0, d.year(doc) or "" if doc else "", doc)

        out = []
        for doc in sorted(docs, key=newest, reverse=True):
            items = "".join(f"<li>{self.a(u, d.label(u))}{self.mention(u, d.evidence(u, iri))}</li>" for u in docs[doc])
            year = d.year(doc) if doc else None
            congress = d.congress_of(doc) if doc else None
            title = d.text(doc, DCTERMS + "title") or d.label(doc) if doc else "Other texts"
            note = " · ".join(x for x in (e(year) if year else "", self.a(congress) if congress else "",
                                          f"{len(docs[doc])} {plural('paragraph', len(docs[doc]))}") if x)
            out.append(f"<section class='doc-group'><h3>{self.a(doc, title) if doc else e(title)}</h3>"
                       f"<p class='small'>{note}</p><ul class='plain'>{items}</ul></section>")
        return "".join(out)

    # --- ontology, dataset, anything else ---------------------------------------------------------------------------
    def ontology(self, iri: str, alternates) -> bytes:
        d = self.d
        terms = d.below(iri)
        groups: dict[str, list[str]] = {"Classes": [], "Properties": [], "Other terms": []}
        for term in terms:
            types = d.types(term)
            if OWL + "Class" in types or RDFS + "Class" in types:
                groups["Classes"].append(term)
            elif any(x.endswith("Property") for x in types):
                groups["Properties"].append(term)
            else:
                groups["Other terms"].append(term)
        out = []
        for name, items in groups.items():
            if not items:
                continue
            index = " · ".join(f"<a href='#{e(x.split('#', 1)[-1])}'>{e(x.split('#', 1)[-1])}</a>" for x in items)
            cards = "".join(
                f"<section id='{e(x.split('#', 1)[-1])}'><h3>{e(x.split('#', 1)[-1])} "
                f"<span class='count'>{e(self.term_label(x))}</span></h3>"
                f"<p class='iri'>{e(x)}</p>{self.property_table(x, skip={RDFS + 'isDefinedBy'})}</section>"
                for x in items)
            out.append(f"<h2>{name}</h2><p class='small'>{index}</p>{cards}")
        title = d.text(iri, DCTERMS + "title") or d.label(iri)
        body = (f"<p><span class='kind'>Ontology</span></p><h1>{e(title)}</h1><p class='iri'>{e(iri)}</p>"
                f"{self.property_table(iri)}{''.join(out)}{self.formats(iri, alternates)}")
        return self.frame(title, body, crumbs=[(self.mount, "Home"), (None, "Ontology")], alternates=alternates)

    def dataset_page(self, iri: str, alternates) -> bytes:
        d = self.d
        dumps = [x for x in d.values(iri, VOID + "dataDump") if isinstance(x, str)]
        rows = []
        for dump in sorted(dumps):
            size = d.text(dump, DCAT + "byteSize") or ""
            checksum = d.value(dump, SPDX + "checksum")      # DCAT-AP's spdx:Checksum, or the older uncc:sha256
            digest = d.text(checksum, SPDX + "checksumValue") if checksum is not None else d.text(dump, d.term("sha256"))
            rows.append(f"<tr><td><a href='{e(self.href(dump))}'>{e(dump.rsplit('/', 1)[-1])}</a></td>"
                        f"<td>{e(discovery.media_name(d.value(dump, DCAT + 'mediaType')) or '')}</td>"
                        f"<td>{e(f'{int(size):,}' if size.isdigit() else size)}</td>"
                        f"<td class='mono'>{e(digest or '')}</td></tr>")
        m = self.mount
        body = (f"<p><span class='kind'>Dataset</span></p><h1>{e(d.text(iri, DCTERMS + 'title') or d.label(iri))}</h1>"
                f"<p class='iri'>{e(iri)}</p><p class='lead'>{e(d.text(iri, DCTERMS + 'description') or '')}</p>"
                f"<h2>Downloads</h2><table><thead><tr><th>File</th><th>Media type</th><th>Bytes</th><th>SHA-256</th>"
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
                f"<p>Also: <a href='{m}void.ttl'>void.ttl</a> (this description) · <a href='{m}context.jsonld'>"
                f"context.jsonld</a> · <a href='{m}ontology.ttl'>ontology.ttl</a> · <a href='{m}taxonomy.ttl'>"
                f"taxonomy.ttl</a> · <a href='{m}authorities.ttl'>authorities.ttl</a> · "
                f"<a href='{m}MANIFEST.sha256'>MANIFEST.sha256</a></p>{self.per_document_files()}"
                f"<h2>Description</h2>{self.property_table(iri, skip={VOID + 'dataDump', DCAT + 'distribution'})}"
                + self.formats(iri, alternates))
        # schema.org Dataset markup, what dataset search engines read
        markup = (f'<script type="application/ld+json">\n{discovery.script_json(discovery.schema_dataset(d, iri))}'
                  f'\n</script>\n')
        return self.frame("Dataset", body, crumbs=[(m, "Home"), (None, "Dataset")], alternates=alternates,
                          head=markup)

    def per_document_files(self) -> str:
        rows = []
        for doc in self.d.documents:
            slug = doc.rsplit("/", 1)[-1]
            links = [f"<a href='{e(self.mount)}dataset/doc/{e(slug)}{suffix}'>{name}</a>"
                     for suffix, name in ((".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"))
                     if f"/dataset/doc/{slug}{suffix}" in self.downloads]
            if links:
                rows.append(f"<tr><td>{self.a(doc)}</td><td>{' · '.join(links)}</td></tr>")
        if not rows:
            return ""
        return ("<h3>One file per document</h3><table><thead><tr><th>Document</th><th>Files (its named graph)</th>"
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def generic(self, iri: str, alternates) -> bytes:
        d = self.d
        types = d.types(iri)
        kind = ", ".join(self.class_label(x.split("#")[-1].rsplit("/", 1)[-1]) for x in types) or "Resource"
        below = d.parts(iri)[:300]
        parts = "".join(f"<h3 id='{e(s[len(iri):].lstrip('/#').replace('/', '-'))}'>{self.a(s, s[len(iri):])}</h3>"
                        f"{self.property_table(s)}" for s in below)
        body = (f"<p><span class='kind'>{e(kind)}</span></p><h1>{e(d.label(iri))}</h1><p class='iri'>{e(iri)}</p>"
                f"{self.property_table(iri)}{'<h2>Parts</h2>' + parts if parts else ''}"
                f"{self.referenced_by(iri)}{self.formats(iri, alternates)}")
        crumbs = [(self.mount, "Home")]
        owner = self.owner(iri)
        if owner:
            crumbs.append((self.href(owner), d.label(owner)))
        crumbs.append((None, d.label(iri)))
        return self.frame(d.label(iri), body, crumbs=crumbs, alternates=alternates)

    def owner(self, iri: str) -> str | None:
        """The nearest described resource above `iri` (the unit a source span or an annotation belongs to)."""
        path = iri
        while "/" in path[len(self.d.base):]:
            path = path.rsplit("/", 1)[0]
            if path in self.d.out and path != iri:
                return path
        return None

    def property_table(self, iri: str, skip: set[str] = frozenset()) -> str:
        d = self.d
        rows: "OrderedDict[str, list[str]]" = OrderedDict()
        if RDF_TYPE not in skip and d.types(iri):
            rows[RDF_TYPE] = []                      # the type first
        for p, o in d.out.get(iri, ()):
            if p in skip:
                continue
            rows.setdefault(p, []).append(self.value_html(o))
        if not rows:
            return ""
        body = "".join(f"<tr><th>{self.a(p, self.predicate_label(p)) if p.startswith(d.base) else e(self.predicate_label(p))}"
                       f"</th><td>{'<br>'.join(v)}</td></tr>" for p, v in rows.items())
        return f"<table class='props'><tbody>{body}</tbody></table>"

    def value_html(self, o: Term) -> str:
        if isinstance(o, str):
            label = self.d.label(o)
            if label == o:
                label = self.d.prefixes.curie(o)
            if o.startswith(self.d.base):
                return self.a(o, label)
            return f'<a href="{e(o)}" title="{e(o)}">{e(label)}</a>'
        if isinstance(o, Blank):
            return e(f"_:{o.id}")
        suffix = ""
        if o.lang:
            suffix = f" <span class='count'>@{e(o.lang)}</span>"
        elif o.datatype and not o.datatype.endswith(("integer", "Integer")):
            suffix = f" <span class='count'>{e(self.d.prefixes.curie(o.datatype))}</span>"
        return e(o.value) + suffix

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
        local = term.split("#", 1)[-1]
        return "" if label.replace(" ", "").lower() == local.lower() else label

    def predicate_label(self, p: str) -> str:
        if p == RDF_TYPE:
            return "type"
        if p in PREDICATE_LABELS:
            return PREDICATE_LABELS[p]
        label = self.d.text(p, RDFS + "label")
        return label or self.d.prefixes.curie(p)

    def class_label(self, name: str) -> str:
        words = {"PreambleParagraph": "Preamble paragraph", "MappingEntry": "Compilation entry",
                 "PlanOfAction": "Plan of action", "CongressReport": "Congress report",
                 "RegionalPreparatoryMeetingReport": "Regional preparatory meeting report"}
        return words.get(name, name[:1].upper() + name[1:])

    # --- search, resolver, query, errors ----------------------------------------------------------------------------
    def search(self, q: str, doc_filter: str, theme_filter: str, page: int) -> bytes:
        d = self.d
        per = 20
        within = None
        if doc_filter:
            doc_iri = d.minter.base + "doc/" + doc_filter
            within = set(d.units_of.get(doc_iri, []))
        if theme_filter:
            theme_iri = d.base + "theme/" + theme_filter
            tagged = {s for s in d.subjects_with(d.term("theme"), theme_iri) if isinstance(s, str)}
            within = tagged if within is None else within & tagged
        results = self.search_index.search(q, limit=per, offset=(page - 1) * per, within=within) if q.strip() else None
        doc_options = "".join(
            f"<option value='{e(x.rsplit('/', 1)[-1])}'{' selected' if x.rsplit('/', 1)[-1] == doc_filter else ''}>"
            f"{e(d.label(x))}</option>" for x in d.documents)
        theme_options = "".join(
            f"<option value='{e(x.rsplit('/', 1)[-1])}'{' selected' if x.rsplit('/', 1)[-1] == theme_filter else ''}>"
            f"{e(d.label(x))}</option>" for x in d.themes)
        form = (f"<form action='{self.mount}search' class='controls'><input type='search' name='q' value='{e(q)}' "
                f"aria-label='Words to find' autofocus> <select name='doc' aria-label='Document'><option value=''>"
                f"All documents</option>{doc_options}</select> <select name='theme' aria-label='Theme'><option "
                f"value=''>All themes</option>{theme_options}</select> <button>Search</button></form>")
        out = [f"<h1>Search</h1>{form}"]
        if results is not None:
            if results.total == 0:
                out.append(f"<p class='notice'>Nothing matches <q>{e(q)}</q>. Try fewer or shorter words; a word of four "
                           f"letters or more also finds the words it begins.</p>")
            else:
                note = (" <span class='small'>(no unit has every word; these have some)</span>"
                        if results.partial else "")
                out.append(f"<p id='summary'>{results.total} unit{'s' if results.total != 1 else ''} for "
                           f"<q>{e(q)}</q>{note}</p><ol class='plain' id='hits'>")
                for hit in results.hits:
                    doc = d.document_of(hit.unit)
                    out.append(f"<li>{self.a(hit.unit)}{' <span class=count>' + e(d.year(doc) or '') + '</span>' if doc else ''}"
                               f"<div class='snippet'>{hit.marked}</div></li>")
                out.append("</ol>")
                pages = (results.total + per - 1) // per
                if pages > 1:
                    def link(n: int) -> str:
                        return self.mount + "search?" + urlencode(
                            {k: v for k, v in (("q", q), ("doc", doc_filter), ("theme", theme_filter), ("page", n)) if v})
                    prev = f"<a href='{e(link(page - 1))}'>← previous</a>" if page > 1 else "<span></span>"
                    nxt = f"<a href='{e(link(page + 1))}'>next →</a>" if page < pages else "<span></span>"
                    out.append(f"<nav class='pager'>{prev}<span class='small'>page {page} of {pages}</span>{nxt}</nav>")
        return self.frame(f"Search: {q}" if q else "Search", "".join(out),
                          crumbs=[(self.mount, "Home"), (None, "Search")])

    def choices(self, cite: str, outcome: Ambiguous) -> bytes:
        items = "".join(f"<li>{self.a(iri, label)} <span class='small mono'>{e(iri)}</span>"
                        f"<div class='snippet'>{e(self.snippet(iri))}</div></li>" for iri, label in outcome.candidates)
        body = (f"<h1>Which one?</h1><p class='lead'>The citation <q>{e(cite)}</q> could mean more than one thing. "
                f"{e(outcome.reason)}</p><ul class='plain' id='candidates'>{items}</ul>{self.resolver_form(cite)}")
        return self.frame("Multiple choices", body, crumbs=[(self.mount, "Home"), (None, "Resolve")])

    def unresolved(self, cite: str, outcome: Unresolved) -> bytes:
        items = "".join(f"<li>{self.a(iri, label)}</li>" for iri, label in outcome.suggestions)
        body = (f"<h1>No match</h1><p class='notice'>{e(outcome.message)}</p>"
                + (f"<h2>Perhaps</h2><ul class='plain'>{items}</ul>" if items else "")
                + self.resolver_form(cite)
                + "<p class='small'>Write a document's short title, its General Assembly resolution or its year, then "
                  "the place: <q>Doha Declaration, para. 5 (d)</q>, <q>A/RES/70/174, annex, para. 10(c)</q>, "
                  "<q>Kyoto Declaration paragraph 49</q>, <q>Kyoto Declaration, preamble 3</q>, "
                  "<q>[AP 62(a)]</q>.</p>")
        return self.frame("No match", body, crumbs=[(self.mount, "Home"), (None, "Resolve")])

    def resolver_form(self, cite: str = "") -> str:
        return (f"<form action='{self.mount}resolve' class='controls'><input type='text' name='cite' value='{e(cite)}' "
                f"size='40' aria-label='Citation'> <button>Resolve</button></form>")

    def query_page(self) -> bytes:
        examples = []
        for n, ex in enumerate(self.examples):
            description = f"<p title='{e(ex.description)}'>{e(ex.description)}</p>" if ex.description else ""
            examples.append(
                f"<li class='example'><div class='name'>{e(ex.title)}</div>{description}"
                f"<pre hidden id='example-{n}'>{e(ex.query)}</pre>"
                f"<button type='button' data-example='example-{n}' data-run='1' id='run-{e(ex.name)}'>Run</button> "
                f"<button type='button' class='quiet' data-example='example-{n}'>Edit</button> "
                f"<a class='small' href='{e(self.endpoint)}?{e(urlencode({'query': ex.query}))}'>results page</a></li>")
        first = self.examples[0].query if self.examples else "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10\n"
        # with YASGUI fetched, the script puts its editor in #yasgui and hides the form; without it (or without
        # JavaScript) the form and query.js's own table do the work
        editor, head = "", ""
        if self.yasgui:
            head = (f'<link rel="stylesheet" href="{e(self.mount + self.yasgui.stylesheet.url)}">\n'
                    f'<script src="{e(self.mount + self.yasgui.script.url)}" defer></script>\n')
            editor = "<div id='yasgui' hidden></div>"
        body = (f"<h1>Query with SPARQL</h1><p class='lead'>The endpoint <span class='mono'>{e(self.endpoint)}</span> "
                f"speaks the SPARQL 1.1 protocol (GET or POST); the default graph is the union of all named graphs. "
                f"Results come as JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE as Turtle, JSON-LD, N-Triples or "
                f"RDF/XML. It is read-only.</p>"
                f"<div class='query-layout'><div class='query-main'>{editor}"
                f"<form id='query-form' action='{e(self.endpoint)}' method='get'>"
                f"<textarea id='query' name='query' spellcheck='false' aria-label='SPARQL query'>{e(first)}</textarea>"
                f"<div class='controls'><button type='submit' id='run'>Run query</button>"
                f"<span class='small'>Without JavaScript the results open as a page.</span></div></form>"
                f"<div id='status' role='status'></div><div id='results'></div></div>"
                f"<aside class='query-examples' aria-label='Example queries'><h2>Examples</h2>"
                f"<ul class='plain examples'>{''.join(examples)}</ul></aside></div>")
        prefixes = json.dumps(self.d.prefixes.mapping, sort_keys=True)
        return self.frame("SPARQL", body, crumbs=[(self.mount, "Home"), (None, "SPARQL")], wide=True, script=True,
                          head=head, body_attrs=f' data-base="{e(self.d.base)}" data-mount="{e(self.mount)}" '
                                     f'data-prefixes="{e(prefixes)}"')

    def sparql_results(self, query: str, payload: bytes) -> bytes:
        data = json.loads(payload)
        if "boolean" in data:
            table = f"<p id='answer'>ASK: <strong>{'true' if data['boolean'] else 'false'}</strong></p>"
            count = ""
        else:
            variables = data["head"]["vars"]
            rows = data["results"]["bindings"]
            head = "".join(f"<th>?{e(v)}</th>" for v in variables)
            body = []
            for row in rows:
                cells = []
                for v in variables:
                    term = row.get(v)
                    if term is None:
                        cells.append("<td></td>")
                    elif term["type"] == "uri":
                        cells.append(f"<td class='mono'>{self.a(term['value'], self.curie(term['value']))}</td>")
                    else:
                        lang = term.get("xml:lang")
                        cells.append(f"<td>{e(term['value'])}{f' <span class=count>@{e(lang)}</span>' if lang else ''}</td>")
                body.append("<tr>" + "".join(cells) + "</tr>")
            table = f"<table id='results-table'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        page = (f"<h1>Query results</h1><p class='small'>{count}</p>{table}<h2>Query</h2>"
                f"<form action='{e(self.endpoint)}' method='get'><textarea id='query' name='query' "
                f"spellcheck='false' aria-label='SPARQL query'>{e(query)}</textarea>"
                f"<div class='controls'><button>Run again</button> <a href='{self.mount}query'>examples</a></div></form>")
        return self.frame("Query results", page, crumbs=[(self.mount, "Home"), (self.mount + "query", "SPARQL"),
                                                         (None, "Results")], wide=True)

    def error(self, status: int, title: str, message: str) -> bytes:
        body = (f"<h1>{e(title)}</h1><p class='notice error'>{e(message)}</p>"
                f"<p>Try the <a href='{self.mount}'>home page</a>, <a href='{self.mount}search'>search</a> or a "
                f"citation:</p>{self.resolver_form()}")
        return self.frame(f"{status} {title}", body, crumbs=[(self.mount, "Home"), (None, str(status))])
