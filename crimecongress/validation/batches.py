"""Validating a dataset a batch of documents at a time: memory follows the largest batch, not the dataset.

Every statement belongs to the document its subject lies in (`Minter.document_of`: `{base}doc/{slug}` and
everything minted below it); statements about anything else -- the ontology, the taxonomy, the authority lists,
the SDG catalogue, the sources -- are shared, and loaded with every batch. What a check on one node reads of other
nodes decides which documents must be validated together (`Reads`, from the compiled checks):

- a link a check follows -- a predicate named by a SPARQL constraint, a sh:node or logical constraint, a path of
  more than one step, or a target -- or that the locator follows to place a finding (locate.py) joins its two
  documents: they are validated in one batch;
- a link a sh:class constraint checks needs only its value's types: the rdf:type statements of a value in
  another batch are loaded beside this one;
- a link whose values alone are checked (counts, patterns, node kinds, datatypes, comparisons) or that no check
  reads (the lineage links, say) needs nothing of the other document.

So each check on a node of a batch sees what it would see in the whole dataset, and the findings kept from a
batch are those on its own documents' nodes, with those on shared nodes (the same in every batch: the shapes on
shared nodes read shared statements only) kept once. The report is the whole dataset's; tests/test_validate.py
compares the two on the real dataset and on faults planted across documents. The documents joined into one group
are packed, in the data's order, into batches of up to `budget` statements; a group larger than that is one
batch. A dataset holding blank nodes (which lie in no document) is validated whole.
"""
from __future__ import annotations

import re
import threading
import zlib
from dataclasses import dataclass, field
from typing import Iterable

from ..ids import Minter
from ..shacl_sparql import Check
from ..workers import in_workers, jobs_for, until
from .engines import validate_data
from .fast import compiled_checks
from .loading import Data
from .locate import read_predicates
from .report import Finding, Report
from .shapes import prefixes, shapes_texts

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
BUDGET = 250_000         # statements per batch: an in-memory Store holds some 450 bytes per statement
# constraints that read only the focus node's own values of a one-step path, never the values' statements
VALUES_ONLY = frozenset(SH + name + "ConstraintComponent" for name in (
    "MinCount", "MaxCount", "Pattern", "NodeKind", "Datatype", "MinLength", "MaxLength", "LanguageIn",
    "UniqueLang", "In", "HasValue", "MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive", "Equals",
    "Disjoint", "LessThan", "LessThanOrEquals"))
CLASS = SH + "ClassConstraintComponent"
_IRI = re.compile(r"<([^<>\s]+)>")
_BLOCK = 1 << 20         # a document's lines are kept zlib-compressed in blocks of this many bytes


@dataclass(frozen=True)
class Reads:
    """What the checks read across a link, by the link's predicate IRI."""

    followed: frozenset[str]      # the value's own statements: its document is validated with the link's
    typed: frozenset[str]         # the value's rdf:type only


def reads(checks: Iterable[Check], minter: Minter) -> Reads:
    """What the checks -- and the locator, which places each finding -- read across each kind of link."""
    followed: set[str] = set(read_predicates(minter).values())
    typed: set[str] = set()
    for check in checks:
        followed.update(_IRI.findall(check.target))
        if check.predicate and check.component in VALUES_ONLY:
            continue
        if check.predicate and check.component == CLASS:
            typed.add(check.predicate)
            continue
        followed.update(_IRI.findall(check.query))
    return Reads(frozenset(followed), frozenset(typed - followed))


@dataclass
class _Lines:
    """One document's N-Triples lines, compressed a block at a time as they come."""

    blocks: list[bytes] = field(default_factory=list)
    open: bytearray = field(default_factory=bytearray)
    count: int = 0

    def add(self, line: bytes) -> None:
        self.open += line
        self.open += b"\n"
        self.count += 1
        if len(self.open) >= _BLOCK:
            self.blocks.append(zlib.compress(self.open, 1))
            self.open = bytearray()

    def close(self) -> None:
        if self.open:
            self.blocks.append(zlib.compress(self.open, 1))
            self.open = bytearray()

    def data(self) -> bytes:
        return b"".join([zlib.decompress(block) for block in self.blocks] + [bytes(self.open)])


class _Groups:
    """Union-find over document slugs."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, slug: str) -> str:
        root = self.parent.setdefault(slug, slug)
        while root != self.parent[root]:
            root = self.parent[root]
        while slug != root:
            self.parent[slug], slug = root, self.parent[slug]
        return root

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


@dataclass
class _Split:
    """The dataset split by document, with what links the documents (filled by `split`)."""

    shared: bytearray = field(default_factory=bytearray)
    documents: dict[str, _Lines] = field(default_factory=dict)     # in the data's order
    groups: _Groups = field(default_factory=_Groups)
    typed_links: set[tuple[str, bytes]] = field(default_factory=set)  # (document, value in another one)
    statements: int = 0
    blank_nodes: bool = False


def split(chunks: Iterable[bytes], minter: Minter, reads_: Reads) -> _Split:
    """One pass over the dataset's N-Triples (chunks of whole lines)."""
    owner = re.compile(rb"<" + re.escape(minter.documents_prefix.encode()) + rb"([^/#>]+)")
    followed = {f"<{iri}>".encode() for iri in reads_.followed}
    typed = {f"<{iri}>".encode() for iri in reads_.typed}
    out = _Split()
    last: _Lines | None = None
    for chunk in chunks:
        for line in chunk.split(b"\n"):
            if not line.strip():
                continue
            out.statements += 1
            subject, predicate, rest = line.split(b" ", 2)
            if subject.startswith(b"_:") or rest.startswith(b"_:"):
                out.blank_nodes = True
            found = owner.match(subject)
            if found is None:
                out.shared += line
                out.shared += b"\n"
                continue
            slug = found.group(1).decode()
            lines = out.documents.get(slug)
            if lines is None:
                lines = out.documents[slug] = _Lines()
                out.groups.find(slug)
            if lines is not last and last is not None:
                last.close()        # sorted lines keep a document's statements together: its tail is done
            last = lines
            lines.add(line)
            if predicate in followed or predicate in typed:
                other = owner.match(rest)
                if other is not None and other.group(1) != found.group(1):
                    if predicate in followed:
                        linked = other.group(1).decode()
                        out.documents.setdefault(linked, _Lines())   # (it may state nothing itself)
                        out.groups.join(slug, linked)
                    else:
                        out.typed_links.add((slug, rest[:rest.index(b">") + 1]))
    for lines in out.documents.values():
        lines.close()
    return out


def _batches(parts: _Split, budget: int) -> list[list[str]]:
    """The documents of each batch: whole groups, in the data's order, up to `budget` statements a batch."""
    groups: dict[str, list[str]] = {}
    for slug in parts.documents:
        groups.setdefault(parts.groups.find(slug), []).append(slug)
    batches: list[list[str]] = []
    size = budget
    for members in groups.values():
        count = sum(parts.documents[slug].count for slug in members)
        if size + count > budget:
            batches.append([])
            size = 0
        batches[-1].extend(members)
        size += count
    return batches


def _types(parts: _Split, batch: set[str], minter: Minter) -> bytes:
    """The rdf:type statements of the values that the batch's class-checked links reach in other batches."""
    wanted: dict[str, set[bytes]] = {}
    for slug, value in parts.typed_links:
        home = minter.document_of(value[1:-1].decode())
        if slug in batch and home not in batch and home in parts.documents:
            wanted.setdefault(home, set()).add(value)
    lines = []
    for home, values in wanted.items():
        for line in parts.documents[home].data().split(b"\n")[:-1]:
            subject, predicate, _ = line.split(b" ", 2)
            if predicate == RDF_TYPE and subject in values:
                lines.append(line + b"\n")
    return b"".join(lines)


def validate_in_batches(chunks: Iterable[bytes], minter: Minter, *, budget: int = BUDGET,
                        at_most: int | None = None, jobs: int | None = None,
                        stop: threading.Event | None = None) -> Report:
    """The fast engine's report on a dataset given as N-Triples chunks (whole lines), a batch of documents at a
    time (see the module's docstring); the same report as `validate_data` on the whole. `at_most`: a bound on
    the number of statements, when known; a dataset within the budget is validated whole, without the split.
    `jobs`: how many batches are validated at once, each in a worker process (default: one per core). Once
    `stop` is set (its caller failed), workers.Stopped is raised at the next chunk or batch."""
    chunks = until(stop, chunks)
    if at_most is not None and at_most <= budget:
        return validate_data(Data(ntriples=[("the built dataset", b"".join(chunks))]), base=minter.base)
    names = prefixes(minter.base)
    checks = compiled_checks(shapes_texts(minter.base), tuple(sorted(names.items())))
    parts = split(chunks, minter, reads(checks, minter))
    if parts.blank_nodes or not parts.documents:
        whole = bytes(parts.shared) + b"".join(lines.data() for lines in parts.documents.values())
        return validate_data(Data(ntriples=[("the built dataset", whole)]), base=minter.base)
    batches = _batches(parts, budget)
    known = frozenset(parts.documents)
    shared = bytes(parts.shared)
    tasks = ((shared, _types(parts, set(batch), minter), [b for slug in batch for b in parts.documents[slug].blocks],
              minter.base, frozenset(batch), known) for batch in batches)
    found = [f for batch in until(stop, in_workers(batch_findings, tasks, jobs_for(len(batches), jobs)))
             for f in batch]
    return Report(tuple(sorted(set(found), key=Finding.sort_key)), base=minter.base, triples=parts.statements)


def batch_findings(shared: bytes, types: bytes, blocks: list[bytes], base: str, own: frozenset[str],
                   known: frozenset[str]) -> list[Finding]:
    """The findings of one batch that are its own: on its documents' nodes, and on nodes of no document (or of
    one that states nothing and that nothing followed reaches), which every batch checks the same way."""
    minter = Minter(base)
    data = b"".join([shared, types] + [zlib.decompress(block) for block in blocks])
    report = validate_data(Data(ntriples=[("the built dataset", data)]), base=base)
    return [f for f in report.findings
            if minter.document_of(f.focus) in own or minter.document_of(f.focus) not in known]

