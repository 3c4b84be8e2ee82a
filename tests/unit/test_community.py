"""Unit tests of netinfluence.metrics: detection, quality, partition comparison."""

from __future__ import annotations

import math
import os
import random

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.errors import InputError
from netinfluence.metrics import communities, community_quality, compare_partitions
from netinfluence.metrics._community import (
    METHODS,
    _check_weights,
    _relabel_by_size,
    _undirected_edges,
)

# --------------------------------------------------------------------------------- fixtures


def two_cliques(n_a: int = 5, n_b: int = 4, *, isolated: bool = False) -> ni.Network:
    """Cliques a0..a{n_a-1} and b0..b{n_b-1} joined by the edge a0-b0 (undirected)."""
    g = nx.Graph()
    a = [f"a{i}" for i in range(n_a)]
    b = [f"b{i}" for i in range(n_b)]
    g.add_edges_from((u, v) for i, u in enumerate(a) for v in a[i + 1 :])
    g.add_edges_from((u, v) for i, u in enumerate(b) for v in b[i + 1 :])
    g.add_edge("a0", "b0")
    if isolated:
        g.add_node("loner")
    return ni.Network.from_networkx(g)


def karate() -> tuple[nx.Graph, ni.Network]:
    g = nx.karate_club_graph()
    return g, ni.Network.from_networkx(g, weight="weight")


def sklearn_free_ami(a, b) -> float:
    """AMI written straight from Vinh, Epps & Bailey (2010) with exact binomials (no numpy)."""
    n = len(a)
    rows = sorted(set(a))
    cols = sorted(set(b))
    cont = {(r, c): 0 for r in rows for c in cols}
    for x, y in zip(a, b, strict=True):
        cont[(x, y)] += 1
    ai = {r: sum(cont[(r, c)] for c in cols) for r in rows}
    bj = {c: sum(cont[(r, c)] for r in rows) for c in cols}
    mi = sum(v / n * math.log(n * v / (ai[r] * bj[c])) for (r, c), v in cont.items() if v)
    emi = 0.0
    for r in rows:
        for c in cols:
            x, y = ai[r], bj[c]
            for k in range(max(1, x + y - n), min(x, y) + 1):
                p = math.comb(y, k) * math.comb(n - y, x - k) / math.comb(n, x)
                emi += k / n * math.log(n * k / (x * y)) * p
    h_a = -sum(v / n * math.log(v / n) for v in ai.values())
    h_b = -sum(v / n * math.log(v / n) for v in bj.values())
    return (mi - emi) / ((h_a + h_b) / 2 - emi)


# --------------------------------------------------------------------------------- contract


@pytest.mark.parametrize("method", METHODS)
def test_contract_every_method(tricky_net, method):
    labels = communities(tricky_net, method=method, seed=3)
    assert labels.name == "community"
    assert labels.index.equals(tricky_net.ids)
    assert labels.index.name == "node"
    assert labels.dtype == np.int64
    assert not labels.isna().any()
    k = labels.max() + 1
    assert sorted(labels.unique()) == list(range(k))  # covers each node once, labels 0..k-1
    sizes = labels.value_counts().sort_index().to_numpy()
    assert (np.diff(sizes) <= 0).all()  # label 0 is the largest
    assert labels.attrs["method"] == method
    assert labels.attrs["layer"] == tricky_net.default_layer == "ties"
    assert labels.attrs["seed"] == 3 and labels.attrs["weighted"] is True
    assert (labels.attrs["resolution"] == 1.0) == (method in ("leiden", "louvain"))
    again = communities(tricky_net, method=method, seed=3)
    pd.testing.assert_series_equal(labels, again)


@pytest.mark.parametrize("method", METHODS)
def test_isolated_node_gets_its_own_singleton(tricky_net, method):
    labels = communities(tricky_net, method=method)
    lonely = labels["lonely"]
    assert (labels == lonely).sum() == 1


@pytest.mark.parametrize("method", METHODS)
def test_two_cliques_recovered_and_ordered_by_size(method):
    net = two_cliques(5, 4, isolated=True)
    labels = communities(net, method=method, seed=0)
    assert labels[[f"a{i}" for i in range(5)]].eq(0).all()
    assert labels[[f"b{i}" for i in range(4)]].eq(1).all()
    assert labels["loner"] == 2


def test_equal_sizes_ordered_by_smallest_member_position():
    assert _relabel_by_size(np.array([7, 3, 3, 7, 9, 9])).tolist() == [0, 1, 1, 0, 2, 2]
    assert _relabel_by_size(np.array([5, 1, 1, 5, 1])).tolist() == [1, 0, 0, 1, 0]
    assert _relabel_by_size(np.array([], dtype=np.int64)).tolist() == []
    # two cliques of equal size: the one holding node position 0 gets label 0
    net = two_cliques(4, 4)
    labels = communities(net)
    assert labels.iloc[0] == 0
    assert labels["b1"] == 1


def test_empty_network(empty_net):
    labels = communities(empty_net)
    assert labels.empty and labels.name == "community" and labels.dtype == np.int64
    assert np.isnan(labels.attrs["modularity"])
    q = community_quality(empty_net, labels)
    assert q.empty and list(q.columns) == [
        "size",
        "internal_edges",
        "cut_edges",
        "conductance",
        "internal_density",
    ]


def test_network_without_edges_is_all_singletons():
    net = ni.read_network(users=pd.DataFrame({"id": ["x", "y", "z"]}))
    labels = communities(net)
    assert labels.tolist() == [0, 1, 2]


# --------------------------------------------------------------------------------- seeds, igraph RNG


@pytest.mark.parametrize("method", ["leiden", "louvain", "label_propagation", "infomap"])
def test_matches_igraph_run_with_the_same_seed_and_explicit_weights(method):
    """Our result is igraph's own, run directly with random.Random(seed) and the weights."""
    g_nx, net = karate()
    seed = 11
    labels = communities(net, method=method, seed=seed)
    g = net.graph("follows", directed=False).copy()
    weights = [float(g_nx[net.ids[e.source]][net.ids[e.target]]["weight"]) for e in g.es]
    assert weights == pytest.approx(g.es["weight"])
    ig.set_random_number_generator(random.Random(seed))
    try:
        if method == "leiden":
            ref = g.community_leiden(
                objective_function="modularity", weights=weights, n_iterations=-1
            )
        elif method == "louvain":
            ref = g.community_multilevel(weights=weights)
        elif method == "infomap":
            ref = g.community_infomap(edge_weights=weights)
        else:
            ref = g.community_label_propagation(weights=weights)
    finally:
        ig.set_random_number_generator(random)
    assert compare_partitions(labels, pd.Series(ref.membership, index=net.ids))["ari"] == 1.0
    assert labels.attrs["modularity"] == pytest.approx(
        g.modularity(ref.membership, weights=weights)
    )


@pytest.mark.parametrize("method", METHODS)
def test_seed_reproducible_and_generator_accepted(method):
    _, net = karate()
    a = communities(net, method=method, seed=123)
    b = communities(net, method=method, seed=123)
    pd.testing.assert_series_equal(a, b)
    c = communities(net, method=method, seed=np.random.default_rng(5))
    d = communities(net, method=method, seed=np.random.default_rng(5))
    pd.testing.assert_series_equal(c, d)
    assert isinstance(c.attrs["seed"], int)
    e = communities(net, method=method, seed=c.attrs["seed"])
    pd.testing.assert_series_equal(c, e)
    assert isinstance(communities(net, method=method, seed=None).attrs["seed"], int)


def test_seed_changes_label_propagation():
    """Different seeds really reach igraph (LPA on karate is seed-sensitive)."""
    _, net = karate()
    parts = {tuple(communities(net, method="label_propagation", seed=s)) for s in range(8)}
    assert len(parts) > 1


def test_python_global_random_state_untouched_and_igraph_default_restored():
    _, net = karate()
    state = random.getstate()
    communities(net, method="label_propagation", seed=1)
    assert random.getstate() == state
    # igraph uses the `random` module again: seeding it reproduces igraph's choices
    g = net.graph("follows", directed=False)
    random.seed(42)
    m1 = g.community_label_propagation().membership
    random.seed(42)
    m2 = g.community_label_propagation().membership
    assert m1 == m2


def test_igraph_leiden_objective_name_is_case_sensitive():
    """igraph accepts "Modularity" but then runs CPM (no resolution normalisation): we always
    pass the exact spelling "modularity" and normalise our own option instead."""
    g_nx, net = karate()
    g = net.graph("follows", directed=False)
    ig.set_random_number_generator(random.Random(0))
    try:
        good = g.community_leiden(objective_function="modularity", n_iterations=-1)
        bad = g.community_leiden(objective_function="Modularity", n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    assert good.modularity > 0.41
    assert len(set(bad.membership)) > 20  # CPM at resolution 1: (nearly) all singletons
    assert bad.modularity < 0.1
    ours = communities(net, method=" LEIDEN ", weighted=False)
    assert ours.attrs["method"] == "leiden"
    assert ours.attrs["modularity"] == pytest.approx(
        nx.community.modularity(g_nx, _parts(ours), weight=None)
    )
    assert ours.attrs["modularity"] > 0.41


# --------------------------------------------------------------------------------- options


def _parts(labels: pd.Series) -> list[set]:
    return [set(ix) for _, ix in labels.groupby(labels).groups.items()]


def test_weights_change_the_partition_and_match_networkx_modularity():
    g = nx.Graph()
    g.add_weighted_edges_from(
        [(0, 1, 1), (1, 2, 1), (0, 2, 1), (3, 4, 1), (4, 5, 1), (3, 5, 1), (2, 3, 20)]
    )
    net = ni.Network.from_networkx(g, weight="weight")
    weighted = communities(net)
    unweighted = communities(net, weighted=False)
    assert weighted[2] == weighted[3] and weighted[1] != weighted[2]
    assert unweighted.tolist() == [0, 0, 0, 1, 1, 1]
    assert weighted.attrs["modularity"] == pytest.approx(
        nx.community.modularity(g, _parts(weighted), weight="weight")
    )
    assert unweighted.attrs["modularity"] == pytest.approx(
        nx.community.modularity(g, _parts(unweighted), weight=None)
    )


def test_directed_view_sums_both_directions():
    """Modularity is computed on the undirected view with w(u,v) + w(v,u)."""
    d = nx.DiGraph()
    d.add_weighted_edges_from(
        [
            (0, 1, 2.0),
            (1, 0, 3.0),
            (1, 2, 1.0),
            (2, 3, 4.0),
            (3, 4, 1.5),
            (4, 3, 0.5),
            (4, 5, 2.0),
            (5, 3, 1.0),
            (0, 2, 1.0),
        ]
    )
    net = ni.Network.from_networkx(d, weight="weight")
    assert net.directed
    labels = communities(net, seed=2)
    und = nx.Graph()
    for u, v, w in d.edges(data="weight"):
        prev = und[u][v]["weight"] if und.has_edge(u, v) else 0.0
        und.add_edge(u, v, weight=prev + w)
    ref = nx.community.modularity(und, _parts(labels), weight="weight")
    assert labels.attrs["modularity"] == pytest.approx(ref)
    q = community_quality(net, labels)
    assert q.attrs["modularity"] == pytest.approx(ref)


@pytest.mark.parametrize("layer", ["follows", "interactions", "ties"])
def test_undirected_edges_match_the_graph_view(tricky_net, layer):
    lo, hi, w = _undirected_edges(tricky_net, layer, True)
    g = tricky_net.graph(layer, directed=False)
    assert [tuple(sorted(e)) for e in g.get_edgelist()] == list(
        zip(lo.tolist(), hi.tolist(), strict=True)
    )
    assert np.allclose(g.es["weight"], w)


def test_undirected_follows_network_counts_each_tie_once():
    net = two_cliques(3, 3)
    lo, _, w = _undirected_edges(net, "follows", True)
    assert len(lo) == 7 and np.allclose(w, 1.0)


def test_resolution_gives_more_communities():
    _, net = karate()
    low = communities(net, resolution=0.5).max() + 1
    high = communities(net, resolution=2.0).max() + 1
    assert high > low
    assert communities(net, resolution=0.0).max() == 0  # gamma = 0: one community


def test_n_iterations_is_passed():
    _, net = karate()
    one = communities(net, n_iterations=1)
    assert one.attrs["n_iterations"] == 1
    assert communities(net, method="louvain").attrs["n_iterations"] is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "walktrap"}, "method must be one of"),
        ({"layer": "friends"}, "layer must be one of"),
        ({"resolution": -1}, "resolution"),
        ({"resolution": float("nan")}, "resolution"),
        ({"resolution": "high"}, "resolution"),
        ({"seed": 1.5}, "seed must be"),
        ({"seed": True}, "seed must be"),
        ({"n_iterations": 0}, "n_iterations"),
        ({"n_iterations": 2.0}, "n_iterations"),
        ({"weighted": "yes"}, "weighted"),
    ],
)
def test_bad_options_raise_input_error(kwargs, message):
    net = two_cliques()
    with pytest.raises(InputError, match=message):
        communities(net, **kwargs)


def test_negative_or_nan_weights_rejected():
    # the loaders already refuse negative weights; the detection checks again before igraph
    with pytest.raises(InputError, match="weighted=False"):
        _check_weights(np.array([1.0, -2.0]), "follows")
    with pytest.raises(InputError, match="nan"):
        _check_weights(np.array([1.0, np.nan]), "ties")
    assert _check_weights(np.array([0.0, 2.5]), "ties").tolist() == [0.0, 2.5]


# --------------------------------------------------------------------------------- quality


def test_quality_hand_example():
    net = two_cliques(3, 3, isolated=True)
    labels = pd.Series([0, 0, 0, 1, 1, 1, 2], index=net.ids)
    q = community_quality(net, labels, weighted=False)
    assert q.index.name == "community"
    assert q["size"].tolist() == [3, 3, 1]
    assert q["internal_edges"].tolist() == [3, 3, 0]
    assert q["cut_edges"].tolist() == [1, 1, 0]
    assert q["conductance"].iloc[:2].tolist() == pytest.approx([1 / 7, 1 / 7])
    assert np.isnan(q["conductance"].iloc[2])  # isolated: vol(S) = 0
    assert q["internal_density"].iloc[:2].tolist() == [1.0, 1.0]
    assert np.isnan(q["internal_density"].iloc[2])
    assert q.attrs["modularity"] == pytest.approx(2 * (3 / 7 - 0.25))
    assert q.attrs["coverage"] == pytest.approx(6 / 7)


@pytest.mark.parametrize("weight", [None, "weight"])
def test_quality_matches_networkx_on_karate(weight):
    g_nx, net = karate()
    labels = communities(net, weighted=weight is not None, seed=4)
    q = community_quality(net, labels, weighted=weight is not None)
    parts = _parts(labels)
    assert q.attrs["modularity"] == pytest.approx(
        nx.community.modularity(g_nx, parts, weight=weight)
    )
    assert q.attrs["modularity"] == pytest.approx(labels.attrs["modularity"])
    for c, members in zip(q.index, (set(labels.index[labels == c]) for c in q.index), strict=True):
        sub = g_nx.subgraph(members)
        assert q.loc[c, "size"] == len(members)
        assert q.loc[c, "internal_edges"] == pytest.approx(sub.size(weight=weight))
        assert q.loc[c, "cut_edges"] == pytest.approx(nx.cut_size(g_nx, members, weight=weight))
        assert q.loc[c, "conductance"] == pytest.approx(
            nx.conductance(g_nx, members, weight=weight)
        )
        pairs = len(members) * (len(members) - 1) / 2
        assert q.loc[c, "internal_density"] == pytest.approx(sub.size(weight=weight) / pairs)
    if weight is None:
        coverage, _ = nx.community.partition_quality(g_nx, parts)
        assert q.attrs["coverage"] == pytest.approx(coverage)


def test_quality_accepts_arrays_and_any_labels():
    net = two_cliques(3, 3)
    by_array = community_quality(net, ["x", "x", "x", "y", "y", "y"])
    assert by_array.index.tolist() == ["x", "y"]
    shuffled = pd.Series([1, 1, 1, 0, 0, 0], index=net.ids)[::-1]
    q = community_quality(net, shuffled)
    assert q["size"].tolist() == [3, 3]
    assert q.attrs["coverage"] == pytest.approx(6 / 7)


def test_quality_bad_labels():
    net = two_cliques(3, 3)
    with pytest.raises(InputError, match="no label"):
        community_quality(net, pd.Series([0, 0], index=net.ids[:2]))
    with pytest.raises(InputError, match="not in the network"):
        community_quality(net, pd.Series(0, index=[*net.ids, "ghost"]))
    with pytest.raises(InputError, match="6 values"):
        community_quality(net, [0, 1])
    with pytest.raises(InputError, match="missing"):
        community_quality(net, [0, 0, 0, 1, 1, None])
    with pytest.raises(InputError, match="layer"):
        community_quality(net, [0] * 6, layer="nope")


# --------------------------------------------------------------------------------- comparison


def test_compare_published_values():
    # scikit-learn's test_supervised.py: MI 0.41022, EMI 0.15042, AMI (arithmetic) 0.27821
    a = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]
    b = [1, 1, 1, 1, 2, 1, 2, 2, 2, 2, 3, 1, 3, 3, 3, 2, 2]
    assert compare_partitions(a, b)["ami"] == pytest.approx(0.27821, abs=5e-6)
    assert compare_partitions(a * 110, b * 110)["ami"] == pytest.approx(0.38, abs=0.005)
    # scikit-learn's documented adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.5714...
    assert compare_partitions([0, 0, 1, 2], [0, 0, 1, 1])["ari"] == pytest.approx(4 / 7)
    # V-measure (= NMI, arithmetic mean) of [0,0,0,1,1,1] vs [0,0,1,1,2,2] is 0.52 (2 d.p.)
    assert compare_partitions([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])["nmi"] == pytest.approx(
        0.52, abs=0.005
    )


def test_compare_against_igraph_and_exact_ami():
    rng = np.random.default_rng(0)
    for n, ka, kb in [(30, 3, 4), (60, 5, 2), (45, 8, 8), (12, 2, 6)]:
        a = rng.integers(0, ka, n).tolist()
        b = [x if rng.random() < 0.6 else int(rng.integers(0, kb)) for x in a]
        got = compare_partitions(a, b)
        ca, cb = pd.factorize(pd.Series(a))[0], pd.factorize(pd.Series(b))[0]
        assert got["nmi"] == pytest.approx(ig.compare_communities(ca, cb, method="nmi"))
        assert got["ari"] == pytest.approx(ig.compare_communities(ca, cb, method="adjusted_rand"))
        assert got["ami"] == pytest.approx(sklearn_free_ami(a, b), abs=1e-10)


def test_compare_identical_and_trivial_partitions():
    same = compare_partitions([0, 0, 1, 1, 2], ["b", "b", "a", "a", "c"])
    assert same == pytest.approx({"nmi": 1.0, "ami": 1.0, "ari": 1.0})
    assert compare_partitions([0, 0, 0], [1, 1, 1]) == {"nmi": 1.0, "ami": 1.0, "ari": 1.0}
    assert compare_partitions([0, 1, 2], [2, 1, 0]) == {"nmi": 1.0, "ami": 1.0, "ari": 1.0}
    one_vs_all = compare_partitions([0, 0, 0, 0], [0, 1, 2, 3])
    assert one_vs_all["nmi"] == 0.0 and one_vs_all["ari"] == 0.0
    assert one_vs_all["ami"] == pytest.approx(0.0, abs=1e-12)


def test_compare_aligns_on_common_index_and_drops_missing():
    a = pd.Series([0, 0, 1, 1, 2], index=["p", "q", "r", "s", "t"])
    b = pd.Series([9, 7, 7, 5, 5, 5], index=["extra", "s", "r", "q", "p", "u"])
    assert compare_partitions(a, b)["ari"] == 1.0  # on p, q, r, s
    c = pd.Series([1, 1, 2, np.nan], index=["p", "q", "r", "s"])
    assert compare_partitions(a, c)["nmi"] == 1.0  # s has no label in c
    with pytest.raises(InputError, match="share no"):
        compare_partitions(a, pd.Series([1, 2], index=["x", "y"]))
    with pytest.raises(InputError, match="same length"):
        compare_partitions([0, 1], [0, 1, 2])
    with pytest.raises(InputError, match="one of each"):
        compare_partitions(a, [0, 0, 1, 1, 2])
    with pytest.raises(InputError, match="duplicated"):
        compare_partitions(pd.Series([0, 1], index=["p", "p"]), a)


def test_compare_relabelling_invariance_on_detected_partitions():
    _, net = karate()
    a = communities(net, seed=0)
    b = communities(net, method="label_propagation", seed=0)
    perm = np.random.default_rng(1).permutation(net.n_nodes)
    shuffled_b = b.iloc[perm].map(lambda x: f"c{x}")
    assert compare_partitions(a, shuffled_b) == pytest.approx(compare_partitions(a, b))
    assert compare_partitions(a, b) == pytest.approx(compare_partitions(b, a))


# ------------------------------------------------------------ Leiden in a second process


@pytest.mark.parametrize("n_iterations", [-1, 1])
def test_leiden_in_background_equals_in_process(sample_net, n_iterations):
    from netinfluence.metrics import LeidenInBackground

    job = LeidenInBackground(sample_net, seed=7)
    job.send_weights(n_iterations=n_iterations)
    labels, cores = job.result()
    want = communities(sample_net, seed=7, n_iterations=n_iterations)
    pd.testing.assert_series_equal(labels, want)
    assert labels.attrs == want.attrs
    layer = sample_net.default_layer
    np.testing.assert_array_equal(cores, sample_net.graph(layer, directed=False).coreness())
    assert job.child_peak_mib is None or job.child_peak_mib > 10
    phases = job.child_seconds
    assert list(phases) == ["graph", "coreness", "waiting_for_weights", "leiden"]
    assert all(v >= 0 for v in phases.values()) and phases["leiden"] > 0


def test_score_inputs_same_with_leiden_in_background(sample_paths, monkeypatch):
    from netinfluence.scoring import _score as scoring

    def fresh():
        return ni.read_network(
            follows=sample_paths["follows"],
            interactions=sample_paths["interactions"],
            users=sample_paths["users"],
        )

    monkeypatch.setenv("NETINFLUENCE_THREADS", "1")
    assert not scoring.leiden_in_background(10**9)
    serial = scoring.score_inputs(fresh(), seed=3)
    monkeypatch.setattr(scoring, "LEIDEN_BACKGROUND_MIN_PAIRS", 0)
    monkeypatch.setenv("NETINFLUENCE_THREADS", "2")
    assert scoring.leiden_in_background(1)
    started = []
    real = scoring.LeidenInBackground
    monkeypatch.setattr(
        scoring, "LeidenInBackground", lambda *a, **k: started.append(1) or real(*a, **k)
    )
    parallel = scoring.score_inputs(fresh(), seed=3)
    assert started  # the second process really ran
    pd.testing.assert_frame_equal(parallel, serial)
    # the child's phases are kept for the run's meta (the critical path); none in-process
    assert "leiden_process" not in serial.attrs
    child = parallel.attrs["leiden_process"]
    assert set(child["seconds"]) == {"graph", "coreness", "waiting_for_weights", "leiden"}


def test_leiden_process_failure_is_a_clear_error():
    from netinfluence.errors import ComputationError
    from netinfluence.metrics._leiden_process import LeidenProcess

    # an edge to vertex -1: igraph fails inside the child
    job = LeidenProcess(3, np.array([0]), np.array([-1]), gamma=1.0, seed_int=0)
    job.send_weights(np.ones(1), n_iterations=1)
    with pytest.raises(ComputationError, match="Leiden process exited with code"):
        job.result()


def test_leiden_process_cancel_stops_the_child_and_removes_its_files():
    from pathlib import Path

    from netinfluence.metrics._leiden_process import LeidenProcess

    rng = np.random.default_rng(0)
    lo = rng.integers(0, 20_000, 200_000)
    hi = lo + 1 + rng.integers(0, 100, 200_000)
    job = LeidenProcess(20_200, lo, hi, gamma=1.0, seed_int=0)
    folder = Path(job._folder)
    assert folder.is_dir()
    job.cancel()
    assert job._proc.poll() is not None
    assert not folder.exists()


@pytest.mark.parametrize("failure", ["start", "child", "pairs", "order"])
def test_score_inputs_falls_back_to_in_process_leiden(sample_paths, monkeypatch, caplog, failure):
    import sys

    from netinfluence.metrics import _leiden_process
    from netinfluence.scoring import _score as scoring

    net = ni.read_network(
        follows=sample_paths["follows"],
        interactions=sample_paths["interactions"],
        users=sample_paths["users"],
    )
    want = communities(
        net,
        seed=2,
        n_iterations=scoring.leiden_iterations(len(net.edge_arrays(net.default_layer)[0])),
    )
    monkeypatch.setattr(scoring, "LEIDEN_BACKGROUND_MIN_PAIRS", 0)
    monkeypatch.setenv("NETINFLUENCE_THREADS", "2")
    if failure == "start":
        monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    elif failure == "pairs":  # the child's graph would not match the weights
        real = scoring.undirected_pairs
        monkeypatch.setattr(
            scoring, "undirected_pairs", lambda *a, **k: tuple(x[:-1] for x in real(*a, **k))
        )
    elif failure == "order":  # as many pairs, in another order
        real = scoring.undirected_pairs
        monkeypatch.setattr(
            scoring, "undirected_pairs", lambda *a, **k: tuple(x[::-1] for x in real(*a, **k))
        )
    else:

        def killed(self):
            self.cancel()
            raise ni.ComputationError("the Leiden process exited with code -9: killed")

        monkeypatch.setattr(_leiden_process.LeidenProcess, "result", killed)
    with caplog.at_level("WARNING", logger="netinfluence.scoring._score"):
        got = scoring.score_inputs(net, seed=2)
    assert {
        "start": "running it in this one",
        "child": "code -9: killed; running Leiden in this process",
        "pairs": "pairs changed after the Leiden process started; running Leiden in this process",
        "order": "pairs changed after the Leiden process started; running Leiden in this process",
    }[failure] in caplog.text
    np.testing.assert_array_equal(got["community"].to_numpy(), want.to_numpy())


def test_undirected_pairs_of_ties_known_before_the_tie_table(sample_paths):
    from netinfluence.network import undirected_pairs

    net = ni.read_network(
        follows=sample_paths["follows"], interactions=sample_paths["interactions"]
    )
    lo, hi = undirected_pairs(net, "ties")
    assert not net.is_cached(("ties", "default_table"))  # no tie strengths computed
    want_lo, want_hi, _ = net.undirected_edge_arrays("ties")
    np.testing.assert_array_equal(lo, want_lo)
    np.testing.assert_array_equal(hi, want_hi)


def test_leiden_process_never_given_weights_is_an_error_and_the_child_stops():
    from netinfluence.errors import ComputationError
    from netinfluence.metrics._leiden_process import LeidenProcess

    job = LeidenProcess(3, np.array([0, 1]), np.array([1, 2]), gamma=1.0, seed_int=0)
    proc = job._proc
    with pytest.raises(ComputationError, match="never received its weights"):
        job.result()
    assert proc.poll() is not None
    with pytest.raises(ValueError, match="2 weights for 3 pairs"):
        LeidenProcess(
            3, np.array([0, 1, 0]), np.array([1, 2, 2]), gamma=1.0, seed_int=0
        ).send_weights(np.ones(2), n_iterations=1)


def test_leiden_process_says_whether_it_is_still_running():
    from netinfluence.metrics._leiden_process import LeidenProcess

    job = LeidenProcess(3, np.array([0, 1]), np.array([1, 2]), gamma=1.0, seed_int=0)
    assert job.running()  # it cannot finish before it has its weights
    job.send_weights(np.ones(2), n_iterations=-1)
    membership, _ = job.result()
    assert len(membership) == 3 and not job.running()


def test_leiden_process_child_loads_this_package_and_no_pandas_or_plotting(tmp_path):
    # the child must run the netinfluence the parent runs (not whatever is installed), and
    # start light: no pandas, scipy or matplotlib on the critical path of `rank`
    import json
    import subprocess
    import sys

    from netinfluence.metrics import _leiden_process

    probe = (
        _leiden_process._STAND_INS
        + "import igraph, json, netinfluence.metrics._leiden_process as m\n"
        + "print(json.dumps([m.__file__, sorted(sys.modules)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path), *_leiden_process._package_folders()],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},  # nothing to find there
    )
    file, modules = json.loads(out.stdout)
    assert os.path.samefile(file, _leiden_process.__file__)
    assert "netinfluence.metrics._leiden" in modules
    assert not {"pandas", "scipy", "matplotlib.pyplot", "netinfluence.io"} & set(modules)
