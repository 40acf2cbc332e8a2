"""The dataset's description of itself (void.ttl): VoID counts for SPARQL clients and a DCAT-AP 3 catalogue for
data portals -- the catalogue, the dataset, each dump as a distribution, the SPARQL endpoint as a data service,
and the SDG target links as a VoID linkset.

What a harvester shows (titles, publisher, keywords, themes, dates) comes from mappings/catalogue.yaml; the
counts, sizes and checksums come from the files the build has just written.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, Namespace, URIRef

from . import __version__
from .dumps import packed_name
from .errors import InvalidDocument
from .ids import Minter
from .prefixes import pick, table
from .rdf.emit import new_graph
from .rdf.namespaces import DCAT, DCTERMS, RDF, RDFS, SKOS, VOID, XSD
from .release import ReleasedFiles
from .vocab.model import Vocabulary
from .vocab.files import load_schema, read_mapping, schema_path, validate

CATALOGUE_FILE = "catalogue.yaml"
FOAF, VCARD, SPDX = (Namespace(table()[name]) for name in ("foaf", "vcard", "spdx"))
IANA = "http://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"
GZIP = URIRef(IANA + "application/gzip")
VOCABULARIES = tuple(pick(("eli", "skos", "prov", "oa", "dcterms", "org")).values())   # void:vocabulary


@dataclass(frozen=True)
class Counts:
    """What the build counted: triples in the whole dataset and in each named graph, and the SDG target links."""
    total: int
    graphs: tuple[tuple[str, int], ...]
    sdg_target_links: int


def load_record(mappings_dir: Path) -> dict:
    """mappings/catalogue.yaml, validated against its schema (errors name the file and line)."""
    path = Path(mappings_dir) / CATALOGUE_FILE
    mapping = read_mapping(path)
    schema_file = schema_path(path, Path(mappings_dir))
    validate(mapping, load_schema(schema_file), schema_file)
    return mapping.data


def describe(minter: Minter, counts: Counts, files: ReleasedFiles, record: dict, vocabulary: Vocabulary) -> Graph:
    graph = new_graph(minter)
    for prefix, namespace in pick(("foaf", "vcard", "spdx")).items():
        graph.namespace_manager.bind(prefix, Namespace(namespace))
    add = graph.add
    en = lambda text: Literal(" ".join(text.split()), lang="en")  # noqa: E731 -- folded YAML to one line
    catalog, dataset, service = URIRef(minter.catalog()), URIRef(minter.dataset()), URIRef(minter.sparql_service())
    publisher, contact = URIRef(minter.dataset_part("publisher")), URIRef(minter.dataset_part("contact"))
    licence = URIRef(record["dataset"]["license"])
    home = URIRef(minter.base)

    # the catalogue
    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, DCTERMS.title, en(record["catalog"]["title"])))
    add((catalog, DCTERMS.description, en(record["catalog"]["description"])))
    add((catalog, DCTERMS.publisher, publisher))
    add((catalog, DCTERMS.license, licence))
    add((catalog, DCTERMS.language, URIRef(EU + "language/" + record["catalog"]["language"])))
    add((catalog, DCTERMS.issued, Literal(record["dataset"]["issued"], datatype=XSD.date)))
    add((catalog, DCTERMS.modified, Literal(record["dataset"]["modified"], datatype=XSD.date)))
    add((catalog, FOAF.homepage, home))
    add((catalog, DCAT.dataset, dataset))
    add((catalog, DCAT.service, service))
    add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    add((catalog, DCAT.themeTaxonomy, URIRef(minter.theme_scheme())))
    add((URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme))
    add((URIRef(EU + "data-theme"), DCTERMS.title, Literal(record["catalog"]["eu_theme_scheme"], lang="en")))
    add((URIRef(minter.theme_scheme()), RDF.type, SKOS.ConceptScheme))
    for lang, label in vocabulary.scheme.label.items():
        add((URIRef(minter.theme_scheme()), DCTERMS.title, Literal(label, lang=lang)))
    add((home, RDF.type, FOAF.Document))

    # who publishes it and whom to ask
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal(record["publisher"]["name"], lang="en")))
    add((publisher, FOAF.homepage, home))
    add((contact, RDF.type, VCARD.Kind))
    add((contact, RDF.type, VCARD.Organization))
    add((contact, VCARD.fn, Literal(record["contact"]["name"], lang="en")))
    add((contact, VCARD.hasURL, home))

    # the dataset: VoID for SPARQL clients, DCAT-AP for portals
    facts = record["dataset"]
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, RDFS.label, Literal("crimecongress dataset", lang="en")))
    add((dataset, DCTERMS.title, en(facts["title"])))
    add((dataset, DCTERMS.description, en(facts["description"])))
    add((dataset, DCTERMS.license, licence))
    add((licence, RDF.type, DCTERMS.LicenseDocument))
    add((dataset, DCTERMS.hasVersion, Literal(__version__)))
    add((dataset, URIRef(str(DCAT) + "version"), Literal(__version__)))   # DCAT 3, not in rdflib's DCAT 2 terms
    add((dataset, DCTERMS.issued, Literal(facts["issued"], datatype=XSD.date)))
    add((dataset, DCTERMS.modified, Literal(facts["modified"], datatype=XSD.date)))
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCAT.contactPoint, contact))
    add((dataset, DCAT.landingPage, home))
    add((dataset, DCTERMS.accrualPeriodicity, _typed(graph, EU + "frequency/" + facts["accrual_periodicity"],
                                                     DCTERMS.Frequency)))
    for keyword in facts["keywords"]:
        add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
    for code in facts["languages"]:
        add((dataset, DCTERMS.language, _typed(graph, EU + "language/" + code, DCTERMS.LinguisticSystem)))
    add((URIRef(EU + "language/" + record["catalog"]["language"]), RDF.type, DCTERMS.LinguisticSystem))
    for theme in facts["eu_themes"]:
        concept = _typed(graph, EU + "data-theme/" + theme["code"], SKOS.Concept)
        add((dataset, DCAT.theme, concept))
        add((concept, SKOS.prefLabel, Literal(theme["label"], lang="en")))
    for slug in facts["themes"]:
        concept = _typed(graph, minter.theme(slug), SKOS.Concept)
        add((dataset, DCAT.theme, concept))
        for lang, label in _theme(vocabulary, slug).label.items():
            add((concept, SKOS.prefLabel, Literal(label, lang=lang)))
    period = URIRef(minter.dataset_part("temporal"))
    add((dataset, DCTERMS.temporal, period))
    add((period, RDF.type, DCTERMS.PeriodOfTime))
    add((period, DCAT.startDate, Literal(facts["temporal"]["start"], datatype=XSD.date)))
    add((period, DCAT.endDate, Literal(facts["temporal"]["end"], datatype=XSD.date)))
    add((dataset, VOID.triples, Literal(counts.total, datatype=XSD.integer)))
    add((dataset, VOID.uriSpace, Literal(minter.base)))
    add((dataset, VOID.sparqlEndpoint, service))
    for vocabulary in (*VOCABULARIES, minter.term("")):
        add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for name, triples in counts.graphs:
        part = URIRef(name)
        add((dataset, VOID.subset, part))
        add((part, RDF.type, VOID.Dataset))
        add((part, VOID.triples, Literal(triples, datatype=XSD.integer)))
    _sdg_linkset(graph, minter, dataset, counts.sdg_target_links)
    _distributions(graph, minter, dataset, licence, files, record["formats"])

    # the SPARQL endpoint as a data service
    about = record["service"]
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, en(about["title"])))
    add((service, DCTERMS.description, en(about["description"])))
    add((service, DCAT.endpointURL, service))
    add((service, DCAT.endpointDescription, service))   # the SPARQL service description, given at the endpoint
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.conformsTo, _typed(graph, about["conforms_to"], DCTERMS.Standard)))
    add((service, DCTERMS.license, licence))
    add((service, DCTERMS.publisher, publisher))
    return graph


def _theme(vocabulary: Vocabulary, slug: str):
    try:
        return vocabulary.theme(slug)
    except KeyError:
        raise InvalidDocument(f"the catalogue names a theme that the taxonomy does not have: {slug}",
                              file=f"mappings/{CATALOGUE_FILE}",
                              hint="use a slug of mappings/themes.yaml under dataset: themes") from None


def _typed(graph: Graph, iri: str, kind: URIRef) -> URIRef:
    """An outside resource, typed as DCAT-AP expects it (its class is not in this dataset otherwise)."""
    node = URIRef(iri)
    graph.add((node, RDF.type, kind))
    return node


def _sdg_linkset(graph: Graph, minter: Minter, dataset: URIRef, links: int) -> None:
    """The uncc:sdgTarget statements as a VoID linkset from this dataset to the UN's SDG vocabulary."""
    linkset, sdg = URIRef(minter.dataset_part("sdg-target-links")), URIRef("http://metadata.un.org/sdg/")
    graph.add((dataset, VOID.subset, linkset))
    graph.add((linkset, RDF.type, VOID.Linkset))
    graph.add((linkset, DCTERMS.title, Literal("Paragraphs to the SDG targets they serve", lang="en")))
    graph.add((linkset, VOID.linkPredicate, URIRef(minter.term("sdgTarget"))))
    graph.add((linkset, VOID.subjectsTarget, dataset))
    graph.add((linkset, VOID.objectsTarget, sdg))
    graph.add((linkset, VOID.triples, Literal(links, datatype=XSD.integer)))
    graph.add((sdg, RDF.type, VOID.Dataset))
    graph.add((sdg, DCTERMS.title, Literal("UN Sustainable Development Goals vocabulary", lang="en")))


def _distributions(graph: Graph, minter: Minter, dataset: URIRef, licence: URIRef, files: ReleasedFiles,
                   formats: Iterable[dict]) -> None:
    """Each whole-dataset dump twice: as released (gzipped) and as served plain (the server and the static site
    unpack it), each with its own size and SHA-256."""
    add = graph.add
    for form in formats:
        plain = "dataset" + form["extension"]
        packed = packed_name(plain)
        if packed not in files.sizes:
            continue
        media = _typed(graph, IANA + form["media_type"], DCTERMS.MediaType)
        file_type = _typed(graph, EU + "file-type/" + form["file_type"], DCTERMS.MediaTypeOrExtent)
        plain_size, plain_digest = files.unpacked[packed]
        for name, size, digest, compressed in ((packed, files.sizes[packed], files.digests[packed], True),
                                               (plain, plain_size, plain_digest, False)):
            dump = URIRef(minter.dump(name))
            add((dataset, VOID.dataDump, dump))
            add((dataset, DCAT.distribution, dump))
            add((dump, RDF.type, DCAT.Distribution))
            add((dump, DCTERMS.title, Literal(f"The whole dataset in {form['title']}"
                                              + (", gzipped" if compressed else ""), lang="en")))
            add((dump, DCAT.accessURL, dump))
            add((dump, DCAT.downloadURL, dump))
            add((dump, DCAT.mediaType, media))
            add((dump, DCTERMS.format, file_type))
            add((dump, DCTERMS.license, licence))
            if compressed:
                add((dump, DCAT.compressFormat, GZIP))
            add((dump, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
            checksum = URIRef(minter.checksum(name))
            add((dump, SPDX.checksum, checksum))
            add((checksum, RDF.type, SPDX.Checksum))
            add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    add((GZIP, RDF.type, DCTERMS.MediaType))
    add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
