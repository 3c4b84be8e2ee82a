"""Do rankings pick real spreaders? The Kitsak et al. (2010) test, on any network.

:func:`spreading_efficiency` measures, for every account, the mean outbreak size of an SIR
epidemic started from it near the epidemic threshold; :func:`validate_rankings` compares
rankings (degree, k-core, PageRank, VoteRank, collective influence and netinfluence's citizen
score) with it: the *imprecision* of each ranking's top ``share`` and Kendall's tau over all
accounts. :func:`plot_validation` draws the table.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netinfluence._check import choice, fraction, integer, make_rng, renamed
from netinfluence.errors import InputError
from netinfluence.metrics import collective_influence, coreness, pagerank, voterank
from netinfluence.network import resolve_layer, undirected_pairs
from netinfluence.scoring._score import citizen_score
from netinfluence.spread._diffusion import DiffusionModel, _rr_estimate

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = [
    "RANKINGS",
    "epidemic_threshold",
    "imprecision",
    "spreading_efficiency",
    "validate_rankings",
]

logger = logging.getLogger(__name__)

#: Rankings :func:`validate_rankings` knows, in table order.
RANKINGS = ("degree", "coreness", "pagerank", "voterank", "collective_influence", "citizen_score")


def _degrees(net: Network, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return (np.bincount(lo, minlength=net.n_nodes) + np.bincount(hi, minlength=net.n_nodes)).astype(
        float
    )


def epidemic_threshold(net: Network, *, layer: str | None = None) -> float:
    """SIR epidemic threshold ``<k> / (<k^2> - <k>)`` of the undirected simple view.

    Parameters
    ----------
    net : Network
    layer : {"follows", "interactions", "ties"}, optional
        Default ``net.default_layer``; ``"ties"`` joins follows and interactions.

    Returns
    -------
    float
        The transmission probability above which an outbreak can reach a finite share of an
        uncorrelated network with this degree sequence.

    Raises
    ------
    InputError
        When no account has two or more neighbours (``<k^2> <= <k>``: no threshold).

    Notes
    -----
    For SIR with recovery after one step (bond percolation with probability ``beta``) on a
    configuration-model network, an outbreak is possible when ``beta > <k> / (<k^2> - <k>)``
    (M. E. J. Newman, "Spread of epidemic disease on networks", Phys. Rev. E 66, 016128,
    2002). Kitsak et al. (2010) run their spreading test slightly above it.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("h", x) for x in "abcd"], directed=False)  # a star
    >>> round(epidemic_threshold(net), 4)  # <k> = 1.6, <k^2> = 4
    0.6667
    """
    lo, hi = undirected_pairs(net, resolve_layer(net, layer))
    k = _degrees(net, lo, hi)
    mean_k = k.mean() if len(k) else 0.0
    mean_k2 = (k**2).mean() if len(k) else 0.0
    if mean_k2 - mean_k <= 0:
        raise InputError(
            "the network has no account with two or more neighbours: SIR has no "
            "epidemic threshold here"
        )
    return float(mean_k / (mean_k2 - mean_k))


def _sir_model(net: Network, beta: float, layer: str | None) -> DiffusionModel:
    lo, hi = undirected_pairs(net, resolve_layer(net, layer))
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    return DiffusionModel.from_arrays(
        net.n_nodes,
        src,
        dst,
        np.full(len(src), beta),
        model="sir",
        probability="constant",
        p=beta,
        layer=resolve_layer(net, layer),
    )


def spreading_efficiency(
    net: Network,
    *,
    beta: float | None = None,
    beta_factor: float = 1.5,
    layer: str | None = None,
    runs: int | None = None,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Mean SIR outbreak size started from each account, near the epidemic threshold.

    Parameters
    ----------
    net : Network
    beta : float, optional
        Transmission probability; default ``beta_factor`` times :func:`epidemic_threshold`
        (capped at 1).
    beta_factor : float, default 1.5
        Multiple of the threshold when ``beta`` is not given.
    layer : {"follows", "interactions", "ties"}, optional
        Default ``net.default_layer``; the epidemic runs on its undirected view.
    runs : int, optional
        Reverse-reachable sets sampled; default ``50 * n`` (at least 20,000).
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    pandas.DataFrame
        Indexed by node id, columns ``spreading_efficiency`` (mean number of accounts ever
        infected, the first included) and ``stderr``. ``attrs``: ``beta``, ``beta_c``,
        ``beta_factor``, ``runs``, ``layer``.

    Raises
    ------
    InputError
        Bad options, or a network without a threshold (see :func:`epidemic_threshold`).

    Notes
    -----
    SIR with recovery after one step: an infected account infects each susceptible neighbour
    with probability ``beta`` and recovers. The set ever infected is the set reached in a
    live-edge graph where each undirected tie is open with probability ``beta`` (both
    directions drawn independently), i.e. independent cascade with constant probability, so
    every account's mean outbreak ``M_i`` comes from one batch of reverse-reachable sets
    (:func:`netinfluence.spread.expected_spread`), unbiased with standard error
    ``~ sqrt(n M_i / runs)``. Cost: ``runs`` times the mean outbreak size times the degree.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "c")], directed=False)
    >>> eff = spreading_efficiency(net, beta=0.3, runs=40000, seed=1)
    >>> eff["spreading_efficiency"].round(1).to_dict()  # ends: 1 + 0.3 + 0.09, middle: 1.6
    {'a': 1.4, 'b': 1.6, 'c': 1.4}
    """
    beta_v, beta_c, factor = _beta(net, beta, beta_factor, layer)
    if runs is not None:
        runs = integer("runs", runs, minimum=1)
    else:
        runs = max(20_000, 50 * net.n_nodes)
    rng = make_rng(seed)
    dm = _sir_model(net, beta_v, layer)
    values, err, used, rse_top = _rr_estimate(dm, runs, 0.05, 0.01, runs, rng)
    out = pd.DataFrame({"spreading_efficiency": values, "stderr": err}, index=net.ids)
    out.attrs.update(
        {
            "beta": beta_v,
            "beta_c": beta_c,
            "beta_factor": factor,
            "runs": used,
            "rse_top": rse_top,
            "layer": dm.layer,
        }
    )
    return out


def _beta(net, beta, beta_factor, layer) -> tuple[float, float, float | None]:
    try:
        beta_c = epidemic_threshold(net, layer=layer)
    except InputError:
        if beta is None:
            raise
        beta_c = float("nan")
    if beta is not None:
        b = fraction("beta", beta, open_low=True)
        return b, beta_c, None
    try:
        f = float(beta_factor)
    except (TypeError, ValueError):
        f = float("nan")
    if not (np.isfinite(f) and f > 0):
        raise InputError(f"beta_factor must be a positive number, got {beta_factor!r}")
    return min(1.0, f * beta_c), beta_c, f


def imprecision(score, efficiency, *, share: float = 0.05, p: float | None = None) -> float:
    """Kitsak's imprecision ``1 - M_ranking(p) / M_eff(p)`` of one ranking.

    Parameters
    ----------
    score : array-like
        The ranking's value per account (higher = ranked higher; NaN ranks last).
    efficiency : array-like
        Spreading efficiency per account, in the same order.
    share : float, default 0.05
        Share of accounts in the top (``max(1, round(share * n))`` of them).
    p : float, optional
        Former name of ``share`` (deprecated).

    Returns
    -------
    float
        0 when the ranking's top accounts spread as much as the best possible; larger is
        worse.

    Notes
    -----
    ``M_eff(p)`` is the mean efficiency of the ``p n`` accounts with the highest efficiency
    (``p`` = ``share``), ``M_ranking(p)`` that of the ``p n`` accounts ranked highest. Ranking ties at the cut
    are shared: the tied accounts enter with their mean efficiency, which is the expectation
    over a random order among them (k-core ranks have large ties).

    Examples
    --------
    >>> imprecision([3, 2, 1, 0], [1.0, 4.0, 2.0, 1.0], share=0.25)  # picks 1.0, best is 4.0
    0.75
    >>> imprecision([1, 1, 0, 0], [1.0, 4.0, 2.0, 1.0], share=0.25)  # tie: mean of 1 and 4
    0.375
    """
    s = np.asarray(score, dtype=float)
    m = np.asarray(efficiency, dtype=float)
    if s.shape != m.shape or s.ndim != 1 or not len(s):
        raise InputError("score and efficiency must be 1-d arrays of the same non-zero length")
    share = fraction("share", renamed("p", p, "share", share), open_low=True)
    s = np.where(np.isnan(s), -np.inf, s)
    n_top = max(1, round(share * len(s)))
    best = np.sort(m)[::-1][:n_top].mean()
    cut = np.sort(s)[::-1][n_top - 1]
    above = s > cut
    tied = s == cut
    slots = n_top - int(above.sum())
    top_mean = (m[above].sum() + slots * m[tied].mean()) / n_top
    return float(1.0 - top_mean / best) if best > 0 else 0.0


def _ranking_scores(net: Network, names: list[str], layer: str, lo, hi, seed) -> dict:

    out: dict[str, np.ndarray] = {}
    for name in names:
        if name == "degree":
            out[name] = _degrees(net, lo, hi)
        elif name == "coreness":
            out[name] = coreness(net, layer=layer).to_numpy(dtype=float)
        elif name == "pagerank":
            out[name] = pagerank(net, layer=layer).to_numpy(dtype=float)
        elif name == "voterank":
            rank = voterank(net, layer=layer, directed=False).astype("Float64")
            out[name] = -rank.to_numpy(dtype=float, na_value=np.nan)  # 1st elected is best
        elif name == "collective_influence":
            out[name] = collective_influence(net, layer=layer).to_numpy(dtype=float)
        else:
            out[name] = citizen_score(net, seed=seed)["score"].to_numpy(dtype=float)
    return out


def validate_rankings(
    net: Network,
    *,
    rankings: Iterable[str] | None = None,
    beta_factor: float = 1.5,
    beta: float | None = None,
    runs: int | None = None,
    share: float = 0.05,
    layer: str | None = None,
    scores: pd.DataFrame | None = None,
    seed: int = 0,
    p: float | None = None,
) -> pd.DataFrame:
    """How well each ranking finds the accounts that really spread (Kitsak et al. 2010).

    Parameters
    ----------
    net : Network
    rankings : iterable of str, optional
        Subset of :data:`RANKINGS` (default all): ``degree`` (undirected), ``coreness``
        (k-core), ``pagerank``, ``voterank``, ``collective_influence`` and
        ``citizen_score`` (:func:`netinfluence.pipeline.analyze`).
    beta_factor : float, default 1.5
        SIR transmission probability as a multiple of :func:`epidemic_threshold`.
    beta : float, optional
        The transmission probability itself (overrides ``beta_factor``).
    runs : int, optional
        Reverse-reachable sets for the spreading efficiency (see
        :func:`spreading_efficiency`).
    share : float, default 0.05
        Top share of accounts for the imprecision.
    layer : {"follows", "interactions", "ties"}, optional
        Layer of the epidemic and of the classic rankings; default ``net.default_layer``.
    scores : pandas.DataFrame, optional
        Extra rankings to test, one column each, indexed by node id (higher = better).
    seed : int, default 0
    p : float, optional
        Former name of ``share`` (deprecated).
        Seed of the sampling and of the citizen score's community detection.

    Returns
    -------
    pandas.DataFrame
        One row per ranking (index ``ranking``), columns ``imprecision`` (epsilon at ``share``;
        0 is perfect), ``kendall_tau`` (tau-b between the ranking and the efficiency over all
        accounts), ``top_spread`` (mean efficiency of the ranking's top ``share``),
        ``best_spread`` (mean efficiency of the true top ``share``) and ``n_top``. ``attrs``:
        ``beta``, ``beta_c``, ``beta_factor``, ``share``, ``runs``, ``layer``, ``nodes``,
        ``mean_efficiency``, ``efficiency`` (the per-account table).

    Raises
    ------
    InputError
        Unknown ranking, bad option, or no threshold.

    Notes
    -----
    M. Kitsak, L. K. Gallos, S. Havlin, F. Liljeros, L. Muchnik, H. E. Stanley, H. A. Makse,
    "Identification of influential spreaders in complex networks", Nature Physics 6, 888-893
    (2010): SIR near the threshold, spreading efficiency ``M_i`` of every account, imprecision
    ``epsilon(p) = 1 - M_ranking(p) / M_eff(p)`` (see :func:`imprecision` for ties). The
    epidemic and degree use the undirected view; PageRank, VoteRank (undirected election),
    k-core and collective influence are computed as :mod:`netinfluence.metrics` defines
    them on ``layer``. Kendall's tau-b is :func:`scipy.stats.kendalltau`.

    Examples
    --------
    >>> import networkx as nx
    >>> import netinfluence as ni
    >>> net = ni.Network.from_networkx(nx.karate_club_graph())
    >>> t = validate_rankings(net, rankings=["degree", "coreness"], runs=20000, seed=1)
    >>> list(t.columns)
    ['imprecision', 'kendall_tau', 'top_spread', 'best_spread', 'n_top']
    >>> bool((t["kendall_tau"] > 0.5).all())
    True
    """
    from scipy.stats import kendalltau

    if rankings is None:
        names = list(RANKINGS)
    else:
        asked = [rankings] if isinstance(rankings, str) else list(rankings)
        names = [choice("ranking", r, RANKINGS) for r in asked]
        names = [r for r in RANKINGS if r in names]
    extra = None
    if scores is not None:
        if not isinstance(scores, pd.DataFrame):
            raise InputError(
                f"scores must be a DataFrame of extra rankings, got {type(scores).__name__}"
            )
        extra = scores if scores.index.equals(net.ids) else scores.reindex(net.ids)
    if not names and extra is None:
        raise InputError(f"rankings must name at least one of {list(RANKINGS)}")
    share = fraction("share", renamed("p", p, "share", share), open_low=True)
    layer_name = resolve_layer(net, layer)
    eff = spreading_efficiency(
        net, beta=beta, beta_factor=beta_factor, layer=layer_name, runs=runs, seed=seed
    )
    m = eff["spreading_efficiency"].to_numpy(dtype=float)
    lo, hi = undirected_pairs(net, layer_name)
    values = _ranking_scores(net, names, layer_name, lo, hi, seed)
    if extra is not None:
        for col in extra.columns:
            values[str(col)] = pd.to_numeric(extra[col], errors="coerce").to_numpy(dtype=float)
    n_top = max(1, round(share * net.n_nodes))
    best = float(np.sort(m)[::-1][:n_top].mean())
    rows = []
    for name, s in values.items():
        eps = imprecision(s, m, share=share)
        finite = np.where(np.isnan(s), np.nanmin(s) - 1 if np.isfinite(s).any() else 0.0, s)
        tau = kendalltau(finite, m).statistic if np.ptp(finite) > 0 else np.nan
        rows.append(
            {
                "ranking": name,
                "imprecision": eps,
                "kendall_tau": float(tau),
                "top_spread": best * (1.0 - eps),
                "best_spread": best,
                "n_top": n_top,
            }
        )
    table = pd.DataFrame(rows).set_index("ranking")
    table.attrs.update(
        {
            **eff.attrs,
            "share": share,
            "nodes": net.n_nodes,
            "mean_efficiency": float(m.mean()),
            "efficiency": eff,
        }
    )
    return table
