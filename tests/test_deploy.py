"""The static site deployed as an operator would: nginx and Apache from Debian's packages, each run with the
configs `crimecongress site` writes (only the listen address, web root and upstream given as parameters), on
loopback, with `crimecongress serve` upstream. One table of requests is sent to nginx, Apache and `serve`; the
web servers must answer each as `serve` does (status, media type, Vary, Link, Cache-Control). A second Apache virtual host
plays w3id.org with the generated .htaccess and must redirect every IRI so that every format still arrives.

Each server runs as a child process in the foreground, with its own temporary prefix, config and pid file,
and is stopped at the end; /etc/nginx and /etc/apache2 are only read (mime.types). Needs root (Apache's
children switch to www-data) and installs `nginx` and `apache2` with apt-get when they are missing.
"""
from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crimecongress.serve.site import write_site
from test_serve_browser import _apt_install

pytest_plugins = ["serve_support"]

MODULES = Path("/usr/lib/apache2/modules")
APACHE_MODULES = ("mpm_event", "authz_core", "mime", "dir", "rewrite", "headers", "filter", "deflate", "proxy",
                  "proxy_http")
PARA = "/doc/doha-declaration-2015/para/5/d"
TAG = PARA + "/tag/theme/corruption"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
RDFLIB = ("application/rdf+xml, text/rdf+xml, text/xml;q=0.9, application/xhtml+xml;q=0.5, "
          "text/turtle;q=0.9, application/n-triples;q=0.9")

# (path, Accept): every case is answered by nginx and Apache as by `serve`
CASES = [
    (PARA, None), (PARA, "text/html"), (PARA, FIREFOX), (PARA, CHROME), (PARA, "*/*"), (PARA, "text/*"),
    (PARA, "text/turtle"), (PARA, "TEXT/TURTLE"), (PARA, "application/ld+json"), (PARA, "application/json"),
    (PARA, "application/n-triples"), (PARA, "text/plain"), (PARA, "application/rdf+xml"), (PARA, "application/xml"),
    (PARA, "text/html;q=0.1, text/turtle"), (PARA, "text/turtle;q=0"), (PARA, "text/turtle;q=0, */*;q=0.1"),
    (PARA, "image/png"), (PARA, "application/n-quads"), (PARA, RDFLIB),
    (PARA, "application/ld+json;q=0.5, application/n-triples"), (PARA, "text/turtle, text/html"),
    (PARA + ".ttl", None), (PARA + ".jsonld", FIREFOX), (PARA + ".nt", None), (PARA + ".rdf", "text/turtle"),
    (PARA + ".html", None), (PARA + "?format=nt", None), (PARA + "/", None), (PARA + "/", "text/turtle"),
    (PARA + "/index.ttl", None), (PARA + "/index.html", None),
    (TAG, None), (TAG, "text/turtle"), (TAG + ".jsonld", None), (TAG + "/", None),
    ("/", None), ("/", "text/turtle"), ("/doc", None), ("/doc", "text/turtle"), ("/doc", "image/png"),
    ("/doc", "text/html;q=0.5, text/turtle"), ("/doc/", None), ("/doc.ttl", None),
    ("/theme", None), ("/theme", "text/turtle"), ("/theme/corruption.rdf", None), ("/instrument", None),
    ("/doc/doha-declaration-2015", "application/ld+json"), ("/theme/corruption", "application/ld+json"),
    ("/instrument/uncac", "text/turtle;q=0.9, text/html;q=0.8"), ("/actor/ccpcj.nt", None),
    ("/ontology", None), ("/ontology", "text/turtle"), ("/ontology.ttl", None), ("/ontology.jsonld", None),
    ("/dataset", None), ("/dataset", "text/turtle"), ("/dataset?format=ttl", None),
    ("/query", None), ("/nothing", None), ("/nothing", "text/turtle"), ("/nothing.ttl", None),
    ("/dataset/dataset.nq", None), ("/dataset.nq", None), ("/dataset/dataset.nq.gz", None),
    ("/dataset/dataset.ttl", None), ("/dataset.jsonld", None), ("/dataset/dataset.nt", None),
    ("/dataset/void.ttl", None), ("/void.ttl", None), ("/.well-known/void", None), ("/context.jsonld", None),
    ("/dataset/MANIFEST.sha256", None), ("/dataset/doc/doha-declaration-2015.ttl", None),
    ("/sitemap.xml", None), ("/robots.txt", None), ("/favicon.svg", None), ("/favicon.ico", None),
    ("/_static/style.css", None), ("/search?q=legal+aid", None), ("/resolve?cite=nothing+at+all", None),
    ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
    ("/assets/vendor/", None), ("/dataset/", None), ("/_static/", None),
    ("/404.html", None), ("/nginx.conf", None), ("/apache.conf", None), ("/.htaccess", None),
]

# what the web servers answer from the site's files (the rest they pass to `serve`)
FROM_FILES = [(PARA, None), (PARA, "text/html"), (PARA, FIREFOX), (PARA, CHROME), (PARA, "*/*"),
              (PARA, "text/turtle"), (PARA, "TEXT/TURTLE"), (PARA, "application/json"), (PARA, "application/rdf+xml"),
              (PARA + ".nt", None), (PARA + ".jsonld", FIREFOX), ("/", None), ("/doc", None), ("/theme", "text/turtle"),
              ("/dataset/dataset.nq", None), ("/dataset.nq", None), ("/ontology.ttl", None), ("/.well-known/void", None),
              ("/favicon.svg", None)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, path: str, headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def wait_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}: {log.read_text() if log.exists() else ''}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ensure_web_servers() -> tuple[str, str]:
    def found():
        nginx, apache = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("apache2") or "/usr/sbin/apache2"
        ok = os.access(nginx, os.X_OK) and os.access(apache, os.X_OK) and (MODULES / "mod_rewrite.so").is_file()
        return (nginx, apache) if ok else None

    if not found():
        _apt_install("nginx", "apache2")     # Debian's policy-rc.d keeps their services from starting
    if not found():
        pytest.skip("nginx and apache2 are still missing after installing them")
    return found()


@pytest.fixture(scope="module")
def deploy_build(fixture_build) -> Path:
    """The fixture build, or the one CRIMECONGRESS_DEPLOY_TEST_BUILD names (e.g. the committed build/)."""
    named = os.environ.get("CRIMECONGRESS_DEPLOY_TEST_BUILD")
    return Path(named).resolve() if named else fixture_build


@pytest.fixture(scope="module")
def upstream_server(deploy_build, fixture_build):
    if deploy_build == fixture_build:
        yield None                               # the session's fixture server will do
        return
    from serve_support import Server
    server = Server(deploy_build)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployed(deploy_build, upstream_server, request):
    """nginx, Apache and the w3id host, serving the site written for them; yields {name: port}."""
    build = deploy_build
    serve = upstream_server or request.getfixturevalue("fixture_server")
    if os.geteuid() != 0:
        pytest.skip("Apache's children switch to www-data: the deployment test runs as root")
    nginx_bin, apache_bin = ensure_web_servers()
    # a folder www-data may read (pytest's own temporary folders are private to root)
    work = Path(tempfile.mkdtemp(prefix="crimecongress-deploy-"))
    work.chmod(0o755)
    ports = {"nginx": free_port(), "apache": free_port(), "w3id": free_port()}
    upstream = f"http://127.0.0.1:{serve.port}"
    out = work / "deploy"
    apache_site = work / "deploy-apache"
    processes = []
    try:
        write_site(build, out, public_url=f"http://127.0.0.1:{ports['apache']}/",
                   listen=f"127.0.0.1:{ports['nginx']}", upstream=upstream)
        nginx_conf = (out / "nginx.conf").read_text()
        # the same configs for Apache, on its own port: the only change is the parameter
        write_site(build, apache_site, public_url=f"http://127.0.0.1:{ports['apache']}/",
                   listen=f"127.0.0.1:{ports['apache']}", upstream=upstream)
        prefix = work / "nginx"
        for name in ("", "logs", "temp"):
            (prefix / name).mkdir(exist_ok=True)
        (prefix / "nginx.conf").write_text(f"""user root;
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {out}/nginx.conf;
}}
""")
        test = subprocess.run([nginx_bin, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                              capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        processes.append(subprocess.Popen([nginx_bin, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_listening(ports["nginx"], processes[-1], prefix / "logs/error.log")

        server_root = work / "apache"
        w3id_root = work / "w3id.org"
        server_root.mkdir()
        shutil.copytree(apache_site / "w3id", w3id_root)
        loads = "".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so\n" for m in APACHE_MODULES)
        (server_root / "apache2.conf").write_text(f"""ServerRoot {server_root}
{loads}Listen 127.0.0.1:{ports['apache']}
Listen 127.0.0.1:{ports['w3id']}
ServerName 127.0.0.1
PidFile {server_root}/apache2.pid
DefaultRuntimeDir {server_root}
Mutex file:{server_root} default
ErrorLog {server_root}/error.log
LogLevel warn
User www-data
Group www-data
TypesConfig /etc/mime.types
Include {apache_site}/apache.conf
# w3id.org: its repository's folders, each with the .htaccess a project submits
<VirtualHost 127.0.0.1:{ports['w3id']}>
    DocumentRoot "{w3id_root}"
    <Directory "{w3id_root}">
        AllowOverride All
        Require all granted
    </Directory>
</VirtualHost>
""")
        args = [apache_bin, "-d", str(server_root), "-f", str(server_root / "apache2.conf")]
        test = subprocess.run(args + ["-t"], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        processes.append(subprocess.Popen(args + ["-DFOREGROUND"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        wait_listening(ports["apache"], processes[-1], server_root / "error.log")
        wait_listening(ports["w3id"], processes[-1], server_root / "error.log")
        yield {"serve": serve.port, **ports, "out": out, "nginx_conf": nginx_conf}
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


def _media(headers) -> str | None:
    value = headers.get("Content-Type")
    return value.split(";")[0].strip().lower() if value else None


def _vary(headers) -> set[str]:
    """The Vary tokens but Accept-Encoding (which compression adds where it applies)."""
    tokens = {t.strip().lower() for v in headers.get_all("Vary") or [] for t in v.split(",") if t.strip()}
    return tokens - {"accept-encoding"}


def answer(port: int, path: str, accept: str | None) -> dict:
    status, headers, body = request(port, path, {"Accept": accept} if accept is not None else {})
    out = {"status": status}
    if status < 300:
        out |= {"media": _media(headers), "vary": _vary(headers), "link": headers.get("Link"),
                "cache": headers.get("Cache-Control")}
    elif status < 400:
        out["location"] = urlsplit(headers.get("Location")).path
    elif status == 406:
        out["vary"] = _vary(headers)
    return out


@pytest.mark.parametrize("path,accept", CASES)
def test_web_servers_answer_as_serve_does(deployed, path, accept):
    expected = answer(deployed["serve"], path, accept)
    for name in ("nginx", "apache"):
        assert answer(deployed[name], path, accept) == expected, name
        if (path, accept) in FROM_FILES:       # from a file, not passed to `serve` (which sends no Last-Modified)
            headers = {"Accept": accept} if accept else {}
            assert "Last-Modified" in request(deployed[name], path, headers)[1], name


@pytest.mark.parametrize("method", ["POST", "OPTIONS", "PUT", "DELETE"])
@pytest.mark.parametrize("path", [PARA, "/", "/dataset/dataset.nq", "/_static/style.css", TAG])
def test_other_methods_are_answered_as_serve_does(deployed, method, path):
    def status(port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=b"x" if method in ("POST", "PUT") else None)
            return conn.getresponse().status
        finally:
            conn.close()
    expected = status(deployed["serve"])
    assert expected in (204, 405)
    assert status(deployed["nginx"]) == status(deployed["apache"]) == expected


def test_the_reference_answers_are_what_linked_data_clients_need(deployed):
    """The table's reference is itself right: q-values, 406, one URL per resource, sub-resources."""
    serve = deployed["serve"]
    assert answer(serve, PARA, "text/html;q=0.1, text/turtle")["media"] == "text/turtle"
    assert answer(serve, PARA, "text/turtle;q=0")["status"] == 406
    assert answer(serve, PARA, "image/png") == {"status": 406, "vary": {"accept"}}
    assert answer(serve, PARA + ".rdf", None)["media"] == "application/rdf+xml"
    assert answer(serve, PARA + "/", None) == {"status": 301, "location": PARA}
    assert answer(serve, TAG, None)["status"] == 200
    link = answer(serve, PARA, "text/turtle")["link"]
    assert f'<{PARA}.rdf>; rel="alternate"; type="application/rdf+xml"' in link
    assert 'rel="canonical"' in link
    for path in ("/nginx.conf", "/apache.conf", "/.htaccess", "/404.html", PARA + "/index.ttl"):
        assert answer(serve, path, None)["status"] == 404


@pytest.mark.parametrize("name", ["nginx", "apache"])
def test_compression_caching_and_the_404_page(deployed, name):
    port = deployed[name]
    # RDF and the dumps are sent compressed; the dump as the build's own .gz file
    status, headers, body = request(port, PARA + ".ttl", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "accept-encoding" in {t.strip().lower() for v in headers.get_all("Vary") for t in v.split(",")}
    _, _, plain = request(deployed["serve"], PARA + ".ttl")
    assert gzip.decompress(body) == plain
    status, headers, body = request(port, "/dataset/dataset.nq", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and _media(headers) == "application/n-quads"
    _, _, plain_dump = request(port, "/dataset/dataset.nq")
    assert gzip.decompress(body) == plain_dump and plain_dump.count(b"\n") > 1000
    # a CDN may keep a page an hour, then revalidate: after a release the validators differ
    status, headers, _ = request(port, PARA, {"Accept": "text/turtle"})
    assert headers["Cache-Control"] == "public, max-age=3600" and headers["ETag"] and headers["Last-Modified"]
    status, _, body = request(port, PARA, {"Accept": "text/turtle", "If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    # the project's own 404 page, never the server's
    status, headers, body = request(port, "/no/such/thing")
    assert status == 404 and b"No resource" not in body and b"nginx" not in body and b"Apache" not in body
    assert b'<link rel="stylesheet" href="/_static/style.css">' in body
    # SVG shows in the browser
    status, headers, _ = request(port, "/favicon.svg")
    assert status == 200 and _media(headers) == "image/svg+xml"


def test_every_file_of_the_build_is_downloadable_where_void_and_the_manifest_say(deployed, deploy_build):
    from rdflib import Graph, URIRef
    from crimecongress.serve.app import App
    base = App(deploy_build, sparql=False).base
    void = Graph().parse(deploy_build / "void.ttl", format="turtle")
    dumps = {str(o) for p in ("http://rdfs.org/ns/void#dataDump", "http://www.w3.org/ns/dcat#downloadURL")
             for o in void.objects(None, URIRef(p))}
    assert {base + "dataset/dataset.nq", base + "dataset/dataset.ttl.gz"} <= dumps
    manifest = [line.split("  ", 1)[1] for line in (deploy_build / "MANIFEST.sha256").read_text().splitlines()]
    paths = sorted({"/" + iri[len(base):] for iri in dumps} | {f"/dataset/{name}" for name in manifest})
    for path in paths:
        status, headers, expected = request(deployed["serve"], path)
        assert status == 200, path
        for name in ("nginx", "apache"):
            got_status, got, body = request(deployed[name], path)
            assert (got_status, _media(got), body) == (200, _media(headers), expected), (name, path)


def test_the_site_own_files_are_answered_as_serve_does(deployed):
    """Stylesheet, script, icons, sitemap and (when fetched) YASGUI: same bytes, media type and caching."""
    www = deployed["out"] / "www"
    files = [p for p in www.rglob("*") if p.is_file() and p.relative_to(www).parts[0] in ("_static", "assets")]
    paths = ["/" + str(p.relative_to(www)) for p in files] + ["/favicon.ico", "/favicon.svg", "/robots.txt",
                                                              "/sitemap.xml"]
    for path in paths:
        status, headers, body = request(deployed["serve"], path)
        assert status == 200, path
        for name in ("nginx", "apache"):
            got_status, got, got_body = request(deployed[name], path)
            assert (got_status, _media(got), got.get("Cache-Control"), got_body) == \
                (200, _media(headers), headers.get("Cache-Control"), body), (name, path)


def test_configs_sit_beside_the_web_root(deployed):
    out = deployed["out"]
    assert sorted(p.name for p in out.iterdir()) == ["apache.conf", "nginx.conf", "w3id", "www"]
    assert not list((out / "www").glob("*.conf")) and not (out / "www" / ".htaccess").exists()
    conf = deployed["nginx_conf"]
    assert f"root {out / 'www'};" in conf and f"listen 127.0.0.1:{deployed['nginx']};" in conf
    assert "types {" in conf and "include" not in conf.split("server {", 1)[1]    # mime.types is added to


W3ID_CASES = [(PARA, None), (PARA, "text/turtle"), (PARA, "application/ld+json"), (PARA, "application/n-triples"),
              (PARA, "application/rdf+xml"), (PARA, "text/html;q=0.1, text/turtle"), (PARA + ".rdf", None),
              ("/dataset/dataset.nq", None), ("/context.jsonld", None), ("/", None), (TAG, "text/turtle"),
              ("/sparql?query=ASK%7B%7D", "application/sparql-results+json")]


@pytest.mark.parametrize("path,accept", W3ID_CASES)
def test_w3id_redirects_and_every_format_arrives(deployed, path, accept):
    headers = {"Accept": accept} if accept else {}
    status, response, _ = request(deployed["w3id"], "/crime-congress" + path, headers)
    assert status == (307 if path.startswith("/sparql") else 303)
    target = urlsplit(response["Location"])
    assert (target.hostname, target.port) == ("127.0.0.1", deployed["apache"])
    assert target.path + (f"?{target.query}" if target.query else "") == path
    after = answer(deployed["apache"], path, accept)
    assert after == answer(deployed["serve"], path, accept) and after["status"] == 200
