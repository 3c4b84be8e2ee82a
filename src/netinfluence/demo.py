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
from netinfluence.spread import CampaignPlan, check_objective, plan_campaign


def run_demo(
    out: str | os.PathLike,
    *,
    seed: int = 0,
    console=None,
    show_report=None,
    show_summary=None,
    show_table=None,
    progress=None,
    objective: str = "awareness",
) -> dict[str, Path]:
    """Run the whole product on the bundled sample and write its outputs into ``out``.

    The candidates are ranked by ``objective`` (awareness by default); the demo plans an
    awareness campaign within a budget and, beside it, a short advocacy comparison
    (:func:`demo_advocacy_plan`). Returns the paths written, keyed by what they hold.
    """
    objective = check_objective(objective)

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
    analysis = analyze(net, seed=seed, progress=progress, objective=objective)
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
    written["insiders_meta"] = paths["meta"]
    if progress:
        progress("campaign")

    plan = demo_plan(analysis, seed=seed)
    written.update(plan_outputs(analysis, out, seed=seed, plan=plan))
    if console is not None:
        console.print(plan_sentence(plan), markup=False)
    advocacy = demo_advocacy_plan(analysis, seed=seed)
    written.update(plan_outputs(analysis, out, seed=seed, plan=advocacy, name="advocacy_plan"))
    if console is not None:
        console.print(plan_sentence(advocacy), markup=False)
    if progress:
        progress("report")

    written.update(report_outputs(analysis, out, seed=seed, plan=plan))
    if show_table:
        show_table(table.head(15))
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


#: Seeds of the demo's advocacy plan: on the sample two well-placed seeds already tip most
#: of the network, where the top-degree and follower-count pairs fall short.
ADVOCACY_SEEDS = 2


def demo_advocacy_plan(analysis, *, seed: int = 0, k: int = ADVOCACY_SEEDS) -> CampaignPlan:
    """The demo's advocacy comparison: ``k`` seeds chosen to reinforce each other in a
    threshold (complex) contagion, beside the top-degree and follower-count seeds
    (:func:`netinfluence.spread.plan_campaign` with ``objective="advocacy"``)."""
    return plan_campaign(analysis.net, k=k, objective="advocacy", seed=seed)


def plan_sentence(plan: CampaignPlan) -> str:
    """One line on a plan for the console, from its summary: the same evaluation the
    summary table and the spread-curve legend report (``expected_spread``, or
    ``expected_adopters`` for an advocacy plan), never the optimiser's own estimate.

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"plan": [3.0, 2202.4], "naive": [2.0, 415.0]},
    ...                        index=pd.Index(["seeds", "expected_spread"], name="measure"))
    >>> plan_sentence(CampaignPlan(*[pd.DataFrame()] * 2, summary, *[pd.DataFrame()] * 3))
    'campaign plan: 3 seeds, expected spread 2,202 accounts; the follower-count plan: 2 seeds, 415 accounts'
    """
    sm = plan.summary
    seeds = cast(float, sm.loc["seeds", "plan"])
    naive_seeds = cast(float, sm.loc["seeds", "naive"])
    if "expected_adopters" in sm.index:
        row = sm.loc["expected_adopters"]
        return (
            f"advocacy plan (complex contagion: an account adopts once enough of its ties "
            f"have, so not comparable with awareness reach; {int(seeds)} seeds chosen to "
            f"reinforce each other): {row['plan']:,.0f} expected adopters; the top-degree plan: "
            f"{row['top_degree']:,.0f}; the follower-count plan: {row['naive']:,.0f}"
        )
    budget = plan.parameters.get("budget")
    what = (
        f"campaign plan (awareness: simple contagion over calibrated ties; budget "
        f"{budget:,.0f}, {plan.parameters.get('costs', 'default tier costs')})"
        if budget
        else "campaign plan"
    )
    return (
        f"{what}: {int(seeds)} seeds, expected spread "
        f"{cast(float, sm.loc['expected_spread', 'plan']):,.0f} accounts; the follower-count "
        f"plan: {int(naive_seeds)} seeds, "
        f"{cast(float, sm.loc['expected_spread', 'naive']):,.0f} accounts"
    )


def plan_outputs(
    analysis,
    out: str | os.PathLike,
    *,
    seed: int = 0,
    budget: float = 20_000.0,
    plan: CampaignPlan | None = None,
    name: str = "plan",
) -> dict[str, Path]:
    """Plan a small campaign on an analysed network and write ``plan.xlsx`` and ``plan.csv``.

    The plan of :func:`demo_plan` unless one is given. Returns the paths written, keyed
    ``plan_xlsx``, ``plan_csv``, ``plan_summary`` and ``plan_meta`` (``name`` replaces
    ``plan`` in the keys and file names, e.g. ``advocacy_plan``).
    """

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if plan is None:
        plan = demo_plan(analysis, seed=seed, budget=budget)
    candidates = {
        f"{name}_xlsx": write_table(plan.seeds, folder / f"{name}.xlsx", sheets=plan.sheets())
        if importlib.util.find_spec("openpyxl") is not None
        else None,
        f"{name}_csv": write_table(plan.seeds, folder / f"{name}.csv"),
        f"{name}_summary": write_table(plan.summary, folder / f"{name}_summary.csv", index=True),
    }
    written = {k: v for k, v in candidates.items() if v is not None}  # no Excel writer: CSV only
    written[f"{name}_meta"] = write_meta(
        folder / f"{name}.csv.meta.json",
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
    ``score_vs_followers.png``, ``impact_breakdown.png``, ``component_breakdown.png`` and,
    with a plan, ``spread_curves.png``). Returns the paths keyed by figure name, plus ``report``.
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
