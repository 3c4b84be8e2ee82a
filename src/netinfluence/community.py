"""Community detection, partition quality and partition comparison.

A partition is an integer Series ``community`` indexed by node id, labelled ``0..k-1`` by
decreasing community size. Detection runs igraph's C routines (Leiden, Louvain, Infomap,
label propagation) on a graph view of the :class:`~netinfluence.network.Network`; quality and
comparison scores are vectorised numpy on the edge list and the contingency table.

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

import os
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence._arrays import unique
from netinfluence.errors import ComputationError, InputError
from netinfluence.network import _check_layer

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = ["METHODS", "LeidenInBackground", "communities", "community_quality",
           "compare_partitions", "undirected_pairs"]

#: Community detection methods accepted by :func:`communities`.
METHODS = ("leiden", "louvain", "infomap", "label_propagation")

# igraph's random number generator is process-global: one detection at a time swaps it.
_RNG_LOCK = threading.Lock()


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
    layer_name = _check_layer(net.default_layer if layer is None else layer)
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
        raise InputError(f"n_iterations must be an int (negative: until stable), "
                         f"got {n_iterations!r}")
    if n_iterations == 0:
        raise InputError("n_iterations must be positive or negative (until stable), got 0")
    seed_int = _seed_int(seed)
    uses_resolution = method_name in ("leiden", "louvain")

    lo, hi, w = _undirected_edges(net, layer_name, weighted)
    membership = _detect(net, method_name, layer_name, weighted, w, gamma, seed_int,
                         int(n_iterations)) if net.n_nodes else np.zeros(0, dtype=np.int64)
    return _partition(net, membership, lo, hi, w, {
        "method": method_name,
        "resolution": gamma if uses_resolution else None,
        "layer": layer_name,
        "weighted": weighted,
        "seed": seed_int,
        "n_iterations": int(n_iterations) if method_name == "leiden" else None,
    })


def _partition(net: Network, membership: np.ndarray, lo, hi, w, attrs: dict) -> pd.Series:
    """The ``community`` Series from a raw membership: isolated nodes (no positive weight)
    get singleton labels, labels are renumbered by size, modularity joins ``attrs``."""
    n = net.n_nodes
    if n:
        strength = np.bincount(lo, weights=w, minlength=n) + np.bincount(hi, weights=w,
                                                                         minlength=n)
        isolated = np.flatnonzero(strength <= 0)
        if len(isolated):
            membership = membership.copy()
            membership[isolated] = membership.max() + 1 + np.arange(len(isolated))
    labels = _relabel_by_size(membership)
    result = net.series(labels, "community", dtype=np.int64)
    result.attrs.update({**attrs, "modularity": _modularity(lo, hi, w, labels)})
    return result


def undirected_pairs(net: Network, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` of ``net.undirected_edge_arrays(layer)`` without computing the weights.

    The tie layer's pairs are those of the follows and interactions layers together, so they
    are known before the tie strengths (Jaccard overlaps by triangles) are: this is what lets
    :class:`LeidenInBackground` build its graph while the ties are computed.

    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
    >>> [x.tolist() for x in undirected_pairs(net, "ties")]
    [[0, 0], [1, 2]]
    """
    layer = _check_layer(layer)
    if layer != "ties" or net.is_cached(("undirected_edges", "ties")):
        lo, hi, _ = net.undirected_edge_arrays(layer)
        return lo, hi
    n = np.int64(max(net.n_nodes, 1))
    parts = [net.edge_arrays(name)[:2] for name in ("follows", "interactions")]
    src = np.concatenate([p[0] for p in parts]).astype(np.int64)
    dst = np.concatenate([p[1] for p in parts]).astype(np.int64)
    keys = unique(np.minimum(src, dst) * n + np.maximum(src, dst))
    return keys // n, keys % n


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

    def __init__(self, net: Network, *, seed=0, layer: str | None = None,
                 pairs: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        from netinfluence._leiden_process import LeidenProcess

        self._net = net
        self._layer = _check_layer(net.default_layer if layer is None else layer)
        self._seed = _seed_int(seed)
        self._n_iterations: int | None = None
        self._failure: str | None = None
        lo, hi = undirected_pairs(net, self._layer) if pairs is None else pairs
        self._pairs = (lo, hi)
        self._job = LeidenProcess(net.n_nodes, lo, hi, gamma=1.0, seed_int=self._seed)

    @property
    def child_peak_mib(self) -> float | None:
        """Peak resident memory of the second process (after :meth:`result`; None if the
        platform does not report it)."""
        return self._job.peak_mib

    def send_weights(self, *, n_iterations: int = -1) -> None:
        """Compute the layer's weights (the tie table for ``ties``) and start Leiden."""
        lo, hi, w = _undirected_edges(self._net, self._layer, True)
        self._n_iterations = int(n_iterations)
        if np.array_equal(lo, self._pairs[0]) and np.array_equal(hi, self._pairs[1]):
            self._job.send_weights(w, n_iterations=self._n_iterations)
        else:  # cannot happen while undirected_pairs is right; result() reports it
            self._failure = "the layer's pairs changed after the Leiden process started"
            self.cancel()
        self._pairs = None  # this process keeps its own cached copy

    def result(self) -> tuple[pd.Series, np.ndarray]:
        """Wait for the child: ``(labels, coreness)``, coreness as floats in node order."""
        if self._n_iterations is None:
            raise ComputationError("send_weights() was not called")
        if self._failure:
            raise ComputationError(self._failure)
        membership, cores = self._job.result()
        lo, hi, w = _undirected_edges(self._net, self._layer, True)
        labels = _partition(self._net, membership, lo, hi, w, {
            "method": "leiden", "resolution": 1.0, "layer": self._layer, "weighted": True,
            "seed": self._seed, "n_iterations": self._n_iterations})
        return labels, cores

    def cancel(self) -> None:
        """Stop the child (when the pipeline fails before collecting the result)."""
        self._job.cancel()


def _detect(net, method, layer, weighted, w, gamma, seed_int, n_iterations) -> np.ndarray:
    """Run one igraph routine under a seeded generator; returns the raw membership."""
    import igraph as ig

    if method == "infomap" and (net.directed or layer != "follows"):
        graph = net.graph(layer, directed=True)
        weights = _check_weights(np.asarray(graph.es["weight"], dtype=float), layer) \
            if weighted else None
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


def leiden_membership(graph, weights, gamma: float, seed_int: int,
                      n_iterations: int) -> np.ndarray:
    """igraph's Leiden (modularity) on ``graph`` under the seeded generator: the membership.

    The one Leiden call of the package, in this process or in the second process of
    :mod:`netinfluence._leiden_process`, so both give the same partition for a seed.
    """
    import igraph as ig

    with _seeded_igraph(ig, seed_int):
        # igraph only normalises the resolution for the exact spelling "modularity";
        # any other case silently runs CPM (see tests/unit/test_community.py).
        found = graph.community_leiden(objective_function="modularity", weights=weights,
                                       resolution=gamma, n_iterations=n_iterations)
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


def _seed_int(seed) -> int:
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if seed is None:
        return int.from_bytes(os.urandom(8), "little") >> 1
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(f"seed must be an int, a numpy.random.Generator or None, "
                         f"got {type(seed).__name__} {seed!r}")
    return int(seed)


def _check_weights(w: np.ndarray, layer: str) -> np.ndarray:
    if len(w) and not (np.isfinite(w).all() and (w >= 0).all()):
        bad = w[~(np.isfinite(w) & (w >= 0))][0]
        raise InputError(f"community detection needs finite edge weights >= 0 on layer "
                         f"{layer!r}, found {bad!r}; pass weighted=False to ignore weights")
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
    _, first, inv, counts = unique(membership, return_index=True, return_inverse=True,
                                      return_counts=True)
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


# ---------------------------------------------------------------------------------- quality


def community_quality(
    net: Network,
    labels: pd.Series,
    *,
    layer: str | None = None,
    weighted: bool = True,
) -> pd.DataFrame:
    """Size, internal and cut weight, conductance and density of each community.

    Parameters
    ----------
    net : Network
        The network.
    labels : pandas.Series or array-like
        A label per node: a Series indexed by node id covering every node (e.g. the result of
        :func:`communities`), or an array-like of ``net.n_nodes`` labels in node order. Labels
        may be any sortable values.
    layer : {"follows", "interactions", "ties"}, optional
        Graph layer; default ``net.default_layer``.
    weighted : bool, default True
        Measure edges by their weight (as :func:`communities` does); False counts pairs.

    Returns
    -------
    pandas.DataFrame
        Indexed by community label (index name ``community``, sorted), columns:

        - ``size``: number of nodes;
        - ``internal_edges``: edges (weight) with both ends inside, each pair once;
        - ``cut_edges``: edges (weight) with exactly one end inside;
        - ``conductance``: ``cut / min(vol(S), vol(V \\ S))`` (NaN where the minimum is 0);
        - ``internal_density``: ``internal_edges / (size (size - 1) / 2)`` (NaN for size 1).

        ``attrs["modularity"]`` (gamma = 1) and ``attrs["coverage"]`` (the fraction of edge
        weight inside communities) describe the whole partition; both are NaN without edges.

    Raises
    ------
    InputError
        Labels missing for some nodes, given for unknown ids, of the wrong length, or
        containing missing values; an unknown layer; negative or non-finite weights.

    Notes
    -----
    Computed on the undirected view (each pair once, both directions' weights summed).
    ``vol(S) = 2 internal(S) + cut(S)`` is the summed (weighted) degree of ``S``. With
    ``weighted=True`` the edge columns and ``internal_density`` are weights, and the density
    is the mean tie weight over all possible pairs. Modularity follows Newman & Girvan (2004),
    conductance Kannan, Vempala & Vetta (2004), coverage Fortunato (2010). ``O(n + m)`` with
    ``numpy.bincount`` on the edge list.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges(
    ...     [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")],
    ...     directed=False)
    >>> q = community_quality(net, communities(net))
    >>> q.round(4)
               size  internal_edges  cut_edges  conductance  internal_density
    community
    0             3             3.0        1.0       0.1429               1.0
    1             3             3.0        1.0       0.1429               1.0
    >>> round(q.attrs["modularity"], 4), round(q.attrs["coverage"], 4)
    (0.3571, 0.8571)
    """
    layer_name = _check_layer(net.default_layer if layer is None else layer)
    if not isinstance(weighted, bool | np.bool_):
        raise InputError(f"weighted must be True or False, got {weighted!r}")
    values = _labels_in_node_order(net, labels)
    codes, uniques = pd.factorize(values, sort=True)
    codes = codes.astype(np.int64)
    k = len(uniques)
    lo, hi, w = _undirected_edges(net, layer_name, bool(weighted))

    size = np.bincount(codes, minlength=k)
    cl, ch = codes[lo], codes[hi]
    inside = cl == ch
    internal = np.bincount(cl[inside], weights=w[inside], minlength=k)
    cl_cut, ch_cut, w_cut = cl[~inside], ch[~inside], w[~inside]
    cut = np.bincount(cl_cut, weights=w_cut, minlength=k) + np.bincount(
        ch_cut, weights=w_cut, minlength=k)
    total = float(w.sum())
    volume = 2.0 * internal + cut
    denom = np.minimum(volume, 2.0 * total - volume)
    pairs = size * (size - 1) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        conductance = np.where(denom > 0, cut / np.where(denom > 0, denom, 1.0), np.nan)
        density = np.where(pairs > 0, internal / np.where(pairs > 0, pairs, 1.0), np.nan)
    if not weighted:
        internal, cut = internal.round().astype(np.int64), cut.round().astype(np.int64)
    frame = pd.DataFrame(
        {"size": size.astype(np.int64), "internal_edges": internal, "cut_edges": cut,
         "conductance": conductance, "internal_density": density},
        index=pd.Index(uniques, name="community"),
    )
    frame.attrs.update({
        "modularity": _modularity(lo, hi, w, codes),
        "coverage": float(internal.sum() / total) if total > 0 else float("nan"),
        "layer": layer_name,
        "weighted": bool(weighted),
    })
    return frame


def _labels_in_node_order(net: Network, labels) -> np.ndarray:
    if isinstance(labels, pd.Series):
        if not labels.index.is_unique:
            dup = labels.index[labels.index.duplicated()][:5].tolist()
            raise InputError(f"labels must have one row per node; duplicated ids {dup!r}")
        pos = labels.index.get_indexer(net.ids)
        if (pos < 0).any():
            missing = net.ids[pos < 0][:5].tolist()
            raise InputError(f"labels must cover every node; {int((pos < 0).sum())} node(s) "
                             f"have no label, e.g. {missing!r}")
        if len(labels) > net.n_nodes:
            extra = labels.index.difference(net.ids)[:5].tolist()
            raise InputError(f"labels given for {len(labels) - net.n_nodes} id(s) not in the "
                             f"network, e.g. {extra!r}")
        values = labels.to_numpy()[pos]
    else:
        values = np.asarray(labels)
        if values.ndim != 1 or len(values) != net.n_nodes:
            raise InputError(f"labels must be a Series indexed by node id or {net.n_nodes} "
                             f"values in node order, got shape {values.shape}")
    if pd.isna(values).any():
        raise InputError(f"labels must not be missing; found {int(pd.isna(values).sum())} "
                         f"missing label(s)")
    return values


# ---------------------------------------------------------------------------------- comparison


def compare_partitions(a: pd.Series, b: pd.Series) -> dict[str, float]:
    """Agreement between two partitions: normalised / adjusted mutual information, adjusted Rand.

    Parameters
    ----------
    a, b : pandas.Series or array-like
        Labels per node. Two Series are aligned on their common index (nodes labelled in only
        one are left out); plain array-likes are compared position by position and must have
        the same length. Nodes with a missing label (NaN/None) in either are left out.

    Returns
    -------
    dict
        ``{"nmi": float, "ami": float, "ari": float}``; each is 1.0 for identical partitions
        up to renaming of the labels.

    Raises
    ------
    InputError
        The partitions share no labelled node, have duplicated ids, or (array-likes) differ
        in length.

    Notes
    -----
    From the contingency table ``n_ij`` of ``N`` nodes with row sums ``a_i`` and column sums
    ``b_j``: mutual information ``MI = sum n_ij/N log(N n_ij / (a_i b_j))`` (natural log);
    ``NMI = MI / ((H(a) + H(b)) / 2)`` (arithmetic-mean normalisation, as scikit-learn's
    default and igraph's ``compare_communities(method="nmi")``) [1]_;
    ``AMI = (MI - E[MI]) / ((H(a) + H(b)) / 2 - E[MI])`` with the expected mutual information
    under the hypergeometric model of Vinh, Epps & Bailey [2]_;
    ``ARI`` of Hubert & Arabie [3]_. Conventions as scikit-learn: when both partitions are a
    single cluster (or both all singletons) the scores are 1.0; NMI is 0 when MI is 0.

    Cost: ``O(N)`` for the table, NMI and ARI; the expected MI sums
    ``sum_ij min(a_i, b_j)`` hypergeometric terms, vectorised over distinct cluster sizes.

    References
    ----------
    .. [1] L. Danon, A. Díaz-Guilera, J. Duch, A. Arenas, "Comparing community structure
       identification", J. Stat. Mech. P09008 (2005).
    .. [2] N.X. Vinh, J. Epps, J. Bailey, "Information theoretic measures for clusterings
       comparison", JMLR 11, 2837-2854 (2010).
    .. [3] L. Hubert, P. Arabie, "Comparing partitions", J. Classification 2, 193-218 (1985).

    Examples
    --------
    >>> a = pd.Series([0, 0, 1, 1, 2, 2], index=list("uvwxyz"))
    >>> b = pd.Series([5, 5, 7, 7, 7, 7], index=list("zyxwvu"))
    >>> {k: round(v, 4) for k, v in compare_partitions(a, b).items()}
    {'nmi': 0.7337, 'ami': 0.6154, 'ari': 0.4444}
    """
    x, y = _aligned_labels(a, b)
    ca = pd.factorize(x)[0].astype(np.int64)
    cb = pd.factorize(y)[0].astype(np.int64)
    n = len(ca)
    r, c = int(ca.max()) + 1, int(cb.max()) + 1
    if (r == c == 1) or (r == c == n):
        return {"nmi": 1.0, "ami": 1.0, "ari": 1.0}
    cells, nij = unique(ca * c + cb, return_counts=True)
    ai = np.bincount(ca, minlength=r)
    bj = np.bincount(cb, minlength=c)

    # mutual information from the non-zero cells
    pair_a, pair_b = ai[cells // c], bj[cells % c]
    if r == 1 or c == 1:
        mi = 0.0  # one side has a single cluster: no information, exactly
    else:
        mi = float(np.sum(nij / n * (np.log(nij) + np.log(n) - np.log(pair_a)
                                     - np.log(pair_b))))
        mi = max(mi, 0.0)
    h_a = _entropy(ai, n)
    h_b = _entropy(bj, n)
    mean_h = (h_a + h_b) / 2.0
    nmi = 0.0 if mi == 0 else mi / mean_h

    emi = 0.0 if mi == 0.0 and (r == 1 or c == 1) else _expected_mutual_information(ai, bj, n)
    eps = np.finfo(np.float64).eps
    denom = mean_h - emi
    denom = min(denom, -eps) if denom < 0 else max(denom, eps)
    ami = (mi - emi) / denom

    sum_c = _comb2_sum(nij)
    sum_a, sum_b = _comb2_sum(ai), _comb2_sum(bj)
    pairs = n * (n - 1) // 2
    expected = sum_a * sum_b / pairs
    max_index = (sum_a + sum_b) / 2.0
    ari = 1.0 if max_index == expected else (sum_c - expected) / (max_index - expected)
    return {"nmi": float(nmi), "ami": float(ami), "ari": float(ari)}


def _aligned_labels(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        for name, s in (("a", a), ("b", b)):
            if not s.index.is_unique:
                dup = s.index[s.index.duplicated()][:5].tolist()
                raise InputError(f"partition {name} must have one label per node; "
                                 f"duplicated ids {dup!r}")
        common = a.index.intersection(b.index, sort=False)
        x = a.reindex(common).to_numpy()
        y = b.reindex(common).to_numpy()
    elif isinstance(a, pd.Series) or isinstance(b, pd.Series):
        raise InputError("compare_partitions needs two Series (aligned by id) or two "
                         "array-likes (aligned by position), got one of each")
    else:
        x, y = np.asarray(a, dtype=object).ravel(), np.asarray(b, dtype=object).ravel()
        if len(x) != len(y):
            raise InputError(f"array-like partitions must have the same length, got "
                             f"{len(x)} and {len(y)}")
    keep = ~(pd.isna(x) | pd.isna(y))
    if not keep.any():
        raise InputError("the two partitions share no labelled node (compare them on the "
                         "same node ids)")
    return x[keep], y[keep]


def _entropy(counts: np.ndarray, n: int) -> float:
    p = counts[counts > 0] / n
    return float(-np.sum(p * np.log(p)))


def _comb2_sum(counts: np.ndarray) -> int:
    c = counts.astype(np.int64)
    return int(np.sum(c * (c - 1) // 2, dtype=np.int64))


def _expected_mutual_information(ai: np.ndarray, bj: np.ndarray, n: int,
                                 chunk: int = 1 << 22) -> float:
    """E[MI] under the hypergeometric model (Vinh et al. 2010), vectorised and chunked."""
    from scipy.special import gammaln

    a_val, a_cnt = unique(ai, return_counts=True)
    b_val, b_cnt = unique(bj, return_counts=True)
    A = np.repeat(a_val, len(b_val)).astype(np.int64)
    B = np.tile(b_val, len(a_val)).astype(np.int64)
    mult = np.repeat(a_cnt, len(b_val)) * np.tile(b_cnt, len(a_val))
    start = np.maximum(1, A + B - n)
    length = np.maximum(0, np.minimum(A, B) - start + 1)
    fixed = (gammaln(A + 1) + gammaln(B + 1) + gammaln(n - A + 1) + gammaln(n - B + 1)
             - gammaln(n + 1))
    ends = np.cumsum(length)
    total = 0.0
    lo = 0
    while lo < len(A):
        # pairs [lo, hi) whose ragged ranges hold about `chunk` terms (at least one pair)
        base = ends[lo - 1] if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, base + chunk, side="right")))
        seg = slice(lo, hi)
        lens = length[seg]
        rep = np.repeat(np.arange(hi - lo), lens)
        offs = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        nij = (start[seg][rep] + offs).astype(np.float64)
        a, b = A[seg][rep].astype(np.float64), B[seg][rep].astype(np.float64)
        log_p = (fixed[seg][rep] - gammaln(nij + 1) - gammaln(a - nij + 1)
                 - gammaln(b - nij + 1) - gammaln(n - a - b + nij + 1))
        term = nij / n * (np.log(n) + np.log(nij) - np.log(a) - np.log(b)) * np.exp(log_p)
        total += float(np.sum(term * mult[seg][rep]))
        lo = hi
    return total
