"""The persistent store and page indexes the commands keep per build (crimecongress.store, serve.data.IndexCache):
never stale, made once even when two processes ask at once, and never needed: without a usable cache directory
the commands answer as before."""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import ROOT
from crimecongress import store
from crimecongress.cli import main
from crimecongress.serve.app import App
from crimecongress.serve.data import Dataset
from crimecongress.serve.worker import Engine

UNIT = "https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/a"
TEXT_QUERY = f"SELECT ?text WHERE {{ <{UNIT}> uncc:text ?text }}"
NEW = "To keep every store in step with the build it was made from;"


@pytest.fixture()
def build(fixture_build, tmp_path) -> Path:
    """A copy of the session's fixture build, that the test may change."""
    return Path(shutil.copytree(fixture_build, tmp_path / "build"))


@pytest.fixture(scope="module")
def old(corpus) -> str:
    """The text of UNIT as the corpus gives it (and the build publishes it)."""
    return next(u.text for u in corpus.document("doha-declaration-2015").units if u.iri == UNIT)


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CRIMECONGRESS_CACHE", str(folder))
    return folder


def query(build: Path, text: str = TEXT_QUERY):
    return CliRunner().invoke(main, ["query", "--build", str(build), "--format", "csv", text])


def rewrite(build: Path, old: str, new: str, *, manifest: bool = True) -> None:
    """Build B: the same build with one text changed in the dumps, the manifest updated as the build does (or
    left as it was: a dump changed behind its back)."""
    lines = (build / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    for name in ("dataset.nq.gz", "dataset.nt.gz"):
        plain = gzip.decompress((build / name).read_bytes()).decode("utf-8")
        assert old in plain
        data = gzip.compress(plain.replace(old, new).encode("utf-8"), mtime=0)
        (build / name).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        lines = [f"{digest}  {name}" if line.endswith("  " + name) else line for line in lines]
    if manifest:
        (build / "MANIFEST.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")


def stores(cache: Path) -> list[str]:
    return sorted(p.name for p in store.stores_dir(cache).iterdir() if p.is_dir())


def test_query_answers_from_a_store_made_once_and_never_stale(old, build, cache):
    first = query(build)
    assert first.exit_code == 0, first.output
    assert old in first.output
    made = stores(cache)
    assert len(made) == 1 and (store.stores_dir(cache) / made[0] / "db").is_dir()

    again = query(build)                 # the same build: the same store, opened again
    assert again.output == first.output and stores(cache) == made

    rewrite(build, old, NEW)             # build B in the place of build A
    second = query(build)
    assert second.exit_code == 0, second.output
    assert NEW in second.output and old not in second.output
    assert len(stores(cache)) == 1 and stores(cache) != made     # A's store was removed


def test_a_dump_changed_behind_the_manifest_is_not_taken_for_the_old_one(old, build, cache):
    assert old in query(build).output
    rewrite(build, old, NEW, manifest=False)
    result = query(build)
    assert NEW in result.output and old not in result.output


@pytest.mark.parametrize("where", ["not-a-directory", "absent"])
def test_the_query_answers_whatever_the_cache_directory(old, build, tmp_path, monkeypatch, where):
    if where == "not-a-directory":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        folder = blocker / "cache"          # cannot be made: every write fails with NotADirectoryError
    else:
        folder = tmp_path / "does" / "not" / "exist"
    monkeypatch.setenv("CRIMECONGRESS_CACHE", str(folder))
    result = CliRunner().invoke(main, ["query", "--build", str(build), TEXT_QUERY])
    assert result.exit_code == 0, result.output
    assert old in result.output and result.stderr == ""
    assert (where == "absent") == (store.stores_dir(folder).is_dir())


def test_the_store_is_opened_read_only_and_holds_the_void_description(build, cache):
    opened = store.open_store(build)
    with pytest.raises(RuntimeError, match="read-write"):
        opened.add(ox.Quad(ox.NamedNode(UNIT), ox.NamedNode(UNIT), ox.Literal("x")))
    void_graph = "https://w3id.org/crime-congress/graph/void"
    assert opened.query(f"ASK {{ GRAPH <{void_graph}> {{ ?s a <http://rdfs.org/ns/void#Dataset> }} }}")


def test_two_processes_making_the_store_at_once_make_one(old, build, cache):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "crimecongress", "query", "--build", str(build), "--format", "csv",
               TEXT_QUERY]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert old in out
    root = store.stores_dir(cache)
    assert len(stores(cache)) == 1
    assert not [p for p in root.iterdir() if p.name.startswith(".making-")]


def test_a_damaged_store_is_made_anew(old, build, cache):
    query(build)
    db = store.stores_dir(cache) / stores(cache)[0] / "db"
    for file in db.iterdir():
        if file.name.startswith("CURRENT"):
            file.write_text("garbage\n")
    assert old in query(build).output          # answered from memory, the damaged store removed
    assert old in query(build).output and len(stores(cache)) == 1


def test_a_sparql_worker_opens_the_store_of_the_current_build(old, build, cache):
    def engine():
        config = App(build, sparql=False).sparql_config()
        assert Path(config["store"]).parent.parent == store.stores_dir(cache)
        return Engine(config)

    select = f"SELECT ?text WHERE {{ <{UNIT}> <https://w3id.org/crime-congress/ontology#text> ?text }}"
    request = {"query": select, "accept": "text/csv", "timeout": 10, "timeout_label": "10",
               "max_results": 100}
    assert old in engine().run(request)["body"].decode()
    rewrite(build, old, NEW)
    body = engine().run(request)["body"].decode()
    assert NEW in body and old not in body


def test_a_worker_answers_from_a_copy_in_memory_once_made_and_the_same(old, build, cache):
    from crimecongress.serve.worker import fits_in_memory
    config = App(build, sparql=False).sparql_config()
    engine = Engine(config, limit_mb=600)                  # the data fits in half of 600 MB
    describe = {"query": f"DESCRIBE <{UNIT}>", "accept": "application/n-triples", "timeout": 10,
                "timeout_label": "10", "max_results": 1000}
    persistent = engine.store
    before = engine.run(describe)
    assert engine.in_memory.wait(60), "the copy in memory was never made"
    assert engine.store is not persistent
    after = engine.run(describe)
    assert after == before and old.encode() in after["body"]
    assert len(engine.store) == len(Engine(config, limit_mb=1).store)
    assert not fits_in_memory(20_000_000, 2048) and fits_in_memory(177_000, 600)


def test_a_worker_whose_limit_is_too_small_for_a_copy_keeps_the_persistent_store(old, build, cache):
    engine = Engine(App(build, sparql=False).sparql_config(), limit_mb=1)
    assert not engine.in_memory.wait(1)
    answer = engine.run({"query": f"ASK {{ <{UNIT}> ?p ?o }}", "accept": "text/plain", "timeout": 10,
                         "timeout_label": "10", "max_results": 100})
    assert answer["body"] == b"true\n"


def test_the_page_indexes_are_read_back_and_never_stale(old, build, cache):
    fresh = Dataset(build)
    files = sorted((cache / "indexes").glob("*.pickle"))
    assert len(files) == 1
    cached = Dataset(build)
    assert (cached.out, cached.inc, cached.subjects) == (fresh.out, fresh.inc, fresh.subjects)
    assert cached.triple_count == fresh.triple_count
    text = "https://w3id.org/crime-congress/ontology#text"
    assert cached.text(UNIT, text) == old

    rewrite(build, old, NEW)
    after = Dataset(build)
    assert after.text(UNIT, text) == NEW
    assert len(list((cache / "indexes").glob("*.pickle"))) == 1 and not files[0].exists()

    (sorted((cache / "indexes").glob("*.pickle"))[0]).write_bytes(b"not a pickle")
    assert Dataset(build).text(UNIT, text) == NEW     # a damaged file: the build is indexed again


def test_the_pages_load_with_the_collector_off_and_leave_it_on(build, cache, monkeypatch):
    import gc
    Dataset(build)                                    # the indexes are in the cache now
    seen = []
    real = Dataset.__init__

    def recording(self, *args, **kwargs):
        real(self, *args, **kwargs)
        seen.append(gc.isenabled())                   # read back from the cache: the collector still off
    monkeypatch.setattr(Dataset, "__init__", recording)
    assert gc.isenabled()
    App(build, sparql=False)
    assert seen == [False] and gc.isenabled()


def test_without_a_usable_cache_the_workers_load_the_dump(build, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRIMECONGRESS_CACHE", str(blocker / "cache"))
    config = App(build, sparql=False).sparql_config()
    assert config["store"] is None
    answer = Engine(config).run({"query": f"ASK {{ <{UNIT}> ?p ?o }}", "accept": "text/plain", "timeout": 10,
                                 "timeout_label": "10", "max_results": 100})
    assert answer["body"] == b"true\n"


def test_a_dump_that_does_not_parse_is_one_line_and_exit_2(build, cache):
    (build / "dataset.nq.gz").write_bytes(gzip.compress(b'<a> <b> "unterminated .\n'))
    result = query(build, "ASK {}")
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {build / 'dataset.nq.gz'}: the dataset does not parse")
    assert result.output.count("\n") == 1
    assert not [p for p in store.stores_dir(cache).iterdir() if p.is_dir()]
