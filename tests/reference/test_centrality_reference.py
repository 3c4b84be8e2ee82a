"""Centrality on real networks against networkx, igraph, brute force and published values.

Conventions used to read the data (influence direction, see docs/architecture.md):

- email-Eu-core ``u v`` = u e-mailed v: the sender's message reaches the recipient, so the file
  is read with ``edges=`` (already influence direction, ``u -> v``). The follower -> followed
  (attention) graph networkx ranks is the file's graph reversed. Self-loops are dropped by the
  reader, so the networkx references are built without them.
- wiki-Vote ``u v`` = u voted on v: u paid attention to v, read with ``follows=`` (u follows v).
- polblogs ``u -> v`` = blog u links to v: attention, read with ``edge_direction="attention"``;
  parallel links merged, self-loops dropped.
- karate club: undirected; the graph's ``weight`` attribute is not used (published values are
  for the unweighted graph).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from tests.conftest import shared_file

import netinfluence as ni
from netinfluence.metrics import _centrality as C

pytestmark = pytest.mark.shared_data


def as_array(series, mapping) -> np.ndarray:
    return np.array([mapping[i] for i in series.index], dtype=float)


def attention_graph(net: ni.Network) -> nx.DiGraph:
    """follower -> followed graph (the reverse of the influence graph), nodes in node order."""
    return net.to_networkx(attributes=False).reverse()


def simple_undirected(net: ni.Network) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(net.ids)
    src, dst, _ = net.edge_arrays("follows")
    ids = np.asarray(net.ids, dtype=object)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    for a, b in sorted(set(zip(lo.tolist(), hi.tolist(), strict=True))):
        g.add_edge(ids[a], ids[b])
    return g


def brute_h_index(g: nx.Graph) -> dict:
    deg = dict(g.degree())
    out = {}
    for v in g:
        ds = sorted((deg[u] for u in g[v]), reverse=True)
        out[v] = sum(1 for r, d in enumerate(ds, start=1) if d >= r)
    return out


def brute_ci(g: nx.Graph, radius: int = 2) -> dict:
    deg = dict(g.degree())
    out = {}
    for v in g:
        dist = nx.single_source_shortest_path_length(g, v, cutoff=radius)
        out[v] = (
            (deg[v] - 1) * sum(deg[u] - 1 for u, d in dist.items() if d == radius) if deg[v] else 0
        )
    return out


def elected(series) -> list:
    return series.dropna().sort_values(kind="stable").index.tolist()


def check_pagerank(net, attention, tol=1e-6) -> float:
    expected = nx.pagerank(attention, alpha=0.85, weight=None, tol=1e-12, max_iter=10_000)
    got = C.pagerank(net, weighted=False)
    diff = np.abs(got.to_numpy() - as_array(got, expected)).max()
    assert diff < tol
    return diff


def check_structure(net, und) -> None:
    core = C.coreness(net)
    assert (core.to_numpy() == as_array(core, nx.core_number(und))).all()
    h = C.h_index(net)
    assert (h.to_numpy() == as_array(h, brute_h_index(und))).all()
    degree = as_array(h, dict(und.degree()))
    assert (core.to_numpy() <= h.to_numpy()).all() and (h.to_numpy() <= degree).all()
    ci = C.collective_influence(net)
    assert (ci.to_numpy() == as_array(ci, brute_ci(und))).all()


# ---------------------------------------------------------------------------- karate


@pytest.fixture(scope="module")
def karate():
    return ni.Network.from_networkx(nx.karate_club_graph())


def test_karate_published_values(karate):
    table = C.centrality(karate)
    # Zachary's members 1 and 34 are nodes 0 and 33 (classic unweighted values)
    assert table.loc[33, "pagerank"] == pytest.approx(0.1009, abs=5e-5)
    assert table.loc[0, "pagerank"] == pytest.approx(0.0970, abs=5e-5)
    assert table.loc[32, "pagerank"] == pytest.approx(0.0717, abs=5e-5)
    assert table.loc[0, "betweenness"] == pytest.approx(0.4376, abs=5e-5)
    assert table.loc[33, "betweenness"] == pytest.approx(0.3041, abs=5e-5)
    four_core = set(table.index[table["coreness"] == 4])
    assert four_core == {0, 1, 2, 3, 7, 8, 13, 30, 32, 33}
    assert table["in_degree"].sum() == 2 * 78


def test_karate_against_networkx(karate):
    g = nx.Graph(nx.karate_club_graph().edges())  # unweighted
    check_pagerank(karate, g, tol=1e-9)
    b = C.betweenness(karate)
    assert np.abs(b.to_numpy() - as_array(b, nx.betweenness_centrality(g))).max() < 1e-12
    hc = C.harmonic(karate)
    expected = {k: v / 33 for k, v in nx.harmonic_centrality(g).items()}
    assert np.abs(hc.to_numpy() - as_array(hc, expected)).max() < 1e-12
    check_structure(karate, g)
    assert elected(C.voterank(karate)) == nx.voterank(g)
    assert elected(C.voterank(karate, directed=False)) == nx.voterank(g)


# ---------------------------------------------------------------------------- email-Eu-core


@pytest.fixture(scope="module")
def email(shared_data):
    path = shared_file(shared_data, "email-Eu-core", "email-Eu-core.txt")
    return ni.read_network(edges=path)


def test_email_pagerank_coreness_h_index_ci(email):
    assert email.n_nodes == 1005 and email.n_follows == 25_571 - 642
    attention = attention_graph(email)
    check_pagerank(email, attention)
    und = simple_undirected(email)
    assert und.number_of_edges() == 16_064
    check_structure(email, und)


def test_email_voterank_first_150_equal_networkx(email):
    assert elected(C.voterank(email, number_of_nodes=150)) == nx.voterank(
        email.to_networkx(attributes=False), 150
    )


@pytest.mark.slow
def test_email_full_voterank_and_exact_betweenness(email):
    g = email.to_networkx(attributes=False)  # influence digraph (sender -> recipient)
    assert elected(C.voterank(email)) == nx.voterank(g)
    assert elected(C.voterank(email, directed=False)) == nx.voterank(simple_undirected(email))
    b = C.betweenness(email)
    assert b.attrs["method"] == "exact"
    expected = nx.betweenness_centrality(g, normalized=True)
    assert np.abs(b.to_numpy() - as_array(b, expected)).max() < 1e-9


# ---------------------------------------------------------------------------- wiki-Vote


@pytest.fixture(scope="module")
def wiki(shared_data):
    path = shared_file(shared_data, "wiki-Vote", "Wiki-Vote.txt.gz")
    return ni.read_network(follows=path)


def test_wiki_vote_pagerank_against_networkx_and_igraph(wiki):
    assert wiki.n_nodes == 7115 and wiki.n_follows == 103_689
    check_pagerank(wiki, attention_graph(wiki))
    src, dst, _ = wiki.edge_arrays("follows")
    import igraph as ig

    voted = ig.Graph(n=wiki.n_nodes, edges=np.column_stack([dst, src]), directed=True)
    prpack = np.asarray(voted.pagerank(damping=0.85))
    assert np.abs(C.pagerank(wiki).to_numpy() - prpack).max() < 1e-6


def test_wiki_vote_cores_and_voterank(wiki):
    und = simple_undirected(wiki)
    core = C.coreness(wiki)
    assert (core.to_numpy() == as_array(core, nx.core_number(und))).all()
    h = C.h_index(wiki)
    assert (core <= h).all() and (h.to_numpy() <= as_array(h, dict(und.degree()))).all()
    assert elected(C.voterank(wiki, number_of_nodes=60)) == nx.voterank(
        wiki.to_networkx(attributes=False), 60
    )


def test_wiki_vote_sampled_betweenness_tracks_exact(wiki):
    a = C.betweenness(wiki)  # 7,115 nodes: sampled
    assert a.attrs == {"method": "sampled", "samples": 256}
    assert a.equals(C.betweenness(wiki, seed=0))
    exact = C.betweenness(wiki, method="exact")
    assert np.corrcoef(a, exact)[0, 1] > 0.95
    assert set(exact.nlargest(5).index) <= set(a.nlargest(10).index)
    assert abs(a.sum() / exact.sum() - 1) < 0.1


# ---------------------------------------------------------------------------- polblogs


@pytest.fixture(scope="module")
def polblogs(shared_data):
    path = shared_file(shared_data, "polblogs", "polblogs.gml")
    graph = nx.read_gml(path, label="id")
    return graph, ni.Network.from_networkx(graph, edge_direction="attention")


def test_polblogs_pagerank_and_a_list(polblogs):
    graph, net = polblogs
    simple = nx.DiGraph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    check_pagerank(net, simple)
    top = C.pagerank(net).nlargest(5).index
    # README (measured with networkx): the A-list blogs lead
    assert [graph.nodes[i]["label"] for i in top] == [
        "dailykos.com",
        "atrios.blogspot.com",
        "instapundit.com",
        "blogsforbush.com",
        "talkingpointsmemo.com",
    ]


def test_polblogs_structure_and_voterank(polblogs):
    _, net = polblogs
    und = simple_undirected(net)
    assert und.number_of_edges() == 16_715
    check_structure(net, und)
    assert elected(C.voterank(net, number_of_nodes=100)) == nx.voterank(
        net.to_networkx(attributes=False), 100
    )
