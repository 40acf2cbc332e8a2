"""`crimecongress analyse`: the whole pipeline on texts that are not in the corpus.

Real texts from ../shared/un-texts (General Assembly resolutions of 2025, mostly on disarmament: negative controls
for crime tagging), and a trafficking resolution written here in the UN layout.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from crimecongress.analyse import (CITED_DECLARATIONS, EXPLICIT, METHOD, analyse, corpus_key, corpus_side,
                                   format_html, format_json, format_text, format_turtle)
from crimecongress.ids import DEFAULT
from crimecongress.vocab import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
CLEAN = Path(__file__).resolve().parents[2] / "shared" / "un-texts" / "ga-res-80"
SMALL_ARMS = CLEAN / "A_RES_80_36.md"          # Assistance to States for curbing the illicit traffic in SALW
ARMS_TRADE = CLEAN / "A_RES_80_46.md"          # The Arms Trade Treaty: names target 16.4 in its text
GENERAL = {"charter-of-the-united-nations", "agenda-2030"}   # instruments any resolution may cite

TRAFFICKING = """\
United Nations                                                    A/RES/80/990

General Assembly                                     Distr.: General
                                                     15 December 2025

Eightieth session
Agenda item 107

Resolution adopted by the General Assembly on 15 December 2025

80/990. Trafficking in persons, especially women and children

The General Assembly,

Recalling the United Nations Convention against Transnational Organized Crime and the Protocol to Prevent, \
Suppress and Punish Trafficking in Persons, Especially Women and Children, supplementing the Convention,

Deeply concerned that trafficking in persons, including for the purposes of forced labour and sexual \
exploitation, affects children and women in every region, <script>alert("x")</script> & more,

1. Urges Member States that have not yet done so to ratify or accede to the Organized Crime Convention and the \
Trafficking in Persons Protocol, and to implement them fully;

2. Calls upon States to end forced labour, modern slavery and human trafficking, and to end the abuse, \
exploitation, trafficking and all forms of violence against and torture of children;

3. Requests the United Nations Office on Drugs and Crime to continue to provide technical assistance to States \
to identify and protect the victims of trafficking in persons;

4. Decides to remain seized of the matter.

50th plenary meeting
15 December 2025
"""

NOT_OURS = """\
# Follow-up to the International Conference on Financing for Development

1. Reaffirms the Doha Declaration on Financing for Development, adopted at the Follow-up International \
Conference on Financing for Development to Review the Implementation of the Monterrey Consensus;

2. Recalls the Monterrey Consensus and the Doha Declaration, which set out the financing for development agenda;

3. Invites the Conference of the Parties to the Convention on Biological Diversity to consider the matter;

4. Welcomes the decisions of the Convention on Biological Diversity, and invites the Conference of the \
Parties to the Convention at its seventeenth meeting to take them into account.
"""

OURS = """\
# Declaration on crime prevention

1. Recalls the Doha Declaration on Integrating Crime Prevention and Criminal Justice into the Wider United \
Nations Agenda, and the Doha Declaration as a whole;

2. Invites the Conference of the Parties to the United Nations Convention against Transnational Organized Crime \
to review its implementation, and the Conference of the Parties to the Convention to report.
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def trafficking(tmp_path_factory, cache):
    path = tmp_path_factory.mktemp("draft") / "trafficking.txt"
    path.write_text(TRAFFICKING, encoding="utf-8")
    return analyse(path, cache_dir=cache)


def slugs(analysis, kind: str) -> set[str]:
    return {t.slug for p in analysis.paragraphs for t in getattr(p, kind)}


def paragraph(analysis, label: str):
    return next(p for p in analysis.paragraphs if p.label == label)


def test_the_small_arms_resolution_serves_target_16_4(cache):
    analysis = analyse(SMALL_ARMS, cache_dir=cache)
    assert "programme-of-action-small-arms" in slugs(analysis, "instruments")
    assert "firearms" in slugs(analysis, "themes")
    linked = [s for p in analysis.paragraphs for s in p.sdgs if s.code == "16.4"]
    assert len(linked) >= 10 and all(s.method in ("words and crosswalk", "words") for s in linked)
    # the Arms Trade Treaty resolution names the target itself: a mention, with its words
    named = [s for p in analyse(ARMS_TRADE, cache_dir=cache).paragraphs for s in p.sdgs
             if s.code == "16.4" and s.method == "mention"]
    assert named and named[0].exact == "target 16.4"
    assert named[0].label.startswith("By 2030, significantly reduce illicit")


@pytest.mark.parametrize("n", [14, 17, 24, 45, 54])
def test_a_disarmament_resolution_cites_no_crime_instrument(n, cache):
    analysis = analyse(CLEAN / f"A_RES_80_{n}.md", cache_dir=cache)
    assert slugs(analysis, "instruments") <= GENERAL
    assert "conference-of-the-parties-untoc" not in slugs(analysis, "actors")    # the NPT's Review Conferences
    assert "firearms" not in slugs(analysis, "themes")      # nuclear, chemical, "these" weapons are not firearms


def test_the_doha_political_declaration_of_2025_is_not_the_doha_declaration(cache):
    analysis = analyse(CLEAN / "A_RES_80_5.md", cache_dir=cache)
    assert "doha-declaration" not in slugs(analysis, "instruments")
    assert not [c for p in analysis.paragraphs for c in p.continues if c.method == EXPLICIT]


def test_other_doha_declarations_and_conferences_of_the_parties_are_not_ours(tmp_path, cache):
    path = tmp_path / "ffd.md"
    path.write_text(NOT_OURS, encoding="utf-8")
    analysis = analyse(path, cache_dir=cache)
    assert "doha-declaration" not in slugs(analysis, "instruments")
    assert "conference-of-the-parties-untoc" not in slugs(analysis, "actors")
    assert "convention-on-biological-diversity" in slugs(analysis, "instruments")
    assert not [c for p in analysis.paragraphs for c in p.continues if c.method == EXPLICIT]
    # the same words in their own context still count
    path = tmp_path / "ours.md"
    path.write_text(OURS, encoding="utf-8")
    analysis = analyse(path, cache_dir=cache)
    first, second = paragraph(analysis, "1"), paragraph(analysis, "2")
    assert "doha-declaration" in {t.slug for t in first.instruments}
    assert [(c.document, c.method) for c in first.continues if c.method == EXPLICIT] == \
        [("doha-declaration-2015", EXPLICIT)]
    cop = [t for t in second.actors if t.slug == "conference-of-the-parties-untoc"]
    assert cop and "doha-declaration-2015" in CITED_DECLARATIONS.values()


def test_a_trafficking_resolution(trafficking):
    assert trafficking.slug == "a-res-80-990" and not trafficking.conforms
    # the structure findings are validate's: here the markup pasted into the second preambular paragraph
    assert [(f.rule, f.line) for f in trafficking.findings] == [("MarkupHtmlTag", 17)]
    assert "trafficking-in-persons" in slugs(trafficking, "themes")
    assert {"untoc", "trafficking-in-persons-protocol"} <= slugs(trafficking, "instruments")
    first = paragraph(trafficking, "1")
    assert {t.slug: t.exact for t in first.instruments} == {
        "untoc": "Organized Crime Convention", "trafficking-in-persons-protocol": "Trafficking in Persons Protocol"}
    codes = {s.code for p in trafficking.paragraphs for s in p.sdgs}
    assert {"8.7", "16.2"} <= codes
    assert "unodc" in {t.slug for t in paragraph(trafficking, "3").actors}
    # it continues what Doha and Kyoto said on trafficking; the closing formula continues nothing
    assert "doha-declaration-2015" in {c.document for p in trafficking.paragraphs for c in p.continues}
    assert paragraph(trafficking, "4").new and "4" in trafficking.new_paragraphs
    assert trafficking.method == METHOD and "no sentence embeddings" in METHOD
    renewed = {r.document for r in trafficking.renews}
    assert "doha-declaration-2015" in renewed
    left = [label for group in trafficking.kyoto_left_out for label, _ in group.units]
    continued = {c.label.split(", ", 1)[1] for p in trafficking.paragraphs for c in p.continues
                 if c.document == "kyoto-declaration-2021"}
    assert continued and not continued & set(left)      # what it continues of Kyoto is not left out ...
    assert len(left) > 90 and len(left) == len(set(left))   # ... and the rest of Kyoto is, each unit once


def test_the_four_formats(trafficking):
    data = json.loads(format_json(trafficking))
    assert data["slug"] == "a-res-80-990" and data["method"] == METHOD
    first = next(p for p in data["paragraphs"] if p["label"] == "1")
    assert {"untoc", "trafficking-in-persons-protocol"} <= {t["slug"] for t in first["instruments"]}
    assert all(isinstance(c["score"], str) for p in data["paragraphs"] for c in p["continues"])

    triples = list(ox.parse(format_turtle(trafficking).encode(), format=ox.RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert DEFAULT.document("a-res-80-990") in subjects
    predicates = {t.predicate.value for t in triples}
    assert any(p.endswith("continues") for p in predicates) and any(p.endswith("hasBody") for p in predicates)

    html = format_html(trafficking)
    assert html.startswith("<!DOCTYPE html>") and html.count("<script") == 0
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html) and "<link" not in html
    assert "Trafficking in Persons Protocol" in html

    text = format_text(trafficking)
    assert "continues: new" in text and "leaves out of the Kyoto Declaration" in text


def test_the_command_writes_each_format_atomically(tmp_path, cache):
    draft = tmp_path / "trafficking.txt"
    draft.write_text(TRAFFICKING, encoding="utf-8")
    env = {"CRIMECONGRESS_CACHE": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for fmt in ("text", "json", "turtle", "html"):
        out = tmp_path / f"report.{fmt}"
        result = subprocess.run([sys.executable, "-m", "crimecongress", "analyse", str(draft), "--format", fmt,
                                 "--out", str(out)], capture_output=True, text=True, timeout=300, env=env)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000 and not [p for p in tmp_path.iterdir() if p.name.startswith(".report")]
    missing = subprocess.run([sys.executable, "-m", "crimecongress", "analyse", str(tmp_path / "none.txt")],
                             capture_output=True, text=True, timeout=300, env=env)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


# --- the corpus side's cache ----------------------------------------------------------------------------------
def test_the_cache_serves_the_same_result_and_a_changed_cue_or_source_is_never_stale(tmp_path):
    sources, mappings, cache = tmp_path / "sources", tmp_path / "mappings", tmp_path / "cache"
    shutil.copytree(ROOT / "sources", sources)
    shutil.copytree(ROOT / "mappings", mappings)
    vocabulary = load_vocabulary(mappings)

    def side():
        return corpus_side(sources_dir=sources, mappings_dir=mappings, minter=DEFAULT, vocabulary=vocabulary,
                           cache_dir=cache)

    first, state = side()
    assert state == "miss"
    again, state = side()
    assert state == "hit" and again == first

    # a cue: "Palermo Convention" is one of UNTOC's names; without it, fewer corpus paragraphs cite UNTOC
    cues = mappings / "cues" / "instruments.yaml"
    text = cues.read_text(encoding="utf-8")
    cues.write_text(text.replace("Organized Crime Convention, Palermo Convention, ", ""), encoding="utf-8")
    assert cues.read_text(encoding="utf-8") != text
    changed, state = side()
    assert state == "miss" and changed.key != first.key
    untoc = lambda s: {t.unit for t in s.tags if t.slug == "untoc" and t.method.value == "match"}  # noqa: E731
    assert untoc(changed) < untoc(first)

    # a source: the catalogue's short title of the Doha Declaration
    catalogue = sources / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        "short_title: Doha Declaration\n", "short_title: Doha Declaration of 2015\n"), encoding="utf-8")
    renamed, state = side()
    assert state == "miss" and dict(renamed.titles)["doha-declaration-2015"] == "Doha Declaration of 2015"
    assert corpus_key(sources, mappings, DEFAULT.base) == renamed.key
    assert len(list(cache.iterdir())) == 3              # one file per content key; none overwritten


def test_a_corrupt_cache_file_is_computed_anew(tmp_path):
    cache = tmp_path / "cache"
    vocabulary = load_vocabulary()
    first, _ = corpus_side(minter=DEFAULT, vocabulary=vocabulary, cache_dir=cache)
    (only,) = cache.iterdir()
    only.write_bytes(b"not a pickle")
    second, state = corpus_side(minter=DEFAULT, vocabulary=vocabulary, cache_dir=cache)
    assert state == "miss" and second == first


# --- how well `continues` does without sentence embeddings -----------------------------------------------------
def test_continues_against_the_hand_labels_and_on_disarmament_texts():
    """Each later declaration of the corpus analysed as a draft against the declarations before it, measured on
    the hand labels of the build's `continues` links; and ten disarmament resolutions, which continue nothing
    of the crime Congresses, measured by how many of their paragraphs get a link anyway."""
    import yaml

    from crimecongress.analyse import CorpusSide, predecessors
    from crimecongress.drafts import read_draft as parse_draft
    from crimecongress.corpus import load_corpus
    from crimecongress.linking import lineage as L
    from crimecongress.model import Corpus
    from crimecongress.tagging import tag_corpus

    vocabulary = load_vocabulary()
    corpus = load_corpus(minter=DEFAULT)
    tags = tag_corpus(corpus, vocabulary, DEFAULT)
    declarations = sorted((d for d in corpus.documents if d.kind == "declaration" and d.slug[-4:].isdigit()),
                          key=lambda d: int(d.slug[-4:]))
    labels = yaml.safe_load((ROOT / "tests" / "fixtures" / "lineage-labels.yaml").read_text(encoding="utf-8"))
    doc = lambda path: f"{DEFAULT.base}doc/{path}"  # noqa: E731
    labelled = [(doc(e["source"]), frozenset(doc(t) for t in e["targets"])) for e in labels["continues"]]
    links = []
    for i, document in enumerate(declarations[1:], start=1):
        earlier = tuple(declarations[:i])
        side = CorpusSide("", earlier, tags, tuple((d.slug, d.slug) for d in earlier))
        for source, found in predecessors(side, (document,), tags).items():
            links += [L.Alignment(source, p.target, L.CONTINUES, METHOD, p.score, p.rank, p.evidence)
                      for p in found if p.method == METHOD]
    scores = L.measure(links, labelled, METHOD)
    assert scores.top1_precision >= 0.85 and scores.top3_hit_rate >= 0.7            # measured: 0.89, 0.74
    assert scores.none_kept_empty >= scores.labelled - scores.positive - 1           # measured: 9 of 10

    side = CorpusSide("", tuple(declarations), tags, tuple((d.slug, d.slug) for d in declarations))
    linked = units = 0
    for n in (12, 14, 17, 19, 20, 24, 28, 45, 50, 54):
        parsed = parse_draft(CLEAN / f"A_RES_80_{n}.md", minter=DEFAULT, title=None, slug=None)
        found = predecessors(side, parsed.documents, tag_corpus(Corpus(parsed.documents, (parsed,)), vocabulary,
                                                               DEFAULT))
        linked += sum(1 for links in found.values() if links)
        units += len(found)
    assert units > 250 and linked / units <= 0.1                                     # measured: 17 of 265
