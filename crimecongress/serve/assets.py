"""The stylesheet and the one script (the query page's), served from /_static/; and the vendored YASGUI
(the query page's editor), served from /assets/vendor/ when `make setup` has fetched it. No external assets."""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"      # gitignored: filled by `make setup` from the npm registry
VENDOR_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class VendorFile:
    url: str       # path under the site's mount: "assets/vendor/yasgui/4.6.2/yasgui.min.js" (versioned: cached long)
    file: Path
    media: str


@dataclass(frozen=True)
class Yasgui:
    version: str
    script: VendorFile
    stylesheet: VendorFile
    style_hashes: tuple[str, ...]   # CSP sources ('sha256-...') for the <style> its column resizer inserts


def inserted_styles(script: str) -> list[str]:
    """The fixed stylesheets the bundle inserts as <style> elements (its table's column resizer does:
    createStyle(head, `...`)). The page's Content-Security-Policy allows exactly these by their hashes."""
    return re.findall(r"createStyle\(\w+,`([^`\\$]*)`", script)


def yasgui(folder: Path = VENDOR / "yasgui") -> Yasgui | None:
    """The newest fetched version of @zazuko/yasgui (a folder named by its version holding both dist files),
    or None: the query page then keeps its plain form."""
    versions = [d for d in folder.iterdir() if re.fullmatch(r"\d+(\.\d+)*", d.name)
                and (d / "yasgui.min.js").is_file() and (d / "yasgui.min.css").is_file()] if folder.is_dir() else []
    if not versions:
        return None
    newest = max(versions, key=lambda d: tuple(int(n) for n in d.name.split(".")))

    def item(name: str) -> VendorFile:
        return VendorFile(f"assets/vendor/yasgui/{newest.name}/{name}", newest / name,
                          VENDOR_TYPES[Path(name).suffix])

    script = (newest / "yasgui.min.js").read_text(encoding="utf-8")
    hashes = tuple("'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
                   for text in inserted_styles(script))
    return Yasgui(newest.name, item("yasgui.min.js"), item("yasgui.min.css"), hashes)


CSS = """\
:root {
  --ink: #1d2530; --muted: #5b6776; --faint: #616c79; --line: #dde3ea; --paper: #ffffff; --wash: #f5f7fa;
  --accent: #005f8f; --accent-soft: #e3f1f8; --mark: #fff1a8; --ok: #1f7a3a; --warn: #9a5b00;
  --serif: "Iowan Old Style", "Palatino Linotype", Palatino, Georgia, "Times New Roman", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root { --ink: #e4e9ef; --muted: #a7b2bf; --faint: #8e9aa7; --line: #2f3944; --paper: #141a21; --wash: #1b232c;
          --accent: #7cc4ec; --accent-soft: #1d3443; --mark: #352c00; }
}
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0; background: var(--paper); color: var(--ink); font: 1rem/1.55 var(--sans); }
/* links in running text are underlined (colour alone does not tell them apart); menus and chips are not */
a { color: var(--accent); text-decoration: underline; text-decoration-thickness: 1px; text-underline-offset: .16em; }
a:hover, a:focus { text-decoration-thickness: 2px; }
header.site a, .chip { text-decoration: none; }
header.site a:hover, header.site a:focus, .chip:hover, .chip:focus { text-decoration: underline; }
header.site { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; align-items: center; padding: .7rem 1.4rem;
  border-bottom: 1px solid var(--line); background: var(--wash); }
header.site .brand { font-weight: 700; color: var(--ink); letter-spacing: .01em; }
header.site .brand span { color: var(--accent); }
header.site nav { display: flex; flex-wrap: wrap; gap: .2rem 1rem; font-size: .92rem; }
header.site form { margin-left: auto; display: flex; gap: .3rem; }
input[type=search], input[type=text], select, textarea { font: inherit; color: var(--ink); background: var(--paper);
  border: 1px solid var(--line); border-radius: 6px; padding: .35rem .55rem; }
input[type=search] { width: 12rem; max-width: 50vw; }
input, select, textarea { max-width: 100%; }
button, .button { font: inherit; font-size: .92rem; cursor: pointer; border: 1px solid var(--accent); color: #fff;
  background: var(--accent); border-radius: 6px; padding: .35rem .8rem; }
@media (prefers-color-scheme: dark) { button, .button { color: #0b1116; } }
button.quiet { background: transparent; color: var(--accent); }
main { max-width: 56rem; margin: 0 auto; padding: 1.2rem 1.4rem 3rem; }
main.wide { max-width: 74rem; }
footer.site { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: 1rem 1.4rem 2rem;
  text-align: center; }
h1 { font-size: 1.65rem; line-height: 1.25; margin: .3rem 0 .4rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02rem; margin: 1.3rem 0 .4rem; }
.crumbs { font-size: .88rem; color: var(--muted); margin-bottom: .4rem; }
.crumbs a { color: var(--muted); }
.crumbs .sep { margin: 0 .35rem; color: var(--faint); }
.kind { display: inline-block; font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  border: 1px solid var(--line); border-radius: 999px; padding: 0 .55rem; margin-right: .4rem; }
.iri { font: .82rem/1.4 var(--mono); color: var(--muted); word-break: break-all; margin: .2rem 0 1rem; }
.lead { color: var(--muted); margin: .2rem 0 1rem; }
.text { font: 1.08rem/1.65 var(--serif); margin: 1rem 0; padding: .9rem 1.1rem; background: var(--wash);
  border-left: 4px solid var(--accent); border-radius: 0 6px 6px 0; }
.context { font: .98rem/1.6 var(--serif); color: var(--muted); margin: .8rem 0 -.2rem; }
.num { font-weight: 700; color: var(--accent); margin-right: .4rem; font-family: var(--sans); font-size: .95em; }
sup.fn a { font: .72rem var(--sans); font-weight: 700; padding: 0 .1rem; }
ul.plain { list-style: none; padding: 0; margin: .3rem 0; }
ul.plain > li { margin: .35rem 0; }
.why { color: var(--muted); font-size: .88rem; }
.why q { font-style: italic; }
.chip { display: inline-block; font-size: .78rem; background: var(--accent-soft); color: var(--accent);
  border-radius: 999px; padding: 0 .55rem; margin: .1rem .15rem .1rem 0; white-space: nowrap; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.2rem; margin: .6rem 0 1rem;
  font-size: .93rem; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; word-break: break-word; }
.formats a { margin-right: .8rem; font-size: .9rem; }
.small { font-size: .86rem; color: var(--muted); }
.snippet { font: .96rem/1.55 var(--serif); margin: .15rem 0 .2rem; }
mark { background: var(--mark); color: inherit; padding: 0 .08em; border-radius: 2px; }
nav.pager { display: flex; justify-content: space-between; margin: 2rem 0 0; font-size: .92rem; gap: 1rem; }
/* documents in reading order */
.reading { font: 1.04rem/1.65 var(--serif); }
.reading .unit { margin: .55rem 0; position: relative; }
.reading .unit:target { background: var(--mark); border-radius: 4px; }
.reading .depth-1 { margin-left: 2rem; }
.reading .depth-2 { margin-left: 4rem; }
.reading .depth-3 { margin-left: 6rem; }
.reading .formula, .reading .preamble { font-style: italic; }
.reading .formula { color: var(--muted); }
.reading .self { font: .75rem var(--sans); color: var(--faint); margin-left: .3rem; visibility: hidden; }
.reading .unit:hover .self { visibility: visible; }
.reading .chips { display: block; font-family: var(--sans); }
.reading h2, .reading h3, .reading h4, .reading h5 { font-family: var(--sans); border: 0; }
.reading .hl-1 { margin-left: 0; } .reading .hl-2 { margin-left: 1.2rem; } .reading .hl-3 { margin-left: 2.4rem; }
.reading .hl-4 { margin-left: 3.6rem; } .reading .hl-5 { margin-left: 4.8rem; }
.footnotes { font-size: .9rem; border-top: 1px solid var(--line); margin-top: 2rem; padding-top: .6rem; }
.footnotes li:target { background: var(--mark); }
.toc ul { list-style: none; padding-left: 1.1rem; margin: .1rem 0; }
.toc > ul { padding-left: 0; }
.toc li.level-2 { margin-left: 1.1rem; } .toc li.level-3 { margin-left: 2.2rem; } .toc li.level-4 { margin-left: 3.3rem; }
/* trees and tables */
ul.tree { list-style: none; padding-left: 1.2rem; margin: .15rem 0; border-left: 1px dotted var(--line); }
ul.tree.root { padding-left: 0; border: 0; }
ul.tree li { margin: .2rem 0; }
.count { color: var(--faint); font-size: .85rem; margin-left: .3rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
  overflow-wrap: break-word; }
.table-box { overflow-x: auto; }          /* a table wider than the screen scrolls in its box, not the page */
.props { table-layout: fixed; }              /* so that a long IRI in a value wraps within its column */
th { color: var(--muted); font-weight: 600; background: var(--wash); white-space: nowrap; }
td.mono, .mono { font-family: var(--mono); font-size: .82rem; overflow-wrap: anywhere; }
td.mono { min-width: 14ch; }                 /* a hash or an IRI wraps, but not one letter a line */
.props th { width: 14rem; max-width: 35vw; background: none; }
.group { margin: 1rem 0 1.4rem; }
.group > h3 { margin: 1.6rem 0 .2rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .07em;
  color: var(--muted); border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
.group > h3 a { color: var(--muted); }
.group h4 { margin: .9rem 0 .2rem; font-size: 1rem; }
.lineage .score { font-size: .78rem; color: var(--muted); margin-left: .4rem; }
.notice { border: 1px solid var(--line); border-left: 4px solid var(--warn); padding: .6rem .9rem; background: var(--wash);
  border-radius: 0 6px 6px 0; margin: 1rem 0; }
.error { border-left-color: #b3261e; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; }
.figures figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; background: #fff; }
.figures img { width: 100%; height: auto; display: block; }
.figures figcaption { color: #5b6776; }       /* on the figure's white, in a dark page too */
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(19rem, 1fr)); gap: 0 2.2rem; }
/* query page */
textarea#query { width: 100%; min-height: 15rem; font: .86rem/1.45 var(--mono); }
.query-layout { display: grid; grid-template-columns: minmax(0, 1fr) 21rem; gap: 1.5rem; align-items: start; }
.query-examples h2 { margin-top: 0; }
.examples { display: grid; gap: .5rem; margin: .4rem 0 1rem; max-height: 80vh; overflow-y: auto; }
.example { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .7rem; background: var(--wash); }
.example p { margin: .2rem 0 .4rem; font-size: .84rem; color: var(--muted); display: -webkit-box;
  -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
@media (max-width: 60rem) { .query-layout { grid-template-columns: minmax(0, 1fr); } }
.example .name { font-weight: 600; font-size: .92rem; }
#status { margin: .6rem 0; color: var(--muted); font-size: .9rem; min-height: 1.3em; }
#results { overflow-x: auto; }
.controls { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin: .5rem 0; }
/* YASGUI on the query page: one tab, results that scroll inside their own box, AA contrast in the editor; it
   draws in light colours only, so it keeps the light palette inside a dark page */
#yasgui { color-scheme: light; background: #fff; color: #1d2530; --ink: #1d2530; --muted: #5b6776; --faint: #616c79;
  --line: #dde3ea; --paper: #fff; --wash: #f5f7fa; --accent: #005f8f; --accent-soft: #e3f1f8; }
#yasgui .tabsList { display: none; }
#yasgui .yasr_results { overflow-x: auto; }
#yasgui .yasr table { width: auto; margin: 0; }
#yasgui .yasr th { background: none; white-space: normal; }
#yasgui .cm-s-default .cm-string-2 { color: #b03c00; } #yasgui .cm-s-default .cm-comment { color: #8a4400; }
#yasgui .cm-s-default .cm-variable-3, #yasgui .cm-s-default .cm-type { color: #006b4f; }
#yasgui .cm-s-default .cm-bracket { color: #6b6b3a; } #yasgui .cm-s-default .cm-hr { color: #595959; }
#yasgui .cm-negative, #yasgui .cm-s-default .cm-error { color: #b22222; } #yasgui .cm-positive { color: #1d7a1d; }
#yasgui .CodeMirror-linenumber, #yasgui .CodeMirror-guttermarker-subtle { color: #595959; }
@media (max-width: 40rem) { html { font-size: 16px; } header.site form { margin-left: 0; }
  th, td { padding: .3rem .35rem; } th { white-space: normal; }
  .reading .depth-1 { margin-left: 1rem; } .reading .depth-2 { margin-left: 2rem; } }
@media print { header.site, footer.site, .formats, .self, form { display: none; } .text { border: 0; } }
"""

QUERY_JS = """\
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var box = document.getElementById("query");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var base = document.body.getAttribute("data-base") || "";
  var mount = document.body.getAttribute("data-mount") || "/";
  var prefixes = JSON.parse(document.body.getAttribute("data-prefixes") || "{}");

  function curie(iri) {
    var best = iri;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p], local = iri.substring(ns.length);
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9_/.-]*$/.test(local) && p.length + 1 + local.length < best.length) {
        best = p + ":" + local;
      }
    });
    return best;
  }
  var endpoint = form.getAttribute("action");

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri" && !/^https?:\\/\\//i.test(term.value)) {
      td.className = "mono";                        // javascript:, data: ... shown, never made links
      td.textContent = term.value;
    } else if (term.type === "uri") {
      var a = document.createElement("a");
      var href = term.value;
      if (base && href.indexOf(base) === 0) { href = mount + href.substring(base.length); }
      a.href = href;
      a.textContent = curie(term.value);
      a.title = term.value;
      td.className = "mono";
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { var s = document.createElement("span"); s.className = "count"; s.textContent = "@" + term["xml:lang"]; td.appendChild(s); }
    }
    return td;
  }

  function show(data, ms) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      status.textContent = "ASK: " + data.boolean + " (" + ms + " ms)";
      return;
    }
    var vars = data.head.vars, rows = data.results.bindings;
    var table = document.createElement("table");
    table.id = "results-table";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = "?" + v; head.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (row) { var tr = body.insertRow(); vars.forEach(function (v) { tr.appendChild(cell(row[v])); }); });
    results.appendChild(table);
    status.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s") + " in " + ms + " ms";
  }

  function run(event) {
    if (event) { event.preventDefault(); }
    var started = Date.now();
    status.textContent = "Running…";
    results.textContent = "";
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: box.value
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(response.status + " " + text); });
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") === -1) {
        return response.text().then(function (text) {
          var pre = document.createElement("pre"); pre.textContent = text; results.appendChild(pre);
          status.textContent = "Done in " + (Date.now() - started) + " ms";
        });
      }
      return response.json().then(function (data) { show(data, Date.now() - started); });
    }).catch(function (error) {
      status.textContent = "";
      var p = document.createElement("p"); p.className = "notice error"; p.textContent = error.message;
      results.appendChild(p);
    });
  }

  // YASGUI (highlighting, prefixes, result views and downloads) when its files were served: it takes the
  // form's place, asks this site's endpoint only and keeps nothing in the browser's storage
  function yasgui() {
    var mountPoint = document.getElementById("yasgui");
    if (!window.Yasgui || !mountPoint) { return null; }
    var absolute = new URL(endpoint, location.href).href;
    Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];   // not "property", "class": remote lookups
    if (Yasgui.Yasqe.Autocompleters.prefixes) { Yasgui.Yasqe.Autocompleters.prefixes.persistenceId = null; }
    mountPoint.hidden = false;                    // shown first: the editor measures its box as it draws
    form.hidden = true;
    var editor = new Yasgui(mountPoint, {
      requestConfig: { endpoint: absolute, method: "POST" },
      copyEndpointOnNewTab: false,
      persistenceId: null,
      populateFromUrl: false,
      autofocus: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: absolute }]; }, keys: [] },
      yasqe: { value: box.value },
      yasr: { prefixes: prefixes }
    });
    // YASGUI leaves some controls without a name (and redraws them with each result): name them here
    var names = [["input.autocomplete", "SPARQL endpoint"], ["select.tableSizer", "Rows per page"],
                 ["input.tableFilter", "Filter the results"], [".CodeMirror textarea", "SPARQL query"]];
    function name() {
      names.forEach(function (pair) {
        Array.prototype.forEach.call(mountPoint.querySelectorAll(pair[0]), function (el) {
          if (!el.hasAttribute("aria-label")) { el.setAttribute("aria-label", pair[1]); }
        });
      });
      // the editor's scrolling box takes the keyboard focus, so that it can be scrolled without a mouse
      Array.prototype.forEach.call(mountPoint.querySelectorAll(".CodeMirror-scroll[tabindex='-1']"), function (el) {
        el.setAttribute("tabindex", "0");
      });
    }
    name();
    new MutationObserver(name).observe(mountPoint, { childList: true, subtree: true });
    return editor;
  }

  var editor = null;
  try {
    editor = yasgui();
  } catch (error) {                               // a broken editor leaves the plain form
    editor = null;
    form.hidden = false;
    if (document.getElementById("yasgui")) { document.getElementById("yasgui").hidden = true; }
  }
  form.addEventListener("submit", run);
  Array.prototype.forEach.call(document.querySelectorAll("button[data-example]"), function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-example"));
      var go = button.getAttribute("data-run") === "1";
      if (editor) {
        var yasqe = editor.getTab().getYasqe();
        yasqe.setValue(source.textContent);
        if (go) { yasqe.query().catch(function () {}); } else { yasqe.focus(); }
        return;
      }
      box.value = source.textContent;
      if (go) { run(); } else { box.focus(); }
    });
  });
})();
"""
