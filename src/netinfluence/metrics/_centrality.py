"""Centrality and core measures: audience, PageRank, k-cores, H-index, brokerage, spreaders.

Every function takes a :class:`~netinfluence.network.Network` and returns a Series indexed by
``net.ids`` (index name ``node``) in node order, named after the measure;
:func:`centrality` assembles them into one table.

Direction: inside a ``Network`` an edge ``u -> v`` means ``v`` is exposed to ``u`` (``v``
follows ``u`` or engaged with ``u``'s content). A node's **audience** is therefore its
out-neighbourhood in the influence graph, which is the in-neighbourhood of the usual
follower -> followed graph. Each docstring says which orientation a measure uses and which
networkx call it equals.

Engines: scipy.sparse for degree tables, PageRank, H-index and collective influence; igraph
(C) for k-cores, betweenness and harmonic closeness; a lazy-greedy heap over integer vote
counts for VoteRank. networkx is only the reference in the tests.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time
import warnings
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from netinfluence._arrays import row_pointers, sort_order
from netinfluence._check import choice, integer, make_rng
from netinfluence.errors import InputError
from netinfluence.network import Network, resolve_layer

__all__ = [
    "MEASURES",
    "betweenness",
    "centrality",
    "collective_influence",
    "coreness",
    "followers",
    "h_index",
    "harmonic",
    "in_degree",
    "pagerank",
    "strength",
    "voterank",
]

logger = logging.getLogger(__name__)

#: Column names of :func:`centrality`, in the order it returns them.
MEASURES = (
    "in_degree",
    "followers",
    "strength",
    "pagerank",
    "coreness",
    "h_index",
    "betweenness",
    "harmonic",
    "collective_influence",
    "voterank",
)

#: ``method="auto"`` computes betweenness exactly up to this many nodes, else samples sources.
EXACT_BETWEENNESS_MAX_NODES = 5_000
#: ``method="auto"`` computes harmonic closeness exactly up to this many nodes, else samples.
EXACT_HARMONIC_MAX_NODES = 20_000

_METHODS = ("auto", "exact", "sampled")
# Sparse work budget (entries) per row block when expanding distance spheres.
_BLOCK_ENTRIES = 1 << 22


# ---------------------------------------------------------------------------- validation


def _check_damping(damping) -> float:
    try:
        d = float(damping)
    except (TypeError, ValueError):
        d = np.nan
    if not 0.0 <= d <= 1.0:
        raise InputError(f"damping must be a number in [0, 1], got {damping!r}")
    return d


# ---------------------------------------------------------------------------- shared arrays


def _sym_csr(net: Network, layer: str):
    """Binary symmetric adjacency (CSR, sorted indices, no diagonal) of the undirected view."""

    def build():
        from scipy import sparse

        n = net.n_nodes
        src, dst, _ = net.edge_arrays(layer)
        keep = src != dst
        s, d = src[keep].astype(np.int64), dst[keep].astype(np.int64)
        # both directions of every pair, deduplicated by sorting (np.unique is slower)
        key = np.sort(np.concatenate([s * n + d, d * n + s]))
        if len(key):
            key = key[np.concatenate([[True], key[1:] != key[:-1]])]
        indptr = row_pointers(key // max(n, 1), n)
        return sparse.csr_array((np.ones(len(key)), key % max(n, 1), indptr), shape=(n, n))

    return net.cached(("centrality", "sym_csr", layer), build)


def _csr(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, indices)`` of the 0/1 matrix with entries ``(rows, cols)``, columns sorted."""
    order, _ = sort_order(rows.astype(np.int64) * n + cols)
    return row_pointers(rows, n), np.asarray(cols, dtype=np.int64)[order]


def _gather(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray):
    """Concatenated CSR rows ``rows``: ``(entries, row_lengths)``, vectorised."""
    starts = indptr[rows]
    lens = indptr[rows + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return indices[:0], lens
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    return indices[np.arange(total) + offsets], lens


# ---------------------------------------------------------------------------- degree tables


def in_degree(net: Network, *, layer: str | None = None) -> pd.Series:
    """Audience size seen in the graph: how many distinct accounts are exposed to each node.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None
        Graph layer to count on. On ``"interactions"`` it is the number of distinct accounts
        that engaged with the node's content.

    Returns
    -------
    pandas.Series
        int64, indexed by ``net.ids``, named ``in_degree``.

    Notes
    -----
    ``in_degree(i) = |{j : i -> j}|``, the **out**-degree of the influence graph, which is the
    in-degree of the usual follower -> followed graph (hence the name): the number of
    followers *in the sample*. It is not the platform follower count; see :func:`followers`.
    O(m).

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("ana", "bo"), ("cy", "bo"), ("bo", "ana")])
    >>> in_degree(net).sort_index().tolist()
    [1, 2, 0]
    """
    layer = resolve_layer(net, layer, default="follows")
    src, _, _ = net.edge_arrays(layer)
    return net.series(np.bincount(src, minlength=net.n_nodes).astype(np.int64), "in_degree")


def followers(net: Network) -> pd.Series:
    """Platform follower counts from the users table (NaN where unknown).

    Returns
    -------
    pandas.Series
        float, indexed by ``net.ids``, named ``followers``; all NaN when the users table has
        no ``followers`` column.

    Notes
    -----
    The count the platform reports, usually larger than :func:`in_degree` (the followers seen
    in the sample). The two are kept apart on purpose.

    Examples
    --------
    >>> import pandas as pd, netinfluence as ni
    >>> users = pd.DataFrame({"id": ["ana", "bo"], "followers": [54000, None]})
    >>> net = ni.read_network(follows=pd.DataFrame({"follower": ["ana"], "followed": ["bo"]}),
    ...                       users=users)
    >>> followers(net).tolist()
    [54000.0, nan]
    """
    if "followers" in net.nodes.columns:
        values = pd.to_numeric(net.nodes["followers"], errors="coerce").to_numpy(dtype=float)
    else:
        values = np.full(net.n_nodes, np.nan)
    return net.series(values, "followers")


def strength(net: Network, *, layer: str | None = None, weighted: bool = True) -> pd.Series:
    """Weighted audience: the summed weight of each node's out-edges on ``layer``.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None
        ``"ties"`` (on a network with interactions) gives engagement-weighted strength;
        ``"interactions"`` the number of interactions received.
    weighted : bool
        False counts every edge as 1 (then it equals :func:`in_degree`).

    Returns
    -------
    pandas.Series
        float, indexed by ``net.ids``, named ``strength``.

    Notes
    -----
    ``s(i) = sum_{j : i -> j} w_ij`` over the influence graph (edges ``i -> j`` where ``j``
    is exposed to ``i``). O(m).

    Examples
    --------
    >>> import pandas as pd, netinfluence as ni
    >>> edges = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"],
    ...                       "weight": [0.5, 2.0, 1.0]})
    >>> strength(ni.read_network(edges=edges)).tolist()
    [2.5, 1.0, 0.0]
    """
    layer = resolve_layer(net, layer, default="follows")
    src, _, w = net.edge_arrays(layer)
    values = np.bincount(src, weights=w if weighted else None, minlength=net.n_nodes)
    return net.series(values.astype(float), "strength")


# ---------------------------------------------------------------------------- PageRank


def pagerank(
    net: Network,
    *,
    layer: str | None = None,
    weighted: bool = True,
    damping: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> pd.Series:
    """PageRank in which an account gains rank from the accounts that follow it.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None
    weighted : bool
        Use the layer's edge weights (all 1 on an unweighted follows layer).
    damping : float
        Probability of following an edge rather than jumping to a uniform random node.
    tol : float
        Stop when the L1 change of the rank vector falls below ``tol``.
    max_iter : int
        Give up (with a ``RuntimeWarning``) after this many iterations.

    Returns
    -------
    pandas.Series
        float, summing to 1, indexed by ``net.ids``, named ``pagerank``.

    Raises
    ------
    InputError
        On a bad option or a negative edge weight.

    Notes
    -----
    The random surfer walks the follower -> followed (attention) graph, the reverse of the
    influence graph: ``x_i = d * (sum_{j follows i} x_j w_ij / s_j + D / n) + (1 - d) / n``
    where ``s_j`` is ``j``'s total outgoing attention weight and ``D`` the rank held by
    dangling nodes (``s_j = 0``), spread uniformly as in networkx. It equals
    ``networkx.pagerank(G, alpha=damping, weight="weight")`` on the follower -> followed graph
    (``net.to_networkx(layer).reverse()``). Power iteration with scipy.sparse:
    O(m) per iteration, about ``log(tol) / log(damping)`` (~140) iterations.

    Brin, S. & Page, L. (1998). The anatomy of a large-scale hypertextual Web search engine.
    Computer Networks 30:107-117.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("ana", "bo"), ("cy", "bo"), ("bo", "ana")])
    >>> pagerank(net).round(3).sort_index().to_dict()  # bo has two followers, ana one, cy none
    {'ana': 0.464, 'bo': 0.486, 'cy': 0.05}
    """
    layer = resolve_layer(net, layer, default="follows")
    damping = _check_damping(damping)
    max_iter = integer("max_iter", max_iter, minimum=1)
    if not float(tol) > 0:
        raise InputError(f"tol must be a positive number, got {tol!r}")
    from scipy import sparse

    n = net.n_nodes
    if n == 0:
        return net.series(np.zeros(0), "pagerank")
    src, dst, w = net.edge_arrays(layer)
    w = np.asarray(w, dtype=float) if weighted else np.ones(len(src))
    if len(w) and (w < 0).any():
        raise InputError(
            f"pagerank needs non-negative edge weights; layer {layer!r} has "
            f"{int((w < 0).sum())} negative weight(s) (pass weighted=False to ignore them)"
        )
    out_attention = np.bincount(dst, weights=w, minlength=n)  # each follower's total weight
    denom = out_attention[dst]
    scale = np.divide(w, denom, out=np.zeros_like(w), where=denom > 0)
    # M[i, j] = w_ij / s_j for the influence edge i -> j (j follows i): x_new = M @ x.
    matrix = sparse.csr_array((scale, (src, dst)), shape=(n, n))
    dangling = np.flatnonzero(out_attention == 0)
    x = np.full(n, 1.0 / n)
    teleport = (1.0 - damping) / n
    for _ in range(max_iter):
        last = x
        x = damping * (matrix @ x + last[dangling].sum() / n) + teleport
        if np.abs(x - last).sum() < tol:
            break
    else:
        warnings.warn(
            f"pagerank did not converge to tol={tol:g} in {max_iter} iterations; "
            "returning the last iterate (raise max_iter)",
            RuntimeWarning,
            stacklevel=2,
        )
    return net.series(x / x.sum(), "pagerank")


# ---------------------------------------------------------------------------- cores


def coreness(net: Network, *, layer: str | None = None) -> pd.Series:
    """k-core number of each node on the undirected simple view of ``layer``.

    Returns
    -------
    pandas.Series
        int64, indexed by ``net.ids``, named ``coreness``.

    Notes
    -----
    The largest ``k`` such that the node belongs to a subgraph in which every node has at
    least ``k`` neighbours. Direction is ignored, mutual and parallel edges count once,
    self-loops are ignored; equals ``networkx.core_number`` on that simple graph. igraph's
    O(m) Batagelj-Zaversnik algorithm.

    Seidman, S. B. (1983). Network structure and minimum degree. Social Networks 5:269-287.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    >>> coreness(net).tolist()
    [2, 2, 2, 1]
    """
    layer = resolve_layer(net, layer, default="follows")
    g = net.graph(layer, directed=False)
    values = np.asarray(g.coreness(mode="all"), dtype=np.int64)
    return net.series(values.reshape(net.n_nodes), "coreness")


def h_index(net: Network, *, layer: str | None = None) -> pd.Series:
    """Node H-index (Lü et al. 2016) on the undirected simple view of ``layer``.

    Returns
    -------
    pandas.Series
        int64, indexed by ``net.ids``, named ``h_index``.

    Notes
    -----
    ``h(i)`` is the largest ``h`` such that ``i`` has at least ``h`` neighbours of degree at
    least ``h`` (0 for an isolated node). Lü et al. prove ``coreness <= h_index <= degree``;
    iterating the operator converges to the coreness. Vectorised without sorting: neighbour
    degrees are clipped to the node's own degree and counted per (node, value) slot of the
    CSR layout; O(m).

    Lü, L., Zhou, T., Zhang, Q.-M. & Stanley, H. E. (2016). The H-index of a network node and
    its relation to degree and coreness. Nature Communications 7:10168.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    >>> h_index(net).tolist()
    [2, 2, 2, 1]
    """
    layer = resolve_layer(net, layer, default="follows")
    adj = _sym_csr(net, layer)
    n = net.n_nodes
    indptr = adj.indptr.astype(np.int64)
    deg = np.diff(indptr)
    total = int(indptr[-1])
    if total == 0:
        return net.series(np.zeros(n, dtype=np.int64), "h_index")
    row = np.repeat(np.arange(n), deg)
    clipped = np.minimum(deg[adj.indices], deg[row])  # in 1..deg[row]
    # slot indptr[i] + v - 1 counts neighbours of i whose clipped degree is v
    counts = np.bincount(indptr[row] + clipped - 1, minlength=total)
    suffix = np.cumsum(counts[::-1])[::-1]  # suffix[s] = sum_{t >= s} counts[t]
    suffix = np.append(suffix, 0)
    at_least = suffix[:total] - suffix[indptr[row + 1]]  # neighbours with clipped degree >= h
    h = np.arange(total) - indptr[row] + 1
    values = np.bincount(row, weights=at_least >= h, minlength=n)
    return net.series(values.astype(np.int64), "h_index")


# ---------------------------------------------------------------------------- brokerage


def _lengths(net: Network, layer: str, weighted: bool):
    """Edge lengths for path measures: None (hops) or ``1 / weight`` (stronger is closer)."""
    if not weighted:
        return None
    w = np.asarray(net.graph(layer, directed=True).es["weight"], dtype=float)
    if len(w) and not (w > 0).all():
        raise InputError(
            f"weighted path lengths need positive weights (length = 1/weight); layer "
            f"{layer!r} has {int((~(w > 0)).sum())} edge(s) with weight <= 0 or NaN"
        )
    return (1.0 / w).tolist()


def betweenness(
    net: Network,
    *,
    layer: str | None = None,
    method: str = "auto",
    samples: int = 256,
    seed: int | np.random.Generator | None = 0,
    weighted: bool = False,
) -> pd.Series:
    """Shortest-path betweenness on the directed influence graph, normalised like networkx.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None
    method : {"auto", "exact", "sampled"}
        ``"auto"`` is exact up to ``EXACT_BETWEENNESS_MAX_NODES`` (5,000) nodes, else sampled.
    samples : int
        Number of source nodes for ``"sampled"`` (at least 2; exact when ``>= n``).
    seed : int, numpy.random.Generator or None
        Chooses the sampled sources.
    weighted : bool
        False (default) counts hops; True uses edge length ``1 / weight``.

    Returns
    -------
    pandas.Series
        float, indexed by ``net.ids``, named ``betweenness``; ``attrs["method"]`` records
        ``"exact"`` or ``"sampled"``.

    Notes
    -----
    ``b(v) = sum_{s != v != t} sigma_st(v) / sigma_st / ((n - 1)(n - 2))`` over ordered pairs,
    equal to ``networkx.betweenness_centrality(G, normalized=True)`` on the influence graph
    (or its reverse, or the undirected graph of an undirected network: the value is the
    same). Sampling uses ``k`` sources ``S`` and networkx 3.6's unbiased scaling: the partial
    sum is divided by ``(k - 1)(n - 2)`` for ``v`` in ``S`` and ``k (n - 2)`` otherwise.
    Brandes' algorithm in igraph: O(n m) exact, O(k m) sampled.

    Brandes, U. (2001). A faster algorithm for betweenness centrality. J. Math. Sociol.
    25:163-177; Brandes, U. & Pich, C. (2007). Centrality estimation in large networks.
    Int. J. Bifurcation and Chaos 17:2303-2318.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "b"), ("d", "c")])  # a -> b -> c -> d
    >>> betweenness(net).round(3).sort_index().to_dict()
    {'a': 0.0, 'b': 0.333, 'c': 0.333, 'd': 0.0}
    """
    layer = resolve_layer(net, layer, default="follows")
    method = choice("method", method, _METHODS)
    samples = integer("samples", samples, minimum=2)
    rng = make_rng(seed)
    n = net.n_nodes
    if method == "auto":
        method = "exact" if n <= EXACT_BETWEENNESS_MAX_NODES else "sampled"
    if method == "sampled" and samples >= n:
        method = "exact"
    g = net.graph(layer, directed=True)
    lengths = _lengths(net, layer, weighted)
    if n <= 2:
        values = np.zeros(n)
    elif method == "exact":
        raw = np.asarray(g.betweenness(directed=True, weights=lengths), dtype=float)
        values = raw / ((n - 1) * (n - 2))
    else:
        sources = np.sort(rng.choice(n, size=samples, replace=False))
        values = _sampled_betweenness(g, sources, n, lengths)
    out = net.series(values, "betweenness")
    out.attrs.update(method=method, samples=samples if method == "sampled" else None)
    return out


def _sampled_betweenness(g, sources: np.ndarray, n: int, lengths) -> np.ndarray:
    """Betweenness from the given sources, scaled like networkx's ``k``-sample estimate."""
    k = len(sources)
    raw = np.asarray(
        g.betweenness(directed=True, weights=lengths, sources=sources.tolist()), dtype=float
    )
    scale = np.full(n, 1.0 / (k * (n - 2)))
    scale[sources] = 1.0 / ((k - 1) * (n - 2))
    return raw * scale


def harmonic(
    net: Network,
    *,
    layer: str | None = None,
    method: str = "auto",
    samples: int = 256,
    seed: int | np.random.Generator | None = 0,
    weighted: bool = False,
) -> pd.Series:
    """Harmonic closeness along the influence direction: how fast a node's content reaches others.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None
    method : {"auto", "exact", "sampled"}
        ``"auto"`` is exact up to ``EXACT_HARMONIC_MAX_NODES`` (20,000) nodes, else sampled.
    samples : int
        Number of target nodes for ``"sampled"`` (exact when ``>= n``).
    seed : int, numpy.random.Generator or None
        Chooses the sampled targets.
    weighted : bool
        False (default) counts hops; True uses edge length ``1 / weight``.

    Returns
    -------
    pandas.Series
        float in [0, 1], indexed by ``net.ids``, named ``harmonic``; ``attrs["method"]``
        records ``"exact"`` or ``"sampled"``.

    Notes
    -----
    ``H(i) = sum_{j != i} 1 / d(i -> j) / (n - 1)`` with distances along out-edges of the
    influence graph (``1/inf = 0``). networkx's ``harmonic_centrality`` sums distances *to*
    the node, so ``H`` equals ``networkx.harmonic_centrality(G.reverse()) / (n - 1)`` on the
    influence graph ``G``, i.e. networkx on the follower -> followed graph.
    Exact: igraph ``harmonic_centrality(mode="out")``, O(n m). Sampled: ``k`` uniform targets
    ``T``, ``H(i) ~ n / k * sum_{t in T, t != i} 1 / d(i -> t) / (n - 1)``, unbiased, O(k m).

    Marchiori, M. & Latora, V. (2000). Harmony in the small-world. Physica A 285:539-546;
    Boldi, P. & Vigna, S. (2014). Axioms for centrality. Internet Math. 10:222-262.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "b")])  # a -> b -> c
    >>> harmonic(net).round(3).sort_index().to_dict()
    {'a': 0.75, 'b': 0.5, 'c': 0.0}
    """
    layer = resolve_layer(net, layer, default="follows")
    method = choice("method", method, _METHODS)
    samples = integer("samples", samples, minimum=1)
    rng = make_rng(seed)
    n = net.n_nodes
    if method == "auto":
        method = "exact" if n <= EXACT_HARMONIC_MAX_NODES else "sampled"
    if method == "sampled" and samples >= n:
        method = "exact"
    g = net.graph(layer, directed=True)
    lengths = _lengths(net, layer, weighted)
    if n <= 1:
        values = np.zeros(n)
    elif method == "exact":
        values = np.asarray(
            g.harmonic_centrality(mode="out", weights=lengths, normalized=True), dtype=float
        )
    else:
        targets = np.sort(rng.choice(n, size=samples, replace=False))
        total = np.zeros(n)
        batch = max(1, int(2e6 // n))  # distances come back as Python lists: keep them small
        for lo in range(0, samples, batch):
            part = targets[lo : lo + batch].tolist()
            # distances(source=t, mode="in") gives d(i -> t) for every i
            dist = np.asarray(g.distances(source=part, mode="in", weights=lengths), dtype=float)
            with np.errstate(divide="ignore"):
                inv = 1.0 / dist
            inv[~np.isfinite(inv)] = 0.0  # self (d = 0) and unreachable (d = inf)
            total += inv.sum(axis=0)
        values = total * (n / samples) / (n - 1)
    out = net.series(values, "harmonic")
    out.attrs.update(method=method, samples=samples if method == "sampled" else None)
    return out


# ---------------------------------------------------------------------------- spreaders


def _sphere_sums(adj, x: np.ndarray, radius: int) -> np.ndarray:
    """``sum_{j : dist(i, j) == radius} x_j`` for every ``i``, in row blocks of bounded work.

    The ball of radius ``r`` is the pattern of ``(A + I)^r``; the sphere sum is the ball sum
    minus the sum over the ball of radius ``r - 1``.
    """
    from scipy import sparse

    n = adj.shape[0]
    if radius == 1:
        return adj @ x
    step = (adj + sparse.eye_array(n, format="csr")).tocsr()
    deg = np.diff(step.indptr).astype(float)
    work = np.cumsum(step @ deg)  # entries touched by the first product, a cost proxy
    cuts = np.searchsorted(work, np.arange(1, int(work[-1] // _BLOCK_ENTRIES) + 1) * _BLOCK_ENTRIES)
    bounds = np.unique(np.concatenate([[0], cuts, [n]]))
    out = np.zeros(n)
    for lo, hi in itertools.pairwise(bounds):
        inner = step[lo:hi]
        for r in range(2, radius + 1):
            outer = inner @ step  # the ball of radius r (values are walk counts)
            outer.data[:] = 1.0
            if r < radius:
                inner = outer
        out[lo:hi] = outer @ x - inner @ x
    return out


def collective_influence(net: Network, *, layer: str | None = None, radius: int = 2) -> pd.Series:
    """Collective influence CI_l (Morone & Makse 2015) on the undirected view of ``layer``.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None
    radius : int
        ``l`` >= 1: the distance of the ball frontier whose degrees are summed.

    Returns
    -------
    pandas.Series
        int64, indexed by ``net.ids``, named ``collective_influence``.

    Notes
    -----
    ``CI_l(i) = (k_i - 1) * sum_{j : dist(i, j) == l} (k_j - 1)`` with ``k`` the undirected
    simple degree and ``dist`` the hop distance: nodes at distance *exactly* ``l``, not
    ``l``-step walks. The sphere sum is the sum over the ball of radius ``l`` (the pattern
    of ``(A + I)^l``, by sparse products in row blocks) minus that over the ball of radius
    ``l - 1``. The cost is the number of ``l``-step walks, for ``l = 2`` about
    ``sum_j k_j^2``, large when hubs exist. An isolated node gets 0.

    Morone, F. & Makse, H. A. (2015). Influence maximization in complex networks through
    optimal percolation. Nature 524:65-68.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("h1", "a"), ("h1", "b"), ("h1", "m"), ("m", "h2"),
    ...                              ("h2", "c"), ("h2", "d")], directed=False)
    >>> collective_influence(net).sort_index().to_dict()  # two hubs two hops apart
    {'a': 0, 'b': 0, 'c': 0, 'd': 0, 'h1': 4, 'h2': 4, 'm': 0}
    """
    layer = resolve_layer(net, layer, default="follows")
    radius = integer("radius", radius, minimum=1)
    adj = _sym_csr(net, layer)
    n = net.n_nodes
    if n == 0 or adj.nnz == 0:
        return net.series(np.zeros(n, dtype=np.int64), "collective_influence")
    k = np.diff(adj.indptr).astype(float)
    sums = _sphere_sums(adj, k - 1.0, radius)
    values = np.rint((k - 1.0) * sums).astype(np.int64)
    values[k == 0] = 0
    return net.series(values, "collective_influence")


def voterank(
    net: Network,
    *,
    layer: str | None = None,
    directed: bool = True,
    number_of_nodes: int | None = None,
) -> pd.Series:
    """VoteRank election order of spreaders (Zhang et al. 2016): 1 = first elected.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"} or None (edge weights are not used)
    directed : bool
        True (default): followers vote for the accounts they follow and electing an account
        weakens its followers. False: neighbours on the undirected view vote for each other.
    number_of_nodes : int, optional
        Stop after electing this many (default: all nodes that ever receive a vote).

    Returns
    -------
    pandas.Series
        nullable ``Int64``, indexed by ``net.ids``, named ``voterank``; ``<NA>`` for nodes
        never elected.

    Notes
    -----
    Every node starts with voting ability 1. Each round, a node's score is the summed ability
    of its voters; the unelected node with the highest score (the earliest in node order on a
    tie) is elected if its score is positive, its ability drops to 0 and each node it weakens
    loses ``1 / <k>`` ability (floored at 0), ``<k>`` being the average (out-)degree.
    ``directed=True`` equals ``networkx.voterank`` on the influence digraph
    ``net.to_networkx(layer)`` (networkx nodes vote for their in-neighbours, i.e. followers
    for the followed); on the follower -> followed graph networkx would let the followed
    vote for their followers, the wrong way round for finding spreaders. ``directed=False``
    equals ``networkx.voterank`` on the undirected graph.

    Scores are kept exactly as integers (``ability * m`` with ``<k> = m / n``) and updated
    only for the nodes whose voters changed; a lazy max-heap (scores only fall) picks the
    winner. Where exact scores tie, networkx's choice depends on floating-point rounding in
    its left-to-right sums, so the tied contenders are compared by that same float sum (over
    voters in node order, as in ``net.to_networkx()``) and then by node order: the election
    order equals networkx's, checked on the whole of email-Eu-core and wiki-Vote. About
    O(m + total score updates + E log n) for E elections, plus a Python step per election.

    Zhang, J.-X., Chen, D.-B., Dong, Q. & Zhao, Z.-D. (2016). Identifying a set of influential
    spreaders in complex networks. Scientific Reports 6:27823.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "a"), ("d", "a"), ("a", "e"),
    ...                              ("f", "e")])
    >>> voterank(net).sort_index()  # a is followed by b, c and d; e by a and f
    node
    a       1
    b    <NA>
    c    <NA>
    d    <NA>
    e       2
    f    <NA>
    Name: voterank, dtype: Int64
    """
    layer = resolve_layer(net, layer, default="follows")
    n = net.n_nodes
    limit = n if number_of_nodes is None else integer("number_of_nodes", number_of_nodes, minimum=0)
    rank = np.zeros(n, dtype=np.int64)
    order = _voterank_order(net, layer, bool(directed), min(limit, n))
    rank[order] = np.arange(1, len(order) + 1)
    values = pd.array(np.where(rank > 0, rank, 0), dtype="Int64")
    values[rank == 0] = pd.NA
    return net.series(values, "voterank")


def _voterank_order(net: Network, layer: str, directed: bool, limit: int) -> list[int]:
    """Elected positions in order; see :func:`voterank` for the arithmetic."""
    n = net.n_nodes
    if directed:
        src, dst, _ = net.edge_arrays(layer)
        # influence edge u -> v: v votes for u, and electing u weakens v
        vote_ptr, vote_idx = _csr(dst, src, n)  # voter -> the nodes it votes for
        weak_ptr, weak_idx = _csr(src, dst, n)  # candidate -> its voters (= whom it weakens)
        total_degree = len(src)
    else:
        adj = _sym_csr(net, layer)
        vote_ptr = weak_ptr = adj.indptr.astype(np.int64)
        vote_idx = weak_idx = adj.indices.astype(np.int64)
        total_degree = adj.nnz
    if total_degree == 0 or limit == 0:
        return []
    # Exact ability, scaled by total_degree: 1 - c / <k> = (total_degree - c n) / total_degree.
    full = total_degree
    ability = np.full(n, full, dtype=np.int64)
    # networkx's float ability after c weakenings: repeated `a = max(a - 1 / <k>, 0)`.
    step = 1 / (total_degree / n)
    table = [1.0]
    while table[-1] > 0:
        table.append(max(table[-1] - step, 0.0))
    table_arr = np.asarray(table)
    fability = np.ones(n)
    weakened = np.zeros(n, dtype=np.int64)
    elected = np.zeros(n, dtype=bool)
    dirty = np.zeros(n, dtype=bool)  # the float score of the heap entry may be out of date
    votes = np.bincount(vote_idx, minlength=n)
    score = votes.astype(np.int64) * full
    cand = np.flatnonzero(votes > 0)
    # heap keys (-exact score, -float score, position); stored keys never understate a node
    heap = [
        (-s, -float(c), i)
        for s, c, i in zip(score[cand].tolist(), votes[cand].tolist(), cand.tolist(), strict=True)
    ]
    heapq.heapify(heap)
    order: list[int] = []
    pop, push = heapq.heappop, heapq.heappush
    last = len(table) - 1
    while heap and len(order) < limit:
        neg_exact, neg_float, i = pop(heap)
        current = score.item(i)
        if current != -neg_exact and current > 0:
            push(heap, (-current, -np.inf, i))  # float unknown: an upper bound
            continue
        if current != -neg_exact or dirty[i] or neg_float == -np.inf:
            # a contender for election: networkx's left-to-right float sum over its voters
            voters = weak_idx[weak_ptr.item(i) : weak_ptr.item(i + 1)]
            fscore = np.cumsum(fability[voters]).item(-1) if len(voters) else 0.0
            dirty[i] = False
            if current > 0 or fscore > 0:
                push(heap, (-current, -fscore, i))
            continue
        order.append(i)
        elected[i] = True
        own, fown = ability.item(i), fability.item(i)
        ability[i], fability[i] = 0, 0.0
        targets = weak_idx[weak_ptr.item(i) : weak_ptr.item(i + 1)]
        if len(targets):
            count = weakened[targets] + 1
            weakened[targets] = count
            hit = elected[targets]
            new = np.maximum(full - count * n, 0)
            new[hit] = 0
            fnew = table_arr[np.minimum(count, last)]
            fnew[hit] = 0.0
            old = ability[targets]
            changed = (new != old) | (fnew != fability[targets])
            ability[targets], fability[targets] = new, fnew
            if changed.any():
                votees, lens = _gather(vote_ptr, vote_idx, targets[changed])
                np.subtract.at(score, votees, np.repeat((old - new)[changed], lens))
                dirty[votees] = True
        if own or fown:  # the elected node stops voting
            votees = vote_idx[vote_ptr.item(i) : vote_ptr.item(i + 1)]
            score[votees] -= own  # a CSR row has no repeats
            dirty[votees] = True
        score[i] = 0
    return order


# ---------------------------------------------------------------------------- the table


def centrality(
    net: Network,
    *,
    measures: Iterable[str] | str | None = None,
    layer: str | None = None,
    weighted: bool = True,
    damping: float = 0.85,
    betweenness: str = "auto",
    betweenness_samples: int = 256,
    seed: int | np.random.Generator | None = 0,
    ci_radius: int = 2,
    harmonic: str = "auto",
    harmonic_samples: int = 256,
    voterank_nodes: int | None = None,
) -> pd.DataFrame:
    """Centrality table: audience, PageRank, cores, brokerage and spreader measures per node.

    Parameters
    ----------
    net : Network
    measures : str or list of str, optional
        Subset of :data:`MEASURES` to compute (default: all). Columns come in
        :data:`MEASURES` order whatever the order asked.
    layer : {"follows", "interactions", "ties"} or None
        Graph layer every measure uses (``followers`` comes from the users table). None: the
        follows graph, or the tie graph when the network has only interactions.
    weighted : bool
        Use edge weights in ``strength`` and ``pagerank``. Path measures (betweenness,
        harmonic) count hops and structural ones (cores, H-index, CI, VoteRank) ignore
        weights; call :func:`betweenness` / :func:`harmonic` with ``weighted=True`` for
        weighted paths.
    damping : float
        PageRank damping factor.
    betweenness : {"auto", "exact", "sampled"}
        Betweenness method (see :func:`betweenness`).
    betweenness_samples : int
        Number of sampled sources when betweenness is sampled.
    seed : int, numpy.random.Generator or None
        Seed for the sampled measures.
    ci_radius : int
        Radius ``l`` of collective influence.
    harmonic : {"auto", "exact", "sampled"}
        Harmonic closeness method (see :func:`harmonic`).
    harmonic_samples : int
        Number of sampled targets when harmonic closeness is sampled.
    voterank_nodes : int, optional
        Stop VoteRank after this many elections (default: all).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``net.ids`` (index name ``node``), one column per measure; ``attrs``
        records the options used (and the betweenness/harmonic method actually run).

    Raises
    ------
    InputError
        On an unknown measure name or a bad option (checked before anything is computed).

    Notes
    -----
    A thin assembly of :func:`in_degree`, :func:`followers`, :func:`strength`,
    :func:`pagerank`, :func:`coreness`, :func:`h_index`, :func:`betweenness`,
    :func:`harmonic`, :func:`collective_influence` and :func:`voterank`; see each for its
    formula, direction, reference and cost. Warns when ``layer`` has no edges but another
    layer has (e.g. an interactions-only network read with the default ``layer="follows"``).

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("ana", "bo"), ("cy", "bo"), ("bo", "ana")])
    >>> centrality(net, measures=["pagerank", "in_degree"]).round(3).sort_index()
          in_degree  pagerank
    node
    ana           1     0.464
    bo            2     0.486
    cy            0     0.050
    """
    if measures is None:
        wanted = set(MEASURES)
    else:
        asked = [measures] if isinstance(measures, str) else list(measures)
        wanted = {str(m).strip().lower() for m in asked}
        unknown = sorted(wanted - set(MEASURES))
        if unknown:
            raise InputError(f"unknown measure(s) {unknown}; allowed: {list(MEASURES)}")
    layer = resolve_layer(net, layer, default="follows")
    between_method = choice("betweenness", betweenness, _METHODS)
    harmonic_method = choice("harmonic", harmonic, _METHODS)
    damping = _check_damping(damping)
    betweenness_samples = integer("betweenness_samples", betweenness_samples, minimum=2)
    harmonic_samples = integer("harmonic_samples", harmonic_samples, minimum=1)
    ci_radius = integer("ci_radius", ci_radius, minimum=1)
    if voterank_nodes is not None:
        voterank_nodes = integer("voterank_nodes", voterank_nodes, minimum=0)
    rng = make_rng(seed)
    _warn_if_empty_layer(net, layer)

    calls: dict[str, Callable[[], pd.Series]] = {
        "in_degree": lambda: in_degree(net, layer=layer),
        "followers": lambda: followers(net),
        "strength": lambda: strength(net, layer=layer, weighted=weighted),
        "pagerank": lambda: pagerank(net, layer=layer, weighted=weighted, damping=damping),
        "coreness": lambda: coreness(net, layer=layer),
        "h_index": lambda: h_index(net, layer=layer),
        "betweenness": lambda: _betweenness(
            net, layer=layer, method=between_method, samples=betweenness_samples, seed=rng
        ),
        "harmonic": lambda: _harmonic(
            net, layer=layer, method=harmonic_method, samples=harmonic_samples, seed=rng
        ),
        "collective_influence": lambda: collective_influence(net, layer=layer, radius=ci_radius),
        "voterank": lambda: voterank(net, layer=layer, number_of_nodes=voterank_nodes),
    }
    columns = {}
    attrs: dict = {
        "layer": layer,
        "weighted": bool(weighted),
        "damping": damping,
        "seed": seed if not isinstance(seed, np.random.Generator) else repr(seed),
        "ci_radius": ci_radius,
        "voterank_nodes": voterank_nodes,
    }
    for name in MEASURES:
        if name not in wanted:
            continue
        start = time.perf_counter()
        col = calls[name]()
        logger.debug("centrality %s: %.3f s", name, time.perf_counter() - start)
        if name in ("betweenness", "harmonic"):
            attrs[f"{name}_method"] = col.attrs.get("method")
            attrs[f"{name}_samples"] = col.attrs.get("samples")
        columns[name] = col
    table = pd.DataFrame(columns, index=net.ids)
    table.attrs.update(attrs)
    return table


def _warn_if_empty_layer(net: Network, layer: str) -> None:
    if net.n_nodes == 0 or len(net.edge_arrays(layer)[0]):
        return
    others = [
        name
        for name, has in (("follows", net.has_follows), ("interactions", net.has_interactions))
        if has
    ]
    if others:
        warnings.warn(
            f"layer {layer!r} has no edges but the network has {' and '.join(others)}: every "
            f"graph measure will be 0; pass layer='ties' (or one of {others})",
            UserWarning,
            stacklevel=3,
        )


# The centrality() options `betweenness` and `harmonic` shadow these functions inside it.
_betweenness = betweenness
_harmonic = harmonic
