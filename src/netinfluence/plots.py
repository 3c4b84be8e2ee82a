"""Plots (matplotlib, no display needed): every function returns a Figure and takes ``ax=``.

Figures are built with :class:`matplotlib.figure.Figure` rather than pyplot, so they work in
scripts, servers and notebooks alike and never open a window. Colours are the Okabe-Ito
palette, which stays distinguishable for colour-blind readers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["OKABE_ITO", "TIER_COLOURS", "score_vs_followers"]

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
TIER_COLOURS = {"nano": "#009E73", "micro": "#0072B2", "macro": "#E69F00", "mega": "#D55E00",
                "unknown": "#999999"}

_STYLE = {"font.size": 10, "axes.titlesize": 12, "axes.labelsize": 10, "legend.fontsize": 9,
          "axes.spines.top": False, "axes.spines.right": False}


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
    """
    fig, ax = _figure_and_axes(ax)
    data = ranked.copy()
    followers = data["followers"].astype(float)
    known = followers > 0
    for tier, colour in TIER_COLOURS.items():
        sel = known & (data["tier"] == tier)
        if sel.any():
            ax.scatter(followers[sel], data.loc[sel, "score"], s=10, alpha=0.55, color=colour,
                       label=f"{tier} ({int(sel.sum()):,})", linewidths=0)
    ax.set_xscale("log")
    ax.set_xlabel("platform followers (log scale)")
    ax.set_ylabel("citizen score (0-100)")
    ax.set_title("Citizen score vs follower count")
    top = data[known].nsmallest(label_top, "rank")
    names = top["handle"] if "handle" in top.columns else top["node"]
    # labels stacked in a column beside the best points, with leader lines, so they never overlap
    ymax = float(data["score"].max()) if len(data) else 100.0
    xmin = float(followers[known].min()) if known.any() else 1.0
    for i, ((_, row), name) in enumerate(zip(top.iterrows(), names, strict=True)):
        label = f"{int(row['rank'])}. {name if isinstance(name, str) else row['node']}"
        ax.annotate(label, (row["followers"], row["score"]),
                    xytext=(xmin * 1.5, ymax - 6 - 5.5 * i), textcoords="data", fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6},
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                    va="center")
        ax.scatter([row["followers"]], [row["score"]], s=40, facecolors="none",
                   edgecolors="black", linewidths=1)
    if known.any():
        corr = pd.Series(np.log10(followers[known])).corr(data.loc[known, "score"],
                                                          method="spearman")
        ax.text(0.99, 0.01, f"Spearman rho(score, log followers) = {corr:.2f}",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#444444")
    ax.legend(title="tier", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(True, which="major", alpha=0.25)
    return fig
