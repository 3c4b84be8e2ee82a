"""The ``netinfluence`` command line: parses arguments, calls the library, displays.

No analysis logic lives here. Errors the library raises on purpose (``NetInfluenceError``)
become one line on stderr and exit code 2; ``--debug`` shows the traceback instead. One module
per command group: ``_analysis`` (sample-data, inspect, rank, communities, demo), ``_import``
(import), ``_campaign``
(plan, simulate, validate), ``_report`` (report); ``_common`` holds what they share.
"""

from __future__ import annotations

from typing import Annotated

import typer

from netinfluence._arrays import avoid_huge_pages
from netinfluence._version import __version__
from netinfluence.cli._analysis import communities_cmd, demo, inspect_cmd, rank_cmd, sample_data
from netinfluence.cli._campaign import plan_cmd, simulate_cmd, validate_cmd
from netinfluence.cli._import import import_cmd
from netinfluence.cli._report import report_cmd

__all__ = ["app", "main"]

app = typer.Typer(
    name="netinfluence",
    help="Find the citizen influencers who really move a community.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

#: Every command, in the order ``--help`` lists them.
COMMANDS = (
    ("sample-data", sample_data),
    ("import", import_cmd),
    ("inspect", inspect_cmd),
    ("rank", rank_cmd),
    ("communities", communities_cmd),
    ("demo", demo),
    ("report", report_cmd),
    ("plan", plan_cmd),
    ("simulate", simulate_cmd),
    ("validate", validate_cmd),
)
for _name, _command in COMMANDS:
    app.command(_name)(_command)


def _version_callback(value: bool):
    if value:
        typer.echo(f"netinfluence {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
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

    Edges are read as docs/architecture.md says: follows rows are `follower, followed`; interactions rows
    are `source, target, type[, count][, timestamp]` (source engaged with target's content).
    """
    ctx.obj = {"debug": debug, "quiet": quiet}


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``netinfluence`` script."""
    avoid_huge_pages()
    app(args=argv, prog_name="netinfluence")


if __name__ == "__main__":  # pragma: no cover
    main()
