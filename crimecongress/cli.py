"""The `crimecongress` command. Holds no logic: it parses options, calls a stage, prints, and exits.

Exit codes: 0 ok (or conforms), 1 invalid input (or does not conform), 2 could not run.
"""
from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_ERROR, CrimeCongressError
from .ids import DEFAULT_BASE, Minter


def reports_errors(command):
    """Print a user's mistake as one line on stderr and exit with its code; never a traceback."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CrimeCongressError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_ERROR)
    return wrapper


base_option = click.option("--base", default=DEFAULT_BASE, show_default=True, metavar="IRI",
                           help="Base IRI of every minted identifier (must end with '/').")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crimecongress")
def main():
    """Linked data for the declarations of the UN Congresses on Crime Prevention and Criminal Justice.

    \b
    Typical use:
      crimecongress parse sources/000_*.txt --format table   what the parser finds in a source
      crimecongress build                                    write every released file into build/

    Exit codes: 0 ok, 1 invalid input, 2 could not run.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per unit (the public contract); table: counts per document.")
@click.option("--title", help="Title of a new declaration (default: its first heading).")
@click.option("--slug", help="Slug of a new declaration (default: derived from its title).")
@click.option("--skipped", is_flag=True, help="Also list the source lines that belong to no unit, and why.")
@base_option
@reports_errors
def parse(files, fmt, title, slug, skipped, base):
    """Parse declaration texts into units: paragraphs, subparagraphs, headings, footnotes.

    FILES are the catalogued sources under sources/ or a new declaration in plain text or Markdown
    (numbered paragraphs "1.", lettered subparagraphs "(a)", footnote markers as <sup>N</sup> or ¹²³).

    \b
    Each JSON line has: iri, kind, number, text, parent, position, footnotes, heading,
    source {"file", "lines": [first, last]}.
    """
    from .corpus import SOURCES_DIR, CATALOGUE_FILE, parse_file
    from .corpus.catalogue import load_catalogue

    minter = Minter(base)
    catalogue = load_catalogue(SOURCES_DIR / CATALOGUE_FILE)
    out = click.get_text_stream("stdout")
    for path in files:
        result = parse_file(path, catalogue=catalogue, minter=minter, title=title, slug=slug)
        if fmt == "jsonl":
            for document in result.documents:
                for unit in document.units:
                    out.write(json.dumps(unit.as_json(), ensure_ascii=False) + "\n")
        else:
            click.echo(f"{result.file}  sha256 {result.sha256[:12]}…  "
                       f"{len(result.documents)} document(s), {len(result.skipped)} skipped lines")
            for document in result.documents:
                counts = Counter(unit.kind.value for unit in document.units)
                detail = ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
                click.echo(f"  {document.slug:34} {len(document.units):5} units  ({detail})")
        if skipped:
            for line in result.skipped:
                click.echo(f"{line.file}:{line.line}: skipped ({line.reason}): {line.text[:80]}", err=fmt == "jsonl")
