"""The one prefix table: the short name of every namespace the project writes, reads or shows.

Its source is the published JSON-LD context (ontology/context.jsonld): every prefix defined there, plus the few
below that the context does not carry. A module that writes prefixes takes the names it needs from here
(`pick`) instead of keeping a table of its own, so that no name stands for two namespaces and no namespace has
two names. The project's own namespaces hang below the base IRI; `rebased` is the one place where a text
written for the default base is moved to another base.

Imports only the standard library and ids: the server's SPARQL workers use it and must start fast.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from .ids import DEFAULT_BASE

CONTEXT_FILE = Path(__file__).resolve().parents[1] / "ontology" / "context.jsonld"

# Namespaces the context does not define: it compacts the dataset, and these are used only by the ontology's
# own description, the SHACL shapes and reports, the catalogue, the SDG vocabulary and the served pages.
NOT_IN_CONTEXT = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",     # the context writes rdf:type as "type"
    "vann": "http://purl.org/vocab/vann/",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "schema": "https://schema.org/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",   # the SPARQL endpoint's description
}
# Namespaces below the base (relative to it) that the context does not define as prefixes: there "theme",
# "instrument" and "actor" are the properties uncc:theme, uncc:instrument and uncc:actor.
BELOW_BASE = {"theme": "theme/", "instrument": "instrument/", "actor": "actor/", "congress": "congress/",
              "shape": "shapes#"}


def rebased(text: str, base: str = DEFAULT_BASE) -> str:
    """A text written with IRIs under the default base (the context, the ontology, the shapes), moved to `base`."""
    return text if base == DEFAULT_BASE else text.replace(DEFAULT_BASE, base)


def load_context(base: str = DEFAULT_BASE) -> dict:
    """The published JSON-LD context, rewritten for another base IRI when one is configured."""
    return json.loads(rebased(CONTEXT_FILE.read_text(encoding="utf-8"), base))


def context_prefixes(context: dict) -> dict[str, str]:
    """The prefixes a JSON-LD context defines: its terms whose value is a namespace IRI (ending in # or /)."""
    ctx = context["@context"]
    return {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("#", "/"))}


@lru_cache(maxsize=8)
def table(base: str = DEFAULT_BASE) -> Mapping[str, str]:
    """Every prefix name and its namespace, for the given base IRI (read-only)."""
    names = context_prefixes(load_context(base))
    for name, namespace in (*NOT_IN_CONTEXT.items(), *((n, base + path) for n, path in BELOW_BASE.items())):
        if names.setdefault(name, namespace) != namespace:
            raise ValueError(f"prefix {name}: is in the context as {names[name]}, not {namespace}")
    return MappingProxyType(names)


def pick(names: Iterable[str], base: str = DEFAULT_BASE) -> dict[str, str]:
    """The named prefixes of the table, in the order given (writers that emit them in order stay stable)."""
    known = table(base)
    return {name: known[name] for name in names}


# A local name shortened to a prefixed name: a plain word, which reads the same in Turtle, SPARQL and on a page
# (the Turtle writer would escape anything else, e.g. doc:doha-declaration-2015\/para\/5).
PLAIN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _shortened(iri: str, prefixes: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """(prefix, local name) by the namespace that leaves the shortest plain local name, or None."""
    best = None
    for prefix, namespace in prefixes:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if (local == "" or PLAIN_LOCAL.fullmatch(local)) and \
                    (best is None or (len(local), len(prefix), prefix) < (len(best[1]), len(best[0]), best[0])):
                best = (prefix, local)
    return best


class Prefixes:
    """A prefix map that shortens IRIs: the one rule by which the pages, the served Turtle and the messages of
    the checks write an IRI as a prefixed name. The namespace that leaves the shortest local name wins (doc:
    before the base), and only a plain word (or nothing) is left as the local name."""

    def __init__(self, mapping: Mapping[str, str]):
        self.mapping = dict(sorted(mapping.items()))
        self._memo: dict[str, tuple[str, str] | None] = {}

    def shorten(self, iri: str) -> tuple[str, str] | None:
        """(prefix, local name), or None when no namespace leaves a plain local name."""
        if iri in self._memo:
            return self._memo[iri]
        found = _shortened(iri, self.mapping.items())
        if len(self._memo) < 200_000:          # a server's pages ask for the same few thousand IRIs
            self._memo[iri] = found
        return found

    def curie(self, iri: str) -> str:
        """prefix:local, or the IRI itself (for a page)."""
        short = self.shorten(iri)
        return f"{short[0]}:{short[1]}" if short else iri


def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """An IRI as Turtle or SPARQL writes it with these prefixes: prefix:local, or <IRI>."""
    short = _shortened(iri, prefixes.items())
    return f"{short[0]}:{short[1]}" if short else f"<{iri}>"
