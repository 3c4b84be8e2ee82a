"""Calibrated tie probabilities: the chance that a tie passes content on.

:func:`tie_probability` turns the tie layer into independent-cascade probabilities. The default
(``method="spectral"``) keeps the *relative* strengths of :func:`tie_strength` and chooses their
overall scale so that the spectral radius of the probability matrix is ``target`` (< 1): the
cascade is then subcritical to critical on any network, instead of the supercritical regime a
fixed mapping gives on dense samples. ``"bernoulli"`` and ``"jaccard"`` learn probabilities
from who acts after whom in timestamped interactions (Goyal, Bonchi & Lakshmanan 2010).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netinfluence._arrays import row_pointers, strictly_increasing
from netinfluence._check import choice, fraction, positive
from netinfluence.errors import InputError
from netinfluence.network._ties import _check_params, _compute, _default_table

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = [
    "DEFAULT_TARGET",
    "PROBABILITY_METHODS",
    "calibration_scale",
    "spectral_radius",
    "tie_probability",
    "tie_probability_arrays",
]

logger = logging.getLogger(__name__)

#: Methods of :func:`tie_probability`.
PROBABILITY_METHODS = ("spectral", "strength", "bernoulli", "jaccard")
#: Default spectral radius of the probability matrix (chosen on the tuning sample among
#: 0.5, 0.7, 0.9, 0.95 and 0.99; docs/validation.md).
DEFAULT_TARGET = 0.9
_POWER_STEPS = 60


def spectral_radius(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> float:
    """Largest eigenvalue (Perron root) of the non-negative matrix ``W[src, dst] = weight``.

    ARPACK (``scipy.sparse.linalg.eigs``) on the matrix; if it does not converge, the
    Collatz-Wielandt upper bound ``max_i (W x)_i / x_i`` after power iteration, which is never
    below the true radius (so a scale chosen from it is safe).

    Examples
    --------
    >>> round(spectral_radius(2, np.array([0, 1]), np.array([1, 0]), np.array([0.5, 0.5])), 6)
    0.5
    """
    if len(weight) == 0 or n == 0 or not np.any(weight > 0):
        return 0.0
    mat = _csr(n, np.asarray(src), np.asarray(dst), np.asarray(weight, dtype=float))
    if n > 2:
        from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, eigs

        try:
            v0 = np.full(n, 1.0 / np.sqrt(n))  # fixed start: the same radius every run
            val = eigs(
                mat, k=1, which="LM", return_eigenvectors=False, maxiter=3000, tol=1e-5, v0=v0
            )
            return float(abs(val[0]))
        except (ArpackNoConvergence, ArpackError, ValueError):  # pragma: no cover - fallback
            logger.info("spectral_radius: ARPACK did not converge; Collatz-Wielandt bound")
    x = np.ones(n)
    for _ in range(_POWER_STEPS):
        y = mat @ x
        top = y.max()
        if top <= 0:
            return 0.0
        x = y / top
    x = x + 1e-9
    return float(np.max((mat @ x) / x))


def _csr(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray):
    """The CSR matrix ``W[src, dst] = weight`` (duplicates summed). Tie arrays come sorted by
    source then target with each pair once: their CSR is the arrays themselves, built without
    scipy's sort (0.08 s instead of 0.20 s at 10^7 ties); anything else goes through scipy."""
    import scipy.sparse as sp

    if strictly_increasing(src.astype(np.int64) * max(n, 1) + dst):
        return sp.csr_matrix((weight, dst, row_pointers(src, n)), shape=(n, n))
    mat = sp.csr_matrix((weight, (src, dst)), shape=(n, n))
    mat.sum_duplicates()
    return mat


def _scaled(n, src, dst, strength, target, cap) -> tuple[np.ndarray, float, float]:
    """``min(cap, alpha * strength)`` with ``alpha = target / max(rho(strength), max strength)``.

    On a graph without cycles (a reply tree, a small export) the radius is 0 and any scale
    would be "subcritical": the strongest single tie then gets ``target`` and the others
    their share of it, instead of certainty everywhere.
    """
    rho = spectral_radius(n, src, dst, strength)
    return (
        np.minimum(cap, _alpha(target, rho, strength) * strength),
        _alpha(target, rho, strength),
        rho,
    )


def calibration_scale(
    n: int, src: np.ndarray, dst: np.ndarray, strength: np.ndarray, target: float = DEFAULT_TARGET
) -> float:
    """The scale ``alpha`` of the default calibration: ``p = min(1, alpha * strength)``.

    One definition for every engine (the Spark engine computes its tie strengths and asks this
    for the scale). ``alpha = target / max(rho(S), max strength)``.

    >>> round(calibration_scale(2, np.array([0, 1]), np.array([1, 0]), np.array([2.0, 2.0])), 6)
    0.45
    """
    return _alpha(target, spectral_radius(n, src, dst, strength), strength)


def _alpha(target: float, rho: float, strength: np.ndarray) -> float:
    """The scale of the spectral calibration (see :func:`_scaled`), to 12 significant digits:
    the radius' last digits depend on ARPACK's start vector, and every engine must get the
    same scale for the same ties."""
    bound = max(rho, float(strength.max()) if len(strength) else 0.0)
    return float(f"{target / bound:.12g}") if bound > 0 else 0.0


def tie_probability_arrays(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(source, target, probability)`` position arrays of the default :func:`tie_probability`
    (``method="spectral"``, ``target=DEFAULT_TARGET``), sorted by source then target, cached.

    What expected reach, diffusion (``probability="tie"``), campaigns and the citizen score use.
    """

    def build():
        t = _default_table(net)
        prob, alpha, rho = _scaled(
            net.n_nodes, t["src"], t["dst"], t["strength"], DEFAULT_TARGET, 1.0
        )
        return t["src"], t["dst"], prob, alpha, rho

    src, dst, prob, _, _ = net.cached(("ties", "calibrated", DEFAULT_TARGET), build)
    return src, dst, prob


def tie_probability(
    net: Network,
    *,
    method: str = "spectral",
    target: float | None = DEFAULT_TARGET,
    cap: float = 1.0,
    window_days: float | None = None,
    scale: float = 4.0,
) -> pd.DataFrame:
    """Probability that each directed tie passes content on (independent cascade).

    Parameters
    ----------
    net : Network
    method : {"spectral", "strength", "bernoulli", "jaccard"}
        ``"spectral"`` (default): tie strength scaled so the spectral radius of the
        probability matrix is ``target``. ``"strength"``: the fixed mapping
        ``1 - exp(-strength / scale)`` of :func:`tie_strength` (not calibrated; supercritical
        on dense networks). ``"bernoulli"`` / ``"jaccard"``: learnt from timestamped
        interactions (Goyal et al. 2010), see Notes.
    target : float or None, default 0.9
        Spectral radius the probability matrix is scaled to (``"spectral"``, in (0, 1]) or
        capped at (the other methods: probabilities are scaled down, never up, when their
        radius exceeds it; None leaves them as they are).
    cap : float, default 1.0
        Largest probability of one tie (``"spectral"``).
    window_days : float, optional
        Learnt methods: an action counts as following another only within this many days
        (None: any later time).
    scale : float, default 4.0
        ``"strength"`` only: strength at which the probability reaches ``1 - 1/e``.

    Returns
    -------
    pandas.DataFrame
        One row per directed tie (sorted by source then target position): ``source,
        target`` (node ids; ``target`` is exposed to ``source``), ``strength`` and
        ``probability``. ``attrs``: ``method``, ``target``, ``alpha`` (the scale),
        ``spectral_radius`` (of the returned probabilities), ``strength_radius``.

    Raises
    ------
    InputError
        Unknown method, ``target`` outside (0, 1], or ``"bernoulli"``/``"jaccard"`` on a
        network without interaction timestamps.

    Notes
    -----
    *Spectral* (default): ``p_uv = min(cap, alpha * s_uv)`` with ``s_uv`` the tie strength
    (:func:`tie_strength`: follow base plus ``log1p`` of the weighted engagement, boosted by
    reciprocity and shared neighbours) and ``alpha = target / max(rho(S), max s_uv)``, ``rho``
    the largest eigenvalue of the strength matrix (the second term only matters on graphs with
    few or no cycles, such as a reply tree, where ``rho`` is near 0 and no single tie should
    become certain). Then ``rho(P) <= target < 1`` (exactly ``target``
    when no tie is capped; capping only lowers a non-negative matrix's radius). With
    ``rho(P) < 1`` the expected number of activations along walks, ``sum_k P^k 1``, is finite:
    a single seed cannot set off a network-wide epidemic on a locally tree-like graph, and
    the expected spread of ``u`` is at most ``((I - P)^{-1} 1)_u``. Dense clusters remain
    locally near-critical, which is where spread concentrates.

    *Bernoulli* and *Jaccard* (A. Goyal, F. Bonchi, L. V. S. Lakshmanan, "Learning influence
    probabilities in social networks", WSDM 2010): an *action* is an account engaging with an
    item, the item being the content of the engaged-with account (the interaction's
    ``target`` in the input, the influencer), at the interaction's time; every account also
    acts first on its own content. ``A_u`` is the number of items ``u`` acted on,
    ``A_{u2v}`` the number of items both acted on with ``u`` before ``v`` (within
    ``window_days`` when given) for a tie ``u -> v``; ``A_{u|v}`` the items either acted on.
    Static Bernoulli: ``p_uv = A_{u2v} / A_u``; Jaccard: ``p_uv = A_{u2v} / A_{u|v}``. Ties
    with no propagated action get 0.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
    >>> t = tie_probability(net)
    >>> round(t.attrs["spectral_radius"], 3)
    0.9
    >>> t[["source", "target"]].values.tolist()
    [['a', 'b'], ['a', 'c'], ['b', 'a']]
    """
    method = choice("method", method, PROBABILITY_METHODS)
    if target is not None:
        target = fraction("target", target, open_low=True)
    cap = fraction("cap", cap, open_low=True)
    scale = positive("scale", scale)
    if window_days is not None:
        window_days = positive("window_days", window_days)
    n = net.n_nodes
    if method == "strength" and scale != 4.0:
        t = _compute(net, labels=None, **_check_params(scale=scale))
    else:
        t = _default_table(net)
    src, dst, strength = t["src"], t["dst"], t["strength"]
    alpha = 1.0
    rho_s = spectral_radius(n, src, dst, strength)
    if method == "spectral":
        tgt = DEFAULT_TARGET if target is None else target
        if tgt == DEFAULT_TARGET and cap == 1.0:
            prob = tie_probability_arrays(net)[2]
            alpha = _alpha(tgt, rho_s, strength)
        else:
            prob, alpha, rho_s = _scaled(n, src, dst, strength, tgt, cap)
    else:
        if method == "strength":
            prob = np.asarray(t["probability"], dtype=float)
        else:
            prob = _learnt(net, src, dst, method, window_days)
        if target is not None:
            rho_p = spectral_radius(n, src, dst, prob)
            if rho_p > target:
                alpha = target / rho_p
                prob = prob * alpha
    out = pd.DataFrame(
        {
            "source": net.ids.take(src).to_numpy(),
            "target": net.ids.take(dst).to_numpy(),
            "strength": strength,
            "probability": prob,
        }
    )
    out.attrs.update(
        {
            "method": method,
            "target": target,
            "alpha": float(alpha),
            "strength_radius": float(rho_s),
            "spectral_radius": spectral_radius(n, src, dst, prob),
        }
    )
    return out


def _learnt(
    net: Network, src: np.ndarray, dst: np.ndarray, method: str, window_days: float | None
) -> np.ndarray:
    """Goyal et al. (2010) static Bernoulli or Jaccard probability of each tie ``src -> dst``."""
    it = net.interaction_codes
    if (
        not len(it)
        or "timestamp" not in it.columns
        or not np.isfinite(it["timestamp"].to_numpy(dtype=float)).any()
    ):
        raise InputError(
            f"method={method!r} learns probabilities from who acts after whom and needs "
            "interactions with timestamps; this network has none (use method='spectral')"
        )
    n = np.int64(max(net.n_nodes, 1))
    ts = it["timestamp"].to_numpy(dtype=float)
    ok = np.isfinite(ts)
    # action: (actor, item, time); the actor engaged with the item = the influencer's content
    actor = it["target"].to_numpy(dtype=np.int64)[ok]
    item = it["source"].to_numpy(dtype=np.int64)[ok]
    t = ts[ok]
    # first time each actor acted on each item
    key = actor * n + item
    frame = pd.DataFrame({"key": key, "t": t}).groupby("key", sort=True)["t"].min()
    akey = frame.index.to_numpy(dtype=np.int64)
    atime = frame.to_numpy(dtype=float)
    # every account acts first on its own content
    own = np.arange(int(n), dtype=np.int64)
    okey = own * n + own
    allkey = np.concatenate([akey, okey])
    alltime = np.concatenate([atime, np.full(len(okey), -np.inf)])
    order = np.argsort(allkey, kind="stable")
    allkey, alltime = allkey[order], alltime[order]
    keep = np.r_[True, allkey[1:] != allkey[:-1]]  # own content first: -inf wins as minimum
    allkey, alltime = allkey[keep], alltime[keep]
    a_actor = allkey // n
    a_count = np.bincount(a_actor, minlength=int(n)).astype(float)  # A_u (own content included)
    # for every tie u -> v, every action of u on item i, look up v's action on i
    ptr = row_pointers(a_actor, int(n))
    deg = ptr[src + 1] - ptr[src]
    total = int(deg.sum())
    tie = np.repeat(np.arange(len(src), dtype=np.int64), deg)
    pos = np.repeat(ptr[src], deg) + (
        np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(deg) - deg, deg)
    )
    items = allkey[pos] % n
    t_u = alltime[pos]
    q = dst[tie] * n + items
    at = np.minimum(np.searchsorted(allkey, q), len(allkey) - 1)
    found = allkey[at] == q
    t_v = np.where(found, alltime[at], np.nan)
    both = found & (t_v > t_u)  # v acted on the item after u
    if window_days is not None:
        both &= (t_v - t_u) <= window_days * 86400.0
    common = np.bincount(tie[found], minlength=len(src)).astype(float)
    a2b = np.bincount(tie[both], minlength=len(src)).astype(float)
    if method == "bernoulli":
        return np.where(a_count[src] > 0, a2b / np.maximum(a_count[src], 1), 0.0)
    union = a_count[src] + a_count[dst] - common
    return np.where(union > 0, a2b / np.maximum(union, 1), 0.0)
