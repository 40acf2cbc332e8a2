"""`crimecongress query`: SPARQL over the committed build from the command line."""
from __future__ import annotations

from click.testing import CliRunner

from conftest import ROOT
from crimecongress.cli import main

BUILD = str(ROOT / "build")


def run(*args):
    return CliRunner().invoke(main, ["query", "--build", BUILD, *args])


def test_query_prints_the_text_of_doha_5d(corpus):
    result = run("SELECT ?text WHERE { <https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d> "
                 "uncc:text ?text }")
    assert result.exit_code == 0, result.output
    expected = corpus.document("doha-declaration-2015").unit(
        "https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d").text
    assert expected in result.output.splitlines()
    assert result.output.rstrip().endswith("(1 row)")


def test_query_from_a_file_as_csv():
    result = run("--format", "csv", "@" + str(ROOT / "queries" / "documents.rq"))
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.startswith("document,")
    assert any("doha-declaration-2015" in row for row in rows)


def test_a_query_that_does_not_parse_exits_1_with_one_line():
    result = run("SELECT x WHERE")
    assert result.exit_code == 1
    assert result.output.startswith("error: the query does not parse") and result.output.count("\n") == 1


def test_a_missing_build_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["query", "--build", str(tmp_path), "ASK {}"])
    assert result.exit_code == 2
    assert "run `make build`" in result.output


def test_an_ask_query_prints_true_or_false():
    assert run("ASK { ?paragraph uncc:text ?text }").output == "true\n"
    assert run("ASK { ?paragraph uncc:text 'no paragraph says this' }").output == "false\n"
