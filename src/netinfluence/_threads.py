"""Worker threads for numpy/scipy work that releases the GIL (both cores of a small machine).

Only whole blocks of vectorised work go to threads; results come back in input order, so a
threaded run gives exactly the single-threaded answer. ``NETINFLUENCE_THREADS=1`` turns
threading off.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

__all__ = ["cores_busy_elsewhere", "threaded_map", "worker_threads"]

_BUSY: ContextVar[int] = ContextVar("netinfluence_busy_cores", default=0)


def worker_threads() -> int:
    """Threads for GIL-free numpy/scipy work: the CPUs this process may use less those
    :func:`cores_busy_elsewhere` keeps free, at most 4 (``NETINFLUENCE_THREADS`` overrides;
    1 turns threading off)."""
    env = os.environ.get("NETINFLUENCE_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus - _BUSY.get()))


@contextlib.contextmanager
def cores_busy_elsewhere(count: int = 1) -> Iterator[None]:
    """Leave ``count`` CPUs to other work (a child process) while inside: worker threads
    started here would only take CPU time from it.

    >>> import os
    >>> if "NETINFLUENCE_THREADS" not in os.environ:
    ...     with cores_busy_elsewhere(64):
    ...         assert worker_threads() == 1
    """
    token = _BUSY.set(_BUSY.get() + count)
    try:
        yield
    finally:
        _BUSY.reset(token)


def threaded_map(fn: Callable[[Any], Any], items: list) -> Iterator[Any]:
    """``map(fn, items)`` in order, on :func:`worker_threads` threads, at most two results
    per thread waiting (bounded memory). Each call runs in a copy of the caller's context,
    so progress reported inside it reaches the caller's reporter."""
    threads = worker_threads()
    if threads == 1 or len(items) < 2:
        yield from map(fn, items)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="netinfluence") as pool:
        pending: deque = deque()
        for item in items:
            # each job sees the caller's context variables (e.g. the progress reporter)
            pending.append(pool.submit(contextvars.copy_context().run, fn, item))
            if len(pending) >= 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
