"""X/Twitter exports: API v2 pages, filtered-stream lines and ``twarc2 flatten`` lines, twarc-csv
CSV, API v1.1 JSON (and GNIP original format), GNIP Activity Streams."""

from __future__ import annotations

import json
import re
from datetime import datetime

from netinfluence.errors import InputError
from netinfluence.io._files import read_table
from netinfluence.io.posts._collect import Collector, id_str, tag_string
from netinfluence.io.posts._source import BadRows, iter_json

PLATFORM = "twitter"


def _v2_user(col: Collector, u: dict) -> None:
    uid = id_str(u.get("id"))
    if not uid:
        return
    pm = u.get("public_metrics") or {}
    rec = col.users.get(uid)
    # the same user recurs in every page's includes: skip once nothing new can be added
    if (
        rec is not None
        and rec.get("handle") is not None
        and (not pm or rec.get("followers") is not None)
    ):
        return
    col.add_user(
        uid,
        handle=u.get("username"),
        name=u.get("name"),
        followers=pm.get("followers_count"),
        following=pm.get("following_count"),
        posts=pm.get("tweet_count"),
        verified=u.get("verified"),
    )


def _v2_tweet(col: Collector, t: dict, file: str, line: int, flat: bool) -> None:
    pid = id_str(t["id"])
    author = id_str(t["author_id"])
    if flat:  # twarc2 flatten inlines the users and referenced tweets
        for key in ("author", "in_reply_to_user"):
            u = t.get(key)
            if u:
                _v2_user(col, u)
    reply_to = shared = quoted = None
    refs = t.get("referenced_tweets")
    if refs:
        for r in refs:
            rid = id_str(r.get("id"))
            kind = r.get("type")
            if kind == "replied_to":
                reply_to = rid
            elif kind == "retweeted":
                shared = rid
            elif kind == "quoted":
                quoted = rid
            if flat and rid:
                ra = r.get("author")
                if ra:
                    _v2_user(col, ra)
                col.add_context(rid, id_str(r.get("author_id")) or (ra or {}).get("id"))
    ptype = "reshare" if shared else "reply" if reply_to else "quote" if quoted else "post"
    pm = t.get("public_metrics") or {}
    ents = t.get("entities") or {}
    tags = ents.get("hashtags")
    seq = col.add_post(
        pid,
        author,
        t.get("created_at"),
        ptype,
        reply_to=reply_to,
        shared=shared,
        quoted=quoted,
        text=t.get("text"),
        likes=pm.get("like_count"),
        replies=pm.get("reply_count"),
        shares=pm.get("retweet_count"),
        hashtags=tag_string([h.get("tag") for h in tags]) if tags else None,
        lang=t.get("lang"),
        platform=PLATFORM,
        file=file,
        line=line,
    )
    if reply_to:
        col.ref(
            seq, author, "reply", target=id_str(t.get("in_reply_to_user_id")), target_post=reply_to
        )
    if shared:
        col.ref(seq, author, "retweet", target_post=shared)
    if quoted:
        col.ref(seq, author, "quote", target_post=quoted)
    mentions = ents.get("mentions")
    if mentions:
        for m in mentions:
            mid = id_str(m.get("id"))
            if flat and mid:
                _v2_user(col, m)
            col.ref(seq, author, "mention", target=mid, target_handle=m.get("username"))


def _v2_includes(col: Collector, inc: dict) -> None:
    users = col.users
    for u in inc.get("users") or ():
        # _v2_user's early return, inline: every page repeats most of its users
        uid = u.get("id")
        if type(uid) is str:
            rec = users.get(uid)
            if (
                rec is not None
                and rec.get("handle") is not None
                and (rec.get("followers") is not None or not u.get("public_metrics"))
            ):
                continue
        _v2_user(col, u)
    for t in inc.get("tweets") or ():
        shared = None
        for r in t.get("referenced_tweets") or ():
            if r.get("type") == "retweeted":
                shared = id_str(r.get("id"))
        col.add_context(id_str(t.get("id")), id_str(t.get("author_id")), shared)


def read_v2(path: str, col: Collector, bad: BadRows) -> None:
    """API v2: raw pages (``data`` list + ``includes``), stream lines (``data`` object) and
    ``twarc2 flatten`` lines (one tweet with ``author`` inlined); all three may be mixed."""
    for line, obj in iter_json(path, bad):
        try:
            _v2_record(col, obj, path, line, bad)
        except (KeyError, TypeError, AttributeError) as exc:
            bad.bad(
                f"line {line}: not an X API v2 tweet or page ({_what(exc)})",
                source=path,
                row=line,
                kind="records of the wrong shape",
            )


def _what(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc}"
    return str(exc)


def _v2_record(col: Collector, obj, path: str, line: int, bad: BadRows) -> None:
    if isinstance(obj, list):  # a JSON document holding a list of pages or tweets
        for o in obj:
            _v2_record(col, o, path, line, bad)
        return
    if not isinstance(obj, dict):
        raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
    if "data" not in obj:
        if "id" in obj and "author_id" in obj:
            _v2_tweet(col, obj, path, line, flat=True)
            return
        if "errors" in obj:
            errs = obj["errors"]
            first = errs[0] if isinstance(errs, list) and errs else errs
            msg = first.get("detail") or first.get("title") if isinstance(first, dict) else first
            bad.bad(
                f"line {line}: the API returned errors and no data ({msg})",
                source=path,
                row=line,
                kind="API error responses without data",
            )
            return
        if "meta" in obj and obj.get("meta", {}).get("result_count") == 0:
            return  # an empty last page
        raise KeyError("data")
    inc = obj.get("includes")
    if inc:
        _v2_includes(col, inc)
    data = obj["data"]
    if isinstance(data, dict):  # filtered stream: one tweet per line
        data = [data]
    elif not isinstance(data, list):
        raise TypeError(f"'data' must be a list or an object, got {type(data).__name__}")
    for t in data:
        if "author_id" not in t and "username" in t:  # a users lookup page
            _v2_user(col, t)
            col.note(path, "read", 1, "user records (user lookup)")
            continue
        _v2_tweet(col, t, path, line, flat=False)


# ----------------------------------------------------------------------------- twarc-csv CSV


def read_twarc_csv(path: str, col: Collector, bad: BadRows) -> None:
    """twarc-csv output: one tweet per row with dotted column names (``author.username``)."""

    raw = read_table(path, what="posts", sep=",", header=True)
    df = raw.frame
    need = ("id", "author_id", "created_at")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"not a twarc-csv file: columns {missing} missing", source=path)

    def col_or_none(name):
        return df[name].tolist() if name in df.columns else [""] * len(df)

    ids, authors, created = df["id"].tolist(), df["author_id"].tolist(), df["created_at"].tolist()
    reply_ids = col_or_none("referenced_tweets.replied_to.id")
    rt_ids = col_or_none("referenced_tweets.retweeted.id")
    q_ids = col_or_none("referenced_tweets.quoted.id")
    reply_users, rt_users = col_or_none("in_reply_to_user_id"), col_or_none("retweeted_user_id")
    q_users = col_or_none("quoted_user_id")
    pairs = (
        ("in_reply_to_user_id", "in_reply_to_username"),
        ("retweeted_user_id", "retweeted_username"),
        ("quoted_user_id", "quoted_username"),
    )
    for uid_col, name_col in pairs:
        for uid, uname in zip(col_or_none(uid_col), col_or_none(name_col), strict=False):
            if uid and uname:
                col.add_user(uid, handle=uname)
    texts, langs = col_or_none("text"), col_or_none("lang")
    mentions, tags = col_or_none("entities.mentions"), col_or_none("entities.hashtags")
    likes, replies = (
        col_or_none("public_metrics.like_count"),
        col_or_none("public_metrics.reply_count"),
    )
    shares = col_or_none("public_metrics.retweet_count")
    uname, name = col_or_none("author.username"), col_or_none("author.name")
    fol, fng = (
        col_or_none("author.public_metrics.followers_count"),
        col_or_none("author.public_metrics.following_count"),
    )
    tw, ver = col_or_none("author.public_metrics.tweet_count"), col_or_none("author.verified")
    lines = raw.line_of_row
    for i in range(len(df)):
        line = int(lines[i]) if lines is not None else i + 2
        author = authors[i]
        if not ids[i] or not author:
            bad.bad(
                f"row {i + 1}: a tweet without id or author_id",
                source=path,
                row=i + 1,
                kind="rows without id or author",
            )
            continue
        col.add_user(
            author,
            handle=uname[i] or None,
            name=name[i] or None,
            followers=_int(fol[i]),
            following=_int(fng[i]),
            posts=_int(tw[i]),
            verified=_bool(ver[i]),
        )
        r, s, q = reply_ids[i] or None, rt_ids[i] or None, q_ids[i] or None
        ptype = "reshare" if s else "reply" if r else "quote" if q else "post"
        seq = col.add_post(
            ids[i],
            author,
            created[i],
            ptype,
            reply_to=r,
            shared=s,
            quoted=q,
            text=texts[i] or None,
            likes=_int(likes[i]),
            replies=_int(replies[i]),
            shares=_int(shares[i]),
            hashtags=tag_string(_json_list(tags[i])),
            lang=langs[i] or None,
            platform=PLATFORM,
            file=path,
            line=line,
        )
        if r:
            col.ref(seq, author, "reply", target=reply_users[i] or None, target_post=r)
        if s:
            col.ref(seq, author, "retweet", target=rt_users[i] or None, target_post=s)
        if q:
            col.ref(seq, author, "quote", target=q_users[i] or None, target_post=q)
        for m in _json_list(mentions[i]):
            col.ref(seq, author, "mention", target_handle=str(m).lstrip("@"))


def _json_list(cell: str) -> list:
    if not cell or cell[0] != "[":
        return [c for c in cell.split() if c] if cell else []
    try:
        out = json.loads(cell)
    except ValueError:
        return []
    return [x.get("tag") or x.get("username") if isinstance(x, dict) else x for x in out]


def _int(cell):
    if cell is None or cell == "":
        return None
    try:
        return int(float(cell))
    except (TypeError, ValueError):
        return None


def _bool(cell):
    if isinstance(cell, bool) or cell is None:
        return cell
    s = str(cell).strip().lower()
    return True if s in ("true", "1") else False if s in ("false", "0") else None


# ------------------------------------------------------------------------------- API v1.1

_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def v1_time(value):
    """``"Wed Dec 02 18:56:27 +0000 2015"`` -> unix seconds (other values pass through)."""
    if isinstance(value, str) and len(value) == 30 and value[3] == " ":
        try:
            return datetime.strptime(value, _V1_TIME).timestamp()
        except ValueError:
            return value
    return value


def _v1_user(col: Collector, u: dict) -> str | None:
    uid = id_str(u.get("id_str")) or id_str(u.get("id"))
    col.add_user(
        uid,
        handle=u.get("screen_name"),
        name=u.get("name"),
        followers=u.get("followers_count"),
        following=u.get("friends_count"),
        posts=u.get("statuses_count"),
        verified=u.get("verified"),
    )
    return uid


def _v1_text_entities(t: dict) -> tuple[str | None, dict]:
    ext = t.get("extended_tweet")
    if ext:
        return ext.get("full_text"), ext.get("entities") or {}
    return t.get("full_text") or t.get("text"), t.get("entities") or {}


def read_v1(path: str, col: Collector, bad: BadRows) -> None:
    """API v1.1 statuses, one per line (twarc v1, GNIP original format), or a JSON document
    with a ``statuses`` list or a list of statuses."""
    for line, obj in iter_json(path, bad):
        items = obj.get("statuses", [obj]) if isinstance(obj, dict) else obj
        for t in items if isinstance(items, list) else [items]:
            try:
                _v1_tweet(col, t, path, line)
            except (KeyError, TypeError, AttributeError) as exc:
                bad.bad(
                    f"line {line}: not a v1.1 tweet ({_what(exc)})",
                    source=path,
                    row=line,
                    kind="records of the wrong shape",
                )


def _v1_tweet(col: Collector, t: dict, path: str, line: int) -> None:
    if "delete" in t or "limit" in t:  # stream control messages
        return
    pid = id_str(t.get("id_str")) or id_str(t["id"])
    author = _v1_user(col, t["user"])
    text, ents = _v1_text_entities(t)
    rs, qs = t.get("retweeted_status"), t.get("quoted_status")
    shared = quoted = None
    if rs:
        shared = id_str(rs.get("id_str"))
        col.add_context(shared, _v1_user(col, rs["user"]))
    if qs:
        quoted = id_str(qs.get("id_str"))
        col.add_context(quoted, _v1_user(col, qs["user"]))
    elif not rs and t.get("quoted_status_id_str"):
        quoted = id_str(t.get("quoted_status_id_str"))
    reply_to = id_str(t.get("in_reply_to_status_id_str"))
    reply_user = id_str(t.get("in_reply_to_user_id_str"))
    if reply_user and t.get("in_reply_to_screen_name"):
        col.add_user(reply_user, handle=t["in_reply_to_screen_name"])
    ptype = (
        "reshare"
        if shared
        else "reply"
        if reply_to or reply_user
        else "quote"
        if quoted
        else "post"
    )
    seq = col.add_post(
        pid,
        author,
        v1_time(t.get("created_at")),
        ptype,
        reply_to=reply_to,
        shared=shared,
        quoted=quoted,
        text=text,
        likes=t.get("favorite_count"),
        replies=t.get("reply_count"),
        shares=t.get("retweet_count"),
        hashtags=tag_string([h.get("text") for h in ents.get("hashtags") or ()]),
        lang=t.get("lang"),
        platform=PLATFORM,
        file=path,
        line=line,
    )
    if reply_to or reply_user:
        col.ref(seq, author, "reply", target=reply_user, target_post=reply_to)
    if shared:
        col.ref(seq, author, "retweet", target_post=shared)
    if quoted:
        col.ref(seq, author, "quote", target_post=quoted)
    for m in ents.get("user_mentions") or ():
        mid = id_str(m.get("id_str")) or id_str(m.get("id"))
        if mid and m.get("screen_name"):
            col.add_user(mid, handle=m["screen_name"], name=m.get("name"))
        col.ref(seq, author, "mention", target=mid, target_handle=m.get("screen_name"))


# ------------------------------------------------------------------ GNIP Activity Streams

_STATUS_URL = re.compile(r"twitter\.com/([^/]+)/statuses/(\d+)")


def _tail_id(value) -> str | None:
    """``"id:twitter.com:123"`` / ``"tag:search.twitter.com,2005:456"`` -> ``"123"``/``"456"``."""
    if value is None:
        return None
    return str(value).rsplit(":", 1)[-1] or None


def _as_actor(col: Collector, a: dict) -> str | None:
    uid = _tail_id(a.get("id"))
    col.add_user(
        uid,
        handle=a.get("preferredUsername"),
        name=a.get("displayName"),
        followers=a.get("followersCount"),
        following=a.get("friendsCount"),
        posts=a.get("statusesCount"),
        verified=a.get("verified"),
    )
    return uid


def read_gnip(path: str, col: Collector, bad: BadRows) -> None:
    """GNIP Activity Streams: ``actor``, ``verb`` (post/share), ``object``, ``inReplyTo``."""
    for line, obj in iter_json(path, bad):
        for a in obj if isinstance(obj, list) else [obj]:
            try:
                _gnip_activity(col, a, path, line)
            except (KeyError, TypeError, AttributeError) as exc:
                bad.bad(
                    f"line {line}: not an Activity Streams activity ({_what(exc)})",
                    source=path,
                    row=line,
                    kind="records of the wrong shape",
                )


def _gnip_activity(col: Collector, a: dict, path: str, line: int) -> None:
    if "actor" not in a and ("info" in a or "delete" in a):
        return  # the trailing activity-count record of a GNIP file
    pid = _tail_id(a["id"])
    author = _as_actor(col, a["actor"])
    ents = (a.get("long_object") or {}).get("twitter_entities") or a.get("twitter_entities") or {}
    text = (a.get("long_object") or {}).get("body") or a.get("body")
    shared = quoted = reply_to = reply_handle = None
    if a.get("verb") == "share":
        obj = a.get("object") or {}
        shared = _tail_id(obj.get("id"))
        col.add_context(shared, _as_actor(col, obj["actor"]) if obj.get("actor") else None)
    qs = a.get("twitter_quoted_status")
    if qs:
        quoted = _tail_id(qs.get("id"))
        col.add_context(quoted, _as_actor(col, qs["actor"]) if qs.get("actor") else None)
    irt = a.get("inReplyTo")
    if irt and irt.get("link"):
        m = _STATUS_URL.search(irt["link"])
        if m:
            reply_handle, reply_to = m.group(1), m.group(2)
    ptype = "reshare" if shared else "reply" if reply_to else "quote" if quoted else "post"
    seq = col.add_post(
        pid,
        author,
        a.get("postedTime"),
        ptype,
        reply_to=reply_to,
        shared=shared,
        quoted=quoted,
        text=text,
        likes=a.get("favoritesCount"),
        shares=a.get("retweetCount"),
        hashtags=tag_string([h.get("text") for h in ents.get("hashtags") or ()]),
        lang=(a.get("twitter_lang") or None),
        platform=PLATFORM,
        file=path,
        line=line,
    )
    if reply_to:
        col.ref(seq, author, "reply", target_post=reply_to, target_handle=reply_handle)
    if shared:
        col.ref(seq, author, "retweet", target_post=shared)
    if quoted:
        col.ref(seq, author, "quote", target_post=quoted)
    for m in ents.get("user_mentions") or ():
        mid = id_str(m.get("id_str")) or id_str(m.get("id"))
        if mid and m.get("screen_name"):
            col.add_user(mid, handle=m["screen_name"], name=m.get("name"))
        col.ref(seq, author, "mention", target=mid, target_handle=m.get("screen_name"))
