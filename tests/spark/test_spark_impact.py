"""Awareness impact on Spark (``netinfluence.spark.impact``) on graphs small enough to know the
answer: who counts, the exact first hop, the RR estimate against the exact expected spread, and
the same seed giving the same numbers."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

import netinfluence as ni
from netinfluence.spread import counted_weights


def _prepared(spark, follows, interactions=None):
    from netinfluence.spark.graph import prepare

    fol = _frame(spark, pd.DataFrame(follows, columns=["follower", "followed"]))
    inter = None
    if interactions is not None:
        inter = _frame(
            spark, pd.DataFrame(interactions, columns=["source", "target", "type", "count"])
        )
    return prepare(spark, fol, inter, None)


def _frame(spark, table: pd.DataFrame):
    return spark.createDataFrame(pa.Table.from_pandas(table, preserve_index=False))


def _by_node(g, frame) -> pd.DataFrame:
    nodes = g.nodes.select("vid", "node")
    return frame.join(nodes, "vid").toArrow().to_pandas().set_index("node").sort_index()


def _awareness(g, seed=0, **options):
    from netinfluence.spark import algorithms as alg
    from netinfluence.spark.impact import counted, sample_awareness

    deg = alg.degrees(g)
    c = counted(g, alg.mass_following(g, deg), alg.reciprocity(g))
    return c, sample_awareness(g, c, seed=seed, **options)


@pytest.mark.slow
def test_a_chain_matches_its_exact_spread_and_the_seed_repeats(spark):
    # influence a -> b -> c -> d (b follows a, ...): one tie each, all with the same strength,
    # so all with the same calibrated probability p; a moves b, c, d with p, p^2, p^3
    g = _prepared(spark, [("b", "a"), ("c", "b"), ("d", "c")])
    p = g.ties.select("probability").distinct().collect()
    assert len(p) == 1
    p = p[0][0]
    _, aware = _awareness(g, min_runs=40_000, max_runs=40_000)
    assert aware.sets == aware.attrs["runs"] == 40_000
    # the deepest set d <- c <- b <- a is three hops; a fourth round finds nothing new
    assert aware.attrs["rr_rounds"] == [4]
    t = _by_node(g, aware.table())
    exact = {"a": p + p**2 + p**3, "b": p + p**2, "c": p, "d": 0.0}
    for node, value in exact.items():
        se = t.loc[node, "impact_se"]
        assert abs(t.loc[node, "impact"] - value) <= 4 * se + 1e-12, (node, value, t.loc[node])
    assert t.loc["c", "impact_se"] == 0.0  # one hop only: exact
    assert t.loc["a", "impact_se"] > 0
    again = _by_node(g, _awareness(g, min_runs=40_000, max_runs=40_000)[1].table())
    assert again.equals(t)
    other = _by_node(g, _awareness(g, seed=1, min_runs=40_000, max_runs=40_000)[1].table())
    assert not other["impact"].equals(t["impact"])
    # a set's root and coins depend on the seed and its number only: batches change nothing
    _, split = _awareness(g, min_runs=40_000, max_runs=40_000, batch_sets=15_000)
    assert split.attrs["rr_rounds"] == [4, 4, 4]
    assert _by_node(g, split.table()).equals(t)


@pytest.mark.slow
def test_counted_and_the_community_split_match_the_in_memory_rule(spark):
    # x, y, z are friends who engage with each other; "star" and x follow each other and the
    # star likes x's posts; five "farm" accounts follow the star and engage with nothing
    follows = [("x", "y"), ("y", "x"), ("y", "z"), ("z", "y"), ("x", "z"), ("z", "x")]
    follows += [(f"farm{i}", "star") for i in range(5)]
    follows += [("star", "x"), ("x", "star")]
    interactions = [("x", "y", "reply", 2), ("y", "x", "like", 1), ("z", "x", "mention", 1)]
    interactions += [("x", "y", "like", 3), ("star", "x", "like", 1)]
    g = _prepared(spark, follows, interactions)
    net = ni.read_network(
        follows=pd.DataFrame(follows, columns=["follower", "followed"]),
        interactions=pd.DataFrame(interactions, columns=["source", "target", "type", "count"]),
    )
    c, aware = _awareness(g, min_runs=20_000, max_runs=20_000)
    spark_counted = _by_node(g, c)["counted"].reindex(net.ids)
    memory = counted_weights(net)
    assert (spark_counted.to_numpy() == memory).all()
    assert spark_counted.loc[[f"farm{i}" for i in range(5)]].eq(0).all()
    labels = pd.Series([0 if i in ("x", "y", "z") else 1 for i in net.ids], index=net.ids)
    lab = _frame(spark, pd.DataFrame({"node": net.ids, "community": labels.to_numpy()}))
    lab = lab.join(g.nodes.select("vid", "node"), "node")
    t = _by_node(g, aware.table(lab.select("vid", "community"))).reindex(net.ids)
    assert (t["impact_in_community"] <= t["impact"] + 1e-12).all()
    assert (t.loc[spark_counted == 0, ["impact", "impact_in_community"]] == 0).all().all()
    # the star moves x (and through x its friends): none of them is in its community
    assert t.loc["star", "impact_in_community"] == 0.0 < t.loc["star", "impact"]
    # the friends move each other and, through x, the star: most of it inside
    friends = t.loc[["x", "y", "z"]]
    assert (friends["impact_in_community"] > 0.5 * friends["impact"]).all()
    assert (friends["impact_in_community"] < friends["impact"]).all()
