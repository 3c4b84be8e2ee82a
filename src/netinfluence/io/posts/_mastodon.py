"""Mastodon: REST API statuses (one, a list, a ``/context``), streaming lines, and the account
lists of ``reblogged_by`` / ``favourited_by``."""

from __future__ import annotations

import html
import re
from pathlib import Path

from netinfluence.io.posts._collect import Collector, id_str, tag_string
from netinfluence.io.posts._source import BadRows, iter_json, loads

PLATFORM = "mastodon"
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"</p>|<br\s*/?>", re.I)
_LIST_FILE = re.compile(r"(\d+)_(reblogged_by|favourited_by)")


def html_text(content: str | None) -> str | None:
    """Mastodon's HTML ``content`` as plain text."""
    if not content:
        return None
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip() or None


def _account(col: Collector, a: dict) -> str | None:
    uid = id_str(a.get("id"))
    col.add_user(
        uid,
        handle=a.get("acct"),
        name=a.get("display_name") or None,
        followers=a.get("followers_count"),
        following=a.get("following_count"),
        posts=a.get("statuses_count"),
        bot=a.get("bot"),
    )
    return uid


def read_mastodon(path: str, col: Collector, bad: BadRows) -> None:
    """Statuses anywhere in the file; an account list becomes reblogs of the status named in
    the file name (``..._<status id>_reblogged_by.json``) or user records (favourites)."""
    m = _LIST_FILE.search(Path(path).name)
    for line, obj in iter_json(path, bad):
        try:
            if m and isinstance(obj, list) and all("acct" in a for a in obj):
                _account_list(col, obj, m.group(1), m.group(2), path, line)
                continue
            _walk(col, obj, path, line)
        except (KeyError, TypeError, AttributeError) as exc:
            bad.bad(
                f"line {line}: not a Mastodon status ({exc})",
                source=path,
                row=line,
                kind="records of the wrong shape",
            )


def _account_list(
    col: Collector, accounts: list, status: str, kind: str, path: str, line: int
) -> None:
    for a in accounts:
        uid = _account(col, a)
        if kind == "reblogged_by":  # a reblog without its own status or time
            seq = col.add_post(
                f"{status}/reblogged_by/{uid}",
                uid,
                None,
                "reshare",
                shared=status,
                platform=PLATFORM,
                file=path,
                line=line,
            )
            col.ref(seq, uid, "retweet", target_post=status)
    what = "reblogs (no time)" if kind == "reblogged_by" else "accounts (likes: users only)"
    col.note(path, "read", len(accounts), f"{kind} {what} of status {status}")


def _walk(col: Collector, obj, path: str, line: int) -> None:
    if isinstance(obj, list):
        for o in obj:
            _walk(col, o, path, line)
        return
    if not isinstance(obj, dict):
        raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
    if "ancestors" in obj or "descendants" in obj:
        _walk(col, obj.get("ancestors") or [], path, line)
        _walk(col, obj.get("descendants") or [], path, line)
        return
    if "event" in obj and "payload" in obj:  # raw streaming event
        if obj["event"] in ("update", "status.update"):
            payload = obj["payload"]
            _walk(col, loads(payload) if isinstance(payload, str) else payload, path, line)
        return
    _status(col, obj, path, line)


def _status(col: Collector, s: dict, path: str, line: int) -> None:
    pid = id_str(s["id"])
    author = _account(col, s["account"])
    rb = s.get("reblog")
    shared = quoted = None
    if rb:
        shared = id_str(rb["id"])
        col.add_context(shared, _account(col, rb["account"]))
    q = s.get("quote")
    if isinstance(q, dict):  # Mastodon >= 4.4
        qs = q.get("quoted_status") or {}
        quoted = id_str(qs.get("id") or q.get("quoted_status_id"))
        if qs.get("account"):
            col.add_context(quoted, _account(col, qs["account"]))
    reply_to = id_str(s.get("in_reply_to_id"))
    reply_user = id_str(s.get("in_reply_to_account_id"))
    ptype = "reshare" if shared else "reply" if reply_to else "quote" if quoted else "post"
    src = rb if rb else s
    seq = col.add_post(
        pid,
        author,
        s.get("created_at"),
        ptype,
        reply_to=reply_to,
        shared=shared,
        quoted=quoted,
        text=html_text(src.get("content")),
        likes=s.get("favourites_count"),
        replies=s.get("replies_count"),
        shares=s.get("reblogs_count"),
        hashtags=tag_string([t.get("name") for t in src.get("tags") or ()]),
        lang=s.get("language") or src.get("language"),
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
    if not rb:  # a boost's mentions are the original's
        for m in s.get("mentions") or ():
            mid = id_str(m.get("id"))
            col.add_user(mid, handle=m.get("acct"))
            col.ref(seq, author, "mention", target=mid, target_handle=m.get("acct"))
