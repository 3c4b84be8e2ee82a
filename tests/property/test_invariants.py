"""Property-based tests over random small networks: the invariants every metric keeps.

- one contract over every public per-node metric: index equals the nodes (name ``node``),
  the result is named, no NaN where none is allowed, the same seed gives the same result;
- relabelling the ids permutes the result;
- out-degree <= 2-hop reach <= n - 1;
- a partition covers each node exactly once, labelled 0..k-1 by decreasing size;
- export then import gives the same table.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netinfluence as ni

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ID_POOL = ["007", "ana", "@budi_s", "zoë", "李", "x1", "0", "-1", "a b", "user_42", "Ω", "09"]


@st.composite
def networks(draw, min_nodes=1, max_nodes=10):
    n = draw(st.integers(min_nodes, max_nodes))
    ids = draw(st.permutations(ID_POOL))[:n] if n <= len(ID_POOL) else ID_POOL
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
    follows = draw(st.lists(pairs, max_size=3 * n))
    inter = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ids),
                st.sampled_from(ids),
                st.sampled_from(["reply", "like", "mention", "quote"]),
                st.integers(1, 5),
            ),
            max_size=2 * n,
        )
    )
    users = pd.DataFrame(
        {
            "id": list(ids),
            "followers": draw(
                st.lists(st.integers(0, 2_000_000), min_size=len(ids), max_size=len(ids))
            ),
        }
    )
    with warnings.catch_warnings():
        # random users tables are mostly isolated accounts on purpose: the reader's warning
        # about users that match no edge is right, and not what these properties are about
        warnings.filterwarnings("ignore", ".*user rows that match no edge endpoint", UserWarning)
        return _read_generated(follows, inter, users)


def _read_generated(follows, inter, users) -> ni.Network:
    return ni.read_network(
        follows=pd.DataFrame(follows, columns=["follower", "followed"], dtype=object),
        interactions=pd.DataFrame(inter, columns=["source", "target", "type", "count"])
        if inter
        else None,
        users=users,
    )


def metric_calls():
    """(name, function, NaN allowed?) for every public per-node metric."""
    from netinfluence import metrics, scoring

    calls = [
        ("communities", lambda net, seed: metrics.communities(net, seed=seed), False),
        ("roles", lambda net, seed: metrics.roles(net, metrics.communities(net, seed=seed)), False),
        ("reach_exact", lambda net, seed: metrics.reach(net, method="exact"), False),
        ("reach_sketch", lambda net, seed: metrics.reach(net, method="sketch", seed=seed), False),
        ("reach_expected", lambda net, seed: metrics.reach(net, expected=True, seed=seed), False),
        ("tiers", lambda net, seed: metrics.tiers(net), False),
        ("reciprocity", lambda net, seed: metrics.reciprocity(net), False),
        (
            "engagement",
            lambda net, seed: metrics.engagement(net)[
                ["followers", "tier", "interactions_received"]
            ],
            False,
        ),
        ("flags", lambda net, seed: metrics.authenticity_flags(net)[["flags"]], False),
        ("citizen_score", lambda net, seed: scoring.citizen_score(net, seed=seed), False),
        (
            "centrality",
            lambda net, seed: metrics.centrality(
                net,
                measures=[
                    "in_degree",
                    "strength",
                    "pagerank",
                    "coreness",
                    "h_index",
                    "betweenness",
                    "harmonic",
                    "collective_influence",
                ],
                seed=seed,
            ),
            False,
        ),
    ]
    return calls


CALLS = metric_calls()


@pytest.mark.parametrize("name,func,nan_ok", CALLS, ids=[c[0] for c in CALLS])
@SETTINGS
@given(net=networks())
def test_metric_contract(name, func, nan_ok, net):
    result = func(net, 3)
    assert result.index.equals(net.ids)
    assert result.index.name == "node"
    if isinstance(result, pd.Series):
        assert result.name
    else:
        assert all(isinstance(c, str) and c for c in result.columns)
    if not nan_ok:
        assert not pd.DataFrame(result).isna().to_numpy().any(), result
    again = func(net, 3)
    pd.testing.assert_frame_equal(pd.DataFrame(result), pd.DataFrame(again))


def relabel(net: ni.Network, mapping: dict) -> ni.Network:
    f = net.follows
    it = net.interactions
    users = net.nodes.reset_index().rename(columns={"node": "id"})
    users["id"] = users["id"].map(mapping)
    with warnings.catch_warnings():  # as in networks(): isolated users are deliberate
        warnings.filterwarnings("ignore", ".*user rows that match no edge endpoint", UserWarning)
        return _read_relabelled(f, it, users, mapping)


def _read_relabelled(f, it, users, mapping) -> ni.Network:
    return ni.read_network(
        follows=pd.DataFrame(
            {"follower": f["target"].map(mapping), "followed": f["source"].map(mapping)}
        )
        if len(f)
        else None,
        interactions=pd.DataFrame(
            {
                "source": it["target"].map(mapping),
                "target": it["source"].map(mapping),
                "type": it["type"],
                "count": it["count"],
            }
        )
        if len(it)
        else None,
        users=users,
    )


@SETTINGS
@given(net=networks(min_nodes=2))
def test_relabelling_permutes_deterministic_metrics(net):
    from netinfluence import metrics

    mapping = {i: f"renamed-{k}" for k, i in enumerate(net.ids)}
    other = relabel(net, mapping)
    for f in (
        lambda x: metrics.reach(x, method="exact"),
        lambda x: metrics.reciprocity(x),
        lambda x: metrics.centrality(
            x, measures=["in_degree", "pagerank", "coreness", "h_index", "collective_influence"]
        ),
    ):
        a = pd.DataFrame(f(net))
        b = pd.DataFrame(f(other))
        a.index = pd.Index([mapping[i] for i in a.index], dtype=object, name="node")
        pd.testing.assert_frame_equal(
            a.sort_index(), b.sort_index(), check_exact=False, rtol=1e-9, atol=1e-12
        )


@SETTINGS
@given(net=networks())
def test_reach_bounds(net):
    from netinfluence import metrics

    r = metrics.reach(net, method="exact").to_numpy()
    src = net.follow_codes["source"].to_numpy()
    out_degree = np.bincount(src, minlength=net.n_nodes)
    assert (out_degree <= r).all()
    assert (r <= max(net.n_nodes - 1, 0)).all()


@SETTINGS
@given(net=networks(), seed=st.integers(0, 5))
def test_partition_covers_each_node_once(net, seed):
    from netinfluence import metrics

    labels = metrics.communities(net, seed=seed)
    assert labels.index.equals(net.ids) and labels.notna().all()
    k = labels.nunique()
    assert set(labels) == set(range(k))
    sizes = labels.value_counts().sort_index().to_numpy()
    assert (np.diff(sizes) <= 0).all()


@SETTINGS
@given(net=networks())
def test_export_then_import_gives_the_same_table(net, tmp_path_factory):
    from netinfluence.io import write_table
    from netinfluence.scoring import rank

    table = rank(net, top=0)
    folder = tmp_path_factory.mktemp("rt")
    for ext in (".parquet", ".json", ".csv"):
        path = write_table(table, folder / f"t{ext}", escape=False)
        if ext == ".parquet":
            back = pd.read_parquet(path)
        elif ext == ".json":
            back = pd.read_json(path, dtype={"node": str, "handle": str})
        else:
            back = pd.read_csv(
                path, dtype={"node": str, "handle": str}, keep_default_na=False, na_values=[""]
            )
        assert back["node"].astype(str).tolist() == table["node"].astype(str).tolist()
        np.testing.assert_allclose(
            back["score"].to_numpy(float), table["score"].to_numpy(float), rtol=1e-9
        )
        assert back["why"].tolist() == table["why"].tolist()
