"""YouTube Data API: ``commentThreads`` (top-level comments with embedded replies) and
``comments?parentId=`` pages."""

from __future__ import annotations

from netinfluence.io.posts._collect import Collector, text_tags
from netinfluence.io.posts._source import BadRows, iter_json

PLATFORM = "youtube"


def read_youtube(path: str, col: Collector, bad: BadRows) -> None:
    """A top-level comment is a ``comment`` on the video's channel (``snippet.channelId``; when
    absent the target is unresolved); a reply is a ``reply`` to the parent comment's author."""
    for line, obj in iter_json(path, bad):
        try:
            pages = obj if isinstance(obj, list) else [obj]
            for page in pages:
                for item in page["items"]:
                    _item(col, item, path, line)
        except (KeyError, TypeError, AttributeError) as exc:
            bad.bad(
                f"line {line}: not a YouTube comments page ({exc})",
                source=path,
                row=line,
                kind="records of the wrong shape",
            )


def _item(col: Collector, item: dict, path: str, line: int) -> None:
    if item.get("kind") == "youtube#commentThread":
        sn = item["snippet"]
        top = sn["topLevelComment"]
        channel = sn.get("channelId") or top["snippet"].get("channelId")
        video = sn.get("videoId") or top["snippet"].get("videoId")
        _comment(
            col, top, path, line, channel=channel, video=video, replies=sn.get("totalReplyCount")
        )
        for r in (item.get("replies") or {}).get("comments") or ():
            _comment(col, r, path, line)
    else:
        _comment(col, item, path, line)


def _comment(
    col: Collector, c: dict, path: str, line: int, *, channel=None, video=None, replies=None
) -> None:
    sn = c["snippet"]
    author = (sn.get("authorChannelId") or {}).get("value")
    col.add_user(
        author,
        name=sn.get("authorDisplayName"),
        handle=(sn.get("authorChannelUrl") or "").rsplit("/", 1)[-1] or None,
    )
    parent = sn.get("parentId")
    seq = col.add_post(
        c["id"],
        author,
        sn.get("publishedAt"),
        "reply" if parent else "comment",
        reply_to=parent,
        text=sn.get("textOriginal") or sn.get("textDisplay"),
        hashtags=text_tags(sn.get("textOriginal")),
        likes=sn.get("likeCount"),
        replies=replies,
        platform=PLATFORM,
        file=path,
        line=line,
    )
    if parent:
        col.ref(seq, author, "reply", target_post=parent)
    else:  # on the video: its owner's channel when the page names it
        col.ref(
            seq,
            author,
            "comment",
            target=channel or None,
            target_post=f"video:{video}" if video else None,
        )
