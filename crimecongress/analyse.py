"""`crimecongress analyse`: the whole pipeline on a text that is not in the corpus.

parse (leniently) -> structure findings (the SHACL shapes, as `validate`) -> tag -> SDG targets -> which paragraphs
of the earlier Congress declarations each paragraph continues -> a summary of what the draft renews, adds and
leaves out of the Kyoto Declaration.

The corpus side (the declarations' units and tags) is computed once and cached on disk, keyed by a hash of
everything it depends on: the sources, the mappings and the code. Lineage here is BM25 over words, themes and
context only: loading the sentence-embedding model would take longer than the whole analysis (see `METHOD`).
"""
from __future__ import annotations

import hashlib
import pickle
import re
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from . import __version__
from .cachedir import default_cache_dir
from .corpus import SOURCES_DIR, load_corpus
from .errors import InvalidDocument
from .fileio import write_atomic
from .ids import DEFAULT_BASE, Minter, last_segment, slug_year
from .model import Corpus, Document, Unit, UnitKind
from .tagging.model import Method, Tag, TagKind, Tags

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS_DIR = ROOT / "mappings"
CODE_DIR = Path(__file__).resolve().parent
METHOD = "similarity (words, themes, context; BM25, no sentence embeddings)"
EXPLICIT = "explicit reference"
KYOTO = "kyoto-declaration-2021"
TEXT_KINDS = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM)
RELATIVE = Decimal("0.5")      # a predecessor below rank 1 must score at least this share of the best
# Without the embeddings' cosine, a paragraph on another subject still "stands out" against the many earlier
# paragraphs it shares nothing with. So a similarity link also needs: this share of the source's best attainable
# BM25 score; a source of at least MIN_WORDS content words ("The General Assembly," has 2); and a source that names a
# theme or an instrument in its own words (OWN_WORDS). Measured on the hand labels of tests/fixtures/lineage-labels
# (each later declaration analysed against the earlier ones) and on ten disarmament resolutions: see README.
MIN_SCORE = Decimal("0.05")
MIN_WORDS = 5
OWN_WORDS = (Method.MATCH, Method.ANAPHORA, Method.FOOTNOTE, Method.CURATION)

# Instruments that are declarations of the corpus: a draft that names one continues that declaration.
CITED_DECLARATIONS = {"naples-political-declaration": "naples-declaration-1994",
                      "vienna-declaration": "vienna-declaration-2000",
                      "doha-declaration": "doha-declaration-2015",
                      "kyoto-declaration": KYOTO}
_BANGKOK = re.compile(r"\bBangkok Declaration\b")     # no instrument entry of its own


# ------------------------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class TagFinding:
    kind: str                   # theme | instrument | actor
    slug: str
    label: str
    method: str                 # how it was found (match, chapeau, heading, ...)
    rule: str | None            # the cue
    confidence: Decimal
    exact: str                  # the words that triggered it ...
    prefix: str                 # ... with their context
    suffix: str
    source: str                 # IRI of the unit the words stand in


@dataclass(frozen=True)
class SdgFinding:
    code: str
    label: str
    method: str                 # mention | words and crosswalk | words
    rule: str
    confidence: Decimal
    exact: str


@dataclass(frozen=True)
class Predecessor:
    target: str                 # IRI of the earlier unit, or of the whole declaration for an explicit reference
    document: str               # its declaration's slug
    label: str                  # "Doha Declaration, para 5 (d)"
    method: str
    score: Decimal
    rank: int
    evidence: str               # the shared phrase, or the words of the reference


@dataclass(frozen=True)
class ParagraphAnalysis:
    iri: str
    kind: str
    label: str                  # "5 (a)", "preamble 3"
    text: str
    line: int
    themes: tuple[TagFinding, ...]
    instruments: tuple[TagFinding, ...]
    actors: tuple[TagFinding, ...]
    sdgs: tuple[SdgFinding, ...]
    continues: tuple[Predecessor, ...]

    @property
    def new(self) -> bool:
        return not self.continues


@dataclass(frozen=True)
class Renewed:
    document: str
    title: str
    pairs: tuple[tuple[str, str], ...]   # (earlier unit label, draft paragraph label)


@dataclass(frozen=True)
class LeftOut:
    heading: str
    units: tuple[tuple[str, str], ...]   # (Kyoto unit label, its text)


@dataclass(frozen=True)
class Finding:
    line: int | None
    severity: str
    rule: str
    label: str
    message: str


@dataclass(frozen=True)
class Analysis:
    file: str
    slug: str
    title: str
    base: str
    method: str
    findings: tuple[Finding, ...]
    conforms: bool
    paragraphs: tuple[ParagraphAnalysis, ...]
    renews: tuple[Renewed, ...]
    new_paragraphs: tuple[str, ...]
    new_themes: tuple[str, ...]
    new_instruments: tuple[str, ...]
    kyoto_left_out: tuple[LeftOut, ...]
    cache: str                  # "hit" | "miss" | "off"
    seconds: float
    documents: tuple[Document, ...] = ()     # the parsed draft, its tags and SDG links (for the RDF output)
    tags: Tags | None = None
    sdg_links: object = None                 # linking.sdg.SdgLinks


# ------------------------------------------------------------------------------------------------ corpus side
@dataclass(frozen=True)
class CorpusSide:
    """What analyse needs of the corpus: the dated declarations (oldest first) and their tags."""

    key: str
    declarations: tuple[Document, ...]
    tags: Tags
    titles: tuple[tuple[str, str], ...]   # (slug, short title)


def _digest_tree(digest, directory: Path, suffixes: tuple[str, ...] | None = None) -> None:
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or (suffixes and path.suffix not in suffixes):
            continue
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def corpus_key(sources_dir: Path, mappings_dir: Path, base: str) -> str:
    """A hash of everything the corpus side depends on: the sources, the mappings, the code and the base IRI."""
    digest = hashlib.sha256(f"{__version__}\0{base}\0".encode())
    for name, directory, suffixes in (("sources", sources_dir, None), ("mappings", mappings_dir, None),
                                      ("code", CODE_DIR, (".py",))):
        digest.update(name.encode() + b"\0")
        _digest_tree(digest, Path(directory), suffixes)
    return digest.hexdigest()


def _compute_side(key: str, sources_dir: Path, mappings_dir: Path, minter: Minter, vocabulary) -> CorpusSide:
    from .corpus.catalogue import load_catalogue
    from .corpus import CATALOGUE_FILE
    from .tagging import default_cues, default_curations, tag_corpus

    corpus = load_corpus(sources_dir, minter=minter)
    tags = tag_corpus(corpus, vocabulary, minter, cues=default_cues(vocabulary, mappings_dir),
                      curations=default_curations(mappings_dir))
    declarations = tuple(sorted((d for d in corpus.documents if d.kind == "declaration" and slug_year(d.slug)),
                                key=lambda d: slug_year(d.slug)))
    units = {u.iri for d in declarations for u in d.units}
    catalogue = load_catalogue(Path(sources_dir) / CATALOGUE_FILE)
    titles = tuple((d.slug, catalogue.facts(d.slug).short_title) for d in declarations)
    return CorpusSide(key, declarations, Tags(tuple(t for t in tags if t.unit in units)), titles)


def corpus_side(*, sources_dir: Path = SOURCES_DIR, mappings_dir: Path = MAPPINGS_DIR, minter: Minter,
                vocabulary, cache_dir: Path | None = None, use_cache: bool = True) -> tuple[CorpusSide, str]:
    """The corpus side, from the cache when one was made from the same sources, mappings and code;
    returns it and "hit", "miss" (computed and stored) or "off"."""
    if not use_cache:
        return _compute_side("", sources_dir, mappings_dir, minter, vocabulary), "off"
    key = corpus_key(Path(sources_dir), Path(mappings_dir), minter.base)
    path = Path(cache_dir or default_cache_dir()) / f"analyse-{key[:32]}.pickle"
    try:
        side = pickle.loads(path.read_bytes())
        if isinstance(side, CorpusSide) and side.key == key:
            return side, "hit"
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass                                # no cache yet, or one from other code: compute it anew
    side = _compute_side(key, sources_dir, mappings_dir, minter, vocabulary)
    try:
        write_atomic(path, pickle.dumps(side, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass                                # a read-only home: analyse still works, only slower
    return side, "miss"


# ------------------------------------------------------------------------------------------------ the draft
def _structure(parsed, minter: Minter) -> tuple[tuple[Finding, ...], bool]:
    """The structure findings `validate` gives for the same text."""
    from .corpus.catalogue import new_text_facts
    from .rdf.emit import document_graph
    from .drafts import new_text_documents
    from .validation import Finding as Found, as_data, validate_data

    documents, repeats = new_text_documents(parsed, minter)
    data = as_data([])
    data.graphs.extend(document_graph(document, new_text_facts(document), minter) for document in documents)
    report = validate_data(data, base=minter.base)
    found = sorted(report.findings + repeats, key=Found.sort_key)
    return tuple(Finding(f.line, f.severity, f.rule, f.label or f.focus, f.message) for f in found), \
        report.conforms and not any(f.severity == "Violation" for f in repeats)


def unit_label(unit: Unit, by_iri: dict[str, Unit]) -> str:
    """How a person cites a unit: "5", "5 (a)", "5 (a) (i)", "preamble 3", "heading I"."""
    if unit.kind is UnitKind.PREAMBLE:
        return f"preamble {unit.number or last_segment(unit.iri)}"
    if unit.kind in (UnitKind.SUBPARAGRAPH, UnitKind.ITEM):
        parent = by_iri.get(unit.parent)
        head = unit_label(parent, by_iri) if parent is not None else ""
        return f"{head} ({unit.number})".strip()
    return unit.number or f"#{unit.position}"


def _tag_finding(tag: Tag, labels: dict[tuple[str, str], str]) -> TagFinding:
    evidence = tag.evidence
    return TagFinding(tag.kind.value, tag.slug, labels.get((tag.kind.value, tag.slug), tag.slug), tag.method.value,
                      tag.rule, tag.confidence, evidence.exact if evidence else "", evidence.prefix if evidence else "",
                      evidence.suffix if evidence else "", evidence.source if evidence else "")


def _concept_labels(vocabulary) -> dict[tuple[str, str], str]:
    labels = {("theme", t.slug): t.label.en for t in vocabulary.themes}
    labels.update({("instrument", i.slug): i.title for i in vocabulary.instruments})
    labels.update({("actor", a.slug): a.name for a in vocabulary.actors})
    return labels


def predecessors(side: CorpusSide, documents: tuple[Document, ...], tags: Tags) -> dict[str, list[Predecessor]]:
    """Each draft text unit -> the earlier declaration units (or whole declarations) it continues."""
    from .linking.lineage import CONTINUES_PARAMS, _ContextIndex, _decimal, _stands_out, _text_units, concepts

    params = CONTINUES_PARAMS
    pool = [u for d in side.declarations for u in _text_units(d)]
    draft = [u for d in documents for u in _text_units(d)]
    by_iri = {u.iri: u for d in side.declarations + documents for u in d.units}
    found = concepts(side.tags, [u.iri for u in pool])
    found.update(concepts(tags, [u.iri for u in draft]))
    index = _ContextIndex(pool + draft, by_iri, found, params)
    targets = [u.iri for u in pool]
    owner = {u.iri: d.slug for d in side.declarations for u in d.units}
    titles = dict(side.titles)
    iri_of = {d.slug: d.iri for d in side.declarations}
    out: dict[str, list[Predecessor]] = {}
    for unit in draft:
        links: list[Predecessor] = []
        cited = {}
        for tag in tags.for_unit(unit.iri):
            slug = CITED_DECLARATIONS.get(tag.slug)
            if tag.kind is TagKind.INSTRUMENT and slug in iri_of and tag.method is Method.MATCH:
                cited.setdefault(slug, tag.evidence.exact if tag.evidence else tag.slug)
        match = _BANGKOK.search(unit.text)
        if match and "bangkok-declaration-2005" in iri_of:
            cited.setdefault("bangkok-declaration-2005", match.group(0))
        for rank, (slug, words) in enumerate(sorted(cited.items(), key=lambda kv: slug_year(kv[0])), start=1):
            links.append(Predecessor(iri_of[slug], slug, titles[slug], EXPLICIT, Decimal("1.000"), rank, words))
        scores = index.scores(unit.iri, targets)
        subject = any(t.kind is not TagKind.ACTOR and t.method in OWN_WORDS for t in tags.for_unit(unit.iri))
        if subject and len(index.words[unit.iri].content) >= MIN_WORDS and \
                _stands_out(scores, params.k, params.min_z):
            best = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[: params.k]
            top = _decimal(best[0][1])
            rank = 0
            for target, value in best:
                score = _decimal(value)
                if score < max(params.threshold, MIN_SCORE) or score < top * RELATIVE:
                    break
                rank += 1
                slug = owner[target]
                links.append(Predecessor(target, slug, f"{titles[slug]}, {unit_label(by_iri[target], by_iri)}",
                                         METHOD, score, rank, index.shared_phrase(unit.iri, target, unit.text)))
        out[unit.iri] = links
    return out


def _sdg_label(catalogue, code: str) -> str:
    return catalogue.target(code).text if "." in code else catalogue.goal(code).title


def analyse(path: str | Path, *, title: str | None = None, slug: str | None = None, base: str = DEFAULT_BASE,
            sources_dir: Path = SOURCES_DIR, mappings_dir: Path = MAPPINGS_DIR, cache_dir: Path | None = None,
            use_cache: bool = True) -> Analysis:
    """Analyse one draft (a .txt, .md or .pdf that is not in the catalogue) against the corpus."""
    from .linking.sdg import link_sdgs, load_catalogue, load_crosswalk, load_words
    from .tagging import default_cues, default_curations, tag_corpus
    from .drafts import read_draft
    from .vocab import load_vocabulary

    start = time.perf_counter()
    path = Path(path)
    minter = Minter(base)
    parsed = read_draft(path, minter=minter, title=title, slug=slug)
    findings, conforms = _structure(parsed, minter)
    vocabulary = load_vocabulary(mappings_dir)
    side, cache = corpus_side(sources_dir=sources_dir, mappings_dir=mappings_dir, minter=minter,
                              vocabulary=vocabulary, cache_dir=cache_dir, use_cache=use_cache)
    taken = {d.slug for d in side.declarations}
    for document in parsed.documents:
        if document.slug in taken:
            raise InvalidDocument(f"the slug {document.slug!r} is a declaration of the corpus", file=str(path),
                                     hint="give the draft another --slug")
    documents = parsed.documents
    draft = Corpus(documents=documents, sources=(parsed,))
    tags = tag_corpus(draft, vocabulary, minter, cues=default_cues(vocabulary, mappings_dir),
                      curations=default_curations(mappings_dir))
    catalogue = load_catalogue(mappings_dir)
    crosswalk = load_crosswalk(mappings_dir, catalogue, themes=[t.slug for t in vocabulary.themes],
                               instruments=[i.slug for i in vocabulary.instruments])
    sdg_links = link_sdgs(draft, tags, catalogue, crosswalk, minter, load_words(mappings_dir, catalogue, crosswalk))
    continued = predecessors(side, documents, tags)
    labels = _concept_labels(vocabulary)
    by_iri = {u.iri: u for d in documents for u in d.units}
    paragraphs = []
    for index, document in enumerate(documents):
        prefix = "" if index == 0 else "annex "     # an annexed declaration numbers its paragraphs anew
        for unit in document.units:
            if unit.kind not in TEXT_KINDS or not unit.text.strip():
                continue
            own = tags.for_unit(unit.iri)
            pick = lambda kind: tuple(_tag_finding(t, labels) for t in own if t.kind is kind)  # noqa: E731
            sdgs = tuple(SdgFinding(link.code, _sdg_label(catalogue, link.code), link.method, link.rule,
                                    link.confidence, link.evidence.exact) for link in sdg_links.for_unit(unit.iri))
            paragraphs.append(ParagraphAnalysis(unit.iri, unit.kind.value, prefix + unit_label(unit, by_iri),
                                                unit.text,
                                                unit.source.first, pick(TagKind.THEME), pick(TagKind.INSTRUMENT),
                                                pick(TagKind.ACTOR), sdgs, tuple(continued.get(unit.iri, ()))))
    result = _summarised(path, parsed, side, tags, labels, tuple(paragraphs), findings, conforms, base, cache,
                         time.perf_counter() - start)
    return replace(result, documents=documents, tags=tags, sdg_links=sdg_links)


def _summarised(path, parsed, side: CorpusSide, tags: Tags, labels, paragraphs, findings, conforms, base, cache,
                seconds) -> Analysis:
    corpus_units = {u.iri: u for d in side.declarations for u in d.units}
    titles = dict(side.titles)
    renewed: dict[str, list[tuple[str, str]]] = {}
    continued: set[str] = set()
    for paragraph in paragraphs:
        for link in paragraph.continues:
            continued.add(link.target)
            target = corpus_units.get(link.target)
            earlier = unit_label(target, corpus_units) if target is not None else "the whole declaration"
            renewed.setdefault(link.document, []).append((earlier, paragraph.label))
    renews = tuple(Renewed(d.slug, titles[d.slug], tuple(renewed[d.slug])) for d in side.declarations
                   if d.slug in renewed)
    earlier = {(t.kind.value, t.slug) for t in side.tags if t.method is not Method.BROADER}
    mine = {(t.kind.value, t.slug) for t in tags if t.method is not Method.BROADER}
    new = sorted(mine - earlier)
    kyoto = next((d for d in side.declarations if d.slug == KYOTO), None)
    left: dict[str, list[tuple[str, str]]] = {}
    if kyoto is not None:
        for unit in kyoto.units:
            if unit.kind not in TEXT_KINDS or not unit.text.strip():
                continue
            # a chapeau whose subparagraph is continued (or the reverse) is not left out
            family = {unit.iri, unit.parent} | {u.iri for u in kyoto.units if u.parent == unit.iri}
            if family & continued:
                continue
            heading = corpus_units.get(unit.heading) if unit.heading else None
            name = f"{heading.number}. {heading.text}" if heading is not None and heading.number else \
                (heading.text if heading is not None else "(before the first heading)")
            left.setdefault(name, []).append((unit_label(unit, corpus_units), unit.text))
    main = parsed.documents[0]
    return Analysis(file=str(path), slug=main.slug, title=main.title, base=base, method=METHOD, findings=findings,
                    conforms=conforms, paragraphs=paragraphs, renews=renews,
                    new_paragraphs=tuple(p.label for p in paragraphs if p.new),
                    new_themes=tuple(labels.get(k, k[1]) for k in new if k[0] == "theme"),
                    new_instruments=tuple(labels.get(k, k[1]) for k in new if k[0] == "instrument"),
                    kyoto_left_out=tuple(LeftOut(h, tuple(u)) for h, u in left.items()), cache=cache,
                    seconds=seconds)


# ------------------------------------------------------------------------------------------------ formats
def _words(finding: TagFinding) -> str:
    return f"{finding.slug} [{finding.method}: \"{finding.exact}\"]"


def _short(method: str) -> str:
    """A link's method in a report whose head names the similarity method in full."""
    return "similarity" if method == METHOD else method


def format_text(analysis: Analysis) -> str:
    """The report for the terminal: structure, then each paragraph, then the summary."""
    out = [f"{analysis.file}: {analysis.title} ({analysis.slug})",
           f"structure: {'conforms' if analysis.conforms else 'does not conform'} "
           f"({len(analysis.findings)} finding(s))"]
    out += [f"  {analysis.file}:{f.line}: {f.severity} [{f.rule}] {f.label}: {f.message}" for f in analysis.findings]
    out.append(f"lineage method: {analysis.method}")
    for p in analysis.paragraphs:
        out.append("")
        out.append(f"{p.label} (line {p.line}): {p.text[:100]}{'…' if len(p.text) > 100 else ''}")
        for name, found in (("themes", p.themes), ("instruments", p.instruments), ("actors", p.actors)):
            if found:
                out.append(f"  {name}: " + "; ".join(_words(f) for f in found))
        if p.sdgs:
            out.append("  SDG targets: " + "; ".join(f"{s.code} [{s.method}: \"{s.exact}\"]" for s in p.sdgs))
        if p.continues:
            out.append("  continues: " + "; ".join(
                f"{c.label} ({_short(c.method)}, {c.score}: \"{c.evidence}\")" for c in p.continues))
        else:
            out.append("  continues: new (no earlier declaration says the same)")
    out += ["", "summary", "  renews:"]
    for renewed in analysis.renews:
        pairs = ", ".join(f"{earlier} (in {mine})" for earlier, mine in renewed.pairs)
        out.append(f"    {renewed.title}: {pairs}")
    out.append(f"  adds: {len(analysis.new_paragraphs)} paragraph(s) with no predecessor: "
               f"{', '.join(analysis.new_paragraphs) or '-'}")
    out.append(f"  themes no earlier declaration has: {', '.join(analysis.new_themes) or '-'}")
    out.append(f"  instruments no earlier declaration cites: {', '.join(analysis.new_instruments) or '-'}")
    left = sum(len(group.units) for group in analysis.kyoto_left_out)
    out.append(f"  leaves out of the Kyoto Declaration: {left} unit(s)")
    for group in analysis.kyoto_left_out:
        out.append(f"    {group.heading}: {', '.join(label for label, _ in group.units)}")
    return "\n".join(out) + "\n"


def _plain(value):
    """A result as JSON-ready data: dataclasses as objects, decimals as strings."""
    from dataclasses import fields, is_dataclass
    if is_dataclass(value):
        data = {f.name: _plain(getattr(value, f.name)) for f in fields(value)
                if f.name not in ("documents", "tags", "sdg_links")}
        if isinstance(value, ParagraphAnalysis):
            data["new"] = value.new
        return data
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def format_json(analysis: Analysis) -> str:
    import json
    data = _plain(analysis)
    del data["seconds"], data["cache"]          # the same input gives the same output
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def format_turtle(analysis: Analysis) -> str:
    """The draft as the build publishes a document: its units, tags (Web Annotations), SDG links and its
    `continues` links as qualified uncc:Alignment nodes."""
    from .corpus.catalogue import new_text_facts
    from .export import turtle
    from .linking.lineage import CONTINUES, Alignment, lineage_graph
    from .linking.sdg import sdg_links_graph
    from .rdf.emit import document_graph
    from .rdf.tags import tags_graph
    from .rdf.triples import unique

    minter = Minter(analysis.base)
    parts = [document_graph(document, new_text_facts(document), minter) for document in analysis.documents]
    if analysis.tags is not None:
        parts.append(tags_graph(analysis.tags, minter))
    if analysis.sdg_links is not None:
        parts.append(sdg_links_graph(analysis.sdg_links, minter))
    links = [Alignment(p.iri, c.target, CONTINUES, c.method, c.score, c.rank, c.evidence)
             for p in analysis.paragraphs for c in p.continues]
    parts.append(lineage_graph(links, minter))
    return turtle(unique(*parts), minter.base).decode("utf-8")


def format_html(analysis: Analysis) -> str:
    """One self-contained page (the site's stylesheet inline, no script, no external resource); every text
    from the draft is escaped."""
    from html import escape
    from .serve.assets import CSS

    def chips(found) -> str:
        return " ".join(f'<span class="chip" title="{escape(f.method)}: {escape(f.prefix + f.exact + f.suffix)}">'
                        f'{escape(f.label)}</span> <q>{escape(f.exact)}</q>' for f in found)

    parts = [f"<h1>{escape(analysis.title)}</h1>",
             f'<p class="meta">{escape(analysis.file)} · {escape(analysis.slug)} · '
             f'lineage: {escape(analysis.method)}</p>',
             "<h2>Summary</h2>", "<h3>What it renews</h3><ul>"]
    for renewed in analysis.renews:
        pairs = ", ".join(f"{escape(earlier)} (in {escape(mine)})" for earlier, mine in renewed.pairs)
        parts.append(f"<li><b>{escape(renewed.title)}</b>: {pairs}</li>")
    parts.append("</ul><h3>What it adds</h3><ul>")
    parts.append(f"<li>{len(analysis.new_paragraphs)} paragraph(s) with no predecessor: "
                 f"{escape(', '.join(analysis.new_paragraphs) or '-')}</li>")
    parts.append(f"<li>Themes no earlier declaration has: {escape(', '.join(analysis.new_themes) or '-')}</li>")
    parts.append(f"<li>Instruments no earlier declaration cites: "
                 f"{escape(', '.join(analysis.new_instruments) or '-')}</li></ul>")
    parts.append("<h3>What of the Kyoto Declaration it leaves out</h3><ul>")
    for group in analysis.kyoto_left_out:
        units = ", ".join(f'<span title="{escape(text)}">{escape(label)}</span>' for label, text in group.units)
        parts.append(f"<li><b>{escape(group.heading)}</b>: {units}</li>")
    parts.append("</ul>")
    verdict = "conforms" if analysis.conforms else "does not conform"
    parts.append(f"<h2>Structure: {verdict}</h2><ul>")
    parts += [f"<li>line {f.line}: {escape(f.severity)} [{escape(f.rule)}] {escape(f.label)}: {escape(f.message)}</li>"
              for f in analysis.findings]
    parts.append("</ul><h2>Paragraphs</h2>")
    for p in analysis.paragraphs:
        parts.append(f'<section class="unit"><h3>{escape(p.label)} <span class="small">line {p.line}</span></h3>'
                     f'<p class="text">{escape(p.text)}</p><dl class="meta">')
        for name, found in (("Themes", p.themes), ("Instruments", p.instruments), ("Actors", p.actors)):
            if found:
                parts.append(f"<dt>{name}</dt><dd>{chips(found)}</dd>")
        if p.sdgs:
            sdgs = " ".join(f'<span class="chip" title="{escape(s.label)}">{escape(s.code)}</span> '
                            f'<q>{escape(s.exact)}</q>' for s in p.sdgs)
            parts.append(f"<dt>SDG targets</dt><dd>{sdgs}</dd>")
        continues = "; ".join(f"{escape(c.label)} ({escape(_short(c.method))}, {c.score}: <q>{escape(c.evidence)}</q>)"
                              for c in p.continues) or "new: no earlier declaration says the same"
        parts.append(f"<dt>Continues</dt><dd>{continues}</dd></dl></section>")
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Analysis: {escape(analysis.title)}</title><style>{CSS}</style></head>"
            f'<body><main class="wide">\n{body}\n</main></body></html>\n')


FORMATS = {"text": format_text, "json": format_json, "turtle": format_turtle, "html": format_html}
