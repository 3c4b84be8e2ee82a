"""Property: one generated posts table written as a generic CSV and as X API v2 JSON pages
reads back to the same interactions."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netinfluence.io.posts import read_posts_tables

USERS = ["10", "11", "12", "13", "14"]


@st.composite
def posts_tables(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        earlier = st.sampled_from([r["post_id"] for r in rows]) if rows else st.none()
        kind = draw(st.sampled_from(["post", "reply", "reshare", "quote"])) if rows else "post"
        rows.append(
            {
                "post_id": str(1000 + i),
                "author": draw(st.sampled_from(USERS)),
                "created_at": 1_600_000_000 + draw(st.integers(0, 10**6)),
                "reply_to_post": draw(earlier) if kind == "reply" else None,
                "shared_post": draw(earlier) if kind == "reshare" else None,
                "quoted_post": draw(earlier) if kind == "quote" else None,
                "mentions": draw(st.lists(st.sampled_from(USERS), max_size=3, unique=True)),
            }
        )
    return rows


def write_generic_csv(rows, path: Path) -> None:
    """The generic layout: one row per post, links and ';'-joined mention ids as columns."""
    author = {r["post_id"]: r["author"] for r in rows}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "post_id",
                "author",
                "created_at",
                "reply_to_post",
                "reply_to_author",
                "shared_post",
                "quoted_post",
                "mentions",
                "text",
            ]
        )
        for r in rows:
            ts = datetime.fromtimestamp(r["created_at"], tz=UTC).isoformat()
            w.writerow(
                [
                    r["post_id"],
                    r["author"],
                    ts,
                    r["reply_to_post"] or "",
                    author.get(r["reply_to_post"], ""),
                    r["shared_post"] or "",
                    r["quoted_post"] or "",
                    ";".join(r["mentions"]),
                    "some text",
                ]
            )


def write_v2_pages(rows, path: Path, page_size: int = 7) -> None:
    """X API v2 pages: ``data`` tweets with ``referenced_tweets`` and ``entities.mentions``,
    ``includes.users`` and ``includes.tweets``; created_at as ISO 8601 with milliseconds."""
    by_id = {r["post_id"]: r for r in rows}
    with path.open("w") as fh:
        for start in range(0, len(rows), page_size):
            page = rows[start : start + page_size]
            data, inc_tweets = [], {}
            for r in page:
                refs = []
                for kind, key in (
                    ("replied_to", "reply_to_post"),
                    ("retweeted", "shared_post"),
                    ("quoted", "quoted_post"),
                ):
                    if r[key]:
                        refs.append({"type": kind, "id": r[key]})
                        parent = by_id[r[key]]
                        inc_tweets[parent["post_id"]] = {
                            "id": parent["post_id"],
                            "author_id": parent["author"],
                            "text": "x",
                        }
                t = {
                    "id": r["post_id"],
                    "author_id": r["author"],
                    "text": "some text",
                    "created_at": datetime.fromtimestamp(r["created_at"], tz=UTC).strftime(
                        "%Y-%m-%dT%H:%M:%S.000Z"
                    ),
                    "entities": {
                        "mentions": [{"id": m, "username": f"user{m}"} for m in r["mentions"]]
                    },
                }
                if refs:
                    t["referenced_tweets"] = refs
                if r["reply_to_post"]:
                    t["in_reply_to_user_id"] = by_id[r["reply_to_post"]]["author"]
                data.append(t)
            inc = {
                "users": [{"id": u, "username": f"user{u}"} for u in USERS],
                "tweets": list(inc_tweets.values()),
            }
            fh.write(json.dumps({"data": data, "includes": inc, "meta": {}}) + "\n")


COLS = ["source", "target", "type", "count", "first_timestamp", "timestamp"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=posts_tables())
def test_generic_csv_and_v2_json_give_the_same_interactions(rows, tmp_path_factory):
    d = tmp_path_factory.mktemp("prop")
    write_generic_csv(rows, d / "posts.csv")
    write_v2_pages(rows, d / "pages.jsonl")
    a = read_posts_tables(d / "posts.csv")
    b = read_posts_tables(d / "pages.jsonl")
    assert a.formats[str(d / "posts.csv")] == "generic"
    assert b.formats[str(d / "pages.jsonl")] == "twitter-v2"
    ia = a.interactions[COLS].sort_values(COLS[:3]).reset_index(drop=True)
    ib = b.interactions[COLS].sort_values(COLS[:3]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ia, ib, check_dtype=False)
    assert len(a.posts) == len(b.posts) == len(rows)
    # the package convention: every reply row points from the replier to the replied-to author
    author = {r["post_id"]: r["author"] for r in rows}
    expected_replies = {
        (r["author"], author[r["reply_to_post"]])
        for r in rows
        if r["reply_to_post"] and r["author"] != author[r["reply_to_post"]]
    }
    got = set(map(tuple, ia[ia["type"] == "reply"][["source", "target"]].to_numpy()))
    assert got == expected_replies
