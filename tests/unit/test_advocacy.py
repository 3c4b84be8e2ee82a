"""Threshold (complex) contagion: the spread of a seed set, and the greedy advocacy plan."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import netinfluence as ni
from netinfluence.errors import InputError
from netinfluence.spread import plan_advocacy, threshold_spread


@pytest.fixture(scope="module")
def chain():
    # b sees only a; c sees b and d; e sees c and three accounts that never adopt
    follows = [("b", "a"), ("c", "b"), ("c", "d"), ("e", "c")]
    follows += [("e", f) for f in ("f1", "f2", "f3")]
    return ni.Network.from_edges(follows)


def test_threshold_spread_matches_the_exact_expectation(chain):
    # seeded a; b (1 of 1 exposures) and c (1 of 2) adopt under any threshold in
    # [0.15, 0.35]; e (1 of 4) only when its threshold is <= 0.25: half the draws
    a = chain.position(["a"])
    value = threshold_spread(chain, [a], draws=400, seed=3)[0]
    assert value == pytest.approx(3.5, abs=0.1)
    d = chain.position(["d"])  # d reaches c only with 1 of 2 exposures, then e as above
    assert threshold_spread(chain, [d], draws=400, seed=3)[0] == pytest.approx(2.5, abs=0.1)


def test_plan_reports_the_spread_of_its_own_draws():
    net = ni.Network.from_networkx(nx.les_miserables_graph())
    plan = plan_advocacy(net, 4, seed=5, draws=4)
    chosen = net.position(plan["node"].tolist())
    again = threshold_spread(net, [chosen], draws=4, seed=5)[0]
    assert plan["cumulative_spread"].iloc[-1] == pytest.approx(again)
    assert (np.diff(plan["cumulative_spread"]) >= 0).all()  # more seeds never adopt fewer
    assert plan["marginal_gain"].sum() == pytest.approx(plan["cumulative_spread"].iloc[-1])
    assert plan["node"].is_unique and plan["order"].tolist() == [1, 2, 3, 4]


@pytest.mark.parametrize("draws", [0, -1, 1.5, True])
def test_plan_refuses_a_bad_number_of_draws(chain, draws):
    with pytest.raises(InputError, match="draws"):
        plan_advocacy(chain, 1, draws=draws)


def test_a_cascade_grown_from_the_chosen_seeds_ends_as_one_from_scratch():
    # the greedy grows each candidate's cascade from the chosen seeds' final adopters: the
    # threshold cascade is monotone, so that must end exactly where S + {u} from scratch does
    from netinfluence.spread._impact import _cascade, _cascade_final, threshold_matrix

    net = ni.Network.from_networkx(nx.les_miserables_graph())
    mat, can = threshold_matrix(net, None)
    rng = np.random.default_rng(7)
    degree = np.asarray((mat != 0).sum(axis=0)).ravel()
    chosen = np.argsort(-degree, kind="stable")[:2]  # two hubs: a cascade that spreads
    for _ in range(5):
        th = np.where(can, rng.uniform(0.15, 0.35, net.n_nodes), np.inf)
        reached = _cascade_final(mat, th, chosen, np.zeros(net.n_nodes, dtype=bool))
        assert reached[chosen].all() and reached.sum() > 2  # the cascade did spread
        others = [u for u in range(net.n_nodes) if u not in chosen]
        grown = _cascade(mat, th, [np.array([u]) for u in others], adopted=reached)
        scratch = _cascade(mat, th, [np.array([*chosen, u]) for u in others])
        np.testing.assert_array_equal(grown, scratch)
