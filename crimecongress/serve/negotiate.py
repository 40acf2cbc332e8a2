"""Content negotiation: the Accept header (with q-values) or a file suffix picks one representation."""
from __future__ import annotations

from dataclasses import dataclass

HTML = "text/html"

# Representations of a resource: name -> (media type, suffix). Order = the server's preference on ties.
RESOURCE_FORMATS = {
    "html": ("text/html", ".html"),
    "ttl": ("text/turtle", ".ttl"),
    "jsonld": ("application/ld+json", ".jsonld"),
    "nt": ("application/n-triples", ".nt"),
    "rdf": ("application/rdf+xml", ".rdf"),
}
# Other media types that ask for one of those representations.
ALIASES = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "text/plain": "nt",
    "application/xml": "rdf",
    "text/xml": "rdf",
}
SUFFIXES = {suffix: name for name, (_, suffix) in RESOURCE_FORMATS.items() if name != "html"}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        t, _, s = media_type.partition("/")
        return (self.type in ("*", t)) and (self.subtype in ("*", s))


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        t, _, s = media.partition("/")
        ranges.append(MediaRange(t, s, q, order))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the client gives `media_type`: that of the most specific range matching it."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best else 0.0


def choose(header: str | None, offers: list[tuple[str, str]], aliases: dict[str, str] | None = None) -> str | None:
    """Pick the name of the best offer [(name, media type)] for an Accept header, or None (406).

    Highest q wins; on a tie an exact type beats a wildcard match, then the offers' own order decides."""
    ranges = parse_accept(header)
    best_name, best_score = None, (0.0, -1, 0)
    for index, (name, media_type) in enumerate(offers):
        q = quality(ranges, media_type)
        exact = any(r.specificity == 2 and r.matches(media_type) for r in ranges if r.q > 0)
        for alias, target in (aliases or {}).items():
            if target == name:
                alias_q = quality([r for r in ranges if r.specificity == 2], alias)
                if alias_q > q:
                    q, exact = alias_q, True
        score = (q, int(exact), -index)
        if q > 0 and score > best_score:
            best_name, best_score = name, score
    return best_name


def choose_resource_format(header: str | None) -> str | None:
    return choose(header, [(n, m) for n, (m, _) in RESOURCE_FORMATS.items()], ALIASES)


def split_suffix(path: str) -> tuple[str, str | None]:
    """("/doc/x/para/5.ttl") -> ("/doc/x/para/5", "ttl"); a path without a known suffix is returned as is."""
    for suffix, name in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix) + 1:
            return path[: -len(suffix)], name
    return path, None
