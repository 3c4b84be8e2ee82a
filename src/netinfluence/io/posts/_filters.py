"""Filters on posts: a topic (``about=``) with whole reply threads, a time window, languages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from netinfluence.errors import InputError


def parse_terms(about: str | list[str]) -> list[str]:
    """``"brand, #Tag"`` -> ``["brand", "#tag"]`` (lower-case, blanks dropped)."""
    items = about.split(",") if isinstance(about, str) else list(about)
    terms = [str(t).strip().lower() for t in items if str(t).strip()]
    if not terms:
        raise InputError(f"about= names no term: {about!r}")
    return terms


def topic_matches(posts: pd.DataFrame, terms: list[str]) -> pd.Series:
    """Posts whose text holds a term as a whole word (case-insensitive) or as a hashtag.

    ``#tag`` matches the hashtag (or ``#tag`` in the text) only; a plain word matches the word
    in the text or a hashtag of that name.
    """
    words = [t for t in terms if not t.startswith("#")]
    tags = {t.lstrip("#") for t in terms}
    text = posts["text"].fillna("").astype(str)
    hit = np.zeros(len(posts), dtype=bool)
    if words:
        pat = r"(?<![\w#@])(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)"
        hit |= text.str.contains(pat, case=False, regex=True).to_numpy()
    pat_tag = r"#(?:" + "|".join(re.escape(t) for t in tags) + r")(?!\w)"
    hit |= text.str.contains(pat_tag, case=False, regex=True).to_numpy()
    ht = posts["hashtags"].fillna("")
    if len(ht):
        split = ht.str.split(";")
        hit |= split.map(lambda xs: any(x in tags for x in xs)).to_numpy(dtype=bool)
    return pd.Series(hit, index=posts.index)


def conversations(posts: pd.DataFrame, seeds: pd.Series) -> pd.Series:
    """Seed posts plus every post linked to one by replies or reshares, up and down the thread."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(posts)
    if not n or not seeds.any():
        return seeds.copy()
    pos = pd.Series(np.arange(n), index=posts.index)
    src, dst = [], []
    for col in ("reply_to_post", "shared_post"):
        link = posts[col]
        has = link.notna().to_numpy()
        tgt = link[has].map(pos)
        ok = tgt.notna().to_numpy()
        src.append(np.flatnonzero(has)[ok])
        dst.append(tgt[ok].to_numpy(dtype=np.int64))
    s, d = np.concatenate(src), np.concatenate(dst)
    g = coo_matrix((np.ones(len(s), dtype=np.int8), (s, d)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    hit_labels = np.unique(labels[seeds.to_numpy()])
    return pd.Series(np.isin(labels, hit_labels), index=posts.index)


def _bound(value, name: str, end: bool) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{name}= is not a date or time: {value!r} ({exc})") from None
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    # a bare date as ``until`` means the whole day
    if end and isinstance(value, str) and len(value.strip()) == 10:
        ts = ts + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return ts


def window_and_lang(posts: pd.DataFrame, since=None, until=None, lang=None) -> pd.Series:
    """Posts inside [since, until] (UTC; a bare ``until`` date includes that day) in ``lang``."""
    keep = pd.Series(True, index=posts.index)
    t = posts["created_at"]
    if since is not None:
        keep &= (t >= _bound(since, "since", False)).fillna(False)
    if until is not None:
        keep &= (t <= _bound(until, "until", True)).fillna(False)
    if lang:
        langs = {x.strip().lower() for x in (lang.split(",") if isinstance(lang, str) else lang)}
        keep &= posts["lang"].fillna("").str.lower().isin(langs)
    return keep
