"""Diffusion: how far a message spreads from a set of seed accounts.

Three models, all following the influence direction (an edge ``u -> v`` means ``v`` is exposed
to ``u``, so a message passes from ``u`` to ``v``):

- **independent cascade** (``"ic"``): an account activated at step ``t`` gets one chance to
  activate each of its out-neighbours ``v`` at step ``t + 1``, with the tie's probability
  ``p_uv``;
- **linear threshold** (``"lt"``): each account draws a threshold uniformly in ``[0, 1]`` and
  activates once the weights of its active in-neighbours reach it (weights sum to at most 1
  per account);
- **SIR with recovery after one step** (``"sir"``): an infected account infects each neighbour
  with probability ``beta`` (``p``) and recovers; the same process as IC with a constant
  probability, kept as its own name for comparison with the spreading literature.

:func:`simulate_spread` runs forward Monte Carlo cascades from given seeds;
:func:`expected_spread` estimates the expected spread of *every* account at once by
reverse-reachable sampling; :func:`edge_probabilities` shows the per-tie probabilities (or LT
weights) a model uses. Every sampler is vectorised over many runs at once (flat
``run * n + node`` state arrays), never one Python loop per node per run.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import warnings
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence._arrays import row_pointers, sort_order, strictly_increasing, unique
from netinfluence._check import choice, fraction, integer, make_rng, renamed
from netinfluence._limits import check_projected_cost
from netinfluence._progress import task
from netinfluence.errors import InputError
from netinfluence.network import check_layer, directed_pairs, resolve_layer, tie_probability_arrays

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = [
    "MODELS",
    "PROBABILITIES",
    "DiffusionModel",
    "SpreadResult",
    "diffusion_model",
    "edge_probabilities",
    "expected_spread",
    "simulate_spread",
]

logger = logging.getLogger(__name__)

#: Spreading models.
MODELS = ("ic", "lt", "sir")
#: Where per-tie probabilities come from.
PROBABILITIES = ("tie", "constant", "weighted_cascade", "edge")
#: Edge sets a model can run on (``"ties"``: every pair with a follow and/or interactions).

_DEFAULT_PROBABILITY = {"ic": "tie", "lt": "weighted_cascade", "sir": "constant"}
_VISIT_CELLS = 1 << 25  # (run, node) cells one batch may hold: a 32 MiB boolean state
_LT_CELLS = 1 << 22  # LT also holds thresholds and accumulated weights per cell
_EDGE_CHUNK = 1 << 19  # edges drawn per vectorised chunk (keeps work arrays in cache)
_SKIP_MAX_P = 0.25  # geometric edge skipping where an account's in-edges share p <= this
_Z95 = 1.959963984540054
_PILOT_SETS = 32  # RR sets drawn to project the cost of a sampling run
_PILOT_SEED = 0x5EED  # the pilot's own random stream: the caller's numbers stay untouched
_BATCH_WALK_BYTES = 1 << 30  # live in-edges one RR batch may walk at once (24 bytes each)
_STORED_MEMBER_BYTES = 24  # a stored RR member: the member, its copy while the sets grow,
# and the coverage index built on them (set id, order)


# ---------------------------------------------------------------------------- model


@dataclass(frozen=True, eq=False)
class DiffusionModel:
    """Propagation arrays of one model on one network (positions, influence direction).

    Build it with :func:`diffusion_model` (from a Network) or :meth:`from_arrays`. Edges with
    probability (weight) 0 are dropped. Out-edges are in CSR order by source (``out_*``),
    in-edges in CSR order by target (``in_*``).
    """

    model: str
    probability: str
    p: float | None
    layer: str | None
    n: int
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    out_ptr: np.ndarray = field(repr=False)
    out_dst: np.ndarray = field(repr=False)
    out_w: np.ndarray = field(repr=False)
    out_p: np.ndarray | None = field(repr=False)
    in_ptr: np.ndarray = field(repr=False)
    in_src: np.ndarray = field(repr=False)
    in_w: np.ndarray = field(repr=False)
    in_p: np.ndarray | None = field(repr=False)
    in_cum: np.ndarray | None = field(repr=False)
    out_w32: np.ndarray = field(repr=False)  # float32 copies, compared with float32 uniforms
    in_w32: np.ndarray = field(repr=False)

    @property
    def kernel(self) -> str:
        """``"ic"`` (IC and SIR) or ``"lt"``: which sampler runs."""
        return "lt" if self.model == "lt" else "ic"

    @property
    def m(self) -> int:
        return len(self.src)

    @classmethod
    def from_arrays(
        cls,
        n: int,
        src: np.ndarray,
        dst: np.ndarray,
        weight: np.ndarray,
        *,
        model: str = "ic",
        probability: str = "edge",
        p: float | None = None,
        layer: str | None = None,
    ) -> DiffusionModel:
        """A model from position arrays (one row per distinct directed pair, no self-loops).

        ``weight`` is the IC probability or the LT weight of each edge; for LT, weights into
        an account that sum to more than 1 are scaled down to sum to 1.
        """
        n = int(n)
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        w = np.asarray(weight, dtype=float)
        keep = (w > 0) & (src != dst)
        src, dst, w = src[keep], dst[keep], np.minimum(w[keep], 1.0)
        if model == "lt" and len(w):
            total = np.bincount(dst, weights=w, minlength=n)
            scale = np.where(total > 1.0, total, 1.0)
            w = w / scale[dst]
        nn = np.int64(max(n, 1))
        key = src * nn + dst
        if not strictly_increasing(key):  # tie tables come sorted
            order, _ = sort_order(key)
            src, dst, w = src[order], dst[order], w[order]
        out_ptr = row_pointers(src, n)
        in_ptr, in_src, in_w = _transpose(n, out_ptr, dst, w)
        in_p = out_p = in_cum = None
        if model == "lt":
            in_cum = np.concatenate([[0.0], np.cumsum(in_w)])
        else:
            in_p = _shared_value(in_ptr, in_w, n)
            out_p = _shared_value(out_ptr, w, n)
        return cls(
            model,
            probability,
            p,
            layer,
            n,
            src,
            dst,
            w,
            out_ptr,
            dst,
            w,
            out_p,
            in_ptr,
            in_src,
            in_w,
            in_p,
            in_cum,
            w.astype(np.float32),
            in_w.astype(np.float32),
        )


def _transpose(
    n: int, out_ptr: np.ndarray, dst: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(in_ptr, in_src, in_w)``: the edges grouped by target, sources ascending within each
    target, from the edges grouped by source (``out_ptr``, ``dst``, ``w``).

    The same order as a stable sort of the edges by target, computed by scipy's CSR to CSC
    conversion: a counting sort, linear in edges and accounts.
    """
    import scipy.sparse as sp  # imported here: ``import netinfluence`` stays light

    m = len(dst)
    if m == 0:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    csc = sp.csr_matrix((w, dst, out_ptr), shape=(n, n), copy=False).tocsc()
    # tocsc keeps every stored entry (no summing): one per edge, as the position arrays hold
    return (
        csc.indptr.astype(np.int64, copy=False),
        csc.indices.astype(np.int64, copy=False),
        np.asarray(csc.data, dtype=float),
    )


def _shared_value(ptr: np.ndarray, w: np.ndarray, n: int) -> np.ndarray | None:
    """Per-row value when every row's edges share one probability (else None)."""
    if len(w) == 0:
        return None
    deg = np.diff(ptr)
    has = deg > 0
    starts = ptr[:-1][has]
    lo = np.minimum.reduceat(w, starts)
    hi = np.maximum.reduceat(w, starts)
    if not np.allclose(lo, hi, rtol=1e-12, atol=0.0):
        return None
    out = np.zeros(n)
    out[has] = hi
    return out


def diffusion_model(
    net: Network,
    *,
    model: str = "ic",
    probability: str | None = None,
    p: float = 0.1,
    layer: str | None = None,
) -> DiffusionModel:
    """The propagation arrays of a model on a network (validated options, cached).

    See :func:`simulate_spread` for the parameters. Used by the campaign and validation
    modules; most users want :func:`simulate_spread` or :func:`expected_spread`.
    """
    model, kind, p, layer = _check_model(net, model, probability, p, layer)
    return net.cached(
        ("diffusion", model, kind, p, layer), lambda: _build(net, model, kind, p, layer)
    )


def _check_model(net, model, probability, p, layer):
    model = choice("model", model, MODELS)
    if probability is None:
        kind = _DEFAULT_PROBABILITY[model]
    else:
        kind = choice("probability", probability, PROBABILITIES)
    if model == "sir" and kind != "constant":
        raise InputError(
            f"model='sir' spreads with one constant probability beta (p=...); got "
            f"probability={probability!r}: use probability='constant' or leave it out"
        )
    try:
        pv = float(p)
    except (TypeError, ValueError):
        raise InputError(f"p must be a probability in [0, 1], got {p!r}") from None
    if not 0.0 <= pv <= 1.0:
        raise InputError(f"p must be a probability in [0, 1], got {p!r}")
    if layer is not None:
        layer = check_layer(layer)
    if kind == "edge":
        if layer not in (None, "follows"):
            raise InputError(
                f"probability='edge' reads the weights stored on the follows/edges layer; "
                f"got layer={layer!r} (leave layer out or use 'follows')"
            )
        layer = "follows"
        if "weight" not in net.follow_codes.columns:
            raise InputError(
                "probability='edge' needs an edge list with a probability column (read it with "
                "read_network(edges=..., edge_weight_merge='probability')); this network has "
                "no edge weights: use probability='tie', 'constant' or 'weighted_cascade'"
            )
        w = net.follow_codes["weight"].to_numpy(dtype=float)
        bad = ~np.isfinite(w) | (w < 0) | (w > 1)
        if bad.any():
            raise InputError(
                f"probability='edge' needs a probability in [0, 1] on every edge; "
                f"{int(bad.sum())} edge(s) have none or one outside, e.g. "
                f"{w[bad][:3].tolist()} (summed parallel rows? read probabilities with "
                "edge_weight_merge='probability'; follows rows carry no probability)"
            )
    layer = resolve_layer(net, layer, default="ties")
    return model, kind, (pv if kind == "constant" else None), layer


def _build(net: Network, model: str, kind: str, p: float | None, layer: str) -> DiffusionModel:
    n = net.n_nodes
    if kind == "edge":
        src, dst, w = net.edge_arrays("follows")
    elif kind == "tie":
        src, dst, w = tie_probability_arrays(net)
        if layer != "ties":
            ls, ld, _ = net.edge_arrays(layer)
            nn = np.int64(max(n, 1))
            keep = np.isin(src.astype(np.int64) * nn + dst, ls.astype(np.int64) * nn + ld)
            src, dst, w = src[keep], dst[keep], w[keep]
    else:
        src, dst = directed_pairs(net, layer)
        if kind == "constant":
            assert p is not None  # always given with kind == "constant"
            w = np.full(len(src), float(p))
        else:  # weighted cascade: 1 / in-degree of the target
            indeg = np.bincount(dst, minlength=n).astype(float)
            w = 1.0 / np.maximum(indeg[dst], 1.0)
    mk = "lt" if model == "lt" else ("sir" if model == "sir" else "ic")
    return DiffusionModel.from_arrays(n, src, dst, w, model=mk, probability=kind, p=p, layer=layer)


def edge_probabilities(
    net: Network,
    *,
    model: str = "ic",
    probability: str | None = None,
    p: float = 0.1,
    layer: str | None = None,
) -> pd.DataFrame:
    """The per-tie probability (IC, SIR) or weight (LT) a model spreads with.

    Parameters are those of :func:`simulate_spread`.

    Returns
    -------
    pandas.DataFrame
        One row per directed influence pair with a positive value, sorted by source then
        target position: ``source``, ``target`` (node ids; ``target`` is exposed to
        ``source``) and ``probability`` (IC/SIR) or ``weight`` (LT).

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "a"), ("c", "b")])  # b, c follow a
    >>> t = edge_probabilities(net, probability="weighted_cascade")
    >>> t.sort_values(["source", "target"]).reset_index(drop=True)
      source target  probability
    0      a      b          1.0
    1      a      c          0.5
    2      b      c          0.5
    """
    dm = diffusion_model(net, model=model, probability=probability, p=p, layer=layer)
    col = "weight" if dm.model == "lt" else "probability"
    return pd.DataFrame(
        {
            "source": net.ids.take(dm.src).to_numpy(),
            "target": net.ids.take(dm.dst).to_numpy(),
            col: dm.weight,
        }
    )


# ---------------------------------------------------------------------------- validation


def seed_positions(net: Network, seeds: Iterable[Hashable]) -> np.ndarray:
    """Positions of seed ids: at least one, all known, no repeats (InputError otherwise)."""
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise InputError(f"seeds must be a list of node ids, got {seeds!r}")
    ids = list(seeds)
    if not ids:
        raise InputError("seeds must name at least one node")
    pos = net.position(ids)
    if len(np.unique(pos)) != len(pos):
        seen, dup = set(), []
        for i, q in zip(ids, pos.tolist(), strict=True):
            if q in seen:
                dup.append(i)
            seen.add(q)
        raise InputError(f"seeds must be distinct; repeated: {dup[:5]!r}")
    return pos.astype(np.int64)


# ---------------------------------------------------------------------------- vectorised kernels


def _spans(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge positions of every row in ``rows`` (concatenated) and the running row ends.

    The owner (index into ``rows``) of concatenated position ``j`` is
    ``searchsorted(ends, j, side="right")``.
    """
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    if total == 0:
        return np.zeros(0, dtype=np.int64), ends
    e = np.repeat(starts - (ends - counts), counts)
    e += np.arange(total, dtype=np.int64)
    return e, ends


def _expand(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge positions of every row in ``rows`` and, for each, the index of its row in ``rows``."""
    e, ends = _spans(ptr, rows)
    if len(e) == 0:
        return e, e
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), np.diff(ends, prepend=0))
    return e, owner


def _draw_edges(
    ptr: np.ndarray, w: np.ndarray, rows: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Every edge of the given rows kept independently with probability ``w`` (float32).

    Rows are taken in cache-sized chunks of about :data:`_EDGE_CHUNK` edges.
    """
    counts = ptr[rows + 1] - ptr[rows]
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    cuts: list[int] | np.ndarray
    if total <= _EDGE_CHUNK:
        cuts = [0, len(rows)]
    else:
        cuts = np.unique(
            np.concatenate(
                [
                    [0],
                    np.searchsorted(ends, np.arange(_EDGE_CHUNK, total, _EDGE_CHUNK), side="left")
                    + 1,
                    [len(rows)],
                ]
            )
        )
        cuts = np.minimum(cuts, len(rows)).tolist()
    parts_e, parts_o = [], []
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        e, sub_ends = _spans(ptr, rows[a:b])
        if len(e) == 0:
            continue
        live = np.flatnonzero(rng.random(len(e), dtype=np.float32) < w[e])
        parts_e.append(e[live])
        parts_o.append(np.searchsorted(sub_ends, live, side="right") + a)
    if not parts_e:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    if len(parts_e) == 1:
        return parts_e[0], parts_o[0]
    return np.concatenate(parts_e), np.concatenate(parts_o)


def _live_edges(
    ptr: np.ndarray,
    w: np.ndarray,
    shared: np.ndarray | None,
    rows: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Each edge of the given rows kept independently with its probability.

    Where a row's edges share one small probability, live edges are found by geometric
    skipping (one draw per live edge instead of one per edge); elsewhere every edge is drawn.
    Returns (edge positions, owner index into ``rows``).
    """
    if shared is None:
        return _draw_edges(ptr, w, rows, rng)
    prow = shared[rows]
    skip = prow <= _SKIP_MAX_P
    parts_e, parts_o = [], []
    dense = np.flatnonzero(~skip)
    if len(dense):
        e, owner = _draw_edges(ptr, w, rows[dense], rng)
        parts_e.append(e)
        parts_o.append(dense[owner])
    idx = np.flatnonzero(skip & (prow > 0))
    if len(idx):
        starts = ptr[rows[idx]]
        deg = ptr[rows[idx] + 1] - starts
        pr = prow[idx]
        pos = np.full(len(idx), -1, dtype=np.int64)
        while len(idx):
            pos += rng.geometric(pr)
            ok = pos < deg
            parts_e.append(starts[ok] + pos[ok])
            parts_o.append(idx[ok])
            idx, pos, starts, deg, pr = idx[ok], pos[ok], starts[ok], deg[ok], pr[ok]
    if not parts_e:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    return np.concatenate(parts_e), np.concatenate(parts_o)


def _lt_pick(
    dm: DiffusionModel, rows: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """LT live-edge choice: each row picks in-edge ``e`` with probability ``w_e`` (or none).

    Returns (index into ``rows`` of rows that picked one, the picked edge positions).
    """
    lo = dm.in_ptr[rows]
    hi = dm.in_ptr[rows + 1]
    in_cum = dm.in_cum
    assert in_cum is not None  # set for the LT model
    base = in_cum[lo]
    x = base + rng.random(len(rows))
    ok = np.flatnonzero(x < in_cum[hi])
    e = np.searchsorted(in_cum, x[ok], side="right") - 1
    e = np.clip(e, lo[ok], hi[ok] - 1)
    return ok, e


def _forward_batch(
    dm: DiffusionModel, seeds: np.ndarray, runs: int, rng: np.random.Generator, trace: bool
) -> tuple[np.ndarray, np.ndarray, list | None]:
    """``runs`` forward cascades from ``seeds`` at once.

    Returns per-run sizes, per-node activation counts and (for the first run) the trace rows
    ``(step, node, activated_by)`` as positions.
    """
    n = dm.n
    active = np.zeros(runs * n, dtype=bool)
    frontier = (np.arange(runs, dtype=np.int64)[:, None] * n + seeds[None, :]).ravel()
    active[frontier] = True
    rows = [(0, int(s), -1) for s in seeds] if trace else None
    lt = dm.kernel == "lt"
    if lt:
        acc = np.zeros(runs * n)
        theta = rng.random(runs * n)
    step = 0
    while len(frontier):
        step += 1
        nodes = frontier % n
        base = frontier - nodes
        if lt:
            e, owner = _expand(dm.out_ptr, nodes)
            cand = base[owner] + dm.out_dst[e]
            fresh = ~active[cand]
            cand, w = cand[fresh], dm.out_w[e[fresh]]
            np.add.at(acc, cand, w)
            uniq = unique(cand)
            new = uniq[acc[uniq] >= theta[uniq]]
            if trace:  # the first contributing in-neighbour of each new node of run 0
                srcs = nodes[owner[fresh]]
                first_run = np.flatnonzero(cand < n)
                c0, s0 = cand[first_run], srcs[first_run]
                order = np.argsort(c0, kind="stable")
                c0, s0 = c0[order], s0[order]
                at = np.searchsorted(c0, new[new < n])
                by = np.full(len(new), -1, dtype=np.int64)
                by[: len(at)] = s0[at]  # new is sorted: run-0 cells come first
        else:
            e, owner = _live_edges(dm.out_ptr, dm.out_w32, dm.out_p, nodes, rng)
            cand = base[owner] + dm.out_dst[e]
            fresh = ~active[cand]
            cand, srcs = cand[fresh], nodes[owner[fresh]]
            order = np.argsort(cand, kind="stable")
            cand, srcs = cand[order], srcs[order]
            head = np.ones(len(cand), dtype=bool)
            head[1:] = cand[1:] != cand[:-1]
            new, by = cand[head], srcs[head]
        active[new] = True
        if rows is not None:  # i.e. trace
            first_run = new < n
            rows.extend(
                zip(
                    [step] * int(first_run.sum()),
                    new[first_run].tolist(),
                    by[first_run].tolist(),
                    strict=True,
                )
            )
        frontier = new
    state = active.reshape(runs, n)
    return state.sum(axis=1), state.sum(axis=0), rows


#: Members (set, account cells) one batch of RR sets aims at: the batch's sort-based
#: bookkeeping stays in cache-friendly arrays of a few tens of MiB.
_RR_MEMBERS = 1 << 21


def _rr_batch_size(members: int, sets: int, left: int) -> int:
    """How many RR sets the next batch draws, given the members and sets drawn so far."""
    mean = members / sets if sets else 4.0
    return int(max(1, min(left, max(256, min(1 << 20, _RR_MEMBERS / max(mean, 1.0))))))


def _rr_batch(
    dm: DiffusionModel,
    count: int,
    rng: np.random.Generator,
    roots: np.ndarray | None = None,
    *,
    levels: bool = False,
):
    """``count`` random reverse-reachable sets at once, as flat ``set * n + node`` members.

    The first ``count`` members are the roots (set ``i`` has root member ``i``): uniform
    random accounts, or the given ``roots`` positions; then the members found at distance 1,
    2, ... from their root, level by level. With ``levels=True`` also returns the offsets
    where each level ends (``ends[0] == count``).

    Which (set, account) cells were visited is kept as one sorted array of flat keys, so a
    batch costs memory in proportion to its members, not to ``count * n``.
    """
    n = dm.n
    picked = rng.integers(0, n, size=count) if roots is None else np.asarray(roots, np.int64)
    frontier = np.arange(count, dtype=np.int64) * n + picked  # ascending: sets in order
    parts = [frontier]
    # visited keys as a few sorted runs, merged only when the recent ones add up to a
    # quarter of the oldest: deep levels with small frontiers do not re-sort everything
    runs = [frontier]
    lt = dm.kernel == "lt"
    while len(frontier):
        nodes = frontier % n
        base = frontier - nodes
        if lt:
            ok, e = _lt_pick(dm, nodes, rng)
            cand = np.sort(base[ok] + dm.in_src[e])  # a reverse walk: one per set
        else:
            e, owner = _live_edges(dm.in_ptr, dm.in_w32, dm.in_p, nodes, rng)
            cand = unique(base[owner] + dm.in_src[e])
        for run in runs:
            if not len(cand):
                break
            at = np.searchsorted(run, cand)
            at[at == len(run)] = 0
            cand = cand[run[at] != cand]
        if len(cand) == 0:
            break
        runs.append(cand)
        if sum(len(r) for r in runs[1:]) * 4 > len(runs[0]) or len(runs) > 8:
            # sorted runs: the stable sort (timsort) merges them in linear time
            runs = [np.sort(np.concatenate(runs), kind="stable")]
        parts.append(cand)
        frontier = cand
    members = np.concatenate(parts)
    if levels:
        return members, np.cumsum([len(x) for x in parts])
    return members


class RRCost:
    """The projected cost of reverse-reachable sampling, checked before the work is done.

    :meth:`pilot` draws :data:`_PILOT_SETS` sets with a random stream of its own (then
    discarded, so the caller's results do not change) and measures their mean size and time;
    :meth:`observe` adds the batches drawn since. :meth:`check` projects the time (seconds
    per set x sets) and, for sets that are kept (``stored``), the memory (mean set size x
    sets x 24 bytes) of the planned sets and raises :class:`~netinfluence.errors.InputError`
    with ``hint`` (the options to change) when either is over the limits of
    :func:`netinfluence._limits.check_projected_cost`. Far above the epidemic threshold every
    set is as large as the whole outbreak, which is what this catches.
    """

    def __init__(self, dm: DiffusionModel, what: str, hint: str, *, stored: bool = False):
        self.dm, self.what, self.hint, self.stored = dm, what, hint, stored
        self.sets = 0
        self.members = 0
        self.seconds = 0.0

    @property
    def mean_size(self) -> float:
        return self.members / self.sets if self.sets else 1.0

    def observe(self, sets: int, members: int, seconds: float) -> None:
        self.sets += int(sets)
        self.members += int(members)
        self.seconds += float(seconds)

    def pilot(self, per: int, roots: np.ndarray | None = None) -> int:
        """Measure a pilot (once) and return the batch size to use: ``per``, or fewer sets
        when a batch of ``per`` would walk more live edges than fit in
        :data:`_BATCH_WALK_BYTES`."""
        if not self.sets:
            c = max(1, min(_PILOT_SETS, per))
            t0 = time.perf_counter()
            pick = None if roots is None else roots[:c]
            flat = _rr_batch(
                self.dm,
                len(pick) if pick is not None else c,
                np.random.default_rng(_PILOT_SEED),
                pick,
            )
            self.observe(c, len(flat), time.perf_counter() - t0)
        walk = self.mean_size * max(self.dm.m / max(self.dm.n, 1), 1.0) * 24.0
        return max(1, min(per, int(_BATCH_WALK_BYTES // max(walk, 1.0))))

    def check(self, planned: int, held: int = 0) -> None:
        """Stop if ``planned`` more sets (beside ``held`` members kept already) cost too much."""
        if planned <= 0 or not self.sets:
            return
        mean = self.mean_size
        memory = (held + planned * mean) * _STORED_MEMBER_BYTES if self.stored else 0.0
        check_projected_cost(
            self.what,
            seconds=planned * self.seconds / self.sets,
            memory=memory,
            work=f"{planned:,} reverse-reachable sets of about {mean:,.0f} accounts each "
            f"(measured on a pilot of {self.sets:,} sets)",
            hint=self.hint,
        )


def rr_sets(
    dm: DiffusionModel,
    count: int,
    rng: np.random.Generator,
    *,
    chunk: int | None = None,
    cost: RRCost | None = None,
    held: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` reverse-reachable sets as CSR: ``(ptr, members)``, roots first in each set.

    A set is sampled by picking a uniform random root and walking the live edges backwards
    (IC: each in-edge live with its probability; LT: one in-edge per account picked with
    its weight). ``n * P(u in RR)`` is the expected spread of ``u`` (Borgs et al. 2014).
    With ``cost``, the projected cost of the ``count`` sets (beside ``held`` members kept by
    the caller) is checked after a pilot, before any of them is drawn (:class:`RRCost`).
    """
    n = dm.n
    per = chunk or count
    if cost is not None:
        per = cost.pilot(per)
        cost.check(count, held)
    ptrs, members = [], []
    done = drawn = 0
    with task("RR sets", count) as tick:
        while done < count:
            c = min(per, count - done)
            if not chunk:
                c = min(c, _rr_batch_size(drawn, done, count - done))
            t0 = time.perf_counter()
            flat = _rr_batch(dm, c, rng)
            drawn += len(flat)
            if cost is not None:
                cost.observe(c, len(flat), time.perf_counter() - t0)
            sid = flat // n
            order = np.argsort(sid, kind="stable")
            members.append((flat[order] % n).astype(np.int32 if n < 2**31 else np.int64))
            ptrs.append(np.bincount(sid, minlength=c))
            done += c
            tick.update(done)
    sizes = np.concatenate(ptrs) if ptrs else np.zeros(0, dtype=np.int64)
    ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    mem = np.concatenate(members) if members else np.zeros(0, dtype=np.int32)
    return ptr, mem


# ---------------------------------------------------------------------------- simulate_spread


@dataclass(frozen=True)
class SpreadResult:
    """Outcome of :func:`simulate_spread` (spread counts the seeds themselves).

    Attributes
    ----------
    mean, std : float
        Mean and standard deviation of the number of accounts activated per run.
    ci : tuple of float
        95 % confidence interval of the mean (normal approximation,
        ``mean +- 1.96 std / sqrt(runs)``).
    runs : int
    sizes : numpy.ndarray
        Accounts activated in each run.
    activation : pandas.Series
        Share of runs in which each account was activated, indexed by node id
        (``activation_probability``; 1 for seeds).
    trace : pandas.DataFrame or None
        One run's cascade: ``step`` (0 for seeds), ``node``, ``activated_by`` (None for seeds).
    parameters : dict
        Model, probability source, p, layer, runs and seed used.
    """

    mean: float
    std: float
    ci: tuple[float, float]
    runs: int
    sizes: np.ndarray = field(repr=False)
    activation: pd.Series = field(repr=False)
    trace: pd.DataFrame | None = field(repr=False)
    parameters: dict = field(default_factory=dict, repr=False)

    @property
    def stderr(self) -> float:
        """Standard error of the mean spread."""
        return self.std / math.sqrt(self.runs) if self.runs else float("nan")

    def as_dict(self) -> dict[str, Any]:
        """``mean, std, stderr, ci_low, ci_high, runs`` as plain floats (for tables)."""
        return {
            "mean": self.mean,
            "std": self.std,
            "stderr": self.stderr,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "runs": self.runs,
        }


def simulate_spread(
    net: Network,
    seeds: Iterable[Hashable],
    *,
    model: str = "ic",
    probability: str | None = None,
    p: float = 0.1,
    layer: str | None = None,
    runs: int = 1000,
    seed: int | np.random.Generator | None = 0,
    trace: bool = False,
) -> SpreadResult:
    """Forward Monte Carlo cascades from a set of seed accounts.

    Parameters
    ----------
    net : Network
    seeds : iterable of node ids
        Accounts active at step 0 (distinct, at least one).
    model : {"ic", "lt", "sir"}
        Independent cascade, linear threshold, or SIR with recovery after one step.
    probability : {"tie", "constant", "weighted_cascade", "edge"}, optional
        Per-tie probability (IC) or weight (LT): ``"tie"`` the tie's pass-on probability
        from tie strength (:func:`netinfluence.network.tie_strength`); ``"constant"`` ``p`` on
        every tie; ``"weighted_cascade"`` ``1 / in-degree`` of the exposed account;
        ``"edge"`` the probability stored with an edge list
        (``read_network(edges=..., edge_weight_merge="probability")``). Default: ``"tie"``
        for IC, ``"weighted_cascade"`` for LT, ``"constant"`` (and only that) for SIR.
    p : float, default 0.1
        The constant probability (SIR's ``beta``); used with ``probability="constant"``.
    layer : {"follows", "interactions", "ties"}, optional
        Which pairs carry the message: ``"ties"`` (default) every pair with a follow and/or
        interactions, or one layer only. ``probability="edge"`` always uses the follows layer.
    runs : int, default 1000
        Number of cascades.
    seed : int, numpy.random.Generator or None, default 0
        The same seed gives the same result.
    trace : bool, default False
        Also return who activated whom, at which step, in the first run.

    Returns
    -------
    SpreadResult
        ``mean``, ``std``, ``ci``, per-run ``sizes``, ``activation`` (Series
        ``activation_probability`` indexed by node id in node order), optional ``trace``.

    Raises
    ------
    InputError
        Unknown model, probability source or layer; ``p`` outside [0, 1]; empty, repeated or
        unknown seeds; ``runs < 1``; ``probability="edge"`` without stored probabilities.

    Notes
    -----
    Direction: ``u -> v`` means ``v`` is exposed to ``u``; a message moves along out-edges.

    *IC* (D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a
    social network", KDD 2003): a newly active ``u`` activates each inactive out-neighbour
    ``v`` with probability ``p_uv``, once. *LT* (same paper): thresholds ``theta_v ~ U[0, 1]``;
    ``v`` activates when ``sum_{active u} w_uv >= theta_v``; weights into ``v`` that sum to
    more than 1 are scaled to sum to 1 (weighted cascade ``w_uv = 1/indeg(v)`` by default).
    *SIR* with recovery after one step: IC with ``p_uv = beta``. Weighted cascade is from
    W. Chen, Y. Wang, S. Yang, "Efficient influence maximization in social networks", KDD 2009.

    All runs advance together: the state is a flat boolean array over (run, node) cells;
    each step gathers the out-edges of the newly active cells, draws them at once (by
    geometric skipping where a node's edges share a small probability) and de-duplicates the
    targets. Time O(runs * (activated nodes + their out-edges)); memory bounded by batches.
    ``activated_by`` is the first newly-active in-neighbour in node order that passed the
    message (IC) or contributed weight (LT) in the step before.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "b")])  # a -> b -> c
    >>> res = simulate_spread(net, ["a"], probability="constant", p=0.6, runs=20000, seed=1)
    >>> round(res.mean, 1)  # 1 + 0.6 + 0.36
    2.0
    >>> res.activation.sort_index().round(1).to_dict()
    {'a': 1.0, 'b': 0.6, 'c': 0.4}
    """
    dm = diffusion_model(net, model=model, probability=probability, p=p, layer=layer)
    pos = seed_positions(net, seeds)
    runs = integer("runs", runs, minimum=1)
    want_trace = bool(trace)
    rng = make_rng(seed)
    sizes, counts, rows = _simulate(dm, pos, runs, rng, want_trace)
    mean = float(sizes.mean())
    std = float(sizes.std(ddof=1)) if runs > 1 else 0.0
    half = _Z95 * std / math.sqrt(runs)
    activation = net.series(counts / runs, "activation_probability", dtype=float)
    table = None
    if want_trace:
        table = pd.DataFrame(rows, columns=["step", "node", "activated_by"])
        table["node"] = net.ids.take(table["node"].to_numpy(dtype=np.int64)).to_numpy()
        by = table["activated_by"].to_numpy(dtype=np.int64)
        names = net.ids.take(np.maximum(by, 0)).to_numpy().astype(object)
        names[by < 0] = None
        table["activated_by"] = names
    params = {
        "model": dm.model,
        "probability": dm.probability,
        "p": dm.p,
        "layer": dm.layer,
        "runs": runs,
        "seed": seed if not isinstance(seed, np.random.Generator) else "Generator",
    }
    return SpreadResult(
        mean, std, (mean - half, mean + half), runs, sizes, activation, table, params
    )


def _simulate(
    dm: DiffusionModel, pos: np.ndarray, runs: int, rng: np.random.Generator, trace: bool = False
):
    """Forward cascades in memory-bounded batches: (sizes, activation counts, trace rows)."""
    n = dm.n
    cells = _LT_CELLS if dm.kernel == "lt" else _VISIT_CELLS
    per = max(1, min(runs, cells // max(n, 1)))
    sizes, counts, rows = [], np.zeros(n, dtype=np.int64), None
    done = 0
    with task("Monte Carlo runs", runs) as tick:
        while done < runs:
            b = min(per, runs - done)
            s, c, r = _forward_batch(dm, pos, b, rng, trace and done == 0)
            if r is not None:
                rows = r
            sizes.append(s)
            counts += c
            done += b
            tick.update(done)
    return np.concatenate(sizes).astype(float), counts, rows


# ---------------------------------------------------------------------------- expected_spread


def expected_spread(
    net: Network,
    *,
    model: str = "ic",
    probability: str | None = None,
    p: float = 0.1,
    layer: str | None = None,
    runs: int | None = None,
    rse: float = 0.05,
    top_share: float = 0.01,
    max_runs: int = 20_000_000,
    seed: int | np.random.Generator | None = 0,
    top: float | None = None,
) -> pd.DataFrame:
    """Expected spread of every account as the only seed, with its sampling error.

    Parameters
    ----------
    net : Network
    model, probability, p, layer
        As in :func:`simulate_spread`.
    runs : int, optional
        Number of reverse-reachable (RR) sets. Default: sample until the estimates of the top
        ``top_share`` of accounts have a relative standard error of at most ``rse`` (or
        ``max_runs`` sets were drawn).
    rse : float, default 0.05
        Target relative standard error when ``runs`` is None.
    top_share : float, default 0.01
        Share of accounts (by estimated spread) the ``rse`` target applies to (at least one).
    max_runs : int, default 20,000,000
        Cap on the number of RR sets when ``runs`` is None (a ``RuntimeWarning`` says when
        the target was not reached).
    seed : int, numpy.random.Generator or None, default 0
    top : float, optional
        Former name of ``top_share`` (deprecated: ``top`` is a count everywhere else).

    Returns
    -------
    pandas.DataFrame
        Indexed by node id in node order, columns ``expected_spread`` (accounts activated,
        the account itself included, so at least 1) and ``stderr``. ``attrs``: ``method``
        (``"reverse-reachable"``), ``runs``, ``rse_top`` (largest relative standard error
        among the top share), the model parameters.

    Raises
    ------
    InputError
        Invalid options (as :func:`simulate_spread`), ``rse`` or ``top`` outside (0, 1].

    Notes
    -----
    An RR set is sampled by picking a uniform random root ``v`` and collecting every account
    that reaches ``v`` through live edges, walking edges backwards (IC: each in-edge live with
    its probability, drawn when reached; LT: one in-edge per account, picked with its weight
    — the live-edge form of LT). Then ``sigma(u) = n * P(u in RR)`` (C. Borgs, M. Brautbar,
    J. Chayes, B. Lucier, "Maximizing social influence in nearly optimal time", SODA 2014).
    Here ``sigma(u) = 1 + n * c_u / R`` with ``c_u`` the number of the ``R`` sets that
    contain ``u`` but are not rooted at it (unbiased, never below 1), and
    ``stderr = n * sqrt(q (1 - q) / R)``, ``q = c_u / R``. The relative standard error of
    ``u`` is about ``1 / sqrt(c_u)``, so 5 % needs about 400 hits.

    Sets are drawn in batches: the frontier of every set in a batch is advanced together as
    flat ``set * n + node`` arrays (one vectorised step per BFS level). The expected work
    per set is the mean spread times the in-degree examined per account (geometric skipping
    when an account's in-edges share a small probability, e.g. weighted cascade or SIR).
    SIR with one-step recovery is IC with constant probability, so the estimate is exact in
    expectation for it too.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "b")])  # a -> b -> c
    >>> es = expected_spread(net, probability="constant", p=0.5, runs=20000, seed=1)
    >>> es["expected_spread"].sort_index().round(1).to_dict()  # a: 1 + 0.5 + 0.25
    {'a': 1.8, 'b': 1.5, 'c': 1.0}
    """
    dm = diffusion_model(net, model=model, probability=probability, p=p, layer=layer)
    if runs is not None:
        runs = integer("runs", runs, minimum=1)
    rse = fraction("rse", rse, open_low=True)
    top_share = fraction("top_share", renamed("top", top, "top_share", top_share), open_low=True)
    max_runs = integer("max_runs", max_runs, minimum=1)
    rng = make_rng(seed)
    values, err, used, rse_top = _rr_estimate(dm, runs, rse, top_share, max_runs, rng)
    out = pd.DataFrame({"expected_spread": values, "stderr": err}, index=net.ids)
    out.attrs.update(
        {
            "method": "reverse-reachable",
            "runs": used,
            "rse_top": rse_top,
            "model": dm.model,
            "probability": dm.probability,
            "p": dm.p,
            "layer": dm.layer,
        }
    )
    return out


#: What to change when RR sampling of :func:`expected_spread` would cost too much.
_SPREAD_HINT = (
    "The spread is far above the epidemic threshold (one account reaches most of the "
    "network, so every reverse-reachable set is that large): choose a sparser probability "
    "model (probability= / --probability weighted_cascade, or a smaller constant p / --p), "
    "or fewer sets (runs= / --runs, max_runs=)."
)


def _rr_estimate(
    dm: DiffusionModel,
    runs: int | None,
    rse: float,
    top: float,
    max_runs: int,
    rng: np.random.Generator,
    *,
    what: str = "expected_spread",
    hint: str = _SPREAD_HINT,
) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Per-node spread estimates from RR sets (fixed ``runs`` or adaptive to the rse target).

    The projected cost of the planned sets is checked after a pilot and whenever the
    adaptive target grows (:class:`RRCost`; ``what`` and ``hint`` word the error).
    """
    n = dm.n
    if n == 0:
        return np.zeros(0), np.zeros(0), 0, 0.0
    hits = np.zeros(n, dtype=np.int64)
    n_top = max(1, math.ceil(top * n))
    done = drawn = 0
    # a first batch that does not grow with n; the error of the top is then projected
    # (1/sqrt(R)) and sampling continues only as far as the target needs
    goal = runs if runs is not None else min(max_runs, max(2000, 2 * n_top))
    cost = RRCost(dm, what, hint)
    per = cost.pilot(max(goal, max_runs))
    cost.check(goal)

    with task("RR sets", goal) as tick:

        def draw(count):
            nonlocal done, drawn
            left = count
            while left > 0:
                c = min(per, _rr_batch_size(drawn, done, left))
                t0 = time.perf_counter()
                flat = _rr_batch(dm, c, rng)
                drawn += len(flat)
                cost.observe(c, len(flat), time.perf_counter() - t0)
                hits[:] += np.bincount(flat[c:] % n, minlength=n)  # members other than roots
                left -= c
                done += c
                tick.update(done)

        draw(goal)
        rse_top = _top_rse(hits, done, n, n_top)
        while runs is None and rse_top > rse and done < max_runs:
            # the relative error falls as 1/sqrt(R): aim 5 % past the projected count
            need = done * (rse_top / rse) ** 2 * 1.05
            target = int(max(done + 1, min(max_runs, max(need, done * 1.2))))
            cost.check(target - done)
            tick.update(done, target)
            draw(target - done)
            rse_top = _top_rse(hits, done, n, n_top)
    if runs is None and rse_top > rse:
        warnings.warn(
            f"expected_spread: relative standard error {rse_top:.3f} of the top "
            f"{top:.1%} still above the target {rse} after max_runs={max_runs:,} RR "
            "sets; raise max_runs or relax rse",
            RuntimeWarning,
            stacklevel=3,
        )
    q = hits / done
    values = 1.0 + n * q
    err = n * np.sqrt(q * (1.0 - q) / done)
    logger.debug("expected_spread: %d RR sets, rse_top %.4f", done, rse_top)
    return values, err, done, rse_top


def _top_rse(hits: np.ndarray, runs: int, n: int, n_top: int) -> float:
    top = np.partition(hits, n - n_top)[n - n_top :]
    q = top / runs
    value = 1.0 + n * q
    err = n * np.sqrt(q * (1.0 - q) / runs)
    # accounts that reach no one have spread exactly 1 and no error
    return float(np.max(err / value)) if len(top) else 0.0
