"""Independent pieces of a stage run over the cores: `in_workers(function, tasks, jobs)` calls
`function(*task)` for every task in `jobs` worker processes and yields the results in the tasks' order.

Each worker is a fresh interpreter running this module (`python -m crimecongress.workers`): not a fork of a
build that may hold threads, and not a re-run of the caller's own script, as multiprocessing's spawn would
be. Tasks and results go over the worker's stdin and stdout, pickled, each after its length. `function` must
be importable by module and name. A worker that cannot start or dies costs speed, not results: its task is
done here, where an error says why. Memory holds the tasks being worked on and the results waiting for an
earlier one, not all of them.
"""
from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, TypeVar

from .errors import CrimeCongressError

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
T = TypeVar("T")


JOBS_VARIABLE = "CRIMECONGRESS_JOBS"    # how many workers a stage may use (default: one per core)
POLL_SECONDS = 0.5      # how often a wait looks again, should a wake-up be missed: never what a result waits for


def jobs_for(tasks: int, jobs: int | None = None) -> int:
    """How many workers `tasks` tasks are worth: `jobs`, else $CRIMECONGRESS_JOBS, else one per core; never more
    than the tasks. 1 runs them here, in this process."""
    if jobs is None:
        given = os.environ.get(JOBS_VARIABLE, "").strip()
        if given and not (given.isdigit() and int(given) > 0):
            raise CrimeCongressError(f"{JOBS_VARIABLE}={given!r} is not a number of worker processes",
                                     hint=f"set {JOBS_VARIABLE} to 1 or more, or unset it (one per core)")
        jobs = int(given) if given else None
    return max(1, min(jobs or os.cpu_count() or 1, tasks))


def in_workers(function: Callable, tasks: Iterable[tuple], jobs: int) -> Iterator:
    """function(*task) for every task, in the tasks' order; over `jobs` worker processes when jobs > 1."""
    if jobs < 2:
        for task in tasks:
            yield function(*task)
        return
    pending = iter(enumerate(tasks))
    done: dict[int, object] = {}
    changed = threading.Condition()
    stop = threading.Event()          # the caller stopped reading (or was interrupted): take no more tasks
    failed: list[BaseException] = []
    gone = [0]                        # workers whose thread has ended
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
    call = (function.__module__, function.__qualname__)

    def work() -> None:
        try:
            worker = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env)
        except OSError:
            worker = None
        try:
            while not stop.is_set():
                with changed:
                    while len(done) >= 2 * jobs and not stop.is_set():   # the caller is behind: wait for it
                        changed.wait(POLL_SECONDS)
                    index, task = next(pending, (None, None))
                if index is None:
                    return
                result = _ask(worker, call, task) if worker is not None else _NOTHING
                if result is _NOTHING:
                    _close(worker)
                    worker = None
                    result = function(*task)
                with changed:
                    done[index] = result
                    changed.notify_all()
        except BaseException as error:   # noqa: BLE001 -- handed to the caller's thread, raised there
            with changed:
                failed.append(error)
                changed.notify_all()
        finally:
            _close(worker)
            with changed:
                gone[0] += 1
                changed.notify_all()         # the caller, waiting for a result past the last, sees every one gone

    threads = [threading.Thread(target=work, daemon=True) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        index = 0
        while True:
            with changed:
                while index not in done and not failed and gone[0] < len(threads):
                    changed.wait(POLL_SECONDS)
                if failed:
                    raise failed[0]
                if index not in done:
                    return                     # every task is done
                result = done.pop(index)
                changed.notify_all()
            yield result
            index += 1
    finally:
        stop.set()


def with_results(function: Callable, tasks: Iterable[tuple], jobs: int) -> Iterator[tuple[tuple, object]]:
    """(task, function(*task)) for every task, in the tasks' order (`in_workers`): a task waits here for its
    result, for a caller that needs both (the whole-dataset dumps write a chunk beside what a worker made of it)."""
    waiting: deque[tuple] = deque()

    def handed() -> Iterator[tuple]:
        for task in tasks:
            waiting.append(task)
            yield task
    for result in in_workers(function, handed(), jobs):
        yield waiting.popleft(), result


class Stopped(Exception):
    """The work was told to stop (its caller failed, or was interrupted): what it would have made is not wanted."""


def until(stop: threading.Event | None, items: Iterable[T]) -> Iterator[T]:
    """The items, until `stop` is set: then Stopped, so that work running beside a caller that failed ends at its
    next item instead of running to its end."""
    for item in items:
        if stop is not None and stop.is_set():
            raise Stopped()
        yield item


_NOTHING = object()


def _close(worker: subprocess.Popen | None) -> None:
    if worker is not None:
        try:
            worker.stdin.close()
        except OSError:
            pass
        worker.wait()


def _ask(worker: subprocess.Popen, call: tuple[str, str], task: tuple):
    """One task through a worker: its result, or _NOTHING when the worker died."""
    try:
        _send(worker.stdin, (call, task))
        ok, result = _receive(worker.stdout)
    except (OSError, EOFError, pickle.UnpicklingError):
        return _NOTHING
    return result if ok else _NOTHING     # it raised: done here, where the error is raised again


def _send(stream: BinaryIO, value) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: BinaryIO):
    header = stream.read(8)
    size = int.from_bytes(header, "big") if len(header) == 8 else -1
    data = stream.read(size) if size >= 0 else b""
    if size < 0 or len(data) != size:
        raise EOFError("the stream ended")
    return pickle.loads(data)


def _serve(tasks: BinaryIO, results: BinaryIO) -> None:
    """A worker: (module, name), args in; (True, result) out, or (False, None) when the call raised."""
    while True:
        try:
            (module, name), task = _receive(tasks)
        except EOFError:
            return
        function = importlib.import_module(module)
        for part in name.split("."):
            function = getattr(function, part)
        try:
            reply = (True, function(*task))
        except Exception:  # noqa: BLE001 -- the caller does this task itself and reports the error
            reply = (False, None)
        try:
            _send(results, reply)
        except BrokenPipeError:
            return                          # the caller is gone (it stopped, or failed elsewhere): so is the work


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    os._exit(0)                             # nothing is left to write: no flush at exit can fail on a closed pipe
