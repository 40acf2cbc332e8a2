"""The web server configurations written beside the static site: an nginx server block, an Apache virtual
host, and the w3id.org redirect folder (.htaccess and README) to submit for the namespace.

The templates are data files (templates/); `@NAME@` marks what is filled in, a notation that neither nginx nor
Apache uses. The configs answer from the site's files what they can classify exactly and pass the rest to the
`crimecongress serve` upstream (see the templates' header comments and the README, "Deploying").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import CrimeCongressError
from .app import DOWNLOAD_TYPES as SERVED_TYPES
from .negotiate import RESOURCE_FORMATS

TEMPLATES = Path(__file__).resolve().parent / "templates"
_HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$")
_LISTEN = re.compile(r"^(?:(?:[0-9.]+|\[[0-9A-Fa-f:]+\]|\*):)?[0-9]{1,5}$")
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
_UNSAFE_IN_CONFIG = re.compile(r"[\s\"'{};#\\$%]")       # what would break out of a quoted config value

# the build's files: media type by suffix (the same as `serve` gives them)
DOWNLOAD_TYPES = {suffix[1:]: media.split(";")[0] for suffix, media in SERVED_TYPES.items()}
# the site's own files
ASSET_TYPES = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml", "ico": "image/x-icon",
               "txt": "text/plain", "xml": "application/xml"}


@dataclass(frozen=True)
class Deployment:
    """Where and how the site is served. `public_url` is what the w3id IRIs redirect to (ends with '/');
    `upstream` is `crimecongress serve` (scheme://host:port); `sparql_upstream` the URL /sparql is passed to."""
    public_url: str
    listen: str
    root: Path
    upstream: str
    sparql_upstream: str
    maintainers: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"


def deployment(*, public_url: str, listen: str, root: Path, upstream: str, sparql_upstream: str | None = None,
               maintainers: tuple[str, ...] = ()) -> Deployment:
    """Check the parameters (each goes into a config file as it is) and make the Deployment."""
    public = urlsplit(public_url)
    if public.scheme not in ("http", "https") or not public.hostname or public.query or public.fragment or \
            not _HOST.match(public.hostname) or public.path not in ("", "/") or _UNSAFE_IN_CONFIG.search(public_url):
        raise CrimeCongressError(f"{public_url!r} is not the address of a host's root",
                                 hint="give --public-url like https://crime-congress.example.org/ (the site sits at "
                                      "the root of its host)")
    if not _LISTEN.match(listen):
        raise CrimeCongressError(f"{listen!r} is not a listen address", hint="give --listen like 80, "
                                 "127.0.0.1:8080 or [::1]:8080")
    up = urlsplit(upstream)
    if up.scheme not in ("http", "https") or not up.hostname or up.path not in ("", "/") or up.query or \
            _UNSAFE_IN_CONFIG.search(upstream):
        raise CrimeCongressError(f"{upstream!r} is not the address of `crimecongress serve`",
                                 hint="give --upstream like http://127.0.0.1:8080 (scheme, host and port only)")
    upstream = upstream.rstrip("/")
    sparql_upstream = sparql_upstream or upstream + "/sparql"
    sp = urlsplit(sparql_upstream)
    if sp.scheme not in ("http", "https") or not sp.hostname or sp.query or _UNSAFE_IN_CONFIG.search(sparql_upstream):
        raise CrimeCongressError(f"{sparql_upstream!r} is not the URL of a SPARQL endpoint",
                                 hint="give --sparql-upstream like http://127.0.0.1:7878/query")
    root = Path(root)
    if not root.is_absolute() or _UNSAFE_IN_CONFIG.search(str(root)):
        raise CrimeCongressError(f"{str(root)!r} cannot be the web root in a config",
                                 hint="give --root as an absolute path without spaces or quotes")
    for name in maintainers:
        if "\n" in name or not name.strip():
            raise CrimeCongressError(f"{name!r} is not a maintainer", hint="give --maintainer 'Name <email>'")
    return Deployment(public_url.rstrip("/") + "/", listen, root, upstream, sparql_upstream, tuple(maintainers))


def check_base(base: str) -> None:
    """The base IRI goes into the configs' Link headers: refuse one that would break out of them."""
    if _UNSAFE_IN_CONFIG.search(base) or not base.endswith("/"):
        raise CrimeCongressError(f"the base IRI {base!r} cannot be written into a web server config",
                                 hint="give --base as an http(s) IRI ending with '/', without quotes or spaces")


@dataclass(frozen=True)
class SiteShape:
    """What the configs need to know of the site: regex alternations of path names."""
    base: str
    top_level: tuple[str, ...]       # build files also answered at /{name}
    proxied: tuple[str, ...]         # resources whose suffixed address is a download: `serve` answers them
    list_pages: tuple[str, ...]      # folders with an HTML page that are not resources
    sub_resources: tuple[str, ...]
    csp: str                         # the Content-Security-Policy of `serve`'s pages
    query_csp: str                   # and of its query page (YASGUI's inserted style allowed by its hash)


def _alternation(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in names) or "(?!)"


def _links(variable: str, base: str) -> str:
    """The Link header of a resource, as `serve` sends it: its alternates by suffix, then its IRI."""
    links = [f'<{variable}{suffix}>; rel=\\"alternate\\"; type=\\"{media}\\"'
             for name, (media, suffix) in RESOURCE_FORMATS.items() if name != "html"]
    links.append(f'<{base.rstrip("/")}{variable}>; rel=\\"canonical\\"')
    return ", ".join(links)


def _lines(lines: list[str], indent: int) -> str:
    """Lines that replace one indented placeholder line of a template."""
    return ("\n" + " " * indent).join(lines)


def _types_block(types: dict[str, str]) -> str:
    by_media: dict[str, list[str]] = {}
    for suffix, media in types.items():
        by_media.setdefault(media, []).append(suffix)
    return _lines([f"{media} {' '.join(suffixes)};" for media, suffixes in by_media.items()], 12)


def render(template: str, values: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        return values[match.group(1)]
    return _PLACEHOLDER.sub(fill, (TEMPLATES / template).read_text(encoding="utf-8"))


def _common(deploy: Deployment, shape: SiteShape) -> dict[str, str]:
    return {"PUBLIC_URL": deploy.public_url, "BASE": shape.base, "HOST": deploy.host, "LISTEN": deploy.listen,
            "ROOT": str(deploy.root), "UPSTREAM": deploy.upstream, "SPARQL_UPSTREAM": deploy.sparql_upstream,
            "TOP_LEVEL": _alternation(shape.top_level), "PROXIED": _alternation(shape.proxied),
            "LIST_PAGES": _alternation(shape.list_pages), "SUB_RESOURCES": _alternation(shape.sub_resources)}


def _nginx_security(csp: str) -> str:
    return _lines(["add_header X-Content-Type-Options nosniff always;",
                   "add_header Referrer-Policy same-origin always;",
                   f'add_header Content-Security-Policy "{csp}" always;'], 8)


def nginx(deploy: Deployment, shape: SiteShape) -> str:
    resource_types = {suffix[1:]: media for media, suffix in RESOURCE_FORMATS.values()}
    return render("nginx.conf", _common(deploy, shape) | {
        "SECURITY_HEADERS": _nginx_security(shape.csp), "QUERY_SECURITY_HEADERS": _nginx_security(shape.query_csp),
        "DOWNLOAD_TYPES": _types_block(DOWNLOAD_TYPES),
        "RESOURCE_TYPES": _types_block(resource_types),
        "ASSET_TYPES": _types_block(ASSET_TYPES),
        "LINK_SUFFIX": _links("$crimecongress_stem", shape.base),
        "LINK_PATH": _links("$crimecongress_path", shape.base)})


def apache(deploy: Deployment, shape: SiteShape) -> str:
    types = {**DOWNLOAD_TYPES, **ASSET_TYPES, **{s[1:]: m for m, s in RESOURCE_FORMATS.values()}}
    add_types = _lines([f"AddType {media} .{suffix}" for suffix, media in types.items()], 4)
    gzip_dumps = _lines([line for fmt in ("ttl", "nt", "jsonld", "nq") for line in (
        "RewriteCond %{HTTP:Accept-Encoding} gzip",
        "RewriteCond %{DOCUMENT_ROOT}/dataset/$1.gz -f",
        f"RewriteRule ^/(?:dataset/)?(dataset\\.{fmt})$ /dataset/$1.gz "
        f"[PT,L,E=CC_GZIP:1,E=no-gzip:1,T={DOWNLOAD_TYPES[fmt]}]")], 4)
    # Apache's <VirtualHost> wants an address: a bare port is on every interface
    listen = deploy.listen if ":" in deploy.listen else f"*:{deploy.listen}"
    return render("apache.conf", _common(deploy, shape) | {"LISTEN": listen,
        "CSP": shape.csp, "QUERY_CSP": shape.query_csp, "APACHE_TYPES": add_types, "APACHE_GZIP_DUMPS": gzip_dumps,
        "LINK_PATH": _links("%{CC_PATH}e", shape.base)})


def w3id_name(base: str) -> str | None:
    """The folder of the w3id.org repository that holds the redirect for `base`, or None if it is not there."""
    parts = urlsplit(base)
    if parts.hostname != "w3id.org" or not parts.path.strip("/"):
        return None
    return parts.path.strip("/")


def w3id_files(deploy: Deployment, base: str) -> list[tuple[str, str]]:
    """(name, text) of the w3id.org folder: .htaccess and README.md."""
    name = w3id_name(base)
    if name is None:
        return []
    maintainers = "\n".join(f"- {m.strip()}" for m in deploy.maintainers) or \
        "- (none named yet: write the site again with `--maintainer 'Name <email> (GitHub @handle)'`)"
    values = {"BASE": base, "PUBLIC_URL": deploy.public_url, "W3ID_NAME": name, "MAINTAINERS": maintainers}
    return [(".htaccess", render("w3id.htaccess", values)), ("README.md", render("w3id-README.md", values))]
