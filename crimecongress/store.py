"""A persistent pyoxigraph store per build, so that commands open the dataset instead of parsing its dump.

The store holds the build's N-Quads dump and its VoID description (void.ttl, in its own graph, as the server
has always answered it). It lives in the cache directory, in a folder named by a key over everything its
content depends on: the dump's SHA-256 as MANIFEST.sha256 lists it (and its size, so that a dump changed behind
the manifest's back is not taken for the old one), the VoID file's bytes, the graph it goes into, pyoxigraph's
version and FORMAT. A new build therefore never meets a stale store: it gets a new folder, and the store of the
build it replaced is removed.

A store is made once, by whichever process needs it first: loaded into a temporary folder, flushed, optimised
and renamed into place, under a lock so that a second process waits for the first instead of loading it again.
Readers open it read-only. A cache directory that cannot be written costs speed only: the dump is then loaded
into memory, as before.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import dumps
from .cachedir import default_cache_dir

FORMAT = 1                 # raise when what goes into a store changes
UNUSED_FOR = 30 * 86400    # seconds after which a store nobody opened is removed
STALE_MAKING = 3600        # seconds after which a half-made store (its maker died) is removed


@dataclass(frozen=True)
class Source:
    """What a build's store is made from, and the key that names it."""

    build_dir: Path
    dump: Path
    void: Path | None
    void_graph: str | None
    key: str


def digest_of(build_dir: Path, path: Path) -> str:
    """The file's SHA-256 as MANIFEST.sha256 lists it, else computed from its bytes."""
    name = Path(path).relative_to(build_dir).as_posix()
    try:
        digest = (dumps.listed_digests(build_dir) or {}).get(name, "")
    except (OSError, UnicodeDecodeError):
        digest = ""
    if len(digest) == 64:
        return digest
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_base(build_dir: Path) -> str | None:
    """The base IRI the build was made with: void:uriSpace in its void.ttl."""
    void = Path(build_dir) / "void.ttl"
    if not void.is_file():
        return None
    try:
        for triple in ox.parse(path=str(void), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == "http://rdfs.org/ns/void#uriSpace":
                return triple.object.value
    except (SyntaxError, OSError):
        return None
    return None


def source(build_dir: Path, void_graph: str | None = None) -> Source | None:
    """The build's store source, or None when the build has no dump. `void_graph` is the graph void.ttl goes
    into; by default that of the build's own base."""
    build_dir = Path(build_dir)
    dump = dumps.find(build_dir)
    if dump is None:
        return None
    void = build_dir / "void.ttl"
    if not void.is_file():
        void, void_graph = None, None
    elif void_graph is None:
        from .ids import DEFAULT_BASE, Minter
        void_graph = Minter(build_base(build_dir) or DEFAULT_BASE).graph("void")
    parts = [f"format {FORMAT}", f"pyoxigraph {ox.__version__}", dump.name, digest_of(build_dir, dump),
             str(dump.stat().st_size)]
    if void is not None:
        parts += [hashlib.sha256(void.read_bytes()).hexdigest(), void_graph]
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return Source(build_dir, dump, void, void_graph, key)


def load(target: ox.Store, src: Source) -> None:
    dumps.load_quads(target, src.dump)
    if src.void is not None:
        target.bulk_load(path=str(src.void), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(src.void_graph))


def in_memory(src: Source) -> ox.Store:
    store = ox.Store()
    load(store, src)
    return store


def stores_dir(cache_dir: Path | None = None) -> Path:
    return Path(cache_dir or default_cache_dir()) / "stores"


def ensure(src: Source, cache_dir: Path | None = None) -> Path | None:
    """The folder of the build's store (to open with `ox.Store.read_only`), made if there is none yet; None when
    the cache directory cannot hold it."""
    root = stores_dir(cache_dir)
    final = root / src.key
    try:
        if not (final / "db").is_dir():
            root.mkdir(parents=True, exist_ok=True)
            with _locked(root / f"{src.key}.lock"):
                if not (final / "db").is_dir():        # another process may have made it while we waited
                    _make(src, root, final)
                    _prune(root, src)
    except (OSError, RuntimeError, SyntaxError):
        # RocksDB reports some storage failures as RuntimeError; a dump that does not parse is reported by the
        # reader that loads it instead (see open_store)
        return None
    try:
        os.utime(final)                                # last use: what pruning goes by
    except OSError:
        pass                                           # a cache others made, that this user may only read
    return final / "db"


def open_store(build_dir: Path, void_graph: str | None = None, cache_dir: Path | None = None) -> ox.Store:
    """The build's dataset as a store: the persistent one, read-only, else (no usable cache) one in memory.
    The build must have a dump (see `source`)."""
    src = source(build_dir, void_graph)
    if src is None:
        raise FileNotFoundError(dumps.display_name(Path(build_dir)))
    folder = ensure(src, cache_dir)
    if folder is not None:
        try:
            return ox.Store.read_only(str(folder))
        except (OSError, RuntimeError):                       # RocksDB reports corruption as RuntimeError
            _remove(folder.parent)   # damaged: the next command makes it anew
    return in_memory(src)


def _remove(folder: Path, ignore_errors: bool = True) -> None:
    # shutil is imported here, not at the top: every command opens a store, and few remove one
    import shutil
    shutil.rmtree(folder, ignore_errors=ignore_errors)


def _make(src: Source, root: Path, final: Path) -> None:
    making = root / f".making-{src.key[:16]}-{os.urandom(4).hex()}"
    try:
        making.mkdir()
        store = ox.Store(str(making / "db"))
        load(store, src)
        store.flush()
        store.optimize()
        del store                                      # closes the database before it moves
        (making / "origin").write_text(_origin(src), encoding="utf-8")
        if final.exists():                             # left half-made by an older version: replace it
            _remove(final, ignore_errors=False)
        os.rename(making, final)
    finally:
        _remove(making)


def _origin(src: Source) -> str:
    """What a store is the store of, whatever the build's state: the build folder, and the graph of its VoID
    (a server started with another --base keeps a store of its own)."""
    return f"{src.build_dir.resolve()}\n{src.void_graph}"


def _prune(root: Path, src: Source) -> None:
    """Remove the stores of this build's earlier states, stores unused for a long time, and folders left by a
    maker that died."""
    now = time.time()
    origin = _origin(src)
    for folder in root.iterdir():
        if folder.name == src.key or not folder.is_dir():
            continue
        try:
            age = now - folder.stat().st_mtime
            if folder.name.startswith(".making-"):
                stale = age > STALE_MAKING
            else:
                stale = age > UNUSED_FOR or (folder / "origin").read_text(encoding="utf-8") == origin
        except OSError:
            continue
        if stale:
            _remove(folder)
            (root / f"{folder.name}.lock").unlink(missing_ok=True)


class _locked:
    """An exclusive lock on a file, held while the block runs (waits for another holder)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        import fcntl
        self.handle = open(self.path, "a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.handle.close()
