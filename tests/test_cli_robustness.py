"""Every command, run as a user runs it, with its output on a full device or a closed pipe and its input a FIFO,
a directory, a device or an unreadable file: one line on stderr, exit 2, never a traceback, never a hang."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = sorted((ROOT / "sources").glob("000_*.txt"))[0]
DRAFT = ROOT / "tests" / "fixtures" / "declarations" / "new_declaration.md"
TIMEOUT = 120


def crimecongress(*args: str, stdout=subprocess.PIPE, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crimecongress", *args], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout, text=True)


def assert_one_line_exit_2(run: subprocess.CompletedProcess, *words: str) -> None:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for word in words:
        assert word in lines[0], lines[0]


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# each command as a user runs it; all of them print something on stdout (or fail first)
COMMANDS = {
    "parse": ["parse", str(SOURCE)],
    "parse table": ["parse", str(SOURCE), "--format", "table"],
    "validate": ["validate", str(DRAFT)],
    "query": ["query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"],
    "explain": ["explain", "doha-declaration-2015/para/5/d"],
    "analyse": ["analyse", str(DRAFT)],
    "lint": ["lint"],
    "build --help": ["build", "--help"],
    "--help": ["--help"],
    "--version": ["--version"],
}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("name", COMMANDS)
def test_output_on_a_full_device_is_one_line_exit_2(name):
    with open("/dev/full", "w") as full:
        run = crimecongress(*COMMANDS[name], stdout=full)
    assert_one_line_exit_2(run, "cannot write the output", "No space left on device")


def test_the_commands_that_write_files_or_talk_to_a_server_fail_in_one_line_with_output_on_a_full_device(tmp_path):
    with open("/dev/full", "w") as full:
        site = crimecongress("site", "--out", "/dev/full/site", stdout=full)
        publish = crimecongress("publish", "--endpoint", f"http://127.0.0.1:{free_loopback_port()}/query",
                                "--timeout", "5", "--build", str(ROOT / "build"), stdout=full)
    assert_one_line_exit_2(site, "/dev/full")
    assert_one_line_exit_2(publish, "127.0.0.1")


@pytest.mark.parametrize("name", ["parse", "validate", "query"])
def test_a_closed_pipe_ends_the_command_quietly_with_exit_2(name):
    args = {"parse": ["parse", *map(str, sorted((ROOT / "sources").glob("*.txt")))],
            "validate": ["validate", "--format", "turtle", str(DRAFT)],
            "query": ["query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20000"]}[name]
    read, write = os.pipe()
    os.close(read)                       # the reader is gone before the first byte is written
    try:
        run = crimecongress(*args, stdout=write)
    finally:
        os.close(write)
    assert run.returncode == 2, run.stderr
    assert run.stderr == "", run.stderr  # silence, as Unix tools do when the reader has gone


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "draft.md"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_without_being_opened(tmp_path, fifo):
    ttl = tmp_path / "data.ttl"
    os.mkfifo(ttl)
    build = tmp_path / "build"
    build.mkdir()
    os.mkfifo(build / "dataset.nq")
    for args, name in ((["parse", str(fifo)], "draft.md"), (["validate", str(fifo)], "draft.md"),
                       (["validate", str(ttl)], "data.ttl"), (["validate", "--rdf-format", "turtle", str(fifo)], "draft.md"),
                       (["query", f"@{fifo}"], "draft.md"), (["query", "--build", str(build), "ASK {}"], "dataset.nq")):
        run = crimecongress(*args, timeout=60)
        assert_one_line_exit_2(run, name, "is a FIFO")
    assert_one_line_exit_2(crimecongress("lint", str(fifo), timeout=60), "draft.md", "is not a directory")
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    for args in (["analyse", str(fifo)], ["add", "--sources", str(sources), str(fifo)]):
        assert_one_line_exit_2(crimecongress(*args, timeout=60), "draft.md", "is a FIFO")


def test_a_directory_a_device_and_a_missing_file_are_one_line_errors(tmp_path):
    folder = tmp_path / "folder.md"
    folder.mkdir()
    cases = [(["parse", str(folder)], "is a directory"), (["validate", str(folder)], "is a directory"),
             (["query", f"@{folder}"], "is a directory"), (["parse", "/dev/zero"], "is a device"),
             (["validate", "--rdf-format", "nt", "/dev/null"], "is a device"),
             (["validate", str(tmp_path / "missing.ttl")], "no such file"),
             (["query", f"@{tmp_path / 'missing.rq'}"], "no such file")]
    for args, words in cases:
        assert_one_line_exit_2(crimecongress(*args, timeout=60), words)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "secret.md"
    path.write_text("# Title\n\n1. We affirm.\n", encoding="utf-8")
    path.chmod(0)
    for args in (["parse", str(path)], ["validate", str(path)], ["query", f"@{path}"]):
        assert_one_line_exit_2(crimecongress(*args, timeout=60), "secret.md", "permission denied")


def test_a_deeply_nested_query_is_refused_before_the_parser_overflows(tmp_path):
    # 3,000 nested groups crash pyoxigraph's SPARQL parser (SIGSEGV): the command must refuse it first
    query = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    path = tmp_path / "deep.rq"
    path.write_text(query, encoding="utf-8")
    assert_one_line_exit_2(crimecongress("query", f"@{path}", timeout=60), "deep.rq:1:", "nested 3000 deep",
                           "CRIMECONGRESS_MAX_DEPTH")
