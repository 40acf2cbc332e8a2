"""`crimecongress query`: SPARQL over the built dataset, from the command line, with no server."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import dumps, store
from .errors import InputError, InvalidDocument
from .prefixes import pick
from .sparqltext import is_update, service_refusal

# Prefixes a query may use without declaring them, in the order a CONSTRUCT answer's Turtle lists them.
PREFIXES = pick(("uncc", "doc", "theme", "instrument", "actor", "eli", "oa", "prov", "skos", "dcterms", "rdfs", "rdf",
                 "xsd", "sdg"))


def open_store(build_dir: Path) -> ox.Store:
    """The build's persistent store (made on first use; see crimecongress.store), read-only."""
    dump = dumps.find(Path(build_dir))
    if dump is None:
        raise InputError("no dataset here", file=dumps.display_name(Path(build_dir)),
                         hint="run `make build` or `crimecongress build` first")
    try:
        return store.open_store(Path(build_dir))
    except SyntaxError as error:
        raise InputError(f"the dataset does not parse: {error.msg}", file=str(dump),
                         hint="make the build again with `crimecongress build`") from None


def _cell(term) -> str:
    return "" if term is None else term.value


def run_query(store: ox.Store, query: str, fmt: str) -> str:
    """Run a read-only query and render its answer: table, csv or json for SELECT; turtle for graphs.

    The usual prefixes are given to the parser, not written in front of the query, so that a syntax error's
    line and column are the user's own. Updates and SERVICE (a call to another server) are refused."""
    if is_update(query):
        raise InvalidDocument("the query is an update; the build is read-only",
                              hint="load build/dataset.nq.gz into a store of your own to change the data")
    refusal = service_refusal(query)
    if refusal:
        raise InvalidDocument("the query calls another server with SERVICE, which this command does not do",
                              hint="query that endpoint directly")
    try:
        result = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise InvalidDocument(f"the query does not parse: {error}") from None
    except (OSError, RuntimeError, ValueError) as error:
        raise InputError(f"the query failed: {str(error).splitlines()[0][:200] if str(error) else type(error).__name__}") from None
    if isinstance(result, ox.QueryBoolean):
        return "true" if result else "false"
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(list(result), format=ox.RdfFormat.TURTLE,
                            prefixes={k: v for k, v in PREFIXES.items() if k != "doc"}).decode()
    names = [variable.value for variable in result.variables]
    rows = [[_cell(row[name]) for name in names] for row in result]
    if fmt == "json":
        import json
        return json.dumps([dict(zip(names, row)) for row in rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        import csv
        import io
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(names)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    widths = [min(100, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths)),
             "-+-".join("-" * w for w in widths)]
    widths[-1] = max(len(r[-1]) for r in rows) if rows else widths[-1]  # the last column is never cut
    lines += [" | ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(r, widths)).rstrip()
              for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def answer(query: str, build_dir: Path, fmt: str) -> str:
    """What `crimecongress query QUERY` prints: QUERY is the query's text, or @FILE to read it from a file."""
    from .limits import QUERY_BYTES, check_depth, check_input, read_input

    name = "(query)"
    if query.startswith("@"):
        name = query[1:]
        data = read_input(Path(name), QUERY_BYTES)
        try:
            query = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})", file=name,
                             hint="save the query as UTF-8") from None
    check_depth(query, "turtle", name)      # SPARQL nested some thousands deep overflows the parser's stack
    for dump in (build_dir / dumps.packed_name(dumps.QUADS), build_dir / dumps.QUADS):
        if dump.exists():                   # a FIFO there would block the store's loader for ever
            check_input(dump, "an N-Quads dump")
    return run_query(open_store(build_dir), query, fmt)
