"""RDF: the emit stage (model to graph, no I/O) and the vocabularies it uses."""
