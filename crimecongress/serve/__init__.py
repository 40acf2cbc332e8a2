"""`crimecongress serve` and `crimecongress site`: the dataset in build/ as a SPARQL endpoint and as
dereferenceable pages (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), live or written out as a static site.

Modules: data (the build in memory), rdf (the pages' plain terms, turned into pyoxigraph triples for the one set
of writers in crimecongress.export), negotiate (Accept, suffixes), views (what each page shows, as data) and pages
(views drawn by the Jinja2 templates in templates/pages/), search (full text), resolver (citations), sparql +
worker (the protocol, the query processes and their time limit), app (routing), server (HTTP), site (static site
and rewrite rules), discovery (sitemap, robots.txt, schema.org), deploy (nginx, Apache and w3id configs),
assets (CSS, JS). Kept light on import: the query worker processes import only rdf, negotiate, export and
pyoxigraph.
"""
