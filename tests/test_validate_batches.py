"""Validation a batch of documents at a time (crimecongress.validation.batches) gives the report the whole dataset
gives: on the real dataset, on it with faults planted across documents, and on every rule's fixture."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crimecongress.ids import DEFAULT_BASE, Minter
from crimecongress.validation import Data, read_rdf_file, validate_data
from crimecongress.validation.batches import _batches, reads, split, validate_in_batches
from crimecongress.validation.fast import compiled_checks
from crimecongress.validation.shapes import prefixes, shapes_texts

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
MINTER = Minter(DEFAULT_BASE)
D = DEFAULT_BASE + "doc/"
ONT = DEFAULT_BASE + "ontology#"
OA = "http://www.w3.org/ns/oa#"


@pytest.fixture(scope="module")
def dataset() -> list[bytes]:
    path = ROOT / "build" / "dataset.nt.gz"
    if not path.exists():
        pytest.skip("no build/dataset.nt.gz: run `make build` (the build is committed)")
    return gzip.decompress(path.read_bytes()).splitlines(keepends=True)


def whole(data: bytes):
    return validate_data(Data(ntriples=[("the built dataset", data)]), base=DEFAULT_BASE)


def planted(lines: list[bytes], replacements: dict[str, str | None]) -> bytes:
    """The dataset with each of these statements (N-Triples, without the final ' .') replaced or dropped."""
    out, seen = [], set()
    for line in lines:
        text = line.decode().rstrip("\n").removesuffix(" .")
        if text in replacements:
            seen.add(text)
            if replacements[text] is not None:
                out.append((replacements[text] + " .\n").encode())
        else:
            out.append(line)
    assert seen == set(replacements), set(replacements) - seen     # every fault was planted
    return b"".join(out)


def statement(subject: str, predicate: str, obj: str) -> str:
    return f"<{subject}> <{predicate}> {obj}"


def test_documents_that_a_check_reads_across_are_validated_together(dataset):
    checks = compiled_checks(shapes_texts(), tuple(sorted(prefixes().items())))
    parts = split([b"".join(dataset)], MINTER, reads(checks, MINTER))
    batches = _batches(parts, budget=1)
    # each recommendation's tags quote the compilation entry that reprints it (oa:hasSource, which the quote check
    # follows): the five regional reports and the compilation are one batch; the lineage links join nothing
    assert sorted(["kyoto-rpm-mapping", "rpm-report-a", "rpm-report-ap", "rpm-report-e", "rpm-report-lac",
                   "rpm-report-wa"]) in [sorted(b) for b in batches]
    assert ["kyoto-declaration-2021"] in batches
    assert sorted(slug for batch in batches for slug in batch) == sorted(parts.documents)
    # a batch holds whole groups up to the budget; everything in one batch when it fits
    (everything,) = _batches(parts, budget=10**9)
    assert sorted(everything) == sorted(parts.documents)


def test_the_real_dataset_gives_the_whole_report(dataset):
    data = b"".join(dataset)
    expected = whole(data)
    # one batch per group of documents, two at a time in worker processes; some groups a batch; all in one
    for budget, jobs in ((1, 2), (60_000, 1), (10**9, 1)):
        report = validate_in_batches([data], MINTER, budget=budget, jobs=jobs)
        assert (report.findings, report.triples, report.conforms) == (expected.findings, expected.triples, True)


KYOTO_REPORT_ITEM = D + "kyoto-congress-report-2021/annex/item/10"
FAULTS = {
    # a compilation entry lists a Kyoto paragraph, not a recommendation (a link checked by type only)
    statement(D + "kyoto-rpm-mapping/entry/100", ONT + "lists", f"<{D}rpm-report-ap/para/26/c>"):
        statement(D + "kyoto-rpm-mapping/entry/100", ONT + "lists", f"<{D}kyoto-declaration-2021/para/5>"),
    # a right type in another batch: no finding, as long as the heading's type is loaded beside the item
    statement(KYOTO_REPORT_ITEM, ONT + "underHeading", f"<{D}kyoto-congress-report-2021/heading/55>"):
        statement(KYOTO_REPORT_ITEM, ONT + "underHeading", f"<{D}vienna-plans-of-action-2002/heading/10>"),
    # a regional report's tag quotes words the compilation's heading does not hold (the focus is the heading)
    statement(D + "rpm-report-a/para/17/a/tag/theme/crime-prevention/selector", OA + "exact", '"crime prevention"'):
        statement(D + "rpm-report-a/para/17/a/tag/theme/crime-prevention/selector", OA + "exact",
                  '"words the heading does not hold"'),
    # a Bangkok paragraph said to be in the Kyoto Declaration (its footnote is Bangkok's)
    statement(D + "bangkok-declaration-2005/para/10", ONT + "document", f"<{D}bangkok-declaration-2005>"):
        statement(D + "bangkok-declaration-2005/para/10", ONT + "document", f"<{D}kyoto-declaration-2021>"),
    # a shared node: a theme without its English label
    statement(DEFAULT_BASE + "theme/corruption", "http://www.w3.org/2004/02/skos/core#prefLabel", '"Corruption"@en'):
        None,
    # within one document: a paragraph without its number
    statement(D + "doha-declaration-2015/para/5", "http://data.europa.eu/eli/ontology#number", '"5"'): None,
}


@pytest.fixture(scope="module")
def faulty(dataset):
    """The real dataset with FAULTS planted, and the whole dataset's report on it."""
    data = planted(dataset, FAULTS)
    return data, whole(data)


def test_faults_across_documents_are_found_as_in_the_whole_dataset(faulty):
    data, expected = faulty
    rules = {(f.rule, f.focus) for f in expected.findings}
    assert {("MappingEntryListsRecommendation", D + "kyoto-rpm-mapping/entry/100"),
            ("TagQuoteOccurs", D + "kyoto-rpm-mapping/heading/2"),
            ("UnitIriUnderDocument", D + "bangkok-declaration-2005/para/10"),
            ("ParagraphNumber", D + "doha-declaration-2015/para/5"),
            ("ConceptEnglishLabel", DEFAULT_BASE + "theme/corruption")} <= rules, sorted(rules)
    assert not any(f.focus == KYOTO_REPORT_ITEM and f.rule == "UnitUnderHeading" for f in expected.findings)
    for budget, jobs in ((1, 2), (60_000, 1)):
        report = validate_in_batches([data], MINTER, budget=budget, jobs=jobs)
        assert report.findings == expected.findings
        assert report.triples == expected.triples


def test_a_batch_whose_worker_dies_is_validated_here(faulty, monkeypatch):
    """A worker that cannot start or dies (here: an interpreter that exits at once) costs speed, not findings."""
    import shutil

    import crimecongress.workers as workers
    data, expected = faulty
    monkeypatch.setattr(workers.sys, "executable", shutil.which("false"))
    report = validate_in_batches([data], MINTER, budget=1, jobs=2)
    assert report.findings == expected.findings and report.triples == expected.triples


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.bad.ttl")))
def test_every_rules_fixture_gives_the_whole_report(fixture):
    data = read_rdf_file(FIXTURES / "base.ttl") + read_rdf_file(FIXTURES / fixture)
    expected = whole(data)
    assert expected.findings, fixture
    assert validate_in_batches([data], MINTER, budget=1, jobs=1).findings == expected.findings



def test_validation_told_to_stop_ends_at_its_next_batch(dataset):
    """The build validates beside its other work; when that work fails, the validation is told to stop and ends at
    its next chunk or batch (workers.Stopped) instead of running through every batch."""
    import threading

    from crimecongress.workers import Stopped
    stop = threading.Event()
    lines_read = []

    def chunks():
        for n, line in enumerate(dataset):
            if n == 1000:
                stop.set()                    # the caller failed while the dataset was being read
            lines_read.append(n)
            yield line
    with pytest.raises(Stopped):
        validate_in_batches(chunks(), MINTER, budget=50_000, jobs=1, stop=stop)
    assert len(lines_read) < 1010
