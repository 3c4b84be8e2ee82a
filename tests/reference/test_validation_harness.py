"""The validation harness: planted generators, simulated truths and rank metrics.

Small versions (n = 1,500, few runs) of what ``benchmarks/validate_planted.py`` and
``benchmarks/validate_villages.py`` run at full size.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.datasets import dcsbm_social, lfr_social
from netinfluence.spread._truth import (
    ic_truth,
    precision_at_k,
    rank_metrics,
    threshold_truth,
    tie_graph,
)

GENERATORS = {"lfr": lfr_social, "dcsbm": dcsbm_social}
N = 1500


@pytest.fixture(scope="module", params=sorted(GENERATORS))
def planted(request):
    return request.param, GENERATORS[request.param](N, seed=3)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_reproducible_by_seed(name):
    gen = GENERATORS[name]
    a, b, c = gen(600, seed=5), gen(600, seed=5), gen(600, seed=6)
    for table in ("follows", "interactions", "users"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    pd.testing.assert_series_equal(a.role, b.role)
    pd.testing.assert_series_equal(a.community, b.community)
    assert not a.follows.equals(c.follows)


def test_tables_have_the_documented_columns(planted):
    _, p = planted
    assert list(p.follows.columns) == ["follower", "followed"]
    assert list(p.interactions.columns) == ["source", "target", "type", "count"]
    assert list(p.users.columns) == [
        "id",
        "handle",
        "followers",
        "following",
        "posts",
        "likes",
        "comments",
    ]
    assert set(p.role) == {"insider", "regular", "celebrity", "bought", "bot"}
    assert (p.community[p.role == "bot"] == -1).all()
    assert (p.community[p.role != "bot"] >= 0).all()
    net = p.network()
    assert net.n_nodes == N


# measured at n=1500, seed 3 (Leiden, seed 0, default layer): NMI lfr 0.968, dcsbm 0.855
NMI_MIN = 0.75


@pytest.mark.slow
def test_planted_communities_are_recoverable(planted):
    _, p = planted
    net = p.network()
    found = ni.communities(net, seed=0)
    real = p.community[p.community >= 0]
    nmi = ni.compare_partitions(found, real)["nmi"]
    assert nmi > NMI_MIN


def test_role_mechanics(planted):
    _, p = planted
    r = p.role
    indeg = p.follows["followed"].value_counts().reindex(r.index, fill_value=0)
    outdeg = p.follows["follower"].value_counts().reindex(r.index, fill_value=0)
    # celebrities: far more followers in the graph than insiders, almost no outgoing follows
    assert indeg[r == "celebrity"].median() > 1.5 * indeg[r == "insider"].median()
    assert outdeg[r == "celebrity"].max() <= 12  # kept with chance 5 / out-degree
    # reciprocity: insiders' ties mostly mutual, bots' follows rarely returned
    pairs = set(zip(p.follows["follower"], p.follows["followed"], strict=True))
    back = np.array([(b, a) in pairs for a, b in pairs])
    src = np.array([a for a, _ in pairs])
    recip = pd.Series(back, index=src).groupby(level=0).mean()
    assert recip.reindex(r.index[r == "bot"]).mean() < 0.1
    assert recip.reindex(r.index[r == "insider"]).mean() > 0.7
    # insiders interact far more per tie than regulars; bought followers never interact
    inter = p.interactions.groupby("source")["count"].sum().reindex(r.index, fill_value=0)
    assert inter[r == "insider"].mean() > 5 * inter[r == "regular"].mean()
    farm = r.index[(r == "bot") & (outdeg < 30)]
    assert not p.interactions["source"].isin(farm).any()
    # platform followers: celebrities and bought accounts inflated far above the graph
    fol = p.users.set_index("id")["followers"]
    assert (fol[r == "bought"] > 20 * indeg[r == "bought"]).all()
    assert (fol[r == "celebrity"] >= 1e6).all()


def _edge_network(g, prob) -> ni.Network:
    edges = pd.DataFrame({"source": g.ids[g.src], "target": g.ids[g.dst], "weight": prob})
    return ni.read_network(edges=edges, edge_weight_merge="probability")


@pytest.mark.slow
def test_ic_truth_agrees_with_simulate_spread():
    p = dcsbm_social(N, seed=3)
    truth = ic_truth(
        p.follows,
        p.interactions,
        seed=1,
        runs=60_000,
        blocked=p.blocked,
        check_nodes=10,
        check_runs=300,
    )
    a = truth.attrs
    assert a["check_mean_abs_z"] < 2.0
    g = tie_graph(p.follows, p.interactions, blocked=p.blocked)
    net = _edge_network(g, g.probabilities(a["base_p"], a["q"]))
    top = truth["spread"].nlargest(3).index.tolist()
    rng = np.random.default_rng(0)
    live = truth.index[truth["spread"] > 1.0]
    picks = top + rng.choice(live.difference(top), 2, replace=False).tolist()
    for node in picks:
        res = ni.simulate_spread(net, [node], probability="edge", runs=2000, seed=2)
        ours, se = truth.loc[node, "spread"], truth.loc[node, "se"]
        half = res.ci[1] - res.mean
        # within 4 combined standard errors (simulate_spread's ci is 95 %)
        assert abs(ours - res.mean) < 4 * np.hypot(se, half / 1.96) + 1e-9, node


def test_ic_truth_on_a_path_is_exact():
    # a -> b -> c (b follows a, c follows b), p = 0.5 on each tie: spread(a) = 1 + .5 + .25
    follows = pd.DataFrame({"follower": ["b", "c"], "followed": ["a", "b"]})
    t = ic_truth(follows, None, seed=0, runs=200_000, base_p=0.5, check_nodes=3, check_runs=4000)
    assert t.loc["a", "spread"] == pytest.approx(1.75, abs=0.03)
    assert t.loc["b", "spread"] == pytest.approx(1.5, abs=0.03)
    assert t.loc["c", "spread"] == pytest.approx(1.0, abs=0.02)
    check = pd.DataFrame(t.attrs["check"]).set_index("id")
    assert check.loc["a", "forward"] == pytest.approx(1.75, abs=0.05)


def test_interactions_raise_the_tie_probability():
    follows = pd.DataFrame({"follower": ["b", "c"], "followed": ["a", "a"]})
    inter = pd.DataFrame({"source": ["b"], "target": ["a"], "count": [10]})
    g = tie_graph(follows, inter)
    p = dict(zip(g.ids[g.dst], g.probabilities(0.1, 0.1), strict=True))
    assert p["c"] == pytest.approx(0.1)
    assert p["b"] == pytest.approx(1 - 0.9 * 0.9**10)


def test_blocked_accounts_never_pass_content_on():
    # a -> bot -> c: the bot is removed, so a reaches nobody
    follows = pd.DataFrame({"follower": ["bot", "c"], "followed": ["a", "bot"]})
    t = ic_truth(
        follows,
        None,
        seed=0,
        runs=20_000,
        base_p=1.0,
        blocked=["bot"],
        check_nodes=2,
        check_runs=50,
    )
    assert t.loc["a", "spread"] == pytest.approx(1.0, abs=0.05)  # RR estimate of exactly 1
    assert (pd.DataFrame(t.attrs["check"])["forward"] == 1.0).all()
    assert t.loc["bot", "spread"] == 0.0


def test_threshold_truth_complex_contagion():
    # a clique of 4 mutual friends {s, x, y, z}; w follows x, y, z and outsider o.
    # Seeded at s with its circle (x, y, z): w sees 3/4 adopted and adopts; o follows only w.
    pairs = [(u, v) for u in "sxyz" for v in "sxyz" if u != v]
    pairs += [("w", "x"), ("w", "y"), ("w", "z"), ("w", "o"), ("o", "w")]
    follows = pd.DataFrame(pairs, columns=["follower", "followed"])
    t = threshold_truth(follows, None, seed=0, runs=2, theta=(0.5, 0.6), circle=3)
    assert t.loc["s", "seed_set"] == 4
    assert t.loc["s", "adopters"] == pytest.approx(2.0)  # w, then o (1/1 >= theta)
    # seeded at o alone (its circle is w): w sees 1/4 < 0.5 of its follows
    assert t.loc["o", "adopters"] == pytest.approx(0.0)


def test_precision_at_k_hand_example():
    truth = pd.Series([10.0, 9, 8, 7, 6, 5, 4, 3], index=list("abcdefgh"))
    # true top 4: a, b, c, d
    score = pd.Series([8.0, 7, 1, 6, 5, 0, 0, 0], index=list("abcdefgh"))
    assert precision_at_k(score, truth, 2, true_top=4) == 1.0  # a, b
    assert precision_at_k(score, truth, 4, true_top=4) == 0.75  # a, b, d, e
    # ties at the cut share the slots: top 3 of [a=2, b=1, c=1, d=1, e=1] -> a + 2 of 4
    tied = pd.Series([2.0, 1, 1, 1, 1, 0, 0, 0], index=list("abcdefgh"))
    assert precision_at_k(tied, truth, 3, true_top=4) == pytest.approx((1 + 2 * 3 / 4) / 3)
    # missing accounts rank last
    assert precision_at_k(score.drop(["a", "b"]), truth, 2, true_top=4) == 0.5
    m = rank_metrics(truth, truth, ks=(2,), true_top=4)
    assert m == {"p@2": 1.0, "spearman": pytest.approx(1.0)}


def test_villages_replicate_the_paper_and_rank(shared_data):
    folder = shared_data / "microfinance-villages"
    if not (folder / "replicate.py").exists():
        pytest.skip(f"microfinance villages missing at {folder}")
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "validate_villages.py"
    spec = importlib.util.spec_from_file_location("validate_villages", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rep = mod.load_replicate(folder)
    hh = pd.read_csv(folder / "households.csv")
    vil = pd.read_csv(folder / "villages.csv").head(5)
    paper = rep.village_measures(hh, vil)
    ours = mod.village_rankings(folder, rep, villages=vil.village.tolist())
    # replicate.py reproduces the published values; the harness's own leaders' means agree
    assert np.allclose(paper["eigenvector"], vil["pub_eigenvector_centrality_leader"], atol=1e-5)
    assert np.allclose(ours["eigenvector"], paper["eigenvector"], atol=1e-9)
    assert np.allclose(ours["degree"], paper["degree"])
    assert ours["citizen_score"].between(0, 100).all()
    assert ours["pagerank"].gt(0).all()


def test_ceiling_rows_recover_the_truth():
    """The benchmark's reference rows: the truth redrawn, and the score's estimator on the
    truth's own tie probabilities, both find the truth's top accounts (ids mapped right)."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "validate_planted.py"
    spec = importlib.util.spec_from_file_location("validate_planted", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.ORACLE_RUNS = 60_000
    p = lfr_social(N, seed=3)
    net = p.network()
    blocked = p.role.index[p.role.to_numpy() == "bot"]
    ic = ic_truth(p.follows, p.interactions, seed=1, blocked=blocked, runs=60_000)
    redraw = ic_truth(p.follows, p.interactions, seed=2, blocked=blocked, runs=60_000)
    rows = mod.ceilings(p.follows, p.interactions, net, blocked, ic, redraw, seed=4)
    assert set(rows) == set(mod.CEILINGS)
    for name, ranking in rows.items():
        m = rank_metrics(ranking, ic["spread"], ks=(50,), true_top=50)
        assert m["p@50"] >= 0.85, (name, m)
        assert m["spearman"] >= 0.95, (name, m)
    # blocked accounts move nobody in either row
    assert (rows["ceiling_truth_probabilities"].reindex(blocked) == 0).all()
