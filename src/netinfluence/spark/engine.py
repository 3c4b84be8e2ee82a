"""The Spark engine's :func:`metrics`: every per-node measure and the citizen score."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from netinfluence._check import seed_int
from netinfluence.errors import InputError
from netinfluence.scoring import ScoreWeights, awareness_budget
from netinfluence.spark.algorithms import COMMUNITY_METHODS
from netinfluence.spark.impact import BATCH_SETS, counted, sample_awareness

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["METRIC_COLUMNS", "REACH_METHODS", "TIE_TOLERANCE", "metrics", "snap_ties"]

logger = logging.getLogger(__name__)

#: Columns of :func:`metrics`, in order.
METRIC_COLUMNS = (
    "node",
    "in_degree",
    "out_degree",
    "strength",
    "reach_2hop",
    "pagerank",
    "community",
    "community_size",
    "within_module_z",
    "participation",
    "internal_share",
    "role",
    "insider",
    "tie_coreness",
    "expected_reach",
    "community_reach_share",
    "followers",
    "tier",
    "tier_band",
    "engagement_rate",
    "engagement_vs_tier",
    "reciprocal_share",
    "passive_share",
    "mass_follower_share",
    "followers_gap_ratio",
    "low_engagement",
    "passive_followers",
    "mass_followers",
    "low_reciprocity",
    "followers_gap",
    "flags",
    "n_flags",
    "engaged_reach",
    "embeddedness",
    "coreness",
    "engagement",
    "reciprocity",
    "counted",
    "impact",
    "impact_se",
    "impact_in_community",
    "composite",
    "score",
)
#: ``reach=`` choices of :func:`metrics`.
REACH_METHODS = ("sketch", "exact")

# Columns the score is computed from on the driver (see _score).
_SCORE_INPUTS = (
    "within_module_z",
    "participation",
    "internal_share",
    "tie_coreness",
    "expected_reach",
    "engagement_vs_tier",
    "reciprocal_share",
    "n_flags",
)


# Score inputs that are floating-point sums: Spark adds their terms in an order that depends
# on partitioning, so values that are equal in exact arithmetic can differ in the last bits.
_SUMMED = ("within_module_z", "internal_share", "expected_reach")
#: Values closer than this (relative, with an absolute floor of the same size) are one tie.
TIE_TOLERANCE = 1e-12


def snap_ties(values: np.ndarray, tolerance: float = TIE_TOLERANCE) -> np.ndarray:
    """Give values that differ by at most ``tolerance`` (relative) the smallest of them.

    Sorted values are cut into groups wherever the gap to the previous value exceeds
    ``tolerance * max(|value|, 1)``; each group takes its smallest value. Percentiles then see
    the ties that exact arithmetic would give, whatever order Spark summed the terms in, so
    the score does not depend on the partitioning. NaN stays NaN.

    Examples
    --------
    >>> snap_ties(np.array([0.3, 0.1 + 0.2, 0.5, np.nan])).tolist()
    [0.3, 0.3, 0.5, nan]
    """
    x = np.asarray(values, dtype=float)
    out = x.copy()
    ok = ~np.isnan(x)
    v = x[ok]
    if len(v) < 2:
        return out
    order = np.argsort(v, kind="stable")
    s = v[order]
    starts = np.concatenate([[True], np.diff(s) > tolerance * np.maximum(np.abs(s[1:]), 1.0)])
    snapped = s[starts][np.cumsum(starts) - 1]
    res = np.empty_like(v)
    res[order] = snapped
    out[ok] = res
    return out


def _check_positive_int(name: str, value, lo: int = 1, hi: int | None = None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < lo
        or (hi is not None and value > hi)
    ):
        bound = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise InputError(f"{name} must be an integer {bound}, got {value!r}")
    return int(value)


def metrics(
    spark: SparkSession | None,
    follows_df: DataFrame | None,
    interactions_df: DataFrame | None = None,
    users_df: DataFrame | None = None,
    *,
    seed: int | np.random.Generator | None = 0,
    weights: ScoreWeights | None = None,
    labels: DataFrame | None = None,
    damping: float = 0.85,
    pagerank_tol: float = 1e-6,
    pagerank_max_iter: int = 200,
    communities: str = "lpam",
    lpa_max_iter: int = 100,
    lpa_max_levels: int = 10,
    lpa_settle_share: float = 0.001,
    core_max_iter: int = 100,
    reach: str = "sketch",
    reach_precision: int = 12,
    exact_paths_max: float | None = None,
    broadcast_nodes: int = 2_000_000,
    rr_batch_sets: int = BATCH_SETS,
    concurrent: bool = True,
    info: dict | None = None,
) -> DataFrame:
    """Every per-node influence measure and the citizen score, computed on Spark.

    Parameters
    ----------
    spark : SparkSession or None
        E.g. from :func:`netinfluence.spark.session`; None uses the session of the inputs.
    follows_df : DataFrame or None
        Rows ``follower, followed`` (the follower sees the followed account's posts).
    interactions_df : DataFrame, optional
        Rows ``source, target[, type][, count][, timestamp]``: ``source`` engaged with
        ``target``'s content. Missing types are ``"interaction"``, missing counts 1; rows with
        count 0 are dropped. Timestamps are not used (the default tie strength has no decay).
    users_df : DataFrame, optional
        One row per account: ``id`` and optionally ``followers, following, posts, likes,
        comments, handle, topics`` (numbers may be strings; unparseable ones count as missing).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the label-propagation update order and of the RR sets' roots and coins; the
        same int gives the same result.
    weights : ScoreWeights, optional
        Score weights (:class:`netinfluence.scoring.ScoreWeights` defaults).
    labels : DataFrame, optional
        ``node, community`` for every node, used instead of label propagation (for example
        Leiden labels from the in-memory engine).
    damping : float, default 0.85
        PageRank damping factor.
    pagerank_tol : float, default 1e-6
        Stop PageRank when the L1 change of the rank vector falls below this. At 1e-6 the
        ranking has stopped changing (on the 10^6 benchmark graphs the top 500 and the rank
        correlation are those of a 1e-12 run from about 1e-5 on) and the largest per-node
        difference from the in-memory engine is ~2e-7 (measured, ``docs/spark.md``), in about
        half the rounds 1e-9 takes.
    pagerank_max_iter : int, default 200
        PageRank rounds at most (a RuntimeWarning when reached).
    communities : {"lpam", "lpa"}, default "lpam"
        Label propagation constrained by modularity and repeated on the community graph
        (``"lpam"``, close to Leiden's partitions: NMI 0.86 against the sample's planted
        communities, 0.58 against email-Eu-core's departments) or plain label propagation
        (``"lpa"``, which floods hub-rich networks with one label). See
        :func:`netinfluence.spark.algorithms.label_propagation`.
    lpa_max_iter : int, default 100
        Rounds per level at most (a RuntimeWarning when nodes are still unsettled).
    lpa_max_levels : int, default 10
        Aggregation levels at most (``"lpam"``).
    lpa_settle_share : float, default 0.001
        A label-propagation level ends when at most this share of its nodes is unsettled
        (they keep their labels): the last rounds of a level move a handful of nodes each.
        0 waits until no node is unsettled.
    core_max_iter : int, default 100
        H-index rounds at most for the k-core numbers (a RuntimeWarning when reached).
    reach : {"sketch", "exact"}, default "sketch"
        ``reach_2hop`` by HyperLogLog sketches or exactly (from the two-hop pairs formed for
        the expected reach anyway).
    reach_precision : int, default 12
        ``lgConfigK`` of the sketches (4..21): relative standard error ``1.04 /
        sqrt(2**reach_precision)``, 1.6 % at 12 as the in-memory engine's default.
    exact_paths_max : float, optional
        Form the two-hop pairs (exact expected and community reach) only while the reach
        layer has at most this many two-hop paths (``sum_w indeg(w) outdeg(w)``, the row count
        of that join); above it, the first-order estimates of the in-memory engine, which
        cost three joins over the edges. Default :data:`netinfluence.metrics.AUTO_EXACT_PATHS`
        (5e7), the in-memory engine's own switch. ``reach="exact"`` needs the pairs.
    broadcast_nodes : int, default 2,000,000
        Per-node tables of graphs up to this many nodes are broadcast in joins; larger graphs
        shuffle them.
    rr_batch_sets : int, default 10,000,000
        Reverse-reachable sets searched together at most (more are drawn in further batches,
        each as many rounds as its deepest set is deep): the rows of an impact round's join
        grow with it (about sets x mean in-degree before the coins).
    concurrent : bool, default True
        Run the four independent chains (PageRank; communities, roles and two-hop reach;
        k-cores, sketches, engagement and flags; impact) as concurrent Spark jobs from four
        driver threads, so that one chain's driver-side work overlaps the others' tasks.
    info : dict, optional
        Filled with what the run did: sizes, rounds and convergence of the iterative steps,
        the sketch's error, seconds per step.

    Returns
    -------
    pyspark.sql.DataFrame
        One row per node, keyed by ``node`` (the ids as given), with the columns of
        :data:`METRIC_COLUMNS` (not sorted): degrees, tie ``strength``, ``reach_2hop``,
        ``pagerank``; the label-propagation ``community`` (0..k-1 by decreasing size) and
        ``community_size``; the Guimera-Amaral ``within_module_z``, ``participation``,
        ``internal_share``, ``role``, ``insider``; ``tie_coreness``, ``expected_reach``,
        ``community_reach_share``; tiers and engagement; reciprocity; the authenticity
        measures, flags and ``n_flags``; ``counted``, ``impact``, ``impact_se``,
        ``impact_in_community``; the five score components, ``composite`` and ``score``
        (0-100).

    Raises
    ------
    InputError
        Bad options, missing columns or ids, labels that miss nodes.
    MissingDependencyError
        pyspark is not installed.

    Notes
    -----
    Directions and formulas are those of the in-memory engine: follows rows become influence
    edges ``followed -> follower`` and interactions ``target -> source``; self-loops are
    dropped and duplicates merged. ``in_degree`` is the audience seen in the graph
    (:func:`netinfluence.metrics.in_degree`), ``out_degree`` the accounts followed,
    ``strength`` the summed tie strength of the out-ties (``centrality.strength`` on the
    ``ties`` layer), ``pagerank`` :func:`netinfluence.metrics.pagerank` (follower ->
    followed walk, dangling rank spread uniformly), ``tie_coreness`` the k-core number of the
    undirected default layer, roles :func:`netinfluence.metrics.roles` on that layer with the
    community labels, ``expected_reach`` ``reach(hops=2, expected=True)``, engagement and
    flags :mod:`netinfluence.metrics` with their defaults.

    ``score`` is ``100 * impact / W`` as in :func:`netinfluence.scoring.citizen_score`:
    ``counted`` is :func:`netinfluence.spread.counted_weights`'s rule, ``W`` its sum, and
    ``impact`` the expected number of counted accounts an independent cascade through the
    calibrated tie probabilities activates, by reverse-reachable sets drawn as rounds of joins
    (:func:`netinfluence.spark.impact.sample_awareness`, the in-memory sampling budget) with
    Spark's own coins: equal seeds give equal results, and the engines differ by their
    sampling error. The ``composite`` is :func:`netinfluence.scoring.components` and
    :func:`netinfluence.scoring.combine` themselves. The per-node inputs (nine numbers per
    node) are collected to the driver as an Arrow table, scored there and joined back. That
    bounds this step by the driver's memory (about 100 bytes per node: 10^8 nodes need ~10 GB).
    Before the percentiles, the inputs that are floating-point sums (``within_module_z``,
    ``internal_share``, ``expected_reach``) have values within 1e-12 (relative) merged into
    ties (:func:`snap_ties`), so that the summation order Spark happened to use cannot break
    a tie that the in-memory engine sees.

    Cost: the tie table lists triangles (``O(m^1.5)`` wedge rows); ``expected_reach`` forms
    every two-hop pair (``sum_w indeg(w) outdeg(w)`` rows) up to ``exact_paths_max`` of them
    and uses first-order estimates above (at 10^7 edges the 4.8e8 pairs ran a 12 GB local
    driver out of memory); PageRank, label propagation and the k-core iteration cost one
    pass over the edges per round; impact one join of the RR frontier with the ties per
    round, as many rounds as the deepest RR set is deep. See ``docs/spark.md`` for the
    scale-out plan.

    Examples
    --------
    >>> from netinfluence.spark import metrics, session  # doctest: +SKIP
    >>> spark = session("local[2]")  # doctest: +SKIP
    >>> follows = spark.createDataFrame([("a", "b"), ("b", "a"), ("c", "a")],
    ...                                 "follower string, followed string")  # doctest: +SKIP
    >>> metrics(spark, follows).select("node", "in_degree", "pagerank").show()  # doctest: +SKIP
    """
    from netinfluence.spark import algorithms as alg
    from netinfluence.spark.context import _pyspark
    from netinfluence.spark.graph import prepare

    _pyspark("netinfluence.spark.metrics")
    reach_method = str(reach).strip().lower()
    if reach_method not in REACH_METHODS:
        raise InputError(f"reach must be one of {REACH_METHODS}, got {reach!r}")
    precision = _check_positive_int("reach_precision", reach_precision, 4, 21)
    pr_iter = _check_positive_int("pagerank_max_iter", pagerank_max_iter)
    lpa_iter = _check_positive_int("lpa_max_iter", lpa_max_iter)
    lpa_levels = _check_positive_int("lpa_max_levels", lpa_max_levels)
    method = str(communities).strip().lower()
    if method not in COMMUNITY_METHODS:
        raise InputError(f"communities must be one of {COMMUNITY_METHODS}, got {communities!r}")
    core_iter = _check_positive_int("core_max_iter", core_max_iter)
    from netinfluence.metrics import AUTO_EXACT_PATHS

    try:
        paths_max = AUTO_EXACT_PATHS if exact_paths_max is None else float(exact_paths_max)
    except (TypeError, ValueError):
        raise InputError(f"exact_paths_max must be a number, got {exact_paths_max!r}") from None
    if not paths_max >= 0:
        raise InputError(f"exact_paths_max must be >= 0, got {exact_paths_max!r}")
    bcast = _check_positive_int("broadcast_nodes", broadcast_nodes, 0)
    rr_batch = _check_positive_int("rr_batch_sets", rr_batch_sets)
    try:
        d = float(damping)
        tol = float(pagerank_tol)
    except (TypeError, ValueError):
        raise InputError(
            f"damping and pagerank_tol must be numbers, got {damping!r}, {pagerank_tol!r}"
        ) from None
    if not 0.0 <= d <= 1.0:
        raise InputError(f"damping must be a number in [0, 1], got {damping!r}")
    if not tol > 0:
        raise InputError(f"pagerank_tol must be a positive number, got {pagerank_tol!r}")
    try:
        settle = float(lpa_settle_share)
    except (TypeError, ValueError):
        settle = float("nan")
    if not 0.0 <= settle < 1.0:
        raise InputError(f"lpa_settle_share must be a number in [0, 1), got {lpa_settle_share!r}")
    if not isinstance(concurrent, bool):
        raise InputError(f"concurrent must be True or False, got {concurrent!r}")
    if weights is not None and not isinstance(weights, ScoreWeights):
        raise InputError(f"weights must be a ScoreWeights, got {type(weights).__name__}")
    weights = weights or ScoreWeights()
    seed_value = seed_int(seed) % (2**31 - 1)  # Spark's jobs take 31-bit seeds
    run = info if info is not None else {}
    timings: dict[str, float] = {}
    run["timings_seconds"] = timings
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now
        logger.info("spark metrics: %s done in %.1f s", name, timings[name])

    g = prepare(spark, follows_df, interactions_df, users_df, broadcast_nodes=bcast)
    run.update(
        n_nodes=g.n,
        n_follows=g.n_follows,
        n_interaction_pairs=g.n_interaction_pairs,
        default_layer=g.default_layer,
        reach_layer=g.reach_layer,
        seed=seed_value,
    )
    lap("prepare")
    if g.n == 0:
        raise InputError("the inputs hold no accounts")
    deg = alg.degrees(g)
    lap("degrees")
    layer = g.default_layer
    paths = alg.two_hop_paths(g)
    exact_two_hop = paths <= paths_max
    run.update(two_hop_paths=paths, two_hop_method="exact" if exact_two_hop else "first-order")
    if reach_method == "exact" and not exact_two_hop:
        raise InputError(
            f"reach='exact' forms every two-hop pair, and the reach layer has {paths:.3g} "
            f"(more than exact_paths_max={paths_max:.3g}); use reach='sketch'"
        )
    lap("two_hop_paths")
    # needed by the flags and by who counts as a person moved (two chains below)
    recip = alg.reciprocity(g)
    mass = alg.mass_following(g, deg)
    lap("reciprocity")

    def rank_step():
        t0 = time.perf_counter()
        trace = []
        pr, rounds = alg.pagerank(g, damping=d, tol=tol, max_iter=pr_iter, trace=trace)
        facts = {
            "pagerank_rounds": rounds,
            "pagerank_round_seconds": [t for t, _ in trace],
            "pagerank_changes": [c for _, c in trace],
        }
        return pr, facts, {"pagerank": time.perf_counter() - t0}

    def community_steps():
        t0 = time.perf_counter()
        if labels is None:
            trace = []
            lab, lpa = alg.label_propagation(
                g,
                layer,
                method=method,
                seed=seed_value,
                max_iter=lpa_iter,
                max_levels=lpa_levels,
                settle_share=settle,
                trace=trace,
            )
            facts = {
                "community_method": method,
                "lpa_levels": lpa["levels"],
                "lpa_rounds": lpa["rounds"],
                "lpa_converged": lpa["converged"],
                "lpa_settle_share": settle,
                "lpa_round_seconds": [row[1] for row in trace],
                "lpa_unsettled": [row[2] for row in trace],
            }
        else:
            lab = _given_labels(g, labels)
            facts = {"community_method": "given"}
        t1 = time.perf_counter()
        roles = alg.role_statistics(g, layer, lab)
        t2 = time.perf_counter()
        two = alg.two_hop(g, lab, exact=exact_two_hop)
        t3 = time.perf_counter()
        return (
            (lab, roles, two),
            facts,
            {"communities": t1 - t0, "roles": t2 - t1, "expected_reach": t3 - t2},
        )

    def local_steps():
        t0 = time.perf_counter()
        trace = []
        core, rounds = alg.coreness(g, layer, max_iter=core_iter, trace=trace)
        t1 = time.perf_counter()
        if reach_method == "sketch":
            r2 = alg.reach_sketch(g, lg_k=precision)
            facts = {
                "reach_method": "sketch",
                "reach_precision": precision,
                "reach_error": float(1.04 / np.sqrt(2.0**precision)),
            }
        else:
            r2, facts = None, {"reach_method": "exact", "reach_error": 0.0}
        t2 = time.perf_counter()
        eng = alg.engagement(g, deg)
        flg = alg.flags(g, deg, eng, recip, mass)
        t3 = time.perf_counter()
        facts["core_rounds"] = rounds
        facts["core_round_seconds"] = [t for t, _ in trace]
        facts["core_changed"] = [c for _, c in trace]
        return (
            (core, r2, eng, flg),
            facts,
            {"core": t1 - t0, "reach": t2 - t1, "engagement": t3 - t2},
        )

    def impact_step():
        t0 = time.perf_counter()
        trace: list = []
        aware = sample_awareness(
            g,
            counted(g, mass, recip),
            seed=seed_value,
            batch_sets=rr_batch,
            trace=trace,
            **awareness_budget(g.n),
        )
        facts = {
            "impact_runs": aware.attrs["runs"],
            "impact_rse_top": aware.attrs["rse_top"],
            "impact_members": aware.attrs["members"],
            "impact_rounds": aware.attrs["rr_rounds"],
            "impact_round_seconds": [row[2] for row in trace],
            "impact_round_members": [row[3] for row in trace],
        }
        return aware, facts, {"impact": time.perf_counter() - t0}

    # The four chains are independent: run them as concurrent Spark jobs so that one
    # chain's driver-side work (planning, scheduling, the per-round convergence check)
    # overlaps the others' tasks.
    chains = (rank_step, community_steps, local_steps, impact_step)
    if concurrent:
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="netinfluence-spark") as pool:
            futures = [pool.submit(chain) for chain in chains]
            results = [fut.result() for fut in futures]
    else:
        results = [chain() for chain in chains]
    for _, facts, secs in results:
        run.update(facts)
        timings.update({k: round(v, 3) for k, v in secs.items()})
    pr = results[0][0]
    lab, roles, two = results[1][0]
    core, r2, eng, flg = results[2][0]
    aware = results[3][0]
    if r2 is None:
        r2 = two.select("vid", two["reach_2hop_exact"].cast("double").alias("reach_2hop"))
    lap("concurrent_steps")
    imp = aware.table(lab)
    lap("impact_in_community")
    table = _assemble(g, deg, pr, lab, roles, core, two, r2, eng, recip, flg, imp)
    out = _score(g.spark, table, weights, aware.total_w)
    lap("score")
    return out


def _given_labels(g, labels: DataFrame) -> DataFrame:
    """Validate ``node, community`` labels and return ``vid, community`` over every node."""
    from pyspark.sql import DataFrame as SparkFrame
    from pyspark.sql import functions as f

    from netinfluence.spark.algorithms import relabel_by_size
    from netinfluence.spark.graph import checkpoint

    if not isinstance(labels, SparkFrame) or not {"node", "community"} <= set(labels.columns):
        raise InputError("labels must be a Spark DataFrame with columns node, community")
    node_type = g.nodes.schema["node"].dataType
    lab = labels.select(
        f.col("node").cast(node_type).alias("node"), f.col("community").alias("label")
    )
    joined = checkpoint(g.nodes.select("vid", "node").join(lab, "node", "left"))
    missing = joined.where(f.col("label").isNull()).count()
    if missing:
        raise InputError(f"labels must give a community for every node; {missing} node(s) missing")
    dup = joined.groupBy("vid").count().where(f.col("count") > 1).limit(1).count()
    if dup:
        raise InputError("labels has duplicate node ids")
    return relabel_by_size(joined.select("vid", "label"))


def _assemble(g, deg, pr, lab, roles, core, two, r2, eng, recip, flg, imp) -> DataFrame:
    from pyspark.sql import functions as f

    size = f.col("community_size")
    share = f.when(size > 1, f.col("community_reach") / (size - 1).cast("double")).otherwise(0.0)
    t = (
        g.nodes.select("vid", "node")
        .join(deg, "vid")
        .join(r2, "vid")
        .join(pr, "vid")
        .join(lab, "vid")
        .join(roles, "vid")
        .join(core, "vid")
        .join(two, "vid")
        .join(
            eng.select(
                "vid", "followers", "tier", "tier_band", "engagement_rate", "engagement_vs_tier"
            ),
            "vid",
        )
        .join(recip, "vid")
        .join(flg, "vid")
        .join(imp, "vid")
        .withColumn("community_reach_share", share)
    )
    from netinfluence.spark.graph import checkpoint

    return checkpoint(t)


def _score(spark, table: DataFrame, weights: ScoreWeights, total_w: float) -> DataFrame:
    """Roles, insiders, components, composite and score with the in-memory engine's own
    functions.

    The per-node inputs travel to the driver as an Arrow table; ``scoring.components``,
    ``scoring.combine``, ``roles`` classification and ``is_insider`` run there unchanged, and
    the result is joined back on ``vid``. ``score = 100 * impact / W`` (``W = total_w``, the
    accounts counted), as :func:`netinfluence.scoring.citizen_score`.
    """
    import pandas as pd
    import pyarrow as pa

    from netinfluence.metrics import is_insider
    from netinfluence.metrics._roles import _classify
    from netinfluence.scoring import COMPONENTS, combine, impact_score
    from netinfluence.scoring._score import components

    local = table.select("vid", *_SCORE_INPUTS, "impact").toArrow().to_pandas()
    inputs = local.set_index("vid")
    for col in _SUMMED:
        inputs[col] = snap_ties(inputs[col].to_numpy(dtype=float))
    z = inputs["within_module_z"].to_numpy(dtype=float)
    p = inputs["participation"].to_numpy(dtype=float)
    role = pd.Series(np.asarray(_classify(z, p), dtype=object), index=inputs.index)
    rl = pd.DataFrame(
        {
            "within_module_z": z,
            "role": role.to_numpy(),
            "internal_share": inputs["internal_share"].to_numpy(dtype=float),
        },
        index=inputs.index,
    )
    comps = components(inputs)
    n_flags = inputs["n_flags"].to_numpy(dtype=int)
    scored = pd.DataFrame(
        {
            "vid": inputs.index.to_numpy(dtype=np.int64),
            "role": role.astype(str).to_numpy(),
            "insider": is_insider(rl).to_numpy(dtype=bool),
        }
    )
    for c in COMPONENTS:
        scored[c] = comps[c].to_numpy(dtype=float)
    scored["composite"] = combine(comps, n_flags, weights)
    scored["score"] = impact_score(inputs["impact"].to_numpy(dtype=float), total_w)
    back = spark.createDataFrame(pa.Table.from_pandas(scored, preserve_index=False))
    out = table.join(back, "vid").select(*METRIC_COLUMNS)
    from netinfluence.spark.graph import checkpoint

    return checkpoint(out)
