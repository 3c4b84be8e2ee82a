"""Community roles: columns, thresholds, edge cases and invariants."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.metrics import ROLES, is_insider, roles
from netinfluence.metrics._roles import _classify, _undirected_edges

COLUMNS = ["within_module_z", "participation", "role", "internal_share", "community"]


def _two_cliques() -> tuple[ni.Network, pd.Series]:
    g = nx.barbell_graph(5, 0)  # two K5 joined by one edge (4-5)
    g = nx.relabel_nodes(g, {i: f"u{i:02d}" for i in g})
    net = ni.Network.from_networkx(g)
    labels = pd.Series([0] * 5 + [1] * 5, index=[f"u{i:02d}" for i in range(10)])
    return net, labels


def test_columns_index_and_values():
    net, labels = _two_cliques()
    r = roles(net, labels)
    assert list(r.columns) == COLUMNS
    assert r.index.equals(net.ids) and r.index.name == "node"
    assert r.attrs == {"layer": "follows", "weighted": True}
    bridge = r.loc[["u04", "u05"]]
    # bridge ends: 4 ties home, 1 away -> P = 1 - (0.8^2 + 0.2^2) = 0.32, share 0.8
    np.testing.assert_allclose(bridge["participation"], 0.32)
    np.testing.assert_allclose(bridge["internal_share"], 0.8)
    inner = r.drop(index=["u04", "u05"])
    assert (inner["participation"] == 0).all() and (inner["internal_share"] == 1).all()
    # every member has internal degree 4: std 0 -> z = 0
    assert (r["within_module_z"] == 0).all()
    assert set(r["role"]) == {"R1 ultra-peripheral", "R2 peripheral"}
    assert r.loc["u04", "role"] == "R2 peripheral"


@pytest.mark.parametrize(
    ("z", "p", "role"),
    [
        (0.0, 0.0, ROLES[0]),
        (2.49, 0.05, ROLES[0]),
        (2.49, 0.0501, ROLES[1]),
        (-1.0, 0.62, ROLES[1]),
        (0.0, 0.6201, ROLES[2]),
        (1.0, 0.80, ROLES[2]),
        (1.0, 0.8001, ROLES[3]),
        (2.5, 0.0, ROLES[4]),
        (3.0, 0.30, ROLES[4]),
        (3.0, 0.3001, ROLES[5]),
        (9.0, 0.75, ROLES[5]),
        (2.5, 0.7501, ROLES[6]),
    ],
)
def test_published_thresholds(z, p, role):
    assert _classify(np.array([z]), np.array([p]))[0] == role


def test_hub_and_connector_roles():
    # a star inside community 0 whose centre also links to several other communities
    edges = [("c", f"m{i}") for i in range(12)] + [(f"m{i}", f"m{i + 1}") for i in range(11)]
    edges += [("c", f"x{i}") for i in range(6)] + [(f"x{i}", f"y{i}") for i in range(6)]
    net = ni.Network.from_edges(edges, directed=False)
    lab = {"c": 0, **{f"m{i}": 0 for i in range(12)}}
    lab.update({f"x{i}": i + 1 for i in range(6)})
    lab.update({f"y{i}": i + 1 for i in range(6)})
    r = roles(net, pd.Series(lab))
    assert r.loc["c", "within_module_z"] >= 2.5
    assert r.loc["c", "role"] == "R6 connector hub"  # P = 1 - (12/18)^2 - 6/18^2 = 0.537
    assert r.loc["c", "participation"] == pytest.approx(1 - (12 / 18) ** 2 - 6 / 18**2)


def test_isolated_node_and_non_contiguous_labels(tricky_net):
    lab = pd.Series(
        {"007": 10, "ana": 10, "@budi_s": 10, "zoë": 10, "x1": 42, "x2": 42, "lonely": 7}
    )
    r = roles(tricky_net, lab, layer="follows")
    assert r.loc["lonely", "participation"] == 0
    assert r.loc["lonely", "internal_share"] == 0
    assert r.loc["lonely", "within_module_z"] == 0
    assert r["community"].tolist() == lab.reindex(tricky_net.ids).tolist()
    assert not r[["within_module_z", "participation", "internal_share"]].isna().any().any()


def test_labels_in_node_order_and_weighting(tricky_net):
    lab = np.array([0, 1, 0, 1, 0, 1, 2])
    by_order = roles(tricky_net, lab, layer="ties")
    by_id = roles(tricky_net, pd.Series(lab, index=tricky_net.ids), layer="ties")
    pd.testing.assert_frame_equal(by_order, by_id)
    unweighted = roles(tricky_net, lab, layer="ties", weighted=False)
    assert by_order["participation"].gt(0).any()
    assert not np.allclose(
        by_order[["within_module_z", "participation"]],
        unweighted[["within_module_z", "participation"]],
    )


def test_default_layer_is_ties_with_interactions(tricky_net):
    lab = np.zeros(tricky_net.n_nodes, dtype=int)
    assert roles(tricky_net, lab).attrs["layer"] == "ties"


def test_undirected_edges_match_graph_view(tricky_net):
    for layer in ("follows", "interactions", "ties"):
        lo, hi, w = _undirected_edges(tricky_net, layer)
        g = tricky_net.graph(layer, directed=False)
        got = sorted(zip(lo.tolist(), hi.tolist(), np.round(w, 12).tolist(), strict=True))
        ref = sorted((min(e.tuple), max(e.tuple), round(e["weight"], 12)) for e in g.es)
        assert got == ref
    net = ni.Network.from_networkx(nx.cycle_graph(4))
    _, _, w = _undirected_edges(net, "follows")
    assert w.tolist() == [1.0] * 4


def test_relabelling_permutes_the_result():
    g = nx.karate_club_graph()
    lab = {i: int(d["club"] == "Officer") for i, d in g.nodes(data=True)}
    perm = np.random.default_rng(0).permutation(34)
    mapping = {i: f"p{perm[i]}" for i in g}
    g2 = nx.relabel_nodes(g, mapping)
    g2 = nx.Graph(sorted(g2.edges(data=True), key=lambda e: (e[1], e[0])))
    r1 = roles(ni.Network.from_networkx(g, weight="weight"), pd.Series(lab))
    r2 = roles(
        ni.Network.from_networkx(g2, weight="weight"),
        pd.Series({mapping[i]: c for i, c in lab.items()}),
    )
    r1.index = pd.Index([mapping[i] for i in r1.index], dtype=object, name="node")
    pd.testing.assert_frame_equal(r1.sort_index(), r2.sort_index(), check_names=False)


def test_is_insider():
    # two cliques plus a hub in clique 0 with 30 followers of its own
    g = nx.barbell_graph(5, 0)
    g = nx.relabel_nodes(g, {i: f"u{i:02d}" for i in g})
    g.add_edges_from([(f"h{i}", "hub") for i in range(30)] + [("hub", "u00")])
    net = ni.Network.from_networkx(g)
    lab = pd.Series({n: 1 if n in {f"u{i:02d}" for i in range(5, 10)} else 0 for n in g})
    r = roles(net, lab)
    ins = is_insider(r)
    assert ins.name == "insider" and ins.index.equals(r.index)
    assert r.loc["hub", "role"] == "R5 provincial hub" and ins["hub"]
    assert not ins[[f"h{i}" for i in range(30)]].any()
    loose = is_insider(r, min_z=-10, min_internal_share=0.0)
    assert loose.sum() > ins.sum()
    with pytest.raises(ni.InputError, match="missing"):
        is_insider(r.drop(columns="role"))


def test_bad_arguments():
    net, labels = _two_cliques()
    with pytest.raises(ni.InputError, match="layer"):
        roles(net, labels, layer="friends")
    with pytest.raises(ni.InputError, match="missing"):
        roles(net, labels.iloc[:3])
    with pytest.raises(ni.InputError, match="one community per node"):
        roles(net, [0, 1])
    with pytest.raises(ni.InputError, match="missing values"):
        roles(net, labels.where(labels.index != "u03"))
    with pytest.raises(ni.InputError, match="weighted"):
        roles(net, labels, weighted="yes")


def test_labels_computed_when_not_given():
    net, _ = _two_cliques()
    r = roles(net)
    assert list(r.columns) == COLUMNS and r["community"].nunique() >= 1


def test_empty_network(empty_net):
    r = roles(empty_net, pd.Series([], dtype=int))
    assert list(r.columns) == COLUMNS and len(r) == 0


def test_sample_planted_insiders_are_found(sample_net, sample_paths):
    truth = pd.read_csv(sample_paths["truth"], dtype={"id": str}).set_index("id")
    truth = truth.reindex(sample_net.ids)
    r = roles(sample_net, truth["community"])
    found = is_insider(r)
    planted = truth["planted_role"] == "insider"
    precision = (found & planted).sum() / max(found.sum(), 1)
    recall = (found & planted).sum() / planted.sum()
    assert precision >= 0.8 and recall >= 0.8, (precision, recall)
    assert (r.loc[planted, "role"] == "R5 provincial hub").mean() >= 0.8
