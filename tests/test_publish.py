"""`crimecongress publish` against real SPARQL servers started on loopback: Oxigraph always, Virtuoso where
Debian's package can be installed. Counts per graph, re-publish without stale triples, a server stopped
half-way, refusals, credentials from the environment and from a netrc file."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import publishing as pub
from crimecongress.ids import Minter
from crimecongress.publishing import (
    PublishFailed, PublishMismatch, State, Credentials, GraphData, find_credentials, publish, read_dataset,
)
from crimecongress.publishing.loading import _chunks
from crimecongress.publishing.transport import _Auth, _parse_challenges
from crimecongress.errors import CrimeCongressError

ROOT = Path(__file__).resolve().parents[1]
DOCS = {"alpha-declaration": 4, "beta-declaration": 30, "gamma-declaration": 120}
NO_CREDENTIALS = {"NETRC": "/nonexistent/netrc", "PATH": os.environ.get("PATH", "")}


def minter(name: str) -> Minter:
    return Minter(f"http://publish.test/{name}/")


def namespace(name: str) -> str:
    return minter(name).graph("")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CRIMECONGRESS_")}
    environment.update(NETRC="/nonexistent/netrc")
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "crimecongress", "publish", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)


def assert_holds_build(endpoint: str, build: Path, name: str) -> None:
    """The server's graphs under the namespace are exactly the build's, triple for triple."""
    expected = pub.build_counts(build)
    assert pub.server_counts(endpoint, namespace(name)) == expected
    for graph in expected:
        assert pub.server_graph(endpoint, graph) == pub.build_graph(build, graph), graph


# ---------------------------------------------------------------------------------------------------------
# Fixtures: real servers
# ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def oxigraph(tmp_path):
    server = pub.Oxigraph(tmp_path / "oxigraph-store").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    binary, why = pub.ensure_virtuoso()
    if binary is None:
        pytest.skip(f"Virtuoso tests skipped: {why}")
    server = pub.Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


DBA = {"CRIMECONGRESS_USER": "dba", "CRIMECONGRESS_PASSWORD": "dba"}


# ---------------------------------------------------------------------------------------------------------
# Oxigraph
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_publish_to_oxigraph_gives_the_build_counts_per_graph(oxigraph, tmp_path, protocol):
    build = pub.make_build(tmp_path / "build", minter("counts"), DOCS)
    run = run_cli("--endpoint", oxigraph.query, "--build", str(build), "--protocol", protocol)
    assert run.returncode == 0, run.stderr
    assert "the server holds exactly the build" in run.stderr
    expected = pub.build_counts(build)
    assert len(expected) == 6            # ontology, taxonomy, authorities, three documents
    assert pub.server_counts(oxigraph.query, namespace("counts")) == expected
    for graph, count in expected.items():          # the progress display names each graph with its triples
        assert f"{count:,} triple" in run.stderr


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_republish_after_a_change_leaves_no_stale_triples(oxigraph, tmp_path, protocol):
    first = pub.make_build(tmp_path / "first", minter("change"), DOCS)
    result = publish(first, oxigraph.query, protocol=protocol, chunk=50, env=NO_CREDENTIALS)
    assert result.target.protocol.value == protocol
    assert_holds_build(oxigraph.query, first, "change")
    # beta loses 10 paragraphs (triples removed); gamma's texts change (triples removed and added)
    second = pub.make_build(tmp_path / "second", minter("change"),
                            {**DOCS, "beta-declaration": 20}, variant={"gamma-declaration": 1})
    publish(second, oxigraph.query, protocol=protocol, chunk=50, env=NO_CREDENTIALS)
    assert_holds_build(oxigraph.query, second, "change")
    beta = minter("change").graph("beta-declaration")
    assert len(pub.server_graph(oxigraph.query, beta)) < len(pub.build_graph(first, beta))


def test_update_protocol_sends_chunks_of_the_given_size(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("chunks"), {"alpha-declaration": 40})
    result = publish(build, oxigraph.query, protocol="update", chunk=25, env=NO_CREDENTIALS)
    triples = pub.build_counts(build)[minter("chunks").graph("alpha-declaration")]
    # one ASK, one request per chunk of each graph, one count query
    chunks = sum(-(-n // 25) for n in pub.build_counts(build).values())
    assert result.requests == 1 + chunks + 1
    assert triples > 25
    assert_holds_build(oxigraph.query, build, "chunks")


def test_server_stopped_half_way_is_reported_and_a_rerun_completes(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("halfway"), DOCS)
    loaded = []

    def stop_after_third(state):
        loaded.append(state.iri)
        if len(loaded) == 3:
            oxigraph.stop()

    with pytest.raises(PublishFailed) as failure:
        publish(build, oxigraph.query, on_graph=stop_after_third, env=NO_CREDENTIALS)
    assert failure.value.exit_code == 2
    states = [s.state for s in failure.value.states]
    assert states == [State.LOADED] * 3 + [State.FAILED] + [State.PENDING] * 2
    lines = failure.value.lines()
    assert len(lines) == 6                                    # one line per graph and its state
    for state, line in zip(failure.value.states, lines):
        assert state.iri in line and f"({state.triples:,} triple" in line
    assert lines[0].split()[0] == "loaded" and lines[3].split()[0] == "failed"
    assert "not loaded" in lines[4] and "cannot reach" in lines[3]
    assert "run the same command again" in str(failure.value)

    oxigraph.start()                                          # same store, same port
    publish(build, oxigraph.query, env=NO_CREDENTIALS)
    assert_holds_build(oxigraph.query, build, "halfway")


def test_cli_reports_a_refusal_half_way_one_line_per_graph_then_a_rerun_completes(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("refusal"), DOCS)
    proxy = pub.Proxy(oxigraph.url, fail_after=2).start()     # the third write gets a 500 from the proxy
    try:
        run = run_cli("--endpoint", proxy.url + "/query", "--build", str(build))
    finally:
        proxy.stop()
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    report = [line for line in run.stderr.splitlines() if line.startswith("  ") and " triple" in line]
    assert [line.split()[0] for line in report] == ["loaded", "loaded", "failed", "not", "not", "not"]
    assert "HTTP 500" in report[2] and "proxy: the backend is down" in report[2]
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("error: publishing stopped at graph 3 of 6")
    assert "2 loaded, 4 not" in last

    run = run_cli("--endpoint", oxigraph.query, "--build", str(build), "--quiet")
    assert run.returncode == 0 and run.stderr == ""
    assert_holds_build(oxigraph.query, build, "refusal")


def test_a_server_that_does_not_answer_in_time_is_reported_as_unknown(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("timeout"), DOCS)
    proxy = pub.Proxy(oxigraph.url, stall_after=1, stall=3).start()
    try:
        run = run_cli("--endpoint", proxy.url + "/query", "--build", str(build), "--timeout", "0.5")
    finally:
        proxy.stop()
    assert run.returncode == 2, run.stderr
    report = [line.split()[0] for line in run.stderr.splitlines() if line.startswith("  ") and " triple" in line]
    assert report[:2] == ["loaded", "unknown"]
    assert "within 0.5 s" in run.stderr


def test_an_endpoint_that_is_down_stops_before_anything_is_sent(tmp_path):
    build = pub.make_build(tmp_path / "build", minter("down"), DOCS)
    run = run_cli("--endpoint", f"http://127.0.0.1:{pub.free_port()}/query", "--build", str(build))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("error: the SPARQL endpoint does not answer")
    assert "nothing was loaded" in run.stderr and "Traceback" not in run.stderr


def test_credentials_from_a_netrc_file_are_answered_to_a_basic_challenge(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("netrc"), DOCS)
    proxy = pub.Proxy(oxigraph.url, user="partner", password="s3cret pass").start()
    netrc = tmp_path / "netrc"
    netrc.write_text('machine 127.0.0.1 login partner password "s3cret pass"\n')
    netrc.chmod(0o600)
    try:
        refused = run_cli("--endpoint", proxy.url + "/query", "--build", str(build))
        accepted = run_cli("--endpoint", proxy.url + "/query", "--build", str(build), env={"NETRC": str(netrc)})
        wrong = run_cli("--endpoint", proxy.url + "/query", "--build", str(build),
                        env={"CRIMECONGRESS_USER": "partner", "CRIMECONGRESS_PASSWORD": "pw-WRONG-42"})
    finally:
        proxy.stop()
    assert refused.returncode == 2
    assert "HTTP 401" in refused.stderr and "CRIMECONGRESS_USER" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
    assert_holds_build(oxigraph.query, build, "netrc")
    assert wrong.returncode == 2
    assert "refused the credentials of user 'partner' from $CRIMECONGRESS_USER" in wrong.stderr
    for run in (refused, accepted, wrong):
        assert "s3cret" not in run.stderr + run.stdout and "pw-WRONG-42" not in run.stderr + run.stdout


def _tamper_with(oxigraph, graph: str, update: str):
    """A callback that, once `graph` is loaded, changes it behind the publisher's back."""
    import urllib.request

    def tamper(state):
        if state.iri == graph:
            request = urllib.request.Request(oxigraph.url + "/update", data=update.encode(),
                                             headers={"Content-Type": "application/sparql-update"})
            urllib.request.urlopen(request, timeout=30).close()
    return tamper


INTRUDER = '<http://publish.test/intruder> <http://publish.test/says> "hello" .'
ELI_NUMBER = "<http://data.europa.eu/eli/ontology#number>"


def test_a_graph_changed_on_the_server_is_named_with_its_diff(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("diff"), DOCS)
    alpha = minter("diff").graph("alpha-declaration")
    update = (f"INSERT DATA {{ GRAPH <{alpha}> {{ {INTRUDER} }} }} ; "
              f'DELETE WHERE {{ GRAPH <{alpha}> {{ ?s {ELI_NUMBER} "1" }} }} ; '
              f'DELETE WHERE {{ GRAPH <{alpha}> {{ ?s {ELI_NUMBER} "2" }} }}')
    with pytest.raises(PublishMismatch) as mismatch:
        publish(build, oxigraph.query, on_graph=_tamper_with(oxigraph, alpha, update), env=NO_CREDENTIALS)
    assert mismatch.value.exit_code == 1
    text = "\n".join(mismatch.value.lines())
    assert f"differs  {alpha}: the server holds 115 triples, the build 116" in text
    assert INTRUDER in text and "1 not in the build" in text
    assert "2 missing on the server" in text and f'{ELI_NUMBER} "2" .' in text
    assert [c.iri for c in mismatch.value.result.checks if not c.ok] == [alpha]


def test_a_change_that_keeps_the_count_is_found_by_verify_triples(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("same-count"), DOCS)
    alpha = minter("same-count").graph("alpha-declaration")
    update = (f"INSERT DATA {{ GRAPH <{alpha}> {{ {INTRUDER} }} }} ; "
              f'DELETE WHERE {{ GRAPH <{alpha}> {{ ?s {ELI_NUMBER} "1" }} }}')
    publish(build, oxigraph.query, on_graph=_tamper_with(oxigraph, alpha, update), env=NO_CREDENTIALS)
    with pytest.raises(PublishMismatch) as mismatch:
        publish(build, oxigraph.query, on_graph=_tamper_with(oxigraph, alpha, update), verify_triples=True,
                env=NO_CREDENTIALS)
    text = "\n".join(mismatch.value.lines())
    assert INTRUDER in text and f'{ELI_NUMBER} "1" .' in text
    # Oxigraph keeps xsd:positiveInteger values as xsd:integer: noted, not counted as a difference
    assert all(c.widened > 0 for c in mismatch.value.result.checks if "declaration" in c.iri)


def test_a_graph_the_build_no_longer_has_is_reported_then_pruned(oxigraph, tmp_path):
    first = pub.make_build(tmp_path / "first", minter("prune"), DOCS)
    publish(first, oxigraph.query, env=NO_CREDENTIALS)
    second = pub.make_build(tmp_path / "second", minter("prune"),
                            {k: v for k, v in DOCS.items() if k != "beta-declaration"})
    run = run_cli("--endpoint", oxigraph.query, "--build", str(second))
    assert run.returncode == 1
    assert f"stale    {minter('prune').graph('beta-declaration')}" in run.stderr
    run = run_cli("--endpoint", oxigraph.query, "--build", str(second), "--prune")
    assert run.returncode == 0, run.stderr
    assert "dropped 1 stale graphs" in run.stderr
    assert_holds_build(oxigraph.query, second, "prune")


def test_publish_the_committed_build(oxigraph):
    build = ROOT / "build"
    if not (build / "dataset.nq.gz").is_file():
        pytest.skip("build/dataset.nq.gz is not there yet: run `make build`")
    result = publish(build, oxigraph.query, env=NO_CREDENTIALS)
    expected = pub.build_counts(build)
    assert {c.iri: c.found for c in result.checks} == expected
    assert any(iri.endswith("/graph/ontology") for iri in expected)


# ---------------------------------------------------------------------------------------------------------
# Virtuoso: Digest authentication, /sparql-graph-crud-auth and /sparql-auth, capped answers
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_virtuoso_with_credentials_from_the_environment(virtuoso, tmp_path, protocol):
    name = f"virtuoso-{protocol}"
    first = pub.make_build(tmp_path / "first", minter(name), DOCS)
    run = run_cli("--endpoint", virtuoso.query, "--build", str(first), "--protocol", protocol, env=DBA)
    assert run.returncode == 0, run.stderr
    assert ("sparql-graph-crud-auth" if protocol == "gsp" else "sparql-auth") in run.stderr
    assert pub.server_counts(virtuoso.query, namespace(name)) == pub.build_counts(first)
    second = pub.make_build(tmp_path / "second", minter(name), {**DOCS, "beta-declaration": 20},
                            variant={"gamma-declaration": 1})
    run = run_cli("--endpoint", virtuoso.query, "--build", str(second), "--protocol", protocol, "--verify",
                  "triples", env=DBA)
    assert run.returncode == 0, run.stderr
    assert pub.server_counts(virtuoso.query, namespace(name)) == pub.build_counts(second)


def test_virtuoso_refuses_without_credentials(virtuoso, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("virtuoso-refused"), DOCS)
    run = run_cli("--endpoint", virtuoso.query, "--build", str(build))
    assert run.returncode == 2
    assert "HTTP 401" in run.stderr and "CRIMECONGRESS_USER" in run.stderr and "Traceback" not in run.stderr
    assert "0 loaded, 6 not" in run.stderr
    assert pub.server_counts(virtuoso.query, namespace("virtuoso-refused")) == {}


def test_virtuoso_refuses_updates_on_its_public_endpoint(virtuoso, tmp_path):
    """Its /sparql runs as the SPARQL user, which may not write: the server's own reason is shown."""
    build = pub.make_build(tmp_path / "build", minter("virtuoso-public"), DOCS)
    run = run_cli("--endpoint", virtuoso.query, "--build", str(build), "--protocol", "update",
                  "--update", virtuoso.query)
    assert run.returncode == 2
    assert "HTTP 500" in run.stderr and "No permission to execute procedure" in run.stderr


def test_virtuoso_with_credentials_from_a_netrc_file(virtuoso, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("virtuoso-netrc"), DOCS)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\n  login dba\n  password dba\n")
    run = run_cli("--endpoint", virtuoso.query, "--build", str(build), env={"NETRC": str(netrc)})
    assert run.returncode == 0, run.stderr
    assert pub.server_counts(virtuoso.query, namespace("virtuoso-netrc")) == pub.build_counts(build)


def test_virtuoso_answers_longer_than_its_row_cap_are_read_back_whole(virtuoso, tmp_path):
    """ResultSetMaxRows is 1000 in the test server: a 2,000-triple graph needs paging to be compared."""
    build = pub.make_build(tmp_path / "build", minter("virtuoso-cap"), {"gamma-declaration": 150})
    graph = minter("virtuoso-cap").graph("gamma-declaration")
    assert pub.build_counts(build)[graph] > 2 * virtuoso.max_rows
    result = publish(build, virtuoso.query, verify_triples=True, env={**NO_CREDENTIALS, **DBA})
    check = next(c for c in result.checks if c.iri == graph)
    assert check.ok and not check.incomplete
    # Virtuoso keeps "0.90"^^xsd:decimal as "0.9": the same value, noted and not counted as a difference
    authorities = next(c for c in result.checks if c.iri.endswith("/graph/authorities"))
    assert authorities.ok and authorities.widened == 1


# ---------------------------------------------------------------------------------------------------------
# Pieces, without a server
# ---------------------------------------------------------------------------------------------------------

def test_digest_response_matches_rfc_2617_example():
    challenge = _parse_challenges('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                                  'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", '
                                  'opaque="5ccc069c403ebaf9f0171e9517f40e41"')["digest"]
    auth = _Auth("digest", challenge, Credentials("Mufasa", "Circle Of Life", "test"))
    import crimecongress.publishing.transport as module
    original = module.os.urandom
    module.os.urandom = lambda n: bytes.fromhex("0a4f113b")          # the RFC's cnonce
    try:
        header = auth.header("GET", "http://www.nowhere.org/dir/index.html")
    finally:
        module.os.urandom = original
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert "nc=00000001" in header and 'cnonce="0a4f113b"' in header


def test_credentials_come_from_the_environment_then_the_netrc_file(tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine store.example login alice password from-netrc\n")
    env = {"NETRC": str(netrc)}
    assert find_credentials("https://store.example/sparql", env).user == "alice"
    assert find_credentials("https://other.example/sparql", env) is None
    both = {**env, "CRIMECONGRESS_USER": "bob", "CRIMECONGRESS_PASSWORD": "pw"}
    assert find_credentials("https://store.example/sparql", both).user == "bob"
    with pytest.raises(CrimeCongressError, match="CRIMECONGRESS_PASSWORD is not set"):
        find_credentials("https://store.example/sparql", {"CRIMECONGRESS_USER": "bob"})
    assert "pw" not in repr(find_credentials("https://x/", both))


def test_a_malformed_netrc_is_one_line_with_its_file_and_line(tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine store.example login alice sesame open\n")
    with pytest.raises(CrimeCongressError) as error:
        find_credentials("https://store.example/", {"NETRC": str(netrc)})
    assert str(netrc) in str(error.value) and "\n" not in str(error.value)


def test_a_build_that_does_not_match_its_manifest_is_refused(tmp_path):
    build = pub.make_build(tmp_path / "build", minter("manifest"), {"alpha-declaration": 2})
    with (build / "dataset.nq").open("ab") as dump:
        dump.write(b"<http://x/s> <http://x/p> <http://x/o> <http://x/g> .\n")
    with pytest.raises(CrimeCongressError, match="MANIFEST.sha256"):
        read_dataset(build)


def test_the_dump_is_read_graph_by_graph_vocabulary_first(tmp_path):
    build = pub.make_build(tmp_path / "build", minter("read"), DOCS)
    graphs = read_dataset(build)
    assert [g.iri.rsplit("/", 1)[1] for g in graphs] == [
        "ontology", "taxonomy", "authorities", "alpha-declaration", "beta-declaration", "gamma-declaration"]
    assert {g.iri: g.triples for g in graphs} == pub.build_counts(build)
    for graph in graphs:
        assert graph.triple_set() == pub.build_graph(build, graph.iri, widen=False)


def test_chunks_cut_at_whole_triples():
    data = GraphData("http://x/g", b"".join(b"<http://x/s%d> <http://x/p> \"v\" .\n" % i for i in range(10)), 10)
    chunks = _chunks(data.ntriples, 4)
    assert [c.count(b"\n") for c in chunks] == [4, 4, 2]
    assert b"".join(chunks) == data.ntriples


def test_a_dump_line_without_a_graph_name_stops_that_graph_with_file_and_line(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    (build / "dataset.nq").write_bytes(b'<http://x/s> <http://x/p> "o" <http://x/g> .\n<http://x/s> <http://x/p> "o" .\n')
    with pytest.raises(CrimeCongressError) as error:
        read_dataset(build)
    assert "dataset.nq:2" in str(error.value) and "no graph name" in str(error.value)


def test_a_triple_whose_graph_cannot_be_told_from_its_object_is_refused_before_sending(tmp_path, oxigraph):
    build = tmp_path / "build"
    build.mkdir()
    (build / "dataset.nq").write_bytes(b"<http://x/s> <http://x/p> <http://x/o> .\n")   # default graph, IRI object
    with pytest.raises(PublishFailed) as failure:
        publish(build, oxigraph.query, env=NO_CREDENTIALS)
    assert failure.value.states[0].state is State.FAILED
    assert "not sent" in failure.value.states[0].detail
    assert pub.server_counts(oxigraph.query, "http://x/") == {}


@pytest.mark.parametrize("bulk", [False, True])
def test_several_graphs_at_a_time_give_the_same_result(oxigraph, tmp_path, bulk):
    build = pub.make_build(tmp_path / "build", minter("jobs"), DOCS)
    run = run_cli("--endpoint", oxigraph.query, "--build", str(build), "--jobs", "3",
                  *(["--no-transaction"] if bulk else []))
    assert run.returncode == 0, run.stderr
    assert_holds_build(oxigraph.query, build, "jobs")
    second = pub.make_build(tmp_path / "second", minter("jobs"), {**DOCS, "beta-declaration": 20},
                            variant={"gamma-declaration": 1})
    publish(second, oxigraph.query, jobs=3, bulk=bulk, env=NO_CREDENTIALS)
    assert_holds_build(oxigraph.query, second, "jobs")


def test_with_several_jobs_a_failure_stops_new_graphs_and_lists_every_state(oxigraph, tmp_path):
    build = pub.make_build(tmp_path / "build", minter("jobs-fail"), {**DOCS, "delta-declaration": 5,
                                                                     "epsilon-declaration": 5})
    proxy = pub.Proxy(oxigraph.url, fail_after=3).start()
    try:
        with pytest.raises(PublishFailed) as failure:
            publish(build, proxy.url + "/query", jobs=2, env=NO_CREDENTIALS)
    finally:
        proxy.stop()
    states = [s.state for s in failure.value.states]
    assert states.count(State.LOADED) == 3
    assert State.FAILED in states and states[-1] is State.PENDING
    assert len(failure.value.lines()) == len(states) == 8
