"""The build's content-keyed cache: a build from a cold cache, from a warm one and with --no-cache give the same bytes;
a changed cue is a new key for what depends on it and for nothing else; a damaged entry is made again; a cache that
cannot be written is no cache. Builds run on a copy of the repository's inputs and code (every path in the package
is relative to it), each with a cache folder of its own, never the user's."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crimecongress import cache
from crimecongress.errors import InvalidDocument

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("sources", "mappings", "ontology", "shapes", "crimecongress", "pyproject.toml")
FIXTURES = ROOT / "tests" / "fixtures" / "ontology"

# an in-process build without HermiT (it does not change the files): OUT, then "cache" or "no-cache"
BUILD_WITHOUT_OWL = textwrap.dedent("""
    import sys
    from pathlib import Path
    from crimecongress.build import build
    from crimecongress.ids import Minter
    build(Path(sys.argv[1]), Minter(), lambda message: print(message, file=sys.stderr), check_owl=False,
          use_cache=sys.argv[2] == "cache", force=True)
""")


def copy_repository(target: Path, origin: Path = ROOT) -> Path:
    for name in COPIED:
        source = origin / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def run(repository: Path, cache_dir: Path, *args: str, script: str | None = None) -> subprocess.CompletedProcess:
    """`crimecongress ARGS` (or the script) with the package, sources and mappings of `repository`."""
    env = {**os.environ, "CRIMECONGRESS_CACHE": str(cache_dir), "PYTHONPATH": str(repository),
           "PYTHONHASHSEED": "1"}
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "crimecongress", *args]
    done = subprocess.run(command, cwd=repository, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def entries(cache_dir: Path, kind: str) -> set[str]:
    return {p.name for p in (cache_dir / kind).glob("*/*") if not p.name.startswith(".")}


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    return copy_repository(tmp_path_factory.mktemp("repository"))


@pytest.fixture(scope="module")
def builds(repository, tmp_path_factory):
    """A build from an empty cache, then one from the cache it left: (cache dir, cold, warm, their stderr)."""
    cache_dir = tmp_path_factory.mktemp("cache")
    out = tmp_path_factory.mktemp("builds")
    cold = run(repository, cache_dir, "build", "--out", str(out / "cold"))
    warm = run(repository, cache_dir, "build", "--out", str(out / "warm"))
    return cache_dir, files(out / "cold"), files(out / "warm"), cold.stderr, warm.stderr


def test_a_warm_build_reuses_the_cold_ones_files_byte_for_byte(builds):
    cache_dir, cold, warm, cold_log, warm_log = builds
    assert "[8/8] drawing the figures done" in cold_log and "reusing" not in cold_log
    assert "[1/1] reusing the files of the last build from the same inputs" in warm_log
    assert "parsing the sources" not in warm_log
    assert cold == warm and "MANIFEST.sha256" in cold and len(cold) > 50
    assert len(entries(cache_dir, "embedding")) > 400                 # one per distinct text
    for kind in ("release", "hermit", "shacl"):
        assert len(entries(cache_dir, kind)) == 1, kind


def test_no_cache_gives_the_same_bytes_and_touches_no_cache(builds, repository, tmp_path):
    _, cold, _, _, _ = builds
    unused = tmp_path / "unused-cache"
    done = run(repository, unused, "build", "--no-cache", "--out", str(tmp_path / "out"))
    assert "[8/8] drawing the figures done" in done.stderr
    assert files(tmp_path / "out") == cold
    assert not unused.exists()


def test_the_cache_is_keyed_by_content_not_by_where_the_repository_is(builds, repository, tmp_path):
    cache_dir, cold, _, _, _ = builds
    elsewhere = copy_repository(tmp_path / "elsewhere", repository)
    done = run(elsewhere, cache_dir, "build", "--out", str(tmp_path / "out"))
    assert "reusing the files of the last build" in done.stderr
    assert files(tmp_path / "out") == cold


def test_a_changed_cue_is_rebuilt_from_the_embeddings_it_did_not_change(builds, repository, tmp_path):
    cache_dir, cold, _, _, _ = builds
    changed = copy_repository(tmp_path / "changed", repository)
    cues = changed / "mappings" / "cues" / "actors.yaml"
    text = cues.read_text(encoding="utf-8")
    assert "terms: [academia, academic institutions, academic community]" in text
    cues.write_text(text.replace("terms: [academia, academic institutions, academic community]",
                                 "terms: [academic institutions, academic community]"), encoding="utf-8")
    shared = tmp_path / "cache"
    shutil.copytree(cache_dir, shared)
    embedded = entries(shared, "embedding")

    warm = run(changed, shared, tmp_path / "warm", "cache", script=BUILD_WITHOUT_OWL)
    assert "[3/7] linking SDG targets and lineage" in warm.stderr and "reusing" not in warm.stderr
    assert entries(shared, "embedding") == embedded                  # the texts did not change: all reused
    run(changed, tmp_path / "none", tmp_path / "uncached", "no-cache", script=BUILD_WITHOUT_OWL)
    assert files(tmp_path / "warm") == files(tmp_path / "uncached")

    after = files(tmp_path / "warm")
    differ = {name for name in cold if cold[name] != after.get(name)}
    assert "doc/doha-declaration-2015.ttl" in differ and "MANIFEST.sha256" in differ
    academia = b"/actor/academia>"
    assert after["doc/doha-declaration-2015.ttl"].count(academia) < cold["doc/doha-declaration-2015.ttl"].count(
        academia)


def test_damaged_entries_are_made_again(builds, repository, tmp_path):
    cache_dir, cold, _, _, _ = builds
    damaged = tmp_path / "cache"
    shutil.copytree(cache_dir, damaged)
    for n, entry in enumerate(p for p in sorted(damaged.rglob("*")) if p.is_file()):
        data = entry.read_bytes()
        if n % 2:
            entry.write_bytes(data[: len(data) // 2])                   # torn
        else:
            i = min(40, len(data) - 1)                                      # in the value if it has one
            entry.write_bytes(data[:i] + bytes([data[i] ^ 1]) + data[i + 1:])   # one bit changed
    done = run(repository, damaged, "build", "--out", str(tmp_path / "out"))
    assert "[8/8] drawing the figures done" in done.stderr and "reusing" not in done.stderr
    assert files(tmp_path / "out") == cold
    kept = cache.Cache(damaged)
    assert all(kept.get("embedding", name) is not None for name in entries(damaged, "embedding"))


def test_a_cache_that_cannot_be_written_is_no_cache(builds, repository, tmp_path):
    _, cold, _, _, _ = builds
    (tmp_path / "a-file").write_text("not a folder")
    done = run(repository, tmp_path / "a-file" / "cache", tmp_path / "out", "cache", script=BUILD_WITHOUT_OWL)
    assert "[7/7] drawing the figures done" in done.stderr
    assert files(tmp_path / "out") == cold


# --- the pieces ------------------------------------------------------------------------------------------------------

def test_an_entry_is_its_value_or_nothing(tmp_path):
    store = cache.Cache(tmp_path)
    entry = cache.key("some", "parts")
    assert cache.key("ab", "c") != cache.key("a", "bc")
    assert store.get("kind", entry) is None
    store.put("kind", entry, b"value")
    assert store.get("kind", entry) == b"value"
    path = tmp_path / "kind" / entry[:2] / entry
    path.write_bytes(path.read_bytes()[:-1] + b"X")
    assert store.get("kind", entry) is None
    path.write_bytes(b"short")
    assert store.get("kind", entry) is None
    blocked = cache.Cache(tmp_path / "kind" / entry[:2] / entry / "below-a-file")
    blocked.put("kind", entry, b"value")                                 # no error: just not kept
    assert not blocked.writable and blocked.get("kind", entry) is None


def test_embeddings_across_processes_are_the_sequential_ones_and_are_kept(corpus, tmp_path):
    import numpy
    from crimecongress.linking import embeddings
    texts = list(dict.fromkeys(u.text for d in corpus.documents if d.kind == "declaration" for u in d.units
                               if u.text))[:60]
    sequential = embeddings.compute(texts, workers=1)
    spread = embeddings.compute(texts, workers=2)
    assert len(spread) == len(texts) >= embeddings.PARALLEL_FROM
    assert [v.tobytes() for v in spread] == [v.tobytes() for v in sequential]

    mapping = {f"t{i}": text for i, text in enumerate(texts[:5])}
    with cache.using(cache.Cache(tmp_path)) as store:
        first = embeddings.embed(mapping)
        assert len(entries(tmp_path, "embedding")) == 5
        damaged = next(p for p in (tmp_path / "embedding").glob("*/*"))
        damaged.write_bytes(damaged.read_bytes()[:-4])
        again = embeddings.embed(mapping)
    assert store.hits == 4 and first.tobytes() == again.tobytes() == numpy.stack(sequential[:5]).tobytes()


def test_hermit_verdicts_are_kept_and_a_kept_one_starts_no_java(tmp_path, monkeypatch):
    from crimecongress import reasoning
    ontology = ROOT / "ontology" / "crimecongress.ttl"
    store = cache.Cache(tmp_path)
    with cache.using(store):
        assert reasoning.check_consistency(ontology, FIXTURES / "consistent.nt").consistent
        with pytest.raises(InvalidDocument) as first:
            reasoning.check_consistency(ontology, FIXTURES / "range-clash.nt")
        assert len(entries(tmp_path, "hermit")) == 2

        def no_java(*args, **kwargs):
            raise AssertionError("HermiT ran although its verdict was kept")

        monkeypatch.setattr(reasoning, "_run_hermit", no_java)
        assert reasoning.check_consistency(ontology, FIXTURES / "consistent.nt").consistent
        with pytest.raises(InvalidDocument) as again:
            reasoning.check_consistency(ontology, FIXTURES / "range-clash.nt")
        assert str(again.value) == str(first.value) and "OWL inconsistency" in str(again.value)
        with pytest.raises(AssertionError):                              # other data: a new key, HermiT runs
            reasoning.check_consistency(ontology, FIXTURES / "document-and-unit.nt")
