"""The ``netinfluence`` command line: parses arguments, calls the library, displays.

No analysis logic lives here. Errors the library raises on purpose (``NetInfluenceError``)
become one line on stderr and exit code 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from netinfluence._version import __version__
from netinfluence.errors import NetInfluenceError

app = typer.Typer(
    name="netinfluence",
    help="Find the citizen influencers who really move a community.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_STATE: dict[str, Any] = {"debug": False, "quiet": False}


def _console(stderr: bool = False):
    import shutil

    from rich.console import Console

    width = max(shutil.get_terminal_size((120, 24)).columns, 100)
    return Console(stderr=stderr, highlight=False, width=width)


def _fail(message: str, code: int = 2):
    typer.echo(f"error: {message}", err=True)  # one line, never wrapped
    raise typer.Exit(code)


def handle_errors(func):
    """Turn the library's errors into one clear line and exit code 2 (``--debug``: traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except NetInfluenceError as exc:
            if _STATE["debug"]:
                raise
            _fail(" ".join(str(exc).split()))
        except (OSError, MemoryError) as exc:
            if _STATE["debug"]:
                raise
            what = getattr(exc, "filename", None)
            _fail(
                f"{what + ': ' if what else ''}{exc.__class__.__name__}: "
                f"{getattr(exc, 'strerror', None) or exc}"
            )
        except KeyboardInterrupt:
            _fail("interrupted", code=130)

    return wrapper


def _version_callback(value: bool):
    if value:
        typer.echo(f"netinfluence {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars or tables.")
    ] = False,
):
    """Find the citizen influencers who really move a community.

    Edges are read as DESIGN.md says: follows rows are `follower, followed`; interactions rows
    are `source, target, type[, count][, timestamp]` (source engaged with target's content).
    """
    _STATE["debug"] = debug
    _STATE["quiet"] = quiet


# ----------------------------------------------------------------------------- shared options

FollowsOpt = Annotated[
    list[Path] | None,
    typer.Option("--follows", "-f", help="Follows edge list (follower, followed). Repeatable."),
]
InteractionsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--interactions",
        "-i",
        help="Interactions (source, target, type[, count][, timestamp]). Repeatable.",
    ),
]
UsersOpt = Annotated[
    Path | None, typer.Option("--users", "-u", help="Users table (one row per account).")
]
EdgesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--edges",
        help="Edge list already in the influence direction (source can influence target).",
    ),
]
GraphOpt = Annotated[Path | None, typer.Option("--graph", help="A GML or GraphML graph file.")]
UndirectedOpt = Annotated[
    bool,
    typer.Option(
        "--undirected", help="Read follows/edges rows as mutual ties (friendship, co-authorship)."
    ),
]
SkipRowsOpt = Annotated[
    int,
    typer.Option(
        "--skip-rows", min=0, help="Records to skip at the top of each edge file (NetHEPT: 1)."
    ),
]
DropBadOpt = Annotated[
    bool,
    typer.Option(
        "--drop-bad-rows",
        help="Drop rows that cannot be read (counted in the load report) "
        "instead of stopping at the first one.",
    ),
]
SepOpt = Annotated[str | None, typer.Option("--sep", help="Delimiter (detected by default).")]


def load_inputs(
    follows,
    interactions,
    users,
    edges=None,
    graph=None,
    *,
    undirected=False,
    skip_rows=0,
    drop_bad_rows=False,
    sep=None,
    prob=False,
    columns=None,
):
    """Read the CLI's input options into a Network (one call, shared by every command)."""
    from netinfluence.errors import InputError
    from netinfluence.network import read_network

    if not (follows or interactions or edges or graph or users):
        raise InputError(
            "give at least one of --follows, --interactions, --edges, --graph or --users")
    if graph is not None:
        return read_network(graph=graph)
    return read_network(
        columns=parse_columns(columns),
        follows=[str(p) for p in follows or []] or None,
        interactions=[str(p) for p in interactions or []] or None,
        users=str(users) if users else None,
        edges=[str(p) for p in edges or []] or None,
        directed=not undirected,
        skip_rows=skip_rows,
        sep=sep,
        on_bad_rows="drop" if drop_bad_rows else "raise",
        edge_weight_merge="probability" if prob else "sum",
    )


ColumnsOpt = Annotated[str | None, typer.Option(
    "--columns", help="Column names when they are not detected, e.g. "
                      "'follower=who,followed=whom' or 'source=from_user,target=to_user,"
                      "timestamp=time,id=user'.")]

_KIND_OF_ROLE = {"follower": ("follows",), "followed": ("follows",),
                 "source": ("interactions", "edges"), "target": ("interactions", "edges"),
                 "type": ("interactions",), "count": ("interactions",),
                 "timestamp": ("interactions",), "weight": ("edges",), "id": ("users",)}


def parse_columns(spec: str | None) -> dict | None:
    """``"follower=who,followed=whom"`` -> ``{"follows": {"follower": "who", ...}}``."""
    from netinfluence.errors import InputError

    if not spec:
        return None
    out: dict = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        role, eq, col = part.partition("=")
        role, col = role.strip().lower(), col.strip()
        if not eq or not col or role not in _KIND_OF_ROLE:
            raise InputError(f"--columns: cannot read {part.strip()!r}; expected role=column "
                             f"with a role among {sorted(_KIND_OF_ROLE)}")
        for kind in _KIND_OF_ROLE[role]:
            if kind == "users":
                out["users"] = col
            else:
                out.setdefault(kind, {})[role] = col
    return out


# ----------------------------------------------------------------------------- display helpers


def print_load_report(net) -> None:
    if _STATE["quiet"]:
        return
    from rich.table import Table

    table = Table(title="Load report", title_justify="left")
    for col in ("source", "action", "count", "reason"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for ln in net.load_report.lines:
        table.add_row(ln.source, ln.action, f"{ln.count:,}", ln.reason)
    if net.load_report.dropped_ids:
        table.add_row(
            "", "lost ids", f"{len(net.load_report.dropped_ids):,}", "ids seen only in dropped rows"
        )
    _console().print(table)


def print_summary(net) -> None:
    if _STATE["quiet"]:
        return
    from rich.table import Table

    s = net.summary()
    table = Table(title="Network summary", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in s.items():
        if isinstance(value, float):
            text = f"{value:.4f}"
        elif isinstance(value, (int,)) and not isinstance(value, bool):
            text = f"{value:,}"
        else:
            text = str(value)
        table.add_row(key.replace("_", " "), text)
    _console().print(table)


# ----------------------------------------------------------------------------- commands


@app.command("sample-data")
@handle_errors
def sample_data(
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
    from netinfluence.datasets import write_sample

    paths = write_sample(out, seed=seed)
    for key, path in paths.items():
        typer.echo(f"wrote {key:<12} {path}")


@app.command("inspect")
@handle_errors
def inspect_cmd(
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
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
        skip_rows=skip_rows,
        drop_bad_rows=drop_bad_rows,
        sep=sep,
        columns=columns,
    )
    print_load_report(net)
    print_summary(net)


class StepProgress:
    """Progress on the terminal: one bar over the analysis steps, the current step named."""

    def __init__(self, steps, enabled: bool = True):
        self.steps = list(steps)
        self.enabled = enabled
        self.progress = None
        self.task = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<14}"),
                                     BarColumn(), TextColumn("{task.completed}/{task.total}"),
                                     TimeElapsedColumn(), console=_console(stderr=True),
                                     transient=True)
            self.progress.__enter__()
            self.task = self.progress.add_task("loading", total=len(self.steps))
        return self

    def __call__(self, name: str) -> None:
        if self.progress is None:
            return
        done = self.steps.index(name) if name in self.steps else len(self.steps)
        self.progress.update(self.task, description=name, completed=done)

    def __exit__(self, *exc):
        if self.progress is not None:
            if exc[0] is None:
                self.progress.update(self.task, description="done", completed=len(self.steps))
            self.progress.__exit__(*exc)
        return False


RANK_STEPS = ("load", "ties", "engagement", "communities", "roles", "core", "reach", "scoring",
              "export")


def print_ranked(table, *, title: str = "Top candidates", rows: int = 15) -> None:
    if _STATE["quiet"] or table is None or not len(table):
        return
    from rich.table import Table

    view = Table(title=title, title_justify="left", show_lines=False)
    cols = [("rank", "right"), ("handle", "left"), ("score", "right"), ("tier", "left"),
            ("followers", "right"), ("why", "left")]
    for name, justify in cols:
        view.add_column(name, justify=justify, overflow="fold", no_wrap=name != "why",
                        min_width=40 if name == "why" else None, ratio=1 if name == "why" else None)
    for _, r in table.head(rows).iterrows():
        handle = r.get("handle") if isinstance(r.get("handle"), str) else str(r["node"])
        followers = r.get("followers")
        view.add_row(str(r["rank"]), handle, f"{r['score']:.1f}", str(r.get("tier", "")),
                     "" if followers is None or followers != followers else f"{followers:,.0f}",
                     str(r["why"]))
    _console().print(view)


@app.command("rank")
@handle_errors
def rank_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .csv, .xlsx, .json or "
                                      ".parquet (a FILE.meta.json provenance file is written "
                                      "beside it).")],
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Rows to write; 0 writes every node.")]
    = 50,
    per_community: Annotated[int | None, typer.Option(
        "--per-community", min=1, help="The top K insiders of each community instead.")] = None,
    tiers: Annotated[str | None, typer.Option(
        "--tiers", help="Keep these tiers, comma-separated: nano,micro,macro,mega "
                        "(or bands such as 1k-10k).")] = None,
    exclude: Annotated[Path | None, typer.Option(
        "--exclude", help="File of ids or handles to leave out, one per line.")] = None,
    topics: Annotated[str | None, typer.Option(
        "--topics", help="Keep accounts with one of these topics, comma-separated.")] = None,
    weights: Annotated[Path | None, typer.Option(
        "--weights", help="JSON file of score weights (see ScoreWeights).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random step.")] = 0,
    graph_out: Annotated[Path | None, typer.Option(
        "--graph-out", help="Also write the network with all attributes (.gexf or .graphml).")]
    = None,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    columns: ColumnsOpt = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="memory (default) or spark (needs the spark extra and Java 17).")]
    = "memory",
    master: Annotated[str, typer.Option(
        "--master", help="Spark master with --engine spark: local[2], spark://host:7077, ...")]
    = "local[2]",
):
    """Rank the citizen influencers of a network and write the list with a reason per rank."""
    from netinfluence.errors import InputError as _InputError

    engine_name = engine.strip().lower()
    if engine_name not in ("memory", "spark"):
        raise _InputError(f"--engine must be memory or spark, got {engine!r}")
    if engine_name == "spark":
        from netinfluence.scoring import ScoreWeights as _Weights
        from netinfluence.spark.job import check_spark_options, run_rank_spark

        check_spark_options(edges=edges, graph=graph, undirected=undirected,
                            skip_rows=skip_rows, drop_bad_rows=drop_bad_rows,
                            columns=columns, graph_out=graph_out)
        excluded_ids = None
        if exclude:
            from netinfluence.io import read_id_list as _ids

            excluded_ids = _ids(exclude)
        table, written = run_rank_spark(
            out, follows=[str(p) for p in follows or []] or None,
            interactions=[str(p) for p in interactions or []] or None,
            users=str(users) if users else None, master=master, seed=seed,
            weights=_Weights.from_file(weights) if weights else None, top=top,
            per_community=per_community, tiers=tiers.split(",") if tiers else None,
            exclude=excluded_ids, require_topics=topics.split(",") if topics else None, sep=sep)
        if table is not None:
            print_ranked(table)
        for key, path in written.items():
            typer.echo(f"wrote {key:<6} {path}")
        return
    from netinfluence.io import read_id_list, table_format
    from netinfluence.pipeline import run_rank
    from netinfluence.scoring import ScoreWeights

    table_format(out)  # an unknown extension fails before any work
    if graph_out is not None:
        from netinfluence.errors import InputError

        if graph_out.suffix.lower() not in (".gexf", ".graphml"):
            raise InputError(f"--graph-out needs a .gexf or .graphml file, got {graph_out}")
    score_weights = ScoreWeights.from_file(weights) if weights else None
    excluded = read_id_list(exclude) if exclude else None
    tier_list = [t for t in tiers.split(",")] if tiers else None
    topic_list = [t for t in topics.split(",")] if topics else None
    with StepProgress(RANK_STEPS, enabled=not _STATE["quiet"]) as progress:
        progress("load")
        net = load_inputs(follows, interactions, users, edges, graph, undirected=undirected,
                          skip_rows=skip_rows, drop_bad_rows=drop_bad_rows, sep=sep,
                          columns=columns)
        table, written = run_rank(
            net, out, seed=seed, weights=score_weights, top=top, per_community=per_community,
            tiers=tier_list, exclude=excluded, require_topics=topic_list, graph_out=graph_out,
            inputs={"follows": follows, "interactions": interactions, "users": users,
                    "edges": edges, "graph": graph, "exclude": exclude, "weights": weights},
            progress=progress)
    print_load_report(net)
    print_ranked(table)
    unknown = table.attrs.get("unknown_exclusions") or []
    if unknown and not _STATE["quiet"]:
        _console(stderr=True).print(f"note: {len(unknown)} excluded name(s) not found in the "
                                    f"network, e.g. {unknown[:3]}", markup=False)
    for key, path in written.items():
        typer.echo(f"wrote {key:<6} {path}")


@app.command("communities")
@handle_errors
def communities_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Partition file (.csv, .xlsx, .json, "
                                      ".parquet); a FILE.quality.csv is written beside it.")],
    follows: FollowsOpt = None,
    interactions: InteractionsOpt = None,
    users: UsersOpt = None,
    edges: EdgesOpt = None,
    graph: GraphOpt = None,
    method: Annotated[str, typer.Option(
        "--method", help="leiden, louvain, infomap or label_propagation.")] = "leiden",
    resolution: Annotated[float, typer.Option("--resolution", min=0.0)] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the detection.")] = 0,
    undirected: UndirectedOpt = False,
    skip_rows: SkipRowsOpt = 0,
    drop_bad_rows: DropBadOpt = False,
    sep: SepOpt = None,
    columns: ColumnsOpt = None,
):
    """Detect communities and write the partition with quality metrics."""
    from netinfluence.community import communities, community_quality
    from netinfluence.io import table_format, write_table
    from netinfluence.pipeline import write_meta

    table_format(out)
    net = load_inputs(follows, interactions, users, edges, graph, undirected=undirected,
                      skip_rows=skip_rows, drop_bad_rows=drop_bad_rows, sep=sep,
                          columns=columns)
    labels = communities(net, method=method, resolution=resolution, seed=seed)
    quality = community_quality(net, labels)
    part = labels.rename("community").reset_index()
    write_table(part, out)
    qpath = out.with_name(out.name + ".quality.csv")
    write_table(quality.reset_index(), qpath)
    write_meta(f"{out}.meta.json", net=net, parameters={
        "method": method, "resolution": resolution, "seed": seed},
        extra={"modularity": quality.attrs.get("modularity"),
               "coverage": quality.attrs.get("coverage"), "communities": len(quality)})
    print_load_report(net)
    if not _STATE["quiet"]:
        _console().print(f"{len(quality):,} communities, modularity "
                         f"{quality.attrs.get('modularity', float('nan')):.4f}", markup=False)
    typer.echo(f"wrote partition {out}")
    typer.echo(f"wrote quality   {qpath}")


@app.command("demo")
@handle_errors
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo's outputs.")] = Path(
        "netinfluence-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random step.")] = 0,
):
    """Run the whole product on the bundled sample network and write its outputs to a folder."""
    from netinfluence.pipeline import STEPS, run_demo

    with StepProgress(STEPS, enabled=not _STATE["quiet"]) as progress:
        run_demo(out, seed=seed, console=None if _STATE["quiet"] else _console(),
                 show_report=print_load_report, show_summary=print_summary,
                 show_table=print_ranked, progress=progress)


def _register_commands() -> None:
    """Commands that live in their own modules (each module's ``register`` is idempotent)."""
    from netinfluence.cli_report import register as register_report

    register_report(app)
    try:
        from netinfluence.cli_campaign import register as register_campaign
    except ImportError:  # pragma: no cover - module absent in partial checkouts
        return
    register_campaign(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``netinfluence`` script."""
    app(args=argv, prog_name="netinfluence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
