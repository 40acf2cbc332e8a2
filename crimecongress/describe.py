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

import pyoxigraph as ox

from . import __version__
from .dumps import packed_name
from .errors import InvalidDocument
from .ids import Minter
from .prefixes import pick
from .rdf.literals import en, typed
from .rdf.namespaces import DCAT, DCTERMS, NS, RDF, RDFS, SKOS, VOID, XSD
from .rdf.triples import Triples
from .release import ReleasedFiles
from .vocab.model import Vocabulary
from .vocab.files import load_schema, read_mapping, schema_path, validate

CATALOGUE_FILE = "catalogue.yaml"
FOAF, VCARD, SPDX = NS("foaf"), NS("vcard"), NS("spdx")
IANA = "http://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"
GZIP = ox.NamedNode(IANA + "application/gzip")
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


def describe(minter: Minter, counts: Counts, files: ReleasedFiles, record: dict,
             vocabulary: Vocabulary) -> list[ox.Triple]:
    graph = Triples()
    add = graph.add
    folded = lambda text: en(" ".join(text.split()))  # noqa: E731 -- folded YAML to one line
    catalog, dataset = ox.NamedNode(minter.catalog()), ox.NamedNode(minter.dataset())
    service = ox.NamedNode(minter.sparql_service())
    publisher, contact = ox.NamedNode(minter.dataset_part("publisher")), ox.NamedNode(minter.dataset_part("contact"))
    licence = ox.NamedNode(record["dataset"]["license"])
    home = ox.NamedNode(minter.base)

    # the catalogue
    add(catalog, RDF.type, DCAT.Catalog)
    add(catalog, DCTERMS.title, folded(record["catalog"]["title"]))
    add(catalog, DCTERMS.description, folded(record["catalog"]["description"]))
    add(catalog, DCTERMS.publisher, publisher)
    add(catalog, DCTERMS.license, licence)
    add(catalog, DCTERMS.language, ox.NamedNode(EU + "language/" + record["catalog"]["language"]))
    add(catalog, DCTERMS.issued, typed(record["dataset"]["issued"], XSD.date))
    add(catalog, DCTERMS.modified, typed(record["dataset"]["modified"], XSD.date))
    add(catalog, FOAF.homepage, home)
    add(catalog, DCAT.dataset, dataset)
    add(catalog, DCAT.service, service)
    add(catalog, DCAT.themeTaxonomy, ox.NamedNode(EU + "data-theme"))
    add(catalog, DCAT.themeTaxonomy, ox.NamedNode(minter.theme_scheme()))
    add(ox.NamedNode(EU + "data-theme"), RDF.type, SKOS.ConceptScheme)
    add(ox.NamedNode(EU + "data-theme"), DCTERMS.title, en(record["catalog"]["eu_theme_scheme"]))
    add(ox.NamedNode(minter.theme_scheme()), RDF.type, SKOS.ConceptScheme)
    for lang, label in vocabulary.scheme.label.items():
        add(ox.NamedNode(minter.theme_scheme()), DCTERMS.title, ox.Literal(label, language=lang))
    add(home, RDF.type, FOAF.Document)

    # who publishes it and whom to ask
    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, FOAF.name, en(record["publisher"]["name"]))
    add(publisher, FOAF.homepage, home)
    add(contact, RDF.type, VCARD.Kind)
    add(contact, RDF.type, VCARD.Organization)
    add(contact, VCARD.fn, en(record["contact"]["name"]))
    add(contact, VCARD.hasURL, home)

    # the dataset: VoID for SPARQL clients, DCAT-AP for portals
    facts = record["dataset"]
    add(dataset, RDF.type, VOID.Dataset)
    add(dataset, RDF.type, DCAT.Dataset)
    add(dataset, RDFS.label, en("crimecongress dataset"))
    add(dataset, DCTERMS.title, folded(facts["title"]))
    add(dataset, DCTERMS.description, folded(facts["description"]))
    add(dataset, DCTERMS.license, licence)
    add(licence, RDF.type, DCTERMS.LicenseDocument)
    add(dataset, DCTERMS.hasVersion, ox.Literal(__version__))
    add(dataset, DCAT.version, ox.Literal(__version__))   # DCAT 3
    add(dataset, DCTERMS.issued, typed(facts["issued"], XSD.date))
    add(dataset, DCTERMS.modified, typed(facts["modified"], XSD.date))
    add(dataset, DCTERMS.publisher, publisher)
    add(dataset, DCAT.contactPoint, contact)
    add(dataset, DCAT.landingPage, home)
    add(dataset, DCTERMS.accrualPeriodicity, _typed(graph, EU + "frequency/" + facts["accrual_periodicity"],
                                                    DCTERMS.Frequency))
    for keyword in facts["keywords"]:
        add(dataset, DCAT.keyword, en(keyword))
    for code in facts["languages"]:
        add(dataset, DCTERMS.language, _typed(graph, EU + "language/" + code, DCTERMS.LinguisticSystem))
    add(ox.NamedNode(EU + "language/" + record["catalog"]["language"]), RDF.type, DCTERMS.LinguisticSystem)
    for theme in facts["eu_themes"]:
        concept = _typed(graph, EU + "data-theme/" + theme["code"], SKOS.Concept)
        add(dataset, DCAT.theme, concept)
        add(concept, SKOS.prefLabel, en(theme["label"]))
    for slug in facts["themes"]:
        concept = _typed(graph, minter.theme(slug), SKOS.Concept)
        add(dataset, DCAT.theme, concept)
        for lang, label in _theme(vocabulary, slug).label.items():
            add(concept, SKOS.prefLabel, ox.Literal(label, language=lang))
    period = ox.NamedNode(minter.dataset_part("temporal"))
    add(dataset, DCTERMS.temporal, period)
    add(period, RDF.type, DCTERMS.PeriodOfTime)
    add(period, DCAT.startDate, typed(facts["temporal"]["start"], XSD.date))
    add(period, DCAT.endDate, typed(facts["temporal"]["end"], XSD.date))
    add(dataset, VOID.triples, typed(counts.total, XSD.integer))
    add(dataset, VOID.uriSpace, ox.Literal(minter.base))
    add(dataset, VOID.sparqlEndpoint, service)
    for vocabulary in (*VOCABULARIES, minter.term("")):
        add(dataset, VOID.vocabulary, ox.NamedNode(vocabulary))
    for name, triples in counts.graphs:
        part = ox.NamedNode(name)
        add(dataset, VOID.subset, part)
        add(part, RDF.type, VOID.Dataset)
        add(part, VOID.triples, typed(triples, XSD.integer))
    _sdg_linkset(graph, minter, dataset, counts.sdg_target_links)
    _distributions(graph, minter, dataset, licence, files, record["formats"])

    # the SPARQL endpoint as a data service
    about = record["service"]
    add(service, RDF.type, DCAT.DataService)
    add(service, DCTERMS.title, folded(about["title"]))
    add(service, DCTERMS.description, folded(about["description"]))
    add(service, DCAT.endpointURL, service)
    add(service, DCAT.endpointDescription, service)   # the SPARQL service description, given at the endpoint
    add(service, DCAT.servesDataset, dataset)
    add(service, DCTERMS.conformsTo, _typed(graph, about["conforms_to"], DCTERMS.Standard))
    add(service, DCTERMS.license, licence)
    add(service, DCTERMS.publisher, publisher)
    return graph.list()


def _theme(vocabulary: Vocabulary, slug: str):
    try:
        return vocabulary.theme(slug)
    except KeyError:
        raise InvalidDocument(f"the catalogue names a theme that the taxonomy does not have: {slug}",
                              file=f"mappings/{CATALOGUE_FILE}",
                              hint="use a slug of mappings/themes.yaml under dataset: themes") from None


def _typed(graph: Triples, iri: str, kind: ox.NamedNode) -> ox.NamedNode:
    """An outside resource, typed as DCAT-AP expects it (its class is not in this dataset otherwise)."""
    node = ox.NamedNode(iri)
    graph.add(node, RDF.type, kind)
    return node


def _sdg_linkset(graph: Triples, minter: Minter, dataset: ox.NamedNode, links: int) -> None:
    """The uncc:sdgTarget statements as a VoID linkset from this dataset to the UN's SDG vocabulary."""
    linkset, sdg = ox.NamedNode(minter.dataset_part("sdg-target-links")), ox.NamedNode("http://metadata.un.org/sdg/")
    graph.add(dataset, VOID.subset, linkset)
    graph.add(linkset, RDF.type, VOID.Linkset)
    graph.add(linkset, DCTERMS.title, en("Paragraphs to the SDG targets they serve"))
    graph.add(linkset, VOID.linkPredicate, ox.NamedNode(minter.term("sdgTarget")))
    graph.add(linkset, VOID.subjectsTarget, dataset)
    graph.add(linkset, VOID.objectsTarget, sdg)
    graph.add(linkset, VOID.triples, typed(links, XSD.integer))
    graph.add(sdg, RDF.type, VOID.Dataset)
    graph.add(sdg, DCTERMS.title, en("UN Sustainable Development Goals vocabulary"))


def _distributions(graph: Triples, minter: Minter, dataset: ox.NamedNode, licence: ox.NamedNode, files: ReleasedFiles,
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
            dump = ox.NamedNode(minter.dump(name))
            add(dataset, VOID.dataDump, dump)
            add(dataset, DCAT.distribution, dump)
            add(dump, RDF.type, DCAT.Distribution)
            add(dump, DCTERMS.title, en(f"The whole dataset in {form['title']}"
                                        + (", gzipped" if compressed else "")))
            add(dump, DCAT.accessURL, dump)
            add(dump, DCAT.downloadURL, dump)
            add(dump, DCAT.mediaType, media)
            add(dump, DCTERMS.format, file_type)
            add(dump, DCTERMS.license, licence)
            if compressed:
                add(dump, DCAT.compressFormat, GZIP)
            add(dump, DCAT.byteSize, typed(size, XSD.nonNegativeInteger))
            checksum = ox.NamedNode(minter.checksum(name))
            add(dump, SPDX.checksum, checksum)
            add(checksum, RDF.type, SPDX.Checksum)
            add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
            add(checksum, SPDX.checksumValue, typed(digest, XSD.hexBinary))
    add(GZIP, RDF.type, DCTERMS.MediaType)
    add(SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm)
