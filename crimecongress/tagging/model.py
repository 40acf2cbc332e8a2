"""What the tag stage produces: tags with their evidence. Frozen dataclasses; nothing here knows RDF.

A tag says that a unit (paragraph, subparagraph, preamble paragraph, recommendation, ...) is about a theme,
cites an instrument or names an actor, and why: the method, the cue or curation that made it, a
confidence, and the exact words (with up to 32 characters of context either side) in the unit whose text
triggered it -- the paragraph itself, its chapeau, its heading or its footnote.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Iterator

CONTEXT_CHARS = 32


class TagKind(str, Enum):
    THEME = "theme"
    INSTRUMENT = "instrument"
    ACTOR = "actor"


class Method(str, Enum):
    """How a tag was found. The order is the preference when several methods find the same tag."""

    CURATION = "curation"        # a curated override in mappings/curations.yaml
    MATCH = "match"              # a cue matched the unit's own words
    ANAPHORA = "anaphora"        # "the Convention", "the Centre": resolved to the nearest preceding name
    FOOTNOTE = "footnote"        # a footnote the unit's marker references identifies the instrument
    CHAPEAU = "chapeau"          # the words of the chapeau a subparagraph completes
    HEADING = "heading"          # the words of a heading the unit stands under (or its mapping group)
    SUBPARAGRAPHS = "subparagraphs"  # a paragraph is about the top themes of the items it introduces
    BROADER = "broader"          # a broader theme (any depth) reached through skos:broader from a narrower theme tag
    DOCUMENT = "document"        # the field the document serves, for a paragraph that names no subject


METHOD_RANK = {method: rank for rank, method in enumerate(Method)}

# Methods that infer a theme rather than read it in the unit's own words (published as uncc:inferredTheme).
INFERRED = frozenset({Method.HEADING, Method.SUBPARAGRAPHS, Method.BROADER, Method.DOCUMENT})


@dataclass(frozen=True)
class Evidence:
    """The words that triggered a tag, as a W3C TextQuoteSelector on the unit they were read in."""

    source: str          # IRI of the unit whose text holds the words
    exact: str           # the matched words, exactly as they occur in that unit's text
    prefix: str          # up to CONTEXT_CHARS characters before them
    suffix: str          # up to CONTEXT_CHARS characters after them
    start: int           # offset of `exact` in the source unit's text (not published; for `explain`)

    @classmethod
    def at(cls, source: str, text: str, start: int, end: int) -> "Evidence":
        return cls(source=source, exact=text[start:end], prefix=text[max(0, start - CONTEXT_CHARS):start],
                   suffix=text[end:end + CONTEXT_CHARS], start=start)


@dataclass(frozen=True)
class Tag:
    unit: str                     # IRI of the tagged unit
    kind: TagKind
    value: str                    # IRI of the theme, instrument or actor
    slug: str                     # its slug (names the annotation)
    method: Method
    rule: str | None              # the cue id (mappings/cues/*.yaml) or the derivation rule
    curation: str | None          # the curation id (mappings/curations.yaml) for method "curation"
    confidence: Decimal
    evidence: Evidence | None     # the words that triggered it (for a derived tag: those of its source tag)
    via: str | None = None        # the value it was derived from: the narrower theme ("broader", "subparagraphs")
                                  # or the instrument an anaphor stands for (a theme of its title)
    derived_from: str | None = None  # the annotation IRI of the tag it was derived from (ids.Minter.annotation)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.unit, self.kind.value, self.value)


@dataclass(frozen=True)
class Tags:
    """Every tag of a corpus, one per (unit, kind, value), sorted by unit position, kind and value."""

    tags: tuple[Tag, ...]
    _index: dict = field(default=None, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Tag]] = {}
        for tag in self.tags:
            index.setdefault(tag.unit, []).append(tag)
        object.__setattr__(self, "_index", {unit: tuple(tags) for unit, tags in index.items()})

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __len__(self) -> int:
        return len(self.tags)

    def for_unit(self, unit_iri: str) -> tuple[Tag, ...]:
        return self._index.get(unit_iri, ())

    def values(self, unit_iri: str, kind: TagKind | str) -> set[str]:
        kind = TagKind(kind)
        return {tag.value for tag in self.for_unit(unit_iri) if tag.kind is kind}

    def units(self) -> tuple[str, ...]:
        return tuple(self._index)
