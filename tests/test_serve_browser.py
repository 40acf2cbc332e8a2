"""A real browser on the served pages: headless Chromium driven through ChromeDriver's W3C WebDriver protocol
(plain HTTP and JSON, so no client library). Opens a paragraph page, the theme browser and the query page,
runs an example query by clicking it, waits for the results table, and keeps screenshots in tests/artifacts/.

Needs Debian's `chromium` and `chromium-driver`. When they are missing the test installs them with apt-get
(as `make test` does); it skips only when that is impossible (no apt-get, not root, no network).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from serve_fixture import HOSTILE

pytest_plugins = ["serve_support"]   # the server and build fixtures

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1600", "--hide-scrollbars"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"   # the W3C web element identifier


def ensure_chromium() -> tuple[str, str]:
    """Paths of chromium and chromedriver, installing Debian's packages if they are missing."""
    def found():
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        driver = shutil.which("chromedriver")
        return (browser, driver) if browser and driver else None

    if found():
        return found()
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip("chromium and chromedriver are missing and cannot be installed here (needs apt-get as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        install = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"], env=env,
                                 capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"could not install chromium: {error}")
    if install.returncode != 0 or not found():
        pytest.skip(f"could not install chromium: {install.stderr.strip()[-300:]}")
    return found()


class WebDriver:
    """The handful of W3C WebDriver commands the test needs."""

    def __init__(self, driver_path: str, browser_path: str):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen([driver_path, f"--port={port}"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if self._call("GET", "/status")["value"].get("ready"):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        capabilities = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": browser_path, "args": CHROME_FLAGS + [f"--user-data-dir={self.profile}"]}}}}
        self.session = self._call("POST", "/session", capabilities)["value"]["sessionId"]

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"WebDriver {method} {path}: {error.read().decode()[:500]}") from None

    def command(self, method: str, path: str, payload: dict | None = None):
        return self._call(method, f"/session/{self.session}{path}", payload)["value"]

    def open(self, url: str) -> None:
        self.command("POST", "/url", {"url": url})

    def find(self, css: str) -> str:
        return self.command("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def find_all(self, css: str) -> list[str]:
        return [e[ELEMENT] for e in self.command("POST", "/elements", {"using": "css selector", "value": css})]

    def text(self, element: str) -> str:
        return self.command("GET", f"/element/{element}/text")

    def click(self, element: str) -> None:
        self.command("POST", f"/element/{element}/click", {})

    def script(self, source: str, *args):
        return self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def wait_for(self, source: str, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.script(source)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for: {source}")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        ignore = ARTIFACTS / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# screenshots of the browser test; not committed\n*\n")
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(self.command("GET", "/screenshot")))
        return path

    def quit(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.process.kill()
            self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    chromium, chromedriver = ensure_chromium()
    driver = WebDriver(chromedriver, chromium)
    yield driver
    driver.quit()


def test_paragraph_page_in_a_browser(browser, server):
    browser.open(server.url + "doc/doha-declaration-2015/para/5/d")
    assert browser.text(browser.find("h1")) == "Doha Declaration, para. 5 (d)"
    crumbs = browser.text(browser.find("nav.crumbs"))
    assert crumbs.startswith("Home") and "Doha Declaration" in crumbs and crumbs.endswith("(d)")
    assert "prevent and counter corruption" in browser.text(browser.find(".text"))
    assert browser.script("return getComputedStyle(document.querySelector('.text')).borderLeftStyle") == "solid"
    formats = [browser.text(e) for e in browser.find_all(".formats a")]
    assert formats == ["Turtle", "JSON-LD", "N-Triples", "RDF/XML"]
    shot = browser.screenshot("paragraph.png")
    assert shot.stat().st_size > 10_000


def test_theme_browser_in_a_browser(browser, server):
    browser.open(server.url + "theme")
    links = browser.find_all("ul.tree.root > li > a")
    if not links:
        pytest.skip("this build has no themes yet")
    label = browser.text(links[0])
    browser.click(links[0])
    browser.wait_for("return document.readyState === 'complete' && location.pathname.startsWith('/theme/')")
    assert browser.text(browser.find("h1")) == label
    assert browser.find_all("nav.crumbs a")[1:2] and browser.text(browser.find_all("nav.crumbs a")[1]) == "Themes"
    browser.open(server.url + "theme")
    shot = browser.screenshot("themes.png")
    assert shot.stat().st_size > 10_000


def test_query_page_runs_an_example(browser, server):
    browser.open(server.url + "query")
    run = browser.find("button#run-documents")
    browser.click(run)
    rows = browser.wait_for("var t = document.querySelector('#results-table tbody');"
                            "return t && t.rows.length ? t.rows.length : 0;")
    assert rows >= 5
    headers = browser.script("return Array.from(document.querySelectorAll('#results-table th'))"
                             ".map(function (th) { return th.textContent; });")
    assert headers == ["?document", "?title", "?year", "?paragraphs"]
    cells = browser.script("return Array.from(document.querySelectorAll('#results-table td'))"
                           ".map(function (td) { return td.firstChild ? td.firstChild.textContent : ''; });")
    assert "Doha Declaration" in cells
    assert browser.text(browser.find("#status")).startswith(f"{rows} rows in ")
    # a result IRI links to the page of that IRI on this server
    href = browser.script("return document.querySelector('#results-table td a').getAttribute('href');")
    assert href.startswith("/doc/")
    shot = browser.screenshot("query.png")
    assert shot.stat().st_size > 10_000


def test_hostile_text_stays_text_in_a_browser(browser, fixture_server):
    browser.open(fixture_server.url + "doc/doha-declaration-2015/para/6")
    # had the text been markup, an alert would be open and every WebDriver command would fail
    assert HOSTILE in browser.text(browser.find(".text"))
    assert browser.script("return document.scripts.length;") == 0
