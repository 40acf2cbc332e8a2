"""Random and adversarial input for every reader: declaration texts (.txt, .md), Turtle, TriG, JSON-LD,
N-Triples, N-Quads, RDF/XML and gzip. Whatever the bytes, a reader either reads them or refuses them with one
line (exit 1 or 2): never a traceback, a crash, a hang or gigabytes of memory.

The inputs that once crashed or exhausted the machine run through the real command in a subprocess with its
address space capped; the many small random and mutated inputs run through the reader functions in one
capped child process, so that a crash there fails the test instead of killing pytest."""
from __future__ import annotations

import gzip
import json
import random
import resource
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "sources").glob("*.txt"))
BUILD = ROOT / "build"
MEMORY_CAP = 2 * 1024 ** 3
SEED = 20261207


def capped():
    """In the child: an address-space cap, so that an unbounded allocation fails there, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(args: list[str], timeout: float = 60, **options) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, preexec_fn=capped, **options)


def assert_clean_exit(run: subprocess.CompletedProcess, label: str) -> None:
    assert run.returncode in (0, 1, 2), f"{label}: exit {run.returncode} (a crash): {run.stderr[-500:]}"
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, f"{label}: {run.stderr}"
    if run.returncode == 2:
        last = run.stderr.rstrip("\n").splitlines()[-1]
        assert last.startswith("error: ") or last == "interrupted", f"{label}: {run.stderr}"


def real_bytes(pattern: str, limit: int = 200_000) -> bytes:
    path = sorted(BUILD.glob(pattern))[0]
    data = path.read_bytes()
    return gzip.decompress(data)[:limit] if path.suffix == ".gz" else data[:limit]


# ------------------------------------------------------------------------------------- the known crashers
def gzip_bomb(size: int) -> bytes:
    """A small gzip file holding `size` zero bytes, written without holding them."""
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join([*(engine.compress(zeros) for _ in range(size // len(zeros))), engine.flush()])


def nested_json(depth: int) -> bytes:
    return ('{"http://example.org/p": ' * depth + '"x"' + "}" * depth).encode()


def nested_turtle(depth: int, open_: str = "[ <http://example.org/p> ", close: str = " ]") -> bytes:
    return ("<http://example.org/s> <http://example.org/p> " + open_ * depth + "1" + close * depth + " .\n").encode()


def billion_laughs() -> bytes:
    entities = '<!ENTITY e0 "' + "ha" * 50 + '">' + "".join(
        f'<!ENTITY e{i} "' + f"&e{i - 1};" * 10 + '">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="http://example.org/s"><ex:p>&e9;</ex:p></rdf:Description></rdf:RDF>'
            ).encode()


def nested_xml(depth: int) -> bytes:
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="http://example.org/s">' + "<ex:p><rdf:Description>" * depth
            + "</rdf:Description></ex:p>" * depth + "</rdf:Description></rdf:RDF>").encode()


# name: (bytes, words the one-line error must hold, or None when the file may be read)
CRASHERS = {
    "objects.jsonld": (nested_json(5000), ["nested 5000 deep", "CRIMECONGRESS_MAX_DEPTH"]),
    "arrays.jsonld": (b'{"@id": "http://example.org/s", "http://example.org/p": ' + b"[" * 100_000 + b"]" * 100_000
                      + b"}", ["nested", "deep"]),
    "unbalanced.jsonld": (b"[{" * 50_000, ["nested"]),
    "bnodes.ttl": (nested_turtle(100_000), ["nested 100000 deep"]),
    "lists.ttl": (nested_turtle(100_000, "( ", " )"), ["nested 100000 deep"]),
    "unbalanced.ttl": (b"<http://example.org/s> <http://example.org/p> " + b"([" * 50_000, ["nested"]),
    "graphs.trig": (b"<http://example.org/g> { " + nested_turtle(5_000) + b" }", ["nested"]),
    "laughs.rdf": (billion_laughs(), ["entit"]),
    "elements.rdf": (nested_xml(20_000), ["elements nested"]),
    "bomb.nt.gz": (gzip_bomb(1024 ** 3), ["decompresses to more than", "CRIMECONGRESS_MAX_RDF_BYTES"]),
    "bomb.jsonld.gz": (gzip.compress(nested_json(5000)), ["nested 5000 deep"]),
    "nested.ttl.gz": (gzip.compress(gzip.compress(real_bytes("ontology.ttl"))), ["not valid RDF"]),
    "truncated.ttl.gz": (gzip.compress(real_bytes("ontology.ttl"))[:3000], ["truncated gzip"]),
    "random.nt.gz": (random.Random(SEED).randbytes(5000), ["not a gzip file"]),
    "huge-line.nt": (b"<http://example.org/s> <http://example.org/p> \"" + b"x" * 30_000_000 + b"\" .\n", None),
    "huge-line.ttl": (b"<http://example.org/s> <http://example.org/p> \"" + b"x" * 30_000_000 + b"\" .\n", None),
    "huge-string.jsonld": (b'{"@id": "http://example.org/s", "http://example.org/p": "' + b"x" * 30_000_000 + b'"}',
                           None),
    "nul.nt": (b"<http://example.org/s> <http://example.org/p> \"a\x00b\" .\n\x00\x00", None),
    "latin1.ttl": ("<http://example.org/s> <http://example.org/p> \"Genève\" .\n".encode("latin-1"), ["not valid RDF"]),
    "huge.md": (b"# Title\n\n1. " + b"We affirm. " * 1_600_000 + b"\n", ["too large", "CRIMECONGRESS_MAX_TEXT_BYTES"]),
    "huge-line.md": (b"# Title\n\n1. " + b"We affirm the rule of law " * 300_000 + b"\n", None),
    "nul.md": (b"# Title\n\n1. We affirm.\x00\n", ["binary file"]),
    "invalid-utf8.txt": (b"# Title\n\n1. We affirm \xff\xfe.\n", ["not UTF-8"]),
    "brackets.md": (b"# Title\n\n1. " + b"(" * 100_000 + b"a" + b")" * 100_000 + b"\n", None),
}


@pytest.fixture(scope="module")
def crasher_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crashers")
    for name, (data, _) in CRASHERS.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", CRASHERS)
def test_a_crasher_is_refused_in_one_line_within_bounds(crasher_files, name):
    command = "parse" if name.endswith((".md", ".txt")) else "validate"
    run = run_capped([sys.executable, "-m", "crimecongress", command, str(crasher_files / name)])
    assert_clean_exit(run, name)
    words = CRASHERS[name][1]
    if words is not None:
        assert run.returncode == 2, f"{name}: {run.stderr}"
        error = run.stderr.strip()
        assert "\n" not in error and name in error, error
        for word in words:
            assert word in error, error


def test_a_raised_limit_lets_a_legitimate_input_through(crasher_files, tmp_path):
    """The limits are documented with how to pass them: the variable named in the error does it."""
    path = tmp_path / "deep.ttl"
    path.write_bytes(nested_turtle(100))
    refused = run_capped([sys.executable, "-m", "crimecongress", "validate", str(path)])
    assert refused.returncode == 2 and "CRIMECONGRESS_MAX_DEPTH=128" in refused.stderr, refused.stderr
    import os
    allowed = run_capped([sys.executable, "-m", "crimecongress", "validate", str(path)],
                         env={**os.environ, "CRIMECONGRESS_MAX_DEPTH": "128"})
    assert allowed.returncode == 0, allowed.stderr


# ------------------------------------------------------------------------------------ random and mutated
def mutate(data: bytes, rng: random.Random) -> bytes:
    """None to five edits of the kinds that break parsers: flipped bytes, cut or repeated ranges, stray brackets
    and quotes, NUL, invalid UTF-8, a truncated end."""
    data = bytearray(data)
    for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
        at = rng.randrange(len(data) + 1)
        kind = rng.randrange(8)
        if kind == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif kind == 1:
            del data[at:at + rng.randint(1, 200)]
        elif kind == 2:
            data[at:at] = data[at:at + rng.randint(1, 300)] * rng.randint(2, 20)
        elif kind == 3:
            data[at:at] = rng.choice([b"[", b"]", b"{", b"}", b"(", b")", b'"', b"'", b'"""', b"<", b">", b"#",
                                      b"\\", b"@prefix", b"\n1.", b"(a)", b"\xc3", b"\x00"]) * rng.randint(1, 70)
        elif kind == 4:
            data = data[:at]
        elif kind == 5:
            data[at:at] = b"\xff\xfe\x80"
        elif kind == 6:
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        else:
            data[at:at] = b"\n" * rng.randint(1, 5)
    return bytes(data)


def whole_lines(data: bytes, limit: int) -> bytes:
    return data[:data.rfind(b"\n", 0, limit) + 1]


def real_rdf() -> dict[str, bytes]:
    """Valid samples of real data in every syntax, so that a mutation starts from something readable."""
    import pyoxigraph as ox

    triples = list(ox.parse(BUILD.joinpath("taxonomy.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))[:80]
    graph = ox.NamedNode("http://example.org/graph")
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    prefixes = {"skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/"}
    return {"ttl": ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes),
            "jsonld": ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
            "nt": whole_lines(real_bytes("doc/*.nt.gz"), 6000),
            "nq": whole_lines(real_bytes("dataset.nq.gz"), 6000),
            "trig": ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes),
            "rdf": ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)}


def random_cases(rng: random.Random) -> dict[str, bytes]:
    texts = [whole_lines(path.read_bytes(), 6000) for path in SOURCES] + [
        path.read_bytes() for path in sorted((ROOT / "tests" / "fixtures" / "declarations").glob("*.md"))]
    rdf = real_rdf()
    cases: dict[str, bytes] = {}
    for i in range(300):
        suffix = rng.choice(["md", "txt"])
        cases[f"text{i}.{suffix}"] = mutate(rng.choice(texts), rng)
    for i in range(40):
        cases[f"random{i}.{rng.choice(['md', 'txt', 'ttl', 'jsonld', 'nt', 'nq', 'trig', 'rdf'])}"] = \
            rng.randbytes(rng.choice([1, 10, 100, 3000]))
    for i in range(600):
        suffix = rng.choice(sorted(rdf))
        cases[f"rdf{i}.{suffix}"] = mutate(rdf[suffix], rng)
    for i in range(100):
        suffix = rng.choice(["ttl", "jsonld", "nt"])
        packed = gzip.compress(mutate(rdf[suffix], rng))
        cases[f"gz{i}.{suffix}.gz"] = mutate(packed, rng) if i % 2 else packed
    return cases


# Runs in a capped child: each file through its reader; prints one JSON object per file.
READER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from crimecongress.corpus import parse_file
    from crimecongress.errors import CrimeCongressError
    from crimecongress.validation import as_data

    for name in sys.argv[1:]:
        path = Path(name)
        try:
            if path.suffix in (".md", ".txt"):
                parse_file(path)
            else:
                as_data([path]).store()
            outcome = {"file": path.name, "result": "read"}
        except CrimeCongressError as error:
            outcome = {"file": path.name, "result": "refused", "exit": error.exit_code, "message": str(error)}
        except Exception as error:
            outcome = {"file": path.name, "result": "crashed", "message": repr(error)[:300]}
        print(json.dumps(outcome), flush=True)
""")


def test_random_and_mutated_inputs_are_read_or_refused_in_one_line(tmp_path):
    rng = random.Random(SEED)
    cases = random_cases(rng)
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    run = run_capped([sys.executable, "-c", READER, *(str(tmp_path / name) for name in cases)], timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    outcomes = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["file"] for o in outcomes] == list(cases)
    crashed = [o for o in outcomes if o["result"] == "crashed"]
    assert not crashed, crashed[:5]
    for outcome in outcomes:
        if outcome["result"] == "refused":
            assert outcome["exit"] in (1, 2) and "\n" not in outcome["message"], outcome
            assert outcome["file"] in outcome["message"] or outcome["message"].startswith("(graph)"), outcome
    # the mutations must exercise both paths, or the test proves nothing
    results = {o["result"] for o in outcomes}
    assert results == {"read", "refused"}, results


def test_mutated_real_files_through_the_command(tmp_path):
    """A few mutated sources and build files through the real command, in one call each."""
    rng = random.Random(SEED + 1)
    runs = []
    for i in range(3):
        source = tmp_path / f"draft{i}.md"
        source.write_bytes(mutate(SOURCES[i].read_bytes(), rng))
        runs.append(["parse", str(source)])
        ttl = tmp_path / f"data{i}.ttl"
        ttl.write_bytes(mutate(real_bytes("ontology.ttl", 60_000), rng))
        runs.append(["validate", str(ttl)])
    for args in runs:
        assert_clean_exit(run_capped([sys.executable, "-m", "crimecongress", *args]), " ".join(args))


# ------------------------------------------------------------------------------------------- the scanners
def test_the_depth_scan_finds_real_depths_and_ignores_brackets_in_strings_iris_and_comments():
    from crimecongress.limits import max_depth

    assert max_depth(b'{"a": [1, {"b": "[[[{"}], "c\\"[": 2}', "json") == 3
    assert max_depth(b'<s> <p> [ <q> ( 1 "(((" """ [[ " ]]""" ) ] . # ((((\n<http://x/(((> <p> "a" .', "turtle") == 2
    assert max_depth(b'<?xml version="1.0"?><!-- <a><b> --><r a=">"><x/><y><![CDATA[<z>]]></y></r>', "xml") == 2
    assert max_depth(b"[[[[[", "json") == 5                        # unclosed brackets count
    assert max_depth(gzip.decompress((BUILD / "dataset.jsonld.gz").read_bytes()), "json") == 5


@pytest.mark.parametrize("syntax", ["json", "turtle", "xml"])
def test_the_depth_scan_stays_linear_on_inputs_built_to_make_it_backtrack(syntax):
    """Unclosed strings, tags and comments are the classic way to make a scanner quadratic."""
    import time

    from crimecongress.limits import max_depth

    started = time.monotonic()
    for piece in (b'"\\', b'"""\\"', b"<a", b"'''", b'#"', b'<a "', b"<!--", b"<![CDATA[", b"<?", b"<!",
                  b'<!ENTITY a "', b"\\", b"<!DOCTYPE ["):
        max_depth(piece * (1_000_000 // len(piece)), syntax)
    assert time.monotonic() - started < 10


def test_plain_xml_entities_are_read_and_entities_built_of_entities_are_refused(tmp_path):
    from crimecongress.errors import InputError
    from crimecongress.validation import read_rdf_file

    body = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="&ex;s"><ex:p>x</ex:p></rdf:Description></rdf:RDF>')
    plain = tmp_path / "plain.rdf"
    plain.write_text(f'<!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>{body}', encoding="utf-8")
    assert b"<http://example.org/s> <http://example.org/p> \"x\" ." in read_rdf_file(plain)
    nested = tmp_path / "nested.rdf"
    nested.write_text(f'<!DOCTYPE rdf:RDF [<!ENTITY a "http://e">\n<!ENTITY ex "&a;xample.org/">]>{body}')
    with pytest.raises(InputError, match="defined from other entities") as caught:
        read_rdf_file(nested)
    assert caught.value.line == 2
