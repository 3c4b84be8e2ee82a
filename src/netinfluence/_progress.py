"""Progress of long work, told to whoever asked for it and to no one otherwise.

Library code wraps a long loop in :func:`task` and tells it how far it got; nothing is printed
and nothing is reported unless a reporter was installed with :func:`report_progress` for the
current context (the CLI installs one that draws progress bars with an ETA; a notebook may
install its own). The reporter lives in a context variable, so one command's reporter never
leaks into another thread's or context's work.

A reporter is a callable ``(label, done, total)``: ``label`` names the job (``"RR sets"``,
``"Monte Carlo runs"``, ``"choosing seeds"``, ``"threshold cascades"``), ``done`` the units
finished and ``total`` the units planned (``None`` when unknown; it may grow as adaptive
sampling learns how much it needs). A job is over when ``done == total``: the last call of
every job says so.

Examples
--------
>>> seen = []
>>> with report_progress(lambda label, done, total: seen.append((label, done, total))):
...     with task("counting", 3) as tick:
...         for _ in range(3):
...             tick.advance()
>>> seen
[('counting', 0, 3), ('counting', 1, 3), ('counting', 2, 3), ('counting', 3, 3), ('counting', 3, 3)]
>>> with task("quiet", 2) as tick:  # no reporter: nothing happens
...     tick.advance(2)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

__all__ = ["ProgressCallback", "Task", "report_progress", "task"]

#: ``(label, done, total)``; ``total`` is None when the amount of work is not known.
ProgressCallback = Callable[[str, int, "int | None"], None]

_REPORTER: ContextVar[ProgressCallback | None] = ContextVar("netinfluence_progress", default=None)


@contextlib.contextmanager
def report_progress(callback: ProgressCallback | None) -> Iterator[None]:
    """Within the block, long library work reports its progress to ``callback``.

    ``callback(label, done, total)`` is called when a job starts, as it advances and once
    more when it ends (with ``done == total``). ``None`` silences reporting in the block.

    Examples
    --------
    >>> import netinfluence as ni
    >>> seen = []
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "b")])
    >>> with ni.report_progress(lambda label, done, total: seen.append(label)):
    ...     _ = ni.expected_spread(net, runs=1000, seed=0)
    >>> "RR sets" in seen
    True
    """
    if callback is not None and not callable(callback):
        from netinfluence.errors import InputError

        raise InputError(f"progress callback must be callable, got {type(callback).__name__}")
    token = _REPORTER.set(callback)
    try:
        yield
    finally:
        _REPORTER.reset(token)


class Task:
    """One long job's progress: :meth:`advance` or :meth:`update` as work gets done."""

    __slots__ = ("_callback", "done", "label", "total")

    def __init__(self, label: str, total: int | None, callback: ProgressCallback | None):
        self.label = label
        self.total = None if total is None else int(total)
        self.done = 0
        self._callback = callback

    def _tell(self) -> None:
        if self._callback is not None:
            self._callback(self.label, self.done, self.total)

    def advance(self, units: int = 1, *, total: int | None = None) -> None:
        """``units`` more are done (``total``: the planned amount changed)."""
        self.done += int(units)
        if total is not None:
            self.total = int(total)
        if self.total is not None and self.done > self.total:
            self.total = self.done
        self._tell()

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` units are done in all (``total``: the planned amount changed)."""
        self.done = int(done)
        if total is not None:
            self.total = int(total)
        if self.total is not None and self.done > self.total:
            self.total = self.done
        self._tell()

    def finish(self) -> None:
        self.total = self.done
        self._tell()


@contextlib.contextmanager
def task(label: str, total: int | None = None) -> Iterator[Task]:
    """A long job that reports its progress to the installed reporter, if any.

    The job's last report (on leaving the block, also on an error) has ``done == total``.
    """
    job = Task(label, total, _REPORTER.get())
    job._tell()
    try:
        yield job
    finally:
        job.finish()
