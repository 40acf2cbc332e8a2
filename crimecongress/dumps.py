"""The whole-dataset dumps of a build: where they are and how to read them.

The build writes them gzipped (`dataset.nq.gz`, `dataset.ttl.gz`, `dataset.jsonld.gz`, `dataset.nt.gz`), so that
no committed file grows past what a git host takes, whatever texts are added. Their public addresses stay those of
the plain files (`/dataset/dataset.nq`, ...): the server and the static site hand them out uncompressed, or as
they are with `Content-Encoding: gzip` to a client that takes it. A directory that holds the plain file (a build
made by hand, or unpacked with `gunzip -k`) is read as well; the gzipped one wins when both are there. The
build's MANIFEST.sha256 lists every file with its SHA-256 (`listed_digests`).
"""
from __future__ import annotations

from io import BufferedIOBase
from pathlib import Path

import pyoxigraph as ox

# gzip, shutil and tempfile are imported where they are used (typing not at all): a command that opens the
# build's store reads no dump, and each import costs its start

QUADS = "dataset.nq"
MANIFEST = "MANIFEST.sha256"
# the whole dataset in each format, by the name of its plain (uncompressed) file
WHOLE = ("dataset.nt", "dataset.ttl", "dataset.jsonld", "dataset.nq")


def packed_name(plain: str) -> str:
    return plain + ".gz"


def find(build_dir: Path, plain: str = QUADS) -> Path | None:
    """The file that holds the dump named `plain` in build_dir (gzipped first), or None."""
    for candidate in (Path(build_dir) / packed_name(plain), Path(build_dir) / plain):
        if candidate.is_file():
            return candidate
    return None


def display_name(build_dir: Path, plain: str = QUADS) -> str:
    """How an error names the dump that is missing: the file the build writes."""
    return str(Path(build_dir) / packed_name(plain))


def open_plain(path: Path) -> BufferedIOBase:
    """The dump's plain bytes, read as a stream (decompressed on the fly when gzipped)."""
    import gzip
    return gzip.open(path, "rb") if Path(path).suffix == ".gz" else open(path, "rb")


def plain_bytes(path: Path) -> bytes:
    with open_plain(path) as handle:
        return handle.read()


def load_quads(store: ox.Store, path: Path) -> None:
    """Bulk-load an N-Quads dump, gzipped or not, into a pyoxigraph store."""
    if Path(path).suffix == ".gz":
        import gzip
        with gzip.open(path, "rb") as handle:
            store.bulk_load(input=handle, format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)


def mappable(path: Path) -> BufferedIOBase:
    """The dump's plain bytes as an open file that can be mapped or read twice: the dump itself, or for a gzipped
    one an anonymous temporary copy (gone when it is closed or the process ends)."""
    if Path(path).suffix != ".gz":
        return open(path, "rb")
    import gzip
    import shutil
    import tempfile
    copy = tempfile.TemporaryFile(prefix="crimecongress-dump-")
    with gzip.open(path, "rb") as source:
        shutil.copyfileobj(source, copy, 1 << 20)
    copy.flush()
    copy.seek(0)
    return copy


def listed_digests(build_dir: Path) -> dict[str, str] | None:
    """The build's MANIFEST.sha256: file name -> SHA-256; None when there is no manifest. An unreadable one
    raises OSError or UnicodeDecodeError, for the caller to report as it must."""
    manifest = Path(build_dir) / MANIFEST
    if not manifest.is_file():
        return None
    listed = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, separator, name = line.partition("  ")
        if separator:
            listed[name.strip()] = digest.strip()
    return listed
