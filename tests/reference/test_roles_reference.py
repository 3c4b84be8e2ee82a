"""Guimerà-Amaral z and P against a plain networkx computation on karate club and football."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.metrics import roles


def _reference(g: nx.Graph, label: dict, weight: str | None) -> tuple[dict, dict]:
    """Within-module z-score and participation, written out node by node."""

    def w(u, v):
        return g[u][v].get(weight, 1) if weight else 1

    k_in, p = {}, {}
    for i in g:
        per = {}
        for j in g[i]:
            per[label[j]] = per.get(label[j], 0.0) + w(i, j)
        k = sum(per.values())
        k_in[i] = per.get(label[i], 0.0)
        p[i] = 1.0 - sum((x / k) ** 2 for x in per.values()) if k > 0 else 0.0
    z = {}
    for s in set(label.values()):
        members = [i for i in g if label[i] == s]
        mean = sum(k_in[i] for i in members) / len(members)
        std = math.sqrt(sum((k_in[i] - mean) ** 2 for i in members) / len(members))
        for i in members:
            z[i] = (k_in[i] - mean) / std if std > 0 else 0.0
    return z, p


def _check(g: nx.Graph, label: dict, weighted: bool) -> pd.DataFrame:
    net = ni.Network.from_networkx(g, weight="weight" if weighted else None)
    labels = pd.Series(label).reindex(net.ids)
    got = roles(net, labels, layer="follows", weighted=weighted)
    z, p = _reference(g, label, "weight" if weighted else None)
    np.testing.assert_allclose(
        got["within_module_z"].to_numpy(), [z[i] for i in net.ids], rtol=0, atol=1e-9
    )
    np.testing.assert_allclose(
        got["participation"].to_numpy(), [p[i] for i in net.ids], rtol=0, atol=1e-9
    )
    assert got["community"].tolist() == [label[i] for i in net.ids]
    return got


@pytest.mark.parametrize("weighted", [True, False])
def test_karate_club_factions(weighted):
    g = nx.karate_club_graph()
    label = {i: int(d["club"] == "Officer") for i, d in g.nodes(data=True)}
    got = _check(g, label, weighted)
    # the two leaders (Mr. Hi = 0, Officer = 33) are the hubs of their factions
    top = got["within_module_z"].groupby(got["community"]).idxmax()
    assert set(top) == {0, 33}
    # ... and the only hubs: provincial hubs (z >= 2.5, P <= 0.30), weighted or not
    assert set(got.index[got["role"] == "R5 provincial hub"]) == {0, 33}
    assert (got["within_module_z"] >= 2.5).sum() == 2


@pytest.mark.parametrize("weighted", [True, False])
def test_karate_club_modularity_communities(weighted):
    g = nx.karate_club_graph()
    parts = nx.community.greedy_modularity_communities(g, weight="weight" if weighted else None)
    label = {i: c for c, members in enumerate(parts) for i in members}
    _check(g, label, weighted)


@pytest.mark.shared_data
@pytest.mark.parametrize("weighted", [True, False])
def test_football_conferences(shared_data, weighted):
    path = shared_data / "football" / "football.gml"
    if not path.exists():
        pytest.skip(f"dataset file missing: {path}")
    g = nx.read_gml(path)
    if weighted:  # football has no weights: give the games reproducible ones
        rng = np.random.default_rng(7)
        for u, v in g.edges():
            g[u][v]["weight"] = float(rng.integers(1, 5))
    label = {i: d["value"] for i, d in g.nodes(data=True)}
    got = _check(g, label, weighted)
    assert got["community"].nunique() == 12
    # conferences are tight: most teams play most games at home in their conference
    assert got["internal_share"].median() > 0.5
    # independents (value 5) play outside any conference: high participation
    indep = got[got["community"] == 5]["participation"].mean()
    assert indep > got[got["community"] != 5]["participation"].mean()
