"""`crimecongress publish`: push build/dataset.nq.gz to a SPARQL 1.1 store, then check what the store holds.

Every named graph of the dump (one per document, plus ontology, taxonomy and authorities) is replaced
whole on the server, so publishing again leaves nothing stale and a re-run after a failure finishes the
job. Two ways to write, chosen by `--protocol`:

* **gsp** — the SPARQL 1.1 Graph Store HTTP Protocol: one `PUT {store}?graph={iri}` per graph, with the
  graph's N-Triples as the body. PUT means "replace", so it is idempotent and, on the servers tried
  (Oxigraph, Virtuoso), atomic per graph.
* **update** — SPARQL 1.1 Update, for servers without a graph store: `DROP SILENT GRAPH <g>` and the
  first `INSERT DATA` in one request, then further `INSERT DATA` requests of at most `chunk` triples.
  Chunks, because servers cap the size of an update (Virtuoso's SPARQL compiler fails at about 5,000
  triples in one INSERT DATA: "SP030 ... memory exhausted"). `LOAD <url>` was not chosen: it makes the
  *server* fetch the data, so the dump would first have to be on a web server that the store can reach,
  and many stores refuse LOAD to ordinary accounts. A reader may see a half-loaded graph while its chunks
  arrive; after a failure the report names such a graph "partial" and a re-run drops and reloads it.

`auto` takes gsp where a graph store is known (given with --graph-store, or the usual place for the
server that answers: Oxigraph, Virtuoso, Fuseki, RDF4J/GraphDB, recognised by its `Server` header),
and update otherwise (at --update, or at the query endpoint, which SPARQL 1.1 allows to take updates).

Credentials come from the environment (CRIMECONGRESS_USER, CRIMECONGRESS_PASSWORD) or from a netrc file
(~/.netrc, or the file named by $NETRC), never from the command line. They are sent only after the
server asks for them (HTTP Basic or Digest, answered here without a library): with Digest, the first
request to a protected URL is a body-less HEAD, so a large PUT is never sent only to be refused (Virtuoso
closes the connection on a 401 while the client is still sending).

After loading, one `SELECT ?g (COUNT(*) AS ?n) ... GROUP BY ?g` over the build's graph namespace checks
every graph's triple count against the build; a graph that differs is fetched back and diffed, triple by
triple (with `verify="triples"` every graph is). Graphs left on the server under the build's graph
namespace ({base}graph/) that the build no longer has are reported, and dropped with `prune=True`.

`timeout` is a deadline for each request as a whole (connecting, sending the body, reading all the answer),
not for each read: a server that trickles its answer cannot make a scheduled run hang.

`jobs` sends several graphs at a time (the server, not the client, is the bottleneck); `bulk` asks
Oxigraph for `no_transaction` loads. Measured on 2 cores, 206,763 triples into an empty Oxigraph: 12k
triples/s one graph at a time, 18k with 2 jobs, 26k with no_transaction, 70k with both; replacing graphs
that exist costs 9-16k triples/s whatever the settings (Oxigraph deletes the old triples one by one).

Only the standard library speaks HTTP (urllib); pyoxigraph parses the dump and the server's answers.

The package is cut along the way a run goes: dump.py (the build's graphs), credentials.py, transport.py
(HTTP), target.py (the protocol and its URLs, the servers' usual places), loading.py (replacing a graph),
verification.py (what the server holds) and run.py (the command: publish() and summary()).
"""
from .credentials import Credentials, find_credentials
from .dump import GraphData, read_dataset
from .loading import GraphState, State
from .run import PublishFailed, PublishMismatch, PublishResult, publish, summary
from .target import Protocol, Target
from .transport import Transport, TransportError
from .verification import GraphCheck

__all__ = ["Credentials", "GraphCheck", "GraphData", "GraphState", "Protocol", "PublishFailed", "PublishMismatch",
           "PublishResult", "State", "Target", "Transport", "TransportError", "find_credentials", "publish",
           "read_dataset", "summary"]
