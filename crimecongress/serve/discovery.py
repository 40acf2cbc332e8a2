"""What browsers, crawlers and dataset search engines ask a site for: the icon, robots.txt, the sitemap and
the schema.org description of the dataset. Shared by the server (app.py) and the static site (site.py).

The sitemap lists canonical URLs: the IRIs themselves ({base}{path}), which the server answers at /{path}
(its Link header says rel="canonical" to the same IRIs).
"""
from __future__ import annotations

import json
import re
import struct
from xml.sax.saxutils import escape

from ..ids import Minter, last_segment
from ..prefixes import table
from .data import DCAT, DCTERMS, OWL, RDFS, SKOS, VOID, Dataset
from .rdf import Lit

# A pilcrow on the site's accent colour: each paragraph has its own address.
ACCENT = (0x00, 0x5F, 0x8F)
FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
               '<rect width="16" height="16" rx="3" fill="#005f8f"/>'
               '<path fill="#fff" d="M7 3A3 3 0 0 0 7 9ZM7 3h5v1.5H7ZM7 3h1.5v10H7ZM10 3h1.5v10H10Z"/></svg>\n')
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_MAX = 50_000            # URLs per sitemap file (sitemaps.org 0.9)
FOAF, SCHEMA = table()["foaf"], table()["schema"]
IANA_MEDIA = re.compile(r"^https?://www\.iana\.org/assignments/media-types/(.+)$")
# the inline context: no remote schema.org context to fetch, and IRIs where schema.org expects URLs
SCHEMA_CONTEXT = {"@vocab": SCHEMA, "url": {"@type": "@id"}, "license": {"@type": "@id"},
                  "contentUrl": {"@type": "@id"}, "sameAs": {"@type": "@id"}}


# --- the icon ------------------------------------------------------------------------------------------------------

def _inside_pilcrow(x: float, y: float) -> bool:
    """The favicon's white shape on a 16-unit grid (the same shapes as FAVICON_SVG's path)."""
    bowl = x <= 7 and (x - 7) ** 2 + (y - 6) ** 2 <= 9
    return bowl or (7 <= x <= 12 and 3 <= y <= 4.5) or (3 <= y <= 13 and (7 <= x <= 8.5 or 10 <= x <= 11.5))


def _inside_square(x: float, y: float, r: float = 3) -> bool:
    cx = min(max(x, r), 16 - r)
    cy = min(max(y, r), 16 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def favicon_ico(size: int = 32) -> bytes:
    """The icon as a one-image .ico (32-bit BMP with alpha), for browsers that ask for /favicon.ico."""
    rows = []
    for row in range(size - 1, -1, -1):                 # a BMP stores its rows bottom up
        pixels = bytearray()
        for col in range(size):
            x, y = (col + 0.5) * 16 / size, (row + 0.5) * 16 / size
            if not _inside_square(x, y):
                pixels += b"\0\0\0\0"
            elif _inside_pilcrow(x, y):
                pixels += b"\xff\xff\xff\xff"
            else:
                pixels += bytes((ACCENT[2], ACCENT[1], ACCENT[0], 0xFF))
        rows.append(bytes(pixels))
    mask = b"\0" * (((size + 31) // 32) * 4 * size)   # the AND mask: unused, the alpha channel says it all
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    image = header + b"".join(rows) + mask
    directory = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                                                             len(image), 6 + 16)
    return directory + image


# --- robots.txt and the sitemap ------------------------------------------------------------------------------------

def robots_txt(mount: str, base: str) -> str:
    return (f"# Every page may be crawled. The SPARQL endpoint, the search and the citation resolver answer\n"
            f"# queries: each request costs a query and there are endlessly many, so crawlers stay out.\n"
            f"User-agent: *\nAllow: {mount}\nDisallow: {mount}sparql\nDisallow: {mount}search\n"
            f"Disallow: {mount}resolve\n\nSitemap: {Minter(base).from_relative('sitemap.xml')}\n")


def page_iris(d: Dataset) -> list[str]:
    """Every page worth a visit, as its IRI: home, the lists, the dataset, the documents and all their units,
    the themes, instruments, actors and congresses. In that order, without repeats."""
    m = d.minter
    found = [m.base, m.from_relative("doc"), m.theme_scheme(), m.instrument_scheme(), m.actor_scheme(),
             m.from_relative("query"), m.dataset()]
    if d.knows(d.minter.ontology):
        found.append(d.minter.ontology)
    for doc in d.documents:
        found.append(doc)
        found += d.units_of.get(doc, [])
    found += d.themes + d.authority("instrument") + d.authority("actor")
    found += sorted({c for c in map(d.congress_of, d.documents) if c})
    return [iri for iri in dict.fromkeys(found) if m.is_own(iri) and m.parse(iri).fragment is None]


def _lastmod(d: Dataset) -> str | None:
    """The dataset's dcterms:modified (or issued), when it is a W3C date."""
    dataset = d.minter.dataset()
    for p in (DCTERMS + "modified", DCTERMS + "issued"):
        value = d.text(dataset, p)
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?", value):
            return value
    return None


def sitemap_files(d: Dataset, per_file: int = SITEMAP_MAX) -> dict[str, bytes]:
    """{name: bytes}: sitemap.xml alone, or, past `per_file` URLs, sitemap.xml as an index of sitemap-1.xml,
    sitemap-2.xml, ..."""
    urls = page_iris(d)
    lastmod = _lastmod(d)
    stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""

    def urlset(chunk: list[str]) -> bytes:
        body = "".join(f"<url><loc>{escape(u)}</loc>{stamp}</url>\n" for u in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{body}</urlset>\n'
                ).encode("utf-8")

    if len(urls) <= per_file:
        return {"sitemap.xml": urlset(urls)}
    files = {}
    for n, start in enumerate(range(0, len(urls), per_file), 1):
        files[f"sitemap-{n}.xml"] = urlset(urls[start:start + per_file])
    index = "".join(f"<sitemap><loc>{escape(d.minter.from_relative(name))}</loc>{stamp}</sitemap>\n" for name in files)
    files["sitemap.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
                            f"{index}</sitemapindex>\n").encode("utf-8")
    return files


# --- schema.org Dataset --------------------------------------------------------------------------------------------

def _first_iri(d: Dataset, s, *predicates: str) -> str | None:
    for p in predicates:
        for o in d.values(s, p):
            if isinstance(o, str):
                return o
    return None


def _first_text(d: Dataset, s, *predicates: str) -> str | None:
    for p in predicates:
        value = d.text(s, p)
        if value:
            return value
    return None


def _agent(d: Dataset, agent) -> dict:
    """A dcterms:creator or publisher as a schema.org Person or Organization."""
    if isinstance(agent, Lit):
        return {"@type": "Organization", "name": agent.value}
    person = any(t in (FOAF + "Person", SCHEMA + "Person", "http://schema.org/Person") for t in d.types(agent))
    node = {"@type": "Person" if person else "Organization"}
    if isinstance(agent, str):
        node["@id"] = agent
    name = _first_text(d, agent, FOAF + "name", SKOS + "prefLabel", RDFS + "label", SCHEMA + "name",
                       "http://www.w3.org/2006/vcard/ns#fn")
    if name:
        node["name"] = name
    homepage = _first_iri(d, agent, FOAF + "homepage", SCHEMA + "url", FOAF + "page")
    if homepage:
        node["url"] = homepage
    return node


def media_name(term) -> str | None:
    """A media type from a dcat:mediaType literal or an IANA media type IRI."""
    if isinstance(term, Lit):
        return term.value
    if isinstance(term, str):
        match = IANA_MEDIA.match(term)
        return match.group(1) if match else term
    return None


def _size(n: int) -> str:
    for unit, scale in (("GB", 10 ** 9), ("MB", 10 ** 6), ("kB", 10 ** 3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _year_span(d: Dataset, iri: str) -> str | None:
    """temporalCoverage as start/end: dcterms:temporal (a period or a literal), else the documents' years."""
    for period in d.values(iri, DCTERMS + "temporal"):
        if isinstance(period, Lit):
            return period.value
        start = _first_text(d, period, DCAT + "startDate", SCHEMA + "startDate")
        end = _first_text(d, period, DCAT + "endDate", SCHEMA + "endDate")
        if start or end:
            return f"{start or '..'}/{end or '..'}"
    years = sorted(y[:4] for y in map(d.year, d.documents) if y and y[:4].isdigit())
    return f"{years[0]}/{years[-1]}" if years else None


def _language(d: Dataset, iri: str) -> list[str]:
    codes = {"ENG": "en", "FRA": "fr", "SPA": "es", "ARA": "ar", "ZHO": "zh", "RUS": "ru"}   # EU authority codes
    found = []
    for o in d.values(iri, DCTERMS + "language"):
        if isinstance(o, Lit):
            found.append(o.value)
        elif isinstance(o, str):
            tail = o.rstrip("/").rsplit("/", 1)[-1]
            found.append(codes.get(tail, tail.lower() if len(tail) == 2 else o))
    if not found:
        title = next((o for o in d.values(iri, DCTERMS + "title") if isinstance(o, Lit) and o.lang), None)
        if title:
            found.append(title.lang)
    return list(dict.fromkeys(found))


def _endpoints(d: Dataset, iri: str) -> list[str]:
    found = [o for o in d.values(iri, VOID + "sparqlEndpoint") if isinstance(o, str)]
    for service in d.values(iri, DCAT + "accessService"):
        found += [o for o in d.values(service, DCAT + "endpointURL") if isinstance(o, str)]
    return list(dict.fromkeys(found))


def schema_dataset(d: Dataset, iri: str) -> dict:
    """The dataset's own description (its VoID and DCAT triples) as a schema.org Dataset. Every value comes
    from the build; a property the description lacks is left out."""
    node: dict = {"@context": SCHEMA_CONTEXT, "@type": "Dataset", "@id": iri, "url": iri}
    name = _first_text(d, iri, DCTERMS + "title", RDFS + "label")
    if name:
        node["name"] = name
    description = _first_text(d, iri, DCTERMS + "description", RDFS + "comment")
    if description:
        node["description"] = description
    licence = _first_iri(d, iri, DCTERMS + "license", DCTERMS + "rights")
    if licence:
        node["license"] = licence
    version = _first_text(d, iri, DCAT + "version", OWL + "versionInfo", DCTERMS + "hasVersion",
                          "http://www.w3.org/ns/adms#version")
    if version:
        node["version"] = version
    for p, key in ((DCTERMS + "creator", "creator"), (DCTERMS + "publisher", "publisher")):
        agents = [_agent(d, a) for a in d.values(iri, p)]
        if agents:
            node[key] = agents[0] if len(agents) == 1 else agents
    for p, key in ((DCTERMS + "issued", "datePublished"), (DCTERMS + "modified", "dateModified")):
        value = d.text(iri, p)
        if value:
            node[key] = value
    keywords = [o.value for o in d.values(iri, DCAT + "keyword") if isinstance(o, Lit) and o.lang in (None, "en")]
    if not keywords:            # the taxonomy's top themes say what the dataset is about
        keywords = [d.label(t) for t in d.top_themes]
    if keywords:
        node["keywords"] = list(dict.fromkeys(keywords))
    span = _year_span(d, iri)
    if span:
        node["temporalCoverage"] = span
    languages = _language(d, iri)
    if languages:
        node["inLanguage"] = languages[0] if len(languages) == 1 else languages
    access = _first_iri(d, iri, DCTERMS + "accessRights") or ""
    dumps = sorted({o for p in (DCAT + "distribution", VOID + "dataDump") for o in d.values(iri, p)
                    if isinstance(o, str)})
    # dcterms:accessRights (the EU access-right authority), else: the dumps are there for anyone to take
    node["isAccessibleForFree"] = access.rsplit("/", 1)[-1] == "PUBLIC" if access else bool(dumps)
    distribution = []
    for dump in dumps:
        item: dict = {"@type": "DataDownload",
                      "contentUrl": _first_iri(d, dump, DCAT + "downloadURL", DCAT + "accessURL") or dump,
                      "name": _first_text(d, dump, DCTERMS + "title") or last_segment(dump)}
        media = media_name(d.value(dump, DCAT + "mediaType"))
        packed = media_name(d.value(dump, DCAT + "compressFormat"))
        formats = [f for f in (media, packed) if f]
        if formats:
            item["encodingFormat"] = formats[0] if len(formats) == 1 else formats
        size = d.text(dump, DCAT + "byteSize")
        if size and size.isdigit():
            item["contentSize"] = _size(int(size))
        distribution.append(item)
    if distribution:
        node["distribution"] = distribution
    endpoints = _endpoints(d, iri)
    if endpoints:           # a SPARQL endpoint is a service, not a download: an action on the dataset
        node["potentialAction"] = [{"@type": "SearchAction", "name": "SPARQL 1.1 query",
                                    "target": {"@type": "EntryPoint", "urlTemplate": f"{e}?query={{query}}",
                                               "encodingType": "application/sparql-query",
                                               "contentType": "application/sparql-results+json"}}
                                   for e in endpoints]
    return node


def script_json(value: dict) -> str:
    """JSON for a <script> element: '<', '>' and '&' as \\u escapes, so that no '</script>' or '<!--' in a
    value can end or comment out the element."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
