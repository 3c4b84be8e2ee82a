"""The per-node metrics as Spark DataFrame programs on a prepared :class:`SparkGraph`.

Each function returns a per-node DataFrame keyed by ``vid`` (all ``n`` nodes unless said
otherwise). Iterative algorithms (PageRank, label propagation, the H-index iteration for
k-cores) keep the edges partitioned by the node they aggregate on, join the current per-node
values (broadcast when the graph is small, else shuffled) and cut the lineage every round with
``localCheckpoint``, so a round costs one pass over the edges and its plan never grows.
"""

from __future__ import annotations

import itertools
import logging
import time
import warnings
from typing import TYPE_CHECKING

from netinfluence.spark.graph import SparkGraph, checkpoint, dense_index
from netinfluence.spark.graph import _functions as _f

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = [
    "COMMUNITY_METHODS",
    "coreness",
    "degrees",
    "engagement",
    "flags",
    "label_propagation",
    "mass_following",
    "pagerank",
    "reach_sketch",
    "role_statistics",
    "two_hop",
    "two_hop_paths",
]


logger = logging.getLogger(__name__)


def _partitions(g: SparkGraph) -> int:
    partitions = g.spark.conf.get("spark.sql.shuffle.partitions")
    assert partitions is not None  # a SQL conf with a default value
    return int(partitions)


def _all_nodes(g: SparkGraph, frame: DataFrame, fill: dict) -> DataFrame:
    """``frame`` (keyed by vid) over every node, missing nodes filled with ``fill``."""
    out = g.nodes.select("vid").join(g.small(frame), "vid", "left")
    return out.fillna(fill) if fill else out


# ---------------------------------------------------------------------------------- degrees


def degrees(g: SparkGraph) -> DataFrame:
    """``vid, in_degree, out_degree, strength``.

    ``in_degree``: distinct accounts exposed to the node in the follows layer (its followers
    in the graph, as :func:`netinfluence.metrics.in_degree`); ``out_degree``: accounts it
    follows; ``strength``: summed tie strength of its out-ties (``centrality.strength`` on the
    ``ties`` layer). One ``groupBy`` (shuffle) each.
    """
    f = _f()
    ind = (
        g.follows.groupBy("src")
        .agg(f.count(f.lit(1)).alias("in_degree"))
        .withColumnRenamed("src", "vid")
    )
    outd = (
        g.follows.groupBy("dst")
        .agg(f.count(f.lit(1)).alias("out_degree"))
        .withColumnRenamed("dst", "vid")
    )
    st = (
        g.ties.groupBy("src")
        .agg(f.sum("strength").alias("strength"))
        .withColumnRenamed("src", "vid")
    )
    out = (
        g.nodes.select("vid")
        .join(ind, "vid", "left")
        .join(outd, "vid", "left")
        .join(st, "vid", "left")
        .fillna({"in_degree": 0, "out_degree": 0, "strength": 0.0})
    )
    return checkpoint(out)


# ---------------------------------------------------------------------------------- PageRank


def pagerank(
    g: SparkGraph, *, damping: float, tol: float, max_iter: int, trace: list | None = None
) -> tuple[DataFrame, int]:
    """``vid, pagerank`` by power iteration on the follower -> followed graph.

    ``x_i = d (sum_{j follows i} x_j / s_j + D / n) + (1 - d) / n`` with ``s_j`` the number
    of accounts ``j`` follows and ``D`` the rank held by accounts that follow nobody (spread
    uniformly, as networkx and :func:`netinfluence.metrics.pagerank` do). Stops when the L1
    change falls below ``tol`` or after ``max_iter`` rounds (RuntimeWarning). Returns the rank
    (normalised to sum 1) and the number of rounds; ``trace``, when given, gets one
    ``(seconds, L1 change)`` pair per round.

    The L1 error of the result is below ``tol d / (1 - d)``; what ``tol`` the ranking needs is
    measured in ``docs/spark.md`` (at 1e-6, the engine's default, the top 500 of the 10^6
    benchmark graphs no longer change, and the largest per-node error is ~2e-7).

    A round: join the rank vector to the edges on the follower, aggregate on the followed
    account (edges are pre-partitioned by it, so with a broadcast vector a round is one stage),
    then one small aggregate for the dangling mass and the change.
    """
    f = _f()
    n = g.n
    parts = _partitions(g)
    s = g.follows.groupBy("dst").agg(f.count(f.lit(1)).alias("s"))
    edges = g.follows.join(g.small(s), "dst").select("src", "dst", (1.0 / f.col("s")).alias("w"))
    self_rows = g.nodes.select(
        f.col("vid").alias("src"), f.col("vid").alias("dst"), f.lit(0.0).alias("w")
    )
    edges = edges.union(self_rows).repartition(parts, "src").cache()
    state = checkpoint(
        g.nodes.select("vid")
        .join(s.withColumnRenamed("dst", "vid"), "vid", "left")
        .select("vid", f.col("s").isNull().alias("dangling"), f.lit(1.0 / n).alias("x"))
    )
    dangling = (
        state.agg(f.sum(f.when(f.col("dangling"), f.col("x")).otherwise(0.0))).collect()[0][0]
        or 0.0
    )
    rounds, converged = 0, False
    try:
        for rounds in range(1, max_iter + 1):
            started = time.perf_counter()
            vec = state.select(
                f.col("vid").alias("dst"), f.col("x").alias("xj"), f.col("dangling").alias("dj")
            )
            is_self = f.col("src") == f.col("dst")
            nxt = (
                edges.join(g.small(vec), "dst")
                .groupBy("src")
                .agg(
                    f.sum(f.col("w") * f.col("xj")).alias("c"),
                    f.max(f.when(is_self, f.col("xj"))).alias("old"),
                    f.max(f.when(is_self, f.col("dj"))).alias("dangling"),
                )
                .select(
                    f.col("src").alias("vid"),
                    "dangling",
                    (damping * (f.col("c") + dangling / n) + (1.0 - damping) / n).alias("x"),
                    "old",
                )
            )
            nxt = checkpoint(nxt, eager=False)
            row = nxt.agg(
                f.sum(f.when(f.col("dangling"), f.col("x")).otherwise(0.0)),
                f.sum(f.abs(f.col("x") - f.col("old"))),
            ).collect()[0]
            state = nxt.drop("old")
            dangling, change = row[0] or 0.0, row[1]
            logger.debug("pagerank round %d: L1 change %.3g", rounds, change)
            if trace is not None:
                trace.append((round(time.perf_counter() - started, 3), float(change)))
            if change < tol:
                converged = True
                break
    finally:
        edges.unpersist()
    if not converged and n:
        warnings.warn(
            f"Spark pagerank did not converge to tol={tol:g} in {max_iter} "
            "iterations; returning the last iterate (raise pagerank_max_iter)",
            RuntimeWarning,
            stacklevel=3,
        )
    total = state.agg(f.sum("x")).collect()[0][0] or 1.0
    return checkpoint(state.select("vid", (f.col("x") / total).alias("pagerank"))), rounds


# ---------------------------------------------------------------------------------- labels


#: Community methods of :func:`label_propagation`.
COMMUNITY_METHODS = ("lpam", "lpa")


def label_propagation(
    g: SparkGraph,
    layer: str,
    *,
    method: str,
    seed: int,
    max_iter: int,
    max_levels: int = 10,
    settle_share: float = 0.0,
    trace: list | None = None,
) -> tuple[DataFrame, dict]:
    """``vid, community`` by label propagation; labels 0..k-1 by decreasing size.

    Every node starts with its own label. In each round a node scores the labels of its
    neighbours on the undirected view of ``layer`` (both directions' weights summed) and is
    *unsettled* when its own label does not have the top score; a pseudo-random part of the
    unsettled nodes (``xxhash64(vid, seed, level, round)``) adopts the top label, ties going
    to the smallest label. Updating only part of the nodes per round breaks the two-cycles of
    synchronous propagation. A level ends when at most ``settle_share`` of its nodes are
    unsettled (0: none; those few keep their labels) or after ``max_iter`` rounds, with a
    RuntimeWarning. Scores are rounded to 1e-9 so that the floating-point
    summation order cannot decide a tie.

    ``method="lpa"``: the score of label ``L`` is the summed weight ``w_iL`` of the
    neighbours carrying it (Raghavan, Albert & Kumara, Phys. Rev. E 76, 036106, 2007); one
    level; three quarters of the unsettled nodes move per round. On networks with hubs it
    tends to flood most nodes with one label.

    ``method="lpam"`` (default): the modularity-constrained score ``w_iL - k_i (K_L - k_i
    [L = own]) / 2m`` (``k_i`` weighted degree, ``K_L`` the summed degree of the nodes with
    label ``L``): label propagation that climbs modularity (M.J. Barber and J.W. Clark,
    "Detecting network communities by propagating labels under constraints", Phys. Rev. E 80,
    026129, 2009), half of the unsettled nodes moving per round. When a level has settled, its
    communities become the nodes of an aggregated graph (summed weights between communities,
    internal weight kept in the degree, as in Louvain: V.D. Blondel et al., J. Stat. Mech.
    P10008, 2008) and propagation runs again, until a level moves nothing or ``max_levels``.

    Cost per round: one job, i.e. one pass over the level's edges joined with the labels and
    two aggregations on the node the edges are partitioned by (plus, for ``lpam``, one small
    aggregation per label). Returns labels and facts (levels, rounds per level, converged);
    ``trace``, when given, gets one ``(level, seconds, unsettled nodes, level's nodes)`` tuple
    per round.
    """
    f = _f()
    lpam = method == "lpam"
    und = g.undirected_weights(layer).where(f.col("w") > 0)
    pairs = und.select(f.col("lo").alias("node"), f.col("hi").alias("nbr"), "w").union(
        und.select("hi", "lo", "w")
    )
    k = pairs.groupBy("node").agg(f.sum("w").alias("k")).withColumnRenamed("node", "v")
    nodes = checkpoint(
        g.nodes.select(f.col("vid").alias("v")).join(k, "v", "left").fillna({"k": 0.0})
    )
    m2 = nodes.agg(f.sum("k")).collect()[0][0] or 0.0
    member = g.nodes.select("vid", f.col("vid").alias("v"))
    edges = checkpoint(pairs)
    facts: dict = {"method": method, "rounds": [], "converged": True}
    levels = 1 if not lpam else max_levels
    for level in range(levels):
        size = g.n if level == 0 else nodes.count()
        labels, rounds, converged, moved = _propagate(
            g,
            nodes,
            edges,
            m2=m2,
            lpam=lpam,
            seed=seed,
            level=level,
            max_iter=max_iter,
            settle=int(settle_share * size),
            size=size,
            trace=trace,
        )
        facts["rounds"].append(rounds)
        facts["converged"] &= converged
        if not moved:
            break
        member = checkpoint(member.join(labels, "v").select("vid", f.col("label").alias("v")))
        if level + 1 == levels:
            break
        # the communities become the nodes of the next level
        nodes = checkpoint(
            nodes.join(labels, "v")
            .groupBy("label")
            .agg(f.sum("k").alias("k"))
            .withColumnRenamed("label", "v")
        )
        la = labels.select(f.col("v").alias("node"), f.col("label").alias("a"))
        lb = labels.select(f.col("v").alias("nbr"), f.col("label").alias("b"))
        edges = checkpoint(
            edges.join(g.small(la), "node")
            .join(g.small(lb), "nbr")
            .where(f.col("a") != f.col("b"))
            .groupBy("a", "b")
            .agg(f.sum("w").alias("w"))
            .select(f.col("a").alias("node"), f.col("b").alias("nbr"), "w")
        )
    facts["levels"] = len(facts["rounds"])
    if not facts["converged"] and g.n:
        warnings.warn(
            f"Spark label propagation still had unsettled nodes after {max_iter} "
            "rounds; using the last labels (raise lpa_max_iter)",
            RuntimeWarning,
            stacklevel=3,
        )
    return relabel_by_size(member.select("vid", f.col("v").alias("label"))), facts


def _propagate(
    g: SparkGraph,
    nodes: DataFrame,
    edges: DataFrame,
    *,
    m2: float,
    lpam: bool,
    seed: int,
    level: int,
    max_iter: int,
    settle: int = 0,
    size: int = 0,
    trace: list | None = None,
) -> tuple[DataFrame, int, bool, bool]:
    """One level of label propagation on the graph ``nodes (v, k)``, ``edges (node, nbr, w)``.

    The level ends when at most ``settle`` nodes are unsettled (they keep their labels).
    Returns ``(v, label)``, the rounds run, whether it settled, and whether any label moved.
    """
    f = _f()
    parts = _partitions(g)
    adj = (
        edges.union(
            nodes.select(f.col("v").alias("node"), f.col("v").alias("nbr"), f.lit(0.0).alias("w"))
        )
        .repartition(parts, "node")
        .cache()
    )
    labels = nodes.select("v", f.col("v").alias("label"), "k")
    share = 2 if lpam else 4  # 1/2 (lpam) or 3/4 (lpa) of the unsettled nodes move
    rounds, converged, moved = 0, False, False
    try:
        for rounds in range(1, max_iter + 1):
            started = time.perf_counter()
            nbr = labels.select(f.col("v").alias("nbr"), f.col("label").alias("nl"))
            own = labels.select(f.col("v").alias("node"), f.col("label").alias("own"), "k")
            sums = (
                adj.join(g.small(nbr), "nbr")
                .join(g.small(own), "node")
                .groupBy("node", "own", "k", "nl")
                .agg(f.sum("w").alias("s"))
            )
            if lpam:
                big = (
                    labels.groupBy("label")
                    .agg(f.sum("k").alias("label_k"))
                    .withColumnRenamed("label", "nl")
                )
                rest = f.col("label_k") - f.when(f.col("nl") == f.col("own"), f.col("k")).otherwise(
                    0.0
                )
                score = f.col("s") - f.col("k") * rest / m2 if m2 > 0 else f.col("s")
                sums = sums.join(g.small(big), "nl")
            else:
                score = f.col("s")
            scored = sums.select("node", "own", "k", "nl", f.round(score, 9).alias("s"))
            best = scored.groupBy("node", "own", "k").agg(
                f.max(f.struct(f.col("s"), (-f.col("nl")).alias("neg"))).alias("best"),
                f.max(f.when(f.col("nl") == f.col("own"), f.col("s"))).alias("cur"),
            )
            unsettled = f.col("cur") < f.col("best.s")
            hashed = f.xxhash64(f.col("node"), f.lit(int(seed)), f.lit(level), f.lit(rounds))
            active = f.pmod(hashed, share) != 0 if share == 4 else f.pmod(hashed, 2) == 0
            nxt = checkpoint(
                best.select(
                    f.col("node").alias("v"),
                    f.when(unsettled & active, -f.col("best.neg"))
                    .otherwise(f.col("own"))
                    .alias("label"),
                    "k",
                    unsettled.alias("unsettled"),
                ),
                eager=False,
            )
            left = nxt.agg(f.sum(f.col("unsettled").cast("long"))).collect()[0][0] or 0
            logger.debug("label propagation level %d round %d: %d unsettled", level, rounds, left)
            if trace is not None:
                trace.append((level, round(time.perf_counter() - started, 3), int(left), size))
            if left <= settle:
                converged = True
                break
            moved = True
            labels = nxt.drop("unsettled")
    finally:
        adj.unpersist()
    return labels.select("v", "label"), rounds, converged, moved


def relabel_by_size(labels: DataFrame) -> DataFrame:
    """``vid, community`` with labels 0..k-1 by decreasing size (ties: smallest member vid)."""
    f = _f()
    sizes = labels.groupBy("label").agg(
        f.count(f.lit(1)).alias("size"), f.min("vid").alias("first")
    )
    ranked, _ = dense_index(sizes, [f.col("size").desc(), f.col("first")], "community")
    mapping = ranked.select("label", "community")
    return checkpoint(labels.join(mapping, "label").select("vid", "community"))


# ---------------------------------------------------------------------------------- roles


def role_statistics(g: SparkGraph, layer: str, labels: DataFrame) -> DataFrame:
    """``vid, community_size, within_module_z, participation, internal_share``.

    On the undirected view of ``layer`` (weights of both directions summed), with ``k_is`` the
    weight from node ``i`` to community ``s``: ``participation = 1 - sum_s (k_is / k_i)^2``,
    ``internal_share = k_i,s_i / k_i`` (0 for isolated nodes) and ``within_module_z`` the
    z-score of ``k_i,s_i`` among the members of ``s_i`` (population standard deviation, 0
    where it vanishes), as :func:`netinfluence.metrics.roles` (Guimera & Amaral, Nature 433,
    2005). Two aggregations over the edges and one over the communities.
    """
    f = _f()
    und = g.undirected_weights(layer)
    adj = und.select(f.col("lo").alias("node"), f.col("hi").alias("nbr"), "w").union(
        und.select("hi", "lo", "w")
    )
    lab = labels.select("vid", "community")
    ln = lab.select(f.col("vid").alias("node"), f.col("community").alias("cn"))
    lm = lab.select(f.col("vid").alias("nbr"), f.col("community").alias("cm"))
    per = (
        adj.join(g.small(lm), "nbr")
        .join(g.small(ln), "node")
        .groupBy("node", "cn", "cm")
        .agg(f.sum("w").alias("kis"))
        .groupBy("node")
        .agg(
            f.sum("kis").alias("k"),
            f.sum(f.when(f.col("cm") == f.col("cn"), f.col("kis")).otherwise(0.0)).alias(
                "internal"
            ),
            f.sum(f.col("kis") * f.col("kis")).alias("sq"),
        )
        .withColumnRenamed("node", "vid")
    )
    stats = lab.join(per, "vid", "left").fillna({"k": 0.0, "internal": 0.0, "sq": 0.0})
    stats = checkpoint(stats)
    comm = stats.groupBy("community").agg(
        f.count(f.lit(1)).alias("community_size"),
        f.avg("internal").alias("mean"),
        f.stddev_pop("internal").alias("std"),
    )
    s = f.col("std")
    tiny = s <= 1e-12 * f.greatest(f.abs(f.col("mean")), f.lit(1.0))
    has = f.col("k") > 0
    out = stats.join(g.small(comm), "community").select(
        "vid",
        "community_size",
        f.when(tiny, 0.0)
        .otherwise((f.col("internal") - f.col("mean")) / f.when(tiny, 1.0).otherwise(s))
        .alias("within_module_z"),
        f.when(
            has,
            f.least(
                f.greatest(1.0 - f.col("sq") / (f.col("k") * f.col("k")), f.lit(0.0)), f.lit(1.0)
            ),
        )
        .otherwise(0.0)
        .alias("participation"),
        f.when(has, f.col("internal") / f.when(has, f.col("k")).otherwise(1.0))
        .otherwise(0.0)
        .alias("internal_share"),
    )
    return checkpoint(out)


# ---------------------------------------------------------------------------------- cores


#: Graphs with at least this many directed pairs use frontier rounds in :func:`coreness`
#: (below it a full round costs less than the extra jobs that find the frontier; measured on
#: ``local[2]``: at 10^6 follows, 84 full rounds 71 s against 87 s with frontier rounds).
FRONTIER_MIN_EDGES = 20_000_000


def coreness(
    g: SparkGraph,
    layer: str,
    *,
    max_iter: int,
    frontier_share: float = 0.2,
    trace: list | None = None,
) -> tuple[DataFrame, int]:
    """``vid, tie_coreness``: k-core number of the undirected pattern of ``layer``.

    The H-index iteration of Lü, Zhou, Zhang & Stanley ("The H-index of a network node and its
    relation to degree and coreness", Nature Communications 7, 10168, 2016): start from the
    degree, replace each value by the H-index of the neighbours' values; the values only
    decrease and reach the coreness (what igraph's ``coreness()`` returns) when nothing
    changes. A value can only change after a neighbour's did, so on graphs with at least
    :data:`FRONTIER_MIN_EDGES` pairs, once the nodes next to a change (the frontier) are fewer
    than ``frontier_share`` of all nodes, a round recomputes the frontier only (its edges are
    picked from the cached adjacency with a broadcast semi-join) and merges the new values
    in. A round is one job: the values joined to the
    edges and one ``groupBy`` taking the H-index of the sorted ``collect_list``. Returns the
    values and the rounds run (tens in practice; the tail rounds touch few nodes); ``trace``,
    when given, gets one ``(seconds, changed nodes)`` pair per round.
    """
    f = _f()
    parts = _partitions(g)
    und = g.undirected_weights(layer).select("lo", "hi")
    pairs = und.select(f.col("lo").alias("node"), f.col("hi").alias("nbr")).union(
        und.select("hi", "lo")
    )
    adj = pairs.repartition(parts, "node").cache()
    deg = pairs.groupBy("node").agg(f.count(f.lit(1)).alias("h")).withColumnRenamed("node", "vid")
    h = checkpoint(
        g.nodes.select("vid")
        .join(deg, "vid", "left")
        .select("vid", f.coalesce("h", f.lit(0)).cast("long").alias("h"))
    )
    arr = f.sort_array(f.collect_list("hn"), asc=False)
    hidx = f.aggregate(
        arr, f.lit(0).cast("long"), lambda acc, x: f.when(x > acc, acc + 1).otherwise(acc)
    )
    rounds, converged, changed_nodes = 0, False, None
    big = g.n_follows + g.n_interaction_pairs >= FRONTIER_MIN_EDGES
    limit = frontier_share * g.n if big else -1.0
    try:
        for rounds in range(1, max_iter + 1):
            started = time.perf_counter()
            vals = h.select(f.col("vid").alias("nbr"), f.col("h").alias("hn"))
            rows = adj
            if changed_nodes is not None:
                frontier = checkpoint(
                    adj.join(f.broadcast(changed_nodes), "nbr").select("node").distinct()
                )
                if frontier.count() <= limit:
                    rows = adj.join(f.broadcast(frontier), "node")
            new = (
                rows.join(g.small(vals), "nbr")
                .groupBy("node")
                .agg(hidx.alias("hnew"))
                .withColumnRenamed("node", "vid")
            )
            if rows is adj:  # every node with an edge was recomputed
                merged = h.join(g.small(new), "vid", "left").select(
                    "vid", f.coalesce("hnew", f.lit(0)).alias("h"), f.col("h").alias("old")
                )
            else:
                merged = h.join(f.broadcast(new), "vid", "left").select(
                    "vid", f.coalesce("hnew", "h").alias("h"), f.col("h").alias("old")
                )
            nxt = checkpoint(
                merged.withColumn("chg", f.col("h") != f.col("old")).drop("old"), eager=False
            )
            changed = nxt.agg(f.sum(f.col("chg").cast("long"))).collect()[0][0] or 0
            h = nxt.drop("chg")
            logger.debug("coreness round %d: %d changed", rounds, changed)
            if trace is not None:
                trace.append((round(time.perf_counter() - started, 3), int(changed)))
            if changed == 0:
                converged = True
                break
            changed_nodes = (
                checkpoint(nxt.where("chg").select(f.col("vid").alias("nbr")))
                if changed <= limit
                else None
            )
    finally:
        adj.unpersist()
    if not converged and g.n:
        warnings.warn(
            f"Spark coreness (H-index iteration) still changing after {max_iter} "
            "rounds; values are upper bounds of the coreness (raise core_max_iter)",
            RuntimeWarning,
            stacklevel=3,
        )
    return checkpoint(h.select("vid", f.col("h").alias("tie_coreness"))), rounds


# ---------------------------------------------------------------------------------- reach


def _reach_edges(g: SparkGraph) -> DataFrame:
    """``src, dst, p``: the reach layer with each pair's tie probability."""
    f = _f()
    probs = g.ties.select("src", "dst", f.col("probability").alias("p"))
    if g.reach_layer == "follows":
        return g.follows.join(probs, ["src", "dst"])
    return probs


def reach_sketch(g: SparkGraph, *, lg_k: int) -> DataFrame:
    """``vid, reach_2hop``: accounts within two hops of each node's audience, by HyperLogLog.

    ``sketch(w)`` summarises ``{w} + out(w)`` (``hll_sketch_agg``, 2^lg_k buckets); a node's
    ball is the union (``hll_union_agg``) of the sketches of itself and its out-neighbours;
    the estimate minus the node itself, clipped to ``[out-degree, n - 1]`` as the in-memory
    engine does. Two aggregations and one join; relative standard error about
    ``1.04 / sqrt(2^lg_k)`` (1.6 % at lg_k = 12, the in-memory engine's default precision),
    and exact for small balls (the sketch keeps a list of hashes while it is sparse).
    """
    f = _f()
    e = _reach_edges(g).select("src", "dst")
    verts = e.select(f.col("src").alias("w")).union(e.select("dst")).distinct()
    members = e.select(f.col("src").alias("w"), f.col("dst").alias("v")).union(
        verts.select("w", f.col("w").alias("v"))
    )
    sketches = checkpoint(members.groupBy("w").agg(f.hll_sketch_agg("v", lg_k).alias("sk")))
    rows = e.select(f.col("src").alias("u"), f.col("dst").alias("w")).union(
        e.select(f.col("src").alias("u"), f.col("src").alias("w")).distinct()
    )
    outdeg = e.groupBy("src").agg(f.count(f.lit(1)).alias("deg")).withColumnRenamed("src", "u")
    ball = (
        rows.join(sketches, "w")
        .groupBy("u")
        .agg(f.hll_sketch_estimate(f.hll_union_agg("sk")).alias("est"))
        .join(outdeg, "u")
    )
    est = ball.select(
        f.col("u").alias("vid"),
        f.least(
            f.greatest(f.col("est").cast("double") - 1.0, f.col("deg").cast("double")),
            f.lit(float(max(g.n - 1, 0))),
        ).alias("reach_2hop"),
    )
    return checkpoint(_all_nodes(g, est, {"reach_2hop": 0.0}))


def two_hop_paths(g: SparkGraph) -> float:
    """Two-hop paths of the reach layer, ``sum_w indeg(w) outdeg(w)``: the row count of the
    exact two-hop join (one aggregation; the in-memory engine's ``reach`` rule uses it too)."""
    f = _f()
    e = _reach_edges(g).select("src", "dst")
    indeg = e.groupBy(f.col("dst").alias("w")).agg(f.count(f.lit(1)).alias("i"))
    outdeg = e.groupBy(f.col("src").alias("w")).agg(f.count(f.lit(1)).alias("o"))
    total = indeg.join(outdeg, "w").agg(f.sum(f.col("i") * f.col("o"))).collect()[0][0]
    return float(total or 0)


def two_hop(g: SparkGraph, labels: DataFrame, *, exact: bool = True) -> DataFrame:
    """``vid, expected_reach, reach_2hop_exact, community_reach``: two-hop measures.

    ``exact=False`` (what :func:`netinfluence.spark.metrics` uses above
    ``exact_paths_max`` two-hop paths) never forms the pairs: the first-order (union bound)
    estimates of the in-memory engine, ``sum_v p_uv (1 + sum_w p_vw)`` for the expected reach
    and the same with ``p = 1`` over accounts of u's own community for the community reach,
    capped at ``n - 1`` and at the community size - 1; ``reach_2hop_exact`` is then null.
    Three joins over the edges, no path rows.

    Every pair ``(u, v)``, ``v != u``, joined by an edge ``u -> v`` or a path ``u -> w -> v``
    of the reach layer is formed (one self-join: ``sum_w indeg(w) outdeg(w)`` rows, the cost
    of exact counting) and aggregated once: ``P(v reached) = 1 - (1 - p_uv) prod_w (1 - p_uw
    p_wv)`` (the live-edge model's exact two-hop probability, as
    ``reach(expected=True)``), summed into ``expected_reach``; the number of distinct ``v`` is
    the exact 2-hop reach and the number in ``u``'s own community the community reach.
    """
    f = _f()
    e = _reach_edges(g)
    if not exact:
        return _two_hop_first_order(g, e, labels)
    a = e.select(f.col("src").alias("u"), f.col("dst").alias("w"), f.col("p").alias("p1"))
    b = e.select(f.col("src").alias("w"), f.col("dst").alias("v"), f.col("p").alias("p2"))
    paths = (
        a.join(b, "w")
        .where(f.col("u") != f.col("v"))
        .select("u", "v", f.log1p(-(f.col("p1") * f.col("p2"))).alias("lq"))
    )
    direct = e.select(
        f.col("src").alias("u"), f.col("dst").alias("v"), f.log1p(-f.col("p")).alias("lq")
    )
    pairs = direct.union(paths).groupBy("u", "v").agg(f.sum("lq").alias("lq"))
    lab = labels.select("vid", "community")
    lu = lab.select(f.col("vid").alias("u"), f.col("community").alias("cu"))
    lv = lab.select(f.col("vid").alias("v"), f.col("community").alias("cv"))
    per = (
        pairs.join(g.small(lv), "v")
        .join(g.small(lu), "u")
        .groupBy("u")
        .agg(
            f.sum(-f.expm1(f.col("lq"))).alias("expected_reach"),
            f.count(f.lit(1)).alias("reach_2hop_exact"),
            f.sum(f.when(f.col("cu") == f.col("cv"), 1).otherwise(0)).alias("community_reach"),
        )
        .withColumnRenamed("u", "vid")
    )
    return checkpoint(
        _all_nodes(g, per, {"expected_reach": 0.0, "reach_2hop_exact": 0, "community_reach": 0})
    )


def _two_hop_first_order(g: SparkGraph, e: DataFrame, labels: DataFrame) -> DataFrame:
    """The first-order two-hop estimates (see :func:`two_hop`), as ``reach._first_order``."""
    f = _f()
    lab = labels.select("vid", "community")
    # expected: direct(u) = sum_v p_uv; second(u) = sum_v p_uv direct(v)
    direct = e.groupBy(f.col("src").alias("vid")).agg(f.sum("p").alias("d"))
    second = (
        e.join(g.small(direct.select(f.col("vid").alias("dst"), f.col("d").alias("dv"))), "dst")
        .groupBy(f.col("src").alias("vid"))
        .agg(f.sum(f.col("p") * f.col("dv")).alias("s"))
    )
    # community reach: same-community out-neighbours, and for every edge u -> v the number of
    # v's out-neighbours in u's community (the middle account may be anywhere)
    lu = lab.select(f.col("vid").alias("src"), f.col("community").alias("cu"))
    lv = lab.select(f.col("vid").alias("dst"), f.col("community").alias("cv"))
    el = e.select("src", "dst").join(g.small(lu), "src").join(g.small(lv), "dst")
    same = el.groupBy(f.col("src").alias("vid")).agg(
        f.sum(f.when(f.col("cu") == f.col("cv"), 1).otherwise(0)).alias("cd")
    )
    per_comm = el.groupBy(f.col("src").alias("v"), f.col("cv").alias("c")).agg(
        f.count(f.lit(1)).alias("k")
    )
    via = (
        el.join(per_comm, (el["dst"] == per_comm["v"]) & (el["cu"] == per_comm["c"]))
        .groupBy(f.col("src").alias("vid"))
        .agg(f.sum("k").alias("cs"))
    )
    size = lab.groupBy("community").agg(f.count(f.lit(1)).alias("size"))
    n = g.n
    out = (
        g.nodes.select("vid")
        .join(lab, "vid")
        .join(g.small(size), "community")
        .join(direct, "vid", "left")
        .join(second, "vid", "left")
        .join(same, "vid", "left")
        .join(via, "vid", "left")
        .fillna({"d": 0.0, "s": 0.0, "cd": 0, "cs": 0})
        .select(
            "vid",
            f.least(f.col("d") + f.col("s"), f.lit(float(max(n - 1, 0)))).alias("expected_reach"),
            f.lit(None).cast("long").alias("reach_2hop_exact"),
            f.least(
                (f.col("cd") + f.col("cs")).cast("double"), (f.col("size") - 1).cast("double")
            ).alias("community_reach"),
        )
    )
    return checkpoint(out)


# ---------------------------------------------------------------------------------- reciprocity


def reciprocity(g: SparkGraph) -> DataFrame:
    """``vid, reciprocal_share``: share of a node's ties (follow or interaction, either way)
    that are mutual (:func:`netinfluence.metrics.reciprocity`)."""
    f = _f()
    u = g.undirected
    ends = u.select(f.col("lo").alias("vid"), "mutual").union(u.select("hi", "mutual"))
    per = ends.groupBy("vid").agg(
        (f.sum(f.col("mutual").cast("double")) / f.count(f.lit(1))).alias("reciprocal_share")
    )
    return checkpoint(_all_nodes(g, per, {"reciprocal_share": 0.0}))


# ---------------------------------------------------------------------------------- engagement


def medians(frame: DataFrame, value: str, group: str | None = None) -> dict:
    """Exact medians of ``value`` (per ``group``), bit for bit as numpy computes them.

    numpy's median of an even count is ``(a + b) / 2`` of the two middle values, which Spark's
    interpolating ``median`` can round differently in the last bit; a ratio to a median then
    differs, and a percentile tie splits. Here the values are sorted once (range-partitioned,
    :func:`dense_index`), each group's middle positions are picked, and ``(a + b) / 2`` is
    taken on the driver. Returns ``{group: median}`` (``{None: median}`` without a group);
    groups without values are absent.
    """
    f = _f()
    key = f.col(group) if group else f.lit(None).cast("string")
    data = frame.where(f.col(value).isNotNull() & ~f.isnan(value)).select(
        key.alias("_g"), f.col(value).cast("double").alias("_x")
    )
    ranked, total = dense_index(data, [f.col("_g"), f.col("_x")], "_pos")
    if not total:
        return {}
    spans = (
        ranked.groupBy("_g")
        .agg(f.min("_pos").alias("start"), f.count(f.lit(1)).alias("k"))
        .collect()
    )
    wanted = {}
    for grp, start, k in spans:
        wanted[grp] = (start + (k - 1) // 2, start + k // 2)
    positions = sorted({p for pair in wanted.values() for p in pair})
    found = {
        r[0]: r[1]
        for r in ranked.where(f.col("_pos").isin(positions)).select("_pos", "_x").collect()
    }
    return {grp: (found[lo] + found[hi]) / 2 for grp, (lo, hi) in wanted.items()}


def _user_col(g: SparkGraph, name: str):
    f = _f()
    return f.col(name) if name in g.user_columns else f.lit(None).cast("double")


def engagement(g: SparkGraph, deg: DataFrame) -> DataFrame:
    """``vid, followers, tier, tier_band, engagement_rate, engagement_vs_tier, received``.

    As :func:`netinfluence.metrics.engagement` with its default bands and norms: from the
    users table ``(likes + comments) / posts / followers`` against the band's published norm;
    otherwise (``engagement_source = "graph"``) interactions received per graph follower
    against the median of the accounts of the same band (exact medians, :func:`medians`).
    """
    from netinfluence.metrics import DEFAULT_BANDS, DEFAULT_NORMS

    f = _f()
    fol = _user_col(g, "followers")
    fol = f.when(f.isnan(fol), None).otherwise(fol)
    band = f.lit("unknown")
    tier = f.lit("unknown")
    for name, tier_name, low in DEFAULT_BANDS:  # later (higher) bands win
        band = f.when(fol >= low, f.lit(name)).otherwise(band)
        tier = f.when(fol >= low, f.lit(tier_name)).otherwise(tier)
    norm_map = f.create_map(
        *itertools.chain.from_iterable(
            (f.lit(k), f.lit(float(sum(v)))) for k, v in DEFAULT_NORMS.items()
        )
    )
    likes, comments, posts = (_user_col(g, c) for c in ("likes", "comments", "posts"))
    has_posts = f.coalesce(
        (likes.isNotNull() | comments.isNotNull()) & (posts > 0) & (fol > 0), f.lit(False)
    )
    received = (
        g.interactions.groupBy("src")
        .agg(f.sum("interactions").alias("received"))
        .withColumnRenamed("src", "vid")
    )
    base = (
        g.nodes.join(deg.select("vid", "in_degree"), "vid")
        .join(g.small(received), "vid", "left")
        .select(
            "vid",
            fol.alias("followers"),
            band.alias("tier_band"),
            tier.alias("tier"),
            has_posts.alias("has_posts"),
            f.when(
                has_posts,
                f.try_divide(
                    f.try_divide(
                        f.coalesce(likes, f.lit(0.0)) + f.coalesce(comments, f.lit(0.0)), posts
                    ),
                    fol,
                ),
            ).alias("post_rate"),
            f.coalesce("received", f.lit(0.0)).alias("received"),
            f.col("in_degree").alias("audience"),
        )
    )
    base = base.withColumn("norm", norm_map[f.col("tier_band")])
    hp = f.col("has_posts")
    graph_ok = (~hp & (f.col("received") > 0)) | (
        ~hp & (f.col("audience") > 0) & f.lit(g.has_interactions)
    )
    base = checkpoint(
        base.withColumn("graph_ok", graph_ok).withColumn(
            "g_rate", f.col("received") / f.greatest(f.col("audience"), f.lit(1)).cast("double")
        )
    )
    ok = base.where(f.col("graph_ok"))
    med_all = medians(ok, "g_rate").get(None)
    band_meds = medians(ok, "g_rate", "tier_band")
    bmed = (
        f.create_map(
            *itertools.chain.from_iterable(
                (f.lit(k), f.lit(float(v))) for k, v in band_meds.items()
            )
        )[f.col("tier_band")]
        if band_meds
        else f.lit(None).cast("double")
    )
    fallback = f.lit(float(med_all)) if med_all is not None else f.lit(None).cast("double")
    m = f.when(bmed.isNull() | (bmed <= 0), fallback).otherwise(bmed)
    out = base.withColumn("m", m.cast("double"))
    g_ratio = f.when(f.col("m") > 0, f.try_divide(f.col("g_rate"), f.col("m")))
    post_ratio = f.col("post_rate") / f.col("norm")
    out = out.select(
        "vid",
        "followers",
        "tier",
        "tier_band",
        f.when(f.col("graph_ok"), f.col("g_rate"))
        .otherwise(f.col("post_rate"))
        .alias("engagement_rate"),
        f.when(f.col("graph_ok"), g_ratio).otherwise(post_ratio).alias("engagement_vs_tier"),
        "received",
        "audience",
    )
    return checkpoint(out)


# ---------------------------------------------------------------------------------- flags


def mass_following(g: SparkGraph, deg: DataFrame) -> DataFrame:
    """``vid, mass``: whether the account follows very many accounts (the flags' mass-follower
    rule: at least ``max(200, 10 x median following)``, following = the larger of the graph's
    and the platform's count), as :func:`netinfluence.metrics.authenticity_flags` and
    :func:`netinfluence.spread.counted_weights` decide it. The median is exact (:func:`medians`).
    """
    from netinfluence.metrics import FlagRules

    f = _f()
    rules = FlagRules()
    plat = _user_col(g, "following")
    following = (
        g.nodes.select("vid", plat.alias("plat"))
        .join(deg, "vid")
        .select(
            "vid",
            f.when(f.col("plat").isNull() | f.isnan("plat"), f.col("out_degree").cast("double"))
            .otherwise(f.greatest(f.col("out_degree").cast("double"), f.col("plat")))
            .alias("following"),
        )
    )
    following = checkpoint(following)
    med_following = medians(following, "following").get(None, 0.0)
    cut = max(rules.mass_following_min, rules.mass_following_factor * med_following)
    return checkpoint(following.select("vid", (f.col("following") >= cut).alias("mass")))


def flags(
    g: SparkGraph, deg: DataFrame, eng: DataFrame, recip: DataFrame, mass: DataFrame
) -> DataFrame:
    """Authenticity measures and flags of :func:`netinfluence.metrics.authenticity_flags`
    with the default :class:`~netinfluence.metrics.FlagRules`.

    ``vid, passive_share, mass_follower_share, followers_gap_ratio``, one boolean column per
    flag, ``flags`` (names joined by ``;``) and ``n_flags``; ``mass`` is
    :func:`mass_following`. The network-wide medians (following count, follower gap) are exact
    (:func:`medians`); the per-audience shares are one join of the follows edges with a
    per-node table and one ``groupBy``.
    """
    from netinfluence.metrics import FlagRules

    f = _f()
    rules = FlagRules()
    active = (
        g.interactions.select(f.col("dst").alias("vid"))
        .distinct()
        .withColumn("active", f.lit(True))
    )
    per_node = mass.join(active, "vid", "left").select(
        f.col("vid").alias("dst"),
        f.coalesce("active", f.lit(False)).alias("active"),
        "mass",
    )
    counts = (
        g.follows.join(g.small(per_node), "dst")
        .groupBy("src")
        .agg(
            f.sum((~f.col("active")).cast("double")).alias("passive_cnt"),
            f.sum(f.col("mass").cast("double")).alias("mass_cnt"),
        )
        .withColumnRenamed("src", "vid")
    )
    base = (
        eng.select("vid", "followers", "engagement_vs_tier", "audience")
        .join(recip, "vid")
        .join(counts, "vid", "left")
        .fillna({"passive_cnt": 0.0, "mass_cnt": 0.0})
    )
    aud = f.col("audience").cast("double")
    base = base.select(
        "vid",
        "followers",
        "engagement_vs_tier",
        "audience",
        "reciprocal_share",
        f.when(aud > 0, f.col("passive_cnt") / f.greatest(aud, f.lit(1.0))).alias("passive_share"),
        f.when(aud > 0, f.col("mass_cnt") / f.greatest(aud, f.lit(1.0))).alias(
            "mass_follower_share"
        ),
        (f.col("followers") / f.greatest(aud, f.lit(1.0))).alias("gap"),
    )
    base = checkpoint(base)
    med_gap = medians(base, "gap").get(None)
    if med_gap:
        gap_ratio = f.col("gap") / f.lit(float(med_gap))
    else:
        gap_ratio = f.lit(None).cast("double")
    big = f.col("audience") >= rules.min_audience
    fol = f.col("followers")

    def nz(c):
        return f.coalesce(c, f.lit(0.0))

    out = base.select(
        "vid",
        "passive_share",
        "mass_follower_share",
        gap_ratio.alias("followers_gap_ratio"),
        f.coalesce(
            (f.col("engagement_vs_tier") < rules.low_engagement_ratio)
            & (fol >= rules.low_engagement_min_followers),
            f.lit(False),
        ).alias("low_engagement"),
        (
            f.lit(g.has_interactions) & big & (nz(f.col("passive_share")) > rules.passive_share)
        ).alias("passive_followers"),
        (big & (nz(f.col("mass_follower_share")) > rules.mass_share)).alias("mass_followers"),
        (big & (f.col("reciprocal_share") < rules.low_reciprocity)).alias("low_reciprocity"),
        f.coalesce(
            (gap_ratio > rules.followers_gap_factor) & (fol >= rules.followers_gap_min_followers),
            f.lit(False),
        ).alias("followers_gap"),
    )
    names = list(rules.descriptions)
    out = out.withColumn("flags", f.concat_ws(";", *[f.when(f.col(c), f.lit(c)) for c in names]))
    out = out.withColumn(
        "n_flags", sum((f.col(c).cast("int") for c in names[1:]), f.col(names[0]).cast("int"))
    )
    return checkpoint(out)
