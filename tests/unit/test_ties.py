"""Tie strength: the documented formula, its components, and the tie layer of a Network."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.network import (
    DEFAULT_TYPE_WEIGHTS,
    tie_edge_arrays,
    tie_probability_arrays,
    tie_strength,
)
from netinfluence.network._ties import edge_common_neighbours

COLUMNS = [
    "source",
    "target",
    "follows",
    "interactions",
    "intensity",
    "mutual",
    "shared_neighbours",
    "same_community",
    "strength",
    "probability",
]


def _triangle_net() -> ni.Network:
    # a and b follow each other, c follows both: influence ties a->b, b->a, a->c, b->c.
    follows = pd.DataFrame({"follower": ["b", "a", "c", "c"], "followed": ["a", "b", "a", "b"]})
    inter = pd.DataFrame(
        {"source": ["b", "c"], "target": ["a", "a"], "type": ["Reply", "like"], "count": [1, 2]}
    )
    return ni.read_network(follows=follows, interactions=inter)


def _row(table: pd.DataFrame, s, t) -> pd.Series:
    hit = table[(table["source"] == s) & (table["target"] == t)]
    assert len(hit) == 1, f"no single row {s}->{t}"
    return hit.iloc[0]


def test_formula_on_hand_computed_triangle():
    net = _triangle_net()
    t = tie_strength(net)
    assert list(t.columns) == COLUMNS
    assert len(t) == 4
    jac = 1 / 3  # every edge of a triangle: one common neighbour out of three nodes
    expected = {
        ("a", "b"): (0.5 + math.log1p(3.0)) * 1.5 * (1 + 0.5 * jac),
        ("b", "a"): 0.5 * 1.5 * (1 + 0.5 * jac),
        ("a", "c"): (0.5 + math.log1p(2 * 0.5)) * (1 + 0.5 * jac),
        ("b", "c"): 0.5 * (1 + 0.5 * jac),
    }
    for (s, d), strength in expected.items():
        row = _row(t, s, d)
        assert row["strength"] == pytest.approx(strength, rel=1e-12)
        assert row["probability"] == pytest.approx(1 - math.exp(-strength / 4.0), rel=1e-12)
        assert row["shared_neighbours"] == pytest.approx(jac)
        assert bool(row["follows"])
        assert not bool(row["same_community"])
    assert _row(t, "a", "b")["intensity"] == pytest.approx(3.0)
    assert _row(t, "a", "c")["intensity"] == pytest.approx(1.0)
    assert _row(t, "a", "c")["interactions"] == pytest.approx(2.0)
    assert t["mutual"].tolist() == [True, False, True, False]

    labels = pd.Series([0, 0, 1], index=pd.Index(["a", "b", "c"], name="node"))
    tc = tie_strength(net, labels=labels)
    same = tc["same_community"].to_numpy()
    assert same.tolist() == [True, False, True, False]
    ratio = tc["strength"].to_numpy() / t["strength"].to_numpy()
    np.testing.assert_allclose(ratio, np.where(same, 1.25, 1.0), rtol=1e-12)


def test_follow_only_tie_probability_is_about_012():
    t = tie_strength(ni.Network.from_edges([("fan", "star")]))
    assert t["strength"].tolist() == [0.5]
    assert t["probability"].iloc[0] == pytest.approx(1 - math.exp(-0.125))
    assert 0.11 < t["probability"].iloc[0] < 0.13


def test_reply_outweighs_like_with_the_same_count():
    inter = pd.DataFrame(
        {"source": ["x", "y"], "target": ["hub", "hub"], "type": ["reply", "like"], "count": [4, 4]}
    )
    t = tie_strength(ni.read_network(interactions=inter))
    reply, like = _row(t, "hub", "x"), _row(t, "hub", "y")
    assert reply["strength"] > like["strength"] > 0
    assert reply["intensity"] == pytest.approx(4 * DEFAULT_TYPE_WEIGHTS["reply"])
    assert like["intensity"] == pytest.approx(4 * DEFAULT_TYPE_WEIGHTS["like"])
    # log1p damping: 24x the raw intensity is far less than 24x the strength
    assert reply["strength"] / like["strength"] < 4


def test_unknown_types_weigh_one_and_custom_weights_merge():
    inter = pd.DataFrame(
        {"source": ["x", "y"], "target": ["hub", "hub"], "type": ["wave", "LIKE"], "count": [1, 1]}
    )
    net = ni.read_network(interactions=inter)
    t = tie_strength(net)
    assert _row(t, "hub", "x")["intensity"] == pytest.approx(1.0)
    assert _row(t, "hub", "y")["intensity"] == pytest.approx(0.5)
    t2 = tie_strength(net, type_weights={"Wave": 7})
    assert _row(t2, "hub", "x")["intensity"] == pytest.approx(7.0)
    assert _row(t2, "hub", "y")["intensity"] == pytest.approx(0.5)


def test_recency_decay_halves_at_one_half_life():
    day = 86400.0
    inter = pd.DataFrame(
        {
            "source": ["new", "old", "older"],
            "target": ["hub"] * 3,
            "type": ["mention"] * 3,
            "count": [1, 1, 1],
            "timestamp": [1.7e9, 1.7e9 - 10 * day, 1.7e9 - 20 * day],
        }
    )
    net = ni.read_network(interactions=inter)
    t = tie_strength(net, half_life_days=10)
    new, old, older = (_row(t, "hub", k)["intensity"] for k in ("new", "old", "older"))
    assert new == pytest.approx(2.0)
    assert old == pytest.approx(1.0)
    assert older == pytest.approx(0.5)
    flat = tie_strength(net)
    assert flat["intensity"].tolist() == [2.0, 2.0, 2.0]


def test_reciprocity_bonus_only_on_mutual_pairs():
    net = _triangle_net()
    with_bonus = tie_strength(net, reciprocity_bonus=0.5)
    without = tie_strength(net, reciprocity_bonus=0.0)
    ratio = with_bonus["strength"].to_numpy() / without["strength"].to_numpy()
    mutual = with_bonus["mutual"].to_numpy()
    np.testing.assert_allclose(ratio, np.where(mutual, 1.5, 1.0), rtol=1e-12)
    assert mutual.any() and (~mutual).any()


def test_engagement_back_makes_a_tie_mutual():
    # a follows b; b replied to a once: ties b->a (follow) and a->b (reply) -> both mutual
    net = ni.read_network(
        follows=pd.DataFrame({"follower": ["a"], "followed": ["b"]}),
        interactions=pd.DataFrame({"source": ["b"], "target": ["a"], "type": ["reply"]}),
    )
    t = tie_strength(net)
    assert t["mutual"].all()
    assert _row(t, "b", "a")["follows"] and not _row(t, "a", "b")["follows"]


def test_ids_keep_their_spelling(tricky_net):
    t = tie_strength(tricky_net)
    assert {"007", "ana", "@budi_s", "zoë"} <= set(t["source"]) | set(t["target"])
    assert "7" not in set(t["source"]) and 7 not in set(t["source"])
    row = _row(t, "ana", "007")  # 007 follows ana and replied to ana 3 times
    assert row["follows"] and row["interactions"] == 3
    assert row["intensity"] == pytest.approx(9.0)
    assert "lonely" not in set(t["source"]) | set(t["target"])


def test_jaccard_matches_networkx():
    rng = np.random.default_rng(3)
    g = nx.gnm_random_graph(60, 300, seed=3, directed=True)
    edges = [(f"n{u}", f"n{v}") for u, v in g.edges()]
    rng.shuffle(edges)
    net = ni.Network.from_edges([(v, u) for u, v in edges])  # follower v of u: tie u->v
    t = tie_strength(net)
    und = nx.Graph()
    und.add_nodes_from(net.ids)
    und.add_edges_from(zip(t["source"], t["target"], strict=True))
    pairs = list(zip(t["source"], t["target"], strict=True))
    ref = {(u, v): j for u, v, j in nx.jaccard_coefficient(und, pairs)}
    got = dict(zip(zip(t["source"], t["target"], strict=True), t["shared_neighbours"], strict=True))
    assert got.keys() == ref.keys()
    for key, value in ref.items():
        assert got[key] == pytest.approx(value, abs=1e-12)
    assert max(got.values()) > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_common_neighbour_counts_match_sets(seed):
    g = nx.gnm_random_graph(150, 1500, seed=seed)
    e = np.array(list(g.edges()))
    got = edge_common_neighbours(150, e[:, 0], e[:, 1])
    ref = [len(set(g[a]) & set(g[b])) for a, b in e]
    assert got.tolist() == ref


@pytest.mark.parametrize("threads", ["1", "3"])
def test_common_neighbours_in_chunks(monkeypatch, threads):
    import netinfluence.network._ties as ties

    g = nx.powerlaw_cluster_graph(400, 6, 0.5, seed=1)
    e = np.array(list(g.edges()))
    monkeypatch.setattr(ties, "_WEDGE_CHUNK", 7)
    monkeypatch.setenv("NETINFLUENCE_THREADS", threads)
    got = edge_common_neighbours(400, e[:, 0], e[:, 1])
    assert got.tolist() == [len(set(g[a]) & set(g[b])) for a, b in e]
    assert got.sum() == sum(nx.triangles(g).values())  # 3 per triangle either way


def test_hash_index_finds_every_key_and_nothing_else():
    from netinfluence.network._ties import _hash_index, _hash_lookup

    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 10**12, 5000))
    table = _hash_index(keys)
    hits = _hash_lookup(table, keys[::-1])
    assert hits.tolist() == list(range(len(keys)))[::-1]
    absent = np.setdiff1d(rng.integers(0, 10**12, 5000), keys)
    assert (_hash_lookup(table, absent) == -1).all()


def test_follows_only_tie_graph_equals_follows_graph():
    g = nx.gnm_random_graph(40, 160, seed=5, directed=True)
    net = ni.Network.from_networkx(g)
    fs, fd, _ = net.edge_arrays("follows")
    ts, td, tw = net.edge_arrays("ties")
    order = np.lexsort((fd, fs))
    assert ts.tolist() == fs[order].tolist() and td.tolist() == fd[order].tolist()
    t = tie_strength(net)
    expected = (
        0.5 * (1 + 0.5 * t["mutual"].to_numpy()) * (1 + 0.5 * t["shared_neighbours"].to_numpy())
    )
    np.testing.assert_allclose(tw, expected, rtol=1e-12)


def test_tie_layer_is_cached_and_consistent():
    net = _triangle_net()
    a = tie_edge_arrays(net)
    b = tie_edge_arrays(net)
    assert a[2] is b[2]
    _, _, w = net.edge_arrays("ties")
    np.testing.assert_array_equal(w, a[2])
    # calibrated probabilities (issue 15): proportional to strength, capped at 1, so the
    # spectral radius is at most 0.9 (capping lowers it on this tiny graph)
    _, _, p = tie_probability_arrays(net)
    order = np.argsort(w)
    assert (np.diff(p[order]) >= -1e-12).all() and p.max() <= 1.0
    assert ni.tie_probability(net).attrs["spectral_radius"] <= 0.9 + 1e-6
    g = net.graph("ties")
    assert g.ecount() == 4


def test_undirected_tie_view_filled_by_the_tie_step_equals_its_own_build():
    """The tie step fills the undirected view of the tie layer from its own pair index;
    it must equal what ``undirected_edge_arrays`` builds from the tie table."""
    from netinfluence.datasets import load_sample

    sample_net = load_sample()  # a fresh network: nothing cached yet
    src, dst, w = sample_net.edge_arrays("ties")
    assert sample_net.is_cached(("undirected_edges", "ties"))
    got = sample_net.undirected_edge_arrays("ties")
    sample_net.drop_cached(("undirected_edges", "ties"))
    built = sample_net.undirected_edge_arrays("ties")
    for a, b in zip(got, built, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    # and by hand: each unordered pair once, strengths of both directions summed
    pairs: dict[tuple[int, int], float] = {}
    for s, d, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True):
        key = (min(s, d), max(s, d))
        pairs[key] = pairs.get(key, 0.0) + x
    lo, hi, ws = got
    assert list(zip(lo.tolist(), hi.tolist(), strict=True)) == sorted(pairs)
    np.testing.assert_allclose(ws, [pairs[k] for k in sorted(pairs)], rtol=1e-12)


def test_undirected_network_ties_are_mutual():
    net = ni.Network.from_networkx(nx.path_graph(4))
    t = tie_strength(net)
    assert len(t) == 6 and t["mutual"].all() and t["follows"].all()


def test_empty_network(empty_net):
    t = tie_strength(empty_net)
    assert list(t.columns) == COLUMNS and len(t) == 0
    s, d, w = tie_edge_arrays(empty_net)
    assert len(s) == len(d) == len(w) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"follow_weight": -1},
        {"reciprocity_bonus": float("nan")},
        {"proximity_weight": "lots"},
        {"community_bonus": -0.1},
        {"half_life_days": 0},
        {"half_life_days": -3},
        {"scale": 0},
        {"type_weights": {"reply": -2}},
        {"type_weights": [("reply", 2)]},
    ],
)
def test_bad_arguments_raise_input_error(kwargs):
    with pytest.raises(ni.InputError):
        tie_strength(_triangle_net(), **kwargs)


def test_communities_must_cover_nodes():
    with pytest.raises(ni.InputError, match="missing"):
        tie_strength(_triangle_net(), labels=pd.Series([0], index=["a"]))
    with pytest.raises(ni.InputError, match="one label per node"):
        tie_strength(_triangle_net(), labels=[0, 1])


def test_default_type_weights_are_frozen():
    with pytest.raises(TypeError):
        DEFAULT_TYPE_WEIGHTS["reply"] = 10  # type: ignore[index]
    assert (
        DEFAULT_TYPE_WEIGHTS["reply"]
        > DEFAULT_TYPE_WEIGHTS["mention"]
        > DEFAULT_TYPE_WEIGHTS["retweet"]
        > DEFAULT_TYPE_WEIGHTS["like"]
    )


@pytest.mark.shared_data
def test_collegemsg_tie_pairs_and_counts(shared_data):
    path = shared_data / "CollegeMsg" / "CollegeMsg.txt.gz"
    if not path.exists():
        pytest.skip(f"dataset file missing: {path}")
    net = ni.read_network(
        interactions=path, columns={"interactions": ["source", "target", "timestamp"]}
    )
    t = tie_strength(net)
    assert len(t) == 20_296
    assert t["interactions"].sum() == 59_835
    assert not t["follows"].any()
    assert (t["strength"] > 0).all() and (t["probability"] < 1).all()
    # reciprocity of the static graph is 0.636 (README)
    assert t["mutual"].mean() == pytest.approx(0.636, abs=0.001)
    recent = tie_strength(net, half_life_days=30)
    assert (recent["intensity"] <= t["intensity"] + 1e-9).all()
    assert (recent["intensity"] < t["intensity"]).mean() > 0.9


def test_tie_table_sorted_by_pair(sample_net):
    # reach looks tie probabilities up by binary search on this order without sorting again
    src, dst, _ = tie_probability_arrays(sample_net)
    key = src.astype(np.int64) * sample_net.n_nodes + dst
    assert len(key) > sample_net.n_follows  # interactions without a follow are in it too
    assert (np.diff(key) > 0).all()


def test_communities_is_the_deprecated_spelling_of_labels():
    net = _triangle_net()
    labels = pd.Series([0, 0, 1], index=net.ids)
    with pytest.warns(FutureWarning, match="labels="):
        old = tie_strength(net, communities=labels)
    pd.testing.assert_frame_equal(old, tie_strength(net, labels=labels))


def test_tie_probability_spectral_default_is_subcritical(sample_net):
    t = ni.tie_probability(sample_net)
    assert t.attrs["spectral_radius"] == pytest.approx(0.9, rel=1e-3)
    assert t["probability"].between(0, 1).all()
    # proportional to tie strength
    ratio = t["probability"] / t["strength"]
    assert ratio.max() == pytest.approx(ratio.min(), rel=1e-9)
    low = ni.tie_probability(sample_net, target=0.5)
    assert low.attrs["spectral_radius"] == pytest.approx(0.5, rel=1e-3)


def test_tie_probability_learnt_from_timestamps():
    inter = pd.DataFrame(
        {
            # bo replies to ana, then cy engages with what bo engaged with (ana), later
            "source": ["bo", "cy", "cy", "bo"],
            "target": ["ana", "ana", "bo", "dee"],
            "type": ["reply", "like", "like", "like"],
            "timestamp": [
                "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z",
                "2026-01-03T00:00:00Z",
                "2026-01-04T00:00:00Z",
            ],
        }
    )
    follows = pd.DataFrame({"follower": ["cy", "bo"], "followed": ["bo", "ana"]})
    net = ni.read_network(follows=follows, interactions=inter)
    for method in ("bernoulli", "jaccard"):
        t = ni.tie_probability(net, method=method, target=None).set_index(["source", "target"])
        # bo -> cy: bo acted on ana's content before cy did, and cy engaged with bo's content
        assert t.loc[("bo", "cy"), "probability"] > 0
        assert t["probability"].between(0, 1).all()
    b = ni.tie_probability(net, method="bernoulli", target=None).set_index(["source", "target"])
    # A_bo = own content + ana + dee = 3 items; bo before cy on: own content, ana -> 2 / 3
    assert b.loc[("bo", "cy"), "probability"] == pytest.approx(2 / 3)


def test_learnt_probabilities_need_timestamps():
    net = ni.Network.from_edges([("a", "b"), ("b", "a")])
    with pytest.raises(ni.InputError, match="timestamps"):
        ni.tie_probability(net, method="bernoulli")
    with pytest.raises(ni.InputError, match="method"):
        ni.tie_probability(net, method="magic")
