"""The posts table: built once from the collector's columns, times parsed, duplicates merged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netinfluence.io._clean import parse_timestamps
from netinfluence.io._load_report import LoadReport
from netinfluence.io.posts._collect import (
    POST_COLUMNS,
    STR_DTYPE,
    Collector,
    as_objects,
    as_series,
)

POST_TYPES = ("post", "reply", "reshare", "quote", "comment")
_COUNTS = ("like_count", "reply_count", "share_count")


def _seconds(values) -> tuple[np.ndarray, int]:
    """Unix seconds of mixed ISO strings / int / float / numeric-string times (a list or an
    object array); and how many non-empty values could not be read."""
    if not len(values):
        return np.empty(0), 0
    s = pd.Series(values, dtype=object)
    secs, _empty, bad = parse_timestamps(s)
    return secs, int(bad.sum())


#: A full ISO 8601 date-time and nothing else: not a number, not an empty cell, no blanks.
_ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)?$"


def _iso_seconds(values: pa.ChunkedArray) -> np.ndarray | None:
    """:func:`_seconds` for Arrow text that is all full ISO 8601 date-times (or missing):
    the same ``pd.to_datetime`` call on the same ``str`` values, without first trying every
    value as a number (none is one) or making Python strings of them. None when a value is
    anything else or does not parse (those go :func:`_seconds`' way)."""
    if values.null_count == len(values):
        return None
    if not pc.all(pc.match_substring_regex(values, _ISO)).as_py():  # nulls skipped
        return None
    valid = pc.is_valid(values)
    text = pd.Series(pd.array(values.filter(valid), dtype=STR_DTYPE), copy=False)
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    if parsed.isna().any():
        return None
    secs = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)
    out = np.full(len(values), np.nan)
    out[valid.to_numpy(zero_copy_only=False).astype(bool)] = secs.to_numpy(
        dtype=float, na_value=np.nan
    )
    return out


def _counts(values: pa.ChunkedArray | np.ndarray) -> pd.Series:
    if isinstance(values, pa.ChunkedArray):  # ints and missing only: no parsing needed
        data = pc.fill_null(values, 0).to_numpy().astype("int64", copy=False)
        mask = values.is_null().to_numpy(zero_copy_only=False).astype(bool)
        return pd.Series(pd.arrays.IntegerArray(data, mask))
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("Int64")


def posts_table(col: Collector, report: LoadReport) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Posts indexed by ``post_id`` (first of duplicates kept), plus each collected post's
    unix time (by sequence number) and a mask of the sequence numbers kept."""
    n = col.n_posts
    times = col.post_column("created_at")
    fast = _iso_seconds(times) if isinstance(times, pa.ChunkedArray) and n else None
    if fast is not None:
        secs, unreadable = fast, 0
    else:  # the times as objects, as given: parse_timestamps reads them the pandas way
        secs, unreadable = _seconds(as_objects(times))
    report.add("posts", "unreadable", unreadable, "post times that could not be parsed (NaT)")
    data = {
        c: as_series(col.post_column(c)) for c in POST_COLUMNS if c not in ("created_at", *_COUNTS)
    }
    frame = pd.DataFrame(data, copy=False)
    if not n:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in POST_COLUMNS})
    # whole microseconds: float seconds carry ~100 ns of noise at today's epoch
    frame["created_at"] = (
        pd.to_datetime(np.round(secs * 1e6), unit="us", utc=True)
        if n
        else pd.Series(dtype="datetime64[ns, UTC]")
    )
    for c in _COUNTS:
        frame[c] = _counts(col.post_column(c)) if n else pd.Series(dtype="Int64")
    frame = frame[list(POST_COLUMNS)]
    dup = frame["post_id"].duplicated(keep="first").to_numpy()
    keep = ~dup
    ndup = int(dup.sum())
    report.add(
        "posts",
        "merged",
        ndup,
        "duplicate posts (same id seen twice across pages or files); first kept",
    )
    if ndup:
        frame = frame[keep]
    frame = frame.set_index("post_id")
    frame["type"] = pd.Categorical(frame["type"], categories=list(POST_TYPES))
    frame["platform"] = frame["platform"].astype("category")
    return frame, secs, keep
