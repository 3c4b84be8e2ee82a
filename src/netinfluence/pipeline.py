"""The composed analysis: the one place the CLI and the notebooks run the whole job from.

:func:`analyze` measures and scores a network once; :func:`run_rank` adds the analyst's
filters and writes the outputs (:func:`netinfluence.demo.run_demo` builds the demo on it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
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

__all__ = ["Analysis", "analyze", "export_graph", "run_rank", "write_meta"]

#: The steps of :func:`analyze`, in order (what progress callbacks are told).
STEPS = (
    "ties",
    "engagement",
    "communities",
    "roles",
    "core",
    "reach",
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


def export_graph(analysis: Analysis, path: str | os.PathLike, *, layer: str | None = None) -> Path:
    """Write the network with every node attribute (community, score components, tier, ...)
    as GEXF or GraphML, so Gephi can colour and size by them."""
    net = analysis.net
    g = net.to_networkx(layer or net.default_layer, attributes=False)
    table = analysis.ranked.set_index("node")
    keep = [c for c in table.columns if c not in ("why",)]
    for col in keep:
        values = table[col]
        for node, v in zip(table.index, values.to_numpy(), strict=True):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, (np.bool_,)):
                v = bool(v)
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.floating):
                v = float(v)
            elif not isinstance(v, (str, int, float, bool)):
                v = str(v)
            g.nodes[node][str(col)] = v
    for node, attrs in net.nodes.to_dict("index").items():
        for k, v in attrs.items():
            if k in g.nodes[node] or v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            g.nodes[node][str(k)] = v.item() if hasattr(v, "item") else v
    return write_graph(g, path)


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
        },
    )
    if graph_out:
        written["graph"] = export_graph(analysis, graph_out)
    return table, written
