"""Posts exports -> posts, interactions and users tables (issue 16, the parsing half).

Analysts hold exports of posts, not edge lists. :func:`read_posts_tables` reads them (X/Twitter
API v2 pages, stream lines and ``twarc2 flatten`` lines, twarc-csv CSV, API v1.1 and GNIP,
Reddit, Mastodon, Bluesky, YouTube, and a generic CSV/Parquet table) and derives who replied
to, mentioned, reshared, quoted or commented on whom.

Modules, one idea each: ``_source`` (files, globs, JSON lines), ``_detect`` (format from a
file's head), ``_collect`` (what readers fill), one reader per platform (``_twitter``,
``_reddit``, ``_mastodon``, ``_bluesky``, ``_youtube``, ``_generic``), ``_tables`` (the posts
table), ``_edges`` (posts -> interactions), ``_users`` (users table), ``_filters``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.io._load_report import LoadReport
from netinfluence.io.posts import _bluesky, _generic, _mastodon, _reddit, _twitter, _youtube
from netinfluence.io.posts._collect import Collector
from netinfluence.io.posts._detect import POST_FORMATS, detect_format
from netinfluence.io.posts._edges import INTERACTION_COLUMNS, INTERACTION_TYPES, interactions_table
from netinfluence.io.posts._filters import (
    conversations,
    parse_terms,
    topic_matches,
    window_and_lang,
)
from netinfluence.io.posts._source import BadRows, expand_paths
from netinfluence.io.posts._tables import POST_TYPES, posts_table
from netinfluence.io.posts._users import users_table

__all__ = [
    "INTERACTION_COLUMNS",
    "INTERACTION_TYPES",
    "POST_FORMATS",
    "POST_TYPES",
    "PostsTables",
    "detect_format",
    "read_posts_tables",
]

_READERS: dict[str, Callable[..., None]] = {
    "twitter-v2": _twitter.read_v2,
    "twitter-v2-flat": _twitter.read_v2,
    "twarc-csv": _twitter.read_twarc_csv,
    "twitter-v1": _twitter.read_v1,
    "gnip": _twitter.read_gnip,
    "reddit": _reddit.read_reddit,
    "mastodon": _mastodon.read_mastodon,
    "bluesky": _bluesky.read_bluesky,
    "youtube": _youtube.read_youtube,
}


@dataclass
class PostsTables:
    """What :func:`read_posts_tables` returns.

    Attributes
    ----------
    posts : pandas.DataFrame
        Indexed by ``post_id``: ``author, created_at, type, reply_to_post, shared_post,
        quoted_post, text, like_count, reply_count, share_count, hashtags, lang, platform``.
    interactions : pandas.DataFrame
        ``source, target, type, count, first_timestamp, timestamp`` (unix seconds), one row per
        (source, target, type); ``source`` acted on ``target``'s content.
    users : pandas.DataFrame
        Indexed by user id: ``handle, name, followers, following, posts, verified, bot,
        posts_in_export, topics`` (+ ``topic_mentions, topic_engagement`` with ``about=``).
    report : LoadReport
        Posts read, references derived per type, unresolved, dropped, duplicates, time range.
    formats : dict
        The format used for each file.
    """

    posts: pd.DataFrame
    interactions: pd.DataFrame
    users: pd.DataFrame
    report: LoadReport
    formats: dict[str, str] = field(default_factory=dict)


def read_posts_tables(
    paths,
    *,
    format: str = "auto",
    columns: dict[str, str] | None = None,
    about: str | list[str] | None = None,
    since=None,
    until=None,
    lang: str | list[str] | None = None,
    on_bad_rows: str = "raise",
) -> PostsTables:
    """Read posts exports into posts, interactions and users tables.

    Parameters
    ----------
    paths : str, os.PathLike or list of them
        Files or glob patterns; several files (pages, or a thread and its context) are merged
        and posts seen twice are kept once. ``.gz/.bz2/.xz/.zip`` are read by extension.
    format : str, default "auto"
        One of :data:`POST_FORMATS`, or ``"auto"`` to detect each file's format.
    columns : dict, optional
        For generic CSV/Parquet: ``{"post_id": "id", "author": "user", ...}`` maps the generic
        names to another tool's column names.
    about : str or list of str, optional
        ``"brand,#hashtag"``: keep the conversations (whole reply threads, reshares) holding a
        post that matches a term (case-insensitive word or hashtag); users gain
        ``topic_mentions`` and ``topic_engagement``.
    since, until : str or datetime, optional
        Keep posts in this UTC window (a bare ``until`` date includes that day).
    lang : str or list of str, optional
        Keep posts in these languages (``"en,es"``).
    on_bad_rows : {"raise", "drop"}, default "raise"
        A corrupt JSON line, an API error without data or a record of the wrong shape raises
        :class:`~netinfluence.errors.InputError` naming the file and line, or is skipped and
        counted in the report.

    Returns
    -------
    PostsTables

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "posts.csv"
    >>> _ = p.write_text(
    ...     "post_id,author,created_at,reply_to_post,text\\n"
    ...     "1,ana,2024-01-01T10:00:00Z,,hello #Brand\\n"
    ...     "2,bo,2024-01-01T11:00:00Z,1,hi ana\\n")
    >>> t = read_posts_tables(p)
    >>> t.interactions[["source", "target", "type", "count"]].to_dict("records")
    [{'source': 'bo', 'target': 'ana', 'type': 'reply', 'count': 1}]
    >>> t.posts.loc["1", "hashtags"]
    'brand'
    """
    files = expand_paths(paths)
    if format != "auto" and format not in POST_FORMATS:
        raise InputError(
            f"unknown posts format {format!r}; expected 'auto' or one of {', '.join(POST_FORMATS)}"
        )
    bad = BadRows(on_bad_rows)
    col = Collector()
    report = LoadReport()
    formats: dict[str, str] = {}
    for path in files:
        fmt = detect_format(path, columns) if format == "auto" else format
        formats[path] = fmt
        before = col.n_posts
        if fmt == "generic":
            _generic.read_generic(path, col, bad, columns)
        else:
            _READERS[fmt](path, col, bad)
        report.add(path, "read", col.n_posts - before, f"posts ({fmt})")
        for (src, kind), n in list(bad.skipped.items()):
            if src == path:
                report.add(path, "skipped", n, kind)
        for note in [n for n in col.notes if n[0] == path]:
            report.add(*note)
    for note in [n for n in col.notes if n[0] not in formats]:
        report.add(*note)

    posts, secs, keep = posts_table(col, report)
    use = None
    matches = None
    selected = pd.Series(True, index=posts.index)
    if since is not None or until is not None or lang:
        selected &= window_and_lang(posts, since, until, lang)
        report.add(
            "posts", "filtered", int((~selected).sum()), "posts outside since/until or not in lang"
        )
    if about:
        matches = topic_matches(posts, parse_terms(about))
        report.add("posts", "matched", int(matches.sum()), f"posts matching about={about!r}")
        conv = conversations(posts, matches & selected)
        before = int(selected.sum())
        selected &= conv
        report.add(
            "posts",
            "filtered",
            before - int(selected.sum()),
            "posts outside the conversations matching about=",
        )
    if not selected.all():
        use = np.zeros(len(keep), dtype=bool)
        use[np.flatnonzero(keep)[selected.to_numpy()]] = True
    inter = interactions_table(col, posts, secs, keep, report, use_seq=use)
    col.drop_columns()  # the posts table shares its text with them: only the rest goes
    if use is not None:
        posts = posts[selected.to_numpy()]
    users = users_table(col, posts, inter, matches)
    _summary(report, posts)
    return PostsTables(posts=posts, interactions=inter, users=users, report=report, formats=formats)


def _summary(report: LoadReport, posts: pd.DataFrame) -> None:
    report.add("posts", "kept", len(posts), "posts in the posts table")
    authors = posts["author"].dropna().nunique()
    report.add("posts", "authors", authors, "distinct authors")
    t = posts["created_at"].dropna()
    if len(t):
        report.add(
            "posts",
            "time range",
            len(t),
            f"posts dated {t.min().isoformat()} to {t.max().isoformat()}",
        )
