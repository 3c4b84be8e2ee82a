"""Spark DataFrames in the package's conventions: dense vertex ids, influence-direction edges,
merged duplicates and the default tie-strength table.

Everything here mirrors :mod:`netinfluence.network` and :mod:`netinfluence.network` on Spark
DataFrames: follows rows ``follower, followed`` become influence edges ``followed ->
follower``, interaction rows ``source, target`` become ``target -> source``; self-loops are
dropped and duplicate pairs merged. Node ids keep their spelling; every node also gets a dense
``vid`` (0..n-1 in sorted id order) that the iterative algorithms join on.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from netinfluence.errors import InputError
from netinfluence.network import calibration_scale

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = ["SparkGraph", "prepare"]

logger = logging.getLogger(__name__)

#: Users-table columns the metrics read (others are carried along untouched in the job).
USER_NUMERIC = ("followers", "following", "posts", "likes", "comments")
USER_TEXT = ("handle", "topics")


def _functions():
    from pyspark.sql import functions

    return functions


@dataclass(frozen=True)
class SparkGraph:
    """The prepared network: node table, edge layers and their sizes (a value object).

    Attributes
    ----------
    spark : SparkSession
    nodes : DataFrame
        ``vid, node`` plus the users-table columns in :data:`USER_NUMERIC` (as doubles) and
        :data:`USER_TEXT` that were given.
    follows : DataFrame
        ``src, dst`` distinct influence pairs of the follows layer (``dst`` follows ``src``).
    interactions : DataFrame
        ``src, dst, interactions, intensity, rows`` per distinct influence pair (``dst``
        engaged with ``src``'s content): summed counts, type-weighted counts, and the rows
        the in-memory engine keeps for the pair (distinct type and timestamp).
    ties : DataFrame
        ``src, dst, follows, interactions, intensity, mutual, jaccard, strength, probability``
        per directed pair with a follow and/or interactions (the default tie table of
        :func:`netinfluence.network.tie_strength`).
    undirected : DataFrame
        ``lo, hi, mutual`` (``lo < hi``) each pair of the tie pattern once.
    n, n_follows, n_interaction_pairs : int
    broadcast : bool
        Whether per-node tables are small enough to broadcast in joins.
    """

    spark: SparkSession
    nodes: DataFrame
    follows: DataFrame
    interactions: DataFrame
    ties: DataFrame
    undirected: DataFrame
    n: int
    n_follows: int
    n_interaction_pairs: int
    broadcast: bool
    user_columns: tuple[str, ...]

    @property
    def has_follows(self) -> bool:
        return self.n_follows > 0

    @property
    def has_interactions(self) -> bool:
        return self.n_interaction_pairs > 0

    @property
    def default_layer(self) -> str:
        """``"ties"`` when interactions exist, else ``"follows"`` (as ``Network.default_layer``)."""
        return "ties" if self.has_interactions else "follows"

    @property
    def reach_layer(self) -> str:
        """The layer reach follows: ``"follows"`` when there are follows (as ``reach()``)."""
        return "follows" if self.has_follows or not self.has_interactions else "ties"

    def small(self, frame: DataFrame) -> DataFrame:
        """Mark a per-node table for a broadcast join when the graph is small enough."""
        return _functions().broadcast(frame) if self.broadcast else frame

    def layer_edges(self, layer: str) -> DataFrame:
        """``src, dst, w`` of a layer: follows (weight 1) or ties (tie strength)."""
        f = _functions()
        if layer == "follows":
            return self.follows.select("src", "dst", f.lit(1.0).alias("w"))
        return self.ties.select("src", "dst", f.col("strength").alias("w"))

    def undirected_weights(self, layer: str) -> DataFrame:
        """``lo, hi, w``: each pair once with the weights of both directions summed
        (``Network.undirected_edge_arrays``)."""
        f = _functions()
        e = self.layer_edges(layer)
        return (
            e.select(f.least("src", "dst").alias("lo"), f.greatest("src", "dst").alias("hi"), "w")
            .groupBy("lo", "hi")
            .agg(f.sum("w").alias("w"))
        )


def checkpoint(frame: DataFrame, *, eager: bool = True) -> DataFrame:
    """Cut a frame's lineage with ``localCheckpoint`` (materialised now when ``eager``).

    The result is re-wrapped as a plain DataFrame over the checkpointed rows so that it does
    not carry the size estimate of the plan that made it: Spark estimates a join as the
    product of its inputs' sizes, and a checkpoint keeps that estimate, so in an iteration
    that joins its own previous result the estimates would compound round after round (their
    digits triple per round of label propagation, and planning soon takes minutes).
    """
    done = frame.localCheckpoint(eager=eager)
    return _without_estimate(done)


def _without_estimate(frame: DataFrame) -> DataFrame:
    """The same rows as a DataFrame whose plan is a bare scan with no inherited estimate."""
    from pyspark.sql import DataFrame as SparkFrame

    spark = frame.sparkSession
    jdf = frame._jdf
    try:
        fresh = spark._jsparkSession.internalCreateDataFrame(
            jdf.queryExecution().toRdd(), jdf.schema(), False
        )
    except Exception:  # pragma: no cover - internal API moved: keep the checkpointed frame
        return frame
    return SparkFrame(fresh, spark)


def dense_index(frame: DataFrame, order: list, name: str) -> tuple[DataFrame, int]:
    """Add ``name`` = 0-based position of each row in the order ``order`` (distributed).

    The rows are range-partitioned and sorted (one shuffle); each partition's rows are
    numbered with ``monotonically_increasing_id`` and shifted by the row count of the
    partitions before it (counts collected to the driver: one small row per partition).
    Returns the frame and its row count.
    """
    f = _functions()
    tagged = checkpoint(
        frame.orderBy(*order)
        .withColumn("_part", f.spark_partition_id())
        .withColumn("_mono", f.monotonically_increasing_id())
    )
    counts = sorted((r[0], r[1]) for r in tagged.groupBy("_part").count().collect())
    total, pairs = 0, []
    for part, count in counts:
        pairs.append((part, total))
        total += count
    if not pairs:
        return tagged.drop("_part", "_mono").withColumn(name, f.lit(None).cast("long")), 0
    offsets = f.create_map(
        *itertools.chain.from_iterable((f.lit(p), f.lit(o).cast("long")) for p, o in pairs)
    )
    out = tagged.withColumn(
        name,
        f.col("_mono") - f.shiftleft(f.col("_part").cast("long"), 33) + offsets[f.col("_part")],
    ).drop("_part", "_mono")
    return out, total


# ---------------------------------------------------------------------------------- checks


def _check_frame(frame, what: str, required: tuple[str, ...]) -> None:
    from pyspark.sql import DataFrame

    if not isinstance(frame, DataFrame):
        raise InputError(f"{what} must be a Spark DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what} must have columns {list(required)}; missing {missing}, found {frame.columns}"
        )


def _id_type(frames: list[tuple[DataFrame, tuple[str, ...]]]):
    """The common type of every id column, or string when they differ."""
    from pyspark.sql.types import StringType

    types = {frame.schema[c].dataType for frame, cols in frames for c in cols}
    return next(iter(types)) if len(types) == 1 else StringType()


def _numeric(col: Column) -> Column:
    """A number column from strings or numbers; unparseable values become null."""
    return col.try_cast("double")


# ---------------------------------------------------------------------------------- prepare


def prepare(
    spark: SparkSession | None,
    follows_df: DataFrame | None,
    interactions_df: DataFrame | None = None,
    users_df: DataFrame | None = None,
    *,
    broadcast_nodes: int = 2_000_000,
) -> SparkGraph:
    """Validate the inputs and build the :class:`SparkGraph` (ids, layers, tie table).

    Raises
    ------
    InputError
        Missing columns, missing ids, negative or non-numeric counts, duplicate user ids, or
        no input at all.
    """
    f = _functions()
    inputs: list[tuple[DataFrame, tuple[str, ...]]] = []
    if follows_df is not None:
        _check_frame(follows_df, "follows_df", ("follower", "followed"))
        inputs.append((follows_df, ("follower", "followed")))
    if interactions_df is not None:
        _check_frame(interactions_df, "interactions_df", ("source", "target"))
        inputs.append((interactions_df, ("source", "target")))
    if users_df is not None:
        _check_frame(users_df, "users_df", ("id",))
        inputs.append((users_df, ("id",)))
    if not inputs:
        raise InputError("nothing to read: give follows_df, interactions_df or users_df")
    if spark is None:
        spark = inputs[0][0].sparkSession
    id_type = _id_type(inputs)

    empty_pairs = spark.createDataFrame([], "src_id string, dst_id string").select(
        f.col("src_id").cast(id_type), f.col("dst_id").cast(id_type)
    )
    # influence direction: the followed account reaches its follower
    if follows_df is not None:
        fol = checkpoint(
            follows_df.select(
                f.col("followed").cast(id_type).alias("src_id"),
                f.col("follower").cast(id_type).alias("dst_id"),
            )
        )
        _no_missing_ids(fol, "follows_df", "follower or followed")
    else:
        fol = empty_pairs
    if interactions_df is not None:
        cols = interactions_df.columns
        count = _numeric(f.col("count")) if "count" in cols else f.lit(1.0)
        raw_count = f.col("count") if "count" in cols else f.lit(1.0)
        itype = (
            f.lower(f.trim(f.col("type").cast("string")))
            if "type" in cols
            else f.lit(None).cast("string")
        )
        inter = interactions_df.select(
            f.col("target").cast(id_type).alias("src_id"),
            f.col("source").cast(id_type).alias("dst_id"),
            f.when(itype.isNull() | (itype == ""), f.lit("interaction"))
            .otherwise(itype)
            .alias("type"),
            f.coalesce(count, f.when(raw_count.isNull(), f.lit(1.0))).alias("count"),
            raw_count.isNotNull().alias("_given"),
            # rows are told apart as the in-memory engine merges them: pair, type and time
            (f.col("timestamp") if "timestamp" in cols else f.lit(None)).cast("string").alias("ts"),
        )
        inter = checkpoint(inter)
        bad = inter.agg(
            f.sum(f.when(f.col("src_id").isNull() | f.col("dst_id").isNull(), 1).otherwise(0)),
            f.sum(f.when(f.col("count").isNull() & f.col("_given"), 1).otherwise(0)),
            f.sum(f.when(f.col("count") < 0, 1).otherwise(0)),
        ).collect()[0]
        if bad[0]:
            raise InputError(
                f"interactions_df has {bad[0]} row(s) with a missing source or target id"
            )
        if bad[1]:
            raise InputError(f"interactions_df has {bad[1]} row(s) with a non-numeric count")
        if bad[2]:
            raise InputError(f"interactions_df has {bad[2]} row(s) with a negative count")
        inter = inter.where(f.col("count") > 0).drop("_given")
    else:
        inter = None

    users = None
    user_columns: tuple[str, ...] = ()
    if users_df is not None:
        user_columns = tuple(c for c in (*USER_NUMERIC, *USER_TEXT) if c in users_df.columns)
        sel = [f.col("id").cast(id_type).alias("node")]
        sel += [_numeric(f.col(c)).alias(c) for c in USER_NUMERIC if c in user_columns]
        sel += [f.col(c).cast("string").alias(c) for c in USER_TEXT if c in user_columns]
        users = checkpoint(users_df.select(*sel))
        stats = users.agg(
            f.count(f.lit(1)),
            f.count_distinct("node"),
            f.sum(f.when(f.col("node").isNull(), 1).otherwise(0)),
        ).collect()[0]
        if stats[2]:
            raise InputError(f"users_df has {stats[2]} row(s) with a missing id")
        if stats[0] != stats[1]:
            raise InputError(
                f"users_df has {stats[0] - stats[1]} duplicate id(s); give one row per account"
            )

    ids = fol.select(f.col("src_id").alias("node")).union(fol.select(f.col("dst_id")))
    if inter is not None:
        ids = ids.union(inter.select("src_id")).union(inter.select("dst_id"))
    if users is not None:
        ids = ids.union(users.select("node"))
    nodes, n = dense_index(ids.distinct(), ["node"], "vid")
    logger.debug("prepare: %d nodes indexed", n)
    broadcast = n <= broadcast_nodes
    if users is not None:
        joined = nodes.join(f.broadcast(users) if broadcast else users, "node", "left")
        nodes = checkpoint(joined.select("vid", "node", *user_columns))
    else:
        nodes = checkpoint(nodes.select("vid", "node"))

    def to_vid(frame):
        a = nodes.select(f.col("node").alias("src_id"), f.col("vid").alias("src"))
        b = nodes.select(f.col("node").alias("dst_id"), f.col("vid").alias("dst"))
        if broadcast:
            a, b = f.broadcast(a), f.broadcast(b)
        return frame.join(a, "src_id").join(b, "dst_id").where(f.col("src") != f.col("dst"))

    follows = checkpoint(to_vid(fol).select("src", "dst").distinct())
    n_follows = follows.count()
    if inter is not None:
        inter_pairs = checkpoint(_interaction_pairs(to_vid(inter)))
        n_pairs = inter_pairs.count()
    else:
        inter_pairs = spark.createDataFrame(
            [], "src long, dst long, interactions double, intensity double, rows long"
        )
        n_pairs = 0
    logger.debug("prepare: %d follows pairs, %d interaction pairs", n_follows, n_pairs)
    ties, undirected = tie_table(follows, inter_pairs, broadcast=broadcast)
    logger.debug("prepare: tie table done")
    return SparkGraph(
        spark,
        nodes,
        follows,
        inter_pairs,
        ties,
        undirected,
        n,
        n_follows,
        n_pairs,
        broadcast,
        user_columns,
    )


def _no_missing_ids(frame: DataFrame, what: str, cols: str) -> None:
    f = _functions()
    missing = frame.where(f.col("src_id").isNull() | f.col("dst_id").isNull()).limit(1).count()
    if missing:
        raise InputError(f"{what} has row(s) with a missing {cols} id")


def _tie_parameters() -> dict:
    """The default tie-strength parameters of :mod:`netinfluence.network` (one definition)."""
    from netinfluence.network._ties import _check_params

    return _check_params()


def _interaction_pairs(inter: DataFrame) -> DataFrame:
    """Summed and type-weighted counts per influence pair (unknown types weigh 1)."""
    f = _functions()
    params = _tie_parameters()
    weights = f.create_map(
        *itertools.chain.from_iterable(
            (f.lit(k), f.lit(float(v))) for k, v in params["type_weights"]
        )
    )
    w = f.coalesce(weights[f.col("type")], f.lit(1.0))
    return inter.groupBy("src", "dst").agg(
        f.sum("count").alias("interactions"),
        f.sum(w * f.col("count")).alias("intensity"),
        f.count_distinct(f.struct("type", "ts")).alias("rows"),
    )


def tie_table(
    follows: DataFrame, inter_pairs: DataFrame, *, broadcast: bool
) -> tuple[DataFrame, DataFrame]:
    """The default tie table of :func:`netinfluence.network.tie_strength` and the undirected pairs.

    strength = (follow_weight [follows] + log1p(intensity)) (1 + reciprocity_bonus [mutual])
    (1 + proximity_weight jaccard), probability = 1 - exp(-strength / scale), with the
    parameters of :func:`netinfluence.network.tie_strength` (no community bonus in the default
    table). Jaccard overlap of the undirected neighbourhoods comes from triangle listing on the
    degree-ordered orientation (:func:`common_neighbours`).
    """
    f = _functions()
    p = _tie_parameters()
    fol = follows.select("src", "dst", f.lit(True).alias("follows"))
    t = fol.join(inter_pairs, ["src", "dst"], "full").select(
        "src",
        "dst",
        f.coalesce("follows", f.lit(False)).alias("follows"),
        f.coalesce("interactions", f.lit(0.0)).alias("interactions"),
        f.coalesce("intensity", f.lit(0.0)).alias("intensity"),
    )
    t = checkpoint(t)
    und = (
        t.select(f.least("src", "dst").alias("lo"), f.greatest("src", "dst").alias("hi"))
        .groupBy("lo", "hi")
        .agg((f.count(f.lit(1)) == 2).alias("mutual"))
    )
    und = checkpoint(und)
    deg = (
        und.select(f.col("lo").alias("v"))
        .union(und.select("hi"))
        .groupBy("v")
        .agg(f.count(f.lit(1)).alias("deg"))
    )
    deg = checkpoint(deg)
    common = common_neighbours(und, deg, broadcast=broadcast)
    logger.debug("prepare: common neighbours done")
    dl = deg.select(f.col("v").alias("lo"), f.col("deg").alias("deg_lo"))
    dh = deg.select(f.col("v").alias("hi"), f.col("deg").alias("deg_hi"))
    if broadcast:
        dl, dh = f.broadcast(dl), f.broadcast(dh)
    pairs = (
        und.join(common, ["lo", "hi"], "left")
        .join(dl, "lo")
        .join(dh, "hi")
        .select(
            "lo",
            "hi",
            "mutual",
            (
                f.coalesce("common", f.lit(0))
                / f.greatest(
                    f.col("deg_lo") + f.col("deg_hi") - f.coalesce("common", f.lit(0)), f.lit(1)
                )
            ).alias("jaccard"),
        )
    )
    keyed = t.withColumn("lo", f.least("src", "dst")).withColumn("hi", f.greatest("src", "dst"))
    base = f.lit(p["follow_weight"]) * f.col("follows").cast("double") + f.log1p(f.col("intensity"))
    strength = (
        base
        * (1.0 + p["reciprocity_bonus"] * f.col("mutual").cast("double"))
        * (1.0 + p["proximity_weight"] * f.col("jaccard"))
    )
    ties = (
        keyed.join(pairs, ["lo", "hi"])
        .withColumn("strength", strength)
        .select(
            "src",
            "dst",
            "follows",
            "interactions",
            "intensity",
            "mutual",
            "jaccard",
            "strength",
        )
    )
    ties = checkpoint(ties)
    # the calibrated probability of the in-memory engine: min(1, alpha * strength), with the
    # scale from the strength matrix's spectral radius, computed on the driver (three numbers
    # per tie: about 240 MB at 10^7 ties)
    arrays = ties.select("src", "dst", "strength").toArrow()  # Arrow: no pandas conversion
    src = arrays.column("src").to_numpy().astype(np.int64)
    dst = arrays.column("dst").to_numpy().astype(np.int64)
    n = int(max(src.max(initial=-1), dst.max(initial=-1))) + 1
    alpha = calibration_scale(n, src, dst, arrays.column("strength").to_numpy().astype(float))
    ties = ties.withColumn("probability", f.least(f.lit(1.0), f.lit(alpha) * f.col("strength")))
    return checkpoint(ties), und.select("lo", "hi", "mutual")


def common_neighbours(und: DataFrame, deg: DataFrame, *, broadcast: bool) -> DataFrame:
    """``lo, hi, common``: common neighbours of each undirected edge's endpoints (edges with
    none are absent).

    Triangles are listed on the degree-ordered orientation (each edge points from the end with
    the smaller ``(degree, vid)`` to the other): for every node ``a`` the pairs ``(b, c)`` of
    its out-neighbours with ``b`` before ``c`` are joined with the oriented edge ``b -> c``.
    Rows: ``sum_a C(outdeg(a), 2) = O(m^1.5)`` wedges, one self-join and one join, then three
    credits per triangle (S. Suri and S. Vassilvitskii, "Counting triangles and the curse of
    the last reducer", WWW 2011).
    """
    f = _functions()
    dl = deg.select(f.col("v").alias("lo"), f.col("deg").alias("dlo"))
    dh = deg.select(f.col("v").alias("hi"), f.col("deg").alias("dhi"))
    if broadcast:
        dl, dh = f.broadcast(dl), f.broadcast(dh)
    e = und.join(dl, "lo").join(dh, "hi")
    lo_first = (f.col("dlo") < f.col("dhi")) | (f.col("dlo") == f.col("dhi"))
    # lo < hi always, so ties in degree are broken by vid in favour of lo
    oriented = checkpoint(
        e.select(
            f.when(lo_first, f.col("lo")).otherwise(f.col("hi")).alias("a"),
            f.when(lo_first, f.col("hi")).otherwise(f.col("lo")).alias("b"),
            f.when(lo_first, f.col("dhi")).otherwise(f.col("dlo")).alias("db"),
        )
    )
    x = oriented.alias("x")
    y = oriented.alias("y")
    wedges = x.join(
        y,
        (f.col("x.a") == f.col("y.a"))
        & (
            (f.col("x.db") < f.col("y.db"))
            | ((f.col("x.db") == f.col("y.db")) & (f.col("x.b") < f.col("y.b")))
        ),
    ).select(f.col("x.a").alias("a"), f.col("x.b").alias("b"), f.col("y.b").alias("c"))
    closing = oriented.select(f.col("a").alias("b"), f.col("b").alias("c"))
    tri = wedges.join(closing, ["b", "c"])
    credits = (
        tri.select("a", "b").union(tri.select("a", "c")).union(tri.select("b", "c")).toDF("u", "v")
    )
    return checkpoint(
        credits.select(f.least("u", "v").alias("lo"), f.greatest("u", "v").alias("hi"))
        .groupBy("lo", "hi")
        .agg(f.count(f.lit(1)).alias("common"))
    )
