"""Argument checks shared by every public function: one rule per idea, one message per rule.

Public functions validate at their boundary with these and then use only the normalised value;
each check raises :class:`~netinfluence.errors.InputError` saying what was expected and what was
found.

>>> choice("method", " Leiden ", ("leiden", "louvain"))
'leiden'
>>> integer("k", 3, minimum=1)
3
>>> bool(make_rng(7).integers(10) == make_rng(7).integers(10))
True
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from netinfluence.errors import InputError

__all__ = [
    "check_seed",
    "choice",
    "flag",
    "fraction",
    "integer",
    "make_rng",
    "positive",
    "seed_int",
]

#: What a seed may be, said once for every message.
SEED_RULE = "seed must be a non-negative int, a numpy.random.Generator or None"


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """``value`` as one of ``allowed`` (stripped, lower-case)."""
    norm = str(value).strip().lower()
    if norm not in allowed:
        raise InputError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return norm


def integer(
    name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``value`` as an int within ``[minimum, maximum]`` (bools are refused)."""
    ok = not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, np.integer))
    v = int(value) if ok else 0
    if ok and (minimum is None or v >= minimum) and (maximum is None or v <= maximum):
        return v
    if maximum is None:
        bounds = f">= {minimum}" if minimum is not None else ""
    else:
        bounds = f"in [{minimum}, {maximum}]" if minimum is not None else f"<= {maximum}"
    raise InputError(f"{name} must be an integer {bounds}, got {value!r}".replace("  ", " "))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def fraction(name: str, value: Any, *, open_low: bool = False) -> float:
    """``value`` as a number in ``[0, 1]`` (``(0, 1]`` with ``open_low``)."""
    v = _number(value)
    if np.isfinite(v) and (v > 0 if open_low else v >= 0) and v <= 1:
        return v
    raise InputError(f"{name} must be a number in {'(0' if open_low else '[0'}, 1], got {value!r}")


def positive(name: str, value: Any) -> float:
    """``value`` as a finite number > 0."""
    v = _number(value)
    if np.isfinite(v) and v > 0:
        return v
    raise InputError(f"{name} must be a positive number, got {value!r}")


def flag(name: str, value: Any) -> bool:
    """``value`` as a bool (only ``True``/``False`` are accepted)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_seed(seed: Any) -> None:
    """Refuse anything but a non-negative int, a Generator or None."""
    if seed is None or isinstance(seed, np.random.Generator):
        return
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        if int(seed) >= 0:
            return
    raise InputError(f"{SEED_RULE}, got {seed!r}")


def make_rng(seed: Any) -> np.random.Generator:
    """The generator of a random step: a Generator is used as it is (so a caller can share one
    stream); an int seeds a new one; None draws fresh entropy."""
    check_seed(seed)
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def seed_int(seed: Any) -> int:
    """A 63-bit integer seed for libraries that take one (igraph, ``random.Random``): the int
    itself, a draw from a Generator, or fresh entropy for None."""
    check_seed(seed)
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if seed is None:
        return int.from_bytes(os.urandom(8), "little") >> 1
    return int(seed)


def renamed(old: str, old_value: Any, new: str, new_value: Any) -> Any:
    """The value of a renamed keyword: ``new_value``, or ``old_value`` (with a FutureWarning
    naming the new spelling) when only the old keyword was given."""
    if old_value is None:
        return new_value
    warnings.warn(
        f"{old}= is now spelled {new}=; {old}= will be removed", FutureWarning, stacklevel=3
    )
    return old_value
