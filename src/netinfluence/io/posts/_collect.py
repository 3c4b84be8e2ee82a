"""The collector every format reader fills: posts, references between posts, users, context.

Readers only append plain values to lists (cheap per post). Every :data:`CHUNK` posts (and
references, and context posts) the lists are frozen into compact columns: Arrow strings when
every value is a string or missing, a plain list otherwise; so a 10^6-post export never holds
one Python object per post and field (benchmarks/results/posts.md). Tables are built once at
the end from the frozen columns (:meth:`Collector.column`).
"""

from __future__ import annotations

import re
from array import array
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

#: Posts (references, context posts) held as Python objects before they are frozen.
CHUNK = 1 << 15

#: Columns of the posts table, in order (``post_id`` becomes the index).
POST_COLUMNS = (
    "post_id",
    "author",
    "created_at",
    "type",
    "reply_to_post",
    "shared_post",
    "quoted_post",
    "text",
    "like_count",
    "reply_count",
    "share_count",
    "hashtags",
    "lang",
    "platform",
)
#: Columns of the raw references (one per reply/mention/reshare/quote/comment found in a post).
REF_COLUMNS = ("seq", "source", "type", "target", "target_post", "target_handle", "time")
#: Posts seen only as context (expansions, quoted or reshared originals), in the order seen.
CONTEXT_COLUMNS = ("post_id", "author", "shared")
#: User attributes a reader may fill (where the export has them).
USER_FIELDS = ("handle", "name", "followers", "following", "posts", "verified", "bot")
#: Columns frozen as int64 when every value is an int or missing (the counts).
_INT_COLUMNS = frozenset({"like_count", "reply_count", "share_count", "seq"})
#: pandas' default text dtype (``str``): Arrow large strings, NaN for missing.
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
#: The frozen chunks live for the whole read: the C allocator gives them exact-size blocks
#: (mimalloc, Arrow's default, kept ~200 MB more resident at 10^6 posts).
_POOL = pa.system_memory_pool()


def tag_string(tags) -> str | None:
    """Hashtags as one ";"-joined lower-case string (None when there are none)."""
    if not tags:
        return None
    out = []
    for t in tags:
        if t:
            t = str(t).lstrip("#").lower()
            if t and t not in out:
                out.append(t)
    return ";".join(out) or None


_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


def text_tags(text: str | None) -> str | None:
    """Hashtags written in a text (for exports without a hashtag field), as :func:`tag_string`."""
    if not text or "#" not in text:
        return None
    return tag_string(_HASHTAG.findall(text))


def id_str(value: Any) -> str | None:
    """An id as a string; None for missing/empty. Raises TypeError for dicts, lists, floats."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"an id must be a string or an integer, got {type(value).__name__}")
    return str(value)


_NONE = type(None)


def _freeze(name: str, values: list) -> pa.Array | list:
    """A chunk of one column as an Arrow array (large strings, or int64 for the counts) when
    every value is of that kind or missing; else the list itself (mixed types stay objects)."""
    kinds = set(map(type, values))
    if name in _INT_COLUMNS:
        if kinds <= {int, _NONE}:
            try:
                return pa.array(values, type=pa.int64(), memory_pool=_POOL)
            except (pa.ArrowInvalid, OverflowError):  # beyond int64
                return values
        return values
    if kinds <= {str, _NONE}:
        return pa.array(values, type=pa.large_string(), memory_pool=_POOL)
    return values


class _Columns:
    """Named columns filled a row at a time: the open lists (``open``) and frozen chunks."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.open: dict[str, list] = {c: [] for c in names}
        self.chunks: dict[str, list[pa.Array | list]] = {c: [] for c in names}
        self.frozen = 0  # rows in the frozen chunks

    def __len__(self) -> int:
        return self.frozen + len(self.open[self.names[0]])

    def freeze(self) -> None:
        n = len(self.open[self.names[0]])
        if not n:
            return
        for c in self.names:
            self.chunks[c].append(_freeze(c, self.open[c]))
            self.open[c] = []  # a new list: a chunk may be the old one (objects)
        self.frozen += n

    def column(self, name: str) -> pa.ChunkedArray | np.ndarray:
        """All values of a column: a ChunkedArray when every chunk went to Arrow, else an
        object array of the values as given."""
        self.freeze()
        chunks = self.chunks[name]
        if all(isinstance(ch, pa.Array) for ch in chunks):
            kind = pa.int64() if name in _INT_COLUMNS else pa.large_string()
            return pa.chunked_array(chunks, type=kind)
        return _objects(ch.to_pylist() if isinstance(ch, pa.Array) else ch for ch in chunks)


def _objects(chunks) -> np.ndarray:
    """Lists of values -> one object array (each value one element, lists included)."""
    values = [v for ch in chunks for v in ch]
    return np.fromiter(values, dtype=object, count=len(values))


def as_series(values: pa.ChunkedArray | np.ndarray, index=None) -> pd.Series:
    """A frozen column as the Series pandas would build from the same values in a list:
    ``str`` for text (NaN for missing), ``object`` when every value is missing, inferred from
    the objects for anything else. Arrow chunks are used as they are (no copy)."""
    if isinstance(values, np.ndarray):
        return pd.Series(list(values), index=index)
    if pa.types.is_large_string(values.type) and values.null_count < len(values):
        return pd.Series(pd.array(values, dtype=STR_DTYPE), index=index, copy=False)
    return pd.Series(values.to_pylist(), index=index)


def as_objects(values: pa.ChunkedArray | np.ndarray) -> np.ndarray:
    """A frozen column as an object array (for the few steps that need the objects)."""
    if isinstance(values, np.ndarray):
        return values
    return _objects([values.to_pylist()])


class Collector:
    """Posts, references and context posts in frozen columns, a user registry and handles."""

    def __init__(self) -> None:
        self._posts = _Columns(POST_COLUMNS)
        self.posts = self._posts.open  # the open lists, appended to by add_post
        self._refs = _Columns(REF_COLUMNS)
        self.refs = self._refs.open
        self._context = _Columns(CONTEXT_COLUMNS)
        self.post_line: array = array("q")  # line of each post in its file
        self.post_files: list[tuple[int, str]] = []  # (first post, file) for each file read
        self.users: dict[str, dict[str, Any]] = {}
        self.handles: dict[str, str] = {}  # lower-case handle -> user id
        self.notes: list[tuple[str, str, int, str]] = []  # (source, action, count, reason)

    @property
    def n_posts(self) -> int:
        """Posts collected so far (duplicates included)."""
        return len(self._posts)

    def post_column(self, name: str) -> pa.ChunkedArray | np.ndarray:
        """A posts column, by sequence number (see :meth:`_Columns.column`)."""
        return self._posts.column(name)

    def ref_column(self, name: str) -> pa.ChunkedArray | np.ndarray:
        """A references column (see :meth:`_Columns.column`)."""
        return self._refs.column(name)

    def context_column(self, name: str) -> pa.ChunkedArray | np.ndarray:
        """A context-posts column, in the order seen, repeats included."""
        return self._context.column(name)

    def drop_columns(self) -> None:
        """Forget the collected posts, references and context (once the tables are built);
        the users and handles stay."""
        self._posts = _Columns(POST_COLUMNS)
        self.posts = self._posts.open
        self._refs = _Columns(REF_COLUMNS)
        self.refs = self._refs.open
        self._context = _Columns(CONTEXT_COLUMNS)
        pa.default_memory_pool().release_unused()  # Arrow kernels' scratch back to the system

    # ------------------------------------------------------------------ posts and references
    def add_post(
        self,
        post_id,
        author,
        created_at,
        ptype,
        *,
        reply_to=None,
        shared=None,
        quoted=None,
        text=None,
        likes=None,
        replies=None,
        shares=None,
        hashtags=None,
        lang=None,
        platform,
        file: str,
        line: int,
    ) -> int:
        """Append one post; returns its sequence number (used by :meth:`ref`)."""
        p = self.posts
        seq = self._posts.frozen + len(p["post_id"])
        if not self.post_files or self.post_files[-1][1] != file:
            self.post_files.append((seq, file))
        p["post_id"].append(post_id)
        p["author"].append(author)
        p["created_at"].append(created_at)
        p["type"].append(ptype)
        p["reply_to_post"].append(reply_to)
        p["shared_post"].append(shared)
        p["quoted_post"].append(quoted)
        p["text"].append(text)
        p["like_count"].append(likes)
        p["reply_count"].append(replies)
        p["share_count"].append(shares)
        p["hashtags"].append(hashtags)
        p["lang"].append(lang)
        p["platform"].append(platform)
        self.post_line.append(line)
        if len(p["post_id"]) >= CHUNK:
            self._posts.freeze()  # new open lists in the same dict
        return seq

    def ref(
        self,
        seq: int,
        source,
        rtype: str,
        target=None,
        target_post=None,
        target_handle=None,
        time=None,
    ) -> None:
        """A reference of post ``seq`` (by ``source``) to a user and/or a post.

        ``target`` is a user id known from the post itself; ``target_post`` resolves through the
        export (its author wins over ``target``); ``target_handle`` resolves through handles.
        ``time`` overrides the post's time (a repost's own time).
        """
        r = self.refs
        r["seq"].append(seq)
        r["source"].append(source)
        r["type"].append(rtype)
        r["target"].append(target)
        r["target_post"].append(target_post)
        r["target_handle"].append(target_handle)
        r["time"].append(time)
        if len(r["seq"]) >= CHUNK:
            self._refs.freeze()

    def add_context(self, post_id, author, shared=None) -> None:
        """A post seen only as context (an expansion, a quoted or reshared original).

        Every sighting is kept; the first one of a post counts (``_edges``)."""
        if post_id:
            c = self._context.open
            c["post_id"].append(post_id)
            c["author"].append(author)
            c["shared"].append(shared)
            if len(c["post_id"]) >= CHUNK:
                self._context.freeze()

    # ------------------------------------------------------------------------------ users
    def add_user(self, uid, **attrs) -> None:
        """Register a user; later non-missing values fill gaps, never overwrite."""
        if not uid:
            return
        rec = self.users.get(uid)
        if rec is None:
            rec = self.users[uid] = {}
        for k, v in attrs.items():
            if v is not None and rec.get(k) is None:
                rec[k] = v
        handle = attrs.get("handle")
        if handle:
            self.handles.setdefault(str(handle).lower().lstrip("@"), uid)

    def note(self, source: str, action: str, count: int, reason: str) -> None:
        """A line for the load report."""
        if count:
            self.notes.append((source, action, int(count), reason))
