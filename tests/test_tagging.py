"""The tagger, measured against hand labels and checked case by case.

The scores (precision and recall per kind, overall and per document) are printed at the end of every run by
tests/plugins/tagging_report.py and written to tests/fixtures/tagging-scores.md.
"""
from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from crimecongress.ids import DEFAULT as MINTER
from crimecongress.model import UnitKind
from plugins.tagging_report import (HELD_OUT, HELD_OUT_SCORES, SCORES, SCORES_FILE, load_labels, markdown,
                                    score)

BARS = {"theme": (0.85, 0.80), "instrument": (0.90, 0.85), "actor": (0.90, 0.85)}
SCORED_VOCABULARY = Path(__file__).resolve().parent / "fixtures" / "scored-vocabulary.yaml"
SCORED_KINDS = {"theme": "themes", "actor": "actors"}
TAGGED = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM, UnitKind.ENTRY)


def doc(path: str) -> str:
    return f"{MINTER.base}doc/{path}"


@pytest.fixture(scope="session")
def vocabulary():
    from crimecongress.vocab import load_vocabulary
    return load_vocabulary()


@pytest.fixture(scope="session")
def tags(corpus, vocabulary):
    from crimecongress.tagging import tag_corpus
    return tag_corpus(corpus, vocabulary, MINTER)


@pytest.fixture(scope="session")
def units(corpus):
    return {u.iri: u for d in corpus.documents for u in d.units}


def values(tags, path: str, kind: str) -> set[str]:
    return {t.slug for t in tags.for_unit(doc(path)) if t.kind.value == kind}


def tag_of(tags, path: str, kind: str, slug: str):
    found = [t for t in tags.for_unit(doc(path)) if t.kind.value == kind and t.slug == slug]
    return found[0] if found else None


# --- measured against the hand labels ------------------------------------------------------------------

def scored_vocabulary() -> dict[str, set[str]]:
    """The themes and actors the hand labels could contain (those of the mappings when they were made)."""
    data = yaml.safe_load(SCORED_VOCABULARY.read_text(encoding="utf-8"))
    return {kind: set(data[key]) for kind, key in SCORED_KINDS.items()}


class ScoredTags:
    """The tags, less those of themes and actors added after the hand labels were made: such a tag is neither
    right nor wrong against labels that could not contain it."""

    def __init__(self, tags, scored: dict[str, set[str]], reprints: dict[str, str]):
        self.tags, self.scored, self.reprints = tags, scored, reprints

    def for_unit(self, unit: str):
        # a compilation entry carries no tags: it is scored by the recommendation it reprints, which carries them
        return [t for t in self.tags.for_unit(self.reprints.get(unit, unit))
                if t.kind.value not in self.scored or t.slug in self.scored[t.kind.value]]


def scores_text(result, held_out, vocabulary) -> str:
    """The score tables, and which themes and actors they leave out."""
    scored = scored_vocabulary()
    left_out = {kind: sorted(v.slug for v in getattr(vocabulary, key) if v.slug not in scored[kind])
                for kind, key in SCORED_KINDS.items()}
    lines = ["## What is scored", "",
             "The hand labels were made before some themes and actors existed, so they cannot contain them. The "
             "scores count only the themes and actors listed in `tests/fixtures/scored-vocabulary.yaml` (those of "
             "the mappings when the labels were made); tags of the others are left out, neither right nor wrong. "
             "Units whose words now give one of the newer themes instead of an older one (\"new, emerging and "
             "evolving forms of crime\" was organized crime when the labels were made) count as misses."]
    for kind, slugs in left_out.items():
        lines += ["", f"Not scored ({SCORED_KINDS[kind]}, {len(slugs)}): "
                  + (", ".join(f"`{s}`" for s in slugs) if slugs else "none") + "."]
    return markdown(result, held_out) + "\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def scores(tags, vocabulary, request, units):
    reprints = {iri: u.lists for iri, u in units.items() if u.kind is UnitKind.ENTRY and u.lists in units}
    scored = ScoredTags(tags, scored_vocabulary(), reprints)
    result = score(load_labels(), scored, vocabulary, MINTER.base)
    held_out = score(load_labels(HELD_OUT), scored, vocabulary, MINTER.base)
    request.config.stash[SCORES] = result
    request.config.stash[HELD_OUT_SCORES] = held_out
    text = scores_text(result, held_out, vocabulary)
    if not SCORES_FILE.exists() or SCORES_FILE.read_text(encoding="utf-8") != text:
        SCORES_FILE.write_text(text, encoding="utf-8")
    return result


@pytest.mark.parametrize("kind", ["theme", "instrument", "actor"])
def test_precision_and_recall_meet_the_bars(scores, kind):
    count = scores.get("all", kind)
    precision_bar, recall_bar = BARS[kind]
    misses = [e for e in scores.errors if e[1] == kind]
    detail = "\n".join(f"  {unit}: false positives {fp}, false negatives {fn}" for unit, _, fp, fn in misses)
    assert count.precision >= precision_bar, f"{kind} precision {count.precision:.3f} < {precision_bar}\n{detail}"
    assert count.recall >= recall_bar, f"{kind} recall {count.recall:.3f} < {recall_bar}\n{detail}"


def test_hand_labels_cover_every_document_and_name_known_values(corpus, vocabulary, units):
    labels = load_labels()
    assert len(labels) >= 80
    assert {label["unit"].split("/")[0] for label in labels} == {d.slug for d in corpus.documents}
    known = {"themes": {t.slug for t in vocabulary.themes}, "instruments": {i.slug for i in vocabulary.instruments},
             "actors": {a.slug for a in vocabulary.actors}}
    for label in labels:
        assert doc(label["unit"]) in units, label["unit"]
        for key, slugs in known.items():
            assert set(label[key]) <= slugs, (label["unit"], set(label[key]) - slugs)
    assert len({label["unit"] for label in labels}) == len(labels), "a unit is labelled twice"


def test_scores_file_is_written(scores, request, vocabulary):
    assert SCORES_FILE.read_text(encoding="utf-8") == scores_text(scores, request.config.stash[HELD_OUT_SCORES],
                                                                  vocabulary)
    assert "## What is scored" in SCORES_FILE.read_text(encoding="utf-8")


def test_the_scored_vocabulary_is_what_the_labels_could_contain(vocabulary):
    """Every value the labels use is scored, and every scored value still exists."""
    scored = scored_vocabulary()
    assert scored["theme"] <= {t.slug for t in vocabulary.themes}
    assert scored["actor"] <= {a.slug for a in vocabulary.actors}
    for path in (None, HELD_OUT):
        for label in (load_labels(path) if path else load_labels()):
            for kind, key in SCORED_KINDS.items():
                assert set(label[key]) <= scored[kind], (label["unit"], set(label[key]) - scored[kind])


def test_tags_of_newer_values_are_left_out_of_the_scores(tags):
    scored = scored_vocabulary()
    kept = ScoredTags(tags, scored, {})
    unit = doc("doha-declaration-2015/para/9")
    assert {t.slug for t in kept.for_unit(unit) if t.kind.value == "theme"} <= scored["theme"]
    assert "new-and-emerging-crime" in {t.slug for t in tags.for_unit(unit)}


def test_the_held_out_labels_are_other_units(units):
    main = {label["unit"] for label in load_labels()}
    held_out = [label["unit"] for label in load_labels(HELD_OUT)]
    assert len(held_out) == len(set(held_out)) and not main & set(held_out)
    assert all(doc(unit) in units for unit in held_out)


# --- every paragraph -----------------------------------------------------------------------------------

def test_every_numbered_paragraph_has_a_theme(corpus, tags):
    missing = [u.iri for d in corpus.documents for u in d.units
               if u.kind is UnitKind.PARAGRAPH and not values(tags, u.iri.split("/doc/", 1)[1], "theme")]
    assert not missing, f"{len(missing)} numbered paragraphs without a theme, e.g. {missing[:5]}"


def test_only_paragraph_level_units_are_tagged(tags, units):
    assert {units[t.unit].kind for t in tags} <= set(TAGGED)


def test_compilation_entries_leave_their_tags_to_the_recommendation_they_reprint(tags, units):
    entries = [u for u in units.values() if u.kind is UnitKind.ENTRY and u.lists in units]
    assert len(entries) > 250
    assert not [t for u in entries for t in tags.for_unit(u.iri)]
    assert sum(1 for u in entries if tags.for_unit(u.lists)) >= 0.95 * len(entries)


def test_every_tag_quotes_words_that_occur_in_its_source(tags, units):
    for tag in tags:
        evidence = tag.evidence
        assert evidence is not None, tag
        source = units[evidence.source].text
        assert evidence.exact and source[evidence.start:evidence.start + len(evidence.exact)] == evidence.exact, tag
        assert source[:evidence.start].endswith(evidence.prefix) and len(evidence.prefix) <= 32, tag
        assert source[evidence.start + len(evidence.exact):].startswith(evidence.suffix), tag
        assert len(evidence.suffix) <= 32, tag
        assert Decimal("0") < tag.confidence <= Decimal("1"), tag


def test_one_tag_per_unit_kind_and_value(tags):
    keys = [(t.unit, t.kind, t.slug) for t in tags]
    assert len(keys) == len(set(keys))


def test_top_themes_follow_from_narrow_ones(tags, vocabulary):
    by_unit: dict[str, set[str]] = {}
    for tag in tags:
        if tag.kind.value == "theme":
            by_unit.setdefault(tag.unit, set()).add(tag.slug)
    for unit, slugs in by_unit.items():
        for slug in slugs:
            assert vocabulary.ancestors(slug) <= slugs, (unit, slug)


def test_tagging_is_deterministic(corpus, vocabulary, tags):
    from crimecongress.tagging import tag_corpus
    assert tag_corpus(corpus, vocabulary, MINTER) == tags


def test_tagging_the_corpus_is_fast(corpus, vocabulary):
    """Well under 2 s for the whole corpus (CPU time, so that a busy machine does not fail it)."""
    from crimecongress.tagging import default_cues, default_curations
    from crimecongress.tagging.tagger import Tagger
    cues, curations = default_cues(vocabulary), default_curations()
    start = time.process_time()
    Tagger(vocabulary, cues, MINTER, curations).tag(corpus)
    assert time.process_time() - start < 2.0


# --- headings, chapeaux, recommendations -------------------------------------------------------------

def test_a_heading_gives_its_theme_where_the_words_are_missing(tags, units):
    tag = tag_of(tags, "kyoto-declaration-2021/para/28", "theme", "crime-prevention")
    assert tag.method.value == "heading"
    assert units[tag.evidence.source].kind is UnitKind.HEADING
    assert tag.evidence.exact.lower() == "crime prevention"


def test_the_new_and_emerging_crime_heading_gives_its_own_theme(tags):
    # Kyoto "New, emerging and evolving forms of crime" and the compilation's "New and emerging forms of crime"
    for path in ("kyoto-declaration-2021/para/80", "rpm-report-a/para/57/f", "rpm-report-lac/para/79/d"):
        tag = tag_of(tags, path, "theme", "new-and-emerging-crime")
        assert tag is not None and tag.method.value == "heading", path
        organized = tag_of(tags, path, "theme", "organized-crime")
        assert organized is None or organized.method.value != "heading", path


@pytest.mark.parametrize("path, slug", [
    ("doha-declaration-2015/para/9/g", "maritime-crime"),                  # piracy
    ("doha-declaration-2015/para/9/g", "trafficking-in-organs"),
    ("kyoto-congress-report-2021/para/112", "falsified-medical-products"),
    ("doha-declaration-2015/para/5/q", "hate-crime"),
    ("kyoto-declaration-2021/para/57", "safety-of-journalists"),
    ("kyoto-congress-report-2021/para/174", "cybercrime"),                 # "darknet markets"
    ("rpm-report-lac/para/79/b", "cybercrime"),                           # "criminal misuse of ICT"
])
def test_the_newer_themes_are_tagged_where_the_texts_name_them(tags, vocabulary, path, slug):
    found = values(tags, path, "theme")
    assert slug in found, found
    assert vocabulary.ancestors(slug) <= found


def test_an_agenda_item_heading_passes_down_only_its_field(tags):
    # "Promoting international cooperation and technical assistance ...": not every paragraph under it is about
    # technical assistance
    assert "technical-assistance" not in values(tags, "kyoto-declaration-2021/para/89", "theme")
    assert "international-cooperation" in values(tags, "kyoto-declaration-2021/para/89", "theme")


def test_a_subparagraph_is_read_with_its_chapeau(tags):
    # Naples 9: "... international cooperation against the threats posed by organized transnational crime,
    # particularly in relation to: (c) Establishing modalities and basic principles for international cooperation"
    tag = tag_of(tags, "naples-declaration-1994/para/9/c", "theme", "organized-crime")
    assert tag.method.value == "chapeau"
    assert tag.evidence.source == doc("naples-declaration-1994/para/9")


def test_a_recommendation_is_read_under_the_compilation_groups_that_list_it(tags, units):
    tag = tag_of(tags, "rpm-report-ap/para/26/e", "theme", "crime-prevention")
    assert tag.method.value == "heading"
    assert tag.evidence.source.startswith(doc("kyoto-rpm-mapping/heading/"))


def test_a_paragraph_without_words_of_its_own_is_about_its_recommendations(tags):
    assert "crime-prevention" in values(tags, "rpm-report-lac/para/28", "theme")


def test_a_procedural_paragraph_gets_only_the_low_confidence_document_field(tags):
    found = [t for t in tags.for_unit(doc("kyoto-congress-report-2021/para/22")) if t.kind.value == "theme"]
    assert {t.slug for t in found} == {"crime-prevention", "criminal-justice"}
    assert all(t.method.value == "document" and t.confidence < Decimal("0.5") for t in found)


# --- instruments: names, collective references, anaphora, footnotes -----------------------------------

def test_the_convention_is_the_convention_named_before_it(tags):
    # Bangkok 23 and 25: UNCAC; the Vienna Declaration and its plans of action: the Organized Crime Convention
    for path, slug in (("bangkok-declaration-2005/para/23", "uncac"), ("bangkok-declaration-2005/para/25", "uncac"),
                       ("vienna-declaration-2000/para/6", "untoc"), ("vienna-declaration-2000/para/7/b", "untoc"),
                       ("vienna-plans-of-action-2002/para/4/c", "untoc"), ("kyoto-declaration-2021/para/68", "uncac")):
        assert slug in values(tags, path, "instrument"), path
    tag = tag_of(tags, "vienna-declaration-2000/para/6", "instrument", "untoc")
    assert tag.method.value == "anaphora" and tag.evidence.exact == "the Convention"
    assert "untoc" not in values(tags, "bangkok-declaration-2005/para/25", "instrument")


def test_the_protocols_thereto_are_the_conventions_protocols(tags):
    assert "untoc-protocols" in values(tags, "vienna-declaration-2000/para/5", "instrument")
    assert "crc-optional-protocols" in values(tags, "doha-declaration-2015/para/5/e", "instrument")
    assert "untoc-protocols" not in values(tags, "doha-declaration-2015/para/5/e", "instrument")


def test_collective_references(tags):
    found = values(tags, "doha-declaration-2015/para/8", "instrument")
    assert {"untoc", "untoc-protocols", "uncac", "drug-control-conventions", "counter-terrorism-instruments"} <= found


@pytest.mark.parametrize("footnote, expected", [
    ("doha-declaration-2015/footnote/3", {"uncac"}),
    ("doha-declaration-2015/footnote/5", {"crc-optional-protocol-sale-of-children",
                                          "crc-optional-protocol-armed-conflict"}),
    ("doha-declaration-2015/footnote/15", {"firearms-protocol"}),
    ("doha-declaration-2015/footnote/16", {"programme-of-action-small-arms"}),
    ("doha-declaration-2015/footnote/19", {"model-treaty-movable-cultural-property"}),
    ("doha-declaration-2015/footnote/21", {"ccpcj-resolution-22-6"}),
    ("kyoto-declaration-2021/footnote/3", {"untoc", "trafficking-in-persons-protocol", "smuggling-of-migrants-protocol",
                                           "firearms-protocol"}),
    ("kyoto-declaration-2021/footnote/9", {"beijing-declaration-and-platform-for-action"}),
    ("kyoto-declaration-2021/footnote/10", {"special-session-23-outcome-documents"}),
    ("kyoto-declaration-2021/footnote/13", {"basic-principles-independence-of-the-judiciary", "bangalore-principles",
                                            "basic-principles-role-of-lawyers", "guidelines-role-of-prosecutors",
                                            "istanbul-declaration", "istanbul-declaration-implementation-measures"}),
    ("statement-of-principles-1991/footnote/1", {"milan-plan-of-action"}),
    ("statement-of-principles-1991/footnote/2", {"guiding-principles-new-international-economic-order"}),
    ("statement-of-principles-1991/footnote/4", set()),
    ("statement-of-principles-1991/footnote/6", {"ccpc-resolution-11-3"}),
    ("vienna-declaration-2000/footnote/4", {"naples-political-declaration"}),
    ("vienna-plans-of-action-2002/footnote/2", {"untoc", "trafficking-in-persons-protocol",
                                                "smuggling-of-migrants-protocol"}),
    ("vienna-plans-of-action-2002/footnote/4", {"smuggling-of-migrants-protocol"}),
    ("vienna-plans-of-action-2002/footnote/7", {"handbook-on-justice-for-victims"}),
    ("vienna-plans-of-action-2002/footnote/8", {"guide-for-policy-makers-victims-declaration"}),
    ("bangkok-declaration-2005/footnote/6", {"cites"}),
    ("bangkok-declaration-2005/footnote/7", {"convention-on-biological-diversity"}),
])
def test_footnotes_identify_instruments(corpus, vocabulary, footnote, expected):
    from crimecongress.tagging import identify_footnotes
    found = identify_footnotes(corpus, vocabulary, MINTER)
    assert set(found.get(doc(footnote), ())) == {MINTER.instrument(s) for s in expected}


def test_a_unit_cites_what_its_footnote_identifies(tags, units):
    tag = tag_of(tags, "doha-declaration-2015/para/5/e", "instrument", "crc-optional-protocol-armed-conflict")
    assert tag.method.value == "footnote"
    assert tag.evidence.source == doc("doha-declaration-2015/footnote/5")
    assert tag.evidence.exact.startswith("Ibid.")


def test_the_doha_foreword_is_not_the_declaration(corpus):
    doha = corpus.document("doha-declaration-2015")
    assert not any("Fedotov" in u.text for u in doha.units)


def test_the_texts_own_titles_are_not_citations(tags):
    assert "doha-declaration" not in values(tags, "doha-declaration-2015/para/12", "instrument")
    assert "kyoto-declaration" not in values(tags, "kyoto-declaration-2021/para/96", "instrument")


# --- actors ------------------------------------------------------------------------------------------------

def test_the_commission_of_serious_crimes_is_not_the_commission(tags):
    assert "ccpcj" not in values(tags, "vienna-declaration-2000/preamble/1", "actor")


def test_the_lower_case_commission_of_1991_is_the_future_commission(tags):
    assert {"ccpcj", "ecosoc"} <= values(tags, "statement-of-principles-1991/para/23", "actor")
    assert "ccpcj" in values(tags, "statement-of-principles-1991/para/25", "actor")   # "The commission shall ..."


def test_former_names_are_the_actors_they_were(tags):
    assert values(tags, "vienna-plans-of-action-2002/para/21", "actor") >= {"odccp"}
    assert "unodc" not in values(tags, "vienna-plans-of-action-2002/para/21", "actor")
    assert "cicp" in values(tags, "vienna-plans-of-action-2002/para/3/b", "actor")      # "the Centre"
    assert "unodc" in values(tags, "bangkok-declaration-2005/para/2", "actor")


def test_names_of_bodies_are_not_themes(tags):
    # "United Nations Office on Drugs and Crime" is not about drugs
    assert "world-drug-problem" not in values(tags, "doha-declaration-2015/para/12", "theme")


def test_groups_of_society(tags):
    assert {"civil-society", "private-sector", "academia", "programme-network-of-institutes", "media"} <= values(
        tags, "doha-declaration-2015/para/10", "actor")


# --- curations -------------------------------------------------------------------------------------------

def test_curations_add_and_remove_tags(corpus, vocabulary, tmp_path):
    from crimecongress.tagging import tag_corpus
    from crimecongress.tagging.curation import Curation
    add = Curation("curation.test-add", "doha-declaration-2015/para/14", "add", "theme", "international-cooperation",
                   "Qatar", "test", "mappings/curations.yaml", 1)
    remove = Curation("curation.test-remove", "doha-declaration-2015/para/12", "remove", "actor", "unodc", None,
                      "test", "mappings/curations.yaml", 2)
    tags = tag_corpus(corpus, vocabulary, MINTER, curations=(add, remove))
    tag = tag_of(tags, "doha-declaration-2015/para/14", "theme", "international-cooperation")
    assert tag.method.value == "curation" and tag.curation == "curation.test-add" and tag.evidence.exact == "Qatar"
    assert "unodc" not in values(tags, "doha-declaration-2015/para/12", "actor")


def test_a_curation_must_quote_the_units_words(corpus, vocabulary):
    from crimecongress.errors import InvalidDocument
    from crimecongress.tagging import tag_corpus
    from crimecongress.tagging.curation import Curation
    bad = Curation("curation.bad", "doha-declaration-2015/para/14", "add", "theme", "corruption", "not there",
                   "test", "mappings/curations.yaml", 5)
    with pytest.raises(InvalidDocument, match=re.escape("curations.yaml:5")):
        tag_corpus(corpus, vocabulary, MINTER, curations=(bad,))


# --- crimecongress explain -----------------------------------------------------------------------------------

def test_explain_prints_each_tag_with_its_evidence():
    from click.testing import CliRunner
    from crimecongress.cli import main
    result = CliRunner().invoke(main, ["explain", "bangkok-declaration-2005/para/23"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(doc("bangkok-declaration-2005/para/23"))
    assert "uncac" in out and "instrument.uncac" in out and "0.95" in out
    assert "[United Nations Convention against Corruption]" in out     # the words, highlighted in context
    assert "rule-of-law" in out and "broader" in out and "(via corruption)" in out


def test_explain_names_where_context_words_come_from():
    from click.testing import CliRunner
    from crimecongress.cli import main
    result = CliRunner().invoke(main, ["explain", doc("kyoto-declaration-2021/para/28")])
    assert result.exit_code == 0, result.output
    assert "heading" in result.output and "[crime prevention]" in result.output
    assert f"in its heading {doc('kyoto-declaration-2021/heading/')}" in result.output


def test_explain_an_unknown_unit_is_an_error():
    from click.testing import CliRunner
    from crimecongress.cli import main
    result = CliRunner().invoke(main, ["explain", "doha-declaration-2015/para/99"])
    assert result.exit_code == 1 and "no unit" in result.output


def test_a_new_declaration_is_tagged_on_its_own(tmp_path, vocabulary):
    """A draft declaration parsed outside the catalogue gets tags too; curations of other documents do not apply."""
    from crimecongress.corpus import parse_file
    from crimecongress.model import Corpus
    from crimecongress.tagging import tag_corpus
    draft = tmp_path / "draft.md"
    draft.write_text("# Draft Declaration on Testing\n\nWe, Member States,\n\n"
                     "1. We commit to implementing the United Nations Convention against Corruption and to "
                     "strengthening international cooperation against corruption.\n", encoding="utf-8")
    parsed = parse_file(draft, minter=MINTER, title="Draft Declaration on Testing", slug="draft-declaration")
    corpus = Corpus(documents=parsed.documents, sources=(parsed,))
    tags = tag_corpus(corpus, vocabulary, MINTER)
    para = f"{MINTER.base}doc/draft-declaration/para/1"
    assert {t.slug for t in tags.for_unit(para)} >= {"uncac", "corruption", "international-cooperation"}
