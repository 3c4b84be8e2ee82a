"""The collector every format reader fills: posts, references between posts, users, context.

Readers only append plain values to lists (cheap per post); tables are built once at the end.
"""

from __future__ import annotations

import re
from typing import Any

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
#: User attributes a reader may fill (where the export has them).
USER_FIELDS = ("handle", "name", "followers", "following", "posts", "verified", "bot")


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


class Collector:
    """Plain lists of posts and references, a user registry and lookup context."""

    def __init__(self) -> None:
        self.posts: dict[str, list] = {c: [] for c in POST_COLUMNS}
        self.post_file: list[str] = []
        self.post_line: list[int] = []
        self.refs: dict[str, list] = {c: [] for c in REF_COLUMNS}
        self.users: dict[str, dict[str, Any]] = {}
        self.handles: dict[str, str] = {}  # lower-case handle -> user id
        self.context: dict[str, tuple[str | None, str | None]] = {}  # post -> (author, shared)
        self.notes: list[tuple[str, str, int, str]] = []  # (source, action, count, reason)

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
        seq = len(p["post_id"])
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
        self.post_file.append(file)
        self.post_line.append(line)
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

    def add_context(self, post_id, author, shared=None) -> None:
        """A post seen only as context (an expansion, a quoted or reshared original)."""
        if post_id and post_id not in self.context:
            self.context[post_id] = (author, shared)

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
