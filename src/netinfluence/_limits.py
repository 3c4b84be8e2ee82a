"""Limits on projected cost: work that would exhaust memory or run for hours stops first.

Sampling that can blow up (reverse-reachable sets on a network far above its epidemic
threshold, where every set is as large as the whole outbreak) measures a small pilot, projects
the memory and time of the planned work and calls :func:`check_projected_cost`, which raises
:class:`~netinfluence.errors.InputError` naming what was projected and the option to change.

Limits (environment variables override them):

- memory: 40 % of the memory available now (``MemAvailable`` on Linux);
  ``NETINFLUENCE_MAX_MEMORY`` sets it in bytes, or with a unit (``500M``, ``8G``);
- time: one hour; ``NETINFLUENCE_MAX_SECONDS`` sets it in seconds.
"""

from __future__ import annotations

import os

from netinfluence.errors import InputError

__all__ = [
    "MAX_SECONDS",
    "MEMORY_SHARE",
    "available_memory",
    "check_projected_cost",
    "memory_limit",
    "time_limit",
]

#: Share of the available memory one projected job may use.
MEMORY_SHARE = 0.4
#: Longest projected run time, in seconds.
MAX_SECONDS = 3600.0
_FALLBACK_MEMORY = 8 << 30  # when the system does not say
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def available_memory() -> int:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``; else free pages;
    else 8 GiB)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return _FALLBACK_MEMORY


def _bytes(text: str) -> int:
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = t[-1:] if t[-1:] in _UNITS and not t[-1:].isdigit() else ""
    try:
        value = float(t[: len(t) - len(unit)]) * _UNITS[unit]
    except ValueError:
        raise InputError(
            f"NETINFLUENCE_MAX_MEMORY must be a number of bytes such as 500M or 8G, got {text!r}"
        ) from None
    if value <= 0:
        raise InputError(f"NETINFLUENCE_MAX_MEMORY must be positive, got {text!r}")
    return int(value)


def memory_limit() -> int:
    """Most bytes one projected job may hold: :data:`MEMORY_SHARE` of the available memory,
    or ``NETINFLUENCE_MAX_MEMORY``.

    >>> memory_limit() > 0
    True
    >>> _bytes("2G"), _bytes("500M")
    (2147483648, 524288000)
    """
    env = os.environ.get("NETINFLUENCE_MAX_MEMORY", "").strip()
    if env:
        return _bytes(env)
    return int(MEMORY_SHARE * available_memory())


def time_limit() -> float:
    """Longest projected run time in seconds: :data:`MAX_SECONDS`, or
    ``NETINFLUENCE_MAX_SECONDS``."""
    env = os.environ.get("NETINFLUENCE_MAX_SECONDS", "").strip()
    if not env:
        return MAX_SECONDS
    try:
        value = float(env)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise InputError(f"NETINFLUENCE_MAX_SECONDS must be a positive number, got {env!r}")
    return value


def human_bytes(value: float) -> str:
    """``1536 -> '1.5 KiB'``.

    >>> human_bytes(3 * 2**30)
    '3.0 GiB'
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} PiB"  # pragma: no cover - unreachable


def human_seconds(value: float) -> str:
    """``5400 -> '1.5 hours'``.

    >>> human_seconds(90), human_seconds(5400), human_seconds(3 * 86400)
    ('1.5 minutes', '1.5 hours', '3.0 days')
    """
    if value < 60:
        return f"{value:.0f} seconds"
    if value < 3600:
        return f"{value / 60:.1f} minutes"
    if value < 86400:
        return f"{value / 3600:.1f} hours"
    return f"{value / 86400:,.1f} days"


def check_projected_cost(what: str, *, seconds: float, memory: float, work: str, hint: str) -> None:
    """Raise :class:`InputError` when projected ``seconds`` or ``memory`` (bytes) exceed the
    limits: "``what``: ``work`` would take about ... (limit ...); ``hint``".

    >>> check_projected_cost("x", seconds=1.0, memory=1.0, work="1 set", hint="h")
    """
    t_max, m_max = time_limit(), memory_limit()
    over = []
    if memory > m_max:
        over.append(
            f"about {human_bytes(memory)} of memory (limit {human_bytes(m_max)}, "
            f"{MEMORY_SHARE:.0%} of the available memory; NETINFLUENCE_MAX_MEMORY changes it)"
        )
    if seconds > t_max:
        over.append(
            f"about {human_seconds(seconds)} (limit {human_seconds(t_max)}; "
            "NETINFLUENCE_MAX_SECONDS changes it)"
        )
    if over:
        raise InputError(f"{what}: {work} would take {' and '.join(over)}; stopped before. {hint}")
