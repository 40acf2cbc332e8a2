"""The whole-dataset dumps of a build: where they are and how to read them.

The build writes them gzipped (`dataset.nq.gz`, `dataset.ttl.gz`, `dataset.jsonld.gz`, `dataset.nt.gz`), so that
no committed file grows past what a git host takes, whatever texts are added. Their public addresses stay those of
the plain files (`/dataset/dataset.nq`, ...): the server and the static site hand them out uncompressed, or as
they are with `Content-Encoding: gzip` to a client that takes it. A directory that holds the plain file (a build
made by hand, or unpacked with `gunzip -k`) is read as well; the gzipped one wins when both are there.
"""
from __future__ import annotations

import gzip
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox

QUADS = "dataset.nq"
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


def open_plain(path: Path) -> BinaryIO:
    """The dump's plain bytes, read as a stream (decompressed on the fly when gzipped)."""
    return gzip.open(path, "rb") if Path(path).suffix == ".gz" else open(path, "rb")


def plain_bytes(path: Path) -> bytes:
    with open_plain(path) as handle:
        return handle.read()


def load_quads(store: ox.Store, path: Path) -> None:
    """Bulk-load an N-Quads dump, gzipped or not, into a pyoxigraph store."""
    if Path(path).suffix == ".gz":
        with gzip.open(path, "rb") as handle:
            store.bulk_load(input=handle, format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)


@contextmanager
def plain_file(path: Path) -> Iterator[Path]:
    """A plain file with the dump's bytes, for readers that need to seek or map it: the file itself when it is
    not compressed, else a temporary copy unpacked beside the system's other temporary files (removed after)."""
    if Path(path).suffix != ".gz":
        yield Path(path)
        return
    with tempfile.TemporaryDirectory(prefix="crimecongress-dump-") as folder:
        target = Path(folder) / Path(path).stem
        with gzip.open(path, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        yield target
