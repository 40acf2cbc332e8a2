"""The project's one set of RDF writers (Turtle, N-Triples, N-Quads, JSON-LD, RDF/XML), used by the build, by
`serve` and by `site`; each is deterministic: the same statements always give the same bytes.

Every writer takes statements as pyoxigraph triples, the one term model of every stage, so that the build writes
a graph's Turtle, N-Triples and JSON-LD from the same list.
Turtle is written by pyoxigraph with the statements sorted; N-Triples and N-Quads are sorted lines;
JSON-LD is compacted here against the published context, with nodes and values sorted, a node per line.
The whole-dataset dumps are merged from the graphs' sorted lines (`merged_lines`, `quad_lines`) and written
a chunk at a time (`TurtleParts`, `JsonLdParts`), so that the build never holds the whole dataset as
Python objects.

Published data has no blank nodes; the writers accept them for what does (SPARQL CONSTRUCT answers, the
service description, the SHACL report), and Turtle writes them nested (`[ ... ]`, `( ... )`) when asked.
Imports neither rdflib nor anything that does: the server's SPARQL workers use these writers and must start fast.
"""
from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring
from typing import BinaryIO, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from .ids import DEFAULT_BASE
from .prefixes import PLAIN_LOCAL, context_prefixes, pick, table

_RDF = table()["rdf"]
_RDF_TYPE, _RDF_FIRST, _RDF_REST = _RDF + "type", _RDF + "first", _RDF + "rest"
_RDF_NIL = ox.NamedNode(_RDF + "nil")
_XSD_STRING = table()["xsd"] + "string"

# What the writers accept: the statements of a graph, as pyoxigraph triples.
Statements = Sequence[ox.Triple]


# Prefixes for Turtle output, in this order: those whose local names are plain words (document IRIs, with
# slashes, stay whole, so doc: is not among them).
TURTLE_PREFIXES = ("uncc", "theme", "instrument", "actor", "eli", "oa", "prov", "skos", "dcterms", "org", "owl", "rdf",
                   "rdfs", "xsd", "void", "dcat", "vann", "sdg", "sdgo")


def turtle_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    return pick(TURTLE_PREFIXES, base)


def _turtle_header(prefixes: dict[str, str]) -> list[bytes]:
    """Our own header, sorted (not the writer's order)."""
    return [f"@prefix {name}: <{iri}> .".encode() for name, iri in sorted(prefixes.items())]


def _turtle_body(triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> list[bytes]:
    """The statements' lines without the prefixes, a blank line before each new subject."""
    out: list[bytes] = []
    for line in ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).split(b"\n"):
        if not line or line.startswith(b"@prefix"):
            continue
        if not line.startswith(b"\t"):
            out.append(b"")
        out.append(line)
    return out


def ordered(triples: Iterable[ox.Triple], first: str | None = None) -> list[ox.Triple]:
    """The order every writer writes statements in: by subject (`first` leading, IRIs before blank nodes), then
    a subject's statements in `statement_order`."""
    return sorted(triples, key=lambda t: (t.subject.value != first, type(t.subject) is ox.BlankNode,
                                          t.subject.value) + statement_order(t))


def statement_order(t: ox.Triple) -> tuple[str, str]:
    """One subject's statements in the writers' order: by predicate, then object as N-Triples writes it."""
    return t.predicate.value, str(t.object)


def lines_in_statement_order(predicates: Iterable[str]) -> bool:
    """Whether one subject's sorted N-Triples lines ("<p> o .") are in `statement_order`, given the predicate IRIs
    they use. They are unless one predicate IRI starts another and the longer one goes on with a character that
    sorts before ">" (…#p and …#p-2: `statement_order` puts p first, the lines p-2). In sorted order an IRI that
    starts others is followed by one of them, so neighbours are enough to look at."""
    names = sorted(predicates)
    return not any(b.startswith(a) and b[len(a)] < ">" for a, b in zip(names, names[1:]))


def plain_prefixes(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes that shorten some IRI of the statements and leave every IRI they cover a plain local name (the
    Turtle writer would write doc:doha-declaration-2015\\/para\\/5 otherwise; such IRIs stay whole instead).
    rdf:type as a predicate is written `a`, so needs no prefix."""
    named, literal = ox.NamedNode, ox.Literal
    iris = set()
    for subject, predicate, obj in triples:
        if type(subject) is named:
            iris.add(subject.value)
        if predicate.value != _RDF_TYPE:
            iris.add(predicate.value)
        if type(obj) is named:
            iris.add(obj.value)
        elif type(obj) is literal and not obj.language:
            datatype = obj.datatype.value
            if datatype != _XSD_STRING:               # a plain string is written without its datatype
                iris.add(datatype)
    table_ = _prefix_table(tuple(sorted(prefixes.items())))
    used, spoilt = set(), set()
    for iri in iris:
        uses = table_.seen.get(iri)
        if uses is None:
            uses = table_.uses(iri)
            if len(table_.seen) < 200_000:           # the server asks about the same IRIs page after page
                table_.seen[iri] = uses
        for name, plain in uses:
            (used if plain else spoilt).add(name)
    return {name: prefixes[name] for name in sorted(used - spoilt)}


@dataclass(frozen=True)
class _PrefixTable:
    """The prefixes of one table by namespace, and what `plain_prefixes` found out about each IRI so far."""

    names: dict[str, str]                        # namespace -> prefix, for namespaces ending in / or #
    lengths: tuple[int, ...]                     # their lengths, shortest first
    seen: dict[str, tuple[tuple[str, bool], ...]]

    def uses(self, iri: str) -> tuple[tuple[str, bool], ...]:
        """Each prefix whose namespace starts `iri`, and whether what follows is a plain local name."""
        found = []
        for length in self.lengths:
            name = self.names.get(iri[:length])
            if name is not None:
                local = iri[length:]
                found.append((name, local == "" or PLAIN_LOCAL.fullmatch(local) is not None))
        return tuple(found)


@lru_cache(maxsize=64)
def _prefix_table(prefixes: tuple[tuple[str, str], ...]) -> _PrefixTable:
    names = {namespace: name for name, namespace in prefixes if namespace.endswith(("/", "#"))}
    return _PrefixTable(names, tuple(sorted({len(n) for n in names})), {})


def turtle(graph: Statements, base: str = DEFAULT_BASE, *, prefixes: Mapping[str, str] | None = None,
           first: str | None = None, nested: bool = False, in_order: bool = False) -> bytes:
    """Turtle with the statements sorted by subject (`first` leading), predicate and object, one blank line between
    subjects, and the prefixes (by default the build's, for `base`) declared sorted. `in_order`: the statements
    come in that order already (`ordered`), and are not sorted again.

    Written by pyoxigraph: two orders of magnitude faster than rdflib's longturtle at this size, and as stable.
    `nested` writes a blank node that is the object of one statement in place, as [ ... ] or as a list ( ... ),
    and one that is the object of none as []: for documents made of blank nodes, like a SHACL report."""
    triples = graph if in_order else ordered(graph, first)
    prefixes = turtle_prefixes(base) if prefixes is None else dict(prefixes)
    body = _nested_body(triples, prefixes) if nested else _turtle_body(triples, prefixes)
    return b"\n".join(_turtle_header(prefixes) + body + [b""])


def _term_texts(terms: Iterable, prefixes: dict[str, str]) -> dict:
    """Each term as pyoxigraph's Turtle writer writes it (prefixed names, short literals), all in one call."""
    terms = list(dict.fromkeys(terms))
    marker = "urn:x-term:"
    predicate = ox.NamedNode(marker + "p")
    text = ox.serialize([ox.Triple(ox.NamedNode(f"{marker}{n}"), predicate, term) for n, term in enumerate(terms)],
                        format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    out = {}
    for line in text.decode("utf-8").split("\n"):
        if line.startswith("<" + marker):
            number, _, rest = line[len(marker) + 1:].partition("> ")
            out[terms[int(number)]] = rest[len(f"<{marker}p> "):-2]
    return out


_INDENT = "    "      # nested Turtle's indentation step (the published SHACL report's layout)


def _nested_body(triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> list[bytes]:
    """The statements' lines with blank nodes nested (see `turtle`): a subject's first statement on its line, the
    others below, each nesting indented one step further."""
    by_subject: dict = {}
    references: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append((t.predicate, t.object))
        if type(t.object) is ox.BlankNode:
            references[t.object] = references.get(t.object, 0) + 1
    inline = {node for node, count in references.items() if count == 1}
    reached: set = set()
    waiting = [s for s in by_subject if s not in inline]
    while waiting:
        for _, obj in by_subject.get(waiting.pop(), ()):
            if obj in inline and obj not in reached:
                reached.add(obj)
                waiting.append(obj)
    inline &= reached                         # a cycle of blank nodes has no place to be nested: labels then
    roots = [s for s in by_subject if s not in inline]

    def items(node) -> list | None:
        """The members of the list that starts at `node`, or None if it is not a well-formed list."""
        out = []
        while node != _RDF_NIL:
            pairs = by_subject.get(node, [])
            first = [o for p, o in pairs if p.value == _RDF_FIRST]
            rest = [o for p, o in pairs if p.value == _RDF_REST]
            if node not in inline or len(pairs) != 2 or len(first) != 1 or len(rest) != 1:
                return None
            out.append(first[0])
            node = rest[0]
        return out

    texts = _term_texts([term for t in triples for term in (t.subject, t.predicate, t.object)
                         if term not in inline], prefixes)

    def predicate_text(p) -> str:
        return "a" if p.value == _RDF_TYPE else texts[p]

    def obj_text(o, depth: int) -> str:
        if o not in inline:
            return texts[o]
        members = items(o)
        if members is not None and members:
            return "( " + " ".join(obj_text(m, depth) for m in members) + " )"
        pairs = by_subject.get(o)
        if not pairs:
            return "[]"
        inner = _INDENT * (depth + 1)
        return "[\n" + inner + properties(pairs, depth + 1, " ;\n" + inner) + "\n" + _INDENT * depth + "]"

    def properties(pairs, depth: int, between: str) -> str:
        grouped: dict = {}
        for p, o in pairs:
            grouped.setdefault(p, []).append(obj_text(o, depth))
        return between.join(f"{predicate_text(p)} {' , '.join(objects)}" for p, objects in grouped.items())

    out: list[bytes] = []
    for subject in roots:
        name = "[]" if type(subject) is ox.BlankNode and subject not in references else texts[subject]
        out += [b"", (name + " " + properties(by_subject[subject], 1, " ;\n" + _INDENT) + " .").encode("utf-8")]
    return out


class TurtleParts:
    """Turtle for data too large to hold, written a part at a time: `head`, then `part` for each chunk of
    statements (whole subjects, see `subject_chunks`), then `tail`. The statements keep their order."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.prefixes = turtle_prefixes(base)

    def head(self) -> bytes:
        return b"\n".join(_turtle_header(self.prefixes))

    def part(self, triples: Sequence[ox.Triple]) -> bytes:
        body = _turtle_body(triples, self.prefixes)
        return b"\n" + b"\n".join(body) if body else b""

    def tail(self) -> bytes:
        return b"\n"


def ntriples(graph: Statements) -> bytes:
    """One statement per line, sorted and without duplicates (the order of a set is not stable)."""
    lines = set(ox.serialize(list(graph), format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True))
    return b"".join(sorted(lines))


def parse_ntriples(data: bytes) -> list[ox.Triple]:
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def merged_lines(sorted_lines: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """Sorted runs of lines merged into one sorted run without duplicates (a statement may be in two graphs)."""
    last = None
    for line in heapq.merge(*sorted_lines):
        if line != last:
            yield line
            last = line


def gzipped_lines(dump: bytes, block: int = 1 << 14) -> Iterator[bytes]:
    """The lines of a gzipped dump, decompressed a block at a time as they are needed (small blocks: the
    whole-dataset dumps merge one such reader per graph, thousands at once at scale)."""
    decompressor = zlib.decompressobj(wbits=31)
    tail = b""
    for start in range(0, len(dump), block):
        lines = (tail + decompressor.decompress(dump[start:start + block])).splitlines(keepends=True)
        tail = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
    rest = tail + decompressor.flush()
    if rest:
        yield from rest.splitlines(keepends=True)


def subject_chunks(lines: Iterable[bytes], size: int = 50_000) -> Iterator[bytes]:
    """Sorted N-Triples lines in chunks of about `size` lines, each ending where a subject does (in sorted
    lines a subject's statements are next to each other)."""
    chunk: list[bytes] = []
    subject = b""
    for line in lines:
        if len(chunk) >= size and not line.startswith(subject):
            yield b"".join(chunk)
            chunk = []
        if not chunk or not line.startswith(subject):
            subject = line[:line.index(b" ") + 1]
        chunk.append(line)
    if chunk:
        yield b"".join(chunk)


def quad_lines(named_lines: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """Sorted N-Quads lines from sorted N-Triples lines, each graph under its name.

    Appending the graph name keeps each run's order (a line is never a prefix of another: each ends in
    " .\\n"), so merging the rewritten runs sorts the whole."""
    def quads(name: str, lines: Iterable[bytes]) -> Iterator[bytes]:
        suffix = f" <{name}> .\n".encode()
        return (line[:-3] + suffix for line in lines)
    return heapq.merge(*(quads(name, lines) for name, lines in named_lines))


def nquads(named_graphs: Iterable[tuple[str, Statements]]) -> bytes:
    """One N-Quads dump with each graph under its name."""
    return b"".join(quad_lines((name, ntriples(graph).splitlines(keepends=True)) for name, graph in named_graphs))


def gzipped(data: bytes) -> bytes:
    """gzip with no timestamp and no file name, so that the same data always gives the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


# gzip's header with no time stamp, no name and no flags (RFC 1952), and the last, empty deflate block
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST_BLOCK = b"\x03\x00"


def deflated(plain: bytes) -> bytes:
    """`plain` deflated at level 6 on its own (no reference to what comes before) and ended on a byte boundary,
    so that pieces made apart -- by different worker processes -- join into one deflate stream, as pigz does
    (`GzipPieces` writes them)."""
    if not plain:
        return b""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(plain) + packer.flush(zlib.Z_SYNC_FLUSH)


class GzipPieces:
    """One gzip member written a piece at a time: each piece deflated apart (`deflated`: here by `write`, or by a
    worker, handed over with its plain bytes to `add`). The same pieces give the same bytes; any gzip reader
    reads the whole. The plain bytes are counted and hashed (`size`, `digest`: SHA-256) as they go."""

    def __init__(self, out: BinaryIO):
        self.out, self.crc, self.size, self.digest = out, 0, 0, hashlib.sha256()
        out.write(GZIP_HEADER)

    def write(self, plain: bytes) -> None:
        self.add(plain, deflated(plain))

    def add(self, plain: bytes, piece: bytes) -> None:
        self.crc = zlib.crc32(plain, self.crc)
        self.size += len(plain)
        self.digest.update(plain)
        self.out.write(piece)

    def close(self) -> None:
        self.out.write(_LAST_BLOCK + struct.pack("<II", self.crc, self.size & 0xFFFFFFFF))


class Compactor:
    """Compacts triples with the published context: a short key per predicate, coerced values. Made once per
    context and kept (the server keeps one): it remembers the context's inline text and the IRIs it compacted."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.context = ctx
        self.prefixes = context_prefixes(context)
        self.terms: dict[str, tuple[str, dict]] = {}
        self._compacted: dict[str, str] = {}          # compact_iri is called for every statement
        self._plans: dict[str, _Plan] = {}
        self._text: str | None = None
        for key, value in ctx.items():
            if isinstance(value, dict) and "@id" in value:
                self.terms.setdefault(self.expand(value["@id"]), (key, value))

    @property
    def context_text(self) -> str:
        if self._text is None:
            self._text = inline_context(self.context)
        return self._text

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else curie

    def compact_iri(self, iri: str) -> str:
        known = self._compacted.get(iri)
        if known is None:
            known = self._compact(iri)
            if len(self._compacted) < 100_000:    # a server's answers may name any number of IRIs
                self._compacted[iri] = known
        return known

    def _compact(self, iri: str) -> str:
        best = iri
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) - len(namespace) + len(prefix) + 1 < len(best):
                best = f"{prefix}:{iri[len(namespace):]}"
        return best

    def plan(self, predicate: str) -> _Plan:
        """How the values of `predicate` are written, from its term definition: worked out once per predicate, as a
        node is made for every subject of every graph written."""
        plan = self._plans.get(predicate)
        if plan is None:
            key, definition = self.terms.get(predicate) or (self.compact_iri(predicate), None)
            definition = definition or {}
            coerced = definition.get("@type")
            plan = self._plans[predicate] = _Plan(
                key, definition.get("@container") == "@language", coerced == "@id",
                self.expand(coerced) if coerced else None, definition.get("@language"),
                bool(definition) and "@type" not in definition and "@language" not in definition)
        return plan

    def node(self, subject, pairs: list) -> dict:
        """The node of a subject (a pyoxigraph term) from its (predicate IRI, object term) pairs. A value is a plain
        string where the predicate's term definition coerces it (an IRI to "@type": "@id", a literal to the
        term's datatype or language, a string to a term without either), else an "@id" or "@value" object;
        language-tagged strings of a "@language" container are grouped by language."""
        node: dict = {"id": subject.value if type(subject) is ox.NamedNode else "_:" + subject.value}
        named, blank = ox.NamedNode, ox.BlankNode
        for predicate, obj in pairs:
            kind = type(obj)
            if kind is named:
                if predicate == _RDF_TYPE:
                    node.setdefault("type", []).append(self.compact_iri(obj.value))
                    continue
                plan = self.plan(predicate)
                value = obj.value if plan.id_coerced else {"@id": obj.value}
            elif kind is blank:
                plan = self.plan(predicate)
                value = {"@id": "_:" + obj.value}
            else:
                plan = self.plan(predicate)
                language = obj.language
                if language:
                    if plan.language_container:
                        node.setdefault(plan.key, {}).setdefault(language, []).append(obj.value)
                        continue
                    value = obj.value if plan.language == language else {"@value": obj.value, "@language": language}
                else:
                    datatype = obj.datatype.value
                    if datatype == _XSD_STRING:
                        value = obj.value if plan.plain else {"@value": obj.value}
                    elif datatype == plan.datatype:
                        value = obj.value
                    else:
                        value = {"@value": obj.value, "@type": self.compact_iri(datatype)}
            node.setdefault(plan.key, []).append(value)
        return {key: _single(value) for key, value in node.items()}


@dataclass(frozen=True, slots=True)
class _Plan:
    """How a predicate's values are written in compact JSON-LD (from its term definition in the context)."""

    key: str                    # the term, or the compacted IRI when the context has no term for it
    language_container: bool    # "@container": "@language": language-tagged strings grouped by language
    id_coerced: bool            # "@type": "@id": an IRI is written as a plain string
    datatype: str | None        # "@type": a datatype IRI: literals of that datatype are written as plain strings
    language: str | None        # "@language": strings in that language are written as plain strings
    plain: bool                 # a term without "@type" or "@language": plain strings are written as such


def _json_key(value) -> str:
    """A value's JSON text, the order of multi-valued entries (computed fast for plain strings)."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# what json.dumps(node, ensure_ascii=False, sort_keys=True) writes, without making an encoder for every node
_node_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _single(value):
    """Sort multi-valued entries for stable output; unwrap single values."""
    if isinstance(value, dict):
        return {k: _single(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        return sorted(value, key=_json_key)
    return value


def inline_context(context: dict) -> str:
    """The text of a context object as every JSON-LD document of the project carries it inline (keys sorted,
    indented one level below "@context"): the document reads offline, in any JSON-LD 1.0 or 1.1 processor."""
    return json.dumps(context, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n ")


def jsonld(graph: Statements, context: dict | Compactor, *, in_order: bool = False) -> bytes:
    """Compact JSON-LD: {"@context": {the context, inline}, "@graph": [nodes sorted by id, IRIs first]}.
    `context` is the context document, or a Compactor made from it (kept by a caller that writes often).
    `in_order`: the statements are in the writers' order already (`ordered`), which puts their subjects in that
    order, and are not sorted again."""
    triples = graph if in_order else sorted(graph, key=lambda t: (type(t.subject) is ox.BlankNode, t.subject.value))
    parts = JsonLdParts(context)
    return parts.head() + parts.part(triples) + parts.tail()


class JsonLdParts:
    """Compact JSON-LD written a part at a time (`head`, `part` for each chunk of statements whose subjects
    are whole and in order, `tail`): {"@context": {...}, "@graph": [...]} with the context inline and one node per
    line, keys sorted. The C JSON encoder writes each node (the indenting one is ten times slower and leaves
    reference cycles behind each call)."""

    def __init__(self, context: dict | Compactor):
        self.compactor = context if isinstance(context, Compactor) else Compactor(context)
        self.first = True

    def head(self) -> bytes:
        return b'{\n "@context": ' + self.compactor.context_text.encode() + b',\n "@graph": ['

    def part(self, triples: Sequence[ox.Triple]) -> bytes:
        by_subject: dict = {}
        for triple in triples:
            by_subject.setdefault(triple.subject, []).append((triple.predicate.value, triple.object))
        out = []
        for subject, pairs in by_subject.items():
            text = _node_json(self.compactor.node(subject, pairs))
            out.append((b"\n  " if self.first else b",\n  ") + text.encode("utf-8"))
            self.first = False
        return b"".join(out)

    def tail(self) -> bytes:
        return b"]\n}\n" if self.first else b"\n ]\n}\n"

    def standalone(self, triples: Sequence[ox.Triple]) -> bytes:
        """A part made as if it came first: what a worker can make without knowing the parts before it."""
        return JsonLdParts(self.compactor).part(triples)

    def separator(self, standalone: bytes) -> bytes:
        """What goes before a part made by `standalone`, written next: the separator its first node needs
        ("\n  {...}" -> ",\n  {...}" after another node)."""
        if not standalone:
            return b""
        before = b"" if self.first else b","
        self.first = False
        return before


def rdfxml(graph: Statements, prefixes: Mapping[str, str], first: str | None = None,
           in_order: bool = False) -> bytes:
    """RDF/XML, written by pyoxigraph from the statements in order (see `turtle` for `in_order`)."""
    return ox.serialize(graph if in_order else ordered(graph, first), format=ox.RdfFormat.RDF_XML,
                        prefixes=dict(prefixes))


def serialise(fmt: str, triples: Sequence[ox.Triple], prefixes: Mapping[str, str], compactor: Compactor,
              first: str | None = None, in_order: bool = False) -> bytes:
    """A description or an answer as `serve` and `site` hand it out, as "ttl", "nt", "jsonld" or "rdf": Turtle with
    only the prefixes it can use (see `plain_prefixes`) and `first`'s statements first, JSON-LD compacted with
    `compactor`'s context. `in_order`: the triples are in the writers' order already (`ordered`, `first`
    leading) and have no repeats."""
    if fmt == "ttl":
        return turtle(triples, prefixes=plain_prefixes(triples, prefixes), first=first, in_order=in_order)
    if fmt == "nt":
        return ntriples(triples)
    if fmt == "jsonld":
        return jsonld(triples, compactor, in_order=in_order and first is None)
    if fmt == "rdf":
        return rdfxml(triples, prefixes, first, in_order)
    raise ValueError(f"unknown RDF format {fmt!r}")
