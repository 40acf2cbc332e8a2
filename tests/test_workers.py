"""crimecongress.workers: a stage's independent pieces over worker processes, results in the tasks' order.
(The functions run are the standard library's: a worker imports a task's function by module and name.)"""
from __future__ import annotations

import operator
import os
import shutil

import pytest

import crimecongress.workers as workers
from crimecongress.workers import in_workers, jobs_for


def test_results_come_in_the_tasks_order():
    assert list(in_workers(operator.mul, ((n, n) for n in range(40)), 2)) == [n * n for n in range(40)]


def test_the_tasks_run_in_other_processes():
    pids = set(in_workers(os.getpid, [()] * 20, 2))
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_one_job_runs_here():
    assert set(in_workers(os.getpid, [(), ()], 1)) == {os.getpid()}


def test_an_error_in_a_task_is_raised_to_the_caller():
    with pytest.raises(ValueError, match="invalid literal"):
        list(in_workers(int, [("1",), ("2",), ("three",), ("4",)], 2))


def test_a_worker_that_cannot_run_costs_speed_not_results(monkeypatch):
    monkeypatch.setattr(workers.sys, "executable", shutil.which("false"))
    assert list(in_workers(operator.mul, ((n, n) for n in range(10)), 2)) == [n * n for n in range(10)]
    assert set(in_workers(os.getpid, [()] * 4, 2)) == {os.getpid()}


def test_no_more_workers_than_tasks():
    assert jobs_for(1, 8) == 1 and jobs_for(0) == 1 and jobs_for(100, 2) == 2


def test_the_number_of_workers_can_be_set_and_a_wrong_one_is_refused(monkeypatch):
    from crimecongress.errors import CrimeCongressError
    monkeypatch.setenv("CRIMECONGRESS_JOBS", "1")
    assert jobs_for(50) == 1 and jobs_for(50, 2) == 2
    for wrong in ("0", "two", "-1"):
        monkeypatch.setenv("CRIMECONGRESS_JOBS", wrong)
        with pytest.raises(CrimeCongressError, match="CRIMECONGRESS_JOBS"):
            jobs_for(50)


def test_a_worker_whose_caller_is_gone_stops_without_a_word():
    """A build that fails while its workers still compute (the sentence vectors run beside tagging) must end in
    its own one-line error, not in a traceback from each worker that finds its pipe closed."""
    import subprocess
    import sys
    worker = subprocess.Popen([sys.executable, "-m", "crimecongress.workers"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ,
                              "PYTHONPATH": str(workers._PACKAGE_ROOT)})
    workers._send(worker.stdin, (("time", "sleep"), (0.5,)))
    worker.stdout.close()                     # the caller goes away while the task runs
    _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0 and errors == b""


def test_the_results_end_as_soon_as_the_last_is_in(monkeypatch):
    """The caller learns that every task is done when the last worker's thread ends, not at its next look at
    them: a look once a minute never makes a call of a few milliseconds wait for it (each call of a build's
    stages used to end up to half a second late)."""
    import time
    monkeypatch.setattr(workers, "POLL_SECONDS", 60)
    for _ in range(3):
        started = time.monotonic()
        assert list(in_workers(operator.mul, ((n, n) for n in range(10)), 2)) == [n * n for n in range(10)]
        assert time.monotonic() - started < 30


def test_each_task_comes_back_with_its_result():
    tasks = [(n, n + 1) for n in range(30)]
    assert list(workers.with_results(operator.mul, iter(tasks), 2)) == [(t, t[0] * t[1]) for t in tasks]
    assert list(workers.with_results(operator.mul, iter(tasks), 1)) == [(t, t[0] * t[1]) for t in tasks]
