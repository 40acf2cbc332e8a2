"""Writing files so that a reader never sees half of one: write a sibling temporary file, then rename.

A whole tree (the build, the site) is written into a sibling staging directory `.NAME.new-PID`, then
exchanged with NAME in one step (Linux renameat2 with RENAME_EXCHANGE), so that NAME always exists and holds
either the old tree or the new one. Where the file system cannot exchange, the old tree is first renamed to
`.NAME.old-PID`; a run killed between the two renames leaves it there, and the next run puts it back.
Staging left by a killed run (its process is gone) is removed by the next run into the same directory.
"""
from __future__ import annotations

import errno
import functools
import os
import re
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from .errors import CrimeCongressError

# ctypes, shutil and tempfile are imported where they are used: every command imports this module (through the
# cache), and a command that writes nothing, like a draft's check, need not pay for them.


def write_atomic(path: Path, data: bytes) -> None:
    import tempfile
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
    """Files written into a staging directory as they come (see `atomic_tree`), from one thread or several."""

    def __init__(self, staging: Path):
        self.staging, self.count, self._made = staging, 0, set()
        self._lock = threading.Lock()       # the build writes its documents' files beside its other work

    def _target(self, relative: str) -> Path:
        target = self.staging / relative
        with self._lock:
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


def check_out_dir(out_dir: Path, *, what: str) -> Path:
    """The output directory, resolved, once it is known that `atomic_tree` can replace it: checked before
    any work starts, so that a bad --out fails at once rather than after a whole build."""
    given = str(out_dir)
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise CrimeCongressError(f"cannot write the {what} here: this is a file, not a directory", file=given,
                                 hint="give a directory with --out")
    if os.path.ismount(out_dir):
        raise CrimeCongressError(f"cannot write the {what} here: this is a mount point, and the {what} replaces "
                                 "its directory by renaming it", file=given,
                                 hint=f"give a directory inside it, e.g. --out {out_dir / what}")
    existing = out_dir.parent
    while not existing.exists():          # the missing parents are made when the writing starts
        existing = existing.parent
    if not existing.is_dir():
        raise CrimeCongressError(f"cannot write the {what} here: {existing} is a file, not a directory",
                                 file=given, hint="give another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CrimeCongressError(f"cannot write the {what} here: {existing} is not writable", file=given,
                                 hint="give a directory you may write in with --out")
    return out_dir


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2():
    import ctypes
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):      # a C library older than glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one step. False where the system or the file system cannot (then nothing
    was done); any other failure is an OSError."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _running(pid: int) -> bool:
    """Whether another process with this id is alive (a zombie is not: it has ended)."""
    if pid == os.getpid():
        return False               # ours from a killed run that had the same id: not in use
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2:][:1] != "Z"


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove the staging directories of runs into out_dir that were killed (their process is gone); a tree
    set aside by a run killed between its two renames is put back when out_dir is missing. Returns what
    was found."""
    import shutil
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(new|old)-([0-9]+)")
    try:
        siblings = sorted(out_dir.parent.iterdir())
    except OSError:
        return []
    found = []
    for path in siblings:
        match = pattern.fullmatch(path.name)
        if not match or _running(int(match.group(2))) or not path.is_dir() or path.is_symlink():
            continue
        found.append(path)
        if match.group(1) == "old" and not out_dir.exists():
            path.rename(out_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)
    return found


@contextmanager
def atomic_tree(out_dir: Path, *, what: str) -> Iterator[TreeWriter]:
    """Write files into a fresh sibling directory, then swap it in for out_dir when the block ends without
    an error: readers never see half a tree nor no tree, and a failure or an interruption (Ctrl-C, SIGTERM)
    leaves the old one in place and no staging behind."""
    out_dir = check_out_dir(out_dir, what=what)
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    try:
        remove_leftovers(out_dir)
        staging.mkdir(parents=True)
        yield TreeWriter(staging)
        if not out_dir.exists():
            staging.rename(out_dir)
        elif not exchange(staging, out_dir):     # staging now holds the old tree, removed below
            out_dir.rename(retired)               # no exchange here: two renames, with a moment between
            staging.rename(out_dir)
    except OSError as exc:
        _clean_up(staging, retired, out_dir)
        raise CrimeCongressError(f"cannot write the {what}: {exc.strerror or exc}", file=str(out_dir)) from None
    except BaseException:
        _clean_up(staging, retired, out_dir)
        raise
    _clean_up(staging, retired, out_dir)


def _clean_up(staging: Path, retired: Path, out_dir: Path) -> None:
    import shutil
    shutil.rmtree(staging, ignore_errors=True)
    if retired.exists() and not out_dir.exists():
        retired.rename(out_dir)
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
