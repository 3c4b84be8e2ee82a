"""The composed analysis: the one place the CLI and the notebooks run the whole job from.

:func:`analyze` measures and scores a network once; :func:`run_rank` adds the analyst's
filters and writes the outputs (:func:`netinfluence.demo.run_demo` builds the demo on it).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netinfluence.io import table_format, write_graph, write_table
from netinfluence.io._provenance import _json_default, write_meta
from netinfluence.network import Network
from netinfluence.scoring import (
    ScoreWeights,
    citizen_score,
    filter_ranked,
    rank_table,
    score_inputs,
)

__all__ = [
    "GRAPH_ATTRIBUTES",
    "Analysis",
    "analyze",
    "export_graph",
    "graph_attributes",
    "run_rank",
    "write_meta",
]

#: The steps of :func:`analyze`, in order (what progress callbacks are told).
STEPS = (
    "ties",
    "engagement",
    "impact",
    "reach",
    "communities",
    "roles",
    "core",
    "scoring",
    "campaign",
    "report",
)


@dataclass
class Analysis:
    """Everything :func:`analyze` measured, keyed by node id.

    Attributes
    ----------
    net : Network
    inputs : DataFrame
        Per-node measurements (:func:`netinfluence.scoring.score_inputs`).
    scores : DataFrame
        Score components and the total (:func:`netinfluence.scoring.citizen_score`).
    ranked : DataFrame
        Every node ranked, best first, with reasons (:func:`netinfluence.scoring.rank`).
    timings : dict
        Seconds per step.
    """

    net: Network
    inputs: pd.DataFrame
    scores: pd.DataFrame
    ranked: pd.DataFrame
    weights: ScoreWeights
    seed: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def labels(self) -> pd.Series:
        """The community partition used (Series ``community``)."""
        return self.inputs["community"].rename("community")

    def rank(self, **filters) -> pd.DataFrame:
        """The ranked table with an analyst's filters (see :func:`netinfluence.rank`)."""

        return filter_ranked(self.net, self.ranked, weights=self.weights, seed=self.seed, **filters)


def analyze(
    net: Network,
    *,
    seed: int = 0,
    weights: ScoreWeights | None = None,
    labels: pd.Series | None = None,
    reach_method: str = "auto",
    progress: Callable[[str], None] | None = None,
    objective: str = "awareness",
) -> Analysis:
    """Measure, score and rank every account of a network once.

    Parameters
    ----------
    net : Network
    seed : int
        Seed of every random step; the same seed gives the same result.
    weights : ScoreWeights, optional
    labels : Series, optional
        A community partition to use instead of Leiden.
    reach_method : {"auto", "exact", "sketch"}
    progress : callable, optional
        Called with each step's name as it starts (see :data:`STEPS`).
    objective : {"awareness", "advocacy"}, default "awareness"
        What the score counts (:func:`netinfluence.scoring.citizen_score`).

    Examples
    --------
    >>> from netinfluence.datasets import load_sample
    >>> result = analyze(load_sample(), seed=0)
    >>> len(result.ranked) == result.net.n_nodes
    True
    """

    weights = weights or ScoreWeights()
    timings: dict[str, float] = {}
    clock: dict[str, Any] = {"name": None, "t": time.perf_counter()}

    def step(name: str):
        now = time.perf_counter()
        if clock["name"] is not None:
            timings[clock["name"]] = now - clock["t"]
        clock.update(name=name, t=now)
        if progress is not None:
            progress(name)

    inputs = score_inputs(
        net,
        labels=labels,
        seed=seed,
        reach_method=reach_method,
        progress=step,
        objective=objective,
    )
    step("scoring")
    scores = citizen_score(net, weights=weights, inputs=inputs)
    ranked = rank_table(net, inputs, scores)
    step("done")
    return Analysis(net, inputs, scores, ranked, weights, seed, timings)


#: What :func:`export_graph` writes: ``default`` keeps the columns one colours, sizes and
#: filters by in Gephi (rank, score and its components, community, role, tier, followers,
#: insider, flags) with decimals rounded to 4 places; ``all`` keeps every column of the ranked
#: table and the users table at full precision.
GRAPH_ATTRIBUTES = ("default", "all")

_GRAPH_DEFAULT_COLUMNS = (
    "rank",
    "score",
    "community",
    "community_topic",
    "role",
    "tier",
    "followers",
    "insider",
    "flags",
    "engaged_reach",
    "embeddedness",
    "coreness",
    "engagement",
    "reciprocity",
)

_GRAPH_ATTRIBUTES: ContextVar[str] = ContextVar("netinfluence_graph_attributes", default="default")


@contextlib.contextmanager
def graph_attributes(mode: str) -> Iterator[str]:
    """Within the block, :func:`export_graph` (also when :func:`run_rank` calls it) writes
    the attribute set ``mode`` (see :data:`GRAPH_ATTRIBUTES`) unless told otherwise; the
    CLI's ``--graph-attributes`` sets it for one command."""
    from netinfluence._check import choice

    token = _GRAPH_ATTRIBUTES.set(choice("graph attributes", mode, GRAPH_ATTRIBUTES))
    try:
        yield _GRAPH_ATTRIBUTES.get()
    finally:
        _GRAPH_ATTRIBUTES.reset(token)


def _gexf_values(values: pd.Series, digits: int | None) -> list:
    """A column as GEXF/GraphML values of one type (None where missing): whole-number float
    columns (followers read as floats) become ints, other decimals are rounded to ``digits``.
    """
    if pd.api.types.is_bool_dtype(values):
        return [bool(v) for v in values.to_numpy()]
    if pd.api.types.is_numeric_dtype(values):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(arr)
        whole = bool(np.all(arr[finite] == np.round(arr[finite]))) and bool(
            np.all(np.abs(arr[finite]) < 2**53)
        )
        if digits is not None and not whole:
            arr = np.round(arr, digits)
        return [
            (int(v) if whole else float(v)) if ok else None
            for v, ok in zip(arr.tolist(), finite.tolist(), strict=True)
        ]
    out: list[Any] = []
    for v in values.to_numpy(dtype=object):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, (str, int, float, bool)):
            out.append(v.item() if hasattr(v, "item") else v)
        else:
            out.append(str(v))
    return out


def export_graph(
    analysis: Analysis,
    path: str | os.PathLike,
    *,
    layer: str | None = None,
    attributes: str | None = None,
) -> Path:
    """Write the network with its node measures as GEXF or GraphML, for Gephi.

    Nodes are labelled by handle (GEXF ``label``; the id where there is none) and carry the
    ranked table's columns. Edges are written the way people read their data: follower ->
    followed, and from the account that engaged to the one it engaged with (for the tie layer,
    from the exposed account to its source). Influence flows the other way, from target to
    source: the graph's ``name`` says so in GEXF, its ``influence_flows`` attribute in GraphML.

    Parameters
    ----------
    analysis : Analysis
    path : path
        ``.gexf`` or ``.graphml``.
    layer : {"follows", "interactions", "ties"}, optional
        ``net.default_layer`` by default; edges carry the layer's ``weight``.
    attributes : {"default", "all"}, optional
        ``default``: the columns Gephi users colour, size and filter by, decimals rounded to
        4 places, compact XML (the sample: 8.5 MB instead of 18 MB); ``all``:
        every column of the ranked and users tables at full precision. By default the
        enclosing :func:`graph_attributes` block's choice, else ``default``.
    """
    from netinfluence._check import choice

    mode = choice("graph attributes", attributes or _GRAPH_ATTRIBUTES.get(), GRAPH_ATTRIBUTES)
    digits = None if mode == "all" else 4
    net = analysis.net
    g = net.to_networkx(layer or net.default_layer, attributes=False, edge_direction="attention")
    g.graph["name"] = (
        "edges as read: follower -> followed, engaged -> engaged with; "
        "influence flows target -> source"
    )
    if digits is not None:
        for _, _, data in g.edges(data=True):
            data["weight"] = round(float(data["weight"]), digits)
    table = analysis.ranked.set_index("node")
    keep = [c for c in table.columns if c != "why"]
    if mode == "default":
        keep = [c for c in _GRAPH_DEFAULT_COLUMNS if c in table.columns]
    handles = table["handle"] if "handle" in table.columns else None
    for node in table.index:
        label = handles.get(node) if handles is not None else None
        g.nodes[node]["label"] = label if isinstance(label, str) and label else str(node)
    for col in keep:
        for node, value in zip(table.index, _gexf_values(table[col], digits), strict=True):
            if value is not None and value != "":
                g.nodes[node][str(col)] = value
    if mode == "all":
        users = net.nodes
        for col in users.columns:
            if str(col) in keep:
                continue
            for node, value in zip(users.index, _gexf_values(users[col], None), strict=True):
                if value is not None:
                    g.nodes[node][str(col)] = value
    return write_graph(g, path, pretty=mode == "all")


def run_rank(
    net: Network,
    out: str | os.PathLike,
    *,
    seed: int = 0,
    weights: ScoreWeights | None = None,
    top: int | None = 50,
    per_community: int | None = None,
    tiers=None,
    exclude=None,
    require_topics=None,
    inputs: dict | None = None,
    graph_out: str | os.PathLike | None = None,
    progress: Callable[[str], None] | None = None,
    analysis: Analysis | None = None,
    objective: str = "awareness",
    insiders_only: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """Analyse, filter and write a ranked table (and its provenance file) atomically.

    The output format follows the extension (``.csv``, ``.xlsx``, ``.json``, ``.parquet``);
    ``top=0`` writes every node. ``FILE.meta.json`` beside it records the version, the
    parameters, the seed, the input files' hashes and the load report.
    Returns the table and the paths written. Pass ``analysis`` to reuse one analysis for
    several outputs.
    """
    table_format(out)  # refuse an unknown extension before any work
    if analysis is None:
        analysis = analyze(net, seed=seed, weights=weights, progress=progress, objective=objective)
    if progress:
        progress("export")
    table = analysis.rank(
        top=top or None,
        per_community=per_community,
        tiers=tiers,
        exclude=exclude,
        require_topics=require_topics,
        insiders_only=insiders_only,
    )
    params = dict(table.attrs.get("parameters", {}))
    params["reach_method"] = analysis.inputs.attrs.get("reach_method")
    impact_info = analysis.inputs.attrs.get("impact", {})
    params["objective"] = impact_info.get("objective", objective)
    params["impact_rr_sets"] = impact_info.get("runs")
    sheets = {
        "load report": net.load_report.to_frame(),
        "parameters": pd.DataFrame(
            {
                "parameter": list(params),
                "value": [json.dumps(v, default=_json_default) for v in params.values()],
            }
        ),
    }
    written = {"table": write_table(table, out, sheets=sheets)}
    written["meta"] = write_meta(
        f"{out}.meta.json",
        net=net,
        parameters=params,
        inputs=inputs,
        extra={
            "filtered": table.attrs.get("filtered"),
            "unknown_exclusions": table.attrs.get("unknown_exclusions", []),
            "rows": len(table),
            "timings_seconds": analysis.timings,
            # Leiden's second process on large graphs: its phases beside the steps above
            "leiden_process": analysis.inputs.attrs.get("leiden_process"),
        },
    )
    if graph_out:
        written["graph"] = export_graph(analysis, graph_out)
    return table, written
