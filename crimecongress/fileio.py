"""Writing files so that a reader never sees half of one: write a sibling temporary file, then rename."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable

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


def write_tree_atomically(out_dir: Path, files: Iterable[tuple[str, bytes]], *, what: str,
                          progress: Callable[[str], None] | None = None) -> int:
    """Write (relative path, bytes) pairs into a fresh sibling directory, then swap it in for out_dir:
    readers never see half a tree, and a failure leaves the old one in place. Returns the number of files."""
    out_dir = Path(out_dir).resolve()
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    count = 0
    try:
        made: set[Path] = set()
        for relative, data in files:
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            count += 1
            if progress and count % 5000 == 0:
                progress(f"  {count} files …")
        if out_dir.exists():
            out_dir.rename(retired)
        staging.rename(out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out_dir.exists():
            retired.rename(out_dir)
        raise CrimeCongressError(f"cannot write the {what}: {exc.strerror}", file=str(out_dir)) from None
    shutil.rmtree(retired, ignore_errors=True)
    return count
