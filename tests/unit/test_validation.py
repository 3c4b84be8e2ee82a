"""Kitsak-style validation: threshold, spreading efficiency, imprecision, the ranking table."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.errors import InputError
from netinfluence.report.plots import validation_plot as plot_validation
from netinfluence.scoring import (
    RANKINGS,
    epidemic_threshold,
    imprecision,
    spreading_efficiency,
    validate_rankings,
)


def test_epidemic_threshold_of_known_degree_sequences():
    ring = ni.Network.from_networkx(nx.cycle_graph(10))  # k = 2 everywhere: 2 / (4 - 2)
    assert epidemic_threshold(ring) == pytest.approx(1.0)
    k5 = ni.Network.from_networkx(nx.complete_graph(5))  # 4 / (16 - 4)
    assert epidemic_threshold(k5) == pytest.approx(1 / 3)
    # direction and parallel follows do not count twice: a mutual follow is one tie
    mutual = ni.Network.from_edges([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
    assert epidemic_threshold(mutual) == pytest.approx(2 / (4 - 2))
    with pytest.raises(InputError, match="threshold"):
        epidemic_threshold(ni.Network.from_edges([("a", "b")]))


def exact_sir(graph: nx.Graph, beta: float) -> dict:
    """Mean outbreak from each node: enumerate each undirected tie's two directions."""
    arcs = [(u, v) for u, v in graph.edges] + [(v, u) for u, v in graph.edges]
    out = dict.fromkeys(graph.nodes, 0.0)
    for live in itertools.product([0, 1], repeat=len(arcs)):
        prob = np.prod([beta if x else 1 - beta for x in live])
        g = nx.DiGraph()
        g.add_nodes_from(graph.nodes)
        g.add_edges_from(a for a, x in zip(arcs, live, strict=True) if x)
        for s in graph.nodes:
            out[s] += prob * (len(nx.descendants(g, s)) + 1)
    return out


def test_spreading_efficiency_matches_exact_sir():
    g = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])  # triangle with a tail
    net = ni.Network.from_networkx(g)
    truth = exact_sir(g, 0.4)
    eff = spreading_efficiency(net, beta=0.4, runs=80000, seed=2)
    assert list(eff.columns) == ["spreading_efficiency", "stderr"]
    for node, value in truth.items():
        assert abs(eff.loc[node, "spreading_efficiency"] - value) < 4.5 * eff.loc[node, "stderr"]
    assert eff.attrs["beta"] == 0.4 and eff.attrs["runs"] == 80000
    # default beta: a multiple of the threshold
    auto = spreading_efficiency(net, beta_factor=1.2, runs=2000, seed=0)
    assert auto.attrs["beta"] == pytest.approx(1.2 * epidemic_threshold(net))


def test_imprecision_definition_and_ties():
    m = [1.0, 4.0, 2.0, 1.0]
    assert imprecision(m, m, share=0.25) == 0.0  # ranking by the truth is perfect
    assert imprecision([3, 2, 1, 0], m, share=0.25) == pytest.approx(0.75)
    assert imprecision([1, 1, 0, 0], m, share=0.25) == pytest.approx(1 - 2.5 / 4)
    assert imprecision([np.nan, 1, 0, 0], m, share=0.25) == 0.0  # NaN ranks last
    assert imprecision([0, 1, 2, 3], m, share=0.5) == pytest.approx(1 - 1.5 / 3)
    with pytest.raises(InputError):
        imprecision([1, 2], [1.0], share=0.1)
    with pytest.raises(InputError):
        imprecision([1, 2], [1.0, 2.0], share=0)


@pytest.fixture(scope="module")
def karate():
    return ni.Network.from_networkx(nx.karate_club_graph())


def test_validate_rankings_table(karate):
    table = validate_rankings(
        karate,
        rankings=["degree", "coreness", "pagerank", "voterank", "collective_influence"],
        runs=30000,
        seed=1,
    )
    assert table.index.name == "ranking"
    assert list(table.index) == [
        "degree",
        "coreness",
        "pagerank",
        "voterank",
        "collective_influence",
    ]
    assert list(table.columns) == [
        "imprecision",
        "kendall_tau",
        "top_spread",
        "best_spread",
        "n_top",
    ]
    assert table["imprecision"].between(0, 1).all()
    assert table["kendall_tau"].between(-1, 1).all()
    # near the threshold spreading follows degree closely on the karate club
    assert table.loc["degree", "kendall_tau"] > 0.6
    assert table.loc["degree", "imprecision"] < 0.1
    eff = table.attrs["efficiency"]["spreading_efficiency"]
    best = eff.sort_values(ascending=False).head(int(table["n_top"].iloc[0])).mean()
    assert table["best_spread"].iloc[0] == pytest.approx(best)
    assert table.attrs["beta"] == pytest.approx(1.5 * table.attrs["beta_c"])
    again = validate_rankings(karate, rankings=["degree"], runs=30000, seed=1)
    assert again.loc["degree"].equals(table.loc["degree"])


def test_extra_scores_and_citizen_score(karate):
    truth = validate_rankings(karate, rankings=["degree"], runs=20000, seed=3)
    eff = truth.attrs["efficiency"]["spreading_efficiency"]
    extra = pd.DataFrame({"oracle": eff, "anti": -eff})
    table = validate_rankings(karate, rankings=["citizen_score"], scores=extra, runs=20000, seed=3)
    assert table.loc["oracle", "imprecision"] == 0.0
    assert table.loc["oracle", "kendall_tau"] == pytest.approx(1.0)
    assert table.loc["anti", "kendall_tau"] == pytest.approx(-1.0)
    assert np.isfinite(table.loc["citizen_score", "kendall_tau"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rankings": ["fame"]},
        {"rankings": []},
        {"share": 0},
        {"share": 2},
        {"beta": 0},
        {"beta_factor": -1},
        {"runs": 0},
        {"layer": "likes"},
        {"scores": [1, 2]},
    ],
)
def test_bad_validation_arguments(karate, kwargs):
    with pytest.raises(InputError):
        validate_rankings(karate, **kwargs)


def test_plot_validation_returns_a_figure():
    t = pd.DataFrame(
        {"imprecision": [0.2, 0.1], "kendall_tau": [0.5, 0.6]},
        index=pd.Index(["degree", "citizen_score"], name="ranking"),
    )
    fig = plot_validation(t)
    assert type(fig).__name__ == "Figure" and len(fig.axes) == 2


def test_rankings_constant():
    assert RANKINGS[0] == "degree" and RANKINGS[-1] == "citizen_score"


def test_p_is_the_deprecated_spelling_of_share():
    m = [1.0, 4.0, 2.0, 1.0]
    with pytest.warns(FutureWarning, match="share="):
        old = imprecision([3, 2, 1, 0], m, p=0.25)
    assert old == imprecision([3, 2, 1, 0], m, share=0.25)
