"""Campaign planning: a budgeted set of seed accounts whose audiences do not just overlap.

:func:`plan_campaign` chooses seeds that maximise the expected spread of a message (CELF lazy
greedy over sampled live-edge worlds on small graphs, IMM reverse-reachable sampling with the
``1 - 1/e - epsilon`` guarantee on large ones), under a seed count or a budget with per-tier
or per-account costs, optionally covering chosen communities with at least one insider each.
It reports the chosen set beside the naive plan (the biggest accounts by followers within the
same budget): expected spread measured by an independent forward Monte Carlo, combined 2-hop
audience, pairwise audience overlap and spread per community.
"""

from __future__ import annotations

import heapq
import logging
import math
import warnings
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence._arrays import row_pointers, unique
from netinfluence._check import choice, integer, make_rng, positive
from netinfluence._progress import task
from netinfluence.errors import InputError
from netinfluence.metrics import communities, is_insider, roles, set_reach
from netinfluence.metrics._engagement import _bands, platform_followers
from netinfluence.network import match_ids
from netinfluence.spread._diffusion import (
    _VISIT_CELLS,
    _Z95,
    DiffusionModel,
    RRCost,
    _lt_pick,
    _simulate,
    _spans,
    diffusion_model,
    rr_sets,
)
from netinfluence.spread._impact import counted_weights, plan_advocacy, threshold_spread
from netinfluence.spread._impact import objective as check_objective

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = [
    "DEFAULT_COSTS",
    "METHODS",
    "SEED_COLUMNS",
    "CampaignPlan",
    "account_costs",
    "plan_campaign",
]

logger = logging.getLogger(__name__)

#: Seed-selection methods of :func:`plan_campaign`.
METHODS = ("auto", "celf", "imm")
#: ``method="auto"`` runs CELF up to this many nodes, IMM above.
AUTO_CELF_MAX_NODES = 1500
#: IMM never draws more reverse-reachable sets than this (a warning says the guarantee is
#: then weaker).
IMM_MAX_RR_SETS = 5_000_000
#: Columns every seeds table starts with.
SEED_COLUMNS = (
    "order",
    "node",
    "marginal_gain",
    "cumulative_spread",
    "handle",
    "tier",
    "cost",
    "followers",
    "community",
    "insider",
)

#: Illustrative placeholder cost per post by follower band, in any currency unit: nano
#: (<1k) 100, micro 500 (1k-10k) and 2,000 (10k-100k), macro 10,000, mega 50,000, and 100 for
#: accounts without a follower count. They only set the ratios between tiers; replace them
#: with real rate cards (``costs=``, CLI ``--costs``).
DEFAULT_COSTS: Mapping[str, float] = MappingProxyType(
    {
        "<1k": 100.0,
        "1k-10k": 500.0,
        "10k-100k": 2_000.0,
        "100k-1M": 10_000.0,
        "1M+": 50_000.0,
        "unknown": 100.0,
    }
)
_TIER_BANDS = {
    "nano": ("<1k",),
    "micro": ("1k-10k", "10k-100k"),
    "macro": ("100k-1M",),
    "mega": ("1M+",),
    "unknown": ("unknown",),
}
_KEY_COLUMNS = ("tier", "band", "tier_band")
_ID_COLUMNS = ("id", "node", "account", "user", "handle", "user_id", "username")


# ---------------------------------------------------------------------------- costs


def account_costs(net: Network, costs=None) -> pd.Series:
    """Cost of each account as a seed, from its follower tier or an explicit price.

    Parameters
    ----------
    net : Network
    costs : None, number, mapping, Series or DataFrame, optional
        None: :data:`DEFAULT_COSTS` by follower band. A number: one price for everyone.
        A mapping ``{tier or band: cost}`` (``nano, micro, macro, mega, unknown`` or
        ``<1k, 1k-10k, 10k-100k, 100k-1M, 1M+``; a band beats its tier) overrides those
        defaults. A Series indexed by node id gives per-account prices. A DataFrame with a
        ``cost`` column and a ``tier``/``band`` column (tier prices) or an
        ``id``/``node``/``handle`` column (per-account prices; ids or handles).

    Returns
    -------
    pandas.Series
        float, named ``cost``, indexed by node id. ``attrs["unknown_accounts"]`` lists
        per-account prices for ids not in the network (ignored).

    Raises
    ------
    InputError
        Unknown tier name, missing ``cost`` column, or a cost that is not a positive number.

    Examples
    --------
    >>> import pandas as pd
    >>> import netinfluence as ni
    >>> users = pd.DataFrame({"id": ["a", "b", "c"], "followers": [500, 25_000, 3_000_000]})
    >>> net = ni.read_network(users=users)
    >>> account_costs(net).tolist()
    [100.0, 2000.0, 50000.0]
    >>> account_costs(net, {"micro": 800}).tolist()
    [100.0, 800.0, 50000.0]
    """

    _, band, _ = _bands(net, None)
    band_arr = band.to_numpy(dtype=object)
    table = dict(DEFAULT_COSTS)
    per_account: dict[int, float] = {}
    unknown: list = []
    if costs is None:
        pass
    elif isinstance(costs, (int, float, np.integer, np.floating)) and not isinstance(costs, bool):
        value = positive("cost", costs)
        table = dict.fromkeys(table, value)
    elif isinstance(costs, Mapping):
        table.update(_tier_prices(costs.items()))
    elif isinstance(costs, pd.Series):
        per_account, unknown = _account_prices(net, costs.index, costs.to_numpy())
    elif isinstance(costs, pd.DataFrame):
        frame = costs.rename(columns=lambda c: str(c).strip().lower())
        if "cost" not in frame.columns:
            raise InputError(
                f"a costs table needs a 'cost' column; columns found: {list(costs.columns)}"
            )
        key = next((c for c in _KEY_COLUMNS if c in frame.columns), None)
        idc = next((c for c in _ID_COLUMNS if c in frame.columns), None)
        if key is not None:
            table.update(_tier_prices(zip(frame[key], frame["cost"], strict=True)))
        elif idc is not None:
            per_account, unknown = _account_prices(net, frame[idc], frame["cost"].to_numpy())
        else:
            raise InputError(
                f"a costs table needs a tier (or band) column or an id column "
                f"beside 'cost'; columns found: {list(costs.columns)}"
            )
    else:
        raise InputError(
            f"costs must be None, a number, a mapping of tier to cost, a Series "
            f"or a DataFrame; got {type(costs).__name__}"
        )
    values = np.array([table[b] for b in band_arr], dtype=float)
    for pos, value in per_account.items():
        values[pos] = value
    out = net.series(values, "cost", dtype=float)
    out.attrs["unknown_accounts"] = unknown
    return out


def _tier_prices(items) -> dict[str, float]:
    bands_lower = {b.lower(): b for b in DEFAULT_COSTS}
    by_tier: dict[str, float] = {}
    by_band: dict[str, float] = {}
    for key, value in items:
        k = str(key).strip().lower()
        price = positive(f"cost of {key!r}", value)
        if k in bands_lower:
            by_band[bands_lower[k]] = price
        elif k in _TIER_BANDS:
            for b in _TIER_BANDS[k]:
                by_tier[b] = price
        else:
            raise InputError(
                f"unknown tier {key!r} in costs; use one of "
                f"{sorted(_TIER_BANDS)} or a band {list(DEFAULT_COSTS)}"
            )
    by_tier.update(by_band)  # a band beats its tier
    return by_tier


def _account_prices(net: Network, keys, values) -> tuple[dict[int, float], list]:

    prices: dict[int, float] = {}
    unknown = []
    for key, value in zip(list(keys), list(values), strict=True):
        price = positive(f"cost of account {key!r}", value)
        pos, missing = match_ids(net, [key])
        if missing:
            unknown.append(str(key))
            continue
        prices[int(pos[0])] = price
    return prices, unknown


# ---------------------------------------------------------------------------- oracles


class _Coverage:
    """Spread estimated from reverse-reachable sets: ``n/R`` times the sets a seed set hits."""

    def __init__(self, n: int, ptr: np.ndarray, members: np.ndarray):
        self.n = n
        self.R = len(ptr) - 1
        self.ptr = ptr
        self.members = members
        set_id = np.repeat(np.arange(self.R, dtype=np.int32), np.diff(ptr))
        order = np.argsort(members, kind="stable")
        self.node_ptr = row_pointers(members[order], n)
        self.node_sets = set_id[order]
        self.base = np.bincount(members, minlength=n).astype(np.int64)
        self.scale = n / max(self.R, 1)
        self.reset()

    def reset(self) -> None:
        self.counts = self.base.copy()
        self.covered = np.zeros(self.R, dtype=bool)
        self.n_covered = 0

    def singletons(self) -> np.ndarray:
        return self.base * self.scale

    def gain(self, v: int) -> float:
        return self.counts[v] * self.scale

    def add(self, v: int) -> float:
        sets = self.node_sets[self.node_ptr[v] : self.node_ptr[v + 1]]
        sets = sets[~self.covered[sets]]
        if len(sets):
            self.covered[sets] = True
            self.n_covered += len(sets)
            e, _ = _spans(self.ptr, sets.astype(np.int64))
            np.subtract.at(self.counts, self.members[e], 1)
        return len(sets) * self.scale

    def value(self) -> float:
        return self.n_covered * self.scale


class _Worlds:
    """Spread averaged over ``R`` sampled live-edge worlds (the CELF objective).

    The worlds are stored as one disjoint graph of ``R * n`` vertices plus a super-source
    whose ``R`` out-edges are pointed at the copies of the node being evaluated; one
    breadth-first search (scipy, C) then gives its reach in every world at once. Covered
    vertices lose their out-edges (everything they reach is covered too), so later searches
    only walk the part of the worlds not yet reached.
    """

    def __init__(self, dm: DiffusionModel, runs: int, rng: np.random.Generator):
        n, R = dm.n, runs
        self.n, self.R = n, R
        self.big = R * n
        if self.big + 1 >= 2**31:
            raise InputError(
                f"CELF with {R:,} worlds of {n:,} nodes is too large; use "
                "method='imm' or fewer runs"
            )
        src, dst = _sample_worlds(dm, R, rng)
        order = np.lexsort((dst, src))
        self.src, self.dst = src[order], dst[order]
        self.offsets = np.arange(R, dtype=np.int64) * n
        self._single: np.ndarray | None = None
        self.reset()

    def reset(self) -> None:
        self.covered = np.zeros(self.big, dtype=bool)
        self.n_covered = 0
        self._build(self.src, self.dst)

    def _build(self, src: np.ndarray, dst: np.ndarray) -> None:
        import scipy.sparse as sp

        big, R = self.big, self.R
        indptr = np.empty(big + 2, dtype=np.int64)
        indptr[: big + 1] = row_pointers(src, big)
        indptr[big + 1] = indptr[big] + R
        indices = np.concatenate([dst, self.offsets]).astype(np.int32)
        self.adj = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(big + 1, big + 1))
        self.hook = slice(int(indptr[big]), int(indptr[big + 1]))

    def _reach(self, v: int) -> np.ndarray:
        from scipy.sparse.csgraph import breadth_first_order

        self.adj.indices[self.hook] = self.offsets + v
        order = breadth_first_order(self.adj, self.big, directed=True, return_predecessors=False)
        return order[1:]

    def singletons(self) -> np.ndarray:
        """Mean reach of every node over the worlds (strong components condensed first).

        Nodes of one strong component reach the same set, so reach is counted on the
        condensation (a DAG): frontiers of many components advance together as rows of a
        sparse matrix (``F <- F D``, minus what was reached), and a component's reach is the
        summed size of the components in its row. Cached: it does not depend on the seeds.
        """
        if self._single is not None:
            return self._single
        import scipy.sparse as sp
        from scipy.sparse.csgraph import connected_components

        big = self.big
        adj = sp.csr_matrix(
            (np.ones(len(self.dst)), self.dst.astype(np.int32), row_pointers(self.src, big)),
            shape=(big, big),
        )
        n_comp, memb = connected_components(adj, directed=True, connection="strong")
        size = np.bincount(memb, minlength=n_comp).astype(float)
        cs, cd = memb[self.src].astype(np.int64), memb[self.dst].astype(np.int64)
        cross = cs != cd
        keys = unique(cs[cross] * n_comp + cd[cross])
        dag = sp.csr_matrix(
            (np.ones(len(keys)), ((keys // n_comp), (keys % n_comp))), shape=(n_comp, n_comp)
        )
        reach = size.copy()
        sources = np.flatnonzero(np.diff(dag.indptr))
        step = 1 << 16
        for a in range(0, len(sources), step):
            rows = sources[a : a + step]
            eye = sp.csr_matrix(
                (np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), n_comp)
            )
            seen = eye
            frontier = eye
            while frontier.nnz:
                nxt = frontier @ dag
                nxt.data[:] = 1.0
                frontier = (nxt > seen).astype(float)  # new this level
                seen = seen + frontier
            reach[rows] = seen @ size
        self._single = reach[memb].reshape(self.R, self.n).mean(axis=0)
        return self._single

    def gain(self, v: int) -> float:
        reached = self._reach(v)
        return float((~self.covered[reached]).sum()) / self.R

    def add(self, v: int) -> float:
        reached = self._reach(v)
        fresh = reached[~self.covered[reached]]
        self.covered[fresh] = True
        self.n_covered += len(fresh)
        if len(fresh):
            keep = ~self.covered[self.src]
            self._build(self.src[keep], self.dst[keep])
        return len(fresh) / self.R

    def value(self) -> float:
        return self.n_covered / self.R


def _sample_worlds(
    dm: DiffusionModel, runs: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Live edges of ``runs`` worlds as edges of one disjoint graph (world r: ``r*n + node``)."""
    n, m = dm.n, dm.m
    srcs, dsts = [], []
    if dm.kernel == "lt":
        per = max(1, min(runs, _VISIT_CELLS // max(n, 1)))
        done = 0
        while done < runs:
            c = min(per, runs - done)
            rows = np.tile(np.arange(n, dtype=np.int64), c)
            world = np.repeat(np.arange(done, done + c, dtype=np.int64), n)
            ok, e = _lt_pick(dm, rows, rng)
            srcs.append(world[ok] * n + dm.in_src[e])
            dsts.append(world[ok] * n + rows[ok])
            done += c
    else:
        w32 = dm.out_w32
        per = max(1, min(runs, _VISIT_CELLS // max(m, 1)))
        done = 0
        while done < runs:
            c = min(per, runs - done)
            live = rng.random((c, m), dtype=np.float32) < w32[None, :]
            r, e = np.nonzero(live)
            r = r.astype(np.int64) + done
            srcs.append(r * n + dm.src[e])
            dsts.append(r * n + dm.dst[e])
            done += c
    if not srcs:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    return np.concatenate(srcs), np.concatenate(dsts)


# ---------------------------------------------------------------------------- greedy


def _greedy(
    oracle,
    *,
    k: int | None,
    budget: float | None,
    cost: np.ndarray,
    eligible: np.ndarray,
    groups: list[tuple[Any, np.ndarray]],
    rule: str,
) -> list[tuple[int, float]]:
    """Lazy greedy (CELF) under a seed count and/or budget, covering ``groups`` first.

    ``rule``: ``"unit"`` takes the largest marginal gain, ``"ratio"`` the largest gain per
    unit cost. Returns ``[(position, marginal gain), ...]`` in order of choice.
    """
    oracle.reset()
    n = len(cost)
    limit = k if k is not None else n
    chosen: list[tuple[int, float]] = []
    taken = np.zeros(n, dtype=bool)
    spent = 0.0
    slack = 1e-9 * (budget or 0.0)

    def fits(v: int) -> bool:
        return budget is None or spent + cost[v] <= budget + slack

    def key(g: float, v: int) -> float:
        return g / cost[v] if rule == "ratio" else g

    pending = [(label, pos) for label, pos in groups]
    while pending:
        cands = np.unique(np.concatenate([pos for _, pos in pending]))
        cands = cands[eligible[cands] & ~taken[cands]]
        if budget is not None:
            cands = cands[spent + cost[cands] <= budget + slack]
        if len(chosen) >= limit or not len(cands):
            missing = [label for label, _ in pending]
            raise InputError(
                f"cannot cover communities {missing[:10]} with an insider each: "
                f"{'no eligible insider left within the budget' if len(chosen) < limit else 'k is too small'}"
                "; choose fewer communities, raise k or the budget, or exclude fewer accounts"
            )
        gains = np.array([oracle.gain(int(v)) for v in cands])
        keys = gains / cost[cands] if rule == "ratio" else gains
        best = int(cands[int(np.argmax(keys))])
        chosen.append((best, oracle.add(best)))
        taken[best] = True
        spent += cost[best]
        pending = [(label, pos) for label, pos in pending if best not in set(pos.tolist())]

    bounds = oracle.singletons()
    heap = [(-key(float(bounds[v]), int(v)), int(v), -1) for v in np.flatnonzero(eligible & ~taken)]
    heapq.heapify(heap)
    # with a budget alone the number of seeds is known only at the end
    with task("choosing seeds", k) as tick:
        tick.update(len(chosen))
        while heap and len(chosen) < limit:
            negkey, v, stamp = heapq.heappop(heap)
            if not fits(v):
                continue  # the remaining budget only shrinks
            if stamp == len(chosen):
                if budget is not None and negkey >= 0:
                    break  # nothing left adds spread: keep the money
                chosen.append((v, oracle.add(v)))
                spent += cost[v]
                tick.update(len(chosen))
                continue
            heapq.heappush(heap, (-key(oracle.gain(v), v), v, len(chosen)))
    return chosen


def _select(oracle, *, k, budget, cost, eligible, groups) -> tuple[list[tuple[int, float]], str]:
    """Greedy choice; with a budget the better of the unit-gain and gain-per-cost rules."""
    if budget is None:
        return _greedy(
            oracle, k=k, budget=None, cost=cost, eligible=eligible, groups=groups, rule="unit"
        ), "unit"
    best: list[tuple[int, float]] | None = None
    best_rule, best_value = "", -1.0
    for rule in ("ratio", "unit"):
        picks = _greedy(
            oracle, k=k, budget=budget, cost=cost, eligible=eligible, groups=groups, rule=rule
        )
        value = sum(g for _, g in picks)
        if value > best_value + 1e-12:
            best, best_rule, best_value = picks, rule, value
    assert best is not None  # gains are >= 0, so the first rule always beats -1
    return best, best_rule


def _replay(oracle, positions: Iterable[int]) -> list[tuple[int, float]]:
    """Marginal gains of a given sequence of seeds under the same estimate."""
    oracle.reset()
    return [(int(v), oracle.add(int(v))) for v in positions]


# ---------------------------------------------------------------------------- IMM


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


#: What to change when IMM's reverse-reachable sets would cost too much.
_IMM_HINT = (
    "The spread is far above the epidemic threshold (one account reaches most of the "
    "network, so every reverse-reachable set is that large): raise epsilon (--epsilon, "
    "fewer sets), choose a sparser probability model (probability= / --probability "
    "weighted_cascade, or a smaller constant p / --p), or use method='celf' (--method "
    "celf) on a small network."
)


def _imm(
    dm: DiffusionModel, *, k_eff: int, epsilon: float, ell: float, rng: np.random.Generator, select
) -> tuple[_Coverage, dict]:
    """IMM (Tang, Xiao, Shi 2015): RR sets enough for ``1 - 1/e - epsilon`` w.p. ``1 - n^-ell``.

    Returns a coverage oracle over a fresh final collection (as corrected by W. Chen 2018)
    and the sampling facts.
    """
    n = dm.n
    k_eff = max(1, min(k_eff, n))
    logn = math.log(max(n, 2))
    ell = ell * (1.0 + math.log(2.0) / logn)
    eps_p = math.sqrt(2.0) * epsilon
    lcnk = _log_comb(n, k_eff)
    lam_p = (
        (2.0 + 2.0 / 3.0 * eps_p)
        * (lcnk + ell * logn + math.log(max(math.log2(max(n, 2)), 1.0)))
        * n
        / eps_p**2
    )
    lb = 1.0
    ptr = np.zeros(1, dtype=np.int64)
    members = np.zeros(0, dtype=np.int32)
    capped = False
    cost = RRCost(dm, f"campaign planning (IMM, epsilon={epsilon:g})", _IMM_HINT, stored=True)
    for i in range(1, max(int(math.log2(max(n, 2))), 1)):
        x = n / 2.0**i
        theta_i = math.ceil(lam_p / x)
        if theta_i > IMM_MAX_RR_SETS:
            theta_i, capped = IMM_MAX_RR_SETS, True
        have = len(ptr) - 1
        if theta_i > have:
            p2, m2 = rr_sets(dm, theta_i - have, rng, cost=cost, held=len(members))
            ptr = np.concatenate([ptr, p2[1:] + ptr[-1]])
            members = np.concatenate([members, m2.astype(np.int32)])
        oracle = _Coverage(n, ptr, members)
        picks = select(oracle)
        value = sum(g for _, g in picks)
        if value >= (1.0 + eps_p) * x:
            lb = value / (1.0 + eps_p)
            break
        if capped:
            lb = max(lb, value / (1.0 + eps_p))
            break
    e1 = 1.0 - 1.0 / math.e
    alpha = math.sqrt(ell * logn + math.log(2.0))
    beta = math.sqrt(e1 * (lcnk + ell * logn + math.log(2.0)))
    lam_star = 2.0 * n * (e1 * alpha + beta) ** 2 / epsilon**2
    theta = math.ceil(lam_star / lb)
    if theta > IMM_MAX_RR_SETS:
        theta, capped = IMM_MAX_RR_SETS, True
        warnings.warn(
            f"IMM needs more than {IMM_MAX_RR_SETS:,} reverse-reachable sets for "
            f"epsilon={epsilon}; using {IMM_MAX_RR_SETS:,} (the 1-1/e-epsilon guarantee may not "
            "hold): raise epsilon",
            RuntimeWarning,
            stacklevel=4,
        )
    del ptr, members
    p_final, m_final = rr_sets(dm, theta, rng, cost=cost)
    info = {
        "rr_sets": theta,
        "lower_bound": lb,
        "epsilon": epsilon,
        "ell": ell,
        "k_for_bound": k_eff,
        "capped": capped,
    }
    return _Coverage(n, p_final, m_final.astype(np.int32)), info


# ---------------------------------------------------------------------------- the plan


@dataclass
class CampaignPlan:
    """Result of :func:`plan_campaign`.

    Attributes
    ----------
    seeds : pandas.DataFrame
        The chosen accounts in order of choice, columns :data:`SEED_COLUMNS`
        (``order, node, marginal_gain, cumulative_spread, handle, tier, cost, followers,
        community, insider``); gains are the optimiser's estimate, in accounts.
    naive : pandas.DataFrame
        The naive plan (largest accounts by followers within the same count or budget),
        same columns, gains under the same estimate.
    summary : pandas.DataFrame
        Indexed by ``measure``, columns ``plan`` and ``naive``: ``seeds``, ``cost``,
        ``estimated_spread``, ``expected_spread`` (independent forward Monte Carlo) with
        ``spread_std``, ``spread_ci_low``, ``spread_ci_high``, ``spread_per_1000_cost``,
        ``audience_2hop`` (distinct accounts within ``hops``), ``audience_sum`` (sum of
        the seeds' own audiences), ``audience_duplicated_share`` (1 - distinct / sum),
        ``mean_pairwise_overlap``, ``communities_with_seed``, ``communities_reached``
        (expected activations >= 1).
    communities : pandas.DataFrame
        Indexed by ``community``: ``size``, ``plan_seeds``, ``plan_spread`` (expected
        activated accounts), ``naive_seeds``, ``naive_spread``.
    overlap, naive_overlap : pandas.DataFrame
        Pairwise audience overlap of the seeds (see :func:`netinfluence.metrics.set_reach`).
    parameters : dict
        Everything that made the plan: model, probability, method, rule, RR sets or worlds,
        seed, costs, constraints.
    """

    seeds: pd.DataFrame
    naive: pd.DataFrame
    summary: pd.DataFrame
    communities: pd.DataFrame
    overlap: pd.DataFrame
    naive_overlap: pd.DataFrame
    parameters: dict = field(default_factory=dict)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Extra sheets for a workbook: summary, naive plan, communities, overlaps, parameters."""
        params = pd.DataFrame(
            {
                "parameter": list(self.parameters),
                "value": [str(v) for v in self.parameters.values()],
            }
        )
        return {
            "summary": self.summary.reset_index(),
            "naive plan": self.naive,
            "communities": self.communities.reset_index(),
            "overlap": _labelled(self.overlap),
            "naive overlap": _labelled(self.naive_overlap),
            "parameters": params,
        }


def _advocacy_plan(net: Network, k: int, *, exclude, seed) -> CampaignPlan:
    """The advocacy plan beside the top-followers and top-degree plans (see plan_campaign)."""
    n = net.n_nodes
    counted = counted_weights(net)
    eligible = np.ones(n, dtype=bool)
    unknown: list = []
    if exclude is not None:
        pos, unknown = match_ids(net, list(exclude))
        eligible[pos] = False
    if k > int((eligible & (counted > 0)).sum()):
        raise InputError(f"k={k} is larger than the eligible accounts")
    seed_n = seed if isinstance(seed, (int, np.integer)) else int(make_rng(seed).integers(2**31))
    picked = plan_advocacy(net, k, counted=counted, eligible=eligible, seed=seed_n)
    plan_pos = net.position(picked["node"].tolist())
    followers = platform_followers(net).to_numpy(dtype=float)
    src, _, _ = net.edge_arrays("ties")
    degree = np.bincount(src, minlength=n).astype(float)
    order_f = np.lexsort((-degree, -np.nan_to_num(followers, nan=-1.0)))
    naive_pos = order_f[eligible[order_f]][:k]
    order_d = np.argsort(-degree, kind="stable")
    degree_pos = order_d[eligible[order_d]][:k]
    value = threshold_spread(
        net, [plan_pos, naive_pos, degree_pos], counted=counted, draws=20, seed=seed_n + 1
    )
    cost = np.ones(n)
    zero = np.zeros(n, dtype=int)
    seeds = _seed_table(
        net,
        list(zip(plan_pos.tolist(), picked["marginal_gain"].tolist(), strict=True)),
        cost,
        zero,
        None,
    )
    naive = _seed_table(net, [(int(v), np.nan) for v in naive_pos], cost, zero, None)
    summary = pd.DataFrame(
        {
            "plan": [float(k), value[0]],
            "naive": [float(k), value[1]],
            "top_degree": [float(k), value[2]],
        },
        index=pd.Index(["seeds", "expected_adopters"], name="measure"),
    )
    return CampaignPlan(
        seeds,
        naive,
        summary,
        pd.DataFrame(index=pd.Index([], name="community")),
        set_reach(net, list(seeds["node"])).overlap,
        set_reach(net, list(naive["node"])).overlap,
        {
            "objective": "advocacy",
            "k": k,
            "threshold": "U[0.15, 0.35]",
            "evaluation_draws": 20,
            "top_degree_seeds": net.ids.take(degree_pos).tolist(),
            "unknown_exclusions": [str(u) for u in unknown],
            "seed": seed_n,
        },
    )


def _labelled(overlap: pd.DataFrame) -> pd.DataFrame:
    out = overlap.copy()
    out.columns = [str(c) for c in out.columns]
    out.index = pd.Index([str(i) for i in out.index], name="node")
    return out.reset_index()


def plan_campaign(
    net: Network,
    *,
    k: int | None = None,
    budget: float | None = None,
    costs=None,
    model: str = "ic",
    probability: str | None = None,
    p: float = 0.1,
    layer: str | None = None,
    per_community: int | Iterable | None = None,
    exclude: Iterable[Hashable] | None = None,
    method: str = "auto",
    runs: int = 1000,
    epsilon: float = 0.1,
    evaluation_runs: int = 2000,
    labels: pd.Series | None = None,
    insiders: pd.Series | None = None,
    hops: int = 2,
    seed: int | np.random.Generator | None = 0,
    objective: str = "awareness",
) -> CampaignPlan:
    """Choose seed accounts that maximise expected spread, within a seed count or a budget.

    Parameters
    ----------
    net : Network
    k : int, optional
        Number of seeds (with ``budget``: at most this many).
    budget : float, optional
        Total cost the seeds may use (see ``costs``). Give ``k``, ``budget`` or both.
    costs : optional
        Prices per tier or per account, see :func:`account_costs` (defaults
        :data:`DEFAULT_COSTS`, illustrative placeholders).
    model, probability, p, layer
        Diffusion model, as in :func:`netinfluence.spread.simulate_spread` (IC with
        tie-strength probabilities by default).
    per_community : int or iterable of labels, optional
        Coverage mode: at least one insider (:func:`netinfluence.metrics.is_insider`) among the
        seeds for each chosen community: an int ``c`` chooses the ``c`` largest communities,
        an iterable names the labels.
    exclude : iterable of ids or handles, optional
        Accounts never chosen (in either plan). Unknown names are listed in
        ``parameters["unknown_exclusions"]``.
    method : {"auto", "celf", "imm"}
        ``celf``: lazy greedy over ``runs`` sampled live-edge worlds; ``imm``:
        reverse-reachable sampling with the ``1 - 1/e - epsilon`` guarantee; ``auto``: CELF
        up to :data:`AUTO_CELF_MAX_NODES` nodes, else IMM.
    runs : int, default 1000
        Live-edge worlds sampled by CELF.
    epsilon : float, default 0.1
        IMM's approximation slack (smaller: more RR sets).
    evaluation_runs : int, default 2000
        Forward Monte Carlo cascades that measure both plans, independent of the selection.
    labels : pandas.Series, optional
        Community partition; Leiden with ``seed`` when not given.
    insiders : pandas.Series of bool, optional
        Insider flag per node (coverage mode); from :func:`netinfluence.metrics.roles` when not
        given.
    hops : int, default 2
        Audience radius of the overlap figures.
    seed : int, numpy.random.Generator or None, default 0
        The same seed gives the same plan; selection and evaluation use independent streams.
    objective : {"awareness", "advocacy"}, default "awareness"
        ``"awareness"``: expected distinct accounts reached (independent cascade, the
        options above). ``"advocacy"``: adopters of a fractional-threshold (complex)
        contagion; seeds chosen greedily to reinforce each other
        (:func:`netinfluence.spread.plan_advocacy`, needs ``k``); the summary then compares
        ``plan``, ``naive`` (top followers) and ``top_degree`` by ``expected_adopters``
        (20 threshold draws independent of the selection).

    Returns
    -------
    CampaignPlan
        ``seeds`` (columns ``order, node, marginal_gain, cumulative_spread, handle, tier,
        cost, followers, community, insider``), ``naive``, ``summary`` (plan vs naive),
        ``communities``, ``overlap``, ``naive_overlap``, ``parameters``.

    Raises
    ------
    InputError
        Neither ``k`` nor ``budget``; ``k`` larger than the eligible accounts; an unknown
        method or model option; a budget below every price; communities that cannot each get
        an insider.

    Notes
    -----
    Spread follows the influence direction and counts the seeds. *CELF* (J. Leskovec, A.
    Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance, "Cost-effective outbreak
    detection in networks", KDD 2007): the objective is the mean spread over ``runs`` sampled
    live-edge worlds (each IC edge live with its probability; in LT each account keeps one
    in-edge chosen with its weight: D. Kempe, J. Kleinberg, E. Tardos, KDD 2003), which is
    submodular, so stale marginal gains are upper bounds and a lazy max-heap re-evaluates only
    the top. One evaluation is a breadth-first search over all worlds at once (scipy, C).

    *IMM* (Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a
    martingale approach", SIGMOD 2015): ``theta`` reverse-reachable sets, with ``theta`` from
    a lower bound on the optimum found by doubling, so that greedy maximum coverage is within
    ``1 - 1/e - epsilon`` of the optimum with probability ``1 - n^-1``; the final sets are
    drawn afresh, as W. Chen, "An issue in the martingale analysis of the influence
    maximization algorithm IMM" (2018) recommends. Expected time
    ``O((k + l) (n + m) log n / epsilon^2)``. The guarantee is for a seed count; with a
    budget ``k`` is bounded by the most seeds the budget buys. Far above the epidemic
    threshold (one account alone reaches most of the network, as with the default tie
    probabilities on dense samples) every RR set is as large as that outbreak and sampling
    slows down accordingly: raise ``epsilon`` or use sparser probabilities.

    *Budget*: the better of the greedy by marginal gain and the greedy by gain per unit cost
    (CELF's rule; at least ``(1 - 1/e) / 2`` of the optimum on the estimate), skipping
    accounts that no longer fit. *Coverage*: first, while a chosen community has no insider,
    the best insider of such communities is added; then the greedy continues freely (no
    formal guarantee). The naive plan walks accounts by platform followers (graph audience
    where unknown), taking each that fits.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "a"), ("d", "a"), ("f", "e"),
    ...                              ("g", "e"), ("h", "e"), ("x", "h")])  # b follows a ...
    >>> plan = plan_campaign(net, k=2, probability="constant", p=1.0, seed=1)
    >>> plan.seeds[["order", "node", "marginal_gain", "cumulative_spread"]]
       order node  marginal_gain  cumulative_spread
    0      1    e            5.0                5.0
    1      2    a            4.0                9.0
    >>> plan.summary.loc[["expected_spread", "audience_2hop"]]
                     plan  naive
    measure
    expected_spread   9.0    9.0
    audience_2hop     7.0    7.0
    """
    if k is None and budget is None:
        raise InputError("give k (a number of seeds) or budget (with costs), or both")
    if check_objective(objective) == "advocacy":
        if k is None:
            raise InputError("objective='advocacy' plans a number of seeds: give k")
        return _advocacy_plan(net, integer("k", k, minimum=1), exclude=exclude, seed=seed)
    if k is not None:
        k = integer("k", k, minimum=1)
    if budget is not None:
        budget = positive("budget", budget)
    method_name = choice("method", method, METHODS)
    runs = integer("runs", runs, minimum=1)
    evaluation_runs = integer("evaluation_runs", evaluation_runs, minimum=1)
    hops = integer("hops", hops, minimum=1)
    try:
        eps = float(epsilon)
    except (TypeError, ValueError):
        eps = np.nan
    if not (np.isfinite(eps) and 0 < eps < 1):
        raise InputError(f"epsilon must be a number in (0, 1), got {epsilon!r}")
    dm = diffusion_model(net, model=model, probability=probability, p=p, layer=layer)
    n = net.n_nodes
    if n == 0:
        raise InputError("the network has no nodes to choose from")
    rng = make_rng(seed)
    select_rng, eval_rng = rng.spawn(2)

    cost_series = account_costs(net, costs)
    cost = cost_series.to_numpy(dtype=float)
    eligible = np.ones(n, dtype=bool)
    unknown_excl: list = []
    if exclude is not None:
        if isinstance(exclude, (str, bytes)):
            exclude = [exclude]
        pos, unknown_excl = match_ids(net, list(exclude))
        eligible[pos] = False
    n_eligible = int(eligible.sum())
    if k is not None and k > n_eligible:
        raise InputError(f"k={k} is more than the {n_eligible:,} accounts that may be chosen")
    if budget is not None and not (eligible & (cost <= budget)).any():
        raise InputError(
            f"budget {budget:,.0f} is below the price of every eligible account "
            f"(cheapest {cost[eligible].min():,.0f})"
        )

    labels = _labels(net, labels, seed)
    label_arr = labels.to_numpy()
    groups: list[tuple[Any, np.ndarray]] = []
    chosen_communities: list = []
    insider_arr = None
    if per_community is not None:
        insider_arr = _insiders(net, labels, insiders)
        chosen_communities = _chosen_communities(labels, per_community)
        for c in chosen_communities:
            groups.append((c, np.flatnonzero((label_arr == c) & insider_arr)))
        empty = [c for c, pos in groups if not len(pos)]
        if empty:
            raise InputError(
                f"communities {empty[:10]} have no insider; choose other "
                "communities (per_community) or pass insiders="
            )
    elif insiders is not None:
        insider_arr = _insiders(net, labels, insiders)

    if method_name == "auto":
        method_name = "celf" if n <= AUTO_CELF_MAX_NODES else "imm"
    params: dict[str, Any] = {
        "objective": "awareness",
        "model": dm.model,
        "probability": dm.probability,
        "p": dm.p,
        "layer": dm.layer,
        "method": method_name,
        "k": k,
        "budget": budget,
        "per_community": chosen_communities or None,
        "excluded": int(n - n_eligible),
        "unknown_exclusions": [str(u) for u in unknown_excl],
        "evaluation_runs": evaluation_runs,
        "hops": hops,
        "seed": seed if not isinstance(seed, np.random.Generator) else "Generator",
        "costs": "default tier costs" if costs is None else "given",
        "unknown_cost_accounts": cost_series.attrs.get("unknown_accounts", []),
    }

    def select(oracle):
        return _select(oracle, k=k, budget=budget, cost=cost, eligible=eligible, groups=groups)

    oracle: _Worlds | _Coverage
    if method_name == "celf":
        oracle = _Worlds(dm, runs, select_rng)
        picks, rule = select(oracle)
        params.update(worlds=runs)
    else:
        k_eff = k if k is not None else int(min(n_eligible, budget // cost[eligible].min()))
        if k is not None and budget is not None:
            k_eff = min(k, k_eff)
        oracle, info = _imm(
            dm,
            k_eff=max(k_eff, 1),
            epsilon=eps,
            ell=1.0,
            rng=select_rng,
            select=lambda o: select(o)[0],
        )
        picks, rule = select(oracle)
        params.update(info)
    params["rule"] = rule
    plan_pos = np.array([v for v, _ in picks], dtype=np.int64)
    naive_pos = _naive(net, dm, k=k, budget=budget, cost=cost, eligible=eligible)
    naive_picks = _replay(oracle, naive_pos)

    plan_eval = _evaluate(dm, plan_pos, evaluation_runs, eval_rng)
    naive_eval = _evaluate(dm, naive_pos, evaluation_runs, eval_rng)
    seeds = _seed_table(net, picks, cost, label_arr, insider_arr)
    naive = _seed_table(net, naive_picks, cost, label_arr, insider_arr)

    plan_aud = set_reach(net, list(seeds["node"]), hops=hops)
    naive_aud = set_reach(net, list(naive["node"]), hops=hops)
    summary = pd.DataFrame(
        {
            "plan": _summary(seeds, plan_eval, plan_aud, label_arr),
            "naive": _summary(naive, naive_eval, naive_aud, label_arr),
        }
    )
    summary.index.name = "measure"
    comm = _per_community(label_arr, seeds, naive, plan_eval, naive_eval, labels)
    return CampaignPlan(seeds, naive, summary, comm, plan_aud.overlap, naive_aud.overlap, params)


def _labels(net: Network, labels, seed) -> pd.Series:
    if labels is None:
        return communities(net, seed=seed if not isinstance(seed, np.random.Generator) else 0)
    if not isinstance(labels, pd.Series):
        raise InputError(
            f"labels must be a pandas Series of community labels, got {type(labels).__name__}"
        )
    if labels.index.equals(net.ids):
        return labels.rename("community")
    missing = net.ids.difference(labels.index)
    if len(missing):
        raise InputError(
            f"labels must cover every node; {len(missing)} missing, e.g. {list(missing[:5])!r}"
        )
    return labels.reindex(net.ids).rename("community")


def _insiders(net: Network, labels: pd.Series, insiders) -> np.ndarray:
    if insiders is None:
        return is_insider(roles(net, labels)).to_numpy(dtype=bool)
    if not isinstance(insiders, pd.Series):
        raise InputError(f"insiders must be a boolean pandas Series, got {type(insiders).__name__}")
    s = insiders if insiders.index.equals(net.ids) else insiders.reindex(net.ids)
    return s.fillna(False).to_numpy(dtype=bool)


def _chosen_communities(labels: pd.Series, per_community) -> list:
    sizes = labels.value_counts()
    order = sorted(sizes.index.tolist(), key=lambda c: (-int(sizes[c]), str(c)))
    if isinstance(per_community, (int, np.integer)) and not isinstance(per_community, bool):
        c = int(per_community)
        if not 1 <= c <= len(order):
            raise InputError(
                f"per_community must be between 1 and the {len(order)} "
                f"communities, got {per_community!r}"
            )
        return order[:c]
    if isinstance(per_community, (str, bytes)) or not isinstance(per_community, Iterable):
        raise InputError(
            f"per_community must be a number of communities or a list of "
            f"community labels, got {per_community!r}"
        )
    wanted = list(dict.fromkeys(per_community))
    known = set(order)
    unknown = [c for c in wanted if c not in known]
    if unknown:
        # labels read from files may be strings of the integer labels
        as_int = []
        for c in wanted:
            try:
                as_int.append(int(c))
            except (TypeError, ValueError):
                as_int.append(c)
        unknown = [c for c in as_int if c not in known]
        wanted = as_int
    if unknown or not wanted:
        raise InputError(
            f"unknown community label(s) {unknown[:10]}; labels are "
            f"{order[:10]}{' ...' if len(order) > 10 else ''}"
        )
    return wanted


def _naive(net: Network, dm: DiffusionModel, *, k, budget, cost, eligible) -> np.ndarray:
    """Accounts by platform followers (graph audience where unknown), taken while they fit."""

    followers = platform_followers(net).to_numpy(dtype=float)
    audience = np.bincount(dm.src, minlength=dm.n).astype(float)
    known = np.isfinite(followers)
    # known follower counts first (largest first), then the rest by graph audience
    order = np.lexsort((np.arange(dm.n), -audience, -np.where(known, followers, 0.0), ~known))
    order = order[eligible[order]]
    if budget is None:
        return order[:k].astype(np.int64)
    chosen: list[int] = []
    spent = 0.0
    slack = 1e-9 * budget
    for v in order:
        if k is not None and len(chosen) >= k:
            break
        if spent + cost[v] <= budget + slack:
            chosen.append(int(v))
            spent += cost[v]
    return np.asarray(chosen, dtype=np.int64)


def _evaluate(dm: DiffusionModel, pos: np.ndarray, runs: int, rng: np.random.Generator) -> dict:
    if not len(pos):
        return {"mean": 0.0, "std": 0.0, "ci": (0.0, 0.0), "activation": np.zeros(dm.n)}
    sizes, counts, _ = _simulate(dm, pos, runs, rng)
    mean = float(sizes.mean())
    std = float(sizes.std(ddof=1)) if runs > 1 else 0.0
    half = _Z95 * std / math.sqrt(runs)
    return {"mean": mean, "std": std, "ci": (mean - half, mean + half), "activation": counts / runs}


def _seed_table(net: Network, picks, cost, label_arr, insider_arr) -> pd.DataFrame:

    pos = np.array([v for v, _ in picks], dtype=np.int64)
    gains = np.array([g for _, g in picks], dtype=float)
    followers, _, tier = _bands(net, None)
    handle = (
        net.nodes["handle"].to_numpy(dtype=object)[pos]
        if "handle" in net.nodes.columns
        else np.full(len(pos), None, dtype=object)
    )
    table = pd.DataFrame(
        {
            "order": np.arange(1, len(pos) + 1),
            "node": net.ids.take(pos).to_numpy(),
            "marginal_gain": gains,
            "cumulative_spread": np.cumsum(gains),
            "handle": handle,
            "tier": tier.to_numpy(dtype=object)[pos],
            "cost": cost[pos],
            "followers": followers.to_numpy(dtype=float)[pos],
            "community": label_arr[pos],
            "insider": (
                insider_arr[pos]
                if insider_arr is not None
                else np.full(len(pos), None, dtype=object)
            ),
        }
    )
    return table


def _summary(table: pd.DataFrame, ev: dict, aud, label_arr) -> pd.Series:
    diag = np.diag(aud.overlap.to_numpy()) if len(table) else np.zeros(0)
    off = aud.overlap.to_numpy()[~np.eye(len(table), dtype=bool)] if len(table) > 1 else np.zeros(0)
    total_cost = float(table["cost"].sum())
    act = ev["activation"]
    per_comm = pd.Series(act).groupby(label_arr).sum()
    return pd.Series(
        {
            "seeds": float(len(table)),
            "cost": total_cost,
            "estimated_spread": float(table["marginal_gain"].sum()),
            "expected_spread": ev["mean"],
            "spread_std": ev["std"],
            "spread_ci_low": ev["ci"][0],
            "spread_ci_high": ev["ci"][1],
            "spread_per_1000_cost": ev["mean"] / total_cost * 1000.0 if total_cost else np.nan,
            "audience_2hop": float(aud.total),
            "audience_sum": float(diag.sum()),
            "audience_duplicated_share": (1.0 - aud.total / diag.sum()) if diag.sum() else 0.0,
            "mean_pairwise_overlap": float(off.mean()) if len(off) else 0.0,
            "communities_with_seed": float(pd.Series(table["community"]).nunique()),
            "communities_reached": float((per_comm >= 1.0).sum()),
        }
    )


def _per_community(label_arr, seeds, naive, plan_eval, naive_eval, labels) -> pd.DataFrame:
    sizes = labels.value_counts()
    index = sorted(sizes.index.tolist(), key=lambda c: (-int(sizes[c]), str(c)))
    plan_spread = pd.Series(plan_eval["activation"]).groupby(label_arr).sum()
    naive_spread = pd.Series(naive_eval["activation"]).groupby(label_arr).sum()
    out = pd.DataFrame(
        {
            "size": sizes.reindex(index).to_numpy(dtype=np.int64),
            "plan_seeds": seeds["community"]
            .value_counts()
            .reindex(index, fill_value=0)
            .to_numpy(dtype=np.int64),
            "plan_spread": plan_spread.reindex(index, fill_value=0.0).to_numpy(dtype=float),
            "naive_seeds": naive["community"]
            .value_counts()
            .reindex(index, fill_value=0)
            .to_numpy(dtype=np.int64),
            "naive_spread": naive_spread.reindex(index, fill_value=0.0).to_numpy(dtype=float),
        },
        index=pd.Index(index, name="community"),
    )
    return out
