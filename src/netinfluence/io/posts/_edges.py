"""Posts -> interactions: resolve each reference to a user, drop what duplicates or loops,
aggregate to one row per (source, target, type) in the package's convention."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netinfluence.io._load_report import LoadReport
from netinfluence.io.posts._collect import REF_COLUMNS, Collector

#: Interaction types, in report order (reshare/reblog/repost are all ``retweet``).
INTERACTION_TYPES = ("reply", "comment", "mention", "retweet", "quote")
#: Author names that stand for an unknown account (Reddit).
PLACEHOLDER_AUTHORS = frozenset({"[deleted]", "[removed]"})
INTERACTION_COLUMNS = ["source", "target", "type", "count", "first_timestamp", "timestamp"]
_MAX_CHAIN = 20  # reshare-of-reshare hops followed to the original


def _lookup(col: Collector) -> tuple[pd.Index, np.ndarray, dict]:
    """Author of every post known (an index and an array; the export's posts win over
    context, the first of duplicates wins) and the reshared post of each reshare."""
    author = {k: v[0] for k, v in col.context.items() if v[0]}
    shared = {k: v[1] for k, v in col.context.items() if v[1]}
    p = col.posts
    # reversed so that the first of duplicate posts is the one left in the dict
    author.update(zip(reversed(p["post_id"]), reversed(p["author"]), strict=True))
    shared.update(
        (k, v) for k, v in zip(reversed(p["post_id"]), reversed(p["shared_post"]), strict=True) if v
    )
    keys = pd.Index(list(author.keys()), dtype=object)
    return keys, np.array(list(author.values()), dtype=object), shared


def _map(values: pd.Series, keys: pd.Index, vals: np.ndarray) -> pd.Series:
    """``values.map(dict(zip(keys, vals)))``, by index lookup (faster on 10^6 rows)."""
    pos = keys.get_indexer(pd.Index(values.to_numpy(dtype=object)))
    out = np.full(len(values), None, dtype=object)
    if len(vals):
        out[pos >= 0] = vals[pos[pos >= 0]]
    return pd.Series(out, index=values.index, dtype=object)


def interactions_table(
    col: Collector,
    posts: pd.DataFrame,
    secs: np.ndarray,
    keep_seq: np.ndarray,
    report: LoadReport,
    use_seq: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per (source, target, type) with ``count``, ``first_timestamp``, ``timestamp``.

    ``keep_seq`` marks the collected posts kept (duplicates removed); ``use_seq`` further
    restricts the posts whose references count (filters).
    """
    # object columns: internal only, so skip the conversion to Arrow strings
    refs = pd.DataFrame(
        {c: pd.Series(col.refs[c], dtype=object if c != "seq" else "int64") for c in REF_COLUMNS}
    )
    if refs.empty:
        return _empty()
    seq = refs["seq"].to_numpy()
    ok = keep_seq[seq] if use_seq is None else (keep_seq & use_seq)[seq]
    refs = refs[ok]
    keys, authors, shared_of = _lookup(col)

    tp = refs["target_post"]
    # a reshare of a reshare credits the original: follow shared_post links to the end
    is_rt = (refs["type"] == "retweet").to_numpy() & tp.notna().to_numpy()
    if is_rt.any() and shared_of:
        cur = tp[is_rt]
        for _ in range(_MAX_CHAIN):
            nxt = cur.map(shared_of)
            moved = nxt.notna()
            if not moved.any():
                break
            cur = cur.where(~moved, nxt)
        tp = tp.copy()
        tp[is_rt] = cur
    target = _map(tp, keys, authors)
    target = target.where(target.notna(), refs["target"].astype(object))
    need = target.isna() & refs["target_handle"].notna()
    if need.any() and col.handles:
        handles = refs.loc[need, "target_handle"].astype(str).str.lower().str.lstrip("@")
        target[need] = handles.map(col.handles)
    refs = refs.assign(target=target)

    unresolved = refs["target"].isna()
    by_type = refs.loc[unresolved, "type"].value_counts()
    derived = refs.loc[~unresolved, "type"].value_counts()
    for t in INTERACTION_TYPES:
        report.add(
            "interactions", "derived", int(derived.get(t, 0)), f"{t} references resolved to a user"
        )
    for t in INTERACTION_TYPES:
        report.add(
            "interactions",
            "unresolved",
            int(by_type.get(t, 0)),
            f"{t} references to a post or user not in the export",
        )
    refs = refs[~unresolved]

    placeholder = (
        refs["source"].isin(PLACEHOLDER_AUTHORS)
        | refs["target"].isin(PLACEHOLDER_AUTHORS)
        | refs["source"].isna()
    )
    report.add(
        "interactions",
        "dropped",
        int(placeholder.sum()),
        "references from or to a deleted/unknown account ([deleted])",
    )
    refs = refs[~placeholder]

    # a mention of the user the same post replies to or reshares is that reply/reshare again
    # (Mastodon's automatic @parent, Twitter's "RT @x:" and leading reply handles)
    is_m = (refs["type"] == "mention").to_numpy()
    if is_m.any():
        acts = refs.loc[refs["type"].isin(("reply", "retweet")).to_numpy(), ["seq", "target"]]
        if len(acts):
            key_act = pd.MultiIndex.from_frame(acts)
            men = refs.loc[is_m, ["seq", "target"]]
            dupm = pd.MultiIndex.from_frame(men).isin(key_act)
            drop = np.zeros(len(refs), dtype=bool)
            drop[np.flatnonzero(is_m)[dupm]] = True
            report.add(
                "interactions",
                "dropped",
                int(drop.sum()),
                "mentions of the user the same post replies to or reshares",
            )
            refs = refs[~drop]
    # the same user mentioned twice in one post is one mention
    twice = refs.duplicated(["seq", "target", "type"])
    report.add(
        "interactions",
        "dropped",
        int(twice.sum()),
        "repeated references in one post (same target and type)",
    )
    refs = refs[~twice.to_numpy()]

    self_loop = (refs["source"] == refs["target"]).to_numpy()
    report.add(
        "interactions",
        "dropped",
        int(self_loop.sum()),
        "self-interactions (a user replying to, mentioning or resharing themselves)",
    )
    refs = refs[~self_loop]
    if refs.empty:
        return _empty()

    ts = secs[refs["seq"].to_numpy()]
    own = refs["time"]
    if own.notna().any():
        from netinfluence.io.posts._tables import _seconds

        own_secs, _ = _seconds(own.tolist())
        ts = np.where(np.isnan(own_secs), ts, own_secs)
    frame = pd.DataFrame(
        {
            "source": refs["source"].to_numpy(),
            "target": refs["target"].to_numpy(),
            "type": refs["type"].to_numpy(),
            "ts": ts,
        }
    )
    out = frame.groupby(["source", "target", "type"], sort=True, observed=True).agg(
        count=("ts", "size"), first_timestamp=("ts", "min"), timestamp=("ts", "max")
    )
    out = out.reset_index()
    out["count"] = out["count"].astype("int64")
    report.add(
        "interactions", "kept", len(out), "interaction rows (one per source, target and type)"
    )
    return out[INTERACTION_COLUMNS]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": pd.Series(dtype=object),
            "target": pd.Series(dtype=object),
            "type": pd.Series(dtype=object),
            "count": pd.Series(dtype="int64"),
            "first_timestamp": pd.Series(dtype=float),
            "timestamp": pd.Series(dtype=float),
        }
    )
