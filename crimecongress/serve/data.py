"""The published dataset in memory, indexed for pages, descriptions, search and the resolver.

Read once from build/ (dataset.nq, plus void.ttl and context.jsonld); never from sources/. Everything here
is immutable after loading (the statements for the RDF writers are set once, whole, when they are read), so
request threads share it without locks.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import sys
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from .. import collector, dumps, store
from ..cachedir import default_cache_dir
from ..errors import InputError
from ..fileio import write_atomic
from ..ids import DEFAULT_BASE, SDG_BASE, Minter, last_segment
from ..export import Compactor, lines_in_statement_order, statement_order
from ..prefixes import Prefixes, pick, table
from ..store import build_base, digest_of
from . import rdf
from .rdf import RDF_TYPE, XSD_STRING, Lit, Term, Triple, from_ox, sort_key

_NS = table()
RDFS, SKOS, DCTERMS, ELI = _NS["rdfs"], _NS["skos"], _NS["dcterms"], _NS["eli"]
PART_OF = ELI + "is_part_of"
OA, PROV, OWL, VOID, DCAT, XSD = _NS["oa"], _NS["prov"], _NS["owl"], _NS["void"], _NS["dcat"], _NS["xsd"]

# What the pages and answers may shorten beyond the build's JSON-LD context, which gives the rest: the names
# the ontology, the shapes and the catalogue use. (The Turtle files' theme:, actor:... are not among them.)
EXTRA_PREFIXES = pick(("rdf", "vann", "foaf", "schema", "sh", "dcat", "void"))
UNIT_CLASSES = ("Paragraph", "Subparagraph", "Item", "PreambleParagraph", "Heading", "Footnote", "Formula",
                "MappingEntry")
DOCUMENT_CLASSES = ("Declaration", "PlanOfAction", "CongressReport", "Compilation",
                    "RegionalPreparatoryMeetingReport")
INDEX_FORMAT = 1          # raise when what the Dataset's indexes hold changes
# Sub-resources (ids.SUB_RESOURCES): what the Minter mints below a resource to say more about it, as a blank node
# would, and hash IRIs ({base}ontology#Term). They belong to the description of the resource they are minted
# below; units minted below a unit (5/d below 5) are resources of their own.
ORDINALS = ["", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
            "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
            "Eighteenth", "Nineteenth", "Twentieth"]


@dataclass(frozen=True)
class Quote:
    """Words that triggered a tag, in the unit they were read in, with a little context either side."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    source: str | None = None        # the unit the words are in, when it is not the tagged unit


@dataclass(frozen=True)
class Origin:
    """A tag another tag was derived from (prov:wasDerivedFrom): its annotation, the unit it is on and what it
    says (a theme, an instrument...), so that a page can say "names the Convention, which serves target 16.5"."""

    annotation: str
    unit: str | None
    body: str | None


@dataclass(frozen=True)
class Evidence:
    """Why a unit carries a tag: the annotation, the words that triggered it, and how it was made."""

    annotation: str
    quotes: tuple[Quote, ...]
    confidence: str | None
    agent: str | None
    rule: str | None = None          # uncc:rule, or uncc:curation for a curated tag
    method: str | None = None        # uncc:method ("match", "curated", "derived", ...)
    via: tuple[str, ...] = ()        # annotations this one was derived from (prov:wasDerivedFrom)
    origins: tuple[Origin, ...] = ()  # the same, with the unit and body of each

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.exact for q in self.quotes))


@dataclass(frozen=True)
class BuildInfo:
    """What serving a build needs before its indexes, read in milliseconds: its base, the JSON-LD context and the
    prefixes. It is all the SPARQL workers need, so the endpoint can start while the indexes load."""

    build_dir: Path
    dump: Path                 # dataset.nq(.gz)
    base: str
    minter: Minter
    context: dict
    compactor: Compactor
    prefixes: Prefixes

    @classmethod
    def read(cls, build_dir: Path, base: str | None = None) -> "BuildInfo":
        build_dir = Path(build_dir)
        dump = dumps.find(build_dir, dumps.QUADS)
        if dump is None:
            raise InputError("no dataset.nq.gz: run `crimecongress build` first",
                             file=dumps.display_name(build_dir), hint="or pass --build DIR")
        base = base or build_base(build_dir) or DEFAULT_BASE
        context = _context(build_dir, base)
        compactor = Compactor(context)
        return cls(build_dir, dump, base, Minter(base), context, compactor,
                   Prefixes({**EXTRA_PREFIXES, **compactor.prefixes}))

    def sparql_config(self, federation: frozenset[str] = frozenset()) -> dict:
        """What the SPARQL workers are started with. They open the build's persistent store read-only; it is
        made here, the first time the build is served, since the bulk loader needs more memory than a worker
        may have (crimecongress.store); without a usable cache directory the workers load the dump into
        memory, void.ttl into its graph."""
        void_graph = self.minter.graph("void")
        source = store.source(self.build_dir, void_graph)
        folder = store.ensure(source)
        return {"store": str(folder) if folder else None, "nquads": str(source.dump),
                "extra": [(str(source.void), void_graph)] if source.void else [], "context": self.context,
                "prefixes": self.prefixes.mapping, "federation": sorted(federation)}


class Dataset:
    """Indexes over every triple of the published dataset (all named graphs merged, plus the VoID file)."""

    def __init__(self, build_dir: Path, base: str | None = None, info: BuildInfo | None = None):
        self.build_dir = Path(build_dir)
        info = info or BuildInfo.read(self.build_dir, base)
        nq = info.dump
        self.base = info.base
        self.minter = info.minter
        self.uncc = self.minter.term("")
        self.out: dict[Term, list[tuple[str, Term]]] = {}
        self.inc: dict[str, list[tuple[Term, str]]] = {}
        self._nq, self._nt = nq, dumps.find(self.build_dir, "dataset.nt")
        self._void = self.build_dir / "void.ttl"
        self._statements: dict[Term, tuple[ox.Triple, ...]] | None = None     # see read_statements
        cache = IndexCache.of(self.build_dir, self._nt or nq, self._void if self._void.is_file() else None)
        indexes = cache.load() if cache else None
        if indexes is not None:
            self.out, self.inc, self.subjects = indexes
        else:
            self._read_build()
            if cache:
                cache.save((self.out, self.inc, self.subjects))
        self.triple_count = sum(len(v) for v in self.out.values())
        self.context = info.context
        self.compactor = info.compactor
        self.prefixes = info.prefixes
        self._labels: dict[str, str] = {}

    def _files(self) -> list[tuple[Path, object, bool]]:
        """The files the statements are read from, each with its format and whether it is dataset.nt (sorted
        lines, no repeated triple): the whole graph (the union of dataset.nq's named graphs, without repeats,
        sorted by subject), then the VoID description."""
        files = [(self._nt, ox.RdfFormat.N_TRIPLES, True) if self._nt is not None
                 else (self._nq, ox.RdfFormat.N_QUADS, False)]
        if self._void.is_file():
            files.append((self._void, ox.RdfFormat.TURTLE, False))
        return files

    def _read_build(self) -> None:
        try:
            for path, fmt, unique in self._files():
                self._read(path, fmt, unique)
        except (SyntaxError, OSError) as exc:
            raise InputError(f"cannot read the build: {exc}", file=str(self._nq)) from None
        self._index_inbound()
        self.subjects = sorted(s for s in self.out if isinstance(s, str))

    def _read(self, path: Path, fmt, unique: bool) -> None:
        """Add a file's triples to the indexes. Pairs keep the file's order (the build's files are sorted, so
        the order is the same on every run); `unique` says the file has no repeated triple. A gzipped dump is
        read as it is unpacked."""
        with dumps.open_plain(path) as handle:
            self._index(ox.parse(handle, format=fmt), unique)

    def read_statements(self) -> None:
        """Read the build once more for `statements`: pyoxigraph triples by subject, each subject's in the
        writers' order. A description is then written as it is, not converted term by term (a Triple made from
        Python values costs microseconds, one the parser makes next to nothing) and not sorted again.
        dataset.nt's lines are sorted, so a subject's statements come in the writers' order already (by
        predicate, then object) unless one predicate IRI starts another (see export.lines_in_statement_order);
        the others (dataset.nq's, with repeats; void.ttl's) are sorted here. About 0.7 s and 50 MB for the
        seed build; the server does it once its pages are up (`App.warm`)."""
        if self._statements is not None:
            return
        by_subject: dict[Term, list[ox.Triple]] = {}
        predicates: set[str] = set()
        unsorted: set[Term] = set()
        try:
            for path, fmt, sorted_lines in self._files():
                with dumps.open_plain(path) as handle:
                    for quad in ox.parse(handle, format=fmt):
                        subject = quad.subject
                        key = subject.value if type(subject) is ox.NamedNode else from_ox(subject)
                        block = by_subject.get(key)
                        if block is None:
                            by_subject[key] = block = []
                        block.append(quad.triple)
                        predicates.add(quad.predicate.value)
                        if not sorted_lines:
                            unsorted.add(key)
        except (SyntaxError, OSError) as exc:
            raise InputError(f"cannot read the build: {exc}", file=str(self._nq)) from None
        if not lines_in_statement_order(predicates):
            unsorted = set(by_subject)
        self._statements = {s: tuple(sorted(dict.fromkeys(block), key=statement_order)) if s in unsorted
                            else tuple(block) for s, block in by_subject.items()}

    def _index(self, triples, unique: bool) -> None:
        intern = sys.intern
        named, literal = ox.NamedNode, ox.Literal
        out = self.out
        touched = set()
        for t in triples:
            s = t.subject
            s = intern(s.value) if type(s) is named else from_ox(s)
            o = t.object
            kind = type(o)
            if kind is named:
                o = intern(o.value)
            elif kind is literal:
                lang = o.language
                if lang:
                    o = Lit(o.value, lang, None)
                else:
                    datatype = o.datatype.value
                    o = Lit(o.value, None, None if datatype == XSD_STRING else intern(datatype))
            else:
                o = from_ox(o)
            pairs = out.get(s)
            if pairs is None:
                out[s] = pairs = []
            pairs.append((intern(t.predicate.value), o))
            if not unique:
                touched.add(s)
        for s in touched:
            out[s] = list(dict.fromkeys(out[s]))

    def _index_inbound(self) -> None:
        """Inbound links: object IRI -> [(subject, predicate)], in subject order."""
        inc = {}
        for s, pairs in self.out.items():
            for p, o in pairs:
                if type(o) is str:
                    refs = inc.get(o)
                    if refs is None:
                        inc[o] = refs = []
                    refs.append((s, p))
        for refs in inc.values():
            if len(refs) > 1:
                refs.sort(key=_subject_key)
        self.inc = inc

    # --- basic access ---------------------------------------------------------------------------------------------
    def values(self, s: Term, p: str) -> list[Term]:
        return [o for pp, o in self.out.get(s, ()) if pp == p]

    def value(self, s: Term, p: str) -> Term | None:
        for pp, o in self.out.get(s, ()):
            if pp == p:
                return o
        return None

    def text(self, s: Term, p: str, lang: str = "en") -> str | None:
        """A literal value of `p`, preferring the language `lang`, then untagged, then any."""
        best = None
        for pp, o in self.out.get(s, ()):
            if pp == p and isinstance(o, Lit):
                if o.lang == lang:
                    return o.value
                if best is None or (o.lang is None and best.lang is not None):
                    best = o
        return best.value if best is not None else None

    def types(self, s: Term) -> list[str]:
        return [o for o in self.values(s, RDF_TYPE) if isinstance(o, str)]

    def subjects_with(self, p: str, o: Term) -> list[Term]:
        return [s for s, pp in self.inc.get(o, ()) if pp == p] if isinstance(o, str) else []

    def term(self, name: str) -> str:
        return self.uncc + name

    def is_a(self, s: Term, *names: str) -> bool:
        wanted = {self.term(n) for n in names}
        return any(t in wanted for t in self.types(s))

    def knows(self, iri: str) -> bool:
        return iri in self.out or iri in self.inc

    def below(self, iri: str) -> list[str]:
        """Subjects minted below `iri` (`iri/...` or `iri#...`), in IRI order."""
        return sorted(s for prefix in self.minter.below_prefixes(iri) for s in self._starting(prefix))

    def _starting(self, prefix: str) -> list[str]:
        """Subject IRIs that start with `prefix`, in IRI order."""
        subjects = self.subjects
        start = i = bisect_left(subjects, prefix)
        while i < len(subjects) and subjects[i].startswith(prefix):
            i += 1
        return subjects[start:i]

    def parts(self, iri: str) -> list[str]:
        """The sub-resources of `iri` (ids.SUB_RESOURCES: the IRIs the grammar mints below it, and what is below
        them) and its hash IRIs, in IRI order. Below the dataset's IRI everything is a part (the dumps of its
        VoID description)."""
        everything = iri == self.minter.dataset()
        found = []
        for s in self.below(iri):
            parts = self.minter.parse(s)
            if everything or self.minter.without_fragment(s) == iri or (parts is not None and parts.owner == iri):
                found.append(s)
        return found

    def _described(self, iri: str) -> tuple[list[Term], list[tuple[Term, str]]]:
        """What the description of `iri` is made of: the subjects whose every statement is in it, and the
        (subject, predicate) of the statements in it that point at `iri`."""
        own = [s for s in (iri, *self.parts(iri)) if s in self.out]
        pointing = [(s, p) for s, p in self.inc.get(iri, ()) if p == PART_OF]
        if not own and not pointing:
            pointing = list(self.inc.get(iri, ()))
        return own, pointing

    def description(self, iri: str) -> list[Triple]:
        """The RDF served for `iri`, a concise bounded description: the triples about it and about its
        sub-resources (source spans, tag annotations, alignments, ontology terms...), plus the links from the
        units that are part of it (`?child eli:is_part_of <iri>`), so that a client can walk down. An IRI that
        is only ever an object is described by the triples that point at it."""
        own, pointing = self._described(iri)
        return [(s, p, o) for s in own for p, o in self.out[s]] + [(s, p, iri) for s, p in pointing]

    def statements(self, iri: str) -> list[ox.Triple] | None:
        """The description of `iri` (see `description`) as pyoxigraph triples in the order the writers write
        them (export.ordered, `iri` first), for crimecongress.export to write as they are; None until
        `read_statements` has run."""
        by_subject = self._statements
        if by_subject is None:
            return None
        own, pointing = self._described(iri)
        blocks = {s: by_subject[s] for s in own}
        target = ox.NamedNode(iri)
        wanted: dict[Term, set[str]] = {}
        for s, p in pointing:
            if s not in blocks:         # a statement of an own subject is in its block already
                wanted.setdefault(s, set()).add(p)
        for s, predicates in wanted.items():
            blocks[s] = [t for t in by_subject.get(s, ()) if t.object == target and t.predicate.value in predicates]
        return [t for s in sorted(blocks, key=lambda s: (s != iri, *sort_key(s))) for t in blocks[s]]

    # --- labels -----------------------------------------------------------------------------------------------------
    def label(self, iri: Term) -> str:
        if not isinstance(iri, str):
            return iri.value if isinstance(iri, Lit) else f"_:{iri.id}"
        cached = self._labels.get(iri)
        if cached is None:
            cached = self._make_label(iri)
            self._labels[iri] = cached
        return cached

    def _make_label(self, iri: str) -> str:
        for p in (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", self.term("shortTitle")):
            text = self.text(iri, p)
            if text:
                return text
        if iri.startswith(SDG_BASE):
            code = last_segment(iri)
            return f"SDG {'target' if '.' in code else 'goal' if code.isdigit() else 'indicator'} {code}"
        if not self.minter.is_own(iri):
            return iri
        tail = last_segment(iri)
        if self.minter.is_member(iri, "congress"):
            ordinal = int(tail) if tail.isdigit() and int(tail) < len(ORDINALS) else None
            return f"{ORDINALS[ordinal]} Congress" if ordinal is not None else f"Congress {tail}"
        if self.minter.is_member(iri, "meeting"):
            return tail.replace("-", " ").capitalize()
        if self.minter.is_member(iri, "source"):
            return self.text(iri, DCTERMS + "identifier") or tail
        return tail or iri

    def short_label(self, unit: str) -> str:
        """A unit's own label in a breadcrumb: "para. 5", "(d)", "preamble 3", "footnote 2", a heading's text."""
        kind = self.unit_kind(unit)
        number = self.text(unit, ELI + "number")
        tail = last_segment(unit)
        if kind == "Heading":
            text = self.text(unit, self.term("text")) or f"heading {tail}"
            return text if len(text) <= 60 else text[:57].rstrip() + "…"
        if kind in ("Subparagraph", "Item"):
            return f"({number or tail})"
        if kind == "Paragraph":
            return f"para. {number or tail}"
        if kind == "PreambleParagraph":
            return f"preamble {tail}"
        if kind == "Footnote":
            return f"footnote {number or tail}"
        if kind == "Formula":
            return f"formula {tail}"
        if kind == "MappingEntry":
            return self.text(unit, self.term("printedCode")) or f"entry {tail}"
        return self.label(unit)

    # --- documents and units ----------------------------------------------------------------------------------------
    @cached_property
    def _listed(self) -> dict[str, list[tuple[Term, Term]]]:
        """(subject, object) of every statement of the predicates that whole lists are made from, in the indexes'
        order: one pass over the statements for all of them, not one for each list (0.03 s each)."""
        listed: dict[str, list[tuple[Term, Term]]] = {RDF_TYPE: [], self.term("document"): [], self.term("theme"): []}
        for s, pairs in self.out.items():
            for p, o in pairs:
                found = listed.get(p)
                if found is not None:
                    found.append((s, o))
        return listed

    @cached_property
    def _unit_kinds(self) -> dict[str, str]:
        kinds: dict[str, str] = {}
        classes = {self.uncc + name: name for name in UNIT_CLASSES}
        for s, o in self._listed[RDF_TYPE]:
            if o in classes and s not in kinds:      # a subject's first unit class
                kinds[s] = classes[o]
        return kinds

    def unit_kind(self, iri) -> str | None:
        return self._unit_kinds.get(iri)

    @cached_property
    def _flow(self) -> dict[str, tuple[list[str], dict[str, int]]]:
        """Document -> its units in reading order without the footnotes, and each unit's index there."""
        flow = {}
        for doc, units in self.units_of.items():
            order = [u for u in units if self.unit_kind(u) != "Footnote"]
            flow[doc] = (order, {u: i for i, u in enumerate(order)})
        return flow

    def neighbours(self, unit: str) -> tuple[str | None, str | None]:
        """The units before and after `unit` in its document's reading order (footnotes left out)."""
        doc = self.document_of(unit)
        order, index = self._flow.get(doc, ([], {}))
        i = index.get(unit)
        if i is None:
            return None, None
        return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)

    def document_kind(self, iri: str) -> str | None:
        for t in self.types(iri):
            if t.startswith(self.uncc) and t[len(self.uncc):] in DOCUMENT_CLASSES:
                return t[len(self.uncc):]
        return None

    @cached_property
    def documents(self) -> list[str]:
        """Every document, oldest first (then by title)."""
        # the typed ones through the inbound index: asking every subject for its types took 0.1 s of a start
        docs = {s for name in DOCUMENT_CLASSES for s in self.subjects_with(RDF_TYPE, self.term(name))
                if isinstance(s, str)}
        docs |= {o for _, o in self._listed[self.term("document")] if isinstance(o, str)}
        return sorted(docs, key=lambda d: (self.year(d) or "9999", self.label(d)))

    def year(self, doc: str) -> str | None:
        return self.text(doc, self.term("year")) or (self.text(doc, DCTERMS + "issued") or "")[:4] or None

    @cached_property
    def units_of(self) -> dict[str, list[str]]:
        """Document IRI -> its units in document order."""
        units: dict[str, list[tuple[int, str]]] = {}
        for s, doc in self._listed[self.term("document")]:
            units.setdefault(doc, []).append((self.position(s), s))
        return {doc: [u for _, u in sorted(pairs)] for doc, pairs in units.items()}

    def position(self, unit: str) -> int:
        value = self.text(unit, self.term("position"))
        return int(value) if value and value.isdigit() else 0

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """Unit or document IRI -> the units directly part of it, in document order."""
        kids: dict[str, list[str]] = {}
        for units in self.units_of.values():
            for unit in units:
                parent = self.value(unit, ELI + "is_part_of")
                if isinstance(parent, str):
                    kids.setdefault(parent, []).append(unit)
        return kids

    def document_of(self, unit: str) -> str | None:
        doc = self.value(unit, self.term("document"))
        return doc if isinstance(doc, str) else None

    def parent_chain(self, unit: str) -> list[str]:
        """The units enclosing `unit`, outermost first (not the document)."""
        chain, seen = [], {unit}
        parent = self.value(unit, ELI + "is_part_of")
        while isinstance(parent, str) and parent not in seen and self.unit_kind(parent):
            chain.append(parent)
            seen.add(parent)
            parent = self.value(parent, ELI + "is_part_of")
        return list(reversed(chain))

    def heading_chain(self, unit: str) -> list[str]:
        """The headings `unit` stands under, outermost first."""
        chain, seen = [], {unit}
        heading = self.value(unit, self.term("underHeading"))
        while isinstance(heading, str) and heading not in seen:
            chain.append(heading)
            seen.add(heading)
            heading = self.value(heading, self.term("underHeading"))
        return list(reversed(chain))

    def alignment(self, source: str, target: str, relation: str) -> dict[str, str]:
        """Score, evidence and method of the uncc:Alignment behind a lineage link, if the data has one."""
        t = self.term
        for node in self.subjects_with(t("target"), target):
            if isinstance(node, str) and self.value(node, t("source")) == source and \
                    self.value(node, t("relation")) in (relation, None):
                return {key: self.text(node, t(key)) for key in ("score", "evidence", "method", "rank")
                        if self.text(node, t(key))}
        return {}

    # --- tags -------------------------------------------------------------------------------------------------------
    @cached_property
    def tag_predicates(self) -> dict[str, str]:
        return {"theme": self.term("theme"), "inferred": self.term("inferredTheme"), "instrument": self.term("instrument"),
                "actor": self.term("actor"), "sdg": self.term("sdgTarget")}

    def evidence(self, unit: str, body: str) -> list[Evidence]:
        """The annotations of `unit` whose body is `body`, with the words that triggered them (followed through
        prov:wasDerivedFrom when the tag was derived from another one, e.g. from a subparagraph's)."""
        found = []
        for ann in self._annotations_by_body(unit).get(body, ()):
            quotes: list[Quote] = []
            via: list[str] = []
            seen = {ann}
            frontier = [ann]
            while frontier and len(seen) < 20:
                node = frontier.pop(0)
                quotes += self._quotes(node, unit)
                for origin in self.values(node, PROV + "wasDerivedFrom"):
                    if isinstance(origin, str) and origin not in seen:
                        seen.add(origin)
                        via.append(origin)
                        frontier.append(origin)
            agent = self.value(ann, PROV + "wasAttributedTo") or self.value(ann, DCTERMS + "creator")
            t = self.term
            origins = tuple(Origin(v, _iri(self.value(v, t("taggedUnit"))), _iri(self.value(v, OA + "hasBody")))
                            for v in via)
            found.append(Evidence(ann, tuple(dict.fromkeys(quotes)), self.text(ann, t("confidence")),
                                  self.label(agent) if agent is not None else None,
                                  self.text(ann, t("rule")) or self.text(ann, t("curation")),
                                  self.text(ann, t("method")), tuple(via), origins))
        return found

    def manifestation_in(self, doc: str, source_file: str) -> str | None:
        """The manifestation of `doc` printed in `source_file` (a source file may hold several documents)."""
        for man in sorted(x for x in self.values(doc, self.term("manifestation")) if isinstance(x, str)):
            if self.value(man, self.term("sourceFile")) == source_file:
                return man
        return None

    def _quotes(self, ann: str, unit: str) -> list[Quote]:
        quotes = []
        targets = sorted(t for t in self.values(ann, OA + "hasTarget") if isinstance(t, str))
        for target in targets:
            source = self.value(target, OA + "hasSource")
            for selector in sorted(x for x in self.values(target, OA + "hasSelector") if isinstance(x, str)):
                for exact in self.values(selector, OA + "exact"):
                    if isinstance(exact, Lit):
                        quotes.append(Quote(exact.value, self.text(selector, OA + "prefix") or "",
                                            self.text(selector, OA + "suffix") or "",
                                            source if isinstance(source, str) and source != unit else None))
        for exact in self.values(ann, OA + "exact"):
            if isinstance(exact, Lit):
                quotes.append(Quote(exact.value))
        return quotes

    @lru_cache(maxsize=4096)        # asked once per tag of a page; the data never changes under a Dataset
    def _annotations_by_body(self, unit: str) -> dict[Term, tuple[str, ...]]:
        """The tag annotations of a unit (`_annotations`) by their body, in the same order."""
        by_body: dict[Term, list[str]] = {}
        for ann in self._annotations(unit):
            for body in dict.fromkeys(self.values(ann, OA + "hasBody")):
                by_body.setdefault(body, []).append(ann)
        return {body: tuple(anns) for body, anns in by_body.items()}

    def _annotations(self, unit: str) -> tuple[str, ...]:
        """The tag annotations of a unit: minted below it ({unit}/tag/...), or pointing at it with
        uncc:taggedUnit or through their target's oa:hasSource."""
        found = [s for s in self._starting(self.minter.annotation_prefix(unit))
                 if OA + "Annotation" in self.types(s) and (parts := self.minter.parse(s)) is not None
                 and (parts.owner, parts.sub_resource) == (unit, "tag")]
        for s in self.subjects_with(self.term("taggedUnit"), unit):
            if isinstance(s, str) and s not in found:
                found.append(s)
        return tuple(found)

    @cached_property
    def themes(self) -> list[str]:
        # the IRI is looked at first: the types of every subject cost 80 ms
        concepts = {s for s in self.subjects if self.minter.is_member(s, "theme") and SKOS + "Concept" in self.types(s)}
        concepts |= {o for _, o in self._listed[self.term("theme")] if isinstance(o, str)}
        return sorted(concepts, key=lambda c: self.label(c).lower())

    def broader(self, concept: str) -> list[str]:
        found = {o for o in self.values(concept, SKOS + "broader") if isinstance(o, str)}
        found |= {s for s in self.subjects_with(SKOS + "narrower", concept) if isinstance(s, str)}
        return sorted(found, key=lambda c: self.label(c).lower())

    def narrower(self, concept: str) -> list[str]:
        found = {o for o in self.values(concept, SKOS + "narrower") if isinstance(o, str)}
        found |= {s for s in self.subjects_with(SKOS + "broader", concept) if isinstance(s, str)}
        return sorted(found, key=lambda c: self.label(c).lower())

    @cached_property
    def top_themes(self) -> list[str]:
        tops = [c for c in self.themes if not self.broader(c)]
        return tops

    def tagged(self, predicate: str, value: str) -> list[str]:
        """Units carrying `predicate value`, in reading order (document year, then position)."""
        units = [s for s in self.subjects_with(predicate, value) if isinstance(s, str)]
        return sorted(units, key=self.reading_key)

    def reading_key(self, unit: str) -> tuple:
        doc = self.document_of(unit) or ""
        order = self.document_order.get(doc, len(self.document_order))
        return (order, self.position(unit), unit)

    @cached_property
    def document_order(self) -> dict[str, int]:
        return {doc: n for n, doc in enumerate(self.documents)}

    def authority(self, kind: str) -> list[str]:
        """Instruments or actors: everything under {base}instrument/ or {base}actor/ that the data mentions."""
        # the concepts themselves, not the records minted below them (a crosswalk mapping: instrument/x/sdg/16-5)
        found = {s for s in self.subjects if self.minter.is_member(s, kind)}
        found |= {o for o in self.inc if self.minter.is_member(o, kind)}
        return sorted(found, key=lambda i: self.label(i).lower())

    def congress_of(self, doc: str) -> str | None:
        adopted = self.values(doc, self.term("adoptedAt"))
        return adopted[0] if adopted and isinstance(adopted[0], str) else None

    # --- the resolver's needs --------------------------------------------------------------------------------------
    def endorsements(self, doc: str) -> list[tuple[str, str]]:
        """(resolution IRI, symbol) pairs of the General Assembly resolutions that endorse `doc`."""
        found = []
        for resolution in self.values(doc, self.term("endorsedBy")):
            if isinstance(resolution, str):
                symbol = self.text(resolution, self.term("resolutionSymbol")) or resolution.rsplit("undocs.org/", 1)[-1]
                found.append((resolution, symbol))
        return found


_key = sort_key


def _iri(term: Term | None) -> str | None:
    return term if isinstance(term, str) else None


def _subject_key(pair) -> tuple:
    s = pair[0]
    return (s, pair[1]) if type(s) is str else ("\uffff" + s.id, pair[1])


@dataclass(frozen=True)
class IndexCache:
    """The Dataset's indexes of one build, pickled in the cache directory: reading them back takes a fraction
    of the time indexing the dump takes. Named by the code's version, INDEX_FORMAT and the checksums of the
    files they are read from, so that a changed build or changed code never reads indexes made before it; the
    file of the build's previous state is removed when a new one is written."""

    path: Path
    origin: str              # names every index file of this build folder, whatever its state

    @classmethod
    def of(cls, build_dir: Path, dump: Path, void: Path | None) -> "IndexCache | None":
        try:
            # the code that makes the indexes is part of the key too: a changed reader never meets old ones
            code = hashlib.sha256(Path(__file__).read_bytes() + Path(rdf.__file__).read_bytes()).hexdigest()
            from .. import __version__      # read on first use: importlib.metadata is slow to import
            parts = [__version__, str(INDEX_FORMAT), code, dump.name, digest_of(build_dir, dump),
                     str(dump.stat().st_size)]
            if void is not None:
                parts.append(hashlib.sha256(void.read_bytes()).hexdigest())
        except OSError:
            return None
        key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
        origin = hashlib.sha256(str(Path(build_dir).resolve()).encode()).hexdigest()[:16]
        return cls(default_cache_dir() / "indexes" / f"{origin}-{key}.pickle", origin)

    def load(self):
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        try:
            with collector.paused():      # the collector would walk the new objects again and again as they come
                indexes = pickle.loads(data)
        except Exception:                 # a damaged file: index the build instead (and write it anew)
            return None
        return indexes if isinstance(indexes, tuple) and len(indexes) == 3 else None

    def save(self, indexes) -> None:
        try:
            write_atomic(self.path, pickle.dumps(indexes, protocol=pickle.HIGHEST_PROTOCOL))
            for old in self.path.parent.glob(f"{self.origin}-*.pickle"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass                  # a cache that cannot be written costs start-up time only


def _context(build_dir: Path, base: str) -> dict:
    path = build_dir / "context.jsonld"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    from ..prefixes import load_context
    return load_context(base)
