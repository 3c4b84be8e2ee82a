"""Worker threads for numpy/scipy work that releases the GIL (both cores of a small machine).

Only whole blocks of vectorised work go to threads; results come back in input order, so a
threaded run gives exactly the single-threaded answer. ``NETINFLUENCE_THREADS=1`` turns
threading off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["threaded_map", "worker_threads"]


def worker_threads() -> int:
    """Threads for GIL-free numpy/scipy work: the CPUs this process may use, at most 4
    (``NETINFLUENCE_THREADS`` overrides; 1 turns threading off)."""
    env = os.environ.get("NETINFLUENCE_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def threaded_map(fn: Callable[[Any], Any], items: list) -> Iterator[Any]:
    """``map(fn, items)`` in order, on :func:`worker_threads` threads, at most two results
    per thread waiting (bounded memory)."""
    threads = worker_threads()
    if threads == 1 or len(items) < 2:
        yield from map(fn, items)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="netinfluence") as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
