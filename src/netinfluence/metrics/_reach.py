"""Friends-of-friends reach: how many accounts a post can get to within a few hops.

Reach follows out-edges, the way influence flows: a node's audience (who follows or engages
with it), then its audience's audience. :func:`reach` counts these accounts per node exactly
(sparse row-chunked products), approximately (HyperLogLog sketches, for large graphs) or in
expectation (each tie passes content on with its tie probability); :func:`set_reach` gives
the combined audience of a set of accounts and how much their audiences overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netinfluence._arrays import unique
from netinfluence._check import check_seed, choice, flag, integer, make_rng
from netinfluence._threads import threaded_map as _threaded_map
from netinfluence.errors import InputError
from netinfluence.metrics._roles import _computed_labels, _label_codes
from netinfluence.network import resolve_layer, tie_probability_arrays

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = [
    "AUTO_EXACT_PATHS",
    "METHODS",
    "SetReach",
    "TwoHopReach",
    "reach",
    "set_reach",
    "two_hop_reach",
    "two_hop_summary",
]

logger = logging.getLogger(__name__)

#: Counting methods of :func:`reach`.
METHODS = ("auto", "exact", "sketch")
#: ``method="auto"`` counts exactly while the layer has at most this many paths of length
#: ``hops`` (for hops=2: sum over nodes of in-degree x out-degree), else uses sketches.
AUTO_EXACT_PATHS = 5e7
_PATH_CHUNK = 1 << 20  # paths per step: bounds memory; cache-sized, 2x faster than 1 << 23
_PRECISION = 12  # default sketch precision of reach() (2^12 registers)
_RUNS = 200  # default Monte Carlo runs of reach(expected=True, hops > 2)
_SKETCH_BYTES = 1 << 29  # register memory the sketch may hold (512 MiB)
_BLOCK_BYTES = 1 << 22  # working block of the sketch (4 MiB: cache-sized; design-measurements)
_MC_BATCH = 1 << 22  # edges (and nodes) of the live-edge copies counted together
_FEW = 32  # rows with at most this many sketch neighbours are merged by neighbour rank


class SetReach(NamedTuple):
    """Result of :func:`set_reach`: unpack as ``total, overlap = set_reach(...)``."""

    total: int
    """Distinct accounts in the union of the audiences."""
    overlap: pd.DataFrame
    """Accounts in both audiences, indexed and columned by the given ids (diagonal: reach)."""


# ---------------------------------------------------------------------------- public API


def reach(
    net: Network,
    *,
    hops: int = 2,
    method: str = "auto",
    layer: str | None = None,
    within_community: bool = False,
    labels: pd.Series | None = None,
    expected: bool = False,
    precision: int = _PRECISION,
    runs: int = _RUNS,
    seed: int | np.random.Generator | None = 0,
) -> pd.Series:
    """Number of distinct accounts within ``hops`` steps of each node's audience.

    Parameters
    ----------
    net : Network
    hops : int, default 2
        Path length: 1 is the audience (out-degree), 2 adds the audience's audience.
    method : {"auto", "exact", "sketch"}
        ``exact`` counts every account; ``sketch`` estimates with HyperLogLog; ``auto`` is
        exact up to :data:`AUTO_EXACT_PATHS` paths of length ``hops``, else sketches.
        ``within_community`` and ``expected`` are always computed exactly, and ``hops=1`` is
        always the exact out-degree.
    layer : {"follows", "interactions", "ties"}, optional
        Default ``"follows"`` when the network has follows (the audience is who is exposed),
        else ``"ties"``.
    within_community : bool, default False
        Count only accounts in the node's own community (paths may pass through others).
    labels : pandas.Series, optional
        Community per node for ``within_community``; computed with
        ``netinfluence.metrics.communities`` when not given.
    expected : bool, default False
        Return the expected number of accounts reached when every tie passes content on
        independently with its tie ``probability`` (:func:`netinfluence.network.tie_strength`).
    precision : int, default 12
        Sketch precision p: ``2**p`` registers per node (4..18), relative error about
        ``1.04 / sqrt(2**p)`` (1.6 % at 12). Lowered automatically when the registers would
        not fit in 512 MiB (``attrs["note"]`` says so).
    runs : int, default 200
        Monte Carlo live-edge samples for ``expected=True`` with ``hops >= 3``.
    seed : int, numpy.random.Generator or None, default 0
        Salt of the sketch hash and seed of the Monte Carlo runs.

    Returns
    -------
    pandas.Series
        Named ``reach_{hops}``, indexed by node id in node order: integers when exact, floats
        for sketches and expectations. ``attrs`` holds ``method`` (``"exact"``, ``"sketch"``,
        ``"analytic"`` or ``"monte-carlo"``), ``layer``, ``hops``, ``paths`` (the cost
        measure auto uses) and, for estimates, ``error`` (sketch: relative standard error
        ``1.04/sqrt(m)``; Monte Carlo: largest standard error of a node's mean, in accounts;
        analytic: 0).

    Raises
    ------
    InputError
        Invalid option, ``method="sketch"`` with ``within_community`` or ``expected``,
        or labels that miss nodes.

    Notes
    -----
    Direction: an edge ``u -> v`` means ``v`` is exposed to ``u``; ``reach_h(u)`` counts the
    nodes other than ``u`` at distance 1..h from ``u`` along out-edges. Always
    ``out-degree <= reach_2 <= n - 1``.

    *Exact*: for row chunks ``C`` of the boolean adjacency ``A`` the frontier is advanced
    ``F <- F A`` (sparse products) and new entries are added to the reached set, then
    nonzeros other than the node itself are counted per row. Time is proportional to the
    number of paths of length <= hops (hops=2: ``sum_v indeg(v) outdeg(v)``); chunks are
    sized so that one step expands at most ~8 million paths.

    *Sketch*: HyperLogLog (P. Flajolet, E. Fusy, O. Gandouet, F. Meunier, "HyperLogLog: the
    analysis of a near-optimal cardinality estimation algorithm", AofA 2007), run over the
    graph as in HyperANF (P. Boldi, M. Rosa, S. Vigna, WWW 2011). Each node hashes its
    position (splitmix64, salted by ``seed``) to a register and a rank; a node's h-hop
    sketch is the register-wise maximum of its own and its out-neighbours' (h-1)-hop
    sketches (``np.maximum.reduceat`` over CSR-sorted edges, in memory-bounded blocks; nodes
    without out-edges keep a one-element sketch implicitly). The estimate uses the standard
    ``alpha_m m^2 / sum 2^-M`` with linear counting below ``2.5 m``, minus 1 for the node
    itself, clipped to ``[out-degree, n - 1]``. Relative standard error ``~1.04/sqrt(m)``.
    Time ``O(hops * m_edges * m)`` byte operations, memory ``n_out * m`` bytes.

    *Expected* (live-edge model of the independent cascade): for hops <= 2 the paths of
    length <= 2 from ``u`` to ``v`` (the edge ``u->v`` and each ``u->w->v``) share no edge,
    so ``P(v reached) = 1 - (1 - p_uv) prod_w (1 - p_uw p_wv)`` exactly; the expected reach
    sums it over ``v != u`` (method ``"analytic"``, no sampling error). For hops >= 3 paths
    share edges and ``runs`` live-edge graphs are sampled and counted exactly
    (``"monte-carlo"``; standard error ``std / sqrt(runs)`` per node; the runs are counted
    together as disjoint copies of the graph). Both cost about as much as exact counting.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "a"), ("d", "b"), ("e", "d")])
    >>> reach(net).sort_index().to_dict()
    {'a': 3, 'b': 2, 'c': 0, 'd': 1, 'e': 0}
    >>> reach(net, hops=1).sort_index().to_dict()
    {'a': 2, 'b': 1, 'c': 0, 'd': 1, 'e': 0}
    >>> reach(net, expected=True).round(3).sort_index().to_dict()
    {'a': 2.61, 'b': 1.71, 'c': 0.0, 'd': 0.9, 'e': 0.0}
    """
    hops = _check_hops(hops)
    method_name = choice("method", method, METHODS)
    layer_name = resolve_layer(net, layer, default="follows")
    within = flag("within_community", within_community)
    expect = flag("expected", expected)
    precision = integer("precision", precision, minimum=4, maximum=18)
    runs = integer("runs", runs, minimum=1, maximum=10**7)
    check_seed(seed)
    if method_name == "sketch" and (within or expect):
        raise InputError(
            "method='sketch' cannot restrict to communities or compute expected reach; use "
            "method='auto' or 'exact' with within_community=True or expected=True"
        )
    codes = None
    if within:
        _, codes = _label_codes(net, labels if labels is not None else _computed_labels(net))

    src, dst, _ = net.edge_arrays(layer_name)
    adj = _csr(net.n_nodes, src, dst)
    paths = _path_count(adj, np.diff(adj.indptr), hops)
    return _reach_on(
        net,
        layer_name,
        adj,
        paths,
        hops=hops,
        method_name=method_name,
        codes=codes,
        expect=expect,
        precision=precision,
        runs=runs,
        seed=seed,
    )


def _reach_on(
    net: Network,
    layer_name: str,
    adj: sp.csr_matrix,
    paths: float,
    *,
    hops: int,
    method_name: str,
    codes,
    expect: bool,
    precision: int,
    runs: int,
    seed,
) -> pd.Series:
    """:func:`reach` on checked arguments and the layer's adjacency (built once by callers
    that ask for several reach variants of one layer)."""
    n = net.n_nodes
    within = codes is not None
    outdeg = np.diff(adj.indptr)
    attrs: dict = {
        "layer": layer_name,
        "hops": hops,
        "paths": paths,
        "within_community": within,
        "expected": expect,
    }

    large = method_name == "auto" and hops == 2 and paths > AUTO_EXACT_PATHS
    if large and (expect or codes is not None):
        # Too many 2-hop paths to walk: the first-order (union bound) estimate, capped.
        prob = _edge_probabilities(net, layer_name, adj) if expect else np.ones(len(adj.data))
        values = _first_order(adj, prob, codes)
        result = net.series(values, f"reach_{hops}", dtype=float)
        attrs.update(
            method="first-order",
            error=None,
            note=(
                f"{paths:.3g} two-hop paths exceed {AUTO_EXACT_PATHS:.3g}: the first-order estimate "
                "sum_v p_uv (1 + sum_w p_vw), capped at the reachable maximum, was used; it "
                "over-counts accounts reached along several paths"
            ),
        )
        result.attrs.update(attrs)
        return result
    if expect:
        prob = _edge_probabilities(net, layer_name, adj)
        if hops <= 2:
            values = _expected_analytic(adj, prob, hops, codes)
            attrs.update(method="analytic", error=0.0)
        else:
            rng = make_rng(seed)
            values, err = _expected_monte_carlo(adj, prob, hops, codes, runs, rng)
            attrs.update(method="monte-carlo", error=err, runs=runs)
        result = net.series(values, f"reach_{hops}", dtype=float)
    elif hops == 1 and codes is None:
        result = net.series(outdeg.astype(np.int64), "reach_1")
        attrs["method"] = "exact"
    else:
        use_sketch = method_name == "sketch" or (
            method_name == "auto" and codes is None and paths > AUTO_EXACT_PATHS
        )
        if use_sketch:
            salt = _salt(seed)
            values, info = _sketch_counts(adj, hops, precision, salt)
            result = net.series(values, f"reach_{hops}", dtype=float)
            attrs.update(method="sketch", **info)
        elif codes is None:
            # igraph's breadth-first neighbourhood sizes (C): 6x faster than the sparse
            # products at 10^6 edges; the graph view is cached on the network
            graph = net.graph(layer_name, directed=True)
            values = (
                np.asarray(
                    graph.neighborhood_size(order=hops, mode="out", mindist=1), dtype=np.int64
                )
                if n
                else np.zeros(0, dtype=np.int64)
            )
            result = net.series(values, f"reach_{hops}")
            attrs["method"] = "exact"
        else:
            values = _exact_counts(adj, hops, codes)
            result = net.series(values, f"reach_{hops}")
            attrs["method"] = "exact"
    result.attrs.update(attrs)
    logger.debug("reach: %s", attrs)
    return result


def set_reach(
    net: Network,
    nodes: Iterable[Hashable],
    *,
    hops: int = 2,
    layer: str | None = None,
) -> SetReach:
    """Combined audience of a set of accounts and the pairwise overlap of their audiences.

    Parameters
    ----------
    net : Network
    nodes : iterable of node ids
        The accounts (distinct), e.g. a campaign's seeds.
    hops : int, default 2
        Path length, as in :func:`reach`.
    layer : {"follows", "interactions", "ties"}, optional
        As in :func:`reach`.

    Returns
    -------
    SetReach
        ``total``: the number of distinct accounts in the union of the audiences (an account
        of the set counts when another one of the set reaches it); ``overlap``: a DataFrame
        indexed and columned by the given ids (in the given order) whose entry ``(a, b)`` is
        the number of accounts in both audiences; the diagonal is each account's own reach.

    Raises
    ------
    InputError
        Unknown or repeated ids, or an invalid option.

    Notes
    -----
    Exact: the frontier of every account is advanced together as the rows of one sparse
    matrix, ``F <- F A``; the overlap is ``R R^T`` of the boolean reached-set matrix ``R``.
    Cost: the paths of length <= hops leaving the set.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "a"), ("c", "x"), ("d", "x")])
    >>> total, overlap = set_reach(net, ["a", "x"])
    >>> total
    3
    >>> overlap
    node  a  x
    node
    a     2  1
    x     1  2
    """
    hops = _check_hops(hops)
    layer_name = resolve_layer(net, layer, default="follows")
    ids = list(nodes)
    pos = net.position(ids)
    if len(set(pos.tolist())) != len(pos):
        seen, dup = set(), []
        for i, p in zip(ids, pos.tolist(), strict=True):
            if p in seen:
                dup.append(i)
            seen.add(p)
        raise InputError(f"nodes must be distinct; repeated: {dup[:5]!r}")
    index = pd.Index(ids, dtype=object, name="node")
    if not ids:
        return SetReach(0, pd.DataFrame(index=index, columns=index, dtype=np.int64))
    n = net.n_nodes
    src, dst, _ = net.edge_arrays(layer_name)
    adj = _csr(n, src, dst)
    reached = _reached(adj, adj[pos], hops, pos)
    total = int(unique(reached.indices).size)
    both = (reached @ reached.T).toarray().astype(np.int64)
    overlap = pd.DataFrame(both, index=index, columns=index.copy())
    return SetReach(total, overlap)


# ---------------------------------------------------------------------------- validation


def _check_hops(hops) -> int:
    return integer("hops", hops, minimum=1, maximum=1000)


def _salt(seed) -> np.uint64:
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return _splitmix64(np.array([int(seed) & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))[0]
    return np.uint64(make_rng(seed).integers(0, 2**63, dtype=np.uint64))


# ---------------------------------------------------------------------------- exact


def _csr(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_matrix:
    """Boolean-pattern out-adjacency (float32 ones, one entry per distinct pair, sorted)."""
    a = sp.csr_matrix((np.ones(len(src), dtype=np.float32), (src, dst)), shape=(n, n))
    a.sum_duplicates()
    a.data[:] = 1.0
    a.sort_indices()
    return a


def _path_count(adj: sp.csr_matrix, outdeg: np.ndarray, hops: int) -> float:
    """Number of walks of length ``hops`` (hops=2: sum over nodes of indeg * outdeg)."""
    walks = outdeg.astype(float)
    for _ in range(hops - 1):
        walks = adj @ walks
    return float(walks.sum())


def _row_chunks(cost: np.ndarray, budget: float) -> list[tuple[int, int]]:
    """Split rows into consecutive chunks whose summed cost stays near ``budget``."""
    n = len(cost)
    if n == 0:
        return []
    cum = np.cumsum(cost)
    out, start = [], 0
    while start < n:
        done = cum[start - 1] if start else 0.0
        stop = int(np.searchsorted(cum, done + budget, side="right"))
        stop = min(max(stop, start + 1), n)
        out.append((start, stop))
        start = stop
    return out


def _reached(
    adj: sp.csr_matrix, first: sp.csr_matrix, hops: int, origin: np.ndarray
) -> sp.csr_matrix:
    """Reached sets (rows) within ``hops`` given the 1-hop rows, without the origin itself."""
    seen = first.copy()
    frontier = first
    for _ in range(hops - 1):
        if frontier.nnz == 0:
            break
        step = frontier @ adj
        step.data[:] = 1.0
        merged = seen * 2.0 + step  # 2: old, 3: old and new, 1: new only
        merged.sum_duplicates()
        frontier = merged.copy()
        frontier.data = (frontier.data == 1.0).astype(np.float32)
        frontier.eliminate_zeros()
        merged.data[:] = 1.0
        seen = merged
    seen = seen.tocsr()
    rows = np.repeat(np.arange(seen.shape[0]), np.diff(seen.indptr))
    self_hit = seen.indices == origin[rows]
    if self_hit.any():
        seen.data[self_hit] = 0.0
        seen.eliminate_zeros()
    return seen


def _exact_counts(adj: sp.csr_matrix, hops: int, codes: np.ndarray | None) -> np.ndarray:
    n = adj.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    outdeg = np.diff(adj.indptr).astype(float)
    cost = outdeg.copy()
    walks = outdeg
    for _ in range(hops - 1):
        walks = adj @ walks
        cost += walks
    for r0, r1 in _row_chunks(cost + 1.0, _PATH_CHUNK):
        if adj.indptr[r1] == adj.indptr[r0]:
            continue
        origin = np.arange(r0, r1)
        seen = _reached(adj, adj[r0:r1], hops, origin)
        if codes is None:
            counts[r0:r1] = np.diff(seen.indptr)
        else:
            rows = np.repeat(np.arange(r1 - r0), np.diff(seen.indptr))
            keep = codes[seen.indices] == codes[r0 + rows]
            counts[r0:r1] = np.bincount(rows[keep], minlength=r1 - r0)
    return counts


# ---------------------------------------------------------------------------- expected


def _edge_probabilities(net: Network, layer: str, adj: sp.csr_matrix) -> np.ndarray:
    """Tie probability of every entry of ``adj`` (CSR order), from the default tie table."""

    n = np.int64(max(adj.shape[0], 1))
    ts, td, tp = tie_probability_arrays(net)
    tkey = ts.astype(np.int64) * n + td  # ascending: the tie table is sorted by pair
    rows = np.repeat(np.arange(adj.shape[0], dtype=np.int64), np.diff(adj.indptr))
    key = rows * n + adj.indices
    at = np.minimum(np.searchsorted(tkey, key), max(len(tkey) - 1, 0))
    # every pair of every layer is a tie; guard anyway
    found = tkey[at] == key if len(tkey) else np.zeros(len(key), dtype=bool)
    return np.where(found, tp[at] if len(tp) else 0.0, 0.0)


def _first_order(adj: sp.csr_matrix, prob: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
    """First-order (union bound) 2-hop reach: ``sum_v p_uv + sum_v p_uv sum_w p_vw``.

    With ``codes``, only accounts ``v``/``w`` in u's own community count (the middle account
    may be anywhere), so the estimate is never below the exact within-community reach.
    Capped at the number of accounts that could be reached. O(edges).
    """
    n = adj.shape[0]
    indptr = adj.indptr.astype(np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    cols = adj.indices.astype(np.int64)
    p = np.asarray(prob, dtype=float)
    if codes is None:
        P = sp.csr_matrix((p, cols, indptr), shape=adj.shape)
        direct = np.asarray(P.sum(axis=1)).ravel()
        return np.minimum(direct + P @ direct, max(n - 1, 0))
    codes = np.asarray(codes, dtype=np.int64)
    k = int(codes.max()) + 1 if len(codes) else 1
    code_of_col, code_of_row = codes[cols], codes[rows]
    direct = np.bincount(rows, weights=np.where(code_of_col == code_of_row, p, 0.0), minlength=n)
    # S[v, c] = sum of p_vw over v's out-neighbours w in community c: the out-rows with
    # columns renamed to communities, duplicates summed (scipy sorts each short row, where a
    # global sort of the (v, c) keys cost twice the time at 10^7 edges)
    s_mat = sp.csr_array((p, code_of_col, indptr), shape=(n, k), copy=True)
    s_mat.sum_duplicates()
    # every edge u -> v looks up S[v, community of u]
    hit = np.asarray(s_mat[cols, code_of_row], dtype=float) if len(cols) else np.zeros(0)
    second = np.bincount(rows, weights=p * hit, minlength=n)
    cap = np.bincount(codes, minlength=k)[codes] - 1
    return np.minimum(direct + second, cap)


def _expected_analytic(
    adj: sp.csr_matrix, prob: np.ndarray, hops: int, codes: np.ndarray | None
) -> np.ndarray:
    n = adj.shape[0]
    if hops == 1:
        outdeg = np.diff(adj.indptr)
        rows = np.repeat(np.arange(n), outdeg)
        indices = adj.indices
        keep = np.ones(len(rows), dtype=bool) if codes is None else (codes[indices] == codes[rows])
        return np.bincount(rows[keep], weights=prob[keep], minlength=n)
    out = np.zeros(n)
    for r0, r1, agg in _two_hop_blocks(adj, prob, codes):
        reached = -np.expm1(agg.data)
        rr = np.repeat(np.arange(r1 - r0), np.diff(agg.indptr))
        out[r0:r1] = np.bincount(rr, weights=reached, minlength=r1 - r0)
    return out


def _two_hop_blocks(adj: sp.csr_matrix, prob: np.ndarray, codes: np.ndarray | None):
    """Row blocks ``(r0, r1, agg)`` of the 2-hop neighbourhoods with their failure log-odds.

    ``agg[i, v]`` (a CSR block, one stored entry per account ``v`` reachable from node
    ``r0 + i`` in one or two hops, the node itself left out) is ``log P(no path reaches v)``
    with independent ties: ``log(1-p_uv) + sum_w log(1 - p_uw p_wv)``. Entries stay stored
    even where a probability is 0, so the entry count of a row is the exact 2-hop reach.
    Blocks are built on worker threads (numpy and scipy release the GIL; see
    :mod:`netinfluence._threads`) and yielded in row order.
    """
    indptr, indices = adj.indptr.astype(np.int64), adj.indices  # int32 positions suffice
    outdeg = np.diff(indptr)
    with np.errstate(divide="ignore"):  # log P(edge fails); -inf for certain edges
        logq = np.log1p(-np.minimum(prob, 1.0))
    cost = outdeg + adj @ outdeg.astype(float)
    blocks = [
        (r0, r1) for r0, r1 in _row_chunks(cost + 1.0, _PATH_CHUNK) if indptr[r1] > indptr[r0]
    ]

    def build(block: tuple[int, int]) -> tuple[int, int, sp.csr_matrix]:
        r0, r1 = block
        e = np.arange(indptr[r0], indptr[r1])
        u = np.repeat(np.arange(r0, r1), outdeg[r0:r1])
        w = indices[e]
        cnt = outdeg[w]
        rep = np.repeat(e - indptr[r0], cnt)
        offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        q = indptr[w][rep] + offs
        v = indices[q]
        with np.errstate(invalid="ignore"):
            with np.errstate(divide="ignore"):  # a certain two-step path: -inf
                two = np.log1p(-(prob[e][rep] * prob[q]))
        row = np.concatenate([u - r0, u[rep] - r0])
        col = np.concatenate([w, v])
        val = np.concatenate([logq[e], two])
        keep = col != row + r0
        if codes is not None:
            keep &= codes[col] == codes[row + r0]
        agg = sp.csr_matrix((val[keep], (row[keep], col[keep])), shape=(r1 - r0, adj.shape[0]))
        agg.sum_duplicates()
        return r0, r1, agg

    yield from _threaded_map(build, blocks)


def two_hop_summary(
    net: Network,
    labels: pd.Series,
    *,
    layer: str | None = None,
    method: str = "auto",
    seed: int = 0,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """2-hop reach, 2-hop reach within the own community and expected 2-hop reach together.

    The same three Series as ``reach(net)``, ``reach(net, within_community=True,
    labels=labels)`` and ``reach(net, expected=True)``, but where the layer is small enough
    for exact counting (``method="auto"`` at most :data:`AUTO_EXACT_PATHS` two-hop paths, or
    ``"exact"``) the 2-hop neighbourhoods are walked once instead of three times. Larger
    layers fall back to the three separate calls (sketch and first-order estimates).
    Equal to ``two_hop_reach(net, ...).summary(labels)``.

    Examples
    --------
    >>> from netinfluence.datasets import load_sample
    >>> from netinfluence.metrics import communities
    >>> net = load_sample()
    >>> count, within, expected = two_hop_summary(net, communities(net, seed=0))
    >>> bool((within <= count).all())
    True
    """
    return two_hop_reach(net, layer=layer, method=method, seed=seed).summary(labels)


def two_hop_reach(
    net: Network, *, layer: str | None = None, method: str = "auto", seed: int = 0
) -> TwoHopReach:
    """The label-free part of :func:`two_hop_summary`, computed before communities are known.

    The 2-hop count and the expected reach need no community labels: they are computed
    here, and :meth:`TwoHopReach.summary` adds the within-community reach once the labels
    arrive (the pipeline runs this while Leiden runs in a second process). On layers small
    enough for exact counting the one walk of the neighbourhoods also keeps each reached
    account's position (at most :data:`AUTO_EXACT_PATHS` of them under ``method="auto"``,
    4 bytes each), so the labels only need one pass over them; larger layers use sketches
    and first-order estimates.

    Examples
    --------
    >>> from netinfluence.datasets import load_sample
    >>> from netinfluence.metrics import communities
    >>> net = load_sample()
    >>> part = two_hop_reach(net)  # no labels yet
    >>> count, within, expected = part.summary(communities(net, seed=0))
    >>> bool((within <= count).all()) and count.equals(part.count)
    True
    """
    method_name = choice("method", method, METHODS)
    layer_name = resolve_layer(net, layer, default="follows")
    src, dst, _ = net.edge_arrays(layer_name)
    adj = _csr(net.n_nodes, src, dst)
    paths = _path_count(adj, np.diff(adj.indptr), 2)
    found = TwoHopReach(net, layer_name, method_name, adj, paths, seed)
    if found.estimated:
        # sketches only count; the restricted and expected reach use their auto rule. The
        # three share the adjacency built above (a CSR of 10^7 edges costs about 1 s).
        found.count = found._on(method_name, expect=False, codes=None)
        found.expected = found._on("auto", expect=True, codes=None)
    elif paths <= AUTO_EXACT_PATHS:
        found._walk(None)
    # an exact count asked for on a larger layer keeps nothing: it is walked with the labels
    return found


class TwoHopReach:
    """What :func:`two_hop_reach` computed without labels; :meth:`summary` finishes it."""

    def __init__(
        self,
        net: Network,
        layer_name: str,
        method_name: str,
        adj: sp.csr_matrix,
        paths: float,
        seed,
    ):
        self.net = net
        self.layer_name = layer_name
        self.method_name = method_name
        self.adj = adj
        self.paths = paths
        self.seed = seed
        self.count: pd.Series | None = None
        self.expected: pd.Series | None = None
        #: exact layers: the accounts each row reaches (positions, rows in order)
        self._reached: np.ndarray | None = None

    @property
    def estimated(self) -> bool:
        """Whether the layer is counted by sketches and first-order estimates, not walked."""
        return self.method_name == "sketch" or (
            self.method_name == "auto" and self.paths > AUTO_EXACT_PATHS
        )

    def _on(self, method_name: str, *, expect: bool, codes) -> pd.Series:
        return _reach_on(
            self.net,
            self.layer_name,
            self.adj,
            self.paths,
            hops=2,
            method_name=method_name,
            codes=codes,
            expect=expect,
            precision=_PRECISION,
            runs=_RUNS,
            seed=self.seed,
        )

    def summary(self, labels: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
        """``(reach_2hop, reach_2hop within the own community, expected 2-hop reach)``."""
        _, codes = _label_codes(self.net, labels)
        if self.estimated:
            assert self.count is not None and self.expected is not None
            return self.count, self._on("auto", expect=False, codes=codes), self.expected
        if self._reached is None:  # not walked yet (a large layer counted exactly)
            within = self._walk(codes)
        else:
            within = self._within(codes)
        assert self.count is not None and self.expected is not None
        series = self.net.series(within, "reach_2")
        series.attrs.update({**self.count.attrs, "within_community": True})
        return self.count, series, self.expected

    def _within(self, codes: np.ndarray) -> np.ndarray:
        """Reached accounts in each row's community, from the kept positions."""
        assert self._reached is not None and self.count is not None
        counts = self.count.to_numpy()
        ends = np.cumsum(counts)
        inside = np.zeros(len(counts), dtype=np.int64)
        # row chunks of about _PATH_CHUNK reached accounts: bounded temporaries
        for r0, r1 in _row_chunks(counts + 1.0, _PATH_CHUNK):
            e0 = int(ends[r0 - 1]) if r0 else 0
            origin = np.repeat(np.arange(r0, r1), counts[r0:r1])
            same = codes[self._reached[e0 : int(ends[r1 - 1])]] == codes[origin]
            inside[r0:r1] = np.bincount(origin[same] - r0, minlength=r1 - r0)
        return inside

    def _walk(self, codes: np.ndarray | None) -> np.ndarray | None:
        """Exact count and expected reach in one walk. Without ``codes`` the reached positions
        are kept for :meth:`_within`; with them the within-community counts are returned."""
        net, adj = self.net, self.adj
        prob = _edge_probabilities(net, self.layer_name, adj)
        n = net.n_nodes
        counts = np.zeros(n, dtype=np.int64)
        expected = np.zeros(n)
        within = np.zeros(n, dtype=np.int64) if codes is not None else None
        reached: list[np.ndarray] = []
        small = np.int32 if n < 2**31 else np.int64
        for r0, r1, agg in _two_hop_blocks(adj, prob, None):
            per_row = np.diff(agg.indptr)
            rr = np.repeat(np.arange(r1 - r0), per_row)
            counts[r0:r1] = per_row
            if codes is None:
                reached.append(agg.indices.astype(small, copy=False))
            else:
                assert within is not None
                same = codes[agg.indices] == codes[r0 + rr]
                within[r0:r1] = np.bincount(rr[same], minlength=r1 - r0)
            expected[r0:r1] = np.bincount(rr, weights=-np.expm1(agg.data), minlength=r1 - r0)
        if codes is None:
            self._reached = np.concatenate(reached) if reached else np.zeros(0, dtype=small)
        base = {
            "layer": self.layer_name,
            "hops": 2,
            "paths": self.paths,
            "expected": False,
            "within_community": False,
            "method": "exact",
        }
        self.count = net.series(counts, "reach_2")
        self.count.attrs.update(base)
        self.expected = net.series(expected, "reach_2")
        self.expected.attrs.update({**base, "expected": True, "method": "analytic", "error": 0.0})
        return within


def _expected_monte_carlo(
    adj: sp.csr_matrix,
    prob: np.ndarray,
    hops: int,
    codes: np.ndarray | None,
    runs: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    n = adj.shape[0]
    total = np.zeros(n)
    total_sq = np.zeros(n)
    m = len(prob)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(adj.indptr))
    cols = adj.indices.astype(np.int64)
    # runs are batched as disjoint copies of the graph: one sparse count per batch
    batch = int(max(1, min(runs, _MC_BATCH // max(m, 1), _MC_BATCH // max(n, 1))))
    done = 0
    while done < runs:
        b = min(batch, runs - done)
        live = rng.random((b, m)) < prob
        copy, edge = np.nonzero(live)
        shift = copy.astype(np.int64) * n
        sub = _csr(b * n, rows[edge] + shift, cols[edge] + shift)
        tiled = None if codes is None else np.tile(codes, b)
        c = _exact_counts(sub, hops, tiled).astype(float).reshape(b, n)
        total += c.sum(axis=0)
        total_sq += (c * c).sum(axis=0)
        done += b
    mean = total / runs
    var = np.maximum(total_sq / runs - mean * mean, 0.0)
    err = float(np.sqrt(var / max(runs - 1, 1)).max()) if n else 0.0
    return mean, err


# ---------------------------------------------------------------------------- sketch


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _hll_hash(n: int, p: int, salt: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """Register index and rank (1 + leading zeros of the remaining bits) of every node."""
    h = _splitmix64(np.arange(n, dtype=np.uint64) ^ salt)
    idx = (h >> np.uint64(64 - p)).astype(np.intp)
    bits = min(64 - p, 53)  # rank needs only the top bits: exact in float64
    low = (h >> np.uint64(64 - p - bits)) & np.uint64((1 << bits) - 1)
    _, length = np.frexp(low.astype(np.float64))  # bit length; 0 for 0
    rank = (bits - length + 1).astype(np.uint8)
    return idx, rank


def _alpha(m: int) -> float:
    return {16: 0.673, 32: 0.697, 64: 0.709}.get(m, 0.7213 / (1.0 + 1.079 / m))


def _hll_estimate(block: np.ndarray) -> np.ndarray:
    """HyperLogLog estimate per row, with linear counting below ``2.5 m``.

    ``sum 2^-M >= V`` (the empty registers), so rows with ``V >= alpha m / 2.5`` are in the
    small range for sure and need only their count of empty registers.
    """
    m = block.shape[1]
    alpha = _alpha(m)
    zeros = m - np.count_nonzero(block, axis=1)
    with np.errstate(divide="ignore"):
        est = m * np.log(m / np.maximum(zeros, 1))
    need = np.flatnonzero(zeros < alpha * m / 2.5)
    if len(need):
        table = np.ldexp(1.0, -np.arange(64))
        harmonic = table[block[need]].sum(axis=1)
        raw = alpha * m * m / harmonic
        small = (raw <= 2.5 * m) & (zeros[need] > 0)
        est[need] = np.where(small, est[need], raw)
    return est


def _scatter_max(block: np.ndarray, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
    """``block[rows, cols] = max(block[rows, cols], vals)`` with repeated cells."""
    if len(rows) == 0:
        return
    m = block.shape[1]
    key = (rows.astype(np.int64) * m + cols) * 64 + vals  # ranks < 64
    key.sort()
    cell = key >> 6
    last = np.ones(len(key), dtype=bool)
    last[:-1] = cell[1:] != cell[:-1]
    cell, val = cell[last], (key[last] & 63).astype(np.uint8)
    flat = block.reshape(-1)
    flat[cell] = np.maximum(flat[cell], val)


def _sketch_counts(
    adj: sp.csr_matrix, hops: int, precision: int, salt: np.uint64
) -> tuple[np.ndarray, dict]:
    n = adj.shape[0]
    indptr, indices = adj.indptr.astype(np.int64), adj.indices.astype(np.int64)
    outdeg = np.diff(indptr)
    sources = np.flatnonzero(outdeg > 0)
    ns = len(sources)
    held = 1 if hops <= 2 else 2
    p = precision
    while p > 4 and ns * (1 << p) * held > _SKETCH_BYTES:
        p -= 1
    m = 1 << p
    info: dict[str, float | str] = {
        "precision": p,
        "registers": m,
        "error": float(1.04 / np.sqrt(m)),
    }
    if p < precision:
        info["note"] = (
            f"precision lowered from {precision} to {p}: {ns:,} sketches of "
            f"2**{precision} registers would exceed {_SKETCH_BYTES >> 20} MiB"
        )
        logger.info(info["note"])
    result = np.zeros(n)
    if ns == 0:
        return result, info
    idx, rank = _hll_hash(n, p, salt)
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[sources] = np.arange(ns)

    # level-1 sketches of the sources: the node and its out-neighbours, in row chunks of
    # about _BLOCK_BYTES // 8 edges (the scatter's keys for every edge at once would hold
    # several edge-sized int64 temporaries beside the registers)
    prev = np.zeros((ns, m), dtype=np.uint8)
    for r0, r1 in _row_chunks(outdeg[sources] + 1.0, _BLOCK_BYTES // 8):
        chunk = sources[r0:r1]
        own = np.arange(r0, r1)
        members = np.concatenate([chunk, indices[_edge_positions(indptr, chunk)]])
        rows = np.concatenate([own, np.repeat(own, outdeg[chunk])])
        _scatter_max(prev, rows, idx[members], rank[members])
    if hops == 1:
        return _finish(result, sources, _hll_estimate(prev), outdeg, n), info

    rows_per_block = max(1, _BLOCK_BYTES // m)
    edges_per_slice = max(1, _BLOCK_BYTES // m)
    for level in range(2, hops + 1):
        final = level == hops
        nxt = None if final else np.zeros((ns, m), dtype=np.uint8)

        def merge_block(b0: int, final=final, nxt=nxt, prev=prev) -> None:
            # one block of rows; blocks write disjoint rows, so they run on worker threads
            b1 = min(ns, b0 + rows_per_block)
            block = np.zeros((b1 - b0, m), dtype=np.uint8)
            nodes = sources[b0:b1]
            pos = _edge_positions(indptr, nodes)
            local = np.repeat(np.arange(b1 - b0), outdeg[nodes])
            nb = indices[pos]
            nrow = row_of[nb]
            dense = nrow >= 0
            # sinks and the node itself: one-element sketches
            sink_local = np.concatenate([np.arange(b1 - b0), local[~dense]])
            sink_nodes = np.concatenate([nodes, nb[~dense]])
            _scatter_max(block, sink_local, idx[sink_nodes], rank[sink_nodes])
            # out-neighbours with sketches: register-wise max
            _merge_rows(block, prev, local[dense], nrow[dense], edges_per_slice)
            if final:
                est = np.concatenate(
                    [
                        _hll_estimate(block[i : i + max(1, _BLOCK_BYTES // (8 * m))])
                        for i in range(0, b1 - b0, max(1, _BLOCK_BYTES // (8 * m)))
                    ]
                )
                result[nodes] = est
            else:
                nxt[b0:b1] = block

        for _ in _threaded_map(merge_block, list(range(0, ns, rows_per_block))):
            pass
        if nxt is not None:  # i.e. not final
            prev = nxt
    return _finish(result, sources, result[sources], outdeg, n), info


def _merge_rows(
    block: np.ndarray, prev: np.ndarray, local: np.ndarray, rows: np.ndarray, slice_edges: int
) -> None:
    """``block[l] = max(block[l], max of prev[r] over the edges (l, r))``; ``local`` sorted.

    Rows with at most ``_FEW`` edges are merged by neighbour rank: step ``k`` takes the k-th
    edge of every such row at once (``_FEW`` vectorised steps). Rows with more edges are
    reduced one by one with a contiguous ``max(axis=0)`` over slices of their gathered
    neighbours, so the Python loop runs over high-degree rows only (at most E / _FEW).
    """
    if len(local) == 0:
        return
    starts = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
    counts = np.diff(np.r_[starts, len(local)])
    few = counts <= _FEW
    # rank of each edge within its row, for the rows with few edges
    rank = np.arange(len(local)) - np.repeat(starts, counts)
    in_few = np.repeat(few, counts)
    e = np.flatnonzero(in_few)
    if len(e):
        order = e[np.argsort(rank[e], kind="stable")]
        bounds = np.r_[0, np.cumsum(np.bincount(rank[e]))]
        for k in range(len(bounds) - 1):
            sel = order[bounds[k] : bounds[k + 1]]
            tgt = local[sel]
            block[tgt] = np.maximum(block[tgt], prev[rows[sel]])
    for start, count in zip(starts[~few].tolist(), counts[~few].tolist(), strict=True):
        row = local[start]
        for s0 in range(start, start + count, slice_edges):
            s1 = min(start + count, s0 + slice_edges)
            np.maximum(block[row], prev[rows[s0:s1]].max(axis=0), out=block[row])


def _edge_positions(indptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """CSR positions of the out-edges of ``nodes``, grouped by node in the given order."""
    cnt = indptr[nodes + 1] - indptr[nodes]
    total = int(cnt.sum())
    offs = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    return np.repeat(indptr[nodes], cnt) + offs


def _finish(
    result: np.ndarray, sources: np.ndarray, ball: np.ndarray, outdeg: np.ndarray, n: int
) -> np.ndarray:
    """Ball estimate minus the node itself, clipped to [out-degree, n - 1]."""
    result[sources] = np.clip(ball - 1.0, outdeg[sources], max(n - 1, 0))
    return result
