"""The demo: the whole product on the bundled sample, every output written into one folder.

:func:`run_demo` is what ``netinfluence demo`` runs; extend it when the product gains a capability.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import cast

from netinfluence.datasets import load_sample
from netinfluence.io import atomic_path, write_meta, write_table
from netinfluence.pipeline import analyze, run_rank
from netinfluence.report import report_figures, write_html_report
from netinfluence.spread import CampaignPlan, plan_campaign


def run_demo(
    out: str | os.PathLike,
    *,
    seed: int = 0,
    console=None,
    show_report=None,
    show_summary=None,
    show_table=None,
    progress=None,
) -> dict[str, Path]:
    """Run the whole product on the bundled sample and write its outputs into ``out``.

    Returns the paths written, keyed by what they hold.
    """

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    net = load_sample()
    if show_report:
        show_report(net)
    if show_summary:
        show_summary(net)
    written: dict[str, Path] = {}
    summary = net.summary().to_frame("value")
    summary.index.name = "measure"
    written["summary"] = write_table(summary.astype(str), out / "network_summary.csv", index=True)
    written["load_report"] = write_table(net.load_report.to_frame(), out / "load_report.csv")
    analysis = analyze(net, seed=seed, progress=progress)
    table, paths = run_rank(
        net,
        out / "candidates.csv",
        seed=seed,
        top=50,
        graph_out=out / "network.gexf",
        analysis=analysis,
    )
    written["candidates"] = paths["table"]
    written["candidates_meta"] = paths["meta"]
    written["graph"] = paths["graph"]
    import importlib.util

    excel = importlib.util.find_spec("openpyxl") is not None
    if not excel and console is not None:
        console.print(
            "note: openpyxl is not installed (pip install 'netinfluence[excel]'), "
            "so the Excel files are written as CSV",
            markup=False,
        )
    ext = ".xlsx" if excel else ".csv"
    _, paths = run_rank(net, out / f"insiders{ext}", seed=seed, per_community=5, analysis=analysis)
    written["insiders"] = paths["table"]
    if progress:
        progress("campaign")

    plan = demo_plan(analysis, seed=seed)
    written.update(plan_outputs(analysis, out, seed=seed, plan=plan))
    if console is not None:
        sm = plan.summary
        seeds_plan = cast(float, sm.loc["seeds", "plan"])
        seeds_naive = cast(float, sm.loc["seeds", "naive"])
        spread_plan = cast(float, sm.loc["expected_spread", "plan"])
        spread_naive = cast(float, sm.loc["expected_spread", "naive"])
        console.print(
            f"campaign plan (budget 20,000, default tier costs): {int(seeds_plan)} "
            f"seeds, expected spread {spread_plan:,.0f} accounts; the "
            f"follower-count plan: {int(seeds_naive)} seeds, "
            f"{spread_naive:,.0f} accounts",
            markup=False,
        )
    if progress:
        progress("report")

    written.update(report_outputs(analysis, out, seed=seed, plan=plan))
    if show_table:
        show_table(table.head(15))
    if console is not None:
        for key, path in written.items():
            console.print(f"wrote {key:<16} {path}")
    return written


def demo_plan(analysis, *, seed: int = 0, budget: float = 20_000.0) -> CampaignPlan:
    """The demo's campaign: a budget plan with the default tier costs, the analysis'
    communities and insiders, and IC with the default calibrated tie probabilities
    (:func:`netinfluence.tie_probability`: subcritical by construction, so plans differ and
    sampling is quick)."""
    return plan_campaign(
        analysis.net,
        budget=budget,
        labels=analysis.labels,
        insiders=analysis.inputs["insider"],
        seed=seed,
        evaluation_runs=500,
        epsilon=0.2,
    )


def plan_outputs(
    analysis,
    out: str | os.PathLike,
    *,
    seed: int = 0,
    budget: float = 20_000.0,
    plan: CampaignPlan | None = None,
) -> dict[str, Path]:
    """Plan a small campaign on an analysed network and write ``plan.xlsx`` and ``plan.csv``.

    The plan of :func:`demo_plan` unless one is given. Returns the paths written, keyed
    ``plan_xlsx``, ``plan_csv``, ``plan_summary`` and ``plan_meta``.
    """

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if plan is None:
        plan = demo_plan(analysis, seed=seed, budget=budget)
    candidates = {
        "plan_xlsx": write_table(plan.seeds, folder / "plan.xlsx", sheets=plan.sheets())
        if importlib.util.find_spec("openpyxl") is not None
        else None,
        "plan_csv": write_table(plan.seeds, folder / "plan.csv"),
        "plan_summary": write_table(plan.summary, folder / "plan_summary.csv", index=True),
    }
    written = {k: v for k, v in candidates.items() if v is not None}  # no Excel writer: CSV only
    written["plan_meta"] = write_meta(
        folder / "plan.csv.meta.json",
        net=analysis.net,
        parameters=plan.parameters,
        extra={"summary": plan.summary.to_dict()},
    )
    return written


def report_outputs(
    analysis, out: str | os.PathLike, *, seed: int = 0, plan=None
) -> dict[str, Path]:
    """Write the demo's report and plots into the folder ``out``.

    Writes ``report.html`` and one PNG per figure of :func:`report_figures`
    (``community_map.png``, ``community_sizes.png``, ``degree_distributions.png``,
    ``score_vs_followers.png``, ``component_breakdown.png`` and, with a plan,
    ``spread_curves.png``). Returns the paths keyed by figure name, plus ``report``.
    """

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figs = report_figures(analysis, plan=plan, seed=seed)
    written: dict[str, Path] = {}
    for name, fig in figs.items():
        path = out / f"{name}.png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=150, bbox_inches="tight", facecolor="white")
        written[name] = path
    written["report"] = write_html_report(
        analysis,
        out / "report.html",
        plan=plan,
        title="netinfluence demo: the sample network",
        figures=figs,
    )
    return written
