"""The graph layers of a network, the one rule that picks a layer when none is named, and the
pairs of a layer.

>>> import netinfluence as ni
>>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
>>> resolve_layer(net, None), resolve_layer(net, None, default="follows"), resolve_layer(net, "Ties")
('follows', 'follows', 'ties')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from netinfluence._arrays import unique
from netinfluence._check import choice

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network._network import Network

__all__ = ["LAYERS", "check_layer", "directed_pairs", "resolve_layer", "undirected_pairs"]

#: Graph layers a Network can show: the follows (exposure) graph, the interactions graph
#: (weight = summed interaction counts) and the tie-strength graph (see ``netinfluence.network``).
LAYERS = ("follows", "interactions", "ties")


def check_layer(layer: str) -> str:
    """``layer`` as one of :data:`LAYERS` (stripped, lower-case)."""
    return choice("layer", layer, LAYERS)


def resolve_layer(net: Network, layer: str | None, *, default: str = "ties") -> str:
    """The layer a function works on: ``layer`` when named, else ``default``.

    A default falls back where the network lacks what it adds: ``"ties"`` on a network without
    interactions is the follows layer (the tie layer would only re-weight the follows), and
    ``"follows"`` on a network without follows but with interactions is the tie layer (so an
    interactions export is measured, not zeroed). A layer that is named is used as named.
    """
    if layer is not None:
        return check_layer(layer)
    default = check_layer(default)
    if default == "ties" and not net.has_interactions:
        return "follows"
    if default == "follows" and not net.has_follows and net.has_interactions:
        return "ties"
    return default


def directed_pairs(net: Network, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """``(source, target)`` positions of each directed pair of ``layer`` once, sorted by pair.

    The tie layer's pairs are those of the follows and interactions layers together, known
    without computing any tie strength.
    """
    layer = check_layer(layer)
    if layer != "ties":
        src, dst, _ = net.edge_arrays(layer)
        return np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    n = np.int64(max(net.n_nodes, 1))
    parts = [net.edge_arrays(name)[:2] for name in ("follows", "interactions")]
    keys = unique(np.concatenate([np.asarray(s, dtype=np.int64) * n + d for s, d in parts]))
    return keys // n, keys % n


def undirected_pairs(
    net: Network, layer: str, *, keep_for_ties: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` of ``net.undirected_edge_arrays(layer)`` without computing the weights.

    The tie layer's pairs are known before its tie strengths (Jaccard overlaps by triangles)
    are: this is what lets Leiden's second process build its graph while the ties are computed.
    ``keep_for_ties`` keeps the pair index for the tie table that follows (at 10^7 edges a
    0.46 s sort not done twice; five edge-sized arrays, about 0.4 GB, held until then).

    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
    >>> [x.tolist() for x in undirected_pairs(net, "ties")]
    [[0, 0], [1, 2]]
    """
    layer = check_layer(layer)
    if layer != "ties" or net.is_cached(("undirected_edges", "ties")):
        lo, hi, _ = net.undirected_edge_arrays(layer)
        return lo, hi
    # the tie table's own pair index, computed here first and kept for it (one pass of sorts)
    from netinfluence.network._ties import tie_pairs

    n = np.int64(max(net.n_nodes, 1))
    keys = tie_pairs(net, keep=keep_for_ties)["ukeys"]
    return keys // n, keys % n
