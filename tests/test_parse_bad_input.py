"""Bad input to `crimecongress parse`: one line on stderr naming file and line, the documented exit code,
never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crimecongress.cli import main
from crimecongress.corpus.declaration import parse_new_declaration
from crimecongress.corpus.source import read_source
from crimecongress.errors import EXIT_ERROR, EXIT_INVALID, InvalidDocument
from crimecongress.ids import DEFAULT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "declarations"


def run_parse(path: Path):
    return CliRunner().invoke(main, ["parse", str(path)])


def assert_one_line_error(result, name: str, line: int | None, message: str, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = result.stderr.splitlines()
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: ")
    assert f"{name}:{line}: " in errors[0] if line is not None else f"{name}: " in errors[0]
    assert message in errors[0]
    assert result.stdout == ""


# file, exit code, line, message
FIXTURE_CASES = [
    ("empty.txt", EXIT_INVALID, 1, "the file is empty"),
    ("binary.bin", EXIT_ERROR, 2, "this is a binary file, not text"),
    ("latin1.txt", EXIT_ERROR, 3, "not UTF-8 (byte 0xe9"),
    ("gap.md", EXIT_INVALID, 7, "paragraph 3 is missing: 2 is followed by 4"),
    ("duplicate.md", EXIT_INVALID, 7, "paragraph 2 appears twice"),
    ("letter_gap.md", EXIT_INVALID, 9, "subparagraph 1(c) is missing: (b) is followed by (d)"),
    ("missing_footnote.md", EXIT_INVALID, 5, "footnote marker 2 has no footnote text"),
    ("no_paragraph.md", EXIT_INVALID, 3, "no numbered paragraph found"),
]


@pytest.mark.parametrize("name, code, line, message", FIXTURE_CASES, ids=[c[0] for c in FIXTURE_CASES])
def test_bad_fixture_via_cli(name, code, line, message):
    assert_one_line_error(run_parse(FIXTURES / name), name, line, message, code)


# text, line, message: each one defect in an otherwise fine declaration
INLINE_CASES = {
    "first paragraph is not 1": (
        "# Title\n\n2. We affirm.\n\n3. We thank.\n", 3, "paragraph 1 is missing: the first numbered paragraph is 2"),
    "paragraph out of order": (
        "# Title\n\n1. We affirm.\n\n2. We recall.\n\n3. We note.\n\n1. We thank.\n", 9,
        "paragraph 1 is out of order: 3 is followed by 1"),
    "letter repeated": (
        "# Title\n\n1. We endeavour:\n\n(a) To act;\n\n(b) To help;\n\n(b) To help again.\n", 9,
        "subparagraph 1(b) appears twice: (b) is followed by (b)"),
    "list not starting at (a)": (
        "# Title\n\n1. We endeavour:\n\n(b) To act.\n", 5, "subparagraph 1(a) is missing: the list starts at (b)"),
    "subparagraph under no paragraph": (
        "# Title\n\n1. We affirm.\n\nWe therefore endeavour to take the following actions:\n\n(a) To act.\n", 7,
        "subparagraph (a) does not follow a numbered paragraph"),
    "footnote defined twice": (
        "# Title\n\n1. We affirm.¹\n\n¹ One.\n\n¹ Two.\n", 7, "footnote 1 is defined twice"),
    "Unicode marker without footnote": (
        "# Title\n\n1. We affirm the Convention.¹²\n\n¹ One.\n", 3, "footnote marker 12 has no footnote text"),
    "only page numbers": ("1\n\n2\n\n3\n", 1, "nothing but page numbers"),
}


@pytest.mark.parametrize("case", INLINE_CASES)
def test_bad_text_via_cli(tmp_path, case):
    text, line, message = INLINE_CASES[case]
    path = tmp_path / "draft.md"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(run_parse(path), "draft.md", line, message, EXIT_INVALID)


@pytest.mark.parametrize("case", INLINE_CASES)
def test_bad_text_raises_invalid_document_with_file_line_and_hint(tmp_path, case):
    text, line, message = INLINE_CASES[case]
    path = tmp_path / "draft.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        parse_new_declaration(read_source(path), minter=DEFAULT, title=None, slug=None)
    error = caught.value
    assert (error.file, error.line) == ("draft.md", line)
    assert message in error.message and error.hint


def test_no_title_and_no_title_option(tmp_path):
    path = tmp_path / "untitled.txt"
    path.write_text("We, the States,\n\nDeclare as follows:\n\n1. We affirm.\n", encoding="utf-8")
    assert_one_line_error(run_parse(path), "untitled.txt", 1, "no title", EXIT_INVALID)
    result = CliRunner().invoke(main, ["parse", str(path), "--title", "Untitled Declaration"])
    assert result.exit_code == 0 and "untitled-declaration/para/1" in result.stdout


def test_clean_new_declaration_exits_zero():
    result = run_parse(FIXTURES / "new_declaration.md")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize("slug", ["Bad Slug", "déclaration", "-x-"])
def test_a_slug_that_cannot_be_an_iri_is_refused(slug):
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "new_declaration.md"), "--slug", slug])
    assert_one_line_error(result, "new_declaration.md", None, "cannot use", EXIT_ERROR)


def test_a_title_without_letters_or_digits_is_refused(tmp_path):
    path = tmp_path / "symbols.md"
    path.write_text("# ***\n\n1. We affirm.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(path), "--title", "—"])
    assert_one_line_error(result, "symbols.md", None, "cannot use '' as a document slug", EXIT_ERROR)


def test_a_text_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIMECONGRESS_MAX_TEXT_BYTES", "1K")
    path = tmp_path / "long.md"
    path.write_text("# Title\n\n" + "".join(f"{n}. We affirm.\n\n" for n in range(1, 200)), encoding="utf-8")
    assert_one_line_error(run_parse(path), "long.md", None, "too large", EXIT_ERROR)
    assert "CRIMECONGRESS_MAX_TEXT_BYTES=2K" in run_parse(path).stderr
    monkeypatch.setenv("CRIMECONGRESS_MAX_TEXT_BYTES", "1M")
    assert run_parse(path).exit_code == 0


def test_a_bad_limit_setting_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIMECONGRESS_MAX_TEXT_BYTES", "lots")
    result = run_parse(FIXTURES / "new_declaration.md")
    assert result.exit_code == EXIT_ERROR and result.stderr.count("\n") == 1
    assert "CRIMECONGRESS_MAX_TEXT_BYTES='lots'" in result.stderr


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_path_that_is_not_a_regular_file_is_the_projects_one_line_error(tmp_path, kind):
    import os
    path = tmp_path / "draft.md"
    path.mkdir() if kind == "directory" else os.mkfifo(path)
    result = run_parse(path)
    assert_one_line_error(result, "draft.md", None, f"is a {kind if kind == 'directory' else 'FIFO'}", EXIT_ERROR)
    assert "Usage:" not in result.output


def test_a_catalogue_found_valid_once_is_not_checked_again_but_a_changed_one_is(tmp_path):
    """sources/catalogue.yaml as read and checked is remembered in the cache by the text's content: an edit is a
    new text, read anew (never the cached one), and refused when it breaks the schema."""
    from crimecongress import cache
    from crimecongress.corpus import CATALOGUE_FILE, SOURCES_DIR
    from crimecongress.corpus.catalogue import load_catalogue
    from crimecongress.errors import InputError

    text = (SOURCES_DIR / CATALOGUE_FILE).read_text(encoding="utf-8")
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    store = cache.Cache(tmp_path / "cache")
    with cache.using(store):
        first = load_catalogue(path)
        assert (store.hits, store.misses) == (0, 1)
        assert load_catalogue(path) == first
        assert store.hits == 1
        path.write_text(text.replace("short_title: Statement of principles", "short_title: Principles", 1),
                        encoding="utf-8")
        assert load_catalogue(path).documents[0].short_title == "Principles"
        path.write_text(text.replace("kind: declaration", "kind: a-poem", 1), encoding="utf-8")
        with pytest.raises(InputError, match=r"catalogue entry documents/0/kind"):
            load_catalogue(path)
