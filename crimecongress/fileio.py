"""Writing files so that a reader never sees half of one: write a sibling temporary file, then rename."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from .errors import CrimeCongressError


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class TreeWriter:
    """Files written into a staging directory as they come (see `atomic_tree`)."""

    def __init__(self, staging: Path):
        self.staging, self.count, self._made = staging, 0, set()

    def _target(self, relative: str) -> Path:
        target = self.staging / relative
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        self.count += 1
        return target

    def write(self, relative: str, data: bytes) -> None:
        self._target(relative).write_bytes(data)

    def open(self, relative: str) -> BinaryIO:
        """A file to write in parts (a dump too large to hold in memory)."""
        return self._target(relative).open("wb")


@contextmanager
def atomic_tree(out_dir: Path, *, what: str) -> Iterator[TreeWriter]:
    """Write files into a fresh sibling directory, then swap it in for out_dir when the block ends without
    an error: readers never see half a tree, and a failure leaves the old one in place."""
    out_dir = Path(out_dir).resolve()
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        yield TreeWriter(staging)
        if out_dir.exists():
            out_dir.rename(retired)
        staging.rename(out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out_dir.exists():
            retired.rename(out_dir)
        raise CrimeCongressError(f"cannot write the {what}: {exc.strerror}", file=str(out_dir)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_tree_atomically(out_dir: Path, files: Iterable[tuple[str, bytes]], *, what: str,
                          progress: Callable[[str], None] | None = None) -> int:
    """Write (relative path, bytes) pairs with `atomic_tree`. Returns the number of files."""
    with atomic_tree(out_dir, what=what) as tree:
        for relative, data in files:
            tree.write(relative, data)
            if progress and tree.count % 5000 == 0:
                progress(f"  {tree.count} files …")
    return tree.count
