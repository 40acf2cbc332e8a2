"""The swap that puts a finished tree (the build, the site) in place: never a moment without the output
directory, staging of killed runs removed by the next run, SIGTERM handled as Ctrl-C (one line, exit 2, no
staging, HermiT's JVM stopped), and --out checked before any work."""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crimecongress import fileio
from crimecongress.errors import CrimeCongressError, InvalidDocument
from crimecongress.fileio import atomic_tree, check_out_dir, exchange, remove_leftovers

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "crimecongress.ttl"
DATASET = ROOT / "build" / "dataset.nt.gz"


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def old_tree(out: Path) -> dict[str, str]:
    (out / "doc").mkdir(parents=True)
    (out / "doc" / "a.ttl").write_text("old a")
    (out / "old-only.txt").write_text("old")
    (out / "MANIFEST.sha256").write_text("")     # an earlier build: replaced without --force
    return tree(out)


NEW = {"doc/a.ttl": "new a", "new-only.txt": "new"}


def write_new(out: Path) -> None:
    with atomic_tree(out, what="build") as writer:
        for name, text in NEW.items():
            writer.write(name, text.encode())


def siblings(out: Path) -> list[str]:
    """What else than out is in its parent: staging left behind."""
    return sorted(p.name for p in out.parent.iterdir() if p != out)


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def run_python(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


# --- the exchange ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["tmp_path", "/dev/shm"])
def test_two_directories_are_exchanged_in_one_step_here(tmp_path, where):
    """renameat2(RENAME_EXCHANGE) works on this machine's file system and on tmpfs."""
    if where == "/dev/shm" and not Path("/dev/shm").is_dir():
        pytest.skip("no tmpfs at /dev/shm")
    base = tmp_path if where == "tmp_path" else Path(where)
    first, second = base / f"exchange-a-{os.getpid()}", base / f"exchange-b-{os.getpid()}"
    try:
        first.mkdir()
        second.mkdir()
        (first / "a").write_text("a")
        (second / "b").write_text("b")
        assert exchange(first, second)
        assert [p.name for p in first.iterdir()] == ["b"] and [p.name for p in second.iterdir()] == ["a"]
    finally:
        for folder in (first, second):
            for file in folder.glob("*"):
                file.unlink()
            folder.rmdir()


def test_the_output_directory_exists_at_every_step_of_the_swap(tmp_path, monkeypatch):
    out = tmp_path / "build"
    old = old_tree(out)
    seen = []
    real = fileio.exchange

    def watched(first, second):
        seen.append(("before", tree(out)))
        done = real(first, second)
        seen.append(("after", tree(out)))
        return done

    monkeypatch.setattr(fileio, "exchange", watched)
    write_new(out)
    assert seen == [("before", old), ("after", NEW)]
    assert tree(out) == NEW and siblings(out) == []


def test_a_crash_right_after_the_exchange_leaves_the_new_tree(tmp_path, monkeypatch):
    out = tmp_path / "build"
    old_tree(out)
    real = fileio.exchange

    def crash(first, second):
        real(first, second)
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio, "exchange", crash)
    with pytest.raises(KeyboardInterrupt):
        write_new(out)
    assert tree(out) == NEW and siblings(out) == []


def test_a_failure_before_the_swap_leaves_the_old_tree_and_no_staging(tmp_path):
    out = tmp_path / "build"
    old = old_tree(out)
    with pytest.raises(KeyboardInterrupt):
        with atomic_tree(out, what="build") as writer:
            writer.write("doc/a.ttl", b"half")
            raise KeyboardInterrupt
    assert tree(out) == old and siblings(out) == []


def test_a_process_killed_right_after_the_exchange_leaves_the_new_tree_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "build"
    old_tree(out)
    run = run_python("""
        import os, sys
        from pathlib import Path
        from crimecongress import fileio
        real = fileio.exchange
        def exchange_then_die(first, second):
            real(first, second)
            os._exit(9)
        fileio.exchange = exchange_then_die
        with fileio.atomic_tree(Path(sys.argv[1]), what="build") as writer:
            writer.write("doc/a.ttl", b"new a")
            writer.write("new-only.txt", b"new")
        """, str(out))
    assert run.returncode == 9, run.stderr
    assert tree(out) == NEW
    leftover = siblings(out)
    assert len(leftover) == 1 and leftover[0].startswith(".build.new-")   # the old tree, set aside
    write_new(out)
    assert tree(out) == NEW and siblings(out) == []


# --- where the exchange is not supported: two renames ----------------------------------------------------------------

def test_without_exchange_two_renames_replace_the_tree(tmp_path, monkeypatch):
    out = tmp_path / "build"
    old_tree(out)
    monkeypatch.setattr(fileio, "exchange", lambda first, second: False)
    write_new(out)
    assert tree(out) == NEW and siblings(out) == []


def test_a_process_killed_between_the_two_renames_has_its_old_tree_put_back_by_the_next_run(tmp_path):
    out = tmp_path / "build"
    old = old_tree(out)
    run = run_python("""
        import os, sys
        from pathlib import Path
        from crimecongress import fileio
        fileio.exchange = lambda first, second: False
        rename = Path.rename
        def rename_then_die(self, target):
            done = rename(self, target)
            if self.name == "build":
                os._exit(9)          # the old tree is set aside, the new one not yet in place
            return done
        Path.rename = rename_then_die
        with fileio.atomic_tree(Path(sys.argv[1]), what="build") as writer:
            writer.write("new-only.txt", b"new")
        """, str(out))
    assert run.returncode == 9, run.stderr
    assert not out.exists()
    assert sorted(name.split("-")[0] for name in siblings(out)) == [".build.new", ".build.old"]
    with pytest.raises(RuntimeError):         # the next run fails: the old tree is still there
        with atomic_tree(out, what="build"):
            raise RuntimeError("stop")
    assert tree(out) == old and siblings(out) == []


# --- staging left by killed runs -------------------------------------------------------------------------------------

def test_staging_of_a_dead_process_is_removed_and_that_of_a_live_one_kept(tmp_path):
    out = tmp_path / "build"
    old_tree(out)
    dead, alive = dead_pid(), os.getppid()
    for name in (f".build.new-{dead}", f".build.old-{dead}", f".build.new-{alive}", f".other.new-{dead}"):
        (tmp_path / name / "doc").mkdir(parents=True)
        (tmp_path / name / "doc" / "x.ttl").write_bytes(b"x" * 1000)
    write_new(out)
    assert tree(out) == NEW
    assert siblings(out) == [f".build.new-{alive}", f".other.new-{dead}"]


# --- --out is checked before any work --------------------------------------------------------------------------------

def test_out_checks(tmp_path):
    file = tmp_path / "file"
    file.write_text("x")
    cases = {file: "this is a file", file / "build": f"{file} is a file", Path("/"): "mount point"}
    for out, says in cases.items():
        with pytest.raises(CrimeCongressError) as caught:
            check_out_dir(out, what="build")
        assert says in str(caught.value) and "\n" not in str(caught.value)
    assert check_out_dir(tmp_path / "new" / "deeper" / "build", what="build") == tmp_path / "new/deeper/build"
    assert not (tmp_path / "new").exists()


def crimecongress(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crimecongress", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


@pytest.mark.skipif(not os.path.ismount("/dev/shm"), reason="no mount point at /dev/shm")
@pytest.mark.parametrize("command", ["build", "site"])
def test_out_on_a_mount_point_fails_at_once_with_one_line(command):
    started = time.monotonic()
    process = crimecongress(command, "--out", "/dev/shm")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.count("\n") == 1 and "[1/" not in stderr, stderr
    assert stderr.startswith("error: /dev/shm: cannot write the") and "mount point" in stderr
    assert f"--out /dev/shm/{command}" in stderr
    assert time.monotonic() - started < 20


# --- site --out: never deletes what is not a site --------------------------------------------------------------------

def test_site_refuses_to_replace_a_directory_that_is_not_a_site_unless_forced(fixture_build, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    process = crimecongress("site", "--build", str(fixture_build), "--out", str(out), "--quiet")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2 and stderr.count("\n") == 1, stderr
    assert "not written by `crimecongress site`" in stderr and "--force" in stderr
    assert tree(out) == {"thesis.tex": "years of work"}

    process = crimecongress("site", "--build", str(fixture_build), "--out", str(out), "--quiet", "--force")
    assert process.communicate(timeout=120)[1] == "" and process.returncode == 0
    assert (out / "www" / "index.html").is_file() and not (out / "thesis.tex").exists()

    (out / "stale.txt").write_text("from an older site")      # a site written before is replaced without --force
    process = crimecongress("site", "--build", str(fixture_build), "--out", str(out), "--quiet")
    assert process.communicate(timeout=120)[1] == "" and process.returncode == 0
    assert not (out / "stale.txt").exists() and siblings(out) == []


def test_build_refuses_to_replace_a_directory_that_is_not_a_build_unless_forced(tmp_path, monkeypatch):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    process = crimecongress("build", "--out", str(out), "--quiet")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2 and stderr.count("\n") == 1, stderr
    assert "holds no earlier build" in stderr and "--force" in stderr
    assert tree(out) == {"thesis.tex": "years of work"}

    import crimecongress.build as build_module
    from crimecongress.ids import Minter

    def release(minter, progress, files, check_owl=True, sources=None):      # the checks, not a whole build
        files.tree.write("MANIFEST.sha256", b"")
        return 0, []

    monkeypatch.setattr(build_module, "release", release)
    build_module.build(out, Minter(), lambda message: None, force=True)
    assert tree(out) == {"MANIFEST.sha256": ""}
    (out / "stale.txt").write_text("left by hand")                 # an earlier build is replaced without force
    build_module.build(out, Minter(), lambda message: None)
    assert tree(out) == {"MANIFEST.sha256": ""}


# --- signals ---------------------------------------------------------------------------------------------------------

def wait_for_line(process: subprocess.Popen, start: str, seconds: float = 60) -> list[str]:
    """Read stderr until a line starts with `start`."""
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(start):
            return lines
    raise AssertionError(f"no line {start!r} in {lines}")


def test_sigterm_during_a_build_is_one_line_exit_2_and_leaves_the_old_build(tmp_path):
    out = tmp_path / "build"
    old = old_tree(out)
    process = crimecongress("build", "--out", str(out), "--no-cache")   # a cached build would end before the signal
    wait_for_line(process, "[1/8] parsing the sources ...")
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 2
    assert rest.strip().splitlines()[-1] == "interrupted" and "Traceback" not in rest, rest
    assert tree(out) == old and siblings(out) == []


def processes() -> dict[int, tuple[int, str, str]]:
    """{pid: (parent pid, command name, state)} of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            state, parent = stat[stat.rindex(")") + 2:].split()[:2]
            found[int(entry.name)] = (int(parent), name, state)
    return found


def java_children(pid: int) -> list[int]:
    return [child for child, (parent, name, _) in processes().items() if parent == pid and name == "java"]


def gone(pid: int) -> bool:
    info = processes().get(pid)
    return info is None or info[2] == "Z"


# A build whose release step runs HermiT on the ontology and the committed dataset (HermiT takes some 20 s on
# them, so its JVM outlives a test that does not stop it), through the real command and its staging directory.
REASONING_BUILD = """
    import gzip, sys
    from pathlib import Path
    import pyoxigraph
    from crimecongress import build, cli
    from crimecongress.reasoning import _ntriples, check_consistency_ntriples

    out, ontology, dataset = sys.argv[1:]
    data = _ntriples(Path(ontology), pyoxigraph.RdfFormat.TURTLE) + gzip.decompress(Path(dataset).read_bytes())

    def release(minter, progress, files, *, check_owl=True, sources=None):
        files["written-before.txt"] = b"x"
        progress("reasoning")
        check_consistency_ntriples(data)
        raise SystemExit("the reasoner was never interrupted")

    build.release = release
    sys.argv = ["crimecongress", "build", "--out", out]
    cli.main()
"""


def start_reasoning_build(out: Path) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(REASONING_BUILD), str(out), str(ONTOLOGY),
                                str(DATASET)],
                               cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_line(process, "reasoning")
    deadline = time.monotonic() + 60
    while not (java := java_children(process.pid)):
        assert time.monotonic() < deadline and process.poll() is None, "HermiT's JVM never started"
        time.sleep(0.02)
    assert (out.parent / f".{out.name}.new-{process.pid}" / "written-before.txt").exists()   # its staging
    return process, java[0]


def wait_gone(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return False


def test_sigterm_while_hermit_runs_stops_the_jvm_and_removes_the_staging(tmp_path):
    out = tmp_path / "build"
    old = old_tree(out)
    process, java = start_reasoning_build(out)
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 2
    assert rest.strip().splitlines()[-1] == "interrupted" and "Traceback" not in rest, rest
    assert wait_gone(java), "HermiT's JVM outlived the build"
    assert tree(out) == old and siblings(out) == []


def test_a_build_killed_while_hermit_runs_takes_the_jvm_with_it_and_the_next_build_cleans_up(tmp_path):
    out = tmp_path / "build"
    old = old_tree(out)
    process, java = start_reasoning_build(out)
    process.kill()
    process.communicate(timeout=60)
    assert wait_gone(java), "HermiT's JVM outlived the build"
    assert tree(out) == old and siblings(out) == [f".build.new-{process.pid}"]
    assert remove_leftovers(out) == [tmp_path / f".build.new-{process.pid}"]
    assert tree(out) == old and siblings(out) == []


def test_sigterm_while_the_site_is_written_leaves_the_old_site_and_no_staging(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / ".htaccess").write_text("# Generated by `crimecongress site`: an earlier site\n")
    (out / "index.html").write_text("old")
    old = tree(out)
    process = crimecongress("site", "--build", str(ROOT / "build"), "--out", str(out))
    staging = tmp_path / f".site.new-{process.pid}"
    deadline = time.monotonic() + 120
    while not staging.exists():                      # the committed build's site takes some 10 s to write
        assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 2
    assert rest.strip().splitlines()[-1] == "interrupted" and "Traceback" not in rest, rest
    assert tree(out) == old and siblings(out) == []


def test_a_build_whose_linking_fails_stops_writing_its_documents_before_it_returns(monkeypatch):
    """The documents' graphs are written on a thread while the links are made. When the links fail, the build
    reports their error, stops that thread after the document at hand, and writes nothing once it has returned."""
    import crimecongress.linking as linking
    from crimecongress.build import release
    from crimecongress.errors import InputError
    from crimecongress.ids import Minter
    from crimecongress.release import MemoryTree, ReleasedFiles

    def no_links(*args, **kwargs):
        raise InputError("no links today")
    monkeypatch.setattr(linking, "embed_ahead", lambda corpus: None)
    monkeypatch.setattr(linking, "link_corpus", no_links)
    staged = MemoryTree()
    assert gc.isenabled()
    with pytest.raises(InputError, match="no links today"):
        release(Minter(), lambda message: None, ReleasedFiles(staged), check_owl=False)
    assert gc.isenabled()          # the collector, paused while the corpus and its links are made, is on again
    written = dict(staged.files)
    time.sleep(1)
    assert staged.files == written
    assert len([path for path in written if path.endswith(".jsonld")]) < 3      # of 14 documents


def test_a_dataset_that_fails_its_shapes_publishes_nothing_though_its_dumps_were_written_meanwhile(tmp_path,
                                                                                                    monkeypatch):
    """The SHACL checks run while the whole-dataset files are written; a violation still fails the build with
    the finding named, and leaves the earlier build as it was, with no staging behind."""
    from crimecongress import build as build_module
    from crimecongress.ids import Minter
    from crimecongress.validation.report import Finding, Report
    out = tmp_path / "build"
    old = old_tree(out)
    planted = Finding("https://w3id.org/crime-congress/doc/x", "PlantedRule", "Violation", "a planted violation")
    monkeypatch.setattr(build_module, "_validated", lambda writer, minter, stop: Report((planted,)))
    with pytest.raises(InvalidDocument, match="a planted violation"):
        build_module.build(out, Minter(), lambda message: None, check_owl=False, use_cache=False)
    assert tree(out) == old and siblings(out) == []
