"""Ground truth of influence by simulation, independent of the package's estimators.

Two truths for every account of a follower/interaction network:

- :func:`ic_truth`: the expected number of distinct accounts an independent cascade (Kempe,
  Kleinberg & Tardos 2003) seeded at the account alone activates, with influence flowing
  ``followed -> follower`` and a per-tie probability that grows with the interactions on the
  tie, ``p = 1 - (1 - base_p) (1 - q) ** count``. All accounts at once by reverse-reachable
  counting (Borgs, Brautbar, Chayes & Lucier 2014), checked on a sample of accounts by
  forward Monte Carlo.
- :func:`threshold_truth`: advocacy, a fractional-threshold complex contagion (Centola 2010)
  seeded at the account plus its close circle, as in complex centrality (Guilbeault &
  Centola 2021): the final number of adopters beyond the seeds.

Plus the rank metrics the validation harness reports (:func:`precision_at_k`,
:func:`rank_metrics`) and a markdown table writer that needs no ``tabulate``.

Blocked accounts (bots and bought followers in a planted network) never pass content on and are
never counted: they are removed from the simulated graph. Nothing here calls
:mod:`netinfluence.diffusion`; the reference tests use it only as a cross-check.

References
----------
D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a social network",
KDD 2003. C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in nearly
optimal time", SODA 2014. D. Centola, "The spread of behavior in an online social network
experiment", Science 329, 1194-1197 (2010). D. Guilbeault, D. Centola, "Topological measures for
identifying and predicting the spread of complex contagions", Nat. Commun. 12, 4430 (2021).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netinfluence._arrays import row_pointers
from netinfluence.spread._impact import _cascade

__all__ = [
    "TieGraph",
    "branching_ratio",
    "ic_truth",
    "precision_at_k",
    "rank_metrics",
    "spectral_radius",
    "threshold_truth",
    "tie_graph",
]

_MAX_CELLS = 1 << 24  # (cascade, node) cells one batch may hold


@dataclass(frozen=True, eq=False)
class TieGraph:
    """The influence graph of the truths: ``src -> dst`` means ``dst`` sees ``src`` (follows it).

    ``ids`` are all account ids (blocked ones included, isolated in the graph), ``count`` the
    interactions of ``dst`` with ``src``'s content on the tie, ``mutual`` whether the follow
    goes both ways, ``blocked`` the accounts removed from the simulation.
    """

    ids: pd.Index
    src: np.ndarray
    dst: np.ndarray
    count: np.ndarray
    mutual: np.ndarray
    blocked: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    def probabilities(self, base_p: float, q: float) -> np.ndarray:
        """``1 - (1 - base_p) * (1 - q) ** count`` per tie."""
        return 1.0 - (1.0 - base_p) * (1.0 - q) ** self.count


def tie_graph(
    follows: pd.DataFrame,
    interactions: pd.DataFrame | None = None,
    *,
    blocked: Iterable | None = None,
    ids: Iterable | None = None,
) -> TieGraph:
    """Build the influence graph from ``follower, followed`` and ``source, target[, count]``.

    Ties run only along follows (``followed -> follower``); interactions of the follower with
    the followed account's content add to the tie's ``count``. Blocked accounts lose every tie.
    """
    f = follows[["follower", "followed"]]
    all_ids = pd.Index(pd.unique(pd.concat([f["follower"], f["followed"]], ignore_index=True)))
    if ids is not None:
        all_ids = pd.Index(list(ids)).append(all_ids.difference(pd.Index(list(ids))))
    n = len(all_ids)
    src = all_ids.get_indexer(pd.Index(f["followed"]))
    dst = all_ids.get_indexer(pd.Index(f["follower"]))
    keep = src != dst
    key = np.unique(src[keep].astype(np.int64) * n + dst[keep])
    src, dst = key // n, key % n
    count = np.zeros(len(key), dtype=np.int64)
    if interactions is not None and len(interactions):
        it = interactions
        c = it["count"].to_numpy(dtype=np.int64) if "count" in it else np.ones(len(it), np.int64)
        a = all_ids.get_indexer(pd.Index(it["target"]))  # engaged-with account: the influencer
        b = all_ids.get_indexer(pd.Index(it["source"]))
        ok = (a >= 0) & (b >= 0)
        ikey = a[ok].astype(np.int64) * n + b[ok]
        pos = np.searchsorted(key, ikey)
        pos = np.minimum(pos, len(key) - 1)
        hit = key[pos] == ikey if len(key) else np.zeros(0, dtype=bool)
        np.add.at(count, pos[hit], c[ok][hit])
    rev = np.sort(dst * n + src)
    back = src * n + dst  # the reverse of each tie, as a key of the same form
    p = np.searchsorted(rev, back)
    mutual = (p < len(rev)) & (rev[np.minimum(p, len(rev) - 1)] == back)
    blk = np.zeros(n, dtype=bool)
    if blocked is not None:
        pos = all_ids.get_indexer(pd.Index(list(blocked)))
        blk[pos[pos >= 0]] = True
    ok = ~blk[src] & ~blk[dst]
    return TieGraph(
        ids=all_ids, src=src[ok], dst=dst[ok], count=count[ok], mutual=mutual[ok], blocked=blk
    )


def _csr(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(rows, kind="stable")
    return row_pointers(rows, n), cols[order], vals[order]


def _cascades(
    ptr: np.ndarray,
    nbr: np.ndarray,
    prob: np.ndarray,
    starts: np.ndarray,
    n: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Independent cascades, one per entry of ``starts``, all advancing together.

    Returns ``(cascade, node)`` of every activated cell (the start included). ``ptr, nbr, prob``
    is a CSR of out-edges with their probabilities (in-edges for reverse-reachable sets).
    """
    m = len(starts)
    visited = np.zeros(m * n, dtype=bool)
    fc = np.arange(m, dtype=np.int64)
    fv = starts.astype(np.int64)
    visited[fc * n + fv] = True
    out_c, out_v = [fc], [fv]
    while len(fv):
        deg = ptr[fv + 1] - ptr[fv]
        total = int(deg.sum())
        if total == 0:
            break
        first = np.repeat(ptr[fv] - (np.cumsum(deg) - deg), deg)
        pos = first + np.arange(total)
        live = rng.random(total) < prob[pos]
        cand = np.repeat(fc, deg)[live] * n + nbr[pos[live]]
        cand = np.unique(cand)
        cand = cand[~visited[cand]]
        visited[cand] = True
        fc, fv = cand // n, cand % n
        out_c.append(fc)
        out_v.append(fv)
    return np.concatenate(out_c), np.concatenate(out_v)


def spectral_radius(g: TieGraph, prob: np.ndarray, *, iterations: int = 300) -> float:
    """Largest eigenvalue of the transmission matrix ``P[u, v] = p_uv`` (Perron root).

    A single-seed cascade is sub-critical when it is below 1 (on locally tree-like graphs);
    computed with ARPACK, falling back to power iteration.
    """
    from scipy.sparse.linalg import ArpackNoConvergence, eigs

    if len(prob) == 0:
        return 0.0
    mat = sp.csr_matrix((prob, (g.src, g.dst)), shape=(g.n, g.n))
    try:
        val = eigs(mat, k=1, which="LM", return_eigenvectors=False, maxiter=5000, tol=1e-6)
        return float(abs(val[0]))
    except (ArpackNoConvergence, ValueError):  # pragma: no cover - fallback
        x = np.ones(g.n) / np.sqrt(g.n)
        lam = 0.0
        for _ in range(iterations):
            y = mat.T @ x
            lam = float(np.linalg.norm(y))
            if lam == 0:
                return 0.0
            x = y / lam
        return lam


def _calibrate(g: TieGraph, target: float) -> float:
    """``base_p`` that puts the plain follow graph (no interactions) at spectral radius ``target``."""
    rho = spectral_radius(g, np.ones(len(g.src)))
    return float(min(1.0, target / rho)) if rho > 0 else 0.0


def branching_ratio(g: TieGraph, prob: np.ndarray) -> float:
    """Mean offspring of an account reached through a random transmission (no back-step).

    ``R = sum_e p_e (sum_{e' out of dst(e), e' != reverse(e)} p_e') / sum_e p_e``: the
    edge-based mean-field (non-backtracking) branching ratio; 1 is the critical point on a
    locally tree-like graph, and dense clusters push it up locally without a global cascade.
    """
    if len(prob) == 0 or prob.sum() == 0:
        return 0.0
    n = g.n
    out = np.bincount(g.src, prob, minlength=n)
    key = g.src * n + g.dst  # sorted (tie_graph keeps the unique key order)
    rk = g.dst * n + g.src
    pos = np.minimum(np.searchsorted(key, rk), len(key) - 1)
    back = np.where(key[pos] == rk, prob[pos], 0.0)
    return float((prob * (out[g.dst] - back)).sum() / prob.sum())


def ic_truth(
    follows: pd.DataFrame,
    interactions: pd.DataFrame | None = None,
    *,
    seed: int,
    runs: int | None = None,
    base_p: float | None = None,
    q: float = 0.02,
    target_radius: float = 0.9,
    blocked: Iterable | None = None,
    check_nodes: int = 40,
    check_runs: int = 400,
) -> pd.DataFrame:
    """Expected single-seed independent-cascade spread of every account.

    Parameters
    ----------
    follows : DataFrame
        ``follower, followed``; influence flows ``followed -> follower``.
    interactions : DataFrame, optional
        ``source, target[, count]``: ``source`` engaged with ``target``'s content. Counts on a
        follow tie raise its probability: ``p = 1 - (1 - base_p) * (1 - q) ** count``.
    seed : int
        Seed of the sampling.
    runs : int, optional
        Reverse-reachable (RR) sets; default ``200 * n`` (top accounts then get relative
        errors of a few per cent).
    base_p : float, optional
        Probability of a tie with no interactions. Default ``target_radius / rho(A)`` with
        ``rho(A)`` the largest eigenvalue of the plain (unblocked) follow graph: without
        interactions the cascade would sit just below the critical point.
    q : float, default 0.02
        Added pass-on chance per interaction on the tie.
    target_radius : float, default 0.9
        Spectral radius of the interaction-free cascade when ``base_p`` is not given.
    blocked : iterable of ids, optional
        Accounts that never pass content on and are never counted (bots, bought followers).
    check_nodes, check_runs : int
        Accounts (the RR top 10 plus random others) re-estimated by forward Monte Carlo with
        ``check_runs`` cascades each; the comparison is in ``attrs["check"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by account id: ``spread`` (expected distinct accounts activated, the seed
        included; 0 for blocked accounts), ``se`` (its standard error). ``attrs``: ``base_p``,
        ``q``, ``spectral_radius`` (of the full transmission matrix), ``branching_ratio``
        (:func:`branching_ratio`), ``mean_spread``, ``max_spread``, ``runs``, ``seconds``,
        ``check`` (records ``id, rr, rr_se, forward, forward_se, z``; a list, so that
        pandas can compare attrs) and ``check_mean_abs_z``,
        ``check_rel_error`` (mean |rr - forward| / forward over the checked accounts).

    Notes
    -----
    An RR set is the set of accounts that reach a uniformly drawn unblocked root in one
    live-edge draw (each tie kept with its probability); the expected spread of ``u`` is
    ``N * P(u in RR)`` with ``N`` unblocked accounts (Borgs et al. 2014). All RR sets of a batch
    advance together over flat ``(set, node)`` state arrays.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    g = tie_graph(follows, interactions, blocked=blocked)
    n = g.n
    if base_p is None:
        base_p = _calibrate(g, target_radius)
    prob = g.probabilities(base_p, q)
    radius = spectral_radius(g, prob)
    branching = branching_ratio(g, prob)
    live = np.flatnonzero(~g.blocked)
    n_live = len(live)
    runs = 200 * n if runs is None else int(runs)
    # reverse CSR: for v, its influencers u with p(u -> v)
    rptr, rnbr, rprob = _csr(g.dst, g.src, prob, n)
    hits = np.zeros(n, dtype=np.int64)
    batch = max(1, _MAX_CELLS // max(n, 1))
    done = 0
    while done < runs:
        m = min(batch, runs - done)
        roots = live[rng.integers(0, n_live, m)]
        _, nodes = _cascades(rptr, rnbr, rprob, roots, n, rng)
        hits += np.bincount(nodes, minlength=n)
        done += m
    share = hits / runs
    spread = n_live * share
    se = n_live * np.sqrt(share * (1 - share) / runs)
    out = pd.DataFrame({"spread": spread, "se": se}, index=g.ids)
    out.index.name = "id"
    # forward Monte Carlo check on a sample of accounts
    check = None
    if check_nodes > 0:
        fptr, fnbr, fprob = _csr(g.src, g.dst, prob, n)
        top = live[np.argsort(-spread[live], kind="stable")[:10]]
        rest = np.setdiff1d(live, top)
        extra = rng.choice(rest, min(len(rest), max(0, check_nodes - len(top))), replace=False)
        chosen = np.r_[top, extra]
        rows = []
        per = max(1, _MAX_CELLS // max(n * check_runs, 1))
        for i in range(0, len(chosen), per):
            part = chosen[i : i + per]
            starts = np.repeat(part, check_runs)
            cas, _ = _cascades(fptr, fnbr, fprob, starts, n, rng)
            sizes = np.bincount(cas, minlength=len(starts)).reshape(len(part), check_runs)
            for node, row in zip(part, sizes, strict=True):
                rows.append(
                    (
                        g.ids[node],
                        spread[node],
                        se[node],
                        row.mean(),
                        row.std(ddof=1) / np.sqrt(check_runs),
                    )
                )
        check = pd.DataFrame(
            rows, columns=["id", "rr", "rr_se", "forward", "forward_se"]
        ).set_index("id")
        spread_se = (check["rr_se"] ** 2 + check["forward_se"] ** 2) ** 0.5
        check["z"] = (check["rr"] - check["forward"]) / spread_se.where(spread_se > 0)
    out.attrs.update(
        {
            "base_p": float(base_p),
            "q": q,
            "spectral_radius": radius,
            "target_radius": target_radius,
            "branching_ratio": branching,
            "mean_spread": float(spread[live].mean()),
            "max_spread": float(spread.max()),
            "runs": runs,
            "nodes": n,
            "unblocked": n_live,
            "seconds": time.perf_counter() - t0,
            "check": check.reset_index().to_dict("records") if check is not None else None,
            "check_mean_abs_z": float(check["z"].abs().mean()) if check is not None else None,
            "check_rel_error": float(
                ((check["rr"] - check["forward"]).abs() / check["forward"]).mean()
            )
            if check is not None
            else None,
        }
    )
    return out


def threshold_truth(
    follows: pd.DataFrame,
    interactions: pd.DataFrame | None = None,
    *,
    seed: int,
    runs: int = 3,
    theta: tuple[float, float] = (0.15, 0.35),
    circle: int = 8,
    blocked: Iterable | None = None,
    batch: int = 256,
) -> pd.DataFrame:
    """Final adopters of a fractional-threshold (complex) contagion seeded at each account.

    Parameters
    ----------
    follows, interactions : DataFrame
        As for :func:`ic_truth`.
    seed : int
        Seed of the thresholds.
    runs : int, default 3
        Independent draws of the thresholds (each run seeds every account once).
    theta : (float, float), default (0.15, 0.35)
        Each account's threshold ``theta_v ~ U[theta)``: it adopts once at least that share of
        the (unblocked) accounts it follows have adopted (Centola 2010; Watts 2002).
    circle : int, default 8
        The seed set of account ``s`` is ``s`` plus up to ``circle`` of its close circle: the
        accounts in a mutual follow with ``s``, most interactions on the tie first (complex
        centrality seeds a node's neighbourhood; Guilbeault & Centola 2021).
    blocked : iterable of ids, optional
        Accounts removed (never adopt, never count, not in any denominator).
    batch : int
        Seed sets simulated together (columns of one sparse-dense product).

    Returns
    -------
    pandas.DataFrame
        Indexed by account id: ``adopters`` (mean final adopters beyond the seed set; 0 for
        blocked accounts), ``seed_set`` (its size). ``attrs``: ``runs``, ``theta``,
        ``circle``, ``mean_adopters``, ``global_share`` (share of seed sets that reach 10 % of
        the accounts), ``seconds``.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    g = tie_graph(follows, interactions, blocked=blocked)
    n = g.n
    live = np.flatnonzero(~g.blocked)
    # exposure[v] = share of the accounts v follows that adopted: row-normalised (dst, src)
    k_in = np.bincount(g.dst, minlength=n).astype(float)
    w = 1.0 / k_in[g.dst]
    mat = sp.csr_matrix((w.astype(np.float32), (g.dst, g.src)), shape=(n, n))
    # close circle: mutual ties, most interactions (both directions summed) first
    m = g.mutual
    a, b = g.src[m], g.dst[m]
    key_ab = a * n + b
    order_key = np.argsort(key_ab)
    rev_pos = order_key[np.searchsorted(key_ab[order_key], b * n + a)]
    strength = g.count[m] + g.count[m][rev_pos]
    o = np.lexsort((-strength, a))
    a_s, b_s = a[o], b[o]
    ptr = np.searchsorted(a_s, np.arange(n + 1))
    seeds_of = [np.r_[s, b_s[ptr[s] : min(ptr[s + 1], ptr[s] + circle)]] for s in range(n)]
    sizes = np.array([len(x) for x in seeds_of])
    total = np.zeros(n)
    reached_global = np.zeros(n)
    for _ in range(runs):
        th = rng.uniform(theta[0], theta[1], n).astype(np.float32)
        th[g.blocked] = np.inf
        th[k_in == 0] = np.inf
        adopted = _cascade(mat, th, [seeds_of[s] for s in live.tolist()], batch)
        total[live] += adopted - sizes[live]
        reached_global[live] += adopted >= 0.1 * len(live)
    adopters = total / runs
    adopters[g.blocked] = 0.0
    out = pd.DataFrame({"adopters": adopters, "seed_set": sizes}, index=g.ids)
    out.index.name = "id"
    out.attrs.update(
        {
            "runs": runs,
            "theta": theta,
            "circle": circle,
            "mean_adopters": float(adopters[live].mean()),
            "max_adopters": float(adopters.max()),
            "global_share": float((reached_global[live] / runs).mean()),
            "seconds": time.perf_counter() - t0,
        }
    )
    return out


# ---------------------------------------------------------------------------- metrics


def precision_at_k(score: pd.Series, truth: pd.Series, k: int, *, true_top: int = 100) -> float:
    """Share of a ranking's top ``k`` that is in the true top ``true_top``.

    Ties in ``score`` at the cut are resolved in expectation: the ``s`` remaining slots are
    shared by the ``t`` tied accounts, each counting ``s / t`` (random tie-breaking). The true
    top is the ``true_top`` largest truth values, ties at its cut broken by position. Accounts
    missing from ``score`` (or NaN) rank last.

    Examples
    --------
    >>> truth = pd.Series([9, 8, 7, 1, 0], index=list("abcde"))
    >>> precision_at_k(pd.Series([5, 4, 0, 3, 0], index=list("abcde")), truth, 2, true_top=3)
    1.0
    >>> precision_at_k(pd.Series([1, 1, 1, 1, 0], index=list("abcde")), truth, 2, true_top=3)
    0.75
    """
    t = truth.astype(float)
    s = score.reindex(t.index).astype(float)
    s = s.fillna(-np.inf)
    top_true = set(t.index[np.argsort(-t.to_numpy(), kind="stable")[:true_top]])
    vals = s.to_numpy()
    k = min(k, len(vals))
    cut = np.sort(vals)[::-1][k - 1]
    above = vals > cut
    tied = vals == cut
    in_top = t.index.isin(list(top_true))
    slots = k - int(above.sum())
    hits = float(in_top[above].sum()) + slots * float(in_top[tied].sum()) / float(tied.sum())
    return hits / k


def rank_metrics(
    score: pd.Series, truth: pd.Series, *, ks: tuple[int, ...] = (50, 100), true_top: int = 100
) -> dict[str, float]:
    """``p@k`` for each ``k`` against the true top ``true_top``, and Spearman's rho (all accounts)."""
    from scipy.stats import spearmanr

    s = score.reindex(truth.index).astype(float)
    out = {f"p@{k}": precision_at_k(s, truth, k, true_top=true_top) for k in ks}
    filled = s.fillna(s.min() - 1 if s.notna().any() else 0.0).to_numpy()
    out["spearman"] = (
        float(spearmanr(filled, truth.to_numpy(dtype=float)).statistic)
        if np.ptp(filled) > 0
        else float("nan")
    )
    return out
