"""The ``netinfluence report`` command: analyse a network and write the self-contained HTML report.

Registered on the main app by :func:`register` (``netinfluence.cli`` calls it). Like every
command it only parses options, calls the library and displays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netinfluence.cli._campaign import read_costs
from netinfluence.cli._common import (
    DateFormatOpt,
    DropBadOpt,
    EdgesOpt,
    FollowsOpt,
    GraphOpt,
    InteractionsOpt,
    PostsFormatOpt,
    PostsOpt,
    SepOpt,
    SkipRowsOpt,
    StepProgress,
    UndirectedOpt,
    UsersOpt,
    handle_errors,
    input_files,
    load_inputs,
    print_load_report,
    quiet,
)
from netinfluence.errors import InputError
from netinfluence.io import write_meta
from netinfluence.pipeline import analyze
from netinfluence.report import write_html_report
from netinfluence.scoring import ScoreWeights
from netinfluence.spread import check_objective, plan_campaign

__all__ = ["report_cmd"]

REPORT_STEPS = (
    "load",
    "ties",
    "engagement",
    "impact",
    "reach",
    "communities",
    "roles",
    "core",
    "scoring",
    "plan",
    "report",
)


def _plan(analysis, *, budget, k, costs, seed, objective="awareness"):
    """A campaign plan on the analysis' communities and insiders (netinfluence.spread)."""

    if objective == "advocacy":
        return plan_campaign(analysis.net, k=k, objective="advocacy", seed=seed)
    return plan_campaign(
        analysis.net,
        k=k,
        budget=budget,
        costs=read_costs(costs) if costs else None,
        labels=analysis.labels,
        insiders=analysis.inputs["insider"],
        seed=seed,
    )


@handle_errors
def report_cmd(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The HTML file to write (one "
            "self-contained file; FILE.meta.json is written beside "
            "it).",
        ),
    ],
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    posts: PostsOpt = None,
    posts_format: PostsFormatOpt = "auto",
    top: Annotated[
        int,
        typer.Option("--top", min=0, help="Candidates in the table; 0 puts every account in it."),
    ] = 500,
    title: Annotated[
        str, typer.Option("--title", help="Title of the report.")
    ] = "netinfluence report",
    weights: Annotated[
        Path | None,
        typer.Option("--weights", help="JSON file of score weights (see ScoreWeights)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random step.")] = 0,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            min=0.0,
            help="Also plan a campaign within this budget and add it to the "
            "report (tier costs, or --costs).",
        ),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option("--k", min=1, help="Also plan a campaign of this many seeds and add it."),
    ] = None,
    costs: Annotated[
        Path | None,
        typer.Option("--costs", help="Costs file for the plan: tier,cost or id,cost rows."),
    ] = None,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="awareness (default: rank and plan by expected people reached, simple "
            "contagion) or advocacy (by adopters of a threshold contagion; a plan needs --k).",
        ),
    ] = "awareness",
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
):
    """Analyse a network and write a self-contained HTML report (plots, communities, the
    sortable candidate table with reasons) that opens in any browser without a network.

    With --budget or --k a campaign is planned too (as `netinfluence plan` does) and the
    report gets its seeds, the naive plan beside them and the spread curves."""

    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out must be an .html file, got {out}")
    score_weights = ScoreWeights.from_file(weights) if weights else None
    objective = check_objective(objective.strip().lower())
    if objective == "advocacy" and (budget is not None or costs is not None):
        raise InputError(
            "--objective advocacy plans a number of seeds in a threshold contagion: "
            "give --k, not --budget or --costs"
        )
    with StepProgress(REPORT_STEPS, enabled=not quiet(ctx)) as progress:
        progress("load")
        net = load_inputs(
            follows,
            interactions,
            users,
            edges,
            graph,
            undirected=undirected,
            posts=posts,
            posts_format=posts_format,
            skip_rows=skip_rows,
            drop_bad_rows=drop_bad_rows,
            sep=sep,
            date_format=date_format,
        )
        analysis = analyze(
            net, seed=seed, weights=score_weights, progress=progress, objective=objective
        )
        plan = None
        if budget is not None or k is not None:
            progress("plan")
            plan = _plan(analysis, budget=budget, k=k, costs=costs, seed=seed, objective=objective)
        progress("report")
        path = write_html_report(analysis, out, title=title, top=top or None, plan=plan)
        meta = write_meta(
            f"{out}.meta.json",
            net=net,
            parameters={
                "seed": seed,
                "objective": objective,
                "top": top,
                "title": title,
                "budget": budget,
                "k": k,
                "plan": plan.parameters if plan is not None else None,
                "weights": (score_weights or ScoreWeights()).to_dict(),
                "reach_method": analysis.inputs.attrs.get("reach_method"),
            },
            inputs=input_files(
                follows, interactions, users, edges, graph, posts, weights=weights, costs=costs
            ),
            extra={
                "timings_seconds": analysis.timings,
                "leiden_process": analysis.inputs.attrs.get("leiden_process"),
            },
        )
    print_load_report(net, ctx)
    typer.echo(f"wrote report {path}")
    typer.echo(f"wrote meta   {meta}")
