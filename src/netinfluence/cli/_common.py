"""What every command shares: error handling, the console, input options and loading, progress
bars and tables. The run's ``--debug``/``--quiet`` travel in the Typer context, not a global."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from netinfluence._progress import report_progress
from netinfluence.errors import InputError, NetInfluenceError
from netinfluence.io import csv_escape
from netinfluence.io._provenance import hash_inputs_early
from netinfluence.network import read_network, read_posts


def _run_state(ctx: typer.Context | None) -> dict[str, Any]:
    """The ``--debug``/``--quiet`` switches of this run, set on the root context's ``obj``."""
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, dict) else {}


def quiet(ctx: typer.Context | None) -> bool:
    """True under ``--quiet``: no progress bars or tables."""
    return bool(_run_state(ctx).get("quiet"))


def debug(ctx: typer.Context | None) -> bool:
    """True under ``--debug``: tracebacks instead of one-line errors."""
    return bool(_run_state(ctx).get("debug"))


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
        ctx = kwargs.get("ctx")
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except NetInfluenceError as exc:
            if debug(ctx):
                raise
            _fail(" ".join(str(exc).split()))
        except (OSError, MemoryError) as exc:
            if debug(ctx):
                raise
            what = getattr(exc, "filename", None)
            _fail(
                f"{what + ': ' if what else ''}{exc.__class__.__name__}: "
                f"{getattr(exc, 'strerror', None) or exc}"
            )
        except KeyboardInterrupt:
            _fail("interrupted", code=130)

    return wrapper


# ----------------------------------------------------------------------------- shared options

FollowsOpt = Annotated[
    list[Path] | None,
    typer.Option("--follows", "-f", help="Follows edge list (follower, followed). Repeatable."),
]


class InteractionFile(os.PathLike):
    """One ``--interactions`` value: a file, and the interaction type of its rows when it was
    given as ``TYPE=FILE`` (``mention=higgs-mention.edgelist.gz``).

    It is path-like (``str()`` and ``os.fspath()`` give the file), so provenance hashes the
    file and code that only needs the path keeps working.
    """

    __slots__ = ("path", "type")

    def __init__(self, path: str | os.PathLike, type: str | None = None):
        self.path = Path(path)
        self.type = type

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"InteractionFile({str(self.path)!r}, type={self.type!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, InteractionFile):
            return (self.path, self.type) == (other.path, other.type)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.path, self.type))


_TYPE_NAME = re.compile(r"^[A-Za-z][\w.-]*$")


def interaction_file(value: str | os.PathLike) -> InteractionFile:
    """Read one ``--interactions`` value: ``FILE`` or ``TYPE=FILE``.

    A value naming an existing file is that file, even with ``=`` in its name; otherwise
    ``TYPE=FILE`` with a type made of letters, digits, ``_``, ``-`` or ``.`` labels the file.

    >>> interaction_file("mention=higgs-mention.edgelist.gz")
    InteractionFile('higgs-mention.edgelist.gz', type='mention')
    >>> interaction_file("replies.csv").type is None
    True
    """
    if isinstance(value, InteractionFile):
        return value
    text = os.fspath(value)
    if not isinstance(value, str) or Path(text).exists() or "=" not in text:
        return InteractionFile(text)
    kind, _, path = text.partition("=")
    kind = kind.strip()
    if not _TYPE_NAME.match(kind) or not path.strip():
        raise InputError(
            f"--interactions: cannot read {text!r}; expected FILE or TYPE=FILE "
            "(e.g. mention=mentions.csv.gz)"
        )
    return InteractionFile(path.strip(), kind)


def parse_interactions(values) -> list[InteractionFile]:
    """Every ``--interactions`` value as an :class:`InteractionFile` (see
    :func:`interaction_file`)."""
    return [interaction_file(v) for v in values or []]


def interaction_sources(values) -> list | None:
    """``--interactions`` values as :func:`~netinfluence.network.read_network` takes them: a
    path for a plain file, ``{type: path}`` for a labelled one, in the order given."""
    items: list = [
        str(f) if f.type is None else {f.type: str(f)} for f in parse_interactions(values)
    ]
    return items or None


InteractionsOpt = Annotated[
    list[InteractionFile] | None,
    typer.Option(
        "--interactions",
        "-i",
        parser=interaction_file,
        metavar="[TYPE=]FILE",
        help="Interactions: rows source, target, type[, count][, timestamp] (source engaged "
        "with target's content). Repeatable. TYPE=FILE gives the type of every row of a file "
        "with no type column, e.g. -i mention=mentions.gz -i reply=replies.gz. A headerless "
        "file is read by position: source, target, then the third column as the count (other "
        "columns ignored); --columns 'count=3,timestamp=4' names other positions.",
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
PostsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--posts",
        help="A posts export (X/Twitter, Reddit, Mastodon, Bluesky, YouTube or a generic posts "
        "CSV/Parquet); repeat for several files, or give a quoted glob. Interactions and users "
        "come from the export; combine with --follows only.",
    ),
]
PostsFormatOpt = Annotated[
    str,
    typer.Option(
        "--posts-format",
        help="Format of --posts files: auto (detected per file, said in the load report) or "
        "one of twitter-v2, twitter-v2-flat, twarc-csv, twitter-v1, gnip, reddit, mastodon, "
        "bluesky, youtube, generic.",
    ),
]
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
CsvEscapeOpt = Annotated[
    str,
    typer.Option(
        "--csv-escape",
        help="formulas (default): CSV/TSV text cells starting with = + - @ get a leading ' so "
        "a spreadsheet never runs them (@handle is written '@handle); none: cells as they are, "
        "for pandas or R. Recorded in FILE.meta.json. XLSX, JSON and Parquet are never changed.",
    ),
]


def use_csv_escape(ctx: typer.Context, mode: str) -> None:
    """Apply ``--csv-escape`` to every table this command writes (and its ``.meta.json``)."""

    ctx.with_resource(csv_escape(mode))


DateFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        help="strftime format of interaction timestamps that are neither unix seconds nor ISO "
        "8601, e.g. '%d/%m/%Y' (day first) or '%m/%d/%Y'. Without it a date such as "
        "01/04/2026 stops the run: it is never guessed.",
    ),
]


def input_files(follows, interactions, users, edges, graph, posts=None, **more) -> dict:
    """The input paths a command records in its ``.meta.json`` (hashed by ``write_meta``)."""
    return {
        "follows": follows,
        "interactions": interactions,
        "users": users,
        "edges": edges,
        "graph": graph,
        "posts": posts,
        **more,
    }


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
    posts=None,
    posts_format="auto",
    date_format=None,
):
    """Read the CLI's input options into a Network (one call, shared by every command)."""

    if not (follows or interactions or edges or graph or users or posts):
        raise InputError(
            "give at least one of --follows, --interactions, --edges, --graph, --users or --posts"
        )
    # the .meta.json records the inputs' hashes: compute them while the files are read
    hash_inputs_early(follows, interactions, users, edges, graph, posts)
    if graph is not None:
        return read_network(graph=graph)
    if posts:
        if interactions or edges or users:
            raise InputError(
                "--posts reads interactions and users from the export: combine it with "
                "--follows only (not --interactions, --edges or --users)"
            )
        return read_posts(
            [str(p) for p in posts],
            format=posts_format,
            follows=[str(p) for p in follows or []] or None,
            directed=not undirected,
            on_bad_rows="drop" if drop_bad_rows else "raise",
            columns=parse_columns(columns, posts=True),
        )
    return read_network(
        columns=parse_columns(columns),
        follows=[str(p) for p in follows or []] or None,
        interactions=interaction_sources(interactions),
        users=str(users) if users else None,
        edges=[str(p) for p in edges or []] or None,
        directed=not undirected,
        skip_rows=skip_rows,
        sep=sep,
        on_bad_rows="drop" if drop_bad_rows else "raise",
        edge_weight_merge="probability" if prob else "sum",
        date_format=date_format,
    )


ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="Column names when they are not detected, e.g. "
        "'follower=who,followed=whom' or 'source=from_user,target=to_user,"
        "timestamp=time,id=user'. A number is a 1-based column position, which is how the "
        "columns of a headerless file are named: 'source=2,target=1,count=3'.",
    ),
]

_KIND_OF_ROLE = {
    "follower": ("follows",),
    "followed": ("follows",),
    "source": ("interactions", "edges"),
    "target": ("interactions", "edges"),
    "type": ("interactions",),
    "count": ("interactions",),
    "timestamp": ("interactions",),
    "weight": ("edges",),
    "id": ("users",),
}


def parse_columns(spec: str | None, *, posts: bool = False) -> dict | None:
    """``"follower=who,followed=whom"`` -> ``{"follows": {"follower": "who", ...}}``; a number
    is a 1-based position (``"count=3"`` -> ``{"interactions": {"count": 2}}``); with
    ``posts``, ``"post_id=id,author=user"`` -> ``{"post_id": "id", "author": "user"}`` (the
    generic posts table's names, checked by the posts reader)."""

    if not spec:
        return None
    if posts:
        pairs = [p.partition("=") for p in spec.split(",") if p.strip()]
        bad = [a + b + c for a, b, c in pairs if not b or not a.strip() or not c.strip()]
        if bad:
            raise InputError(f"--columns: cannot read {bad[0].strip()!r}; expected name=column")
        return {a.strip().lower(): c.strip() for a, _, c in pairs}
    out: dict = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        role, eq, col = part.partition("=")
        role, col = role.strip().lower(), col.strip()
        if not eq or not col or role not in _KIND_OF_ROLE:
            raise InputError(
                f"--columns: cannot read {part.strip()!r}; expected role=column "
                f"with a role among {sorted(_KIND_OF_ROLE)}"
            )
        where: str | int = col
        if col.isdigit():  # a 1-based position: the only way to name a headerless column
            if int(col) < 1:
                raise InputError(f"--columns: column positions start at 1, got {part.strip()!r}")
            where = int(col) - 1
        for kind in _KIND_OF_ROLE[role]:
            if kind == "users":
                out["users"] = where
            else:
                out.setdefault(kind, {})[role] = where
    return out


# ----------------------------------------------------------------------------- display helpers


def echo_written(written, echo=typer.echo) -> None:
    """One ``wrote <what> <path>`` line per written file, the names padded to the longest.

    Plain lines rather than a table, so that a long path is never cut.

    >>> echo_written({"table": "out.csv", "meta": "out.csv.meta.json"}, echo=print)
    wrote table out.csv
    wrote meta  out.csv.meta.json
    """
    width = max((len(key) for key in written), default=0)
    for key, path in written.items():
        echo(f"wrote {key:<{width}} {path}")


def print_load_report(net, ctx: typer.Context | None) -> None:
    if quiet(ctx):
        return
    from rich.table import Table

    table = Table(title="Load report", title_justify="left")
    for col in ("source", "action", "count", "reason"):
        # long file names wrap instead of being cut, so every path reads in full
        table.add_column(col, justify="right" if col == "count" else "left", overflow="fold")
    for ln in net.load_report.lines:
        table.add_row(ln.source, ln.action, f"{ln.count:,}", ln.reason)
    if net.load_report.dropped_ids:
        table.add_row(
            "", "lost ids", f"{len(net.load_report.dropped_ids):,}", "ids seen only in dropped rows"
        )
    _console().print(table)


def print_summary(net, ctx: typer.Context | None) -> None:
    if quiet(ctx):
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


class StepProgress:
    """Progress on the terminal (stderr): one bar over the command's steps, the current step
    named, and one bar with an ETA for each long job the library reports while it runs
    (reverse-reachable sampling, Monte Carlo runs, choosing seeds, threshold cascades: see
    :func:`netinfluence._progress.task`). ``steps`` may be empty (only the jobs' bars).
    Disabled (``--quiet``), it draws nothing and installs no reporter."""

    def __init__(self, steps=(), enabled: bool = True):
        self.steps = list(steps)
        self.enabled = enabled
        self.progress = None
        self.task = None
        self.jobs: dict[str, Any] = {}
        self._reporting = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description:<18}"),
                BarColumn(),
                TextColumn("{task.fields[count]}"),
                TimeElapsedColumn(),
                _eta_column(),
                console=_console(stderr=True),
                transient=True,
            )
            self.progress.__enter__()
            if self.steps:
                self.task = self.progress.add_task(
                    "loading", total=len(self.steps), count=f"0/{len(self.steps)}"
                )
            self._reporting = report_progress(self.job)
            self._reporting.__enter__()
        return self

    def __call__(self, name: str) -> None:
        if self.progress is None or self.task is None:
            return
        done = self.steps.index(name) if name in self.steps else len(self.steps)
        self.progress.update(
            self.task, description=name, completed=done, count=f"{done}/{len(self.steps)}"
        )

    def job(self, label: str, done: int, total: int | None) -> None:
        """The library's report on a long job: a bar with an ETA while it runs."""
        if self.progress is None:
            return
        key = self.jobs.get(label)
        finished = total is not None and done >= total
        if key is None:
            if finished:
                return  # a job too short to show, or the closing report of one shown
            key = self.jobs[label] = self.progress.add_task(label, total=total, count="", eta=True)
        count = f"{done:,}" if total is None else f"{done:,}/{total:,}"
        self.progress.update(key, completed=done, total=total, count=count)
        if finished:
            self.progress.remove_task(key)
            del self.jobs[label]

    def __exit__(self, *exc):
        if self._reporting is not None:
            self._reporting.__exit__(*exc)
            self._reporting = None
        if self.progress is not None:
            if exc[0] is None and self.task is not None:
                self.progress.update(
                    self.task,
                    description="done",
                    completed=len(self.steps),
                    count=f"{len(self.steps)}/{len(self.steps)}",
                )
            self.progress.__exit__(*exc)
        return False


def _eta_column():
    from rich.progress import TimeRemainingColumn
    from rich.text import Text

    class EtaColumn(TimeRemainingColumn):
        """Time left, for the library's jobs only (a command's steps take unequal time)."""

        def render(self, task):
            if not task.fields.get("eta"):
                return Text("")
            return Text("eta ") + super().render(task)

    return EtaColumn()


RANK_STEPS = (
    "load",
    "ties",
    "engagement",
    "impact",
    "reach",
    "communities",
    "roles",
    "core",
    "scoring",
    "export",
)


def print_ranked(
    table, ctx: typer.Context | None, *, title: str = "Top candidates", rows: int = 15
) -> None:
    if quiet(ctx) or table is None or not len(table):
        return
    from rich.table import Table

    view = Table(title=title, title_justify="left", show_lines=False)
    cols: list[tuple[str, Literal["left", "right"]]] = [
        ("rank", "right"),
        ("handle", "left"),
        ("score", "right"),
        ("tier", "left"),
        ("followers", "right"),
        ("why", "left"),
    ]
    for name, justify in cols:
        view.add_column(
            name,
            justify=justify,
            overflow="fold",
            no_wrap=name != "why",
            min_width=40 if name == "why" else None,
            ratio=1 if name == "why" else None,
        )
    for _, r in table.head(rows).iterrows():
        handle = r.get("handle") if isinstance(r.get("handle"), str) else str(r["node"])
        followers = r.get("followers")
        view.add_row(
            str(r["rank"]),
            handle,
            f"{r['score']:.3g}",
            str(r.get("tier", "")),
            "" if followers is None or followers != followers else f"{followers:,.0f}",
            str(r["why"]),
        )
    _console().print(view)
