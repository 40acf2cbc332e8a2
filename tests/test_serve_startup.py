"""Start-up of `crimecongress serve` and `crimecongress query`: SPARQL answers while the pages' indexes are still
loading; a page asked for meanwhile waits for them and is the page a fully loaded server gives (never a partial
one, never a 500); a build whose pages cannot be read stops the server with one line; and what the commands no
longer import or compile at start-up changes nothing they do."""
from __future__ import annotations

import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from conftest import ROOT
from crimecongress import sparqltext
from crimecongress.cli import main
from crimecongress.serve import app as app_module
from crimecongress.serve.app import App, Request

pytest_plugins = ["serve_support"]   # the build fixtures

UNIT = "https://w3id.org/crime-congress/doc/doha-declaration-2015/para/5/d"
ASK = f"ASK {{ <{UNIT}> <https://w3id.org/crime-congress/ontology#text> ?text }}"
# every kind of answer that needs the pages: home, a list, a unit's page and its Turtle, search, the resolver,
# the service description (it counts the graphs' triples from the indexes), a download, the sitemap, an unknown IRI
PAGES = [("/", "text/html"), ("/doc", "text/html"), ("/doc/doha-declaration-2015/para/5/d", "text/html"),
         ("/doc/doha-declaration-2015/para/5/d", "text/turtle"), ("/search?q=corruption", "text/html"),
         ("/resolve?cite=" + quote("Doha Declaration, para. 5 (d)"), "text/html"), ("/sparql", "text/turtle"),
         ("/void.ttl", "text/turtle"), ("/sitemap.xml", "application/xml"), ("/doc/no-such-thing", "text/html")]


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CRIMECONGRESS_CACHE", str(folder))
    return folder


def get(app: App, path: str, accept: str):
    return app.handle(Request("GET", path, {"accept": accept}))


def test_sparql_answers_while_the_pages_load_and_pages_asked_meanwhile_wait_for_them(fixture_build, cache,
                                                                                      monkeypatch):
    gate, loading = threading.Event(), threading.Event()
    real = app_module.Dataset

    def held(*args, **kwargs):           # the pages' indexes take as long as the test wants
        loading.set()
        assert gate.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "Dataset", held)
    app = App(fixture_build, workers=1, max_workers=1, background=True)
    try:
        assert app.wait_workers(60)
        assert loading.wait(60)          # the indexes load once the worker is ready...
        response = get(app, "/sparql?query=" + quote(ASK), "application/sparql-results+json")
        assert response.status == 200 and json.loads(response.body)["boolean"] is True
        assert not app.wait_loaded(0)    # ...and SPARQL did not wait for them

        answers: dict[int, object] = {}
        askers = [threading.Thread(target=lambda i=i, page=page: answers.__setitem__(i, get(app, *page)))
                  for i, page in enumerate(PAGES)]
        for asker in askers:
            asker.start()
        askers[0].join(0.3)
        assert all(asker.is_alive() for asker in askers) and not answers   # held until the pages are there
        gate.set()
        for asker in askers:
            asker.join(60)
        assert app.wait_loaded(0)
    finally:
        gate.set()
        app.close()

    monkeypatch.setattr(app_module, "Dataset", real)
    loaded = App(fixture_build, workers=1, max_workers=1)      # built before serving, as it always was
    try:
        for i, page in enumerate(PAGES):
            expected = get(loaded, *page)
            assert (answers[i].status, answers[i].body) == (expected.status, expected.body), page
            assert answers[i].status in (200, 303, 404), page
    finally:
        loaded.close()
    assert [answer.status for answer in answers.values()].count(200) == len(PAGES) - 2


def test_a_build_whose_pages_cannot_be_read_stops_the_server_with_one_line(fixture_build, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(fixture_build, build)
    # the page indexes read dataset.nt.gz; the SPARQL store reads dataset.nq.gz, which stays sound
    (build / "dataset.nt.gz").write_bytes(gzip.compress(b"<https://example.org/a> not N-Triples .\n"))
    env = {**os.environ, "CRIMECONGRESS_CACHE": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "crimecongress", "serve", "--build", str(build), "--port", "0",
                           "--workers", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr
    assert len([line for line in lines if line.startswith("error:")]) == 1
    assert lines[-1].startswith("error: ") and "cannot read the build: Parser error at line 1" in lines[-1]
    assert not any(line.startswith("listening on") for line in lines)


def test_the_tokens_are_those_of_the_plain_character_classes():
    """sparqltext writes [...\\u00C0-\\uFFFF] as an alternative (cheap to compile); the tokens must be the same."""
    high = r"\u00C0-\uFFFF"
    plain = re.compile("|".join([
        rf"(?P<string>{sparqltext._LONG_STRING}|{sparqltext._SHORT_STRING})",
        r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
        r"(?P<comment>#[^\n\r]*)",
        rf"(?P<var>[?$][\w\u00B7{high}]+)",
        rf"(?P<name>(?:[A-Za-z{high}][\w.\-\u00B7{high}]*)?:(?:[\w{high}%\\:][\w.\-:%\\\u00B7{high}]*)?"
        r"|[A-Za-z_][\w\-]*)",
        r"(?P<other>\S)",
    ]))
    alphabet = ("aZ_9é·ÀÿĀ\u00bf\u00c0\u00b6\uffff\U00010000\U0001F600\U0001D49C" + ":?$<>\"'#\\%.- \n\r{}()"
                + "SELECTservice")
    rng = random.Random(16)
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "queries").glob("*.rq"))]
    texts += ["?é·x é:ü \U0001F600:x ÿ:\uffff ?\U0001D49C ¿ À:À·-", "SERVICE <http://a/> { ?s ?p ?o }"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(20000)]
    for text in texts:
        assert [(t.kind, t.text) for t in sparqltext.tokens(text)] == \
            [(m.lastgroup, m.group()) for m in plain.finditer(text) if m.lastgroup != "comment"], text


def test_query_starts_without_importlib_metadata_and_version_still_answers():
    code = "import sys, crimecongress.cli, crimecongress.query; print('importlib.metadata' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "False", done.stderr
    from crimecongress import __version__
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"crimecongress, version {__version__}\n"
