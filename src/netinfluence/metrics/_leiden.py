"""The one seeded Leiden call, shared by this process and the Leiden process."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    pass


# igraph's random number generator is process-global: one detection at a time swaps it.
_RNG_LOCK = threading.Lock()


def leiden_membership(graph, weights, gamma: float, seed_int: int, n_iterations: int) -> np.ndarray:
    """igraph's Leiden (modularity) on ``graph`` under the seeded generator: the membership.

    The one Leiden call of the package, in this process or in the second process of
    :mod:`netinfluence.metrics._leiden_process`, so both give the same partition for a seed.
    """
    import igraph as ig

    with _seeded_igraph(ig, seed_int):
        # igraph only normalises the resolution for the exact spelling "modularity";
        # any other case silently runs CPM (see tests/unit/test_community.py).
        found = graph.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=gamma,
            n_iterations=n_iterations,
        )
    return np.asarray(found.membership, dtype=np.int64)


@contextmanager
def _seeded_igraph(ig, seed_int: int) -> Iterator[None]:
    """igraph's global generator set to ``random.Random(seed)``, restored afterwards."""
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed_int))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)  # igraph's default generator
