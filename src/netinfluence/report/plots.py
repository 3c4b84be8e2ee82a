"""Plots (matplotlib, no display needed): every function returns a Figure and takes ``ax=``.

Figures are built with :class:`matplotlib.figure.Figure` rather than pyplot, so they work in
scripts, servers and notebooks alike and never open a window. Colours are the Okabe-Ito
palette, which stays distinguishable for colour-blind readers.

==============================  ===========================================================
function                        shows
==============================  ===========================================================
:func:`community_map`           the network laid out by community, candidates highlighted
:func:`score_vs_followers`      citizen score against platform followers, by tier
:func:`impact_breakdown`        people the top candidates move, in and outside their community
:func:`component_breakdown`     the composite's components of the top candidates (stacked)
:func:`degree_distributions`    degree and follower distributions (log-log CCDF)
:func:`community_sizes`         community size distribution
:func:`validation_plot`         imprecision and Kendall tau per ranking (``validate``)
:func:`spread_curves`           cumulative expected spread of seed sets (``plan``)
==============================  ===========================================================
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.network import resolve_layer
from netinfluence.scoring import COMPONENTS, ScoreWeights

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.typing import RcKeyType

__all__ = [
    "COMPONENT_COLOURS",
    "OKABE_ITO",
    "TIER_COLOURS",
    "community_map",
    "community_sizes",
    "component_breakdown",
    "degree_distributions",
    "impact_breakdown",
    "score_vs_followers",
    "spread_curves",
    "validation_plot",
]

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
TIER_COLOURS = {
    "nano": "#009E73",
    "micro": "#0072B2",
    "macro": "#E69F00",
    "mega": "#D55E00",
    "unknown": "#999999",
}
#: One colour per score component (``netinfluence.scoring.COMPONENTS``).
COMPONENT_COLOURS = {
    "engaged_reach": "#0072B2",
    "embeddedness": "#009E73",
    "coreness": "#E69F00",
    "engagement": "#CC79A7",
    "reciprocity": "#56B4E9",
}
# community colours: Okabe-Ito without black and without the yellow that vanishes on white
_COMMUNITY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#B8A000")
_OTHER_COLOUR = "#9A9A9A"


def community_palette(k: int) -> list[str]:
    """``k`` distinct colours for ``k`` communities, none of them the grey of the pooled
    "smaller" disc: the seven Okabe-Ito colours up to 7, ``tab20`` without its greys up to 18
    (the saturated half first, then the light half), else hues evenly spaced around the HSV
    circle in three alternating lightness steps.

    >>> len(set(community_palette(12))), len(set(community_palette(40)))
    (12, 40)
    """
    import colorsys

    from matplotlib.colors import to_hex

    if k <= len(_COMMUNITY_COLOURS):
        return list(_COMMUNITY_COLOURS[:k])
    if k <= 18:
        import matplotlib as mpl

        tab20 = [to_hex(c) for c in mpl.colormaps["tab20"].colors]  # type: ignore[attr-defined]
        order = [i for i in range(0, 20, 2) if i != 14] + [i for i in range(1, 20, 2) if i != 15]
        return [tab20[i] for i in order[:k]]
    steps = ((0.75, 0.80), (0.55, 0.95), (0.9, 0.6))  # (saturation, value)
    return [to_hex(colorsys.hsv_to_rgb(i / k, *steps[i % 3])) for i in range(k)]


_GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
_NAMED_COMMUNITIES = 20  # the community map names at most this many discs, the largest

_STYLE: dict[RcKeyType, Any] = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure_and_axes(ax, size=(7.5, 5.0)):
    import matplotlib as mpl
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=size, layout="constrained")
        axes = fig.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return fig, axes


def _figure_and_axes_row(ax, n: int, size):
    """``n`` side-by-side axes (a new figure), or the ``n`` axes the caller handed in."""
    import matplotlib as mpl
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if ax is not None:
        axes = [ax] if isinstance(ax, Axes) else list(ax)
        if len(axes) != n or not all(isinstance(a, Axes) for a in axes):
            raise InputError(f"ax must be {n} matplotlib Axes (one per panel), got {ax!r}")
        return axes[0].figure, axes
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=size, layout="constrained")
        axes = list(np.atleast_1d(fig.subplots(1, n)))
    for a in axes:
        for side in ("top", "right"):
            a.spines[side].set_visible(False)
    return fig, axes


def _require_columns(table, columns, what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what} needs the column(s) {missing}; found {list(table.columns)}")


def _check_choice(name: str, value, allowed: tuple[str, ...]) -> str:
    norm = str(value).strip().lower()
    if norm not in allowed:
        raise InputError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return norm


def _check_count(name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _display_names(table: pd.DataFrame) -> list[str]:
    """``handle`` where it is a non-empty string the plot font can draw, else the node id as
    text (a handle in a script the font lacks would show as empty boxes)."""
    handles = table["handle"] if "handle" in table.columns else pd.Series(None, index=table.index)
    return [
        h if isinstance(h, str) and h and _drawable(h) else str(n)
        for h, n in zip(handles, table["node"], strict=True)
    ]


@functools.lru_cache(maxsize=1)
def _plot_font():
    from matplotlib import font_manager

    return font_manager.get_font(font_manager.findfont(font_manager.FontProperties()))


def _drawable(text: str) -> bool:
    """Whether the default plot font has a glyph for every character of ``text``.

    >>> _drawable("@anna_k"), _drawable("@\ubbfc\uc9c0")
    (True, False)
    """
    font = _plot_font()
    return all(ch.isspace() or font.get_char_index(ord(ch)) != 0 for ch in text)


# ------------------------------------------------------------------- score against followers


def score_vs_followers(ranked: pd.DataFrame, *, label_top: int = 8, ax=None):
    """Citizen score against platform followers (log scale), coloured by tier.

    The picture that shows local ties beating follower counts: the best-scored accounts sit
    among the nano and micro tiers, while the accounts with the most followers score low.

    Parameters
    ----------
    ranked : DataFrame
        A ranked table (``rank`` output with ``top=None``): columns ``score``, ``followers``,
        ``tier``, ``rank`` and ``handle`` or ``node``.
    label_top : int
        How many of the best-ranked accounts to label.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> ranked = pd.DataFrame({"rank": [1, 2, 3], "node": ["a", "b", "c"],
    ...     "handle": ["@a", "@b", "@c"], "score": [90.0, 60.0, 20.0],
    ...     "followers": [2_000, 40_000, 3_000_000], "tier": ["micro", "micro", "mega"]})
    >>> fig = score_vs_followers(ranked, label_top=2)
    >>> fig.axes[0].get_xlabel()
    'platform followers (log scale)'
    """
    _require_columns(ranked, ["score", "followers", "tier", "rank"], "ranked")
    label_top = _check_count("label_top", label_top)
    fig, ax = _figure_and_axes(ax)
    data = ranked.copy()
    if "node" not in data.columns:
        data["node"] = data.index.to_numpy()
    followers = data["followers"].astype(float)
    known = followers > 0
    for tier, colour in TIER_COLOURS.items():
        sel = known & (data["tier"] == tier)
        if sel.any():
            ax.scatter(
                followers[sel],
                data.loc[sel, "score"],
                s=10,
                alpha=0.55,
                color=colour,
                label=f"{tier} ({int(sel.sum()):,})",
                linewidths=0,
                rasterized=True,
            )
    ax.set_xscale("log")
    ax.set_xlabel("platform followers (log scale)")
    ax.set_ylabel("citizen score (% of accounts moved)")
    ax.set_title("Citizen score vs follower count")
    top = data[known].nsmallest(label_top, "rank")
    names = _display_names(top)
    # The best-ranked accounts are the top of the cloud: their labels sit in a band above all
    # points, slanted, spread left to right in the order of the points, so every leader line
    # runs upward from its point through empty space and no two lines cross.
    ymax = float(data["score"].max()) if len(data) else 100.0
    lo_x = float(np.log10(followers[known].min())) if known.any() else 0.0
    hi_x = float(np.log10(followers[known].max())) if known.any() else 1.0
    span = max(hi_x - lo_x, 1.0)
    band = 0.09 * max(ymax, 1.0)
    if len(top):
        ax.set_ylim(top=ymax + band)
        logx = np.log10(top["followers"].to_numpy(dtype=float))
        order = np.argsort(logx, kind="stable")
        xs = _spread_labels(logx[order], 0.06 * span, lo_x - 0.05 * span, hi_x + 0.05 * span)
        # centred on the points they name, within the axis
        shift = float(np.mean(logx) - np.mean(xs))
        xs = xs + float(np.clip(shift, lo_x - 0.05 * span - xs[0], hi_x - xs[-1]))
        for j, x_text in zip(order, xs, strict=True):
            row = top.iloc[j]
            ax.annotate(
                f"{int(row['rank'])}. {names[j]}",
                (row["followers"], row["score"]),
                xytext=(10**x_text, ymax + 0.75 * band),
                textcoords="data",
                fontsize=7.5,
                rotation=35,
                rotation_mode="anchor",
                ha="left",
                va="bottom",
                annotation_clip=False,
                arrowprops={
                    "arrowstyle": "-",
                    "color": "#777777",
                    "lw": 0.6,
                    "shrinkA": 0,
                    "shrinkB": 3,
                },
            )
        ax.scatter(
            top["followers"],
            top["score"],
            s=40,
            facecolors="none",
            edgecolors="black",
            linewidths=1,
            zorder=3,
        )
        ax.set_title("Citizen score vs follower count", pad=70)
    if known.sum() > 1:
        corr = pd.Series(np.log10(followers[known])).corr(
            data.loc[known, "score"], method="spearman"
        )
        ax.text(
            0.99,
            0.01,
            f"Spearman rho(score, log followers) = {corr:.2f}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="#444444",
        )
    if known.any():
        ax.legend(title="tier", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(True, which="major", alpha=0.25)
    return fig


# ---------------------------------------------------------------------------- community map


def _labels_codes(net, labels) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (0..k-1, sorted labels) of a partition in node order, and the labels."""
    if isinstance(labels, pd.Series):
        if not labels.index.is_unique:
            raise InputError("labels must have one row per node; the index has duplicates")
        aligned = labels.reindex(net.ids)
        if aligned.isna().any():
            missing = net.ids[aligned.isna().to_numpy()][:5].tolist()
            raise InputError(
                f"labels must cover every node; {int(aligned.isna().sum())} "
                f"node(s) have none, e.g. {missing!r}"
            )
        values = aligned.to_numpy()
    else:
        values = np.asarray(labels)
        if values.shape != (net.n_nodes,):
            raise InputError(
                f"labels must be a Series indexed by node id or "
                f"{net.n_nodes} values in node order, got shape {values.shape}"
            )
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


def _disc_layout(radii: np.ndarray, weight: np.ndarray, iterations: int = 600) -> np.ndarray:
    """Centres of non-overlapping discs, pulled together by ``weight`` (symmetric k x k).

    A deterministic force layout (no random start): discs start on a sunflower spiral in the
    given order (largest first), linked discs attract like springs whose rest length is the
    touching distance, every pair that overlaps is pushed apart, and a weak pull keeps the
    whole near the origin. ``O(k^2)`` per iteration, meant for tens of communities.
    """
    k = len(radii)
    if k == 1:
        return np.zeros((1, 2))
    idx = np.arange(k)
    spread = 2.2 * float(radii.mean())
    pos = np.column_stack([np.cos(idx * _GOLDEN_ANGLE), np.sin(idx * _GOLDEN_ANGLE)])
    pos *= (spread * np.sqrt(idx + 0.5))[:, None]
    w = weight / weight.max() if weight.max() > 0 else weight
    np.fill_diagonal(w, 0.0)
    touch = (radii[:, None] + radii[None, :]) * 1.12 + 0.02 * radii.max()
    np.fill_diagonal(touch, 0.0)
    for it in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=2)) + np.eye(k)
        unit = delta / dist[:, :, None]
        overlap = np.clip(touch - dist, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        pull = np.clip(dist - touch, 0.0, None) * w if it < iterations - 100 else 0.0 * w
        force = (0.5 * overlap - 0.08 * pull)[:, :, None] * unit
        pos = pos + force.sum(axis=1) - 0.01 * pos * (it < iterations - 100)
    return pos - pos.mean(axis=0)


def _colour_discs(pos: np.ndarray, radii: np.ndarray, n_colours: int) -> np.ndarray:
    """Greedy colouring: each disc avoids the colours of its nearest already coloured discs."""
    k = len(pos)
    colour = np.zeros(k, dtype=np.int64)
    gap = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2)) - (
        radii[:, None] + radii[None, :]
    )
    for i in range(1, k):  # k is the number of drawn communities (<= max_communities)
        if n_colours >= k:  # a colour each: never reuse one, take the one unused longest
            used = set(colour[:i].tolist())
            colour[i] = next(c for c in range(n_colours) if c not in used)
            continue
        near = np.argsort(gap[i, :i])[: n_colours - 1]
        used = set(colour[near].tolist())
        free = [c for c in range(n_colours) if c not in used]
        colour[i] = free[0] if free else i % n_colours
    return colour


def _spread_labels(desired: np.ndarray, gap: float, lo: float, hi: float) -> np.ndarray:
    """Label positions near ``desired`` (sorted ascending) at least ``gap`` apart in [lo, hi]."""
    ys = np.asarray(desired, dtype=float).copy()
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    overflow = ys[-1] - hi if len(ys) else 0.0
    if overflow > 0:
        ys -= overflow
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - gap)
        if ys[0] < lo:
            ys = np.linspace(lo, hi, len(ys))
    return ys


def community_map(
    net,
    labels,
    *,
    ranked: pd.DataFrame | None = None,
    label_top: int = 10,
    highlight=None,
    layer: str | None = None,
    max_edges: int = 3000,
    max_communities: int = 40,
    seed=0,
    ax=None,
):
    """The network laid out by community, readable at thousands of nodes.

    Each community is a disc whose area is proportional to its size; its members sit on a
    sunflower spiral with the best-scored at the centre, so a community's core is its middle.
    Ties between communities are bundled into one band per pair (width proportional to the
    summed tie weight); a random sample of the ties inside communities is drawn underneath.
    The top candidates are ringed in black and labelled in the margins.

    Parameters
    ----------
    net : Network
    labels : Series
        The partition (``community``), indexed by node id (e.g. ``analysis.labels``).
    ranked : DataFrame, optional
        A ranked table (columns ``node``, ``rank``, ``score``, optional ``handle`` and
        ``community_topic``): orders the members and names the labelled candidates. Without
        it members are ordered by their tie strength inside the community.
    label_top : int
        How many of the best-ranked accounts to ring and label.
    highlight : iterable of ids, optional
        Further accounts to ring (e.g. a campaign's seeds); ringed, not labelled.
    layer : {"follows", "interactions", "ties"}, optional
        The tie layer; ``net.default_layer`` by default.
    max_edges : int
        At most this many ties inside communities are drawn (a uniform sample).
    max_communities : int
        The largest communities get their own disc; the rest share one grey disc.
    seed : int, numpy.random.Generator or None
        Seed of the edge sample (the layout itself is deterministic).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    ``O(n + m)`` to place nodes and bundle ties (vectorised), plus a deterministic force layout
    of the community discs in ``O(k^2)`` per iteration for ``k <= max_communities``. Nodes are
    rasterised, so a vector export stays small at 10^5 nodes and more.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"),
    ...                              ("b", "c")])
    >>> labels = pd.Series([0, 0, 1, 1], index=net.ids, name="community")
    >>> fig = community_map(net, labels, label_top=0)
    >>> fig.axes[0].get_title()
    'Community map: 4 accounts in 2 communities'
    """
    from matplotlib.collections import LineCollection

    label_top = _check_count("label_top", label_top)
    max_edges = _check_count("max_edges", max_edges)
    max_communities = _check_count("max_communities", max_communities, 1)
    layer = resolve_layer(net, layer)
    if ranked is not None:
        _require_columns(ranked, ["node", "rank", "score"], "ranked")
    rng = np.random.default_rng(seed)
    codes, uniques = _labels_codes(net, labels)
    n = net.n_nodes
    fig, ax = _figure_and_axes(ax, size=(10.0, 8.0))
    ax.set_axis_off()
    ax.set_title(f"Community map: {n:,} accounts in {len(uniques):,} communities")
    if n == 0:
        return fig
    # groups: the largest communities, then one pooled "other" group
    sizes = np.bincount(codes, minlength=len(uniques))
    by_size = np.lexsort((np.arange(len(sizes)), -sizes))
    keep = by_size[:max_communities]
    group_of_code = np.full(len(uniques), len(keep), dtype=np.int64)
    group_of_code[keep] = np.arange(len(keep))
    group = group_of_code[codes]
    n_groups = len(keep) + int(len(uniques) > len(keep))
    gsize = np.bincount(group, minlength=n_groups).astype(float)

    lo, hi, w = net.undirected_edge_arrays(layer)
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    glo, ghi = group[lo], group[hi]
    between = np.zeros((n_groups, n_groups))
    np.add.at(between, (glo, ghi), w)
    between = between + between.T
    np.fill_diagonal(between, 0.0)

    # member order: best score first (ranked), else internal tie strength
    if ranked is not None:
        score = (
            pd.Series(ranked["score"].to_numpy(dtype=float), index=ranked["node"].to_numpy())
            .reindex(net.ids)
            .to_numpy()
        )
        score = np.where(np.isnan(score), -np.inf, score)
    else:
        inside = codes[lo] == codes[hi]
        score = np.bincount(lo[inside], weights=w[inside], minlength=n) + np.bincount(
            hi[inside], weights=w[inside], minlength=n
        )
    order = np.lexsort((np.arange(n), -score, group))
    first = np.concatenate([[0], np.cumsum(gsize)[:-1]]).astype(np.int64)
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n) - first[group[order]]

    radii = np.sqrt(gsize / n)
    centres = _disc_layout(radii, between)
    phase = np.arange(n_groups) * 0.7
    r = radii[group] * np.sqrt((slot + 0.5) / gsize[group])
    theta = slot * _GOLDEN_ANGLE + phase[group]
    xy = centres[group] + np.column_stack([r * np.cos(theta), r * np.sin(theta)])

    # one colour per drawn community, spread so that neighbouring discs differ most
    colours = community_palette(len(keep))
    colour_idx = _colour_discs(centres[: len(keep)], radii[: len(keep)], len(colours))
    palette = np.array([*colours, _OTHER_COLOUR])
    pooled = np.full(n_groups - len(keep), len(colours), dtype=np.int64)
    gcolour = palette[np.concatenate([colour_idx, pooled])]
    if n_groups > len(keep):
        gcolour[-1] = _OTHER_COLOUR
    # members fade from the saturated core (best-scored) to a pale rim
    from matplotlib.colors import to_rgb

    rgb = np.array([to_rgb(c) for c in gcolour])[group]
    depth = (slot / np.maximum(gsize[group] - 1, 1))[:, None]
    node_rgb = rgb * (1.0 - 0.55 * depth) + 0.55 * depth

    # bundled ties between communities
    iu, ju = np.nonzero(np.triu(between))
    if len(iu):
        strength = between[iu, ju] / between[iu, ju].max()
        vec = centres[ju] - centres[iu]
        unit = vec / np.maximum(np.sqrt((vec**2).sum(axis=1)), 1e-12)[:, None]
        # from rim to rim, so the bands never cover the members
        segs = np.stack(
            [centres[iu] + unit * radii[iu, None], centres[ju] - unit * radii[ju, None]], axis=1
        )
        ax.add_collection(
            LineCollection(
                # matplotlib's stubs want a Sequence; an (n, 2, 2) array is documented as valid
                segs,  # type: ignore[arg-type]
                linewidths=0.4 + 7.0 * strength,
                colors="#B0B0B0",
                alpha=0.45,
                zorder=0,
                capstyle="round",
            )
        )
    # a sample of the ties inside communities
    inside = np.nonzero(codes[lo] == codes[hi])[0]  # ties inside one (real) community
    drawn = inside
    if len(inside) > max_edges:
        drawn = np.sort(rng.choice(inside, size=max_edges, replace=False))
    if len(drawn):
        segs = np.stack([xy[lo[drawn]], xy[hi[drawn]]], axis=1)
        ax.add_collection(
            LineCollection(
                # matplotlib's stubs want a Sequence; an (n, 2, 2) array is documented as valid
                segs,  # type: ignore[arg-type]
                linewidths=0.25,
                colors=gcolour[glo[drawn]],
                alpha=0.12,
                zorder=1,
                rasterized=True,
            )
        )
    # nodes: dot diameter about the spacing of the spiral
    extent = float(np.ptp(xy[:, 0]) + np.ptp(xy[:, 1])) / 2 or 1.0
    spacing_pt = np.sqrt(np.pi / n) / extent * 0.8 * fig.get_figwidth() * 72 * 0.75
    dot = float(np.clip(0.8 * spacing_pt, 0.8, 9.0) ** 2)
    ax.scatter(xy[:, 0], xy[:, 1], s=dot, c=node_rgb, linewidths=0, zorder=2, rasterized=True)

    # community names above their discs
    topic = {}
    if ranked is not None and "community_topic" in ranked.columns and "community" in ranked:
        topic = (
            ranked.drop_duplicates("community").set_index("community")["community_topic"].to_dict()
        )
    for g in range(n_groups):
        if g < len(keep):
            lab = uniques[keep[g]]
            name = f"{lab}" + (f" {topic[lab]}" if topic.get(lab) else "")
        else:
            name = f"{len(uniques) - len(keep):,} smaller"
        if g < len(keep) and (gsize[g] < max(0.005 * n, 3.0) or g >= _NAMED_COMMUNITIES):
            continue  # too small (or too many) to name without clutter: the largest are named
        ax.text(
            centres[g, 0],
            centres[g, 1] + radii[g] * 1.04,
            f"{name} ({int(gsize[g]):,})",
            ha="center",
            va="bottom",
            fontsize=8,
            color="#222222",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.75},
        )

    # highlighted and labelled candidates
    ringed = np.zeros(n, dtype=bool)
    if highlight is not None:
        ringed[net.position([h for h in highlight])] = True
    top = ranked.nsmallest(label_top, "rank") if ranked is not None and label_top else None
    if top is not None and len(top):
        top_pos = net.position(top["node"].tolist())
        ringed[top_pos] = True
    if ringed.any():
        ax.scatter(
            xy[ringed, 0],
            xy[ringed, 1],
            s=max(dot * 4, 16),
            facecolors="none",
            edgecolors="black",
            linewidths=0.9,
            zorder=4,
        )
    xmin, xmax = xy[:, 0].min(), xy[:, 0].max()
    ymin, ymax = xy[:, 1].min(), xy[:, 1].max()
    margin = 0.30 * (xmax - xmin) + 1e-9
    if top is not None and len(top):
        names = _display_names(top)
        pts = xy[top_pos]
        left = pts[:, 0] < (xmin + xmax) / 2
        gap = (ymax - ymin) / max(len(top) * 1.4, 18)
        for side in (True, False):
            idx = np.nonzero(left == side)[0]
            if not len(idx):
                continue
            idx = idx[np.argsort(pts[idx, 1])]
            ys = _spread_labels(pts[idx, 1], gap, ymin, ymax)
            x_text = xmin - 0.04 * margin if side else xmax + 0.04 * margin
            for i, y in zip(idx, ys, strict=True):
                ax.annotate(
                    f"{int(top['rank'].iloc[i])}. {names[i]}",
                    pts[i],
                    xytext=(x_text, y),
                    textcoords="data",
                    ha="right" if side else "left",
                    va="center",
                    fontsize=8,
                    zorder=6,
                    arrowprops={
                        "arrowstyle": "-",
                        "color": "#333333",
                        "lw": 0.6,
                        "shrinkA": 1,
                        "shrinkB": 2,
                    },
                )
    ax.set_xlim(xmin - margin, xmax + margin)
    ax.set_ylim(ymin - 0.06 * (ymax - ymin), ymax + 0.08 * (ymax - ymin))
    ax.set_aspect("equal", adjustable="box")
    shown = (
        f"{len(drawn):,} of {len(inside):,}" if len(drawn) < len(inside) else f"all {len(inside):,}"
    )
    rings = "top candidates" + (" and highlighted accounts" if highlight is not None else "")
    ax.text(
        0.5,
        -0.01,
        "disc = community (area ~ members), best-scored members at the saturated "
        f"centre; black rings = {rings}\n"
        f"grey bands = ties between communities (width ~ tie weight); {shown} ties inside "
        "communities drawn",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=7.5,
        color="#444444",
    )
    return fig


# -------------------------------------------------------------------------- impact breakdown


def _top_and_most_followed(ranked: pd.DataFrame, top: int, compare: int):
    """The ``top`` best-ranked rows, and the ``compare`` most-followed of the others."""
    best = ranked.nsmallest(top, "rank")
    extra = ranked.iloc[:0]
    if compare and "followers" in ranked.columns:
        rest = ranked[~ranked["node"].isin(best["node"])]
        rest = rest[pd.to_numeric(rest["followers"], errors="coerce") > 0]
        extra = rest.nlargest(compare, "followers")
    return best, extra


def _bar_figure(ranked: pd.DataFrame, top: int, compare: int, ax):
    """Figure, axes, rows drawn, their bar positions (the best rows, a gap, then the
    comparison rows) and the best rows, for a bar chart of top candidates."""
    best, extra = _top_and_most_followed(ranked, top, compare)
    if best.empty:
        raise InputError("ranked has no rows to draw")
    data = pd.concat([best, extra]) if len(extra) else best
    rows = len(data) + (1 if len(extra) else 0)
    fig, ax = _figure_and_axes(ax, size=(8.5, 1.4 + 0.3 * max(rows, 3)))
    ylist = np.arange(len(best)).tolist() + (np.arange(len(extra)) + len(best) + 1).tolist()
    return fig, ax, data, np.asarray(ylist, dtype=float), best


def _legend_below(fig, ax) -> None:
    """The legend in three columns under the axes, and a light vertical grid."""
    axes_height = max(fig.get_figheight() - 1.3, 1.0)  # inches, roughly
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.5 / axes_height),
        ncol=3,
        frameon=False,
        fontsize=8,
    )
    ax.grid(True, axis="x", alpha=0.25)
    ax.set_axisbelow(True)


def _label_bars(ax, data: pd.DataFrame, ypos: np.ndarray, best_rows: int, note_x: float) -> None:
    """Rank, name and tier on the y axis; a dotted line and a note above the comparison rows."""
    names = _display_names(data)
    tiers = data["tier"].tolist() if "tier" in data else [""] * len(data)
    ax.set_yticks(
        ypos,
        [
            f"{int(r)}. {nm}" + (f"  ({t})" if t else "")
            for r, nm, t in zip(data["rank"], names, tiers, strict=True)
        ],
        fontsize=8,
    )
    if len(data) > best_rows:
        ax.axhline(best_rows, color="#999999", linewidth=0.6, linestyle=":")
        ax.text(
            note_x,
            best_rows,
            "most-followed accounts, for comparison",
            fontsize=7.5,
            va="center",
            ha="right",
            color="#444444",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
        )
    ax.set_ylim(ypos.max() + 0.6, -0.6)


def impact_breakdown(ranked: pd.DataFrame, *, top: int = 15, compare: int = 3, ax=None):
    """How many people the top candidates move, inside and outside their own community.

    The picture of what ranks: each bar is one account's ``impact`` (the expected number of
    real accounts it moves, which ``score`` states as a percentage), split into
    ``impact_in_community`` (dark) and the rest (light), with a whisker of two standard
    errors (``impact_se``) where the estimate is sampled. Below the top candidates the
    ``compare`` accounts with the most platform followers are drawn the same way: a large
    audience that does not pass content on moves few people.

    Parameters
    ----------
    ranked : DataFrame
        A ranked table with ``rank``, ``node``, ``impact`` and ``impact_in_community``
        (optional ``impact_se``, ``handle``, ``tier``, ``followers``).
    top : int
        Number of best-ranked accounts shown.
    compare : int
        Number of most-followed accounts shown below them (0: none; needs ``followers``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> ranked = pd.DataFrame({"rank": [1, 2], "node": ["a", "b"], "impact": [12.0, 9.0],
    ...                        "impact_in_community": [10.0, 3.0]})
    >>> fig = impact_breakdown(ranked)
    >>> [float(p.get_width()) for p in fig.axes[0].patches]
    [10.0, 3.0, 2.0, 6.0]
    """

    top = _check_count("top", top, 1)
    compare = _check_count("compare", compare)
    _require_columns(ranked, ["rank", "node", "impact", "impact_in_community"], "ranked")
    fig, ax, data, ypos, best = _bar_figure(ranked, top, compare, ax)
    impact = data["impact"].to_numpy(dtype=float)
    inside = np.minimum(data["impact_in_community"].to_numpy(dtype=float), impact)
    ax.barh(ypos, inside, color="#0072B2", height=0.72, label="moved inside its own community")
    ax.barh(
        ypos,
        impact - inside,
        left=inside,
        color="#56B4E9",
        height=0.72,
        label="moved in other communities",
    )
    se = data["impact_se"].to_numpy(dtype=float) if "impact_se" in data else np.zeros(len(data))
    sampled = np.isfinite(se) & (se > 0)
    if sampled.any():
        ax.errorbar(
            impact[sampled],
            ypos[sampled],
            xerr=2 * se[sampled],
            fmt="none",
            ecolor="#333333",
            elinewidth=0.8,
            capsize=2,
            label="two standard errors of the estimate",
        )
    whisker = np.where(sampled, 2 * se, 0.0)
    right = float(np.nanmax(impact + whisker))
    right = right if right > 0 else 1.0  # all zero (or NaN): any scale will do
    for y, total, share, w in zip(ypos, impact, inside, whisker, strict=True):
        note = f"{total:,.{0 if total >= 100 else 1}f}"
        note += f"  ({share / total:.0%} inside)" if total > 0 else ""
        ax.text(total + w + right * 0.02, y, note, va="center", fontsize=8)
    _label_bars(ax, data, ypos, len(best), note_x=right * 1.35)
    ax.set_xlim(0, right * 1.37)
    ax.set_xlabel("accounts moved (expected; bots, passive and bought followers not counted)")
    ax.set_title(f"How many people the top {len(best)} candidates move")
    _legend_below(fig, ax)
    return fig


# ----------------------------------------------------------------------- component breakdown


def component_breakdown(
    ranked: pd.DataFrame, *, top: int = 15, compare: int = 3, weights=None, ax=None
):
    """Stacked bars of what the top candidates' composite scores are made of.

    Each bar is one account; its segments are ``100 * w_c * component_c * (1 - penalty) **
    n_flags`` for the five components (:data:`netinfluence.scoring.COMPONENTS`, weights
    :meth:`ScoreWeights.normalised`), so a bar's length is the account's ``composite`` (the
    percentile blend kept beside the impact-based ``score``). What the
    authenticity flags took off is drawn as a hatched grey segment after it. Below the top
    candidates, the ``compare`` accounts with the most platform followers are drawn the same
    way, so the picture shows why a large audience alone does not score.

    Parameters
    ----------
    ranked : DataFrame
        A ranked table with ``rank``, ``node``, the component columns and ``n_flags``
        (optional ``handle``, ``tier``, ``followers``).
    top : int
        Number of best-ranked accounts shown.
    compare : int
        Number of most-followed accounts shown below them for comparison (0: none; needs a
        ``followers`` column).
    weights : ScoreWeights, optional
        The weights the table was scored with (default weights otherwise).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> row = {"rank": 1, "node": "a", "engaged_reach": 1.0, "embeddedness": 1.0,
    ...        "coreness": 0.5, "engagement": 1.0, "reciprocity": 1.0, "n_flags": 0}
    >>> fig = component_breakdown(pd.DataFrame([row]))
    >>> fig.axes[0].get_xlabel()
    'contribution to the composite score (points of 100)'
    """

    top = _check_count("top", top, 1)
    compare = _check_count("compare", compare)
    _require_columns(ranked, ["rank", "node", *COMPONENTS], "ranked")
    weights = weights or ScoreWeights()
    if not isinstance(weights, ScoreWeights):
        raise InputError(f"weights must be a ScoreWeights, got {type(weights).__name__}")
    w = weights.normalised()
    fig, ax, data, ypos, best = _bar_figure(ranked, top, compare, ax)
    flags = data["n_flags"].to_numpy(dtype=float) if "n_flags" in data else np.zeros(len(data))
    keep = (1.0 - weights.flag_penalty) ** flags
    left = np.zeros(len(data))
    for comp in COMPONENTS:
        part = 100.0 * w[comp] * data[comp].to_numpy(dtype=float) * keep
        ax.barh(
            ypos,
            part,
            left=left,
            color=COMPONENT_COLOURS[comp],
            height=0.72,
            label=f"{comp.replace('_', ' ')} (weight {w[comp]:.2f})",
            edgecolor="white",
            linewidth=0.5,
        )
        left += part
    lost = left / np.where(keep > 0, keep, 1.0) - left
    if (lost > 1e-9).any():
        ax.barh(
            ypos,
            lost,
            left=left,
            color="#EEEEEE",
            hatch="///",
            edgecolor="#999999",
            linewidth=0.4,
            height=0.72,
            label=f"taken off by authenticity flags (x{1 - weights.flag_penalty:.2f} each)",
        )
    for y, total, cut in zip(ypos, left, lost, strict=True):
        ax.text(total + cut + 0.8, y, f"{total:.1f}", va="center", fontsize=8)
    _label_bars(ax, data, ypos, len(best), note_x=101)
    ax.set_xlim(0, 108)
    ax.set_xlabel("contribution to the composite score (points of 100)")
    ax.set_title(f"What the top {len(best)} candidates' composite scores are made of")
    _legend_below(fig, ax)
    return fig


# ---------------------------------------------------------------------------- distributions


def _ccdf(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct positive values and the share of all values that are >= each of them."""
    vals = np.asarray(values, dtype=float)
    total = np.isfinite(vals).sum()
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if not len(vals):
        return np.zeros(0), np.zeros(0)
    uniq, counts = np.unique(vals, return_counts=True)
    at_least = counts[::-1].cumsum()[::-1]
    return uniq, at_least / total


def degree_distributions(net, *, ax=None):
    """Degree and follower distributions on log-log axes (complementary cumulative).

    Shows, per account: the audience seen in the follows graph (followers inside the sample),
    the accounts it follows, the accounts that engaged with it (interactions layer) and the
    platform follower count from the users table — each where the input has it. Heavy tails
    show as straight-ish lines; the gap between platform followers and the graph audience is
    the part of an audience the sample does not see.

    Parameters
    ----------
    net : Network
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    ``P(X >= x)`` over all accounts (zeros count in the denominator but cannot be drawn on a
    log axis). ``O(n log n)``.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("c", "b"), ("b", "a")])
    >>> fig = degree_distributions(net)
    >>> fig.axes[0].get_ylabel()
    'share of accounts with at least x'
    """
    fig, ax = _figure_and_axes(ax)
    n = net.n_nodes
    series = []
    if net.has_follows:
        src, dst, _ = net.edge_arrays("follows")
        series.append(
            (
                "audience in the graph (followers seen)",
                np.bincount(src, minlength=n),
                "#0072B2",
                "o",
            )
        )
        series.append(("accounts followed", np.bincount(dst, minlength=n), "#009E73", "s"))
    if net.has_interactions:
        src, _, _ = net.edge_arrays("interactions")
        series.append(
            ("accounts that engaged with it", np.bincount(src, minlength=n), "#CC79A7", "^")
        )
    if "followers" in net.nodes.columns:
        platform = pd.to_numeric(net.nodes["followers"], errors="coerce").to_numpy(dtype=float)
        if np.isfinite(platform).any():
            series.append(("platform followers (users table)", platform, "#D55E00", "D"))
    drawn = 0
    for label, values, colour, marker in series:
        x, y = _ccdf(values)
        if len(x):
            ax.plot(
                x,
                y,
                marker=marker,
                markersize=3,
                linestyle="-",
                linewidth=0.8,
                color=colour,
                label=label,
                alpha=0.85,
            )
            drawn += 1
    if drawn:
        ax.set_xscale("log")
        ax.set_yscale("log")
        # below the axes: a legend inside would cover the tails of the curves
        ax.legend(
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncol=2,
        )
    ax.set_xlabel("degree or follower count x (log scale)")
    ax.set_ylabel("share of accounts with at least x")
    ax.set_title(f"Degree and follower distributions ({n:,} accounts)")
    ax.grid(True, which="major", alpha=0.25)
    return fig


def community_sizes(
    labels: pd.Series, *, topics: Mapping | pd.Series | None = None, max_bars: int = 40, ax=None
):
    """Community size distribution: one bar per community, or a rank-size plot if many.

    Parameters
    ----------
    labels : Series
        A partition (one label per node).
    topics : mapping or Series, optional
        A name per community label (e.g. its most common topic), shown under the bars.
    max_bars : int
        Above this many communities, sizes are drawn as a log-log rank-size curve.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = community_sizes(pd.Series([0, 0, 0, 1, 1, 2]))
    >>> fig.axes[0].get_ylabel()
    'members'
    """
    max_bars = _check_count("max_bars", max_bars, 1)
    labels = pd.Series(labels)
    counts = labels.value_counts(sort=False)
    counts = counts.iloc[np.lexsort((np.arange(len(counts)), -counts.to_numpy()))]
    fig, ax = _figure_and_axes(ax, size=(7.5, 4.2))
    topics = dict(topics.items()) if topics is not None else {}
    k = len(counts)
    if k <= max_bars:
        x = np.arange(k)
        ax.bar(x, counts.to_numpy(), color="#0072B2", width=0.75)
        sep = "\n" if k <= 8 else " "
        names = [f"{c}{sep}{topics[c]}" if topics.get(c) else f"{c}" for c in counts.index]
        ax.set_xticks(
            x,
            names,
            fontsize=8 if k <= 15 else 6,
            rotation=0 if k <= 8 else (35 if k <= 20 else 90),
            ha="center" if k <= 8 else "right",
            rotation_mode="anchor",
        )
        for xi, v in zip(x, counts.to_numpy(), strict=True):
            if k <= 20:
                ax.text(xi, v, f"{v:,}", ha="center", va="bottom", fontsize=7.5)
        ax.set_xlabel("community (largest first)")
    else:
        ranks = np.arange(1, k + 1)
        ax.plot(ranks, counts.to_numpy(), marker="o", markersize=3, color="#0072B2")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("community rank by size (log scale)")
    ax.set_ylabel("members")
    share = counts.iloc[0] / counts.sum() if k else 0.0
    ax.set_title(f"Community sizes: {k:,} communities, largest holds {share:.0%}")
    ax.grid(True, axis="y", alpha=0.25)
    ax.set_axisbelow(True)
    return fig


# ------------------------------------------------------------------- validation and campaign

_METRIC_TEXT = {
    "imprecision": ("imprecision at the top p% (lower is better)", "Imprecision"),
    "kendall_tau": ("Kendall tau with spreading efficiency (higher is better)", "Kendall tau"),
}


def validation_plot(table: pd.DataFrame, *, metrics=("imprecision", "kendall_tau"), ax=None):
    """Imprecision and Kendall tau of each ranking against simulated spreading.

    One panel per metric, one row per ranking, one colour per dataset (where the table has a
    ``dataset`` column). The citizen score's row is in bold.

    Parameters
    ----------
    table : DataFrame
        The validation table (``netinfluence.scoring.validate_rankings``): a ``ranking``
        column (or the rankings as the index), ``imprecision``, ``kendall_tau`` and optionally
        ``dataset``.
    metrics : sequence of {"imprecision", "kendall_tau"}
        The panels, left to right.
    ax : matplotlib Axes or sequence of Axes, optional
        One Axes per metric.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Imprecision ``epsilon(p) = 1 - M_ranking(p) / M_eff(p)``: how much less the top ``p``
    fraction of a ranking spreads than the truly best spreaders (Kitsak et al. 2010, Nature
    Physics 6, 888).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"ranking": ["degree", "citizen_score"],
    ...                   "imprecision": [0.2, 0.1], "kendall_tau": [0.5, 0.6]})
    >>> fig = validation_plot(t)
    >>> [a.get_title() for a in fig.axes]
    ['Imprecision', 'Kendall tau']
    """
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = tuple(_check_choice("metric", m, tuple(_METRIC_TEXT)) for m in metrics)
    if not metrics:
        raise InputError("metrics must name at least one of imprecision, kendall_tau")
    if isinstance(table, pd.DataFrame) and "ranking" not in table.columns:
        table = table.rename_axis("ranking").reset_index()
    _require_columns(table, ["ranking", *metrics], "the validation table")
    fig, axes = _figure_and_axes_row(
        ax,
        len(metrics),
        size=(4.6 * len(metrics) + 1.2, 0.9 + 0.42 * max(table["ranking"].nunique(), 3)),
    )
    rankings = list(dict.fromkeys(table["ranking"].astype(str)))
    datasets = list(dict.fromkeys(table["dataset"].astype(str))) if "dataset" in table else [""]
    band = 0.8 / len(datasets)
    for panel, metric in zip(axes, metrics, strict=True):
        for d, dataset in enumerate(datasets):
            part = table if not dataset else table[table["dataset"].astype(str) == dataset]
            vals = part.set_index(part["ranking"].astype(str))[metric].reindex(rankings)
            y = np.arange(len(rankings)) - 0.4 + band * (d + 0.5)
            colour = _COMMUNITY_COLOURS[d % len(_COMMUNITY_COLOURS)]
            panel.barh(
                y,
                vals.to_numpy(dtype=float),
                height=band * 0.9,
                color=colour,
                label=dataset or None,
            )
        panel.set_yticks(np.arange(len(rankings)), [r.replace("_", " ") for r in rankings])
        for tick, name in zip(panel.get_yticklabels(), rankings, strict=True):
            if name == "citizen_score":
                tick.set_fontweight("bold")
        panel.invert_yaxis()
        panel.axvline(0, color="#444444", linewidth=0.8)
        panel.set_xlabel(_METRIC_TEXT[metric][0])
        panel.set_title(_METRIC_TEXT[metric][1])
        panel.grid(True, axis="x", alpha=0.25)
        panel.set_axisbelow(True)
    if len(datasets) > 1 or datasets[0]:
        axes[-1].legend(
            title="dataset", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0)
        )
    return fig


def spread_curves(curves, *, x: str = "order", ax=None, totals=None, measure=None):
    """Cumulative expected spread of seed sets: the planned seeds against the naive plan.

    Parameters
    ----------
    curves : mapping of str to DataFrame
        One seed table per plan, in drawing order (e.g. ``{"planned": seeds, "top followers":
        naive}``), each with ``order`` and ``cumulative_spread`` (and ``cost`` for
        ``x="cost"``; ``cumulative_spread_low``/``_high`` draw an interval where present).
        A table whose ``cumulative_spread`` is all missing (a plan known only as a whole) is
        drawn as one point at its seeds' end, at its total.
    x : {"order", "cost"}
        Seeds in the order chosen, or their cumulative cost (budget plans).
    ax : matplotlib Axes, optional
    totals : mapping of str to float, optional
        The evaluated spread of each whole plan (e.g. the plan summary's
        ``expected_spread``, an independent Monte Carlo). Where given it is the number in the
        legend and a point (x) marks it at the end of the curve, so the figure reports the
        same evaluation as the tables; the curve itself is the optimiser's own estimate, seed
        by seed.
    measure : str, optional
        What the y axis counts (default: "expected accounts reached (cumulative)").

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> plan = pd.DataFrame({"order": [1, 2, 3], "cumulative_spread": [40.0, 70.0, 90.0]})
    >>> naive = pd.DataFrame({"order": [1, 2, 3], "cumulative_spread": [30.0, 45.0, 55.0]})
    >>> fig = spread_curves({"planned": plan, "top followers": naive})
    >>> fig.axes[0].get_ylabel()
    'expected accounts reached (cumulative)'
    """
    x = _check_choice("x", x, ("order", "cost"))
    if isinstance(curves, pd.DataFrame):
        curves = {"planned": curves}
    if not isinstance(curves, Mapping) or not curves:
        raise InputError("curves must be a non-empty mapping of plan name -> seed table")
    need = ["order", "cumulative_spread"] + (["cost"] if x == "cost" else [])
    for name, table in curves.items():
        _require_columns(table, need, f"seed table {name!r}")
    totals = dict(totals or {})
    fig, ax = _figure_and_axes(ax)
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    markers = ["o", "s", "^", "D", "v", "P"]
    for i, (name, table) in enumerate(curves.items()):
        t = table.sort_values("order")
        xs = np.concatenate(
            [
                [0.0],
                t["cost"].cumsum().to_numpy(dtype=float)
                if x == "cost"
                else t["order"].to_numpy(dtype=float),
            ]
        )
        ys = np.concatenate([[0.0], t["cumulative_spread"].to_numpy(dtype=float)])
        colour = colours[i % len(colours)]
        total = totals.get(name)
        shown = ys[-1] if total is None else float(total)
        label = f"{name}: {shown:,.0f} with {len(t):,} seeds"
        if np.isnan(ys[1:]).all():  # known only as a whole: one point at its total
            if total is not None:
                ax.scatter(
                    [xs[-1]],
                    [shown],
                    color=colour,
                    marker=markers[i % len(markers)],
                    s=40,
                    label=label,
                    zorder=3,
                )
            continue
        ax.plot(
            xs,
            ys,
            marker=markers[i % len(markers)] if len(t) <= 40 else None,
            markersize=3.5,
            color=colour,
            label=label,
            linewidth=1.6,
        )
        if total is not None:  # the evaluation the tables report, at the curve's end
            ax.scatter([xs[-1]], [shown], color=colour, marker="x", s=45, zorder=3)
        low, high = "cumulative_spread_low", "cumulative_spread_high"
        if low in t.columns and high in t.columns:
            ax.fill_between(
                xs[1:],
                t[low].to_numpy(dtype=float),
                t[high].to_numpy(dtype=float),
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
    ax.set_xlabel("cumulative cost of the seeds" if x == "cost" else "seeds, in the order chosen")
    ax.set_ylabel(measure or "expected accounts reached (cumulative)")
    ax.set_title("Expected spread: planned seeds vs the naive plan")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    marked = any(name in totals for name in curves)
    ax.legend(
        frameon=False,
        loc="best",
        title="x: the whole plan, evaluated by independent simulation" if marked else None,
        title_fontsize="small",
    )
    ax.grid(True, alpha=0.25)
    return fig
