"""The dataset's description of itself (build/void.ttl) as a data portal harvests it: conformant to the official
DCAT-AP 3.0.0 SHACL shapes, every distribution's size and checksum true of the file it names, the SDG links
counted as a VoID linkset, and the values a harvester shows coming from mappings/catalogue.yaml."""
from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from conftest import ROOT
from crimecongress.describe import load_record
from crimecongress.errors import InvalidDocument

BUILD = ROOT / "build"
SHAPES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "dcat-ap" / "dcat-ap-3.0.0-SHACL.ttl"
BASE = "https://w3id.org/crime-congress/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def description() -> Graph:
    return Graph().parse(BUILD / "void.ttl", format="turtle")


def dcat_ap(graph: Graph) -> tuple[bool, str]:
    from pyshacl import validate
    if not SHAPES.is_file():
        pytest.skip(f"the DCAT-AP 3.0.0 shapes are not beside the checkout ({SHAPES.name})")
    # RDFS entailment, as the shapes expect: their `sh:class rdfs:Resource` holds of every IRI only under it
    conforms, _, text = validate(graph, shacl_graph=Graph().parse(SHAPES, format="turtle"), inference="rdfs")
    return conforms, text


def test_the_catalogue_conforms_to_dcat_ap_3(description):
    conforms, text = dcat_ap(description)
    assert conforms, text


def test_dcat_ap_catches_a_distribution_without_access_url(description):
    broken = Graph()
    for triple in description:
        broken.add(triple)
    broken.remove((None, DCAT.accessURL, None))
    conforms, text = dcat_ap(broken)
    assert not conforms and "accessURL" in text


def test_the_catalogue_lists_the_dataset_and_the_sparql_service(description):
    catalog, dataset, service = URIRef(BASE + "catalog"), URIRef(BASE + "dataset"), URIRef(BASE + "sparql")
    assert (catalog, RDF.type, DCAT.Catalog) in description
    assert (catalog, DCAT.dataset, dataset) in description and (catalog, DCAT.service, service) in description
    assert (service, RDF.type, DCAT.DataService) in description
    assert (service, DCAT.servesDataset, dataset) in description
    assert (service, DCAT.endpointURL, service) in description
    for needed in (DCTERMS.issued, DCTERMS.modified, DCTERMS.publisher, DCAT.contactPoint, DCAT.keyword, DCAT.theme):
        assert description.value(dataset, needed) is not None, needed


def test_every_distribution_is_true_of_its_file(description):
    """Each dump twice: the gzipped file the build holds, and the plain file the server and the static site give
    (unpacked from it). Size and SHA-256 of each are those of the bytes behind its download address."""
    distributions = sorted(description.objects(URIRef(BASE + "dataset"), DCAT.distribution))
    names = {str(d).removeprefix(BASE + "dataset/") for d in distributions}
    assert names == {f"dataset.{ext}{gz}" for ext in ("ttl", "nt", "jsonld", "nq") for gz in ("", ".gz")}
    for distribution in distributions:
        name = str(distribution).removeprefix(BASE + "dataset/")
        data = (BUILD / name).read_bytes() if name.endswith(".gz") else gzip.decompress((BUILD / f"{name}.gz").read_bytes())
        assert int(description.value(distribution, DCAT.byteSize)) == len(data), name
        checksum = description.value(distribution, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = description.value(checksum, SPDX.checksumValue)
        assert value.datatype == URIRef("http://www.w3.org/2001/XMLSchema#hexBinary")
        assert str(value) == hashlib.sha256(data).hexdigest(), name
        assert str(description.value(distribution, DCAT.mediaType)).startswith(IANA)
        assert description.value(distribution, DCAT.accessURL) == distribution
        assert (description.value(distribution, DCAT.compressFormat) is not None) == name.endswith(".gz")


def test_the_sdg_links_are_a_void_linkset_with_their_true_count(description):
    linkset = URIRef(BASE + "dataset#sdg-target-links")
    assert (linkset, RDF.type, VOID.Linkset) in description
    assert description.value(linkset, VOID.linkPredicate) == URIRef(BASE + "ontology#sdgTarget")
    store = ox.Store()
    with gzip.open(BUILD / "dataset.nq.gz", "rb") as dump:
        store.bulk_load(dump, ox.RdfFormat.N_QUADS)
    counted = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{BASE}ontology#sdgTarget> ?o }}",
                                    use_default_graph_as_union=True)))["n"].value
    assert int(description.value(linkset, VOID.triples)) == int(counted) > 100


def test_what_a_harvester_shows_comes_from_the_mapping(description):
    record = load_record(ROOT / "mappings")
    dataset = URIRef(BASE + "dataset")
    assert str(description.value(dataset, DCTERMS.title)) == record["dataset"]["title"]
    assert {str(k) for k in description.objects(dataset, DCAT.keyword)} == set(record["dataset"]["keywords"])
    assert description.value(dataset, DCTERMS.modified) == Literal(record["dataset"]["modified"],
                                                                  datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))


def test_a_mistake_in_the_catalogue_mapping_names_file_and_line(tmp_path):
    mappings = tmp_path / "mappings"
    shutil.copytree(ROOT / "mappings", mappings)
    path = mappings / "catalogue.yaml"
    path.write_text(re.sub(r"(modified: )(['\"]?)", r"\1\2on ", path.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    with pytest.raises(InvalidDocument) as error:
        load_record(mappings)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("modified:"))
    assert f"catalogue.yaml:{line}:" in str(error.value) and "on 2026" in str(error.value)
