"""Issue 17, what a new user hits in the Python API: labelled interaction inputs, positions on
headerless files, suspicious users tables, ambiguous dates, CSV escaping, XLSX number formats,
the networkx export and round trip."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.errors import InputError
from netinfluence.io import parse_timestamps, read_edges

# ----------------------------------------------------------------------------- point 1


def test_interactions_list_mixes_plain_and_labelled_sources_in_order(tmp_path):
    typed = tmp_path / "typed.csv"
    typed.write_text("source,target,type\na,b,reply\n")
    mention = tmp_path / "mention.gz"
    with gzip.open(mention, "wt") as fh:
        fh.write("c a 2\n")
    net = ni.read_network(interactions=[typed, {"mention": [mention]}])
    assert list(net.ids) == ["a", "b", "c"]
    assert sorted(net.interactions["type"].astype(str)) == ["mention", "reply"]
    assert net.interactions.set_index("type")["count"].to_dict() == {"mention": 2.0, "reply": 1.0}


def test_positions_name_columns_of_a_headerless_file(tmp_path):
    f = tmp_path / "snap.txt"
    f.write_text("1 2 1700000000 5\n2 3 1700000100 1\n")
    t = read_edges(f, kind="interactions", columns={"timestamp": 2, "count": 3})
    assert t["count"].tolist() == [5.0, 1.0]
    assert t["timestamp"].tolist() == [1700000000.0, 1700000100.0]
    assert t["source"].tolist() == ["1", "2"]


# ----------------------------------------------------------------------------- point 2


def _edges_and_users(tmp_path, user_ids):
    f = tmp_path / "follows.csv"
    f.write_text("follower,followed\na,b\nb,c\nc,a\n")
    u = tmp_path / "users.csv"
    u.write_text("id,followers\n" + "".join(f"{i},10\n" for i in user_ids))
    return f, u


def test_users_matching_no_edge_endpoint_warn_at_the_callers_line(tmp_path):
    f, u = _edges_and_users(tmp_path, ["@a", "@b", "@c", "a"])
    with pytest.warns(UserWarning, match="users.csv") as caught:
        net = ni.read_network(follows=f, users=u)
    (w,) = caught.list
    assert w.filename == __file__  # stacklevel: the user's own call
    text = str(w.message)
    assert "1 of 4" in text and "@a" in text and "b" in text
    line = [ln for ln in net.load_report.lines if ln.action == "warning"]
    assert line and line[0].count == 3 and "match no edge endpoint" in line[0].reason


def test_users_mostly_matching_do_not_warn(tmp_path):
    f, u = _edges_and_users(tmp_path, ["a", "b", "zed"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = ni.read_network(follows=f, users=u)
    assert net.load_report.count("warning") == 0


def test_ambiguous_day_month_date_is_an_input_error_naming_file_row_and_value(tmp_path):
    f = tmp_path / "i.csv"
    f.write_text("source,target,timestamp\na,b,2026-04-01\na,c,01/04/2026\n")
    with pytest.raises(InputError) as info:
        ni.read_network(interactions=f, on_bad_rows="drop")
    msg = str(info.value)
    assert "i.csv" in msg and "row 2" in msg and "'01/04/2026'" in msg and "date_format" in msg


@pytest.mark.parametrize(("fmt", "day"), [("%d/%m/%Y", "2026-04-01"), ("%m/%d/%Y", "2026-01-04")])
def test_date_format_says_which_is_the_day(tmp_path, fmt, day):
    f = tmp_path / "i.csv"
    f.write_text("source,target,timestamp\na,b,01/04/2026\na,c,2026-04-02T10:00:00Z\nb,c,5\n")
    net = ni.read_network(interactions=f, date_format=fmt)
    stamps = net.interactions.sort_values("timestamp")["timestamp"].to_numpy()
    assert stamps[0] == 5.0
    assert stamps[1] == pd.Timestamp(day, tz="UTC").timestamp()
    assert stamps[2] == pd.Timestamp("2026-04-02T10:00:00Z").timestamp()


def test_parse_timestamps_never_guesses_day_or_month():
    secs, _, bad = parse_timestamps(pd.Series(["01/04/2026", "13/04/2026", "04/04/2026"]))
    assert bad.tolist() == [True, False, False]
    assert np.isnan(secs[0])


# ----------------------------------------------------------------------------- point 3: plots


@pytest.fixture(scope="module")
def twelve():
    from netinfluence.datasets import load_sample
    from netinfluence.pipeline import analyze

    return analyze(load_sample(n_accounts=1200, n_communities=12), seed=0)


def test_community_map_gives_every_community_its_own_colour(twelve):
    from matplotlib.colors import to_rgba

    from netinfluence.report.plots import community_map, community_palette

    k = int(twelve.labels.nunique())
    assert k > 8
    fig = community_map(twelve.net, twelve.labels, ranked=twelve.ranked)
    ax = fig.axes[0]
    nodes = next(c for c in ax.collections if len(c.get_offsets()) == twelve.net.n_nodes)
    drawn = {tuple(np.round(c, 4)) for c in nodes.get_facecolors()}
    palette = {tuple(np.round(to_rgba(c), 4)) for c in community_palette(k)}
    assert len(palette) == k
    assert len(drawn & palette) == k  # each community's saturated centre in its own colour
    named = [t for t in ax.texts if t.get_text().endswith(")") and "(" in t.get_text()]
    assert len(named) == k  # the largest communities are named


def test_score_vs_followers_leader_lines_stay_above_the_cloud(twelve):
    from matplotlib.text import Annotation

    from netinfluence.report.plots import score_vs_followers

    ranked = twelve.ranked
    fig = score_vs_followers(ranked, label_top=8)
    notes = [t for t in fig.axes[0].texts if isinstance(t, Annotation)]
    assert len(notes) == 8
    labelled = ranked.nsmallest(8, "rank")
    others = ranked.drop(labelled.index)
    top_other = float(others["score"].max())
    for note in notes:
        (_, y0), (_, y1) = note.xy, note.xyann
        assert min(y0, y1) >= top_other  # the line runs through no point of the cloud


def test_degree_distribution_legend_covers_no_curve(twelve):
    from netinfluence.report.plots import degree_distributions

    fig = degree_distributions(twelve.net)
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_legend().get_window_extent()
    for line in ax.get_lines():
        xy = ax.transData.transform(line.get_xydata())
        inside = (
            (xy[:, 0] >= box.x0)
            & (xy[:, 0] <= box.x1)
            & (xy[:, 1] >= box.y0)
            & (xy[:, 1] <= box.y1)
        )
        assert not inside.any(), line.get_label()


# ----------------------------------------------------------------------------- point 3: graphs


@pytest.fixture
def layered():
    follows = pd.DataFrame(
        {"follower": ["ana", "bo", "cy", "bo"], "followed": ["bo", "ana", "ana", "cy"]}
    )
    inter = pd.DataFrame(
        {
            "source": ["bo", "cy", "cy", "ana"],
            "target": ["ana", "ana", "ana", "dee"],
            "type": ["reply", "like", "reply", "mention"],
            "count": [2, 1, 3, 1],
            "timestamp": [1.7e9, np.nan, 1.7e9 + 60, 1.7e9 + 5],
        }
    )
    users = pd.DataFrame(
        {
            "id": ["ana", "bo", "cy", "dee"],
            "handle": ["@ana", "@bo", None, "@dee"],
            "followers": [10, 20, 30, 5],
        }
    )
    return ni.Network.from_edges(follows, interactions=inter, users=users)


def _tables(net):
    inter = net.interactions.assign(type=lambda t: t["type"].astype(str))
    key = ["source", "target", "type", "timestamp"]
    return (
        list(net.ids),
        net.follows.sort_values(["source", "target"]).reset_index(drop=True),
        inter.sort_values(key).reset_index(drop=True),
        net.nodes,
    )


@pytest.mark.parametrize("direction", ["influence", "attention"])
def test_to_networkx_all_layers_round_trips_through_from_networkx(layered, direction):
    g = layered.to_networkx("all", edge_direction=direction)
    assert g.graph["edge_direction"] == direction
    layers = sorted(d["layer"] for _, _, d in g.edges(data=True))
    assert layers.count("follows") == layered.n_follows
    assert layers.count("interactions") == layered.n_interactions
    back = ni.Network.from_networkx(g)
    ids, follows, inter, nodes = _tables(back)
    ids0, follows0, inter0, nodes0 = _tables(layered)
    assert ids == ids0
    pd.testing.assert_frame_equal(follows, follows0)
    pd.testing.assert_frame_equal(inter, inter0, check_dtype=False)
    pd.testing.assert_frame_equal(nodes, nodes0, check_dtype=False)


def test_to_networkx_attention_direction_reads_follower_to_followed(layered):
    g = layered.to_networkx("follows", edge_direction="attention")
    assert ("ana", "bo") in g.edges  # ana follows bo
    assert g.graph["influence_flows"] == "target -> source"
    assert layered.to_networkx().graph["influence_flows"] == "source -> target"


def test_gexf_labels_by_handle_reads_follower_to_followed_and_is_lean(tmp_path, twelve):
    import networkx as nx

    from netinfluence.pipeline import export_graph

    lean = export_graph(twelve, tmp_path / "lean.gexf", layer="follows")
    full = export_graph(twelve, tmp_path / "full.gexf", layer="follows", attributes="all")
    assert lean.stat().st_size < 0.6 * full.stat().st_size
    text = lean.read_text()
    assert (
        "influence flows target -&gt; source" in text or "influence flows target -> source" in text
    )
    g = nx.read_gexf(lean)
    net = twelve.net
    handle = net.nodes["handle"]
    node = net.ids[0]
    assert g.nodes[node]["label"] == handle[node]
    f = net.follows.iloc[0]  # influence source -> target: target follows source
    assert g.has_edge(f["target"], f["source"])
    attrs = set(g.nodes[node])
    assert {"rank", "score", "community", "tier"} <= attrs
    assert "within_module_z" not in attrs and "within_module_z" in nx.read_gexf(full).nodes[node]
    assert isinstance(g.nodes[node]["followers"], int)
