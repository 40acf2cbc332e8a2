"""The `crimecongress` command. Holds no logic: it parses options, calls a stage, prints, and exits.

Exit codes: 0 ok (or conforms), 1 invalid input (or does not conform), 2 could not run.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from .errors import EXIT_ERROR
from .exits import os_failure, reports_errors
from .ids import DEFAULT_BASE, Minter


class _Main(click.Group):
    """The command group; it flushes the output before exiting, so that a full disk or closed pipe is reported
    as one line (also for --help), never as a traceback or an "Exception ignored" at interpreter exit."""

    def main(self, *args, **kwargs):
        stdout = sys.stdout
        try:
            try:
                return super().main(*args, **kwargs)
            finally:
                if sys.stdout is not None:
                    sys.stdout.flush()
        except OSError as error:
            sys.exit(os_failure(error))
        except SystemExit:
            if sys.stdout is not stdout:    # click met a closed pipe (--help | true) and wrapped stdout
                sys.exit(EXIT_ERROR)
            raise


base_option = click.option("--base", default=DEFAULT_BASE, show_default=True, metavar="IRI",
                           help="Base IRI of every minted identifier (must end with '/').")


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version, as click.version_option prints it; the version is looked up only when asked for, since
    importlib.metadata costs every command some 17 ms to import."""
    if value and not ctx.resilient_parsing:
        from . import __version__
        click.echo(f"crimecongress, version {__version__}", color=ctx.color)
        ctx.exit()


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
def main():
    """Linked data for the declarations of the UN Congresses on Crime Prevention and Criminal Justice.

    \b
    Typical use:
      crimecongress parse sources/000_*.txt --format table   what the parser finds in a source
      crimecongress build                                    write every released file into build/

    Exit codes: 0 ok, 1 invalid input, 2 could not run.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))   # checked by read_source
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
    (numbered paragraphs "1.", lettered subparagraphs "(a)", footnote markers as <sup>N</sup> or ¹²³),
    or a UN resolution's PDF (its text layer, read line by line as printed).

    \b
    Each JSON line has: iri, kind, number, text, parent, position, footnotes, heading,
    source {"file", "lines": [first, last]}.
    """
    from .corpus import SOURCES_DIR, CATALOGUE_FILE, parse_file
    from .corpus.catalogue import load_catalogue

    minter = Minter(base)
    catalogue = load_catalogue(SOURCES_DIR / CATALOGUE_FILE)
    out = sys.stdout
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


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Directory to write; replaced as a whole only when every file is ready.")
@click.option("--quiet", is_flag=True, help="No progress display (for scripts).")
@click.option("--force", is_flag=True, help="Replace OUT even if it holds something other than a build.")
@click.option("--no-cache", is_flag=True,
              help="Compute everything anew, reading and writing no cache. By default the build keeps what it can "
                   "reuse (embeddings, HermiT's verdict, the SHACL report, the files of an unchanged build) in "
                   "$CRIMECONGRESS_CACHE, else $XDG_CACHE_HOME/crimecongress or ~/.cache/crimecongress; the "
                   "files are the same bytes either way.")
@base_option
@reports_errors
def build(out, quiet, force, no_cache, base):
    """Build every released file into OUT: ontology, taxonomy, authority lists, one file per document and
    one for the whole dataset in Turtle, JSON-LD and N-Triples, an N-Quads dump (a named graph per
    document), the VoID/DCAT description and a checksum manifest.

    The build is deterministic: running it twice gives the same bytes. It stops with exit code 1 if the
    data is inconsistent with the ontology (HermiT, needs Java).
    """
    from .build import build as run_build

    def progress(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    result = run_build(out, Minter(base), progress, force=force, use_cache=not no_cache)
    if not quiet:
        click.echo(f"wrote {len(result.files)} files, {result.triples} triples, into {result.out_dir}", err=True)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query endpoint (used to check what it holds after loading).")
@click.option("--graph-store", metavar="URL", help="Its SPARQL 1.1 Graph Store Protocol endpoint.")
@click.option("--update", metavar="URL", help="Its SPARQL 1.1 Update endpoint.")
@click.option("--protocol", type=click.Choice(["auto", "gsp", "update"]), default="auto", show_default=True,
              help="gsp: PUT each graph whole; update: DROP + INSERT DATA in chunks; auto: gsp where a graph "
                   "store is given or known for the server, else update.")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="The build directory whose dataset.nq.gz is published.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True, metavar="S",
              help="Seconds each request may take in all: connecting, sending and reading the whole answer.")
@click.option("--verify", type=click.Choice(["counts", "triples"]), default="counts", show_default=True,
              help="counts: compare each graph's triple count (and diff a graph that differs); "
                   "triples: fetch every graph back and compare triple by triple.")
@click.option("--prune", is_flag=True, help="Drop graphs under the build's graph namespace that the build "
                                            "no longer has (a removed or renamed document).")
@click.option("--chunk", type=click.IntRange(min=1), default=1000, show_default=True, metavar="N",
              help="Triples per INSERT DATA request (update protocol only).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Graphs sent at a time.")
@click.option("--no-transaction", "bulk", is_flag=True,
              help="Oxigraph only: load each graph without a transaction (faster into an empty store; a graph "
                   "whose request fails may be left half-loaded until the next run).")
@click.option("--quiet", is_flag=True, help="No progress display (for scripts); errors are still printed.")
@reports_errors
def publish(endpoint, graph_store, update, protocol, build_dir, timeout, verify, prune, chunk, jobs, bulk, quiet):
    """Publish BUILD/dataset.nq.gz to a SPARQL 1.1 store: every named graph (one per document, plus
    ontology, taxonomy and authorities) replaced whole, so a re-publish leaves nothing stale; then check
    that the server holds exactly the build's triples.

    \b
    Credentials (never on the command line): CRIMECONGRESS_USER and CRIMECONGRESS_PASSWORD, or the
    host's entry in ~/.netrc (or in the file $NETRC names). HTTP Basic and Digest are answered.

    \b
    Examples:
      crimecongress publish --endpoint http://localhost:7878/query          # Oxigraph
      crimecongress publish --endpoint http://localhost:8890/sparql         # Virtuoso (dba in ~/.netrc)
      crimecongress publish --endpoint https://host/ds/sparql --protocol update --update https://host/ds/update

    Exit codes: 0 published and checked; 1 the server does not hold exactly the build (the graphs that
    differ are listed); 2 loading stopped (each graph is listed as loaded, failed or not loaded: run the
    same command again to finish).
    """
    from .publishing import PublishFailed, PublishMismatch, publish as run_publish, summary

    def progress(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    try:
        result = run_publish(build_dir, endpoint, graph_store=graph_store, update=update, protocol=protocol,
                             timeout=timeout, verify_triples=verify == "triples", prune=prune, chunk=chunk,
                             jobs=jobs, bulk=bulk, progress=progress)
    except (PublishFailed, PublishMismatch) as failure:
        for line in failure.lines():
            click.echo(line, err=True)
        raise
    if not quiet:
        click.echo(summary(result), err=True)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="TCP port (0: any free port; the URL is printed).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI of the data, mapped onto this server's root [default: the build's void:uriSpace].")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="The build to serve (made by `crimecongress build`).")
@click.option("--query-timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True, metavar="S",
              help="Seconds a SPARQL query may run before it is stopped (503).")
@click.option("--max-results", type=click.IntRange(1), default=10000, show_default=True, metavar="N",
              help="Rows (or triples) a query may return; an answer with more is refused whole with 400 (and the "
                   "header X-SPARQL-MaxRows), never cut short.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="SPARQL worker processes kept warm (each holds its own copy of the store).")
@click.option("--max-workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Workers the pool may grow to, so that quick queries find one idle while long ones run "
                   "[default: twice the cores, plus two].")
@click.option("--per-client", type=click.IntRange(1, 64), default=2, show_default=True, metavar="N",
              help="Queries one client (address) may have running at once; more wait their turn.")
@click.option("--worker-memory", type=click.IntRange(0), default=2048, show_default=True, metavar="MB",
              help="Address-space cap of each SPARQL worker; a query that needs more fails alone (500). 0: none.")
@click.option("--query-cache", type=click.IntRange(0), default=64, show_default=True, metavar="MB",
              help="Memory for remembered answers (the data never changes while serving); 0: none.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="IRI",
              help="A SPARQL endpoint that queries may call with SERVICE (repeat for several). Without it, "
                   "federation is off: SERVICE is refused with 400 and the workers have no network.")
@click.option("--trust-proxy", is_flag=True,
              help="Behind a reverse proxy: tell clients apart by the address the proxy appends to "
                   "X-Forwarded-For, not by the proxy's own.")
@click.option("--log", "access_log", is_flag=True, help="Print one line per request on stderr.")
@reports_errors
def serve(port, host, base, build_dir, query_timeout, max_results, workers, max_workers, per_client, worker_memory,
          query_cache, allow_service, trust_proxy, access_log):
    """Serve the build: a read-only SPARQL endpoint at /sparql and every IRI of the dataset as a page in
    HTML, Turtle, JSON-LD, N-Triples and RDF/XML (by Accept header or suffix), with search (/search),
    a citation resolver (/resolve?cite=...), a query page (/query) and the dumps for download.

    \b
    What the endpoint refuses, and why (see the README, "Running serve in public"):
      updates (403); SERVICE to any endpoint not named by --allow-service (400);
      a query past --query-timeout (503); more than --per-client queries at once from one client (they wait;
      429 past eight waiting); a long query that would take the last free worker (503).
    """
    import re

    from .serve.server import run

    def log(message: str) -> None:
        click.echo(message, err=True)

    for iri in allow_service:
        if not re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", iri):
            raise click.BadParameter(f"{iri!r} is not an http(s) IRI", param_hint="--allow-service")
    run(build_dir, host=host, port=port, base=base, query_timeout=query_timeout, max_results=max_results,
        workers=workers, max_workers=max_workers, per_client=per_client, query_cache_mb=query_cache,
        worker_memory_mb=worker_memory or None, federation=frozenset(allow_service), trust_proxy=trust_proxy,
        log=log if access_log else None,
        announce=lambda message: click.echo(message, err=True))


@main.command()
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="The build to publish (made by `crimecongress build`).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory to write [default: BUILD/site]: the web root www/ and, beside it, nginx.conf, "
                   "apache.conf and w3id/; replaced as a whole when every file is ready.")
@click.option("--base", default=None, metavar="IRI", help="Base IRI of the data [default: the build's].")
@click.option("--public-url", default="http://localhost/", show_default=True, metavar="URL",
              help="Where the site is served (the root of a host): the configs' server name and the w3id "
                   "redirect's target.")
@click.option("--listen", default="80", show_default=True, metavar="[ADDR:]PORT",
              help="What nginx and Apache listen on.")
@click.option("--root", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Where www/ will be on the web server, as an absolute path [default: OUT/www].")
@click.option("--upstream", default="http://127.0.0.1:8080", show_default=True, metavar="URL",
              help="`crimecongress serve`, which answers /sparql, /search, /resolve and what the web server "
                   "cannot negotiate exactly.")
@click.option("--sparql-upstream", default=None, metavar="URL",
              help="The SPARQL endpoint /sparql is passed to [default: UPSTREAM/sparql], e.g. a store's.")
@click.option("--maintainer", "maintainers", multiple=True, metavar="TEXT",
              help="A maintainer named in the w3id README ('Name <email> (GitHub @handle)'); repeatable.")
@click.option("--no-dumps", is_flag=True, help="Leave the dumps out of the site (they stay in BUILD).")
@click.option("--force", is_flag=True, help="Replace OUT even if it holds something other than a site.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@reports_errors
def site(build_dir, out, base, public_url, listen, root, upstream, sparql_upstream, maintainers, no_dumps, force,
         quiet):
    """Write the pages and RDF of every IRI as a static site (OUT/www: one folder per IRI path holding
    index.html, .ttl, .jsonld, .nt and .rdf, the dumps under dataset/) and, beside it, the nginx server block
    and Apache virtual host that publish it with `crimecongress serve` upstream, and the w3id.org folder to
    submit. Same bytes on every run. See the README, "Deploying the site"."""
    from .serve.site import write_site

    result = write_site(build_dir, out or build_dir / "site", base=base, dumps=not no_dumps, force=force,
                        public_url=public_url, listen=listen, root=root and root.absolute(), upstream=upstream,
                        sparql_upstream=sparql_upstream, maintainers=maintainers,
                        progress=None if quiet else (lambda message: click.echo(message, err=True)))
    if not quiet:
        click.echo(f"wrote {result.files} files for {result.resources} resources into {result.out_dir} "
                   f"in {result.seconds:.1f} s (web root {result.web_root})", err=True)


@main.command()
@click.option("--write", is_flag=True, help="Rewrite the files that are not in canonical form.")
@click.argument("mappings_dir", required=False, type=click.Path(path_type=Path))    # checked below, in one line
@reports_errors
def lint(write, mappings_dir):
    """Check the hand-curated files under mappings/: each must load against its schema, refer only to
    known entries, and be in canonical form (sorted, fixed key order) so that edits give small diffs.

    Exit 1 when a file is not canonical (without --write) or does not load.
    """
    from .lint import lint_mappings
    from .vocab import load_vocabulary
    from .vocab.load import MAPPINGS_DIR

    directory = mappings_dir or MAPPINGS_DIR
    if not directory.is_dir():
        from .errors import InputError
        raise InputError("no such directory" if not directory.exists() else "is not a directory", file=str(directory),
                         hint="give the directory of the mapping files, e.g. mappings/")
    vocabulary = load_vocabulary(directory)
    from .tagging import known_values, load_cues, load_curations   # the tagging cues and curated overrides
    load_cues(directory, known=known_values(vocabulary))
    load_curations(directory)
    report = lint_mappings(directory, write=write)
    for line in report:
        click.echo(line)
    if report and not write:
        sys.exit(1)
    if not report:
        click.echo("every mapping file is canonical")


@main.command()
@click.argument("iri")
@base_option
@reports_errors
def explain(iri, base):
    """Print the tags of one paragraph with the evidence for each: method, cue or curation, confidence,
    the words in context (the match highlighted) and where they come from (the paragraph, its chapeau, its
    heading or its footnote).

    IRI is the unit's IRI, or its path below {base}doc/, e.g. doha-declaration-2015/para/5/d.
    Exit 1 when there is no such unit.
    """
    from .corpus import SOURCES_DIR, load_corpus
    from .errors import InvalidDocument
    from .tagging import tag_corpus
    from .tagging.explain import explain as explain_unit, find_unit
    from .vocab import load_vocabulary

    minter = Minter(base)
    corpus = load_corpus(SOURCES_DIR, minter=minter)
    unit = find_unit(corpus, iri, minter.base)
    if unit is None:
        raise InvalidDocument(f"no unit {iri!r} in the corpus",
                              hint="give a unit IRI or its path, e.g. doha-declaration-2015/para/5/d")
    tags = tag_corpus(corpus, load_vocabulary(), minter)
    for line in explain_unit(corpus, tags, unit, highlight=lambda s: click.style(f"[{s}]", bold=True)):
        click.echo(line)


@main.command()
@click.argument("query")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="The build to query (its dataset.nq.gz).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@reports_errors
def query(query, build_dir, fmt):
    """Run a SPARQL query over the built dataset (all named graphs as one), with no server.

    QUERY is the query text, or @FILE to read it from a file (e.g. @queries/instruments-most-cited.rq).
    The prefixes uncc: doc: theme: instrument: actor: eli: oa: prov: skos: dcterms: rdfs: rdf: xsd: sdg:
    are declared for you.

    \b
    Example:
      crimecongress query 'SELECT ?text WHERE {
        <https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d> uncc:text ?text }'
    """
    from .query import answer
    click.echo(answer(query, build_dir, fmt))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))   # checked by the readers
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="text: one line per finding; json: the findings as data; turtle: a standard sh:ValidationReport.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the shapes as SPARQL on pyoxigraph; pyshacl: the reference validator (same findings, slower).")
@click.option("--rdf-format", type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "rdfxml"]),
              help="Read every PATH as RDF in this format (default: by suffix; .txt and .md are declaration texts).")
@click.option("--title", help="Title of a new declaration (default: its first line).")
@click.option("--slug", help="Slug of a new declaration (default: derived from its title).")
@base_option
@reports_errors
def validate(paths, fmt, engine, rdf_format, title, slug, base):
    """Check declaration texts or RDF against the SHACL shapes (shapes/) and list what is wrong, with lines.

    PATHS are declaration texts (.txt, .md: a draft, or the catalogued sources under sources/) or RDF
    (.ttl, .nt, .nq, .jsonld/.json, .rdf). A draft is parsed leniently so that every fault is reported,
    each finding with its file and line, the paragraph, the rule and what to fix.

    \b
    Exit codes: 0 conforms (warnings allowed), 1 does not conform (any Violation),
                2 could not run (unreadable file, unparseable RDF, shapes the fast engine
                does not support: use --engine pyshacl).
    """
    from .drafts import validation_answer

    try:
        Minter(base)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base") from None
    text, code = validation_answer(paths, fmt=fmt, engine=engine, base=base, rdf_format=rdf_format, title=title,
                                   slug=slug)
    click.echo(text, nl=False)
    sys.exit(code)


@main.command()
@click.argument("draft", type=click.Path(path_type=Path))      # checked by read_source
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle", "html"]), default="text",
              show_default=True, help="text: for the terminal; json and turtle: for programs; html: one "
                                      "self-contained page for a drafter.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--title", help="Title of the draft (default: the one its header or first line gives).")
@click.option("--slug", help="Slug of the draft (default: derived from its symbol or title).")
@click.option("--no-cache", is_flag=True, help="Compute the corpus side anew instead of reading it from the cache "
                                               "($CRIMECONGRESS_CACHE, else ~/.cache/crimecongress).")
@base_option
@reports_errors
def analyse(draft, fmt, out, title, slug, no_cache, base):
    """Run the whole pipeline on a text that is not in the corpus (.txt, .md or a UN .pdf): its structure
    findings, each paragraph's themes, instruments and actors with the words that triggered them, its SDG
    targets and the paragraphs of the earlier declarations it continues (or "new"); then what the draft
    renews, what it adds, and what of the Kyoto Declaration it leaves out.

    The corpus side is cached, keyed by a hash of the sources, the mappings and the code.
    Exit 0 when the report was made (whatever it finds), 1 when the text does not parse, 2 when it cannot be read.
    """
    from .analyse import FORMATS, analyse as run_analyse
    from .fileio import write_atomic

    try:
        Minter(base)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base") from None
    result = run_analyse(draft, title=title, slug=slug, base=base, use_cache=not no_cache)
    text = FORMATS[fmt](result)
    if out is not None:
        write_atomic(out, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))      # checked by read_source
@click.option("--title", help="Title (default: the one its header or first line gives).")
@click.option("--slug", help="Slug (default: derived from its symbol or title).")
@click.option("--year", type=click.IntRange(1900, 2100), help="Year of adoption (default: from its header date, "
                                                               "or the year its slug ends with).")
@click.option("--symbol", metavar="A/RES/NN/NN", help="The General Assembly resolution that endorsed it "
                                                      "(default: the symbol its header prints).")
@click.option("--adopted-by", metavar="N|SLUG", help="The Congress number, or the slug of the meeting in "
                                                     "mappings/congresses.yaml, that adopted it.")
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="CRIMECONGRESS_SOURCES", help="The sources directory [default: the project's sources/; "
                                                   "env CRIMECONGRESS_SOURCES].")
@base_option
@reports_errors
def add(file, title, slug, year, symbol, adopted_by, sources_dir, base):
    """Add a declaration text (.txt, .md or a PDF) to the sources and the catalogue (with its sha256), so that
    the next `crimecongress build` publishes it like the others.

    Refused (exit 1) when the same text is already catalogued, its slug is taken, or it does not parse as a
    declaration; exit 2 when it cannot be read. Nothing is written unless the corpus, loaded with the new text,
    reads it as `parse` does.
    """
    from .add import add_source
    from .corpus import SOURCES_DIR

    added = add_source(file, sources_dir=sources_dir or SOURCES_DIR, title=title, slug=slug, year=year,
                       symbol=symbol, adopted_by=adopted_by, minter=Minter(base))
    click.echo(f"added {file} as {added.file}: {', '.join(added.slugs)} ({added.units} units), catalogued in "
               f"{added.catalogue}; `crimecongress build` publishes it")
