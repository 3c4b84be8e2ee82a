"""The Network value object: direction, merging, ids, views and interop round-trips."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netinfluence as ni


def test_influence_direction_for_follows_and_interactions():
    net = ni.read_network(
        follows=pd.DataFrame({"follower": ["fan"], "followed": ["star"]}),
        interactions=pd.DataFrame({"source": ["fan"], "target": ["star"], "type": ["reply"]}),
    )
    # the star's content reaches the fan: edge star -> fan in both layers
    assert net.follows[["source", "target"]].to_numpy().tolist() == [["star", "fan"]]
    assert net.interactions[["source", "target"]].to_numpy().tolist() == [["star", "fan"]]


def test_duplicates_merged_self_loops_dropped_nodes_kept(tricky_net):
    net = tricky_net
    report = net.load_report
    assert report.count("merged") == 1  # ana -> @budi_s twice
    assert report.count("dropped") == 1  # zoë follows zoë
    assert "zoë" in net.ids and "lonely" in net.ids  # loop-only and edge-less users kept
    assert net.n_follows == 7
    pairs = set(map(tuple, net.follows[["source", "target"]].values))
    assert ("@budi_s", "ana") in pairs and ("zoë", "zoë") not in pairs


def test_ids_keep_type_and_spelling(tricky_net):
    assert list(tricky_net.ids[:4]) == ["007", "ana", "@budi_s", "zoë"]
    assert tricky_net.ids.name == "node"
    ints = ni.Network.from_edges([(10, 3), (3, 999)])
    assert list(ints.ids) == [10, 3, 999]
    assert all(isinstance(i, int) for i in ints.ids)


def test_users_order_first_then_new_endpoints_with_empty_attributes():
    users = pd.DataFrame({"id": ["z", "a"], "followers": [5, 7]})
    net = ni.read_network(
        follows=pd.DataFrame({"follower": ["a", "new"], "followed": ["b", "a"]}), users=users
    )
    assert list(net.ids) == ["z", "a", "new", "b"]  # then column by column, first appearance
    assert np.isnan(net.nodes.loc["b", "followers"])
    assert net.load_report.count("added") == 2
    assert net.load_report.count("kept") == 1  # z has no edges


def test_interaction_duplicates_merge_on_pair_type_and_time():
    inter = pd.DataFrame(
        {
            "source": ["a", "a", "a", "a"],
            "target": ["b", "b", "b", "b"],
            "type": ["like", "like", "like", "reply"],
            "count": [1, 2, 1, 1],
            "timestamp": [10, 10, 20, 10],
        }
    )
    net = ni.read_network(interactions=inter)
    t = net.interactions
    assert len(t) == 3
    assert t.loc[(t["type"] == "like") & (t["timestamp"] == 10), "count"].item() == 3
    _, _, w = net.edge_arrays("interactions")
    assert w.tolist() == [5.0]


def test_follows_and_interactions_merges_report_in_input_order(tmp_path):
    # the two merges run side by side, each into its own report: the lines still come in the
    # order follows, then interactions, with the counts each merge made
    (tmp_path / "f.csv").write_text("follower,followed\na,b\na,b\na,b\nb,c\n")
    (tmp_path / "i.csv").write_text("source,target,type\na,b,like\na,b,like\nc,a,reply\n")
    net = ni.read_network(follows=tmp_path / "f.csv", interactions=tmp_path / "i.csv")
    merged = net.load_report.to_frame().query("action == 'merged'")
    assert merged["count"].tolist() == [2, 1]
    assert merged["source"].iloc[0].endswith("f.csv") and "interactions" in merged["source"].iloc[1]


def test_undirected_reading_makes_mutual_ties():
    net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("b", "c")], directed=False)
    assert not net.directed
    assert net.n_follows == 4  # a<->b, b<->c
    assert net.load_report.count("merged") == 1
    g = net.graph("follows", directed=False)
    assert g.ecount() == 2 and g.es["weight"] == [1.0, 1.0]


def test_probability_merge_of_parallel_edges():
    edges = pd.DataFrame(
        {"source": ["a", "a", "b"], "target": ["b", "b", "c"], "weight": [0.5, 0.5, 0.2]}
    )
    net = ni.read_network(edges=edges, edge_weight_merge="probability")
    w = dict(
        zip(
            map(tuple, net.follows[["source", "target"]].values), net.follows["weight"], strict=True
        )
    )
    assert w[("a", "b")] == pytest.approx(0.75)
    assert w[("b", "c")] == pytest.approx(0.2)


def test_graph_views_and_positions(tricky_net):
    g = tricky_net.graph("follows")
    assert g.is_directed() and g.vcount() == tricky_net.n_nodes
    assert tricky_net.graph("follows") is g  # cached
    pos = tricky_net.position(["ana", "007"])
    assert list(tricky_net.ids[pos]) == ["ana", "007"]
    with pytest.raises(ni.InputError, match="not in the network"):
        tricky_net.position(["ghost"])
    with pytest.raises(ni.InputError, match="layer must be one of"):
        tricky_net.graph("friends")


def test_networkx_round_trip_keeps_ids_edges_and_attributes(tricky_net):
    g = tricky_net.to_networkx()
    assert set(g.nodes) == set(tricky_net.ids)
    assert g.nodes["ana"]["followers"] == 54000
    back = ni.Network.from_networkx(g)
    assert list(back.ids) == list(tricky_net.ids)
    pairs = lambda n: set(map(tuple, n.follows[["source", "target"]].values))  # noqa: E731
    assert pairs(back) == pairs(tricky_net)
    assert back.nodes.loc["ana", "followers"] == 54000


def test_from_networkx_attention_direction_and_undirected():
    d = nx.DiGraph([("fan", "star")])
    net = ni.Network.from_networkx(d, edge_direction="attention")
    assert net.follows[["source", "target"]].to_numpy().tolist() == [["star", "fan"]]
    karate = ni.Network.from_networkx(nx.karate_club_graph())
    assert karate.n_nodes == 34 and not karate.directed
    assert karate.graph("follows", directed=False).ecount() == 78
    assert list(karate.ids) == list(range(34))


def test_igraph_export_has_names_and_attributes(tricky_net):
    g = tricky_net.to_igraph()
    assert g.vs["name"] == list(tricky_net.ids)
    assert g.vs.find(name="ana")["followers"] == 54000
    assert g.ecount() == tricky_net.n_follows


def test_empty_network(empty_net):
    assert empty_net.n_nodes == 0
    assert empty_net.summary()["nodes"] == 0
    assert empty_net.graph("follows").vcount() == 0


def test_nothing_to_read():
    with pytest.raises(ni.InputError, match="nothing to read"):
        ni.read_network()


def test_summary_counts(tricky_net):
    s = tricky_net.summary()
    assert s["nodes"] == 7
    assert s["isolated_nodes"] == 1  # lonely
    assert s["weak_components"] == 3  # main cluster, x1-x2, lonely


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_string_ids_encoded_in_runs_equal_one_pass(monkeypatch, threads):
    # ids are split into one run per thread; joining the runs' dictionaries must give the
    # codes and first-appearance order of a single pass (pandas.factorize)
    import itertools

    import pyarrow as pa

    from netinfluence.network._read import _encode_strings

    monkeypatch.setenv("NETINFLUENCE_THREADS", threads)
    rng = np.random.default_rng(3)
    ids = np.array([f"u{k}" for k in rng.integers(0, 400, 3000)], dtype=object)
    ids[2900:] = [f"late{k}" for k in range(100)]  # values first seen in the last run
    cuts = [0, 1, 700, 700, 1500, 2999, 3000]  # uneven chunks, one empty
    chunks = [
        pa.array(ids[a:b].tolist(), type=pa.large_string()) for a, b in itertools.pairwise(cuts)
    ]
    codes, uniques = _encode_strings(chunks)
    want_codes, want_uniques = pd.factorize(ids, sort=False)
    np.testing.assert_array_equal(codes, want_codes)
    assert codes.dtype == np.int64
    assert uniques.tolist() == list(want_uniques)


@pytest.mark.parametrize(
    ("extra", "as_words"),
    [
        (["", "é", "ab\u00e9cd", "12345678", "1234567", "李李"], True),  # 0 to 8 bytes
        (["123456789"], False),  # 9 bytes: hashed as text
        (["a\x00", "a"], False),  # a zero byte would make "a\0" and "a" one word
    ],
)
def test_short_ids_encoded_as_words_equal_text_encoding(extra, as_words):
    import pyarrow as pa

    from netinfluence.network._read import _as_words, _encode_strings

    rng = np.random.default_rng(5)
    ids = np.array([f"@{k}" for k in rng.integers(0, 300, 2000)] + extra * 3, dtype=object)
    rng.shuffle(ids)
    whole = pa.array(ids.tolist(), type=pa.large_string())
    # chunks that are slices (non-zero offsets), and one on an unpadded buffer of its own
    tail = [v.encode() for v in ids[1990:]]
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in tail])]).astype(np.int64)
    unpadded = pa.LargeStringArray.from_buffers(
        len(tail), pa.py_buffer(offsets), pa.py_buffer(b"".join(tail))
    )
    chunks = [whole[:5], whole[5:1990], unpadded]
    assert (_as_words(chunks) is not None) == as_words
    codes, uniques = _encode_strings(chunks)
    want_codes, want_uniques = pd.factorize(ids, sort=False)
    np.testing.assert_array_equal(codes, want_codes)
    assert uniques.tolist() == list(want_uniques)
