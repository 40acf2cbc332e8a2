"""Looking things up in the triples a stage emits (a list of pyoxigraph Triples), as the tests ask: is this
statement there, what are this subject's objects for that predicate."""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

Term = ox.NamedNode | ox.Literal | ox.BlankNode


def node(iri) -> ox.NamedNode:
    """An IRI (text, or a term already) as a NamedNode."""
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


class Lookup:
    """A set of triples with the few look-ups the tests need; `None` matches any term."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.triples = list(dict.fromkeys(triples))
        self._set = set(self.triples)
        self._by_subject: dict = {}
        self._by_predicate: dict = {}
        for t in self.triples:
            self._by_subject.setdefault(t.subject, []).append(t)
            self._by_predicate.setdefault(t.predicate, []).append(t)

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def __contains__(self, statement) -> bool:
        return ox.Triple(*statement) in self._set

    def match(self, subject=None, predicate=None, obj=None) -> Iterator[ox.Triple]:
        candidates = self._by_subject.get(subject, ()) if subject is not None \
            else self._by_predicate.get(predicate, ()) if predicate is not None else self.triples
        return (t for t in candidates if (subject is None or t.subject == subject)
                and (predicate is None or t.predicate == predicate) and (obj is None or t.object == obj))

    def objects(self, subject=None, predicate=None) -> Iterator[Term]:
        return (t.object for t in self.match(subject, predicate))

    def subjects(self, predicate=None, obj=None) -> Iterator[Term]:
        return (t.subject for t in self.match(None, predicate, obj))

    def subject_objects(self, predicate) -> Iterator[tuple[Term, Term]]:
        return ((t.subject, t.object) for t in self.match(None, predicate))

    def value(self, subject, predicate) -> Term | None:
        """The one object of (subject, predicate), or None."""
        return next(self.objects(subject, predicate), None)

    def store(self) -> ox.Store:
        """The triples in a Store, for SPARQL."""
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        return store
