"""Diffusion: simulated and RR-estimated spread against exact enumeration of live-edge worlds."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.errors import InputError
from netinfluence.spread import (
    MODELS,
    SpreadResult,
    edge_probabilities,
    expected_spread,
    simulate_spread,
)

# influence direction: u -> v means v is exposed to u (v follows u)
INFLUENCE = [
    ("a", "b"),
    ("a", "c"),
    ("b", "c"),
    ("c", "d"),
    ("d", "b"),
    ("b", "e"),
    ("e", "a"),
    ("f", "a"),
]


def make_net(edges=INFLUENCE, **kw) -> ni.Network:
    return ni.Network.from_edges([(v, u) for u, v in edges], **kw)


def exact_ic(nodes, edges, seeds):
    """Exact IC: sum over all 2^m live-edge worlds. Returns (mean size, activation dict)."""
    act = dict.fromkeys(nodes, 0.0)
    mean = 0.0
    for live in itertools.product([0, 1], repeat=len(edges)):
        prob = 1.0
        adj = {x: [] for x in nodes}
        for (u, v, p), on in zip(edges, live, strict=True):
            prob *= p if on else 1 - p
            if on:
                adj[u].append(v)
        if prob == 0:
            continue
        reached = _bfs(adj, seeds)
        mean += prob * len(reached)
        for x in reached:
            act[x] += prob
    return mean, act


def exact_lt(nodes, edges, seeds):
    """Exact LT via its live-edge form: each node keeps at most one in-edge, with its weight."""
    incoming = {x: [(u, w) for u, v, w in edges if v == x] for x in nodes}
    options = []
    for x in nodes:
        opts = [(None, 1.0 - sum(w for _, w in incoming[x]))] + incoming[x]
        options.append([(x, u, w) for u, w in opts])
    act = dict.fromkeys(nodes, 0.0)
    mean = 0.0
    for choice in itertools.product(*options):
        prob = float(np.prod([w for _, _, w in choice]))
        if prob <= 0:
            continue
        adj = {x: [] for x in nodes}
        for x, u, _ in choice:
            if u is not None:
                adj[u].append(x)
        reached = _bfs(adj, seeds)
        mean += prob * len(reached)
        for x in reached:
            act[x] += prob
    return mean, act


def _bfs(adj, seeds):
    seen = set(seeds)
    stack = list(seeds)
    while stack:
        u = stack.pop()
        for v in adj[u]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def wc_edges(edges):
    indeg = {}
    for _, v in edges:
        indeg[v] = indeg.get(v, 0) + 1
    return [(u, v, 1.0 / indeg[v]) for u, v in edges]


# ---------------------------------------------------------------------------- exactness


@pytest.mark.parametrize("seeds", [["a"], ["d", "f"]])
def test_ic_constant_matches_enumerated_worlds(seeds):
    net = make_net()
    exact, act = exact_ic(list(net.ids), [(u, v, 0.4) for u, v in INFLUENCE], seeds)
    res = simulate_spread(net, seeds, probability="constant", p=0.4, runs=20000, seed=3)
    assert abs(res.mean - exact) < 4 * res.stderr
    assert res.ci[0] < exact < res.ci[1] or abs(res.mean - exact) < 3 * res.stderr
    for node, value in act.items():
        sd = max(np.sqrt(value * (1 - value) / res.runs), 1e-9)
        assert abs(res.activation[node] - value) < 4.5 * sd + 1e-12, node


def test_ic_weighted_cascade_and_tie_probabilities_match_enumeration():
    net = make_net()
    for probability, edges in (
        ("weighted_cascade", wc_edges(INFLUENCE)),
        # "tie" spreads with the calibrated probabilities of ni.tie_probability (issue 15)
        (
            "tie",
            [(r.source, r.target, r.probability) for r in ni.tie_probability(net).itertuples()],
        ),
    ):
        exact, _ = exact_ic(list(net.ids), edges, ["a"])
        res = simulate_spread(net, ["a"], probability=probability, runs=20000, seed=5)
        assert abs(res.mean - exact) < 4 * res.stderr, probability


def test_lt_matches_enumerated_live_edge_worlds():
    net = make_net()
    exact, act = exact_lt(list(net.ids), wc_edges(INFLUENCE), ["a"])
    res = simulate_spread(net, ["a"], model="lt", runs=20000, seed=2)
    assert abs(res.mean - exact) < 4 * res.stderr
    for node, value in act.items():
        sd = max(np.sqrt(value * (1 - value) / res.runs), 1e-9)
        assert abs(res.activation[node] - value) < 4.5 * sd + 1e-12, node


def test_lt_with_constant_weights_normalises_incoming_sums():
    # p = 0.7 on every tie: b has 2 in-edges (sum 1.4 -> scaled to 0.5 each), a has 2
    net = make_net()
    table = edge_probabilities(net, model="lt", probability="constant", p=0.7)
    sums = table.groupby("target")["weight"].sum()
    assert (sums <= 1 + 1e-12).all()
    assert sums["b"] == pytest.approx(1.0) and sums["e"] == pytest.approx(0.7)
    edges = list(table.itertuples(index=False, name=None))
    exact, _ = exact_lt(list(net.ids), edges, ["f"])
    res = simulate_spread(net, ["f"], model="lt", probability="constant", p=0.7, runs=20000, seed=4)
    assert abs(res.mean - exact) < 4 * res.stderr


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_expected_spread_of_every_node_matches_enumeration(model):
    net = make_net()
    edges = [(u, v, 0.3) for u, v in INFLUENCE] if model == "ic" else wc_edges(INFLUENCE)
    probability = "constant" if model == "ic" else "weighted_cascade"
    es = expected_spread(net, model=model, probability=probability, p=0.3, runs=60000, seed=9)
    assert list(es.columns) == ["expected_spread", "stderr"]
    assert es.index.equals(net.ids)
    for node in net.ids:
        truth = (exact_ic if model == "ic" else exact_lt)(list(net.ids), edges, [node])[0]
        err = es.loc[node, "stderr"]
        assert abs(es.loc[node, "expected_spread"] - truth) < 4.5 * err + 1e-9, node
    assert es.attrs["runs"] == 60000 and es.attrs["method"] == "reverse-reachable"


def test_sir_is_ic_with_constant_beta():
    net = make_net()
    a = simulate_spread(net, ["a"], model="sir", p=0.35, runs=500, seed=1)
    b = simulate_spread(net, ["a"], model="ic", probability="constant", p=0.35, runs=500, seed=1)
    np.testing.assert_array_equal(a.sizes, b.sizes)
    assert a.parameters["model"] == "sir"


# ---------------------------------------------------------------------------- direction, shape


def test_spread_follows_the_influence_direction():
    net = ni.Network.from_edges([("fan", "star")])  # fan follows star: star -> fan
    assert simulate_spread(net, ["star"], probability="constant", p=1.0, runs=10).mean == 2
    assert simulate_spread(net, ["fan"], probability="constant", p=1.0, runs=10).mean == 1
    und = ni.Network.from_edges([("fan", "star")], directed=False)
    assert simulate_spread(und, ["fan"], probability="constant", p=1.0, runs=10).mean == 2


def test_expected_spread_on_tricky_ids_and_isolated_node(tricky_net):
    es = expected_spread(tricky_net, runs=5000, seed=0)
    assert es.index.equals(tricky_net.ids) and es.index.name == "node"
    assert es.loc["lonely", "expected_spread"] == 1.0 and es.loc["lonely", "stderr"] == 0.0
    assert (es["expected_spread"] >= 1).all() and not es.isna().any().any()


def test_result_object_and_trace():
    net = make_net()
    res = simulate_spread(
        net, ["a", "f"], probability="constant", p=0.6, runs=200, seed=7, trace=True
    )
    assert isinstance(res, SpreadResult)
    assert res.activation.name == "activation_probability"
    assert res.activation[["a", "f"]].tolist() == [1.0, 1.0]
    assert len(res.sizes) == 200 and res.sizes.min() >= 2
    d = res.as_dict()
    assert d["ci_low"] <= d["mean"] <= d["ci_high"]
    tr = res.trace
    assert list(tr.columns) == ["step", "node", "activated_by"]
    assert set(tr.loc[tr["step"] == 0, "node"]) == {"a", "f"}
    assert tr.loc[tr["step"] == 0, "activated_by"].isna().all()
    step_of = dict(zip(tr["node"], tr["step"], strict=True))
    sources = {(u, v) for u, v in INFLUENCE}
    for r in tr[tr["step"] > 0].itertuples():
        assert (r.activated_by, r.node) in sources  # an actual tie, in the right direction
        assert step_of[r.activated_by] == r.step - 1
    assert tr["node"].is_unique
    lt = simulate_spread(net, ["a"], model="lt", runs=50, seed=1, trace=True).trace
    for r in lt[lt["step"] > 0].itertuples():
        assert (r.activated_by, r.node) in sources


def test_same_seed_same_result_and_generators():
    net = make_net()
    a = simulate_spread(net, ["a"], runs=300, seed=11)
    b = simulate_spread(net, ["a"], runs=300, seed=11)
    np.testing.assert_array_equal(a.sizes, b.sizes)
    c = simulate_spread(net, ["a"], runs=300, seed=np.random.default_rng(11))
    np.testing.assert_array_equal(a.sizes, c.sizes)
    e1 = expected_spread(net, seed=4)
    e2 = expected_spread(net, seed=4)
    pd.testing.assert_frame_equal(e1, e2)
    assert not expected_spread(net, seed=5)["expected_spread"].equals(e1["expected_spread"])


def test_adaptive_expected_spread_meets_the_error_target():
    net = ni.load_sample(seed=3, n_accounts=600, n_communities=3)
    es = expected_spread(net, probability="weighted_cascade", rse=0.05, top_share=0.02, seed=0)
    n_top = int(np.ceil(0.02 * net.n_nodes))
    top = es.nlargest(n_top, "expected_spread")
    assert (top["stderr"] / top["expected_spread"]).max() <= 0.05
    assert es.attrs["rse_top"] <= 0.05


def test_edge_probabilities_from_an_edge_list():
    edges = pd.DataFrame(
        {"source": ["u", "u", "v"], "target": ["v", "v", "w"], "p": [0.5, 0.5, 0.2]}
    )
    net = ni.read_network(edges=edges, edge_weight_merge="probability")
    table = edge_probabilities(net, probability="edge").set_index(["source", "target"])
    assert table.loc[("u", "v"), "probability"] == pytest.approx(0.75)  # 1 - 0.5 * 0.5
    res = simulate_spread(net, ["u"], probability="edge", runs=20000, seed=1)
    assert abs(res.mean - (1 + 0.75 + 0.75 * 0.2)) < 4 * res.stderr


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "sis"},
        {"probability": "strength"},
        {"p": 1.5},
        {"p": "high"},
        {"runs": 0},
        {"runs": 2.5},
        {"seed": "x"},
        {"seed": -1},
        {"model": "sir", "probability": "tie"},
        {"layer": "likes"},
        {"probability": "edge"},  # no stored probabilities
    ],
)
def test_bad_options_raise_input_error(kwargs):
    net = make_net()
    with pytest.raises(InputError):
        simulate_spread(net, ["a"], **kwargs)


@pytest.mark.parametrize("seeds", [[], ["nobody"], ["a", "a"], "a", None])
def test_bad_seeds_raise_input_error(seeds):
    with pytest.raises(InputError):
        simulate_spread(make_net(), seeds)


def test_expected_spread_bad_options_and_edge_weights_above_one():
    net = make_net()
    for kwargs in ({"rse": 0}, {"top_share": 2}, {"runs": 0}, {"max_runs": 0}):
        with pytest.raises(InputError):
            expected_spread(net, **kwargs)
    summed = ni.read_network(
        edges=pd.DataFrame({"source": ["u", "u"], "target": ["v", "v"], "weight": [0.7, 0.7]})
    )  # summed to 1.4
    with pytest.raises(InputError, match="edge_weight_merge='probability'"):
        expected_spread(summed, probability="edge")


def test_models_constant_lists_the_three_models():
    assert MODELS == ("ic", "lt", "sir")


# ---------------------------------------------------------------------------- awareness impact


def _impact_exact(nodes, edges, counted, labels=None):
    """Exact weighted impact (and its in-community part) by enumerating live-edge worlds."""
    live_edges = [(u, v, p) for u, v, p in edges if counted[u] > 0]
    out, inside = {}, {}
    for u in nodes:
        _, act = exact_ic(nodes, live_edges, [u])
        out[u] = sum(counted[v] * act[v] for v in nodes if v != u)
        if labels is not None:
            inside[u] = sum(counted[v] * act[v] for v in nodes if v != u and labels[v] == labels[u])
    return out, inside


def test_awareness_impact_matches_enumeration_with_counted_weights_and_labels():
    from netinfluence.spread import awareness_impact

    net = make_net()
    ids = list(net.ids)
    pos = {x: i for i, x in enumerate(ids)}
    probs = {("a", "b"): 0.5, ("a", "c"): 0.3, ("b", "c"): 0.6, ("c", "d"): 0.4}
    edges = [(u, v, probs.get((u, v), 0.25)) for u, v in INFLUENCE]
    counted = {x: 1.0 for x in ids} | {"f": 0.0}  # f is not real: it counts and passes nothing
    labels = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}
    arrays = (
        np.array([pos[u] for u, _, _ in edges]),
        np.array([pos[v] for _, v, _ in edges]),
        np.array([p for _, _, p in edges]),
    )
    est = awareness_impact(
        net,
        counted=[counted[x] for x in ids],
        labels=[labels[x] for x in ids],
        probabilities=arrays,
        min_runs=200_000,
        seed=3,
    )
    truth, inside = _impact_exact(ids, edges, counted, labels)
    for x in ids:
        se = est.loc[x, "impact_se"]
        assert abs(est.loc[x, "impact"] - truth[x]) < 4.5 * se + 1e-9, x
        # the in-community part comes from the same sets: same error scale
        assert abs(est.loc[x, "impact_in_community"] - inside[x]) < 4.5 * se + 0.01, x
    assert est.loc["f", "impact"] == 0


def test_awareness_impact_first_hop_is_exact():
    """An account whose whole audience is one hop away has no sampling error at all."""
    from netinfluence.spread import awareness_impact

    net = ni.Network.from_edges([(f"v{i}", "hub") for i in range(5)])  # hub -> v0..v4
    ids = list(net.ids)
    hub = ids.index("hub")
    src = np.full(5, hub)
    dst = np.array([ids.index(f"v{i}") for i in range(5)])
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    est = awareness_impact(net, probabilities=(src, dst, p), min_runs=2000, seed=0)
    assert est.loc["hub", "impact"] == pytest.approx(1.5, abs=1e-12)
    assert est.loc["hub", "impact_se"] == 0.0


def test_awareness_sample_splits_by_community_after_sampling():
    """Sampling needs no labels (it runs beside community detection); the split is the same
    as passing the labels up front."""
    from netinfluence.spread import awareness_impact, sample_awareness

    net = make_net()
    labels = pd.Series([0, 0, 1, 1, 0, 1], index=net.ids)
    sample = sample_awareness(net, seed=5)
    late = sample.table(labels)
    early = awareness_impact(net, labels=labels, seed=5)
    pd.testing.assert_frame_equal(late, early)
    assert (late["impact_in_community"] <= late["impact"] + 1e-12).all()
    assert sample.table()["impact_in_community"].isna().all()
