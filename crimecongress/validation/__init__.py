"""The validate stage: RDF data (the dataset, or a draft once drafts.py has parsed and emitted it) checked
against the SHACL shapes in shapes/.

Two engines give the same findings:

* ``pyshacl`` - the reference: pyshacl 0.40, inference none, the ontology merged into (a copy of) the data
  graph so that sh:targetClass and sh:class follow rdfs:subClassOf (pyshacl_engine.py);
* ``fast`` - the same shapes compiled to SPARQL and run on a pyoxigraph Store (crimecongress.shacl_sparql),
  one query per constraint for the whole dataset. It imports neither rdflib nor pyshacl (fast.py).

Findings are pyshacl's validation results made readable: each names its focus node, the document it
belongs to, its position there and the source file and line it was read from (the focus node's
prov:wasDerivedFrom span, or the span of the unit it belongs to), and the rule (the shape's local name).
A report conforms when it has no Violation; Warnings and Infos are shown but do not fail.

One module per concern: shapes.py (the rules and prefixes), loading.py (RDF in), the engines (engines.py
runs them), locate.py (where a finding is), report.py (Finding, Report), formats.py (text, JSON, Turtle).
The package knows nothing of declaration texts: parsing a draft is drafts.py's.
"""
from .engines import ENGINES, validate_data, validate_graph
from .formats import format_json, format_text, format_turtle, validation_files
from .loading import Data, as_data, read_rdf_file
from .report import SEVERITIES, Finding, Report
from .shapes import ONTOLOGY_FILE, ontology_text, prefixes, shape_files, shapes_texts

__all__ = ["ENGINES", "ONTOLOGY_FILE", "SEVERITIES", "Data", "Finding", "Report", "as_data",
           "format_json", "format_text", "format_turtle", "ontology_text", "prefixes", "read_rdf_file",
           "shape_files", "shapes_texts", "validate_data", "validate_graph", "validation_files"]
