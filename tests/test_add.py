"""`crimecongress add`: a new declaration into a sources directory and its catalogue, read by the next build.

Every test works on a copy of the repository's sources/ (--sources); the real sources/ must stay as it is.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crimecongress.corpus import load_corpus
from crimecongress.corpus.catalogue import load_catalogue
from crimecongress.model import UnitKind

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
TEXTS = Path(__file__).resolve().parents[2] / "shared" / "un-texts"

LISBON = """\
Lisbon Declaration on Justice for Future Generations

We, Heads of State and Government, Ministers and Representatives of Member States,

Recalling the Kyoto Declaration, and resolved to build upon its holistic approach,

Declare the following:

1. We reaffirm our commitment to the rule of law and to the prevention of crime;

2. We undertake, to that end:

(a) To strengthen the capacity of criminal justice institutions;

(b) To prevent and counter trafficking in persons, in line with the United Nations Convention against
Transnational Organized Crime;

3. We request the Commission on Crime Prevention and Criminal Justice to follow up on this declaration.
"""


@pytest.fixture()
def sources(tmp_path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def add(*args: str, sources: Path | None = None) -> subprocess.CompletedProcess:
    options = ["--sources", str(sources)] if sources else []
    return subprocess.run([sys.executable, "-m", "crimecongress", "add", *args, *options], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_an_added_declaration_is_catalogued_and_loaded_with_the_corpus(sources, tmp_path):
    real = digests(SOURCES)
    draft = tmp_path / "lisbon.txt"
    draft.write_text(LISBON, encoding="utf-8")
    result = add(str(draft), "--adopted-by", "16", "--year", "2026", sources=sources)
    assert result.returncode == 0, result.stderr
    assert digests(SOURCES) == real                     # the repository's own sources are untouched

    catalogue = load_catalogue(sources / "catalogue.yaml")     # still valid against the schema
    entry = catalogue.files[-1]
    assert entry.sha256 == hashlib.sha256(draft.read_bytes()).hexdigest()
    assert (sources / entry.file).read_bytes() == draft.read_bytes()
    assert [(p.first, p.last) for p in entry.documents] == [(1, len(LISBON.splitlines()))] and not entry.skip
    slug = "lisbon-declaration-on-justice-for-future-generations"
    facts = catalogue.facts(slug)
    assert (facts.kind, facts.year, facts.congress) == ("declaration", 2026, 16)

    corpus = load_corpus(sources)
    document = corpus.document(slug)
    assert corpus.documents[-1].slug == slug                    # catalogue order: the newest last
    assert document.title == "Lisbon Declaration on Justice for Future Generations"
    numbered = [u.number for u in document.units if u.kind in (UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH)]
    assert numbered == ["1", "2", "a", "b", "3"]
    assert document.unit(f"{document.iri}/para/2/b").text.endswith("Transnational Organized Crime;")
    # every earlier document is still there, unchanged in number
    assert len(corpus.documents) == len(load_corpus(SOURCES).documents) + 1


def test_the_same_text_twice_is_refused_and_nothing_changes(sources, tmp_path):
    draft = tmp_path / "lisbon.txt"
    draft.write_text(LISBON, encoding="utf-8")
    assert add(str(draft), "--year", "2026", sources=sources).returncode == 0
    before = digests(sources)
    again = add(str(draft), "--year", "2026", sources=sources)
    assert again.returncode == 1
    assert "already in the catalogue" in one_line(again)
    assert digests(sources) == before


def test_a_catalogued_source_is_refused(sources):
    first = load_catalogue(sources / "catalogue.yaml").files[0].file
    result = add(str(sources / first), sources=sources)
    assert result.returncode == 1 and "already in the catalogue as " + first in one_line(result)


def test_a_slug_already_used_is_refused(sources, tmp_path):
    before = digests(sources)
    draft = tmp_path / "kyoto.txt"
    draft.write_text(LISBON, encoding="utf-8")
    result = add(str(draft), "--slug", "kyoto-declaration-2021", sources=sources)
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"error: {draft}") and "'kyoto-declaration-2021' is already used" in line
    assert digests(sources) == before


def test_a_text_that_does_not_parse_is_refused(sources, tmp_path):
    before = digests(sources)
    draft = tmp_path / "gap.txt"
    draft.write_text(LISBON.replace("3. We request", "4. We request"), encoding="utf-8")
    result = add(str(draft), "--year", "2026", sources=sources)
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"error: {draft}:") and "3" in line
    assert digests(sources) == before
    missing = add(str(tmp_path / "nowhere.txt"), sources=sources)
    assert missing.returncode == 2 and "nowhere.txt" in one_line(missing)


RESOLUTION = TEXTS / "ga-res-80" / "A_RES_80_5.md"       # adopts the Doha Political Declaration, annexed
PLAIN_RESOLUTION = TEXTS / "ga-res-80" / "A_RES_80_1.md"  # no annex


def read(document) -> list[tuple]:
    return [(u.iri, u.kind, u.number, u.text, u.parent, u.position, u.footnotes) for u in document.units]


def test_a_resolution_and_its_annexed_declaration_are_catalogued_loaded_and_conform(sources):
    from crimecongress.corpus import parse_file
    from crimecongress.ids import DEFAULT
    from crimecongress.release import GraphWriter, MemoryTree, ReleasedFiles

    real = digests(SOURCES)
    results = [add(str(text), sources=sources) for text in (RESOLUTION, PLAIN_RESOLUTION)]
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert ": a-res-80-5, a-res-80-5-annex (177 units)" in results[0].stdout
    assert digests(SOURCES) == real

    catalogue = load_catalogue(sources / "catalogue.yaml")
    facts = [catalogue.facts(slug) for slug in ("a-res-80-5", "a-res-80-5-annex", "a-res-80-1")]
    assert [(f.kind, f.short_title, f.year) for f in facts] == [
        ("resolution", "A/RES/80/5", 2025), ("declaration", "A/RES/80/5, annex", 2025),
        ("resolution", "A/RES/80/1", 2025)]
    assert facts[0].title.startswith("Doha Political Declaration of the “World Social Summit”")
    doha, palestine = catalogue.files[-2:]
    assert (doha.layout, palestine.layout) == ("un-resolution", "un-resolution")
    assert [p.slug for p in doha.documents] == ["a-res-80-5", "a-res-80-5-annex"]
    assert [p.slug for p in palestine.documents] == ["a-res-80-1"]

    corpus = load_corpus(sources)
    resolution, annex = corpus.document("a-res-80-5"), corpus.document("a-res-80-5-annex")
    assert [d.slug for d in corpus.documents[-3:]] == ["a-res-80-5", "a-res-80-5-annex", "a-res-80-1"]
    assert (resolution.kind, resolution.symbol, resolution.date, resolution.adopted_by) == \
        ("resolution", "A/RES/80/5", "2025-11-04", None)
    assert (annex.kind, annex.symbol, annex.adopted_by) == ("declaration", "A/RES/80/5", resolution.iri)
    assert [u.text for u in resolution.units][0] == "The General Assembly"
    assert resolution.units[1].text.startswith("Adopts the Doha Political Declaration")
    numbered = [u.number for u in annex.units if u.kind is UnitKind.PARAGRAPH and u.number]
    assert numbered == [str(n) for n in range(1, 45)]
    assert annex.manifestations[0].label == "submitted text (A_RES_80_5.md)"
    # the catalogued reading is the new-text reading of the same file
    fresh = parse_file(RESOLUTION)
    assert [read(d) for d in fresh.documents] == [read(resolution), read(annex)]
    plain = corpus.document("a-res-80-1")
    assert [u.number for u in plain.units if u.kind is UnitKind.PARAGRAPH] == ["1", "2", "3"]

    # emitted as the build emits each document, they conform to the shapes
    def report(slugs):
        writer = GraphWriter(DEFAULT, ReleasedFiles(MemoryTree()))
        writer.documents([corpus.document(s) for s in slugs], catalogue.facts, None, ())
        return writer.validate()

    whole = report(["a-res-80-5", "a-res-80-5-annex", "a-res-80-1"])
    assert whole.conforms and not [f for f in whole.findings if f.severity == "Violation"], whole.findings
    # an annex without the resolution that adopts it does not: the check can fail
    alone = report(["a-res-80-5-annex"])
    assert any(f.severity == "Violation" and "adoptedIn" in f.message for f in alone.findings)


def test_a_resolution_whose_documents_the_catalogue_misplaces_is_one_error_naming_the_file(sources):
    from crimecongress.errors import InvalidDocument

    assert add(str(RESOLUTION), sources=sources).returncode == 0
    raw = yaml.safe_load((sources / "catalogue.yaml").read_text(encoding="utf-8"))
    entry = raw["files"][-1]
    entry["documents"] = entry["documents"][:1]             # the annex left out
    (sources / "catalogue.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        load_corpus(sources)
    assert caught.value.file == entry["file"]
    assert "a-res-80-5 (lines 1-29)" in caught.value.message and "a-res-80-5-annex" in caught.value.message


def test_a_resolution_is_refused_when_a_slug_of_its_annex_is_in_use(sources):
    assert add(str(PLAIN_RESOLUTION), "--slug", "a-res-80-5-annex", sources=sources).returncode == 0
    before = digests(sources)
    result = add(str(RESOLUTION), sources=sources)
    assert result.returncode == 1 and "'a-res-80-5-annex' is already used" in one_line(result)
    assert digests(sources) == before
    symbol = add(str(RESOLUTION), "--symbol", "A/RES/80/5", "--slug", "doha", sources=sources)
    assert symbol.returncode == 1 and "read from its header block" in one_line(symbol)
    assert digests(sources) == before


def test_a_document_the_catalogue_would_read_otherwise_is_refused_before_anything_is_written(sources, monkeypatch):
    """The staged check compares every new document: here the annex as `add` read it has one paragraph
    that the catalogued reading does not give."""
    from dataclasses import replace

    from crimecongress import add as adding
    from crimecongress.errors import InvalidDocument

    parse = adding.parse_new_declaration

    def altered(*args, **kwargs):
        parsed = parse(*args, **kwargs)
        annex = parsed.documents[1]
        units = (replace(annex.units[0], text=annex.units[0].text + " (altered)"),) + annex.units[1:]
        return replace(parsed, documents=(parsed.documents[0], replace(annex, units=units)))

    monkeypatch.setattr(adding, "parse_new_declaration", altered)
    before = digests(sources)
    with pytest.raises(InvalidDocument) as caught:
        adding.add_source(RESOLUTION, sources_dir=sources)
    assert "reads a-res-80-5-annex in this text differently" in caught.value.message
    assert "/a-res-80-5-annex/para/1" in caught.value.message
    assert digests(sources) == before


def test_the_catalogue_keeps_its_comments_and_gains_two_entries(sources, tmp_path):
    text = (sources / "catalogue.yaml").read_text(encoding="utf-8")
    draft = tmp_path / "lisbon.txt"
    draft.write_text(LISBON, encoding="utf-8")
    assert add(str(draft), "--year", "2026", sources=sources).returncode == 0
    new = (sources / "catalogue.yaml").read_text(encoding="utf-8")
    assert new.startswith(text.split("\nfiles:\n")[0])          # the header comments and documents, as they were
    old, grown = yaml.safe_load(text), yaml.safe_load(new)
    assert grown["documents"][:-1] == old["documents"] and grown["files"][:-1] == old["files"]


def test_a_pdf_is_added_as_the_text_it_holds(sources, tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "lisbon.pdf"
    sheet = canvas.Canvas(str(pdf), pagesize=A4)
    for number, line in enumerate(LISBON.splitlines()):
        sheet.drawString(50, 800 - 12 * number, line)     # a blank line stays vertical space
    sheet.save()
    result = add(str(pdf), "--year", "2026", sources=sources)
    assert result.returncode == 0, result.stderr
    entry = load_catalogue(sources / "catalogue.yaml").files[-1]
    stored = (sources / entry.file).read_bytes()
    assert entry.file.endswith(".txt") and entry.sha256 == hashlib.sha256(stored).hexdigest()
    assert stored.decode("utf-8").startswith("Lisbon Declaration on Justice for Future Generations\n\nWe, Heads")
    document = load_corpus(sources).document("lisbon-declaration-on-justice-for-future-generations")
    assert [u.number for u in document.units if u.kind is UnitKind.PARAGRAPH] == ["1", "2", "3"]
