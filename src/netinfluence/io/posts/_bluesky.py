"""Bluesky (AT Protocol app views): ``searchPosts`` (PostViews), ``getAuthorFeed`` /
``getListFeed`` / ``getTimeline`` (FeedViewPosts with reposts) and ``getPostThread``."""

from __future__ import annotations

from netinfluence.io.posts._collect import Collector, tag_string
from netinfluence.io.posts._source import BadRows, iter_json

PLATFORM = "bluesky"
_MENTION = "app.bsky.richtext.facet#mention"
_TAG = "app.bsky.richtext.facet#tag"
_REPOST = "app.bsky.feed.defs#reasonRepost"


def did_of(uri: str | None) -> str | None:
    """``at://did:plc:abc/app.bsky.feed.post/xyz`` -> ``did:plc:abc``."""
    if not uri or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def read_bluesky(path: str, col: Collector, bad: BadRows) -> None:
    """Posts in ``posts[]``, ``feed[]`` (reposts become reshares by ``reason.by``) and
    ``thread`` (parents and replies walked)."""
    for line, obj in iter_json(path, bad):
        try:
            _doc(col, obj, path, line)
        except (KeyError, TypeError, AttributeError) as exc:
            bad.bad(
                f"line {line}: not a Bluesky post view ({exc})",
                source=path,
                row=line,
                kind="records of the wrong shape",
            )


def _doc(col: Collector, obj, path: str, line: int) -> None:
    if isinstance(obj, list):
        for o in obj:
            _doc(col, o, path, line)
        return
    if not isinstance(obj, dict):
        raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
    if "posts" in obj:
        for pv in obj["posts"]:
            _post(col, pv, path, line)
    elif "feed" in obj:
        for item in obj["feed"]:
            _feed_item(col, item, path, line)
    elif "thread" in obj:
        _thread(col, obj["thread"], path, line, up=True, down=True)
    elif "post" in obj:
        _feed_item(col, obj, path, line)
    elif "uri" in obj and "record" in obj:
        _post(col, obj, path, line)
    else:
        raise KeyError("posts/feed/thread")


def _author(col: Collector, a: dict) -> str:
    did = a["did"]
    col.add_user(
        did,
        handle=a.get("handle"),
        name=a.get("displayName") or None,
        followers=a.get("followersCount"),
        following=a.get("followsCount"),
        posts=a.get("postsCount"),
    )
    return did


def _feed_item(col: Collector, item: dict, path: str, line: int) -> None:
    pv = item["post"]
    _post(col, pv, path, line)
    rep = item.get("reply") or {}
    for key in ("parent", "root"):  # context: who the reply answers
        ctx = rep.get(key)
        if ctx and ctx.get("uri") and ctx.get("author"):
            col.add_context(ctx["uri"], _author(col, ctx["author"]))
    reason = item.get("reason")
    if reason and reason.get("$type") == _REPOST:
        by = _author(col, reason["by"])
        uri = pv["uri"]
        seq = col.add_post(
            f"{uri}#repost-by-{by}",
            by,
            reason.get("indexedAt"),
            "reshare",
            shared=uri,
            platform=PLATFORM,
            file=path,
            line=line,
        )
        col.ref(seq, by, "retweet", target_post=uri, target=pv["author"]["did"])


def _thread(col: Collector, node: dict, path: str, line: int, up: bool, down: bool) -> None:
    if not isinstance(node, dict) or "post" not in node:
        return  # notFoundPost / blockedPost
    _post(col, node["post"], path, line)
    if up and node.get("parent"):
        _thread(col, node["parent"], path, line, up=True, down=False)
    if down:
        for r in node.get("replies") or ():
            _thread(col, r, path, line, up=False, down=True)


def _embedded_uri(embed: dict | None) -> str | None:
    if not embed:
        return None
    t = embed.get("$type", "")
    if t.startswith("app.bsky.embed.recordWithMedia"):
        return ((embed.get("record") or {}).get("record") or {}).get("uri")
    if t.startswith("app.bsky.embed.record"):
        return (embed.get("record") or {}).get("uri")
    return None


def _post(col: Collector, pv: dict, path: str, line: int) -> None:
    uri = pv["uri"]
    author = _author(col, pv["author"])
    rec = pv.get("record") or {}
    parent = ((rec.get("reply") or {}).get("parent") or {}).get("uri")
    quoted = _embedded_uri(rec.get("embed"))
    mentions, tags = [], []
    for f in rec.get("facets") or ():
        for feat in f.get("features") or ():
            t = feat.get("$type")
            if t == _MENTION:
                mentions.append(feat.get("did"))
            elif t == _TAG:
                tags.append(feat.get("tag"))
    tags.extend(rec.get("tags") or ())
    langs = rec.get("langs") or ()
    ptype = "reply" if parent else "quote" if quoted else "post"
    seq = col.add_post(
        uri,
        author,
        rec.get("createdAt") or pv.get("indexedAt"),
        ptype,
        reply_to=parent,
        quoted=quoted,
        text=rec.get("text"),
        likes=pv.get("likeCount"),
        replies=pv.get("replyCount"),
        shares=pv.get("repostCount"),
        hashtags=tag_string(tags),
        lang=langs[0] if langs else None,
        platform=PLATFORM,
        file=path,
        line=line,
    )
    if parent:
        col.ref(seq, author, "reply", target=did_of(parent), target_post=parent)
    if quoted:
        col.ref(seq, author, "quote", target=did_of(quoted), target_post=quoted)
    for did in mentions:
        col.ref(seq, author, "mention", target=did)
