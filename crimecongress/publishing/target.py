"""Where to write: whether the query endpoint answers, and which protocol and URL to write with -- the Graph
Store Protocol where a graph store is given or known (the usual places of Oxigraph, Virtuoso, Fuseki,
RDF4J/GraphDB, recognised by the `Server` header), SPARQL Update otherwise -- and a graph's URL in a
graph store.

It sends one ASK and nothing else; it knows nothing of the build's graphs.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from enum import Enum

from ..errors import InputError
from .transport import Response, Transport, check_url


class Protocol(str, Enum):
    GSP = "gsp"
    UPDATE = "update"


@dataclass(frozen=True)
class Target:
    endpoint: str               # SPARQL query endpoint (verification)
    protocol: Protocol
    write_url: str              # graph store or update endpoint
    how: str                    # why this protocol and URL, for the progress display
    server: str = ""            # the Server header, if any


def _sibling(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0]       # a URL of the SPARQL server, not an IRI of the dataset
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{folder}/{path}", "", ""))


def _known_graph_store(endpoint: str, server: str, credentials: bool) -> tuple[str, str] | None:
    """The usual graph store and update URLs of a recognised server, from its query endpoint."""
    name = server.lower()
    path = urllib.parse.urlsplit(endpoint).path
    if name.startswith("oxigraph"):
        return _sibling(endpoint, "store"), "Oxigraph"
    if name.startswith("virtuoso"):
        return _sibling(endpoint, "sparql-graph-crud-auth"), "Virtuoso"   # writes need an account
    if "fuseki" in name:
        return _sibling(endpoint, "data"), "Fuseki"
    match = re.search(r"^(.*/repositories/[^/]+)$", path)
    if match:                  # RDF4J and GraphDB
        return endpoint.rstrip("/") + "/rdf-graphs/service", "RDF4J/GraphDB"
    return None


def _known_update(endpoint: str, server: str) -> str:
    name = server.lower()
    if name.startswith("oxigraph"):
        return _sibling(endpoint, "update")
    if name.startswith("virtuoso"):
        return _sibling(endpoint, "sparql-auth")
    if re.search(r"/repositories/[^/]+$", urllib.parse.urlsplit(endpoint).path):
        return endpoint.rstrip("/") + "/statements"
    return endpoint


def _ask(transport: Transport, endpoint: str) -> Response:
    return transport.request("POST", endpoint, urllib.parse.urlencode({"query": "ASK {}"}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded",
                              "Accept": "application/sparql-results+json"})


def resolve_target(transport: Transport, endpoint: str, *, graph_store: str | None = None,
                   update: str | None = None, protocol: str = "auto") -> Target:
    """Check that the query endpoint answers, and choose the protocol and URL to write with."""
    for name, url in (("--endpoint", endpoint), ("--graph-store", graph_store), ("--update", update)):
        if url is not None:
            check_url(name, url)
    answer = _ask(transport, endpoint)     # a dead or wrong endpoint stops us before anything is written
    server = (answer.headers.get("Server", "") or "").strip()
    has_credentials = transport.credentials(endpoint) is not None
    if protocol in ("auto", "gsp") and graph_store:
        return Target(endpoint, Protocol.GSP, graph_store, "Graph Store Protocol at --graph-store", server)
    if protocol == "update" or (protocol == "auto" and update):
        url = update or _known_update(endpoint, server)
        how = "SPARQL Update at " + ("--update" if update else "the endpoint's update URL")
        return Target(endpoint, Protocol.UPDATE, url, how, server)
    known = _known_graph_store(endpoint, server, has_credentials)
    if known is not None:
        url, product = known
        return Target(endpoint, Protocol.GSP, url, f"Graph Store Protocol, {product}'s usual place", server)
    if protocol == "gsp":
        raise InputError("no graph store known for this server",
                         hint="give its URL with --graph-store, or use --protocol update")
    return Target(endpoint, Protocol.UPDATE, _known_update(endpoint, server),
                  "SPARQL Update at the endpoint (no graph store known for this server)", server)


def gsp_url(store: str, graph: str) -> str:
    joiner = "&" if "?" in store else "?"
    return f"{store}{joiner}graph={urllib.parse.quote(graph, safe='')}"
