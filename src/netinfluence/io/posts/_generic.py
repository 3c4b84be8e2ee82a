"""A generic posts table (CSV/TSV/Parquet): one post per row, links as columns."""

from __future__ import annotations

import re

import pandas as pd

from netinfluence.errors import InputError
from netinfluence.io._files import read_table
from netinfluence.io.posts._collect import Collector, tag_string, text_tags
from netinfluence.io.posts._source import BadRows

#: The generic column names (``columns=`` maps these to another tool's names).
GENERIC_COLUMNS = (
    "post_id",
    "author",
    "created_at",
    "type",
    "reply_to_post",
    "reply_to_author",
    "shared_post",
    "shared_author",
    "quoted_post",
    "quoted_author",
    "mentions",
    "text",
    "like_count",
    "reply_count",
    "share_count",
    "hashtags",
    "lang",
    "platform",
    "author_handle",
    "author_name",
    "author_followers",
    "author_following",
)
_SPLIT = re.compile(r"[;,\s|]+")
_TYPES = ("post", "reply", "reshare", "quote", "comment")


def _strings(frame: pd.DataFrame, name: str) -> list:
    """A column as a list of str/None (ids read from Parquet may be numbers)."""
    if name not in frame.columns:
        return [None] * len(frame)
    s = frame[name]
    if pd.api.types.is_float_dtype(s):  # 12.0 -> "12" for ids that went through a float
        s = s.astype("Int64")
    s = s.astype(object).where(s.notna(), None)
    return [None if v is None or v == "" else str(v).strip() or None for v in s.tolist()]


def read_generic(
    path: str, col: Collector, bad: BadRows, columns: dict[str, str] | None = None
) -> None:
    """Read a generic table; ``columns`` maps generic names to this file's names."""
    raw = read_table(path, what="posts", header=True)
    frame = raw.frame
    if columns:
        unknown = [k for k in columns if k not in GENERIC_COLUMNS]
        if unknown:
            raise InputError(
                f"columns= maps unknown generic names {unknown}; known: "
                f"{', '.join(GENERIC_COLUMNS)}",
                source=path,
            )
        missing = [v for v in columns.values() if v not in frame.columns]
        if missing:
            raise InputError(
                f"columns= names columns not in the file: {missing}; the file "
                f"has {list(frame.columns)[:20]}",
                source=path,
            )
        frame = frame.rename(columns={v: k for k, v in columns.items()})
    for need in ("post_id", "author"):
        if need not in frame.columns:
            raise InputError(
                f"a generic posts table needs a {need!r} column (map another "
                f"name with columns=); found {list(frame.columns)[:20]}",
                source=path,
            )
    c = {name: _strings(frame, name) for name in GENERIC_COLUMNS if name != "created_at"}
    created = frame["created_at"].tolist() if "created_at" in frame.columns else [None] * len(frame)
    lines = raw.line_of_row
    has_tags = "hashtags" in frame.columns
    for i in range(len(frame)):
        pid, author = c["post_id"][i], c["author"][i]
        row = i + 1
        if not pid or not author:
            bad.bad(
                f"row {row}: a post without post_id or author",
                source=path,
                row=row,
                kind="rows without post_id or author",
            )
            continue
        col.add_user(
            author,
            handle=c["author_handle"][i],
            name=c["author_name"][i],
            followers=c["author_followers"][i],
            following=c["author_following"][i],
        )
        r, s, q = c["reply_to_post"][i], c["shared_post"][i], c["quoted_post"][i]
        ra, sa, qa = c["reply_to_author"][i], c["shared_author"][i], c["quoted_author"][i]
        given = (c["type"][i] or "").lower()
        if given and given not in _TYPES:
            given = {"retweet": "reshare", "reblog": "reshare", "repost": "reshare"}.get(given)
            if given is None:
                bad.bad(
                    f"row {row}: type {c['type'][i]!r} is not one of {', '.join(_TYPES)}",
                    source=path,
                    row=row,
                    kind="rows of an unknown type",
                )
                continue
        ptype = given or (
            "reshare" if s or sa else "reply" if r or ra else "quote" if q or qa else "post"
        )
        tags = c["hashtags"][i]
        seq = col.add_post(
            pid,
            author,
            created[i],
            ptype,
            reply_to=r,
            shared=s,
            quoted=q,
            text=c["text"][i],
            likes=c["like_count"][i],
            replies=c["reply_count"][i],
            shares=c["share_count"][i],
            hashtags=tag_string(_SPLIT.split(tags))
            if tags
            else None
            if has_tags
            else text_tags(c["text"][i]),
            lang=c["lang"][i],
            platform=c["platform"][i] or "generic",
            file=path,
            line=int(lines[i]) if lines is not None else row,
        )
        if r or ra:
            col.ref(
                seq, author, "comment" if ptype == "comment" else "reply", target=ra, target_post=r
            )
        if s or sa:
            col.ref(seq, author, "retweet", target=sa, target_post=s)
        if q or qa:
            col.ref(seq, author, "quote", target=qa, target_post=q)
        men = c["mentions"][i]
        if men:
            for m in _SPLIT.split(men):
                if m:
                    col.ref(seq, author, "mention", target=m.lstrip("@"))
