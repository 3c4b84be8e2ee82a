"""The ``netinfluence import`` command: posts exports to interaction, user and post tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netinfluence.cli._common import (
    ColumnsOpt,
    DropBadOpt,
    echo_written,
    handle_errors,
    parse_columns,
    quiet,
)
from netinfluence.io import write_meta, write_table
from netinfluence.io.posts import POST_FORMATS, read_posts_tables

__all__ = ["import_cmd"]


@handle_errors
def import_cmd(
    ctx: typer.Context,
    posts: Annotated[
        list[str],
        typer.Argument(
            help="Posts export files or quoted globs (pages of one export are merged; .gz, "
            ".bz2, .xz and .zip are read by extension)."
        ),
    ],
    out_dir: Annotated[
        Path, typer.Option("--out-dir", "-o", help="Folder for the tables written.")
    ] = Path("netinfluence-import"),
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto (detected per file and said below) or one of " + ", ".join(POST_FORMATS),
        ),
    ] = "auto",
    about: Annotated[
        str | None,
        typer.Option(
            "--about",
            help='Keep the conversations about these terms, e.g. "acme,#acmefans" (whole reply '
            "threads of a matching post); users gain topic_mentions and topic_engagement.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Keep posts from this UTC date or time on.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Keep posts up to this UTC date (inclusive).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help='Keep posts in these languages, e.g. "en,es".')
    ] = None,
    drop_bad_rows: DropBadOpt = False,
    columns: ColumnsOpt = None,
):
    """Read posts exports and write interactions.csv, users.csv and posts.parquet.

    interactions.csv has one row per (source, target, type) with count and first and last
    timestamp (source replied to, mentioned, reshared, quoted or commented on target's
    content); users.csv what the export knows of each account; posts.parquet every post kept.
    Feed the first two to rank, report or plan (or give those commands --posts directly).
    """
    tables = read_posts_tables(
        posts,
        format=format,
        columns=parse_columns(columns, posts=True),
        about=about,
        since=since,
        until=until,
        lang=lang,
        on_bad_rows="drop" if drop_bad_rows else "raise",
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {
        # read back by netinfluence: ids and handles stay as written (no spreadsheet escaping)
        "interactions": write_table(
            tables.interactions, out_dir / "interactions.csv", escape=False
        ),
        "users": write_table(
            tables.users.rename_axis("id"), out_dir / "users.csv", index=True, escape=False
        ),
        "posts": write_table(tables.posts, out_dir / "posts.parquet", index=True),
    }
    written["meta"] = write_meta(
        out_dir / "import.meta.json",
        net=None,
        report=tables.report,
        parameters={
            "format": format,
            "formats_detected": tables.formats,
            "about": about,
            "since": since,
            "until": until,
            "lang": lang,
            "drop_bad_rows": drop_bad_rows,
            "columns": columns,
        },
        inputs={"posts": posts},
    )
    if not quiet(ctx):  # plain lines: file names are never cut
        for name, fmt in tables.formats.items():
            typer.echo(f"format {fmt:<16} {name}")
        typer.echo(str(tables.report))
    echo_written(written)
