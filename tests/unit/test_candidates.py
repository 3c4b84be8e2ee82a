"""Ranked candidate lists: columns contract, filters, reasons, determinism."""

from __future__ import annotations

import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.scoring import RANK_COLUMNS, explain, rank, score_inputs


@pytest.fixture(scope="module")
def inputs(sample_net):
    return score_inputs(sample_net, seed=0)


def test_columns_contract_and_order(sample_net, inputs):
    table = rank(sample_net, top=20, inputs=inputs)
    assert list(table.columns[: len(RANK_COLUMNS)]) == list(RANK_COLUMNS)
    assert table["rank"].tolist() == list(range(1, 21))
    assert table["score"].is_monotonic_decreasing
    assert table["why"].str.len().min() > 20
    assert table["node"].is_unique


def test_top_zero_gives_every_node(sample_net, inputs):
    table = rank(sample_net, top=0, inputs=inputs)
    assert len(table) == sample_net.n_nodes
    assert set(table["node"]) == set(sample_net.ids)


def test_ties_broken_by_node_id():
    net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")], directed=True)
    table = rank(net, top=0)
    for _, group in table.groupby("score"):
        assert group["node"].tolist() == sorted(group["node"])


def test_per_community(sample_net, inputs):
    table = rank(sample_net, per_community=3, inputs=inputs)
    counts = table["community"].value_counts()
    assert counts.max() <= 3
    assert table["community_rank"].between(1, 3).all()
    first = table.groupby("community").head(1)
    overall = rank(sample_net, top=0, inputs=inputs).groupby("community").head(1)
    assert set(first["node"]) == set(overall["node"])


def test_tiers_filter(sample_net, inputs):
    table = rank(sample_net, top=0, tiers=["micro", "macro"], inputs=inputs)
    assert set(table["tier"]) <= {"micro", "macro"}
    band = rank(sample_net, top=0, tiers=["1k-10k"], inputs=inputs)
    assert (band["followers"].between(1000, 9999.999)).all()
    with pytest.raises(ni.InputError, match="unknown tier"):
        rank(sample_net, tiers=["giga"], inputs=inputs)


def test_exclude_by_id_or_handle(sample_net, inputs):
    full = rank(sample_net, top=5, inputs=inputs)
    first, second = full.iloc[0], full.iloc[1]
    table = rank(
        sample_net, top=5, exclude=[first["node"], second["handle"], "ghost"], inputs=inputs
    )
    assert first["node"] not in set(table["node"])
    assert second["node"] not in set(table["node"])
    assert table.attrs["unknown_exclusions"] == ["ghost"]
    assert table.attrs["filtered"]["excluded"] == 2


def test_require_topics(sample_net, inputs):
    table = rank(sample_net, top=0, require_topics=["Running"], inputs=inputs)
    assert len(table) > 0
    topics = sample_net.nodes.loc[table["node"], "topics"].str.lower()
    assert topics.str.contains("running").all()


def test_why_wording():
    row = pd.Series(
        {
            "insider": False,
            "community": 1,
            "community_topic": "",
            "community_size": 9,
            "community_reach_share": 0.5,
            "engagement_vs_tier": float("nan"),
            "reciprocal_share": 0.1,
            "flags": "low_engagement;passive_followers",
            "role": "R6 connector hub",
        }
    )
    text = explain(row)
    assert text.startswith("bridge from community 1 (9 members)")
    assert "engagement" not in text.split(";")[0]
    assert "caution: engagement far below its tier, followers who never interact" in text


def _interactions_only():
    rows = [
        ("a", "b", "reply"),
        ("c", "b", "like"),
        ("d", "b", "like"),
        ("e", "b", "reply"),
        ("b", "a", "reply"),
        ("a", "c", "mention"),
        ("c", "a", "like"),
        ("d", "e", "like"),
        ("e", "d", "reply"),
        ("f", "a", "like"),
        ("f", "b", "like"),
    ]
    return pd.DataFrame(rows, columns=["source", "target", "type"])


def test_why_without_a_users_table_counts_engagements_not_tiers():
    # no follower counts: there is no tier to compare engagement with
    net = ni.read_network(interactions=_interactions_only())
    table = rank(net, top=0).set_index("node")
    assert (table["tier"] == "unknown").all()
    assert not table["why"].str.contains("its tier").any()
    assert "5 engagements received" in table.loc["b", "why"]
    assert "1 engagement received" in table.loc["c", "why"]


def test_why_on_interactions_only_says_through_interactions():
    net = ni.read_network(interactions=_interactions_only())
    why = rank(net, top=0)["why"]
    assert why.str.contains("within 2 hops through interactions").all()
    assert why.str.contains(r"moves about [\d.]+ (?:people|person) through interactions").all()
    # with follows the reach is not said to run through interactions
    follows = pd.DataFrame({"follower": ["b", "c", "d"], "followed": ["a", "a", "b"]})
    both = ni.read_network(follows=follows, interactions=_interactions_only())
    assert not rank(both, top=0)["why"].str.contains("through interactions").any()


def test_why_with_follower_counts_still_compares_with_the_tier():
    users = pd.DataFrame(
        {
            "id": list("abcdef"),
            "followers": [5000, 3000, 800, 900, 700, 100],
            "posts": [10] * 6,
            "likes": [4040, 900, 80, 70, 60, 5],
            "comments": [270, 50, 8, 7, 6, 1],
        }
    )
    net = ni.read_network(interactions=_interactions_only(), users=users)
    why = rank(net, top=0).set_index("node")["why"]
    assert "x its tier" in why.loc["a"] and "engagements received" not in why.loc["a"]


def test_deterministic(sample_net):
    a = rank(sample_net, top=30, seed=3)
    b = rank(sample_net, top=30, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_bad_arguments(sample_net, inputs):
    with pytest.raises(ni.InputError):
        rank(sample_net, top=-1, inputs=inputs)
    with pytest.raises(ni.InputError):
        rank(sample_net, per_community=0, inputs=inputs)


def test_filters_on_one_analysis_match_rank(sample_net, inputs):
    """Analysis.rank filters the table analyze built once; the result is rank()'s."""
    from netinfluence.pipeline import analyze

    analysis = analyze(sample_net, seed=0)
    for filters in ({"top": 7}, {"per_community": 2}, {"tiers": ["micro"], "top": 5}):
        mine = analysis.rank(**filters)
        ref = rank(sample_net, inputs=analysis.inputs, **filters)
        pd.testing.assert_frame_equal(mine, ref)
        assert mine.attrs["reach_method"] == ref.attrs["reach_method"] == "exact"
        assert mine.attrs["parameters"] == ref.attrs["parameters"]
    assert len(analysis.ranked) == sample_net.n_nodes  # the shared table is not filtered


def test_insiders_only_and_reason_states_people_moved(sample_net):
    table = ni.rank(sample_net, top=20, insiders_only=True)
    assert len(table) == 20 and table["insider"].all()
    assert table.attrs["filtered"]["not_insiders"] > 0
    assert table["why"].str.contains(r"moves about [\d.]+ (?:people|person)", regex=True).all()
    assert table["why"].str.contains("of them in its community").all()
    assert {"impact", "impact_in_community"} <= set(table.columns)
