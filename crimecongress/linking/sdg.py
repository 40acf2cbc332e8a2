"""SDG links: the SDG catalogue, the theme/instrument -> target crosswalk, and paragraph -> target links.

- `load_catalogue(mappings_dir)` reads mappings/sdg.yaml (goals, targets, indicators with the UN's IRIs);
  `sdg_graph(catalogue, minter)` publishes it (sdgo:Goal/Target/Indicator, skos:Concept, notation, labels,
  skos:broader goal <- target <- indicator).
- `load_crosswalk(mappings_dir, catalogue)` reads mappings/sdg-crosswalk.yaml; `crosswalk_graph` publishes it as
  skos:closeMatch / skos:relatedMatch plus one qualified record (with its justification) per mapping.
- `load_words(mappings_dir)` reads mappings/sdg-words.yaml: the words that let a unit serve each target, the
  instruments whose naming serves a target, the patterns of procedural units and the confidence of each band.
- `link_sdgs(corpus, tags, catalogue, crosswalk)` links each paragraph-level unit to the SDG goals and targets its
  own words serve, with evidence: "mention" (the text names "target 16.4", "Goal 16"), or a rule of sdg-words.yaml
  that holds in its words ("words and crosswalk" when a theme or instrument tag of the unit maps to the same target,
  "words" otherwise). A crosswalk mapping alone links nothing: that the trafficking theme relates to 5.2 does not
  make a paragraph on trafficking that names no woman serve 5.2. `sdg_links_graph(links, minter)` publishes them as
  `?unit uncc:sdgTarget <http://metadata.un.org/sdg/16.5>` plus one annotation per link.

Why "the 2030 Agenda" alone gives no SDG link: the Agenda has 17 goals and 169 targets, and a paragraph that
commits to it (Kyoto 3, 71, 96) says that crime prevention serves sustainable development in general, not which
goal or target. The mention is kept where it belongs -- as a citation of the Agenda (an instrument tag) -- and the
paragraph reaches specific targets only through what it is about (its themes). Linking every Agenda mention to
Goal 16 would count the Kyoto title and preamble as Goal 16 paragraphs and blur the one question SDG 16 partners
ask: which paragraphs serve which target. The same holds for "the Sustainable Development Goals" in the plural.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from ..errors import InvalidDocument
from ..ids import Minter, sdg, sdg_slug
from ..model import Corpus, UnitKind
from ..rdf.literals import decimal, en, typed
from ..rdf.namespaces import DCTERMS, OA, PROV, RDF, SDGO, SKOS, uncc
from ..rdf.tags import evidence_statements
from ..rdf.triples import Triples
from ..tagging.model import Evidence, Method, TagKind, Tags
from ..vocab.files import display
from .mappings import load_checked

SCHEME = ox.NamedNode("http://metadata.un.org/sdg")
MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"
CATALOGUE_FILE = "sdg.yaml"
CROSSWALK_FILE = "sdg-crosswalk.yaml"

# The units that carry SDG links: those with a text of their own in the body of a document.
LINKED_KINDS = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM)

WORDS_FILE = "sdg-words.yaml"

# The kinds of link, each with the confidence measured for it (mappings/sdg-words.yaml `bands`).
METHOD_MENTION = "mention"
METHOD_WORDS_AND_CROSSWALK = "words and crosswalk"
METHOD_WORDS = "words"
BANDS = (METHOD_MENTION, METHOD_WORDS_AND_CROSSWALK, METHOD_WORDS)
# A unit names an instrument in its own words when the tagger matched its name or resolved "the Convention" to it;
# a footnote's citation is not the unit's words.
_OWN_WORDS = (Method.MATCH, Method.ANAPHORA, Method.CURATION)


# ------------------------------------------------------------------------------------------------------------
# The catalogue

@dataclass(frozen=True)
class Indicator:
    code: str                      # printed number, "16.3.1"
    permanent_code: str | None     # UNSD permanent code, "C160301" (None: not verified, not published)
    iri: str | None
    text: str
    note: str | None = None


@dataclass(frozen=True)
class Target:
    code: str                      # "16.3", "16.a"
    goal: str                      # "16"
    iri: str
    text: str
    short_label: str               # the project's own short name, for figures only
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Goal:
    code: str
    iri: str
    title: str
    short_title: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class SdgCatalogue:
    goals: tuple[Goal, ...]

    def targets(self) -> tuple[Target, ...]:
        return tuple(t for g in self.goals for t in g.targets)

    def goal(self, code: str) -> Goal:
        for goal in self.goals:
            if goal.code == code:
                return goal
        raise KeyError(code)

    def target(self, code: str) -> Target:
        for target in self.targets():
            if target.code == code:
                return target
        raise KeyError(code)

    def has(self, code: str) -> bool:
        """Whether a goal or target code is in the catalogue."""
        return any(g.code == code for g in self.goals) or any(t.code == code for t in self.targets())

    def iri(self, code: str) -> str:
        return self.goal(code).iri if "." not in code else self.target(code).iri

    def order(self, code: str) -> tuple:
        """Sort key in the UN's order: goal number, then the goal itself, then targets 1..19 then a..z."""
        goal, _, target = code.partition(".")
        if not target:
            return (int(goal), 0, 0, "")
        return (int(goal), 1, int(target) if target.isdigit() else 100, target if not target.isdigit() else "")


def load_catalogue(mappings_dir: Path = MAPPINGS_DIR) -> SdgCatalogue:
    """mappings/sdg.yaml, validated, with every IRI checked against the one the minter gives for its code."""
    path = Path(mappings_dir) / CATALOGUE_FILE
    mapping = load_checked(path, Path(mappings_dir))
    data = mapping.data

    def fail(message, where, hint=None):
        raise InvalidDocument(message, file=display(path), line=mapping.line(tuple(where)), hint=hint)

    def check(iri, code, where):
        if iri != sdg(code):
            fail(f"{code}: IRI {iri} is not the UN's IRI for it", where, hint=f"the UN's IRI is {sdg(code)}")

    goals = []
    for gi, goal in enumerate(data["goals"]):
        check(goal["iri"], goal["code"], ["goals", gi, "iri"])
        targets = []
        for ti, target in enumerate(goal["targets"]):
            where = ["goals", gi, "targets", ti]
            if target["code"].split(".")[0] != goal["code"]:
                fail(f"target {target['code']} is filed under goal {goal['code']}", where)
            check(target["iri"], target["code"], where + ["iri"])
            indicators = []
            for ii, ind in enumerate(target["indicators"]):
                iwhere = where + ["indicators", ii]
                if ind["code"].rsplit(".", 1)[0] != target["code"]:
                    fail(f"indicator {ind['code']} is filed under target {target['code']}", iwhere)
                if (ind["permanent_code"] is None) != (ind["iri"] is None):
                    fail(f"indicator {ind['code']}: give both permanent_code and iri, or neither", iwhere)
                if ind["permanent_code"] is not None:
                    check(ind["iri"], ind["permanent_code"], iwhere + ["iri"])
                elif not ind.get("note"):
                    fail(f"indicator {ind['code']} has no IRI", iwhere, hint="say why in a note")
                indicators.append(Indicator(ind["code"], ind["permanent_code"], ind["iri"], ind["text"],
                                            ind.get("note")))
            targets.append(Target(target["code"], goal["code"], target["iri"], target["text"],
                                  target["short_label"], tuple(indicators)))
        goals.append(Goal(goal["code"], goal["iri"], goal["title"], goal["short_title"], tuple(targets)))
    return SdgCatalogue(tuple(goals))


def sdg_graph(catalogue: SdgCatalogue, minter: Minter) -> list[ox.Triple]:
    """The SDG goals, targets and indicators the dataset links to, restated with the UN's IRIs and classes.

    Typed sdgo:Goal/Target/Indicator (the UN SDG ontology) and skos:Concept in the UN's scheme; skos:notation
    typed sdgo:SDGCodeCompact (and sdgo:SDGCodePerm for indicators); the official English text as
    skos:prefLabel (goals also get their short title as skos:altLabel); skos:broader indicator -> target -> goal
    and, down, skos:narrower and sdgo:hasTarget / sdgo:hasIndicator; the scheme its title as skos:prefLabel. An indicator shared by two targets (15.7.1 = 15.c.1) is one
    concept with two notations and two broader targets. Indicators without a verified permanent code are not
    published; their target says so in a skos:note."""
    graph = Triples()
    graph.add(SCHEME, RDF.type, SKOS.ConceptScheme)
    title = en("A Knowledge Organization System for the United Nations Sustainable Development Goals")
    graph.add(SCHEME, DCTERMS.title, title)
    graph.add(SCHEME, SKOS.prefLabel, title)
    for goal in catalogue.goals:
        g = ox.NamedNode(goal.iri)
        _concept(graph, g, SDGO.Goal, goal.code, goal.title)
        graph.add(g, SKOS.altLabel, en(goal.short_title))
        graph.add(SCHEME, SKOS.hasTopConcept, g)
        graph.add(g, SKOS.topConceptOf, SCHEME)
        for target in goal.targets:
            t = ox.NamedNode(target.iri)
            _concept(graph, t, SDGO.Target, target.code, target.text)
            graph.add(t, SKOS.broader, g)
            graph.add(g, SKOS.narrower, t)
            graph.add(g, SDGO.hasTarget, t)
            unpublished = []
            for indicator in target.indicators:
                if indicator.iri is None:
                    unpublished.append(indicator)
                    continue
                i = ox.NamedNode(indicator.iri)
                _concept(graph, i, SDGO.Indicator, indicator.code, indicator.text)
                graph.add(i, SKOS.notation, typed(indicator.permanent_code, SDGO.SDGCodePerm))
                graph.add(i, SKOS.broader, t)
                graph.add(t, SKOS.narrower, i)
                graph.add(t, SDGO.hasIndicator, i)
            for indicator in unpublished:
                graph.add(t, SKOS.note, en(
                    f"Indicator {indicator.code} ({indicator.text}) is part of the framework but has no verified "
                    f"permanent code, so it is not published here."))
    return graph.list()


def _concept(graph: Triples, node: ox.NamedNode, cls: ox.NamedNode, code: str, text: str) -> None:
    graph.add(node, RDF.type, cls)
    graph.add(node, RDF.type, SKOS.Concept)
    graph.add(node, SKOS.inScheme, SCHEME)
    graph.add(node, SKOS.notation, typed(code, SDGO.SDGCodeCompact))
    graph.add(node, SKOS.prefLabel, en(text))


# ------------------------------------------------------------------------------------------------------------
# The crosswalk

@dataclass(frozen=True)
class Mapping:
    kind: TagKind            # THEME or INSTRUMENT
    slug: str
    target: str              # SDG target code
    relation: str            # "closeMatch" | "relatedMatch"
    justification: str


@dataclass(frozen=True)
class Crosswalk:
    mappings: tuple[Mapping, ...]
    unmapped: tuple[tuple[str, str], ...]      # (theme slug, reason)
    _index: dict = field(default=None, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        index: dict = {}
        for mapping in self.mappings:
            index.setdefault((mapping.kind, mapping.slug), []).append(mapping)
        object.__setattr__(self, "_index", {key: tuple(value) for key, value in index.items()})

    def for_concept(self, kind: TagKind, slug: str) -> tuple[Mapping, ...]:
        return self._index.get((kind, slug), ())


def load_crosswalk(mappings_dir: Path = MAPPINGS_DIR, catalogue: SdgCatalogue | None = None,
                   *, themes: Iterable[str] | None = None, instruments: Iterable[str] | None = None) -> Crosswalk:
    """mappings/sdg-crosswalk.yaml, validated: every target is in the catalogue; given the vocabulary's theme and
    instrument slugs, every slug exists and every theme is either mapped or listed as unmapped."""
    path = Path(mappings_dir) / CROSSWALK_FILE
    mapping_file = load_checked(path, Path(mappings_dir))
    data = mapping_file.data

    def fail(message, where=(), hint=None):
        raise InvalidDocument(message, file=display(path), line=mapping_file.line(tuple(where)) if where else None,
                              hint=hint)

    catalogue = catalogue or load_catalogue(mappings_dir)
    known = {TagKind.THEME: set(themes) if themes is not None else None,
             TagKind.INSTRUMENT: set(instruments) if instruments is not None else None}
    mappings, seen = [], set()
    for key, kind in (("themes", TagKind.THEME), ("instruments", TagKind.INSTRUMENT)):
        for n, entry in enumerate(data[key]):
            where = [key, n]
            if not catalogue.has(entry["target"]) or "." not in entry["target"]:
                fail(f"{kind.value} {entry['slug']}: {entry['target']} is not a target of {CATALOGUE_FILE}",
                     where + ["target"], hint=f"add the target to {CATALOGUE_FILE} first")
            if known[kind] is not None and entry["slug"] not in known[kind]:
                fail(f"unknown {kind.value} {entry['slug']!r}", where + ["slug"],
                     hint=f"use a slug of mappings/{key}.yaml")
            if (kind, entry["slug"], entry["target"]) in seen:
                fail(f"{kind.value} {entry['slug']} is mapped to {entry['target']} twice", where)
            seen.add((kind, entry["slug"], entry["target"]))
            mappings.append(Mapping(kind, entry["slug"], entry["target"], entry["relation"], entry["justification"]))
    unmapped = tuple((entry["slug"], entry["reason"]) for entry in data["unmapped"])
    mapped_themes = {m.slug for m in mappings if m.kind is TagKind.THEME}
    for n, (slug, _) in enumerate(unmapped):
        if slug in mapped_themes:
            fail(f"theme {slug} is both mapped and unmapped", ["unmapped", n])
        if known[TagKind.THEME] is not None and slug not in known[TagKind.THEME]:
            fail(f"unknown theme {slug!r}", ["unmapped", n], hint="use a slug of mappings/themes.yaml")
    if known[TagKind.THEME] is not None:
        missing = sorted(known[TagKind.THEME] - mapped_themes - {slug for slug, _ in unmapped})
        if missing:
            fail(f"themes neither mapped nor listed as unmapped: {', '.join(missing)}",
                 hint="map each theme to a target or say under `unmapped` why not")
    return Crosswalk(tuple(mappings), unmapped)


def _concept_iri(minter: Minter, kind: TagKind, slug: str) -> str:
    return minter.theme(slug) if kind is TagKind.THEME else minter.instrument(slug)


def crosswalk_graph(crosswalk: Crosswalk, catalogue: SdgCatalogue, minter: Minter) -> list[ox.Triple]:
    """The crosswalk as SKOS mapping triples (theme skos:closeMatch target) and, for each, a qualified record
    (uncc:Alignment at {concept}/sdg/{code}) with the relation, the method "curated crosswalk" and the
    justification as uncc:evidence."""
    term = uncc(minter)
    graph = Triples()
    for mapping in crosswalk.mappings:
        concept = ox.NamedNode(_concept_iri(minter, mapping.kind, mapping.slug))
        target = ox.NamedNode(catalogue.iri(mapping.target))
        relation = SKOS[mapping.relation]
        graph.add(concept, relation, target)
        record = ox.NamedNode(minter.sdg_mapping(concept.value, mapping.target))
        graph.add(record, RDF.type, term.Alignment)
        graph.add(record, term.source, concept)
        graph.add(record, term.target, target)
        graph.add(record, term.relation, relation)
        graph.add(record, term.method, ox.Literal("curated crosswalk"))
        graph.add(record, term.evidence, en(mapping.justification))
    return graph.list()


# ------------------------------------------------------------------------------------------------------------
# The words that let a unit serve a target

@dataclass(frozen=True)
class WordRule:
    """A target is served when every group of `groups` matches the unit's own words and no `unless` pattern does."""

    id: str
    target: str
    groups: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]

    def evidence(self, text: str, context: str = "") -> tuple[int, int] | None:
        """The span of the first group's match in `text` when the rule holds, else None. The later groups (what the
        words are about) may also match in `context`, the chapeau a subparagraph completes."""
        if any(pattern.search(text) for pattern in self.unless):
            return None
        first = self.groups[0].search(text)
        if first is None:
            return None
        if not all(pattern.search(text) or (context and pattern.search(context)) for pattern in self.groups[1:]):
            return None
        return first.span()


@dataclass(frozen=True)
class Band:
    name: str
    confidence: Decimal
    description: str


@dataclass(frozen=True)
class SdgWords:
    """mappings/sdg-words.yaml: the rules per target, the procedural patterns and the confidence of each band."""

    rules: tuple[WordRule, ...]
    instruments: dict[str, tuple[str, ...]]      # instrument slug -> the targets a unit naming it serves
    procedural: tuple[re.Pattern, ...]
    bands: tuple[Band, ...]

    def band(self, name: str) -> Band:
        return next(band for band in self.bands if band.name == name)

    def is_procedural(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.procedural)


def load_words(mappings_dir: Path = MAPPINGS_DIR, catalogue: SdgCatalogue | None = None,
               crosswalk: Crosswalk | None = None) -> SdgWords:
    """mappings/sdg-words.yaml, validated: every target is in the catalogue, every pattern compiles, the bands are
    the three the linker uses; given the crosswalk, every instrument's target is one the crosswalk maps it to."""
    path = Path(mappings_dir) / WORDS_FILE
    mapping_file = load_checked(path, Path(mappings_dir))
    data = mapping_file.data
    catalogue = catalogue or load_catalogue(mappings_dir)

    def compiled(pattern: str, where: list) -> re.Pattern:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            raise InvalidDocument(f"pattern {pattern!r} is not a regular expression: {error}", file=display(path),
                                  line=mapping_file.line(tuple(where))) from None

    rules = []
    for ti, entry in enumerate(data["targets"]):
        if not catalogue.has(entry["target"]) or "." not in entry["target"]:
            raise InvalidDocument(f"{entry['target']} is not a target of {CATALOGUE_FILE}", file=display(path),
                                  line=mapping_file.line(("targets", ti, "target")))
        for ri, rule in enumerate(entry["rules"]):
            where = ["targets", ti, "rules", ri]
            rules.append(WordRule(rule["id"], entry["target"],
                                  tuple(compiled(p, where + ["all", n]) for n, p in enumerate(rule["all"])),
                                  tuple(compiled(p, where + ["unless", n]) for n, p in enumerate(rule.get("unless", ())))))
    instruments = {}
    for n, entry in enumerate(data["instruments"]):
        for target in entry["targets"]:
            mapped = crosswalk is None or any(m.target == target for m in crosswalk.for_concept(
                TagKind.INSTRUMENT, entry["instrument"]))
            if not mapped or not catalogue.has(target):
                raise InvalidDocument(f"instrument {entry['instrument']}: {target} is not a target the crosswalk "
                                      f"maps it to", file=display(path), line=mapping_file.line(("instruments", n)),
                                      hint=f"map it in {CROSSWALK_FILE} first")
        instruments[entry["instrument"]] = tuple(entry["targets"])
    procedural = tuple(compiled(p, ["procedural", n]) for n, p in enumerate(data["procedural"]))
    bands = tuple(Band(b["band"], Decimal(b["confidence"]), b["description"]) for b in data["bands"])
    if sorted(b.name for b in bands) != sorted(BANDS):
        raise InvalidDocument(f"the bands must be exactly: {', '.join(BANDS)}", file=display(path),
                              line=mapping_file.line(("bands",)))
    return SdgWords(tuple(rules), instruments, procedural, bands)


# ------------------------------------------------------------------------------------------------------------
# Paragraph -> SDG links

@dataclass(frozen=True)
class SdgLink:
    """A unit serves an SDG goal or target, and why."""

    unit: str                     # IRI of the unit
    code: str                     # "16.5" or "16"
    iri: str                      # the UN's IRI for it
    method: str                   # the band: "mention" | "words and crosswalk" | "words"
    rule: str                     # "mention of a target", or the id of the word rule that holds
    confidence: Decimal           # the band's measured precision (mappings/sdg-words.yaml)
    evidence: Evidence            # the words: the mention itself, or the first words of the rule
    via: tuple[str, ...] = ()     # IRIs of the tag annotations that map to the target in the crosswalk


@dataclass(frozen=True)
class SdgLinks:
    """Every SDG link of a corpus, one per (unit, code), in document order then the UN's order."""

    links: tuple[SdgLink, ...]

    def __iter__(self) -> Iterator[SdgLink]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)

    def for_unit(self, unit: str) -> tuple[SdgLink, ...]:
        return tuple(link for link in self.links if link.unit == unit)

    def units(self, code: str) -> tuple[str, ...]:
        return tuple(link.unit for link in self.links if link.code == code)


_SEP = r"(?:,\s*and\s+|,\s*|\s+and\s+|\s+or\s+)"
_TARGET = re.compile(r"\b(?:(?:SDG|Sustainable Development Goal|sustainable development)\s+)?[Tt]argets?\s+"
                     r"(\d{1,2}\.[0-9a-z]{1,2})\b((?:" + _SEP + r"\d{1,2}\.[0-9a-z]{1,2}\b)*)")
_GOAL = re.compile(r"\b(?:(?:Sustainable Development )?Goals?|SDGs?)\s?(\d{1,2})\b(?![.,]\d)"
                   r"((?:" + _SEP + r"\d{1,2}\b(?![.,]\d))*)")
_CODE = re.compile(r"\d{1,2}(?:\.[0-9a-z]{1,2})?")


def mentions(text: str) -> list[tuple[str, int, int]]:
    """The SDG goals and targets a text names explicitly: (code, start, end of the whole mention).

    "target 16.a", "targets 16.3 and 16.a", "Sustainable Development Goal 16", "Goal 16", "SDG 16". Not the
    2030 Agenda, not "the Sustainable Development Goals" (see the module docstring)."""
    found = []
    taken = []
    for match in _TARGET.finditer(text):
        taken.append((match.start(), match.end()))
        for code in _CODE.findall(match.group(1) + " " + (match.group(2) or "")):
            found.append((code, match.start(), match.end()))
    for match in _GOAL.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        for code in _CODE.findall(match.group(1) + " " + (match.group(2) or "")):
            found.append((code, match.start(), match.end()))
    return found


def _without_names(text: str, unit_tags) -> str:
    """The text with the words of the instruments and bodies it names blanked out (same length, so that offsets
    hold): the title of a convention or the name of an office is not a commitment to its subject."""
    chars = list(text)
    for tag in unit_tags:
        if tag.kind is TagKind.THEME or tag.method is not Method.MATCH or tag.evidence is None:
            continue
        start = tag.evidence.start
        if text[start:start + len(tag.evidence.exact)] == tag.evidence.exact:
            chars[start:start + len(tag.evidence.exact)] = " " * len(tag.evidence.exact)
    return "".join(chars)


def link_sdgs(corpus: Corpus, tags: Tags, catalogue: SdgCatalogue, crosswalk: Crosswalk,
              minter: Minter, words: SdgWords | None = None) -> SdgLinks:
    """Each paragraph-level unit's SDG goals and targets, one link per (unit, code).

    A unit serves a target when its own text names it (band "mention") or holds the words of one of the target's
    rules in mappings/sdg-words.yaml, read with the names of instruments and bodies blanked out (band "words and
    crosswalk" when a theme or instrument tag of the unit also maps to the target, "words" otherwise). A crosswalk
    mapping alone links nothing: a tag is about a subject, and only the unit's words say which target it serves.
    Procedural units (lists of participants, thanks, formulas) serve none. The confidence is the band's, the
    precision measured for it on hand labels."""
    words = words or load_words(MAPPINGS_DIR, catalogue, crosswalk)
    links: list[SdgLink] = []
    for document in corpus.documents:
        by_iri = {unit.iri: unit for unit in document.units}
        for unit in document.units:
            if unit.kind not in LINKED_KINDS or not unit.text or words.is_procedural(unit.text):
                continue
            unit_tags = tags.for_unit(unit.iri)
            found: dict[str, SdgLink] = {}
            for code, start, end in mentions(unit.text):
                if catalogue.has(code) and code not in found:
                    kind = "target" if "." in code else "goal"
                    found[code] = SdgLink(unit.iri, code, catalogue.iri(code), METHOD_MENTION,
                                          f"mention of a {kind}", words.band(METHOD_MENTION).confidence,
                                          Evidence.at(unit.iri, unit.text, start, end))
            readable = _without_names(unit.text, unit_tags)
            parent = by_iri.get(unit.parent)
            chapeau = parent.text if parent is not None and parent.kind in LINKED_KINDS else ""
            named: list[tuple[str, str, Evidence]] = []      # (target, rule, evidence) from the instruments named
            for tag in unit_tags:
                if (tag.kind is TagKind.INSTRUMENT and tag.method in _OWN_WORDS and tag.evidence is not None
                        and tag.evidence.source == unit.iri):
                    named += [(target, f"names the instrument {tag.slug}", tag.evidence)
                              for target in words.instruments.get(tag.slug, ())]
            for rule in words.rules:
                span = None if rule.target in found else rule.evidence(readable, chapeau)
                if span is not None:
                    named.append((rule.target, rule.id, Evidence.at(unit.iri, unit.text, *span)))
            for target, rule, evidence in sorted(named, key=lambda n: (n[0], n[2].start, n[1])):
                if target in found:
                    continue
                via = tuple(sorted(minter.annotation(unit.iri, tag.kind.value, tag.slug) for tag in unit_tags
                                   if tag.kind is not TagKind.ACTOR and tag.method is not Method.BROADER
                                   and any(m.target == target for m in crosswalk.for_concept(tag.kind, tag.slug))))
                band = METHOD_WORDS_AND_CROSSWALK if via else METHOD_WORDS
                found[target] = SdgLink(unit.iri, target, catalogue.iri(target), band, rule,
                                        words.band(band).confidence, evidence, via)
            links.extend(found[code] for code in sorted(found, key=catalogue.order))
    return SdgLinks(tuple(links))


def sdg_links_graph(links: SdgLinks, minter: Minter) -> list[ox.Triple]:
    """`?unit uncc:sdgTarget <sdg>` for each link, and its annotation at {unit}/tag/sdg/{16-5}, in the pattern of
    the tagger's annotations (crimecongress/rdf/tags.py): a uncc:Tag and oa:Annotation (oa:classifying) whose body
    is the SDG IRI and whose target is the evidence words (an oa:SpecificResource with oa:hasSource and an
    oa:TextQuoteSelector), with uncc:taggedUnit, uncc:method (the band), uncc:rule and uncc:confidence (the band's
    measured precision); a link of the band "words and crosswalk" also names the tag annotations that map to the
    same target (prov:wasDerivedFrom)."""
    term = uncc(minter)
    graph = Triples()
    for link in links:
        unit, body = ox.NamedNode(link.unit), ox.NamedNode(link.iri)
        graph.add(unit, term.sdgTarget, body)
        note = ox.NamedNode(minter.annotation(link.unit, "sdg", sdg_slug(link.code)))
        graph.add(note, RDF.type, term.Tag)
        graph.add(note, RDF.type, OA.Annotation)
        graph.add(note, OA.motivatedBy, OA.classifying)
        graph.add(note, OA.hasBody, body)
        graph.add(note, term.taggedUnit, unit)
        graph.add(note, term.method, ox.Literal(link.method))
        graph.add(note, term.rule, ox.Literal(link.rule))
        graph.add(note, term.confidence, decimal(link.confidence))
        for source in link.via:
            graph.add(note, PROV.wasDerivedFrom, ox.NamedNode(source))
        graph.extend(evidence_statements(note, link.evidence, minter))
    return graph.list()
