"""The launcher: `query` and `validate` in their plain form run without click, and must answer exactly as the click
commands do; every other form goes to click."""
from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from crimecongress import cli, launch

BUILD = str(ROOT / "build")
DRAFTS = ROOT / "tests" / "fixtures" / "drafts"
SHAPES = ROOT / "tests" / "fixtures" / "shapes"
DOHA_5D = ("SELECT ?text WHERE { <https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d> "
           "uncc:text ?text }")


@pytest.fixture(autouse=True)
def same_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "82")   # help is as wide as the terminal less 2; CliRunner makes it 80 wide


def by_launcher(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["crimecongress", *args])
    # click names the program in its usage lines after sys.argv[0], unless __main__ is a package's (pytest's)
    monkeypatch.setattr(sys.modules["__main__"], "__package__", None)
    with pytest.raises(SystemExit) as ended:
        launch.main()
    captured = capsys.readouterr()
    return ended.value.code or 0, captured.out, captured.err


def by_click(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, args, prog_name="crimecongress")
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    # the bytes, since Result.stdout turns "\r\n" (csv's line ends) into "\n"
    return result.exit_code, result.stdout_bytes.decode(), result.stderr_bytes.decode()


@pytest.mark.parametrize("command", sorted(launch.PLAIN_FORMS))
def test_each_plain_form_is_the_click_commands_options(command):
    """The launcher's table of options, choices, defaults and arguments is that of the click command: an option
    added to one and not the other fails here."""
    form = launch.PLAIN_FORMS[command]
    clicked = cli.main.commands[command]
    options = [p for p in clicked.params if isinstance(p, click.Option) and "--help" not in p.opts]
    assert {p.opts[0] for p in options} == set(form.options)
    for option in options:
        assert not option.is_flag and not option.multiple and len(option.opts) == 1 and not option.secondary_opts
        choices = tuple(option.type.choices) if isinstance(option.type, click.Choice) else None
        assert form.options[option.opts[0]] == choices, option.opts[0]
        default = option.default if isinstance(option.default, (str, os.PathLike)) else None   # else: unset
        default = None if default is None else str(default)
        assert form.defaults.get(option.opts[0]) == default, option.opts[0]
    (argument,) = [p for p in clicked.params if isinstance(p, click.Argument)]
    assert (form.least, form.most) == ((1, 1) if argument.nargs == 1 else (1, None))
    assert argument.required


PLAIN = [
    ["query", "--build", BUILD, DOHA_5D],
    ["query", DOHA_5D, "--build", BUILD, "--format", "json"],
    ["query", f"--build={BUILD}", "--format=csv", "@" + str(ROOT / "queries" / "documents.rq")],
    ["query", "--build", BUILD, "SELECT x WHERE"],                                  # does not parse: 1
    ["query", "--build", BUILD, "INSERT DATA { <a:b> <a:c> <a:d> }"],               # an update: 1
    ["query", "--build", BUILD, "@" + str(ROOT / "no-such-query.rq")],              # no such file: 2
    ["query", "--build", str(ROOT / "no-such-build"), "ASK {}"],                    # no build: 2
    ["validate", str(DRAFTS / "missing-paragraph.md")],                             # does not conform: 1
    ["validate", "--format", "json", "--title", "A draft", str(DRAFTS / "letter-i-after-g.md")],
    ["validate", "--engine", "fast", str(SHAPES / "ActorIri.ok.ttl"), str(SHAPES / "ActorIri.bad.ttl")],
    ["validate", "--rdf-format", "turtle", "--format", "turtle", str(SHAPES / "ChapeauColon.ok.ttl")],
    ["validate", str(ROOT / "no-such-draft.md")],                                   # cannot be read: 2
]


@pytest.mark.parametrize("args", PLAIN, ids=lambda args: " ".join(args)[:60])
def test_a_plain_command_runs_without_click_and_answers_as_click_does(args, capsys, monkeypatch):
    assert launch.plain_arguments(args) is not None
    assert by_launcher(args, capsys, monkeypatch) == by_click(args)


OTHER = [
    ["query", "--help"],
    ["query"],                                          # no query: click's usage error
    ["query", "--format", "xml", "ASK {}"],             # not a choice
    ["query", "--build", BUILD, "--build", BUILD, "ASK {}"],
    ["query", "--build", BUILD, "ASK {}", "ASK {}"],    # one query only
    ["query", "--build", str(ROOT / "README.md"), "ASK {}"],    # a file where a directory is wanted
    ["query", "--build"],
    ["query", "-h"],
    ["validate", "--base", "https://example.org/no-slash", str(DRAFTS / "missing-paragraph.md")],
    ["validate", "--formats", "json", str(DRAFTS / "missing-paragraph.md")],
    ["--version"],
]


@pytest.mark.parametrize("args", OTHER, ids=lambda args: " ".join(args)[:60])
def test_any_other_form_is_left_to_click(args, capsys, monkeypatch):
    assert by_launcher(args, capsys, monkeypatch) == by_click(args)


def test_the_plain_path_does_not_load_click():
    """The point of the launcher: the program's own entry point answers a plain query without importing click."""
    code = ("import atexit, sys; atexit.register(lambda: print('click' in sys.modules, file=sys.stderr)); "
            "from crimecongress.launch import main; main()")
    run = subprocess.run([sys.executable, "-c", code, "query", "--build", BUILD, "ASK {}"], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ})
    assert run.returncode == 0 and run.stdout.strip() == "true", run.stderr
    assert run.stderr.strip() == "False"
