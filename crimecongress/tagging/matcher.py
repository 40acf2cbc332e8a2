"""The matcher: every cue of one kind compiled once into a few combined regular expressions.

Literal terms go into one trie-shaped regular expression per kind (one case-insensitive, one exact-case),
so a text is scanned once whatever the number of terms; each match is then looked up by its normalised
words. Matches may overlap (a Protocol's title that names the Convention it supplements names both);
at one starting point the longest term wins, and the shorter terms that start there are kept too.
Patterns (regular expressions) are scanned one by one. Exclusions, document scopes, `requires` and
`swallows` are applied to the candidates only.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Sequence

from .cues import Cue

SEPARATOR = "\u0000"   # between texts when a batch is scanned as one string; never inside a match
_WORD_END = re.compile(r"(?<=\w)(?!\w)")
_NORMALISE_DROP = re.compile(r"[\s\-‐‑–]+")


def join(texts: Sequence[str]) -> tuple[str, list[int]]:
    """Texts joined by SEPARATOR, with the offset at which each starts."""
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + len(SEPARATOR)
    return SEPARATOR.join(texts), starts


def spans_batch(regexes: Sequence[re.Pattern], texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """The spans of every match of `regexes` in each text, scanning all texts as one string."""
    per_text: list[list[tuple[int, int]]] = [[] for _ in texts]
    big, starts = join(texts)
    lowered = big.lower() if len(big.lower()) == len(big) else big
    for regex in regexes:
        anchor = anchors(regex.pattern, regex.flags & re.IGNORECASE) if lowered is not big else None
        for start, end in _scan(regex, big, lowered, anchor, starts):
            if SEPARATOR in big[start:end]:
                continue
            i = bisect_right(starts, start) - 1
            per_text[i].append((start - starts[i], end - starts[i]))
    return per_text


def _scan(regex: re.Pattern, text: str, lowered: str, anchor: tuple[str, ...] | None,
          starts: list[int] | None) -> Iterable[tuple[int, int]]:
    """The spans of `regex` in `text`. With an anchor and the text's parts (`starts`), only the parts that
    contain the anchor are scanned."""
    if not anchor or not starts:
        for hit in regex.finditer(text):
            yield hit.span()
        return
    parts: set[int] = set()
    for literal in anchor:
        at = lowered.find(literal)
        while at >= 0:
            parts.add(bisect_right(starts, at) - 1)
            at = lowered.find(literal, at + 1)
    for i in sorted(parts):
        first = starts[i]
        last = starts[i + 1] - len(SEPARATOR) if i + 1 < len(starts) else len(text)
        for hit in regex.finditer(text, first, last):
            yield hit.span()


def anchors(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-case literals one of which every match of `pattern` contains, or None if none can be told.

    Read from the parsed pattern: the longest run of literal characters in its top-level sequence, or for a
    top-level alternation, one run per branch. Used to scan only the texts that contain an anchor."""
    try:
        from re import _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as parser
    try:
        parsed = parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 -- an anchor is an optimisation only
        return None

    def runs(items) -> list[str]:
        found, current = [], []
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                current.append(chr(arg))
                continue
            if current:
                found.append("".join(current))
                current = []
            if name == "SUBPATTERN" and arg[1] == 0 and arg[2] == 0:   # a plain group: look inside
                found.extend(runs(arg[3]))
        if current:
            found.append("".join(current))
        return found

    def best(items) -> tuple[str, ...] | None:
        literal = max(runs(items), key=len, default="")
        if len(literal.strip()) >= 4:
            return (literal.lower(),)
        for op, arg in items:                       # a top-level alternation: one anchor per branch
            if str(op) == "BRANCH":
                per_branch = [best(branch) for branch in arg[1]]
                if all(per_branch):
                    return tuple(sorted({a for anchors_ in per_branch for a in anchors_}))
            if str(op) == "SUBPATTERN" and arg[1] == 0 and arg[2] == 0:
                inner = best(arg[3])
                if inner:
                    return inner
        return None

    return best(list(parsed))


def normalise(text: str, *, fold: bool = True) -> str:
    """The lookup key of a term or of matched words: case folded (unless exact), spaces and hyphens
    dropped, curly apostrophes straightened."""
    text = text.replace("’", "'")
    text = _NORMALISE_DROP.sub("", text)
    return text.lower() if fold else text


def _term_tokens(term: str, fold: bool) -> list[str]:
    term = term.replace("’", "'").strip()
    if fold:
        term = term.lower()
    tokens: list[str] = []
    for char in term:
        if char.isspace():
            if tokens and tokens[-1] == " ":
                continue
            tokens.append(" ")
        else:
            tokens.append(char)
    return tokens


def _token_regex(token: str) -> str:
    if token == " ":
        return r"\s+"
    if token == "-":
        return r"(?:-|\s+)?"
    if token == "'":
        return "['’]"
    return re.escape(token)


def trie_regex(terms: Iterable[str], fold: bool) -> str:
    """One regular expression matching any of `terms`, shaped as a trie so that it is scanned in one pass
    and prefers the longest term at each position."""
    trie: dict = {}
    for term in terms:
        node = trie
        for token in _term_tokens(term, fold):
            node = node.setdefault(token, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [_token_regex(token) + emit(child) for token, child in sorted(node.items()) if token]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
        return body

    return emit(trie)


@dataclass(frozen=True)
class Match:
    cue: Cue
    value: str | None     # slug (None for an anaphor: resolved later)
    start: int
    end: int


class Matcher:
    """All cues of one kind (theme, instrument, actor, or anaphora), compiled once."""

    def __init__(self, cues: Sequence[Cue]):
        self.cues = tuple(cues)
        self._folded: dict[str, list[Cue]] = {}
        self._exact: dict[str, list[Cue]] = {}
        for cue in self.cues:
            for term in cue.terms:
                self._claim(self._folded, normalise(term), cue)
            for term in cue.exact_terms:
                self._claim(self._exact, normalise(term, fold=False), cue)
        self._folded_re = self._compile([t for c in self.cues for t in c.terms], fold=True)
        self._exact_re = self._compile([t for c in self.cues for t in c.exact_terms], fold=False)
        self._patterns = [(cue, re.compile(p, 0 if cue.case_sensitive else re.IGNORECASE))
                          for cue in self.cues for p in cue.patterns]
        self._anchors = [anchors(regex.pattern, regex.flags & re.IGNORECASE) for _, regex in self._patterns]
        self._exclude = {cue.id: [re.compile(p, re.IGNORECASE) for p in cue.exclude] for cue in self.cues}
        self._requires = {cue.id: [re.compile(p, re.IGNORECASE) for p in cue.requires] for cue in self.cues}
        self._ruled = {cue.id for cue in self.cues if cue.exclude or cue.requires or cue.documents}
        self._multiword = any(" " in t.strip() or "-" in t for c in self.cues for t in (*c.terms, *c.exact_terms))

    @staticmethod
    def _claim(table: dict[str, list[Cue]], key: str, cue: Cue) -> None:
        """A term may be evidence for several values (a standard's name for both prisons and standards)."""
        owners = table.setdefault(key, [])
        if cue not in owners:
            owners.append(cue)

    @staticmethod
    def _compile(terms: list[str], fold: bool) -> re.Pattern | None:
        if not terms:
            return None
        # the folded trie is matched on lower-cased text, which is faster than IGNORECASE
        body = trie_regex(terms, fold)
        return re.compile(r"(?<!\w)(?=(" + body + r")(?!\w))")

    # ------------------------------------------------------------------------------------------------
    def candidates(self, text: str, starts: list[int] | None = None) -> list[Match]:
        """Every raw match in `text` (which may be several texts joined by SEPARATOR, beginning at `starts`),
        before the context rules."""
        found: list[Match] = []
        lowered = text.lower()
        if len(lowered) != len(text):                    # a character whose lower case is longer: rare
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        for regex, table, fold in ((self._folded_re, self._folded, True), (self._exact_re, self._exact, False)):
            if regex is None:
                continue
            for hit in regex.finditer(lowered if fold else text):
                start, end = hit.span(1)
                ends = [end]
                if self._multiword:
                    words = text[start:end]
                    ends += [start + m.start() for m in _WORD_END.finditer(words) if start + m.start() < end]
                for stop in ends:
                    for cue in table.get(normalise(text[start:stop], fold=fold), ()):
                        found.append(Match(cue, cue.value, start, stop))
        for (cue, regex), anchor in zip(self._patterns, self._anchors):
            for start, end in _scan(regex, text, lowered, anchor, starts):
                if end > start and SEPARATOR not in text[start:end]:
                    found.append(Match(cue, cue.value, start, end))
        return found

    def applies(self, match: Match, text: str, document: str | None) -> bool:
        """The cue's context rules: its document scope, `requires` and `exclude`."""
        cue = match.cue
        if cue.id not in self._ruled:
            return True
        if cue.documents and document not in cue.documents:
            return False
        requires = self._requires[cue.id]
        if requires and not any(r.search(text) for r in requires):
            return False
        for regex in self._exclude[cue.id]:
            for hit in regex.finditer(text, max(0, match.start - 200), min(len(text), match.end + 200)):
                if hit.start() <= match.start and match.end <= hit.end():
                    return False
        return True

    def find(self, text: str, document: str | None = None) -> list[Match]:
        """The matches in one unit's text that count, de-duplicated and sorted."""
        return self.settle([m for m in self.candidates(text) if self.applies(m, text, document)])

    def find_batch(self, texts: Sequence[str], documents: Sequence[str | None]) -> list[list[Match]]:
        """`find` for many texts at once: they are scanned as one string (one regular-expression call per
        pattern for the whole corpus, not one per unit), then the matches are handed back to their texts."""
        per_text = [list() for _ in texts]
        big, starts = join(texts)
        for m in self.candidates(big, starts):
            i = bisect_right(starts, m.start) - 1
            offset = starts[i]
            per_text[i].append(Match(m.cue, m.value, m.start - offset, m.end - offset))
        return [self.settle([m for m in found if self.applies(m, text, document)])
                for found, text, document in zip(per_text, texts, documents)]

    @staticmethod
    def settle(matches: list[Match]) -> list[Match]:
        """Drop a match inside a longer match of the same value, and a match of a value that the cue of a
        longer match around it swallows; sort by position."""
        matches = sorted(set(matches), key=lambda m: (m.start, -(m.end - m.start), m.cue.id))
        kept: list[Match] = []
        for match in matches:
            covered = False
            for other in matches:
                if other is match or not (other.start <= match.start and match.end <= other.end):
                    continue
                if (other.end - other.start) == (match.end - match.start) and other.cue.id >= match.cue.id:
                    continue
                if other.value == match.value or (match.value in other.cue.swallows):
                    covered = True
                    break
            if not covered:
                kept.append(match)
        return kept
