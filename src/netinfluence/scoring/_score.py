"""The citizen influencer score: named components, documented weights, flags as penalties.

The score rewards what moves a community — engaged friends-of-friends reach through strong
ties, embeddedness in one community, a place in the dense core of the tie graph, engagement
above the tier norm, and reciprocity — and deliberately does **not** reward follower counts.
Every component is a percentile within the network (0 = lowest, 1 = highest), so components
are comparable and the total reads as "how far up the network this account sits".
"""

from __future__ import annotations

import json
import logging
import operator
import os
from dataclasses import asdict, dataclass, fields
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from netinfluence._threads import cores_busy_elsewhere, threaded_map, worker_threads
from netinfluence.errors import ComputationError, InputError
from netinfluence.metrics import (
    LeidenInBackground,
    authenticity_flags,
    communities,
    engagement,
    is_insider,
    roles,
    two_hop_reach,
)
from netinfluence.network import Network, undirected_pairs
from netinfluence.spread import (
    AwarenessSample,
    advocacy_impact,
    check_objective,
    counted_weights,
    sample_awareness,
)

__all__ = [
    "COMPONENTS",
    "ScoreWeights",
    "awareness_budget",
    "citizen_score",
    "combine",
    "impact_score",
    "score_inputs",
]

logger = logging.getLogger(__name__)

#: Above this many tie-graph edges the pipeline runs Leiden for 2 iterations, not until stable.
LEIDEN_FULL_MAX_EDGES = 200_000
#: Above this many tie-graph edges, one Leiden iteration (same modularity to 3 decimals in
#: about 60 % of the time; benchmarks/results/design-measurements.md).
LEIDEN_TWO_PASS_MAX_EDGES = 2_000_000
#: From this many undirected tie pairs up, with two or more CPUs, :func:`score_inputs` runs
#: Leiden in a second process (:class:`netinfluence.metrics.LeidenInBackground`) while it
#: computes the tie strengths, engagement and flags. Below this the process start
#: (about 0.7 s of imports) cannot pay off (benchmarks/results/design-measurements.md).
LEIDEN_BACKGROUND_MIN_PAIRS = 500_000


def leiden_in_background(n_pairs: int) -> bool:
    """Whether :func:`score_inputs` runs Leiden in a second process for a tie graph of
    ``n_pairs`` undirected pairs: large graphs, and only when more than one CPU may be used
    (``NETINFLUENCE_THREADS=1`` keeps everything in this process)."""

    return n_pairs >= LEIDEN_BACKGROUND_MIN_PAIRS and worker_threads() > 1


def leiden_iterations(n_edges: int) -> int:
    """Leiden iterations the pipeline uses for a tie graph of ``n_edges`` directed edges
    (``-1``: until the partition is stable)."""
    if n_edges <= LEIDEN_FULL_MAX_EDGES:
        return -1
    return 2 if n_edges <= LEIDEN_TWO_PASS_MAX_EDGES else 1


#: Score components, in the order they appear in tables.
COMPONENTS = ("engaged_reach", "embeddedness", "coreness", "engagement", "reciprocity")


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the citizen score (frozen; read from JSON with :meth:`from_file`).

    The defaults were chosen by measurement on the sample network's planted truth and on real
    networks (see ``benchmarks/score_weights.py`` and the README): engaged reach and community
    embeddedness carry most of the signal, core position, engagement and reciprocity separate
    insiders from busy but shallow accounts, and each authenticity flag multiplies the total by
    ``1 - flag_penalty``.

    Examples
    --------
    >>> ScoreWeights().normalised()["engaged_reach"]
    0.3
    >>> ScoreWeights(engagement=0).engagement
    0.0
    """

    engaged_reach: float = 0.30
    embeddedness: float = 0.25
    coreness: float = 0.15
    engagement: float = 0.15
    reciprocity: float = 0.15
    flag_penalty: float = 0.30

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InputError(
                    f"score weight {f.name!r} must be a number, got {value!r}"
                ) from None
            if not np.isfinite(value) or value < 0:
                raise InputError(f"score weight {f.name!r} must be >= 0, got {value!r}")
            object.__setattr__(self, f.name, value)
        if self.flag_penalty > 1:
            raise InputError(f"flag_penalty must be in [0, 1], got {self.flag_penalty}")
        if sum(getattr(self, c) for c in COMPONENTS) <= 0:
            raise InputError("at least one component weight must be positive")

    def normalised(self) -> dict[str, float]:
        """Component weights scaled to sum to 1."""
        total = sum(getattr(self, c) for c in COMPONENTS)
        return {c: round(getattr(self, c) / total, 12) for c in COMPONENTS}

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> ScoreWeights:
        """Weights from a mapping; unknown keys are an error (a typo must not pass silently)."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise InputError(f"unknown score weight(s) {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> ScoreWeights:
        """Weights from a JSON file such as ``{"engaged_reach": 0.4, "engagement": 0.1}``."""
        p = Path(path)
        if not p.is_file():
            raise InputError("weights file not found", source=str(path))
        try:
            values = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"weights file is not valid JSON ({exc})", source=str(path)) from None
        if not isinstance(values, dict):
            raise InputError("weights file must hold a JSON object", source=str(path))
        try:
            return cls.from_dict(values)
        except InputError as exc:
            raise InputError(str(exc), source=str(path)) from None


def percentile(values, *, missing: float = 0.0) -> np.ndarray:
    """Share of the other nodes that a node beats: ``#(strictly lower) / (n - 1)`` in [0, 1].

    Tied values get the same percentile, the lowest value 0 and a unique highest value 1, so a
    constant column gives every node 0 and cannot reorder a ranking. Missing values get
    ``missing``.

    Examples
    --------
    >>> percentile([3, 1, 2, 2, np.nan]).round(3).tolist()
    [1.0, 0.0, 0.333, 0.333, 0.0]
    """
    arr = np.asarray(values, dtype=float)
    out = np.full(arr.shape, missing, dtype=float)
    ok = ~np.isnan(arr)
    k = int(ok.sum())
    if k == 1:
        out[ok] = 0.0
    elif k > 1:
        vals = arr[ok]
        # values strictly below each one: the sorted position of the first of its equals
        # (one sort instead of a binary search per value; equals share a value, so the
        # order among them does not matter and the sort need not be stable)
        order = np.argsort(vals)
        ordered = vals[order]
        first = np.zeros(k, dtype=np.int64)
        first[1:] = np.where(ordered[1:] != ordered[:-1], np.arange(1, k), 0)
        below = np.empty(k, dtype=np.int64)
        below[order] = np.maximum.accumulate(first)
        out[ok] = below / (k - 1)
    return out


def score_inputs(
    net: Network,
    *,
    labels: pd.Series | None = None,
    seed=0,
    reach_method: str = "auto",
    progress=None,
    objective: str = "awareness",
) -> pd.DataFrame:
    """Every measurement the score and its explanation are made of, one row per node.

    Parameters
    ----------
    net : Network
    labels : Series, optional
        A partition (``community``); detected with Leiden (``seed``) when not given.
    seed : int
        Seed of community detection and of sampled reach.
    reach_method : {"auto", "exact", "sketch"}
        Passed to :func:`netinfluence.metrics.reach`.
    progress : callable, optional
        Called as ``progress(step_name)`` before each step (the CLI draws bars with it).
    objective : {"awareness", "advocacy"}, default "awareness"
        What ``impact`` measures (:func:`citizen_score`).

    Returns
    -------
    pandas.DataFrame
        Indexed by node id: ``community, community_size, within_module_z, participation,
        role, internal_share, insider, tie_coreness, reach_2hop, community_reach_share,
        expected_reach, followers, tier, tier_band, engagement_rate, engagement_vs_tier,
        interactions_received, reciprocal_share``, the authenticity measures and flags,
        ``counted`` (1 for a real account, 0 for one removed from what impact counts:
        :func:`counted_weights`),
        ``impact``, ``impact_se`` and ``impact_in_community``. ``attrs["impact"]`` records how
        impact was estimated (objective, RR sets, relative error of the top);
        ``attrs["leiden_process"]``, when Leiden ran in a second process, its phases' wall
        seconds and peak memory.
    """
    objective = check_objective(objective)

    step = progress or (lambda name: None)
    layer = net.default_layer
    # views this function builds only for communities, roles and cores; freed after them
    # (about 1 GB at 10^7 edges) so the reach and scoring steps do not stack on top
    scratch = [
        k for k in (("graph", layer, False), ("undirected_edges", layer)) if not net.is_cached(k)
    ]
    step("ties")
    background = None
    # follows plus interaction rows bound the tie pairs: small graphs skip counting them
    if labels is None and leiden_in_background(net.n_follows + net.n_interactions):
        # known before the tie strengths; their index is kept for the tie step
        pairs = undirected_pairs(net, layer, keep_for_ties=layer == "ties")
        if leiden_in_background(len(pairs[0])):
            # igraph holds the GIL through Leiden: run it (and the cores of the same graph)
            # in a second process, which builds its graph while this one computes the tie
            # strengths and runs Leiden while this one computes engagement and flags
            try:
                background = LeidenInBackground(net, seed=seed, layer=layer, pairs=pairs)
            except OSError as exc:  # no interpreter to start, no room for the edge files
                logger.warning(
                    "could not start Leiden in a second process (%s); running it in this one", exc
                )
        del pairs
    # Leiden until stable on small graphs; fewer iterations on large ones, where they
    # gave the same modularity to 4 decimals in a third of the time (leiden_iterations)
    n_iter = leiden_iterations(len(net.edge_arrays(layer)[0]))
    try:
        if background is not None:
            background.send_weights(n_iterations=n_iter)

        # while Leiden runs in the child, it is the longest job: worker threads here would
        # take CPU time from it (the wait for its labels grew by as much). Once it is done
        # (on mid-sized graphs, during the reach step) the core is this process's again.
        def child_busy() -> int:
            return 1 if background is not None and background.running() else 0

        with cores_busy_elsewhere(child_busy):
            step("engagement")
            eng = engagement(net)
            flags = authenticity_flags(net, engagement_table=eng)
            # impact needs no community labels: sample it while Leiden runs in the child
            step("impact")
            counted = counted_weights(net, flags["reciprocity"].to_numpy())
            aware = awareness_sample(net, counted, seed=seed)
            # the 2-hop counts and expected reach need no labels either (two_hop_reach)
            step("reach")
            reach_part = two_hop_reach(net, method=reach_method, seed=seed)
        step("communities")
        tie_core = None
        leiden_process = None
        if background is not None:
            try:
                labels, tie_core = background.result()
                leiden_process = {
                    "seconds": background.child_seconds,
                    "peak_mib": background.child_peak_mib,
                }
            except ComputationError as exc:  # e.g. the child was killed for memory
                logger.warning("%s; running Leiden in this process", exc)
        if labels is None:
            labels = communities(net, seed=seed, n_iterations=n_iter)
    finally:
        if background is not None:
            background.cancel()  # no-op once the result is in
    step("roles")
    # roles, the labelled part of reach and the community split of impact need only the
    # labels and not each other: worker threads (their large numpy/scipy loops release the
    # GIL) use the core the Leiden process has just freed
    rl, (r2, rc, er), imp = threaded_map(
        operator.call,
        [
            partial(roles, net, labels),
            partial(reach_part.summary, labels),
            partial(impact_of, net, counted, labels, objective=objective, seed=seed, sample=aware),
        ],
    )
    del reach_part
    sizes = labels.map(labels.value_counts()).to_numpy(dtype=float)
    step("core")
    if tie_core is None:
        tie_core = (
            np.asarray(net.graph(layer, directed=False).coreness(), dtype=float)
            if net.n_nodes
            else np.zeros(0)
        )
    net.drop_cached(*scratch)
    out = pd.DataFrame(index=net.ids)
    out["community"] = labels.to_numpy()
    out["community_size"] = sizes.astype(int)
    for col in ("within_module_z", "participation", "role", "internal_share"):
        out[col] = rl[col].to_numpy()
    out["insider"] = is_insider(rl).to_numpy()
    out["tie_coreness"] = tie_core
    out["reach_2hop"] = r2.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["community_reach_share"] = np.where(sizes > 1, rc.to_numpy() / (sizes - 1), 0.0)
    out["expected_reach"] = er.to_numpy(dtype=float)
    for col in (
        "followers",
        "tier",
        "tier_band",
        "engagement_rate",
        "engagement_vs_tier",
        "interactions_received",
    ):
        out[col] = eng[col].to_numpy()
    out["reciprocal_share"] = flags["reciprocity"].to_numpy()  # reciprocity(net), computed once
    for col in flags.columns:
        if col != "reciprocity":
            out[col] = flags[col].to_numpy()
    out["counted"] = counted
    for col in ("impact", "impact_se", "impact_in_community"):
        out[col] = imp[col].to_numpy() if col in imp.columns else np.nan
    out.attrs["reach_method"] = r2.attrs.get("method")
    out.attrs["impact"] = {"objective": objective, **dict(imp.attrs)}
    if leiden_process is not None:
        out.attrs["leiden_process"] = leiden_process
    return out


#: Accounts above which advocacy impact is simulated only for the top accounts by awareness.
ADVOCACY_ALL_MAX = 20_000


#: RR sets per account the score may draw at most (above 2 x 10^6 sets in all): with the
#: first hop exact, the top accounts' error depends on sets per account, not on size
#: (benchmarks/results/design-measurements.md).
RR_SETS_PER_ACCOUNT = 10


def impact_score(impact: np.ndarray, counted_total: float):
    """The score: the percentage of the network's real accounts (``counted_total``) the
    account moves, ``100 impact / W`` (0 when nobody counts). Both engines score with it.

    >>> impact_score(np.array([5.0, 0.5]), 50.0).tolist()
    [10.0, 1.0]
    """
    return 100.0 * impact / counted_total if counted_total > 0 else 0.0


def awareness_budget(n: int) -> dict:
    """The score's RR sampling budget on ``n`` accounts (both engines): sample until the top
    ``min(1 %, 1,000)`` accounts have a relative standard error of at most 5 %, or
    ``max(2 x 10^6, RR_SETS_PER_ACCOUNT x n)`` RR sets.

    >>> awareness_budget(100_000)["max_runs"]
    2000000
    """
    return {
        "rse": 0.05,
        "top_share": min(0.01, 1000 / max(n, 1)),
        "max_runs": max(2_000_000, RR_SETS_PER_ACCOUNT * n),
    }


def awareness_sample(net: Network, counted: np.ndarray, *, seed=0) -> AwarenessSample:
    """The score's awareness impact before community labels: RR sampling within
    :func:`awareness_budget`."""
    return sample_awareness(net, counted=counted, seed=seed, **awareness_budget(net.n_nodes))


def impact_of(
    net: Network,
    counted: np.ndarray,
    labels,
    *,
    objective: str = "awareness",
    seed=0,
    sample: AwarenessSample | None = None,
) -> pd.DataFrame:
    """Per-account impact for one objective (``impact, impact_se, impact_in_community``).

    Awareness: :func:`awareness_sample` (or the ``sample`` already drawn) split by
    community. Advocacy: :func:`netinfluence.spread.advocacy_impact`; on networks of more
    than :data:`ADVOCACY_ALL_MAX` accounts only the top :data:`ADVOCACY_ALL_MAX` by
    awareness are simulated (the others get 0).
    """
    n = net.n_nodes
    if sample is None:
        sample = awareness_sample(net, counted, seed=seed)
    aware = sample.table(labels)
    if objective == "awareness":
        return aware
    cand = None
    if n > ADVOCACY_ALL_MAX:
        cand = np.argsort(-aware["impact"].to_numpy(), kind="stable")[:ADVOCACY_ALL_MAX]
    adv = advocacy_impact(net, counted=counted, labels=labels, candidates=cand)
    adv["impact_se"] = 0.0
    return adv


def components(inputs: pd.DataFrame) -> pd.DataFrame:
    """The five score components (percentiles in [0, 1]) from :func:`score_inputs`.

    - ``engaged_reach``: expected 2-hop reach through weighted ties;
    - ``embeddedness``: mean of the within-module z percentile and the share of ties inside
      the own community (Guimera & Amaral roles), then as a percentile;
    - ``coreness``: k-core number of the (undirected) tie graph;
    - ``engagement``: engagement relative to the tier norm (no data: 0, no evidence);
    - ``reciprocity``: share of mutual ties.
    """
    emb_raw = 0.5 * percentile(inputs["within_module_z"]) + 0.5 * inputs["internal_share"].to_numpy(
        dtype=float
    )
    return pd.DataFrame(
        {
            "engaged_reach": percentile(inputs["expected_reach"]),
            "embeddedness": percentile(emb_raw),
            "coreness": percentile(inputs["tie_coreness"]),
            "engagement": percentile(inputs["engagement_vs_tier"], missing=0.0),
            "reciprocity": percentile(inputs["reciprocal_share"]),
        },
        index=inputs.index,
    )


def combine(comps: pd.DataFrame, n_flags, weights: ScoreWeights) -> np.ndarray:
    """The score formula, shared by every engine: 100 x weighted mean x (1 - penalty)^flags.

    Examples
    --------
    >>> c = pd.DataFrame({k: [1.0, 0.5] for k in COMPONENTS})
    >>> combine(c, np.array([0, 1]), ScoreWeights()).round(2).tolist()
    [100.0, 35.0]
    """
    w = weights.normalised()
    total = sum(w[c] * comps[c].to_numpy(dtype=float) for c in COMPONENTS)
    penalty = (1.0 - weights.flag_penalty) ** np.asarray(n_flags, dtype=float)
    return 100.0 * total * penalty


def citizen_score(
    net: Network,
    *,
    weights: ScoreWeights | None = None,
    labels=None,
    seed=0,
    inputs: pd.DataFrame | None = None,
    reach_method: str = "auto",
    progress=None,
    objective: str = "awareness",
) -> pd.DataFrame:
    """Citizen influencer score of every account: how many real people it moves.

    Parameters
    ----------
    net : Network
    weights : ScoreWeights, optional
        Weights of the descriptive ``composite`` column (the former percentile score); they
        do not change ``score``.
    labels : Series, optional
        Community partition; Leiden with ``seed`` when not given.
    seed : int
        Seed of every random step (community detection, sketches, sampling).
    inputs : DataFrame, optional
        Precomputed :func:`score_inputs` (to avoid computing them twice); their objective is
        used.
    objective : {"awareness", "advocacy"}, default "awareness"
        ``"awareness"``: simple contagion, the expected number of distinct real accounts an
        independent cascade from the account activates. ``"advocacy"``: complex contagion,
        the real accounts that adopt in a fractional-threshold cascade seeded at the account
        and its close circle.

    Returns
    -------
    pandas.DataFrame
        Indexed by node id: ``engaged_reach, embeddedness, coreness, engagement,
        reciprocity`` (descriptive percentiles in [0, 1]), ``impact`` (estimated real
        accounts moved), ``impact_in_community`` (of them, in the account's own community),
        ``n_flags``, ``composite`` (the former weighted percentile score, 0-100) and
        ``score`` (0-100).

    Notes
    -----
    ``score = 100 * impact / W``: the percentage of the network's real accounts
    (``W = sum of counted``, :func:`counted_weights`) the account moves, so accounts are
    ordered by how many people they move and scores of different networks are comparable.
    Audiences that are not real are removed from what impact counts (and never pass content
    on) instead of a flat penalty; authenticity flags stay visible in ``n_flags`` and the
    reason. Platform follower counts play no part. Community role qualifies the ranking
    (columns, filters, the reason) but does not enter the score. Impact uses calibrated tie
    probabilities (:func:`netinfluence.network.tie_probability`: spectral radius 0.9).
    Independent cascade: D. Kempe, J. Kleinberg, E. Tardos, KDD 2003; reverse-reachable
    estimation: C. Borgs et al., SODA 2014; complex contagion: D. Centola, Science 329:1194
    (2010), D. Guilbeault & D. Centola, Nat. Commun. 12:4430 (2021).

    Examples
    --------
    >>> from netinfluence.datasets import load_sample
    >>> s = citizen_score(load_sample())
    >>> list(s.columns)[-5:]
    ['impact', 'impact_in_community', 'n_flags', 'composite', 'score']
    """
    weights = weights or ScoreWeights()
    if inputs is None:
        inputs = score_inputs(
            net,
            labels=labels,
            seed=seed,
            reach_method=reach_method,
            progress=progress,
            objective=objective,
        )
    comps = components(inputs)
    flag_cols = [
        c
        for c in (
            "low_engagement",
            "passive_followers",
            "mass_followers",
            "low_reciprocity",
            "followers_gap",
        )
        if c in inputs.columns
    ]
    n_flags = (
        inputs[flag_cols].sum(axis=1).to_numpy(dtype=int)
        if flag_cols
        else np.zeros(len(inputs), dtype=int)
    )
    out = comps.copy()
    impact = inputs["impact"].to_numpy(dtype=float)
    out["impact"] = impact
    out["impact_in_community"] = inputs["impact_in_community"].to_numpy(dtype=float)
    out["n_flags"] = n_flags
    out["composite"] = combine(comps, n_flags, weights)
    total = float(inputs["counted"].sum()) if "counted" in inputs.columns else float(len(inputs))
    out["score"] = impact_score(impact, total)
    out.index.name = "node"
    out.attrs["weights"] = weights.to_dict()
    out.attrs["impact"] = inputs.attrs.get("impact", {})
    return out
