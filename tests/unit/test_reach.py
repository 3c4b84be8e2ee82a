"""Friends-of-friends reach: exact counts against brute force, sketches, expectations, sets."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
import netinfluence.metrics._reach as reach_mod
from netinfluence._threads import worker_threads
from netinfluence.metrics import SetReach, reach, set_reach


def _random_net(n: int, p: float, seed: int) -> tuple[ni.Network, nx.DiGraph]:
    """A random network with string ids and the nx graph of its influence edges."""
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    g = nx.relabel_nodes(g, {i: f"n{i:03d}" for i in g})
    net = ni.Network.from_networkx(g)  # influence direction: u -> v means v is exposed to u
    return net, g


def _brute(g: nx.DiGraph, hops: int, labels: dict | None = None) -> dict:
    out = {}
    for u in g:
        dist = nx.single_source_shortest_path_length(g, u, cutoff=hops)
        out[u] = sum(1 for v in dist if v != u and (labels is None or labels[v] == labels[u]))
    return out


@pytest.mark.parametrize("hops", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_exact_equals_breadth_first_search(hops, seed):
    net, g = _random_net(120, 0.03, seed)
    got = reach(net, hops=hops, method="exact")
    ref = _brute(g, hops)
    assert got.name == f"reach_{hops}" and got.index.equals(net.ids)
    assert got.to_dict() == ref
    assert got.attrs["method"] == "exact" and got.attrs["layer"] == "follows"
    assert got.dtype == np.int64


def test_exact_in_small_chunks(monkeypatch):
    net, g = _random_net(150, 0.04, 5)
    monkeypatch.setattr(reach_mod, "_PATH_CHUNK", 5)
    labels = {u: int(u[1:]) % 2 for u in g}
    for hops in (2, 4):
        assert reach(net, hops=hops, method="exact").to_dict() == _brute(g, hops)
        # the sparse row-chunked walk (used where reach is restricted to communities)
        got = reach(net, hops=hops, method="exact", within_community=True, labels=pd.Series(labels))
        assert got.to_dict() == _brute(g, hops, labels)
        counts = reach_mod._exact_counts(
            reach_mod._csr(net.n_nodes, *net.edge_arrays()[:2]), hops, None
        )
        assert dict(zip(net.ids, counts.tolist(), strict=True)) == _brute(g, hops)


def test_undirected_network():
    g = nx.karate_club_graph()
    net = ni.Network.from_networkx(g)
    got = reach(net)
    ref = {u: len(nx.single_source_shortest_path_length(g, u, cutoff=2)) - 1 for u in g}
    assert got.to_dict() == ref


def test_direction_follows_the_audience():
    # 'fan' follows 'star': the star's post reaches the fan, not the other way round
    net = ni.Network.from_edges([("fan", "star"), ("fan2", "fan")])
    r = reach(net)
    assert r["star"] == 2 and r["fan"] == 1 and r["fan2"] == 0


def test_invariants_out_degree_le_reach_le_n_minus_1():
    net, g = _random_net(200, 0.05, 3)
    outdeg = pd.Series(dict(g.out_degree())).reindex(net.ids)
    for method in ("exact", "sketch"):
        r2 = reach(net, method=method)
        assert (outdeg.to_numpy() <= r2.to_numpy()).all()
        assert (r2 <= net.n_nodes - 1).all()
        r1 = reach(net, hops=1, method=method)
        assert (r1.to_numpy() == outdeg.to_numpy()).all()


def test_relabelling_permutes_the_result():
    net, g = _random_net(100, 0.04, 8)
    perm = np.random.default_rng(1).permutation(100)
    mapping = {u: f"x{perm[i]}" for i, u in enumerate(sorted(g))}
    g2 = nx.DiGraph()
    g2.add_nodes_from(sorted(mapping.values()))  # a different node order too
    g2.add_edges_from((mapping[u], mapping[v]) for u, v in g.edges())
    net2 = ni.Network.from_networkx(g2)
    r1 = reach(net, method="exact").rename(index=mapping)
    r2 = reach(net2, method="exact")
    assert r1.sort_index().to_dict() == r2.sort_index().to_dict()
    s1 = reach(net, method="sketch", seed=3)
    s2 = reach(net2, method="sketch", seed=3)
    assert s1.name == s2.name and len(s1) == len(s2)


def test_within_community_counts_only_own_community():
    net, g = _random_net(90, 0.05, 2)
    labels = {u: int(u[1:]) % 3 for u in g}
    got = reach(net, within_community=True, labels=pd.Series(labels))
    assert got.to_dict() == _brute(g, 2, labels)
    assert got.attrs["within_community"] and got.attrs["method"] == "exact"
    full = reach(net)
    assert (got <= full).all() and (got < full).any()
    hop1 = reach(net, hops=1, within_community=True, labels=pd.Series(labels))
    assert hop1.to_dict() == _brute(g, 1, labels)


def _live_edge_truth(net: ni.Network, hops: int) -> dict:
    """Expected reach by enumerating every live-edge world (tiny graphs only), with the
    calibrated tie probabilities expected reach uses (``ni.tie_probability``)."""
    t = ni.tie_probability(net)
    edges = list(zip(t["source"], t["target"], t["probability"], strict=True))
    ids = list(net.ids)
    exp = dict.fromkeys(ids, 0.0)
    for live in itertools.product([False, True], repeat=len(edges)):
        prob = math.prod(p if on else 1 - p for (_, _, p), on in zip(edges, live, strict=True))
        g = nx.DiGraph()
        g.add_nodes_from(ids)
        g.add_edges_from((u, v) for (u, v, _), on in zip(edges, live, strict=True) if on)
        for u in ids:
            exp[u] += prob * (len(nx.single_source_shortest_path_length(g, u, cutoff=hops)) - 1)
    return exp


def _tiny_net() -> ni.Network:
    follows = pd.DataFrame(
        {
            "follower": ["b", "c", "d", "d", "a", "e", "c"],
            "followed": ["a", "a", "b", "c", "b", "d", "d"],
        }
    )
    inter = pd.DataFrame(
        {
            "source": ["b", "d", "e"],
            "target": ["a", "b", "d"],
            "type": ["reply", "mention", "like"],
            "count": [3, 1, 2],
        }
    )
    return ni.read_network(follows=follows, interactions=inter)


@pytest.mark.parametrize("hops", [1, 2])
def test_expected_reach_is_exact_for_two_hops(hops):
    net = _tiny_net()
    got = reach(net, hops=hops, expected=True)
    truth = _live_edge_truth(net, hops)
    assert got.attrs["method"] == "analytic" and got.attrs["error"] == 0.0
    for u, v in truth.items():
        assert got[u] == pytest.approx(v, abs=1e-12)
    assert (got <= reach(net, hops=hops)).all()


def test_expected_reach_monte_carlo_for_three_hops():
    net = _tiny_net()
    got = reach(net, hops=3, expected=True, runs=4000, seed=11)
    truth = _live_edge_truth(net, 3)
    assert got.attrs["method"] == "monte-carlo" and got.attrs["runs"] == 4000
    err = got.attrs["error"]
    assert 0 < err < 0.05
    for u, v in truth.items():
        assert abs(got[u] - v) <= 5 * err + 1e-12
    again = reach(net, hops=3, expected=True, runs=4000, seed=11)
    pd.testing.assert_series_equal(got, again)


def test_expected_within_community():
    net = _tiny_net()
    labels = pd.Series({"a": 0, "b": 0, "c": 1, "d": 0, "e": 1})
    got = reach(net, expected=True, within_community=True, labels=labels)
    full = reach(net, expected=True)
    assert (got <= full + 1e-12).all() and (got < full).any()
    assert got["e"] == 0.0  # e reaches nobody


def test_sketch_close_to_exact_and_deterministic():
    net, _ = _random_net(400, 0.02, 4)
    ex = reach(net, method="exact")
    sk = reach(net, method="sketch", seed=7)
    assert sk.attrs["method"] == "sketch" and sk.attrs["registers"] == 4096
    assert sk.attrs["error"] == pytest.approx(1.04 / 64)
    nz = ex > 0
    rel = (sk[nz] - ex[nz]).abs() / ex[nz]
    assert rel.median() < 0.02 and rel.quantile(0.9) < 0.05
    assert (sk[~nz] == 0).all()
    pd.testing.assert_series_equal(sk, reach(net, method="sketch", seed=7))
    gen = reach(net, method="sketch", seed=np.random.default_rng(1))
    assert gen.attrs["method"] == "sketch"


def test_sketch_many_hops_and_high_degree_rows(monkeypatch):
    net, _ = _random_net(300, 0.02, 6)
    ex = reach(net, hops=3, method="exact")
    base = reach(net, hops=3, method="sketch", seed=2)
    monkeypatch.setattr(reach_mod, "_FEW", 1)  # every row takes the high-degree path
    monkeypatch.setattr(reach_mod, "_BLOCK_BYTES", 4096 * 7)  # tiny blocks and slices
    again = reach(net, hops=3, method="sketch", seed=2)
    pd.testing.assert_series_equal(base, again)
    nz = ex > 0
    assert ((again[nz] - ex[nz]).abs() / ex[nz]).median() < 0.03


def test_sketch_lowers_precision_to_fit_memory(monkeypatch):
    net, _ = _random_net(100, 0.05, 1)
    monkeypatch.setattr(reach_mod, "_SKETCH_BYTES", 100 * 1024)
    sk = reach(net, method="sketch")
    assert sk.attrs["precision"] == 10 and "lowered" in sk.attrs["note"]


def test_hll_estimator_on_known_sets():
    n, p = 20000, 12
    idx, rank = reach_mod._hll_hash(n, p, reach_mod._salt(0))
    assert idx.min() >= 0 and idx.max() < 4096 and rank.min() >= 1
    for size in (1, 10, 500, 5000, 20000):
        block = np.zeros((1, 4096), dtype=np.uint8)
        reach_mod._scatter_max(block, np.zeros(size, dtype=np.int64), idx[:size], rank[:size])
        est = reach_mod._hll_estimate(block)[0]
        assert est == pytest.approx(size, rel=0.05, abs=0.5)


def test_auto_switches_on_path_count(monkeypatch):
    net, _ = _random_net(80, 0.05, 9)
    r = reach(net)
    assert r.attrs["method"] == "exact" and r.attrs["paths"] > 0
    g = net.graph("follows")
    indeg, outdeg = np.array(g.indegree()), np.array(g.outdegree())
    assert r.attrs["paths"] == float((indeg * outdeg).sum())
    monkeypatch.setattr(reach_mod, "AUTO_EXACT_PATHS", 10)
    assert reach(net).attrs["method"] == "sketch"
    within = reach(net, within_community=True, labels=pd.Series(0, index=net.ids))
    assert within.attrs["method"] == "first-order"  # too many paths to walk: union bound
    assert (
        reach(net, within_community=True, labels=pd.Series(0, index=net.ids), method="exact").attrs[
            "method"
        ]
        == "exact"
    )


def test_default_layer_and_layers(tricky_net):
    assert reach(tricky_net).attrs["layer"] == "follows"
    inter = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "type": ["reply"] * 2})
    net = ni.read_network(interactions=inter)
    r = reach(net)
    assert r.attrs["layer"] == "ties"
    # a engaged with b's content, b with c's: c reaches b, then a
    assert r.to_dict() == {"a": 0, "b": 1, "c": 2}
    assert reach(net, layer="INTERACTIONS").attrs["layer"] == "interactions"


def test_tricky_ids_isolated_and_self_loops(tricky_net):
    r = reach(tricky_net, method="exact")
    assert r["lonely"] == 0
    assert r.index.equals(tricky_net.ids)
    g = tricky_net.to_networkx("follows")
    assert r.to_dict() == _brute(g, 2)


def test_empty_network(empty_net):
    for kwargs in ({}, {"method": "sketch"}, {"expected": True}, {"hops": 3, "expected": True}):
        r = reach(empty_net, **kwargs)
        assert len(r) == 0 and r.name == "reach_" + str(kwargs.get("hops", 2))
    total, overlap = set_reach(empty_net, [])
    assert total == 0 and overlap.shape == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"hops": 0}, "hops"),
        ({"hops": 2.5}, "hops"),
        ({"hops": True}, "hops"),
        ({"method": "magic"}, "method"),
        ({"layer": "friends"}, "layer"),
        ({"precision": 3}, "precision"),
        ({"precision": 19}, "precision"),
        ({"runs": 0}, "runs"),
        ({"within_community": "yes"}, "within_community"),
        ({"expected": 1}, "expected"),
        ({"method": "sketch", "expected": True}, "sketch"),
        ({"method": "sketch", "within_community": True}, "sketch"),
        ({"hops": 3, "expected": True, "seed": "x"}, "seed"),
        ({"method": "sketch", "seed": 1.5}, "seed"),
        ({"method": "exact", "seed": "x"}, "seed"),
    ],
)
def test_bad_arguments(kwargs, match):
    net, _ = _random_net(10, 0.3, 0)
    with pytest.raises(ni.InputError, match=match):
        reach(net, **kwargs)


def test_method_is_normalised():
    net, g = _random_net(30, 0.1, 0)
    assert reach(net, method=" Exact ").to_dict() == _brute(g, 2)


# ---------------------------------------------------------------------------- set_reach


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_set_reach_matches_brute_force(hops):
    net, g = _random_net(150, 0.02, 12)
    seeds = ["n005", "n017", "n042", "n099", "n120"]
    res = set_reach(net, seeds, hops=hops)
    assert isinstance(res, SetReach)
    audiences = {
        s: {v for v in nx.single_source_shortest_path_length(g, s, cutoff=hops) if v != s}
        for s in seeds
    }
    assert res.total == len(set().union(*audiences.values()))
    expected = [[len(audiences[a] & audiences[b]) for b in seeds] for a in seeds]
    assert res.overlap.to_numpy().tolist() == expected
    assert list(res.overlap.index) == seeds and list(res.overlap.columns) == seeds
    single = reach(net, hops=hops, method="exact")
    assert np.diag(res.overlap.to_numpy()).tolist() == single[seeds].tolist()
    total, _ = set_reach(net, ["n017"], hops=hops)
    assert total == single["n017"]


def test_set_reach_counts_a_seed_reached_by_another():
    net = ni.Network.from_edges([("b", "a"), ("c", "b")])  # a -> b -> c
    total, overlap = set_reach(net, ["a", "b"])
    assert total == 2  # b (reached by a) and c
    assert overlap.loc["a", "b"] == 1  # c is in both audiences


def test_set_reach_rejects_unknown_and_repeated_ids():
    net, _ = _random_net(20, 0.2, 0)
    with pytest.raises(ni.InputError, match="not in the network"):
        set_reach(net, ["n001", "nobody"])
    with pytest.raises(ni.InputError, match="distinct"):
        set_reach(net, ["n001", "n002", "n001"])
    with pytest.raises(ni.InputError, match="hops"):
        set_reach(net, ["n001"], hops=-1)


def test_sample_insiders_out_reach_macro_accounts_in_expectation(sample_net, sample_paths):
    truth = pd.read_csv(sample_paths["truth"], dtype={"id": str}).set_index("id")
    role = truth["planted_role"].reindex(sample_net.ids)
    raw = reach(sample_net)
    expected = reach(sample_net, expected=True)
    assert raw.attrs["method"] == "exact" and expected.attrs["method"] == "analytic"
    assert (expected <= raw + 1e-9).all()
    # engaged local ties carry further than a passive audience of similar size
    assert expected[role == "insider"].median() > 2 * expected[role == "macro"].median()
    assert expected[role == "insider"].median() > 3 * expected[role == "regular"].median()


@pytest.mark.parametrize("seed", [0, 3])
def test_two_hop_summary_equals_three_separate_walks(seed, monkeypatch):
    net, g = _random_net(110, 0.04, seed)
    labels = pd.Series({u: int(u[1:]) % 4 for u in g})
    monkeypatch.setattr(reach_mod, "_PATH_CHUNK", 50)  # many row blocks
    count, within, expected = reach_mod.two_hop_summary(net, labels)
    assert count.to_dict() == _brute(g, 2)
    assert within.to_dict() == _brute(g, 2, labels.to_dict())
    ref = reach(net, expected=True)
    np.testing.assert_allclose(expected.to_numpy(), ref.to_numpy(), rtol=1e-12, atol=1e-12)
    assert expected.attrs["method"] == "analytic" and within.attrs["within_community"]
    assert count.dtype == np.int64 and count.index.equals(net.ids)


def test_two_hop_summary_counts_paths_of_zero_probability():
    """A tie that never passes content still makes its end reachable in the exact count."""
    net, g = _random_net(60, 0.06, 4)
    src, dst, _ = net.edge_arrays("follows")
    adj = reach_mod._csr(net.n_nodes, src, dst)
    prob = np.zeros(adj.nnz)
    counts = np.zeros(net.n_nodes, dtype=np.int64)
    for r0, r1, agg in reach_mod._two_hop_blocks(adj, prob, None):
        counts[r0:r1] = np.diff(agg.indptr)
        assert (agg.data == 0).all()
    assert dict(zip(net.ids, counts.tolist(), strict=True)) == _brute(g, 2)


def test_two_hop_summary_falls_back_above_the_path_limit(monkeypatch):
    net, g = _random_net(80, 0.05, 9)
    labels = pd.Series({u: int(u[1:]) % 3 for u in g})
    monkeypatch.setattr(reach_mod, "AUTO_EXACT_PATHS", 10)
    count, within, expected = reach_mod.two_hop_summary(net, labels, seed=5)
    assert count.attrs["method"] == "sketch"
    assert within.attrs["method"] == expected.attrs["method"] == "first-order"
    # the one shared adjacency gives exactly what three separate calls give
    for got, want in (
        (count, reach(net, seed=5)),
        (within, reach(net, within_community=True, labels=labels, seed=5)),
        (expected, reach(net, expected=True, seed=5)),
    ):
        pd.testing.assert_series_equal(got, want)
        assert got.attrs == want.attrs


def test_two_hop_reach_counts_before_the_labels_exist(monkeypatch):
    """Above the path limit the count and the expected reach are done without labels (the
    pipeline runs them beside Leiden); the labels only add the within-community reach."""
    net, g = _random_net(80, 0.05, 9)
    monkeypatch.setattr(reach_mod, "AUTO_EXACT_PATHS", 10)
    part = reach_mod.two_hop_reach(net, seed=5)
    assert part.estimated and part.count is not None and part.expected is not None
    pd.testing.assert_series_equal(part.count, reach(net, seed=5))
    for k in (2, 3):
        labels = pd.Series({u: int(u[1:]) % k for u in g})
        count, within, expected = part.summary(labels)
        assert count is part.count and expected is part.expected
        pd.testing.assert_series_equal(
            within, reach(net, within_community=True, labels=labels, seed=5)
        )
    # an exact layer is walked before the labels too: it keeps the reached positions, and
    # each partition only counts which of them share the row's community
    monkeypatch.setattr(reach_mod, "AUTO_EXACT_PATHS", 5e7)
    exact = reach_mod.two_hop_reach(net)
    assert not exact.estimated and exact.count.to_dict() == _brute(g, 2)
    for k in (2, 3):
        labels = pd.Series({u: int(u[1:]) % k for u in g})
        count, within, _ = exact.summary(labels)
        assert within.to_dict() == _brute(g, 2, labels.to_dict())
        assert within.attrs["within_community"] and not count.attrs["within_community"]
    # an exact count asked for above the limit keeps no positions: walked with the labels
    monkeypatch.setattr(reach_mod, "AUTO_EXACT_PATHS", 10)
    big = reach_mod.two_hop_reach(net, method="exact")
    assert not big.estimated and big.count is None and big._reached is None
    count, within, expected = big.summary(labels)
    assert count.to_dict() == _brute(g, 2)
    assert within.to_dict() == _brute(g, 2, labels.to_dict())
    np.testing.assert_allclose(expected.to_numpy(), exact.expected.to_numpy(), rtol=1e-12)


def test_two_hop_summary_with_sketch_counts():
    net, g = _random_net(80, 0.05, 9)
    count, within, expected = reach_mod.two_hop_summary(
        net, pd.Series(0, index=net.ids), method="sketch"
    )
    assert count.attrs["method"] == "sketch"
    assert within.attrs["method"] == "exact" and within.to_dict() == _brute(g, 2)
    assert expected.attrs["method"] == "analytic"


def test_two_hop_summary_same_on_one_and_several_threads(monkeypatch):
    net, g = _random_net(120, 0.05, 1)
    labels = pd.Series({u: int(u[1:]) % 3 for u in g})
    monkeypatch.setattr(reach_mod, "_PATH_CHUNK", 40)
    monkeypatch.setenv("NETINFLUENCE_THREADS", "1")
    one = reach_mod.two_hop_summary(net, labels)
    monkeypatch.setenv("NETINFLUENCE_THREADS", "3")
    assert worker_threads() == 3
    many = reach_mod.two_hop_summary(net, labels)
    for a, b in zip(one, many, strict=True):
        pd.testing.assert_series_equal(a, b)


def test_sketch_same_on_one_and_several_threads(monkeypatch):
    net, _ = _random_net(300, 0.03, 2)
    monkeypatch.setattr(reach_mod, "_BLOCK_BYTES", 1 << 14)  # many row blocks
    monkeypatch.setenv("NETINFLUENCE_THREADS", "1")
    one = reach(net, method="sketch", hops=3, seed=4)
    monkeypatch.setenv("NETINFLUENCE_THREADS", "4")
    many = reach(net, method="sketch", hops=3, seed=4)
    pd.testing.assert_series_equal(one, many)


def test_sketch_same_in_one_block_and_in_many(monkeypatch):
    """Row chunks (level-1 scatter and the merges) change the memory held, not the registers."""
    net, _ = _random_net(300, 0.03, 2)
    whole = reach(net, method="sketch", seed=4)
    monkeypatch.setattr(reach_mod, "_BLOCK_BYTES", 1 << 12)  # a few rows or edges per chunk
    pd.testing.assert_series_equal(reach(net, method="sketch", seed=4), whole, check_exact=True)
