"""What the stages build RDF into: triples, each stated once, in the order first stated (a graph is a set, and
the writers expect no duplicates), handed on as a list of pyoxigraph Triples."""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox


class Triples:
    """An ordered set of triples being stated."""

    __slots__ = ("_triples",)

    def __init__(self, triples: Iterable[ox.Triple] = ()):
        self._triples: dict[ox.Triple, None] = dict.fromkeys(triples)

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        self._triples[ox.Triple(subject, predicate, obj)] = None

    def extend(self, triples: Iterable[ox.Triple]) -> None:
        self._triples.update(dict.fromkeys(triples))

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: ox.Triple) -> bool:
        return triple in self._triples

    def list(self) -> list[ox.Triple]:
        return list(self._triples)


def unique(*parts: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples of several graphs, each once (a union)."""
    return list(dict.fromkeys(t for part in parts for t in part))
