"""Tie strength: how strongly one account's content reaches another.

A tie ``u -> v`` (influence direction: ``v`` is exposed to, or engaged with, ``u``) is strong
when ``v`` engages often and intimately with ``u`` (*intensity*), when the tie goes both ways
(*intimacy*), when ``u`` and ``v`` share friends (*proximity*) and when they sit in the same
community. :func:`tie_strength` turns these into one documented number per directed pair and a
transmission probability used by expected reach and diffusion; :func:`tie_edge_arrays` gives
the same strengths as position arrays for ``Network.edge_arrays("ties")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence._arrays import row_pointers, sort_order, unique
from netinfluence._check import renamed
from netinfluence._threads import threaded_map
from netinfluence.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = ["DEFAULT_TYPE_WEIGHTS", "tie_edge_arrays", "tie_mutual_counts", "tie_strength"]

#: Weight of one interaction event by type (case-insensitive; unknown types weigh 1.0).
#: The weights follow the effort and intimacy of the act: writing a reply or comment is a
#: personal, costly exchange (3); a quote adds one's own words to the other's post (2.5); a
#: mention deliberately names the other in front of one's own audience (2); a retweet, share or
#: repost passes the content on unchanged (1.5); a like or a follow is one cheap click (0.5).
DEFAULT_TYPE_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "reply": 3.0,
        "comment": 3.0,
        "quote": 2.5,
        "mention": 2.0,
        "retweet": 1.5,
        "share": 1.5,
        "repost": 1.5,
        "like": 0.5,
        "follow": 0.5,
    }
)

_SECONDS_PER_DAY = 86400.0
_WEDGE_CHUNK = 1 << 20  # candidate triangles per vectorised step (bounds memory per thread)


# ---------------------------------------------------------------------------- public API


def tie_strength(
    net: Network,
    *,
    type_weights: Mapping[str, float] | None = None,
    follow_weight: float = 0.5,
    half_life_days: float | None = None,
    reciprocity_bonus: float = 0.5,
    proximity_weight: float = 0.5,
    labels: pd.Series | None = None,
    community_bonus: float = 0.25,
    scale: float = 4.0,
    communities: pd.Series | None = None,
) -> pd.DataFrame:
    """Strength and transmission probability of every directed tie.

    Parameters
    ----------
    net : Network
    type_weights : mapping of str to float, optional
        Weight of one event per interaction type, merged over :data:`DEFAULT_TYPE_WEIGHTS`
        (keys are compared case-insensitively; types in neither weigh 1.0).
    follow_weight : float, default 0.5
        Base strength of a follow with no engagement.
    half_life_days : float, optional
        Recency half-life: an event ``half_life_days`` older than the newest timestamp in the
        data counts half. None (default) gives every event full weight.
    reciprocity_bonus : float, default 0.5
        Relative boost of a mutual tie (engagement or follow both ways).
    proximity_weight : float, default 0.5
        Relative boost per unit of Jaccard overlap of the two accounts' neighbourhoods.
    labels : pandas.Series, optional
        Integer community label per node (indexed by node id, or in node order), as
        :func:`netinfluence.communities` returns. Without it, ``same_community`` is False
        everywhere and gives no bonus.
    community_bonus : float, default 0.25
        Relative boost of a tie inside one community.
    scale : float, default 4.0
        Strength at which the transmission probability reaches ``1 - 1/e``.
    communities : pandas.Series, optional
        Former name of ``labels`` (deprecated).

    Returns
    -------
    pandas.DataFrame
        One row per directed influence pair with a follow and/or interactions, sorted by
        source then target position, with columns ``source, target`` (node ids; ``target`` is
        exposed to or engaged with ``source``), ``follows`` (bool), ``interactions`` (summed
        raw counts), ``intensity``, ``mutual`` (bool), ``shared_neighbours`` (Jaccard),
        ``same_community`` (bool), ``strength`` and ``probability``. ``attrs["parameters"]``
        records the parameters used.

    Raises
    ------
    InputError
        A negative or non-finite weight or bonus, a non-positive half-life or scale, or a
        communities table that does not cover the nodes.

    Notes
    -----
    For a pair ``u -> v`` (``v`` follows ``u`` and/or engaged with ``u``'s content):

    intensity(u->v) = sum over v's interaction events with u's content of
    type_weight(type) * count * decay, decay = 0.5 ** (age_days / half_life_days) where age is
    measured from the newest timestamp in the data (decay = 1 without a half-life or
    timestamp);

    base = follow_weight * [v follows u] + log1p(intensity)   (diminishing returns: one spammy
    pair cannot dominate);

    strength = base * (1 + reciprocity_bonus * mutual) * (1 + proximity_weight * jaccard)
    * (1 + community_bonus * same_community);

    probability = 1 - exp(-strength / scale)   (the chance the tie passes content on, used by
    expected reach; a follow-only tie gives about 0.12 with the defaults).

    ``mutual`` holds when a tie (follow or interaction) also runs ``v -> u``; ``jaccard`` is
    ``|N(u) & N(v)| / |N(u) | N(v)|`` over the undirected neighbourhoods of the tie graph
    (follows and interactions together), as :func:`networkx.jaccard_coefficient` defines it.
    The components follow Granovetter's dimensions of tie strength (M. Granovetter, "The
    Strength of Weak Ties", American Journal of Sociology 78(6), 1973: time, emotional
    intensity, intimacy, reciprocity) and their operationalisation from interaction data in
    E. Gilbert and K. Karahalios, "Predicting Tie Strength with Social Media", CHI 2009.
    Shared neighbours are counted by vectorised triangle listing on the degree-ordered graph:
    O(m^1.5) time at worst, memory bounded by chunks.

    Examples
    --------
    >>> import pandas as pd
    >>> import netinfluence as ni
    >>> inter = pd.DataFrame({"source": ["bo", "cy"], "target": ["ana", "ana"],
    ...                       "type": ["reply", "like"], "count": [2, 1]})
    >>> net = ni.read_network(follows=pd.DataFrame({"follower": ["bo", "ana"],
    ...                                             "followed": ["ana", "bo"]}),
    ...                       interactions=inter)
    >>> t = tie_strength(net).set_index(["source", "target"]).sort_index()
    >>> t[["follows", "mutual", "intensity", "strength", "probability"]].round(3)
                   follows  mutual  intensity  strength  probability
    source target
    ana    bo         True    True        6.0     3.669        0.600
           cy        False   False        0.5     0.405        0.096
    bo     ana        True    True        0.0     0.750        0.171
    """
    params = _check_params(
        type_weights=type_weights,
        follow_weight=follow_weight,
        half_life_days=half_life_days,
        reciprocity_bonus=reciprocity_bonus,
        proximity_weight=proximity_weight,
        community_bonus=community_bonus,
        scale=scale,
    )
    given = renamed("communities", communities, "labels", labels)
    codes = None if given is None else _check_labels(net, given)
    if codes is None and params == _check_params():
        table = _default_table(net)
    else:
        table = _compute(net, labels=codes, **params)
    ids = net.ids
    out = pd.DataFrame(
        {
            "source": ids.take(table["src"]).to_numpy(),
            "target": ids.take(table["dst"]).to_numpy(),
            "follows": table["follows"],
            "interactions": table["interactions"],
            "intensity": table["intensity"],
            "mutual": table["mutual"],
            "shared_neighbours": table["jaccard"],
            "same_community": table["same_community"],
            "strength": table["strength"],
            "probability": table["probability"],
        }
    )
    shown = dict(params)
    shown["type_weights"] = dict(shown["type_weights"])
    shown["labels"] = given is not None
    out.attrs["parameters"] = shown
    return out


def tie_edge_arrays(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(source, target, strength)`` position arrays of the tie graph with default parameters.

    What ``Network.edge_arrays("ties")`` returns: one row per directed pair with a follow
    and/or interactions, sorted by source then target position (cached on the network).

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b")])
    >>> src, dst, w = tie_edge_arrays(net)
    >>> [(net.ids[s], net.ids[d], float(x)) for s, d, x in zip(src, dst, w)]
    [('b', 'a', 0.5)]
    """
    table = _default_table(net)
    return table["src"], table["dst"], table["strength"]


def tie_mutual_counts(net: Network) -> tuple[np.ndarray, np.ndarray] | None:
    """``(mutual, ties)`` per account from the tie table, or None when it is not computed yet.

    ``ties``: distinct accounts it has a follow or interaction with, either way; ``mutual``:
    those tied both ways. Read from the cached tie table and its undirected view, so
    :func:`netinfluence.metrics.reciprocity` needs no pass of its own over the pairs.

    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
    >>> _ = tie_edge_arrays(net)
    >>> [x.tolist() for x in tie_mutual_counts(net)]
    [[1.0, 1.0, 0.0], [2.0, 1.0, 1.0]]
    """
    if not (
        net.is_cached(("ties", "default_table")) and net.is_cached(("undirected_edges", "ties"))
    ):
        return None
    n = net.n_nodes
    table = _default_table(net)
    lo, hi, _ = net.undirected_edge_arrays("ties")
    # a mutual pair is stored in both directions: each end counts it once, as a source
    mutual = np.bincount(table["src"], weights=table["mutual"].astype(float), minlength=n)
    ties = (np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)).astype(float)
    return mutual, ties


# ---------------------------------------------------------------------------- validation


def _check_nonneg(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number >= 0, got {value!r}") from None
    if not np.isfinite(v) or v < 0:
        raise InputError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def _check_params(
    *,
    type_weights=None,
    follow_weight=0.5,
    half_life_days=None,
    reciprocity_bonus=0.5,
    proximity_weight=0.5,
    community_bonus=0.25,
    scale=4.0,
) -> dict:
    weights = dict(DEFAULT_TYPE_WEIGHTS)
    if type_weights is not None:
        if not isinstance(type_weights, Mapping):
            raise InputError(
                f"type_weights must be a mapping of type name to weight, got "
                f"{type(type_weights).__name__}"
            )
        for key, value in type_weights.items():
            weights[str(key).strip().lower()] = _check_nonneg(f"type_weights[{key!r}]", value)
    hl = None
    if half_life_days is not None:
        try:
            hl = float(half_life_days)
        except (TypeError, ValueError):
            raise InputError(
                f"half_life_days must be a positive number of days or None, got {half_life_days!r}"
            ) from None
        if not np.isfinite(hl) or hl <= 0:
            raise InputError(
                f"half_life_days must be a positive number of days or None, got {half_life_days!r}"
            )
    try:
        sc = float(scale)
    except (TypeError, ValueError):
        sc = np.nan
    if not np.isfinite(sc) or sc <= 0:
        raise InputError(f"scale must be a positive number, got {scale!r}")
    return {
        "type_weights": tuple(sorted(weights.items())),
        "follow_weight": _check_nonneg("follow_weight", follow_weight),
        "half_life_days": hl,
        "reciprocity_bonus": _check_nonneg("reciprocity_bonus", reciprocity_bonus),
        "proximity_weight": _check_nonneg("proximity_weight", proximity_weight),
        "community_bonus": _check_nonneg("community_bonus", community_bonus),
        "scale": sc,
    }


def _check_labels(net: Network, communities) -> np.ndarray:
    """Community labels as a float array in node order (NaN where unknown)."""
    if isinstance(communities, pd.Series):
        if communities.index.equals(net.ids):
            values = communities
        else:
            missing = net.ids.difference(communities.index)
            if len(missing):
                raise InputError(
                    f"labels must give a label for every node; {len(missing)} node(s) "
                    f"missing, e.g. {list(missing[:5])!r}"
                )
            values = communities.reindex(net.ids)
    else:
        values = pd.Series(np.asarray(communities))
        if len(values) != net.n_nodes:
            raise InputError(
                f"labels must have one label per node ({net.n_nodes}), got {len(values)}"
            )
    try:
        return pd.to_numeric(values, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        codes, _ = pd.factorize(values.to_numpy(dtype=object))
        return np.where(codes < 0, np.nan, codes).astype(float)


# ---------------------------------------------------------------------------- computation


def _default_table(net: Network) -> dict[str, np.ndarray]:
    def build() -> dict[str, np.ndarray]:
        table = _compute(net, labels=None, **_check_params())
        # the undirected view of the tie layer (Leiden's and the roles' graph) sums the
        # strengths over the undirected pairs the overlap step has just indexed: fill the
        # network's cache here instead of sorting the pairs a third time
        ulo, uhi, uinv = table.pop("undirected")
        if not net.is_cached(("undirected_edges", "ties")):
            weight = np.bincount(uinv, weights=table["strength"], minlength=len(ulo))
            net.cached(("undirected_edges", "ties"), lambda: (ulo, uhi, weight))
        return table

    return net.cached(("ties", "default_table"), build)


def _compute(
    net: Network,
    *,
    labels,
    type_weights,
    follow_weight,
    half_life_days,
    reciprocity_bonus,
    proximity_weight,
    community_bonus,
    scale,
) -> dict:
    n = net.n_nodes
    nn = np.int64(max(n, 1))
    # the index kept by undirected_pairs(keep_for_ties=True), or built now; held here only,
    # so its arrays go as soon as they are used
    pairs = tie_pairs(net, keep=False)
    net.drop_cached(_PAIRS)
    it = net.interaction_codes
    if len(it):
        counts = it["count"].to_numpy(dtype=float)
        cat = it["type"].astype("category")
        wmap = dict(type_weights)
        per_cat = np.array(
            [wmap.get(str(c).strip().lower(), 1.0) for c in cat.cat.categories], dtype=float
        )
        codes = cat.cat.codes.to_numpy()
        tw = np.where(codes >= 0, per_cat[np.maximum(codes, 0)] if len(per_cat) else 1.0, 1.0)
        ev = tw * counts
        if half_life_days is not None:
            ts = it["timestamp"].to_numpy(dtype=float)
            known = np.isfinite(ts)
            if known.any():
                age = (ts[known].max() - ts) / _SECONDS_PER_DAY
                decay = np.where(known, np.exp2(-np.where(known, age, 0.0) / half_life_days), 1.0)
                ev = ev * decay
    else:
        counts = ev = np.zeros(0)

    keys, inv, n_follows = pairs.pop("keys"), pairs.pop("inv"), pairs.pop("n_follows")
    m = len(keys)
    src, dst = keys // nn, keys % nn
    del keys  # 10^7-row temporaries: freed before the triangle step's peak
    follows = np.zeros(m, dtype=bool)
    follows[inv[:n_follows]] = True
    iinv = inv[n_follows:]
    inter = np.bincount(iinv, weights=counts, minlength=m) if m else np.zeros(0)
    intensity = np.bincount(iinv, weights=ev, minlength=m) if m else np.zeros(0)
    del inv, iinv

    if m:
        mutual, jaccard, undirected = _pair_overlap(
            n, pairs.pop("ukeys"), pairs.pop("uinv"), pairs.pop("both")
        )
    else:
        mutual, jaccard = np.zeros(0, dtype=bool), np.zeros(0)
        undirected = (np.zeros(0, dtype=np.int64),) * 3

    if labels is not None and m:
        ls, ld = labels[src], labels[dst]
        same = (ls == ld) & np.isfinite(ls)
    else:
        same = np.zeros(m, dtype=bool)

    base = follow_weight * follows + np.log1p(intensity)
    strength = (
        base
        * (1.0 + reciprocity_bonus * mutual)
        * (1.0 + proximity_weight * jaccard)
        * (1.0 + community_bonus * same)
    )
    probability = -np.expm1(-strength / scale)
    return {
        "src": src,
        "dst": dst,
        "follows": follows,
        "interactions": inter,
        "intensity": intensity,
        "mutual": mutual,
        "jaccard": jaccard,
        "same_community": same,
        "strength": strength,
        "probability": probability,
        "undirected": undirected,
    }


_PAIRS = ("ties", "pairs")


def tie_pairs(net: Network, *, keep: bool = True) -> dict[str, Any]:
    """The tie layer's distinct directed pairs and their undirected pairs, cached (``keep``)
    until the tie table takes them: ``keys`` (``source * n + target``, sorted), ``inv``
    (each follows row, then each interactions row, to its pair), ``n_follows``, and
    ``ukeys`` (``lo * n + hi``, sorted), ``uinv`` (each directed pair to its undirected
    one), ``both`` (directed pairs per undirected pair: 2 = mutual).

    The undirected pairs are Leiden's graph, known before the tie strengths: computed here
    once for the Leiden process and the tie table alike.

    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
    >>> p = tie_pairs(net)
    >>> p["ukeys"].tolist(), p["both"].tolist()
    ([1, 2], [2, 1])
    """

    def build() -> dict[str, Any]:
        nn = np.int64(max(net.n_nodes, 1))
        f = net.follow_codes
        fkey = f["source"].to_numpy(dtype=np.int64) * nn + f["target"].to_numpy(dtype=np.int64)
        it = net.interaction_codes
        ikey = it["source"].to_numpy(dtype=np.int64) * nn + it["target"].to_numpy(dtype=np.int64)
        keys, inv = unique(np.concatenate([fkey, ikey]), return_inverse=True)
        src, dst = keys // nn, keys % nn
        ukeys, uinv, both = unique(
            np.minimum(src, dst) * nn + np.maximum(src, dst),
            return_inverse=True,
            return_counts=True,
        )
        return {
            "keys": keys,
            "inv": inv,
            "n_follows": len(fkey),
            "ukeys": ukeys,
            "uinv": uinv,
            "both": both,
        }

    if keep or net.is_cached(_PAIRS):
        return dict(net.cached(_PAIRS, build))
    return build()


def _pair_overlap(
    n: int, ukeys: np.ndarray, uinv: np.ndarray, both: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``mutual`` and Jaccard overlap of each distinct directed pair, and the undirected
    pairs ``(lo, hi, index of each directed pair's undirected pair)``, from
    :func:`tie_pairs`' undirected keys.

    A pair is mutual when its undirected edge occurs twice, and the Jaccard overlap of the
    endpoints' undirected neighbourhoods is ``common / (deg_u + deg_v - common)`` with
    ``common`` from :func:`edge_common_neighbours`.
    """
    nn = np.int64(max(n, 1))
    ulo, uhi = ukeys // nn, ukeys % nn
    del ukeys
    deg = np.bincount(ulo, minlength=n) + np.bincount(uhi, minlength=n)
    common = edge_common_neighbours(n, ulo, uhi)
    union = deg[ulo] + deg[uhi] - common
    jac = common / np.maximum(union, 1)
    return both[uinv] == 2, jac[uinv], (ulo, uhi, uinv)


def edge_common_neighbours(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Number of common neighbours of the endpoints of each edge of a simple undirected graph.

    ``u, v`` list each undirected edge once (no self-loops, no duplicates). Triangles are
    listed on the degree-ordered orientation (each edge points to the higher-ranked end): for
    an oriented edge ``a -> b`` every later out-neighbour ``c`` of ``a`` closes a triangle when
    ``b -> c`` is an edge, looked up in a vectorised hash table. The work is
    ``sum_a C(outdeg(a), 2) = O(m^1.5)``, processed in chunks that keep memory bounded.
    """
    m = len(u)
    common = np.zeros(m, dtype=np.int64)
    if m == 0:
        return common
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    ru, rv = rank[u], rank[v]
    a, b = np.minimum(ru, rv), np.maximum(ru, rv)
    del ru, rv, rank
    nn = np.int64(n)
    order, okeys = sort_order(a * nn + b)
    a, b = a[order], b[order]
    indptr = row_pointers(a, n)
    # candidates for oriented edge at CSR position p (row a): later positions in row a
    # (counted again per chunk, so no edge-sized array of them is held at the peak)
    cum = np.cumsum(indptr[a + 1] - 1 - np.arange(m))
    if int(cum[-1]) == 0:
        return common
    table = _hash_index(okeys)
    del okeys  # the table holds the keys now
    chunks = []
    start = 0
    while start < m:
        done = int(cum[start - 1]) if start else 0
        stop = int(np.searchsorted(cum, done + _WEDGE_CHUNK, side="right"))
        stop = min(max(stop, start + 1), m)
        chunks.append((start, stop))
        start = stop

    def closed(chunk: tuple[int, int]) -> np.ndarray:
        # the three edges of every triangle closed by this chunk's wedges
        start, stop = chunk
        c = indptr[a[start:stop] + 1] - 1 - np.arange(start, stop)
        k = int(c.sum())
        if not k:
            return np.zeros(0, dtype=np.int64)
        rep = np.repeat(np.arange(start, stop, dtype=np.int64), c)
        offs = np.arange(k, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
        q = rep + 1 + offs
        hit = _hash_lookup(table, b[rep] * nn + b[q])
        ok = hit >= 0
        return np.concatenate((rep[ok], q[ok], hit[ok]))

    counts = np.zeros(m, dtype=np.int64)
    found_parts: list[np.ndarray] = []
    pending = 0
    for part in threaded_map(closed, chunks):  # lookups only read the table: GIL-free work
        if len(part):
            found_parts.append(part)
            pending += len(part)
        if pending > m:
            counts += np.bincount(np.concatenate(found_parts), minlength=m)
            found_parts, pending = [], 0
    if found_parts:
        counts += np.bincount(np.concatenate(found_parts), minlength=m)
    common[order] = counts
    return common


# pandas.Index.get_indexer was faster in one measurement (benchmarks/results/hash-lookup.md),
# and not kept: pandas fills its hash table inside the first lookup large enough to use it,
# without the GIL, so the worker threads' first lookups would race on a half-filled table
# (a small target, under ~5 % of the keys, takes a binary search and fills nothing)
_HASH_MULT = np.uint64(0x9E3779B97F4A7C15)


def _hash_index(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.uint64, int]:
    """Open-addressing (linear probing) hash table of distinct non-negative int64 keys.

    Inserted in vectorised rounds: every pending key tries its current slot, one key wins
    each free slot, the others move one slot on. Load factor <= 1/2.
    """
    m = len(keys)
    bits = max(4, int(np.ceil(np.log2(2 * m + 1))))
    size = 1 << bits
    mask = size - 1
    shift = np.uint64(64 - bits)
    slots = np.full(size, -1, dtype=np.int64)
    where = np.full(size, -1, dtype=np.int32 if m < 2**31 else np.int64)
    pend = np.arange(m, dtype=np.int64)
    pos = ((keys.astype(np.uint64) * _HASH_MULT) >> shift).astype(np.int64)
    while len(pend):
        free = slots[pos] == -1
        cand, cpos = pend[free], pos[free]
        slots[cpos] = keys[cand]
        won = np.zeros(len(pend), dtype=bool)
        won[free] = slots[cpos] == keys[cand]
        where[pos[won]] = pend[won]
        pend, pos = pend[~won], (pos[~won] + 1) & mask
    return slots, where, shift, mask


def _hash_lookup(table, queries: np.ndarray) -> np.ndarray:
    """Index of each query key in the keys of :func:`_hash_index`, or -1 when absent."""
    slots, where, shift, mask = table
    out = np.full(len(queries), -1, dtype=np.int64)
    idx = np.arange(len(queries), dtype=np.int64)
    pos = ((queries.astype(np.uint64) * _HASH_MULT) >> shift).astype(np.int64)
    q = queries
    while len(idx):
        val = slots[pos]
        hit = val == q
        out[idx[hit]] = where[pos[hit]]
        go = ~hit & (val != -1)
        idx, pos, q = idx[go], (pos[go] + 1) & mask, q[go]
    return out
