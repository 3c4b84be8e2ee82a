"""Loaders on the real datasets in ../shared/data, against the counts their READMEs publish."""

from __future__ import annotations

import pytest
from tests.conftest import shared_file

import netinfluence as ni

pytestmark = pytest.mark.shared_data


def test_email_eu_core(shared_data):
    path = shared_file(shared_data, "email-Eu-core", "email-Eu-core.txt")
    net = ni.read_network(follows=path)
    assert net.n_nodes == 1005
    assert net.load_report.count("read") == 25_571
    assert net.load_report.count("dropped") == 642  # self-loops, nodes kept
    assert net.n_follows == 25_571 - 642
    s = net.summary()
    assert s["largest_component"] == 986
    assert s["weak_components"] == 20
    assert s["reciprocity"] == pytest.approx(0.711, abs=0.0005)
    assert net.graph("follows", directed=False).ecount() == 16_064
    assert net.graph("follows").connected_components("strong").giant().vcount() == 803


def test_higgs_mention_and_reply_layers(shared_data):
    mention = shared_file(shared_data, "higgs-twitter", "higgs-mention_network.edgelist.gz")
    reply = shared_file(shared_data, "higgs-twitter", "higgs-reply_network.edgelist.gz")
    m = ni.read_network(interactions={"mention": mention})
    assert m.n_nodes == 116_408
    assert m.load_report.count("read") == 150_818
    assert m.load_report.count("dropped") == 5_353
    assert len(m.edge_arrays("interactions")[0]) == 150_818 - 5_353
    r = ni.read_network(interactions={"reply": reply})
    assert r.n_nodes == 38_918
    assert len(r.edge_arrays("interactions")[0]) == 32_523 - 343
    both = ni.read_network(interactions={"mention": mention, "reply": reply})
    assert set(both.interactions["type"].unique()) == {"mention", "reply"}
    assert both.n_interactions == m.n_interactions + r.n_interactions
    # the same user id is the same account in both layers
    assert both.n_nodes == len(set(m.ids) | set(r.ids))


def test_nethept_with_its_count_header(shared_data):
    path = shared_file(shared_data, "NetHEPT", "NetHEPT.txt.gz")
    net = ni.read_network(edges=path, skip_rows=1, edge_weight_merge="probability")
    assert net.n_nodes == 15_233
    assert net.load_report.count("read") == 58_891
    assert net.n_follows + 22 == 32_235  # unique directed pairs, 22 self-loop pairs dropped
    assert net.graph("follows", directed=False).ecount() == 31_398 - 22
    assert "15233" not in set(net.ids) or "58891" not in set(net.ids)
    w = net.follows["weight"]
    assert ((w > 0) & (w <= 1)).all()
    # read naively, the count line would be a false edge 15233-58891: refused, with the fix
    with pytest.raises(ni.InputError, match="skip_rows=1"):
        ni.read_network(edges=path)


def test_polblogs_gml(shared_data):
    path = shared_file(shared_data, "polblogs", "polblogs.gml")
    net = ni.read_network(graph=path)
    assert net.n_nodes == 1_490
    assert net.load_report.count("read", str(path)) == 1_490 + 19_090
    assert net.n_follows == 19_025 - 3
    s = net.summary()
    assert s["isolated_nodes"] == 266
    assert s["largest_component"] == 1_222
    assert net.nodes["value"].value_counts().to_dict() == {0: 758, 1: 732}
    assert net.graph("follows", directed=False).ecount() == 16_715


def test_collegemsg_event_stream(shared_data):
    path = shared_file(shared_data, "CollegeMsg", "CollegeMsg.txt.gz")
    net = ni.read_network(
        interactions=path, columns={"interactions": ["source", "target", "timestamp"]}
    )
    assert net.n_nodes == 1_899
    src, _, w = net.edge_arrays("interactions")
    assert len(src) == 20_296
    assert w.sum() == 59_835
    ts = net.interactions["timestamp"]
    assert ts.min() >= 1_082_000_000 and ts.max() <= 1_098_800_000  # 2004-04-15 .. 2004-10-26


def test_ego_facebook_undirected(shared_data):
    path = shared_file(shared_data, "ego-Facebook", "facebook_combined.txt.gz")
    net = ni.read_network(follows=path, directed=False)
    assert net.n_nodes == 4_039
    assert net.graph("follows", directed=False).ecount() == 88_234
    assert net.n_follows == 2 * 88_234
