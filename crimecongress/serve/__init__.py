"""`crimecongress serve` and `crimecongress site`: the dataset in build/ as a SPARQL endpoint and as
dereferenceable pages (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), live or written out as a static site.

Modules: data (the build in memory), rdf (terms, descriptions' serialisers), negotiate (Accept, suffixes),
pages (HTML), search (full text), resolver (citations), sparql + worker (the protocol, the query processes
and their time limit), app (routing), server (HTTP), site (static site and rewrite rules), assets (CSS, JS).
Kept light on import: the query worker processes import only rdf, negotiate and pyoxigraph.
"""
