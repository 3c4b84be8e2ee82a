"""A network from posts exports: who replied to, mentioned, reshared, quoted or commented on whom.

:func:`read_posts` reads the exports with :func:`netinfluence.io.posts.read_posts_tables` and builds
the interactions layer (``source`` acted on ``target``'s content), the users table from what the
export knows of its authors, and keeps the posts table on the network (``net.posts``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from netinfluence.errors import InputError
from netinfluence.io import LoadReport, Source
from netinfluence.io.posts import read_posts_tables
from netinfluence.network._network import Network
from netinfluence.network._read import read_parts

__all__ = ["read_posts"]

#: The interaction columns the network keeps (``first_timestamp`` stays in the import's files).
_KEPT = ["source", "target", "type", "count", "timestamp"]


def read_posts(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    format: str = "auto",
    columns: dict[str, str] | None = None,
    about: str | list[str] | None = None,
    since: Any = None,
    until: Any = None,
    lang: str | list[str] | None = None,
    on_bad_rows: str = "raise",
    follows: Source | Sequence[Source] | None = None,
    directed: bool = True,
) -> Network:
    """Read posts exports (X/Twitter, Reddit, Mastodon, Bluesky, YouTube, generic) into a Network.

    Parameters
    ----------
    paths : path, glob or list of them
        The export files; pages of one export are merged and a post seen twice is kept once.
    format : str, default "auto"
        ``"auto"`` detects each file's format (and says which in the load report), or one of
        :data:`netinfluence.io.posts.POST_FORMATS`.
    columns, about, since, until, lang, on_bad_rows
        As in :func:`netinfluence.io.posts.read_posts_tables`: generic-table column names,
        conversation filter (``"brand,#hashtag"``), UTC time window, languages, bad-line policy.
    follows : path, DataFrame or list, optional
        A follows table to add as the follows layer (``follower, followed``); without it the
        network has interactions only, and reach and audience are measured through them.
    directed : bool, default True
        As in :func:`read_network`, for ``follows``.

    Returns
    -------
    Network
        Interactions layer with ``type``, ``count`` and the last ``timestamp`` per pair and type;
        users table from the export (handle, name, platform follower counts, verified and bot
        labels, topics from hashtags, posts in the export); ``net.posts`` the posts table; the
        load report starts with what reading the posts did.

    Raises
    ------
    InputError
        Unreadable files (file and line named), an undetectable format, or posts from which no
        interaction can be derived and no follows table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "posts.csv"
    >>> _ = p.write_text(
    ...     "post_id,author,created_at,reply_to_post,text\\n"
    ...     "1,ana,2024-01-01T10:00:00Z,,hello #Brand\\n"
    ...     "2,bo,2024-01-01T11:00:00Z,1,hi ana\\n")
    >>> net = read_posts(p)
    >>> net.interactions[["source", "target", "type"]].to_dict("records")  # influence: ana -> bo
    [{'source': 'ana', 'target': 'bo', 'type': 'reply'}]
    >>> len(net.posts)
    2
    """
    tables = read_posts_tables(
        paths,
        format=format,
        columns=columns,
        about=about,
        since=since,
        until=until,
        lang=lang,
        on_bad_rows=on_bad_rows,
    )
    inter = tables.interactions[_KEPT]
    if inter.empty and follows is None:
        raise InputError(
            f"no interaction could be derived from {len(tables.posts):,} posts (no replies, "
            "mentions, reshares, quotes or comments between known accounts); check the "
            "filters, or add a follows table",
            source=", ".join(tables.formats) or str(paths),
        )
    inter.attrs["name"] = "interactions from posts"
    users = tables.users.rename_axis("id").reset_index()
    users.attrs["name"] = "users from posts"
    parts = read_parts(
        follows=follows,
        interactions=inter if not inter.empty else None,
        users=users,
        directed=directed,
        columns={"users": "id"},
        on_bad_rows=on_bad_rows,
        check_user_ids=False,  # the users are the posts' authors: same ids by construction
    )
    report = LoadReport()
    report.extend(tables.report)
    report.extend(parts.load_report)
    return Network(
        parts.ids,
        parts.nodes,
        parts.follows,
        parts.interactions,
        directed=parts.directed,
        load_report=report,
        posts=tables.posts,
    )
