"""A self-contained HTML report of an analysis: one file that opens in any browser, offline.

Everything is inside the file: the plots as base64 PNG, the styles and the (small, plain)
JavaScript that sorts and filters the candidate table and opens a candidate's detail row. A
Content-Security-Policy in the page forbids loading anything from elsewhere, so the report
never touches the network.

The layout lives in Jinja2 templates (``templates/report.html.j2`` and its macros) and the
styles and script in ``static/report.css`` and ``static/report.js``, inlined at render time.
This module computes the values and tables; the templates lay them out. Every value a
template writes is HTML-escaped by the environment (autoescape, plus a ``finalize`` hook that
escapes with :func:`html.escape`), so user data (handles, topics, ids, reasons) can never
become markup; only the inlined static files and the data-URI images are marked safe.

:func:`render_html_report` builds the page as a string (no I/O); :func:`write_html_report`
writes it atomically.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import html
import io
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

import netinfluence.report.plots as plots
from netinfluence._version import __version__
from netinfluence.errors import InputError
from netinfluence.io import atomic_path
from netinfluence.metrics import community_quality
from netinfluence.report.plots import COMPONENT_COLOURS
from netinfluence.scoring import COMPONENTS
from netinfluence.scoring._rank import _FLAG_WORDS

__all__ = ["render_html_report", "report_figures", "write_html_report"]

#: Columns of the candidate table, in order: (column of the ranked table, header, kind).
TABLE_COLUMNS = (
    ("rank", "rank", "num"),
    ("handle", "account", "text"),
    ("score", "score", "num"),
    ("community", "community", "num"),
    ("community_topic", "topic", "text"),
    ("tier", "tier", "text"),
    ("followers", "followers", "num"),
    ("engagement_vs_tier", "engagement vs tier", "num"),
    ("reach_2hop", "2-hop reach", "num"),
    ("flags", "flags", "text"),
    ("why", "why", "text"),
)

_DETAIL_FIELDS = (
    ("node", "id", "text"),
    ("role", "community role", "text"),
    ("insider", "community insider", "bool"),
    ("community_size", "community size", "int"),
    ("within_module_z", "within-community degree z", "float2"),
    ("participation", "participation (ties spread over communities)", "float2"),
    ("internal_share", "share of ties inside own community", "pct"),
    ("community_reach_share", "own community within 2 hops", "pct"),
    ("expected_reach", "expected 2-hop reach through ties", "float1"),
    ("tie_coreness", "k-core of the tie graph", "int"),
    ("reciprocal_share", "reciprocal ties", "pct"),
    ("engagement_rate", "engagement per post and follower", "pct2"),
    ("tier_band", "follower band", "text"),
    ("n_flags", "authenticity flags", "int"),
)

#: Kinds of value that are right-aligned in the plain tables.
_NUMERIC_KINDS = frozenset({"num", "int", "float1", "float2", "pct"})


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float | np.floating) and np.isnan(value))


def _fmt(value, kind: str) -> str:
    """Display text of a value (not escaped: the templates escape)."""
    if _is_missing(value) or (isinstance(value, str) and not value and kind != "text"):
        return ""
    try:
        if kind == "int":
            return f"{round(float(value)):,}"
        if kind == "num":
            if isinstance(value, bool | np.bool_):
                return str(bool(value))
            v = float(value)
            if isinstance(value, int | np.integer) or (v.is_integer() and abs(v) >= 1):
                return f"{v:,.0f}"
            return f"{v:,.2f}" if abs(v) >= 1 else f"{v:.3g}"
        if kind == "float1":
            return f"{float(value):,.1f}"
        if kind == "float2":
            return f"{float(value):.2f}"
        if kind == "pct":
            return f"{float(value):.0%}"
        if kind == "pct2":
            return f"{float(value):.2%}"
        if kind == "bool":
            return "yes" if bool(value) else "no"
    except (TypeError, ValueError):
        return str(value)
    return str(value)


def _png_data_uri(fig, *, dpi: int = 100) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# ----------------------------------------------------------------------------- templates


def _escape_output(value: Any) -> Markup:
    """Every ``{{ value }}`` of the templates goes through here (the environment's finalize).

    Already-safe values (the macros' output, the inlined static files, the data URIs) pass
    unchanged; missing values (None, NaN) print as nothing; anything else is escaped with
    :func:`html.escape` (``&quot;`` and ``&#x27;`` for quotes, as the report always wrote
    them). Autoescape stays on behind it, so nothing reaches the page unescaped.
    """
    if hasattr(value, "__html__"):
        return value
    if _is_missing(value):
        return Markup("")
    return Markup(html.escape(str(value), quote=True))


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("netinfluence.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escape_output,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def _static(name: str) -> Markup:
    """A file of ``static/``, to inline in the page (ours, so marked safe)."""
    text = resources.files("netinfluence.report").joinpath("static", name).read_text("utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():  # would end the inline element early
        raise RuntimeError(f"static/{name} must not contain {closing!r}")
    return Markup(text)


def _table(
    frame: pd.DataFrame,
    *,
    kinds: Mapping[str, str] | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """A DataFrame as the display text of a plain table (``macros.table`` lays it out)."""
    kinds = kinds or {}
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for col, v in zip(frame.columns, values, strict=True):
            kind = kinds.get(col)
            if kind is None:
                kind = (
                    "num"
                    if isinstance(v, int | float | np.integer | np.floating)
                    and not isinstance(v, bool | np.bool_)
                    else "text"
                )
            cells.append({"text": _fmt(v, kind), "num": kind in _NUMERIC_KINDS})
        rows.append(cells)
    return {"caption": caption or "", "columns": [str(c) for c in frame.columns], "rows": rows}


# ----------------------------------------------------------------------------- the plan


def _plan_parts(plan) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Scalars and tables of a campaign plan, whatever its shape.

    Accepts a seeds DataFrame, a mapping, or an object with attributes (e.g. the result of
    ``netinfluence.spread.plan_campaign``): DataFrames and Series become tables, plain
    numbers, strings and flat dicts of them become summary lines.
    """
    if isinstance(plan, pd.DataFrame):
        return {}, {"seeds": plan}
    if isinstance(plan, Mapping):
        items = dict(plan)
    elif hasattr(plan, "_asdict"):
        items = plan._asdict()
    elif hasattr(plan, "__dataclass_fields__"):
        items = {k: getattr(plan, k) for k in plan.__dataclass_fields__}
    elif hasattr(plan, "__dict__"):
        items = {k: v for k, v in vars(plan).items() if not k.startswith("_")}
    else:
        raise InputError(
            f"plan must be a seeds DataFrame, a mapping or a plan result, got {type(plan).__name__}"
        )
    summary: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}

    def scalar(v) -> bool:
        return isinstance(v, str | int | float | bool | np.generic) or v is None

    def short_list(v) -> bool:
        return (
            isinstance(v, list | tuple)
            and len(v) <= 20
            and all(isinstance(x, str | int | float | np.generic) for x in v)
        )

    for key, value in items.items():
        if isinstance(value, pd.DataFrame):
            named = value.index.name is not None or not isinstance(value.index, pd.RangeIndex)
            tables[str(key)] = value.reset_index() if named else value
        elif isinstance(value, pd.Series):
            tables[str(key)] = value.to_frame().reset_index()
        elif scalar(value):
            summary[str(key)] = value.item() if isinstance(value, np.generic) else value
        elif short_list(value):
            summary[str(key)] = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, Mapping):  # e.g. the plan's parameters: the plain entries
            for k, v in value.items():
                if scalar(v):
                    summary[str(k)] = v.item() if isinstance(v, np.generic) else v
                elif short_list(v):
                    summary[str(k)] = ", ".join(str(x) for x in v) or "none"
    return summary, tables


def _plan_curves(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The seed tables that can be drawn as spread curves, with readable names."""
    curves = {}
    for name, table in tables.items():
        if {"order", "cumulative_spread"} <= set(table.columns) and len(table):
            label = {
                "seeds": _PLAN_NAMES["plan"],
                "naive": _PLAN_NAMES["naive"],
                "naive_seeds": _PLAN_NAMES["naive"],
            }.get(name, name.replace("_", " "))
            curves[label] = table
    return curves


#: How each column of a plan summary is named in the figure's legend.
_PLAN_NAMES = {
    "plan": "planned seeds",
    "naive": "naive plan (most followers)",
    "top_degree": "top degree",
}
#: The plan summary's row that measures each whole plan, and what it counts.
_PLAN_MEASURES = {
    "expected_spread": "expected accounts reached (cumulative)",
    "expected_adopters": "expected adopters (cumulative)",
}


def plan_spread_figure(plan, *, x: str | None = None, ax=None):
    """The spread curves of a campaign plan, their legend giving the plan's evaluated reach.

    The curves are the optimiser's cumulative estimate seed by seed; the number in the
    legend (and the point at each curve's end) is the summary's independent evaluation
    (``expected_spread``, or ``expected_adopters`` for an advocacy plan), the number the
    console and the summary table report. Plans of the summary without a seed table (the
    advocacy plan's ``top_degree``) are one point each. ``x``: ``"cost"`` for a budget plan
    whose tables all have costs, else ``"order"`` (default: chosen that way). Returns None
    when the plan has no seed table to draw.

    Examples
    --------
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("b", "a"), ("c", "a"), ("d", "c")])
    >>> plan = ni.plan_campaign(net, k=1, probability="constant", p=1.0, evaluation_runs=50)
    >>> fig = plan_spread_figure(plan)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['planned seeds: 4 with 1 seeds', 'naive plan (most followers): 4 with 1 seeds']
    """
    _, tables = _plan_parts(plan)
    curves = _plan_curves(tables)
    if not curves:
        return None
    totals: dict[str, float] = {}
    measure = row = None
    summary = tables.get("summary")
    if summary is not None and "measure" in summary.columns:
        rows = summary.set_index("measure")
        row = next((r for r in _PLAN_MEASURES if r in rows.index), None)
        if row is not None:
            measure = _PLAN_MEASURES[row]
            k = len(next(iter(curves.values())))
            for col in rows.columns:
                name = _PLAN_NAMES.get(str(col), str(col).replace("_", " "))
                value = pd.to_numeric(pd.Series([rows.loc[row, col]]), errors="coerce").iloc[0]
                if pd.isna(value):
                    continue
                totals[name] = float(value)
                if name not in curves:  # a plan known only as a whole
                    curves[name] = pd.DataFrame(
                        {"order": np.arange(1, k + 1), "cumulative_spread": np.nan}
                    )
    if x is None:
        x = (
            "cost"
            if all("cost" in t.columns for t in curves.values())
            and len(curves) > 1
            and row != "expected_adopters"
            else "order"
        )
    return plots.spread_curves(curves, x=x, ax=ax, totals=totals, measure=measure)


# ----------------------------------------------------------------------------- figures


def report_figures(analysis, *, plan=None, seed=0, label_top: int = 10) -> dict[str, Any]:
    """The report's matplotlib figures, keyed by a short name.

    ``community_map``, ``community_sizes``, ``degree_distributions``, ``score_vs_followers``,
    ``impact_breakdown``, ``component_breakdown``, and ``spread_curves`` when ``plan`` has
    seed tables with ``order`` and ``cumulative_spread``.
    """

    ranked = analysis.ranked
    topics = ranked.drop_duplicates("community").set_index("community")["community_topic"]
    highlight = None
    if plan is not None:
        _, tables = _plan_parts(plan)
        seeds = tables.get("seeds")
        if seeds is not None and "node" in seeds.columns:
            highlight = [s for s in seeds["node"] if s in analysis.net.ids]
    figs = {
        "community_map": plots.community_map(
            analysis.net,
            analysis.labels,
            ranked=ranked,
            label_top=label_top,
            highlight=highlight,
            seed=seed,
        ),
        "community_sizes": plots.community_sizes(analysis.labels, topics=topics),
        "degree_distributions": plots.degree_distributions(analysis.net),
        "score_vs_followers": plots.score_vs_followers(ranked, label_top=min(label_top, 8)),
        "impact_breakdown": plots.impact_breakdown(ranked),
        "component_breakdown": plots.component_breakdown(ranked, weights=analysis.weights),
    }
    curves = plan_spread_figure(plan) if plan is not None else None
    if curves is not None:
        figs["spread_curves"] = curves
    return figs


# ----------------------------------------------------------------------------- sections


def _input_context(analysis) -> dict[str, Any]:
    net = analysis.net
    s = net.summary()
    rows = pd.DataFrame(
        {
            "measure": [k.replace("_", " ") for k in s.index],
            "value": [
                f"{v:.4g}"
                if isinstance(v, float)
                else (
                    _fmt(v, "int")
                    if isinstance(v, int | np.integer) and not isinstance(v, bool)
                    else str(v)
                )
                for v in s.to_numpy()
            ],
        }
    )
    report = net.load_report.to_frame()
    dropped = net.load_report.dropped_ids or {}
    return {
        "summary": _table(rows, kinds={"value": "text"}, caption="Network summary"),
        "load_report": (
            _table(report, kinds={"count": "int"}, caption="Load report") if len(report) else None
        ),
        "n_dropped": f"{len(dropped):,}",
        "dropped": list(dropped.items())[:20],
        "more_dropped": f"{len(dropped) - 20:,}" if len(dropped) > 20 else "",
    }


def _communities_context(analysis) -> dict[str, Any]:
    ranked = analysis.ranked
    labels = analysis.labels
    quality = community_quality(analysis.net, labels)
    insiders = analysis.inputs.groupby("community")["insider"].sum()
    best = ranked.sort_values("rank").drop_duplicates("community").set_index("community")
    topics = best["community_topic"] if "community_topic" in best else None
    frame = pd.DataFrame(
        {
            "community": quality.index,
            "topic": [topics.get(c, "") if topics is not None else "" for c in quality.index],
            "members": quality["size"].to_numpy(),
            "insiders": [int(insiders.get(c, 0)) for c in quality.index],
            "conductance": quality["conductance"].to_numpy(),
            "best candidate (rank, score)": [_best_text(best, c) for c in quality.index],
        }
    ).sort_values("members", ascending=False, kind="mergesort")
    kinds = {"community": "text", "members": "int", "insiders": "int", "conductance": "float2"}
    return {
        "n": f"{len(quality):,}",
        "modularity": f"{quality.attrs.get('modularity', float('nan')):.3f}",
        "coverage": f"{quality.attrs.get('coverage', float('nan')):.0%}",
        "table": _table(frame.head(60), kinds=kinds, caption="Communities"),
        "n_listed": f"{len(frame):,}" if len(frame) > 60 else "",
    }


def _best_text(best: pd.DataFrame, community) -> str:
    if community not in best.index:
        return ""
    row = best.loc[community]
    name = (
        row["handle"] if isinstance(row.get("handle"), str) and row["handle"] else str(row["node"])
    )
    return f"{name} (#{int(row['rank']):,}, {float(row['score']):.1f})"


def _components(row, weights) -> list[dict[str, str]]:
    """The segments of a candidate's score bar and their legend lines."""
    w = weights.normalised()
    keep = (1.0 - weights.flag_penalty) ** float(row.get("n_flags", 0) or 0)
    parts = []
    for comp in COMPONENTS:
        value = row.get(comp)
        value = 0.0 if _is_missing(value) else float(value)
        points = 100.0 * w[comp] * value * keep
        parts.append(
            {
                "name": comp.replace("_", " "),
                "colour": COMPONENT_COLOURS[comp],
                "width": f"{points:.2f}",
                "points": f"{points:.1f}",
                "value": f"{value:.2f}",
                "weight": f"{w[comp]:.2f}",
            }
        )
    return parts


def _candidate(row, weights) -> dict[str, Any]:
    """One candidate: the table row's cells, its filter attributes and its detail."""
    cells = []
    for col, _, kind in TABLE_COLUMNS:
        value = row.get(col)
        if col == "handle" and not (isinstance(value, str) and value):
            value = row.get("node")
        if kind == "num":
            missing = _is_missing(value)
            shown = {
                "score": _fmt(value, "float1"),
                "rank": _fmt(value, "int"),
                "community": "" if missing else str(value),
                "engagement_vs_tier": "" if missing else _fmt(value, "float2") + "x",
                "followers": _fmt(value, "int"),
                "reach_2hop": _fmt(value, "int"),
            }.get(col, _fmt(value, "num"))
            raw = "" if missing else f"{float(value):.10g}"
            cells.append({"cls": "n", "v": raw, "text": shown})
        else:
            text = "" if _is_missing(value) else str(value)
            if col == "flags":
                text = text.replace(";", ", ")
            cells.append({"cls": "why" if col == "why" else "", "v": text.lower(), "text": text})
    search = " ".join(
        str(row.get(c, ""))
        for c in ("node", "handle", "community_topic", "tier", "role", "why", "flags")
    )
    search += f" community {row.get('community')}"
    flags = [f for f in str(row.get("flags") or "").split(";") if f]
    return {
        "tier": str(row.get("tier", "")).lower(),
        "community": row.get("community"),
        "flagged": "1" if flags else "0",
        "search": search.lower(),
        "cells": cells,
        "score": _fmt(row.get("score"), "float1"),
        "components": _components(row, weights),
        "flags": [(f, _FLAG_WORDS.get(f, "")) for f in flags],
        "facts": [
            (label, _fmt(row[col], kind))
            for col, label, kind in _DETAIL_FIELDS
            if col in row.index and not _is_missing(row[col])
        ],
        "why": row.get("why"),
    }


#: What the ranking counts, per objective (said above the candidate table).
_OBJECTIVE_TEXT = {
    "awareness": "Ranked for awareness: the expected number of real accounts each account "
    "moves by simple contagion (an independent cascade through calibrated tie probabilities).",
    "advocacy": "Ranked for advocacy: the real accounts that adopt in a threshold (complex) "
    "contagion seeded at the account and its close circle, where adopting takes several "
    "contacts who adopted.",
}


def _objective(analysis) -> str:
    """The objective the analysis ranked by (recorded by the score's inputs)."""
    info = analysis.inputs.attrs.get("impact") or {}
    return str(info.get("objective", "awareness"))


def _candidates_context(analysis, top: int | None) -> dict[str, Any]:
    ranked = analysis.ranked.sort_values("rank", kind="mergesort")
    total = len(ranked)
    table = ranked if top is None else ranked.head(top)
    tiers = (
        [t for t in ("nano", "micro", "macro", "mega", "unknown") if (table["tier"] == t).any()]
        if "tier" in table
        else []
    )
    objective = _objective(analysis)
    return {
        "objective": objective,
        "objective_note": _OBJECTIVE_TEXT.get(objective, f"Ranked for {objective}."),
        "shown_note": (
            f"the top {len(table):,} of {total:,} accounts"
            if len(table) < total
            else f"all {total:,} accounts"
        ),
        "count": f"{len(table):,}",
        "tiers": tiers,
        "communities": sorted(table["community"].unique().tolist()),
        "headers": [(label, kind) for _, label, kind in TABLE_COLUMNS],
        "rows": [_candidate(row, analysis.weights) for _, row in table.iterrows()],
    }


def _plan_context(plan) -> dict[str, Any]:
    """The plan's tables, split around the spread-curve figure (the summary comes first)."""
    summary, tables = _plan_parts(plan)

    def block(name: str, table: pd.DataFrame, title: str) -> dict[str, Any]:
        notes = []
        if len(table) > 200:
            notes.append(f"first 200 of {len(table):,} rows")
        if table.shape[1] > 16:
            notes.append(f"first 16 of {table.shape[1]:,} columns")
        caption = title + (f" ({', '.join(notes)})" if notes else "")
        return {"name": name, "table": _table(table.head(200).iloc[:, :16], caption=caption)}

    titles = {
        "summary": "The plan against the naive plan (most followers, same budget)",
        "seeds": "Seeds, in the order chosen",
        "naive": "Naive plan",
        "communities": "Spread per community",
    }
    order = [k for k in titles if k in tables] + [k for k in tables if k not in titles]
    before = []
    if order and order[0] == "summary":
        before.append(block("summary", tables["summary"], titles["summary"]))
        order = order[1:]
    after = [
        block(name, tables[name], titles.get(name, name.replace("_", " ").capitalize()))
        for name in order
    ]
    if summary:
        frame = pd.DataFrame(
            {
                "item": [k.replace("_", " ") for k in summary],
                "value": [
                    _fmt(v, "num")
                    if isinstance(v, int | float) and not isinstance(v, bool)
                    else _fmt(v, "text")
                    for v in summary.values()
                ],
            }
        )
        after.append(block("parameters", frame, "Parameters"))
    return {"before_curves": before, "after_curves": after}


def _method_context(analysis) -> dict[str, Any]:
    w = analysis.weights.normalised()
    return {
        "terms": " + ".join(f"{v:.2f} x {k.replace('_', ' ')}" for k, v in w.items()),
        "keep": f"{1 - analysis.weights.flag_penalty:.2f}",
        "reach_method": analysis.inputs.attrs.get("reach_method"),
        "timings": ", ".join(f"{k} {v:.2f} s" for k, v in analysis.timings.items()),
    }


# ----------------------------------------------------------------------------- public


def _check_top(top) -> int | None:
    if top is None or top == 0:
        return None
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:
        raise InputError(f"top must be a non-negative integer or None (every account), got {top!r}")
    return int(top)


def render_html_report(
    analysis,
    *,
    plan=None,
    title: str = "netinfluence report",
    top: int | None = 500,
    figures: Mapping[str, Any] | None = None,
    generated: str | None = None,
    dpi: int = 100,
) -> str:
    """The HTML report of an analysis as one self-contained string (no I/O).

    Parameters
    ----------
    analysis : netinfluence.pipeline.Analysis
        The result of :func:`netinfluence.pipeline.analyze`.
    plan : optional
        A campaign plan (``netinfluence.spread.plan_campaign``'s result, a mapping of its
        tables, or a seeds DataFrame); adds the campaign section and its spread curves.
    title : str
        Page title (escaped).
    top : int or None
        Candidates in the table (best first); ``None`` or ``0`` for every account.
    figures : mapping, optional
        Figures to embed instead of :func:`report_figures` (name -> matplotlib Figure).
    generated : str, optional
        The "generated" line (default: the current UTC time).
    dpi : int
        Resolution of the embedded PNGs.

    Returns
    -------
    str
        A complete HTML5 document: input summary and load report, community overview,
        plots, the sortable and filterable candidate table with a detail row per candidate,
        the campaign plan (if given) and the method.

    Examples
    --------
    >>> import netinfluence as ni
    >>> from netinfluence.pipeline import analyze
    >>> net = ni.Network.from_edges([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"),
    ...                              ("d", "e"), ("e", "d"), ("e", "f"), ("c", "d")])
    >>> page = render_html_report(analyze(net), top=3, title="<tiny>")
    >>> page.startswith("<!DOCTYPE html>"), "https://" in page, page.count('class="cand"')
    (True, False, 3)
    >>> "<title>&lt;tiny&gt;</title>" in page
    True
    """
    top = _check_top(top)
    if not isinstance(title, str):
        raise InputError(f"title must be a string, got {type(title).__name__}")
    figs = (
        dict(figures)
        if figures is not None
        else report_figures(analysis, plan=plan, seed=analysis.seed)
    )
    images = {k: _png_data_uri(f, dpi=dpi) for k, f in figs.items()}

    net = analysis.net
    generated = generated or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    ranked = analysis.ranked
    best = ranked.nsmallest(1, "rank")
    top = _check_top(top)
    if not isinstance(title, str):
        raise InputError(f"title must be a string, got {type(title).__name__}")
    figs = (
        dict(figures)
        if figures is not None
        else report_figures(analysis, plan=plan, seed=analysis.seed)
    )
    # base64 PNGs we just encoded: the only values besides the static files marked safe
    images = {k: Markup(_png_data_uri(f, dpi=dpi)) for k, f in figs.items()}

    net = analysis.net
    generated = generated or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    ranked = analysis.ranked
    best = ranked.nsmallest(1, "rank")
    best_name = ""
    if len(best):
        h = best["handle"].iloc[0]
        best_name = h if isinstance(h, str) and h else str(best["node"].iloc[0])
    cards = [
        (f"{net.n_nodes:,}", "accounts"),
        (f"{net.n_follows:,}", "follow edges"),
        (f"{net.n_interactions:,}", "interaction rows"),
        (f"{analysis.labels.nunique():,}", "communities"),
        (f"{int(analysis.inputs['insider'].sum()):,}", "community insiders"),
        (best_name, "top candidate"),
    ]
    nav = [("input", "Input"), ("communities", "Communities"), ("candidates", "Candidates")]
    if plan is not None:
        nav.append(("plan", "Campaign plan"))
    nav.append(("method", "Method"))
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            version=__version__,
            seed=analysis.seed,
            generated=generated,
            css=_static("report.css"),
            js=_static("report.js"),
            images=images,
            nav=nav,
            cards=cards,
            input=_input_context(analysis),
            communities=_communities_context(analysis),
            candidates=_candidates_context(analysis, top),
            plan=_plan_context(plan) if plan is not None else None,
            method=_method_context(analysis),
        )
    )


def write_html_report(
    analysis,
    path: str | os.PathLike,
    *,
    plan=None,
    title: str = "netinfluence report",
    top: int | None = 500,
    figures: Mapping[str, Any] | None = None,
) -> Path:
    """Write the self-contained HTML report of an analysis atomically.

    See :func:`render_html_report` for the parameters; the file is UTF-8 and needs nothing
    else to open (plots embedded, no network access).

    Raises
    ------
    InputError
        ``path`` does not end in ``.html`` or ``.htm``, or a bad option.
    """

    if Path(path).suffix.lower() not in (".html", ".htm"):
        raise InputError(
            f"the report is an HTML file: give a path ending in .html, got {str(path)!r}"
        )
    page = render_html_report(analysis, plan=plan, title=title, top=top, figures=figures)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return Path(path)
