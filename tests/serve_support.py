"""Helpers for the serve tests: which build to serve, and a real `crimecongress serve` on a free loopback port.

The HTTP tests run against the committed build/ (never the sources), or the build named by the environment
variable CRIMECONGRESS_SERVE_TEST_BUILD. Until build/ holds a dataset they fall back to the fixture build
(serve_fixture.py, the `fixture_build` fixture of conftest.py).
"""
from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT
from crimecongress import dumps

BUILD = Path(os.environ.get("CRIMECONGRESS_SERVE_TEST_BUILD") or ROOT / "build")   # override: another build


def real_build_available() -> bool:
    return dumps.find(BUILD) is not None


class Server:
    """A `crimecongress serve` subprocess; `url` ends with '/'."""

    def __init__(self, build: Path, *args: str):
        self.build = build
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crimecongress", "serve", "--build", str(build), "--port", "0",
             "--host", "127.0.0.1", *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.log: list[str] = []
        self.url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.log.append(line)
            if line.startswith("listening on "):
                self.url = line.split("listening on ", 1)[1].strip()
                break
        if self.url is None:
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.log))
        threading.Thread(target=self._drain, daemon=True).start()
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port

    def wait_workers(self, timeout: float = 60) -> None:
        """Until the server says its SPARQL workers have loaded the store."""
        deadline = time.monotonic() + timeout
        while not any(line.startswith("SPARQL workers ready") for line in self.log):
            if time.monotonic() > deadline:
                raise RuntimeError("the SPARQL workers did not load:\n" + "".join(self.log))
            time.sleep(0.05)

    def _drain(self) -> None:
        for line in self.process.stderr:
            self.log.append(line)

    def request(self, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, accept: str | None = None, **kwargs):
        headers = {"Accept": accept} if accept else {}
        return self.request("GET", path, headers=headers, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def served_build(fixture_build) -> Path:
    """The committed build/ when it exists, else the fixture build."""
    return BUILD if real_build_available() else fixture_build


@pytest.fixture(scope="session")
def server(served_build):
    s = Server(served_build, "--query-timeout", "10", "--max-results", "500")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def fixture_server(fixture_build):
    s = Server(fixture_build)
    yield s
    s.stop()
