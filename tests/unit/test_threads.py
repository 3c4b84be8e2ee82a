"""Worker threads: order kept, and cores given back by other work are used at once."""

from __future__ import annotations

import os
import threading
import time

import pytest

from netinfluence._threads import cores_busy_elsewhere, threaded_map, worker_threads


@pytest.fixture
def two_cpus(monkeypatch):
    monkeypatch.delenv("NETINFLUENCE_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)


def _concurrency(busy) -> tuple[list[int], list[int]]:
    """Results of a threaded map of 8 sleeping jobs and the jobs running at each start."""
    lock = threading.Lock()
    active = [0]
    seen: list[int] = []

    def job(i: int) -> int:
        with lock:
            active[0] += 1
            seen.append(active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return i * i

    with cores_busy_elsewhere(busy):
        out = list(threaded_map(job, list(range(8))))
    return out, seen


def test_a_busy_core_keeps_the_map_to_one_thread(two_cpus):
    out, seen = _concurrency(1)
    assert out == [i * i for i in range(8)]
    assert max(seen) == 1


def test_free_cores_run_jobs_side_by_side(two_cpus):
    out, seen = _concurrency(0)
    assert out == [i * i for i in range(8)]
    assert max(seen) == 2


def test_a_core_given_back_mid_way_is_used_for_the_rest(two_cpus):
    calls = [0]

    def busy() -> int:  # the other work finishes after the map's third count
        calls[0] += 1
        return 1 if calls[0] <= 3 else 0

    out, seen = _concurrency(busy)
    assert out == [i * i for i in range(8)]
    assert seen[:2] == [1, 1]  # one at a time while the core was taken
    assert max(seen) == 2


def test_busy_counts_add_up_and_are_asked_each_time(two_cpus):
    state = {"busy": 1}
    with cores_busy_elsewhere(lambda: state["busy"]):
        assert worker_threads() == 1
        state["busy"] = 0
        assert worker_threads() == 2
        with cores_busy_elsewhere(1):
            assert worker_threads() == 1
    assert worker_threads() == 2


def test_the_environment_overrides(monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_THREADS", "3")
    with cores_busy_elsewhere(1):
        assert worker_threads() == 3
