"""Centrality and cores: direction, cross-checks against networkx/igraph, invariants, contract."""

from __future__ import annotations

import random
from collections import deque

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.metrics import _centrality as C

SERIES_FUNCTIONS = {
    "in_degree": C.in_degree,
    "followers": C.followers,
    "strength": C.strength,
    "pagerank": C.pagerank,
    "coreness": C.coreness,
    "h_index": C.h_index,
    "betweenness": C.betweenness,
    "harmonic": C.harmonic,
    "collective_influence": C.collective_influence,
    "voterank": C.voterank,
}


# ---------------------------------------------------------------------------- helpers


def random_net(n=60, p=0.06, seed=1, weighted=False, directed=True) -> ni.Network:
    """A random network in the influence direction, with isolated and dangling nodes."""
    g = nx.gnp_random_graph(n, p, seed=seed, directed=directed)
    rng = np.random.default_rng(seed)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = float(rng.choice([0.25, 0.5, 1.0, 2.0]))
    return ni.Network.from_networkx(g, weight="weight" if weighted else None)


def values(series: pd.Series, mapping: dict) -> np.ndarray:
    return np.array([mapping[i] for i in series.index], dtype=float)


def undirected_nx(net: ni.Network) -> nx.Graph:
    """The simple undirected view as networkx, nodes and edges in node order."""
    g = nx.Graph()
    g.add_nodes_from(net.ids)
    src, dst, _ = net.edge_arrays("follows")
    ids = np.asarray(net.ids, dtype=object)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    pairs = sorted(set(zip(lo.tolist(), hi.tolist(), strict=True)))
    g.add_edges_from((ids[a], ids[b]) for a, b in pairs)
    return g


def bfs_distances(g: nx.Graph, source) -> dict:
    dist = {source: 0}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in g[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    return dist


# ---------------------------------------------------------------------------- degree tables


def test_in_degree_is_the_audience_seen_in_the_sample():
    net = ni.Network.from_edges([("fan1", "star"), ("fan2", "star"), ("star", "fan1")])
    deg = C.in_degree(net)
    assert deg.name == "in_degree" and deg.dtype == np.int64
    assert deg.to_dict() == {"star": 2, "fan1": 1, "fan2": 0}
    # = in-degree of the follower -> followed graph = out-degree of the influence graph
    attention = net.to_networkx().reverse()
    assert deg.to_dict() == dict(attention.in_degree())


def test_followers_come_from_the_users_table_never_from_the_graph(tricky_net):
    f = C.followers(tricky_net)
    assert f.name == "followers"
    assert f["ana"] == 54000 and f["lonely"] == 5
    assert C.in_degree(tricky_net)["ana"] == 3  # followers seen in the sample
    bare = ni.Network.from_edges([("a", "b")])
    assert C.followers(bare).isna().all() and len(C.followers(bare)) == 2


def test_strength_sums_out_edge_weights():
    net = random_net(weighted=True, seed=3)
    g = net.to_networkx()
    s = C.strength(net)
    assert np.allclose(s.to_numpy(), values(s, dict(g.out_degree(weight="weight"))))
    assert (C.strength(net, weighted=False) == C.in_degree(net)).all()


def test_strength_on_the_interactions_layer_counts_engagements():
    inter = pd.DataFrame(
        {
            "source": ["fan", "fan", "fan2"],
            "target": ["star", "star", "star"],
            "type": ["reply", "like", "reply"],
            "count": [3, 1, 2],
        }
    )
    net = ni.read_network(interactions=inter)
    assert C.strength(net, layer="interactions")["star"] == 6
    assert C.in_degree(net, layer="interactions")["star"] == 2


# ---------------------------------------------------------------------------- PageRank


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("damping", [0.85, 0.5])
def test_pagerank_matches_networkx_on_the_follower_to_followed_graph(weighted, damping):
    net = random_net(n=80, p=0.04, seed=5, weighted=True)  # sparse: dangling nodes exist
    attention = net.to_networkx().reverse()  # follower -> followed
    expected = nx.pagerank(
        attention, alpha=damping, weight="weight" if weighted else None, tol=1e-14, max_iter=10_000
    )
    got = C.pagerank(net, weighted=weighted, damping=damping)
    assert got.name == "pagerank"
    assert got.sum() == pytest.approx(1.0)
    assert np.abs(got.to_numpy() - values(got, expected)).max() < 1e-9


@pytest.mark.parametrize("weighted", [False, True])
def test_pagerank_matches_igraph_prpack_on_the_reversed_graph(weighted):
    net = random_net(n=80, p=0.04, seed=6, weighted=True)
    src, dst, w = net.edge_arrays("follows")
    rev = ig.Graph(
        n=net.n_nodes, edges=list(zip(dst.tolist(), src.tolist(), strict=True)), directed=True
    )
    expected = rev.pagerank(
        damping=0.85, weights=w.tolist() if weighted else None, implementation="prpack"
    )
    got = C.pagerank(net, weighted=weighted)
    assert np.abs(got.to_numpy() - np.asarray(expected)).max() < 1e-9


def test_pagerank_on_an_undirected_network_matches_networkx():
    g = nx.les_miserables_graph()
    net = ni.Network.from_networkx(g, weight="weight")
    expected = nx.pagerank(g, weight="weight", tol=1e-14, max_iter=10_000)
    got = C.pagerank(net)
    assert np.abs(got.to_numpy() - values(got, expected)).max() < 1e-9


def test_pagerank_followed_account_gains_rank_from_followers():
    net = ni.Network.from_edges([("f1", "star"), ("f2", "star"), ("f3", "star")])
    pr = C.pagerank(net)
    assert pr.idxmax() == "star"
    assert pr["f1"] == pytest.approx(pr["f2"])


def test_pagerank_warns_when_it_does_not_converge():
    net = random_net(seed=7)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        C.pagerank(net, max_iter=2)


# ---------------------------------------------------------------------------- cores


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_coreness_matches_networkx_core_number(seed):
    net = random_net(n=120, p=0.05, seed=seed)
    expected = nx.core_number(undirected_nx(net))
    got = C.coreness(net)
    assert got.dtype == np.int64
    assert (got.to_numpy() == values(got, expected)).all()


def brute_h_index(g: nx.Graph) -> dict:
    out = {}
    for v in g:
        degs = sorted((g.degree(u) for u in g[v]), reverse=True)
        out[v] = max([h for h in range(len(degs) + 1) if sum(d >= h for d in degs) >= h])
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_h_index_brute_force_and_lu_bounds(seed):
    net = random_net(n=120, p=0.06, seed=seed)
    g = undirected_nx(net)
    h = C.h_index(net)
    assert h.dtype == np.int64
    assert (h.to_numpy() == values(h, brute_h_index(g))).all()
    degree = values(h, dict(g.degree()))
    core = C.coreness(net).to_numpy()
    # Lü et al. 2016: coreness <= H-index <= degree
    assert (core <= h.to_numpy()).all() and (h.to_numpy() <= degree).all()
    assert (core < h.to_numpy()).any()  # the bounds are not trivially equalities here


def test_h_index_small_cases():
    star = ni.Network.from_edges([("hub", x) for x in "abcd"])
    assert C.h_index(star).to_dict() == {"a": 1, "b": 1, "c": 1, "d": 1, "hub": 1}
    clique = ni.Network.from_networkx(nx.complete_graph(5))
    assert (C.h_index(clique) == 4).all()


# ---------------------------------------------------------------------------- betweenness


@pytest.mark.parametrize("directed", [True, False])
def test_exact_betweenness_matches_networkx(directed):
    net = random_net(n=70, p=0.06, seed=8, directed=directed)
    g = net.to_networkx()  # influence digraph, or a Graph for an undirected network
    expected = nx.betweenness_centrality(g, normalized=True, weight=None)
    got = C.betweenness(net, method="exact")
    assert got.attrs["method"] == "exact"
    assert np.abs(got.to_numpy() - values(got, expected)).max() < 1e-12
    # reversing every edge does not change betweenness
    if directed:
        rev = nx.betweenness_centrality(g.reverse(), normalized=True, weight=None)
        assert np.abs(got.to_numpy() - values(got, rev)).max() < 1e-12


def test_weighted_betweenness_uses_inverse_weights_as_lengths():
    net = random_net(n=50, p=0.1, seed=9, weighted=True)
    g = net.to_networkx()
    for _, _, d in g.edges(data=True):
        d["length"] = 1.0 / d["weight"]  # 4, 2, 1, 0.5: exact in binary
    expected = nx.betweenness_centrality(g, normalized=True, weight="length")
    got = C.betweenness(net, method="exact", weighted=True)
    assert np.abs(got.to_numpy() - values(got, expected)).max() < 1e-12
    assert not np.allclose(got, C.betweenness(net, method="exact"))


def test_sampled_betweenness_scales_like_networkx_with_the_same_sources():
    net = random_net(n=90, p=0.05, seed=10)
    g = net.to_networkx()
    k, seed = 20, 42
    # networkx draws its sources with random.Random(seed).sample(list(G), k)
    chosen = random.Random(seed).sample(list(g.nodes()), k)
    expected = nx.betweenness_centrality(g, k=k, seed=seed, normalized=True)
    pos = np.sort(net.position(chosen))
    got = C._sampled_betweenness(net.graph("follows"), pos, net.n_nodes, None)
    assert np.abs(got - np.array([expected[i] for i in net.ids])).max() < 1e-12


def test_sampled_betweenness_is_reproducible_and_estimates_the_exact_value():
    net = random_net(n=300, p=0.02, seed=11)
    exact = C.betweenness(net, method="exact")
    a = C.betweenness(net, method="sampled", samples=150, seed=3)
    b = C.betweenness(net, method="sampled", samples=150, seed=3)
    c = C.betweenness(net, method="sampled", samples=150, seed=np.random.default_rng(3))
    d = C.betweenness(net, method="sampled", samples=150, seed=4)
    assert a.attrs == {"method": "sampled", "samples": 150}
    pd.testing.assert_series_equal(a, b)
    pd.testing.assert_series_equal(a, c)
    assert not a.equals(d)
    assert np.corrcoef(a, exact)[0, 1] > 0.9
    assert abs(a.sum() / exact.sum() - 1) < 0.1
    # as many samples as nodes: exact
    full = C.betweenness(net, method="sampled", samples=net.n_nodes)
    assert full.attrs["method"] == "exact" and full.equals(exact)


def test_auto_betweenness_switches_to_sampling_on_large_graphs(monkeypatch):
    net = random_net(n=60, seed=12)
    assert C.betweenness(net).attrs["method"] == "exact"
    monkeypatch.setattr(C, "EXACT_BETWEENNESS_MAX_NODES", 10)
    assert C.betweenness(net, samples=8).attrs == {"method": "sampled", "samples": 8}


# ---------------------------------------------------------------------------- harmonic


@pytest.mark.parametrize("directed", [True, False])
def test_harmonic_is_networkx_harmonic_of_the_reversed_graph(directed):
    net = random_net(n=70, p=0.04, seed=13, directed=directed)
    g = net.to_networkx()
    n = net.n_nodes
    # networkx sums distances TO a node; ours follow out-edges FROM it (how fast it reaches)
    rev = g.reverse() if directed else g
    expected = {k: v / (n - 1) for k, v in nx.harmonic_centrality(rev).items()}
    got = C.harmonic(net, method="exact")
    assert np.abs(got.to_numpy() - values(got, expected)).max() < 1e-12
    if directed:
        towards = {k: v / (n - 1) for k, v in nx.harmonic_centrality(g).items()}
        assert not np.allclose(got.to_numpy(), values(got, towards))


def test_harmonic_direction_on_a_chain():
    net = ni.Network.from_edges([("b", "a"), ("c", "b")])  # a -> b -> c: a reaches everyone
    h = C.harmonic(net)
    assert h["a"] == pytest.approx((1 + 1 / 2) / 2) and h["c"] == 0


def test_weighted_harmonic_matches_networkx_with_lengths():
    net = random_net(n=50, p=0.08, seed=14, weighted=True)
    g = net.to_networkx().reverse()
    for _, _, d in g.edges(data=True):
        d["length"] = 1.0 / d["weight"]
    expected = {k: v / 49 for k, v in nx.harmonic_centrality(g, distance="length").items()}
    got = C.harmonic(net, weighted=True)
    assert np.abs(got.to_numpy() - values(got, expected)).max() < 1e-12


def test_sampled_harmonic_is_reproducible_and_close_to_exact():
    net = random_net(n=400, p=0.01, seed=15)
    exact = C.harmonic(net, method="exact")
    a = C.harmonic(net, method="sampled", samples=200, seed=1)
    assert a.attrs == {"method": "sampled", "samples": 200}
    pd.testing.assert_series_equal(a, C.harmonic(net, method="sampled", samples=200, seed=1))
    assert np.corrcoef(a, exact)[0, 1] > 0.9
    assert abs(a.mean() / exact.mean() - 1) < 0.1


# ---------------------------------------------------------------------------- spreaders


def brute_ci(g: nx.Graph, radius: int) -> dict:
    out = {}
    for v in g:
        dist = bfs_distances(g, v)
        sphere = sum(g.degree(u) - 1 for u, d in dist.items() if d == radius)
        out[v] = (g.degree(v) - 1) * sphere if g.degree(v) else 0
    return out


@pytest.mark.parametrize("radius", [1, 2, 3])
def test_collective_influence_brute_force(radius):
    net = random_net(n=120, p=0.03, seed=16)
    g = undirected_nx(net)
    got = C.collective_influence(net, radius=radius)
    assert got.dtype == np.int64
    assert (got.to_numpy() == values(got, brute_ci(g, radius))).all()


def test_collective_influence_counts_nodes_at_distance_exactly_two(monkeypatch):
    # a triangle plus a tail: 2-walks return to neighbours, which must not be counted
    net = ni.Network.from_edges(
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")], directed=False
    )
    g = undirected_nx(net)
    assert C.collective_influence(net).to_dict() == brute_ci(g, 2)
    assert C.collective_influence(net)["a"] == (2 - 1) * (2 - 1)  # only d is at distance 2
    # row blocks give the same answer as one block
    monkeypatch.setattr(C, "_BLOCK_ENTRIES", 3)
    big = random_net(n=100, p=0.05, seed=17)
    assert (
        C.collective_influence(big).to_numpy()
        == values(big.ids.to_series(), brute_ci(undirected_nx(big), 2))
    ).all()


def ours_order(series: pd.Series) -> list:
    return series.dropna().sort_values(kind="stable").index.tolist()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_voterank_matches_networkx_on_the_influence_digraph(seed):
    net = random_net(n=80, p=0.05, seed=seed)
    got = C.voterank(net)
    assert got.dtype == "Int64" and got.name == "voterank"
    assert ours_order(got) == nx.voterank(net.to_networkx())
    # elected ranks are 1..E with no gaps
    assert sorted(got.dropna().tolist()) == list(range(1, got.notna().sum() + 1))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_voterank_undirected_matches_networkx(seed):
    net = random_net(n=80, p=0.05, seed=seed)
    got = C.voterank(net, directed=False)
    assert ours_order(got) == nx.voterank(undirected_nx(net))


def test_voterank_on_an_undirected_network_and_with_a_limit():
    g = nx.les_miserables_graph()
    net = ni.Network.from_networkx(g)
    full = nx.voterank(g)
    assert ours_order(C.voterank(net)) == full
    assert ours_order(C.voterank(net, directed=False)) == full
    top = C.voterank(net, number_of_nodes=5)
    assert ours_order(top) == full[:5] and top.notna().sum() == 5
    assert C.voterank(net, number_of_nodes=0).isna().all()


def test_voterank_followers_vote_for_whom_they_follow():
    net = ni.Network.from_edges(
        [("f1", "star"), ("f2", "star"), ("f3", "star"), ("star", "f1"), ("x", "f1")]
    )
    vr = C.voterank(net)
    # star is elected first; f1 still has x's full vote (star's is spent); f2 has no voters
    assert vr["star"] == 1 and vr["f1"] == 2
    assert vr.isna().sum() == 3  # f2, f3 and x have no voters


def test_voterank_breaks_exact_ties_like_networkx():
    # four structurally equal hubs: exact ties everywhere, broken by node order
    edges = [(f"fan{i}", f"hub{j}") for j in range(4) for i in range(j, j + 6)]
    net = ni.Network.from_edges(edges)
    assert ours_order(C.voterank(net)) == nx.voterank(net.to_networkx())


# ---------------------------------------------------------------------------- the table


def test_centrality_columns_order_and_attrs(tricky_net):
    table = C.centrality(tricky_net)
    assert list(table.columns) == list(C.MEASURES)
    assert table.index.equals(tricky_net.ids) and table.index.name == "node"
    assert table.attrs["betweenness_method"] == "exact"
    assert table.attrs["layer"] == "follows"
    for name, func in SERIES_FUNCTIONS.items():
        pd.testing.assert_series_equal(table[name], func(tricky_net), check_names=True)
    sub = C.centrality(tricky_net, measures=["PageRank ", "in_degree"])
    assert list(sub.columns) == ["in_degree", "pagerank"]
    assert list(C.centrality(tricky_net, measures="coreness").columns) == ["coreness"]


def test_centrality_passes_its_options_through():
    net = random_net(n=60, seed=18, weighted=True)
    table = C.centrality(
        net,
        damping=0.5,
        weighted=False,
        ci_radius=1,
        betweenness="sampled",
        betweenness_samples=10,
        seed=5,
        voterank_nodes=3,
    )
    pd.testing.assert_series_equal(table["pagerank"], C.pagerank(net, damping=0.5, weighted=False))
    pd.testing.assert_series_equal(
        table["collective_influence"], C.collective_influence(net, radius=1)
    )
    pd.testing.assert_series_equal(
        table["betweenness"],
        C.betweenness(net, method="sampled", samples=10, seed=5),
        check_exact=True,
    )
    assert table.attrs["betweenness_method"] == "sampled"
    assert table["voterank"].notna().sum() == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"measures": ["pagerank", "klout"]}, "klout"),
        ({"layer": "likes"}, "layer"),
        ({"betweenness": "approx"}, "betweenness"),
        ({"harmonic": "fast"}, "harmonic"),
        ({"seed": "abc"}, "seed"),
        ({"seed": -1}, "seed"),
        ({"betweenness_samples": 1}, "betweenness_samples"),
        ({"ci_radius": 0}, "ci_radius"),
        ({"damping": 1.5}, "damping"),
        ({"voterank_nodes": -2}, "voterank_nodes"),
    ],
)
def test_centrality_rejects_bad_options_before_computing(kwargs, match):
    net = random_net(n=10)
    with pytest.raises(ni.InputError, match=match) as info:
        C.centrality(net, **kwargs)
    assert isinstance(info.value, ValueError)
    if "measures" in kwargs:
        assert "collective_influence" in str(info.value)  # lists the allowed names


def test_functions_validate_their_options():
    net = random_net(n=10)
    with pytest.raises(ni.InputError, match="method"):
        C.betweenness(net, method="EXACTLY")
    assert C.betweenness(net, method=" Exact ").attrs["method"] == "exact"
    with pytest.raises(ni.InputError, match="radius"):
        C.collective_influence(net, radius=1.5)
    with pytest.raises(ni.InputError, match="number_of_nodes"):
        C.voterank(net, number_of_nodes=True)
    with pytest.raises(ni.InputError, match="tol"):
        C.pagerank(net, tol=0)
    with pytest.raises(ni.InputError, match="layer"):
        C.in_degree(net, layer="retweets")


def test_interactions_only_network_uses_the_tie_graph_and_warns_on_an_empty_layer():
    inter = pd.DataFrame(
        {"source": ["a", "b", "c"], "target": ["b", "c", "a"], "type": ["reply"] * 3}
    )
    net = ni.read_network(interactions=inter)
    table = C.centrality(net, measures=["in_degree"])  # default: the tie graph
    assert (table["in_degree"] == 1).all()
    with pytest.warns(UserWarning, match="layer 'follows' has no edges"):
        table = C.centrality(net, measures=["in_degree"], layer="follows")
    assert (table["in_degree"] == 0).all()
    table = C.centrality(net, layer="interactions")
    assert (table["in_degree"] == 1).all() and table["pagerank"].sum() == pytest.approx(1)


# ---------------------------------------------------------------------------- contract


@pytest.mark.parametrize("name", list(SERIES_FUNCTIONS))
def test_contract_every_measure(name, tricky_net):
    func = SERIES_FUNCTIONS[name]
    result = func(tricky_net)
    assert isinstance(result, pd.Series) and result.name == name
    assert result.index.equals(tricky_net.ids) and result.index.name == "node"
    if name not in ("followers", "voterank"):  # NaN/NA means "unknown"/"not elected" there
        assert result.notna().all()
    pd.testing.assert_series_equal(result, func(tricky_net))  # deterministic


@pytest.mark.parametrize("name", list(SERIES_FUNCTIONS))
def test_contract_empty_network(name, empty_net):
    result = SERIES_FUNCTIONS[name](empty_net)
    assert len(result) == 0 and result.name == name
    assert C.centrality(empty_net).shape == (0, len(C.MEASURES))


def test_contract_relabelling_permutes_the_result():
    g = nx.gnp_random_graph(50, 0.08, seed=19, directed=True)
    net = ni.Network.from_networkx(g)
    perm = list(np.random.default_rng(0).permutation(50))
    h = nx.DiGraph()
    h.add_nodes_from(f"u{p:03d}" for p in perm)  # new ids in a new node order
    h.add_edges_from((f"u{u:03d}", f"u{v:03d}") for u, v in g.edges)
    net2 = ni.Network.from_networkx(h)
    # VoteRank breaks exact ties by node order, so it is left out here
    cols = [m for m in C.MEASURES if m not in ("voterank", "followers")]
    a = C.centrality(net, measures=cols)
    b = C.centrality(net2, measures=cols)
    b.index = [int(i[1:]) for i in b.index]
    b = b.loc[list(a.index)]
    assert np.allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), atol=1e-12)


def test_single_node_and_two_node_networks():
    one = ni.read_network(users=pd.DataFrame({"id": ["solo"]}))
    table = C.centrality(one)
    assert table.loc["solo", "pagerank"] == 1.0 and table.loc["solo", "harmonic"] == 0
    two = ni.Network.from_edges([("a", "b")])
    t2 = C.centrality(two)
    assert (t2["betweenness"] == 0).all() and t2.loc["b", "harmonic"] == 1.0
    assert t2.loc["b", "voterank"] == 1 and pd.isna(t2.loc["a", "voterank"])


def test_sample_network_layers(sample_net):
    table = C.centrality(
        sample_net,
        layer=sample_net.default_layer,
        voterank_nodes=20,
        betweenness="sampled",
        betweenness_samples=16,
        harmonic="sampled",
        harmonic_samples=16,
    )
    assert table.index.equals(sample_net.ids)
    assert table["pagerank"].sum() == pytest.approx(1.0)
    assert (table["coreness"] <= table["h_index"]).all()
    assert table["voterank"].notna().sum() == 20
