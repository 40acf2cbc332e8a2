"""Server-rendered HTML pages: each page is a view (views.py: what the data says) laid out by a Jinja2 template
(templates/pages/). The templates escape everything they print (autoescape), and a missing name is an error
(StrictUndefined), never a blank.
"""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import TemplateAssertionError
from markupsafe import Markup

from . import assets
from ..cachedir import default_cache_dir
from .data import SKOS, Dataset
from .resolver import Ambiguous, Unresolved
from .search import SearchIndex
from .views import TAGS, Example, Inline, Link, Piece, Views

__all__ = ["Example", "Pages"]

SITE_NAME = "UN Crime Congress declarations"


_SPECIAL = re.compile(r"[&<>\"']")


def escape(text: str) -> str:
    """html.escape, quotes too; text with nothing to escape (most of it) is not gone over five times."""
    return html.escape(text) if _SPECIAL.search(text) else text


# The filters the templates use hundreds of times a page (a macro call costs many times more). They
# escape every piece of text they are given (html.escape, quotes too: what autoescape does, without making a
# Markup object of each piece).
def link(item: Piece) -> Markup:
    """A `views.Link` as <a>, or as <span> when it is no link to make; text as text."""
    return Markup(_link(item))


def _link(item: Piece) -> str:
    if isinstance(item, str):
        return escape(item)
    if not isinstance(item, Link):
        return _inline((item,))
    cls = f' class="{escape(item.cls)}"' if item.cls else ""
    if item.href is None:
        return f"<span{cls}>{escape(item.text)}</span>"
    title = f' title="{escape(item.title)}"' if item.title else ""
    rel = f' rel="{escape(item.rel)}"' if item.rel else ""
    return f'<a href="{escape(item.href)}"{cls}{title}{rel}>{escape(item.text)}</a>'


def inline(parts: Inline) -> Markup:
    """Running text: strings, `views.Link`s and `views.Tag`s (inline elements of a fixed set of names)."""
    return Markup(_inline(parts))


def _inline(parts: Inline) -> str:
    out = []
    for part in parts:
        if isinstance(part, (str, Link)):
            out.append(_link(part))
            continue
        if part.name not in TAGS:
            raise ValueError(f"not an inline element a page makes: {part.name!r}")
        attrs = "".join(f" {name}='{escape(value)}'" for name, value in
                        (("class", part.cls), ("title", part.title), ("id", part.id)) if value)
        out.append(f"<{part.name}{attrs}>{_inline(part.content)}</{part.name}>")
    return "".join(out)


def runs(items: tuple[Inline, ...], sep: str) -> Markup:
    """Runs of text with `sep` between them (markup when it is Markup, else text)."""
    glue = str(sep) if isinstance(sep, Markup) else escape(sep)      # a plain str: Markup.join would escape
    return Markup(glue.join(_inline(item) for item in items))


def why(reason) -> Markup:
    """Why a unit carries a tag (a `views.Why`, or None): prose, then the machinery in a detail line."""
    if not reason:
        return Markup("")
    text = f" <span class='why'>{runs(reason.text, ' · ')}</span>" if reason.text else ""
    detail = f" <small class='small detail'>{runs(reason.detail, ' · ')}</small>" if reason.detail else ""
    return Markup(text + detail)


def _printed(value) -> str:
    """What `{{ value }}` prints: markup (a filter's Markup, a macro's output) as it is, text escaped as the
    filters escape it (html.escape: the entities the pages have always had), a number as text; an undefined
    name raises (StrictUndefined)."""
    if type(value) is str:
        return escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


class _PrintOnce(CodeGenerator):
    """Compiles `{{ value }}` to `_printed(value)` alone where Jinja2 would write `escape(finalize(value))`:
    finalize is then the one place that escapes, and a printed value costs no Markup object, two of which
    (finalize's and escape's) were a third of a page's rendering time."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            raise TemplateAssertionError("the pages escape everything: no {% autoescape %} blocks",
                                         node.lineno, self.name, self.filename)
        self.write(finalize.src)

    def _output_child_post(self, node, frame, finalize) -> None:
        self.write(")")


class _Environment(Environment):
    code_generator_class = _PrintOnce


# compiled once per process, each template on first use
TEMPLATES = _Environment(loader=PackageLoader("crimecongress.serve", "templates/pages"),
                         autoescape=True, undefined=StrictUndefined, finalize=_printed,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
TEMPLATES.filters.update(link=link, inline=inline, runs=runs, why=why)   # filters: called directly, no context
TEMPLATES.globals["br"] = Markup("<br>")


class CompiledTemplates(FileSystemBytecodeCache):
    """The templates as Jinja2 compiled them, kept in the cache directory: compiling the twenty of them costs a
    server 0.3 s at every start. An entry is used only for the same template text (Jinja2 checks it), the same
    code of this module (its code generator and settings decide what a template compiles to) and the same
    Jinja2 and Python; a cache that cannot be read or written costs the compiling, nothing else."""

    def __init__(self, directory: Path):
        self.code = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
        super().__init__(str(directory), pattern=f"{self.code}-%s.cache")

    def prune(self) -> None:
        """Remove what other code compiled: an earlier version's entries would otherwise stay for ever."""
        try:
            for entry in Path(self.directory).glob("*.cache"):
                if not entry.name.startswith(self.code + "-"):
                    entry.unlink(missing_ok=True)
        except OSError:
            pass

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 -- a damaged entry: the template is compiled again and the entry rewritten
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def compile_templates() -> None:
    """Compile every page template now (Jinja2 compiles one on its first use: the first visitors of each kind of
    page would wait for it), or read them as compiled by an earlier start (`CompiledTemplates`)."""
    TEMPLATES.bytecode_cache = compiled = CompiledTemplates(default_cache_dir() / "templates")
    for name in TEMPLATES.list_templates():
        TEMPLATES.get_template(name)
    compiled.prune()


class _Forward:
    """An attribute of the pages' views, read and set through the pages."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, pages, owner=None):
        return self if pages is None else getattr(pages.views, self.name)

    def __set__(self, pages, value) -> None:
        setattr(pages.views, self.name, value)


class Pages:
    def __init__(self, data: Dataset, search: SearchIndex, examples: list[Example], mount: str = "/",
                 endpoint: str | None = None):
        mount = mount if mount.endswith("/") else mount + "/"
        self.views = Views(data, search, examples, mount, endpoint or mount + "sparql", assets.yasgui())

    # what the app (and the tests) read and set, kept by the views
    d = _Forward()                 # the Dataset
    mount = _Forward()
    endpoint = _Forward()
    yasgui = _Forward()            # the query page's editor (assets.Yasgui), when `make setup` fetched it
    downloads = _Forward()         # URL paths of the build's files (set by the app)
    figure_titles = _Forward()     # figure URL path -> its <title> (set by the app)
    live = _Forward()              # False in the static site: no search, no resolver

    def href(self, iri: str) -> str:
        return self.views.href(iri)

    def render(self, template: str, view) -> bytes:
        return TEMPLATES.get_template(template).render(
            view=view, frame=view.frame, mount=self.mount, base=self.d.base, live=self.live,
            site_name=SITE_NAME).encode("utf-8")

    def why(self, evidence, value: str | None = None) -> Markup:
        """Why a unit carries a tag, as the unit page says it (the `why` filter)."""
        return why(self.views.why(evidence, value))

    # --- home and lists ---------------------------------------------------------------------------------------------
    def home(self) -> bytes:
        return self.render("home.html", self.views.home())

    def documents_page(self) -> bytes:
        return self.render("documents.html", self.views.documents_page())

    def theme_scheme(self, iri: str | None, alternates) -> bytes:
        return self.render("theme_scheme.html", self.views.theme_scheme(iri, alternates))

    def authority_list(self, kind: str, iri: str | None, alternates) -> bytes:
        return self.render("authority_list.html", self.views.authority_list(kind, iri, alternates))

    # --- a resource -------------------------------------------------------------------------------------------------
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

    def document(self, doc: str, alternates) -> bytes:
        return self.render("document.html", self.views.document(doc, alternates))

    def unit(self, u: str, alternates) -> bytes:
        return self.render("unit.html", self.views.unit(u, alternates))

    def theme(self, iri: str, alternates) -> bytes:
        return self.render("theme.html", self.views.theme(iri, alternates))

    def authority(self, kind: str, iri: str, alternates) -> bytes:
        return self.render("authority.html", self.views.authority(kind, iri, alternates))

    def ontology(self, iri: str, alternates) -> bytes:
        return self.render("ontology.html", self.views.ontology(iri, alternates))

    def dataset_page(self, iri: str, alternates) -> bytes:
        return self.render("dataset.html", self.views.dataset_page(iri, alternates))

    def generic(self, iri: str, alternates) -> bytes:
        return self.render("generic.html", self.views.generic(iri, alternates))

    # --- search, resolver, query, errors ----------------------------------------------------------------------------
    def search(self, q: str, doc_filter: str, theme_filter: str, page: int) -> bytes:
        return self.render("search.html", self.views.search(q, doc_filter, theme_filter, page))

    def resolve_page(self) -> bytes:
        """The resolver's form, for /resolve without a citation."""
        return self.render("resolve.html", self.views.resolve_form())

    def choices(self, cite: str, outcome: Ambiguous) -> bytes:
        return self.render("choices.html", self.views.choices(cite, outcome))

    def unresolved(self, cite: str, outcome: Unresolved) -> bytes:
        return self.render("unresolved.html", self.views.unresolved(cite, outcome))

    def query_page(self) -> bytes:
        return self.render("query.html", self.views.query_page())

    def sparql_results(self, query: str, payload: bytes) -> bytes:
        return self.render("sparql_results.html", self.views.sparql_results(query, payload))

    def error(self, status: int, title: str, message: str) -> bytes:
        return self.render("error.html", self.views.error(status, title, message))
