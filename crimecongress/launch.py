"""The `crimecongress` program's entry point.

Loading click and the command definitions costs some 25 ms at every start, as much as opening the dataset's
store. So `query` and `validate` in their plain form (known long options each given once with an acceptable
value, then the positional arguments) are run here without them, through the same functions and the same error
reporting as the click commands in cli.py. Anything else (help, a mistake in the arguments, an unusual spelling,
every other command) goes to cli.py, which parses and reports it as click does.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .ids import DEFAULT_BASE


@dataclass(frozen=True)
class PlainForm:
    """A command's options as the launcher accepts them: {option: its choices, or None for any value}, their
    defaults, and how many positional arguments (`least` up to `most`, None for no limit)."""

    options: dict[str, tuple[str, ...] | None]
    defaults: dict[str, str]
    least: int
    most: int | None


PLAIN_FORMS = {
    "query": PlainForm({"--build": None, "--format": ("table", "csv", "json")},
                       {"--build": "build", "--format": "table"}, 1, 1),
    "validate": PlainForm({"--format": ("text", "json", "turtle"), "--engine": ("fast", "pyshacl"),
                           "--rdf-format": ("turtle", "nt", "nquads", "trig", "jsonld", "rdfxml"),
                           "--title": None, "--slug": None, "--base": None},
                          {"--format": "text", "--engine": "fast", "--base": DEFAULT_BASE}, 1, None),
}


def plain_arguments(args: list[str]) -> tuple[str, dict[str, str], list[str]] | None:
    """(command, {option: value}, positional arguments) when ARGS are a command of PLAIN_FORMS in its plain
    form, else None. Values are taken only when click would take them the same way."""
    if not args or args[0] not in PLAIN_FORMS:
        return None
    form = PLAIN_FORMS[args[0]]
    values: dict[str, str] = {}
    positional: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        name, equals, value = arg.partition("=")
        if name not in form.options or name in values:
            return None                         # -h, --help, --, a short or unknown option, a repeated one
        if not equals:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
        choices = form.options[name]
        if choices is not None and value not in choices:
            return None
        values[name] = value
    if len(positional) < form.least or (form.most is not None and len(positional) > form.most):
        return None
    return args[0], {**form.defaults, **values}, positional


def _readable(path: str, directory: bool = False) -> bool:
    """What click.Path accepts without a word: a path that is not there, or one that can be read (a directory
    where one is wanted)."""
    if not os.path.exists(path):
        return not directory
    return os.access(path, os.R_OK) and (os.path.isdir(path) or not directory)


def _query(values: dict[str, str], positional: list[str]) -> int | None:
    if not _readable(values["--build"], directory=True):
        return None
    from .query import answer
    sys.stdout.write(answer(positional[0], Path(values["--build"]), values["--format"]) + "\n")
    return 0


def _validate(values: dict[str, str], positional: list[str]) -> int | None:
    base = values["--base"]
    if not all(map(_readable, positional)):
        return None
    from .ids import Minter
    try:
        Minter(base)
    except ValueError:
        return None                             # click words the error, naming the option
    from .drafts import validation_answer
    text, code = validation_answer(positional, fmt=values["--format"], engine=values["--engine"], base=base,
                                   rdf_format=values.get("--rdf-format"), title=values.get("--title"),
                                   slug=values.get("--slug"))
    sys.stdout.write(text)
    return code


RUNS = {"query": _query, "validate": _validate}


def main() -> None:
    plain = plain_arguments(sys.argv[1:])
    if plain is not None:
        from .exits import os_failure, reports_errors
        command, values, positional = plain
        try:
            try:
                code = reports_errors(RUNS[command])(values, positional)
            finally:
                if sys.stdout is not None:
                    sys.stdout.flush()
        except OSError as error:
            sys.exit(os_failure(error))
        if code is not None:
            sys.exit(code)
    from .cli import main as click_main
    click_main()
