"""A content-addressed cache on disk, for what the build can make again: sentence embeddings, the reasoner's
verdict, the SHACL report, the released files of an unchanged build.

An entry is stored under the SHA-256 of everything its value depends on (`key`), so a changed input is a new key
and can never meet a stale value. Each entry starts with the SHA-256 of its value: a truncated or altered entry is
a miss, and is made again. Entries are written to a temporary file and renamed, so two builds running at once
each see a whole entry or none. A cache that cannot be read or written is no cache: the build runs uncached,
silently.

The cache in use is set for a run with `using(Cache(...))`; code deep in a stage asks `current()` (None when the
run is uncached, as in tests and library calls that did not ask for one).
"""
from __future__ import annotations

import hashlib
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from .fileio import write_atomic

_HEADER = 32   # the SHA-256 of the value, before it
T = TypeVar("T")


def key(*parts: bytes | str) -> str:
    """The SHA-256 of the parts, each length-prefixed (so that ("ab", "c") and ("a", "bc") differ)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class Cache:
    """The entries under `directory`, one file each: KIND/KEY[:2]/KEY."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.writable = True
        self.hits = self.misses = 0

    def _path(self, kind: str, entry: str) -> Path:
        return self.directory / kind / entry[:2] / entry

    def get(self, kind: str, entry: str) -> bytes | None:
        try:
            data = self._path(kind, entry).read_bytes()
        except OSError:
            self.misses += 1
            return None
        value = data[_HEADER:]
        if len(data) < _HEADER or hashlib.sha256(value).digest() != data[:_HEADER]:
            self.misses += 1         # torn or altered: made again, and the next put replaces it
            return None
        self.hits += 1
        return value

    def put(self, kind: str, entry: str, value: bytes) -> None:
        if not self.writable:
            return
        try:
            write_atomic(self._path(kind, entry), hashlib.sha256(value).digest() + value)
        except OSError:
            self.writable = False    # read-only or full: go on without storing, and stop trying

    def keep_only(self, kind: str, entry: str) -> None:
        """Drop the other entries of `kind` (for large entries of which only the latest is worth keeping)."""
        try:
            for path in (self.directory / kind).glob("*/*"):
                if path.name != entry and not path.name.startswith("."):
                    path.unlink(missing_ok=True)
        except OSError:
            pass


_current: Cache | None = None


def current() -> Cache | None:
    """The cache of this run, or None when it runs uncached."""
    return _current


@contextmanager
def using(cache: Cache | None) -> Iterator[Cache | None]:
    global _current
    saved, _current = _current, cache
    try:
        yield cache
    finally:
        _current = saved


def remembered(kind: str, entry: Callable[[], str], make: Callable[[], T]) -> T:
    """What `make()` gives, kept pickled in the run's cache under `kind` and the key `entry()` (asked only when a
    cache is in use: a key may be costly) and read back from it next time. Without a cache, or from an entry that
    does not unpickle (other code's, or damaged), it is made again; what `make` raises is not kept."""
    store = current()
    if store is None:
        return make()
    key_ = entry()
    kept = store.get(kind, key_)
    if kept is not None:
        try:
            return pickle.loads(kept)
        except Exception:  # noqa: BLE001 -- an entry from other code, or damaged: made again
            pass
    value = make()
    store.put(kind, key_, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def default() -> Cache:
    """The user's cache: $CRIMECONGRESS_CACHE, else $XDG_CACHE_HOME/crimecongress, else ~/.cache/crimecongress."""
    from .cachedir import default_cache_dir
    return Cache(default_cache_dir())


def environment_key() -> str:
    """The Python and library versions the build runs on (a new release of one may change its output)."""
    from importlib import metadata
    import re
    import sys
    parts = [sys.version]
    try:
        requires = metadata.requires("crimecongress") or []
    except metadata.PackageNotFoundError:
        requires = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return key(*parts)


def tree_key(*directories: Path) -> str:
    """The SHA-256 of every file under the directories (names and contents; __pycache__ left out)."""
    from .analyse import _digest_tree
    digest = hashlib.sha256()
    for directory in directories:
        digest.update(str(directory.name).encode() + b"\0")
        if directory.is_file():
            digest.update(hashlib.sha256(directory.read_bytes()).digest())
        elif directory.is_dir():
            _digest_tree(digest, directory)
    return digest.hexdigest()
