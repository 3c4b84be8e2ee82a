"""Reach on real graphs: exact counts against networkx BFS, sketch error targets.

Error targets for the HyperLogLog sketch at the default precision (2**12 registers): median
relative error within 2 % and 90th percentile within 5 % of the exact count, over the nodes
with a non-zero reach.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.metrics import reach, set_reach

pytestmark = pytest.mark.shared_data


def _file(shared_data, *parts):
    path = shared_data.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"dataset file missing: {path}")
    return path


def _email(shared_data):
    path = _file(shared_data, "email-Eu-core", "email-Eu-core.txt")
    # "u v": u e-mailed v, read as "u follows v": influence v -> u
    net = ni.read_network(follows=path)
    raw = nx.read_edgelist(path, create_using=nx.DiGraph, nodetype=str)
    raw.remove_edges_from(list(nx.selfloop_edges(raw)))
    return net, raw.reverse(copy=True)


def _brute(g, nodes, hops, labels=None):
    out = {}
    for u in nodes:
        dist = nx.single_source_shortest_path_length(g, u, cutoff=hops)
        out[u] = sum(1 for v in dist if v != u and (labels is None or labels[v] == labels[u]))
    return out


def _errors(exact: pd.Series, sketch: pd.Series) -> tuple[float, float]:
    nz = exact > 0
    rel = (sketch[nz] - exact[nz]).abs() / exact[nz]
    assert (sketch[~nz] == 0).all()
    return float(rel.median()), float(rel.quantile(0.9))


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_email_exact_equals_bfs(shared_data, hops):
    net, g = _email(shared_data)
    got = reach(net, hops=hops, method="exact")
    ref = _brute(g, g.nodes, hops)
    assert got.to_dict() == {u: ref.get(u, 0) for u in net.ids}
    assert got.attrs["method"] == "exact"


def test_email_within_department_equals_bfs(shared_data):
    net, g = _email(shared_data)
    lab_path = _file(shared_data, "email-Eu-core", "email-Eu-core-department-labels.txt")
    dept = pd.read_csv(lab_path, sep="\t", header=None, names=["node", "dept"], dtype=str)
    labels = dict(zip(dept["node"], dept["dept"].astype(int), strict=True))
    got = reach(net, within_community=True, labels=pd.Series(labels))
    ref = _brute(g, g.nodes, 2, labels)
    assert got.to_dict() == {u: ref.get(u, 0) for u in net.ids}
    assert (got <= reach(net)).all()


def test_email_set_reach_equals_bfs_union(shared_data):
    net, g = _email(shared_data)
    seeds = [str(s) for s in (0, 5, 17, 160, 434, 1000)]
    total, overlap = set_reach(net, seeds)
    aud = {s: set(nx.single_source_shortest_path_length(g, s, cutoff=2)) - {s} for s in seeds}
    assert total == len(set().union(*aud.values()))
    assert overlap.to_numpy().tolist() == [[len(aud[a] & aud[b]) for b in seeds] for a in seeds]


def test_email_sketch_error_targets(shared_data):
    net, _ = _email(shared_data)
    ex = reach(net, method="exact")
    sk = reach(net, method="sketch", seed=0)
    median, p90 = _errors(ex, sk)
    assert median <= 0.02, f"median relative error {median:.4f}"
    assert p90 <= 0.05, f"90th percentile relative error {p90:.4f}"
    assert (sk >= net.graph("follows").outdegree()).all()


def test_facebook_sketch_error_targets(shared_data):
    path = _file(shared_data, "ego-Facebook", "facebook_combined.txt.gz")
    net = ni.read_network(edges=path, directed=False)
    ex = reach(net, method="exact")
    assert ex.attrs["method"] == "exact"
    sk = reach(net, method="sketch", seed=0)
    median, p90 = _errors(ex, sk)
    assert median <= 0.02, f"median relative error {median:.4f}"
    assert p90 <= 0.05, f"90th percentile relative error {p90:.4f}"


def test_facebook_exact_equals_bfs(shared_data):
    path = _file(shared_data, "ego-Facebook", "facebook_combined.txt.gz")
    net = ni.read_network(edges=path, directed=False)
    g = nx.read_edgelist(path, nodetype=str)
    got = reach(net, method="exact")
    sample = [str(i) for i in range(0, 4039, 13)]
    ref = _brute(g, sample, 2)
    assert got[sample].to_dict() == ref


@pytest.mark.parametrize("layer", ["ties", "interactions"])
def test_higgs_mention_sketch_error_targets(shared_data, layer):
    path = _file(shared_data, "higgs-twitter", "higgs-mention_network.edgelist.gz")
    net = ni.read_network(interactions={"mention": path})
    ex = reach(net, method="exact", layer=layer)
    sk = reach(net, method="sketch", layer=layer, seed=0)
    median, p90 = _errors(ex, sk)
    assert median <= 0.02, f"median relative error {median:.4f}"
    assert p90 <= 0.05, f"90th percentile relative error {p90:.4f}"
    # star-like: a handful of accounts reach most of the audience
    assert ex.max() > 10_000 and (ex == 0).mean() > 0.5


def test_higgs_mention_exact_equals_bfs_on_a_sample(shared_data):
    path = _file(shared_data, "higgs-twitter", "higgs-mention_network.edgelist.gz")
    net = ni.read_network(interactions={"mention": path})
    raw = nx.read_weighted_edgelist(path, create_using=nx.DiGraph, nodetype=str)
    raw.remove_edges_from(list(nx.selfloop_edges(raw)))
    g = raw.reverse(copy=False)  # "A B": A mentioned B, so B's content reached A
    got = reach(net, method="exact")
    rng = np.random.default_rng(0)
    top = list(got.nlargest(5).index)
    sample = top + list(rng.choice(np.asarray(net.ids, dtype=object), 300, replace=False))
    assert got[sample].to_dict() == _brute(g, sample, 2)
