"""Reddit: API thread JSON (nested Listings), ``morechildren`` responses, continue-thread pages,
flattened comment lines and pushshift/arctic-shift dump lines (RC_*/RS_*)."""

from __future__ import annotations

from netinfluence.io.posts._collect import Collector, id_str, text_tags
from netinfluence.io.posts._source import BadRows, iter_json

PLATFORM = "reddit"


def read_reddit(path: str, col: Collector, bad: BadRows) -> None:
    """Every ``t1`` comment and ``t3`` submission in the file; ``more`` stubs are counted."""
    stubs = [0]
    for line, obj in iter_json(path, bad):
        try:
            _walk(col, obj, path, line, stubs)
        except (KeyError, TypeError, AttributeError) as exc:
            bad.bad(
                f"line {line}: not a Reddit comment, submission or listing ({exc})",
                source=path,
                row=line,
                kind="records of the wrong shape",
            )
    col.note(
        path,
        "unresolved",
        stubs[0],
        "hidden comments behind 'more' stubs (fetch them with morechildren)",
    )


def _walk(col: Collector, obj, path: str, line: int, stubs: list[int]) -> None:
    if isinstance(obj, list):
        for o in obj:
            _walk(col, o, path, line, stubs)
        return
    if not isinstance(obj, dict):
        raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
    kind = obj.get("kind")
    if kind == "Listing":
        _walk(col, obj["data"].get("children") or [], path, line, stubs)
        return
    if kind == "more":
        stubs[0] += len(obj.get("data", {}).get("children") or ())
        return
    if kind in ("t1", "t3"):
        _thing(col, obj["data"], kind, path, line, stubs)
        return
    if "json" in obj:  # a morechildren response
        _walk(col, obj["json"].get("data", {}).get("things") or [], path, line, stubs)
        return
    if "author" in obj and ("body" in obj or "parent_id" in obj):
        _thing(col, obj, "t1", path, line, stubs)
        return
    if "author" in obj and ("title" in obj or "selftext" in obj):
        _thing(col, obj, "t3", path, line, stubs)
        return
    raise KeyError("kind")


def _thing(col: Collector, d: dict, kind: str, path: str, line: int, stubs) -> None:
    pid = f"{kind}_{id_str(d['id'])}"
    author = d.get("author")
    if author:
        col.add_user(author, handle=author)
    if kind == "t3":
        text = "\n".join(x for x in (d.get("title"), d.get("selftext")) if x) or None
        col.add_post(
            pid,
            author,
            d.get("created_utc"),
            "post",
            text=text,
            likes=d.get("score"),
            replies=d.get("num_comments"),
            lang=None,
            platform=PLATFORM,
            file=path,
            line=line,
        )
        return
    parent = d.get("parent_id")
    seq = col.add_post(
        pid,
        author,
        d.get("created_utc"),
        "comment",
        reply_to=parent,
        text=d.get("body"),
        hashtags=text_tags(d.get("body")),
        likes=d.get("score"),
        platform=PLATFORM,
        file=path,
        line=line,
    )
    if parent:
        col.ref(seq, author, "comment", target_post=parent)
    replies = d.get("replies")
    if isinstance(replies, dict):  # "" when there are none
        _walk(col, replies, path, line, stubs)
