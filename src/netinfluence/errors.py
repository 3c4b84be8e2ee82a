"""Exceptions raised by netinfluence.

Every exception derives from :class:`NetInfluenceError` and also from the matching
builtin, so ``except ValueError`` keeps working for callers who do not know this package.
The CLI turns any :class:`NetInfluenceError` into one line on stderr and exit code 2.
"""

from __future__ import annotations


class NetInfluenceError(Exception):
    """Base class of every error netinfluence raises on purpose."""


class InputError(NetInfluenceError, ValueError):
    """Input data or an argument is invalid.

    The message names the file, the 1-based data row and the problem where they are known.

    Parameters
    ----------
    message : str
        What was expected, what was found and how to fix it.
    source : str, optional
        The file (or table) the problem was found in.
    row : int, optional
        1-based data row (the header is not counted) where the problem was found.
    """

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None):
        self.problem = message
        self.source = source
        self.row = row
        where = []
        if source:
            where.append(str(source))
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class MissingDependencyError(NetInfluenceError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the optional package {package!r}: "
            f"install it with `pip install 'netinfluence[{extra}]'`"
        )


class ComputationError(NetInfluenceError, RuntimeError):
    """A computation could not be carried out on this input (e.g. it would not fit in memory)."""


def require(module: str, *, extra: str, purpose: str):
    """Import an optional module or raise :class:`MissingDependencyError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(module.split(".")[0], extra, purpose) from exc


def warn_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn with the stack level of the first frame outside netinfluence: the warning points
    at the user's own call (``read_network(...)`` in a notebook), however deep inside the
    package the problem was found.
    """
    import os
    import sys
    import warnings

    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame = sys._getframe(1)
    level = 2  # stacklevel 1 is this function, 2 its caller
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
