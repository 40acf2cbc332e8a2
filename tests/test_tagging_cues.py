"""The cue and curation files (mappings/cues/*.yaml, mappings/curations.yaml): schema, canonical form, no dead
cue, every concept reachable, errors that name the file and line."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from crimecongress.errors import CrimeCongressError
from crimecongress.model import UnitKind

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "mappings"
OWN_FILES = sorted([*(MAPPINGS / "cues").glob("*.yaml"), MAPPINGS / "curations.yaml"])


@pytest.fixture(scope="module")
def vocabulary():
    from crimecongress.vocab import load_vocabulary
    return load_vocabulary()


@pytest.fixture(scope="module")
def cues(vocabulary):
    from crimecongress.tagging import default_cues
    return default_cues(vocabulary)


@pytest.fixture(scope="module")
def texts(corpus):
    """Every text the cues read: paragraph-level units, headings and footnotes, with their document."""
    kinds = (UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM, UnitKind.ENTRY,
             UnitKind.HEADING, UnitKind.FOOTNOTE)
    return [(u.text, d.slug) for d in corpus.documents for u in d.units if u.kind in kinds and u.text]


def test_the_files_load_against_their_schema_and_the_vocabulary(cues, vocabulary):
    from crimecongress.tagging import default_curations
    assert {f.kind for f in cues.files} == {"theme", "instrument", "actor", "anaphora", "footnote"}
    default_curations()


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: str(p.relative_to(MAPPINGS)))
def test_the_files_are_in_canonical_form(path):
    from crimecongress.lint import canonical_text
    from crimecongress.vocab.files import load_schema, read_mapping, schema_path
    mapping = read_mapping(path)
    schema = load_schema(schema_path(path, MAPPINGS))
    assert canonical_text(mapping, schema) == mapping.text, f"run `crimecongress lint --write` ({path.name})"


def test_every_cue_matches_something_in_the_corpus(cues, vocabulary, texts, corpus):
    from crimecongress.tagging.footnotes import identify_corpus
    from crimecongress.tagging.matcher import Matcher
    matched: set[str] = set()
    for kind in ("theme", "instrument", "actor", "anaphora"):
        matcher = Matcher(cues.of_kind(kind))
        for text, document in texts:
            for match in matcher.candidates(text):
                if matcher.applies(match, text, document):
                    matched.add(match.cue.id)
    for items in identify_corpus(corpus, vocabulary, cues).values():
        matched |= {item.rule for item in items}
    dead = sorted(cue.id for cue in cues.all() if cue.id not in matched)
    assert not dead, f"cues that match nothing in the corpus: {dead}"


def test_every_concept_the_corpus_names_can_be_reached(cues, vocabulary, texts):
    """A theme needs a cue; an instrument or actor needs a cue or footnote facts (Treaty Series, resolution,
    publication, document symbol) -- unless the corpus never names it (then no cue could ever match)."""
    reached = {"theme": set(), "instrument": set(), "actor": set()}
    for cue in cues.all():
        reached[cue.target_kind].update(cue.values())
    for instrument in vocabulary.instruments:
        if instrument.unts or instrument.resolutions or instrument.publication or instrument.document_symbol:
            reached["instrument"].add(instrument.slug)
    corpus_text = "\n".join(text for text, _ in texts).lower()

    def named(*names: str) -> bool:
        return any(re.search(r"(?<!\w)" + re.escape(n.lower()).replace(r"\ ", r"\s+") + r"(?!\w)", corpus_text)
                   for n in names)

    unreached = [t.slug for t in vocabulary.themes if t.slug not in reached["theme"]]
    unreached += [i.slug for i in vocabulary.instruments
                  if i.slug not in reached["instrument"] and named(i.title, *i.short_names)]
    unreached += [a.slug for a in vocabulary.actors
                  if a.slug not in reached["actor"] and named(a.name, *a.short_names)]
    assert not unreached, f"concepts that no cue can reach: {unreached}"


def test_a_broken_cue_file_names_the_file_and_line(tmp_path, vocabulary):
    from crimecongress.tagging import known_values, load_cues
    shutil.copytree(MAPPINGS, tmp_path / "mappings")
    path = tmp_path / "mappings" / "cues" / "themes.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("value: terrorism", "value: terrorisme", 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CrimeCongressError) as error:
        load_cues(tmp_path / "mappings", known=known_values(vocabulary))
    line = broken[:broken.index("value: terrorisme")].count("\n")
    assert "themes.yaml" in str(error.value) and "terrorisme" in str(error.value)
    assert error.value.line is not None and abs(error.value.line - line) <= 2

    unclosed = text.replace("value: terrorism", "value: terrorism\n  patterns: ['(unclosed']", 1)
    path.write_text(unclosed, encoding="utf-8")
    with pytest.raises(CrimeCongressError, match="regex|does not compile"):
        load_cues(tmp_path / "mappings", known=known_values(vocabulary))

    path.write_text(text.replace("kind: theme", "kind: themes", 1), encoding="utf-8")
    with pytest.raises(CrimeCongressError, match="themes.yaml"):
        load_cues(tmp_path / "mappings", known=known_values(vocabulary))


def test_a_broken_curation_names_the_file_and_line(tmp_path):
    from crimecongress.tagging import load_curations
    (tmp_path / "schema").mkdir()
    shutil.copy(MAPPINGS / "schema" / "curations.schema.json", tmp_path / "schema")
    (tmp_path / "curations.yaml").write_text(
        "curations:\n- id: curation.x\n  unit: doha-declaration-2015/para/13\n  action: add\n  kind: theme\n"
        "  value: corruption\n  justification: no words given\n", encoding="utf-8")
    with pytest.raises(CrimeCongressError) as error:
        load_curations(tmp_path)
    assert "curations.yaml" in str(error.value) and "exact" in str(error.value)
