"""Partition quality (modularity, conductance, ...) and comparison of two partitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence._arrays import unique
from netinfluence.errors import InputError
from netinfluence.metrics._community import _modularity, _undirected_edges
from netinfluence.network import resolve_layer

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network


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
    >>> q = community_quality(net, ni.communities(net))
    >>> q.round(4)
               size  internal_edges  cut_edges  conductance  internal_density
    community
    0             3             3.0        1.0       0.1429               1.0
    1             3             3.0        1.0       0.1429               1.0
    >>> round(q.attrs["modularity"], 4), round(q.attrs["coverage"], 4)
    (0.3571, 0.8571)
    """
    layer_name = resolve_layer(net, layer)
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
        ch_cut, weights=w_cut, minlength=k
    )
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
        {
            "size": size.astype(np.int64),
            "internal_edges": internal,
            "cut_edges": cut,
            "conductance": conductance,
            "internal_density": density,
        },
        index=pd.Index(uniques, name="community"),
    )
    frame.attrs.update(
        {
            "modularity": _modularity(lo, hi, w, codes),
            "coverage": float(internal.sum() / total) if total > 0 else float("nan"),
            "layer": layer_name,
            "weighted": bool(weighted),
        }
    )
    return frame


def _labels_in_node_order(net: Network, labels) -> np.ndarray:
    if isinstance(labels, pd.Series):
        if not labels.index.is_unique:
            dup = labels.index[labels.index.duplicated()][:5].tolist()
            raise InputError(f"labels must have one row per node; duplicated ids {dup!r}")
        pos = labels.index.get_indexer(net.ids)
        if (pos < 0).any():
            missing = net.ids[pos < 0][:5].tolist()
            raise InputError(
                f"labels must cover every node; {int((pos < 0).sum())} node(s) "
                f"have no label, e.g. {missing!r}"
            )
        if len(labels) > net.n_nodes:
            extra = labels.index.difference(net.ids)[:5].tolist()
            raise InputError(
                f"labels given for {len(labels) - net.n_nodes} id(s) not in the "
                f"network, e.g. {extra!r}"
            )
        values = labels.to_numpy()[pos]
    else:
        values = np.asarray(labels)
        if values.ndim != 1 or len(values) != net.n_nodes:
            raise InputError(
                f"labels must be a Series indexed by node id or {net.n_nodes} "
                f"values in node order, got shape {values.shape}"
            )
    if pd.isna(values).any():
        raise InputError(
            f"labels must not be missing; found {int(pd.isna(values).sum())} missing label(s)"
        )
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
    ``ARI`` of Hubert & Arabie [3]_. NMI and ARI come from ``igraph.compare_communities``;
    AMI (which igraph lacks) is computed here. Conventions as scikit-learn: when both
    partitions are a single cluster (or both all singletons) the scores are 1.0; NMI is 0
    when MI is 0.

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
    import igraph as ig

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

    # NMI and ARI from igraph (natural logs, arithmetic-mean NMI; Hubert & Arabie ARI), kept
    # exact where igraph's floating point is ~1e-16 off: 1.0 for the same partition up to
    # renaming (one non-empty cell per row and column), ARI 0.0 with one cluster on a side
    if len(cells) == r == c:
        nmi, ari = 1.0, 1.0
    else:
        nmi = ig.compare_communities(ca, cb, method="nmi")
        ari = 0.0 if r == 1 or c == 1 else ig.compare_communities(ca, cb, method="adjusted_rand")

    # AMI by hand: igraph has no adjusted mutual information
    pair_a, pair_b = ai[cells // c], bj[cells % c]
    if r == 1 or c == 1:
        mi = 0.0  # one side has a single cluster: no information, exactly
    else:
        mi = float(np.sum(nij / n * (np.log(nij) + np.log(n) - np.log(pair_a) - np.log(pair_b))))
        mi = max(mi, 0.0)
    mean_h = (_entropy(ai, n) + _entropy(bj, n)) / 2.0
    emi = 0.0 if mi == 0.0 and (r == 1 or c == 1) else _expected_mutual_information(ai, bj, n)
    eps = np.finfo(np.float64).eps
    denom = mean_h - emi
    denom = min(denom, -eps) if denom < 0 else max(denom, eps)
    ami = (mi - emi) / denom
    return {"nmi": float(nmi), "ami": float(ami), "ari": float(ari)}


def _aligned_labels(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        for name, s in (("a", a), ("b", b)):
            if not s.index.is_unique:
                dup = s.index[s.index.duplicated()][:5].tolist()
                raise InputError(
                    f"partition {name} must have one label per node; duplicated ids {dup!r}"
                )
        common = a.index.intersection(b.index, sort=False)
        x = a.reindex(common).to_numpy()
        y = b.reindex(common).to_numpy()
    elif isinstance(a, pd.Series) or isinstance(b, pd.Series):
        raise InputError(
            "compare_partitions needs two Series (aligned by id) or two "
            "array-likes (aligned by position), got one of each"
        )
    else:
        x, y = np.asarray(a, dtype=object).ravel(), np.asarray(b, dtype=object).ravel()
        if len(x) != len(y):
            raise InputError(
                f"array-like partitions must have the same length, got {len(x)} and {len(y)}"
            )
    keep = ~(pd.isna(x) | pd.isna(y))
    if not keep.any():
        raise InputError(
            "the two partitions share no labelled node (compare them on the same node ids)"
        )
    return x[keep], y[keep]


def _entropy(counts: np.ndarray, n: int) -> float:
    p = counts[counts > 0] / n
    return float(-np.sum(p * np.log(p)))


def _expected_mutual_information(
    ai: np.ndarray, bj: np.ndarray, n: int, chunk: int = 1 << 22
) -> float:
    """E[MI] under the hypergeometric model (Vinh et al. 2010), vectorised and chunked."""
    from scipy.special import gammaln

    a_val, a_cnt = unique(ai, return_counts=True)
    b_val, b_cnt = unique(bj, return_counts=True)
    A = np.repeat(a_val, len(b_val)).astype(np.int64)
    B = np.tile(b_val, len(a_val)).astype(np.int64)
    mult = np.repeat(a_cnt, len(b_val)) * np.tile(b_cnt, len(a_val))
    start = np.maximum(1, A + B - n)
    length = np.maximum(0, np.minimum(A, B) - start + 1)
    fixed = (
        gammaln(A + 1) + gammaln(B + 1) + gammaln(n - A + 1) + gammaln(n - B + 1) - gammaln(n + 1)
    )
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
        log_p = (
            fixed[seg][rep]
            - gammaln(nij + 1)
            - gammaln(a - nij + 1)
            - gammaln(b - nij + 1)
            - gammaln(n - a - b + nij + 1)
        )
        term = nij / n * (np.log(n) + np.log(nij) - np.log(a) - np.log(b)) * np.exp(log_p)
        total += float(np.sum(term * mult[seg][rep]))
        lo = hi
    return total
