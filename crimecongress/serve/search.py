"""Full-text search over the units' texts: an inverted index built on first use, BM25 ranking.

A query is words and "quoted phrases". A word matches itself and, from four letters on, the words it begins
(`traffick` finds trafficking, traffickers); plural and simple inflections are folded. Every word must match
(AND); when nothing has them all, the best partial matches are shown, and the page says so.
"""
from __future__ import annotations

import html
import math
import re
import threading
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from .data import Dataset

WORD = re.compile(r"\w+(?:['’]\w+)?", re.UNICODE)
STOP = {"a", "an", "and", "the", "of", "to", "in", "on", "for", "by", "with", "as", "at", "or", "be", "is", "are",
        "that", "this", "its", "their", "our", "we", "it", "from"}
KIND_WEIGHT = {"Paragraph": 1.0, "Subparagraph": 1.0, "Item": 1.0, "PreambleParagraph": 0.9, "MappingEntry": 0.8,
               "Heading": 0.8, "Footnote": 0.6, "Formula": 0.5}
K1, B = 1.2, 0.75


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A light English stemmer: enough to make "victims" find "victim" and "policies" find "policy"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@dataclass(frozen=True)
class Hit:
    unit: str
    score: float
    text: str
    marked: str          # the text, escaped, matched words inside <mark>


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    partial: bool        # no unit had every word; these have some
    terms: list[str]


@dataclass(frozen=True)
class Index:
    units: list[str]
    texts: list[str]
    flat: list[str]            # the words of each text, lower case, one space apart
    lengths: list[int]
    weights: list[float]
    postings: dict[str, dict[int, int]]
    vocabulary: list[str]      # the postings' words, sorted
    average: float


def build_index(data: Dataset) -> Index:
    text_p = data.term("text")
    units: list[str] = []
    texts: list[str] = []
    flat: list[str] = []
    lengths: list[int] = []
    weights: list[float] = []
    postings: dict[str, dict[int, int]] = {}
    for doc in data.documents:
        for unit in data.units_of.get(doc, ()):
            text = data.text(unit, text_p)
            if not text:
                continue
            n = len(units)
            units.append(unit)
            texts.append(text)
            flat.append(" ".join(WORD.findall(text.lower())))
            words = [fold(w) for w in WORD.findall(text)]
            lengths.append(len(words))
            weights.append(KIND_WEIGHT.get(data.unit_kind(unit) or "", 0.7))
            for w in words:
                bucket = postings.setdefault(w, {})
                bucket[n] = bucket.get(n, 0) + 1
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    return Index(units, texts, flat, lengths, weights, postings, sorted(postings), average)


class SearchIndex:
    """The index is built by the first search (or `warm`), not at start-up: the server answers before it."""

    def __init__(self, data: Dataset):
        self.data = data
        self._index: Index | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> Index:
        with self._lock:
            if self._index is None:
                self._index = build_index(self.data)
            return self._index

    def warm(self) -> None:
        self.index

    def expand(self, term: str) -> dict[str, float]:
        """Index words a query word stands for, with a weight: itself 1.0, longer words it begins 0.7."""
        index = self.index
        folded = fold(term)
        found = {folded: 1.0} if folded in index.postings else {}
        if len(folded) >= 4:
            vocabulary = index.vocabulary
            i = bisect_left(vocabulary, folded)
            while i < len(vocabulary) and vocabulary[i].startswith(folded):
                found.setdefault(vocabulary[i], 0.7)
                i += 1
        return found

    def search(self, query: str, *, limit: int = 20, offset: int = 0, within: set[str] | None = None) -> Results:
        phrases = [p.strip() for p in re.findall(r'"([^"]+)"', query) if p.strip()]
        words = [w for w in WORD.findall(re.sub(r'"[^"]*"', " ", query))]
        words += [w for p in phrases for w in WORD.findall(p)]
        terms = [w for w in dict.fromkeys(w.lower() for w in words) if w not in STOP] or \
            list(dict.fromkeys(w.lower() for w in words))
        if not terms:
            return Results([], 0, False, [])
        index = self.index
        expansions = [self.expand(t) for t in terms]
        n_units = len(index.units)
        scores: dict[int, float] = {}
        matched_terms: dict[int, int] = {}
        for variants in expansions:
            seen: set[int] = set()
            for word, weight in variants.items():
                bucket = index.postings[word]
                idf = math.log(1 + (n_units - len(bucket) + 0.5) / (len(bucket) + 0.5))
                for unit, tf in bucket.items():
                    norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * index.lengths[unit] / index.average))
                    scores[unit] = scores.get(unit, 0.0) + weight * idf * norm
                    seen.add(unit)
            for unit in seen:
                matched_terms[unit] = matched_terms.get(unit, 0) + 1
        lowered = [p.lower() for p in phrases]
        candidates = {u: s for u, s in scores.items()
                      if all(p in index.texts[u].lower() for p in lowered)
                      and (within is None or index.units[u] in within)}
        complete = {u: s for u, s in candidates.items() if matched_terms[u] == len(terms)}
        partial = not complete and bool(candidates)
        pool = complete or candidates
        # the words side by side, as typed, count for more than the same words scattered
        together = " ".join(w.lower() for w in WORD.findall(query)) if len(terms) > 1 else None

        def rank(u: int) -> tuple:
            boost = 1.5 if together and together in index.flat[u] else 1.0
            return (-(pool[u] * index.weights[u] * boost + matched_terms[u]), index.units[u])

        ranked = sorted(pool, key=rank)
        marks = {w for variants in expansions for w in variants}
        hits = [Hit(index.units[u], round(pool[u], 3), index.texts[u], highlight(index.texts[u], marks, phrases))
                for u in ranked[offset: offset + limit]]
        return Results(hits, len(pool), partial, terms)


def highlight(text: str, folded_words: set[str], phrases: list[str] = ()) -> str:
    """The text, HTML-escaped, with every matching word (and phrase) wrapped in <mark>."""
    spans = [(m.start(), m.end()) for m in WORD.finditer(text) if fold(m.group()) in folded_words]
    lowered = text.lower()
    for phrase in phrases:
        start = lowered.find(phrase.lower())
        while start != -1:
            spans.append((start, start + len(phrase)))
            start = lowered.find(phrase.lower(), start + 1)
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)
