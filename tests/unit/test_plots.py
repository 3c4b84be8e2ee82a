"""Plots: each renders to a non-blank PNG with its labels, and draws what its data say."""

from __future__ import annotations

import io
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import netinfluence as ni
from netinfluence.datasets import load_sample
from netinfluence.pipeline import analyze
from netinfluence.report import plots
from netinfluence.scoring import COMPONENTS, ScoreWeights


@pytest.fixture(scope="module")
def analysis():
    return analyze(load_sample(n_accounts=800, n_communities=5), seed=0)


def png_pixels(fig) -> np.ndarray:
    """Render to PNG (through bytes, as a file would be) and decode it."""
    import matplotlib.image as mpimg

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5_000
    buf.seek(0)
    return mpimg.imread(buf, format="png")


def assert_not_blank(fig):
    pixels = png_pixels(fig)[..., :3]
    assert pixels.std() > 0.05  # not one flat colour
    assert len(np.unique(pixels.reshape(-1, 3).round(2), axis=0)) > 20  # drawn, not a stub


def all_text(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


# ------------------------------------------------------------------------------ rendering


VALIDATION = pd.DataFrame(
    {
        "ranking": ["degree", "pagerank", "citizen_score"],
        "imprecision": [0.2, 0.15, 0.1],
        "kendall_tau": [0.55, 0.6, 0.62],
    }
)
SEEDS = pd.DataFrame({"order": [1, 2, 3], "cumulative_spread": [30.0, 50.0, 60.0]})
BUILDERS = {
    "community_map": lambda a: plots.community_map(a.net, a.labels, ranked=a.ranked),
    "score_vs_followers": lambda a: plots.score_vs_followers(a.ranked),
    "component_breakdown": lambda a: plots.component_breakdown(a.ranked),
    "impact_breakdown": lambda a: plots.impact_breakdown(a.ranked),
    "degree_distributions": lambda a: plots.degree_distributions(a.net),
    "community_sizes": lambda a: plots.community_sizes(a.labels),
    "validation_plot": lambda a: plots.validation_plot(VALIDATION),
    "spread_curves": lambda a: plots.spread_curves({"planned": SEEDS, "naive": SEEDS * 0.5}),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_plot_renders_with_title_and_axis_labels(analysis, name):
    fig = BUILDERS[name](analysis)
    assert isinstance(fig, Figure)
    assert_not_blank(fig)
    for ax in fig.axes:
        assert ax.get_title(), name
        if ax.axison:  # the community map has no axes, only a title
            assert ax.get_xlabel() and (ax.get_ylabel() or ax.get_yticklabels()), name


def test_plots_take_an_axes_and_draw_into_its_figure(analysis):
    fig = Figure(figsize=(12, 4))
    axes = fig.subplots(1, 3)
    assert plots.score_vs_followers(analysis.ranked, ax=axes[0]) is fig
    assert plots.community_sizes(analysis.labels, ax=axes[1]) is fig
    assert plots.degree_distributions(analysis.net, ax=axes[2]) is fig
    assert axes[1].get_title().startswith("Community sizes")
    two = Figure().subplots(1, 2)
    table = pd.DataFrame({"ranking": ["a"], "imprecision": [0.1], "kendall_tau": [0.3]})
    assert plots.validation_plot(table, ax=two) is two[0].figure
    one = Figure().subplots()
    assert plots.validation_plot(table, metrics="kendall_tau", ax=one) is one.figure
    with pytest.raises(ni.InputError, match="2 matplotlib Axes"):
        plots.validation_plot(table, ax=one)


def test_importing_and_plotting_needs_no_pyplot_or_display():
    code = (
        "import sys; import netinfluence.report.plots as p; import pandas as pd; "
        "p.community_sizes(pd.Series([0, 0, 1])).savefig(__import__('io').BytesIO()); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "", "MPLBACKEND": ""},
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------------ what is drawn


def test_component_bars_add_up_to_the_composite(analysis):
    """Each bar (components x flag factor) is exactly the account's composite score."""
    ranked = analysis.ranked
    fig = plots.component_breakdown(ranked, top=10, compare=3)
    ax = fig.axes[0]
    totals: dict[float, float] = {}
    lost: dict[float, float] = {}
    for patch in ax.patches:
        y = round(patch.get_y() + patch.get_height() / 2, 6)
        if patch.get_hatch():
            lost[y] = lost.get(y, 0.0) + patch.get_width()
        else:
            totals[y] = totals.get(y, 0.0) + patch.get_width()
    shown = pd.concat([ranked.nsmallest(10, "rank"), ranked.iloc[10:].nlargest(3, "followers")])
    assert len(totals) == 13
    drawn = [totals[y] for y in sorted(totals)]
    np.testing.assert_allclose(drawn, shown["composite"].to_numpy(), rtol=1e-9, atol=1e-9)
    # the hatched part is what the flags took off: composite / 0.7**flags - composite
    keep = 0.7 ** shown["n_flags"].to_numpy(dtype=float)
    want_lost = shown["composite"].to_numpy() / keep - shown["composite"].to_numpy()
    got_lost = [lost.get(y, 0.0) for y in sorted(totals)]
    np.testing.assert_allclose(got_lost, want_lost, atol=1e-9)
    assert max(want_lost) > 0  # the most-followed accounts of the sample carry flags
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("1. ")


def test_impact_bars_split_what_each_account_moves_by_community(analysis):
    """Each bar is the account's impact, its dark part impact_in_community; the whisker
    is two standard errors; the comparison rows are the most-followed of the rest."""
    ranked = analysis.ranked
    fig = plots.impact_breakdown(ranked, top=8, compare=3)
    ax = fig.axes[0]
    shown = pd.concat([ranked.nsmallest(8, "rank"), ranked.iloc[8:].nlargest(3, "followers")])
    assert len(ax.patches) == 22  # the bars inside the community, then the rest after them
    inside, outside = ax.patches[:11], ax.patches[11:]
    assert all(b.get_x() == a.get_width() for a, b in zip(inside, outside, strict=True))
    np.testing.assert_allclose([p.get_width() for p in inside], shown["impact_in_community"])
    totals = [a.get_width() + b.get_width() for a, b in zip(inside, outside, strict=True)]
    np.testing.assert_allclose(totals, shown["impact"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("1. ") and labels[-1].startswith(f"{shown['rank'].iloc[-1]}. ")
    # the sample's point: its most-followed accounts move fewer people than the top candidate
    assert shown["impact"].iloc[-3:].max() < shown["impact"].iloc[0]
    (whiskers,) = [c for c in ax.collections if len(c.get_segments()) == 11]
    half = [abs(seg[1][0] - seg[0][0]) / 2 for seg in whiskers.get_segments()]
    np.testing.assert_allclose(half, 2 * shown["impact_se"].to_numpy())


def test_impact_breakdown_needs_the_impact_columns(analysis):
    with pytest.raises(ni.InputError, match="impact_in_community"):
        plots.impact_breakdown(analysis.ranked.drop(columns=["impact_in_community"]))
    with pytest.raises(ni.InputError, match="top must be"):
        plots.impact_breakdown(analysis.ranked, top=0)
    for draw in (plots.impact_breakdown, plots.component_breakdown):
        with pytest.raises(ni.InputError, match="no rows to draw"):
            draw(analysis.ranked.iloc[:0])


def test_component_breakdown_uses_the_given_weights(analysis):
    weights = ScoreWeights(engaged_reach=1, embeddedness=0, coreness=0, engagement=0, reciprocity=0)
    fig = plots.component_breakdown(analysis.ranked, top=5, compare=0, weights=weights)
    widths = [p.get_width() for p in fig.axes[0].patches[:5]]  # first component's segments
    top = analysis.ranked.nsmallest(5, "rank")
    want = 100 * top["engaged_reach"] * 0.7 ** top["n_flags"]
    np.testing.assert_allclose(widths, want.to_numpy())


def test_community_map_places_every_member_inside_its_own_disc(analysis):
    net, labels = analysis.net, analysis.labels
    fig = plots.community_map(net, labels, ranked=analysis.ranked, label_top=5)
    ax = fig.axes[0]
    nodes = max(ax.collections, key=lambda c: len(c.get_offsets()))
    xy = np.asarray(nodes.get_offsets())
    assert len(xy) == net.n_nodes
    codes = labels.reindex(net.ids).to_numpy()
    centres, radii = {}, {}
    for c in np.unique(codes):
        pts = xy[codes == c]
        centres[c] = pts.mean(axis=0)
        radii[c] = np.sqrt(((pts - centres[c]) ** 2).sum(axis=1)).max()
    # disc area follows the community size
    sizes = labels.value_counts()
    ratio = [radii[c] ** 2 / sizes[c] for c in sizes.index]
    assert max(ratio) / min(ratio) < 1.1
    # no two communities overlap
    cs = list(centres)
    for i, a in enumerate(cs):
        for b in cs[i + 1 :]:
            assert np.linalg.norm(centres[a] - centres[b]) > radii[a] + radii[b]
    # the best-scored member of each community sits at (nearly) its centre
    ranked = analysis.ranked
    for c, group in ranked.groupby("community"):
        best = net.position([group.nsmallest(1, "rank")["node"].iloc[0]])[0]
        assert np.linalg.norm(xy[best] - centres[c]) < 0.1 * radii[c]
    texts = [t.get_text() for t in ax.texts]
    for r, h in zip(ranked["rank"].head(5), ranked["handle"].head(5), strict=True):
        assert f"{r}. {h}" in texts


def test_community_map_pools_small_communities_and_samples_edges():
    g = nx.connected_caveman_graph(30, 4)  # 30 cliques of 4, joined in a ring
    net = ni.Network.from_networkx(g)
    labels = pd.Series(np.arange(120) // 4, index=net.ids)
    fig = plots.community_map(net, labels, max_communities=10, max_edges=20, seed=1)
    text = all_text(fig)
    assert "20 smaller (80)" in text
    assert "20 of " in text
    fig2 = plots.community_map(net, labels, max_communities=10, max_edges=20, seed=1)
    a = [c.get_segments() for c in fig.axes[0].collections if hasattr(c, "get_segments")]
    b = [c.get_segments() for c in fig2.axes[0].collections if hasattr(c, "get_segments")]
    assert all(
        np.allclose(x, y) for s, t in zip(a, b, strict=True) for x, y in zip(s, t, strict=True)
    )  # same seed, same sample


def test_degree_ccdf_matches_networkx(analysis):
    net = analysis.net
    fig = plots.degree_distributions(net)
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    g = net.to_networkx("follows", attributes=False)
    # influence direction: u -> v means v follows u, so the audience is the out-degree
    audience = np.array([d for _, d in g.out_degree()])
    line = lines["audience in the graph (followers seen)"]
    x, y = line.get_xdata(), line.get_ydata()
    for value, share in zip(x[::7], y[::7], strict=True):
        assert share == pytest.approx((audience >= value).mean())
    platform = lines["platform followers (users table)"]
    assert platform.get_xdata().max() == net.nodes["followers"].max()
    assert set(lines) >= {"accounts followed", "accounts that engaged with it"}


def test_community_sizes_bars_and_rank_size(analysis):
    fig = plots.community_sizes(analysis.labels, topics={0: "x&y"})
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == sorted(analysis.labels.value_counts().tolist(), reverse=True)
    assert "0\nx&y" in [t.get_text() for t in fig.axes[0].get_xticklabels()]
    many = pd.Series(np.repeat(np.arange(60), np.arange(60, 0, -1)))
    fig = plots.community_sizes(many, max_bars=40)
    line = fig.axes[0].get_lines()[0]
    assert list(line.get_ydata()) == list(range(60, 0, -1))
    assert fig.axes[0].get_xscale() == "log"


def test_validation_plot_draws_the_table_values():
    table = pd.DataFrame(
        {
            "dataset": ["email"] * 3 + ["facebook"] * 3,
            "ranking": ["degree", "coreness", "citizen_score"] * 2,
            "imprecision": [0.1, 0.05, 0.2, 0.3, 0.1, 0.15],
            "kendall_tau": [0.6, 0.7, 0.5, 0.4, 0.6, 0.55],
        }
    )
    fig = plots.validation_plot(table)
    left, right = fig.axes[:2]
    widths = sorted(p.get_width() for p in left.patches)
    assert widths == sorted(table["imprecision"])
    assert sorted(p.get_width() for p in right.patches) == sorted(table["kendall_tau"])
    bold = [t.get_text() for t in left.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["citizen score"]
    # rankings as the index work too
    fig = plots.validation_plot(
        table[table.dataset == "email"].set_index("ranking").drop(columns="dataset")
    )
    assert len(fig.axes[0].patches) == 3


def test_spread_curves_by_order_and_by_cost():
    plan = pd.DataFrame(
        {"order": [1, 2, 3], "cumulative_spread": [40.0, 70.0, 90.0], "cost": [100, 100, 500]}
    )
    naive = pd.DataFrame({"order": [1], "cumulative_spread": [35.0], "cost": [10_000]})
    fig = plots.spread_curves({"planned": plan, "naive": naive})
    lines = fig.axes[0].get_lines()
    assert list(lines[0].get_xdata()) == [0, 1, 2, 3]
    assert list(lines[0].get_ydata()) == [0, 40, 70, 90]
    assert lines[0].get_label().startswith("planned: 90 with 3 seeds")
    fig = plots.spread_curves({"planned": plan, "naive": naive}, x="COST")
    assert list(fig.axes[0].get_lines()[0].get_xdata()) == [0, 100, 200, 700]
    assert fig.axes[0].get_xlabel() == "cumulative cost of the seeds"


# ------------------------------------------------------------------------------ bad input


def test_bad_arguments_raise_input_error(analysis):
    ranked = analysis.ranked
    with pytest.raises(ni.InputError, match="needs the column"):
        plots.score_vs_followers(ranked.drop(columns="tier"))
    with pytest.raises(ni.InputError, match="label_top"):
        plots.score_vs_followers(ranked, label_top=-1)
    with pytest.raises(ni.InputError, match="top must be"):
        plots.component_breakdown(ranked, top=0)
    with pytest.raises(ni.InputError, match="ScoreWeights"):
        plots.component_breakdown(ranked, weights={"engaged_reach": 1})
    with pytest.raises(ni.InputError, match="cover every node"):
        plots.community_map(analysis.net, analysis.labels.iloc[:-1])
    with pytest.raises(ni.InputError, match="layer"):
        plots.community_map(analysis.net, analysis.labels, layer="friends")
    with pytest.raises(ni.InputError, match="x must be one of order, cost"):
        plots.spread_curves(
            {"a": pd.DataFrame({"order": [1], "cumulative_spread": [1.0]})}, x="time"
        )
    with pytest.raises(ni.InputError, match="cost"):
        plots.spread_curves(
            {"a": pd.DataFrame({"order": [1], "cumulative_spread": [1.0]})}, x="cost"
        )
    with pytest.raises(ni.InputError, match="non-empty mapping"):
        plots.spread_curves({})
    with pytest.raises(ni.InputError, match="metric must be one of"):
        plots.validation_plot(
            pd.DataFrame({"ranking": ["a"], "imprecision": [0.1]}), metrics=("precision",)
        )


def test_tiny_and_empty_inputs_still_draw():
    net = ni.Network.from_edges([("a", "b")])
    labels = pd.Series([0, 0], index=net.ids)
    assert isinstance(plots.community_map(net, labels), Figure)
    empty = ni.read_network(users=pd.DataFrame({"id": pd.Series([], dtype=object)}))
    fig = plots.community_map(empty, pd.Series([], dtype=int))
    assert fig.axes[0].get_title().startswith("Community map: 0 accounts")
    assert isinstance(plots.degree_distributions(empty), Figure)
    assert COMPONENTS  # the breakdown's component list is the scoring module's


def test_handles_the_plot_font_cannot_draw_are_labelled_by_id(analysis):
    """A handle in a script the font lacks would draw as empty boxes (and warn): the plots
    label that account by its id instead."""
    ranked = analysis.ranked.copy()
    first = ranked.index[ranked["rank"] == 1][0]
    ranked.loc[first, "handle"] = "@\ubbfc\uc9c0"  # Hangul: not in DejaVu Sans
    fig = plots.score_vs_followers(ranked)
    png_pixels(fig)  # drawing raises on a missing glyph (warnings are errors here)
    text = all_text(fig)
    assert "\ubbfc" not in text and str(ranked.loc[first, "node"]) in text
