"""The vocabulary as typed frozen dataclasses: themes, instruments, actors, Congresses and meetings.

Built by crimecongress.vocab.load from mappings/; read by tagging and by rdf.vocabulary. No RDF here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property


@dataclass(frozen=True)
class Labels:
    """One label per language."""

    en: str
    fr: str
    es: str

    def items(self) -> tuple[tuple[str, str], ...]:
        return (("en", self.en), ("fr", self.fr), ("es", self.es))


@dataclass(frozen=True)
class ThemeScheme:
    label: Labels
    definition: str


@dataclass(frozen=True)
class Theme:
    slug: str
    notation: str
    label: Labels
    definition: str
    broader: tuple[str, ...]           # first one gives the notation; empty for a top concept
    alt_labels: tuple[str, ...] = ()
    note: str | None = None
    iccs: tuple[str, ...] = ()         # ICCS section or division codes (crime types only)

    @property
    def is_top(self) -> bool:
        return not self.broader


@dataclass(frozen=True)
class IccsCode:
    """A section (two digits) or division (four digits) of the International Classification of Crime for
    Statistical Purposes. ICCS has no IRIs: the code is published as a typed literal."""

    code: str
    label: str
    source: str
    parent: str | None = None          # the section of a division
    note: str | None = None


@dataclass(frozen=True)
class Resolution:
    body: str                          # actor slug
    number: str                        # "58/4", "2002/13", "S-23/2"
    symbol: str | None = None          # "A/RES/58/4"
    annex: str | None = None           # "III"
    date: date | None = None


@dataclass(frozen=True)
class TreatySeries:
    volume: str
    number: str


@dataclass(frozen=True)
class Publication:
    sales_number: str                  # "E.92.IV.1"
    location: str | None = None        # "chap. I, sect. A"


@dataclass(frozen=True)
class Instrument:
    slug: str
    kind: str                          # treaty | protocol | standard | resolution | framework | collective | tool | programme
    ontology_class: str                # the uncc: class for `kind`, from the schema
    title: str
    source: str
    short_names: tuple[str, ...] = ()
    year: int | None = None
    unts: TreatySeries | None = None
    resolutions: tuple[Resolution, ...] = ()
    document_symbol: str | None = None
    publication: Publication | None = None
    adopted_by: str | None = None      # actor slug
    adopted_at_congress: int | None = None
    adopted_at_meeting: str | None = None
    supplements: str | None = None     # instrument slug
    replaces: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()  # derived from the other entries' `replaces`
    members: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    document: str | None = None        # slug of the document of this dataset that holds the text
    note: str | None = None


@dataclass(frozen=True)
class Actor:
    slug: str
    kind: str                          # the uncc: class name
    name: str
    source: str
    short_names: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    parent: str | None = None          # org:subOrganizationOf
    member_of: tuple[str, ...] = ()
    succeeded_by: str | None = None
    predecessors: tuple[str, ...] = ()  # derived from the other entries' `succeeded_by`
    note: str | None = None


@dataclass(frozen=True)
class Meeting:
    """A Congress or another meeting (a regional preparatory or a ministerial meeting) of mappings/congresses.yaml:
    a Congress is known by its number (`congress`, published at congress/{n}), any other meeting by its slug
    (meeting/{slug})."""
    name: str
    city: str
    country: str
    start_date: date
    source: str
    end_date: date | None = None
    note: str | None = None
    congress: int | None = None    # the Congress's number, when the meeting is a Congress
    slug: str | None = None        # the other meetings' key
    prepares: int | None = None    # the number of the Congress a regional preparatory meeting prepared for

    def __post_init__(self):
        if (self.congress is None) == (self.slug is None):
            raise ValueError(f"{self.name}: a meeting is a Congress (a number) or has a slug, not both or neither")


@dataclass(frozen=True)
class Vocabulary:
    """Everything in mappings/ that names things, checked and cross-referenced. Tuples are sorted by key."""

    scheme: ThemeScheme
    themes: tuple[Theme, ...]
    instruments: tuple[Instrument, ...]
    actors: tuple[Actor, ...]
    meetings: tuple[Meeting, ...]       # the Congresses by number, then the other meetings by slug
    iccs: tuple[IccsCode, ...] = ()

    @cached_property
    def _themes(self) -> dict[str, Theme]:
        return {t.slug: t for t in self.themes}

    @cached_property
    def _instruments(self) -> dict[str, Instrument]:
        return {i.slug: i for i in self.instruments}

    @cached_property
    def _actors(self) -> dict[str, Actor]:
        return {a.slug: a for a in self.actors}

    @cached_property
    def congresses(self) -> tuple[Meeting, ...]:
        """The Congresses, by number."""
        return tuple(m for m in self.meetings if m.congress is not None)

    def theme(self, slug: str) -> Theme:
        return self._themes[slug]

    def instrument(self, slug: str) -> Instrument:
        return self._instruments[slug]

    def actor(self, slug: str) -> Actor:
        return self._actors[slug]

    def congress(self, number: int) -> Meeting:
        return next(m for m in self.meetings if m.congress == number)

    def meeting(self, slug: str) -> Meeting:
        """A meeting other than a Congress, by its slug."""
        return next(m for m in self.meetings if m.slug == slug)

    def top_themes(self) -> tuple[Theme, ...]:
        return tuple(t for t in self.themes if t.is_top)

    def narrower(self, slug: str) -> tuple[Theme, ...]:
        return tuple(t for t in self.themes if slug in t.broader)

    def ancestors(self, slug: str) -> frozenset[str]:
        """Every theme reachable by following broader links (not including the theme itself)."""
        seen: set[str] = set()
        todo = list(self.theme(slug).broader)
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.theme(current).broader)
        return frozenset(seen)

    def by_treaty_series(self, volume: str, number: str) -> Instrument | None:
        """The treaty or protocol published in that UNTS volume under that registration number."""
        return next((i for i in self.instruments if i.unts == TreatySeries(volume, number)), None)

    def by_resolution(self, number: str, annex: str | None = None) -> tuple[Instrument, ...]:
        """Instruments adopted by the resolution cited as `number` ("55/25"), narrowed by annex when given."""
        return tuple(i for i in self.instruments for r in i.resolutions
                     if r.number == number and (annex is None or r.annex in (None, annex)))
