"""Ranked candidate lists with a plain-words reason for every rank.

:func:`rank` is the product's main job: it scores every account, keeps the ones an analyst
asked for (tiers, topics, exclusions, the top K of each community) and explains each rank.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import partial

import numpy as np
import pandas as pd

from netinfluence._arrays import text_array
from netinfluence._threads import threaded_map
from netinfluence.errors import InputError
from netinfluence.network import Network, match_ids
from netinfluence.scoring._score import COMPONENTS, ScoreWeights, citizen_score, score_inputs

__all__ = [
    "RANK_COLUMNS",
    "community_topics",
    "explain",
    "explain_all",
    "filter_ranked",
    "rank",
    "rank_table",
]

#: Columns every ranked table starts with (a contract: exports and the CLI rely on them).
RANK_COLUMNS = (
    "rank",
    "node",
    "handle",
    "score",
    "community",
    "community_size",
    "community_topic",
    "role",
    "followers",
    "tier",
    "engagement_rate",
    "engagement_vs_tier",
    "reach_2hop",
    "impact",
    "impact_in_community",
    *COMPONENTS,
    "flags",
    "why",
)

_FLAG_WORDS = {
    "low_engagement": "engagement far below its tier",
    "passive_followers": "followers who never interact",
    "mass_followers": "followers who follow very many accounts",
    "low_reciprocity": "almost no returned ties",
    "followers_gap": "platform followers far above the graph",
}


def _split_topics(value) -> list[str]:
    if not isinstance(value, str):
        return []
    parts = value.replace(",", ";").replace("|", ";").split(";")
    return [p.strip().lower() for p in parts if p.strip()]


def community_topics(net: Network, labels: pd.Series) -> pd.Series:
    """The most common topic among each community's members ("" when users have no topics).

    Returns a Series indexed by community label, named ``community_topic``.
    """
    if "topics" not in net.nodes.columns:
        return pd.Series("", index=pd.Index(sorted(labels.unique())), name="community_topic")
    # split each distinct topics text once (users share a handful of topic lists)
    raw = net.nodes["topics"].astype(object).where(net.nodes["topics"].notna(), None)
    code, texts = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    parts = [_split_topics(t) for t in texts]
    frame = pd.DataFrame({"community": labels.to_numpy(), "code": code})
    frame = frame[frame["code"] >= 0]
    counts = frame.value_counts().reset_index(name="n")
    rows = [
        (c, t, k)
        for c, j, k in zip(
            counts["community"].tolist(), counts["code"].tolist(), counts["n"].tolist(), strict=True
        )
        for t in parts[j]
    ]
    if not rows:
        return pd.Series("", index=pd.Index(sorted(labels.unique())), name="community_topic")
    frame = pd.DataFrame(rows, columns=["community", "topic", "n"])
    summed = frame.groupby(["community", "topic"], sort=False)["n"].sum()
    counts = summed.reset_index(name="n")
    counts = counts.sort_values(["community", "n", "topic"], ascending=[True, False, True])
    top = counts.drop_duplicates("community").set_index("community")["topic"]
    return top.reindex(sorted(labels.unique())).fillna("").rename("community_topic")


def explain(row: pd.Series) -> str:
    """A plain-words reason for one ranked row (see :func:`explain_all`).

    Examples
    --------
    >>> row = pd.Series({"insider": True, "community": 3, "community_topic": "running",
    ...     "community_size": 412, "community_reach_share": 0.38, "engagement_vs_tier": 2.1,
    ...     "reciprocal_share": 0.64, "flags": "", "role": "R5 provincial hub",
    ...     "impact": 41.6, "impact_in_community": 35.2})
    >>> explain(row)
    'insider of community 3 (running, 412 members): moves about 42 people, 35 of them in its community; 38% of its members within 2 hops, engagement 2.1x its tier, reciprocal ties 64%'
    """
    return explain_all(row.to_frame().T).iloc[0]


def _texts_of(values: np.ndarray, fmt):
    """``fmt(v)`` for each value as an Arrow text array, formatted once per distinct value."""
    uniq, inv = np.unique(values, return_inverse=True)
    return _coded(inv.reshape(-1), [fmt(v) for v in uniq.tolist()])


def _percent(values: pd.Series):
    whole = np.round(values.astype(float).fillna(0).to_numpy() * 100).astype(np.int64)
    return _texts_of(whole, lambda v: f"{v}%")


def _lit(text: str):
    """A constant piece of every row's text (Arrow joins pieces of one text type)."""
    import pyarrow as pa

    return pa.scalar(text, type=pa.large_string())


def _coded(codes: np.ndarray, texts: list[str]):
    """``texts[codes]`` as an Arrow text array."""
    import pyarrow as pa

    return pa.array(texts, type=pa.large_string()).take(pa.array(codes))


def explain_all(table: pd.DataFrame, *, through: str | None = None) -> pd.Series:
    """Plain-words reasons for every row, vectorised (one pass, no per-row Python loop).

    "insider of community 3 (running, 412 members): moves about 42 people, 35 of them in its
    community; 38% of its members within 2 hops, engagement 2.1x its tier, reciprocal ties
    64%", then "; caution: ..." for any flag. The number moved is the estimated impact
    (:func:`netinfluence.scoring.citizen_score`), rounded (one decimal below 10).
    Engagement is compared with the tier only where the tier is known (a follower count);
    without one the reason counts the engagements received instead ("5 engagements
    received", from ``interactions_received``). ``through="interactions"`` (a network with
    no follows) says the reach runs through interactions ("moves about 42 people through
    interactions", "within 2 hops through interactions").
    Each distinct piece (a community's description, a percentage, a flag list) is
    formatted once, and Arrow joins the pieces row by row (no Python string per row until
    the text is read).

    Examples
    --------
    >>> row = pd.DataFrame({"community": [0], "community_size": [4], "tier": ["unknown"],
    ...     "engagement_vs_tier": [63.0], "interactions_received": [5.0],
    ...     "community_reach_share": [1.0], "reciprocal_share": [0.2], "impact": [2.1],
    ...     "impact_in_community": [1.4]})
    >>> explain_all(row, through="interactions").iloc[0]
    'member of community 0 (4 members): moves about 2.1 people through interactions, 1.4 of them in its community; 100% of its members within 2 hops through interactions, 5 engagements received, reciprocal ties 20%'
    """
    import pyarrow.compute as pc

    if not len(table):
        return pd.Series(text_array([]), index=table.index)
    idx = table.index
    n = len(table)
    topic = table.get("community_topic", pd.Series("", index=idx)).fillna("").astype(str)
    size = table["community_size"].astype(int).to_numpy()
    # topic and size are properties of the community: describe each community once
    key, labels = pd.factorize(table["community"])
    first = np.zeros(len(labels), dtype=np.int64)
    first[key[::-1]] = np.arange(n)[::-1]
    topics = topic.to_numpy()
    where = _coded(
        key,
        [
            f"community {c} ({topics[i] + ', ' if topics[i] else ''}{size[i]:,} members)"
            for c, i in zip(labels.tolist(), first.tolist(), strict=True)
        ],
    )
    role = table.get("role", pd.Series("", index=idx)).astype(str)
    insider = table.get("insider", pd.Series(False, index=idx)).fillna(False).astype(bool)
    bridge = (role.str.contains("connector|kinless", regex=True) & ~insider).to_numpy()
    lead = _coded(
        np.select([insider.to_numpy(), bridge], [0, 1], 2),
        ["insider of ", "bridge from ", "member of "],
    )
    to_others = _coded(bridge.astype(np.int64), ["", " to other communities"])
    ratio = table.get("engagement_vs_tier", pd.Series(np.nan, index=idx)).astype(float)
    tenths = np.round(ratio.to_numpy(), 1)
    # without a follower count there is no tier to compare with: count what was received
    tier = table.get("tier", pd.Series("", index=idx)).fillna("unknown").astype(str)
    no_tier = (tier == "unknown").to_numpy()
    known = ~np.isnan(tenths) & ~no_tier
    received = table.get("interactions_received", pd.Series(np.nan, index=idx)).astype(float)
    got = np.round(received.fillna(0).to_numpy())
    counted = no_tier & (got > 0)
    eng = pc.if_else(
        known,
        _texts_of(np.where(known, tenths, 0.0), lambda v: f", engagement {v:.1f}x its tier"),
        pc.if_else(
            counted,
            _texts_of(got, lambda v: f", {v:,.0f} engagement{'' if v == 1 else 's'} received"),
            _lit(""),
        ),
    )
    via = f" through {through}" if through else ""
    flag_code, flag_texts = pd.factorize(
        table.get("flags", pd.Series("", index=idx)).fillna("").astype(str)
    )
    caution = _coded(
        flag_code,
        [
            ("; caution: " + ", ".join(_FLAG_WORDS.get(x, x) for x in f.split(";") if x))
            if f
            else ""
            for f in flag_texts.tolist()
        ],
    )
    if "impact" in table.columns:
        moved = _texts_of(np.round(table["impact"].astype(float).fillna(0).to_numpy(), 1), _people)
        inside = table.get("impact_in_community", pd.Series(np.nan, index=idx)).astype(float)
        own = _texts_of(np.round(inside.fillna(0).to_numpy(), 1), _amount)
        moves = pc.binary_join_element_wise(
            _lit("moves about "),
            moved,
            _lit(f"{via}, "),
            own,
            _lit(" of them in its community; "),
            _lit(""),
        )
    else:
        moves = _lit("")
    text = pc.binary_join_element_wise(
        lead,
        where,
        to_others,
        _lit(": "),
        moves,
        _percent(table["community_reach_share"]),
        _lit(f" of its members within 2 hops{via}"),
        eng,
        _lit(", reciprocal ties "),
        _percent(table["reciprocal_share"]),
        caution,
        _lit(""),
    )
    return pd.Series(text_array(text), index=idx)


def _amount(v: float) -> str:
    """``"42"``, ``"3.5"`` (one decimal below 10), ``"1"``."""
    return f"{v:.0f}" if v >= 10 else f"{v:.1f}".rstrip("0").rstrip(".")


def _people(v: float) -> str:
    """``"42 people"``, ``"3.5 people"`` (one decimal below 10), ``"1 person"``."""
    text = _amount(v)
    return f"{text} person" if text == "1" else f"{text} people"


def _rank_order(score: np.ndarray, ids: pd.Index) -> np.ndarray:
    """Row order of the ranking: score descending (missing last), ties by the id's text.

    Sorted by Arrow (one multi-key sort in C++; UTF-8 byte order is code-point order, the
    order of Python's ``str``; about 3x faster than pandas' two-key mergesort at 10^6 rows);
    ids Arrow cannot encode fall back to pandas.

    >>> _rank_order(np.array([0.5, 0.9, 0.5, np.nan]), pd.Index(["b", "c", "a", "d"])).tolist()
    [1, 2, 0, 3]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = ids.astype(str).to_numpy(dtype=object)
    try:
        keys = pa.table(
            {
                "score": pa.array(score, from_pandas=True),  # NaN -> null: last
                "id": pa.array(text, type=pa.large_string()),
            }
        )
        # nulls sort at the end by default (the option moved into the keys in Arrow 25)
        return pc.sort_indices(
            keys, sort_keys=[("score", "descending"), ("id", "ascending")]
        ).to_numpy()
    except (pa.ArrowException, UnicodeEncodeError):  # pragma: no cover - unencodable ids
        frame = pd.DataFrame({"score": score, "id": text})
        return frame.sort_values(
            ["score", "id"], ascending=[False, True], kind="mergesort"
        ).index.to_numpy()


def rank_table(net: Network, inputs: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Every node as a ranked row (rank 1 = best; ties in score broken by node id)."""
    topics = community_topics(net, inputs["community"])
    table = inputs.join(scores.drop(columns=["impact", "impact_in_community"], errors="ignore"))
    # positional arrays keep their text dtype: through numpy object arrays each of these
    # columns would be converted back to Arrow text, about 0.4 s per column at 10^6 rows
    table["community_topic"] = table["community"].map(topics).fillna("").array
    table["handle"] = net.nodes["handle"].array if "handle" in net.nodes.columns else None
    table["node"] = table.index.array
    order = _rank_order(table["score"].to_numpy(dtype=float), table.index)
    through = "interactions" if net.has_interactions and not net.has_follows else None
    # a row's reason does not depend on its rank: written beside the reordering of the table
    # (Arrow's string kernels and numpy's take release the GIL; 2.5 s -> 1.6 s at 10^6 rows)
    why, table = threaded_map(
        operator.call, [partial(explain_all, table, through=through), partial(table.take, order)]
    )
    table["rank"] = np.arange(1, len(table) + 1)
    table["why"] = why.array.take(order)
    extra = [c for c in table.columns if c not in RANK_COLUMNS]
    table = table[list(RANK_COLUMNS) + extra].reset_index(drop=True)
    table.attrs = {
        "reach_method": inputs.attrs.get("reach_method"),
        "impact": inputs.attrs.get("impact", {}),
    }
    return table


def rank(
    net: Network,
    *,
    top: int | None = 50,
    per_community: int | None = None,
    tiers: Iterable[str] | None = None,
    exclude: Iterable | None = None,
    require_topics: Iterable[str] | None = None,
    weights: ScoreWeights | None = None,
    labels: pd.Series | None = None,
    seed: int = 0,
    inputs: pd.DataFrame | None = None,
    progress=None,
    insiders_only: bool = False,
    objective: str = "awareness",
) -> pd.DataFrame:
    """Rank the accounts worth working with, best first, each with a reason.

    Parameters
    ----------
    net : Network
    top : int or None
        Rows to return (``0`` or ``None``: every account that passes the filters).
    per_community : int, optional
        Instead of one list, the top K of each community (largest community first), with a
        ``community_rank`` column; ``top`` does not apply then.
    tiers : iterable of str, optional
        Keep these tiers (``nano, micro, macro, mega``) or bands (``<1k, 1k-10k, ...``).
    exclude : iterable, optional
        Ids or handles to leave out (e.g. accounts that promoted a competitor).
    require_topics : iterable of str, optional
        Keep accounts whose ``topics`` include one of these (case-insensitive).
    weights : ScoreWeights, optional
    labels : Series, optional
        Community partition; Leiden with ``seed`` by default.
    seed : int
        Seed of every random step; the same seed gives the same table.
    insiders_only : bool, default False
        Keep only community insiders (:func:`netinfluence.metrics.is_insider`).
    objective : {"awareness", "advocacy"}, default "awareness"
        What the score counts (:func:`netinfluence.scoring.citizen_score`).

    Returns
    -------
    pandas.DataFrame
        One row per candidate with the columns of :data:`RANK_COLUMNS` first (``rank, node,
        handle, score, community, community_size, community_topic, role, followers, tier,
        engagement_rate, engagement_vs_tier, reach_2hop``, the score components, ``flags``,
        ``why``), then the supporting measurements. ``rank`` is the rank among all accounts.
        ``attrs`` records the parameters, unknown exclusions and counts filtered out.

    Examples
    --------
    >>> from netinfluence.datasets import load_sample
    >>> table = rank(load_sample(), top=3)
    >>> table["rank"].tolist()
    [1, 2, 3]
    """
    _check_sizes(top, per_community)  # before any work
    if inputs is None:
        inputs = score_inputs(net, labels=labels, seed=seed, progress=progress, objective=objective)
    scores = citizen_score(net, weights=weights, inputs=inputs)
    return filter_ranked(
        net,
        rank_table(net, inputs, scores),
        top=top,
        per_community=per_community,
        tiers=tiers,
        exclude=exclude,
        require_topics=require_topics,
        weights=weights,
        seed=seed,
        insiders_only=insiders_only,
    )


def _check_sizes(top, per_community) -> None:
    if top is not None and (not isinstance(top, (int, np.integer)) or top < 0):
        raise InputError(f"top must be a non-negative integer or None, got {top!r}")
    if per_community is not None and (
        not isinstance(per_community, (int, np.integer)) or per_community < 1
    ):
        raise InputError(f"per_community must be a positive integer, got {per_community!r}")


def filter_ranked(
    net: Network,
    table: pd.DataFrame,
    *,
    top: int | None = 50,
    per_community: int | None = None,
    tiers: Iterable[str] | None = None,
    exclude: Iterable | None = None,
    require_topics: Iterable[str] | None = None,
    weights: ScoreWeights | None = None,
    seed: int = 0,
    insiders_only: bool = False,
) -> pd.DataFrame:
    """Apply :func:`rank`'s filters to a table already built by :func:`rank_table`.

    This is how one analysis serves several outputs without scoring or explaining every
    account again (see :meth:`netinfluence.pipeline.Analysis.rank`). ``table`` is not changed.
    """
    _check_sizes(top, per_community)
    reach_method = table.attrs.get("reach_method")  # recorded by rank_table
    impact_info = table.attrs.get("impact", {})
    filtered: dict[str, int] = {}

    if exclude is not None:
        pos, unknown = match_ids(net, list(exclude))
        drop = set(net.ids[pos].tolist())
        before = len(table)
        table = table[~table["node"].isin(drop)]
        filtered["excluded"] = before - len(table)
        table.attrs["unknown_exclusions"] = [str(u) for u in unknown]
    if tiers is not None:
        wanted = {str(t).strip().lower() for t in tiers if str(t).strip()}
        known = (
            set(table["tier"].str.lower())
            | set(table["tier_band"].str.lower())
            | {"nano", "micro", "macro", "mega", "unknown"}
        )
        bad = wanted - known
        if bad:
            raise InputError(
                f"unknown tier(s) {sorted(bad)}; use nano, micro, macro, mega "
                "or a band such as 1k-10k"
            )
        keep = table["tier"].str.lower().isin(wanted) | table["tier_band"].str.lower().isin(wanted)
        filtered["other_tiers"] = int((~keep).sum())
        table = table[keep]
    if require_topics is not None:
        wanted = {str(t).strip().lower() for t in require_topics if str(t).strip()}
        if "topics" not in net.nodes.columns:
            raise InputError("require_topics needs a 'topics' column in the users table")
        topics = net.nodes["topics"].reindex(table["node"].to_numpy()).map(_split_topics)
        has_topic = np.array([bool(wanted & set(t)) for t in topics], dtype=bool)
        filtered["other_topics"] = int((~has_topic).sum())
        table = table[has_topic]
    if insiders_only:
        is_in = table["insider"].fillna(False).astype(bool).to_numpy()
        filtered["not_insiders"] = int((~is_in).sum())
        table = table[is_in]
    if per_community:
        table = table.copy()
        table["community_rank"] = table.groupby("community").cumcount() + 1
        table = table[table["community_rank"] <= per_community]
        # labels are 0..k-1 by decreasing size: the largest community comes first
        table = table.sort_values(["community", "community_rank"], kind="mergesort")
    elif top:
        table = table.head(int(top))
    table = table.reset_index(drop=True)
    table.attrs.update(
        {
            "parameters": {
                "top": top,
                "per_community": per_community,
                "tiers": list(tiers) if tiers is not None else None,
                "require_topics": list(require_topics) if require_topics is not None else None,
                "seed": seed,
                "insiders_only": bool(insiders_only),
                "weights": (weights or ScoreWeights()).to_dict(),
            },
            "filtered": filtered,
            "reach_method": reach_method,
            "impact": impact_info,
        }
    )
    return table
