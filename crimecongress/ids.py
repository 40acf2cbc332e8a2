"""The one place where public IRIs are minted (the grammar: README, "Identifiers"; extend it, never change it).

Every other module asks this one; no other module concatenates IRIs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/crime-congress/"
SDG_BASE = "http://metadata.un.org/sdg/"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9]+$")
_FILE_STEM = re.compile(r"^[A-Za-z0-9_-]+$")


def slugify(text: str) -> str:
    """A document or concept slug from a title: lower case ASCII words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join(words)[:80].strip("-")


# The records minted below a unit or a concept -- tag evidence (with its target and selector), source spans,
# lineage alignments, manifestations, SDG crosswalk records. Each is described in the RDF and on the page of what
# it is minted below; `Minter.parse` finds that owner.
SUB_RESOURCES = ("tag", "source", "lineage", "manifestation", "sdg")
# the first segment of a path under the base -> what an IRI with it names (one segment more: a member)
_KINDS = {"doc": "document", "theme": "theme", "instrument": "instrument", "actor": "actor", "congress": "congress",
          "meeting": "meeting", "source": "source file", "graph": "graph", "dataset": "dataset",
          "ontology": "ontology", "catalog": "catalog", "sparql": "service"}


@dataclass(frozen=True)
class IriParts:
    """What an IRI under the base names, read back from the grammar (`Minter.parse`).

    kind: document, unit, theme, instrument, actor, congress, meeting, source file, graph, dataset, ontology,
    catalog, service, scheme (theme/instrument/actor alone), or sub-resource; owner: for a sub-resource, the IRI
    it is minted below; sub_resource: its kind (one of SUB_RESOURCES); document: a document's slug (for its
    units and their sub-resources too); unit_path: a unit's path below its document ("para/5/d")."""
    kind: str
    path: str
    owner: str | None = None
    sub_resource: str | None = None
    document: str | None = None
    unit_path: str | None = None

    @property
    def segments(self) -> tuple[str, ...]:
        """The path's segments, without its fragment: ("doc", "x", "para", "5")."""
        return tuple(self.path.split("#", 1)[0].split("/"))

    @property
    def fragment(self) -> str | None:
        """The fragment of a hash IRI ("ontology#Tag" -> "Tag"), None for an IRI without one."""
        _, hash_, fragment = self.path.partition("#")
        return fragment if hash_ else None

    @property
    def name(self) -> str:
        """The last segment or fragment (`last_segment`): a member's slug or number, a unit's own number or
        letter, an ontology term."""
        return last_segment(self.path)


_SLUG_YEAR = re.compile(r"-(\d{4})$")


def slug_year(slug: str) -> int | None:
    """The year a document slug ends with ("doha-declaration-2015" -> 2015), if any."""
    match = _SLUG_YEAR.search(slug)
    return int(match.group(1)) if match else None


def last_segment(iri: str) -> str:
    """The last path segment or the fragment of any IRI this module mints, whatever its base: a member's slug or
    number (theme/corruption -> corruption, congress/14 -> 14), a unit's own number or letter (para/5/d -> d), a
    source file's stem, an ontology term (ontology#Tag -> Tag)."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def unit_segments(document_iri: str, unit_iri: str) -> list[str]:
    """The segments of a unit's path below its document's IRI (doc/x/para/5/d below doc/x -> para, 5, d), whatever
    the base: what a citation label is read from."""
    if not unit_iri.startswith(document_iri + "/"):
        raise ValueError(f"{unit_iri} is not a unit of {document_iri}")
    return unit_iri[len(document_iri) + 1:].split("/")


GRAPH_SEGMENT = "graph"


def graph_name(iri: str) -> str | None:
    """The name of a graph IRI minted by a `Minter` of any base (`{base}graph/{name}`), for a reader that does
    not know the base (a dump being published); None for any other IRI."""
    head, _, name = iri.rpartition("/")
    return name if name and head.rpartition("/")[2] == GRAPH_SEGMENT else None


def is_graph_namespace(namespace: str) -> bool:
    """Whether `namespace` is the one the graph IRIs of a `Minter` of any base share (`{base}graph/`)."""
    return namespace.endswith(f"/{GRAPH_SEGMENT}/")


def _label(label: str) -> str:
    if not _LABEL.match(label):
        raise ValueError(f"not an IRI-safe label: {label!r}")
    return label


def _file_stem(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0]
    if not _FILE_STEM.match(stem):
        raise ValueError(f"not an IRI-safe file name: {file_name!r}")
    return stem


@dataclass(frozen=True)
class Minter:
    """Mints the project's IRIs under one base."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"the base IRI must end with '/': {self.base!r}")

    # vocabulary ------------------------------------------------------------
    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    def term(self, name: str) -> str:
        return f"{self.base}ontology#{name}"

    def theme(self, slug: str) -> str:
        return self._slugged("theme", slug)

    def theme_scheme(self) -> str:
        return self.base + "theme"

    def instrument(self, slug: str) -> str:
        return self._slugged("instrument", slug)

    def instrument_scheme(self) -> str:
        """The SKOS concept scheme of the instruments authority list."""
        return self.base + "instrument"

    def actor(self, slug: str) -> str:
        return self._slugged("actor", slug)

    def actor_scheme(self) -> str:
        """The SKOS concept scheme of the actors authority list."""
        return self.base + "actor"

    def congress(self, number: int) -> str:
        return f"{self.base}congress/{number}"

    def meeting(self, slug: str) -> str:
        """A meeting other than a Congress that adopted a text (e.g. the Naples World Ministerial Conference)."""
        return self._slugged("meeting", slug)

    # documents and their units ------------------------------------------------
    def document(self, slug: str) -> str:
        return self._slugged("doc", slug)

    def preamble(self, doc_slug: str, n: int, letter: str | None = None) -> str:
        iri = f"{self.document(doc_slug)}/preamble/{n}"
        return f"{iri}/{_label(letter)}" if letter else iri

    def paragraph(self, doc_slug: str, n: int | str, letter: str | None = None, roman: str | None = None) -> str:
        iri = f"{self.document(doc_slug)}/para/{_label(str(n))}"
        if letter:
            iri += f"/{_label(letter)}"
            if roman:
                iri += f"/{_label(roman)}"
        elif roman:
            raise ValueError("a third-level item needs its letter")
        return iri

    def follow_on(self, doc_slug: str, n: int | str, k: int) -> str:
        """The k-th printed paragraph of numbered paragraph n (an unnumbered follow-on paragraph; the
        numbered text itself is the first, so follow-ons count from 2): `para/{n}/p/{k}`."""
        if k < 2:
            raise ValueError(f"a follow-on paragraph is the second or a later one: {k}")
        return f"{self.paragraph(doc_slug, n)}/p/{k}"

    def renumbered(self, unit_iri: str, number: str) -> str:
        """The IRI of a numbered unit read under another number than the one printed (a draft's repeated
        paragraph number or letter, read as the one it should be): its last segment becomes `number`."""
        head, _, _ = unit_iri.rpartition("/")
        if not head.startswith(self.base + "doc/"):
            raise ValueError(f"not a unit of a document: {unit_iri}")
        return f"{head}/{_label(number)}"

    def moved(self, iri: str, old_parent: str, new_parent: str) -> str:
        """An IRI below `old_parent` (a subparagraph, item or follow-on paragraph) below `new_parent`
        instead, when its parent was renumbered."""
        if not iri.startswith(old_parent + "/"):
            raise ValueError(f"{iri} is not below {old_parent}")
        return new_parent + iri[len(old_parent):]

    def heading(self, doc_slug: str, n: int) -> str:
        return f"{self.document(doc_slug)}/heading/{n}"

    def formula(self, doc_slug: str, n: int) -> str:
        """An opening or transition formula, 1-based in document order (not counted as a paragraph)."""
        return f"{self.document(doc_slug)}/formula/{n}"

    def footnote(self, doc_slug: str, mark: str) -> str:
        # the printed number; the unnumbered source note printed as "*" is footnote/star
        return f"{self.document(doc_slug)}/footnote/{'star' if mark == '*' else _label(mark)}"

    def entry(self, doc_slug: str, n: int) -> str:
        """One printed placement of a recommendation in the compilation (kyoto-rpm-mapping)."""
        return f"{self.document(doc_slug)}/entry/{n}"

    def annex_item(self, doc_slug: str, n: int) -> str:
        """One row of a report's annex table (the list of documents), 1-based in document order."""
        return f"{self.document(doc_slug)}/annex/item/{n}"

    def manifestation(self, doc_slug: str, file_stem: str) -> str:
        return f"{self.document(doc_slug)}/manifestation/{file_stem}"

    def source_file(self, file_name: str) -> str:
        """A source text under sources/, by its file name without extension."""
        return f"{self.base}source/{_file_stem(file_name)}"

    def source_span(self, unit_iri: str, file_name: str) -> str:
        """The lines of one source file a unit was read from (its provenance record)."""
        return f"{unit_iri}/source/{_file_stem(file_name)}"

    def annotation(self, target_iri: str, kind: str, value_slug: str) -> str:
        """A tag's evidence record: below the unit it annotates, named by what it asserts."""
        return f"{target_iri}/tag/{kind}/{value_slug}"

    def annotation_prefix(self, target_iri: str) -> str:
        """What the IRI of every tag annotation of `target_iri` starts with (see `annotation`), for a sorted
        index to find them."""
        return f"{target_iri}/tag/"

    def annotation_target(self, annotation_iri: str) -> str:
        """The oa:SpecificResource of an annotation's evidence: the part of the unit's text it points at."""
        return f"{annotation_iri}/target"

    def annotation_selector(self, annotation_iri: str) -> str:
        """The oa:TextQuoteSelector of an annotation's evidence: the words quoted."""
        return f"{annotation_iri}/selector"

    def alignment(self, source_iri: str, target_iri: str) -> str:
        """A qualified lineage link (uncc:Alignment), below its source unit and named by its target's path:
        `{source}/lineage/{target without {base}doc/}`, e.g. `.../rpm-report-ap/para/62/a/lineage/
        kyoto-declaration-2021/para/12`."""
        prefix = self.base + "doc/"
        if not source_iri.startswith(prefix) or not target_iri.startswith(prefix):
            raise ValueError(f"an alignment links two documents or units under {prefix}: {source_iri} -> {target_iri}")
        return f"{source_iri}/lineage/{target_iri[len(prefix):]}"

    def sdg_mapping(self, concept_iri: str, sdg_code: str) -> str:
        """The qualified record of a crosswalk mapping from a theme or instrument to an SDG target:
        `{concept}/sdg/{code with '-' for '.'}`, e.g. `{base}theme/corruption/sdg/16-5`."""
        if not concept_iri.startswith(self.base):
            raise ValueError(f"not one of the project's concepts: {concept_iri}")
        sdg(sdg_code)  # validates the code
        return f"{concept_iri}/sdg/{sdg_slug(sdg_code)}"

    # dataset-level -------------------------------------------------------------
    def dataset(self) -> str:
        return self.base + "dataset"

    def dump(self, name: str) -> str:
        return f"{self.base}dataset/{name}"

    def document_dump(self, slug: str, suffix: str) -> str:
        """One document's graph as a released file of its own: `{base}dataset/doc/{slug}{suffix}` (".ttl",
        ".jsonld", ".nt")."""
        if not re.match(r"^\.[a-z]+$", suffix):
            raise ValueError(f"not a file suffix: {suffix!r}")
        return self.dump(f"{self.relative(self.document(slug))}{suffix}")

    def graph(self, name: str) -> str:
        return f"{self.base}{GRAPH_SEGMENT}/{name}"

    def catalog(self) -> str:
        """The DCAT catalogue that lists the dataset and the SPARQL service."""
        return self.base + "catalog"

    def sparql_service(self) -> str:
        """The SPARQL endpoint, also the dcat:DataService and the sd:Service that describe it."""
        return self.base + "sparql"

    def dataset_part(self, name: str) -> str:
        """A node of the dataset's own description (`publisher`, `contact`, `temporal`, a linkset): a fragment of
        the dataset's IRI, so that dereferencing the dataset shows it."""
        if not _SLUG.match(name):
            raise ValueError(f"not a valid name of a part of the dataset's description: {name!r}")
        return f"{self.base}dataset#{name}"

    def checksum(self, dump_name: str) -> str:
        """The spdx:Checksum of a released file: a fragment of the file's IRI."""
        return self.dump(dump_name) + "#sha256"

    # reading IRIs back ----------------------------------------------------------
    def is_own(self, iri: str) -> bool:
        """Whether `iri` is one of the project's: the base itself or an IRI below it."""
        return iri.startswith(self.base)

    def relative(self, iri: str) -> str:
        """The path of one of the project's IRIs below the base ("doc/x/para/5"; "" for the base): where the
        site serves it."""
        if not self.is_own(iri):
            raise ValueError(f"not an IRI under {self.base}: {iri}")
        return iri[len(self.base):]

    def from_relative(self, path: str) -> str:
        """The IRI at a path below the base: the inverse of `relative`. A URL path of the site ("/doc/x") is read
        without its leading '/'."""
        return self.base + path.removeprefix("/")

    @property
    def documents_prefix(self) -> str:
        """What every document's IRI, and every IRI minted in one (its units, tags, alignments, spans), starts
        with."""
        return self.base + "doc/"

    def document_of(self, iri: str) -> str | None:
        """The slug of the document `iri` is or lies in ({base}doc/{slug}, or below it with '/' or '#');
        None for an IRI in no document (the vocabularies, the sources, the dataset)."""
        if not iri.startswith(self.documents_prefix):
            return None
        rest = iri[len(self.documents_prefix):]
        end = min((i for i in (rest.find("/"), rest.find("#")) if i >= 0), default=len(rest))
        return rest[:end] or None

    def unit_at(self, path: str) -> str:
        """A document or unit from its path below {base}doc/ ("doha-declaration-2015/para/5/d"), as curations
        and `explain` name it. ValueError when the path does not start with a document slug."""
        slug, _, rest = path.strip("/").partition("/")
        return f"{self.document(slug)}/{rest}" if rest else self.document(slug)

    def is_member(self, iri: str, kind: str) -> bool:
        """Whether `iri` names one member of a kind of the grammar ("theme", "instrument", "actor", "congress",
        "meeting", "doc", "source", "graph"): `{base}{kind}/{name}`, not a record minted below it."""
        if kind not in _KINDS:
            raise ValueError(f"not a kind of the IRI grammar: {kind!r}")
        prefix = f"{self.base}{kind}/"
        return iri.startswith(prefix) and len(iri) > len(prefix) and not any(c in iri[len(prefix):] for c in "/#")

    def parent(self, iri: str) -> str | None:
        """The IRI one path segment up from one of the project's ({base}doc/x/para/5/d -> {base}doc/x/para/5);
        None for the base, a member of no path (`{base}doc`) and an IRI outside the base."""
        if not self.is_own(iri) or "/" not in self.relative(iri):
            return None
        return iri.rsplit("/", 1)[0]

    def below_prefixes(self, iri: str) -> tuple[str, str]:
        """What every IRI minted below `iri` starts with: its hash IRIs (`iri#...`), then the paths below it
        (`iri/...`), for a sorted index to find them."""
        return iri + "#", iri + "/"

    def without_fragment(self, iri: str) -> str:
        """A hash IRI's resource ({base}dataset#publisher -> {base}dataset); any other IRI as it is."""
        return iri.split("#", 1)[0]

    def parse(self, iri: str) -> IriParts | None:
        """The parts of one of the project's IRIs (None for an IRI outside the base): the inverse of the
        methods above, so that no other module reads an IRI path by hand."""
        if not iri.startswith(self.base):
            return None
        path = iri[len(self.base):]
        segments = path.split("#", 1)[0].split("/")
        document = segments[1] if segments[0] == "doc" and len(segments) > 1 else None
        # a sub-resource: the first SUB_RESOURCES segment below a member (doc/x/..., theme/x/..., ...)
        for index in range(2, len(segments) - 1):
            if segments[index] in SUB_RESOURCES:
                owner = self.base + "/".join(segments[:index])
                below = "/".join(segments[2:index]) if document else None
                return IriParts("sub-resource", path, owner, segments[index], document, below or None)
        if document:
            unit_path = "/".join(segments[2:])
            return IriParts("unit" if unit_path else "document", path, document=document, unit_path=unit_path or None)
        kind = _KINDS.get(segments[0])
        if kind is None:
            return IriParts("other", path)
        if len(segments) == 1 and segments[0] in ("theme", "instrument", "actor"):
            return IriParts("scheme", path)
        return IriParts(kind, path)

    def _slugged(self, kind: str, slug: str) -> str:
        if not _SLUG.match(slug):
            raise ValueError(f"not a valid {kind} slug: {slug!r} (lower-case words joined by '-')")
        return f"{self.base}{kind}/{slug}"


def resolution_document(symbol: str) -> str:
    """The UN's own resolver IRI for a document symbol such as A/RES/70/174 (not minted by us)."""
    if not re.match(r"^A/RES/[0-9A-Z-]+/\d+$", symbol):
        raise ValueError(f"not a General Assembly resolution symbol: {symbol!r}")
    return f"https://undocs.org/{symbol}"


def sdg(code: str) -> str:
    """The UN's IRI for an SDG goal or target ("16", "16.3") or an indicator's permanent code ("C160301",
    "C160a01": the permanent code may hold the target's letter)."""
    if not re.match(r"^(\d{1,2}(\.[0-9a-z]{1,2})?|C\d{6,8}|C\d{3}[a-z]\d{2})$", code):
        raise ValueError(f"not an SDG goal, target or permanent indicator code: {code!r}")
    return SDG_BASE + code


def sdg_slug(code: str) -> str:
    """An SDG goal or target code as a path segment: "16.5" -> "16-5", "16" -> "16"."""
    sdg(code)
    return code.replace(".", "-")


def is_sdg(iri: str) -> bool:
    """Whether `iri` is one of the UN's SDG goals, targets or indicators (see `sdg`)."""
    return iri.startswith(SDG_BASE) and len(iri) > len(SDG_BASE)


DEFAULT = Minter()
