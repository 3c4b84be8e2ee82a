"""Awareness impact on Spark: who counts as a person moved, and reverse-reachable sampling
as rounds of DataFrame joins.

The in-memory engine's score is ``100 * impact / W``: the expected number of real accounts an
independent cascade from the account activates through the calibrated tie probabilities,
estimated for every account at once by reverse-reachable (RR) sets
(:func:`netinfluence.spread.sample_awareness`). Here the same estimator runs as a
breadth-first search of many RR sets at once: a frontier of ``(set, account)`` rows is joined
with the ties that point at its accounts, each tie is live in a set when a coin made from a
hash of ``(seed, set, tie)`` falls below its probability, and accounts already in the set are
removed by an anti-join. A round costs one join of the frontier with the ties; the number of
rounds is the depth of the deepest RR set.

The first hop is exact (``sum_v p_uv c_v``, one aggregation over the ties) and the RR sets
only count accounts two or more hops from their root, as in memory. The coins are not numpy's,
so the two engines' estimates differ by their sampling error (about the 5 % relative error of
the top accounts the budget aims at); equal seeds give equal results on either engine.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netinfluence.spark.algorithms import _partitions
from netinfluence.spark.graph import SparkGraph, checkpoint, dense_index
from netinfluence.spark.graph import _functions as _f

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame

__all__ = ["SparkAwareness", "counted", "sample_awareness"]

logger = logging.getLogger(__name__)

#: RR sets whose breadth-first search runs together at most (more are drawn batch by batch):
#: bounds the rows of a round's join (about sets x mean in-degree before the coins) and the
#: members table, while every batch costs as many rounds as its deepest set is deep.
BATCH_SETS = 10_000_000
#: Rounds of one batch at most: deeper RR sets are cut there (with a warning); under the
#: calibrated (subcritical) probabilities they end within a few dozen hops.
MAX_DEPTH = 500

# 2^53: a 53-bit integer over it is a uniform double in [0, 1)
_UNIT = float(2**53)
_ROOT_SALT, _COIN_SALT = 1, 2


def _uniform(*cols: Column | str) -> Column:
    """A uniform number in [0, 1) from a 64-bit hash of ``cols``."""
    f = _f()
    return f.shiftrightunsigned(f.xxhash64(*cols), 11).cast("double") / _UNIT


def _estimate(total_w: float, sets: int) -> tuple[Column, Column]:
    """``impact`` and ``impact_se`` of a ``vid, counted, direct, hits`` row after ``sets`` RR
    sets: ``direct + W q`` and ``W sqrt(q (1 - q) / R)`` with ``q = hits / R``, 0 for an
    account not counted (it never passes content on)."""
    f = _f()
    r = float(max(sets, 1))
    q = f.col("hits") / r
    real = f.col("counted") > 0
    impact = f.when(real, f.col("direct") + total_w * q).otherwise(0.0)
    se = f.when(real, total_w * f.sqrt(q * (1.0 - q) / r)).otherwise(0.0)
    return impact.alias("impact"), se.alias("impact_se")


def _stacked(parts: list[DataFrame], empty: DataFrame) -> DataFrame:
    """The rows of ``parts`` one after the other (``empty`` when there are none)."""
    return functools.reduce(lambda a, b: a.union(b), parts) if parts else empty


def counted(g: SparkGraph, mass: DataFrame, recip: DataFrame) -> DataFrame:
    """``vid, counted``: 1.0 for an account counted as a person moved, 0.0 for one that is
    not real, by the rule of :func:`netinfluence.spread.counted_weights` (no one engages with
    it and almost none of its ties are returned, and it never engages, follows very many
    accounts or mostly engages accounts it does not follow).

    ``mass`` is :func:`netinfluence.spark.algorithms.mass_following`, ``recip``
    :func:`netinfluence.spark.algorithms.reciprocity`. Interaction rows are counted as the
    in-memory engine keeps them (``rows`` of the prepared interaction pairs).
    """
    from netinfluence.metrics import FlagRules

    f = _f()
    rules = FlagRules()
    base = mass.join(recip, "vid")
    lonely = f.col("reciprocal_share") < rules.low_reciprocity
    if not g.has_interactions:
        out = base.select(
            "vid", f.when(f.col("mass") & lonely, 0.0).otherwise(1.0).alias("counted")
        )
        return checkpoint(out)
    followed = g.follows.select("src", "dst", f.lit(True).alias("followed"))
    rows = g.interactions.select("src", "dst", "rows").join(followed, ["src", "dst"], "left")
    received = rows.groupBy(f.col("src").alias("vid")).agg(f.sum("rows").alias("received"))
    given = rows.groupBy(f.col("dst").alias("vid")).agg(
        f.sum("rows").alias("given"),
        f.sum(f.when(f.col("followed").isNull(), f.col("rows")).otherwise(0)).alias("unfollowed"),
    )
    t = (
        base.join(received, "vid", "left")
        .join(given, "vid", "left")
        .fillna({"received": 0, "given": 0, "unfollowed": 0})
    )
    # spam engages accounts it does not follow; without a follows layer that says nothing
    spam = (f.col("unfollowed") > 0.5 * f.greatest(f.col("given"), f.lit(1))) & f.lit(g.has_follows)
    inert = (f.col("received") == 0) & lonely
    dead = inert & ((f.col("given") == 0) | f.col("mass") | spam)
    return checkpoint(t.select("vid", f.when(dead, 0.0).otherwise(1.0).alias("counted")))


@dataclass
class SparkAwareness:
    """RR sampling on Spark before community labels are known (made by
    :func:`sample_awareness`); :meth:`table` adds the part of each account's impact inside
    its own community once labels exist."""

    g: SparkGraph
    total_w: float
    sets: int
    #: ``vid, counted, direct, hits``: exact first hop and RR hits two or more hops from the root
    values: DataFrame
    #: ``src, dst, w``: kept ties with ``w = p * counted[dst]`` (the first hop)
    first_hop: DataFrame
    #: ``s, vid, root``: RR-set members two or more hops from their root
    deep: DataFrame
    attrs: dict = field(default_factory=dict)

    def table(self, labels: DataFrame | None = None) -> DataFrame:
        """``vid, counted, impact, impact_se, impact_in_community`` over every node
        (``labels``: ``vid, community``; without them ``impact_in_community`` is null).

        ``impact = direct + W hits / R`` and ``impact_se = W sqrt(q (1 - q) / R)`` with
        ``q = hits / R``; accounts not counted get 0 (they never pass content on).
        """
        f = _f()
        w, r = float(self.total_w), float(max(self.sets, 1))
        t = self.values.select("vid", "counted", *_estimate(w, self.sets))
        if labels is None:
            return checkpoint(t.withColumn("impact_in_community", f.lit(None).cast("double")))
        lab = self.g.small(labels.select("vid", "community"))
        a = lab.withColumnRenamed("vid", "src").withColumnRenamed("community", "ca")
        b = lab.withColumnRenamed("vid", "dst").withColumnRenamed("community", "cb")
        direct_in = (
            self.first_hop.join(a, "src")
            .join(b, "dst")
            .where(f.col("ca") == f.col("cb"))
            .groupBy(f.col("src").alias("vid"))
            .agg(f.sum("w").alias("direct_in"))
        )
        c1 = lab.withColumnRenamed("community", "c1")
        c2 = lab.withColumnRenamed("vid", "root").withColumnRenamed("community", "c2")
        deep_in = (
            self.deep.join(c1, "vid")
            .join(c2, "root")
            .where(f.col("c1") == f.col("c2"))
            .groupBy("vid")
            .agg(f.count(f.lit(1)).alias("deep_in"))
        )
        inside = (
            f.coalesce(f.col("direct_in"), f.lit(0.0))
            + w * f.coalesce(f.col("deep_in"), f.lit(0)) / r
        )
        out = (
            t.join(direct_in, "vid", "left")
            .join(deep_in, "vid", "left")
            .select(
                "vid",
                "counted",
                "impact",
                "impact_se",
                f.when(f.col("counted") > 0, f.least(inside, f.col("impact")))
                .otherwise(0.0)
                .alias("impact_in_community"),
            )
        )
        return checkpoint(out)


def sample_awareness(
    g: SparkGraph,
    counted_nodes: DataFrame,
    *,
    seed: int,
    rse: float = 0.05,
    top_share: float = 0.01,
    max_runs: int = 2_000_000,
    min_runs: int | None = None,
    batch_sets: int = BATCH_SETS,
    trace: list | None = None,
) -> SparkAwareness:
    """Every account's awareness impact by RR sets, as :func:`netinfluence.spread.sample_awareness`.

    Draws :func:`netinfluence.spread.first_rr_sets` sets, then more
    (:func:`netinfluence.spread.more_rr_sets`) until the top ``top_share`` accounts' relative
    standard error is at most ``rse`` or ``max_runs`` sets are drawn. Set ``s``'s root is the
    counted account at position ``hash(seed, s) mod C`` (uniform over the ``C`` counted
    accounts); a tie is live in set ``s`` when ``hash(seed, s, tie)`` (as a fraction) is below
    its probability. ``trace``, when given, gets one ``(batch, round, seconds, new members)``
    row per round.
    """
    from netinfluence.spread import first_rr_sets, more_rr_sets

    f = _f()
    t0 = time.perf_counter()
    n = g.n
    ties = g.ties.select("src", "dst", f.col("probability").alias("p"))
    c_src = g.small(counted_nodes.select(f.col("vid").alias("src"), f.col("counted").alias("cs")))
    c_dst = g.small(counted_nodes.select(f.col("vid").alias("dst"), f.col("counted").alias("cd")))
    # ties from accounts that are not real are removed: they never pass content on
    kept = (
        ties.join(c_src, "src")
        .where((f.col("cs") > 0) & (f.col("p") > 0))
        .join(c_dst, "dst")
        .select("src", "dst", "p", (f.col("p") * f.col("cd")).alias("w"))
    )
    kept = checkpoint(kept.repartition(_partitions(g), "dst"))
    first_hop = kept.select("src", "dst", "w")
    # the breadth-first search walks ties backwards: from an account to those who move it
    back = kept.select("src", f.col("dst").alias("vid"), "p").cache()
    direct = first_hop.groupBy(f.col("src").alias("vid")).agg(f.sum("w").alias("direct"))
    real, n_real = dense_index(
        counted_nodes.where(f.col("counted") > 0).select("vid"), ["vid"], "k"
    )
    real = checkpoint(real)
    total_w = float(n_real)  # counted is 0 or 1 on Spark
    n_top = max(1, math.ceil(top_share * n))
    deep_parts: list[DataFrame] = []  # (s, vid) two or more hops from the root
    root_parts: list[DataFrame] = []  # (s, root)
    done = 0
    rounds_per_batch: list[int] = []
    members = 0

    # a tie is live in set s when a hash of (seed, s, tie) taken as a fraction is below p
    live = _uniform(f.lit(seed), f.lit(_COIN_SALT), "s", "src", "vid") < f.col("p")

    def draw(count: int) -> None:
        nonlocal done, members
        left = count
        while left > 0:
            b = min(left, batch_sets)
            batch = len(rounds_per_batch)
            roots = g.spark.range(done, done + b).select(
                f.col("id").alias("s"),
                f.pmod(f.xxhash64(f.lit(seed), f.lit(_ROOT_SALT), f.col("id")), f.lit(n_real))
                .cast("long")
                .alias("k"),
            )
            roots = checkpoint(
                roots.join(g.small(real), "k").select("s", f.col("vid").alias("root"))
            )
            frontier = roots.select("s", f.col("root").alias("vid"))
            # members of sets that are still growing: the anti-join needs no others
            active = frontier
            members += b
            depth = 0
            while True:
                depth += 1
                started = time.perf_counter()
                new = (
                    frontier.join(back, "vid")
                    .where(live)
                    .select("s", f.col("src").alias("vid"))
                    .distinct()
                    .join(active, ["s", "vid"], "left_anti")
                )
                new = checkpoint(new)
                grown = new.count()
                if trace is not None:
                    trace.append((batch, depth, round(time.perf_counter() - started, 3), grown))
                if not grown:
                    break
                members += grown
                if depth >= 2:
                    deep_parts.append(new)
                if depth >= MAX_DEPTH:
                    logger.warning(
                        "Spark RR sets still growing after %d rounds: cut there", MAX_DEPTH
                    )
                    break
                still = new.select("s").distinct()
                active = checkpoint(active.join(still, "s", "left_semi").union(new))
                frontier = new
            rounds_per_batch.append(depth)
            root_parts.append(roots)
            left -= b
            done += b
            logger.info("Spark RR sets: %d drawn (%d rounds in the last batch)", done, depth)

    no_deep = g.spark.createDataFrame([], "s long, vid long")

    def values() -> DataFrame:
        hits = _stacked(deep_parts, no_deep).groupBy("vid").agg(f.count(f.lit(1)).alias("hits"))
        out = (
            counted_nodes.select("vid", "counted")
            .join(direct, "vid", "left")
            .join(hits, "vid", "left")
            .fillna({"direct": 0.0, "hits": 0})
        )
        return checkpoint(out)

    def top_rse(table: DataFrame) -> float:
        est = table.select(*_estimate(total_w, done))
        top = est.orderBy(f.col("impact").desc()).limit(n_top).where(f.col("impact") > 0)
        row = top.agg(f.max(f.col("impact_se") / f.col("impact"))).collect()[0][0]
        return float(row or 0.0)

    try:
        table = None
        err = 0.0
        if n and total_w > 0 and back.limit(1).count():
            draw(first_rr_sets(n, max_runs, min_runs))
            table = values()
            err = top_rse(table)
            while err > rse and done < max_runs:
                draw(more_rr_sets(done, err, rse, max_runs))
                table = values()
                err = top_rse(table)
        if table is None:
            table = values()
    finally:
        back.unpersist()
    roots_all = _stacked(root_parts, g.spark.createDataFrame([], "s long, root long"))
    deep = _stacked(deep_parts, no_deep).join(roots_all, "s")
    attrs = {
        "runs": done,
        "rse_top": err,
        "members": members,
        "counted_total": total_w,
        "rr_rounds": rounds_per_batch,
        "seconds": time.perf_counter() - t0,
    }
    return SparkAwareness(g, total_w, done, table, first_hop, deep, attrs)
