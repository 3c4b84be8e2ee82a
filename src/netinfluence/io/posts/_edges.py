"""Posts -> interactions: resolve each reference to a user, drop what duplicates or loops,
aggregate to one row per (source, target, type) in the package's convention."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netinfluence.io._load_report import LoadReport
from netinfluence.io.posts._collect import REF_COLUMNS, STR_DTYPE, Collector
from netinfluence.io.posts._tables import _seconds

#: Interaction types, in report order (reshare/reblog/repost are all ``retweet``).
INTERACTION_TYPES = ("reply", "comment", "mention", "retweet", "quote")
#: Author names that stand for an unknown account (Reddit).
PLACEHOLDER_AUTHORS = frozenset({"[deleted]", "[removed]"})
INTERACTION_COLUMNS = ["source", "target", "type", "count", "first_timestamp", "timestamp"]
_MAX_CHAIN = 20  # reshare-of-reshare hops followed to the original


def _series(values: pa.ChunkedArray | np.ndarray) -> pd.Series:
    """A collected column for internal use: ``str`` (Arrow, compact) when it holds only text
    and missing values, else ``object`` (the values as given)."""
    if isinstance(values, pa.ChunkedArray) and pa.types.is_large_string(values.type):
        return pd.Series(pd.array(values, dtype=STR_DTYPE), copy=False)
    if isinstance(values, pa.ChunkedArray):
        values = values.to_numpy(zero_copy_only=False)
    return pd.Series(values, dtype=object)


def _arrow(values: pd.Series) -> pa.Array | None:
    """The Arrow strings behind a ``str`` Series (one chunk), or None for object Series."""
    if values.dtype != STR_DTYPE:
        return None
    arr = pa.array(values.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _positions(query: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position in ``keys`` of the first occurrence of each ``query`` value (-1 if absent);
    a missing value matches a missing key, as a dict with a None key would."""
    qa, ka = _arrow(query), _arrow(keys)
    if qa is not None and ka is not None:
        pos = pc.index_in(qa, value_set=ka)
        return pc.fill_null(pos, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    first = ~keys.duplicated(keep="first").to_numpy()
    obj = keys.astype(object).where(keys.notna(), None).to_numpy()
    uniq = pd.Index(obj[first], dtype=object)
    idx = uniq.get_indexer(pd.Index(query.astype(object).where(query.notna(), None), dtype=object))
    where = np.flatnonzero(first)
    return np.where(idx >= 0, where[np.maximum(idx, 0)], -1)


def _take(values: pd.Series, pos: np.ndarray) -> pd.Series:
    """``values`` at ``pos``; missing where ``pos`` is -1."""
    return pd.Series(values.array.take(pos, allow_fill=True), copy=False)


def _assign(values: pd.Series, pos: np.ndarray, new) -> pd.Series:
    """``values`` with ``new`` at positions ``pos``; as objects when ``new`` holds values a
    ``str`` Series cannot (ids that are numbers)."""
    try:
        values.iloc[pos] = new
    except TypeError:
        values = values.astype(object)
        values.iloc[pos] = new
    return values


def _falsy_to_missing(values: pd.Series) -> pd.Series:
    """Empty strings (and other falsy values) as missing."""
    if values.dtype == STR_DTYPE:
        return values.where(values.str.len() > 0)
    obj = values.astype(object)
    return obj.where(obj.map(bool, na_action="ignore").fillna(False).astype(bool), None)


def _author_lookup(col: Collector) -> tuple[pd.Series, pd.Series]:
    """(keys, values) giving the author of every post known, first match winning: the
    export's posts (first of duplicates, even without an author) before context posts (first
    sighting of each; a missing author there counts as not known)."""
    ctx_ids = _series(col.context_column("post_id"))
    ctx_author = _falsy_to_missing(_series(col.context_column("author")))
    keys = pd.concat([_series(col.post_column("post_id")), ctx_ids], ignore_index=True)
    vals = pd.concat([_series(col.post_column("author")), ctx_author], ignore_index=True)
    return keys, vals


def _shared_lookup(col: Collector) -> tuple[pd.Series, pd.Series]:
    """(keys, values) giving the post each reshare reshares, first match winning: the
    export's posts with one (first of duplicates) before context posts (first sighting of
    each, when that sighting names one)."""
    post_ids = _series(col.post_column("post_id"))
    shared = _falsy_to_missing(_series(col.post_column("shared_post")))
    ctx_ids = _series(col.context_column("post_id"))
    ctx_shared = _falsy_to_missing(_series(col.context_column("shared")))
    has = shared.notna().to_numpy()
    ctx_has = ~ctx_ids.duplicated(keep="first").to_numpy() & ctx_shared.notna().to_numpy()
    keys = pd.concat([post_ids[has], ctx_ids[ctx_has]], ignore_index=True)
    vals = pd.concat([shared[has], ctx_shared[ctx_has]], ignore_index=True)
    return keys, vals


def _resolve(col: Collector, refs: pd.DataFrame) -> pd.Series:
    """The user each reference points at (missing when unknown): the author of its target
    post (a reshare of a reshare credits the original), else the user it names, else the
    user with its handle."""
    tp = refs["target_post"].reset_index(drop=True)
    is_rt = (refs["type"] == "retweet").to_numpy() & tp.notna().to_numpy()
    if is_rt.any():
        keys, vals = _shared_lookup(col)
        if len(keys):
            # hop 1 by lookup, the next hops on positions among the reshares (``nxt``)
            cur = tp[is_rt].reset_index(drop=True)
            last = _positions(cur, keys)  # the reshare whose original a post gets
            nxt = _positions(vals, keys)
            active = np.flatnonzero(last >= 0)
            for _ in range(_MAX_CHAIN - 1):
                step = nxt[last[active]]
                moved = step >= 0
                if not moved.any():
                    break
                active = active[moved]
                last[active] = step[moved]
            found = np.flatnonzero(last >= 0)
            cur = _assign(cur, found, _take(vals, last[found]).array)
            tp = _assign(tp, np.flatnonzero(is_rt), cur.array)
        del keys, vals
    keys, vals = _author_lookup(col)
    target = _take(vals, _positions(tp, keys))
    del keys, vals, tp
    target.index = refs.index
    target = target.where(target.notna(), refs["target"])
    need = target.isna() & refs["target_handle"].notna()
    if need.any() and col.handles:
        handles = refs.loc[need, "target_handle"].astype(str).str.lower().str.lstrip("@")
        target = _assign(target, np.flatnonzero(need), handles.map(col.handles).array)
    return target


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
    seq = col.ref_column("seq")
    seq = seq.to_numpy() if isinstance(seq, pa.ChunkedArray) else seq.astype(np.int64)
    if not len(seq):
        return _empty()
    ok = keep_seq[seq] if use_seq is None else (keep_seq & use_seq)[seq]
    refs = pd.DataFrame(
        {c: _series(col.ref_column(c)) for c in REF_COLUMNS if c != "seq"}, copy=False
    )
    refs.insert(0, "seq", seq)
    refs = refs[ok]
    target = _resolve(col, refs)
    refs = refs.drop(columns=["target_post", "target_handle"]).assign(target=target)
    del target

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

    if refs.empty:
        return _empty()
    # from here on integer codes: users (sources and targets together) and types in sorted
    # order, so that grouping the codes orders the rows as grouping the names would
    n = len(refs)
    users, names = pd.factorize(
        pd.concat([refs["source"], refs["target"]], ignore_index=True), sort=True
    )
    src, tgt = users[:n], users[n:]
    typ, types = pd.factorize(refs["type"], sort=True)
    seq = refs["seq"].to_numpy()
    own = refs["time"]
    del refs
    rows = np.arange(n)  # the references left, as positions in own
    n_users, n_types = max(len(names), 1), max(len(types), 1)
    if (seq.max() + 1) * n_users * n_types >= 2**62:  # pragma: no cover - 10^18 references
        raise OverflowError("too many posts and users to encode the references")

    # a mention of the user the same post replies to or reshares is that reply/reshare again
    # (Mastodon's automatic @parent, Twitter's "RT @x:" and leading reply handles)
    post_user = seq * n_users + tgt
    code = {t: i for i, t in enumerate(types)}
    is_m = typ == code.get("mention", -1)
    if is_m.any():
        is_act = np.isin(typ, [code.get("reply", -1), code.get("retweet", -1)])
        if is_act.any():
            drop = np.zeros(len(rows), dtype=bool)
            drop[is_m] = pd.Series(post_user[is_m]).isin(post_user[is_act]).to_numpy()
            report.add(
                "interactions",
                "dropped",
                int(drop.sum()),
                "mentions of the user the same post replies to or reshares",
            )
            keep = ~drop
            rows, seq, src, tgt, typ, post_user = (
                x[keep] for x in (rows, seq, src, tgt, typ, post_user)
            )
    # the same user mentioned twice in one post is one mention
    twice = _repeated(post_user * n_types + typ)
    report.add(
        "interactions",
        "dropped",
        int(twice.sum()),
        "repeated references in one post (same target and type)",
    )
    self_loop = src == tgt
    report.add(
        "interactions",
        "dropped",
        int((self_loop & ~twice).sum()),
        "self-interactions (a user replying to, mentioning or resharing themselves)",
    )
    keep = ~(twice | self_loop)
    rows, seq, src, tgt, typ = (x[keep] for x in (rows, seq, src, tgt, typ))
    del post_user
    if not len(rows):
        return _empty()

    ts = secs[seq]
    own = own.iloc[rows]
    if own.notna().any():
        own_secs, _ = _seconds(own.astype(object).where(own.notna(), None).tolist())
        ts = np.where(np.isnan(own_secs), ts, own_secs)
    # one row per (source, target, type): sort the codes, then reduce each run
    group = (src.astype(np.int64) * n_users + tgt) * n_types + typ
    order = np.argsort(group, kind="stable")
    group, ts = group[order], ts[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    first = order[starts]
    out = pd.DataFrame(
        {
            "source": _values(names, src[first]),
            "target": _values(names, tgt[first]),
            "type": _values(types, typ[first]),
            "count": np.diff(np.r_[starts, len(group)]).astype("int64"),
            # fmin/fmax skip NaN as pandas' min/max do
            "first_timestamp": np.fmin.reduceat(ts, starts),
            "timestamp": np.fmax.reduceat(ts, starts),
        },
        copy=False,
    )
    report.add(
        "interactions", "kept", len(out), "interaction rows (one per source, target and type)"
    )
    return out[INTERACTION_COLUMNS]


def _repeated(keys: np.ndarray) -> np.ndarray:
    """``keys`` seen before (``duplicated(keep="first")``), by sorting: no hash table."""
    first = np.unique(keys, return_index=True)[1]
    out = np.ones(len(keys), dtype=bool)
    out[first] = False
    return out


def _values(uniques: pd.Index, codes: np.ndarray) -> pd.Series:
    """The names behind codes: Arrow strings stay Arrow, objects are inferred as pandas would
    from a list (``str`` when they are all strings)."""
    if uniques.dtype == STR_DTYPE:
        return pd.Series(uniques.array.take(codes), copy=False)
    return pd.Series(uniques.to_numpy().take(codes))


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
