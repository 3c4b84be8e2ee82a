"""Campaign planning: CELF against brute force, IMM against CELF, budgets, coverage, costs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.datasets import make_social_network
from netinfluence.demo import plan_outputs as demo_outputs
from netinfluence.errors import InputError
from netinfluence.spread import (
    DEFAULT_COSTS,
    SEED_COLUMNS,
    CampaignPlan,
    account_costs,
    plan_campaign,
)
from netinfluence.spread._campaign import _greedy

# influence direction u -> v (v follows u); 8 nodes, 10 ties: 1,024 live-edge worlds
TINY = [
    ("a", "b"),
    ("a", "c"),
    ("b", "d"),
    ("c", "d"),
    ("d", "e"),
    ("f", "g"),
    ("g", "h"),
    ("h", "f"),
    ("e", "f"),
    ("c", "h"),
]
P = 0.5


def tiny_net() -> ni.Network:
    return ni.Network.from_edges([(v, u) for u, v in TINY])


class ExactOracle:
    """Exact expected spread by enumerating every live-edge world (the test's ground truth)."""

    def __init__(self, net: ni.Network, edges, p):
        pos = {x: i for i, x in enumerate(net.ids)}
        self.n = net.n_nodes
        self.worlds = []  # (probability, reach bitmask per node)
        for live in itertools.product([0, 1], repeat=len(edges)):
            prob = math.prod(p if on else 1 - p for on in live)
            adj = [[] for _ in range(self.n)]
            for (u, v), on in zip(edges, live, strict=True):
                if on:
                    adj[pos[u]].append(pos[v])
            masks = []
            for s in range(self.n):
                seen, stack = {s}, [s]
                while stack:
                    x = stack.pop()
                    for y in adj[x]:
                        if y not in seen:
                            seen.add(y)
                            stack.append(y)
                masks.append(sum(1 << y for y in seen))
            self.worlds.append((prob, masks))
        self.reset()

    def sigma(self, nodes) -> float:
        total = 0.0
        for prob, masks in self.worlds:
            m = 0
            for v in nodes:
                m |= masks[v]
            total += prob * bin(m).count("1")
        return total

    def reset(self):
        self.chosen = []

    def singletons(self):
        return np.array([self.sigma([v]) for v in range(self.n)])

    def gain(self, v):
        return self.sigma([*self.chosen, v]) - self.sigma(self.chosen)

    def add(self, v):
        g = self.gain(v)
        self.chosen.append(v)
        return g

    def value(self):
        return self.sigma(self.chosen)


@pytest.fixture(scope="module")
def exact():
    net = tiny_net()
    return net, ExactOracle(net, TINY, P)


def brute_force(oracle, k):
    return max(oracle.sigma(c) for c in itertools.combinations(range(oracle.n), k))


@pytest.mark.parametrize("k", [1, 2, 3])
def test_celf_against_brute_force_optimum(exact, k):
    net, oracle = exact
    plan = plan_campaign(
        net,
        k=k,
        probability="constant",
        p=P,
        method="celf",
        runs=3000,
        evaluation_runs=3000,
        seed=0,
    )
    chosen = list(net.position(plan.seeds["node"]))
    opt = brute_force(oracle, k)
    value = oracle.sigma(chosen)
    assert value >= (1 - 1 / math.e) * opt
    assert value >= 0.97 * opt
    # the CELF estimate and the independent forward Monte Carlo both agree with the truth
    assert plan.summary.loc["estimated_spread", "plan"] == pytest.approx(value, rel=0.03)
    s = plan.summary["plan"]
    assert s["spread_ci_low"] - 0.05 <= value <= s["spread_ci_high"] + 0.05


def test_lazy_greedy_equals_plain_greedy_with_an_exact_objective(exact):
    _net, oracle = exact
    n = oracle.n
    picks = _greedy(
        oracle, k=4, budget=None, cost=np.ones(n), eligible=np.ones(n, bool), groups=[], rule="unit"
    )
    plain, chosen = [], []
    for _ in range(4):
        gains = [
            oracle.sigma([*chosen, v]) - oracle.sigma(chosen) if v not in chosen else -1
            for v in range(n)
        ]
        best = int(np.argmax(gains))
        plain.append((best, gains[best]))
        chosen.append(best)
    assert [v for v, _ in picks] == [v for v, _ in plain]
    np.testing.assert_allclose([g for _, g in picks], [g for _, g in plain])


def test_budgeted_greedy_against_brute_force(exact):
    _net, oracle = exact
    n = oracle.n
    cost = np.array([3.0, 1.0, 1.0, 2.0, 1.0, 4.0, 1.0, 2.0])
    budget = 4.0
    best = 0.0
    for r in range(1, n + 1):
        for c in itertools.combinations(range(n), r):
            if cost[list(c)].sum() <= budget:
                best = max(best, oracle.sigma(c))
    from netinfluence.spread._campaign import _select

    picks, _ = _select(
        oracle, k=None, budget=budget, cost=cost, eligible=np.ones(n, bool), groups=[]
    )
    chosen = [v for v, _ in picks]
    assert cost[chosen].sum() <= budget
    assert oracle.sigma(chosen) >= (1 - 1 / math.e) / 2 * best
    assert oracle.sigma(chosen) >= 0.9 * best  # in practice much better than the bound


def test_imm_chooses_near_optimal_seeds_on_the_tiny_graph(exact):
    net, oracle = exact
    plan = plan_campaign(
        net,
        k=2,
        probability="constant",
        p=P,
        method="imm",
        epsilon=0.1,
        evaluation_runs=500,
        seed=2,
    )
    value = oracle.sigma(list(net.position(plan.seeds["node"])))
    assert value >= 0.97 * brute_force(oracle, 2)
    assert plan.parameters["method"] == "imm" and plan.parameters["rr_sets"] > 0


@pytest.fixture(scope="module")
def medium():
    s = make_social_network(seed=3, n_accounts=500, n_communities=3)
    return ni.read_network(follows=s.follows, interactions=s.interactions, users=s.users)


def test_imm_against_celf_on_a_medium_graph(medium):
    kw = {"k": 8, "probability": "weighted_cascade", "evaluation_runs": 2000, "seed": 1}
    celf = plan_campaign(medium, method="celf", runs=400, **kw)
    imm = plan_campaign(medium, method="imm", epsilon=0.2, **kw)
    a = celf.summary["plan"]
    b = imm.summary["plan"]
    assert b["expected_spread"] == pytest.approx(a["expected_spread"], rel=0.04)
    for s in (a, b):  # the planner beats the biggest accounts
        assert s["expected_spread"] > celf.summary.loc["expected_spread", "naive"]
    # IMM's own estimate agrees with the independent forward Monte Carlo
    assert b["estimated_spread"] == pytest.approx(b["expected_spread"], rel=0.05)


def test_plan_tables_budget_and_naive_plan(medium):
    plan = plan_campaign(
        medium,
        budget=6000,
        probability="weighted_cascade",
        method="imm",
        epsilon=0.3,
        evaluation_runs=300,
        seed=0,
    )
    assert isinstance(plan, CampaignPlan)
    seeds = plan.seeds
    assert list(seeds.columns) == list(SEED_COLUMNS)
    assert seeds["order"].tolist() == list(range(1, len(seeds) + 1))
    np.testing.assert_allclose(seeds["cumulative_spread"], seeds["marginal_gain"].cumsum())
    assert seeds["node"].is_unique
    costs = account_costs(medium)
    assert seeds["cost"].tolist() == costs[seeds["node"]].tolist()
    for table in (seeds, plan.naive):
        assert table["cost"].sum() <= 6000
    assert plan.summary.loc["cost", "plan"] <= 6000
    # the naive plan takes the biggest accounts first, within the budget
    followers = medium.nodes["followers"].astype(float)
    first = plan.naive["node"].iloc[0]
    affordable = followers[costs <= 6000]
    assert followers[first] == affordable.max()
    assert set(plan.summary.columns) == {"plan", "naive"}
    assert plan.summary.loc["seeds", "plan"] == len(seeds)
    total, overlap = ni.set_reach(medium, list(seeds["node"]))
    assert plan.summary.loc["audience_2hop", "plan"] == total
    assert plan.overlap.equals(overlap)
    comm = plan.communities
    assert comm["plan_seeds"].sum() == len(seeds)
    assert comm["plan_spread"].sum() == pytest.approx(plan.summary.loc["expected_spread", "plan"])
    assert (
        plan.summary.loc["expected_spread", "plan"] > plan.summary.loc["expected_spread", "naive"]
    )
    sheets = plan.sheets()
    assert {"summary", "naive plan", "communities", "overlap", "parameters"} <= set(sheets)


def test_coverage_mode_puts_an_insider_in_each_chosen_community(medium):
    labels = ni.communities(medium, seed=0)
    insiders = ni.is_insider(ni.roles(medium, labels))
    plan = plan_campaign(
        medium,
        k=5,
        per_community=3,
        labels=labels,
        insiders=insiders,
        probability="weighted_cascade",
        method="imm",
        epsilon=0.3,
        evaluation_runs=200,
        seed=0,
    )
    seeds = plan.seeds
    for c in (0, 1, 2):
        chosen = seeds[(seeds["community"] == c) & seeds["insider"].astype(bool)]
        assert len(chosen) >= 1, c
    assert plan.parameters["per_community"] == [0, 1, 2]
    with pytest.raises(InputError, match="k is too small"):
        plan_campaign(
            medium,
            k=2,
            per_community=3,
            labels=labels,
            insiders=insiders,
            probability="weighted_cascade",
            method="imm",
            epsilon=0.3,
            seed=0,
        )
    none = pd.Series(False, index=medium.ids)
    with pytest.raises(InputError, match="no insider"):
        plan_campaign(medium, k=5, per_community=[1], labels=labels, insiders=none, seed=0)
    with pytest.raises(InputError, match="unknown community"):
        plan_campaign(medium, k=5, per_community=[99], labels=labels, insiders=insiders)


def test_exclusions_same_seed_and_generators(exact):
    net, _ = exact
    kw = {
        "k": 2,
        "probability": "constant",
        "p": P,
        "method": "celf",
        "runs": 300,
        "evaluation_runs": 100,
    }
    free = plan_campaign(net, seed=5, **kw)
    again = plan_campaign(net, seed=5, **kw)
    pd.testing.assert_frame_equal(free.seeds, again.seeds)
    pd.testing.assert_frame_equal(free.summary, again.summary)
    top = free.seeds["node"].iloc[0]
    excl = plan_campaign(net, seed=5, exclude=[top, "ghost"], **kw)
    assert top not in set(excl.seeds["node"]) and top not in set(excl.naive["node"])
    assert excl.parameters["unknown_exclusions"] == ["ghost"]
    gen = plan_campaign(net, seed=np.random.default_rng(5), **kw)
    assert len(gen.seeds) == 2


def test_lt_plans_and_tricky_ids(tricky_net):
    plan = plan_campaign(tricky_net, k=2, model="lt", evaluation_runs=200, seed=0)
    assert set(plan.seeds["node"]) <= set(tricky_net.ids)
    assert plan.seeds["handle"].isna().all() and plan.parameters["model"] == "lt"
    tiers = ni.tiers(tricky_net)
    assert plan.seeds["tier"].tolist() == tiers[plan.seeds["node"]].tolist()


# ---------------------------------------------------------------------------- costs


def test_account_costs_defaults_overrides_and_tables():
    users = pd.DataFrame(
        {
            "id": ["n", "m1", "m2", "M", "g", "u"],
            "followers": [10, 5_000, 50_000, 500_000, 5_000_000, None],
        }
    )
    net = ni.read_network(users=users)
    assert account_costs(net).tolist() == [
        100.0,
        500.0,
        2000.0,
        10000.0,
        50000.0,
        DEFAULT_COSTS["unknown"],
    ]
    # a tier sets both micro bands; a band beats its tier
    c = account_costs(net, {"micro": 800, "10k-100k": 1500, "UNKNOWN": 1})
    assert c.tolist() == [100.0, 800.0, 1500.0, 10000.0, 50000.0, 1.0]
    assert account_costs(net, 7).tolist() == [7.0] * 6
    per = account_costs(net, pd.Series({"g": 3.0, "ghost": 9.0}))
    assert per["g"] == 3.0 and per["n"] == 100.0
    assert per.attrs["unknown_accounts"] == ["ghost"]
    frame = account_costs(net, pd.DataFrame({"Tier": ["nano"], "Cost": [42]}))
    assert frame["n"] == 42.0
    ids = account_costs(net, pd.DataFrame({"id": ["M"], "cost": [1]}))
    assert ids["M"] == 1.0
    assert c.name == "cost" and c.index.equals(net.ids)


@pytest.mark.parametrize(
    "costs",
    [
        {"gold": 5},
        {"nano": -1},
        {"nano": "x"},
        pd.DataFrame({"tier": ["nano"]}),
        pd.DataFrame({"what": ["nano"], "cost": [1]}),
        "cheap",
        0,
    ],
)
def test_bad_costs_raise_input_error(costs):
    net = ni.read_network(users=pd.DataFrame({"id": ["a"], "followers": [10]}))
    with pytest.raises(InputError):
        account_costs(net, costs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"k": 0},
        {"k": 99},
        {"k": 2, "method": "greedy"},
        {"k": 2, "epsilon": 0},
        {"k": 2, "epsilon": 1.5},
        {"budget": 10},  # below every price
        {"budget": -5},
        {"k": 2, "runs": 0},
        {"k": 2, "evaluation_runs": 0},
        {"k": 2, "model": "xx"},
        {"k": 2, "labels": [0, 1]},
        {"k": 2, "per_community": "all"},
    ],
)
def test_bad_plan_arguments_raise_input_error(kwargs):
    with pytest.raises(InputError):
        plan_campaign(tiny_net(), **kwargs)


@pytest.mark.slow
def test_demo_outputs_write_the_plan(tmp_path):
    from netinfluence.pipeline import analyze

    s = make_social_network(seed=2, n_accounts=400, n_communities=2)
    net = ni.read_network(follows=s.follows, interactions=s.interactions, users=s.users)
    analysis = analyze(net, seed=0)
    paths = demo_outputs(analysis, tmp_path / "demo", seed=0, budget=3000)
    assert {"plan_xlsx", "plan_csv", "plan_summary", "plan_meta"} <= set(paths)
    table = pd.read_csv(paths["plan_csv"])
    assert list(table.columns[:4]) == ["order", "node", "marginal_gain", "cumulative_spread"]
    assert table["cost"].sum() <= 3000
    sheets = pd.read_excel(paths["plan_xlsx"], sheet_name=None)
    assert "summary" in sheets and "naive plan" in sheets
