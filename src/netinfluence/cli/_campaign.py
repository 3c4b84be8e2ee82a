"""CLI commands ``plan``, ``simulate`` and ``validate`` (registered on the main app).

Each command parses its options, calls :mod:`netinfluence.spread`,
:mod:`netinfluence.spread` or :mod:`netinfluence.scoring`, writes the tables atomically
(:func:`netinfluence.io.write_table`) with a ``FILE.meta.json`` provenance file, and shows a
short summary. No computation lives here. ``register(app)`` adds the commands to a Typer app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netinfluence.cli._common import (
    CsvEscapeOpt,
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
    _console,
    echo_written,
    handle_errors,
    input_files,
    interaction_sources,
    load_inputs,
    print_load_report,
    quiet,
    use_csv_escape,
)
from netinfluence.errors import InputError
from netinfluence.io import (
    read_id_list,
    read_table,
    save_figure,
    table_format,
    write_meta,
    write_table,
)
from netinfluence.network import match_ids, read_network
from netinfluence.report import plan_spread_figure
from netinfluence.report.plots import validation_plot as plot_validation
from netinfluence.scoring import validate_rankings
from netinfluence.spread import (
    DEFAULT_COSTS,
    check_objective,
    expected_spread,
    plan_campaign,
    simulate_spread,
)
from netinfluence.spread._campaign import _TIER_BANDS

__all__ = ["plan_cmd", "read_costs", "simulate_cmd", "validate_cmd"]

# ----------------------------------------------------------------------------- shared options

ProbColOpt = Annotated[
    int | None,
    typer.Option(
        "--prob-col",
        min=3,
        help="1-based column of --edges that holds a propagation probability (e.g. 3); parallel "
        "rows combine as independent chances 1-prod(1-p). Implies --probability edge.",
    ),
]
ModelOpt = Annotated[str, typer.Option("--model", help="ic, lt or sir.")]
ProbabilityOpt = Annotated[
    str | None,
    typer.Option(
        "--probability",
        help="Per-tie probability: tie, constant, weighted_cascade or edge (default: edge with "
        "--prob-col, else tie for ic, weighted_cascade for lt, constant for sir).",
    ),
]
POpt = Annotated[
    float, typer.Option("--p", min=0.0, max=1.0, help="The constant probability (SIR beta).")
]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Seed of every random step.")]


def _load(
    follows,
    interactions,
    users,
    edges,
    graph,
    *,
    undirected,
    posts=None,
    posts_format="auto",
    skip_rows,
    drop_bad_rows,
    sep,
    prob_col,
    date_format=None,
):
    """Read the inputs; ``--prob-col`` reads that column of the edge list as probabilities."""

    if prob_col is None or prob_col == 3:
        if prob_col is not None and not edges:
            raise InputError("--prob-col needs an edge list given with --edges")
        return load_inputs(
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
            prob=prob_col is not None,
        )
    if not edges:
        raise InputError("--prob-col needs an edge list given with --edges")
    if graph is not None:
        raise InputError("--graph cannot be combined with --edges")

    return read_network(
        follows=[str(f) for f in follows or []] or None,
        interactions=interaction_sources(interactions),
        users=str(users) if users else None,
        edges=[str(e) for e in edges],
        directed=not undirected,
        skip_rows=skip_rows,
        sep=sep,
        on_bad_rows="drop" if drop_bad_rows else "raise",
        edge_weight_merge="probability",
        date_format=date_format,
        columns={"edges": {"source": 0, "target": 1, "weight": prob_col - 1}},
    )


def _probability(probability, prob_col):
    return "edge" if probability is None and prob_col is not None else probability


def read_costs(path: str | Path):
    """A costs file as a DataFrame: ``tier,cost`` or ``id,cost`` rows (header optional).

    Without a header the first column is read as the key: tier or band names when they all
    are, else account ids or handles.
    """
    import pandas as pd

    raw = read_table(path, what="costs", header=False)
    frame = raw.frame
    if frame.shape[1] < 2:
        raise InputError("a costs file needs two columns: tier (or id) and cost", source=str(path))
    first = [str(v).strip() for v in frame.iloc[0].tolist()]
    try:
        float(first[-1])
        header = None
    except ValueError:
        header = [h.lower() for h in first]
        frame = frame.iloc[1:].reset_index(drop=True)
    if header is None:
        keys = frame.iloc[:, 0].astype(str).str.strip()
        names = {k.lower() for k in DEFAULT_COSTS} | set(_TIER_BANDS)
        kind = "tier" if keys.str.lower().isin(names).all() else "id"
        return pd.DataFrame({kind: keys, "cost": frame.iloc[:, -1].to_numpy()})
    frame.columns = header
    return frame


def format_numbers(values: list) -> list[str]:
    """One group of cells (a column, or a row of measures) as text in one style: integers
    (``5``, ``250,000``) when every number of the group is whole, else one number of
    decimals for the whole group (3 below 10, 2 below 1,000, else 1); text is kept.

    >>> format_numbers([5.0, 250000.0, "x", None])
    ['5', '250,000', 'x', '']
    >>> format_numbers([4132.7, 16.749, 11.0])
    ['4,132.7', '16.7', '11.0']
    >>> format_numbers([0.69, 0.681])
    ['0.690', '0.681']
    """
    import math

    def is_number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

    numbers = [float(v) for v in values if is_number(v)]
    if all(v.is_integer() for v in numbers):
        style = ",.0f"
    else:
        top = max(abs(v) for v in numbers)
        style = ",.3f" if top < 10 else ",.2f" if top < 1000 else ",.1f"
    out = []
    for v in values:
        if is_number(v):
            out.append(format(float(v), style))
        elif v is None or (isinstance(v, float) and v != v):
            out.append("")
        else:
            out.append(str(v))
    return out


_LABELS = ("node", "handle", "tier", "measure", "ranking")  # text columns, never numbers


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


def _print_table(
    frame, title: str, ctx: typer.Context, rows: int = 15, *, numbers_by: str = "column"
) -> None:
    """Print a table; numbers share one style per column (``numbers_by="row"``: per row,
    for a table of measures such as the plan summary)."""
    if quiet(ctx) or frame is None or not len(frame):
        return
    from rich.table import Table

    view = Table(title=title, title_justify="left")
    cols = [str(c) for c in frame.columns]
    for c in cols:
        view.add_column(c, justify="left" if c in _LABELS else "right")
    head = frame.head(rows).astype(object)
    cells = [[v.item() if hasattr(v, "item") else v for v in r] for r in head.to_numpy()]
    if numbers_by == "row":
        text = [format_numbers(r) for r in cells]
    else:
        by_col = [
            [_text(r[j]) for r in cells] if c in _LABELS else format_numbers([r[j] for r in cells])
            for j, c in enumerate(cols)
        ]
        text = [[by_col[j][i] for j in range(len(cols))] for i in range(len(cells))]
    for r in text:
        view.add_row(*r)
    _console().print(view)


# ----------------------------------------------------------------------------- plan


@handle_errors
def plan_cmd(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Seeds table: .csv, .xlsx (with "
            "summary, naive plan, communities and overlap sheets), "
            ".json or .parquet; FILE.summary.csv and FILE.meta.json "
            "are written beside it.",
        ),
    ],
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    posts: PostsOpt = None,
    posts_format: PostsFormatOpt = "auto",
    k: Annotated[int | None, typer.Option("--k", min=1, help="Number of seeds.")] = None,
    budget: Annotated[
        float | None,
        typer.Option("--budget", min=0.0, help="Total budget (with tier costs or --costs)."),
    ] = None,
    costs: Annotated[
        Path | None,
        typer.Option(
            "--costs",
            help="Costs file: tier,cost or id,cost rows (defaults: illustrative tier "
            "prices nano 100, micro 500/2000, macro 10000, mega 50000).",
        ),
    ] = None,
    model: ModelOpt = "ic",
    probability: ProbabilityOpt = None,
    p: POpt = 0.1,
    prob_col: ProbColOpt = None,
    per_community: Annotated[
        int | None,
        typer.Option(
            "--per-community",
            min=1,
            help="Coverage: at least one insider in each of the N largest communities.",
        ),
    ] = None,
    exclude: Annotated[
        Path | None,
        typer.Option("--exclude", help="File of ids or handles never to choose, one per line."),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="auto, celf or imm.")] = "auto",
    runs: Annotated[int, typer.Option("--runs", min=1, help="Live-edge worlds for CELF.")] = 1000,
    epsilon: Annotated[float, typer.Option("--epsilon", help="IMM approximation slack.")] = 0.1,
    evaluation_runs: Annotated[
        int,
        typer.Option(
            "--evaluation-runs", min=1, help="Forward Monte Carlo cascades measuring both plans."
        ),
    ] = 2000,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Also draw cumulative spread, plan vs naive (.png, .svg, .pdf)."
        ),
    ] = None,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="awareness (default: the most accounts reached, independent cascade) or "
            "advocacy (the most adopters of a threshold contagion: --k seeds chosen to "
            "reinforce each other, shown beside the top-degree and top-follower seeds).",
        ),
    ] = "awareness",
    seed: SeedOpt = 0,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
    csv_escape: CsvEscapeOpt = "formulas",
):
    """Plan a campaign: seeds maximising expected spread within --k or --budget (or, with
    --objective advocacy, the adopters of a threshold contagion from --k seeds)."""
    use_csv_escape(ctx, csv_escape)

    fmt = table_format(out)
    objective = check_objective(objective.strip().lower())
    if objective == "advocacy":
        given = [
            name
            for name, value in (
                ("--budget", budget),
                ("--costs", costs),
                ("--per-community", per_community),
                ("--prob-col", prob_col),
            )
            if value is not None
        ]
        if k is None or given:
            raise InputError(
                "--objective advocacy plans a number of seeds in a threshold contagion: give "
                "--k" + (f", without {', '.join(given)}" if given else "")
            )
    net = _load(
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
        prob_col=prob_col,
        date_format=date_format,
    )
    with StepProgress(enabled=not quiet(ctx)):
        plan = plan_campaign(
            net,
            k=k,
            budget=budget,
            costs=read_costs(costs) if costs else None,
            model=model,
            probability=_probability(probability, prob_col),
            p=p,
            per_community=per_community,
            exclude=read_id_list(exclude) if exclude else None,
            method=method,
            runs=runs,
            epsilon=epsilon,
            evaluation_runs=evaluation_runs,
            seed=seed,
            objective=objective,
        )
    written = {
        "seeds": write_table(plan.seeds, out, sheets=plan.sheets() if fmt == "xlsx" else None)
    }
    written["summary"] = write_table(
        plan.summary, out.with_name(out.name + ".summary.csv"), index=True
    )
    written["meta"] = write_meta(
        f"{out}.meta.json",
        net=net,
        parameters=plan.parameters,
        inputs=input_files(
            follows, interactions, users, edges, graph, posts, costs=costs, exclude=exclude
        ),
        extra={"summary": plan.summary.to_dict()},
    )
    if plot is not None:
        x = "cost" if budget is not None else "order"
        written["plot"] = save_figure(plan_spread_figure(plan, x=x), plot)
    print_load_report(net, ctx)
    shown = ["order", "node", "handle", "tier", "cost", "marginal_gain", "cumulative_spread"]
    seeds_title, summary_title = "Planned seeds", "Plan vs naive (top followers)"
    if objective == "advocacy":
        shown.remove("cost")  # every seed counts as one
        seeds_title = "Advocacy seeds (threshold contagion)"
        summary_title = "Advocacy plan vs naive (top followers) and top degree: expected adopters"
    _print_table(plan.seeds[shown], seeds_title, ctx)
    _print_table(plan.summary.reset_index(), summary_title, ctx, rows=20, numbers_by="row")
    echo_written(written)


# ----------------------------------------------------------------------------- simulate


@handle_errors
def simulate_cmd(
    ctx: typer.Context,
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    posts: PostsOpt = None,
    posts_format: PostsFormatOpt = "auto",
    seeds: Annotated[
        Path | None,
        typer.Option(
            "--seeds",
            help="File of seed ids or handles (one per line): simulate them together. "
            "Without it, the expected spread of every account is estimated.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="With --seeds: activation probability per account; without: "
            "expected spread and its standard error per account.",
        ),
    ] = None,
    trace: Annotated[
        Path | None,
        typer.Option(
            "--trace", help="With --seeds: write one run's cascade (step, node, activated_by)."
        ),
    ] = None,
    k: Annotated[
        int,
        typer.Option(
            "--k",
            min=1,
            help="Without --seeds: show the K accounts with the largest expected "
            "spread and simulate them together as one seed set.",
        ),
    ] = 10,
    model: ModelOpt = "ic",
    probability: ProbabilityOpt = None,
    p: POpt = 0.1,
    prob_col: ProbColOpt = None,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            min=1,
            help="Cascades (with --seeds, default 1000) or reverse-reachable "
            "sets (default: until 5% relative error for the top 1%).",
        ),
    ] = None,
    seed: SeedOpt = 0,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
    csv_escape: CsvEscapeOpt = "formulas",
):
    """Simulate spread from seed accounts, or estimate every account's expected spread."""
    use_csv_escape(ctx, csv_escape)
    import pandas as pd

    if out is not None:
        table_format(out)
    if trace is not None:
        table_format(trace)
    net = _load(
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
        prob_col=prob_col,
        date_format=date_format,
    )
    with StepProgress(enabled=not quiet(ctx)):
        prob = _probability(probability, prob_col)
        written = {}
        if seeds is not None:
            names = read_id_list(seeds)
            pos, unknown = match_ids(net, names)
            if unknown:
                raise InputError(
                    f"{len(unknown)} seed(s) not in the network, e.g. {unknown[:5]}",
                    source=str(seeds),
                )
            res = simulate_spread(
                net,
                list(net.ids[pos]),
                model=model,
                probability=prob,
                p=p,
                runs=runs or 1000,
                seed=seed,
                trace=trace is not None,
            )
            summary = pd.DataFrame([{"seeds": len(pos), **res.as_dict()}])
            params = {**res.parameters, "seeds": [str(s) for s in net.ids[pos]]}
            if out is not None:
                written["activation"] = write_table(res.activation.reset_index(), out)
            if trace is not None:
                assert res.trace is not None  # simulated with trace=True
                written["trace"] = write_table(res.trace, trace)
        else:
            es = expected_spread(net, model=model, probability=prob, p=p, runs=runs, seed=seed)
            top = es.sort_values("expected_spread", ascending=False, kind="mergesort").head(k)
            res = simulate_spread(
                net, list(top.index), model=model, probability=prob, p=p, runs=1000, seed=seed
            )
            summary = pd.DataFrame([{"seeds": f"top {len(top)} together", **res.as_dict()}])
            params = {key: v for key, v in es.attrs.items()}
            if out is not None:
                written["spread"] = write_table(es.reset_index(), out)
    if seeds is None:
        _print_table(top.reset_index(), f"Top {len(top)} accounts by expected spread", ctx)
    if out is not None:
        written["meta"] = write_meta(
            f"{out}.meta.json",
            net=net,
            parameters=params,
            inputs=input_files(follows, interactions, users, edges, graph, posts, seeds=seeds),
            extra={"summary": summary.to_dict("records")},
        )
    print_load_report(net, ctx)
    _print_table(summary, "Spread (accounts activated, seeds included)", ctx)
    echo_written(written)


# ----------------------------------------------------------------------------- validate


@handle_errors
def validate_cmd(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Validation table (.csv, .xlsx, .json, .parquet); FILE.meta.json beside it.",
        ),
    ],
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    posts: PostsOpt = None,
    posts_format: PostsFormatOpt = "auto",
    rankings: Annotated[
        str | None,
        typer.Option(
            "--rankings",
            help="Comma-separated: degree, coreness, pagerank, voterank, "
            "collective_influence, citizen_score (default all).",
        ),
    ] = None,
    beta_factor: Annotated[
        float,
        typer.Option(
            "--beta-factor", min=0.0, help="SIR beta as a multiple of the epidemic threshold."
        ),
    ] = 1.5,
    beta: Annotated[
        float | None,
        typer.Option("--beta", min=0.0, max=1.0, help="SIR beta itself (overrides --beta-factor)."),
    ] = None,
    top: Annotated[
        float,
        typer.Option("--top-share", min=0.0, max=1.0, help="Top share p for the imprecision."),
    ] = 0.05,
    runs: Annotated[
        int | None,
        typer.Option("--runs", min=1, help="Reverse-reachable sets (default 50 per account)."),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw the table (.png, .svg, .pdf).")
    ] = None,
    prob_col: ProbColOpt = None,
    seed: SeedOpt = 0,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
    csv_escape: CsvEscapeOpt = "formulas",
):
    """Test rankings against SIR spreading near the threshold (Kitsak et al. 2010)."""
    use_csv_escape(ctx, csv_escape)

    table_format(out)
    net = _load(
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
        prob_col=prob_col,
        date_format=date_format,
    )
    names = [r.strip() for r in rankings.split(",") if r.strip()] if rankings else None
    with StepProgress(enabled=not quiet(ctx)):
        table = validate_rankings(
            net, rankings=names, beta_factor=beta_factor, beta=beta, runs=runs, share=top, seed=seed
        )
    params = {str(key): v for key, v in table.attrs.items() if key != "efficiency"}
    written = {"table": write_table(table.reset_index(), out)}
    written["meta"] = write_meta(
        f"{out}.meta.json",
        net=net,
        parameters=params,
        inputs=input_files(follows, interactions, users, edges, graph, posts),
    )
    if plot is not None:
        written["plot"] = save_figure(plot_validation(table), plot)
    print_load_report(net, ctx)
    _print_table(
        table.reset_index(),
        f"Rankings vs SIR spreading (beta {params['beta']:.4g}, "
        f"threshold {params['beta_c']:.4g}, top {top:.0%})",
        ctx,
    )
    echo_written(written)
