"""Held-out planted social networks for validating influence rankings.

Two seeded generators draw follower/interaction networks whose community structure and account
roles are *known*, so that a ranking can be measured against a truth it was never tuned on:

- :func:`lfr_social`: the LFR benchmark graph (power-law degrees and community sizes, mixing
  ``mu``) from :func:`networkx.LFR_benchmark_graph`;
- :func:`dcsbm_social`: a degree-corrected stochastic block model with Pareto degree
  propensities and unequal community sizes.

Both turn the undirected base graph into a directed follow graph with interactions and then
plant roles by mechanisms deliberately different from the package's own sample generator
(:mod:`netinfluence.datasets`, the *tuning* set):

- ``insider``: an ordinary member of the base graph whose in-community ties are made mutual and
  closed into a dense reciprocal circle (triadic closure among its community friends and
  friends-of-friends), with frequent, repeated interactions in both directions on those ties;
- ``regular``: the rest of the base graph; ties are reciprocated with a fixed probability and
  interactions happen on a small share of ties (more often inside the community);
- ``celebrity``: a large *passive* follower set drawn uniformly across all communities, almost
  no outgoing follows, rare single likes, a platform follower count in the millions;
- ``bought``: a small real audience plus many followers from a farm of low-activity accounts
  (role ``bot``, no posts, never interacting) and an inflated platform ``followers`` count;
- ``bot``: either a *spam* bot (follows hundreds of accounts preferentially by popularity,
  reciprocated rarely, and emits bursts of single-count mentions/replies to random accounts) or
  a *farm* account (follows bought accounts and a few random ones, never interacts).

This module is private: the harness in ``benchmarks/validate_planted.py`` and the reference
tests use it. The planted labels are returned beside the tables, never inside them, so no
scorer can read them.

References
----------
A. Lancichinetti, S. Fortunato, F. Radicchi, "Benchmark graphs for testing community detection
algorithms", Phys. Rev. E 78, 046110 (2008).
B. Karrer, M. E. J. Newman, "Stochastic blockmodels and community structure in networks",
Phys. Rev. E 83, 016107 (2011).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence.network import read_network

if TYPE_CHECKING:
    from netinfluence.network import Network

__all__ = ["PLANTED_ROLES", "PlantedNetwork", "dcsbm_social", "lfr_social"]

#: Planted roles, in code order.
PLANTED_ROLES: tuple[str, ...] = ("insider", "regular", "celebrity", "bought", "bot")
_INS, _REG, _CEL, _BOU, _BOT = range(5)

# interaction type mixes: (types, weights)
_TYPES = np.array(["like", "comment", "reply", "retweet", "mention", "quote"], dtype=object)
_MIX_REGULAR = np.array([0.50, 0.20, 0.12, 0.10, 0.05, 0.03])
_MIX_CLOSE = np.array([0.10, 0.25, 0.35, 0.05, 0.15, 0.10])
_MIX_SPAM = np.array([0.0, 0.0, 0.45, 0.0, 0.55, 0.0])


@dataclass(frozen=True, eq=False)
class PlantedNetwork:
    """A planted social network and its hidden answer.

    Attributes
    ----------
    follows : pandas.DataFrame
        ``follower, followed`` (the follower sees the followed account's posts).
    interactions : pandas.DataFrame
        ``source, target, type, count``: ``source`` engaged ``count`` times with ``target``'s
        content.
    users : pandas.DataFrame
        ``id, handle, followers, following, posts, likes, comments`` (``followers`` is the
        platform count, which bought accounts and celebrities inflate).
    community : pandas.Series
        Planted community per account id (``-1``: bot accounts, which belong to none).
    role : pandas.Series
        Planted role per account id, one of :data:`PLANTED_ROLES`.
    params : dict
        The generator and its parameters.
    """

    follows: pd.DataFrame
    interactions: pd.DataFrame
    users: pd.DataFrame
    community: pd.Series
    role: pd.Series
    params: dict[str, Any] = field(default_factory=dict)

    def network(self) -> Network:
        """The tables as a :class:`~netinfluence.network.Network` (no planted labels)."""

        return read_network(follows=self.follows, interactions=self.interactions, users=self.users)

    @property
    def blocked(self) -> pd.Index:
        """Ids that never pass content on in the truths: the bots (spam and farm accounts)."""
        return self.role.index[self.role.to_numpy() == "bot"]


# ---------------------------------------------------------------------------- base graphs


def lfr_social(
    n: int,
    *,
    seed: int,
    tau1: float = 2.5,
    tau2: float = 1.5,
    mu: float = 0.2,
    average_degree: float = 12.0,
    max_degree: int | None = None,
    min_community: int | None = None,
    max_community: int | None = None,
    bot_share: float = 0.03,
    farm_share: float = 0.04,
    **roles: Any,
) -> PlantedNetwork:
    """Planted social network on an LFR benchmark graph (Lancichinetti, Fortunato & Radicchi 2008).

    Parameters
    ----------
    n : int
        Number of accounts in total (base graph plus bots), at least 300.
    seed : int
        Seed of every draw; the same seed gives identical tables.
    tau1, tau2 : float
        Power-law exponents of the degree and community-size distributions.
    mu : float
        Mixing parameter: share of each account's base-graph ties that leave its community.
    average_degree : float
        Mean degree of the undirected base graph.
    max_degree, min_community, max_community : int, optional
        Defaults ``max(50, n_base // 20)``, ``max(20, n_base // 200)``, ``n_base // 10``.
    bot_share, farm_share : float
        Spam bots and follower-farm accounts as shares of ``n``.
    **roles
        Passed to the role planting: ``insider_share`` (0.01 of each community),
        ``celebrity_share`` (0.002), ``bought_share`` (0.003), ``reciprocity`` (0.3).

    Returns
    -------
    PlantedNetwork

    Notes
    -----
    :func:`networkx.LFR_benchmark_graph` is used as is. It draws power-law sequences by
    rejection and occasionally gives up (``ExceededMaxIterations``); the generator then retries
    with the next derived seed, so the result stays a function of ``seed``. It takes about 0.4 s
    at 5,000 and 3 s at 20,000 base accounts.

    Examples
    --------
    >>> p = lfr_social(800, seed=1)
    >>> sorted(p.role.unique())
    ['bot', 'bought', 'celebrity', 'insider', 'regular']
    """
    import networkx as nx

    n_bot, n_farm = _bot_counts(n, bot_share, farm_share)
    nb = n - n_bot - n_farm
    max_degree = max(50, nb // 20) if max_degree is None else max_degree
    min_community = max(20, nb // 200) if min_community is None else min_community
    max_community = nb // 10 if max_community is None else max_community
    last: Exception | None = None
    for attempt in range(20):
        try:
            g = nx.LFR_benchmark_graph(
                nb,
                tau1,
                tau2,
                mu,
                average_degree=average_degree,
                max_degree=max_degree,
                min_community=min_community,
                max_community=max_community,
                seed=int(seed) * 1000 + attempt,
                max_iters=500,
            )
            break
        except nx.ExceededMaxIterations as exc:  # rejection sampling gave up: next seed
            last = exc
    else:  # pragma: no cover - 20 failures in a row
        raise RuntimeError(f"LFR did not converge in 20 attempts: {last}")
    comm = np.full(nb, -1, dtype=np.int64)
    seen: dict[frozenset, int] = {}
    for v in range(nb):
        key = frozenset(g.nodes[v]["community"])
        comm[v] = seen.setdefault(key, len(seen))
    comm = _relabel_by_size(comm)
    edges = np.array([(u, v) for u, v in g.edges() if u != v], dtype=np.int64).reshape(-1, 2)
    params = {
        "generator": "lfr",
        "n": n,
        "seed": seed,
        "tau1": tau1,
        "tau2": tau2,
        "mu": mu,
        "average_degree": average_degree,
        "max_degree": max_degree,
        "min_community": min_community,
        "max_community": max_community,
        "bot_share": bot_share,
        "farm_share": farm_share,
        "lfr_attempts": attempt + 1,
        **roles,
    }
    rng = np.random.default_rng([int(seed), 1])
    return _socialise(rng, edges[:, 0], edges[:, 1], comm, n_bot, n_farm, params, **roles)


def dcsbm_social(
    n: int,
    *,
    seed: int,
    n_communities: int | None = None,
    mu: float = 0.15,
    average_degree: float = 12.0,
    pareto_shape: float = 2.2,
    size_sigma: float = 0.8,
    bot_share: float = 0.03,
    farm_share: float = 0.04,
    **roles: Any,
) -> PlantedNetwork:
    """Planted social network on a degree-corrected stochastic block model (Karrer & Newman 2011).

    Parameters
    ----------
    n : int
        Number of accounts in total (base graph plus bots), at least 300.
    seed : int
        Seed of every draw; the same seed gives identical tables.
    n_communities : int, optional
        Number of blocks; default ``max(4, round(sqrt(n_base) / 4))``.
    mu : float
        Share of edge ends that land outside the block of the other end.
    average_degree : float
        Mean degree of the undirected base graph (before duplicate edges are merged).
    pareto_shape : float
        Shape ``a`` of the degree propensities ``theta = 1 + Pareto(a)`` (heavy tail: degree
        variance finite only for ``a > 2``).
    size_sigma : float
        Community sizes are proportional to lognormal(0, ``size_sigma``) draws (unequal sizes).
    bot_share, farm_share : float
        Spam bots and follower-farm accounts as shares of ``n``.
    **roles
        As for :func:`lfr_social`.

    Returns
    -------
    PlantedNetwork

    Notes
    -----
    ``M = n_base * average_degree / 2`` edges, each drawn as: one end ``i`` with probability
    proportional to ``theta_i``; with probability ``1 - mu`` the other end proportional to
    ``theta`` inside ``i``'s block, otherwise proportional to ``theta`` over all other blocks.
    The expected number of edges between ``i`` and ``j`` is then ``theta_i theta_j omega_rs``
    with a planted block matrix ``omega`` (the degree-corrected SBM). Self-loops and duplicate
    pairs are dropped.

    Examples
    --------
    >>> p = dcsbm_social(800, seed=1)
    >>> int((p.community >= 0).sum()) == int((p.role != "bot").sum())
    True
    """
    rng = np.random.default_rng([int(seed), 2])
    n_bot, n_farm = _bot_counts(n, bot_share, farm_share)
    nb = n - n_bot - n_farm
    k = max(4, round(np.sqrt(nb) / 4)) if n_communities is None else int(n_communities)
    share = rng.lognormal(0.0, size_sigma, k)
    sizes = np.maximum(10, np.floor(share / share.sum() * nb)).astype(np.int64)
    sizes[np.argmax(sizes)] += nb - sizes.sum()
    comm = np.repeat(np.arange(k), sizes)
    comm = comm[rng.permutation(nb)]
    comm = _relabel_by_size(comm)
    theta = 1.0 + rng.pareto(pareto_shape, nb)
    theta = np.minimum(theta, nb / 10)
    m = round(nb * average_degree / 2)
    a = rng.choice(nb, m, p=theta / theta.sum())
    inside = rng.random(m) >= mu
    b = np.empty(m, dtype=np.int64)
    order = np.argsort(comm, kind="stable")
    ptr = np.searchsorted(comm[order], np.arange(k + 1))
    cum_by_block = []
    for c in range(k):
        members = order[ptr[c] : ptr[c + 1]]
        cum_by_block.append((members, np.cumsum(theta[members])))
    for c in range(k):
        members, cum = cum_by_block[c]
        sel = np.flatnonzero(inside & (comm[a] == c))
        b[sel] = members[np.searchsorted(cum, rng.random(len(sel)) * cum[-1], side="right")]
    out = np.flatnonzero(~inside)
    if len(out):
        # other end proportional to theta over the other blocks (rejection: redraw same-block)
        cum_all = np.cumsum(theta)
        draw = np.searchsorted(cum_all, rng.random(len(out)) * cum_all[-1], side="right")
        for _ in range(50):
            bad = comm[draw] == comm[a[out]]
            if not bad.any():
                break
            draw[bad] = np.searchsorted(
                cum_all, rng.random(int(bad.sum())) * cum_all[-1], side="right"
            )
        b[out] = draw
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    key = np.unique(lo[keep] * nb + hi[keep])
    params = {
        "generator": "dcsbm",
        "n": n,
        "seed": seed,
        "n_communities": k,
        "mu": mu,
        "average_degree": average_degree,
        "pareto_shape": pareto_shape,
        "size_sigma": size_sigma,
        "bot_share": bot_share,
        "farm_share": farm_share,
        **roles,
    }
    return _socialise(rng, key // nb, key % nb, comm, n_bot, n_farm, params, **roles)


# ---------------------------------------------------------------------------- roles


def _bot_counts(n: int, bot_share: float, farm_share: float) -> tuple[int, int]:
    if n < 300:
        raise ValueError(f"n must be at least 300, got {n}")
    return max(3, round(bot_share * n)), max(10, round(farm_share * n))


def _relabel_by_size(comm: np.ndarray) -> np.ndarray:
    _, inv, counts = np.unique(comm, return_inverse=True, return_counts=True)
    rank = np.empty(len(counts), dtype=np.int64)
    rank[np.argsort(-counts, kind="stable")] = np.arange(len(counts))
    return rank[inv]


def _socialise(
    rng: np.random.Generator,
    u: np.ndarray,
    v: np.ndarray,
    comm_base: np.ndarray,
    n_bot: int,
    n_farm: int,
    params: dict[str, Any],
    *,
    insider_share: float = 0.01,
    celebrity_share: float = 0.002,
    bought_share: float = 0.003,
    reciprocity: float = 0.3,
) -> PlantedNetwork:
    """Direct the undirected base graph ``(u, v)`` and plant roles, interactions and users."""
    nb = len(comm_base)
    n = nb + n_bot + n_farm
    role = np.full(n, _REG, dtype=np.int64)
    comm = np.r_[comm_base, np.full(n_bot + n_farm, -1)]
    spam = np.arange(nb, nb + n_bot)
    farm = np.arange(nb + n_bot, n)
    role[nb:] = _BOT
    deg = np.bincount(np.r_[u, v], minlength=nb)

    # --- celebrities and bought accounts: drawn among low/median-degree base accounts -------
    n_cel = max(2, round(celebrity_share * n))
    n_bou = max(2, round(bought_share * n))
    ordinary = np.flatnonzero(deg <= np.median(deg))
    picked = rng.choice(ordinary, n_cel + n_bou, replace=False)
    celebs, bought = picked[:n_cel], picked[n_cel:]
    role[celebs] = _CEL
    role[bought] = _BOU

    # --- insiders: per community, random members of at least median community degree -------
    same = comm_base[u] == comm_base[v]
    deg_in = np.bincount(np.r_[u[same], v[same]], minlength=nb)
    insider_parts: list[np.ndarray] = []
    for c in np.unique(comm_base):
        mem = np.flatnonzero((comm_base == c) & (role[:nb] == _REG))
        if len(mem) < 10:
            continue
        k_ins = max(1, round(insider_share * len(mem)))
        eligible = mem[deg_in[mem] >= np.median(deg_in[mem])]
        insider_parts.append(rng.choice(eligible, min(k_ins, len(eligible)), replace=False))
    insiders = np.concatenate(insider_parts) if insider_parts else np.zeros(0, dtype=np.int64)
    role[insiders] = _INS

    # --- direct the base graph ---------------------------------------------------------------
    flip = rng.random(len(u)) < 0.5
    a, b = np.where(flip, v, u), np.where(flip, u, v)  # a follows b
    both = rng.random(len(u)) < reciprocity
    src = [a, b[both]]
    dst = [b, a[both]]
    close_s: list[np.ndarray] = []  # close (insider-circle) ties, both directions
    close_d: list[np.ndarray] = []

    # insiders: every in-community tie becomes mutual; close the circle with friends of friends
    adj = _adjacency(u, v, nb)
    for i in insiders:
        nbrs = adj[i]
        in_c = nbrs[comm_base[nbrs] == comm_base[i]]
        fof = np.unique(np.concatenate([adj[j] for j in in_c])) if len(in_c) else in_c
        fof = fof[(comm_base[fof] == comm_base[i]) & (fof != i) & ~np.isin(fof, in_c)]
        k_more = min(len(fof), int(rng.integers(10, 31)))
        more = rng.choice(fof, k_more, replace=False) if k_more else fof
        circle = np.r_[in_c, more]
        close_s += [np.full(len(circle), i), circle]
        close_d += [circle, np.full(len(circle), i)]
        # the circle knows each other: a share of the pairs inside it become mutual ties
        if len(circle) > 1:
            m = len(circle)
            pairs = rng.random((m, m)) < 0.15
            r, s = np.nonzero(np.triu(pairs, 1))
            close_s += [circle[r], circle[s]]
            close_d += [circle[s], circle[r]]
    if close_s:
        src += close_s
        dst += close_d

    # celebrities: passive followers drawn uniformly from all base accounts (every community);
    # celebrities follow almost nobody back
    for c in celebs:
        n_fans = int(rng.integers(round(0.04 * nb), round(0.10 * nb) + 1))
        fans = rng.choice(nb, n_fans, replace=False)
        src.append(fans)
        dst.append(np.full(n_fans, c))

    # spam bots: follow 50-400 accounts preferentially by degree; a few follow back
    w = (deg + 1.0) / (deg + 1.0).sum()
    n_follow = np.minimum(nb - 1, rng.integers(50, 401, n_bot))
    src.append(np.repeat(spam, n_follow))
    dst.append(rng.choice(nb, int(n_follow.sum()), p=w))
    n_back = rng.binomial(n_follow, 0.02)
    src.append(rng.choice(nb, int(n_back.sum())))
    dst.append(np.repeat(spam, n_back))

    # follower farms: each farm account follows 3-15 bought accounts and 0-5 random accounts
    n_b = rng.integers(3, 16, n_farm)
    src.append(np.repeat(farm, n_b))
    dst.append(rng.choice(bought, int(n_b.sum())))
    n_r = rng.integers(0, 6, n_farm)
    src.append(np.repeat(farm, n_r))
    dst.append(rng.choice(nb, int(n_r.sum())))

    s = np.concatenate(src).astype(np.int64)
    d = np.concatenate(dst).astype(np.int64)
    # celebrities keep at most 5 outgoing follows
    from_cel = np.flatnonzero(role[s] == _CEL)
    drop = from_cel[
        rng.random(len(from_cel))
        > 5.0 / np.maximum(5.0, np.bincount(s[from_cel], minlength=n)[s[from_cel]])
    ]
    keep = np.ones(len(s), dtype=bool)
    keep[drop] = False
    keep &= s != d
    key = np.unique(s[keep] * n + d[keep])
    f_src, f_dst = key // n, key % n

    # --- interactions --------------------------------------------------------------------------
    close_key = (
        np.unique(np.concatenate(close_s) * n + np.concatenate(close_d))
        if close_s
        else np.zeros(0, dtype=np.int64)
    )
    is_close = np.isin(key, close_key)
    rs, rd = role[f_src], role[f_dst]
    same_c = (comm[f_src] == comm[f_dst]) & (comm[f_src] >= 0)
    prob = np.where(same_c, 0.12, 0.04)
    prob = np.where(is_close, 0.85, prob)
    prob = np.where(rd == _CEL, 0.02, prob)
    prob = np.where(rd == _BOU, 0.03, prob)
    prob = np.where((rs == _BOT) | (rd == _BOT), 0.0, prob)
    hit = rng.random(len(prob)) < prob
    i_src, i_dst, close_hit = f_src[hit], f_dst[hit], is_close[hit]
    count = np.where(close_hit, rng.geometric(0.2, len(i_src)), rng.geometric(0.6, len(i_src)))
    count = np.where(role[i_dst] == _CEL, 1, count)
    mix = np.where(close_hit[:, None], _MIX_CLOSE[None, :], _MIX_REGULAR[None, :])
    itype = _pick_types(rng, mix)
    # spam: bursts of single-count mentions/replies to random accounts, mostly not followed
    n_spam = rng.integers(20, 151, n_bot)
    s_src = np.repeat(spam, n_spam)
    s_dst = rng.choice(nb, int(n_spam.sum()))
    s_type = _pick_types(rng, np.broadcast_to(_MIX_SPAM, (len(s_src), len(_MIX_SPAM))))
    inter = pd.DataFrame(
        {
            "source": np.r_[i_src, s_src],
            "target": np.r_[i_dst, s_dst],
            "type": np.r_[itype, s_type],
            "count": np.r_[count, np.ones(len(s_src), dtype=np.int64)],
        }
    )
    inter = inter.groupby(["source", "target", "type"], as_index=False, sort=True).agg(
        count=("count", "sum")
    )

    # --- users -------------------------------------------------------------------------------
    ids = np.array([f"p{i:06d}" for i in range(n)], dtype=object)
    indeg = np.bincount(f_dst, minlength=n)
    outdeg = np.bincount(f_src, minlength=n)
    real_in = np.bincount(f_dst[role[f_src] != _BOT], minlength=n)
    followers = np.ceil(indeg * rng.uniform(1.0, 2.0, n)).astype(np.int64)
    followers[insiders] = np.ceil(indeg[insiders] * rng.uniform(1.0, 3.0, len(insiders)))
    followers[celebs] = np.exp(rng.uniform(np.log(1e6), np.log(2e7), n_cel)).astype(np.int64)
    followers[bought] = indeg[bought] + np.exp(rng.uniform(np.log(3e4), np.log(3e5), n_bou)).astype(
        np.int64
    )
    followers[nb:] = indeg[nb:]
    posts = rng.poisson(15, n)
    posts[insiders] = rng.integers(40, 91, len(insiders))
    posts[celebs] = rng.integers(20, 61, n_cel)
    posts[bought] = rng.integers(10, 31, n_bou)
    posts[spam] = rng.integers(50, 201, n_bot)
    posts[farm] = 0
    counts = inter["count"].to_numpy()
    tgt = inter["target"].to_numpy()
    ty = inter["type"].to_numpy()
    real_src = role[inter["source"].to_numpy()] != _BOT
    recv_like = np.bincount(
        tgt[real_src & (ty == "like")], counts[real_src & (ty == "like")], minlength=n
    )
    is_c = real_src & np.isin(ty, ("comment", "reply"))
    recv_comment = np.bincount(tgt[is_c], counts[is_c], minlength=n)
    # the in-sample engagement, extrapolated to the platform audience (fake followers: none)
    audience = np.where(role == _BOU, 1.5, followers / np.maximum(real_in, 1))
    likes = rng.poisson((recv_like + 0.2 * posts) * audience)
    comments = rng.poisson((recv_comment + 0.02 * posts) * audience)
    likes[nb:] = 0
    comments[nb:] = 0
    handle = np.array(
        [f"@acct_{i:x}_{c}" if c >= 0 else f"@acct_{i:x}" for i, c in enumerate(comm)], dtype=object
    )
    users = pd.DataFrame(
        {
            "id": ids,
            "handle": handle,
            "followers": followers,
            "following": outdeg + rng.integers(0, 50, n),
            "posts": posts,
            "likes": likes,
            "comments": comments,
        }
    )
    follows = pd.DataFrame({"follower": ids[f_src], "followed": ids[f_dst]})
    interactions = pd.DataFrame(
        {
            "source": ids[inter["source"].to_numpy()],
            "target": ids[inter["target"].to_numpy()],
            "type": inter["type"].to_numpy(),
            "count": inter["count"].to_numpy(dtype=np.int64),
        }
    )
    index = pd.Index(ids, name="id")
    return PlantedNetwork(
        follows=follows,
        interactions=interactions,
        users=users,
        community=pd.Series(comm, index=index, name="community"),
        role=pd.Series(np.array(PLANTED_ROLES, dtype=object)[role], index=index, name="role"),
        params=params,
    )


def _adjacency(u: np.ndarray, v: np.ndarray, n: int) -> list[np.ndarray]:
    s = np.r_[u, v]
    d = np.r_[v, u]
    order = np.argsort(s, kind="stable")
    ptr = np.searchsorted(s[order], np.arange(n + 1))
    d = d[order]
    return [d[ptr[i] : ptr[i + 1]] for i in range(n)]


def _pick_types(rng: np.random.Generator, mix: np.ndarray) -> np.ndarray:
    cum = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    r = rng.random(len(mix))
    idx = np.minimum((r[:, None] >= cum).sum(axis=1), len(_TYPES) - 1)
    return _TYPES[idx]
