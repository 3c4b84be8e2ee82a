"""Community detection: a partition as an integer Series ``community`` labelled ``0..k-1`` by size.

Detection runs igraph's C routines (Leiden, Louvain, Infomap, label propagation) on a graph
view of the :class:`~netinfluence.network.Network`.

Examples
--------
>>> import netinfluence as ni
>>> net = ni.Network.from_edges(
...     [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")],
...     directed=False)
>>> communities(net).tolist()
[0, 0, 0, 1, 1, 1]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netinfluence._arrays import unique
from netinfluence._check import seed_int as _seed_int
from netinfluence.errors import ComputationError, InputError
from netinfluence.metrics._leiden import _seeded_igraph, leiden_membership
from netinfluence.metrics._leiden_process import LeidenProcess
from netinfluence.network import resolve_layer, undirected_pairs

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network


#: Community detection methods accepted by :func:`communities`.
METHODS = ("leiden", "louvain", "infomap", "label_propagation")


# ---------------------------------------------------------------------------------- detection


def communities(
    net: Network,
    *,
    method: str = "leiden",
    resolution: float = 1.0,
    layer: str | None = None,
    weighted: bool = True,
    seed: int | np.random.Generator | None = 0,
    n_iterations: int = -1,
) -> pd.Series:
    """Detect communities: one integer label per node, ``0..k-1`` by decreasing size.

    Parameters
    ----------
    net : Network
        The network.
    method : {"leiden", "louvain", "infomap", "label_propagation"}
        ``leiden`` (default): igraph ``community_leiden`` optimising modularity;
        ``louvain``: igraph ``community_multilevel``; ``infomap``: igraph ``community_infomap``
        (10 trials) on the *directed* view, so the map equation follows the flow of influence;
        ``label_propagation``: igraph ``community_label_propagation``. Case-insensitive.
    resolution : float, default 1.0
        Modularity resolution ``gamma >= 0`` for ``leiden`` and ``louvain`` (larger gives more,
        smaller communities). Ignored by ``infomap`` and ``label_propagation`` (recorded as None).
    layer : {"follows", "interactions", "ties"}, optional
        Graph layer; default ``net.default_layer`` (the tie-strength graph when interactions
        exist, else the follows graph).
    weighted : bool, default True
        Use the layer's edge ``weight`` (follows weight, interaction count or tie strength);
        False treats every connected pair as weight 1.
    seed : int, numpy.random.Generator or None, default 0
        Seed of igraph's random choices (node order, tie breaks). The same int gives the same
        partition. A Generator or None draws an int seed, recorded in ``attrs["seed"]``.
    n_iterations : int, default -1
        Leiden iterations; negative runs until an iteration no longer improves the partition.
        Ignored by the other methods.

    Returns
    -------
    pandas.Series
        Integer Series named ``community``, indexed by ``net.ids`` (index name ``node``) in node
        order. Label 0 is the largest community; equal sizes are ordered by their smallest node
        position. ``attrs`` records ``method``, ``resolution``, ``layer``, ``weighted``,
        ``seed``, ``n_iterations`` and ``modularity`` (standard modularity, gamma = 1, of the
        result on the undirected view with the weights used).

    Raises
    ------
    InputError
        Unknown method or layer, a resolution that is negative or not finite, ``n_iterations``
        of 0, a seed of the wrong type, or negative / non-finite edge weights.

    Notes
    -----
    Leiden and Louvain maximise modularity [1]_ on the undirected view
    ``net.graph(layer, directed=False)``, where each pair appears once with the weights of both
    directions summed:

    .. math:: Q_\\gamma = \\frac{1}{2m} \\sum_{ij} \\Big(A_{ij} - \\gamma\\frac{k_i k_j}{2m}\\Big)
              \\delta(c_i, c_j)

    Leiden [2]_ guarantees well-connected communities; Louvain [3]_ does not. Infomap [4]_
    minimises the map equation of a random walk along the influence direction ``u -> v``
    (``v`` follows / engages with ``u``); on an undirected follows network it uses the
    undirected view. Label propagation [5]_ is fast but unstable between seeds.

    igraph draws its random numbers from a process-global generator. The detection runs under
    a lock with igraph's generator set to ``random.Random(seed)``, then restores igraph's
    default (the :mod:`random` module); Python's global random state is neither used nor
    changed.

    Isolated nodes -- no edge of positive weight in the view (``weighted=True``), or no edge at
    all (``weighted=False``) -- each get a singleton community of their own.

    Complexity: Leiden/Louvain/label propagation are near-linear, about ``O(m)`` per
    iteration; Infomap is about ``O(trials * m log m)``. On graphs without community structure
    Leiden with ``n_iterations=-1`` may need many iterations; pass e.g. ``n_iterations=2`` to
    bound it.

    References
    ----------
    .. [1] M.E.J. Newman, M. Girvan, "Finding and evaluating community structure in
       networks", Phys. Rev. E 69, 026113 (2004).
    .. [2] V.A. Traag, L. Waltman, N.J. van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Sci. Rep. 9, 5233 (2019).
    .. [3] V.D. Blondel et al., "Fast unfolding of communities in large networks",
       J. Stat. Mech. P10008 (2008).
    .. [4] M. Rosvall, C.T. Bergstrom, "Maps of random walks on complex networks reveal
       community structure", PNAS 105, 1118 (2008).
    .. [5] U.N. Raghavan, R. Albert, S. Kumara, "Near linear time algorithm to detect community
       structures in large-scale networks", Phys. Rev. E 76, 036106 (2007).

    Examples
    --------
    Two triangles joined by one edge, and a node with no ties:

    >>> import netinfluence as ni
    >>> net = ni.read_network(
    ...     follows=pd.DataFrame({"follower": ["a", "b", "c", "d", "e", "f", "c"],
    ...                           "followed": ["b", "c", "a", "e", "f", "d", "d"]}),
    ...     users=pd.DataFrame({"id": ["a", "b", "c", "d", "e", "f", "loner"]}))
    >>> labels = communities(net, seed=1)
    >>> labels.to_dict()
    {'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1, 'loner': 2}
    >>> round(labels.attrs["modularity"], 4), labels.attrs["method"]
    (0.3571, 'leiden')
    >>> communities(net, method="Infomap").tolist()
    [0, 0, 0, 1, 1, 1, 2]
    """
    method_name = str(method).strip().lower()
    if method_name not in METHODS:
        raise InputError(f"method must be one of {METHODS}, got {method!r}")
    layer_name = resolve_layer(net, layer)
    if not isinstance(weighted, bool | np.bool_):
        raise InputError(f"weighted must be True or False, got {weighted!r}")
    weighted = bool(weighted)
    try:
        gamma = float(resolution)
    except (TypeError, ValueError):
        raise InputError(f"resolution must be a number >= 0, got {resolution!r}") from None
    if not np.isfinite(gamma) or gamma < 0:
        raise InputError(f"resolution must be a finite number >= 0, got {resolution!r}")
    if isinstance(n_iterations, bool) or not isinstance(n_iterations, int | np.integer):
        raise InputError(
            f"n_iterations must be an int (negative: until stable), got {n_iterations!r}"
        )
    if n_iterations == 0:
        raise InputError("n_iterations must be positive or negative (until stable), got 0")
    seed_int = _seed_int(seed)
    uses_resolution = method_name in ("leiden", "louvain")

    lo, hi, w = _undirected_edges(net, layer_name, weighted)
    membership = (
        _detect(net, method_name, layer_name, weighted, w, gamma, seed_int, int(n_iterations))
        if net.n_nodes
        else np.zeros(0, dtype=np.int64)
    )
    return _partition(
        net,
        membership,
        lo,
        hi,
        w,
        {
            "method": method_name,
            "resolution": gamma if uses_resolution else None,
            "layer": layer_name,
            "weighted": weighted,
            "seed": seed_int,
            "n_iterations": int(n_iterations) if method_name == "leiden" else None,
        },
    )


def _partition(net: Network, membership: np.ndarray, lo, hi, w, attrs: dict) -> pd.Series:
    """The ``community`` Series from a raw membership: isolated nodes (no positive weight)
    get singleton labels, labels are renumbered by size, modularity joins ``attrs``."""
    n = net.n_nodes
    if n:
        strength = np.bincount(lo, weights=w, minlength=n) + np.bincount(hi, weights=w, minlength=n)
        isolated = np.flatnonzero(strength <= 0)
        if len(isolated):
            membership = membership.copy()
            membership[isolated] = membership.max() + 1 + np.arange(len(isolated))
    labels = _relabel_by_size(membership)
    result = net.series(labels, "community", dtype=np.int64)
    result.attrs.update({**attrs, "modularity": _modularity(lo, hi, w, labels)})
    return result


class LeidenInBackground:
    """:func:`communities` with its defaults (weighted Leiden, resolution 1) on a layer's
    undirected view, computed in a second Python process, plus the k-cores of that graph.

    igraph holds the GIL for all of ``community_leiden`` (about 13 s at 10^7 ties), so no
    thread can work beside it; a process can. The child starts at once and builds the graph
    from the layer's pairs (:func:`undirected_pairs`) while this process computes the
    weights; :meth:`send_weights` hands them over, then Leiden runs while this process does
    other work. :func:`netinfluence.scoring.score_inputs` uses it on large graphs. The child
    builds the same graph from the same pairs and calls :func:`leiden_membership` with the
    same seed and weights, so :meth:`result` equals ``communities(net, seed=seed,
    n_iterations=...)`` (tested).

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> job = LeidenInBackground(net, seed=1)
    >>> job.send_weights(n_iterations=-1)
    >>> labels, cores = job.result()
    >>> labels.equals(communities(net, seed=1)), cores.tolist()
    (True, [2.0, 2.0, 2.0, 1.0])
    """

    def __init__(
        self,
        net: Network,
        *,
        seed=0,
        layer: str | None = None,
        pairs: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:

        self._net = net
        self._layer = resolve_layer(net, layer)
        self._seed = _seed_int(seed)
        self._n_iterations: int | None = None
        self._failure: str | None = None
        lo, hi = undirected_pairs(net, self._layer) if pairs is None else pairs
        # a fingerprint, not the pairs: the arrays would stay in memory through the tie step
        self._pairs: tuple | None = _fingerprint(lo, hi)
        self._job = LeidenProcess(net.n_nodes, lo, hi, gamma=1.0, seed_int=self._seed)

    @property
    def child_peak_mib(self) -> float | None:
        """Peak resident memory of the second process (after :meth:`result`; None if the
        platform does not report it)."""
        return self._job.peak_mib

    @property
    def child_seconds(self) -> dict[str, float]:
        """The second process's wall seconds per phase (after :meth:`result`): ``graph``
        (read the pairs, build the graph), ``coreness``, ``waiting_for_weights`` (idle until
        :meth:`send_weights`), ``leiden``. With this process's step times they show which
        of the two is on the critical path."""
        return dict(self._job.seconds)

    def send_weights(self, *, n_iterations: int = -1) -> None:
        """Compute the layer's weights (the tie table for ``ties``) and start Leiden."""
        lo, hi, w = _undirected_edges(self._net, self._layer, True)
        self._n_iterations = int(n_iterations)
        pairs = self._pairs
        assert pairs is not None, "send_weights() can only be called once"
        if _same_pairs(_fingerprint(lo, hi), pairs):
            self._job.send_weights(w, n_iterations=self._n_iterations)
        else:  # cannot happen while undirected_pairs is right; result() reports it
            self._failure = "the layer's pairs changed after the Leiden process started"
            self.cancel()
        self._pairs = None  # this process keeps its own cached copy

    def running(self) -> bool:
        """Whether the second process is still working (non-blocking): while it is, worker
        threads here would only take CPU time from it."""
        return self._failure is None and self._job.running()

    def result(self) -> tuple[pd.Series, np.ndarray]:
        """Wait for the child: ``(labels, coreness)``, coreness as floats in node order."""
        if self._n_iterations is None:
            raise ComputationError("send_weights() was not called")
        if self._failure:
            raise ComputationError(self._failure)
        membership, cores = self._job.result()
        lo, hi, w = _undirected_edges(self._net, self._layer, True)
        labels = _partition(
            self._net,
            membership,
            lo,
            hi,
            w,
            {
                "method": "leiden",
                "resolution": 1.0,
                "layer": self._layer,
                "weighted": True,
                "seed": self._seed,
                "n_iterations": self._n_iterations,
            },
        )
        return labels, cores

    def cancel(self) -> None:
        """Stop the child (when the pipeline fails before collecting the result)."""
        self._job.cancel()


def _fingerprint(lo: np.ndarray, hi: np.ndarray) -> tuple:
    """What the weights' pairs are checked against: the count and the pairs at 2^16 evenly
    spread positions. A pair order or set other than the one the child has (the failure this
    guards against: two ways of listing the pairs drifting apart) shows there; a full digest
    of the pairs took 0.2 s at 10^7 edges, on the path to Leiden's start."""
    at = np.unique(np.linspace(0, len(lo) - 1, num=min(len(lo), 1 << 16)).astype(np.int64))
    return (len(lo), np.asarray(lo)[at].astype(np.int64), np.asarray(hi)[at].astype(np.int64))


def _same_pairs(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])


def _detect(net, method, layer, weighted, w, gamma, seed_int, n_iterations) -> np.ndarray:
    """Run one igraph routine under a seeded generator; returns the raw membership."""
    import igraph as ig

    weights: np.ndarray | list[float] | str | None
    if method == "infomap" and (net.directed or layer != "follows"):
        graph = net.graph(layer, directed=True)
        weights = (
            _check_weights(np.asarray(graph.es["weight"], dtype=float), layer) if weighted else None
        )
    else:
        graph = net.graph(layer, directed=False)
        # the view's "weight" attribute holds exactly w (same edge order): name it rather
        # than hand igraph a second list of 10^7 Python floats
        weights = "weight" if weighted else None
    if weights is not None and not isinstance(weights, str):
        weights = weights.tolist()
    if method == "leiden":
        return leiden_membership(graph, weights, gamma, seed_int, n_iterations)
    with _seeded_igraph(ig, seed_int):
        if method == "louvain":
            found = graph.community_multilevel(weights=weights, resolution=gamma)
        elif method == "infomap":
            found = graph.community_infomap(edge_weights=weights)
        else:
            found = graph.community_label_propagation(weights=weights)
    return np.asarray(found.membership, dtype=np.int64)


def _check_weights(w: np.ndarray, layer: str) -> np.ndarray:
    if len(w) and not (np.isfinite(w).all() and (w >= 0).all()):
        bad = w[~(np.isfinite(w) & (w >= 0))][0]
        raise InputError(
            f"community detection needs finite edge weights >= 0 on layer "
            f"{layer!r}, found {bad!r}; pass weighted=False to ignore weights"
        )
    return w


def _undirected_edges(net: Network, layer: str, weighted: bool):
    """``(lo, hi, weight)`` of the undirected view, in the edge order of
    ``net.graph(layer, directed=False)``; weight 1 when ``weighted`` is False."""

    lo, hi, w = net.undirected_edge_arrays(layer)
    if weighted:
        return lo, hi, _check_weights(w, layer)
    return lo, hi, np.ones(len(lo))


def _relabel_by_size(membership: np.ndarray) -> np.ndarray:
    """Labels ``0..k-1`` by decreasing size, ties by the smallest member position."""
    if len(membership) == 0:
        return np.zeros(0, dtype=np.int64)
    _, first, inv, counts = unique(
        membership, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.lexsort((first, -counts))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inv.ravel()]


def _modularity(lo, hi, w, codes, gamma: float = 1.0) -> float:
    """Newman modularity of integer ``codes`` on the undirected weighted edge list."""
    total = float(w.sum())
    if len(codes) == 0 or total <= 0:
        return float("nan")
    k = int(codes.max()) + 1
    cl, ch = codes[lo], codes[hi]
    inside = cl == ch
    internal = np.bincount(cl[inside], weights=w[inside], minlength=k)
    volume = np.bincount(cl, weights=w, minlength=k) + np.bincount(ch, weights=w, minlength=k)
    return float(internal.sum() / total - gamma * ((volume / (2.0 * total)) ** 2).sum())
