"""The users table: attributes the export carries, top hashtags and posts in the export."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netinfluence.io.posts._collect import STR_DTYPE, USER_FIELDS, Collector

TOP_TOPICS = 5  # hashtags kept per user in ``topics``


def users_table(
    col: Collector,
    posts: pd.DataFrame,
    interactions: pd.DataFrame,
    matches: pd.Series | None = None,
) -> pd.DataFrame:
    """Every author, plus every user an interaction or the export's user records name.

    ``matches`` (a boolean Series over posts, from ``about=``) adds ``topic_mentions`` and
    ``topic_engagement`` (likes + replies + shares of the matching posts).
    """
    recs = col.users
    # as from_dict(orient="index"), without its per-user Python loop
    frame = pd.DataFrame(list(recs.values()), index=list(recs)) if recs else pd.DataFrame()
    for f in USER_FIELDS:
        if f not in frame.columns:
            frame[f] = None
    frame = frame[list(USER_FIELDS)]
    authors = posts["author"].dropna()
    authors = authors[~authors.isin(("[deleted]", "[removed]"))]
    ids = pd.Index(authors.unique())
    if len(interactions):
        ids = ids.append(pd.Index(interactions["source"].unique())).append(
            pd.Index(interactions["target"].unique())
        )
    ids = ids.append(frame.index).unique()
    frame = frame.reindex(ids)
    frame.index = frame.index.astype(str)
    frame.index.name = "id"
    for c in ("followers", "following", "posts"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("Int64")
    for c in ("verified", "bot"):
        frame[c] = frame[c].astype("boolean")
    counts = authors.value_counts()
    frame["posts_in_export"] = counts.reindex(frame.index, fill_value=0).astype("int64")
    frame["topics"] = _topics(posts).reindex(frame.index)
    if matches is not None:
        hit = posts[matches.reindex(posts.index, fill_value=False).to_numpy()]
        eng = hit[["like_count", "reply_count", "share_count"]].fillna(0).sum(axis=1)
        frame["topic_mentions"] = (
            hit["author"].value_counts().reindex(frame.index, fill_value=0).astype("int64")
        )
        frame["topic_engagement"] = (
            eng.groupby(hit["author"]).sum().reindex(frame.index, fill_value=0).astype("int64")
        )
    return frame


def _topics(posts: pd.DataFrame) -> pd.Series:
    """Each author's most used hashtags, ";"-joined, most used first (ties by name)."""
    tags = posts.loc[posts["hashtags"].notna(), ["author", "hashtags"]]
    if tags.empty:
        return pd.Series(dtype=object)
    if tags["hashtags"].dtype == STR_DTYPE:  # split in Arrow: no Python list per post
        lists = pc.split_pattern(pa.array(tags["hashtags"].array), ";")
        if isinstance(lists, pa.ChunkedArray):
            lists = lists.combine_chunks()
        parent = pc.list_parent_indices(lists).to_numpy()
        ex = pd.DataFrame(
            {
                "author": tags["author"].array.take(parent),
                "tag": pd.array(pc.list_flatten(lists), dtype=STR_DTYPE),
            }
        )
    else:
        ex = tags.assign(tag=tags["hashtags"].str.split(";")).explode("tag")
    n = ex.groupby(["author", "tag"], sort=False).size().rename("n").reset_index()
    n = n.sort_values(["author", "n", "tag"], ascending=[True, False, True])
    top = n.groupby("author", sort=False).head(TOP_TOPICS)
    # ";".join per author in one pass over the rows (sorted by author): no per-group calls
    joined: dict = {}
    for author, tag in zip(top["author"].tolist(), top["tag"].tolist(), strict=True):
        joined[author] = f"{joined[author]};{tag}" if author in joined else tag
    index = pd.Index(list(joined), name="author", dtype=top["author"].dtype)
    return pd.Series(list(joined.values()), index=index, name="tag")
