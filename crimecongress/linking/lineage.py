"""Lineage: which later text takes up, implements or continues which earlier one, paragraph by paragraph.

Three kinds of link, each an `Alignment` (source, target, relation, method, score, rank, evidence):

- **takenUpIn** -- a recommendation of a regional preparatory meeting -> the Kyoto Declaration units that take it
  up. Method "similarity": TF-IDF cosine over light-stemmed content words (a small domain thesaurus folds
  "recidivism"/"reoffending", "incarceration"/"imprisonment" ...; solid compounds such as "anticorruption" are
  split) and their bigrams, plus the unit's theme and instrument tags as features, plus the words of the headings
  each stands under (the Kyoto heading; the compilation group); boosted when the Kyoto unit stands under the
  heading that answers the recommendation's compilation group (mappings/rpm-kyoto-headings.yaml), less when only
  the part answers its section; plus a bonus for the longest phrase the two texts share, which is also the
  published evidence. Each recommendation keeps its best three candidates above a low floor. `embedding_weight`
  would add that share of the two texts' sentence-embedding cosine (as `continues` does); it is 0: on the tuning
  labels 0.2 ranked one more first candidate right (58 of 68) and, with the asserted band re-chosen there (0.43),
  stated 43 links instead of 25, but on the held-out labels those links were right only 42 times in 51
  (benchmarks/tune_lineage.py).
- **implements** -- the units of each part of the Vienna plans of action -> the Vienna Declaration paragraphs the
  part's introductory paragraph names ("paragraphs 5, 6, 7 and 10 of the Vienna Declaration"). Method "explicit
  reference" for the introductory paragraph itself, "explicit reference of its part" for the part's other units;
  score 1.
- **continues** -- a unit of a later declaration -> the units of earlier declarations it continues or reaffirms.
  Method "explicit reference" (score 1) where the unit names an earlier declaration of the corpus ("Recalling the
  Doha Declaration", "the Naples Political Declaration"); the target is then the document. Method
  "similarity (words, themes, context, sentence embeddings)" otherwise. Words (`_ContextIndex`): BM25 with the
  source as the query over the candidates, each unit indexed as its light-stemmed content words and their bigrams,
  its theme and instrument tags, and at lower weights the words of the headings it stands under, of the chapeau it
  completes and (candidates only) of the subparagraphs it introduces; features found in more than 15% of the indexed
  units (the field's own words) are ignored; the score is divided by the source's best attainable score. Meaning
  (`embeddings`): the cosine of the two texts' all-MiniLM-L6-v2 sentence embeddings, which meets a commitment
  restated in other words ("intensify concerted global efforts ... strengthening international cooperation" /
  "intensified international cooperation in crime prevention"). The candidates are ranked by (1 - w) x BM25 / the
  source's best BM25 + w x cosine (w = `embedding_weight`), and the top k (<= 3) are kept; that fused value is the
  score. The evidence is the longest phrase the two texts share. Candidates are the
  paragraph-level units (preamble paragraphs, paragraphs, subparagraphs, items; not headings, formulae or
  footnotes) of every strictly earlier declaration (1991, Naples, Vienna, Bangkok, Doha); the Vienna plans of
  action are not candidates (they are linked by `implements`).

Which links are stated: every candidate is published as a uncc:Alignment (score, rank, evidence, the confidence of
its band, uncc:asserted), but only the links of an asserted band of mappings/lineage-bands.yaml are also stated as
plain triples -- explicit references; a `takenUpIn` first candidate with a strong score; a `continues` first candidate
with a strong score on which the words alone and the meaning alone agree. A unit with no asserted link has no
predecessor (or take-up) the linker is sure of.

Scores are decimals in [0, 1]; ranks are 1-based among the links of one source, relation and method. The two
similarity methods score on different scales (a TF-IDF cosine with bonuses; a relative BM25 score fused with an
embedding cosine), so compare scores within one method only. The embeddings are computed once per run, for the
relations that use them. Weights are in `TAKEN_UP_PARAMS` and `CONTINUES_PARAMS`, bands and thresholds in
mappings/lineage-bands.yaml; tests/test_link_labels.py measures them against the hand labels. What else was measured
on the tuning labels (reciprocal-rank fusion, a unit embedded with its chapeau, a bonus for the latest earlier
declaration or for the same part, preambular or operative; a penalty for targets close to every source), none
better by more than one first candidate in 60, is benchmarks/tune_lineage.py.
"""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ..errors import InvalidDocument
from ..ids import Minter, last_segment, slug_year
from ..model import Corpus, Document, Unit, UnitKind
from ..rdf.literals import decimal, en, typed
from ..rdf.namespaces import RDF, XSD, uncc
from ..rdf.triples import Triples
from ..vocab.files import display
from .mappings import load_checked

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings"
HEADINGS_FILE = "rpm-kyoto-headings.yaml"
BANDS_FILE = "lineage-bands.yaml"

TAKEN_UP, CONTINUES, IMPLEMENTS = "takenUpIn", "continues", "implements"
SIMILARITY = "similarity"
CONTINUES_SIMILARITY = "similarity (words, themes, context, sentence embeddings)"
EXPLICIT = "explicit reference"
EXPLICIT_PART = "explicit reference of its part"

KYOTO = "kyoto-declaration-2021"
COMPILATION = "kyoto-rpm-mapping"
PLANS = "vienna-plans-of-action-2002"
VIENNA = "vienna-declaration-2000"
TEXT_KINDS = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM)


@dataclass(frozen=True)
class Params:
    """How similarity links are scored and kept."""

    k: int                      # at most k links per source
    threshold: Decimal          # a link's score must reach this
    relative: Decimal           # ... and a link below rank 1 must reach this share of the rank-1 score
    bigram_weight: float        # weight of content-word bigrams against single words in the TF-IDF vector
    group_boost: float = 0.0    # x(1 + this) when the Kyoto heading answers the recommendation's group
    section_boost: float = 0.0  # x(1 + this) when only the Kyoto part answers the recommendation's section
    context_weight: float = 0.0  # weight of the words of the unit's heading(s) added to its own words
    max_df: float = 1.0         # features in more than this share of the pool's texts are ignored
    concept_weight: float = 0.0  # weight of the unit's theme and instrument tags, as features beside its words
    phrase_weight: float = 0.0  # + this x (shared run of n content words, n capped at phrase_cap, 2 -> 0, cap -> 1)
    phrase_cap: int = 5
    rerank: int = 10            # the phrase is sought in the best `rerank` candidates by cosine
    min_terms: int = 0          # a target with fewer content words scores x (its count / min_terms)
    embedding_weight: float = 0.0  # + this x the sentence-embedding cosine of the two texts (negative -> 0)


TAKEN_UP_PARAMS = Params(k=3, threshold=Decimal("0.05"), relative=Decimal("0"), bigram_weight=0.5, group_boost=0.35,
                         section_boost=0.15, context_weight=0.6, max_df=0.15, concept_weight=1.0, phrase_weight=0.1)


@dataclass(frozen=True)
class ContinuesParams:
    """How `continues` similarity links are scored and kept (see `_ContextIndex` and `continues`)."""

    k: int                      # at most k links per source
    threshold: Decimal          # a link's score must reach this
    min_z: float                # (drafts, words alone) a source is linked only if the mean score of its best k
                                # candidates stands this many standard deviations above the mean of all
    k1: float                   # BM25 term-frequency saturation
    b: float                    # BM25 length normalisation (0: none, 1: full)
    bigram_weight: float        # weight of content-word bigrams against single words in the query
    max_df: float               # features in more than this share of the indexed units are ignored
    concept_weight: float       # weight of the unit's theme and instrument tags, as features beside its words
    heading_weight: float       # weight of the words of the headings a unit stands under
    chapeau_weight: float       # weight of the words of the chapeau a subparagraph completes
    subparagraph_weight: float  # weight of the words of a chapeau's subparagraphs (candidates only)
    embedding_weight: float = 0.0        # score = (1 - w) x BM25 / the source's best BM25 + w x cosine


CONTINUES_PARAMS = ContinuesParams(k=3, threshold=Decimal("0.01"), min_z=4.3, k1=1.2, b=0.3, bigram_weight=0.5,
                                   max_df=0.15, concept_weight=1.0, heading_weight=0.5, chapeau_weight=0.3,
                                   subparagraph_weight=0.2, embedding_weight=0.8)


@dataclass(frozen=True)
class Alignment:
    """A qualified lineage link."""

    source: str                 # IRI of the later unit
    target: str                 # IRI of the earlier unit (or document, for a reference to a whole declaration)
    relation: str               # takenUpIn | continues | implements
    method: str                 # similarity | explicit reference | explicit reference of its part
    score: Decimal              # 0-1
    rank: int                   # 1-based among the source's links of this relation and method
    evidence: str               # the shared phrase, or the words of the explicit reference
    asserted: bool = True       # also stated as a plain triple: only where its band's measured precision is high
    confidence: Decimal | None = None  # the precision measured for its band (mappings/lineage-bands.yaml)


# ------------------------------------------------------------------------------------------------------------
# Bands: which links are stated, and how sure each is

@dataclass(frozen=True)
class LinkBand:
    """A kind of link of one relation (mappings/lineage-bands.yaml): which links fall in it, whether they are stated
    as plain triples, and the precision measured for it on hand labels (its published confidence)."""

    relation: str
    name: str
    rank: int | None             # only links of this rank (None: any)
    min_score: Decimal | None    # only links scoring at least this
    agree: bool | None           # only links whose words and meaning agree (continues; None: either)
    asserted: bool
    confidence: Decimal

    def holds(self, rank: int, score: Decimal, agree: bool) -> bool:
        return ((self.rank is None or rank == self.rank) and (self.min_score is None or score >= self.min_score)
                and (self.agree is None or agree == self.agree))


@dataclass(frozen=True)
class Bands:
    bands: tuple[LinkBand, ...]          # in file order: the first that holds is a link's band
    explicit_bands: tuple[LinkBand, ...]

    def band(self, relation: str, *, rank: int, score: Decimal, agree: bool) -> LinkBand:
        return next(b for b in self.bands if b.relation == relation and b.holds(rank, score, agree))

    def explicit(self, relation: str) -> LinkBand:
        return next(b for b in self.explicit_bands if b.relation == relation)


def load_bands(mappings_dir: Path = MAPPINGS_DIR) -> Bands:
    """mappings/lineage-bands.yaml, validated: every similarity relation ends with a band that any link falls in."""
    path = Path(mappings_dir) / BANDS_FILE
    mapping = load_checked(path, Path(mappings_dir))
    bands, explicit = [], []
    for n, entry in enumerate(mapping.data["relations"]):
        relation = entry["relation"]
        if "explicit" in entry:
            e = entry["explicit"]
            explicit.append(LinkBand(relation, "explicit reference", None, None, None, e["asserted"],
                                     Decimal(e["confidence"])))
        own = [LinkBand(relation, b["band"], b.get("rank"), Decimal(b["min_score"]) if "min_score" in b else None,
                        b.get("agree"), b["asserted"], Decimal(b["confidence"])) for b in entry.get("bands", ())]
        if own and not (own[-1].rank is None and own[-1].min_score is None and own[-1].agree is None):
            raise InvalidDocument(f"{relation}: the last band must hold for any link (no rank, min_score or agree)",
                                  file=display(path), line=mapping.line(("relations", n, "bands")))
        bands += own
    return Bands(tuple(bands), tuple(explicit))


# ------------------------------------------------------------------------------------------------------------
# Words

_STOPWORDS = frozenset("""
a about above after again against all also among an and any are as at be been being both but by can could did do
does each either for from further had has have having here how if in into is it its itself more most must no nor
not of on once only or other our ourselves out over own per same shall should so some such than that the their
theirs them themselves then there these they this those through to too under until up upon us very was we were
what when where whether which while who whom why will with within without would yet thereof therein thereto
including inter alia appropriate relevant particular regard accordance necessary well way ways means
""".split())

_WORD = re.compile(r"[A-Za-z0-9]+")

# Words the texts use for the same thing, folded to one stem (after `stem`): a domain thesaurus, not tuned on
# any label.
_SYNONYMS = {
    "recidivism": "reoffend", "reoffend": "reoffend", "offend": "offend",
    "incarcerate": "imprison", "incarceration": "imprison", "imprisonment": "imprison", "custodial": "imprison",
    "correctional": "prison", "penitentiary": "prison", "prisoner": "prison", "inmat": "prison",
    "juvenil": "youth", "young": "youth", "adolescent": "youth",
    "children": "child", "childr": "child", "women": "woman", "girl": "woman",
    "victimizate": "victim", "victimization": "victim",
    "technological": "technology", "technologi": "technology", "ict": "technology",
    "unodc": "unodc", "ccpcj": "commission",
    "anticorruption": "corruption", "corrupt": "corruption",
    "launder": "laundering", "terrorist": "terrorism", "counterterrorism": "terrorism",
    "statistic": "data", "statistical": "data",
    "legislative": "legislation", "law": "law",
}


_NOT_ADVERBS = frozenset("assembly apply comply supply imply reply multiply family italy rally really likely".split())


@lru_cache(maxsize=None)
def stem(word: str) -> str:
    """A light English stem, enough to meet "victims"/"victim", "trafficking"/"trafficked"/"traffic",
    "deeply"/"deep", "strengthening"."""
    w = word.lower()
    if len(w) <= 3:
        return w
    # adverbs meet their adjective ("deeply"/"deep", "internationally"/"international"); not "apply", "family"
    if len(w) > 5 and w.endswith("ly") and not w.endswith("ily") and w not in _NOT_ADVERBS:
        w = w[:-1] + "e" if w.endswith("bly") else w[:-2]
    for suffix, repl in (("ational", "ate"), ("ization", "ize"), ("isation", "ize"), ("ations", "ate"),
                         ("ation", "ate"), ("ities", "ity"), ("iveness", "ive"), ("fulness", "ful"),
                         ("ments", "ment"), ("ies", "y"), ("ings", ""), ("ing", ""), ("edly", ""), ("ed", ""),
                         ("es", "e"), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                continue
            w = w[: len(w) - len(suffix)] + repl
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    if w.endswith("ck"):  # "trafficking" -> "traffick" meets "traffic"
        w = w[:-1]
    return w


@dataclass(frozen=True)
class _Words:
    spans: tuple[tuple[int, int], ...]   # every word's span in the text
    lower: tuple[str, ...]               # every word, lower case
    content: tuple[str, ...]             # stems of the content words, in order


# Hyphenated compounds lose their hyphen in some source lines ("anticorruption", "genderbased", "cyberenabled",
# see the corpus notes on the mapping file) and some are written solid ("cybercrime"): split them the same way.
_PREFIXES = ("counter", "cyber", "multi", "anti", "micro")
_SUFFIXES = ("based", "raising", "related", "building", "enabled", "oriented", "centred", "sensitive")


def _parts(word: str) -> tuple[str, ...]:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return (prefix,) + _parts(word[len(prefix):])
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return _parts(word[: -len(suffix)]) + (suffix,)
    return (word,)


@lru_cache(maxsize=None)
def _term(word: str) -> str:
    stemmed = stem(word)
    return _SYNONYMS.get(word, _SYNONYMS.get(stemmed, stemmed))


def _words(text: str) -> _Words:
    spans, lower, content = [], [], []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        spans.append(match.span())
        lower.append(word)
        if word not in _STOPWORDS and not word.isdigit() and len(word) > 1:
            content.extend(_term(part) for part in _parts(word))
    return _Words(tuple(spans), tuple(lower), tuple(content))


def _folded(words: _Words) -> list[str]:
    """Every word as compared in a shared phrase: content words by their term, stopwords as themselves."""
    return [w if w in _STOPWORDS else _term(w) for w in words.lower]


def _features(words: _Words, bigram_weight: float) -> Counter:
    counts: Counter = Counter(words.content)
    if bigram_weight:
        for a, b in zip(words.content, words.content[1:]):
            counts[f"{a} {b}"] += 1
    return counts


class _Index:
    """TF-IDF vectors (sublinear tf, smoothed idf, L2-normalised) over one pool of texts, and an inverted index
    of the candidate targets for fast cosine."""

    def __init__(self, pool: Mapping[str, str], bigram_weight: float, context: Mapping[str, str] | None = None,
                 context_weight: float = 0.0, max_df: float = 1.0,
                 concepts: Mapping[str, Mapping[str, float]] | None = None, concept_weight: float = 0.0):
        self.bigram_weight = bigram_weight
        self.concept_weight = concept_weight
        self._posting_cache: dict = {}
        self._folded_cache: dict = {}
        self.words = {iri: _words(text) for iri, text in pool.items()}
        counts = {iri: _features(w, bigram_weight) for iri, w in self.words.items()}
        self.concepts = {iri: dict((concepts or {}).get(iri, {})) for iri in pool}
        for iri, found in self.concepts.items():
            counts[iri].update({concept: 1 for concept in found})
        extra = {iri: _features(_words(text), bigram_weight) for iri, text in (context or {}).items()}
        df: Counter = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = len(pool)
        self.idf = {f: math.log((n + 1) / (d + 1)) + 1.0 for f, d in df.items() if d <= max_df * n}
        self.vectors = {iri: self._vector(c, extra.get(iri), context_weight, self.concepts[iri])
                        for iri, c in counts.items()}

    def _vector(self, counts: Counter, extra: Counter | None = None, context_weight: float = 0.0,
                concepts: Mapping[str, float] | None = None) -> dict[str, float]:
        vec: dict[str, float] = {}
        for feature, tf in counts.items():
            if feature not in self.idf:
                continue
            weight = (1.0 + math.log(tf)) * self.idf[feature]
            if " " in feature:
                weight *= self.bigram_weight
            elif feature.startswith("@"):
                weight = self.concept_weight * (concepts or {}).get(feature, 0.0) * self.idf[feature]
            vec[feature] = weight
        for feature, tf in (extra or {}).items():
            weight = context_weight * (1.0 + math.log(tf)) * self.idf.get(feature, 0.0)
            if " " in feature:
                weight *= self.bigram_weight
            vec[feature] = vec.get(feature, 0.0) + weight
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    def _postings(self, targets: Sequence[str]) -> dict[str, list[tuple[str, float]]]:
        key = tuple(targets)
        if key not in self._posting_cache:
            postings: dict[str, list[tuple[str, float]]] = {}
            for target in targets:
                for feature, weight in self.vectors[target].items():
                    postings.setdefault(feature, []).append((target, weight))
            self._posting_cache[key] = postings
        return self._posting_cache[key]

    def folded(self, iri: str) -> list[str]:
        if iri not in self._folded_cache:
            self._folded_cache[iri] = _folded(self.words[iri])
        return self._folded_cache[iri]

    def similarities(self, source: str, targets: Sequence[str], min_terms: int = 0) -> dict[str, float]:
        postings = self._postings(targets)
        scores: Counter = Counter()
        for feature, weight in self.vectors[source].items():
            for target, other in postings.get(feature, ()):
                scores[target] += weight * other
        if min_terms:
            for target in scores:
                scores[target] *= min(1.0, len(set(self.words[target].content)) / min_terms)
        return dict(scores)

    def shared_phrase(self, source: str, target: str, source_text: str) -> tuple[str, int]:
        return _shared_phrase(self.words[source], self.words[target], self.folded(source), self.folded(target),
                              source_text, self.idf)


def _shared_phrase(a: _Words, b: _Words, folded_a: Sequence[str], folded_b: Sequence[str], source_text: str,
                   idf: Mapping[str, float]) -> tuple[str, int]:
    """The longest run of words two texts share that holds at least two content words (as printed in the source
    `a`) and its number of content words; failing that, the rarest content word they share (and 1)."""
    matcher = difflib.SequenceMatcher(None, folded_a, folded_b, autojunk=False)
    best, best_key = None, (0, 0)
    for block in matcher.get_matching_blocks():
        if not block.size:
            continue
        run = a.lower[block.a: block.a + block.size]  # (the words as printed, lower case)
        # trim stopwords at both ends
        lo, hi = 0, len(run)
        while lo < hi and run[lo] in _STOPWORDS:
            lo += 1
        while hi > lo and run[hi - 1] in _STOPWORDS:
            hi -= 1
        content = sum(1 for w in run[lo:hi] if w not in _STOPWORDS)
        key = (content, hi - lo)
        if content >= 2 and key > best_key:
            best, best_key = (block.a + lo, block.a + hi - 1), key
    if best is not None:
        return source_text[a.spans[best[0]][0]: a.spans[best[1]][1]], best_key[0]
    shared = set(a.content) & set(b.content)
    if not shared:
        return "", 0
    rarest = max(sorted(shared), key=lambda s: idf.get(s, 0.0))
    for (start, end), word in zip(a.spans, a.lower):
        if word not in _STOPWORDS and _term(word) == rarest:
            return source_text[start:end], 1
    return rarest, 1


def concepts(tags, units: Iterable[str]) -> dict[str, dict[str, float]]:
    """The theme and instrument tags of each unit as concept features ("@theme:corruption" -> confidence).
    Top themes derived only through skos:broader are left out: they say nothing the narrower tag does not."""
    if tags is None:
        return {}
    from ..tagging.model import Method, TagKind
    found: dict[str, dict[str, float]] = {}
    for iri in units:
        for tag in tags.for_unit(iri):
            if tag.kind is TagKind.ACTOR or tag.method is Method.BROADER:
                continue
            key = f"@{tag.kind.value}:{tag.slug}"
            found.setdefault(iri, {})[key] = max(found.get(iri, {}).get(key, 0.0), float(tag.confidence))
    return found


def _decimal(value: float) -> Decimal:
    return Decimal(str(min(1.0, max(0.0, value)))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _ranked(index: "_Index", source: str, source_text: str, scored: Mapping[str, float],
            params: Params) -> list[tuple[str, Decimal, str]]:
    """(target, score, shared phrase) for the best candidates: cosine plus the shared-phrase bonus, kept by `_keep`."""
    best = sorted(scored.items(), key=lambda pair: (-pair[1], pair[0]))[: max(params.rerank, params.k)]
    final = {}
    phrases = {}
    for target, value in best:
        phrase, n = index.shared_phrase(source, target, source_text)
        phrases[target] = phrase
        if params.phrase_weight and n >= 2:
            value += params.phrase_weight * (min(n, params.phrase_cap) - 1) / (params.phrase_cap - 1)
        final[target] = _decimal(value)
    return [(target, score, phrases[target]) for target, score in _keep(list(final.items()), params)]


def _keep(scored: list[tuple[str, Decimal]], params: Params) -> list[tuple[str, Decimal]]:
    """The top k above the threshold, dropping those below `relative` x the best score."""
    scored = sorted(scored, key=lambda pair: (-pair[1], pair[0]))
    kept = []
    for target, score in scored[: params.k]:
        if score < params.threshold:
            break
        if kept and score < kept[0][1] * params.relative:
            break
        kept.append((target, score))
    return kept


# ------------------------------------------------------------------------------------------------------------
# Document structure

def _text_units(document: Document) -> list[Unit]:
    return [u for u in document.units if u.kind in TEXT_KINDS and u.text.strip()]


def _part_of(unit: Unit, headings: Mapping[str, Unit]) -> str | None:
    """The IRI of the level-1 heading a unit stands under (None: under no heading)."""
    iri = unit.heading
    while iri is not None and iri in headings and (headings[iri].level or 1) > 1:
        iri = headings[iri].heading
    return iri


# ------------------------------------------------------------------------------------------------------------
# Recommendations -> Kyoto

@dataclass(frozen=True)
class HeadingMap:
    """mappings/rpm-kyoto-headings.yaml: compilation heading number -> Kyoto heading numbers."""

    groups: Mapping[int, tuple[int, ...]]
    sections: Mapping[int, tuple[int, ...]]
    declaratory: frozenset[int]           # compilation sections answered by Kyoto's unheaded units


def load_heading_map(mappings_dir: Path = MAPPINGS_DIR, corpus: Corpus | None = None) -> HeadingMap:
    """The correspondence, validated; given the corpus, every heading number and label is checked against it."""
    path = Path(mappings_dir) / HEADINGS_FILE
    mapping = load_checked(path, Path(mappings_dir))
    data = mapping.data
    if corpus is not None:
        compiled = {int(last_segment(u.iri)): u for u in corpus.document(COMPILATION).units
                    if u.kind is UnitKind.HEADING}
        kyoto = {int(last_segment(u.iri)): u for u in corpus.document(KYOTO).units if u.kind is UnitKind.HEADING}
        for key, level in (("sections", 1), ("groups", 2)):
            for n, entry in enumerate(data[key]):
                where = (key, n)
                heading = compiled.get(entry["heading"])
                if heading is None or heading.level != level or heading.text != entry["label"]:
                    raise InvalidDocument(f"{key} entry {entry['heading']}: not the level-{level} heading "
                                          f"{entry['label']!r} of {COMPILATION}", file=display(path),
                                          line=mapping.line(where))
                if len(entry["kyoto"]) != len(entry["kyoto_labels"]):
                    raise InvalidDocument(f"{key} entry {entry['heading']}: one label per Kyoto heading",
                                          file=display(path), line=mapping.line(where))
                for number, label in zip(entry["kyoto"], entry["kyoto_labels"]):
                    if number not in kyoto or kyoto[number].level != level or kyoto[number].text != label:
                        raise InvalidDocument(f"{key} entry {entry['heading']}: Kyoto heading {number} is not the "
                                              f"level-{level} heading {label!r}", file=display(path),
                                              line=mapping.line(where + ("kyoto",)))
    return HeadingMap(groups={e["heading"]: tuple(e["kyoto"]) for e in data["groups"]},
                      sections={e["heading"]: tuple(e["kyoto"]) for e in data["sections"]},
                      declaratory=frozenset(e["heading"] for e in data["sections"] if e["declaratory"]))


def _number(iri: str | None) -> int | None:
    return int(last_segment(iri)) if iri else None


def recommendations(corpus: Corpus) -> list[Unit]:
    """The recommendations of the regional preparatory meetings (the lettered units of the rpm-report-* documents)."""
    return [u for d in corpus.documents if d.kind == "rpm-report" for u in d.units
            if u.kind is UnitKind.SUBPARAGRAPH and u.text.strip()]


@dataclass(frozen=True)
class TakeUpScores:
    """The words side of `taken_up`: the index and, for each recommendation, its boosted TF-IDF cosine with every
    Kyoto unit that shares a feature with it."""

    index: _Index
    recommendations: tuple[Unit, ...]
    targets: tuple[str, ...]                      # the Kyoto text units' IRIs
    scored: Mapping[str, Mapping[str, float]]     # recommendation IRI -> target IRI -> score


def take_up_scores(corpus: Corpus, heading_map: HeadingMap, params: Params = TAKEN_UP_PARAMS,
                   tags=None) -> TakeUpScores:
    recs = recommendations(corpus)
    kyoto = corpus.document(KYOTO)
    targets = _text_units(kyoto)
    k_headings = {u.iri: u for u in kyoto.units if u.kind is UnitKind.HEADING}
    compilation = corpus.document(COMPILATION)
    c_headings = {u.iri: u for u in compilation.units if u.kind is UnitKind.HEADING}
    groups: dict[str, set[int]] = {}
    sections: dict[str, set[int]] = {}
    rec_headings: dict[str, set[str]] = {}
    for entry in compilation.units:
        if entry.kind is UnitKind.ENTRY and entry.lists:
            heading = c_headings.get(entry.heading) if entry.heading else None
            if heading is None:
                continue
            if heading.level == 2:
                rec_headings.setdefault(entry.lists, set()).add(heading.iri)
            if heading.level == 1:
                sections.setdefault(entry.lists, set()).add(_number(heading.iri))
            else:
                groups.setdefault(entry.lists, set()).add(_number(heading.iri))
                sections.setdefault(entry.lists, set()).add(_number(_part_of(heading, c_headings) or heading.heading))
    pool = {u.iri: u.text for u in recs + targets}
    context = {u.iri: " ".join(k_headings[h].text for h in (u.heading,) if h in k_headings) for u in targets}
    for rec in recs:
        context[rec.iri] = " ".join(sorted(c_headings[h].text for h in rec_headings.get(rec.iri, ())))
    index = _Index(pool, params.bigram_weight, context, params.context_weight, params.max_df,
                   concepts(tags, pool), params.concept_weight)
    target_iris = [u.iri for u in targets]
    place = {u.iri: (_number(u.heading) if u.heading and k_headings[u.heading].level == 2 else None,
                     _number(_part_of(u, k_headings))) for u in targets}
    every = {}
    for rec in recs:
        answer_groups = {k for g in groups.get(rec.iri, ()) for k in heading_map.groups.get(g, ())}
        rec_sections = sections.get(rec.iri, set())
        answer_parts = {k for s in rec_sections for k in heading_map.sections.get(s, ())}
        declaratory = bool(rec_sections & heading_map.declaratory)
        scored = {}
        for target, cosine in index.similarities(rec.iri, target_iris, params.min_terms).items():
            group, part = place[target]
            if group is not None and group in answer_groups:
                cosine *= 1 + params.group_boost
            elif (part is not None and part in answer_parts) or (part is None and declaratory):
                cosine *= 1 + params.section_boost
            scored[target] = cosine
        every[rec.iri] = scored
    return TakeUpScores(index, tuple(recs), tuple(target_iris), every)


def taken_up(corpus: Corpus, heading_map: HeadingMap, params: Params = TAKEN_UP_PARAMS, tags=None,
             bands: Bands | None = None, meaning=None) -> list[Alignment]:
    """Each recommendation -> the Kyoto units that take it up (similarity, boosted by heading correspondence, plus
    `embedding_weight` x the sentence-embedding cosine): its best k candidates, each with the confidence of its band;
    only those of an asserted band are stated. `meaning` (embeddings.Cosines over the recommendations and the Kyoto
    units) is computed when not given."""
    bands = bands or load_bands()
    words = take_up_scores(corpus, heading_map, params, tags)
    if params.embedding_weight and meaning is None:
        from .embeddings import Cosines
        meaning = Cosines({u.iri: u.text for u in words.recommendations + _text_units(corpus.document(KYOTO))})
    links = []
    for rec in words.recommendations:
        scored = words.scored[rec.iri]
        if params.embedding_weight:
            scored = _with_meaning(scored, meaning.row(rec.iri, words.targets), params.embedding_weight)
        for rank, (target, score, phrase) in enumerate(_ranked(words.index, rec.iri, rec.text, scored, params),
                                                       start=1):
            band = bands.band(TAKEN_UP, rank=rank, score=score, agree=False)
            links.append(Alignment(rec.iri, target, TAKEN_UP, SIMILARITY, score, rank, phrase, band.asserted,
                                   band.confidence))
    return links


# ------------------------------------------------------------------------------------------------------------
# Plans of action -> Vienna

_PARAGRAPH_REF = re.compile(r"paragraphs?\s+((?:\d+\s*(?:,\s*(?:and\s+)?|\s+and\s+))*\d+)\s+of\s+the\s+Vienna\s+"
                            r"Declaration")


def implements(corpus: Corpus, minter: Minter, bands: Bands | None = None) -> list[Alignment]:
    """Each unit of a part of the plans of action -> the Vienna paragraphs the part's introductory paragraph names."""
    bands = bands or load_bands()
    plans = corpus.document(PLANS)
    vienna = {u.iri for u in corpus.document(VIENNA).units}
    headings = {u.iri: u for u in plans.units if u.kind is UnitKind.HEADING}
    by_part: dict[str, list[Unit]] = {}
    for unit in _text_units(plans):
        part = _part_of(unit, headings)
        if part is not None:
            by_part.setdefault(part, []).append(unit)
    links = []
    for part, units in by_part.items():
        intro = units[0]
        match = _PARAGRAPH_REF.search(intro.text)
        if match is None:
            raise InvalidDocument(f"the introductory paragraph of part {headings[part].number} of the plans of action "
                                  f"names no paragraph of the Vienna Declaration", file=intro.source.file,
                                  line=intro.source.first)
        numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
        targets = []
        for n in numbers:
            iri = minter.paragraph(VIENNA, n)
            if iri not in vienna:
                raise InvalidDocument(f"the plans of action name Vienna paragraph {n}, which the Declaration does not "
                                      f"have", file=intro.source.file, line=intro.source.first)
            targets.append(iri)
        for unit in units:
            method = EXPLICIT if unit is intro else EXPLICIT_PART
            band = bands.explicit(IMPLEMENTS)
            for rank, target in enumerate(targets, start=1):
                links.append(Alignment(unit.iri, target, IMPLEMENTS, method, Decimal("1.000"), rank, match.group(0),
                                       band.asserted, band.confidence))
    return links


# ------------------------------------------------------------------------------------------------------------
# Later declarations -> earlier ones

# The names by which a declaration cites an earlier one. Not "... for the Implementation of the Doha
# Declaration" (a programme's name), not "the Bangkok Rules".
DECLARATION_NAMES = {
    "naples-declaration-1994": r"Naples Political Declaration",
    "vienna-declaration-2000": r"Vienna Declaration on Crime and Justice",
    "bangkok-declaration-2005": r"Bangkok Declaration",
    "doha-declaration-2015": r"Doha Declaration",
}
_NOT_A_CITATION = re.compile(r"Implementation\s+of\s+the\s+$")


class _ContextIndex:
    """BM25 over the text units of the declarations, each indexed with its context.

    A unit is indexed as its own content words and their bigrams, its theme and instrument tags (`concepts`, weighted
    by confidence), and, at lower weights, the words of the headings it stands under, of the chapeau it completes
    (a subparagraph or item) and -- as a candidate only -- of the subparagraphs it introduces (a chapeau). Document
    frequency counts a feature in every unit whose indexed text holds it; features in more than `max_df` of the units
    are ignored (the field's own words: "crime", "criminal justice", "United Nations" ...). A source is the query:
    each of its features weighs idf x (1 + log tf) (x `bigram_weight` for a bigram); a candidate's score is the BM25
    sum over the features they share, divided by the source's best attainable score, so it lies in [0, 1]."""

    def __init__(self, units: Sequence[Unit], by_iri: Mapping[str, Unit], concepts: Mapping[str, Mapping[str, float]],
                 params: ContinuesParams):
        self.words = {u.iri: _words(u.text) for u in units}
        children: dict[str, list[Unit]] = {}
        for unit in units:
            children.setdefault(unit.parent, []).append(unit)

        def headings(unit: Unit) -> str:
            texts, iri = [], unit.heading
            while iri is not None and iri in by_iri:
                texts.append(by_iri[iri].text)
                iri = by_iri[iri].heading
            return " ".join(texts)

        def chapeau(unit: Unit) -> str:
            parent = by_iri.get(unit.parent)
            return parent.text if parent is not None and parent.kind in TEXT_KINDS else ""

        def add(counts: Counter, text: str, weight: float) -> None:
            if weight and text:
                for feature, tf in _features(_words(text), params.bigram_weight).items():
                    counts[feature] += weight * tf

        indexed: dict[str, Counter] = {}
        queries: dict[str, Counter] = {}
        for unit in units:
            own = _features(self.words[unit.iri], params.bigram_weight)
            for concept, confidence in concepts.get(unit.iri, {}).items():
                own[concept] += params.concept_weight * confidence
            query = Counter(own)
            add(query, headings(unit), params.heading_weight)
            add(query, chapeau(unit), params.chapeau_weight)
            doc = Counter(query)
            add(doc, " ".join(child.text for child in children.get(unit.iri, ())), params.subparagraph_weight)
            indexed[unit.iri], queries[unit.iri] = doc, query
        df: Counter = Counter()
        for doc in indexed.values():
            df.update(feature for feature, tf in doc.items() if tf > 0)
        n = len(units)
        self.idf = {f: math.log(1 + (n - d + 0.5) / (d + 0.5)) for f, d in df.items() if d <= params.max_df * n}
        length = {iri: sum(tf for f, tf in doc.items() if " " not in f and not f.startswith("@"))
                  for iri, doc in indexed.items()}
        average = sum(length.values()) / n if n else 1.0
        k1, b = params.k1, params.b
        self.terms = {}
        for iri, doc in indexed.items():
            norm = k1 * (1 - b + b * length[iri] / average)
            self.terms[iri] = {f: tf * (k1 + 1) / (tf + norm) for f, tf in doc.items() if f in self.idf and tf > 0}
        self.queries = {}
        self.best = {}
        for iri, query in queries.items():
            weights = {}
            for f, tf in query.items():
                if f in self.idf and tf > 0:
                    weight = self.idf[f] * ((1 + math.log(tf)) if tf >= 1 else tf)
                    weights[f] = weight * (params.bigram_weight if " " in f else 1.0)
            self.queries[iri] = weights
            self.best[iri] = sum(weights.values()) * (k1 + 1) or 1.0
        self._postings: dict[tuple[str, ...], dict[str, list[tuple[str, float]]]] = {}
        self._folded = {iri: _folded(w) for iri, w in self.words.items()}

    def scores(self, source: str, targets: Sequence[str]) -> dict[str, float]:
        """The score of every target (0 for a target that shares nothing)."""
        key = tuple(targets)
        if key not in self._postings:
            postings: dict[str, list[tuple[str, float]]] = {}
            for target in targets:
                for feature, weight in self.terms[target].items():
                    postings.setdefault(feature, []).append((target, weight))
            self._postings[key] = postings
        postings = self._postings[key]
        scores = dict.fromkeys(targets, 0.0)
        for feature, weight in self.queries[source].items():
            for target, term in postings.get(feature, ()):
                scores[target] += weight * term
        best = self.best[source]
        return {target: value / best for target, value in scores.items()}

    def shared_phrase(self, source: str, target: str, source_text: str) -> str:
        return _shared_phrase(self.words[source], self.words[target], self._folded[source], self._folded[target],
                              source_text, self.idf)[0]


def _stands_out(scored: Mapping[str, float], k: int, min_z: float) -> bool:
    """Whether the mean of the best k scores lies at least min_z standard deviations above the mean of all."""
    values = list(scored.values())
    if len(values) < 2:
        return False
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if not deviation:
        return False
    best = sorted(values, reverse=True)[:k]
    return (sum(best) / len(best) - mean) / deviation >= min_z


def _with_meaning(scored: Mapping[str, float], cosines: Mapping[str, float], weight: float) -> dict[str, float]:
    """Each target's words score (0 if it shares no feature) + weight x its cosine (negative -> 0), rounded to 4
    decimals: a take-up in other words still ranks."""
    return {target: round(scored.get(target, 0.0) + weight * max(0.0, cosine), 4) for target, cosine in cosines.items()}


def _fused(bm25: Mapping[str, float], cosines: Mapping[str, float], weight: float) -> dict[str, float]:
    """(1 - weight) x the BM25 score relative to the best candidate's + weight x the cosine (negative -> 0), rounded
    to 4 decimals."""
    best = max(bm25.values(), default=0.0) or 1.0
    return {target: round((1 - weight) * value / best + weight * max(0.0, cosines[target]), 4)
            for target, value in bm25.items()}


def continues(corpus: Corpus, params: ContinuesParams = CONTINUES_PARAMS, tags=None,
              bands: Bands | None = None, meaning=None) -> list[Alignment]:
    """Each unit of a later declaration -> the earlier declaration units (or whole declarations) it continues:
    its best k candidates, each with the confidence of its band; only those of an asserted band are stated.
    `meaning` (embeddings.Cosines over the declarations' text units) is computed when not given."""
    bands = bands or load_bands()
    from .embeddings import Cosines
    declarations = [d for d in corpus.documents if d.kind == "declaration" and slug_year(d.slug) is not None]
    declarations.sort(key=lambda d: slug_year(d.slug))
    units = {d.slug: _text_units(d) for d in declarations}
    by_iri = {u.iri: u for d in declarations for u in d.units}
    pool = [u for d in declarations for u in units[d.slug]]
    index = _ContextIndex(pool, by_iri, concepts(tags, [u.iri for u in pool]), params)
    if meaning is None:
        meaning = Cosines({u.iri: u.text for u in pool})
    links = []
    for i, document in enumerate(declarations):
        earlier = [d for d in declarations[:i] if slug_year(d.slug) < slug_year(document.slug)]
        if not earlier:
            continue
        target_iris = [u.iri for d in earlier for u in units[d.slug]]
        for unit in units[document.slug]:
            explicit = []
            for d in earlier:
                pattern = DECLARATION_NAMES.get(d.slug)
                if pattern is None:
                    continue
                for match in re.finditer(pattern, unit.text):
                    if not _NOT_A_CITATION.search(unit.text[max(0, match.start() - 40):match.start()]):
                        explicit.append((d.iri, match.group(0)))
                        break
            for rank, (target, words) in enumerate(explicit, start=1):
                band = bands.explicit(CONTINUES)
                links.append(Alignment(unit.iri, target, CONTINUES, EXPLICIT, Decimal("1.000"), rank, words,
                                       band.asserted, band.confidence))
            bm25 = index.scores(unit.iri, target_iris)
            cosines = meaning.row(unit.iri, target_iris)
            scored = _fused(bm25, cosines, params.embedding_weight)
            best = sorted(scored.items(), key=lambda pair: (-pair[1], pair[0]))[: params.k]
            kept = [(target, _decimal(value)) for target, value in best if _decimal(value) >= params.threshold]
            # words and meaning agree when the best candidate by BM25 alone and by the cosine alone are the same
            agree = bool(kept) and _first(bm25) == _first(cosines) == kept[0][0]
            for rank, (target, score) in enumerate(kept, start=1):
                band = bands.band(CONTINUES, rank=rank, score=score, agree=agree)
                links.append(Alignment(unit.iri, target, CONTINUES, CONTINUES_SIMILARITY, score, rank,
                                       index.shared_phrase(unit.iri, target, unit.text), band.asserted,
                                       band.confidence))
    return links


def _first(scores: Mapping[str, float]) -> str | None:
    """The candidate with the best score (ties: the first IRI)."""
    return min(scores, key=lambda target: (-scores[target], target)) if scores else None


# ------------------------------------------------------------------------------------------------------------
# All of it, and RDF

def embedded_texts(corpus: Corpus) -> dict[str, str]:
    """{unit IRI: text} of every unit `lineage` compares by meaning: the declarations' text units and, when the
    take-up scores use meaning, the recommendations. One embedding run serves both similarity relations: each
    text is embedded on its own, so the cosines are the same."""
    embedded = [u for d in corpus.documents if d.kind == "declaration" for u in _text_units(d)]
    if TAKEN_UP_PARAMS.embedding_weight:
        embedded += recommendations(corpus)
    return {u.iri: u.text for u in embedded}


def lineage(corpus: Corpus, tags, minter: Minter, heading_map: HeadingMap | None = None,
            bands: Bands | None = None, ahead=None) -> tuple[Alignment, ...]:
    """Every lineage link of the corpus, sorted by source, relation, method and rank. `tags` (the tagger's Tags)
    adds each unit's themes and instruments to the similarity; None compares words alone. `ahead` (an
    embeddings.Ahead over `embedded_texts`, started earlier) gives the vectors it has computed meanwhile."""
    heading_map = heading_map or load_heading_map(corpus=corpus)
    bands = bands or load_bands()
    position = {u.iri: (di, u.position) for di, d in enumerate(corpus.documents) for u in d.units}
    from .embeddings import Cosines
    meaning = Cosines(embedded_texts(corpus), ahead)
    links = (taken_up(corpus, heading_map, tags=tags, bands=bands, meaning=meaning) + implements(corpus, minter, bands)
             + continues(corpus, tags=tags, bands=bands, meaning=meaning))
    seen = set()
    for link in links:
        if (link.source, link.target) in seen:
            raise AssertionError(f"two lineage links from {link.source} to {link.target}")
        seen.add((link.source, link.target))
    return tuple(sorted(links, key=lambda l: (position[l.source], l.relation, l.method, l.rank)))


def lineage_graph(alignments: Iterable[Alignment], minter: Minter) -> list[ox.Triple]:
    """For each link a uncc:Alignment at {source}/lineage/{target path} with uncc:source, uncc:target,
    uncc:relation (the property it qualifies), uncc:method, uncc:score (xsd:decimal), uncc:rank, uncc:evidence,
    uncc:confidence (the measured precision of its band) and uncc:asserted; and the direct triple (?source
    uncc:takenUpIn / uncc:continues / uncc:implements ?target) for the asserted links only."""
    term = uncc(minter)
    graph = Triples()
    for link in alignments:
        source, target, relation = ox.NamedNode(link.source), ox.NamedNode(link.target), term[link.relation]
        if link.asserted:
            graph.add(source, relation, target)
        node = ox.NamedNode(minter.alignment(link.source, link.target))
        graph.add(node, RDF.type, term.Alignment)
        graph.add(node, term.source, source)
        graph.add(node, term.target, target)
        graph.add(node, term.relation, relation)
        graph.add(node, term.method, ox.Literal(link.method))
        graph.add(node, term.score, decimal(link.score))
        graph.add(node, term.rank, typed(link.rank, XSD.positiveInteger))
        graph.add(node, term.asserted, ox.Literal(link.asserted))
        if link.confidence is not None:
            graph.add(node, term.confidence, decimal(link.confidence))
        if link.evidence:
            graph.add(node, term.evidence, en(link.evidence))
    return graph.list()


# ------------------------------------------------------------------------------------------------------------
# Measuring against hand labels

@dataclass(frozen=True)
class Scores:
    labelled: int               # labelled sources
    positive: int               # ... with at least one target
    asserted: int               # asserted links from labelled sources
    asserted_right: int         # ... that are labelled targets
    first_right: int            # sources with targets whose first candidate is one of them
    linked: int                 # labelled sources with a candidate
    top1_correct: int           # ... whose first candidate is a labelled target
    top3_hits: int              # sources with targets with one of them among their candidates (<= 3)
    none_kept_empty: int        # sources labelled "none" that got no asserted link
    misses: tuple[str, ...]     # sources with targets whose candidates hold none of them
    wrong_asserted: tuple[str, ...]  # sources with an asserted link that is not a labelled target

    @property
    def precision(self) -> float:
        return self.asserted_right / self.asserted if self.asserted else 0.0

    @property
    def top1_precision(self) -> float:
        """Of the sources with a candidate, the share whose first candidate is right (a "none" source's is wrong)."""
        return self.top1_correct / self.linked if self.linked else 0.0

    @property
    def first_rate(self) -> float:
        return self.first_right / self.positive if self.positive else 0.0

    @property
    def top3_hit_rate(self) -> float:
        return self.top3_hits / self.positive if self.positive else 0.0


def measure(links: Iterable[Alignment], labels: Sequence[tuple[str, frozenset[str]]],
            method: str = SIMILARITY) -> Scores:
    """Against (source, targets) labels: the precision of the asserted links (any method), and for the `method`
    candidates the share of sources with targets whose first candidate, or any of the top 3, is one of them."""
    ranked: dict[str, list[Alignment]] = {}
    asserted: dict[str, list[Alignment]] = {}
    for link in links:
        if link.method == method:
            ranked.setdefault(link.source, []).append(link)
        if link.asserted:
            asserted.setdefault(link.source, []).append(link)
    n_asserted = right = first = hits = empty_ok = positive = linked = top1 = 0
    misses, wrong = [], []
    for source, targets in labels:
        found = sorted(ranked.get(source, ()), key=lambda l: l.rank)
        stated = asserted.get(source, [])
        n_asserted += len(stated)
        right += sum(1 for l in stated if l.target in targets)
        if any(l.target not in targets for l in stated):
            wrong.append(source)
        if found:
            linked += 1
            top1 += found[0].target in targets
        if targets:
            positive += 1
            first += bool(found) and found[0].target in targets
            if any(l.target in targets for l in found[:3]):
                hits += 1
            else:
                misses.append(source)
        elif not stated:
            empty_ok += 1
    return Scores(len(labels), positive, n_asserted, right, first, linked, top1, hits, empty_ok, tuple(misses),
                  tuple(wrong))
