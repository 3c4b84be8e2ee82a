"""The analysis commands: ``sample-data``, ``inspect``, ``rank``, ``communities`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netinfluence.cli._common import (
    RANK_STEPS,
    ColumnsOpt,
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
    load_inputs,
    print_load_report,
    print_ranked,
    print_summary,
    quiet,
    use_csv_escape,
)
from netinfluence.datasets import write_sample
from netinfluence.errors import InputError
from netinfluence.errors import InputError as _InputError
from netinfluence.io import read_id_list, read_table, table_format, write_meta, write_table
from netinfluence.io import read_id_list as _ids
from netinfluence.metrics import communities, community_quality, compare_partitions
from netinfluence.pipeline import STEPS, run_rank
from netinfluence.pipeline import graph_attributes as graph_attributes_for
from netinfluence.scoring import ScoreWeights
from netinfluence.scoring import ScoreWeights as _Weights
from netinfluence.spread import check_objective


@handle_errors
def sample_data(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the sample files to.")
    ] = Path("data/sample"),
    seed: Annotated[
        int, typer.Option("--seed", help="Generator seed (7 gives the bundled sample).")
    ] = 7,
):
    """Write the synthetic sample network (follows, interactions, users, truth) to a folder.

    With the default seed the files are byte-identical to the ones bundled in data/sample.
    """

    paths = write_sample(out, seed=seed)
    echo_written(paths)


@handle_errors
def inspect_cmd(
    ctx: typer.Context,
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    posts: PostsOpt = None,
    posts_format: PostsFormatOpt = "auto",
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
    columns: ColumnsOpt = None,
):
    """Load input files and print the load report and a network summary (no analysis)."""
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
        columns=columns,
        date_format=date_format,
    )
    print_load_report(net, ctx)
    print_summary(net, ctx)


@handle_errors
def rank_cmd(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Output file: .csv, .xlsx, .json or "
            ".parquet (a FILE.meta.json provenance file is written "
            "beside it).",
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
        int, typer.Option("--top", min=0, help="Rows to write; 0 writes every node.")
    ] = 50,
    per_community: Annotated[
        int | None,
        typer.Option(
            "--per-community", min=1, help="The top K insiders of each community instead."
        ),
    ] = None,
    tiers: Annotated[
        str | None,
        typer.Option(
            "--tiers",
            help="Keep these tiers, comma-separated: nano,micro,macro,mega "
            "(or bands such as 1k-10k).",
        ),
    ] = None,
    exclude: Annotated[
        Path | None,
        typer.Option("--exclude", help="File of ids or handles to leave out, one per line."),
    ] = None,
    topics: Annotated[
        str | None,
        typer.Option("--topics", help="Keep accounts with one of these topics, comma-separated."),
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option("--weights", help="JSON file of score weights (see ScoreWeights)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random step.")] = 0,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="awareness (default: expected people reached by simple contagion) or "
            "advocacy (adopters of a threshold contagion seeded at the account's close circle).",
        ),
    ] = "awareness",
    insiders_only: Annotated[
        bool,
        typer.Option("--insiders-only", help="Keep only community insiders."),
    ] = False,
    graph_out: Annotated[
        Path | None,
        typer.Option(
            "--graph-out", help="Also write the network with all attributes (.gexf or .graphml)."
        ),
    ] = None,
    graph_attributes: Annotated[
        str,
        typer.Option(
            "--graph-attributes",
            help="default: the --graph-out nodes carry rank, score and its components, "
            "community, role, tier, followers, insider and flags (rounded); all: every "
            "column of the ranked and users tables.",
        ),
    ] = "default",
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
    csv_escape: CsvEscapeOpt = "formulas",
    columns: ColumnsOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="memory (default) or spark (needs the spark extra and Java 17)."
        ),
    ] = "memory",
    master: Annotated[
        str,
        typer.Option(
            "--master", help="Spark master with --engine spark: local[2], spark://host:7077, ..."
        ),
    ] = "local[2]",
):
    """Rank the citizen influencers of a network and write the list with a reason per rank."""
    use_csv_escape(ctx, csv_escape)
    ctx.with_resource(graph_attributes_for(graph_attributes))

    engine_name = engine.strip().lower()
    if engine_name not in ("memory", "spark"):
        raise _InputError(f"--engine must be memory or spark, got {engine!r}")
    objective = check_objective(objective.strip().lower())
    if engine_name == "spark" and objective != "awareness":
        raise _InputError("--objective advocacy needs --engine memory")
    if engine_name == "spark":
        # the optional Spark extra: pyspark loads only with --engine spark
        from netinfluence.spark.job import check_spark_options, run_rank_spark

        check_spark_options(
            edges=edges,
            graph=graph,
            undirected=undirected,
            posts=posts,
            skip_rows=skip_rows,
            drop_bad_rows=drop_bad_rows,
            columns=columns,
            graph_out=graph_out,
        )
        if date_format or any(getattr(f, "type", None) for f in interactions or []):
            raise _InputError(
                "--engine spark reads ISO 8601 or unix-seconds timestamps and the type column "
                "of interaction files: --date-format and TYPE=FILE need the memory engine"
            )
        excluded_ids = None
        if exclude:
            excluded_ids = _ids(exclude)
        table, written = run_rank_spark(
            out,
            follows=[str(p) for p in follows or []] or None,
            interactions=[str(p) for p in interactions or []] or None,
            users=str(users) if users else None,
            master=master,
            seed=seed,
            weights=_Weights.from_file(weights) if weights else None,
            top=top,
            per_community=per_community,
            tiers=tiers.split(",") if tiers else None,
            exclude=excluded_ids,
            require_topics=topics.split(",") if topics else None,
            insiders_only=insiders_only,
            sep=sep,
        )
        if table is not None:
            print_ranked(table, ctx)
        echo_written(written)
        return

    table_format(out)  # an unknown extension fails before any work
    if graph_out is not None:
        if graph_out.suffix.lower() not in (".gexf", ".graphml"):
            raise InputError(f"--graph-out needs a .gexf or .graphml file, got {graph_out}")
    score_weights = ScoreWeights.from_file(weights) if weights else None
    excluded = read_id_list(exclude) if exclude else None
    tier_list = [t for t in tiers.split(",")] if tiers else None
    topic_list = [t for t in topics.split(",")] if topics else None
    with StepProgress(RANK_STEPS, enabled=not quiet(ctx)) as progress:
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
            columns=columns,
        )
        table, written = run_rank(
            net,
            out,
            seed=seed,
            weights=score_weights,
            top=top,
            per_community=per_community,
            tiers=tier_list,
            exclude=excluded,
            require_topics=topic_list,
            graph_out=graph_out,
            objective=objective,
            insiders_only=insiders_only,
            inputs=input_files(
                follows, interactions, users, edges, graph, posts, exclude=exclude, weights=weights
            ),
            progress=progress,
        )
    print_load_report(net, ctx)
    print_ranked(table, ctx)
    unknown = table.attrs.get("unknown_exclusions") or []
    if unknown and not quiet(ctx):
        _console(stderr=True).print(
            f"note: {len(unknown)} excluded name(s) not found in the network, e.g. {unknown[:3]}",
            markup=False,
        )
    echo_written(written)


def read_truth(path: Path):
    """Known community labels: ``id,label`` rows (a header is optional; with one, a column
    named ``label`` or ``community`` is the label, as in the sample's truth.csv, else the
    second column), as a Series indexed by id."""
    import pandas as pd

    raw = read_table(path, what="truth", header="auto")
    frame = raw.frame
    if frame.shape[1] < 2:
        raise InputError(
            f"--truth needs two columns (id, label), found {frame.shape[1]}", source=str(path)
        )
    named = [c for c in frame.columns if str(c).strip().lower() in ("label", "community")]
    ids = frame.iloc[:, 0].astype(str).str.strip()
    labels = (frame[named[0]] if raw.has_header and named else frame.iloc[:, 1]).astype(str)
    labels = labels.str.strip()
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise InputError(f"--truth: id {dup!r} appears twice", source=str(path))
    return pd.Series(labels.to_numpy(), index=pd.Index(ids.to_numpy(), name="node"))


@handle_errors
def communities_cmd(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Partition file (.csv, .xlsx, .json, "
            ".parquet); a FILE.quality.csv is written beside it.",
        ),
    ],
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    posts: PostsOpt = None,
    posts_format: PostsFormatOpt = "auto",
    method: Annotated[
        str, typer.Option("--method", help="leiden, louvain, infomap or label_propagation.")
    ] = "leiden",
    resolution: Annotated[float, typer.Option("--resolution", min=0.0)] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the detection.")] = 0,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth",
            help="Known labels (id,label rows, header optional): print NMI, AMI and ARI of "
            "the partition against them (also in FILE.meta.json).",
        ),
    ] = None,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    date_format: DateFormatOpt = None,
    csv_escape: CsvEscapeOpt = "formulas",
    columns: ColumnsOpt = None,
):
    """Detect communities and write the partition with quality metrics."""
    use_csv_escape(ctx, csv_escape)

    table_format(out)
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
        columns=columns,
        date_format=date_format,
    )
    labels = communities(net, method=method, resolution=resolution, seed=seed)
    quality = community_quality(net, labels)
    # a community of one account is an account with no tie to place it: say so, in the
    # quality table (single_node) and the summary line
    quality.insert(1, "single_node", quality["size"].to_numpy() == 1)
    singles = int(quality["single_node"].sum())
    agreement = compare_partitions(labels, read_truth(truth)) if truth is not None else None
    part = labels.rename("community").reset_index()
    write_table(part, out)
    qpath = out.with_name(out.name + ".quality.csv")
    write_table(quality.reset_index(), qpath)
    write_meta(
        f"{out}.meta.json",
        net=net,
        parameters={"method": method, "resolution": resolution, "seed": seed},
        inputs=input_files(follows, interactions, users, edges, graph, posts, truth=truth),
        extra={
            "modularity": quality.attrs.get("modularity"),
            "coverage": quality.attrs.get("coverage"),
            "communities": len(quality),
            "single_node_communities": singles,
            "agreement_with_truth": agreement,
        },
    )
    print_load_report(net, ctx)
    if not quiet(ctx):
        _console().print(
            f"{len(quality):,} communities, modularity "
            f"{quality.attrs.get('modularity', float('nan')):.4f}"
            + (
                f"; {singles:,} of them single accounts with no tie to group them "
                f"(single_node in the quality table), {len(quality) - singles:,} of two or more"
                if singles
                else ""
            ),
            markup=False,
        )
        if agreement is not None:
            _console().print(
                "against --truth: "
                + ", ".join(f"{k.upper()} {v:.4f}" for k, v in agreement.items()),
                markup=False,
            )
    typer.echo(f"wrote partition {out}")
    typer.echo(f"wrote quality   {qpath}")


@handle_errors
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo's outputs.")] = Path(
        "netinfluence-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random step.")] = 0,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="Rank the candidates for awareness (default) or advocacy; the demo shows "
            "an awareness campaign and an advocacy comparison either way.",
        ),
    ] = "awareness",
):
    """Run the whole product on the bundled sample network and write its outputs to a folder."""
    objective = check_objective(objective.strip().lower())

    # the demo pulls in plots, the HTML report and campaigns (about 0.5 s of imports) that
    # every other command would pay for at start-up if imported at the top
    from netinfluence.demo import run_demo

    with StepProgress(STEPS, enabled=not quiet(ctx)) as progress:
        written = run_demo(
            out,
            seed=seed,
            console=None if quiet(ctx) else _console(),
            show_report=lambda net: print_load_report(net, ctx),
            show_summary=lambda net: print_summary(net, ctx),
            show_table=lambda table: print_ranked(table, ctx),
            progress=progress,
            objective=objective,
        )
    echo_written(written)
