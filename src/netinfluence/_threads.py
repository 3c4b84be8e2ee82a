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

#: What :func:`cores_busy_elsewhere` holds: CPU counts, or callables that tell one now.
_BUSY: ContextVar[tuple[int | Callable[[], int], ...]] = ContextVar(
    "netinfluence_busy_cores", default=()
)


def _override() -> int | None:
    """``NETINFLUENCE_THREADS`` when set to a positive number: the thread count, whatever
    else runs."""
    env = os.environ.get("NETINFLUENCE_THREADS", "").strip()
    return int(env) if env.isdigit() and int(env) > 0 else None


def _cpus() -> int:
    """The CPUs this process may use (``NETINFLUENCE_THREADS`` overrides; at most 4)."""
    fixed = _override()
    if fixed is not None:
        return fixed
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def worker_threads() -> int:
    """Threads for GIL-free numpy/scipy work: the CPUs this process may use less those
    :func:`cores_busy_elsewhere` keeps free *now*, at most 4 (``NETINFLUENCE_THREADS``
    overrides; 1 turns threading off)."""
    if _override() is not None:
        return _cpus()
    busy = sum(b() if callable(b) else b for b in _BUSY.get())
    return max(1, _cpus() - busy)


@contextlib.contextmanager
def cores_busy_elsewhere(count: int | Callable[[], int] = 1) -> Iterator[None]:
    """Leave ``count`` CPUs to other work (a child process) while inside: worker threads
    started here would only take CPU time from it. ``count`` may be a callable asked each
    time threads are counted (a child that finishes early gives its core back at once).

    >>> import os
    >>> if "NETINFLUENCE_THREADS" not in os.environ:
    ...     with cores_busy_elsewhere(64):
    ...         assert worker_threads() == 1
    ...     with cores_busy_elsewhere(lambda: 0):
    ...         assert worker_threads() == _cpus()
    """
    token = _BUSY.set((*_BUSY.get(), count))
    try:
        yield
    finally:
        _BUSY.reset(token)


def threaded_map(fn: Callable[[Any], Any], items: list) -> Iterator[Any]:
    """``map(fn, items)`` in order, on :func:`worker_threads` threads (counted again before
    each item), at most one result per thread plus one waiting (bounded memory). Each call
    runs in a copy of the caller's context, so progress reported inside it reaches the
    caller's reporter."""
    most = _cpus()
    if worker_threads() == 1 and not any(callable(b) for b in _BUSY.get()):
        most = 1  # nothing can free a core during this map
    if most == 1 or len(items) < 2:
        yield from map(fn, items)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    pool: ThreadPoolExecutor | None = None
    pending: deque = deque()
    try:
        for item in items:
            # counted again before each item, so a core given back mid-way is used for the
            # remaining items; with one thread the item runs here, in the caller's thread
            # (as without threads: its memory stays in this thread's malloc arena)
            threads = worker_threads()
            if threads == 1:
                while pending:
                    yield pending.popleft().result()
                yield fn(item)
                continue
            if pool is None:
                pool = ThreadPoolExecutor(max_workers=most, thread_name_prefix="netinfluence")
            # jobs in flight: one per free core plus one queued
            while len(pending) >= threads + 1:
                yield pending.popleft().result()
            # each job sees the caller's context variables (e.g. the progress reporter)
            pending.append(pool.submit(contextvars.copy_context().run, fn, item))
        while pending:
            yield pending.popleft().result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
