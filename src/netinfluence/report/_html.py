"""A self-contained HTML report of an analysis: one file that opens in any browser, offline.

Everything is inside the file: the plots as base64 PNG, the styles and the (small, plain)
JavaScript that sorts and filters the candidate table and opens a candidate's detail row. A
Content-Security-Policy in the page forbids loading anything from elsewhere, so the report
never touches the network, and every piece of user data (handles, topics, ids, reasons) is
HTML-escaped before it is written.

:func:`render_html_report` builds the page as a string (no I/O); :func:`write_html_report`
writes it atomically.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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

_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def _esc(value: Any) -> str:
    """Text for HTML (element content and quoted attributes alike)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float | np.floating) and np.isnan(value))


def _fmt(value, kind: str) -> str:
    """Display text of a value (not escaped)."""
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


def _table_html(
    frame: pd.DataFrame,
    *,
    kinds: Mapping[str, str] | None = None,
    cls: str = "plain",
    caption: str | None = None,
) -> str:
    kinds = kinds or {}
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
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
            align = ' class="n"' if kind in ("num", "int", "float1", "float2", "pct") else ""
            cells.append(f"<td{align}>{_esc(_fmt(v, kind))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="{cls}">{cap}<thead><tr>{head}</tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


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
                "seeds": "planned seeds",
                "naive": "naive plan (most followers)",
                "naive_seeds": "naive plan (most followers)",
            }.get(name, name.replace("_", " "))
            curves[label] = table
    return curves


# ----------------------------------------------------------------------------- figures


def report_figures(analysis, *, plan=None, seed=0, label_top: int = 10) -> dict[str, Any]:
    """The report's matplotlib figures, keyed by a short name.

    ``community_map``, ``community_sizes``, ``degree_distributions``, ``score_vs_followers``,
    ``component_breakdown``, and ``spread_curves`` when ``plan`` has seed tables with
    ``order`` and ``cumulative_spread``.
    """

    ranked = analysis.ranked
    topics = ranked.drop_duplicates("community").set_index("community")["community_topic"]
    highlight = None
    curves = {}
    if plan is not None:
        _, tables = _plan_parts(plan)
        curves = _plan_curves(tables)
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
        "component_breakdown": plots.component_breakdown(ranked, weights=analysis.weights),
    }
    if curves:
        x = (
            "cost"
            if all("cost" in t.columns for t in curves.values()) and len(curves) > 1
            else "order"
        )
        figs["spread_curves"] = plots.spread_curves(curves, x=x)
    return figs


# ----------------------------------------------------------------------------- sections


def _summary_section(analysis) -> str:
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
    parts = [
        '<section id="input"><h2>Input</h2><div class="cols">',
        "<div>",
        _table_html(rows, kinds={"value": "text"}, caption="Network summary"),
        "</div><div>",
    ]
    if len(report):
        parts.append(_table_html(report, kinds={"count": "int"}, caption="Load report"))
    else:
        parts.append("<p>The load report is empty (the network was built in memory).</p>")
    dropped = net.load_report.dropped_ids
    if dropped:
        some = list(dropped.items())[:20]
        items = "".join(f"<li><code>{_esc(k)}</code>: {_esc(v)}</li>" for k, v in some)
        more = f"<li>... and {len(dropped) - 20:,} more</li>" if len(dropped) > 20 else ""
        parts.append(
            f"<p>{len(dropped):,} id(s) appear only in dropped rows:</p>"
            f'<ul class="small">{items}{more}</ul>'
        )
    parts.append("</div></div></section>")
    return "".join(parts)


def _communities_section(analysis, images: Mapping[str, str]) -> str:

    ranked = analysis.ranked
    labels = analysis.labels
    quality = community_quality(analysis.net, labels)
    inputs = analysis.inputs
    insiders = inputs.groupby("community")["insider"].sum()
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
    shown = frame.head(60)
    mod = quality.attrs.get("modularity", float("nan"))
    cov = quality.attrs.get("coverage", float("nan"))
    note = (
        f"<p>{len(quality):,} communities; modularity {mod:.3f}, {cov:.0%} of the tie "
        f"weight inside communities.</p>"
    )
    more = (
        f"<p class='small'>The 60 largest of {len(frame):,} communities are listed.</p>"
        if len(frame) > 60
        else ""
    )
    return (
        '<section id="communities"><h2>Communities</h2>'
        + note
        + '<div class="cols"><div class="wide">'
        + _figure(images, "community_map", "The network laid out by community")
        + "</div><div>"
        + _table_html(
            shown,
            kinds={
                "community": "text",
                "members": "int",
                "insiders": "int",
                "conductance": "float2",
            },
            caption="Communities",
        )
        + more
        + '</div></div><div class="cols">'
        + _figure(images, "community_sizes", "Community sizes")
        + _figure(images, "degree_distributions", "Degree and follower distributions")
        + "</div></section>"
    )


def _best_text(best: pd.DataFrame, community) -> str:
    if community not in best.index:
        return ""
    row = best.loc[community]
    name = (
        row["handle"] if isinstance(row.get("handle"), str) and row["handle"] else str(row["node"])
    )
    return f"{name} (#{int(row['rank']):,}, {float(row['score']):.1f})"


def _figure(images: Mapping[str, str], key: str, alt: str) -> str:
    uri = images.get(key)
    if not uri:
        return ""
    return (
        f'<figure><img src="{uri}" alt="{_esc(alt)}" data-figure="{_esc(key)}">'
        f"<figcaption>{_esc(alt)}</figcaption></figure>"
    )


def _components_bar(row, weights) -> str:

    w = weights.normalised()
    keep = (1.0 - weights.flag_penalty) ** float(row.get("n_flags", 0) or 0)
    segs, legend = [], []
    for comp in COMPONENTS:
        value = row.get(comp)
        value = 0.0 if _is_missing(value) else float(value)
        points = 100.0 * w[comp] * value * keep
        name = comp.replace("_", " ")
        segs.append(
            f'<span class="seg" style="width:{points:.2f}%;'
            f'background:{COMPONENT_COLOURS[comp]}" title="{_esc(name)}: '
            f'{points:.1f} points"></span>'
        )
        legend.append(
            f'<li><i style="background:{COMPONENT_COLOURS[comp]}"></i>{_esc(name)}: '
            f"percentile {value:.2f} x weight {w[comp]:.2f} = "
            f"<b>{points:.1f}</b></li>"
        )
    return (
        f'<div class="bar" role="img" aria-label="score components">{"".join(segs)}</div>'
        f'<ul class="legend">{"".join(legend)}</ul>'
    )


def _detail_html(row, weights, flag_words: Mapping[str, str]) -> str:
    facts = []
    for col, label, kind in _DETAIL_FIELDS:
        if col in row.index and not _is_missing(row[col]):
            facts.append(f"<dt>{_esc(label)}</dt><dd>{_esc(_fmt(row[col], kind))}</dd>")
    flags = [f for f in str(row.get("flags") or "").split(";") if f]
    flag_text = (
        (
            "<p><b>Flags:</b> "
            + ", ".join(f"{_esc(f)} ({_esc(flag_words.get(f, ''))})" for f in flags)
            + "</p>"
        )
        if flags
        else "<p><b>Flags:</b> none</p>"
    )
    return (
        f'<div class="detail-body"><div><h4>Score components '
        f"({_esc(_fmt(row.get('score'), 'float1'))} of 100)</h4>"
        f"{_components_bar(row, weights)}{flag_text}</div>"
        f"<div><h4>Measurements</h4><dl>{''.join(facts)}</dl></div>"
        f"<div><h4>Why</h4><p>{_esc(row.get('why'))}</p></div></div>"
    )


def _candidates_section(analysis, images: Mapping[str, str], top: int | None) -> str:

    ranked = analysis.ranked.sort_values("rank", kind="mergesort")
    total = len(ranked)
    table = ranked if top is None else ranked.head(top)
    ncol = len(TABLE_COLUMNS)
    head = "".join(
        f'<th scope="col" data-col="{i}" data-kind="{kind}" aria-sort="none" tabindex="0">'
        f"{_esc(label)}</th>"
        for i, (_, label, kind) in enumerate(TABLE_COLUMNS)
    )
    bodies = []
    for _, row in table.iterrows():
        cells = []
        for col, _, kind in TABLE_COLUMNS:
            value = row.get(col)
            if col == "handle" and not (isinstance(value, str) and value):
                value = row.get("node")
            if kind == "num":
                raw = "" if _is_missing(value) else f"{float(value):.10g}"
                shown = {
                    "score": _fmt(value, "float1"),
                    "rank": _fmt(value, "int"),
                    "community": _esc(value),
                    "engagement_vs_tier": (_fmt(value, "float2") + "x")
                    if not _is_missing(value)
                    else "",
                    "followers": _fmt(value, "int"),
                    "reach_2hop": _fmt(value, "int"),
                }.get(col, _fmt(value, "num"))
                cells.append(f'<td class="n" data-v="{raw}">{_esc(shown)}</td>')
            else:
                text = "" if _is_missing(value) else str(value)
                if col == "flags":
                    text = text.replace(";", ", ")
                cls = ' class="why"' if col == "why" else ""
                cells.append(f'<td{cls} data-v="{_esc(text.lower())}">{_esc(text)}</td>')
        search = " ".join(
            str(row.get(c, ""))
            for c in ("node", "handle", "community_topic", "tier", "role", "why", "flags")
        )
        search += f" community {row.get('community')}"
        flagged = "1" if str(row.get("flags") or "") else "0"
        bodies.append(
            f'<tbody class="cand" data-tier="{_esc(str(row.get("tier", "")).lower())}" '
            f'data-community="{_esc(row.get("community"))}" data-flagged="{flagged}" '
            f'data-search="{_esc(search.lower())}">'
            f'<tr class="row" tabindex="0" aria-expanded="false">{"".join(cells)}</tr>'
            f'<tr class="detail" hidden><td colspan="{ncol}">'
            f"{_detail_html(row, analysis.weights, _FLAG_WORDS)}</td></tr></tbody>"
        )
    tiers = (
        [t for t in ("nano", "micro", "macro", "mega", "unknown") if (table["tier"] == t).any()]
        if "tier" in table
        else []
    )
    tier_opts = "".join(f'<option value="{_esc(t)}">{_esc(t)}</option>' for t in tiers)
    comms = sorted(table["community"].unique().tolist())
    comm_opts = "".join(f'<option value="{_esc(c)}">{_esc(c)}</option>' for c in comms)
    shown_note = (
        f"the top {len(table):,} of {total:,} accounts"
        if len(table) < total
        else f"all {total:,} accounts"
    )
    return (
        '<section id="candidates"><h2>Candidates</h2>'
        '<div class="cols">'
        + _figure(images, "score_vs_followers", "Citizen score vs followers")
        + _figure(images, "component_breakdown", "Score components of the top candidates")
        + "</div>"
        f"<p>The table holds {shown_note}, best first. Click a column header to sort, type to "
        "filter, click a row for the candidate's detail.</p>"
        '<div class="controls">'
        '<label>Filter <input id="filter" type="search" placeholder="handle, topic, reason..." '
        'autocomplete="off"></label>'
        f'<label>Tier <select id="tier-filter"><option value="">all</option>{tier_opts}'
        "</select></label>"
        f'<label>Community <select id="community-filter"><option value="">all</option>'
        f"{comm_opts}</select></label>"
        '<label><input id="hide-flagged" type="checkbox"> hide flagged accounts</label>'
        f'<span id="count" aria-live="polite">{len(table):,} of {len(table):,} shown</span>'
        "</div>"
        f'<div class="scroll"><table id="candidates-table" class="data"><thead><tr>{head}'
        f"</tr></thead>{''.join(bodies)}</table></div></section>"
    )


def _plan_section(plan, images: Mapping[str, str]) -> str:
    summary, tables = _plan_parts(plan)
    parts = ['<section id="plan"><h2>Campaign plan</h2>']

    def table_block(name: str, table: pd.DataFrame, title: str) -> str:
        view = table.head(200).iloc[:, :16]
        notes = []
        if len(table) > 200:
            notes.append(f"first 200 of {len(table):,} rows")
        if table.shape[1] > 16:
            notes.append(f"first 16 of {table.shape[1]:,} columns")
        caption = title + (f" ({', '.join(notes)})" if notes else "")
        return (
            f'<div class="scroll small-table" data-table="{_esc(name)}">'
            f"{_table_html(view, caption=caption)}</div>"
        )

    titles = {
        "summary": "The plan against the naive plan (most followers, same budget)",
        "seeds": "Seeds, in the order chosen",
        "naive": "Naive plan",
        "communities": "Spread per community",
    }
    order = [k for k in titles if k in tables] + [k for k in tables if k not in titles]
    if order and order[0] == "summary":
        parts.append(table_block("summary", tables["summary"], titles["summary"]))
        order = order[1:]
    parts.append(_figure(images, "spread_curves", "Expected spread: planned vs naive seeds"))
    for name in order:
        parts.append(
            table_block(name, tables[name], titles.get(name, name.replace("_", " ").capitalize()))
        )
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
        parts.append(table_block("parameters", frame, "Parameters"))
    parts.append("</section>")
    return "".join(parts)


def _method_section(analysis) -> str:
    w = analysis.weights.normalised()
    terms = " + ".join(f"{v:.2f} x {k.replace('_', ' ')}" for k, v in w.items())
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in analysis.timings.items())
    reach_method = analysis.inputs.attrs.get("reach_method")
    return (
        '<section id="method"><h2>Method</h2>'
        "<p>The citizen score is <code>100 x (" + _esc(terms) + ") x "
        f"{1 - analysis.weights.flag_penalty:.2f}<sup>flags</sup></code>. Each component is a "
        "percentile within this network (0 = lowest, 1 = highest): engaged reach is the "
        "expected 2-hop reach through weighted ties, embeddedness combines the within-community "
        "degree z-score and the share of ties inside the own community (Guimera &amp; Amaral "
        "roles), coreness is the k-core of the tie graph, engagement is relative to the "
        "follower tier's norm, and reciprocity is the share of mutual ties. Platform follower "
        "counts are not a component. Communities: Leiden unless a partition was given.</p>"
        f"<p class='small'>Seed {_esc(analysis.seed)}; reach method {_esc(reach_method)}; "
        f"timings: {_esc(timings)}.</p></section>"
    )


_CSS = """
:root{--fg:#1a1a1a;--muted:#555;--line:#ddd;--accent:#0072B2;--bg:#fff;--alt:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:var(--fg);background:var(--bg);margin:0}
header{background:#0b3954;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:26px}
header p{margin:0;color:#d8e6f0;font-size:13px}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:6px 28px;
z-index:3}
nav a{margin-right:16px;color:var(--accent);text-decoration:none;font-weight:600}
main{padding:0 28px 40px;max-width:1500px}
h2{border-bottom:2px solid var(--accent);padding-bottom:4px;margin-top:34px}
h4{margin:4px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:18px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px}
.card b{display:block;font-size:22px}
.card span{color:var(--muted);font-size:13px}
.cols{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.cols>*{flex:1 1 420px;min-width:0;overflow-x:auto}
.cols>.wide{flex:2 1 640px}
figure{margin:12px 0}
figure img{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
figcaption{color:var(--muted);font-size:13px}
table{border-collapse:collapse;font-size:13px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.plain tbody tr:nth-child(even){background:var(--alt)}
.controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:10px 0;
padding:8px 10px;background:var(--alt);border-radius:6px}
.controls input[type=search]{width:260px;padding:4px 6px}
#count{color:var(--muted);margin-left:auto}
.scroll{max-height:80vh;overflow:auto;border:1px solid var(--line);border-radius:6px}
table.data{width:100%}
table.data thead th{position:sticky;top:0;background:#eef3f7;cursor:pointer;user-select:none;
white-space:nowrap;z-index:1}
table.data thead th:hover{background:#dde8f0}
table.data th[aria-sort=ascending]::after{content:" \\25B2"}
table.data th[aria-sort=descending]::after{content:" \\25BC"}
tr.row{cursor:pointer}
tr.row:hover{background:#eef6fb}
tr.row[aria-expanded=true]{background:#e3f0f8}
td.why{min-width:320px}
tr.detail td{background:#fafcfd;padding:10px 14px}
.detail-body{display:flex;flex-wrap:wrap;gap:24px}
.detail-body>div{flex:1 1 300px}
.bar{display:flex;height:16px;width:100%;max-width:420px;background:#eee;border-radius:3px;
overflow:hidden}
.seg{display:block;height:100%}
ul.legend{list-style:none;padding:0;margin:6px 0;font-size:12.5px}
ul.legend i{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0;font-size:12.5px}
dt{color:var(--muted)}
dd{margin:0}
.small{font-size:12.5px;color:var(--muted)}
.small-table{max-height:420px;margin:12px 0;border:none}
code{background:var(--alt);padding:1px 4px;border-radius:3px}
footer{color:var(--muted);font-size:12px;padding:10px 28px;border-top:1px solid var(--line)}
"""

_JS = """
(function () {
  "use strict";
  var table = document.getElementById("candidates-table");
  if (!table) { return; }
  var bodies = Array.prototype.slice.call(table.tBodies);
  var headers = table.tHead.rows[0].cells;
  var filter = document.getElementById("filter");
  var tier = document.getElementById("tier-filter");
  var community = document.getElementById("community-filter");
  var hideFlagged = document.getElementById("hide-flagged");
  var count = document.getElementById("count");

  function key(body, col, kind) {
    var v = body.rows[0].cells[col].getAttribute("data-v");
    if (kind === "num") { return v === "" ? NaN : parseFloat(v); }
    return v;
  }
  function sortBy(col) {
    var th = headers[col];
    var kind = th.getAttribute("data-kind");
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    for (var i = 0; i < headers.length; i++) { headers[i].setAttribute("aria-sort", "none"); }
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    bodies.sort(function (a, b) {
      var x = key(a, col, kind), y = key(b, col, kind);
      if (kind === "num") {
        var xn = isNaN(x), yn = isNaN(y);
        if (xn || yn) { return xn === yn ? 0 : (xn ? 1 : -1); }
        return sign * (x - y);
      }
      return sign * x.localeCompare(y);
    });
    var frag = document.createDocumentFragment();
    bodies.forEach(function (b) { frag.appendChild(b); });
    table.appendChild(frag);
  }
  function applyFilter() {
    var q = filter.value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
    var t = tier.value, c = community.value, hide = hideFlagged.checked, shown = 0;
    bodies.forEach(function (b) {
      var text = b.getAttribute("data-search");
      var ok = q.every(function (w) { return text.indexOf(w) !== -1; }) &&
        (!t || b.getAttribute("data-tier") === t) &&
        (!c || b.getAttribute("data-community") === c) &&
        (!hide || b.getAttribute("data-flagged") === "0");
      b.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = shown.toLocaleString("en") + " of " +
      bodies.length.toLocaleString("en") + " shown";
  }
  function toggle(row) {
    var detail = row.nextElementSibling;
    var open = row.getAttribute("aria-expanded") === "true";
    row.setAttribute("aria-expanded", open ? "false" : "true");
    detail.hidden = open;
  }
  for (var i = 0; i < headers.length; i++) {
    (function (col) {
      headers[col].addEventListener("click", function () { sortBy(col); });
      headers[col].addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(col); }
      });
    })(i);
  }
  table.addEventListener("click", function (e) {
    var row = e.target.closest("tr.row");
    if (row) { toggle(row); }
  });
  table.addEventListener("keydown", function (e) {
    var row = e.target.closest("tr.row");
    if (row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggle(row); }
  });
  [filter, tier, community, hideFlagged].forEach(function (el) {
    el.addEventListener("input", applyFilter);
    el.addEventListener("change", applyFilter);
  });
  applyFilter();
})();
"""


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
    card_html = "".join(
        f'<div class="card"><b>{_esc(v)}</b><span>{_esc(k)}</span></div>' for v, k in cards
    )
    nav = [("input", "Input"), ("communities", "Communities"), ("candidates", "Candidates")]
    if plan is not None:
        nav.append(("plan", "Campaign plan"))
    nav.append(("method", "Method"))
    nav_html = "".join(f'<a href="#{a}">{_esc(t)}</a>' for a, t in nav)
    body = [
        _summary_section(analysis),
        _communities_section(analysis, images),
        _candidates_section(analysis, images, top),
    ]
    if plan is not None:
        body.append(_plan_section(plan, images))
    body.append(_method_section(analysis))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="netinfluence {_esc(__version__)}">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_esc(title)}</h1><p>netinfluence {_esc(__version__)} · seed "
        f"{_esc(analysis.seed)} · generated {_esc(generated)}</p></header>"
        f'<nav>{nav_html}</nav><main><div class="cards">{card_html}</div>'
        + "".join(body)
        + "</main><footer>Self-contained report: plots are embedded, nothing is loaded from the "
        "network. Made with netinfluence.</footer>"
        f"<script>{_JS}</script></body></html>\n"
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
