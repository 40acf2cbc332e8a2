"""Footnote identification: which instruments a footnote cites.

A footnote identifies an instrument by its Treaty Series volume and registration number, by the resolution
(and annex) that adopted it, by a sales number and section of a United Nations publication, by a document
symbol, or by naming its title. "Ibid." takes the citation of the footnote before it and changes what it
gives (a volume, a section). The facts come from mappings/instruments.yaml (unts, resolutions, publication,
document_symbol); a citation the authority list cannot express is a cue of mappings/cues/footnotes.yaml.

The unit whose marker references a footnote cites what the footnote identifies (tagger, method "footnote").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..ids import Minter
from ..model import Corpus, Unit, UnitKind

_UNTS = re.compile(r"\bvols?\.\s*(?P<vols>\d+(?:(?:,\s*|,?\s+and\s+)\d+)*),\s*No\.\s*(?P<no>\d+)")
_RESOLUTION = re.compile(
    r"(?:(?P<body>General Assembly|Economic and Social Council|Commission on Crime Prevention and Criminal Justice)"
    r"(?:\s+in\s+its)?\s+)?\b[Rr]esolutions?\s+(?P<number>S-\d+/\d+|\d{1,4}/\d+)"
    r"(?:,\s*(?P<annex>annex(?:es)?(?:\s+[IVX]+(?:\s*(?:-|–|,|and)\s*[IVX]+)*)?))?")
_SALES = re.compile(r"Sales No\.\s*(?P<sales>[A-Z]\.\d{2}\.[IVX]+\.\d+)")
_DOCUMENT = re.compile(r"\b(?P<symbol>A/\d+/\d+|A/CONF\.\d+/\d+(?:/[A-Za-z0-9.]+)*|"
                       r"E/CN\.\d+/\d{4}/[A-Z]+\.\d+(?:/Add\.\d+)?|E/\d{4}/\d+(?:/Add\.\d+)?)")
_CHAP = re.compile(r"\bchap\.\s*(?P<v>[IVX]+)")
_SECT = re.compile(r"\bsect\.\s*(?P<v>[A-Z](?:\.\d+)?)")
_ANNEX = re.compile(r"\bannex(?:es)?\b(?:\s+(?P<v>[IVX]+(?:\s*(?:-|–|,|and)\s*[IVX]+)*))?")
_IBID = re.compile(r"^\s*Ibid\.?,?")
_BODIES = {"General Assembly": "general-assembly", "Economic and Social Council": "ecosoc",
           "Commission on Crime Prevention and Criminal Justice": "ccpcj"}
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass(frozen=True)
class Identification:
    """One instrument a footnote identifies, and the words of the footnote that identify it."""

    slug: str
    start: int
    end: int
    rule: str


def annexes(text: str | None) -> tuple[str | None, ...]:
    """"annexes I-III" -> ("I", "II", "III"); "annex III" -> ("III",); "annex" -> (None,)."""
    if not text:
        return (None,)
    match = _ANNEX.match(text.strip())
    numbers = match.group("v") if match else None
    if not numbers:
        return (None,)
    out: list[str] = []
    for part in re.split(r"\s*(?:,|and)\s*", numbers):
        if re.search(r"[-–]", part):
            first, last = re.split(r"\s*[-–]\s*", part)
            out.extend(_ROMAN[_ROMAN.index(first):_ROMAN.index(last) + 1])
        elif part:
            out.append(part)
    return tuple(out)


def locator(text: str) -> dict[str, str]:
    """chap., sect. and annex of a citation: "chap. I, sect. B.1, annex" -> {chap: I, sect: B.1, annex: annex}."""
    found = {}
    for key, regex in (("chap", _CHAP), ("sect", _SECT)):
        match = regex.search(text)
        if match:
            found[key] = match.group("v")
    match = _ANNEX.search(text)
    if match:
        found["annex"] = match.group("v") or "annex"
    return found


@dataclass
class _Work:
    """The cited work of a footnote, kept so that the next "Ibid." can refer to it."""

    kind: str            # sales | document
    key: str
    loc: dict


class FootnoteIndex:
    """The citation facts of the vocabulary and of the footnote cues, indexed for look-up."""

    def __init__(self, vocabulary, cues=None, titles=None):
        self.vocabulary = vocabulary
        self.publications: list[tuple[str, dict, str]] = []   # (sales number, locator, slug)
        self.documents: list[tuple[str, dict, str]] = []      # (symbol, locator, slug)
        for instrument in vocabulary.instruments:
            if instrument.publication is not None:
                self.publications.append((instrument.publication.sales_number,
                                          locator(instrument.publication.location or ""), instrument.slug))
            if instrument.document_symbol:
                self.documents.append((instrument.document_symbol, {}, instrument.slug))
        self.cue_rules: list[tuple[str, str, dict, str, str]] = []  # (kind, key, locator, slug, cue id)
        for cue in (cues.of_kind("footnote") if cues is not None else ()):
            citation = dict(cue.citation)
            loc = {k: citation[k] for k in ("chap", "sect", "annex") if k in citation}
            if "sales" in citation:
                self.cue_rules.append(("sales", citation["sales"], loc, cue.value, cue.id))
            if "document" in citation:
                self.cue_rules.append(("document", citation["document"], loc, cue.value, cue.id))
            if "resolution" in citation:
                self.cue_rules.append(("resolution", citation["resolution"], loc, cue.value, cue.id))
        from .matcher import Matcher
        self.titles = titles or (Matcher(cues.of_kind("instrument")) if cues is not None else None)

    @staticmethod
    def _fits(wanted: dict, given: dict) -> bool:
        return all(given.get(key) == value for key, value in wanted.items())

    def works(self, kind: str, key: str, loc: dict) -> list[tuple[str, str]]:
        """(slug, rule) of every instrument published as `key` at `loc`."""
        table = self.publications if kind == "sales" else self.documents
        found = [(slug, f"footnote.{'publication' if kind == 'sales' else 'document'}")
                 for number, wanted, slug in table if number == key and self._fits(wanted, loc)]
        found += [(slug, cue_id) for rule_kind, rule_key, wanted, slug, cue_id in self.cue_rules
                  if rule_kind == kind and rule_key == key and self._fits(wanted, loc)]
        return found

    def resolutions(self, body: str | None, number: str, annex: str | None) -> list[tuple[str, str]]:
        found = []
        for instrument in self.vocabulary.instruments:
            for resolution in instrument.resolutions:
                if resolution.number != number or (body and resolution.body != body):
                    continue
                if annex is not None and resolution.annex not in (None, annex):
                    continue
                found.append((instrument.slug, "footnote.resolution"))
        short = {"general-assembly": "GA", "ecosoc": "ECOSOC", "ccpcj": "CCPCJ"}
        key = f"{short.get(body or 'general-assembly', 'GA')} {number}"
        found += [(slug, cue_id) for kind, rule_key, _, slug, cue_id in self.cue_rules
                  if kind == "resolution" and rule_key == key]
        return found


def identify_text(text: str, index: FootnoteIndex, previous: _Work | None) -> tuple[list[Identification], _Work | None]:
    """The instruments one footnote text identifies, and the work it cites (for a following "Ibid.")."""
    found: list[Identification] = []
    work: _Work | None = None
    ibid = _IBID.match(text)
    for match in _UNTS.finditer(text):
        number = match.group("no")
        # "Ibid., vol. 993, No. 14537": the quoted words include the "Ibid." that says which series
        start = ibid.start() if ibid and match.start() - ibid.end() <= 2 else match.start()
        for volume in re.findall(r"\d+", match.group("vols")):
            instrument = index.vocabulary.by_treaty_series(volume, number)
            if instrument is not None:
                found.append(Identification(instrument.slug, start, match.end(), "footnote.treaty-series"))
    for match in _RESOLUTION.finditer(text):
        body = _BODIES.get(match.group("body") or "")
        for annex in annexes(match.group("annex")):
            for slug, rule in index.resolutions(body, match.group("number"), annex):
                found.append(Identification(slug, match.start(), match.end(), rule))
    for kind, regex, group in (("sales", _SALES, "sales"), ("document", _DOCUMENT, "symbol")):
        for match in regex.finditer(text):
            loc = locator(text[match.end():])
            work = _Work(kind, match.group(group), loc)
            for slug, rule in index.works(kind, work.key, loc):
                found.append(Identification(slug, match.start(), match.end(), rule))
    if ibid and previous is not None and not found:
        loc = dict(previous.loc)
        given = locator(text)
        if given:
            # "Ibid., sect. B.": the same work, with the parts of the locator this note gives changed
            order = ["chap", "sect", "annex"]
            first = min(order.index(k) for k in given)
            loc = {k: v for k, v in loc.items() if order.index(k) < first}
            loc.update(given)
        work = _Work(previous.kind, previous.key, loc)
        for slug, rule in index.works(work.kind, work.key, loc):
            found.append(Identification(slug, ibid.start(), len(text.rstrip(". ")), rule + ".ibid"))
    if index.titles is not None:
        for match in index.titles.find(text):
            found.append(Identification(match.value, match.start, match.end, match.cue.id))
    if work is None and ibid and previous is not None:
        work = previous
    unique: dict[str, Identification] = {}
    for item in sorted(found, key=lambda i: (i.start, i.end)):
        unique.setdefault(item.slug, item)
    return list(unique.values()), work


def _footnote_number(unit: Unit) -> int:
    return int(unit.number) if unit.number and unit.number.isdigit() else 0


def identify_units(footnotes: Iterable[Unit], index: FootnoteIndex) -> dict[str, list[Identification]]:
    """Identifications per footnote IRI, footnotes of one document read in their printed order (for Ibid.)."""
    out: dict[str, list[Identification]] = {}
    previous: _Work | None = None
    for unit in sorted(footnotes, key=_footnote_number):
        found, previous = identify_text(unit.text, index, previous)
        out[unit.iri] = found
    return out


def identify_corpus(corpus: Corpus, vocabulary, cues=None) -> dict[str, list[Identification]]:
    """Every footnote of the corpus with what it identifies (possibly nothing)."""
    index = FootnoteIndex(vocabulary, cues)
    out: dict[str, list[Identification]] = {}
    for document in corpus.documents:
        out.update(identify_units([u for u in document.units if u.kind is UnitKind.FOOTNOTE], index))
    return out


def identify_footnotes(corpus: Corpus, vocabulary, minter: Minter, *, cues=None) -> dict[str, tuple[str, ...]]:
    """{footnote IRI: instrument IRIs it identifies}, for every footnote that identifies at least one."""
    if cues is None:
        from . import default_cues
        cues = default_cues(vocabulary)
    found = identify_corpus(corpus, vocabulary, cues)
    return {footnote: tuple(minter.instrument(i.slug) for i in items)
            for footnote, items in sorted(found.items()) if items}
