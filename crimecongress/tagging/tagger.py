"""`tag_corpus`: themes, instruments and actors for every paragraph-level unit, each with its evidence.

How a tag is found (the methods, in order of preference when several find the same tag):
1. curation -- mappings/curations.yaml adds it for this unit;
2. match -- a cue of mappings/cues/ matches the unit's own words;
3. anaphora -- "the Convention", "the Centre" in the unit stands for the nearest preceding named one;
4. footnote -- a footnote the unit's marker references identifies the instrument;
5. chapeau -- the chapeau a subparagraph completes names a top theme;
6. heading -- a heading the unit stands under (for a recommendation: the compilation groups that list it);
7. subparagraphs -- a paragraph is about the top themes of the items it introduces;
8. broader -- a broader theme (at any depth) reached through skos:broader from a narrower theme tag.
A curated removal drops a tag whatever found it. One tag is kept per (unit, kind, value): the one found by
the preferred method, then the most confident, then the earliest words. A compilation entry that reprints a
recommendation of the corpus keeps no tags: the recommendation carries them (the entry's group heading reaches it
by method 6).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..ids import Minter
from ..model import Corpus, Document, Unit, UnitKind
from .cues import CueSet, Propagation
from .curation import Curation, check_curations
from .footnotes import FootnoteIndex, Identification, identify_units
from .matcher import Match, Matcher, spans_batch
from .model import METHOD_RANK, Evidence, Method, Tag, TagKind, Tags

TAGGED = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM, UnitKind.ENTRY)
CONTEXT = (UnitKind.HEADING,)
CURATION_CONFIDENCE = Decimal("1.00")
_DEFAULT_PROPAGATION = {"heading": Propagation("all", Decimal("0.7")), "chapeau": Propagation("top", Decimal("0.6")),
                        "subparagraphs": Propagation("top", Decimal("0.6"))}


@dataclass(frozen=True)
class UnitMatches:
    """What the cues find in one unit's text, after masking and the cues' context rules."""

    themes: tuple[Match, ...]
    instruments: tuple[Match, ...]
    actors: tuple[Match, ...]
    anaphors: tuple[Match, ...]


def _inside(match: Match | tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    start, end = (match.start, match.end) if isinstance(match, Match) else match
    return any(s <= start and end <= e for s, e in spans)


def _named(match: Match, names: list[tuple[int, int]], instruments: list[tuple[int, int]]) -> bool:
    """Whether a theme match is part of a name: the innermost name or instrument title around it is a name.
    ("Conference of the Parties to the United Nations Convention against Transnational Organized Crime": the
    innermost is the Convention's title, so organized crime counts; "study prepared by the United Nations
    Office on Drugs and Crime": the innermost is the Office's name, so drugs do not.)"""
    around = [(e - s, 1) for s, e in names if s <= match.start and match.end <= e]
    around += [(e - s, 0) for s, e in instruments if s <= match.start and match.end <= e]
    return bool(around) and min(around)[1] == 1


class Tagger:
    """The compiled cues of one vocabulary; tags a corpus (or a single new document) in one pass."""

    def __init__(self, vocabulary, cues: CueSet, minter: Minter, curations: tuple[Curation, ...] = ()):
        self.vocabulary, self.cues, self.minter, self.curations = vocabulary, cues, minter, curations
        self.themes = Matcher(cues.of_kind("theme"))
        self.instruments = Matcher(cues.of_kind("instrument"))
        self.actors = Matcher(cues.of_kind("actor"))
        self.anaphora = Matcher(cues.of_kind("anaphora"))
        theme_file = cues.file("theme")
        self.masked_by = set(theme_file.masked_by) if theme_file else {"actor"}
        self.not_masked_by = set(theme_file.not_masked_by) if theme_file else set()
        self.masks = [re.compile(p) for p in (theme_file.masks if theme_file else ())]
        self.names = [re.compile(p) for p in (theme_file.name_patterns if theme_file else ())]
        self.context = dict(_DEFAULT_PROPAGATION)
        if theme_file:
            self.context.update(theme_file.context)
        self.top = {t.slug for t in vocabulary.themes if t.is_top}
        self.ancestors = {t.slug: vocabulary.ancestors(t.slug) for t in vocabulary.themes}
        self._iris: dict[tuple[TagKind, str], str] = {}
        self._titles: dict[str, list[Match]] = {}
        # an instrument that is a document of the corpus is not cited by that document ("the present Political
        # Declaration and Global Action Plan" in the Naples Declaration is the text itself)
        self._own_document = {i.slug: i.document for i in vocabulary.instruments if i.document}
        self.footnote_index = FootnoteIndex(vocabulary, cues, titles=self.instruments)

    # ---- matching texts --------------------------------------------------------------------------------
    def match_unit(self, text: str, document: str | None) -> UnitMatches:
        """What the cues find in one text."""
        return self.match_texts([text], [document])[0]

    def match_texts(self, texts: list[str], documents: list[str | None]) -> list[UnitMatches]:
        """What the cues find in each of `texts` (scanned together: a few regular-expression calls in all)."""
        instruments = [[m for m in found if self._own_document.get(m.value) != document]   # the text itself
                       for found, document in zip(self.instruments.find_batch(texts, documents), documents)]
        found = zip(instruments, self.actors.find_batch(texts, documents),
                    self.themes.find_batch(texts, documents), self.anaphora.find_batch(texts, documents),
                    spans_batch(self.masks, texts), spans_batch(self.names, texts))
        return [self._settle_unit(*parts) for parts in found]

    def _settle_unit(self, instruments, actors, themes, anaphors, masks, names) -> UnitMatches:
        """Masking: theme words inside a name are not evidence; an anaphor inside a name is that name."""
        names = list(names)
        if "actor" in self.masked_by:
            names += [(m.start, m.end) for m in actors if m.value not in self.not_masked_by]
        kept_instruments = [(m.start, m.end) for m in instruments if not _inside(m, masks)]
        if "instrument" in self.masked_by:
            names += kept_instruments
            kept_instruments = []
        themes = [m for m in themes if not _inside(m, masks) and not _named(m, names, kept_instruments)]
        explicit = [(m.start, m.end) for m in (*instruments, *actors)]
        # an anaphor that overlaps a name ("the commission on crime prevention and criminal justice") is that name
        anaphors = [m for m in anaphors
                    if not any(m.start < e and s < m.end and (e - s) > (m.end - m.start) for s, e in explicit)]
        return UnitMatches(tuple(themes), tuple(instruments), tuple(actors), tuple(anaphors))

    # ---- helpers -------------------------------------------------------------------------------------
    def _iri(self, kind: TagKind, slug: str) -> str:
        key = (kind, slug)
        iri = self._iris.get(key)
        if iri is None:
            iri = self._iris[key] = {TagKind.THEME: self.minter.theme, TagKind.INSTRUMENT: self.minter.instrument,
                                     TagKind.ACTOR: self.minter.actor}[kind](slug)
        return iri

    def _tag(self, unit: str, kind: TagKind, slug: str, method: Method, rule: str | None, confidence: Decimal,
             evidence: Evidence | None, *, curation: str | None = None, via: str | None = None,
             derived_from: tuple[str, TagKind, str] | None = None) -> Tag:
        source = None
        if derived_from:
            source = self.minter.annotation(derived_from[0], derived_from[1].value, derived_from[2])
        return Tag(unit=unit, kind=kind, value=self._iri(kind, slug), slug=slug, method=method, rule=rule,
                   curation=curation, confidence=confidence.quantize(Decimal("0.01")), evidence=evidence, via=via,
                   derived_from=source)

    def _title_themes(self, slug: str) -> list[Match]:
        """The narrow themes the title of an instrument names (masked like any text), once per instrument."""
        if slug not in self._titles:
            title = self.vocabulary.instrument(slug).title
            found = self.match_unit(title, None).themes
            self._titles[slug] = [m for m in found if m.value not in self.top]
        return self._titles[slug]

    def _passed_on(self, context: Unit, found: UnitMatches, rule: Propagation) -> list[Match]:
        """The theme matches of a heading or chapeau that pass to the units under it: all of them when it
        names at most `max_narrow` narrow themes, otherwise (or when it matches `top_only_if`) only the top
        themes it names -- a context naming several subjects is context for the field, not for each subject."""
        if rule.themes == "none" or (rule.levels and context.level not in rule.levels):
            return []
        narrow = {m.value for m in found.themes if m.value not in self.top}
        top_only = (rule.themes == "top" or (rule.max_narrow is not None and len(narrow) > rule.max_narrow)
                    or any(re.search(p, context.text) for p in rule.top_only_if))
        return [m for m in found.themes if m.value in self.top or not top_only]

    # ---- the corpus ----------------------------------------------------------------------------------
    def tag(self, corpus: Corpus) -> Tags:
        units = {u.iri: u for d in corpus.documents for u in d.units}
        order = {u.iri: (i, u.position) for i, d in enumerate(corpus.documents) for u in d.units}
        # curations of documents this corpus does not hold (a new declaration tagged on its own) do not apply
        present = {d.slug for d in corpus.documents}
        curations = tuple(c for c in self.curations if c.unit.split("/", 1)[0] in present)
        if curations:
            known = {"theme": {t.slug for t in self.vocabulary.themes},
                     "instrument": {i.slug for i in self.vocabulary.instruments},
                     "actor": {a.slug for a in self.vocabulary.actors}}
            check_curations(curations, units, known, self.minter.unit_at)
        active, self.curations = self.curations, curations
        scanned = [(u, d.slug) for d in corpus.documents for u in d.units
                   if (u.kind in TAGGED or u.kind in CONTEXT)]
        matches: dict[str, UnitMatches] = dict(zip(
            (u.iri for u, _ in scanned),
            self.match_texts([u.text for u, _ in scanned], [slug for _, slug in scanned])))
        footnotes: dict[str, list[Identification]] = {}
        for document in corpus.documents:
            footnotes.update(identify_units([u for u in document.units if u.kind is UnitKind.FOOTNOTE],
                                            self.footnote_index))
        resolved: dict[str, list[tuple[Match, str]]] = {}
        for document in corpus.documents:
            resolved.update(self._resolve_anaphora(document, matches))
        entries: dict[str, list[Unit]] = defaultdict(list)
        for unit in units.values():
            if unit.kind is UnitKind.ENTRY and unit.lists:
                entries[unit.lists].append(unit)
        children: dict[str, list[Unit]] = defaultdict(list)
        for unit in units.values():
            if unit.kind in TAGGED and unit.parent in units and units[unit.parent].kind in TAGGED:
                children[unit.parent].append(unit)

        raw: list[Tag] = []
        for document in corpus.documents:
            for unit in document.units:
                if unit.kind not in TAGGED:
                    continue
                raw.extend(self._own_tags(unit, matches[unit.iri], resolved.get(unit.iri, ()), footnotes, units))
                raw.extend(self._heading_tags(unit, units, matches, entries))
                raw.extend(self._chapeau_tags(unit, units, matches))
        by_unit: dict[str, list[Tag]] = defaultdict(list)
        for tag in raw:
            by_unit[tag.unit].append(tag)
        # subparagraphs -> the paragraph that introduces them (bottom-up, so items reach the paragraph)
        for parent in sorted(children, key=lambda iri: (order[iri][0], -order[iri][1])):
            by_unit[parent].extend(self._from_children(parent, children, by_unit))
        tags = [t for unit_tags in by_unit.values() for t in unit_tags]
        tags = self._apply_curations(tags, units)
        tags = self._select(tags)
        tags = self._with_broader(tags)
        tags = self._remove_curated(tags)
        tags = tags + self._fallback(tags, corpus, units)
        # a compilation entry that reprints a recommendation of the corpus carries no tags of its own: it points to
        # the recommendation (uncc:lists), which carries them, so that no subject is counted twice
        tags = [t for t in tags if not (units[t.unit].kind is UnitKind.ENTRY and units[t.unit].lists in units)]
        tags.sort(key=lambda t: (order[t.unit], t.kind.value, t.slug))
        self.curations = active
        return Tags(tuple(tags))

    # ---- the unit's own words, anaphora and footnotes --------------------------------------------------
    def _own_tags(self, unit: Unit, found: UnitMatches, anaphors, footnotes, units) -> list[Tag]:
        out = []
        for kind, items in ((TagKind.THEME, found.themes), (TagKind.INSTRUMENT, found.instruments),
                            (TagKind.ACTOR, found.actors)):
            for m in items:
                out.append(self._tag(unit.iri, kind, m.value, Method.MATCH, m.cue.id, m.cue.confidence,
                                     Evidence.at(unit.iri, unit.text, m.start, m.end)))
        for m, slug in anaphors:
            evidence = Evidence.at(unit.iri, unit.text, m.start, m.end)
            out.append(self._tag(unit.iri, TagKind(m.cue.refers_to), slug, Method.ANAPHORA, m.cue.id,
                                 m.cue.confidence, evidence))
            if m.cue.refers_to == TagKind.INSTRUMENT.value:
                # "the Convention" standing for the Organized Crime Convention carries its subject, as its name would
                for theme in self._title_themes(slug):
                    out.append(self._tag(unit.iri, TagKind.THEME, theme.value, Method.ANAPHORA, theme.cue.id,
                                         min(m.cue.confidence, theme.cue.confidence), evidence, via=slug,
                                         derived_from=(unit.iri, TagKind.INSTRUMENT, slug)))
        for footnote in unit.footnotes:
            note = units.get(footnote)
            for item in footnotes.get(footnote, ()):
                confidence = Decimal("0.95") if item.rule.startswith("footnote.") else Decimal("0.9")
                out.append(self._tag(unit.iri, TagKind.INSTRUMENT, item.slug, Method.FOOTNOTE, item.rule, confidence,
                                     Evidence.at(footnote, note.text, item.start, item.end)))
        return out

    def _resolve_anaphora(self, document: Document, matches: dict[str, UnitMatches]) -> dict[str, list]:
        """Each anaphor to the nearest preceding explicit mention of one of its antecedents in the document."""
        history: list[tuple[int, int, str, str]] = []      # (unit index, offset, kind, slug)
        out: dict[str, list] = defaultdict(list)
        index = 0
        for unit in document.units:
            found = matches.get(unit.iri)
            if found is None:
                continue
            index += 1
            events = [(m.start, 0, "instrument", m) for m in found.instruments]
            events += [(m.start, 0, "actor", m) for m in found.actors]
            events += [(m.start, 1, "anaphor", m) for m in found.anaphors]
            for start, _, what, m in sorted(events, key=lambda e: (e[0], e[1])):
                if what != "anaphor":
                    history.append((index, start, what, m.value))
                    continue
                cue = m.cue
                limit = cue.max_units_back if cue.max_units_back is not None else 12
                for at, _, kind, slug in reversed(history):
                    if index - at > limit:
                        break
                    if kind == cue.refers_to and slug in cue.antecedents:
                        value = dict(cue.yields).get(slug, slug)
                        if unit.kind in TAGGED:
                            out[unit.iri].append((m, value))
                        if value == slug:
                            history.append((index, start, kind, slug))
                        break
        return out

    # ---- context: headings, chapeaux, subparagraphs --------------------------------------------------
    def _heading_tags(self, unit: Unit, units, matches, entries) -> list[Tag]:
        rule = self.context["heading"]
        heads: list[Unit] = []
        starts = [unit] + entries.get(unit.iri, [])
        for start in starts:
            current = start.heading
            while current and current in units:
                heading = units[current]
                if heading not in heads:
                    heads.append(heading)
                current = heading.heading
        out = []
        for heading in heads:
            for m in self._passed_on(heading, matches.get(heading.iri, UnitMatches((), (), (), ())), rule):
                out.append(self._tag(unit.iri, TagKind.THEME, m.value, Method.HEADING, m.cue.id, rule.confidence,
                                     Evidence.at(heading.iri, heading.text, m.start, m.end)))
        return out

    def _chapeau_tags(self, unit: Unit, units, matches) -> list[Tag]:
        rule = self.context["chapeau"]
        if unit.kind not in (UnitKind.SUBPARAGRAPH, UnitKind.ITEM) or rule.themes == "none":
            return []
        out = []
        current = units.get(unit.parent)
        while current is not None and current.kind in TAGGED:
            for m in self._passed_on(current, matches.get(current.iri, UnitMatches((), (), (), ())), rule):
                out.append(self._tag(unit.iri, TagKind.THEME, m.value, Method.CHAPEAU, m.cue.id, rule.confidence,
                                     Evidence.at(current.iri, current.text, m.start, m.end)))
            current = units.get(current.parent)
        return out

    def _from_children(self, parent: str, children, by_unit) -> list[Tag]:
        rule = self.context["subparagraphs"]
        if rule.themes == "none":
            return []
        out = []
        for child in sorted(children[parent], key=lambda u: u.position):
            for tag in by_unit.get(child.iri, ()):
                if tag.kind is not TagKind.THEME or tag.method not in (Method.MATCH, Method.SUBPARAGRAPHS):
                    continue
                if tag.slug in self.top:
                    reached = [(tag.slug, tag.via)]
                elif rule.themes == "all":
                    tops = sorted(self.ancestors[tag.slug] & self.top)
                    reached = [(tag.slug, None)] + [(top, tag.slug) for top in tops]
                else:
                    reached = [(top, tag.slug) for top in sorted(self.ancestors[tag.slug] & self.top)]
                for slug, via in reached:
                    out.append(self._tag(parent, TagKind.THEME, slug, Method.SUBPARAGRAPHS, tag.rule, rule.confidence,
                                         tag.evidence, via=via, derived_from=(child.iri, TagKind.THEME, tag.slug)))
        return out

    # ---- curation, selection, broader ---------------------------------------------------------------
    def _apply_curations(self, tags: list[Tag], units) -> list[Tag]:
        for curation in self.curations:
            if curation.action != "add":
                continue
            unit = units[self.minter.unit_at(curation.unit)]
            start = unit.text.index(curation.exact)
            tags.append(self._tag(unit.iri, TagKind(curation.kind), curation.value, Method.CURATION, None,
                                  CURATION_CONFIDENCE,
                                  Evidence.at(unit.iri, unit.text, start, start + len(curation.exact)),
                                  curation=curation.id))
        return tags

    def _remove_curated(self, tags: list[Tag]) -> list[Tag]:
        removed = {(self.minter.unit_at(c.unit), c.kind, c.value) for c in self.curations if c.action == "remove"}
        return [t for t in tags if (t.unit, t.kind.value, t.slug) not in removed]

    def _fallback(self, tags: list[Tag], corpus: Corpus, units: dict[str, Unit]) -> list[Tag]:
        """The document's field for every numbered paragraph that has no theme at all."""
        theme_file = self.cues.file("theme")
        rule = theme_file.fallback if theme_file else None
        if rule is None:
            return []
        field = re.compile(rule.pattern)
        themed = {t.unit for t in tags if t.kind is TagKind.THEME}
        out = []
        for document in corpus.documents:
            first = next((u for u in document.units if u.kind in TAGGED and field.search(u.text)), None)
            for unit in document.units:
                if unit.kind is not UnitKind.PARAGRAPH or unit.iri in themed:
                    continue
                chain = [unit]
                current = unit.heading
                while current and current in units:
                    chain.append(units[current])
                    current = units[current].heading
                source = next((u for u in chain if field.search(u.text)), first)
                if source is None:
                    continue
                hit = field.search(source.text)
                evidence = Evidence.at(source.iri, source.text, hit.start(), hit.end())
                for slug in rule.themes:
                    out.append(self._tag(unit.iri, TagKind.THEME, slug, Method.DOCUMENT, "fallback", rule.confidence,
                                         evidence))
        return out

    @staticmethod
    def _select(tags: list[Tag]) -> list[Tag]:
        best: dict[tuple, Tag] = {}
        for tag in tags:
            key = (tag.unit, tag.kind, tag.slug)
            rank = (METHOD_RANK[tag.method], -tag.confidence, tag.evidence.start if tag.evidence else 0)
            current = best.get(key)
            if current is None or rank < (METHOD_RANK[current.method], -current.confidence,
                                          current.evidence.start if current.evidence else 0):
                best[key] = tag
        return list(best.values())

    def _with_broader(self, tags: list[Tag]) -> list[Tag]:
        have = {(t.unit, t.slug) for t in tags if t.kind is TagKind.THEME}
        removed = {(self.minter.unit_at(c.unit), c.value) for c in self.curations
                   if c.action == "remove" and c.kind == "theme"}
        derived: dict[tuple[str, str], Tag] = {}
        for tag in sorted((t for t in tags if t.kind is TagKind.THEME and t.slug not in self.top),
                          key=lambda t: (METHOD_RANK[t.method], -t.confidence, t.slug)):
            if (tag.unit, tag.slug) in removed:
                continue
            # every broader theme, at any depth: maritime crime -> new and emerging crime -> international cooperation
            for top in sorted(self.ancestors[tag.slug]):
                if (tag.unit, top) in have or (tag.unit, top) in derived:
                    continue
                derived[(tag.unit, top)] = self._tag(tag.unit, TagKind.THEME, top, Method.BROADER, "skos:broader",
                                                     tag.confidence, tag.evidence, via=tag.slug,
                                                     derived_from=(tag.unit, TagKind.THEME, tag.slug))
        return tags + list(derived.values())


def tag_corpus(corpus: Corpus, vocabulary, minter: Minter, *, cues: CueSet | None = None,
               curations: tuple[Curation, ...] | None = None) -> Tags:
    """Every tag of every paragraph-level unit of the corpus (see the module docstring for the methods)."""
    from . import default_cues, default_curations
    cues = cues if cues is not None else default_cues(vocabulary)
    curations = curations if curations is not None else default_curations()
    return Tagger(vocabulary, cues, minter, curations).tag(corpus)
