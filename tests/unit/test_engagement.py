"""Tiers, engagement against tier norms, reciprocity and authenticity flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.metrics import (
    DEFAULT_NORMS,
    FlagRules,
    authenticity_flags,
    engagement,
    reciprocity,
    tiers,
)
from netinfluence.network import tie_mutual_counts


def users_net(**cols):
    return ni.read_network(
        users=pd.DataFrame({"id": [f"u{i}" for i in range(len(next(iter(cols.values()))))], **cols})
    )


def test_tier_thresholds_are_inclusive_lower_bounds():
    net = users_net(followers=[0, 999, 1000, 99_999, 100_000, 999_999, 1_000_000, np.nan])
    assert tiers(net).tolist() == [
        "nano",
        "nano",
        "micro",
        "micro",
        "macro",
        "macro",
        "mega",
        "unknown",
    ]
    custom = tiers(net, bands=[("small", "small", 0), ("big", "big", 500)])
    assert custom.tolist()[:3] == ["small", "big", "big"]
    with pytest.raises(ni.InputError):
        tiers(net, bands=[("a", "a", 10), ("b", "b", 5)])


def test_published_norms_are_used_per_band():
    assert DEFAULT_NORMS["1k-10k"] == (0.0404, 0.0027)
    assert DEFAULT_NORMS["10k-100k"] == (0.0237, 0.0017)
    assert DEFAULT_NORMS["<1k"][0] == 0.08 and DEFAULT_NORMS["1M+"][0] == 0.0166


def test_engagement_rate_and_ratio_from_posts():
    net = users_net(
        followers=[5_000, 50_000, 2_000_000],
        posts=[10, 20, 100],
        likes=[2_020, 23_700, 100_000],
        comments=[135, 1_700, 1_000],
    )
    e = engagement(net)
    assert e["engagement_source"].tolist() == ["posts"] * 3
    assert e["engagement_rate"].iloc[0] == pytest.approx(2155 / 10 / 5000)
    assert e["engagement_vs_tier"].iloc[0] == pytest.approx(1.0)
    assert e["engagement_vs_tier"].iloc[1] == pytest.approx(1.0)
    assert e["engagement_vs_tier"].iloc[2] < 0.1  # a celebrity with 0.05% engagement


def test_engagement_from_graph_when_no_posts(tricky_net):
    e = engagement(tricky_net)
    assert set(e["engagement_source"]) <= {"graph", "none"}
    ana = e.loc["ana"]
    assert ana["engagement_source"] == "graph"
    assert ana["interactions_received"] == 3 + 1 + 1  # reply x3, like, mention
    assert e.loc["lonely", "engagement_source"] == "none"
    assert np.isnan(e.loc["lonely", "engagement_vs_tier"])


def test_reciprocity_counts_follow_and_engagement_ties():
    net = ni.read_network(
        follows=pd.DataFrame({"follower": ["a", "b", "c"], "followed": ["b", "a", "a"]}),
        interactions=pd.DataFrame(
            {"source": ["a", "d"], "target": ["c", "a"], "type": ["reply"] * 2}
        ),
    )
    r = reciprocity(net)
    # a: ties with b (mutual follow), c (c follows a, a replies to c: mutual), d (one way)
    assert r["a"] == pytest.approx(2 / 3)
    assert r["b"] == 1.0 and r["d"] == 0.0
    net.edge_arrays("ties")  # once the tie layer is built, reciprocity reads its counts
    pd.testing.assert_series_equal(reciprocity(net), r, check_exact=True)


def test_reciprocity_from_the_tie_layer_equals_the_union_of_layers():
    from netinfluence.datasets import load_sample

    fresh = load_sample()
    assert not fresh.is_cached(("edges", "ties"))
    before = reciprocity(fresh)
    fresh.edge_arrays("ties")
    # read from the tie step's own counts now, to the last bit
    assert tie_mutual_counts(fresh) is not None
    pd.testing.assert_series_equal(reciprocity(fresh), before, check_exact=True)


def test_reciprocity_matches_networkx_on_follows(tricky_net):
    import networkx as nx

    g = nx.DiGraph(tricky_net.follows[["source", "target"]].to_numpy().tolist())
    r = reciprocity(ni.Network.from_networkx(g))
    u = g.to_undirected()
    for node in g.nodes:
        ties = list(u.neighbors(node))
        mutual = sum(g.has_edge(node, v) and g.has_edge(v, node) for v in ties)
        assert r[node] == pytest.approx(mutual / len(ties))


def test_flags_on_planted_accounts(sample_net, sample_paths):
    truth = pd.read_csv(sample_paths["truth"], dtype={"id": str}).set_index("id")
    flags = authenticity_flags(sample_net).join(truth)
    by_role = flags.groupby("planted_role")
    assert by_role["low_engagement"].mean()["bought"] > 0.9
    assert by_role["low_engagement"].mean()["celebrity"] > 0.9
    assert by_role["passive_followers"].mean()["bought"] > 0.9
    assert by_role["flags"].apply(lambda s: (s == "").mean())["insider"] > 0.9
    assert (flags["flags"].str.len() > 0).mean() < 0.1  # flags are rare, not a blanket


def test_flag_rules_change_the_flags(sample_net):
    loose = authenticity_flags(sample_net, rules=FlagRules(low_engagement_ratio=0.9))
    strict = authenticity_flags(sample_net)
    assert loose["low_engagement"].sum() > strict["low_engagement"].sum()
